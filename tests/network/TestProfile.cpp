// Profile (clouds, URL rules) and ProfileStore (QSettings, several profiles, the current one).
#include "Profile.h"
#include "ProfileStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;

class TestProfile final : public QObject
{
    Q_OBJECT

private slots:
    void clouds_data();
    void clouds();
    void httpOnlyOnLoopback_data();
    void httpOnlyOnLoopback();
    void endpoints();
    void names();
    void storeKeepsSeveralProfiles();
    void storeRefusesInvalidProfiles();
    void removingTheCurrentPicksAnother();
};

void TestProfile::clouds_data()
{
    QTest::addColumn<QString>("cloud");
    QTest::addColumn<QString>("authority");
    QTest::addColumn<QString>("graph");
    QTest::newRow("global") << QStringLiteral("global") << QStringLiteral("https://login.microsoftonline.com")
                            << QStringLiteral("https://graph.microsoft.com");
    QTest::newRow("usgov") << QStringLiteral("usgov") << QStringLiteral("https://login.microsoftonline.us")
                           << QStringLiteral("https://graph.microsoft.us");
    QTest::newRow("usgov-dod") << QStringLiteral("USGov-DoD") << QStringLiteral("https://login.microsoftonline.us")
                               << QStringLiteral("https://dod-graph.microsoft.us");
    QTest::newRow("china") << QStringLiteral("china") << QStringLiteral("https://login.chinacloudapi.cn")
                           << QStringLiteral("https://microsoftgraph.chinacloudapi.cn");
}

void TestProfile::clouds()
{
    QFETCH(QString, cloud);
    QFETCH(QString, authority);
    QFETCH(QString, graph);
    const std::optional<EntraCloud> c = Profile::parseCloud(cloud);
    QVERIFY(c.has_value());
    const Profile p = Profile::entra(QStringLiteral("work"), QStringLiteral("contoso.onmicrosoft.com"), *c);
    QCOMPARE(p.kind, Profile::Kind::Entra);
    QCOMPARE(p.authority.toString(), authority);
    QCOMPARE(p.graph.toString(), graph);
    QCOMPARE(p.clientId, Profile::defaultEntraClientId());
    QVERIFY(p.validate().isEmpty());
    // Scope URIs carry the cloud's Graph host: tokens are not portable between clouds.
    QVERIFY(p.scopes.contains(QStringLiteral("offline_access")));
    QVERIFY(p.scopes.contains(graph + QStringLiteral("/RoleAssignmentSchedule.ReadWrite.Directory")));
    for (const QString& s : p.scopes) {
        QVERIFY2(!s.contains(u'/') || s.startsWith(graph + u'/'), qPrintable(s));
    }
    QVERIFY(!Profile::parseCloud(u"mars"));
}

void TestProfile::httpOnlyOnLoopback_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("https") << QStringLiteral("https://pim.example.org") << true;
    QTest::newRow("https with path") << QStringLiteral("https://example.org/pim") << true;
    QTest::newRow("http loopback v4") << QStringLiteral("http://127.0.0.1:8400") << true;
    QTest::newRow("http loopback 127.8") << QStringLiteral("http://127.8.0.1:8400") << true;
    QTest::newRow("http loopback v6") << QStringLiteral("http://[::1]:8400") << true;
    QTest::newRow("http localhost") << QStringLiteral("http://localhost:8400") << true;
    QTest::newRow("http lan") << QStringLiteral("http://192.168.1.10:8400") << false;
    QTest::newRow("http name") << QStringLiteral("http://pim.example.org") << false;
    QTest::newRow("http lookalike") << QStringLiteral("http://127.0.0.1.evil.example") << false;
    QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1") << false;
    QTest::newRow("userinfo") << QStringLiteral("https://user:pw@example.org") << false;
    QTest::newRow("query") << QStringLiteral("https://example.org/?x=1") << false;
    QTest::newRow("no host") << QStringLiteral("https://") << false;
}

void TestProfile::httpOnlyOnLoopback()
{
    QFETCH(QString, url);
    QFETCH(bool, accepted);
    QCOMPARE(Profile::isAcceptableEndpoint(QUrl(url)), accepted);
    const Profile p = Profile::elevated(QStringLiteral("home"), QUrl(url));
    QCOMPARE(p.validate().isEmpty(), accepted);
}

