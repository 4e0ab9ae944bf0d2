// GraphClient and ApiJob against a fake Microsoft Graph: Entra's shapes, paging, typed errors,
// the retry policy under 429/503 storms, hanging replies, cancel, redirects, and expired tokens
// (one single-flight refresh, then the request once more).
#include "EntraRig.h"

#include <QTest>

using namespace Elevate;
using namespace std::chrono_literals;

class TestGraphClient final : public QObject
{
    Q_OBJECT

private slots:
    void pagingFollowsNextLinkAndToleratesUnknowns();
    void groupsUseLowerCaseEnums();
    void typedErrorCarriesCodeAndRequestId();
    void expiredTokenRefreshesOnceForEveryone();
    void revokedRefreshTokenSignsOut();
    void retryAfterStormIsWaitedOut();
    void throttledPostIsNotResent();
    void hangingReplyTimesOut();
    void cancelAndDestructor();
    void nextLinkToAnotherHostIsRefused();
    void redirectToAnotherHostIsRefused();
    void betaApprovalAndV1GroupApproval();
};

void TestGraphClient::pagingFollowsNextLinkAndToleratesUnknowns()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    std::optional<GraphReply<QList<Eligibility>>> got;
    rig.graph->myEligibilities(PimKind::DirectoryRole, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QVERIFY2(got->ok(), qPrintable(got->result.describe()));
    QCOMPARE(got->value.size(), 2);
    QCOMPARE(rig.fake.count(QStringLiteral("roleEligibilityScheduleInstances")), 2);
    const Eligibility& first = got->value.at(0);
    QCOMPARE(first.roleDefinition->displayName, QStringLiteral("Global Reader"));
    QCOMPARE(first.startDateTime.toIso(), QStringLiteral("2025-06-01T00:00:00.0000001Z")); // 7 digits kept
    QVERIFY(first.isPermanent());
    QCOMPARE(got->value.at(1).memberType, MemberType::Unknown); // "SomethingNew"
    // The nextLink was followed verbatim (its $skiptoken), with the bearer token, on our host.
    const FakeRequest second = rig.fake.log.last();
    QCOMPARE(second.query.queryItemValue(QStringLiteral("$skiptoken"), QUrl::FullyDecoded), QStringLiteral("abc=="));
    QCOMPARE(second.bearer, rig.fake.validTokens.last());
    // The first request asked for the expansion, percent-encoded.
    const auto firstRequest = std::find_if(rig.fake.log.cbegin(), rig.fake.log.cend(), [](const FakeRequest& r) {
        return r.path.contains(QStringLiteral("roleEligibility"));
    });
    QCOMPARE(firstRequest->query.queryItemValue(QStringLiteral("$expand")), QStringLiteral("roleDefinition"));
}

void TestGraphClient::groupsUseLowerCaseEnums()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    std::optional<GraphReply<QList<Eligibility>>> got;
    rig.graph->myEligibilities(PimKind::Group, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QVERIFY(got->ok());
    QCOMPARE(got->value.size(), 1);
    const Eligibility& e = got->value.first();
    QCOMPARE(e.kind, PimKind::Group);
    QCOMPARE(e.accessId, GroupAccess::Member);
    QCOMPARE(e.memberType, MemberType::Direct);
    QCOMPARE(e.group->displayName, QStringLiteral("Prod Ops"));
    QCOMPARE(e.endDateTime.toIso(), QStringLiteral("2027-06-01T00:00:50.287Z"));
}

void TestGraphClient::typedErrorCarriesCodeAndRequestId()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    rig.fake.intercept = [](const FakeRequest& r) {
        if (r.method == "POST" && r.path.endsWith(QStringLiteral("roleAssignmentScheduleRequests"))) {
            FakeResponse e = FakeResponse::graphError(400, QStringLiteral("PendingRoleAssignmentRequest"),
                                                      QStringLiteral("There is already an existing pending Role assignment request."));
            e.headers << std::pair{QByteArray("request-id"), QByteArray("7e1a0000-1111-2222-3333-444455556666")};
            return e;
        }
        return FakeResponse{};
    };
    ScheduleRequest request;
    request.action = RequestAction::SelfActivate;
    request.roleDefinitionId = QString::fromLatin1(FakeEntra::GlobalReader);
    request.directoryScopeId = QStringLiteral("/");
    std::optional<GraphReply<ScheduleRequest>> got;
    rig.graph->submitRequest(request, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->result.kind, ApiErrorKind::Refused);
    QCOMPARE(got->result.httpStatus, 400);
    QCOMPARE(got->result.error.code, QStringLiteral("PendingRoleAssignmentRequest"));
    QVERIFY(!got->result.requestId.isEmpty());
    QCOMPARE(got->result.error.requestId, QStringLiteral("8a1c2f8e-0000-4000-8000-00000000abcd")); // innerError's
    QVERIFY(got->result.describe().contains(QStringLiteral("PendingRoleAssignmentRequest")));
    QVERIFY(!got->result.describe().contains(QStringLiteral("s3cr3t")));
    QCOMPARE(Session::messageOf(got->result), QStringLiteral("A request for this role is already waiting for approval."));
}

