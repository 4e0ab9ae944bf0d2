#include "ServerApp.h"

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "DemoSeed.h"
#include "Engine.h"
#include "GraphApi.h"
#include "HttpServer.h"
#include "IdempotencyKeys.h"
#include "IdentityEvent.h"
#include "IdentityService.h"
#include "Metrics.h"
#include "OAuthEndpoints.h"
#include "Router.h"
#include "SharedRateBuckets.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTimer>

namespace Elevate::Server {

Q_LOGGING_CATEGORY(lcServer, "elevate.server")

namespace {

QString signInActivity(IdentityEvent::Kind kind)
{
    switch (kind) {
    case IdentityEvent::Kind::SignInSucceeded:
        return QStringLiteral("Sign-in succeeded");
    case IdentityEvent::Kind::SignInFailed:
        return QStringLiteral("Sign-in failed");
    case IdentityEvent::Kind::SignInBlocked:
        return QStringLiteral("Sign-in refused while throttled");
    case IdentityEvent::Kind::LockoutStarted:
        return QStringLiteral("Sign-in locked out");
    case IdentityEvent::Kind::RefreshTokenReused:
        return QStringLiteral("Refresh token reused: sessions revoked");
    case IdentityEvent::Kind::DeviceCodeApproved:
        return QStringLiteral("Device sign-in approved");
    case IdentityEvent::Kind::DeviceCodeDeclined:
        return QStringLiteral("Device sign-in declined");
    case IdentityEvent::Kind::SecondFactorSucceeded:
        return QStringLiteral("Second factor verified");
    case IdentityEvent::Kind::AuthorizationCodeReused:
        return QStringLiteral("Authorization code reused: tokens revoked");
    case IdentityEvent::Kind::SecondFactorEnrolled:
        return QStringLiteral("Authenticator app registered");
    case IdentityEvent::Kind::PasswordChanged:
        return QStringLiteral("Password changed: sessions revoked");
    case IdentityEvent::Kind::AccountDisabled:
        return QStringLiteral("User disabled: sessions revoked");
    case IdentityEvent::Kind::AccountEnabled:
        return QStringLiteral("User enabled");
    case IdentityEvent::Kind::TokensRevoked:
        return QStringLiteral("Sessions revoked");
    }
    return identityEventName(kind);
}

bool isAccountChange(IdentityEvent::Kind kind)
{
    switch (kind) {
    case IdentityEvent::Kind::SecondFactorEnrolled:
    case IdentityEvent::Kind::PasswordChanged:
    case IdentityEvent::Kind::AccountDisabled:
    case IdentityEvent::Kind::AccountEnabled:
    case IdentityEvent::Kind::TokensRevoked:
        return true;
    default:
        return false;
    }
}

// PEM first, then DER, for each key algorithm Qt knows.
QSslKey loadKey(const QByteArray& data)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        const QSslKey key(data, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) {
            return key;
        }
    }
    return {};
}

bool loadTls(const ServerConfig& config, QSslConfiguration* tls, QString* error)
{
    QFile certFile(config.tlsCertificateFile);
    QFile keyFile(config.tlsKeyFile);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS certificate %1").arg(config.tlsCertificateFile);
        return false;
    }
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS key %1").arg(config.tlsKeyFile);
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QSslKey key = loadKey(keyFile.readAll());
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("no PEM certificate in %1").arg(config.tlsCertificateFile);
        return false;
    }
    if (key.isNull()) {
        *error = QStringLiteral("no unencrypted PEM private key in %1").arg(config.tlsKeyFile);
        return false;
    }
    if (chain.first().publicKey().algorithm() != key.algorithm()) {
        *error = QStringLiteral("the TLS key is not of the certificate's key type");
        return false;
    }
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setLocalCertificateChain(chain);
    c.setPrivateKey(key);
    c.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    c.setProtocol(QSsl::TlsV1_2OrLater);
    *tls = c;
    return true;
}

} // namespace

bool parseListenAddress(const QString& text, QHostAddress* address, quint16* port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0) {
        return false;
    }
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        host = host.mid(1, host.size() - 2);
    }
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535) {
        return false;
    }
    QHostAddress a;
    if (host == u"localhost") {
        a = QHostAddress(QHostAddress::LocalHost);
    } else if (!a.setAddress(host)) {
        return false;
    }
    *address = a;
    *port = static_cast<quint16>(p);
    return true;
}

ServerApp::ServerApp(QObject* parent)
    : QObject(parent)
{
}

ServerApp::~ServerApp()
{
    if (m_db) {
        // The transport goes before the database: its held answers die with it.
        m_db->setBatchListener({});
        // Closed while the transport's metrics still exist: closing ends the log syncs still
        // running, and each reports its duration to them.
        m_db->close();
    }
}

