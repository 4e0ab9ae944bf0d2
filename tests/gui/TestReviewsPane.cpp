// The Access Reviews pane driven as a user would, offscreen, against a real in-process elevated
// (the demo organisation) reached through a TCP relay that can be stopped: the reviewer diego
// records three decisions with the backend really gone, sees them "not yet sent", and after the
// backend comes back sees them sent, with the server holding each decision exactly once. Then a
// decision the server refuses (the review was stopped meanwhile) shows in Sync issues, where
// retry sends it again and discard gives it up.
#include "Questions.h"
#include "AsyncWait.h"
#include "RelayedWorkspace.h"

#include "Caller.h"
#include "Database.h"
#include "DecisionsModel.h"
#include "Engine.h"
#include "EntityRepository.h"
#include "Outbox.h"
#include "ReviewsModel.h"
#include "ReviewsPane.h"
#include "SyncEngine.h"

#include <QApplication>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeView>

using namespace Elevate;
using namespace Elevate::Testing;
using namespace Elevate::Ui;
using Models::DecisionsModel;
using Models::ReviewsModel;
using Testing::ConsoleFixture;
using Testing::TcpRelay;

namespace {

// Clicks a row of a view (with Ctrl to add it to the selection), as the user would.
void clickRow(QTreeView* view, int row, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    const QModelIndex index = view->model()->index(row, 0);
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->visualRect(index).center());
}

QString cell(QTreeView* view, int row, int column)
{
    return view->model()->index(row, column).data().toString();
}

int rowOfDecision(QTreeView* view, const QString& id)
{
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        if (view->model()->index(row, 0).data(DecisionsModel::IdRole).toString() == id) {
            return row;
        }
    }
    return -1;
}

} // namespace

class TestReviewsPane final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void recordThreeReviewDecisionsOfflineThenSync();
    void conflictShowsInSyncIssuesWithRetryAndDiscard();
    void decisionsShowAtOnceWhenTheNetworkHangs();

private:
    template <typename T>
    T* child(const QString& name)
    {
        T* w = m_pane->findChild<T*>(name);
        if (!w) {
            qWarning("no widget %s", qPrintable(name));
        }
        return w;
    }
    QVariant serverValue(const QString& sql, std::initializer_list<QVariant> values = {})
    {
        return m_fixture.server().database().scalar(sql, values);
    }

    ConsoleFixture m_fixture;
    std::unique_ptr<TcpRelay> m_relay;
    std::unique_ptr<Workspace> m_diego;
    std::unique_ptr<ReviewsPane> m_pane;
};

void TestReviewsPane::initTestCase()
{
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    m_relay = std::make_unique<TcpRelay>(m_fixture.server().port());
    QVERIFY(m_relay->start());
    m_diego = Testing::relayedWorkspace(m_fixture, *m_relay, QStringLiteral("diego"), &error);
    QVERIFY2(m_diego, qPrintable(error));
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());
}

void TestReviewsPane::cleanupTestCase()
{
    m_pane.reset();
    m_diego.reset();
}

