#pragma once

#include "Timestamp.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Elevate::Cache {

// One user action recorded while the backend could not be reached, waiting in the Outbox.
struct OutboxItem
{
    enum class Kind {
        ReviewDecision,      // PATCH one access review decision; payload: ReviewDecisionUpdate JSON
        ReviewBatchDecision, // POST batchRecordDecisions; payload: BatchRecordDecisions JSON
        ApprovalDecision,    // PATCH an approval step; payload: ApprovalDecision JSON
        AcceptRecommendations, // POST acceptRecommendations on a review instance; no payload
    };
    enum class State {
        Pending,  // waiting to be sent
        Sending,  // handed to the sender; back to Pending if the process dies before an answer
        Sent,     // the server applied it
        Conflict, // the server refused (403/404/409): kept, with its message, until the user acts
        Failed,   // a transient failure; sent again in order, `attempts` counts the tries
    };

    qint64 id = 0;          // FIFO position
    QString idempotencyKey; // a UUID the server uses to apply a retried send once
    Kind kind = Kind::ReviewDecision;
    QStringList targetIds;  // e.g. {definitionId, instanceId, decisionId} or {approvalId, stepId}
    QByteArray payload;     // the request body (Graph JSON)
    Timestamp createdAt;
    Timestamp updatedAt;
    State state = State::Pending;
    QString message;        // the server's message for Conflict, the last error for Failed
    int attempts = 0;

    friend bool operator==(const OutboxItem&, const OutboxItem&) = default;
};

} // namespace Elevate::Cache
