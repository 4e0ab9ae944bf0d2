#pragma once

#include "Enums.h"
#include "Identity.h"
#include "RoleDefinition.h"
#include "Timestamp.h"

#include <optional>

namespace Elevate {

// An eligibility instance: who may activate what, and when. One type serves directory roles
// (unifiedRoleEligibilityScheduleInstance, 3.2) and PIM for Groups
// (privilegedAccessGroupEligibilityScheduleInstance, 4); `kind` says which fields apply.
// A null `endDateTime` means permanent eligibility.
struct Eligibility
{
    PimKind kind = PimKind::DirectoryRole;
    QString id;
    QString principalId;
    // Directory roles.
    QString roleDefinitionId;
    QString directoryScopeId;
    QString appScopeId; // null when absent
    // PIM for Groups.
    QString groupId;
    GroupAccess accessId = GroupAccess::Unknown;

    Timestamp startDateTime;
    Timestamp endDateTime;
    MemberType memberType = MemberType::Unknown;
    QString scheduleId; // roleEligibilityScheduleId / eligibilityScheduleId

    // Present only when the call asked for $expand.
    std::optional<RoleDefinition> roleDefinition;
    std::optional<Identity> principal;
    std::optional<GroupInfo> group;

    bool isPermanent() const { return endDateTime.isNull(); }
    friend bool operator==(const Eligibility&, const Eligibility&) = default;
};

} // namespace Elevate
