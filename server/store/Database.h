#pragma once

#include "SqlDialect.h"

#include <QObject>
#include <QSqlDatabase>
#include <QHash>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace Elevate::Server {

class LogSyncer;
class WalCheckpointer;

// One connection to the server's database, and the only place that knows which SQL dialect is
// spoken (SqlDialect holds the statements that differ). URLs: "sqlite:PATH", "sqlite::memory:"
// (tests), "postgresql://USER@HOST:PORT/DB[?sslmode=...]" (Qt's QPSQL driver; the password comes
// from setPassword(), else libpq's PGPASSWORD or ~/.pgpass, never from the URL).
//
// Not thread-safe: Qt Sql connections belong to the thread that opened them, and elevated
// serves HTTP from one thread.
class Database final
{
public:
    enum class Dialect { SQLite, PostgreSQL };

    // Process-wide SQLite settings; from main(), before any database is opened or thread
    // started (SQLite takes them only before its first use; later this returns false).
    // Memory statistics off: nothing reads them, and with them on every allocation inside
    // SQLite takes a process-wide mutex. SqlitePageCache's page cache in.
    static bool configureSqliteLibrary();
    using Durability = SqlDialect::Durability;

    Database();
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens the database, applies the connection pragmas and runs pending migrations.
    bool open(const QString& url, QString* error);
    // The durability of commits (SqlDialect::Durability; Full by default), for this connection
    // from now on and after every open().
    bool setDurability(Durability level);
    Durability durability() const { return m_durability; }
    // The PostgreSQL password for the next open() (e.g. read from database-password-file).
    void setPassword(const QString& password) { m_password = password; }
    void close();
    bool isOpen() const;

    Dialect dialect() const { return m_dialect; }
    QSqlDatabase handle() const;
    const SqlDialect& sql() const { return m_sql; }
    QString url() const { return m_url; }
    int schemaVersion();

    // Runs f inside one write transaction (BEGIN IMMEDIATE on SQLite so two writers queue on
    // the lock instead of failing when a read upgrades to a write; on PostgreSQL BEGIN and the
    // advisory write lock, so writers of every instance on the database queue the same way). Commits when f returns
    // true, rolls back when it returns false or a statement fails. Nested calls join the
    // outer transaction.
    bool transaction(const std::function<bool()>& f, QString* error = nullptr);
    bool inTransaction() const { return m_depth > 0; }

