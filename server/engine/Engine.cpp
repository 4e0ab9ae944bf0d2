#include "Engine.h"

#include "AuditLog.h"
#include "BuiltInRoles.h"
#include "Clock.h"
#include "Database.h"
#include "EngineSupport.h"
#include "GraphCodec.h"
#include "PolicyCheck.h"
#include "SqlTime.h"

#include <QLoggingCategory>

namespace Elevate::Server {

Q_LOGGING_CATEGORY(lcEngine, "elevate.server.engine")

using namespace EngineSupport;

namespace EngineSupport {

AuditEvent makeEvent(const Caller& caller,
                     const Timestamp& when,
                     const QString& category,
                     const QString& service,
                     const QString& activity,
                     const QString& operationType,
                     const QString& correlationId,
                     const QString& resultReason)
{
    AuditEvent e;
    e.category = category;
    e.loggedByService = service;
    e.activityDisplayName = activity;
    e.activityDateTime = when;
    e.operationType = operationType;
    e.correlationId = correlationId;
    e.result = AuditResult::Success;
    e.resultReason = resultReason;
    if (caller.isValid()) {
        AuditEvent::UserInitiator u;
        u.id = caller.userId;
        u.displayName = caller.displayName;
        u.userPrincipalName = caller.userPrincipalName;
        u.ipAddress = caller.ipAddress;
        e.initiatedByUser = u;
    } else {
        e.initiatedByApp = AuditEvent::AppInitiator{QStringLiteral("elevated"), QStringLiteral("elevated scheduler"),
                                                    QString(), QStringLiteral("elevated")};
    }
    return e;
}

void addTarget(AuditEvent& event, const QString& id, const QString& displayName, const QString& type,
               const QString& userPrincipalName)
{
    AuditEvent::TargetResource t;
    t.id = id;
    t.displayName = displayName;
    t.type = type;
    t.userPrincipalName = userPrincipalName;
    event.targetResources << t;
}

void addDetail(AuditEvent& event, const QString& key, const QString& value)
{
    event.additionalDetails << AuditEvent::KeyValue{key, value};
}

namespace {

// The listing's statement, its bindings appended to `bindings`; runs the $count query first when
// the listing asks for one.
QString listingSql(Database& db, const QString& base, QVariantList& bindings, const ListQuery& query,
                   const QString& defaultOrder)
{
    QString sql = base;
    if (!query.where.isEmpty()) {
        sql += QStringLiteral(" AND (") + query.where + u')';
        bindings << query.bindings;
    }
    if (query.total) {
        QSqlQuery count = db.prepare(QStringLiteral("SELECT COUNT(*) FROM (") + sql + QStringLiteral(") AS matching"));
        for (int i = 0; i < bindings.size(); ++i) {
            count.bindValue(i, Database::bindable(bindings.at(i)));
        }
        *query.total = db.exec(count) && count.next() ? count.value(0).toLongLong() : -1;
    }
    return sql + QStringLiteral(" ORDER BY ") + (query.orderBy.isEmpty() ? defaultOrder : query.orderBy)
         + QStringLiteral(" LIMIT %1 OFFSET %2").arg(qMax(0, query.top)).arg(qMax(0, query.skip));
}

} // namespace

QSqlQuery runListing(Database& db, const QString& base, QVariantList bindings, const ListQuery& query,
                     const QString& defaultOrder, bool* ok)
{
    const QString sql = listingSql(db, base, bindings, query, defaultOrder);
    QSqlQuery q = db.prepare(sql);
    for (int i = 0; i < bindings.size(); ++i) {
        q.bindValue(i, Database::bindable(bindings.at(i)));
    }
    *ok = db.exec(q);
    return q;
}

Database::Rows readListing(Database& db, const QString& base, QVariantList bindings, const ListQuery& query,
                           const QString& defaultOrder)
{
    const QString sql = listingSql(db, base, bindings, query, defaultOrder);
    return db.read(sql, bindings);
}

} // namespace EngineSupport

namespace {

// Columns read by eligibilityFromRow / assignmentFromRow / requestFromRow, in order.
const QString EligibilityColumns =
    QStringLiteral("id, kind, principal_id, target_id, scope_id, start_at, end_at, member_type");
const QString AssignmentColumns = QStringLiteral(
    "id, kind, principal_id, target_id, scope_id, start_at, end_at, member_type, assignment_type, request_id, "
    "eligibility_id, state");

// The columns eligibilities and assignments share, in the order of EligibilityColumns.
template <typename Instance>
Instance instanceFromRow(const QSqlQuery& q)
{
    Instance x;
    x.id = q.value(0).toString();
    setTarget(x, kindFromText(q.value(1).toString()), q.value(3).toString(), q.value(4).toString());
    x.principalId = q.value(2).toString();
    x.startDateTime = fromSqlTime(q.value(5));
    x.endDateTime = fromSqlTime(q.value(6));
    x.memberType = parseEnum<MemberType>(q.value(7).toString());
    x.scheduleId = x.id;
    return x;
}

Eligibility eligibilityFromRow(const QSqlQuery& q)
{
    return instanceFromRow<Eligibility>(q);
}

ActiveAssignment assignmentFromRow(const QSqlQuery& q)
{
    ActiveAssignment a = instanceFromRow<ActiveAssignment>(q);
    a.assignmentType = parseEnum<AssignmentType>(q.value(8).toString());
    a.roleAssignmentOriginId = q.value(9).toString();
    return a;
}

bool validScope(PimKind kind, const QString& scopeId)
{
    if (kind == PimKind::Group) {
        return parseEnum<GroupAccess>(scopeId) != GroupAccess::Unknown;
    }
    return scopeId.startsWith(u'/');
}

} // namespace

Engine::Engine(Database& db, const Clock& clock, Options options)
    : m_db(db)
    , m_clock(clock)
    , m_options(options)
    , m_audit(new AuditLog(db))
{
}

Engine::~Engine()
{
    delete m_audit;
}

AuditLog& Engine::auditLog()
{
    return *m_audit;
}

// ---- directory ---------------------------------------------------------------------------------

Outcome<RoleDefinition> Engine::addRoleDefinition(const Caller& caller, const RoleDefinition& role)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators manage role definitions."));
    }
    if (role.id.isEmpty() || role.displayName.trimmed().isEmpty()) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("A role needs an id and a display name."));
    }
    QString error;
    const bool ok = m_db.transaction(
        [&] {
            bool done = false;
            m_db.run(QStringLiteral("INSERT INTO role_definitions (id, display_name, description, is_built_in, "
                                    "template_id) VALUES (?,?,?,?,?)"),
                     {role.id, role.displayName, role.description, role.isBuiltIn ? 1 : 0, role.templateId},
                     &done);
            return done;
        },
        &error);
    if (!ok) {
        return conflict(QStringLiteral("RoleDefinitionExists"), QStringLiteral("The role could not be added: %1").arg(error));
    }
    return role;
}

