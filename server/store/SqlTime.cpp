#include "SqlTime.h"

namespace Elevate::Server {

QString toSqlTime(const Timestamp& t)
{
    if (t.isNull()) {
        return {};
    }
    // toIso() trims the fraction; re-pad it so every value has the same width.
    const std::int64_t secs = t.secsSinceEpoch();
    const std::int64_t fraction = t.ticks() - secs * Timestamp::TicksPerSecond;
    QString whole = Timestamp::fromSecsSinceEpoch(secs).toIso();
    whole.chop(1); // the 'Z'
    return whole + u'.' + QStringLiteral("%1").arg(fraction, 7, 10, QLatin1Char('0')) + u'Z';
}

QVariant toSqlTimeOrNull(const Timestamp& t)
{
    return t.isNull() ? QVariant() : QVariant(toSqlTime(t));
}

Timestamp fromSqlTime(const QVariant& value)
{
    if (value.isNull()) {
        return {};
    }
    const auto t = Timestamp::fromIso(value.toString());
    return t ? *t : Timestamp();
}

} // namespace Elevate::Server
