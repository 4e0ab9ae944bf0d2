// End-to-end: a real elevated (ServerApp) on 127.0.0.1 with a temporary SQLite database, driven
// over HTTP exactly as the console will drive it. The clock is movable.
#include "ApiClient.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "Engine.h"
#include "IdentityService.h"
#include "ServerApp.h"
#include "TestDatabase.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <functional>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString Password = QStringLiteral("correct horse battery");
const QString Requests = QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests");

QJsonObject activation(const QString& roleId, const QString& duration, const QString& justification = QStringLiteral("Incident INC-7"))
{
    return QJsonObject{{QStringLiteral("action"), QStringLiteral("selfActivate")},
                       {QStringLiteral("roleDefinitionId"), roleId},
                       {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                       {QStringLiteral("justification"), justification},
                       {QStringLiteral("scheduleInfo"),
                        QJsonObject{{QStringLiteral("expiration"),
                                     QJsonObject{{QStringLiteral("type"), QStringLiteral("afterDuration")},
                                                 {QStringLiteral("duration"), duration}}}}}};
}

} // namespace

class TestElevatedApi final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void refusesWithoutAToken();
    void listsWithODataOptions();
    void activationLifecycle();
    void idempotencyKeyAppliesAChangeOnce();
    void policyRulesAnswerWithGraphCodes();
    void twoOfThreeApprovalOverBeta();
    void authorizationMatrix_data();
    void authorizationMatrix();
    void badInputGetsClearErrors();
    void auditPagingIsStable();
    void accessReviewOverHttp();
    void groupsOverHttp();
    void expiryByTheScheduler();
    void rateLimitAnswers429();
    void aFailedLogSyncAnswers503AndStopsTheServer();
    void healthAndMetrics();
    void auditChainIsIntact();
    void auditPagesKeepTimeOrderOverOutOfOrderRows(); // last: it sets the clock back for a while

private:
    QString token(const QString& persona) const { return m_tokens.value(persona); }
    // Follows the audit listing's nextLinks from `path` to its end as `auditor`: each page
    // answers 200 and no event comes twice (*seen collects them); `each` sees every event,
    // `afterPage` the index of each page once its events were seen. *pages: how many there were.
    void walkAudit(QString path, const QString& auditor, QSet<QString>* seen, int* pages,
                   const std::function<void(const QJsonObject&)>& each,
                   const std::function<void(int)>& afterPage = {});

    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ServerApp> m_server;
    std::unique_ptr<ApiClient> m_api;
    QHash<QString, QString> m_tokens;
    QHash<QString, QString> m_ids;
};

void TestElevatedApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_clock = std::make_unique<ManualClock>(*Timestamp::fromIso(u"2026-03-02T09:00:00Z"));
    m_server = std::make_unique<ServerApp>();
    m_server->setClock(m_clock.get());
    ServerConfig config;
    config.listen = QStringLiteral("127.0.0.1:0");
    QString error;
    if (TestSupport::postgresRun()) {
        QString unavailable;
        TestSupport::postgresBaseUrl(&unavailable);
        if (!unavailable.isEmpty()) {
            QSKIP(qPrintable(unavailable));
        }
    }
    // SQLite, or a fresh PostgreSQL database in the TestElevatedApi_pg run.
    config.database = TestSupport::freshDatabaseUrl(m_dir, QStringLiteral("elevated"), &error);
    QVERIFY2(!config.database.isEmpty(), qPrintable(error));
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 0; // off here; rateLimitAnswers429 runs its own server
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
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    Engine& engine = m_server->engine();
    // Both roles are built in.
    QVERIFY(engine.roleDefinition(Reader));
    QVERIFY(engine.roleDefinition(GlobalAdmin));
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
    QVERIFY(engine.setPolicy(cli, PimKind::DirectoryRole, GlobalAdmin, QStringLiteral("/"), ga));
    for (const char* who : {"alice", "bob", "erin"}) {
        QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, m_ids.value(QString::fromLatin1(who)), Reader, QStringLiteral("/"), {}, {}));
    }
    QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, m_ids.value(QStringLiteral("alice")), GlobalAdmin, QStringLiteral("/"), {}, {}));

    for (const QString& persona : m_ids.keys()) {
        const QString t = m_api->signIn(persona, Password);
        QVERIFY2(!t.isEmpty(), qPrintable(persona));
        m_tokens.insert(persona, t);
    }
}

void TestElevatedApi::cleanupTestCase()
{
    m_api.reset();
    m_server.reset();
}

void TestElevatedApi::refusesWithoutAToken()
{
    ApiResponse r = m_api->get(QStringLiteral("/v1.0/me"), QString());
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorCode(), QStringLiteral("InvalidAuthenticationToken"));
    QVERIFY(r.header("WWW-Authenticate").startsWith("Bearer"));
    QVERIFY(!r.header("request-id").isEmpty());
    r = m_api->get(QStringLiteral("/v1.0/me"), QStringLiteral("not-a-token"));
    QCOMPARE(r.status, 401);
    r = m_api->get(QStringLiteral("/v1.0/me"), token(QStringLiteral("alice")));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("displayName")).toString(), QStringLiteral("ALICE"));
}

