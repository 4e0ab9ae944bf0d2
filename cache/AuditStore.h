#pragma once

#include "AuditEvent.h"
#include "AuditQuery.h"
#include "AuditText.h"
#include "AuditTextIndexer.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QLockFile>
#include <QSet>
#include <QString>
#include <QVariant>

#include <algorithm>
#include <array>
#include <compare>
#include <initializer_list>
#include <memory>
#include <optional>

class QIODevice;
class QSqlQuery;

namespace Elevate::Cache {

class CacheDatabase;
class SqliteStatement;

// The audit archive: every directoryAudit event ever pulled, kept beyond the server's
// retention, filtered and paged fast at a million events.
//
// Layout (CacheSchema): each event is one row whose row id (seq) is its negated order key
// (orderKey: activityDateTime order), so a time range is a row-id range, keyset paging is a
// row-id seek, and FTS5 (whose matches come in row-id order) returns them newest first without
// a sort. Negated because Graph pages come newest first: a first sync then appends at the end
// of every b-tree instead of splitting pages at its start (half-empty pages, twice the file). Composite covering
// indexes (column, seq, other columns) serve each column filter and their combinations; a
// per-day count table answers the total of a one-column filter without scanning the index.
//
// Sync: pull from pullFrom() (the newest stored time minus an overlap, because events can
// arrive late), merge() each page: events already stored (same id) are skipped. For the first
// big pull, beginBulkLoad() drops the unique id index and starts an AuditTextIndexer, which
// builds the FTS index on a thread and in a scratch file of its own while merge() appends the
// rows (committing every BulkPagesPerCommit pages: a crash loses at most those, a clean
// shutdown none); finishBulkLoad() builds the unique id index (duplicates that slipped past the
// per-page check are looked for only when that fails) and copies the finished FTS index in. A
// load whose indexer missed rows (a rolled-back batch) or that was left unfinished (finished at
// the next open) gets its FTS index built from the stored rows instead. Free-text filters find
// nothing of a bulk load before it is finished.
//
// Processes: another process may open the same archive (elevatectl beside the console). A bulk
// load holds a lock file (<archive>.load-lock, QLockFile: taken before the load is marked open,
// released after it is marked done) for its whole length. A process that finds a load marked
// open takes the lock before finishing it: when another live process holds it, the load is not
// interrupted but running, and this process writes nothing to the archive (merge() and
// beginBulkLoad() fail with a message saying so) until it is finished. A crashed loader's lock is
// stale (its process is gone), and the next process to write finishes that load.
//
// Threading: uses the CacheDatabase's connection, so the thread that opened it. A reader on
// another thread opens its own CacheDatabase on the same file.
class AuditStore final
{
public:
    static constexpr qint64 DefaultOverlapSeconds = 300;
    static constexpr int MaxLimit = 10000;

    static constexpr int BulkPagesPerCommit = 64;

    explicit AuditStore(CacheDatabase& db);
    ~AuditStore();
    AuditStore(const AuditStore&) = delete;
    AuditStore& operator=(const AuditStore&) = delete;

    // The order key of the first slot of a time: ms * 2^20 + (100 ns tick in the ms) * 104.
    // Each 100 ns tick has 104 slots for events with the same time; more spill into the next.
    static qint64 orderKey(const Timestamp& time);
    // Terms with at least this many events get per-day counts (updateTermStatistics).
    static constexpr qint64 DefaultTrackedTermEvents = 50'000;

    // The searchable words of a text: runs of letters and digits, case-folded, diacritics
    // removed (compatibility decomposition without marks). The FTS index holds exactly these.
    static QStringList tokens(const QString& text);
    // The FTS5 expression for user text: each token quoted, tokens ANDed. Never a syntax error,
    // whatever the text holds; empty when the text has no word.
    static QString ftsExpression(const QString& userText);

    // Where the next incremental pull starts (activityDateTime ge this): the newest stored
    // event minus overlapSeconds. Null when the archive is empty (pull everything).
    Timestamp pullFrom(qint64 overlapSeconds = DefaultOverlapSeconds);
    Timestamp newest();
    Timestamp oldest();
    qint64 size();

