#pragma once

#include "AuditEvent.h"
#include "AuditText.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>
#include <utility>

struct sqlite3;

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

    // At most this many pages wait for the thread: add() blocks beyond (bounded memory).
    static constexpr std::size_t MaxQueuedPages = 8;
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

    // The common terms counted by finish(), once copyInto() has returned; nullopt when they
    // were not asked for or could not be counted.
    const std::optional<QList<TermDays>>& termStatistics() const { return m_termDays; }

    // Rows indexed so far (for tests and benchmarks).
    qint64 indexed() const;
    QString error() const;

private:
    struct Job
    {
        QList<AuditEvent> events;
        QList<std::pair<qint64, qsizetype>> rows;
    };
    void loop();
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
    std::optional<QList<TermDays>> m_termDays; // written by the thread before it ends
    bool m_abandon = false;
    bool m_done = false;
    qint64 m_indexed = 0;
    QString m_error;
    std::thread m_thread;
};

} // namespace Elevate::Cache
