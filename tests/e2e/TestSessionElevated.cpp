// End-to-end: the console's Session → GraphClient → Authority stack against a real elevated
// (ServerApp on 127.0.0.1, temporary SQLite database, movable clock). Personas sign in with
// the device code flow, approving on the verification page exactly as a browser would.
#include "AsyncWait.h"
#include "ApiClient.h"

#include "Authority.h"
#include "Clock.h"
#include "Credentials.h"
#include "Database.h"
#include "Engine.h"
#include "GraphClient.h"
#include "IdentityService.h"
#include "ServerApp.h"
#include "Session.h"
#include "TokenStore.h"
#include "Totp.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;
using namespace Elevate::Testing;
using namespace Elevate::Server;

namespace {

const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString SecurityReader = QStringLiteral("5d6b6bb7-de71-4623-b4af-96380a352509");
const QString Password = QStringLiteral("correct horse battery");

// One person at the console: their own profile, tokens and session.
struct Persona
{
    QString user;
    Profile profile;
    std::unique_ptr<TokenStore> store;
    std::unique_ptr<Authority> authority;
    std::unique_ptr<Credentials> credentials;
    std::unique_ptr<GraphClient> graph;
    std::unique_ptr<Session> session;
    int interactiveSignIns = 0;
    QByteArray totpSecret; // the authenticator app, when the account has one
};

} // namespace

class TestSessionElevated final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void whoAmIAndMyRoles();
    void preflightRefusesBeforeSending();
    void activateThenDeactivate();
    void approvalByTwoSecondPersonas();
    void denialByAnApprover();
    void cancelAPendingRequest();
    void mfaStepUpRetriesOnce();
    void mfaStepUpWithTotpActivates();
    void accessReviewCompleted();
    void extendAnAssignedRole();
    void expiredAccessTokenIsRefreshed();
    void auditQuery();

private:
    Persona& p(const QString& name) { return *m_personas.value(name); }
    void addPersona(const QString& name);
    qint64 requestCount() const { return m_server->database().scalar(QStringLiteral("SELECT COUNT(*) FROM requests")).toLongLong(); }

    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ServerApp> m_server;
    std::unique_ptr<ApiClient> m_api;
    QNetworkAccessManager m_nam;
    QHash<QString, std::shared_ptr<Persona>> m_personas;
    QHash<QString, QString> m_ids;
    Caller m_admin;
};

void TestSessionElevated::addPersona(const QString& name)
{
    auto persona = std::make_shared<Persona>();
    persona->user = name;
    persona->profile = Profile::elevated(name, m_server->baseUrl(), QStringLiteral("elevate-tests"));
    persona->profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    persona->store = std::make_unique<TokenStore>(QStringLiteral("Elevate e2e ") + persona->profile.id);
    persona->authority = std::make_unique<Authority>(m_nam, persona->profile);
    persona->credentials = std::make_unique<Credentials>(*persona->authority, *persona->store);
    persona->graph = std::make_unique<GraphClient>(m_nam, *persona->credentials);
    persona->session = std::make_unique<Session>(*persona->graph);
    persona->session->setClock([this] { return m_clock->now(); });
    persona->session->setPollInterval(50);
    Persona* raw = persona.get();
    // The interactive sign-in: device code, approved on the verification page by "the user".
    persona->credentials->setInteractiveSignIn([this, raw](Authority& authority, const QString& claims, Credentials::Done done) {
        ++raw->interactiveSignIns;
        auto c1 = std::make_shared<QMetaObject::Connection>();
        auto c2 = std::make_shared<QMetaObject::Connection>();
        *c1 = connect(&authority, &Authority::deviceCodeReceived, this, [this, raw](const DeviceCodePrompt& prompt) {
            const QString code = prompt.userCode;
            QTimer::singleShot(0, this, [this, raw, code] {
                QUrlQuery approve;
                approve.addQueryItem(QStringLiteral("user_code"), code);
                approve.addQueryItem(QStringLiteral("username"), raw->user);
                approve.addQueryItem(QStringLiteral("password"), Password);
                if (!raw->totpSecret.isEmpty()) {
                    const qint64 now = m_clock->now().toDateTime().toSecsSinceEpoch();
                    approve.addQueryItem(QStringLiteral("totp"), Totp::code(raw->totpSecret, Totp::stepAt(now)));
                }
                approve.addQueryItem(QStringLiteral("action"), QStringLiteral("approve"));
                if (m_api->form(QStringLiteral("/organizations/oauth2/v2.0/deviceauth"), approve).status != 200) {
                    // The page refused (no second factor to give): the user declines the request.
                    QUrlQuery decline;
                    decline.addQueryItem(QStringLiteral("user_code"), code);
                    decline.addQueryItem(QStringLiteral("username"), raw->user);
                    decline.addQueryItem(QStringLiteral("password"), Password);
                    decline.addQueryItem(QStringLiteral("action"), QStringLiteral("decline"));
                    m_api->form(QStringLiteral("/organizations/oauth2/v2.0/deviceauth"), decline);
                }
            });
        });
        *c2 = connect(&authority, &Authority::finished, this, [c1, c2, done](const AuthResult& r) {
            disconnect(*c1);
            disconnect(*c2);
            done(r);
        });
        authority.startDeviceCode(claims);
    });
    m_personas.insert(name, persona);
}

