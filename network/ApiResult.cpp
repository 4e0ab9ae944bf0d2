#include "ApiResult.h"

namespace Elevate {

QString apiErrorKindName(ApiErrorKind kind)
{
    switch (kind) {
    case ApiErrorKind::None:
        return QStringLiteral("none");
    case ApiErrorKind::Unreachable:
        return QStringLiteral("unreachable");
    case ApiErrorKind::Timeout:
        return QStringLiteral("timeout");
    case ApiErrorKind::Canceled:
        return QStringLiteral("canceled");
    case ApiErrorKind::Tls:
        return QStringLiteral("tls");
    case ApiErrorKind::Unauthorized:
        return QStringLiteral("unauthorized");
    case ApiErrorKind::Forbidden:
        return QStringLiteral("forbidden");
    case ApiErrorKind::NotFound:
        return QStringLiteral("notFound");
    case ApiErrorKind::Conflict:
        return QStringLiteral("conflict");
    case ApiErrorKind::Throttled:
        return QStringLiteral("throttled");
    case ApiErrorKind::ClaimsChallenge:
        return QStringLiteral("claimsChallenge");
    case ApiErrorKind::PolicyViolation:
        return QStringLiteral("policyViolation");
    case ApiErrorKind::Refused:
        return QStringLiteral("refused");
    case ApiErrorKind::ServerError:
        return QStringLiteral("serverError");
    case ApiErrorKind::InvalidResponse:
        return QStringLiteral("invalidResponse");
    case ApiErrorKind::Redirect:
        return QStringLiteral("redirect");
    }
    return {};
}

ApiErrorKind ApiResult::classify(int status, const GraphError& error)
{
    if (error.code == GraphErrorCodes::AcrsValidationFailed || error.code == GraphErrorCodes::GroupAcrsValidationFailed) {
        return ApiErrorKind::ClaimsChallenge;
    }
    if (error.code == GraphErrorCodes::PolicyValidationFailed) {
        return ApiErrorKind::PolicyViolation;
    }
    if (status == 401) {
        return ApiErrorKind::Unauthorized;
    }
    if (status == 403) {
        return error.code == u"insufficient_claims" ? ApiErrorKind::ClaimsChallenge : ApiErrorKind::Forbidden;
    }
    if (status == 404) {
        return ApiErrorKind::NotFound;
    }
    if (status == 409) {
        return ApiErrorKind::Conflict;
    }
    if (status == 429 || status == 503 || status == 504) {
        return ApiErrorKind::Throttled;
    }
    if (status >= 500) {
        return ApiErrorKind::ServerError;
    }
    return ApiErrorKind::Refused;
}

QString ApiResult::describe() const
{
    QString s = QStringLiteral("HTTP %1 %2").arg(httpStatus).arg(apiErrorKindName(kind));
    if (!error.code.isEmpty()) {
        s += QStringLiteral(" code=") + error.code;
    }
    const QString rid = requestId.isEmpty() ? error.requestId : requestId;
    if (!rid.isEmpty()) {
        s += QStringLiteral(" request-id=") + rid;
    }
    if (!clientRequestId.isEmpty()) {
        s += QStringLiteral(" client-request-id=") + clientRequestId;
    }
    if (!detail.isEmpty()) {
        s += QStringLiteral(" (") + detail + u')';
    }
    return s;
}

} // namespace Elevate
