#include "Alerts.h"

#include "AuditStore.h"
#include "CacheDatabase.h"
#include "EntityRepository.h"

#include <QMap>

#include <algorithm>

namespace Elevate::Models {

namespace {

constexpr qint64 Day = 86400;

QString nameOf(const AlertInputs& inputs, const QString& id)
{
    const QString name = inputs.names.value(id);
    return name.isEmpty() ? id : name;
}

QString roleNameOf(const AlertInputs& inputs, const QString& roleId)
{
    for (const RoleDefinition& r : inputs.roles) {
        if (r.id == roleId || (!r.templateId.isEmpty() && r.templateId == roleId)) {
            return r.displayName;
        }
    }
    return roleId;
}

bool isPrivileged(const AlertSettings& settings, const QString& roleId)
{
    return settings.privilegedRoleIds.isEmpty() ? Alerts::privilegedRoleIds().contains(roleId)
                                                : settings.privilegedRoleIds.contains(roleId);
}

// People sorted by name, ids alongside.
void setAffected(const AlertInputs& inputs, const QSet<QString>& ids, Alert* alert)
{
    QList<std::pair<QString, QString>> people;
    for (const QString& id : ids) {
        people << std::pair{nameOf(inputs, id), id};
    }
    std::sort(people.begin(), people.end(), [](const auto& a, const auto& b) {
        const int c = a.first.compare(b.first, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a.second < b.second;
    });
    for (const auto& [name, id] : people) {
        alert->affected << name;
        alert->affectedIds << id;
    }
}

QString roleKeyOf(const Eligibility& e)
{
    return e.kind == PimKind::Group ? e.groupId : e.roleDefinitionId;
}

} // namespace

QString Alerts::globalAdministratorId()
{
    return QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
}

QSet<QString> Alerts::privilegedRoleIds()
{
    // Microsoft marks these built-in roles PRIVILEGED ("Azure AD built-in roles", privileged
    // label): they can change the tenant's security or grant themselves more access.
    return {
        globalAdministratorId(),
        QStringLiteral("e8611ab8-c189-46e8-94e1-60213ab1f814"), // Privileged Role Administrator
        QStringLiteral("7be44c8a-adaf-4e2a-84d6-ab2649e08a13"), // Privileged Authentication Administrator
        QStringLiteral("194ae4cb-b126-40b2-bd5b-6091b380977d"), // Security Administrator
        QStringLiteral("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"), // Conditional Access Administrator
        QStringLiteral("c4e39bd9-1100-46d3-8c65-fb160da0071f"), // Authentication Administrator
        QStringLiteral("fe930be7-5e62-47db-91af-98c3a49a38b1"), // User Administrator
        QStringLiteral("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"), // Application Administrator
        QStringLiteral("158c047a-c907-4556-b7ef-446551a6b5f7"), // Cloud Application Administrator
        QStringLiteral("29232cdf-9323-42fd-ade2-1d097af3e4de"), // Exchange Administrator
        QStringLiteral("f28a1f50-f6e7-4571-818b-6a12f2af6b6c"), // SharePoint Administrator
        QStringLiteral("3a2c62db-5318-420d-8d74-23affee5d9d5"), // Intune Administrator
        QStringLiteral("729827e3-9c14-49f7-bb1b-9608f156bbb8"), // Helpdesk Administrator
        QStringLiteral("966707d0-3269-4727-9be2-8c3a10f19b9d"), // Password Administrator
    };
}

QStringList Alerts::activationActivities()
{
    return {QStringLiteral("Add member to role completed (PIM activation)"),
            QStringLiteral("Add member to group completed (PIM activation)")};
}

QString Alerts::severityText(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::High:
        return tr("High");
    case Alert::Severity::Medium:
        return tr("Medium");
    case Alert::Severity::Low:
        return tr("Low");
    }
    return QString();
}

QList<Alert> Alerts::compute(const AlertInputs& inputs, const AlertSettings& settings)
{
    QList<Alert> out;

    // 1. Permanent assignments of highly privileged roles: one alert per role.
    QMap<QString, QSet<QString>> permanent;
    for (const ActiveAssignment& a : inputs.assignments) {
        if (a.kind == PimKind::DirectoryRole && a.assignmentType == AssignmentType::Assigned && a.isPermanent()
            && isPrivileged(settings, a.roleDefinitionId)) {
            permanent[a.roleDefinitionId].insert(a.principalId);
        }
    }
    for (auto it = permanent.cbegin(); it != permanent.cend(); ++it) {
        Alert alert;
        alert.kind = Alert::Kind::PermanentPrivilegedAssignment;
        alert.severity = Alert::Severity::High;
        alert.key = QStringLiteral("permanent:") + it.key();
        alert.roleId = it.key();
        alert.roleName = roleNameOf(inputs, it.key());
        alert.title = tr("%1 is assigned permanently").arg(alert.roleName);
        alert.description = tr("The people below hold %1 all the time instead of activating it when needed.")
                                .arg(alert.roleName);
        alert.action = tr("Make these assignments eligible (or give them an end date), so the role is activated "
                          "only when needed, with its policy's checks.");
        setAffected(inputs, it.value(), &alert);
        out << alert;
    }

    // 2. Too many Global Administrators (active or eligible).
    QSet<QString> globalAdmins;
    const QString ga = globalAdministratorId();
    for (const ActiveAssignment& a : inputs.assignments) {
        if (a.kind == PimKind::DirectoryRole && a.roleDefinitionId == ga) {
            globalAdmins.insert(a.principalId);
        }
    }
    for (const Eligibility& e : inputs.eligibilities) {
        if (e.kind == PimKind::DirectoryRole && e.roleDefinitionId == ga) {
            globalAdmins.insert(e.principalId);
        }
    }
    if (globalAdmins.size() > settings.maxGlobalAdministrators) {
        Alert alert;
        alert.kind = Alert::Kind::TooManyGlobalAdministrators;
        alert.severity = Alert::Severity::Medium;
        alert.key = QStringLiteral("globalAdmins");
        alert.roleId = ga;
        alert.roleName = roleNameOf(inputs, ga);
        if (alert.roleName == ga) {
            alert.roleName = tr("Global Administrator");
        }
        alert.title = tr("%n Global Administrators", nullptr, int(globalAdmins.size()));
        alert.description = tr("More than %n people are Global Administrators (active or eligible).", nullptr,
                               settings.maxGlobalAdministrators);
        alert.action = tr("Keep two to five Global Administrators; give the others a less privileged role that "
                          "covers their work.");
        setAffected(inputs, globalAdmins, &alert);
        out << alert;
    }

    // 3. Privileged roles whose policy requires neither MFA nor approval on activation.
    QSet<QString> seenPolicyRoles;
    for (const RolePolicyAssignment& pa : inputs.policies) {
        if (!pa.policy || !isPrivileged(settings, pa.roleDefinitionId) || seenPolicyRoles.contains(pa.roleDefinitionId)) {
            continue;
        }
        if (pa.scopeId != QStringLiteral("/") && !pa.scopeId.isEmpty()) {
            continue; // the tenant-wide policy decides for the directory scope the alerts look at
        }
        seenPolicyRoles.insert(pa.roleDefinitionId);
        const RolePolicy& policy = *pa.policy;
        const EnablementRule* enablement = policy.enablementRule(RuleIds::EnablementEndUserAssignment);
        const AuthenticationContextRule* context =
            policy.authenticationContextRule(RuleIds::AuthenticationContextEndUserAssignment);
        const ApprovalRule* approval = policy.approvalRule(RuleIds::ApprovalEndUserAssignment);
        const bool mfa = (enablement && enablement->demands(EnablementRequirement::MultiFactorAuthentication))
            || (context && context->isEnabled);
        const bool approved = approval && approval->isApprovalRequired;
        if (mfa || approved) {
            continue;
        }
        Alert alert;
        alert.kind = Alert::Kind::RoleWithoutMfaOrApproval;
        alert.severity = Alert::Severity::High;
        alert.key = QStringLiteral("unprotected:") + pa.roleDefinitionId;
        alert.roleId = pa.roleDefinitionId;
        alert.roleName = roleNameOf(inputs, pa.roleDefinitionId);
        alert.title = tr("%1 activates without MFA or approval").arg(alert.roleName);
        alert.description = tr("Anyone eligible for %1 can activate it with a password alone and nobody is asked.")
                                .arg(alert.roleName);
        alert.action = tr("Edit the role's policy: require multi-factor authentication on activation, approval, "
                          "or both.");
        QSet<QString> eligible;
        for (const Eligibility& e : inputs.eligibilities) {
            if (e.kind == PimKind::DirectoryRole && e.roleDefinitionId == pa.roleDefinitionId) {
                eligible.insert(e.principalId);
            }
        }
        setAffected(inputs, eligible, &alert);
        out << alert;
    }

    if (inputs.haveAudit) {
        // 4. Eligibilities not activated in unusedDays: one alert per role.
        const Timestamp since = inputs.now.plusSeconds(-qint64(settings.unusedDays) * Day);
        QSet<std::pair<QString, QString>> activatedRecently;
        for (const ActivationRecord& r : inputs.activations) {
            if (!(r.when < since)) {
                activatedRecently.insert({r.principalId, r.roleId});
            }
        }
        QMap<QString, QSet<QString>> unused;
        for (const Eligibility& e : inputs.eligibilities) {
            const bool oldEnough = e.startDateTime.isNull() || e.startDateTime < since;
            if (oldEnough && !activatedRecently.contains({e.principalId, roleKeyOf(e)})) {
                unused[roleKeyOf(e)].insert(e.principalId);
            }
        }
        for (auto it = unused.cbegin(); it != unused.cend(); ++it) {
            Alert alert;
            alert.kind = Alert::Kind::UnusedEligibility;
            alert.severity = Alert::Severity::Low;
            alert.key = QStringLiteral("unused:") + it.key();
            alert.roleId = it.key();
            alert.roleName = roleNameOf(inputs, it.key());
            alert.title = tr("%1 not activated in %n days", nullptr, settings.unusedDays).arg(alert.roleName);
            alert.description = tr("The people below are eligible for %1 and have not activated it in the last %2 days.")
                                    .arg(alert.roleName)
                                    .arg(settings.unusedDays);
            alert.action = tr("Ask whether they still need it; remove the eligibilities nobody uses, or start an "
                              "access review of the role.");
            setAffected(inputs, it.value(), &alert);
            out << alert;
        }

        // 5. Roles activated more than activationsPerWeek times in the last 7 days, per person.
        const Timestamp weekAgo = inputs.now.plusSeconds(-7 * Day);
        QMap<QString, QHash<QString, int>> perRole; // role -> principal -> count
        for (const ActivationRecord& r : inputs.activations) {
            if (!(r.when < weekAgo) && !(inputs.now < r.when)) {
                ++perRole[r.roleId][r.principalId];
            }
        }
        for (auto it = perRole.cbegin(); it != perRole.cend(); ++it) {
            QSet<QString> often;
            int most = 0;
            for (auto p = it.value().cbegin(); p != it.value().cend(); ++p) {
                if (p.value() > settings.activationsPerWeek) {
                    often.insert(p.key());
                    most = std::max(most, p.value());
                }
            }
            if (often.isEmpty()) {
                continue;
            }
            Alert alert;
            alert.kind = Alert::Kind::FrequentActivation;
            alert.severity = Alert::Severity::Medium;
            alert.key = QStringLiteral("frequent:") + it.key();
            alert.roleId = it.key();
            alert.roleName = roleNameOf(inputs, it.key());
            alert.title = tr("%1 activated very often").arg(alert.roleName);
            alert.description = tr("Activated more than %n times in the last 7 days (up to %1) by the people below.",
                                   nullptr, settings.activationsPerWeek)
                                    .arg(most);
            alert.action = tr("Check whether their work needs a longer activation or a less privileged role that "
                              "they can hold; frequent short activations can also hide misuse.");
            setAffected(inputs, often, &alert);
            out << alert;
        }
    }

    std::stable_sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) { return a.severity > b.severity; });
    return out;
}

