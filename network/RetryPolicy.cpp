#include "RetryPolicy.h"

#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace Elevate {

namespace {

bool neverSent(QNetworkReply::NetworkError error)
{
    // The connection was never made, so no server saw the request.
    return error == QNetworkReply::ConnectionRefusedError || error == QNetworkReply::HostNotFoundError;
}

bool transient(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

QString seconds(RetryPolicy::Milliseconds ms)
{
    return QString::number(double(ms.count()) / 1000.0, 'f', ms.count() % 1000 == 0 ? 0 : 1) + QStringLiteral(" s");
}

} // namespace

RetryPolicy::RetryPolicy()
    : RetryPolicy(Settings{})
{
}

RetryPolicy::RetryPolicy(Settings settings)
    : m_settings(settings)
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{
}

void RetryPolicy::setRandom(std::function<double()> random)
{
    m_random = std::move(random);
}

bool RetryPolicy::isStateChanging(QByteArrayView method)
{
    // GET/HEAD/OPTIONS are safe, PUT/DELETE idempotent by definition (RFC 9110 §9.2.2).
    return method.compare("POST", Qt::CaseInsensitive) == 0 || method.compare("PATCH", Qt::CaseInsensitive) == 0;
}

RetryPolicy::Milliseconds RetryPolicy::backoff(int attemptsMade) const
{
    const int exponent = std::clamp(attemptsMade - 1, 0, 30);
    const double raw = double(m_settings.baseDelay.count()) * std::pow(2.0, exponent);
    const double capped = std::min(raw, double(m_settings.maxDelay.count()));
    const double r = std::clamp(m_random ? m_random() : 0.5, 0.0, 1.0);
    return Milliseconds(static_cast<qint64>(capped / 2.0 + r * capped / 2.0));
}

std::optional<RetryPolicy::Milliseconds> RetryPolicy::parseRetryAfter(QByteArrayView value, const QDateTime& now)
{
    const QByteArray text = value.trimmed().toByteArray();
    if (text.isEmpty()) {
        return std::nullopt;
    }
    bool isNumber = true;
    for (char c : text) {
        isNumber = isNumber && c >= '0' && c <= '9';
    }
    if (isNumber) {
        if (text.size() > 9) {
            return Milliseconds(qint64(999'999'999) * 1000);
        }
        return Milliseconds(text.toLongLong() * 1000);
    }
    // HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, then the two obsolete forms.
    QString s = QString::fromLatin1(text);
    // RFC 850 has a two-digit year; RFC 9110 §5.6.7 reads it as the nearest century, which for
    // any Retry-After a server sends today is 20yy.
    static const QRegularExpression rfc850(QStringLiteral("^(\\w+, \\d{2}-\\w{3}-)(\\d{2})( .*)$"));
    if (const QRegularExpressionMatch m = rfc850.match(s); m.hasMatch()) {
        s = m.captured(1) + QStringLiteral("20") + m.captured(2) + m.captured(3);
    }
    const QLocale c = QLocale::c();
    QDateTime when;
    for (const QString& format : {QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"),
                                  QStringLiteral("dddd, dd-MMM-yyyy HH:mm:ss 'GMT'"),
                                  QStringLiteral("ddd MMM d HH:mm:ss yyyy"), QStringLiteral("ddd MMM  d HH:mm:ss yyyy")}) {
        when = c.toDateTime(s, format);
        if (when.isValid()) {
            break;
        }
    }
    if (!when.isValid()) {
        return std::nullopt;
    }
    when.setTimeSpec(Qt::UTC);
    const qint64 ms = now.msecsTo(when);
    return Milliseconds(std::max<qint64>(0, ms));
}

RetryPolicy::Decision RetryPolicy::decide(const Attempt& a, const QDateTime& now) const
{
    Decision d;
    const bool throttled = isThrottleStatus(a.httpStatus);
    const bool transportFailure = a.httpStatus == 0 && (a.timedOut || transient(a.networkError));
    if (!throttled && !transportFailure) {
        d.reason = QStringLiteral("not retryable");
        return d;
    }
    if (isStateChanging(a.method) && !a.hasIdempotencyKey && !(a.httpStatus == 0 && neverSent(a.networkError))) {
        d.reason = QStringLiteral("%1 without an idempotency key is not re-sent").arg(QString::fromLatin1(a.method));
        return d;
    }
    if (a.attemptsMade >= m_settings.maxAttempts) {
        d.reason = QStringLiteral("gave up after %1 attempts").arg(a.attemptsMade);
        return d;
    }
    if (throttled) {
        if (const std::optional<Milliseconds> wait = parseRetryAfter(a.retryAfter, now)) {
            d.delay = *wait;
            if (*wait > m_settings.maxRetryAfter) {
                d.reason = QStringLiteral("%1 Retry-After %2 is longer than we wait").arg(a.httpStatus).arg(seconds(*wait));
                return d;
            }
            d.retry = true;
            d.reason = QStringLiteral("%1 Retry-After %2").arg(a.httpStatus).arg(seconds(*wait));
            return d;
        }
        d.retry = true;
        d.delay = backoff(a.attemptsMade);
        d.reason = QStringLiteral("%1, backoff %2").arg(a.httpStatus).arg(seconds(d.delay));
        return d;
    }
    d.retry = true;
    d.delay = backoff(a.attemptsMade);
    d.reason = QStringLiteral("%1, backoff %2").arg(a.timedOut ? QStringLiteral("timeout") : QStringLiteral("network error"),
                                                    seconds(d.delay));
    return d;
}

} // namespace Elevate