    // Group commit, which elevated's HTTP server turns on. The first transaction() opens a batch
    // (BEGIN IMMEDIATE) that stays open; every top-level transaction() inside it runs in a
    // SAVEPOINT, so a unit that fails rolls back alone while the others stay. The batch commits
    // with one sync for all its units: at the next turn of the event loop, when it holds
    // MaxBatchUnits units, or when commitBatch() is called. Until its listener has heard that it
    // committed nothing in it is durable, so whoever answers a client must hold the answer until
    // then (undecidedBatch() says which batch an answer made now waits for). Without group commit
    // every transaction() commits (and syncs) on its own.
    // SQLite only: on PostgreSQL an open batch would hold the write lock across a turn of the
    // event loop and stall every other instance, and PostgreSQL already groups the syncs of
    // concurrent commits itself (commit_delay / WAL writer), so setGroupCommit(true) is ignored.
    // With group commit on an SQLite file the server's thread waits for no disk:
    // - The write-ahead log is copied back into the database file (checkpointed) by a thread of
    //   its own on its own connection, once it holds CheckpointPages pages, instead of by
    //   whichever commit crosses that size.
    // - With Durability::Full the log is synced by a thread of its own too (LogSyncer): the batch
    //   commits without a sync (synchronous=NORMAL on this connection, which keeps the database
    //   consistent through a crash), and the listener hears that it committed once an fdatasync
    //   of the log file that started after its COMMIT has ended: at the next turn of the event
    //   loop, or sooner when noticeLogSyncs() is called. Meanwhile this thread runs the
    //   next batch, whose own sync then covers both. Answers made in the meantime, reads too,
    //   wait for that sync as well: they may show changes that are not durable yet.
    // Durability is the log's: with Full every batch is synced before its listener hears of it;
    // with Normal only the checkpoints sync (the log and then the database file).
    static constexpr int MaxBatchUnits = 256;
    static constexpr int CheckpointPages = 1000; // SQLite's own wal_autocheckpoint default
    // Under a steady stream of batches the checkpointer never copies the whole log (a new
    // batch has always committed since its last run), and SQLite starts writing the log from
    // its start again only after a copy of all of it. So once a commit leaves the log at
    // RestartPages pages, the next batch first waits for the checkpointer to copy the rest.
    // Without that the log grows without end (a gigabyte in ten seconds of activations), and
    // every frame is written past its end, where the file system allocates and zeroes blocks.
    // The wait takes a few milliseconds; RestartWait bounds it when the disk is slow to sync.
    static constexpr int RestartPages = 4 * CheckpointPages;
    static constexpr std::chrono::milliseconds RestartWait{25};
    // What the log file is cut back to when it starts over (bytes): twice RestartPages of 4 KiB
    // frames, so that the usual log is never cut and written past its end again.
    static constexpr qint64 LogSizeLimit = 2 * RestartPages * (4096 + 24);
    // How a batch ended. Unknown: it committed but the sync of the log failed, so whether its
    // changes survive a crash is unknown; so is every later batch's (after a failed fsync the
    // kernel may have dropped the unwritten pages and report the next sync as a success).
    enum class BatchOutcome { Committed, RolledBack, Unknown };
    // Told of each batch once its outcome is known, in the order the batches were opened.
    using BatchListener = std::function<void(quint64 batch, BatchOutcome outcome)>;
    void setGroupCommit(bool enabled);
    bool groupCommit() const { return m_groupCommit; }
    bool batchOpen() const { return m_batchOpen; }
    // The batch an answer made now waits for: the open one, else the newest whose log sync is
    // still running, else 0 (none). The listener hears of batches in order, so waiting for one
    // waits for every batch before it too.
    quint64 undecidedBatch() const;
    // Whether a thread of its own syncs the log (group commit with Durability::Full on a file).
    bool syncsLogAside() const { return m_logSyncer != nullptr; }
    // A sync of the log failed (BatchOutcome::Unknown): no further batch opens.
    bool logSyncFailed() const { return m_logSyncFailed; }
    // How many times a batch waited for the log to be copied (RestartPages), for tests.
    int logRestartWaits() const { return m_restartWaits; }
    int batchUnits() const { return m_batchUnits; }
    // Commits the open batch (true when none is open). On failure everything in it is rolled
    // back. Either way the listener hears the outcome: at once, or when the log sync ends.
    bool commitBatch(QString* error = nullptr);
    // Commits the open batch and waits for the log syncs still running, so that the listener
    // has heard of every batch when it returns. For answers that must leave now, in order.
    void settle();
    // Hears now of the log syncs that ended since it last did (the listener then hears of their
    // batches), instead of at the next turn of the event loop. For a caller that runs many
    // requests in one turn: between two of them, so that answers leave as soon as they may.
    void noticeLogSyncs();
    // Told after each batch ends, with its outcome. One listener; pass {} to remove it.
    void setBatchListener(BatchListener listener);
    // Tests only: replaces fdatasync(2) of the log syncer (to inject a failing disk). Set before
    // setGroupCommit(true).
    using LogSyncFunction = std::function<int(int fd)>;
    void setLogSyncFunction(LogSyncFunction sync) { m_logSyncFunction = std::move(sync); }
    // Told of how long each sync of the log made aside (syncsLogAside()) took, on the syncer's
    // thread: how long the disk keeps every acknowledgement waiting (elevated's /metrics). Set
    // before setGroupCommit(true).
    using LogSyncObserver = std::function<void(std::chrono::nanoseconds took)>;
    void setLogSyncObserver(LogSyncObserver observer) { m_logSyncObserver = std::move(observer); }

