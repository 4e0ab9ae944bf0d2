#pragma once

#include "KeyedTableModel.h"
#include "ReviewOutbox.h"

#include "AccessReview.h"

namespace Elevate {
namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
} // namespace Elevate

namespace Elevate::Models {

// One decision of the chosen review, with what the outbox holds for it.
struct DecisionRow
{
    ReviewDecision decision;
    PendingDecision pending;

    // What the user sees as the current decision: the outbox's when one waits or was sent.
    ReviewDecisionValue effectiveValue() const;

    friend bool operator==(const DecisionRow&, const DecisionRow&) = default;
};

// The decisions of one review instance (the reviewer's items): principal, resource,
// recommendation with its reason, current decision, and a state joined from the outbox
// ("not yet sent", "conflict", "sent"). Reads the cache (ReviewDecisionRepository, scope = the
// instance id) and the outbox; reload() emits the smallest change; setReview() resets.
class DecisionsModel final : public KeyedTableModel<DecisionRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DecisionsModel)

public:
    enum Column { PrincipalColumn, ResourceColumn, RecommendationColumn, DecisionColumn, StateColumn, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // sortable value of the column
        IdRole,                          // the decision id
        PrincipalIdRole,
        EffectiveDecisionRole,           // int(ReviewDecisionValue) as the user sees it now
        PendingStateRole,                // int(PendingDecision::State)
    };

    DecisionsModel(Cache::CacheDatabase& cache, Cache::Outbox* outbox, QObject* parent = nullptr);

    // Shows the decisions of this instance (empty: none). Resets the model.
    void setReview(const QString& instanceId);
    QString instanceId() const { return m_instanceId; }
    void reload();

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Translated words for a decision value, a recommendation and its reason.
    static QString decisionText(ReviewDecisionValue value);
    static QString recommendationText(ReviewRecommendation recommendation);
    static QString recommendationReason(ReviewRecommendation recommendation);

protected:
    QString keyOf(const DecisionRow& row) const override { return row.decision.id; }

private:
    QList<DecisionRow> load() const;
    QVariant displayValue(const DecisionRow& row, int column) const;

    Cache::CacheDatabase& m_cache;
    Cache::Outbox* m_outbox;
    QString m_instanceId;
};

} // namespace Elevate::Models