void TestElevatedApi::listsWithODataOptions()
{
    const QString mine = QStringLiteral("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')");
    ApiResponse r = m_api->get(mine + QStringLiteral("?$expand=roleDefinition"), token(QStringLiteral("alice")));
    QCOMPARE(r.status, 200);
    QJsonArray items = r.json.value(QStringLiteral("value")).toArray();
    QCOMPARE(items.size(), 2);
    QVERIFY(items.at(0).toObject().contains(QStringLiteral("roleDefinition")));

    r = m_api->get(mine + QStringLiteral("?$filter=roleDefinitionId%20eq%20'") + Reader + QStringLiteral("'&$select=id,roleDefinitionId"),
                   token(QStringLiteral("alice")));
    QCOMPARE(r.status, 200);
    items = r.json.value(QStringLiteral("value")).toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.at(0).toObject().keys(), (QStringList{QStringLiteral("id"), QStringLiteral("roleDefinitionId")}));

    // The SDK's namespace-qualified function spelling works too.
    r = m_api->get(QStringLiteral("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/"
                                  "microsoft.graph.filterByCurrentUser(on='principal')"),
                   token(QStringLiteral("alice")));
    QCOMPARE(r.status, 200);

    // Paging with nextLink.
    r = m_api->get(mine + QStringLiteral("?$top=1"), token(QStringLiteral("alice")));
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 1);
    const QUrl next(r.json.value(QStringLiteral("@odata.nextLink")).toString());
    QVERIFY(next.isValid());
    r = m_api->get(next.path() + u'?' + next.query(QUrl::FullyEncoded), token(QStringLiteral("alice")));
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 1);
    QVERIFY(!r.json.contains(QStringLiteral("@odata.nextLink")));

    // An absurd $top is clamped, not an error; a negative one is.
    QCOMPARE(m_api->get(mine + QStringLiteral("?$top=1000000000"), token(QStringLiteral("alice"))).status, 200);
    r = m_api->get(mine + QStringLiteral("?$top=-1"), token(QStringLiteral("alice")));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("BadRequest"));
    // Injection strings are values, never SQL.
    r = m_api->get(mine + QStringLiteral("?$filter=") + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("roleDefinitionId eq 'x'' OR 1=1 --'"))),
                   token(QStringLiteral("alice")));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 0);
    r = m_api->get(mine + QStringLiteral("?$filter=") + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("id eq '1'; DROP TABLE users; --'"))),
                   token(QStringLiteral("alice")));
    QCOMPARE(r.status, 400);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), token(QStringLiteral("alice"))).status, 200);
    r = m_api->get(mine + QStringLiteral("?$filter=nosuchfield%20eq%201"), token(QStringLiteral("alice")));
    QCOMPARE(r.status, 400);
    QVERIFY(r.errorMessage().contains(QStringLiteral("nosuchfield")));
}

void TestElevatedApi::activationLifecycle()
{
    ApiResponse r = m_api->post(Requests, activation(Reader, QStringLiteral("PT1H")), token(QStringLiteral("alice")));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("Provisioned"));
    QCOMPARE(r.json.value(QStringLiteral("action")).toString(), QStringLiteral("selfActivate"));
    const QString requestId = r.json.value(QStringLiteral("id")).toString();

    r = m_api->get(QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')"),
                   token(QStringLiteral("alice")));
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 1);
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().at(0).toObject().value(QStringLiteral("assignmentType")).toString(),
             QStringLiteral("Activated"));

    QCOMPARE(m_api->post(Requests, activation(Reader, QStringLiteral("PT1H")), token(QStringLiteral("alice"))).errorCode(),
             QStringLiteral("RoleAssignmentExists"));

    const QJsonObject off{{QStringLiteral("action"), QStringLiteral("selfDeactivate")},
                          {QStringLiteral("roleDefinitionId"), Reader},
                          {QStringLiteral("directoryScopeId"), QStringLiteral("/")}};
    r = m_api->post(Requests, off, token(QStringLiteral("alice")));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("ActiveDurationTooShort"));
    m_clock->advanceSeconds(6 * 60);
    r = m_api->post(Requests, off, token(QStringLiteral("alice")));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("Revoked"));

    r = m_api->get(Requests + QStringLiteral("/") + requestId, token(QStringLiteral("alice")));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("justification")).toString(), QStringLiteral("Incident INC-7"));
    QCOMPARE(m_api->get(Requests + QStringLiteral("/") + requestId, token(QStringLiteral("erin"))).status, 403);
}

