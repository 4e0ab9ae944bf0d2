#pragma once

#include "Caller.h"
#include "IdentityEvent.h"
#include "OAuthError.h"
#include "PasswordHasher.h"
#include "Timestamp.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <cstdint>
#include <functional>
#include <optional>

namespace Elevate::Server {

class Clock;
class Database;

// How failed sign-ins slow down one key (an account or a client address). After
// delayAfterFailures failures in a row, each further attempt must wait firstDelaySeconds,
// doubling per failure up to maxDelaySeconds; at lockAfterFailures the key is locked for
// lockSeconds. Failures are forgotten after forgetAfterSeconds without one, and when a lock
// ends.
struct ThrottlePolicy
{
    int delayAfterFailures = 3;
    int lockAfterFailures = 10;
    std::int64_t firstDelaySeconds = 1;
    std::int64_t maxDelaySeconds = 60;
    std::int64_t lockSeconds = 15 * 60;
    std::int64_t forgetAfterSeconds = 60 * 60;
};

struct IdentitySettings
{
    std::int64_t accessTokenLifetimeSeconds = 60 * 60;
    std::int64_t refreshTokenLifetimeSeconds = 14 * 24 * 60 * 60;
    // Rotation slides the refresh token's expiry, but never past auth_time + this: a stolen
    // but regularly used refresh token does not live for ever.
    std::int64_t sessionMaxLifetimeSeconds = 90 * 24 * 60 * 60;
    std::int64_t deviceCodeLifetimeSeconds = 15 * 60;
    int pollIntervalSeconds = 5;
    // A token's session counts as multi-factor while its second factor is at most this old.
    std::int64_t mfaWindowSeconds = 10 * 60;
    // RFC 6749 §4.1.2 recommends at most ten minutes for authorization codes.
    std::int64_t authorizationCodeLifetimeSeconds = 10 * 60;
    // How long the sign-in page waits for the TOTP code after a correct password, and how many
    // wrong codes it takes on one page before the person must start again.
    std::int64_t secondFactorStepSeconds = 5 * 60;
    int maxSecondFactorAttempts = 5;
    // The issuer authenticator apps show next to the account.
    QString totpIssuer = QStringLiteral("Elevate");
    int minimumPasswordLength = 8;
    // Client ids allowed to ask for tokens; empty accepts any (public clients, no secrets).
    QStringList allowedClientIds;
    // Shown in the device code response when startDeviceCode() is given none.
    QString verificationUri;
    ThrottlePolicy accountThrottle;
    ThrottlePolicy addressThrottle;
    Argon2Parameters passwordHashing;
};

enum class AccountError { None, InvalidUserName, InvalidPassword, DuplicateUserName, UnknownUser, StorageFailure };
QString accountErrorText(AccountError error);

// The outcome of one sign-in attempt, with what an audit record needs. The client sees only
// userMessage(): the same sentence for an unknown user, a wrong password and a disabled
// account.
struct LoginResult
{
    enum class Outcome { Success, InvalidCredentials, Throttled, Locked };
    enum class Reason {
        None,
        UnknownUser,
        WrongPassword,
        AccountDisabled,
        NoPassword,
        BadUserCode,
        AccountThrottled,
        AddressThrottled,
        AccountLocked,
        AddressLocked,
        WrongSecondFactor,
        ReplayedSecondFactor,   // a code of a step already used: never accepted twice
        NoSecondFactor,         // the sign-in needs one and the account has none enrolled
        SignInExpired,          // the page's second-factor step ran out or was used up
    };

    Outcome outcome = Outcome::InvalidCredentials;
    Reason reason = Reason::None;
    QString userId;               // set when the name matched an account
    QString userName;             // as typed
    QString remoteAddress;
    std::int64_t retryAfterSeconds = 0; // Throttled and Locked: when to try again
    bool lockedNow = false;       // this failure started a lockout
    int accountFailures = 0;      // consecutive failures after this attempt
    int addressFailures = 0;

    bool ok() const { return outcome == Outcome::Success; }
    // "wrong password", "account locked", ...: for the audit record, not for the client.
    QString reasonText() const;
    // One sentence for the sign-in page; never says whether the account exists.
    QString userMessage() const;
};

struct TokenResult
{
    OAuthError error = OAuthError::None;
    QString errorDescription;     // safe to send to the client
    QString accessToken;
    QString refreshToken;
    QString scope;
    std::int64_t expiresIn = 0;   // access token, seconds
    QString userId;
    bool reuseDetected = false;   // a rotated refresh token was replayed; its family is revoked

    bool ok() const { return error == OAuthError::None; }
};

struct DeviceAuthorization
{
    OAuthError error = OAuthError::None;
    QString errorDescription;
    QString deviceCode;           // secret: only its SHA-256 is stored
    QString userCode;             // "BCDF-GHJK"
    QString verificationUri;
    std::int64_t expiresIn = 0;
    int interval = 0;
    QString message;

