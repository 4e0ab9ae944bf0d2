#include "CacheDatabase.h"

#include "CacheLog.h"
#include "CacheSchema.h"
#include "SqliteStatement.h"
#include "WalCheckpointer.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace Elevate::Cache {

namespace {

// SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with or without extended codes.
bool isDamage(const QSqlError& error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    if (!ok) {
        return false;
    }
    const int primary = code & 0xff;
    return primary == 11 || primary == 26;
}

QVariant ticksOrNull(const Timestamp& t)
{
    return t.isNull() ? QVariant() : QVariant(qint64(t.ticks()));
}

Timestamp timestampOf(const QVariant& v)
{
    return v.isNull() ? Timestamp() : Timestamp::fromTicks(v.toLongLong());
}

const QStringList& cachePragmas()
{
    // The cache is disposable: synchronous=NORMAL under WAL keeps it consistent after a crash
    // (a power cut may lose the last refresh, which the next sync pulls again). mmap and a
    // 64 MiB page cache serve the audit pane's index scans from memory.
    static const QStringList pragmas = {
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("PRAGMA temp_store=MEMORY"),
        QStringLiteral("PRAGMA cache_size=-65536"),
        QStringLiteral("PRAGMA mmap_size=1073741824"),
    };
    return pragmas;
}

} // namespace

CacheDatabase::CacheDatabase() = default;

CacheDatabase::~CacheDatabase()
{
    close();
}

int CacheDatabase::backgroundCheckpoints() const
{
    return m_checkpointer ? m_checkpointer->checkpoints() : 0;
}

Integrity CacheDatabase::check(const QString& path)
{
    Integrity verdict;
    if (!QFileInfo::exists(path)) {
        verdict.status = Integrity::Status::Missing;
        return verdict;
    }
    const QString name = QStringLiteral("elevate-cache-check-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            verdict.status = Integrity::Status::Corrupt;
            verdict.detail = db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("PRAGMA quick_check"))) {
                verdict.status = Integrity::Status::Corrupt;
                verdict.detail = q.lastError().text();
            } else {
                QStringList problems;
                while (q.next()) {
                    const QString line = q.value(0).toString();
                    if (line != u"ok") {
                        problems << line;
                    }
                }
                verdict.status = problems.isEmpty() ? Integrity::Status::Ok : Integrity::Status::Corrupt;
                verdict.detail = problems.mid(0, 5).join(u"; ");
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (verdict.isCorrupt()) {
        qCWarning(lcCache) << "cache file" << path << "failed its integrity check:" << verdict.detail;
    }
    return verdict;
}

bool CacheDatabase::remove(const QString& path, QString* error)
{
    const QStringList files = {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"),
                               path + QStringLiteral("-journal")};
    for (const QString& file : files) {
        if (QFile::exists(file) && !QFile::remove(file)) {
            if (error) {
                *error = QStringLiteral("cannot delete %1").arg(file);
            }
            return false;
        }
    }
    return true;
}

bool CacheDatabase::open(const QString& path, const Integrity& integrity)
{
    close();
    m_rebuilt = false;
    if (!integrity.isCorrupt()) {
        const OpenOutcome outcome = tryOpen(path);
        if (outcome == OpenOutcome::Ok) {
            return true;
        }
        if (outcome == OpenOutcome::Failed) {
            return false;
        }
    }
    // Corrupt, not a database, or from a newer build: the cache is disposable, start afresh.
    qCWarning(lcCache) << "rebuilding the cache" << path;
    close();
    QString error;
    if (!remove(path, &error)) {
        m_connection.setLastError(error);
        return false;
    }
    m_rebuilt = true;
    return tryOpen(path) == OpenOutcome::Ok;
}

CacheDatabase::OpenOutcome CacheDatabase::tryOpen(const QString& path)
{
    if (!m_connection.open(path, cachePragmas())) {
        // Opening is lazy in SQLite: a damaged header shows up at the first pragma.
        const QString error = m_connection.lastError();
        const bool damaged = error.contains(u"not a database", Qt::CaseInsensitive)
                             || error.contains(u"malformed", Qt::CaseInsensitive);
        return damaged ? OpenOutcome::Damaged : OpenOutcome::Failed;
    }
    bool damaged = false;
    if (!migrate(&damaged)) {
        return damaged ? OpenOutcome::Damaged : OpenOutcome::Failed;
    }
    // A sync's commits then never stop to copy the log into the file (the thread doing them is
    // the UI thread in the console).
    if (sqlite3* writer = SqliteStatement::handleOf(m_connection); writer && path != u":memory:") {
        m_checkpointer = std::make_unique<WalCheckpointer>(writer, path);
    }
    return OpenOutcome::Ok;
}

