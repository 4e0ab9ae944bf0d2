// The access review half of Engine (graph-contract.md 6).
#include "Engine.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "EngineSupport.h"
#include "SqlTime.h"

namespace Elevate::Server {

using namespace EngineSupport;

namespace {

const QString ReviewService = QStringLiteral("Access Reviews");
const QString ReviewCategory = QStringLiteral("Policy");

const QString DecisionSelect = QStringLiteral(
    "SELECT d.id, d.instance_id, d.kind, d.principal_id, d.target_id, d.decision, d.justification, d.recommendation, "
    "d.reviewed_by, d.reviewed_at, d.applied_at, d.apply_result, u.display_name, u.user_principal_name "
    "FROM review_decisions d LEFT JOIN users u ON u.id = d.principal_id");

QString decisionActivity(ReviewDecisionValue v, bool bulk)
{
    switch (v) {
    case ReviewDecisionValue::Approve:
        return bulk ? QStringLiteral("Bulk Approve decisions") : QStringLiteral("Approve decision");
    case ReviewDecisionValue::Deny:
        return bulk ? QStringLiteral("Bulk Deny decisions") : QStringLiteral("Deny decision");
    case ReviewDecisionValue::DontKnow:
        return bulk ? QStringLiteral("Bulk Don't know decisions") : QStringLiteral("Don't know decision");
    case ReviewDecisionValue::NotReviewed:
    case ReviewDecisionValue::Unknown:
        break;
    }
    return bulk ? QStringLiteral("Bulk Reset decisions") : QStringLiteral("Reset decision");
}

} // namespace

namespace {

bool isReviewer(Database& db, const QString& definitionId, const QString& userId)
{
    return db.scalar(QStringLiteral("SELECT COUNT(*) FROM review_definition_reviewers WHERE definition_id = ? AND reviewer_id = ?"),
                     {definitionId, userId})
               .toLongLong()
         > 0;
}

// The instance's status, or empty when it does not belong to the definition.
QString instanceStatus(Database& db, const QString& definitionId, const QString& instanceId)
{
    return db.scalar(QStringLiteral("SELECT status FROM review_instances WHERE id = ? AND definition_id = ?"),
                     {instanceId, definitionId})
        .toString();
}

// A reviewer acting on an instance that is still open: nullopt, or why not.
std::optional<EngineError> checkOpenForReviewer(Database& db, const Caller& caller, const QString& definitionId,
                                                const QString& instanceId)
{
    if (!isReviewer(db, definitionId, caller.userId)) {
        return forbidden(QStringLiteral("You are not a reviewer of this access review."));
    }
    const QString status = instanceStatus(db, definitionId, instanceId);
    if (status.isEmpty()) {
        return notFound(QStringLiteral("No such review instance."));
    }
    if (status != u"InProgress") {
        return conflict(QStringLiteral("AccessReviewNotInProgress"), QStringLiteral("This review has ended."));
    }
    return std::nullopt;
}

} // namespace

Outcome<AccessReviewDefinition> Engine::createReview(const Caller& caller, const QString& displayName, PimKind kind,
                                                     const QString& targetId, const QStringList& reviewerIds,
                                                     int durationDays, bool justificationRequired)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators create access reviews."));
    }
    if (displayName.trimmed().isEmpty() || reviewerIds.isEmpty() || durationDays < 1 || durationDays > 365) {
        return badRequest(QStringLiteral("InvalidRequest"),
                          QStringLiteral("A review needs a name, at least one reviewer and 1 to 365 days."));
    }
    QString targetName;
    if (kind == PimKind::Group) {
        const auto g = group(targetId);
        if (!g) {
            return notFound(QStringLiteral("No such group."));
        }
        targetName = g->displayName;
    } else {
        const auto r = roleDefinition(targetId);
        if (!r) {
            return notFound(QStringLiteral("No such role."));
        }
        targetName = r->displayName;
    }
    for (const QString& reviewer : reviewerIds) {
        if (!user(reviewer)) {
            return badRequest(QStringLiteral("SubjectNotFound"), QStringLiteral("No such reviewer: %1").arg(reviewer));
        }
    }
    const Timestamp now = m_clock.now();
    const QString nowText = toSqlTime(now);
    const QString definitionId = newId();
    const QString instanceId = newId();
    const Timestamp end = now.plusSeconds(qint64(durationDays) * 86400);
    const Timestamp inactiveSince = now.plusSeconds(-qint64(m_options.recommendationInactivityDays) * 86400);
    const bool ok = m_db.transaction([&] {
        bool done = false;
        m_db.run(QStringLiteral("INSERT INTO review_definitions (id, display_name, description_for_reviewers, status, created_at, "
                                "created_by, scope_kind, scope_target_id, justification_required, duration_days) "
                                "VALUES (?,?,?,'InProgress',?,?,?,?,?,?)"),
                 {definitionId, displayName,
                  QStringLiteral("Does each person still need %1?").arg(targetName), nowText, caller.userId, kindText(kind),
                  targetId, justificationRequired ? 1 : 0, durationDays},
                 &done);
        for (const QString& reviewer : reviewerIds) {
            if (done) {
                m_db.run(QStringLiteral("INSERT INTO review_definition_reviewers (definition_id, reviewer_id) VALUES (?,?)"),
                         {definitionId, reviewer}, &done);
            }
        }
        if (done) {
            m_db.run(QStringLiteral("INSERT INTO review_instances (id, definition_id, start_at, end_at, status) VALUES "
                                    "(?,?,?,?,'InProgress')"),
                     {instanceId, definitionId, nowText, toSqlTime(end)}, &done);
        }
        // One decision per current eligibility; recommend Deny when the role went unused. Who
        // used it is read once, in one pass over the assignments (ended ones are in no index by
        // principal), not looked up again for each eligibility.
        QSqlQuery elig = m_db.run(QStringLiteral("SELECT e.id, e.principal_id, e.scope_id, CASE WHEN e.principal_id IN (SELECT "
                                                 "a.principal_id FROM assignments a WHERE a.kind = ? AND a.target_id = ? AND "
                                                 "a.assignment_type = 'Activated' AND a.start_at >= ?) THEN 1 ELSE 0 END FROM "
                                                 "eligibilities e WHERE e.kind = ? AND e.target_id = ? AND (e.end_at IS NULL "
                                                 "OR e.end_at > ?)"),
                                  {kindText(kind), targetId, toSqlTime(inactiveSince), kindText(kind), targetId, nowText});
        struct Row
        {
            QString eligibilityId, principalId, scopeId;
            bool used;
        };
        QList<Row> rows;
        while (elig.next()) {
            rows << Row{elig.value(0).toString(), elig.value(1).toString(), elig.value(2).toString(),
                        elig.value(3).toLongLong() > 0};
        }
        for (const Row& row : rows) {
            if (done) {
                m_db.run(QStringLiteral("INSERT INTO review_decisions (id, instance_id, kind, principal_id, target_id, scope_id, "
                                        "assignment_source_id, recommendation) VALUES (?,?,?,?,?,?,?,?)"),
                         {newId(), instanceId, kindText(kind), row.principalId, targetId, row.scopeId, row.eligibilityId,
                          row.used ? QStringLiteral("Approve") : QStringLiteral("Deny")},
                         &done);
            }
        }
        if (!done) {
            return false;
        }
        AuditEvent e = makeEvent(caller, now, ReviewCategory, ReviewService, QStringLiteral("Create access review"),
                                 QStringLiteral("Add"), definitionId, QString());
        addTarget(e, definitionId, displayName, QStringLiteral("Other"));
        addDetail(e, QStringLiteral("Decisions"), QString::number(rows.size()));
        return m_audit->append(e);
    });
    if (!ok) {
        return storeFailure(QStringLiteral("The review could not be created."));
    }
    return reviewDefinition(caller, definitionId);
}

