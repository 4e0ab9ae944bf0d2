#pragma once

#include <QString>

namespace Elevate {

// A user, group or service principal as Graph names it inside other resources (userIdentity,
// identity, the expanded `principal`, `createdBy.user`, `reviewedBy`). `odataType` is the
// "@odata.type" without the "#microsoft.graph." prefix, empty when the server sent none.
struct Identity
{
    QString id;
    QString displayName;
    QString userPrincipalName;
    QString odataType;

    bool isEmpty() const { return id.isEmpty() && displayName.isEmpty() && userPrincipalName.isEmpty(); }
    friend bool operator==(const Identity&, const Identity&) = default;
};

// A group as `$expand=group` returns it for PIM for Groups.
struct GroupInfo
{
    QString id;
    QString displayName;
    QString description;

    friend bool operator==(const GroupInfo&, const GroupInfo&) = default;
};

} // namespace Elevate
