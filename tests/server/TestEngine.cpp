#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "TestDatabase.h"
#include "Engine.h"
#include "GraphError.h"
#include "SqlTime.h"
#include "TimeOrderedId.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");

Timestamp at(const char* iso)
{
    return *Timestamp::fromIso(QString::fromLatin1(iso));
}

} // namespace

class TestEngine final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void activatesWithoutApproval();
    void refusesWhatThePolicyForbids();
    void stepUpWhenMfaIsMissing();
    void eligibilityWindowIsEnforced();
    void longestEligibilityIsUsed();
    void refusesDuplicates();
    void deactivationMinimumAndRevoke();
    void expiresAtItsEnd();
    void futureStartIsGrantedThenProvisioned();
    void twoOfThreeApproval();
    void firstDenialEndsIt();
    void serialStages();
    void pendingLifetimeExpires();
    void cancelPending();
    void extensionOfAssignedRoles();
    void authorization();
    void groupsActivate();
    void accessReviewLifecycle();
    void auditChainDetectsTampering();
    void builtInRolesInstallOnce();

private:
    Caller makeUser(const QString& name, bool admin = false, bool auditor = false);
    void setPolicy(const QString& roleId, const RolePolicy& policy);
    ScheduleRequest activation(const Caller& who, const QString& roleId, qint64 minutes) const;
    QStringList auditActivities();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Engine> m_engine;
    Caller m_admin;
    Caller m_alice;
    Caller m_bob;
    Caller m_carol;
    Caller m_dave;
};

Caller TestEngine::makeUser(const QString& name, bool admin, bool auditor)
{
    Caller c;
    c.userId = QStringLiteral("id-") + name;
    c.displayName = name;
    c.userPrincipalName = name + QStringLiteral("@contoso.test");
    c.isAdmin = admin;
    c.isAuditor = auditor;
    c.session.multiFactor = true;
    bool ok = false;
    m_db->run(QStringLiteral("INSERT INTO users (id, user_name, display_name, user_principal_name, is_admin, is_auditor, "
                             "created_at) VALUES (?,?,?,?,?,?,?)"),
              {c.userId, name, name, c.userPrincipalName, admin ? 1 : 0, auditor ? 1 : 0, toSqlTime(m_clock->now())},
              &ok);
    Q_ASSERT(ok);
    return c;
}

void TestEngine::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<Database>();
    QString error;
    // SQLite, or a fresh PostgreSQL database in the TestEngine_pg run.
    const QString url = TestSupport::freshDatabaseUrl(*m_dir, QStringLiteral("elevated"), &error);
    QVERIFY2(!url.isEmpty(), qPrintable(error));
    QVERIFY2(m_db->open(url, &error), qPrintable(error));
    m_clock = std::make_unique<ManualClock>(at("2026-03-02T09:00:00Z"));
    m_engine = std::make_unique<Engine>(*m_db, *m_clock, Engine::Options{});
    m_admin = makeUser(QStringLiteral("admin"), true, true);
    m_alice = makeUser(QStringLiteral("alice"));
    m_bob = makeUser(QStringLiteral("bob"));
    m_carol = makeUser(QStringLiteral("carol"));
    m_dave = makeUser(QStringLiteral("dave"));
    QVERIFY(m_engine->addRoleDefinition(m_admin, RoleDefinition{GlobalAdmin, QStringLiteral("Global Administrator"),
                                                                 QString(), true, true, GlobalAdmin, QString(), {}, {}}));
    QVERIFY(m_engine->addRoleDefinition(m_admin, RoleDefinition{Reader, QStringLiteral("Directory Readers"), QString(),
                                                                 true, true, Reader, QString(), {}, {}}));
    for (const Caller* who : {&m_alice, &m_bob, &m_carol}) {
        QVERIFY(m_engine->addEligibility(m_admin, PimKind::DirectoryRole, who->userId, Reader, QStringLiteral("/"), {}, {}));
        QVERIFY(m_engine->addEligibility(m_admin, PimKind::DirectoryRole, who->userId, GlobalAdmin, QStringLiteral("/"), {}, {}));
    }
}

void TestEngine::cleanup()
{
    m_engine.reset();
    m_db.reset();
    m_clock.reset();
    m_dir.reset();
}

void TestEngine::setPolicy(const QString& roleId, const RolePolicy& policy)
{
    const auto result = m_engine->setPolicy(m_admin, PimKind::DirectoryRole, roleId, QStringLiteral("/"), policy);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
}

ScheduleRequest TestEngine::activation(const Caller& who, const QString& roleId, qint64 minutes) const
{
    ScheduleRequest r;
    r.action = RequestAction::SelfActivate;
    r.principalId = who.userId;
    r.roleDefinitionId = roleId;
    r.directoryScopeId = QStringLiteral("/");
    r.justification = QStringLiteral("Investigating incident INC-42");
    ScheduleInfo s;
    s.expiration.type = ExpirationType::AfterDuration;
    s.expiration.duration = IsoDuration::fromMinutes(minutes);
    r.scheduleInfo = s;
    return r;
}

