#include "Redact.h"

#include <QRegularExpression>

namespace Elevate {

namespace {

const QString Mask = QStringLiteral("[redacted]");

// One list of secret parameter names for URLs, forms and JSON. JSON keeps "code": in a Graph
// error body it is the error code, which the log needs; an authorization code only ever travels
// as a URL or form parameter.
const QString JsonSecretNames = QStringLiteral(
    "access_token|refresh_token|id_token|device_code|user_code|code_verifier|client_secret|client_assertion|"
    "assertion|password|otp|totp|session_state|accessToken|refreshToken|idToken|deviceCode");
const QString SecretNames = JsonSecretNames + QStringLiteral("|code");

bool isCredentialHeader(QByteArrayView name)
{
    for (const char* h : {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-ms-refresh-token"}) {
        if (name.compare(h, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

} // namespace

QString redact(QStringView input)
{
    static const QRegularExpression headerLine(
        QStringLiteral("(?im)^(\\s*(?:proxy-)?authorization|\\s*set-cookie|\\s*cookie|\\s*x-ms-refresh-token)(\\s*[:=]\\s*)\\S.*$"));
    static const QRegularExpression scheme(QStringLiteral("(?i)\\b(bearer|basic|negotiate)(\\s+)[A-Za-z0-9._~+/-]++=*+(?![\"A-Za-z0-9])"));
    static const QRegularExpression jsonPair(
        QStringLiteral("(\"(?:%1)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"").arg(JsonSecretNames));
    static const QRegularExpression formPair(QStringLiteral("(?<![A-Za-z0-9_])((?:%1)=)[^&\\s#\"']*").arg(SecretNames));
    static const QRegularExpression jwt(QStringLiteral("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*"));

    QString text = input.toString();
    text.replace(headerLine, QStringLiteral("\\1\\2") + Mask);
    text.replace(scheme, QStringLiteral("\\1\\2") + Mask);
    text.replace(jsonPair, QStringLiteral("\\1\"") + Mask + u'"');
    text.replace(formPair, QStringLiteral("\\1") + Mask);
    text.replace(jwt, Mask);
    return text;
}

QString redact(const QUrl& url)
{
    // Percent-decoded first, so "%63ode=" cannot slip through as something else.
    return redact(QStringView(url.toString(QUrl::RemoveUserInfo | QUrl::PrettyDecoded)));
}

QByteArray redact(const QByteArray& bytes)
{
    return redact(QStringView(QString::fromUtf8(bytes))).toUtf8();
}

QByteArray redactHeader(const QByteArray& name, const QByteArray& value)
{
    if (isCredentialHeader(name)) {
        return Mask.toLatin1();
    }
    return redact(value);
}

} // namespace Elevate
