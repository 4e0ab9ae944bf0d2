#include "Timestamp.h"

#include "IsoDuration.h"


#include <array>
#include <chrono>

namespace Elevate {

namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.9999999Z in ticks since the Unix epoch.
constexpr std::int64_t MinSeconds = -62135596800LL;
constexpr std::int64_t MaxSeconds = 253402300799LL;
constexpr std::int64_t MinTicks = MinSeconds * Timestamp::TicksPerSecond;
constexpr std::int64_t MaxTicks = MaxSeconds * Timestamp::TicksPerSecond + (Timestamp::TicksPerSecond - 1);

bool readDigits(QStringView text, qsizetype& pos, int count, int& out)
{
    if (pos + count > text.size()) {
        return false;
    }
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[pos + i];
        if (c < u'0' || c > u'9') {
            return false;
        }
        value = value * 10 + (c.unicode() - u'0');
    }
    pos += count;
    out = value;
    return true;
}

bool expect(QStringView text, qsizetype& pos, char16_t c)
{
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

} // namespace

std::optional<Timestamp> Timestamp::fromIso(QStringView text)
{
    qsizetype pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readDigits(text, pos, 4, year) || !expect(text, pos, u'-') || !readDigits(text, pos, 2, month)
        || !expect(text, pos, u'-') || !readDigits(text, pos, 2, day)) {
        return std::nullopt;
    }
    if (!(expect(text, pos, u'T') || expect(text, pos, u't'))) {
        return std::nullopt;
    }
    if (!readDigits(text, pos, 2, hour) || !expect(text, pos, u':') || !readDigits(text, pos, 2, minute)
        || !expect(text, pos, u':') || !readDigits(text, pos, 2, second)) {
        return std::nullopt;
    }
    std::int64_t fraction = 0;
    if (expect(text, pos, u'.')) {
        int digits = 0;
        while (pos < text.size() && text[pos] >= u'0' && text[pos] <= u'9') {
            if (++digits > 7) {
                return std::nullopt;
            }
            fraction = fraction * 10 + (text[pos].unicode() - u'0');
            ++pos;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        for (int i = digits; i < 7; ++i) {
            fraction *= 10;
        }
    }
    int offsetSeconds = 0;
    if (expect(text, pos, u'Z') || expect(text, pos, u'z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == u'+' || text[pos] == u'-')) {
        const int sign = text[pos] == u'-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!readDigits(text, pos, 2, oh) || !expect(text, pos, u':') || !readDigits(text, pos, 2, om) || oh > 23
            || om > 59) {
            return std::nullopt;
        }
        offsetSeconds = sign * (oh * 3600 + om * 60);
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                             std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    const std::int64_t days = sys_days{ymd}.time_since_epoch().count();
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    if (seconds < MinSeconds || seconds > MaxSeconds) {
        return std::nullopt;
    }
    return fromTicks(seconds * TicksPerSecond + fraction);
}

Timestamp Timestamp::fromDateTime(const QDateTime& dateTime)
{
    if (!dateTime.isValid()) {
        return {};
    }
    return clamped(static_cast<long double>(dateTime.toMSecsSinceEpoch()) * 10'000.0L);
}

Timestamp Timestamp::fromTicks(std::int64_t ticksSinceUnixEpoch)
{
    Timestamp t;
    if (ticksSinceUnixEpoch < MinTicks || ticksSinceUnixEpoch > MaxTicks) {
        return t;
    }
    t.m_valid = true;
    t.m_ticks = ticksSinceUnixEpoch;
    return t;
}

Timestamp Timestamp::fromSecsSinceEpoch(std::int64_t seconds)
{
    if (seconds < MinSeconds || seconds > MaxSeconds) {
        return {};
    }
    return fromTicks(seconds * TicksPerSecond);
}

std::int64_t Timestamp::secsSinceEpoch() const
{
    // Floor division so instants before 1970 round towards the past.
    std::int64_t s = m_ticks / TicksPerSecond;
    if (m_ticks % TicksPerSecond < 0) {
        --s;
    }
    return s;
}

QString Timestamp::format(bool allFractionDigits) const
{
    if (!m_valid) {
        return {};
    }
    using namespace std::chrono;
    const std::int64_t secs = secsSinceEpoch();
    std::int64_t fraction = m_ticks - secs * TicksPerSecond;
    std::int64_t days = secs / 86400;
    std::int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    const year_month_day ymd{sys_days{std::chrono::days{days}}};
    // Formatted by hand: this runs for every timestamp the server stores or sends, and
    // QString::arg chains were a visible share of a write request's time.
    char buffer[32];
    auto put = [&buffer](int at, std::int64_t value, int width) {
        for (int i = width - 1; i >= 0; --i) {
            buffer[at + i] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, static_cast<int>(ymd.year()), 4);
    buffer[4] = '-';
    put(5, static_cast<unsigned>(ymd.month()), 2);
    buffer[7] = '-';
    put(8, static_cast<unsigned>(ymd.day()), 2);
    buffer[10] = 'T';
    put(11, rem / 3600, 2);
    buffer[13] = ':';
    put(14, (rem / 60) % 60, 2);
    buffer[16] = ':';
    put(17, rem % 60, 2);
    int length = 19;
    if (allFractionDigits || fraction != 0) {
        buffer[19] = '.';
        put(20, fraction, 7);
        length = 27;
        if (!allFractionDigits) {
            while (buffer[length - 1] == '0') {
                --length;
            }
        }
    }
    buffer[length++] = 'Z';
    return QString::fromLatin1(buffer, length);
}

QString Timestamp::toIso() const
{
    return format(false);
}

QString Timestamp::toFixedIso() const
{
    return format(true);
}

QDateTime Timestamp::toDateTime() const
{
    if (!m_valid) {
        return {};
    }
    std::int64_t ms = m_ticks / 10'000;
    if (m_ticks % 10'000 < 0) {
        --ms;
    }
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

Timestamp Timestamp::clamped(long double ticks)
{
    if (ticks < static_cast<long double>(MinTicks)) {
        return fromTicks(MinTicks);
    }
    if (ticks > static_cast<long double>(MaxTicks)) {
        return fromTicks(MaxTicks);
    }
    return fromTicks(static_cast<std::int64_t>(ticks));
}

Timestamp Timestamp::plus(const IsoDuration& duration) const
{
    if (!m_valid) {
        return {};
    }
    return clamped(static_cast<long double>(m_ticks) + static_cast<long double>(duration.ticks()));
}

Timestamp Timestamp::plusSeconds(std::int64_t seconds) const
{
    if (!m_valid) {
        return {};
    }
    return clamped(static_cast<long double>(m_ticks)
                   + static_cast<long double>(seconds) * static_cast<long double>(TicksPerSecond));
}

std::int64_t Timestamp::msecsTo(const Timestamp& other) const
{
    return (other.m_ticks - m_ticks) / 10'000;
}

} // namespace Elevate
