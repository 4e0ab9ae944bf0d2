#include "AuditFixtures.h"
#include "AuditStore.h"
#include "AuditText.h"
#include "AuditTextIndexer.h"
#include "CacheDatabase.h"
#include "GraphCodec.h"
#include "SqliteConnection.h"

#include <QBuffer>
#include <QFile>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QRandomGenerator>
#include <QUuid>

#include <algorithm>
#include <functional>
#include <memory>

#include <csignal>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Elevate;
using namespace Elevate::Cache;
using Elevate::Testing::AuditGenerator;

namespace {

// The reference's idea of which words an event can be found by (independent of AuditStore).
QSet<QString> wordsOf(const AuditEvent& e)
{
    QStringList texts{e.activityDisplayName, e.resultReason};
    if (e.initiatedByUser) {
        texts << e.initiatedByUser->displayName << e.initiatedByUser->userPrincipalName;
    }
    if (e.initiatedByApp) {
        texts << e.initiatedByApp->displayName;
    }
    for (const auto& t : e.targetResources) {
        texts << t.displayName << t.userPrincipalName;
    }
    for (const auto& kv : e.additionalDetails) {
        if (QUuid::fromString(kv.value).isNull()) {
            texts << kv.value;
        }
    }
    QSet<QString> words;
    for (const QString& text : texts) {
        QString current;
        const QString padded = text + u' ';
        for (const QChar ch : padded) {
            if (ch.isLetterOrNumber()) {
                current += ch.toLower();
            } else if (!current.isEmpty()) {
                words.insert(current);
                current.clear();
            }
        }
    }
    return words;
}

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
    return e.targetResources.isEmpty() ? QString() : e.targetResources.first().id;
}

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
        const QSet<QString> words = wordsOf(e);
        for (const QString& w : q.text.toLower().split(u' ', Qt::SkipEmptyParts)) {
            if (!words.contains(w)) {
                return false;
            }
        }
    }
    return true;
}

} // namespace

