#include "Database.h"

#include "Schema.h"
#include "SqlitePageCache.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

namespace Elevate::Server {

Q_LOGGING_CATEGORY(lcStore, "elevate.server.store")

bool Database::configureSqliteLibrary()
{
    const bool memoryStatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    return SqlitePageCache::install() && memoryStatusOff;
}

namespace {

QString describe(const QSqlError& e)
{
    return e.text().isEmpty() ? QStringLiteral("unknown database error") : e.text();
}

} // namespace

// Checkpoints the write-ahead log of one SQLite file from a thread of its own, on a connection of
// its own (SQLite connections may be used from any thread, one at a time). PASSIVE: it copies
// what no reader still needs and never waits for a lock, so it cannot stall the server's writes;
// what it cannot copy now it copies at a later request.
class WalCheckpointer final
{
public:
    explicit WalCheckpointer(const QString& path)
        : m_path(path.toUtf8())
        , m_thread([this] { run(); })
    {
    }
    ~WalCheckpointer()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_done.notify_all();
        m_thread.join();
    }
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    void request()
    {
        {
            std::lock_guard lock(m_mutex);
            m_requested = true;
        }
        m_wake.notify_one();
    }

    // Runs a checkpoint that starts after this call and waits for it, at most `limit`. True
    // when it copied the whole log: the writer's next transaction then writes the log from its
    // start again. Call it with no transaction open on the writer, or the copy stops at that
    // transaction's start. The checkpoint ends with a sync of the database file, which a busy
    // disk can hold for a long time: hence the limit (the checkpoint goes on without a waiter).
    bool drain(std::chrono::milliseconds limit)
    {
        std::unique_lock lock(m_mutex);
        // A checkpoint that started after the writer's last commit copies all of it: one running
        // now may have, else the next one.
        const quint64 target = m_commits.load(std::memory_order_relaxed);
        if (m_finishedCovers < target) {
            m_requested = true;
            m_wake.notify_one();
        }
        m_done.wait_for(lock, limit, [&] { return m_finishedCovers >= target || m_stop; });
        return m_finishedCovers >= target && m_lastComplete;
    }

    // The writer committed (its log hook). Called on the writer's thread.
    void noteCommit() { m_commits.fetch_add(1, std::memory_order_release); }

private:
    void run()
    {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(m_path.constData(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            qCWarning(lcStore) << "the checkpoint connection cannot open" << m_path << ":" << sqlite3_errmsg(db);
            sqlite3_close(db);
            db = nullptr;
        } else {
            // A checkpoint syncs the log before and the database file after copying.
            sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
        }
        std::unique_lock lock(m_mutex);
        while (true) {
            m_wake.wait(lock, [this] { return m_requested || m_stop; });
            if (m_stop) {
                break;
            }
            m_requested = false;
            // Every commit counted so far is in the log this checkpoint reads.
            const quint64 covers = m_commits.load(std::memory_order_acquire);
            lock.unlock();
            bool complete = false;
            if (db) {
                int logFrames = 0;
                int copiedFrames = 0;
                const int rc =
                    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames);
                if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
                    qCWarning(lcStore) << "checkpoint failed:" << sqlite3_errmsg(db);
                }
                complete = rc == SQLITE_OK && logFrames == copiedFrames;
            }
            lock.lock();
            m_lastComplete = complete;
            m_finishedCovers = covers;
            m_done.notify_all();
        }
        lock.unlock();
        sqlite3_close(db);
    }

    QByteArray m_path;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done; // a checkpoint finished (drain())
    bool m_requested = false;
    bool m_stop = false;
    bool m_lastComplete = false;
    std::atomic<quint64> m_commits{ 0 }; // the writer's commits (noteCommit)
    quint64 m_finishedCovers = 0; // the commits the last finished checkpoint saw
    std::thread m_thread; // last: starts once the members above exist
};

// Syncs the write-ahead log file from a thread of its own (Database::syncsLogAside). An
// fdatasync covers every write made to the file before it started, through any descriptor:
// SQLite writes the log through its own, and this one is opened on the same file. Asked for
// batch N while a sync runs, it starts one more when that ends, which then covers every batch
// asked for meanwhile. When stopped it first ends the syncs asked for.
class LogSyncer final
{
public:
    // Called on the syncer's thread after each sync.
    using Synced = std::function<void(quint64 through, bool ok)>;

