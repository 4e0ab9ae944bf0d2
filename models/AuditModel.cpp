#include "AuditModel.h"

#include "Format.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>

namespace Elevate::Models {

namespace {

// A request's events lie within its longest activation (24 h) plus the approval wait.
constexpr qint64 RelatedWindowSeconds = 2 * 86400;
// At most this many candidates are read to find a request's other events.
constexpr int RelatedScanPages = 5;

} // namespace

const QStringList& AuditModel::activationActivities()
{
    static const QStringList list = {QStringLiteral("Add member to role completed (PIM activation)"),
                                     QStringLiteral("Add member to group completed (PIM activation)")};
    return list;
}

AuditModel::AuditModel(Cache::AuditStore& store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
}

AuditModel::~AuditModel() = default;

int AuditModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(std::max<qint64>(m_total, 0));
}

int AuditModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Cache::AuditQuery AuditModel::pageQuery(const Seek& seek, int limit) const
{
    Cache::AuditQuery q = m_filter;
    if (!seek.before.isNull() && (q.to.isNull() || seek.before < q.to)) {
        q.to = seek.before;
    }
    q.cursor = seek.cursor;
    q.limit = limit;
    q.withTotal = false;
    return q;
}

void AuditModel::setFilter(const Cache::AuditQuery& filter)
{
    Cache::AuditQuery first = filter;
    first.cursor = 0;
    first.limit = PageSize;
    first.withTotal = !m_countLater;
    QElapsedTimer timer;
    timer.start();
    Cache::AuditPage page = m_store.query(first);
    m_countMs = double(timer.nsecsElapsed()) / 1e6; // with the first page: an upper bound
    const bool countLater = m_countLater && page.nextCursor != 0;
    if (m_countLater && page.nextCursor == 0) {
        page.total = page.rows.size(); // all of it is in the first page
    }

    beginResetModel();
    ++m_generation;
    m_counting = countLater;
    m_filter = filter;
    m_filter.cursor = 0;
    m_blocks.clear();
    m_cursors.clear();
    m_error.clear();
    if (countLater) {
        m_total = page.rows.size();
        m_cursors.insert(0, Seek{});
        m_blocks.insert(0, Block{page.rows, ++m_clock});
        m_cursors.insert(int(page.rows.size()), Seek{{}, page.nextCursor});
        endResetModel();
        QMetaObject::invokeMethod(this, [this, generation = m_generation] { finishCount(generation); },
                                  Qt::QueuedConnection);
        return;
    }
    if (page.total < 0 || (page.total > 0 && page.rows.isEmpty())) {
        m_total = 0;
        m_error = m_store.lastError();
    } else {
        m_total = page.total;
        m_cursors.insert(0, Seek{});
        m_blocks.insert(0, Block{page.rows, ++m_clock});
        if (page.nextCursor != 0) {
            m_cursors.insert(int(page.rows.size()), Seek{{}, page.nextCursor});
        }
    }
    endResetModel();
    if (!m_error.isEmpty()) {
        emit loadFailed(m_error);
    }
    emit totalCountChanged(m_total);
}

void AuditModel::finishCount(quint64 generation)
{
    if (generation != m_generation || !m_counting) {
        return; // a newer filter replaced this one
    }
    m_counting = false;
    QElapsedTimer timer;
    timer.start();
    const qint64 n = m_store.count(m_filter);
    m_countMs = double(timer.nsecsElapsed()) / 1e6;
    if (n < 0) {
        m_error = m_store.lastError();
        emit loadFailed(m_error);
        emit totalCountChanged(m_total);
        return;
    }
    if (n > m_total) {
        beginInsertRows({}, int(m_total), int(n) - 1);
        m_total = n;
        endInsertRows();
    }
    emit totalCountChanged(m_total);
}

