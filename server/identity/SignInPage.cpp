#include "SignInPage.h"

#include "DeviceAuthPage.h"

#include <QCoreApplication>

namespace Elevate::Server {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("Elevate::Server::SignInPage", text);
}

QString esc(const QString& text)
{
    return DeviceAuthPage::escape(text);
}

QString errorBlock(const QString& message)
{
    if (message.isEmpty()) {
        return {};
    }
    return QStringLiteral("<p class=\"error\" id=\"form-error\" role=\"alert\">") + esc(message)
        + QStringLiteral("</p>\n");
}

// action="authorize" resolves to this same path under /{tenant}/oauth2/v2.0/, which
// form-action 'self' allows. Nothing rides on cookies, so there is no session to forge.
QString formStart(bool hasError)
{
    return QStringLiteral("<form method=\"post\" action=\"authorize\"")
        + (hasError ? QStringLiteral(" aria-describedby=\"form-error\"") : QString()) + QStringLiteral(">\n");
}

} // namespace

QByteArray SignInPage::credentials(const Fields& hidden, const QString& userName, const QString& errorMessage,
                                   bool stepUp)
{
    QString main = QStringLiteral("<h1>") + esc(tr("Sign in to Elevate")) + QStringLiteral("</h1>\n<p>")
        + esc(stepUp ? tr("This action needs a fresh sign-in with your password and your authenticator app.")
                     : tr("Enter your user name and password."))
        + QStringLiteral("</p>\n") + errorBlock(errorMessage) + formStart(!errorMessage.isEmpty());
    for (const auto& [name, value] : hidden) {
        main += QStringLiteral("<input type=\"hidden\" name=\"") + esc(name) + QStringLiteral("\" value=\"")
            + esc(value) + QStringLiteral("\">\n");
    }
    main += QStringLiteral("<label for=\"username\">") + esc(tr("User name")) + QStringLiteral("</label>\n")
        + QStringLiteral("<input id=\"username\" name=\"username\" type=\"text\" required maxlength=\"256\" "
                         "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" autofocus value=\"")
        + esc(userName) + QStringLiteral("\">\n");
    main += QStringLiteral("<label for=\"password\">") + esc(tr("Password")) + QStringLiteral("</label>\n")
        + QStringLiteral("<input id=\"password\" name=\"password\" type=\"password\" required maxlength=\"1024\" "
                         "autocomplete=\"current-password\">\n");
    main += QStringLiteral("<button type=\"submit\">") + esc(tr("Sign in")) + QStringLiteral("</button>\n</form>\n");
    return DeviceAuthPage::document(tr("Sign in"), main);
}

QByteArray SignInPage::secondFactor(const QString& pendingHandle, const QString& errorMessage)
{
    QString main = QStringLiteral("<h1>") + esc(tr("Enter your verification code")) + QStringLiteral("</h1>\n<p>")
        + esc(tr("Open your authenticator app and enter the six-digit code it shows for Elevate."))
        + QStringLiteral("</p>\n") + errorBlock(errorMessage) + formStart(!errorMessage.isEmpty());
    main += QStringLiteral("<input type=\"hidden\" name=\"pending\" value=\"") + esc(pendingHandle)
        + QStringLiteral("\">\n");
    main += QStringLiteral("<label for=\"totp\">") + esc(tr("Verification code")) + QStringLiteral("</label>\n")
        + QStringLiteral("<input id=\"totp\" name=\"totp\" type=\"text\" required inputmode=\"numeric\" "
                         "pattern=\"[0-9 ]{6,7}\" maxlength=\"7\" autocomplete=\"one-time-code\" spellcheck=\"false\" "
                         "autofocus>\n");
    main += QStringLiteral("<button type=\"submit\">") + esc(tr("Verify")) + QStringLiteral("</button>\n</form>\n");
    return DeviceAuthPage::document(tr("Verification code"), main);
}

QByteArray SignInPage::failure(const QString& message)
{
    const QString main = QStringLiteral("<h1>") + esc(tr("Sign-in cannot continue")) + QStringLiteral("</h1>\n")
        + QStringLiteral("<p role=\"alert\">") + esc(message) + QStringLiteral("</p>\n<p>")
        + esc(tr("Return to your application and start the sign-in again.")) + QStringLiteral("</p>\n");
    return DeviceAuthPage::document(tr("Sign-in cannot continue"), main);
}

} // namespace Elevate::Server