QStringList TestEngine::auditActivities()
{
    QStringList out;
    QSqlQuery q = m_db->run(QStringLiteral("SELECT activity FROM audit_events ORDER BY seq"));
    while (q.next()) {
        out << q.value(0).toString();
    }
    return out;
}

void TestEngine::activatesWithoutApproval()
{
    const auto r = m_engine->submit(m_alice, activation(m_alice, Reader, 60));
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    QCOMPARE(r->status, RequestStatus::Provisioned);
    QVERIFY(!r->id.isEmpty());
    QCOMPARE(r->completedDateTime, m_clock->now());
    // New rows get time-ordered ids (UUID version 7), so they append to the id indexes.
    QVERIFY2(TimeOrderedId::timeOf(r->id) > 0, qPrintable(r->id));
    QVERIFY2(TimeOrderedId::timeOf(r->targetScheduleId) > 0, qPrintable(r->targetScheduleId));

    const auto active = m_engine->assignments(m_alice, PimKind::DirectoryRole, m_alice.userId, {}, Expand{true, false, false});
    QVERIFY(active.ok());
    QCOMPARE(active->size(), 1);
    QCOMPARE(active->first().assignmentType, AssignmentType::Activated);
    QCOMPARE(active->first().endDateTime.toIso(), QStringLiteral("2026-03-02T10:00:00Z"));
    QCOMPARE(active->first().roleDefinition->displayName, QStringLiteral("Directory Readers"));
    QVERIFY(active->first().activatedUsing.has_value());

    const QStringList activities = auditActivities();
    QCOMPARE(activities.mid(activities.size() - 2),
             (QStringList{QStringLiteral("Add member to role requested (PIM activation)"),
                          QStringLiteral("Add member to role completed (PIM activation)")}));
    const auto events = m_engine->auditEvents(m_admin, ListQuery{});
    QVERIFY(events.ok());
    QCOMPARE(events->first().resultReason, QStringLiteral("Investigating incident INC-42"));
    QCOMPARE(events->first().correlationId, r->id);
    QVERIFY2(TimeOrderedId::timeOf(events->first().id) > 0, qPrintable(events->first().id));
    QVERIFY(m_engine->auditLog().verify().ok);
}

void TestEngine::refusesWhatThePolicyForbids()
{
    RolePolicy p = Engine::defaultPolicy();
    p.expirationRules[0].maximumDuration = IsoDuration::fromHours(2);
    p.enablementRules[0].enabledRules = {EnablementRequirement::Justification, EnablementRequirement::Ticketing};
    setPolicy(GlobalAdmin, p);

    ScheduleRequest r = activation(m_alice, GlobalAdmin, 180);
    r.justification.clear();
    const qsizetype auditBefore = auditActivities().size();
    const auto refused = m_engine->submit(m_alice, r);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().httpStatus, 400);
    QCOMPARE(refused.error().code, QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"));
    GraphError e;
    e.message = refused.error().message;
    QCOMPARE(e.failedRules(), (QStringList{QStringLiteral("ExpirationRule"), QStringLiteral("JustificationRule"),
                                           QStringLiteral("TicketingRule")}));
    // Nothing changed, nothing recorded.
    QCOMPARE(auditActivities().size(), auditBefore);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));

    r = activation(m_alice, GlobalAdmin, 120);
    r.ticketInfo = {QStringLiteral("CHG-7"), QStringLiteral("ServiceNow")};
    QVERIFY(m_engine->submit(m_alice, r).ok());
}

void TestEngine::stepUpWhenMfaIsMissing()
{
    RolePolicy p = Engine::defaultPolicy();
    p.enablementRules[0].enabledRules = {EnablementRequirement::Justification,
                                         EnablementRequirement::MultiFactorAuthentication};
    setPolicy(GlobalAdmin, p);
    Caller weak = m_alice;
    weak.session.multiFactor = false;
    const auto refused = m_engine->submit(weak, activation(m_alice, GlobalAdmin, 60));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("RoleAssignmentRequestAcrsValidationFailed"));
    GraphError e;
    e.message = refused.error().message;
    QVERIFY(e.claimsChallenge().contains(QStringLiteral("\"acrs\"")));
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60)).ok());
}

