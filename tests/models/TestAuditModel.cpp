// AuditModel over a real SQLite archive written directly with a few thousand generated events:
// the window stays small while every row reads back in the archive's order, each filter's rows
// and count match an independent reference, refresh() emits the smallest change, a failed read
// keeps the rows. QAbstractItemModelTester watches every model from before its first filter.
#include "AuditFixtures.h"
#include "AuditModel.h"
#include "AuditStore.h"
#include "CacheDatabase.h"
#include "Format.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Elevate;
using namespace Elevate::Cache;
using Elevate::Models::AuditModel;
using Elevate::Testing::AuditGenerator;

namespace {

constexpr int EventCount = 3000;

QString actorOf(const AuditEvent& e)
{
    return e.initiatedByUser ? e.initiatedByUser->id : (e.initiatedByApp ? e.initiatedByApp->appId : QString());
}

QString roleOf(const AuditEvent& e)
{
    for (const auto& t : e.targetResources) {
        if (t.type == u"Role") {
            return t.id;
        }
    }
    return {};
}

// The reference's filter, independent of AuditStore (the text check is a plain word test on the
// fields the generator fills with words).
bool matches(const AuditEvent& e, const AuditQuery& q)
{
    if (!q.from.isNull() && e.activityDateTime < q.from) {
        return false;
    }
    if (!q.to.isNull() && e.activityDateTime > q.to) {
        return false;
    }
    if (!q.actor.isEmpty() && actorOf(e) != q.actor) {
        return false;
    }
    if (!q.target.isEmpty() && roleOf(e) != q.target) {
        return false;
    }
    if (!q.activity.isEmpty() && e.activityDisplayName != q.activity) {
        return false;
    }
    if (q.result && e.result != *q.result) {
        return false;
    }
    if (!q.text.isEmpty()) {
        const QStringList words = e.resultReason.split(u' ');
        if (!words.contains(q.text)) {
            return false;
        }
    }
    return true;
}

} // namespace

class TestAuditModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void columnsAndHeaders();
    void initiatorWithoutANameIsStillShown();
    void windowReadsEveryRowInOrder();
    void jumpFarDownReadsTheRightRows();
    void jumpsLandRightWhenEventsShareASecond();
    void filters_data();
    void filters();
    void setFilterResetsOnce();
    void countLaterInsertsTheRestOnce();
    void refreshWithNothingNewIsSilent();
    void refreshInsertsNewEventsAtTheTop();
    void refreshAfterALateEventResets();
    void refreshIntoAnEmptyFilterInserts();
    void relatedEventsShareTheCorrelationId();
    void activationsPerDayMatchesTheEvents();
    void pickerValuesAreTheArchivedOnes();
    void failedRefreshKeepsTheRows();

private:
    AuditEvent makeEvent(const Timestamp& at);
    bool add(const QList<AuditEvent>& events);
    QList<AuditEvent> expected(const AuditQuery& q) const;

    QTemporaryDir m_dir;
    CacheDatabase m_db;
    std::unique_ptr<AuditStore> m_store;
    std::unique_ptr<AuditGenerator> m_gen;
    QList<AuditEvent> m_events; // newest first
    Timestamp m_newest;
    std::unique_ptr<AuditModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

AuditEvent TestAuditModel::makeEvent(const Timestamp& at)
{
    return m_gen->next(at);
}

bool TestAuditModel::add(const QList<AuditEvent>& events)
{
    const std::optional<int> n = m_store->merge(events);
    if (!n || *n != events.size()) {
        return false;
    }
    m_events << events;
    std::sort(m_events.begin(), m_events.end(),
              [](const AuditEvent& a, const AuditEvent& b) { return a.activityDateTime > b.activityDateTime; });
    return true;
}

QList<AuditEvent> TestAuditModel::expected(const AuditQuery& q) const
{
    QList<AuditEvent> out;
    for (const AuditEvent& e : m_events) {
        if (matches(e, q)) {
            out << e;
        }
    }
    return out;
}

void TestAuditModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_db.open(m_dir.filePath(QStringLiteral("cache.db"))), qPrintable(m_db.lastError()));
    m_store = std::make_unique<AuditStore>(m_db);
    m_gen = std::make_unique<AuditGenerator>(77, 40, 8, 200);
    m_newest = *Timestamp::fromIso(u"2026-11-20T12:00:00Z");
    // Strictly decreasing times, ~10 minutes apart: three weeks of events.
    QList<AuditEvent> page;
    for (int i = 0; i < EventCount; ++i) {
        page << makeEvent(m_newest.plusSeconds(-qint64(i) * 600 - (i % 7)));
        if (page.size() == 500) {
            QVERIFY(add(page));
            page.clear();
        }
    }
    QVERIFY(add(page));
    QCOMPARE(m_store->size(), qint64(EventCount));
}

