#include "RolePolicy.h"

namespace Elevate {

namespace {

template <typename Rule>
const Rule* findRule(const QList<Rule>& rules, QStringView ruleId)
{
    for (const Rule& rule : rules) {
        if (QStringView(rule.id).compare(ruleId, Qt::CaseInsensitive) == 0) {
            return &rule;
        }
    }
    return nullptr;
}

} // namespace

const ExpirationRule* RolePolicy::expirationRule(QStringView ruleId) const
{
    return findRule(expirationRules, ruleId);
}

const EnablementRule* RolePolicy::enablementRule(QStringView ruleId) const
{
    return findRule(enablementRules, ruleId);
}

const ApprovalRule* RolePolicy::approvalRule(QStringView ruleId) const
{
    return findRule(approvalRules, ruleId);
}

const AuthenticationContextRule* RolePolicy::authenticationContextRule(QStringView ruleId) const
{
    return findRule(authenticationContextRules, ruleId);
}

} // namespace Elevate
