// "Filter the audit and export": the Audit pane against a real embedded elevated with the
// demo's 90 days of history, as the auditor isaiah: quick pick, actor and word typed into the
// filter bar, count and rows checked against AuditStore's own answer for an independently
// built query, details of an event and of its request, CSV and JSON export checked line by
// line. A non-auditor is told plainly that the audit log is not theirs to read.
#include "ConsoleFixture.h"

#include "AuditModel.h"
#include "AuditPane.h"
#include "AuditStore.h"
#include "IdentityService.h"
#include "Panes.h"

#include <QApplication>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTextBrowser>

using namespace Elevate;
using Elevate::Models::AuditModel;
using Elevate::Ui::AuditPane;

class TestAuditPane final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsTheArchiveAtOnce();
    void filterTheAuditAndExport();
    void chartCountsActivationsPerDay();
    void nonAuditorIsToldPlainly();
    void unreachableServerShowsTheArchiveWithItsAge();
    void cleanupTestCase();

private:
    template <typename T>
    T* child(const char* name)
    {
        T* w = m_pane->findChild<T*>(QString::fromLatin1(name));
        if (!w) {
            qWarning("no widget %s", name);
        }
        return w;
    }

    Testing::ConsoleFixture m_fixture;
    std::unique_ptr<Workspace> m_isaiah;
    std::unique_ptr<AuditPane> m_pane;
    QTemporaryDir m_out;
};

void TestAuditPane::initTestCase()
{
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    m_isaiah = m_fixture.workspace(QStringLiteral("isaiah"), &error);
    QVERIFY2(m_isaiah, qPrintable(error));
    QCOMPARE(Testing::ConsoleFixture::syncAll(*m_isaiah), QStringList());
    QVERIFY(m_isaiah->engine()->audit().size() > 1000);
}

void TestAuditPane::showsTheArchiveAtOnce()
{
    // Registered with the other panes.
    const QList<Ui::Pane*> panes = Ui::createPanes(*m_isaiah, nullptr);
    bool registered = false;
    for (Ui::Pane* p : panes) {
        registered = registered || p->paneId() == u"audit";
        delete p;
    }
    QVERIFY(registered);

    m_pane = std::make_unique<AuditPane>(*m_isaiah);
    m_pane->resize(1280, 800);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    QCOMPARE(m_pane->objectName(), QStringLiteral("auditPane"));
    // No waiting for the server: the cached archive is there when the pane is.
    auto* view = child<QTableView>("auditView");
    QVERIFY(view);
    QVERIFY(view->model()->rowCount() > 0);
    QCOMPARE(child<QComboBox>("rangeCombo")->currentIndex(), int(AuditPane::Last30Days));
    Cache::AuditQuery month;
    month.from = m_pane->currentQuery().from;
    const qint64 expected = m_isaiah->engine()->audit().count(month);
    QTRY_COMPARE(child<QLabel>("countLabel")->text(), QStringLiteral("%L1 events").arg(expected));
    QCOMPARE(m_pane->model()->totalCount(), expected);
    QCOMPARE(view->model()->rowCount(), int(expected));
    QVERIFY(!m_pane->isForbidden());
    // Ctrl+F lands in the search field.
    m_pane->focusFind();
    QTRY_VERIFY(child<QLineEdit>("searchEdit")->hasFocus());
}

