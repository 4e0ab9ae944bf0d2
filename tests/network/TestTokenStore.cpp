// TokenStore against a real Secret Service (ctest runs it in dbus-run-session with an unlocked
// gnome-keyring) and with none reachable (TestTokenStoreNoKeychain: no D-Bus session at all).
// ELEVATE_EXPECT_KEYCHAIN says which world the test is in.
#include "TokenStore.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace Elevate;

namespace {

Profile makeProfile(const QString& name)
{
    Profile p = Profile::elevated(name, QUrl(QStringLiteral("http://127.0.0.1:8400")));
    p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return p;
}

QString load(TokenStore& store, const Profile& p)
{
    std::optional<QString> got;
    store.loadRefreshToken(p, [&got](const QString& t) { got = t; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, 30000)) {
        return QStringLiteral("<timeout>");
    }
    return *got;
}

std::optional<bool> save(TokenStore& store, const Profile& p, const QString& token)
{
    std::optional<bool> persisted;
    store.storeRefreshToken(p, token, [&persisted](bool ok) { persisted = ok; });
    (void)QTest::qWaitFor([&persisted] { return persisted.has_value(); }, 30000);
    return persisted;
}

} // namespace

class TestTokenStore final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void refreshTokensSurviveTheProcessOnlyInTheKeychain();
    void profilesDoNotShareTokens();
    void eraseForgets();
    void accessTokensStayInMemoryAndExpire();

private:
    bool m_keychain = false;
    QString m_service;
};

void TestTokenStore::initTestCase()
{
    m_keychain = qEnvironmentVariable("ELEVATE_EXPECT_KEYCHAIN") == u"1";
    m_service = QStringLiteral("Elevate TestTokenStore ") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    qInfo() << "expecting a keychain:" << m_keychain;
}

void TestTokenStore::refreshTokensSurviveTheProcessOnlyInTheKeychain()
{
    const Profile p = makeProfile(QStringLiteral("home"));
    TokenStore first(m_service);
    QSignalSpy sessionOnly(&first, &TokenStore::sessionOnlyChanged);
    const std::optional<bool> persisted = save(first, p, QStringLiteral("RT-keychain-1"));
    QVERIFY(persisted.has_value());
    QCOMPARE(*persisted, m_keychain);
    QCOMPARE(first.isSessionOnly(), !m_keychain);
    QCOMPARE(sessionOnly.count(), m_keychain ? 0 : 1);
    if (!m_keychain) {
        QVERIFY(!first.keychainError().isEmpty());
    }
    // This process still has it either way.
    QCOMPARE(load(first, p), QStringLiteral("RT-keychain-1"));
    // A new store (as in the next elevatectl run) finds it only in the keychain.
    TokenStore second(m_service);
    QCOMPARE(load(second, p), m_keychain ? QStringLiteral("RT-keychain-1") : QString());
    // Rotation replaces it.
    QCOMPARE(*save(second, p, QStringLiteral("RT-keychain-2")), m_keychain);
    TokenStore third(m_service);
    QCOMPARE(load(third, p), m_keychain ? QStringLiteral("RT-keychain-2") : QString());
}

void TestTokenStore::profilesDoNotShareTokens()
{
    const Profile a = makeProfile(QStringLiteral("a"));
    Profile b = makeProfile(QStringLiteral("a")); // same name, another profile (removed and re-added)
    TokenStore store(m_service);
    QVERIFY(save(store, a, QStringLiteral("RT-a")).has_value());
    QCOMPARE(load(store, b), QString());
    TokenStore other(m_service);
    QCOMPARE(load(other, b), QString());
    QCOMPARE(load(other, a), m_keychain ? QStringLiteral("RT-a") : QString());
}

void TestTokenStore::eraseForgets()
{
    const Profile p = makeProfile(QStringLiteral("gone"));
    TokenStore store(m_service);
    QVERIFY(save(store, p, QStringLiteral("RT-gone")).has_value());
    store.setAccessToken(p, QStringLiteral("AT-gone"), QDateTime::currentDateTimeUtc().addSecs(3600));
    std::optional<bool> erased;
    store.erase(p, [&erased](bool ok) { erased = ok; });
    QTRY_VERIFY(erased.has_value());
    QVERIFY(*erased);
    QCOMPARE(load(store, p), QString());
    QCOMPARE(store.accessToken(p), QString());
    TokenStore fresh(m_service);
    QCOMPARE(load(fresh, p), QString());
    // Erasing what is not there is fine.
    erased.reset();
    fresh.erase(p, [&erased](bool ok) { erased = ok; });
    QTRY_VERIFY(erased.has_value());
    QVERIFY(*erased);
}

void TestTokenStore::accessTokensStayInMemoryAndExpire()
{
    const Profile p = makeProfile(QStringLiteral("mem"));
    TokenStore store(m_service);
    store.setAccessToken(p, QStringLiteral("AT-1"), QDateTime::currentDateTimeUtc().addSecs(3600));
    QCOMPARE(store.accessToken(p), QStringLiteral("AT-1"));
    store.setAccessToken(p, QStringLiteral("AT-2"), QDateTime::currentDateTimeUtc().addSecs(60));
    QCOMPARE(store.accessToken(p), QString()); // inside the 2-minute margin: refresh first
    QCOMPARE(store.accessToken(p, 0), QStringLiteral("AT-2"));
    TokenStore other(m_service);
    QCOMPARE(other.accessToken(p), QString()); // never persisted
}

QTEST_GUILESS_MAIN(TestTokenStore)
#include "TestTokenStore.moc"
