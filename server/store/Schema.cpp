#include "Schema.h"

namespace Elevate::Server {

// Conventions: ids are TEXT (GUIDs); instants are TEXT in the fixed-width form
// "YYYY-MM-DDThh:mm:ss.fffffffZ" so that text order is time order; booleans are INTEGER 0/1;
// `kind` is 'role' (directory role) or 'group' (PIM for Groups), with `target_id` the role
// definition or group id and `scope_id` the directory scope ("/") or the group access
// ("member"/"owner").
namespace {

// Migrations whose statements are the same SQL on both databases: appended to both lists.
QList<Migration> portableMigrations()
{
    return {
        {5,
         "assignment indexes hold only the assignments in force or scheduled",
         {
             // Ended assignments are history: nothing looks them up by principal or by due time.
             // Indexing only the live ones keeps these indexes a few pages however long the
             // history grows, and ending an assignment then removes its entries instead of
             // rewriting them elsewhere in the index. Queries name the states as literals, as a
             // partial index is used only where the query's own terms imply the index's (by
             // SQLite's planner and PostgreSQL's alike).
             QStringLiteral("DROP INDEX assignments_principal"),
             QStringLiteral("DROP INDEX assignments_due_end"),
             QStringLiteral("DROP INDEX assignments_due_start"),
             QStringLiteral("CREATE INDEX assignments_live ON assignments (principal_id, state, kind, target_id) "
                            "WHERE state = 'Active' OR state = 'Scheduled'"),
             QStringLiteral("CREATE INDEX assignments_due_end ON assignments (end_at) WHERE state = 'Active'"),
             QStringLiteral("CREATE INDEX assignments_due_start ON assignments (start_at) WHERE state = 'Scheduled'"),
         }},
        {6,
         "indexes that nothing reads, or that held every request, hold less",
         {
             // The audit filter on targetResources reads the body (json_each): it is any target,
             // which the first target's column cannot answer. So no query used this index, and
             // every audit row paid for it.
             QStringLiteral("DROP INDEX audit_target_time"),
             // Only open requests are due for anything (their pending lifetime, a start) or
             // counted as pending; the finished ones, nearly all of them, leave this index. (A
             // statement binding `status = ?` is prepared again at each binding, as SQLite then
             // weighs the bound value against this condition: hot queries name the status.)
             QStringLiteral("DROP INDEX requests_pending"),
             QStringLiteral("CREATE INDEX requests_pending ON requests (status, pending_until) WHERE status = "
                            "'PendingApproval' OR status = 'PendingAdminDecision' OR status = 'Granted'"),
         }},
    };
}

} // namespace

QList<Migration> sqliteMigrations()
{
    return QList<Migration>{
        {1,
         "accounts, roles, groups, policies, schedules, requests, approvals, reviews, audit",
         {
             QStringLiteral(R"(CREATE TABLE users (
                 id TEXT PRIMARY KEY,
                 user_name TEXT NOT NULL UNIQUE,
                 display_name TEXT NOT NULL,
                 user_principal_name TEXT NOT NULL,
                 password_hash TEXT,
                 is_admin INTEGER NOT NULL DEFAULT 0,
                 is_auditor INTEGER NOT NULL DEFAULT 0,
                 disabled INTEGER NOT NULL DEFAULT 0,
                 totp_secret TEXT,
                 totp_last_step INTEGER NOT NULL DEFAULT 0,
                 token_generation INTEGER NOT NULL DEFAULT 0,
                 created_at TEXT NOT NULL))"),
             QStringLiteral(R"(CREATE TABLE groups (
                 id TEXT PRIMARY KEY,
                 display_name TEXT NOT NULL,
                 description TEXT NOT NULL DEFAULT ''))"),
             QStringLiteral(R"(CREATE TABLE group_members (
                 group_id TEXT NOT NULL REFERENCES groups(id),
                 user_id TEXT NOT NULL REFERENCES users(id),
                 PRIMARY KEY (group_id, user_id)))"),
             QStringLiteral(R"(CREATE TABLE role_definitions (
                 id TEXT PRIMARY KEY,
                 display_name TEXT NOT NULL,
                 description TEXT NOT NULL DEFAULT '',
                 is_built_in INTEGER NOT NULL DEFAULT 1,
                 template_id TEXT))"),
             QStringLiteral(R"(CREATE TABLE policies (
                 id TEXT PRIMARY KEY,
                 scope_id TEXT NOT NULL,
                 scope_type TEXT NOT NULL,
                 role_definition_id TEXT NOT NULL,
                 body TEXT NOT NULL,
                 last_modified_at TEXT NOT NULL,
                 last_modified_by TEXT,
                 UNIQUE (scope_id, scope_type, role_definition_id)))"),
             QStringLiteral(R"(CREATE TABLE eligibilities (
                 id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 principal_id TEXT NOT NULL REFERENCES users(id),
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 start_at TEXT NOT NULL,
                 end_at TEXT,
                 member_type TEXT NOT NULL DEFAULT 'Direct',
                 created_at TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX eligibilities_principal ON eligibilities (principal_id, kind, target_id)"),
             QStringLiteral(R"(CREATE TABLE assignments (
                 id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 principal_id TEXT NOT NULL REFERENCES users(id),
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 assignment_type TEXT NOT NULL,
                 member_type TEXT NOT NULL DEFAULT 'Direct',
                 start_at TEXT NOT NULL,
                 end_at TEXT,
                 state TEXT NOT NULL,
                 request_id TEXT,
                 eligibility_id TEXT,
                 created_at TEXT NOT NULL,
                 ended_at TEXT))"),
             QStringLiteral("CREATE INDEX assignments_principal ON assignments (principal_id, state, kind, target_id)"),
             QStringLiteral("CREATE INDEX assignments_due_end ON assignments (state, end_at)"),
             QStringLiteral("CREATE INDEX assignments_due_start ON assignments (state, start_at)"),
             QStringLiteral(R"(CREATE TABLE requests (
                 id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 action TEXT NOT NULL,
                 status TEXT NOT NULL,
                 principal_id TEXT NOT NULL,
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 app_scope_id TEXT,
                 justification TEXT NOT NULL DEFAULT '',
                 ticket_number TEXT NOT NULL DEFAULT '',
                 ticket_system TEXT NOT NULL DEFAULT '',
                 start_at TEXT,
                 expiration_type TEXT NOT NULL,
                 duration_seconds INTEGER,
                 end_at TEXT,
                 created_at TEXT NOT NULL,
                 completed_at TEXT,
                 created_by TEXT NOT NULL,
                 approval_id TEXT,
                 target_schedule_id TEXT,
                 pending_until TEXT,
                 correlation_id TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX requests_principal ON requests (principal_id, status)"),
             QStringLiteral("CREATE INDEX requests_pending ON requests (status, pending_until)"),
             QStringLiteral(R"(CREATE TABLE approval_stages (
                 id TEXT PRIMARY KEY,
                 request_id TEXT NOT NULL REFERENCES requests(id),
                 stage_index INTEGER NOT NULL,
                 status TEXT NOT NULL,
                 review_result TEXT NOT NULL DEFAULT 'NotReviewed',
                 approvals_required INTEGER NOT NULL DEFAULT 1,
                 justification_required INTEGER NOT NULL DEFAULT 0,
                 completed_at TEXT,
                 UNIQUE (request_id, stage_index)))"),
             QStringLiteral(R"(CREATE TABLE approval_stage_approvers (
                 stage_id TEXT NOT NULL REFERENCES approval_stages(id),
                 approver_id TEXT NOT NULL,
                 PRIMARY KEY (stage_id, approver_id)))"),
             QStringLiteral("CREATE INDEX approval_stage_approvers_user ON approval_stage_approvers (approver_id)"),
             QStringLiteral(R"(CREATE TABLE approval_votes (
                 stage_id TEXT NOT NULL REFERENCES approval_stages(id),
                 approver_id TEXT NOT NULL,
                 result TEXT NOT NULL,
                 justification TEXT NOT NULL DEFAULT '',
                 reviewed_at TEXT NOT NULL,
                 PRIMARY KEY (stage_id, approver_id)))"),
             QStringLiteral(R"(CREATE TABLE review_definitions (
                 id TEXT PRIMARY KEY,
                 display_name TEXT NOT NULL,
                 description_for_admins TEXT NOT NULL DEFAULT '',
                 description_for_reviewers TEXT NOT NULL DEFAULT '',
                 status TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 created_by TEXT NOT NULL,
                 scope_kind TEXT NOT NULL,
                 scope_target_id TEXT NOT NULL,
                 justification_required INTEGER NOT NULL DEFAULT 1,
                 recommendations_enabled INTEGER NOT NULL DEFAULT 1,
                 auto_apply INTEGER NOT NULL DEFAULT 1,
                 duration_days INTEGER NOT NULL DEFAULT 14))"),
             QStringLiteral(R"(CREATE TABLE review_definition_reviewers (
                 definition_id TEXT NOT NULL REFERENCES review_definitions(id),
                 reviewer_id TEXT NOT NULL,
                 PRIMARY KEY (definition_id, reviewer_id)))"),
             QStringLiteral(R"(CREATE TABLE review_instances (
                 id TEXT PRIMARY KEY,
                 definition_id TEXT NOT NULL REFERENCES review_definitions(id),
                 start_at TEXT NOT NULL,
                 end_at TEXT NOT NULL,
                 status TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX review_instances_due ON review_instances (status, end_at)"),
             QStringLiteral(R"(CREATE TABLE review_decisions (
                 id TEXT PRIMARY KEY,
                 instance_id TEXT NOT NULL REFERENCES review_instances(id),
                 kind TEXT NOT NULL,
                 principal_id TEXT NOT NULL,
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 assignment_source_id TEXT NOT NULL,
                 decision TEXT NOT NULL DEFAULT 'NotReviewed',
                 justification TEXT NOT NULL DEFAULT '',
                 recommendation TEXT NOT NULL,
                 reviewed_by TEXT,
                 reviewed_at TEXT,
                 applied_at TEXT,
                 apply_result TEXT NOT NULL DEFAULT 'New'))"),
             QStringLiteral("CREATE INDEX review_decisions_instance ON review_decisions (instance_id, decision)"),
             QStringLiteral(R"(CREATE TABLE audit_events (
                 seq INTEGER PRIMARY KEY,
                 id TEXT NOT NULL UNIQUE,
                 activity_at TEXT NOT NULL,
                 category TEXT NOT NULL,
                 activity TEXT NOT NULL,
                 result TEXT NOT NULL,
                 result_reason TEXT NOT NULL DEFAULT '',
                 correlation_id TEXT NOT NULL DEFAULT '',
                 service TEXT NOT NULL,
                 operation_type TEXT NOT NULL DEFAULT '',
                 initiator_id TEXT NOT NULL DEFAULT '',
                 initiator_name TEXT NOT NULL DEFAULT '',
                 target_id TEXT NOT NULL DEFAULT '',
                 target_name TEXT NOT NULL DEFAULT '',
                 body TEXT NOT NULL,
                 prev_hash TEXT NOT NULL,
                 hash TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX audit_time ON audit_events (activity_at, seq)"),
             QStringLiteral("CREATE INDEX audit_initiator_time ON audit_events (initiator_id, activity_at)"),
             QStringLiteral("CREATE INDEX audit_target_time ON audit_events (target_id, activity_at)"),
             QStringLiteral(R"(CREATE TABLE tokens (
                 token_hash TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 user_id TEXT NOT NULL REFERENCES users(id),
                 client_id TEXT NOT NULL,
                 family_id TEXT NOT NULL,
                 scope TEXT NOT NULL DEFAULT '',
                 issued_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL,
                 auth_time TEXT NOT NULL,
                 mfa_time TEXT,
                 acrs TEXT NOT NULL DEFAULT '',
                 generation INTEGER NOT NULL,
                 used_at TEXT,
                 revoked INTEGER NOT NULL DEFAULT 0))"),
             QStringLiteral("CREATE INDEX tokens_family ON tokens (family_id)"),
             QStringLiteral("CREATE INDEX tokens_user ON tokens (user_id, kind)"),
             QStringLiteral(R"(CREATE TABLE device_codes (
                 device_code_hash TEXT PRIMARY KEY,
                 user_code TEXT NOT NULL UNIQUE,
                 client_id TEXT NOT NULL,
                 scope TEXT NOT NULL DEFAULT '',
                 created_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL,
                 interval_seconds INTEGER NOT NULL,
                 last_poll_at TEXT,
                 status TEXT NOT NULL,
                 user_id TEXT,
                 auth_time TEXT,
                 mfa_time TEXT))"),
             QStringLiteral(R"(CREATE TABLE login_throttle (
                 key TEXT PRIMARY KEY,
                 failures INTEGER NOT NULL,
                 last_failure_at TEXT NOT NULL,
                 locked_until TEXT))"),
             QStringLiteral(R"(CREATE TABLE idempotency_keys (
                 key TEXT NOT NULL,
                 user_id TEXT NOT NULL,
                 status INTEGER NOT NULL,
                 body TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 PRIMARY KEY (user_id, key)))"),
         }},
        {2,
         "authorization codes (PKCE), sign-in methods on tokens and device codes",
         {
             // One row per interactive sign-in on the authorize page: first while it waits for
             // the second factor (stage 'second_factor', keyed by the page's handle), then as
             // the authorization code (stage 'code'). Only SHA-256 hashes of handles and codes.
             QStringLiteral(R"(CREATE TABLE authorization_codes (
                 code_hash TEXT PRIMARY KEY,
                 stage TEXT NOT NULL,
                 client_id TEXT NOT NULL,
                 redirect_uri TEXT NOT NULL,
                 code_challenge TEXT NOT NULL,
                 scope TEXT NOT NULL DEFAULT '',
                 state TEXT NOT NULL DEFAULT '',
                 acrs TEXT NOT NULL DEFAULT '',
                 needs_second_factor INTEGER NOT NULL DEFAULT 0,
                 user_id TEXT NOT NULL REFERENCES users(id),
                 auth_time TEXT NOT NULL,
                 mfa_time TEXT,
                 amr TEXT NOT NULL DEFAULT 'pwd',
                 attempts INTEGER NOT NULL DEFAULT 0,
                 created_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL,
                 used_at TEXT,
                 family_id TEXT))"),
             QStringLiteral("CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at)"),
             // How the user authenticated ("pwd", "pwd otp", "demo"), as OpenID Connect's amr.
             QStringLiteral("ALTER TABLE tokens ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd'"),
             QStringLiteral("ALTER TABLE device_codes ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd'"),
             QStringLiteral("ALTER TABLE device_codes ADD COLUMN acrs TEXT NOT NULL DEFAULT ''"),
             // The request carried claims: approving it takes a TOTP code.
             QStringLiteral("ALTER TABLE device_codes ADD COLUMN step_up INTEGER NOT NULL DEFAULT 0"),
         }},
        {3,
         "idempotency keys remember which request they answered",
         {
             // SHA-256 of method, path and body: a key replays only for the same request.
             QStringLiteral("ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE idempotency_keys ADD COLUMN content_type TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)"),
         }},
        {4,
         "rate-limit buckets shared by every instance on one database",
         {
             // One token bucket per caller (RateLimiter's, kept here when several instances serve
             // one PostgreSQL database; SQLite's single instance keeps them in memory).
             QStringLiteral(R"(CREATE TABLE rate_buckets (
                 key TEXT PRIMARY KEY,
                 tokens REAL NOT NULL,
                 updated_ticks INTEGER NOT NULL,
                 rate REAL NOT NULL,
                 allowed INTEGER NOT NULL DEFAULT 1))"),
         }},
    } + portableMigrations();
}

