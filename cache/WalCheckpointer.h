#pragma once

#include <QByteArray>

#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace Elevate::Cache {

// Moves the WAL checkpoints of a cache file off the thread that writes it (in the console, the
// UI thread): attached to the writing connection, it replaces SQLite's checkpoint-at-commit
// (wal_autocheckpoint), and once a commit leaves the log at CheckpointPages pages or more it
// wakes a thread of its own that copies the log into the file on a connection of its own.
// PASSIVE checkpoints: they copy what no reader still needs and never wait for a lock, so the
// writer is never held up; what one cannot copy, the next copies. The thread starts at the
// first checkpoint (a read-only connection never starts one).
//
// Owned by CacheDatabase, detached before its connection closes (and so before a rebuild
// deletes the file).
class WalCheckpointer final
{
public:
    static constexpr int CheckpointPages = 1000; // SQLite's own default threshold

    // Takes over checkpointing of path for writer (an open SQLite handle in WAL mode).
    WalCheckpointer(sqlite3* writer, const QString& path);
    // Gives checkpointing back to SQLite (wal_autocheckpoint) and stops the thread.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Checkpoints the thread has run so far (for tests and benchmarks).
    int checkpoints() const;

private:
    static int onCommit(void* self, sqlite3* db, const char* schema, int logPages);
    void wake();
    void loop();

    sqlite3* m_writer;
    QByteArray m_path;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_pending = false;
    bool m_quit = false;
    int m_done = 0;
    std::thread m_thread;
};

} // namespace Elevate::Cache
