#pragma once

#include "AccessReview.h"
#include "ActiveAssignment.h"
#include "Approval.h"
#include "AuditEvent.h"
#include "Caller.h"
#include "Eligibility.h"
#include "Outcome.h"
#include "RoleDefinition.h"
#include "RolePolicy.h"
#include "ScheduleRequest.h"

#include <QHash>
#include <QList>
#include <QVariantList>

#include <optional>

namespace Elevate::Server {

class AuditLog;
class Clock;
class Database;

// Extra SQL restrictions and paging for a listing, compiled from OData by the API layer
// (bound values only). `where` refers to the columns of the listed table.
struct ListQuery
{
    QString where;
    QVariantList bindings;
    QString orderBy;
    int top = 100;
    int skip = 0;
    // When set, receives how many rows match before paging ($count).
    qint64* total = nullptr;
    // The audit listing only: `where` refers to activity_at alone (a keyset cursor on
    // (activity_at, seq), a time filter, or nothing), so auditBodies may read the page's keys
    // from the time index alone.
    bool timeOnly = false;
};

// What to expand in listed resources ($expand).
struct Expand
{
    bool roleDefinition = false;
    bool principal = false;
    bool group = false;
};

// The PIM engine of elevated: eligibilities, activation requests and their approvals, active
// assignments, the scheduler of due transitions, access reviews, and the audit record of every
// change. Every operation takes the Caller and checks what they may do; every state change
// runs in one database transaction together with its audit rows.
class Engine final
{
public:
    struct Options
    {
        // Entra refuses deactivation during the first five minutes (ActiveDurationTooShort).
        int minimumActiveSeconds = 300;
        // A principal who has not activated a role for this long gets a "Deny" recommendation.
        int recommendationInactivityDays = 30;
    };

