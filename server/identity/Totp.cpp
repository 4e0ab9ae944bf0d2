#include "Totp.h"

#include "SecureRandom.h"

#include <QMessageAuthenticationCode>
#include <QUrl>

namespace Elevate::Server {

namespace {

constexpr QLatin1String Base32Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

} // namespace

bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    }
    return diff == 0;
}

QByteArray Totp::newSecret()
{
    return SecureRandom::bytes(SecretBytes);
}

QString Totp::toBase32(const QByteArray& bytes)
{
    QString out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    quint32 buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            out += Base32Alphabet.at((buffer >> (bits - 5)) & 0x1f);
            bits -= 5;
        }
    }
    if (bits > 0) {
        out += Base32Alphabet.at((buffer << (5 - bits)) & 0x1f);
    }
    return out;
}

QByteArray Totp::fromBase32(const QString& text)
{
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    bool padding = false;
    for (const QChar c : text) {
        if (c.isSpace()) {
            continue;
        }
        if (c == u'=') {
            padding = true;
            continue;
        }
        const qsizetype value = Base32Alphabet.indexOf(c.toUpper());
        if (value < 0 || padding) {
            return {};
        }
        buffer = (buffer << 5) | static_cast<quint32>(value);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::int64_t Totp::stepAt(std::int64_t unixSeconds)
{
    // Floor division, so a (theoretical) time before 1970 does not share step 0.
    return unixSeconds >= 0 ? unixSeconds / StepSeconds : -((-unixSeconds + StepSeconds - 1) / StepSeconds);
}

QString Totp::code(const QByteArray& secret, std::int64_t step, int digits)
{
    // RFC 4226 §5.3: HMAC-SHA1 over the 8-byte big-endian counter, then dynamic truncation.
    QByteArray counter(8, '\0');
    auto value = static_cast<quint64>(step);
    for (int i = 7; i >= 0; --i) {
        counter[i] = static_cast<char>(value & 0xff);
        value >>= 8;
    }
    const QByteArray mac = QMessageAuthenticationCode::hash(counter, secret, QCryptographicHash::Sha1);
    const int offset = mac.at(mac.size() - 1) & 0x0f;
    const quint32 binary = (static_cast<quint32>(static_cast<unsigned char>(mac.at(offset)) & 0x7f) << 24)
        | (static_cast<quint32>(static_cast<unsigned char>(mac.at(offset + 1))) << 16)
        | (static_cast<quint32>(static_cast<unsigned char>(mac.at(offset + 2))) << 8)
        | static_cast<quint32>(static_cast<unsigned char>(mac.at(offset + 3)));
    quint32 modulus = 1;
    for (int i = 0; i < digits; ++i) {
        modulus *= 10;
    }
    return QStringLiteral("%1").arg(binary % modulus, digits, 10, QLatin1Char('0'));
}

std::int64_t Totp::matchingStep(const QByteArray& secret, const QString& typed, std::int64_t step, int skew)
{
    QString digits;
    for (const QChar c : typed) {
        if (!c.isSpace()) {
            digits += c;
        }
    }
    const QByteArray given = digits.toLatin1();
    std::int64_t found = -1;
    for (std::int64_t s = step - skew; s <= step + skew; ++s) {
        if (constantTimeEquals(code(secret, s).toLatin1(), given) && found < 0) {
            found = s;
        }
    }
    return found;
}

QString Totp::provisioningUri(const QString& issuer, const QString& account, const QByteArray& secret)
{
    const QString label = QString::fromLatin1(QUrl::toPercentEncoding(issuer)) + u':'
        + QString::fromLatin1(QUrl::toPercentEncoding(account));
    return QStringLiteral("otpauth://totp/") + label + QStringLiteral("?secret=") + toBase32(secret)
        + QStringLiteral("&issuer=") + QString::fromLatin1(QUrl::toPercentEncoding(issuer))
        + QStringLiteral("&algorithm=SHA1&digits=%1&period=%2").arg(Digits).arg(StepSeconds);
}

} // namespace Elevate::Server