void TestAuditModel::init()
{
    m_tester.reset();
    m_model = std::make_unique<AuditModel>(*m_store);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestAuditModel::columnsAndHeaders()
{
    QCOMPARE(m_model->rowCount(), 0);
    m_model->setFilter({});
    QCOMPARE(m_model->columnCount(), int(AuditModel::ColumnCount));
    QCOMPARE(m_model->headerData(AuditModel::TimeColumn, Qt::Horizontal).toString(), QStringLiteral("Time"));
    QCOMPARE(m_model->headerData(AuditModel::InitiatedByColumn, Qt::Horizontal).toString(), QStringLiteral("Initiated by"));
    QCOMPARE(m_model->headerData(AuditModel::ReasonColumn, Qt::Horizontal).toString(), QStringLiteral("Reason"));

    const AuditEvent& first = m_events.first();
    const QModelIndex time = m_model->index(0, AuditModel::TimeColumn);
    QCOMPARE(time.data().toString(), Models::Format::dateTime(first.activityDateTime));
    QCOMPARE(time.data(AuditModel::RawValueRole).toDateTime(), first.activityDateTime.toDateTime());
    QCOMPARE(time.data(AuditModel::IdRole).toString(), first.id);
    QCOMPARE(time.data(AuditModel::CorrelationIdRole).toString(), first.correlationId);
    QCOMPARE(m_model->index(0, AuditModel::ActivityColumn).data().toString(), first.activityDisplayName);
    const QString initiator = first.initiatorName();
    QCOMPARE(m_model->index(0, AuditModel::InitiatedByColumn).data().toString(), initiator);
    QCOMPARE(m_model->index(0, AuditModel::TargetColumn).data().toString(), first.targetResources.first().displayName);
    QCOMPARE(m_model->index(0, AuditModel::ResultColumn).data(AuditModel::RawValueRole).toInt(), int(first.result));
    QCOMPARE(m_model->index(0, AuditModel::ReasonColumn).data().toString(), first.resultReason);
}

void TestAuditModel::initiatorWithoutANameIsStillShown()
{
    QTemporaryDir dir;
    CacheDatabase db;
    QVERIFY(db.open(dir.filePath(QStringLiteral("names.db"))));
    AuditStore store(db);
    AuditGenerator gen(3);
    AuditEvent byId = gen.next(m_newest);
    byId.initiatedByUser = AuditEvent::UserInitiator{};
    byId.initiatedByUser->id = QStringLiteral("08bfb0d0-84a9-4970-a133-4e4abd418857");
    AuditEvent bySystem = gen.next(m_newest.plusSeconds(-60));
    bySystem.initiatedByUser.reset();
    bySystem.initiatedByApp.reset();
    QVERIFY(store.merge({byId, bySystem}));
    AuditModel model(store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter({});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, AuditModel::InitiatedByColumn).data().toString(), byId.initiatedByUser->id);
    QCOMPARE(model.index(1, AuditModel::InitiatedByColumn).data().toString(), QStringLiteral("System"));
}

void TestAuditModel::windowReadsEveryRowInOrder()
{
    m_model->setFilter({});
    QCOMPARE(m_model->rowCount(), EventCount);
    QCOMPARE(m_model->totalCount(), qint64(EventCount));
    QCOMPARE(m_model->windowSize(), AuditModel::PageSize); // only the first block after the filter
    int largest = 0;
    for (int row = 0; row < EventCount; ++row) {
        QCOMPARE(m_model->index(row, 0).data(AuditModel::IdRole).toString(), m_events.at(row).id);
        largest = std::max(largest, m_model->windowSize());
    }
    QVERIFY(largest <= AuditModel::MaxBlocks * AuditModel::PageSize);
    QVERIFY(largest < EventCount);
}

