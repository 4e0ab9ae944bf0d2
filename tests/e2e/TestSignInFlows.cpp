// End-to-end sign-in: a real elevated (ServerApp) on 127.0.0.1 with a temporary SQLite database
// and a movable clock, driven over HTTP the way the console and a browser drive it. Each test
// gets a fresh server, so one test's failed sign-ins never throttle the next one's address.
//   device code: pending, slow_down, approval on the page (with TOTP), declined, expired
//   authorization code + PKCE: state echoed, wrong verifier, wrong redirect, reused code,
//   expired code, OAuth error redirects, TOTP right / wrong / replayed / skewed
//   refresh rotation and reuse detection; step-up: challenge -> claims -> activation
//   throttling and lock-out with their audit trail; disabled users and password changes
//   HTTPS with a certificate made at test time; plain HTTP refused off loopback
//   the --demo login_hint shortcut, and the same hint without --demo
#include "ApiClient.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "Engine.h"
#include "GraphError.h"
#include "IdentityService.h"
#include "ServerApp.h"
#include "TestDatabase.h"
#include "Totp.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

const QString Password = QStringLiteral("correct horse battery");
const QString ClientId = QStringLiteral("elevate-tests");
const QString Scope = QStringLiteral("openid offline_access RoleAssignmentSchedule.ReadWrite.Directory");
const QString Redirect = QStringLiteral("http://127.0.0.1:53682/callback");
const QString Oauth = QStringLiteral("/organizations/oauth2/v2.0/");
const QString Reader = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
const QString Requests = QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests");

QString base64Url(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

struct Pkce
{
    QString verifier;
    QString challenge;
};

Pkce newPkce()
{
    Pkce p;
    p.verifier = base64Url(QCryptographicHash::hash(QUuid::createUuid().toRfc4122(), QCryptographicHash::Sha512));
    p.challenge = base64Url(QCryptographicHash::hash(p.verifier.toLatin1(), QCryptographicHash::Sha256));
    return p;
}

QUrlQuery query(std::initializer_list<std::pair<QString, QString>> items)
{
    QUrlQuery q;
    for (const auto& [k, v] : items) {
        q.addQueryItem(k, QString::fromLatin1(QUrl::toPercentEncoding(v)));
    }
    return q;
}

// The text of the page's role="alert" paragraph (the error sentence), unescaped enough to compare.
QString alertOf(const QByteArray& html)
{
    static const QRegularExpression alert(QStringLiteral("role=\"alert\">([^<]*)<"));
    const QRegularExpressionMatch m = alert.match(QString::fromUtf8(html));
    return m.hasMatch() ? m.captured(1) : QString();
}

QString hiddenValue(const QByteArray& html, const QString& name)
{
    const QRegularExpression field(QStringLiteral("name=\"%1\" value=\"([^\"]*)\"").arg(name));
    const QRegularExpressionMatch m = field.match(QString::fromUtf8(html));
    return m.hasMatch() ? m.captured(1) : QString();
}

QUrlQuery locationQuery(const ApiResponse& r)
{
    return QUrlQuery(QUrl(QString::fromUtf8(r.header("Location"))).query());
}

QJsonObject activation(const QString& roleId)
{
    return QJsonObject{{QStringLiteral("action"), QStringLiteral("selfActivate")},
                       {QStringLiteral("roleDefinitionId"), roleId},
                       {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                       {QStringLiteral("justification"), QStringLiteral("Step-up test")},
                       {QStringLiteral("scheduleInfo"),
                        QJsonObject{{QStringLiteral("expiration"),
                                     QJsonObject{{QStringLiteral("type"), QStringLiteral("afterDuration")},
                                                 {QStringLiteral("duration"), QStringLiteral("PT1H")}}}}}};
}

} // namespace

class TestSignInFlows final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void deviceCodePendingSlowDownApproved();
    void deviceCodeDeclinedAndExpired();
    void deviceCodeNeedsTotpWhenEnrolled();
    void deviceCodeWithClaimsNeedsTotp();
    void pkceFlowEchoesStateAndIssuesTokens();
    void pkceRefusesWrongVerifierRedirectAndReuse();
    void authorizeErrorsFollowOAuth();
    void totpRightWrongReplayedSkewed();
    void secondFactorPageAllowsFiveAttempts();
    void refreshRotatesAndDetectsReuse();
    void stepUpChallengeThenActivation();
    void stepUpNeedsAnEnrolledSecondFactor();
    void mfaPolicyWantsAFreshSecondFactor();
    void throttlingAndLockoutAreAudited();
    void wrongTotpCodesAreThrottledToo();
    void disabledUsersAndPasswordChanges();
    void signInPageIsSelfContained();
    void servesHttpsWithATestCertificate();
    void plainHttpOffLoopbackNeedsInsecureFlag();
    void demoShortcutOnlyWithDemo();

private:
    bool startServer(ServerConfig config = {});
    ApiResponse authorizeGet(const Pkce& pkce, const QString& state, const QString& extra = QString());
    ApiResponse postCredentials(const ApiResponse& page, const QString& user, const QString& password);
    ApiResponse postTotp(const QString& pending, const QString& code);
    ApiResponse redeem(const QString& code, const QString& verifier, const QString& redirect = Redirect);
    ApiResponse refresh(const QString& refreshToken, const QString& claims = QString());
    // Password (and TOTP when secret is given) through the page, then /token: the token body.
    QJsonObject pkceSignIn(const QString& user, const QByteArray& secret = {}, const QString& claims = QString());
    QString currentCode(const QByteArray& secret, int stepOffset = 0) const;
    int auditCount(const QString& activity) const;

    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ServerApp> m_server;
    std::unique_ptr<ApiClient> m_api;
    QString m_alice;
    QString m_bob;
    QByteArray m_bobSecret;
};

bool TestSignInFlows::startServer(ServerConfig config)
{
    m_api.reset();
    m_server.reset();
    m_clock = std::make_unique<ManualClock>(*Timestamp::fromIso(u"2026-03-02T09:00:10Z"));
    m_server = std::make_unique<ServerApp>();
    m_server->setClock(m_clock.get());
    if (config.listen == u"127.0.0.1:8400") {
        config.listen = QStringLiteral("127.0.0.1:0");
    }
    if (config.database.isEmpty() && !config.demo) {
        // SQLite, or a fresh PostgreSQL database in the TestSignInFlows_pg run.
        QString error;
        config.database = TestSupport::freshDatabaseUrl(m_dir, QUuid::createUuid().toString(QUuid::Id128), &error);
        if (config.database.isEmpty()) {
            qWarning() << "no database:" << error;
            return false;
        }
    }
    config.cheapPasswordHashing = true;
    config.rateLimitPerSecond = 0;
    QString error;
    if (!m_server->start(config, &error)) {
        qWarning() << "server did not start:" << error;
        return false;
    }
    m_api = std::make_unique<ApiClient>(m_server->baseUrl());
    return true;
}

