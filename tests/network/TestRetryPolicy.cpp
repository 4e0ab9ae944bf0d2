// RetryPolicy: when a failed exchange is tried again, and how long to wait.
#include "RetryPolicy.h"

#include <QTest>

using namespace Elevate;
using namespace std::chrono_literals;

namespace {

RetryPolicy::Attempt attempt(const char* method, int status, const QByteArray& retryAfter = {}, int made = 1)
{
    RetryPolicy::Attempt a;
    a.method = method;
    a.httpStatus = status;
    a.retryAfter = retryAfter;
    a.attemptsMade = made;
    return a;
}

const QDateTime Now = QDateTime(QDate(2015, 10, 21), QTime(7, 27, 30), Qt::UTC);

} // namespace

class TestRetryPolicy final : public QObject
{
    Q_OBJECT

private slots:
    void retryAfterSeconds();
    void retryAfterHttpDate_data();
    void retryAfterHttpDate();
    void retryAfterGarbage();
    void throttleStatusesHonourRetryAfter();
    void backoffGrowsWithJitterAndCap();
    void stateChangingPostIsNotResentBlindly();
    void idempotencyKeyAllowsPostRetry();
    void notSentAtAllMayBeResent();
    void givesUpAfterMaxAttempts();
    void tooLongRetryAfterIsReportedNotWaited();
    void clientErrorsAreFinal();
};