void TestAuditModel::jumpFarDownReadsTheRightRows()
{
    m_model->setFilter({});
    for (int row : {2999, 1234, 2600, 1, 2000, 399, 400}) {
        QCOMPARE(m_model->index(row, 0).data(AuditModel::IdRole).toString(), m_events.at(row).id);
        QCOMPARE(m_model->fullEvent(row)->id, m_events.at(row).id);
    }
    QVERIFY(m_model->windowSize() <= AuditModel::MaxBlocks * AuditModel::PageSize);
    // Then scrolling on from a far row reads the rows after it.
    for (int row = 2990; row < EventCount; ++row) {
        QCOMPARE(m_model->index(row, 0).data(AuditModel::IdRole).toString(), m_events.at(row).id);
    }
    // Within a bounded filter too.
    AuditQuery q;
    q.from = m_newest.plusSeconds(-15 * 86400);
    q.to = m_newest.plusSeconds(-86400);
    q.result = AuditResult::Success;
    const QList<AuditEvent> want = expected(q);
    m_model->setFilter(q);
    QCOMPARE(m_model->rowCount(), int(want.size()));
    for (int row : {int(want.size()) - 1, int(want.size()) / 2, 1500, 1501, 1700, 1203, int(want.size()) - 2}) {
        QCOMPARE(m_model->index(row, 0).data(AuditModel::IdRole).toString(), want.at(row).id);
    }
}

void TestAuditModel::jumpsLandRightWhenEventsShareASecond()
{
    // Its own archive: 2,000 events, 50 in each second.
    QTemporaryDir dir;
    CacheDatabase db;
    QVERIFY(db.open(dir.filePath(QStringLiteral("ties.db"))));
    AuditStore store(db);
    AuditGenerator gen(9);
    QList<AuditEvent> events;
    for (int i = 0; i < 2000; ++i) {
        events << gen.next(m_newest.plusSeconds(-(i / 50)));
    }
    QVERIFY(store.merge(events));
    AuditModel model(store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter({});
    // The archive's own order among equal times is its business: compare with its pages.
    AuditQuery all;
    all.limit = AuditStore::MaxLimit;
    const QList<AuditEvent> order = store.query(all).rows;
    QCOMPARE(order.size(), 2000);
    for (int row : {1999, 1234, 1025, 1024, 1500, 1201}) {
        QCOMPARE(model.index(row, 0).data(AuditModel::IdRole).toString(), order.at(row).id);
    }
}

void TestAuditModel::filters_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("actor") << 0;
    QTest::newRow("role") << 1;
    QTest::newRow("activity") << 2;
    QTest::newRow("result") << 3;
    QTest::newRow("word") << 4;
    QTest::newRow("time range") << 5;
    QTest::newRow("actor, result and range") << 6;
    QTest::newRow("unknown actor") << 7;
}

void TestAuditModel::filters()
{
    QFETCH(int, kind);
    AuditQuery q;
    const AuditEvent& some = m_events.at(17);
    switch (kind) {
    case 0:
        q.actor = AuditGenerator::actorId(0);
        break;
    case 1:
        q.target = AuditGenerator::roleId(1);
        break;
    case 2:
        q.activity = AuditGenerator::activities().at(4);
        break;
    case 3:
        q.result = AuditResult::Failure;
        break;
    case 4:
        q.text = QStringLiteral("incident");
        break;
    case 5:
        q.from = m_newest.plusSeconds(-5 * 86400);
        q.to = m_newest.plusSeconds(-2 * 86400);
        break;
    case 6:
        q.actor = actorOf(some);
        q.result = AuditResult::Success;
        q.from = m_newest.plusSeconds(-10 * 86400);
        break;
    case 7:
        q.actor = QStringLiteral("nobody");
        break;
    }
    const QList<AuditEvent> want = expected(q);
    if (kind != 7) {
        QVERIFY2(want.size() > 5, "the filter should match a few events");
        QVERIFY(want.size() < EventCount);
    }
    QSignalSpy counted(m_model.get(), &AuditModel::totalCountChanged);
    m_model->setFilter(q);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(counted.first().first().toLongLong(), qint64(want.size()));
    QCOMPARE(m_model->rowCount(), int(want.size()));
    QCOMPARE(m_model->totalCount(), m_store->count(q));
    for (int row = 0; row < want.size(); ++row) {
        QCOMPARE(m_model->index(row, 0).data(AuditModel::IdRole).toString(), want.at(row).id);
    }
}

void TestAuditModel::setFilterResetsOnce()
{
    QSignalSpy aboutToReset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setFilter({});
    AuditQuery q;
    q.activity = AuditGenerator::activities().at(0);
    m_model->setFilter(q);
    QCOMPARE(aboutToReset.size(), 2);
    QCOMPARE(reset.size(), 2);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_model->rowCount(), int(expected(q).size()));
}

