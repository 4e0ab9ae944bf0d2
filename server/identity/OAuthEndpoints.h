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
};

// The Microsoft identity platform endpoints elevated serves (graph-contract.md §1):
//   POST /{tenant}/oauth2/v2.0/devicecode   device authorization request (RFC 8628 §3.1)
//   POST /{tenant}/oauth2/v2.0/token        device_code and refresh_token grants
//   GET  /{tenant}/oauth2/v2.0/deviceauth   the verification page (HTML form)
//   POST /{tenant}/oauth2/v2.0/deviceauth   approve or decline a user code
// Plain functions over HttpRequest/HttpResponse; the transport routes paths for which
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
