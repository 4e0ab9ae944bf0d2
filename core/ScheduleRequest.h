#pragma once

#include "Enums.h"
#include "Identity.h"
#include "IsoDuration.h"
#include "RoleDefinition.h"
#include "Timestamp.h"

#include <optional>

namespace Elevate {

// ticketInfo: the change or incident ticket a request refers to.
struct TicketInfo
{
    QString ticketNumber;
    QString ticketSystem;

    bool isEmpty() const { return ticketNumber.trimmed().isEmpty() && ticketSystem.trimmed().isEmpty(); }
    friend bool operator==(const TicketInfo&, const TicketInfo&) = default;
};

// expirationPattern: `afterDuration` carries `duration`, `afterDateTime` carries `endDateTime`.
struct Expiration
{
    ExpirationType type = ExpirationType::NotSpecified;
    std::optional<IsoDuration> duration;
    Timestamp endDateTime;

    friend bool operator==(const Expiration&, const Expiration&) = default;
};

// requestSchedule: when the requested access starts and how it ends. A null start means "now".
struct ScheduleInfo
{
    Timestamp startDateTime;
    Expiration expiration;

    friend bool operator==(const ScheduleInfo&, const ScheduleInfo&) = default;
};

// A schedule request (3.4 for directory roles, 4 for groups): the body a client POSTs and the
// resource the server answers with. Fields the server fills (id, status, dates, approvalId)
// are empty in a request being built.
struct ScheduleRequest
{
    PimKind kind = PimKind::DirectoryRole;
    QString id;
    RequestAction action = RequestAction::Unknown;
    RequestStatus status = RequestStatus::Unknown;

    QString principalId;
    QString roleDefinitionId;
    QString directoryScopeId;
    QString appScopeId;
    QString groupId;
    GroupAccess accessId = GroupAccess::Unknown;

    QString justification;
    TicketInfo ticketInfo;
    std::optional<ScheduleInfo> scheduleInfo;
    bool isValidationOnly = false;
    QString customData;

    Timestamp createdDateTime;
    Timestamp completedDateTime;
    QString approvalId;
    QString targetScheduleId;
    std::optional<Identity> createdBy;

    std::optional<RoleDefinition> roleDefinition;
    std::optional<Identity> principal;
    std::optional<GroupInfo> group;

    friend bool operator==(const ScheduleRequest&, const ScheduleRequest&) = default;
};

} // namespace Elevate
