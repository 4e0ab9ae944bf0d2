#include "SharedRateBuckets.h"

#include "Database.h"

#include <QSqlQuery>

#include <algorithm>
#include <cmath>

namespace Elevate::Server {

namespace {

constexpr quint32 PruneEvery = 1000;
constexpr double TicksPerSecond = 10'000'000.0;

} // namespace

SharedRateBuckets::SharedRateBuckets(Database& db)
    : m_db(db)
{
}

std::optional<RateLimiter::Decision> SharedRateBuckets::take(const QString& key, double ratePerSecond, double burst,
                                                             std::int64_t nowTicks)
{
    const QString sql = m_db.sql().takeRateToken();
    if (sql.isEmpty() || m_db.inTransaction() || m_db.batchOpen()) {
        return std::nullopt;
    }
    if (++m_calls >= PruneEvery) {
        m_calls = 0;
        // A bucket untouched for longer than a full refill takes is full: the row can go.
        const double refill = std::ceil(burst / ratePerSecond) + 1.0;
        m_db.run(m_db.sql().pruneRateBuckets(), {qint64(nowTicks - static_cast<std::int64_t>(refill * TicksPerSecond))});
    }
    bool ok = false;
    QSqlQuery q = m_db.run(sql, {key, burst, qint64(nowTicks), ratePerSecond}, &ok);
    if (!ok || !q.next()) {
        return std::nullopt;
    }
    RateLimiter::Decision d;
    d.allowed = q.value(0).toInt() == 1;
    if (!d.allowed) {
        const double wait = (1.0 - q.value(1).toDouble()) / ratePerSecond;
        d.retryAfterSeconds = static_cast<int>(std::clamp(std::ceil(wait), 1.0, 86400.0));
    }
    q.finish();
    return d;
}

} // namespace Elevate::Server
