#include "PolicyCheck.h"

#include <QCoreApplication>

namespace Elevate {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("PolicyCheck", text);
}

enum class Caller { EndUser, Admin, None };

Caller callerOf(RequestAction action)
{
    switch (action) {
    case RequestAction::SelfActivate:
    case RequestAction::SelfExtend:
    case RequestAction::SelfRenew:
        return Caller::EndUser;
    case RequestAction::AdminAssign:
    case RequestAction::AdminUpdate:
    case RequestAction::AdminExtend:
    case RequestAction::AdminRenew:
        return Caller::Admin;
    case RequestAction::SelfDeactivate:
    case RequestAction::AdminRemove:
    case RequestAction::Unknown:
        return Caller::None;
    }
    return Caller::None;
}

void add(PolicyCheckResult& result, const QString& rule, const QString& message)
{
    result.violations << PolicyViolation{rule, message};
}

} // namespace

bool PolicyCheckResult::breaks(QStringView rule) const
{
    for (const PolicyViolation& v : violations) {
        if (v.rule == rule) {
            return true;
        }
    }
    return false;
}

QStringList PolicyCheckResult::ruleNames() const
{
    QStringList names;
    for (const PolicyViolation& v : violations) {
        if (!names.contains(v.rule)) {
            names << v.rule;
        }
    }
    return names;
}

QString PolicyCheckResult::graphMessage() const
{
    QStringList quoted;
    for (const QString& name : ruleNames()) {
        quoted << u'"' + name + u'"';
    }
    return QStringLiteral("The following policy rules failed: [") + quoted.join(u',') + u']';
}

PolicyCheckResult PolicyCheck::check(const ScheduleRequest& request,
                                     const RolePolicy& policy,
                                     const SessionFacts& session,
                                     const Timestamp& now,
                                     RuleLevel level)
{
    PolicyCheckResult result;
    const Caller caller = callerOf(request.action);
    const Timestamp start =
        request.scheduleInfo && !request.scheduleInfo->startDateTime.isNull() ? request.scheduleInfo->startDateTime : now;
    result.effectiveStart = start;
    if (caller == Caller::None) {
        return result;
    }

    const bool endUser = caller == Caller::EndUser;
    const bool eligibility = !endUser && level == RuleLevel::Eligibility;
    const ExpirationRule* expirationRule = policy.expirationRule(
        endUser ? RuleIds::ExpirationEndUserAssignment
                : (eligibility ? RuleIds::ExpirationAdminEligibility : RuleIds::ExpirationAdminAssignment));
    const EnablementRule* enablementRule = policy.enablementRule(
        endUser ? RuleIds::EnablementEndUserAssignment
                : (eligibility ? RuleIds::EnablementAdminEligibility : RuleIds::EnablementAdminAssignment));

    // Schedule: a start meaningfully in the past is refused, whoever asks.
    if (start < now.plusSeconds(-StartSkewSeconds)) {
        add(result, QStringLiteral("ScheduleRule"), tr("The start time is in the past. Start now or pick a later time."));
    }

    // Expiration.
    const Expiration expiration = request.scheduleInfo ? request.scheduleInfo->expiration : Expiration{};
    const std::optional<IsoDuration> maximum = expirationRule ? expirationRule->maximumDuration : std::nullopt;
    const bool expirationRequired = expirationRule && expirationRule->isExpirationRequired;
    const QString expirationName = QStringLiteral("ExpirationRule");
    switch (expiration.type) {
    case ExpirationType::NotSpecified:
        // Not saying how long means "as long as the policy allows".
        if (maximum) {
            result.effectiveEnd = start.plus(*maximum);
        } else if (expirationRequired) {
            add(result, expirationName, tr("Choose how long the access should last."));
        }
        break;
    case ExpirationType::NoExpiration:
        if (expirationRequired || (endUser && maximum)) {
            add(result, expirationName, tr("This role's access must end. Choose a duration."));
        }
        break;
    case ExpirationType::AfterDuration:
        if (!expiration.duration || expiration.duration->isZero()) {
            add(result, expirationName, tr("Choose how long the access should last."));
        } else {
            result.effectiveEnd = start.plus(*expiration.duration);
            if (maximum && *expiration.duration > *maximum) {
                add(result,
                    expirationName,
                    tr("The duration is longer than this role allows (at most %1).").arg(maximum->toDisplay()));
            }
        }
        break;
    case ExpirationType::AfterDateTime:
        if (expiration.endDateTime.isNull()) {
            add(result, expirationName, tr("Choose when the access should end."));
        } else if (expiration.endDateTime <= start) {
            result.effectiveEnd = expiration.endDateTime;
            add(result, expirationName, tr("The end time must be after the start time."));
        } else {
            result.effectiveEnd = expiration.endDateTime;
            if (maximum && start.plus(*maximum) < expiration.endDateTime) {
                add(result,
                    expirationName,
                    tr("The access would last longer than this role allows (at most %1).").arg(maximum->toDisplay()));
            }
        }
        break;
    case ExpirationType::Unknown:
        add(result, expirationName, tr("The requested expiration type is not supported."));
        break;
    }

    // Approval (end users only): not a violation, but the caller needs to know, and an
    // approval rule may demand a justification of its own.
    bool justificationRequired = enablementRule && enablementRule->demands(EnablementRequirement::Justification);
    if (endUser) {
        if (const ApprovalRule* approval = policy.approvalRule(RuleIds::ApprovalEndUserAssignment)) {
            const bool extension =
                request.action == RequestAction::SelfExtend || request.action == RequestAction::SelfRenew;
            result.approvalRequired =
                extension ? approval->isApprovalRequiredForExtension : approval->isApprovalRequired;
            if (result.approvalRequired) {
                result.approvalStages = static_cast<int>(approval->approvalStages.size());
                justificationRequired = justificationRequired || approval->isRequestorJustificationRequired;
            }
        }
    }

    // Justification.
    const QString justification = request.justification.trimmed();
    if (justificationRequired && justification.isEmpty()) {
        add(result, QStringLiteral("JustificationRule"), tr("Give a justification for this request."));
    } else if (justification.size() > MaxJustificationLength) {
        add(result,
            QStringLiteral("JustificationRule"),
            tr("The justification is too long (at most %1 characters).").arg(MaxJustificationLength));
    }

    // Ticket.
    if (enablementRule && enablementRule->demands(EnablementRequirement::Ticketing)
        && (request.ticketInfo.ticketNumber.trimmed().isEmpty() || request.ticketInfo.ticketSystem.trimmed().isEmpty())) {
        add(result, QStringLiteral("TicketingRule"), tr("Enter the ticket system and ticket number."));
    }

    // Multi-factor authentication.
    if (enablementRule && enablementRule->demands(EnablementRequirement::MultiFactorAuthentication)
        && !session.multiFactor) {
        add(result, QStringLiteral("MfaRule"), tr("Sign in again with multi-factor authentication to continue."));
    }

    // Authentication context (end-user activation only, as in Entra).
    if (endUser) {
        const AuthenticationContextRule* acrs =
            policy.authenticationContextRule(RuleIds::AuthenticationContextEndUserAssignment);
        if (acrs && acrs->isEnabled && !acrs->claimValue.isEmpty() && !session.authContexts.contains(acrs->claimValue)) {
            add(result,
                QStringLiteral("AcrsRule"),
                tr("This role needs a stronger sign-in (authentication context \"%1\"). Sign in again to continue.")
                    .arg(acrs->claimValue));
        }
    }
    return result;
}

} // namespace Elevate
