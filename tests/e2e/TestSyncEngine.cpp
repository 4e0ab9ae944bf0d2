// End-to-end: the SyncEngine against a real elevated (ServerApp on 127.0.0.1, temporary SQLite
// database, movable clock): pulls into the cache, the outbox drained with idempotency keys,
// the backend stopped and started again, another approver deciding first.
#include "AsyncWait.h"
#include "ApiClient.h"

#include "Authority.h"
#include "CacheDatabase.h"
#include "Clock.h"
#include "Credentials.h"
#include "Database.h"
#include "Engine.h"
#include "EntityRepository.h"
#include "GraphClient.h"
#include "IdentityService.h"
#include "Outbox.h"
#include "ServerApp.h"
#include "Session.h"
#include "SyncEngine.h"
#include "TokenStore.h"

#include <QFile>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <QFileInfo>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <sys/types.h>

using namespace Elevate;
using namespace Elevate::Testing;
using namespace Elevate::Server;
using namespace std::chrono_literals;

namespace {

const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString Password = QStringLiteral("correct horse battery");

// One person at the console with a cache, an outbox and a sync engine of their own.
struct Persona
{
    QString user;
    Profile profile;
    std::unique_ptr<TokenStore> store;
    std::unique_ptr<Authority> authority;
    std::unique_ptr<Credentials> credentials;
    std::unique_ptr<GraphClient> graph;
    std::unique_ptr<Session> session;
    Cache::CacheDatabase cache;
    Cache::Outbox outbox;
    std::unique_ptr<SyncEngine> engine;
};

bool drained(SyncEngine& engine)
{
    bool done = false;
    engine.drainOutbox([&done] { done = true; });
    return QTest::qWaitFor([&done] { return done; }, 60000);
}

} // namespace

class TestSyncEngine final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void pullsEachCollectionIntoTheCache();
    void backendStoppedWhileDecisionsAreRecorded();
    void anotherApproverDecidedFirstIsAConflict();
    void incrementalAuditPullMergesOnlyNewEvents();
    void sessionGoesThroughTheOutboxAndReadsTheCache();
    void killedBetweenRecordingAndSending();
    void fullDiskIsAClearErrorAndTheOutboxIntact();
    void corruptedCacheIsRebuiltAndTheOutboxKept();
    void throttledAuditPullCompletes();

private:
    Persona& p(const QString& name) { return *m_personas.value(name); }
    void addPersona(const QString& name);
    bool startServer();
    qint64 scalar(const QString& sql) const { return m_server->database().scalar(sql).toLongLong(); }

    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ServerApp> m_server;
    std::unique_ptr<ApiClient> m_api;
    ServerConfig m_config;
    QNetworkAccessManager m_nam;
    QHash<QString, std::shared_ptr<Persona>> m_personas;
    QHash<QString, QString> m_ids;
    Caller m_admin;
};

bool TestSyncEngine::startServer()
{
    m_server = std::make_unique<ServerApp>();
    m_server->setClock(m_clock.get());
    QString error;
    if (!m_server->start(m_config, &error)) {
        qWarning() << error;
        return false;
    }
    // The same port again after a restart, so the profiles' URLs stay valid.
    m_config.listen = QStringLiteral("127.0.0.1:") + QString::number(m_server->port());
    return true;
}

