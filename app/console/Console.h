#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QString>

#include <memory>

class QTemporaryDir;

namespace Elevate {

class DemoBackend;
class ProfileStore;
class Workspace;
struct Profile;

namespace Ui {
class MainWindow;
}

// The console's composition root (DESIGN.md, app/): builds the window, the profile store and
// one Workspace at a time, wires the interactive sign-in (the dialog, or the demo's personas),
// and switches profiles without a restart. In demo mode it also owns the embedded elevated.
class Console final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Console)

public:
    struct Options
    {
        bool demo = false;
        QString persona;     // demo: who signs in first (default: the requester)
        QString profile;     // not demo: which profile (default: the current one)
        QString pane;        // the pane to show first (default: the last one)
        QString dataDir;     // caches and outboxes (default: the user's data folder)
        QString profilesFile;// default: the user's settings
    };

    explicit Console(Options options, QObject* parent = nullptr);
    ~Console() override;

    // Shows the window at once (with the cached data of the current profile, if any) and starts
    // signing in / syncing in the background.
    void start();

    Ui::MainWindow& window() { return *m_window; }
    Workspace* workspace() const { return m_workspace.get(); }
    QNetworkAccessManager& network() { return m_nam; }

    void switchProfile(const QString& name);
    void switchPersona(const QString& userName);

signals:
    // Demo mode: the embedded server answered (or could not start: error is set).
    void demoReady(const QString& error);
    // A new workspace is in place (profile or persona switch).
    void workspaceChanged();

private:
    void openWorkspace(const Profile& profile);
    std::unique_ptr<Workspace> makeWorkspace(const Profile& profile);
    void startSyncing();
    void checkCacheInBackground();
    void rebuildCache();
    void addProfile();
    void signIn();
    void signOut();
    void refreshProfileList();

    Options m_options;
    QNetworkAccessManager m_nam;
    std::unique_ptr<Ui::MainWindow> m_window;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<DemoBackend> m_demo;
    std::unique_ptr<QTemporaryDir> m_demoDir;
    std::unique_ptr<Workspace> m_workspace;
    QString m_persona;
};

} // namespace Elevate