void TestSignInFlows::init()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(startServer());
    IdentityService& identity = m_server->identity();
    m_alice = identity.addUser(QStringLiteral("alice"), QStringLiteral("Alice"), Password, false, false);
    m_bob = identity.addUser(QStringLiteral("bob"), QStringLiteral("Bob"), Password, false, false);
    QVERIFY(!m_alice.isEmpty() && !m_bob.isEmpty());
    m_bobSecret = identity.enrolSecondFactor(m_bob);
    QCOMPARE(m_bobSecret.size(), 20);
}

void TestSignInFlows::cleanup()
{
    m_api.reset();
    m_server.reset();
}

QString TestSignInFlows::currentCode(const QByteArray& secret, int stepOffset) const
{
    return Totp::code(secret, Totp::stepAt(m_clock->now().secsSinceEpoch()) + stepOffset);
}

int TestSignInFlows::auditCount(const QString& activity) const
{
    return m_server->database()
        .scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = ?"), {activity})
        .toInt();
}

ApiResponse TestSignInFlows::authorizeGet(const Pkce& pkce, const QString& state, const QString& extra)
{
    QUrlQuery q = query({{QStringLiteral("client_id"), ClientId},
                         {QStringLiteral("response_type"), QStringLiteral("code")},
                         {QStringLiteral("redirect_uri"), Redirect},
                         {QStringLiteral("response_mode"), QStringLiteral("query")},
                         {QStringLiteral("scope"), Scope},
                         {QStringLiteral("state"), state},
                         {QStringLiteral("code_challenge"), pkce.challenge},
                         {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}});
    QString text = q.toString(QUrl::FullyEncoded);
    if (!extra.isEmpty()) {
        text += u'&' + extra;
    }
    return m_api->send("GET", Oauth + QStringLiteral("authorize?") + text);
}

ApiResponse TestSignInFlows::postCredentials(const ApiResponse& page, const QString& user, const QString& password)
{
    // Post back every hidden field the page carries, as a browser would.
    QUrlQuery form;
    static const QRegularExpression hidden(QStringLiteral("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">"));
    auto it = hidden.globalMatch(QString::fromUtf8(page.body));
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        QString value = m.captured(2);
        value.replace(QStringLiteral("&quot;"), QStringLiteral("\"")).replace(QStringLiteral("&#39;"), QStringLiteral("'"));
        value.replace(QStringLiteral("&lt;"), QStringLiteral("<")).replace(QStringLiteral("&gt;"), QStringLiteral(">"));
        value.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
        form.addQueryItem(m.captured(1), QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    form.addQueryItem(QStringLiteral("username"), QString::fromLatin1(QUrl::toPercentEncoding(user)));
    form.addQueryItem(QStringLiteral("password"), QString::fromLatin1(QUrl::toPercentEncoding(password)));
    return m_api->form(Oauth + QStringLiteral("authorize"), form);
}

ApiResponse TestSignInFlows::postTotp(const QString& pending, const QString& code)
{
    return m_api->form(Oauth + QStringLiteral("authorize"),
                       query({{QStringLiteral("pending"), pending}, {QStringLiteral("totp"), code}}));
}

ApiResponse TestSignInFlows::redeem(const QString& code, const QString& verifier, const QString& redirect)
{
    return m_api->form(Oauth + QStringLiteral("token"),
                       query({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                              {QStringLiteral("client_id"), ClientId},
                              {QStringLiteral("code"), code},
                              {QStringLiteral("redirect_uri"), redirect},
                              {QStringLiteral("code_verifier"), verifier}}));
}

ApiResponse TestSignInFlows::refresh(const QString& refreshToken, const QString& claims)
{
    QUrlQuery q = query({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                         {QStringLiteral("client_id"), ClientId},
                         {QStringLiteral("refresh_token"), refreshToken}});
    if (!claims.isEmpty()) {
        q.addQueryItem(QStringLiteral("claims"), QString::fromLatin1(QUrl::toPercentEncoding(claims)));
    }
    return m_api->form(Oauth + QStringLiteral("token"), q);
}

QJsonObject TestSignInFlows::pkceSignIn(const QString& user, const QByteArray& secret, const QString& claims)
{
    const Pkce pkce = newPkce();
    const QString extra =
        claims.isEmpty() ? QString() : QStringLiteral("claims=") + QString::fromLatin1(QUrl::toPercentEncoding(claims));
    const ApiResponse page = authorizeGet(pkce, QStringLiteral("s-") + user, extra);
    if (page.status != 200) {
        qWarning() << "authorize page" << page.status;
        return {};
    }
    ApiResponse answer = postCredentials(page, user, Password);
    if (!secret.isEmpty()) {
        if (answer.status != 200) {
            qWarning() << "password step" << answer.status << alertOf(answer.body);
            return {};
        }
        answer = postTotp(hiddenValue(answer.body, QStringLiteral("pending")), currentCode(secret));
    }
    if (answer.status != 302) {
        qWarning() << "no redirect:" << answer.status << alertOf(answer.body);
        return {};
    }
    const QString code = locationQuery(answer).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    const ApiResponse tokens = redeem(code, pkce.verifier);
    if (tokens.status != 200) {
        qWarning() << "token" << tokens.status << tokens.body;
        return {};
    }
    return tokens.json;
}

// ------------------------------------------------------------------------------- device code

void TestSignInFlows::deviceCodePendingSlowDownApproved()
{
    const ApiResponse started = m_api->form(Oauth + QStringLiteral("devicecode"),
                                            query({{QStringLiteral("client_id"), ClientId}, {QStringLiteral("scope"), Scope}}));
    QCOMPARE(started.status, 200);
    const QString deviceCode = started.json.value(QStringLiteral("device_code")).toString();
    const QString userCode = started.json.value(QStringLiteral("user_code")).toString();
    const int interval = started.json.value(QStringLiteral("interval")).toInt();
    QCOMPARE(interval, 5);
    auto poll = [&] {
        return m_api->form(Oauth + QStringLiteral("token"),
                           query({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                  {QStringLiteral("client_id"), ClientId},
                                  {QStringLiteral("device_code"), deviceCode}}));
    };
    ApiResponse r = poll();
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));
    r = poll(); // at once: too fast
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("slow_down"));
    m_clock->advanceSeconds(interval + 5);

    const ApiResponse approved = m_api->form(Oauth + QStringLiteral("deviceauth"),
                                             query({{QStringLiteral("user_code"), userCode},
                                                    {QStringLiteral("username"), QStringLiteral("alice")},
                                                    {QStringLiteral("password"), Password},
                                                    {QStringLiteral("action"), QStringLiteral("approve")}}));
    QCOMPARE(approved.status, 200);
    r = poll();
    QCOMPARE(r.status, 200);
    const QString access = r.json.value(QStringLiteral("access_token")).toString();
    const ApiResponse me = m_api->get(QStringLiteral("/v1.0/me"), access);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("id")).toString(), m_alice);
    // A password-only sign-in: recorded as such.
    QCOMPARE(m_server->database().scalar(QStringLiteral("SELECT amr FROM tokens WHERE user_id = ? AND kind = 'access'"),
                                         {m_alice}).toString(),
             QStringLiteral("pwd"));
    // The code is spent.
    m_clock->advanceSeconds(10);
    QCOMPARE(poll().json.value(QStringLiteral("error")).toString(), QStringLiteral("bad_verification_code"));
}