    LogSyncer(int fd, Database::LogSyncFunction sync, Database::LogSyncObserver observer, Synced synced)
        : m_fd(fd)
        , m_sync(std::move(sync))
        , m_observer(std::move(observer))
        , m_synced(std::move(synced))
        , m_thread([this] { run(); })
    {
    }
    ~LogSyncer()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
        ::close(m_fd);
    }
    LogSyncer(const LogSyncer&) = delete;
    LogSyncer& operator=(const LogSyncer&) = delete;

    // Asks for a sync that covers `batch`: one that starts after this call.
    void request(quint64 batch)
    {
        {
            std::lock_guard lock(m_mutex);
            m_wanted = std::max(m_wanted, batch);
        }
        m_wake.notify_one();
    }

    // Asks for a sync that covers `batch` and waits for it; false when a sync failed.
    bool wait(quint64 batch)
    {
        std::unique_lock lock(m_mutex);
        m_wanted = std::max(m_wanted, batch);
        m_wake.notify_one();
        m_done.wait(lock, [&] { return m_through >= batch; });
        return m_ok;
    }

private:
    void run()
    {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_wake.wait(lock, [this] { return m_wanted > m_through || m_stop; });
            if (m_wanted <= m_through) {
                break; // stopping, and nothing left to sync
            }
            const quint64 through = m_wanted;
            lock.unlock();
            errno = 0;
            const auto started = std::chrono::steady_clock::now();
            const bool ok = (m_sync ? m_sync(m_fd) : ::fdatasync(m_fd)) == 0;
            if (!ok) {
                qCCritical(lcStore, "syncing the write-ahead log failed: %s", std::strerror(errno));
            }
            if (m_observer) {
                m_observer(std::chrono::steady_clock::now() - started);
            }
            m_synced(through, ok);
            lock.lock();
            m_through = through;
            m_ok = m_ok && ok; // after a failed fsync no later one proves anything
            m_done.notify_all();
        }
    }

    const int m_fd;
    const Database::LogSyncFunction m_sync;
    const Database::LogSyncObserver m_observer;
    const Synced m_synced;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done; // a sync ended (wait())
    quint64 m_wanted = 0; // the newest batch a sync was asked for
    quint64 m_through = 0; // the newest batch the last ended sync covers
    bool m_ok = true;
    bool m_stop = false;
    std::thread m_thread; // last: starts once the members above exist
};

// Told by SQLite after each commit of the server's connection, with the log's size in pages.
int Database::onWalCommit(void* self, sqlite3*, const char*, int pages)
{
    auto* db = static_cast<Database*>(self);
    db->m_checkpointer->noteCommit();
    if (pages >= CheckpointPages) {
        db->m_checkpointer->request();
    }
    if (pages < RestartPages) {
        db->m_restartAt = RestartPages; // the log started over
    }
    db->m_logPages = pages;
    db->m_restartDue = pages >= db->m_restartAt;
    return SQLITE_OK;
}

Database::Database()
    : m_connectionName(QStringLiteral("elevated-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

Database::~Database()
{
    close();
}

QSqlDatabase Database::handle() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool Database::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && handle().isOpen();
}

bool Database::open(const QString& url, QString* error)
{
    close();
    m_url = url;
    if (url.startsWith(u"postgresql://") || url.startsWith(u"postgres://")) {
        m_dialect = Dialect::PostgreSQL;
        m_sql = SqlDialect(SqlDialect::Kind::PostgreSQL);
        return openPostgres(url, error) && configure(error) && migrate(error);
    }
    if (!url.startsWith(u"sqlite:")) {
        if (error) {
            *error = QStringLiteral("unsupported database URL (expected sqlite:PATH or postgresql://USER@HOST:PORT/DB): %1")
                         .arg(url);
        }
        return false;
    }
    m_dialect = Dialect::SQLite;
    m_sql = SqlDialect(SqlDialect::Kind::SQLite);
    if (!openSqlite(url.mid(7), error)) {
        return false;
    }
    m_sqlitePath = url.mid(7);
    // The QSQLITE plugin is built against the system SQLite this library links (see
    // CMakeLists.txt), so its handle can be driven directly.
    const QVariant native = handle().driver()->handle();
    if (native.isValid() && qstrcmp(native.typeName(), "sqlite3*") == 0) {
        m_sqlite = *static_cast<sqlite3* const*>(native.constData());
    }
    return configure(error) && migrate(error);
}

bool Database::openSqlite(const QString& path, QString* error)
{
    if (path.isEmpty()) {
        if (error) {
            *error = QStringLiteral("the database URL names no file");
        }
        return false;
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        // A busy timeout lets a second process (elevated + an `elevated user add`) wait its turn.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            if (error) {
                *error = QStringLiteral("cannot open %1: %2").arg(path, describe(db.lastError()));
            }
            return false;
        }
    }
    if (path != u":memory:") {
        // The database holds password hashes and token hashes: owner only.
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return true;
}

