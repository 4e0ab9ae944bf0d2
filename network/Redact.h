#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace Elevate {

// The one place that keeps secrets out of logs and error details. It replaces with
// "[redacted]":
//  - the credential of `Authorization`/`Proxy-Authorization` (any scheme), `Cookie`,
//    `Set-Cookie` header lines, and any "Bearer …"/"Basic …" credential in free text;
//  - the values of secret parameters in URLs, form bodies and JSON bodies: access_token,
//    refresh_token, id_token, device_code, user_code, code, code_verifier, client_secret,
//    client_assertion, assertion, password, otp, totp, session_state;
//  - anything shaped like a JWT (eyJ….….…).
// Everything else is kept, so a log line still says what happened.
QString redact(QStringView text);
QString redact(const QUrl& url);
QByteArray redact(const QByteArray& bytes);
// One header; the value is kept unless the header carries a credential.
QByteArray redactHeader(const QByteArray& name, const QByteArray& value);

} // namespace Elevate
