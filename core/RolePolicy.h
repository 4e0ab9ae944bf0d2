#pragma once

#include "Enums.h"
#include "Identity.h"
#include "IsoDuration.h"
#include "Timestamp.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace Elevate {

// unifiedRoleManagementPolicyRuleTarget: who and what a rule governs.
struct RuleTarget
{
    RuleCaller caller = RuleCaller::Unknown;
    RuleLevel level = RuleLevel::Unknown;
    QList<RuleOperation> operations;
    QStringList inheritableSettings;
    QStringList enforcedSettings;

    friend bool operator==(const RuleTarget&, const RuleTarget&) = default;
};

struct ExpirationRule
{
    QString id;
    RuleTarget target;
    bool isExpirationRequired = false;
    std::optional<IsoDuration> maximumDuration;

    friend bool operator==(const ExpirationRule&, const ExpirationRule&) = default;
};

struct EnablementRule
{
    QString id;
    RuleTarget target;
    QList<EnablementRequirement> enabledRules;

    bool demands(EnablementRequirement r) const { return enabledRules.contains(r); }
    friend bool operator==(const EnablementRule&, const EnablementRule&) = default;
};

// An approver set: one user or the members of a group.
struct SubjectSet
{
    SubjectSetKind kind = SubjectSetKind::Unknown;
    QString id; // userId or groupId
    QString description;

    friend bool operator==(const SubjectSet&, const SubjectSet&) = default;
};

// unifiedApprovalStage. `approvalsRequired` is an elevated extension (N of M approvers must
// approve); Graph omits it and means 1.
struct ApprovalStage
{
    int approvalStageTimeOutInDays = 1;
    bool isApproverJustificationRequired = false;
    int escalationTimeInMinutes = 0;
    bool isEscalationEnabled = false;
    QList<SubjectSet> primaryApprovers;
    QList<SubjectSet> escalationApprovers;
    int approvalsRequired = 1;

    friend bool operator==(const ApprovalStage&, const ApprovalStage&) = default;
};

struct ApprovalRule
{
    QString id;
    RuleTarget target;
    bool isApprovalRequired = false;
    bool isApprovalRequiredForExtension = false;
    bool isRequestorJustificationRequired = false;
    ApprovalMode approvalMode = ApprovalMode::Unknown;
    QList<ApprovalStage> approvalStages;

    friend bool operator==(const ApprovalRule&, const ApprovalRule&) = default;
};

struct AuthenticationContextRule
{
    QString id;
    RuleTarget target;
    bool isEnabled = false;
    QString claimValue;

    friend bool operator==(const AuthenticationContextRule&, const AuthenticationContextRule&) = default;
};

struct NotificationRule
{
    QString id;
    RuleTarget target;
    QString notificationType;
    NotificationRecipientType recipientType = NotificationRecipientType::Unknown;
    NotificationLevel notificationLevel = NotificationLevel::Unknown;
    bool isDefaultRecipientsEnabled = false;
    QStringList notificationRecipients;

    friend bool operator==(const NotificationRule&, const NotificationRule&) = default;
};

// unifiedRoleManagementPolicy with its rules (graph-contract.md 5). Rules keep Graph's fixed ids
// (`Expiration_EndUser_Assignment`, ...); rules of a type this build does not know are skipped
// and their ids listed in `unknownRuleIds` (writing a policy leaves them out).
struct RolePolicy
{
    QString id;
    QString displayName;
    QString description;
    bool isOrganizationDefault = false;
    QString scopeId;
    PolicyScopeType scopeType = PolicyScopeType::Unknown;
    Timestamp lastModifiedDateTime;
    std::optional<Identity> lastModifiedBy;

    QList<ExpirationRule> expirationRules;
    QList<EnablementRule> enablementRules;
    QList<ApprovalRule> approvalRules;
    QList<AuthenticationContextRule> authenticationContextRules;
    QList<NotificationRule> notificationRules;
    QStringList unknownRuleIds;

    const ExpirationRule* expirationRule(QStringView ruleId) const;
    const EnablementRule* enablementRule(QStringView ruleId) const;
    const ApprovalRule* approvalRule(QStringView ruleId) const;
    const AuthenticationContextRule* authenticationContextRule(QStringView ruleId) const;

    friend bool operator==(const RolePolicy&, const RolePolicy&) = default;
};

// unifiedRoleManagementPolicyAssignment: which policy governs a role at a scope.
struct RolePolicyAssignment
{
    QString id;
    QString policyId;
    QString scopeId;
    PolicyScopeType scopeType = PolicyScopeType::Unknown;
    QString roleDefinitionId;
    std::optional<RolePolicy> policy;

    friend bool operator==(const RolePolicyAssignment&, const RolePolicyAssignment&) = default;
};

// The fixed rule ids of graph-contract.md 5.
namespace RuleIds {
inline constexpr QStringView ExpirationEndUserAssignment = u"Expiration_EndUser_Assignment";
inline constexpr QStringView EnablementEndUserAssignment = u"Enablement_EndUser_Assignment";
inline constexpr QStringView ApprovalEndUserAssignment = u"Approval_EndUser_Assignment";
inline constexpr QStringView AuthenticationContextEndUserAssignment = u"AuthenticationContext_EndUser_Assignment";
inline constexpr QStringView ExpirationAdminEligibility = u"Expiration_Admin_Eligibility";
inline constexpr QStringView ExpirationAdminAssignment = u"Expiration_Admin_Assignment";
inline constexpr QStringView EnablementAdminEligibility = u"Enablement_Admin_Eligibility";
inline constexpr QStringView EnablementAdminAssignment = u"Enablement_Admin_Assignment";
} // namespace RuleIds

} // namespace Elevate
