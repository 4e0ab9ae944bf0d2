// MainWindow on its own, with real widgets offscreen: the navigation list and its badges, the
// Ctrl+N pane shortcuts, the banner fed by the panes (actions, "Copy details"), the last pane
// and the geometry remembered across windows, the welcome page without a profile.
#include "ConsoleFixture.h"

#include "MainWindow.h"
#include "MessageBanner.h"
#include "Pane.h"
#include "Panes.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QToolButton>

using namespace Elevate;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ElevateTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestMainWindow"));
        QSettings().clear();
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_workspace = m_fixture.workspace(QStringLiteral("megan"), &error);
        QVERIFY2(m_workspace, qPrintable(error));
    }

    void withoutAWorkspaceTheWelcomePageShows()
    {
        Ui::MainWindow window;
        window.show();
        QVERIFY(window.findChild<QWidget*>(QStringLiteral("welcomePage"))->isVisible());
        QVERIFY(!window.findChild<QListWidget*>(QStringLiteral("navigationList"))->isEnabled());
        QCOMPARE(window.findChild<QLabel*>(QStringLiteral("connectionLabel"))->text(), QStringLiteral("No profile"));
    }

    void everyPaneIsListedAndReachableByKeyboard()
    {
        Ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setWorkspace(m_workspace.get());
        auto* nav = window.findChild<QListWidget*>(QStringLiteral("navigationList"));
        const QList<Ui::Pane*> panes = window.panes();
        QVERIFY(!panes.isEmpty());
        QCOMPARE(nav->count(), panes.size());
        QStringList ids;
        for (int i = 0; i < panes.size(); ++i) {
            QCOMPARE(nav->item(i)->text(), panes.at(i)->title());
            QVERIFY(!panes.at(i)->icon().isNull());
            ids << panes.at(i)->paneId();
        }
        // Each pane id once, and only the known ones.
        const QStringList known{QStringLiteral("roles"), QStringLiteral("approvals"), QStringLiteral("reviews"),
                                QStringLiteral("audit"), QStringLiteral("alerts")};
        for (const QString& id : ids) {
            QVERIFY2(known.contains(id), qPrintable(id));
            QCOMPARE(ids.count(id), 1);
        }
        // Ctrl+2 shows the second pane, Ctrl+1 the first.
        if (panes.size() >= 2) {
            QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
            QCOMPARE(window.currentPane(), panes.at(1));
            QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
            QCOMPARE(window.currentPane(), panes.at(0));
        }
        window.setWorkspace(nullptr);
    }

    void badgesCountAndSpeak()
    {
        Ui::MainWindow window;
        window.setWorkspace(m_workspace.get());
        Ui::Pane* first = window.panes().value(0);
        QVERIFY(first);
        emit first->badgeChanged(7);
        auto* nav = window.findChild<QListWidget*>(QStringLiteral("navigationList"));
        QCOMPARE(nav->item(0)->data(Qt::UserRole + 1).toInt(), 7);
        QVERIFY(nav->item(0)->data(Qt::AccessibleTextRole).toString().contains(QStringLiteral("7")));
        emit first->badgeChanged(0);
        QCOMPARE(nav->item(0)->data(Qt::AccessibleTextRole).toString(), first->title());
        window.setWorkspace(nullptr);
    }

    void aPaneBannerOffersItsActionsAndDetails()
    {
        Ui::MainWindow window;
        window.show();
        window.setWorkspace(m_workspace.get());
        Ui::Pane* first = window.panes().value(0);
        int retried = 0;
        Ui::Banner banner;
        banner.level = Ui::Banner::Level::Error;
        banner.text = QStringLiteral("The server refused the request.");
        banner.details = QStringLiteral("403 Forbidden request-id 1234");
        banner.actions.append({QStringLiteral("Retry"), [&retried] { ++retried; }});
        emit first->bannerRequested(banner);
        Ui::MessageBanner* shown = window.banner();
        QVERIFY(shown->isVisible());
        QCOMPARE(shown->text(), banner.text);
        QTest::mouseClick(shown->findChild<QToolButton*>(QStringLiteral("bannerCopyDetails")), Qt::LeftButton);
        QVERIFY(QApplication::clipboard()->text().contains(QStringLiteral("request-id 1234")));
        QTest::mouseClick(shown->findChild<QPushButton*>(QStringLiteral("bannerAction")), Qt::LeftButton);
        QCOMPARE(retried, 1);
        QVERIFY(!shown->isVisible()); // an action answers the banner

        // A notification shows in the banner too, with its actions.
        Ui::Notification n;
        n.title = QStringLiteral("Global Reader ends in 10 min");
        n.actions.append({QStringLiteral("Extend"), [] {}});
        emit first->notificationRequested(n);
        QVERIFY(shown->isVisible());
        QVERIFY(shown->text().startsWith(n.title));
        QCOMPARE(shown->findChildren<QPushButton*>(QStringLiteral("bannerAction")).size(), 1);
        window.setWorkspace(nullptr);
    }

    void theLastPaneAndGeometryAreRemembered()
    {
        QString last;
        {
            Ui::MainWindow window;
            window.show();
            window.setWorkspace(m_workspace.get());
            QVERIFY(window.panes().size() >= 2);
            last = window.panes().last()->paneId();
            window.showPane(last);
            window.resize(900, 600);
            window.close();
            window.setWorkspace(nullptr);
        }
        Ui::MainWindow again;
        again.setWorkspace(m_workspace.get());
        QCOMPARE(again.currentPane()->paneId(), last);
        QCOMPARE(again.size(), QSize(900, 600));
        again.setWorkspace(nullptr);
    }

private:
    Testing::ConsoleFixture m_fixture;
    std::unique_ptr<Workspace> m_workspace;
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
