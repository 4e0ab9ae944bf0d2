#include "AuditTextIndexer.h"

#include "CacheLog.h"
#include "CacheSchema.h"

#include <QFile>
#include <QScopeGuard>
#include <QStringEncoder>

#include <algorithm>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace Elevate::Cache {

namespace {

bool run(sqlite3* db, const char* sql)
{
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

QString sqliteError(const QString& what, sqlite3* db)
{
    return db ? QStringLiteral("%1: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(db))) : what;
}

} // namespace

AuditTextIndexer::AuditTextIndexer(const QString& archivePath)
    : m_archivePath(archivePath)
    , m_scratchPath(archivePath + QStringLiteral(".fts-load"))
{
}

AuditTextIndexer::~AuditTextIndexer()
{
    {
        std::lock_guard guard(m_mutex);
        m_finishing = true;
        m_abandon = true; // nobody copies it any more: no commit, no merge
        m_queue.clear();
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    QFile::remove(m_scratchPath);
}

bool AuditTextIndexer::start()
{
    // Left by a process that died during a first sync: stale, never reused.
    QFile::remove(m_scratchPath);
    // Created owner-only before SQLite opens it: it holds the events' words.
    const QByteArray path = QFile::encodeName(m_scratchPath);
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        m_error = QStringLiteral("cannot create %1: %2").arg(m_scratchPath, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    ::close(fd);
    m_thread = std::thread([this] { loop(); });
    return true;
}

void AuditTextIndexer::add(QList<AuditEvent> events, QList<std::pair<qint64, qsizetype>> rows)
{
    if (rows.isEmpty()) {
        return;
    }
    std::unique_lock lock(m_mutex);
    m_space.wait(lock, [this] { return m_queue.size() < MaxQueuedPages || m_done; });
    if (m_done || m_finishing) {
        return; // failed (error() says why) or finished: nothing more is indexed
    }
    m_queue.push_back(Job{std::move(events), std::move(rows)});
    lock.unlock();
    m_wake.notify_one();
}

void AuditTextIndexer::finish(qint64 minEvents, DayOfRow dayOf)
{
    {
        std::lock_guard guard(m_mutex);
        if (!m_finishing) {
            m_minEvents = dayOf ? minEvents : 0;
            m_dayOf = std::move(dayOf);
        }
        m_finishing = true;
    }
    m_wake.notify_one();
}

qint64 AuditTextIndexer::indexed() const
{
    std::lock_guard guard(m_mutex);
    return m_indexed;
}

QString AuditTextIndexer::error() const
{
    std::lock_guard guard(m_mutex);
    return m_error;
}

void AuditTextIndexer::fail(const QString& what, sqlite3* db)
{
    const QString message = sqliteError(what, db);
    std::lock_guard guard(m_mutex);
    if (m_error.isEmpty()) {
        m_error = message;
    }
}

void AuditTextIndexer::loop()
{
    sqlite3* db = nullptr;
    const QByteArray path = QFile::encodeName(m_scratchPath);
    // Scratch: no journal and no syncs (rebuilt from the rows when anything goes wrong), one
    // transaction for the whole load, FTS5 flushing its pending terms rarely and merging once.
    const QByteArray hash =
        QStringLiteral("INSERT INTO audit_fts (audit_fts, rank) VALUES ('hashsize', %1)").arg(HashBytes).toUtf8();
    bool ok = sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK
              && run(db, "PRAGMA journal_mode = OFF") && run(db, "PRAGMA synchronous = OFF")
              && run(db, "PRAGMA locking_mode = EXCLUSIVE") && run(db, auditFtsStatement().toUtf8().constData())
              && run(db, hash.constData())
              && run(db, "INSERT INTO audit_fts (audit_fts, rank) VALUES ('automerge', 0)") && run(db, "BEGIN");
    if (!ok) {
        fail(QStringLiteral("cannot prepare the full-text scratch file %1").arg(m_scratchPath), db);
    }
    sqlite3_stmt* insert = nullptr;
    if (ok && sqlite3_prepare_v2(db, "INSERT INTO audit_fts (rowid, text) VALUES (?, ?)", -1, &insert, nullptr)
                  != SQLITE_OK) {
        fail(QStringLiteral("cannot prepare the full-text insert"), db);
        ok = false;
    }
    QString text;
    // Bound as UTF-8 from a buffer kept here: bound as UTF-16, SQLite would translate every
    // text into a buffer it allocates and frees (the 'ascii' tokenizer reads UTF-8).
    QStringEncoder toUtf8(QStringEncoder::Utf8, QStringConverter::Flag::Stateless);
    QByteArray utf8;
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return !m_queue.empty() || m_finishing; });
        if (m_queue.empty()) {
            break;
        }
        Job job = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        m_space.notify_one();
        if (ok) {
            m_text.beginPage();
            for (const auto& [rowid, at] : std::as_const(job.rows)) {
                text.resize(0); // keeps the capacity
                m_text.append(job.events.at(at), &text);
                utf8.resize(qMax<qsizetype>(1, text.size() * 3)); // at most 3 bytes per UTF-16 unit
                const char* const end = toUtf8.appendToBuffer(utf8.data(), text);
                if (sqlite3_bind_int64(insert, 1, rowid) != SQLITE_OK
                    || sqlite3_bind_text(insert, 2, utf8.constData(), int(end - utf8.constData()), SQLITE_STATIC)
                           != SQLITE_OK
                    || sqlite3_step(insert) != SQLITE_DONE) {
                    fail(QStringLiteral("cannot index the text of an audit event"), db);
                    ok = false;
                    break;
                }
                sqlite3_reset(insert);
            }
            m_text.endPage();
            lock.lock();
            m_indexed += job.rows.size();
            lock.unlock();
        }
        // The page is usually freed here: the storing thread has let go of it by now.
        job = Job();
    }
    sqlite3_finalize(insert);
    bool abandon = false;
    {
        std::lock_guard guard(m_mutex);
        abandon = m_abandon;
    }
    if (ok && !abandon) {
        ok = run(db, "COMMIT") && run(db, "INSERT INTO audit_fts (audit_fts) VALUES ('optimize')");
        if (!ok) {
            fail(QStringLiteral("cannot finish the full-text index"), db);
        }
    }
    qint64 minEvents = 0;
    {
        std::lock_guard guard(m_mutex);
        minEvents = m_minEvents;
    }
    if (ok && !abandon && minEvents > 0) {
        // Here rather than after the copy: the storing thread builds its row indexes meanwhile,
        // then helps count (helpCountTerms). Nothing writes the scratch file from here on: in
        // normal locking mode, after one read, this connection lets go of its exclusive lock.
        QString error;
        std::optional<QStringList> terms;
        if (run(db, "PRAGMA locking_mode = NORMAL") && run(db, "SELECT count(*) FROM sqlite_schema")) {
            terms = commonTerms(db, "main", minEvents, &error);
        } else {
            error = sqliteError(QStringLiteral("cannot share the full-text scratch file"), db);
        }
        {
            std::lock_guard guard(m_mutex);
            m_termsReady = true;
            if (terms) {
                m_commonTerms = *terms;
                m_counted.resize(terms->size());
            } else {
                m_termsFailed = true;
            }
        }
        m_termsCv.notify_all();
        if (terms) {
            countSharedTerms(db);
        } else {
            qCWarning(lcCache) << "common terms not counted beside the load:" << error;
        }
    }
    sqlite3_close(db);
    {
        std::lock_guard guard(m_mutex);
        m_done = true;
    }
    m_space.notify_all();
    m_termsCv.notify_all();
}

void AuditTextIndexer::countSharedTerms(sqlite3* db)
{
    TermCounter counter(db, "main", m_dayOf);
    for (;;) {
        qsizetype i = 0;
        {
            std::lock_guard guard(m_mutex);
            if (m_termsFailed || m_nextTerm >= m_commonTerms.size()) {
                return;
            }
            i = m_nextTerm++;
        }
        QString error;
        std::optional<TermDays> t = counter.count(m_commonTerms.at(i), &error);
        std::lock_guard guard(m_mutex);
        if (!t) {
            qCWarning(lcCache) << "common terms not counted beside the load:" << error;
            m_termsFailed = true;
            return;
        }
        m_counted[i] = std::move(t);
    }
}

void AuditTextIndexer::helpCountTerms()
{
    {
        std::unique_lock lock(m_mutex);
        m_termsCv.wait(lock, [this] { return m_termsReady || m_done; });
        if (!m_termsReady || m_termsFailed || m_nextTerm >= m_commonTerms.size()) {
            return;
        }
    }
    sqlite3* db = nullptr;
    const QByteArray path = QFile::encodeName(m_scratchPath);
    if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK
        && sqlite3_busy_timeout(db, 10'000) == SQLITE_OK) {
        countSharedTerms(db);
    } else {
        // The thread counts the rest alone.
        qCWarning(lcCache) << sqliteError(QStringLiteral("cannot read the full-text scratch file"), db);
    }
    sqlite3_close(db);
}

std::optional<QList<AuditTextIndexer::TermDays>> AuditTextIndexer::termStatistics() const
{
    std::lock_guard guard(m_mutex);
    if (!m_termsReady || m_termsFailed) {
        return std::nullopt;
    }
    QList<TermDays> out;
    out.reserve(m_counted.size());
    for (const std::optional<TermDays>& t : m_counted) {
        if (!t) {
            return std::nullopt;
        }
        out.append(*t);
    }
    return out;
}

std::optional<QStringList> AuditTextIndexer::commonTerms(sqlite3* db, const char* schema, qint64 minEvents,
                                                         QString* error)
{
    const QByteArray vocab =
        QByteArray("CREATE VIRTUAL TABLE IF NOT EXISTS temp.audit_term_vocab USING fts5vocab(") + schema
        + ", 'audit_fts', 'row')";
    sqlite3_stmt* terms = nullptr;
    const auto cleanup = qScopeGuard([&] {
        sqlite3_finalize(terms);
        run(db, "DROP TABLE IF EXISTS temp.audit_term_vocab");
    });
    if (!run(db, vocab.constData())
        || sqlite3_prepare_v2(db, "SELECT term FROM temp.audit_term_vocab WHERE doc >= ?", -1, &terms, nullptr)
               != SQLITE_OK
        || sqlite3_bind_int64(terms, 1, minEvents) != SQLITE_OK) {
        if (error) {
            *error = sqliteError(QStringLiteral("cannot read the full-text vocabulary"), db);
        }
        return std::nullopt;
    }
    QStringList out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(terms)) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(terms, 0));
        out.append(QString::fromUtf8(text, sqlite3_column_bytes(terms, 0)));
    }
    if (rc != SQLITE_DONE) {
        if (error) {
            *error = sqliteError(QStringLiteral("cannot read the full-text vocabulary"), db);
        }
        return std::nullopt;
    }
    return out;
}