Outcome<GroupInfo> Engine::addGroup(const Caller& caller, const GroupInfo& group, const QStringList& memberIds)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators manage groups."));
    }
    GroupInfo g = group;
    if (g.id.isEmpty()) {
        g.id = newId();
    }
    QString error;
    const bool ok = m_db.transaction(
        [&] {
            bool done = false;
            m_db.run(QStringLiteral("INSERT INTO groups (id, display_name, description) VALUES (?,?,?)"),
                     {g.id, g.displayName, g.description},
                     &done);
            for (const QString& member : memberIds) {
                if (done) {
                    m_db.run(QStringLiteral("INSERT INTO group_members (group_id, user_id) VALUES (?,?)"),
                             {g.id, member},
                             &done);
                }
            }
            return done;
        },
        &error);
    if (!ok) {
        return conflict(QStringLiteral("GroupExists"), QStringLiteral("The group could not be added: %1").arg(error));
    }
    return g;
}

int Engine::ensureBuiltInRoles()
{
    int added = 0;
    const Timestamp now = m_clock.now();
    const bool ok = m_db.transaction([&] {
        for (const RoleDefinition& role : builtInRoles()) {
            if (roleDefinition(role.id)) {
                continue;
            }
            bool done = false;
            m_db.run(QStringLiteral("INSERT INTO role_definitions (id, display_name, description, is_built_in, template_id) "
                                    "VALUES (?,?,?,1,?)"),
                     {role.id, role.displayName, role.description, role.templateId}, &done);
            if (!done) {
                return false;
            }
            ++added;
        }
        if (added == 0) {
            return true;
        }
        AuditEvent event = makeEvent(Caller{}, now, QStringLiteral("RoleManagement"), PimService,
                                     QStringLiteral("Add built-in role definitions"), QStringLiteral("Add"), QString(), QString());
        addDetail(event, QStringLiteral("Count"), QString::number(added));
        return m_audit->append(event);
    });
    return ok ? added : -1;
}

