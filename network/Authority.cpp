#include "Authority.h"

#include "ApiJob.h"
#include "GraphCodec.h"
#include "NetworkLog.h"
#include "Redact.h"

#include <QCryptographicHash>
#include <QDesktopServices>
#include <QHostAddress>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace Elevate {

namespace {

constexpr qsizetype MaxLoopbackRequestBytes = 16 * 1024;

QString base64Url(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(raw.data()),
                                         reinterpret_cast<quint32*>(raw.data() + raw.size()));
    return base64Url(raw);
}

QString jsonString(const nlohmann::json& j, const char* key)
{
    if (!j.is_object()) {
        return {};
    }
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

qint64 jsonInt(const nlohmann::json& j, const char* key, qint64 fallback)
{
    if (!j.is_object()) {
        return fallback;
    }
    const auto it = j.find(key);
    if (it == j.end()) {
        return fallback;
    }
    if (it->is_number_integer()) {
        return it->get<qint64>();
    }
    if (it->is_string()) { // some servers send numbers as strings
        bool ok = false;
        const qint64 v = QString::fromStdString(it->get<std::string>()).toLongLong(&ok);
        return ok ? v : fallback;
    }
    return fallback;
}

QString firstLine(const QString& text)
{
    const qsizetype nl = text.indexOf(QRegularExpression(QStringLiteral("[\\r\\n]")));
    return nl < 0 ? text : text.left(nl);
}

QByteArray loopbackPage(const QString& title, const QString& text)
{
    return QStringLiteral("<!doctype html><html><head><meta charset=\"utf-8\"><title>%1</title></head>"
                          "<body><h1>%1</h1><p>%2</p></body></html>")
        .arg(title.toHtmlEscaped(), text.toHtmlEscaped())
        .toUtf8();
}

void answer(QTcpSocket* socket, int status, const QByteArray& body)
{
    const QByteArray reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : "Not Found";
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n"
        + "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n"
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket->write(response);
    socket->disconnectFromHost();
}

} // namespace

Authority::Authority(QNetworkAccessManager& nam, Profile profile, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_profile(std::move(profile))
    , m_opener([](const QUrl& url) { return QDesktopServices::openUrl(url); })
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
}

Authority::~Authority()
{
    delete m_job;
}

void Authority::setBrowserOpener(BrowserOpener opener)
{
    m_opener = std::move(opener);
}

void Authority::setInteractiveTimeout(std::chrono::milliseconds timeout)
{
    m_interactiveTimeout = timeout;
}

bool Authority::isBusy() const
{
    return m_busy;
}

QString Authority::scopeText() const
{
    return m_profile.scopes.join(u' ');
}

QString Authority::makeCodeVerifier()
{
    return randomToken(32); // 43 characters of [A-Za-z0-9-_], RFC 7636 §4.1
}

QString Authority::codeChallengeS256(const QString& verifier)
{
    return base64Url(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256));
}

