#pragma once

#include "AuditEvent.h"
#include "AuditText.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <condition_variable>
#include <deque>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace Elevate::Cache {

// Builds the full-text index of an audit archive's first sync on a thread and in a file of its
// own, beside the thread that stores the rows: on two cores the two run at once. FTS5 indexing
// is about a third of what storing an event costs, and the archive's file takes one writer at
// a time, so the index is built in a scratch file (no journal, no syncs: it is rebuilt from the
// rows if anything goes wrong) and its tables are copied into the archive's empty audit_fts at
// the end, as one transaction. The copy is exact: both tables come from the same schema
// statement (auditFtsStatement) and the same SQLite library.
//
// The copy runs on a connection of its own, never on the archive's writer: FTS5 keeps the index
// structure it last read in memory and notices a change only when another connection commits.
//
// Use: add() each stored page (from one thread), then finish(), then copyInto(). The scratch
// file is removed by the destructor.
class AuditTextIndexer final
{
public:
    // A term common enough to be counted per day (audit_term_days): (day, events) oldest first.
    struct TermDays
    {
        QString term;
        QList<std::pair<qint64, qint64>> days;
    };
    using DayOfRow = std::function<qint64(qint64 rowid)>;
    // The terms of the FTS index audit_fts in schema that at least minEvents rows hold, with
    // their rows per day (dayOf maps a row id to its day). Reads only; nullopt on an error
    // (with the message in *error).
    static std::optional<QList<TermDays>> termDays(sqlite3* db, const char* schema, qint64 minEvents,
                                                   const DayOfRow& dayOf, QString* error);
    // The first half of termDays(): the terms at least minEvents rows hold.
    static std::optional<QStringList> commonTerms(sqlite3* db, const char* schema, qint64 minEvents, QString* error);

    // At most this many pages wait for the thread: add() blocks beyond (bounded memory: about
    // 1 KB an event while queued). Enough to ride out FTS5's merges during a load: when 16
    // segments pile up on a level it merges them at once, and at 1M events those took ~0.4-0.5 s
    // each. With 8 pages the storing thread waited through each of them (1.1 s over a load,
    // measured in add()); with 32, 0.1-0.4 s.
    static constexpr std::size_t MaxQueuedPages = 32;
    // FTS5's pending-terms buffer in the scratch file (its default is 1 MB). Not much larger:
    // with a 256 MB buffer a load flushed a handful of segments, 'optimize' left the merged one
    // on level 1, and the fourth automerge of incremental pages rewrote the whole index in one
    // page (460 ms at 300,000 events, the 14th page); with 4 MB, crisis merges during the load
    // leave deeper levels and no page of the benchmark's 50 took more than ~110 ms. The first
    // sync's rate is the same either way, and the buffer is memory.
    static constexpr int HashBytes = 4 * 1024 * 1024;

    // archivePath: the archive's file. The scratch file is archivePath + ".fts-load".
    explicit AuditTextIndexer(const QString& archivePath);
    ~AuditTextIndexer();
    AuditTextIndexer(const AuditTextIndexer&) = delete;
    AuditTextIndexer& operator=(const AuditTextIndexer&) = delete;

    // Creates the scratch file (owner-only) and starts the thread. False with error() set.
    bool start();

    // Queues the text of events to index: rows holds (FTS row id, index in events). The list is
    // shared, not copied; the thread drops it when done (so a page is usually freed there).
    void add(QList<AuditEvent> events, QList<std::pair<qint64, qsizetype>> rows);

    // Indexes what is queued, commits and merges the index into one segment, counts the common
    // terms per day (termDays() with minEvents; none when minEvents is 0), then stops the
    // thread. Returns at once; copyInto() waits for it.
    void finish(qint64 minEvents = 0, DayOfRow dayOf = {});

    // Waits for finish(), then replaces the archive's audit_fts tables with the scratch file's.
    // The archive's writer must not be inside a transaction. False with error() set.
    bool copyInto();

    // Called by the thread that calls finish() and copyInto(), between the two (while it has
    // nothing else to do): waits until the thread has merged the index and listed the common
    // terms, then counts terms per day on a read-only connection of its own, taking them from
    // the same list as the thread (each term is counted once, by whichever takes it first).
    // Returns when no term is left to take. Optional: without it the thread counts them all.
    void helpCountTerms();

    // The common terms counted by finish() (and helpCountTerms()), once copyInto() has
    // returned; nullopt when they were not asked for or could not all be counted.
    std::optional<QList<TermDays>> termStatistics() const;

    // Rows indexed so far (for tests and benchmarks).
    qint64 indexed() const;
    QString error() const;

private:
    struct Job
    {
        QList<AuditEvent> events;
        QList<std::pair<qint64, qsizetype>> rows;
    };
    // Counts one term at a time on one connection (the MATCH statement prepared once).
    class TermCounter
    {
    public:
        TermCounter(sqlite3* db, const char* schema, DayOfRow dayOf);
        ~TermCounter();
        TermCounter(const TermCounter&) = delete;
        TermCounter& operator=(const TermCounter&) = delete;
        std::optional<TermDays> count(const QString& term, QString* error);

    private:
        sqlite3* m_db;
        DayOfRow m_dayOf;
        sqlite3_stmt* m_matches = nullptr;
    };
    void loop();
    // Takes terms from m_commonTerms and counts them on db until none is left (or one fails).
    void countSharedTerms(sqlite3* db);
    bool index(sqlite3* db, const Job& job);
    void fail(const QString& what, sqlite3* db);

    QString m_archivePath;
    QString m_scratchPath;
    AuditText m_text; // used on the thread only

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;  // the thread: work or finish
    std::condition_variable m_space; // add(): room in the queue; copyInto(): done
    std::deque<Job> m_queue;
    bool m_finishing = false;
    qint64 m_minEvents = 0;
    DayOfRow m_dayOf;
    // The common terms of a finished load, counted by the thread and helpCountTerms() at once.
    std::condition_variable m_termsCv; // helpCountTerms(): the list is ready, or the thread ended
    bool m_termsReady = false;         // m_commonTerms is set (or m_termsFailed)
    bool m_termsFailed = false;        // a term could not be counted: no statistics
    QStringList m_commonTerms;         // set once, before m_termsReady
    qsizetype m_nextTerm = 0;          // the next term to take
    QList<std::optional<TermDays>> m_counted; // by position in m_commonTerms
    bool m_abandon = false;
    bool m_done = false;
    qint64 m_indexed = 0;
    QString m_error;
    std::thread m_thread;
};

} // namespace Elevate::Cache
