// elevatectl's human output: "1 h 25 min left", local times, duration and time parsing, and
// aligned tables.
#include "HumanFormat.h"
#include "TextTable.h"

#include <QTest>

using namespace Elevate;

class TestHumanFormat final : public QObject
{
    Q_OBJECT

private slots:
    void remaining_data();
    void remaining();
    void parseDuration_data();
    void parseDuration();
    void parseTime();
    void localTimeFollowsTheTimeZone();
    void tableAlignsColumns();
};

void TestHumanFormat::remaining_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("1 h 25 min") << qint64(85 * 60 + 30) << QStringLiteral("1 h 25 min left");
    QTest::newRow("exact hour") << qint64(7200) << QStringLiteral("2 h left");
    QTest::newRow("minutes") << qint64(45 * 60) << QStringLiteral("45 min left");
    QTest::newRow("days drop minutes") << qint64(2 * 86400 + 3 * 3600 + 17 * 60) << QStringLiteral("2 d 3 h left");
    QTest::newRow("under a minute") << qint64(59) << QStringLiteral("less than a minute left");
    QTest::newRow("over") << qint64(0) << QStringLiteral("expired");
    QTest::newRow("past") << qint64(-30) << QStringLiteral("expired");
}

void TestHumanFormat::remaining()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(HumanFormat::remaining(seconds), text);
}

void TestHumanFormat::parseDuration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds"); // -1: refused
    QTest::newRow("1h") << QStringLiteral("1h") << qint64(3600);
    QTest::newRow("90m") << QStringLiteral("90m") << qint64(5400);
    QTest::newRow("1h30m") << QStringLiteral("1h30m") << qint64(5400);
    QTest::newRow("spaced") << QStringLiteral("1 h 30 min") << qint64(5400);
    QTest::newRow("2d") << QStringLiteral("2d") << qint64(172800);
    QTest::newRow("ISO") << QStringLiteral("PT2H") << qint64(7200);
    QTest::newRow("iso lower") << QStringLiteral("pt45m") << qint64(2700);
    QTest::newRow("zero") << QStringLiteral("0h") << qint64(-1);
    QTest::newRow("word") << QStringLiteral("banana") << qint64(-1);
    QTest::newRow("trailing junk") << QStringLiteral("1hx") << qint64(-1);
    QTest::newRow("empty") << QString() << qint64(-1);
    QTest::newRow("months") << QStringLiteral("P1M") << qint64(-1);
}

void TestHumanFormat::parseDuration()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);
    const auto d = HumanFormat::parseDuration(text);
    if (seconds < 0) {
        QVERIFY(!d.has_value());
    } else {
        QVERIFY(d.has_value());
        QCOMPARE(d->seconds(), seconds);
    }
}

void TestHumanFormat::parseTime()
{
    const QDateTime now(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
    QCOMPARE(HumanFormat::parseTime(QStringLiteral("2026-03-02T10:15:00Z"), now)->toIso(), QStringLiteral("2026-03-02T10:15:00Z"));
    QCOMPARE(HumanFormat::parseTime(QStringLiteral("+30m"), now)->toIso(), QStringLiteral("2026-03-02T09:30:00Z"));
    // TZ=UTC in ctest: local equals UTC.
    QCOMPARE(HumanFormat::parseTime(QStringLiteral("2026-03-02 11:00"), now)->toIso(), QStringLiteral("2026-03-02T11:00:00Z"));
    QCOMPARE(HumanFormat::parseTime(QStringLiteral("14:45"), now)->toIso(), QStringLiteral("2026-03-02T14:45:00Z"));
    QVERIFY(!HumanFormat::parseTime(QStringLiteral("tomorrowish"), now));
    QVERIFY(!HumanFormat::parseTime(QStringLiteral("25:00"), now));
}

void TestHumanFormat::localTimeFollowsTheTimeZone()
{
    const Timestamp t = *Timestamp::fromIso(u"2026-03-02T09:05:59.9Z");
    QCOMPARE(HumanFormat::localTime(t), QStringLiteral("2026-03-02 09:05")); // TZ=UTC
    QCOMPARE(HumanFormat::localTime(Timestamp()), QStringLiteral("—"));
    qputenv("TZ", "Europe/Berlin");
    tzset();
    QCOMPARE(HumanFormat::localTime(t), QStringLiteral("2026-03-02 10:05"));
    qputenv("TZ", "UTC");
    tzset();
}

void TestHumanFormat::tableAlignsColumns()
{
    TextTable table({QStringLiteral("role"), QStringLiteral("state"), QStringLiteral("time left")});
    table.addRow({QStringLiteral("Global Administrator"), QStringLiteral("active"), QStringLiteral("1 h 25 min left")});
    table.addRow({QStringLiteral("Reader"), QStringLiteral("eligible")});
    const QStringList lines = table.render().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0), QStringLiteral("role                  state     time left"));
    QCOMPARE(lines.at(1), QStringLiteral("Global Administrator  active    1 h 25 min left"));
    QCOMPARE(lines.at(2), QStringLiteral("Reader                eligible")); // no trailing spaces
    for (const QString& line : lines) {
        QVERIFY(!line.endsWith(u' '));
    }
}

QTEST_GUILESS_MAIN(TestHumanFormat)
#include "TestHumanFormat.moc"