void Authority::postToken(const QList<std::pair<QString, QString>>& fields, bool partOfFlow,
                          std::function<void(const ApiResult&)> done)
{
    QUrlQuery form;
    for (const auto& [k, v] : fields) {
        form.addQueryItem(k, QString::fromLatin1(QUrl::toPercentEncoding(v)));
    }
    ApiRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_profile.oauthEndpoint(u"token");
    request.body = form.toString(QUrl::FullyEncoded).toUtf8();
    request.contentType = QByteArrayLiteral("application/x-www-form-urlencoded");
    request.transferTimeout = std::chrono::milliseconds(30'000);
    // Token POSTs are never re-sent blindly: a refresh token rotates on use.
    auto* job = new ApiJob(m_nam, request, RetryPolicy(), this);
    if (partOfFlow) {
        m_job = job;
    }
    connect(job, &ApiJob::finished, this, [this, job, done = std::move(done)](const ApiResult& r) {
        job->deleteLater();
        if (m_job == job) {
            m_job = nullptr;
        }
        done(r);
    });
    job->start();
}

AuthResult Authority::fromTokenResponse(const ApiResult& http) const
{
    AuthResult result;
    result.http = http;
    if (http.kind == ApiErrorKind::Unreachable || http.kind == ApiErrorKind::Timeout || http.kind == ApiErrorKind::Tls
        || http.kind == ApiErrorKind::Redirect) {
        result.kind = http.kind == ApiErrorKind::Canceled ? AuthErrorKind::Canceled : AuthErrorKind::Unreachable;
        result.description = http.detail;
        return result;
    }
    if (http.kind == ApiErrorKind::Canceled) {
        result.kind = AuthErrorKind::Canceled;
        return result;
    }
    Result<nlohmann::json> parsed = GraphCodec::parse(http.body);
    const nlohmann::json j = parsed ? *parsed : nlohmann::json();
    if (!http.ok() || http.httpStatus >= 400) {
        result.error = jsonString(j, "error");
        result.description = firstLine(jsonString(j, "error_description"));
        if (result.error == u"invalid_grant") {
            result.kind = AuthErrorKind::InvalidGrant;
        } else if (result.error == u"interaction_required" || result.error == u"consent_required"
                   || result.error == u"login_required") {
            result.kind = AuthErrorKind::InteractionRequired;
        } else if (result.error == u"authorization_declined" || result.error == u"access_denied") {
            result.kind = AuthErrorKind::Declined;
        } else if (result.error == u"expired_token") {
            result.kind = AuthErrorKind::Expired;
        } else if (http.httpStatus >= 500 || http.kind == ApiErrorKind::Throttled) {
            result.kind = AuthErrorKind::Unreachable;
        } else {
            result.kind = AuthErrorKind::Refused;
        }
        return result;
    }
    result.tokens.accessToken = jsonString(j, "access_token");
    result.tokens.refreshToken = jsonString(j, "refresh_token");
    result.tokens.idToken = jsonString(j, "id_token");
    result.tokens.scope = jsonString(j, "scope");
    result.tokens.expiresAt = QDateTime::currentDateTimeUtc().addSecs(jsonInt(j, "expires_in", 3600));
    if (result.tokens.accessToken.isEmpty()) {
        result.kind = AuthErrorKind::Protocol;
        result.description = QStringLiteral("The token response carries no access_token.");
    }
    return result;
}

void Authority::finish(AuthResult result)
{
    m_timer->stop();
    m_timer->disconnect();
    if (m_listener) {
        m_listener->close();
        m_listener->deleteLater();
        m_listener = nullptr;
    }
    m_deviceCode.clear();
    m_verifier.clear();
    m_state.clear();
    m_busy = false;
    qCInfo(lcNetwork).noquote() << "sign-in flow finished:" << (result.ok() ? QStringLiteral("ok") : result.error)
                                << redact(QStringView(result.description));
    emit finished(result);
}

void Authority::cancel()
{
    if (!m_busy) {
        return;
    }
    if (m_job) {
        ApiJob* job = m_job;
        m_job = nullptr;
        job->disconnect(this);
        job->deleteLater();
    }
    AuthResult r;
    r.kind = AuthErrorKind::Canceled;
    r.error = QStringLiteral("canceled");
    finish(r);
}

// ---- device code (RFC 8628) ---------------------------------------------------------------------

void Authority::startDeviceCode(const QString& claims, const QString& loginHint)
{
    if (m_busy) {
        return;
    }
    m_busy = true;
    m_claims = claims;
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(QUrl::toPercentEncoding(m_profile.clientId)));
    form.addQueryItem(QStringLiteral("scope"), QString::fromLatin1(QUrl::toPercentEncoding(scopeText())));
    if (!claims.isEmpty()) {
        form.addQueryItem(QStringLiteral("claims"), QString::fromLatin1(QUrl::toPercentEncoding(claims)));
    }
    if (!loginHint.isEmpty()) {
        form.addQueryItem(QStringLiteral("login_hint"), QString::fromLatin1(QUrl::toPercentEncoding(loginHint)));
    }
    ApiRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_profile.oauthEndpoint(u"devicecode");
    request.body = form.toString(QUrl::FullyEncoded).toUtf8();
    request.contentType = QByteArrayLiteral("application/x-www-form-urlencoded");
    auto* job = new ApiJob(m_nam, request, RetryPolicy(), this);
    m_job = job;
    connect(job, &ApiJob::finished, this, [this, job](const ApiResult& http) {
        job->deleteLater();
        m_job = nullptr;
        if (!http.ok()) {
            finish(fromTokenResponse(http));
            return;
        }
        const nlohmann::json& j = http.json;
        m_deviceCode = jsonString(j, "device_code");
        m_interval = int(std::clamp<qint64>(jsonInt(j, "interval", 5), 1, 60));
        const qint64 expiresIn = std::clamp<qint64>(jsonInt(j, "expires_in", 900), 1, 3600);
        DeviceCodePrompt prompt;
        prompt.userCode = jsonString(j, "user_code");
        prompt.verificationUri = QUrl(jsonString(j, "verification_uri"));
        prompt.message = jsonString(j, "message");
        prompt.expiresAt = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
        m_deviceExpires = prompt.expiresAt;
        if (m_deviceCode.isEmpty() || prompt.userCode.isEmpty()) {
            AuthResult r;
            r.kind = AuthErrorKind::Protocol;
            r.http = http;
            r.description = QStringLiteral("The device code response lacks device_code or user_code.");
            finish(r);
            return;
        }
        emit deviceCodeReceived(prompt);
        if (!m_busy) {
            return; // canceled from a slot connected to deviceCodeReceived
        }
        m_timer->disconnect();
        connect(m_timer, &QTimer::timeout, this, &Authority::pollDeviceCode);
        m_timer->start(m_interval * 1000);
    });
    job->start();
}