Outcome<AccessReviewDefinition> Engine::reviewDefinition(const Caller& caller, const QString& definitionId)
{
    QSqlQuery q = m_db.run(QStringLiteral("SELECT id, display_name, description_for_admins, description_for_reviewers, status, "
                                          "created_at, created_by, scope_kind, scope_target_id, justification_required, "
                                          "duration_days FROM review_definitions WHERE id = ?"),
                           {definitionId});
    if (!q.next()) {
        return notFound(QStringLiteral("No such access review."));
    }
    if (!caller.isAdmin && !caller.isAuditor && !isReviewer(m_db, definitionId, caller.userId)) {
        return forbidden(QStringLiteral("You are not a reviewer of this access review."));
    }
    AccessReviewDefinition d;
    d.id = q.value(0).toString();
    d.displayName = q.value(1).toString();
    d.descriptionForAdmins = q.value(2).toString();
    d.descriptionForReviewers = q.value(3).toString();
    d.status = parseEnum<ReviewStatus>(q.value(4).toString());
    d.createdDateTime = fromSqlTime(q.value(5));
    d.lastModifiedDateTime = d.createdDateTime;
    d.createdBy = user(q.value(6).toString());
    const PimKind kind = kindFromText(q.value(7).toString());
    const QString target = q.value(8).toString();
    d.scope = AccessReviewQuery{
        QStringLiteral("accessReviewQueryScope"),
        kind == PimKind::Group
            ? QStringLiteral("/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '%1'").arg(target)
            : QStringLiteral("/roleManagement/directory/roleEligibilityScheduleInstances?$filter=roleDefinitionId eq '%1'").arg(target),
        QStringLiteral("MicrosoftGraph"), QString()};
    d.settings.justificationRequiredOnApproval = q.value(9).toBool();
    d.settings.recommendationsEnabled = true;
    d.settings.autoApplyDecisionsEnabled = true;
    d.settings.instanceDurationInDays = q.value(10).toInt();
    QSqlQuery r = m_db.run(QStringLiteral("SELECT reviewer_id FROM review_definition_reviewers WHERE definition_id = ?"),
                           {definitionId});
    while (r.next()) {
        d.reviewers << AccessReviewQuery{QString(), QStringLiteral("/users/") + r.value(0).toString(),
                                         QStringLiteral("MicrosoftGraph"), QString()};
    }
    return d;
}

