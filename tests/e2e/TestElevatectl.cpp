// End-to-end: the elevatectl binary (QProcess) against a real elevated on 127.0.0.1 and against
// the fake Microsoft Graph, with a real Secret Service (ctest runs this in dbus-run-session with
// an unlocked gnome-keyring). Every command, its exit code, --json, and a final check that no
// token string appears in anything the process wrote.
#include "ApiClient.h"

#include "../network/FakeEntra.h"

#include "Database.h"
#include "Engine.h"
#include "IdentityService.h"
#include "ProfileStore.h"
#include "ServerApp.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <qt6keychain/keychain.h>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
const QString Password = QStringLiteral("correct horse battery");

struct Run
{
    int code = -1;
    QString out;
    QString err;
    QJsonDocument json() const { return QJsonDocument::fromJson(out.toUtf8()); }
};

} // namespace

class TestElevatectl final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void helpAndUsageErrors();
    void profiles();
    void whoamiAndRoles();
    void preflightExplainsAndExitsOne();
    void activateAndDeactivate();
    void approvalBySecondPersonasWithWait();
    void denyAndCancel();
    void accessReview();
    void extend();
    void audit();
    void syncOutboxOfflineAndArchive();
    void unreachableAndSignedOut();
    void withoutAKeychainTheSignInLastsOneCommand();
    void entraProfileDoesTheSameJobs();
    void browserSignInWithPkce();
    void noTokenInAnythingWritten();

private:
    Run ctl(const QStringList& args, const QProcessEnvironment& extra = {}, std::function<void(QProcess&, const QString& out)> onOutput = {});
    Run login(const QString& profile, const QString& user, const QProcessEnvironment& extra = {});
    QString idOfLast(const Run& r) const;

    QTemporaryDir m_dir;
    QTemporaryDir m_config;
    std::unique_ptr<ServerApp> m_server;
    std::unique_ptr<ApiClient> m_api;
    QHash<QString, QString> m_ids;
    Caller m_admin;
    QStringList m_transcript;
    FakeEntra m_fake;
};

Run TestElevatectl::ctl(const QStringList& args, const QProcessEnvironment& extra, std::function<void(QProcess&, const QString&)> onOutput)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_config.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    for (const QString& key : extra.keys()) {
        env.insert(key, extra.value(key));
    }
    process.setProcessEnvironment(env);
    Run run;
    QObject::connect(&process, &QProcess::readyReadStandardError, [&] {
        run.err += QString::fromUtf8(process.readAllStandardError());
        if (onOutput) {
            onOutput(process, run.out + run.err);
        }
    });
    QObject::connect(&process, &QProcess::readyReadStandardOutput, [&] {
        run.out += QString::fromUtf8(process.readAllStandardOutput());
        if (onOutput) {
            onOutput(process, run.out + run.err);
        }
    });
    bool done = false;
    QObject::connect(&process, &QProcess::finished, [&done] { done = true; });
    process.start(QStringLiteral(ELEVATECTL_BINARY), args);
    // The server lives in this process: wait with the event loop running, never block it.
    if (!QTest::qWaitFor([&done] { return done; }, 90000)) {
        process.kill();
        process.waitForFinished();
    }
    run.out += QString::fromUtf8(process.readAllStandardOutput());
    run.err += QString::fromUtf8(process.readAllStandardError());
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    m_transcript << args.join(u' ') << run.out << run.err;
    return run;
}

Run TestElevatectl::login(const QString& profile, const QString& user, const QProcessEnvironment& extra)
{
    bool approved = false;
    return ctl({QStringLiteral("--profile"), profile, QStringLiteral("login"), QStringLiteral("--device-code")}, extra,
               [this, user, &approved](QProcess&, const QString& text) {
                   static const QRegularExpression code(QStringLiteral("enter the code ([A-Z0-9-]+)"));
                   const QRegularExpressionMatch m = code.match(text);
                   if (approved || !m.hasMatch()) {
                       return;
                   }
                   approved = true;
                   QUrlQuery form;
                   form.addQueryItem(QStringLiteral("user_code"), m.captured(1));
                   form.addQueryItem(QStringLiteral("username"), user);
                   form.addQueryItem(QStringLiteral("password"), Password);
                   form.addQueryItem(QStringLiteral("action"), QStringLiteral("approve"));
                   m_api->form(QStringLiteral("/organizations/oauth2/v2.0/deviceauth"), form);
               });
}

