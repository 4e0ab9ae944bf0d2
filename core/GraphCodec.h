#pragma once

#include "AccessReview.h"
#include "ActiveAssignment.h"
#include "Approval.h"
#include "AuditEvent.h"
#include "Eligibility.h"
#include "GraphError.h"
#include "Page.h"
#include "Result.h"
#include "RoleDefinition.h"
#include "RolePolicy.h"
#include "ScheduleRequest.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

#include <nlohmann/json.hpp>

// The Graph-dialect JSON codec shared by the console and elevated (graph-contract.md).
//
// Reading is tolerant where Graph is loose and strict where a mistake would mislead:
//  - unknown fields are ignored, missing optional fields and `null` take their defaults;
//  - enum strings compare case-insensitively and unknown values become Unknown;
//  - timestamps take 0-7 fractional digits; durations are ISO-8601 (IsoDuration);
//  - a value of the wrong JSON type, a missing required field, a string over MaxStringBytes,
//    a document over MaxDocumentBytes or nested deeper than MaxDepth is a CodecError naming
//    the path. Nothing throws out of these functions.
// Writing gives the shapes of the contract, omitting fields that hold no value.
namespace Elevate::GraphCodec {

inline constexpr qsizetype MaxDocumentBytes = 32 * 1024 * 1024;
inline constexpr qsizetype MaxStringBytes = 64 * 1024;
inline constexpr int MaxDepth = 64;

// Parses bytes into a JSON tree within the limits above.
Result<nlohmann::json> parse(QByteArrayView bytes);

// The checks parse() makes before reading a byte of JSON (document size, empty document,
// nesting depth), for decoders that do not build a tree.
std::optional<CodecError> checkLimits(QByteArrayView bytes);

// Reads one resource from an already parsed tree.
template <typename T>
Result<T> fromJson(const nlohmann::json& json);

// Reads a collection page ({"@odata.context", "@odata.count", "@odata.nextLink", "value"}).
template <typename T>
Result<Page<T>> pageFromJson(const nlohmann::json& json);

template <typename T>
Result<T> decode(QByteArrayView bytes)
{
    Result<nlohmann::json> tree = parse(bytes);
    if (!tree) {
        return tree.error();
    }
    return fromJson<T>(*tree);
}

template <typename T>
Result<Page<T>> decodePage(QByteArrayView bytes)
{
    Result<nlohmann::json> tree = parse(bytes);
    if (!tree) {
        return tree.error();
    }
    return pageFromJson<T>(*tree);
}

// An audit page read straight from the bytes by a SAX handler (AuditPageDecoder.cpp): the same
// page and the same CodecError as pageFromJson<AuditEvent>(parse(bytes)) for any input whose
// first problem is unambiguous, several times faster and without the tree's memory. (With two
// problems in one event the tree reports the one its reader looks at first, this decoder the
// one that comes first in the document; a member given twice with a wrong type first is an
// error here, while the tree keeps only the last.) decodePage<AuditEvent> uses it.
Result<Page<AuditEvent>> decodeAuditPage(QByteArrayView bytes);

template <>
inline Result<Page<AuditEvent>> decodePage<AuditEvent>(QByteArrayView bytes)
{
    return decodeAuditPage(bytes);
}

// Reads a Graph error body, or an OAuth error body ({"error":"invalid_grant",
// "error_description":...}). `httpStatus` is copied into the result. Bodies that are neither
// still give a GraphError whose code names the status, so callers always get one.
GraphError decodeError(QByteArrayView bytes, int httpStatus);

nlohmann::json toJson(const Identity& value);
nlohmann::json toJson(const GroupInfo& value);
nlohmann::json toJson(const RoleDefinition& value);
nlohmann::json toJson(const Eligibility& value);
nlohmann::json toJson(const ActiveAssignment& value);
nlohmann::json toJson(const ScheduleRequest& value);
nlohmann::json toJson(const ApprovalStep& value, Approval::Dialect dialect);
nlohmann::json toJson(const Approval& value);
nlohmann::json toJson(const ApprovalDecision& value);
nlohmann::json toJson(const RolePolicy& value);
nlohmann::json toJson(const RolePolicyAssignment& value);
nlohmann::json toJson(const AccessReviewDefinition& value);
nlohmann::json toJson(const AccessReviewInstance& value);
nlohmann::json toJson(const ReviewDecision& value);
nlohmann::json toJson(const ReviewDecisionUpdate& value);
nlohmann::json toJson(const BatchRecordDecisions& value);
nlohmann::json toJson(const AuditEvent& value);
nlohmann::json toJson(const GraphError& value);

template <typename T>
nlohmann::json toJson(const Page<T>& page)
{
    nlohmann::json out = nlohmann::json::object();
    if (!page.context.isEmpty()) {
        out["@odata.context"] = page.context.toStdString();
    }
    if (page.count) {
        out["@odata.count"] = *page.count;
    }
    nlohmann::json items = nlohmann::json::array();
    for (const T& item : page.value) {
        items.push_back(toJson(item));
    }
    out["value"] = std::move(items);
    if (!page.nextLink.isEmpty()) {
        out["@odata.nextLink"] = page.nextLink.toStdString();
    }
    return out;
}

// Serialises compactly as UTF-8. Never throws: invalid UTF-16 is replaced.
QByteArray serialize(const nlohmann::json& json);

template <typename T>
QByteArray encode(const T& value)
{
    return serialize(toJson(value));
}

// The same bytes as encode(event), written straight from the struct without building a JSON
// tree (keys in the tree's sorted order, strings escaped as its dump escapes them): the server
// encodes every audit record it appends, and the tree cost more than the record's INSERT.
QByteArray encodeAuditEvent(const AuditEvent& event);

// The same bytes as encode(request) with "@odata.context" (left out when null) added, written
// straight from the struct like encodeAuditEvent(): the answer to every activation. Nothing when
// the request carries expanded objects (roleDefinition, principal, group): encode() those.
std::optional<QByteArray> encodeScheduleRequest(const ScheduleRequest& request, const QString& odataContext);

} // namespace Elevate::GraphCodec
