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

// The indexes of audit_events, the unique id index first. AuditStore drops that one for a bulk
// load and builds it afterwards (random ids: one sort beats a row-by-row insert).
QStringList auditIndexStatements();

// The archive's full-text index (audit_fts). AuditTextIndexer builds a first sync's index in a
// file of its own with the same statement, then copies its tables in.
QString auditFtsStatement();

} // namespace Elevate::Cache
