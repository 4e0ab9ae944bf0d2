#pragma once

#include "Enums.h"
#include "Identity.h"
#include "Timestamp.h"

#include <QList>

namespace Elevate {

// One step (beta `approvalStep`) or stage (v1.0 `approvalStage`) of an approval. Beta sends
// `reviewedBy` as a list, v1.0 as one identity; both land in `reviewedBy`.
struct ApprovalStep
{
    QString id;
    QString displayName;
    ApprovalStepStatus status = ApprovalStepStatus::Unknown;
    bool assignedToMe = false;
    ReviewResult reviewResult = ReviewResult::Unknown;
    QList<Identity> reviewedBy;
    Timestamp reviewedDateTime;
    QString justification;

    friend bool operator==(const ApprovalStep&, const ApprovalStep&) = default;
};

// An approval (its id is the request id). Directory-role approvals come from /beta with
// `steps`; group approvals from v1.0 with `stages`. `dialect` remembers which, so writing
// gives the shape that was read.
struct Approval
{
    enum class Dialect { BetaSteps, V1Stages };

    QString id;
    Dialect dialect = Dialect::BetaSteps;
    QList<ApprovalStep> steps;

    // The step the caller can decide now (InProgress and assigned to them), or nullptr.
    const ApprovalStep* actionableStep() const;
    friend bool operator==(const Approval&, const Approval&) = default;
};

// The PATCH body that decides a step.
struct ApprovalDecision
{
    ApprovalVerdict reviewResult = ApprovalVerdict::Unknown;
    QString justification;

    friend bool operator==(const ApprovalDecision&, const ApprovalDecision&) = default;
};

} // namespace Elevate
