// Alerts and AlertsModel: each alert kind is seeded into a real cache (repositories and the
// audit archive, as SyncEngine writes them) next to near misses that must not raise it, and
// the alert must name exactly the people concerned.
#include "Alerts.h"
#include "AlertsModel.h"

#include "AuditStore.h"
#include "CacheDatabase.h"
#include "EntityRepository.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;
using namespace Elevate::Models;

namespace {

const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString PrivilegedRoleAdmin = QStringLiteral("e8611ab8-c189-46e8-94e1-60213ab1f814");
const QString SecurityAdmin = QStringLiteral("194ae4cb-b126-40b2-bd5b-6091b380977d");
const QString Helpdesk = QStringLiteral("729827e3-9c14-49f7-bb1b-9608f156bbb8");
const QString Exchange = QStringLiteral("29232cdf-9323-42fd-ade2-1d097af3e4de");
const QString Readers = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
constexpr qint64 Day = 86400;

Timestamp now()
{
    return *Timestamp::fromIso(u"2026-11-26T12:00:00Z");
}

Identity person(const QString& id)
{
    return Identity{id, QStringLiteral("Person %1").arg(id), id + QStringLiteral("@contoso.test"), QStringLiteral("user")};
}

RoleDefinition role(const QString& id, const QString& name)
{
    RoleDefinition r;
    r.id = id;
    r.templateId = id;
    r.displayName = name;
    r.isBuiltIn = true;
    return r;
}

ActiveAssignment assignment(const QString& principal, const QString& roleId, AssignmentType type, qint64 endInDays)
{
    ActiveAssignment a;
    a.id = principal + u'-' + roleId + u"-a";
    a.principalId = principal;
    a.principal = person(principal);
    a.roleDefinitionId = roleId;
    a.directoryScopeId = QStringLiteral("/");
    a.assignmentType = type;
    a.memberType = MemberType::Direct;
    a.startDateTime = now().plusSeconds(-400 * Day);
    a.endDateTime = endInDays == 0 ? Timestamp() : now().plusSeconds(endInDays * Day);
    return a;
}

Eligibility eligibility(const QString& principal, const QString& roleId, qint64 startedDaysAgo)
{
    Eligibility e;
    e.id = principal + u'-' + roleId + u"-e";
    e.principalId = principal;
    e.principal = person(principal);
    e.roleDefinitionId = roleId;
    e.directoryScopeId = QStringLiteral("/");
    e.memberType = MemberType::Direct;
    e.startDateTime = now().plusSeconds(-startedDaysAgo * Day);
    return e;
}

RolePolicyAssignment policy(const QString& roleId, bool mfa, bool approval)
{
    RolePolicyAssignment pa;
    pa.id = QStringLiteral("policy-") + roleId;
    pa.policyId = pa.id;
    pa.scopeId = QStringLiteral("/");
    pa.scopeType = PolicyScopeType::Directory;
    pa.roleDefinitionId = roleId;
    RolePolicy p;
    p.id = pa.id;
    p.scopeId = QStringLiteral("/");
    p.scopeType = PolicyScopeType::Directory;
    EnablementRule enablement;
    enablement.id = RuleIds::EnablementEndUserAssignment.toString();
    enablement.enabledRules << EnablementRequirement::Justification;
    if (mfa) {
        enablement.enabledRules << EnablementRequirement::MultiFactorAuthentication;
    }
    p.enablementRules << enablement;
    ApprovalRule approve;
    approve.id = RuleIds::ApprovalEndUserAssignment.toString();
    approve.isApprovalRequired = approval;
    p.approvalRules << approve;
    pa.policy = p;
    return pa;
}

AuditEvent activation(const QString& principal, const QString& roleId, qint64 daysAgo, int n)
{
    AuditEvent e;
    e.id = QStringLiteral("act-%1-%2-%3-%4").arg(principal, roleId).arg(daysAgo).arg(n);
    e.category = QStringLiteral("RoleManagement");
    e.activityDisplayName = QStringLiteral("Add member to role completed (PIM activation)");
    e.activityDateTime = now().plusSeconds(-daysAgo * Day - n * 60);
    e.loggedByService = QStringLiteral("PIM");
    e.operationType = QStringLiteral("Assign");
    e.result = AuditResult::Success;
    AuditEvent::TargetResource r;
    r.id = roleId;
    r.displayName = roleId;
    r.type = QStringLiteral("Role");
    AuditEvent::TargetResource u;
    u.id = principal;
    u.displayName = person(principal).displayName;
    u.type = QStringLiteral("User");
    e.targetResources << r << u;
    return e;
}

const Alert* find(const QList<Alert>& alerts, Alert::Kind kind, const QString& roleId = QString())
{
    for (const Alert& a : alerts) {
        if (a.kind == kind && (roleId.isEmpty() || a.roleId == roleId)) {
            return &a;
        }
    }
    return nullptr;
}

int count(const QList<Alert>& alerts, Alert::Kind kind)
{
    return int(std::count_if(alerts.cbegin(), alerts.cend(), [kind](const Alert& a) { return a.kind == kind; }));
}

QStringList names(const QStringList& ids)
{
    QStringList out;
    for (const QString& id : ids) {
        out << person(id).displayName;
    }
    return out;
}

} // namespace

