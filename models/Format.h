#pragma once

#include "IsoDuration.h"
#include "Timestamp.h"

#include <QString>

namespace Elevate::Models {

// The console's way of showing times and durations, translated (context "Format"), shared by
// every model so the panes read alike.
namespace Format {

// "45 min", "2 h", "1 h 30 min", "3 d 4 h"; "0 min" for zero. Seconds only under a minute.
QString duration(qint64 seconds);
QString duration(const IsoDuration& duration);

// Time from now to `when` as a countdown: "1 h 12 min left", "expired" (when past).
QString timeLeft(const Timestamp& when, const Timestamp& now);

// Time since `when`: "just now", "5 min ago", "3 h ago", "2 d ago".
QString ago(const Timestamp& when, const Timestamp& now);

// Local date and time, short and unambiguous ("2026-11-26 14:05"); empty for a null stamp.
QString dateTime(const Timestamp& when);

} // namespace Format

} // namespace Elevate::Models