void AuditModel::refresh()
{
    if (m_counting) {
        setFilter(m_filter); // the count is not known yet: nothing to compare with
        return;
    }
    Cache::AuditQuery first = m_filter;
    first.cursor = 0;
    first.limit = PageSize;
    first.withTotal = true;
    const Cache::AuditPage page = m_store.query(first);
    if (page.total < 0 || (page.total > 0 && page.rows.isEmpty())) {
        m_error = m_store.lastError();
        emit loadFailed(m_error);
        return;
    }
    m_error.clear();
    const qint64 oldTotal = m_total;
    const AuditEvent* oldFirst = oldTotal > 0 ? eventAt(0) : nullptr;
    qsizetype at = -1;
    if (oldFirst) {
        const QString id = oldFirst->id;
        for (qsizetype i = 0; i < page.rows.size(); ++i) {
            if (page.rows.at(i).id == id) {
                at = i;
                break;
            }
        }
    }
    const auto adopt = [&] {
        m_blocks.clear();
        m_blocks.insert(0, Block{page.rows, ++m_clock});
    };
    if (oldTotal == page.total && at == 0) {
        return; // nothing new matches
    }
    if (oldTotal > 0 && at > 0 && page.total - oldTotal == at) {
        // Only newer events arrived: they go on top, every known cursor moves down with its row.
        beginInsertRows({}, 0, int(at) - 1);
        QMap<int, Seek> moved;
        for (auto it = m_cursors.cbegin(); it != m_cursors.cend(); ++it) {
            moved.insert(it.key() == 0 ? 0 : it.key() + int(at), it.value());
        }
        if (page.nextCursor != 0) {
            moved.insert(int(page.rows.size()), Seek{{}, page.nextCursor});
        }
        m_cursors = moved;
        adopt();
        m_total = page.total;
        endInsertRows();
        emit totalCountChanged(m_total);
        return;
    }
    if (oldTotal == 0 && page.total > 0) {
        beginInsertRows({}, 0, int(page.total) - 1);
        m_cursors = {{0, Seek{}}};
        if (page.nextCursor != 0) {
            m_cursors.insert(int(page.rows.size()), Seek{{}, page.nextCursor});
        }
        adopt();
        m_total = page.total;
        endInsertRows();
        emit totalCountChanged(m_total);
        return;
    }
    // Late events landed inside the list (or more than a page arrived): the rows they push down
    // cannot be told apart without reading everything, so start over.
    setFilter(m_filter);
}

const AuditEvent* AuditModel::eventAt(int row) const
{
    if (row < 0 || row >= m_total) {
        return nullptr;
    }
    // A block loaded next to one that is not aligned with it (after a top insertion or a seek)
    // can stop short of the row; the next try starts from the cursor it left, nearer.
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto it = m_blocks.upperBound(row);
        if (it != m_blocks.begin()) {
            --it;
            if (row < it.key() + it->rows.size()) {
                it->used = ++m_clock;
                return &it->rows.at(row - it.key());
            }
        }
        if (!loadBlockFor(row)) {
            return nullptr;
        }
    }
    return nullptr;
}

qint64 AuditModel::countFrom(const Timestamp& from) const
{
    Cache::AuditQuery q = m_filter;
    q.from = from;
    return m_store.count(q);
}

// Rows are newest first, so the events at or after a time are the first rows: the smallest
// second S whose count(from = S) is at most `row` starts a run of rows that reaches past it,
// and the rows from count(from = S) on are the filter's events before S. The search guesses
// by interpolation (events spread evenly over time land in a few counts) and halves the
// interval every other step, so an uneven spread costs at most twice a bisection.
void AuditModel::seekByTime(int row) const
{
    const Timestamp oldest = m_store.oldest();
    const Timestamp newest = m_store.newest();
    if (oldest.isNull() || newest.isNull()) {
        return;
    }
    std::int64_t lo = oldest.secsSinceEpoch() - 1; // count(from = lo) > row
    std::int64_t hi = newest.secsSinceEpoch() + 1; // count(from = hi) <= row
    if (!m_filter.from.isNull()) {
        lo = std::max(lo, m_filter.from.secsSinceEpoch() - 1);
    }
    if (!m_filter.to.isNull()) {
        hi = std::min(hi, m_filter.to.secsSinceEpoch() + 1);
    }
    qint64 atLo = m_counting ? -1 : m_total;
    qint64 atHi = 0;
    for (int step = 0; hi - lo > 1; ++step) {
        std::int64_t mid = lo + (hi - lo) / 2;
        if (step % 2 == 0 && atLo > atHi) {
            const double share = double(atLo - row) / double(atLo - atHi);
            mid = std::clamp<std::int64_t>(lo + std::int64_t(share * double(hi - lo)), lo + 1, hi - 1);
        }
        Timestamp from = Timestamp::fromSecsSinceEpoch(mid);
        if (!m_filter.from.isNull() && from < m_filter.from) {
            from = m_filter.from;
        }
        const qint64 n = countFrom(from);
        if (n < 0) {
            return;
        }
        if (n <= row) {
            hi = mid;
            atHi = n;
        } else {
            lo = mid;
            atLo = n;
        }
    }
    if (atHi > 0 && atHi <= row && !m_cursors.contains(int(atHi))) {
        m_cursors.insert(int(atHi), Seek{Timestamp::fromTicks(Timestamp::fromSecsSinceEpoch(hi).ticks() - 1), 0});
    }
}

