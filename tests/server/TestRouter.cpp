// The Graph-path router: literal and captured segments, Graph function segments in both
// spellings, percent-decoding per segment, trailing slashes, version alternatives, precedence
// between patterns, and 404 versus 405.

#include "Router.h"

#include <QTest>

using namespace Elevate::Server;
using namespace Qt::StringLiterals;

namespace {

// A handler that answers with the route's name, so a test can tell which route ran.
RouteHandler named(const QString& name)
{
    return [name](const HttpRequest&, const RouteMatch&) {
        HttpResponse response;
        response.body = name.toUtf8();
        return response;
    };
}

QByteArray run(const Router::Result& result)
{
    if (result.kind != Router::Result::Kind::Found || !result.handler) {
        return {};
    }
    return (*result.handler)(HttpRequest{}, result.match).body;
}

constexpr auto Requests = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests";

} // namespace

class TestRouter final : public QObject
{
    Q_OBJECT

private:
    Router m_router;

    // Takes a QString so the test can build paths with QStringBuilder.
    Router::Result at(QByteArrayView method, const QString& path) const { return m_router.match(method, path); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString requests = QString::fromLatin1(Requests);
        QVERIFY(m_router.addRoute("GET", requests, named(u"list"_s)));
        QVERIFY(m_router.addRoute("POST", requests, named(u"create"_s)));
        QVERIFY(m_router.addRoute("GET", requests + u"/{id}"_s, named(u"get"_s)));
        QVERIFY(m_router.addRoute("POST", requests + u"/{id}/cancel"_s, named(u"cancel"_s)));
        QVERIFY(m_router.addRoute("GET", requests + u"/filterByCurrentUser(on={on})"_s, named(u"mine"_s)));
        QVERIFY(
            m_router.addRoute("GET",
                              u"/{version:beta|v1.0}/roleManagement/directory/roleAssignmentApprovals/{approvalId}"_s,
                              named(u"approval"_s)));
        QVERIFY(m_router.addRoute(
            "PATCH",
            u"/{version:beta|v1.0}/roleManagement/directory/roleAssignmentApprovals/{approvalId}/steps/{stepId}"_s,
            named(u"decide"_s)));
        QVERIFY(m_router.addRoute("GET",
                                  u"/v1.0/identityGovernance/accessReviews/definitions/{def}/instances/{inst}/"
                                  "decisions/filterByCurrentUser(on='reviewer')"_s,
                                  named(u"decisions"_s)));
        QVERIFY(m_router.addRoute("GET", u"/v1.0/things/fn(a={a},b={b})"_s, named(u"twoArgs"_s)));
        QVERIFY(m_router.addRoute("GET", u"/"_s, named(u"root"_s)));
    }

