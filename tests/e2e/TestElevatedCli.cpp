// The account commands of the real `elevated` binary against a temporary database: `user totp`
// prints a secret whose codes the server accepts, `user disable`, `user passwd` and
// `user signout` end every token at once, each change is audited, and serving plain HTTP off
// loopback and a bad setting (--mfa-window, --durability) are refused.
#include "ApiClient.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "TestDatabase.h"
#include "Engine.h"
#include "IdentityService.h"
#include "ServerApp.h"
#include "Totp.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestElevatedCli final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void totpEnrolmentPrintsAWorkingSecret();
    void accountChangesRevokeTokens();
    void plainHttpOffLoopbackIsRefused();

private:
    Run elevated(const QStringList& args, const QByteArray& input = {}) const;
    QString databaseUrl() const { return m_url; }
    int auditCount(Database& db, const QString& activity) const
    {
        return db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = ?"), {activity}).toInt();
    }

    QTemporaryDir m_dir;
    QString m_url; // SQLite, or a fresh PostgreSQL database in the TestElevatedCli_pg run
};

Run TestElevatedCli::elevated(const QStringList& args, const QByteArray& input) const
{
    QProcess p;
    p.start(QStringLiteral(ELEVATED_BINARY), args);
    if (!p.waitForStarted(10000)) {
        return {};
    }
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return Run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
               QString::fromUtf8(p.readAllStandardError())};
}

void TestElevatedCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    // The commands inherit PGPASSWORD from this process in the PostgreSQL run.
    m_url = TestSupport::freshDatabaseUrl(m_dir, QStringLiteral("cli"), &error);
    QVERIFY2(!m_url.isEmpty(), qPrintable(error));
    const Run added = elevated({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("zoe"),
                                QStringLiteral("--database"), databaseUrl()},
                               QByteArrayLiteral("first-password-1\n"));
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));
}

void TestElevatedCli::totpEnrolmentPrintsAWorkingSecret()
{
    const Run totp = elevated({QStringLiteral("user"), QStringLiteral("totp"), QStringLiteral("zoe"),
                               QStringLiteral("--database"), databaseUrl()});
    QVERIFY2(totp.exitCode == 0, qPrintable(totp.err));
    const QRegularExpressionMatch secretLine =
        QRegularExpression(QStringLiteral("^secret: ([A-Z2-7]{32})$"), QRegularExpression::MultilineOption).match(totp.out);
    QVERIFY2(secretLine.hasMatch(), qPrintable(totp.out));
    const QRegularExpressionMatch uriLine =
        QRegularExpression(QStringLiteral("^uri: (otpauth://\\S+)$"), QRegularExpression::MultilineOption).match(totp.out);
    QVERIFY(uriLine.hasMatch());
    const QUrl uri(uriLine.captured(1));
    QCOMPARE(QUrlQuery(uri).queryItemValue(QStringLiteral("secret")), secretLine.captured(1));
    QCOMPARE(uri.path(), QStringLiteral("/Elevate:zoe"));

    Database db;
    QString error;
    QVERIFY2(db.open(databaseUrl(), &error), qPrintable(error));
    SystemClock clock;
    IdentityService identity(db, clock);
    const QString zoe = identity.userIdForName(QStringLiteral("zoe"));
    QVERIFY(identity.hasSecondFactor(zoe));
    // The printed secret is the stored one: its current code signs Zoe in, once.
    const QByteArray secret = Totp::fromBase32(secretLine.captured(1));
    const QString code = Totp::code(secret, Totp::stepAt(clock.now().secsSinceEpoch()));
    QVERIFY(identity.verifySecondFactor(zoe, QStringLiteral("zoe"), code, QStringLiteral("192.0.2.1")).ok());
    QVERIFY(!identity.verifySecondFactor(zoe, QStringLiteral("zoe"), code, QStringLiteral("192.0.2.1")).ok());
    // The secret is the base32 text in the users row; it is nowhere in the audit log.
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE body LIKE ?"),
                       {QString(u'%' + secretLine.captured(1) + u'%')})
                 .toInt(),
             0);
    QCOMPARE(auditCount(db, QStringLiteral("Authenticator app registered")), 1);

    // A second enrolment replaces the first: the old secret's codes stop working.
    QCOMPARE(elevated({QStringLiteral("user"), QStringLiteral("totp"), QStringLiteral("zoe"), QStringLiteral("--database"),
                       databaseUrl()})
                 .exitCode,
             0);
    const QString next = Totp::code(secret, Totp::stepAt(clock.now().secsSinceEpoch()) + 1);
    QCOMPARE(identity.verifySecondFactor(zoe, QStringLiteral("zoe"), next, QStringLiteral("192.0.2.1")).reason,
             LoginResult::Reason::WrongSecondFactor);
}