std::optional<RoleDefinition> Engine::roleDefinition(const QString& id)
{
    Database::Rows q = m_db.read(
        QStringLiteral("SELECT id, display_name, description, is_built_in, template_id FROM role_definitions WHERE id = ?"),
        {id});
    if (!q.next()) {
        return std::nullopt;
    }
    RoleDefinition r;
    r.id = q.value(0).toString();
    r.displayName = q.value(1).toString();
    r.description = q.value(2).toString();
    r.isBuiltIn = q.value(3).toBool();
    r.templateId = q.value(4).toString();
    r.isEnabled = true;
    return r;
}

QList<RoleDefinition> Engine::roleDefinitions(const ListQuery& query)
{
    bool ok = false;
    QSqlQuery q = runListing(m_db, QStringLiteral("SELECT id FROM role_definitions WHERE 1=1"), {}, query,
                             QStringLiteral("display_name, id"), &ok);
    QStringList ids;
    while (ok && q.next()) {
        ids << q.value(0).toString();
    }
    QList<RoleDefinition> out;
    for (const QString& id : ids) {
        if (auto r = roleDefinition(id)) {
            out << *r;
        }
    }
    return out;
}

std::optional<GroupInfo> Engine::group(const QString& id)
{
    Database::Rows q = m_db.read(QStringLiteral("SELECT id, display_name, description FROM groups WHERE id = ?"), {id});
    if (!q.next()) {
        return std::nullopt;
    }
    return GroupInfo{q.value(0).toString(), q.value(1).toString(), q.value(2).toString()};
}

std::optional<Identity> Engine::user(const QString& id)
{
    Database::Rows q = m_db.read(
        QStringLiteral("SELECT id, display_name, user_principal_name FROM users WHERE id = ?"), {id});
    if (!q.next()) {
        return std::nullopt;
    }
    return Identity{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), QStringLiteral("user")};
}

std::optional<QString> Engine::userIdByName(const QString& userNameOrId)
{
    const QVariant v = m_db.scalar(QStringLiteral("SELECT id FROM users WHERE id = ? OR user_name = ?"),
                                   {userNameOrId, userNameOrId.toLower()});
    if (!v.isValid() || v.isNull()) {
        return std::nullopt;
    }
    return v.toString();
}

