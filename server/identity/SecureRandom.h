#pragma once

#include <QByteArray>
#include <QString>

namespace Elevate::Server {

// Secrets from the operating system's generator (QRandomGenerator::system()), never from a
// seeded PRNG: salts, tokens, device codes and user codes.
class SecureRandom final
{
public:
    SecureRandom() = delete;

    static QByteArray bytes(qsizetype count);
    // 32 random bytes as unpadded base64url: 43 characters, 256 bits. Used for access tokens,
    // refresh tokens and device codes.
    static QString token();
    // A uniformly chosen index in [0, bound).
    static quint32 below(quint32 bound);
};

} // namespace Elevate::Server
