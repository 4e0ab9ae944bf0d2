#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Elevate::Cache {

// One step of the cache schema: the statements that take `PRAGMA user_version` from
// version - 1 to version. Steps run in order, each in its own transaction.
struct Migration
{
    int version = 0;
    QStringList statements;
};

// Every migration of the cache file, oldest first.
QList<Migration> cacheMigrations();

// The secondary indexes of audit_events. AuditStore drops them for a bulk load and builds them
// again afterwards (much faster than maintaining them row by row).
QStringList auditIndexStatements();
QStringList auditIndexNames();

} // namespace Elevate::Cache
