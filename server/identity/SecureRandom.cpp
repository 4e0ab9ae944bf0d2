#include "SecureRandom.h"

#include <QRandomGenerator>

#include <cstring>
#include <vector>

namespace Elevate::Server {

QByteArray SecureRandom::bytes(qsizetype count)
{
    if (count <= 0) {
        return {};
    }
    std::vector<quint32> words(static_cast<std::size_t>((count + 3) / 4));
    QRandomGenerator::system()->fillRange(words.data(), static_cast<qsizetype>(words.size()));
    QByteArray out(count, Qt::Uninitialized);
    std::memcpy(out.data(), words.data(), static_cast<std::size_t>(count));
    std::memset(words.data(), 0, words.size() * sizeof(quint32));
    return out;
}

QString SecureRandom::token()
{
    return QString::fromLatin1(bytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

quint32 SecureRandom::below(quint32 bound)
{
    // Rejection sampling: QRandomGenerator::bounded() scales, which favours some values by
    // about bound / 2^32. Drawing again above the last whole multiple of bound removes the bias.
    if (bound <= 1) {
        return 0;
    }
    const quint64 range = quint64(1) << 32;
    const quint64 limit = range - range % bound;
    for (;;) {
        const quint32 value = QRandomGenerator::system()->generate();
        if (value < limit) {
            return value % bound;
        }
    }
}

} // namespace Elevate::Server