bool AuditModel::loadBlockFor(int row) const
{
    const auto nearest = [this](int r) {
        auto c = m_cursors.upperBound(r);
        return c == m_cursors.begin() ? m_cursors.end() : std::prev(c);
    };
    auto c = nearest(row);
    if (c == m_cursors.end()) {
        return false;
    }
    constexpr double SeekCounts = 12;
    if (row - c.key() > WalkLimit && SeekCounts * m_countMs < double(row - c.key()) * m_rowMs) {
        seekByTime(row);
        c = nearest(row);
    }
    int known = c.key();
    Seek seek = c.value();
    // Blocks are aligned on the cursor they start from.
    const int start = known + (row - known) / PageSize * PageSize;
    // Walk to the block's first row: the rows read on the way are not kept.
    while (known < start) {
        const int step = std::min(start - known, Cache::AuditStore::MaxLimit);
        QElapsedTimer timer;
        timer.start();
        const Cache::AuditPage walk = m_store.query(pageQuery(seek, step));
        m_rowMs = double(timer.nsecsElapsed()) / 1e6 / std::max<qsizetype>(1, walk.rows.size());
        if (walk.nextCursor == 0 || walk.rows.size() != step) {
            m_error = m_store.lastError();
            return false;
        }
        known += step;
        seek.cursor = walk.nextCursor;
        m_cursors.insert(known, seek);
    }
    // Stop before the next block so blocks never overlap (after a top insertion they are not
    // aligned to PageSize).
    int limit = PageSize;
    const auto next = m_blocks.upperBound(start);
    if (next != m_blocks.end()) {
        limit = std::min(limit, next.key() - start);
    }
    QElapsedTimer timer;
    timer.start();
    const Cache::AuditPage page = m_store.query(pageQuery(seek, limit));
    m_rowMs = double(timer.nsecsElapsed()) / 1e6 / std::max<qsizetype>(1, page.rows.size());
    if (page.rows.isEmpty()) {
        m_error = m_store.lastError();
        return false;
    }
    if (page.nextCursor != 0) {
        m_cursors.insert(start + int(page.rows.size()), Seek{seek.before, page.nextCursor});
    }
    while (m_blocks.size() >= MaxBlocks) {
        auto oldest = m_blocks.begin();
        for (auto it = m_blocks.begin(); it != m_blocks.end(); ++it) {
            if (it->used < oldest->used) {
                oldest = it;
            }
        }
        m_blocks.erase(oldest);
    }
    m_blocks.insert(start, Block{page.rows, ++m_clock});
    return true;
}

std::optional<AuditEvent> AuditModel::fullEvent(int row) const
{
    const AuditEvent* e = eventAt(row);
    return e ? std::optional<AuditEvent>(*e) : std::nullopt;
}

int AuditModel::windowSize() const
{
    int n = 0;
    for (const Block& b : m_blocks) {
        n += int(b.rows.size());
    }
    return n;
}

const AuditEvent::TargetResource* AuditModel::roleTarget(const AuditEvent& e)
{
    for (const QString& type : {QStringLiteral("Role"), QStringLiteral("Group")}) {
        for (const auto& t : e.targetResources) {
            if (t.type.compare(type, Qt::CaseInsensitive) == 0) {
                return &t;
            }
        }
    }
    return e.targetResources.isEmpty() ? nullptr : &e.targetResources.first();
}

QString AuditModel::resultText(AuditResult result)
{
    switch (result) {
    case AuditResult::Success:
        return tr("Success");
    case AuditResult::Failure:
        return tr("Failure");
    case AuditResult::Timeout:
        return tr("Timeout");
    case AuditResult::Unknown:
        break;
    }
    return tr("Unknown");
}

