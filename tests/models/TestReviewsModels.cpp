// ReviewsModel, DecisionsModel and OutboxModel under QAbstractItemModelTester, over the cache and
// outbox of the reviewer diego, filled by a real SyncEngine from an in-process elevated (the
// demo organisation: diego reviews "Helpdesk Administrator: quarterly review"). The backend is
// taken away for real through a TCP relay (tests/support/TcpRelay.h) for the offline cases.
#include "AsyncWait.h"
#include "RelayedWorkspace.h"

#include "CacheDatabase.h"
#include "DecisionsModel.h"
#include "EntityRepository.h"
#include "Format.h"
#include "GraphCodec.h"
#include "Outbox.h"
#include "OutboxModel.h"
#include "ReviewsModel.h"
#include "Session.h"
#include "SyncEngine.h"
#include "Database.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Elevate;
using namespace Elevate::Testing;
using namespace Elevate::Models;
using Testing::ConsoleFixture;
using Testing::TcpRelay;

namespace {

bool drained(SyncEngine& engine)
{
    bool done = false;
    engine.drainOutbox([&done] { done = true; });
    return QTest::qWaitFor([&done] { return done; }, 60000);
}

SessionReply<NoContent> decide(Session& session, const QString& id, ReviewDecisionValue value, const QString& reason)
{
    std::optional<SessionReply<NoContent>> got;
    session.decide(id, value, reason, [&got](const SessionReply<NoContent>& r) { got = r; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, 60000)) {
        return SessionReply<NoContent>{SessionOutcome::Unreachable, QStringLiteral("test timeout"), {}, {}, {}};
    }
    return *got;
}

} // namespace

class TestReviewsModels final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void reviewsModelLoadsChangesAndRemoves();
    void decisionsModelShowsNotYetSentThenSent();
    void decisionsModelShowsAConflict();
    void outboxModelFollowsTheQueue();
    void acceptRecommendationsOfflineMarksTheRest();

private:
    QString instanceId() const;
    QString definitionId() const;

    ConsoleFixture m_fixture;
    std::unique_ptr<TcpRelay> m_relay;
    std::unique_ptr<Workspace> m_diego;
};

void TestReviewsModels::initTestCase()
{
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    m_relay = std::make_unique<TcpRelay>(m_fixture.server().port());
    QVERIFY(m_relay->start());
    m_diego = Testing::relayedWorkspace(m_fixture, *m_relay, QStringLiteral("diego"), &error);
    QVERIFY2(m_diego, qPrintable(error));
}

QString TestReviewsModels::definitionId() const
{
    const QList<AccessReviewDefinition> defs = Cache::ReviewDefinitionRepository(*m_diego->cache()).all();
    return defs.isEmpty() ? QString() : defs.first().id;
}

QString TestReviewsModels::instanceId() const
{
    const QList<AccessReviewInstance> inst = Cache::ReviewInstanceRepository(*m_diego->cache()).all(definitionId());
    return inst.isEmpty() ? QString() : inst.first().id;
}

