#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>

namespace Elevate::Server {

class Clock;

// A token bucket per caller (graph-contract.md 2.3): each key starts with `burst` tokens, gains
// `ratePerSecond` tokens per second up to `burst`, and every call takes one. An empty bucket
// answers how long until a token is back, which becomes `Retry-After`. Time comes from the
// Clock, so tests move it instead of sleeping. Buckets that have refilled are dropped, so idle
// callers cost no memory. Thread-safe. The clock must outlive the limiter.
class RateLimiter final
{
public:
    struct Decision
    {
        bool allowed = true;
        int retryAfterSeconds = 0; // when refused: whole seconds until a token is back, >= 1
    };

    // ratePerSecond <= 0 disables limiting (every call is allowed).
    RateLimiter(const Clock& clock, double ratePerSecond, double burst);

    // Buckets kept elsewhere, shared by every instance (SharedRateBuckets on PostgreSQL): take()
    // asks it first and uses the local buckets only when it has no answer (the store failed).
    using SharedBuckets
        = std::function<std::optional<Decision>(const QString& key, double ratePerSecond, double burst, std::int64_t nowTicks)>;
    void setShared(SharedBuckets shared);

    void setLimits(double ratePerSecond, double burst);
    double ratePerSecond() const;
    double burst() const;

    // Takes one token from `key`'s bucket if it has one.
    Decision take(const QString& key);

    // Forgets every bucket.
    void reset();

    // Buckets currently held (for tests and metrics).
    qsizetype trackedKeys() const;

private:
    struct Bucket
    {
        double tokens = 0;
        std::int64_t updatedTicks = 0;
    };

    void pruneLocked(std::int64_t nowTicks);

    const Clock& m_clock;
    mutable QMutex m_mutex;
    double m_rate = 0;
    double m_burst = 1;
    QHash<QString, Bucket> m_buckets;
    SharedBuckets m_shared;
    std::uint32_t m_callsSincePrune = 0;
};

} // namespace Elevate::Server
