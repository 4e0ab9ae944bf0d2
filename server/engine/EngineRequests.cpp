// The request, approval and scheduler half of Engine (graph-contract.md 3.4, 3.5, 4).
#include "Engine.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "EngineSupport.h"
#include "PolicyCheck.h"
#include "SqlTime.h"

#include <QSet>
#include <QUrl>

namespace Elevate::Server {

using namespace EngineSupport;

namespace {

struct Target
{
    PimKind kind = PimKind::DirectoryRole;
    QString targetId;
    QString scopeId;
    QString displayName;
};

Target targetOf(const ScheduleRequest& r)
{
    if (r.kind == PimKind::Group) {
        return {PimKind::Group, r.groupId, r.accessId == GroupAccess::Unknown ? QString() : enumName(r.accessId).toLower(), {}};
    }
    return {PimKind::DirectoryRole, r.roleDefinitionId, r.directoryScopeId, {}};
}

QString claimsMessageFor(const QString& claimValue)
{
    const QString claims = QStringLiteral(R"({"access_token":{"acrs":{"essential":true,"value":"%1"}}})")
                               .arg(claimValue.isEmpty() ? QStringLiteral("c1") : claimValue);
    return QStringLiteral("The role assignment request requires a fresh multi-factor sign-in. "
                          "Sign in again with these claims: &claims=")
         + QString::fromLatin1(QUrl::toPercentEncoding(claims));
}

const QString RequestSelect = QStringLiteral(
    "SELECT id, kind, action, status, principal_id, target_id, scope_id, app_scope_id, justification, ticket_number, "
    "ticket_system, start_at, expiration_type, duration_seconds, end_at, created_at, completed_at, created_by, "
    "approval_id, target_schedule_id, correlation_id FROM requests");

ScheduleRequest requestRow(const QSqlQuery& q)
{
    ScheduleRequest r;
    r.id = q.value(0).toString();
    r.kind = kindFromText(q.value(1).toString());
    r.action = parseEnum<RequestAction>(q.value(2).toString());
    r.status = parseEnum<RequestStatus>(q.value(3).toString());
    r.principalId = q.value(4).toString();
    setTarget(r, r.kind, q.value(5).toString(), q.value(6).toString());
    if (r.kind == PimKind::DirectoryRole && !q.value(7).isNull()) {
        r.appScopeId = q.value(7).toString();
    }
    r.justification = q.value(8).toString();
    r.ticketInfo = TicketInfo{q.value(9).toString(), q.value(10).toString()};
    if (r.action != RequestAction::SelfDeactivate && r.action != RequestAction::AdminRemove) {
        ScheduleInfo s;
        s.startDateTime = fromSqlTime(q.value(11));
        s.expiration.type = parseEnum<ExpirationType>(q.value(12).toString());
        if (!q.value(13).isNull()) {
            s.expiration.duration = IsoDuration::fromSeconds(q.value(13).toLongLong());
        }
        s.expiration.endDateTime = fromSqlTime(q.value(14));
        r.scheduleInfo = s;
    }
    r.createdDateTime = fromSqlTime(q.value(15));
    r.completedDateTime = fromSqlTime(q.value(16));
    r.createdBy = Identity{q.value(17).toString(), QString(), QString(), QString()};
    r.approvalId = q.value(18).toString();
    r.targetScheduleId = q.value(19).toString();
    return r;
}

} // namespace

// Everything one submit needs while it runs inside its transaction.
namespace {

struct Submission
{
    Database& db;
    AuditLog& audit;
    const Caller& caller;
    Timestamp now;
    ScheduleRequest& request;
    Target target;
    Identity principal;
    QString correlationId;

    AuditEvent event(const QString& activityName, const QString& operationType) const
    {
        AuditEvent e = makeEvent(caller, now, categoryOf(target.kind), PimService, activityName, operationType,
                                 correlationId, request.justification);
        addTarget(e, target.targetId, target.displayName, targetType(target.kind));
        addTarget(e, principal.id, principal.displayName, QStringLiteral("User"), principal.userPrincipalName);
        if (!request.ticketInfo.ticketNumber.isEmpty()) {
            addDetail(e, QStringLiteral("TicketNumber"), request.ticketInfo.ticketNumber);
            addDetail(e, QStringLiteral("TicketSystem"), request.ticketInfo.ticketSystem);
        }
        addDetail(e, QStringLiteral("RequestId"), request.id);
        return e;
    }

    bool record(const QString& activityName, const QString& operationType) const
    {
        AuditEvent e = event(activityName, operationType);
        return audit.append(e);
    }