    // A prepared statement with positional bindings. Statements are cached by their text and
    // reused (SQLite spends more time parsing a short query than running it), so a statement
    // must not be re-run while an earlier result of the same text is still being read.
    // exec() logs and returns false on error.
    // Bind an invalid QVariant() for SQL NULL; a null QString is bound as ''.
    QSqlQuery prepare(const QString& sql);
    bool exec(QSqlQuery& query, std::initializer_list<QVariant> values = {});
    // Executes a statement with bindings and returns it positioned before the first row.
    QSqlQuery run(const QString& sql, std::initializer_list<QVariant> values = {}, bool* ok = nullptr);
    // First column of the first row, or an invalid QVariant.
    QVariant scalar(const QString& sql, std::initializer_list<QVariant> values = {});
    // The rows of a query, read the way QSqlQuery reads them (next(), value(i) with the same
    // QVariant types: integers as qlonglong, reals as double, text as QString, blobs as
    // QByteArray, NULL as a null QString). On SQLite it drives the statement directly and resets
    // it when the rows are destroyed or read to their end, so it never holds a read snapshot
    // past its use; elsewhere it wraps a QSqlQuery. Move-only; the same statement text must not
    // be read twice at once.
    class Rows final
    {
    public:
        Rows() = default;
        ~Rows();
        Rows(Rows&& other) noexcept;
        Rows& operator=(Rows&& other) noexcept;
        Rows(const Rows&) = delete;
        Rows& operator=(const Rows&) = delete;

        bool next();
        QVariant value(int column) const;
        // A text or blob column's bytes (text as UTF-8), without a QVariant or a copy on SQLite:
        // valid until the next call of next() on these rows.
        QByteArrayView bytes(int column) const;
        // An integer column's value (0 for NULL), without a QVariant on SQLite.
        qint64 integer(int column) const;
        // The query ran (no error so far).
        bool ok() const { return m_ok; }

    private:
        friend class Database;
        Database* m_db = nullptr;
        sqlite3_stmt* m_statement = nullptr;
        std::vector<QByteArray> m_bound; // what the statement's bindings point at
        QSqlQuery m_query;
        mutable std::vector<QByteArray> m_bytes; // bytes() off SQLite, by column
        bool m_ok = false;
        bool m_onRow = false;
        void release();
    };
    // Runs a query for its rows: run() with a cheaper path on SQLite (see Rows). For the
    // statements every request runs (the token check, the engine's lookups).
    Rows read(const QString& sql, std::initializer_list<QVariant> values = {});
    // The same with bindings gathered at run time (an OData listing's).
    Rows read(const QString& sql, const QVariantList& values);
    // First column of the first row, or an invalid QVariant, through read().
    QVariant readScalar(const QString& sql, std::initializer_list<QVariant> values = {});
    // Runs a statement that returns no rows (INSERT, UPDATE, DELETE, SAVEPOINT, ...) with the same
    // bindings as exec(); *changed (when given) is the number of rows it changed. Errors as in
    // exec(). On SQLite it drives the connection's statement directly: Qt Sql's binding (a
    // formatted placeholder name and a hash lookup per value) and result set-up cost more than
    // SQLite spends on a short INSERT. On PostgreSQL it is run().
    bool write(const QString& sql, std::initializer_list<QVariant> values = {}, qint64* changed = nullptr);
    // Resets every cached statement a caller stopped reading before its end. SQLite keeps the
    // connection's read transaction (with WAL, its snapshot) open while any statement is part
    // way through its rows, so commits by another process (`elevated user disable` while the
    // server runs) stay invisible, and a later BEGIN IMMEDIATE fails, until this runs. Call it
    // only where no result is being iterated (e.g. between requests).
    void releaseReads();

    // Values derived from what the open write transaction has written so far (the audit chain's
    // head), kept for the rest of it so they need not be read back: cleared when a write
    // transaction or batch begins or ends and when a unit of a batch is undone. writeMemo() is
    // invalid outside a write transaction.
    void setWriteMemo(const QString& key, const QVariant& value);
    QVariant writeMemo(const QString& key) const;

    // false: no syncs at all (synchronous=OFF), for bulk loads into a throwaway database such
    // as the demo tenant; true: back to the durability set with setDurability().
    bool setDurable(bool durable);

