#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace Elevate::Server {

class Database;

// `elevated db copy`: moves an organisation from one database to another (SQLite to
// PostgreSQL when it outgrows one host), every table and the audit chain as they are, in one
// transaction on the target. The target must be freshly migrated and empty; both are at the
// latest schema version once opened. The copy is checked row count by row count, then by the
// caller's check (the audit chain), before it commits.
class DatabaseCopy final
{
public:
    // The tables in the order they are copied (referenced tables first).
    static QStringList tables();

    // Runs inside the target's transaction after the rows are in: false rolls the copy back.
    // (elevated verifies the audit chain here; the store does not know the engine.)
    using Check = std::function<bool(QString* report, QString* error)>;

    // Copies everything from `from` into `to`. *report lists the rows copied per table.
    static bool copy(Database& from, Database& to, const Check& check, QString* report, QString* error);
};

} // namespace Elevate::Server
