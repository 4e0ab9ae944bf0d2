#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace Elevate::Server {

// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1 through Qt's
// QMessageAuthenticationCode, 30-second steps, six digits, the parameters every authenticator
// app uses by default. Secrets are 160 random bits (RFC 4226 §4 recommends at least that),
// shown to people in base32 (RFC 4648 §6) and as an otpauth:// URI for QR-code enrolment.
// Stateless; replay protection (a step is accepted once) is the caller's job.
class Totp final
{
public:
    Totp() = delete;

    static constexpr std::int64_t StepSeconds = 30;
    static constexpr int Digits = 6;
    static constexpr int SecretBytes = 20;

    static QByteArray newSecret();
    // RFC 4648 base32, upper case, without '=' padding (what authenticator apps expect).
    static QString toBase32(const QByteArray& bytes);
    // Accepts lower case, spaces and padding; empty when the text is not base32.
    static QByteArray fromBase32(const QString& text);

    // The time step containing a Unix time (seconds): floor(seconds / 30).
    static std::int64_t stepAt(std::int64_t unixSeconds);
    // The code for one step: HOTP(secret, step) truncated to `digits` decimal digits.
    static QString code(const QByteArray& secret, std::int64_t step, int digits = Digits);

    // The step in [step - skew, step + skew] whose code equals `typed`, or -1. Every candidate
    // is computed and compared in constant time, so the answer's timing does not say which
    // step (if any) matched.
    static std::int64_t matchingStep(const QByteArray& secret, const QString& typed, std::int64_t step, int skew = 1);

    // otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
    static QString provisioningUri(const QString& issuer, const QString& account, const QByteArray& secret);
};

// Byte-wise comparison whose time depends only on the lengths, for secrets.
bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

} // namespace Elevate::Server