void TestSyncEngine::addPersona(const QString& name)
{
    auto persona = std::make_shared<Persona>();
    persona->user = name;
    persona->profile = Profile::elevated(name, m_server->baseUrl(), QStringLiteral("elevate-tests"));
    persona->profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    persona->store = std::make_unique<TokenStore>(QStringLiteral("Elevate e2e ") + persona->profile.id);
    persona->authority = std::make_unique<Authority>(m_nam, persona->profile);
    persona->credentials = std::make_unique<Credentials>(*persona->authority, *persona->store);
    persona->graph = std::make_unique<GraphClient>(m_nam, *persona->credentials);
    // No retries against a stopped backend: the engine's own back-off takes over.
    RetryPolicy::Settings once;
    once.maxAttempts = 1;
    persona->graph->setRetryPolicy(RetryPolicy(once));
    persona->session = std::make_unique<Session>(*persona->graph);
    persona->session->setClock([this] { return m_clock->now(); });
    QVERIFY(persona->cache.open(m_dir.filePath(name + QStringLiteral(".cache"))));
    QVERIFY(persona->outbox.open(m_dir.filePath(name + QStringLiteral(".outbox"))));
    persona->engine = std::make_unique<SyncEngine>(*persona->graph, persona->cache, persona->outbox);
    persona->engine->setClock([this] { return m_clock->now(); });
    persona->engine->setBackoff(50ms, 200ms);
    Persona* raw = persona.get();
    persona->credentials->setInteractiveSignIn([this, raw](Authority& authority,
                                                           const QString& claims,
                                                           Credentials::Done done) {
        auto c1 = std::make_shared<QMetaObject::Connection>();
        auto c2 = std::make_shared<QMetaObject::Connection>();
        *c1 = connect(&authority, &Authority::deviceCodeReceived, this, [this, raw](const DeviceCodePrompt& prompt) {
            const QString code = prompt.userCode;
            QTimer::singleShot(0, this, [this, raw, code] {
                QUrlQuery approve;
                approve.addQueryItem(QStringLiteral("user_code"), code);
                approve.addQueryItem(QStringLiteral("username"), raw->user);
                approve.addQueryItem(QStringLiteral("password"), Password);
                approve.addQueryItem(QStringLiteral("action"), QStringLiteral("approve"));
                m_api->form(QStringLiteral("/organizations/oauth2/v2.0/deviceauth"), approve);
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

void TestSyncEngine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_clock = std::make_unique<ManualClock>(*Timestamp::fromIso(u"2026-03-02T09:00:00Z"));
    m_config.listen = QStringLiteral("127.0.0.1:0");
    m_config.database = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("elevated.db"));
    m_config.cheapPasswordHashing = true;
    m_config.rateLimitPerSecond = 0;
    QVERIFY(startServer());
    m_api = std::make_unique<ApiClient>(m_server->baseUrl());

    IdentityService& identity = m_server->identity();
    for (const char* name : { "admin", "alice", "bob", "carol", "dave", "erin" }) {
        const QString user = QString::fromLatin1(name);
        const QString id = identity.addUser(
            user, user.toUpper(), Password, user == QStringLiteral("admin"), user == QStringLiteral("admin"));
        QVERIFY(!id.isEmpty());
        m_ids.insert(user, id);
    }
    m_admin.userId = QStringLiteral("tests");
    m_admin.isAdmin = true;
    Engine& engine = m_server->engine();
    RolePolicy ga = Engine::defaultPolicy();
    ga.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.approvalsRequired = 1;
    for (const char* who : { "bob", "dave" }) {
        stage.primaryApprovers << SubjectSet{ SubjectSetKind::SingleUser,
                                              m_ids.value(QString::fromLatin1(who)),
                                              QString() };
    }
    ga.approvalRules[0].approvalStages << stage;
    QVERIFY(engine.setPolicy(m_admin, PimKind::DirectoryRole, GlobalAdmin, QStringLiteral("/"), ga));
    for (const char* who : { "alice", "bob", "erin" }) {
        QVERIFY(engine.addEligibility(m_admin,
                                      PimKind::DirectoryRole,
                                      m_ids.value(QString::fromLatin1(who)),
                                      Reader,
                                      QStringLiteral("/"),
                                      {},
                                      {}));
    }
    QVERIFY(engine.addEligibility(m_admin,
                                  PimKind::DirectoryRole,
                                  m_ids.value(QStringLiteral("alice")),
                                  GlobalAdmin,
                                  QStringLiteral("/"),
                                  {},
                                  {}));

    const QStringList names{ QStringLiteral("alice"),
                             QStringLiteral("bob"),
                             QStringLiteral("carol"),
                             QStringLiteral("dave"),
                             QStringLiteral("admin") };
    QHash<QString, AuthResult> results;
    for (const QString& name : names) {
        addPersona(name);
        p(name).credentials->signIn(QString(), [&results, name](const AuthResult& r) { results.insert(name, r); });
    }
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), names.size(), 60000);
    for (const QString& name : names) {
        QVERIFY2(results.value(name).ok(), qPrintable(name + u' ' + results.value(name).error));
    }
}

void TestSyncEngine::cleanupTestCase()
{
    m_personas.clear();
    m_api.reset();
    m_server.reset();
}

void TestSyncEngine::pullsEachCollectionIntoTheCache()
{
    Persona& alice = p(QStringLiteral("alice"));
    QSignalSpy changed(alice.engine.get(), &SyncEngine::tablesChanged);
    QCOMPARE(synced(*alice.engine, SyncCollection::MyRoles), QString());
    QCOMPARE(Cache::EligibilityRepository(alice.cache).count(), 2);
    QCOMPARE(Cache::ActiveAssignmentRepository(alice.cache).count(), 0);
    QVERIFY(Cache::RoleDefinitionRepository(alice.cache).count() > 2);
    const auto state = alice.cache.syncState(QStringLiteral("eligibilities"));
    QVERIFY(state.has_value());
    QCOMPARE(state->lastSync, m_clock->now());
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.first().first().toStringList().contains(QStringLiteral("eligibilities")));
    QCOMPARE(alice.engine->state(), ConnectionState::Online);

    // An activation, then "right after any activation change": the cache shows it.
    ActivationRequest request;
    request.roles = { QStringLiteral("Directory Readers") };
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Incident INC-8");
    auto r = await<QList<ActivationOutcome>>([&](auto done) { alice.session->activate(request, done); });
    QVERIFY2(r.ok(), qPrintable(r.message));
    QSignalSpy synced(alice.engine.get(), &SyncEngine::collectionSynced);
    alice.engine->activationChanged();
    QTRY_COMPARE_WITH_TIMEOUT(synced.size(), 1, 60000);
    QCOMPARE(Cache::ActiveAssignmentRepository(alice.cache).count(), 1);

    // A pending request lands in the approvers' caches with its approval steps.
    request.roles = { QStringLiteral("Global Administrator") };
    r = await<QList<ActivationOutcome>>([&](auto done) { alice.session->activate(request, done); });
    QVERIFY2(r.ok(), qPrintable(r.message));
    Persona& bob = p(QStringLiteral("bob"));
    QCOMPARE(::synced(*bob.engine, SyncCollection::Approvals), QString());
    const QList<ScheduleRequest> inbox = Cache::ScheduleRequestRepository(bob.cache).all(QStringLiteral("approver"));
    QCOMPARE(inbox.size(), 1);
    QCOMPARE(inbox.first().id, r.value.first().request->id);
    const QList<Approval> approvals = Cache::ApprovalRepository(bob.cache).all();
    QCOMPARE(approvals.size(), 1);
    QVERIFY(approvals.first().actionableStep() != nullptr);
    QCOMPARE(::synced(*alice.engine, SyncCollection::Approvals), QString());
    QCOMPARE(Cache::ScheduleRequestRepository(alice.cache).count(QStringLiteral("mine")), 2);
}

void TestSyncEngine::backendStoppedWhileDecisionsAreRecorded()
{
    const auto def = m_server->engine().createReview(m_admin,
                                                     QStringLiteral("Readers review"),
                                                     PimKind::DirectoryRole,
                                                     Reader,
                                                     { m_ids.value(QStringLiteral("carol")) },
                                                     7,
                                                     true);
    QVERIFY(def.ok());
    Persona& carol = p(QStringLiteral("carol"));
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    const QList<AccessReviewInstance> instances = Cache::ReviewInstanceRepository(carol.cache).all(def->id);
    QCOMPARE(instances.size(), 1);
    const QList<ReviewDecision> decisions = Cache::ReviewDecisionRepository(carol.cache).all(instances.first().id);
    QCOMPARE(decisions.size(), 3);

    // The backend goes away; carol records a decision for each principal.
    m_server.reset();
    QSignalSpy states(carol.engine.get(), &SyncEngine::connectionStateChanged);
    QList<qint64> items;
    for (const ReviewDecision& d : decisions) {
        ReviewDecisionUpdate update;
        update.decision = d.principal.id == m_ids.value(QStringLiteral("erin")) ? ReviewDecisionValue::Deny
                                                                                : ReviewDecisionValue::Approve;
        update.justification = QStringLiteral("Quarterly check");
        const auto item = carol.outbox.enqueue(Cache::OutboxItem::Kind::ReviewDecision,
                                               { def->id, instances.first().id, d.id },
                                               GraphCodec::encode(update));
        QVERIFY(item.has_value());
        items << item->id;
    }
    QVERIFY(drained(*carol.engine));
    QCOMPARE(carol.engine->state(), ConnectionState::Offline);
    QCOMPARE(states.size(), 1);
    QCOMPARE(carol.outbox.pendingCount(), 3);
    QCOMPARE(carol.outbox.item(items.first())->state, Cache::OutboxItem::State::Failed);
    QCOMPARE(carol.outbox.item(items.last())->state, Cache::OutboxItem::State::Pending); // FIFO: nothing jumped ahead

    // The backend comes back: the probe finds it, the outbox drains in order.
    QVERIFY(startServer());
    const qint64 eventsBefore = scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events"));
    QTRY_COMPARE_WITH_TIMEOUT(carol.engine->state(), ConnectionState::Online, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(carol.outbox.pendingCount(), 0, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!carol.engine->isDraining(), 60000);
    for (qint64 id : items) {
        QCOMPARE(carol.outbox.item(id)->state, Cache::OutboxItem::State::Sent);
    }
    const qint64 eventsAfterFirst = scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events"));
    QVERIFY(eventsAfterFirst > eventsBefore);

    // Every item sent again with its key (as after a crash between sending and marking sent):
    // the server replays its first answer and applies nothing twice.
    for (qint64 id : items) {
        const Cache::OutboxItem item = *carol.outbox.item(id);
        std::optional<GraphReply<NoContent>> again;
        carol.graph->recordDecision(
            item.targetIds[0],
            item.targetIds[1],
            item.targetIds[2],
            *GraphCodec::decode<ReviewDecisionUpdate>(item.payload),
            [&again](const GraphReply<NoContent>& r) { again = r; },
            item.idempotencyKey.toUtf8());
        QTRY_VERIFY_WITH_TIMEOUT(again.has_value(), 60000);
        QVERIFY2(again->ok(), qPrintable(again->result.describe()));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")), eventsAfterFirst);
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    for (const ReviewDecision& d : Cache::ReviewDecisionRepository(carol.cache).all(instances.first().id)) {
        QCOMPARE(d.decision,
                 d.principal.id == m_ids.value(QStringLiteral("erin")) ? ReviewDecisionValue::Deny
                                                                       : ReviewDecisionValue::Approve);
        QCOMPARE(d.justification, QStringLiteral("Quarterly check"));
    }
}

void TestSyncEngine::anotherApproverDecidedFirstIsAConflict()
{
    Persona& bob = p(QStringLiteral("bob"));
    QCOMPARE(synced(*bob.engine, SyncCollection::Approvals), QString());
    const QList<Approval> approvals = Cache::ApprovalRepository(bob.cache).all();
    QCOMPARE(approvals.size(), 1);
    const Approval approval = approvals.first();
    const ApprovalStep* step = approval.actionableStep();
    QVERIFY(step);

    // Bob approves from the cache (queued); dave denies online first.
    ApprovalDecision decision;
    decision.reviewResult = ApprovalVerdict::Approve;
    decision.justification = QStringLiteral("fine by me");
    const auto item = bob.outbox.enqueue(Cache::OutboxItem::Kind::ApprovalDecision,
                                         { QStringLiteral("role"), approval.id, step->id },
                                         GraphCodec::encode(decision));
    QVERIFY(item.has_value());
    auto denied = await<QList<ItemOutcome>>([&](auto done) {
        p(QStringLiteral("dave"))
            .session->decideApprovals({ approval.id }, ApprovalVerdict::Deny, QStringLiteral("no"), done);
    });
    QVERIFY2(denied.ok(), qPrintable(denied.message));

    QSignalSpy settled(bob.engine.get(), &SyncEngine::outboxItemSettled);
    QVERIFY(drained(*bob.engine));
    QCOMPARE(settled.size(), 1);
    const Cache::OutboxItem after = *bob.outbox.item(item->id);
    QCOMPARE(after.state, Cache::OutboxItem::State::Conflict);
    QVERIFY(!after.message.isEmpty());
    QCOMPARE(settled.first().at(2).toString(), after.message);
    QCOMPARE(bob.outbox.pendingCount(), 0); // kept as a conflict, not sent again by itself

    // Nothing overwritten: the request stays denied.
    auto request = await<ScheduleRequest>([&](auto done) {
        p(QStringLiteral("alice")).session->waitForRequest(PimKind::DirectoryRole, approval.id, 0, done);
    });
    QCOMPARE(request.value.status, RequestStatus::Denied);

    // Retried by the user: refused again, still a conflict; discarded: gone.
    QVERIFY(bob.outbox.retry(item->id));
    QVERIFY(drained(*bob.engine));
    QCOMPARE(bob.outbox.item(item->id)->state, Cache::OutboxItem::State::Conflict);
    QVERIFY(bob.outbox.discard(item->id));
    QVERIFY(!bob.outbox.item(item->id).has_value());
}

void TestSyncEngine::incrementalAuditPullMergesOnlyNewEvents()
{
    Persona& admin = p(QStringLiteral("admin"));
    admin.engine->setAuditPageSize(7); // several pages: @odata.nextLink is followed
    QCOMPARE(synced(*admin.engine, SyncCollection::Audit), QString());
    const qint64 first = admin.engine->audit().size();
    QVERIFY(first > 7);
    const auto state = admin.cache.syncState(QStringLiteral("audit"));
    QVERIFY(state.has_value());
    QVERIFY(!state->watermark.isEmpty());

    // New server events; the next pull asks only from the watermark and stores only new ones.
    m_clock->advanceSeconds(60);
    QVERIFY(m_server->engine().addEligibility(
        m_admin, PimKind::DirectoryRole, m_ids.value(QStringLiteral("dave")), Reader, QStringLiteral("/"), {}, {}));
    const qint64 serverEvents = scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events"));
    QCOMPARE(synced(*admin.engine, SyncCollection::Audit), QString());
    QCOMPARE(admin.engine->audit().size(), serverEvents);
    QVERIFY(admin.engine->audit().size() > first);
}

void TestSyncEngine::sessionGoesThroughTheOutboxAndReadsTheCache()
{
    const auto def = m_server->engine().createReview(m_admin,
                                                     QStringLiteral("Readers review 2"),
                                                     PimKind::DirectoryRole,
                                                     Reader,
                                                     { m_ids.value(QStringLiteral("dave")) },
                                                     7,
                                                     true);
    QVERIFY(def.ok());
    Persona& dave = p(QStringLiteral("dave"));
    dave.session->attachCache(dave.cache, dave.outbox, *dave.engine);

    // Online: the decision goes through the outbox and is sent at once; the reply is the server's.
    auto decisions = await<QList<ReviewDecision>>([&](auto done) { dave.session->decisions(def->id, done); });
    QVERIFY2(decisions.ok(), qPrintable(decisions.message));
    QVERIFY(decisions.cachedAt.isNull()); // live
    QVERIFY(decisions.value.size() >= 3);
    QString aliceDecision;
    QString bobDecision;
    for (const ReviewDecision& d : decisions.value) {
        if (d.principal.id == m_ids.value(QStringLiteral("alice"))) {
            aliceDecision = d.id;
        } else if (d.principal.id == m_ids.value(QStringLiteral("bob"))) {
            bobDecision = d.id;
        }
    }
    auto one = await<NoContent>([&](auto done) {
        dave.session->decide(aliceDecision, ReviewDecisionValue::Approve, QStringLiteral("On call"), done);
    });
    QVERIFY2(one.ok(), qPrintable(one.message));
    QCOMPARE(one.message, QStringLiteral("Decision %1 recorded.").arg(aliceDecision));
    QCOMPARE(dave.outbox.pendingCount(), 0);
    // Refused by the server (approval needs a justification): a conflict, shown to the user.
    auto refused = await<NoContent>(
        [&](auto done) { dave.session->decide(bobDecision, ReviewDecisionValue::Approve, {}, done); });
    QCOMPARE(refused.outcome, SessionOutcome::Refused);
    QVERIFY2(refused.message.contains(QStringLiteral("outbox")), qPrintable(refused.message));
    QCOMPARE(dave.outbox.list().last().state, Cache::OutboxItem::State::Conflict);

    // Offline: decisions wait in the outbox, reads come from the cache with their age, and
    // activations say why they are not queued.
    m_server.reset();
    auto queued = await<NoContent>([&](auto done) {
        dave.session->decide(bobDecision, ReviewDecisionValue::Deny, QStringLiteral("Moved on"), done);
    });
    QVERIFY2(queued.ok(), qPrintable(queued.message));
    QVERIFY2(queued.message.contains(QStringLiteral("outbox")), qPrintable(queued.message));
    auto batch = await<NoContent>([&](auto done) {
        dave.session->batchDecide(
            def->id, ReviewDecisionValue::Deny, QStringLiteral("Left"), m_ids.value(QStringLiteral("erin")), done);
    });
    QVERIFY2(batch.ok(), qPrintable(batch.message));
    QCOMPARE(dave.outbox.pendingCount(), 2);
    auto reviews = await<QList<ReviewRow>>([&](auto done) { dave.session->reviews(done); });
    QVERIFY2(reviews.ok(), qPrintable(reviews.message));
    QVERIFY(!reviews.cachedAt.isNull());
    QCOMPARE(reviews.value.size(), 1);
    ActivationRequest request;
    request.roles = { QStringLiteral("Directory Readers") };
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Offline");
    auto activation = await<QList<ActivationOutcome>>([&](auto done) { dave.session->activate(request, done); });
    QCOMPARE(activation.outcome, SessionOutcome::Unreachable);
    QVERIFY2(activation.message.contains(QStringLiteral("never queued")), qPrintable(activation.message));
    QCOMPARE(dave.outbox.pendingCount(), 2);

    // Back online: both arrive, in order.
    QVERIFY(startServer());
    QTRY_COMPARE_WITH_TIMEOUT(dave.outbox.pendingCount(), 0, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!dave.engine->isDraining(), 60000);
    decisions = await<QList<ReviewDecision>>([&](auto done) { dave.session->decisions(def->id, done); });
    QVERIFY2(decisions.ok(), qPrintable(decisions.message));
    for (const ReviewDecision& d : decisions.value) {
        if (d.id == bobDecision) {
            QCOMPARE(d.decision, ReviewDecisionValue::Deny);
            QCOMPARE(d.justification, QStringLiteral("Moved on"));
        } else if (d.principal.id == m_ids.value(QStringLiteral("erin"))) {
            QCOMPARE(d.decision, ReviewDecisionValue::Deny);
        } else if (d.id == aliceDecision) {
            QCOMPARE(d.decision, ReviewDecisionValue::Approve);
        }
    }
}

void TestSyncEngine::killedBetweenRecordingAndSending()
{
    const auto def = m_server->engine().createReview(m_admin,
                                                     QStringLiteral("Readers review 3"),
                                                     PimKind::DirectoryRole,
                                                     Reader,
                                                     { m_ids.value(QStringLiteral("carol")) },
                                                     7,
                                                     true);
    QVERIFY(def.ok());
    Persona& carol = p(QStringLiteral("carol"));
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    const QList<AccessReviewInstance> instances = Cache::ReviewInstanceRepository(carol.cache).all(def->id);
    QCOMPARE(instances.size(), 1);
    const ReviewDecision target = Cache::ReviewDecisionRepository(carol.cache).all(instances.first().id).first();
    const QString outboxPath = m_dir.filePath(QStringLiteral("killed.outbox"));

    // A child records the decision durably, marks it Sending, sends it (the server applies it)
    // and is killed with SIGKILL before it can mark it sent.
    QProcess child;
    child.setProcessChannelMode(QProcess::SeparateChannels);
    child.start(QCoreApplication::applicationFilePath(),
                { QStringLiteral("--outbox-child"),
                  outboxPath,
                  m_server->baseUrl().toString(),
                  def->id,
                  instances.first().id,
                  target.id });
    QVERIFY(child.waitForStarted());
    child.write(carol.credentials->accessToken().toUtf8() + '\n'); // through a pipe, never a file
    QByteArray said;
    QVERIFY(QTest::qWaitFor(
        [&] {
            said += child.readAllStandardOutput();
            return said.contains("SENT");
        },
        60000));
    QVERIFY2(said.contains("SENT 204"), said.constData());
    const qint64 events = scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events"));
    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    // The next process: the item is back to Pending (nothing lost), sent again with its key and
    // applied once (nothing sent twice).
    Cache::Outbox outbox;
    QVERIFY(outbox.open(outboxPath));
    QCOMPARE(outbox.list().size(), 1);
    const Cache::OutboxItem item = outbox.list().first();
    QCOMPARE(item.state, Cache::OutboxItem::State::Pending);
    QTemporaryDir dir;
    Cache::CacheDatabase cache;
    QVERIFY(cache.open(dir.filePath(QStringLiteral("cache"))));
    GraphClient graph(m_nam, *carol.credentials); // dies after the engine: no call outlives it
    SyncEngine engine(graph, cache, outbox);
    QVERIFY(drained(engine));
    QCOMPARE(outbox.item(item.id)->state, Cache::OutboxItem::State::Sent);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")), events);
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    const auto decided = Cache::ReviewDecisionRepository(carol.cache).find(instances.first().id, target.id);
    QVERIFY(decided.has_value());
    QCOMPARE(decided->decision, ReviewDecisionValue::Deny);
    QCOMPARE(decided->justification, QStringLiteral("Recorded before the crash"));
}

void TestSyncEngine::fullDiskIsAClearErrorAndTheOutboxIntact()
{
    Persona& carol = p(QStringLiteral("carol"));
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    const QList<AccessReviewDefinition> defs = Cache::ReviewDefinitionRepository(carol.cache).all();
    const auto def = std::find_if(defs.cbegin(), defs.cend(), [](const AccessReviewDefinition& d) {
        return d.displayName == QStringLiteral("Readers review 3");
    });
    QVERIFY(def != defs.cend());
    const AccessReviewInstance instance = Cache::ReviewInstanceRepository(carol.cache).all(def->id).first();
    const ReviewDecision target = Cache::ReviewDecisionRepository(carol.cache).all(instance.id).last();
    const QString path = m_dir.filePath(QStringLiteral("full.outbox"));
    std::optional<Cache::OutboxItem> recorded;
    {
        Cache::Outbox outbox;
        QVERIFY(outbox.open(path));
        ReviewDecisionUpdate update;
        update.decision = ReviewDecisionValue::Approve;
        update.justification = QStringLiteral("Recorded before the disk filled");
        recorded = outbox.enqueue(
            Cache::OutboxItem::Kind::ReviewDecision, { def->id, instance.id, target.id }, GraphCodec::encode(update));
        QVERIFY(recorded.has_value());
    }
    // A child whose files may not grow (RLIMIT_FSIZE, SIGXFSZ ignored) records one more.
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), { QStringLiteral("--full-disk-child"), path });
    QVERIFY(child.waitForStarted());
    QVERIFY(QTest::qWaitFor([&child] { return child.state() == QProcess::NotRunning; }, 60000));
    QCOMPARE(child.exitCode(), 0);
    const QString said = QString::fromUtf8(child.readAllStandardOutput());
    QVERIFY2(said.startsWith(QStringLiteral("ERROR ")), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("the disk could not be written")), qPrintable(said));

    // The outbox is intact and drains: the recorded decision arrives.
    Cache::Outbox outbox;
    QVERIFY(outbox.open(path));
    QCOMPARE(outbox.list().size(), 1);
    QCOMPARE(outbox.list().first().idempotencyKey, recorded->idempotencyKey);
    QTemporaryDir dir;
    Cache::CacheDatabase cache;
    QVERIFY(cache.open(dir.filePath(QStringLiteral("cache"))));
    GraphClient graph(m_nam, *carol.credentials);
    SyncEngine engine(graph, cache, outbox);
    QVERIFY(drained(engine));
    QCOMPARE(outbox.item(recorded->id)->state, Cache::OutboxItem::State::Sent);
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    QCOMPARE(Cache::ReviewDecisionRepository(carol.cache).find(instance.id, target.id)->decision,
             ReviewDecisionValue::Approve);
}

void TestSyncEngine::corruptedCacheIsRebuiltAndTheOutboxKept()
{
    Persona& carol = p(QStringLiteral("carol"));
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    QVERIFY(Cache::ReviewDefinitionRepository(carol.cache).count() > 0);
    // An item waiting in the outbox (it targets nothing real: it must only survive).
    const auto waiting = carol.outbox.enqueue(Cache::OutboxItem::Kind::ReviewDecision,
                                              { QStringLiteral("d"), QStringLiteral("i"), QStringLiteral("x") },
                                              QByteArrayLiteral("{}"));
    QVERIFY(waiting.has_value());
    const QList<Cache::OutboxItem> before = carol.outbox.list();

    const QString path = carol.cache.path();
    carol.cache.close();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(0));
    QVERIFY(file.write(QByteArray(4096, 'x')) == 4096);
    file.close();
    QVERIFY(Cache::CacheDatabase::check(path).isCorrupt());
    QVERIFY(carol.cache.open(path, Cache::CacheDatabase::check(path)));
    QVERIFY(carol.cache.wasRebuilt());
    carol.engine->cacheReopened();
    QCOMPARE(Cache::ReviewDefinitionRepository(carol.cache).count(), 0);
    QCOMPARE(carol.outbox.list(), before); // the outbox is another file: untouched

    // Filled again from the server.
    QCOMPARE(synced(*carol.engine, SyncCollection::Reviews), QString());
    QVERIFY(Cache::ReviewDefinitionRepository(carol.cache).count() > 0);
    QCOMPARE(synced(*carol.engine, SyncCollection::MyRoles), QString());
    QVERIFY(carol.outbox.discard(waiting->id));
}

