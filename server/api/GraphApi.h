#pragma once

#include "Caller.h"
#include "Http.h"

#include <QUrl>

#include <functional>
#include <optional>

namespace Elevate::Server {

class Engine;
class IdempotencyKeys;
class Router;

// The Microsoft Graph PIM dialect of elevated (graph-contract.md 3-7): registers every route on
// a Router and turns HTTP into Engine calls and Engine results into Graph JSON. Every route
// needs a bearer token; `authenticate` turns the request into a Caller or nothing (401).
class GraphApi final
{
public:
    using Authenticator = std::function<std::optional<Caller>(const HttpRequest&)>;

    GraphApi(Engine& engine, Authenticator authenticate);

    // With keys set, a POST or PATCH carrying an `Idempotency-Key` header is applied once: a
    // repeat gets the first answer again (with `Idempotency-Replayed: true`). Set before
    // registerRoutes().
    void setIdempotencyKeys(IdempotencyKeys* keys) { m_keys = keys; }

    void registerRoutes(Router& router);

    // The scheme and authority nextLinks start with (e.g. "http://127.0.0.1:8443"). When
    // empty, they are built from the request's Host header over http.
    void setPublicBaseUrl(const QUrl& url) { m_baseUrl = url; }

    // Default and maximum page sizes.
    static constexpr int DefaultPageSize = 100;
    static constexpr int MaxPageSize = 999;

private:
    Engine& m_engine;
    Authenticator m_authenticate;
    IdempotencyKeys* m_keys = nullptr;
    QUrl m_baseUrl;
};

} // namespace Elevate::Server