AuditTextIndexer::TermCounter::TermCounter(sqlite3* db, const char* schema, DayOfRow dayOf)
    : m_db(db)
    , m_dayOf(std::move(dayOf))
{
    const QByteArray sql = QByteArray("SELECT rowid FROM ") + schema + ".audit_fts WHERE audit_fts MATCH ?";
    if (sqlite3_prepare_v2(db, sql.constData(), -1, &m_matches, nullptr) != SQLITE_OK) {
        m_matches = nullptr;
    }
}

AuditTextIndexer::TermCounter::~TermCounter()
{
    sqlite3_finalize(m_matches);
}

std::optional<AuditTextIndexer::TermDays> AuditTextIndexer::TermCounter::count(const QString& term, QString* error)
{
    const auto failed = [&]() -> std::optional<TermDays> {
        if (error) {
            *error = sqliteError(QStringLiteral("cannot count the common term '%1'").arg(term), m_db);
        }
        return std::nullopt;
    };
    // Tokens hold only letters and digits: quoted, a term is itself.
    const QByteArray expression = '"' + term.toUtf8() + '"';
    if (!m_matches
        || sqlite3_bind_text(m_matches, 1, expression.constData(), int(expression.size()), SQLITE_TRANSIENT)
               != SQLITE_OK) {
        return failed();
    }
    TermDays t{term, {}};
    // Row ids follow time, so a day's rows are one run.
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(m_matches)) == SQLITE_ROW) {
        const qint64 day = m_dayOf(sqlite3_column_int64(m_matches, 0));
        if (t.days.isEmpty() || t.days.constLast().first != day) {
            t.days.append({day, 0});
        }
        ++t.days.last().second;
    }
    sqlite3_reset(m_matches);
    if (step != SQLITE_DONE) {
        return failed();
    }
    // Newest first is row id order: oldest first, merging a day that came back (never,
    // unless ids were not in time order).
    std::sort(t.days.begin(), t.days.end());
    QList<std::pair<qint64, qint64>> merged;
    for (const auto& d : std::as_const(t.days)) {
        if (!merged.isEmpty() && merged.constLast().first == d.first) {
            merged.last().second += d.second;
        } else {
            merged.append(d);
        }
    }
    t.days = std::move(merged);
    return t;
}

