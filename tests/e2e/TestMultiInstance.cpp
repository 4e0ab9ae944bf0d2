// Several real elevated processes on one PostgreSQL database (the PgCluster fixture's cluster),
// driven over HTTP by many clients at once: every request has exactly one outcome, every due
// transition happens once, approvals race correctly, the audit chain stays one chain, tokens and
// login throttling are shared, and kill -9 of one instance under load leaves nothing half-applied.
#include "ApiClient.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "Engine.h"
#include "IdentityService.h"
#include "Schema.h"
#include "SqlTime.h"
#include "TestDatabase.h"

#include <QJsonArray>
#include <QProcess>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString Password = QStringLiteral("correct horse battery");
const QString Requests = QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests");
constexpr int Users = 8;

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QJsonObject request(const QString& action, const QString& roleId = Reader)
{
    QJsonObject body{{QStringLiteral("action"), action},
                     {QStringLiteral("roleDefinitionId"), roleId},
                     {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                     {QStringLiteral("justification"), QStringLiteral("load")}};
    if (action == u"selfActivate") {
        body.insert(QStringLiteral("scheduleInfo"),
                    QJsonObject{{QStringLiteral("expiration"),
                                 QJsonObject{{QStringLiteral("type"), QStringLiteral("afterDuration")},
                                             {QStringLiteral("duration"), QStringLiteral("PT1H")}}}});
    }
    return body;
}

// "201: 310, 400: 12" for a failure message.
QString describe(const QHash<int, int>& statuses)
{
    QStringList parts;
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it) {
        parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    }
    parts.sort();
    return parts.join(QStringLiteral(", "));
}

Caller cliCaller()
{
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    return cli;
}

} // namespace

class TestMultiInstance final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void migrationsRunOnceWhenInstancesStartTogether();
    void schemaMatchesSqlite();
    void togglesFromManyClients_data();
    void togglesFromManyClients();
    void approvalsRaceAcrossInstances();
    void dueTransitionsHappenOnce();
    void tokensAndThrottlingAreShared();
    void dbCopyMovesAnOrganisation();
    void rateLimitIsShared();

private:
    // Seeds a fresh database: users user0..user{Users-1} eligible for Reader and Global
    // Administrator (which takes 2 of 3 approvals: approver0..2).
    void seed();
    bool startInstances(int count, const QStringList& extra = {});
    // nginx (scripts/nginx-proxy.sh) in front of every instance started.
    bool startProxy();
    void stopInstance(int index, bool kill);
    QUrl base(int index) const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_ports.at(index))); }
    QString signIn(const QString& user, int instance);
    bool auditVerifies(QByteArray* output);
    qint64 count(const QString& sql, std::initializer_list<QVariant> values = {});

    QTemporaryDir m_dir;
    QString m_url;
    QString m_config;
    std::unique_ptr<Database> m_db;
    QList<quint16> m_ports;
    quint16 m_proxyPort = 0;
    std::vector<std::unique_ptr<QProcess>> m_instances;
};

void TestMultiInstance::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!TestSupport::postgresRun()) {
        QSKIP("needs PostgreSQL: run it through ctest (fixture PgCluster) or set ELEVATE_TEST_DATABASE=postgresql://...");
    }
    QString unavailable;
    TestSupport::postgresBaseUrl(&unavailable);
    if (!unavailable.isEmpty()) {
        QSKIP(qPrintable(unavailable));
    }
}