void TestSessionElevated::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_clock = std::make_unique<ManualClock>(*Timestamp::fromIso(u"2026-03-02T09:00:00Z"));
    m_server = std::make_unique<ServerApp>();
    m_server->setClock(m_clock.get());
    ServerConfig config;
    config.listen = QStringLiteral("127.0.0.1:0");
    config.database = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("elevated.db"));
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 0;
    QString error;
    QVERIFY2(m_server->start(config, &error), qPrintable(error));
    m_api = std::make_unique<ApiClient>(m_server->baseUrl());

    IdentityService& identity = m_server->identity();
    for (const auto& [name, admin, auditor] :
         {std::tuple{"admin", true, true}, std::tuple{"auditor", false, true}, std::tuple{"alice", false, false},
          std::tuple{"bob", false, false}, std::tuple{"carol", false, false}, std::tuple{"dave", false, false},
          std::tuple{"erin", false, false}}) {
        const QString user = QString::fromLatin1(name);
        const QString id = identity.addUser(user, user.toUpper(), Password, admin, auditor);
        QVERIFY(!id.isEmpty());
        m_ids.insert(user, id);
    }
    m_admin.userId = QStringLiteral("tests");
    m_admin.isAdmin = true;
    Engine& engine = m_server->engine();
    RolePolicy ga = Engine::defaultPolicy();
    ga.expirationRules[0].maximumDuration = IsoDuration::fromHours(2);
    ga.enablementRules[0].enabledRules << EnablementRequirement::Ticketing;
    ga.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.approvalsRequired = 2;
    for (const char* who : {"bob", "carol", "dave"}) {
        stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, m_ids.value(QString::fromLatin1(who)), QString()};
    }
    ga.approvalRules[0].approvalStages << stage;
    QVERIFY(engine.setPolicy(m_admin, PimKind::DirectoryRole, GlobalAdmin, QStringLiteral("/"), ga));
    RolePolicy mfa = Engine::defaultPolicy();
    mfa.enablementRules[0].enabledRules << EnablementRequirement::MultiFactorAuthentication;
    QVERIFY(engine.setPolicy(m_admin, PimKind::DirectoryRole, SecurityReader, QStringLiteral("/"), mfa));
    for (const char* who : {"alice", "bob", "erin"}) {
        QVERIFY(engine.addEligibility(m_admin, PimKind::DirectoryRole, m_ids.value(QString::fromLatin1(who)), Reader, QStringLiteral("/"), {}, {}));
    }
    QVERIFY(engine.addEligibility(m_admin, PimKind::DirectoryRole, m_ids.value(QStringLiteral("alice")), GlobalAdmin, QStringLiteral("/"), {}, {}));
    QVERIFY(engine.addEligibility(m_admin, PimKind::DirectoryRole, m_ids.value(QStringLiteral("alice")), SecurityReader, QStringLiteral("/"), {}, {}));

    // Everyone signs in at once (each flow waits one poll interval).
    const QStringList names{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"), QStringLiteral("dave"),
                            QStringLiteral("auditor")};
    QHash<QString, AuthResult> results;
    for (const QString& name : names) {
        addPersona(name);
        p(name).credentials->signIn(QString(), [&results, name](const AuthResult& r) { results.insert(name, r); });
    }
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), names.size(), 60000);
    for (const QString& name : names) {
        QVERIFY2(results.value(name).ok(), qPrintable(name + u' ' + results.value(name).error + u' ' + results.value(name).description));
        QVERIFY(!p(name).credentials->accessToken().isEmpty());
        p(name).interactiveSignIns = 0;
    }
}

