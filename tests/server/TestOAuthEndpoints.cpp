// The OAuth endpoints as plain handlers: the device code flow from /devicecode to tokens
// through the HTML verification page (pending, slow_down, approve, decline, expiry, bad and
// reused codes), the refresh grant, Entra-shaped error bodies, the page's security headers and
// escaping, and the database holding hashes only.

#include "IdentityFixture.h"
#include "OAuthEndpoints.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace Elevate;
using namespace Elevate::Server;
using namespace Elevate::Server::Testing;

namespace {

const QString Client = QStringLiteral("04b07795-8ddb-461a-bbee-02f9e1bf7b46");
const QString Scope = QStringLiteral("User.Read offline_access");
const QString Base = QStringLiteral("/organizations/oauth2/v2.0/");
const QString DeviceGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
const QString AlicePassword = QStringLiteral("alice-password-1");

using Fields = QList<std::pair<QString, QString>>;

QByteArray formBody(const Fields& fields)
{
    QByteArray body;
    for (const auto& [name, value] : fields) {
        if (!body.isEmpty()) {
            body += '&';
        }
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

HttpRequest post(const QString& endpoint, const QByteArray& body,
                 const QByteArray& contentType = QByteArrayLiteral("application/x-www-form-urlencoded"))
{
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.path = Base + endpoint;
    request.headers.append({QByteArrayLiteral("Content-Type"), contentType});
    request.body = body;
    request.remoteAddress = QStringLiteral("192.0.2.10");
    return request;
}

QJsonObject jsonOf(const HttpResponse& response)
{
    return QJsonDocument::fromJson(response.body).object();
}

QByteArray headerOf(const HttpResponse& response, const QByteArray& name)
{
    for (const auto& [key, value] : response.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

} // namespace

class TestOAuthEndpoints final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void deviceCodeResponse();
    void wholeDeviceFlow();
    void slowDownGrowsTheInterval();
    void declinedFlow();
    void expiredFlow();
    void badVerificationCodes();
    void refreshGrant();
    void errorBodies();
    void requestValidation();
    void clientAndTenantRestrictions();
    void verificationPage();
    void pageEscapesEverythingEchoed();
    void pageNeverEchoesThePassword();
    void pageThrottles();
    void databaseHoldsOnlyHashes();
    void bearerTokenHeader();

private:
    QJsonObject startFlow();
    HttpResponse poll(const QString& deviceCode, const QString& clientId = Client);
    HttpResponse submitPage(const QString& userCode, const QString& userName, const QString& password,
                            const QString& action = QStringLiteral("approve"));

    std::unique_ptr<IdentityFixture> m_f;
    std::unique_ptr<OAuthEndpoints> m_endpoints;
    QString m_aliceId;
};

void TestOAuthEndpoints::init()
{
    m_f = std::make_unique<IdentityFixture>();
    QVERIFY2(m_f->open(), qPrintable(m_f->openError));
    OAuthEndpointSettings settings;
    settings.publicBaseUrl = QStringLiteral("https://pim.example.test/");
    m_endpoints = std::make_unique<OAuthEndpoints>(*m_f->identity, m_f->clock, settings);
    m_aliceId = m_f->identity->addUser(QStringLiteral("alice"), QStringLiteral("Alice Adams"), AlicePassword, false,
                                       false);
    QVERIFY(!m_aliceId.isEmpty());
}

void TestOAuthEndpoints::cleanup()
{
    m_endpoints.reset();
    m_f.reset();
}

QJsonObject TestOAuthEndpoints::startFlow()
{
    const HttpResponse response = m_endpoints->handle(
        post(QStringLiteral("devicecode"), formBody({{QStringLiteral("client_id"), Client}, {QStringLiteral("scope"), Scope}})));
    [&] { QCOMPARE(response.status, 200); }();
    return jsonOf(response);
}

HttpResponse TestOAuthEndpoints::poll(const QString& deviceCode, const QString& clientId)
{
    return m_endpoints->handle(post(QStringLiteral("token"), formBody({{QStringLiteral("grant_type"), DeviceGrant},
                                                                       {QStringLiteral("client_id"), clientId},
                                                                       {QStringLiteral("device_code"), deviceCode}})));
}

HttpResponse TestOAuthEndpoints::submitPage(const QString& userCode, const QString& userName, const QString& password,
                                            const QString& action)
{
    return m_endpoints->handle(post(QStringLiteral("deviceauth"), formBody({{QStringLiteral("user_code"), userCode},
                                                                            {QStringLiteral("username"), userName},
                                                                            {QStringLiteral("password"), password},
                                                                            {QStringLiteral("action"), action}})));
}

void TestOAuthEndpoints::deviceCodeResponse()
{
    const HttpResponse response = m_endpoints->handle(
        post(QStringLiteral("devicecode"), formBody({{QStringLiteral("client_id"), Client}, {QStringLiteral("scope"), Scope}})));
    QCOMPARE(response.status, 200);
    QVERIFY(response.contentType.startsWith("application/json"));
    QCOMPARE(headerOf(response, "Cache-Control"), QByteArrayLiteral("no-store"));
    const QJsonObject body = jsonOf(response);
    QCOMPARE(body.size(), 6);
    static const QRegularExpression userCode(QStringLiteral("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$"));
    QVERIFY(userCode.match(body.value(QStringLiteral("user_code")).toString()).hasMatch());
    QCOMPARE(body.value(QStringLiteral("device_code")).toString().size(), 43);
    QCOMPARE(body.value(QStringLiteral("verification_uri")).toString(),
             QStringLiteral("https://pim.example.test/organizations/oauth2/v2.0/deviceauth"));
    QCOMPARE(body.value(QStringLiteral("expires_in")).toInt(), 900);
    QCOMPARE(body.value(QStringLiteral("interval")).toInt(), 5);
    QCOMPARE(body.value(QStringLiteral("message")).toString(),
             QStringLiteral("To sign in, use a web browser to open the page "
                            "https://pim.example.test/organizations/oauth2/v2.0/deviceauth and enter the code %1 to "
                            "authenticate.")
                 .arg(body.value(QStringLiteral("user_code")).toString()));
}

void TestOAuthEndpoints::wholeDeviceFlow()
{
    const QJsonObject started = startFlow();
    const QString deviceCode = started.value(QStringLiteral("device_code")).toString();
    const QString userCode = started.value(QStringLiteral("user_code")).toString();

    // The user has not been to the page yet.
    HttpResponse pending = poll(deviceCode);
    QCOMPARE(pending.status, 400);
    QCOMPARE(jsonOf(pending).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));

    // The page: a wrong password first, then the right one with the code typed loosely.
    HttpResponse page = submitPage(userCode, QStringLiteral("alice"), QStringLiteral("wrong-password"));
    QCOMPARE(page.status, 400);
    QVERIFY(page.body.contains("The user name or password is incorrect."));
    m_f->clock.advanceSeconds(5);
    QCOMPARE(jsonOf(poll(deviceCode)).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));

    page = submitPage(userCode.toLower().remove(u'-'), QStringLiteral("Alice"), AlicePassword);
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("You have allowed the sign-in."));
    QCOMPARE(m_f->count(IdentityEvent::Kind::DeviceCodeApproved), 1);