void TestMultiInstance::init()
{
    QString error;
    m_url = TestSupport::freshDatabaseUrl(m_dir, QString::fromLatin1(QTest::currentTestFunction()), &error);
    QVERIFY2(!m_url.isEmpty(), qPrintable(error));
    // The instances read the password from a file named in their config, as deployments do.
    QFile password(m_dir.filePath(QStringLiteral("pgpassword")));
    QVERIFY(password.open(QIODevice::WriteOnly | QIODevice::Truncate));
    password.write(qgetenv("PGPASSWORD") + '\n');
    password.close();
    m_config = m_dir.filePath(QStringLiteral("elevated.conf"));
    QFile config(m_config);
    QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write("database = \"" + m_url.toUtf8() + "\"\ndatabase-password-file = " + password.fileName().toUtf8() + '\n');
    config.close();
    m_db = std::make_unique<Database>();
    QVERIFY2(m_db->open(m_url, &error), qPrintable(error));
}

void TestMultiInstance::cleanup()
{
    if (m_proxyPort != 0) {
        QProcess::execute(QStringLiteral(ELEVATE_SOURCE_DIR "/scripts/nginx-proxy.sh"),
                          {QStringLiteral("stop"), m_dir.filePath(QStringLiteral("nginx"))});
        m_proxyPort = 0;
    }
    for (int i = 0; i < static_cast<int>(m_instances.size()); ++i) {
        stopInstance(i, true);
    }
    m_instances.clear();
    m_ports.clear();
    m_db.reset();
}

void TestMultiInstance::seed()
{
    // Three hours ago, so that dueTransitionsHappenOnce can make requests in the past.
    ManualClock clock(SystemClock().now().plusSeconds(-3 * 3600));
    IdentitySettings cheap;
    cheap.passwordHashing.memoryKiB = 8 * 1024;
    cheap.passwordHashing.iterations = 1;
    IdentityService identity(*m_db, clock, cheap);
    Engine engine(*m_db, clock, Engine::Options{});
    QVERIFY(engine.ensureBuiltInRoles() >= 0);
    const Caller cli = cliCaller();
    QStringList approvers;
    for (int i = 0; i < 3; ++i) {
        approvers << identity.addUser(QStringLiteral("approver%1").arg(i), QStringLiteral("Approver %1").arg(i), Password, false,
                                      false);
        QVERIFY(!approvers.last().isEmpty());
    }
    RolePolicy ga = Engine::defaultPolicy();
    ga.approvalRules[0].isApprovalRequired = true;
    ApprovalStage stage;
    stage.approvalsRequired = 2;
    for (const QString& id : approvers) {
        stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, id, QString()};
    }
    ga.approvalRules[0].approvalStages << stage;
    QVERIFY(engine.setPolicy(cli, PimKind::DirectoryRole, GlobalAdmin, QStringLiteral("/"), ga));
    for (int i = 0; i < Users; ++i) {
        const QString id = identity.addUser(QStringLiteral("user%1").arg(i), QStringLiteral("User %1").arg(i), Password, false, false);
        QVERIFY(!id.isEmpty());
        QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, id, Reader, QStringLiteral("/"), {}, {}));
        QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, id, GlobalAdmin, QStringLiteral("/"), {}, {}));
    }
    QVERIFY(identity.addUser(QStringLiteral("auditor"), QStringLiteral("Auditor"), Password, false, true).size() > 0);
}

bool TestMultiInstance::startInstances(int count, const QStringList& extra)
{
    // All started before any is waited for: they migrate and serve side by side.
    for (int i = 0; i < count; ++i) {
        m_ports << freePort();
        auto p = std::make_unique<QProcess>();
        p->setProgram(QStringLiteral(ELEVATED_BINARY));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PGPASSWORD")); // the config's database-password-file must be enough
        p->setProcessEnvironment(env);
        p->setArguments(QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_ports.last()),
                                    QStringLiteral("--config"), m_config, QStringLiteral("--min-active-seconds"),
                                    QStringLiteral("0"), QStringLiteral("--rate-limit"), QStringLiteral("0")}
                        + extra);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start();
        if (!p->waitForStarted(10000)) {
            return false;
        }
        m_instances.push_back(std::move(p));
    }
    for (int i = 0; i < count; ++i) {
        ApiClient probe(base(i));
        bool up = false;
        for (int attempt = 0; attempt < 200 && !up; ++attempt) {
            up = probe.get(QStringLiteral("/healthz"), QString()).status == 200;
            if (!up) {
                if (m_instances.at(static_cast<size_t>(i))->state() != QProcess::Running) {
                    return false;
                }
                QTest::qWait(50);
            }
        }
        if (!up) {
            return false;
        }
    }
    return true;
}

