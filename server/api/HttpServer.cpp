#include "HttpServer.h"

#include "Clock.h"
#include "GraphErrors.h"
#include "Metrics.h"
#include "RateLimiter.h"
#include "Router.h"
#include "TimeOrderedId.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QLocale>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <exception>
#include <iterator>
#include <limits>
#include <optional>

Q_LOGGING_CATEGORY(lcHttp, "elevate.server.http")

namespace Elevate::Server {

namespace {

using namespace std::chrono_literals;

// Room for the request line and headers on top of the body limit before a connection that
// sends without end (chunked, or lying) is cut off.
constexpr qint64 HeadLimit = 64 * 1024;
// An oversized body declared with Content-Length is read and thrown away, so the client sees
// the 413 instead of a reset, up to this much; beyond it the connection is closed at once.
constexpr qint64 DrainLimit = 64 * 1024 * 1024;
constexpr auto DrainTimeout = 10s;
constexpr auto DefaultIdleTimeout = 120s;

const QString UnmatchedRoute = QStringLiteral("(unmatched)");
const QString InvalidRoute = QStringLiteral("(invalid)");

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Connect:
        return QByteArrayLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace:
        return QByteArrayLiteral("TRACE");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

// Methods outside this set share one metrics label, so a client cannot mint series.
QByteArray metricsMethod(const QByteArray& method)
{
    static const QByteArrayList known{ "GET", "PUT", "DELETE", "POST", "HEAD", "OPTIONS", "PATCH" };
    return known.contains(method) ? method : QByteArrayLiteral("OTHER");
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 301:
        return QByteArrayLiteral("Moved Permanently");
    case 302:
        return QByteArrayLiteral("Found");
    case 303:
        return QByteArrayLiteral("See Other");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 307:
        return QByteArrayLiteral("Temporary Redirect");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 410:
        return QByteArrayLiteral("Gone");
    case 412:
        return QByteArrayLiteral("Precondition Failed");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 422:
        return QByteArrayLiteral("Unprocessable Entity");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    default:
        return status < 400 ? QByteArrayLiteral("OK") : QByteArrayLiteral("Error");
    }
}

// RFC 9110 IMF-fixdate, always in English and GMT.
QByteArray httpDate(const Timestamp& now)
{
    const QDateTime utc = QDateTime::fromSecsSinceEpoch(now.secsSinceEpoch(), Qt::UTC);
    return QLocale::c().toString(utc, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
}

// A client-request-id is echoed only if it is short and plain, so it cannot smuggle header
// breaks or odd bytes into responses and logs. Graph clients send GUIDs.
bool isValidClientRequestId(QByteArrayView value)
{
    if (value.isEmpty() || value.size() > 128) {
        return false;
    }
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.' || c == ':';
    });
}

bool isToken(QByteArrayView name)
{
    if (name.isEmpty()) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
    });
}

bool isSafeHeaderValue(QByteArrayView value)
{
    return std::none_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// Whether a Content-Type header names the media type a route takes. JSON also accepts the
// `+json` structured suffix and requires UTF-8 if a charset is given (RFC 8259).
bool mediaTypeMatches(const QByteArray& contentType, RouteOptions::Body body)
{
    const QList<QByteArray> parts = contentType.split(';');
    const QByteArray type = parts.first().trimmed().toLower();
    switch (body) {
    case RouteOptions::Body::Any:
        return true;
    case RouteOptions::Body::Form:
        return type == "application/x-www-form-urlencoded";
    case RouteOptions::Body::Json:
        if (type != "application/json" && !(type.startsWith("application/") && type.endsWith("+json"))) {
            return false;
        }
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray parameter = parts.at(i).trimmed().toLower();
            if (parameter.startsWith("charset=")) {
                QByteArray charset = parameter.mid(8);
                if (charset.startsWith('"') && charset.endsWith('"') && charset.size() >= 2) {
                    charset = charset.mid(1, charset.size() - 2);
                }
                if (charset != "utf-8" && charset != "utf8") {
                    return false;
                }
            }
        }
        return true;
    }
    return false;
}

QString remoteAddressText(const QHostAddress& address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : address.toString();
}

// A request's line and header fields, read strictly by the transport before QtHttpServer's
// parser sees them. That parser (6.4) is lenient where leniency is dangerous behind a proxy: it
// accepts header lines without a colon, a non-numeric Content-Length, and Content-Length
// together with Transfer-Encoding (request smuggling).
struct Head
{
    QByteArray method;
    QByteArray target;
    QByteArray version;
    QList<std::pair<QByteArray, QByteArray>> headers;
    qint64 contentLength = 0; // -1: chunked
    bool expectContinue = false;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto& [key, value] : headers) {
            if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
                return value;
            }
        }
        return {};
    }
};

struct HeadParse
{
    std::optional<Head> head;
    QString error;
};

bool hasControlCharacters(QByteArrayView text, bool allowTab)
{
    return std::any_of(text.begin(), text.end(), [allowTab](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && !(allowTab && c == '\t')) || u == 0x7f;
    });
}

// Where the request line ends (after any empty lines a client may send first), or -1.
qsizetype requestLineEnd(const QByteArray& text, qsizetype* start)
{
    qsizetype from = 0;
    while (text.mid(from).startsWith("\r\n")) {
        from += 2;
    }
    *start = from;
    return text.indexOf("\r\n", from);
}