void TestEngine::eligibilityWindowIsEnforced()
{
    // A vendor eligible from Monday 08:00 to Friday 18:00.
    QVERIFY(m_engine->addEligibility(m_admin, PimKind::DirectoryRole, m_dave.userId, Reader, QStringLiteral("/"),
                                     at("2026-03-02T08:00:00Z"), at("2026-03-06T18:00:00Z")));
    m_clock->set(at("2026-03-01T12:00:00Z"));
    auto r = m_engine->submit(m_dave, activation(m_dave, Reader, 60));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("RoleAssignmentDoesNotExist"));

    // Friday 17:30: the activation is cut at the eligibility's end.
    m_clock->set(at("2026-03-06T17:30:00Z"));
    r = m_engine->submit(m_dave, activation(m_dave, Reader, 120));
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    const auto active = m_engine->assignments(m_dave, PimKind::DirectoryRole, m_dave.userId, {}, {});
    QCOMPARE(active->first().endDateTime.toIso(), QStringLiteral("2026-03-06T18:00:00Z"));

    m_clock->set(at("2026-03-07T09:00:00Z"));
    m_engine->runDue();
    r = m_engine->submit(m_dave, activation(m_dave, Reader, 60));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("RoleAssignmentDoesNotExist"));
    // Listing shows only current eligibilities.
    QCOMPARE(m_engine->eligibilities(m_dave, PimKind::DirectoryRole, m_dave.userId, {}, {})->size(), 0);
}

void TestEngine::longestEligibilityIsUsed()
{
    // Two windows for the same role: the activation uses the one that lasts longer, so it is not
    // cut at the end of the shorter one; an open-ended eligibility outlasts any window.
    const auto longer = m_engine->addEligibility(m_admin, PimKind::DirectoryRole, m_dave.userId, Reader,
                                                 QStringLiteral("/"), at("2026-03-02T08:00:00Z"),
                                                 at("2026-03-20T18:00:00Z"));
    const auto shorter = m_engine->addEligibility(m_admin, PimKind::DirectoryRole, m_dave.userId, Reader,
                                                  QStringLiteral("/"), at("2026-03-02T08:00:00Z"),
                                                  at("2026-03-06T18:00:00Z"));
    if (!longer.ok() || !shorter.ok()) {
        QSKIP("a second eligibility for the same role is refused");
    }
    m_clock->set(at("2026-03-06T17:30:00Z"));
    auto r = m_engine->submit(m_dave, activation(m_dave, Reader, 120));
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    auto active = m_engine->assignments(m_dave, PimKind::DirectoryRole, m_dave.userId, {}, {});
    QCOMPARE(active->size(), 1);
    QCOMPARE(active->first().endDateTime.toIso(), QStringLiteral("2026-03-06T19:30:00Z"));

    // Carol is eligible without an end (init) and, now, until 18:00 as well.
    QVERIFY(m_engine->addEligibility(m_admin, PimKind::DirectoryRole, m_carol.userId, Reader, QStringLiteral("/"),
                                     at("2026-03-02T08:00:00Z"), at("2026-03-06T18:00:00Z")));
    r = m_engine->submit(m_carol, activation(m_carol, Reader, 120));
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    active = m_engine->assignments(m_carol, PimKind::DirectoryRole, m_carol.userId, {}, {});
    QCOMPARE(active->size(), 1);
    QCOMPARE(active->first().endDateTime.toIso(), QStringLiteral("2026-03-06T19:30:00Z"));
}

void TestEngine::refusesDuplicates()
{
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, Reader, 60)).ok());
    const auto again = m_engine->submit(m_alice, activation(m_alice, Reader, 60));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, QStringLiteral("RoleAssignmentExists"));

    RolePolicy p = Engine::defaultPolicy();
    p.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, m_bob.userId, QString()};
    p.approvalRules[0].approvalStages << stage;
    setPolicy(GlobalAdmin, p);
    QCOMPARE(m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60))->status, RequestStatus::PendingApproval);
    const auto pending = m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60));
    QVERIFY(!pending.ok());
    QCOMPARE(pending.error().code, QStringLiteral("PendingRoleAssignmentRequest"));
}

void TestEngine::deactivationMinimumAndRevoke()
{
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, Reader, 60)).ok());
    ScheduleRequest off;
    off.action = RequestAction::SelfDeactivate;
    off.roleDefinitionId = Reader;
    off.directoryScopeId = QStringLiteral("/");
    m_clock->advanceSeconds(120);
    auto r = m_engine->submit(m_alice, off);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("ActiveDurationTooShort"));
    m_clock->advanceSeconds(181);
    r = m_engine->submit(m_alice, off);
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    QCOMPARE(r->status, RequestStatus::Revoked);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));
    r = m_engine->submit(m_alice, off);
    QCOMPARE(r.error().code, QStringLiteral("RoleAssignmentDoesNotExist"));
    QVERIFY(auditActivities().contains(QStringLiteral("Remove member from role completed (PIM deactivate)")));
}

