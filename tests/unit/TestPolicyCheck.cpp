#include "GraphError.h"
#include "PolicyCheck.h"

#include <QTest>

using namespace Elevate;

namespace {

Timestamp at(const char* iso)
{
    return *Timestamp::fromIso(QString::fromLatin1(iso));
}

const Timestamp Now = at("2026-03-02T10:00:00Z");

// A policy like the demo's Global Administrator: max 2 h, justification + ticket + MFA,
// approval by one stage, authentication context c1.
RolePolicy strictPolicy()
{
    RolePolicy p;
    p.id = QStringLiteral("policy-ga");
    p.expirationRules << ExpirationRule{QStringLiteral("Expiration_EndUser_Assignment"), {}, true,
                                        IsoDuration::fromHours(2)};
    p.enablementRules << EnablementRule{QStringLiteral("Enablement_EndUser_Assignment"),
                                        {},
                                        {EnablementRequirement::Justification, EnablementRequirement::Ticketing,
                                         EnablementRequirement::MultiFactorAuthentication}};
    ApprovalRule approval;
    approval.id = QStringLiteral("Approval_EndUser_Assignment");
    approval.isApprovalRequired = true;
    approval.approvalStages << ApprovalStage{};
    p.approvalRules << approval;
    p.authenticationContextRules << AuthenticationContextRule{
        QStringLiteral("AuthenticationContext_EndUser_Assignment"), {}, true, QStringLiteral("c1")};
    p.expirationRules << ExpirationRule{QStringLiteral("Expiration_Admin_Assignment"), {}, false,
                                        IsoDuration::fromSeconds(180 * 86400)};
    p.enablementRules << EnablementRule{QStringLiteral("Enablement_Admin_Assignment"),
                                        {},
                                        {EnablementRequirement::Justification}};
    p.expirationRules << ExpirationRule{QStringLiteral("Expiration_Admin_Eligibility"), {}, true,
                                        IsoDuration::fromSeconds(365 * 86400)};
    return p;
}

RolePolicy lenientPolicy()
{
    RolePolicy p;
    p.id = QStringLiteral("policy-reader");
    p.expirationRules << ExpirationRule{QStringLiteral("Expiration_EndUser_Assignment"), {}, true,
                                        IsoDuration::fromHours(8)};
    p.enablementRules << EnablementRule{QStringLiteral("Enablement_EndUser_Assignment"), {}, {}};
    return p;
}

ScheduleRequest activation(IsoDuration duration)
{
    ScheduleRequest r;
    r.action = RequestAction::SelfActivate;
    r.principalId = QStringLiteral("user-1");
    r.roleDefinitionId = QStringLiteral("62e90394-69f5-4237-9190-012177145e10");
    r.directoryScopeId = QStringLiteral("/");
    ScheduleInfo s;
    s.expiration.type = ExpirationType::AfterDuration;
    s.expiration.duration = duration;
    r.scheduleInfo = s;
    return r;
}

ScheduleRequest completeActivation()
{
    ScheduleRequest r = activation(IsoDuration::fromHours(1));
    r.justification = QStringLiteral("Rotate the break-glass credentials, change CHG-1042");
    r.ticketInfo = {QStringLiteral("CHG-1042"), QStringLiteral("ServiceNow")};
    return r;
}

const SessionFacts StrongSession{true, {QStringLiteral("c1")}};

} // namespace

class TestPolicyCheck final : public QObject
{
    Q_OBJECT

private slots:
    void completeRequestPasses();
    void eachRuleAlone_data();
    void eachRuleAlone();
    void everyRuleAtOnce();
    void durationBoundaries_data();
    void durationBoundaries();
    void endDateTime();
    void notSpecifiedUsesMaximum();
    void noExpirationRefused();
    void startInPastAndFuture();
    void justificationLength();
    void approvalFlags();
    void adminActionsUseAdminRules();
    void deactivationBreaksNothing();
    void graphMessageFormat();
    void emptyPolicyAllowsAnything();
};

void TestPolicyCheck::completeRequestPasses()
{
    const auto result = PolicyCheck::check(completeActivation(), strictPolicy(), StrongSession, Now);
    QVERIFY2(result.ok(), qPrintable(result.graphMessage()));
    QVERIFY(result.approvalRequired);
    QCOMPARE(result.approvalStages, 1);
    QCOMPARE(result.effectiveStart, Now);
    QCOMPARE(result.effectiveEnd.toIso(), QStringLiteral("2026-03-02T11:00:00Z"));
}

void TestPolicyCheck::eachRuleAlone_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("rule");
    QTest::newRow("too long") << 0 << QStringLiteral("ExpirationRule");
    QTest::newRow("no justification") << 1 << QStringLiteral("JustificationRule");
    QTest::newRow("blank justification") << 2 << QStringLiteral("JustificationRule");
    QTest::newRow("no ticket number") << 3 << QStringLiteral("TicketingRule");
    QTest::newRow("no ticket system") << 4 << QStringLiteral("TicketingRule");
    QTest::newRow("no mfa") << 5 << QStringLiteral("MfaRule");
    QTest::newRow("no acrs") << 6 << QStringLiteral("AcrsRule");
    QTest::newRow("wrong acrs") << 7 << QStringLiteral("AcrsRule");
    QTest::newRow("past start") << 8 << QStringLiteral("ScheduleRule");
}