AlertInputs Alerts::fromCache(Cache::CacheDatabase& cache, Cache::AuditStore* audit, const Timestamp& now,
                              const AlertSettings& settings)
{
    AlertInputs in;
    in.now = now;
    if (!cache.isOpen()) {
        return in;
    }
    in.roles = Cache::RoleDefinitionRepository(cache).all();
    in.eligibilities = Cache::EligibilityRepository(cache).all();
    in.assignments = Cache::ActiveAssignmentRepository(cache).all();
    in.policies = Cache::PolicyRepository(cache).all();
    const auto roles = cache.syncState(QStringLiteral("myRoles"));
    in.haveAssignments = roles && !roles->lastSync.isNull();
    // An administrator's or auditor's cache also holds everyone's directory roles (scope
    // "organisation"): those replace the own directory roles; groups stay the user's own.
    const QString organisation = QStringLiteral("organisation");
    if (const auto org = cache.syncState(organisation); org && !org->lastSync.isNull()) {
        in.haveAssignments = true;
        const auto ownGroups = [](const auto& item) { return item.kind == PimKind::Group; };
        QList<Eligibility> eligibilities = Cache::EligibilityRepository(cache).all(organisation);
        std::copy_if(in.eligibilities.cbegin(), in.eligibilities.cend(), std::back_inserter(eligibilities), ownGroups);
        in.eligibilities = std::move(eligibilities);
        QList<ActiveAssignment> assignments = Cache::ActiveAssignmentRepository(cache).all(organisation);
        std::copy_if(in.assignments.cbegin(), in.assignments.cend(), std::back_inserter(assignments), ownGroups);
        in.assignments = std::move(assignments);
        QSet<QString> known;
        for (const RolePolicyAssignment& pa : std::as_const(in.policies)) {
            known.insert(pa.roleDefinitionId + u'|' + pa.scopeId);
        }
        for (const RolePolicyAssignment& pa : Cache::PolicyRepository(cache).all(organisation)) {
            if (!known.contains(pa.roleDefinitionId + u'|' + pa.scopeId)) {
                in.policies << pa;
            }
        }
    }
    for (const Eligibility& e : in.eligibilities) {
        if (e.principal && !e.principal->displayName.isEmpty()) {
            in.names.insert(e.principalId, e.principal->displayName);
        }
    }
    for (const ActiveAssignment& a : in.assignments) {
        if (a.principal && !a.principal->displayName.isEmpty()) {
            in.names.insert(a.principalId, a.principal->displayName);
        }
    }
    // Eligibilities come without their principal expanded: requests (mine and those waiting for
    // my approval) name people, the signed-in user among them.
    for (const QString& scope : {QStringLiteral("mine"), QStringLiteral("approver")}) {
        for (const ScheduleRequest& r : Cache::ScheduleRequestRepository(cache).all(scope)) {
            if (r.principal && !r.principal->displayName.isEmpty() && !in.names.contains(r.principalId)) {
                in.names.insert(r.principalId, r.principal->displayName);
            }
        }
    }
    const auto auditState = cache.syncState(QStringLiteral("audit"));
    in.haveAudit = audit && audit->size() > 0 && auditState && !auditState->lastSync.isNull();
    if (!in.haveAudit) {
        return in;
    }
    // Bounded work, whatever the archive's size (a million events must not stall the window):
    // every activation of the last 7 days (for "activated too often"), and for each of the
    // cached eligibilities only the newest activation by its principal within unusedDays.
    auto read = [&in](const AuditEvent& e, ActivationRecord* r) {
        if (e.result != AuditResult::Success && e.result != AuditResult::Unknown) {
            return false;
        }
        r->when = e.activityDateTime;
        for (const AuditEvent::TargetResource& t : e.targetResources) {
            if (t.type == QStringLiteral("User")) {
                r->principalId = t.id;
                r->principalName = t.displayName;
            } else if (r->roleId.isEmpty()) {
                r->roleId = t.id;
            }
        }
        if (r->principalId.isEmpty() || r->roleId.isEmpty()) {
            return false;
        }
        if (!r->principalName.isEmpty()) {
            in.names.insert(r->principalId, r->principalName);
        }
        return true;
    };
    QSet<std::pair<QString, QString>> seen;
    for (const QString& activity : activationActivities()) {
        Cache::AuditQuery q;
        q.from = now.plusSeconds(-7 * Day);
        q.activity = activity;
        q.limit = 1000;
        q.withTotal = false;
        for (;;) {
            const Cache::AuditPage page = audit->query(q);
            for (const AuditEvent& e : page.rows) {
                ActivationRecord r;
                if (read(e, &r)) {
                    seen.insert({r.principalId, r.roleId});
                    in.activations << r;
                }
            }
            if (page.nextCursor == 0) {
                break;
            }
            q.cursor = page.nextCursor;
        }
    }
    constexpr int PagesPerEligibility = 4; // past that many activations of the role by others: "in use"
    for (const Eligibility& e : in.eligibilities) {
        const std::pair<QString, QString> key{e.principalId, roleKeyOf(e)};
        if (seen.contains(key)) {
            continue;
        }
        bool found = false;
        for (const QString& activity : activationActivities()) {
            Cache::AuditQuery q;
            q.from = now.plusSeconds(-qint64(settings.unusedDays) * Day);
            q.target = key.second;
            q.activity = activity;
            q.limit = 200;
            q.withTotal = false;
            for (int pageNo = 0; !found && pageNo < PagesPerEligibility; ++pageNo) {
                const Cache::AuditPage page = audit->query(q);
                for (const AuditEvent& ev : page.rows) {
                    ActivationRecord r;
                    if (read(ev, &r) && r.principalId == key.first) {
                        in.activations << r;
                        found = true;
                        break;
                    }
                }
                if (page.nextCursor == 0) {
                    break;
                }
                q.cursor = page.nextCursor;
                if (pageNo + 1 == PagesPerEligibility) {
                    // The role is busy; not knowing about this person, do not call it unused.
                    ActivationRecord unknown;
                    unknown.principalId = key.first;
                    unknown.roleId = key.second;
                    // Inside the unused window, outside the last week (not one more activation).
                    unknown.when = now.plusSeconds(-qint64(settings.unusedDays) * Day + 1);
                    in.activations << unknown;
                    found = true;
                }
            }
            if (found) {
                break;
            }
        }
        seen.insert(key);
    }
    return in;
}

