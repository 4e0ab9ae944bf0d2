#pragma once

#include <QString>

namespace Elevate::Server {

// The OAuth 2.0 errors the token and device code endpoints answer (RFC 6749 §5.2, RFC 8628
// §3.5), with the AADSTS numbers the Microsoft identity platform puts in front of its
// descriptions (graph-contract.md §1.3). Clients branch on the code, never on the number.
enum class OAuthError {
    None,
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    AuthorizationPending,
    SlowDown,
    AuthorizationDeclined,
    ExpiredToken,
    BadVerificationCode,
    InteractionRequired,    // the grant cannot satisfy the claims: sign in interactively
    AccessDenied,           // authorize redirect: the user or the server refused
    LoginRequired,          // authorize redirect: prompt=none, and there is no session
    UnsupportedResponseType,
    ServerError,
};

// "authorization_pending", "invalid_grant", ...; empty for None.
QString oauthErrorCode(OAuthError error);
// The AADSTS number for error_codes[] and the description prefix.
int oauthErrorNumber(OAuthError error);
// 400 for everything a client did, 401 for invalid_client, 500 for server_error.
int oauthErrorStatus(OAuthError error);

} // namespace Elevate::Server
