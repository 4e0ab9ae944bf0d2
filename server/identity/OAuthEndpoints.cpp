#include "OAuthEndpoints.h"

#include "Clock.h"
#include "DeviceAuthPage.h"
#include "IdentityLog.h"
#include "IdentityService.h"
#include "SignInPage.h"

#include <QHostAddress>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QUuid>

#include <optional>

namespace Elevate::Server {

namespace {

const QString DeviceCodeGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
const QString RefreshTokenGrant = QStringLiteral("refresh_token");
const QString AuthorizationCodeGrant = QStringLiteral("authorization_code");
constexpr qsizetype MaxStateLength = 2048;
constexpr qsizetype MaxClaimsLength = 4096;

const QByteArray PageSecurityPolicy =
    QByteArrayLiteral("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
// The sign-in form's answer redirects to the application's loopback listener, and browsers
// hold redirects after a form submission to form-action too.
const QByteArray SignInSecurityPolicy =
    QByteArrayLiteral("default-src 'none'; style-src 'unsafe-inline'; "
                      "form-action 'self' http://127.0.0.1:* http://[::1]:*; frame-ancestors 'none'");

struct Route
{
    QString tenant;
    QString endpoint; // "authorize", "devicecode", "token" or "deviceauth"
};

std::optional<Route> route(const QString& path)
{
    // Tenants are GUIDs, verified domains, "organizations" or "common": a DNS-like token.
    static const QRegularExpression pattern(
        QStringLiteral("^/([A-Za-z0-9][A-Za-z0-9.-]{0,252})/oauth2/v2\\.0/(authorize|devicecode|token|deviceauth)$"));
    const QRegularExpressionMatch match = pattern.match(path);
    if (!match.hasMatch()) {
        return std::nullopt;
    }
    return Route{match.captured(1), match.captured(2)};
}

// application/x-www-form-urlencoded (WHATWG URL §5.1): '+' is a space, then percent-decoding,
// then UTF-8. QUrlQuery keeps '+' as is, so it cannot parse these bodies. A parameter given
// twice is an error (RFC 6749 §3.1).
struct Form
{
    QHash<QString, QString> values;
    QString error;

    QString value(const QString& name) const { return values.value(name); }
};

Form parseForm(const QByteArray& body)
{
    Form form;
    const QList<QByteArray> pairs = body.split('&');
    for (const QByteArray& pair : pairs) {
        if (pair.isEmpty()) {
            continue;
        }
        const qsizetype eq = pair.indexOf('=');
        QByteArray rawName = eq < 0 ? pair : pair.left(eq);
        QByteArray rawValue = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        rawName.replace('+', ' ');
        rawValue.replace('+', ' ');
        QStringDecoder nameDecoder(QStringDecoder::Utf8);
        QStringDecoder valueDecoder(QStringDecoder::Utf8);
        const QString name = nameDecoder.decode(QByteArray::fromPercentEncoding(rawName));
        const QString value = valueDecoder.decode(QByteArray::fromPercentEncoding(rawValue));
        if (nameDecoder.hasError() || valueDecoder.hasError()) {
            form.error = QStringLiteral("The request body is not valid UTF-8.");
            return form;
        }
        if (form.values.contains(name)) {
            form.error = QStringLiteral("The parameter '%1' was given more than once.").arg(name.left(64));
            return form;
        }
        form.values.insert(name, value);
    }
    return form;
}

bool isFormBody(const HttpRequest& request)
{
    const QByteArray type = request.header("Content-Type").split(';').first().trimmed().toLower();
    return type == "application/x-www-form-urlencoded";
}

QString newGuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString correlationId(const HttpRequest& request)
{
    const QUuid given = QUuid::fromString(QString::fromLatin1(request.header("client-request-id")));
    return given.isNull() ? newGuid() : given.toString(QUuid::WithoutBraces);
}

QString traceId(const HttpRequest& request)
{
    return request.requestId.isEmpty() ? newGuid() : request.requestId;
}

// Entra prints "2022-08-25 09:34:07Z" in error bodies.
QString errorTimestamp(const Timestamp& now)
{
    return now.toIso().left(19).replace(u'T', u' ') + u'Z';
}

void noStore(HttpResponse& response)
{
    response.setHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    response.setHeader(QByteArrayLiteral("Pragma"), QByteArrayLiteral("no-cache"));
}

HttpResponse pageResponse(int status, const QByteArray& body, const QByteArray& policy = PageSecurityPolicy)
{
    HttpResponse response;
    response.status = status;
    response.contentType = QByteArrayLiteral("text/html; charset=utf-8");
    response.body = body;
    noStore(response);
    response.setHeader(QByteArrayLiteral("Content-Security-Policy"), policy);
    response.setHeader(QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY"));
    response.setHeader(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff"));
    response.setHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
    return response;
}

// RFC 8252 §7.3: a loopback IP literal over plain http, any port, any path; no user info, no
// fragment (RFC 6749 §3.1.2). "localhost" is refused (§8.3: it may resolve elsewhere).
bool isLoopbackRedirect(const QString& uri)
{
    if (uri.isEmpty() || uri.size() > 2048) {
        return false;
    }
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"http" || !url.userInfo().isEmpty() || url.hasFragment()) {
        return false;
    }
    const QHostAddress host(url.host());
    return !host.isNull() && host.isLoopback()
        && (host == QHostAddress(QHostAddress::LocalHost) || host == QHostAddress(QHostAddress::LocalHostIPv6));
}

struct Claims
{
    bool present = false;
    QStringList acrs;
    QString error;
};

// {"access_token":{"acrs":{"essential":true,"value":"c1"}}} or "values":["c1","c2"]
// (OpenID Connect Core §5.5). Other members are allowed and ignored.
Claims parseClaims(const QString& text)
{
    Claims claims;
    if (text.isEmpty()) {
        return claims;
    }
    claims.present = true;
    if (text.size() > MaxClaimsLength) {
        claims.error = QStringLiteral("The claims parameter is too long.");
        return claims;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        claims.error = QStringLiteral("The claims parameter is not a JSON object.");
        return claims;
    }
    const QJsonObject acrs =
        doc.object().value(QStringLiteral("access_token")).toObject().value(QStringLiteral("acrs")).toObject();
    QStringList values;
    if (acrs.value(QStringLiteral("value")).isString()) {
        values.append(acrs.value(QStringLiteral("value")).toString());
    }
    for (const QJsonValue& v : acrs.value(QStringLiteral("values")).toArray()) {
        values.append(v.toString());
    }
    static const QRegularExpression acrPattern(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    for (const QString& v : values) {
        if (!acrPattern.match(v).hasMatch()) {
            claims.error = QStringLiteral("The claims parameter names an invalid authentication context.");
            return claims;
        }
        if (!claims.acrs.contains(v)) {
            claims.acrs.append(v);
        }
    }
    return claims;
}

// The authorize request's parameters, checked. `fatal` problems (no usable client or redirect
// URI) are shown on the page; the others go back to the redirect URI (RFC 6749 §4.1.2.1).
struct AuthorizeParameters
{
    AuthorizationRequest request;
    QString fatal;
    OAuthError error = OAuthError::None;
    QString errorDescription;
    QString loginHint;
    SignInPage::Fields hidden;
};

const QStringList AuthorizeFields{
    QStringLiteral("client_id"),      QStringLiteral("response_type"),         QStringLiteral("redirect_uri"),
    QStringLiteral("response_mode"),  QStringLiteral("scope"),                 QStringLiteral("state"),
    QStringLiteral("code_challenge"), QStringLiteral("code_challenge_method"), QStringLiteral("claims"),
    QStringLiteral("prompt"),         QStringLiteral("login_hint"),
};

AuthorizeParameters authorizeParameters(const QHash<QString, QString>& values, const IdentitySettings& settings)
{
    AuthorizeParameters p;
    auto value = [&values](const char* name) { return values.value(QString::fromLatin1(name)); };
    for (const QString& name : AuthorizeFields) {
        if (!values.value(name).isEmpty()) {
            p.hidden.append({name, values.value(name)});
        }
    }
    AuthorizationRequest& r = p.request;
    r.clientId = value("client_id");
    r.redirectUri = value("redirect_uri");
    r.scope = value("scope").simplified();
    r.state = value("state");
    r.codeChallenge = value("code_challenge");
    p.loginHint = value("login_hint").left(256);
    if (r.clientId.isEmpty()) {
        p.fatal = QStringLiteral("The request names no application (client_id).");
        return p;
    }
    if (!settings.allowedClientIds.isEmpty() && !settings.allowedClientIds.contains(r.clientId)) {
        p.fatal = QStringLiteral("The application is not registered with this server.");
        return p;
    }
    if (!isLoopbackRedirect(r.redirectUri)) {
        p.fatal = QStringLiteral("The application's redirect_uri must be http://127.0.0.1:PORT/... on this computer.");
        return p;
    }
    auto fail = [&p](OAuthError error, const QString& description) {
        p.error = error;
        p.errorDescription = description;
        return p;
    };
    if (r.state.size() > MaxStateLength) {
        r.state.clear(); // not echoed: too long to be one the client sent honestly
        return fail(OAuthError::InvalidRequest, QStringLiteral("The state parameter is too long."));
    }
    if (value("response_type") != u"code") {
        return fail(OAuthError::UnsupportedResponseType, QStringLiteral("Only response_type=code is supported."));
    }
    if (!value("response_mode").isEmpty() && value("response_mode") != u"query") {
        return fail(OAuthError::InvalidRequest, QStringLiteral("Only response_mode=query is supported."));
    }
    if (value("code_challenge_method") != u"S256") {
        return fail(OAuthError::InvalidRequest,
                    QStringLiteral("PKCE is required with code_challenge_method=S256 (RFC 7636)."));
    }
    static const QRegularExpression challengePattern(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
    if (!challengePattern.match(r.codeChallenge).hasMatch()) {
        return fail(OAuthError::InvalidRequest,
                    QStringLiteral("The code_challenge must be BASE64URL(SHA-256(code_verifier)), 43 characters."));
    }
    if (r.scope.isEmpty()) {
        return fail(OAuthError::InvalidRequest, QStringLiteral("The request must contain the parameter 'scope'."));
    }
    if (r.scope.size() > 2048) {
        return fail(OAuthError::InvalidScope, QStringLiteral("The requested scope is too long."));
    }
    const Claims claims = parseClaims(value("claims"));
    if (!claims.error.isEmpty()) {
        return fail(OAuthError::InvalidRequest, claims.error);
    }
    r.stepUp = claims.present;
    r.acrs = claims.acrs;
    // Nothing here keeps a browser session, so there is never one to reuse silently.
    if (value("prompt") == u"none") {
        return fail(OAuthError::LoginRequired, QStringLiteral("Interactive sign-in is required."));
    }
    return p;
}

// RFC 6749 §4.1.2: the parameters go in the redirect URI's query, after any it already has.
HttpResponse redirectTo(const QString& uri, const QList<std::pair<QString, QString>>& parameters)
{
    QString location = uri;
    bool first = !uri.contains(u'?');
    for (const auto& [name, value] : parameters) {
        location += (first ? u'?' : u'&') + name + u'=' + QString::fromLatin1(QUrl::toPercentEncoding(value));
        first = false;
    }
    HttpResponse response;
    response.status = 302;
    response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    noStore(response);
    response.setHeader(QByteArrayLiteral("Location"), location.toUtf8());
    response.setHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
    return response;
}

HttpResponse redirectError(const AuthorizationRequest& request, OAuthError error, const QString& description)
{
    QList<std::pair<QString, QString>> parameters{
        {QStringLiteral("error"), oauthErrorCode(error)},
        {QStringLiteral("error_description"),
         QStringLiteral("AADSTS%1: %2").arg(QString::number(oauthErrorNumber(error)), description)},
    };
    if (!request.state.isEmpty()) {
        parameters.append({QStringLiteral("state"), request.state});
    }
    return redirectTo(request.redirectUri, parameters);
}

HttpResponse redirectCode(const SignInStep& step)
{
    QList<std::pair<QString, QString>> parameters{{QStringLiteral("code"), step.code}};
    if (!step.state.isEmpty()) {
        parameters.append({QStringLiteral("state"), step.state});
    }
    return redirectTo(step.redirectUri, parameters);
}

HttpResponse signInPage(int status, const QByteArray& body)
{
    return pageResponse(status, body, SignInSecurityPolicy);
}

HttpResponse methodNotAllowed(const QByteArray& allow)
{
    HttpResponse response;
    response.status = 405;
    response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    response.body = QByteArrayLiteral("Method not allowed\n");
    response.setHeader(QByteArrayLiteral("Allow"), allow);
    return response;
}

} // namespace

OAuthEndpoints::OAuthEndpoints(IdentityService& identity, const Clock& clock, OAuthEndpointSettings settings)
    : m_identity(identity)
    , m_clock(clock)
    , m_settings(std::move(settings))
{
    while (m_settings.publicBaseUrl.endsWith(u'/')) {
        m_settings.publicBaseUrl.chop(1);
    }
    if (m_settings.publicBaseUrl.isEmpty() && m_identity.settings().verificationUri.isEmpty()) {
        qCWarning(lcIdentity) << "no public base URL configured: device code responses carry no verification_uri";
    }
}

bool OAuthEndpoints::matches(const QString& path)
{
    return route(path).has_value();
}

QString OAuthEndpoints::bearerToken(const HttpRequest& request)
{
    const QByteArray header = request.header("Authorization").trimmed();
    const qsizetype space = header.indexOf(' ');
    if (space <= 0 || QByteArrayView(header.left(space)).compare("Bearer", Qt::CaseInsensitive) != 0) {
        return {};
    }
    return QString::fromLatin1(header.mid(space + 1).trimmed());
}

HttpResponse OAuthEndpoints::handle(const HttpRequest& request)
{
    const std::optional<Route> r = route(request.path);
    if (!r) {
        HttpResponse response;
        response.status = 404;
        response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
        response.body = QByteArrayLiteral("Not found\n");
        return response;
    }
    const bool page = r->endpoint == u"deviceauth" || r->endpoint == u"authorize";
    const bool signIn = r->endpoint == u"authorize";
    if (!m_settings.tenants.isEmpty() && !m_settings.tenants.contains(r->tenant, Qt::CaseInsensitive)) {
        if (signIn) {
            return signInPage(404, SignInPage::failure(QStringLiteral("Unknown tenant.")));
        }
        if (page) {
            return pageResponse(404, DeviceAuthPage::form(QString(), QString(), QStringLiteral("Unknown tenant.")));
        }
        return oauthError(request, OAuthError::InvalidRequest,
                          QStringLiteral("Tenant '%1' not found.").arg(r->tenant), 400);
    }
    if (request.body.size() > m_settings.maxBodyBytes) {
        if (signIn) {
            return signInPage(413, SignInPage::failure(QStringLiteral("The form is too large.")));
        }
        return page ? pageResponse(413, DeviceAuthPage::form(QString(), QString(), QStringLiteral("The form is too large.")))
                    : oauthError(request, OAuthError::InvalidRequest, QStringLiteral("The request body is too large."), 413);
    }
    if (signIn) {
        if (request.method == "GET" || request.method == "HEAD") {
            HttpResponse response = authorize(request);
            if (request.method == "HEAD") {
                response.body.clear();
            }
            return response;
        }
        if (request.method == "POST") {
            return authorizeSubmit(request);
        }
        return methodNotAllowed(QByteArrayLiteral("GET, HEAD, POST"));
    }
    if (page) {
        if (request.method == "GET" || request.method == "HEAD") {
            HttpResponse response = deviceAuthForm();
            if (request.method == "HEAD") {
                response.body.clear();
            }
            return response;
        }
        if (request.method == "POST") {
            return deviceAuthSubmit(request);
        }
        return methodNotAllowed(QByteArrayLiteral("GET, HEAD, POST"));
    }
    if (request.method != "POST") {
        return methodNotAllowed(QByteArrayLiteral("POST"));
    }
    return r->endpoint == u"devicecode" ? deviceCode(request, r->tenant) : token(request);
}

HttpResponse OAuthEndpoints::json(const HttpRequest& request, int status, const QByteArray& body) const
{
    HttpResponse response;
    response.status = status;
    response.contentType = QByteArrayLiteral("application/json; charset=utf-8");
    response.body = body;
    noStore(response);
    // Echoed only when the client sent one, as Entra does.
    const QUuid given = QUuid::fromString(QString::fromLatin1(request.header("client-request-id")));
    if (!given.isNull()) {
        response.setHeader(QByteArrayLiteral("client-request-id"), given.toString(QUuid::WithoutBraces).toLatin1());
    }
    return response;
}

HttpResponse OAuthEndpoints::oauthError(const HttpRequest& request, OAuthError error, const QString& description,
                                        int status) const
{
    const QString trace = traceId(request);
    const QString correlation = correlationId(request);
    const QString timestamp = errorTimestamp(m_clock.now());
    const int number = oauthErrorNumber(error);
    // Entra's layout: "AADSTSnnnnn: text\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp: ...".
    const QString fullDescription = QStringLiteral("AADSTS%1: %2\r\nTrace ID: %3\r\nCorrelation ID: %4\r\nTimestamp: %5")
                                        .arg(QString::number(number), description, trace, correlation, timestamp);
    QJsonObject body{
        {QStringLiteral("error"), oauthErrorCode(error)},
        {QStringLiteral("error_description"), fullDescription},
        {QStringLiteral("error_codes"), QJsonArray{number}},
        {QStringLiteral("timestamp"), timestamp},
        {QStringLiteral("trace_id"), trace},
        {QStringLiteral("correlation_id"), correlation},
    };
    HttpResponse response = json(request, status > 0 ? status : oauthErrorStatus(error),
                                 QJsonDocument(body).toJson(QJsonDocument::Compact));
    response.setHeader(QByteArrayLiteral("x-ms-request-id"), trace.toLatin1());
    return response;
}

HttpResponse OAuthEndpoints::deviceCode(const HttpRequest& request, const QString& tenant)
{
    if (!isFormBody(request)) {
        return oauthError(request, OAuthError::InvalidRequest,
                          QStringLiteral("The request body must be application/x-www-form-urlencoded."));
    }
    const Form form = parseForm(request.body);
    if (!form.error.isEmpty()) {
        return oauthError(request, OAuthError::InvalidRequest, form.error);
    }
    const QString verificationUri = m_settings.publicBaseUrl.isEmpty()
        ? QString()
        : m_settings.publicBaseUrl + u'/' + tenant + QStringLiteral("/oauth2/v2.0/deviceauth");
    const Claims claims = parseClaims(form.value(QStringLiteral("claims")));
    if (!claims.error.isEmpty()) {
        return oauthError(request, OAuthError::InvalidRequest, claims.error);
    }
    const DeviceAuthorization started =
        m_identity.startDeviceCode(form.value(QStringLiteral("client_id")), form.value(QStringLiteral("scope")),
                                   verificationUri, claims.present ? std::optional<QStringList>(claims.acrs) : std::nullopt);
    if (!started.ok()) {
        qCInfo(lcIdentity) << "devicecode refused:" << oauthErrorCode(started.error);
        return oauthError(request, started.error, started.errorDescription);
    }
    // The demo shortcut: only with --demo (which fills demoLoginHints), only from this machine,
    // only for the demo's personas. Anywhere else the hint changes nothing.
    const QString hint = form.value(QStringLiteral("login_hint")).trimmed();
    const QHostAddress peer(request.remoteAddress);
    qint64 interval = started.interval;
    if (!hint.isEmpty() && !m_settings.demoLoginHints.isEmpty() && !peer.isNull() && peer.isLoopback()
        && m_settings.demoLoginHints.contains(hint, Qt::CaseInsensitive)) {
        if (m_identity.approveDeviceCodeForDemo(started.deviceCode, m_identity.userIdForName(hint))) {
            interval = 1; // already approved: the first poll, as soon as allowed, gets the tokens
        } else {
            qCWarning(lcIdentity) << "demo sign-in by login_hint failed";
        }
    }
    const QJsonObject body{
        {QStringLiteral("user_code"), started.userCode},
        {QStringLiteral("device_code"), started.deviceCode},
        {QStringLiteral("verification_uri"), started.verificationUri},
        {QStringLiteral("expires_in"), static_cast<qint64>(started.expiresIn)},
        {QStringLiteral("interval"), interval},
        {QStringLiteral("message"), started.message},
    };
    return json(request, 200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpResponse OAuthEndpoints::token(const HttpRequest& request)
{
    if (!isFormBody(request)) {
        return oauthError(request, OAuthError::InvalidRequest,
                          QStringLiteral("The request body must be application/x-www-form-urlencoded."));
    }
    const Form form = parseForm(request.body);
    if (!form.error.isEmpty()) {
        return oauthError(request, OAuthError::InvalidRequest, form.error);
    }
    const QString grantType = form.value(QStringLiteral("grant_type"));
    const QString clientId = form.value(QStringLiteral("client_id"));
    if (grantType.isEmpty()) {
        return oauthError(request, OAuthError::InvalidRequest,
                          QStringLiteral("The request body must contain the parameter 'grant_type'."));
    }
    if (clientId.isEmpty()) {
        return oauthError(request, OAuthError::InvalidRequest,
                          QStringLiteral("The request body must contain the parameter 'client_id'."));
    }

    TokenResult result;
    if (grantType == AuthorizationCodeGrant) {
        const QString code = form.value(QStringLiteral("code"));
        const QString redirectUri = form.value(QStringLiteral("redirect_uri"));
        const QString verifier = form.value(QStringLiteral("code_verifier"));
        for (const auto& [name, given] : {std::pair{"code", &code}, std::pair{"redirect_uri", &redirectUri},
                                          std::pair{"code_verifier", &verifier}}) {
            if (given->isEmpty()) {
                return oauthError(request, OAuthError::InvalidRequest,
                                  QStringLiteral("The request body must contain the parameter '%1'.")
                                      .arg(QLatin1String(name)));
            }
        }
        result = m_identity.redeemAuthorizationCode(code, clientId, redirectUri, verifier, request.remoteAddress);
    } else if (grantType == DeviceCodeGrant) {
        const QString code = form.value(QStringLiteral("device_code"));
        if (code.isEmpty()) {
            return oauthError(request, OAuthError::InvalidRequest,
                              QStringLiteral("The request body must contain the parameter 'device_code'."));
        }
        result = m_identity.pollDeviceCode(code, clientId);
    } else if (grantType == RefreshTokenGrant) {
        const QString refreshToken = form.value(QStringLiteral("refresh_token"));
        if (refreshToken.isEmpty()) {
            return oauthError(request, OAuthError::InvalidRequest,
                              QStringLiteral("The request body must contain the parameter 'refresh_token'."));
        }
        const Claims claims = parseClaims(form.value(QStringLiteral("claims")));
        if (!claims.error.isEmpty()) {
            return oauthError(request, OAuthError::InvalidRequest, claims.error);
        }
        result = m_identity.refresh(refreshToken, clientId, request.remoteAddress,
                                    claims.present ? std::optional<QStringList>(claims.acrs) : std::nullopt);
    } else {
        return oauthError(request, OAuthError::UnsupportedGrantType,
                          QStringLiteral("The grant type is not supported by this server."));
    }

    if (!result.ok()) {
        // authorization_pending is the normal answer to most polls: not worth a line each.
        if (result.error != OAuthError::AuthorizationPending) {
            // The grant type is one of the three known ones here (others were answered above).
            qCInfo(lcIdentity).noquote() << "token grant" << grantType << "refused:" << oauthErrorCode(result.error);
        }
        return oauthError(request, result.error, result.errorDescription);
    }
    const QJsonObject body{
        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
        {QStringLiteral("scope"), result.scope},
        {QStringLiteral("expires_in"), static_cast<qint64>(result.expiresIn)},
        {QStringLiteral("ext_expires_in"), static_cast<qint64>(result.expiresIn)},
        {QStringLiteral("access_token"), result.accessToken},
        {QStringLiteral("refresh_token"), result.refreshToken},
    };
    return json(request, 200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpResponse OAuthEndpoints::authorize(const HttpRequest& request)
{
    // Query strings from browsers may carry '+' for spaces, as form bodies do.
    const Form form = parseForm(request.query.query(QUrl::FullyEncoded).toUtf8());
    if (!form.error.isEmpty()) {
        return signInPage(400, SignInPage::failure(form.error));
    }
    const AuthorizeParameters p = authorizeParameters(form.values, m_identity.settings());
    if (!p.fatal.isEmpty()) {
        qCInfo(lcIdentity) << "authorize refused without redirect";
        return signInPage(400, SignInPage::failure(p.fatal));
    }
    if (p.error != OAuthError::None) {
        qCInfo(lcIdentity) << "authorize refused:" << oauthErrorCode(p.error);
        return redirectError(p.request, p.error, p.errorDescription);
    }
    return signInPage(200, SignInPage::credentials(p.hidden, p.loginHint, QString(), p.request.stepUp));
}

HttpResponse OAuthEndpoints::authorizeSubmit(const HttpRequest& request)
{
    if (!isFormBody(request)) {
        return signInPage(400, SignInPage::failure(QStringLiteral("The form could not be read.")));
    }
    const Form form = parseForm(request.body);
    if (!form.error.isEmpty()) {
        return signInPage(400, SignInPage::failure(form.error));
    }
    auto throttleStatus = [](const LoginResult& login) {
        return login.outcome == LoginResult::Outcome::Throttled || login.outcome == LoginResult::Outcome::Locked;
    };
    auto withRetryAfter = [](HttpResponse response, const LoginResult& login) {
        if (login.retryAfterSeconds > 0 && response.status == 429) {
            response.setHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(login.retryAfterSeconds));
        }
        return response;
    };

    // Second step: the verification code for the sign-in the handle names.
    const QString pending = form.value(QStringLiteral("pending"));
    if (!pending.isEmpty()) {
        const QString totp = form.value(QStringLiteral("totp")).left(16);
        const SignInStep step = m_identity.completeSecondFactor(pending, totp, request.remoteAddress);
        if (step.outcome == SignInStep::Outcome::CodeIssued) {
            return redirectCode(step);
        }
        if (step.login.reason == LoginResult::Reason::SignInExpired) {
            return signInPage(400, SignInPage::failure(step.login.userMessage()));
        }
        return withRetryAfter(signInPage(throttleStatus(step.login) ? 429 : 400,
                                           SignInPage::secondFactor(pending, step.login.userMessage())),
                              step.login);
    }

    // First step: user name and password, with the authorize parameters posted back.
    const AuthorizeParameters p = authorizeParameters(form.values, m_identity.settings());
    if (!p.fatal.isEmpty()) {
        return signInPage(400, SignInPage::failure(p.fatal));
    }
    if (p.error != OAuthError::None) {
        return redirectError(p.request, p.error, p.errorDescription);
    }
    const QString userName = form.value(QStringLiteral("username")).left(256);
    const QString password = form.value(QStringLiteral("password"));
    if (userName.isEmpty() || password.isEmpty()) {
        return signInPage(400, SignInPage::credentials(p.hidden, userName,
                                                         QStringLiteral("Enter your user name and password."),
                                                         p.request.stepUp));
    }
    const SignInStep step = m_identity.signInForCode(p.request, userName, password, request.remoteAddress);
    switch (step.outcome) {
    case SignInStep::Outcome::CodeIssued:
        return redirectCode(step);
    case SignInStep::Outcome::SecondFactorNeeded:
        return signInPage(200, SignInPage::secondFactor(step.pendingHandle, QString()));
    case SignInStep::Outcome::Failed:
        break;
    }
    return withRetryAfter(signInPage(throttleStatus(step.login) ? 429 : 400,
                                       SignInPage::credentials(p.hidden, userName, step.login.userMessage(),
                                                               p.request.stepUp)),
                          step.login);
}

HttpResponse OAuthEndpoints::deviceAuthForm()
{
    return pageResponse(200, DeviceAuthPage::form(QString(), QString(), QString()));
}

HttpResponse OAuthEndpoints::deviceAuthSubmit(const HttpRequest& request)
{
    if (!isFormBody(request)) {
        return pageResponse(400, DeviceAuthPage::form(QString(), QString(), QStringLiteral("The form could not be read.")));
    }
    const Form form = parseForm(request.body);
    const QString userCode = form.value(QStringLiteral("user_code")).left(64);
    const QString userName = form.value(QStringLiteral("username")).left(256);
    const QString password = form.value(QStringLiteral("password"));
    const QString action = form.value(QStringLiteral("action"));
    const QString totp = form.value(QStringLiteral("totp")).left(16);
    if (!form.error.isEmpty() || userCode.isEmpty() || userName.isEmpty() || password.isEmpty()
        || (!action.isEmpty() && action != u"approve" && action != u"decline")) {
        return pageResponse(400, DeviceAuthPage::form(userCode, userName,
                                                      QStringLiteral("Enter the code, your user name and your password.")));
    }

    const bool approve = action != u"decline";
    const DeviceDecision decision =
        approve ? m_identity.approveDeviceCode(userCode, userName, password, request.remoteAddress, totp)
                : m_identity.declineDeviceCode(userCode, userName, password, request.remoteAddress, totp);
    switch (decision.outcome) {
    case DeviceDecision::Outcome::Approved:
        return pageResponse(200, DeviceAuthPage::finished(true));
    case DeviceDecision::Outcome::Declined:
        return pageResponse(200, DeviceAuthPage::finished(false));
    case DeviceDecision::Outcome::BadUserCode:
    case DeviceDecision::Outcome::SignInFailed:
        break;
    }
    const LoginResult& login = decision.login;
    const bool throttled =
        login.outcome == LoginResult::Outcome::Throttled || login.outcome == LoginResult::Outcome::Locked;
    HttpResponse response = pageResponse(throttled ? 429 : 400,
                                         DeviceAuthPage::form(userCode, userName, login.userMessage()));
    if (throttled && login.retryAfterSeconds > 0) {
        response.setHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(login.retryAfterSeconds));
    }
    return response;
}

} // namespace Elevate::Server