class TestAuditStore final : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        QTemporaryDir dir;
        CacheDatabase db;
        std::unique_ptr<AuditStore> store;
    };
    std::unique_ptr<Fixture> makeStore()
    {
        auto f = std::make_unique<Fixture>();
        if (!f->dir.isValid() || !f->db.open(f->dir.filePath(QStringLiteral("cache.db")))) {
            return nullptr;
        }
        f->store = std::make_unique<AuditStore>(f->db);
        return f;
    }

    // In a forked child: opens the archive at `path` and bulk-loads `all` in pages of pageSize,
    // calling afterPage(p) after page p (false ends the child with status 6). Any failure ends
    // the child (3 open, 4 begin, 5 merge). The load is left open, its store with it.
    struct ChildLoad
    {
        std::unique_ptr<CacheDatabase> db;
        std::unique_ptr<AuditStore> store; // declared last: goes first
    };
    static ChildLoad bulkLoadInChild(const QString& path, const QList<AuditEvent>& all, int pageSize,
                                     const std::function<bool(int)>& afterPage = {})
    {
        ChildLoad load;
        load.db = std::make_unique<CacheDatabase>();
        if (!load.db->open(path)) {
            _exit(3);
        }
        load.store = std::make_unique<AuditStore>(*load.db);
        if (!load.store->beginBulkLoad()) {
            _exit(4);
        }
        for (int p = 0; p * pageSize < all.size(); ++p) {
            if (!load.store->merge(all.mid(qsizetype(p) * pageSize, pageSize))) {
                _exit(5);
            }
            if (afterPage && !afterPage(p)) {
                _exit(6);
            }
        }
        return load;
    }

    // Events with distinct times over ~60 days, newest first like Graph pages.
    QList<AuditEvent> randomEvents(int n, quint32 seed)
    {
        AuditGenerator gen(seed, 40, 12, 300);
        const qint64 start = Timestamp::fromIso(u"2026-01-01T00:00:00Z")->ticks();
        QSet<qint64> used;
        QList<AuditEvent> events;
        while (events.size() < n) {
            const qint64 t = start + qint64(gen.rng().bounded(60 * 86400)) * 10'000'000
                             + qint64(gen.rng().bounded(10'000'000));
            if (used.contains(t)) {
                continue;
            }
            used.insert(t);
            events << gen.next(Timestamp::fromTicks(t));
        }
        std::sort(events.begin(), events.end(),
                  [](const AuditEvent& a, const AuditEvent& b) { return a.activityDateTime > b.activityDateTime; });
        return events;
    }

    // Walks every window of q and checks it against the brute-force reference.
    void checkQuery(AuditStore& store, const QList<AuditEvent>& all, AuditQuery q, const QString& label)
    {
        QList<AuditEvent> expected;
        for (const AuditEvent& e : all) {
            if (matches(e, q)) {
                expected << e;
            }
        }
        QList<AuditEvent> got;
        q.cursor = 0;
        q.limit = 97;
        for (int guard = 0; guard < 1000; ++guard) {
            q.withTotal = got.isEmpty();
            const AuditPage page = store.query(q);
            if (q.withTotal) {
                QVERIFY2(page.total == expected.size(),
                         qPrintable(label + QStringLiteral(": total %1, expected %2").arg(page.total).arg(expected.size())));
            }
            got << page.rows;
            if (page.nextCursor == 0) {
                break;
            }
            QCOMPARE(page.rows.size(), 97);
            q.cursor = page.nextCursor;
        }
        QVERIFY2(got.size() == expected.size(),
                 qPrintable(label + QStringLiteral(": %1 rows, expected %2").arg(got.size()).arg(expected.size())));
        for (qsizetype i = 0; i < got.size(); ++i) {
            QVERIFY2(got.at(i) == expected.at(i), qPrintable(label + QStringLiteral(": row %1 differs").arg(i)));
        }
    }

    // A word's total everywhere, over a range with partial days, and over one whole day (the
    // per-day counts of a tracked term answer the whole days).
    void checkCommonWord(AuditStore& store, const QList<AuditEvent>& reference, const QString& word)
    {
        AuditQuery q;
        q.text = word;
        checkQuery(store, reference, q, word + QStringLiteral(" everywhere"));
        q.from = *Timestamp::fromIso(u"2026-01-07T10:11:12.5Z");
        q.to = *Timestamp::fromIso(u"2026-02-11T03:00:00Z");
        checkQuery(store, reference, q, word + QStringLiteral(" in a range"));
        q.from = *Timestamp::fromIso(u"2026-01-20T00:00:00Z");
        q.to = *Timestamp::fromIso(u"2026-01-20T23:59:59.9999999Z");
        checkQuery(store, reference, q, word + QStringLiteral(" on one whole day"));
    }

    void checkAllFilters(AuditStore& store, const QList<AuditEvent>& all)
    {
        AuditGenerator names(1, 40, 12, 300);
        const Timestamp from = *Timestamp::fromIso(u"2026-01-10T13:17:00Z");
        const Timestamp to = *Timestamp::fromIso(u"2026-02-03T07:00:00.5Z");
        const AuditEvent& sample = all.at(all.size() / 3);

        AuditQuery q;
        checkQuery(store, all, q, QStringLiteral("everything"));
        q = {};
        q.from = from;
        q.to = to;
        checkQuery(store, all, q, QStringLiteral("time range"));
        q = {};
        q.from = sample.activityDateTime;
        q.to = sample.activityDateTime;
        checkQuery(store, all, q, QStringLiteral("one instant"));
        q = {};
        q.from = from;
        checkQuery(store, all, q, QStringLiteral("from only"));
        q = {};
        q.actor = AuditGenerator::actorId(0);
        checkQuery(store, all, q, QStringLiteral("actor"));
        q.actor = QStringLiteral("elevated");
        checkQuery(store, all, q, QStringLiteral("app actor"));
        q = {};
        q.target = AuditGenerator::roleId(1);
        checkQuery(store, all, q, QStringLiteral("role"));
        q = {};
        q.activity = AuditGenerator::activities().at(0);
        checkQuery(store, all, q, QStringLiteral("activity"));
        q = {};
        q.result = AuditResult::Failure;
        checkQuery(store, all, q, QStringLiteral("result failure"));
        q.result = AuditResult::Success;
        q.from = from;
        q.to = to;
        checkQuery(store, all, q, QStringLiteral("result success in range"));
        q = {};
        q.text = QStringLiteral("role");
        checkQuery(store, all, q, QStringLiteral("common word"));
        q.text = names.word(0) + u' ' + names.word(3);
        checkQuery(store, all, q, QStringLiteral("two words"));
        q.text = QStringLiteral("User 3");
        checkQuery(store, all, q, QStringLiteral("actor name words"));
        q = {};
        q.actor = AuditGenerator::actorId(0);
        q.target = AuditGenerator::roleId(0);
        q.from = from;
        q.to = to;
        checkQuery(store, all, q, QStringLiteral("actor+role+time"));
        q = {};
        q.activity = AuditGenerator::activities().at(4);
        q.result = AuditResult::Success;
        q.target = AuditGenerator::roleId(0);
        checkQuery(store, all, q, QStringLiteral("activity+result+role"));
        q = {};
        q.text = QStringLiteral("access");
        q.actor = AuditGenerator::actorId(1);
        checkQuery(store, all, q, QStringLiteral("text+actor"));
        q = {};
        q.text = QStringLiteral("role");
        q.result = AuditResult::Success;
        q.from = from;
        checkQuery(store, all, q, QStringLiteral("text+result+time"));
        q = {};
        q.actor = QStringLiteral("nobody-at-all");
        checkQuery(store, all, q, QStringLiteral("unknown actor"));
        q = {};
        q.text = QStringLiteral("zzzznotaword");
        checkQuery(store, all, q, QStringLiteral("unknown word"));
        // Random combinations.
        QRandomGenerator rng(7);
        for (int i = 0; i < 40; ++i) {
            AuditQuery r;
            if (rng.bounded(2)) {
                const qint64 a = from.ticks() + qint64(rng.bounded(20 * 86400)) * 10'000'000;
                r.from = Timestamp::fromTicks(a);
                r.to = Timestamp::fromTicks(a + qint64(rng.bounded(15 * 86400)) * 10'000'000);
            }
            if (rng.bounded(3) == 0) {
                r.actor = AuditGenerator::actorId(int(rng.bounded(6)));
            }
            if (rng.bounded(3) == 0) {
                r.target = AuditGenerator::roleId(int(rng.bounded(5)));
            }
            if (rng.bounded(3) == 0) {
                r.activity = AuditGenerator::activities().at(int(rng.bounded(6)));
            }
            if (rng.bounded(3) == 0) {
                r.result = rng.bounded(2) ? AuditResult::Success : AuditResult::Failure;
            }
            if (rng.bounded(3) == 0) {
                r.text = names.word(int(rng.bounded(8)));
            }
            checkQuery(store, all, r, QStringLiteral("random %1").arg(i));
        }
    }

