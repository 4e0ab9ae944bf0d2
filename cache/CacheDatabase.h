#pragma once

#include "SqliteConnection.h"
#include "SyncState.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace Elevate::Cache {

class WalCheckpointer;

// The verdict of CacheDatabase::check on a cache file.
struct Integrity
{
    enum class Status { Unchecked, Ok, Missing, Corrupt };
    Status status = Status::Unchecked;
    QString detail; // what quick_check or SQLite said, for the log

    bool isCorrupt() const { return status == Status::Corrupt; }
};

// The profile's offline cache: one SQLite file (mode 0600, WAL, `PRAGMA user_version`
// migrations) holding every collection the panes show, the audit archive and the sync state of
// each collection. The cache is disposable: when it is corrupt (or written by a newer build) it
// is deleted and recreated empty, to be filled again from the server. The outbox lives in a
// different file (Outbox) and is never touched here.
//
// Start-up: run check() on a worker thread (it reads every page and takes seconds on a cold
// disk), then open() on the thread that will use the cache, passing the verdict:
//
//     QFuture<Integrity> f = QtConcurrent::run(&CacheDatabase::check, path);
//     ... later, on the owning thread: cache.open(path, f.result());
//
// open() also rebuilds when SQLite itself reports the file is not a database or is malformed.
// Not thread-safe: one connection, used by the thread that opened it.
class CacheDatabase final
{
public:
    static constexpr int SchemaVersion = 1;

    CacheDatabase();
    ~CacheDatabase();
    CacheDatabase(const CacheDatabase&) = delete;
    CacheDatabase& operator=(const CacheDatabase&) = delete;

    // Runs PRAGMA quick_check on path through a private connection. Blocking and thread-safe:
    // it shares nothing with any CacheDatabase object, so call it from QtConcurrent or any
    // worker thread, never the UI thread. A missing file is Missing, not Corrupt.
    static Integrity check(const QString& path);
    // Deletes the cache file and its -wal and -shm companions.
    static bool remove(const QString& path, QString* error = nullptr);

    // Opens path (creating it), applies pragmas and migrations. When integrity says Corrupt, or
    // SQLite finds the file damaged, or the schema is newer than this build, the file is
    // deleted and recreated (wasRebuilt() is then true). False only when no usable cache could
    // be made (lastError() says why).
    bool open(const QString& path, const Integrity& integrity = {});
    void close();
    bool isOpen() const { return m_connection.isOpen(); }
    bool wasRebuilt() const { return m_rebuilt; }
    int schemaVersion();
    QString path() const { return m_connection.path(); }
    QString lastError() const { return m_connection.lastError(); }

    SqliteConnection& connection() { return m_connection; }
    // WAL checkpoints run by the background checkpointer (see WalCheckpointer) since open().
    int backgroundCheckpoints() const;

    // Sync state of each collection. Markers join the caller's transaction when one is open,
    // so a repository's replaceCollection records its sync time atomically with its rows.
    std::optional<SyncState> syncState(const QString& collection);
    QList<SyncState> syncStates();
    bool markSynced(const QString& collection, const Timestamp& when, const QString& watermark = QString());
    bool markSyncFailed(const QString& collection, const Timestamp& when, const QString& error);
    bool setWatermark(const QString& collection, const QString& watermark);

private:
    enum class OpenOutcome { Ok, Damaged, Failed };
    OpenOutcome tryOpen(const QString& path);
    bool migrate(bool* damaged);

    SqliteConnection m_connection;
    // Checkpoints off this connection's thread; declared after it, so gone before it closes.
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    bool m_rebuilt = false;
};

} // namespace Elevate::Cache