const Clock& ServerApp::clock() const
{
    return m_externalClock ? *m_externalClock : *m_systemClock;
}

Engine& ServerApp::engine()
{
    return *m_engine;
}

IdentityService& ServerApp::identity()
{
    return *m_identity;
}

Database& ServerApp::database()
{
    return *m_db;
}

QUrl ServerApp::baseUrl() const
{
    if (!m_config.publicBaseUrl.isEmpty()) {
        return QUrl(m_config.publicBaseUrl);
    }
    QHostAddress address;
    quint16 port = 0;
    parseListenAddress(m_config.listen, &address, &port);
    QUrl url;
    url.setScheme(m_http && m_http->servesTls() ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(address.toString());
    url.setPort(m_port);
    return url;
}

bool ServerApp::start(const ServerConfig& config, QString* error)
{
    m_config = config;
    QHostAddress address;
    quint16 port = 0;
    if (!parseListenAddress(config.listen, &address, &port)) {
        *error = QStringLiteral("--listen must be HOST:PORT, got \"%1\"").arg(config.listen);
        return false;
    }
    if (config.demo && !address.isLoopback()) {
        *error = QStringLiteral("the demo tenant has published passwords: it listens on loopback addresses only");
        return false;
    }
    std::optional<QSslConfiguration> tls;
    if (!config.tlsCertificateFile.isEmpty() || !config.tlsKeyFile.isEmpty()) {
        if (config.tlsCertificateFile.isEmpty() || config.tlsKeyFile.isEmpty()) {
            *error = QStringLiteral("HTTPS needs both --tls-cert and --tls-key");
            return false;
        }
        if (!QSslSocket::supportsSsl()) {
            *error = QStringLiteral("this Qt has no TLS backend (install the OpenSSL plugin)");
            return false;
        }
        QSslConfiguration loaded;
        if (!loadTls(config, &loaded, error)) {
            return false;
        }
        tls = loaded;
    } else if (!address.isLoopback()) {
        // Passwords, codes and bearer tokens would cross the network in clear.
        if (!config.insecureHttp) {
            *error = QStringLiteral("refusing plain HTTP on %1, which is not a loopback address: pass --tls-cert "
                                    "and --tls-key, or --insecure-http when a TLS proxy terminates in front")
                         .arg(config.listen);
            return false;
        }
        qCWarning(lcServer).noquote() << "serving plain HTTP on" << config.listen
                                      << "(--insecure-http): passwords and tokens cross the network unencrypted "
                                         "unless a TLS proxy terminates in front of this server";
    }
    QString url = config.database;
    if (url.isEmpty()) {
        if (!config.demo) {
            *error = QStringLiteral("no database: pass --database sqlite:PATH (or --demo)");
            return false;
        }
        m_demoDir = std::make_unique<QTemporaryDir>();
        if (!m_demoDir->isValid()) {
            *error = QStringLiteral("cannot create a temporary folder for the demo database");
            return false;
        }
        url = QStringLiteral("sqlite:") + m_demoDir->filePath(QStringLiteral("elevated-demo.db"));
    }
    m_systemClock = std::make_unique<SystemClock>();
    m_db = std::make_unique<Database>();
    m_db->setPassword(config.databasePassword);
    m_db->setDurability(config.durability);
    if (!m_db->open(url, error)) {
        return false;
    }
    Engine::Options options;
    options.minimumActiveSeconds = config.minimumActiveSeconds;
    m_engine = std::make_unique<Engine>(*m_db, clock(), options);
    if (m_engine->ensureBuiltInRoles() < 0) {
        *error = QStringLiteral("cannot install the built-in roles: %1").arg(m_db->lastError());
        return false;
    }
    IdentitySettings identitySettings;
    identitySettings.accessTokenLifetimeSeconds = config.accessTokenLifetimeSeconds;
    identitySettings.mfaWindowSeconds = config.mfaWindowSeconds;
    if (config.demo || config.cheapPasswordHashing) {
        // The demo's passwords are published; hashing them slowly protects nothing.
        identitySettings.passwordHashing.memoryKiB = 8 * 1024;
        identitySettings.passwordHashing.iterations = 1;
    }
    m_identity = std::make_unique<IdentityService>(*m_db, clock(), identitySettings);
    // Every sign-in, failure, lock and token reuse becomes an audit record, written in the
    // same transaction as the attempt itself.
    m_identity->setEventSink([this](const IdentityEvent& e) { recordIdentityEvent(m_engine->auditLog(), e); });

    if (config.demo && m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toLongLong() == 0) {
        DemoSeed seed(*m_db, *m_engine, *m_identity, clock());
        if (!seed.seed(error)) {
            return false;
        }
    }

    m_http = std::make_unique<HttpServer>(clock());
    if (tls) {
        m_http->setTlsConfiguration(*tls);
    }
    m_http->setMaxBodyBytes(config.maxBodyBytes);
    m_http->setRateLimit(config.rateLimitPerSecond, config.rateLimitBurst);
    // Rate limits follow the signed-in user; requests without a valid token share their
    // address's bucket (a made-up token must not buy a fresh bucket).
    m_http->setRateKey([this](const HttpRequest& request) -> QString {
        if (const std::optional<Caller> caller = callerOf(request)) {
            return QStringLiteral("user:") + caller->userId;
        }
        return HttpServer::remoteAddressKey(request);
    });
    if (m_db->dialect() == Database::Dialect::PostgreSQL) {
        // Several instances share the database: they share the buckets too, so a caller gets
        // rate-limit per second in all, not per instance.
        m_sharedRate = std::make_unique<SharedRateBuckets>(*m_db);
        m_http->rateLimiter().setShared([this](const QString& key, double rate, double burst, std::int64_t now) {
            return m_sharedRate->take(key, rate, burst, now);
        });
    }
    m_http->setHealthCheck(
        [this] { return !m_db->logSyncFailed() && m_db->scalar(QStringLiteral("SELECT 1")).toInt() == 1; });
    if (config.groupCommit && m_db->dialect() == Database::Dialect::SQLite) {
        // One sync for all the changes of a turn of the event loop, each answered only after it.
        // Not on PostgreSQL (see Database::setGroupCommit): the batch would hold the write lock
        // that every instance shares for a whole turn of this one's event loop.
        // With full durability each acknowledgement waits for a sync of the log: how long the
        // disk takes is the first thing to look at when answers to changes are slow.
        Metrics& metrics = m_http->metrics();
        m_db->setLogSyncObserver([&metrics](std::chrono::nanoseconds took) {
            metrics.observe(QStringLiteral("elevated_log_sync_duration_seconds"),
                            QStringLiteral("Time the disk took to sync the write-ahead log; every acknowledged "
                                           "change waits for one such sync."),
                            std::chrono::duration<double>(took).count());
        });
        m_db->setGroupCommit(true);
        m_db->setBatchListener([this](quint64 batch, Database::BatchOutcome outcome) {
            switch (outcome) {
            case Database::BatchOutcome::Committed:
                m_http->releaseHeld(batch, HttpServer::BatchEnd::Committed);
                return;
            case Database::BatchOutcome::RolledBack:
                m_http->releaseHeld(batch, HttpServer::BatchEnd::RolledBack);
                return;
            case Database::BatchOutcome::Unknown:
                // After a failed fsync the kernel may have dropped the pages it could not write
                // and report the next sync as a success: nothing acknowledged from now on could
                // be trusted. Stop, and let a restart recover from what is on the disk.
                m_http->releaseHeld(batch, HttpServer::BatchEnd::Unknown);
                emit fatalError(QStringLiteral("the disk failed to sync the write-ahead log"));
                return;
            }
        });
        m_http->setResponseGate({ [this] { return m_db->undecidedBatch(); }, [this] { m_db->settle(); }, [this] { m_db->noticeLogSyncs(); } });
    }

    Router& router = m_http->router();
    RouteOptions form;
    form.body = RouteOptions::Body::Form;
    auto oauth = [this](const HttpRequest& request, const RouteMatch&) { return m_oauth->handle(request); };
    router.addRoute(QByteArrayLiteral("GET"), QStringLiteral("/{tenant}/oauth2/v2.0/authorize"), oauth, form);
    router.addRoute(QByteArrayLiteral("POST"), QStringLiteral("/{tenant}/oauth2/v2.0/authorize"), oauth, form);
    router.addRoute(QByteArrayLiteral("POST"), QStringLiteral("/{tenant}/oauth2/v2.0/devicecode"), oauth, form);
    router.addRoute(QByteArrayLiteral("POST"), QStringLiteral("/{tenant}/oauth2/v2.0/token"), oauth, form);
    router.addRoute(QByteArrayLiteral("GET"), QStringLiteral("/{tenant}/oauth2/v2.0/deviceauth"), oauth, form);
    router.addRoute(QByteArrayLiteral("POST"), QStringLiteral("/{tenant}/oauth2/v2.0/deviceauth"), oauth, form);

    m_graph = std::make_unique<GraphApi>(*m_engine, [this](const HttpRequest& request) { return callerOf(request); });
    m_idempotencyKeys = std::make_unique<IdempotencyKeys>(*m_db, clock());
    m_graph->setIdempotencyKeys(m_idempotencyKeys.get());
    m_graph->registerRoutes(router);

    m_port = m_http->listen(address, port);
    if (m_port == 0) {
        *error = QStringLiteral("cannot listen on %1").arg(config.listen);
        return false;
    }
    // nextLinks name this server as configured, never as the request's Host header says.
    m_graph->setPublicBaseUrl(baseUrl());
    // Built once the port is known: the device code response names the verification page. The
    // routes above reach it through this object, and nothing is served before start() returns.
    OAuthEndpointSettings oauthSettings;
    oauthSettings.publicBaseUrl = baseUrl().toString();
    if (config.demo) {
        for (const DemoSeed::Persona& persona : DemoSeed::personas()) {
            oauthSettings.demoLoginHints.append(persona.userName);
        }
    }
    m_oauth = std::make_unique<OAuthEndpoints>(*m_identity, clock(), oauthSettings);

    m_housekeeping = new QTimer(this);
    m_housekeeping->setInterval(3600 * 1000);
    connect(m_housekeeping, &QTimer::timeout, this, [this] {
        m_identity->purgeExpired();
        m_idempotencyKeys->purgeExpired();
    });
    m_housekeeping->start();

    m_scheduler = new QTimer(this);
    m_scheduler->setInterval(1000);
    connect(m_scheduler, &QTimer::timeout, this, [this] { runScheduler(); });
    m_scheduler->start();
    runScheduler();
    qCInfo(lcServer).noquote() << "elevated listening on" << baseUrl().toString();
    return true;
}

void ServerApp::recordIdentityEvent(AuditLog& log, const IdentityEvent& e)
{
    const bool failure = e.kind == IdentityEvent::Kind::SignInFailed || e.kind == IdentityEvent::Kind::SignInBlocked
                      || e.kind == IdentityEvent::Kind::LockoutStarted || e.kind == IdentityEvent::Kind::RefreshTokenReused
                      || e.kind == IdentityEvent::Kind::AuthorizationCodeReused;
    AuditEvent event;
    event.category = QStringLiteral("UserManagement");
    event.loggedByService = QStringLiteral("Core Directory");
    event.activityDisplayName = signInActivity(e.kind);
    event.activityDateTime = e.at;
    event.result = failure ? AuditResult::Failure : AuditResult::Success;
    event.resultReason = e.reason;
    if (isAccountChange(e.kind)) {
        // Done to the user by an administrator (the command line), not by the user.
        event.operationType = QStringLiteral("Update");
        AuditEvent::AppInitiator app;
        app.appId = QStringLiteral("elevated");
        app.displayName = QStringLiteral("elevated administration");
        event.initiatedByApp = app;
        AuditEvent::TargetResource target;
        target.id = e.userId;
        target.displayName = e.displayName;
        target.userPrincipalName = e.principalName;
        target.type = QStringLiteral("User");
        event.targetResources.append(target);
    } else {
        event.operationType = QStringLiteral("SignIn");
        AuditEvent::UserInitiator who;
        who.id = e.userId;
        who.displayName = e.displayName;
        who.userPrincipalName = e.principalName.isEmpty() ? e.userName : e.principalName;
        who.ipAddress = e.remoteAddress;
        event.initiatedByUser = who;
        event.additionalDetails << AuditEvent::KeyValue{QStringLiteral("ClientId"), e.clientId};
    }
    log.append(event);
}

std::optional<Caller> ServerApp::callerOf(const HttpRequest& request)
{
    // The rate limiter and the route both ask; the token is checked once per request.
    if (m_lastAuthentication && m_lastAuthentication->requestId == request.requestId) {
        return m_lastAuthentication->caller;
    }
    // A new request: nothing is mid-read, so drop any read snapshot left open and see what
    // other processes (the command line disabling a user) have committed since.
    m_db->releaseReads();
    const QString token = OAuthEndpoints::bearerToken(request);
    std::optional<Caller> caller = token.isEmpty() ? std::nullopt : m_identity->authenticate(token);
    if (caller) {
        caller->ipAddress = request.remoteAddress;
    }
    m_lastAuthentication = Authentication{request.requestId, caller};
    return caller;
}

int ServerApp::runScheduler()
{
    // One indexed read each second; the write transaction only when something is due, so an
    // idle server takes no write lock (which other elevated instances would wait on).
    const Timestamp due = m_engine->nextDue();
    const int applied = !due.isNull() && due <= clock().now() ? m_engine->runDue() : 0;
    Metrics& metrics = m_http->metrics();
    metrics.setGauge(QStringLiteral("elevated_pending_requests"), QStringLiteral("Requests waiting for a decision or a start"),
                     static_cast<double>(m_engine->pendingRequestCount()));
    metrics.setGauge(QStringLiteral("elevated_active_assignments"), QStringLiteral("Active role and group assignments"),
                     static_cast<double>(m_engine->activeAssignmentCount()));
    if (applied > 0) {
        emit transitionsApplied(applied);
    }
    return applied;
}

} // namespace Elevate::Server