void TestElevatedApi::idempotencyKeyAppliesAChangeOnce()
{
    const QString bob = token(QStringLiteral("bob"));
    const QByteArray body = QJsonDocument(activation(Reader, QStringLiteral("PT1H"), QStringLiteral("Outbox replay")))
                                .toJson(QJsonDocument::Compact);
    const auto withKey = [&](const QByteArray& key, const QByteArray& payload, const QString& who) {
        return m_api->send("POST", Requests, payload, who, QByteArrayLiteral("application/json"),
                           {{QByteArrayLiteral("Idempotency-Key"), key}});
    };
    const auto requestsOfBob = [&] {
        return m_api->get(Requests + QStringLiteral("/filterByCurrentUser(on='principal')"), bob)
            .json.value(QStringLiteral("value"))
            .toArray()
            .size();
    };
    const qsizetype before = requestsOfBob();

    // The answer was lost; the client sends the same request with the same key again.
    const ApiResponse first = withKey("7f1c2a4e-activate", body, bob);
    QCOMPARE(first.status, 201);
    QVERIFY(first.header("Idempotency-Replayed").isEmpty());
    const ApiResponse again = withKey("7f1c2a4e-activate", body, bob);
    QCOMPARE(again.status, 201);
    QCOMPARE(again.header("Idempotency-Replayed"), QByteArray("true"));
    QCOMPARE(again.json.value(QStringLiteral("id")).toString(), first.json.value(QStringLiteral("id")).toString());
    QCOMPARE(requestsOfBob(), before + 1);

    // Without a key the same body is a new request (and here a conflict).
    QCOMPARE(m_api->send("POST", Requests, body, bob).errorCode(), QStringLiteral("RoleAssignmentExists"));
    // The key cannot be reused for something else.
    const QByteArray other = QJsonDocument(activation(Reader, QStringLiteral("PT2H"))).toJson(QJsonDocument::Compact);
    const ApiResponse reused = withKey("7f1c2a4e-activate", other, bob);
    QCOMPARE(reused.status, 422);
    QCOMPARE(reused.errorCode(), QStringLiteral("IdempotencyKeyReused"));
    // Keys belong to their user: the same key from alice is hers, and refused on its own merits.
    const ApiResponse alices = withKey("7f1c2a4e-activate", body, token(QStringLiteral("alice")));
    QVERIFY(alices.header("Idempotency-Replayed").isEmpty());
    QVERIFY(alices.status != 422);
    // A refused request is not remembered: sending it again runs it again.
    const QByteArray tooLong = QJsonDocument(activation(GlobalAdmin, QStringLiteral("PT9H"))).toJson(QJsonDocument::Compact);
    for (int i = 0; i < 2; ++i) {
        const ApiResponse refused = withKey("refused-once", tooLong, bob);
        QCOMPARE(refused.status, 400);
        QVERIFY(refused.header("Idempotency-Replayed").isEmpty());
    }
    // Malformed keys are refused before anything runs.
    QCOMPARE(withKey(QByteArray(300, 'k'), body, bob).status, 400);
    QCOMPARE(withKey("two words", body, bob).status, 400);

    // A replayed deactivation, as the outbox would send it after a restart.
    m_clock->advanceSeconds(6 * 60);
    const QByteArray off = QJsonDocument(QJsonObject{{QStringLiteral("action"), QStringLiteral("selfDeactivate")},
                                                     {QStringLiteral("roleDefinitionId"), Reader},
                                                     {QStringLiteral("directoryScopeId"), QStringLiteral("/")}})
                               .toJson(QJsonDocument::Compact);
    QCOMPARE(withKey("deactivate-1", off, bob).status, 201);
    const ApiResponse offAgain = withKey("deactivate-1", off, bob);
    QCOMPARE(offAgain.status, 201);
    QCOMPARE(offAgain.header("Idempotency-Replayed"), QByteArray("true"));
    QCOMPARE(requestsOfBob(), before + 2);
}

void TestElevatedApi::policyRulesAnswerWithGraphCodes()
{
    QJsonObject body = activation(GlobalAdmin, QStringLiteral("PT3H"), QString());
    ApiResponse r = m_api->post(Requests, body, token(QStringLiteral("alice")));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("RoleAssignmentRequestPolicyValidationFailed"));
    for (const char* rule : {"ExpirationRule", "JustificationRule", "TicketingRule"}) {
        QVERIFY2(r.errorMessage().contains(QString::fromLatin1(rule)), qPrintable(r.errorMessage()));
    }
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')"),
                        token(QStringLiteral("bob")))
                 .json.value(QStringLiteral("value")).toArray().size(),
             0);
}