QStringList Alerts::limitations(const AlertInputs& inputs, const AlertSettings& settings)
{
    QStringList out;
    if (!inputs.haveAssignments) {
        out << tr("Roles have not been pulled yet: assignments and eligibilities are not checked.");
    } else {
        QSet<QString> people;
        for (const Eligibility& e : inputs.eligibilities) {
            people.insert(e.principalId);
        }
        for (const ActiveAssignment& a : inputs.assignments) {
            people.insert(a.principalId);
        }
        if (people.size() <= 1) {
            out << tr("Only your own roles are in the offline cache (everyone's are pulled for administrators and "
                      "auditors only): alerts about other people's assignments cannot be computed here.");
        }
    }
    QSet<QString> withPolicy;
    for (const RolePolicyAssignment& pa : inputs.policies) {
        if (pa.policy) {
            withPolicy.insert(pa.roleDefinitionId);
        }
    }
    QStringList unknown;
    for (const RoleDefinition& r : inputs.roles) {
        if (isPrivileged(settings, r.id) && !withPolicy.contains(r.id)) {
            unknown << r.displayName;
        }
    }
    if (withPolicy.isEmpty() && !unknown.isEmpty()) {
        out << tr("Role policies are not in the offline cache: whether privileged roles need MFA or approval is not "
                  "known.");
    } else if (!unknown.isEmpty()) {
        unknown.sort(Qt::CaseInsensitive);
        out << tr("No policy cached for %1: whether they need MFA or approval is not known.")
                   .arg(unknown.join(QStringLiteral(", ")));
    }
    if (!inputs.haveAudit) {
        out << tr("The audit archive is not available (auditors and administrators only): unused eligibilities "
                  "and frequent activations are not checked.");
    }
    return out;
}

} // namespace Elevate::Models
