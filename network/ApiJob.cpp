#include "ApiJob.h"

#include "GraphCodec.h"
#include "NetworkLog.h"
#include "Profile.h"
#include "Redact.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>
#include <QUuid>

namespace Elevate {

namespace {

QByteArray headerOf(const QNetworkReply& reply, const char* name)
{
    return reply.rawHeader(QByteArray(name));
}

} // namespace

ApiJob::ApiJob(QNetworkAccessManager& nam, ApiRequest request, RetryPolicy policy, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_request(std::move(request))
    , m_policy(std::move(policy))
    , m_clientRequestId(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

ApiJob::~ApiJob()
{
    // Destroying a job cancels it without a signal: nobody is left to hear it.
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void ApiJob::start()
{
    if (m_running) {
        return;
    }
    m_running = true;
    m_canceled = false;
    m_attempts = 0;
    m_elapsed.start();
    sendAttempt();
}

void ApiJob::cancel()
{
    if (!m_running) {
        return;
    }
    m_canceled = true;
    if (m_retryTimer && m_retryTimer->isActive()) {
        m_retryTimer->stop();
        ApiResult r;
        r.kind = ApiErrorKind::Canceled;
        r.attempts = m_attempts;
        r.clientRequestId = m_clientRequestId;
        finish(r);
        return;
    }
    if (m_reply) {
        m_reply->abort(); // finished() follows from onReplyFinished
    }
}

void ApiJob::sendAttempt()
{
    ++m_attempts;
    m_redirectRefused = false;
    QNetworkRequest req(m_request.url);
    req.setTransferTimeout(int(m_request.transferTimeout.count()));
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
    req.setMaximumRedirectsAllowed(3);
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("client-request-id", m_clientRequestId.toLatin1());
    for (const auto& [name, value] : m_request.headers) {
        req.setRawHeader(name, value);
    }
    if (!m_request.idempotencyKey.isEmpty()) {
        req.setRawHeader("Idempotency-Key", m_request.idempotencyKey);
    }
    if (!m_request.body.isEmpty() || RetryPolicy::isStateChanging(m_request.method)) {
        req.setHeader(QNetworkRequest::ContentTypeHeader,
                      m_request.contentType.isEmpty() ? QByteArrayLiteral("application/json") : m_request.contentType);
    }
    m_reply = m_nam.sendCustomRequest(req, m_request.method, m_request.body);
    const QUrl origin = m_request.url;
    connect(m_reply, &QNetworkReply::redirected, this, [this, origin](const QUrl& target) {
        // Same host only, and never from https down to http (loopback excepted): the bearer
        // token must not travel anywhere else.
        const bool sameHost = target.host().compare(origin.host(), Qt::CaseInsensitive) == 0
            && target.port(origin.scheme() == u"https" ? 443 : 80) == origin.port(origin.scheme() == u"https" ? 443 : 80);
        if (sameHost && Profile::isAcceptableEndpoint(target.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment))) {
            emit m_reply->redirectAllowed();
        } else {
            m_redirectRefused = true;
            qCWarning(lcNetwork) << "refused redirect to" << redact(target);
            m_reply->abort();
        }
    });
    connect(m_reply, &QNetworkReply::finished, this, &ApiJob::onReplyFinished);
}

void ApiJob::onReplyFinished()
{
    QNetworkReply* reply = m_reply;
    if (!reply) {
        return;
    }
    m_reply = nullptr;
    reply->deleteLater();

    ApiResult r;
    r.attempts = m_attempts;
    r.clientRequestId = m_clientRequestId;
    r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.requestId = QString::fromLatin1(headerOf(*reply, "request-id"));
    if (r.requestId.isEmpty()) {
        r.requestId = QString::fromLatin1(headerOf(*reply, "x-ms-request-id"));
    }
    const QNetworkReply::NetworkError netError = reply->error();
    // Qt reports the transfer timeout as OperationCanceledError; only cancel() makes it ours.
    const bool timedOut = netError == QNetworkReply::TimeoutError
        || (netError == QNetworkReply::OperationCanceledError && !m_canceled && !m_redirectRefused);

    qCInfo(lcNetwork).noquote() << m_request.method << redact(m_request.url) << "->" << r.httpStatus
                                << (netError != QNetworkReply::NoError && r.httpStatus == 0 ? reply->errorString()
                                                                                             : QString())
                                << "attempt" << m_attempts << m_elapsed.elapsed() << "ms request-id" << r.requestId;

    if (m_canceled) {
        r.kind = ApiErrorKind::Canceled;
        finish(r);
        return;
    }
    if (m_redirectRefused) {
        r.kind = ApiErrorKind::Redirect;
        r.detail = QStringLiteral("redirect to another host or to plain http refused");
        finish(r);
        return;
    }

    RetryPolicy::Attempt attempt;
    attempt.method = m_request.method;
    attempt.hasIdempotencyKey = !m_request.idempotencyKey.isEmpty();
    attempt.httpStatus = r.httpStatus;
    attempt.networkError = netError;
    attempt.timedOut = timedOut;
    attempt.retryAfter = headerOf(*reply, "Retry-After");
    attempt.attemptsMade = m_attempts;
    const RetryPolicy::Decision decision = m_policy.decide(attempt);
    if (decision.retry) {
        qCInfo(lcNetwork).noquote() << "retrying" << m_request.method << redact(m_request.url) << "in"
                                    << decision.delay.count() << "ms:" << decision.reason;
        if (!m_retryTimer) {
            m_retryTimer = new QTimer(this);
            m_retryTimer->setSingleShot(true);
            connect(m_retryTimer, &QTimer::timeout, this, &ApiJob::sendAttempt);
        }
        m_retryTimer->start(int(std::min<qint64>(decision.delay.count(), 24 * 3600 * 1000)));
        return;
    }

    if (r.httpStatus == 0) {
        r.detail = redact(QStringView(reply->errorString()));
        if (timedOut) {
            r.kind = ApiErrorKind::Timeout;
        } else if (netError == QNetworkReply::SslHandshakeFailedError) {
            // Certificate problems end here: sslErrors() is never ignored (fail closed).
            r.kind = ApiErrorKind::Tls;
        } else {
            r.kind = ApiErrorKind::Unreachable;
        }
        finish(r);
        return;
    }
    if (r.httpStatus >= 400) {
        r.error = GraphCodec::decodeError(r.body, r.httpStatus);
        if (r.requestId.isEmpty()) {
            r.requestId = r.error.requestId;
        }
        r.kind = ApiResult::classify(r.httpStatus, r.error);
        if (r.kind == ApiErrorKind::Throttled) {
            if (auto wait = RetryPolicy::parseRetryAfter(attempt.retryAfter, QDateTime::currentDateTimeUtc())) {
                r.retryAfter = *wait;
            }
        }
        finish(r);
        return;
    }
    if (m_request.parseBody && !r.body.trimmed().isEmpty()) {
        Result<nlohmann::json> parsed = GraphCodec::parse(r.body);
        if (!parsed) {
            r.kind = ApiErrorKind::InvalidResponse;
            r.detail = parsed.error().toString();
            finish(r);
            return;
        }
        r.json = std::move(parsed).value();
    }
    finish(r);
}

void ApiJob::finish(ApiResult result)
{
    m_running = false;
    emit finished(result);
}

} // namespace Elevate
