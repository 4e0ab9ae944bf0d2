// Authority against a fake Microsoft identity platform: the device code flow (RFC 8628) with
// pending, slow_down, declined and expired; authorization code + PKCE S256 through the loopback
// listener, driven by an injected "browser"; refresh with rotation; claims.
#include "EntraRig.h"

#include <QTest>

using namespace Elevate;

namespace {

AuthResult run(Authority& authority, const std::function<void()>& start, QList<DeviceCodePrompt>* prompts = nullptr)
{
    std::optional<AuthResult> result;
    auto c1 = QObject::connect(&authority, &Authority::finished, [&result](const AuthResult& r) { result = r; });
    auto c2 = QObject::connect(&authority, &Authority::deviceCodeReceived, [prompts](const DeviceCodePrompt& p) {
        if (prompts) {
            prompts->append(p);
        }
    });
    start();
    (void)QTest::qWaitFor([&result] { return result.has_value(); }, 30000);
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    return result.value_or(AuthResult{AuthErrorKind::Protocol, QStringLiteral("test timeout"), {}, {}, {}});
}

AuthResult refreshWith(Authority& authority, const QString& token, const QString& claims = {})
{
    std::optional<AuthResult> result;
    authority.refresh(token, claims, [&result](const AuthResult& r) { result = r; });
    (void)QTest::qWaitFor([&result] { return result.has_value(); }, 30000);
    return result.value_or(AuthResult{AuthErrorKind::Protocol, QStringLiteral("test timeout"), {}, {}, {}});
}

} // namespace

class TestAuthority final : public QObject
{
    Q_OBJECT

private slots:
    void deviceCodePendingThenSignedIn();
    void deviceCodeSlowDownWidensTheInterval();
    void deviceCodeDeclined();
    void deviceCodeExpired();
    void pkceLoopbackSignsIn();
    void pkceIgnoresAForgedState();
    void pkceAccessDenied();
    void pkceBrowserFailure();
    void refreshRotatesAndOldTokenIsRefused();
    void claimsTravelWithTheFlows();
    void pkceHelpers();
    void cancelEndsTheFlowOnce();
    void refreshRunsWhileAFlowWaits();
};

void TestAuthority::deviceCodePendingThenSignedIn()
{
    EntraRig rig;
    rig.fake.deviceState = QStringLiteral("pending");
    rig.fake.intercept = [&rig](const FakeRequest& r) {
        if (r.form(QStringLiteral("grant_type")).endsWith(QStringLiteral("device_code")) && rig.fake.devicePolls >= 1) {
            rig.fake.deviceState = QStringLiteral("approved"); // the user finished on the second poll
        }
        return FakeResponse{};
    };
    QList<DeviceCodePrompt> prompts;
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startDeviceCode(); }, &prompts);
    QVERIFY2(r.ok(), qPrintable(r.error + r.description));
    QCOMPARE(prompts.size(), 1);
    QCOMPARE(prompts.first().userCode, QStringLiteral("FAKE-CODE"));
    QCOMPARE(prompts.first().verificationUri.toString(), QStringLiteral("https://microsoft.com/devicelogin"));
    QCOMPARE(rig.fake.devicePolls, 2);
    QCOMPARE(r.tokens.accessToken, QStringLiteral("AT-1-s3cr3t-access"));
    QCOMPARE(r.tokens.refreshToken, QStringLiteral("RT-1-s3cr3t-refresh"));
    QVERIFY(r.tokens.expiresAt > QDateTime::currentDateTimeUtc().addSecs(3000));
    // The devicecode request carried the profile's client id and scopes, form-encoded.
    const FakeRequest start = rig.fake.log.first();
    QCOMPARE(start.form(QStringLiteral("client_id")), Profile::defaultEntraClientId());
    QVERIFY(start.form(QStringLiteral("scope")).contains(QStringLiteral("offline_access")));
    QVERIFY(!start.body.contains('+')); // never '+' for a space
}