// "METHOD SP target SP HTTP/1.x"; an error message, or empty if it is fine.
QString checkRequestLine(const QByteArray& line, Head* head)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty()
        || hasControlCharacters(parts.at(1), false)) {
        return QStringLiteral("The request line is not valid HTTP/1.1.");
    }
    const QByteArray& target = parts.at(1);
    if (!target.startsWith('/') && target != "*" && !target.startsWith("http://") && !target.startsWith("https://")) {
        return QStringLiteral("The request target is not valid.");
    }
    if (parts.at(2) != "HTTP/1.1" && parts.at(2) != "HTTP/1.0") {
        return QStringLiteral("Only HTTP/1.1 and HTTP/1.0 are supported.");
    }
    if (head) {
        head->method = parts.at(0);
        head->target = target;
        head->version = parts.at(2);
    }
    return {};
}

// Reads a complete head (through the empty line) by RFC 9112's rules.
HeadParse parseHead(const QByteArray& text)
{
    HeadParse out;
    qsizetype start = 0;
    const qsizetype lineEnd = requestLineEnd(text, &start);
    if (lineEnd < 0) {
        out.error = QStringLiteral("The request line is missing.");
        return out;
    }
    Head head;
    out.error = checkRequestLine(text.mid(start, lineEnd - start), &head);
    if (!out.error.isEmpty()) {
        return out;
    }
    const auto fail = [&out](const QString& message) {
        out.error = message;
        return out;
    };
    bool chunked = false;
    std::optional<qint64> length;
    int hosts = 0;
    for (qsizetype from = lineEnd + 2; from < text.size();) {
        qsizetype end = text.indexOf("\r\n", from);
        if (end < 0) {
            end = text.size();
        }
        const QByteArray line = text.mid(from, end - from);
        from = end + 2;
        if (line.isEmpty()) {
            break;
        }
        if (line.startsWith(' ') || line.startsWith('\t')) {
            return fail(QStringLiteral("Folded header lines are not accepted."));
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon))) {
            return fail(QStringLiteral("A header field is not valid."));
        }
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (hasControlCharacters(value, true)) {
            return fail(QStringLiteral("A header field value holds control characters."));
        }
        if (name == "content-length") {
            for (const QByteArray& item : value.split(',')) {
                const QByteArray digits = item.trimmed();
                const bool numeric = !digits.isEmpty() && digits.size() <= 18
                    && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
                if (!numeric || (length && *length != digits.toLongLong())) {
                    return fail(QStringLiteral("The Content-Length header is not valid."));
                }
                length = digits.toLongLong();
            }
        } else if (name == "transfer-encoding") {
            if (chunked || value.toLower() != "chunked") {
                return fail(QStringLiteral("Only the chunked transfer coding is supported."));
            }
            chunked = true;
        } else if (name == "host") {
            ++hosts;
        } else if (name == "expect") {
            head.expectContinue = value.toLower() == "100-continue";
        }
        head.headers.append({ line.left(colon), value });
    }
    if (chunked && length) {
        return fail(QStringLiteral("Content-Length and Transfer-Encoding cannot be combined."));
    }
    if (hosts > 1 || (hosts == 0 && head.version == "HTTP/1.1")) {
        return fail(QStringLiteral("An HTTP/1.1 request needs exactly one Host header."));
    }
    head.contentLength = chunked ? -1 : length.value_or(0);
    out.head = std::move(head);
    return out;
}

// What the transport knows about the request arriving on a connection. The transport's
// readyRead connection is made before QtHttpServer's, so it sees every byte of a request
// before Qt's parser buffers it.
class ConnectionState
{
public:
    ConnectionState() { m_lastActivity.start(); }
    virtual ~ConnectionState() = default;
    ConnectionState(const ConnectionState&) = delete;
    ConnectionState& operator=(const ConnectionState&) = delete;

    void touch() { m_lastActivity.restart(); }

    // Qt's parser delivered a request. Request boundaries stay known only if this request's
    // length was known and exactly what arrived; otherwise bytes of a pipelined request were
    // read with it, and later heads are left to Qt (the byte cap still applies).
    void requestAnswered()
    {
        m_inSync
            = m_inSync && m_head && m_head->contentLength >= 0 && m_requestBytes == m_headSize + m_head->contentLength;
        m_requestBytes = 0;
        m_headBuffer.clear();
        m_headSize = 0;
        m_head.reset();
        m_requestTimer.invalidate();
        touch();
    }

    QElapsedTimer m_lastActivity;
    QElapsedTimer m_requestTimer; // from the first byte of the current request
    bool m_inSync = true;
    qint64 m_requestBytes = 0; // bytes of the current request seen so far
    QByteArray m_headBuffer; // the current request's head while it arrives
    qint64 m_headSize = 0; // size of the complete head; 0 while it arrives
    std::optional<Head> m_head;

    // Once the transport answers a request itself (413, 400), it owns the connection until
    // the connection closes: Qt's parser is detached and further bytes are discarded.
    bool m_rejected = false;
    bool m_answered = false;
    int m_rejectStatus = 0;
    QString m_rejectMessage;
    qint64 m_drainRemaining = 0; // bytes still expected; -1 unknown
    qint64 m_drained = 0;
};

