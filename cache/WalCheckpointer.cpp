#include "WalCheckpointer.h"

#include "CacheLog.h"

#include <QString>

#include <sqlite3.h>

namespace Elevate::Cache {

WalCheckpointer::WalCheckpointer(sqlite3* writer, const QString& path)
    : m_writer(writer)
    , m_path(path.toUtf8())
{
    sqlite3_wal_hook(m_writer, &WalCheckpointer::onCommit, this);
}

WalCheckpointer::~WalCheckpointer()
{
    // Called on the writer's thread: no commit can run into the hook while it is swapped back.
    sqlite3_wal_autocheckpoint(m_writer, CheckpointPages);
    {
        std::lock_guard guard(m_mutex);
        m_quit = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

int WalCheckpointer::checkpoints() const
{
    std::lock_guard guard(m_mutex);
    return m_done;
}

int WalCheckpointer::onCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int logPages)
{
    if (logPages >= CheckpointPages) {
        static_cast<WalCheckpointer*>(self)->wake();
    }
    return SQLITE_OK;
}

void WalCheckpointer::wake()
{
    {
        std::lock_guard guard(m_mutex);
        m_pending = true;
    }
    if (!m_thread.joinable()) {
        m_thread = std::thread([this] { loop(); });
    }
    m_cv.notify_one();
}

namespace {

// A connection that has read the file: until a connection reads a page it has not seen that the
// file is in WAL mode, and a checkpoint on it does nothing (SQLite reports a log of -1 pages).
sqlite3* openLog(const QByteArray& path)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK
        || sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK) {
        sqlite3_close(db); // a handle comes back even when opening fails
        return nullptr;
    }
    return db;
}

} // namespace

void WalCheckpointer::loop()
{
    sqlite3* db = nullptr;
    bool warned = false;
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_cv.wait(lock, [this] { return m_pending || m_quit; });
        if (m_quit) {
            break;
        }
        m_pending = false;
        lock.unlock();
        if (!db) {
            db = openLog(m_path);
        }
        // BUSY: a reader or the writer held part of the log; the next request copies the rest.
        int logPages = -1;
        const int rc = db ? sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logPages, nullptr)
                          : SQLITE_CANTOPEN;
        const bool ok = (rc == SQLITE_OK && logPages >= 0) || rc == SQLITE_BUSY;
        if (!ok && !warned) {
            // Once: the log keeps growing until a checkpoint succeeds (at the latest, SQLite's
            // own when the writer's connection closes).
            warned = true;
            qCWarning(lcCache) << "background checkpoint of" << m_path
                               << "failed:" << (!db ? "cannot open the file"
                                                 : rc == SQLITE_OK ? "the file is not in WAL mode"
                                                                   : sqlite3_errmsg(db));
        }
        lock.lock();
        if (ok) {
            ++m_done;
        }
    }
    lock.unlock();
    sqlite3_close(db);
}

} // namespace Elevate::Cache
