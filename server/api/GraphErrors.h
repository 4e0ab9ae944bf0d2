#pragma once

#include "GraphError.h"
#include "Http.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

// Graph error responses (graph-contract.md 2.1): the body
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}} with the
// HTTP status it belongs to. Every error elevated sends goes through here, so the shape and the
// ids a caller quotes to support are always the same. Messages are for logs and "Copy details":
// never put secrets, tokens or request bodies in them.
namespace Elevate::Server::GraphErrors {

// Generic codes the transport and the routes use; PIM-specific codes live in core/GraphError.h.
namespace Codes {
inline constexpr QStringView BadRequest = u"BadRequest";
inline constexpr QStringView Unauthorized = u"InvalidAuthenticationToken";
inline constexpr QStringView Forbidden = u"Authorization_RequestDenied";
inline constexpr QStringView ResourceNotFound = u"ResourceNotFound";
inline constexpr QStringView MethodNotAllowed = u"MethodNotAllowed";
inline constexpr QStringView Conflict = u"Conflict";
inline constexpr QStringView PayloadTooLarge = u"RequestEntityTooLarge";
inline constexpr QStringView UnsupportedMediaType = u"UnsupportedMediaType";
inline constexpr QStringView TooManyRequests = u"TooManyRequests";
inline constexpr QStringView UnknownError = u"UnknownError";
inline constexpr QStringView ServiceUnavailable = u"ServiceUnavailable";
} // namespace Codes

// The error for `request`: its request-id and client-request-id, and its receivedAt time as the
// date (the current UTC time if the request has none), to the second.
GraphError make(const HttpRequest& request, int httpStatus, QStringView code, const QString& message);

// The JSON body of `error` (GraphCodec's writer).
QByteArray body(const GraphError& error);

// A response carrying `error` with its httpStatus and a JSON content type.
HttpResponse response(const GraphError& error);

// make() + response() in one call.
HttpResponse response(const HttpRequest& request, int httpStatus, QStringView code, const QString& message);

HttpResponse badRequest(const HttpRequest& request, const QString& message);
HttpResponse forbidden(const HttpRequest& request, const QString& message);
HttpResponse notFound(const HttpRequest& request, const QString& message = {});
HttpResponse conflict(const HttpRequest& request, const QString& message);
// 405 with an `Allow` header listing `allowedMethods`.
HttpResponse methodNotAllowed(const HttpRequest& request, const QList<QByteArray>& allowedMethods);
HttpResponse payloadTooLarge(const HttpRequest& request, qint64 limitBytes);
HttpResponse unsupportedMediaType(const HttpRequest& request, const QString& expected);
// 429 with `Retry-After: <seconds>` (clamped to at least 1).
HttpResponse tooManyRequests(const HttpRequest& request, int retryAfterSeconds);
// 500 for a failure the caller cannot fix; the message never carries the failure's details.
HttpResponse internalError(const HttpRequest& request);

} // namespace Elevate::Server::GraphErrors