void TestEngine::expiresAtItsEnd()
{
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, Reader, 30)).ok());
    QCOMPARE(m_engine->nextDue().toIso(), QStringLiteral("2026-03-02T09:30:00Z"));
    m_clock->advanceSeconds(29 * 60);
    QCOMPARE(m_engine->runDue(), 0);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(1));
    m_clock->advanceSeconds(60);
    QCOMPARE(m_engine->runDue(), 1);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));
    QCOMPARE(auditActivities().last(), QStringLiteral("Remove member from role (PIM activation expired)"));
    // Running again applies nothing twice.
    QCOMPARE(m_engine->runDue(), 0);
    // And the role can be activated again.
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, Reader, 30)).ok());
}

void TestEngine::futureStartIsGrantedThenProvisioned()
{
    ScheduleRequest r = activation(m_alice, Reader, 60);
    r.scheduleInfo->startDateTime = at("2026-03-02T14:00:00Z");
    const auto granted = m_engine->submit(m_alice, r);
    QVERIFY(granted.ok());
    QCOMPARE(granted->status, RequestStatus::Granted);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));
    m_clock->set(at("2026-03-02T14:00:00Z"));
    QCOMPARE(m_engine->runDue(), 1);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(1));
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, granted->id, {})->status, RequestStatus::Provisioned);
    m_clock->set(at("2026-03-02T15:00:00Z"));
    QCOMPARE(m_engine->runDue(), 1);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));
}

void TestEngine::twoOfThreeApproval()
{
    RolePolicy p = Engine::defaultPolicy();
    p.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.approvalsRequired = 2;
    for (const Caller* who : {&m_alice, &m_bob, &m_carol}) {
        stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, who->userId, who->displayName};
    }
    p.approvalRules[0].approvalStages << stage;
    setPolicy(GlobalAdmin, p);

    const auto pending = m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60));
    QVERIFY(pending.ok());
    QCOMPARE(pending->status, RequestStatus::PendingApproval);
    QCOMPARE(pending->approvalId, pending->id);

    // Bob's inbox has it; Alice's own does not; Dave cannot see it.
    QCOMPARE(m_engine->requests(m_bob, PimKind::DirectoryRole, Engine::RequestView::Approver, {}, {})->size(), 1);
    QCOMPARE(m_engine->requests(m_alice, PimKind::DirectoryRole, Engine::RequestView::Approver, {}, {})->size(), 0);
    QCOMPARE(m_engine->approval(m_dave, PimKind::DirectoryRole, pending->id, Approval::Dialect::BetaSteps).error().httpStatus, 403);

    const auto approval = m_engine->approval(m_bob, PimKind::DirectoryRole, pending->id, Approval::Dialect::BetaSteps);
    QVERIFY(approval.ok());
    QCOMPARE(approval->steps.size(), 1);
    const ApprovalStep* step = approval->actionableStep();
    QVERIFY(step);
    const QString stepId = step->id;

    const ApprovalDecision yes{ApprovalVerdict::Approve, QStringLiteral("Known incident")};
    QCOMPARE(m_engine->decide(m_alice, PimKind::DirectoryRole, pending->id, stepId, yes).error().httpStatus, 403);
    QCOMPARE(m_engine->decide(m_dave, PimKind::DirectoryRole, pending->id, stepId, yes).error().httpStatus, 403);
    QVERIFY(m_engine->decide(m_bob, PimKind::DirectoryRole, pending->id, stepId, yes).ok());
    QCOMPARE(m_engine->decide(m_bob, PimKind::DirectoryRole, pending->id, stepId, yes).error().httpStatus, 409);
    // One of two: still pending, nothing active.
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {})->status, RequestStatus::PendingApproval);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));
    QVERIFY(!m_engine->approval(m_bob, PimKind::DirectoryRole, pending->id, Approval::Dialect::BetaSteps)->actionableStep());

    m_clock->advanceSeconds(600);
    QVERIFY(m_engine->decide(m_carol, PimKind::DirectoryRole, pending->id, stepId, yes).ok());
    const auto done = m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {});
    QCOMPARE(done->status, RequestStatus::Provisioned);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(1));
    // The hour counts from the approval, not from the request.
    const auto active = m_engine->assignments(m_alice, PimKind::DirectoryRole, m_alice.userId, {}, {});
    QCOMPARE(active->first().endDateTime.toIso(), QStringLiteral("2026-03-02T10:10:00Z"));
    const auto after = m_engine->approval(m_alice, PimKind::DirectoryRole, pending->id, Approval::Dialect::BetaSteps);
    QCOMPARE(after->steps.first().reviewResult, ReviewResult::Approved);
    QCOMPARE(after->steps.first().reviewedBy.size(), 2);
    QCOMPARE(m_engine->decide(m_carol, PimKind::DirectoryRole, pending->id, stepId, yes).error().httpStatus, 409);
    QVERIFY(auditActivities().contains(QStringLiteral("Add member to role request approved (PIM activation)")));
}

