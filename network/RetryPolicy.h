#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QNetworkReply>
#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace Elevate {

// The one place that decides whether a failed HTTP exchange is tried again, and when
// (STYLE.md "Network"):
//  - 429, 503 and 504 wait for Retry-After (delta seconds or an HTTP date), else back off;
//  - transport failures (timeout, reset, ...) back off exponentially with jitter, capped;
//  - a request that changes state (POST, PATCH) is only re-sent when it carries an
//    idempotency key, or when the transport proves it never left (connection refused, host
//    not found): a lost answer to an activation must not activate twice;
//  - a Retry-After longer than maxRetryAfter is not waited for: the caller reports it.
// Pure apart from the injectable random source; jobs ask it after every failed attempt.
class RetryPolicy final
{
public:
    using Milliseconds = std::chrono::milliseconds;

    struct Settings
    {
        int maxAttempts = 4;                 // including the first
        Milliseconds baseDelay{500};         // first backoff before jitter
        Milliseconds maxDelay{30'000};       // cap of a computed backoff
        Milliseconds maxRetryAfter{120'000}; // longer server waits are reported, not waited
    };

    struct Decision
    {
        bool retry = false;
        Milliseconds delay{0};
        // For the log: "429 Retry-After 3 s", "timeout, backoff", "POST without idempotency key".
        QString reason;
    };

    // What the job knows after an attempt.
    struct Attempt
    {
        QByteArray method;                 // "GET", "POST", ...
        bool hasIdempotencyKey = false;
        int httpStatus = 0;                // 0 when no HTTP answer arrived
        QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
        bool timedOut = false;
        QByteArray retryAfter;             // the header's raw value, empty when absent
        int attemptsMade = 1;
    };

    RetryPolicy();
    explicit RetryPolicy(Settings settings);

    // Replaces the random source (uniform in [0, 1)); tests pass a fixed one.
    void setRandom(std::function<double()> random);
    const Settings& settings() const { return m_settings; }

    Decision decide(const Attempt& attempt, const QDateTime& now = QDateTime::currentDateTimeUtc()) const;

    // Backoff before attempt `attemptsMade + 1`: min(maxDelay, base * 2^(attemptsMade-1)),
    // then "equal jitter" (half fixed, half random) so a crowd of clients spreads out.
    Milliseconds backoff(int attemptsMade) const;

    // Retry-After as delta-seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT",
    // also the obsolete RFC 850 and asctime forms). A date in the past is 0. nullopt when
    // unparseable.
    static std::optional<Milliseconds> parseRetryAfter(QByteArrayView value, const QDateTime& now);

    static bool isThrottleStatus(int httpStatus) { return httpStatus == 429 || httpStatus == 503 || httpStatus == 504; }
    static bool isStateChanging(QByteArrayView method);

private:
    Settings m_settings;
    std::function<double()> m_random;
};

} // namespace Elevate