Outcome<Eligibility> Engine::addEligibility(const Caller& caller,
                                            PimKind kind,
                                            const QString& principalId,
                                            const QString& targetId,
                                            const QString& scopeId,
                                            const Timestamp& start,
                                            const Timestamp& end)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators manage eligibilities."));
    }
    const auto principal = user(principalId);
    if (!principal) {
        return badRequest(QStringLiteral("SubjectNotFound"), QStringLiteral("No such user: %1").arg(principalId));
    }
    QString targetName;
    if (kind == PimKind::Group) {
        const auto g = group(targetId);
        if (!g) {
            return badRequest(QStringLiteral("GroupDoesNotExist"), QStringLiteral("No such group: %1").arg(targetId));
        }
        targetName = g->displayName;
    } else {
        const auto r = roleDefinition(targetId);
        if (!r) {
            return badRequest(QStringLiteral("RoleDefinitionDoesNotExist"),
                              QStringLiteral("No such role: %1").arg(targetId));
        }
        targetName = r->displayName;
    }
    if (!validScope(kind, scopeId)) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("Invalid scope: %1").arg(scopeId));
    }
    const Timestamp now = m_clock.now();
    Eligibility e;
    e.id = newId();
    setTarget(e, kind, targetId, scopeId);
    e.principalId = principalId;
    e.startDateTime = start.isNull() ? now : start;
    e.endDateTime = end;
    e.memberType = MemberType::Direct;
    e.scheduleId = e.id;
    if (!end.isNull() && end <= e.startDateTime) {
        return badRequest(QStringLiteral("InvalidRequest"), QStringLiteral("The eligibility must end after it starts."));
    }
    const bool ok = m_db.transaction([&] {
        bool done = false;
        m_db.run(QStringLiteral("INSERT INTO eligibilities (id, kind, principal_id, target_id, scope_id, start_at, end_at, "
                                "member_type, created_at) VALUES (?,?,?,?,?,?,?,?,?)"),
                 {e.id, kindText(kind), principalId, targetId, scopeId, toSqlTime(e.startDateTime),
                  toSqlTimeOrNull(end), QStringLiteral("Direct"), toSqlTime(now)},
                 &done);
        if (!done) {
            return false;
        }
        AuditEvent event = makeEvent(caller, now, categoryOf(kind), PimService,
                                     end.isNull() ? pimActivity(kind, "Add eligible member to role in PIM completed (permanent)")
                                                  : pimActivity(kind, "Add eligible member to role in PIM completed (timebound)"),
                                     QStringLiteral("Add"), e.id, QString());
        addTarget(event, targetId, targetName, targetType(kind));
        addTarget(event, principalId, principal->displayName, QStringLiteral("User"), principal->userPrincipalName);
        return m_audit->append(event);
    });
    if (!ok) {
        return storeFailure(QStringLiteral("The eligibility could not be saved."));
    }
    return e;
}

Outcome<void> Engine::removeEligibility(const Caller& caller, const QString& eligibilityId)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators manage eligibilities."));
    }
    const Timestamp now = m_clock.now();
    EngineError failure;
    const bool ok = m_db.transaction([&] {
        QSqlQuery q = m_db.run(QStringLiteral("SELECT kind, principal_id, target_id FROM eligibilities WHERE id = ? AND "
                                              "(end_at IS NULL OR end_at > ?)"),
                               {eligibilityId, toSqlTime(now)});
        if (!q.next()) {
            failure = notFound(QStringLiteral("No current eligibility %1.").arg(eligibilityId));
            return false;
        }
        const PimKind kind = kindFromText(q.value(0).toString());
        const QString principalId = q.value(1).toString();
        const QString targetId = q.value(2).toString();
        bool done = false;
        m_db.run(QStringLiteral("UPDATE eligibilities SET end_at = ? WHERE id = ?"), {toSqlTime(now), eligibilityId}, &done);
        if (!done) {
            return false;
        }
        AuditEvent event = makeEvent(caller, now, categoryOf(kind), PimService,
                                     pimActivity(kind, "Remove eligible member from role in PIM completed (permanent)"),
                                     QStringLiteral("Delete"), eligibilityId, QString());
        addTarget(event, targetId, QString(), targetType(kind));
        addTarget(event, principalId, QString(), QStringLiteral("User"));
        return m_audit->append(event);
    });
    if (!ok) {
        return failure.code.isEmpty() ? storeFailure(QStringLiteral("The eligibility could not be removed.")) : failure;
    }
    return {};
}

// ---- policies ----------------------------------------------------------------------------------

RolePolicy Engine::defaultPolicy()
{
    // Entra's defaults for a role nobody configured: 8 h activations, MFA and a justification.
    RolePolicy p;
    p.displayName = QStringLiteral("Default");
    p.isOrganizationDefault = true;
    RuleTarget endUser{RuleCaller::EndUser, RuleLevel::Assignment, {RuleOperation::All}, {}, {}};
    p.expirationRules << ExpirationRule{QStringLiteral("Expiration_EndUser_Assignment"), endUser, true,
                                        IsoDuration::fromHours(8)};
    p.enablementRules << EnablementRule{QStringLiteral("Enablement_EndUser_Assignment"),
                                        endUser,
                                        {EnablementRequirement::Justification}};
    ApprovalRule approval;
    approval.id = QStringLiteral("Approval_EndUser_Assignment");
    approval.target = endUser;
    approval.approvalMode = ApprovalMode::NoApproval;
    p.approvalRules << approval;
    RuleTarget admin{RuleCaller::Admin, RuleLevel::Assignment, {RuleOperation::All}, {}, {}};
    p.expirationRules << ExpirationRule{QStringLiteral("Expiration_Admin_Assignment"), admin, false,
                                        IsoDuration::fromSeconds(180LL * 86400)};
    return p;
}

