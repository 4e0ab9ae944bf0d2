#pragma once

#include "AccessReview.h"
#include "OutboxItem.h"

#include <QList>

namespace Elevate::Models {

// What the outbox holds for one review decision: the user's latest decision on it that the
// cache does not show yet (recorded offline, refused, or sent but not pulled back yet).
struct PendingDecision
{
    enum class State {
        None,      // nothing in the outbox: the cache is the truth
        NotYetSent, // waiting (Pending, Sending or Failed): sent when the backend answers
        Conflict,  // the server refused it: see Sync issues
        Sent,      // applied by the server, the next pull will show it
    };
    State state = State::None;
    ReviewDecisionValue value = ReviewDecisionValue::Unknown;
    QString justification;
    QString message; // the server's refusal for a conflict
    qint64 itemId = 0;

    friend bool operator==(const PendingDecision&, const PendingDecision&) = default;
};

// The newest outbox item that targets `decision` (of review instance decision.accessReviewId):
// a single decision, a batch (every item, or one principal's) or "accept recommendations"
// (the items still NotReviewed with an Approve or Deny recommendation). Sent items count only
// when they settled after `lastPull` (the reviews' last pull); older ones are in the cache.
PendingDecision pendingDecisionFor(const ReviewDecision& decision, const QList<Cache::OutboxItem>& items,
                                   const Timestamp& lastPull);

} // namespace Elevate::Models