void TestElevatedApi::twoOfThreeApprovalOverBeta()
{
    QJsonObject body = activation(GlobalAdmin, QStringLiteral("PT2H"));
    body.insert(QStringLiteral("ticketInfo"), QJsonObject{{QStringLiteral("ticketNumber"), QStringLiteral("CHG-9")},
                                                        {QStringLiteral("ticketSystem"), QStringLiteral("Jira")}});
    ApiResponse r = m_api->post(Requests, body, token(QStringLiteral("alice")));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("PendingApproval"));
    const QString id = r.json.value(QStringLiteral("id")).toString();
    QCOMPARE(r.json.value(QStringLiteral("approvalId")).toString(), id);

    r = m_api->get(QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')"
                                  "?$filter=status%20eq%20'PendingApproval'&$expand=principal,roleDefinition"),
                   token(QStringLiteral("bob")));
    QCOMPARE(r.status, 200);
    const QJsonArray inbox = r.json.value(QStringLiteral("value")).toArray();
    QCOMPARE(inbox.size(), 1);
    QCOMPARE(inbox.at(0).toObject().value(QStringLiteral("principal")).toObject().value(QStringLiteral("displayName")).toString(),
             QStringLiteral("ALICE"));
    QCOMPARE(inbox.at(0).toObject().value(QStringLiteral("ticketInfo")).toObject().value(QStringLiteral("ticketNumber")).toString(),
             QStringLiteral("CHG-9"));

    const QString approval = QStringLiteral("/beta/roleManagement/directory/roleAssignmentApprovals/") + id;
    r = m_api->get(approval, token(QStringLiteral("bob")));
    QCOMPARE(r.status, 200);
    const QJsonObject step = r.json.value(QStringLiteral("steps")).toArray().at(0).toObject();
    QCOMPARE(step.value(QStringLiteral("status")).toString(), QStringLiteral("InProgress"));
    QVERIFY(step.value(QStringLiteral("assignedToMe")).toBool());
    const QString stepPath = approval + QStringLiteral("/steps/") + step.value(QStringLiteral("id")).toString();
    const QJsonObject approve{{QStringLiteral("reviewResult"), QStringLiteral("Approve")},
                              {QStringLiteral("justification"), QStringLiteral("Change approved in CAB")}};
    QCOMPARE(m_api->patch(stepPath, approve, token(QStringLiteral("alice"))).status, 403);
    QCOMPARE(m_api->patch(stepPath, approve, token(QStringLiteral("erin"))).status, 403);
    QCOMPARE(m_api->patch(stepPath, approve, token(QStringLiteral("bob"))).status, 204);
    QCOMPARE(m_api->patch(stepPath, approve, token(QStringLiteral("bob"))).status, 409);
    QCOMPARE(m_api->get(Requests + u'/' + id, token(QStringLiteral("alice"))).json.value(QStringLiteral("status")).toString(),
             QStringLiteral("PendingApproval"));
    // elevated also serves the approval under v1.0.
    QCOMPARE(m_api->patch(QString(stepPath).replace(QStringLiteral("/beta/"), QStringLiteral("/v1.0/")), approve,
                          token(QStringLiteral("carol")))
                 .status,
             204);
    QCOMPARE(m_api->get(Requests + u'/' + id, token(QStringLiteral("alice"))).json.value(QStringLiteral("status")).toString(),
             QStringLiteral("Provisioned"));
    QCOMPARE(m_api->patch(stepPath, approve, token(QStringLiteral("dave"))).status, 409);
    QCOMPARE(m_api->patch(approval + QStringLiteral("/steps/nope"), approve, token(QStringLiteral("bob"))).status, 404);
}

void TestElevatedApi::authorizationMatrix_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    const QString audit = QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=1");
    const QString everyRequest = Requests + QStringLiteral("?$top=1");
    const QString everyEligibility = QStringLiteral("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances");
    const QString policies = QStringLiteral("/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/'%20and%20"
                                            "scopeType%20eq%20'DirectoryRole'&$expand=policy($expand=rules)");
    for (const char* p : {"alice", "dave"}) {
        QTest::addRow("%s reads audit", p) << QString::fromLatin1(p) << QByteArray("GET") << audit << QByteArray() << 403;
        QTest::addRow("%s lists every request", p) << QString::fromLatin1(p) << QByteArray("GET") << everyRequest << QByteArray() << 403;
        QTest::addRow("%s lists every eligibility", p) << QString::fromLatin1(p) << QByteArray("GET") << everyEligibility << QByteArray() << 403;
        QTest::addRow("%s reads policies", p) << QString::fromLatin1(p) << QByteArray("GET") << policies << QByteArray() << 200;
    }
    for (const char* p : {"auditor", "admin"}) {
        QTest::addRow("%s reads audit", p) << QString::fromLatin1(p) << QByteArray("GET") << audit << QByteArray() << 200;
        QTest::addRow("%s lists every request", p) << QString::fromLatin1(p) << QByteArray("GET") << everyRequest << QByteArray() << 200;
        QTest::addRow("%s lists every eligibility", p) << QString::fromLatin1(p) << QByteArray("GET") << everyEligibility << QByteArray() << 200;
    }
    const QByteArray assign = QJsonDocument(QJsonObject{{QStringLiteral("action"), QStringLiteral("adminAssign")},
                                                        {QStringLiteral("principalId"), QStringLiteral("%DAVE%")},
                                                        {QStringLiteral("roleDefinitionId"), Reader},
                                                        {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                                                        {QStringLiteral("justification"), QStringLiteral("On call")}})
                                  .toJson(QJsonDocument::Compact);
    QTest::newRow("alice assigns") << QStringLiteral("alice") << QByteArray("POST") << Requests << assign << 403;
    QTest::newRow("auditor assigns") << QStringLiteral("auditor") << QByteArray("POST") << Requests << assign << 403;
    QTest::newRow("admin assigns") << QStringLiteral("admin") << QByteArray("POST") << Requests << assign << 201;
    const QByteArray forBob = QJsonDocument(activation(Reader, QStringLiteral("PT1H")))
                                  .toJson(QJsonDocument::Compact)
                                  .replace("\"action\"", "\"principalId\":\"%BOB%\",\"action\"");
    QTest::newRow("alice activates for bob") << QStringLiteral("alice") << QByteArray("POST") << Requests << forBob << 403;
    const QByteArray readerForMe = QJsonDocument(activation(Reader, QStringLiteral("PT1H"))).toJson(QJsonDocument::Compact);
    QTest::newRow("dave not eligible") << QStringLiteral("dave") << QByteArray("POST") << Requests << readerForMe << 400;
}