void TestSignInFlows::deviceCodeDeclinedAndExpired()
{
    auto start = [&] {
        return m_api->form(Oauth + QStringLiteral("devicecode"),
                           query({{QStringLiteral("client_id"), ClientId}, {QStringLiteral("scope"), Scope}}))
            .json;
    };
    auto poll = [&](const QString& deviceCode) {
        return m_api->form(Oauth + QStringLiteral("token"),
                           query({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                  {QStringLiteral("client_id"), ClientId},
                                  {QStringLiteral("device_code"), deviceCode}}));
    };
    const QJsonObject declined = start();
    const ApiResponse page = m_api->form(Oauth + QStringLiteral("deviceauth"),
                                         query({{QStringLiteral("user_code"), declined.value(QStringLiteral("user_code")).toString()},
                                                {QStringLiteral("username"), QStringLiteral("alice")},
                                                {QStringLiteral("password"), Password},
                                                {QStringLiteral("action"), QStringLiteral("decline")}}));
    QCOMPARE(page.status, 200);
    QCOMPARE(poll(declined.value(QStringLiteral("device_code")).toString()).json.value(QStringLiteral("error")).toString(),
             QStringLiteral("authorization_declined"));

    const QJsonObject expiring = start();
    m_clock->advanceSeconds(expiring.value(QStringLiteral("expires_in")).toInt() + 1);
    const ApiResponse late = poll(expiring.value(QStringLiteral("device_code")).toString());
    QCOMPARE(late.status, 400);
    QCOMPARE(late.json.value(QStringLiteral("error")).toString(), QStringLiteral("expired_token"));
    QVERIFY(late.json.value(QStringLiteral("error_description")).toString().startsWith(QStringLiteral("AADSTS70019:")));
}

void TestSignInFlows::deviceCodeNeedsTotpWhenEnrolled()
{
    const QJsonObject started = m_api->form(Oauth + QStringLiteral("devicecode"),
                                            query({{QStringLiteral("client_id"), ClientId}, {QStringLiteral("scope"), Scope}}))
                                    .json;
    const QString userCode = started.value(QStringLiteral("user_code")).toString();
    auto approve = [&](const QString& totp) {
        return m_api->form(Oauth + QStringLiteral("deviceauth"),
                           query({{QStringLiteral("user_code"), userCode},
                                  {QStringLiteral("username"), QStringLiteral("bob")},
                                  {QStringLiteral("password"), Password},
                                  {QStringLiteral("totp"), totp},
                                  {QStringLiteral("action"), QStringLiteral("approve")}}));
    };
    // Bob's password alone does not sign him in: his account has an authenticator app.
    ApiResponse r = approve(QString());
    QCOMPARE(r.status, 400);
    QVERIFY(alertOf(r.body).contains(QStringLiteral("verification code")));
    r = approve(currentCode(m_bobSecret));
    QCOMPARE(r.status, 200);
    const ApiResponse tokens = m_api->form(
        Oauth + QStringLiteral("token"),
        query({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
               {QStringLiteral("client_id"), ClientId},
               {QStringLiteral("device_code"), started.value(QStringLiteral("device_code")).toString()}}));
    QCOMPARE(tokens.status, 200);
    const std::optional<Caller> caller =
        m_server->identity().authenticate(tokens.json.value(QStringLiteral("access_token")).toString());
    QVERIFY(caller);
    QVERIFY(caller->session.multiFactor);
    QCOMPARE(m_server->database().scalar(QStringLiteral("SELECT amr FROM tokens WHERE user_id = ? AND kind = 'access'"),
                                         {m_bob}).toString(),
             QStringLiteral("pwd otp"));
}

void TestSignInFlows::deviceCodeWithClaimsNeedsTotp()
{
    const QString claims = QStringLiteral(R"({"access_token":{"acrs":{"essential":true,"value":"c1"}}})");
    auto start = [&] {
        return m_api->form(Oauth + QStringLiteral("devicecode"),
                           query({{QStringLiteral("client_id"), ClientId},
                                  {QStringLiteral("scope"), Scope},
                                  {QStringLiteral("claims"), claims}}))
            .json;
    };
    auto approve = [&](const QJsonObject& started, const QString& user, const QString& totp) {
        return m_api->form(Oauth + QStringLiteral("deviceauth"),
                           query({{QStringLiteral("user_code"), started.value(QStringLiteral("user_code")).toString()},
                                  {QStringLiteral("username"), user},
                                  {QStringLiteral("password"), Password},
                                  {QStringLiteral("totp"), totp},
                                  {QStringLiteral("action"), QStringLiteral("approve")}}));
    };
    // Alice has no authenticator app: her password alone cannot meet the claims.
    const QJsonObject forAlice = start();
    const ApiResponse refused = approve(forAlice, QStringLiteral("alice"), QString());
    QCOMPARE(refused.status, 400);
    QVERIFY(alertOf(refused.body).contains(QStringLiteral("no authenticator app")));
    // Bob's code meets them, and his tokens carry the context while the factor is fresh.
    const QJsonObject forBob = start();
    QCOMPARE(approve(forBob, QStringLiteral("bob"), currentCode(m_bobSecret)).status, 200);
    const ApiResponse tokens = m_api->form(
        Oauth + QStringLiteral("token"),
        query({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
               {QStringLiteral("client_id"), ClientId},
               {QStringLiteral("device_code"), forBob.value(QStringLiteral("device_code")).toString()}}));
    QCOMPARE(tokens.status, 200);
    const std::optional<Caller> caller =
        m_server->identity().authenticate(tokens.json.value(QStringLiteral("access_token")).toString());
    QVERIFY(caller && caller->session.multiFactor);
    QCOMPARE(caller->session.authContexts, QStringList{QStringLiteral("c1")});
    // Malformed claims are refused outright.
    const ApiResponse bad = m_api->form(Oauth + QStringLiteral("devicecode"),
                                        query({{QStringLiteral("client_id"), ClientId},
                                               {QStringLiteral("scope"), Scope},
                                               {QStringLiteral("claims"), QStringLiteral("[1]")}}));
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
}

// ------------------------------------------------------------------------------- PKCE

