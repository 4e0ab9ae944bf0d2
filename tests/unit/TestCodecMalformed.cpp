// Every malformed document must give a CodecError naming the offending path — never a crash, an
// exception or a hang: wrong JSON types, truncation, bad bytes, absurd numbers and sizes, deep
// nesting, invalid durations and timestamps, missing required fields.

#include "CodecTestSupport.h"
#include "GraphCodec.h"

#include <QTest>

#include <array>
#include <functional>

using namespace Elevate;

// Declared before the documents below: moc 6.4 mis-reads backslashes inside raw string literals
// and would not see a class declared after them.
class TestCodecMalformed final : public QObject
{
    Q_OBJECT

private slots:
    void wrongTypes_data();
    void wrongTypes();
    void truncatedDocuments_data();
    void truncatedDocuments();
    void trivialDocuments_data();
    void trivialDocuments();
    void invalidUtf8_data();
    void invalidUtf8();
    void absurdNumbers_data();
    void absurdNumbers();
    void hugeStrings_data();
    void hugeStrings();
    void stringLimitBoundary();
    void oversizedDocument();
    void deepNesting_data();
    void deepNesting();
    void nestingLimitBoundary();
    void invalidDurations_data();
    void invalidDurations();
    void invalidTimestamps_data();
    void invalidTimestamps();
    void missingRequiredFields_data();
    void missingRequiredFields();
    void decodeErrorOnGarbage_data();
    void decodeErrorOnGarbage();
    void mutatedDocuments_data();
    void mutatedDocuments();
};

namespace {

// What decoding bytes as one resource kind gave. `stable` is whether a decoded value survived
// encode + decode unchanged; `threw` whether anything escaped the codec as an exception.
struct Outcome
{
    bool ok = false;
    bool threw = false;
    bool stable = false;
    CodecError error;
};

using CodecTestSupport::normalized;

template <typename T>
Outcome finish(const Result<T>& r, const std::function<Result<T>(QByteArrayView)>& decode)
{
    Outcome out;
    out.ok = r.ok();
    if (!r) {
        out.error = r.error();
        return out;
    }
    const Result<T> again = decode(GraphCodec::encode(*r));
    out.stable = again.ok() && normalized(*again) == normalized(*r);
    return out;
}

template <typename T>
Outcome run(QByteArrayView bytes)
{
    const auto decode = [](QByteArrayView b) { return GraphCodec::decode<T>(b); };
    return finish<T>(decode(bytes), decode);
}

template <typename T>
Outcome runPage(QByteArrayView bytes)
{
    const auto decode = [](QByteArrayView b) { return GraphCodec::decodePage<T>(b); };
    return finish<Page<T>>(decode(bytes), decode);
}

Outcome dispatch(const QString& kind, QByteArrayView bytes)
{
    if (kind == u"RoleDefinitionPage") {
        return runPage<RoleDefinition>(bytes);
    }
    if (kind == u"EligibilityPage") {
        return runPage<Eligibility>(bytes);
    }
    if (kind == u"AuditEventPage") {
        return runPage<AuditEvent>(bytes);
    }
    if (auto out = CodecTestSupport::visitResource(kind, [&]<typename T>() { return run<T>(bytes); })) {
        return *out;
    }
    Outcome unknown;
    unknown.error = CodecError{ QStringLiteral("<test>"), QStringLiteral("test bug: no decoder for ") + kind };
    return unknown;
}

// Audit pages have two decoders (GraphCodec::decodeAuditPage reads them without a tree): every
// audit page of this corpus goes through both, and they must agree, value or error.
void expectDecodersAgree(QByteArrayView bytes)
{
    const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(bytes);
    Result<Page<AuditEvent>> tree = CodecError{};
    if (Result<nlohmann::json> parsed = GraphCodec::parse(bytes)) {
        tree = GraphCodec::pageFromJson<AuditEvent>(*parsed);
    } else {
        tree = parsed.error();
    }
    QString difference;
    if (sax.ok() != tree.ok()) {
        difference = sax.ok() ? QStringLiteral("only the tree refused it: ") + tree.error().toString()
                              : QStringLiteral("only the SAX decoder refused it: ") + sax.error().toString();
    } else if (sax.ok() && !(*sax == *tree)) {
        difference = QStringLiteral("the decoded pages differ");
    } else if (!sax.ok() && !(sax.error().path == tree.error().path && sax.error().message == tree.error().message)) {
        difference = QStringLiteral("different errors: SAX %1, tree %2").arg(sax.error().toString(), tree.error().toString());
    }
    if (!difference.isEmpty()) {
        QTest::qFail(qPrintable(difference + QStringLiteral(" for ") + QString::fromUtf8(bytes.first(std::min<qsizetype>(bytes.size(), 300)))), __FILE__,
                     __LINE__);
    }
}

Outcome decodeAs(const QString& kind, QByteArrayView bytes)
{
    try {
        if (kind == u"AuditEventPage") {
            expectDecodersAgree(bytes);
        }
        return dispatch(kind, bytes);
    } catch (...) {
        Outcome out;
        out.threw = true;
        return out;
    }
}

// Checks that decoding failed, without an exception, at `path` (empty: refused before any field
// was read) with a message containing `message` (empty: not checked).
void expectFailure(const Outcome& out, const QString& path, const QString& message)
{
    QVERIFY2(!out.threw, "an exception escaped the codec");
    QVERIFY2(!out.ok, "a malformed document decoded");
    QVERIFY2(!out.error.message.isEmpty(), "a CodecError without a message");
    QCOMPARE(out.error.path, path);
    if (!message.isEmpty()) {
        QVERIFY2(out.error.message.contains(message), qPrintable(out.error.toString()));
    }
    // Errors go to the log: they never carry a huge input along.
    QVERIFY2(out.error.toString().size() < 400, qPrintable(out.error.toString().left(400)));
}

#define EXPECT_FAILURE(out, path, message)                                                                             \
    do {                                                                                                               \
        expectFailure(out, path, message);                                                                             \
        if (QTest::currentTestFailed()) {                                                                              \
            return;                                                                                                    \
        }                                                                                                              \
    } while (false)

#define EXPECT_OK(expression)                                                                                          \
    do {                                                                                                               \
        const Outcome decoded_ = (expression);                                                                         \
        QVERIFY2(!decoded_.threw, "an exception escaped the codec");                                                   \
        QVERIFY2(decoded_.ok, qPrintable(decoded_.error.toString()));                                                  \
    } while (false)

QByteArray repeated(char c, qsizetype count)
{
    return QByteArray(count, c);
}

QByteArray bytes(const char* text)
{
    return QByteArray(text);
}

const QString NotString = QStringLiteral("expected a string");
const QString NotBool = QStringLiteral("expected true or false");
const QString NotArray = QStringLiteral("expected an array");
const QString NotObject = QStringLiteral("expected an object");
const QString NotInteger = QStringLiteral("expected an integer");
const QString OutOfRange = QStringLiteral("number out of range");
const QString Malformed = QStringLiteral("malformed JSON");
const QString BadTimestamp = QStringLiteral("not an ISO-8601 UTC timestamp");
const QString BadDuration = QStringLiteral("invalid ISO-8601 duration");
const QString TooLong = QStringLiteral("string longer than");

// ---- valid documents shaped like the Graph samples (for truncation and mutation) --------------

const char* const RequestResponse
    = R"json({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity","id":"295edf4a-2d1e-4a9b-a0d4-8a1e3b4b1f3c","status":"PendingApproval","createdDateTime":"2022-04-13T08:52:32.6485851Z","completedDateTime":null,"approvalId":"295edf4a-2d1e-4a9b-a0d4-8a1e3b4b1f3c","customData":null,"action":"selfActivate","principalId":"071cc716-8147-4397-a5ba-b2105951cc0b","roleDefinitionId":"8424c6f0-a189-499e-bbd0-26c1753c96d4","directoryScopeId":"/","appScopeId":null,"isValidationOnly":false,"targetScheduleId":"295edf4a-2d1e-4a9b-a0d4-8a1e3b4b1f3c","justification":"Quarterly attribute clean-up","createdBy":{"application":null,"device":null,"user":{"displayName":null,"id":"071cc716-8147-4397-a5ba-b2105951cc0b"}},"scheduleInfo":{"startDateTime":"2022-04-14T00:00:00Z","recurrence":null,"expiration":{"type":"afterDuration","endDateTime":null,"duration":"PT5H30M"}},"ticketInfo":{"ticketNumber":"CONTOSO:Normal-67890","ticketSystem":"MS Project"}})json";

