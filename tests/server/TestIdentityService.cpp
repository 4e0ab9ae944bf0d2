// IdentityService over a real SQLite file and a manual clock: accounts, password sign-in and
// its throttling, token issue / authenticate / expiry, refresh rotation with reuse detection,
// revocation by password change and disabling, and secrets stored only as hashes.

#include "IdentityFixture.h"

#include <QRegularExpression>
#include <QTest>
#include <QUuid>

using namespace Elevate;
using namespace Elevate::Server;
using namespace Elevate::Server::Testing;

namespace {

const QString Client = QStringLiteral("04b07795-8ddb-461a-bbee-02f9e1bf7b46");
const QString Scope = QStringLiteral("User.Read offline_access");
const QString AlicePassword = QStringLiteral("alice-password-1");
const QString BobPassword = QStringLiteral("bob-password-22");

} // namespace

class TestIdentityService final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void addsUsers();
    void rejectsDuplicateAndInvalidUsers();
    void verifiesPasswords();
    void unknownUserAndWrongPasswordLookAlike();
    void issuesAndAuthenticatesTokens();
    void accessTokenExpires();
    void multiFactorWindow();
    void rejectsForeignTokens();
    void rotatesRefreshTokens();
    void refreshReuseRevokesFamily();
    void refreshBoundToClient();
    void refreshTokenExpires();
    void disablingRevokesEverything();
    void passwordChangeRevokesEverything();
    void revokeAllTokens();
    void throttleDelayGrowsThenLocks();
    void throttleForgetsAfterQuietPeriod();
    void throttlePerAddress();
    void unknownUserIsThrottledLikeARealOne();
    void addressBuckets();
    void deviceCodeBasics();
    void approvalEndsWithPasswordChange();
    void tokensStoredOnlyAsHashes();
    void purgesExpiredRows();

private:
    QString addAlice(bool admin = true, bool auditor = false);
    LoginResult attempt(const QString& user, const QString& password, const QString& address);

    std::unique_ptr<IdentityFixture> m_f;
};

void TestIdentityService::init()
{
    m_f = std::make_unique<IdentityFixture>();
    QVERIFY2(m_f->open(), qPrintable(m_f->openError));
}

void TestIdentityService::cleanup()
{
    m_f.reset();
}

QString TestIdentityService::addAlice(bool admin, bool auditor)
{
    AccountError error = AccountError::StorageFailure;
    const QString id = m_f->identity->addUser(QStringLiteral("Alice@Contoso.test"), QStringLiteral("Alice Adams"),
                                              AlicePassword, admin, auditor, &error);
    [&] { QCOMPARE(error, AccountError::None); }();
    return id;
}

LoginResult TestIdentityService::attempt(const QString& user, const QString& password, const QString& address)
{
    return m_f->identity->verifyPassword(user, password, address);
}

void TestIdentityService::addsUsers()
{
    const QString id = addAlice(true, true);
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(m_f->identity->userIdForName(QStringLiteral("alice@contoso.test")), id);
    QCOMPARE(m_f->identity->userIdForName(QStringLiteral("  ALICE@contoso.TEST ")), id);

    QSqlQuery q = m_f->db.run(QStringLiteral("SELECT user_name, display_name, user_principal_name, password_hash, "
                                             "is_admin, is_auditor, disabled, token_generation, created_at "
                                             "FROM users WHERE id = ?"),
                              {id});
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("alice@contoso.test"));
    QCOMPARE(q.value(1).toString(), QStringLiteral("Alice Adams"));
    QCOMPARE(q.value(2).toString(), QStringLiteral("Alice@Contoso.test"));
    QVERIFY(q.value(3).toString().startsWith(QStringLiteral("$argon2id$v=19$")));
    QVERIFY(!q.value(3).toString().contains(AlicePassword));
    QCOMPARE(q.value(4).toInt(), 1);
    QCOMPARE(q.value(5).toInt(), 1);
    QCOMPARE(q.value(6).toInt(), 0);
    QCOMPARE(q.value(7).toInt(), 0);
    QCOMPARE(q.value(8).toString(), QStringLiteral("2026-03-02T10:00:00.0000000Z"));
}