std::optional<QList<AuditTextIndexer::TermDays>> AuditTextIndexer::termDays(sqlite3* db, const char* schema,
                                                                            qint64 minEvents, const DayOfRow& dayOf,
                                                                            QString* error)
{
    const std::optional<QStringList> terms = commonTerms(db, schema, minEvents, error);
    if (!terms) {
        return std::nullopt;
    }
    TermCounter counter(db, schema, dayOf);
    QList<TermDays> out;
    for (const QString& term : *terms) {
        std::optional<TermDays> t = counter.count(term, error);
        if (!t) {
            return std::nullopt;
        }
        out.append(std::move(*t));
    }
    return out;
}

bool AuditTextIndexer::copyInto()
{
    if (!m_thread.joinable()) {
        std::lock_guard guard(m_mutex);
        if (m_error.isEmpty()) {
            m_error = QStringLiteral("the full-text indexer was not started or was already copied");
        }
        return false;
    }
    finish();
    m_thread.join();
    const QString failure = error();
    if (!failure.isEmpty()) {
        return false;
    }
    sqlite3* db = nullptr;
    const QByteArray archive = QFile::encodeName(m_archivePath);
    const QByteArray attach = QStringLiteral("ATTACH DATABASE '%1' AS fts_load")
                                  .arg(QString(m_scratchPath).replace(u'\'', QStringLiteral("''")))
                                  .toUtf8();
    // The archive's background checkpointer (WalCheckpointer) copies the log, not this commit.
    bool ok = sqlite3_open_v2(archive.constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK
              && sqlite3_busy_timeout(db, 10'000) == SQLITE_OK && sqlite3_wal_autocheckpoint(db, 0) == SQLITE_OK
              && run(db, attach.constData()) && run(db, "BEGIN IMMEDIATE")
              && run(db, "DELETE FROM main.audit_fts_data")
              && run(db, "INSERT INTO main.audit_fts_data (id, block) SELECT id, block FROM fts_load.audit_fts_data")
              && run(db, "DELETE FROM main.audit_fts_idx")
              && run(db, "INSERT INTO main.audit_fts_idx (segid, term, pgno) "
                         "SELECT segid, term, pgno FROM fts_load.audit_fts_idx")
              && run(db, "COMMIT");
    if (!ok) {
        fail(QStringLiteral("cannot copy the full-text index into %1").arg(m_archivePath), db);
        run(db, "ROLLBACK");
    }
    sqlite3_close(db);
    return ok;
}

} // namespace Elevate::Cache
