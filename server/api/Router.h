#pragma once

#include "Http.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <functional>
#include <memory>

namespace Elevate::Server {

// The parameters a route pattern captured from one request path, by name, percent-decoded
// (and, for function arguments, without their quotes).
struct RouteMatch
{
    QString routeName; // the pattern the route was registered with
    QHash<QString, QString> params;

    // Empty when the route has no capture of that name.
    QString param(const QString& name) const { return params.value(name); }
};

using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteMatch&)>;

// What the transport enforces for a route before its handler runs.
struct RouteOptions
{
    // The media type POST, PATCH and PUT bodies must declare (else 415). An empty body with no
    // Content-Type is accepted, so action routes such as `/{id}/cancel` need no body.
    enum class Body { Json, Form, Any };
    Body body = Body::Json;
    // Whether calls count against the caller's rate limit (health and metrics do not).
    bool rateLimited = true;
};

// Dispatches requests over path segments; QtHttpServer 6.4's own router cannot match Graph's
// deep paths (DESIGN.md, "Platform facts").
//
// Pattern syntax, one item per segment:
//   literal                      matched case-insensitively, as Graph does
//   {name}                       captures one whole segment
//   {name:beta|v1.0}             captures one segment that must be one of the alternatives,
//                                e.g. `/{version:beta|v1.0}/roleManagement/...` serves both
//   func(a={x},b='lit')          a Graph function segment: matches `func(a='v',b='lit')` and the
//                                namespace-qualified `microsoft.graph.func(...)`, arguments in any
//                                order; `{x}` captures the unquoted value ('' unescaped to ')
// Request paths are split on '/', then each segment is percent-decoded, so `%2F` stays inside
// its segment. One trailing slash is ignored. When several patterns match a path, the one with
// the most specific segments (literal > function > capture, left to right) wins; if it has no
// route for the method, the answer is 405 with the methods it does have.
//
// Not thread-safe for registration; register everything before the server starts.
class Router final
{
public:
    Router();
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    // Registers `handler` for `method` (upper case, e.g. "GET") on `pattern`. Returns false and
    // registers nothing if the pattern is malformed or the same method + pattern exists.
    bool addRoute(const QByteArray& method, const QString& pattern, RouteHandler handler, RouteOptions options = {});

    struct Result
    {
        enum class Kind { Found, NotFound, MethodNotAllowed };
        Kind kind = Kind::NotFound;
        RouteMatch match; // Found; its routeName also for MethodNotAllowed
        const RouteHandler* handler = nullptr; // Found only; owned by the router
        RouteOptions options; // Found only
        QByteArrayList allowedMethods; // MethodNotAllowed only, sorted
    };

    // Matches `encodedPath` (the request path as sent, percent-escapes intact, no query).
    // HEAD falls back to GET routes.
    Result match(QByteArrayView method, QStringView encodedPath) const;

    // Every registered pattern, in registration order, once each.
    QStringList patterns() const;

private:
    struct Route;
    QList<std::shared_ptr<const Route>> m_routes;
};

} // namespace Elevate::Server