    bool insertRequest(const Timestamp& start, const Timestamp& end, const QString& pendingUntil) const
    {
        const std::optional<ScheduleInfo>& s = request.scheduleInfo;
        const Expiration x = s ? s->expiration : Expiration{};
        return db.write(QStringLiteral("INSERT INTO requests (id, kind, action, status, principal_id, target_id, scope_id, "
                              "app_scope_id, justification, ticket_number, ticket_system, start_at, expiration_type, "
                              "duration_seconds, end_at, created_at, completed_at, created_by, approval_id, "
                              "target_schedule_id, pending_until, correlation_id) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
               {request.id,
                kindText(target.kind),
                enumName(request.action),
                enumName(request.status),
                request.principalId,
                target.targetId,
                target.scopeId,
                request.appScopeId.isNull() ? QVariant() : QVariant(request.appScopeId),
                request.justification,
                request.ticketInfo.ticketNumber,
                request.ticketInfo.ticketSystem,
                toSqlTimeOrNull(start),
                enumName(x.type == ExpirationType::Unknown ? ExpirationType::NotSpecified : x.type),
                x.duration ? QVariant(qint64(x.duration->seconds())) : QVariant(),
                toSqlTimeOrNull(end),
                toSqlTime(now),
                toSqlTimeOrNull(request.completedDateTime),
                caller.userId,
                request.approvalId.isEmpty() ? QVariant() : QVariant(request.approvalId),
                request.targetScheduleId.isEmpty() ? QVariant()
                                                   : QVariant(request.targetScheduleId),
                pendingUntil.isEmpty() ? QVariant() : QVariant(pendingUntil),
                correlationId});
    }

    bool insertAssignment(const QString& id, AssignmentType type, const Timestamp& start, const Timestamp& end,
                          bool active, const QString& eligibilityId) const
    {
        return db.write(QStringLiteral("INSERT INTO assignments (id, kind, principal_id, target_id, scope_id, assignment_type, "
                              "member_type, start_at, end_at, state, request_id, eligibility_id, created_at) "
                              "VALUES (?,?,?,?,?,?,'Direct',?,?,?,?,?,?)"),
               {id,
                kindText(target.kind),
                request.principalId,
                target.targetId,
                target.scopeId,
                enumName(type),
                toSqlTime(start),
                toSqlTimeOrNull(end),
                active ? QStringLiteral("Active") : QStringLiteral("Scheduled"),
                request.id,
                eligibilityId.isEmpty() ? QVariant() : QVariant(eligibilityId),
                toSqlTime(now)});
    }
};

// The approvers of one stage as user ids: single users, and the members of groups.
QStringList expandApprovers(Database& db, const ApprovalStage& stage)
{
    QStringList ids;
    for (const SubjectSet& s : stage.primaryApprovers) {
        if (s.kind == SubjectSetKind::SingleUser && !ids.contains(s.id)) {
            ids << s.id;
        } else if (s.kind == SubjectSetKind::GroupMembers) {
            QSqlQuery q = db.run(QStringLiteral("SELECT user_id FROM group_members WHERE group_id = ?"), {s.id});
            while (q.next()) {
                if (!ids.contains(q.value(0).toString())) {
                    ids << q.value(0).toString();
                }
            }
        }
    }
    return ids;
}

} // namespace

Outcome<ScheduleRequest> Engine::submit(const Caller& caller, ScheduleRequest request)
{
    const Timestamp now = m_clock.now();
    if (!caller.isValid()) {
        return forbidden(QStringLiteral("Sign in first."));
    }
    Target target = targetOf(request);
    if (request.action == RequestAction::Unknown) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("Unknown or missing action."));
    }
    if (target.targetId.isEmpty()) {
        return badRequest(QStringLiteral("InvalidRequest"),
                          target.kind == PimKind::Group ? QStringLiteral("groupId is required.")
                                                        : QStringLiteral("roleDefinitionId is required."));
    }
    if (target.kind == PimKind::DirectoryRole && target.scopeId.isEmpty() && !request.appScopeId.isEmpty()) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("Only directory scopes are supported."));
    }
    if (target.scopeId.isEmpty()) {
        return badRequest(QStringLiteral("InvalidRequest"),
                          target.kind == PimKind::Group ? QStringLiteral("accessId must be member or owner.")
                                                        : QStringLiteral("directoryScopeId is required."));
    }
    if (target.kind == PimKind::DirectoryRole && target.scopeId != u"/") {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("Only the tenant scope \"/\" is supported."));
    }
    const bool selfAction = request.action == RequestAction::SelfActivate || request.action == RequestAction::SelfDeactivate
                         || request.action == RequestAction::SelfExtend || request.action == RequestAction::SelfRenew;
    if (target.kind == PimKind::Group
        && (request.action == RequestAction::SelfExtend || request.action == RequestAction::SelfRenew)) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("Groups have no self-service extension."));
    }
    if (selfAction) {
        if (request.principalId.isEmpty()) {
            request.principalId = caller.userId;
        }
        if (request.principalId != caller.userId) {
            return forbidden(QStringLiteral("Self-service requests can only be made for yourself."));
        }
    } else if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators can make admin requests."));
    }
    if (target.kind == PimKind::Group) {
        const auto g = group(target.targetId);
        if (!g) {
            return badRequest(QStringLiteral("GroupDoesNotExist"), QStringLiteral("The group does not exist."));
        }
        target.displayName = g->displayName;
    } else {
        const auto r = roleDefinition(target.targetId);
        if (!r) {
            return badRequest(QStringLiteral("RoleDefinitionDoesNotExist"), QStringLiteral("The role does not exist."));
        }
        target.displayName = r->displayName;
    }
    const auto principal = user(request.principalId);
    if (!principal) {
        return badRequest(QStringLiteral("SubjectNotFound"), QStringLiteral("The principal does not exist."));
    }

    request.id = newId();
    request.createdDateTime = now;
    request.createdBy = Identity{caller.userId, caller.displayName, caller.userPrincipalName, QString()};
    request.completedDateTime = Timestamp();
    request.approvalId.clear();
    request.targetScheduleId.clear();
    request.status = RequestStatus::Unknown;
    Submission sub{m_db, *m_audit, caller, now, request, target, *principal, request.id};

    const RolePolicy policy = policyFor(target.kind, target.targetId, target.scopeId);
    EngineError failure;
    auto fail = [&](EngineError e) {
        failure = std::move(e);
        return false;
    };

    const bool ok = m_db.transaction([&]() -> bool {
        const QString nowText = toSqlTime(now);
        // What is in force now, or scheduled, for this principal and target: the earliest to
        // start. An empty type matches both. (Not "LIKE ?": SQLite re-prepares a statement whose
        // LIKE pattern is a bound parameter every time it runs.) One equality lookup per state,
        // the earliest chosen here: `state IN (...) ORDER BY start_at LIMIT 1` made SQLite build
        // two throw-away b-trees per call (the IN list that drives the index, and the sort). The
        // state is written into the statement, not bound: only then may the planner use the
        // index of live assignments (Schema.cpp, version 5).
        struct InForce
        {
            QString id;
            Timestamp start;
            QString state;
        };
        auto activeAssignment = [&](const QString& type) -> std::optional<InForce> {
            std::optional<InForce> earliest;
            static const auto lookup = [](const char* state) {
                return QStringLiteral("SELECT id, start_at FROM assignments WHERE principal_id = ? AND state = '%1' AND "
                                      "kind = ? AND target_id = ? AND scope_id = ? AND (? = '' OR assignment_type = ?)")
                    .arg(QLatin1String(state));
            };
            static const std::pair<QString, QString> lookups[] = {{QStringLiteral("Active"), lookup("Active")},
                                                                  {QStringLiteral("Scheduled"), lookup("Scheduled")}};
            for (const auto& [state, sql] : lookups) {
                Database::Rows rows = m_db.read(
                    sql, {request.principalId, kindText(target.kind), target.targetId, target.scopeId, type, type});
                while (rows.next()) {
                    const Timestamp start = fromSqlTime(rows.value(1));
                    if (!earliest || start < earliest->start) {
                        earliest = InForce{rows.value(0).toString(), start, state};
                    }
                }
            }
            return earliest;
        };

        switch (request.action) {
        case RequestAction::SelfActivate: {
            // The eligibility that lasts longest (an open-ended one first); a principal has a few
            // for one target at most, so they are compared here rather than sorted by SQLite (an
            // ORDER BY no index serves costs a throw-away b-tree).
            Database::Rows eligibilities = m_db.read(
                QStringLiteral("SELECT id, end_at FROM eligibilities WHERE principal_id = ? AND kind = ? AND "
                               "target_id = ? AND scope_id = ? AND start_at <= ? AND (end_at IS NULL OR end_at > ?)"),
                {request.principalId, kindText(target.kind), target.targetId, target.scopeId,
                 toSqlTime(request.scheduleInfo && !request.scheduleInfo->startDateTime.isNull()
                               ? qMax(now, request.scheduleInfo->startDateTime)
                               : now),
                 nowText});
            QString eligibilityId;
            Timestamp eligibilityEnd;
            while (eligibilities.next()) {
                const Timestamp end = fromSqlTime(eligibilities.value(1));
                const bool better = eligibilityId.isNull()
                    || (!eligibilityEnd.isNull() && (end.isNull() || end > eligibilityEnd));
                if (better) {
                    eligibilityId = eligibilities.value(0).toString();
                    eligibilityEnd = end;
                }
            }
            if (eligibilityId.isNull()) {
                return fail(badRequest(QStringLiteral("RoleAssignmentDoesNotExist"),
                                       QStringLiteral("You are not eligible for this role at that time.")));
            }
            if (activeAssignment(QString())) {
                return fail(badRequest(QStringLiteral("RoleAssignmentExists"),
                                       QStringLiteral("The role is already active or scheduled for you.")));
            }
            // One equality lookup per status (an IN list driving the index is a throw-away b-tree).
            // The status is written into the statement: bound, it would be compared with the
            // condition of the partial index requests_pending, and SQLite prepares such a
            // statement again each time that parameter is bound (its plan may depend on it).
            static const QString pendingLookups[] = {
                QStringLiteral("SELECT COUNT(*) FROM requests WHERE principal_id = ? AND status = 'PendingApproval' AND kind = ? "
                               "AND target_id = ? AND scope_id = ?"),
                QStringLiteral("SELECT COUNT(*) FROM requests WHERE principal_id = ? AND status = 'PendingAdminDecision' AND "
                               "kind = ? AND target_id = ? AND scope_id = ?"),
            };
            for (const QString& sql : pendingLookups) {
                if (m_db.readScalar(sql, {request.principalId, kindText(target.kind), target.targetId, target.scopeId}).toLongLong()
                    > 0) {
                    return fail(badRequest(QStringLiteral("PendingRoleAssignmentRequest"),
                                           QStringLiteral("There is already an existing pending Role assignment request.")));
                }
            }
            const PolicyCheckResult check = PolicyCheck::check(request, policy, caller.session, now);
            if (!check.ok()) {
                const QStringList rules = check.ruleNames();
                const bool onlyStepUp = std::all_of(rules.cbegin(), rules.cend(), [](const QString& r) {
                    return r == u"MfaRule" || r == u"AcrsRule";
                });
                if (onlyStepUp) {
                    const AuthenticationContextRule* acrs =
                        policy.authenticationContextRule(RuleIds::AuthenticationContextEndUserAssignment);
                    return fail(badRequest(target.kind == PimKind::Group
                                               ? QStringLiteral("GroupAssignmentRequestAcrsValidationFailed")
                                               : QStringLiteral("RoleAssignmentRequestAcrsValidationFailed"),
                                           claimsMessageFor(acrs && acrs->isEnabled ? acrs->claimValue : QString())));
                }
                return fail(badRequest(QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"), check.graphMessage()));
            }
            Timestamp start = qMax(check.effectiveStart, now);
            Timestamp end = check.effectiveEnd;
            // An activation never outlives the eligibility it comes from.
            if (!eligibilityEnd.isNull() && (end.isNull() || end > eligibilityEnd)) {
                end = eligibilityEnd;
            }
            const bool future = check.effectiveStart > now;
            if (request.isValidationOnly) {
                request.status = check.approvalRequired ? RequestStatus::PendingApproval
                                                        : (future ? RequestStatus::Granted : RequestStatus::Provisioned);
                return false; // nothing to keep
            }
            if (check.approvalRequired) {
                const ApprovalRule* rule = policy.approvalRule(RuleIds::ApprovalEndUserAssignment);
                request.status = RequestStatus::PendingApproval;
                request.approvalId = request.id;
                // The lifetime of a pending request: the sum of its stages' time-outs.
                int days = 0;
                for (const ApprovalStage& st : rule->approvalStages) {
                    days += qMax(1, st.approvalStageTimeOutInDays);
                }
                if (!sub.insertRequest(check.effectiveStart, end, toSqlTime(now.plusSeconds(qint64(qMax(days, 1)) * 86400)))) {
                    return false;
                }
                int index = 0;
                for (const ApprovalStage& st : rule->approvalStages) {
                    QStringList approvers = expandApprovers(m_db, st);
                    approvers.removeAll(request.principalId); // never one's own approver
                    if (approvers.size() < st.approvalsRequired || approvers.isEmpty()) {
                        return fail(badRequest(QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"),
                                               QStringLiteral("The following policy rules failed: [\"ApprovalRule\"] "
                                                              "(stage %1 has too few approvers other than you)")
                                                   .arg(index + 1)));
                    }
                    const QString stageId = newId();
                    bool done = false;
                    m_db.run(QStringLiteral("INSERT INTO approval_stages (id, request_id, stage_index, status, "
                                            "approvals_required, justification_required) VALUES (?,?,?,?,?,?)"),
                             {stageId, request.id, index, index == 0 ? QStringLiteral("InProgress") : QStringLiteral("NotStarted"),
                              st.approvalsRequired, st.isApproverJustificationRequired ? 1 : 0},
                             &done);
                    for (const QString& approver : approvers) {
                        if (done) {
                            m_db.run(QStringLiteral("INSERT INTO approval_stage_approvers (stage_id, approver_id) VALUES (?,?)"),
                                     {stageId, approver}, &done);
                        }
                    }
                    if (!done) {
                        return false;
                    }
                    ++index;
                }
                return sub.record(pimActivity(target.kind, "Add member to role requested (PIM activation)"), QStringLiteral("Assign"))
                    && sub.record(pimActivity(target.kind, "Add member to role approval requested (PIM activation)"),
                                  QStringLiteral("Assign"));
            }
            const QString assignmentId = newId();
            request.status = future ? RequestStatus::Granted : RequestStatus::Provisioned;
            request.targetScheduleId = assignmentId;
            if (!future) {
                request.completedDateTime = now;
            }
            return sub.insertRequest(check.effectiveStart, end, QString())
                && sub.insertAssignment(assignmentId, AssignmentType::Activated, start, end, !future, eligibilityId)
                && sub.record(pimActivity(target.kind, "Add member to role requested (PIM activation)"), QStringLiteral("Assign"))
                && (future || sub.record(pimActivity(target.kind, "Add member to role completed (PIM activation)"),
                                         QStringLiteral("Assign")));
        }
        case RequestAction::SelfDeactivate: {
            const std::optional<InForce> active = activeAssignment(QStringLiteral("Activated"));
            if (!active) {
                return fail(badRequest(QStringLiteral("RoleAssignmentDoesNotExist"),
                                       QStringLiteral("There is no active activation of this role to deactivate.")));
            }
            const QString assignmentId = active->id;
            const Timestamp started = active->start;
            const bool scheduled = active->state == u"Scheduled";
            if (!scheduled && started.plusSeconds(m_options.minimumActiveSeconds) > now) {
                return fail(badRequest(QStringLiteral("ActiveDurationTooShort"),
                                       QStringLiteral("The role was activated less than %1 minutes ago.")
                                           .arg(m_options.minimumActiveSeconds / 60)));
            }
            request.status = RequestStatus::Revoked;
            request.completedDateTime = now;
            request.targetScheduleId = assignmentId;
            request.scheduleInfo.reset();
            return m_db.write(QStringLiteral("UPDATE assignments SET state = 'Ended', ended_at = ? WHERE id = ?"),
                              {nowText, assignmentId})
                && sub.insertRequest(Timestamp(), Timestamp(), QString())
                && sub.record(pimActivity(target.kind, "Remove member from role requested (PIM deactivate)"), QStringLiteral("Unassign"))
                && sub.record(pimActivity(target.kind, "Remove member from role completed (PIM deactivate)"), QStringLiteral("Unassign"));
        }
        case RequestAction::SelfExtend:
        case RequestAction::SelfRenew: {
            const std::optional<InForce> assigned = activeAssignment(QStringLiteral("Assigned"));
            if (!assigned) {
                return fail(badRequest(QStringLiteral("RoleAssignmentDoesNotExist"),
                                       QStringLiteral("Only an assigned role can be extended; deactivate and activate "
                                                      "again instead.")));
            }
            const PolicyCheckResult check = PolicyCheck::check(request, policy, caller.session, now);
            if (check.breaks(u"JustificationRule") || check.breaks(u"TicketingRule")) {
                return fail(badRequest(QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"), check.graphMessage()));
            }
            request.status = RequestStatus::PendingAdminDecision;
            request.targetScheduleId = assigned->id;
            return sub.insertRequest(check.effectiveStart, check.effectiveEnd, QString())
                && sub.record(pimActivity(target.kind, "Update member in PIM requested (extend)"), QStringLiteral("Update"));
        }
        case RequestAction::AdminAssign: {
            if (activeAssignment(QString())) {
                return fail(badRequest(QStringLiteral("RoleAssignmentExists"), QStringLiteral("The assignment already exists.")));
            }
            const PolicyCheckResult check = PolicyCheck::check(request, policy, caller.session, now);
            if (!check.ok()) {
                return fail(badRequest(QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"), check.graphMessage()));
            }
            const bool future = check.effectiveStart > now;
            const QString assignmentId = newId();
            request.status = future ? RequestStatus::Granted : RequestStatus::Provisioned;
            request.targetScheduleId = assignmentId;
            if (!future) {
                request.completedDateTime = now;
            }
            return sub.insertRequest(check.effectiveStart, check.effectiveEnd, QString())
                && sub.insertAssignment(assignmentId, AssignmentType::Assigned, qMax(check.effectiveStart, now),
                                        check.effectiveEnd, !future, QString())
                && sub.record(check.effectiveEnd.isNull()
                                  ? pimActivity(target.kind, "Add member to role in PIM completed (permanent)")
                                  : pimActivity(target.kind, "Add member to role in PIM completed (timebound)"),
                              QStringLiteral("Assign"));
        }
        case RequestAction::AdminRemove: {
            const std::optional<InForce> active = activeAssignment(QString());
            if (!active) {
                return fail(badRequest(QStringLiteral("RoleAssignmentDoesNotExist"), QStringLiteral("There is no assignment to remove.")));
            }
            request.status = RequestStatus::Revoked;
            request.completedDateTime = now;
            request.targetScheduleId = active->id;
            request.scheduleInfo.reset();
            bool done = false;
            m_db.run(QStringLiteral("UPDATE assignments SET state = 'Ended', ended_at = ? WHERE id = ?"),
                     {nowText, request.targetScheduleId}, &done);
            return done && sub.insertRequest(Timestamp(), Timestamp(), QString())
                && sub.record(pimActivity(target.kind, "Remove member from role in PIM completed (permanent)"),
                              QStringLiteral("Unassign"));
        }
        case RequestAction::AdminExtend:
        case RequestAction::AdminRenew:
        case RequestAction::AdminUpdate: {
            const std::optional<InForce> active = activeAssignment(QString());
            if (!active) {
                return fail(badRequest(QStringLiteral("RoleAssignmentDoesNotExist"), QStringLiteral("There is no assignment to change.")));
            }
            const PolicyCheckResult check = PolicyCheck::check(request, policy, caller.session, now);
            if (!check.ok()) {
                return fail(badRequest(QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"), check.graphMessage()));
            }
            const QString assignmentId = active->id;
            request.status = RequestStatus::Provisioned;
            request.completedDateTime = now;
            request.targetScheduleId = assignmentId;
            bool done = false;
            m_db.run(QStringLiteral("UPDATE assignments SET end_at = ? WHERE id = ?"),
                     {toSqlTimeOrNull(check.effectiveEnd), assignmentId}, &done);
            // An admin extension answers any pending self-service extension of the same assignment.
            if (done) {
                m_db.run(QStringLiteral("UPDATE requests SET status = 'Provisioned', completed_at = ? WHERE "
                                        "target_schedule_id = ? AND status = 'PendingAdminDecision'"),
                         {nowText, assignmentId}, &done);
            }
            return done && sub.insertRequest(check.effectiveStart, check.effectiveEnd, QString())
                && sub.record(pimActivity(target.kind, "Update member in PIM approved by admin (extend/renew)"),
                              QStringLiteral("Update"));
        }
        case RequestAction::Unknown:
            break;
        }
        return fail(badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("Unsupported action.")));
    });
    if (request.isValidationOnly && failure.code.isEmpty() && request.status != RequestStatus::Unknown) {
        request.id.clear();
        return request;
    }
    if (!ok) {
        return failure.code.isEmpty() ? storeFailure(QStringLiteral("The request could not be saved.")) : failure;
    }
    return request;
}

Outcome<void> Engine::cancel(const Caller& caller, PimKind kind, const QString& requestId)
{
    const Timestamp now = m_clock.now();
    EngineError failure;
    const bool ok = m_db.transaction([&] {
        QSqlQuery q = m_db.run(RequestSelect + QStringLiteral(" WHERE id = ? AND kind = ?"), {requestId, kindText(kind)});
        if (!q.next()) {
            failure = notFound(QStringLiteral("No such request."));
            return false;
        }
        ScheduleRequest r = requestRow(q);
        if (r.principalId != caller.userId && q.value(17).toString() != caller.userId && !caller.isAdmin) {
            failure = forbidden(QStringLiteral("You can only cancel your own requests."));
            return false;
        }
        if (r.status != RequestStatus::PendingApproval && r.status != RequestStatus::Granted
            && r.status != RequestStatus::PendingAdminDecision) {
            failure = badRequest(QStringLiteral("RequestNotCancelable"),
                                 QStringLiteral("Only pending or scheduled requests can be canceled."));
            return false;
        }
        bool done = false;
        m_db.run(QStringLiteral("UPDATE requests SET status = 'Canceled', completed_at = ? WHERE id = ?"),
                 {toSqlTime(now), requestId}, &done);
        if (done) {
            m_db.run(QStringLiteral("UPDATE approval_stages SET status = 'Completed' WHERE request_id = ? AND status IN "
                                    "('InProgress', 'NotStarted')"),
                     {requestId}, &done);
        }
        if (done && r.status == RequestStatus::Granted) {
            m_db.run(QStringLiteral("UPDATE assignments SET state = 'Ended', ended_at = ? WHERE request_id = ? AND "
                                    "state = 'Scheduled'"),
                     {toSqlTime(now), requestId}, &done);
        }
        if (!done) {
            return false;
        }
        Target target = targetOf(r);
        Submission sub{m_db, *m_audit, caller, now, r, target, user(r.principalId).value_or(Identity{}), q.value(20).toString()};
        return sub.record(pimActivity(kind, "Add member to role canceled (PIM activation)"), QStringLiteral("Assign"));
    });
    if (!ok) {
        return failure.code.isEmpty() ? storeFailure(QStringLiteral("The request could not be canceled.")) : failure;
    }
    return {};
}

Outcome<ScheduleRequest> Engine::request(const Caller& caller, PimKind kind, const QString& requestId, const Expand& expand)
{
    QSqlQuery q = m_db.run(RequestSelect + QStringLiteral(" WHERE id = ? AND kind = ?"), {requestId, kindText(kind)});
    if (!q.next()) {
        return notFound(QStringLiteral("No such request."));
    }
    ScheduleRequest r = requestRow(q);
    const bool isApprover = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM approval_stages s JOIN approval_stage_approvers a "
                                                       "ON a.stage_id = s.id WHERE s.request_id = ? AND a.approver_id = ?"),
                                        {requestId, caller.userId})
                                .toLongLong()
                            > 0;
    if (r.principalId != caller.userId && !isApprover && !caller.isAdmin && !caller.isAuditor) {
        return forbidden(QStringLiteral("You cannot read this request."));
    }
    if (expand.principal) {
        r.principal = user(r.principalId);
    }
    if (expand.roleDefinition && kind == PimKind::DirectoryRole) {
        r.roleDefinition = roleDefinition(r.roleDefinitionId);
    }
    if (expand.group && kind == PimKind::Group) {
        r.group = group(r.groupId);
    }
    if (r.createdBy) {
        r.createdBy = user(r.createdBy->id).value_or(*r.createdBy);
    }
    return r;
}

Outcome<QList<ScheduleRequest>> Engine::requests(const Caller& caller, PimKind kind, RequestView view,
                                                 const ListQuery& query, const Expand& expand)
{
    QString sql = RequestSelect + QStringLiteral(" WHERE kind = ?");
    QVariantList bindings{kindText(kind)};
    switch (view) {
    case RequestView::Principal:
        sql += QStringLiteral(" AND principal_id = ?");
        bindings << caller.userId;
        break;
    case RequestView::Approver:
        // Waiting for this caller: the current stage lists them and they have not voted yet.
        sql += QStringLiteral(" AND status = 'PendingApproval' AND id IN (SELECT s.request_id FROM approval_stages s "
                              "JOIN approval_stage_approvers a ON a.stage_id = s.id WHERE s.status = 'InProgress' AND "
                              "a.approver_id = ? AND NOT EXISTS (SELECT 1 FROM approval_votes v WHERE v.stage_id = s.id "
                              "AND v.approver_id = a.approver_id))");
        bindings << caller.userId;
        break;
    case RequestView::All:
        if (!caller.isAdmin && !caller.isAuditor) {
            return forbidden(QStringLiteral("Only administrators and auditors list every request."));
        }
        break;
    }
    bool ok = false;
    QSqlQuery q = runListing(m_db, sql, bindings, query, QStringLiteral("created_at DESC, id"), &ok);
    if (!ok) {
        return storeFailure(QStringLiteral("The requests could not be read."));
    }
    QList<ScheduleRequest> out;
    while (q.next()) {
        out << requestRow(q);
    }
    for (ScheduleRequest& r : out) {
        if (expand.principal) {
            r.principal = user(r.principalId);
        }
        if (expand.roleDefinition && kind == PimKind::DirectoryRole) {
            r.roleDefinition = roleDefinition(r.roleDefinitionId);
        }
        if (expand.group && kind == PimKind::Group) {
            r.group = group(r.groupId);
        }
    }
    return out;
}

// ---- approvals ---------------------------------------------------------------------------------

Outcome<Approval> Engine::approval(const Caller& caller, PimKind kind, const QString& approvalId, Approval::Dialect dialect)
{
    QSqlQuery rq = m_db.run(QStringLiteral("SELECT principal_id FROM requests WHERE approval_id = ? AND kind = ?"),
                            {approvalId, kindText(kind)});
    if (!rq.next()) {
        return notFound(QStringLiteral("No such approval."));
    }
    const QString principalId = rq.value(0).toString();
    Approval a;
    a.id = approvalId;
    a.dialect = dialect;
    bool involved = principalId == caller.userId || caller.isAdmin || caller.isAuditor;
    QSqlQuery stages = m_db.run(QStringLiteral("SELECT id, stage_index, status, review_result, completed_at FROM "
                                               "approval_stages WHERE request_id = ? ORDER BY stage_index"),
                                {approvalId});
    while (stages.next()) {
        ApprovalStep step;
        step.id = stages.value(0).toString();
        step.displayName = QStringLiteral("Stage %1").arg(stages.value(1).toInt() + 1);
        step.status = parseEnum<ApprovalStepStatus>(stages.value(2).toString());
        step.reviewResult = parseEnum<ReviewResult>(stages.value(3).toString());
        step.reviewedDateTime = fromSqlTime(stages.value(4));
        const bool approver = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM approval_stage_approvers WHERE stage_id = ? "
                                                         "AND approver_id = ?"),
                                          {step.id, caller.userId})
                                  .toLongLong()
                              > 0;
        involved = involved || approver;
        QSqlQuery votes = m_db.run(QStringLiteral("SELECT approver_id, result, justification, reviewed_at FROM approval_votes "
                                                  "WHERE stage_id = ? ORDER BY reviewed_at"),
                                   {step.id});
        bool voted = false;
        QStringList justifications;
        while (votes.next()) {
            const QString voter = votes.value(0).toString();
            voted = voted || voter == caller.userId;
            Identity who = user(voter).value_or(Identity{voter, QString(), QString(), QString()});
            step.reviewedBy << who;
            if (!votes.value(2).toString().isEmpty()) {
                justifications << votes.value(2).toString();
            }
            if (step.reviewedDateTime.isNull() || fromSqlTime(votes.value(3)) > step.reviewedDateTime) {
                step.reviewedDateTime = fromSqlTime(votes.value(3));
            }
        }
        step.justification = justifications.join(QStringLiteral("; "));
        step.assignedToMe = approver && !voted && step.status == ApprovalStepStatus::InProgress;
        a.steps << step;
    }
    if (!involved) {
        return forbidden(QStringLiteral("You are not an approver of this request."));
    }
    return a;
}

Outcome<void> Engine::decide(const Caller& caller, PimKind kind, const QString& approvalId, const QString& stepId,
                             const ApprovalDecision& decision)
{
    if (decision.reviewResult == ApprovalVerdict::Unknown) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("reviewResult must be Approve or Deny."));
    }
    const Timestamp now = m_clock.now();
    EngineError failure;
    auto fail = [&](EngineError e) {
        failure = std::move(e);
        return false;
    };
    const bool ok = m_db.transaction([&]() -> bool {
        QSqlQuery rq = m_db.run(RequestSelect + QStringLiteral(" WHERE approval_id = ? AND kind = ?"), {approvalId, kindText(kind)});
        if (!rq.next()) {
            return fail(notFound(QStringLiteral("No such approval.")));
        }
        ScheduleRequest r = requestRow(rq);
        const QString correlationId = rq.value(20).toString();
        QSqlQuery sq = m_db.run(QStringLiteral("SELECT stage_index, status, approvals_required, justification_required FROM "
                                               "approval_stages WHERE id = ? AND request_id = ?"),
                                {stepId, approvalId});
        if (!sq.next()) {
            return fail(notFound(QStringLiteral("No such approval step.")));
        }
        const int stageIndex = sq.value(0).toInt();
        const QString stageStatus = sq.value(1).toString();
        const int required = sq.value(2).toInt();
        const bool justificationRequired = sq.value(3).toBool();
        const bool approver = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM approval_stage_approvers WHERE stage_id = ? AND "
                                                         "approver_id = ?"),
                                          {stepId, caller.userId})
                                  .toLongLong()
                              > 0;
        if (r.principalId == caller.userId) {
            return fail(forbidden(QStringLiteral("You cannot approve your own request.")));
        }
        if (!approver) {
            return fail(forbidden(QStringLiteral("You are not an approver of this step.")));
        }
        if (r.status != RequestStatus::PendingApproval || stageStatus != u"InProgress") {
            return fail(conflict(QStringLiteral("ApprovalAlreadyCompleted"),
                                 QStringLiteral("This step is not waiting for a decision.")));
        }
        if (m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM approval_votes WHERE stage_id = ? AND approver_id = ?"),
                        {stepId, caller.userId})
                .toLongLong()
            > 0) {
            return fail(conflict(QStringLiteral("ApprovalAlreadyCompleted"), QStringLiteral("You have already decided.")));
        }
        if (justificationRequired && decision.justification.trimmed().isEmpty()) {
            return fail(badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("A justification is required.")));
        }
        const QString nowText = toSqlTime(now);
        const bool approve = decision.reviewResult == ApprovalVerdict::Approve;
        bool done = false;
        m_db.run(QStringLiteral("INSERT INTO approval_votes (stage_id, approver_id, result, justification, reviewed_at) "
                                "VALUES (?,?,?,?,?)"),
                 {stepId, caller.userId, approve ? QStringLiteral("Approved") : QStringLiteral("Denied"),
                  decision.justification, nowText},
                 &done);
        if (!done) {
            return false;
        }
        Target target = targetOf(r);
        if (target.kind == PimKind::Group) {
            target.displayName = group(target.targetId).value_or(GroupInfo{}).displayName;
        } else {
            target.displayName = roleDefinition(target.targetId).value_or(RoleDefinition{}).displayName;
        }
        // The approver's justification is the reason on their own record.
        ScheduleRequest recordView = r;
        recordView.justification = decision.justification;
        Submission sub{m_db, *m_audit, caller, now, recordView, target, user(r.principalId).value_or(Identity{}), correlationId};
        if (!approve) {
            // The first denial ends the request.
            m_db.run(QStringLiteral("UPDATE approval_stages SET status = 'Completed', review_result = 'Denied', "
                                    "completed_at = ? WHERE id = ?"),
                     {nowText, stepId}, &done);
            if (done) {
                m_db.run(QStringLiteral("UPDATE approval_stages SET status = 'Completed' WHERE request_id = ? AND status = "
                                        "'NotStarted'"),
                         {approvalId}, &done);
            }
            if (done) {
                m_db.run(QStringLiteral("UPDATE requests SET status = 'Denied', completed_at = ? WHERE id = ?"),
                         {nowText, r.id}, &done);
            }
            return done && sub.record(pimActivity(kind, "Add member to role request denied (PIM activation)"), QStringLiteral("Assign"));
        }
        if (!sub.record(pimActivity(kind, "Add member to role request approved (PIM activation)"), QStringLiteral("Assign"))) {
            return false;
        }
        const qint64 approvals = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM approval_votes WHERE stage_id = ? AND "
                                                            "result = 'Approved'"),
                                             {stepId})
                                     .toLongLong();
        if (approvals < required) {
            return true; // N of M: still waiting for others in this stage
        }
        m_db.run(QStringLiteral("UPDATE approval_stages SET status = 'Completed', review_result = 'Approved', completed_at = ? "
                                "WHERE id = ?"),
                 {nowText, stepId}, &done);
        if (!done) {
            return false;
        }
        QSqlQuery next = m_db.run(QStringLiteral("SELECT id FROM approval_stages WHERE request_id = ? AND stage_index = ?"),
                                  {approvalId, stageIndex + 1});
        if (next.next()) {
            m_db.run(QStringLiteral("UPDATE approval_stages SET status = 'InProgress' WHERE id = ?"), {next.value(0)}, &done);
            return done;
        }
        // Every stage approved: provision now, or schedule for a future start.
        const Timestamp start = r.scheduleInfo ? r.scheduleInfo->startDateTime : Timestamp();
        const Timestamp end = r.scheduleInfo ? r.scheduleInfo->expiration.endDateTime : Timestamp();
        const bool future = !start.isNull() && start > now;
        const QString eligibilityId = m_db.scalar(QStringLiteral("SELECT id FROM eligibilities WHERE principal_id = ? AND kind = ? "
                                                                 "AND target_id = ? AND scope_id = ? AND (end_at IS NULL OR end_at > ?) "
                                                                 "LIMIT 1"),
                                                  {r.principalId, kindText(kind), target.targetId, target.scopeId, nowText})
                                          .toString();
        if (eligibilityId.isEmpty()) {
            // The eligibility ended while the request waited: nothing to grant.
            m_db.run(QStringLiteral("UPDATE requests SET status = 'Failed', completed_at = ? WHERE id = ?"), {nowText, r.id}, &done);
            return done;
        }
        // The requested duration counts from when the access actually starts.
        Timestamp effectiveStart = future ? start : now;
        Timestamp effectiveEnd = end;
        if (r.scheduleInfo && r.scheduleInfo->expiration.type == ExpirationType::AfterDuration
            && r.scheduleInfo->expiration.duration) {
            effectiveEnd = effectiveStart.plus(*r.scheduleInfo->expiration.duration);
            const Timestamp eligibilityEnd = fromSqlTime(m_db.scalar(QStringLiteral("SELECT end_at FROM eligibilities WHERE id = ?"),
                                                                     {eligibilityId}));
            if (!eligibilityEnd.isNull() && effectiveEnd > eligibilityEnd) {
                effectiveEnd = eligibilityEnd;
            }
        }
        const QString assignmentId = newId();
        r.status = future ? RequestStatus::Granted : RequestStatus::Provisioned;
        m_db.run(QStringLiteral("UPDATE requests SET status = ?, completed_at = ?, target_schedule_id = ? WHERE id = ?"),
                 {enumName(r.status), future ? QVariant() : QVariant(nowText), assignmentId, r.id},
                 &done);
        ScheduleRequest provisionView = r;
        Submission provision{m_db, *m_audit, caller, now, provisionView, target, sub.principal, correlationId};
        return done && provision.insertAssignment(assignmentId, AssignmentType::Activated, effectiveStart, effectiveEnd, !future, eligibilityId)
            && (future || provision.record(pimActivity(kind, "Add member to role completed (PIM activation)"), QStringLiteral("Assign")));
    });
    if (!ok) {
        return failure.code.isEmpty() ? storeFailure(QStringLiteral("The decision could not be saved.")) : failure;
    }
    return {};
}