Outcome<QList<AccessReviewDefinition>> Engine::reviewDefinitions(const Caller& caller, bool mineOnly)
{
    if (!mineOnly && !caller.isAdmin && !caller.isAuditor) {
        return forbidden(QStringLiteral("Only administrators and auditors list every access review."));
    }
    QSqlQuery q = mineOnly ? m_db.run(QStringLiteral("SELECT d.id FROM review_definitions d JOIN review_definition_reviewers r "
                                                     "ON r.definition_id = d.id WHERE r.reviewer_id = ? ORDER BY d.created_at DESC"),
                                      {caller.userId})
                           : m_db.run(QStringLiteral("SELECT id FROM review_definitions ORDER BY created_at DESC"));
    QStringList ids;
    while (q.next()) {
        ids << q.value(0).toString();
    }
    QList<AccessReviewDefinition> out;
    for (const QString& id : ids) {
        if (auto d = reviewDefinition(caller, id)) {
            out << *d;
        }
    }
    return out;
}

Outcome<QList<AccessReviewInstance>> Engine::reviewInstances(const Caller& caller, const QString& definitionId, bool mineOnly)
{
    const auto d = reviewDefinition(caller, definitionId);
    if (!d) {
        return d.error();
    }
    if (mineOnly && !isReviewer(m_db, definitionId, caller.userId)) {
        return QList<AccessReviewInstance>{};
    }
    QSqlQuery q = m_db.run(QStringLiteral("SELECT id, start_at, end_at, status FROM review_instances WHERE definition_id = ? "
                                          "ORDER BY start_at DESC"),
                           {definitionId});
    QList<AccessReviewInstance> out;
    while (q.next()) {
        AccessReviewInstance i;
        i.id = q.value(0).toString();
        i.startDateTime = fromSqlTime(q.value(1));
        i.endDateTime = fromSqlTime(q.value(2));
        i.status = parseEnum<ReviewStatus>(q.value(3).toString());
        i.scope = d->scope;
        i.reviewers = d->reviewers;
        out << i;
    }
    return out;
}

