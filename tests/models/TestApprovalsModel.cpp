// ApprovalsModel over megan's cache, filled from a real elevated (the demo's requests waiting for
// her): the exact signals on load, on change, on removal (a decision), on a new request and on a
// failed refresh.
#include "AsyncWait.h"
#include "ConsoleFixture.h"

#include "ApprovalsModel.h"
#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Session.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Elevate;
using namespace Elevate::Testing;
using Elevate::Models::ApprovalsModel;

namespace {

int rowOfRole(const ApprovalsModel& model, const QString& role)
{
    for (int i = 0; i < model.rowCount(); ++i) {
        if (model.index(i, ApprovalsModel::RoleColumn).data().toString() == role) {
            return i;
        }
    }
    return -1;
}

} // namespace

class TestApprovalsModel final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_megan = m_fixture.workspace(QStringLiteral("megan"), &error);
        QVERIFY2(m_megan, qPrintable(error));
        m_alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(m_alex, qPrintable(error));
    }

    void loadsTheRequestsWaitingForMe()
    {
        ApprovalsModel model(m_megan->cache());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(spies.total(), 0);

        QCOMPARE(synced(*m_megan->engine(), SyncCollection::Approvals), QString());
        model.refresh();
        // The demo's four requests, inserted in one go.
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(spies.inserted.size(), 1);
        QCOMPARE(spies.inserted.first().at(1).toInt(), 0);
        QCOMPARE(spies.inserted.first().at(2).toInt(), 3);
        QCOMPARE(spies.total(), 1);
        QVERIFY(!model.lastSync().isNull());

        // alex's request: who, what, why, the ticket, how long, the stage, when it lapses.
        const int pra = rowOfRole(model, QStringLiteral("Privileged Role Administrator"));
        QVERIFY(pra >= 0);
        auto cell = [&](int column) { return model.index(pra, column).data().toString(); };
        QCOMPARE(cell(ApprovalsModel::RequesterColumn), QStringLiteral("Alex Wilber"));
        QCOMPARE(cell(ApprovalsModel::ScopeColumn), QStringLiteral("Directory"));
        QCOMPARE(cell(ApprovalsModel::JustificationColumn), QStringLiteral("Grant the new SOC analysts their roles"));
        QVERIFY2(cell(ApprovalsModel::TicketColumn).startsWith(QStringLiteral("CHG-"))
                     && cell(ApprovalsModel::TicketColumn).endsWith(QStringLiteral("(ServiceNow)")),
                 qPrintable(cell(ApprovalsModel::TicketColumn)));
        QCOMPARE(cell(ApprovalsModel::DurationColumn), QStringLiteral("1 h"));
        QCOMPARE(model.index(pra, ApprovalsModel::DurationColumn).data(ApprovalsModel::RawValueRole).toLongLong(),
                 3600);
        QCOMPARE(cell(ApprovalsModel::StageColumn), QStringLiteral("1 of 1"));
        QVERIFY2(cell(ApprovalsModel::LapsesColumn).startsWith(QStringLiteral("23 h")),
                 qPrintable(cell(ApprovalsModel::LapsesColumn)));
        QVERIFY(model.index(pra, 0).data(ApprovalsModel::ReasonRequiredRole).toBool());
        QVERIFY(model.entry(pra).approval.has_value());
        QVERIFY(model.entry(pra).approval->actionableStep() != nullptr);
        // megan alone approves Privileged Role Administrator: nobody else.
        QCOMPARE(model.entry(pra).otherApprovers(QString()), QStringList{ QStringLiteral("Megan Bowen") });
        const auto me = await<Identity>([&](auto done) { m_megan->session().whoami(done); });
        QVERIFY2(me.ok(), qPrintable(me.message));
        QVERIFY(model.entry(pra).otherApprovers(me.value.id).isEmpty());
        model.setMyId(me.value.id);
        QCOMPARE(cell(ApprovalsModel::ApproversColumn), QString());

        spies.clear();
        model.refresh();
        QCOMPARE(spies.total(), 0);
    }

    void changedRequestChangesItsRowOnly()
    {
        ApprovalsModel model(m_megan->cache());
        model.refresh();
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);
        Cache::ScheduleRequestRepository requests(*m_megan->cache());
        ScheduleRequest r = model.entry(2).request;
        r.justification = QStringLiteral("Edited in the cache");
        QVERIFY(requests.upsert(QStringLiteral("approver"), { r }));
        model.refresh();
        QCOMPARE(spies.changed.size(), 1);
        QCOMPARE(spies.changed.first().at(0).value<QModelIndex>(), model.index(2, 0));
        QCOMPARE(spies.changed.first().at(1).value<QModelIndex>(), model.index(2, ApprovalsModel::ColumnCount - 1));
        QCOMPARE(spies.total(), 1);
        QCOMPARE(model.index(2, ApprovalsModel::JustificationColumn).data().toString(),
                 QStringLiteral("Edited in the cache"));
        // The next pull restores the server's text.
        QCOMPARE(synced(*m_megan->engine(), SyncCollection::Approvals), QString());
    }

    void decidedRequestLeavesNewRequestArrives()
    {
        ApprovalsModel model(m_megan->cache());
        model.refresh();
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelSpies spies(&model);
        const int before = model.rowCount();
        const int row = rowOfRole(model, QStringLiteral("Security Administrator"));
        QVERIFY(row >= 0);
        const QString id = model.entry(row).request.id;

        const auto decided = await<QList<ItemOutcome>>([&](auto done) {
            m_megan->session().decideApprovals(
                { id }, ApprovalVerdict::Deny, QStringLiteral("Use a less privileged role"), done);
        });
        QVERIFY2(decided.ok(), qPrintable(decided.message));
        QCOMPARE(synced(*m_megan->engine(), SyncCollection::Approvals), QString());
        model.refresh();
        QCOMPARE(model.rowCount(), before - 1);
        QCOMPARE(spies.removed.size(), 1);
        QCOMPARE(spies.removed.first().at(1).toInt(), row);
        QCOMPARE(spies.removed.first().at(2).toInt(), row);
        QCOMPARE(spies.total(), 1);
        QCOMPARE(model.rowOfId(id), -1);

        // alex asks for Security Administrator again: the newest request comes first.
        spies.clear();
        ActivationRequest request;
        request.roles = { QStringLiteral("Security Administrator") };
        request.duration = IsoDuration::fromHours(2);
        request.justification = QStringLiteral("Review the Defender alert policies");
        request.ticket = { QStringLiteral("CHG-7001"), QStringLiteral("ServiceNow") };
        const auto asked
            = await<QList<ActivationOutcome>>([&](auto done) { m_alex->session().activate(request, done); });
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QCOMPARE(synced(*m_megan->engine(), SyncCollection::Approvals), QString());
        model.refresh();
        QCOMPARE(model.rowCount(), before);
        QCOMPARE(spies.inserted.size(), 1);
        QCOMPARE(spies.inserted.first().at(1).toInt(), 0);
        QCOMPARE(spies.inserted.first().at(2).toInt(), 0);
        QCOMPARE(spies.total(), 1);
        QCOMPARE(model.index(0, ApprovalsModel::JustificationColumn).data().toString(),
                 QStringLiteral("Review the Defender alert policies"));
        QCOMPARE(model.index(0, ApprovalsModel::DurationColumn).data().toString(), QStringLiteral("2 h"));
    }

    void failedRefreshKeepsTheRows()
    {
        QString error;
        std::unique_ptr<Workspace> ws = m_fixture.workspace(QStringLiteral("megan"), &error);
        QVERIFY2(ws, qPrintable(error));
        QCOMPARE(synced(*ws->engine(), SyncCollection::Approvals), QString());
        ApprovalsModel model(ws->cache());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        const int rows = model.rowCount();
        QVERIFY(rows > 0);
        ModelSpies spies(&model);
        QSignalSpy failed(&model, &ApprovalsModel::refreshFailed);
        ws->cache()->close();
        model.refresh();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(spies.total(), 0);
        QCOMPARE(model.rowCount(), rows);
    }

    void cleanupTestCase()
    {
        m_alex.reset();
        m_megan.reset();
    }

private:
    using ConsoleFixture = Testing::ConsoleFixture;
    ConsoleFixture m_fixture;
    std::unique_ptr<Workspace> m_megan;
    std::unique_ptr<Workspace> m_alex;
};

QTEST_MAIN(TestApprovalsModel)
#include "TestApprovalsModel.moc"