const char* const PolicyAssignment
    = R"json({"id":"DirectoryRole_cab01047_62e90394","policyId":"DirectoryRole_cab01047","scopeId":"/","scopeType":"DirectoryRole","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10","policy":{"id":"DirectoryRole_cab01047","displayName":"DirectoryRole","isOrganizationDefault":false,"scopeId":"/","scopeType":"DirectoryRole","lastModifiedDateTime":null,"lastModifiedBy":{"displayName":null,"id":null},"rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","id":"Expiration_EndUser_Assignment","isExpirationRequired":true,"maximumDuration":"PT8H","target":{"caller":"EndUser","operations":["all"],"level":"Assignment","inheritableSettings":[],"enforcedSettings":[]}},{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyEnablementRule","id":"Enablement_EndUser_Assignment","enabledRules":["MultiFactorAuthentication","Justification","Ticketing"],"target":{"caller":"EndUser","operations":["all"],"level":"Assignment"}},{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","id":"Approval_EndUser_Assignment","target":{"caller":"EndUser","operations":["all"],"level":"Assignment"},"setting":{"isApprovalRequired":true,"isApprovalRequiredForExtension":false,"isRequestorJustificationRequired":true,"approvalMode":"SingleStage","approvalStages":[{"approvalStageTimeOutInDays":1,"isApproverJustificationRequired":true,"escalationTimeInMinutes":0,"isEscalationEnabled":false,"primaryApprovers":[{"@odata.type":"#microsoft.graph.singleUser","userId":"d5d3b8a0-4b0e-4c4e-8d1f-7a6b5c4d3e2f","description":"Megan Bowen"},{"@odata.type":"#microsoft.graph.groupMembers","groupId":"7f3c1a2b-9d8e-4f6a-b5c4-d3e2f1a0b9c8","description":"Tier-0 approvers"}],"escalationApprovers":[]}]}},{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule","id":"AuthenticationContext_EndUser_Assignment","isEnabled":true,"claimValue":"c1","target":{"caller":"EndUser","operations":["all"],"level":"Assignment"}},{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyNotificationRule","id":"Notification_Admin_Admin_Eligibility","notificationType":"Email","recipientType":"Admin","notificationLevel":"All","isDefaultRecipientsEnabled":true,"notificationRecipients":["secops@contoso.com"],"target":{"caller":"Admin","operations":["all"],"level":"Eligibility"}}]}})json";

const char* const BetaApproval
    = R"json({"id":"295edf4a-2d1e-4a9b-a0d4-8a1e3b4b1f3c","steps":[{"id":"a1f3b3c2-6b4e-4bd5-9b0c-2f1e0d9c8b7a","displayName":null,"reviewedDateTime":"2022-04-13T09:01:12.407Z","reviewResult":"Approved","status":"Completed","assignedToMe":false,"justification":"Ticket checked","reviewedBy":[{"id":"d5d3b8a0-4b0e-4c4e-8d1f-7a6b5c4d3e2f","displayName":"Megan Bowen","userPrincipalName":"MeganB@contoso.com"}]},{"id":"c9e8d7f6-5a4b-4c3d-8e2f-1a0b9c8d7e6f","displayName":null,"reviewedDateTime":null,"reviewResult":"NotReviewed","status":"InProgress","assignedToMe":true,"justification":null,"reviewedBy":[]}]})json";

const char* const ReviewDecisionItem
    = R"json({"id":"e6cafba0-cbf0-4748-8868-0810c7f4cc06","accessReviewId":"6444d4fd-ab55-4608-8cf9-c6702d172ce2","reviewedDateTime":"2021-02-10T08:34:11.62Z","decision":"Approve","justification":"Still on the Tier-0 rotation","appliedDateTime":null,"applyResult":"New","recommendation":"Approve","principalLink":"https://graph.microsoft.com/v1.0/users/04777c4b","resource":{"id":"2b5ed229","displayName":"PIM Tier-0 Operators","type":"Group"},"reviewedBy":{"id":"957f1027","displayName":"MOD Administrator","userPrincipalName":"admin@contoso.com"},"target":{"@odata.type":"#microsoft.graph.accessReviewInstanceDecisionItemUserTarget","userId":"04777c4b","userDisplayName":"Diego Siciliani","userPrincipalName":"DiegoS@contoso.com"},"principal":{"@odata.type":"#microsoft.graph.userIdentity","id":"04777c4b","displayName":"Diego Siciliani","userPrincipalName":"DiegoS@contoso.com"}})json";

const char* const AuditPage
    = R"json({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits","@odata.count":2,"@odata.nextLink":"https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$top=2&$skiptoken=a3b9e2f1","value":[{"id":"Directory_PIM_1","category":"RoleManagement","correlationId":"8c3a1b2d","result":"success","resultReason":"Investigating INC-4711","activityDisplayName":"Add member to role completed (PIM activation)","activityDateTime":"2024-05-01T08:15:04.1234567Z","loggedByService":"PIM","operationType":"Assign","initiatedBy":{"user":{"id":"3fbd929d","displayName":"Alex Wilber","userPrincipalName":"AlexW@contoso.com","ipAddress":"203.0.113.7"},"app":null},"targetResources":[{"id":"62e90394","displayName":"Global Administrator","type":"Role","modifiedProperties":[{"displayName":"Role.DisplayName","oldValue":null,"newValue":"\"Global Administrator\""}]}],"additionalDetails":[{"key":"RequestId","value":"295edf4a"}]},{"id":"Directory_PIM_2","category":"RoleManagement","result":"success","activityDisplayName":"Remove member from role (PIM activation expired)","activityDateTime":"2024-05-01T16:15:05Z","loggedByService":"PIM","initiatedBy":{"user":null,"app":{"displayName":"MS-PIM","servicePrincipalId":"b2c4d6e8"}},"targetResources":[],"additionalDetails":[]}]})json";

const char* const ErrorBody
    = R"json({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed","message":"The following policy rules failed: [\"JustificationRule\",\"TicketingRule\"]","innerError":{"date":"2024-05-01T08:15:03","request-id":"7a9b8c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d","client-request-id":"1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9","innerError":{"code":"PolicyRulesFailed"}}}})json";

void addValidDocuments()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::newRow("schedule request") << QStringLiteral("ScheduleRequest") << bytes(RequestResponse);
    QTest::newRow("policy assignment") << QStringLiteral("RolePolicyAssignment") << bytes(PolicyAssignment);
    QTest::newRow("beta approval") << QStringLiteral("Approval") << bytes(BetaApproval);
    QTest::newRow("review decision") << QStringLiteral("ReviewDecision") << bytes(ReviewDecisionItem);
    QTest::newRow("audit page") << QStringLiteral("AuditEventPage") << bytes(AuditPage);
    QTest::newRow("error body") << QStringLiteral("GraphError") << bytes(ErrorBody);
}

} // namespace