void TestIdentityService::rejectsDuplicateAndInvalidUsers()
{
    addAlice();
    AccountError error = AccountError::None;
    QVERIFY(m_f->identity->addUser(QStringLiteral(" alice@CONTOSO.test"), QString(), BobPassword, false, false, &error)
                .isEmpty());
    QCOMPARE(error, AccountError::DuplicateUserName);
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), 1);

    QVERIFY(m_f->identity->addUser(QString(), QString(), BobPassword, false, false, &error).isEmpty());
    QCOMPARE(error, AccountError::InvalidUserName);
    QVERIFY(m_f->identity->addUser(QStringLiteral("bob smith"), QString(), BobPassword, false, false, &error).isEmpty());
    QCOMPARE(error, AccountError::InvalidUserName);
    QVERIFY(m_f->identity->addUser(QStringLiteral("bob"), QString(), QStringLiteral("short"), false, false, &error)
                .isEmpty());
    QCOMPARE(error, AccountError::InvalidPassword);

    const QString bob = m_f->identity->addUser(QStringLiteral("bob"), QString(), BobPassword, false, false, &error);
    QVERIFY(!bob.isEmpty());
    QCOMPARE(error, AccountError::None);
    // Without a display name the typed user name stands in.
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT display_name FROM users WHERE id = ?"), {bob}).toString(),
             QStringLiteral("bob"));
}

