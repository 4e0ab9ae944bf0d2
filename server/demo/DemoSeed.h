#pragma once

#include <QList>
#include <QString>

namespace Elevate::Server {

class Clock;
class Database;
class Engine;
class IdentityService;

// Seeds the demo organisation `elevated --demo` serves: about 40 people with the personas
// (requester, approver, reviewer, auditor, admin), the directory roles of a real tenant with
// varied policies, three PIM groups, requests waiting for the approver, an open access review
// for the reviewer, and 90 days of audit history. The same seed gives the same organisation
// and history every time (only generated ids differ).
class DemoSeed final
{
public:
    struct Persona
    {
        QString role;      // "requester", "approver", ...
        QString userName;
        QString displayName;
    };

    static constexpr const char* Password = "elevate-demo";

    DemoSeed(Database& db, Engine& engine, IdentityService& identity, const Clock& clock);

    // Returns false (with *error) when the database already holds users or a step fails.
    bool seed(QString* error, int historyDays = 90);

    static QList<Persona> personas();

private:
    Database& m_db;
    Engine& m_engine;
    IdentityService& m_identity;
    const Clock& m_clock;
};

} // namespace Elevate::Server
