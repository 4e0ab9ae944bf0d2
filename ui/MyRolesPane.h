#pragma once

#include "MyRolesModel.h"
#include "Pane.h"

#include <QPointer>
#include <QSet>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace Elevate::Ui {

class ActivateDialog;

// My Roles: eligible and active roles with their scope, state, countdown and policy, and my
// pending requests. Activate (one or several, in ActivateDialog), deactivate, extend, cancel a
// request. Shows the cache at once and refreshes in the background; re-reads the cache when the
// SyncEngine says its tables changed. Notifications: 10 minutes before an activation ends (once
// per assignment, with "Extend" and "Activate again"), and when a request of mine is approved
// or denied.
class MyRolesPane final : public Pane
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MyRolesPane)

public:
    // How long before the end of an activation the reminder comes.
    static constexpr qint64 ReminderSeconds = 10 * 60;

    explicit MyRolesPane(Workspace& workspace, QWidget* parent = nullptr);
    ~MyRolesPane() override;

    QString paneId() const override { return QStringLiteral("roles"); }
    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    void focusFind() override;
    void primaryAction() override;
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;

    Models::MyRolesModel* model() const { return m_model; }
    // The open activation/extension dialog, if any (tests drive it).
    ActivateDialog* activeDialog() const;

    // Opens the dialogs for the selected rows (or the row of `key`).
    void activateSelected();
    void activateRole(const QString& key);
    void extendRole(const QString& key);
    // Asks first (window-modal question "confirmDeactivate"), then deactivates.
    void deactivateSelected();
    void cancelSelectedRequests();
    // Sends the expiry reminders that are due (a timer calls it; public for tests).
    void checkReminders();

private:
    void deactivate(const QList<Models::MyRoleEntry>& roles);
    QList<Models::MyRoleEntry> selectedEntries() const;
    void updateButtons();
    void updateStatus();
    void openDialog(const QList<Models::MyRoleEntry>& roles, bool extend);
    void onTablesChanged(const QStringList& tables);
    void onRequestDecided(const ScheduleRequest& request);

    Models::MyRolesModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLabel* m_status = nullptr;
    QLineEdit* m_filter = nullptr;
    QTreeView* m_view = nullptr;
    QPushButton* m_activate = nullptr;
    QPushButton* m_deactivate = nullptr;
    QPushButton* m_extend = nullptr;
    QPushButton* m_cancelRequest = nullptr;
    QPointer<ActivateDialog> m_dialog;
    QSet<QString> m_reminded; // active assignment ids already reminded of
    QTimer m_reminders;
    QTimer m_statusTimer;
};

} // namespace Elevate::Ui