void TestAuthority::deviceCodeSlowDownWidensTheInterval()
{
    EntraRig rig;
    rig.fake.deviceState = QStringLiteral("approved");
    rig.fake.slowDownPolls = 1;
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startDeviceCode(); });
    QVERIFY(r.ok());
    QCOMPARE(rig.fake.devicePolls, 2); // slow_down is not an error: the flow polls again
}

void TestAuthority::deviceCodeDeclined()
{
    EntraRig rig;
    rig.fake.deviceState = QStringLiteral("declined");
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startDeviceCode(); });
    QCOMPARE(r.kind, AuthErrorKind::Declined);
    QCOMPARE(r.error, QStringLiteral("authorization_declined"));
    QCOMPARE(rig.fake.devicePolls, 1);
    QVERIFY(!rig.authority->isBusy());
}

void TestAuthority::deviceCodeExpired()
{
    EntraRig rig;
    rig.fake.deviceState = QStringLiteral("expired");
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startDeviceCode(); });
    QCOMPARE(r.kind, AuthErrorKind::Expired);
    QCOMPARE(rig.fake.devicePolls, 1);
}

void TestAuthority::pkceLoopbackSignsIn()
{
    EntraRig rig;
    QUrl opened;
    auto c = QObject::connect(rig.authority.get(), &Authority::browserRequested, [&opened](const QUrl& u) { opened = u; });
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startInteractive(); });
    QObject::disconnect(c);
    QVERIFY2(r.ok(), qPrintable(r.error + u' ' + r.description));
    const QUrlQuery q(opened);
    QCOMPARE(opened.path(), QStringLiteral("/contoso.onmicrosoft.com/oauth2/v2.0/authorize"));
    QCOMPARE(q.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QCOMPARE(q.queryItemValue(QStringLiteral("response_type")), QStringLiteral("code"));
    const QUrl redirect(q.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(redirect.port() > 0);
    QVERIFY(!q.queryItemValue(QStringLiteral("state")).isEmpty());
    // The fake checked SHA-256(code_verifier) against the challenge and the redirect_uri.
    QCOMPARE(r.tokens.accessToken, QStringLiteral("AT-1-s3cr3t-access"));
    QTRY_COMPARE(rig.browserStatus, 200); // the browser got the "signed in" page
    // The loopback listener is gone.
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, quint16(redirect.port()));
    QVERIFY(!probe.waitForConnected(2000) || probe.state() != QAbstractSocket::ConnectedState);
}

void TestAuthority::pkceIgnoresAForgedState()
{
    EntraRig rig;
    rig.browserState = QStringLiteral("forged");
    rig.authority->setInteractiveTimeout(std::chrono::milliseconds(3000));
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startInteractive(); });
    QCOMPARE(rig.browserStatus, 400);
    QCOMPARE(r.kind, AuthErrorKind::Expired); // it kept waiting for the real answer, which never came
    QCOMPARE(rig.fake.count(QStringLiteral("/token")), 0); // the forged code was never exchanged
}

void TestAuthority::pkceAccessDenied()
{
    EntraRig rig;
    rig.authority->setBrowserOpener([&rig](const QUrl& url) {
        QUrl back(QUrlQuery(url).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("error"), QStringLiteral("access_denied"));
        q.addQueryItem(QStringLiteral("error_description"), QStringLiteral("AADSTS65004: User declined to consent."));
        q.addQueryItem(QStringLiteral("state"), QUrlQuery(url).queryItemValue(QStringLiteral("state")));
        back.setQuery(q);
        rig.browser.get(QNetworkRequest(back));
        return true;
    });
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startInteractive(); });
    QCOMPARE(r.kind, AuthErrorKind::Declined);
    QCOMPARE(r.error, QStringLiteral("access_denied"));
}

