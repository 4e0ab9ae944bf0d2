#pragma once

#include "Timestamp.h"

#include <QString>

namespace Elevate::Server {

// Something about sign-in that belongs in the audit log: IdentityService hands one to its
// event sink for every successful, failed or blocked sign-in, every lockout, every refresh
// token replay, every device code decision and every account change. Carries no password, token or code.
struct IdentityEvent
{
    enum class Kind {
        SignInSucceeded,
        SignInFailed,      // wrong password, unknown user, disabled account, bad user code
        SignInBlocked,     // refused without checking the password: throttled or locked
        LockoutStarted,    // this failure locked the account or the client address
        RefreshTokenReused, // a rotated refresh token came back: its whole family is revoked
        DeviceCodeApproved,
        DeviceCodeDeclined,
        SecondFactorSucceeded, // a TOTP code completed a sign-in (failures are SignInFailed)
        AuthorizationCodeReused, // a redeemed code came back: the tokens it gave are revoked
        SecondFactorEnrolled,  // a new TOTP secret replaced any earlier one
        PasswordChanged,       // every token of the user is revoked with it
        AccountDisabled,       // idem
        AccountEnabled,
        TokensRevoked,         // signed out everywhere by an administrator
    };

    Kind kind = Kind::SignInFailed;
    Timestamp at;
    QString userId;        // empty when the name matched no account
    QString userName;      // as typed
    QString displayName;   // of the account, when the event names one
    QString principalName; // idem: its user principal name
    QString remoteAddress;
    QString clientId;
    QString reason;        // for the audit record's resultReason, never shown to the user
};

// "SignInSucceeded", ...: stable names for audit records and logs.
QString identityEventName(IdentityEvent::Kind kind);

} // namespace Elevate::Server