QString TestElevatectl::idOfLast(const Run& r) const
{
    static const QRegularExpression id(QStringLiteral("\\(request ([0-9a-f-]{36})\\)"));
    return id.match(r.out).captured(1);
}

void TestElevatectl::initTestCase()
{
    QVERIFY(m_dir.isValid() && m_config.isValid());
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run through ctest: it provides the Secret Service");
    m_server = std::make_unique<ServerApp>();
    ServerConfig config;
    config.listen = QStringLiteral("127.0.0.1:0");
    config.database = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("elevated.db"));
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 0;
    config.minimumActiveSeconds = 0;
    QString error;
    QVERIFY2(m_server->start(config, &error), qPrintable(error));
    m_api = std::make_unique<ApiClient>(m_server->baseUrl());
    for (const auto& [name, auditor] : {std::pair{"auditor", true}, std::pair{"alice", false}, std::pair{"bob", false},
                                        std::pair{"carol", false}, std::pair{"dave", false}, std::pair{"erin", false}}) {
        const QString user = QString::fromLatin1(name);
        m_ids.insert(user, m_server->identity().addUser(user, user.toUpper(), Password, false, auditor));
        QVERIFY(!m_ids.value(user).isEmpty());
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
    for (const char* who : {"alice", "bob"}) {
        QVERIFY(engine.addEligibility(m_admin, PimKind::DirectoryRole, m_ids.value(QString::fromLatin1(who)), Reader, QStringLiteral("/"), {}, {}));
    }
    QVERIFY(engine.addEligibility(m_admin, PimKind::DirectoryRole, m_ids.value(QStringLiteral("alice")), GlobalAdmin, QStringLiteral("/"), {}, {}));

    const QString url = m_server->baseUrl().toString();
    for (const QString& name : {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"), QStringLiteral("dave"),
                                QStringLiteral("auditor")}) {
        QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("add"), name, QStringLiteral("--elevated"), url}).code, 0);
        const Run r = login(name, name);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("Signed in as ") + name.toUpper()), qPrintable(r.out));
        QVERIFY2(!r.err.contains(QStringLiteral("no keychain")), qPrintable(r.err));
    }
    QVERIFY(m_fake.start() > 0);
}

void TestElevatectl::cleanupTestCase()
{
    m_api.reset();
    m_server.reset();
}

void TestElevatectl::helpAndUsageErrors()
{
    Run r = ctl({QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    for (const char* command : {"activate ROLE...", "approve ID...", "accept-recommendations REVIEW", "audit", "Exit codes"}) {
        QVERIFY2(r.out.contains(QString::fromLatin1(command)), command);
    }
    r = ctl({QStringLiteral("audit"), QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QStringLiteral("--since TIME")));
    QCOMPARE(ctl({}).code, 2);
    QCOMPARE(ctl({QStringLiteral("bogus")}).code, 2);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate")}).code, 2);
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), QStringLiteral("X"), QStringLiteral("--duration"),
             QStringLiteral("banana")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(QStringLiteral("--duration")));
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("bob"), QStringLiteral("deny"), QStringLiteral("some-id")}).code, 2);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("nope"), QStringLiteral("roles")}).code, 2);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("roles"), QStringLiteral("--no-such-option")}).code, 2);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), QStringLiteral("Nope"),
                  QStringLiteral("--justification"), QStringLiteral("x")}).code,
             2); // not eligible: a usage error, nothing was refused
}

