#pragma once

#include "GraphError.h"

#include <QByteArray>
#include <QString>

#include <chrono>

#include <nlohmann/json.hpp>

namespace Elevate {

// What kind of failure a call ended in; callers switch on this (and on error.code for the PIM
// codes of graph-contract.md §3.6), never on message text.
enum class ApiErrorKind {
    None,
    Unreachable,      // DNS, refused, reset, no route: the backend could not be reached
    Timeout,          // the transfer timeout passed
    Canceled,         // cancel() or the job was destroyed
    Tls,              // certificate or handshake failure (never ignored)
    Unauthorized,     // 401 (after the one refresh) or no usable token
    Forbidden,        // 403
    NotFound,         // 404
    Conflict,         // 409 (e.g. an approval step already decided)
    Throttled,        // 429/503/504 that outlasted the retry policy
    ClaimsChallenge,  // *AcrsValidationFailed: sign in again with error.claimsChallenge()
    PolicyViolation,  // RoleAssignmentRequestPolicyValidationFailed: error.failedRules()
    Refused,          // any other 4xx: the server understood and said no
    ServerError,      // other 5xx
    InvalidResponse,  // the body could not be decoded
    Redirect,         // a redirect to another host or to plain http was refused
};

QString apiErrorKindName(ApiErrorKind kind);

// The outcome of one ApiJob (after its retries): HTTP status, typed error, the server's request
// id, the raw and the parsed body.
struct ApiResult
{
    int httpStatus = 0;
    ApiErrorKind kind = ApiErrorKind::None;
    GraphError error;             // filled for HTTP errors (code, message, request ids)
    QString requestId;            // response header request-id (or x-ms-request-id)
    QString clientRequestId;      // the id we sent
    QByteArray body;
    nlohmann::json json;          // null when the body is empty, not JSON, or not asked to be parsed
    QString detail;               // transport error text / decode error, already redacted
    int attempts = 0;
    std::chrono::milliseconds retryAfter{0}; // the last Retry-After, when throttled

    bool ok() const { return kind == ApiErrorKind::None; }
    // One line for logs and "Copy details": status, code, request id. Never a token.
    QString describe() const;

    // Classifies a finished HTTP answer (status >= 400) from its status and Graph error.
    static ApiErrorKind classify(int httpStatus, const GraphError& error);
};

} // namespace Elevate