bool TestMultiInstance::startProxy()
{
    m_proxyPort = freePort();
    QStringList args{QStringLiteral("start"), m_dir.filePath(QStringLiteral("nginx")), QString::number(m_proxyPort)};
    for (const quint16 port : m_ports) {
        args << QString::number(port);
    }
    if (QProcess::execute(QStringLiteral(ELEVATE_SOURCE_DIR "/scripts/nginx-proxy.sh"), args) != 0) {
        return false;
    }
    ApiClient probe(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_proxyPort)));
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (probe.get(QStringLiteral("/healthz"), QString()).status == 200) {
            return true;
        }
        QTest::qWait(50);
    }
    return false;
}

void TestMultiInstance::stopInstance(int index, bool kill)
{
    std::unique_ptr<QProcess>& p = m_instances.at(static_cast<size_t>(index));
    if (!p) {
        return;
    }
    if (kill) {
        p->kill();
    } else {
        p->terminate();
    }
    p->waitForFinished(10000);
    p.reset();
}

QString TestMultiInstance::signIn(const QString& user, int instance)
{
    ApiClient api(base(instance));
    return api.signIn(user, Password);
}

bool TestMultiInstance::auditVerifies(QByteArray* output)
{
    QProcess verify;
    verify.start(QStringLiteral(ELEVATED_BINARY), {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--config"), m_config});
    if (!verify.waitForFinished(60000)) {
        return false;
    }
    *output = verify.readAllStandardOutput() + verify.readAllStandardError();
    return verify.exitStatus() == QProcess::NormalExit && verify.exitCode() == 0;
}

qint64 TestMultiInstance::count(const QString& sql, std::initializer_list<QVariant> values)
{
    return m_db->scalar(sql, values).toLongLong();
}

void TestMultiInstance::migrationsRunOnceWhenInstancesStartTogether()
{
    // The database is empty but for what init() migrated; drop back to nothing so that three
    // instances race on the first migration.
    QSqlQuery reset(m_db->handle()); // DDL cannot be a prepared statement on PostgreSQL
    QVERIFY(reset.exec(QStringLiteral("DROP SCHEMA public CASCADE")));
    QVERIFY(reset.exec(QStringLiteral("CREATE SCHEMA public")));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")), qint64(0));
    QVERIFY(startInstances(3));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")), qint64(postgresMigrations().size()));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(DISTINCT version) FROM schema_migrations")), qint64(postgresMigrations().size()));
    // The built-in roles were installed once, not once per instance.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM role_definitions WHERE id = ?"), {Reader}), qint64(1));
}