void TestReviewsModels::reviewsModelLoadsChangesAndRemoves()
{
    Cache::CacheDatabase& cache = *m_diego->cache();
    ReviewsModel model(cache, m_diego->outbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0); // nothing pulled yet
    ModelSpies s(&model);

    // Load: the first pull brings diego's one review, inserted (no reset).
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());
    model.reload();
    QCOMPARE(s.inserted.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(model.rowCount(), 1);
    const int total = Cache::ReviewDecisionRepository(cache).count(instanceId());
    QVERIFY(total >= 20);
    QCOMPARE(model.index(0, ReviewsModel::NameColumn).data().toString(),
             QStringLiteral("Helpdesk Administrator: quarterly review"));
    QCOMPARE(model.index(0, ReviewsModel::ProgressColumn).data().toString(), QStringLiteral("0 / %1").arg(total));
    QCOMPARE(model.index(0, ReviewsModel::ProgressColumn).data(ReviewsModel::RawValueRole).toDouble(), 0.0);
    const AccessReviewInstance instance = Cache::ReviewInstanceRepository(cache).all(definitionId()).first();
    QCOMPARE(model.index(0, ReviewsModel::DueColumn).data().toString(), Format::dateTime(instance.endDateTime));
    QCOMPARE(model.index(0, ReviewsModel::DueColumn).data(ReviewsModel::RawValueRole).toDateTime(),
             instance.endDateTime.toDateTime());
    QCOMPARE(model.index(0, 0).data(ReviewsModel::IdRole).toString(), definitionId());
    QCOMPARE(model.index(0, 0).data(ReviewsModel::InstanceIdRole).toString(), instance.id);
    QCOMPARE(model.openDecisions(), total);

    // A failed refresh (the backend is gone) changes nothing and says nothing.
    s.clear();
    m_relay->stop();
    QVERIFY(!synced(*m_diego->engine(), SyncCollection::Reviews).isEmpty());
    model.reload();
    QCOMPARE(s.total(), 0);
    QCOMPARE(model.rowCount(), 1);

    // Change: a decision recorded in the outbox counts as decided: one dataChanged, on that row.
    const ReviewDecision first = Cache::ReviewDecisionRepository(cache).all(instanceId()).first();
    ReviewDecisionUpdate update;
    update.decision = ReviewDecisionValue::Deny;
    update.justification = QStringLiteral("Left the team");
    const auto item = m_diego->outbox()->enqueue(Cache::OutboxItem::Kind::ReviewDecision,
                                                 {definitionId(), instanceId(), first.id}, GraphCodec::encode(update));
    QVERIFY(item);
    model.reload();
    QCOMPARE(s.changed.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(s.changed.first().at(0).toModelIndex().row(), 0);
    QCOMPARE(model.index(0, ReviewsModel::ProgressColumn).data().toString(), QStringLiteral("1 / %1").arg(total));
    QCOMPARE(model.openDecisions(), total - 1);
    QVERIFY(m_diego->outbox()->discard(item->id));
    s.clear();
    model.reload();
    QCOMPARE(s.changed.size(), 1);
    QCOMPARE(model.openDecisions(), total);

    // Membership: a second review arrives, then goes.
    AccessReviewDefinition extra;
    extra.id = QStringLiteral("extra-review");
    extra.displayName = QStringLiteral("Extra review");
    extra.status = ReviewStatus::InProgress;
    Cache::ReviewDefinitionRepository definitions(cache);
    QVERIFY(definitions.upsert(QString(), {extra}));
    s.clear();
    model.reload();
    QCOMPARE(s.inserted.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(model.rowCount(), 2);
    const int extraRow = model.rowOf(extra.id);
    QVERIFY(extraRow >= 0);
    QCOMPARE(model.index(extraRow, ReviewsModel::ProgressColumn).data().toString(), QStringLiteral("not started"));
    QVERIFY(definitions.remove(QString(), extra.id));
    s.clear();
    model.reload();
    QCOMPARE(s.removed.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(model.rowCount(), 1);

    QVERIFY(m_relay->start());
}

void TestReviewsModels::decisionsModelShowsNotYetSentThenSent()
{
    Cache::CacheDatabase& cache = *m_diego->cache();
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());
    DecisionsModel model(cache, m_diego->outbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ModelSpies s(&model);
    model.setReview(instanceId());
    QCOMPARE(s.reset.size(), 1);
    QCOMPARE(s.total(), 1);
    const QList<ReviewDecision> decisions = Cache::ReviewDecisionRepository(cache).all(instanceId());
    QCOMPARE(model.rowCount(), decisions.size());
    for (int row = 0; row < model.rowCount(); ++row) {
        const ReviewDecision& d = decisions.at(row);
        QCOMPARE(model.index(row, 0).data(DecisionsModel::IdRole).toString(), d.id);
        QCOMPARE(model.index(row, DecisionsModel::PrincipalColumn).data().toString(), d.principal.displayName);
        QCOMPARE(model.index(row, DecisionsModel::ResourceColumn).data().toString(),
                 QStringLiteral("Helpdesk Administrator"));
        QCOMPARE(model.index(row, DecisionsModel::DecisionColumn).data().toString(), QStringLiteral("Not reviewed"));
        QCOMPARE(model.index(row, DecisionsModel::StateColumn).data().toString(), QString());
        const QString recommendation = model.index(row, DecisionsModel::RecommendationColumn).data().toString();
        QVERIFY2(recommendation.contains(DecisionsModel::recommendationReason(d.recommendation)), qPrintable(recommendation));
    }

    // Offline for real: three decisions wait in the outbox; exactly their rows change.
    m_relay->stop();
    const QList<int> rows{1, 4, 7};
    s.clear();
    for (int row : rows) {
        const SessionReply<NoContent> r = decide(m_diego->session(), decisions.at(row).id, ReviewDecisionValue::Approve,
                                                 QStringLiteral("Still on the helpdesk rota"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY2(r.message.contains(QStringLiteral("outbox")), qPrintable(r.message));
    }
    QCOMPARE(m_diego->engine()->state(), ConnectionState::Offline);
    model.reload();
    QCOMPARE(s.changed.size(), rows.size());
    QCOMPARE(s.total(), int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const QModelIndex topLeft = s.changed.at(i).at(0).toModelIndex();
        const QModelIndex bottomRight = s.changed.at(i).at(1).toModelIndex();
        QCOMPARE(topLeft.row(), rows.at(i));
        QCOMPARE(bottomRight.row(), rows.at(i));
    }
    for (int row = 0; row < model.rowCount(); ++row) {
        const bool decided = rows.contains(row);
        QCOMPARE(model.index(row, DecisionsModel::StateColumn).data().toString(),
                 decided ? QStringLiteral("not yet sent") : QString());
        QCOMPARE(model.index(row, DecisionsModel::DecisionColumn).data().toString(),
                 decided ? QStringLiteral("Approve") : QStringLiteral("Not reviewed"));
    }

    // Back online: the probe finds the backend, the outbox drains, the next pull shows the
    // server's decisions; the rows say nothing is pending any more.
    QVERIFY(m_relay->start());
    QTRY_COMPARE_WITH_TIMEOUT(m_diego->engine()->state(), ConnectionState::Online, 60000);
    QVERIFY(drained(*m_diego->engine()));
    QCOMPARE(m_diego->outbox()->pendingCount(), 0);
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());
    s.clear();
    model.reload();
    QCOMPARE(s.changed.size(), rows.size());
    QCOMPARE(s.total(), int(rows.size()));
    for (int row : rows) {
        QCOMPARE(model.index(row, DecisionsModel::StateColumn).data().toString().left(8), QStringLiteral("recorded"));
        QCOMPARE(model.index(row, DecisionsModel::DecisionColumn).data().toString(), QStringLiteral("Approve"));
        QCOMPARE(model.index(row, 0).data(DecisionsModel::PendingStateRole).toInt(), int(PendingDecision::State::None));
    }
}

void TestReviewsModels::decisionsModelShowsAConflict()
{
    Cache::CacheDatabase& cache = *m_diego->cache();
    DecisionsModel model(cache, m_diego->outbox());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReview(instanceId());
    ModelSpies s(&model);
    // This review asks for a reason to approve: the server refuses one without.
    const int row = 10;
    const QString id = model.index(row, 0).data(DecisionsModel::IdRole).toString();
    const SessionReply<NoContent> r = decide(m_diego->session(), id, ReviewDecisionValue::Approve, QString());
    QCOMPARE(r.outcome, SessionOutcome::Refused);
    model.reload();
    QCOMPARE(s.changed.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(s.changed.first().at(0).toModelIndex().row(), row);
    QCOMPARE(model.index(row, 0).data(DecisionsModel::PendingStateRole).toInt(), int(PendingDecision::State::Conflict));
    const QString state = model.index(row, DecisionsModel::StateColumn).data().toString();
    QVERIFY2(state.startsWith(QStringLiteral("conflict: ")) && state.contains(QStringLiteral("justification")),
             qPrintable(state));
    // The cache's decision stays what the server has.
    QCOMPARE(model.index(row, DecisionsModel::DecisionColumn).data().toString(), QStringLiteral("Not reviewed"));

    // Discarded: the row is plain again.
    const auto items = m_diego->outbox()->list();
    QVERIFY(m_diego->outbox()->discard(items.last().id));
    s.clear();
    model.reload();
    QCOMPARE(s.changed.size(), 1);
    QCOMPARE(model.index(row, DecisionsModel::StateColumn).data().toString(), QString());
}

void TestReviewsModels::outboxModelFollowsTheQueue()
{
    Cache::Outbox& outbox = *m_diego->outbox();
    // Sent items from the earlier cases are not shown.
    OutboxModel model(outbox, m_diego->cache());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    ModelSpies s(&model);

    const QList<ReviewDecision> decisions = Cache::ReviewDecisionRepository(*m_diego->cache()).all(instanceId());
    ReviewDecisionUpdate deny;
    deny.decision = ReviewDecisionValue::Deny;
    deny.justification = QStringLiteral("No longer needed");
    ReviewDecisionUpdate approve;
    approve.decision = ReviewDecisionValue::Approve; // no reason: the server will refuse it
    const auto a = outbox.enqueue(Cache::OutboxItem::Kind::ReviewDecision,
                                  {definitionId(), instanceId(), decisions.at(12).id}, GraphCodec::encode(deny));
    const auto b = outbox.enqueue(Cache::OutboxItem::Kind::ReviewDecision,
                                  {definitionId(), instanceId(), decisions.at(13).id}, GraphCodec::encode(approve));
    QVERIFY(a && b);
    model.reload();
    QCOMPARE(s.inserted.size(), 1); // one run of two rows
    QCOMPARE(s.inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(s.inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(model.waitingCount(), 2);
    QCOMPARE(model.index(0, OutboxModel::WhatColumn).data().toString(),
             QStringLiteral("Deny %1 (Helpdesk Administrator)").arg(decisions.at(12).principal.displayName));
    QCOMPARE(model.index(0, OutboxModel::StateColumn).data().toString(), QStringLiteral("not yet sent"));
    QCOMPARE(model.index(1, 0).data(OutboxModel::IdRole).toLongLong(), b->id);

    // Sent: the first leaves the list; the second is refused and stays, with the server's words.
    QVERIFY(drained(*m_diego->engine()));
    s.clear();
    model.reload();
    QCOMPARE(s.removed.size(), 1);
    QCOMPARE(s.changed.size(), 1);
    QCOMPARE(s.total(), 2);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.conflictCount(), 1);
    QCOMPARE(model.index(0, OutboxModel::StateColumn).data().toString(), QStringLiteral("conflict"));
    QVERIFY(model.index(0, OutboxModel::MessageColumn).data().toString().contains(QStringLiteral("justification")));

    // Retried: back to waiting (one dataChanged); discarded: gone (one removal).
    QVERIFY(outbox.retry(b->id));
    s.clear();
    model.reload();
    QCOMPARE(s.changed.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(model.index(0, OutboxModel::StateColumn).data().toString(), QStringLiteral("not yet sent"));
    QVERIFY(outbox.discard(b->id));
    s.clear();
    model.reload();
    QCOMPARE(s.removed.size(), 1);
    QCOMPARE(s.total(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void TestReviewsModels::acceptRecommendationsOfflineMarksTheRest()
{
    Cache::CacheDatabase& cache = *m_diego->cache();
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());
    DecisionsModel decisions(cache, m_diego->outbox());
    ReviewsModel reviews(cache, m_diego->outbox());
    QAbstractItemModelTester decisionsTester(&decisions, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester reviewsTester(&reviews, QAbstractItemModelTester::FailureReportingMode::QtTest);
    decisions.setReview(instanceId());
    const int total = decisions.rowCount();
    // The rows accepting applies to: not decided yet, with an Approve or Deny recommendation.
    QList<int> open;
    int withoutRecommendation = 0;
    for (int row = 0; row < total; ++row) {
        if (decisions.index(row, 0).data(DecisionsModel::EffectiveDecisionRole).toInt() != int(ReviewDecisionValue::NotReviewed)) {
            continue;
        }
        const auto recommendation = ReviewRecommendation(
            decisions.index(row, DecisionsModel::RecommendationColumn).data(DecisionsModel::RawValueRole).toInt());
        if (recommendation == ReviewRecommendation::Approve || recommendation == ReviewRecommendation::Deny) {
            open << row;
        } else {
            ++withoutRecommendation;
        }
    }
    QVERIFY(open.size() > 0 && open.size() < total); // the earlier cases decided a few
    QCOMPARE(reviews.openDecisions(), open.size() + withoutRecommendation);

    // Offline: "accept recommendations" waits in the outbox and already shows on the open rows.
    m_relay->stop();
    std::optional<SessionReply<NoContent>> got;
    m_diego->session().acceptRecommendations(definitionId(), [&got](const SessionReply<NoContent>& r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 60000);
    QVERIFY2(got->ok(), qPrintable(got->message));
    ModelSpies s(&decisions);
    decisions.reload();
    reviews.reload();
    QCOMPARE(s.changed.size(), open.size());
    QCOMPARE(s.total(), int(open.size()));
    for (int row = 0; row < total; ++row) {
        const auto recommendation =
            ReviewRecommendation(decisions.index(row, DecisionsModel::RecommendationColumn).data(DecisionsModel::RawValueRole).toInt());
        const QString state = decisions.index(row, DecisionsModel::StateColumn).data().toString();
        if (open.contains(row)) {
            QCOMPARE(state, QStringLiteral("not yet sent"));
            QCOMPARE(decisions.index(row, DecisionsModel::DecisionColumn).data().toString(),
                     DecisionsModel::recommendationText(recommendation));
        } else {
            QVERIFY2(state != QStringLiteral("not yet sent"), qPrintable(state));
        }
    }
    QCOMPARE(reviews.openDecisions(), withoutRecommendation);
    QCOMPARE(reviews.index(0, ReviewsModel::ProgressColumn).data().toString(),
             QStringLiteral("%1 / %2").arg(total - withoutRecommendation).arg(total));

    // Online again: applied by the server, the pull shows the same.
    QVERIFY(m_relay->start());
    QTRY_COMPARE_WITH_TIMEOUT(m_diego->engine()->state(), ConnectionState::Online, 60000);
    QVERIFY(drained(*m_diego->engine()));
    QCOMPARE(m_diego->outbox()->pendingCount(), 0);
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());
    decisions.reload();
    for (int row : open) {
        QVERIFY(decisions.index(row, DecisionsModel::StateColumn).data().toString().startsWith(QStringLiteral("recorded")));
    }
    const QVariant stillOpen = m_fixture.server().database().scalar(
        QStringLiteral("SELECT COUNT(*) FROM review_decisions WHERE instance_id = ? AND decision = 'NotReviewed'"),
        {instanceId()});
    QCOMPARE(stillOpen.toInt(), withoutRecommendation);
}

QTEST_GUILESS_MAIN(TestReviewsModels)
#include "TestReviewsModels.moc"