void TestGraphClient::expiredTokenRefreshesOnceForEveryone()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    rig.fake.expireAccessTokens();
    // The client still believes its token is good; the server says 401 to all three at once.
    int done = 0;
    QList<ApiResult> results;
    for (int i = 0; i < 3; ++i) {
        rig.graph->me([&](const GraphReply<Identity>& r) {
            ++done;
            results << r.result;
        });
    }
    QTRY_COMPARE(done, 3);
    for (const ApiResult& r : results) {
        QVERIFY2(r.ok(), qPrintable(r.describe()));
    }
    QCOMPARE(rig.fake.refreshRequests, 1); // single flight
    QCOMPARE(rig.fake.count(QStringLiteral("/v1.0/me")), 6); // each call: 401, then once more
}

void TestGraphClient::revokedRefreshTokenSignsOut()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    rig.fake.expireAccessTokens();
    rig.fake.refreshToken = QStringLiteral("revoked-elsewhere");
    int signedOut = 0;
    QObject::connect(rig.credentials.get(), &Credentials::signedOut, [&signedOut] { ++signedOut; });
    std::optional<GraphReply<Identity>> got;
    rig.graph->me([&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->result.kind, ApiErrorKind::Unauthorized);
    QCOMPARE(Session::outcomeOf(got->result), SessionOutcome::SignedOut);
    QCOMPARE(signedOut, 1);
    QCOMPARE(rig.fake.count(QStringLiteral("/v1.0/me")), 1); // not re-sent without a new token
}

void TestGraphClient::retryAfterStormIsWaitedOut()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    int calls = 0;
    rig.fake.intercept = [&calls](const FakeRequest& r) {
        if (r.path != u"/v1.0/me") {
            return FakeResponse{};
        }
        ++calls;
        if (calls == 1) {
            FakeResponse t = FakeResponse::graphError(429, QStringLiteral("TooManyRequests"), QStringLiteral("Throttled"));
            t.headers << std::pair{QByteArray("Retry-After"), QByteArray("1")};
            return t;
        }
        if (calls == 2) {
            FakeResponse t = FakeResponse::graphError(503, QStringLiteral("ServiceUnavailable"), QStringLiteral("Busy"));
            const QByteArray date = QLocale::c().toString(QDateTime::currentDateTimeUtc().addSecs(1), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
            t.headers << std::pair{QByteArray("Retry-After"), date};
            return t;
        }
        return FakeResponse{};
    };
    std::optional<GraphReply<Identity>> got;
    rig.graph->me([&got](const auto& r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 20000);
    QVERIFY2(got->ok(), qPrintable(got->result.describe()));
    QCOMPARE(got->result.attempts, 3);
    QCOMPARE(got->value.displayName, QStringLiteral("Alex Wilber"));
    QCOMPARE(calls, 3);
}

void TestGraphClient::throttledPostIsNotResent()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    rig.fake.intercept = [](const FakeRequest& r) {
        if (r.method == "POST" && r.path.startsWith(QStringLiteral("/v1.0/"))) {
            FakeResponse t = FakeResponse::graphError(429, QStringLiteral("TooManyRequests"), QStringLiteral("Throttled"));
            t.headers << std::pair{QByteArray("Retry-After"), QByteArray("2")};
            return t;
        }
        return FakeResponse{};
    };
    std::optional<GraphReply<NoContent>> got;
    rig.graph->cancelRequest(PimKind::DirectoryRole, QStringLiteral("r-1"), [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->result.kind, ApiErrorKind::Throttled);
    QCOMPARE(got->result.retryAfter, 2000ms);
    QCOMPARE(got->result.attempts, 1);
    QCOMPARE(rig.fake.count(QStringLiteral("/cancel"), "POST"), 1);
    QCOMPARE(Session::messageOf(got->result), QStringLiteral("The server is busy. Try again in 2 s."));
}

void TestGraphClient::hangingReplyTimesOut()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    rig.fake.intercept = [](const FakeRequest& r) {
        FakeResponse hang;
        hang.hang = r.path == u"/v1.0/me";
        return hang;
    };
    RetryPolicy::Settings s;
    s.maxAttempts = 2;
    s.baseDelay = 10ms;
    rig.graph->setRetryPolicy(RetryPolicy(s));
    rig.graph->setTransferTimeout(400ms);
    std::optional<GraphReply<Identity>> got;
    rig.graph->me([&got](const auto& r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 20000);
    QCOMPARE(got->result.kind, ApiErrorKind::Timeout);
    QCOMPARE(got->result.attempts, 2); // a GET that timed out is safe to try again
    QCOMPARE(rig.fake.count(QStringLiteral("/v1.0/me")), 2);
    QCOMPARE(Session::outcomeOf(got->result), SessionOutcome::Unreachable);
}

void TestGraphClient::cancelAndDestructor()
{
    EntraRig rig;
    rig.fake.intercept = [](const FakeRequest&) {
        FakeResponse hang;
        hang.hang = true;
        return hang;
    };
    ApiRequest request;
    request.url = rig.fake.base().resolved(QUrl(QStringLiteral("/v1.0/me")));
    auto* job = new ApiJob(rig.nam, request);
    int finished = 0;
    ApiResult last;
    QObject::connect(job, &ApiJob::finished, [&](const ApiResult& r) {
        ++finished;
        last = r;
    });
    job->start();
    QTRY_COMPARE(rig.fake.log.size(), 1);
    job->cancel();
    QTRY_COMPARE(finished, 1);
    QCOMPARE(last.kind, ApiErrorKind::Canceled);
    job->cancel(); // no second signal
    QTest::qWait(100);
    QCOMPARE(finished, 1);
    delete job;

    auto* doomed = new ApiJob(rig.nam, request);
    int doomedSignals = 0;
    QObject::connect(doomed, &ApiJob::finished, [&doomedSignals] { ++doomedSignals; });
    doomed->start();
    QTRY_COMPARE(rig.fake.log.size(), 2);
    delete doomed; // cancels silently
    QTest::qWait(200);
    QCOMPARE(doomedSignals, 0);
}

void TestGraphClient::nextLinkToAnotherHostIsRefused()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    rig.fake.intercept = [](const FakeRequest& r) {
        if (r.path.contains(QStringLiteral("roleAssignmentScheduleInstances"))) {
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("value"), QJsonArray{}},
                                                       {QStringLiteral("@odata.nextLink"), QStringLiteral("https://graph.evil.example/v1.0/steal")}});
        }
        return FakeResponse{};
    };
    std::optional<GraphReply<QList<ActiveAssignment>>> got;
    rig.graph->myActiveAssignments(PimKind::DirectoryRole, [&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->result.kind, ApiErrorKind::InvalidResponse);
    QVERIFY(got->result.detail.contains(QStringLiteral("another host")));
}

