#include "Enums.h"

#include <array>
#include <string_view>

namespace Elevate {

namespace {

template <typename E>
struct EnumNames;

template <>
struct EnumNames<PimKind>
{
    static constexpr std::array<std::u16string_view, 2> names{
        u"DirectoryRole", u"Group"};
};

template <>
struct EnumNames<MemberType>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"Direct", u"Group", u"Inherited"};
};

template <>
struct EnumNames<AssignmentType>
{
    static constexpr std::array<std::u16string_view, 2> names{
        u"Assigned", u"Activated"};
};

template <>
struct EnumNames<GroupAccess>
{
    static constexpr std::array<std::u16string_view, 2> names{
        u"Member", u"Owner"};
};

template <>
struct EnumNames<RequestAction>
{
    static constexpr std::array<std::u16string_view, 9> names{
        u"adminAssign", u"adminUpdate", u"adminRemove", u"adminExtend", u"adminRenew", u"selfActivate", u"selfDeactivate", u"selfExtend", u"selfRenew"};
};

template <>
struct EnumNames<RequestStatus>
{
    static constexpr std::array<std::u16string_view, 11> names{
        u"Canceled", u"Denied", u"Failed", u"Granted", u"PendingAdminDecision", u"PendingApproval", u"PendingProvisioning", u"PendingScheduleCreation", u"Provisioned", u"Revoked", u"ScheduleCreated"};
};

template <>
struct EnumNames<ExpirationType>
{
    static constexpr std::array<std::u16string_view, 4> names{
        u"notSpecified", u"noExpiration", u"afterDateTime", u"afterDuration"};
};

template <>
struct EnumNames<ApprovalStepStatus>
{
    static constexpr std::array<std::u16string_view, 6> names{
        u"NotStarted", u"Initializing", u"InProgress", u"Completed", u"Expired", u"Escalated"};
};

template <>
struct EnumNames<ReviewResult>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"NotReviewed", u"Approved", u"Denied"};
};

template <>
struct EnumNames<ApprovalVerdict>
{
    static constexpr std::array<std::u16string_view, 2> names{
        u"Approve", u"Deny"};
};

template <>
struct EnumNames<RuleCaller>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"None", u"Admin", u"EndUser"};
};

template <>
struct EnumNames<RuleLevel>
{
    static constexpr std::array<std::u16string_view, 2> names{
        u"Eligibility", u"Assignment"};
};

template <>
struct EnumNames<RuleOperation>
{
    static constexpr std::array<std::u16string_view, 8> names{
        u"All", u"Activate", u"Deactivate", u"Assign", u"Update", u"Remove", u"Extend", u"Renew"};
};

template <>
struct EnumNames<EnablementRequirement>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"MultiFactorAuthentication", u"Justification", u"Ticketing"};
};

template <>
struct EnumNames<ApprovalMode>
{
    static constexpr std::array<std::u16string_view, 4> names{
        u"SingleStage", u"Serial", u"Parallel", u"NoApproval"};
};

template <>
struct EnumNames<PolicyScopeType>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"Directory", u"DirectoryRole", u"Group"};
};

template <>
struct EnumNames<NotificationRecipientType>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"Requestor", u"Approver", u"Admin"};
};

template <>
struct EnumNames<NotificationLevel>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"None", u"Critical", u"All"};
};

template <>
struct EnumNames<SubjectSetKind>
{
    static constexpr std::array<std::u16string_view, 2> names{
        u"singleUser", u"groupMembers"};
};

template <>
struct EnumNames<ReviewDecisionValue>
{
    static constexpr std::array<std::u16string_view, 4> names{
        u"Approve", u"Deny", u"DontKnow", u"NotReviewed"};
};

template <>
struct EnumNames<ReviewRecommendation>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"Approve", u"Deny", u"NoInfoAvailable"};
};

template <>
struct EnumNames<ReviewStatus>
{
    static constexpr std::array<std::u16string_view, 10> names{
        u"Initializing", u"NotStarted", u"Starting", u"InProgress", u"Completing", u"Completed", u"AutoReviewing", u"AutoReviewed", u"Applying", u"Applied"};
};

template <>
struct EnumNames<ApplyResult>
{
    static constexpr std::array<std::u16string_view, 5> names{
        u"New", u"AppliedSuccessfully", u"AppliedWithUnknownFailure", u"AppliedSuccessfullyButObjectNotFound", u"ApplyNotSupported"};
};

template <>
struct EnumNames<AuditResult>
{
    static constexpr std::array<std::u16string_view, 3> names{
        u"success", u"failure", u"timeout"};
};

