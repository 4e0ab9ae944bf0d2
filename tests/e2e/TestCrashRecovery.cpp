// kill -9 of a real elevated process in the middle of a load, at each durability (full and
// normal): after a restart the database is consistent, the audit chain verifies, no request is
// half-applied, and every request that was answered 201 is there with its audit records.
#include "ApiClient.h"

#include "Clock.h"
#include "Database.h"
#include "Engine.h"
#include "IdentityService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QProcess>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString Password = QStringLiteral("correct horse battery");
const QString Requests = QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests");
constexpr int Users = 6;

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QJsonObject request(const char* action)
{
    QJsonObject body{{QStringLiteral("action"), QString::fromLatin1(action)},
                     {QStringLiteral("roleDefinitionId"), Reader},
                     {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                     {QStringLiteral("justification"), QStringLiteral("load")}};
    if (QByteArrayView(action) == "selfActivate") {
        body.insert(QStringLiteral("scheduleInfo"),
                    QJsonObject{{QStringLiteral("expiration"), QJsonObject{{QStringLiteral("type"), QStringLiteral("afterDuration")},
                                                                           {QStringLiteral("duration"), QStringLiteral("PT1H")}}}});
    }
    return body;
}

} // namespace

class TestCrashRecovery final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void killDuringLoadLeavesNothingHalfApplied_data();
    void killDuringLoadLeavesNothingHalfApplied();

private:
    void seed();
    bool startServer();
    void stopServer(bool kill);

    QTemporaryDir m_dir;
    QString m_database;
    QString m_durability;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_server;
};

void TestCrashRecovery::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestCrashRecovery::seed()
{
    Database db;
    QString error;
    QVERIFY2(db.open(m_database, &error), qPrintable(error));
    SystemClock clock;
    IdentitySettings cheap;
    cheap.passwordHashing.memoryKiB = 8 * 1024;
    cheap.passwordHashing.iterations = 1;
    IdentityService identity(db, clock, cheap);
    Engine engine(db, clock, Engine::Options{});
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    QVERIFY(engine.addRoleDefinition(cli, RoleDefinition{Reader, QStringLiteral("Directory Readers"), {}, true, true, Reader, {}, {}, {}}));
    for (int i = 0; i < Users; ++i) {
        const QString id = identity.addUser(QStringLiteral("user%1").arg(i), QStringLiteral("User %1").arg(i), Password, false, false);
        QVERIFY(!id.isEmpty());
        QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, id, Reader, QStringLiteral("/"), {}, {}));
    }
}

bool TestCrashRecovery::startServer()
{
    m_port = freePort();
    m_server = std::make_unique<QProcess>();
    m_server->setProgram(QStringLiteral(ELEVATED_BINARY));
    m_server->setArguments({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_port), QStringLiteral("--database"),
                            m_database, QStringLiteral("--min-active-seconds"), QStringLiteral("0"), QStringLiteral("--rate-limit"),
                            QStringLiteral("0"), QStringLiteral("--durability"), m_durability});
    m_server->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_server->start();
    if (!m_server->waitForStarted(10000)) {
        return false;
    }
    // Ready when it answers.
    ApiClient probe(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)));
    for (int i = 0; i < 100; ++i) {
        if (probe.get(QStringLiteral("/healthz"), QString()).status == 200) {
            return true;
        }
        QTest::qWait(50);
    }
    return false;
}

void TestCrashRecovery::stopServer(bool kill)
{
    if (!m_server) {
        return;
    }
    if (kill) {
        m_server->kill(); // SIGKILL: no chance to finish anything
    } else {
        m_server->terminate();
    }
    m_server->waitForFinished(10000);
    m_server.reset();
}

void TestCrashRecovery::cleanup()
{
    stopServer(true);
}

void TestCrashRecovery::killDuringLoadLeavesNothingHalfApplied_data()
{
    QTest::addColumn<QString>("durability");
    QTest::newRow("full") << QStringLiteral("full");
    QTest::newRow("normal") << QStringLiteral("normal");
}