namespace {

QString policyScopeType(PimKind kind)
{
    return kind == PimKind::Group ? QStringLiteral("Group") : QStringLiteral("DirectoryRole");
}

// Policies are stored per (scope, scope type, role): for roles ("/", DirectoryRole, role id),
// for groups (group id, Group, "member"/"owner").
struct PolicyKey
{
    QString scopeId;
    QString scopeType;
    QString roleDefinitionId;
};

PolicyKey policyKey(PimKind kind, const QString& targetId, const QString& scopeId)
{
    if (kind == PimKind::Group) {
        return {targetId, policyScopeType(kind), scopeId};
    }
    return {QStringLiteral("/"), policyScopeType(kind), targetId};
}

} // namespace

RolePolicy Engine::policyFor(PimKind kind, const QString& targetId, const QString& scopeId)
{
    const PolicyKey key = policyKey(kind, targetId, scopeId);
    const QString cacheKey = key.scopeId + u'|' + key.scopeType + u'|' + key.roleDefinitionId;
    // Decoding a stored policy costs more than the rest of an activation's reads, so decoded
    // policies are kept and re-read only when their row's modification time changes (another
    // elevated on the same database may have changed it).
    Database::Rows stamp = m_db.read(QStringLiteral("SELECT last_modified_at FROM policies WHERE scope_id = ? AND scope_type = ? AND "
                                              "role_definition_id = ?"),
                               {key.scopeId, key.scopeType, key.roleDefinitionId});
    const QString modified = stamp.next() ? stamp.value(0).toString() : QString();
    const auto cached = m_policyCache.constFind(cacheKey);
    if (cached != m_policyCache.constEnd() && cached->first == modified) {
        return cached->second;
    }
    RolePolicy policy;
    bool found = false;
    if (!modified.isEmpty()) {
        QSqlQuery q = m_db.run(QStringLiteral("SELECT body FROM policies WHERE scope_id = ? AND scope_type = ? AND "
                                              "role_definition_id = ?"),
                               {key.scopeId, key.scopeType, key.roleDefinitionId});
        if (q.next()) {
            if (Result<RolePolicy> stored = GraphCodec::decode<RolePolicy>(q.value(0).toString().toUtf8())) {
                policy = *stored;
                found = true;
            } else {
                qCWarning(lcEngine) << "stored policy unreadable, using the default:" << stored.error().toString();
            }
        }
    }
    if (!found) {
        policy = defaultPolicy();
        policy.id = QStringLiteral("Default_%1_%2").arg(key.scopeType, key.roleDefinitionId);
    }
    policy.scopeId = key.scopeId;
    policy.scopeType = parseEnum<PolicyScopeType>(key.scopeType);
    if (m_policyCache.size() > 4096) {
        m_policyCache.clear();
    }
    m_policyCache.insert(cacheKey, {modified, policy});
    return policy;
}

QList<RolePolicyAssignment> Engine::policyAssignments(PimKind kind, const QString& scopeId, const QString& targetFilter)
{
    QList<RolePolicyAssignment> out;
    QStringList targets;
    if (kind == PimKind::Group) {
        // scopeId is the group; roles are member and owner.
        targets = targetFilter.isEmpty() ? QStringList{QStringLiteral("member"), QStringLiteral("owner")}
                                         : QStringList{targetFilter};
        if (!group(scopeId)) {
            return out;
        }
    } else if (!targetFilter.isEmpty()) {
        targets << targetFilter;
    } else {
        for (const RoleDefinition& r : roleDefinitions(ListQuery{QString(), {}, QString(), 1000, 0})) {
            targets << r.id;
        }
    }
    for (const QString& target : targets) {
        const RolePolicy p = kind == PimKind::Group ? policyFor(kind, scopeId, target) : policyFor(kind, target, QStringLiteral("/"));
        RolePolicyAssignment a;
        a.policyId = p.id;
        a.id = p.id + u'_' + target;
        a.scopeId = p.scopeId;
        a.scopeType = p.scopeType;
        a.roleDefinitionId = target;
        a.policy = p;
        out << a;
    }
    return out;
}