    QString lastError() const { return m_lastError; }
    static QVariant bindable(const QVariant& value);

private:
    bool openSqlite(const QString& path, QString* error);
    bool openPostgres(const QString& url, QString* error);
    bool configure(QString* error);
    bool execAll(const QStringList& statements, QString* error);
    bool beginWrite();
    bool migrate(QString* error);
    // Runs a transaction-control statement (BEGIN, SAVEPOINT); false with *error set on failure.
    bool control(const QString& sql, QString* error);
    // Runs the outermost level of a unit of work: nested transaction() calls join it.
    bool runOutermost(const std::function<bool()>& f);
    bool runBatchUnit(const std::function<bool()>& f, QString* error);
    bool openBatch(QString* error);
    // COMMIT when `commit`, else (and when COMMIT fails) ROLLBACK; true when committed.
    bool endTransaction(bool commit, QString* error);

    Rows readBound(const QString& sql, std::span<const QVariant> values);
    bool execBound(QSqlQuery& query, std::span<const QVariant> values);
    sqlite3_stmt* sqliteStatement(const QString& sql);
    bool failed(const QString& message);
    void stopCheckpointer();
    // Starts the log syncer when group commit and Durability::Full call for it, else stops it.
    void matchLogSyncer();
    void startLogSyncer();
    void stopLogSyncer();
    // The synchronous level this connection runs at: Off while not durable; Normal with Full
    // when the log syncer syncs each batch.
    Durability connectionDurability() const;
    // A log sync that covers every batch up to `through` ended (ok false: it failed).
    void logSynced(quint64 through, bool ok);
    // Tells the listener of the batches at the front whose outcome is known.
    void tellOutcomes();
    static int onWalCommit(void* self, sqlite3* db, const char* schema, int pages);
    void forgetWrites() { m_writeMemo.clear(); }

    QHash<QString, QSqlQuery> m_statements;
    // The texts of the statements run since the last releaseReads(): the only ones that can be
    // part way through their rows.
    std::vector<QString> m_running;
    bool m_releaseAll = false; // m_running overflowed: releaseReads() walks every statement
    sqlite3* m_sqlite = nullptr; // the QSQLITE connection's handle, for write()
    QHash<QString, sqlite3_stmt*> m_sqliteStatements;
    int m_openRows = 0; // Rows part way through a statement of m_sqliteStatements
    QHash<QString, QVariant> m_writeMemo;
    QString m_sqlitePath;
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    std::unique_ptr<LogSyncer> m_logSyncer;
    LogSyncFunction m_logSyncFunction;
    LogSyncObserver m_logSyncObserver;
    struct EndedBatch
    {
        quint64 batch = 0;
        bool syncing = false; // committed, its log sync not ended yet
        BatchOutcome outcome = BatchOutcome::Committed;
    };
    std::deque<EndedBatch> m_ended; // ended batches the listener has not heard of yet, in order
    quint64 m_batchNumber = 0; // the open batch's, or the last one's
    bool m_logSyncFailed = false;
    // Set by the log syncer's thread after each sync: the batch it covered, shifted left by one,
    // with the lowest bit set once a sync has failed (noticeLogSyncs()).
    std::atomic<quint64> m_syncedAside{ 0 };
    quint64 m_noticedThrough = 0; // the newest batch logSynced() was told of
    bool m_durable = true; // setDurable()
    QString m_connectionName;
    QString m_url;
    QString m_lastError;
    QString m_password;
    SqlDialect m_sql;
    Dialect m_dialect = Dialect::SQLite;
    int m_depth = 0;
    bool m_failed = false;
    Durability m_durability = Durability::Full;
    bool m_groupCommit = false;
    bool m_batchOpen = false;
    bool m_restartDue = false; // the log reached m_restartAt pages: the next batch drains it first
    int m_restartAt = RestartPages;
    int m_logPages = 0; // the log's size after the last commit
    int m_restartWaits = 0;
    bool m_batchBroken = false; // a savepoint could not be undone: the batch must not commit
    int m_batchUnits = 0;
    BatchListener m_batchListener;
    std::unique_ptr<QObject> m_batchTimer; // context for the end-of-turn commit and sync reports
};

} // namespace Elevate::Server