void TestProfile::endpoints()
{
    Profile p = Profile::elevated(QStringLiteral("home"), QUrl(QStringLiteral("http://127.0.0.1:8400/")));
    QCOMPARE(p.oauthEndpoint(u"token").toString(), QStringLiteral("http://127.0.0.1:8400/organizations/oauth2/v2.0/token"));
    QCOMPARE(p.graphUrl(QStringLiteral("/v1.0/me")).toString(), QStringLiteral("http://127.0.0.1:8400/v1.0/me"));
    p = Profile::entra(QStringLiteral("gov"), QStringLiteral("72f988bf-86f1-41af-91ab-2d7cd011db47"), EntraCloud::UsGov);
    QCOMPARE(p.oauthEndpoint(u"devicecode").toString(),
             QStringLiteral("https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/devicecode"));
    const QUrl filtered = p.graphUrl(QStringLiteral("/v1.0/x?$filter=status%20eq%20'a%2Bb'"));
    QCOMPARE(filtered.toString(QUrl::FullyEncoded), QStringLiteral("https://graph.microsoft.us/v1.0/x?$filter=status%20eq%20'a%2Bb'"));
}

void TestProfile::names()
{
    QVERIFY(Profile::isValidName(QStringLiteral("work-prod_2.eu")));
    QVERIFY(!Profile::isValidName(QString()));
    QVERIFY(!Profile::isValidName(QStringLiteral("a/b")));
    QVERIFY(!Profile::isValidName(QStringLiteral("-flag")));
    QVERIFY(!Profile::isValidName(QStringLiteral("with space")));
    QVERIFY(!Profile::isValidName(QString(65, u'a')));
}

void TestProfile::storeKeepsSeveralProfiles()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.conf"));
    {
        ProfileStore store(file);
        QVERIFY(store.profiles().isEmpty());
        QVERIFY(store.currentName().isEmpty());
        QVERIFY(store.save(Profile::elevated(QStringLiteral("home"), QUrl(QStringLiteral("http://127.0.0.1:8400")))));
        Profile work = Profile::entra(QStringLiteral("work"), QStringLiteral("contoso.com"), EntraCloud::China,
                                      QStringLiteral("my-client"));
        QVERIFY(store.save(work));
        QCOMPARE(store.currentName(), QStringLiteral("home")); // the first one saved
        QVERIFY(store.setCurrent(QStringLiteral("work")));
        QVERIFY(!store.setCurrent(QStringLiteral("nope")));
    }
    ProfileStore again(file);
    const QList<Profile> all = again.profiles();
    QCOMPARE(all.size(), 2);
    QCOMPARE(again.currentName(), QStringLiteral("work"));
    const Profile work = *again.profile(QStringLiteral("work"));
    QCOMPARE(work.kind, Profile::Kind::Entra);
    QCOMPARE(work.clientId, QStringLiteral("my-client"));
    QCOMPARE(work.graph.toString(), QStringLiteral("https://microsoftgraph.chinacloudapi.cn"));
    QCOMPARE(work.cloud, QStringLiteral("china"));
    QCOMPARE(work.scopes, Profile::entraScopes(work.graph));
    QVERIFY(!work.id.isEmpty());
    QVERIFY(work.id != again.profile(QStringLiteral("home"))->id);
    // Re-saving keeps the id (and so the keychain entry).
    const QString id = work.id;
    Profile changed = work;
    changed.id.clear();
    changed.clientId = QStringLiteral("other");
    QVERIFY(again.save(changed));
    QCOMPARE(again.profile(QStringLiteral("work"))->id, id);
    // No token-shaped keys in the file.
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll().toLower();
    QVERIFY(!text.contains("token"));
}

void TestProfile::storeRefusesInvalidProfiles()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.conf")));
    QString error;
    QVERIFY(!store.save(Profile::elevated(QStringLiteral("lan"), QUrl(QStringLiteral("http://10.0.0.5:8400"))), &error));
    QVERIFY2(error.contains(QStringLiteral("https")), qPrintable(error));
    QVERIFY(!store.save(Profile::elevated(QStringLiteral("bad name"), QUrl(QStringLiteral("https://x.example"))), &error));
    QVERIFY(store.profiles().isEmpty());
}

void TestProfile::removingTheCurrentPicksAnother()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.conf")));
    QVERIFY(store.save(Profile::elevated(QStringLiteral("a"), QUrl(QStringLiteral("https://a.example")))));
    QVERIFY(store.save(Profile::elevated(QStringLiteral("b"), QUrl(QStringLiteral("https://b.example")))));
    QCOMPARE(store.currentName(), QStringLiteral("a"));
    QVERIFY(store.remove(QStringLiteral("a")));
    QCOMPARE(store.currentName(), QStringLiteral("b"));
    QVERIFY(!store.remove(QStringLiteral("a")));
    QVERIFY(store.remove(QStringLiteral("b")));
    QVERIFY(store.currentName().isEmpty());
}

QTEST_GUILESS_MAIN(TestProfile)
#include "TestProfile.moc"
