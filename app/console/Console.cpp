#include "Console.h"

#include "Authority.h"
#include "CacheDatabase.h"
#include "Credentials.h"
#include "DemoBackend.h"
#include "MainWindow.h"
#include "Pane.h"
#include "ProfileDialog.h"
#include "ProfileStore.h"
#include "SignInDialog.h"
#include "SyncEngine.h"
#include "Workspace.h"

#include <QApplication>
#include <QPointer>
#include <QTemporaryDir>
#include <QThread>

namespace Elevate {

namespace {

// The demo's sign-in: the persona's tokens straight from the embedded server (login_hint on
// loopback), through the same device code flow and network layer as a real sign-in.
Credentials::InteractiveSignIn personaSignIn(const QString& persona)
{
    return [persona](Authority& authority, const QString& claims, Credentials::Done done) {
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = QObject::connect(&authority, &Authority::finished, &authority, [connection, done](const AuthResult& r) {
            QObject::disconnect(*connection);
            done(r);
        });
        authority.startDeviceCode(claims, persona);
    };
}

} // namespace

Console::Console(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_nam.setAutoDeleteReplies(false);
    m_window = std::make_unique<Ui::MainWindow>();
    connect(m_window.get(), &Ui::MainWindow::profileSwitchRequested, this, &Console::switchProfile);
    connect(m_window.get(), &Ui::MainWindow::personaSwitchRequested, this, &Console::switchPersona);
    connect(m_window.get(), &Ui::MainWindow::addProfileRequested, this, &Console::addProfile);
    connect(m_window.get(), &Ui::MainWindow::signInRequested, this, &Console::signIn);
    connect(m_window.get(), &Ui::MainWindow::signOutRequested, this, &Console::signOut);
}

Console::~Console()
{
    // The window's panes hold references into the workspace: they go first.
    m_window->setWorkspace(nullptr);
    m_workspace.reset();
    m_window.reset();
    m_demo.reset();
}

void Console::start()
{
    m_window->show();
    if (m_options.demo) {
        m_demoDir = std::make_unique<QTemporaryDir>();
        m_demo = std::make_unique<DemoBackend>();
        QList<std::pair<QString, QString>> personas;
        for (const DemoBackend::Persona& p : DemoBackend::personas()) {
            personas.append({p.userName, p.label});
        }
        m_persona = m_options.persona.isEmpty() ? personas.value(0).first : m_options.persona;
        m_window->setPersonas(personas, m_persona);
        m_window->setProfiles({tr("Demo organisation")}, tr("Demo organisation"));
        Ui::Banner starting;
        starting.text = tr("Starting the demo organisation…");
        m_window->showBanner(starting);
        m_demo->start([this](const QUrl& url, const QString& error) {
            if (url.isEmpty()) {
                Ui::Banner b;
                b.level = Ui::Banner::Level::Error;
                b.text = tr("The demo server could not start.");
                b.details = error;
                m_window->showBanner(b);
                emit demoReady(error);
                return;
            }
            switchPersona(m_persona);
            emit demoReady(QString());
        });
        return;
    }
    m_profiles = m_options.profilesFile.isEmpty() ? std::make_unique<ProfileStore>()
                                                  : std::make_unique<ProfileStore>(m_options.profilesFile);
    const QString name = m_options.profile.isEmpty() ? m_profiles->currentName() : m_options.profile;
    refreshProfileList();
    if (const std::optional<Profile> profile = m_profiles->profile(name)) {
        openWorkspace(*profile);
    } else if (!m_profiles->profiles().isEmpty()) {
        openWorkspace(m_profiles->profiles().first());
    }
}

void Console::switchProfile(const QString& name)
{
    if (m_options.demo || !m_profiles) {
        return;
    }
    const std::optional<Profile> profile = m_profiles->profile(name);
    if (!profile) {
        return;
    }
    m_profiles->setCurrent(name);
    openWorkspace(*profile);
    refreshProfileList();
}

void Console::switchPersona(const QString& userName)
{
    if (!m_demo || m_demo->baseUrl().isEmpty()) {
        return;
    }
    m_persona = userName;
    Profile profile = Profile::elevated(QStringLiteral("demo-") + userName, m_demo->baseUrl(), QStringLiteral("elevate-demo"));
    profile.id = QStringLiteral("demo-") + userName;
    openWorkspace(profile);
    for (const DemoBackend::Persona& p : DemoBackend::personas()) {
        if (p.userName == userName && m_options.pane.isEmpty()) {
            m_window->showPane(p.pane);
        }
    }
}

void Console::openWorkspace(const Profile& profile)
{
    std::unique_ptr<Workspace> workspace = makeWorkspace(profile);
    QString problem;
    // No integrity check here: PRAGMA quick_check can take seconds on a cold disk. It runs in
    // the background once the window shows the cache.
    const bool stored = workspace->openStorage(false, &problem);
    m_window->setWorkspace(workspace.get());
    m_workspace = std::move(workspace); // the old one goes only now, after its panes
    if (!m_options.pane.isEmpty()) {
        m_window->showPane(m_options.pane);
    }
    if (!stored) {
        Ui::Banner b;
        b.level = Ui::Banner::Level::Warning;
        b.text = problem;
        m_window->showBanner(b);
    } else {
        if (m_workspace->cacheWasRebuilt()) {
            Ui::Banner b;
            b.level = Ui::Banner::Level::Warning;
            b.text = tr("The offline cache was damaged and has been rebuilt; it refills from the server.");
            m_window->showBanner(b);
        }
        checkCacheInBackground();
    }
    startSyncing();
    emit workspaceChanged();
}

std::unique_ptr<Workspace> Console::makeWorkspace(const Profile& profile)
{
    WorkspaceOptions options;
    options.dataDir = m_demoDir ? m_demoDir->path() : m_options.dataDir;
    options.tokensInMemoryOnly = m_options.demo;
    auto workspace = std::make_unique<Workspace>(m_nam, profile, options);
    workspace->credentials().setInteractiveSignIn(m_options.demo ? personaSignIn(m_persona)
                                                                 : Ui::SignInDialog::handler(m_window.get()));
    return workspace;
}

void Console::startSyncing()
{
    if (m_options.demo) {
        // The persona signs in at once; syncing starts when the tokens are there.
        signIn();
    } else if (SyncEngine* engine = m_workspace->engine()) {
        // With a stored sign-in this refreshes silently; without one the engine says "signed
        // out" and the banner offers to sign in.
        engine->start();
    }
}

void Console::checkCacheInBackground()
{
    const QString path = m_workspace->cache()->path();
    QPointer<Workspace> target(m_workspace.get());
    QPointer<Console> self(this);
    auto* thread = QThread::create([self, path, target] {
        const Cache::Integrity integrity = Cache::CacheDatabase::check(path);
        if (!integrity.isCorrupt()) {
            return;
        }
        // Back on the console's thread (qApp outlives every console), where the guards are
        // safe to read.
        QMetaObject::invokeMethod(qApp, [self, target] {
            if (!self || !target || target != self->m_workspace.get()) {
                return; // closed, or another profile is shown by now
            }
            self->rebuildCache();
        });
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start(QThread::LowPriority);
}

void Console::rebuildCache()
{
    // A new workspace over the same profile, opened with the integrity check, which rebuilds.
    const Profile profile = m_workspace->profile();
    m_window->setWorkspace(nullptr);
    m_workspace.reset();
    m_workspace = makeWorkspace(profile);
    QString problem;
    m_workspace->openStorage(true, &problem);
    m_window->setWorkspace(m_workspace.get());
    Ui::Banner b;
    b.level = Ui::Banner::Level::Warning;
    b.text = problem.isEmpty() ? tr("The offline cache was damaged and has been rebuilt; it refills from the server.") : problem;
    m_window->showBanner(b);
    startSyncing();
    emit workspaceChanged();
}

void Console::addProfile()
{
    if (m_options.demo) {
        Ui::Banner b;
        b.text = tr("The demo runs with its own organisation. Start Elevate without --demo to add your own profiles.");
        m_window->showBanner(b);
        return;
    }
    QStringList taken;
    for (const Profile& p : m_profiles->profiles()) {
        taken.append(p.name);
    }
    Ui::ProfileDialog dialog(taken, m_window.get());
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const Profile profile = dialog.profile();
    QString error;
    if (!m_profiles->save(profile, &error)) {
        Ui::Banner b;
        b.level = Ui::Banner::Level::Error;
        b.text = tr("The profile could not be saved.");
        b.details = error;
        m_window->showBanner(b);
        return;
    }
    m_profiles->setCurrent(profile.name);
    refreshProfileList();
    openWorkspace(profile);
    signIn();
}

void Console::signIn()
{
    if (!m_workspace) {
        addProfile();
        return;
    }
    QPointer<Workspace> ws(m_workspace.get());
    if (SyncEngine* engine = ws->engine()) {
        engine->setSigningIn(true);
    }
    ws->credentials().signIn(QString(), [this, ws](const AuthResult& r) {
        if (!ws) {
            return;
        }
        if (SyncEngine* engine = ws->engine()) {
            engine->setSigningIn(false);
            if (r.ok()) {
                engine->start();
            }
        }
        if (!r.ok() && r.kind != AuthErrorKind::Canceled) {
            Ui::Banner b;
            b.level = Ui::Banner::Level::Error;
            b.text = tr("Sign-in did not complete. Try again.");
            b.details = r.error + QStringLiteral(": ") + r.description;
            m_window->showBanner(b);
        }
    });
}

void Console::signOut()
{
    if (!m_workspace) {
        return;
    }
    QPointer<Workspace> ws(m_workspace.get());
    if (SyncEngine* engine = ws->engine()) {
        engine->stop();
    }
    ws->credentials().signOut([this, ws] {
        if (!ws) {
            return;
        }
        Ui::Banner b;
        b.level = Ui::Banner::Level::Information;
        b.text = tr("You are signed out. The cached data stays readable; sign in to see current data.");
        b.actions.append({tr("Sign in"), [this] { signIn(); }});
        m_window->showBanner(b);
    });
}

void Console::refreshProfileList()
{
    if (!m_profiles) {
        return;
    }
    QStringList names;
    for (const Profile& p : m_profiles->profiles()) {
        names.append(p.name);
    }
    m_window->setProfiles(names, m_profiles->currentName());
}

} // namespace Elevate