    void rejectsMalformedPatterns_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("relative") << u"v1.0/me"_s;
        QTest::newRow("empty segment") << u"/v1.0//me"_s;
        QTest::newRow("unclosed capture") << u"/v1.0/{id"_s;
        QTest::newRow("bad capture name") << u"/v1.0/{1d}"_s;
        QTest::newRow("brace in literal") << u"/v1.0/a{b}"_s;
        QTest::newRow("duplicate capture") << u"/v1.0/{id}/x/{id}"_s;
        QTest::newRow("empty alternative") << u"/{v:beta|}/x"_s;
        QTest::newRow("function arg without value") << u"/v1.0/f(on)"_s;
        QTest::newRow("function not closed") << u"/v1.0/f(on={on}"_s;
    }
    void rejectsMalformedPatterns()
    {
        QFETCH(QString, pattern);
        Router router;
        QVERIFY(!router.addRoute("GET", pattern, named(u"x"_s)));
        QVERIFY(router.patterns().isEmpty());
    }

    void rejectsDuplicateRoute()
    {
        Router router;
        QVERIFY(router.addRoute("GET", u"/v1.0/me"_s, named(u"a"_s)));
        QVERIFY(!router.addRoute("GET", u"/v1.0/me"_s, named(u"b"_s)));
        QVERIFY(router.addRoute("PATCH", u"/v1.0/me"_s, named(u"c"_s)));
        QCOMPARE(router.patterns(), QStringList{ u"/v1.0/me"_s });
    }

    void matchesLiteralAndCaptures()
    {
        const QString requests = QString::fromLatin1(Requests);
        Router::Result result = at("GET", requests);
        QCOMPARE(result.kind, Router::Result::Kind::Found);
        QCOMPARE(run(result), "list");
        QCOMPARE(result.match.routeName, requests);
        QVERIFY(result.match.params.isEmpty());

        result = at("POST", requests + u"/abc-123/cancel"_s);
        QCOMPARE(run(result), "cancel");
        QCOMPARE(result.match.param(u"id"_s), u"abc-123"_s);
        QCOMPARE(result.match.routeName, requests + u"/{id}/cancel"_s);
        QCOMPARE(result.match.param(u"missing"_s), QString());
    }

    void literalSegmentsAreCaseInsensitive()
    {
        const Router::Result result = at("GET", u"/V1.0/ROLEMANAGEMENT/directory/roleassignmentschedulerequests/AbC"_s);
        QCOMPARE(run(result), "get");
        QCOMPARE(result.match.param(u"id"_s), u"AbC"_s); // captured values keep their case
    }

    void functionSegments_data()
    {
        QTest::addColumn<QString>("segment");
        QTest::addColumn<QString>("on");
        QTest::newRow("bare") << u"filterByCurrentUser(on='principal')"_s << u"principal"_s;
        QTest::newRow("namespace-qualified")
            << u"microsoft.graph.filterByCurrentUser(on='approver')"_s << u"approver"_s;
        QTest::newRow("percent-encoded quotes") << u"filterByCurrentUser(on=%27createdBy%27)"_s << u"createdBy"_s;
        QTest::newRow("fully encoded") << u"microsoft.graph.filterByCurrentUser%28on%3D%27principal%27%29"_s
                                       << u"principal"_s;
        QTest::newRow("spaces") << u"filterByCurrentUser(%20on%20=%20'principal'%20)"_s << u"principal"_s;
        QTest::newRow("doubled quote") << u"filterByCurrentUser(on='o''brien')"_s << u"o'brien"_s;
        QTest::newRow("case-insensitive name") << u"FilterByCurrentUser(ON='principal')"_s << u"principal"_s;
    }
    void functionSegments()
    {
        QFETCH(QString, segment);
        QFETCH(QString, on);
        const QString requests = QString::fromLatin1(Requests);
        const Router::Result result = at("GET", requests + u'/' + segment);
        QCOMPARE(run(result), "mine"); // the function beats the {id} capture
        QCOMPARE(result.match.param(u"on"_s), on);
        QCOMPARE(result.match.routeName, requests + u"/filterByCurrentUser(on={on})"_s);
    }

    void malformedFunctionFallsBackToCapture_data()
    {
        QTest::addColumn<QString>("segment");
        QTest::newRow("unterminated quote") << u"filterByCurrentUser(on='principal)"_s;
        QTest::newRow("extra argument") << u"filterByCurrentUser(on='principal',x='y')"_s;
        QTest::newRow("missing argument") << u"filterByCurrentUser()"_s;
        QTest::newRow("other function") << u"filterByOtherUser(on='principal')"_s;
        QTest::newRow("other namespace") << u"contoso.filterByCurrentUser(on='principal')"_s;
        QTest::newRow("junk after") << u"filterByCurrentUser(on='principal')x"_s;
    }
    void malformedFunctionFallsBackToCapture()
    {
        // Not the function, so it is just an id for GET /{id} (which will answer 404 itself).
        QFETCH(QString, segment);
        const Router::Result result = at("GET", QString::fromLatin1(Requests) + u'/' + segment);
        QCOMPARE(run(result), "get");
    }

    void functionWithLiteralArgument()
    {
        const QString base = u"/v1.0/identityGovernance/accessReviews/definitions/d1/instances/i1/decisions/"_s;
        Router::Result result = at("GET", base + u"microsoft.graph.filterByCurrentUser(on='reviewer')"_s);
        QCOMPARE(run(result), "decisions");
        QCOMPARE(result.match.param(u"def"_s), u"d1"_s);
        QCOMPARE(result.match.param(u"inst"_s), u"i1"_s);

        result = at("GET", base + u"filterByCurrentUser(on='principal')"_s);
        QCOMPARE(result.kind, Router::Result::Kind::NotFound);
    }

    void functionArgumentsInAnyOrder()
    {
        Router::Result result = at("GET", u"/v1.0/things/fn(b=2,a='x,y')"_s);
        QCOMPARE(run(result), "twoArgs");
        QCOMPARE(result.match.param(u"a"_s), u"x,y"_s);
        QCOMPARE(result.match.param(u"b"_s), u"2"_s);

        result = at("GET", u"/v1.0/things/fn(a='1',a='2')"_s);
        QCOMPARE(result.kind, Router::Result::Kind::NotFound);
    }

    void percentDecodesEachSegment()
    {
        const QString requests = QString::fromLatin1(Requests);
        Router::Result result = at("GET", requests + u"/a%20b%2Fc%25d%C3%A9"_s);
        QCOMPARE(run(result), "get");
        // %2F decodes inside its segment and does not split the path.
        QCOMPARE(result.match.param(u"id"_s), u"a b/c%d\u00e9"_s);

        result = at("GET", u"/v1.0/roleManagement/directory/roleAssignmentSchedule%52equests"_s);
        QCOMPARE(run(result), "list");
    }

    void toleratesTrailingSlash()
    {
        const QString requests = QString::fromLatin1(Requests);
        QCOMPARE(run(at("GET", requests + u'/')), "list");
        QCOMPARE(run(at("GET", requests + u"/x/"_s)), "get");
        QCOMPARE(at("GET", requests + u"//"_s).kind, Router::Result::Kind::NotFound);
        QCOMPARE(run(at("GET", u"/"_s)), "root");
    }

    void emptySegmentsAndRelativePathsAreNotFound()
    {
        QCOMPARE(at("GET", u"/v1.0//roleManagement"_s).kind, Router::Result::Kind::NotFound);
        QCOMPARE(at("GET", u"v1.0/roleManagement"_s).kind, Router::Result::Kind::NotFound);
        QCOMPARE(at("GET", u""_s).kind, Router::Result::Kind::NotFound);
        QCOMPARE(at("GET", u"*"_s).kind, Router::Result::Kind::NotFound);
    }

    void versionAlternatives_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("captured");
        QTest::newRow("beta") << u"beta"_s << u"beta"_s;
        QTest::newRow("v1.0") << u"v1.0"_s << u"v1.0"_s;
        QTest::newRow("upper case") << u"BETA"_s << u"beta"_s;
    }
    void versionAlternatives()
    {
        QFETCH(QString, version);
        QFETCH(QString, captured);
        const QString path = u'/' + version + u"/roleManagement/directory/roleAssignmentApprovals/req-1"_s;
        const Router::Result result = at("GET", path);
        QCOMPARE(run(result), "approval");
        QCOMPARE(result.match.param(u"version"_s), captured);
        QCOMPARE(result.match.param(u"approvalId"_s), u"req-1"_s);
        QCOMPARE(result.match.routeName,
                 u"/{version:beta|v1.0}/roleManagement/directory/roleAssignmentApprovals/{approvalId}"_s);

        const Router::Result step
            = at("PATCH", u'/' + version + u"/roleManagement/directory/roleAssignmentApprovals/r/steps/s"_s);
        QCOMPARE(run(step), "decide");
        QCOMPARE(step.match.param(u"stepId"_s), u"s"_s);
    }

    void otherVersionsAreNotFound()
    {
        QCOMPARE(at("GET", u"/v2.0/roleManagement/directory/roleAssignmentApprovals/r"_s).kind,
                 Router::Result::Kind::NotFound);
        QCOMPARE(at("GET", u"/beta/roleManagement/directory/roleAssignmentScheduleRequests"_s).kind,
                 Router::Result::Kind::NotFound);
    }

    void notFoundVersusMethodNotAllowed()
    {
        const QString requests = QString::fromLatin1(Requests);
        Router::Result result = at("GET", u"/v1.0/nothing/here"_s);
        QCOMPARE(result.kind, Router::Result::Kind::NotFound);
        QVERIFY(result.allowedMethods.isEmpty());
        QVERIFY(!result.handler);

        result = at("DELETE", requests);
        QCOMPARE(result.kind, Router::Result::Kind::MethodNotAllowed);
        QCOMPARE(result.allowedMethods, (QByteArrayList{ "GET", "HEAD", "POST" }));
        QVERIFY(!result.handler);

        result = at("GET", requests + u"/abc/cancel"_s);
        QCOMPARE(result.kind, Router::Result::Kind::MethodNotAllowed);
        QCOMPARE(result.allowedMethods, QByteArrayList{ "POST" });
        QCOMPARE(result.match.routeName, requests + u"/{id}/cancel"_s);

        // The most specific path decides: the function route has no PATCH, even though
        // /{id} might have had one.
        result = at("POST", requests + u"/filterByCurrentUser(on='principal')"_s);
        QCOMPARE(result.kind, Router::Result::Kind::MethodNotAllowed);
        QCOMPARE(result.allowedMethods, (QByteArrayList{ "GET", "HEAD" }));
    }

    void headFallsBackToGet()
    {
        const Router::Result result = at("HEAD", QString::fromLatin1(Requests));
        QCOMPARE(run(result), "list");
    }

    void patternsListsEachOnce()
    {
        const QStringList patterns = m_router.patterns();
        QCOMPARE(patterns.size(), 9);
        QCOMPARE(patterns.first(), QString::fromLatin1(Requests));
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "TestRouter.moc"