// A connection's socket with its state: a QSslSocket on a TLS listener (server encryption
// starts on it), a plain QTcpSocket otherwise. Not a QSslSocket in unencrypted mode: that one
// copies every answer into its TCP socket's buffer (an audit page is ~70 KB), where a
// QTcpSocket keeps the written QByteArray itself.
template <typename Socket>
class ConnectionSocket final : public Socket, public ConnectionState
{
public:
    explicit ConnectionSocket(QObject* parent)
        : Socket(parent)
    {
    }
};
using PlainConnection = ConnectionSocket<QTcpSocket>;
using TlsConnection = ConnectionSocket<QSslSocket>;

ConnectionState* stateOf(QObject* socket)
{
    return dynamic_cast<ConnectionState*>(socket);
}

// Hands QAbstractHttpServer our connection sockets instead of plain ones.
class ConnectionServer final : public QTcpServer
{
public:
    using Created = std::function<void(QTcpSocket*)>;

    ConnectionServer(Created created, std::optional<QSslConfiguration> tls, QObject* parent)
        : QTcpServer(parent)
        , m_created(std::move(created))
        , m_tls(std::move(tls))
    {
    }

protected:
    void incomingConnection(qintptr handle) override
    {
        QTcpSocket* socket = nullptr;
        if (m_tls) {
            auto* tls = new TlsConnection(this);
            if (!tls->setSocketDescriptor(handle)) {
                delete tls;
                return;
            }
            // readyRead fires for decrypted bytes only, so everything after this line (our
            // head checks, Qt's parser) sees plain HTTP. A failed handshake closes the socket.
            tls->setSslConfiguration(*m_tls);
            tls->startServerEncryption();
            socket = tls;
        } else {
            auto* plain = new PlainConnection(this);
            if (!plain->setSocketDescriptor(handle)) {
                delete plain;
                return;
            }
            socket = plain;
        }
        m_created(socket); // before addPendingConnection: our slots run before Qt's
        addPendingConnection(socket);
    }

private:
    Created m_created;
    std::optional<QSslConfiguration> m_tls;
};

} // namespace

struct HttpServer::Impl final
{
    explicit Impl(const Clock& clock)
        : m_clock(clock)
        , m_limiter(clock, DefaultRatePerSecond, DefaultBurst)
    {
    }

    struct Outcome
    {
        HttpResponse response;
        QString routeName;
    };

    void assignIds(HttpRequest& request, QByteArrayView clientRequestId) const;
    Outcome process(HttpRequest& request, QStringView encodedPath);
    HttpResponse runHandler(const Router::Result& match, const HttpRequest& request) const;
    QString rateKeyFor(const HttpRequest& request) const;
    // Writes the response; `announceClose` adds "Connection: close" (the caller closes).
    void write(QTcpSocket* socket, const HttpRequest& request, HttpResponse& response, bool announceClose) const;
    void record(const HttpRequest& request, const QString& routeName, int status, qint64 nanoseconds);
    // write() + record(), then closes the connection when asked to.
    void deliver(QTcpSocket* socket, const HttpRequest& request, HttpResponse& response, const QString& routeName,
                 bool close, const QElapsedTimer& timer);
    // The batch an answer made now waits for, or 0.
    quint64 pendingBatch() const { return m_gate.pending ? m_gate.pending() : 0; }
    void flushHeldFor(const QTcpSocket* socket);

    struct Held
    {
        quint64 batch = 0;
        QPointer<QTcpSocket> socket;
        HttpRequest request;
        HttpResponse response;
        QString routeName;
        bool close = false;
        QElapsedTimer timer;
    };
    std::vector<Held> m_held;
    ResponseGate m_gate;
    // The first batch told Unknown: what any answer held for it or a later one showed may be lost.
    quint64 m_unknownSince = std::numeric_limits<quint64>::max();

    void adopt(QTcpSocket* socket);
    // Connection: PlainConnection or TlsConnection.
    template <typename Connection>
    void adoptConnection(Connection* socket);
    template <typename Connection>
    void socketReadyRead(Connection& socket);
    // Serves the request whose head was read (socket.m_head) and whose body has arrived whole,
    // read from the socket here: Qt's parser never sees it. Returns false when the connection
    // takes no further request (it asked to close, or is gone).
    template <typename Connection>
    bool serveWhole(Connection& socket);
    // The request pipeline after the request was read: process, then hold or deliver the
    // answer, and mark the connection's request as answered. True when the request asked for
    // the connection to close.
    bool serve(QTcpSocket* socket, HttpRequest& request, QStringView encodedPath, const QElapsedTimer& timer);
    // Answers `status` itself and takes the connection over from Qt's parser. `remaining`:
    // bytes of the request still to come (0 none, -1 unknown).
    template <typename Connection>
    void reject(Connection& socket, int status, const QString& message, qint64 remaining);
    template <typename Connection>
    void drain(Connection& socket);
    template <typename Connection>
    void answerRejected(Connection& socket);
    // The request as the transport read it from its head (no body; method UNKNOWN without a
    // head). *encodedPath, when given, receives the target's path as sent, for the router.
    template <typename Connection>
    HttpRequest requestFromHead(const Connection& socket, QString* encodedPath = nullptr) const;
    QString routeNameFor(const HttpRequest& request, QStringView encodedPath) const;
    void sweepIdle();

    const Clock& m_clock;
    Router m_router;
    Metrics m_metrics;
    RateLimiter m_limiter;
    qint64 m_maxBody = DefaultMaxBodyBytes;
    RateKeyFunction m_rateKey;
    HealthCheck m_healthCheck;
    std::chrono::milliseconds m_idleTimeout = DefaultIdleTimeout;
    QTimer m_sweepTimer;
    std::optional<QSslConfiguration> m_tls;
    QList<QPointer<QTcpSocket>> m_sockets; // each a PlainConnection or a TlsConnection
};

