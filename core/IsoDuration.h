#pragma once

#include "Result.h"

#include <QString>
#include <QStringView>

#include <compare>
#include <cstdint>

namespace Elevate {

// A non-negative ISO-8601 duration as Graph uses them ("PT8H", "P1DT2H", "PT90M", "P30D").
// Held exactly in 100-ns ticks. Calendar units (years, months) have no fixed length and are
// refused rather than guessed; weeks and days are taken as 7 × 24 h and 24 h, as Graph does.
class IsoDuration final
{
public:
    IsoDuration() = default;

    // Durations longer than this (100 years) are refused as absurd.
    static constexpr std::int64_t MaxSeconds = 36500LL * 86400;

    static Result<IsoDuration> parse(QStringView text);
    static IsoDuration fromSeconds(std::int64_t seconds);
    static IsoDuration fromMinutes(std::int64_t minutes) { return fromSeconds(minutes * 60); }
    static IsoDuration fromHours(std::int64_t hours) { return fromSeconds(hours * 3600); }
    static IsoDuration fromTicks(std::int64_t ticks);

    std::int64_t ticks() const { return m_ticks; }
    std::int64_t seconds() const { return m_ticks / 10'000'000; }
    std::int64_t minutes() const { return seconds() / 60; }
    bool isZero() const { return m_ticks == 0; }

    // Canonical form: days, then hours, minutes and seconds, leaving out zero parts ("PT1H30M",
    // "P1DT2H", "PT0S").
    QString toIso() const;
    // A short human form for the UI and log ("1 h 30 min", "2 d 4 h").
    QString toDisplay() const;

    friend bool operator==(const IsoDuration&, const IsoDuration&) = default;
    friend std::strong_ordering operator<=>(const IsoDuration&, const IsoDuration&) = default;

private:
    std::int64_t m_ticks = 0;
};

} // namespace Elevate
