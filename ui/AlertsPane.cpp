#include "AlertsPane.h"
#include "Widgets.h"

#include "AlertsModel.h"
#include "CacheDatabase.h"
#include "SyncEngine.h"
#include "Workspace.h"

#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

namespace Elevate::Ui {

using Models::AlertsModel;

AlertsPane::AlertsPane(Workspace& workspace, QWidget* parent)
    : Pane(workspace, parent)
{
    setObjectName(QStringLiteral("alertsPane"));

    m_limitations = new QLabel(this);
    m_limitations->setObjectName(QStringLiteral("alertsLimitationsLabel"));
    m_limitations->setWordWrap(true);

    m_view = makeListView(QStringLiteral("alertsView"), tr("Alerts"), this, QAbstractItemView::SingleSelection);

    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("alertDetails"));
    m_details->setAccessibleName(tr("Alert details: affected people and what to do"));
    m_details->setOpenLinks(false);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("alertsSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_limitations);
    setTabOrder(m_view, m_details);

    Cache::CacheDatabase* cache = workspace.cache();
    if (!cache) {
        m_limitations->setText(tr("The offline cache could not be opened: alerts are not available in this profile."));
        m_splitter->setEnabled(false);
        return;
    }
    // The audit archive joins the inputs when the pane is first shown: reading it at start-up
    // would hold the window back on a large archive.
    m_model = new AlertsModel(*cache, nullptr, this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(AlertsModel::RawValueRole);
    m_view->setModel(proxy);
    m_view->sortByColumn(AlertsModel::SeverityColumn, Qt::DescendingOrder);
    m_view->header()->setSectionResizeMode(AlertsModel::AlertColumn, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AlertsPane::showDetails);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &AlertsPane::showDetails);

    if (SyncEngine* engine = workspace.engine()) {
        connect(engine, &SyncEngine::tablesChanged, this, [this](const QStringList& tables) {
            static const QStringList inputs{QStringLiteral("roleDefinitions"), QStringLiteral("eligibilities"),
                                            QStringLiteral("activeAssignments"), QStringLiteral("rolePolicies"),
                                            QStringLiteral("audit")};
            for (const QString& t : tables) {
                if (inputs.contains(t)) {
                    reload();
                    return;
                }
            }
        });
    }
    reload();
}

AlertsPane::~AlertsPane() = default;

QString AlertsPane::title() const
{
    return tr("Alerts");
}

QIcon AlertsPane::icon() const
{
    return themedIcon(QStringLiteral("elevate-alerts"));
}

void AlertsPane::refresh()
{
    if (SyncEngine* engine = workspace().engine()) {
        engine->syncNow(SyncCollection::MyRoles);
        engine->syncNow(SyncCollection::Organisation);
        engine->syncNow(SyncCollection::Audit);
    }
}

void AlertsPane::saveState(QSettings& settings) const
{
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("header"), m_view->header()->saveState());
}

void AlertsPane::restoreState(QSettings& settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_view->header()->restoreState(settings.value(QStringLiteral("header")).toByteArray());
}

void AlertsPane::showEvent(QShowEvent* event)
{
    Pane::showEvent(event);
    if (m_model && !m_auditAttached && workspace().engine()) {
        m_auditAttached = true;
        m_model->setAudit(&workspace().engine()->audit());
        reload();
    }
}

void AlertsPane::reload()
{
    if (!m_model) {
        return;
    }
    m_model->reload();
    const QStringList limits = m_model->limitations();
    m_limitations->setText(limits.isEmpty() ? QString() : tr("Not checked: %1").arg(limits.join(u' ')));
    m_limitations->setVisible(!limits.isEmpty());
    if (!m_view->currentIndex().isValid() && m_view->model()->rowCount() > 0) {
        m_view->setCurrentIndex(m_view->model()->index(0, 0));
    }
    showDetails();
    const int count = m_model->rowCount();
    if (count != m_badge) {
        m_badge = count;
        emit badgeChanged(count);
    }
}

void AlertsPane::showDetails()
{
    const QModelIndex current = m_view->currentIndex();
    if (!m_model || !current.isValid()) {
        m_details->setHtml(m_model && m_model->rowCount() == 0
                               ? tr("<p>No alerts: nothing risky was found in what the cache holds.</p>")
                               : QString());
        return;
    }
    const QModelIndex index = current.siblingAtColumn(0);
    QString html = QStringLiteral("<h3>%1</h3><p>%2</p>")
                       .arg(index.siblingAtColumn(AlertsModel::AlertColumn).data().toString().toHtmlEscaped(),
                            index.data(AlertsModel::DescriptionRole).toString().toHtmlEscaped());
    const QStringList people = index.data(AlertsModel::AffectedRole).toStringList();
    html += QStringLiteral("<p><b>%1</b></p>").arg(tr("Affected people").toHtmlEscaped());
    if (people.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(tr("Nobody in the cache is eligible for it yet.").toHtmlEscaped());
    } else {
        html += QStringLiteral("<ul>");
        for (const QString& person : people) {
            html += QStringLiteral("<li>%1</li>").arg(person.toHtmlEscaped());
        }
        html += QStringLiteral("</ul>");
    }
    html += QStringLiteral("<p><b>%1</b></p><p>%2</p>")
                .arg(tr("What to do").toHtmlEscaped(), index.data(AlertsModel::ActionRole).toString().toHtmlEscaped());
    m_details->setHtml(html);
}

} // namespace Elevate::Ui