void HttpServer::Impl::assignIds(HttpRequest& request, QByteArrayView clientRequestId) const
{
    request.requestId = TimeOrderedId::create(); // a GUID, as Graph's; made without a RDRAND per 32 bits
    request.clientRequestId
        = isValidClientRequestId(clientRequestId) ? QString::fromLatin1(clientRequestId) : request.requestId;
    request.receivedAt = m_clock.now();
}

QString HttpServer::Impl::rateKeyFor(const HttpRequest& request) const
{
    if (m_rateKey) {
        try {
            QString key = m_rateKey(request);
            if (!key.isEmpty()) {
                return key;
            }
        } catch (...) {
            qCWarning(lcHttp,
                      "rate key function threw; limiting by address (request-id %s)",
                      qUtf8Printable(request.requestId));
        }
    }
    return remoteAddressKey(request);
}

HttpServer::Impl::Outcome HttpServer::Impl::process(HttpRequest& request, QStringView encodedPath)
{
    const Router::Result match = m_router.match(request.method, encodedPath);
    Outcome out;
    out.routeName = match.kind == Router::Result::Kind::NotFound ? UnmatchedRoute : match.match.routeName;

    bool declaredOk = false;
    const qint64 declared = request.header("content-length").trimmed().toLongLong(&declaredOk);
    if ((declaredOk && declared > m_maxBody) || request.body.size() > m_maxBody) {
        out.response = GraphErrors::payloadTooLarge(request, m_maxBody);
        return out;
    }

    if (match.kind != Router::Result::Kind::Found || match.options.rateLimited) {
        const RateLimiter::Decision decision = m_limiter.take(rateKeyFor(request));
        if (!decision.allowed) {
            out.response = GraphErrors::tooManyRequests(request, decision.retryAfterSeconds);
            return out;
        }
    }

    switch (match.kind) {
    case Router::Result::Kind::NotFound:
        out.response = GraphErrors::notFound(
            request, QStringLiteral("Resource not found for the segment '%1'.").arg(request.path.section(u'/', -1)));
        return out;
    case Router::Result::Kind::MethodNotAllowed:
        out.response = GraphErrors::methodNotAllowed(request, match.allowedMethods);
        return out;
    case Router::Result::Kind::Found:
        break;
    }

    const bool hasBodyMethod = request.method == "POST" || request.method == "PATCH" || request.method == "PUT";
    if (hasBodyMethod && match.options.body != RouteOptions::Body::Any) {
        const QByteArray contentType = request.header("content-type");
        const bool acceptable
            = contentType.isEmpty() ? request.body.isEmpty() : mediaTypeMatches(contentType, match.options.body);
        if (!acceptable) {
            out.response = GraphErrors::unsupportedMediaType(request,
                                                             match.options.body == RouteOptions::Body::Json
                                                                 ? QStringLiteral("application/json")
                                                                 : QStringLiteral("application/x-www-form-urlencoded"));
            return out;
        }
    }

    out.response = runHandler(match, request);
    return out;
}

HttpResponse HttpServer::Impl::runHandler(const Router::Result& match, const HttpRequest& request) const
{
    // A handler's bug must cost one request, never the server: exceptions stop here. The
    // exception text goes to the log only; the caller gets the request id to quote.
    try {
        return (*match.handler)(request, match.match);
    } catch (const std::exception& error) {
        qCWarning(lcHttp,
                  "handler for %s threw: %s (request-id %s)",
                  qUtf8Printable(match.match.routeName),
                  error.what(),
                  qUtf8Printable(request.requestId));
    } catch (...) {
        qCWarning(lcHttp,
                  "handler for %s threw a non-standard exception (request-id %s)",
                  qUtf8Printable(match.match.routeName),
                  qUtf8Printable(request.requestId));
    }
    return GraphErrors::internalError(request);
}

