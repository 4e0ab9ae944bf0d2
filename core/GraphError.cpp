#include "GraphError.h"

#include <QRegularExpression>
#include <QUrl>

namespace Elevate {

QStringList GraphError::failedRules() const
{
    // The rule list is a JSON array embedded in prose; take the bracketed part after "failed:".
    const qsizetype marker = message.indexOf(u"rules failed:", 0, Qt::CaseInsensitive);
    if (marker < 0) {
        return {};
    }
    const qsizetype open = message.indexOf(u'[', marker);
    const qsizetype close = open < 0 ? -1 : message.indexOf(u']', open);
    if (open < 0 || close < 0) {
        return {};
    }
    QStringList rules;
    static const QRegularExpression name(QStringLiteral("\"([A-Za-z0-9_]+)\""));
    auto it = name.globalMatch(QStringView(message).mid(open, close - open + 1));
    while (it.hasNext()) {
        rules << it.next().captured(1);
    }
    return rules;
}

QString GraphError::claimsChallenge() const
{
    const qsizetype at = message.indexOf(u"claims=");
    if (at < 0) {
        return {};
    }
    qsizetype end = at + 7;
    while (end < message.size() && message[end] != u'&' && !message[end].isSpace() && message[end] != u'"') {
        ++end;
    }
    const QString encoded = message.mid(at + 7, end - at - 7);
    const QString decoded = QUrl::fromPercentEncoding(encoded.toUtf8());
    return decoded.startsWith(u'{') ? decoded : QString();
}

} // namespace Elevate
