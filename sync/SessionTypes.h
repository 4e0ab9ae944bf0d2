#pragma once

#include "ApiResult.h"
#include "AuditEvent.h"
#include "PolicyCheck.h"
#include "ScheduleRequest.h"

#include <QList>
#include <QString>

namespace Elevate {

// How a Session command ended, in the terms the CLI's exit codes and the UI's banner need.
enum class SessionOutcome {
    Done,        // exit 0
    Refused,     // exit 1: the server or the policy said no (message says why)
    Invalid,     // exit 2: the command cannot be carried out as given (unknown role, ...)
    Unreachable, // exit 3
    SignedOut,   // exit 4
};

// The answer to a Session command: an outcome, a sentence for the user, details for the log
// ("Copy details": HTTP status, Graph code, request id) and the value.
template <typename T>
struct SessionReply
{
    SessionOutcome outcome = SessionOutcome::Done;
    QString message;
    QString details;
    T value{};
    // Set when the value was read from the offline cache: when that collection was last pulled.
    Timestamp cachedAt = Timestamp();

    bool ok() const { return outcome == SessionOutcome::Done; }
};

// A role or group the user can act on, resolved from a display name or an id.
struct RoleTarget
{
    PimKind kind = PimKind::DirectoryRole;
    QString id;            // roleDefinitionId, or groupId for groups
    GroupAccess access = GroupAccess::Unknown;
    QString displayName;
    QString directoryScopeId = QStringLiteral("/");
};

// One role of My Roles: eligible, maybe active.
struct RoleRow
{
    RoleTarget target;
    bool eligible = false;
    Timestamp eligibleUntil;
    std::optional<ActiveAssignment> active;
};

// What `activate` asks for, once per role.
struct ActivationRequest
{
    QStringList roles;       // display names or ids
    IsoDuration duration;
    QString justification;
    TicketInfo ticket;
    Timestamp start;         // null = now
};

// The outcome of one role's activation.
struct ActivationOutcome
{
    RoleTarget target;
    SessionOutcome outcome = SessionOutcome::Done;
    QString message;
    QString details;
    QList<PolicyViolation> violations; // from the pre-flight: nothing was sent
    std::optional<ScheduleRequest> request;
    bool steppedUp = false;
};

// The outcome of one item of a batch (approve/deny several requests, ...).
struct ItemOutcome
{
    QString id;
    SessionOutcome outcome = SessionOutcome::Done;
    QString message;
    QString details;
};

// One access review the caller reviews: its definition and current instance.
struct ReviewRow
{
    AccessReviewDefinition definition;
    std::optional<AccessReviewInstance> instance;
    int pendingDecisions = -1; // NotReviewed items assigned to me, -1 when unknown
};

// Audit filters (all optional). `text` matches activity, initiator, targets and reason.
struct AuditQuery
{
    Timestamp since;
    Timestamp until;
    QString actor;
    QString role;
    QString activity;
    QString result;
    QString text;
    int limit = 100;
};

} // namespace Elevate