void TestMultiInstance::schemaMatchesSqlite()
{
    // The two migration lists describe the same tables, columns and named indexes.
    Database sqlite;
    QString error;
    QFile::remove(m_dir.filePath(QStringLiteral("schema.db")));
    QVERIFY2(sqlite.open(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("schema.db")), &error), qPrintable(error));
    QCOMPARE(sqlite.schemaVersion(), m_db->schemaVersion());
    QSqlQuery tables(sqlite.handle());
    QVERIFY(tables.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")));
    QStringList sqliteTables;
    while (tables.next()) {
        sqliteTables << tables.value(0).toString();
    }
    QSqlQuery pgTables(m_db->handle());
    QVERIFY(pgTables.exec(QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")));
    QStringList postgresTables;
    while (pgTables.next()) {
        postgresTables << pgTables.value(0).toString();
    }
    QCOMPARE(postgresTables, sqliteTables);
    for (const QString& table : sqliteTables) {
        QSqlQuery columns(sqlite.handle());
        QVERIFY(columns.exec(QStringLiteral("SELECT name, \"notnull\" FROM pragma_table_info('%1') ORDER BY name").arg(table)));
        QStringList sqliteColumns;
        while (columns.next()) {
            sqliteColumns << columns.value(0).toString() + (columns.value(1).toInt() ? QStringLiteral(" NOT NULL") : QString());
        }
        QSqlQuery pgColumns(m_db->handle());
        QVERIFY(pgColumns.exec(QStringLiteral("SELECT column_name, is_nullable FROM information_schema.columns WHERE "
                                              "table_schema = 'public' AND table_name = '%1' ORDER BY column_name")
                                   .arg(table)));
        QStringList postgresColumns;
        while (pgColumns.next()) {
            postgresColumns << pgColumns.value(0).toString()
                    + (pgColumns.value(1).toString() == u"NO" ? QStringLiteral(" NOT NULL") : QString());
        }
        // SQLite lets a PRIMARY KEY column be NULL unless it says NOT NULL; PostgreSQL does not.
        QStringList relaxed = postgresColumns;
        for (QString& c : relaxed) {
            if (!sqliteColumns.contains(c)) {
                c.remove(QStringLiteral(" NOT NULL"));
            }
        }
        QCOMPARE(relaxed, sqliteColumns);
    }
    QSqlQuery indexes(sqlite.handle());
    QVERIFY(indexes.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")));
    while (indexes.next()) {
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname = ?"),
                       {indexes.value(0).toString()}),
                 qint64(1));
    }
}

void TestMultiInstance::togglesFromManyClients_data()
{
    QTest::addColumn<int>("instances");
    QTest::addColumn<bool>("killOne");
    QTest::addColumn<bool>("proxied");
    QTest::newRow("two instances") << 2 << false << false;
    QTest::newRow("three instances") << 3 << false << false;
    QTest::newRow("two instances behind nginx") << 2 << false << true;
    QTest::newRow("three instances behind nginx") << 3 << false << true;
    QTest::newRow("three instances, one killed under load") << 3 << true << false;
}

void TestMultiInstance::togglesFromManyClients()
{
    QFETCH(int, instances);
    QFETCH(bool, killOne);
    QFETCH(bool, proxied);
    seed();
    QVERIFY(startInstances(instances));
    QUrl proxy;
    if (proxied) {
        QVERIFY(startProxy());
        proxy = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_proxyPort));
    }
    QStringList tokens;
    for (int i = 0; i < Users; ++i) {
        // Signed in on one instance, used on all of them.
        tokens << signIn(QStringLiteral("user%1").arg(i), i % instances);
        QVERIFY(!tokens.last().isEmpty());
    }

    // Every user sends activate and deactivate together, each to a different instance, again
    // as soon as both are answered: same-user races across instances, all users in parallel.
    QNetworkAccessManager nam;
    QHash<int, int> statuses;
    int answered = 0;
    int round = 0;
    bool stopping = false;
    const int killed = killOne ? instances - 1 : -1;
    std::function<void(int)> fire = [&](int user) {
        if (stopping) {
            return;
        }
        ++round;
        auto pending = std::make_shared<int>(2);
        int target = (user + round) % instances;
        for (const QString& action : {QStringLiteral("selfActivate"), QStringLiteral("selfDeactivate")}) {
            target = (target + 1) % instances;
            if (target == killed && !m_instances.at(static_cast<size_t>(killed))) {
                target = (target + 1) % instances;
            }
            QNetworkRequest r(QUrl((proxied ? proxy : base(target)).toString() + Requests));
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            r.setRawHeader("Authorization", "Bearer " + tokens.at(user).toUtf8());
            QNetworkReply* reply = nam.post(r, QJsonDocument(request(action)).toJson(QJsonDocument::Compact));
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, user, pending] {
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                ++statuses[status];
                ++answered;
                reply->deleteLater();
                if (--*pending == 0) {
                    fire(user);
                }
            });
        }
    };
    for (int i = 0; i < Users; ++i) {
        fire(i);
    }
    QTRY_VERIFY_WITH_TIMEOUT(answered > 200, 60000);
    if (killOne) {
        stopInstance(killed, true);
        const int before = answered;
        // The others carry on.
        QTRY_VERIFY_WITH_TIMEOUT(answered > before + 200, 60000);
    }
    stopping = true;
    // Let what is in flight land.
    QTRY_VERIFY_WITH_TIMEOUT(nam.findChildren<QNetworkReply*>().isEmpty(), 30000);

    // Exactly one outcome per request: 201 (done) or 400 (refused: already active / nothing
    // to deactivate). Only the killed instance's connections may have no answer (status 0).
    const int created = statuses.value(201);
    const int refused = statuses.value(400);
    const int lost = statuses.value(0);
    QVERIFY2(created + refused + lost == answered, qPrintable(QStringLiteral("unexpected statuses: ") + describe(statuses)));
    if (!killOne) {
        QCOMPARE(lost, 0);
        // Each 201 is one request row, and no row exists without its answer.
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM requests")), qint64(created));
    } else {
        // A request whose answer died with the instance may or may not have committed; nothing
        // else may be in the database.
        const qint64 rows = count(QStringLiteral("SELECT COUNT(*) FROM requests"));
        QVERIFY(rows >= created && rows <= created + lost);
    }
    // Every granted request has its assignment, every activation at most one live assignment
    // per user, and every request its audit records.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM requests r WHERE r.status IN ('Provisioned','Revoked') AND NOT EXISTS "
                                  "(SELECT 1 FROM assignments a WHERE a.id = r.target_schedule_id)")),
             qint64(0));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM (SELECT principal_id FROM assignments WHERE state = 'Active' "
                                  "GROUP BY principal_id, target_id HAVING COUNT(*) > 1) AS twice")),
             qint64(0));
    const qint64 activations = count(QStringLiteral("SELECT COUNT(*) FROM requests WHERE action = 'selfActivate'"));
    const qint64 deactivations = count(QStringLiteral("SELECT COUNT(*) FROM requests WHERE action = 'selfDeactivate'"));
    QVERIFY(activations > 0 && deactivations > 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Add member to role requested (PIM activation)'")),
             activations);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Add member to role completed (PIM activation)'")),
             activations);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Remove member from role completed (PIM deactivate)'")),
             deactivations);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM assignments")), activations);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM assignments WHERE state = 'Ended'")), deactivations);
    QByteArray output;
    QVERIFY2(auditVerifies(&output), output.constData());
}