void TestEngine::firstDenialEndsIt()
{
    RolePolicy p = Engine::defaultPolicy();
    p.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.approvalsRequired = 2;
    stage.isApproverJustificationRequired = true;
    for (const Caller* who : {&m_bob, &m_carol, &m_dave}) {
        stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, who->userId, QString()};
    }
    p.approvalRules[0].approvalStages << stage;
    setPolicy(GlobalAdmin, p);
    const auto pending = m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60));
    const QString stepId =
        m_engine->approval(m_bob, PimKind::DirectoryRole, pending->id, Approval::Dialect::V1Stages)->steps.first().id;
    QCOMPARE(m_engine->decide(m_bob, PimKind::DirectoryRole, pending->id, stepId, {ApprovalVerdict::Deny, QString()})
                 .error().httpStatus,
             400);
    QVERIFY(m_engine->decide(m_bob, PimKind::DirectoryRole, pending->id, stepId, {ApprovalVerdict::Deny, QStringLiteral("No ticket")}).ok());
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {})->status, RequestStatus::Denied);
    QCOMPARE(m_engine->decide(m_carol, PimKind::DirectoryRole, pending->id, stepId, {ApprovalVerdict::Approve, QStringLiteral("ok")})
                 .error().httpStatus,
             409);
    QCOMPARE(m_engine->activeAssignmentCount(), qint64(0));
    QCOMPARE(auditActivities().last(), QStringLiteral("Add member to role request denied (PIM activation)"));
}

void TestEngine::serialStages()
{
    RolePolicy p = Engine::defaultPolicy();
    p.approvalRules[0].isApprovalRequired = true;
    p.approvalRules[0].approvalMode = ApprovalMode::Serial;
    ApprovalStage first;
    first.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, m_bob.userId, QString()};
    ApprovalStage second;
    GroupInfo security{QStringLiteral("grp-sec"), QStringLiteral("Security team"), QString()};
    QVERIFY(m_engine->addGroup(m_admin, security, {m_carol.userId, m_dave.userId}));
    second.primaryApprovers << SubjectSet{SubjectSetKind::GroupMembers, security.id, QString()};
    p.approvalRules[0].approvalStages << first << second;
    setPolicy(GlobalAdmin, p);

    const auto pending = m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60));
    auto a = m_engine->approval(m_bob, PimKind::DirectoryRole, pending->id, Approval::Dialect::BetaSteps);
    QCOMPARE(a->steps.size(), 2);
    QCOMPARE(a->steps.at(1).status, ApprovalStepStatus::NotStarted);
    // Carol cannot act on stage 2 before stage 1 is done.
    QCOMPARE(m_engine->decide(m_carol, PimKind::DirectoryRole, pending->id, a->steps.at(1).id, {ApprovalVerdict::Approve, {}})
                 .error().httpStatus,
             409);
    QVERIFY(m_engine->decide(m_bob, PimKind::DirectoryRole, pending->id, a->steps.at(0).id, {ApprovalVerdict::Approve, {}}).ok());
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {})->status, RequestStatus::PendingApproval);
    QCOMPARE(m_engine->requests(m_dave, PimKind::DirectoryRole, Engine::RequestView::Approver, {}, {})->size(), 1);
    QVERIFY(m_engine->decide(m_dave, PimKind::DirectoryRole, pending->id, a->steps.at(1).id, {ApprovalVerdict::Approve, {}}).ok());
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {})->status, RequestStatus::Provisioned);
}

void TestEngine::pendingLifetimeExpires()
{
    RolePolicy p = Engine::defaultPolicy();
    p.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.approvalStageTimeOutInDays = 1;
    stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, m_bob.userId, QString()};
    p.approvalRules[0].approvalStages << stage;
    setPolicy(GlobalAdmin, p);
    const auto pending = m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60));
    m_clock->advanceSeconds(86400 - 1);
    QCOMPARE(m_engine->runDue(), 0);
    m_clock->advanceSeconds(1);
    QCOMPARE(m_engine->runDue(), 1);
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {})->status, RequestStatus::Canceled);
    const auto events = m_engine->auditEvents(m_admin, ListQuery{});
    QCOMPARE(events->first().result, AuditResult::Timeout);
    QVERIFY(events->first().initiatedByApp.has_value());
    // The requester may ask again.
    QCOMPARE(m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60))->status, RequestStatus::PendingApproval);
}