class TestAlerts final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void permanentPrivilegedAssignments();
    void tooManyGlobalAdministrators();
    void rolesWithoutMfaOrApproval();
    void unusedEligibilities();
    void frequentActivations();
    void withoutTheAuditArchiveSaysWhatItCannotKnow();
    void modelEmitsTheSmallestChange();

private:
    void seedRoles();
    void setAssignments(const QList<ActiveAssignment>& active, const QList<Eligibility>& eligible);
    void setAudit(const QList<AuditEvent>& events);
    QList<Alert> alerts();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Cache::CacheDatabase> m_cache;
    std::unique_ptr<Cache::AuditStore> m_audit;
};

void TestAlerts::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_cache = std::make_unique<Cache::CacheDatabase>();
    QVERIFY(m_cache->open(m_dir->filePath(QStringLiteral("cache.sqlite"))));
    m_audit = std::make_unique<Cache::AuditStore>(*m_cache);
    seedRoles();
}

void TestAlerts::cleanup()
{
    m_audit.reset();
    m_cache.reset();
    m_dir.reset();
}

void TestAlerts::seedRoles()
{
    const QList<RoleDefinition> roles{role(GlobalAdmin, QStringLiteral("Global Administrator")),
                                      role(PrivilegedRoleAdmin, QStringLiteral("Privileged Role Administrator")),
                                      role(SecurityAdmin, QStringLiteral("Security Administrator")),
                                      role(Helpdesk, QStringLiteral("Helpdesk Administrator")),
                                      role(Exchange, QStringLiteral("Exchange Administrator")),
                                      role(Readers, QStringLiteral("Directory Readers"))};
    QVERIFY(Cache::RoleDefinitionRepository(*m_cache).replaceCollection(QString(), roles, QStringLiteral("roleDefinitions"),
                                                                         now()));
}

void TestAlerts::setAssignments(const QList<ActiveAssignment>& active, const QList<Eligibility>& eligible)
{
    QVERIFY(Cache::ActiveAssignmentRepository(*m_cache).replaceCollection(QString(), active,
                                                                           QStringLiteral("activeAssignments"), now()));
    QVERIFY(Cache::EligibilityRepository(*m_cache).replaceCollection(QString(), eligible, QStringLiteral("eligibilities"),
                                                                      now()));
    QVERIFY(m_cache->markSynced(QStringLiteral("myRoles"), now()));
}

void TestAlerts::setAudit(const QList<AuditEvent>& events)
{
    QVERIFY(m_audit->merge(events).has_value());
    QVERIFY(m_cache->markSynced(QStringLiteral("audit"), now()));
}

