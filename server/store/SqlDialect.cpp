#include "SqlDialect.h"

namespace Elevate::Server {

QStringList SqlDialect::beginWrite() const
{
    if (isPostgres()) {
        return {QStringLiteral("BEGIN"), QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(WriteLockKey)};
    }
    // IMMEDIATE: two writers queue on the lock instead of failing when a read upgrades to a write.
    return {QStringLiteral("BEGIN IMMEDIATE")};
}

QString SqlDialect::nowIso() const
{
    if (isPostgres()) {
        // Microseconds padded to SqlTime's seven fractional digits.
        return QStringLiteral(R"(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0Z"'))");
    }
    return QStringLiteral("strftime('%Y-%m-%dT%H:%M:%fZ','now')");
}

QString SqlDialect::utf8TextParameter() const
{
    // QPSQL formats a QByteArray as a bytea literal, which CAST(... AS TEXT) would turn into its
    // escaped form: PostgreSQL gets the text itself.
    return isPostgres() ? QStringLiteral("?") : QStringLiteral("CAST(? AS TEXT)");
}

QVariant SqlDialect::utf8TextValue(const QByteArray& utf8) const
{
    return isPostgres() ? QVariant(QString::fromUtf8(utf8)) : QVariant(utf8);
}

QString SqlDialect::utf8BytesOf(const QString& column) const
{
    if (isPostgres()) {
        return QStringLiteral("convert_to(%1, 'UTF8')").arg(column);
    }
    return QStringLiteral("CAST(%1 AS BLOB)").arg(column);
}

QString SqlDialect::takeRateToken() const
{
    if (!isPostgres()) {
        return {};
    }
    // In DO UPDATE every right-hand side sees the old row (b) and the proposed one (excluded:
    // tokens = burst - 1, updated_ticks = now, rate).
    const QString refilled = QStringLiteral(
        "LEAST(excluded.tokens + 1, b.tokens + CAST(GREATEST(0, excluded.updated_ticks - b.updated_ticks) AS double "
        "precision) / 10000000.0 * excluded.rate)");
    return QStringLiteral("INSERT INTO rate_buckets AS b (key, tokens, updated_ticks, rate, allowed) VALUES (?, CAST(? AS "
                          "double precision) - 1, CAST(? AS bigint), CAST(? AS double precision), 1) "
                          "ON CONFLICT (key) DO UPDATE SET allowed = CASE WHEN %1 >= 1 - 1e-9 THEN 1 ELSE 0 END, "
                          "tokens = GREATEST(0, %1 - CASE WHEN %1 >= 1 - 1e-9 THEN 1 ELSE 0 END), "
                          "updated_ticks = GREATEST(b.updated_ticks, excluded.updated_ticks), rate = excluded.rate "
                          "RETURNING allowed, tokens")
        .arg(refilled);
}

QString SqlDialect::pruneRateBuckets() const
{
    return QStringLiteral("DELETE FROM rate_buckets WHERE updated_ticks < ?");
}

QStringList SqlDialect::connectionSettings() const
{
    if (isPostgres()) {
        return {
            // Instants are TEXT in UTC; nothing depends on the session's zone, but now() output
            // in logs should read the same on every instance.
            QStringLiteral("SET TIME ZONE 'UTC'"),
            // CREATE ... IF NOT EXISTS chatter stays out of the log.
            QStringLiteral("SET client_min_messages = warning"),
        };
    }
    return {
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("PRAGMA temp_store=MEMORY"),
        // 32 MiB of page cache: the default 2 MiB spills big transactions to the WAL page by page.
        QStringLiteral("PRAGMA cache_size=-32768"),
    };
}

QString SqlDialect::durability(Durability level) const
{
    if (isPostgres()) {
        return level == Durability::Full ? QStringLiteral("SET synchronous_commit = on")
                                         : QStringLiteral("SET synchronous_commit = off");
    }
    switch (level) {
    case Durability::Full:
        return QStringLiteral("PRAGMA synchronous=FULL");
    case Durability::Normal:
        return QStringLiteral("PRAGMA synchronous=NORMAL");
    case Durability::Off:
        break;
    }
    return QStringLiteral("PRAGMA synchronous=OFF");
}

} // namespace Elevate::Server