void TestGraphClient::redirectToAnotherHostIsRefused()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    FakeEntra elsewhere;
    elsewhere.start();
    rig.fake.intercept = [&elsewhere](const FakeRequest& r) {
        if (r.path == u"/v1.0/me") {
            FakeResponse moved = FakeResponse::raw(302, {});
            moved.headers << std::pair{QByteArray("Location"), elsewhere.base().toString().toLatin1() + "/v1.0/me"};
            return moved;
        }
        return FakeResponse{};
    };
    std::optional<GraphReply<Identity>> got;
    rig.graph->me([&got](const auto& r) { got = r; });
    QTRY_VERIFY(got.has_value());
    QCOMPARE(got->result.kind, ApiErrorKind::Redirect);
    QCOMPARE(elsewhere.log.size(), 0); // the bearer token never went there
}

void TestGraphClient::betaApprovalAndV1GroupApproval()
{
    EntraRig rig;
    QVERIFY(rig.signIn());
    std::optional<GraphReply<Approval>> role;
    rig.graph->approval(PimKind::DirectoryRole, QString::fromLatin1(FakeEntra::PendingRequest), [&role](const auto& r) { role = r; });
    QTRY_VERIFY(role.has_value());
    QVERIFY(role->ok());
    QCOMPARE(role->value.dialect, Approval::Dialect::BetaSteps);
    QCOMPARE(role->value.actionableStep()->id, QStringLiteral("step-2"));
    QVERIFY(rig.fake.log.last().path.startsWith(QStringLiteral("/beta/")));
    std::optional<GraphReply<Approval>> group;
    rig.graph->approval(PimKind::Group, QString::fromLatin1(FakeEntra::PendingGroupRequest), [&group](const auto& r) { group = r; });
    QTRY_VERIFY(group.has_value());
    QVERIFY(group->ok());
    QCOMPARE(group->value.dialect, Approval::Dialect::V1Stages);
    QCOMPARE(group->value.actionableStep()->id, QStringLiteral("stage-1"));
    QVERIFY(rig.fake.log.last().path.startsWith(QStringLiteral("/v1.0/identityGovernance/")));
}

QTEST_GUILESS_MAIN(TestGraphClient)
#include "TestGraphClient.moc"
