#pragma once

#include "IsoDuration.h"
#include "Timestamp.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace Elevate::HumanFormat {

// "1 h 25 min left", "2 d 3 h left", "less than a minute left", "expired".
QString remaining(std::int64_t seconds);
// A duration as people say it: "1 h 25 min", "2 d", "45 min".
QString duration(std::int64_t seconds);
// Local time, minutes precision: "2026-03-02 10:15"; "—" for a null timestamp.
QString localTime(const Timestamp& t);
// "1h", "90m", "1h30m", "2d", "45min", "PT1H30M" → a duration; nullopt when unreadable or zero.
std::optional<IsoDuration> parseDuration(const QString& text);
// "2026-03-02T10:00:00Z", "2026-03-02 10:00" (local), "10:00" (today, local), "+30m" (from now).
std::optional<Timestamp> parseTime(const QString& text, const QDateTime& nowUtc);

} // namespace Elevate::HumanFormat
