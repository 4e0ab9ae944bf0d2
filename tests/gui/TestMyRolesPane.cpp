// My Roles driven through its widgets offscreen, as alex, against an in-process elevated with
// the demo organisation: the activation dialog's live pre-flight, a two-role activation, the
// countdown, and the expiry reminder with its actions.
#include "Questions.h"
#include "ConsoleFixture.h"

#include "ActivateDialog.h"
#include "Engine.h"
#include "MyRolesPane.h"
#include "Session.h"

#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTreeView>

using namespace Elevate;
using namespace Elevate::Testing;
using namespace Elevate::Ui;
using Elevate::Models::MyRolesModel;

namespace {

QModelIndex rowNamed(QTreeView* view, const QString& name)
{
    QAbstractItemModel* model = view->model();
    for (int i = 0; i < model->rowCount(); ++i) {
        const QModelIndex index = model->index(i, MyRolesModel::RoleColumn);
        if (index.data().toString() == name) {
            return index;
        }
    }
    return {};
}

QString cell(QTreeView* view, const QString& role, int column)
{
    const QModelIndex index = rowNamed(view, role);
    return index.isValid() ? index.siblingAtColumn(column).data().toString() : QString();
}

// ELEVATE_SCREENSHOTS=<folder> saves what the user sees at a few steps (for a look at the pane).
void screenshot(QWidget* widget, const QString& name)
{
    const QString folder = qEnvironmentVariable("ELEVATE_SCREENSHOTS");
    if (!folder.isEmpty()) {
        widget->grab().save(folder + u'/' + name + QStringLiteral(".png"));
    }
}

void clickRow(QTreeView* view, const QModelIndex& index, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->visualRect(index).center());
}

} // namespace