void TestSignInFlows::pkceFlowEchoesStateAndIssuesTokens()
{
    const Pkce pkce = newPkce();
    const QString state = QStringLiteral("st&ate=1 \"x\" a+b/c==");
    const ApiResponse page = authorizeGet(pkce, state);
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.body.contains("autocomplete=\"username\""));
    QVERIFY(page.body.contains("autocomplete=\"current-password\""));

    const ApiResponse answer = postCredentials(page, QStringLiteral("alice"), Password);
    QCOMPARE(answer.status, 302);
    const QUrl location(QString::fromUtf8(answer.header("Location")));
    QCOMPARE(location.scheme(), QStringLiteral("http"));
    QCOMPARE(location.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(location.port(), 53682);
    QCOMPARE(location.path(), QStringLiteral("/callback"));
    const QUrlQuery q = locationQuery(answer);
    QCOMPARE(q.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded), state);
    const QString code = q.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QCOMPARE(code.size(), 43);

    const ApiResponse tokens = redeem(code, pkce.verifier);
    QCOMPARE(tokens.status, 200);
    QCOMPARE(tokens.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(tokens.json.value(QStringLiteral("expires_in")).toInt(), 3600);
    const QString access = tokens.json.value(QStringLiteral("access_token")).toString();
    QVERIFY(access.size() >= 43); // 256 bits, base64url
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access).json.value(QStringLiteral("id")).toString(), m_alice);
    // Neither the code nor the tokens are stored in clear.
    Database& db = m_server->database();
    const QString concat = db.dialect() == Database::Dialect::PostgreSQL ? QStringLiteral("string_agg(%1, ',')")
                                                                         : QStringLiteral("group_concat(%1)");
    const QString everything
        = db.scalar(QStringLiteral("SELECT ") + concat.arg(QStringLiteral("code_hash || stage || redirect_uri"))
                    + QStringLiteral(" FROM authorization_codes"))
              .toString()
        + db.scalar(QStringLiteral("SELECT ") + concat.arg(QStringLiteral("token_hash")) + QStringLiteral(" FROM tokens")).toString();
    QVERIFY(!everything.contains(code));
    QVERIFY(!everything.contains(access));
    QVERIFY(everything.contains(QString::fromLatin1(QCryptographicHash::hash(code.toUtf8(), QCryptographicHash::Sha256).toHex())));
}

void TestSignInFlows::pkceRefusesWrongVerifierRedirectAndReuse()
{
    const Pkce pkce = newPkce();
    const ApiResponse answer = postCredentials(authorizeGet(pkce, QStringLiteral("s1")), QStringLiteral("alice"), Password);
    QCOMPARE(answer.status, 302);
    const QString code = locationQuery(answer).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);

    ApiResponse r = redeem(code, newPkce().verifier);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(r.json.value(QStringLiteral("error_description")).toString().contains(QStringLiteral("code_verifier")));
    r = redeem(code, pkce.verifier, QStringLiteral("http://127.0.0.1:53682/other"));
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(r.json.value(QStringLiteral("error_description")).toString().contains(QStringLiteral("redirect_uri")));
    r = redeem(code, QStringLiteral("short"));
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    // Another client cannot redeem it, and a made-up code is unknown.
    r = m_api->form(Oauth + QStringLiteral("token"),
                    query({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                           {QStringLiteral("client_id"), QStringLiteral("someone-else")},
                           {QStringLiteral("code"), code},
                           {QStringLiteral("redirect_uri"), Redirect},
                           {QStringLiteral("code_verifier"), pkce.verifier}}));
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(r.json.value(QStringLiteral("error_description")).toString().contains(QStringLiteral("different client")));
    QCOMPARE(redeem(QString(43, u'A'), pkce.verifier).json.value(QStringLiteral("error")).toString(),
             QStringLiteral("invalid_grant"));

    // The right verifier and redirect still work once, and only once.
    const ApiResponse first = redeem(code, pkce.verifier);
    QCOMPARE(first.status, 200);
    const QString access = first.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access).status, 200);
    const ApiResponse again = redeem(code, pkce.verifier);
    QCOMPARE(again.status, 400);
    QCOMPARE(again.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    // RFC 6749 §4.1.2: a replayed code takes the tokens it gave with it.
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access).status, 401);
    QCOMPARE(refresh(first.json.value(QStringLiteral("refresh_token")).toString()).status, 400);
    QCOMPARE(auditCount(QStringLiteral("Authorization code reused: tokens revoked")), 1);

    // Codes live ten minutes.
    const Pkce late = newPkce();
    const ApiResponse lateAnswer = postCredentials(authorizeGet(late, QStringLiteral("s2")), QStringLiteral("alice"), Password);
    m_clock->advanceSeconds(10 * 60 + 1);
    r = redeem(locationQuery(lateAnswer).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded), late.verifier);
    QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(r.json.value(QStringLiteral("error_description")).toString().contains(QStringLiteral("expired")));
}

void TestSignInFlows::authorizeErrorsFollowOAuth()
{
    const Pkce pkce = newPkce();
    // S256 only: "plain" goes back to the client as invalid_request, with its state.
    ApiResponse r = authorizeGet(pkce, QStringLiteral("s3"), QStringLiteral("code_challenge_method=plain"));
    // The extra parameter duplicates one already present: refused on the page itself.
    QCOMPARE(r.status, 400);
    QVERIFY(r.header("Location").isEmpty());

    QUrlQuery q = query({{QStringLiteral("client_id"), ClientId},
                         {QStringLiteral("response_type"), QStringLiteral("code")},
                         {QStringLiteral("redirect_uri"), Redirect},
                         {QStringLiteral("scope"), Scope},
                         {QStringLiteral("state"), QStringLiteral("s4")},
                         {QStringLiteral("code_challenge"), pkce.challenge},
                         {QStringLiteral("code_challenge_method"), QStringLiteral("plain")}});
    r = m_api->send("GET", Oauth + QStringLiteral("authorize?") + q.toString(QUrl::FullyEncoded));
    QCOMPARE(r.status, 302);
    QUrlQuery back = locationQuery(r);
    QCOMPARE(back.queryItemValue(QStringLiteral("error")), QStringLiteral("invalid_request"));
    QCOMPARE(back.queryItemValue(QStringLiteral("state")), QStringLiteral("s4"));
    QVERIFY(back.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded).startsWith(QStringLiteral("AADSTS")));

    // No PKCE at all.
    q.removeAllQueryItems(QStringLiteral("code_challenge"));
    q.removeAllQueryItems(QStringLiteral("code_challenge_method"));
    r = m_api->send("GET", Oauth + QStringLiteral("authorize?") + q.toString(QUrl::FullyEncoded));
    QCOMPARE(locationQuery(r).queryItemValue(QStringLiteral("error")), QStringLiteral("invalid_request"));

    // prompt=none: no browser session is ever kept.
    r = authorizeGet(pkce, QStringLiteral("s5"), QStringLiteral("prompt=none"));
    QCOMPARE(r.status, 302);
    QCOMPARE(locationQuery(r).queryItemValue(QStringLiteral("error")), QStringLiteral("login_required"));

    // Only loopback redirects, and a bad one is never redirected to.
    for (const QString& bad : {QStringLiteral("https://evil.example/cb"), QStringLiteral("http://localhost:5000/cb"),
                               QStringLiteral("http://10.0.0.1:5000/cb"), QStringLiteral("http://127.0.0.1:5000/cb#x")}) {
        QUrlQuery badQuery = query({{QStringLiteral("client_id"), ClientId},
                                    {QStringLiteral("response_type"), QStringLiteral("code")},
                                    {QStringLiteral("redirect_uri"), bad},
                                    {QStringLiteral("scope"), Scope},
                                    {QStringLiteral("code_challenge"), pkce.challenge},
                                    {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}});
        r = m_api->send("GET", Oauth + QStringLiteral("authorize?") + badQuery.toString(QUrl::FullyEncoded));
        QCOMPARE(r.status, 400);
        QVERIFY2(r.header("Location").isEmpty(), qPrintable(bad));
    }
    // Any port on 127.0.0.1 is fine (RFC 8252 §7.3).
    QUrlQuery other = q;
    other.removeAllQueryItems(QStringLiteral("redirect_uri"));
    other.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("http://127.0.0.1:1/"))));
    other.addQueryItem(QStringLiteral("code_challenge"), pkce.challenge);
    other.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    r = m_api->send("GET", Oauth + QStringLiteral("authorize?") + other.toString(QUrl::FullyEncoded));
    QCOMPARE(r.status, 200);
}