void TestElevatedApi::authorizationMatrix()
{
    QFETCH(QString, persona);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    body.replace("%DAVE%", m_ids.value(QStringLiteral("dave")).toUtf8()).replace("%BOB%", m_ids.value(QStringLiteral("bob")).toUtf8());
    const qsizetype auditRows = m_server->database().scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")).toLongLong();
    const ApiResponse r = m_api->send(method, path, body, token(persona));
    QCOMPARE(r.status, status);
    if (status >= 400) {
        QVERIFY(!r.errorCode().isEmpty());
        // A refusal changes nothing and records nothing.
        QCOMPARE(m_server->database().scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")).toLongLong(), auditRows);
    }
}

void TestElevatedApi::badInputGetsClearErrors()
{
    const QString alice = token(QStringLiteral("alice"));
    ApiResponse r = m_api->send("POST", Requests, "{\"action\": \"selfActivate\",", alice);
    QCOMPARE(r.status, 400);
    QVERIFY(r.errorMessage().contains(QStringLiteral("not valid")));
    r = m_api->send("POST", Requests, "{\"action\": 5, \"roleDefinitionId\": \"x\"}", alice);
    QCOMPARE(r.status, 400);
    QVERIFY(r.errorMessage().contains(QStringLiteral("/action")));
    r = m_api->send("POST", Requests, "{\"action\": \"selfDestruct\", \"roleDefinitionId\": \"x\", \"directoryScopeId\": \"/\"}", alice);
    QCOMPARE(r.status, 400);
    r = m_api->send("POST", Requests, QByteArray(100000, '['), alice);
    QCOMPARE(r.status, 400);
    {
        // Over the body limit: 413 before any handler runs. Sent on a raw socket: the server
        // reads the whole body, answers and closes, and QNetworkAccessManager can report that
        // close as an error of its own before it has read the answer.
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(raw.waitForConnected(5000));
        const QByteArray body = "{\"justification\": \"" + QByteArray(3 * 1024 * 1024, 'x') + "\"}";
        raw.write("POST " + Requests.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.toUtf8()
                  + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
                  + body);
        QByteArray answer;
        QVERIFY(QTest::qWaitFor(
            [&] {
                answer += raw.readAll();
                return answer.contains("\r\n\r\n");
            },
            60000));
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    }
    r = m_api->send("POST", Requests, "action=selfActivate", alice, QByteArrayLiteral("text/plain"));
    QCOMPARE(r.status, 415);
    QCOMPARE(m_api->get(Requests + QStringLiteral("/00000000-0000-0000-0000-000000000000"), alice).status, 404);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/no/such/thing"), alice).status, 404);
    QCOMPARE(m_api->send("DELETE", Requests, {}, alice).status, 405);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/roleManagement/directory/roleDefinitions/%27%3B%20DROP%20TABLE%20users"), alice).status, 404);
    // The server is still fine.
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), alice).status, 200);
}

void TestElevatedApi::walkAudit(QString path, const QString& auditor, QSet<QString>* seen, int* pages,
                                const std::function<void(const QJsonObject&)>& each,
                                const std::function<void(int)>& afterPage)
{
    while (!path.isEmpty() && !QTest::currentTestFailed()) {
        const ApiResponse r = m_api->get(path, auditor);
        QCOMPARE(r.status, 200);
        for (const QJsonValue& v : r.json.value(QStringLiteral("value")).toArray()) {
            const QString id = v.toObject().value(QStringLiteral("id")).toString();
            QVERIFY2(!seen->contains(id), "an event was served twice");
            seen->insert(id);
            if (each) {
                each(v.toObject());
                if (QTest::currentTestFailed()) {
                    return;
                }
            }
        }
        if (afterPage) {
            afterPage(*pages);
        }
        const QUrl next(r.json.value(QStringLiteral("@odata.nextLink")).toString());
        path = next.isEmpty() ? QString() : next.path() + u'?' + next.query(QUrl::FullyEncoded);
        ++*pages;
    }
}

void TestElevatedApi::auditPagingIsStable()
{
    const QString auditor = token(QStringLiteral("auditor"));
    const qint64 total = m_server->database().scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")).toLongLong();
    QVERIFY(total > 10);
    const ApiResponse counted = m_api->get(QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=1&$count=true"), auditor);
    QCOMPARE(counted.json.value(QStringLiteral("@odata.count")).toInteger(), total);
    QSet<QString> seen;
    int pages = 0;
    walkAudit(QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=4"), auditor, &seen, &pages, {}, [&](int page) {
        // New activity between pages must not shift the pages.
        if (page == 1) {
            m_clock->advanceSeconds(1);
            QCOMPARE(m_api->post(Requests, activation(Reader, QStringLiteral("PT30M")), token(QStringLiteral("erin"))).status, 201);
        }
    });
    if (QTest::currentTestFailed()) {
        return;
    }
    QCOMPARE(seen.size(), total);
    QVERIFY(pages > 3);
}