void TestElevatectl::profiles()
{
    Run r = ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("lan"), QStringLiteral("--elevated"),
                 QStringLiteral("http://192.168.10.10:8400")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(QStringLiteral("https")));
    r = ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("gov"), QStringLiteral("--entra"), QStringLiteral("contoso.us"),
             QStringLiteral("--cloud"), QStringLiteral("usgov-dod")});
    QCOMPARE(r.code, 0);
    r = ctl({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    bool found = false;
    for (const QJsonValue& v : r.json().array()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("name")).toString() == u"gov") {
            found = true;
            QCOMPARE(o.value(QStringLiteral("graph")).toString(), QStringLiteral("https://dod-graph.microsoft.us"));
            QCOMPARE(o.value(QStringLiteral("authority")).toString(), QStringLiteral("https://login.microsoftonline.us"));
            QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("entra"));
        }
    }
    QVERIFY(found);
    QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("use"), QStringLiteral("alice")}).code, 0);
    r = ctl({QStringLiteral("profile"), QStringLiteral("list")});
    QVERIFY(r.out.contains(QRegularExpression(QStringLiteral("\\*\\s+alice"))));
    QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("gov")}).code, 0);
    QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("gov")}).code, 2);
}

void TestElevatectl::whoamiAndRoles()
{
    Run r = ctl({QStringLiteral("whoami"), QStringLiteral("--json")}); // alice is the current profile
    QCOMPARE(r.code, 0);
    QJsonObject me = r.json().object();
    QCOMPARE(me.value(QStringLiteral("id")).toString(), m_ids.value(QStringLiteral("alice")));
    QCOMPARE(me.value(QStringLiteral("sessionOnly")).toBool(), false);
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("roles"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonArray roles = r.json().array();
    QCOMPARE(roles.size(), 2);
    for (const QJsonValue& v : roles) {
        const QJsonObject o = v.toObject();
        for (const char* key : {"name", "id", "kind", "eligible", "eligibleUntil", "active", "activeUntil"}) {
            QVERIFY2(o.contains(QString::fromLatin1(key)), key);
        }
    }
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("roles")});
    QVERIFY(r.out.startsWith(QStringLiteral("role ")));
    QVERIFY(r.out.contains(QStringLiteral("Global Administrator")));
    QVERIFY(r.out.contains(QStringLiteral("eligible")));
}

void TestElevatectl::preflightExplainsAndExitsOne()
{
    const Run r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), QStringLiteral("Global Administrator"),
                       QStringLiteral("--duration"), QStringLiteral("3h")});
    QCOMPARE(r.code, 1);
    for (const char* text : {"ExpirationRule", "at most 2 h", "JustificationRule", "TicketingRule"}) {
        QVERIFY2(r.err.contains(QString::fromLatin1(text)), qPrintable(r.err));
    }
}

void TestElevatectl::activateAndDeactivate()
{
    Run r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), QStringLiteral("Directory Readers"),
                 QStringLiteral("--duration"), QStringLiteral("1h30m"), QStringLiteral("--justification"), QStringLiteral("INC-7")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QStringLiteral("Provisioned")));
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("roles")});
    const QString line = r.out.split(u'\n').filter(QStringLiteral("Directory Readers")).value(0);
    QVERIFY2(line.contains(QStringLiteral("active")), qPrintable(r.out));
    QVERIFY2(line.contains(QRegularExpression(QStringLiteral("1 h (29|30) min left"))), qPrintable(line));
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), QStringLiteral("Directory Readers"),
             QStringLiteral("--justification"), QStringLiteral("again")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(QStringLiteral("already active")));
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("deactivate"), Reader});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("deactivate"), Reader}).code, 2);
}