bool Database::openPostgres(const QString& url, QString* error)
{
    const QUrl parsed(url, QUrl::StrictMode);
    const QString name = parsed.path().mid(1);
    if (!parsed.isValid() || name.isEmpty() || name.contains(u'/')) {
        if (error) {
            *error = QStringLiteral("expected postgresql://USER@HOST:PORT/DATABASE, got %1").arg(url);
        }
        return false;
    }
    if (!parsed.password().isEmpty()) {
        // URLs end up in process lists, shell histories and logs.
        if (error) {
            *error = QStringLiteral("the database URL must not carry a password: use PGPASSWORD or database-password-file");
        }
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        if (error) {
            *error = QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed (Debian: libqt6sql6-psql)");
        }
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    db.setDatabaseName(QUrl::fromPercentEncoding(name.toUtf8()));
    // A host starting with %2F (or a host= option) is a Unix socket folder, as in libpq.
    const QString host = QUrl::fromPercentEncoding(parsed.host(QUrl::FullyEncoded).toUtf8());
    if (!host.isEmpty()) {
        db.setHostName(host);
    }
    if (parsed.port() > 0) {
        db.setPort(parsed.port());
    }
    if (!parsed.userName().isEmpty()) {
        db.setUserName(parsed.userName());
    }
    if (!m_password.isEmpty()) {
        db.setPassword(m_password);
    }
    // Query items are libpq options (sslmode, host for a socket folder, connect_timeout, ...).
    QStringList options{QStringLiteral("connect_timeout=10")};
    for (const auto& [key, value] : QUrlQuery(parsed).queryItems(QUrl::FullyDecoded)) {
        if (key == u"password") {
            if (error) {
                *error = QStringLiteral("the database URL must not carry a password: use PGPASSWORD or "
                                        "database-password-file");
            }
            QSqlDatabase::removeDatabase(m_connectionName);
            return false;
        }
        options << key + u'=' + value;
    }
    db.setConnectOptions(options.join(u';'));
    if (!db.open()) {
        if (error) {
            *error = QStringLiteral("cannot connect to %1: %2").arg(url, describe(db.lastError()));
        }
        return false;
    }
    return true;
}

void Database::close()
{
    if (m_batchOpen) {
        // Shutting down: keep what the batch holds, tell no one (the listener may be gone).
        m_batchListener = {};
        commitBatch();
    }
    // Ends the syncs asked for first: every committed batch is durable when close() returns.
    stopLogSyncer();
    m_ended.clear();
    stopCheckpointer();
    m_statements.clear();
    m_running.clear();
    m_releaseAll = false;
    // Finalized before the connection closes, which SQLite refuses while statements remain.
    for (sqlite3_stmt* statement : std::as_const(m_sqliteStatements)) {
        sqlite3_finalize(statement);
    }
    m_sqliteStatements.clear();
    m_sqlite = nullptr;
    m_writeMemo.clear();
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_depth = 0;
}

bool Database::configure(QString* error)
{
    return execAll(m_sql.connectionSettings() << m_sql.durability(connectionDurability()), error);
}

bool Database::execAll(const QStringList& statements, QString* error)
{
    for (const QString& sql : statements) {
        QSqlQuery q(handle());
        if (!q.exec(sql)) {
            m_lastError = QStringLiteral("%1 failed: %2").arg(sql, describe(q.lastError()));
            if (error) {
                *error = m_lastError;
            }
            return false;
        }
    }
    return true;
}

Database::Durability Database::connectionDurability() const
{
    if (!m_durable) {
        return Durability::Off;
    }
    if (m_durability == Durability::Full && m_logSyncer) {
        return Durability::Normal; // the log syncer syncs every batch's commit
    }
    return m_durability;
}

bool Database::setDurable(bool durable)
{
    m_durable = durable;
    QSqlQuery q(handle());
    return q.exec(m_sql.durability(connectionDurability()));
}

bool Database::setDurability(Durability level)
{
    m_durability = level;
    matchLogSyncer();
    return !isOpen() || setDurable(m_durable);
}

void Database::matchLogSyncer()
{
    if (m_groupCommit && m_durability == Durability::Full) {
        startLogSyncer();
    } else if (m_logSyncer) {
        settle(); // every batch it was to sync is told of first
        stopLogSyncer();
    }
}

int Database::schemaVersion()
{
    const QVariant v = scalar(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    return v.isValid() ? v.toInt() : 0;
}

bool Database::migrate(QString* error)
{
    // Under the write lock (BEGIN IMMEDIATE; on PostgreSQL the advisory write lock): instances
    // starting together take turns, and each later one sees the table and the versions the
    // first one made.
    const bool created = transaction(
        [&] {
            QSqlQuery q(handle());
            if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT "
                                       "NULL)"))) {
                m_lastError = describe(q.lastError());
                return false;
            }
            return true;
        },
        error);
    if (!created) {
        return false;
    }
    const QList<Migration> migrations = m_dialect == Dialect::PostgreSQL ? postgresMigrations() : sqliteMigrations();
    for (const Migration& m : migrations) {
        // Checked inside the transaction: a second process starting at the same moment waits
        // for the lock and then sees the migration already applied.
        const bool ok = transaction(
            [&] {
                if (schemaVersion() >= m.version) {
                    return true;
                }
                for (const QString& sql : m.statements) {
                    QSqlQuery q(handle());
                    if (!q.exec(sql)) {
                        m_lastError = QStringLiteral("migration %1: %2").arg(m.version).arg(describe(q.lastError()));
                        return false;
                    }
                }
                bool inserted = false;
                run(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ")
                        + m_sql.nowIso() + u')',
                    {m.version, QString::fromUtf8(m.description)},
                    &inserted);
                return inserted;
            },
            error);
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool Database::beginWrite()
{
    forgetWrites();
    for (const QString& sql : m_sql.beginWrite()) {
        QSqlQuery q(handle());
        if (!q.exec(sql)) {
            m_lastError = describe(q.lastError());
            QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
            return false;
        }
    }
    return true;
}

bool Database::transaction(const std::function<bool()>& f, QString* error)
{
    if (m_depth > 0) {
        ++m_depth;
        const bool ok = f();
        --m_depth;
        if (!ok) {
            m_failed = true;
        }
        return ok;
    }
    if (m_groupCommit) {
        return runBatchUnit(f, error);
    }
    if (!beginWrite()) {
        if (error) {
            *error = m_lastError;
        }
        return false;
    }
    const bool ok = runOutermost(f);
    return endTransaction(ok, error);
}

void Database::setGroupCommit(bool enabled)
{
    if (!enabled) {
        settle();
    }
    // See the header: a batch would hold PostgreSQL's write lock across a turn of the event loop.
    m_groupCommit = enabled && m_dialect == Dialect::SQLite;
    matchLogSyncer();
    if (isOpen()) {
        setDurable(m_durable); // NORMAL on this connection when the log syncer syncs, else as set
    }
    if (m_groupCommit && m_sqlite && !m_checkpointer && m_sqlitePath != u":memory:") {
        m_checkpointer = std::make_unique<WalCheckpointer>(m_sqlitePath);
        // Replaces SQLite's own checkpoint at commit (wal_autocheckpoint).
        sqlite3_wal_hook(m_sqlite, &Database::onWalCommit, this);
        // The log file keeps the size it once reached (while a reader held part of it, say)
        // unless SQLite cuts it back when it starts the log over: to LogSizeLimit.
        const QByteArray limit = "PRAGMA journal_size_limit=" + QByteArray::number(LogSizeLimit);
        sqlite3_exec(m_sqlite, limit.constData(), nullptr, nullptr, nullptr);
    } else if (!m_groupCommit) {
        stopCheckpointer();
    }
}

void Database::stopCheckpointer()
{
    if (!m_checkpointer) {
        return;
    }
    if (m_sqlite) {
        sqlite3_wal_autocheckpoint(m_sqlite, CheckpointPages); // SQLite's own again
    }
    m_checkpointer.reset();
}

void Database::startLogSyncer()
{
    if (m_logSyncer || !m_sqlite || m_sqlitePath.isEmpty() || m_sqlitePath == u":memory:") {
        return;
    }
    // The log exists while this connection has the file open in WAL mode (SQLite removes it
    // when the last connection closes). SQLite names it after the database's full path, with
    // symbolic links resolved. Read-only is enough for fdatasync.
    const char* log = sqlite3_filename_wal(sqlite3_db_filename(m_sqlite, "main"));
    const int fd = log && *log ? ::open(log, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) {
        qCWarning(lcStore, "cannot open the write-ahead log %s to sync it aside (%s): every commit syncs it itself",
                  log ? log : "(none)", std::strerror(errno));
        return;
    }
    if (!m_batchTimer) {
        m_batchTimer = std::make_unique<QObject>();
    }
    QObject* context = m_batchTimer.get();
    m_logSyncer = std::make_unique<LogSyncer>(fd, m_logSyncFunction, m_logSyncObserver, [this, context](quint64 through, bool ok) {
        m_syncedAside.store(through << 1 | (ok ? 0 : 1) | (m_syncedAside.load(std::memory_order_relaxed) & 1),
                            std::memory_order_release);
        // Back on the thread that owns this connection (close() stops the syncer before the
        // context goes, and Qt drops events still queued for a context that is gone).
        QMetaObject::invokeMethod(context, [this, through, ok] { logSynced(through, ok); }, Qt::QueuedConnection);
    });
}

void Database::stopLogSyncer()
{
    m_logSyncer.reset();
}

void Database::setBatchListener(BatchListener listener)
{
    m_batchListener = std::move(listener);
}

quint64 Database::undecidedBatch() const
{
    if (m_batchOpen) {
        return m_batchNumber;
    }
    // Not one that rolled back: nothing of it can show in an answer made now.
    const auto syncing = std::find_if(m_ended.crbegin(), m_ended.crend(), [](const EndedBatch& e) { return e.syncing; });
    return syncing == m_ended.crend() ? 0 : syncing->batch;
}

void Database::noticeLogSyncs()
{
    if (!m_logSyncer) {
        return;
    }
    const quint64 synced = m_syncedAside.load(std::memory_order_acquire);
    const quint64 through = synced >> 1;
    if (through > m_noticedThrough) {
        logSynced(through, (synced & 1) == 0);
    }
}

void Database::logSynced(quint64 through, bool ok)
{
    m_noticedThrough = std::max(m_noticedThrough, through);
    if (!ok) {
        m_logSyncFailed = true;
    }
    for (EndedBatch& ended : m_ended) {
        if (ended.batch > through) {
            break;
        }
        if (ended.syncing) {
            ended.syncing = false;
            ended.outcome = m_logSyncFailed ? BatchOutcome::Unknown : BatchOutcome::Committed;
        }
    }
    tellOutcomes();
}

void Database::tellOutcomes()
{
    while (!m_ended.empty() && !m_ended.front().syncing) {
        const EndedBatch ended = m_ended.front();
        m_ended.pop_front();
        if (m_batchListener) {
            m_batchListener(ended.batch, ended.outcome);
        }
    }
}

void Database::settle()
{
    commitBatch();
    if (m_logSyncer && !m_ended.empty()) {
        const quint64 last = m_ended.back().batch;
        logSynced(last, m_logSyncer->wait(last));
    }
}

bool Database::control(const QString& sql, QString* error)
{
    // Cached like every statement, so SAVEPOINT and RELEASE are parsed once.
    if (write(sql)) {
        return true;
    }
    if (error) {
        *error = m_lastError;
    }
    return false;
}

bool Database::runOutermost(const std::function<bool()>& f)
{
    m_depth = 1;
    m_failed = false;
    const bool ok = f() && !m_failed;
    m_depth = 0;
    return ok;
}

bool Database::openBatch(QString* error)
{
    if (m_logSyncFailed) {
        // See BatchOutcome::Unknown: nothing committed from now on could be vouched for.
        m_lastError = QStringLiteral("the disk failed to sync the write-ahead log; no further change is accepted");
        if (error) {
            *error = m_lastError;
        }
        return false;
    }
    if (m_restartDue && m_checkpointer) {
        // See RestartPages: the checkpointer copies the rest of the log now, so that this batch
        // writes the log from its start again instead of past its end.
        m_restartDue = false;
        ++m_restartWaits;
        if (!m_checkpointer->drain(RestartWait)) {
            // The disk is slow, or a reader (another process) still needs part of the log:
            // waiting at every batch would not help. Try again once the log has grown by a
            // quarter as much again.
            m_restartAt = m_logPages + RestartPages / 4;
        }
    }
    if (!beginWrite()) {
        if (error) {
            *error = m_lastError;
        }
        return false;
    }
    m_batchOpen = true;
    m_batchBroken = false;
    m_batchUnits = 0;
    ++m_batchNumber;
    if (!m_batchTimer) {
        m_batchTimer = std::make_unique<QObject>();
    }
    // A zero timer runs after the event loop has dispatched what is ready now (the requests
    // already read from the sockets), so one batch gathers everything that arrived together.
    QTimer::singleShot(0, m_batchTimer.get(), [this] { commitBatch(); });
    return true;
}

bool Database::runBatchUnit(const std::function<bool()>& f, QString* error)
{
    if (!m_batchOpen && !openBatch(error)) {
        return false;
    }
    if (!control(QStringLiteral("SAVEPOINT unit"), error)) {
        return false;
    }
    bool ok = runOutermost(f);
    if (!ok) {
        forgetWrites();
        if (!write(QStringLiteral("ROLLBACK TO unit"))) {
            // The unit's changes may still be in the batch: none of it may commit.
            m_batchBroken = true;
        }
    }
    if (!write(QStringLiteral("RELEASE unit"))) {
        m_batchBroken = true;
        ok = false;
    }
    if (!ok && error) {
        *error = m_lastError;
    }
    if (++m_batchUnits >= MaxBatchUnits || m_batchBroken) {
        // A full batch commits now; a broken one rolls back now, before more joins it.
        if (!commitBatch() && ok) {
            ok = false;
            if (error) {
                *error = m_lastError;
            }
        }
    }
    return ok;
}

bool Database::endTransaction(bool commit, QString* error)
{
    forgetWrites();
    QSqlQuery end(handle());
    const bool ok = commit && end.exec(QStringLiteral("COMMIT"));
    if (!ok) {
        if (commit) {
            m_lastError = describe(end.lastError());
            qCWarning(lcStore) << "commit failed, rolling back:" << m_lastError;
        }
        QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
    }
    if (!ok && error) {
        *error = m_lastError;
    }
    return ok;
}

bool Database::commitBatch(QString* error)
{
    if (!m_batchOpen) {
        return true;
    }
    const bool broken = m_batchBroken;
    if (broken) {
        m_lastError = QStringLiteral("a failed unit could not be undone; the batch was rolled back");
        qCWarning(lcStore) << m_lastError;
    }
    const bool ok = endTransaction(!broken, error);
    m_batchOpen = false;
    m_batchBroken = false;
    m_batchUnits = 0;
    EndedBatch ended{ m_batchNumber, false, ok ? BatchOutcome::Committed : BatchOutcome::RolledBack };
    if (ok && m_logSyncer && m_durable) {
        ended.syncing = true; // committed without a sync of the log: the log syncer's comes next
    }
    m_ended.push_back(ended);
    if (ended.syncing) {
        m_logSyncer->request(ended.batch);
    }
    tellOutcomes();
    return ok;
}

QSqlQuery Database::prepare(const QString& sql)
{
    // Remembered for releaseReads(); a caller that never releases (a command-line bulk load)
    // must not grow the list without end.
    if (!m_releaseAll) {
        if (m_running.size() < 1024) {
            m_running.push_back(sql);
        } else {
            m_running.clear();
            m_releaseAll = true;
        }
    }
    const auto cached = m_statements.constFind(sql);
    if (cached != m_statements.constEnd()) {
        // Copies of a QSqlQuery share one prepared statement; Qt deprecates copying to stop
        // that sharing by accident, and here it is the point of the cache.
        QT_WARNING_PUSH
        QT_WARNING_DISABLE_DEPRECATED
        QSqlQuery q = *cached;
        QT_WARNING_POP
        q.finish();
        return q;
    }
    QSqlQuery q(handle());
    // QPSQL reads a forward-only result row by row from the server, and any other statement on
    // the connection in the meantime discards the rest; the engine reads one result while it
    // writes, so PostgreSQL results are fetched whole.
    q.setForwardOnly(m_dialect == Dialect::SQLite);
    if (!q.prepare(sql)) {
        m_lastError = describe(q.lastError());
        qCWarning(lcStore) << "prepare failed:" << m_lastError;
        return q;
    }
    // Filters from requests make many distinct texts; keep the cache bounded.
    if (m_statements.size() >= 512) {
        m_statements.clear();
    }
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    m_statements.insert(sql, q);
    QT_WARNING_POP
    return q;
}

QVariant Database::bindable(const QVariant& value)
{
    // A null QString would be bound as SQL NULL; only an invalid QVariant means NULL here.
    if (value.metaType() == QMetaType::fromType<QString>() && value.toString().isNull()) {
        return QVariant(QStringLiteral(""));
    }
    // Booleans live in INTEGER columns (0/1); PostgreSQL will not compare a boolean with a bigint.
    if (value.metaType() == QMetaType::fromType<bool>()) {
        return QVariant(value.toBool() ? 1 : 0);
    }
    return value;
}

bool Database::exec(QSqlQuery& query, std::initializer_list<QVariant> values)
{
    return execBound(query, std::span<const QVariant>(values.begin(), values.size()));
}

bool Database::execBound(QSqlQuery& query, std::span<const QVariant> values)
{
    int i = 0;
    for (const QVariant& v : values) {
        query.bindValue(i++, bindable(v));
    }
    if (!query.exec()) {
        m_lastError = describe(query.lastError());
        qCWarning(lcStore) << "statement failed:" << m_lastError;
        if (m_depth > 0) {
            m_failed = true;
        }
        return false;
    }
    return true;
}

QSqlQuery Database::run(const QString& sql, std::initializer_list<QVariant> values, bool* ok)
{
    QSqlQuery q = prepare(sql);
    const bool done = exec(q, values);
    if (ok) {
        *ok = done;
    }
    return q;
}

QVariant Database::scalar(const QString& sql, std::initializer_list<QVariant> values)
{
    QSqlQuery q = run(sql, values);
    QVariant value;
    if (q.next()) {
        value = q.value(0);
    }
    q.finish(); // one row is all it reads: do not hold the read snapshot open
    return value;
}

void Database::releaseReads()
{
    if (m_releaseAll) {
        for (auto it = m_statements.begin(); it != m_statements.end(); ++it) {
            it.value().finish();
        }
    } else {
        for (const QString& sql : m_running) {
            const auto it = m_statements.find(sql);
            if (it != m_statements.end()) {
                it.value().finish();
            }
        }
    }
    m_running.clear();
    m_releaseAll = false;
}

bool Database::failed(const QString& message)
{
    m_lastError = message;
    qCWarning(lcStore) << "statement failed:" << m_lastError;
    if (m_depth > 0) {
        m_failed = true;
    }
    return false;
}

sqlite3_stmt* Database::sqliteStatement(const QString& sql)
{
    if (sqlite3_stmt* cached = m_sqliteStatements.value(sql)) {
        return cached;
    }
    // Bounded like the Qt statement cache, but never while rows of one are being read.
    if (m_sqliteStatements.size() >= 512 && m_openRows == 0) {
        for (sqlite3_stmt* statement : std::as_const(m_sqliteStatements)) {
            sqlite3_finalize(statement);
        }
        m_sqliteStatements.clear();
    }
    const QByteArray text = sql.toUtf8();
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(m_sqlite, text.constData(), int(text.size()), SQLITE_PREPARE_PERSISTENT, &statement, nullptr)
        != SQLITE_OK) {
        sqlite3_finalize(statement);
        return nullptr;
    }
    m_sqliteStatements.insert(sql, statement);
    return statement;
}