// PostgreSQL: the same tables, columns, keys and indexes as sqliteMigrations(), version for
// version, in PostgreSQL's types: SQLite's INTEGER is 64 bits, so BIGINT; TEXT stays TEXT, so
// instants compare and sort as the same strings on both (create the database with
// LC_COLLATE 'C' so that text order is byte order, as in SQLite). audit_events.seq is written
// by AuditLog, not generated. A migration appended to one list is appended to the other; one
// whose SQL is the same on both goes to portableMigrations() instead.
QList<Migration> postgresMigrations()
{
    return QList<Migration>{
        {1,
         "accounts, roles, groups, policies, schedules, requests, approvals, reviews, audit",
         {
             QStringLiteral(R"(CREATE TABLE users (
                 id TEXT PRIMARY KEY,
                 user_name TEXT NOT NULL UNIQUE,
                 display_name TEXT NOT NULL,
                 user_principal_name TEXT NOT NULL,
                 password_hash TEXT,
                 is_admin BIGINT NOT NULL DEFAULT 0,
                 is_auditor BIGINT NOT NULL DEFAULT 0,
                 disabled BIGINT NOT NULL DEFAULT 0,
                 totp_secret TEXT,
                 totp_last_step BIGINT NOT NULL DEFAULT 0,
                 token_generation BIGINT NOT NULL DEFAULT 0,
                 created_at TEXT NOT NULL))"),
             QStringLiteral(R"(CREATE TABLE groups (
                 id TEXT PRIMARY KEY,
                 display_name TEXT NOT NULL,
                 description TEXT NOT NULL DEFAULT ''))"),
             QStringLiteral(R"(CREATE TABLE group_members (
                 group_id TEXT NOT NULL REFERENCES groups(id),
                 user_id TEXT NOT NULL REFERENCES users(id),
                 PRIMARY KEY (group_id, user_id)))"),
             QStringLiteral(R"(CREATE TABLE role_definitions (
                 id TEXT PRIMARY KEY,
                 display_name TEXT NOT NULL,
                 description TEXT NOT NULL DEFAULT '',
                 is_built_in BIGINT NOT NULL DEFAULT 1,
                 template_id TEXT))"),
             QStringLiteral(R"(CREATE TABLE policies (
                 id TEXT PRIMARY KEY,
                 scope_id TEXT NOT NULL,
                 scope_type TEXT NOT NULL,
                 role_definition_id TEXT NOT NULL,
                 body TEXT NOT NULL,
                 last_modified_at TEXT NOT NULL,
                 last_modified_by TEXT,
                 UNIQUE (scope_id, scope_type, role_definition_id)))"),
             QStringLiteral(R"(CREATE TABLE eligibilities (
                 id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 principal_id TEXT NOT NULL REFERENCES users(id),
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 start_at TEXT NOT NULL,
                 end_at TEXT,
                 member_type TEXT NOT NULL DEFAULT 'Direct',
                 created_at TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX eligibilities_principal ON eligibilities (principal_id, kind, target_id)"),
             QStringLiteral(R"(CREATE TABLE assignments (
                 id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 principal_id TEXT NOT NULL REFERENCES users(id),
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 assignment_type TEXT NOT NULL,
                 member_type TEXT NOT NULL DEFAULT 'Direct',
                 start_at TEXT NOT NULL,
                 end_at TEXT,
                 state TEXT NOT NULL,
                 request_id TEXT,
                 eligibility_id TEXT,
                 created_at TEXT NOT NULL,
                 ended_at TEXT))"),
             QStringLiteral("CREATE INDEX assignments_principal ON assignments (principal_id, state, kind, target_id)"),
             QStringLiteral("CREATE INDEX assignments_due_end ON assignments (state, end_at)"),
             QStringLiteral("CREATE INDEX assignments_due_start ON assignments (state, start_at)"),
             QStringLiteral(R"(CREATE TABLE requests (
                 id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 action TEXT NOT NULL,
                 status TEXT NOT NULL,
                 principal_id TEXT NOT NULL,
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 app_scope_id TEXT,
                 justification TEXT NOT NULL DEFAULT '',
                 ticket_number TEXT NOT NULL DEFAULT '',
                 ticket_system TEXT NOT NULL DEFAULT '',
                 start_at TEXT,
                 expiration_type TEXT NOT NULL,
                 duration_seconds BIGINT,
                 end_at TEXT,
                 created_at TEXT NOT NULL,
                 completed_at TEXT,
                 created_by TEXT NOT NULL,
                 approval_id TEXT,
                 target_schedule_id TEXT,
                 pending_until TEXT,
                 correlation_id TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX requests_principal ON requests (principal_id, status)"),
             QStringLiteral("CREATE INDEX requests_pending ON requests (status, pending_until)"),
             QStringLiteral(R"(CREATE TABLE approval_stages (
                 id TEXT PRIMARY KEY,
                 request_id TEXT NOT NULL REFERENCES requests(id),
                 stage_index BIGINT NOT NULL,
                 status TEXT NOT NULL,
                 review_result TEXT NOT NULL DEFAULT 'NotReviewed',
                 approvals_required BIGINT NOT NULL DEFAULT 1,
                 justification_required BIGINT NOT NULL DEFAULT 0,
                 completed_at TEXT,
                 UNIQUE (request_id, stage_index)))"),
             QStringLiteral(R"(CREATE TABLE approval_stage_approvers (
                 stage_id TEXT NOT NULL REFERENCES approval_stages(id),
                 approver_id TEXT NOT NULL,
                 PRIMARY KEY (stage_id, approver_id)))"),
             QStringLiteral("CREATE INDEX approval_stage_approvers_user ON approval_stage_approvers (approver_id)"),
             QStringLiteral(R"(CREATE TABLE approval_votes (
                 stage_id TEXT NOT NULL REFERENCES approval_stages(id),
                 approver_id TEXT NOT NULL,
                 result TEXT NOT NULL,
                 justification TEXT NOT NULL DEFAULT '',
                 reviewed_at TEXT NOT NULL,
                 PRIMARY KEY (stage_id, approver_id)))"),
             QStringLiteral(R"(CREATE TABLE review_definitions (
                 id TEXT PRIMARY KEY,
                 display_name TEXT NOT NULL,
                 description_for_admins TEXT NOT NULL DEFAULT '',
                 description_for_reviewers TEXT NOT NULL DEFAULT '',
                 status TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 created_by TEXT NOT NULL,
                 scope_kind TEXT NOT NULL,
                 scope_target_id TEXT NOT NULL,
                 justification_required BIGINT NOT NULL DEFAULT 1,
                 recommendations_enabled BIGINT NOT NULL DEFAULT 1,
                 auto_apply BIGINT NOT NULL DEFAULT 1,
                 duration_days BIGINT NOT NULL DEFAULT 14))"),
             QStringLiteral(R"(CREATE TABLE review_definition_reviewers (
                 definition_id TEXT NOT NULL REFERENCES review_definitions(id),
                 reviewer_id TEXT NOT NULL,
                 PRIMARY KEY (definition_id, reviewer_id)))"),
             QStringLiteral(R"(CREATE TABLE review_instances (
                 id TEXT PRIMARY KEY,
                 definition_id TEXT NOT NULL REFERENCES review_definitions(id),
                 start_at TEXT NOT NULL,
                 end_at TEXT NOT NULL,
                 status TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX review_instances_due ON review_instances (status, end_at)"),
             QStringLiteral(R"(CREATE TABLE review_decisions (
                 id TEXT PRIMARY KEY,
                 instance_id TEXT NOT NULL REFERENCES review_instances(id),
                 kind TEXT NOT NULL,
                 principal_id TEXT NOT NULL,
                 target_id TEXT NOT NULL,
                 scope_id TEXT NOT NULL,
                 assignment_source_id TEXT NOT NULL,
                 decision TEXT NOT NULL DEFAULT 'NotReviewed',
                 justification TEXT NOT NULL DEFAULT '',
                 recommendation TEXT NOT NULL,
                 reviewed_by TEXT,
                 reviewed_at TEXT,
                 applied_at TEXT,
                 apply_result TEXT NOT NULL DEFAULT 'New'))"),
             QStringLiteral("CREATE INDEX review_decisions_instance ON review_decisions (instance_id, decision)"),
             QStringLiteral(R"(CREATE TABLE audit_events (
                 seq BIGINT PRIMARY KEY,
                 id TEXT NOT NULL UNIQUE,
                 activity_at TEXT NOT NULL,
                 category TEXT NOT NULL,
                 activity TEXT NOT NULL,
                 result TEXT NOT NULL,
                 result_reason TEXT NOT NULL DEFAULT '',
                 correlation_id TEXT NOT NULL DEFAULT '',
                 service TEXT NOT NULL,
                 operation_type TEXT NOT NULL DEFAULT '',
                 initiator_id TEXT NOT NULL DEFAULT '',
                 initiator_name TEXT NOT NULL DEFAULT '',
                 target_id TEXT NOT NULL DEFAULT '',
                 target_name TEXT NOT NULL DEFAULT '',
                 body TEXT NOT NULL,
                 prev_hash TEXT NOT NULL,
                 hash TEXT NOT NULL))"),
             QStringLiteral("CREATE INDEX audit_time ON audit_events (activity_at, seq)"),
             QStringLiteral("CREATE INDEX audit_initiator_time ON audit_events (initiator_id, activity_at)"),
             QStringLiteral("CREATE INDEX audit_target_time ON audit_events (target_id, activity_at)"),
             QStringLiteral(R"(CREATE TABLE tokens (
                 token_hash TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 user_id TEXT NOT NULL REFERENCES users(id),
                 client_id TEXT NOT NULL,
                 family_id TEXT NOT NULL,
                 scope TEXT NOT NULL DEFAULT '',
                 issued_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL,
                 auth_time TEXT NOT NULL,
                 mfa_time TEXT,
                 acrs TEXT NOT NULL DEFAULT '',
                 generation BIGINT NOT NULL,
                 used_at TEXT,
                 revoked BIGINT NOT NULL DEFAULT 0))"),
             QStringLiteral("CREATE INDEX tokens_family ON tokens (family_id)"),
             QStringLiteral("CREATE INDEX tokens_user ON tokens (user_id, kind)"),
             QStringLiteral(R"(CREATE TABLE device_codes (
                 device_code_hash TEXT PRIMARY KEY,
                 user_code TEXT NOT NULL UNIQUE,
                 client_id TEXT NOT NULL,
                 scope TEXT NOT NULL DEFAULT '',
                 created_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL,
                 interval_seconds BIGINT NOT NULL,
                 last_poll_at TEXT,
                 status TEXT NOT NULL,
                 user_id TEXT,
                 auth_time TEXT,
                 mfa_time TEXT))"),
             QStringLiteral(R"(CREATE TABLE login_throttle (
                 key TEXT PRIMARY KEY,
                 failures BIGINT NOT NULL,
                 last_failure_at TEXT NOT NULL,
                 locked_until TEXT))"),
             QStringLiteral(R"(CREATE TABLE idempotency_keys (
                 key TEXT NOT NULL,
                 user_id TEXT NOT NULL,
                 status BIGINT NOT NULL,
                 body TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 PRIMARY KEY (user_id, key)))"),
         }},
        {2,
         "authorization codes (PKCE), sign-in methods on tokens and device codes",
         {
             // One row per interactive sign-in on the authorize page: first while it waits for
             // the second factor (stage 'second_factor', keyed by the page's handle), then as
             // the authorization code (stage 'code'). Only SHA-256 hashes of handles and codes.
             QStringLiteral(R"(CREATE TABLE authorization_codes (
                 code_hash TEXT PRIMARY KEY,
                 stage TEXT NOT NULL,
                 client_id TEXT NOT NULL,
                 redirect_uri TEXT NOT NULL,
                 code_challenge TEXT NOT NULL,
                 scope TEXT NOT NULL DEFAULT '',
                 state TEXT NOT NULL DEFAULT '',
                 acrs TEXT NOT NULL DEFAULT '',
                 needs_second_factor BIGINT NOT NULL DEFAULT 0,
                 user_id TEXT NOT NULL REFERENCES users(id),
                 auth_time TEXT NOT NULL,
                 mfa_time TEXT,
                 amr TEXT NOT NULL DEFAULT 'pwd',
                 attempts BIGINT NOT NULL DEFAULT 0,
                 created_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL,
                 used_at TEXT,
                 family_id TEXT))"),
             QStringLiteral("CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at)"),
             // How the user authenticated ("pwd", "pwd otp", "demo"), as OpenID Connect's amr.
             QStringLiteral("ALTER TABLE tokens ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd'"),
             QStringLiteral("ALTER TABLE device_codes ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd'"),
             QStringLiteral("ALTER TABLE device_codes ADD COLUMN acrs TEXT NOT NULL DEFAULT ''"),
             // The request carried claims: approving it takes a TOTP code.
             QStringLiteral("ALTER TABLE device_codes ADD COLUMN step_up BIGINT NOT NULL DEFAULT 0"),
         }},
        {3,
         "idempotency keys remember which request they answered",
         {
             // SHA-256 of method, path and body: a key replays only for the same request.
             QStringLiteral("ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE idempotency_keys ADD COLUMN content_type TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)"),
         }},
        {4,
         "rate-limit buckets shared by every instance on one database",
         {
             // One token bucket per caller (RateLimiter's, kept here when several instances serve
             // one PostgreSQL database; SQLite's single instance keeps them in memory).
             QStringLiteral(R"(CREATE TABLE rate_buckets (
                 key TEXT PRIMARY KEY,
                 tokens DOUBLE PRECISION NOT NULL,
                 updated_ticks BIGINT NOT NULL,
                 rate DOUBLE PRECISION NOT NULL,
                 allowed BIGINT NOT NULL DEFAULT 1))"),
         }},
    } + portableMigrations();
}

} // namespace Elevate::Server