    // Stores one pulled page in one transaction. Events whose id is already stored (or that
    // appear twice in the page) are skipped. Returns how many were new, or nullopt on failure
    // (nothing of the page is stored then; during a bulk load, nothing of the open batch of up
    // to BulkPagesPerCommit pages either: the pull fails, and the next one pulls them again).
    std::optional<int> merge(const QList<AuditEvent>& events);

    // The first sync of an empty archive: indexes are dropped and rebuilt once at the end.
    // False when the archive is not empty (use merge() alone) or on a database error.
    bool beginBulkLoad();
    bool finishBulkLoad();
    bool inBulkLoad() const { return m_bulk; }

    // Chooses the terms found in at least minEvents events and counts them per day, so a
    // free-text total on a very common word is a sum rather than a scan. finishBulkLoad() runs
    // it; an archive that only grows by merges can run it now and then (seconds at 1 M events).
    bool updateTermStatistics(qint64 minEvents = DefaultTrackedTermEvents);
    // The minEvents finishBulkLoad() counts terms with (DefaultTrackedTermEvents).
    void setBulkTrackedTermEvents(qint64 minEvents) { m_bulkTrackedTermEvents = minEvents; }

    // The first window of a filter (or the next, with query.cursor) and the total count.
    AuditPage query(const AuditQuery& query);
    qint64 count(const AuditQuery& query);

    // Every event matching the filter (limit and cursor ignored), newest first, streamed to
    // device window by window. CSV follows RFC 4180 (header line, CRLF, quotes doubled);
    // JSON is a Graph-style {"value":[...]} array of directoryAudit objects.
    bool exportCsv(const AuditQuery& query, QIODevice* device);
    bool exportJson(const AuditQuery& query, QIODevice* device);

    // Events per UTC day of one activity (every event when activity is empty) on the days that
    // [from, to] touches (null ends: unbounded), oldest first, days without events left out.
    // Read from the per-day counts, never a scan: the first and last day count whole days.
    QList<std::pair<QDate, qint64>> eventsPerDay(const QString& activity, const Timestamp& from, const Timestamp& to);

    // The distinct values a column filter takes, as (key for AuditQuery, label): actor id and
    // display name, role or group id and name, activity and itself. For the filter pickers.
    enum class Column { Actor, Target, Activity };
    QList<std::pair<QString, QString>> values(Column column);

    QString lastError() const { return m_lastError; }

private:
    struct Filter;
    struct DayKey
    {
        int dim;
        qint64 value;
        qint64 day;
        friend bool operator==(const DayKey&, const DayKey&) = default;
        friend auto operator<=>(const DayKey&, const DayKey&) = default; // audit_daycount's key order
        friend size_t qHash(const DayKey& k, size_t seed = 0) { return qHashMulti(seed, k.dim, k.value, k.day); }
    };

    // The audit_keys ref of (kind, key), from the cache or else stored through insert (the
    // page's key insert) with label.
    std::optional<qint64> ref(SqliteStatement& insert, int kind, const QString& key, const QString& label);
    std::optional<qint64> lookupRef(int kind, const QString& key);
    using TermDay = std::pair<QString, qint64>;
    // textRows given: the FTS text is not written, its (row id, index in events) are listed.
    bool insertEvents(const QList<AuditEvent>& events, int* inserted, QHash<DayKey, qint64>* deltas,
                      QHash<TermDay, qint64>* termDeltas, QList<std::pair<qint64, qsizetype>>* textRows);
    bool flushTermCounts(const QHash<TermDay, qint64>& deltas);
    // Replaces the tracked terms and their per-day counts (inside the caller's transaction).
    bool writeTermStatistics(const QList<AuditTextIndexer::TermDays>& terms);
    bool commitBulkBatch();
    // Takes the bulk load's lock file (true when this process holds it now or already did).
    bool takeLoadLock();
    // A bulk load marked open and not this process's: finishes it when its process is gone.
    // True when no such load is open (any more); false while another process runs it, or on
    // a database error (m_lastError).
    bool settleOpenLoad();
    bool removeDuplicates(QList<std::pair<qint64, QString>>* textDeletes);
    void dropTextIndexer();
    bool rebuildTextIndex();
    bool finishIndexes();
    bool flushDayCounts(const QHash<DayKey, qint64>& deltas);
    bool resolve(const AuditQuery& query, Filter* filter);
    qint64 countFilter(const Filter& f);
    qint64 dayCountSum(int dim, qint64 value, qint64 firstDay, qint64 lastDay);
    qint64 scanCount(const Filter& f, qint64 lo, qint64 hi);
    bool textDrives(const Filter& f);
    QList<AuditEvent> pageRows(const Filter& f, qint64 below, int limit, QList<qint64>* keys);
    std::optional<AuditEvent> load(qint64 seq);
    AuditEvent decodeRow(const QSqlQuery& q);
    const AuditEvent& decodedRef(qint64 ref);
    // Replaces *out with the stored form of details (empty when there are none).
    static void encodeDetails(const QList<AuditEvent::KeyValue>& details, QString* out);
    static QList<AuditEvent::KeyValue> decodeDetails(const QString& text);
    qint64 termDaySum(const QString& term, qint64 firstDay, qint64 lastDay);
    void loadTrackedTerms();
    template <typename Sink>
    bool exportRows(const AuditQuery& query, Sink&& sink);

