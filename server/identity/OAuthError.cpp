#include "OAuthError.h"

namespace Elevate::Server {

QString oauthErrorCode(OAuthError error)
{
    switch (error) {
    case OAuthError::None:
        return {};
    case OAuthError::InvalidRequest:
        return QStringLiteral("invalid_request");
    case OAuthError::InvalidClient:
        return QStringLiteral("invalid_client");
    case OAuthError::InvalidGrant:
        return QStringLiteral("invalid_grant");
    case OAuthError::UnauthorizedClient:
        return QStringLiteral("unauthorized_client");
    case OAuthError::UnsupportedGrantType:
        return QStringLiteral("unsupported_grant_type");
    case OAuthError::InvalidScope:
        return QStringLiteral("invalid_scope");
    case OAuthError::AuthorizationPending:
        return QStringLiteral("authorization_pending");
    case OAuthError::SlowDown:
        return QStringLiteral("slow_down");
    case OAuthError::AuthorizationDeclined:
        return QStringLiteral("authorization_declined");
    case OAuthError::ExpiredToken:
        return QStringLiteral("expired_token");
    case OAuthError::BadVerificationCode:
        return QStringLiteral("bad_verification_code");
    case OAuthError::InteractionRequired:
        return QStringLiteral("interaction_required");
    case OAuthError::AccessDenied:
        return QStringLiteral("access_denied");
    case OAuthError::LoginRequired:
        return QStringLiteral("login_required");
    case OAuthError::UnsupportedResponseType:
        return QStringLiteral("unsupported_response_type");
    case OAuthError::ServerError:
        return QStringLiteral("server_error");
    }
    return QStringLiteral("server_error");
}

int oauthErrorNumber(OAuthError error)
{
    // Entra's numbers where it documents one for the situation; elevated only needs them to
    // look familiar in logs.
    switch (error) {
    case OAuthError::None:
        return 0;
    case OAuthError::InvalidRequest:
        return 900144;
    case OAuthError::InvalidClient:
        return 7000215;
    case OAuthError::InvalidGrant:
        return 70000;
    case OAuthError::UnauthorizedClient:
        return 700016;
    case OAuthError::UnsupportedGrantType:
        return 70003;
    case OAuthError::InvalidScope:
        return 70011;
    case OAuthError::AuthorizationPending:
        return 70016;
    case OAuthError::SlowDown:
        return 70016;
    case OAuthError::AuthorizationDeclined:
        return 70000;
    case OAuthError::ExpiredToken:
        return 70019;
    case OAuthError::BadVerificationCode:
        return 70018;
    case OAuthError::InteractionRequired:
        return 50076;
    case OAuthError::AccessDenied:
        return 50105;
    case OAuthError::LoginRequired:
        return 50058;
    case OAuthError::UnsupportedResponseType:
        return 900144;
    case OAuthError::ServerError:
        return 90033;
    }
    return 90033;
}

int oauthErrorStatus(OAuthError error)
{
    switch (error) {
    case OAuthError::None:
        return 200;
    case OAuthError::InvalidClient:
        return 401;
    case OAuthError::ServerError:
        return 500;
    default:
        return 400;
    }
}

} // namespace Elevate::Server
