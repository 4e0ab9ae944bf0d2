#include "IdentityEvent.h"

namespace Elevate::Server {

QString identityEventName(IdentityEvent::Kind kind)
{
    switch (kind) {
    case IdentityEvent::Kind::SignInSucceeded:
        return QStringLiteral("SignInSucceeded");
    case IdentityEvent::Kind::SignInFailed:
        return QStringLiteral("SignInFailed");
    case IdentityEvent::Kind::SignInBlocked:
        return QStringLiteral("SignInBlocked");
    case IdentityEvent::Kind::LockoutStarted:
        return QStringLiteral("LockoutStarted");
    case IdentityEvent::Kind::RefreshTokenReused:
        return QStringLiteral("RefreshTokenReused");
    case IdentityEvent::Kind::DeviceCodeApproved:
        return QStringLiteral("DeviceCodeApproved");
    case IdentityEvent::Kind::DeviceCodeDeclined:
        return QStringLiteral("DeviceCodeDeclined");
    case IdentityEvent::Kind::SecondFactorSucceeded:
        return QStringLiteral("SecondFactorSucceeded");
    case IdentityEvent::Kind::AuthorizationCodeReused:
        return QStringLiteral("AuthorizationCodeReused");
    case IdentityEvent::Kind::SecondFactorEnrolled:
        return QStringLiteral("SecondFactorEnrolled");
    case IdentityEvent::Kind::PasswordChanged:
        return QStringLiteral("PasswordChanged");
    case IdentityEvent::Kind::AccountDisabled:
        return QStringLiteral("AccountDisabled");
    case IdentityEvent::Kind::AccountEnabled:
        return QStringLiteral("AccountEnabled");
    case IdentityEvent::Kind::TokensRevoked:
        return QStringLiteral("TokensRevoked");
    }
    return QStringLiteral("Unknown");
}

} // namespace Elevate::Server
