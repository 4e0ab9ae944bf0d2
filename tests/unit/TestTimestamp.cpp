#include "Timestamp.h"
#include "IsoDuration.h"

#include <QTest>

using namespace Elevate;

class TestTimestamp final : public QObject
{
    Q_OBJECT

private slots:
    void parsesFractionDigits_data();
    void parsesFractionDigits();
    void rejects_data();
    void rejects();
    void offsetsNormaliseToUtc();
    void ordersAndArithmetic();
    void convertsToQDateTime();
    void nullTimestamp();
};

void TestTimestamp::parsesFractionDigits_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<qint64>("fractionTicks");

    QTest::newRow("no fraction") << QStringLiteral("2024-05-01T00:00:03Z") << QStringLiteral("2024-05-01T00:00:03Z")
                                 << qint64(0);
    QTest::newRow("one digit") << QStringLiteral("2024-05-01T00:00:03.5Z") << QStringLiteral("2024-05-01T00:00:03.5Z")
                               << qint64(5'000'000);
    QTest::newRow("three digits") << QStringLiteral("2023-10-12T17:39:50.287Z")
                                  << QStringLiteral("2023-10-12T17:39:50.287Z") << qint64(2'870'000);
    QTest::newRow("seven digits") << QStringLiteral("2022-04-12T14:44:03.9014347Z")
                                  << QStringLiteral("2022-04-12T14:44:03.9014347Z") << qint64(9'014'347);
    QTest::newRow("trailing zeros trimmed") << QStringLiteral("2022-04-12T14:44:03.1000000Z")
                                            << QStringLiteral("2022-04-12T14:44:03.1Z") << qint64(1'000'000);
    QTest::newRow("lower-case separators") << QStringLiteral("2022-04-12t14:44:03z")
                                           << QStringLiteral("2022-04-12T14:44:03Z") << qint64(0);
    QTest::newRow("leap day") << QStringLiteral("2024-02-29T23:59:59Z") << QStringLiteral("2024-02-29T23:59:59Z")
                              << qint64(0);
    QTest::newRow("before epoch") << QStringLiteral("1969-12-31T23:59:59.9Z")
                                  << QStringLiteral("1969-12-31T23:59:59.9Z") << qint64(9'000'000);
    QTest::newRow("first instant") << QStringLiteral("0001-01-01T00:00:00Z") << QStringLiteral("0001-01-01T00:00:00Z")
                                   << qint64(0);
    QTest::newRow("last instant") << QStringLiteral("9999-12-31T23:59:59.9999999Z")
                                  << QStringLiteral("9999-12-31T23:59:59.9999999Z") << qint64(9'999'999);
}

void TestTimestamp::parsesFractionDigits()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(qint64, fractionTicks);
    const auto t = Timestamp::fromIso(input);
    QVERIFY(t.has_value());
    QVERIFY(!t->isNull());
    QCOMPARE(t->toIso(), expected);
    QCOMPARE(t->ticks() - t->secsSinceEpoch() * Timestamp::TicksPerSecond, fractionTicks);
    // Round trip is exact.
    QCOMPARE(Timestamp::fromIso(t->toIso()), t);
    // The fixed form always has seven digits and means the same instant.
    const QString fixed = t->toFixedIso();
    QCOMPARE(fixed.size(), qsizetype(28));
    QCOMPARE(Timestamp::fromIso(fixed), t);
}

void TestTimestamp::rejects_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << QString();
    QTest::newRow("date only") << QStringLiteral("2024-01-01");
    QTest::newRow("no zone") << QStringLiteral("2024-01-01T00:00:00");
    QTest::newRow("eight digits") << QStringLiteral("2024-01-01T00:00:00.12345678Z");
    QTest::newRow("empty fraction") << QStringLiteral("2024-01-01T00:00:00.Z");
    QTest::newRow("feb 30") << QStringLiteral("2024-02-30T00:00:00Z");
    QTest::newRow("feb 29 non-leap") << QStringLiteral("2023-02-29T00:00:00Z");
    QTest::newRow("hour 25") << QStringLiteral("2024-01-01T25:00:00Z");
    QTest::newRow("minute 60") << QStringLiteral("2024-01-01T00:60:00Z");
    QTest::newRow("second 60") << QStringLiteral("2024-01-01T00:00:60Z");
    QTest::newRow("month 13") << QStringLiteral("2024-13-01T00:00:00Z");
    QTest::newRow("year 0") << QStringLiteral("0000-01-01T00:00:00Z");
    QTest::newRow("trailing text") << QStringLiteral("2024-01-01T00:00:00Zjunk");
    QTest::newRow("space separator") << QStringLiteral("2024-01-01 00:00:00Z");
    QTest::newRow("bad offset") << QStringLiteral("2024-01-01T00:00:00+25:00");
    QTest::newRow("letters") << QStringLiteral("abcd-ef-ghTij:kl:mnZ");
    QTest::newRow("overflow after offset") << QStringLiteral("9999-12-31T23:59:59-01:00");
}

void TestTimestamp::rejects()
{
    QFETCH(QString, input);
    QVERIFY(!Timestamp::fromIso(input).has_value());
}

void TestTimestamp::offsetsNormaliseToUtc()
{
    const auto t = Timestamp::fromIso(u"2024-05-01T02:30:00+02:30");
    QVERIFY(t);
    QCOMPARE(t->toIso(), QStringLiteral("2024-05-01T00:00:00Z"));
    const auto u = Timestamp::fromIso(u"2024-04-30T23:00:00-01:00");
    QCOMPARE(u, t);
}

void TestTimestamp::ordersAndArithmetic()
{
    const auto a = *Timestamp::fromIso(u"2024-05-01T00:00:00.0000001Z");
    const auto b = *Timestamp::fromIso(u"2024-05-01T00:00:00.0000002Z");
    QVERIFY(a < b);
    QVERIFY(b > a);
    QCOMPARE(a.plus(IsoDuration::fromHours(8)).toIso(), QStringLiteral("2024-05-01T08:00:00.0000001Z"));
    QCOMPARE(a.plusSeconds(-60).toIso(), QStringLiteral("2024-04-30T23:59:00.0000001Z"));
    QCOMPARE(a.msecsTo(a.plusSeconds(90)), qint64(90'000));
    // Saturates instead of overflowing.
    const auto last = *Timestamp::fromIso(u"9999-12-31T23:59:59Z");
    QCOMPARE(last.plus(IsoDuration::fromHours(24)).toIso(), QStringLiteral("9999-12-31T23:59:59.9999999Z"));
}

void TestTimestamp::convertsToQDateTime()
{
    const auto t = *Timestamp::fromIso(u"2022-04-12T14:44:03.9014347Z");
    const QDateTime dt = t.toDateTime();
    QCOMPARE(dt.toString(Qt::ISODateWithMs), QStringLiteral("2022-04-12T14:44:03.901Z"));
    QCOMPARE(Timestamp::fromDateTime(dt).toIso(), QStringLiteral("2022-04-12T14:44:03.901Z"));
    QVERIFY(Timestamp::fromDateTime(QDateTime()).isNull());
    QCOMPARE(Timestamp::fromSecsSinceEpoch(0).toIso(), QStringLiteral("1970-01-01T00:00:00Z"));
}

void TestTimestamp::nullTimestamp()
{
    const Timestamp t;
    QVERIFY(t.isNull());
    QVERIFY(t.toIso().isEmpty());
    QVERIFY(!t.toDateTime().isValid());
    QVERIFY(t.plusSeconds(10).isNull());
}

QTEST_GUILESS_MAIN(TestTimestamp)
#include "TestTimestamp.moc"
