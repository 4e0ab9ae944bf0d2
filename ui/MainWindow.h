#pragma once

#include "Pane.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QSystemTrayIcon;
class QTimer;

namespace Elevate {
class Workspace;
enum class ConnectionState;
}

namespace Elevate::Ui {

class MessageBanner;

// The console's window: the navigation list (My Roles, Pending Approvals with its badge, Access
// Reviews with its count of open decisions, Audit, Alerts), the current pane, the banner, the
// status bar (profile switcher, connection state, "synced N s ago"), menus with shortcuts, the
// tray, and the remembered geometry, column widths and last pane (QSettings).
//
// It shows one Workspace at a time and does not own it: the composition root builds a
// Workspace, hands it over with setWorkspace(), and deletes the old one after that call.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Rebuilds the panes over `workspace` (null: no profile yet, a page that says what to do).
    // The panes show the cache at once; the caller starts the workspace's SyncEngine.
    void setWorkspace(Workspace* workspace);
    Workspace* workspace() const { return m_workspace; }

    // The profile switcher in the status bar.
    void setProfiles(const QStringList& names, const QString& current);
    // Demo mode: the persona switch in the toolbar (user name, label).
    void setPersonas(const QList<std::pair<QString, QString>>& personas, const QString& current);

    QList<Pane*> panes() const { return m_panes; }
    Pane* pane(const QString& paneId) const;
    Pane* currentPane() const;
    void showPane(const QString& paneId);
    MessageBanner* banner() const { return m_banner; }

    void showBanner(const Banner& banner);
    void notify(const Notification& notification);

    // A dark palette for the whole application (View > Dark Palette, remembered), or back to
    // the system's.
    static void applyPalette(bool dark);

signals:
    void profileSwitchRequested(const QString& name);
    void personaSwitchRequested(const QString& persona);
    void addProfileRequested();
    void signOutRequested();
    void signInRequested();

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void clearPanes();
    void updateBadge(Pane* pane, int count);
    void connectionChanged(ConnectionState state);
    void updateSyncedLabel();
    void saveSettings();
    void restoreWindowSettings();
    void refreshCurrent();
    void syncEverything();
    void showAbout();

    Workspace* m_workspace = nullptr;
    QList<Pane*> m_panes;
    QListWidget* m_navigation = nullptr;
    QStackedWidget* m_stack = nullptr;
    QWidget* m_welcome = nullptr;
    MessageBanner* m_banner = nullptr;
    QComboBox* m_profiles = nullptr;
    QComboBox* m_personas = nullptr;
    QAction* m_personaAction = nullptr;
    QLabel* m_connection = nullptr;
    QLabel* m_synced = nullptr;
    QLabel* m_tokensWarning = nullptr;
    QTimer* m_syncedTimer = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    QList<QAction*> m_paneActions;
    bool m_updatingCombos = false;
};

} // namespace Elevate::Ui
