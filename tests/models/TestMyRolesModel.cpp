// MyRolesModel over alex's cache, filled from a real elevated (the demo organisation): the exact
// signals on load, on change, on removal, on a failed refresh, and of the countdown.
#include "AsyncWait.h"
#include "ConsoleFixture.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "MyRolesModel.h"
#include "Session.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Elevate;
using namespace Elevate::Testing;
using Elevate::Models::MyRoleEntry;
using Elevate::Models::MyRolesModel;

namespace {

int rowNamed(const MyRolesModel& model, const QString& name)
{
    for (int i = 0; i < model.rowCount(); ++i) {
        if (model.index(i, MyRolesModel::RoleColumn).data().toString() == name) {
            return i;
        }
    }
    return -1;
}

} // namespace

class TestMyRolesModel final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(m_alex, qPrintable(error));
    }

    void loadsEligibleActiveAndPendingRoles()
    {
        MyRolesModel model(m_alex->cache());
        model.setCountdownRunning(false);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);

        // Nothing pulled yet: an empty table, no signal, no sync time.
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(spies.total(), 0);
        QVERIFY(model.lastSync().isNull());

        QVERIFY(ConsoleFixture::syncAll(*m_alex).size() <= 1); // alex reads no audit
        model.refresh();
        // 15 directory roles and 3 groups × member/owner, inserted in one go.
        QCOMPARE(model.rowCount(), 21);
        QCOMPARE(spies.inserted.size(), 1);
        QCOMPARE(spies.inserted.first().at(1).toInt(), 0);
        QCOMPARE(spies.inserted.first().at(2).toInt(), 20);
        QCOMPARE(spies.total(), 1);
        QVERIFY(!model.lastSync().isNull());

        // The demo's active role counts down; its policy reads from the cached policy.
        const int exchange = rowNamed(model, QStringLiteral("Exchange Administrator"));
        QVERIFY(exchange >= 0);
        QCOMPARE(model.index(exchange, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Active"));
        QCOMPARE(model.index(exchange, 0).data(MyRolesModel::StateRole).toInt(), int(MyRoleEntry::State::Active));
        const QString left = model.index(exchange, MyRolesModel::TimeLeftColumn).data().toString();
        QVERIFY2(left.endsWith(QStringLiteral(" left")) && left.startsWith(QStringLiteral("3 h")), qPrintable(left));
        const qint64 seconds
            = model.index(exchange, MyRolesModel::TimeLeftColumn).data(MyRolesModel::RawValueRole).toLongLong();
        QVERIFY2(seconds > 3 * 3600 && seconds <= 4 * 3600, qPrintable(QString::number(seconds)));
        QCOMPARE(model.index(exchange, MyRolesModel::PolicyColumn).data().toString(),
                 QStringLiteral("max 8 h · justification"));

        // A role with a ticket rule, and alex's own request waiting for megan.
        const int user = rowNamed(model, QStringLiteral("User Administrator"));
        QCOMPARE(model.index(user, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Eligible"));
        QCOMPARE(model.index(user, MyRolesModel::PolicyColumn).data().toString(),
                 QStringLiteral("max 8 h · justification · ticket"));
        QCOMPARE(model.entry(user).maximumDuration(), IsoDuration::fromHours(8));
        QVERIFY(model.entry(user).needs(EnablementRequirement::Ticketing));
        const int pra = rowNamed(model, QStringLiteral("Privileged Role Administrator"));
        QCOMPARE(model.index(pra, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Waiting for approval"));
        QVERIFY(model.entry(pra).pending.has_value());
        QVERIFY(model.entry(pra).needsApproval());
        QVERIFY(model.index(pra, MyRolesModel::PolicyColumn).data().toString().contains(QStringLiteral("approval")));
        // Groups: member and owner are two rows with their scope.
        int groupRows = 0;
        for (int i = 0; i < model.rowCount(); ++i) {
            if (model.entry(i).target.kind == PimKind::Group) {
                ++groupRows;
                const QString scope = model.index(i, MyRolesModel::ScopeColumn).data().toString();
                QVERIFY(scope == QStringLiteral("Group member") || scope == QStringLiteral("Group owner"));
            }
        }
        QCOMPARE(groupRows, 6);

        // The same cache again: not a single signal.
        spies.clear();
        model.refresh();
        QCOMPARE(spies.total(), 0);
    }

    void countdownTouchesOnlyTimeLeftOfActiveRows()
    {
        MyRolesModel model(m_alex->cache());
        model.setCountdownRunning(false);
        model.refresh();
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);
        model.tick();
        const int exchange = rowNamed(model, QStringLiteral("Exchange Administrator"));
        QCOMPARE(spies.changed.size(), 1);
        QCOMPARE(spies.total(), 1);
        const auto topLeft = spies.changed.first().at(0).value<QModelIndex>();
        const auto bottomRight = spies.changed.first().at(1).value<QModelIndex>();
        QCOMPARE(topLeft, model.index(exchange, MyRolesModel::TimeLeftColumn));
        QCOMPARE(bottomRight, model.index(exchange, MyRolesModel::TimeLeftColumn));
        // A clock one hour later: the text follows.
        const Timestamp later = Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()).plusSeconds(3600);
        model.setClock([later] { return later; });
        QVERIFY(
            model.index(exchange, MyRolesModel::TimeLeftColumn).data().toString().startsWith(QStringLiteral("2 h")));
    }

    void activationChangesOneRowInPlace()
    {
        MyRolesModel model(m_alex->cache());
        model.setCountdownRunning(false);
        model.refresh();
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);
        const int before = model.rowCount();
        const int user = rowNamed(model, QStringLiteral("User Administrator"));

        ActivationRequest request;
        request.roles = { model.entry(user).sessionName() };
        request.duration = IsoDuration::fromHours(1);
        request.justification = QStringLiteral("Reset the pilot users' passwords");
        request.ticket = { QStringLiteral("CHG-1234"), QStringLiteral("ServiceNow") };
        const auto r = await<QList<ActivationOutcome>>([&](auto done) { m_alex->session().activate(request, done); });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::MyRoles), QString());
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::Approvals), QString());
        model.refresh();

        QCOMPARE(model.rowCount(), before);
        QCOMPARE(spies.inserted.size(), 0);
        QCOMPARE(spies.removed.size(), 0);
        QCOMPARE(spies.reset.size(), 0);
        QCOMPARE(spies.changed.size(), 1);
        QCOMPARE(spies.changed.first().at(0).value<QModelIndex>(), model.index(user, 0));
        QCOMPARE(spies.changed.first().at(1).value<QModelIndex>(), model.index(user, MyRolesModel::ColumnCount - 1));
        QCOMPARE(model.index(user, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Active"));
        QVERIFY(model.index(user, MyRolesModel::TimeLeftColumn).data().toString().contains(QStringLiteral("left")));

        // Two rows count down now, and only they.
        spies.clear();
        model.tick();
        int rows = 0;
        for (const auto& args : spies.changed) {
            const auto a = args.at(0).value<QModelIndex>();
            const auto b = args.at(1).value<QModelIndex>();
            QCOMPARE(a.column(), int(MyRolesModel::TimeLeftColumn));
            QCOMPARE(b.column(), int(MyRolesModel::TimeLeftColumn));
            for (int i = a.row(); i <= b.row(); ++i) {
                QVERIFY(model.entry(i).hasCountdown());
                ++rows;
            }
        }
        QCOMPARE(rows, 2);
    }

    void cancelledRequestAndRemovedEligibility()
    {
        MyRolesModel model(m_alex->cache());
        model.setCountdownRunning(false);
        model.refresh();
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);

        // Cancelling the pending request turns the row back to Eligible: one dataChanged.
        const int pra = rowNamed(model, QStringLiteral("Privileged Role Administrator"));
        const QString requestId = model.entry(pra).pending->id;
        const auto cancelled = await<NoContent>([&](auto done) { m_alex->session().cancelRequest(requestId, done); });
        QVERIFY2(cancelled.ok(), qPrintable(cancelled.message));
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::Approvals), QString());
        model.refresh();
        QCOMPARE(spies.changed.size(), 1);
        QCOMPARE(spies.changed.first().at(0).value<QModelIndex>().row(), pra);
        QCOMPARE(spies.total(), 1);
        QCOMPARE(model.index(pra, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Eligible"));

        // An eligibility gone from the cache: exactly that row is removed.
        spies.clear();
        const int before = model.rowCount();
        const int victim = rowNamed(model, QStringLiteral("Intune Administrator"));
        QVERIFY(victim >= 0);
        Cache::EligibilityRepository eligible(*m_alex->cache());
        QString eligibilityId;
        for (const Eligibility& e : eligible.all()) {
            if (e.roleDefinitionId == model.entry(victim).target.id) {
                eligibilityId = e.id;
            }
        }
        QVERIFY(eligible.remove(QString(), eligibilityId));
        model.refresh();
        QCOMPARE(model.rowCount(), before - 1);
        QCOMPARE(spies.removed.size(), 1);
        QCOMPARE(spies.removed.first().at(1).toInt(), victim);
        QCOMPARE(spies.removed.first().at(2).toInt(), victim);
        QCOMPARE(spies.total(), 1);
        QCOMPARE(rowNamed(model, QStringLiteral("Intune Administrator")), -1);

        // The next pull brings it back: one insertion at its sorted place.
        spies.clear();
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::MyRoles), QString());
        model.refresh();
        QCOMPARE(spies.inserted.size(), 1);
        QCOMPARE(spies.inserted.first().at(1).toInt(), victim);
        QCOMPARE(spies.total(), 1);
    }

    void myRequestDecidedBetweenTwoSyncs()
    {
        MyRolesModel model(m_alex->cache());
        model.setCountdownRunning(false);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<ScheduleRequest> decided;
        connect(&model, &MyRolesModel::requestDecided, this, [&decided](const ScheduleRequest& r) { decided << r; });
        model.refresh();

        ActivationRequest request;
        request.roles = { QStringLiteral("Security Administrator") };
        request.duration = IsoDuration::fromHours(2);
        request.justification = QStringLiteral("Tune the alert policies");
        request.ticket = { QStringLiteral("CHG-2001"), QStringLiteral("ServiceNow") };
        const auto asked
            = await<QList<ActivationOutcome>>([&](auto done) { m_alex->session().activate(request, done); });
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        const QString id = asked.value.first().request->id;
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::Approvals), QString());
        model.refresh();
        QVERIFY(decided.isEmpty());
        const int row = rowNamed(model, QStringLiteral("Security Administrator"));
        QCOMPARE(model.index(row, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Waiting for approval"));

        QString error;
        std::unique_ptr<Workspace> megan = m_fixture.workspace(QStringLiteral("megan"), &error);
        QVERIFY2(megan, qPrintable(error));
        QCOMPARE(synced(*megan->engine(), SyncCollection::Approvals), QString());
        const auto approved = await<QList<ItemOutcome>>([&](auto done) {
            megan->session().decideApprovals({ id }, ApprovalVerdict::Approve, QStringLiteral("Go ahead"), done);
        });
        QVERIFY2(approved.ok(), qPrintable(approved.message));
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::Approvals), QString());
        QCOMPARE(synced(*m_alex->engine(), SyncCollection::MyRoles), QString());
        model.refresh();
        QCOMPARE(decided.size(), 1);
        QCOMPARE(decided.first().id, id);
        QCOMPARE(decided.first().status, RequestStatus::Provisioned);
        QCOMPARE(model.index(row, MyRolesModel::StateColumn).data().toString(), QStringLiteral("Active"));
        // Once only.
        model.refresh();
        QCOMPARE(decided.size(), 1);
    }

    void failedRefreshKeepsTheRows()
    {
        // A cache of its own, so closing it leaves the others alone.
        QString error;
        std::unique_ptr<Workspace> ws = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(ws, qPrintable(error));
        QCOMPARE(synced(*ws->engine(), SyncCollection::MyRoles), QString());
        MyRolesModel model(ws->cache());
        model.setCountdownRunning(false);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        const int rows = model.rowCount();
        QVERIFY(rows > 0);
        ModelSpies spies(&model);
        QSignalSpy failed(&model, &MyRolesModel::refreshFailed);
        ws->engine()->stop();
        ws->cache()->close();
        model.refresh();
        QCOMPARE(failed.size(), 1);
        QVERIFY(!model.lastError().isEmpty());
        QCOMPARE(spies.total(), 0);
        QCOMPARE(model.rowCount(), rows);
    }

    void cleanupTestCase() { m_alex.reset(); }

private:
    using ConsoleFixture = Testing::ConsoleFixture;
    ConsoleFixture m_fixture;
    std::unique_ptr<Workspace> m_alex;
};

QTEST_MAIN(TestMyRolesModel)
#include "TestMyRolesModel.moc"
