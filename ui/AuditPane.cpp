#include "AuditPane.h"

#include "AuditModel.h"
#include "AuditStore.h"
#include "CacheDatabase.h"
#include "Format.h"
#include "SyncEngine.h"
#include "Workspace.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeAxis>
#include <QDateTimeEdit>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStringListModel>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QValueAxis>
#include <QVBoxLayout>

namespace Elevate::Ui {

namespace {

const QString AuditTable = QStringLiteral("audit");

Timestamp now()
{
    return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
}

QString esc(const QString& text)
{
    return text.toHtmlEscaped();
}

// One "label: value" row of the details table; empty values are left out.
void row(QString* html, const QString& label, const QString& value)
{
    if (!value.isEmpty()) {
        *html += QStringLiteral("<tr><td style='color:palette(mid);padding-right:12px'>%1</td><td>%2</td></tr>")
                     .arg(esc(label), esc(value));
    }
}

} // namespace

AuditPane::AuditPane(Workspace& workspace, QWidget* parent)
    : Pane(workspace, parent)
{
    setObjectName(QStringLiteral("auditPane"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &AuditPane::applyFilter);
    m_detailsLater.setSingleShot(true);
    m_detailsLater.setInterval(0);
    connect(&m_detailsLater, &QTimer::timeout, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        showDetailsOfRow(current.isValid() ? current.row() : -1);
    });
    m_chartLater.setSingleShot(true);
    m_chartLater.setInterval(0);
    connect(&m_chartLater, &QTimer::timeout, this, &AuditPane::updateChart);
    m_ageTimer.setInterval(60'000);
    connect(&m_ageTimer, &QTimer::timeout, this, &AuditPane::updateStatus);
    buildUi();

    SyncEngine* engine = workspace.engine();
    if (!engine) {
        m_statusLabel->setText(tr("The local audit archive could not be opened. Restart Elevate to try again."));
        m_statusLabel->show();
        setEnabled(false);
        return;
    }
    m_model = new Models::AuditModel(engine->audit(), this);
    m_model->setCountLater(true);
    m_view->setModel(m_model);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->resizeSection(Models::AuditModel::TimeColumn, 130);
    header->resizeSection(Models::AuditModel::ActivityColumn, 300);
    header->resizeSection(Models::AuditModel::InitiatedByColumn, 150);
    header->resizeSection(Models::AuditModel::TargetColumn, 190);
    header->resizeSection(Models::AuditModel::ResultColumn, 80);
    connect(m_model, &Models::AuditModel::totalCountChanged, this, &AuditPane::updateCount);
    connect(m_model, &Models::AuditModel::loadFailed, this, [this](const QString& error) {
        emit bannerRequested(Banner{Banner::Level::Error, tr("The audit archive could not be read. Try again."), error, {}});
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, &m_detailsLater,
            qOverload<>(&QTimer::start));
    connect(engine, &SyncEngine::tablesChanged, this, &AuditPane::onTablesChanged);
    connect(engine, &SyncEngine::collectionSynced, this, &AuditPane::onCollectionSynced);
    connect(engine, &SyncEngine::connectionStateChanged, this, &AuditPane::updateStatus);
    m_ageTimer.start();

    // The archive at once; the server in the background.
    reloadPickers();
    applyFilter();
    updateStatus();
    const std::optional<Cache::SyncState> state = workspace.cache()->syncState(AuditTable);
    if (state && !state->lastError.isEmpty()) {
        m_syncError = state->lastError;
        // Whether it was a refusal is known after the engine's next pull (at start).
        m_forbidden = workspace.engine() && workspace.engine()->auditRefused();
        updateStatus();
    }
}

AuditPane::~AuditPane() = default;

QString AuditPane::title() const
{
    return tr("Audit");
}

QIcon AuditPane::icon() const
{
    return themedIcon(QStringLiteral("elevate-audit"));
}

void AuditPane::buildUi()
{
    auto* layout = new QVBoxLayout(this);

    auto* bar = new QHBoxLayout;
    m_rangeCombo = new QComboBox(this);
    m_rangeCombo->setObjectName(QStringLiteral("rangeCombo"));
    m_rangeCombo->setAccessibleName(tr("Time range"));
    m_rangeCombo->addItems({tr("Last 24 hours"), tr("Last 7 days"), tr("Last 30 days"), tr("Last 90 days"),
                            tr("All time"), tr("Custom…")});
    m_rangeCombo->setCurrentIndex(Last30Days);
    m_fromEdit = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-7), this);
    m_fromEdit->setObjectName(QStringLiteral("fromEdit"));
    m_fromEdit->setAccessibleName(tr("From"));
    m_fromEdit->setCalendarPopup(true);
    m_fromEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_toEdit = new QDateTimeEdit(QDateTime::currentDateTime(), this);
    m_toEdit->setObjectName(QStringLiteral("toEdit"));
    m_toEdit->setAccessibleName(tr("To"));
    m_toEdit->setCalendarPopup(true);
    m_toEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_fromEdit->hide();
    m_toEdit->hide();

    m_actorEdit = new QLineEdit(this);
    m_actorEdit->setObjectName(QStringLiteral("actorEdit"));
    m_actorEdit->setAccessibleName(tr("Initiated by"));
    m_actorEdit->setPlaceholderText(tr("Initiated by"));
    m_actorEdit->setClearButtonEnabled(true);
    m_actorEdit->setToolTip(tr("A person's name or id, or an application"));
    m_roleEdit = new QLineEdit(this);
    m_roleEdit->setObjectName(QStringLiteral("roleEdit"));
    m_roleEdit->setAccessibleName(tr("Role or group"));
    m_roleEdit->setPlaceholderText(tr("Role or group"));
    m_roleEdit->setClearButtonEnabled(true);
    for (QLineEdit* edit : {m_actorEdit, m_roleEdit}) {
        auto* completer = new QCompleter(new QStringListModel(edit), edit);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        edit->setCompleter(completer);
    }
    m_activityCombo = new QComboBox(this);
    m_activityCombo->setObjectName(QStringLiteral("activityCombo"));
    m_activityCombo->setAccessibleName(tr("Activity"));
    m_activityCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_activityCombo->setMinimumContentsLength(18);
    m_activityCombo->addItem(tr("All activities"), QString());
    m_resultCombo = new QComboBox(this);
    m_resultCombo->setObjectName(QStringLiteral("resultCombo"));
    m_resultCombo->setAccessibleName(tr("Result"));
    m_resultCombo->addItem(tr("All results"), -1);
    for (AuditResult r : {AuditResult::Success, AuditResult::Failure, AuditResult::Timeout}) {
        m_resultCombo->addItem(Models::AuditModel::resultText(r), static_cast<int>(r));
    }
    m_searchEdit = new QLineEdit(this);
    m_searchEdit->setObjectName(QStringLiteral("searchEdit"));
    m_searchEdit->setAccessibleName(tr("Search"));
    m_searchEdit->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_searchEdit->setClearButtonEnabled(true);
    m_searchEdit->setMinimumWidth(160);
    m_exportButton = new QPushButton(themedIcon(QStringLiteral("document-export")), tr("&Export…"), this);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setAccessibleName(tr("Export the filtered events"));
    m_exportButton->setToolTip(tr("Save the events that match the filter as CSV or JSON"));

    bar->addWidget(m_rangeCombo);
    bar->addWidget(m_fromEdit);
    bar->addWidget(m_toEdit);
    bar->addWidget(m_actorEdit, 1);
    bar->addWidget(m_roleEdit, 1);
    bar->addWidget(m_activityCombo, 1);
    bar->addWidget(m_resultCombo);
    bar->addWidget(m_searchEdit, 2);
    layout->addLayout(bar);

    auto* info = new QHBoxLayout;
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    m_countLabel->setAccessibleName(tr("Matching events"));
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_chartButton = new QToolButton(this);
    m_chartButton->setObjectName(QStringLiteral("chartButton"));
    m_chartButton->setText(tr("&Chart"));
    m_chartButton->setAccessibleName(tr("Show the activations chart"));
    m_chartButton->setToolTip(tr("Show or hide activations per day"));
    m_chartButton->setCheckable(true);
    m_chartButton->setChecked(true);
    info->addWidget(m_countLabel);
    info->addWidget(m_statusLabel, 1);
    info->addWidget(m_chartButton);
    info->addWidget(m_exportButton);
    layout->addLayout(info);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("auditSplitter"));
    m_view = new QTableView(m_splitter);
    m_view->setObjectName(QStringLiteral("auditView"));
    m_view->setAccessibleName(tr("Audit events"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setSortingEnabled(false); // newest first, always: the archive's own order
    m_view->verticalHeader()->hide();
    // Fixed rows: a million rows of one height cost nothing to lay out.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_details = new QTextBrowser(m_splitter);
    m_details->setObjectName(QStringLiteral("detailsView"));
    m_details->setAccessibleName(tr("Event details"));
    m_details->setOpenLinks(false);
    m_details->setPlaceholderText(tr("Select an event to see everything it records."));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);

    m_chartBox = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(m_chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto* chart = new QChart;
    chart->setTitle(tr("Activations per day"));
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 0, 4, 0));
    chart->setBackgroundRoundness(0);
    m_series = new QLineSeries(chart);
    chart->addSeries(m_series);
    // Today is counted so far: drawn on its own, dashed in the line's colour, so that a day
    // under way does not read as a fall in activity.
    m_todaySeries = new QLineSeries(chart);
    chart->addSeries(m_todaySeries);
    QPen todayPen = m_series->pen();
    todayPen.setStyle(Qt::DashLine);
    todayPen.setColor(m_series->color());
    m_todaySeries->setPen(todayPen);
    m_axisX = new QDateTimeAxis(chart);
    m_axisX->setFormat(QStringLiteral("MM-dd"));
    m_axisX->setTickCount(7);
    m_axisY = new QValueAxis(chart);
    m_axisY->setLabelFormat(QStringLiteral("%d"));
    m_axisY->setTickCount(3);
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    m_series->attachAxis(m_axisX);
    m_series->attachAxis(m_axisY);
    m_todaySeries->attachAxis(m_axisX);
    m_todaySeries->attachAxis(m_axisY);
    m_chart = new QChartView(chart, m_chartBox);
    m_chart->setObjectName(QStringLiteral("activityChart"));
    m_chart->setAccessibleName(tr("Activations per day"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setFixedHeight(170);
    m_chart->setFocusPolicy(Qt::NoFocus);
    chartLayout->addWidget(m_chart);
    layout->addWidget(m_chartBox);
    // Takes the room only when the table is hidden (a refused account): the bar stays on top.
    layout->addStretch(0);

    connect(m_rangeCombo, &QComboBox::currentIndexChanged, this, &AuditPane::rangeChanged);
    connect(m_fromEdit, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_toEdit, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    for (QLineEdit* edit : {m_actorEdit, m_roleEdit, m_searchEdit}) {
        connect(edit, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
        // Enter applies at once.
        connect(edit, &QLineEdit::returnPressed, this, &AuditPane::applyFilter);
    }
    connect(m_activityCombo, &QComboBox::currentIndexChanged, this, &AuditPane::applyFilter);
    connect(m_resultCombo, &QComboBox::currentIndexChanged, this, &AuditPane::applyFilter);
    connect(m_exportButton, &QPushButton::clicked, this, &AuditPane::exportWithDialog);
    connect(m_chartButton, &QToolButton::toggled, m_chartBox, &QWidget::setVisible);
    connect(m_details, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        bool ok = false;
        const int i = url.fragment().toInt(&ok);
        if (url.scheme() == u"event" && ok && i >= 0 && i < m_related.size()) {
            const AuditEvent e = m_related.at(i);
            showDetails(e);
        }
    });

    setTabOrder(m_rangeCombo, m_fromEdit);
    setTabOrder(m_fromEdit, m_toEdit);
    setTabOrder(m_toEdit, m_actorEdit);
    setTabOrder(m_actorEdit, m_roleEdit);
    setTabOrder(m_roleEdit, m_activityCombo);
    setTabOrder(m_activityCombo, m_resultCombo);
    setTabOrder(m_resultCombo, m_searchEdit);
    setTabOrder(m_searchEdit, m_view);
    setTabOrder(m_view, m_details);
    setTabOrder(m_details, m_chartButton);
    setTabOrder(m_chartButton, m_exportButton);

    auto* exportAction = new QAction(this);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(exportAction, &QAction::triggered, this, &AuditPane::exportWithDialog);
    addAction(exportAction);
}

void AuditPane::refresh()
{
    if (SyncEngine* engine = workspace().engine()) {
        engine->syncNow(SyncCollection::Audit);
    }
}

void AuditPane::showEvent(QShowEvent* event)
{
    Pane::showEvent(event);
    if (!m_shownOnce) {
        m_shownOnce = true;
        // The archive is on screen already; new events arrive in the background.
        QTimer::singleShot(0, this, &AuditPane::refresh);
    }
}

void AuditPane::focusFind()
{
    m_searchEdit->setFocus(Qt::ShortcutFocusReason);
    m_searchEdit->selectAll();
}

void AuditPane::primaryAction()
{
    m_details->setFocus(Qt::OtherFocusReason);
}

void AuditPane::rangeChanged()
{
    const bool custom = m_rangeCombo->currentIndex() == CustomRange;
    m_fromEdit->setVisible(custom);
    m_toEdit->setVisible(custom);
    applyFilter();
}

// A typed name becomes the key AuditQuery wants: an exact key (id), else the one label equal
// to it, else the one label containing it. Several or none: the text itself, which matches
// nothing, so the count says 0 rather than silently ignoring the field.
QString AuditPane::resolve(const QString& typed, const QList<std::pair<QString, QString>>& values,
                           bool* unresolved) const
{
    *unresolved = false;
    const QString text = typed.trimmed();
    if (text.isEmpty()) {
        return {};
    }
    QString contained;
    int containing = 0;
    for (const auto& [key, label] : values) {
        if (key.compare(text, Qt::CaseInsensitive) == 0 || label.compare(text, Qt::CaseInsensitive) == 0) {
            return key;
        }
        if (label.contains(text, Qt::CaseInsensitive)) {
            contained = key;
            ++containing;
        }
    }
    *unresolved = containing != 1;
    return containing == 1 ? contained : text;
}

void AuditPane::applyFilter()
{
    m_debounce.stop();
    if (!m_model) {
        return;
    }
    Cache::AuditQuery q;
    const Timestamp t = now();
    switch (m_rangeCombo->currentIndex()) {
    case Last24Hours:
        q.from = t.plusSeconds(-86400);
        break;
    case Last7Days:
        q.from = t.plusSeconds(-7 * 86400);
        break;
    case Last30Days:
        q.from = t.plusSeconds(-30 * 86400);
        break;
    case Last90Days:
        q.from = t.plusSeconds(-90 * 86400);
        break;
    case CustomRange:
        q.from = Timestamp::fromDateTime(m_fromEdit->dateTime());
        q.to = Timestamp::fromDateTime(m_toEdit->dateTime());
        break;
    default:
        break;
    }
    bool actorUnresolved = false;
    bool roleUnresolved = false;
    q.actor = resolve(m_actorEdit->text(), m_actors, &actorUnresolved);
    q.target = resolve(m_roleEdit->text(), m_roles, &roleUnresolved);
    m_unresolved = actorUnresolved ? tr("no single person or app is called “%1”: pick one from the list")
                                         .arg(m_actorEdit->text().trimmed())
                   : roleUnresolved ? tr("no single role or group is called “%1”: pick one from the list")
                                          .arg(m_roleEdit->text().trimmed())
                                    : QString();
    q.activity = m_activityCombo->currentData().toString();
    const int result = m_resultCombo->currentData().toInt();
    if (result >= 0) {
        q.result = static_cast<AuditResult>(result);
    }
    q.text = m_searchEdit->text().trimmed();
    q.limit = Models::AuditModel::PageSize;
    m_query = q;
    m_model->setFilter(q);
    updateCount();
    m_chartLater.start();
    if (m_model->rowCount() > 0) {
        m_view->selectionModel()->setCurrentIndex(m_model->index(0, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_detailsLater.start();
}

void AuditPane::updateCount()
{
    if (!m_model) {
        return;
    }
    if (m_model->isCounting()) {
        m_countLabel->setText(tr("Counting…"));
        return;
    }
    const qint64 n = m_model->totalCount();
    // English needs no numerus translation loaded to read right; other languages get theirs.
    const QString count = n == 1 ? tr("1 event")
                                 : tr("%Ln events", nullptr, int(std::min<qint64>(n, std::numeric_limits<int>::max())));
    m_countLabel->setText(m_unresolved.isEmpty() ? count : tr("%1 (%2)").arg(count, m_unresolved));
}

void AuditPane::reloadPickers()
{
    if (!m_model) {
        return;
    }
    m_actors = m_model->values(Cache::AuditStore::Column::Actor);
    m_roles = m_model->values(Cache::AuditStore::Column::Target);
    const auto labels = [](const QList<std::pair<QString, QString>>& values) {
        QStringList out;
        for (const auto& v : values) {
            if (!v.second.isEmpty()) {
                out << v.second;
            }
        }
        out.removeDuplicates();
        return out;
    };
    for (auto [edit, values] : {std::pair{m_actorEdit, &m_actors}, std::pair{m_roleEdit, &m_roles}}) {
        if (auto* list = qobject_cast<QStringListModel*>(edit->completer()->model())) {
            list->setStringList(labels(*values));
        }
    }
    const QString chosen = m_activityCombo->currentData().toString();
    const QSignalBlocker block(m_activityCombo);
    while (m_activityCombo->count() > 1) {
        m_activityCombo->removeItem(1);
    }
    for (const auto& [key, label] : m_model->values(Cache::AuditStore::Column::Activity)) {
        m_activityCombo->addItem(label, key);
    }
    m_activityCombo->setCurrentIndex(std::max(0, m_activityCombo->findData(chosen)));
}

void AuditPane::onTablesChanged(const QStringList& tables)
{
    if (!tables.contains(AuditTable) || !m_model) {
        return;
    }
    reloadPickers();
    const bool hadRows = m_model->rowCount() > 0;
    m_model->refresh();
    updateCount();
    m_chartLater.start();
    if (!hadRows && m_model->rowCount() > 0) {
        m_view->selectionModel()->setCurrentIndex(m_model->index(0, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
}

void AuditPane::onCollectionSynced(SyncCollection collection, const QString& error)
{
    if (collection != SyncCollection::Audit) {
        return;
    }
    m_syncError = error;
    m_forbidden = workspace().engine() && workspace().engine()->auditRefused();
    updateStatus();
}

void AuditPane::updateStatus()
{
    QString text;
    QString style;
    SyncEngine* engine = workspace().engine();
    const std::optional<Cache::SyncState> state =
        workspace().cache() ? workspace().cache()->syncState(AuditTable) : std::nullopt;
    const Timestamp last = state ? state->lastSync : Timestamp();
    const QString age = last.isNull() ? QString() : Models::Format::ago(last, now());
    if (m_forbidden) {
        text = tr("This account cannot read the audit log. Ask an administrator for the auditor role.");
        style = QStringLiteral("color:palette(highlighted-text);background:#b3261e;padding:6px;border-radius:3px");
    } else if (engine && engine->state() == ConnectionState::Offline) {
        text = last.isNull() ? tr("Offline: the audit log has not been downloaded yet.")
                             : tr("Offline: showing the audit log as of %1.").arg(age);
        style = QStringLiteral("color:#8a5a00");
    } else if (engine && engine->state() == ConnectionState::Throttled) {
        text = last.isNull() ? tr("The server asked to wait; the audit log follows shortly.")
                             : tr("The server asked to wait: showing the audit log as of %1.").arg(age);
        style = QStringLiteral("color:#8a5a00");
    } else if (engine && engine->state() == ConnectionState::SignedOut) {
        text = last.isNull() ? tr("Sign in to download the audit log.")
                             : tr("Signed out: showing the audit log as of %1. Sign in to update it.").arg(age);
        style = QStringLiteral("color:#8a5a00");
    } else if (!m_syncError.isEmpty()) {
        text = last.isNull() ? tr("The audit log could not be downloaded. Press F5 to try again.")
                             : tr("Could not update the audit log; showing it as of %1. Press F5 to try again.").arg(age);
        style = QStringLiteral("color:#8a5a00");
    } else if (!last.isNull()) {
        text = tr("Updated %1").arg(age);
    } else {
        text = tr("Downloading the audit log…");
    }
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet(style);
    m_statusLabel->setToolTip(m_syncError);
    // Refused and nothing archived from an earlier right: no empty table that looks broken.
    const bool nothing = m_forbidden && (!m_model || m_model->totalCount() == 0);
    m_splitter->setVisible(!nothing);
    m_countLabel->setVisible(!nothing);
    m_chartBox->setVisible(!nothing && m_chartButton->isChecked());
    for (QWidget* w : std::initializer_list<QWidget*>{m_rangeCombo, m_fromEdit, m_toEdit, m_actorEdit, m_roleEdit,
                                                      m_activityCombo, m_resultCombo, m_searchEdit, m_exportButton,
                                                      m_chartButton}) {
        w->setEnabled(!nothing);
    }
}

void AuditPane::updateChart()
{
    if (!m_model) {
        return;
    }
    const auto days = m_model->activationsPerDay();
    QList<QPointF> points;
    QList<QPointF> todayPoints;
    const QDate today = QDateTime::currentDateTimeUtc().date();
    qint64 top = 1;
    QDate first = days.isEmpty() ? QDate() : days.first().first;
    QDate last = days.isEmpty() ? QDate() : days.last().first;
    if (!m_query.from.isNull()) {
        first = m_query.from.toDateTime().toUTC().date();
    }
    last = m_query.to.isNull() ? QDateTime::currentDateTimeUtc().date() : m_query.to.toDateTime().toUTC().date();
    if (first.isValid() && last.isValid() && first <= last) {
        // Every day of the range, zero where nothing happened, so the line does not lie.
        QHash<QDate, qint64> byDay;
        for (const auto& [day, n] : days) {
            byDay.insert(day, n);
        }
        for (QDate d = first; d <= last; d = d.addDays(1)) {
            const qint64 n = byDay.value(d);
            top = std::max(top, n);
            points.append(QPointF(double(QDateTime(d, QTime(12, 0), Qt::UTC).toMSecsSinceEpoch()), double(n)));
        }
        // Ticks on midnights: one per day for a short range, else about seven.
        const qint64 span = first.daysTo(last) + 1;
        m_axisX->setRange(QDateTime(first, QTime(0, 0), Qt::UTC), QDateTime(last.addDays(1), QTime(0, 0), Qt::UTC));
        m_axisX->setTickCount(span <= 14 ? int(span) + 1 : 7);
        m_axisX->setFormat(span <= 2 ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("MM-dd"));
        if (last == today) {
            // Today's point joins the whole days' line by a dashed segment of its own.
            todayPoints = {points.last()};
            points.removeLast();
            if (!points.isEmpty()) {
                todayPoints.prepend(points.last());
            }
        }
    }
    m_series->replace(points);
    m_todaySeries->replace(todayPoints);
    m_chart->chart()->setTitle(todayPoints.isEmpty() ? tr("Activations per day")
                                                     : tr("Activations per day (dashed: today so far)"));
    // Three ticks on whole numbers: 0, half, top.
    top = std::max<qint64>(2, top + top % 2);
    m_axisY->setRange(0, double(top));
}

void AuditPane::showDetailsOfRow(int row)
{
    if (row < 0 || !m_model) {
        m_shownId.clear();
        m_related.clear();
        m_details->clear();
        return;
    }
    const std::optional<AuditEvent> e = m_model->fullEvent(row);
    if (e) {
        showDetails(*e);
    }
}

void AuditPane::showDetails(const AuditEvent& e)
{
    m_shownId = e.id;
    m_related = m_model->relatedEvents(e);
    QString html = QStringLiteral("<h3>%1</h3><table>").arg(esc(e.activityDisplayName));
    row(&html, tr("Time"), Models::Format::dateTime(e.activityDateTime) + QStringLiteral(" (") + e.activityDateTime.toIso()
                               + u')');
    row(&html, tr("Result"), Models::AuditModel::resultText(e.result));
    row(&html, tr("Reason"), e.resultReason);
    row(&html, tr("Category"), e.category);
    row(&html, tr("Service"), e.loggedByService);
    row(&html, tr("Operation"), e.operationType);
    row(&html, tr("Correlation id"), e.correlationId);
    row(&html, tr("Event id"), e.id);
    html += QStringLiteral("</table><h4>%1</h4><table>").arg(esc(tr("Initiated by")));
    if (e.initiatedByUser) {
        const auto& u = *e.initiatedByUser;
        row(&html, tr("User"), u.displayName);
        row(&html, tr("User name"), u.userPrincipalName);
        row(&html, tr("User id"), u.id);
        row(&html, tr("IP address"), u.ipAddress);
        row(&html, tr("User type"), u.userType);
        row(&html, tr("Home tenant"), u.homeTenantName.isEmpty() ? u.homeTenantId : u.homeTenantName);
    }
    if (e.initiatedByApp) {
        const auto& a = *e.initiatedByApp;
        row(&html, tr("Application"), a.displayName);
        row(&html, tr("Application id"), a.appId);
        row(&html, tr("Service principal"), a.servicePrincipalName);
        row(&html, tr("Service principal id"), a.servicePrincipalId);
    }
    if (!e.initiatedByUser && !e.initiatedByApp) {
        row(&html, tr("Initiator"), tr("System"));
    }
    html += QStringLiteral("</table>");
    for (const auto& t : e.targetResources) {
        html += QStringLiteral("<h4>%1</h4><table>").arg(esc(tr("Target: %1").arg(t.type)));
        row(&html, tr("Name"), t.displayName);
        row(&html, tr("User name"), t.userPrincipalName);
        row(&html, tr("Id"), t.id);
        row(&html, tr("Group type"), t.groupType);
        html += QStringLiteral("</table>");
        if (!t.modifiedProperties.isEmpty()) {
            html += QStringLiteral("<p><b>%1</b></p><table>").arg(esc(tr("Modified properties")));
            for (const auto& p : t.modifiedProperties) {
                row(&html, p.displayName, tr("%1 → %2").arg(p.oldValue.isEmpty() ? tr("(empty)") : p.oldValue,
                                                            p.newValue.isEmpty() ? tr("(empty)") : p.newValue));
            }
            html += QStringLiteral("</table>");
        }
    }
    if (!e.additionalDetails.isEmpty()) {
        html += QStringLiteral("<h4>%1</h4><table>").arg(esc(tr("Additional details")));
        for (const auto& kv : e.additionalDetails) {
            row(&html, kv.key, kv.value.isEmpty() ? QStringLiteral("-") : kv.value);
        }
        html += QStringLiteral("</table>");
    }
    html += QStringLiteral("<h4>%1</h4>").arg(esc(tr("Same request")));
    if (m_related.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(esc(tr("No other events share this correlation id.")));
    } else {
        html += QStringLiteral("<table>");
        for (qsizetype i = 0; i < m_related.size(); ++i) {
            const AuditEvent& o = m_related.at(i);
            const QString who = o.initiatorName().isEmpty() ? tr("System") : o.initiatorName();
            html += QStringLiteral("<tr><td style='padding-right:12px'>%1</td><td><a href='event:#%2'>%3</a> (%4)</td></tr>")
                        .arg(esc(Models::Format::dateTime(o.activityDateTime)), QString::number(i),
                             esc(o.activityDisplayName), esc(who));
        }
        html += QStringLiteral("</table>");
    }
    m_details->setHtml(html);
}

bool AuditPane::exportTo(const QString& path, ExportFormat format)
{
    if (!m_model) {
        return false;
    }
    Cache::AuditStore& store = workspace().engine()->audit();
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok) {
        ok = format == ExportFormat::Csv ? store.exportCsv(m_query, &file) : store.exportJson(m_query, &file);
    }
    const QString details = ok ? QString() : (file.error() != QFileDevice::NoError ? file.errorString() : store.lastError());
    if (ok) {
        ok = file.commit();
    } else {
        file.cancelWriting();
    }
    if (!ok) {
        emit bannerRequested(Banner{Banner::Level::Error,
                                    tr("The audit events could not be saved. Choose another folder and try again."),
                                    details.isEmpty() ? file.errorString() : details,
                                    {}});
        return false;
    }
    emit bannerRequested(Banner{Banner::Level::Positive,
                                tr("Saved the filtered events to %1.").arg(QFileInfo(path).fileName()),
                                {},
                                {}});
    return true;
}

void AuditPane::exportWithDialog()
{
    const QString csv = tr("CSV (*.csv)");
    const QString json = tr("JSON (*.json)");
    QString chosen = csv;
    QString path = QFileDialog::getSaveFileName(this, tr("Export audit events"),
                                                QStringLiteral("audit-%1.csv")
                                                    .arg(QDate::currentDate().toString(Qt::ISODate)),
                                                csv + QStringLiteral(";;") + json, &chosen);
    if (path.isEmpty()) {
        return;
    }
    const bool asJson = path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)
                        || (chosen == json && !path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive));
    if (asJson && !path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)) {
        path += QStringLiteral(".json");
    }
    exportTo(path, asJson ? ExportFormat::Json : ExportFormat::Csv);
}

void AuditPane::saveState(QSettings& settings) const
{
    settings.setValue(QStringLiteral("header"), m_view->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("range"), m_rangeCombo->currentIndex());
    settings.setValue(QStringLiteral("chart"), m_chartButton->isChecked());
}

void AuditPane::restoreState(QSettings& settings)
{
    m_view->horizontalHeader()->restoreState(settings.value(QStringLiteral("header")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    const int range = settings.value(QStringLiteral("range"), int(Last30Days)).toInt();
    if (range >= 0 && range < CustomRange) {
        m_rangeCombo->setCurrentIndex(range);
    }
    m_chartButton->setChecked(settings.value(QStringLiteral("chart"), true).toBool());
}

} // namespace Elevate::Ui
