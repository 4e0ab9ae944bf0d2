#include "DecisionsModel.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Format.h"
#include "Outbox.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace Elevate::Models {

ReviewDecisionValue DecisionRow::effectiveValue() const
{
    if (pending.state == PendingDecision::State::NotYetSent || pending.state == PendingDecision::State::Sent) {
        return pending.value;
    }
    return decision.decision;
}

DecisionsModel::DecisionsModel(Cache::CacheDatabase& cache, Cache::Outbox* outbox, QObject* parent)
    : KeyedTableModel<DecisionRow>(parent)
    , m_cache(cache)
    , m_outbox(outbox)
{
}

void DecisionsModel::setReview(const QString& instanceId)
{
    m_instanceId = instanceId;
    resetRows(load());
}

void DecisionsModel::reload()
{
    setRows(load());
}

QList<DecisionRow> DecisionsModel::load() const
{
    QList<DecisionRow> out;
    if (m_instanceId.isEmpty() || !m_cache.isOpen()) {
        return out;
    }
    const QList<Cache::OutboxItem> items = m_outbox && m_outbox->isOpen() ? m_outbox->list() : QList<Cache::OutboxItem>();
    const auto state = m_cache.syncState(QStringLiteral("reviews"));
    const Timestamp lastPull = state ? state->lastSync : Timestamp();
    for (const ReviewDecision& d : Cache::ReviewDecisionRepository(m_cache).all(m_instanceId)) {
        out << DecisionRow{d, pendingDecisionFor(d, items, lastPull)};
    }
    return out;
}

int DecisionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DecisionsModel::decisionText(ReviewDecisionValue value)
{
    switch (value) {
    case ReviewDecisionValue::Approve:
        return tr("Approve");
    case ReviewDecisionValue::Deny:
        return tr("Deny");
    case ReviewDecisionValue::DontKnow:
        return tr("Don't know");
    case ReviewDecisionValue::NotReviewed:
        return tr("Not reviewed");
    case ReviewDecisionValue::Unknown:
        break;
    }
    return tr("Unknown");
}

QString DecisionsModel::recommendationText(ReviewRecommendation recommendation)
{
    switch (recommendation) {
    case ReviewRecommendation::Approve:
        return tr("Approve");
    case ReviewRecommendation::Deny:
        return tr("Deny");
    case ReviewRecommendation::NoInfoAvailable:
        return tr("No recommendation");
    case ReviewRecommendation::Unknown:
        break;
    }
    return QString();
}

QString DecisionsModel::recommendationReason(ReviewRecommendation recommendation)
{
    // Graph and elevated both recommend from the principal's recent use of the access: approve
    // when it was used within the inactivity window, deny when it was not.
    switch (recommendation) {
    case ReviewRecommendation::Approve:
        return tr("used this access recently");
    case ReviewRecommendation::Deny:
        return tr("has not used this access recently");
    case ReviewRecommendation::NoInfoAvailable:
        return tr("no activity to go by");
    case ReviewRecommendation::Unknown:
        break;
    }
    return QString();
}

QVariant DecisionsModel::displayValue(const DecisionRow& row, int column) const
{
    const ReviewDecision& d = row.decision;
    switch (column) {
    case PrincipalColumn:
        return d.principal.displayName.isEmpty() ? d.principal.id : d.principal.displayName;
    case ResourceColumn:
        return d.resource ? (d.resource->displayName.isEmpty() ? d.resource->id : d.resource->displayName) : QString();
    case RecommendationColumn: {
        const QString text = recommendationText(d.recommendation);
        const QString reason = recommendationReason(d.recommendation);
        return reason.isEmpty() || d.recommendation == ReviewRecommendation::NoInfoAvailable
            ? (text.isEmpty() ? reason : text)
            : tr("%1: %2").arg(text, reason);
    }
    case DecisionColumn:
        return decisionText(row.effectiveValue());
    case StateColumn:
        switch (row.pending.state) {
        case PendingDecision::State::NotYetSent:
            return tr("not yet sent");
        case PendingDecision::State::Conflict:
            return tr("conflict: %1").arg(row.pending.message);
        case PendingDecision::State::Sent:
            return tr("sent");
        case PendingDecision::State::None:
            break;
        }
        return d.reviewedDateTime.isNull() ? QString() : tr("recorded %1").arg(Format::dateTime(d.reviewedDateTime));
    default:
        return {};
    }
}

QVariant DecisionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const DecisionRow& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == PrincipalColumn) {
            return row.decision.principal.userPrincipalName.isEmpty() ? QVariant()
                                                                     : row.decision.principal.userPrincipalName;
        }
        if (index.column() == DecisionColumn && !row.decision.justification.isEmpty()) {
            return tr("Reason: %1").arg(row.decision.justification);
        }
        if (index.column() == StateColumn && row.pending.state == PendingDecision::State::Conflict) {
            return tr("The server refused this decision. Open Sync issues to retry or discard it.");
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StateColumn && row.pending.state == PendingDecision::State::Conflict) {
            return QBrush(QColor(0xb0, 0x00, 0x20));
        }
        return {};
    case Qt::FontRole:
        if (index.column() == DecisionColumn && row.pending.state == PendingDecision::State::NotYetSent) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case RawValueRole:
        switch (index.column()) {
        case RecommendationColumn:
            return int(row.decision.recommendation);
        case DecisionColumn:
            return int(row.effectiveValue());
        case StateColumn:
            return int(row.pending.state);
        default:
            return displayValue(row, index.column());
        }
    case IdRole:
        return row.decision.id;
    case PrincipalIdRole:
        return row.decision.principal.id;
    case EffectiveDecisionRole:
        return int(row.effectiveValue());
    case PendingStateRole:
        return int(row.pending.state);
    default:
        return {};
    }
}

QVariant DecisionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case PrincipalColumn:
        return tr("Person");
    case ResourceColumn:
        return tr("Access");
    case RecommendationColumn:
        return tr("Recommendation");
    case DecisionColumn:
        return tr("Decision");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

} // namespace Elevate::Models