void TestAuditPane::filterTheAuditAndExport()
{
    QVERIFY(m_pane);
    Cache::AuditStore& store = m_isaiah->engine()->audit();
    const QString megan = m_fixture.server().identity().userIdForName(QStringLiteral("megan"));
    QVERIFY(!megan.isEmpty());

    auto* range = child<QComboBox>("rangeCombo");
    auto* actor = child<QLineEdit>("actorEdit");
    auto* search = child<QLineEdit>("searchEdit");
    auto* count = child<QLabel>("countLabel");
    auto* view = child<QTableView>("auditView");
    QVERIFY(range && actor && search && count && view);

    // Quick pick: last 7 days.
    range->setFocus();
    range->setCurrentIndex(AuditPane::Last7Days);
    const Timestamp weekAgo = Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()).plusSeconds(-7 * 86400);
    QVERIFY(qAbs(m_pane->currentQuery().from.msecsTo(weekAgo)) < 60'000);

    // A name that fits several people is not guessed at: the count says so.
    QTest::keyClicks(actor, QStringLiteral("an"));
    QTRY_VERIFY(count->text().contains(QStringLiteral("pick one from the list")));
    QVERIFY(count->text().startsWith(QStringLiteral("0 events")));
    if (QWidget* popup = QApplication::activePopupWidget()) {
        popup->close();
    }
    actor->clear();

    // Type an actor by name and a word, as a user would.
    QTest::keyClicks(actor, QStringLiteral("Megan Bowen"));
    // The name's completion list pops up; a user's click elsewhere closes it.
    if (QWidget* popup = QApplication::activePopupWidget()) {
        popup->close();
    }
    QTest::keyClicks(search, QStringLiteral("approved"));
    QTRY_COMPARE(m_pane->currentQuery().text, QStringLiteral("approved"));
    QCOMPARE(m_pane->currentQuery().actor, megan);

    // AuditStore's own answer to the same question, built here.
    Cache::AuditQuery q;
    q.from = m_pane->currentQuery().from;
    q.actor = megan;
    q.text = QStringLiteral("approved");
    q.limit = Cache::AuditStore::MaxLimit;
    const Cache::AuditPage want = store.query(q);
    QVERIFY2(want.total > 10, "megan approves requests every week of the demo history");
    QCOMPARE(want.rows.size(), want.total);
    QTRY_COMPARE(count->text(), QStringLiteral("%L1 events").arg(want.total));
    QCOMPARE(view->model()->rowCount(), int(want.total));
    for (int row = 0; row < want.rows.size(); ++row) {
        const QModelIndex index = view->model()->index(row, AuditModel::TimeColumn);
        QCOMPARE(index.data(AuditModel::IdRole).toString(), want.rows.at(row).id);
        QCOMPARE(view->model()->index(row, AuditModel::InitiatedByColumn).data().toString(), QStringLiteral("Megan Bowen"));
        QVERIFY(view->model()->index(row, AuditModel::ActivityColumn).data().toString().contains(u"approved"));
        QVERIFY(index.data(AuditModel::RawValueRole).toDateTime() >= q.from.toDateTime());
    }

    // Details of the third event: every field, and its request's other events.
    const AuditEvent& picked = want.rows.at(2);
    const QRect cell = view->visualRect(view->model()->index(2, AuditModel::ActivityColumn));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    auto* details = child<QTextBrowser>("detailsView");
    QVERIFY(details);
    QTRY_VERIFY(details->toPlainText().contains(picked.correlationId));
    const QString text = details->toPlainText();
    QVERIFY(text.contains(picked.activityDisplayName));
    QVERIFY(text.contains(QStringLiteral("megan@contoso.example")));
    QVERIFY(text.contains(picked.initiatedByUser->ipAddress));
    QVERIFY(text.contains(AuditModel::roleTarget(picked)->displayName));
    QVERIFY(text.contains(picked.id));
    // The request: it was asked for, the approval was requested, and it was activated.
    QVERIFY(text.contains(QStringLiteral("Add member to role requested (PIM activation)")));
    QVERIFY(text.contains(QStringLiteral("Add member to role completed (PIM activation)")));
    QVERIFY(details->toHtml().contains(QStringLiteral("event:#0")));
    // Following a link shows that event in full.
    emit details->anchorClicked(QUrl(QStringLiteral("event:#0")));
    QVERIFY(details->toPlainText().startsWith(QStringLiteral("Add member to role requested (PIM activation)")));
    QVERIFY(details->toPlainText().contains(picked.correlationId));

    // Export both ways; the files hold exactly the filtered events.
    QVERIFY(child<QPushButton>("exportButton"));
    const QString csvPath = m_out.filePath(QStringLiteral("audit.csv"));
    QVERIFY(m_pane->exportTo(csvPath, AuditPane::ExportFormat::Csv));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = csv.readAll().split('\n');
    QCOMPARE(lines.takeLast(), QByteArray()); // ends with CRLF
    QCOMPARE(lines.size(), want.rows.size() + 1);
    QVERIFY(lines.first().startsWith("activityDateTime,activity,result,initiatedBy,"));
    for (int i = 1; i < lines.size(); ++i) {
        QVERIFY(lines.at(i).endsWith('\r'));
        QVERIFY2(lines.at(i).contains(want.rows.at(i - 1).id.toLatin1()), lines.at(i).constData());
        QVERIFY(lines.at(i).contains("Megan Bowen"));
    }
    const QString jsonPath = m_out.filePath(QStringLiteral("audit.json"));
    QVERIFY(m_pane->exportTo(jsonPath, AuditPane::ExportFormat::Json));
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.readAll(), &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QJsonArray items = doc.object().value(QStringLiteral("value")).toArray();
    QCOMPARE(items.size(), want.rows.size());
    for (int i = 0; i < items.size(); ++i) {
        const QJsonObject o = items.at(i).toObject();
        QCOMPARE(o.value(QStringLiteral("id")).toString(), want.rows.at(i).id);
        QCOMPARE(o.value(QStringLiteral("initiatedBy")).toObject().value(QStringLiteral("user")).toObject()
                     .value(QStringLiteral("id")).toString(),
                 megan);
    }
    // A folder that does not exist: a banner says so, nothing is claimed.
    QSignalSpy banners(m_pane.get(), &Ui::Pane::bannerRequested);
    QVERIFY(!m_pane->exportTo(QStringLiteral("/nonexistent/elevate/audit.csv"), AuditPane::ExportFormat::Csv));
    QCOMPARE(banners.size(), 1);
    QCOMPARE(banners.first().first().value<Ui::Banner>().level, Ui::Banner::Level::Error);

    // Clearing the word widens the list again to megan's whole week.
    search->clear();
    Cache::AuditQuery week;
    week.from = m_pane->currentQuery().from;
    week.actor = megan;
    QTRY_COMPARE(count->text(), QStringLiteral("%L1 events").arg(store.count(week)));
    QVERIFY(store.count(week) > want.total);

    // Enter applies at once, without waiting for the typing pause; a filter on the result too.
    auto* result = child<QComboBox>("resultCombo");
    QVERIFY(result);
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("denied"));
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(m_pane->currentQuery().text, QStringLiteral("denied"));
    result->setCurrentIndex(result->findData(static_cast<int>(AuditResult::Success)));
    QCOMPARE(m_pane->currentQuery().result, std::optional<AuditResult>(AuditResult::Success));
    Cache::AuditQuery denied = week;
    denied.text = QStringLiteral("denied");
    denied.result = AuditResult::Success;
    QTRY_COMPARE(count->text(), store.count(denied) == 1 ? QStringLiteral("1 event")
                                                          : QStringLiteral("%L1 events").arg(store.count(denied)));
    result->setCurrentIndex(0);
    search->clear();
    actor->clear();
}