// ---- scheduler ---------------------------------------------------------------------------------

int Engine::runDue()
{
    const Timestamp now = m_clock.now();
    const QString nowText = toSqlTime(now);
    int applied = 0;
    const Caller system;
    m_db.transaction([&] {
        // Future starts.
        QSqlQuery starts = m_db.run(QStringLiteral("SELECT a.id, a.request_id, a.kind, a.principal_id, a.target_id, r.correlation_id "
                                                   "FROM assignments a LEFT JOIN requests r ON r.id = a.request_id "
                                                   "WHERE a.state = 'Scheduled' AND a.start_at <= ?"),
                                    {nowText});
        struct Due
        {
            QString id, requestId, kind, principalId, targetId, correlationId;
        };
        // The scheduler's audit record of one transition of `d`.
        auto record = [&](const Due& d, PimKind kind, const QString& activityName, const char* operationType,
                          const QString& correlationId, const char* reason, AuditResult result, bool namesRequest) {
            AuditEvent e = makeEvent(system, now, categoryOf(kind), PimService, activityName,
                                     QString::fromLatin1(operationType), correlationId, QString::fromLatin1(reason));
            e.result = result;
            addTarget(e, d.targetId, QString(), targetType(kind));
            addTarget(e, d.principalId, QString(), QStringLiteral("User"));
            if (namesRequest) {
                addDetail(e, QStringLiteral("RequestId"), d.requestId);
            }
            return m_audit->append(e);
        };
        QList<Due> due;
        while (starts.next()) {
            due << Due{starts.value(0).toString(), starts.value(1).toString(), starts.value(2).toString(),
                       starts.value(3).toString(), starts.value(4).toString(), starts.value(5).toString()};
        }
        for (const Due& d : due) {
            const PimKind kind = kindFromText(d.kind);
            bool done = false;
            m_db.run(QStringLiteral("UPDATE assignments SET state = 'Active' WHERE id = ? AND state = 'Scheduled'"), {d.id}, &done);
            if (done && !d.requestId.isEmpty()) {
                m_db.run(QStringLiteral("UPDATE requests SET status = 'Provisioned', completed_at = ? WHERE id = ? AND status = "
                                        "'Granted'"),
                         {nowText, d.requestId}, &done);
            }
            if (!done
                || !record(d, kind, pimActivity(kind, "Add member to role completed (PIM activation)"), "Assign",
                           d.correlationId.isEmpty() ? d.id : d.correlationId, "Scheduled start reached", AuditResult::Success, false)) {
                return false;
            }
            ++applied;
        }

        // Expiries.
        QSqlQuery ends = m_db.run(QStringLiteral("SELECT a.id, a.request_id, a.kind, a.principal_id, a.target_id, r.correlation_id, "
                                                 "a.assignment_type FROM assignments a LEFT JOIN requests r ON r.id = a.request_id "
                                                 "WHERE a.state = 'Active' AND a.end_at IS NOT NULL AND a.end_at <= ?"),
                                  {nowText});
        QList<std::pair<Due, QString>> expired;
        while (ends.next()) {
            expired.append({Due{ends.value(0).toString(), ends.value(1).toString(), ends.value(2).toString(),
                                ends.value(3).toString(), ends.value(4).toString(), ends.value(5).toString()},
                            ends.value(6).toString()});
        }
        for (const auto& [d, type] : expired) {
            const PimKind kind = kindFromText(d.kind);
            bool done = false;
            m_db.run(QStringLiteral("UPDATE assignments SET state = 'Ended', ended_at = end_at WHERE id = ? AND state = 'Active'"),
                     {d.id}, &done);
            const QString activityName = type == u"Activated"
                                             ? pimActivity(kind, "Remove member from role (PIM activation expired)")
                                             : pimActivity(kind, "Remove member from role in PIM completed (timebound)");
            if (!done
                || !record(d, kind, activityName, "Unassign", d.correlationId.isEmpty() ? d.id : d.correlationId, "Expired",
                           AuditResult::Success, false)) {
                return false;
            }
            ++applied;
        }

        // Pending requests past their lifetime.
        QSqlQuery stale = m_db.run(QStringLiteral("SELECT id, kind, principal_id, target_id, correlation_id FROM requests WHERE "
                                                  "status = 'PendingApproval' AND pending_until IS NOT NULL AND pending_until <= ?"),
                                   {nowText});
        QList<Due> lapsed;
        while (stale.next()) {
            lapsed << Due{stale.value(0).toString(), stale.value(0).toString(), stale.value(1).toString(),
                          stale.value(2).toString(), stale.value(3).toString(), stale.value(4).toString()};
        }
        for (const Due& d : lapsed) {
            const PimKind kind = kindFromText(d.kind);
            bool done = false;
            m_db.run(QStringLiteral("UPDATE requests SET status = 'Canceled', completed_at = ? WHERE id = ?"), {nowText, d.id}, &done);
            if (done) {
                m_db.run(QStringLiteral("UPDATE approval_stages SET status = 'Expired' WHERE request_id = ? AND status IN "
                                        "('InProgress', 'NotStarted')"),
                         {d.id}, &done);
            }
            if (!done
                || !record(d, kind, pimActivity(kind, "Add member to role canceled (PIM activation)"), "Assign", d.correlationId,
                           "Expired: no decision within the request's lifetime", AuditResult::Timeout, true)) {
                return false;
            }
            ++applied;
        }
        return true;
    });
    applied += runDueReviews();
    return applied;
}

Timestamp Engine::nextDue()
{
    const QVariant v = m_db.scalar(QStringLiteral(
        "SELECT MIN(t) FROM (SELECT MIN(start_at) AS t FROM assignments WHERE state = 'Scheduled' "
        "UNION ALL SELECT MIN(end_at) FROM assignments WHERE state = 'Active' AND end_at IS NOT NULL "
        "UNION ALL SELECT MIN(pending_until) FROM requests WHERE status = 'PendingApproval' "
        "UNION ALL SELECT MIN(end_at) FROM review_instances WHERE status = 'InProgress') AS due"));
    return fromSqlTime(v);
}

} // namespace Elevate::Server