void TestCodecMalformed::wrongTypes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const QString role = QStringLiteral("RoleDefinition");
    QTest::newRow("role: string for bool")
        << role << bytes(R"({"id":"r1","isBuiltIn":"true"})") << QStringLiteral("/isBuiltIn") << NotBool;
    QTest::newRow("role: number for bool")
        << role << bytes(R"({"id":"r1","isEnabled":1})") << QStringLiteral("/isEnabled") << NotBool;
    QTest::newRow("role: number for id") << role << bytes(R"({"id":42})") << QStringLiteral("/id") << NotString;
    QTest::newRow("role: bool for string")
        << role << bytes(R"({"id":"r1","displayName":true})") << QStringLiteral("/displayName") << NotString;
    QTest::newRow("role: object for array")
        << role << bytes(R"({"id":"r1","rolePermissions":{"allowedResourceActions":[]}})")
        << QStringLiteral("/rolePermissions") << NotArray;
    QTest::newRow("role: string for array")
        << role << bytes(R"({"id":"r1","resourceScopes":"/"})") << QStringLiteral("/resourceScopes") << NotArray;
    QTest::newRow("role: string in object array")
        << role << bytes(R"({"id":"r1","rolePermissions":["microsoft.directory/groups/create"]})")
        << QStringLiteral("/rolePermissions/0") << NotObject;
    QTest::newRow("role: number in string array")
        << role << bytes(R"({"id":"r1","rolePermissions":[{"allowedResourceActions":["a",7]}]})")
        << QStringLiteral("/rolePermissions/0/allowedResourceActions/1") << NotString;
    QTest::newRow("role: array for string")
        << role << bytes(R"({"id":"r1","rolePermissions":[{"condition":["$ResourceIsSelf"]}]})")
        << QStringLiteral("/rolePermissions/0/condition") << NotString;

    const QString elig = QStringLiteral("Eligibility");
    QTest::newRow("eligibility: number for timestamp")
        << elig << bytes(R"({"id":"e1","startDateTime":1714550400})") << QStringLiteral("/startDateTime") << NotString;
    QTest::newRow("eligibility: array for expand")
        << elig << bytes(R"({"id":"e1","roleDefinition":[]})") << QStringLiteral("/roleDefinition") << NotObject;
    QTest::newRow("eligibility: number for enum")
        << elig << bytes(R"({"id":"e1","memberType":1})") << QStringLiteral("/memberType") << NotString;
    QTest::newRow("eligibility: string for principal")
        << elig << bytes(R"({"id":"e1","principal":"Alex Wilber"})") << QStringLiteral("/principal") << NotObject;
    QTest::newRow("eligibility: inside expand")
        << elig << bytes(R"({"id":"e1","roleDefinition":{"id":"r1","isBuiltIn":"yes"}})")
        << QStringLiteral("/roleDefinition/isBuiltIn") << NotBool;
    QTest::newRow("eligibility: number for accessId")
        << elig << bytes(R"({"id":"e1","groupId":"g1","accessId":0})") << QStringLiteral("/accessId") << NotString;
    QTest::newRow("eligibility: object for group id")
        << elig << bytes(R"({"id":"e1","groupId":{"id":"g1"}})") << QStringLiteral("/groupId") << NotString;

    const QString assignment = QStringLiteral("ActiveAssignment");
    QTest::newRow("assignment: array for activatedUsing")
        << assignment << bytes(R"({"id":"a1","activatedUsing":[]})") << QStringLiteral("/activatedUsing") << NotObject;
    QTest::newRow("assignment: inside activatedUsing")
        << assignment << bytes(R"({"id":"a1","activatedUsing":{"id":5}})") << QStringLiteral("/activatedUsing/id")
        << NotString;
    QTest::newRow("assignment: array for enum") << assignment << bytes(R"({"id":"a1","assignmentType":["Activated"]})")
                                                << QStringLiteral("/assignmentType") << NotString;

    const QString request = QStringLiteral("ScheduleRequest");
    QTest::newRow("request: string for bool")
        << request << bytes(R"({"action":"selfActivate","isValidationOnly":"true"})")
        << QStringLiteral("/isValidationOnly") << NotBool;
    QTest::newRow("request: array for scheduleInfo")
        << request << bytes(R"({"action":"selfActivate","scheduleInfo":[]})") << QStringLiteral("/scheduleInfo")
        << NotObject;
    QTest::newRow("request: number for duration")
        << request
        << bytes(R"({"action":"selfActivate","scheduleInfo":{"expiration":{"type":"afterDuration","duration":18000}}})")
        << QStringLiteral("/scheduleInfo/expiration/duration") << NotString;
    QTest::newRow("request: string for expiration")
        << request << bytes(R"({"action":"selfActivate","scheduleInfo":{"expiration":"PT8H"}})")
        << QStringLiteral("/scheduleInfo/expiration") << NotObject;
    QTest::newRow("request: string for ticketInfo")
        << request << bytes(R"({"action":"selfActivate","ticketInfo":"INC-1"})") << QStringLiteral("/ticketInfo")
        << NotObject;
    QTest::newRow("request: number for ticket number")
        << request << bytes(R"({"action":"selfActivate","ticketInfo":{"ticketNumber":12345}})")
        << QStringLiteral("/ticketInfo/ticketNumber") << NotString;
    QTest::newRow("request: number for action")
        << request << bytes(R"({"action":6})") << QStringLiteral("/action") << NotString;
    QTest::newRow("request: array for createdBy.user")
        << request << bytes(R"({"action":"selfActivate","createdBy":{"user":[]}})") << QStringLiteral("/createdBy/user")
        << NotObject;
    QTest::newRow("request: object for justification")
        << request << bytes(R"({"action":"selfActivate","justification":{"text":"x"}})")
        << QStringLiteral("/justification") << NotString;

    const QString approval = QStringLiteral("Approval");
    QTest::newRow("approval: object for steps")
        << approval << bytes(R"({"id":"a1","steps":{}})") << QStringLiteral("/steps") << NotArray;
    QTest::newRow("approval: string for assignedToMe")
        << approval << bytes(R"({"id":"a1","steps":[{"id":"s1","assignedToMe":"yes"}]})")
        << QStringLiteral("/steps/0/assignedToMe") << NotBool;
    QTest::newRow("approval: string for reviewedBy")
        << approval << bytes(R"({"id":"a1","steps":[{"id":"s1","reviewedBy":"Megan"}]})")
        << QStringLiteral("/steps/0/reviewedBy") << NotObject;
    QTest::newRow("approval: string in reviewedBy list")
        << approval << bytes(R"({"id":"a1","steps":[{"id":"s1","reviewedBy":["Megan"]}]})")
        << QStringLiteral("/steps/0/reviewedBy/0") << NotObject;
    QTest::newRow("approval: v1 reviewedBy id")
        << approval << bytes(R"({"id":"a1","stages":[{"id":"s1","reviewedBy":{"id":1}}]})")
        << QStringLiteral("/stages/0/reviewedBy/id") << NotString;
    QTest::newRow("approval: string for stages")
        << approval << bytes(R"({"id":"a1","stages":"none"})") << QStringLiteral("/stages") << NotArray;

    const QString decision = QStringLiteral("ApprovalDecision");
    QTest::newRow("approval decision: bool verdict")
        << decision << bytes(R"({"reviewResult":true})") << QStringLiteral("/reviewResult") << NotString;
    QTest::newRow("approval decision: number justification")
        << decision << bytes(R"({"reviewResult":"Approve","justification":0})") << QStringLiteral("/justification")
        << NotString;

    const QString policy = QStringLiteral("RolePolicyAssignment");
    const auto rule = [](const char* fields) -> QByteArray {
        return QByteArray(R"({"id":"x","policy":{"id":"p","rules":[{"id":"Rule_1",)") + fields + "}]}}";
    };
    QTest::newRow("policy: array for policy")
        << policy << bytes(R"({"id":"x","policy":[]})") << QStringLiteral("/policy") << NotObject;
    QTest::newRow("policy: object for rules") << policy << bytes(R"({"id":"x","policy":{"id":"p","rules":{}}})")
                                              << QStringLiteral("/policy/rules") << NotArray;
    QTest::newRow("policy: string for lastModifiedBy")
        << policy << bytes(R"({"id":"x","policy":{"id":"p","lastModifiedBy":"admin"}})")
        << QStringLiteral("/policy/lastModifiedBy") << NotObject;
    QTest::newRow("policy: number for rule type")
        << policy << rule(R"("@odata.type":7)") << QStringLiteral("/policy/rules/0/@odata.type") << NotString;
    QTest::newRow("policy: string for target")
        << policy
        << rule(R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","target":"EndUser")")
        << QStringLiteral("/policy/rules/0/target") << NotObject;
    QTest::newRow("policy: string for operations")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","target":{"operations":"All"})")
        << QStringLiteral("/policy/rules/0/target/operations") << NotArray;
    QTest::newRow("policy: string for isExpirationRequired")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","isExpirationRequired":"false")")
        << QStringLiteral("/policy/rules/0/isExpirationRequired") << NotBool;
    QTest::newRow("policy: number for maximumDuration")
        << policy
        << rule(R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","maximumDuration":28800)")
        << QStringLiteral("/policy/rules/0/maximumDuration") << NotString;
    QTest::newRow("policy: number in enabledRules")
        << policy
        << rule(R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyEnablementRule","enabledRules":[1])")
        << QStringLiteral("/policy/rules/0/enabledRules/0") << NotString;
    QTest::newRow("policy: array for setting")
        << policy << rule(R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":[])")
        << QStringLiteral("/policy/rules/0/setting") << NotObject;
    QTest::newRow("policy: object for approvers")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":{"approvalStages":[{"primaryApprovers":{}}]})")
        << QStringLiteral("/policy/rules/0/setting/approvalStages/0/primaryApprovers") << NotArray;
    QTest::newRow("policy: number for approver id")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":{"approvalStages":[{"primaryApprovers":[{"@odata.type":"#microsoft.graph.singleUser","userId":1}]}]})")
        << QStringLiteral("/policy/rules/0/setting/approvalStages/0/primaryApprovers/0/userId") << NotString;
    QTest::newRow("policy: string for timeout")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":{"approvalStages":[{"approvalStageTimeOutInDays":"1"}]})")
        << QStringLiteral("/policy/rules/0/setting/approvalStages/0/approvalStageTimeOutInDays") << NotInteger;
    QTest::newRow("policy: fraction for timeout")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":{"approvalStages":[{"approvalStageTimeOutInDays":1.5}]})")
        << QStringLiteral("/policy/rules/0/setting/approvalStages/0/approvalStageTimeOutInDays") << NotInteger;
    QTest::newRow("policy: bool for escalation time")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":{"approvalStages":[{"escalationTimeInMinutes":true}]})")
        << QStringLiteral("/policy/rules/0/setting/approvalStages/0/escalationTimeInMinutes") << NotInteger;
    QTest::newRow("policy: negative escalation time")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","setting":{"approvalStages":[{"escalationTimeInMinutes":-1}]})")
        << QStringLiteral("/policy/rules/0/setting/approvalStages/0/escalationTimeInMinutes") << OutOfRange;
    QTest::newRow("policy: string for recipients")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyNotificationRule","notificationRecipients":"secops@contoso.com")")
        << QStringLiteral("/policy/rules/0/notificationRecipients") << NotArray;
    QTest::newRow("policy: number for claimValue")
        << policy
        << rule(
               R"("@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule","isEnabled":true,"claimValue":1)")
        << QStringLiteral("/policy/rules/0/claimValue") << NotString;

    const QString definition = QStringLiteral("AccessReviewDefinition");
    QTest::newRow("review definition: string for int")
        << definition << bytes(R"({"id":"d1","settings":{"instanceDurationInDays":"3"}})")
        << QStringLiteral("/settings/instanceDurationInDays") << NotInteger;
    QTest::newRow("review definition: object for reviewers")
        << definition << bytes(R"({"id":"d1","reviewers":{}})") << QStringLiteral("/reviewers") << NotArray;
    QTest::newRow("review definition: string for scope")
        << definition << bytes(R"({"id":"d1","scope":"all"})") << QStringLiteral("/scope") << NotObject;
    QTest::newRow("review definition: string for bool")
        << definition << bytes(R"({"id":"d1","settings":{"justificationRequiredOnApproval":"yes"}})")
        << QStringLiteral("/settings/justificationRequiredOnApproval") << NotBool;
    QTest::newRow("review instance: bool for timestamp")
        << QStringLiteral("AccessReviewInstance") << bytes(R"({"id":"i1","endDateTime":true})")
        << QStringLiteral("/endDateTime") << NotString;

    const QString item = QStringLiteral("ReviewDecision");
    QTest::newRow("review decision: array for principal")
        << item << bytes(R"({"id":"x1","principal":[]})") << QStringLiteral("/principal") << NotObject;
    QTest::newRow("review decision: bool for timestamp")
        << item << bytes(R"({"id":"x1","reviewedDateTime":false})") << QStringLiteral("/reviewedDateTime") << NotString;
    QTest::newRow("review decision: number for target user")
        << item << bytes(R"({"id":"x1","target":{"userId":7}})") << QStringLiteral("/target/userId") << NotString;
    QTest::newRow("review decision: string for resource")
        << item << bytes(R"({"id":"x1","resource":"Group"})") << QStringLiteral("/resource") << NotObject;
    QTest::newRow("decision update: array for decision")
        << QStringLiteral("ReviewDecisionUpdate") << bytes(R"({"decision":[]})") << QStringLiteral("/decision")
        << NotString;
    QTest::newRow("batch: number for principalId")
        << QStringLiteral("BatchRecordDecisions") << bytes(R"({"decision":"Approve","principalId":7})")
        << QStringLiteral("/principalId") << NotString;

    const QString audit = QStringLiteral("AuditEvent");
    const auto event = [](const char* fields) -> QByteArray {
        return QByteArray(R"({"id":"a1","activityDateTime":"2024-05-01T08:00:00Z",)") + fields + '}';
    };
    QTest::newRow("audit: object for targetResources")
        << audit << event(R"("targetResources":{})") << QStringLiteral("/targetResources") << NotArray;
    QTest::newRow("audit: number for newValue")
        << audit
        << event(R"("targetResources":[{"id":"t","modifiedProperties":[{"displayName":"Role","newValue":5}]}])")
        << QStringLiteral("/targetResources/0/modifiedProperties/0/newValue") << NotString;
    QTest::newRow("audit: array for initiatedBy")
        << audit << event(R"("initiatedBy":[])") << QStringLiteral("/initiatedBy") << NotObject;
    QTest::newRow("audit: string for user")
        << audit << event(R"("initiatedBy":{"user":"Alex"})") << QStringLiteral("/initiatedBy/user") << NotObject;
    QTest::newRow("audit: number for app name") << audit << event(R"("initiatedBy":{"app":{"displayName":1}})")
                                                << QStringLiteral("/initiatedBy/app/displayName") << NotString;
    QTest::newRow("audit: array in details")
        << audit << event(R"("additionalDetails":[[]])") << QStringLiteral("/additionalDetails/0") << NotObject;
    QTest::newRow("audit: number for activityDateTime")
        << audit << bytes(R"({"id":"a1","activityDateTime":1714550400})") << QStringLiteral("/activityDateTime")
        << NotString;
    QTest::newRow("audit: number for result")
        << audit << event(R"("result":0)") << QStringLiteral("/result") << NotString;

    const QString rolePage = QStringLiteral("RoleDefinitionPage");
    QTest::newRow("page: object for value")
        << rolePage << bytes(R"({"value":{}})") << QStringLiteral("/value") << NotArray;
    QTest::newRow("page: number for nextLink")
        << rolePage << bytes(R"({"value":[],"@odata.nextLink":5})") << QStringLiteral("/@odata.nextLink") << NotString;
    QTest::newRow("page: string for count")
        << rolePage << bytes(R"({"value":[],"@odata.count":"3"})") << QStringLiteral("/@odata.count") << NotInteger;
    QTest::newRow("page: negative count")
        << rolePage << bytes(R"({"value":[],"@odata.count":-1})") << QStringLiteral("/@odata.count") << OutOfRange;
    QTest::newRow("page: string item") << rolePage << bytes(R"({"value":[{"id":"r1"},"r2"]})")
                                       << QStringLiteral("/value/1") << NotObject;
    QTest::newRow("page: wrong type in item")
        << QStringLiteral("AuditEventPage")
        << bytes(
               R"({"value":[{"id":"a1","activityDateTime":"2024-05-01T08:00:00Z"},{"id":"a2","activityDateTime":"2024-05-01T08:00:00Z","result":1}]})")
        << QStringLiteral("/value/1/result") << NotString;
    QTest::newRow("page: inside expanded item")
        << QStringLiteral("EligibilityPage") << bytes(R"({"value":[{"id":"e1","roleDefinition":{"id":true}}]})")
        << QStringLiteral("/value/0/roleDefinition/id") << NotString;

    const QString error = QStringLiteral("GraphError");
    QTest::newRow("error: number for code")
        << error << bytes(R"({"error":{"code":400}})") << QStringLiteral("/error/code") << NotString;
    QTest::newRow("error: array for error")
        << error << bytes(R"({"error":[]})") << QStringLiteral("/error") << NotObject;
    QTest::newRow("error: string for innerError") << error << bytes(R"({"error":{"code":"x","innerError":"boom"}})")
                                                  << QStringLiteral("/error/innerError") << NotObject;
    QTest::newRow("error: number for request-id")
        << error << bytes(R"({"error":{"code":"x","innerError":{"request-id":5}}})")
        << QStringLiteral("/error/innerError/request-id") << NotString;
    QTest::newRow("oauth error: number for description")
        << error << bytes(R"({"error":"invalid_grant","error_description":5})") << QStringLiteral("/error_description")
        << NotString;
}

