#include "ApprovalsPane.h"
#include "Widgets.h"

#include "Format.h"
#include "Session.h"
#include "SyncEngine.h"
#include "Workspace.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace Elevate::Ui {

using Models::ApprovalEntry;
using Models::ApprovalsModel;

ApprovalsPane::ApprovalsPane(Workspace& workspace, QWidget* parent)
    : Pane(workspace, parent)
{
    setObjectName(QStringLiteral("approvalsPane"));
    m_model = new ApprovalsModel(workspace.cache(), this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ApprovalsModel::RawValueRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_filter = makeFilterEdit(QStringLiteral("filterEdit"), tr("Filter requests"), tr("Filter requests (Ctrl+F)"), this);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_view = makeListView(QStringLiteral("approvalsView"), tr("Requests waiting for you"), this);
    m_view->setModel(m_proxy);
    m_view->sortByColumn(ApprovalsModel::RequestedColumn, Qt::DescendingOrder);
    const QList<std::pair<int, int>> widths
        = { { ApprovalsModel::RequesterColumn, 130 }, { ApprovalsModel::RoleColumn, 210 },
            { ApprovalsModel::ScopeColumn, 70 },      { ApprovalsModel::JustificationColumn, 230 },
            { ApprovalsModel::TicketColumn, 175 },    { ApprovalsModel::DurationColumn, 65 },
            { ApprovalsModel::RequestedColumn, 85 },  { ApprovalsModel::LapsesColumn, 125 },
            { ApprovalsModel::StageColumn, 55 } };
    for (const auto& [column, width] : widths) {
        m_view->header()->resizeSection(column, width);
    }

    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("detailsLabel"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumHeight(60);

    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setAccessibleName(tr("Reason for your decision"));
    m_reasonHint = new QLabel(this);
    m_reasonHint->setObjectName(QStringLiteral("reasonHint"));
    m_approve = new QPushButton(themedIcon(QStringLiteral("dialog-ok-apply")), tr("A&pprove"), this);
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_approve->setToolTip(tr("Approve the selected requests (Ctrl+Enter)"));
    m_deny = new QPushButton(themedIcon(QStringLiteral("dialog-cancel")), tr("De&ny"), this);
    m_deny->setObjectName(QStringLiteral("denyButton"));
    m_deny->setToolTip(tr("Deny the selected requests"));
    connect(m_approve, &QPushButton::clicked, this, &ApprovalsPane::approveSelected);
    connect(m_deny, &QPushButton::clicked, this, &ApprovalsPane::denySelected);
    connect(m_reason, &QLineEdit::textChanged, this, &ApprovalsPane::updateButtons);
    connect(m_reason, &QLineEdit::returnPressed, this, [this] {
        if (m_approve->isEnabled()) {
            approveSelected();
        }
    });

    auto* top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_filter);
    auto* decision = new QHBoxLayout;
    auto* reasonLabel = new QLabel(tr("&Reason:"), this);
    reasonLabel->setBuddy(m_reason);
    decision->addWidget(reasonLabel);
    decision->addWidget(m_reason, 1);
    decision->addWidget(m_approve);
    decision->addWidget(m_deny);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("approvalsSplitter"));
    splitter->addWidget(m_view);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_reasonHint);
    layout->addLayout(decision);
    setTabOrder(m_filter, m_view);
    setTabOrder(m_view, m_reason);
    setTabOrder(m_reason, m_approve);
    setTabOrder(m_approve, m_deny);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateButtons();
        updateDetails();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] {
        updateButtons();
        updateDetails();
    });
    connect(m_model, &ApprovalsModel::refreshed, this, &ApprovalsPane::onRefreshed);
    connect(m_model, &ApprovalsModel::refreshFailed, this, [this](const QString& error) {
        Banner b;
        b.level = Banner::Level::Error;
        b.text = tr("The requests waiting for you could not be read from the offline cache. Refresh to try again.");
        b.details = error;
        b.actions << Banner::Action{ tr("Refresh"), [this] { refresh(); } };
        emit bannerRequested(b);
    });
    if (SyncEngine* engine = workspace.engine()) {
        connect(engine, &SyncEngine::tablesChanged, this, [this](const QStringList& tables) {
            if (ApprovalsModel::dependsOn(tables)) {
                m_model->refresh();
            }
        });
        connect(engine, &SyncEngine::connectionStateChanged, this, &ApprovalsPane::updateStatus);
    }
    m_statusTimer.setInterval(30'000);
    connect(&m_statusTimer, &QTimer::timeout, this, &ApprovalsPane::updateStatus);
    m_statusTimer.start();

    // Who I am, to leave me out of "other approvers" (in the background; the rows show anyway).
    QPointer<ApprovalsPane> self(this);
    workspace.session().whoami([self](const SessionReply<Identity>& me) {
        if (self && me.ok()) {
            self->m_model->setMyId(me.value.id);
        }
    });

    // The cache at once; the server in the background, unless the engine pulled just now.
    m_model->refresh();
    updateButtons();
    updateDetails();
    const Timestamp last = m_model->lastSync();
    if (last.isNull() || last.secsSinceEpoch() < QDateTime::currentSecsSinceEpoch() - 30) {
        QTimer::singleShot(0, this, &ApprovalsPane::refresh);
    }
}

