#pragma once

#include "Timestamp.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <utility>

namespace Elevate::Server {

// A request as the server's handlers see it, independent of the HTTP library: the transport
// (QtHttpServer today) converts to and from these, so handlers are plain functions that tests
// can call directly.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", "PATCH", ...
    QString path; // decoded path, without the query
    QUrlQuery query; // decoded query parameters
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString remoteAddress;
    QString requestId; // assigned by the transport, echoed as `request-id`
    QString clientRequestId; // the caller's valid `client-request-id`, else requestId
    Timestamp receivedAt; // the server clock when the transport accepted the request

    // Case-insensitive header lookup; empty when absent.
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

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    void setHeader(const QByteArray& name, const QByteArray& value)
    {
        for (auto& [key, v] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0) {
                v = value;
                return;
            }
        }
        headers.append({ name, value });
    }
};

} // namespace Elevate::Server
