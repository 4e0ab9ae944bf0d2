#pragma once

#include "Enums.h"
#include "Identity.h"
#include "Timestamp.h"

#include <QList>

#include <optional>

namespace Elevate {

// accessReviewScope / accessReviewReviewerScope: a query naming who is reviewed or who reviews.
struct AccessReviewQuery
{
    QString odataType;
    QString query;
    QString queryType;
    QString queryRoot;

    friend bool operator==(const AccessReviewQuery&, const AccessReviewQuery&) = default;
};

struct AccessReviewSettings
{
    bool justificationRequiredOnApproval = false;
    bool recommendationsEnabled = false;
    bool defaultDecisionEnabled = false;
    QString defaultDecision;
    bool autoApplyDecisionsEnabled = false;
    int instanceDurationInDays = 0;

    friend bool operator==(const AccessReviewSettings&, const AccessReviewSettings&) = default;
};

// accessReviewScheduleDefinition (graph-contract.md 6).
struct AccessReviewDefinition
{
    QString id;
    QString displayName;
    ReviewStatus status = ReviewStatus::Unknown;
    Timestamp createdDateTime;
    Timestamp lastModifiedDateTime;
    QString descriptionForAdmins;
    QString descriptionForReviewers;
    std::optional<Identity> createdBy;
    std::optional<AccessReviewQuery> scope;
    QList<AccessReviewQuery> reviewers;
    QList<AccessReviewQuery> fallbackReviewers;
    AccessReviewSettings settings;

    friend bool operator==(const AccessReviewDefinition&, const AccessReviewDefinition&) = default;
};

// accessReviewInstance: one recurrence of a definition.
struct AccessReviewInstance
{
    QString id;
    Timestamp startDateTime;
    Timestamp endDateTime;
    ReviewStatus status = ReviewStatus::Unknown;
    std::optional<AccessReviewQuery> scope;
    QList<AccessReviewQuery> reviewers;
    QList<AccessReviewQuery> fallbackReviewers;

    friend bool operator==(const AccessReviewInstance&, const AccessReviewInstance&) = default;
};

// The resource whose access is being reviewed (a group, role, application, ...).
struct ReviewedResource
{
    QString odataType;
    QString id;
    QString displayName;
    QString type;

    friend bool operator==(const ReviewedResource&, const ReviewedResource&) = default;
};

// accessReviewInstanceDecisionItem: one "does this principal still need this access?".
struct ReviewDecision
{
    QString id;
    QString accessReviewId; // the instance id
    ReviewDecisionValue decision = ReviewDecisionValue::Unknown;
    QString justification;
    ReviewRecommendation recommendation = ReviewRecommendation::Unknown;
    Identity principal;
    QString principalLink;
    std::optional<ReviewedResource> resource;
    QString resourceLink;
    std::optional<Identity> target; // userId / userDisplayName / userPrincipalName
    std::optional<Identity> reviewedBy;
    Timestamp reviewedDateTime;
    std::optional<Identity> appliedBy;
    Timestamp appliedDateTime;
    ApplyResult applyResult = ApplyResult::Unknown;

    friend bool operator==(const ReviewDecision&, const ReviewDecision&) = default;
};

// PATCH body for one decision.
struct ReviewDecisionUpdate
{
    ReviewDecisionValue decision = ReviewDecisionValue::Unknown;
    QString justification;

    friend bool operator==(const ReviewDecisionUpdate&, const ReviewDecisionUpdate&) = default;
};

// POST body of batchRecordDecisions; empty ids mean "every item".
struct BatchRecordDecisions
{
    ReviewDecisionValue decision = ReviewDecisionValue::Unknown;
    QString justification;
    QString principalId;
    QString resourceId;

    friend bool operator==(const BatchRecordDecisions&, const BatchRecordDecisions&) = default;
};

} // namespace Elevate