void TestSyncEngine::throttledAuditPullCompletes()
{
    // elevated limits each caller to 1 call/s with a burst of 2; its clock is the test's, moved
    // on while the pull runs, so a refused call is answered 429 with Retry-After: 1.
    m_server.reset();
    m_config.rateLimitPerSecond = 1;
    m_config.rateLimitBurst = 2;
    QVERIFY(startServer());
    Persona& admin = p(QStringLiteral("admin"));
    QTemporaryDir dir;
    Cache::CacheDatabase cache;
    Cache::Outbox outbox;
    QVERIFY(cache.open(dir.filePath(QStringLiteral("cache"))));
    QVERIFY(outbox.open(dir.filePath(QStringLiteral("outbox"))));
    GraphClient graph(m_nam, *admin.credentials); // the default retry policy: honours Retry-After
    SyncEngine engine(graph, cache, outbox);
    engine.setClock([this] { return m_clock->now(); });
    engine.setAuditPageSize(5);
    int throttled = 0;
    int retryAfterSeen = 0;
    auto counter = connect(&m_nam, &QNetworkAccessManager::finished, this, [&](QNetworkReply* reply) {
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 429) {
            ++throttled;
            retryAfterSeen += reply->hasRawHeader("Retry-After") ? 1 : 0;
        }
    });
    QTimer tick;
    connect(&tick, &QTimer::timeout, this, [this] { m_clock->advanceSeconds(1); });
    tick.start(100);
    const QString error = synced(engine, SyncCollection::Audit);
    tick.stop();
    disconnect(counter);
    QCOMPARE(error, QString());
    QVERIFY(throttled > 0);
    QCOMPARE(retryAfterSeen, throttled);
    QCOMPARE(engine.audit().size(), scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events")));

    m_server.reset();
    m_config.rateLimitPerSecond = 0;
    QVERIFY(startServer());
}

