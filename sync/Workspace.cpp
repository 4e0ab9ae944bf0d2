#include "Workspace.h"

#include "Authority.h"
#include "CacheDatabase.h"
#include "Credentials.h"
#include "GraphClient.h"
#include "Outbox.h"
#include "Session.h"
#include "SyncEngine.h"
#include "TokenStore.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace Elevate {

Workspace::Workspace(QNetworkAccessManager& nam, const Profile& profile, WorkspaceOptions options, QObject* parent)
    : QObject(parent)
    , m_profile(profile)
    , m_options(std::move(options))
{
    m_tokens = std::make_unique<TokenStore>(m_options.keychainService);
    if (m_options.tokensInMemoryOnly) {
        m_tokens->keepInMemoryOnly();
    }
    m_authority = std::make_unique<Authority>(nam, m_profile);
    m_credentials = std::make_unique<Credentials>(*m_authority, *m_tokens);
    m_graph = std::make_unique<GraphClient>(nam, *m_credentials);
    m_session = std::make_unique<Session>(*m_graph);
}

// Members go in reverse order of their dependencies: the session and the engine (which may
// hold callbacks into the graph client) before the client, the client before the credentials.
Workspace::~Workspace()
{
    if (m_engine) {
        m_engine->stop();
    }
    m_session.reset();
    m_engine.reset();
    m_outbox.reset();
    m_cache.reset();
    m_graph.reset();
    m_credentials.reset();
    m_authority.reset();
    m_tokens.reset();
}

QString Workspace::storageFolder(const WorkspaceOptions& options, const Profile& profile)
{
    const QString base = options.dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Elevate")
        : options.dataDir;
    return base + QStringLiteral("/profiles/") + (profile.id.isEmpty() ? profile.name : profile.id);
}

bool Workspace::openStorage(bool checkIntegrity, QString* problem)
{
    const QString dir = storageFolder(m_options, m_profile);
    if (!QDir().mkpath(dir)) {
        if (problem) {
            *problem = tr("The offline cache folder %1 cannot be created; working online only.").arg(dir);
        }
        return false;
    }
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto cache = std::make_unique<Cache::CacheDatabase>();
    const QString cachePath = dir + QStringLiteral("/cache.sqlite");
    const Cache::Integrity integrity = checkIntegrity ? Cache::CacheDatabase::check(cachePath) : Cache::Integrity();
    if (!cache->open(cachePath, integrity)) {
        if (problem) {
            *problem = tr("The offline cache cannot be opened (%1); working online only.").arg(cache->lastError());
        }
        return false;
    }
    auto outbox = std::make_unique<Cache::Outbox>();
    if (!outbox->open(dir + QStringLiteral("/outbox.sqlite"))) {
        if (problem) {
            *problem = tr("The outbox cannot be opened (%1); working online only.").arg(outbox->lastError());
        }
        return false;
    }
    m_rebuilt = cache->wasRebuilt();
    m_cache = std::move(cache);
    m_outbox = std::move(outbox);
    m_engine = std::make_unique<SyncEngine>(*m_graph, *m_cache, *m_outbox);
    m_session->attachCache(*m_cache, *m_outbox, *m_engine);
    return true;
}

} // namespace Elevate
