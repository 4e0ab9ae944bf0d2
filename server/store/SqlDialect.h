#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Elevate::Server {

// The SQL that differs between SQLite and PostgreSQL, side by side. Everything else the engine
// says is written once in the subset both understand (positional `?` bindings, TEXT instants in
// a fixed-width ISO form, INTEGER 0/1 booleans, `ON CONFLICT ... DO UPDATE`, COALESCE, lower()).
// Database owns one; callers reach it through Database::sql().
class SqlDialect final
{
public:
    enum class Kind { SQLite, PostgreSQL };
    // When a commit counts as done. Full: it survives a power cut (SQLite syncs the write-ahead
    // log at every commit: synchronous=FULL; PostgreSQL synchronous_commit=on). Normal: it
    // survives a crash or kill of elevated, since the log is in the operating system's hands
    // at commit, but a power cut (or, on PostgreSQL, a crash of the database server) may lose
    // the last commits; the database and the audit chain stay consistent either way, only a
    // tail of whole transactions can go (SQLite WAL with synchronous=NORMAL syncs at
    // checkpoints only; PostgreSQL synchronous_commit=off). Off: bulk loads into a throwaway
    // database (the demo tenant, benchmark set-up).
    enum class Durability { Full, Normal, Off };

    // Advisory lock keys (PostgreSQL). Every write transaction takes WriteLockKey, which makes
    // PostgreSQL writers queue exactly like SQLite's BEGIN IMMEDIATE does: one writer at a time
    // across every elevated instance on the database, each seeing all earlier commits (READ
    // COMMITTED takes a fresh snapshot per statement, after the lock was granted). That is what
    // makes each due transition happen once, N-of-M approvals count right, and the audit chain
    // stay one chain without the engine knowing which database it talks to. Reads take no lock.
    static constexpr qint64 WriteLockKey = 0x456c657661746501; // "Elevat" + 01
    static constexpr qint64 RateLimitLockKey = 0x456c657661746502;

    explicit SqlDialect(Kind kind = Kind::SQLite)
        : m_kind(kind)
    {
    }

    Kind kind() const { return m_kind; }
    bool isPostgres() const { return m_kind == Kind::PostgreSQL; }

    // The statements that open a write transaction.
    QStringList beginWrite() const;
    // The current instant in the fixed-width ISO form of SqlTime (for rows only the database
    // writes, such as schema_migrations).
    QString nowIso() const;
    // A UTF-8 document (an audit body) written without a round trip through UTF-16 where the
    // driver can bind bytes as text (SQLite), else as text: the placeholder and the value.
    QString utf8TextParameter() const;
    QVariant utf8TextValue(const QByteArray& utf8) const;
    // A TEXT column read back as its UTF-8 bytes.
    QString utf8BytesOf(const QString& column) const;
    // Takes one token from a shared rate bucket in one atomic statement (the row lock of the
    // upsert orders concurrent instances). Binds key, burst, now (ticks), rate; returns
    // allowed (0/1) and the tokens left (when refused: before the refill that is missing).
    // Empty on SQLite, whose single instance keeps its buckets in memory.
    QString takeRateToken() const;
    // Binds a tick count: buckets untouched since then are full and can go.
    QString pruneRateBuckets() const;
    // Connection settings run once after opening (durability apart: see durability()).
    QStringList connectionSettings() const;
    // The statement that sets the connection's durability.
    QString durability(Durability level) const;

private:
    Kind m_kind;
};

} // namespace Elevate::Server
