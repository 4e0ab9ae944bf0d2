#include "TimeOrderedId.h"

#include <QByteArray>
#include <QDateTime>
#include <QRandomGenerator>
#include <QUuid>

#include <array>
#include <cstring>

namespace Elevate::Server {

QString TimeOrderedId::create()
{
    return create(QDateTime::currentMSecsSinceEpoch());
}

QString TimeOrderedId::create(qint64 msecsSinceEpoch)
{
    std::array<quint32, 3> random{}; // 96 bits, 74 of them kept
    QRandomGenerator::system()->fillRange(random.data(), qsizetype(random.size()));
    std::array<char, 16> bytes{};
    std::memcpy(bytes.data() + 6, random.data(), 10);
    const quint64 time = quint64(msecsSinceEpoch) & Q_UINT64_C(0xFFFFFFFFFFFF);
    for (int i = 0; i < 6; ++i) {
        bytes[size_t(i)] = char((time >> (40 - 8 * i)) & 0xFF);
    }
    bytes[6] = char(0x70 | (bytes[6] & 0x0F)); // version 7
    bytes[8] = char(0x80 | (bytes[8] & 0x3F)); // the RFC 4122 variant (10xx)
    return QUuid::fromRfc4122(QByteArrayView(bytes.data(), qsizetype(bytes.size()))).toString(QUuid::WithoutBraces);
}

qint64 TimeOrderedId::timeOf(const QString& id)
{
    const QUuid uuid = QUuid::fromString(id);
    // Not QUuid::version(): Qt 6.4 knows versions 1 to 5 only and calls 7 unknown.
    if (uuid.isNull() || uuid.variant() != QUuid::DCE || (uuid.data3 >> 12) != 7) {
        return -1;
    }
    const QByteArray bytes = uuid.toRfc4122();
    qint64 time = 0;
    for (int i = 0; i < 6; ++i) {
        time = (time << 8) | quint8(bytes[i]);
    }
    return time;
}

} // namespace Elevate::Server
