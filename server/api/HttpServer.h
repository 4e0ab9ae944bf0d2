#pragma once

#include "Http.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>

class QHttpServerRequest;
class QSslConfiguration;
class QTcpSocket;

namespace Elevate::Server {

class Clock;
class Metrics;
class RateLimiter;
class Router;

// elevated's HTTP transport over QtHttpServer 6.4 (whose own router cannot match Graph's deep
// paths). Every request runs the same pipeline:
//   request id (a UUID; a valid `client-request-id` is echoed, else the request id is)
//   -> body limit (413, checked on Content-Length as the head arrives, before the body is
//      buffered, and again on the received body)
//   -> rate limit per rateKey (429 + Retry-After; /healthz and /metrics are exempt)
//   -> router (404 ResourceNotFound / 405 MethodNotAllowed + Allow)
//   -> media type of POST/PATCH/PUT bodies per route (415)
//   -> handler (any exception becomes 500 UnknownError; the server keeps serving).
// Every answer is a Graph error body where it is an error, and carries request-id,
// client-request-id, Date, Content-Type, Cache-Control: no-store and
// X-Content-Type-Options: nosniff. Each call is counted in metrics() and logged on
// `elevate.server.http` with method, route pattern, status, duration and request id, never
// headers or bodies.
//
// The transport reads each request's head itself, strictly (RFC 9112), before QtHttpServer's
// lenient parser: a bad request line or header, a non-numeric or conflicting Content-Length,
// Content-Length with Transfer-Encoding, or a missing Host gets 400 (a head over 64 KiB 431)
// and a closed connection. A request that arrives whole (head and Content-Length body) before
// Qt's parser has seen any of it is served from that reading, and so is every whole request
// pipelined behind it; Qt's parser, which reads a head one byte at a time, takes only the rest
// (chunked bodies, requests arriving in parts). It answers `Expect: 100-continue`, which Qt 6.4
// ignores. Idle connections (including ones Qt's parser stalls on) are closed after
// idleTimeout().
//
// Built-in routes: GET /healthz ({"status":"ok"}, or 503 when the health check fails) and
// GET /metrics (Prometheus text). Neither is authenticated: bind to a trusted interface or
// put a proxy in front if that matters.
//
// Single-threaded: the server, its router and its handlers run on the thread that owns it.
// The clock must outlive the server.
class HttpServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    // Who a request counts against for rate limiting. The default is the client address;
    // authentication replaces it with the user id (falling back to the address).
    using RateKeyFunction = std::function<QString(const HttpRequest&)>;
    // true when the server can serve (e.g. the database answers).
    using HealthCheck = std::function<bool()>;

    static constexpr qint64 DefaultMaxBodyBytes = 1024 * 1024;
    static constexpr double DefaultRatePerSecond = 20.0;
    static constexpr double DefaultBurst = 100.0;

    explicit HttpServer(const Clock& clock, QObject* parent = nullptr);
    ~HttpServer() override;

    // Listens on address:port (0 = any free port) and returns the bound port, or 0 on failure.
    // May be called more than once to listen on several addresses.
    quint16 listen(const QHostAddress& address, quint16 port = 0);

    // Serves HTTPS (the configuration's local certificate and private key) on every listener
    // opened after this call; without it the server speaks plain HTTP.
    void setTlsConfiguration(const QSslConfiguration& configuration);
    bool servesTls() const;

    // Register routes before listening.
    Router& router();
    Metrics& metrics();
    RateLimiter& rateLimiter();

    void setMaxBodyBytes(qint64 bytes);
    qint64 maxBodyBytes() const;

    // ratePerSecond <= 0 turns rate limiting off.
    void setRateLimit(double ratePerSecond, double burst);
    void setRateKey(RateKeyFunction rateKey);
    void setHealthCheck(HealthCheck check);

    // Group commit (Database::setGroupCommit). While `pending` names a batch (non-zero), answers
    // wait, in the order they were made, until releaseHeld() for that batch or a later one: a
    // change is acknowledged only once it is durable, and so is an answer that may show it.
    // `flush` ends the open batch and waits for its outcome (its listener then calls
    // releaseHeld); it is used before a connection is answered outside the request pipeline, to
    // keep its order.
    struct ResponseGate
    {
        std::function<quint64()> pending;
        std::function<void()> flush;
        // Called between two requests served in one turn of the event loop: releases the
        // answers whose batch has become durable meanwhile (releaseHeld), without waiting for
        // the turn to end.
        std::function<void()> poll = {};
    };
    void setResponseGate(ResponseGate gate);
    // How the batch that held answers ended.
    enum class BatchEnd {
        Committed, // the answers go out as they are
        RolledBack, // each becomes a 503 saying that nothing was applied
        Unknown, // each becomes a 503 saying that the change may or may not have been saved
    };
    // Sends the answers held for batches up to `batch`, in order.
    void releaseHeld(quint64 batch, BatchEnd end);
    int heldResponses() const;

    void setIdleTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds idleTimeout() const;

    // The default rate key: the client's address (IPv4-mapped IPv6 printed as IPv4).
    static QString remoteAddressKey(const HttpRequest& request);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace Elevate::Server