void TestReviewsPane::recordThreeReviewDecisionsOfflineThenSync()
{
    m_pane = std::make_unique<ReviewsPane>(*m_diego);
    m_pane->resize(1100, 700);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    QCOMPARE(m_pane->objectName(), QStringLiteral("reviewsPane"));
    QSignalSpy badges(m_pane.get(), &Pane::badgeChanged);
    QSignalSpy banners(m_pane.get(), &Pane::bannerRequested);

    auto* reviews = child<QTreeView>(QStringLiteral("reviewsView"));
    auto* decisions = child<QTreeView>(QStringLiteral("decisionsView"));
    auto* reason = child<QLineEdit>(QStringLiteral("reasonEdit"));
    auto* approve = child<QPushButton>(QStringLiteral("approveDecisionButton"));
    auto* status = child<QLabel>(QStringLiteral("reviewsStatusLabel"));
    QVERIFY(reviews && decisions && reason && approve && status);
    QVERIFY(child<QPushButton>(QStringLiteral("denyDecisionButton")));
    QVERIFY(child<QPushButton>(QStringLiteral("dontKnowButton")));
    QVERIFY(child<QPushButton>(QStringLiteral("acceptRecommendationsButton")));
    QVERIFY(child<QPushButton>(QStringLiteral("syncIssuesButton")));

    // The cache shows at once: diego's review, 0 of N decided, its decisions listed.
    QCOMPARE(reviews->model()->rowCount(), 1);
    QCOMPARE(cell(reviews, 0, ReviewsModel::NameColumn), QStringLiteral("Helpdesk Administrator: quarterly review"));
    const int total = decisions->model()->rowCount();
    QVERIFY(total >= 20);
    QCOMPARE(cell(reviews, 0, ReviewsModel::ProgressColumn), QStringLiteral("0 / %1").arg(total));
    QVERIFY(!approve->isEnabled()); // nothing selected

    // The backend goes away for real.
    m_relay->stop();
    const QString definitionId = reviews->model()->index(0, 0).data(ReviewsModel::IdRole).toString();

    // Three decisions, chosen with the mouse, approved with a reason.
    clickRow(decisions, 0);
    clickRow(decisions, 1, Qt::ControlModifier);
    clickRow(decisions, 2, Qt::ControlModifier);
    QCOMPARE(decisions->selectionModel()->selectedRows().size(), 3);
    QStringList ids;
    for (int row = 0; row < 3; ++row) {
        ids << decisions->model()->index(row, 0).data(DecisionsModel::IdRole).toString();
    }
    QVERIFY(!approve->isEnabled()); // this review asks for a reason to approve
    QTest::keyClicks(reason, QStringLiteral("Still on the helpdesk rota"));
    QVERIFY(approve->isEnabled());
    QTest::mouseClick(approve, Qt::LeftButton);

    for (const QString& id : ids) {
        QTRY_COMPARE_WITH_TIMEOUT(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn),
                                  QStringLiteral("not yet sent"), 60000);
        QCOMPARE(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::DecisionColumn), QStringLiteral("Approve"));
    }
    QTRY_VERIFY_WITH_TIMEOUT(approve->isEnabled(), 60000); // the run finished
    QCOMPARE(m_diego->engine()->state(), ConnectionState::Offline);
    QVERIFY2(status->text().startsWith(QStringLiteral("Offline")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QStringLiteral("ago")) || status->text().contains(QStringLiteral("just now")),
             qPrintable(status->text()));
    QCOMPARE(cell(reviews, 0, ReviewsModel::ProgressColumn), QStringLiteral("3 / %1").arg(total));
    QVERIFY(!badges.isEmpty());
    QCOMPARE(badges.last().at(0).toInt(), total - 3);
    QVERIFY(!banners.isEmpty());
    QVERIFY2(banners.last().at(0).value<Banner>().text.contains(QStringLiteral("offline")),
             qPrintable(banners.last().at(0).value<Banner>().text));
    QCOMPARE(m_diego->outbox()->pendingCount(), 3);
    QVERIFY(child<QPushButton>(QStringLiteral("syncIssuesButton"))->text().contains(QStringLiteral("3 waiting")));
    // The server has nothing yet.
    for (const QString& id : ids) {
        QCOMPARE(serverValue(QStringLiteral("SELECT decision FROM review_decisions WHERE id = ?"), {id}).toString(),
                 QStringLiteral("NotReviewed"));
    }

    // The backend comes back: the engine's probe finds it, drains the outbox and pulls; the rows
    // show the server's decisions, nothing waits.
    QVERIFY(m_relay->start());
    for (const QString& id : ids) {
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn).startsWith(QStringLiteral("recorded")),
            60000);
        QCOMPARE(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::DecisionColumn), QStringLiteral("Approve"));
    }
    QCOMPARE(m_diego->engine()->state(), ConnectionState::Online);
    QCOMPARE(m_diego->outbox()->pendingCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Updated")), 60000);
    QCOMPARE(cell(reviews, 0, ReviewsModel::ProgressColumn), QStringLiteral("3 / %1").arg(total));
    QCOMPARE(badges.last().at(0).toInt(), total - 3);
    // Each decision is on the server once: the decision, its reason, one audit record.
    for (const QString& id : ids) {
        QCOMPARE(serverValue(QStringLiteral("SELECT decision FROM review_decisions WHERE id = ?"), {id}).toString(),
                 QStringLiteral("Approve"));
        QCOMPARE(serverValue(QStringLiteral("SELECT justification FROM review_decisions WHERE id = ?"), {id}).toString(),
                 QStringLiteral("Still on the helpdesk rota"));
        QCOMPARE(serverValue(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Approve decision' "
                                            "AND body LIKE ?"),
                             {QString(QStringLiteral("%") + id + QStringLiteral("%"))})
                     .toInt(),
                 1);
    }
    QCOMPARE(serverValue(QStringLiteral("SELECT COUNT(*) FROM review_decisions WHERE decision <> 'NotReviewed'")).toInt(), 3);
    Q_UNUSED(definitionId)

    // Ctrl+F finds a person among the decisions.
    m_pane->focusFind();
    auto* filter = child<QLineEdit>(QStringLiteral("decisionFilterEdit"));
    QVERIFY(filter && filter->hasFocus());
    const QString someone = cell(decisions, 5, DecisionsModel::PrincipalColumn);
    QTest::keyClicks(filter, someone);
    QCOMPARE(decisions->model()->rowCount(), 1);
    QCOMPARE(cell(decisions, 0, DecisionsModel::PrincipalColumn), someone);
    filter->clear();
    QCOMPARE(decisions->model()->rowCount(), total);
}

