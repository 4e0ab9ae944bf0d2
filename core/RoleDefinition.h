#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Elevate {

// unifiedRoleDefinition (graph-contract.md 3.1). Built-in role ids equal their template ids.
struct RoleDefinition
{
    struct Permission
    {
        QStringList allowedResourceActions;
        QString condition;
        friend bool operator==(const Permission&, const Permission&) = default;
    };

    QString id;
    QString displayName;
    QString description;
    bool isBuiltIn = false;
    bool isEnabled = true;
    QString templateId;
    QString version;
    QStringList resourceScopes;
    QList<Permission> rolePermissions;

    friend bool operator==(const RoleDefinition&, const RoleDefinition&) = default;
};

} // namespace Elevate