void TestIdentityService::verifiesPasswords()
{
    const QString id = addAlice();
    const LoginResult ok = attempt(QStringLiteral("ALICE@contoso.test"), AlicePassword, QStringLiteral("192.0.2.1"));
    QVERIFY(ok.ok());
    QCOMPARE(ok.userId, id);
    QCOMPARE(ok.reason, LoginResult::Reason::None);

    const LoginResult wrong = attempt(QStringLiteral("alice@contoso.test"), BobPassword, QStringLiteral("192.0.2.1"));
    QCOMPARE(wrong.outcome, LoginResult::Outcome::InvalidCredentials);
    QCOMPARE(wrong.reason, LoginResult::Reason::WrongPassword);
    QCOMPARE(wrong.userId, id);
    QCOMPARE(wrong.accountFailures, 1);
    QCOMPARE(wrong.addressFailures, 1);

    QCOMPARE(m_f->count(IdentityEvent::Kind::SignInSucceeded), 1);
    QCOMPARE(m_f->count(IdentityEvent::Kind::SignInFailed), 1);
    const IdentityEvent failed = m_f->events.last();
    QCOMPARE(failed.userId, id);
    QCOMPARE(failed.remoteAddress, QStringLiteral("192.0.2.1"));
    QCOMPARE(failed.reason, QStringLiteral("wrong password"));
    QCOMPARE(failed.at, startTime());

    // A success clears the account's failures.
    QVERIFY(attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.1")).ok());
    const LoginResult again = attempt(QStringLiteral("alice@contoso.test"), BobPassword, QStringLiteral("192.0.2.9"));
    QCOMPARE(again.accountFailures, 1);
}

void TestIdentityService::unknownUserAndWrongPasswordLookAlike()
{
    const QString id = addAlice();
    const LoginResult unknown = attempt(QStringLiteral("mallory"), AlicePassword, QStringLiteral("192.0.2.1"));
    const LoginResult wrong = attempt(QStringLiteral("alice@contoso.test"), BobPassword, QStringLiteral("192.0.2.2"));
    QVERIFY(m_f->identity->disableUser(id));
    const LoginResult disabled = attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.3"));

    QCOMPARE(unknown.outcome, LoginResult::Outcome::InvalidCredentials);
    QCOMPARE(wrong.outcome, LoginResult::Outcome::InvalidCredentials);
    QCOMPARE(disabled.outcome, LoginResult::Outcome::InvalidCredentials);
    QCOMPARE(unknown.userMessage(), wrong.userMessage());
    QCOMPARE(disabled.userMessage(), wrong.userMessage());
    QVERIFY(!wrong.userMessage().isEmpty());
    // The audit side still learns the difference.
    QCOMPARE(unknown.reason, LoginResult::Reason::UnknownUser);
    QCOMPARE(wrong.reason, LoginResult::Reason::WrongPassword);
    QCOMPARE(disabled.reason, LoginResult::Reason::AccountDisabled);
    QVERIFY(unknown.userId.isEmpty());
    QCOMPARE(unknown.accountFailures, 1);
    QCOMPARE(m_f->count(IdentityEvent::Kind::SignInFailed), 3);
}

void TestIdentityService::issuesAndAuthenticatesTokens()
{
    const QString id = addAlice(true, false);
    const TokenResult tokens = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {QStringLiteral("c1")});
    QVERIFY2(tokens.ok(), qPrintable(tokens.errorDescription));
    QCOMPARE(tokens.expiresIn, 3600);
    QCOMPARE(tokens.scope, Scope);
    QCOMPARE(tokens.accessToken.size(), 43);
    QCOMPARE(tokens.refreshToken.size(), 43);
    QVERIFY(tokens.accessToken != tokens.refreshToken);
    static const QRegularExpression base64url(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
    QVERIFY(base64url.match(tokens.accessToken).hasMatch());

    const std::optional<Caller> caller = m_f->identity->authenticate(tokens.accessToken);
    QVERIFY(caller);
    QCOMPARE(caller->userId, id);
    QCOMPARE(caller->displayName, QStringLiteral("Alice Adams"));
    QCOMPARE(caller->userPrincipalName, QStringLiteral("Alice@Contoso.test"));
    QVERIFY(caller->isAdmin);
    QVERIFY(!caller->isAuditor);
    QCOMPARE(caller->clientId, Client);
    QCOMPARE(caller->authTime, startTime());
    QVERIFY(!caller->session.multiFactor);
    // An authentication context is proven by the fresh second factor it came with; without
    // one the token claims none.
    QVERIFY(caller->session.authContexts.isEmpty());
    const TokenResult stepped = m_f->identity->issueTokens(id, Client, Scope, startTime(), startTime(),
                                                           {QStringLiteral("c1")});
    const std::optional<Caller> steppedCaller = m_f->identity->authenticate(stepped.accessToken);
    QVERIFY(steppedCaller);
    QVERIFY(steppedCaller->session.multiFactor);
    QCOMPARE(steppedCaller->session.authContexts, QStringList{QStringLiteral("c1")});
    m_f->clock.advanceSeconds(10 * 60);
    QVERIFY(!m_f->identity->authenticate(stepped.accessToken)->session.multiFactor);
    QVERIFY(m_f->identity->authenticate(stepped.accessToken)->session.authContexts.isEmpty());
    m_f->clock.set(startTime());

    // A refresh token is not an access token.
    QVERIFY(!m_f->identity->authenticate(tokens.refreshToken));

    // No tokens for a user who does not exist.
    QCOMPARE(m_f->identity->issueTokens(QUuid::createUuid().toString(QUuid::WithoutBraces), Client, Scope, startTime(),
                                        Timestamp(), {})
                 .error,
             OAuthError::InvalidGrant);
}

void TestIdentityService::accessTokenExpires()
{
    const QString id = addAlice();
    const TokenResult tokens = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    QVERIFY(tokens.ok());
    m_f->clock.advanceSeconds(3599);
    QVERIFY(m_f->identity->authenticate(tokens.accessToken));
    m_f->clock.advanceSeconds(1);
    QVERIFY(!m_f->identity->authenticate(tokens.accessToken));
    // The refresh token outlives it and brings a working access token back.
    const TokenResult renewed = m_f->identity->refresh(tokens.refreshToken, Client);
    QVERIFY2(renewed.ok(), qPrintable(renewed.errorDescription));
    QVERIFY(m_f->identity->authenticate(renewed.accessToken));
}

void TestIdentityService::multiFactorWindow()
{
    const QString id = addAlice();
    const TokenResult tokens = m_f->identity->issueTokens(id, Client, Scope, startTime(), startTime(), {});
    QVERIFY(tokens.ok());
    QVERIFY(m_f->identity->authenticate(tokens.accessToken)->session.multiFactor);
    m_f->clock.advanceSeconds(9 * 60 + 59);
    QVERIFY(m_f->identity->authenticate(tokens.accessToken)->session.multiFactor);
    m_f->clock.advanceSeconds(1);
    const std::optional<Caller> later = m_f->identity->authenticate(tokens.accessToken);
    QVERIFY(later);
    QVERIFY(!later->session.multiFactor);
}

void TestIdentityService::rejectsForeignTokens()
{
    addAlice();
    QVERIFY(!m_f->identity->authenticate(QString()));
    QVERIFY(!m_f->identity->authenticate(QStringLiteral("not a token")));
    QVERIFY(!m_f->identity->authenticate(QString(43, u'A')));
    QVERIFY(!m_f->identity->authenticate(QStringLiteral("' OR 1=1 --")));
    QCOMPARE(m_f->identity->refresh(QString(43, u'A'), Client).error, OAuthError::InvalidGrant);
}

void TestIdentityService::rotatesRefreshTokens()
{
    const QString id = addAlice();
    const Timestamp mfa = startTime();
    const TokenResult first =
        m_f->identity->issueTokens(id, Client, Scope, startTime(), mfa, {QStringLiteral("c1"), QStringLiteral("c2")});
    QVERIFY(first.ok());
    m_f->clock.advanceSeconds(120);
    const TokenResult second = m_f->identity->refresh(first.refreshToken, Client);
    QVERIFY2(second.ok(), qPrintable(second.errorDescription));
    QVERIFY(second.refreshToken != first.refreshToken);
    QVERIFY(second.accessToken != first.accessToken);
    QCOMPARE(second.scope, Scope);
    QCOMPARE(second.userId, id);

    // The session facts travel with the family: same sign-in time, MFA time and contexts.
    const std::optional<Caller> caller = m_f->identity->authenticate(second.accessToken);
    QVERIFY(caller);
    QCOMPARE(caller->authTime, startTime());
    QVERIFY(caller->session.multiFactor);
    QCOMPARE(caller->session.authContexts, (QStringList{QStringLiteral("c1"), QStringLiteral("c2")}));

    // The old refresh token is spent; the old access token lives out its hour.
    QVERIFY(!m_f->db.scalar(QStringLiteral("SELECT used_at FROM tokens WHERE token_hash = ?"),
                            {IdentityFixture::sha256(first.refreshToken)})
                 .isNull());
    QVERIFY(m_f->identity->authenticate(first.accessToken));
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT COUNT(DISTINCT family_id) FROM tokens")).toInt(), 1);

    const TokenResult third = m_f->identity->refresh(second.refreshToken, Client);
    QVERIFY(third.ok());
    QVERIFY(m_f->identity->authenticate(third.accessToken));
}

void TestIdentityService::refreshReuseRevokesFamily()
{
    const QString id = addAlice();
    const TokenResult first = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    const TokenResult other = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    const TokenResult second = m_f->identity->refresh(first.refreshToken, Client);
    QVERIFY(second.ok());

    // An attacker (or a confused client) presents the spent token.
    const TokenResult replay = m_f->identity->refresh(first.refreshToken, Client);
    QCOMPARE(replay.error, OAuthError::InvalidGrant);
    QVERIFY(replay.reuseDetected);
    QVERIFY(replay.accessToken.isEmpty());
    QCOMPARE(m_f->count(IdentityEvent::Kind::RefreshTokenReused), 1);
    QCOMPARE(m_f->events.last().userId, id);

    // Every token of that family is dead: the legitimate holder must sign in again.
    QCOMPARE(m_f->identity->refresh(second.refreshToken, Client).error, OAuthError::InvalidGrant);
    QVERIFY(!m_f->identity->authenticate(second.accessToken));
    QVERIFY(!m_f->identity->authenticate(first.accessToken));
    // Another sign-in of the same user is untouched.
    QVERIFY(m_f->identity->authenticate(other.accessToken));
    QVERIFY(m_f->identity->refresh(other.refreshToken, Client).ok());
}

void TestIdentityService::refreshBoundToClient()
{
    const QString id = addAlice();
    const TokenResult tokens = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    const TokenResult foreign = m_f->identity->refresh(tokens.refreshToken, QStringLiteral("another-client"));
    QCOMPARE(foreign.error, OAuthError::InvalidGrant);
    QVERIFY(!foreign.reuseDetected);
    // The refusal did not spend the token.
    QVERIFY(m_f->identity->refresh(tokens.refreshToken, Client).ok());
}

void TestIdentityService::refreshTokenExpires()
{
    const QString id = addAlice();
    const TokenResult tokens = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    m_f->clock.advanceSeconds(14 * 24 * 3600 - 1);
    const TokenResult renewed = m_f->identity->refresh(tokens.refreshToken, Client);
    QVERIFY(renewed.ok());
    m_f->clock.advanceSeconds(14 * 24 * 3600);
    const TokenResult late = m_f->identity->refresh(renewed.refreshToken, Client);
    QCOMPARE(late.error, OAuthError::InvalidGrant);
    QVERIFY(!late.reuseDetected);
}

void TestIdentityService::disablingRevokesEverything()
{
    const QString id = addAlice();
    const TokenResult a = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    const TokenResult b = m_f->identity->issueTokens(id, QStringLiteral("other-client"), Scope, startTime(), Timestamp(), {});
    QVERIFY(m_f->identity->authenticate(a.accessToken));

    AccountError error = AccountError::StorageFailure;
    QVERIFY(m_f->identity->disableUser(id, &error));
    QCOMPARE(error, AccountError::None);
    QVERIFY(!m_f->identity->authenticate(a.accessToken));
    QVERIFY(!m_f->identity->authenticate(b.accessToken));
    QCOMPARE(m_f->identity->refresh(a.refreshToken, Client).error, OAuthError::InvalidGrant);
    QCOMPARE(m_f->identity->refresh(b.refreshToken, QStringLiteral("other-client")).error, OAuthError::InvalidGrant);
    QVERIFY(!attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.1")).ok());
    QCOMPARE(m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {}).error, OAuthError::InvalidGrant);

    // Enabling again lets the user sign in, but the old tokens stay dead.
    QVERIFY(m_f->identity->enableUser(id));
    QVERIFY(attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.1")).ok());
    QVERIFY(!m_f->identity->authenticate(a.accessToken));
    QCOMPARE(m_f->identity->refresh(a.refreshToken, Client).error, OAuthError::InvalidGrant);

    QVERIFY(!m_f->identity->disableUser(QStringLiteral("no-such-user"), &error));
    QCOMPARE(error, AccountError::UnknownUser);
}

void TestIdentityService::passwordChangeRevokesEverything()
{
    const QString id = addAlice();
    const TokenResult before = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    QVERIFY(m_f->identity->setPassword(id, QStringLiteral("a-new-password")));

    QVERIFY(!m_f->identity->authenticate(before.accessToken));
    QCOMPARE(m_f->identity->refresh(before.refreshToken, Client).error, OAuthError::InvalidGrant);
    QVERIFY(!attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.1")).ok());
    QVERIFY(attempt(QStringLiteral("alice@contoso.test"), QStringLiteral("a-new-password"), QStringLiteral("192.0.2.1"))
                .ok());
    const TokenResult after = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    QVERIFY(m_f->identity->authenticate(after.accessToken));

    AccountError error = AccountError::None;
    QVERIFY(!m_f->identity->setPassword(id, QStringLiteral("short"), &error));
    QCOMPARE(error, AccountError::InvalidPassword);
    QVERIFY(!m_f->identity->setPassword(QStringLiteral("no-such-user"), QStringLiteral("long enough"), &error));
    QCOMPARE(error, AccountError::UnknownUser);
}

void TestIdentityService::revokeAllTokens()
{
    const QString id = addAlice();
    const TokenResult before = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    QVERIFY(m_f->identity->revokeAllTokens(id));
    QVERIFY(!m_f->identity->authenticate(before.accessToken));
    QVERIFY(attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.1")).ok());
}

void TestIdentityService::throttleDelayGrowsThenLocks()
{
    addAlice();
    const QString alice = QStringLiteral("alice@contoso.test");
    // A new address each time, so only the account throttle is in play.
    int address = 0;
    auto from = [&address] { return QStringLiteral("198.51.100.%1").arg(++address); };

    for (int i = 1; i <= 3; ++i) {
        const LoginResult r = attempt(alice, BobPassword, from());
        QCOMPARE(r.outcome, LoginResult::Outcome::InvalidCredentials);
        QCOMPARE(r.accountFailures, i);
    }
    // After three failures each attempt must wait, doubling: 1, 2, 4, 8, 16, 32, then 60 (cap).
    const QList<std::int64_t> expectedDelays{1, 2, 4, 8, 16, 32, 60};
    for (qsizetype i = 0; i < expectedDelays.size(); ++i) {
        const std::int64_t delay = expectedDelays.at(i);
        // Even the right password is refused while the delay runs, without being checked.
        const LoginResult early = attempt(alice, AlicePassword, from());
        QCOMPARE(early.outcome, LoginResult::Outcome::Throttled);
        QCOMPARE(early.reason, LoginResult::Reason::AccountThrottled);
        QCOMPARE(early.retryAfterSeconds, delay);
        QVERIFY(early.userMessage().contains(QString::number(delay)));
        if (delay > 1) {
            m_f->clock.advanceSeconds(delay - 1);
            QCOMPARE(attempt(alice, AlicePassword, from()).outcome, LoginResult::Outcome::Throttled);
            m_f->clock.advanceSeconds(1);
        } else {
            m_f->clock.advanceSeconds(1);
        }
        const LoginResult failed = attempt(alice, BobPassword, from());
        QCOMPARE(failed.accountFailures, 4 + int(i));
        if (i + 1 < expectedDelays.size()) {
            QCOMPARE(failed.outcome, LoginResult::Outcome::InvalidCredentials);
            QVERIFY(!failed.lockedNow);
        } else {
            // The tenth failure locks the account for 15 minutes.
            QCOMPARE(failed.outcome, LoginResult::Outcome::Locked);
            QVERIFY(failed.lockedNow);
            QCOMPARE(failed.retryAfterSeconds, 900);
        }
    }
    QCOMPARE(m_f->count(IdentityEvent::Kind::LockoutStarted), 1);
    QCOMPARE(m_f->count(IdentityEvent::Kind::SignInFailed), 10);
    QVERIFY(m_f->count(IdentityEvent::Kind::SignInBlocked) >= 7);

    const LoginResult locked = attempt(alice, AlicePassword, from());
    QCOMPARE(locked.outcome, LoginResult::Outcome::Locked);
    QCOMPARE(locked.reason, LoginResult::Reason::AccountLocked);
    QCOMPARE(locked.retryAfterSeconds, 900);
    QVERIFY(locked.userMessage().contains(QStringLiteral("15")));
    m_f->clock.advanceSeconds(899);
    QCOMPARE(attempt(alice, AlicePassword, from()).outcome, LoginResult::Outcome::Locked);
    m_f->clock.advanceSeconds(1);
    // The lock is over and the slate is clean.
    QVERIFY(attempt(alice, AlicePassword, from()).ok());
    QCOMPARE(attempt(alice, BobPassword, from()).accountFailures, 1);

    // No event carries a password.
    for (const IdentityEvent& e : std::as_const(m_f->events)) {
        QVERIFY(!e.reason.contains(AlicePassword) && !e.reason.contains(BobPassword));
        QVERIFY(!e.userName.contains(AlicePassword));
    }
}

void TestIdentityService::throttleForgetsAfterQuietPeriod()
{
    addAlice();
    const QString alice = QStringLiteral("alice@contoso.test");
    QCOMPARE(attempt(alice, BobPassword, QStringLiteral("192.0.2.1")).accountFailures, 1);
    QCOMPARE(attempt(alice, BobPassword, QStringLiteral("192.0.2.2")).accountFailures, 2);
    m_f->clock.advanceSeconds(3599);
    QCOMPARE(attempt(alice, BobPassword, QStringLiteral("192.0.2.3")).accountFailures, 3);
    m_f->clock.advanceSeconds(3600);
    QCOMPARE(attempt(alice, BobPassword, QStringLiteral("192.0.2.4")).accountFailures, 1);
}

void TestIdentityService::throttlePerAddress()
{
    const QString id = addAlice();
    const QString attacker = QStringLiteral("203.0.113.7");
    // Password spraying: a different account name each time, all from one address.
    for (int i = 1; i <= 3; ++i) {
        const LoginResult r = attempt(QStringLiteral("user%1").arg(i), AlicePassword, attacker);
        QCOMPARE(r.addressFailures, i);
        QCOMPARE(r.accountFailures, 1);
    }
    const LoginResult throttled = attempt(QStringLiteral("user4"), AlicePassword, attacker);
    QCOMPARE(throttled.outcome, LoginResult::Outcome::Throttled);
    QCOMPARE(throttled.reason, LoginResult::Reason::AddressThrottled);
    QCOMPARE(throttled.retryAfterSeconds, 1);

    for (int i = 4; i <= 10; ++i) {
        m_f->clock.advanceSeconds(60);
        const LoginResult r = attempt(QStringLiteral("user%1").arg(i), AlicePassword, attacker);
        QCOMPARE(r.addressFailures, i);
        QCOMPARE(r.lockedNow, i == 10);
    }
    // The address is locked, even for a real user with the right password...
    const LoginResult blocked = attempt(QStringLiteral("alice@contoso.test"), AlicePassword, attacker);
    QCOMPARE(blocked.outcome, LoginResult::Outcome::Locked);
    QCOMPARE(blocked.reason, LoginResult::Reason::AddressLocked);
    QCOMPARE(blocked.userId, id);
    // ... while the same user from elsewhere signs in.
    QVERIFY(attempt(QStringLiteral("alice@contoso.test"), AlicePassword, QStringLiteral("192.0.2.50")).ok());
    m_f->clock.advanceSeconds(900);
    QVERIFY(attempt(QStringLiteral("alice@contoso.test"), AlicePassword, attacker).ok());
}

void TestIdentityService::unknownUserIsThrottledLikeARealOne()
{
    addAlice();
    QList<LoginResult> ghost;
    QList<LoginResult> real;
    for (int i = 0; i < 10; ++i) {
        ghost.append(attempt(QStringLiteral("nobody@contoso.test"), BobPassword, QStringLiteral("192.0.2.%1").arg(i)));
        real.append(attempt(QStringLiteral("alice@contoso.test"), BobPassword, QStringLiteral("198.51.100.%1").arg(i)));
        m_f->clock.advanceSeconds(120);
    }
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(ghost.at(i).outcome, real.at(i).outcome);
        QCOMPARE(ghost.at(i).userMessage(), real.at(i).userMessage());
        QCOMPARE(ghost.at(i).accountFailures, real.at(i).accountFailures);
    }
    QCOMPARE(ghost.last().outcome, LoginResult::Outcome::Locked);
}

void TestIdentityService::addressBuckets()
{
    addAlice();
    const QString alice = QStringLiteral("alice@contoso.test");
    // IPv4-mapped IPv6 is the IPv4 address.
    QCOMPARE(attempt(alice, BobPassword, QStringLiteral("192.0.2.1")).addressFailures, 1);
    QCOMPARE(attempt(QStringLiteral("x"), BobPassword, QStringLiteral("::ffff:192.0.2.1")).addressFailures, 2);
    // One bucket per IPv6 /64.
    QCOMPARE(attempt(QStringLiteral("y"), BobPassword, QStringLiteral("2001:db8:1:2::1")).addressFailures, 1);
    QCOMPARE(attempt(QStringLiteral("z"), BobPassword, QStringLiteral("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).addressFailures,
             2);
    QCOMPARE(attempt(QStringLiteral("w"), BobPassword, QStringLiteral("2001:db8:1:3::1")).addressFailures, 1);
}

void TestIdentityService::deviceCodeBasics()
{
    const DeviceAuthorization started =
        m_f->identity->startDeviceCode(Client, QStringLiteral("  User.Read   offline_access "),
                                       QStringLiteral("https://pim.example.test/organizations/oauth2/v2.0/deviceauth"));
    QVERIFY(started.ok());
    static const QRegularExpression userCode(QStringLiteral("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$"));
    QVERIFY2(userCode.match(started.userCode).hasMatch(), qPrintable(started.userCode));
    QCOMPARE(started.deviceCode.size(), 43);
    QCOMPARE(started.expiresIn, 900);
    QCOMPARE(started.interval, 5);
    QVERIFY(started.message.contains(started.userCode));
    QVERIFY(started.message.contains(started.verificationUri));
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT scope FROM device_codes")).toString(), Scope);

    // Many codes, all distinct.
    QSet<QString> codes{started.userCode};
    for (int i = 0; i < 50; ++i) {
        codes.insert(m_f->identity->startDeviceCode(Client, Scope).userCode);
    }
    QCOMPARE(codes.size(), 51);

    QCOMPARE(m_f->identity->startDeviceCode(QString(), Scope).error, OAuthError::InvalidRequest);
    QCOMPARE(m_f->identity->startDeviceCode(Client, QString()).error, OAuthError::InvalidRequest);

    QCOMPARE(IdentityService::normalizeUserCode(QStringLiteral("bcdf-ghjk")), QStringLiteral("BCDFGHJK"));
    QCOMPARE(IdentityService::normalizeUserCode(QStringLiteral(" BCDF GHJK ")), QStringLiteral("BCDFGHJK"));
    QCOMPARE(IdentityService::normalizeUserCode(QStringLiteral("BCDF-GHJA")), QString()); // vowel
    QCOMPARE(IdentityService::normalizeUserCode(QStringLiteral("BCDF-GHJ")), QString());
    QCOMPARE(IdentityService::normalizeUserCode(QStringLiteral("BCDF-GHJKL")), QString());
    QCOMPARE(IdentityService::normalizeUserCode(QStringLiteral("<script>")), QString());
}

void TestIdentityService::approvalEndsWithPasswordChange()
{
    const QString id = addAlice();
    const DeviceAuthorization started = m_f->identity->startDeviceCode(Client, Scope);
    const DeviceDecision approved = m_f->identity->approveDeviceCode(started.userCode, QStringLiteral("alice@contoso.test"),
                                                                     AlicePassword, QStringLiteral("192.0.2.1"));
    QCOMPARE(approved.outcome, DeviceDecision::Outcome::Approved);
    QCOMPARE(m_f->count(IdentityEvent::Kind::DeviceCodeApproved), 1);
    QCOMPARE(m_f->events.last().clientId, Client);
    // The password changes before the device collects its tokens: it gets none.
    QVERIFY(m_f->identity->setPassword(id, QStringLiteral("changed-password")));
    m_f->clock.advanceSeconds(5);
    QCOMPARE(m_f->identity->pollDeviceCode(started.deviceCode, Client).error, OAuthError::AuthorizationDeclined);
}

void TestIdentityService::tokensStoredOnlyAsHashes()
{
    const QString id = addAlice();
    const TokenResult issued = m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    const TokenResult rotated = m_f->identity->refresh(issued.refreshToken, Client);
    const DeviceAuthorization device = m_f->identity->startDeviceCode(Client, Scope);
    QVERIFY(issued.ok() && rotated.ok() && device.ok());

    const QStringList secrets{issued.accessToken, issued.refreshToken, rotated.accessToken, rotated.refreshToken,
                              device.deviceCode};
    for (const QString& table : {QStringLiteral("tokens"), QStringLiteral("device_codes"), QStringLiteral("users"),
                                 QStringLiteral("login_throttle")}) {
        const QStringList values = m_f->tableText(table);
        for (const QString& value : values) {
            for (const QString& secret : secrets) {
                QVERIFY2(!value.contains(secret), qPrintable(table));
            }
        }
    }
    const QStringList hashes = m_f->tableText(QStringLiteral("tokens"));
    for (const QString& token : {issued.accessToken, issued.refreshToken, rotated.accessToken, rotated.refreshToken}) {
        QVERIFY(hashes.contains(IdentityFixture::sha256(token)));
    }
    QVERIFY(m_f->tableText(QStringLiteral("device_codes")).contains(IdentityFixture::sha256(device.deviceCode)));
}

void TestIdentityService::purgesExpiredRows()
{
    const QString id = addAlice();
    m_f->identity->issueTokens(id, Client, Scope, startTime(), Timestamp(), {});
    m_f->identity->startDeviceCode(Client, Scope);
    attempt(QStringLiteral("nobody"), BobPassword, QStringLiteral("192.0.2.1"));
    QCOMPARE(m_f->identity->purgeExpired(), 0);

    m_f->clock.advanceSeconds(2 * 3600);
    // The access token and the throttle rows (account + address) go; the refresh token and the
    // device code (kept a day past expiry for a clear expired_token) stay.
    QCOMPARE(m_f->identity->purgeExpired(), 3);
    m_f->clock.advanceSeconds(15 * 24 * 3600);
    QCOMPARE(m_f->identity->purgeExpired(), 2);
    QCOMPARE(m_f->db.scalar(QStringLiteral("SELECT COUNT(*) FROM tokens")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestIdentityService)
#include "TestIdentityService.moc"