void TestSignInFlows::totpRightWrongReplayedSkewed()
{
    auto passwordStep = [&] {
        const ApiResponse page = authorizeGet(newPkce(), QStringLiteral("t"));
        const ApiResponse answer = postCredentials(page, QStringLiteral("bob"), Password);
        [&] {
            QCOMPARE(answer.status, 200);
            QVERIFY(answer.body.contains("autocomplete=\"one-time-code\""));
        }();
        return hiddenValue(answer.body, QStringLiteral("pending"));
    };
    const QString pending = passwordStep();
    QCOMPARE(pending.size(), 43);
    // Wrong.
    const QString right = currentCode(m_bobSecret);
    const QString wrong = right == u"000000" ? QStringLiteral("000001") : QStringLiteral("000000");
    ApiResponse r = postTotp(pending, wrong);
    QCOMPARE(r.status, 400);
    QVERIFY(alertOf(r.body).contains(QStringLiteral("verification code")));
    // Two steps off: outside the ±1 window.
    QCOMPARE(postTotp(pending, currentCode(m_bobSecret, 2)).status, 400);
    QCOMPARE(postTotp(pending, currentCode(m_bobSecret, -2)).status, 400);
    // Three failures from this address: the next attempt must wait a second. The clock stays
    // inside the same 30-second step throughout (it starts at hh:mm:10).
    m_clock->advanceSeconds(2);
    // The previous step's code is still accepted (clock skew).
    r = postTotp(pending, currentCode(m_bobSecret, -1));
    QCOMPARE(r.status, 302);
    QVERIFY(!locationQuery(r).queryItemValue(QStringLiteral("code")).isEmpty());
    // The handle is spent with it.
    QCOMPARE(postTotp(pending, right).status, 400);

    // A code once accepted is never accepted again, nor any code of an earlier step.
    const QString second = passwordStep();
    QCOMPARE(postTotp(second, currentCode(m_bobSecret, -1)).status, 400);
    m_clock->advanceSeconds(3);
    r = postTotp(second, right);
    QCOMPARE(r.status, 302);
    const QString third = passwordStep();
    r = postTotp(third, right);
    QCOMPARE(r.status, 400);
    QVERIFY(alertOf(r.body).contains(QStringLiteral("already used")));
    m_clock->advanceSeconds(5);
    // The next step's code works.
    QCOMPARE(postTotp(third, currentCode(m_bobSecret, 1)).status, 302);
    QVERIFY(m_server->database()
                .scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Sign-in failed' AND "
                                       "result_reason = 'verification code already used'"))
                .toInt()
            >= 2);
    QCOMPARE(auditCount(QStringLiteral("Second factor verified")), 3);
}

void TestSignInFlows::secondFactorPageAllowsFiveAttempts()
{
    const ApiResponse answer = postCredentials(authorizeGet(newPkce(), QStringLiteral("f")), QStringLiteral("bob"), Password);
    QCOMPARE(answer.status, 200);
    const QString pending = hiddenValue(answer.body, QStringLiteral("pending"));
    const QString right = currentCode(m_bobSecret);
    const QString wrong = right == u"000000" ? QStringLiteral("000001") : QStringLiteral("000000");
    for (int i = 0; i < 4; ++i) {
        const ApiResponse r = postTotp(pending, wrong);
        QCOMPARE(r.status, 400);
        QVERIFY(!hiddenValue(r.body, QStringLiteral("pending")).isEmpty()); // asked again
        m_clock->advanceSeconds(5); // past the throttle's short delays, still inside the step
    }
    const ApiResponse fifth = postTotp(pending, wrong);
    QCOMPARE(fifth.status, 400);
    QVERIFY(alertOf(fifth.body).contains(QStringLiteral("Start again")));
    QVERIFY(hiddenValue(fifth.body, QStringLiteral("pending")).isEmpty());
    m_clock->advanceSeconds(10);
    // The right code no longer helps this sign-in.
    QCOMPARE(postTotp(pending, currentCode(m_bobSecret)).status, 400);
}

// ------------------------------------------------------------------------------- tokens

void TestSignInFlows::refreshRotatesAndDetectsReuse()
{
    const QJsonObject first = pkceSignIn(QStringLiteral("alice"));
    QVERIFY(!first.isEmpty());
    const QString refresh1 = first.value(QStringLiteral("refresh_token")).toString();
    const ApiResponse second = refresh(refresh1);
    QCOMPARE(second.status, 200);
    const QString refresh2 = second.json.value(QStringLiteral("refresh_token")).toString();
    const QString access2 = second.json.value(QStringLiteral("access_token")).toString();
    QVERIFY(refresh2 != refresh1);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access2).status, 200);

    // The spent refresh token comes back: the whole family goes.
    const ApiResponse replay = refresh(refresh1);
    QCOMPARE(replay.status, 400);
    QCOMPARE(replay.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(refresh(refresh2).status, 400);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access2).status, 401);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), first.value(QStringLiteral("access_token")).toString()).status, 401);
    QCOMPARE(auditCount(QStringLiteral("Refresh token reused: sessions revoked")), 1);

    // Access tokens end after their lifetime.
    const QJsonObject fresh = pkceSignIn(QStringLiteral("alice"));
    m_clock->advanceSeconds(3600);
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), fresh.value(QStringLiteral("access_token")).toString()).status, 401);
}