void TestReviewsPane::conflictShowsInSyncIssuesWithRetryAndDiscard()
{
    QVERIFY(m_pane);
    // A second review for diego, which an administrator will stop while diego is offline.
    Server::Caller adele;
    adele.userId = serverValue(QStringLiteral("SELECT id FROM users WHERE user_name = 'adele'")).toString();
    adele.displayName = QStringLiteral("Adele Vance");
    adele.isAdmin = true;
    const QString diego = serverValue(QStringLiteral("SELECT id FROM users WHERE user_name = 'diego'")).toString();
    QVERIFY(!adele.userId.isEmpty() && !diego.isEmpty());
    const auto def = m_fixture.server().engine().createReview(adele, QStringLiteral("Helpdesk: conflict drill"),
                                                              PimKind::DirectoryRole,
                                                              QStringLiteral("729827e3-9c14-49f7-bb1b-9608f156bbb8"),
                                                              {diego}, 7, false);
    QVERIFY(def.ok());
    QCOMPARE(synced(*m_diego->engine(), SyncCollection::Reviews), QString());

    auto* reviews = child<QTreeView>(QStringLiteral("reviewsView"));
    auto* decisions = child<QTreeView>(QStringLiteral("decisionsView"));
    auto* reason = child<QLineEdit>(QStringLiteral("reasonEdit"));
    auto* deny = child<QPushButton>(QStringLiteral("denyDecisionButton"));
    auto* syncIssues = child<QPushButton>(QStringLiteral("syncIssuesButton"));
    QTRY_COMPARE(reviews->model()->rowCount(), 2);
    int drill = -1;
    for (int row = 0; row < 2; ++row) {
        if (cell(reviews, row, ReviewsModel::NameColumn) == QStringLiteral("Helpdesk: conflict drill")) {
            drill = row;
        }
    }
    QVERIFY(drill >= 0);
    clickRow(reviews, drill);
    QVERIFY(decisions->model()->rowCount() > 0);
    const QString instanceId = reviews->model()->index(drill, 0).data(ReviewsModel::InstanceIdRole).toString();

    // Offline: diego denies one decision.
    m_relay->stop();
    clickRow(decisions, 0);
    const QString id = decisions->model()->index(0, 0).data(DecisionsModel::IdRole).toString();
    reason->clear();
    QTest::keyClicks(reason, QStringLiteral("Moved to finance"));
    QTest::mouseClick(deny, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn),
                              QStringLiteral("not yet sent"), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(deny->isEnabled(), 60000);

    // Meanwhile the review is stopped on the server; the backend comes back and refuses.
    QVERIFY(m_fixture.server().engine().stopReview(adele, def->id, instanceId).ok());
    QSignalSpy banners(m_pane.get(), &Pane::bannerRequested);
    QSignalSpy settled(m_diego->engine(), &SyncEngine::outboxItemSettled);
    QVERIFY(m_relay->start());
    QTRY_VERIFY_WITH_TIMEOUT(
        cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn).startsWith(QStringLiteral("conflict: ")),
        60000);
    QVERIFY(!banners.isEmpty());
    QCOMPARE(banners.first().at(0).value<Banner>().level, Banner::Level::Warning);
    QVERIFY(syncIssues->text().contains(QStringLiteral("(1)")));

    // Sync issues lists it with the server's words.
    QTest::mouseClick(syncIssues, Qt::LeftButton);
    auto* dialog = m_pane->findChild<QDialog*>(QStringLiteral("syncIssuesDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto* view = dialog->findChild<QTreeView*>(QStringLiteral("syncIssuesView"));
    auto* retry = dialog->findChild<QPushButton*>(QStringLiteral("retryButton"));
    auto* discard = dialog->findChild<QPushButton*>(QStringLiteral("discardButton"));
    QVERIFY(view && retry && discard);
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(cell(view, 0, 1), QStringLiteral("conflict"));
    QVERIFY2(cell(view, 0, 0).startsWith(QStringLiteral("Deny ")), qPrintable(cell(view, 0, 0)));
    QVERIFY2(cell(view, 0, 2).contains(QStringLiteral("ended")), qPrintable(cell(view, 0, 2)));
    QVERIFY(!retry->isEnabled());
    clickRow(view, 0);
    QVERIFY(retry->isEnabled() && discard->isEnabled());

    // Retry: sent again, refused again (the review is still stopped), still listed.
    settled.clear();
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!settled.isEmpty(), 60000);
    QCOMPARE(settled.first().at(1).value<Cache::OutboxItem::State>(), Cache::OutboxItem::State::Conflict);
    QTRY_COMPARE(cell(view, 0, 1), QStringLiteral("conflict"));
    QCOMPARE(view->model()->rowCount(), 1);

    // Discard: gone from the outbox, the list and the decision's row.
    clickRow(view, 0);
    QTest::mouseClick(discard, Qt::LeftButton);
    QVERIFY(answerQuestion(dialog, QStringLiteral("confirmDiscard"), false)); // Cancel keeps it
    QCOMPARE(view->model()->rowCount(), 1);
    const QList<Cache::OutboxItem> kept = m_diego->outbox()->list();
    QVERIFY(std::any_of(kept.cbegin(), kept.cend(),
                        [](const Cache::OutboxItem& item) { return item.state == Cache::OutboxItem::State::Conflict; }));
    QTest::mouseClick(discard, Qt::LeftButton);
    QVERIFY(answerQuestion(dialog, QStringLiteral("confirmDiscard"), true));
    QCOMPARE(view->model()->rowCount(), 0);
    QCOMPARE(m_diego->outbox()->pendingCount(), 0);
    for (const Cache::OutboxItem& item : m_diego->outbox()->list()) {
        QCOMPARE(item.state, Cache::OutboxItem::State::Sent);
    }
    QCOMPARE(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn).startsWith(QStringLiteral("conflict")),
             false);
    QVERIFY(!syncIssues->text().contains(QStringLiteral("(")));
    // The server never applied it.
    QCOMPARE(serverValue(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Deny decision' AND body LIKE ?"),
                         {QString(QStringLiteral("%") + id + QStringLiteral("%"))})
                 .toInt(),
             0);
    dialog->close();
}