void TestAuditPane::chartCountsActivationsPerDay()
{
    QVERIFY(m_pane);
    auto* chart = child<QChartView>("activityChart");
    QVERIFY(chart);
    QVERIFY(chart->isVisible());
    auto* series = qobject_cast<QLineSeries*>(chart->chart()->series().value(0));
    auto* today = qobject_cast<QLineSeries*>(chart->chart()->series().value(1));
    QVERIFY(series && today);
    // One point per day of the range (31 and 8 days touched by the last 30 and 7 × 24 h): the
    // whole days on the line, today (a day under way) on a dashed segment from the last of them.
    child<QComboBox>("rangeCombo")->setCurrentIndex(AuditPane::Last30Days);
    QTRY_COMPARE(series->count(), 30);
    child<QComboBox>("rangeCombo")->setCurrentIndex(AuditPane::Last7Days);
    QTRY_COMPARE(series->count(), 7);
    QCOMPARE(today->count(), 2);
    QCOMPARE(today->at(0), series->points().last());
    const QDate todayDate = QDateTime::currentDateTimeUtc().date();
    QCOMPARE(today->at(1).x(), double(QDateTime(todayDate, QTime(12, 0), Qt::UTC).toMSecsSinceEpoch()));
    QCOMPARE(today->pen().style(), Qt::DashLine);
    QVERIFY(chart->chart()->title().contains(QStringLiteral("today so far")));
    // Their sum is the number of activations since the first day began, counted by the store.
    const QDate firstDay = m_pane->currentQuery().from.toDateTime().toUTC().date();
    Cache::AuditQuery q;
    q.from = Timestamp::fromDateTime(QDateTime(firstDay, QTime(0, 0), Qt::UTC));
    q.activity = AuditModel::activationActivities().first();
    qint64 sum = 0;
    for (const QPointF& p : series->points()) {
        sum += qint64(p.y());
    }
    sum += qint64(today->at(1).y());
    QVERIFY(sum > 0);
    QCOMPARE(sum, m_isaiah->engine()->audit().count(q));
    // Hideable.
    QTest::mouseClick(child<QWidget>("chartButton"), Qt::LeftButton);
    QVERIFY(!chart->isVisible());
    QTest::mouseClick(child<QWidget>("chartButton"), Qt::LeftButton);
    QVERIFY(chart->isVisible());
}

