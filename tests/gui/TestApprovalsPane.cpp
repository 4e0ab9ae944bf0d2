// Pending Approvals driven through its widgets offscreen, as megan, against an in-process
// elevated with the demo organisation: select two waiting requests, see the reason required,
// approve both; they leave the list, the badge follows, and the server has them provisioned.
// A request arriving later is announced.
#include "ConsoleFixture.h"

#include "ApprovalsPane.h"
#include "Engine.h"
#include "Session.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeView>

using namespace Elevate;
using namespace Elevate::Ui;
using Elevate::Models::ApprovalsModel;

namespace {

// ELEVATE_SCREENSHOTS=<folder> saves what the user sees at a few steps (for a look at the pane).
void screenshot(QWidget* widget, const QString& name)
{
    const QString folder = qEnvironmentVariable("ELEVATE_SCREENSHOTS");
    if (!folder.isEmpty()) {
        widget->grab().save(folder + u'/' + name + QStringLiteral(".png"));
    }
}

void clickRow(QTreeView* view, int row, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    const QModelIndex index = view->model()->index(row, 0);
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->visualRect(index).center());
}

} // namespace

class TestApprovalsPane final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_megan = m_fixture.workspace(QStringLiteral("megan"), &error);
        QVERIFY2(m_megan, qPrintable(error));
    }

    void approveTwoRequests()
    {
        ApprovalsPane pane(*m_megan);
        QList<int> badges;
        connect(&pane, &Pane::badgeChanged, this, [&badges](int n) { badges << n; });
        QList<Banner> banners;
        connect(&pane, &Pane::bannerRequested, this, [&banners](const Banner& b) { banners << b; });
        QList<Notification> notifications;
        connect(
            &pane, &Pane::notificationRequested, this, [&notifications](const Notification& n) { notifications << n; });
        pane.resize(1200, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));

        auto* view = pane.findChild<QTreeView*>(QStringLiteral("approvalsView"));
        auto* reason = pane.findChild<QLineEdit*>(QStringLiteral("reasonEdit"));
        auto* approve = pane.findChild<QPushButton*>(QStringLiteral("approveButton"));
        auto* deny = pane.findChild<QPushButton*>(QStringLiteral("denyButton"));
        auto* hint = pane.findChild<QLabel*>(QStringLiteral("reasonHint"));
        QVERIFY(view && reason && approve && deny && hint);
        // The demo's four requests arrive from the background pull; the badge counts them.
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 4, 60000);
        QCOMPARE(badges.last(), 4);
        QVERIFY(notifications.isEmpty()); // the first pull is not news
        QVERIFY(!approve->isEnabled());

        clickRow(view, 0);
        clickRow(view, 1, Qt::ControlModifier);
        QCOMPARE(view->selectionModel()->selectedRows().size(), 2);
        const QString first = view->model()->index(0, 0).data(ApprovalsModel::IdRole).toString();
        const QString second = view->model()->index(1, 0).data(ApprovalsModel::IdRole).toString();
        // The policy asks approvers for a reason: the buttons wait for one.
        QVERIFY(!approve->isEnabled());
        QVERIFY(!deny->isEnabled());
        QVERIFY2(hint->text().contains(QStringLiteral("reason")), qPrintable(hint->text()));
        screenshot(&pane, QStringLiteral("approvals-reason-missing"));
        QTest::keyClicks(reason, QStringLiteral("Planned work, tickets checked"));
        QVERIFY(approve->isEnabled());
        QVERIFY(deny->isEnabled());
        QTest::mouseClick(approve, Qt::LeftButton);

        // Both leave the list, the badge follows, the banner says so.
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, 60000);
        QTRY_COMPARE(badges.last(), 2);
        QVERIFY(!banners.isEmpty());
        QCOMPARE(banners.first().level, Banner::Level::Positive);
        QCOMPARE(banners.first().text, QStringLiteral("2 requests approved."));
        QVERIFY(reason->text().isEmpty());
        for (int i = 0; i < view->model()->rowCount(); ++i) {
            const QString id = view->model()->index(i, 0).data(ApprovalsModel::IdRole).toString();
            QVERIFY(id != first && id != second);
        }

        // The server has them provisioned (one approver, one stage each).
        Server::Caller admin;
        admin.isAdmin = true;
        admin.userId = QStringLiteral("test-admin");
        for (const QString& id : { first, second }) {
            const auto r = m_fixture.server().engine().request(admin, PimKind::DirectoryRole, id, {});
            QVERIFY(r);
            QCOMPARE(r.value().status, RequestStatus::Provisioned);
        }

        // A new request for megan is announced once it is pulled.
        QString error;
        std::unique_ptr<Workspace> alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(alex, qPrintable(error));
        ActivationRequest request;
        request.roles = { QStringLiteral("Security Administrator") };
        request.duration = IsoDuration::fromHours(1);
        request.justification = QStringLiteral("Check the new alert rules");
        request.ticket = { QStringLiteral("CHG-5150"), QStringLiteral("ServiceNow") };
        std::optional<SessionReply<QList<ActivationOutcome>>> asked;
        alex->session().activate(request, [&asked](const SessionReply<QList<ActivationOutcome>>& r) { asked = r; });
        QTRY_VERIFY_WITH_TIMEOUT(asked.has_value(), 60000);
        QVERIFY2(asked->ok(), qPrintable(asked->message));
        pane.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 3, 60000);
        QCOMPARE(badges.last(), 3);
        QCOMPARE(notifications.size(), 1);
        QCOMPARE(notifications.first().title, QStringLiteral("New request from Alex Wilber"));
        QVERIFY(notifications.first().text.contains(QStringLiteral("Check the new alert rules")));
        // Its "Review" action selects it.
        view->clearSelection();
        notifications.first().actions.first().run();
        QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(view->selectionModel()->selectedRows().first().data(ApprovalsModel::IdRole).toString(),
                 asked->value.first().request->id);
    }

    void cleanupTestCase() { m_megan.reset(); }

private:
    using ConsoleFixture = Testing::ConsoleFixture;
    ConsoleFixture m_fixture;
    std::unique_ptr<Workspace> m_megan;
};

QTEST_MAIN(TestApprovalsPane)
#include "TestApprovalsPane.moc"