Outcome<RolePolicy> Engine::setPolicy(const Caller& caller, PimKind kind, const QString& targetId,
                                      const QString& scopeId, RolePolicy policy)
{
    if (!caller.isAdmin) {
        return forbidden(QStringLiteral("Only administrators change role settings."));
    }
    const PolicyKey key = policyKey(kind, targetId, scopeId);
    if (kind == PimKind::DirectoryRole ? !roleDefinition(targetId) : !group(targetId)) {
        return notFound(QStringLiteral("No such role or group: %1").arg(targetId));
    }
    const Timestamp now = m_clock.now();
    const RolePolicy before = policyFor(kind, targetId, scopeId);
    policy.id = before.isOrganizationDefault ? newId() : before.id;
    policy.isOrganizationDefault = false;
    policy.scopeId = key.scopeId;
    policy.scopeType = parseEnum<PolicyScopeType>(key.scopeType);
    policy.lastModifiedDateTime = now;
    policy.lastModifiedBy = Identity{caller.userId, caller.displayName, caller.userPrincipalName, QString()};
    const QByteArray body = GraphCodec::encode(policy);
    const bool ok = m_db.transaction([&] {
        bool done = false;
        m_db.run(QStringLiteral("DELETE FROM policies WHERE scope_id = ? AND scope_type = ? AND role_definition_id = ?"),
                 {key.scopeId, key.scopeType, key.roleDefinitionId},
                 &done);
        if (!done) {
            return false;
        }
        m_db.run(QStringLiteral("INSERT INTO policies (id, scope_id, scope_type, role_definition_id, body, "
                                "last_modified_at, last_modified_by) VALUES (?,?,?,?,?,?,?)"),
                 {policy.id, key.scopeId, key.scopeType, key.roleDefinitionId, QString::fromUtf8(body),
                  toSqlTime(now), caller.userId},
                 &done);
        if (!done) {
            return false;
        }
        AuditEvent event = makeEvent(caller, now, categoryOf(kind), PimService, QStringLiteral("Update role setting in PIM"),
                                     QStringLiteral("Update"), policy.id, QString());
        addTarget(event, targetId, QString(), targetType(kind));
        AuditEvent::ModifiedProperty change{QStringLiteral("Policy"), QString::fromUtf8(GraphCodec::encode(before)),
                                            QString::fromUtf8(body)};
        AuditEvent::TargetResource policyTarget;
        policyTarget.id = policy.id;
        policyTarget.type = QStringLiteral("Policy");
        policyTarget.modifiedProperties << change;
        event.targetResources << policyTarget;
        return m_audit->append(event);
    });
    if (!ok) {
        return storeFailure(QStringLiteral("The policy could not be saved."));
    }
    m_policyCache.remove(key.scopeId + u'|' + key.scopeType + u'|' + key.roleDefinitionId);
    return policy;
}

// ---- schedules ---------------------------------------------------------------------------------

namespace {

template <typename Instance>
void expandInstance(Engine& engine, Instance& x, const Expand& expand)
{
    if (expand.roleDefinition && x.kind == PimKind::DirectoryRole) {
        x.roleDefinition = engine.roleDefinition(x.roleDefinitionId);
    }
    if (expand.group && x.kind == PimKind::Group) {
        x.group = engine.group(x.groupId);
    }
    if (expand.principal) {
        x.principal = engine.user(x.principalId);
    }
}

} // namespace

namespace {

// The rows of eligibilities or assignments a caller may list: their own, or everyone's for
// administrators and auditors (principalId empty).
std::optional<EngineError> listInstances(Database& db, const Caller& caller, const QString& what, const QString& base,
                                         QVariantList bindings, const QString& principalId, const ListQuery& query,
                                         QSqlQuery* rows)
{
    if (principalId != caller.userId && !caller.isAdmin && !caller.isAuditor) {
        return forbidden(QStringLiteral("You can only list your own %1.").arg(what));
    }
    QString sql = base;
    if (!principalId.isEmpty()) {
        sql += QStringLiteral(" AND principal_id = ?");
        bindings << principalId;
    }
    bool ok = false;
    *rows = runListing(db, sql, bindings, query, QStringLiteral("start_at, id"), &ok);
    if (!ok) {
        return storeFailure(QStringLiteral("The %1 could not be read.").arg(what));
    }
    return std::nullopt;
}

} // namespace

