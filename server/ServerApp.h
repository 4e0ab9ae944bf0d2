#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrl>

#include "Caller.h"
#include "Http.h"
#include "SqlDialect.h"

#include <optional>

#include <memory>

class QTemporaryDir;
class QTimer;

namespace Elevate::Server {

class AuditLog;
class Clock;
class Database;
class Engine;
class GraphApi;
class HttpServer;
class IdempotencyKeys;
struct IdentityEvent;
class IdentityService;
class OAuthEndpoints;
class SharedRateBuckets;
class SystemClock;

// What elevated is told to do, from flags or the config file (they mean the same thing).
struct ServerConfig
{
    QString listen = QStringLiteral("127.0.0.1:8400");
    QString database;               // "sqlite:PATH" or "postgresql://USER@HOST:PORT/DB"; empty with --demo = a
                                    // temporary folder
    QString databasePassword;       // PostgreSQL; empty = libpq's PGPASSWORD or ~/.pgpass
    bool demo = false;
    int minimumActiveSeconds = 300;
    double rateLimitPerSecond = 20.0;
    double rateLimitBurst = 100.0;
    qint64 maxBodyBytes = 1024 * 1024;
    qint64 accessTokenLifetimeSeconds = 3600;
    QString publicBaseUrl;          // how clients reach this server; default http(s)://LISTEN
    // A token counts as multi-factor (for policies that require MFA or an authentication
    // context) while its second factor is at most this old.
    qint64 mfaWindowSeconds = 600;
    // HTTPS: PEM files of the certificate (chain) and its unencrypted private key. Both or
    // neither.
    QString tlsCertificateFile;
    QString tlsKeyFile;
    // Plain HTTP on a non-loopback address is refused unless this is set (a TLS-terminating
    // proxy in front); a warning is logged at every start.
    bool insecureHttp = false;
    // Cheap password hashing, for the demo (whose passwords are published) and tests only.
    bool cheapPasswordHashing = false;
    // Changes arriving together share one durable commit; each is answered after that commit.
    bool groupCommit = true;
    // full: an acknowledged change (and its audit record) survives a power cut; normal: it
    // survives a crash or kill of elevated, a power cut may lose the last ones (SqlDialect).
    SqlDialect::Durability durability = SqlDialect::Durability::Full;
};

// The whole server in one object: database, engine, identity, HTTP transport with the Graph
// and OAuth routes, and the scheduler. `elevated` runs one; `elevate --demo` and the
// end-to-end tests embed one in-process.
class ServerApp final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerApp)

public:
    explicit ServerApp(QObject* parent = nullptr);
    ~ServerApp() override;

    // Opens (and with --demo seeds) the database and starts listening. Refuses a non-loopback
    // address for the demo, and for plain HTTP unless insecureHttp is set.
    bool start(const ServerConfig& config, QString* error);

    // Tests move time: call before start(). The clock must outlive the server.
    void setClock(const Clock* clock) { m_externalClock = clock; }
    const Clock& clock() const;

    quint16 port() const { return m_port; }
    QUrl baseUrl() const;
    Engine& engine();
    IdentityService& identity();
    Database& database();

    // Applies due transitions now (the timer does this every second).
    int runScheduler();

    // The audit record of a sign-in or account event (IdentityService's event sink), for the
    // server and the command-line administration alike.
    static void recordIdentityEvent(AuditLog& log, const IdentityEvent& event);

signals:
    void transitionsApplied(int count);
    // The server cannot go on serving (the disk failed to sync its changes); whoever runs it
    // should stop it.
    void fatalError(const QString& reason);

private:
    std::optional<Caller> callerOf(const HttpRequest& request);

    struct Authentication
    {
        QString requestId;
        std::optional<Caller> caller;
    };
    std::optional<Authentication> m_lastAuthentication;

    ServerConfig m_config;
    std::unique_ptr<QTemporaryDir> m_demoDir;
    std::unique_ptr<SystemClock> m_systemClock;
    const Clock* m_externalClock = nullptr;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<SharedRateBuckets> m_sharedRate; // PostgreSQL: one limit across instances
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<IdentityService> m_identity;
    std::unique_ptr<OAuthEndpoints> m_oauth;
    std::unique_ptr<IdempotencyKeys> m_idempotencyKeys;
    std::unique_ptr<GraphApi> m_graph;
    std::unique_ptr<HttpServer> m_http;
    QTimer* m_scheduler = nullptr;
    QTimer* m_housekeeping = nullptr;
    quint16 m_port = 0;
};

// "HOST:PORT" (IPv6 as "[::1]:PORT") into its parts; false when malformed.
bool parseListenAddress(const QString& text, QHostAddress* address, quint16* port);

} // namespace Elevate::Server
