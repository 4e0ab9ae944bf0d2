// redact(): the one function that keeps tokens, codes and passwords out of logs.
#include "Redact.h"

#include <QTest>

using namespace Elevate;

class TestRedact final : public QObject
{
    Q_OBJECT

private slots:
    void text_data();
    void text();
    void urlsDecodeBeforeRedacting();
    void headers();
    void bodies();
};

void TestRedact::text_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("kept");

    QTest::newRow("authorization header") << QStringLiteral("Authorization: Bearer abc.DEF-123_x")
                                          << QStringLiteral("abc.DEF-123_x") << QStringLiteral("Authorization:");
    QTest::newRow("lower-case header, basic") << QStringLiteral("authorization: Basic dXNlcjpwYXNz")
                                              << QStringLiteral("dXNlcjpwYXNz") << QStringLiteral("authorization");
    QTest::newRow("cookie") << QStringLiteral("Cookie: session=s3cr3t; other=1") << QStringLiteral("s3cr3t")
                            << QStringLiteral("Cookie");
    QTest::newRow("set-cookie") << QStringLiteral("Set-Cookie: id=a3fWa; HttpOnly") << QStringLiteral("a3fWa")
                                << QStringLiteral("Set-Cookie");
    QTest::newRow("bearer in prose") << QStringLiteral("sending bearer zzTOKENzz to server")
                                     << QStringLiteral("zzTOKENzz") << QStringLiteral("to server");
    QTest::newRow("form refresh") << QStringLiteral("grant_type=refresh_token&refresh_token=RT-1%2B2&client_id=elevate")
                                  << QStringLiteral("RT-1%2B2") << QStringLiteral("client_id=elevate");
    QTest::newRow("form device code") << QStringLiteral("device_code=DC123&client_id=x") << QStringLiteral("DC123")
                                      << QStringLiteral("client_id=x");
    QTest::newRow("form code + verifier") << QStringLiteral("code=AUTHCODE&code_verifier=VERIFIER1&redirect_uri=http://127.0.0.1:1/")
                                          << QStringLiteral("AUTHCODE") << QStringLiteral("redirect_uri=");
    QTest::newRow("verifier") << QStringLiteral("code=A&code_verifier=VERIFIER1") << QStringLiteral("VERIFIER1")
                              << QStringLiteral("code_verifier=");
    QTest::newRow("password") << QStringLiteral("username=alice&password=hunter2") << QStringLiteral("hunter2")
                              << QStringLiteral("username=alice");
    QTest::newRow("json access token") << QStringLiteral(R"({"token_type":"Bearer","access_token":"AT.x\"y","expires_in":3600})")
                                       << QStringLiteral("AT.x") << QStringLiteral("\"expires_in\":3600");
    QTest::newRow("json refresh token spaced") << QStringLiteral(R"({ "refresh_token" : "RTxyz" })")
                                               << QStringLiteral("RTxyz") << QStringLiteral("refresh_token");
    QTest::newRow("jwt anywhere") << QStringLiteral("got eyJhbGciOi.eyJzdWIiOiIx.sig-nature_ back")
                                  << QStringLiteral("eyJzdWIiOiIx") << QStringLiteral("back");
}

void TestRedact::text()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    QFETCH(QString, kept);
    const QString out = redact(QStringView(input));
    QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY2(out.contains(kept), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("[redacted]")), qPrintable(out));
}

void TestRedact::urlsDecodeBeforeRedacting()
{
    const QUrl url(QStringLiteral("http://127.0.0.1:5000/?code=0.AbC-%2Fsecret&state=xyz&session_state=SS1"));
    const QString out = redact(url);
    QVERIFY2(!out.contains(QStringLiteral("AbC")), qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("SS1")), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("state=xyz")));
    QVERIFY(out.startsWith(QStringLiteral("http://127.0.0.1:5000/")));
    // A user:password in the URL never reaches the log.
    QVERIFY(!redact(QUrl(QStringLiteral("https://bob:pw1@graph.example/v1.0/me"))).contains(QStringLiteral("pw1")));
    // Ordinary Graph URLs stay readable.
    const QUrl graph(QStringLiteral("https://graph.microsoft.com/v1.0/roleManagement/directory/"
                                    "roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=status%20eq%20'PendingApproval'"));
    QCOMPARE(redact(graph), graph.toString(QUrl::PrettyDecoded));
}

void TestRedact::headers()
{
    QCOMPARE(redactHeader("Authorization", "Bearer abc"), QByteArray("[redacted]"));
    QCOMPARE(redactHeader("proxy-authorization", "Negotiate xyz"), QByteArray("[redacted]"));
    QCOMPARE(redactHeader("cookie", "a=b"), QByteArray("[redacted]"));
    QCOMPARE(redactHeader("request-id", "1234"), QByteArray("1234"));
    QCOMPARE(redactHeader("WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\""),
             QByteArray("Bearer realm=\"\", error=\"invalid_token\"")); // no credential after the scheme
}

void TestRedact::bodies()
{
    // A Graph error body keeps its code and message: the log needs them.
    const QByteArray error = R"({"error":{"code":"RoleAssignmentExists","message":"The role assignment already exists."}})";
    QCOMPARE(redact(error), error);
    const QByteArray token = R"({"access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln","refresh_token":"0.ARo-r","id_token":"abc"})";
    const QByteArray out = redact(token);
    QVERIFY(!out.contains("eyJ0eXAi"));
    QVERIFY(!out.contains("0.ARo-r"));
    QVERIFY(!out.contains("\"abc\""));
    QCOMPARE(out.count("[redacted]"), 3);
}

QTEST_GUILESS_MAIN(TestRedact)
#include "TestRedact.moc"