void TestMultiInstance::approvalsRaceAcrossInstances()
{
    seed();
    QVERIFY(startInstances(3));
    QStringList approverTokens;
    for (int i = 0; i < 3; ++i) {
        approverTokens << signIn(QStringLiteral("approver%1").arg(i), i);
        QVERIFY(!approverTokens.last().isEmpty());
    }
    // Every user asks for Global Administrator (2 of 3 approvals).
    QStringList ids;
    for (int i = 0; i < Users; ++i) {
        ApiClient api(base(i % 3));
        const QString t = signIn(QStringLiteral("user%1").arg(i), i % 3);
        const ApiResponse r = api.post(Requests, request(QStringLiteral("selfActivate"), GlobalAdmin), t);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("PendingApproval"));
        ids << r.json.value(QStringLiteral("id")).toString();
    }
    // The step ids, read once.
    QStringList steps;
    ApiClient reader(base(0));
    for (const QString& id : ids) {
        const ApiResponse r = reader.get(QStringLiteral("/beta/roleManagement/directory/roleAssignmentApprovals/") + id,
                                         approverTokens.at(0));
        QCOMPARE(r.status, 200);
        steps << r.json.value(QStringLiteral("steps")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    }
    // All three approvers approve every request at the same moment, each on their own instance.
    QNetworkAccessManager nam;
    QList<QHash<int, int>> outcomes(ids.size());
    int answered = 0;
    const QJsonObject approve{{QStringLiteral("reviewResult"), QStringLiteral("Approve")},
                              {QStringLiteral("justification"), QStringLiteral("ok")}};
    for (qsizetype k = 0; k < ids.size(); ++k) {
        for (int a = 0; a < 3; ++a) {
            QNetworkRequest r(QUrl(base(a).toString() + QStringLiteral("/beta/roleManagement/directory/roleAssignmentApprovals/")
                                   + ids.at(k) + QStringLiteral("/steps/") + steps.at(k)));
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            r.setRawHeader("Authorization", "Bearer " + approverTokens.at(a).toUtf8());
            QNetworkReply* reply = nam.sendCustomRequest(r, "PATCH", QJsonDocument(approve).toJson(QJsonDocument::Compact));
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, k] {
                ++outcomes[k][reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()];
                ++answered;
                reply->deleteLater();
            });
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, static_cast<int>(ids.size()) * 3, 60000);
    for (qsizetype k = 0; k < ids.size(); ++k) {
        // Two approvals count; the third finds the stage decided.
        QCOMPARE(outcomes.at(k).value(204), 2);
        QCOMPARE(outcomes.at(k).value(409), 1);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT status FROM requests WHERE id = ?"), {ids.at(k)}).toString(),
                 QStringLiteral("Provisioned"));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM approval_votes v JOIN approval_stages s ON s.id = v.stage_id "
                                      "WHERE s.request_id = ?"),
                       {ids.at(k)}),
                 qint64(2));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM assignments WHERE request_id = ?"), {ids.at(k)}), qint64(1));
    }
    // Provisioned once each: one completion record per request.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Add member to role completed (PIM activation)'")),
             qint64(ids.size()));
    // Each counted approval is recorded, the refused third is not.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Add member to role request approved (PIM activation)'")),
             qint64(2 * ids.size()));
    QByteArray output;
    QVERIFY2(auditVerifies(&output), output.constData());
}