namespace {

// Binds one value the way the QSQLITE driver does (qsql_sqlite.cpp), after Database::bindable():
// NULL for an invalid or null value, integers and doubles as such, bytes as a blob, anything
// else as its text. Texts go in as UTF-8 (the database's encoding: SQLite's own conversion from
// UTF-16 costs more than Qt's), kept alive in `utf8` until the statement is reset.
int bindSqlite(sqlite3_stmt* statement, int index, const QVariant& value, std::vector<QByteArray>& utf8)
{
    auto bindText = [&](const QString& text) {
        utf8.push_back(text.toUtf8());
        const QByteArray& bytes = utf8.back();
        // A null QString is bound as '' (Database::bindable), not as NULL.
        return sqlite3_bind_text(statement, index, bytes.isNull() ? "" : bytes.constData(), int(bytes.size()),
                                 SQLITE_STATIC);
    };
    switch (value.typeId()) {
    case QMetaType::UnknownType:
        return sqlite3_bind_null(statement, index);
    case QMetaType::QString:
        return bindText(*static_cast<const QString*>(value.constData()));
    case QMetaType::QByteArray: {
        const QByteArray* bytes = static_cast<const QByteArray*>(value.constData());
        if (bytes->isNull()) {
            return sqlite3_bind_null(statement, index);
        }
        utf8.push_back(*bytes);
        return sqlite3_bind_blob(statement, index, utf8.back().constData(), int(bytes->size()), SQLITE_STATIC);
    }
    case QMetaType::Bool:
        return sqlite3_bind_int(statement, index, value.toBool() ? 1 : 0);
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
        return sqlite3_bind_int64(statement, index, value.toLongLong());
    case QMetaType::ULong:
    case QMetaType::ULongLong:
        // As QSQLITE: the bits of an unsigned 64-bit value reinterpreted as signed.
        return sqlite3_bind_int64(statement, index, static_cast<sqlite3_int64>(value.toULongLong()));
    case QMetaType::Double:
    case QMetaType::Float:
        return sqlite3_bind_double(statement, index, value.toDouble());
    default:
        break;
    }
    if (value.isNull()) {
        return sqlite3_bind_null(statement, index);
    }
    return bindText(value.toString());
}

} // namespace

