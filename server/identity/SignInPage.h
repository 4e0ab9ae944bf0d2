#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace Elevate::Server {

// The authorize endpoint's HTML: the user name and password form, then (for accounts with an
// authenticator app, or when the application asks for a fresh second factor) the verification
// code form, and a page for requests that cannot be redirected back. Plain HTML with labelled
// fields and autocomplete hints, no script, no external resources, everything echoed
// HTML-escaped (DeviceAuthPage::escape); the password is never written back into a page.
class SignInPage final
{
public:
    using Fields = QList<std::pair<QString, QString>>;

    SignInPage() = delete;

    // hidden: the authorize request's parameters, posted back with the credentials.
    static QByteArray credentials(const Fields& hidden, const QString& userName, const QString& errorMessage,
                                  bool stepUp);
    // pendingHandle: the secret of this sign-in's second step (a hidden field).
    static QByteArray secondFactor(const QString& pendingHandle, const QString& errorMessage);
    // The request is broken in a way that must not be sent back to its redirect URI.
    static QByteArray failure(const QString& message);
};

} // namespace Elevate::Server