    m_f->clock.advanceSeconds(5);
    const HttpResponse granted = poll(deviceCode);
    QCOMPARE(granted.status, 200);
    QCOMPARE(headerOf(granted, "Cache-Control"), QByteArrayLiteral("no-store"));
    QCOMPARE(headerOf(granted, "Pragma"), QByteArrayLiteral("no-cache"));
    const QJsonObject tokens = jsonOf(granted);
    QCOMPARE(tokens.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(tokens.value(QStringLiteral("scope")).toString(), Scope);
    QCOMPARE(tokens.value(QStringLiteral("expires_in")).toInt(), 3600);
    QCOMPARE(tokens.value(QStringLiteral("ext_expires_in")).toInt(), 3600);
    const QString access = tokens.value(QStringLiteral("access_token")).toString();
    const QString refresh = tokens.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(access.size(), 43);
    QCOMPARE(refresh.size(), 43);

    const std::optional<Caller> caller = m_f->identity->authenticate(access);
    QVERIFY(caller);
    QCOMPARE(caller->userId, m_aliceId);
    QCOMPARE(caller->clientId, Client);
    QCOMPARE(caller->authTime, startTime().plusSeconds(5));

    // Single use: the same device code never yields tokens twice.
    m_f->clock.advanceSeconds(5);
    const HttpResponse again = poll(deviceCode);
    QCOMPARE(again.status, 400);
    QCOMPARE(jsonOf(again).value(QStringLiteral("error")).toString(), QStringLiteral("bad_verification_code"));
    // Nor can the page approve the code a second time.
    QCOMPARE(submitPage(userCode, QStringLiteral("alice"), AlicePassword).status, 400);
}

void TestOAuthEndpoints::slowDownGrowsTheInterval()
{
    const QString deviceCode = startFlow().value(QStringLiteral("device_code")).toString();
    QCOMPARE(jsonOf(poll(deviceCode)).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));
    m_f->clock.advanceSeconds(2);
    const HttpResponse fast = poll(deviceCode);
    QCOMPARE(fast.status, 400);
    QCOMPARE(jsonOf(fast).value(QStringLiteral("error")).toString(), QStringLiteral("slow_down"));
    // The interval is now 10 s: 5 s later is still too fast...
    m_f->clock.advanceSeconds(5);
    QCOMPARE(jsonOf(poll(deviceCode)).value(QStringLiteral("error")).toString(), QStringLiteral("slow_down"));
    // ... and 15 s after that is fine.
    m_f->clock.advanceSeconds(15);
    QCOMPARE(jsonOf(poll(deviceCode)).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT interval_seconds FROM device_codes")).toInt(), 15);
}

void TestOAuthEndpoints::declinedFlow()
{
    const QJsonObject started = startFlow();
    const QString deviceCode = started.value(QStringLiteral("device_code")).toString();
    const HttpResponse page = submitPage(started.value(QStringLiteral("user_code")).toString(), QStringLiteral("alice"),
                                         AlicePassword, QStringLiteral("decline"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("You declined the sign-in."));
    QCOMPARE(m_f->count(IdentityEvent::Kind::DeviceCodeDeclined), 1);

    const HttpResponse answer = poll(deviceCode);
    QCOMPARE(answer.status, 400);
    QCOMPARE(jsonOf(answer).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_declined"));
    m_f->clock.advanceSeconds(10);
    QCOMPARE(jsonOf(poll(deviceCode)).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_declined"));
}

void TestOAuthEndpoints::expiredFlow()
{
    const QJsonObject started = startFlow();
    const QString deviceCode = started.value(QStringLiteral("device_code")).toString();
    m_f->clock.advanceSeconds(899);
    QCOMPARE(jsonOf(poll(deviceCode)).value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));
    m_f->clock.advanceSeconds(1);
    const HttpResponse expired = poll(deviceCode);
    QCOMPARE(expired.status, 400);
    const QJsonObject body = jsonOf(expired);
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("expired_token"));
    QCOMPARE(body.value(QStringLiteral("error_codes")).toArray(), QJsonArray{70019});
    // Approving it now is too late.
    const HttpResponse page = submitPage(started.value(QStringLiteral("user_code")).toString(), QStringLiteral("alice"),
                                         AlicePassword);
    QCOMPARE(page.status, 400);
    QVERIFY(page.body.contains("That code is not valid or has expired."));
    QCOMPARE(m_f->count(IdentityEvent::Kind::DeviceCodeApproved), 0);
}

void TestOAuthEndpoints::badVerificationCodes()
{
    const QString deviceCode = startFlow().value(QStringLiteral("device_code")).toString();
    QString altered = deviceCode;
    altered[42] = altered[42] == u'A' ? u'B' : u'A';
    for (const QString& code : {QStringLiteral("garbage"), QString(43, u'x'), altered}) {
        const HttpResponse response = poll(code);
        QCOMPARE(response.status, 400);
        QCOMPARE(jsonOf(response).value(QStringLiteral("error")).toString(), QStringLiteral("bad_verification_code"));
    }
    // A device code is bound to the client that asked for it.
    QCOMPARE(jsonOf(poll(deviceCode, QStringLiteral("another-client"))).value(QStringLiteral("error")).toString(),
             QStringLiteral("bad_verification_code"));
    // A user code that does not exist.
    const HttpResponse page = submitPage(QStringLiteral("BCDF-GHJK"), QStringLiteral("alice"), AlicePassword);
    QCOMPARE(page.status, 400);
    QVERIFY(page.body.contains("That code is not valid or has expired."));
}

void TestOAuthEndpoints::refreshGrant()
{
    const TokenResult issued = m_f->identity->issueTokens(m_aliceId, Client, Scope, startTime(), Timestamp(), {});
    auto refresh = [this](const QString& token) {
        return m_endpoints->handle(post(QStringLiteral("token"),
                                        formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                  {QStringLiteral("client_id"), Client},
                                                  {QStringLiteral("refresh_token"), token},
                                                  {QStringLiteral("scope"), Scope}})));
    };
    const HttpResponse first = refresh(issued.refreshToken);
    QCOMPARE(first.status, 200);
    const QJsonObject body = jsonOf(first);
    const QString rotated = body.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!rotated.isEmpty() && rotated != issued.refreshToken);
    QVERIFY(m_f->identity->authenticate(body.value(QStringLiteral("access_token")).toString()));

    const HttpResponse replay = refresh(issued.refreshToken);
    QCOMPARE(replay.status, 400);
    QCOMPARE(jsonOf(replay).value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(m_f->count(IdentityEvent::Kind::RefreshTokenReused), 1);
    QCOMPARE(m_f->events.last().remoteAddress, QStringLiteral("192.0.2.10"));
    QCOMPARE(m_f->events.last().clientId, Client);
    // Reuse detection ended the rotated token too.
    QCOMPARE(jsonOf(refresh(rotated)).value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestOAuthEndpoints::errorBodies()
{
    const QString deviceCode = startFlow().value(QStringLiteral("device_code")).toString();
    HttpRequest request = post(QStringLiteral("token"), formBody({{QStringLiteral("grant_type"), DeviceGrant},
                                                                   {QStringLiteral("client_id"), Client},
                                                                   {QStringLiteral("device_code"), deviceCode}}));
    const QString correlation = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
    request.headers.append({QByteArrayLiteral("client-request-id"), correlation.toLatin1()});
    request.requestId = QStringLiteral("6c1d9a0e-1f2b-4c3d-8e4f-5a6b7c8d9e0f");
    const HttpResponse response = m_endpoints->handle(request);
    QCOMPARE(response.status, 400);
    QCOMPARE(headerOf(response, "Cache-Control"), QByteArrayLiteral("no-store"));
    const QJsonObject body = jsonOf(response);
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));
    QCOMPARE(body.value(QStringLiteral("error_codes")).toArray(), QJsonArray{70016});
    QCOMPARE(body.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-03-02 10:00:00Z"));
    QCOMPARE(body.value(QStringLiteral("trace_id")).toString(), request.requestId);
    QCOMPARE(body.value(QStringLiteral("correlation_id")).toString(), correlation);
    const QString description = body.value(QStringLiteral("error_description")).toString();
    QVERIFY2(description.startsWith(QStringLiteral("AADSTS70016: ")), qPrintable(description));
    QVERIFY(description.contains(QStringLiteral("\r\nTrace ID: ") + request.requestId));
    QVERIFY(description.contains(QStringLiteral("\r\nCorrelation ID: ") + correlation));
    QVERIFY(description.endsWith(QStringLiteral("\r\nTimestamp: 2026-03-02 10:00:00Z")));
    QCOMPARE(headerOf(response, "client-request-id"), correlation.toLatin1());
    QCOMPARE(headerOf(response, "x-ms-request-id"), request.requestId.toLatin1());

    // Without ids from the request, fresh GUIDs are made.
    const HttpResponse anonymous = poll(QStringLiteral("garbage"));
    QVERIFY(headerOf(anonymous, "client-request-id").isEmpty());
    const QJsonObject fresh = jsonOf(anonymous);
    QVERIFY(!QUuid::fromString(fresh.value(QStringLiteral("trace_id")).toString()).isNull());
    QVERIFY(!QUuid::fromString(fresh.value(QStringLiteral("correlation_id")).toString()).isNull());
}

void TestOAuthEndpoints::requestValidation()
{
    auto error = [this](const HttpRequest& request) { return jsonOf(m_endpoints->handle(request)).value(QStringLiteral("error")).toString(); };

    QCOMPARE(error(post(QStringLiteral("token"), formBody({{QStringLiteral("client_id"), Client}}))),
             QStringLiteral("invalid_request"));
    QCOMPARE(error(post(QStringLiteral("token"), formBody({{QStringLiteral("grant_type"), DeviceGrant}}))),
             QStringLiteral("invalid_request"));
    QCOMPARE(error(post(QStringLiteral("token"), formBody({{QStringLiteral("grant_type"), DeviceGrant},
                                                            {QStringLiteral("client_id"), Client}}))),
             QStringLiteral("invalid_request"));
    QCOMPARE(error(post(QStringLiteral("token"), formBody({{QStringLiteral("grant_type"), QStringLiteral("password")},
                                                            {QStringLiteral("client_id"), Client},
                                                            {QStringLiteral("username"), QStringLiteral("alice")},
                                                            {QStringLiteral("password"), AlicePassword}}))),
             QStringLiteral("unsupported_grant_type"));
    // JSON is not a form.
    QCOMPARE(error(post(QStringLiteral("token"), QByteArrayLiteral("{\"grant_type\":\"refresh_token\"}"),
                        QByteArrayLiteral("application/json"))),
             QStringLiteral("invalid_request"));
    // A parameter given twice (RFC 6749 §3.1).
    QCOMPARE(error(post(QStringLiteral("devicecode"),
                        QByteArrayLiteral("client_id=a&client_id=b&scope=User.Read"))),
             QStringLiteral("invalid_request"));
    QCOMPARE(error(post(QStringLiteral("devicecode"), formBody({{QStringLiteral("client_id"), Client}}))),
             QStringLiteral("invalid_request"));
    // The body limit.
    QCOMPARE(m_endpoints->handle(post(QStringLiteral("token"), QByteArray(20000, 'a'))).status, 413);

    // '+' is a space in a form body, and the charset parameter is allowed.
    const HttpResponse plus = m_endpoints->handle(post(QStringLiteral("devicecode"),
                                                       QByteArrayLiteral("client_id=c&scope=User.Read+offline_access"),
                                                       QByteArrayLiteral("application/x-www-form-urlencoded; charset=UTF-8")));
    QCOMPARE(plus.status, 200);
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT scope FROM device_codes WHERE client_id = 'c'")).toString(), Scope);

    // Wrong methods and paths.
    HttpRequest get = post(QStringLiteral("token"), QByteArray());
    get.method = QByteArrayLiteral("GET");
    const HttpResponse notAllowed = m_endpoints->handle(get);
    QCOMPARE(notAllowed.status, 405);
    QCOMPARE(headerOf(notAllowed, "Allow"), QByteArrayLiteral("POST"));
    HttpRequest unknown = post(QStringLiteral("authorize2"), QByteArray());
    QCOMPARE(m_endpoints->handle(unknown).status, 404);
    QVERIFY(OAuthEndpoints::matches(QStringLiteral("/common/oauth2/v2.0/token")));
    QVERIFY(OAuthEndpoints::matches(QStringLiteral("/contoso.onmicrosoft.com/oauth2/v2.0/devicecode")));
    QVERIFY(!OAuthEndpoints::matches(QStringLiteral("/common/oauth2/v2.0/token/extra")));
    QVERIFY(!OAuthEndpoints::matches(QStringLiteral("/../oauth2/v2.0/token")));
    QVERIFY(!OAuthEndpoints::matches(QStringLiteral("/v1.0/me")));
}

void TestOAuthEndpoints::clientAndTenantRestrictions()
{
    // A server that knows its clients and its tenant.
    cleanup();
    m_f = std::make_unique<IdentityFixture>();
    IdentitySettings settings = cheapSettings();
    settings.allowedClientIds = {Client};
    QVERIFY(m_f->open(settings));
    OAuthEndpointSettings endpointSettings;
    endpointSettings.tenants = {QStringLiteral("organizations"), QStringLiteral("contoso.test")};
    m_endpoints = std::make_unique<OAuthEndpoints>(*m_f->identity, m_f->clock, endpointSettings);

    const HttpResponse unknownClient = m_endpoints->handle(post(
        QStringLiteral("devicecode"),
        formBody({{QStringLiteral("client_id"), QStringLiteral("rogue-app")}, {QStringLiteral("scope"), Scope}})));
    QCOMPARE(unknownClient.status, 401);
    QCOMPARE(jsonOf(unknownClient).value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));

    const HttpResponse knownClient = m_endpoints->handle(
        post(QStringLiteral("devicecode"), formBody({{QStringLiteral("client_id"), Client}, {QStringLiteral("scope"), Scope}})));
    QCOMPARE(knownClient.status, 200);
    // Without a public base URL the setting's (empty) URI is used; the response still parses.
    QVERIFY(jsonOf(knownClient).contains(QStringLiteral("verification_uri")));

    const HttpResponse rogueRefresh = m_endpoints->handle(post(
        QStringLiteral("token"), formBody({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                           {QStringLiteral("client_id"), QStringLiteral("rogue-app")},
                                           {QStringLiteral("refresh_token"), QString(43, u'A')}})));
    QCOMPARE(rogueRefresh.status, 401);

    HttpRequest otherTenant = post(QStringLiteral("devicecode"), formBody({{QStringLiteral("client_id"), Client},
                                                                            {QStringLiteral("scope"), Scope}}));
    otherTenant.path = QStringLiteral("/fabrikam.test/oauth2/v2.0/devicecode");
    const HttpResponse wrongTenant = m_endpoints->handle(otherTenant);
    QCOMPARE(wrongTenant.status, 400);
    QCOMPARE(jsonOf(wrongTenant).value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    otherTenant.path = QStringLiteral("/Contoso.Test/oauth2/v2.0/devicecode");
    QCOMPARE(m_endpoints->handle(otherTenant).status, 200);
}

void TestOAuthEndpoints::verificationPage()
{
    HttpRequest get;
    get.method = QByteArrayLiteral("GET");
    get.path = Base + QStringLiteral("deviceauth");
    const HttpResponse page = m_endpoints->handle(get);
    QCOMPARE(page.status, 200);
    QCOMPARE(page.contentType, QByteArrayLiteral("text/html; charset=utf-8"));
    QCOMPARE(headerOf(page, "Cache-Control"), QByteArrayLiteral("no-store"));
    QCOMPARE(headerOf(page, "X-Frame-Options"), QByteArrayLiteral("DENY"));
    const QByteArray csp = headerOf(page, "Content-Security-Policy");
    QVERIFY(csp.startsWith("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"));
    QVERIFY(csp.contains("frame-ancestors 'none'"));
    QCOMPARE(headerOf(page, "X-Content-Type-Options"), QByteArrayLiteral("nosniff"));

    const QString html = QString::fromUtf8(page.body);
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("<html lang=\"en\">")));
    QVERIFY(html.contains(QStringLiteral("<form method=\"post\" action=\"deviceauth\"")));
    // Every field has its label.
    for (const QString& id : {QStringLiteral("user_code"), QStringLiteral("username"), QStringLiteral("password")}) {
        QVERIFY2(html.contains(QStringLiteral("<label for=\"%1\">").arg(id)), qPrintable(id));
        QVERIFY2(html.contains(QStringLiteral("id=\"%1\"").arg(id)), qPrintable(id));
    }
    QVERIFY(html.contains(QStringLiteral("type=\"password\"")));
    QVERIFY(html.contains(QStringLiteral("autocomplete=\"current-password\"")));
    QVERIFY(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("role=\"alert\"")));

    HttpRequest put = get;
    put.method = QByteArrayLiteral("PUT");
    QCOMPARE(m_endpoints->handle(put).status, 405);
}