bool Database::write(const QString& sql, std::initializer_list<QVariant> values, qint64* changed)
{
    if (!m_sqlite) {
        bool ok = false;
        QSqlQuery q = run(sql, values, &ok);
        if (ok && changed) {
            *changed = q.numRowsAffected();
        }
        return ok;
    }
    sqlite3_stmt* statement = sqliteStatement(sql);
    if (!statement) {
        return failed(QStringLiteral("cannot prepare %1: %2").arg(sql, QString::fromUtf8(sqlite3_errmsg(m_sqlite))));
    }
    int rc = SQLITE_OK;
    int index = 1;
    std::vector<QByteArray> keep; // what the bindings point at, until the reset below
    keep.reserve(values.size());
    for (const QVariant& value : values) {
        rc = bindSqlite(statement, index++, value, keep);
        if (rc != SQLITE_OK) {
            break;
        }
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(statement);
    }
    const bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    const QString message = ok ? QString() : QString::fromUtf8(sqlite3_errmsg(m_sqlite));
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    if (!ok) {
        return failed(message);
    }
    if (changed) {
        *changed = sqlite3_changes64(m_sqlite);
    }
    return true;
}

Database::Rows Database::read(const QString& sql, std::initializer_list<QVariant> values)
{
    return readBound(sql, std::span<const QVariant>(values.begin(), values.size()));
}

