#include "ReviewOutbox.h"

#include "GraphCodec.h"

namespace Elevate::Models {

PendingDecision pendingDecisionFor(const ReviewDecision& decision, const QList<Cache::OutboxItem>& items,
                                   const Timestamp& lastPull)
{
    using Kind = Cache::OutboxItem::Kind;
    using ItemState = Cache::OutboxItem::State;
    PendingDecision found;
    for (const Cache::OutboxItem& item : items) {
        if (item.state == ItemState::Sent && !lastPull.isNull() && !(lastPull < item.updatedAt)) {
            continue;
        }
        PendingDecision p;
        switch (item.kind) {
        case Kind::ReviewDecision: {
            if (item.targetIds.size() != 3 || item.targetIds.at(1) != decision.accessReviewId
                || item.targetIds.at(2) != decision.id) {
                continue;
            }
            const Result<ReviewDecisionUpdate> update = GraphCodec::decode<ReviewDecisionUpdate>(item.payload);
            if (!update) {
                continue;
            }
            p.value = update->decision;
            p.justification = update->justification;
            break;
        }
        case Kind::ReviewBatchDecision: {
            if (item.targetIds.size() != 2 || item.targetIds.at(1) != decision.accessReviewId) {
                continue;
            }
            const Result<BatchRecordDecisions> batch = GraphCodec::decode<BatchRecordDecisions>(item.payload);
            if (!batch || (!batch->principalId.isEmpty() && batch->principalId != decision.principal.id)
                || (!batch->resourceId.isEmpty() && (!decision.resource || batch->resourceId != decision.resource->id))) {
                continue;
            }
            p.value = batch->decision;
            p.justification = batch->justification;
            break;
        }
        case Kind::AcceptRecommendations:
            if (item.targetIds.size() != 2 || item.targetIds.at(1) != decision.accessReviewId
                || decision.decision != ReviewDecisionValue::NotReviewed
                || (decision.recommendation != ReviewRecommendation::Approve
                    && decision.recommendation != ReviewRecommendation::Deny)) {
                continue;
            }
            p.value = decision.recommendation == ReviewRecommendation::Approve ? ReviewDecisionValue::Approve
                                                                                 : ReviewDecisionValue::Deny;
            break;
        case Kind::ApprovalDecision:
            continue;
        }
        switch (item.state) {
        case ItemState::Pending:
        case ItemState::Sending:
        case ItemState::Failed:
            p.state = PendingDecision::State::NotYetSent;
            break;
        case ItemState::Conflict:
            p.state = PendingDecision::State::Conflict;
            p.message = item.message;
            break;
        case ItemState::Sent:
            p.state = PendingDecision::State::Sent;
            break;
        }
        p.itemId = item.id;
        found = p; // FIFO order: the newest item wins
    }
    return found;
}

} // namespace Elevate::Models
