#include "BuiltInRoles.h"

namespace Elevate::Server {

QList<RoleDefinition> builtInRoles()
{
    struct Row
    {
        const char* id;
        const char* name;
        const char* description;
    };
    static const Row rows[] = {
        {"62e90394-69f5-4237-9190-012177145e10", "Global Administrator", "Can manage all aspects of the directory."},
        {"e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator", "Can manage role assignments and PIM."},
        {"194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator", "Can read security information and manage security policies."},
        {"29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator", "Can manage all aspects of the mail service."},
        {"fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator", "Can manage all aspects of users and groups."},
        {"729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator", "Can reset passwords for non-administrators."},
        {"f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "SharePoint Administrator", "Can manage all aspects of the document service."},
        {"69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator", "Can manage the collaboration service."},
        {"3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator", "Can manage all aspects of device management."},
        {"9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator", "Can create and manage all aspects of app registrations."},
        {"b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator", "Can perform common billing related tasks."},
        {"5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader", "Can read security information and reports."},
        {"f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader", "Can read everything a Global Administrator can, but not update."},
        {"b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator", "Can manage Conditional Access capabilities."},
        {"c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator", "Can view, set and reset authentication methods for non-admin users."},
        {"88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers", "Can read basic directory information."},
    };
    QList<RoleDefinition> out;
    for (const Row& r : rows) {
        RoleDefinition d;
        d.id = QString::fromLatin1(r.id);
        d.templateId = d.id;
        d.displayName = QString::fromLatin1(r.name);
        d.description = QString::fromLatin1(r.description);
        d.isBuiltIn = true;
        d.isEnabled = true;
        out << d;
    }
    return out;
}

} // namespace Elevate::Server