void TestPolicyCheck::eachRuleAlone()
{
    QFETCH(int, which);
    QFETCH(QString, rule);
    ScheduleRequest r = completeActivation();
    SessionFacts session = StrongSession;
    switch (which) {
    case 0:
        r.scheduleInfo->expiration.duration = IsoDuration::fromMinutes(121);
        break;
    case 1:
        r.justification.clear();
        break;
    case 2:
        r.justification = QStringLiteral("   \t ");
        break;
    case 3:
        r.ticketInfo.ticketNumber.clear();
        break;
    case 4:
        r.ticketInfo.ticketSystem = QStringLiteral(" ");
        break;
    case 5:
        session.multiFactor = false;
        break;
    case 6:
        session.authContexts.clear();
        break;
    case 7:
        session.authContexts = {QStringLiteral("c2")};
        break;
    case 8:
        r.scheduleInfo->startDateTime = Now.plusSeconds(-3600);
        break;
    default:
        QFAIL("unknown case");
    }
    const auto result = PolicyCheck::check(r, strictPolicy(), session, Now);
    QCOMPARE(result.ruleNames(), QStringList{rule});
    QVERIFY(!result.violations.first().message.isEmpty());
    QVERIFY(result.breaks(rule));
}

void TestPolicyCheck::everyRuleAtOnce()
{
    ScheduleRequest r = activation(IsoDuration::fromHours(9));
    const auto result = PolicyCheck::check(r, strictPolicy(), SessionFacts{}, Now);
    QCOMPARE(result.ruleNames(),
             (QStringList{QStringLiteral("ExpirationRule"), QStringLiteral("JustificationRule"),
                          QStringLiteral("TicketingRule"), QStringLiteral("MfaRule"), QStringLiteral("AcrsRule")}));
    QVERIFY(result.violations.first().message.contains(QStringLiteral("2 h")));
}

void TestPolicyCheck::durationBoundaries_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<bool>("ok");
    QTest::newRow("zero") << qint64(0) << false;
    QTest::newRow("one second") << qint64(1) << true;
    QTest::newRow("exactly max") << qint64(8 * 3600) << true;
    QTest::newRow("max plus one second") << qint64(8 * 3600 + 1) << false;
    QTest::newRow("a year") << qint64(365 * 86400) << false;
}

void TestPolicyCheck::durationBoundaries()
{
    QFETCH(qint64, seconds);
    QFETCH(bool, ok);
    const auto result = PolicyCheck::check(activation(IsoDuration::fromSeconds(seconds)), lenientPolicy(), {}, Now);
    QCOMPARE(result.ok(), ok);
    if (!ok) {
        QCOMPARE(result.ruleNames(), QStringList{QStringLiteral("ExpirationRule")});
    }
}

void TestPolicyCheck::endDateTime()
{
    ScheduleRequest r = activation(IsoDuration());
    r.scheduleInfo->expiration = Expiration{ExpirationType::AfterDateTime, std::nullopt, Now.plusSeconds(8 * 3600)};
    QVERIFY(PolicyCheck::check(r, lenientPolicy(), {}, Now).ok());

    r.scheduleInfo->expiration.endDateTime = Now.plusSeconds(8 * 3600 + 60);
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ExpirationRule")});

    r.scheduleInfo->expiration.endDateTime = Now;
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ExpirationRule")});

    r.scheduleInfo->expiration.endDateTime = Timestamp();
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ExpirationRule")});

    // A future start moves the window: 8 h from the start is fine.
    r.scheduleInfo->startDateTime = Now.plusSeconds(86400);
    r.scheduleInfo->expiration.endDateTime = Now.plusSeconds(86400 + 8 * 3600);
    const auto result = PolicyCheck::check(r, lenientPolicy(), {}, Now);
    QVERIFY(result.ok());
    QCOMPARE(result.effectiveStart, Now.plusSeconds(86400));
}

void TestPolicyCheck::notSpecifiedUsesMaximum()
{
    ScheduleRequest r = activation(IsoDuration());
    r.scheduleInfo.reset();
    const auto result = PolicyCheck::check(r, lenientPolicy(), {}, Now);
    QVERIFY(result.ok());
    QCOMPARE(result.effectiveEnd, Now.plusSeconds(8 * 3600));
}

void TestPolicyCheck::noExpirationRefused()
{
    ScheduleRequest r = activation(IsoDuration());
    r.scheduleInfo->expiration = Expiration{ExpirationType::NoExpiration, std::nullopt, {}};
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ExpirationRule")});

    r.scheduleInfo->expiration.type = ExpirationType::Unknown;
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ExpirationRule")});
}