void TestSignInFlows::stepUpChallengeThenActivation()
{
    // The Reader role asks for authentication context c1 at activation.
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    Engine& engine = m_server->engine();
    RolePolicy policy = Engine::defaultPolicy();
    policy.authenticationContextRules.clear();
    policy.authenticationContextRules << AuthenticationContextRule{
        RuleIds::AuthenticationContextEndUserAssignment.toString(), RuleTarget{}, true, QStringLiteral("c1")};
    QVERIFY(engine.setPolicy(cli, PimKind::DirectoryRole, Reader, QStringLiteral("/"), policy));
    QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, m_bob, Reader, QStringLiteral("/"), {}, {}));

    // Signed in with password and TOTP, but eleven minutes ago.
    const QJsonObject tokens = pkceSignIn(QStringLiteral("bob"), m_bobSecret);
    QVERIFY(!tokens.isEmpty());
    m_clock->advanceSeconds(11 * 60);
    const ApiResponse refused =
        m_api->post(Requests, activation(Reader), tokens.value(QStringLiteral("access_token")).toString());
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorCode(), QStringLiteral("RoleAssignmentRequestAcrsValidationFailed"));
    GraphError challenge;
    challenge.message = refused.errorMessage();
    const QString claims = challenge.claimsChallenge();
    QCOMPARE(claims, QStringLiteral(R"({"access_token":{"acrs":{"essential":true,"value":"c1"}}})"));

    // A refresh cannot meet the claims with a stale second factor...
    const ApiResponse silent = refresh(tokens.value(QStringLiteral("refresh_token")).toString(), claims);
    QCOMPARE(silent.status, 400);
    QCOMPARE(silent.json.value(QStringLiteral("error")).toString(), QStringLiteral("interaction_required"));
    // ...and the refresh token was not spent by trying.
    QCOMPARE(refresh(tokens.value(QStringLiteral("refresh_token")).toString()).status, 200);

    // The page with the claims asks for password and a fresh TOTP code, and the new token works.
    m_clock->advanceSeconds(Totp::StepSeconds);
    const QJsonObject stepped = pkceSignIn(QStringLiteral("bob"), m_bobSecret, claims);
    QVERIFY(!stepped.isEmpty());
    const ApiResponse created =
        m_api->post(Requests, activation(Reader), stepped.value(QStringLiteral("access_token")).toString());
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("status")).toString(), QStringLiteral("Provisioned"));
    QCOMPARE(m_server->database()
                 .scalar(QStringLiteral("SELECT acrs FROM tokens WHERE user_id = ? AND kind = 'access' "
                                        "ORDER BY issued_at DESC LIMIT 1"),
                         {m_bob})
                 .toString(),
             QStringLiteral("c1"));

    // Within the window a refresh with the claims keeps them; after it, it does not.
    m_clock->advanceSeconds(60);
    const ApiResponse kept = refresh(stepped.value(QStringLiteral("refresh_token")).toString(), claims);
    QCOMPARE(kept.status, 200);
    const std::optional<Caller> caller =
        m_server->identity().authenticate(kept.json.value(QStringLiteral("access_token")).toString());
    QVERIFY(caller && caller->session.multiFactor);
    QCOMPARE(caller->session.authContexts, QStringList{QStringLiteral("c1")});
    m_clock->advanceSeconds(10 * 60);
    QVERIFY(!m_server->identity().authenticate(kept.json.value(QStringLiteral("access_token")).toString())->session.multiFactor);
}

void TestSignInFlows::stepUpNeedsAnEnrolledSecondFactor()
{
    const QString claims = QStringLiteral(R"({"access_token":{"acrs":{"essential":true,"value":"c1"}}})");
    const ApiResponse page = authorizeGet(newPkce(), QStringLiteral("x"),
                                          QStringLiteral("claims=") + QString::fromLatin1(QUrl::toPercentEncoding(claims)));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("authenticator app"));
    const ApiResponse answer = postCredentials(page, QStringLiteral("alice"), Password);
    QCOMPARE(answer.status, 400);
    QVERIFY(answer.header("Location").isEmpty());
    QVERIFY(alertOf(answer.body).contains(QStringLiteral("no authenticator app")));
    // Malformed claims are the client's error.
    const ApiResponse bad = authorizeGet(newPkce(), QStringLiteral("y"), QStringLiteral("claims=%7Bnot-json"));
    QCOMPARE(bad.status, 302);
    QCOMPARE(locationQuery(bad).queryItemValue(QStringLiteral("error")), QStringLiteral("invalid_request"));
}

void TestSignInFlows::mfaPolicyWantsAFreshSecondFactor()
{
    // A policy that requires MFA (no authentication context): Entra's MfaRule.
    Caller cli;
    cli.userId = QStringLiteral("tests");
    cli.isAdmin = true;
    Engine& engine = m_server->engine();
    RolePolicy policy = Engine::defaultPolicy();
    policy.enablementRules[0].enabledRules = {EnablementRequirement::Justification,
                                              EnablementRequirement::MultiFactorAuthentication};
    QVERIFY(engine.setPolicy(cli, PimKind::DirectoryRole, Reader, QStringLiteral("/"), policy));
    QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, m_bob, Reader, QStringLiteral("/"), {}, {}));
    QVERIFY(engine.addEligibility(cli, PimKind::DirectoryRole, m_alice, Reader, QStringLiteral("/"), {}, {}));

    // A password-only session is challenged; Alice has no authenticator, so the claims page
    // cannot be completed either.
    const QJsonObject alice = pkceSignIn(QStringLiteral("alice"));
    const ApiResponse refused = m_api->post(Requests, activation(Reader), alice.value(QStringLiteral("access_token")).toString());
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorCode(), QStringLiteral("RoleAssignmentRequestAcrsValidationFailed"));
    GraphError challenge;
    challenge.message = refused.errorMessage();
    QVERIFY(!challenge.claimsChallenge().isEmpty());
    QCOMPARE(refresh(alice.value(QStringLiteral("refresh_token")).toString(), challenge.claimsChallenge())
                 .json.value(QStringLiteral("error"))
                 .toString(),
             QStringLiteral("interaction_required"));

    // Bob's sign-in used his authenticator a minute ago: the activation goes through at once.
    const QJsonObject bob = pkceSignIn(QStringLiteral("bob"), m_bobSecret);
    m_clock->advanceSeconds(60);
    const ApiResponse created = m_api->post(Requests, activation(Reader), bob.value(QStringLiteral("access_token")).toString());
    QCOMPARE(created.status, 201);
    // The window is configurable; by default ten minutes.
    const std::optional<Caller> caller = m_server->identity().authenticate(bob.value(QStringLiteral("access_token")).toString());
    QVERIFY(caller && caller->session.multiFactor);
    m_clock->advanceSeconds(9 * 60);
    QVERIFY(!m_server->identity().authenticate(bob.value(QStringLiteral("access_token")).toString())->session.multiFactor);
}

// ------------------------------------------------------------------------------- brute force