Database::Rows Database::read(const QString& sql, const QVariantList& values)
{
    return readBound(sql, std::span<const QVariant>(values.constData(), size_t(values.size())));
}

Database::Rows Database::readBound(const QString& sql, std::span<const QVariant> values)
{
    Rows rows;
    rows.m_db = this;
    if (!m_sqlite) {
        rows.m_query = prepare(sql);
        rows.m_ok = execBound(rows.m_query, values);
        return rows;
    }
    sqlite3_stmt* statement = sqliteStatement(sql);
    if (!statement) {
        failed(QStringLiteral("cannot prepare %1: %2").arg(sql, QString::fromUtf8(sqlite3_errmsg(m_sqlite))));
        return rows;
    }
    int index = 1;
    rows.m_bound.reserve(values.size());
    for (const QVariant& value : values) {
        // The rows keep what the bindings point at: the values are gone before they are read.
        if (bindSqlite(statement, index++, value, rows.m_bound) != SQLITE_OK) {
            failed(QString::fromUtf8(sqlite3_errmsg(m_sqlite)));
            sqlite3_clear_bindings(statement);
            return rows;
        }
    }
    rows.m_statement = statement;
    rows.m_ok = true;
    ++m_openRows;
    return rows;
}

QVariant Database::readScalar(const QString& sql, std::initializer_list<QVariant> values)
{
    Rows rows = read(sql, values);
    return rows.next() ? rows.value(0) : QVariant();
}