void TestOAuthEndpoints::pageEscapesEverythingEchoed()
{
    const QString evilCode = QStringLiteral("<script>alert(1)</script>");
    const QString evilName = QStringLiteral("\"><img src=x onerror=alert('x')>&");
    const HttpResponse page = submitPage(evilCode, evilName, QStringLiteral("whatever"));
    QCOMPARE(page.status, 400);
    const QString html = QString::fromUtf8(page.body);
    QVERIFY(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("<img"), Qt::CaseInsensitive));
    QVERIFY(html.contains(QStringLiteral("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"")));
    QVERIFY(html.contains(QStringLiteral("value=\"&quot;&gt;&lt;img src=x onerror=alert(&#39;x&#39;)&gt;&amp;\"")));
    QVERIFY(html.contains(QStringLiteral("role=\"alert\"")));
    QCOMPARE(headerOf(page, "Content-Security-Policy").left(18), QByteArrayLiteral("default-src 'none'"));
}

void TestOAuthEndpoints::pageNeverEchoesThePassword()
{
    const QString userCode = startFlow().value(QStringLiteral("user_code")).toString();
    const QString password = QStringLiteral("Sup3r-Secret-Passw0rd");
    const HttpResponse page = submitPage(userCode, QStringLiteral("alice"), password);
    QCOMPARE(page.status, 400);
    QVERIFY(!page.body.contains(password.toUtf8()));
    QVERIFY(page.body.contains("value=\"alice\""));
    for (const IdentityEvent& e : std::as_const(m_f->events)) {
        QVERIFY(!e.reason.contains(password));
    }
    // Missing fields re-show the form.
    const HttpResponse incomplete = submitPage(userCode, QStringLiteral("alice"), QString());
    QCOMPARE(incomplete.status, 400);
    QVERIFY(incomplete.body.contains("Enter the code, your user name and your password."));
}

void TestOAuthEndpoints::pageThrottles()
{
    const QString userCode = startFlow().value(QStringLiteral("user_code")).toString();
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(submitPage(userCode, QStringLiteral("alice"), QStringLiteral("wrong-password")).status, 400);
    }
    const HttpResponse throttled = submitPage(userCode, QStringLiteral("alice"), AlicePassword);
    QCOMPARE(throttled.status, 429);
    QCOMPARE(headerOf(throttled, "Retry-After"), QByteArrayLiteral("1"));
    QVERIFY(throttled.body.contains("Too many failed sign-in attempts."));
    m_f->clock.advanceSeconds(1);
    QCOMPARE(submitPage(userCode, QStringLiteral("alice"), AlicePassword).status, 200);

    // Guessing user codes counts against the address too.
    for (int i = 0; i < 3; ++i) {
        m_f->clock.advanceSeconds(120);
        QCOMPARE(submitPage(QStringLiteral("BCDF-BCDF"), QStringLiteral("alice"), AlicePassword).status, 400);
    }
    QCOMPARE(submitPage(QStringLiteral("BCDF-BCDF"), QStringLiteral("alice"), AlicePassword).status, 429);
}

void TestOAuthEndpoints::databaseHoldsOnlyHashes()
{
    const QJsonObject started = startFlow();
    const QString deviceCode = started.value(QStringLiteral("device_code")).toString();
    QCOMPARE(submitPage(started.value(QStringLiteral("user_code")).toString(), QStringLiteral("alice"), AlicePassword).status,
             200);
    const QJsonObject tokens = jsonOf(poll(deviceCode));
    const QString access = tokens.value(QStringLiteral("access_token")).toString();
    const QString refresh = tokens.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!access.isEmpty() && !refresh.isEmpty());

    for (const QString& table : {QStringLiteral("tokens"), QStringLiteral("device_codes")}) {
        const QStringList values = m_f->tableText(table);
        QVERIFY(!values.isEmpty());
        for (const QString& value : values) {
            QVERIFY2(!value.contains(deviceCode), qPrintable(table));
            QVERIFY2(!value.contains(access), qPrintable(table));
            QVERIFY2(!value.contains(refresh), qPrintable(table));
            QVERIFY2(!value.contains(AlicePassword), qPrintable(table));
        }
    }
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT kind FROM tokens WHERE token_hash = ?"), {IdentityFixture::sha256(access)})
                 .toString(),
             QStringLiteral("access"));
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT kind FROM tokens WHERE token_hash = ?"), {IdentityFixture::sha256(refresh)})
                 .toString(),
             QStringLiteral("refresh"));
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT status FROM device_codes WHERE device_code_hash = ?"),
                            {IdentityFixture::sha256(deviceCode)})
                 .toString(),
             QStringLiteral("consumed"));
}

void TestOAuthEndpoints::bearerTokenHeader()
{
    HttpRequest request;
    QCOMPARE(OAuthEndpoints::bearerToken(request), QString());
    request.headers = {{QByteArrayLiteral("authorization"), QByteArrayLiteral("Bearer abc.def")}};
    QCOMPARE(OAuthEndpoints::bearerToken(request), QStringLiteral("abc.def"));
    request.headers = {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("bearer   xyz ")}};
    QCOMPARE(OAuthEndpoints::bearerToken(request), QStringLiteral("xyz"));
    request.headers = {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Basic dXNlcjpwdw==")}};
    QCOMPARE(OAuthEndpoints::bearerToken(request), QString());
    request.headers = {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer")}};
    QCOMPARE(OAuthEndpoints::bearerToken(request), QString());
}

QTEST_GUILESS_MAIN(TestOAuthEndpoints)
#include "TestOAuthEndpoints.moc"