void TestReviewsPane::decisionsShowAtOnceWhenTheNetworkHangs()
{
    QVERIFY(m_pane);
    auto* reviews = child<QTreeView>(QStringLiteral("reviewsView"));
    auto* decisions = child<QTreeView>(QStringLiteral("decisionsView"));
    auto* reason = child<QLineEdit>(QStringLiteral("reasonEdit"));
    auto* approve = child<QPushButton>(QStringLiteral("approveDecisionButton"));
    int quarterly = -1;
    for (int row = 0; row < reviews->model()->rowCount(); ++row) {
        if (cell(reviews, row, ReviewsModel::NameColumn) == QStringLiteral("Helpdesk Administrator: quarterly review")) {
            quarterly = row;
        }
    }
    QVERIFY(quarterly >= 0);
    clickRow(reviews, quarterly);
    QCOMPARE(cell(decisions, 3, DecisionsModel::DecisionColumn), QStringLiteral("Not reviewed"));
    QCOMPARE(cell(decisions, 4, DecisionsModel::DecisionColumn), QStringLiteral("Not reviewed"));
    const QStringList ids{decisions->model()->index(3, 0).data(DecisionsModel::IdRole).toString(),
                          decisions->model()->index(4, 0).data(DecisionsModel::IdRole).toString()};

    // The link dies without a refusal: requests hang. The rows must not wait for them.
    m_relay->hold();
    clickRow(decisions, 3);
    clickRow(decisions, 4, Qt::ControlModifier);
    reason->clear();
    QTest::keyClicks(reason, QStringLiteral("Covers the night shift"));
    QTest::mouseClick(approve, Qt::LeftButton);
    for (const QString& id : ids) {
        QCOMPARE(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn), QStringLiteral("not yet sent"));
        QCOMPARE(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::DecisionColumn), QStringLiteral("Approve"));
    }
    QVERIFY(!approve->isEnabled()); // the send is still out

    // The link breaks for good, then comes back: both are sent once.
    m_relay->stop();
    QTRY_VERIFY_WITH_TIMEOUT(approve->isEnabled(), 60000);
    QVERIFY(m_relay->start());
    for (const QString& id : ids) {
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn).startsWith(QStringLiteral("recorded")),
            60000);
        QCOMPARE(serverValue(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Approve decision' AND body LIKE ?"),
                             {QString(QStringLiteral("%") + id + QStringLiteral("%"))})
                     .toInt(),
                 1);
    }

    // Offline again, "Accept recommendations" settles the rest: shown at once, sent on return.
    QSignalSpy badges(m_pane.get(), &Pane::badgeChanged);
    auto* accept = child<QPushButton>(QStringLiteral("acceptRecommendationsButton"));
    QVERIFY(accept->isEnabled());
    QStringList rest;
    for (int row = 0; row < decisions->model()->rowCount(); ++row) {
        const auto recommendation = ReviewRecommendation(
            decisions->model()->index(row, DecisionsModel::RecommendationColumn).data(DecisionsModel::RawValueRole).toInt());
        if (cell(decisions, row, DecisionsModel::DecisionColumn) == QStringLiteral("Not reviewed")
            && (recommendation == ReviewRecommendation::Approve || recommendation == ReviewRecommendation::Deny)) {
            rest << decisions->model()->index(row, 0).data(DecisionsModel::IdRole).toString();
        }
    }
    QVERIFY(!rest.isEmpty());
    m_relay->stop();
    QTest::mouseClick(accept, Qt::LeftButton);
    for (const QString& id : rest) {
        QCOMPARE(cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn), QStringLiteral("not yet sent"));
    }
    QTRY_VERIFY_WITH_TIMEOUT(!badges.isEmpty(), 60000);
    const int openAfter = decisions->model()->rowCount() - int(serverValue(
        QStringLiteral("SELECT COUNT(*) FROM review_decisions WHERE instance_id = ? AND decision <> 'NotReviewed'"),
        {reviews->model()->index(quarterly, 0).data(ReviewsModel::InstanceIdRole)}).toInt()) - int(rest.size());
    QCOMPARE(badges.last().at(0).toInt(), openAfter);
    QVERIFY(m_relay->start());
    for (const QString& id : rest) {
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(decisions, rowOfDecision(decisions, id), DecisionsModel::StateColumn).startsWith(QStringLiteral("recorded")),
            60000);
    }
    QCOMPARE(serverValue(QStringLiteral("SELECT COUNT(*) FROM review_decisions WHERE instance_id = ? AND decision = 'NotReviewed'"),
                         {reviews->model()->index(quarterly, 0).data(ReviewsModel::InstanceIdRole)})
                 .toInt(),
             openAfter);
    QCOMPARE(serverValue(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE activity = 'Accept recommendations'")).toInt(), 1);
}

QTEST_MAIN(TestReviewsPane)
#include "TestReviewsPane.moc"
