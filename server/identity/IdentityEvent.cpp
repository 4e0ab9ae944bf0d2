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
    }
    return QStringLiteral("Unknown");
}

} // namespace Elevate::Server