class TestMyRolesPane final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ElevateTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestMyRolesPane"));
        QSettings().remove(QStringLiteral("roles"));
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(m_alex, qPrintable(error));
    }

    void activateWithPreflightErrorsThenSuccess()
    {
        MyRolesPane pane(*m_alex);
        pane.resize(1100, 800);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto* view = pane.findChild<QTreeView*>(QStringLiteral("rolesView"));
        QVERIFY(view);
        // The pane pulls in the background; the roles appear without any action.
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 21, 60000);
        auto* activate = pane.findChild<QPushButton*>(QStringLiteral("activateButton"));
        QVERIFY(activate);
        QVERIFY(!activate->isEnabled()); // nothing selected

        // Two roles with a ticket rule, 8 h and 6 h at most.
        clickRow(view, rowNamed(view, QStringLiteral("User Administrator")));
        clickRow(view, rowNamed(view, QStringLiteral("Intune Administrator")), Qt::ControlModifier);
        QCOMPARE(view->selectionModel()->selectedRows().size(), 2);
        QVERIFY(activate->isEnabled());
        QTest::mouseClick(activate, Qt::LeftButton);
        QTRY_VERIFY(pane.activeDialog() != nullptr);
        ActivateDialog* dialog = pane.activeDialog();
        QTRY_VERIFY(dialog->isVisible());

        auto* duration = dialog->findChild<QSpinBox*>(QStringLiteral("durationSpin"));
        auto* justification = dialog->findChild<QLineEdit*>(QStringLiteral("justificationEdit"));
        auto* ticketSystem = dialog->findChild<QLineEdit*>(QStringLiteral("ticketSystemEdit"));
        auto* ticketNumber = dialog->findChild<QLineEdit*>(QStringLiteral("ticketNumberEdit"));
        auto* preflight = dialog->findChild<QLabel*>(QStringLiteral("preflightLabel"));
        auto* ok = dialog->findChild<QPushButton*>(QStringLiteral("activateButton"));
        QVERIFY(duration && justification && ticketSystem && ticketNumber && preflight && ok);
        // Bounded by the smaller maximum (Intune Administrator: 6 h).
        QCOMPARE(duration->maximum(), 6 * 60);
        QVERIFY(ticketSystem->isVisible());
        QVERIFY(ticketNumber->isVisible());

        // The pre-flight says what is missing, and the button waits.
        QVERIFY2(preflight->text().contains(QStringLiteral("Give a justification")), qPrintable(preflight->text()));
        QVERIFY2(preflight->text().contains(QStringLiteral("ticket system and ticket number")),
                 qPrintable(preflight->text()));
        QVERIFY(!ok->isEnabled());
        QCOMPARE(dialog->missing().size(), 2);
        screenshot(dialog, QStringLiteral("activate-missing"));

        QTest::keyClicks(justification, QStringLiteral("Onboard the pilot users and their devices"));
        QVERIFY(!preflight->text().contains(QStringLiteral("Give a justification")));
        QVERIFY(preflight->text().contains(QStringLiteral("ticket system and ticket number")));
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(ticketSystem, QStringLiteral("ServiceNow"));
        QVERIFY(!ok->isEnabled()); // the number is still missing
        QTest::keyClicks(ticketNumber, QStringLiteral("CHG-4242"));
        QVERIFY2(preflight->text().contains(QStringLiteral("Ready to activate")), qPrintable(preflight->text()));
        QVERIFY(ok->isEnabled());
        QVERIFY(dialog->missing().isEmpty());

        duration->setValue(90);
        QTest::mouseClick(ok, Qt::LeftButton);
        auto* result = dialog->findChild<QLabel*>(QStringLiteral("resultLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(result->text().count(QStringLiteral("✔")) == 2, 60000);
        QVERIFY2(result->text().contains(QStringLiteral("User Administrator is active now, until ")),
                 qPrintable(result->text()));
        screenshot(dialog, QStringLiteral("activate-done"));
        QVERIFY(result->text().contains(QStringLiteral("Intune Administrator is active now, until ")));
        QCOMPARE(dialog->findChild<QPushButton*>(QStringLiteral("closeButton"))->text(), QStringLiteral("Close"));
        // The justification is offered next time.
        QCOMPARE(ActivateDialog::recentJustifications().value(0),
                 QStringLiteral("Onboard the pilot users and their devices"));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("closeButton")), Qt::LeftButton);
        QTRY_VERIFY(pane.activeDialog() == nullptr);

        // Both are active now, counting down from 1 h 30 min.
        for (const QString& role : { QStringLiteral("User Administrator"), QStringLiteral("Intune Administrator") }) {
            QTRY_COMPARE_WITH_TIMEOUT(cell(view, role, MyRolesModel::StateColumn), QStringLiteral("Active"), 60000);
            const QString left = cell(view, role, MyRolesModel::TimeLeftColumn);
            QVERIFY2(left == QStringLiteral("1 h 30 min left") || left == QStringLiteral("1 h 29 min left"),
                     qPrintable(left));
        }
        screenshot(&pane, QStringLiteral("roles-pane"));
        // And the server says so.
        Server::Caller admin;
        admin.isAdmin = true;
        admin.userId = QStringLiteral("test-admin");
        const QString alexId = *m_fixture.server().engine().userIdByName(QStringLiteral("alex"));
        const auto active = m_fixture.server().engine().assignments(admin, PimKind::DirectoryRole, alexId, {}, {});
        QVERIFY(active);
        const QModelIndex user = rowNamed(view, QStringLiteral("User Administrator"));
        const QString userRoleId
            = pane.model()->entry(pane.model()->rowOfKey(user.data(MyRolesModel::IdRole).toString())).target.id;
        QVERIFY(std::any_of(active.value().cbegin(), active.value().cend(), [&userRoleId](const ActiveAssignment& a) {
            return a.roleDefinitionId == userRoleId;
        }));

        // The selection now allows deactivation and extension, not activation.
        view->clearSelection();
        clickRow(view, rowNamed(view, QStringLiteral("User Administrator")));
        QVERIFY(!activate->isEnabled());
        QVERIFY(pane.findChild<QPushButton*>(QStringLiteral("deactivateButton"))->isEnabled());
        QVERIFY(pane.findChild<QPushButton*>(QStringLiteral("extendButton"))->isEnabled());
    }

    void reminderTenMinutesBeforeTheEnd()
    {
        MyRolesPane pane(*m_alex);
        pane.show();
        QSignalSpy notified(&pane, &Pane::notificationRequested);
        auto* view = pane.findChild<QTreeView*>(QStringLiteral("rolesView"));
        QTRY_VERIFY(view->model()->rowCount() > 0);
        QTRY_COMPARE(cell(view, QStringLiteral("Exchange Administrator"), MyRolesModel::StateColumn),
                     QStringLiteral("Active"));
        pane.checkReminders();
        QCOMPARE(notified.size(), 0); // hours left

        // 11 minutes before the end of Exchange Administrator (the earliest to end).
        const int row = pane.model()->rowOfKey(
            rowNamed(view, QStringLiteral("Exchange Administrator")).data(MyRolesModel::IdRole).toString());
        const Timestamp end = pane.model()->entry(row).activeEnd();
        pane.model()->setClock([end] { return end.plusSeconds(-11 * 60); });
        pane.checkReminders();
        QCOMPARE(notified.size(), 0);
        pane.model()->setClock([end] { return end.plusSeconds(-9 * 60); });
        pane.checkReminders();
        QCOMPARE(notified.size(), 1);
        const auto n = notified.first().first().value<Notification>();
        QVERIFY2(n.title.contains(QStringLiteral("Exchange Administrator")), qPrintable(n.title));
        QCOMPARE(n.actions.size(), 2);
        QCOMPARE(n.actions.at(0).label, QStringLiteral("Extend"));
        QCOMPARE(n.actions.at(1).label, QStringLiteral("Activate again"));
        // Once per assignment.
        pane.checkReminders();
        QCOMPARE(notified.size(), 1);

        // "Extend" opens the extension dialog for that role.
        n.actions.at(0).run();
        QTRY_VERIFY(pane.activeDialog() != nullptr);
        QCOMPARE(pane.activeDialog()->windowTitle(), QStringLiteral("Extend role"));
        QCOMPARE(pane.activeDialog()->findChild<QLabel*>(QStringLiteral("rolesLabel"))->text(),
                 QStringLiteral("Exchange Administrator"));
        QVERIFY(!pane.activeDialog()->findChild<QWidget*>(QStringLiteral("startAtEdit"))->isVisible());
        QTest::keyClick(pane.activeDialog(), Qt::Key_Escape);
        QTRY_VERIFY(pane.activeDialog() == nullptr);
    }

    void cancelRequestAndDeactivate()
    {
        MyRolesPane pane(*m_alex);
        QList<Banner> banners;
        connect(&pane, &Pane::bannerRequested, this, [&banners](const Banner& b) { banners << b; });
        pane.resize(1100, 800);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto* view = pane.findChild<QTreeView*>(QStringLiteral("rolesView"));
        auto* cancel = pane.findChild<QPushButton*>(QStringLiteral("cancelRequestButton"));
        auto* deactivate = pane.findChild<QPushButton*>(QStringLiteral("deactivateButton"));
        QTRY_VERIFY(view->model()->rowCount() > 0);
        // My own requests come with the approvals pull.
        pane.refresh();
        const QString pra = QStringLiteral("Privileged Role Administrator");
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(view, pra, MyRolesModel::StateColumn), QStringLiteral("Waiting for approval"), 60000);

        clickRow(view, rowNamed(view, pra));
        QVERIFY(cancel->isEnabled());
        QVERIFY(!deactivate->isEnabled());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(cell(view, pra, MyRolesModel::StateColumn), QStringLiteral("Eligible"), 60000);
        QCOMPARE(banners.last().level, Banner::Level::Positive);

        const QString user = QStringLiteral("User Administrator");
        QTRY_COMPARE(cell(view, user, MyRolesModel::StateColumn), QStringLiteral("Active"));
        view->clearSelection();
        clickRow(view, rowNamed(view, user));
        QVERIFY(deactivate->isEnabled());
        QVERIFY(!cancel->isEnabled());
        // Minutes after activating, the server refuses (a minimum active time): the banner says
        // why and the role stays active.
        const int bannersBefore = int(banners.size());
        // First the question, answered Cancel: nothing is sent, nothing changes.
        QTest::mouseClick(deactivate, Qt::LeftButton);
        QMessageBox* question = openQuestion(&pane, QStringLiteral("confirmDeactivate"));
        QVERIFY(question);
        QCOMPARE(question->text(), QStringLiteral("Deactivate %1 now?").arg(user));
        QCOMPARE(question->defaultButton(), question->button(QMessageBox::Cancel));
        QVERIFY(answerQuestion(&pane, QStringLiteral("confirmDeactivate"), false));
        QTest::qWait(300);
        QCOMPARE(int(banners.size()), bannersBefore);
        QCOMPARE(cell(view, user, MyRolesModel::StateColumn), QStringLiteral("Active"));
        QVERIFY(deactivate->isEnabled());

        QSignalSpy pulled(m_alex->engine(), &SyncEngine::collectionSynced);
        QTest::mouseClick(deactivate, Qt::LeftButton);
        QVERIFY(answerQuestion(&pane, QStringLiteral("confirmDeactivate"), true));
        QTRY_COMPARE_WITH_TIMEOUT(int(banners.size()), bannersBefore + 1, 60000);
        QCOMPARE(banners.last().level, Banner::Level::Error);
        QVERIFY(!banners.last().text.isEmpty());
        QVERIFY2(banners.last().text.startsWith(user), qPrintable(banners.last().text));
        QCOMPARE(cell(view, user, MyRolesModel::StateColumn), QStringLiteral("Active"));
        QTRY_VERIFY(deactivate->isEnabled());

        // The pulls after the refusal have landed (the pane asks for My Roles and my requests).
        QTRY_VERIFY_WITH_TIMEOUT(pulled.size() >= 2, 60000);
        m_fixture.server().engine().setMinimumActiveSeconds(0);
        QVERIFY(deactivate->isEnabled());
        QTest::mouseClick(deactivate, Qt::LeftButton);
        QVERIFY(answerQuestion(&pane, QStringLiteral("confirmDeactivate"), true));
        QTRY_COMPARE_WITH_TIMEOUT(int(banners.size()), bannersBefore + 2, 60000);
        QVERIFY2(banners.last().level == Banner::Level::Positive, qPrintable(banners.last().text + banners.last().details));
        QTRY_COMPARE_WITH_TIMEOUT(cell(view, user, MyRolesModel::StateColumn), QStringLiteral("Eligible"), 60000);
        QCOMPARE(banners.last().level, Banner::Level::Positive);
        QCOMPARE(banners.last().text, QStringLiteral("User Administrator is deactivated."));
        QCOMPARE(cell(view, user, MyRolesModel::TimeLeftColumn), QString());
    }

    void offlineShowsTheCacheWithItsAge()
    {
        // alex's profile, its cache filled, then opened again against a server that is gone.
        Profile profile = m_fixture.profileFor(QStringLiteral("alex"));
        WorkspaceOptions options;
        options.dataDir = m_fixture.dataDir();
        options.tokensInMemoryOnly = true;
        {
            Workspace online(m_fixture.nam(), profile, options);
            ConsoleFixture::signInAsPersona(online, QStringLiteral("alex"));
            QString problem;
            QVERIFY2(online.openStorage(false, &problem), qPrintable(problem));
            std::optional<AuthResult> signedIn;
            online.credentials().signIn(QString(), [&signedIn](const AuthResult& r) { signedIn = r; });
            QTRY_VERIFY_WITH_TIMEOUT(signedIn.has_value(), 30000);
            QVERIFY(signedIn->ok());
            std::optional<QString> pulled;
            online.engine()->syncNow(SyncCollection::MyRoles, [&pulled](const QString& e) { pulled = e; });
            QTRY_VERIFY_WITH_TIMEOUT(pulled.has_value(), 60000);
            QCOMPARE(*pulled, QString());
        }
        const QString id = profile.id;
        profile = Profile::elevated(
            QStringLiteral("alex"), QUrl(QStringLiteral("http://127.0.0.1:9")), QStringLiteral("elevate-tests"));
        profile.id = id;
        Workspace gone(m_fixture.nam(), profile, options);
        QString problem;
        QVERIFY2(gone.openStorage(false, &problem), qPrintable(problem));

        MyRolesPane pane(gone);
        pane.show();
        auto* view = pane.findChild<QTreeView*>(QStringLiteral("rolesView"));
        auto* status = pane.findChild<QLabel*>(QStringLiteral("statusLabel"));
        // The cache at once, without the server.
        QCOMPARE(view->model()->rowCount(), 21);
        pane.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(gone.engine()->state() != ConnectionState::Online, 60000);
        QTRY_VERIFY2(status->text().contains(QStringLiteral("showing your roles as of ")), qPrintable(status->text()));
        QVERIFY2(status->text().contains(QStringLiteral("(just now)")), qPrintable(status->text()));
        screenshot(&pane, QStringLiteral("roles-offline"));
    }

    void cleanupTestCase() { m_alex.reset(); }

private:
    using ConsoleFixture = Testing::ConsoleFixture;
    ConsoleFixture m_fixture;
    std::unique_ptr<Workspace> m_alex;
};

QTEST_MAIN(TestMyRolesPane)
#include "TestMyRolesPane.moc"
