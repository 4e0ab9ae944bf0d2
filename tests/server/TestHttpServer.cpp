// elevated's HTTP transport end to end: a real HttpServer on 127.0.0.1 and a real
// QNetworkAccessManager (or a raw QTcpSocket for what no proper client sends) in the same
// process and thread. Covers the headers every answer carries, request ids, Graph error bodies,
// the body limit, media types, handler exceptions, rate limiting with a manual clock, metrics,
// health, malformed HTTP and idle connections.

#include "Clock.h"
#include "GraphCodec.h"
#include "HttpServer.h"
#include "Metrics.h"
#include "RateLimiter.h"
#include "Router.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <memory>
#include <stdexcept>

using namespace Elevate;
using namespace Elevate::Server;
using namespace Qt::StringLiterals;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names lower-cased

    QByteArray header(const char* name) const { return headers.value(QByteArray(name).toLower()); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonObject graphError() const { return json().value(u"error"_s).toObject(); }
};

// What the raw socket got back: the status line, the header block and the body.
struct RawReply
{
    QByteArray text;
    bool closed = false;

    int status() const
    {
        static const QRegularExpression line(u"^HTTP/1\\.[01] (\\d{3}) "_s);
        // The last final status line (a 100 Continue may come first).
        int found = 0;
        qsizetype from = 0;
        while (true) {
            const QRegularExpressionMatch m = line.match(QString::fromLatin1(text.mid(from)));
            if (!m.hasMatch()) {
                break;
            }
            found = m.captured(1).toInt();
            if (found != 100) {
                break;
            }
            const qsizetype end = text.indexOf("\r\n\r\n", from);
            if (end < 0) {
                break;
            }
            from = end + 4;
        }
        return found;
    }
    QByteArray body() const
    {
        const qsizetype end = text.lastIndexOf("\r\n\r\n");
        return end < 0 ? QByteArray() : text.mid(end + 4);
    }
};

const Timestamp Start = *Timestamp::fromIso(u"2024-05-01T12:00:00Z");
constexpr qint64 MiB = 1024 * 1024;

// Messages logged on elevate.server.http while a test runs.
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (context.category && QByteArrayView(context.category) == "elevate.server.http") {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previousHandler) {
        g_previousHandler(type, context, message);
    }
}

} // namespace

class TestHttpServer final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<HttpServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    quint16 m_port = 0;
    int m_handlerCalls = 0;
    HttpRequest m_lastRequest;
    bool m_healthy = true;

    QUrl url(const QString& pathAndQuery) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(pathAndQuery));
    }

    Reply send(const QByteArray& method,
               const QString& path,
               const QByteArray& body = {},
               const QList<std::pair<QByteArray, QByteArray>>& headers = {})
    {
        QNetworkRequest request(url(path));
        for (const auto& [name, value] : headers) {
            request.setRawHeader(name, value);
        }
        // A custom "HEAD" would make QNAM wait for the body a HEAD answer never has.
        QNetworkReply* reply
            = method == "HEAD" ? m_nam->head(request) : m_nam->sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) {
            finished.wait(20000); // generous: CI runs two suites at once, one under ASan
        }
        Reply out;
        if (!reply->isFinished()) {
            reply->abort();
            out.status = -1; // no answer in time: fails any status check
            reply->deleteLater();
            return out;
        }
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.error = reply->error();
        out.body = reply->readAll();
        for (const auto& [name, value] : reply->rawHeaderPairs()) {
            out.headers.insert(name.toLower(), value);
        }
        reply->deleteLater();
        return out;
    }

    // Sends raw bytes and collects the answer until the server closes the connection, `done`
    // says the answer is complete, or the timeout passes.
    RawReply sendRaw(const QList<QByteArray>& chunks,
                     int timeoutMs = 5000,
                     const std::function<bool(const QByteArray&)>& done = {})
    {
        QTcpSocket socket;
        RawReply out;
        QEventLoop loop;
        QTimer timeout;
        timeout.setSingleShot(true);
        connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
        connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
            out.text.append(socket.readAll());
            if (done && done(out.text)) {
                loop.quit();
            }
        });
        connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
            out.closed = true;
            loop.quit();
        });
        connect(&socket, &QTcpSocket::connected, &loop, [&] {
            for (const QByteArray& chunk : chunks) {
                socket.write(chunk);
            }
        });
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        timeout.start(timeoutMs);
        loop.exec();
        out.text.append(socket.readAll());
        return out;
    }

    static bool hasCompleteResponse(const QByteArray& text)
    {
        const qsizetype end = text.indexOf("\r\n\r\n");
        if (end < 0 || text.startsWith("HTTP/1.1 100")) {
            return false;
        }
        static const QRegularExpression length(u"(?i)content-length: *(\\d+)"_s);
        const QRegularExpressionMatch m = length.match(QString::fromLatin1(text.left(end)));
        return m.hasMatch() && text.size() - end - 4 >= m.captured(1).toLongLong();
    }

    void verifyGraphError(const Reply& reply, int status, const QString& code)
    {
        QCOMPARE(reply.status, status);
        QVERIFY(reply.header("content-type").startsWith("application/json"));
        const GraphError error = GraphCodec::decodeError(reply.body, reply.status);
        QCOMPARE(error.code, code);
        QVERIFY(!error.message.isEmpty());
        QCOMPARE(error.requestId, QString::fromLatin1(reply.header("request-id")));
        QCOMPARE(error.clientRequestId, QString::fromLatin1(reply.header("client-request-id")));
        QCOMPARE(error.date, u"2024-05-01T12:00:00Z"_s);
    }