void HttpServer::Impl::write(QTcpSocket* socket,
                             const HttpRequest& request,
                             HttpResponse& response,
                             bool announceClose) const
{
    // The response is written by hand rather than through QHttpServerResponder: 6.4's
    // responder looks the reason phrase up with std::map::at and throws for a status outside
    // http_parser's table.
    // 1xx are interim answers a handler cannot give; anything outside 100-599 is a bug.
    if (response.status < 200 || response.status > 599) {
        qCWarning(lcHttp,
                  "handler returned status %d; answering 500 (request-id %s)",
                  response.status,
                  qUtf8Printable(request.requestId));
        response = GraphErrors::internalError(request);
    }
    const int status = response.status;
    const bool bodyless = status == 204 || status == 304;

    QByteArray out;
    out.reserve(512);
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reasonPhrase(status)).append("\r\n");
    const auto header = [&out](QByteArrayView name, QByteArrayView value) {
        out.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\r\n");
    };
    header("Date", httpDate(m_clock.now()));
    header("request-id", request.requestId.toLatin1());
    header("client-request-id", request.clientRequestId.toLatin1());
    if (!bodyless) {
        const QByteArray contentType = isSafeHeaderValue(response.contentType) && !response.contentType.isEmpty()
            ? response.contentType
            : QByteArrayLiteral("application/octet-stream");
        header("Content-Type", contentType);
        header("Content-Length", QByteArray::number(response.body.size()));
    }
    bool cacheControl = false;
    bool noSniff = false;
    static const QByteArrayList reserved{ "date",           "request-id",        "client-request-id", "content-type",
                                          "content-length", "transfer-encoding", "connection" };
    for (const auto& [name, value] : std::as_const(response.headers)) {
        const QByteArray lower = name.toLower();
        if (reserved.contains(lower) || !isToken(name) || !isSafeHeaderValue(value)) {
            continue;
        }
        cacheControl = cacheControl || lower == "cache-control";
        noSniff = noSniff || lower == "x-content-type-options";
        header(name, value);
    }
    if (!cacheControl) {
        header("Cache-Control", "no-store");
    }
    if (!noSniff) {
        header("X-Content-Type-Options", "nosniff");
    }
    if (announceClose) {
        header("Connection", "close");
    }
    out.append("\r\n");
    // Head and body in one write: written apart, the head leaves as a small segment of its own
    // and the body waits for its acknowledgement (Nagle's algorithm against the client's delayed
    // ACK): audit pages fell from ~4,800 to ~1,100 per second, p50 56 ms.
    // The head goes in front of the body rather than the body behind the head: a body built
    // with room left at its start (an audit page) takes the head there without being copied.
    if (!bodyless && request.method != "HEAD" && !response.body.isEmpty()) {
        QByteArray whole = std::move(response.body);
        whole.prepend(out);
        socket->write(whole);
        return;
    }
    socket->write(out);
}

void HttpServer::Impl::record(const HttpRequest& request, const QString& routeName, int status, qint64 nanoseconds)
{
    const double seconds = static_cast<double>(nanoseconds) / 1e9;
    const QByteArray method = metricsMethod(request.method);
    m_metrics.recordRequest(routeName, method, status, seconds);
    // Method, route pattern, status, time and id only: never headers (Authorization), the
    // query or bodies.
    qCInfo(lcHttp,
           "%s %s %d %.2f ms request-id=%s",
           method.constData(),
           qUtf8Printable(routeName),
           status,
           seconds * 1000.0,
           qUtf8Printable(request.requestId));
}

void HttpServer::Impl::deliver(QTcpSocket* socket,
                               const HttpRequest& request,
                               HttpResponse& response,
                               const QString& routeName,
                               bool close,
                               const QElapsedTimer& timer)
{
    write(socket, request, response, close);
    record(request, routeName, response.status, timer.nsecsElapsed());
    if (close) {
        socket->disconnectFromHost();
    }
}

void HttpServer::Impl::flushHeldFor(const QTcpSocket* socket)
{
    const bool waiting = std::any_of(m_held.cbegin(), m_held.cend(), [socket](const Held& h) { return h.socket == socket; });
    if (waiting && m_gate.flush) {
        m_gate.flush();
    }
}

void HttpServer::Impl::adopt(QTcpSocket* socket)
{
    if (auto* tls = qobject_cast<QSslSocket*>(socket)) {
        adoptConnection(static_cast<TlsConnection*>(tls));
    } else {
        adoptConnection(static_cast<PlainConnection*>(socket));
    }
}

template <typename Connection>
void HttpServer::Impl::adoptConnection(Connection* socket)
{
    m_sockets.append(socket);
    QObject::connect(socket, &QIODevice::readyRead, socket, [this, socket] { socketReadyRead(*socket); });
    // A response still going out counts as activity; a client that stops reading does not.
    QObject::connect(socket, &QIODevice::bytesWritten, socket, [socket] { socket->touch(); });
}

template <typename Connection>
void HttpServer::Impl::socketReadyRead(Connection& socket)
{
    socket.touch();
    if (socket.m_rejected) {
        drain(socket);
        return;
    }
    qint64 fresh = socket.bytesAvailable();
    while (fresh > 0) {
        // No byte of this request came before this call, so Qt's parser (whose slot runs after
        // this one) has seen none of it: if it is all here, it can be served from our own parse.
        const bool unseen = socket.m_requestBytes == 0;
        if (!socket.m_requestTimer.isValid()) {
            socket.m_requestTimer.start();
        }
        socket.m_requestBytes += fresh;

        if (socket.m_inSync && socket.m_headSize == 0) {
            // peek() leaves the bytes for Qt's parser, which reads after this slot.
            const qint64 room = HeadLimit - socket.m_headBuffer.size();
            if (room > 0) {
                socket.m_headBuffer.append(socket.peek(std::min(fresh, room)));
            }
            const qsizetype end = socket.m_headBuffer.indexOf("\r\n\r\n");
            if (end < 0) {
                // The request line can be judged before the rest of the head arrives.
                qsizetype lineStart = 0;
                const qsizetype lineEnd = requestLineEnd(socket.m_headBuffer, &lineStart);
                if (lineEnd >= 0) {
                    const QString error
                        = checkRequestLine(socket.m_headBuffer.mid(lineStart, lineEnd - lineStart), nullptr);
                    if (!error.isEmpty()) {
                        reject(socket, 400, error, 0);
                        return;
                    }
                }
                if (socket.m_headBuffer.size() >= HeadLimit) {
                    reject(socket, 431, QStringLiteral("The request head is larger than %1 bytes.").arg(HeadLimit), 0);
                }
                return;
            }
            socket.m_headSize = end + 4;
            socket.m_headBuffer.truncate(end + 4);
            HeadParse parsed = parseHead(socket.m_headBuffer);
            if (!parsed.head) {
                reject(socket, 400, parsed.error, 0);
                return;
            }
            socket.m_head = std::move(parsed.head);
            const Head& head = *socket.m_head;
            if (head.contentLength > m_maxBody) {
                // With Expect: 100-continue the client waits for our answer before sending the body.
                const qint64 remaining
                    = head.expectContinue ? 0 : socket.m_headSize + head.contentLength - socket.m_requestBytes;
                reject(socket, 413, {}, remaining);
                return;
            }
            if (head.expectContinue && socket.m_requestBytes == socket.m_headSize) {
                // QtHttpServer 6.4 ignores Expect, which makes curl wait a second before each body.
                socket.write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            }
        }
        if (!unseen || !socket.m_inSync || !socket.m_head || socket.m_head->contentLength < 0
            || socket.bytesAvailable() < socket.m_headSize + socket.m_head->contentLength) {
            break; // Qt's parser takes this request (a chunked body, or one arriving in parts)
        }
        if (!serveWhole(socket)) {
            return;
        }
        fresh = socket.bytesAvailable(); // the next pipelined request, if any
    }
    if (socket.m_requestBytes > m_maxBody + HeadLimit) {
        // No Content-Length (chunked), or boundaries lost: stop before Qt buffers more.
        reject(socket, 413, {}, -1);
    }
}

