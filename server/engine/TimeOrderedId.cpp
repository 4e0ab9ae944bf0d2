#include "TimeOrderedId.h"

#include <QByteArray>
#include <QDateTime>
#include <QRandomGenerator>
#include <QUuid>

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__linux__)
#include <sys/random.h>
#include <cerrno>
#endif

namespace Elevate::Server {

namespace {

// `size` random bytes for an id. QRandomGenerator::system() asks the CPU (RDRAND) for every 32
// bits, about 270 ns each on this project's machines: three of them per id, a few ids per
// activation, were 2 % of the server's thread. The kernel's generator fills a page in about the
// time of one such call, so each thread keeps a page of its output and hands it out in turn.
void randomBytes(char* out, std::size_t size)
{
#if defined(__linux__)
    thread_local std::array<char, 4096> pool;
    thread_local std::size_t used = pool.size();
    if (pool.size() - used < size) {
        std::size_t filled = 0;
        while (filled < pool.size()) {
            const ssize_t got = getrandom(pool.data() + filled, pool.size() - filled, 0);
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                break;
            }
            filled += std::size_t(got);
        }
        if (filled < pool.size()) { // not expected: getrandom() does not fail once seeded
            QRandomGenerator::system()->generate(pool.begin() + qsizetype(filled), pool.end());
        }
        used = 0;
    }
    std::memcpy(out, pool.data() + used, size);
    used += size;
#else
    std::array<quint32, 4> words{};
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    std::memcpy(out, words.data(), std::min(size, sizeof(words)));
#endif
}

} // namespace

QString TimeOrderedId::create()
{
    return create(QDateTime::currentMSecsSinceEpoch());
}

QString TimeOrderedId::create(qint64 msecsSinceEpoch)
{
    std::array<char, 16> bytes{};
    randomBytes(bytes.data() + 6, 10); // 80 bits, 74 of them kept
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