void TestCodecMalformed::wrongTypes()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    QFETCH(QString, message);
    EXPECT_FAILURE(decodeAs(kind, document), path, message);
}

void TestCodecMalformed::truncatedDocuments_data()
{
    addValidDocuments();
}

void TestCodecMalformed::truncatedDocuments()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);

    // The whole document is fine, so every failure below comes from the cut.
    const Outcome whole = decodeAs(kind, document);
    EXPECT_OK(whole);
    QVERIFY(whole.stable);

    for (qsizetype cut = 0; cut < document.size(); ++cut) {
        const Outcome out = decodeAs(kind, QByteArrayView(document.constData(), cut));
        // Rejected by the parser, before any reader runs.
        expectFailure(out, QString(), cut == 0 ? QStringLiteral("empty document") : Malformed);
        if (QTest::currentTestFailed()) {
            qWarning("cut at byte %lld of %lld", static_cast<long long>(cut), static_cast<long long>(document.size()));
            return;
        }
    }
}

void TestCodecMalformed::trivialDocuments_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const QString role = QStringLiteral("RoleDefinition");
    QTest::newRow("empty") << role << QByteArray() << QString() << QStringLiteral("empty document");
    QTest::newRow("whitespace only") << role << bytes(" \t\r\n  \n") << QString() << QStringLiteral("empty document");
    QTest::newRow("null") << role << bytes("null") << QStringLiteral("/") << NotObject;
    QTest::newRow("null with whitespace") << role << bytes("\n null \n") << QStringLiteral("/") << NotObject;
    QTest::newRow("top-level array") << role << bytes(R"([{"id":"62e90394-69f5-4237-9190-012177145e10"}])")
                                     << QStringLiteral("/") << NotObject;
    QTest::newRow("empty array") << role << bytes("[]") << QStringLiteral("/") << NotObject;
    QTest::newRow("number") << role << bytes("42") << QStringLiteral("/") << NotObject;
    QTest::newRow("string") << role << bytes(R"("62e90394-69f5-4237-9190-012177145e10")") << QStringLiteral("/")
                            << NotObject;
    QTest::newRow("true") << role << bytes("true") << QStringLiteral("/") << NotObject;
    QTest::newRow("empty object") << role << bytes("{}") << QStringLiteral("/id")
                                  << QStringLiteral("required string is missing");
    QTest::newRow("two documents") << role << bytes(R"({"id":"a"}{"id":"b"})") << QString() << Malformed;
    QTest::newRow("trailing garbage") << role << bytes(R"({"id":"a"} x)") << QString() << Malformed;
    QTest::newRow("comment") << role << bytes(R"({"id":"a"} // built-in)") << QString() << Malformed;
    QTest::newRow("single quotes") << role << bytes(R"({'id':'a'})") << QString() << Malformed;
    QTest::newRow("trailing comma") << role << bytes(R"({"id":"a",})") << QString() << Malformed;
    QTest::newRow("NaN") << role << bytes(R"({"id":"a","isBuiltIn":NaN})") << QString() << Malformed;
    QTest::newRow("unquoted key") << role << bytes(R"({id:"a"})") << QString() << Malformed;
    QTest::newRow("NUL inside string") << role << QByteArray("{\"id\":\"a\0b\"}", 12) << QString() << Malformed;
    QTest::newRow("raw newline in string") << role << bytes("{\"id\":\"a\nb\"}") << QString() << Malformed;
    QTest::newRow("bad escape") << role << bytes(R"({"id":"a\qb"})") << QString() << Malformed;
    QTest::newRow("byte order mark only") << role << bytes("\xEF\xBB\xBF") << QString() << Malformed;
    QTest::newRow("page: null") << QStringLiteral("AuditEventPage") << bytes("null") << QStringLiteral("/")
                                << NotObject;
    QTest::newRow("page: bare array") << QStringLiteral("AuditEventPage") << bytes("[]") << QStringLiteral("/")
                                      << NotObject;
    QTest::newRow("page: empty object") << QStringLiteral("AuditEventPage") << bytes("{}") << QStringLiteral("/value")
                                        << QStringLiteral("required array is missing");
    QTest::newRow("error: null") << QStringLiteral("GraphError") << bytes("null") << QStringLiteral("/") << NotObject;
    QTest::newRow("error: empty object") << QStringLiteral("GraphError") << bytes("{}") << QStringLiteral("/error")
                                         << QStringLiteral("required object is missing");
}