template <typename Connection>
bool HttpServer::Impl::serveWhole(Connection& socket)
{
    if (socket.isTransactionStarted()) {
        // Qt's parser opens a read transaction and leaves it open while it waits for a request;
        // it holds nothing of this one (see socketReadyRead). Reads inside it would be kept.
        socket.commitTransaction();
    }
    QString encodedPath;
    HttpRequest request = requestFromHead(socket, &encodedPath);
    const qint64 bodySize = socket.m_head->contentLength;
    socket.skip(socket.m_headSize);
    request.body = socket.read(bodySize);
    // Exactly this request's bytes: the connection stays in sync for the next one.
    socket.m_requestBytes = socket.m_headSize + bodySize;
    const QElapsedTimer timer = socket.m_requestTimer;
    const bool close = serve(&socket, request, encodedPath, timer);
    return !close && !socket.m_rejected && socket.state() == QAbstractSocket::ConnectedState;
}

template <typename Connection>
void HttpServer::Impl::reject(Connection& socket, int status, const QString& message, qint64 remaining)
{
    socket.m_rejected = true;
    socket.m_rejectStatus = status;
    socket.m_rejectMessage = message;
    socket.m_drainRemaining = remaining;
    // Detach Qt's parser (this runs inside readyRead before its slot, which is then skipped),
    // so it never buffers the rest of this request.
    QObject::disconnect(&socket, &QIODevice::readyRead, nullptr, nullptr);
    QObject::connect(&socket, &QIODevice::readyRead, &socket, [this, &socket] { socketReadyRead(socket); });
    if (socket.isTransactionStarted()) {
        socket.commitTransaction();
    }
    QTimer::singleShot(DrainTimeout, &socket, [this, &socket] {
        if (!socket.m_answered) {
            answerRejected(socket);
            socket.disconnectFromHost();
        } else {
            socket.abort();
        }
    });
    if (remaining == 0) {
        // Nothing more is coming: answer, drop what is buffered and close.
        answerRejected(socket);
        socket.skip(socket.bytesAvailable());
        socket.disconnectFromHost();
        return;
    }
    if (remaining < 0 || remaining > DrainLimit) {
        // Too much, or an unknown amount, to wait for: answer now and keep reading and
        // discarding for a while, because closing a socket with unread input resets the
        // connection and can destroy the answer before the client has read it.
        answerRejected(socket);
    }
    drain(socket);
}

template <typename Connection>
void HttpServer::Impl::drain(Connection& socket)
{
    const qint64 skipped = std::max<qint64>(0, socket.skip(socket.bytesAvailable()));
    socket.m_drained += skipped;
    if (socket.m_drainRemaining > 0) {
        socket.m_drainRemaining = std::max<qint64>(0, socket.m_drainRemaining - skipped);
        if (socket.m_drainRemaining == 0) {
            if (!socket.m_answered) {
                answerRejected(socket);
            }
            socket.disconnectFromHost();
            return;
        }
    }
    if (socket.m_drained > DrainLimit) {
        socket.abort();
    }
}

template <typename Connection>
HttpRequest HttpServer::Impl::requestFromHead(const Connection& socket, QString* encodedPath) const
{
    HttpRequest request;
    request.method = socket.m_head ? socket.m_head->method : QByteArrayLiteral("UNKNOWN");
    if (socket.m_head) {
        const QByteArray& target = socket.m_head->target;
        // As QtHttpServer reads a target: against a base, so a path starting with "//" stays a path.
        const QUrl url = target.startsWith('/') ? QUrl::fromEncoded("http://localhost" + target) : QUrl::fromEncoded(target);
        request.path = url.path(QUrl::FullyDecoded);
        request.query = QUrlQuery(url);
        request.headers = socket.m_head->headers;
        if (encodedPath) {
            *encodedPath = url.path(QUrl::FullyEncoded);
        }
    }
    request.remoteAddress = remoteAddressText(socket.peerAddress());
    assignIds(request, socket.m_head ? QByteArrayView(socket.m_head->header("client-request-id")) : QByteArrayView());
    return request;
}