void TestSessionElevated::cleanupTestCase()
{
    m_personas.clear();
    m_api.reset();
    m_server.reset();
}

void TestSessionElevated::whoAmIAndMyRoles()
{
    const auto me = await<Identity>([this](auto done) { p(QStringLiteral("alice")).session->whoami(done); });
    QVERIFY2(me.ok(), qPrintable(me.message));
    QCOMPARE(me.value.displayName, QStringLiteral("ALICE"));
    QCOMPARE(me.value.id, m_ids.value(QStringLiteral("alice")));
    const auto roles = await<QList<RoleRow>>([this](auto done) { p(QStringLiteral("alice")).session->myRoles(done); });
    QVERIFY(roles.ok());
    QCOMPARE(roles.value.size(), 3);
    for (const RoleRow& row : roles.value) {
        QVERIFY(row.eligible);
        QVERIFY(!row.active);
    }
    QVERIFY(resolveRole(roles.value, QStringLiteral("global administrator")).has_value());
    QVERIFY(resolveRole(roles.value, Reader).has_value());
}

void TestSessionElevated::preflightRefusesBeforeSending()
{
    const qint64 before = requestCount();
    ActivationRequest request;
    request.roles = {QStringLiteral("Global Administrator")};
    request.duration = IsoDuration::fromHours(3);
    const auto r = await<QList<ActivationOutcome>>([&](auto done) { p(QStringLiteral("alice")).session->activate(request, done); });
    QCOMPARE(r.outcome, SessionOutcome::Refused);
    QStringList rules;
    for (const PolicyViolation& v : r.value.first().violations) {
        rules << v.rule;
    }
    rules.sort();
    QCOMPARE(rules, (QStringList{QStringLiteral("ExpirationRule"), QStringLiteral("JustificationRule"), QStringLiteral("TicketingRule")}));
    QVERIFY2(r.value.first().message.contains(QStringLiteral("2 h")), qPrintable(r.value.first().message));
    QCOMPARE(requestCount(), before); // nothing reached the server's request table
}

void TestSessionElevated::activateThenDeactivate()
{
    Session& alice = *p(QStringLiteral("alice")).session;
    ActivationRequest request;
    request.roles = {QStringLiteral("Directory Readers")};
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Incident INC-7");
    auto r = await<QList<ActivationOutcome>>([&](auto done) { alice.activate(request, done); });
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.value.first().request->status, RequestStatus::Provisioned);
    auto roles = await<QList<RoleRow>>([&](auto done) { alice.myRoles(done); });
    const RoleRow active = *std::find_if(roles.value.cbegin(), roles.value.cend(), [](const RoleRow& row) { return row.target.id == Reader; });
    QVERIFY(active.active.has_value());
    QCOMPARE(active.active->assignmentType, AssignmentType::Activated);
    QCOMPARE(active.active->startDateTime.msecsTo(active.active->endDateTime), 3600 * 1000);

    auto again = await<QList<ActivationOutcome>>([&](auto done) { alice.activate(request, done); });
    QCOMPARE(again.outcome, SessionOutcome::Refused);
    QVERIFY2(again.message.contains(QStringLiteral("already active")), qPrintable(again.message));

    auto off = await<ScheduleRequest>([&](auto done) { alice.deactivate(QStringLiteral("Directory Readers"), done); });
    QCOMPARE(off.outcome, SessionOutcome::Refused);
    QVERIFY2(off.message.contains(QStringLiteral("5 minutes")), qPrintable(off.message));
    m_clock->advanceSeconds(6 * 60);
    off = await<ScheduleRequest>([&](auto done) { alice.deactivate(Reader, done); });
    QVERIFY2(off.ok(), qPrintable(off.message));
    QCOMPARE(off.value.status, RequestStatus::Revoked);
    auto missing = await<ScheduleRequest>([&](auto done) { alice.deactivate(Reader, done); });
    QCOMPARE(missing.outcome, SessionOutcome::Invalid);
}

