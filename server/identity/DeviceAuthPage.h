#pragma once

#include <QByteArray>
#include <QString>

namespace Elevate::Server {

// The small HTML page where a person enters a device's user code and signs in to approve (or
// decline) it: one form, labelled fields, no script, no external resources, everything echoed
// HTML-escaped. The password is never written back into the page.
class DeviceAuthPage final
{
public:
    DeviceAuthPage() = delete;

    // The form, pre-filled with what the person typed before (escaped), and an error
    // sentence announced to screen readers when there is one.
    // The password is never written back; the verification code field is for accounts with an
    // authenticator app (TOTP) and is ignored for the others.
    static QByteArray form(const QString& userCode, const QString& userName, const QString& errorMessage);
    // The end of the flow: the device signs in by itself, or was refused.
    static QByteArray finished(bool approved);
    // Escapes & < > " ' for text and double- or single-quoted attribute values.
    static QString escape(const QString& text);
    // The whole document around a <main> body (already HTML): the inline stylesheet the
    // Content-Security-Policy allows, language, viewport. Shared with SignInPage.
    static QByteArray document(const QString& title, const QString& mainHtml);
};

} // namespace Elevate::Server
