#include "MyRolesPane.h"

#include "ActivateDialog.h"
#include "Format.h"
#include "Session.h"
#include "SyncEngine.h"
#include "Widgets.h"
#include "Workspace.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <memory>

namespace Elevate::Ui {

using Models::MyRoleEntry;
using Models::MyRolesModel;

namespace {

QString roleNameOf(const ScheduleRequest& r, const MyRolesModel& model)
{
    const QString id = r.kind == PimKind::Group ? r.groupId : r.roleDefinitionId;
    for (int i = 0; i < model.rowCount(); ++i) {
        const MyRoleEntry& e = model.entry(i);
        if (e.target.kind == r.kind && e.target.id == id) {
            return e.target.displayName;
        }
    }
    if (r.roleDefinition) {
        return r.roleDefinition->displayName;
    }
    return r.group ? r.group->displayName : id;
}

} // namespace

MyRolesPane::MyRolesPane(Workspace& workspace, QWidget* parent)
    : Pane(workspace, parent)
{
    setObjectName(QStringLiteral("rolesPane"));
    m_model = new MyRolesModel(workspace.cache(), this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(MyRolesModel::RawValueRole);
    m_proxy->setFilterKeyColumn(MyRolesModel::RoleColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_filter = makeFilterEdit(QStringLiteral("filterEdit"), tr("Filter roles"), tr("Filter roles (Ctrl+F)"), this);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_view = makeListView(QStringLiteral("rolesView"), tr("My roles"), this);
    m_view->setModel(m_proxy);
    m_view->sortByColumn(MyRolesModel::RoleColumn, Qt::AscendingOrder);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->resizeSection(MyRolesModel::RoleColumn, 260);
    m_view->header()->resizeSection(MyRolesModel::ScopeColumn, 110);
    m_view->header()->resizeSection(MyRolesModel::StateColumn, 150);
    m_view->header()->resizeSection(MyRolesModel::TimeLeftColumn, 150);

    m_activate = new QPushButton(themedIcon(QStringLiteral("media-playback-start")), tr("&Activate…"), this);
    m_activate->setObjectName(QStringLiteral("activateButton"));
    m_activate->setToolTip(tr("Activate the selected roles (Ctrl+Enter)"));
    m_deactivate = new QPushButton(themedIcon(QStringLiteral("media-playback-stop")), tr("&Deactivate"), this);
    m_deactivate->setObjectName(QStringLiteral("deactivateButton"));
    m_deactivate->setToolTip(tr("End the selected activations now"));
    m_extend = new QPushButton(themedIcon(QStringLiteral("chronometer")), tr("E&xtend…"), this);
    m_extend->setObjectName(QStringLiteral("extendButton"));
    m_extend->setToolTip(tr("Ask for more time on the selected active role"));
    m_cancelRequest = new QPushButton(themedIcon(QStringLiteral("dialog-cancel")), tr("&Cancel request"), this);
    m_cancelRequest->setObjectName(QStringLiteral("cancelRequestButton"));
    m_cancelRequest->setToolTip(tr("Withdraw the selected pending requests"));
    connect(m_activate, &QPushButton::clicked, this, &MyRolesPane::activateSelected);
    connect(m_deactivate, &QPushButton::clicked, this, &MyRolesPane::deactivateSelected);
    connect(m_extend, &QPushButton::clicked, this, [this] {
        const auto selected = selectedEntries();
        if (selected.size() == 1) {
            extendRole(selected.first().key);
        }
    });
    connect(m_cancelRequest, &QPushButton::clicked, this, &MyRolesPane::cancelSelectedRequests);

    auto* top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_filter);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_activate);
    buttons->addWidget(m_extend);
    buttons->addWidget(m_deactivate);
    buttons->addWidget(m_cancelRequest);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    setTabOrder(m_filter, m_view);
    setTabOrder(m_view, m_activate);
    setTabOrder(m_activate, m_extend);
    setTabOrder(m_extend, m_deactivate);
    setTabOrder(m_deactivate, m_cancelRequest);

    connect(m_view, &QTreeView::activated, this, [this] { primaryAction(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MyRolesPane::updateButtons);
    connect(m_model, &MyRolesModel::refreshed, this, [this] {
        updateButtons();
        updateStatus();
        checkReminders();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MyRolesPane::updateButtons);
    connect(m_model, &MyRolesModel::refreshFailed, this, [this](const QString& error) {
        Banner b;
        b.level = Banner::Level::Error;
        b.text = tr("Your roles could not be read from the offline cache. Refresh to try again.");
        b.details = error;
        b.actions << Banner::Action{ tr("Refresh"), [this] { refresh(); } };
        emit bannerRequested(b);
    });
    connect(m_model, &MyRolesModel::requestDecided, this, &MyRolesPane::onRequestDecided);

    if (SyncEngine* engine = workspace.engine()) {
        connect(engine, &SyncEngine::tablesChanged, this, &MyRolesPane::onTablesChanged);
        connect(engine, &SyncEngine::connectionStateChanged, this, &MyRolesPane::updateStatus);
    }
    m_reminders.setInterval(15'000);
    connect(&m_reminders, &QTimer::timeout, this, &MyRolesPane::checkReminders);
    m_reminders.start();
    m_statusTimer.setInterval(30'000);
    connect(&m_statusTimer, &QTimer::timeout, this, &MyRolesPane::updateStatus);
    m_statusTimer.start();

    // The cache at once; the server in the background, unless the engine pulled just now (it
    // pulls everything when it starts).
    m_model->refresh();
    const Timestamp last = m_model->lastSync();
    if (last.isNull() || last.secsSinceEpoch() < m_model->now().secsSinceEpoch() - 30) {
        QTimer::singleShot(0, this, [this] {
            if (SyncEngine* engine = this->workspace().engine()) {
                engine->syncNow(SyncCollection::MyRoles);
            }
        });
    }
}

MyRolesPane::~MyRolesPane() = default;

ActivateDialog* MyRolesPane::activeDialog() const
{
    return m_dialog.data();
}

QString MyRolesPane::title() const
{
    return tr("My Roles");
}

QIcon MyRolesPane::icon() const
{
    return themedIcon(QStringLiteral("elevate-roles"));
}

void MyRolesPane::refresh()
{
    if (SyncEngine* engine = workspace().engine()) {
        engine->syncNow(SyncCollection::MyRoles);
        engine->syncNow(SyncCollection::Approvals); // my own requests
    }
}

void MyRolesPane::focusFind()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void MyRolesPane::primaryAction()
{
    if (m_activate->isEnabled()) {
        activateSelected();
    }
}

void MyRolesPane::saveState(QSettings& settings) const
{
    settings.setValue(QStringLiteral("header"), m_view->header()->saveState());
}

void MyRolesPane::restoreState(QSettings& settings)
{
    m_view->header()->restoreState(settings.value(QStringLiteral("header")).toByteArray());
}

void MyRolesPane::onTablesChanged(const QStringList& tables)
{
    if (MyRolesModel::dependsOn(tables)) {
        m_model->refresh();
    }
}

QList<MyRoleEntry> MyRolesPane::selectedEntries() const
{
    QList<MyRoleEntry> out;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex& index : rows) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (source.isValid()) {
            out << m_model->entry(source.row());
        }
    }
    return out;
}

void MyRolesPane::updateButtons()
{
    const QList<MyRoleEntry> selected = selectedEntries();
    const bool any = !selected.isEmpty();
    const bool online = workspace().engine() == nullptr || workspace().engine()->state() != ConnectionState::Offline;
    auto all = [&selected](auto pred) { return std::all_of(selected.cbegin(), selected.cend(), pred); };
    m_activate->setEnabled(online && any
                           && all([](const MyRoleEntry& e) { return e.eligible && !e.active && !e.pending; }));
    m_deactivate->setEnabled(online && any && all([](const MyRoleEntry& e) {
                                 return e.active && e.active->assignmentType != AssignmentType::Assigned;
                             }));
    m_extend->setEnabled(online && selected.size() == 1 && selected.first().hasCountdown()
                         && selected.first().target.kind == PimKind::DirectoryRole && !selected.first().pending);
    m_cancelRequest->setEnabled(online && any && all([](const MyRoleEntry& e) {
                                    return e.pending && e.pending->status == RequestStatus::PendingApproval;
                                }));
}

void MyRolesPane::updateStatus()
{
    const Timestamp now = m_model->now();
    const Timestamp last = m_model->lastSync();
    SyncEngine* engine = workspace().engine();
    QString text;
    if (!workspace().cache()) {
        text = tr("Working online only: the offline cache could not be opened.");
    } else if (engine && engine->state() == ConnectionState::Offline) {
        text = last.isNull() ? tr("Offline, and your roles were never loaded. They appear once the server answers.")
                             : tr("Offline: showing your roles as of %1 (%2).")
                                   .arg(Models::Format::dateTime(last), Models::Format::ago(last, now));
    } else if (engine && engine->state() == ConnectionState::SignedOut) {
        text = last.isNull() ? tr("Signed out. Sign in to see your roles.")
                             : tr("Signed out: showing your roles as of %1 (%2). Sign in to refresh them.")
                                   .arg(Models::Format::dateTime(last), Models::Format::ago(last, now));
    } else if (last.isNull()) {
        text = tr("Loading your roles…");
    } else {
        text = tr("Updated %1.").arg(Models::Format::ago(last, now));
    }
    m_status->setText(text);
    updateButtons();
}

void MyRolesPane::activateSelected()
{
    QList<MyRoleEntry> roles;
    for (const MyRoleEntry& e : selectedEntries()) {
        if (e.eligible && !e.active && !e.pending) {
            roles << e;
        }
    }
    if (!roles.isEmpty()) {
        openDialog(roles, false);
    }
}

void MyRolesPane::activateRole(const QString& key)
{
    const int row = m_model->rowOfKey(key);
    if (row >= 0) {
        openDialog({ m_model->entry(row) }, false);
    }
}

void MyRolesPane::extendRole(const QString& key)
{
    const int row = m_model->rowOfKey(key);
    if (row >= 0) {
        openDialog({ m_model->entry(row) }, true);
    }
}

void MyRolesPane::openDialog(const QList<MyRoleEntry>& roles, bool extend)
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new ActivateDialog(
        workspace().session(), roles, extend ? ActivateDialog::Mode::Extend : ActivateDialog::Mode::Activate, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &ActivateDialog::submitted, this, [this](bool any) {
        if (any) {
            refresh();
        }
    });
    m_dialog->open();
}

void MyRolesPane::deactivateSelected()
{
    QList<MyRoleEntry> roles;
    for (const MyRoleEntry& e : selectedEntries()) {
        if (e.active && e.active->assignmentType != AssignmentType::Assigned) {
            roles << e;
        }
    }
    if (roles.isEmpty()) {
        return;
    }
    const QString question = roles.size() == 1 ? tr("Deactivate %1 now?").arg(roles.constFirst().target.displayName)
                                               : tr("Deactivate %n roles now?", nullptr, int(roles.size()));
    confirmThen(this, QStringLiteral("confirmDeactivate"), question,
                tr("The access ends at once. To use it again, activate it again (with approval where its policy "
                   "asks for it)."),
                tr("Deactivate"), [this, roles] { deactivate(roles); });
}

void MyRolesPane::deactivate(const QList<MyRoleEntry>& roles)
{
    m_deactivate->setEnabled(false);
    struct Batch
    {
        int left = 0;
        QStringList failures;
        QString details;
        int done = 0;
    };
    auto batch = std::make_shared<Batch>();
    batch->left = int(roles.size());
    QPointer<MyRolesPane> self(this);
    for (const MyRoleEntry& e : roles) {
        workspace().session().deactivate(
            e.sessionName(), [self, batch, name = e.target.displayName](const SessionReply<ScheduleRequest>& r) {
                if (r.ok()) {
                    ++batch->done;
                } else {
                    batch->failures << r.message;
                    batch->details += r.details + u'\n';
                }
                if (--batch->left > 0 || !self) {
                    return;
                }
                Banner b;
                if (batch->failures.isEmpty()) {
                    b.level = Banner::Level::Positive;
                    b.text = batch->done == 1 ? tr("%1 is deactivated.").arg(name)
                                              : tr("%1 roles deactivated.").arg(batch->done);
                } else {
                    b.level = Banner::Level::Error;
                    b.text = batch->failures.join(u' ');
                    b.details = batch->details;
                }
                emit self->bannerRequested(b);
                self->updateButtons();
                self->refresh();
            });
    }
}

void MyRolesPane::cancelSelectedRequests()
{
    QList<MyRoleEntry> roles;
    for (const MyRoleEntry& e : selectedEntries()) {
        if (e.pending && e.pending->status == RequestStatus::PendingApproval) {
            roles << e;
        }
    }
    if (roles.isEmpty()) {
        return;
    }
    m_cancelRequest->setEnabled(false);
    auto left = std::make_shared<int>(int(roles.size()));
    auto failures = std::make_shared<QStringList>();
    QPointer<MyRolesPane> self(this);
    for (const MyRoleEntry& e : roles) {
        workspace().session().cancelRequest(
            e.pending->id, [self, left, failures, name = e.target.displayName](const SessionReply<NoContent>& r) {
                if (!r.ok()) {
                    *failures << tr("%1: %2").arg(name, r.message);
                }
                if (--*left > 0 || !self) {
                    return;
                }
                Banner b;
                b.level = failures->isEmpty() ? Banner::Level::Positive : Banner::Level::Error;
                b.text = failures->isEmpty() ? tr("Request withdrawn.") : failures->join(u' ');
                emit self->bannerRequested(b);
                self->updateButtons();
                self->refresh();
            });
    }
}

void MyRolesPane::checkReminders()
{
    const Timestamp now = m_model->now();
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const MyRoleEntry& e = m_model->entry(i);
        if (!e.hasCountdown() || m_reminded.contains(e.active->id)) {
            continue;
        }
        const qint64 left = e.active->endDateTime.secsSinceEpoch() - now.secsSinceEpoch();
        if (left <= 0 || left > ReminderSeconds) {
            continue;
        }
        m_reminded.insert(e.active->id);
        Notification n;
        n.title = tr("%1 ends soon").arg(e.target.displayName);
        n.text = tr("Your activation of %1 ends in %2. Extend it or activate it again if you still need it.")
                     .arg(e.target.displayName, Models::Format::duration(left));
        QPointer<MyRolesPane> self(this);
        const QString key = e.key;
        if (e.target.kind == PimKind::DirectoryRole) {
            n.actions << Banner::Action{ tr("Extend"), [self, key] {
                                            if (self) {
                                                self->extendRole(key);
                                            }
                                        } };
        }
        n.actions << Banner::Action{ tr("Activate again"), [self, key] {
                                        if (self) {
                                            self->activateRole(key);
                                        }
                                    } };
        emit notificationRequested(n);
    }
}

void MyRolesPane::onRequestDecided(const ScheduleRequest& request)
{
    const QString name = roleNameOf(request, *m_model);
    Notification n;
    if (request.status == RequestStatus::Denied || request.status == RequestStatus::Failed) {
        n.title = tr("Request denied");
        n.text = tr("Your request for %1 was denied.").arg(name);
        const QString id = request.kind == PimKind::Group ? request.groupId : request.roleDefinitionId;
        for (int i = 0; i < m_model->rowCount(); ++i) {
            const MyRoleEntry& e = m_model->entry(i);
            if (e.target.kind == request.kind && e.target.id == id && e.eligible) {
                QPointer<MyRolesPane> self(this);
                n.actions << Banner::Action{ tr("Ask again"), [self, key = e.key] {
                                                if (self) {
                                                    self->activateRole(key);
                                                }
                                            } };
                break;
            }
        }
    } else {
        n.title = tr("Request approved");
        n.text = request.status == RequestStatus::Provisioned ? tr("%1 is active now.").arg(name)
                                                              : tr("%1 is approved and starts as scheduled.").arg(name);
    }
    emit notificationRequested(n);
}

} // namespace Elevate::Ui
