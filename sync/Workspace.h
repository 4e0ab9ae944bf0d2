#pragma once

#include "Profile.h"

#include <QObject>
#include <QString>

#include <memory>

class QNetworkAccessManager;

namespace Elevate {

namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
class Authority;
class Credentials;
class GraphClient;
class Session;
class SyncEngine;
class TokenStore;

struct WorkspaceOptions
{
    QString dataDir;                                // base folder; empty = <GenericDataLocation>/Elevate
    QString keychainService = QStringLiteral("Elevate");
    bool tokensInMemoryOnly = false;                // the demo: never touch the keychain
};

// One profile's whole client stack, built in dependency order: token store, Authority,
// Credentials, GraphClient, Session, and (after openStorage) the profile's cache, outbox and
// SyncEngine. The console holds one Workspace at a time and builds a new one to switch
// profiles; elevatectl builds one per run. Everything lives on the thread that made it.
class Workspace final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Workspace)

public:
    Workspace(QNetworkAccessManager& nam, const Profile& profile, WorkspaceOptions options = {},
              QObject* parent = nullptr);
    ~Workspace() override;

    // <dataDir>/profiles/<profile id>: the cache and the outbox of this profile.
    static QString storageFolder(const WorkspaceOptions& options, const Profile& profile);

    // Opens the cache (after PRAGMA quick_check when checkIntegrity: seconds on a cold disk, so
    // never on a UI thread at start-up) and the outbox, then starts nothing: call
    // engine()->start() when ready. False with a sentence in *problem when the offline layer
    // could not be opened; the workspace then works online only (cache() is null).
    bool openStorage(bool checkIntegrity, QString* problem);
    bool hasStorage() const { return m_engine != nullptr; }

    const Profile& profile() const { return m_profile; }
    TokenStore& tokens() { return *m_tokens; }
    Authority& authority() { return *m_authority; }
    Credentials& credentials() { return *m_credentials; }
    GraphClient& graph() { return *m_graph; }
    Session& session() { return *m_session; }
    // Null until openStorage() succeeded.
    Cache::CacheDatabase* cache() { return m_cache.get(); }
    Cache::Outbox* outbox() { return m_outbox.get(); }
    SyncEngine* engine() { return m_engine.get(); }
    // True when the cache had to be rebuilt at open (it refills from the server).
    bool cacheWasRebuilt() const { return m_rebuilt; }

private:
    Profile m_profile;
    WorkspaceOptions m_options;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<Authority> m_authority;
    std::unique_ptr<Credentials> m_credentials;
    std::unique_ptr<GraphClient> m_graph;
    std::unique_ptr<Cache::CacheDatabase> m_cache;
    std::unique_ptr<Cache::Outbox> m_outbox;
    std::unique_ptr<SyncEngine> m_engine;
    std::unique_ptr<Session> m_session;
    bool m_rebuilt = false;
};

} // namespace Elevate