void TestElevatedCli::accountChangesRevokeTokens()
{
    // The server runs on the database while the command line changes it from another process,
    // as an administrator would do it.
    ServerApp server;
    ServerConfig config;
    config.listen = QStringLiteral("127.0.0.1:0");
    config.database = databaseUrl();
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 0;
    QString error;
    QVERIFY2(server.start(config, &error), qPrintable(error));
    ApiClient api(server.baseUrl());
    auto command = [&](const QString& action, const QByteArray& input = {}) {
        return elevated({QStringLiteral("user"), action, QStringLiteral("yann"), QStringLiteral("--database"), databaseUrl()},
                        input);
    };
    QCOMPARE(command(QStringLiteral("add"), QByteArrayLiteral("first-password-1\n")).exitCode, 0);
    auto me = [&](const QString& token) { return api.get(QStringLiteral("/v1.0/me"), token).status; };

    QString token = api.signIn(QStringLiteral("yann"), QStringLiteral("first-password-1"));
    QVERIFY(!token.isEmpty());
    QCOMPARE(me(token), 200);
    Run r = command(QStringLiteral("disable"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(me(token), 401);
    QVERIFY(api.signIn(QStringLiteral("yann"), QStringLiteral("first-password-1")).isEmpty());
    QCOMPARE(command(QStringLiteral("enable")).exitCode, 0);

    token = api.signIn(QStringLiteral("yann"), QStringLiteral("first-password-1"));
    QCOMPARE(me(token), 200);
    r = command(QStringLiteral("passwd"), QByteArrayLiteral("second-password-2\n"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(me(token), 401);
    QVERIFY(api.signIn(QStringLiteral("yann"), QStringLiteral("first-password-1")).isEmpty());
    token = api.signIn(QStringLiteral("yann"), QStringLiteral("second-password-2"));
    QCOMPARE(me(token), 200);

    QCOMPARE(command(QStringLiteral("signout")).exitCode, 0);
    QCOMPARE(me(token), 401);

    // Refused: a password too short, a user who does not exist.
    QVERIFY(command(QStringLiteral("passwd"), QByteArrayLiteral("short\n")).exitCode != 0);
    const Run unknown = elevated({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("nobody"),
                                  QStringLiteral("--database"), databaseUrl()});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY(unknown.err.contains(QStringLiteral("no such user")));

    // The server still writes after the other process's commits.
    QVERIFY(!api.signIn(QStringLiteral("yann"), QStringLiteral("second-password-2")).isEmpty());
    Database& db = server.database();
    QCOMPARE(auditCount(db, QStringLiteral("User disabled: sessions revoked")), 1);
    QCOMPARE(auditCount(db, QStringLiteral("User enabled")), 1);
    QCOMPARE(auditCount(db, QStringLiteral("Password changed: sessions revoked")), 1);
    QCOMPARE(auditCount(db, QStringLiteral("Sessions revoked")), 1);
    QVERIFY(server.engine().auditLog().verify().ok);
}

void TestElevatedCli::plainHttpOffLoopbackIsRefused()
{
    const Run r = elevated({QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"), QStringLiteral("--database"), databaseUrl()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("--insecure-http")), qPrintable(r.err));
    const Run half = elevated({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"),
                               QStringLiteral("x.pem"), QStringLiteral("--database"), databaseUrl()});
    QCOMPARE(half.exitCode, 1);
    QVERIFY(half.err.contains(QStringLiteral("--tls-key")));
    // The same settings from a config file.
    const QString ini = m_dir.filePath(QStringLiteral("elevated.ini"));
    QFile file(ini);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("listen=127.0.0.1:0\ntls-key=/nonexistent/key.pem\n");
    file.close();
    const Run fromConfig = elevated({QStringLiteral("--config"), ini, QStringLiteral("--database"), databaseUrl()});
    QCOMPARE(fromConfig.exitCode, 1);
    QVERIFY2(fromConfig.err.contains(QStringLiteral("--tls-cert")), qPrintable(fromConfig.err));
    const Run window = elevated({QStringLiteral("--mfa-window"), QStringLiteral("0"), QStringLiteral("--database"), databaseUrl()});
    QCOMPARE(window.exitCode, 1);
    QVERIFY(window.err.contains(QStringLiteral("--mfa-window")));
    const Run durability = elevated({QStringLiteral("--durability"), QStringLiteral("sometimes"), QStringLiteral("--database"),
                                     databaseUrl()});
    QCOMPARE(durability.exitCode, 1);
    QVERIFY2(durability.err.contains(QStringLiteral("--durability takes full or normal")), qPrintable(durability.err));
}

QTEST_GUILESS_MAIN(TestElevatedCli)
#include "TestElevatedCli.moc"