void TestElevatedApi::auditPagesKeepTimeOrderOverOutOfOrderRows()
{
    // Rows recorded with an earlier time than the rows before them (the clock set back): the
    // pages around them are not one run of sequence numbers, so they are read through the time
    // index, and the rest as runs. The walk still serves every event once, newest first.
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    const Timestamp backdated = m_clock->now().plusSeconds(-7200);
    m_clock->advanceSeconds(-7200);
    QVERIFY(m_server->engine()
                .createReview(cli, QStringLiteral("Backdated review"), PimKind::DirectoryRole, Reader,
                              {m_ids.value(QStringLiteral("dave"))}, 7, true)
                .ok());
    m_clock->advanceSeconds(7200);
    Database& db = m_server->database();
    QVERIFY(db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity_at > "
                                     "(SELECT activity_at FROM audit_events ORDER BY seq DESC LIMIT 1)"))
                .toLongLong()
            > 0);
    const qint64 total = db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")).toLongLong();
    const QString auditor = token(QStringLiteral("auditor"));
    QSet<QString> seen;
    int pages = 0;
    QString previous;
    // Each event of a walk is no newer than the one before it.
    const auto newestFirst = [&previous](const QJsonObject& event) {
        const QString at = event.value(QStringLiteral("activityDateTime")).toString();
        QVERIFY2(previous.isEmpty() || at <= previous, qPrintable(at + u" after " + previous));
        previous = at;
    };
    // The time filter the console's sync sends (activityDateTime ge ...) is read the same way.
    const Timestamp since = backdated.plusSeconds(-1);
    QSet<QString> expectedSince;
    walkAudit(QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=3"), auditor, &seen, &pages, [&](const QJsonObject& event) {
        newestFirst(event);
        const std::optional<Timestamp> time =
            Timestamp::fromIso(event.value(QStringLiteral("activityDateTime")).toString());
        QVERIFY(time);
        if (time->ticks() >= since.ticks()) {
            expectedSince.insert(event.value(QStringLiteral("id")).toString());
        }
    });
    if (QTest::currentTestFailed()) {
        return;
    }
    QCOMPARE(seen.size(), total);

    QSet<QString> seenSince;
    previous.clear();
    walkAudit(QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=3&$filter=activityDateTime%20ge%20") + since.toIso(),
              auditor, &seenSince, &pages, newestFirst);
    if (QTest::currentTestFailed()) {
        return;
    }
    QVERIFY(expectedSince.size() > 3); // several pages, the backdated rows among them
    QCOMPARE(seenSince, expectedSince);

    // As the console's sync asks: the same filter with $orderby=activityDateTime desc, the
    // default order, which pages by keyset too.
    const QString console = QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=3&$orderby=activityDateTime%20desc"
                                           "&$filter=activityDateTime%20ge%20")
        + since.toIso();
    const ApiResponse first = m_api->get(console, auditor);
    QCOMPARE(first.status, 200);
    QVERIFY2(first.json.value(QStringLiteral("@odata.nextLink")).toString().contains(u"skiptoken"),
             qPrintable(first.json.value(QStringLiteral("@odata.nextLink")).toString()));
    QSet<QString> seenByConsole;
    previous.clear();
    walkAudit(console, auditor, &seenByConsole, &pages, newestFirst);
    if (QTest::currentTestFailed()) {
        return;
    }
    QCOMPARE(seenByConsole, expectedSince);
}

void TestElevatedApi::accessReviewOverHttp()
{
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    const auto def = m_server->engine().createReview(cli, QStringLiteral("Directory Readers review"), PimKind::DirectoryRole, Reader,
                                                     {m_ids.value(QStringLiteral("carol"))}, 7, true);
    QVERIFY(def.ok());
    const QString carol = token(QStringLiteral("carol"));
    const QString base = QStringLiteral("/v1.0/identityGovernance/accessReviews/definitions");
    ApiResponse r = m_api->get(base + QStringLiteral("/filterByCurrentUser(on='reviewer')"), carol);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 1);
    QCOMPARE(m_api->get(base + QStringLiteral("/filterByCurrentUser(on='reviewer')"), token(QStringLiteral("dave")))
                 .json.value(QStringLiteral("value")).toArray().size(),
             0);
    QCOMPARE(m_api->get(base, carol).status, 403);
    r = m_api->get(base + u'/' + def->id + QStringLiteral("/instances/filterByCurrentUser(on='reviewer')"), carol);
    const QString instance = r.json.value(QStringLiteral("value")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    QVERIFY(!instance.isEmpty());
    const QString inst = base + u'/' + def->id + QStringLiteral("/instances/") + instance;
    r = m_api->get(inst + QStringLiteral("/decisions/filterByCurrentUser(on='reviewer')?$filter=decision%20eq%20'NotReviewed'&$count=true"),
                   carol);
    QCOMPARE(r.status, 200);
    const QJsonArray decisions = r.json.value(QStringLiteral("value")).toArray();
    QCOMPARE(decisions.size(), 3); // alice, bob, erin
    QCOMPARE(r.json.value(QStringLiteral("@odata.count")).toInteger(), 3);
    const QString first = decisions.at(0).toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(m_api->patch(inst + QStringLiteral("/decisions/") + first,
                          QJsonObject{{QStringLiteral("decision"), QStringLiteral("Approve")}}, carol)
                 .status,
             400); // a justification is required to approve
    QCOMPARE(m_api->patch(inst + QStringLiteral("/decisions/") + first,
                          QJsonObject{{QStringLiteral("decision"), QStringLiteral("Approve")},
                                      {QStringLiteral("justification"), QStringLiteral("Still on the team")}},
                          token(QStringLiteral("dave")))
                 .status,
             403);
    QCOMPARE(m_api->patch(inst + QStringLiteral("/decisions/") + first,
                          QJsonObject{{QStringLiteral("decision"), QStringLiteral("Approve")},
                                      {QStringLiteral("justification"), QStringLiteral("Still on the team")}},
                          carol)
                 .status,
             204);
    QCOMPARE(m_api->send("POST", inst + QStringLiteral("/acceptRecommendations"), {}, carol).status, 204);
    // Bob keeps his access whatever was recommended.
    QCOMPARE(m_api->post(inst + QStringLiteral("/batchRecordDecisions"),
                         QJsonObject{{QStringLiteral("decision"), QStringLiteral("Approve")},
                                     {QStringLiteral("justification"), QStringLiteral("On call")},
                                     {QStringLiteral("principalId"), m_ids.value(QStringLiteral("bob"))}},
                         carol)
                 .status,
             204);
    QCOMPARE(m_api->post(inst + QStringLiteral("/batchRecordDecisions"),
                         QJsonObject{{QStringLiteral("decision"), QStringLiteral("Deny")},
                                     {QStringLiteral("justification"), QStringLiteral("Left")},
                                     {QStringLiteral("principalId"), m_ids.value(QStringLiteral("erin"))}},
                         carol)
                 .status,
             204);
    QCOMPARE(m_api->send("POST", inst + QStringLiteral("/stop"), {}, carol).status, 403);
    QCOMPARE(m_api->send("POST", inst + QStringLiteral("/stop"), {}, token(QStringLiteral("admin"))).status, 204);
    QCOMPARE(m_api->patch(inst + QStringLiteral("/decisions/") + first,
                          QJsonObject{{QStringLiteral("decision"), QStringLiteral("Deny")}}, carol)
                 .status,
             409);
    // Erin's eligibility was removed by the applied denial.
    r = m_api->get(QStringLiteral("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')"),
                   token(QStringLiteral("erin")));
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 0);
}

