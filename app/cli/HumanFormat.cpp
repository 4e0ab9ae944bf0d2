#include "HumanFormat.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace Elevate::HumanFormat {

QString duration(std::int64_t seconds)
{
    seconds = std::max<std::int64_t>(0, seconds);
    const std::int64_t days = seconds / 86400;
    const std::int64_t hours = (seconds % 86400) / 3600;
    const std::int64_t minutes = (seconds % 3600) / 60;
    QStringList parts;
    if (days > 0) {
        parts << QStringLiteral("%1 d").arg(days);
    }
    if (hours > 0) {
        parts << QStringLiteral("%1 h").arg(hours);
    }
    if (minutes > 0 && days == 0) {
        parts << QStringLiteral("%1 min").arg(minutes);
    }
    if (parts.isEmpty()) {
        return seconds > 0 ? QStringLiteral("%1 s").arg(seconds) : QStringLiteral("0 min");
    }
    return parts.join(u' ');
}

QString remaining(std::int64_t seconds)
{
    if (seconds <= 0) {
        return QStringLiteral("expired");
    }
    if (seconds < 60) {
        return QStringLiteral("less than a minute left");
    }
    return duration(seconds) + QStringLiteral(" left");
}

QString localTime(const Timestamp& t)
{
    if (t.isNull()) {
        return QStringLiteral("—");
    }
    return t.toDateTime().toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

std::optional<IsoDuration> parseDuration(const QString& input)
{
    const QString text = input.trimmed();
    if (text.startsWith(u'P', Qt::CaseInsensitive)) {
        Result<IsoDuration> iso = IsoDuration::parse(text.toUpper());
        if (!iso || iso->isZero()) {
            return std::nullopt;
        }
        return *iso;
    }
    static const QRegularExpression part(QStringLiteral("^\\s*(\\d{1,6})\\s*(days?|d|hours?|h|minutes?|mins|min|m)\\s*"),
                                         QRegularExpression::CaseInsensitiveOption);
    QString rest = text;
    std::int64_t seconds = 0;
    bool any = false;
    while (!rest.isEmpty()) {
        const QRegularExpressionMatch m = part.match(rest);
        if (!m.hasMatch()) {
            return std::nullopt;
        }
        const std::int64_t n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0).toLower();
        seconds += n * (unit == u'd' ? 86400 : unit == u'h' ? 3600 : 60);
        rest = rest.mid(m.capturedLength());
        any = true;
    }
    if (!any || seconds <= 0 || seconds > IsoDuration::MaxSeconds) {
        return std::nullopt;
    }
    return IsoDuration::fromSeconds(seconds);
}

std::optional<Timestamp> parseTime(const QString& input, const QDateTime& nowUtc)
{
    const QString text = input.trimmed();
    if (text.startsWith(u'+')) {
        if (const std::optional<IsoDuration> d = parseDuration(text.mid(1))) {
            return Timestamp::fromDateTime(nowUtc).plus(*d);
        }
        return std::nullopt;
    }
    if (const std::optional<Timestamp> iso = Timestamp::fromIso(text)) {
        return iso;
    }
    for (const QString& format : {QStringLiteral("yyyy-MM-dd HH:mm"), QStringLiteral("yyyy-MM-ddTHH:mm"),
                                  QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("yyyy-MM-dd")}) {
        QDateTime local = QDateTime::fromString(text, format);
        if (local.isValid()) {
            local.setTimeZone(QTimeZone::systemTimeZone());
            return Timestamp::fromDateTime(local.toUTC());
        }
    }
    const QTime time = QTime::fromString(text, QStringLiteral("HH:mm"));
    if (time.isValid()) {
        QDateTime local(nowUtc.toLocalTime().date(), time, QTimeZone::systemTimeZone());
        return Timestamp::fromDateTime(local.toUTC());
    }
    return std::nullopt;
}

} // namespace Elevate::HumanFormat