    CacheDatabase& m_db;
    QString m_lastError;
    bool m_bulk = false;
    bool m_bulkOpen = false; // the bulk load's long transaction is open
    std::unique_ptr<QLockFile> m_loadLock; // held from beginBulkLoad() (or a resumed load) to its end
    // A bulk load's text index, built beside it; complete: it was given every stored row.
    std::unique_ptr<AuditTextIndexer> m_indexer;
    bool m_textComplete = false;
    qint64 m_bulkTrackedTermEvents = DefaultTrackedTermEvents;
    int m_bulkPages = 0;
    std::array<QHash<QString, qint64>, 7> m_refs; // per kind: fields -> audit_keys.ref
    QHash<qint64, AuditEvent> m_decoded;     // audit_keys.ref -> the part of an event it holds
    QHash<qint64, QString> m_keyText;        // audit_keys.ref -> key (activity, shape)
    QHash<DayKey, qint64> m_dayDeltas;       // per-day counts not yet written (committed rows)
    QHash<DayKey, qint64> m_batchDayDeltas;  // the same for the open bulk batch
    AuditText m_text;                        // the FTS text of events, with the tracked terms

    // Caches of audit_keys refs keyed by the fields themselves (hashed, no string built per event).
    struct ShapeFields
    {
        QString category;
        QString service;
        QString operation;
        friend bool operator==(const ShapeFields&, const ShapeFields&) = default;
        friend size_t qHash(const ShapeFields& k, size_t seed = 0)
        {
            return qHashMulti(seed, k.category, k.service, k.operation);
        }
    };
    struct InitiatorFields
    {
        std::optional<AuditEvent::UserInitiator> user;
        std::optional<AuditEvent::AppInitiator> app;
        friend bool operator==(const InitiatorFields&, const InitiatorFields&) = default;
        friend size_t qHash(const InitiatorFields& k, size_t seed = 0)
        {
            if (k.user) {
                seed = qHashMulti(seed, 1, k.user->id, k.user->displayName, k.user->userPrincipalName,
                                  k.user->ipAddress, k.user->userType, k.user->homeTenantId, k.user->homeTenantName);
            }
            if (k.app) {
                seed = qHashMulti(seed, 2, k.app->appId, k.app->displayName, k.app->servicePrincipalId,
                                  k.app->servicePrincipalName);
            }
            return seed;
        }
    };
    struct TargetFields
    {
        AuditEvent::TargetResource target;
        friend bool operator==(const TargetFields&, const TargetFields&) = default;
        friend size_t qHash(const TargetFields& k, size_t seed = 0)
        {
            const auto& t = k.target;
            seed = qHashMulti(seed, t.id, t.displayName, t.type, t.userPrincipalName, t.groupType);
            for (const auto& m : t.modifiedProperties) {
                seed = qHashMulti(seed, m.displayName, m.oldValue, m.newValue);
            }
            return seed;
        }
    };

    // This page's refs by the identity of their strings (StringIdentity): cleared when
    // insertEvents() returns.
    QHash<StringIdentity, qint64> m_pageRefs;
    QHash<ShapeFields, qint64> m_shapeRefs;
    QHash<InitiatorFields, qint64> m_initiatorRefs;
    QHash<TargetFields, qint64> m_targetRefs;
};

} // namespace Elevate::Cache
