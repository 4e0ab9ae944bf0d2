#include "IsoDuration.h"

#include <QTest>

using namespace Elevate;

class TestIsoDuration final : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void display();
    void clampsConstruction();
};

void TestIsoDuration::parses_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("PT8H") << QStringLiteral("PT8H") << qint64(8 * 3600) << QStringLiteral("PT8H");
    QTest::newRow("P1DT2H") << QStringLiteral("P1DT2H") << qint64(26 * 3600) << QStringLiteral("P1DT2H");
    QTest::newRow("PT90M") << QStringLiteral("PT90M") << qint64(90 * 60) << QStringLiteral("PT1H30M");
    QTest::newRow("P30D") << QStringLiteral("P30D") << qint64(30 * 86400) << QStringLiteral("P30D");
    QTest::newRow("P365D") << QStringLiteral("P365D") << qint64(365 * 86400) << QStringLiteral("P365D");
    QTest::newRow("P2W") << QStringLiteral("P2W") << qint64(14 * 86400) << QStringLiteral("P14D");
    QTest::newRow("PT30S") << QStringLiteral("PT30S") << qint64(30) << QStringLiteral("PT30S");
    QTest::newRow("PT0S") << QStringLiteral("PT0S") << qint64(0) << QStringLiteral("PT0S");
    QTest::newRow("PT1.5H") << QStringLiteral("PT1.5H") << qint64(5400) << QStringLiteral("PT1H30M");
    QTest::newRow("comma fraction") << QStringLiteral("PT0,5M") << qint64(30) << QStringLiteral("PT30S");
    QTest::newRow("lower case") << QStringLiteral("pt2h") << qint64(7200) << QStringLiteral("PT2H");
    QTest::newRow("all parts") << QStringLiteral("P1DT1H1M1S") << qint64(90061) << QStringLiteral("P1DT1H1M1S");
    QTest::newRow("100 years") << QStringLiteral("P36500D") << qint64(IsoDuration::MaxSeconds) << QStringLiteral("P36500D");
}

void TestIsoDuration::parses()
{
    QFETCH(QString, input);
    QFETCH(qint64, seconds);
    QFETCH(QString, canonical);
    const Result<IsoDuration> d = IsoDuration::parse(input);
    QVERIFY2(d.ok(), d.ok() ? "" : qPrintable(d.error().message));
    QCOMPARE(d->seconds(), seconds);
    QCOMPARE(d->toIso(), canonical);
    const Result<IsoDuration> again = IsoDuration::parse(d->toIso());
    QVERIFY(again.ok());
    QCOMPARE(*again, *d);
}

void TestIsoDuration::rejects_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("reason");

    QTest::newRow("empty") << QString() << QStringLiteral("must start with P");
    QTest::newRow("P") << QStringLiteral("P") << QStringLiteral("no components");
    QTest::newRow("PT") << QStringLiteral("PT") << QStringLiteral("no components");
    QTest::newRow("P1DT") << QStringLiteral("P1DT") << QStringLiteral("T without a time component");
    QTest::newRow("negative") << QStringLiteral("P-1D") << QStringLiteral("negative");
    QTest::newRow("huge") << QStringLiteral("PT99999999999H") << QStringLiteral("longer than 100 years");
    QTest::newRow("too many digits") << QStringLiteral("PT9999999999999S") << QStringLiteral("number too large");
    QTest::newRow("years") << QStringLiteral("P1Y") << QStringLiteral("years");
    QTest::newRow("months") << QStringLiteral("P1M") << QStringLiteral("months");
    QTest::newRow("repeated unit") << QStringLiteral("PT1H2H") << QStringLiteral("out of order");
    QTest::newRow("out of order") << QStringLiteral("PT1M1H") << QStringLiteral("out of order");
    QTest::newRow("fraction not last") << QStringLiteral("PT1.5H30M") << QStringLiteral("fraction");
    QTest::newRow("hours before T") << QStringLiteral("P1H") << QStringLiteral("designator");
    QTest::newRow("days after T") << QStringLiteral("PT1D") << QStringLiteral("designator");
    QTest::newRow("weeks with days") << QStringLiteral("P1W1D") << QStringLiteral("out of order");
    QTest::newRow("no unit") << QStringLiteral("PT5") << QStringLiteral("without a unit");
    QTest::newRow("unknown designator") << QStringLiteral("PT5X") << QStringLiteral("designator");
    QTest::newRow("double T") << QStringLiteral("PT1HT1M") << QStringLiteral("repeated T");
    QTest::newRow("bare fraction") << QStringLiteral("PT.5H") << QStringLiteral("fraction");
    QTest::newRow("not a duration") << QStringLiteral("8 hours") << QStringLiteral("must start with P");
    QTest::newRow("very long") << QString(100000, u'9').prepend(u'P') << QStringLiteral("too long");
}

void TestIsoDuration::rejects()
{
    QFETCH(QString, input);
    QFETCH(QString, reason);
    const Result<IsoDuration> d = IsoDuration::parse(input);
    QVERIFY(!d.ok());
    QVERIFY2(d.error().message.contains(reason), qPrintable(d.error().message));
    // A long input is never copied whole into the message.
    QVERIFY(d.error().message.size() < 200);
}

void TestIsoDuration::display()
{
    QCOMPARE(IsoDuration::fromMinutes(90).toDisplay(), QStringLiteral("1 h 30 min"));
    QCOMPARE(IsoDuration::fromHours(52).toDisplay(), QStringLiteral("2 d 4 h"));
    QCOMPARE(IsoDuration::fromSeconds(20).toDisplay(), QStringLiteral("0 min"));
}

void TestIsoDuration::clampsConstruction()
{
    QCOMPARE(IsoDuration::fromSeconds(-5).seconds(), qint64(0));
    QCOMPARE(IsoDuration::fromSeconds(IsoDuration::MaxSeconds * 2).seconds(), IsoDuration::MaxSeconds);
    QVERIFY(IsoDuration::fromHours(1) < IsoDuration::fromHours(2));
}

QTEST_GUILESS_MAIN(TestIsoDuration)
#include "TestIsoDuration.moc"