void Authority::pollDeviceCode()
{
    if (QDateTime::currentDateTimeUtc() >= m_deviceExpires) {
        AuthResult r;
        r.kind = AuthErrorKind::Expired;
        r.error = QStringLiteral("expired_token");
        r.description = QStringLiteral("The device code expired before sign-in completed.");
        finish(r);
        return;
    }
    postToken({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
               {QStringLiteral("client_id"), m_profile.clientId},
               {QStringLiteral("device_code"), m_deviceCode}},
              true, [this](const ApiResult& http) {
                  AuthResult r = fromTokenResponse(http);
                  if (r.error == u"authorization_pending" || r.error == u"slow_down") {
                      if (r.error == u"slow_down") {
                          m_interval += 5; // RFC 8628 §3.5
                      }
                      m_timer->start(m_interval * 1000);
                      return;
                  }
                  if (r.error == u"bad_verification_code") {
                      r.kind = AuthErrorKind::Protocol;
                  }
                  finish(r);
              });
}

// ---- authorization code + PKCE --------------------------------------------------------------------

void Authority::startInteractive(const QString& claims, const QString& prompt, const QString& loginHint)
{
    if (m_busy) {
        return;
    }
    m_busy = true;
    m_claims = claims;
    m_listener = new QTcpServer(this);
    // 127.0.0.1, not localhost: no resolver surprise, no IPv6 [::1] (Entra refuses it).
    if (!m_listener->listen(QHostAddress::LocalHost, 0)) {
        AuthResult r;
        r.kind = AuthErrorKind::Protocol;
        r.description = QStringLiteral("Could not listen on 127.0.0.1: %1").arg(m_listener->errorString());
        finish(r);
        return;
    }
    connect(m_listener, &QTcpServer::newConnection, this, &Authority::onLoopbackConnection);
    m_verifier = makeCodeVerifier();
    m_state = randomToken(16);
    m_redirectUri = QStringLiteral("http://127.0.0.1:%1/").arg(m_listener->serverPort());

    QUrl url = m_profile.oauthEndpoint(u"authorize");
    QUrlQuery q;
    auto add = [&q](const QString& k, const QString& v) { q.addQueryItem(k, QString::fromLatin1(QUrl::toPercentEncoding(v))); };
    add(QStringLiteral("client_id"), m_profile.clientId);
    add(QStringLiteral("response_type"), QStringLiteral("code"));
    add(QStringLiteral("redirect_uri"), m_redirectUri);
    add(QStringLiteral("response_mode"), QStringLiteral("query"));
    add(QStringLiteral("scope"), scopeText());
    add(QStringLiteral("state"), m_state);
    add(QStringLiteral("code_challenge"), codeChallengeS256(m_verifier));
    add(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    if (!prompt.isEmpty()) {
        add(QStringLiteral("prompt"), prompt);
    }
    if (!loginHint.isEmpty()) {
        add(QStringLiteral("login_hint"), loginHint);
    }
    if (!claims.isEmpty()) {
        add(QStringLiteral("claims"), claims);
    }
    url.setQuery(q);

    m_timer->disconnect();
    connect(m_timer, &QTimer::timeout, this, [this] {
        AuthResult r;
        r.kind = AuthErrorKind::Expired;
        r.error = QStringLiteral("timeout");
        r.description = QStringLiteral("The browser sign-in did not come back in time.");
        finish(r);
    });
    m_timer->start(int(m_interactiveTimeout.count()));
    emit browserRequested(url);
    if (!m_opener || !m_opener(url)) {
        AuthResult r;
        r.kind = AuthErrorKind::Browser;
        r.description = QStringLiteral("The browser could not be opened.");
        finish(r);
    }
}

void Authority::onLoopbackConnection()
{
    while (m_listener && m_listener->hasPendingConnections()) {
        QTcpSocket* socket = m_listener->nextPendingConnection();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { handleLoopbackRequest(socket); });
    }
}

