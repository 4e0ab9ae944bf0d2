#pragma once

#include "Timestamp.h"

#include <QString>
#include <QVariant>

namespace Elevate::Server {

// Instants are stored as fixed-width UTC text with seven fractional digits
// ("2026-03-02T10:00:00.0000000Z") so that text order is time order in every SQL dialect and
// indexes on them serve range queries.
QString toSqlTime(const Timestamp& t);
// A NULL QVariant for a null Timestamp, else toSqlTime().
QVariant toSqlTimeOrNull(const Timestamp& t);
// Null Timestamp for NULL or unparsable values.
Timestamp fromSqlTime(const QVariant& value);

} // namespace Elevate::Server