bool CacheDatabase::migrate(bool* damaged)
{
    QSqlQuery q(m_connection.handle());
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        *damaged = isDamage(q.lastError());
        m_connection.setLastError(q.lastError().text());
        return false;
    }
    const int current = q.value(0).toInt();
    q.finish();
    if (current > SchemaVersion) {
        m_connection.setLastError(
            QStringLiteral("cache schema %1 is newer than this build (%2)").arg(current).arg(SchemaVersion));
        *damaged = true; // disposable: rebuild rather than misread
        return false;
    }
    for (const Migration& m : cacheMigrations()) {
        if (m.version <= current) {
            continue;
        }
        QSqlError failure;
        const bool ok = m_connection.transaction([&] {
            for (const QString& sql : m.statements) {
                QSqlQuery s(m_connection.handle());
                if (!s.exec(sql)) {
                    failure = s.lastError();
                    m_connection.setLastError(QStringLiteral("migration %1: %2").arg(m.version).arg(failure.text()));
                    return false;
                }
            }
            return m_connection.execDirect(QStringLiteral("PRAGMA user_version=%1").arg(m.version));
        });
        if (!ok) {
            *damaged = isDamage(failure);
            return false;
        }
    }
    return true;
}

void CacheDatabase::close()
{
    m_checkpointer.reset();
    m_connection.close();
}

int CacheDatabase::schemaVersion()
{
    QSqlQuery q(m_connection.handle());
    return q.exec(QStringLiteral("PRAGMA user_version")) && q.next() ? q.value(0).toInt() : -1;
}

std::optional<SyncState> CacheDatabase::syncState(const QString& collection)
{
    QSqlQuery q = m_connection.prepare(QStringLiteral(
        "SELECT collection, last_sync, last_attempt, last_error, watermark FROM sync_state WHERE collection = ?"));
    if (!m_connection.exec(q, {collection}) || !q.next()) {
        return std::nullopt;
    }
    SyncState s{q.value(0).toString(), timestampOf(q.value(1)), timestampOf(q.value(2)), q.value(3).toString(),
                q.value(4).toString()};
    q.finish();
    return s;
}

QList<SyncState> CacheDatabase::syncStates()
{
    QList<SyncState> states;
    QSqlQuery q = m_connection.prepare(QStringLiteral(
        "SELECT collection, last_sync, last_attempt, last_error, watermark FROM sync_state ORDER BY collection"));
    if (m_connection.exec(q)) {
        while (q.next()) {
            states << SyncState{q.value(0).toString(), timestampOf(q.value(1)), timestampOf(q.value(2)),
                                q.value(3).toString(), q.value(4).toString()};
        }
    }
    return states;
}

bool CacheDatabase::markSynced(const QString& collection, const Timestamp& when, const QString& watermark)
{
    QSqlQuery q = m_connection.prepare(QStringLiteral(
        "INSERT INTO sync_state (collection, last_sync, last_attempt, last_error, watermark) VALUES (?, ?, ?, '', ?) "
        "ON CONFLICT (collection) DO UPDATE SET last_sync = excluded.last_sync, last_attempt = excluded.last_attempt, "
        "last_error = '', watermark = CASE WHEN excluded.watermark = '' THEN sync_state.watermark "
        "ELSE excluded.watermark END"));
    return m_connection.exec(q, {collection, ticksOrNull(when), ticksOrNull(when), watermark});
}

bool CacheDatabase::markSyncFailed(const QString& collection, const Timestamp& when, const QString& error)
{
    QSqlQuery q = m_connection.prepare(
        QStringLiteral("INSERT INTO sync_state (collection, last_attempt, last_error) VALUES (?, ?, ?) "
                       "ON CONFLICT (collection) DO UPDATE SET last_attempt = excluded.last_attempt, "
                       "last_error = excluded.last_error"));
    return m_connection.exec(q, {collection, ticksOrNull(when), error.isEmpty() ? QStringLiteral("failed") : error});
}

bool CacheDatabase::setWatermark(const QString& collection, const QString& watermark)
{
    QSqlQuery q = m_connection.prepare(
        QStringLiteral("INSERT INTO sync_state (collection, watermark) VALUES (?, ?) "
                       "ON CONFLICT (collection) DO UPDATE SET watermark = excluded.watermark"));
    return m_connection.exec(q, {collection, watermark});
}

} // namespace Elevate::Cache
