#pragma once

#include "RateLimiter.h"

#include <cstdint>
#include <optional>

namespace Elevate::Server {

class Database;

// RateLimiter's buckets in the database, so that several elevated instances on one PostgreSQL
// database enforce one limit per caller between them (not one limit per instance). Each take
// is one upsert whose row lock orders the instances. Plugged in with RateLimiter::setShared.
class SharedRateBuckets final
{
public:
    explicit SharedRateBuckets(Database& db);

    // Empty when the database cannot answer (the limiter then falls back to its own buckets),
    // or when a transaction is open on the connection (a failure must not spoil it).
    std::optional<RateLimiter::Decision> take(const QString& key, double ratePerSecond, double burst,
                                              std::int64_t nowTicks);

private:
    Database& m_db;
    quint32 m_calls = 0;
};

} // namespace Elevate::Server
