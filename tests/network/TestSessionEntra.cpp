// Session, the commands the UI and CLI call, against the fake Microsoft Graph: the policy
// pre-flight, activation of several roles and groups, step-up on a claims challenge, approvals
// through /beta (roles) and v1.0 (groups), review decisions, and the audit query.
#include "CacheDatabase.h"
#include "EntraRig.h"
#include "Outbox.h"
#include "SyncEngine.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;

class TestSessionEntra final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void myRolesMergesRolesAndGroups();
    void preflightExplainsEveryBrokenRuleAndSendsNothing();
    void activatesSeveralRolesAndGroups();
    void claimsChallengeStepsUpAndRetriesOnce();
    void unknownRoleIsAUsageError();
    void approvesThroughBetaAndV1();
    void reviewDecisions();
    void auditFiltersAndPages();
    void auditPullStopsAtABadPage_data();
    void auditPullStopsAtABadPage();

private:
    std::unique_ptr<EntraRig> m_rig;
};

void TestSessionEntra::init()
{
    m_rig = std::make_unique<EntraRig>();
    QVERIFY(m_rig->signIn());
}

void TestSessionEntra::cleanup()
{
    m_rig.reset();
}

void TestSessionEntra::myRolesMergesRolesAndGroups()
{
    std::optional<SessionReply<QList<RoleRow>>> got;
    m_rig->session->myRoles([&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QVERIFY2(got->ok(), qPrintable(got->details));
    QCOMPARE(got->value.size(), 3);
    QStringList names;
    for (const RoleRow& row : got->value) {
        names << row.target.displayName;
    }
    QCOMPARE(names, (QStringList{QStringLiteral("Global Reader"), QStringLiteral("Prod Ops"), QStringLiteral("Security Administrator")}));
    QCOMPARE(got->value.at(1).target.kind, PimKind::Group);
    QCOMPARE(got->value.at(1).target.access, GroupAccess::Member);
}

void TestSessionEntra::preflightExplainsEveryBrokenRuleAndSendsNothing()
{
    ActivationRequest request;
    request.roles = {QStringLiteral("global reader")}; // names compare case-insensitively
    request.duration = IsoDuration::fromHours(9);
    std::optional<SessionReply<QList<ActivationOutcome>>> got;
    m_rig->session->activate(request, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->outcome, SessionOutcome::Refused);
    QCOMPARE(got->value.size(), 1);
    const ActivationOutcome& o = got->value.first();
    QStringList rules;
    for (const PolicyViolation& v : o.violations) {
        rules << v.rule;
    }
    rules.sort();
    QCOMPARE(rules, (QStringList{QStringLiteral("ExpirationRule"), QStringLiteral("JustificationRule"), QStringLiteral("TicketingRule")}));
    QVERIFY2(o.message.contains(QStringLiteral("8 h")), qPrintable(o.message)); // the role's limit
    QCOMPARE(m_rig->fake.count(QStringLiteral("roleAssignmentScheduleRequests"), "POST"), 0);
}

void TestSessionEntra::activatesSeveralRolesAndGroups()
{
    ActivationRequest request;
    request.roles = {QString::fromLatin1(FakeEntra::GlobalReader), QStringLiteral("Prod Ops")};
    request.duration = IsoDuration::fromHours(2);
    request.justification = QStringLiteral("Incident 42");
    request.ticket = TicketInfo{QStringLiteral("INC-42"), QStringLiteral("ServiceNow")};
    std::optional<SessionReply<QList<ActivationOutcome>>> got;
    m_rig->session->activate(request, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QVERIFY2(got->ok(), qPrintable(got->message));
    QCOMPARE(got->value.size(), 2);
    QCOMPARE(got->value.at(0).request->status, RequestStatus::Granted);
    const auto posts = [this](const QString& path) {
        QList<FakeRequest> out;
        for (const FakeRequest& r : m_rig->fake.log) {
            if (r.method == "POST" && r.path.endsWith(path)) {
                out << r;
            }
        }
        return out;
    };
    const QList<FakeRequest> roles = posts(QStringLiteral("/roleAssignmentScheduleRequests"));
    QCOMPARE(roles.size(), 1);
    const QJsonObject body = roles.first().json();
    QCOMPARE(body.value(QStringLiteral("action")).toString(), QStringLiteral("selfActivate"));
    QCOMPARE(body.value(QStringLiteral("principalId")).toString(), QString::fromLatin1(FakeEntra::Me));
    QCOMPARE(body.value(QStringLiteral("directoryScopeId")).toString(), QStringLiteral("/"));
    QCOMPARE(body.value(QStringLiteral("scheduleInfo")).toObject().value(QStringLiteral("expiration")).toObject().value(QStringLiteral("duration")).toString(),
             QStringLiteral("PT2H"));
    QCOMPARE(body.value(QStringLiteral("ticketInfo")).toObject().value(QStringLiteral("ticketNumber")).toString(), QStringLiteral("INC-42"));
    const QList<FakeRequest> groups = posts(QStringLiteral("/privilegedAccess/group/assignmentScheduleRequests"));
    QCOMPARE(groups.size(), 1);
    QCOMPARE(groups.first().json().value(QStringLiteral("accessId")).toString(), QStringLiteral("member"));
    QCOMPARE(groups.first().json().value(QStringLiteral("groupId")).toString(), QString::fromLatin1(FakeEntra::Group));
}

void TestSessionEntra::claimsChallengeStepsUpAndRetriesOnce()
{
    ActivationRequest request;
    request.roles = {QStringLiteral("Security Administrator")};
    request.duration = IsoDuration::fromHours(1);
    request.justification = QStringLiteral("Investigate alert");
    request.ticket = TicketInfo{QStringLiteral("INC-7"), QStringLiteral("Jira")};
    std::optional<SessionReply<QList<ActivationOutcome>>> got;
    m_rig->session->activate(request, [&got](const auto& r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 20000);
    QVERIFY2(got->ok(), qPrintable(got->message));
    const ActivationOutcome& o = got->value.first();
    QVERIFY(o.steppedUp);
    QCOMPARE(o.request->status, RequestStatus::Provisioned);
    QCOMPARE(m_rig->fake.count(QStringLiteral("roleAssignmentScheduleRequests"), "POST"), 2);
    QCOMPARE(m_rig->fake.lastClaims, QStringLiteral(R"({"access_token":{"acrs":{"essential":true,"value":"c1"}}})"));
    // The retry carried the new token, the one issued with the claims.
    const FakeRequest retry = m_rig->fake.log.last();
    QVERIFY(m_rig->fake.acrsTokens.value(retry.bearer));
}

void TestSessionEntra::unknownRoleIsAUsageError()
{
    ActivationRequest request;
    request.roles = {QStringLiteral("Global Administrator")};
    request.duration = IsoDuration::fromHours(1);
    std::optional<SessionReply<QList<ActivationOutcome>>> got;
    m_rig->session->activate(request, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->outcome, SessionOutcome::Invalid);
    QVERIFY(got->message.contains(QStringLiteral("not eligible")));
}

void TestSessionEntra::approvesThroughBetaAndV1()
{
    std::optional<SessionReply<QList<ScheduleRequest>>> inbox;
    m_rig->session->pendingApprovals([&inbox](const auto& r) { inbox = r; });
    QTRY_VERIFY(inbox.has_value());
    QVERIFY(inbox->ok());
    QCOMPARE(inbox->value.size(), 2);
    std::optional<SessionReply<QList<ItemOutcome>>> got;
    m_rig->session->decideApprovals({QString::fromLatin1(FakeEntra::PendingRequest), QString::fromLatin1(FakeEntra::PendingGroupRequest)},
                                    ApprovalVerdict::Approve, QStringLiteral("Looks right"), [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QVERIFY2(got->ok(), qPrintable(got->message));
    QCOMPARE(m_rig->fake.decidedSteps, (QStringList{QStringLiteral("step-2"), QStringLiteral("stage-1")}));
    const auto patch = std::find_if(m_rig->fake.log.cbegin(), m_rig->fake.log.cend(), [](const FakeRequest& r) { return r.method == "PATCH"; });
    QVERIFY(patch->path.startsWith(QStringLiteral("/beta/roleManagement/directory/roleAssignmentApprovals/")));
    QCOMPARE(patch->json().value(QStringLiteral("reviewResult")).toString(), QStringLiteral("Approve"));
    QCOMPARE(patch->json().value(QStringLiteral("justification")).toString(), QStringLiteral("Looks right"));
    // Deciding again: the step is no longer in progress.
    got.reset();
    m_rig->session->decideApprovals({QString::fromLatin1(FakeEntra::PendingRequest)}, ApprovalVerdict::Deny, QStringLiteral("no"),
                                    [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->outcome, SessionOutcome::Refused);
    // An unknown id is not found in either family.
    got.reset();
    m_rig->session->decideApprovals({QStringLiteral("nope")}, ApprovalVerdict::Approve, {}, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->outcome, SessionOutcome::Refused);
    QVERIFY(got->message.contains(QStringLiteral("Not found")));
}

void TestSessionEntra::reviewDecisions()
{
    std::optional<SessionReply<QList<ReviewRow>>> rows;
    m_rig->session->reviews([&rows](const auto& r) { rows = r; });
    QTRY_VERIFY(rows.has_value());
    QVERIFY(rows->ok());
    QCOMPARE(rows->value.size(), 1);
    QCOMPARE(rows->value.first().pendingDecisions, 1);
    QCOMPARE(rows->value.first().instance->id, QStringLiteral("inst-1"));

    std::optional<SessionReply<NoContent>> one;
    m_rig->session->decide(QStringLiteral("dec-1"), ReviewDecisionValue::Approve, QStringLiteral("Still needed"), [&one](const auto& r) { one = r; });
    QTRY_VERIFY(one.has_value());
    QVERIFY2(one->ok(), qPrintable(one->message));
    const FakeRequest patch = m_rig->fake.log.last();
    QCOMPARE(patch.method, QByteArray("PATCH"));
    QVERIFY(patch.path.endsWith(QStringLiteral("/decisions/dec-1")));
    QCOMPARE(patch.json().value(QStringLiteral("decision")).toString(), QStringLiteral("Approve"));

    std::optional<SessionReply<NoContent>> batch;
    m_rig->session->batchDecide(QStringLiteral("Quarterly admins"), ReviewDecisionValue::Deny, QStringLiteral("Left"), QStringLiteral("u-9"),
                                [&batch](const auto& r) { batch = r; });
    QTRY_VERIFY(batch.has_value());
    QVERIFY(batch->ok());
    QVERIFY(m_rig->fake.log.last().path.endsWith(QStringLiteral("/batchRecordDecisions")));
    QCOMPARE(m_rig->fake.log.last().json().value(QStringLiteral("principalId")).toString(), QStringLiteral("u-9"));

    std::optional<SessionReply<NoContent>> accept;
    m_rig->session->acceptRecommendations(QStringLiteral("def-1"), [&accept](const auto& r) { accept = r; });
    QTRY_VERIFY(accept.has_value());
    QVERIFY(accept->ok());
    QVERIFY(m_rig->fake.log.last().path.endsWith(QStringLiteral("/acceptRecommendations")));

    std::optional<SessionReply<NoContent>> missing;
    m_rig->session->decide(QStringLiteral("dec-404"), ReviewDecisionValue::Deny, {}, [&missing](const auto& r) { missing = r; });
    QTRY_VERIFY(missing.has_value());
    QCOMPARE(missing->outcome, SessionOutcome::Invalid);
}

void TestSessionEntra::auditFiltersAndPages()
{
    AuditQuery q;
    q.limit = 10;
    std::optional<SessionReply<QList<AuditEvent>>> got;
    m_rig->session->audit(q, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QVERIFY(got->ok());
    QCOMPARE(got->value.size(), 5); // three pages of 2, 2, 1
    QCOMPARE(got->value.at(0).result, AuditResult::Unknown); // "unknownFutureValue"
    QCOMPARE(got->value.at(1).result, AuditResult::Success);

    q.limit = 3;
    got.reset();
    m_rig->session->audit(q, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->value.size(), 3);

    q.limit = 10;
    q.text = QStringLiteral("needle");
    got.reset();
    m_rig->session->audit(q, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->value.size(), 1);
    QCOMPARE(got->value.first().id, QStringLiteral("Directory_3"));

    AuditQuery f;
    f.since = *Timestamp::fromIso(u"2026-03-01T00:00:00Z");
    f.actor = QStringLiteral("O'Brien");
    f.role = QString::fromLatin1(FakeEntra::GlobalReader);
    f.activity = QStringLiteral("Add member");
    f.result = QStringLiteral("Success");
    QCOMPARE(Session::auditFilter(f),
             QStringLiteral("activityDateTime ge 2026-03-01T00:00:00Z and initiatedBy/user/displayName eq 'O''Brien' and "
                            "targetResources/any(t: t/id eq 'f2ef992c-3afb-46b9-b7cf-a126ee74c451') and "
                            "startswith(activityDisplayName, 'Add member') and result eq 'success'"));
}

void TestSessionEntra::auditPullStopsAtABadPage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("malformed JSON") << QByteArray(R"({"value":[{"id":"Directory_2","activityDateTime":)")
                                    << QStringLiteral("malformed JSON");
    QTest::newRow("event without an id")
        << QByteArray(R"({"value":[{"activityDateTime":"2026-03-02T08:02:00Z"}],"@odata.nextLink":"x"})")
        << QStringLiteral("/value/0/id: required string is missing");
}

void TestSessionEntra::auditPullStopsAtABadPage()
{
    // The audit pull decodes its pages on a worker thread: a page that does not decode stops
    // the pull with the decoder's error, keeps what the earlier pages stored (the first-sync
    // bulk load is finished, so the archive is usable), asks for nothing after it, and the next
    // pull completes the archive.
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QTemporaryDir dir;
    Cache::CacheDatabase cache;
    Cache::Outbox outbox;
    QVERIFY(cache.open(dir.filePath(QStringLiteral("cache"))));
    QVERIFY(outbox.open(dir.filePath(QStringLiteral("outbox"))));
    SyncEngine engine(*m_rig->graph, cache, outbox);
    int pagesAsked = 0;
    m_rig->fake.intercept = [&](const FakeRequest& r) {
        if (r.path == u"/v1.0/auditLogs/directoryAudits") {
            ++pagesAsked;
            if (r.query.queryItemValue(QStringLiteral("$skiptoken")) == u"2") {
                return FakeResponse::raw(200, body);
            }
        }
        return FakeResponse{};
    };
    const auto sync = [&engine] {
        std::optional<QString> result;
        engine.syncNow(SyncCollection::Audit, [&result](const QString& e) { result = e; });
        return QTest::qWaitFor([&result] { return result.has_value(); }, 30000) ? *result : QStringLiteral("timeout");
    };
    const QString failed = sync();
    QVERIFY2(failed.contains(error), qPrintable(failed));
    QCOMPARE(pagesAsked, 2);
    QCOMPARE(engine.audit().size(), 2);
    Cache::AuditQuery all;
    all.limit = 10;
    QCOMPARE(engine.audit().query(all).rows.size(), 2);

    m_rig->fake.intercept = nullptr;
    QCOMPARE(sync(), QString());
    QCOMPARE(engine.audit().size(), 5);
}

QTEST_GUILESS_MAIN(TestSessionEntra)
#include "TestSessionEntra.moc"
