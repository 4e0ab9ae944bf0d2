#pragma once

// Helpers shared by the Engine's source files (not part of the server's public API).

#include "AuditEvent.h"
#include "Caller.h"
#include "Database.h"
#include "Enums.h"
#include "Timestamp.h"
#include "TimeOrderedId.h"

#include <QSqlQuery>
#include <QVariantList>
#include <QString>

namespace Elevate::Server {
struct ListQuery;
} // namespace Elevate::Server

namespace Elevate::Server::EngineSupport {

// The id of a row the engine creates: time-ordered (see TimeOrderedId).
inline QString newId()
{
    return TimeOrderedId::create();
}

inline QString kindText(PimKind kind)
{
    return kind == PimKind::Group ? QStringLiteral("group") : QStringLiteral("role");
}

inline PimKind kindFromText(const QString& text)
{
    return text == u"group" ? PimKind::Group : PimKind::DirectoryRole;
}

inline const QString PimService = QStringLiteral("PIM");

// The directoryAudit target type of a role or group.
inline QString targetType(PimKind kind)
{
    return kind == PimKind::Group ? QStringLiteral("Group") : QStringLiteral("Role");
}

// A PIM activity name (graph-contract.md 7), written for roles; groups read "to group" and
// "from group" where roles read "to role" and "from role".
inline QString pimActivity(PimKind kind, const char* roleText)
{
    QString text = QString::fromUtf8(roleText);
    if (kind == PimKind::Group) {
        text.replace(QStringLiteral(" to role"), QStringLiteral(" to group"));
        text.replace(QStringLiteral(" from role"), QStringLiteral(" from group"));
    }
    return text;
}

// Fills the kind-specific target fields of an eligibility, assignment or request:
// targetId/scopeId are (role id, directory scope) or (group id, "member"/"owner").
template <typename Instance>
void setTarget(Instance& x, PimKind kind, const QString& targetId, const QString& scopeId)
{
    x.kind = kind;
    if (kind == PimKind::Group) {
        x.groupId = targetId;
        x.accessId = parseEnum<GroupAccess>(scopeId);
    } else {
        x.roleDefinitionId = targetId;
        x.directoryScopeId = scopeId;
    }
}

inline QString categoryOf(PimKind kind)
{
    return kind == PimKind::Group ? QStringLiteral("GroupManagement") : QStringLiteral("RoleManagement");
}

// A directoryAudit event with the initiator filled from the caller (or the scheduler when the
// caller is empty) and one target.
AuditEvent makeEvent(const Caller& caller,
                     const Timestamp& when,
                     const QString& category,
                     const QString& service,
                     const QString& activity,
                     const QString& operationType,
                     const QString& correlationId,
                     const QString& resultReason);

void addTarget(AuditEvent& event, const QString& id, const QString& displayName, const QString& type,
               const QString& userPrincipalName = {});

void addDetail(AuditEvent& event, const QString& key, const QString& value);

// Runs a listing: `base` (ending in a WHERE clause) with its bindings, then the query's own
// restriction, order (or `defaultOrder`) and page. *ok tells whether it ran.
QSqlQuery runListing(Database& db, const QString& base, QVariantList bindings, const ListQuery& query,
                     const QString& defaultOrder, bool* ok);
// The same read through Database::read (see Database::Rows); rows.ok() is false on failure.
Database::Rows readListing(Database& db, const QString& base, QVariantList bindings, const ListQuery& query,
                           const QString& defaultOrder);

} // namespace Elevate::Server::EngineSupport