void TestSessionElevated::approvalByTwoSecondPersonas()
{
    ActivationRequest request;
    request.roles = {QStringLiteral("Global Administrator")};
    request.duration = IsoDuration::fromHours(2);
    request.justification = QStringLiteral("Rotate the break-glass keys");
    request.ticket = TicketInfo{QStringLiteral("CHG-9"), QStringLiteral("Jira")};
    auto r = await<QList<ActivationOutcome>>([&](auto done) { p(QStringLiteral("alice")).session->activate(request, done); });
    QVERIFY2(r.ok(), qPrintable(r.message));
    const ScheduleRequest pending = *r.value.first().request;
    QCOMPARE(pending.status, RequestStatus::PendingApproval);

    auto inbox = await<QList<ScheduleRequest>>([&](auto done) { p(QStringLiteral("bob")).session->pendingApprovals(done); });
    QVERIFY(inbox.ok());
    QCOMPARE(inbox.value.size(), 1);
    QCOMPARE(inbox.value.first().id, pending.id);
    QCOMPARE(inbox.value.first().principal->displayName, QStringLiteral("ALICE"));
    QCOMPARE(inbox.value.first().ticketInfo.ticketNumber, QStringLiteral("CHG-9"));
    // The requester cannot approve her own request.
    auto own = await<QList<ItemOutcome>>([&](auto done) {
        p(QStringLiteral("alice")).session->decideApprovals({pending.id}, ApprovalVerdict::Approve, QStringLiteral("me"), done);
    });
    QCOMPARE(own.outcome, SessionOutcome::Refused);

    auto first = await<QList<ItemOutcome>>([&](auto done) {
        p(QStringLiteral("bob")).session->decideApprovals({pending.id}, ApprovalVerdict::Approve, QStringLiteral("CAB ok"), done);
    });
    QVERIFY2(first.ok(), qPrintable(first.message));
    auto still = await<ScheduleRequest>([&](auto done) { p(QStringLiteral("alice")).session->waitForRequest(PimKind::DirectoryRole, pending.id, 0, done); });
    QCOMPARE(still.value.status, RequestStatus::PendingApproval); // two of three must approve
    auto second = await<QList<ItemOutcome>>([&](auto done) {
        p(QStringLiteral("carol")).session->decideApprovals({pending.id}, ApprovalVerdict::Approve, QStringLiteral("ok"), done);
    });
    QVERIFY2(second.ok(), qPrintable(second.message));
    auto granted = await<ScheduleRequest>([&](auto done) {
        p(QStringLiteral("alice")).session->waitForRequest(PimKind::DirectoryRole, pending.id, 10000, done);
    });
    QVERIFY2(granted.ok(), qPrintable(granted.message));
    QCOMPARE(granted.value.status, RequestStatus::Provisioned);
    auto late = await<QList<ItemOutcome>>([&](auto done) {
        p(QStringLiteral("dave")).session->decideApprovals({pending.id}, ApprovalVerdict::Approve, QStringLiteral("late"), done);
    });
    QCOMPARE(late.outcome, SessionOutcome::Refused);
    m_clock->advanceSeconds(6 * 60);
    auto off = await<ScheduleRequest>([&](auto done) { p(QStringLiteral("alice")).session->deactivate(GlobalAdmin, done); });
    QVERIFY2(off.ok(), qPrintable(off.message));
}

void TestSessionElevated::denialByAnApprover()
{
    ActivationRequest request;
    request.roles = {GlobalAdmin};
    request.duration = IsoDuration::fromMinutes(30);
    request.justification = QStringLiteral("Curious");
    request.ticket = TicketInfo{QStringLiteral("CHG-10"), QStringLiteral("Jira")};
    auto r = await<QList<ActivationOutcome>>([&](auto done) { p(QStringLiteral("alice")).session->activate(request, done); });
    QVERIFY2(r.ok(), qPrintable(r.message));
    const QString id = r.value.first().request->id;
    auto denied = await<QList<ItemOutcome>>([&](auto done) {
        p(QStringLiteral("dave")).session->decideApprovals({id}, ApprovalVerdict::Deny, QStringLiteral("No change window"), done);
    });
    QVERIFY2(denied.ok(), qPrintable(denied.message));
    auto outcome = await<ScheduleRequest>([&](auto done) { p(QStringLiteral("alice")).session->waitForRequest(PimKind::DirectoryRole, id, 10000, done); });
    QCOMPARE(outcome.outcome, SessionOutcome::Refused);
    QCOMPARE(outcome.value.status, RequestStatus::Denied);
}