QString HttpServer::Impl::routeNameFor(const HttpRequest& request, QStringView encodedPath) const
{
    const Router::Result match = m_router.match(request.method, encodedPath);
    return match.kind == Router::Result::Kind::NotFound ? UnmatchedRoute : match.match.routeName;
}

template <typename Connection>
void HttpServer::Impl::answerRejected(Connection& socket)
{
    // Earlier answers on this connection go first.
    flushHeldFor(&socket);
    socket.m_answered = true;
    QString encodedPath;
    HttpRequest request = requestFromHead(socket, &encodedPath);
    QString routeName = InvalidRoute;
    HttpResponse response;
    switch (socket.m_rejectStatus) {
    case 413:
        response = GraphErrors::payloadTooLarge(request, m_maxBody);
        if (socket.m_head) {
            routeName = routeNameFor(request, encodedPath);
        }
        break;
    case 431:
        response = GraphErrors::response(request, 431, u"RequestHeaderFieldsTooLarge", socket.m_rejectMessage);
        break;
    default:
        response = GraphErrors::badRequest(request, socket.m_rejectMessage);
        break;
    }
    write(&socket, request, response, true);
    record(request,
           routeName,
           response.status,
           socket.m_requestTimer.isValid() ? socket.m_requestTimer.nsecsElapsed() : 0);
}

void HttpServer::Impl::sweepIdle()
{
    m_sockets.removeIf([](const QPointer<QTcpSocket>& socket) { return socket.isNull(); });
    for (const QPointer<QTcpSocket>& socket : std::as_const(m_sockets)) {
        if (stateOf(socket)->m_lastActivity.elapsed() > m_idleTimeout.count()) {
            socket->abort();
            socket->deleteLater();
        }
    }
}

HttpServer::HttpServer(const Clock& clock, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_impl(std::make_unique<Impl>(clock))
{
    RouteOptions ops;
    ops.body = RouteOptions::Body::Any;
    ops.rateLimited = false;
    m_impl->m_router.addRoute(
        QByteArrayLiteral("GET"),
        QStringLiteral("/healthz"),
        [this](const HttpRequest&, const RouteMatch&) {
            bool healthy = true;
            if (m_impl->m_healthCheck) {
                try {
                    healthy = m_impl->m_healthCheck();
                } catch (...) {
                    healthy = false;
                }
            }
            HttpResponse response;
            response.status = healthy ? 200 : 503;
            response.body
                = healthy ? QByteArrayLiteral(R"({"status":"ok"})") : QByteArrayLiteral(R"({"status":"unavailable"})");
            return response;
        },
        ops);
    m_impl->m_router.addRoute(
        QByteArrayLiteral("GET"),
        QStringLiteral("/metrics"),
        [this](const HttpRequest&, const RouteMatch&) {
            HttpResponse response;
            response.contentType = Metrics::contentType();
            response.body = m_impl->m_metrics.exposition();
            return response;
        },
        ops);

    m_impl->m_sweepTimer.setInterval(1s);
    connect(&m_impl->m_sweepTimer, &QTimer::timeout, this, [this] { m_impl->sweepIdle(); });
}

HttpServer::~HttpServer()
{
    // The listening servers own the sockets, which call back into m_impl: they go first.
    const QList<QTcpServer*> listeners = servers();
    qDeleteAll(listeners);
}

quint16 HttpServer::listen(const QHostAddress& address, quint16 port)
{
    auto* server =
        new ConnectionServer([this](QTcpSocket* socket) { m_impl->adopt(socket); }, m_impl->m_tls, this);
    if (!server->listen(address, port)) {
        qCWarning(lcHttp,
                  "cannot listen on %s:%u: %s",
                  qUtf8Printable(address.toString()),
                  unsigned(port),
                  qUtf8Printable(server->errorString()));
        delete server;
        return 0;
    }
    bind(server);
    m_impl->m_sweepTimer.start();
    return server->serverPort();
}

void HttpServer::setTlsConfiguration(const QSslConfiguration& configuration)
{
    m_impl->m_tls = configuration;
}

bool HttpServer::servesTls() const
{
    return m_impl->m_tls.has_value();
}

Router& HttpServer::router()
{
    return m_impl->m_router;
}

Metrics& HttpServer::metrics()
{
    return m_impl->m_metrics;
}

RateLimiter& HttpServer::rateLimiter()
{
    return m_impl->m_limiter;
}

void HttpServer::setMaxBodyBytes(qint64 bytes)
{
    m_impl->m_maxBody = std::max<qint64>(0, bytes);
}

qint64 HttpServer::maxBodyBytes() const
{
    return m_impl->m_maxBody;
}

void HttpServer::setRateLimit(double ratePerSecond, double burst)
{
    m_impl->m_limiter.setLimits(ratePerSecond, burst);
}

void HttpServer::setRateKey(RateKeyFunction rateKey)
{
    m_impl->m_rateKey = std::move(rateKey);
}

void HttpServer::setHealthCheck(HealthCheck check)
{
    m_impl->m_healthCheck = std::move(check);
}

void HttpServer::setIdleTimeout(std::chrono::milliseconds timeout)
{
    m_impl->m_idleTimeout = std::max(timeout, std::chrono::milliseconds(1));
    m_impl->m_sweepTimer.setInterval(
        std::clamp(m_impl->m_idleTimeout / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000)));
}

std::chrono::milliseconds HttpServer::idleTimeout() const
{
    return m_impl->m_idleTimeout;
}

