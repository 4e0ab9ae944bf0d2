// The Alerts pane against a real in-process elevated (demo organisation): the requester alex
// starts with no alert; an administrator then assigns him Global Administrator permanently on
// the server, the next pull brings the assignment into his cache and the pane shows the alert
// by itself, with alex among the affected people and what to do.
#include "AsyncWait.h"
#include "ConsoleFixture.h"

#include "AlertsModel.h"
#include "AlertsPane.h"
#include "Caller.h"
#include "Database.h"
#include "Engine.h"
#include "EntityRepository.h"
#include "SyncEngine.h"

#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QTreeView>

using namespace Elevate;
using namespace Elevate::Ui;
using Models::Alert;
using Models::AlertsModel;
using Testing::ConsoleFixture;
using Testing::synced;

namespace {

const QString GlobalAdmin = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");

int rowOfKind(QTreeView* view, Alert::Kind kind)
{
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        if (view->model()->index(row, 0).data(AlertsModel::KindRole).toInt() == int(kind)) {
            return row;
        }
    }
    return -1;
}

} // namespace

class TestAlertsPane final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
    }

    void permanentGlobalAdministratorAppearsWithWhatToDo()
    {
        QString error;
        std::unique_ptr<Workspace> alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(alex, qPrintable(error));
        ConsoleFixture::syncAll(*alex); // alex is no auditor: the audit pull fails, the rest comes

        AlertsPane pane(*alex);
        pane.resize(1000, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QCOMPARE(pane.objectName(), QStringLiteral("alertsPane"));
        auto* view = pane.findChild<QTreeView*>(QStringLiteral("alertsView"));
        auto* details = pane.findChild<QTextBrowser*>(QStringLiteral("alertDetails"));
        auto* limits = pane.findChild<QLabel*>(QStringLiteral("alertsLimitationsLabel"));
        QVERIFY(view && details && limits);
        QCOMPARE(rowOfKind(view, Alert::Kind::PermanentPrivilegedAssignment), -1);
        // What the requester's cache cannot show is said.
        QVERIFY2(limits->text().contains(QStringLiteral("audit archive")), qPrintable(limits->text()));
        QSignalSpy badges(&pane, &Pane::badgeChanged);

        // An administrator assigns alex Global Administrator with no end.
        const QString alexName = userColumn("alex", "display_name");
        QCOMPARE(assignGlobalAdministratorPermanently("alex", QStringLiteral("Break-glass account")), QString());

        // The next pull of My Roles: the pane re-reads on its own.
        std::optional<QString> pulled;
        alex->engine()->syncNow(SyncCollection::MyRoles, [&pulled](const QString& e) { pulled = e; });
        QTRY_VERIFY_WITH_TIMEOUT(pulled.has_value(), 60000);
        QCOMPARE(*pulled, QString());
        const int row = rowOfKind(view, Alert::Kind::PermanentPrivilegedAssignment);
        QVERIFY(row >= 0);
        QCOMPARE(view->model()->index(row, AlertsModel::AlertColumn).data().toString(),
                 QStringLiteral("Global Administrator is assigned permanently"));
        QCOMPARE(view->model()->index(row, AlertsModel::SeverityColumn).data().toString(), QStringLiteral("High"));
        QCOMPARE(view->model()->index(row, AlertsModel::AffectedColumn).data().toString(), QStringLiteral("1 person"));
        QVERIFY(!badges.isEmpty());
        QCOMPARE(badges.last().at(0).toInt(), view->model()->rowCount());

        // Chosen: the details name alex and say what to do.
        const QModelIndex index = view->model()->index(row, 0);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
        const QString text = details->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Affected people")) && text.contains(alexName), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("What to do")) && text.contains(QStringLiteral("eligible")), qPrintable(text));
    }

    void administratorSeesTheWholeOrganisation()
    {
        QString error;
        // A requester may not list everyone's roles: a quiet 403, nothing stored.
        std::unique_ptr<Workspace> alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(alex, qPrintable(error));
        QCOMPARE(synced(*alex->engine(), SyncCollection::Organisation), QString());
        QVERIFY(alex->engine()->organisationRefused());
        QVERIFY(Cache::EligibilityRepository(*alex->cache()).all(QStringLiteral("organisation")).isEmpty());

        // An administrator assigns diego Global Administrator with no end; adele's alerts name him
        // although it is not her role.
        QCOMPARE(assignGlobalAdministratorPermanently("diego", QStringLiteral("Vendor escalation")), QString());
        const QString diegoName = userColumn("diego", "display_name");

        std::unique_ptr<Workspace> adele = m_fixture.workspace(QStringLiteral("adele"), &error);
        QVERIFY2(adele, qPrintable(error));
        QCOMPARE(synced(*adele->engine(), SyncCollection::MyRoles), QString());
        QCOMPARE(synced(*adele->engine(), SyncCollection::Organisation), QString());
        QVERIFY(!adele->engine()->organisationRefused());
        QSet<QString> people;
        for (const Eligibility& e : Cache::EligibilityRepository(*adele->cache()).all(QStringLiteral("organisation"))) {
            people.insert(e.principalId);
        }
        QVERIFY2(people.size() > 5, qPrintable(QString::number(people.size())));
        QVERIFY(!Cache::PolicyRepository(*adele->cache()).all(QStringLiteral("organisation")).isEmpty());

        AlertsPane pane(*adele);
        pane.resize(1000, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto* view = pane.findChild<QTreeView*>(QStringLiteral("alertsView"));
        auto* details = pane.findChild<QTextBrowser*>(QStringLiteral("alertDetails"));
        auto* limits = pane.findChild<QLabel*>(QStringLiteral("alertsLimitationsLabel"));
        QVERIFY(view && details && limits);
        QVERIFY2(!limits->text().contains(QStringLiteral("Only your own roles")), qPrintable(limits->text()));
        const int row = rowOfKind(view, Alert::Kind::PermanentPrivilegedAssignment);
        QVERIFY(row >= 0);
        const QModelIndex index = view->model()->index(row, 0);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
        QVERIFY2(details->toPlainText().contains(diegoName), qPrintable(details->toPlainText()));
    }

private:
    QString userColumn(const char* userName, const char* column)
    {
        return m_fixture.server()
            .database()
            .scalar(QStringLiteral("SELECT %1 FROM users WHERE user_name = ?").arg(QLatin1String(column)),
                    {QString::fromLatin1(userName)})
            .toString();
    }

    // adele (an administrator) assigns `userName` Global Administrator with no end, on the
    // server directly; the engine's error, or empty.
    QString assignGlobalAdministratorPermanently(const char* userName, const QString& justification)
    {
        Server::Caller admin;
        admin.userId = userColumn("adele", "id");
        admin.isAdmin = true;
        ScheduleRequest assign;
        assign.action = RequestAction::AdminAssign;
        assign.principalId = userColumn(userName, "id");
        assign.roleDefinitionId = GlobalAdmin;
        assign.directoryScopeId = QStringLiteral("/");
        assign.justification = justification;
        ScheduleInfo noEnd;
        noEnd.expiration.type = ExpirationType::NoExpiration;
        assign.scheduleInfo = noEnd;
        const auto granted = m_fixture.server().engine().submit(admin, assign);
        return granted.ok() ? QString() : granted.error().message;
    }

    ConsoleFixture m_fixture;
};

QTEST_MAIN(TestAlertsPane)
#include "TestAlertsPane.moc"
