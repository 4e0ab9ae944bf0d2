#include "SqlTime.h"

namespace Elevate::Server {

QString toSqlTime(const Timestamp& t)
{
    return t.toFixedIso();
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
