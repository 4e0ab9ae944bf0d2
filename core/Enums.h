#pragma once

#include <QString>
#include <QStringView>

namespace Elevate {

// Graph enumerations. Each has Unknown = 0 for values this build does not know yet: parsing
// never fails on an unrecognised string (graph-contract.md: compare case-insensitively, expect
// new values), and writing Unknown gives Graph's own sentinel "unknownFutureValue".

// Kind of privileged resource an eligibility, assignment or request refers to.
enum class PimKind { Unknown, DirectoryRole, Group };
// How a principal holds an eligibility or assignment.
enum class MemberType { Unknown, Direct, Group, Inherited };
// Whether an active assignment was assigned by an admin or activated from an eligibility.
enum class AssignmentType { Unknown, Assigned, Activated };
// PIM for Groups: the relationship the principal gets to the group.
enum class GroupAccess { Unknown, Member, Owner };
// The action of a schedule request (graph-contract.md 3.4).
enum class RequestAction { Unknown, AdminAssign, AdminUpdate, AdminRemove, AdminExtend, AdminRenew, SelfActivate, SelfDeactivate, SelfExtend, SelfRenew };
// The status of a schedule request (the `request` base type).
enum class RequestStatus { Unknown, Canceled, Denied, Failed, Granted, PendingAdminDecision, PendingApproval, PendingProvisioning, PendingScheduleCreation, Provisioned, Revoked, ScheduleCreated };
// How a requested schedule ends.
enum class ExpirationType { Unknown, NotSpecified, NoExpiration, AfterDateTime, AfterDuration };
// State of one approval step or stage.
enum class ApprovalStepStatus { Unknown, NotStarted, Initializing, InProgress, Completed, Expired, Escalated };
// What an approver decided in a step.
enum class ReviewResult { Unknown, NotReviewed, Approved, Denied };
// The verdict an approver sends when deciding a step (PATCH body).
enum class ApprovalVerdict { Unknown, Approve, Deny };
// Who a policy rule applies to.
enum class RuleCaller { Unknown, None, Admin, EndUser };
// Whether a policy rule governs eligibilities or assignments.
enum class RuleLevel { Unknown, Eligibility, Assignment };
// Operations a policy rule target lists.
enum class RuleOperation { Unknown, All, Activate, Deactivate, Assign, Update, Remove, Extend, Renew };
// What an enablement rule demands on activation.
enum class EnablementRequirement { Unknown, MultiFactorAuthentication, Justification, Ticketing };
// How approval stages run.
enum class ApprovalMode { Unknown, SingleStage, Serial, Parallel, NoApproval };
// The scope type of a role management policy.
enum class PolicyScopeType { Unknown, Directory, DirectoryRole, Group };
// Who a notification rule notifies.
enum class NotificationRecipientType { Unknown, Requestor, Approver, Admin };
// How much a notification rule sends.
enum class NotificationLevel { Unknown, None, Critical, All };
// The kind of approver set in an approval stage.
enum class SubjectSetKind { Unknown, SingleUser, GroupMembers };
// A reviewer's decision on an access review item.
enum class ReviewDecisionValue { Unknown, Approve, Deny, DontKnow, NotReviewed };
// What the service recommends for an access review item.
enum class ReviewRecommendation { Unknown, Approve, Deny, NoInfoAvailable };
// Status of an access review definition or instance.
enum class ReviewStatus { Unknown, Initializing, NotStarted, Starting, InProgress, Completing, Completed, AutoReviewing, AutoReviewed, Applying, Applied };
// Outcome of applying an access review decision.
enum class ApplyResult { Unknown, New, AppliedSuccessfully, AppliedWithUnknownFailure, AppliedSuccessfullyButObjectNotFound, ApplyNotSupported };
// Outcome recorded in a directory audit event.
enum class AuditResult { Unknown, Success, Failure, Timeout };

// Case-insensitive; Unknown for anything not in the enumeration (including the empty string).
template <typename E>
E parseEnum(QStringView text);

// The spelling Graph prints; "unknownFutureValue" for Unknown.
template <typename E>
QString enumName(E value);

// True when text names a value of E (so callers can tell "absent" from "unrecognised").
template <typename E>
bool isKnownEnumName(QStringView text);

} // namespace Elevate