void TestElevatedApi::groupsOverHttp()
{
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    const auto group = m_server->engine().addGroup(cli, GroupInfo{QString(), QStringLiteral("Production operators"), QString()}, {});
    QVERIFY(group.ok());
    QVERIFY(m_server->engine().addEligibility(cli, PimKind::Group, m_ids.value(QStringLiteral("dave")), group->id,
                                              QStringLiteral("member"), {}, {}));
    const QString dave = token(QStringLiteral("dave"));
    const QString base = QStringLiteral("/v1.0/identityGovernance/privilegedAccess/group");
    ApiResponse r = m_api->get(base + QStringLiteral("/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group"), dave);
    QCOMPARE(r.status, 200);
    const QJsonObject eligibility = r.json.value(QStringLiteral("value")).toArray().at(0).toObject();
    QCOMPARE(eligibility.value(QStringLiteral("accessId")).toString(), QStringLiteral("member"));
    QCOMPARE(eligibility.value(QStringLiteral("group")).toObject().value(QStringLiteral("displayName")).toString(),
             QStringLiteral("Production operators"));
    QCOMPARE(m_api->get(base + QStringLiteral("/eligibilityScheduleInstances"), dave).status, 400); // the filter is required
    const QJsonObject body{{QStringLiteral("action"), QStringLiteral("selfActivate")},
                           {QStringLiteral("groupId"), group->id},
                           {QStringLiteral("accessId"), QStringLiteral("member")},
                           {QStringLiteral("justification"), QStringLiteral("Deploy 4.2")},
                           {QStringLiteral("scheduleInfo"),
                            QJsonObject{{QStringLiteral("expiration"), QJsonObject{{QStringLiteral("type"), QStringLiteral("afterDuration")},
                                                                                   {QStringLiteral("duration"), QStringLiteral("PT2H")}}}}}};
    r = m_api->post(base + QStringLiteral("/assignmentScheduleRequests"), body, dave);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("Provisioned"));
    // A group request on the role endpoint is refused.
    QCOMPARE(m_api->post(Requests, body, dave).status, 400);
    r = m_api->get(base + QStringLiteral("/assignmentScheduleInstances/filterByCurrentUser(on='principal')"), dave);
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 1);
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().at(0).toObject().value(QStringLiteral("assignmentType")).toString(),
             QStringLiteral("activated"));
}

void TestElevatedApi::expiryByTheScheduler()
{
    ApiResponse r = m_api->post(Requests, activation(Reader, QStringLiteral("PT30M")), token(QStringLiteral("bob")));
    QCOMPARE(r.status, 201);
    const QString mine = QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')");
    QCOMPARE(m_api->get(mine, token(QStringLiteral("bob"))).json.value(QStringLiteral("value")).toArray().size(), 1);
    m_clock->advanceSeconds(31 * 60);
    QVERIFY(m_server->runScheduler() >= 1);
    QCOMPARE(m_api->get(mine, token(QStringLiteral("bob"))).json.value(QStringLiteral("value")).toArray().size(), 0);
    r = m_api->get(QStringLiteral("/v1.0/auditLogs/directoryAudits?$top=1&$filter=activityDisplayName%20eq%20"
                                  "'Remove%20member%20from%20role%20(PIM%20activation%20expired)'"),
                   token(QStringLiteral("auditor")));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("value")).toArray().size(), 1);
}