QList<Alert> TestAlerts::alerts()
{
    return Alerts::compute(Alerts::fromCache(*m_cache, m_audit.get(), now()));
}

void TestAlerts::permanentPrivilegedAssignments()
{
    setAssignments({assignment(QStringLiteral("p1"), GlobalAdmin, AssignmentType::Assigned, 0),
                    assignment(QStringLiteral("p2"), GlobalAdmin, AssignmentType::Assigned, 0),
                    // Near misses: activated (ends), assigned with an end, a role that is not privileged.
                    assignment(QStringLiteral("p3"), PrivilegedRoleAdmin, AssignmentType::Activated, 1),
                    assignment(QStringLiteral("p4"), SecurityAdmin, AssignmentType::Assigned, 30),
                    assignment(QStringLiteral("p5"), Readers, AssignmentType::Assigned, 0)},
                   {});
    const QList<Alert> all = alerts();
    QCOMPARE(count(all, Alert::Kind::PermanentPrivilegedAssignment), 1);
    const Alert* a = find(all, Alert::Kind::PermanentPrivilegedAssignment, GlobalAdmin);
    QVERIFY(a);
    QCOMPARE(a->severity, Alert::Severity::High);
    QCOMPARE(a->roleName, QStringLiteral("Global Administrator"));
    QCOMPARE(a->affectedIds, (QStringList{QStringLiteral("p1"), QStringLiteral("p2")}));
    QCOMPARE(a->affected, names({QStringLiteral("p1"), QStringLiteral("p2")}));
    QVERIFY(!a->action.isEmpty());
    QCOMPARE(count(all, Alert::Kind::TooManyGlobalAdministrators), 0);
}

void TestAlerts::tooManyGlobalAdministrators()
{
    // Five (active or eligible, one person counted once): fine.
    QList<ActiveAssignment> active{assignment(QStringLiteral("g1"), GlobalAdmin, AssignmentType::Activated, 1),
                                   assignment(QStringLiteral("g2"), GlobalAdmin, AssignmentType::Activated, 1)};
    QList<Eligibility> eligible{eligibility(QStringLiteral("g1"), GlobalAdmin, 10), eligibility(QStringLiteral("g3"), GlobalAdmin, 10),
                                eligibility(QStringLiteral("g4"), GlobalAdmin, 10), eligibility(QStringLiteral("g5"), GlobalAdmin, 10),
                                eligibility(QStringLiteral("x1"), Helpdesk, 10)};
    setAssignments(active, eligible);
    QCOMPARE(count(alerts(), Alert::Kind::TooManyGlobalAdministrators), 0);

    // A sixth: the alert names all six.
    eligible << eligibility(QStringLiteral("g6"), GlobalAdmin, 10);
    setAssignments(active, eligible);
    const QList<Alert> all = alerts();
    const Alert* a = find(all, Alert::Kind::TooManyGlobalAdministrators);
    QVERIFY(a);
    QCOMPARE(a->affectedIds, (QStringList{QStringLiteral("g1"), QStringLiteral("g2"), QStringLiteral("g3"),
                                          QStringLiteral("g4"), QStringLiteral("g5"), QStringLiteral("g6")}));
    QCOMPARE(a->title, QStringLiteral("6 Global Administrators"));
    // The threshold is a setting.
    AlertSettings strict;
    strict.maxGlobalAdministrators = 10;
    QCOMPARE(count(Alerts::compute(Alerts::fromCache(*m_cache, m_audit.get(), now()), strict),
                   Alert::Kind::TooManyGlobalAdministrators),
             0);
}