Database::Rows::~Rows()
{
    release();
}

Database::Rows::Rows(Rows&& other) noexcept
    : m_db(other.m_db)
    , m_statement(std::exchange(other.m_statement, nullptr))
    , m_bound(std::move(other.m_bound))
    , m_query(std::move(other.m_query))
    , m_ok(other.m_ok)
    , m_onRow(std::exchange(other.m_onRow, false))
{
}

Database::Rows& Database::Rows::operator=(Rows&& other) noexcept
{
    if (this != &other) {
        release();
        m_db = other.m_db;
        m_statement = std::exchange(other.m_statement, nullptr);
        m_bound = std::move(other.m_bound);
        m_query = std::move(other.m_query);
        m_ok = other.m_ok;
        m_onRow = std::exchange(other.m_onRow, false);
    }
    return *this;
}

void Database::Rows::release()
{
    m_onRow = false;
    if (m_statement) {
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
        m_statement = nullptr;
        --m_db->m_openRows;
    }
    m_bound.clear();
}

bool Database::Rows::next()
{
    if (!m_statement) {
        return m_ok && m_query.isActive() && m_query.next();
    }
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) {
        m_onRow = true;
        return true;
    }
    if (rc != SQLITE_DONE) {
        m_ok = false;
        m_db->failed(QString::fromUtf8(sqlite3_errmsg(m_db->m_sqlite)));
    }
    release();
    return false;
}