void TestAuthority::pkceBrowserFailure()
{
    EntraRig rig;
    rig.authority->setBrowserOpener([](const QUrl&) { return false; });
    const AuthResult r = run(*rig.authority, [&] { rig.authority->startInteractive(); });
    QCOMPARE(r.kind, AuthErrorKind::Browser);
}

void TestAuthority::refreshRotatesAndOldTokenIsRefused()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    const QString first = rig.fake.refreshToken;
    AuthResult r = refreshWith(*rig.authority, first);
    QVERIFY(r.ok());
    QVERIFY(r.tokens.refreshToken != first);
    QCOMPARE(r.tokens.refreshToken, rig.fake.refreshToken);
    const FakeRequest sent = rig.fake.log.last();
    QCOMPARE(sent.form(QStringLiteral("grant_type")), QStringLiteral("refresh_token"));
    r = refreshWith(*rig.authority, first);
    QCOMPARE(r.kind, AuthErrorKind::InvalidGrant);
}

void TestAuthority::claimsTravelWithTheFlows()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    const QString claims = QStringLiteral(R"({"access_token":{"acrs":{"essential":true,"value":"c1"}}})");
    AuthResult r = refreshWith(*rig.authority, rig.fake.refreshToken, claims);
    QVERIFY(r.ok());
    QCOMPARE(rig.fake.lastClaims, claims);
    r = run(*rig.authority, [&] { rig.authority->startInteractive(claims, QStringLiteral("login")); });
    QVERIFY(r.ok());
    QCOMPARE(rig.fake.lastClaims, claims);
    QVERIFY(rig.fake.acrsTokens.value(r.tokens.accessToken));
}

void TestAuthority::pkceHelpers()
{
    // RFC 7636 appendix B.
    QCOMPARE(Authority::codeChallengeS256(QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
             QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    const QString v1 = Authority::makeCodeVerifier();
    const QString v2 = Authority::makeCodeVerifier();
    QCOMPARE(v1.size(), 43);
    QVERIFY(v1 != v2);
    QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{43}$")).match(v1).hasMatch());
}

void TestAuthority::cancelEndsTheFlowOnce()
{
    EntraRig rig;
    rig.fake.deviceState = QStringLiteral("pending");
    int finished = 0;
    AuthResult last;
    QObject::connect(rig.authority.get(), &Authority::finished, [&](const AuthResult& r) {
        ++finished;
        last = r;
    });
    QObject::connect(rig.authority.get(), &Authority::deviceCodeReceived, rig.authority.get(), [&rig] { rig.authority->cancel(); });
    rig.authority->startDeviceCode();
    QTRY_COMPARE(finished, 1);
    QCOMPARE(last.kind, AuthErrorKind::Canceled);
    QTest::qWait(1500); // past one poll interval: nothing more happens
    QCOMPARE(finished, 1);
    QCOMPARE(rig.fake.devicePolls, 0);
}

void TestAuthority::refreshRunsWhileAFlowWaits()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    // The user is in the middle of a device code sign-in (a step-up) ...
    rig.fake.deviceState = QStringLiteral("pending");
    int flowFinished = 0;
    QObject::connect(rig.authority.get(), &Authority::finished, [&flowFinished] { ++flowFinished; });
    rig.authority->startDeviceCode();
    QTRY_VERIFY(rig.authority->isBusy() && rig.fake.count(QStringLiteral("/devicecode")) == 1);
    // ... while another call needs a refresh: it runs, and does not end the flow.
    const AuthResult r = refreshWith(*rig.authority, rig.fake.refreshToken);
    QVERIFY(r.ok());
    QVERIFY(rig.authority->isBusy());
    QCOMPARE(flowFinished, 0);
    rig.fake.deviceState = QStringLiteral("approved");
    QTRY_COMPARE_WITH_TIMEOUT(flowFinished, 1, 10000);
}

QTEST_GUILESS_MAIN(TestAuthority)
#include "TestAuthority.moc"
