#pragma once

#include "Enums.h"
#include "Timestamp.h"

#include <QList>
#include <QString>

#include <optional>

namespace Elevate {

// directoryAudit (graph-contract.md 7): one thing that happened, who did it, to what.
struct AuditEvent
{
    struct UserInitiator
    {
        QString id;
        QString displayName;
        QString userPrincipalName;
        QString ipAddress;
        QString userType;
        QString homeTenantId;
        QString homeTenantName;
        friend bool operator==(const UserInitiator&, const UserInitiator&) = default;
    };
    struct AppInitiator
    {
        QString appId;
        QString displayName;
        QString servicePrincipalId;
        QString servicePrincipalName;
        friend bool operator==(const AppInitiator&, const AppInitiator&) = default;
    };
    struct ModifiedProperty
    {
        QString displayName;
        QString oldValue;
        QString newValue;
        friend bool operator==(const ModifiedProperty&, const ModifiedProperty&) = default;
    };
    struct TargetResource
    {
        QString id;
        QString displayName;
        QString type;
        QString userPrincipalName;
        QString groupType;
        QList<ModifiedProperty> modifiedProperties;
        friend bool operator==(const TargetResource&, const TargetResource&) = default;
    };
    struct KeyValue
    {
        QString key;
        QString value;
        friend bool operator==(const KeyValue&, const KeyValue&) = default;
    };

    QString id;
    QString category;
    QString correlationId;
    AuditResult result = AuditResult::Unknown;
    QString resultReason;
    QString activityDisplayName;
    Timestamp activityDateTime;
    QString loggedByService;
    QString operationType;
    std::optional<UserInitiator> initiatedByUser;
    std::optional<AppInitiator> initiatedByApp;
    QList<TargetResource> targetResources;
    QList<KeyValue> additionalDetails;

    // The initiator's display name, whichever kind it is.
    QString initiatorName() const;
    friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

} // namespace Elevate
