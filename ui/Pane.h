#pragma once

#include <QIcon>
#include <QList>
#include <QString>
#include <QWidget>

#include <functional>

class QSettings;

namespace Elevate {
class Workspace;
}

namespace Elevate::Ui {

// A sentence for the main window's banner (DESIGN.md, "Errors the user sees"): one short
// translated sentence, optional technical details for "Copy details", optional actions.
struct Banner
{
    enum class Level { Information, Positive, Warning, Error };
    struct Action
    {
        QString label;
        std::function<void()> run;
    };

    Level level = Level::Information;
    QString text;
    QString details;
    QList<Action> actions;
};

// A desktop notification (the tray), also shown in the banner with the same actions, since a
// tray message cannot carry buttons everywhere.
struct Notification
{
    QString title;
    QString text;
    QList<Banner::Action> actions;
};

// One pane of the main window (My Roles, Pending Approvals, Access Reviews, Audit, Alerts).
// Built for one Workspace; the main window destroys and rebuilds the panes when the profile
// changes. A pane reads the workspace's cache through its models at once and refreshes in the
// background; it never blocks on the network.
class Pane : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Pane)

public:
    explicit Pane(Workspace& workspace, QWidget* parent = nullptr);
    ~Pane() override;

    Workspace& workspace() const { return m_workspace; }

    // Stable key for QSettings and --pane: "roles", "approvals", "reviews", "audit", "alerts".
    virtual QString paneId() const = 0;
    // Navigation label and icon, translated.
    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;

    // F5: ask the SyncEngine for this pane's collections now.
    virtual void refresh() = 0;
    // Ctrl+F: put the focus in the pane's search or filter field, if it has one.
    virtual void focusFind() {}
    // Ctrl+Enter: the pane's main action on the selection (activate, approve, ...).
    virtual void primaryAction() {}
    // Column widths, splitter sizes, filters: saved under the pane's own group.
    virtual void saveState(QSettings& settings) const;
    virtual void restoreState(QSettings& settings);

signals:
    // The number on the navigation entry (waiting approvals, open decisions); -1 hides it.
    void badgeChanged(int count);
    void bannerRequested(const Elevate::Ui::Banner& banner);
    void notificationRequested(const Elevate::Ui::Notification& notification);

private:
    Workspace& m_workspace;
};

// Loads an icon from the freedesktop theme, falling back to the bundled one in resources/
// (":/icons/<name>.svg").
QIcon themedIcon(const QString& name);

} // namespace Elevate::Ui
