#include "RateLimiter.h"

#include "Clock.h"
#include "Timestamp.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace Elevate::Server {

namespace {

// Past this many buckets, a call sweeps out the ones that have refilled completely.
constexpr qsizetype PruneThreshold = 4096;
constexpr std::uint32_t PruneEvery = 1024;

double secondsBetween(std::int64_t fromTicks, std::int64_t toTicks)
{
    // A clock set backwards refills nothing rather than draining the bucket.
    if (toTicks <= fromTicks) {
        return 0.0;
    }
    return static_cast<double>(toTicks - fromTicks) / static_cast<double>(Timestamp::TicksPerSecond);
}

} // namespace

RateLimiter::RateLimiter(const Clock& clock, double ratePerSecond, double burst)
    : m_clock(clock)
{
    setLimits(ratePerSecond, burst);
}

void RateLimiter::setLimits(double ratePerSecond, double burst)
{
    QMutexLocker lock(&m_mutex);
    m_rate = std::isfinite(ratePerSecond) ? ratePerSecond : 0.0;
    m_burst = std::isfinite(burst) ? std::max(1.0, burst) : 1.0;
    m_buckets.clear();
}

double RateLimiter::ratePerSecond() const
{
    QMutexLocker lock(&m_mutex);
    return m_rate;
}

double RateLimiter::burst() const
{
    QMutexLocker lock(&m_mutex);
    return m_burst;
}

RateLimiter::Decision RateLimiter::take(const QString& key)
{
    QMutexLocker lock(&m_mutex);
    if (m_rate <= 0.0) {
        return {};
    }
    const std::int64_t now = m_clock.now().ticks();
    if (m_shared) {
        if (const std::optional<Decision> shared = m_shared(key, m_rate, m_burst, now)) {
            return *shared;
        }
    }
    if (++m_callsSincePrune >= PruneEvery && m_buckets.size() > PruneThreshold) {
        pruneLocked(now);
    }

    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        it = m_buckets.insert(key, Bucket{ m_burst, now });
    } else {
        it->tokens = std::min(m_burst, it->tokens + secondsBetween(it->updatedTicks, now) * m_rate);
        it->updatedTicks = std::max(it->updatedTicks, now);
    }

    // The epsilon keeps "wait exactly Retry-After seconds" from failing on rounding.
    if (it->tokens >= 1.0 - 1e-9) {
        it->tokens = std::max(0.0, it->tokens - 1.0);
        return {};
    }
    const double wait = (1.0 - it->tokens) / m_rate;
    Decision refused;
    refused.allowed = false;
    refused.retryAfterSeconds = static_cast<int>(std::clamp(std::ceil(wait), 1.0, 86400.0));
    return refused;
}

void RateLimiter::setShared(SharedBuckets shared)
{
    QMutexLocker lock(&m_mutex);
    m_shared = std::move(shared);
}

void RateLimiter::reset()
{
    QMutexLocker lock(&m_mutex);
    m_buckets.clear();
}

qsizetype RateLimiter::trackedKeys() const
{
    QMutexLocker lock(&m_mutex);
    return m_buckets.size();
}

void RateLimiter::pruneLocked(std::int64_t nowTicks)
{
    m_callsSincePrune = 0;
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        const double refilled = it->tokens + secondsBetween(it->updatedTicks, nowTicks) * m_rate;
        if (refilled >= m_burst) {
            it = m_buckets.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace Elevate::Server