void TestMultiInstance::dueTransitionsHappenOnce()
{
    seed();
    // Made two hours ago: activations that started then and ended an hour ago, and future
    // starts whose start and end have both passed since.
    ManualClock past(SystemClock().now().plusSeconds(-2 * 3600));
    Engine engine(*m_db, past, Engine::Options{});
    for (int i = 0; i < Users; ++i) {
        Caller user;
        user.userId = m_db->scalar(QStringLiteral("SELECT id FROM users WHERE user_name = ?"), {QStringLiteral("user%1").arg(i)})
                          .toString();
        user.session.multiFactor = true;
        ScheduleRequest r;
        r.action = RequestAction::SelfActivate;
        r.principalId = user.userId;
        r.roleDefinitionId = Reader;
        r.directoryScopeId = QStringLiteral("/");
        r.justification = QStringLiteral("due");
        ScheduleInfo s;
        if (i % 2 == 1) {
            s.startDateTime = past.now().plusSeconds(1800);
        }
        s.expiration.type = ExpirationType::AfterDuration;
        s.expiration.duration = IsoDuration::fromMinutes(60);
        r.scheduleInfo = s;
        const auto submitted = engine.submit(user, r);
        QVERIFY2(submitted.ok(), qPrintable(submitted.ok() ? QString() : submitted.error().message));
    }
    const qint64 scheduled = count(QStringLiteral("SELECT COUNT(*) FROM assignments WHERE state = 'Scheduled'"));
    QCOMPARE(scheduled, qint64(Users / 2));
    // Two access reviews whose end has passed (a review lasts whole days: its end is moved back).
    for (const QString& name : {QStringLiteral("Readers Q1"), QStringLiteral("Readers Q2")}) {
        const QString approver = m_db->scalar(QStringLiteral("SELECT id FROM users WHERE user_name = 'approver0'")).toString();
        QVERIFY(engine.createReview(cliCaller(), name, PimKind::DirectoryRole, Reader, {approver}, 1, false).ok());
    }
    bool moved = false;
    m_db->run(QStringLiteral("UPDATE review_instances SET end_at = ?"), {toSqlTime(past.now().plusSeconds(600))}, &moved);
    QVERIFY(moved);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM review_instances WHERE status = 'InProgress'")), qint64(2));
    // Three instances, each running its scheduler every second from the start.
    QVERIFY(startInstances(3));
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT COUNT(*) FROM assignments WHERE state <> 'Ended'")), qint64(0), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT COUNT(*) FROM review_instances WHERE status = 'InProgress'")), qint64(0),
                              30000);
    QTest::qWait(2500); // every scheduler has had more turns: none may act again
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Access review ended'")), qint64(2));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Remove member from role (PIM activation expired)'")),
             qint64(Users));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Add member to role completed (PIM activation)' "
                                  "AND result_reason = 'Scheduled start reached'")),
             scheduled);
    QByteArray output;
    QVERIFY2(auditVerifies(&output), output.constData());
}