void TestSignInFlows::throttlingAndLockoutAreAudited()
{
    const ApiResponse page = authorizeGet(newPkce(), QStringLiteral("b"));
    const QString unknownMessage = alertOf(postCredentials(page, QStringLiteral("nobody"), Password).body);
    const QString wrongMessage = alertOf(postCredentials(page, QStringLiteral("alice"), QStringLiteral("wrong-1")).body);
    // The same sentence whether the account exists or not.
    QCOMPARE(unknownMessage, wrongMessage);
    QVERIFY(!unknownMessage.isEmpty());
    ApiResponse r = postCredentials(page, QStringLiteral("alice"), QStringLiteral("wrong-2"));
    QCOMPARE(r.status, 400);
    // The third failure on the address starts the delays: the next attempt waits, even with
    // the right password, and says how long.
    r = postCredentials(page, QStringLiteral("alice"), Password);
    QCOMPARE(r.status, 429);
    QVERIFY(r.header("Retry-After").toInt() >= 1);
    QCOMPARE(auditCount(QStringLiteral("Sign-in refused while throttled")), 1);

    // Keep failing after each delay until the lock.
    bool locked = false;
    for (int i = 0; i < 20 && !locked; ++i) {
        m_clock->advanceSeconds(61);
        r = postCredentials(page, QStringLiteral("alice"), QStringLiteral("wrong-%1").arg(i));
        locked = r.status == 429 && alertOf(r.body).contains(QStringLiteral("blocked"));
    }
    QVERIFY(locked);
    QCOMPARE(auditCount(QStringLiteral("Sign-in locked out")), 1);
    QVERIFY(auditCount(QStringLiteral("Sign-in failed")) >= 9);
    // Locked: the right password is refused too, for another account from this address also.
    m_clock->advanceSeconds(61);
    r = postCredentials(page, QStringLiteral("alice"), Password);
    QCOMPARE(r.status, 429);
    QVERIFY(r.header("Retry-After").toInt() > 60);
    r = postCredentials(page, QStringLiteral("bob"), Password);
    QCOMPARE(r.status, 429);
    // Every record names the address; none holds a password.
    QCOMPARE(m_server->database()
                 .scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE body LIKE '%wrong-%' OR body LIKE ?"),
                         {QString(QStringLiteral("%") + Password + QStringLiteral("%"))})
                 .toInt(),
             0);
    QVERIFY(m_server->database()
                .scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Sign-in locked out' AND "
                                       "body LIKE '%127.0.0.1%'"))
                .toInt()
            == 1);
    QVERIFY(m_server->engine().auditLog().verify().ok);
    // The lock ends after its time.
    m_clock->advanceSeconds(15 * 60);
    QCOMPARE(postCredentials(page, QStringLiteral("alice"), Password).status, 302);
}

void TestSignInFlows::wrongTotpCodesAreThrottledToo()
{
    // Someone with Bob's password guessing his codes: the right password does not wipe the
    // account's failures, so the guesses lock the account as wrong passwords would.
    const QString right = currentCode(m_bobSecret);
    const QString wrong = right == u"000000" ? QStringLiteral("000001") : QStringLiteral("000000");
    int guesses = 0;
    for (int i = 0; i < 12 && auditCount(QStringLiteral("Sign-in locked out")) == 0; ++i) {
        const ApiResponse answer = postCredentials(authorizeGet(newPkce(), QStringLiteral("z")), QStringLiteral("bob"), Password);
        QCOMPARE(answer.status, 200);
        const ApiResponse r = postTotp(hiddenValue(answer.body, QStringLiteral("pending")), wrong);
        QVERIFY(r.status == 400 || r.status == 429);
        ++guesses;
        m_clock->advanceSeconds(61);
    }
    QCOMPARE(guesses, 10);
    QCOMPARE(auditCount(QStringLiteral("Sign-in locked out")), 1);
    QCOMPARE(m_server->database()
                 .scalar(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Sign-in failed' AND "
                                        "result_reason = 'wrong verification code'"))
                 .toInt(),
             10);
    // Locked: even the right password gets nowhere now.
    QCOMPARE(postCredentials(authorizeGet(newPkce(), QStringLiteral("z")), QStringLiteral("bob"), Password).status, 429);
}

// ------------------------------------------------------------------------------- accounts

void TestSignInFlows::disabledUsersAndPasswordChanges()
{
    const QJsonObject tokens = pkceSignIn(QStringLiteral("alice"));
    const QString access = tokens.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access).status, 200);
    QVERIFY(m_server->identity().disableUser(m_alice));
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), access).status, 401);
    QCOMPARE(refresh(tokens.value(QStringLiteral("refresh_token")).toString()).json.value(QStringLiteral("error")).toString(),
             QStringLiteral("invalid_grant"));
    // A disabled account hears the same sentence as a wrong password.
    const ApiResponse page = authorizeGet(newPkce(), QStringLiteral("d"));
    const ApiResponse refused = postCredentials(page, QStringLiteral("alice"), Password);
    QCOMPARE(refused.status, 400);
    QCOMPARE(alertOf(refused.body), alertOf(postCredentials(page, QStringLiteral("nobody"), Password).body));
    QCOMPARE(auditCount(QStringLiteral("User disabled: sessions revoked")), 1);

    QVERIFY(m_server->identity().enableUser(m_alice));
    const QJsonObject again = pkceSignIn(QStringLiteral("alice"));
    QVERIFY(!again.isEmpty());
    QVERIFY(m_server->identity().setPassword(m_alice, QStringLiteral("a new long password")));
    QCOMPARE(m_api->get(QStringLiteral("/v1.0/me"), again.value(QStringLiteral("access_token")).toString()).status, 401);
    QCOMPARE(refresh(again.value(QStringLiteral("refresh_token")).toString()).status, 400);
    QCOMPARE(auditCount(QStringLiteral("Password changed: sessions revoked")), 1);
}

void TestSignInFlows::signInPageIsSelfContained()
{
    const ApiResponse page = authorizeGet(newPkce(), QStringLiteral("<script>alert(1)</script>"));
    QCOMPARE(page.status, 200);
    const QByteArray csp = page.header("Content-Security-Policy");
    QVERIFY(csp.contains("default-src 'none'"));
    QVERIFY(csp.contains("frame-ancestors 'none'"));
    QVERIFY(csp.contains("form-action 'self' http://127.0.0.1:*"));
    QCOMPARE(page.header("Cache-Control"), QByteArrayLiteral("no-store"));
    QCOMPARE(page.header("X-Frame-Options"), QByteArrayLiteral("DENY"));
    QVERIFY(!page.body.contains("<script"));
    QVERIFY(page.body.contains("&lt;script&gt;"));
    QVERIFY(!page.body.contains("src="));
    QVERIFY(!page.body.contains("<link"));
    QVERIFY(page.body.contains("<label for=\"username\">"));
    QVERIFY(page.body.contains("<label for=\"password\">"));
    QVERIFY(page.body.contains("<html lang=\"en\">"));
    // A failed attempt does not write the password back.
    const ApiResponse failed = postCredentials(page, QStringLiteral("alice"), QStringLiteral("not-the-password"));
    QVERIFY(!failed.body.contains("not-the-password"));
    QVERIFY(failed.body.contains("aria-describedby=\"form-error\""));
}

