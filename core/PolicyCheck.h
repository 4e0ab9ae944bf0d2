#pragma once

#include "RolePolicy.h"
#include "ScheduleRequest.h"
#include "Timestamp.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Elevate {

// What the caller's sign-in proves, as far as a policy cares.
struct SessionFacts
{
    bool multiFactor = false;     // the token was issued after a second factor
    QStringList authContexts;     // the `acrs` values the token carries ("c1", ...)
};

// One rule a request breaks: Graph's rule name and a translated sentence saying what to do.
struct PolicyViolation
{
    QString rule;    // "ExpirationRule", "JustificationRule", "TicketingRule", "MfaRule", "AcrsRule", "ScheduleRule"
    QString message; // for the user
    friend bool operator==(const PolicyViolation&, const PolicyViolation&) = default;
};

struct PolicyCheckResult
{
    QList<PolicyViolation> violations;
    bool approvalRequired = false;
    int approvalStages = 0;
    // The schedule the request resolves to: start (now when none was given) and end (null for
    // no expiration). Set even when there are violations, as far as it can be worked out.
    Timestamp effectiveStart;
    Timestamp effectiveEnd;

    bool ok() const { return violations.isEmpty(); }
    bool breaks(QStringView rule) const;
    QStringList ruleNames() const;
    // The message Graph sends with RoleAssignmentRequestPolicyValidationFailed:
    // The following policy rules failed: ["JustificationRule","TicketingRule"]
    QString graphMessage() const;
};

// The one implementation of "does this request satisfy the role's policy": the console calls it
// before sending (to explain what is missing), elevated calls it to enforce. Pure: no clock,
// no I/O; `now` is passed in.
class PolicyCheck final
{
public:
    // Entra caps justifications at 500 characters.
    static constexpr qsizetype MaxJustificationLength = 500;
    // A start this far in the past is still "now" (clock skew between client and server).
    static constexpr std::int64_t StartSkewSeconds = 300;

    // Returns every rule `request` breaks under `policy` at `now`. Self-service actions
    // (selfActivate, selfExtend, selfRenew) are checked against the EndUser_Assignment rules,
    // admin actions against the Admin_Assignment rules, or the Admin_Eligibility rules when
    // `level` is Eligibility. Deactivation and removal break no policy rule.
    static PolicyCheckResult check(const ScheduleRequest& request,
                                   const RolePolicy& policy,
                                   const SessionFacts& session,
                                   const Timestamp& now,
                                   RuleLevel level = RuleLevel::Assignment);
};

} // namespace Elevate