Outcome<QList<Eligibility>> Engine::eligibilities(const Caller& caller, PimKind kind, const QString& principalId,
                                                  const ListQuery& query, const Expand& expand)
{
    QSqlQuery q;
    if (auto error = listInstances(m_db, caller, QStringLiteral("eligibilities"),
                                   QStringLiteral("SELECT ") + EligibilityColumns
                                       + QStringLiteral(" FROM eligibilities WHERE kind = ? AND (end_at IS NULL OR end_at > ?)"),
                                   {kindText(kind), toSqlTime(m_clock.now())}, principalId, query, &q)) {
        return *error;
    }
    QList<Eligibility> out;
    while (q.next()) {
        out << eligibilityFromRow(q);
    }
    for (Eligibility& e : out) {
        expandInstance(*this, e, expand);
    }
    return out;
}

Outcome<QList<ActiveAssignment>> Engine::assignments(const Caller& caller, PimKind kind, const QString& principalId,
                                                     const ListQuery& query, const Expand& expand)
{
    QSqlQuery q;
    if (auto error = listInstances(m_db, caller, QStringLiteral("assignments"),
                                   QStringLiteral("SELECT ") + AssignmentColumns
                                       + QStringLiteral(" FROM assignments WHERE kind = ? AND state = 'Active'"),
                                   {kindText(kind)}, principalId, query, &q)) {
        return *error;
    }
    QList<ActiveAssignment> out;
    QStringList eligibilityIds;
    while (q.next()) {
        out << assignmentFromRow(q);
        eligibilityIds << q.value(10).toString();
    }
    for (qsizetype i = 0; i < out.size(); ++i) {
        expandInstance(*this, out[i], expand);
        if (!eligibilityIds.at(i).isEmpty()) {
            QSqlQuery e = m_db.run(QStringLiteral("SELECT ") + EligibilityColumns
                                       + QStringLiteral(" FROM eligibilities WHERE id = ?"),
                                   {eligibilityIds.at(i)});
            if (e.next()) {
                out[i].activatedUsing = eligibilityFromRow(e);
            }
        }
    }
    return out;
}

qint64 Engine::pendingRequestCount()
{
    // The condition of the index requests_pending, word for word: so the count reads that small
    // index, not the whole table (an IN list does not imply it as far as SQLite sees).
    return m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM requests WHERE status = 'PendingApproval' OR status = "
                                      "'PendingAdminDecision' OR status = 'Granted'"))
        .toLongLong();
}

qint64 Engine::activeAssignmentCount()
{
    return m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM assignments WHERE state = 'Active'")).toLongLong();
}

// ---- audit -------------------------------------------------------------------------------------

Outcome<Done> Engine::auditBodies(const Caller& caller, const ListQuery& query, const AuditBodySink& row)
{
    if (!caller.isAuditor && !caller.isAdmin) {
        return forbidden(QStringLiteral("Only auditors and administrators read the audit log."));
    }
    // The body as a BLOB: its UTF-8 bytes as stored, without a round trip through UTF-16, read
    // straight from the statement (Database::Rows::bytes): a page is a hundred bodies of ~700
    // bytes, copied once, into the answer.
    ListQuery rest = query;
    if (query.timeOnly && query.orderBy.isEmpty() && query.skip == 0) {
        if (const std::optional<Outcome<Done>> done = auditBodiesByRun(query, row)) {
            return *done;
        }
        rest.total = nullptr; // counted already, with the page's keys
    }
    Database::Rows rows = readListing(m_db,
                                      QStringLiteral("SELECT ") + m_db.sql().utf8BytesOf(QStringLiteral("body"))
                                          + QStringLiteral(", activity_at, seq FROM audit_events WHERE 1=1"),
                                      {}, rest, QStringLiteral("activity_at DESC, seq DESC"));
    while (rows.next()) {
        const QByteArrayView body = rows.bytes(0);
        row(body, rows.bytes(1), rows.integer(2));
    }
    if (!rows.ok()) {
        return storeFailure(QStringLiteral("The audit log could not be read."));
    }
    return Done{};
}

