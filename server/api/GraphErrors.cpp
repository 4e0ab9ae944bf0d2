#include "GraphErrors.h"

#include "GraphCodec.h"
#include "Timestamp.h"

#include <QDateTime>

#include <algorithm>

namespace Elevate::Server::GraphErrors {

GraphError make(const HttpRequest& request, int httpStatus, QStringView code, const QString& message)
{
    GraphError error;
    error.httpStatus = httpStatus;
    error.code = code.toString();
    error.message = message;
    error.requestId = request.requestId;
    error.clientRequestId = request.clientRequestId.isEmpty() ? request.requestId : request.clientRequestId;
    // Graph prints the date to the second.
    const std::int64_t seconds
        = request.receivedAt.isNull() ? QDateTime::currentSecsSinceEpoch() : request.receivedAt.secsSinceEpoch();
    error.date = Timestamp::fromSecsSinceEpoch(seconds).toIso();
    return error;
}

QByteArray body(const GraphError& error)
{
    return GraphCodec::serialize(GraphCodec::toJson(error));
}

HttpResponse response(const GraphError& error)
{
    HttpResponse out;
    out.status = error.httpStatus;
    out.contentType = QByteArrayLiteral("application/json");
    out.body = body(error);
    return out;
}

HttpResponse response(const HttpRequest& request, int httpStatus, QStringView code, const QString& message)
{
    return response(make(request, httpStatus, code, message));
}

HttpResponse badRequest(const HttpRequest& request, const QString& message)
{
    return response(request, 400, Codes::BadRequest, message);
}

HttpResponse forbidden(const HttpRequest& request, const QString& message)
{
    return response(request, 403, Codes::Forbidden, message);
}

HttpResponse notFound(const HttpRequest& request, const QString& message)
{
    return response(request,
                    404,
                    Codes::ResourceNotFound,
                    message.isEmpty() ? QStringLiteral("Resource not found for the segment.") : message);
}

HttpResponse conflict(const HttpRequest& request, const QString& message)
{
    return response(request, 409, Codes::Conflict, message);
}

HttpResponse methodNotAllowed(const HttpRequest& request, const QList<QByteArray>& allowedMethods)
{
    HttpResponse out = response(request,
                                405,
                                Codes::MethodNotAllowed,
                                QStringLiteral("The HTTP method '%1' is not allowed on this resource.")
                                    .arg(QString::fromLatin1(request.method)));
    out.setHeader(QByteArrayLiteral("Allow"), allowedMethods.join(", "));
    return out;
}

HttpResponse payloadTooLarge(const HttpRequest& request, qint64 limitBytes)
{
    return response(request,
                    413,
                    Codes::PayloadTooLarge,
                    QStringLiteral("The request body exceeds the limit of %1 bytes.").arg(limitBytes));
}

HttpResponse unsupportedMediaType(const HttpRequest& request, const QString& expected)
{
    return response(request,
                    415,
                    Codes::UnsupportedMediaType,
                    QStringLiteral("The request body must be sent as %1.").arg(expected));
}

HttpResponse tooManyRequests(const HttpRequest& request, int retryAfterSeconds)
{
    const int seconds = std::max(1, retryAfterSeconds);
    HttpResponse out = response(request,
                                429,
                                Codes::TooManyRequests,
                                QStringLiteral("Too many requests. Retry after %1 seconds.").arg(seconds));
    out.setHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(seconds));
    return out;
}

HttpResponse internalError(const HttpRequest& request)
{
    return response(request,
                    500,
                    Codes::UnknownError,
                    QStringLiteral("An internal server error occurred. Quote the request-id to support."));
}

} // namespace Elevate::Server::GraphErrors
