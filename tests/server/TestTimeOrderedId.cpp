// TimeOrderedId: UUID version 7 layout (RFC 9562 §5.7), canonical text, order by time, and
// random bits that make ids of one millisecond distinct.

#include "TimeOrderedId.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUuid>

#include <thread>

using namespace Elevate::Server;

class TestTimeOrderedId final : public QObject
{
    Q_OBJECT

private slots:
    void canonicalVersion7Text();
    void carriesItsMillisecond();
    void laterIdsSortAfterEarlierOnes();
    void idsOfOneMillisecondAreDistinct();
    void threadsDrawDifferentRandomBits();
    void timeOfRejectsOtherIds();
};

void TestTimeOrderedId::canonicalVersion7Text()
{
    static const QRegularExpression canonical(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    for (int i = 0; i < 100; ++i) {
        const QString id = TimeOrderedId::create();
        QVERIFY2(canonical.match(id).hasMatch(), qPrintable(id));
        const QUuid uuid = QUuid::fromString(id);
        QCOMPARE(uuid.variant(), QUuid::DCE);
        QCOMPARE(uuid.data3 >> 12, 7); // QUuid::version() of Qt 6.4 stops at 5
        QCOMPARE(uuid.toString(QUuid::WithoutBraces), id);
    }
}

void TestTimeOrderedId::carriesItsMillisecond()
{
    // 2026-11-26T20:00:00.123Z and the largest 48-bit time.
    QCOMPARE(TimeOrderedId::timeOf(TimeOrderedId::create(Q_INT64_C(1795723200123))), Q_INT64_C(1795723200123));
    QCOMPARE(TimeOrderedId::timeOf(TimeOrderedId::create(Q_INT64_C(0xFFFFFFFFFFFF))), Q_INT64_C(0xFFFFFFFFFFFF));
    QVERIFY(TimeOrderedId::create(Q_INT64_C(1795723200123)).startsWith(QStringLiteral("01a2")));
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const qint64 time = TimeOrderedId::timeOf(TimeOrderedId::create());
    QVERIFY(time >= before && time <= QDateTime::currentMSecsSinceEpoch());
}

void TestTimeOrderedId::laterIdsSortAfterEarlierOnes()
{
    // As text, which is how SQLite and PostgreSQL order the id columns.
    qint64 ms = Q_INT64_C(1795723200000);
    QString previous = TimeOrderedId::create(ms);
    for (int i = 0; i < 2000; ++i) {
        ms += 1 + i % 3;
        const QString next = TimeOrderedId::create(ms);
        QVERIFY2(previous < next, qPrintable(previous + u' ' + next));
        previous = next;
    }
}

void TestTimeOrderedId::idsOfOneMillisecondAreDistinct()
{
    QSet<QString> seen;
    QSet<QString> tails; // the 74 random bits live in the last 18 hex digits (with the version nibble)
    for (int i = 0; i < 20000; ++i) {
        const QString id = TimeOrderedId::create(Q_INT64_C(1795723200000));
        seen.insert(id);
        tails.insert(id.mid(14));
    }
    QCOMPARE(seen.size(), 20000);
    QCOMPARE(tails.size(), 20000);
}

void TestTimeOrderedId::threadsDrawDifferentRandomBits()
{
    // Each thread keeps its own page of the kernel's randomness: two threads must not hand out
    // the same bits (as copies of one pool would).
    const qint64 at = Q_INT64_C(1795723200000);
    QStringList here;
    QStringList there;
    std::thread other([&] {
        for (int i = 0; i < 1000; ++i) {
            there << TimeOrderedId::create(at);
        }
    });
    for (int i = 0; i < 1000; ++i) {
        here << TimeOrderedId::create(at);
    }
    other.join();
    QSet<QString> all(here.begin(), here.end());
    all.unite(QSet<QString>(there.begin(), there.end()));
    QCOMPARE(all.size(), 2000);
}

void TestTimeOrderedId::timeOfRejectsOtherIds()
{
    QCOMPARE(TimeOrderedId::timeOf(QUuid::createUuid().toString(QUuid::WithoutBraces)), qint64(-1));
    QCOMPARE(TimeOrderedId::timeOf(QStringLiteral("not an id")), qint64(-1));
    QCOMPARE(TimeOrderedId::timeOf(QString()), qint64(-1));
}

QTEST_GUILESS_MAIN(TestTimeOrderedId)
#include "TestTimeOrderedId.moc"