void TestAuditModel::countLaterInsertsTheRestOnce()
{
    m_model->setCountLater(true);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy counted(m_model.get(), &AuditModel::totalCountChanged);
    AuditQuery q;
    q.result = AuditResult::Success;
    const QList<AuditEvent> want = expected(q);
    // The first block at once, the count one event-loop turn later.
    m_model->setFilter(q);
    QCOMPARE(reset.size(), 1);
    QVERIFY(m_model->isCounting());
    QCOMPARE(m_model->rowCount(), AuditModel::PageSize);
    QCOMPARE(m_model->index(199, 0).data(AuditModel::IdRole).toString(), want.at(199).id);
    QTRY_VERIFY(!m_model->isCounting());
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), AuditModel::PageSize);
    QCOMPARE(inserted.first().at(2).toInt(), int(want.size()) - 1);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(m_model->rowCount(), int(want.size()));
    QCOMPARE(m_model->index(int(want.size()) - 1, 0).data(AuditModel::IdRole).toString(), want.last().id);

    // Typing on before the count ran: only the last filter is counted.
    reset.clear();
    inserted.clear();
    counted.clear();
    AuditQuery word;
    word.text = QStringLiteral("incident");
    m_model->setFilter(q);
    m_model->setFilter(word);
    QTRY_VERIFY(!m_model->isCounting());
    QCOMPARE(reset.size(), 2);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(m_model->rowCount(), int(expected(word).size()));

    // A filter that fits in one block needs no count.
    AuditQuery actor;
    actor.actor = QStringLiteral("nobody");
    m_model->setFilter(actor);
    QVERIFY(!m_model->isCounting());
    QCOMPARE(m_model->rowCount(), 0);
}

void TestAuditModel::refreshWithNothingNewIsSilent()
{
    m_model->setFilter({});
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy counted(m_model.get(), &AuditModel::totalCountChanged);
    m_model->refresh();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(counted.size(), 0);
}

void TestAuditModel::refreshInsertsNewEventsAtTheTop()
{
    m_model->setFilter({});
    // Read deep rows first, so the model holds cursors far down that must move with their rows.
    QCOMPARE(m_model->index(1000, 0).data(AuditModel::IdRole).toString(), m_events.at(1000).id);
    QCOMPARE(m_model->index(2500, 0).data(AuditModel::IdRole).toString(), m_events.at(2500).id);
    const QString old1000 = m_events.at(1000).id;
    const QString old2500 = m_events.at(2500).id;

    QList<AuditEvent> fresh;
    for (int i = 5; i >= 1; --i) {
        fresh << makeEvent(m_newest.plusSeconds(i * 60));
    }
    m_newest = m_newest.plusSeconds(5 * 60);
    QVERIFY(add(fresh));

    QSignalSpy aboutToInsert(m_model.get(), &QAbstractItemModel::rowsAboutToBeInserted);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy counted(m_model.get(), &AuditModel::totalCountChanged);
    m_model->refresh();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(aboutToInsert.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 4);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(m_model->rowCount(), int(m_events.size()));
    QCOMPARE(m_model->index(0, 0).data(AuditModel::IdRole).toString(), fresh.first().id);
    QCOMPARE(m_model->index(1005, 0).data(AuditModel::IdRole).toString(), old1000);
    QCOMPARE(m_model->index(2505, 0).data(AuditModel::IdRole).toString(), old2500);
    for (int row = 0; row < m_events.size(); row += 97) {
        QCOMPARE(m_model->index(row, 0).data(AuditModel::IdRole).toString(), m_events.at(row).id);
    }
}

void TestAuditModel::refreshAfterALateEventResets()
{
    m_model->setFilter({});
    // An event that arrived late: older than the newest, it lands inside the list.
    QVERIFY(add({makeEvent(m_events.at(1500).activityDateTime.plusSeconds(1))}));
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_model->refresh();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(m_model->rowCount(), int(m_events.size()));
    QCOMPARE(m_model->index(1500, 0).data(AuditModel::IdRole).toString(), m_events.at(1500).id);
}