ApprovalsPane::~ApprovalsPane() = default;

QString ApprovalsPane::title() const
{
    return tr("Pending Approvals");
}

QIcon ApprovalsPane::icon() const
{
    return themedIcon(QStringLiteral("elevate-approvals"));
}

void ApprovalsPane::refresh()
{
    if (SyncEngine* engine = workspace().engine()) {
        engine->syncNow(SyncCollection::Approvals);
    }
}

void ApprovalsPane::focusFind()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void ApprovalsPane::primaryAction()
{
    if (m_approve->isEnabled()) {
        approveSelected();
    } else if (!selectedIds().isEmpty()) {
        m_reason->setFocus();
    }
}

void ApprovalsPane::saveState(QSettings& settings) const
{
    settings.setValue(QStringLiteral("header"), m_view->header()->saveState());
}

void ApprovalsPane::restoreState(QSettings& settings)
{
    m_view->header()->restoreState(settings.value(QStringLiteral("header")).toByteArray());
}

QStringList ApprovalsPane::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows()) {
        ids << index.data(ApprovalsModel::IdRole).toString();
    }
    return ids;
}

bool ApprovalsPane::selectionNeedsReason() const
{
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows()) {
        if (index.data(ApprovalsModel::ReasonRequiredRole).toBool()) {
            return true;
        }
    }
    return false;
}

void ApprovalsPane::updateButtons()
{
    const int selected = int(selectedIds().size());
    const bool needsReason = selectionNeedsReason();
    const bool hasReason = !m_reason->text().trimmed().isEmpty();
    const bool ready = selected > 0 && !m_busy && (!needsReason || hasReason);
    m_approve->setEnabled(ready);
    m_deny->setEnabled(ready);
    m_reason->setPlaceholderText(needsReason ? tr("Required: why you approve or deny")
                                             : tr("Optional: a note for the requester"));
    if (selected == 0) {
        m_reasonHint->setText(m_model->rowCount() > 0 ? tr("Select one or more requests to decide on them.")
                                                      : QString());
    } else if (needsReason && !hasReason) {
        m_reasonHint->setText(tr("Give a reason: the policy asks for one."));
    } else {
        m_reasonHint->setText(needsReason ? tr("The requesters see your reason.")
                                          : tr("A reason is optional here; the requesters see it."));
    }
}

void ApprovalsPane::updateDetails()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.size() != 1) {
        QStringList lines;
        for (const QModelIndex& index : rows) {
            lines << tr("%1: %2")
                         .arg(index.siblingAtColumn(ApprovalsModel::RequesterColumn).data().toString(),
                              index.siblingAtColumn(ApprovalsModel::RoleColumn).data().toString())
                         .toHtmlEscaped();
        }
        m_details->setText(rows.isEmpty() ? tr("Select a request to see its details.")
                                          : tr("<b>%1 requests selected</b>").arg(rows.size()) + QStringLiteral("<br>")
                                   + lines.join(QStringLiteral("<br>")));
        return;
    }
    const int row = m_model->rowOfId(rows.first().data(ApprovalsModel::IdRole).toString());
    if (row < 0) {
        m_details->clear();
        return;
    }
    const ApprovalEntry& e = m_model->entry(row);
    auto cell = [&](int column) { return m_model->index(row, column).data().toString().toHtmlEscaped(); };
    QString html = tr("<b>%1</b> asks for <b>%2</b>")
                       .arg(cell(ApprovalsModel::RequesterColumn), cell(ApprovalsModel::RoleColumn));
    if (!cell(ApprovalsModel::DurationColumn).isEmpty()) {
        html += tr(" for %1").arg(cell(ApprovalsModel::DurationColumn));
    }
    html += QStringLiteral("<br>") + tr("Justification: %1").arg(e.request.justification.toHtmlEscaped());
    if (!e.request.ticketInfo.isEmpty()) {
        html += QStringLiteral("<br>") + tr("Ticket: %1").arg(cell(ApprovalsModel::TicketColumn));
    }
    html += QStringLiteral("<br>")
        + tr("Requested %1 (%2)")
              .arg(Models::Format::dateTime(e.request.createdDateTime), cell(ApprovalsModel::RequestedColumn));
    if (!e.lapsesAt().isNull()) {
        html += tr("; lapses %1 unless decided").arg(Models::Format::dateTime(e.lapsesAt()));
    }
    if (e.stageCount() > 0) {
        html += QStringLiteral("<br>") + tr("Stage %1").arg(cell(ApprovalsModel::StageColumn));
        const QString others = cell(ApprovalsModel::ApproversColumn);
        if (!others.isEmpty()) {
            html += tr("; other approvers: %1").arg(others);
        }
    }
    m_details->setText(html);
}