void TestElevatectl::approvalBySecondPersonasWithWait()
{
    // alice asks and waits; bob and carol approve while she waits.
    QProcess waiting;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
    waiting.setProcessEnvironment(env);
    QString waitOut;
    QObject::connect(&waiting, &QProcess::readyReadStandardOutput, [&] { waitOut += QString::fromUtf8(waiting.readAllStandardOutput()); });
    bool done = false;
    QObject::connect(&waiting, &QProcess::finished, [&done] { done = true; });
    waiting.start(QStringLiteral(ELEVATECTL_BINARY),
                  {QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), QStringLiteral("Global Administrator"),
                   QStringLiteral("--duration"), QStringLiteral("2h"), QStringLiteral("--justification"), QStringLiteral("Rotate keys"),
                   QStringLiteral("--ticket"), QStringLiteral("Jira:CHG-9"), QStringLiteral("--wait")});
    QVERIFY(QTest::qWaitFor([&waitOut] { return waitOut.contains(QStringLiteral("waiting for approval")); }, 60000));
    static const QRegularExpression idPattern(QStringLiteral("\\(request ([0-9a-f-]{36})\\)"));
    const QString id = idPattern.match(waitOut).captured(1);
    QVERIFY2(!id.isEmpty(), qPrintable(waitOut));

    Run inbox = ctl({QStringLiteral("--profile"), QStringLiteral("bob"), QStringLiteral("approvals"), QStringLiteral("--json")});
    QCOMPARE(inbox.code, 0);
    const QJsonArray items = inbox.json().array();
    QCOMPARE(items.size(), 1);
    const QJsonObject item = items.first().toObject();
    QCOMPARE(item.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(item.value(QStringLiteral("principal")).toString(), QStringLiteral("ALICE"));
    QCOMPARE(item.value(QStringLiteral("ticketNumber")).toString(), QStringLiteral("CHG-9"));
    QCOMPARE(item.value(QStringLiteral("duration")).toString(), QStringLiteral("PT2H"));
    inbox = ctl({QStringLiteral("--profile"), QStringLiteral("bob"), QStringLiteral("approvals")});
    QVERIFY(inbox.out.contains(QStringLiteral("Jira:CHG-9")));
    QVERIFY(inbox.out.contains(QStringLiteral("2 h")));

    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("approve"), id}).code, 1); // not her own
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("bob"), QStringLiteral("approve"), id, QStringLiteral("--reason"), QStringLiteral("CAB ok")}).code, 0);
    QVERIFY(!done);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("approve"), id}).code, 0);
    QVERIFY(QTest::qWaitFor([&done] { return done; }, 60000));
    QCOMPARE(waiting.exitCode(), 0);
    QVERIFY2(waitOut.contains(QStringLiteral("Provisioned")), qPrintable(waitOut));
    const Run late = ctl({QStringLiteral("--profile"), QStringLiteral("dave"), QStringLiteral("approve"), id});
    QCOMPARE(late.code, 1);

    const Run mine = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("requests"), QStringLiteral("--json")});
    QCOMPARE(mine.code, 0);
    bool provisioned = false;
    for (const QJsonValue& v : mine.json().array()) {
        provisioned = provisioned || (v.toObject().value(QStringLiteral("id")).toString() == id
                                      && v.toObject().value(QStringLiteral("status")).toString() == u"Provisioned");
    }
    QVERIFY(provisioned);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("deactivate"), QStringLiteral("Global Administrator")}).code, 0);
}

void TestElevatectl::denyAndCancel()
{
    const QStringList ask{QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("activate"), GlobalAdmin,
                          QStringLiteral("--duration"), QStringLiteral("30m"), QStringLiteral("--justification"), QStringLiteral("Try"),
                          QStringLiteral("--ticket"), QStringLiteral("Jira:CHG-10")};
    Run r = ctl(ask);
    QCOMPARE(r.code, 0);
    const QString denied = idOfLast(r);
    QVERIFY(!denied.isEmpty());
    r = ctl({QStringLiteral("--profile"), QStringLiteral("dave"), QStringLiteral("deny"), denied, QStringLiteral("--reason"), QStringLiteral("No change window")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QStringLiteral("denied")));
    r = ctl(ask);
    QCOMPARE(r.code, 0);
    const QString canceled = idOfLast(r);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("cancel"), canceled}).code, 0);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("cancel"), canceled}).code, 1);
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("requests"), QStringLiteral("--json")});
    QHash<QString, QString> status;
    for (const QJsonValue& v : r.json().array()) {
        status.insert(v.toObject().value(QStringLiteral("id")).toString(), v.toObject().value(QStringLiteral("status")).toString());
    }
    QCOMPARE(status.value(denied), QStringLiteral("Denied"));
    QCOMPARE(status.value(canceled), QStringLiteral("Canceled"));
    r = ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("requests")});
    QVERIFY(r.out.contains(QStringLiteral("Denied")));
    QVERIFY(r.out.contains(QStringLiteral("30 min")));
}