void TestSessionElevated::cancelAPendingRequest()
{
    ActivationRequest request;
    request.roles = {GlobalAdmin};
    request.duration = IsoDuration::fromMinutes(30);
    request.justification = QStringLiteral("Maybe later");
    request.ticket = TicketInfo{QStringLiteral("CHG-11"), QStringLiteral("Jira")};
    auto r = await<QList<ActivationOutcome>>([&](auto done) { p(QStringLiteral("alice")).session->activate(request, done); });
    QVERIFY2(r.ok(), qPrintable(r.message));
    const QString id = r.value.first().request->id;
    auto canceled = await<NoContent>([&](auto done) { p(QStringLiteral("alice")).session->cancelRequest(id, done); });
    QVERIFY2(canceled.ok(), qPrintable(canceled.message + canceled.details));
    auto mine = await<QList<ScheduleRequest>>([&](auto done) { p(QStringLiteral("alice")).session->myRequests(done); });
    QVERIFY(mine.ok());
    const auto it = std::find_if(mine.value.cbegin(), mine.value.cend(), [&id](const ScheduleRequest& q) { return q.id == id; });
    QVERIFY(it != mine.value.cend());
    QCOMPARE(it->status, RequestStatus::Canceled);
    QVERIFY(mine.value.size() >= 5);
    auto twice = await<NoContent>([&](auto done) { p(QStringLiteral("alice")).session->cancelRequest(id, done); });
    QCOMPARE(twice.outcome, SessionOutcome::Refused);
}

void TestSessionElevated::mfaStepUpRetriesOnce()
{
    // The role's policy demands MFA and Alice has no authenticator: the step-up sign-in is
    // tried once, cannot complete, and the refusal is reported: no loop, nothing sent twice.
    Persona& alice = p(QStringLiteral("alice"));
    alice.interactiveSignIns = 0;
    const qint64 before = requestCount();
    ActivationRequest request;
    request.roles = {QStringLiteral("Security Reader")};
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Review alerts");
    auto r = await<QList<ActivationOutcome>>([&](auto done) { alice.session->activate(request, done); });
    QCOMPARE(r.outcome, SessionOutcome::Refused);
    const ActivationOutcome& o = r.value.first();
    QVERIFY(o.steppedUp);
    QCOMPARE(alice.interactiveSignIns, 1);
    // elevated answers an MFA rule with a claims challenge (RoleAssignmentRequestAcrsValidationFailed);
    // Entra may also say RoleAssignmentRequestPolicyValidationFailed + MfaRule: both step up.
    QVERIFY2(o.details.contains(QStringLiteral("RoleAssignmentRequestAcrsValidationFailed"))
                 || o.details.contains(QStringLiteral("MfaRule")),
             qPrintable(o.details));
    QVERIFY2(o.message.contains(QStringLiteral("stronger sign-in")), qPrintable(o.message));
    QCOMPARE(requestCount(), before);
    // The session she had still works.
    QVERIFY(await<Identity>([&](auto done) { alice.session->whoami(done); }).ok());
}

void TestSessionElevated::mfaStepUpWithTotpActivates()
{
    // Alice enrols an authenticator app: the same activation now steps up with a TOTP code,
    // is sent once more, and is provisioned.
    Persona& alice = p(QStringLiteral("alice"));
    alice.totpSecret = m_server->identity().enrolSecondFactor(m_ids.value(QStringLiteral("alice")));
    QVERIFY(!alice.totpSecret.isEmpty());
    alice.interactiveSignIns = 0;
    const qint64 before = requestCount();
    ActivationRequest request;
    request.roles = {QStringLiteral("Security Reader")};
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Review alerts");
    auto r = await<QList<ActivationOutcome>>([&](auto done) { alice.session->activate(request, done); });
    QVERIFY2(r.outcome == SessionOutcome::Done, qPrintable(r.message + u' ' + r.details));
    const ActivationOutcome& o = r.value.first();
    QVERIFY(o.steppedUp);
    QCOMPARE(alice.interactiveSignIns, 1);
    QVERIFY(o.request);
    QCOMPARE(o.request->status, RequestStatus::Provisioned);
    QCOMPARE(requestCount(), before + 1);
    // The new token carries the second factor.
    const std::optional<Caller> caller = m_server->identity().authenticate(alice.credentials->accessToken());
    QVERIFY(caller);
    QVERIFY(caller->session.multiFactor);
}