void ApprovalsPane::updateStatus()
{
    const Timestamp now = Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
    const Timestamp last = m_model->lastSync();
    SyncEngine* engine = workspace().engine();
    QString text;
    if (!workspace().cache()) {
        text = tr("Working online only: the offline cache could not be opened.");
    } else if (engine && engine->state() == ConnectionState::Offline) {
        text = last.isNull() ? tr("Offline, and no requests were ever loaded.")
                             : tr("Offline: requests as of %1 (%2). Decisions wait in the outbox until the server "
                                  "answers.")
                                   .arg(Models::Format::dateTime(last), Models::Format::ago(last, now));
    } else if (engine && engine->state() == ConnectionState::SignedOut) {
        text = last.isNull() ? tr("Signed out. Sign in to see the requests waiting for you.")
                             : tr("Signed out: requests as of %1 (%2). Sign in to refresh them.")
                                   .arg(Models::Format::dateTime(last), Models::Format::ago(last, now));
    } else if (last.isNull()) {
        text = tr("Loading the requests waiting for you…");
    } else if (m_model->rowCount() == 0) {
        text = tr("Nothing waits for you. Updated %1.").arg(Models::Format::ago(last, now));
    } else {
        text
            = (m_model->rowCount() == 1 ? tr("1 request waits for you. Updated %1.").arg(Models::Format::ago(last, now))
                                        : tr("%1 requests wait for you. Updated %2.")
                                              .arg(m_model->rowCount())
                                              .arg(Models::Format::ago(last, now)));
    }
    m_status->setText(text);
}

void ApprovalsPane::onRefreshed()
{
    emit badgeChanged(m_model->rowCount());
    QSet<QString> now;
    QList<int> arrived;
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const QString id = m_model->entry(i).request.id;
        now.insert(id);
        if (m_seenFirst && !m_known.contains(id)) {
            arrived << i;
        }
    }
    m_known = now;
    // The first load of the cache is not news; requests pulled later are.
    if (!m_model->lastSync().isNull()) {
        m_seenFirst = true;
    }
    if (arrived.size() == 1) {
        const ApprovalEntry& e = m_model->entry(arrived.first());
        Notification n;
        n.title = tr("New request from %1").arg(e.requesterName());
        n.text = tr("%1 asks for %2: %3").arg(e.requesterName(), e.roleName(), e.request.justification);
        QPointer<ApprovalsPane> self(this);
        n.actions << Banner::Action{ tr("Review"), [self, id = e.request.id] {
                                        if (self) {
                                            self->select(id);
                                        }
                                    } };
        emit notificationRequested(n);
    } else if (arrived.size() > 1) {
        Notification n;
        n.title = tr("%1 new requests").arg(arrived.size());
        n.text = tr("%1 requests wait for your approval.").arg(m_model->rowCount());
        QPointer<ApprovalsPane> self(this);
        n.actions << Banner::Action{ tr("Review"), [self, id = m_model->entry(arrived.first()).request.id] {
                                        if (self) {
                                            self->select(id);
                                        }
                                    } };
        emit notificationRequested(n);
    }
    updateButtons();
    updateDetails();
    updateStatus();
}

void ApprovalsPane::select(const QString& requestId)
{
    const int row = m_model->rowOfId(requestId);
    if (row < 0) {
        return;
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    m_view->setFocus();
}

void ApprovalsPane::approveSelected()
{
    decide(ApprovalVerdict::Approve);
}

void ApprovalsPane::denySelected()
{
    decide(ApprovalVerdict::Deny);
}

void ApprovalsPane::decide(ApprovalVerdict verdict)
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty() || m_busy || (selectionNeedsReason() && m_reason->text().trimmed().isEmpty())) {
        return;
    }
    m_busy = true;
    updateButtons();
    QPointer<ApprovalsPane> self(this);
    workspace().session().decideApprovals(
        ids,
        verdict,
        m_reason->text().trimmed(),
        [self, verdict, count = int(ids.size())](const SessionReply<QList<ItemOutcome>>& r) {
            if (!self) {
                return;
            }
            self->m_busy = false;
            Banner b;
            QStringList problems;
            QString details;
            for (const ItemOutcome& o : r.value) {
                if (o.outcome != SessionOutcome::Done) {
                    problems << o.message;
                    details += o.id + QStringLiteral(": ") + o.details + u'\n';
                }
            }
            if (r.ok() && problems.isEmpty()) {
                b.level = Banner::Level::Positive;
                b.text = count == 1
                    ? (verdict == ApprovalVerdict::Approve ? tr("Request approved.") : tr("Request denied."))
                    : (verdict == ApprovalVerdict::Approve ? tr("%1 requests approved.").arg(count)
                                                           : tr("%1 requests denied.").arg(count));
                if (!r.message.isEmpty() && self->workspace().engine()
                    && self->workspace().engine()->state() == ConnectionState::Offline) {
                    b.level = Banner::Level::Information;
                    b.text = r.message;
                }
                self->m_reason->clear();
            } else {
                b.level = Banner::Level::Error;
                b.text = problems.isEmpty() ? r.message : problems.join(u' ');
                b.details = r.details + details;
            }
            emit self->bannerRequested(b);
            self->updateButtons();
            self->refresh();
        });
}

} // namespace Elevate::Ui
