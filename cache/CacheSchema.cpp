#include "CacheSchema.h"

namespace Elevate::Cache {

namespace {

// Entity tables share one shape: the collection's scope ('' for the user's own collections, a
// definition or instance id for nested ones), the Graph id, the position in the pulled
// collection, the columns the panes filter and sort on, and the entity's Graph JSON.
QString entityTable(const QString& table, const QString& columns)
{
    return QStringLiteral("CREATE TABLE %1 (scope TEXT NOT NULL, id TEXT NOT NULL, pos INTEGER NOT NULL, %2"
                          "json BLOB NOT NULL, PRIMARY KEY (scope, id)) WITHOUT ROWID")
        .arg(table, columns);
}

} // namespace

QList<Migration> cacheMigrations()
{
    Migration v1;
    v1.version = 1;
    v1.statements = {
        QStringLiteral("CREATE TABLE sync_state (collection TEXT PRIMARY KEY, last_sync INTEGER, last_attempt INTEGER, "
                       "last_error TEXT NOT NULL DEFAULT '', watermark TEXT NOT NULL DEFAULT '')"),
        entityTable(QStringLiteral("role_definitions"),
                    QStringLiteral("display_name TEXT, template_id TEXT, is_built_in INTEGER, ")),
        entityTable(QStringLiteral("eligibilities"),
                    QStringLiteral("kind INTEGER, principal_id TEXT, role_definition_id TEXT, group_id TEXT, "
                                   "start_at INTEGER, end_at INTEGER, ")),
        QStringLiteral("CREATE INDEX eligibilities_role ON eligibilities (scope, role_definition_id)"),
        entityTable(QStringLiteral("active_assignments"),
                    QStringLiteral("kind INTEGER, principal_id TEXT, role_definition_id TEXT, group_id TEXT, "
                                   "assignment_type INTEGER, start_at INTEGER, end_at INTEGER, ")),
        QStringLiteral("CREATE INDEX active_assignments_end ON active_assignments (scope, end_at)"),
        entityTable(QStringLiteral("schedule_requests"),
                    QStringLiteral("kind INTEGER, status INTEGER, principal_id TEXT, role_definition_id TEXT, "
                                   "group_id TEXT, created_at INTEGER, ")),
        QStringLiteral("CREATE INDEX schedule_requests_status ON schedule_requests (scope, status, created_at)"),
        entityTable(QStringLiteral("approvals"), QStringLiteral("actionable INTEGER, ")),
        entityTable(QStringLiteral("role_policies"),
                    QStringLiteral("policy_id TEXT, role_definition_id TEXT, scope_id TEXT, ")),
        QStringLiteral("CREATE INDEX role_policies_role ON role_policies (scope, role_definition_id)"),
        entityTable(QStringLiteral("review_definitions"), QStringLiteral("display_name TEXT, status INTEGER, ")),
        entityTable(QStringLiteral("review_instances"),
                    QStringLiteral("status INTEGER, start_at INTEGER, end_at INTEGER, ")),
        entityTable(QStringLiteral("review_decisions"),
                    QStringLiteral("decision INTEGER, recommendation INTEGER, principal_id TEXT, principal_name TEXT, ")),
        QStringLiteral("CREATE INDEX review_decisions_decision ON review_decisions (scope, decision)"),

        // The audit archive (AuditStore). seq is the row id: the negated AuditStore::orderKey of
        // activityDateTime, so time ranges are row-id ranges, newest first is ascending row id,
        // and FTS5, which returns matches in row-id order, returns them newest first unsorted.
        // Repeated values (who, what, which role, the initiator and target objects) are stored
        // once in audit_keys and referenced by number: a million events fit in a few hundred MB.
        QStringLiteral("CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, id BLOB NOT NULL, at INTEGER NOT NULL, "
                       "actor INTEGER NOT NULL, target INTEGER NOT NULL, activity INTEGER NOT NULL, "
                       "result INTEGER NOT NULL, initiator INTEGER NOT NULL, shape INTEGER NOT NULL, "
                       "targets TEXT, correlation BLOB, reason TEXT, details TEXT)"),
        QStringLiteral("CREATE TABLE audit_keys (ref INTEGER PRIMARY KEY, kind INTEGER NOT NULL, key TEXT NOT NULL, "
                       "label TEXT NOT NULL DEFAULT '', UNIQUE (kind, key))"),
        // Events per UTC day, overall (dim 0) and per actor, target, activity and result: the
        // total count of a one-column filter over whole days is a sum of at most a few hundred
        // rows instead of a scan of up to a million index entries.
        QStringLiteral("CREATE TABLE audit_daycount (dim INTEGER NOT NULL, value INTEGER NOT NULL, "
                       "day INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (dim, value, day)) WITHOUT ROWID"),
        // Contentless and detail=none: the smallest FTS5 index. AuditStore::tokens() folds case
        // and diacritics itself and the 'ascii' tokenizer only splits on spaces, so the terms in
        // the index are exactly the ones AuditStore computed (which audit_term_days counts).
        // User text becomes single-token quoted terms: no positions or content needed.
        auditFtsStatement(),
        // Events per UTC day for the few terms that match a large part of the archive (picked by
        // AuditStore::updateTermStatistics): their totals are sums, not scans of huge doclists.
        QStringLiteral("CREATE TABLE audit_tracked_terms (term TEXT PRIMARY KEY) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE audit_term_days (term TEXT NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL, "
                       "PRIMARY KEY (term, day)) WITHOUT ROWID"),
    };
    v1.statements << auditIndexStatements();
    return {v1};
}

QString auditFtsStatement()
{
    return QStringLiteral(
        "CREATE VIRTUAL TABLE audit_fts USING fts5(text, content='', detail=none, columnsize=0, tokenize='ascii')");
}

QStringList auditIndexStatements()
{
    // Composite, covering indexes: one equality column, then seq (time order, for ORDER BY
    // and keyset seeks), then the other filter columns so a combined filter is checked and
    // counted inside the index without touching the table.
    return {
        QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS audit_events_id ON audit_events (id)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_events "
                       "(actor, seq, target, activity, result)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS audit_by_target ON audit_events "
                       "(target, seq, actor, activity, result)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS audit_by_activity ON audit_events "
                       "(activity, seq, actor, target, result)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS audit_by_result ON audit_events "
                       "(result, seq, actor, target, activity)"),
    };
}

} // namespace Elevate::Cache