QVariant Database::Rows::value(int column) const
{
    if (!m_statement) {
        return m_query.isActive() ? m_query.value(column) : QVariant();
    }
    if (!m_onRow) {
        return {};
    }
    // As the QSQLITE driver converts them (qsql_sqlite.cpp, fetchNext).
    switch (sqlite3_column_type(m_statement, column)) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(m_statement, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(m_statement, column));
    case SQLITE_BLOB:
        return QVariant(QByteArray(static_cast<const char*>(sqlite3_column_blob(m_statement, column)),
                                   sqlite3_column_bytes(m_statement, column)));
    case SQLITE_NULL:
        return QVariant(QMetaType::fromType<QString>());
    default:
        // As UTF-8, the database's encoding: Qt converts it faster than SQLite would to UTF-16.
        return QVariant(QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column)),
                                          sqlite3_column_bytes(m_statement, column)));
    }
}

QByteArrayView Database::Rows::bytes(int column) const
{
    if (!m_statement) {
        if (column < 0) {
            return {};
        }
        const QVariant v = m_query.isActive() ? m_query.value(column) : QVariant();
        if (m_bytes.size() <= size_t(column)) {
            m_bytes.resize(size_t(column) + 1);
        }
        m_bytes[size_t(column)] = v.typeId() == QMetaType::QByteArray ? v.toByteArray() : v.toString().toUtf8();
        return m_bytes[size_t(column)];
    }
    if (!m_onRow) {
        return {};
    }
    // sqlite3_column_blob and sqlite3_column_text give a text column its UTF-8 bytes unchanged.
    const void* data = sqlite3_column_blob(m_statement, column);
    return {static_cast<const char*>(data), sqlite3_column_bytes(m_statement, column)};
}

qint64 Database::Rows::integer(int column) const
{
    if (!m_statement) {
        return m_query.isActive() ? m_query.value(column).toLongLong() : 0;
    }
    return m_onRow ? qint64(sqlite3_column_int64(m_statement, column)) : 0;
}

void Database::setWriteMemo(const QString& key, const QVariant& value)
{
    if (m_depth > 0) {
        m_writeMemo.insert(key, value);
    }
}

QVariant Database::writeMemo(const QString& key) const
{
    return m_depth > 0 ? m_writeMemo.value(key) : QVariant();
}

} // namespace Elevate::Server