void TestCrashRecovery::killDuringLoadLeavesNothingHalfApplied()
{
    QFETCH(QString, durability);
    m_durability = durability;
    m_database = QStringLiteral("sqlite:") + m_dir.filePath(durability + QStringLiteral(".db"));
    seed();
    if (QTest::currentTestFailed()) {
        return;
    }
    QVERIFY(startServer());
    const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
    ApiClient api(base);
    QStringList tokens;
    for (int i = 0; i < Users; ++i) {
        tokens << api.signIn(QStringLiteral("user%1").arg(i), Password);
        QVERIFY(!tokens.last().isEmpty());
    }

    // Every user toggles the role as fast as the server answers, activate and deactivate sent
    // together, until the process is killed.
    QNetworkAccessManager nam;
    int answered = 0;
    int unexpected = 0;
    QSet<QString> acknowledged; // the ids of the requests answered 201
    bool stopping = false;
    std::function<void(int)> fire = [&](int user) {
        if (stopping) {
            return;
        }
        for (const char* action : {"selfActivate", "selfDeactivate"}) {
            QNetworkRequest r(QUrl(base.toString() + Requests));
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            r.setRawHeader("Authorization", "Bearer " + tokens.at(user).toUtf8());
            QNetworkReply* reply = nam.post(r, QJsonDocument(request(action)).toJson(QJsonDocument::Compact));
            const bool last = QByteArrayView(action) == "selfDeactivate";
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, user, last] {
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                if (status == 201 || status == 400) {
                    ++answered;
                    if (status == 201) {
                        acknowledged.insert(QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("id")).toString());
                    }
                } else if (status != 0) {
                    ++unexpected;
                }
                reply->deleteLater();
                if (last) {
                    fire(user);
                }
            });
        }
    };
    for (int i = 0; i < Users; ++i) {
        fire(i);
    }
    QTRY_VERIFY_WITH_TIMEOUT(answered > 300, 30000);
    stopServer(true);
    stopping = true;
    QTest::qWait(100);
    QCOMPARE(unexpected, 0);

    // Restart on the same file: the chain verifies and every request is whole.
    QProcess verify;
    verify.start(QStringLiteral(ELEVATED_BINARY), {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), m_database});
    QVERIFY(verify.waitForFinished(30000));
    QVERIFY2(verify.exitCode() == 0, verify.readAllStandardOutput().constData());

    Database db;
    QString error;
    QVERIFY2(db.open(m_database, &error), qPrintable(error));
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    // Every granted request has its assignment, and every request its audit record.
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM requests r WHERE r.status IN ('Provisioned','Revoked') AND NOT EXISTS "
                                      "(SELECT 1 FROM assignments a WHERE a.id = r.target_schedule_id)"))
                 .toLongLong(),
             qint64(0));
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE "
                                      "e.correlation_id = r.correlation_id)"))
                 .toLongLong(),
             qint64(0));
    // No one holds the role twice, and every activation is accounted for.
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM (SELECT principal_id FROM assignments WHERE state = 'Active' GROUP BY "
                                      "principal_id HAVING COUNT(*) > 1)"))
                 .toLongLong(),
             qint64(0));
    const qint64 activations = db.scalar(QStringLiteral("SELECT COUNT(*) FROM requests WHERE action = 'selfActivate' AND status = "
                                                        "'Provisioned'")).toLongLong();
    const qint64 completed = db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Add member to role "
                                                      "completed (PIM activation)'")).toLongLong();
    QCOMPARE(completed, activations);
    QVERIFY(activations > 50);
    // Nothing acknowledged is lost: each request answered 201 is stored, with its audit records.
    QVERIFY(acknowledged.size() > 50);
    qint64 found = 0;
    qint64 recorded = 0;
    for (const QString& id : std::as_const(acknowledged)) {
        found += db.scalar(QStringLiteral("SELECT COUNT(*) FROM requests WHERE id = ?"), {id}).toLongLong();
        recorded += db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE correlation_id = ?"), {id}).toLongLong() == 2;
    }
    QCOMPARE(found, qint64(acknowledged.size()));
    QCOMPARE(recorded, qint64(acknowledged.size()));
    db.close();

    QVERIFY(startServer());
    ApiClient again(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)));
    const ApiResponse me = again.get(QStringLiteral("/v1.0/me"), tokens.first());
    QCOMPARE(me.status, 200);
    stopServer(false);
}

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "TestCrashRecovery.moc"
