#pragma once

#include "Eligibility.h"


namespace Elevate {

// An active assignment instance (3.3 for directory roles, 4 for groups). `Activated` ones
// came from an eligibility and can be deactivated; `Assigned` ones near their end can be
// extended. A null `endDateTime` means permanent.
struct ActiveAssignment
{
    PimKind kind = PimKind::DirectoryRole;
    QString id;
    QString principalId;
    QString roleDefinitionId;
    QString directoryScopeId;
    QString appScopeId;
    QString groupId;
    GroupAccess accessId = GroupAccess::Unknown;

    Timestamp startDateTime;
    Timestamp endDateTime;
    AssignmentType assignmentType = AssignmentType::Unknown;
    MemberType memberType = MemberType::Unknown;
    QString roleAssignmentOriginId;
    QString scheduleId; // roleAssignmentScheduleId / assignmentScheduleId

    std::optional<RoleDefinition> roleDefinition;
    std::optional<Identity> principal;
    std::optional<GroupInfo> group;
    std::optional<Eligibility> activatedUsing;

    bool isPermanent() const { return endDateTime.isNull(); }
    friend bool operator==(const ActiveAssignment&, const ActiveAssignment&) = default;
};

} // namespace Elevate