void TestElevatectl::accessReview()
{
    const auto def = m_server->engine().createReview(m_admin, QStringLiteral("Readers Q1"), PimKind::DirectoryRole, Reader,
                                                     {m_ids.value(QStringLiteral("carol"))}, 7, true);
    QVERIFY(def.ok());
    Run r = ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("reviews"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().array().size(), 1);
    QCOMPARE(r.json().array().first().toObject().value(QStringLiteral("pending")).toInt(), 2);
    r = ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("decisions"), QStringLiteral("Readers Q1"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonArray decisions = r.json().array();
    QCOMPARE(decisions.size(), 2);
    const QString first = decisions.first().toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("decide"), first, QStringLiteral("maybe")}).code, 2);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("decide"), first, QStringLiteral("approve")}).code, 1); // reason required
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("decide"), first, QStringLiteral("approve"),
                  QStringLiteral("--reason"), QStringLiteral("On call")}).code,
             0);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("dave"), QStringLiteral("decide"), first, QStringLiteral("deny")}).code, 2);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("accept-recommendations"), def->id}).code, 0);
    r = ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("decisions"), def->id, QStringLiteral("--json")});
    for (const QJsonValue& v : r.json().array()) {
        QVERIFY(v.toObject().value(QStringLiteral("decision")).toString() != u"NotReviewed");
    }
    r = ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("reviews")});
    QVERIFY(r.out.contains(QStringLiteral("Readers Q1")));
    QVERIFY(r.out.contains(QStringLiteral("left")));
}

void TestElevatectl::extend()
{
    ScheduleRequest assign;
    assign.action = RequestAction::AdminAssign;
    assign.principalId = m_ids.value(QStringLiteral("carol"));
    assign.roleDefinitionId = Reader;
    assign.directoryScopeId = QStringLiteral("/");
    assign.justification = QStringLiteral("Cover");
    ScheduleInfo schedule;
    schedule.expiration.type = ExpirationType::AfterDuration;
    schedule.expiration.duration = IsoDuration::fromHours(1);
    assign.scheduleInfo = schedule;
    QVERIFY(m_server->engine().submit(m_admin, assign).ok());
    Run r = ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("extend"), QStringLiteral("Directory Readers"),
                 QStringLiteral("--duration"), QStringLiteral("2h"), QStringLiteral("--justification"), QStringLiteral("Still covering"),
                 QStringLiteral("--json")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(r.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("PendingAdminDecision"));
    QCOMPARE(r.json().object().value(QStringLiteral("action")).toString(), QStringLiteral("selfExtend"));
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("carol"), QStringLiteral("extend"), QStringLiteral("Nothing")}).code, 2);
}

void TestElevatectl::audit()
{
    Run r = ctl({QStringLiteral("--profile"), QStringLiteral("auditor"), QStringLiteral("audit"), QStringLiteral("--activity"),
                 QStringLiteral("Add member to role"), QStringLiteral("--limit"), QStringLiteral("3"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonArray events = r.json().array();
    QCOMPARE(events.size(), 3);
    for (const QJsonValue& v : events) {
        const QJsonObject o = v.toObject();
        QVERIFY(o.value(QStringLiteral("activity")).toString().startsWith(QStringLiteral("Add member to role")));
        for (const char* key : {"id", "time", "category", "result", "actor", "targets", "reason", "correlationId"}) {
            QVERIFY2(o.contains(QString::fromLatin1(key)), key);
        }
    }
    r = ctl({QStringLiteral("--profile"), QStringLiteral("auditor"), QStringLiteral("audit"), QStringLiteral("--actor"), QStringLiteral("DAVE"),
             QStringLiteral("--text"), QStringLiteral("No change window")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("DAVE")), qPrintable(r.out));
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("alice"), QStringLiteral("audit")}).code, 1); // requesters may not read it
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("auditor"), QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("0")}).code, 2);
}