private slots:
    void orderKeyFollowsTime()
    {
        const Timestamp a = *Timestamp::fromIso(u"2026-03-02T10:00:00Z");
        const Timestamp b = *Timestamp::fromIso(u"2026-03-02T10:00:00.0000001Z");
        const Timestamp c = *Timestamp::fromIso(u"2026-03-02T10:00:00.001Z");
        const Timestamp old = *Timestamp::fromIso(u"1960-01-01T00:00:00Z");
        QVERIFY(AuditStore::orderKey(a) < AuditStore::orderKey(b));
        QVERIFY(AuditStore::orderKey(b) + 103 < AuditStore::orderKey(c));
        QVERIFY(AuditStore::orderKey(old) < AuditStore::orderKey(a));
        QVERIFY(AuditStore::orderKey(*Timestamp::fromIso(u"9999-12-31T23:59:59Z")) > AuditStore::orderKey(c));
    }

    void roundTripKeepsEveryField()
    {
        auto f = makeStore();
        QVERIFY(f);
        AuditGenerator gen(3);
        QList<AuditEvent> events;
        for (int i = 0; i < 50; ++i) {
            events << gen.next(Timestamp::fromSecsSinceEpoch(1'780'000'000 - i * 60));
        }
        events[1].id = QStringLiteral("Not-A-Guid/with text");
        events[2].id = events[2].id.toUpper(); // kept as sent, not normalised
        events[3].targetResources.first().modifiedProperties << AuditEvent::ModifiedProperty{
            QStringLiteral("MaximumDuration"), QStringLiteral("\"PT8H\""), QStringLiteral("\"PT2H\"")};
        events[4].initiatedByUser.reset();
        events[4].initiatedByApp = AuditEvent::AppInitiator{QStringLiteral("app-1"), QStringLiteral("Sync app"),
                                                            QStringLiteral("sp-1"), QStringLiteral("sync")};
        events[5].additionalDetails.clear();
        events[5].targetResources.clear();
        events[5].correlationId.clear();
        // Text is bound as UTF-8 encoded by the store: two-, three- and four-byte sequences.
        events[6].resultReason = QStringLiteral("Ünïcödé \"quoted\", with\nnewline, 日本語 and 😀 (U+1F600)");
        events[10].additionalDetails << AuditEvent::KeyValue{QStringLiteral("ticket Ω"), QStringLiteral("INC-😀-42 ∑")};
        events[11].id = QStringLiteral("not-a-guid-é-😀");
        events[7].additionalDetails << AuditEvent::KeyValue{QStringLiteral("odd"), QStringLiteral("a\x1e b\x1f c")};
        events[8].additionalDetails.prepend(AuditEvent::KeyValue{QStringLiteral("[bracket"), QString()});
        events[9].additionalDetails = {AuditEvent::KeyValue{QString(), QString()}};
        const std::optional<int> inserted = f->store->merge(events);
        QVERIFY2(inserted, qPrintable(f->store->lastError()));
        QCOMPARE(*inserted, 50);
        AuditQuery q;
        q.limit = 100;
        const AuditPage page = f->store->query(q);
        QCOMPARE(page.total, 50);
        QCOMPARE(page.nextCursor, 0);
        QCOMPARE(page.rows.size(), 50);
        for (int i = 0; i < 50; ++i) {
            QVERIFY2(page.rows.at(i) == events.at(i), qPrintable(QStringLiteral("event %1").arg(i)));
        }
        // A second store object (a fresh reader) decodes the same.
        AuditStore again(f->db);
        QCOMPARE(again.query(q).rows, page.rows);
    }

    void mergeSkipsDuplicatesAndComputesOverlap()
    {
        auto f = makeStore();
        QVERIFY(f);
        QVERIFY(f->store->pullFrom().isNull());
        const QList<AuditEvent> all = randomEvents(600, 11);
        // Newest first: the first pull gets the older 400, the next one the rest with an overlap.
        const QList<AuditEvent> older = all.mid(200);
        QCOMPARE(f->store->merge(older).value_or(-1), 400);
        QCOMPARE(f->store->newest(), older.first().activityDateTime);
        QCOMPARE(f->store->pullFrom(300), older.first().activityDateTime.plusSeconds(-300));
        const QList<AuditEvent> overlap = all.mid(0, 250); // 50 already stored
        QCOMPARE(f->store->merge(overlap).value_or(-1), 200);
        QCOMPARE(f->store->merge(overlap).value_or(-1), 0);
        // A page holding the same event twice stores it once.
        QList<AuditEvent> twice = {all.at(5), all.at(5)};
        QCOMPARE(f->store->merge(twice).value_or(-1), 0);
        // The same id with a different time is still the same event.
        AuditEvent moved = all.at(7);
        moved.activityDateTime = moved.activityDateTime.plusSeconds(-86400 * 3);
        QCOMPARE(f->store->merge({moved}).value_or(-1), 0);
        QCOMPARE(f->store->size(), 600);
        QCOMPARE(f->store->count({}), 600);
        checkQuery(*f->store, all, {}, QStringLiteral("after merges"));
        // A new event twice in one page, with a GUID id and with a text id: stored once each,
        // and known to the next page.
        AuditGenerator extra(99);
        const AuditEvent fresh = extra.next(all.first().activityDateTime.plusSeconds(60));
        AuditEvent freshText = extra.next(all.first().activityDateTime.plusSeconds(61));
        freshText.id = QStringLiteral("legacy-id-42");
        QCOMPARE(f->store->merge({fresh, freshText, fresh, freshText}).value_or(-1), 2);
        QCOMPARE(f->store->merge({freshText, fresh}).value_or(-1), 0);
        QCOMPARE(f->store->size(), 602);
    }

    void sameTimePagesNeitherRepeatNorSkip()
    {
        auto f = makeStore();
        QVERIFY(f);
        AuditGenerator gen(5);
        const Timestamp t = *Timestamp::fromIso(u"2026-05-01T08:00:00Z");
        QList<AuditEvent> events;
        for (int i = 0; i < 300; ++i) { // more than the 104 slots of one tick
            events << gen.next(t);
        }
        QCOMPARE(f->store->merge(events.mid(0, 150)).value_or(-1), 150);
        QCOMPARE(f->store->merge(events.mid(150)).value_or(-1), 150);
        QSet<QString> seen;
        AuditQuery q;
        q.limit = 40;
        q.from = t;
        q.to = t;
        qint64 total = -1;
        for (;;) {
            const AuditPage page = f->store->query(q);
            if (total < 0) {
                total = page.total;
            }
            for (const AuditEvent& e : page.rows) {
                QVERIFY(!seen.contains(e.id));
                seen.insert(e.id);
            }
            if (page.nextCursor == 0) {
                break;
            }
            q.cursor = page.nextCursor;
            q.withTotal = false;
        }
        QCOMPARE(seen.size(), 300);
        QCOMPARE(total, 300);
    }

    void filtersMatchReferenceIncremental()
    {
        auto f = makeStore();
        QVERIFY(f);
        const QList<AuditEvent> all = randomEvents(3000, 21);
        for (qsizetype i = all.size(); i > 0; i -= 250) {
            // Oldest page first, as incremental syncs arrive.
            const qsizetype start = std::max<qsizetype>(0, i - 250);
            QVERIFY(f->store->merge(all.mid(start, i - start)));
        }
        checkAllFilters(*f->store, all);
    }

    void filtersMatchReferenceAfterBulkLoad()
    {
        auto f = makeStore();
        QVERIFY(f);
        QList<AuditEvent> all = randomEvents(3000, 22);
        // Common words get per-day counts at the end of the load (the duplicate below must not
        // be counted in them).
        f->store->setBulkTrackedTermEvents(300);
        QVERIFY(f->store->beginBulkLoad());
        for (qsizetype i = 0; i < all.size(); i += 500) {
            QVERIFY(f->store->merge(all.mid(i, 500)));
        }
        // A duplicate with another time that only the end-of-load check can see: the bulk load
        // keeps the copy with the earliest time.
        AuditEvent moved = all.at(10);
        moved.activityDateTime = moved.activityDateTime.plusSeconds(-86400 * 20);
        QCOMPARE(f->store->merge({moved}).value_or(-1), 1);
        QVERIFY(f->store->finishBulkLoad());
        all.removeAt(10);
        all.insert(std::upper_bound(all.begin(), all.end(), moved,
                                    [](const AuditEvent& a, const AuditEvent& b) {
                                        return a.activityDateTime > b.activityDateTime;
                                    }),
                   moved);
        QVERIFY(!f->store->inBulkLoad());
        QVERIFY(!f->store->beginBulkLoad()); // not empty any more
        QCOMPARE(f->store->size(), 3000);
        checkAllFilters(*f->store, all);
        // Incremental merges continue on the built indexes.
        QCOMPARE(f->store->merge(all.mid(0, 10)).value_or(-1), 0);
    }

    // Pages as a sync gets them: through the audit page decoder, whose events share one QString
    // per repeated value. The archive's per-page caches key on those shared strings; every
    // filter must still find exactly what the reference finds, in both kinds of load.
    void filtersMatchReferenceFromDecodedPages_data()
    {
        QTest::addColumn<bool>("bulk");
        QTest::newRow("incremental") << false;
        QTest::newRow("bulk load") << true;
    }
    void filtersMatchReferenceFromDecodedPages()
    {
        QFETCH(bool, bulk);
        auto f = makeStore();
        QVERIFY(f);
        const QList<AuditEvent> all = randomEvents(3000, 23);
        const auto decoded = [](const QList<AuditEvent>& events) {
            Page<AuditEvent> page;
            page.value = events;
            Result<Page<AuditEvent>> r =
                GraphCodec::decodeAuditPage(GraphCodec::serialize(GraphCodec::toJson(page)));
            return r ? r->value : QList<AuditEvent>();
        };
        const QList<AuditEvent> probe = decoded(all.mid(0, 400));
        QCOMPARE(probe.size(), 400);
        // The decoder does share repeated values (else this test would not test the sharing).
        const auto shared = std::adjacent_find(probe.begin(), probe.end(), [](const AuditEvent& a, const AuditEvent& b) {
            return a.activityDisplayName == b.activityDisplayName;
        });
        QVERIFY(shared != probe.end());
        QCOMPARE(shared->activityDisplayName.constData(), std::next(shared)->activityDisplayName.constData());
        if (bulk) {
            QVERIFY(f->store->beginBulkLoad());
            for (qsizetype i = 0; i < all.size(); i += 400) {
                QVERIFY(f->store->merge(decoded(all.mid(i, 400))));
            }
            QVERIFY(f->store->finishBulkLoad());
        } else {
            for (qsizetype i = all.size(); i > 0; i -= 400) {
                const qsizetype start = std::max<qsizetype>(0, i - 400);
                QCOMPARE(f->store->merge(decoded(all.mid(start, i - start))).value_or(-1), i - start);
            }
        }
        QCOMPARE(f->store->size(), all.size());
        checkAllFilters(*f->store, all);
    }

    void commonTermCountsStayExact()
    {
        auto f = makeStore();
        QVERIFY(f);
        const QList<AuditEvent> all = randomEvents(3000, 31);
        const QList<AuditEvent> older = all.mid(1000);
        QVERIFY(f->store->merge(older));
        // Words in at least 300 events get per-day counts.
        QVERIFY(f->store->updateTermStatistics(300));
        const qint64 tracked =
            f->db.connection().scalar(QStringLiteral("SELECT count(*) FROM audit_tracked_terms")).toLongLong();
        QVERIFY(tracked > 3);
        QCOMPARE(f->db.connection()
                     .scalar(QStringLiteral("SELECT count(*) FROM audit_tracked_terms WHERE term = 'role'"))
                     .toInt(),
                 1);
        checkCommonWord(*f->store, older, QStringLiteral("role"));
        checkCommonWord(*f->store, older, QStringLiteral("User"));
        // Later merges keep the per-day counts of tracked words up to date.
        for (qsizetype i = 1000; i > 0; i -= 250) {
            QVERIFY(f->store->merge(all.mid(i - 250, 250)));
        }
        checkCommonWord(*f->store, all, QStringLiteral("role"));
        checkCommonWord(*f->store, all, QStringLiteral("example"));
        // The commonest word of the free text (resultReason) is tracked too.
        const QString common = AuditGenerator(31, 40, 12, 300).word(0).toLower();
        QCOMPARE(f->db.connection()
                     .scalar(QStringLiteral("SELECT count(*) FROM audit_tracked_terms WHERE term = ?"), {common})
                     .toInt(),
                 1);
        checkCommonWord(*f->store, all, common);
        // A second connection reads the same counts.
        CacheDatabase other;
        QVERIFY(other.open(f->dir.filePath(QStringLiteral("cache.db"))));
        AuditStore reader(other);
        AuditQuery q;
        q.text = QStringLiteral("role");
        q.from = *Timestamp::fromIso(u"2026-01-07T10:11:12.5Z");
        qint64 expected = 0;
        for (const AuditEvent& e : all) {
            expected += matches(e, q) ? 1 : 0;
        }
        QCOMPARE(reader.count(q), expected);
    }

    // A first sync's text index is built in a scratch file beside the archive (owner-only, as
    // the archive), copied in at the end, and the scratch file removed.
    void bulkTextIndexIsBuiltBesideTheArchive()
    {
        auto f = makeStore();
        QVERIFY(f);
        QList<AuditEvent> all = randomEvents(1500, 25);
        // Words beyond ASCII reach the scratch index as UTF-8: 2-, 3- and 4-byte sequences.
        for (qsizetype i = 0; i < all.size(); i += 97) {
            all[i].resultReason = QStringLiteral("Ünïcödé 日本語 straße \U00020000\U00020001 done");
        }
        const QString scratch = f->dir.filePath(QStringLiteral("cache.db.fts-load"));
        QVERIFY(f->store->beginBulkLoad());
        QVERIFY(QFile::exists(scratch));
        QCOMPARE(QFile::permissions(scratch) & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        for (qsizetype i = 0; i < all.size(); i += 300) {
            QVERIFY(f->store->merge(all.mid(i, 300)));
        }
        // Nothing in the archive's own text index until the end of the load.
        // (An empty FTS5 index is at most its structure and averages records.)
        QVERIFY(f->db.connection().scalar(QStringLiteral("SELECT count(*) FROM audit_fts_data")).toInt() <= 2);
        QVERIFY(f->store->finishBulkLoad());
        QVERIFY(!QFile::exists(scratch));
        QVERIFY(f->db.connection().scalar(QStringLiteral("SELECT count(*) FROM audit_fts_data")).toInt() > 2);
        QCOMPARE(f->db.connection().scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
        QVERIFY(f->db.connection().execDirect(
            QStringLiteral("INSERT INTO audit_fts (audit_fts, rank) VALUES ('integrity-check', 0)")));
        checkAllFilters(*f->store, all);
        for (const QString& word : {QStringLiteral("unicode"), QStringLiteral("日本語"), QStringLiteral("STRAßE"),
                                    QStringLiteral("\U00020000\U00020001")}) {
            AuditQuery q;
            q.text = word;
            const qint64 total = f->store->query(q).total;
            QVERIFY2(total == (all.size() + 96) / 97, qPrintable(word + QStringLiteral(": %1").arg(total)));
        }
        // Incremental pages go on into the copied index.
        const QList<AuditEvent> newer = randomEvents(200, 26);
        QList<AuditEvent> later;
        for (AuditEvent e : newer) {
            e.activityDateTime = e.activityDateTime.plusSeconds(86400 * 120);
            later << e;
        }
        QCOMPARE(f->store->merge(later).value_or(-1), later.size());
        checkAllFilters(*f->store, later + all);
    }

    // A page that fails in the middle of a bulk load takes its whole open batch with it, rows
    // the text indexer had already been given included: the load goes on, and its end builds
    // the text index from the rows that are stored.
    void failedBulkBatchRebuildsTheTextIndex()
    {
        auto f = makeStore();
        QVERIFY(f);
        const QList<AuditEvent> all = randomEvents(1200, 27);
        QVERIFY(f->store->beginBulkLoad());
        QVERIFY(f->store->merge(all.mid(0, 400)));
        const qint64 poisoned = all.at(600).activityDateTime.ticks();
        QVERIFY(f->db.connection().execDirect(
            QStringLiteral("CREATE TEMP TRIGGER poison BEFORE INSERT ON audit_events WHEN NEW.at = %1 "
                           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
                .arg(poisoned)));
        QVERIFY(!f->store->merge(all.mid(400, 400)));
        QVERIFY(f->store->inBulkLoad());
        // Created inside the open batch, the trigger went with its rollback.
        QVERIFY(f->db.connection().execDirect(QStringLiteral("DROP TRIGGER IF EXISTS poison")));
        // The rolled-back batch held the first page too, which the indexer had been given. The
        // pull starts again, and this time without that page (say the server's retention moved
        // on): its events must leave no trace in the text index.
        const QList<AuditEvent> kept = all.mid(400);
        QVERIFY(f->store->merge(all.mid(400, 400)));
        QVERIFY(f->store->merge(all.mid(800)));
        QVERIFY(f->store->finishBulkLoad());
        QCOMPARE(f->store->size(), kept.size());
        checkAllFilters(*f->store, kept);
        // Every word the text index holds comes from a stored event.
        QVERIFY(f->db.connection().execDirect(
            QStringLiteral("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'audit_fts', 'instance')")));
        QCOMPARE(f->db.connection()
                     .scalar(QStringLiteral("SELECT count(*) FROM temp.vocab WHERE doc NOT IN (SELECT seq FROM audit_events)"))
                     .toInt(),
                 0);
    }

    // A bulk load counts its common terms per day on the indexer's thread, from the index it
    // built: the totals of those words come from the counts and must match the reference.
    void bulkLoadCountsCommonTerms()
    {
        auto f = makeStore();
        QVERIFY(f);
        const QList<AuditEvent> all = randomEvents(3000, 28);
        f->store->setBulkTrackedTermEvents(300);
        QVERIFY(f->store->beginBulkLoad());
        for (qsizetype i = 0; i < all.size(); i += 500) {
            QVERIFY(f->store->merge(all.mid(i, 500)));
        }
        QVERIFY(f->store->finishBulkLoad());
        SqliteConnection& c = f->db.connection();
        QVERIFY(c.scalar(QStringLiteral("SELECT count(*) FROM audit_tracked_terms")).toInt() > 3);
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM audit_tracked_terms WHERE term = 'role'")).toInt(), 1);
        // Every tracked term's days add up to the events that hold it.
        QCOMPARE(c.scalar(QStringLiteral("SELECT sum(n) FROM audit_term_days WHERE term = 'role'")).toLongLong(),
                 qint64(std::count_if(all.begin(), all.end(), [](const AuditEvent& e) {
                     AuditQuery q;
                     q.text = QStringLiteral("role");
                     return matches(e, q);
                 })));
        checkCommonWord(*f->store, all, QStringLiteral("role"));
        checkCommonWord(*f->store, all, QStringLiteral("User"));
    }

    // The storing thread helps the indexer's thread count the common terms (each takes terms
    // from one list): whoever counted which term, the statistics are those of the index, every
    // term once, in the list's order. Every term is common here (minEvents 1), so the list is
    // long and both threads take some of it.
    void commonTermsCountedByTwoThreads()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        CacheDatabase db;
        QVERIFY(db.open(path));
        const QList<AuditEvent> all = randomEvents(4000, 31);
        const auto dayOf = [](qint64 rowid) { return rowid / 97; };
        AuditTextIndexer indexer(path);
        QVERIFY2(indexer.start(), qPrintable(indexer.error()));
        for (qsizetype first = 0; first < all.size(); first += 500) {
            QList<std::pair<qint64, qsizetype>> rows;
            for (qsizetype i = 0; i < 500; ++i) {
                rows.append({first + i + 1, i});
            }
            indexer.add(all.mid(first, 500), rows);
        }
        indexer.finish(1, dayOf);
        indexer.helpCountTerms();
        QVERIFY2(indexer.copyInto(), qPrintable(indexer.error()));
        const std::optional<QList<AuditTextIndexer::TermDays>> counted = indexer.termStatistics();
        QVERIFY(counted);

        sqlite3* handle = nullptr;
        const QByteArray file = QFile::encodeName(path);
        QCOMPARE(sqlite3_open_v2(file.constData(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        const auto closeHandle = qScopeGuard([&] { sqlite3_close(handle); });
        QString error;
        const std::optional<QList<AuditTextIndexer::TermDays>> reference =
            AuditTextIndexer::termDays(handle, "main", 1, dayOf, &error);
        QVERIFY2(reference, qPrintable(error));
        QVERIFY(reference->size() > 100);
        QCOMPARE(counted->size(), reference->size());
        for (qsizetype i = 0; i < reference->size(); ++i) {
            QCOMPARE(counted->at(i).term, reference->at(i).term);
            QCOMPARE(counted->at(i).days, reference->at(i).days);
        }
    }

    // The index leaves GUID detail values out; which values those are must stay what they were
    // (36 characters that QUuid reads), as the words a delete gives back must be the words that
    // were inserted.
    void uuidValuesAreWhatQUuidReads()
    {
        QStringList values{QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
                           QStringLiteral("3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
                           QStringLiteral("3F2504e0-4f89-11D3-9a0C-0305e82c3301"),
                           QStringLiteral("00000000-0000-0000-0000-000000000000"),
                           QStringLiteral("00000000-0000-0000-0000-000000000001"),
                           QStringLiteral("{3f2504e0-4f89-11d3-9a0c-0305e82c33}"),
                           QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c330g"),
                           QStringLiteral("3f2504e0+4f89-11d3-9a0c-0305e82c3301"),
                           QStringLiteral("3f2504e04-f89-11d3-9a0c-0305e82c3301"),
                           QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c330"),
                           QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c33011"),
                           QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c33\u0661\u0662"),
                           QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c33\uff11\uff12"),
                           QStringLiteral(" 3f2504e0-4f89-11d3-9a0c-0305e82c330"),
                           QString()};
        // And random strings of GUID shape from an alphabet around the edges.
        const QString alphabet = QStringLiteral("0123456789abcdefABCDEFgG-{} \u00e9");
        QRandomGenerator rng(7);
        for (int n = 0; n < 20000; ++n) {
            QString v = QUuid::createUuidV5(QUuid(), QString::number(n)).toString(QUuid::WithoutBraces);
            for (int k = int(rng.bounded(3)); k > 0; --k) {
                v[rng.bounded(36)] = alphabet.at(rng.bounded(int(alphabet.size())));
            }
            values << v;
        }
        for (const QString& v : std::as_const(values)) {
            // (QUuid also reads a GUID at the start of a longer string; the index never did.)
            QVERIFY2(AuditText::isUuidValue(v) == (v.size() == 36 && !QUuid::fromString(v).isNull()), qPrintable(v));
        }
    }

    void interruptedBulkLoadIsFinishedAtNextOpen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        const QList<AuditEvent> all = randomEvents(800, 23);
        {
            CacheDatabase db;
            QVERIFY(db.open(path));
            AuditStore store(db);
            QVERIFY(store.beginBulkLoad());
            QVERIFY(store.merge(all.mid(0, 400)));
            QVERIFY(store.merge(all.mid(400)));
            // No finishBulkLoad(): the process "dies" here.
        }
        CacheDatabase db;
        QVERIFY(db.open(path));
        AuditStore store(db);
        QVERIFY(!store.inBulkLoad());
        QCOMPARE(store.size(), 800);
        AuditQuery q;
        q.result = AuditResult::Success;
        q.from = *Timestamp::fromIso(u"2026-01-20T00:00:00Z");
        checkQuery(store, all, q, QStringLiteral("after recovery"));
    }

    void bulkLoadKilledMidBatchLeavesAUsableArchive()
    {
        // A first sync killed (SIGKILL: no destructor, no commit) after one committed batch and
        // part of the next: the next open finishes the load over the committed batch, every
        // filter agrees with it, and pulling everything again adds exactly the lost events.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        const int pageSize = 10;
        const int pages = AuditStore::BulkPagesPerCommit + 6;
        const QList<AuditEvent> all = randomEvents(pageSize * pages, 24);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // The process dies with the batch open (no destructor runs).
            const ChildLoad load = bulkLoadInChild(path, all, pageSize);
            ::kill(::getpid(), SIGKILL);
            _exit(6);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child did not get as far as the kill");

        const QList<AuditEvent> committed = all.mid(0, qsizetype(AuditStore::BulkPagesPerCommit) * pageSize);
        CacheDatabase db;
        QVERIFY(db.open(path));
        AuditStore store(db);
        QVERIFY(!store.inBulkLoad());
        QCOMPARE(store.size(), committed.size());
        QVERIFY(db.connection().scalar(QStringLiteral("PRAGMA integrity_check")).toString() == u"ok");
        checkAllFilters(store, committed);
        // FTS5 is back to its incremental settings after the recovery.
        QCOMPARE(db.connection()
                     .scalar(QStringLiteral("SELECT v FROM audit_fts_config WHERE k = 'automerge'"))
                     .toInt(),
                 4);
        // The next (incremental) pull brings everything again: only the lost events are new.
        QCOMPARE(store.merge(all).value_or(-1), all.size() - committed.size());
        QCOMPARE(store.merge(all).value_or(-1), 0);
        QCOMPARE(store.size(), all.size());
        checkAllFilters(store, all);
    }

    void anotherProcessesBulkLoadIsLeftToIt()
    {
        // Two processes on one archive (the console and elevatectl): one is in the middle of a
        // first sync, with a batch committed and the load marked open. The other must see a
        // load running, not an interrupted one: it neither finishes it nor writes beside it,
        // and says why. Once the loader is done, the archive is whole and writable again.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        const int pageSize = 10;
        const int pages = AuditStore::BulkPagesPerCommit + 6;
        const QList<AuditEvent> all = randomEvents(pageSize * pages, 25);
        int toParent[2];
        int toChild[2];
        QCOMPARE(::pipe(toParent), 0);
        QCOMPARE(::pipe(toChild), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(toParent[0]);
            ::close(toChild[1]);
            {
                const ChildLoad load = bulkLoadInChild(path, all, pageSize, [&](int p) {
                    if (p != AuditStore::BulkPagesPerCommit) {
                        return true;
                    }
                    char c = 'l'; // the first batch is committed: the parent looks now
                    return ::write(toParent[1], &c, 1) == 1 && ::read(toChild[0], &c, 1) == 1;
                });
                if (!load.store->finishBulkLoad()) {
                    _exit(7);
                }
            }
            _exit(0);
        }
        ::close(toParent[1]);
        ::close(toChild[0]);
        auto reap = qScopeGuard([&] {
            ::close(toChild[1]); // unblocks the child if a check below failed
            ::close(toParent[0]);
            int status = 0;
            ::waitpid(child, &status, 0);
        });
        char c = 0;
        QCOMPARE(::read(toParent[0], &c, 1), 1);
        const qsizetype committed = qsizetype(AuditStore::BulkPagesPerCommit) * pageSize;
        {
            CacheDatabase db;
            QVERIFY(db.open(path));
            AuditStore store(db);
            const auto rows = [&] {
                return db.connection().scalar(QStringLiteral("SELECT count(*) FROM audit_events")).toLongLong();
            };
            QVERIFY(!store.inBulkLoad());
            QCOMPARE(rows(), committed);
            QCOMPARE(db.syncState(QStringLiteral("audit.bulk"))->watermark, QStringLiteral("open"));
            QVERIFY(!store.merge(all.mid(committed, pageSize)));
            QVERIFY2(store.lastError().contains(u"another Elevate process"), qPrintable(store.lastError()));
            QVERIFY(!store.beginBulkLoad());
            QCOMPARE(rows(), committed); // nothing written
            QCOMPARE(db.syncState(QStringLiteral("audit.bulk"))->watermark, QStringLiteral("open"));
        }
        c = 'g';
        QCOMPARE(::write(toChild[1], &c, 1), 1);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        reap.dismiss();
        ::close(toChild[1]);
        ::close(toParent[0]);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, qPrintable(QString::number(status)));
        QVERIFY(!QFile::exists(path + QStringLiteral(".load-lock")));

        CacheDatabase db;
        QVERIFY(db.open(path));
        AuditStore store(db);
        QCOMPARE(db.syncState(QStringLiteral("audit.bulk"))->watermark, QStringLiteral("done"));
        QCOMPARE(store.size(), all.size());
        QCOMPARE(store.merge(all).value_or(-1), 0);
        QVERIFY(db.connection().scalar(QStringLiteral("PRAGMA integrity_check")).toString() == u"ok");
        checkAllFilters(store, all);
    }

    void userTextNeverBreaksTheQuery_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expression");
        QTest::newRow("quote") << QStringLiteral("say \"hello") << QStringLiteral("\"say\" AND \"hello\"");
        QTest::newRow("operators") << QStringLiteral("a AND OR NOT NEAR(b c) * ^d: -e")
                                   << QStringLiteral("\"a\" AND \"and\" AND \"or\" AND \"not\" AND \"near\" AND \"b\" AND "
                                                     "\"c\" AND \"d\" AND \"e\"");
        QTest::newRow("only punctuation") << QStringLiteral("\"*'():^-") << QString();
        QTest::newRow("apostrophe") << QStringLiteral("don't") << QStringLiteral("\"don\" AND \"t\"");
        QTest::newRow("unicode") << QStringLiteral("Ünïcödé") << QStringLiteral("\"unicode\"");
        QTest::newRow("decomposed") << QStringLiteral("U\u0308nicode") << QStringLiteral("\"unicode\"");
    }

    void userTextNeverBreaksTheQuery()
    {
        QFETCH(QString, text);
        QFETCH(QString, expression);
        QCOMPARE(AuditStore::ftsExpression(text), expression);
        auto f = makeStore();
        QVERIFY(f);
        AuditGenerator gen(9);
        AuditEvent e = gen.next(*Timestamp::fromIso(u"2026-02-01T00:00:00Z"));
        e.resultReason = QStringLiteral("say \"hello\" a AND OR NOT NEAR(b c) * ^d: -e don't Ünïcödé");
        AuditEvent other = gen.next(*Timestamp::fromIso(u"2026-02-02T00:00:00Z"));
        other.resultReason = QStringLiteral("nothing here");
        QVERIFY(f->store->merge({e, other}));
        AuditQuery q;
        q.text = text;
        const AuditPage page = f->store->query(q);
        QVERIFY2(f->store->lastError().isEmpty(), qPrintable(f->store->lastError()));
        if (expression.isEmpty()) {
            QCOMPARE(page.total, 0); // nothing to look for matches nothing
        } else {
            QCOMPARE(page.total, 1);
            QCOMPARE(page.rows.size(), 1);
            QCOMPARE(page.rows.first().id, e.id);
        }
    }

    void diacriticsAndCaseFold()
    {
        auto f = makeStore();
        QVERIFY(f);
        AuditGenerator gen(9);
        AuditEvent e = gen.next(*Timestamp::fromIso(u"2026-02-01T00:00:00Z"));
        e.resultReason = QStringLiteral("Café MIGRATION straße ＦＵＬＬ");
        QVERIFY(f->store->merge({e}));
        QCOMPARE(AuditStore::tokens(QStringLiteral("Café MIGRATION")),
                 (QStringList{QStringLiteral("cafe"), QStringLiteral("migration")}));
        AuditQuery q;
        q.text = QStringLiteral("cafe migration");
        QCOMPARE(f->store->count(q), 1);
        q.text = QStringLiteral("CAFÉ");
        QCOMPARE(f->store->count(q), 1);
        q.text = QStringLiteral("full");
        QCOMPARE(f->store->count(q), 1);
    }

    void exportsCsvWithRfc4180Quoting()
    {
        auto f = makeStore();
        QVERIFY(f);
        AuditGenerator gen(4);
        QList<AuditEvent> events;
        for (int i = 0; i < 1500; ++i) { // more than one export window
            events << gen.next(Timestamp::fromSecsSinceEpoch(1'780'000'000 - i));
        }
        events[0].resultReason = QStringLiteral("needs \"quotes\", commas\r\nand lines");
        QVERIFY(f->store->merge(events));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(f->store->exportCsv({}, &buffer));
        const QByteArray csv = buffer.data();
        QVERIFY(csv.startsWith("activityDateTime,activity,result,initiatedBy,"));
        QVERIFY(csv.contains(",\"needs \"\"quotes\"\", commas\r\nand lines\","));
        // Parse it back (RFC 4180) and compare the fields with the events.
        QList<QStringList> records;
        QStringList record;
        QString field;
        bool quoted = false;
        const QString text = QString::fromUtf8(csv);
        for (qsizetype i = 0; i < text.size(); ++i) {
            const QChar ch = text.at(i);
            if (quoted) {
                if (ch == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                    field += u'"';
                    ++i;
                } else if (ch == u'"') {
                    quoted = false;
                } else {
                    field += ch;
                }
            } else if (ch == u'"') {
                quoted = true;
            } else if (ch == u',') {
                record << field;
                field.clear();
            } else if (ch == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
                record << field;
                field.clear();
                records << record;
                record.clear();
                ++i;
            } else {
                field += ch;
            }
        }
        QCOMPARE(records.size(), 1501);
        for (const QStringList& r : records) {
            QCOMPARE(r.size(), 13);
        }
        QCOMPARE(records.at(1).at(10), events.at(0).resultReason);
        QCOMPARE(records.at(1).at(12), events.at(0).id);
        QCOMPARE(records.at(1500).at(12), events.at(1499).id);
        QCOMPARE(records.at(2).at(1), events.at(1).activityDisplayName);
    }

    void exportsJsonThatDecodes()
    {
        auto f = makeStore();
        QVERIFY(f);
        AuditGenerator gen(6);
        QList<AuditEvent> events;
        for (int i = 0; i < 1200; ++i) {
            events << gen.next(Timestamp::fromSecsSinceEpoch(1'780'000'000 - i));
        }
        QVERIFY(f->store->merge(events));
        AuditQuery q;
        q.result = AuditResult::Failure;
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(f->store->exportJson(q, &buffer));
        const Result<Page<AuditEvent>> page = GraphCodec::decodePage<AuditEvent>(buffer.data());
        QVERIFY2(page, qPrintable(page ? QString() : page.error().toString()));
        QList<AuditEvent> expected;
        for (const AuditEvent& e : events) {
            if (e.result == AuditResult::Failure) {
                expected << e;
            }
        }
        QVERIFY(!expected.isEmpty());
        QCOMPARE(page->value, expected);
    }
};

QTEST_GUILESS_MAIN(TestAuditStore)
#include "TestAuditStore.moc"
