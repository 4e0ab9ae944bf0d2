// The console's shell, with real widgets offscreen: `elevate --demo` (the embedded elevated,
// the persona sign-in, the persona switch), the profile dialog, and the sign-in dialog's device
// code against a real elevated.
#include "ConsoleFixture.h"

#include "../e2e/ApiClient.h"
#include "CacheDatabase.h"
#include "ProfileStore.h"
#include "Console.h"
#include "DemoSeed.h"
#include "MainWindow.h"
#include "MessageBanner.h"
#include "ProfileDialog.h"
#include "SignInDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrlQuery>

using namespace Elevate;

class TestConsoleShell final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ElevateTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestConsoleShell"));
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
    }

    void demoSignsInThePersonaAndSwitches()
    {
        Console::Options options;
        options.demo = true;
        Console console(options);
        QSignalSpy ready(&console, &Console::demoReady);
        console.start();
        QVERIFY(ready.wait(60000));
        QCOMPARE(ready.first().first().toString(), QString());
        QVERIFY(console.workspace());
        QCOMPARE(console.workspace()->profile().name, QStringLiteral("demo-alex"));
        auto* state = console.window().findChild<QLabel*>(QStringLiteral("connectionLabel"));
        QVERIFY(state);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Online"), 30000);
        auto* synced = console.window().findChild<QLabel*>(QStringLiteral("syncedLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(synced->text().startsWith(QStringLiteral("Synced")), 30000);

        // The persona switch: another person's workspace and cache, signed in at once.
        auto* personas = console.window().findChild<QComboBox*>(QStringLiteral("personaCombo"));
        QVERIFY(personas);
        QCOMPARE(personas->count(), Server::DemoSeed::personas().size());
        const int megan = personas->findData(QStringLiteral("megan"));
        QVERIFY(megan >= 0);
        QSignalSpy changed(&console, &Console::workspaceChanged);
        personas->setCurrentIndex(megan);
        emit personas->activated(megan);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(console.workspace()->profile().name, QStringLiteral("demo-megan"));
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Online"), 30000);
    }

    void withoutProfilesTheWindowSaysWhatToDo()
    {
        QTemporaryDir dir;
        Console::Options options;
        options.profilesFile = dir.filePath(QStringLiteral("profiles.ini"));
        options.dataDir = dir.path();
        Console console(options);
        console.start();
        QCOMPARE(console.workspace(), nullptr);
        auto* welcome = console.window().findChild<QWidget*>(QStringLiteral("welcomePage"));
        QVERIFY(welcome && welcome->isVisible());
        QVERIFY(console.window().findChild<QPushButton*>(QStringLiteral("welcomeAddProfileButton")));
    }

    // A cache damaged inside (only PRAGMA quick_check sees it) opens at once; the background
    // check finds the damage and the console rebuilds it, the outbox untouched.
    void aDamagedCacheIsRebuiltInTheBackground()
    {
        QTemporaryDir dir;
        Profile profile = m_fixture.profileFor(QStringLiteral("diego"));
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        QVERIFY(store.save(profile));
        QVERIFY(store.setCurrent(profile.name));
        WorkspaceOptions options;
        options.dataDir = dir.path();
        options.tokensInMemoryOnly = true;
        const QString folder = Workspace::storageFolder(options, profile);
        {
            Workspace ws(m_fixture.nam(), profile, options);
            Testing::ConsoleFixture::signInAsPersona(ws, QStringLiteral("diego"));
            QString problem;
            QVERIFY2(ws.openStorage(false, &problem), qPrintable(problem));
            std::optional<AuthResult> signedIn;
            ws.credentials().signIn(QString(), [&](const AuthResult& r) { signedIn = r; });
            QTRY_VERIFY_WITH_TIMEOUT(signedIn.has_value(), 30000);
            QVERIFY(signedIn->ok());
            Testing::ConsoleFixture::syncAll(ws);
        }
        const QString cachePath = folder + QStringLiteral("/cache.sqlite");
        QVERIFY(QFileInfo(cachePath).size() > 8 * 4096);
        {
            // Scribble over the pages of the second half (table rows), leaving the header and
            // the schema intact: opening succeeds, only quick_check sees it.
            QFile file(cachePath);
            QVERIFY(file.open(QIODevice::ReadWrite));
            for (qint64 page = file.size() / 4096 / 2; page * 4096 < file.size(); ++page) {
                QVERIFY(file.seek(page * 4096 + 8));
                file.write(QByteArray(64, '\x5a'));
            }
        }
        QVERIFY(Cache::CacheDatabase::check(cachePath).isCorrupt());

        Console::Options consoleOptions;
        consoleOptions.profilesFile = dir.filePath(QStringLiteral("profiles.ini"));
        consoleOptions.dataDir = dir.path();
        Console console(consoleOptions);
        QSignalSpy changed(&console, &Console::workspaceChanged);
        console.start();
        QCOMPARE(changed.size(), 1);
        QVERIFY(!console.workspace()->cacheWasRebuilt());
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, 30000);
        QVERIFY(console.workspace()->cacheWasRebuilt());
        QCOMPARE(Cache::CacheDatabase::check(cachePath).status, Cache::Integrity::Status::Ok);
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/outbox.sqlite")));
    }

    void profileDialogExplainsWhatIsMissing()
    {
        Ui::ProfileDialog dialog({QStringLiteral("contoso")});
        auto* ok = dialog.findChild<QPushButton*>(QStringLiteral("addProfileButton"));
        auto* name = dialog.findChild<QLineEdit*>(QStringLiteral("profileNameEdit"));
        auto* tenant = dialog.findChild<QLineEdit*>(QStringLiteral("tenantEdit"));
        auto* problem = dialog.findChild<QLabel*>(QStringLiteral("profileProblemLabel"));
        QVERIFY(ok && name && tenant && problem);
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(name, QStringLiteral("contoso"));
        QVERIFY(problem->text().contains(QStringLiteral("already")));
        name->clear();
        QTest::keyClicks(name, QStringLiteral("fabrikam"));
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(tenant, QStringLiteral("fabrikam.onmicrosoft.com"));
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.profile().kind, Profile::Kind::Entra);
        QCOMPARE(dialog.profile().tenant, QStringLiteral("fabrikam.onmicrosoft.com"));

        // A self-hosted server: https only, except on this machine.
        dialog.findChild<QRadioButton*>(QStringLiteral("elevatedRadio"))->setChecked(true);
        auto* url = dialog.findChild<QLineEdit*>(QStringLiteral("serverUrlEdit"));
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(url, QStringLiteral("http://pim.example.org"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(problem->text().contains(QStringLiteral("https://")));
        url->clear();
        QTest::keyClicks(url, QStringLiteral("https://pim.example.org"));
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.profile().graph, QUrl(QStringLiteral("https://pim.example.org")));
    }

    void signInDialogShowsACodeToCopy()
    {
        QString error;
        std::unique_ptr<Workspace> ws = m_fixture.workspace(QStringLiteral("diego"), &error, false);
        QVERIFY2(ws, qPrintable(error));
        Ui::SignInDialog dialog(ws->authority(), QString());
        std::optional<AuthResult> result;
        dialog.start(Ui::SignInDialog::Method::DeviceCode, [&result](const AuthResult& r) { result = r; });
        auto* code = dialog.findChild<QLineEdit*>(QStringLiteral("userCodeEdit"));
        QVERIFY(code);
        QTRY_VERIFY_WITH_TIMEOUT(!code->text().isEmpty(), 15000);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("copyCodeButton")), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), code->text());

        // The user enters the code on the verification page.
        ApiClient api(m_fixture.server().baseUrl());
        QUrlQuery approve;
        approve.addQueryItem(QStringLiteral("user_code"), code->text());
        approve.addQueryItem(QStringLiteral("username"), QStringLiteral("diego"));
        approve.addQueryItem(QStringLiteral("password"), QString::fromLatin1(Server::DemoSeed::Password));
        approve.addQueryItem(QStringLiteral("action"), QStringLiteral("approve"));
        QCOMPARE(api.form(QStringLiteral("/organizations/oauth2/v2.0/deviceauth"), approve).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
        QVERIFY(result->ok());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void cancellingTheSignInAnswersOnce()
    {
        QString error;
        std::unique_ptr<Workspace> ws = m_fixture.workspace(QStringLiteral("isaiah"), &error, false);
        QVERIFY2(ws, qPrintable(error));
        Ui::SignInDialog dialog(ws->authority(), QString());
        int answers = 0;
        AuthResult last;
        dialog.start(Ui::SignInDialog::Method::DeviceCode, [&](const AuthResult& r) {
            ++answers;
            last = r;
        });
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.userCode().isEmpty(), 15000);
        dialog.reject();
        QTRY_COMPARE(answers, 1);
        QCOMPARE(last.kind, AuthErrorKind::Canceled);
        QTest::qWait(200);
        QCOMPARE(answers, 1);
    }

private:
    using ConsoleFixture = Testing::ConsoleFixture;
    ConsoleFixture m_fixture;
};

QTEST_MAIN(TestConsoleShell)
#include "TestConsoleShell.moc"