    Engine(Database& db, const Clock& clock, Options options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const Options& options() const { return m_options; }
    void setMinimumActiveSeconds(int seconds) { m_options.minimumActiveSeconds = seconds; }

    // ---- directory (administration; the CLI calls these with an admin Caller) --------------
    Outcome<RoleDefinition> addRoleDefinition(const Caller& caller, const RoleDefinition& role);
    Outcome<GroupInfo> addGroup(const Caller& caller, const GroupInfo& group, const QStringList& memberIds);
    // kind: PimKind::DirectoryRole (targetId = role id, scopeId = "/") or PimKind::Group
    // (targetId = group id, scopeId = "member"/"owner").
    Outcome<Eligibility> addEligibility(const Caller& caller,
                                        PimKind kind,
                                        const QString& principalId,
                                        const QString& targetId,
                                        const QString& scopeId,
                                        const Timestamp& start,
                                        const Timestamp& end);
    Outcome<void> removeEligibility(const Caller& caller, const QString& eligibilityId);

    // Installs the built-in directory roles that are missing (BuiltInRoles.h), in one
    // transaction with one audit record. Returns how many were added, or -1 on failure.
    int ensureBuiltInRoles();

    QList<RoleDefinition> roleDefinitions(const ListQuery& query = {});
    std::optional<RoleDefinition> roleDefinition(const QString& id);
    std::optional<GroupInfo> group(const QString& id);
    std::optional<Identity> user(const QString& id);
    // Resolves a user name or id.
    std::optional<QString> userIdByName(const QString& userNameOrId);

    // ---- policies --------------------------------------------------------------------------
    // The policy governing activation of (kind, target, scope); the built-in default when none
    // was set.
    RolePolicy policyFor(PimKind kind, const QString& targetId, const QString& scopeId);
    QList<RolePolicyAssignment> policyAssignments(PimKind kind, const QString& scopeId, const QString& targetFilter);
    Outcome<RolePolicy> setPolicy(const Caller& caller, PimKind kind, const QString& targetId, const QString& scopeId,
                                  RolePolicy policy);
    static RolePolicy defaultPolicy();

    // ---- schedules -------------------------------------------------------------------------
    // principalId empty = everyone (admins and auditors only).
    Outcome<QList<Eligibility>> eligibilities(const Caller& caller, PimKind kind, const QString& principalId,
                                              const ListQuery& query, const Expand& expand);
    Outcome<QList<ActiveAssignment>> assignments(const Caller& caller, PimKind kind, const QString& principalId,
                                                 const ListQuery& query, const Expand& expand);

    // ---- requests --------------------------------------------------------------------------
    Outcome<ScheduleRequest> submit(const Caller& caller, ScheduleRequest request);
    Outcome<void> cancel(const Caller& caller, PimKind kind, const QString& requestId);
    Outcome<ScheduleRequest> request(const Caller& caller, PimKind kind, const QString& requestId, const Expand& expand);
    enum class RequestView { Principal, Approver, All };
    Outcome<QList<ScheduleRequest>> requests(const Caller& caller, PimKind kind, RequestView view,
                                             const ListQuery& query, const Expand& expand);

    // ---- approvals -------------------------------------------------------------------------
    Outcome<Approval> approval(const Caller& caller, PimKind kind, const QString& approvalId, Approval::Dialect dialect);
    Outcome<void> decide(const Caller& caller, PimKind kind, const QString& approvalId, const QString& stepId,
                         const ApprovalDecision& decision);

    // ---- scheduler -------------------------------------------------------------------------
    // Applies every transition due at the clock's now: future starts, expiries, pending
    // requests past their lifetime, reviews past their end. Returns how many were applied.
    int runDue();
    // The earliest instant at which something will be due (null when nothing is scheduled).
    Timestamp nextDue();

    // ---- access reviews --------------------------------------------------------------------
    Outcome<AccessReviewDefinition> createReview(const Caller& caller, const QString& displayName, PimKind kind,
                                                 const QString& targetId, const QStringList& reviewerIds,
                                                 int durationDays, bool justificationRequired);
    Outcome<QList<AccessReviewDefinition>> reviewDefinitions(const Caller& caller, bool mineOnly);
    Outcome<AccessReviewDefinition> reviewDefinition(const Caller& caller, const QString& definitionId);
    Outcome<QList<AccessReviewInstance>> reviewInstances(const Caller& caller, const QString& definitionId,
                                                         bool mineOnly);
    Outcome<QList<ReviewDecision>> reviewDecisions(const Caller& caller, const QString& definitionId,
                                                   const QString& instanceId, const ListQuery& query);
    Outcome<void> recordDecision(const Caller& caller, const QString& definitionId, const QString& instanceId,
                                 const QString& decisionId, const ReviewDecisionUpdate& update);
    Outcome<int> batchRecordDecisions(const Caller& caller, const QString& definitionId, const QString& instanceId,
                                      const BatchRecordDecisions& batch);
    Outcome<int> acceptRecommendations(const Caller& caller, const QString& definitionId, const QString& instanceId);
    Outcome<void> stopReview(const Caller& caller, const QString& definitionId, const QString& instanceId);

    // ---- audit -----------------------------------------------------------------------------
    // Newest first unless the query orders otherwise. `keys`, when given, receives each row's
    // (activity time as stored, sequence number) for keyset paging.
    Outcome<QList<AuditEvent>> auditEvents(const Caller& caller, const ListQuery& query,
                                           QList<std::pair<QString, qint64>>* keys = nullptr);
    // The same rows as stored: each the directoryAudit JSON exactly as it was recorded and
    // hashed, for serving pages without decoding and re-encoding them.
    Outcome<QList<QByteArray>> auditBodies(const Caller& caller, const ListQuery& query,
                                           QList<std::pair<QString, qint64>>* keys = nullptr);
    // The same, row by row, without a copy: `row` sees each body and its paging key (the stored
    // activity time as UTF-8, and the sequence number); the views last until it returns.
    using AuditBodySink = std::function<void(QByteArrayView body, QByteArrayView time, qint64 seq)>;
    Outcome<Done> auditBodies(const Caller& caller, const ListQuery& query, const AuditBodySink& row);
    AuditLog& auditLog();

    // Counts for /metrics.
    qint64 pendingRequestCount();
    qint64 activeAssignmentCount();

private:
    // auditBodies for a page read as one run of sequence numbers; nullopt when the page is not
    // one run (then it is read through the time index).
    std::optional<Outcome<Done>> auditBodiesByRun(const ListQuery& query, const AuditBodySink& row);
    int runDueReviews();
    bool applyReviewInstance(const QString& instanceId, const Caller& caller);

    Database& m_db;
    const Clock& m_clock;
    // (scope|scopeType|role) -> (the row's last_modified_at, the decoded policy)
    QHash<QString, std::pair<QString, RolePolicy>> m_policyCache;
    Options m_options;
    AuditLog* m_audit;
};

} // namespace Elevate::Server