// ------------------------------------------------------------------------------- transport

void TestSignInFlows::servesHttpsWithATestCertificate()
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        QSKIP("openssl is not installed (scripts/install-deps.sh installs it)");
    }
    QTemporaryDir tls;
    QVERIFY(tls.isValid());
    const QString cert = tls.filePath(QStringLiteral("cert.pem"));
    const QString key = tls.filePath(QStringLiteral("key.pem"));
    QProcess gen;
    gen.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                        QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                        QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"),
                        key, QStringLiteral("-out"), cert});
    QVERIFY(gen.waitForFinished(60000));
    QCOMPARE(gen.exitCode(), 0);

    ServerConfig config;
    config.tlsCertificateFile = cert;
    config.tlsKeyFile = QStringLiteral("/nonexistent/key.pem");
    QVERIFY(!startServer(config)); // an unreadable key stops the start
    config.tlsKeyFile = key;
    QVERIFY(startServer(config));
    QCOMPARE(m_server->baseUrl().scheme(), QStringLiteral("https"));
    const QString userId = m_server->identity().addUser(QStringLiteral("tina"), QStringLiteral("Tina"), Password, false, false);
    QVERIFY(!userId.isEmpty());

    // A client that trusts the test certificate (and checks the host name) gets through.
    QFile certFile(cert);
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll());
    QCOMPARE(chain.size(), 1);
    QNetworkAccessManager nam;
    auto fetch = [&](const QUrl& url, const QByteArray& body = {}) {
        QNetworkRequest request(url);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(chain);
        request.setSslConfiguration(ssl);
        if (!body.isEmpty()) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        QNetworkReply* reply = body.isEmpty() ? nam.get(request) : nam.post(request, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
        ApiResponse r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        reply->deleteLater();
        return r;
    };
    QUrl health = m_server->baseUrl();
    health.setPath(QStringLiteral("/healthz"));
    const ApiResponse ok = fetch(health);
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QUrl device = m_server->baseUrl();
    device.setPath(Oauth + QStringLiteral("devicecode"));
    const ApiResponse started = fetch(device,
                                      query({{QStringLiteral("client_id"), ClientId}, {QStringLiteral("scope"), Scope}})
                                          .toString(QUrl::FullyEncoded)
                                          .toUtf8());
    QCOMPARE(started.status, 200);
    QVERIFY(started.json.value(QStringLiteral("verification_uri")).toString().startsWith(QStringLiteral("https://127.0.0.1:")));

    // Plain HTTP to the TLS port gets no HTTP answer.
    QUrl plain = health;
    plain.setScheme(QStringLiteral("http"));
    ApiClient plainClient(plain.adjusted(QUrl::RemovePath));
    QCOMPARE(plainClient.get(QStringLiteral("/healthz"), QString()).status, 0);
    // Nor does a client that does not trust the certificate.
    QNetworkAccessManager strict;
    QNetworkReply* reply = strict.get(QNetworkRequest(health));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    QCOMPARE(reply->error(), QNetworkReply::SslHandshakeFailedError);
    reply->deleteLater();
}

void TestSignInFlows::plainHttpOffLoopbackNeedsInsecureFlag()
{
    ServerConfig config;
    config.listen = QStringLiteral("0.0.0.0:0");
    m_server = std::make_unique<ServerApp>();
    QString dbError;
    config.database = TestSupport::freshDatabaseUrl(m_dir, QStringLiteral("offloop"), &dbError);
    QVERIFY2(!config.database.isEmpty(), qPrintable(dbError));
    QString error;
    QVERIFY(!m_server->start(config, &error));
    QVERIFY2(error.contains(QStringLiteral("--insecure-http")), qPrintable(error));

    m_server = std::make_unique<ServerApp>();
    config.insecureHttp = true;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("serving plain HTTP on 0\\.0\\.0\\.0:0")));
    QVERIFY2(m_server->start(config, &error), qPrintable(error));
    // Half a TLS configuration is an error, not plain HTTP.
    m_server = std::make_unique<ServerApp>();
    config.insecureHttp = false;
    config.listen = QStringLiteral("127.0.0.1:0");
    config.tlsCertificateFile = QStringLiteral("cert.pem");
    QVERIFY(!m_server->start(config, &error));
    QVERIFY(error.contains(QStringLiteral("--tls-key")));
}

void TestSignInFlows::demoShortcutOnlyWithDemo()
{
    auto startWithHint = [&](const QString& hint) {
        return m_api->form(Oauth + QStringLiteral("devicecode"),
                           query({{QStringLiteral("client_id"), ClientId},
                                  {QStringLiteral("scope"), Scope},
                                  {QStringLiteral("login_hint"), hint}}))
            .json;
    };
    auto poll = [&](const QJsonObject& started) {
        return m_api->form(Oauth + QStringLiteral("token"),
                           query({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                  {QStringLiteral("client_id"), ClientId},
                                  {QStringLiteral("device_code"), started.value(QStringLiteral("device_code")).toString()}}));
    };
    // Without --demo: a user called "alex" exists, and the hint changes nothing.
    QVERIFY(!m_server->identity().addUser(QStringLiteral("alex"), QStringLiteral("Alex"), Password, false, false).isEmpty());
    const ApiResponse plain = poll(startWithHint(QStringLiteral("alex")));
    QCOMPARE(plain.status, 400);
    QCOMPARE(plain.json.value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));

    // With --demo (loopback only): a persona is signed in at once.
    ServerConfig demo;
    demo.demo = true;
    QVERIFY(startServer(demo));
    const ApiResponse signedIn = poll(startWithHint(QStringLiteral("alex")));
    QCOMPARE(signedIn.status, 200);
    const ApiResponse me = m_api->get(QStringLiteral("/v1.0/me"), signedIn.json.value(QStringLiteral("access_token")).toString());
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("id")).toString(), m_server->identity().userIdForName(QStringLiteral("alex")));
    QCOMPARE(m_server->database()
                 .scalar(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE amr = 'demo'"))
                 .toInt(),
             2);
    QVERIFY(auditCount(QStringLiteral("Device sign-in approved")) >= 1);
    // Not for a demo user who is not a persona, nor for a made-up name.
    const QString colleague =
        m_server->database()
            .scalar(QStringLiteral("SELECT user_name FROM users WHERE user_name NOT IN "
                                   "('alex', 'megan', 'diego', 'isaiah', 'adele') ORDER BY user_name LIMIT 1"))
            .toString();
    QVERIFY(!colleague.isEmpty());
    QCOMPARE(poll(startWithHint(colleague)).json.value(QStringLiteral("error")).toString(),
             QStringLiteral("authorization_pending"));
    QCOMPARE(poll(startWithHint(QStringLiteral("nobody-at-all"))).json.value(QStringLiteral("error")).toString(),
             QStringLiteral("authorization_pending"));
}

QTEST_GUILESS_MAIN(TestSignInFlows)
#include "TestSignInFlows.moc"