void TestSessionElevated::accessReviewCompleted()
{
    const auto def = m_server->engine().createReview(m_admin, QStringLiteral("Directory Readers review"), PimKind::DirectoryRole, Reader,
                                                     {m_ids.value(QStringLiteral("carol"))}, 7, true);
    QVERIFY(def.ok());
    Session& carol = *p(QStringLiteral("carol")).session;
    auto reviews = await<QList<ReviewRow>>([&](auto done) { carol.reviews(done); });
    QVERIFY(reviews.ok());
    QCOMPARE(reviews.value.size(), 1);
    QCOMPARE(reviews.value.first().pendingDecisions, 3);
    QCOMPARE(await<QList<ReviewRow>>([&](auto done) { p(QStringLiteral("dave")).session->reviews(done); }).value.size(), 0);

    auto decisions = await<QList<ReviewDecision>>([&](auto done) { carol.decisions(QStringLiteral("Directory Readers review"), done); });
    QVERIFY(decisions.ok());
    QCOMPARE(decisions.value.size(), 3);
    QString aliceDecision;
    for (const ReviewDecision& d : decisions.value) {
        if (d.principal.id == m_ids.value(QStringLiteral("alice"))) {
            aliceDecision = d.id;
        }
    }
    QVERIFY(!aliceDecision.isEmpty());
    auto noReason = await<NoContent>([&](auto done) { carol.decide(aliceDecision, ReviewDecisionValue::Approve, {}, done); });
    QCOMPARE(noReason.outcome, SessionOutcome::Refused); // justification required to approve
    auto one = await<NoContent>([&](auto done) { carol.decide(aliceDecision, ReviewDecisionValue::Approve, QStringLiteral("On call"), done); });
    QVERIFY2(one.ok(), qPrintable(one.message + one.details));
    auto batch = await<NoContent>([&](auto done) {
        carol.batchDecide(def->id, ReviewDecisionValue::Deny, QStringLiteral("Left the team"), m_ids.value(QStringLiteral("erin")), done);
    });
    QVERIFY2(batch.ok(), qPrintable(batch.message + batch.details));
    auto accept = await<NoContent>([&](auto done) { carol.acceptRecommendations(def->id, done); });
    QVERIFY2(accept.ok(), qPrintable(accept.message + accept.details));
    decisions = await<QList<ReviewDecision>>([&](auto done) { carol.decisions(def->id, done); });
    for (const ReviewDecision& d : decisions.value) {
        QVERIFY2(d.decision != ReviewDecisionValue::NotReviewed, qPrintable(d.id));
        if (d.principal.id == m_ids.value(QStringLiteral("erin"))) {
            QCOMPARE(d.decision, ReviewDecisionValue::Deny);
        }
        if (d.id == aliceDecision) {
            QCOMPARE(d.decision, ReviewDecisionValue::Approve);
            QCOMPARE(d.justification, QStringLiteral("On call"));
        }
    }
    QVERIFY(m_server->engine().stopReview(m_admin, def->id, reviews.value.first().instance->id).ok());
    auto late = await<NoContent>([&](auto done) { carol.decide(aliceDecision, ReviewDecisionValue::Deny, QStringLiteral("x"), done); });
    QVERIFY(!late.ok()); // the review is completed: decisions are frozen
}