void TestAuditPane::nonAuditorIsToldPlainly()
{
    QString error;
    std::unique_ptr<Workspace> alex = m_fixture.workspace(QStringLiteral("alex"), &error);
    QVERIFY2(alex, qPrintable(error));
    const QStringList errors = Testing::ConsoleFixture::syncAll(*alex);
    QCOMPARE(errors.size(), 1); // the audit log only
    AuditPane pane(*alex);
    pane.show();
    auto* status = pane.findChild<QLabel*>(QStringLiteral("statusLabel"));
    QVERIFY(status);
    QTRY_VERIFY(pane.isForbidden());
    QVERIFY2(status->text().contains(QStringLiteral("cannot read the audit log")), qPrintable(status->text()));
    QVERIFY(status->isVisible());
    // No empty table that looks broken, nothing to filter or export.
    QVERIFY(!pane.findChild<QTableView*>(QStringLiteral("auditView"))->isVisible());
    QVERIFY(!pane.findChild<QPushButton*>(QStringLiteral("exportButton"))->isEnabled());
    // A later failed pull (F5) keeps saying so, not something vaguer.
    pane.refresh();
    QTRY_VERIFY(pane.isForbidden());
    QTest::qWait(0);
    QVERIFY(status->text().contains(QStringLiteral("cannot read the audit log")));
}

void TestAuditPane::unreachableServerShowsTheArchiveWithItsAge()
{
    QVERIFY(m_isaiah);
    // The same profile and cache, its server gone (nothing listens on port 9).
    Profile gone = m_isaiah->profile();
    gone.authority = QUrl(QStringLiteral("http://127.0.0.1:9"));
    gone.graph = gone.authority;
    WorkspaceOptions options;
    options.dataDir = m_fixture.dataDir();
    options.tokensInMemoryOnly = true;
    Workspace offline(m_fixture.nam(), gone, options);
    Testing::ConsoleFixture::signInAsPersona(offline, QStringLiteral("isaiah"));
    QString problem;
    QVERIFY2(offline.openStorage(false, &problem), qPrintable(problem));
    AuditPane pane(offline);
    pane.show();
    // The archive at once, whatever the network does.
    const qint64 archived = offline.engine()->audit().size();
    QVERIFY(archived > 1000);
    QTRY_VERIFY(pane.model()->rowCount() > 0);
    auto* status = pane.findChild<QLabel*>(QStringLiteral("statusLabel"));
    // The first show pulls in the background; the pull fails and the pane says how old its data is.
    QTRY_VERIFY_WITH_TIMEOUT(offline.engine()->state() != ConnectionState::Online, 30000);
    QTRY_VERIFY2(status->text().contains(QStringLiteral("showing the audit log as of")), qPrintable(status->text()));
    QVERIFY(status->text().contains(QStringLiteral("ago")) || status->text().contains(QStringLiteral("just now")));
    QVERIFY(!pane.isForbidden());
    QVERIFY(pane.findChild<QTableView*>(QStringLiteral("auditView"))->isVisible());
}

void TestAuditPane::cleanupTestCase()
{
    m_pane.reset();
    m_isaiah.reset();
}

QTEST_MAIN(TestAuditPane)
#include "TestAuditPane.moc"