    bool ok() const { return error == OAuthError::None; }
};

// What the authorize page asked for, validated by OAuthEndpoints.
struct AuthorizationRequest
{
    QString clientId;
    QString redirectUri;          // a loopback http URI (RFC 8252 §7.3), compared verbatim at /token
    QString codeChallenge;        // BASE64URL(SHA-256(code_verifier)), RFC 7636 S256
    QString scope;
    QString state;                // echoed in the redirect, never interpreted
    QStringList acrs;             // authentication contexts the request's claims ask for
    bool stepUp = false;          // the request carried claims: a fresh second factor is required
};

// One step of the authorize page.
struct SignInStep
{
    enum class Outcome { CodeIssued, SecondFactorNeeded, Failed };
    Outcome outcome = Outcome::Failed;
    LoginResult login;            // the password or TOTP check (or the throttle that stopped it)
    QString code;                 // CodeIssued: the authorization code for the redirect
    QString pendingHandle;        // SecondFactorNeeded: the page's secret for its next step
    QString redirectUri;          // CodeIssued: where the browser goes
    QString state;

    bool ok() const { return outcome != Outcome::Failed; }
};

struct DeviceDecision
{
    enum class Outcome { Approved, Declined, BadUserCode, SignInFailed };
    Outcome outcome = Outcome::BadUserCode;
    LoginResult login;            // the credential check (or the throttle that stopped it)

    bool ok() const { return outcome == Outcome::Approved || outcome == Outcome::Declined; }
};

// Local accounts, password sign-in with throttling, opaque bearer tokens and the device
// authorization grant (RFC 8628), over the server database.
//
// Tokens are 256-bit random strings; the database holds only their SHA-256, so a copy of the
// database signs no one in. Refresh tokens rotate on every use, and replaying a used one
// revokes its whole family (every access and refresh token descended from the same sign-in).
// Each token records when (auth_time, mfa_time) and how (amr: "pwd", "pwd otp", "demo") its
// sign-in happened; authenticate() counts the session as multi-factor, and its authentication
// contexts as satisfied, only while the second factor is at most mfaWindowSeconds old.
// Changing a password or disabling a user bumps users.token_generation, which ends every token
// the user holds at once.
//
// All times come from the Clock. Not thread-safe (like Database). The Database and Clock must
// outlive the service.
class IdentityService final
{
public:
    using EventSink = std::function<void(const IdentityEvent&)>;

    IdentityService(Database& database, const Clock& clock, IdentitySettings settings = IdentitySettings());

    const IdentitySettings& settings() const { return m_settings; }
    // Receives sign-in events. Called inside the write transaction that records the attempt,
    // so a sink that writes through the same Database commits (or fails) with it.
    void setEventSink(EventSink sink) { m_sink = std::move(sink); }

    // --- accounts
    // The new user's id (a GUID), or empty with *error set. User names are trimmed and
    // case-folded; the typed form becomes the userPrincipalName.
    QString addUser(const QString& userName, const QString& displayName, const QString& password, bool isAdmin,
                    bool isAuditor, AccountError* error = nullptr);
    QString userIdForName(const QString& userName) const;
    // Both end every token and pending device approval of the user.
    bool setPassword(const QString& userId, const QString& newPassword, AccountError* error = nullptr);
    bool disableUser(const QString& userId, AccountError* error = nullptr);
    bool enableUser(const QString& userId, AccountError* error = nullptr);
    // Signs the user out everywhere without changing anything else.
    bool revokeAllTokens(const QString& userId, AccountError* error = nullptr);
    // A new TOTP secret for the user (replacing any earlier one, whose codes stop working), or
    // an empty array with *error set. The secret is stored as is: TOTP needs it to compute codes.
    QByteArray enrolSecondFactor(const QString& userId, AccountError* error = nullptr);
    bool hasSecondFactor(const QString& userId) const;

    // --- sign-in
    // Checks a password under the account and address throttles. A throttled or locked
    // attempt is refused before the password is looked at.
    LoginResult verifyPassword(const QString& userName, const QString& password, const QString& remoteAddress);
    // Checks a TOTP code (RFC 6238, ±1 step) of a user whose password was just verified, under
    // the same throttles. A code whose step is not later than the last accepted one is a
    // replay and fails; a wrong code counts as a failed sign-in.
    LoginResult verifySecondFactor(const QString& userId, const QString& userName, const QString& code,
                                   const QString& remoteAddress);

    // --- authorization code grant (RFC 6749 §4.1 with PKCE, RFC 7636)
    // The password step of the authorize page. Issues the code at once unless the account has
    // a TOTP secret or the request steps up; then the page asks for the code next.
    SignInStep signInForCode(const AuthorizationRequest& request, const QString& userName, const QString& password,
                             const QString& remoteAddress);
    // The TOTP step, with the handle signInForCode() gave the page.
    SignInStep completeSecondFactor(const QString& pendingHandle, const QString& code, const QString& remoteAddress);
    // The token request: the code is single-use and lives authorizationCodeLifetimeSeconds;
    // the client id and redirect URI must be the ones it was issued for and
    // BASE64URL(SHA-256(codeVerifier)) must equal the challenge. A code presented twice
    // revokes the tokens its first redemption gave (RFC 6749 §4.1.2).
    TokenResult redeemAuthorizationCode(const QString& code, const QString& clientId, const QString& redirectUri,
                                        const QString& codeVerifier, const QString& remoteAddress = QString());