void TestAlerts::rolesWithoutMfaOrApproval()
{
    setAssignments({}, {eligibility(QStringLiteral("h1"), Helpdesk, 5), eligibility(QStringLiteral("h2"), Helpdesk, 5),
                        eligibility(QStringLiteral("r1"), Readers, 5), eligibility(QStringLiteral("s1"), SecurityAdmin, 5)});
    QVERIFY(Cache::PolicyRepository(*m_cache).replaceCollection(
        QString(), {policy(GlobalAdmin, true, false), policy(PrivilegedRoleAdmin, false, true), policy(Helpdesk, false, false),
                    policy(Readers, false, false)}));
    const QList<Alert> all = alerts();
    QCOMPARE(count(all, Alert::Kind::RoleWithoutMfaOrApproval), 1);
    const Alert* a = find(all, Alert::Kind::RoleWithoutMfaOrApproval, Helpdesk);
    QVERIFY(a);
    QCOMPARE(a->affectedIds, (QStringList{QStringLiteral("h1"), QStringLiteral("h2")}));
    QVERIFY(a->title.contains(QStringLiteral("Helpdesk Administrator")));
    // Security Administrator's policy is not cached: not alerted, but said (by name when others are).
    const QStringList limits = Alerts::limitations(Alerts::fromCache(*m_cache, m_audit.get(), now()));
    QVERIFY2(limits.join(u' ').contains(QStringLiteral("Security Administrator")), qPrintable(limits.join(u' ')));
}

void TestAlerts::unusedEligibilities()
{
    setAssignments({}, {eligibility(QStringLiteral("u1"), Helpdesk, 200),   // activated 10 days ago: fine
                        eligibility(QStringLiteral("u2"), Helpdesk, 200),   // last activated 120 days ago: alert
                        eligibility(QStringLiteral("u3"), Helpdesk, 30),    // new, never activated: fine
                        eligibility(QStringLiteral("u4"), Exchange, 365),   // never activated: alert
                        eligibility(QStringLiteral("u5"), Exchange, 365)}); // activated Helpdesk only: alert
    setAudit({activation(QStringLiteral("u1"), Helpdesk, 10, 0), activation(QStringLiteral("u2"), Helpdesk, 120, 0),
              activation(QStringLiteral("u5"), Helpdesk, 3, 0)});
    const QList<Alert> all = alerts();
    QCOMPARE(count(all, Alert::Kind::UnusedEligibility), 2);
    const Alert* helpdesk = find(all, Alert::Kind::UnusedEligibility, Helpdesk);
    QVERIFY(helpdesk);
    QCOMPARE(helpdesk->affectedIds, QStringList{QStringLiteral("u2")});
    const Alert* exchange = find(all, Alert::Kind::UnusedEligibility, Exchange);
    QVERIFY(exchange);
    QCOMPARE(exchange->affectedIds, (QStringList{QStringLiteral("u4"), QStringLiteral("u5")}));
    QCOMPARE(exchange->severity, Alert::Severity::Low);
}

void TestAlerts::frequentActivations()
{
    setAssignments({}, {eligibility(QStringLiteral("f1"), Exchange, 10), eligibility(QStringLiteral("f2"), Exchange, 10)});
    QList<AuditEvent> events;
    for (int i = 0; i < 11; ++i) {
        events << activation(QStringLiteral("f1"), Exchange, i % 6, i); // 11 times in 6 days
    }
    for (int i = 0; i < 10; ++i) {
        events << activation(QStringLiteral("f2"), Exchange, i % 6, i); // 10 times: at the limit
    }
    for (int i = 0; i < 5; ++i) {
        events << activation(QStringLiteral("f2"), Exchange, 8, i); // older than a week
    }
    setAudit(events);
    const QList<Alert> all = alerts();
    QCOMPARE(count(all, Alert::Kind::FrequentActivation), 1);
    const Alert* a = find(all, Alert::Kind::FrequentActivation, Exchange);
    QVERIFY(a);
    QCOMPARE(a->affectedIds, QStringList{QStringLiteral("f1")});
    QVERIFY2(a->description.contains(QStringLiteral("11")), qPrintable(a->description));
    // N is a setting.
    AlertSettings loose;
    loose.activationsPerWeek = 11;
    QCOMPARE(count(Alerts::compute(Alerts::fromCache(*m_cache, m_audit.get(), now()), loose), Alert::Kind::FrequentActivation), 0);
}