void TestCodecMalformed::trivialDocuments()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    QFETCH(QString, message);
    EXPECT_FAILURE(decodeAs(kind, document), path, message);
}

void TestCodecMalformed::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::newRow("ff fe") << bytes("{\"id\":\"r1\",\"displayName\":\"\xff\xfe\"}");
    QTest::newRow("bad continuation") << bytes("{\"id\":\"r1\",\"displayName\":\"Glob\xc3\x28l\"}");
    QTest::newRow("overlong slash") << bytes("{\"id\":\"r1\",\"displayName\":\"\xc0\xaf\"}");
    QTest::newRow("encoded surrogate") << bytes("{\"id\":\"r1\",\"displayName\":\"\xed\xa0\x80\"}");
    QTest::newRow("above U+10FFFF") << bytes("{\"id\":\"r1\",\"displayName\":\"\xf4\x90\x80\x80\"}");
    QTest::newRow("truncated sequence") << bytes("{\"id\":\"r1\",\"displayName\":\"\xe2\x82\"}");
    QTest::newRow("lone continuation") << bytes("{\"id\":\"r1\",\"displayName\":\"\x80\"}");
    QTest::newRow("in an ignored key") << bytes("{\"\xff\":\"x\",\"id\":\"r1\"}");
    QTest::newRow("in an ignored value") << bytes("{\"id\":\"r1\",\"futureField\":\"\xfe\"}");
    QTest::newRow("outside strings") << bytes("{\"id\":\"r1\"}\xff");
    QTest::newRow("lone high surrogate escape") << bytes(R"({"id":"r1","displayName":"\ud800"})");
    QTest::newRow("lone low surrogate escape") << bytes(R"({"id":"r1","displayName":"\udc00x"})");
    QTest::newRow("reversed surrogate escapes") << bytes(R"({"id":"r1","displayName":"\udc00\ud800"})");
}

void TestCodecMalformed::invalidUtf8()
{
    QFETCH(QByteArray, document);
    EXPECT_FAILURE(decodeAs(QStringLiteral("RoleDefinition"), document), QString(), Malformed);
}

void TestCodecMalformed::absurdNumbers_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const auto stage = [](const char* fields) -> QByteArray {
        return QByteArray(
                   R"({"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule","id":"Approval_EndUser_Assignment","setting":{"approvalStages":[{)")
            + fields + "}]}}]}";
    };
    const QString stagePath = QStringLiteral("/rules/0/setting/approvalStages/0/");
    const QString policy = QStringLiteral("RolePolicy");
    const QString page = QStringLiteral("RoleDefinitionPage");

    // Overflowing doubles are refused by the parser itself, wherever they appear.
    QTest::newRow("1e400 for a bool") << QStringLiteral("RoleDefinition") << bytes(R"({"id":"r1","isBuiltIn":1e400})")
                                      << QString() << QStringLiteral("cannot parse JSON");
    QTest::newRow("-1e400 for a count") << page << bytes(R"({"value":[],"@odata.count":-1e400})") << QString()
                                        << QStringLiteral("cannot parse JSON");
    QTest::newRow("1e400 in an ignored field")
        << QStringLiteral("RoleDefinition") << bytes(R"({"id":"r1","futureWeight":1e400})") << QString()
        << QStringLiteral("cannot parse JSON");
    QTest::newRow("5000 digits") << page
                                 << QByteArray(QByteArray(R"({"value":[],"@odata.count":)") + repeated('9', 5000) + '}')
                                 << QString() << QStringLiteral("cannot parse JSON");

    QTest::newRow("2^64 for a count") << page << bytes(R"({"value":[],"@odata.count":18446744073709551616})")
                                      << QStringLiteral("/@odata.count") << NotInteger;
    QTest::newRow("2^64-1 for a count") << page << bytes(R"({"value":[],"@odata.count":18446744073709551615})")
                                        << QStringLiteral("/@odata.count") << OutOfRange;
    QTest::newRow("1e3 for a count") << page << bytes(R"({"value":[],"@odata.count":1e3})")
                                     << QStringLiteral("/@odata.count") << NotInteger;
    QTest::newRow("1e-400 for a count") << page << bytes(R"({"value":[],"@odata.count":1e-400})")
                                        << QStringLiteral("/@odata.count") << NotInteger;
    QTest::newRow("2^64 for a bool") << QStringLiteral("RoleDefinition")
                                     << bytes(R"({"id":"r1","isBuiltIn":18446744073709551616})")
                                     << QStringLiteral("/isBuiltIn") << NotBool;
    QTest::newRow("timeout 10^12 days") << policy << stage(R"("approvalStageTimeOutInDays":1000000000000)")
                                        << QString(stagePath + QStringLiteral("approvalStageTimeOutInDays"))
                                        << OutOfRange;
    QTest::newRow("timeout -10^12 days") << policy << stage(R"("approvalStageTimeOutInDays":-1000000000000)")
                                         << QString(stagePath + QStringLiteral("approvalStageTimeOutInDays"))
                                         << OutOfRange;
    QTest::newRow("timeout 2^64 days") << policy << stage(R"("approvalStageTimeOutInDays":18446744073709551616)")
                                       << QString(stagePath + QStringLiteral("approvalStageTimeOutInDays"))
                                       << NotInteger;
    QTest::newRow("timeout 2^63 days") << policy << stage(R"("approvalStageTimeOutInDays":9223372036854775808)")
                                       << QString(stagePath + QStringLiteral("approvalStageTimeOutInDays"))
                                       << OutOfRange;
    QTest::newRow("timeout 2^31 days") << policy << stage(R"("approvalStageTimeOutInDays":2147483648)")
                                       << QString(stagePath + QStringLiteral("approvalStageTimeOutInDays"))
                                       << OutOfRange;
    QTest::newRow("escalation INT64_MAX minutes")
        << policy << stage(R"("escalationTimeInMinutes":9223372036854775807)")
        << QString(stagePath + QStringLiteral("escalationTimeInMinutes")) << OutOfRange;
    QTest::newRow("escalation UINT64_MAX minutes")
        << policy << stage(R"("escalationTimeInMinutes":18446744073709551615)")
        << QString(stagePath + QStringLiteral("escalationTimeInMinutes")) << OutOfRange;
    QTest::newRow("zero approvals required") << policy << stage(R"("approvalsRequired":0)")
                                             << QString(stagePath + QStringLiteral("approvalsRequired")) << OutOfRange;
    QTest::newRow("instance duration INT64_MIN days")
        << QStringLiteral("AccessReviewDefinition")
        << bytes(R"({"id":"d1","settings":{"instanceDurationInDays":-9223372036854775808}})")
        << QStringLiteral("/settings/instanceDurationInDays") << OutOfRange;
}

void TestCodecMalformed::absurdNumbers()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    QFETCH(QString, message);
    EXPECT_FAILURE(decodeAs(kind, document), path, message);
}

