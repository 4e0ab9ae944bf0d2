#pragma once

// What the codec tests and the codec fuzzer share: how to compare a value with its round trip,
// and how to reach a resource type by name from data-driven tests.

#include "GraphCodec.h"

#include <QStringView>

#include <optional>

namespace CodecTestSupport {

// Writing a policy leaves rules of unknown types out (RolePolicy.h), so a round trip keeps
// everything but unknownRuleIds.
template <typename T>
T normalized(T value)
{
    return value;
}

template <>
inline Elevate::RolePolicy normalized(Elevate::RolePolicy value)
{
    value.unknownRuleIds.clear();
    return value;
}

template <>
inline Elevate::RolePolicyAssignment normalized(Elevate::RolePolicyAssignment value)
{
    if (value.policy) {
        value.policy->unknownRuleIds.clear();
    }
    return value;
}

// Calls f.template operator()<T>() for the resource type named `kind` ("Eligibility", ...),
// e.g. with a lambda `[&]<typename T>() { ... }`; nullopt for a name it does not know.
template <typename F>
auto visitResource(QStringView kind, F&& f) -> std::optional<decltype(f.template operator()<Elevate::RoleDefinition>())>
{
    using namespace Elevate;
    if (kind == u"RoleDefinition") {
        return f.template operator()<RoleDefinition>();
    }
    if (kind == u"Eligibility") {
        return f.template operator()<Eligibility>();
    }
    if (kind == u"ActiveAssignment") {
        return f.template operator()<ActiveAssignment>();
    }
    if (kind == u"ScheduleRequest") {
        return f.template operator()<ScheduleRequest>();
    }
    if (kind == u"Approval") {
        return f.template operator()<Approval>();
    }
    if (kind == u"ApprovalDecision") {
        return f.template operator()<ApprovalDecision>();
    }
    if (kind == u"RolePolicy") {
        return f.template operator()<RolePolicy>();
    }
    if (kind == u"RolePolicyAssignment") {
        return f.template operator()<RolePolicyAssignment>();
    }
    if (kind == u"AccessReviewDefinition") {
        return f.template operator()<AccessReviewDefinition>();
    }
    if (kind == u"AccessReviewInstance") {
        return f.template operator()<AccessReviewInstance>();
    }
    if (kind == u"ReviewDecision") {
        return f.template operator()<ReviewDecision>();
    }
    if (kind == u"ReviewDecisionUpdate") {
        return f.template operator()<ReviewDecisionUpdate>();
    }
    if (kind == u"BatchRecordDecisions") {
        return f.template operator()<BatchRecordDecisions>();
    }
    if (kind == u"AuditEvent") {
        return f.template operator()<AuditEvent>();
    }
    if (kind == u"GraphError") {
        return f.template operator()<GraphError>();
    }
    return std::nullopt;
}

} // namespace CodecTestSupport
