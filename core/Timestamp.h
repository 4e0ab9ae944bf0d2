#pragma once

#include <QDateTime>
#include <QString>
#include <QStringView>

#include <compare>
#include <cstdint>
#include <optional>

namespace Elevate {

class IsoDuration;

// A UTC instant with the 100-nanosecond resolution Graph prints (up to seven fractional digits),
// so a timestamp read from the server is written back unchanged. Valid from 0001-01-01 to
// 9999-12-31. A default-constructed Timestamp is null.
class Timestamp final
{
public:
    Timestamp() = default;

    static constexpr std::int64_t TicksPerSecond = 10'000'000;

    // Parses "YYYY-MM-DDThh:mm:ss[.f{1,7}](Z|±hh:mm)". Returns nullopt for anything else,
    // including out-of-range fields and more than seven fractional digits.
    static std::optional<Timestamp> fromIso(QStringView text);
    static Timestamp fromDateTime(const QDateTime& dateTime);
    static Timestamp fromTicks(std::int64_t ticksSinceUnixEpoch);
    static Timestamp fromSecsSinceEpoch(std::int64_t seconds);

    bool isNull() const { return !m_valid; }
    std::int64_t ticks() const { return m_ticks; }
    std::int64_t secsSinceEpoch() const;

    // ISO-8601 in UTC with "Z", and only as many fractional digits as the value needs.
    QString toIso() const;
    // Always seven fractional digits ("2026-03-02T10:00:00.0000000Z"): fixed width, so text
    // order is time order (what the server stores and compares in SQL).
    QString toFixedIso() const;
    QDateTime toDateTime() const;

    // Saturates at the valid range rather than overflowing.
    Timestamp plus(const IsoDuration& duration) const;
    Timestamp plusSeconds(std::int64_t seconds) const;
    // Milliseconds from this to other (other - this).
    std::int64_t msecsTo(const Timestamp& other) const;

    friend bool operator==(const Timestamp&, const Timestamp&) = default;
    friend std::strong_ordering operator<=>(const Timestamp&, const Timestamp&) = default;

private:
    static Timestamp clamped(long double ticks);
    QString format(bool allFractionDigits) const;

    bool m_valid = false;
    std::int64_t m_ticks = 0;
};

} // namespace Elevate
