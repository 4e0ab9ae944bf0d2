// TOTP against the RFC test vectors: RFC 6238 Appendix B (SHA-1), RFC 4226 Appendix D (HOTP),
// RFC 4648 §10 (base32); the ±1-step window; the otpauth:// URI.

#include "SecureRandom.h"
#include "Totp.h"

#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace Elevate::Server;

class TestTotp final : public QObject
{
    Q_OBJECT

private slots:
    void rfc6238Vectors_data();
    void rfc6238Vectors();
    void rfc4226HotpVectors();
    void base32Vectors_data();
    void base32Vectors();
    void base32RoundTripAndRejects();
    void matchingStepWindow();
    void provisioningUri();
    void constantTimeEquality();
};

namespace {

const QByteArray RfcSecret = QByteArrayLiteral("12345678901234567890");

} // namespace

void TestTotp::rfc6238Vectors_data()
{
    QTest::addColumn<qint64>("unixTime");
    QTest::addColumn<QString>("code");
    QTest::newRow("59") << qint64(59) << QStringLiteral("94287082");
    QTest::newRow("1111111109") << qint64(1111111109) << QStringLiteral("07081804");
    QTest::newRow("1111111111") << qint64(1111111111) << QStringLiteral("14050471");
    QTest::newRow("1234567890") << qint64(1234567890) << QStringLiteral("89005924");
    QTest::newRow("2000000000") << qint64(2000000000) << QStringLiteral("69279037");
    QTest::newRow("20000000000") << qint64(20000000000) << QStringLiteral("65353130");
}

void TestTotp::rfc6238Vectors()
{
    QFETCH(qint64, unixTime);
    QFETCH(QString, code);
    QCOMPARE(Totp::code(RfcSecret, Totp::stepAt(unixTime), 8), code);
    // Six digits are the last six of the eight.
    QCOMPARE(Totp::code(RfcSecret, Totp::stepAt(unixTime)), code.right(6));
}

void TestTotp::rfc4226HotpVectors()
{
    const QStringList expected{QStringLiteral("755224"), QStringLiteral("287082"), QStringLiteral("359152"),
                               QStringLiteral("969429"), QStringLiteral("338314"), QStringLiteral("254676"),
                               QStringLiteral("287922"), QStringLiteral("162583"), QStringLiteral("399871"),
                               QStringLiteral("520489")};
    for (int counter = 0; counter < expected.size(); ++counter) {
        QCOMPARE(Totp::code(RfcSecret, counter), expected.at(counter));
    }
}