QVariant AuditModel::displayValue(const AuditEvent& e, int column) const
{
    switch (column) {
    case TimeColumn:
        return Format::dateTime(e.activityDateTime);
    case ActivityColumn:
        return e.activityDisplayName;
    case InitiatedByColumn: {
        const QString name = e.initiatorName();
        if (!name.isEmpty()) {
            return name;
        }
        // A principal known only by its sign-in name or id is still someone, not the system.
        if (e.initiatedByUser) {
            return e.initiatedByUser->userPrincipalName.isEmpty() ? e.initiatedByUser->id
                                                                  : e.initiatedByUser->userPrincipalName;
        }
        if (e.initiatedByApp && !e.initiatedByApp->appId.isEmpty()) {
            return e.initiatedByApp->appId;
        }
        return tr("System");
    }
    case TargetColumn: {
        const AuditEvent::TargetResource* t = roleTarget(e);
        return t ? (t->displayName.isEmpty() ? t->id : t->displayName) : QString();
    }
    case ResultColumn:
        return resultText(e.result);
    case ReasonColumn:
        return e.resultReason;
    default:
        return {};
    }
}

QVariant AuditModel::rawValue(const AuditEvent& e, int column) const
{
    switch (column) {
    case TimeColumn:
        return e.activityDateTime.toDateTime();
    case ResultColumn:
        return static_cast<int>(e.result);
    case InitiatedByColumn:
        return e.initiatorName();
    default:
        return displayValue(e, column);
    }
}

QVariant AuditModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != RawValueRole && role != IdRole
        && role != CorrelationIdRole) {
        return {};
    }
    const AuditEvent* e = eventAt(index.row());
    if (!e) {
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(*e, index.column());
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn) {
            return e->activityDateTime.toIso();
        }
        return index.column() == ReasonColumn || index.column() == ActivityColumn ? displayValue(*e, index.column())
                                                                                 : QVariant();
    case RawValueRole:
        return rawValue(*e, index.column());
    case IdRole:
        return e->id;
    case CorrelationIdRole:
        return e->correlationId;
    default:
        return {};
    }
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ActivityColumn:
        return tr("Activity");
    case InitiatedByColumn:
        return tr("Initiated by");
    case TargetColumn:
        return tr("Target");
    case ResultColumn:
        return tr("Result");
    case ReasonColumn:
        return tr("Reason");
    default:
        return {};
    }
}

QList<AuditEvent> AuditModel::relatedEvents(const AuditEvent& e) const
{
    QList<AuditEvent> out;
    if (e.correlationId.isEmpty() || e.activityDateTime.isNull()) {
        return out;
    }
    Cache::AuditQuery q;
    const AuditEvent::TargetResource* t = roleTarget(e);
    q.target = t ? t->id : QString();
    q.from = e.activityDateTime.plusSeconds(-RelatedWindowSeconds);
    q.to = e.activityDateTime.plusSeconds(RelatedWindowSeconds);
    q.limit = Cache::AuditStore::MaxLimit;
    q.withTotal = false;
    for (int i = 0; i < RelatedScanPages; ++i) {
        const Cache::AuditPage page = m_store.query(q);
        for (const AuditEvent& other : page.rows) {
            if (other.correlationId == e.correlationId && other.id != e.id) {
                out.append(other);
            }
        }
        if (page.nextCursor == 0) {
            break;
        }
        q.cursor = page.nextCursor;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

QList<std::pair<QDate, qint64>> AuditModel::activationsPerDay() const
{
    QMap<QDate, qint64> sum;
    for (const QString& activity : activationActivities()) {
        for (const auto& [day, n] : m_store.eventsPerDay(activity, m_filter.from, m_filter.to)) {
            sum[day] += n;
        }
    }
    QList<std::pair<QDate, qint64>> out;
    out.reserve(sum.size());
    for (auto it = sum.cbegin(); it != sum.cend(); ++it) {
        out.append({it.key(), it.value()});
    }
    return out;
}

QList<std::pair<QString, QString>> AuditModel::values(Cache::AuditStore::Column column) const
{
    return m_store.values(column);
}

} // namespace Elevate::Models