void TestEngine::cancelPending()
{
    RolePolicy p = Engine::defaultPolicy();
    p.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, m_bob.userId, QString()};
    p.approvalRules[0].approvalStages << stage;
    setPolicy(GlobalAdmin, p);
    const auto pending = m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60));
    QCOMPARE(m_engine->cancel(m_bob, PimKind::DirectoryRole, pending->id).error().httpStatus, 403);
    QVERIFY(m_engine->cancel(m_alice, PimKind::DirectoryRole, pending->id).ok());
    QCOMPARE(m_engine->request(m_alice, PimKind::DirectoryRole, pending->id, {})->status, RequestStatus::Canceled);
    QCOMPARE(m_engine->cancel(m_alice, PimKind::DirectoryRole, pending->id).error().httpStatus, 400);
    QCOMPARE(m_engine->cancel(m_alice, PimKind::DirectoryRole, QStringLiteral("nope")).error().httpStatus, 404);
    QCOMPARE(m_engine->requests(m_bob, PimKind::DirectoryRole, Engine::RequestView::Approver, {}, {})->size(), 0);
}

void TestEngine::extensionOfAssignedRoles()
{
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, Reader, 60)).ok());
    ScheduleRequest extend = activation(m_alice, Reader, 120);
    extend.action = RequestAction::SelfExtend;
    QCOMPARE(m_engine->submit(m_alice, extend).error().code, QStringLiteral("RoleAssignmentDoesNotExist"));

    ScheduleRequest assign = activation(m_dave, Reader, 24 * 60);
    assign.action = RequestAction::AdminAssign;
    QVERIFY(m_engine->submit(m_admin, assign).ok());
    m_clock->advanceSeconds(23 * 3600);
    ScheduleRequest ask = activation(m_dave, Reader, 48 * 60);
    ask.action = RequestAction::SelfExtend;
    const auto asked = m_engine->submit(m_dave, ask);
    QVERIFY2(asked.ok(), asked.ok() ? "" : qPrintable(asked.error().message));
    QCOMPARE(asked->status, RequestStatus::PendingAdminDecision);
    ScheduleRequest grant = activation(m_dave, Reader, 48 * 60);
    grant.action = RequestAction::AdminExtend;
    QVERIFY(m_engine->submit(m_admin, grant).ok());
    QCOMPARE(m_engine->request(m_dave, PimKind::DirectoryRole, asked->id, {})->status, RequestStatus::Provisioned);
    const auto active = m_engine->assignments(m_dave, PimKind::DirectoryRole, m_dave.userId, {}, {});
    QCOMPARE(active->first().endDateTime.toIso(), QStringLiteral("2026-03-05T08:00:00Z"));
}

void TestEngine::authorization()
{
    ScheduleRequest forBob = activation(m_bob, Reader, 60);
    QCOMPARE(m_engine->submit(m_alice, forBob).error().httpStatus, 403);
    ScheduleRequest assign = activation(m_bob, Reader, 60);
    assign.action = RequestAction::AdminAssign;
    QCOMPARE(m_engine->submit(m_alice, assign).error().httpStatus, 403);
    QCOMPARE(m_engine->eligibilities(m_alice, PimKind::DirectoryRole, m_bob.userId, {}, {}).error().httpStatus, 403);
    QCOMPARE(m_engine->eligibilities(m_alice, PimKind::DirectoryRole, QString(), {}, {}).error().httpStatus, 403);
    QCOMPARE(m_engine->auditEvents(m_alice, {}).error().httpStatus, 403);
    QCOMPARE(m_engine->setPolicy(m_alice, PimKind::DirectoryRole, Reader, QStringLiteral("/"), Engine::defaultPolicy())
                 .error().httpStatus,
             403);
    QCOMPARE(m_engine->addEligibility(m_alice, PimKind::DirectoryRole, m_alice.userId, GlobalAdmin, QStringLiteral("/"), {}, {})
                 .error().httpStatus,
             403);
    QCOMPARE(m_engine->requests(m_alice, PimKind::DirectoryRole, Engine::RequestView::All, {}, {}).error().httpStatus, 403);
    // Unknown role / unknown action.
    ScheduleRequest bogus = activation(m_alice, QStringLiteral("no-such-role"), 60);
    QCOMPARE(m_engine->submit(m_alice, bogus).error().code, QStringLiteral("RoleDefinitionDoesNotExist"));
    bogus = activation(m_alice, Reader, 60);
    bogus.action = RequestAction::Unknown;
    QCOMPARE(m_engine->submit(m_alice, bogus).error().httpStatus, 400);
    // Auditors read audit; admins list everything.
    Caller auditor = makeUser(QStringLiteral("erin"), false, true);
    QVERIFY(m_engine->auditEvents(auditor, {}).ok());
    QCOMPARE(m_engine->eligibilities(m_admin, PimKind::DirectoryRole, QString(), {}, {})->size(), 6);
}