void TestAlerts::withoutTheAuditArchiveSaysWhatItCannotKnow()
{
    // Eligibilities never activated, but no audit archive (a requester's cache): no guess.
    setAssignments({}, {eligibility(QStringLiteral("me"), Exchange, 365)});
    const AlertInputs inputs = Alerts::fromCache(*m_cache, m_audit.get(), now());
    QVERIFY(!inputs.haveAudit);
    const QList<Alert> all = Alerts::compute(inputs);
    QCOMPARE(count(all, Alert::Kind::UnusedEligibility), 0);
    QCOMPARE(count(all, Alert::Kind::FrequentActivation), 0);
    const QString limits = Alerts::limitations(inputs).join(u' ');
    QVERIFY2(limits.contains(QStringLiteral("audit archive")), qPrintable(limits));
    QVERIFY2(limits.contains(QStringLiteral("Only your own roles")), qPrintable(limits));
}

void TestAlerts::modelEmitsTheSmallestChange()
{
    AlertsModel model(*m_cache, m_audit.get());
    model.setClock(now);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QCOMPARE(model.rowCount(), 0);

    // Load: two alerts inserted.
    setAssignments({assignment(QStringLiteral("p1"), GlobalAdmin, AssignmentType::Assigned, 0)},
                   {eligibility(QStringLiteral("h1"), Helpdesk, 5)});
    QVERIFY(Cache::PolicyRepository(*m_cache).replaceCollection(QString(), {policy(Helpdesk, false, false)}));
    model.reload();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.size(), 1); // one run of two rows
    QCOMPARE(inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(removed.size() + changed.size() + reset.size(), 0);
    QCOMPARE(model.index(0, AlertsModel::SeverityColumn).data().toString(), QStringLiteral("High"));
    const int permanentRow = model.index(0, 0).data(AlertsModel::KindRole).toInt()
            == int(Alert::Kind::PermanentPrivilegedAssignment)
        ? 0
        : 1;
    QCOMPARE(model.index(permanentRow, AlertsModel::AffectedColumn).data().toString(), QStringLiteral("1 person"));

    // Change: a second permanent Global Administrator: that row changes, nothing else.
    inserted.clear();
    setAssignments({assignment(QStringLiteral("p1"), GlobalAdmin, AssignmentType::Assigned, 0),
                    assignment(QStringLiteral("p2"), GlobalAdmin, AssignmentType::Assigned, 0)},
                   {eligibility(QStringLiteral("h1"), Helpdesk, 5)});
    model.reload();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), permanentRow);
    QCOMPARE(inserted.size() + removed.size() + reset.size(), 0);
    QCOMPARE(model.index(permanentRow, 0).data(AlertsModel::AffectedRole).toStringList(),
             names({QStringLiteral("p1"), QStringLiteral("p2")}));

    // Removal: the assignments get an end date.
    changed.clear();
    setAssignments({assignment(QStringLiteral("p1"), GlobalAdmin, AssignmentType::Assigned, 30),
                    assignment(QStringLiteral("p2"), GlobalAdmin, AssignmentType::Assigned, 30)},
                   {eligibility(QStringLiteral("h1"), Helpdesk, 5)});
    model.reload();
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size() + changed.size() + reset.size(), 0);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data(AlertsModel::KindRole).toInt(), int(Alert::Kind::RoleWithoutMfaOrApproval));

    // A refresh with nothing new: no signal at all.
    removed.clear();
    model.reload();
    QCOMPARE(inserted.size() + removed.size() + changed.size() + reset.size(), 0);
}

QTEST_GUILESS_MAIN(TestAlerts)
#include "TestAlerts.moc"