std::optional<Outcome<Done>> Engine::auditBodiesByRun(const ListQuery& query, const AuditBodySink& row)
{
    // Read through the time index, each row costs a seek from the table's root by its sequence
    // number (SQLite's shortcut for the next row serves ascending scans only): a fifth of a
    // page's instructions. Rows are appended in time order almost always, so a page's sequence
    // numbers are usually one run, newest first: then the keys come from the index alone and the
    // bodies from one backward scan of that run. Any other page (an event recorded with an
    // earlier time than the one before it) is read the usual way (nullopt).
    Database::Rows keys = readListing(m_db, QStringLiteral("SELECT activity_at, seq FROM audit_events WHERE 1=1"), {},
                                      query, QStringLiteral("activity_at DESC, seq DESC"));
    QByteArray times; // the rows' activity times, back to back
    QList<std::pair<qsizetype, qint64>> page; // (end of the time in `times`, seq)
    page.reserve(qMax(0, query.top));
    while (keys.next()) {
        const qint64 seq = keys.integer(1);
        if (!page.isEmpty() && seq != page.constLast().second - 1) {
            return std::nullopt;
        }
        times += keys.bytes(0);
        page.append({times.size(), seq});
    }
    if (!keys.ok()) {
        return Outcome<Done>(storeFailure(QStringLiteral("The audit log could not be read.")));
    }
    if (page.isEmpty()) {
        return Outcome<Done>(Done{});
    }
    Database::Rows bodies = m_db.read(QStringLiteral("SELECT ") + m_db.sql().utf8BytesOf(QStringLiteral("body"))
                                          + QStringLiteral(", seq FROM audit_events WHERE seq BETWEEN ? AND ? ORDER BY seq DESC"),
                                      {page.constLast().second, page.constFirst().second});
    qsizetype i = 0;
    qsizetype timeStart = 0;
    while (bodies.next()) {
        // The run's rows, in the run's order (rows are never removed; `elevated audit verify`
        // reports it when one was).
        if (i == page.size() || bodies.integer(1) != page.at(i).second) {
            return Outcome<Done>(storeFailure(QStringLiteral("The audit log changed while it was read.")));
        }
        row(bodies.bytes(0), QByteArrayView(times).sliced(timeStart, page.at(i).first - timeStart), page.at(i).second);
        timeStart = page.at(i).first;
        ++i;
    }
    if (!bodies.ok() || i != page.size()) {
        return Outcome<Done>(storeFailure(QStringLiteral("The audit log could not be read.")));
    }
    return Outcome<Done>(Done{});
}

Outcome<QList<QByteArray>> Engine::auditBodies(const Caller& caller, const ListQuery& query,
                                               QList<std::pair<QString, qint64>>* keys)
{
    QList<QByteArray> out;
    const auto done = auditBodies(caller, query, [&](QByteArrayView body, QByteArrayView time, qint64 seq) {
        out << body.toByteArray();
        if (keys) {
            keys->append({QString::fromUtf8(time), seq});
        }
    });
    if (!done) {
        return done.error();
    }
    return out;
}

Outcome<QList<AuditEvent>> Engine::auditEvents(const Caller& caller, const ListQuery& query,
                                               QList<std::pair<QString, qint64>>* keys)
{
    const auto bodies = auditBodies(caller, query, keys);
    if (!bodies) {
        return bodies.error();
    }
    QList<AuditEvent> out;
    QList<std::pair<QString, qint64>> kept;
    for (qsizetype i = 0; i < bodies->size(); ++i) {
        // The bodies were written by the codec; one that no longer decodes was altered, which
        // `elevated audit verify` reports. It is left out here, and so is its paging key.
        if (Result<AuditEvent> e = GraphCodec::decode<AuditEvent>(bodies->at(i))) {
            out << *e;
            if (keys) {
                kept << keys->at(i);
            }
        }
    }
    if (keys) {
        *keys = kept;
    }
    return out;
}

} // namespace Elevate::Server