void TestSessionElevated::extendAnAssignedRole()
{
    // An admin assigns dave Directory Readers for an hour; near its end he asks to extend.
    ScheduleRequest assign;
    assign.action = RequestAction::AdminAssign;
    assign.principalId = m_ids.value(QStringLiteral("dave"));
    assign.roleDefinitionId = Reader;
    assign.directoryScopeId = QStringLiteral("/");
    assign.justification = QStringLiteral("On call this week");
    ScheduleInfo schedule;
    schedule.expiration.type = ExpirationType::AfterDuration;
    schedule.expiration.duration = IsoDuration::fromHours(1);
    assign.scheduleInfo = schedule;
    QVERIFY(m_server->engine().submit(m_admin, assign).ok());
    Session& dave = *p(QStringLiteral("dave")).session;
    auto roles = await<QList<RoleRow>>([&](auto done) { dave.myRoles(done); });
    QCOMPARE(roles.value.size(), 1);
    QCOMPARE(roles.value.first().active->assignmentType, AssignmentType::Assigned);
    QVERIFY(!roles.value.first().eligible);
    auto extended = await<ScheduleRequest>([&](auto done) {
        dave.extend(QStringLiteral("Directory Readers"), IsoDuration::fromHours(2), QStringLiteral("The incident goes on"), done);
    });
    QVERIFY2(extended.ok(), qPrintable(extended.message + extended.details));
    QCOMPARE(extended.value.status, RequestStatus::PendingAdminDecision);
    QCOMPARE(extended.value.action, RequestAction::SelfExtend);
    // An activation cannot be extended (deactivate and activate again).
    ActivationRequest request;
    request.roles = {Reader};
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Short task");
    // (alice kept Directory Readers in the review; bob's unused eligibility was removed by it.)
    const auto activated = await<QList<ActivationOutcome>>([&](auto done) { p(QStringLiteral("alice")).session->activate(request, done); });
    QVERIFY2(activated.ok(), qPrintable(activated.message));
    auto refused = await<ScheduleRequest>([&](auto done) {
        p(QStringLiteral("alice")).session->extend(Reader, IsoDuration::fromHours(1), QStringLiteral("more"), done);
    });
    QCOMPARE(refused.outcome, SessionOutcome::Refused);
    QVERIFY2(refused.message.contains(QStringLiteral("nothing to act on")), qPrintable(refused.message));
    auto unknown = await<ScheduleRequest>([&](auto done) { dave.extend(QStringLiteral("Global Administrator"), IsoDuration::fromHours(1), {}, done); });
    QCOMPARE(unknown.outcome, SessionOutcome::Invalid);
}

void TestSessionElevated::expiredAccessTokenIsRefreshed()
{
    Persona& bob = p(QStringLiteral("bob"));
    const QString before = bob.credentials->accessToken();
    m_clock->advanceSeconds(2 * 3600); // the server now considers every access token expired
    auto me = await<Identity>([&](auto done) { bob.session->whoami(done); });
    QVERIFY2(me.ok(), qPrintable(me.message + me.details));
    QCOMPARE(me.value.displayName, QStringLiteral("BOB"));
    QVERIFY(bob.credentials->accessToken() != before);
    QCOMPARE(bob.interactiveSignIns, 0); // refreshed silently
}

void TestSessionElevated::auditQuery()
{
    Session& auditor = *p(QStringLiteral("auditor")).session;
    AuditQuery q;
    q.activity = QStringLiteral("Add member to role");
    q.limit = 4;
    auto r = await<QList<AuditEvent>>([&](auto done) { auditor.audit(q, done); });
    QVERIFY2(r.ok(), qPrintable(r.message + r.details));
    QCOMPARE(r.value.size(), 4);
    for (const AuditEvent& e : r.value) {
        QVERIFY(e.activityDisplayName.startsWith(QStringLiteral("Add member to role")));
    }
    QVERIFY(r.value.first().activityDateTime >= r.value.last().activityDateTime); // newest first
    q = AuditQuery();
    q.actor = QStringLiteral("DAVE");
    q.limit = 50;
    r = await<QList<AuditEvent>>([&](auto done) { auditor.audit(q, done); });
    QVERIFY(r.ok());
    QVERIFY(!r.value.isEmpty());
    for (const AuditEvent& e : r.value) {
        QCOMPARE(e.initiatorName(), QStringLiteral("DAVE"));
    }
    q = AuditQuery();
    q.text = QStringLiteral("No change window");
    r = await<QList<AuditEvent>>([&](auto done) { auditor.audit(q, done); });
    QVERIFY(r.ok());
    QVERIFY(!r.value.isEmpty());
    // A requester may not read the audit log.
    auto refused = await<QList<AuditEvent>>([&](auto done) { p(QStringLiteral("alice")).session->audit(AuditQuery(), done); });
    QCOMPARE(refused.outcome, SessionOutcome::Refused);
}

QTEST_GUILESS_MAIN(TestSessionElevated)
#include "TestSessionElevated.moc"