// The child of killedBetweenRecordingAndSending: records one review decision in the outbox,
// marks it Sending, sends it with its key and its bearer token (read from stdin), says "SENT
// <status>" and waits to be killed.
static int outboxChild(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    Cache::Outbox outbox;
    if (args.size() != 7 || !outbox.open(args.at(2))) {
        return 2;
    }
    ReviewDecisionUpdate update;
    update.decision = ReviewDecisionValue::Deny;
    update.justification = QStringLiteral("Recorded before the crash");
    const QByteArray payload = GraphCodec::encode(update);
    const auto item
        = outbox.enqueue(Cache::OutboxItem::Kind::ReviewDecision, { args.at(4), args.at(5), args.at(6) }, payload);
    if (!item || !outbox.markSending(item->id)) {
        return 3;
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        return 4;
    }
    const QByteArray token = in.readLine().trimmed();
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(args.at(3) + QStringLiteral("/v1.0/identityGovernance/accessReviews/definitions/")
                                 + args.at(4) + QStringLiteral("/instances/") + args.at(5)
                                 + QStringLiteral("/decisions/") + args.at(6)));
    request.setRawHeader("Authorization", "Bearer " + token);
    request.setRawHeader("Idempotency-Key", item->idempotencyKey.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = nam.sendCustomRequest(request, "PATCH", payload);
    QObject::connect(reply, &QNetworkReply::finished, [reply] {
        QFile out;
        if (out.open(stdout, QIODevice::WriteOnly)) {
            out.write("SENT " + QByteArray::number(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt())
                      + '\n');
            out.flush();
        }
    });
    return app.exec(); // until SIGKILL
}