void TestTotp::base32Vectors_data()
{
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QString>("encoded");
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("f") << QByteArrayLiteral("f") << QStringLiteral("MY");
    QTest::newRow("fo") << QByteArrayLiteral("fo") << QStringLiteral("MZXQ");
    QTest::newRow("foo") << QByteArrayLiteral("foo") << QStringLiteral("MZXW6");
    QTest::newRow("foob") << QByteArrayLiteral("foob") << QStringLiteral("MZXW6YQ");
    QTest::newRow("fooba") << QByteArrayLiteral("fooba") << QStringLiteral("MZXW6YTB");
    QTest::newRow("foobar") << QByteArrayLiteral("foobar") << QStringLiteral("MZXW6YTBOI");
    QTest::newRow("rfc secret") << RfcSecret << QStringLiteral("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

void TestTotp::base32Vectors()
{
    QFETCH(QByteArray, plain);
    QFETCH(QString, encoded);
    QCOMPARE(Totp::toBase32(plain), encoded);
    QCOMPARE(Totp::fromBase32(encoded), plain);
}

void TestTotp::base32RoundTripAndRejects()
{
    for (int i = 0; i < 50; ++i) {
        const QByteArray secret = Totp::newSecret();
        QCOMPARE(secret.size(), Totp::SecretBytes);
        QCOMPARE(Totp::fromBase32(Totp::toBase32(secret)), secret);
    }
    // What people type: lower case, spaces, padding.
    QCOMPARE(Totp::fromBase32(QStringLiteral("mzxw 6ytb oi======")), QByteArrayLiteral("foobar"));
    QVERIFY(Totp::fromBase32(QStringLiteral("MZXW1")).isEmpty()); // '1' is not base32
    QVERIFY(Totp::fromBase32(QStringLiteral("MY==MY")).isEmpty()); // data after padding
    QVERIFY(Totp::newSecret() != Totp::newSecret());
}

void TestTotp::matchingStepWindow()
{
    const QByteArray secret = Totp::newSecret();
    const std::int64_t now = Totp::stepAt(1'772'442'000);
    QCOMPARE(Totp::matchingStep(secret, Totp::code(secret, now), now), now);
    QCOMPARE(Totp::matchingStep(secret, Totp::code(secret, now - 1), now), now - 1);
    QCOMPARE(Totp::matchingStep(secret, Totp::code(secret, now + 1), now), now + 1);
    // Spaces as apps show them ("123 456") are fine.
    const QString spaced = Totp::code(secret, now).insert(3, u' ');
    QCOMPARE(Totp::matchingStep(secret, spaced, now), now);
    // Two steps away is outside the window, unless a code happens to repeat in it.
    for (const std::int64_t far : {now - 2, now + 2, now - 100}) {
        const QString code = Totp::code(secret, far);
        bool collides = false;
        for (std::int64_t s = now - 1; s <= now + 1; ++s) {
            collides = collides || Totp::code(secret, s) == code;
        }
        if (!collides) {
            QCOMPARE(Totp::matchingStep(secret, code, now), std::int64_t(-1));
        }
    }
    QCOMPARE(Totp::matchingStep(secret, QString(), now), std::int64_t(-1));
    QCOMPARE(Totp::matchingStep(secret, QStringLiteral("12345"), now), std::int64_t(-1));
    QCOMPARE(Totp::matchingStep(secret, QStringLiteral("abcdef"), now), std::int64_t(-1));
    // Another secret's code does not match (a one-in-a-million coincidence aside, checked).
    const QByteArray other = Totp::newSecret();
    const QString otherCode = Totp::code(other, now);
    if (otherCode != Totp::code(secret, now - 1) && otherCode != Totp::code(secret, now)
        && otherCode != Totp::code(secret, now + 1)) {
        QCOMPARE(Totp::matchingStep(secret, otherCode, now), std::int64_t(-1));
    }
    // Step boundaries: 30-second steps, floor division.
    QCOMPARE(Totp::stepAt(0), std::int64_t(0));
    QCOMPARE(Totp::stepAt(29), std::int64_t(0));
    QCOMPARE(Totp::stepAt(30), std::int64_t(1));
    QCOMPARE(Totp::stepAt(-1), std::int64_t(-1));
}

void TestTotp::provisioningUri()
{
    const QString uri = Totp::provisioningUri(QStringLiteral("Elevate"), QStringLiteral("alice@contoso.test"), RfcSecret);
    const QUrl url(uri);
    QCOMPARE(url.scheme(), QStringLiteral("otpauth"));
    QCOMPARE(url.host(), QStringLiteral("totp"));
    QCOMPARE(url.path(QUrl::FullyDecoded), QStringLiteral("/Elevate:alice@contoso.test"));
    const QUrlQuery q(url);
    QCOMPARE(q.queryItemValue(QStringLiteral("secret")), QStringLiteral("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    QCOMPARE(q.queryItemValue(QStringLiteral("issuer")), QStringLiteral("Elevate"));
    QCOMPARE(q.queryItemValue(QStringLiteral("algorithm")), QStringLiteral("SHA1"));
    QCOMPARE(q.queryItemValue(QStringLiteral("digits")), QStringLiteral("6"));
    QCOMPARE(q.queryItemValue(QStringLiteral("period")), QStringLiteral("30"));
    // Characters that would break the label are encoded.
    QVERIFY(Totp::provisioningUri(QStringLiteral("A B"), QStringLiteral("x?y"), RfcSecret)
                .startsWith(QStringLiteral("otpauth://totp/A%20B:x%3Fy?")));
}

void TestTotp::constantTimeEquality()
{
    QVERIFY(constantTimeEquals(QByteArrayLiteral("abc"), QByteArrayLiteral("abc")));
    QVERIFY(!constantTimeEquals(QByteArrayLiteral("abc"), QByteArrayLiteral("abd")));
    QVERIFY(!constantTimeEquals(QByteArrayLiteral("abc"), QByteArrayLiteral("ab")));
    QVERIFY(constantTimeEquals(QByteArray(), QByteArray()));
}

QTEST_GUILESS_MAIN(TestTotp)
#include "TestTotp.moc"
