#pragma once

// Helpers shared by the Engine's source files (not part of the server's public API).

#include "AuditEvent.h"
#include "Caller.h"
#include "Enums.h"
#include "Timestamp.h"

#include <QSqlQuery>
#include <QVariantList>
#include <QString>
#include <QUuid>

namespace Elevate::Server {
class Database;
struct ListQuery;
} // namespace Elevate::Server

namespace Elevate::Server::EngineSupport {

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

inline QString kindText(PimKind kind)
{
    return kind == PimKind::Group ? QStringLiteral("group") : QStringLiteral("role");
}

inline PimKind kindFromText(const QString& text)
{
    return text == u"group" ? PimKind::Group : PimKind::DirectoryRole;
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

} // namespace Elevate::Server::EngineSupport