void TestElevatedApi::rateLimitAnswers429()
{
    QTemporaryDir dir;
    ServerApp server;
    ManualClock clock(*Timestamp::fromIso(u"2026-03-02T09:00:00Z"));
    server.setClock(&clock);
    ServerConfig config;
    config.listen = QStringLiteral("127.0.0.1:0");
    QString error;
    config.database = TestSupport::freshDatabaseUrl(dir, QStringLiteral("ratelimit"), &error);
    QVERIFY2(!config.database.isEmpty(), qPrintable(error));
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 1;
    config.rateLimitBurst = 3;
    QVERIFY2(server.start(config, &error), qPrintable(error));
    ApiClient api(server.baseUrl());
    int limited = 0;
    ApiResponse last;
    for (int i = 0; i < 5; ++i) {
        last = api.get(QStringLiteral("/v1.0/me"), QStringLiteral("whoever"));
        limited += last.status == 429 ? 1 : 0;
    }
    QCOMPARE(limited, 2);
    QCOMPARE(last.errorCode(), QStringLiteral("TooManyRequests"));
    QVERIFY(last.header("Retry-After").toInt() >= 1);
    clock.advanceSeconds(5);
    QCOMPARE(api.get(QStringLiteral("/v1.0/me"), QStringLiteral("whoever")).status, 401);
}

// A disk whose fsync fails (injected: the log syncer's fdatasync answers EIO). The change's
// answer says its outcome is unknown, and the server asks to be stopped.
void TestElevatedApi::aFailedLogSyncAnswers503AndStopsTheServer()
{
    if (TestSupport::postgresRun()) {
        QSKIP("the log syncer is SQLite's");
    }
    QTemporaryDir dir;
    ServerApp server;
    ManualClock clock(*Timestamp::fromIso(u"2026-03-02T09:00:00Z"));
    server.setClock(&clock);
    ServerConfig config;
    config.listen = QStringLiteral("127.0.0.1:0");
    config.database = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("failing-disk.db"));
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 0;
    QString error;
    QVERIFY2(server.start(config, &error), qPrintable(error));
    Database& db = server.database();
    QVERIFY(db.syncsLogAside());
    ApiClient api(server.baseUrl());
    QUrlQuery start;
    start.addQueryItem(QStringLiteral("client_id"), QStringLiteral("elevate-tests"));
    start.addQueryItem(QStringLiteral("scope"), QStringLiteral("openid offline_access"));
    const QString deviceCode = QStringLiteral("/organizations/oauth2/v2.0/devicecode");
    QCOMPARE(api.form(deviceCode, start).status, 200); // it writes its code: a change

    // The syncer starts again with the failing sync.
    QVERIFY(db.setDurability(Database::Durability::Normal));
    db.setLogSyncFunction([](int) {
        errno = EIO;
        return -1;
    });
    QVERIFY(db.setDurability(Database::Durability::Full));
    QVERIFY(db.syncsLogAside());
    QSignalSpy stopping(&server, &ServerApp::fatalError);
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("syncing the write-ahead log failed")));
    const ApiResponse r = api.form(deviceCode, start);
    QCOMPARE(r.status, 503);
    QCOMPARE(r.errorCode(), QStringLiteral("ServiceUnavailable"));
    QVERIFY2(r.body.contains("may or may not have been applied"), r.body.constData());
    QCOMPARE(stopping.count(), 1);
    QVERIFY(stopping.at(0).at(0).toString().contains(QStringLiteral("sync")));
    // Until it is stopped, no further change is taken, and it says it is unhealthy.
    QCOMPARE(api.form(deviceCode, start).status / 100, 5);
    QCOMPARE(api.get(QStringLiteral("/healthz"), QString()).status, 503);
}

void TestElevatedApi::healthAndMetrics()
{
    ApiResponse r = m_api->get(QStringLiteral("/healthz"), QString());
    QCOMPARE(r.status, 200);
    r = m_api->get(QStringLiteral("/metrics"), QString());
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("elevated_http_requests_total"));
    QVERIFY(r.body.contains("elevated_active_assignments"));
    if (m_server->database().syncsLogAside()) {
        // Every change so far waited for a sync of the log, and each sync's duration is counted.
        static const QRegularExpression syncs(QStringLiteral("\nelevated_log_sync_duration_seconds_count (\\d+)\n"));
        const QRegularExpressionMatch m = syncs.match(QString::fromUtf8(r.body));
        QVERIFY2(m.hasMatch(), r.body.constData());
        QVERIFY(m.captured(1).toLongLong() >= 1);
        QVERIFY(r.body.contains("# TYPE elevated_log_sync_duration_seconds histogram\n"));
    } else {
        QVERIFY(!r.body.contains("elevated_log_sync_duration_seconds"));
    }
}

void TestElevatedApi::auditChainIsIntact()
{
    const AuditLog::Verification v = m_server->engine().auditLog().verify();
    QVERIFY2(v.ok, qPrintable(v.reason));
    QVERIFY(v.rowsChecked > 20);
}

QTEST_GUILESS_MAIN(TestElevatedApi)
#include "TestElevatedApi.moc"
