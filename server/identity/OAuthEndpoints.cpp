#include "OAuthEndpoints.h"

#include "Clock.h"
#include "DeviceAuthPage.h"
#include "IdentityLog.h"
#include "IdentityService.h"

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

const QByteArray PageSecurityPolicy =
    QByteArrayLiteral("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");

struct Route
{
    QString tenant;
    QString endpoint; // "devicecode", "token" or "deviceauth"
};

std::optional<Route> route(const QString& path)
{
    // Tenants are GUIDs, verified domains, "organizations" or "common": a DNS-like token.
    static const QRegularExpression pattern(
        QStringLiteral("^/([A-Za-z0-9][A-Za-z0-9.-]{0,252})/oauth2/v2\\.0/(devicecode|token|deviceauth)$"));
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

HttpResponse pageResponse(int status, const QByteArray& body)
{
    HttpResponse response;
    response.status = status;
    response.contentType = QByteArrayLiteral("text/html; charset=utf-8");
    response.body = body;
    noStore(response);
    response.setHeader(QByteArrayLiteral("Content-Security-Policy"), PageSecurityPolicy);
    response.setHeader(QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY"));
    response.setHeader(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff"));
    response.setHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
    return response;
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
    const bool page = r->endpoint == u"deviceauth";
    if (!m_settings.tenants.isEmpty() && !m_settings.tenants.contains(r->tenant, Qt::CaseInsensitive)) {
        if (page) {
            return pageResponse(404, DeviceAuthPage::form(QString(), QString(), QStringLiteral("Unknown tenant.")));
        }
        return oauthError(request, OAuthError::InvalidRequest,
                          QStringLiteral("Tenant '%1' not found.").arg(r->tenant), 400);
    }
    if (request.body.size() > m_settings.maxBodyBytes) {
        return page ? pageResponse(413, DeviceAuthPage::form(QString(), QString(), QStringLiteral("The form is too large.")))
                    : oauthError(request, OAuthError::InvalidRequest, QStringLiteral("The request body is too large."), 413);
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
    const DeviceAuthorization started =
        m_identity.startDeviceCode(form.value(QStringLiteral("client_id")), form.value(QStringLiteral("scope")),
                                   verificationUri);
    if (!started.ok()) {
        qCInfo(lcIdentity) << "devicecode refused:" << oauthErrorCode(started.error);
        return oauthError(request, started.error, started.errorDescription);
    }
    const QJsonObject body{
        {QStringLiteral("user_code"), started.userCode},
        {QStringLiteral("device_code"), started.deviceCode},
        {QStringLiteral("verification_uri"), started.verificationUri},
        {QStringLiteral("expires_in"), static_cast<qint64>(started.expiresIn)},
        {QStringLiteral("interval"), started.interval},
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
    if (grantType == DeviceCodeGrant) {
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
        result = m_identity.refresh(refreshToken, clientId, request.remoteAddress);
    } else {
        return oauthError(request, OAuthError::UnsupportedGrantType,
                          QStringLiteral("The grant type is not supported by this server."));
    }

    if (!result.ok()) {
        // authorization_pending is the normal answer to most polls: not worth a line each.
        if (result.error != OAuthError::AuthorizationPending) {
            qCInfo(lcIdentity) << "token grant" << (grantType == DeviceCodeGrant ? "device_code" : "refresh_token")
                               << "refused:" << oauthErrorCode(result.error);
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
    if (!form.error.isEmpty() || userCode.isEmpty() || userName.isEmpty() || password.isEmpty()
        || (!action.isEmpty() && action != u"approve" && action != u"decline")) {
        return pageResponse(400, DeviceAuthPage::form(userCode, userName,
                                                      QStringLiteral("Enter the code, your user name and your password.")));
    }

    const bool approve = action != u"decline";
    const DeviceDecision decision =
        approve ? m_identity.approveDeviceCode(userCode, userName, password, request.remoteAddress)
                : m_identity.declineDeviceCode(userCode, userName, password, request.remoteAddress);
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