void TestCodecMalformed::hugeStrings_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");

    // One row carries a full 10 MB value; the rest use 256 KB (still 4 times the limit) to keep the
    // test fast under the sanitizers.
    constexpr qsizetype TenMegabytes = 10 * 1024 * 1024;
    constexpr qsizetype Big = 256 * 1024;
    const QByteArray huge = repeated('a', TenMegabytes);
    const QByteArray big = repeated('a', Big);
    const auto doc
        = [&big](const char* before, const char* after) -> QByteArray { return QByteArray(before) + big + after; };

    QTest::newRow("10 MB display name") << QStringLiteral("RoleDefinition")
                                        << QByteArray(QByteArray(R"({"id":"r1","displayName":")") + huge + R"("})")
                                        << QStringLiteral("/displayName");
    QTest::newRow("expanded policy maximumDuration")
        << QStringLiteral("RolePolicyAssignment")
        << doc(R"({"id":"a1","policy":{"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","id":"Expiration_EndUser_Assignment","maximumDuration":"PT)",
               R"(H"}]}})")
        << QStringLiteral("/policy/rules/0/maximumDuration");
    QTest::newRow("required id") << QStringLiteral("RoleDefinition") << doc(R"({"id":")", R"("})")
                                 << QStringLiteral("/id");
    QTest::newRow("string array item") << QStringLiteral("RoleDefinition")
                                       << doc(R"({"id":"r1","resourceScopes":["/",")", R"("]})")
                                       << QStringLiteral("/resourceScopes/1");
    QTest::newRow("maximumDuration")
        << QStringLiteral("RolePolicy")
        << doc(R"({"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","id":"Expiration_EndUser_Assignment","maximumDuration":"PT)",
               R"(H"}]})")
        << QStringLiteral("/rules/0/maximumDuration");
    QTest::newRow("request duration")
        << QStringLiteral("ScheduleRequest")
        << doc(R"({"action":"selfActivate","scheduleInfo":{"expiration":{"type":"afterDuration","duration":"P)",
               R"(D"}}})")
        << QStringLiteral("/scheduleInfo/expiration/duration");
    QTest::newRow("timestamp") << QStringLiteral("AuditEvent")
                               << doc(R"({"id":"a1","activityDateTime":"2024-05-01T)", R"("})")
                               << QStringLiteral("/activityDateTime");
    QTest::newRow("enum") << QStringLiteral("ReviewDecision") << doc(R"({"id":"x1","decision":")", R"("})")
                          << QStringLiteral("/decision");
    QTest::newRow("nextLink")
        << QStringLiteral("AuditEventPage")
        << doc(R"({"value":[],"@odata.nextLink":"https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=)",
               R"("})")
        << QStringLiteral("/@odata.nextLink");
    QTest::newRow("page item") << QStringLiteral("RoleDefinitionPage")
                               << doc(R"({"value":[{"id":"r1"},{"id":")", R"("}]})") << QStringLiteral("/value/1/id");
    QTest::newRow("error message") << QStringLiteral("GraphError")
                                   << doc(R"({"error":{"code":"BadRequest","message":")", R"("}})")
                                   << QStringLiteral("/error/message");

    // Three bytes per character: the limit counts UTF-8 bytes, not characters.
    QByteArray euros;
    euros.reserve(Big);
    while (euros.size() < Big) {
        euros += "\xe2\x82\xac";
    }
    QTest::newRow("multi-byte characters")
        << QStringLiteral("RoleDefinition") << QByteArray(QByteArray(R"({"id":"r1","description":")") + euros + R"("})")
        << QStringLiteral("/description");
    // 600 KB of escapes decode to 100 KB: still over the limit after unescaping.
    QByteArray escapes;
    escapes.reserve(600 * 1024);
    for (int i = 0; i < 100 * 1024; ++i) {
        escapes += "\\u0041";
    }
    QTest::newRow("escaped characters") << QStringLiteral("RoleDefinition")
                                        << QByteArray(QByteArray(R"({"id":"r1","description":")") + escapes + R"("})")
                                        << QStringLiteral("/description");
}

void TestCodecMalformed::hugeStrings()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);
    QFETCH(QString, path);

    // A hang would show as the ctest time-out; speed is for bench/, never asserted here.
    const Outcome out = decodeAs(kind, document);
    EXPECT_FAILURE(out, path, TooLong);
}

void TestCodecMalformed::stringLimitBoundary()
{
    const auto doc = [](const QByteArray& name) -> QByteArray {
        return QByteArray(R"({"id":"r1","displayName":")") + name + R"("})";
    };

    const auto atLimit = GraphCodec::decode<RoleDefinition>(doc(repeated('a', GraphCodec::MaxStringBytes)));
    QVERIFY(atLimit.ok());
    QCOMPARE(atLimit->displayName.size(), GraphCodec::MaxStringBytes);

    QByteArray twoByte;
    for (qsizetype i = 0; i < GraphCodec::MaxStringBytes / 2; ++i) {
        twoByte += "\xc3\xa9"; // é
    }
    const auto twoByteAtLimit = GraphCodec::decode<RoleDefinition>(doc(twoByte));
    QVERIFY(twoByteAtLimit.ok());
    QCOMPARE(twoByteAtLimit->displayName.size(), GraphCodec::MaxStringBytes / 2);

    EXPECT_FAILURE(decodeAs(QStringLiteral("RoleDefinition"), doc(repeated('a', GraphCodec::MaxStringBytes + 1))),
                   QStringLiteral("/displayName"),
                   TooLong);
    EXPECT_FAILURE(
        decodeAs(QStringLiteral("RoleDefinition"), doc(twoByte + 'a')), QStringLiteral("/displayName"), TooLong);

    // Fields the reader never looks at may be long: they are ignored, not measured.
    const auto ignored = GraphCodec::decode<RoleDefinition>(QByteArray(
        QByteArray(R"({"id":"r1","futureBlob":")") + repeated('b', 4 * GraphCodec::MaxStringBytes) + R"("})"));
    QVERIFY(ignored.ok());
}

void TestCodecMalformed::oversizedDocument()
{
    // A valid document padded with trailing whitespace: it would decode if it were parsed, so the
    // error proves the size check runs first.
    const auto document = [](const QByteArray& head, qsizetype total) -> QByteArray {
        return head + repeated(' ', total - head.size());
    };
    const QByteArray valid = R"({"id":"r1","displayName":"Global Administrator"})";

    const QByteArray over = document(valid, GraphCodec::MaxDocumentBytes + 1);
    QCOMPARE(over.size(), GraphCodec::MaxDocumentBytes + 1);
    EXPECT_FAILURE(decodeAs(QStringLiteral("RoleDefinition"), over), QString(), QStringLiteral("larger than"));
    EXPECT_FAILURE(decodeAs(QStringLiteral("AuditEventPage"), over), QString(), QStringLiteral("larger than"));
    const GraphError error = GraphCodec::decodeError(over, 413);
    QCOMPARE(error.code, QStringLiteral("HttpStatus413"));
    QCOMPARE(error.httpStatus, 413);

    // Exactly at the limit the size check lets it through to the parser, which stops at the
    // first byte here (a valid 32 MB document would take seconds to parse under the sanitizers).
    const QByteArray atLimit = document(QByteArrayLiteral("x"), GraphCodec::MaxDocumentBytes);
    QCOMPARE(atLimit.size(), GraphCodec::MaxDocumentBytes);
    EXPECT_FAILURE(decodeAs(QStringLiteral("RoleDefinition"), atLimit), QString(), Malformed);
}

void TestCodecMalformed::deepNesting_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");

    constexpr int Deep = 100'000;
    QTest::newRow("100000 open brackets") << QStringLiteral("RoleDefinition") << repeated('[', Deep);
    QTest::newRow("100000 balanced brackets")
        << QStringLiteral("RoleDefinition")
        << QByteArray(QByteArray(R"({"id":"r1","x":)") + repeated('[', Deep) + repeated(']', Deep) + '}');
    QByteArray objects;
    for (int i = 0; i < Deep; ++i) {
        objects += "{\"a\":";
    }
    QTest::newRow("100000 open objects") << QStringLiteral("RoleDefinition") << objects;
    QByteArray closedObjects = R"({"id":"r1","x":)" + objects + "1";
    closedObjects += repeated('}', Deep + 1);
    QTest::newRow("100000 balanced objects") << QStringLiteral("RoleDefinition") << closedObjects;

    QByteArray innerErrors = R"({"error":{"code":"BadRequest","innerError":)";
    for (int i = 0; i < Deep; ++i) {
        innerErrors += R"({"code":"deeper","innerError":)";
    }
    innerErrors += "null" + repeated('}', Deep + 2);
    QTest::newRow("100000 nested innerErrors") << QStringLiteral("GraphError") << innerErrors;
    QTest::newRow("deep page") << QStringLiteral("AuditEventPage")
                               << QByteArray(QByteArray(R"({"value":)") + repeated('[', Deep));
    // Closing brackets first must not buy extra depth later.
    QTest::newRow("closers before openers")
        << QStringLiteral("RoleDefinition") << QByteArray(repeated(']', 1000) + repeated('[', Deep));
}

void TestCodecMalformed::deepNesting()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);

    const Outcome out = decodeAs(kind, document);
    QVERIFY2(!out.threw, "an exception escaped the codec");
    QVERIFY(!out.ok);
    QCOMPARE(out.error.path, QString());
    // Either the depth check or the parser (for the unbalanced ones) refuses it, and the depth
    // check refuses every balanced one.
    if (document.count('[') + document.count('{') == document.count(']') + document.count('}')) {
        QVERIFY2(out.error.message.contains(QStringLiteral("nested deeper")), qPrintable(out.error.toString()));
    } else {
        QVERIFY2(out.error.message.contains(QStringLiteral("nested deeper")) || out.error.message.contains(Malformed),
                 qPrintable(out.error.toString()));
    }
}