// The child of fullDiskIsAClearErrorAndTheOutboxIntact: files may grow by 64 KiB at most.
static int fullDiskChild(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString path = app.arguments().value(2);
    std::signal(SIGXFSZ, SIG_IGN); // a write past the limit fails with EFBIG instead of killing us
    rlimit limit{};
    limit.rlim_cur = rlim_t(QFileInfo(path).size() + 64 * 1024); // room to open, not for 256 KiB more
    limit.rlim_max = RLIM_INFINITY;
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
        return 3;
    }
    Cache::Outbox outbox;
    if (!outbox.open(path)) {
        std::printf("ERROR %s\n", qPrintable(outbox.lastError()));
        return 0;
    }
    const auto item = outbox.enqueue(Cache::OutboxItem::Kind::ReviewDecision,
                                     { QStringLiteral("d"), QStringLiteral("i"), QStringLiteral("x") },
                                     QByteArray(256 * 1024, 'x'));
    if (item) {
        std::printf("RECORDED\n");
        return 1;
    }
    std::printf("ERROR %s\n", qPrintable(outbox.lastError()));
    return 0;
}

int main(int argc, char** argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--outbox-child") == 0) {
        return outboxChild(argc, argv);
    }
    if (argc > 1 && qstrcmp(argv[1], "--full-disk-child") == 0) {
        return fullDiskChild(argc, argv);
    }
    QCoreApplication app(argc, argv);
    TestSyncEngine test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "TestSyncEngine.moc"
