#pragma once

// Shared set-up for the identity tests: a real SQLite file in a temporary folder, a manual
// clock, an IdentityService with cheap Argon2 parameters, and the events it reports.

#include "Clock.h"
#include "Database.h"
#include "IdentityEvent.h"
#include "IdentityService.h"
#include "TestDatabase.h"

#include <QCryptographicHash>
#include <QList>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace Elevate::Server::Testing {

inline Timestamp startTime()
{
    return *Timestamp::fromIso(u"2026-03-02T10:00:00Z");
}

inline IdentitySettings cheapSettings()
{
    IdentitySettings s;
    s.passwordHashing.memoryKiB = 256;
    s.passwordHashing.iterations = 1;
    s.passwordHashing.parallelism = 1;
    return s;
}

struct IdentityFixture
{
    QTemporaryDir dir;
    Database db;
    ManualClock clock{startTime()};
    std::unique_ptr<IdentityService> identity;
    QList<IdentityEvent> events;
    QString openError;

    bool open(const IdentitySettings& settings = cheapSettings())
    {
        // SQLite, or a fresh PostgreSQL database in the *_pg runs.
        const QString url = dir.isValid() ? TestSupport::freshDatabaseUrl(dir, QStringLiteral("identity"), &openError) : QString();
        if (url.isEmpty() || !db.open(url, &openError)) {
            return false;
        }
        identity = std::make_unique<IdentityService>(db, clock, settings);
        identity->setEventSink([this](const IdentityEvent& e) { events.append(e); });
        return true;
    }

    // Every value of every row of a table, as text: for "no secret is stored in clear" checks.
    QStringList tableText(const QString& table)
    {
        QStringList out;
        // The table name is one of a fixed few chosen by the test, never input.
        QSqlQuery q = db.run(QStringLiteral("SELECT * FROM ") + table);
        while (q.next()) {
            for (int i = 0; i < q.record().count(); ++i) {
                out.append(q.value(i).toString());
            }
        }
        return out;
    }

    int count(IdentityEvent::Kind kind) const
    {
        int n = 0;
        for (const IdentityEvent& e : events) {
            n += e.kind == kind ? 1 : 0;
        }
        return n;
    }

    static QString sha256(const QString& text)
    {
        return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
    }
};

} // namespace Elevate::Server::Testing