void TestCodecMalformed::nestingLimitBoundary()
{
    // The root object is level 1, so `x` may hold MaxDepth - 1 arrays.
    const auto doc = [](int arrays) -> QByteArray {
        return QByteArray(R"({"id":"r1","x":)") + repeated('[', arrays) + repeated(']', arrays) + '}';
    };
    QVERIFY(GraphCodec::decode<RoleDefinition>(doc(GraphCodec::MaxDepth - 1)).ok());
    EXPECT_FAILURE(decodeAs(QStringLiteral("RoleDefinition"), doc(GraphCodec::MaxDepth)),
                   QString(),
                   QStringLiteral("nested deeper"));

    // Brackets inside strings are text, not nesting (escaped quotes included).
    const QByteArray inString = QByteArray(R"({"id":"r1","x":"\")") + repeated('[', 60'000) + R"("})";
    const auto r = GraphCodec::decode<RoleDefinition>(inString);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
}

void TestCodecMalformed::invalidDurations_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("documentTemplate"); // %1 = the duration
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("path");

    const std::array<const char*, 24> values{
        "PT",      "P",         "P-1D",    "PT99999999999H", "P1Y",        "P1M",
        "PT1H2H",  "PT1.5H30M", "P1DT",    "PT-8H",          "8H",         "PT8",
        "PTH",     "P1W1D",     "PT30M1H", "PT1S1M",         "P1.5DT1H",   "PT0.0000000001S",
        "P36501D", " PT8H",     "PT8H ",   "PT8H30",         "PT1H30M90X", "PT.5H"
    };
    const QString policy = QStringLiteral(
        R"({"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","id":"Expiration_EndUser_Assignment","isExpirationRequired":true,"maximumDuration":"%1"}]})");
    const QString request = QStringLiteral(
        R"({"action":"selfActivate","principalId":"p","roleDefinitionId":"r","directoryScopeId":"/","scheduleInfo":{"startDateTime":"2024-05-01T08:00:00Z","expiration":{"type":"afterDuration","duration":"%1"}}})");
    const QString assignment = QStringLiteral(
        R"({"id":"a1","policy":{"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","id":"Expiration_Admin_Eligibility","maximumDuration":"%1"}]}})");
    for (const char* value : values) {
        QTest::addRow("maximumDuration \"%s\"", value)
            << QStringLiteral("RolePolicy") << policy << QString::fromLatin1(value)
            << QStringLiteral("/rules/0/maximumDuration");
        QTest::addRow("duration \"%s\"", value)
            << QStringLiteral("ScheduleRequest") << request << QString::fromLatin1(value)
            << QStringLiteral("/scheduleInfo/expiration/duration");
    }
    QTest::newRow("maximumDuration in expanded policy")
        << QStringLiteral("RolePolicyAssignment") << assignment << QStringLiteral("P1M")
        << QStringLiteral("/policy/rules/0/maximumDuration");
}

void TestCodecMalformed::invalidDurations()
{
    QFETCH(QString, kind);
    QFETCH(QString, documentTemplate);
    QFETCH(QString, value);
    QFETCH(QString, path);

    // The same document with a good duration decodes, so the failure is the value's.
    EXPECT_OK(decodeAs(kind, documentTemplate.arg(QStringLiteral("PT8H")).toUtf8()));
    EXPECT_FAILURE(decodeAs(kind, documentTemplate.arg(value).toUtf8()), path, BadDuration);
}

void TestCodecMalformed::invalidTimestamps_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("documentTemplate"); // %1 = the timestamp
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("path");

    struct Field
    {
        const char* kind;
        const char* name;
        const char* documentTemplate;
        const char* path;
    };
    const std::array<Field, 9> fields{ {
        { "Eligibility",
          "eligibility start",
          R"({"id":"e1","startDateTime":"%1","endDateTime":null})",
          "/startDateTime" },
        { "ActiveAssignment",
          "assignment end",
          R"({"id":"a1","assignmentType":"Activated","endDateTime":"%1"})",
          "/endDateTime" },
        { "ScheduleRequest",
          "schedule start",
          R"({"action":"selfActivate","scheduleInfo":{"startDateTime":"%1","expiration":{"type":"afterDuration","duration":"PT1H"}}})",
          "/scheduleInfo/startDateTime" },
        { "ScheduleRequest",
          "expiration end",
          R"({"action":"selfActivate","scheduleInfo":{"expiration":{"type":"afterDateTime","endDateTime":"%1"}}})",
          "/scheduleInfo/expiration/endDateTime" },
        { "AuditEvent", "activity time", R"({"id":"a1","activityDateTime":"%1"})", "/activityDateTime" },
        { "ReviewDecision",
          "reviewed time",
          R"({"id":"x1","decision":"Approve","reviewedDateTime":"%1"})",
          "/reviewedDateTime" },
        { "AccessReviewInstance",
          "instance end",
          R"({"id":"i1","startDateTime":"2021-01-20T17:21:36Z","endDateTime":"%1"})",
          "/endDateTime" },
        { "RolePolicy", "policy modified", R"({"id":"p1","lastModifiedDateTime":"%1"})", "/lastModifiedDateTime" },
        { "Approval",
          "step reviewed",
          R"({"id":"a1","steps":[{"id":"s1","reviewedDateTime":"%1"}]})",
          "/steps/0/reviewedDateTime" },
    } };
    const std::array<const char*, 14> values{ "2024-02-30T00:00:00Z",
                                              "2024-01-01T25:00:00Z",
                                              "2024-01-01T00:00:00.12345678Z",
                                              "2024-01-01T00:00:00",
                                              "2024-01-01",
                                              "2023-02-29T00:00:00Z",
                                              "2024-01-01T00:00:60Z",
                                              "2024-01-01 00:00:00Z",
                                              "2024-01-01T00:00:00.Z",
                                              "now",
                                              "2024-01-01T00:00:00+24:00",
                                              "0000-01-01T00:00:00Z",
                                              "10000-01-01T00:00:00Z",
                                              "1714550400" };
    for (const Field& field : fields) {
        for (const char* value : values) {
            QTest::addRow("%s \"%s\"", field.name, value)
                << QString::fromLatin1(field.kind) << QString::fromLatin1(field.documentTemplate)
                << QString::fromLatin1(value) << QString::fromLatin1(field.path);
        }
    }
}

void TestCodecMalformed::invalidTimestamps()
{
    QFETCH(QString, kind);
    QFETCH(QString, documentTemplate);
    QFETCH(QString, value);
    QFETCH(QString, path);

    EXPECT_OK(decodeAs(kind, documentTemplate.arg(QStringLiteral("2024-01-01T00:00:00Z")).toUtf8()));
    EXPECT_FAILURE(decodeAs(kind, documentTemplate.arg(value).toUtf8()), path, BadTimestamp);
}