Outcome<QList<ReviewDecision>> Engine::reviewDecisions(const Caller& caller, const QString& definitionId,
                                                       const QString& instanceId, const ListQuery& query)
{
    if (!caller.isAdmin && !caller.isAuditor && !isReviewer(m_db, definitionId, caller.userId)) {
        return forbidden(QStringLiteral("You are not a reviewer of this access review."));
    }
    if (instanceStatus(m_db, definitionId, instanceId).isEmpty()) {
        return notFound(QStringLiteral("No such review instance."));
    }
    bool ok = false;
    QSqlQuery q = runListing(m_db, DecisionSelect + QStringLiteral(" WHERE d.instance_id = ?"), {instanceId}, query,
                             QStringLiteral("u.display_name, d.id"), &ok);
    if (!ok) {
        return storeFailure(QStringLiteral("The decisions could not be read."));
    }
    QList<ReviewDecision> out;
    while (q.next()) {
        ReviewDecision d;
        d.id = q.value(0).toString();
        d.accessReviewId = q.value(1).toString();
        const PimKind kind = kindFromText(q.value(2).toString());
        d.principal = Identity{q.value(3).toString(), q.value(12).toString(), q.value(13).toString(), QStringLiteral("userIdentity")};
        d.principalLink = QStringLiteral("/v1.0/users/") + d.principal.id;
        d.target = Identity{d.principal.id, d.principal.displayName, d.principal.userPrincipalName,
                            QStringLiteral("accessReviewInstanceDecisionItemUserTarget")};
        d.resource = ReviewedResource{QString(), q.value(4).toString(), QString(),
                                      kind == PimKind::Group ? QStringLiteral("Group") : QStringLiteral("DirectoryRole")};
        d.decision = parseEnum<ReviewDecisionValue>(q.value(5).toString());
        d.justification = q.value(6).toString();
        d.recommendation = parseEnum<ReviewRecommendation>(q.value(7).toString());
        if (!q.value(8).isNull()) {
            d.reviewedBy = Identity{q.value(8).toString(), QString(), QString(), QString()};
        }
        d.reviewedDateTime = fromSqlTime(q.value(9));
        d.appliedDateTime = fromSqlTime(q.value(10));
        d.applyResult = parseEnum<ApplyResult>(q.value(11).toString());
        out << d;
    }
    for (ReviewDecision& d : out) {
        if (d.resource) {
            d.resource->displayName = d.resource->type == u"Group" ? group(d.resource->id).value_or(GroupInfo{}).displayName
                                                                   : roleDefinition(d.resource->id).value_or(RoleDefinition{}).displayName;
        }
        if (d.reviewedBy) {
            d.reviewedBy = user(d.reviewedBy->id).value_or(*d.reviewedBy);
        }
    }
    return out;
}

Outcome<void> Engine::recordDecision(const Caller& caller, const QString& definitionId, const QString& instanceId,
                                     const QString& decisionId, const ReviewDecisionUpdate& update)
{
    if (update.decision == ReviewDecisionValue::Unknown) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("decision must be Approve, Deny, DontKnow or NotReviewed."));
    }
    if (auto refusal = checkOpenForReviewer(m_db, caller, definitionId, instanceId)) {
        return *refusal;
    }
    const QVariant justificationRequired =
        m_db.scalar(QStringLiteral("SELECT justification_required FROM review_definitions WHERE id = ?"), {definitionId});
    if (update.decision == ReviewDecisionValue::Approve && justificationRequired.toBool()
        && update.justification.trimmed().isEmpty()) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("A justification is required to approve."));
    }
    const Timestamp now = m_clock.now();
    EngineError failure;
    const bool ok = m_db.transaction([&] {
        QSqlQuery q = m_db.run(DecisionSelect + QStringLiteral(" WHERE d.id = ? AND d.instance_id = ?"), {decisionId, instanceId});
        if (!q.next()) {
            failure = notFound(QStringLiteral("No such decision."));
            return false;
        }
        const QString principalId = q.value(3).toString();
        const QString principalName = q.value(12).toString();
        bool done = false;
        const bool reset = update.decision == ReviewDecisionValue::NotReviewed;
        m_db.run(QStringLiteral("UPDATE review_decisions SET decision = ?, justification = ?, reviewed_by = ?, reviewed_at = ? "
                                "WHERE id = ?"),
                 {enumName(update.decision), update.justification,
                  reset ? QVariant() : QVariant(caller.userId),
                  reset ? QVariant() : QVariant(toSqlTime(now)), decisionId},
                 &done);
        if (!done) {
            return false;
        }
        AuditEvent e = makeEvent(caller, now, ReviewCategory, ReviewService, decisionActivity(update.decision, false),
                                 QStringLiteral("Update"), instanceId, update.justification);
        addTarget(e, decisionId, principalName, QStringLiteral("Other"));
        addTarget(e, principalId, principalName, QStringLiteral("User"));
        return m_audit->append(e);
    });
    if (!ok) {
        return failure.code.isEmpty() ? storeFailure(QStringLiteral("The decision could not be saved.")) : failure;
    }
    return {};
}

