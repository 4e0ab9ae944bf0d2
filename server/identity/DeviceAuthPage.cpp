#include "DeviceAuthPage.h"

#include <QCoreApplication>

namespace Elevate::Server {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("Elevate::Server::DeviceAuthPage", text);
}

} // namespace

// The stylesheet is inline because the Content-Security-Policy allows nothing else to load.
QByteArray DeviceAuthPage::document(const QString& title, const QString& main)
{
    return QString(QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n<title>")
        + DeviceAuthPage::escape(title)
        + QStringLiteral(
               " \u2013 Elevate</title>\n<style>\n"
               "body{font-family:system-ui,sans-serif;line-height:1.5;max-width:30rem;margin:2rem auto;padding:0 1rem;"
               "color:#1d1d1d;background:#fff;}\n"
               "h1{font-size:1.6rem;margin-bottom:.25rem;}\n"
               ".hint{color:#4a4a4a;font-weight:400;font-size:.95rem;}\n"
               "label{display:block;margin-top:1rem;font-weight:600;}\n"
               "input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;"
               "border:1px solid #767676;border-radius:4px;}\n"
               "input:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:2px;}\n"
               ".error{border:2px solid #a51d2d;color:#a51d2d;padding:.5rem;}\n"
               "button{margin:1.5rem .5rem 0 0;padding:.5rem 1.25rem;font-size:1rem;border-radius:4px;cursor:pointer;"
               "background:#1a5fb4;color:#fff;border:1px solid #1a5fb4;}\n"
               "button[value=decline]{background:#fff;color:#1a5fb4;}\n"
               "</style>\n</head>\n<body>\n<main>\n")
        + main + QStringLiteral("</main>\n</body>\n</html>\n"))
        .toUtf8();
}

QString DeviceAuthPage::escape(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&':
            out += QStringLiteral("&amp;");
            break;
        case u'<':
            out += QStringLiteral("&lt;");
            break;
        case u'>':
            out += QStringLiteral("&gt;");
            break;
        case u'"':
            out += QStringLiteral("&quot;");
            break;
        case u'\'':
            out += QStringLiteral("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray DeviceAuthPage::form(const QString& userCode, const QString& userName, const QString& errorMessage)
{
    const bool hasError = !errorMessage.isEmpty();
    QString main = QStringLiteral("<h1>") + escape(tr("Sign in on another device")) + QStringLiteral("</h1>\n<p>")
        + escape(tr("Enter the code your device shows, then your user name and password.")) + QStringLiteral("</p>\n");
    if (hasError) {
        main += QStringLiteral("<p class=\"error\" id=\"form-error\" role=\"alert\">") + escape(errorMessage)
            + QStringLiteral("</p>\n");
    }
    // action="deviceauth" resolves to this same path under /{tenant}/oauth2/v2.0/, which
    // form-action 'self' allows. No cookies exist, so there is no session to forge a request in.
    main += QStringLiteral("<form method=\"post\" action=\"deviceauth\"")
        + (hasError ? QStringLiteral(" aria-describedby=\"form-error\"") : QString()) + QStringLiteral(">\n");
    main += QStringLiteral("<label for=\"user_code\">") + escape(tr("Code")) + QStringLiteral("</label>\n")
        + QStringLiteral("<input id=\"user_code\" name=\"user_code\" type=\"text\" required maxlength=\"32\" "
                         "autocomplete=\"one-time-code\" autocapitalize=\"characters\" spellcheck=\"false\" value=\"")
        + escape(userCode) + QStringLiteral("\">\n");
    main += QStringLiteral("<label for=\"username\">") + escape(tr("User name")) + QStringLiteral("</label>\n")
        + QStringLiteral("<input id=\"username\" name=\"username\" type=\"text\" required maxlength=\"256\" "
                         "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" value=\"")
        + escape(userName) + QStringLiteral("\">\n");
    main += QStringLiteral("<label for=\"password\">") + escape(tr("Password")) + QStringLiteral("</label>\n")
        + QStringLiteral("<input id=\"password\" name=\"password\" type=\"password\" required maxlength=\"1024\" "
                         "autocomplete=\"current-password\">\n");
    main += QStringLiteral("<label for=\"totp\">") + escape(tr("Verification code"))
        + QStringLiteral(" <span class=\"hint\">") + escape(tr("(from your authenticator app, if you use one)"))
        + QStringLiteral("</span></label>\n")
        + QStringLiteral("<input id=\"totp\" name=\"totp\" type=\"text\" inputmode=\"numeric\" maxlength=\"10\" "
                         "autocomplete=\"one-time-code\" spellcheck=\"false\">\n");
    main += QStringLiteral("<button type=\"submit\" name=\"action\" value=\"approve\">")
        + escape(tr("Sign in and allow")) + QStringLiteral("</button>\n")
        + QStringLiteral("<button type=\"submit\" name=\"action\" value=\"decline\">") + escape(tr("Decline"))
        + QStringLiteral("</button>\n</form>\n");
    return document(tr("Sign in on another device"), main);
}

QByteArray DeviceAuthPage::finished(bool approved)
{
    const QString title = approved ? tr("Device signed in") : tr("Sign-in declined");
    const QString text = approved
        ? tr("You have allowed the sign-in. Your device continues by itself; you can close this window.")
        : tr("You declined the sign-in. The device has not been signed in; you can close this window.");
    const QString main = QStringLiteral("<h1>") + escape(title) + QStringLiteral("</h1>\n<p role=\"status\">")
        + escape(text) + QStringLiteral("</p>\n");
    return document(title, main);
}

} // namespace Elevate::Server