int indexOf(QStringView text, const std::u16string_view* names, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        const QStringView candidate(names[i].data(), static_cast<qsizetype>(names[i].size()));
        if (text.compare(candidate, Qt::CaseInsensitive) == 0) {
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

} // namespace

template <typename E>
E parseEnum(QStringView text)
{
    const auto& names = EnumNames<E>::names;
    return static_cast<E>(indexOf(text, names.data(), names.size()));
}

template <typename E>
QString enumName(E value)
{
    const auto& names = EnumNames<E>::names;
    const auto index = static_cast<std::size_t>(value);
    if (index == 0 || index > names.size()) {
        return QStringLiteral("unknownFutureValue");
    }
    const std::u16string_view name = names[index - 1];
    return QString(reinterpret_cast<const QChar*>(name.data()), static_cast<qsizetype>(name.size()));
}

template <typename E>
bool isKnownEnumName(QStringView text)
{
    return parseEnum<E>(text) != E::Unknown;
}

template PimKind parseEnum<PimKind>(QStringView);
template QString enumName<PimKind>(PimKind);
template bool isKnownEnumName<PimKind>(QStringView);
template MemberType parseEnum<MemberType>(QStringView);
template QString enumName<MemberType>(MemberType);
template bool isKnownEnumName<MemberType>(QStringView);
template AssignmentType parseEnum<AssignmentType>(QStringView);
template QString enumName<AssignmentType>(AssignmentType);
template bool isKnownEnumName<AssignmentType>(QStringView);
template GroupAccess parseEnum<GroupAccess>(QStringView);
template QString enumName<GroupAccess>(GroupAccess);
template bool isKnownEnumName<GroupAccess>(QStringView);
template RequestAction parseEnum<RequestAction>(QStringView);
template QString enumName<RequestAction>(RequestAction);
template bool isKnownEnumName<RequestAction>(QStringView);
template RequestStatus parseEnum<RequestStatus>(QStringView);
template QString enumName<RequestStatus>(RequestStatus);
template bool isKnownEnumName<RequestStatus>(QStringView);
template ExpirationType parseEnum<ExpirationType>(QStringView);
template QString enumName<ExpirationType>(ExpirationType);
template bool isKnownEnumName<ExpirationType>(QStringView);
template ApprovalStepStatus parseEnum<ApprovalStepStatus>(QStringView);
template QString enumName<ApprovalStepStatus>(ApprovalStepStatus);
template bool isKnownEnumName<ApprovalStepStatus>(QStringView);
template ReviewResult parseEnum<ReviewResult>(QStringView);
template QString enumName<ReviewResult>(ReviewResult);
template bool isKnownEnumName<ReviewResult>(QStringView);
template ApprovalVerdict parseEnum<ApprovalVerdict>(QStringView);
template QString enumName<ApprovalVerdict>(ApprovalVerdict);
template bool isKnownEnumName<ApprovalVerdict>(QStringView);
template RuleCaller parseEnum<RuleCaller>(QStringView);
template QString enumName<RuleCaller>(RuleCaller);
template bool isKnownEnumName<RuleCaller>(QStringView);
template RuleLevel parseEnum<RuleLevel>(QStringView);
template QString enumName<RuleLevel>(RuleLevel);
template bool isKnownEnumName<RuleLevel>(QStringView);
template RuleOperation parseEnum<RuleOperation>(QStringView);
template QString enumName<RuleOperation>(RuleOperation);
template bool isKnownEnumName<RuleOperation>(QStringView);
template EnablementRequirement parseEnum<EnablementRequirement>(QStringView);
template QString enumName<EnablementRequirement>(EnablementRequirement);
template bool isKnownEnumName<EnablementRequirement>(QStringView);
template ApprovalMode parseEnum<ApprovalMode>(QStringView);
template QString enumName<ApprovalMode>(ApprovalMode);
template bool isKnownEnumName<ApprovalMode>(QStringView);
template PolicyScopeType parseEnum<PolicyScopeType>(QStringView);
template QString enumName<PolicyScopeType>(PolicyScopeType);
template bool isKnownEnumName<PolicyScopeType>(QStringView);
template NotificationRecipientType parseEnum<NotificationRecipientType>(QStringView);
template QString enumName<NotificationRecipientType>(NotificationRecipientType);
template bool isKnownEnumName<NotificationRecipientType>(QStringView);
template NotificationLevel parseEnum<NotificationLevel>(QStringView);
template QString enumName<NotificationLevel>(NotificationLevel);
template bool isKnownEnumName<NotificationLevel>(QStringView);
template SubjectSetKind parseEnum<SubjectSetKind>(QStringView);
template QString enumName<SubjectSetKind>(SubjectSetKind);
template bool isKnownEnumName<SubjectSetKind>(QStringView);
template ReviewDecisionValue parseEnum<ReviewDecisionValue>(QStringView);
template QString enumName<ReviewDecisionValue>(ReviewDecisionValue);
template bool isKnownEnumName<ReviewDecisionValue>(QStringView);
template ReviewRecommendation parseEnum<ReviewRecommendation>(QStringView);
template QString enumName<ReviewRecommendation>(ReviewRecommendation);
template bool isKnownEnumName<ReviewRecommendation>(QStringView);
template ReviewStatus parseEnum<ReviewStatus>(QStringView);
template QString enumName<ReviewStatus>(ReviewStatus);
template bool isKnownEnumName<ReviewStatus>(QStringView);
template ApplyResult parseEnum<ApplyResult>(QStringView);
template QString enumName<ApplyResult>(ApplyResult);
template bool isKnownEnumName<ApplyResult>(QStringView);
template AuditResult parseEnum<AuditResult>(QStringView);
template QString enumName<AuditResult>(AuditResult);
template bool isKnownEnumName<AuditResult>(QStringView);

} // namespace Elevate