void Authority::handleLoopbackRequest(QTcpSocket* socket)
{
    if (socket->property("answered").toBool()) {
        socket->readAll();
        return;
    }
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    if (buffer.size() > MaxLoopbackRequestBytes) {
        socket->setProperty("answered", true);
        answer(socket, 400, loopbackPage(tr("Sign-in failed"), tr("The request was too large.")));
        return;
    }
    if (!buffer.contains("\r\n\r\n")) {
        socket->setProperty("buffer", buffer);
        return;
    }
    socket->setProperty("answered", true);
    const QList<QByteArray> requestLine = buffer.left(buffer.indexOf("\r\n")).split(' ');
    if (requestLine.size() != 3 || requestLine.at(0) != "GET") {
        answer(socket, 400, loopbackPage(tr("Sign-in failed"), tr("Unexpected request.")));
        return;
    }
    const QUrl target(QString::fromLatin1(requestLine.at(1)));
    if (target.path() != u"/" || !m_busy || m_state.isEmpty()) {
        answer(socket, 404, loopbackPage(tr("Not found"), QString()));
        return;
    }
    const QUrlQuery query(target);
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    if (state != m_state) {
        // Not our browser round trip (or a forged one): ignore it and keep waiting.
        answer(socket, 400, loopbackPage(tr("Sign-in failed"), tr("The answer does not belong to this sign-in.")));
        return;
    }
    const QString error = query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
    if (!error.isEmpty()) {
        answer(socket, 200, loopbackPage(tr("Sign-in failed"), tr("You can close this window.")));
        AuthResult r;
        r.error = error;
        r.description = firstLine(query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded));
        r.kind = error == u"access_denied" ? AuthErrorKind::Declined
            : (error == u"interaction_required" || error == u"login_required") ? AuthErrorKind::InteractionRequired
                                                                               : AuthErrorKind::Refused;
        finish(r);
        return;
    }
    const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (code.isEmpty()) {
        answer(socket, 400, loopbackPage(tr("Sign-in failed"), tr("The answer carries no code.")));
        return;
    }
    answer(socket, 200, loopbackPage(tr("Signed in"), tr("You are signed in to Elevate. You can close this window.")));
    m_listener->close();
    exchangeCode(code);
}

void Authority::exchangeCode(const QString& code)
{
    QList<std::pair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                              {QStringLiteral("client_id"), m_profile.clientId},
                                              {QStringLiteral("code"), code},
                                              {QStringLiteral("redirect_uri"), m_redirectUri},
                                              {QStringLiteral("code_verifier"), m_verifier},
                                              {QStringLiteral("scope"), scopeText()}};
    if (!m_claims.isEmpty()) {
        fields.append({QStringLiteral("claims"), m_claims});
    }
    postToken(fields, true, [this](const ApiResult& http) { finish(fromTokenResponse(http)); });
}

// ---- refresh -----------------------------------------------------------------------------------

void Authority::refresh(const QString& refreshToken, const QString& claims, std::function<void(const AuthResult&)> done)
{
    QList<std::pair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                              {QStringLiteral("client_id"), m_profile.clientId},
                                              {QStringLiteral("refresh_token"), refreshToken},
                                              {QStringLiteral("scope"), scopeText()}};
    if (!claims.isEmpty()) {
        fields.append({QStringLiteral("claims"), claims});
    }
    postToken(fields, false, [this, done = std::move(done)](const ApiResult& http) {
        const AuthResult r = fromTokenResponse(http);
        qCInfo(lcNetwork).noquote() << "token refresh:" << (r.ok() ? QStringLiteral("ok") : r.error);
        done(r);
    });
}

} // namespace Elevate