void TestPolicyCheck::startInPastAndFuture()
{
    ScheduleRequest r = activation(IsoDuration::fromHours(1));
    // Within the skew allowance: accepted as "now".
    r.scheduleInfo->startDateTime = Now.plusSeconds(-PolicyCheck::StartSkewSeconds);
    QVERIFY(PolicyCheck::check(r, lenientPolicy(), {}, Now).ok());
    r.scheduleInfo->startDateTime = Now.plusSeconds(-PolicyCheck::StartSkewSeconds - 1);
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ScheduleRule")});
    r.scheduleInfo->startDateTime = Now.plusSeconds(7 * 86400);
    const auto future = PolicyCheck::check(r, lenientPolicy(), {}, Now);
    QVERIFY(future.ok());
    QCOMPARE(future.effectiveEnd, Now.plusSeconds(7 * 86400 + 3600));
}

void TestPolicyCheck::justificationLength()
{
    ScheduleRequest r = activation(IsoDuration::fromHours(1));
    r.justification = QString(PolicyCheck::MaxJustificationLength, u'x');
    QVERIFY(PolicyCheck::check(r, lenientPolicy(), {}, Now).ok());
    r.justification += u'x';
    QCOMPARE(PolicyCheck::check(r, lenientPolicy(), {}, Now).ruleNames(),
             QStringList{QStringLiteral("JustificationRule")});
}

void TestPolicyCheck::approvalFlags()
{
    RolePolicy p = lenientPolicy();
    ApprovalRule approval;
    approval.id = QStringLiteral("Approval_EndUser_Assignment");
    approval.isApprovalRequired = true;
    approval.isApprovalRequiredForExtension = false;
    approval.isRequestorJustificationRequired = true;
    approval.approvalStages << ApprovalStage{} << ApprovalStage{};
    p.approvalRules << approval;

    ScheduleRequest r = activation(IsoDuration::fromHours(1));
    auto result = PolicyCheck::check(r, p, {}, Now);
    QVERIFY(result.approvalRequired);
    QCOMPARE(result.approvalStages, 2);
    // The approval rule's own justification demand applies.
    QCOMPARE(result.ruleNames(), QStringList{QStringLiteral("JustificationRule")});

    r.action = RequestAction::SelfExtend;
    result = PolicyCheck::check(r, p, {}, Now);
    QVERIFY(!result.approvalRequired);
    QVERIFY(result.ok());
}

void TestPolicyCheck::adminActionsUseAdminRules()
{
    ScheduleRequest r = activation(IsoDuration::fromSeconds(90 * 86400));
    r.action = RequestAction::AdminAssign;
    // The end-user rules (2 h, ticket, MFA, c1) do not apply to an admin assignment...
    auto result = PolicyCheck::check(r, strictPolicy(), {}, Now);
    QCOMPARE(result.ruleNames(), QStringList{QStringLiteral("JustificationRule")});
    QVERIFY(!result.approvalRequired);
    r.justification = QStringLiteral("New on-call engineer");
    QVERIFY(PolicyCheck::check(r, strictPolicy(), {}, Now).ok());
    // ...but the admin maximum does.
    r.scheduleInfo->expiration.duration = IsoDuration::fromSeconds(200 * 86400);
    QCOMPARE(PolicyCheck::check(r, strictPolicy(), {}, Now).ruleNames(), QStringList{QStringLiteral("ExpirationRule")});
    // Eligibility level: Expiration_Admin_Eligibility (365 d, required).
    r.scheduleInfo->expiration = Expiration{ExpirationType::NoExpiration, std::nullopt, {}};
    QCOMPARE(PolicyCheck::check(r, strictPolicy(), {}, Now, RuleLevel::Eligibility).ruleNames(),
             QStringList{QStringLiteral("ExpirationRule")});
}

void TestPolicyCheck::deactivationBreaksNothing()
{
    ScheduleRequest r;
    r.action = RequestAction::SelfDeactivate;
    QVERIFY(PolicyCheck::check(r, strictPolicy(), {}, Now).ok());
    r.action = RequestAction::AdminRemove;
    QVERIFY(PolicyCheck::check(r, strictPolicy(), {}, Now).ok());
}

void TestPolicyCheck::graphMessageFormat()
{
    ScheduleRequest r = activation(IsoDuration::fromHours(1));
    r.justification.clear();
    const auto result = PolicyCheck::check(r, strictPolicy(), StrongSession, Now);
    QCOMPARE(result.graphMessage(),
             QStringLiteral("The following policy rules failed: [\"JustificationRule\",\"TicketingRule\"]"));
    // The client reads the same list back out of a Graph error.
    GraphError e;
    e.code = QStringLiteral("RoleAssignmentRequestPolicyValidationFailed");
    e.message = result.graphMessage();
    QCOMPARE(e.failedRules(), result.ruleNames());
}

void TestPolicyCheck::emptyPolicyAllowsAnything()
{
    ScheduleRequest r = activation(IsoDuration::fromSeconds(30 * 86400));
    QVERIFY(PolicyCheck::check(r, RolePolicy{}, {}, Now).ok());
    r.scheduleInfo->expiration = Expiration{ExpirationType::NoExpiration, std::nullopt, {}};
    QVERIFY(PolicyCheck::check(r, RolePolicy{}, {}, Now).ok());
}

QTEST_GUILESS_MAIN(TestPolicyCheck)
#include "TestPolicyCheck.moc"