void TestElevatectl::syncOutboxOfflineAndArchive()
{
    const QStringList alice{QStringLiteral("--profile"), QStringLiteral("alice")};
    Run r = ctl(alice + QStringList{QStringLiteral("sync")});
    QVERIFY2(r.code == 1 || r.code == 0, qPrintable(r.out + r.err)); // alice may not read the audit log: reported
    QVERIFY2(r.out.contains(QStringLiteral("Connection: online")), qPrintable(r.out));
    // Listings answer from the cache with its age, without the server.
    r = ctl(alice + QStringList{QStringLiteral("roles"), QStringLiteral("--offline")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains(QStringLiteral("from the offline cache")), qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("Directory Readers")), qPrintable(r.out));
    r = ctl(alice + QStringList{QStringLiteral("outbox")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("The outbox is empty.")), qPrintable(r.out));
    QCOMPARE(ctl(alice + QStringList{QStringLiteral("outbox"), QStringLiteral("--retry"), QStringLiteral("99")}).code, 2);
    // Activations are never queued.
    r = ctl(alice + QStringList{QStringLiteral("activate"), QStringLiteral("Directory Readers"), QStringLiteral("--offline"),
                                QStringLiteral("--justification"), QStringLiteral("x")});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains(QStringLiteral("never queued")), qPrintable(r.err));

    // The auditor's archive: pulled, then exported from the cache.
    const QStringList auditor{QStringLiteral("--profile"), QStringLiteral("auditor")};
    r = ctl(auditor + QStringList{QStringLiteral("audit"), QStringLiteral("--archive"), QStringLiteral("--csv")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QStringList lines = r.out.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QVERIFY(lines.size() > 5);
    QVERIFY(lines.first().startsWith(QStringLiteral("activityDateTime,activity,result")));
    r = ctl(auditor + QStringList{QStringLiteral("audit"), QStringLiteral("--offline"), QStringLiteral("--json")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(r.json().object().value(QStringLiteral("value")).toArray().size(), lines.size() - 1);
    QVERIFY2(r.err.contains(QStringLiteral("from the offline cache")), qPrintable(r.err));
}

void TestElevatectl::unreachableAndSignedOut()
{
    QTcpServer closed; // a port nobody answers on
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("dead"), QStringLiteral("--elevated"),
                  QStringLiteral("http://127.0.0.1:%1").arg(port)}).code,
             0);
    Run r = ctl({QStringLiteral("--profile"), QStringLiteral("dead"), QStringLiteral("login"), QStringLiteral("--device-code")});
    QCOMPARE(r.code, 3);
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("dead"), QStringLiteral("roles")}).code, 4); // never signed in
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("dave"), QStringLiteral("logout")}).code, 0);
    r = ctl({QStringLiteral("--profile"), QStringLiteral("dave"), QStringLiteral("whoami")});
    QCOMPARE(r.code, 4);
    QVERIFY(r.err.contains(QStringLiteral("signed out")));
}

void TestElevatectl::withoutAKeychainTheSignInLastsOneCommand()
{
    QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("erin"), QStringLiteral("--elevated"),
                  m_server->baseUrl().toString()}).code,
             0);
    QProcessEnvironment noBus;
    noBus.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/elevate-tests"));
    noBus.insert(QStringLiteral("DISPLAY"), QString());
    const Run r = login(QStringLiteral("erin"), QStringLiteral("erin"), noBus);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("no keychain")), qPrintable(r.err));
    QCOMPARE(ctl({QStringLiteral("--profile"), QStringLiteral("erin"), QStringLiteral("whoami")}, noBus).code, 4);
}