QString HttpServer::remoteAddressKey(const HttpRequest& request)
{
    return request.remoteAddress;
}

bool HttpServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    QElapsedTimer timer;
    timer.start();
    ConnectionState* connection = stateOf(socket);
    if (connection && connection->m_requestTimer.isValid()) {
        timer = connection->m_requestTimer;
    }

    HttpRequest converted;
    QString encodedPath;
    try {
        const QUrl url = request.url();
        converted.method = methodName(request.method());
        converted.path = url.path(QUrl::FullyDecoded);
        converted.query = request.query();
        const auto headers = request.headers();
        converted.headers.reserve(headers.size());
        for (const auto& [name, value] : headers) {
            converted.headers.append({ name, value });
        }
        converted.body = request.body();
        converted.remoteAddress = remoteAddressText(request.remoteAddress());
        m_impl->assignIds(converted, converted.header("client-request-id"));
        encodedPath = url.path(QUrl::FullyEncoded);
    } catch (...) {
        qCCritical(lcHttp, "reading a request failed");
        socket->abort();
        return true;
    }
    m_impl->serve(socket, converted, encodedPath, timer);
    return true;
}

bool HttpServer::Impl::serve(QTcpSocket* socket, HttpRequest& request, QStringView encodedPath, const QElapsedTimer& timer)
{
    const bool close = request.header("connection").trimmed().compare("close", Qt::CaseInsensitive) == 0;
    try {
        Outcome outcome = process(request, encodedPath);
        if (const quint64 batch = pendingBatch()) {
            // The answer may depend on changes not yet durable (this request's or an earlier
            // one's): it leaves when that batch is.
            m_held.push_back(Held{ batch, socket, request, std::move(outcome.response), outcome.routeName, close, timer });
        } else {
            deliver(socket, request, outcome.response, outcome.routeName, close, timer);
        }
    } catch (...) {
        // Nothing may escape into Qt's event loop (e.g. bad_alloc building a response).
        qCCritical(lcHttp, "request pipeline failed (request-id %s)", qUtf8Printable(request.requestId));
        if (socket->state() == QAbstractSocket::ConnectedState) {
            socket->write(QByteArrayLiteral("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                            "Connection: close\r\n\r\n"));
            socket->disconnectFromHost();
        }
    }
    if (ConnectionState* connection = stateOf(socket)) {
        connection->requestAnswered();
    }
    if (m_gate.poll) {
        m_gate.poll();
    }
    return close;
}

void HttpServer::setResponseGate(ResponseGate gate)
{
    m_impl->m_gate = std::move(gate);
}

int HttpServer::heldResponses() const
{
    return int(m_impl->m_held.size());
}

void HttpServer::releaseHeld(quint64 batch, BatchEnd end)
{
    // Answers leave in the order they were made, so those up to the first one held for a later
    // batch. An answer held for an earlier batch waited behind one of this batch; its own batch
    // was told of before (batches end in order) and committed: only answers made while a batch
    // was open are held for it, and those come after every answer held for an earlier one.
    if (end == BatchEnd::Unknown) {
        m_impl->m_unknownSince = std::min(m_impl->m_unknownSince, batch);
    }
    std::vector<Impl::Held>& all = m_impl->m_held;
    const auto later = std::find_if(all.begin(), all.end(), [batch](const Impl::Held& h) { return h.batch > batch; });
    std::vector<Impl::Held> held(std::make_move_iterator(all.begin()), std::make_move_iterator(later));
    all.erase(all.begin(), later);
    for (Impl::Held& h : held) {
        BatchEnd own = end;
        if (h.batch >= m_impl->m_unknownSince) {
            own = BatchEnd::Unknown;
        } else if (h.batch < batch) {
            own = BatchEnd::Committed;
        }
        if (own == BatchEnd::RolledBack) {
            h.response = GraphErrors::response(h.request,
                                               503,
                                               GraphErrors::Codes::ServiceUnavailable,
                                               QStringLiteral("The server could not save its changes, so this request "
                                                              "was not applied. Try again later."));
            h.response.headers.append({ QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5") });
        } else if (own == BatchEnd::Unknown) {
            h.response = GraphErrors::response(h.request,
                                               503,
                                               GraphErrors::Codes::ServiceUnavailable,
                                               QStringLiteral("The server's disk failed while saving its changes, so "
                                                              "this request may or may not have been applied. Check "
                                                              "before trying again."));
        }
        if (!h.socket || h.socket->state() != QAbstractSocket::ConnectedState) {
            continue; // the client left; its change (if any) stands, as after a lost answer
        }
        try {
            m_impl->deliver(h.socket, h.request, h.response, h.routeName, h.close, h.timer);
            // Out now rather than at the next turn of the event loop, where the requests that
            // arrived meanwhile would run first: the client's next request comes sooner.
            h.socket->flush();
        } catch (...) {
            qCCritical(lcHttp, "sending a held answer failed (request-id %s)", qUtf8Printable(h.request.requestId));
            h.socket->abort();
        }
    }
}

void HttpServer::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    // handleRequest() always answers, so this is unreachable; answer 404 to be safe.
    HttpRequest converted;
    converted.method = methodName(request.method());
    converted.remoteAddress = remoteAddressText(request.remoteAddress());
    m_impl->assignIds(converted, {});
    HttpResponse response = GraphErrors::notFound(converted);
    m_impl->write(socket, converted, response, false);
}

} // namespace Elevate::Server
