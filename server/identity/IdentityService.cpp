#include "IdentityService.h"

#include "Clock.h"
#include "Database.h"
#include "IdentityLog.h"
#include "SecureRandom.h"
#include "SqlTime.h"
#include "Totp.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QHostAddress>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>

namespace Elevate::Server {

namespace {

// RFC 8628 §6.1: no vowels (no words), no look-alikes (0/O, 1/I/L are absent). 20^8 ≈ 2^34.6
// codes, of which only the pending ones in a 15-minute window are worth anything.
constexpr QLatin1String UserCodeAlphabet("BCDFGHJKLMNPQRSTVWXZ");
constexpr int UserCodeLength = 8;
constexpr int MaxUserNameLength = 256;
constexpr int MaxPasswordLength = 1024;
constexpr int MaxScopeLength = 2048;

struct RequestProblem
{
    OAuthError error;
    QString description;
};
// Polling timers fire late or early by a few hundred milliseconds and requests queue; a client
// that waits "interval" seconds must not be told to slow down because of that.
constexpr std::int64_t PollToleranceMs = 1000;
// Expired device codes stay this long so a late poll gets expired_token, not bad_verification_code.
constexpr std::int64_t ExpiredDeviceCodeKeepSeconds = 24 * 60 * 60;

const QString KindAccess = QStringLiteral("access");
const QString StageSecondFactor = QStringLiteral("second_factor");
const QString StageCode = QStringLiteral("code");
const QString AmrPassword = QStringLiteral("pwd");
const QString AmrPasswordOtp = QStringLiteral("pwd otp");
const QString AmrDemo = QStringLiteral("demo");
const QString KindRefresh = QStringLiteral("refresh");

QString sha256Hex(const QString& secret)
{
    return QString::fromLatin1(QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))).
QString pkceChallenge(const QString& verifier)
{
    return QString::fromLatin1(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
bool validVerifier(const QString& verifier)
{
    if (verifier.size() < 43 || verifier.size() > 128) {
        return false;
    }
    return std::all_of(verifier.cbegin(), verifier.cend(), [](QChar c) {
        return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-'
            || c == u'.' || c == u'_' || c == u'~';
    });
}

QString newGuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Opaque tokens are 43 base64url characters; anything else cannot be one of ours, so it is
// refused before touching the database.
bool looksLikeToken(const QString& token)
{
    if (token.size() != 43) {
        return false;
    }
    return std::all_of(token.cbegin(), token.cend(), [](QChar c) {
        return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-'
            || c == u'_';
    });
}

QString normalizeUserName(const QString& userName)
{
    return userName.trimmed().toCaseFolded();
}

bool validUserName(const QString& normalized)
{
    if (normalized.isEmpty() || normalized.size() > MaxUserNameLength) {
        return false;
    }
    return std::none_of(normalized.cbegin(), normalized.cend(), [](QChar c) {
        return c.isSpace() || c.category() == QChar::Other_Control || c.category() == QChar::Other_Format;
    });
}

QString accountKey(const QString& userName)
{
    return QStringLiteral("user:") + normalizeUserName(userName).left(MaxUserNameLength);
}

// One throttle bucket per IPv4 address, and per /64 for IPv6, the block one subscriber
// usually holds (one host can change its low 64 bits at will). Empty when there is no address.
QString addressKey(const QString& remoteAddress)
{
    if (remoteAddress.isEmpty()) {
        return {};
    }
    const QHostAddress address(remoteAddress);
    if (address.isNull()) {
        return QStringLiteral("addr:") + remoteAddress.left(64);
    }
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also unwraps ::ffff:a.b.c.d
    if (isV4) {
        return QStringLiteral("addr:") + QHostAddress(v4).toString();
    }
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i) {
        bytes[i] = 0;
    }
    return QStringLiteral("addr:") + QHostAddress(bytes).toString() + QStringLiteral("/64");
}

std::int64_t secondsUntil(const Timestamp& now, const Timestamp& later)
{
    const std::int64_t ms = now.msecsTo(later);
    return std::max<std::int64_t>(1, (ms + 999) / 1000);
}

std::int64_t delaySeconds(const ThrottlePolicy& policy, int failures)
{
    const int doublings = std::clamp(failures - policy.delayAfterFailures, 0, 30);
    const std::int64_t delay = policy.firstDelaySeconds * (std::int64_t(1) << doublings);
    return std::min(delay, policy.maxDelaySeconds);
}

QString formatUserCode(const QString& code)
{
    return code.left(4) + u'-' + code.mid(4);
}

QString randomUserCode()
{
    QString code;
    code.reserve(UserCodeLength);
    for (int i = 0; i < UserCodeLength; ++i) {
        code += UserCodeAlphabet.at(SecureRandom::below(static_cast<quint32>(UserCodeAlphabet.size())));
    }
    return code;
}

QString acrsText(const QStringList& acrs)
{
    QStringList clean;
    for (const QString& a : acrs) {
        const QString t = a.trimmed();
        if (!t.isEmpty() && !clean.contains(t)) {
            clean.append(t);
        }
    }
    return clean.join(u' ');
}

bool clientAllowed(const IdentitySettings& settings, const QString& clientId)
{
    return settings.allowedClientIds.isEmpty() || settings.allowedClientIds.contains(clientId);
}

// The checks every grant makes of its client id and (already simplified) scope.
std::optional<RequestProblem> checkClientAndScope(const IdentitySettings& settings, const QString& clientId,
                                                  const QString& scope, bool scopeRequired)
{
    if (clientId.isEmpty()) {
        return RequestProblem{OAuthError::InvalidRequest,
                              QStringLiteral("The request body must contain the parameter 'client_id'.")};
    }
    if (!clientAllowed(settings, clientId)) {
        return RequestProblem{OAuthError::InvalidClient, QStringLiteral("The client is not registered with this server.")};
    }
    if (scopeRequired && scope.isEmpty()) {
        return RequestProblem{OAuthError::InvalidRequest, QStringLiteral("The request body must contain the parameter 'scope'.")};
    }
    if (scope.size() > MaxScopeLength) {
        return RequestProblem{OAuthError::InvalidScope, QStringLiteral("The requested scope is too long.")};
    }
    return std::nullopt;
}

QString tr(const char* text)
{
    return QCoreApplication::translate("Elevate::Server::IdentityService", text);
}

} // namespace

QString accountErrorText(AccountError error)
{
    switch (error) {
    case AccountError::None:
        return {};
    case AccountError::InvalidUserName:
        return QStringLiteral("the user name is empty, too long or contains spaces or control characters");
    case AccountError::InvalidPassword:
        return QStringLiteral("the password is too short or too long");
    case AccountError::DuplicateUserName:
        return QStringLiteral("a user with this name already exists");
    case AccountError::UnknownUser:
        return QStringLiteral("no such user");
    case AccountError::StorageFailure:
        return QStringLiteral("the database refused the change");
    }
    return {};
}

QString LoginResult::reasonText() const
{
    switch (reason) {
    case Reason::None:
        return {};
    case Reason::UnknownUser:
        return QStringLiteral("unknown user name");
    case Reason::WrongPassword:
        return QStringLiteral("wrong password");
    case Reason::AccountDisabled:
        return QStringLiteral("account disabled");
    case Reason::NoPassword:
        return QStringLiteral("account has no password");
    case Reason::BadUserCode:
        return QStringLiteral("unknown or expired user code");
    case Reason::AccountThrottled:
        return QStringLiteral("account throttled after repeated failures");
    case Reason::AddressThrottled:
        return QStringLiteral("client address throttled after repeated failures");
    case Reason::AccountLocked:
        return QStringLiteral("account locked after repeated failures");
    case Reason::AddressLocked:
        return QStringLiteral("client address locked after repeated failures");
    case Reason::WrongSecondFactor:
        return QStringLiteral("wrong verification code");
    case Reason::ReplayedSecondFactor:
        return QStringLiteral("verification code already used");
    case Reason::NoSecondFactor:
        return QStringLiteral("second factor required but none enrolled");
    case Reason::SignInExpired:
        return QStringLiteral("sign-in step expired or used up");
    }
    return {};
}

QString LoginResult::userMessage() const
{
    switch (outcome) {
    case Outcome::Success:
        return tr("You are signed in.");
    case Outcome::InvalidCredentials:
        if (reason == Reason::BadUserCode) {
            return tr("That code is not valid or has expired. Check the code your device shows, or start again there.");
        }
        if (reason == Reason::WrongSecondFactor || reason == Reason::ReplayedSecondFactor) {
            return tr("The verification code is incorrect or was already used. Enter the current code from your "
                      "authenticator app.");
        }
        if (reason == Reason::NoSecondFactor) {
            return tr("This sign-in needs a verification code, and your account has no authenticator app set up. "
                      "Ask an administrator to set one up.");
        }
        if (reason == Reason::SignInExpired) {
            return tr("This sign-in took too long or had too many attempts. Start again from your application.");
        }
        return tr("The user name or password is incorrect.");
    case Outcome::Throttled:
        return tr("Too many failed sign-in attempts. Wait %1 seconds, then try again.").arg(retryAfterSeconds);
    case Outcome::Locked:
        return tr("Too many failed sign-in attempts. Sign-in is blocked for %1 minutes.")
            .arg((retryAfterSeconds + 59) / 60);
    }
    return {};
}

struct IdentityService::ThrottleState
{
    int failures = 0;
    bool locked = false;
    bool throttled = false;
    std::int64_t retryAfterSeconds = 0;
};

IdentityService::IdentityService(Database& database, const Clock& clock, IdentitySettings settings)
    : m_db(database)
    , m_clock(clock)
    , m_settings(std::move(settings))
    , m_hasher(m_settings.passwordHashing)
{
}

void IdentityService::emitEvent(IdentityEvent::Kind kind, const QString& userId, const QString& userName,
                                const QString& remoteAddress, const QString& clientId, const QString& reason)
{
    // The typed user name is not logged: people type passwords into the name field.
    const QString dash = QStringLiteral("-");
    qCInfo(lcIdentity).noquote() << identityEventName(kind) << "user" << (userId.isEmpty() ? dash : userId) << "from"
                                 << (remoteAddress.isEmpty() ? dash : remoteAddress) << reason;
    if (!m_sink) {
        return;
    }
    IdentityEvent event;
    event.kind = kind;
    event.at = m_clock.now();
    event.userId = userId;
    event.userName = userName;
    if (!userId.isEmpty()) {
        // The audit record names the account the way every other record does.
        bool ok = false;
        QSqlQuery who = m_db.run(QStringLiteral("SELECT display_name, user_principal_name FROM users WHERE id = ?"), {userId}, &ok);
        if (ok && who.next()) {
            event.displayName = who.value(0).toString();
            event.principalName = who.value(1).toString();
        }
    }
    event.remoteAddress = remoteAddress;
    event.clientId = clientId;
    event.reason = reason;
    m_sink(event);
}

// ---------------------------------------------------------------------------------- accounts

QString IdentityService::addUser(const QString& userName, const QString& displayName, const QString& password,
                                 bool isAdmin, bool isAuditor, AccountError* error)
{
    auto fail = [error](AccountError e) {
        if (error) {
            *error = e;
        }
        return QString();
    };
    const QString name = normalizeUserName(userName);
    if (!validUserName(name)) {
        return fail(AccountError::InvalidUserName);
    }
    if (password.size() < m_settings.minimumPasswordLength || password.size() > MaxPasswordLength) {
        return fail(AccountError::InvalidPassword);
    }
    // Hash before taking the write lock: argon2 is slow on purpose.
    const QString hash = m_hasher.hash(password);
    if (hash.isEmpty()) {
        return fail(AccountError::StorageFailure);
    }
    const QString id = newGuid();
    AccountError outcome = AccountError::None;
    const bool ok = m_db.transaction([&] {
        if (m_db.scalar(QStringLiteral("SELECT 1 FROM users WHERE user_name = ?"), {name}).isValid()) {
            outcome = AccountError::DuplicateUserName;
            return false;
        }
        bool inserted = false;
        m_db.run(QStringLiteral("INSERT INTO users (id, user_name, display_name, user_principal_name, password_hash, "
                                "is_admin, is_auditor, disabled, token_generation, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)"),
                 {id, name, displayName.trimmed().isEmpty() ? userName.trimmed() : displayName.trimmed(),
                  userName.trimmed(), hash, isAdmin ? 1 : 0, isAuditor ? 1 : 0, toSqlTimeOrNull(m_clock.now())},
                 &inserted);
        if (!inserted) {
            outcome = AccountError::StorageFailure;
        }
        return inserted;
    });
    if (!ok) {
        return fail(outcome == AccountError::None ? AccountError::StorageFailure : outcome);
    }
    qCInfo(lcIdentity) << "user added" << id;
    if (error) {
        *error = AccountError::None;
    }
    return id;
}

QString IdentityService::userIdForName(const QString& userName) const
{
    const QString name = normalizeUserName(userName);
    if (!validUserName(name)) {
        return {};
    }
    return m_db.scalar(QStringLiteral("SELECT id FROM users WHERE user_name = ?"), {name}).toString();
}

bool IdentityService::updateUserAndEndSessions(const QString& userId, const QString& updateSql,
                                               const QVariantList& bindings, IdentityEvent::Kind event,
                                               AccountError* error)
{
    AccountError outcome = AccountError::None;
    const bool ok = m_db.transaction([&] {
        QSqlQuery update = m_db.prepare(updateSql);
        for (qsizetype i = 0; i < bindings.size(); ++i) {
            update.bindValue(static_cast<int>(i), bindings.at(i));
        }
        if (!m_db.exec(update)) {
            outcome = AccountError::StorageFailure;
            return false;
        }
        if (update.numRowsAffected() != 1) {
            outcome = AccountError::UnknownUser;
            return false;
        }
        // The generation bump already makes every token of the user fail authenticate() and
        // refresh(); marking the rows too keeps the table honest for whoever reads it.
        bool revoked = false;
        m_db.run(QStringLiteral("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0"), {userId}, &revoked);
        // An approval given before the change must not turn into tokens afterwards.
        bool declined = false;
        m_db.run(QStringLiteral("UPDATE device_codes SET status = 'declined' WHERE user_id = ? AND status = 'approved'"),
                 {userId}, &declined);
        // Nor a password step or code waiting on the sign-in page.
        bool dropped = false;
        m_db.run(QStringLiteral("DELETE FROM authorization_codes WHERE user_id = ? AND used_at IS NULL"), {userId},
                 &dropped);
        if (!revoked || !declined || !dropped) {
            outcome = AccountError::StorageFailure;
            return false;
        }
        emitEvent(event, userId, QString(), QString(), QString(), QStringLiteral("every token of the user revoked"));
        return true;
    });
    if (error) {
        *error = ok ? AccountError::None : (outcome == AccountError::None ? AccountError::StorageFailure : outcome);
    }
    return ok;
}

bool IdentityService::setPassword(const QString& userId, const QString& newPassword, AccountError* error)
{
    if (newPassword.size() < m_settings.minimumPasswordLength || newPassword.size() > MaxPasswordLength) {
        if (error) {
            *error = AccountError::InvalidPassword;
        }
        return false;
    }
    const QString hash = m_hasher.hash(newPassword);
    if (hash.isEmpty()) {
        if (error) {
            *error = AccountError::StorageFailure;
        }
        return false;
    }
    const bool ok = updateUserAndEndSessions(
        userId,
        QStringLiteral("UPDATE users SET password_hash = ?, token_generation = token_generation + 1 WHERE id = ?"),
        {hash, userId}, IdentityEvent::Kind::PasswordChanged, error);
    if (ok) {
        qCInfo(lcIdentity) << "password changed; tokens revoked for" << userId;
    }
    return ok;
}

bool IdentityService::disableUser(const QString& userId, AccountError* error)
{
    const bool ok = updateUserAndEndSessions(
        userId, QStringLiteral("UPDATE users SET disabled = 1, token_generation = token_generation + 1 WHERE id = ?"),
        {userId}, IdentityEvent::Kind::AccountDisabled, error);
    if (ok) {
        qCInfo(lcIdentity) << "user disabled; tokens revoked for" << userId;
    }
    return ok;
}

bool IdentityService::enableUser(const QString& userId, AccountError* error)
{
    AccountError outcome = AccountError::StorageFailure;
    m_db.transaction([&] {
        bool ok = false;
        QSqlQuery q = m_db.run(QStringLiteral("UPDATE users SET disabled = 0 WHERE id = ?"), {userId}, &ok);
        if (!ok) {
            return false;
        }
        if (q.numRowsAffected() != 1) {
            outcome = AccountError::UnknownUser;
            return false;
        }
        outcome = AccountError::None;
        emitEvent(IdentityEvent::Kind::AccountEnabled, userId, QString(), QString(), QString(), QString());
        return true;
    });
    if (error) {
        *error = outcome;
    }
    return outcome == AccountError::None;
}

bool IdentityService::revokeAllTokens(const QString& userId, AccountError* error)
{
    return updateUserAndEndSessions(
        userId, QStringLiteral("UPDATE users SET token_generation = token_generation + 1 WHERE id = ?"), {userId},
        IdentityEvent::Kind::TokensRevoked, error);
}

QByteArray IdentityService::enrolSecondFactor(const QString& userId, AccountError* error)
{
    const QByteArray secret = Totp::newSecret();
    AccountError outcome = AccountError::None;
    const bool ok = m_db.transaction([&] {
        bool ran = false;
        QSqlQuery q = m_db.run(QStringLiteral("UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ?"),
                               {Totp::toBase32(secret), userId}, &ran);
        if (!ran) {
            outcome = AccountError::StorageFailure;
            return false;
        }
        if (q.numRowsAffected() != 1) {
            outcome = AccountError::UnknownUser;
            return false;
        }
        emitEvent(IdentityEvent::Kind::SecondFactorEnrolled, userId, QString(), QString(), QString(),
                  QStringLiteral("new TOTP secret"));
        return true;
    });
    if (error) {
        *error = ok ? AccountError::None : (outcome == AccountError::None ? AccountError::StorageFailure : outcome);
    }
    if (!ok) {
        return {};
    }
    qCInfo(lcIdentity) << "second factor enrolled for" << userId;
    return secret;
}

bool IdentityService::hasSecondFactor(const QString& userId) const
{
    return !m_db.scalar(QStringLiteral("SELECT totp_secret FROM users WHERE id = ?"), {userId}).toString().isEmpty();
}

// ---------------------------------------------------------------------------------- throttling

IdentityService::ThrottleState IdentityService::throttleState(const QString& key, const ThrottlePolicy& policy,
                                                              const Timestamp& now) const
{
    ThrottleState state;
    if (key.isEmpty()) {
        return state;
    }
    QSqlQuery q = m_db.run(QStringLiteral("SELECT failures, last_failure_at, locked_until FROM login_throttle WHERE key = ?"),
                           {key});
    if (!q.next()) {
        return state;
    }
    const int failures = q.value(0).toInt();
    const Timestamp lastFailure = fromSqlTime(q.value(1));
    const Timestamp lockedUntil = fromSqlTime(q.value(2));
    q.finish();
    if (!lockedUntil.isNull()) {
        if (now < lockedUntil) {
            state.failures = failures;
            state.locked = true;
            state.retryAfterSeconds = secondsUntil(now, lockedUntil);
        }
        // A lock that has run out leaves a clean slate.
        return state;
    }
    if (lastFailure.isNull() || now >= lastFailure.plusSeconds(policy.forgetAfterSeconds)) {
        return state;
    }
    state.failures = failures;
    if (failures >= policy.delayAfterFailures) {
        const Timestamp allowedAt = lastFailure.plusSeconds(delaySeconds(policy, failures));
        if (now < allowedAt) {
            state.throttled = true;
            state.retryAfterSeconds = secondsUntil(now, allowedAt);
        }
    }
    return state;
}

std::optional<LoginResult> IdentityService::blocked(const QString& userName, const QString& remoteAddress,
                                                    const Timestamp& now)
{
    const ThrottleState account = throttleState(accountKey(userName), m_settings.accountThrottle, now);
    const ThrottleState address = throttleState(addressKey(remoteAddress), m_settings.addressThrottle, now);
    if (!account.locked && !address.locked && !account.throttled && !address.throttled) {
        return std::nullopt;
    }
    LoginResult r;
    r.userName = userName;
    r.remoteAddress = remoteAddress;
    r.userId = userIdForName(userName);
    r.accountFailures = account.failures;
    r.addressFailures = address.failures;
    if (account.locked || address.locked) {
        r.outcome = LoginResult::Outcome::Locked;
        r.reason = account.locked ? LoginResult::Reason::AccountLocked : LoginResult::Reason::AddressLocked;
    } else {
        r.outcome = LoginResult::Outcome::Throttled;
        r.reason = account.throttled ? LoginResult::Reason::AccountThrottled : LoginResult::Reason::AddressThrottled;
    }
    r.retryAfterSeconds = std::max(account.retryAfterSeconds, address.retryAfterSeconds);
    m_db.transaction([&] {
        emitEvent(IdentityEvent::Kind::SignInBlocked, r.userId, userName, remoteAddress, QString(), r.reasonText());
        return true;
    });
    return r;
}

bool IdentityService::recordFailure(const QString& key, const ThrottlePolicy& policy, const Timestamp& now,
                                    int* failures, bool* lockedNow)
{
    if (key.isEmpty()) {
        return true;
    }
    const int count = throttleState(key, policy, now).failures + 1;
    Timestamp lockedUntil;
    if (count >= policy.lockAfterFailures) {
        lockedUntil = now.plusSeconds(policy.lockSeconds);
        *lockedNow = true;
    }
    *failures = count;
    bool ok = false;
    m_db.run(QStringLiteral("INSERT INTO login_throttle (key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
                            "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until"),
             {key, count, toSqlTimeOrNull(now), toSqlTimeOrNull(lockedUntil)}, &ok);
    return ok;
}

LoginResult IdentityService::verifyPassword(const QString& userName, const QString& password,
                                            const QString& remoteAddress)
{
    const Timestamp now = m_clock.now();
    if (std::optional<LoginResult> refused = blocked(userName, remoteAddress, now)) {
        return *refused;
    }

    LoginResult r;
    r.userName = userName;
    r.remoteAddress = remoteAddress;
    const QString name = normalizeUserName(userName);
    QString storedHash;
    bool disabled = false;
    bool secondFactor = false;
    if (validUserName(name)) {
        QSqlQuery q = m_db.run(QStringLiteral("SELECT id, password_hash, disabled, totp_secret FROM users "
                                              "WHERE user_name = ?"),
                               {name});
        if (q.next()) {
            r.userId = q.value(0).toString();
            storedHash = q.value(1).toString();
            disabled = q.value(2).toInt() != 0;
            secondFactor = !q.value(3).toString().isEmpty();
        }
        q.finish();
    }

    // Every path spends one argon2 verification, so the answer's timing does not tell an
    // unknown user from a wrong password. The password check happens outside the write
    // transaction: holding the database lock for a deliberately slow hash would stall every
    // other writer. Two concurrent attempts may then both pass the throttle check; that costs
    // at most one extra guess per concurrent request.
    bool matched = false;
    if (r.userId.isEmpty()) {
        m_hasher.verifyDecoy(password);
        r.reason = LoginResult::Reason::UnknownUser;
    } else if (storedHash.isEmpty()) {
        m_hasher.verifyDecoy(password);
        r.reason = LoginResult::Reason::NoPassword;
    } else if (!m_hasher.verify(password, storedHash)) {
        r.reason = LoginResult::Reason::WrongPassword;
    } else if (disabled) {
        r.reason = LoginResult::Reason::AccountDisabled;
    } else {
        matched = true;
    }

    if (matched) {
        // Raise an old record to the current parameters while the password is at hand.
        const QString upgraded = m_hasher.needsRehash(storedHash) ? m_hasher.hash(password) : QString();
        r.outcome = LoginResult::Outcome::Success;
        m_db.transaction([&] {
            bool ok = true;
            // The address bucket is not cleared: one valid account must not reset the count
            // of failures an address has run up against other accounts. Nor is the account's
            // when a TOTP code must follow: the password alone must not wipe failed codes.
            if (!secondFactor) {
                m_db.run(QStringLiteral("DELETE FROM login_throttle WHERE key = ?"), {accountKey(userName)}, &ok);
            }
            if (ok && !upgraded.isEmpty()) {
                m_db.run(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"), {upgraded, r.userId}, &ok);
            }
            emitEvent(IdentityEvent::Kind::SignInSucceeded, r.userId, userName, remoteAddress, QString(), QString());
            return ok;
        });
        return r;
    }

    recordFailedAttempt(r, now);
    return r;
}

void IdentityService::recordFailedAttempt(LoginResult& r, const Timestamp& now)
{
    const QString& userName = r.userName;
    const QString& remoteAddress = r.remoteAddress;
    r.outcome = LoginResult::Outcome::InvalidCredentials;
    m_db.transaction([&] {
        bool accountLocked = false;
        bool addressLocked = false;
        const bool ok = recordFailure(accountKey(userName), m_settings.accountThrottle, now, &r.accountFailures,
                                      &accountLocked)
            && recordFailure(addressKey(remoteAddress), m_settings.addressThrottle, now, &r.addressFailures,
                             &addressLocked);
        emitEvent(IdentityEvent::Kind::SignInFailed, r.userId, userName, remoteAddress, QString(), r.reasonText());
        if (accountLocked || addressLocked) {
            r.lockedNow = true;
            r.outcome = LoginResult::Outcome::Locked;
            const ThrottlePolicy& policy = accountLocked ? m_settings.accountThrottle : m_settings.addressThrottle;
            r.retryAfterSeconds = policy.lockSeconds;
            emitEvent(IdentityEvent::Kind::LockoutStarted, r.userId, userName, remoteAddress, QString(),
                      accountLocked ? QStringLiteral("account locked after %1 failures").arg(r.accountFailures)
                                    : QStringLiteral("client address locked after %1 failures").arg(r.addressFailures));
        }
        return ok;
    });
}

LoginResult IdentityService::verifySecondFactor(const QString& userId, const QString& userName, const QString& code,
                                                const QString& remoteAddress)
{
    const Timestamp now = m_clock.now();
    if (std::optional<LoginResult> refused = blocked(userName, remoteAddress, now)) {
        return *refused;
    }
    LoginResult r;
    r.userId = userId;
    r.userName = userName;
    r.remoteAddress = remoteAddress;
    QSqlQuery q = m_db.run(QStringLiteral("SELECT totp_secret, totp_last_step, disabled FROM users WHERE id = ?"),
                           {userId});
    QByteArray secret;
    std::int64_t lastStep = 0;
    bool disabled = true;
    if (q.next()) {
        secret = Totp::fromBase32(q.value(0).toString());
        lastStep = q.value(1).toLongLong();
        disabled = q.value(2).toInt() != 0;
    }
    q.finish();
    if (secret.isEmpty() || disabled) {
        r.reason = secret.isEmpty() ? LoginResult::Reason::NoSecondFactor : LoginResult::Reason::AccountDisabled;
        recordFailedAttempt(r, now);
        return r;
    }
    const std::int64_t matched = Totp::matchingStep(secret, code, Totp::stepAt(now.secsSinceEpoch()));
    if (matched < 0 || matched <= lastStep) {
        // RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP.
        r.reason = matched < 0 ? LoginResult::Reason::WrongSecondFactor : LoginResult::Reason::ReplayedSecondFactor;
        recordFailedAttempt(r, now);
        return r;
    }
    bool accepted = false;
    m_db.transaction([&] {
        bool ok = false;
        // The step only moves forward; a concurrent use of the same code loses here.
        QSqlQuery update = m_db.run(
            QStringLiteral("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?"),
            {static_cast<qint64>(matched), userId, static_cast<qint64>(matched)}, &ok);
        if (!ok) {
            return false;
        }
        accepted = update.numRowsAffected() == 1;
        if (!accepted) {
            return true;
        }
        m_db.run(QStringLiteral("DELETE FROM login_throttle WHERE key = ?"), {accountKey(userName)}, &ok);
        emitEvent(IdentityEvent::Kind::SecondFactorSucceeded, userId, userName, remoteAddress, QString(),
                  QStringLiteral("TOTP"));
        return ok;
    });
    if (!accepted) {
        r.reason = LoginResult::Reason::ReplayedSecondFactor;
        recordFailedAttempt(r, now);
        return r;
    }
    r.outcome = LoginResult::Outcome::Success;
    return r;
}

// ---------------------------------------------------------------------------------- authorization codes

QString IdentityService::insertAuthorizationRow(const QString& stage, const AuthorizationRequest& request,
                                                const QString& userId, const Timestamp& authTime,
                                                const Timestamp& mfaTime, const QString& amr,
                                                std::int64_t lifetimeSeconds)
{
    const Timestamp now = m_clock.now();
    const QString secret = SecureRandom::token();
    bool ok = false;
    m_db.run(QStringLiteral("INSERT INTO authorization_codes (code_hash, stage, client_id, redirect_uri, code_challenge, "
                            "scope, state, acrs, needs_second_factor, user_id, auth_time, mfa_time, amr, created_at, "
                            "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {sha256Hex(secret), stage, request.clientId, request.redirectUri, request.codeChallenge,
              request.scope.simplified(), request.state, acrsText(request.acrs), request.stepUp ? 1 : 0, userId,
              toSqlTimeOrNull(authTime), toSqlTimeOrNull(mfaTime), amr, toSqlTimeOrNull(now),
              toSqlTimeOrNull(now.plusSeconds(lifetimeSeconds))},
             &ok);
    return ok ? secret : QString();
}

SignInStep IdentityService::signInForCode(const AuthorizationRequest& request, const QString& userName,
                                          const QString& password, const QString& remoteAddress)
{
    SignInStep step;
    step.login = verifyPassword(userName, password, remoteAddress);
    if (!step.login.ok()) {
        return step;
    }
    const QString userId = step.login.userId;
    const bool secondFactor = hasSecondFactor(userId);
    if (request.stepUp && !secondFactor) {
        step.login.outcome = LoginResult::Outcome::InvalidCredentials;
        step.login.reason = LoginResult::Reason::NoSecondFactor;
        m_db.transaction([&] {
            emitEvent(IdentityEvent::Kind::SignInFailed, userId, userName, remoteAddress, request.clientId,
                      step.login.reasonText());
            return true;
        });
        return step;
    }
    const Timestamp now = m_clock.now();
    QString secret;
    m_db.transaction([&] {
        secret = insertAuthorizationRow(secondFactor ? StageSecondFactor : StageCode, request, userId, now,
                                        Timestamp(), AmrPassword,
                                        secondFactor ? m_settings.secondFactorStepSeconds
                                                     : m_settings.authorizationCodeLifetimeSeconds);
        return !secret.isEmpty();
    });
    if (secret.isEmpty()) {
        step.login.outcome = LoginResult::Outcome::InvalidCredentials;
        step.login.reason = LoginResult::Reason::SignInExpired;
        return step;
    }
    if (secondFactor) {
        step.outcome = SignInStep::Outcome::SecondFactorNeeded;
        step.pendingHandle = secret;
    } else {
        step.outcome = SignInStep::Outcome::CodeIssued;
        step.code = secret;
        step.redirectUri = request.redirectUri;
        step.state = request.state;
    }
    return step;
}

SignInStep IdentityService::completeSecondFactor(const QString& pendingHandle, const QString& code,
                                                 const QString& remoteAddress)
{
    SignInStep step;
    step.login.remoteAddress = remoteAddress;
    step.login.outcome = LoginResult::Outcome::InvalidCredentials;
    step.login.reason = LoginResult::Reason::SignInExpired;
    if (!looksLikeToken(pendingHandle)) {
        return step;
    }
    const Timestamp now = m_clock.now();
    const QString hash = sha256Hex(pendingHandle);
    AuthorizationRequest request;
    QString userId;
    Timestamp authTime;
    int attempts = 0;
    {
        QSqlQuery q = m_db.run(QStringLiteral("SELECT client_id, redirect_uri, code_challenge, scope, state, acrs, "
                                              "needs_second_factor, user_id, auth_time, attempts, expires_at "
                                              "FROM authorization_codes WHERE code_hash = ? AND stage = ?"),
                               {hash, StageSecondFactor});
        if (!q.next() || now >= fromSqlTime(q.value(10))) {
            return step;
        }
        request.clientId = q.value(0).toString();
        request.redirectUri = q.value(1).toString();
        request.codeChallenge = q.value(2).toString();
        request.scope = q.value(3).toString();
        request.state = q.value(4).toString();
        request.acrs = q.value(5).toString().split(u' ', Qt::SkipEmptyParts);
        request.stepUp = q.value(6).toInt() != 0;
        userId = q.value(7).toString();
        authTime = fromSqlTime(q.value(8));
        attempts = q.value(9).toInt();
        q.finish();
    }
    const QString userName =
        m_db.scalar(QStringLiteral("SELECT user_name FROM users WHERE id = ?"), {userId}).toString();
    step.login = verifySecondFactor(userId, userName, code, remoteAddress);
    if (!step.login.ok()) {
        // Each page allows a few guesses, whatever the throttles say; then it is spent.
        m_db.transaction([&] {
            bool ok = false;
            if (attempts + 1 >= m_settings.maxSecondFactorAttempts) {
                m_db.run(QStringLiteral("DELETE FROM authorization_codes WHERE code_hash = ?"), {hash}, &ok);
            } else {
                m_db.run(QStringLiteral("UPDATE authorization_codes SET attempts = attempts + 1 WHERE code_hash = ?"),
                         {hash}, &ok);
            }
            return ok;
        });
        if (attempts + 1 >= m_settings.maxSecondFactorAttempts
            && step.login.outcome == LoginResult::Outcome::InvalidCredentials) {
            step.login.reason = LoginResult::Reason::SignInExpired;
        }
        return step;
    }
    const Timestamp mfaAt = m_clock.now();
    QString codeSecret;
    m_db.transaction([&] {
        bool ok = false;
        QSqlQuery del = m_db.run(QStringLiteral("DELETE FROM authorization_codes WHERE code_hash = ? AND stage = ?"),
                                 {hash, StageSecondFactor}, &ok);
        if (!ok || del.numRowsAffected() != 1) {
            return false;
        }
        codeSecret = insertAuthorizationRow(StageCode, request, userId, authTime, mfaAt, AmrPasswordOtp,
                                            m_settings.authorizationCodeLifetimeSeconds);
        return !codeSecret.isEmpty();
    });
    if (codeSecret.isEmpty()) {
        step.login.outcome = LoginResult::Outcome::InvalidCredentials;
        step.login.reason = LoginResult::Reason::SignInExpired;
        return step;
    }
    step.outcome = SignInStep::Outcome::CodeIssued;
    step.code = codeSecret;
    step.redirectUri = request.redirectUri;
    step.state = request.state;
    return step;
}

TokenResult IdentityService::redeemAuthorizationCode(const QString& code, const QString& clientId,
                                                     const QString& redirectUri, const QString& codeVerifier,
                                                     const QString& remoteAddress)
{
    TokenResult result;
    auto reject = [&result](const QString& description) {
        result = TokenResult();
        result.error = OAuthError::InvalidGrant;
        result.errorDescription = description;
        return true; // commit whatever was changed (a revocation after reuse)
    };
    if (!clientAllowed(m_settings, clientId)) {
        result.error = OAuthError::InvalidClient;
        result.errorDescription = QStringLiteral("The client is not registered with this server.");
        return result;
    }
    if (!looksLikeToken(code)) {
        reject(QStringLiteral("The authorization code is malformed or unknown."));
        return result;
    }
    if (!validVerifier(codeVerifier)) {
        result.error = OAuthError::InvalidRequest;
        result.errorDescription =
            QStringLiteral("The code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.");
        return result;
    }
    const Timestamp now = m_clock.now();
    const QString hash = sha256Hex(code);
    const bool ok = m_db.transaction([&]() -> bool {
        QSqlQuery q = m_db.run(
            QStringLiteral("SELECT client_id, redirect_uri, code_challenge, scope, acrs, user_id, auth_time, mfa_time, "
                           "amr, expires_at, used_at, family_id FROM authorization_codes "
                           "WHERE code_hash = ? AND stage = ?"),
            {hash, StageCode});
        if (!q.next()) {
            return reject(QStringLiteral("The authorization code is malformed or unknown."));
        }
        const QString codeClient = q.value(0).toString();
        const QString codeRedirect = q.value(1).toString();
        const QString challenge = q.value(2).toString();
        const QString scope = q.value(3).toString();
        const QString acrs = q.value(4).toString();
        const QString userId = q.value(5).toString();
        const Timestamp authTime = fromSqlTime(q.value(6));
        const Timestamp mfaTime = fromSqlTime(q.value(7));
        const QString amr = q.value(8).toString();
        const Timestamp expiresAt = fromSqlTime(q.value(9));
        const bool used = !q.value(10).isNull();
        const QString earlierFamily = q.value(11).toString();
        q.finish();

        if (used) {
            bool done = true;
            if (!earlierFamily.isEmpty()) {
                m_db.run(QStringLiteral("UPDATE tokens SET revoked = 1 WHERE family_id = ?"), {earlierFamily}, &done);
            }
            emitEvent(IdentityEvent::Kind::AuthorizationCodeReused, userId, QString(), remoteAddress, clientId,
                      QStringLiteral("a redeemed authorization code was presented again; its tokens are revoked"));
            reject(QStringLiteral("The authorization code has already been redeemed."));
            return done;
        }
        if (codeClient != clientId) {
            return reject(QStringLiteral("The authorization code was issued to a different client."));
        }
        if (expiresAt.isNull() || now >= expiresAt) {
            return reject(QStringLiteral("The authorization code has expired; sign in again."));
        }
        // RFC 6749 §4.1.3: identical to the authorize request's value.
        if (codeRedirect != redirectUri) {
            return reject(QStringLiteral("The redirect_uri does not match the one the code was issued for."));
        }
        if (!constantTimeEquals(pkceChallenge(codeVerifier).toLatin1(), challenge.toLatin1())) {
            return reject(QStringLiteral("The code_verifier does not match the code_challenge."));
        }
        const QString familyId = newGuid();
        bool spent = false;
        QSqlQuery spend = m_db.run(QStringLiteral("UPDATE authorization_codes SET used_at = ?, family_id = ? "
                                                  "WHERE code_hash = ? AND used_at IS NULL"),
                                   {toSqlTimeOrNull(now), familyId, hash}, &spent);
        if (!spent) {
            return false;
        }
        if (spend.numRowsAffected() != 1) {
            return reject(QStringLiteral("The authorization code has already been redeemed."));
        }
        QSqlQuery user = m_db.run(QStringLiteral("SELECT token_generation, disabled FROM users WHERE id = ?"), {userId});
        if (!user.next() || user.value(1).toInt() != 0) {
            return reject(QStringLiteral("The user account does not exist or is disabled."));
        }
        const qint64 generation = user.value(0).toLongLong();
        user.finish();
        return insertTokenPair(userId, clientId, familyId, scope, authTime, mfaTime, acrs, amr, generation, &result);
    });
    if (!ok) {
        result = TokenResult();
        result.error = OAuthError::ServerError;
        result.errorDescription = QStringLiteral("The authorization code could not be redeemed.");
    } else if (result.ok()) {
        qCInfo(lcIdentity) << "authorization code redeemed by client" << clientId << "for" << result.userId;
    }
    return result;
}

// ---------------------------------------------------------------------------------- tokens

bool IdentityService::insertTokenPair(const QString& userId, const QString& clientId, const QString& familyId,
                                      const QString& scope, const Timestamp& authTime, const Timestamp& mfaTime,
                                      const QString& acrs, const QString& amr, qint64 generation, TokenResult* out)
{
    const Timestamp now = m_clock.now();
    const QString access = SecureRandom::token();
    const QString refresh = SecureRandom::token();
    const Timestamp accessExpires = now.plusSeconds(m_settings.accessTokenLifetimeSeconds);
    const Timestamp refreshExpires = std::min(now.plusSeconds(m_settings.refreshTokenLifetimeSeconds),
                                              authTime.plusSeconds(m_settings.sessionMaxLifetimeSeconds));
    const QString sql = QStringLiteral(
        "INSERT INTO tokens (token_hash, kind, user_id, client_id, family_id, scope, issued_at, expires_at, "
        "auth_time, mfa_time, acrs, amr, generation, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
    bool okAccess = false;
    bool okRefresh = false;
    m_db.run(sql,
             {sha256Hex(access), KindAccess, userId, clientId, familyId, scope, toSqlTimeOrNull(now),
              toSqlTimeOrNull(accessExpires), toSqlTimeOrNull(authTime), toSqlTimeOrNull(mfaTime), acrs, amr, generation},
             &okAccess);
    m_db.run(sql,
             {sha256Hex(refresh), KindRefresh, userId, clientId, familyId, scope, toSqlTimeOrNull(now),
              toSqlTimeOrNull(refreshExpires), toSqlTimeOrNull(authTime), toSqlTimeOrNull(mfaTime), acrs, amr, generation},
             &okRefresh);
    if (!okAccess || !okRefresh) {
        return false;
    }
    out->accessToken = access;
    out->refreshToken = refresh;
    out->scope = scope;
    out->expiresIn = m_settings.accessTokenLifetimeSeconds;
    out->userId = userId;
    return true;
}

TokenResult IdentityService::issueTokens(const QString& userId, const QString& clientId, const QString& scope,
                                         const Timestamp& authTime, const Timestamp& mfaTime, const QStringList& acrs)
{
    TokenResult result;
    auto fail = [&result](OAuthError error, const QString& description) {
        result = TokenResult();
        result.error = error;
        result.errorDescription = description;
        return result;
    };
    const QString normalizedScope = scope.simplified();
    if (const auto problem = checkClientAndScope(m_settings, clientId, normalizedScope, false)) {
        return fail(problem->error, problem->description);
    }
    const Timestamp now = m_clock.now();
    const Timestamp signedInAt = authTime.isNull() ? now : authTime;
    if (signedInAt.plusSeconds(m_settings.sessionMaxLifetimeSeconds) <= now) {
        return fail(OAuthError::InvalidGrant, QStringLiteral("The sign-in is too old; sign in again."));
    }
    bool ok = m_db.transaction([&] {
        QSqlQuery q = m_db.run(QStringLiteral("SELECT token_generation, disabled FROM users WHERE id = ?"), {userId});
        if (!q.next() || q.value(1).toInt() != 0) {
            result.error = OAuthError::InvalidGrant;
            result.errorDescription = QStringLiteral("The user account does not exist or is disabled.");
            return true;
        }
        const qint64 generation = q.value(0).toLongLong();
        q.finish();
        return insertTokenPair(userId, clientId, newGuid(), normalizedScope, signedInAt, mfaTime, acrsText(acrs),
                               mfaTime.isNull() ? AmrPassword : AmrPasswordOtp, generation, &result);
    });
    if (!ok) {
        return fail(OAuthError::ServerError, QStringLiteral("The tokens could not be stored."));
    }
    if (result.ok()) {
        qCInfo(lcIdentity) << "tokens issued to" << userId << "for client" << clientId;
    }
    return result;
}

TokenResult IdentityService::refresh(const QString& refreshToken, const QString& clientId,
                                     const QString& remoteAddress, const std::optional<QStringList>& stepUpAcrs)
{
    TokenResult result;
    auto reject = [&result](const QString& description) {
        result = TokenResult();
        result.error = OAuthError::InvalidGrant;
        result.errorDescription = description;
        return true; // commit whatever was changed (a family revocation)
    };
    if (!clientAllowed(m_settings, clientId)) {
        result.error = OAuthError::InvalidClient;
        result.errorDescription = QStringLiteral("The client is not registered with this server.");
        return result;
    }
    if (!looksLikeToken(refreshToken)) {
        reject(QStringLiteral("The refresh token is malformed or unknown."));
        return result;
    }
    const Timestamp now = m_clock.now();
    QString reuseFamily;
    QString reuseUser;
    const bool ok = m_db.transaction([&]() -> bool {
        QSqlQuery q = m_db.run(
            QStringLiteral("SELECT t.user_id, t.client_id, t.family_id, t.scope, t.expires_at, t.auth_time, t.mfa_time, "
                           "t.acrs, t.generation, t.used_at, t.revoked, u.token_generation, u.disabled, t.amr "
                           "FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.kind = ?"),
            {sha256Hex(refreshToken), KindRefresh});
        if (!q.next()) {
            return reject(QStringLiteral("The refresh token is malformed or unknown."));
        }
        const QString userId = q.value(0).toString();
        const QString tokenClient = q.value(1).toString();
        const QString familyId = q.value(2).toString();
        const QString scope = q.value(3).toString();
        const Timestamp expiresAt = fromSqlTime(q.value(4));
        const Timestamp authTime = fromSqlTime(q.value(5));
        const Timestamp mfaTime = fromSqlTime(q.value(6));
        const QString acrs = q.value(7).toString();
        const qint64 generation = q.value(8).toLongLong();
        const bool used = !q.value(9).isNull();
        const bool revoked = q.value(10).toInt() != 0;
        const qint64 userGeneration = q.value(11).toLongLong();
        const bool disabled = q.value(12).toInt() != 0;
        const QString amr = q.value(13).toString();
        q.finish();

        if (tokenClient != clientId) {
            return reject(QStringLiteral("The refresh token was issued to a different client."));
        }
        if (revoked) {
            return reject(QStringLiteral("The refresh token has been revoked."));
        }
        if (used) {
            // RFC 9700 §4.14.2: a rotated refresh token coming back means two parties hold the
            // family; the server cannot tell which one is legitimate, so it ends both.
            bool done = false;
            m_db.run(QStringLiteral("UPDATE tokens SET revoked = 1 WHERE family_id = ?"), {familyId}, &done);
            reuseFamily = familyId;
            reuseUser = userId;
            emitEvent(IdentityEvent::Kind::RefreshTokenReused, userId, QString(), remoteAddress, clientId,
                      QStringLiteral("a used refresh token was presented; its token family is revoked"));
            reject(QStringLiteral("The refresh token has already been used; sign in again."));
            result.reuseDetected = true;
            return done;
        }
        if (expiresAt.isNull() || now >= expiresAt) {
            return reject(QStringLiteral("The refresh token has expired; sign in again."));
        }
        if (disabled || generation != userGeneration) {
            return reject(QStringLiteral("The refresh token has been revoked."));
        }
        if (authTime.isNull() || authTime.plusSeconds(m_settings.sessionMaxLifetimeSeconds) <= now) {
            return reject(QStringLiteral("The sign-in is too old; sign in again."));
        }
        QString grantedAcrs = acrs;
        if (stepUpAcrs) {
            // Claims on a refresh are met only by a second factor still inside the window;
            // otherwise the client must sign in interactively (and the token stays unspent).
            const bool fresh = !mfaTime.isNull() && mfaTime <= now
                && now < mfaTime.plusSeconds(m_settings.mfaWindowSeconds);
            if (!fresh) {
                result = TokenResult();
                result.error = OAuthError::InteractionRequired;
                result.errorDescription = QStringLiteral(
                    "Due to a policy requirement you must use multi-factor authentication; sign in again with the claims.");
                return true;
            }
            grantedAcrs = acrsText(acrs.split(u' ', Qt::SkipEmptyParts) + *stepUpAcrs);
        }
        bool spent = false;
        QSqlQuery spend = m_db.run(
            QStringLiteral("UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked = 0"),
            {toSqlTimeOrNull(now), sha256Hex(refreshToken)}, &spent);
        if (!spent) {
            return false;
        }
        if (spend.numRowsAffected() != 1) {
            return reject(QStringLiteral("The refresh token has already been used; sign in again."));
        }
        return insertTokenPair(userId, clientId, familyId, scope, authTime, mfaTime, grantedAcrs, amr, generation,
                               &result);
    });
    if (!ok) {
        result = TokenResult();
        result.error = OAuthError::ServerError;
        result.errorDescription = QStringLiteral("The token could not be refreshed.");
        return result;
    }
    if (!reuseFamily.isEmpty()) {
        qCWarning(lcIdentity) << "refresh token replayed: token family" << reuseFamily << "of user" << reuseUser
                              << "revoked";
    }
    return result;
}

std::optional<Caller> IdentityService::authenticate(const QString& bearerToken) const
{
    if (!looksLikeToken(bearerToken)) {
        return std::nullopt;
    }
    const Timestamp now = m_clock.now();
    // Looked up by the hash: the database index does the matching, and timing differences in
    // it say nothing about a token an attacker does not already hold.
    Database::Rows q = m_db.read(
        QStringLiteral("SELECT t.user_id, t.client_id, t.expires_at, t.auth_time, t.mfa_time, t.acrs, t.generation, "
                       "t.revoked, u.display_name, u.user_principal_name, u.is_admin, u.is_auditor, u.disabled, "
                       "u.token_generation FROM tokens t JOIN users u ON u.id = t.user_id "
                       "WHERE t.token_hash = ? AND t.kind = ?"),
        {sha256Hex(bearerToken), KindAccess});
    if (!q.next()) {
        return std::nullopt;
    }
    const Timestamp expiresAt = fromSqlTime(q.value(2));
    if (expiresAt.isNull() || now >= expiresAt || q.value(7).toInt() != 0 || q.value(12).toInt() != 0
        || q.value(6).toLongLong() != q.value(13).toLongLong()) {
        return std::nullopt;
    }
    Caller caller;
    caller.userId = q.value(0).toString();
    caller.clientId = q.value(1).toString();
    caller.authTime = fromSqlTime(q.value(3));
    const Timestamp mfaTime = fromSqlTime(q.value(4));
    caller.session.multiFactor = !mfaTime.isNull() && mfaTime <= now
        && now < mfaTime.plusSeconds(m_settings.mfaWindowSeconds);
    // An authentication context is satisfied by the fresh second factor it was granted with,
    // so it lapses with the MFA window.
    if (caller.session.multiFactor) {
        caller.session.authContexts = q.value(5).toString().split(u' ', Qt::SkipEmptyParts);
    }
    caller.displayName = q.value(8).toString();
    caller.userPrincipalName = q.value(9).toString();
    caller.isAdmin = q.value(10).toInt() != 0;
    caller.isAuditor = q.value(11).toInt() != 0;
    return caller;
}

// ---------------------------------------------------------------------------------- device codes

QString IdentityService::normalizeUserCode(const QString& typed)
{
    QString code;
    for (const QChar c : typed) {
        if (c == u'-' || c.isSpace()) {
            continue;
        }
        const QChar upper = c.toUpper();
        if (!UserCodeAlphabet.contains(upper) || code.size() >= UserCodeLength) {
            return {};
        }
        code += upper;
    }
    return code.size() == UserCodeLength ? code : QString();
}

DeviceAuthorization IdentityService::startDeviceCode(const QString& clientId, const QString& scope,
                                                     const QString& verificationUri,
                                                     const std::optional<QStringList>& stepUpAcrs)
{
    DeviceAuthorization result;
    auto fail = [&result](OAuthError error, const QString& description) {
        result = DeviceAuthorization();
        result.error = error;
        result.errorDescription = description;
        return result;
    };
    const QString normalizedScope = scope.simplified();
    if (const auto problem = checkClientAndScope(m_settings, clientId, normalizedScope, true)) {
        return fail(problem->error, problem->description);
    }

    const Timestamp now = m_clock.now();
    const QString deviceCode = SecureRandom::token();
    QString userCode;
    const bool ok = m_db.transaction([&] {
        // A code may be reused once its previous holder has expired; live codes never collide.
        for (int attempt = 0; attempt < 16 && userCode.isEmpty(); ++attempt) {
            const QString candidate = randomUserCode();
            bool deleted = false;
            m_db.run(QStringLiteral("DELETE FROM device_codes WHERE user_code = ? AND expires_at <= ?"),
                     {candidate, toSqlTimeOrNull(now)}, &deleted);
            if (!deleted) {
                return false;
            }
            if (!m_db.scalar(QStringLiteral("SELECT 1 FROM device_codes WHERE user_code = ?"), {candidate}).isValid()) {
                userCode = candidate;
            }
        }
        if (userCode.isEmpty()) {
            return false;
        }
        bool inserted = false;
        m_db.run(QStringLiteral("INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, created_at, "
                                "expires_at, interval_seconds, status, acrs, step_up) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)"),
                 {sha256Hex(deviceCode), userCode, clientId, normalizedScope, toSqlTimeOrNull(now),
                  toSqlTimeOrNull(now.plusSeconds(m_settings.deviceCodeLifetimeSeconds)),
                  m_settings.pollIntervalSeconds, stepUpAcrs ? acrsText(*stepUpAcrs) : QString(), stepUpAcrs ? 1 : 0},
                 &inserted);
        return inserted;
    });
    if (!ok) {
        return fail(OAuthError::ServerError, QStringLiteral("The device code could not be stored."));
    }
    result.deviceCode = deviceCode;
    result.userCode = formatUserCode(userCode);
    result.verificationUri = verificationUri.isEmpty() ? m_settings.verificationUri : verificationUri;
    result.expiresIn = m_settings.deviceCodeLifetimeSeconds;
    result.interval = m_settings.pollIntervalSeconds;
    result.message = tr("To sign in, use a web browser to open the page %1 and enter the code %2 to authenticate.")
                         .arg(result.verificationUri, result.userCode);
    qCInfo(lcIdentity) << "device code started for client" << clientId;
    return result;
}

TokenResult IdentityService::pollDeviceCode(const QString& deviceCode, const QString& clientId)
{
    TokenResult result;
    auto answer = [&result](OAuthError error, const QString& description) {
        result = TokenResult();
        result.error = error;
        result.errorDescription = description;
        return true;
    };
    if (!clientAllowed(m_settings, clientId)) {
        answer(OAuthError::InvalidClient, QStringLiteral("The client is not registered with this server."));
        return result;
    }
    if (!looksLikeToken(deviceCode)) {
        answer(OAuthError::BadVerificationCode, QStringLiteral("The device code is malformed or unknown."));
        return result;
    }
    const Timestamp now = m_clock.now();
    const QString hash = sha256Hex(deviceCode);
    const bool ok = m_db.transaction([&]() -> bool {
        QSqlQuery q = m_db.run(QStringLiteral("SELECT client_id, scope, expires_at, interval_seconds, last_poll_at, "
                                              "status, user_id, auth_time, mfa_time, amr, acrs FROM device_codes "
                                              "WHERE device_code_hash = ?"),
                               {hash});
        if (!q.next()) {
            return answer(OAuthError::BadVerificationCode, QStringLiteral("The device code is malformed or unknown."));
        }
        const QString codeClient = q.value(0).toString();
        const QString scope = q.value(1).toString();
        const Timestamp expiresAt = fromSqlTime(q.value(2));
        const int interval = q.value(3).toInt();
        const Timestamp lastPoll = fromSqlTime(q.value(4));
        const QString status = q.value(5).toString();
        const QString userId = q.value(6).toString();
        const Timestamp authTime = fromSqlTime(q.value(7));
        const Timestamp mfaTime = fromSqlTime(q.value(8));
        const QString amr = q.value(9).toString();
        const QString acrs = q.value(10).toString();
        q.finish();

        if (codeClient != clientId) {
            return answer(OAuthError::BadVerificationCode, QStringLiteral("The device code was issued to a different client."));
        }
        if (status == u"consumed") {
            return answer(OAuthError::BadVerificationCode, QStringLiteral("The device code has already been used."));
        }
        if (expiresAt.isNull() || now >= expiresAt) {
            return answer(OAuthError::ExpiredToken, QStringLiteral("The device code has expired; start again."));
        }
        if (status == u"declined") {
            return answer(OAuthError::AuthorizationDeclined, QStringLiteral("The user declined the sign-in."));
        }
        if (status == u"pending") {
            bool updated = false;
            // RFC 8628 §3.5: slow_down, and the interval grows by 5 s for this and later polls.
            if (!lastPoll.isNull() && lastPoll.msecsTo(now) < std::int64_t(interval) * 1000 - PollToleranceMs) {
                m_db.run(QStringLiteral("UPDATE device_codes SET last_poll_at = ?, interval_seconds = ? "
                                        "WHERE device_code_hash = ?"),
                         {toSqlTimeOrNull(now), interval + 5, hash}, &updated);
                answer(OAuthError::SlowDown,
                       QStringLiteral("Polling too fast; wait %1 seconds between requests.").arg(interval + 5));
                return updated;
            }
            m_db.run(QStringLiteral("UPDATE device_codes SET last_poll_at = ? WHERE device_code_hash = ?"),
                     {toSqlTimeOrNull(now), hash}, &updated);
            answer(OAuthError::AuthorizationPending,
                   QStringLiteral("The request has not yet been authorized by the user. The user must enter the code."));
            return updated;
        }
        if (status != u"approved") {
            return answer(OAuthError::BadVerificationCode, QStringLiteral("The device code is malformed or unknown."));
        }
        bool consumed = false;
        QSqlQuery consume = m_db.run(QStringLiteral("UPDATE device_codes SET status = 'consumed', last_poll_at = ? "
                                                    "WHERE device_code_hash = ? AND status = 'approved'"),
                                     {toSqlTimeOrNull(now), hash}, &consumed);
        if (!consumed) {
            return false;
        }
        if (consume.numRowsAffected() != 1) {
            return answer(OAuthError::BadVerificationCode, QStringLiteral("The device code has already been used."));
        }
        QSqlQuery user = m_db.run(QStringLiteral("SELECT token_generation, disabled FROM users WHERE id = ?"), {userId});
        if (!user.next() || user.value(1).toInt() != 0) {
            return answer(OAuthError::AuthorizationDeclined, QStringLiteral("The user account is disabled."));
        }
        const qint64 generation = user.value(0).toLongLong();
        user.finish();
        return insertTokenPair(userId, clientId, newGuid(), scope, authTime.isNull() ? now : authTime, mfaTime, acrs,
                               amr, generation, &result);
    });
    if (!ok) {
        answer(OAuthError::ServerError, QStringLiteral("The device code could not be redeemed."));
    } else if (result.ok()) {
        qCInfo(lcIdentity) << "device code redeemed by client" << clientId << "for" << result.userId;
    }
    return result;
}

DeviceDecision IdentityService::approveDeviceCode(const QString& userCode, const QString& userName,
                                                  const QString& password, const QString& remoteAddress,
                                                  const QString& secondFactorCode)
{
    return decideDeviceCode(userCode, userName, password, remoteAddress, secondFactorCode, true);
}

DeviceDecision IdentityService::declineDeviceCode(const QString& userCode, const QString& userName,
                                                  const QString& password, const QString& remoteAddress,
                                                  const QString& secondFactorCode)
{
    return decideDeviceCode(userCode, userName, password, remoteAddress, secondFactorCode, false);
}

bool IdentityService::approveDeviceCodeForDemo(const QString& deviceCode, const QString& userId)
{
    if (!looksLikeToken(deviceCode) || userId.isEmpty()) {
        return false;
    }
    const Timestamp now = m_clock.now();
    bool approved = false;
    m_db.transaction([&] {
        bool ok = false;
        QSqlQuery q = m_db.run(QStringLiteral("UPDATE device_codes SET status = 'approved', user_id = ?, auth_time = ?, "
                                              "mfa_time = ?, amr = ? WHERE device_code_hash = ? AND "
                                              "status = 'pending' AND expires_at > ? AND "
                                              "EXISTS (SELECT 1 FROM users WHERE id = ? AND disabled = 0)"),
                               {userId, toSqlTimeOrNull(now), toSqlTimeOrNull(now), AmrDemo, sha256Hex(deviceCode),
                                toSqlTimeOrNull(now), userId},
                               &ok);
        if (!ok) {
            return false;
        }
        approved = q.numRowsAffected() == 1;
        if (approved) {
            const QString clientId = m_db.scalar(QStringLiteral("SELECT client_id FROM device_codes "
                                                                "WHERE device_code_hash = ?"),
                                                 {sha256Hex(deviceCode)})
                                         .toString();
            emitEvent(IdentityEvent::Kind::DeviceCodeApproved, userId, QString(), QString(), clientId,
                      QStringLiteral("demo sign-in by login_hint"));
        }
        return true;
    });
    return approved;
}

DeviceDecision IdentityService::decideDeviceCode(const QString& userCode, const QString& userName,
                                                 const QString& password, const QString& remoteAddress,
                                                 const QString& secondFactorCode, bool approve)
{
    DeviceDecision decision;
    Timestamp now = m_clock.now();
    // A blocked address learns nothing, not even whether its user code exists.
    if (std::optional<LoginResult> refused = blocked(userName, remoteAddress, now)) {
        decision.outcome = DeviceDecision::Outcome::SignInFailed;
        decision.login = *refused;
        return decision;
    }

    const QString code = normalizeUserCode(userCode);
    const QVariant stepUp = code.isEmpty()
        ? QVariant()
        : m_db.scalar(QStringLiteral("SELECT step_up FROM device_codes WHERE user_code = ? AND status = 'pending' "
                                     "AND expires_at > ?"),
                      {code, toSqlTimeOrNull(now)});
    const bool live = stepUp.isValid();
    if (!live) {
        // A wrong code counts against the client address, so codes cannot be guessed from one
        // place (the credentials are not checked, so the account is not charged).
        LoginResult& r = decision.login;
        r.outcome = LoginResult::Outcome::InvalidCredentials;
        r.reason = LoginResult::Reason::BadUserCode;
        r.userName = userName;
        r.remoteAddress = remoteAddress;
        r.userId = userIdForName(userName);
        m_db.transaction([&] {
            bool lockedNow = false;
            const bool ok = recordFailure(addressKey(remoteAddress), m_settings.addressThrottle, now,
                                          &r.addressFailures, &lockedNow);
            emitEvent(IdentityEvent::Kind::SignInFailed, r.userId, userName, remoteAddress, QString(), r.reasonText());
            if (lockedNow) {
                r.lockedNow = true;
                emitEvent(IdentityEvent::Kind::LockoutStarted, r.userId, userName, remoteAddress, QString(),
                          QStringLiteral("client address locked after %1 failures").arg(r.addressFailures));
            }
            return ok;
        });
        decision.outcome = DeviceDecision::Outcome::BadUserCode;
        return decision;
    }

    decision.login = verifyPassword(userName, password, remoteAddress);
    if (!decision.login.ok()) {
        decision.outcome = DeviceDecision::Outcome::SignInFailed;
        return decision;
    }
    // A TOTP-protected account cannot be signed in on the password alone, not even to decline;
    // nor can a request with claims be approved without a code.
    Timestamp mfaTime;
    QString amr = AmrPassword;
    const bool secondFactor = hasSecondFactor(decision.login.userId);
    if (approve && stepUp.toInt() != 0 && !secondFactor) {
        decision.outcome = DeviceDecision::Outcome::SignInFailed;
        decision.login.outcome = LoginResult::Outcome::InvalidCredentials;
        decision.login.reason = LoginResult::Reason::NoSecondFactor;
        m_db.transaction([&] {
            emitEvent(IdentityEvent::Kind::SignInFailed, decision.login.userId, userName, remoteAddress, QString(),
                      decision.login.reasonText());
            return true;
        });
        return decision;
    }
    if (secondFactor) {
        decision.login = verifySecondFactor(decision.login.userId, userName, secondFactorCode, remoteAddress);
        if (!decision.login.ok()) {
            decision.outcome = DeviceDecision::Outcome::SignInFailed;
            return decision;
        }
        mfaTime = m_clock.now();
        amr = AmrPasswordOtp;
    }

    now = m_clock.now();
    decision.outcome = DeviceDecision::Outcome::BadUserCode;
    m_db.transaction([&] {
        const QString clientId =
            m_db.scalar(QStringLiteral("SELECT client_id FROM device_codes WHERE user_code = ?"), {code}).toString();
        bool ok = false;
        QSqlQuery q = m_db.run(QStringLiteral("UPDATE device_codes SET status = ?, user_id = ?, auth_time = ?, "
                                              "mfa_time = ?, amr = ? "
                                              "WHERE user_code = ? AND status = 'pending' AND expires_at > ?"),
                               {approve ? QStringLiteral("approved") : QStringLiteral("declined"),
                                decision.login.userId, toSqlTimeOrNull(now), toSqlTimeOrNull(mfaTime), amr, code,
                                toSqlTimeOrNull(now)},
                               &ok);
        if (ok && q.numRowsAffected() == 1) {
            decision.outcome = approve ? DeviceDecision::Outcome::Approved : DeviceDecision::Outcome::Declined;
            emitEvent(approve ? IdentityEvent::Kind::DeviceCodeApproved : IdentityEvent::Kind::DeviceCodeDeclined,
                      decision.login.userId, userName, remoteAddress, clientId, QString());
        }
        return ok;
    });
    if (decision.outcome == DeviceDecision::Outcome::BadUserCode) {
        decision.login.reason = LoginResult::Reason::BadUserCode;
        decision.login.outcome = LoginResult::Outcome::InvalidCredentials;
    }
    return decision;
}

int IdentityService::purgeExpired()
{
    const Timestamp now = m_clock.now();
    const std::int64_t forget = std::max(m_settings.accountThrottle.forgetAfterSeconds,
                                         m_settings.addressThrottle.forgetAfterSeconds);
    int removed = 0;
    // QSQLITE's numRowsAffected() reports the connection's latest statement, so each count is
    // read before the next statement runs.
    auto purge = [&](const QString& sql, std::initializer_list<QVariant> values) {
        bool done = false;
        QSqlQuery q = m_db.run(sql, values, &done);
        if (done) {
            removed += q.numRowsAffected();
        }
        return done;
    };
    const bool ok = m_db.transaction([&] {
        return purge(QStringLiteral("DELETE FROM tokens WHERE expires_at <= ?"), {toSqlTimeOrNull(now)})
            && purge(QStringLiteral("DELETE FROM device_codes WHERE expires_at <= ?"),
                     {toSqlTimeOrNull(now.plusSeconds(-ExpiredDeviceCodeKeepSeconds))})
            && purge(QStringLiteral("DELETE FROM authorization_codes WHERE expires_at <= ?"), {toSqlTimeOrNull(now)})
            && purge(QStringLiteral("DELETE FROM login_throttle WHERE last_failure_at <= ? "
                                    "AND (locked_until IS NULL OR locked_until <= ?)"),
                     {toSqlTimeOrNull(now.plusSeconds(-forget)), toSqlTimeOrNull(now)});
    });
    return ok ? removed : -1;
}

} // namespace Elevate::Server