void TestEngine::groupsActivate()
{
    GroupInfo ops{QStringLiteral("grp-ops"), QStringLiteral("Production operators"), QString()};
    QVERIFY(m_engine->addGroup(m_admin, ops, {}));
    QVERIFY(m_engine->addEligibility(m_admin, PimKind::Group, m_alice.userId, ops.id, QStringLiteral("member"), {}, {}));
    ScheduleRequest r;
    r.kind = PimKind::Group;
    r.action = RequestAction::SelfActivate;
    r.groupId = ops.id;
    r.accessId = GroupAccess::Member;
    r.justification = QStringLiteral("Deploy");
    ScheduleInfo s;
    s.expiration = Expiration{ExpirationType::AfterDuration, IsoDuration::fromHours(2), {}};
    r.scheduleInfo = s;
    const auto done = m_engine->submit(m_alice, r);
    QVERIFY2(done.ok(), done.ok() ? "" : qPrintable(done.error().message));
    QCOMPARE(done->status, RequestStatus::Provisioned);
    const auto active = m_engine->assignments(m_alice, PimKind::Group, m_alice.userId, {}, Expand{false, false, true});
    QCOMPARE(active->size(), 1);
    QCOMPARE(active->first().accessId, GroupAccess::Member);
    QCOMPARE(active->first().group->displayName, QStringLiteral("Production operators"));
    r.accessId = GroupAccess::Owner;
    QCOMPARE(m_engine->submit(m_alice, r).error().code, QStringLiteral("RoleAssignmentDoesNotExist"));
    QCOMPARE(m_engine->eligibilities(m_alice, PimKind::DirectoryRole, m_alice.userId, {}, {})->size(), 2);
    QCOMPARE(m_engine->eligibilities(m_alice, PimKind::Group, m_alice.userId, {}, {})->size(), 1);
}

void TestEngine::accessReviewLifecycle()
{
    // Alice used the role recently; Bob and Carol did not.
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, GlobalAdmin, 60)).ok());
    m_clock->advanceSeconds(3600);
    m_engine->runDue();
    const auto def = m_engine->createReview(m_admin, QStringLiteral("Q1 Global Administrator review"), PimKind::DirectoryRole,
                                            GlobalAdmin, {m_dave.userId}, 14, true);
    QVERIFY2(def.ok(), def.ok() ? "" : qPrintable(def.error().message));
    QCOMPARE(m_engine->reviewDefinitions(m_dave, true)->size(), 1);
    QCOMPARE(m_engine->reviewDefinitions(m_bob, true)->size(), 0);
    QCOMPARE(m_engine->reviewDefinition(m_bob, def->id).error().httpStatus, 403);
    const auto instances = m_engine->reviewInstances(m_dave, def->id, true);
    QCOMPARE(instances->size(), 1);
    const QString inst = instances->first().id;
    auto decisions = m_engine->reviewDecisions(m_dave, def->id, inst, {});
    QCOMPARE(decisions->size(), 3);
    QString aliceDecision, bobDecision;
    for (const ReviewDecision& d : *decisions) {
        QCOMPARE(d.decision, ReviewDecisionValue::NotReviewed);
        QCOMPARE(d.resource->displayName, QStringLiteral("Global Administrator"));
        if (d.principal.id == m_alice.userId) {
            QCOMPARE(d.recommendation, ReviewRecommendation::Approve);
            aliceDecision = d.id;
        } else {
            QCOMPARE(d.recommendation, ReviewRecommendation::Deny);
            if (d.principal.id == m_bob.userId) {
                bobDecision = d.id;
            }
        }
    }
    // Only reviewers decide; approvals need a justification here.
    QCOMPARE(m_engine->recordDecision(m_bob, def->id, inst, bobDecision, {ReviewDecisionValue::Approve, QStringLiteral("me")})
                 .error().httpStatus,
             403);
    QCOMPARE(m_engine->recordDecision(m_dave, def->id, inst, aliceDecision, {ReviewDecisionValue::Approve, QString()})
                 .error().httpStatus,
             400);
    QVERIFY(m_engine->recordDecision(m_dave, def->id, inst, aliceDecision, {ReviewDecisionValue::Approve, QStringLiteral("On call")}).ok());
    QCOMPARE(m_engine->recordDecision(m_dave, def->id, inst, QStringLiteral("missing"), {ReviewDecisionValue::Deny, QString()})
                 .error().httpStatus,
             404);
    // Accepting recommendations fills in only what is still open.
    QCOMPARE(*m_engine->acceptRecommendations(m_dave, def->id, inst), 2);
    decisions = m_engine->reviewDecisions(m_dave, def->id, inst, {});
    for (const ReviewDecision& d : *decisions) {
        QCOMPARE(d.decision, d.principal.id == m_alice.userId ? ReviewDecisionValue::Approve : ReviewDecisionValue::Deny);
        QCOMPARE(d.reviewedBy->displayName, QStringLiteral("dave"));
    }
    QCOMPARE(m_engine->stopReview(m_dave, def->id, inst).error().httpStatus, 403);
    QVERIFY(m_engine->stopReview(m_admin, def->id, inst).ok());
    // Denied access is gone; decisions are frozen.
    QCOMPARE(m_engine->eligibilities(m_bob, PimKind::DirectoryRole, m_bob.userId, {}, {})->size(), 1);
    QCOMPARE(m_engine->eligibilities(m_alice, PimKind::DirectoryRole, m_alice.userId, {}, {})->size(), 2);
    QCOMPARE(m_engine->recordDecision(m_dave, def->id, inst, aliceDecision, {ReviewDecisionValue::Deny, QString()})
                 .error().httpStatus,
             409);
    QCOMPARE(m_engine->submit(m_bob, activation(m_bob, GlobalAdmin, 60)).error().code,
             QStringLiteral("RoleAssignmentDoesNotExist"));
    const QStringList activities = auditActivities();
    QVERIFY(activities.contains(QStringLiteral("Approve decision")));
    QVERIFY(activities.contains(QStringLiteral("Access review ended")));
    QCOMPARE(activities.count(QStringLiteral("Apply decision")), 2);
    QVERIFY(m_engine->auditLog().verify().ok);
}