Outcome<int> Engine::batchRecordDecisions(const Caller& caller, const QString& definitionId, const QString& instanceId,
                                          const BatchRecordDecisions& batch)
{
    if (batch.decision == ReviewDecisionValue::Unknown) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("decision must be Approve, Deny, DontKnow or NotReviewed."));
    }
    if (auto refusal = checkOpenForReviewer(m_db, caller, definitionId, instanceId)) {
        return *refusal;
    }
    if (batch.decision == ReviewDecisionValue::Approve && batch.justification.trimmed().isEmpty()
        && m_db.scalar(QStringLiteral("SELECT justification_required FROM review_definitions WHERE id = ?"), {definitionId}).toBool()) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("A justification is required to approve."));
    }
    const Timestamp now = m_clock.now();
    int changed = 0;
    const bool ok = m_db.transaction([&] {
        QSqlQuery q = m_db.prepare(QStringLiteral("UPDATE review_decisions SET decision = ?, justification = ?, reviewed_by = ?, "
                                                  "reviewed_at = ? WHERE instance_id = ? AND (? = '' OR principal_id = ?) AND "
                                                  "(? = '' OR target_id = ?)"));
        if (!m_db.exec(q, {enumName(batch.decision), batch.justification, caller.userId, toSqlTime(now), instanceId,
                           batch.principalId, batch.principalId, batch.resourceId, batch.resourceId})) {
            return false;
        }
        changed = q.numRowsAffected();
        AuditEvent e = makeEvent(caller, now, ReviewCategory, ReviewService, decisionActivity(batch.decision, true),
                                 QStringLiteral("Update"), instanceId, batch.justification);
        addTarget(e, instanceId, QString(), QStringLiteral("Other"));
        addDetail(e, QStringLiteral("Decisions"), QString::number(changed));
        return m_audit->append(e);
    });
    if (!ok) {
        return storeFailure(QStringLiteral("The decisions could not be saved."));
    }
    return changed;
}

Outcome<int> Engine::acceptRecommendations(const Caller& caller, const QString& definitionId, const QString& instanceId)
{
    if (auto refusal = checkOpenForReviewer(m_db, caller, definitionId, instanceId)) {
        return *refusal;
    }
    const Timestamp now = m_clock.now();
    int changed = 0;
    const bool ok = m_db.transaction([&] {
        QSqlQuery q = m_db.prepare(QStringLiteral("UPDATE review_decisions SET decision = recommendation, justification = "
                                                  "'Accepted the recommendation', reviewed_by = ?, reviewed_at = ? WHERE "
                                                  "instance_id = ? AND decision = 'NotReviewed' AND recommendation IN "
                                                  "('Approve', 'Deny')"));
        if (!m_db.exec(q, {caller.userId, toSqlTime(now), instanceId})) {
            return false;
        }
        changed = q.numRowsAffected();
        AuditEvent e = makeEvent(caller, now, ReviewCategory, ReviewService, QStringLiteral("Accept recommendations"),
                                 QStringLiteral("Update"), instanceId, QString());
        addTarget(e, instanceId, QString(), QStringLiteral("Other"));
        addDetail(e, QStringLiteral("Decisions"), QString::number(changed));
        return m_audit->append(e);
    });
    if (!ok) {
        return storeFailure(QStringLiteral("The decisions could not be saved."));
    }
    return changed;
}

Outcome<void> Engine::stopReview(const Caller& caller, const QString& definitionId, const QString& instanceId)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators stop access reviews."));
    }
    const QString status = instanceStatus(m_db, definitionId, instanceId);
    if (status.isEmpty()) {
        return notFound(QStringLiteral("No such review instance."));
    }
    if (status != u"InProgress") {
        return conflict(QStringLiteral("AccessReviewNotInProgress"), QStringLiteral("This review has already ended."));
    }
    if (!applyReviewInstance(instanceId, caller)) {
        return storeFailure(QStringLiteral("The review could not be stopped."));
    }
    return {};
}

