#include "Format.h"

#include <QCoreApplication>
#include <QDateTime>

namespace Elevate::Models::Format {

namespace {

// lupdate files these strings under the namespace's full name, so that is the context to look up.
QString tr(const char* text)
{
    return QCoreApplication::translate("Elevate::Models::Format", text);
}

} // namespace

QString duration(qint64 seconds)
{
    if (seconds < 0) {
        seconds = 0;
    }
    if (seconds > 0 && seconds < 60) {
        return tr("%1 s").arg(seconds);
    }
    const qint64 days = seconds / 86400;
    const qint64 hours = (seconds % 86400) / 3600;
    const qint64 minutes = (seconds % 3600) / 60;
    if (days > 0) {
        return hours > 0 ? tr("%1 d %2 h").arg(days).arg(hours) : tr("%1 d").arg(days);
    }
    if (hours > 0) {
        return minutes > 0 ? tr("%1 h %2 min").arg(hours).arg(minutes) : tr("%1 h").arg(hours);
    }
    return tr("%1 min").arg(minutes);
}

QString duration(const IsoDuration& d)
{
    return duration(qint64(d.seconds()));
}

QString timeLeft(const Timestamp& when, const Timestamp& now)
{
    if (when.isNull()) {
        return tr("no end");
    }
    const qint64 left = when.secsSinceEpoch() - now.secsSinceEpoch();
    if (left <= 0) {
        return tr("expired");
    }
    return tr("%1 left").arg(duration(left));
}

QString ago(const Timestamp& when, const Timestamp& now)
{
    if (when.isNull()) {
        return tr("never");
    }
    const qint64 since = now.secsSinceEpoch() - when.secsSinceEpoch();
    if (since < 60) {
        return tr("just now");
    }
    return tr("%1 ago").arg(duration(since - since % 60));
}

QString dateTime(const Timestamp& when)
{
    if (when.isNull()) {
        return QString();
    }
    return when.toDateTime().toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace Elevate::Models::Format