void TestEngine::auditChainDetectsTampering()
{
    QVERIFY(m_engine->submit(m_alice, activation(m_alice, Reader, 60)).ok());
    QVERIFY(m_engine->submit(m_bob, activation(m_bob, Reader, 60)).ok());
    auto v = m_engine->auditLog().verify();
    QVERIFY(v.ok);
    QVERIFY(v.rowsChecked >= 10);

    // Rewrite a justification inside a stored row.
    const QString victim = m_db->scalar(QStringLiteral("SELECT id FROM audit_events WHERE result_reason <> '' ORDER BY seq "
                                                       "LIMIT 1")).toString();
    const QString body = m_db->scalar(QStringLiteral("SELECT body FROM audit_events WHERE id = ?"), {victim}).toString();
    bool ok = false;
    m_db->run(QStringLiteral("UPDATE audit_events SET body = ? WHERE id = ?"),
              {QString(body).replace(QStringLiteral("INC-42"), QStringLiteral("INC-43")), victim}, &ok);
    QVERIFY(ok);
    v = m_engine->auditLog().verify();
    QVERIFY(!v.ok);
    QCOMPARE(v.firstBadId, victim);
    m_db->run(QStringLiteral("UPDATE audit_events SET body = ? WHERE id = ?"), {body, victim}, &ok);
    QVERIFY(m_engine->auditLog().verify().ok);

    // Change only an indexed column.
    m_db->run(QStringLiteral("UPDATE audit_events SET activity = 'Nothing happened' WHERE id = ?"), {victim}, &ok);
    QCOMPARE(m_engine->auditLog().verify().firstBadId, victim);
    m_db->run(m_db->dialect() == Database::Dialect::PostgreSQL
                  ? QStringLiteral("UPDATE audit_events SET activity = body::json->>'activityDisplayName' WHERE id = ?")
                  : QStringLiteral("UPDATE audit_events SET activity = (SELECT json_extract(body, '$.activityDisplayName')) WHERE id = ?"),
              {victim}, &ok);
    QVERIFY(m_engine->auditLog().verify().ok);

    // Remove a row in the middle: the next one is named.
    const qint64 middle = m_db->scalar(QStringLiteral("SELECT seq FROM audit_events ORDER BY seq LIMIT 1 OFFSET 5")).toLongLong();
    const QString next = m_db->scalar(QStringLiteral("SELECT id FROM audit_events WHERE seq = ?"), {middle + 1}).toString();
    m_db->run(QStringLiteral("DELETE FROM audit_events WHERE seq = ?"), {middle}, &ok);
    v = m_engine->auditLog().verify();
    QVERIFY(!v.ok);
    QCOMPARE(v.firstBadId, next);
}

void TestEngine::builtInRolesInstallOnce()
{
    // Two of the built-in roles exist already (init added them).
    const int added = m_engine->ensureBuiltInRoles();
    QCOMPARE(added, 14);
    QCOMPARE(m_engine->ensureBuiltInRoles(), 0);
    QCOMPARE(m_engine->roleDefinition(QStringLiteral("e8611ab8-c189-46e8-94e1-60213ab1f814"))->displayName,
             QStringLiteral("Privileged Role Administrator"));
    QCOMPARE(auditActivities().count(QStringLiteral("Add built-in role definitions")), 1);
    QVERIFY(m_engine->auditLog().verify().ok);
}

QTEST_GUILESS_MAIN(TestEngine)
#include "TestEngine.moc"