bool Engine::applyReviewInstance(const QString& instanceId, const Caller& caller)
{
    const Timestamp now = m_clock.now();
    const QString nowText = toSqlTime(now);
    return m_db.transaction([&] {
        bool done = false;
        // The claim: only the transaction that moves it out of InProgress applies it. Another
        // elevated instance on the same database may have read it as due at the same moment.
        QSqlQuery claim = m_db.run(QStringLiteral("UPDATE review_instances SET status = 'Applied', end_at = CASE WHEN end_at > ? "
                                                  "THEN ? ELSE end_at END WHERE id = ? AND status = 'InProgress'"),
                                   {nowText, nowText, instanceId}, &done);
        if (!done || claim.numRowsAffected() != 1) {
            return false;
        }
        const QString definitionId =
            m_db.scalar(QStringLiteral("SELECT definition_id FROM review_instances WHERE id = ?"), {instanceId}).toString();
        m_db.run(QStringLiteral("UPDATE review_definitions SET status = 'Completed' WHERE id = ?"), {definitionId}, &done);
        AuditEvent ended = makeEvent(caller, now, ReviewCategory, ReviewService, QStringLiteral("Access review ended"),
                                     QStringLiteral("Update"), instanceId, QString());
        addTarget(ended, instanceId, QString(), QStringLiteral("Other"));
        if (!done || !m_audit->append(ended)) {
            return false;
        }
        // Denied access is removed: the eligibility ends, and so does any activation from it.
        QSqlQuery denied = m_db.run(QStringLiteral("SELECT id, assignment_source_id, principal_id, target_id FROM review_decisions "
                                                   "WHERE instance_id = ? AND decision = 'Deny' AND applied_at IS NULL"),
                                    {instanceId});
        struct Denial
        {
            QString id, eligibilityId, principalId, targetId;
        };
        QList<Denial> denials;
        while (denied.next()) {
            denials << Denial{denied.value(0).toString(), denied.value(1).toString(), denied.value(2).toString(),
                              denied.value(3).toString()};
        }
        for (const Denial& d : denials) {
            m_db.run(QStringLiteral("UPDATE eligibilities SET end_at = ? WHERE id = ? AND (end_at IS NULL OR end_at > ?)"),
                     {nowText, d.eligibilityId, nowText}, &done);
            if (done) {
                m_db.run(QStringLiteral("UPDATE assignments SET state = 'Ended', ended_at = ? WHERE eligibility_id = ? AND state "
                                        "IN ('Active', 'Scheduled')"),
                         {nowText, d.eligibilityId}, &done);
            }
            if (done) {
                m_db.run(QStringLiteral("UPDATE review_decisions SET applied_at = ?, apply_result = 'AppliedSuccessfully' "
                                        "WHERE id = ?"),
                         {nowText, d.id}, &done);
            }
            AuditEvent e = makeEvent(caller, now, ReviewCategory, ReviewService, QStringLiteral("Apply decision"),
                                     QStringLiteral("Delete"), instanceId, QStringLiteral("Denied in access review"));
            addTarget(e, d.targetId, QString(), QStringLiteral("Role"));
            addTarget(e, d.principalId, QString(), QStringLiteral("User"));
            if (!done || !m_audit->append(e)) {
                return false;
            }
        }
        m_db.run(QStringLiteral("UPDATE review_decisions SET applied_at = ?, apply_result = 'AppliedSuccessfully' WHERE "
                                "instance_id = ? AND decision = 'Approve' AND applied_at IS NULL"),
                 {nowText, instanceId}, &done);
        return done;
    });
}

int Engine::runDueReviews()
{
    QSqlQuery q = m_db.run(QStringLiteral("SELECT id FROM review_instances WHERE status = 'InProgress' AND end_at <= ?"),
                           {toSqlTime(m_clock.now())});
    QStringList ids;
    while (q.next()) {
        ids << q.value(0).toString();
    }
    int applied = 0;
    for (const QString& id : ids) {
        if (applyReviewInstance(id, Caller{})) {
            ++applied;
        }
    }
    return applied;
}

} // namespace Elevate::Server