private Q_SLOTS:
    void initTestCase() { g_previousHandler = qInstallMessageHandler(captureLog); }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void init()
    {
        m_clock = std::make_unique<ManualClock>(Start);
        m_server = std::make_unique<HttpServer>(*m_clock);
        m_server->setRateLimit(1000, 1000);
        m_handlerCalls = 0;
        m_healthy = true;
        Router& router = m_server->router();

        const auto echo = [this](const HttpRequest& request, const RouteMatch& match) {
            ++m_handlerCalls;
            m_lastRequest = request;
            QJsonObject body{ { u"route"_s, match.routeName },
                              { u"id"_s, match.param(u"id"_s) },
                              { u"method"_s, QString::fromLatin1(request.method) },
                              { u"path"_s, request.path },
                              { u"size"_s, request.body.size() } };
            HttpResponse response;
            response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
            return response;
        };
        QVERIFY(router.addRoute("GET", u"/v1.0/things/{id}"_s, echo));
        QVERIFY(router.addRoute("PATCH", u"/v1.0/things/{id}"_s, echo));
        QVERIFY(router.addRoute("POST", u"/v1.0/things"_s, echo));
        QVERIFY(router.addRoute("POST", u"/v1.0/things/{id}/cancel"_s, echo));
        QVERIFY(router.addRoute("GET",
                                u"/{version:beta|v1.0}/roleManagement/directory/"
                                "roleAssignmentScheduleRequests/filterByCurrentUser(on={on})"_s,
                                [this](const HttpRequest&, const RouteMatch& match) {
                                    ++m_handlerCalls;
                                    HttpResponse response;
                                    response.body = (match.param(u"version"_s) + u' ' + match.param(u"on"_s)).toUtf8();
                                    response.contentType = "text/plain; charset=utf-8";
                                    return response;
                                }));
        RouteOptions form;
        form.body = RouteOptions::Body::Form;
        QVERIFY(router.addRoute("POST", u"/common/oauth2/v2.0/token"_s, echo, form));
        QVERIFY(router.addRoute("GET", u"/v1.0/throw"_s, [this](const HttpRequest&, const RouteMatch&) -> HttpResponse {
            ++m_handlerCalls;
            throw std::runtime_error("database is on fire");
        }));
        QVERIFY(router.addRoute(
            "GET", u"/v1.0/throwAnything"_s, [this](const HttpRequest&, const RouteMatch&) -> HttpResponse {
                ++m_handlerCalls;
                throw 42;
            }));
        QVERIFY(router.addRoute("GET", u"/v1.0/strange"_s, [](const HttpRequest&, const RouteMatch&) {
            HttpResponse response;
            response.status = 42;
            return response;
        }));
        QVERIFY(router.addRoute("GET", u"/v1.0/headers"_s, [](const HttpRequest&, const RouteMatch&) {
            HttpResponse response;
            response.status = 204;
            response.setHeader("X-Evil", "a\r\nInjected: yes");
            response.setHeader("Content-Length", "999");
            response.setHeader("Location", "/v1.0/things/1");
            response.setHeader("Cache-Control", "private, max-age=60");
            return response;
        }));
        m_server->setHealthCheck([this] { return m_healthy; });

        m_port = m_server->listen(QHostAddress::LocalHost, 0);
        QVERIFY(m_port != 0);
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_nam->setProxy(QNetworkProxy::NoProxy);
        QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }

    void cleanup()
    {
        m_nam.reset();
        m_server.reset();
        m_clock.reset();
    }

    void listenOnAnyFreePort()
    {
        ManualClock clock(Start);
        HttpServer a(clock);
        HttpServer b(clock);
        const quint16 portA = a.listen(QHostAddress::LocalHost, 0);
        const quint16 portB = b.listen(QHostAddress::LocalHost, 0);
        QVERIFY(portA != 0);
        QVERIFY(portB != 0);
        QVERIFY(portA != portB);
        HttpServer c(clock);
        QCOMPARE(c.listen(QHostAddress::LocalHost, portA), quint16(0)); // taken
    }

    void jsonRouteWithStandardHeaders()
    {
        const Reply reply = send("GET", u"/v1.0/things/42?$select=id"_s);
        QCOMPARE(reply.error, QNetworkReply::NoError);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"id"_s).toString(), u"42"_s);
        QCOMPARE(reply.json().value(u"route"_s).toString(), u"/v1.0/things/{id}"_s);
        QCOMPARE(m_lastRequest.query.queryItemValue(u"$select"_s), u"id"_s);
        QCOMPARE(m_lastRequest.remoteAddress, u"127.0.0.1"_s);
        QCOMPARE(m_lastRequest.receivedAt, Start);

        QCOMPARE(reply.header("content-type"), "application/json");
        QCOMPARE(reply.header("cache-control"), "no-store");
        QCOMPARE(reply.header("x-content-type-options"), "nosniff");
        QCOMPARE(reply.header("date"), "Wed, 01 May 2024 12:00:00 GMT"); // the server's clock
        const QByteArray requestId = reply.header("request-id");
        QVERIFY(!QUuid::fromString(QString::fromLatin1(requestId)).isNull());
        QCOMPARE(QString::fromLatin1(requestId), m_lastRequest.requestId);
        // No client-request-id sent: Graph echoes the request id.
        QCOMPARE(reply.header("client-request-id"), requestId);
        QCOMPARE(reply.header("content-length").toInt(), reply.body.size());

        const Reply second = send("GET", u"/v1.0/things/43"_s);
        QVERIFY(second.header("request-id") != requestId);
    }

    void graphFunctionSegmentsOverHttp_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("expected");
        const QString base = u"/roleManagement/directory/roleAssignmentScheduleRequests/"_s;
        QTest::newRow("v1.0 bare") << u"/v1.0"_s + base + u"filterByCurrentUser(on='principal')"_s
                                   << QByteArray("v1.0 principal");
        QTest::newRow("beta sdk") << u"/beta"_s + base + u"microsoft.graph.filterByCurrentUser(on='approver')"_s
                                  << QByteArray("beta approver");
        QTest::newRow("encoded") << u"/v1.0"_s + base + u"filterByCurrentUser(on=%27createdBy%27)"_s
                                 << QByteArray("v1.0 createdBy");
    }
    void graphFunctionSegmentsOverHttp()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, expected);
        const Reply reply = send("GET", path + u"?$filter=status%20eq%20'PendingApproval'"_s);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, expected);
        QCOMPARE(reply.header("content-type"), "text/plain; charset=utf-8");
    }

    void percentEncodedSlashStaysInSegment()
    {
        const Reply reply = send("GET", u"/v1.0/things/a%2Fb%20c"_s);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"id"_s).toString(), u"a/b c"_s);
        QCOMPARE(m_lastRequest.path, u"/v1.0/things/a/b c"_s);
    }

    void clientRequestId_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::addColumn<bool>("echoed");
        QTest::newRow("guid") << QByteArray("5b0c9a0e-3a0d-4d8e-9a51-2f1c7d7f5e11") << true;
        QTest::newRow("token") << QByteArray("sdk.call_7:2") << true;
        QTest::newRow("spaces") << QByteArray("a b") << false;
        QTest::newRow("too long") << QByteArray(129, 'a') << false;
        QTest::newRow("quote") << QByteArray("x\"y") << false;
    }
    void clientRequestId()
    {
        QFETCH(QByteArray, sent);
        QFETCH(bool, echoed);
        const Reply reply = send("GET", u"/v1.0/things/1"_s, {}, { { "client-request-id", sent } });
        QCOMPARE(reply.status, 200);
        const QByteArray requestId = reply.header("request-id");
        QCOMPARE(reply.header("client-request-id"), echoed ? sent : requestId);
        QVERIFY(requestId != sent);
        QCOMPARE(m_lastRequest.clientRequestId, QString::fromLatin1(echoed ? sent : requestId));

        const Reply missing = send("GET", u"/v1.0/nowhere"_s, {}, { { "client-request-id", sent } });
        verifyGraphError(missing, 404, u"ResourceNotFound"_s);
        QCOMPARE(missing.header("client-request-id"), echoed ? sent : missing.header("request-id"));
    }

    void notFoundAndMethodNotAllowed()
    {
        const Reply missing = send("GET", u"/v1.0/roleManagement/nothing"_s);
        verifyGraphError(missing, 404, u"ResourceNotFound"_s);
        QCOMPARE(missing.header("cache-control"), "no-store");

        const Reply wrongMethod = send("DELETE", u"/v1.0/things/7"_s);
        verifyGraphError(wrongMethod, 405, u"MethodNotAllowed"_s);
        QCOMPARE(wrongMethod.header("allow"), "GET, HEAD, PATCH");
        QCOMPARE(m_handlerCalls, 0);
    }

    void graphErrorBodyShape()
    {
        const Reply reply = send("GET", u"/v1.0/nowhere"_s, {}, { { "client-request-id", "abc-123" } });
        QCOMPARE(reply.status, 404);
        const QJsonObject error = reply.graphError();
        QCOMPARE(error.keys(), (QStringList{ u"code"_s, u"innerError"_s, u"message"_s }));
        QCOMPARE(error.value(u"code"_s).toString(), u"ResourceNotFound"_s);
        QCOMPARE(error.value(u"message"_s).toString(), u"Resource not found for the segment 'nowhere'."_s);
        const QJsonObject inner = error.value(u"innerError"_s).toObject();
        QCOMPARE(inner.value(u"date"_s).toString(), u"2024-05-01T12:00:00Z"_s);
        QCOMPARE(inner.value(u"request-id"_s).toString(), QString::fromLatin1(reply.header("request-id")));
        QCOMPARE(inner.value(u"client-request-id"_s).toString(), u"abc-123"_s);
    }

    void headAnswersWithoutBody()
    {
        const Reply reply = send("HEAD", u"/v1.0/things/1"_s);
        QCOMPARE(reply.error, QNetworkReply::NoError);
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.isEmpty());
        QVERIFY(reply.header("content-length").toInt() > 0);
        QCOMPARE(m_handlerCalls, 1);
    }

    void bodyOverLimitIsRejectedWithoutHandler()
    {
        // Three times the limit: big enough to be refused on its Content-Length, small enough to drain
        // well inside the drain time-out on a loaded machine under the sanitizers.
        // Over a raw socket: the answer comes while the client is still sending, and under load
        // QNetworkAccessManager may report the connection's end instead of that answer (status 0).
        const QByteArray huge(3 * MiB, 'x');
        const RawReply reply = sendRaw({ "POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                         "Content-Length: " + QByteArray::number(huge.size()) + "\r\n\r\n",
                                         huge },
                                       20000, hasCompleteResponse);
        QCOMPARE(reply.status(), 413);
        QVERIFY(reply.text.toLower().contains("content-type: application/json"));
        QCOMPARE(GraphCodec::decodeError(reply.body(), 413).code, u"RequestEntityTooLarge"_s);
        QCOMPARE(m_handlerCalls, 0);
        QCOMPARE(m_server->metrics().requestCount(u"/v1.0/things"_s, "POST", 413), 1);

        // The server is still there, and a body at the limit passes.
        const QByteArray atLimit = "\"" + QByteArray(MiB - 2, 'y') + "\"";
        const Reply ok = send("POST", u"/v1.0/things"_s, atLimit, { { "Content-Type", "application/json" } });
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.json().value(u"size"_s).toInt(), int(MiB));
        QCOMPARE(m_handlerCalls, 1);
    }

    void configurableBodyLimit()
    {
        m_server->setMaxBodyBytes(10);
        QCOMPARE(m_server->maxBodyBytes(), qint64(10));
        QCOMPARE(send("PATCH", u"/v1.0/things/1"_s, "{\"a\":12345}", { { "Content-Type", "application/json" } }).status,
                 413);
        QCOMPARE(send("PATCH", u"/v1.0/things/1"_s, "{\"a\":1234}", { { "Content-Type", "application/json" } }).status,
                 200);
        QCOMPARE(m_handlerCalls, 1);
    }

    void chunkedBodyOverLimitIsRejected_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::newRow("just over, caught on the parsed body") << MiB + 4096;
        QTest::newRow("far over, cut off while arriving") << 3 * MiB;
    }
    void chunkedBodyOverLimitIsRejected()
    {
        // No Content-Length to check up front.
        QFETCH(qint64, size);
        QList<QByteArray> chunks{ "POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n" };
        const QByteArray piece(4096, 'z');
        for (qint64 sent = 0; sent < size; sent += piece.size()) {
            chunks.append(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
        }
        chunks.append("0\r\n\r\n");
        const RawReply reply = sendRaw(chunks, 8000, hasCompleteResponse);
        QCOMPARE(reply.status(), 413);
        QCOMPARE(GraphCodec::decodeError(reply.body(), 413).code, u"RequestEntityTooLarge"_s);
        QCOMPARE(m_handlerCalls, 0);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
    }

    void expectContinue()
    {
        // Too large: refused before the client sends the body.
        const RawReply refused = sendRaw({ "POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Content-Length: 20000000\r\nExpect: 100-continue\r\n\r\n" });
        QCOMPARE(refused.status(), 413);
        QVERIFY(!refused.text.contains("100 Continue"));
        QVERIFY(refused.closed);

        // Acceptable: 100 Continue, then the answer once the body follows.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write("POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        QByteArray received;
        QTRY_VERIFY((received += socket.readAll()).contains("\r\n\r\n"));
        QVERIFY(received.startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        QCOMPARE(m_handlerCalls, 0);
        socket.write("{}");
        QTRY_VERIFY((received += socket.readAll()).contains("\"size\":2"));
        QCOMPARE(m_handlerCalls, 1);
    }

    void mediaTypes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("json") << QByteArray("POST") << u"/v1.0/things"_s << QByteArray("application/json")
                              << QByteArray("{}") << 200;
        QTest::newRow("json utf-8") << QByteArray("PATCH") << u"/v1.0/things/1"_s
                                    << QByteArray("application/json; charset=UTF-8") << QByteArray("{}") << 200;
        QTest::newRow("json odata params")
            << QByteArray("POST") << u"/v1.0/things"_s << QByteArray("application/json;odata.metadata=minimal")
            << QByteArray("{}") << 200;
        QTest::newRow("+json suffix") << QByteArray("PATCH") << u"/v1.0/things/1"_s
                                      << QByteArray("application/merge-patch+json") << QByteArray("{}") << 200;
        QTest::newRow("text/plain") << QByteArray("POST") << u"/v1.0/things"_s << QByteArray("text/plain")
                                    << QByteArray("{}") << 415;
        QTest::newRow("form on json route")
            << QByteArray("PATCH") << u"/v1.0/things/1"_s << QByteArray("application/x-www-form-urlencoded")
            << QByteArray("a=b") << 415;
        QTest::newRow("latin-1 json") << QByteArray("POST") << u"/v1.0/things"_s
                                      << QByteArray("application/json; charset=iso-8859-1") << QByteArray("{}") << 415;
        QTest::newRow("no type, body") << QByteArray("POST") << u"/v1.0/things"_s << QByteArray() << QByteArray("{}")
                                       << 415;
        QTest::newRow("no type, no body")
            << QByteArray("POST") << u"/v1.0/things/1/cancel"_s << QByteArray() << QByteArray() << 200;
        QTest::newRow("form route") << QByteArray("POST") << u"/common/oauth2/v2.0/token"_s
                                    << QByteArray("application/x-www-form-urlencoded") << QByteArray("grant_type=x")
                                    << 200;
        QTest::newRow("json on form route") << QByteArray("POST") << u"/common/oauth2/v2.0/token"_s
                                            << QByteArray("application/json") << QByteArray("{}") << 415;
    }
    void mediaTypes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!contentType.isEmpty()) {
            headers.append({ "Content-Type", contentType });
        }
        const Reply reply = send(method, path, body, headers);
        if (status == 415) {
            verifyGraphError(reply, 415, u"UnsupportedMediaType"_s);
            QCOMPARE(m_handlerCalls, 0);
        } else {
            QCOMPARE(reply.status, status);
            QCOMPARE(m_handlerCalls, 1);
        }
    }

    void handlerExceptionBecomes500_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("std::exception") << u"/v1.0/throw"_s;
        QTest::newRow("anything else") << u"/v1.0/throwAnything"_s;
    }
    void handlerExceptionBecomes500()
    {
        QFETCH(QString, path);
        const Reply reply = send("GET", path);
        verifyGraphError(reply, 500, u"UnknownError"_s);
        QCOMPARE(m_handlerCalls, 1);
        QVERIFY(!reply.body.contains("fire")); // the exception text stays in the log
        {
            QMutexLocker lock(&g_logMutex);
            QVERIFY(g_log.join(u'\n').contains(QString::fromLatin1(reply.header("request-id"))));
        }
        // ... and the server keeps serving.
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
        QCOMPARE(send("GET", path).status, 500);
    }

    void invalidStatusBecomes500()
    {
        verifyGraphError(send("GET", u"/v1.0/strange"_s), 500, u"UnknownError"_s);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
    }

    void handlerHeadersAreSanitised()
    {
        const RawReply reply = sendRaw({ "GET /v1.0/headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" });
        QCOMPARE(reply.status(), 204);
        QVERIFY(reply.text.contains("\r\nLocation: /v1.0/things/1\r\n"));
        QVERIFY(reply.text.contains("\r\nCache-Control: private, max-age=60\r\n")); // the handler's choice wins
        QVERIFY(!reply.text.contains("no-store"));
        QVERIFY(!reply.text.contains("Injected"));
        QVERIFY(!reply.text.contains("X-Evil"));
        // The handler's own Content-Length is dropped (a random request id may well contain
        // "999", so look at the header itself).
        QVERIFY(!reply.text.contains("Content-Length: 999"));
        QVERIFY(!reply.text.contains("content-length: 999"));
        QVERIFY(!reply.text.contains("\r\nContent-Type:")); // 204 has no body
        QVERIFY(reply.text.contains("\r\nX-Content-Type-Options: nosniff\r\n"));
        QVERIFY(reply.text.contains("\r\nConnection: close\r\n"));
        QVERIFY(reply.closed);
    }

    void rateLimitAndRecovery()
    {
        m_server->setRateLimit(1, 2); // one per second, bursts of two
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
        QCOMPARE(send("GET", u"/v1.0/things/2"_s).status, 200);
        const Reply limited = send("GET", u"/v1.0/things/3"_s);
        verifyGraphError(limited, 429, u"TooManyRequests"_s);
        QCOMPARE(limited.header("retry-after"), "1");
        QCOMPARE(m_handlerCalls, 2);

        // Unknown paths cost tokens too (no free scanning); health and metrics never do.
        verifyGraphError(send("GET", u"/v1.0/nowhere"_s), 429, u"TooManyRequests"_s);
        QCOMPARE(send("GET", u"/healthz"_s).status, 200);
        QCOMPARE(send("GET", u"/metrics"_s).status, 200);

        // Real time does not refill the bucket; the server's clock does.
        QTest::qWait(50);
        QCOMPARE(send("GET", u"/v1.0/things/4"_s).status, 429);
        m_clock->advanceSeconds(1);
        QCOMPARE(send("GET", u"/v1.0/things/5"_s).status, 200);
        QCOMPARE(send("GET", u"/v1.0/things/6"_s).status, 429);

        m_clock->advanceSeconds(60); // refills to the burst, not beyond
        QCOMPARE(send("GET", u"/v1.0/things/7"_s).status, 200);
        QCOMPARE(send("GET", u"/v1.0/things/8"_s).status, 200);
        QCOMPARE(send("GET", u"/v1.0/things/9"_s).status, 429);
        QCOMPARE(m_handlerCalls, 5);
    }

    void retryAfterCoversTheWait()
    {
        m_server->setRateLimit(0.25, 1); // one token every four seconds
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
        const Reply limited = send("GET", u"/v1.0/things/2"_s);
        QCOMPARE(limited.status, 429);
        const int wait = limited.header("retry-after").toInt();
        QCOMPARE(wait, 4);
        m_clock->advanceSeconds(wait - 1);
        QCOMPARE(send("GET", u"/v1.0/things/3"_s).status, 429);
        m_clock->advanceSeconds(1);
        QCOMPARE(send("GET", u"/v1.0/things/4"_s).status, 200);
    }

    void rateKeyIsPluggable()
    {
        m_server->setRateLimit(1, 1);
        m_server->setRateKey([](const HttpRequest& request) { return QString::fromLatin1(request.header("x-user")); });
        QCOMPARE(send("GET", u"/v1.0/things/1"_s, {}, { { "X-User", "alice" } }).status, 200);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s, {}, { { "X-User", "alice" } }).status, 429);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s, {}, { { "X-User", "bob" } }).status, 200);
        // An empty key falls back to the address, which has a bucket of its own.
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 429);
        QCOMPARE(m_server->rateLimiter().trackedKeys(), 3);
    }

    void metricsCountCalls()
    {
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(send("GET", u"/v1.0/things/%1"_s.arg(i)).status, 200);
        }
        QCOMPARE(send("DELETE", u"/v1.0/things/1"_s).status, 405);
        QCOMPARE(send("GET", u"/v1.0/random/%1"_s.arg(QUuid::createUuid().toString(QUuid::WithoutBraces))).status, 404);
        QVERIFY(m_server->metrics().setGauge(u"elevated_pending_requests"_s, u"Requests waiting for approval."_s, 7));
        QVERIFY(m_server->metrics().setGauge(
            u"elevated_active_assignments"_s, u"Active assignments."_s, 2, { { u"kind"_s, u"group"_s } }));
        QVERIFY(!m_server->metrics().setGauge(u"bad name"_s, u"x"_s, 1));
        QVERIFY(!m_server->metrics().setGauge(u"elevated_http_requests_total"_s, u"x"_s, 1));

        const Reply reply = send("GET", u"/metrics"_s);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
        const QByteArray text = reply.body;
        QVERIFY2(text.contains("# TYPE elevated_http_requests_total counter\n"), text.constData());
        QVERIFY(text.contains(
            "elevated_http_requests_total{route=\"/v1.0/things/{id}\",method=\"GET\",status=\"200\"} 3\n"));
        QVERIFY(text.contains(
            "elevated_http_requests_total{route=\"/v1.0/things/{id}\",method=\"DELETE\",status=\"405\"} 1\n"));
        // Unknown paths share one series rather than one per path.
        QVERIFY(text.contains("elevated_http_requests_total{route=\"(unmatched)\",method=\"GET\",status=\"404\"} 1\n"));
        QVERIFY(!text.contains("/v1.0/random"));
        QVERIFY(text.contains("# TYPE elevated_http_request_duration_seconds histogram\n"));
        QVERIFY(
            text.contains("elevated_http_request_duration_seconds_bucket{route=\"/v1.0/things/{id}\",le=\"0.001\"} "));
        QVERIFY(
            text.contains("elevated_http_request_duration_seconds_bucket{route=\"/v1.0/things/{id}\",le=\"2.5\"} 4\n"));
        QVERIFY(text.contains(
            "elevated_http_request_duration_seconds_bucket{route=\"/v1.0/things/{id}\",le=\"+Inf\"} 4\n"));
        QVERIFY(text.contains("elevated_http_request_duration_seconds_count{route=\"/v1.0/things/{id}\"} 4\n"));
        QVERIFY(text.contains("elevated_http_request_duration_seconds_sum{route=\"/v1.0/things/{id}\"} "));
        QVERIFY(text.contains("# HELP elevated_pending_requests Requests waiting for approval.\n"
                              "# TYPE elevated_pending_requests gauge\nelevated_pending_requests 7\n"));
        QVERIFY(text.contains("elevated_active_assignments{kind=\"group\"} 2\n"));

        // The scrape itself is counted on the next one.
        QVERIFY(
            send("GET", u"/metrics"_s)
                .body.contains("elevated_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"} 1\n"));
    }

    void metricsHistogramsWithoutLabels()
    {
        Metrics metrics;
        const QString name = u"elevated_log_sync_duration_seconds"_s;
        QVERIFY(metrics.observe(name, u"Syncs of the log."_s, 0.0004));
        QVERIFY(metrics.observe(name, u"Syncs of the log."_s, 0.03));
        QVERIFY(metrics.observe(name, u"Syncs of the log."_s, 7.0)); // past the last bucket
        QVERIFY(!metrics.observe(u"bad name"_s, u"x"_s, 1));
        QVERIFY(!metrics.observe(u"elevated_http_request_duration_seconds"_s, u"x"_s, 1));
        // One name, one kind.
        QVERIFY(metrics.setGauge(u"elevated_pending_requests"_s, u"x"_s, 1));
        QVERIFY(!metrics.observe(u"elevated_pending_requests"_s, u"x"_s, 1));
        QVERIFY(!metrics.setGauge(name, u"x"_s, 1));
        const QByteArray text = metrics.exposition();
        QVERIFY2(text.contains("# HELP elevated_log_sync_duration_seconds Syncs of the log.\n"
                               "# TYPE elevated_log_sync_duration_seconds histogram\n"
                               "elevated_log_sync_duration_seconds_bucket{le=\"0.001\"} 1\n"),
                 text.constData());
        QVERIFY(text.contains("elevated_log_sync_duration_seconds_bucket{le=\"0.025\"} 1\n"));
        QVERIFY(text.contains("elevated_log_sync_duration_seconds_bucket{le=\"0.05\"} 2\n"));
        QVERIFY(text.contains("elevated_log_sync_duration_seconds_bucket{le=\"2.5\"} 2\n"));
        QVERIFY(text.contains("elevated_log_sync_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        QVERIFY(text.contains("elevated_log_sync_duration_seconds_sum 7.0304\n"));
        QVERIFY(text.contains("elevated_log_sync_duration_seconds_count 3\n"));
        QCOMPARE(text.count("# TYPE elevated_log_sync_duration_seconds "), 1);
        QVERIFY(!text.contains("elevated_pending_requests_bucket"));
    }

    void metricsEscapingAndSeries()
    {
        Metrics metrics;
        metrics.recordRequest(u"/a\\b\"c\nd"_s, "GET", 200, 0.003);
        metrics.recordRequest(u"/a\\b\"c\nd"_s, "GET", 200, 5.0);
        QVERIFY(
            metrics.setGauge(u"g"_s, u"Help with \\ and\nnewline."_s, 1.5, { { u"b"_s, u"2"_s }, { u"a"_s, u"1"_s } }));
        // The same labels in another order are the same series.
        QVERIFY(
            metrics.setGauge(u"g"_s, u"Help with \\ and\nnewline."_s, 2.5, { { u"a"_s, u"1"_s }, { u"b"_s, u"2"_s } }));
        QVERIFY(!metrics.setGauge(u"g"_s, u"x"_s, 1, { { u"__reserved"_s, u"1"_s } }));
        QVERIFY(!metrics.setGauge(u"9g"_s, u"x"_s, 1));
        const QByteArray text = metrics.exposition();
        QVERIFY2(
            text.contains("elevated_http_requests_total{route=\"/a\\\\b\\\"c\\nd\",method=\"GET\",status=\"200\"} 2\n"),
            text.constData());
        QVERIFY(text.contains("le=\"0.0025\"} 0\n"));
        QVERIFY(text.contains("le=\"0.005\"} 1\n"));
        QVERIFY(text.contains("le=\"2.5\"} 1\n"));
        QVERIFY(text.contains("le=\"+Inf\"} 2\n"));
        QVERIFY(text.contains("_sum{route=\"/a\\\\b\\\"c\\nd\"} 5.003\n"));
        QVERIFY(text.contains("# HELP g Help with \\\\ and\\nnewline.\n"));
        QVERIFY(text.contains("g{a=\"1\",b=\"2\"} 2.5\n"));
        QCOMPARE(text.count("g{a="), 1);
        metrics.removeGauge(u"g"_s, { { u"b"_s, u"2"_s }, { u"a"_s, u"1"_s } });
        QVERIFY(!metrics.exposition().contains("g{a="));
    }

    void rateLimiterEdges()
    {
        ManualClock clock(Start);
        RateLimiter limiter(clock, 2, 2);
        QVERIFY(limiter.take(u"k"_s).allowed);
        QVERIFY(limiter.take(u"k"_s).allowed);
        const RateLimiter::Decision refused = limiter.take(u"k"_s);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfterSeconds, 1); // half a second, rounded up
        // A clock set backwards neither refills nor drains.
        clock.set(Start.plusSeconds(-3600));
        QVERIFY(!limiter.take(u"k"_s).allowed);
        clock.set(Start.plusSeconds(1));
        QVERIFY(limiter.take(u"k"_s).allowed);
        // Off.
        limiter.setLimits(0, 1);
        for (int i = 0; i < 100; ++i) {
            QVERIFY(limiter.take(u"k"_s).allowed);
        }
        QCOMPARE(limiter.trackedKeys(), 0);
    }

    void healthz()
    {
        Reply reply = send("GET", u"/healthz"_s);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{ { u"status"_s, u"ok"_s } }));
        QCOMPARE(reply.header("cache-control"), "no-store");

        m_healthy = false;
        reply = send("GET", u"/healthz"_s);
        QCOMPARE(reply.status, 503);
        QCOMPARE(reply.json().value(u"status"_s).toString(), u"unavailable"_s);

        m_server->setHealthCheck([]() -> bool { throw std::runtime_error("no database"); });
        QCOMPARE(send("GET", u"/healthz"_s).status, 503);
        m_server->setHealthCheck({});
        QCOMPARE(send("GET", u"/healthz"_s).status, 200);
    }

    void malformedHttpOverRawSocket_data()
    {
        // 400/431: the transport's strict reading of the head answers. 0: the head is fine
        // but the chunked body is not; QtHttpServer 6.4 then neither answers nor closes, and
        // the idle timeout ends the connection.
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage line") << QByteArray("THIS IS NOT HTTP\r\n\r\n") << 400;
        QTest::newRow("garbage, head unfinished") << QByteArray("NOT HTTP AT ALL\r\nstill going") << 400;
        QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\xff\r\n\r\n", 18)
                                << 400;
        QTest::newRow("bad version") << QByteArray("GET / HTTP/9.9\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("control char in target")
            << QByteArray("GET /v1.0/things/\x01 HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("header without colon") << QByteArray("GET /v1.0/things/1 HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray("GET /v1.0/things/1 HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
        QTest::newRow("folded header") << QByteArray("GET /v1.0/things/1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n")
                                       << 400;
        QTest::newRow("control char in value")
            << QByteArray("GET /v1.0/things/1 HTTP/1.1\r\nHost: x\x7f\r\n\r\n") << 400;
        QTest::newRow("no host") << QByteArray("GET /v1.0/things/1 HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two hosts") << QByteArray("GET /v1.0/things/1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
        QTest::newRow("content-length not a number")
            << QByteArray("POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n") << 400;
        QTest::newRow("content-lengths disagree")
            << QByteArray("POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
            << 400;
        QTest::newRow("smuggling: length and chunked") << QByteArray(
            "POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1.0/things/2 HTTP/1.1\r\n\r\n")
                                                       << 400;
        QTest::newRow("unknown transfer coding")
            << QByteArray("POST /v1.0/things HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") << 400;
        QTest::newRow("head too large") << QByteArray(
            "GET /v1.0/things/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n")
                                        << 431;
        QTest::newRow("bad chunk") << QByteArray(
            "POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\nzz\r\n")
                                   << 0;
    }
    void malformedHttpOverRawSocket()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        m_server->setIdleTimeout(std::chrono::milliseconds(500));
        const RawReply reply = sendRaw({ bytes }, 4000);
        QVERIFY(reply.closed);
        QCOMPARE(reply.status(), status);
        if (status != 0) {
            const GraphError error = GraphCodec::decodeError(reply.body(), status);
            QCOMPARE(error.code, status == 400 ? u"BadRequest"_s : u"RequestHeaderFieldsTooLarge"_s);
            QVERIFY(!error.requestId.isEmpty());
            QVERIFY(reply.text.contains("\r\nConnection: close\r\n"));
        }
        QCOMPARE(m_handlerCalls, 0);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
        if (status != 0) {
            QVERIFY(m_server->metrics().exposition().contains(
                QByteArray("elevated_http_requests_total{route=\"(invalid)\",method=\"")));
        }
    }

    void clientVanishingMidRequest()
    {
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
            socket.write("POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Content-Length: 100\r\n\r\n{\"a\":");
            QTRY_COMPARE(socket.bytesToWrite(), 0);
            socket.abort();
        }
        QTest::qWait(50);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
        QCOMPARE(m_handlerCalls, 1);
    }

    void keepAliveServesSeveralRequests()
    {
        const QByteArray one = "GET /v1.0/things/1 HTTP/1.1\r\nHost: x\r\n\r\n";
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        QByteArray received;
        for (int i = 1; i <= 3; ++i) {
            socket.write(one);
            QTRY_VERIFY(hasCompleteResponse(received += socket.readAll()));
            QVERIFY(received.startsWith("HTTP/1.1 200 OK\r\n"));
            received.clear();
            QCOMPARE(m_handlerCalls, i);
        }
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void pipelinedRequests()
    {
        // Two requests in one write: both are answered, in order, on the one connection.
        const RawReply reply
            = sendRaw({ "GET /v1.0/things/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                        "PATCH /v1.0/things/2 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 2\r\n\r\n{}" },
                      3000,
                      [](const QByteArray& text) { return text.count("HTTP/1.1 200 OK") == 2; });
        QCOMPARE(reply.text.count("HTTP/1.1 200 OK"), 2);
        QVERIFY(reply.text.indexOf("\"id\":\"1\"") < reply.text.indexOf("\"id\":\"2\""));
        QCOMPARE(m_handlerCalls, 2);
    }

    // Requests that arrive in parts go through Qt's parser, whole ones are served from the
    // transport's own reading: both, in turn, on one connection.
    void requestsInPartsAndWholeShareAConnection()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected(5000));
        QByteArray received;
        auto answers = [&](int n) {
            const bool arrived = QTest::qWaitFor(
                [&] {
                    received += socket.readAll();
                    return received.count("HTTP/1.1 200 OK") >= n;
                },
                5000);
            return arrived ? int(received.count("HTTP/1.1 200 OK")) : -1;
        };
        const QByteArray patch = "PATCH /v1.0/things/7 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 9\r\n\r\n";
        for (const QByteArray& part : { patch.left(5), patch.mid(5, 30), patch.mid(35), QByteArray("{\"a\":"),
                                        QByteArray("123}") }) {
            socket.write(part);
            QVERIFY(socket.waitForBytesWritten(1000));
            QTest::qWait(20);
        }
        QCOMPARE(answers(1), 1);
        socket.write(patch + "{\"a\":456}");
        QCOMPARE(answers(2), 2);
        socket.write("GET /v1.0/things/8 HTTP/1.1\r\nHost: x\r\n\r\n" + patch + "{\"a\":789}");
        QCOMPARE(answers(4), 4);
        QCOMPARE(m_handlerCalls, 4);
        QVERIFY(received.indexOf("\"id\":\"8\"") < received.lastIndexOf("\"id\":\"7\""));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void idleConnectionsAreClosed()
    {
        m_server->setIdleTimeout(std::chrono::milliseconds(200));
        QTcpSocket quiet;
        quiet.connectToHost(QHostAddress::LocalHost, m_port);
        QTRY_COMPARE(quiet.state(), QAbstractSocket::ConnectedState);
        QTRY_COMPARE_WITH_TIMEOUT(quiet.state(), QAbstractSocket::UnconnectedState, 3000);

        // A half-sent request is idle too.
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost, m_port);
        QTRY_COMPARE(slow.state(), QAbstractSocket::ConnectedState);
        slow.write("GET /v1.0/things/1 HTTP/1.1\r\nHo");
        QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 3000);
        QCOMPARE(send("GET", u"/v1.0/things/1"_s).status, 200);
    }

    void logsNeverCarrySecrets()
    {
        const Reply reply = send("POST",
                                 u"/v1.0/things?code=SECRET-QUERY"_s,
                                 "{\"password\":\"SECRET-BODY\"}",
                                 { { "Content-Type", "application/json" },
                                   { "Authorization", "Bearer SECRET-TOKEN" },
                                   { "Cookie", "session=SECRET-COOKIE" } });
        QCOMPARE(reply.status, 200);
        QMutexLocker lock(&g_logMutex);
        const QString log = g_log.join(u'\n');
        QVERIFY2(log.contains(u"POST /v1.0/things 200"_s), qPrintable(log));
        QVERIFY(log.contains(QString::fromLatin1(reply.header("request-id"))));
        QVERIFY(log.contains(u" ms "_s));
        QVERIFY(!log.contains(u"SECRET"_s));
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "TestHttpServer.moc"