void TestMultiInstance::tokensAndThrottlingAreShared()
{
    seed();
    QVERIFY(startInstances(2));
    // A token from one instance works on the other, and signing out on one revokes it on both.
    const QString t = signIn(QStringLiteral("user0"), 0);
    QVERIFY(!t.isEmpty());
    ApiClient first(base(0));
    ApiClient second(base(1));
    QCOMPARE(second.get(QStringLiteral("/v1.0/me"), t).status, 200);
    QCOMPARE(first.get(QStringLiteral("/v1.0/me"), t).status, 200);

    // Wrong passwords spread over both instances count together: after three in a row (the
    // default delayAfterFailures) the right password is held back on either instance.
    for (int i = 0; i < 3; ++i) {
        ApiClient api(base(i % 2));
        QVERIFY(api.signIn(QStringLiteral("user1"), QStringLiteral("wrong password")).isEmpty());
    }
    QCOMPARE(count(QStringLiteral("SELECT MAX(failures) FROM login_throttle")), qint64(3));
    QVERIFY(signIn(QStringLiteral("user1"), 1).isEmpty());
    QVERIFY(signIn(QStringLiteral("user1"), 0).isEmpty());
}

void TestMultiInstance::dbCopyMovesAnOrganisation()
{
    // An organisation that grew up on SQLite: accounts, eligibilities, activations, audit.
    const QString sqliteUrl = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("grown.db"));
    QFile::remove(m_dir.filePath(QStringLiteral("grown.db")));
    QStringList userIds;
    {
        Database source;
        QString error;
        QVERIFY2(source.open(sqliteUrl, &error), qPrintable(error));
        SystemClock clock;
        IdentitySettings cheap;
        cheap.passwordHashing.memoryKiB = 8 * 1024;
        cheap.passwordHashing.iterations = 1;
        IdentityService identity(source, clock, cheap);
        Engine engine(source, clock, Engine::Options{});
        QVERIFY(engine.ensureBuiltInRoles() >= 0);
        for (int i = 0; i < 3; ++i) {
            userIds << identity.addUser(QStringLiteral("user%1").arg(i), QStringLiteral("User %1").arg(i), Password, false, false);
            QVERIFY(engine.addEligibility(cliCaller(), PimKind::DirectoryRole, userIds.last(), Reader, QStringLiteral("/"), {}, {}));
            Caller user;
            user.userId = userIds.last();
            ScheduleRequest r;
            r.action = RequestAction::SelfActivate;
            r.principalId = user.userId;
            r.roleDefinitionId = Reader;
            r.directoryScopeId = QStringLiteral("/");
            r.justification = QStringLiteral("before the move: caf\u00e9 \u2713");
            ScheduleInfo info;
            info.expiration.type = ExpirationType::AfterDuration;
            info.expiration.duration = IsoDuration::fromMinutes(60);
            r.scheduleInfo = info;
            QVERIFY(engine.submit(user, r).ok());
        }
    }
    QProcess copy;
    copy.start(QStringLiteral(ELEVATED_BINARY), {QStringLiteral("db"), QStringLiteral("copy"), QStringLiteral("--from"), sqliteUrl,
                                                 QStringLiteral("--to"), m_url, QStringLiteral("--config"), m_config});
    QVERIFY(copy.waitForFinished(60000));
    const QByteArray said = copy.readAllStandardOutput() + copy.readAllStandardError();
    QVERIFY2(copy.exitCode() == 0, said.constData());
    QVERIFY2(said.contains("audit chain verified"), said.constData());

    Database source;
    QString error;
    QVERIFY2(source.open(sqliteUrl, &error), qPrintable(error));
    for (const QString& table : {QStringLiteral("users"), QStringLiteral("requests"), QStringLiteral("assignments"),
                                 QStringLiteral("audit_events"), QStringLiteral("role_definitions"), QStringLiteral("eligibilities")}) {
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)),
                 source.scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toLongLong());
    }
    QCOMPARE(m_db->scalar(QStringLiteral("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1")),
             source.scalar(QStringLiteral("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1")));
    // NULLs stay NULL.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM users WHERE totp_secret IS NULL")),
             source.scalar(QStringLiteral("SELECT COUNT(*) FROM users WHERE totp_secret IS NULL")).toLongLong());

    // A second copy into the now full database is refused and changes nothing.
    QProcess again;
    again.start(QStringLiteral(ELEVATED_BINARY), {QStringLiteral("db"), QStringLiteral("copy"), QStringLiteral("--from"), sqliteUrl,
                                                  QStringLiteral("--to"), m_url, QStringLiteral("--config"), m_config});
    QVERIFY(again.waitForFinished(60000));
    QVERIFY(again.exitCode() != 0);

    // The organisation carries on from PostgreSQL: same passwords, same activations.
    QVERIFY(startInstances(2));
    const QString t = signIn(QStringLiteral("user1"), 1);
    QVERIFY(!t.isEmpty());
    ApiClient api(base(0));
    const ApiResponse mine = api.get(QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/"
                                                    "filterByCurrentUser(on='principal')"),
                                     t);
    QCOMPARE(mine.status, 200);
    QCOMPARE(mine.json.value(QStringLiteral("value")).toArray().size(), 1);
    QByteArray output;
    QVERIFY2(auditVerifies(&output), output.constData());
}

void TestMultiInstance::rateLimitIsShared()
{
    seed();
    // A burst of 4 and one token per 100 s: no refill while the test runs.
    QVERIFY(startInstances(3, {QStringLiteral("--rate-limit"), QStringLiteral("0.01"), QStringLiteral("--rate-burst"),
                               QStringLiteral("4")}));
    int allowed = 0;
    int limited = 0;
    for (int i = 0; i < 9; ++i) {
        // Unauthenticated: the bucket is the client address's, the same on every instance.
        ApiClient api(base(i % 3));
        const ApiResponse r = api.get(QStringLiteral("/v1.0/me"), QStringLiteral("not-a-token"));
        if (r.status == 429) {
            ++limited;
            QVERIFY(r.header("Retry-After").toInt() >= 1);
        } else {
            QCOMPARE(r.status, 401);
            ++allowed;
        }
    }
    // One limit across the three instances, not three.
    QCOMPARE(allowed, 4);
    QCOMPARE(limited, 5);
}

QTEST_MAIN(TestMultiInstance)
#include "TestMultiInstance.moc"
