#include "ReviewsModel.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Format.h"
#include "Outbox.h"
#include "ReviewOutbox.h"

#include <QDateTime>

namespace Elevate::Models {

ReviewsModel::ReviewsModel(Cache::CacheDatabase& cache, Cache::Outbox* outbox, QObject* parent)
    : KeyedTableModel<ReviewSummary>(parent)
    , m_cache(cache)
    , m_outbox(outbox)
{
    resetRows(load(m_cache, m_outbox));
}

QList<ReviewSummary> ReviewsModel::load(Cache::CacheDatabase& cache, Cache::Outbox* outbox)
{
    // The same reading of the cache as Session::cachedReviews (elevatectl reviews --offline):
    // each definition with its InProgress instance (else the latest) and my decisions in it.
    QList<ReviewSummary> out;
    if (!cache.isOpen()) {
        return out;
    }
    const QList<Cache::OutboxItem> items = outbox && outbox->isOpen() ? outbox->list() : QList<Cache::OutboxItem>();
    const auto state = cache.syncState(QStringLiteral("reviews"));
    const Timestamp lastPull = state ? state->lastSync : Timestamp();
    for (const AccessReviewDefinition& def : Cache::ReviewDefinitionRepository(cache).all()) {
        ReviewSummary s;
        s.review.definition = def;
        const QList<AccessReviewInstance> instances = Cache::ReviewInstanceRepository(cache).all(def.id);
        if (!instances.isEmpty()) {
            auto current = std::find_if(instances.cbegin(), instances.cend(), [](const AccessReviewInstance& i) {
                return i.status == ReviewStatus::InProgress;
            });
            s.review.instance = current != instances.cend() ? *current : instances.last();
            const QList<ReviewDecision> decisions = Cache::ReviewDecisionRepository(cache).all(s.review.instance->id);
            s.total = int(decisions.size());
            int notReviewed = 0;
            for (const ReviewDecision& d : decisions) {
                const bool serverOpen = d.decision == ReviewDecisionValue::NotReviewed;
                notReviewed += serverOpen ? 1 : 0;
                const PendingDecision p = pendingDecisionFor(d, items, lastPull);
                const bool recorded = p.state == PendingDecision::State::NotYetSent
                    || p.state == PendingDecision::State::Sent;
                const bool decided = recorded ? p.value != ReviewDecisionValue::NotReviewed : !serverOpen;
                s.decided += decided ? 1 : 0;
                s.open += decided ? 0 : 1;
            }
            s.review.pendingDecisions = notReviewed;
            if (s.review.instance->status != ReviewStatus::InProgress) {
                s.open = 0;
            }
        }
        out << s;
    }
    return out;
}

void ReviewsModel::reload()
{
    setRows(load(m_cache, m_outbox));
}

int ReviewsModel::openDecisions() const
{
    int open = 0;
    for (const ReviewSummary& s : m_rows) {
        open += s.open;
    }
    return open;
}

int ReviewsModel::rowOf(const QString& definitionId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).review.definition.id == definitionId) {
            return i;
        }
    }
    return -1;
}

int ReviewsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReviewsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ReviewSummary& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == NameColumn) {
            return row.review.definition.descriptionForReviewers.isEmpty() ? QVariant()
                                                                          : row.review.definition.descriptionForReviewers;
        }
        return {};
    case RawValueRole:
        return rawValue(row, index.column());
    case IdRole:
        return row.review.definition.id;
    case InstanceIdRole:
        return row.review.instance ? row.review.instance->id : QString();
    case OpenRole:
        return row.open;
    case Qt::TextAlignmentRole:
        return index.column() == ProgressColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant ReviewsModel::displayValue(const ReviewSummary& row, int column) const
{
    switch (column) {
    case NameColumn:
        return row.review.definition.displayName;
    case ProgressColumn:
        if (!row.review.instance) {
            return tr("not started");
        }
        return tr("%1 / %2").arg(row.decided).arg(row.total);
    case DueColumn:
        if (!row.review.instance) {
            return QString();
        }
        if (row.review.instance->status != ReviewStatus::InProgress) {
            return tr("ended %1").arg(Format::dateTime(row.review.instance->endDateTime));
        }
        return Format::dateTime(row.review.instance->endDateTime);
    default:
        return {};
    }
}

QVariant ReviewsModel::rawValue(const ReviewSummary& row, int column) const
{
    switch (column) {
    case NameColumn:
        return row.review.definition.displayName;
    case ProgressColumn:
        return row.total > 0 ? double(row.decided) / row.total : 0.0;
    case DueColumn:
        return row.review.instance && !row.review.instance->endDateTime.isNull()
            ? row.review.instance->endDateTime.toDateTime()
            : QDateTime();
    default:
        return {};
    }
}

QVariant ReviewsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case NameColumn:
        return tr("Review");
    case ProgressColumn:
        return tr("Decided");
    case DueColumn:
        return tr("Due");
    default:
        return {};
    }
}

} // namespace Elevate::Models