void TestElevatectl::entraProfileDoesTheSameJobs()
{
    m_fake.deviceState = QStringLiteral("approved");
    const QString fake = m_fake.base().toString();
    QCOMPARE(ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("contoso"), QStringLiteral("--entra"),
                  QStringLiteral("contoso.onmicrosoft.com"), QStringLiteral("--authority"), fake, QStringLiteral("--graph"), fake}).code,
             0);
    const QStringList p{QStringLiteral("--profile"), QStringLiteral("contoso"), QStringLiteral("--verbose")};
    Run r = ctl(p + QStringList{QStringLiteral("login"), QStringLiteral("--device-code")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QStringLiteral("Alex Wilber")));
    r = ctl(p + QStringList{QStringLiteral("roles"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().array().size(), 3);
    QVERIFY2(r.err.contains(QStringLiteral("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances")), qPrintable(r.err)); // logging was on
    r = ctl(p + QStringList{QStringLiteral("activate"), QStringLiteral("Global Reader"), QStringLiteral("--duration"), QStringLiteral("9h")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(QStringLiteral("8 h")));
    r = ctl(p + QStringList{QStringLiteral("approvals"), QStringLiteral("--json")});
    QCOMPARE(r.json().array().size(), 2);
    QCOMPARE(ctl(p + QStringList{QStringLiteral("approve"), QString::fromLatin1(FakeEntra::PendingRequest), QString::fromLatin1(FakeEntra::PendingGroupRequest),
                                 QStringLiteral("--reason"), QStringLiteral("ok")}).code,
             0);
    QCOMPARE(m_fake.decidedSteps.size(), 2);
    QCOMPARE(ctl(p + QStringList{QStringLiteral("decide"), QStringLiteral("dec-1"), QStringLiteral("dontknow")}).code, 0);
    r = ctl(p + QStringList{QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("5"), QStringLiteral("--json")});
    QCOMPARE(r.json().array().size(), 5);
    // A refresh happened in every command (access tokens never outlive the process).
    QVERIFY(m_fake.refreshRequests >= 5);
}

void TestElevatectl::browserSignInWithPkce()
{
    // `login` without --device-code: PKCE with a listener on 127.0.0.1 and the system browser,
    // here a script that follows the redirects like a browser whose user signed in.
    QTemporaryDir bin;
    const QString script = bin.filePath(QStringLiteral("browser"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\nexec curl -s -L -o /dev/null \"$1\"\n");
    f.close();
    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QProcessEnvironment env;
    env.insert(QStringLiteral("BROWSER"), script);
    const int issuedBefore = m_fake.issued;
    const Run r = ctl({QStringLiteral("--profile"), QStringLiteral("contoso"), QStringLiteral("login")}, env);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("Opening the browser")));
    QVERIFY(r.out.contains(QStringLiteral("Signed in as Alex Wilber")));
    QCOMPARE(m_fake.issued, issuedBefore + 1); // one code exchange; /me then used the new access token
    const FakeRequest exchange = *std::find_if(m_fake.log.crbegin(), m_fake.log.crend(), [](const FakeRequest& q) {
        return q.form(QStringLiteral("grant_type")) == u"authorization_code";
    });
    QVERIFY(QUrl(exchange.form(QStringLiteral("redirect_uri"))).host() == u"127.0.0.1");
    QCOMPARE(exchange.form(QStringLiteral("code_verifier")).size(), 43);
}

void TestElevatectl::noTokenInAnythingWritten()
{
    // The secrets: every token the fake issued, its device code, and the refresh tokens of the
    // elevated profiles as the keychain holds them.
    QStringList secrets = m_fake.issuedTokens();
    secrets << QStringLiteral("DEVICE-s3cr3t");
    ProfileStore profiles(m_config.filePath(QStringLiteral("Elevate/profiles.ini")));
    int fromKeychain = 0;
    for (const QString& name : {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"), QStringLiteral("auditor"),
                                QStringLiteral("contoso")}) {
        const std::optional<Profile> p = profiles.profile(name);
        QVERIFY2(p.has_value(), qPrintable(name));
        auto* job = new QKeychain::ReadPasswordJob(QStringLiteral("Elevate"));
        job->setAutoDelete(false);
        job->setKey(QStringLiteral("refresh-token/") + p->id);
        bool done = false;
        QObject::connect(job, &QKeychain::Job::finished, [&done](QKeychain::Job*) { done = true; });
        job->start();
        QVERIFY(QTest::qWaitFor([&done] { return done; }, 20000));
        QCOMPARE(job->error(), QKeychain::NoError);
        QVERIFY(!job->textData().isEmpty());
        secrets << job->textData();
        ++fromKeychain;
        delete job;
    }
    QCOMPARE(fromKeychain, 5);
    QVERIFY(secrets.size() > 15);

    QStringList written = m_transcript;
    QDirIterator it(m_config.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        written << QString::fromUtf8(f.readAll());
        ++files;
    }
    QVERIFY(files >= 1); // profiles.ini at least
    const QString everything = written.join(u'\n');
    QVERIFY(everything.contains(QStringLiteral("contoso.onmicrosoft.com"))); // the search can find things
    for (const QString& secret : secrets) {
        QVERIFY2(!everything.contains(secret), qPrintable(QStringLiteral("a token leaked: ") + secret.left(6)));
    }
}

QTEST_GUILESS_MAIN(TestElevatectl)
#include "TestElevatectl.moc"
