#include "DatabaseCopy.h"

#include "Database.h"

#include <QSqlField>
#include <QSqlQuery>
#include <QSqlRecord>

namespace Elevate::Server {

QStringList DatabaseCopy::tables()
{
    return {
        QStringLiteral("users"),
        QStringLiteral("groups"),
        QStringLiteral("group_members"),
        QStringLiteral("role_definitions"),
        QStringLiteral("policies"),
        QStringLiteral("eligibilities"),
        QStringLiteral("requests"),
        QStringLiteral("assignments"),
        QStringLiteral("approval_stages"),
        QStringLiteral("approval_stage_approvers"),
        QStringLiteral("approval_votes"),
        QStringLiteral("review_definitions"),
        QStringLiteral("review_definition_reviewers"),
        QStringLiteral("review_instances"),
        QStringLiteral("review_decisions"),
        QStringLiteral("audit_events"),
        QStringLiteral("tokens"),
        QStringLiteral("device_codes"),
        QStringLiteral("authorization_codes"),
        QStringLiteral("login_throttle"),
        QStringLiteral("idempotency_keys"),
    };
}

bool DatabaseCopy::copy(Database& from, Database& to, const Check& check, QString* report, QString* error)
{
    if (from.schemaVersion() != to.schemaVersion()) {
        *error = QStringLiteral("schema versions differ (%1 and %2)").arg(from.schemaVersion()).arg(to.schemaVersion());
        return false;
    }
    // The target may hold the built-in roles an earlier start installed, nothing else.
    for (const QString& table : tables()) {
        if (table != u"role_definitions"
            && to.scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toLongLong() != 0) {
            *error = QStringLiteral("the target database is not empty (table %1 has rows)").arg(table);
            return false;
        }
    }
    QStringList lines;
    const bool ok = to.transaction([&] {
        bool done = false;
        to.run(QStringLiteral("DELETE FROM role_definitions"), {}, &done);
        if (!done) {
            *error = to.lastError();
            return false;
        }
        for (const QString& table : tables()) {
            // Table names come from the list above, never from input.
            QSqlQuery source(from.handle());
            source.setForwardOnly(true);
            if (!source.exec(QStringLiteral("SELECT * FROM %1").arg(table))) {
                *error = QStringLiteral("reading %1 failed").arg(table);
                return false;
            }
            const QSqlRecord columns = source.record();
            QStringList names;
            QStringList marks;
            for (int i = 0; i < columns.count(); ++i) {
                names << columns.fieldName(i);
                marks << QStringLiteral("?");
            }
            QSqlQuery insert = to.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                              .arg(table, names.join(QStringLiteral(", ")), marks.join(QStringLiteral(", "))));
            qint64 rows = 0;
            while (source.next()) {
                for (int i = 0; i < columns.count(); ++i) {
                    const QVariant v = source.value(i);
                    // NULL stays NULL (Database::bindable would make a null string '').
                    insert.bindValue(i, v.isNull() ? QVariant() : Database::bindable(v));
                }
                if (!to.exec(insert)) {
                    *error = QStringLiteral("writing %1 failed: %2").arg(table, to.lastError());
                    return false;
                }
                ++rows;
            }
            const qint64 written = to.scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toLongLong();
            if (written != rows || from.scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toLongLong() != rows) {
                *error = QStringLiteral("%1: %2 rows read, %3 written").arg(table).arg(rows).arg(written);
                return false;
            }
            lines << QStringLiteral("%1: %2").arg(table).arg(rows);
        }
        // E.g. the audit chain must verify where it now lives, before anything commits.
        QString checked;
        if (check && !check(&checked, error)) {
            return false;
        }
        if (!checked.isEmpty()) {
            lines << checked;
        }
        return true;
    });
    if (!ok && error->isEmpty()) {
        *error = to.lastError();
    }
    *report = lines.join(u'\n');
    return ok;
}

} // namespace Elevate::Server
