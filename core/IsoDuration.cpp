#include "IsoDuration.h"

#include <QCoreApplication>

#include <algorithm>

namespace Elevate {

namespace {

constexpr std::int64_t TicksPerSecond = 10'000'000;

CodecError durationError(QStringView text, const QString& why)
{
    // The offending text is cut so a 10 MB string never ends up in a log line.
    const QString shown = text.size() > 40 ? text.left(40).toString() + QStringLiteral("…") : text.toString();
    return CodecError{QString(), QStringLiteral("invalid ISO-8601 duration \"%1\": %2").arg(shown, why)};
}

} // namespace

Result<IsoDuration> IsoDuration::parse(QStringView text)
{
    if (text.size() > 64) {
        return durationError(text, QStringLiteral("too long"));
    }
    if (text.isEmpty() || (text[0] != u'P' && text[0] != u'p')) {
        return durationError(text, QStringLiteral("must start with P"));
    }
    // Designators in the order they may appear: W stands alone; D before T; H, M, S after T.
    enum Unit { Week, Day, Hour, Minute, Second, None };
    constexpr long double unitSeconds[] = {7 * 86400.0L, 86400.0L, 3600.0L, 60.0L, 1.0L};

    qsizetype pos = 1;
    bool inTime = false;
    bool sawFraction = false;
    bool sawComponent = false;
    bool sawTimeComponent = false;
    int lastUnit = -1;
    long double totalSeconds = 0;

    while (pos < text.size()) {
        if (text[pos] == u'T' || text[pos] == u't') {
            if (inTime) {
                return durationError(text, QStringLiteral("repeated T"));
            }
            inTime = true;
            ++pos;
            continue;
        }
        if (sawFraction) {
            return durationError(text, QStringLiteral("only the last component may have a fraction"));
        }
        const qsizetype numberStart = pos;
        long double value = 0;
        int integerDigits = 0;
        while (pos < text.size() && text[pos] >= u'0' && text[pos] <= u'9') {
            if (++integerDigits > 12) {
                return durationError(text, QStringLiteral("number too large"));
            }
            value = value * 10 + (text[pos].unicode() - u'0');
            ++pos;
        }
        if (pos < text.size() && (text[pos] == u'.' || text[pos] == u',')) {
            ++pos;
            long double scale = 0.1L;
            int fractionDigits = 0;
            while (pos < text.size() && text[pos] >= u'0' && text[pos] <= u'9') {
                if (++fractionDigits > 9) {
                    return durationError(text, QStringLiteral("too many fractional digits"));
                }
                value += scale * (text[pos].unicode() - u'0');
                scale /= 10;
                ++pos;
            }
            if (fractionDigits == 0 || integerDigits == 0) {
                return durationError(text, QStringLiteral("malformed fraction"));
            }
            sawFraction = true;
        }
        if (pos == numberStart) {
            if (pos < text.size() && text[pos] == u'-') {
                return durationError(text, QStringLiteral("negative durations are not allowed"));
            }
            return durationError(text, QStringLiteral("expected a number"));
        }
        if (pos >= text.size()) {
            return durationError(text, QStringLiteral("number without a unit"));
        }
        const char16_t designator = QChar::toUpper(text[pos].unicode());
        ++pos;
        int unit = None;
        switch (designator) {
        case u'W':
            unit = inTime ? None : Week;
            break;
        case u'D':
            unit = inTime ? None : Day;
            break;
        case u'H':
            unit = inTime ? Hour : None;
            break;
        case u'M':
            if (!inTime) {
                return durationError(text, QStringLiteral("months have no fixed length"));
            }
            unit = Minute;
            break;
        case u'S':
            unit = inTime ? Second : None;
            break;
        case u'Y':
            return durationError(text, QStringLiteral("years have no fixed length"));
        default:
            break;
        }
        if (unit == None) {
            return durationError(text, QStringLiteral("unexpected designator"));
        }
        if (unit <= lastUnit || (unit == Day && lastUnit == Week) || (lastUnit == Week)) {
            return durationError(text, QStringLiteral("components out of order or repeated"));
        }
        lastUnit = unit;
        sawComponent = true;
        if (inTime) {
            sawTimeComponent = true;
        }
        totalSeconds += value * unitSeconds[unit];
        if (totalSeconds > static_cast<long double>(MaxSeconds)) {
            return durationError(text, QStringLiteral("longer than 100 years"));
        }
    }
    if (!sawComponent) {
        return durationError(text, QStringLiteral("no components"));
    }
    if (inTime && !sawTimeComponent) {
        return durationError(text, QStringLiteral("T without a time component"));
    }
    IsoDuration d;
    d.m_ticks = static_cast<std::int64_t>(totalSeconds * TicksPerSecond + 0.5L);
    return d;
}

IsoDuration IsoDuration::fromSeconds(std::int64_t seconds)
{
    return fromTicks(std::clamp<std::int64_t>(seconds, 0, MaxSeconds) * TicksPerSecond);
}

IsoDuration IsoDuration::fromTicks(std::int64_t ticks)
{
    IsoDuration d;
    d.m_ticks = std::clamp<std::int64_t>(ticks, 0, MaxSeconds * TicksPerSecond);
    return d;
}

QString IsoDuration::toIso() const
{
    std::int64_t secs = m_ticks / TicksPerSecond;
    const std::int64_t fraction = m_ticks % TicksPerSecond;
    const std::int64_t days = secs / 86400;
    secs %= 86400;
    const std::int64_t hours = secs / 3600;
    const std::int64_t minutes = (secs / 60) % 60;
    secs %= 60;

    QString out = QStringLiteral("P");
    if (days > 0) {
        out += QString::number(days) + u'D';
    }
    if (hours == 0 && minutes == 0 && secs == 0 && fraction == 0) {
        return days > 0 ? out : QStringLiteral("PT0S");
    }
    out += u'T';
    if (hours > 0) {
        out += QString::number(hours) + u'H';
    }
    if (minutes > 0) {
        out += QString::number(minutes) + u'M';
    }
    if (secs > 0 || fraction > 0) {
        out += QString::number(secs);
        if (fraction > 0) {
            QString digits = QStringLiteral("%1").arg(fraction, 7, 10, QLatin1Char('0'));
            while (digits.endsWith(u'0')) {
                digits.chop(1);
            }
            out += u'.' + digits;
        }
        out += u'S';
    }
    return out;
}

QString IsoDuration::toDisplay() const
{
    const std::int64_t total = seconds();
    const std::int64_t days = total / 86400;
    const std::int64_t hours = (total / 3600) % 24;
    const std::int64_t minutes = (total / 60) % 60;
    QStringList parts;
    if (days > 0) {
        parts << QCoreApplication::translate("IsoDuration", "%n d", nullptr, static_cast<int>(days));
    }
    if (hours > 0) {
        parts << QCoreApplication::translate("IsoDuration", "%n h", nullptr, static_cast<int>(hours));
    }
    if (minutes > 0 || parts.isEmpty()) {
        parts << QCoreApplication::translate("IsoDuration", "%n min", nullptr, static_cast<int>(minutes));
    }
    return parts.join(u' ');
}

} // namespace Elevate