void TestRetryPolicy::retryAfterSeconds()
{
    QCOMPARE(RetryPolicy::parseRetryAfter("120", Now), std::optional(120'000ms));
    QCOMPARE(RetryPolicy::parseRetryAfter(" 0 ", Now), std::optional(0ms));
    QVERIFY(RetryPolicy::parseRetryAfter("99999999999999999999", Now)->count() > 0);
}

void TestRetryPolicy::retryAfterHttpDate_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("IMF-fixdate") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << qint64(30'000);
    QTest::newRow("RFC 850") << QByteArray("Wednesday, 21-Oct-15 07:28:10 GMT") << qint64(40'000);
    QTest::newRow("asctime") << QByteArray("Wed Oct 21 07:29:00 2015") << qint64(90'000);
    QTest::newRow("in the past") << QByteArray("Wed, 21 Oct 2015 07:00:00 GMT") << qint64(0);
}

void TestRetryPolicy::retryAfterHttpDate()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, ms);
    const auto parsed = RetryPolicy::parseRetryAfter(value, Now);
    QVERIFY(parsed.has_value());
    QCOMPARE(parsed->count(), ms);
}

void TestRetryPolicy::retryAfterGarbage()
{
    QVERIFY(!RetryPolicy::parseRetryAfter("", Now));
    QVERIFY(!RetryPolicy::parseRetryAfter("soon", Now));
    QVERIFY(!RetryPolicy::parseRetryAfter("-5", Now));
    QVERIFY(!RetryPolicy::parseRetryAfter("Wed, 32 Oct 2015 07:28:00 GMT", Now));
}

void TestRetryPolicy::throttleStatusesHonourRetryAfter()
{
    RetryPolicy policy;
    for (int status : {429, 503, 504}) {
        const RetryPolicy::Decision d = policy.decide(attempt("GET", status, "7"), Now);
        QVERIFY(d.retry);
        QCOMPARE(d.delay, 7000ms);
        const RetryPolicy::Decision dated = policy.decide(attempt("GET", status, "Wed, 21 Oct 2015 07:27:45 GMT"), Now);
        QVERIFY(dated.retry);
        QCOMPARE(dated.delay, 15'000ms);
    }
    QVERIFY(!policy.decide(attempt("GET", 500, "1"), Now).retry);
    QVERIFY(!policy.decide(attempt("GET", 502), Now).retry);
}

void TestRetryPolicy::backoffGrowsWithJitterAndCap()
{
    RetryPolicy::Settings s;
    s.baseDelay = 1000ms;
    s.maxDelay = 5000ms;
    s.maxAttempts = 20;
    RetryPolicy policy(s);
    policy.setRandom([] { return 0.0; });
    QCOMPARE(policy.backoff(1), 500ms);   // half of 1 s
    QCOMPARE(policy.backoff(2), 1000ms);  // half of 2 s
    QCOMPARE(policy.backoff(3), 2000ms);
    QCOMPARE(policy.backoff(10), 2500ms); // capped at 5 s, half fixed
    policy.setRandom([] { return 0.999999; });
    QVERIFY(policy.backoff(1) > 990ms && policy.backoff(1) <= 1000ms);
    QVERIFY(policy.backoff(30) <= 5000ms);
    // 429 without Retry-After backs off the same way.
    policy.setRandom([] { return 0.5; });
    const RetryPolicy::Decision d = policy.decide(attempt("GET", 429, {}, 2), Now);
    QVERIFY(d.retry);
    QCOMPARE(d.delay, 1500ms);
    // Real jitter spreads.
    RetryPolicy jittery(s);
    QSet<qint64> seen;
    for (int i = 0; i < 50; ++i) {
        const auto b = jittery.backoff(3);
        QVERIFY(b >= 2000ms && b <= 4000ms);
        seen.insert(b.count());
    }
    QVERIFY(seen.size() > 5);
}

void TestRetryPolicy::stateChangingPostIsNotResentBlindly()
{
    RetryPolicy policy;
    for (const char* method : {"POST", "PATCH", "post"}) {
        RetryPolicy::Decision d = policy.decide(attempt(method, 429, "1"), Now);
        QVERIFY2(!d.retry, method);
        QVERIFY(d.reason.contains(QStringLiteral("idempotency")));
        RetryPolicy::Attempt lost = attempt(method, 0);
        lost.timedOut = true;
        QVERIFY(!policy.decide(lost, Now).retry);
        lost.timedOut = false;
        lost.networkError = QNetworkReply::RemoteHostClosedError; // it may have arrived
        QVERIFY(!policy.decide(lost, Now).retry);
    }
    for (const char* method : {"GET", "DELETE", "PUT"}) {
        QVERIFY2(policy.decide(attempt(method, 503, "1"), Now).retry, method);
    }
}

void TestRetryPolicy::idempotencyKeyAllowsPostRetry()
{
    RetryPolicy policy;
    RetryPolicy::Attempt a = attempt("POST", 429, "2");
    a.hasIdempotencyKey = true;
    const RetryPolicy::Decision d = policy.decide(a, Now);
    QVERIFY(d.retry);
    QCOMPARE(d.delay, 2000ms);
}

void TestRetryPolicy::notSentAtAllMayBeResent()
{
    RetryPolicy policy;
    RetryPolicy::Attempt a = attempt("POST", 0);
    a.networkError = QNetworkReply::ConnectionRefusedError;
    QVERIFY(policy.decide(a, Now).retry);
    a.networkError = QNetworkReply::HostNotFoundError;
    QVERIFY(policy.decide(a, Now).retry);
    a.networkError = QNetworkReply::ContentAccessDenied;
    QVERIFY(!policy.decide(a, Now).retry);
}

void TestRetryPolicy::givesUpAfterMaxAttempts()
{
    RetryPolicy::Settings s;
    s.maxAttempts = 3;
    RetryPolicy policy(s);
    QVERIFY(policy.decide(attempt("GET", 429, "1", 1), Now).retry);
    QVERIFY(policy.decide(attempt("GET", 429, "1", 2), Now).retry);
    const RetryPolicy::Decision d = policy.decide(attempt("GET", 429, "1", 3), Now);
    QVERIFY(!d.retry);
    QVERIFY(d.reason.contains(QStringLiteral("3 attempts")));
}

void TestRetryPolicy::tooLongRetryAfterIsReportedNotWaited()
{
    RetryPolicy policy;
    const RetryPolicy::Decision d = policy.decide(attempt("GET", 429, "3600"), Now);
    QVERIFY(!d.retry);
    QCOMPARE(d.delay, 3'600'000ms);
}

void TestRetryPolicy::clientErrorsAreFinal()
{
    RetryPolicy policy;
    for (int status : {400, 401, 403, 404, 409, 413}) {
        QVERIFY(!policy.decide(attempt("GET", status, "1"), Now).retry);
    }
    RetryPolicy::Attempt tls = attempt("GET", 0);
    tls.networkError = QNetworkReply::SslHandshakeFailedError;
    QVERIFY(!policy.decide(tls, Now).retry);
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "TestRetryPolicy.moc"
