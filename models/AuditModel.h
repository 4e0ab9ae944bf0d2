#pragma once

#include "AuditEvent.h"
#include "AuditQuery.h"
#include "AuditStore.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QList>
#include <QMap>

#include <optional>
#include <utility>

namespace Elevate::Models {

// The audit archive as a table, never all of it in memory: rowCount() is the number of events
// matching the filter (AuditStore::count), and rows are read from the store in blocks of
// PageSize as the view asks for them (keyset paging: each block's cursor is remembered by the
// row it starts at, so scrolling on is one seek). A jump far down (the scroll bar dragged)
// finds the time of the row by bisecting AuditStore::count over `from` (the archive is in time
// order), then reads on from there; only the few rows sharing that second are walked. At most
// MaxBlocks blocks are kept, the least recently used dropped first.
//
// setFilter() resets the model (a new question). refresh() (after SyncEngine::tablesChanged
// names "audit") inserts the new events at the top when that is all that changed, and resets
// only when late events landed inside the list or more than a page arrived at once.
//
// Reads happen in data() on the calling thread (the store's), a block of 200 events in about a
// millisecond; the model never calls the network.
class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column { TimeColumn, ActivityColumn, InitiatedByColumn, TargetColumn, ResultColumn, ReasonColumn, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // sortable value: QDateTime, AuditResult as int, text
        IdRole,                          // the event id
        CorrelationIdRole,               // the id shared by the events of one request
    };
    static constexpr int PageSize = 200;
    static constexpr int MaxBlocks = 12;
    // A jump further than this from the nearest known cursor may seek by time instead of
    // walking: it does when about a dozen counts cost less than reading the rows in between
    // (both timed on this filter: a busy actor with a common word counts slowly but reads fast).
    static constexpr int WalkLimit = 5 * PageSize;

    // The activities that count as one activation in activationsPerDay().
    static const QStringList& activationActivities();

    explicit AuditModel(Cache::AuditStore& store, QObject* parent = nullptr);
    ~AuditModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A new filter: reset, count, and the first block read at once.
    void setFilter(const Cache::AuditQuery& filter);
    // Count later: setFilter() shows the first block at once (rowCount() is its size) and
    // counts the rest one event-loop turn later, then inserts the rows beyond it. A count can
    // take far longer than a page (a busy actor with a common word); the view should not wait.
    // A count made stale by a newer filter is never run.
    void setCountLater(bool later) { m_countLater = later; }
    bool isCounting() const { return m_counting; }
    const Cache::AuditQuery& filter() const { return m_filter; }
    // The same filter again after the archive grew (smallest change, see above).
    void refresh();
    // Matching events (rowCount() as a 64-bit number); -1 when the last read failed.
    qint64 totalCount() const { return m_total; }
    QString lastError() const { return m_error; }

    // The whole event on a row (read from the store when not in the window).
    std::optional<AuditEvent> fullEvent(int row) const;
    // The other events of the same request (same correlation id), oldest first. Looked up among
    // the events on the same role within two days of this one: the archive has no index on
    // correlation ids, and a request's events (request, approval, activation, expiry) share
    // the role and lie within its longest activation.
    QList<AuditEvent> relatedEvents(const AuditEvent& event) const;
    // Activations per UTC day over the filter's time range (whole days), oldest first.
    QList<std::pair<QDate, qint64>> activationsPerDay() const;
    // The filter pickers' choices: (key for AuditQuery, label).
    QList<std::pair<QString, QString>> values(Cache::AuditStore::Column column) const;

    // Events held in memory now (the window): for tests and the benchmark.
    int windowSize() const;

    // The role (or group) an event is about: its first Role, else Group, else first target.
    static const AuditEvent::TargetResource* roleTarget(const AuditEvent& event);
    static QString resultText(AuditResult result);

signals:
    // The matching count changed (after setFilter or refresh).
    void totalCountChanged(qint64 count);
    // A read from the archive failed; the rows shown so far stay.
    void loadFailed(const QString& error);

private:
    struct Block
    {
        QList<AuditEvent> rows;
        quint64 used = 0;
    };
    // Where the rows from some row on come from: the filter's pages with `to` lowered to
    // `before` (null: the filter's own) continued at `cursor` (0: its first page).
    struct Seek
    {
        Timestamp before;
        qint64 cursor = 0;
    };
    const AuditEvent* eventAt(int row) const;
    bool loadBlockFor(int row) const;
    void seekByTime(int row) const;
    qint64 countFrom(const Timestamp& from) const;
    QVariant displayValue(const AuditEvent& e, int column) const;
    QVariant rawValue(const AuditEvent& e, int column) const;
    Cache::AuditQuery pageQuery(const Seek& seek, int limit) const;
    void finishCount(quint64 generation);

    Cache::AuditStore& m_store;
    Cache::AuditQuery m_filter;
    qint64 m_total = 0;
    mutable QString m_error;
    mutable QMap<int, Block> m_blocks;    // first row -> its events
    mutable QMap<int, Seek> m_cursors;    // row -> how to read the rows from it on
    mutable quint64 m_clock = 0;
    mutable double m_countMs = 1;  // the last count of this filter took
    mutable double m_rowMs = 0.05; // reading one row took, in the last block read
    bool m_countLater = false;
    bool m_counting = false;
    quint64 m_generation = 0; // setFilter() calls, so a late count knows it is stale
};

} // namespace Elevate::Models