void TestAuditModel::refreshIntoAnEmptyFilterInserts()
{
    AuditQuery q;
    q.text = QStringLiteral("zeppelin");
    m_model->setFilter(q);
    QCOMPARE(m_model->rowCount(), 0);
    AuditEvent e = makeEvent(m_newest.plusSeconds(60));
    m_newest = e.activityDateTime;
    e.resultReason = QStringLiteral("zeppelin maintenance");
    QVERIFY(add({e}));
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->refresh();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->index(0, 0).data(AuditModel::IdRole).toString(), e.id);
}

void TestAuditModel::relatedEventsShareTheCorrelationId()
{
    const Timestamp base = m_newest.plusSeconds(-3 * 86400 + 30);
    QList<AuditEvent> request;
    for (int i = 0; i < 3; ++i) {
        AuditEvent e = makeEvent(base.plusSeconds(i * 3600 + 1));
        e.correlationId = QStringLiteral("c0ffee00-0000-4000-8000-000000000001");
        e.targetResources.first().id = AuditGenerator::roleId(2);
        request << e;
    }
    QVERIFY(add(request));
    m_model->setFilter({});
    const QList<AuditEvent> related = m_model->relatedEvents(request.at(1));
    QCOMPARE(related.size(), 2);
    QCOMPARE(related.at(0).id, request.at(0).id); // oldest first
    QCOMPARE(related.at(1).id, request.at(2).id);
    QVERIFY(m_model->relatedEvents(m_events.at(40)).isEmpty());
}

void TestAuditModel::activationsPerDayMatchesTheEvents()
{
    AuditQuery q;
    q.from = m_newest.plusSeconds(-6 * 86400);
    m_model->setFilter(q);
    const auto days = m_model->activationsPerDay();
    QVERIFY(!days.isEmpty());
    // The reference: whole UTC days from the first day the range touches.
    const QDate first = q.from.toDateTime().toUTC().date();
    QMap<QDate, qint64> want;
    for (const AuditEvent& e : m_events) {
        const QDate d = e.activityDateTime.toDateTime().toUTC().date();
        if (d >= first && AuditModel::activationActivities().contains(e.activityDisplayName)) {
            want[d] += 1;
        }
    }
    QCOMPARE(days.size(), want.size());
    for (const auto& [day, n] : days) {
        QCOMPARE(n, want.value(day));
    }
}

void TestAuditModel::pickerValuesAreTheArchivedOnes()
{
    QSet<QString> actors, roles, activities;
    for (const AuditEvent& e : m_events) {
        actors << actorOf(e);
        roles << roleOf(e);
        activities << e.activityDisplayName;
    }
    const auto keys = [this](AuditStore::Column c) {
        QSet<QString> out;
        for (const auto& [key, label] : m_model->values(c)) {
            out << key;
        }
        return out;
    };
    QCOMPARE(keys(AuditStore::Column::Actor), actors);
    QCOMPARE(keys(AuditStore::Column::Target), roles);
    QCOMPARE(keys(AuditStore::Column::Activity), activities);
    // Labels are the names a user types.
    bool found = false;
    for (const auto& [key, label] : m_model->values(AuditStore::Column::Actor)) {
        if (key == AuditGenerator::actorId(0)) {
            QCOMPARE(label, QStringLiteral("User 0 Example"));
            found = true;
        }
    }
    QVERIFY(found);
}

void TestAuditModel::failedRefreshKeepsTheRows()
{
    // Its own archive, broken after the first read.
    QTemporaryDir dir;
    CacheDatabase db;
    QVERIFY(db.open(dir.filePath(QStringLiteral("broken.db"))));
    AuditStore store(db);
    AuditGenerator gen(5);
    QList<AuditEvent> events;
    for (int i = 0; i < 300; ++i) {
        events << gen.next(m_newest.plusSeconds(-i * 60));
    }
    QVERIFY(store.merge(events));
    AuditModel model(store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter({});
    QCOMPARE(model.rowCount(), 300);
    QVERIFY(db.connection().execDirect(QStringLiteral("DROP TABLE audit_events")));
    QVERIFY(db.connection().execDirect(QStringLiteral("DROP TABLE audit_daycount")));
    QSignalSpy failed(&model, &AuditModel::loadFailed);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.refresh();
    QCOMPARE(failed.size(), 1);
    QVERIFY(!failed.first().first().toString().isEmpty());
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(model.rowCount(), 300);
    QCOMPARE(model.index(0, 0).data(AuditModel::IdRole).toString(), events.first().id);
}

QTEST_GUILESS_MAIN(TestAuditModel)
#include "TestAuditModel.moc"
