#pragma once

#include "Http.h"
#include "OAuthError.h"

#include <QString>
#include <QStringList>

namespace Elevate::Server {

class Clock;
class IdentityService;

struct OAuthEndpointSettings
{
    // Where people reach this server, e.g. "https://pim.example.org"; the device code
    // response's verification_uri is built from it. Never taken from the request's Host
    // header, which a client chooses.
    QString publicBaseUrl;
    // Accepted {tenant} path segments (compared case-insensitively); empty accepts any
    // well-formed one ("organizations", "common", a GUID, a domain).
    QStringList tenants;
    qsizetype maxBodyBytes = 16 * 1024;
    // The demo shortcut: user names a device code request may name in login_hint to be signed
    // in without the page. Only `elevated --demo` (which listens on loopback only) fills this,
    // and only requests from a loopback address use it; empty turns the shortcut off.
    QStringList demoLoginHints;
};

// The Microsoft identity platform endpoints elevated serves (graph-contract.md §1):
//   POST /{tenant}/oauth2/v2.0/devicecode   device authorization request (RFC 8628 §3.1)
//   GET  /{tenant}/oauth2/v2.0/authorize    the sign-in page of the authorization code grant
//   POST /{tenant}/oauth2/v2.0/authorize    its password and verification code steps; success
//                                           redirects to the loopback redirect_uri (RFC 8252)
//                                           with code and state
//   POST /{tenant}/oauth2/v2.0/token        authorization_code (PKCE S256 only, RFC 7636),
//                                           device_code and refresh_token grants
//   GET  /{tenant}/oauth2/v2.0/deviceauth   the verification page (HTML form)
//   POST /{tenant}/oauth2/v2.0/deviceauth   approve or decline a user code
// `claims` (graph-contract.md §1.4) on authorize or a refresh asks for a fresh second factor and
// the authentication contexts it names. Plain functions over HttpRequest/HttpResponse; the transport routes paths for which
// matches() is true here. Bodies are application/x-www-form-urlencoded; answers are JSON
// (errors in Entra's shape) or HTML for the page. Nothing here logs a password, token or code.
class OAuthEndpoints final
{
public:
    OAuthEndpoints(IdentityService& identity, const Clock& clock, OAuthEndpointSettings settings = {});

    static bool matches(const QString& path);
    HttpResponse handle(const HttpRequest& request);

    // The credential of an "Authorization: Bearer <token>" header; empty for none or another
    // scheme. For the Graph routes, which hand it to IdentityService::authenticate().
    static QString bearerToken(const HttpRequest& request);

private:
    HttpResponse deviceCode(const HttpRequest& request, const QString& tenant);
    HttpResponse token(const HttpRequest& request);
    HttpResponse authorize(const HttpRequest& request);
    HttpResponse authorizeSubmit(const HttpRequest& request);
    HttpResponse deviceAuthForm();
    HttpResponse deviceAuthSubmit(const HttpRequest& request);
    HttpResponse oauthError(const HttpRequest& request, OAuthError error, const QString& description,
                            int status = 0) const;
    HttpResponse json(const HttpRequest& request, int status, const QByteArray& body) const;

    IdentityService& m_identity;
    const Clock& m_clock;
    OAuthEndpointSettings m_settings;
};

} // namespace Elevate::Server