void TestCodecMalformed::missingRequiredFields_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");

    QTest::newRow("role definition id") << QStringLiteral("RoleDefinition")
                                        << bytes(R"({"displayName":"Global Administrator","isBuiltIn":true})")
                                        << QStringLiteral("/id");
    QTest::newRow("role definition id null")
        << QStringLiteral("RoleDefinition") << bytes(R"({"id":null,"displayName":"Global Administrator"})")
        << QStringLiteral("/id");
    QTest::newRow("request action")
        << QStringLiteral("ScheduleRequest")
        << bytes(R"({"principalId":"p","roleDefinitionId":"r","directoryScopeId":"/","justification":"x"})")
        << QStringLiteral("/action");
    QTest::newRow("request action null") << QStringLiteral("ScheduleRequest")
                                         << bytes(R"({"action":null,"principalId":"p"})") << QStringLiteral("/action");
    QTest::newRow("page value")
        << QStringLiteral("RoleDefinitionPage")
        << bytes(
               R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleDefinitions","@odata.nextLink":"https://graph.microsoft.com/v1.0/next"})")
        << QStringLiteral("/value");
    QTest::newRow("page value null") << QStringLiteral("AuditEventPage") << bytes(R"({"value":null})")
                                     << QStringLiteral("/value");
    QTest::newRow("page item id") << QStringLiteral("RoleDefinitionPage")
                                  << bytes(R"({"value":[{"id":"r1"},{"displayName":"no id"}]})")
                                  << QStringLiteral("/value/1/id");
    QTest::newRow("error code") << QStringLiteral(
        "GraphError") << bytes(R"({"error":{"message":"Something went wrong","innerError":{"request-id":"r"}}})")
                                << QStringLiteral("/error/code");
    QTest::newRow("error code null") << QStringLiteral("GraphError")
                                     << bytes(R"({"error":{"code":null,"message":"x"}})")
                                     << QStringLiteral("/error/code");
    QTest::newRow("error object") << QStringLiteral("GraphError") << bytes(R"({"message":"x"})")
                                  << QStringLiteral("/error");
    QTest::newRow("audit activity time") << QStringLiteral("AuditEvent")
                                         << bytes(R"({"id":"a1","activityDisplayName":"Add member to role"})")
                                         << QStringLiteral("/activityDateTime");
    QTest::newRow("audit activity time empty")
        << QStringLiteral("AuditEvent") << bytes(R"({"id":"a1","activityDateTime":""})")
        << QStringLiteral("/activityDateTime");
    QTest::newRow("audit id") << QStringLiteral("AuditEvent") << bytes(R"({"activityDateTime":"2024-05-01T08:00:00Z"})")
                              << QStringLiteral("/id");
    QTest::newRow("eligibility id") << QStringLiteral("Eligibility")
                                    << bytes(R"({"principalId":"p","roleDefinitionId":"r"})") << QStringLiteral("/id");
    QTest::newRow("activatedUsing id") << QStringLiteral("ActiveAssignment")
                                       << bytes(R"({"id":"a1","activatedUsing":{"principalId":"p"}})")
                                       << QStringLiteral("/activatedUsing/id");
    QTest::newRow("expanded role id") << QStringLiteral("Eligibility")
                                      << bytes(R"({"id":"e1","roleDefinition":{"displayName":"Global Administrator"}})")
                                      << QStringLiteral("/roleDefinition/id");
    QTest::newRow("approval id") << QStringLiteral("Approval") << bytes(R"({"steps":[]})") << QStringLiteral("/id");
    QTest::newRow("approval step id") << QStringLiteral("Approval")
                                      << bytes(R"({"id":"a1","steps":[{"status":"InProgress","assignedToMe":true}]})")
                                      << QStringLiteral("/steps/0/id");
    QTest::newRow("approval decision verdict")
        << QStringLiteral("ApprovalDecision") << bytes(R"({"justification":"fine"})")
        << QStringLiteral("/reviewResult");
    QTest::newRow("review decision update") << QStringLiteral("ReviewDecisionUpdate")
                                            << bytes(R"({"justification":"fine"})") << QStringLiteral("/decision");
    QTest::newRow("batch decision") << QStringLiteral("BatchRecordDecisions") << bytes(R"({"principalId":"p"})")
                                    << QStringLiteral("/decision");
    QTest::newRow("policy assignment id") << QStringLiteral("RolePolicyAssignment")
                                          << bytes(R"({"policyId":"p1","scopeId":"/"})") << QStringLiteral("/id");
    QTest::newRow("expanded policy id") << QStringLiteral("RolePolicyAssignment")
                                        << bytes(R"({"id":"x","policy":{"rules":[]}})") << QStringLiteral("/policy/id");
    QTest::newRow("rule id")
        << QStringLiteral("RolePolicy")
        << bytes(
               R"({"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","maximumDuration":"PT8H"}]})")
        << QStringLiteral("/rules/0/id");
    QTest::newRow("unknown rule id")
        << QStringLiteral("RolePolicy")
        << bytes(R"({"id":"p1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyRiskRule"}]})")
        << QStringLiteral("/rules/0/id");
    QTest::newRow("review definition id")
        << QStringLiteral("AccessReviewDefinition") << bytes(R"({"displayName":"Quarterly"})") << QStringLiteral("/id");
    QTest::newRow("review instance id") << QStringLiteral("AccessReviewInstance") << bytes(R"({"status":"InProgress"})")
                                        << QStringLiteral("/id");
    QTest::newRow("review decision id") << QStringLiteral("ReviewDecision") << bytes(R"({"decision":"Approve"})")
                                        << QStringLiteral("/id");
}

void TestCodecMalformed::missingRequiredFields()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    EXPECT_FAILURE(decodeAs(kind, document), path, QStringLiteral("required"));
}

void TestCodecMalformed::decodeErrorOnGarbage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("garbage"); // nothing but the status could be read

    QTest::newRow("html") << bytes("<html><body><h1>502 Bad Gateway</h1></body></html>") << 502
                          << QStringLiteral("HttpStatus502") << true;
    QTest::newRow("empty") << QByteArray() << 503 << QStringLiteral("HttpStatus503") << true;
    QTest::newRow("whitespace") << bytes("\r\n") << 504 << QStringLiteral("HttpStatus504") << true;
    QTest::newRow("null") << bytes("null") << 500 << QStringLiteral("HttpStatus500") << true;
    QTest::newRow("top-level array") << bytes(R"([{"error":{"code":"BadRequest"}}])") << 500
                                     << QStringLiteral("HttpStatus500") << true;
    QTest::newRow("string") << bytes(R"("Service Unavailable")") << 503 << QStringLiteral("HttpStatus503") << true;
    QTest::newRow("no code") << bytes(R"({"error":{"message":"Something went wrong"}})") << 400
                             << QStringLiteral("HttpStatus400") << true;
    QTest::newRow("empty code") << bytes(R"({"error":{"code":"","message":"Something went wrong"}})") << 400
                                << QStringLiteral("HttpStatus400") << false;
    QTest::newRow("number for error") << bytes(R"({"error":42})") << 500 << QStringLiteral("HttpStatus500") << true;
    QTest::newRow("number for code") << bytes(R"({"error":{"code":400,"message":"x"}})") << 400
                                     << QStringLiteral("HttpStatus400") << true;
    QTest::newRow("truncated") << bytes(R"({"error":{"code":"BadRequest","mess)") << 400
                               << QStringLiteral("HttpStatus400") << true;
    QTest::newRow("invalid UTF-8") << bytes("{\"error\":{\"code\":\"Bad\xff\"}}") << 400
                                   << QStringLiteral("HttpStatus400") << true;
    QTest::newRow("deep nesting") << repeated('[', 100'000) << 500 << QStringLiteral("HttpStatus500") << true;
    QTest::newRow("1 MB message") << QByteArray(QByteArray(R"({"error":{"code":"BadRequest","message":")")
                                                + repeated('m', 1024 * 1024) + R"("}})")
                                  << 400 << QStringLiteral("HttpStatus400") << true;
    QTest::newRow("1e400") << bytes(R"({"error":{"code":"BadRequest","retryAfter":1e400}})") << 429
                           << QStringLiteral("HttpStatus429") << true;
    // Controls: readable bodies keep their own code.
    QTest::newRow("graph body") << bytes(
        R"({"error":{"code":"RoleAssignmentExists","message":"The Role assignment already exists."}})")
                                << 400 << QStringLiteral("RoleAssignmentExists") << false;
    QTest::newRow("oauth body without description")
        << bytes(R"({"error":"invalid_client"})") << 401 << QStringLiteral("invalid_client") << false;
}

void TestCodecMalformed::decodeErrorOnGarbage()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(bool, garbage);

    GraphError e;
    try {
        e = GraphCodec::decodeError(body, status);
    } catch (...) {
        QFAIL("decodeError threw");
    }
    QCOMPARE(e.httpStatus, status);
    QCOMPARE(e.code, code);
    if (garbage) {
        QVERIFY(e.message.isEmpty());
        QVERIFY(e.requestId.isEmpty());
        QVERIFY(e.innerCodes.isEmpty());
        QVERIFY(e.failedRules().isEmpty());
        QVERIFY(e.claimsChallenge().isEmpty());
    }
}

void TestCodecMalformed::mutatedDocuments_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");
    QTest::newRow("schedule request") << QStringLiteral("ScheduleRequest") << bytes(RequestResponse);
    QTest::newRow("beta approval") << QStringLiteral("Approval") << bytes(BetaApproval);
    QTest::newRow("review decision") << QStringLiteral("ReviewDecision") << bytes(ReviewDecisionItem);
    QTest::newRow("audit page") << QStringLiteral("AuditEventPage") << bytes(AuditPage);
    QTest::newRow("error body") << QStringLiteral("GraphError") << bytes(ErrorBody);
}

void TestCodecMalformed::mutatedDocuments()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);

    // Change each byte in turn (the truncation test covers the parser thoroughly; this one mostly
    // reaches the readers): a quote shifts string boundaries so keys become values and back, a
    // digit changes types, a deletion merges tokens. Any result is acceptable except an
    // exception, an error without a message, or a decoded value that does not survive its own
    // round trip. One change per byte, rotating, keeps the test fast under the sanitizers.
    int decoded = 0;
    int refused = 0;
    for (qsizetype pos = 0; pos < document.size(); ++pos) {
        QByteArray mutated = document;
        switch (pos % 3) {
        case 0:
            mutated[pos] = mutated[pos] == '"' ? '1' : '"';
            break;
        case 1:
            mutated[pos] = mutated[pos] == '1' ? '"' : '1';
            break;
        default:
            mutated.remove(pos, 1);
            break;
        }
        const Outcome out = decodeAs(kind, mutated);
        const QByteArray where = "byte " + QByteArray::number(pos) + ": " + mutated;
        QVERIFY2(!out.threw, where.constData());
        if (out.ok) {
            ++decoded;
            QVERIFY2(out.stable, where.constData());
        } else {
            ++refused;
            QVERIFY2(!out.error.message.isEmpty(), where.constData());
        }
    }
    // Both outcomes occur, so the loop exercised the readers and the parser alike.
    QVERIFY(decoded > 0);
    QVERIFY(refused > 0);
}

QTEST_GUILESS_MAIN(TestCodecMalformed)
#include "TestCodecMalformed.moc"