    // --- tokens
    // A new token family for a signed-in user. mfaTime is null when no second factor was
    // used; acrs are the authentication contexts the sign-in satisfied.
    TokenResult issueTokens(const QString& userId, const QString& clientId, const QString& scope,
                            const Timestamp& authTime, const Timestamp& mfaTime, const QStringList& acrs);
    // stepUpAcrs is set when the refresh request carries claims: it succeeds only while the
    // family's second factor is within mfaWindowSeconds (then the new tokens add those
    // authentication contexts), and answers interaction_required otherwise.
    // Rotates a refresh token: a new access and refresh token in the same family; the
    // presented one is spent. remoteAddress only goes into a reuse event.
    TokenResult refresh(const QString& refreshToken, const QString& clientId,
                        const QString& remoteAddress = QString(),
                        const std::optional<QStringList>& stepUpAcrs = std::nullopt);
    // The caller a bearer access token stands for, or nullopt when it is unknown, expired,
    // revoked, from an older token generation, or its user is disabled.
    std::optional<Caller> authenticate(const QString& bearerToken) const;

    // --- device authorization grant
    // stepUpAcrs is set when the request carried claims: approving it then takes a TOTP code
    // (an account without one cannot), and the tokens carry those authentication contexts.
    DeviceAuthorization startDeviceCode(const QString& clientId, const QString& scope,
                                        const QString& verificationUri = QString(),
                                        const std::optional<QStringList>& stepUpAcrs = std::nullopt);
    TokenResult pollDeviceCode(const QString& deviceCode, const QString& clientId);
    // An account with a TOTP secret must also give a valid secondFactorCode to approve (or
    // decline); the resulting tokens then count as multi-factor.
    DeviceDecision approveDeviceCode(const QString& userCode, const QString& userName, const QString& password,
                                     const QString& remoteAddress, const QString& secondFactorCode = QString());
    DeviceDecision declineDeviceCode(const QString& userCode, const QString& userName, const QString& password,
                                     const QString& remoteAddress, const QString& secondFactorCode = QString());
    // The demo's shortcut (elevated --demo on loopback only; OAuthEndpoints decides when): a
    // pending device code is approved for userId without a page. The demo's passwords are
    // published, so its personas count as fully signed in, second factor included; the
    // tokens say so with amr "demo". False when the code or user is unknown.
    bool approveDeviceCodeForDemo(const QString& deviceCode, const QString& userId);

    // Deletes expired tokens, long-expired device codes and forgotten throttle rows. For the
    // scheduler; returns the number of rows removed, or -1 on a database error.
    int purgeExpired();

    // "BCDFGHJK" from whatever the user typed ("bcdf-ghjk", "BCDF GHJK"), or empty when it
    // cannot be a user code.
    static QString normalizeUserCode(const QString& typed);

private:
    struct ThrottleState;

    ThrottleState throttleState(const QString& key, const ThrottlePolicy& policy, const Timestamp& now) const;
    std::optional<LoginResult> blocked(const QString& userName, const QString& remoteAddress, const Timestamp& now);
    bool recordFailure(const QString& key, const ThrottlePolicy& policy, const Timestamp& now, int* failures,
                       bool* lockedNow);
    DeviceDecision decideDeviceCode(const QString& userCode, const QString& userName, const QString& password,
                                    const QString& remoteAddress, const QString& secondFactorCode, bool approve);
    bool updateUserAndEndSessions(const QString& userId, const QString& updateSql, const QVariantList& bindings,
                                  IdentityEvent::Kind event, AccountError* error);
    void recordFailedAttempt(LoginResult& r, const Timestamp& now);
    QString insertAuthorizationRow(const QString& stage, const AuthorizationRequest& request, const QString& userId,
                                   const Timestamp& authTime, const Timestamp& mfaTime, const QString& amr,
                                   std::int64_t lifetimeSeconds);
    bool insertTokenPair(const QString& userId, const QString& clientId, const QString& familyId,
                         const QString& scope, const Timestamp& authTime, const Timestamp& mfaTime,
                         const QString& acrs, const QString& amr, qint64 generation, TokenResult* out);
    void emitEvent(IdentityEvent::Kind kind, const QString& userId, const QString& userName,
                   const QString& remoteAddress, const QString& clientId, const QString& reason);

    Database& m_db;
    const Clock& m_clock;
    IdentitySettings m_settings;
    PasswordHasher m_hasher;
    EventSink m_sink;
};

} // namespace Elevate::Server
