// PasswordHasher: Argon2id records that verify, refuse wrong passwords and malformed records,
// carry their parameters, and differ per salt.

#include "PasswordHasher.h"

#include <QTest>

using namespace Elevate::Server;

namespace {

Argon2Parameters cheap()
{
    Argon2Parameters p;
    p.memoryKiB = 256;
    p.iterations = 1;
    p.parallelism = 1;
    return p;
}

} // namespace

class TestPasswordHasher final : public QObject
{
    Q_OBJECT

private slots:
    void hashesAndVerifies();
    void saltMakesEveryRecordDifferent();
    void defaultParametersAreStrong();
    void rejectsMalformedRecords_data();
    void rejectsMalformedRecords();
    void rejectsTamperedRecord();
    void normalisesUnicode();
    void needsRehash();
};

void TestPasswordHasher::hashesAndVerifies()
{
    const PasswordHasher hasher(cheap());
    const QString record = hasher.hash(QStringLiteral("correct horse battery staple"));
    QVERIFY(record.startsWith(QStringLiteral("$argon2id$v=19$m=256,t=1,p=1$")));
    QVERIFY(!record.contains(QStringLiteral("correct horse")));
    QCOMPARE(record.count(u'$'), 5);
    QVERIFY(hasher.verify(QStringLiteral("correct horse battery staple"), record));
    QVERIFY(!hasher.verify(QStringLiteral("correct horse battery stapler"), record));
    QVERIFY(!hasher.verify(QStringLiteral("Correct horse battery staple"), record));
    QVERIFY(!hasher.verify(QString(), record));

    // A hasher with other parameters still verifies: the record says how it was made.
    Argon2Parameters other = cheap();
    other.memoryKiB = 512;
    other.iterations = 2;
    QVERIFY(PasswordHasher(other).verify(QStringLiteral("correct horse battery staple"), record));
}

void TestPasswordHasher::saltMakesEveryRecordDifferent()
{
    const PasswordHasher hasher(cheap());
    const QString a = hasher.hash(QStringLiteral("same password"));
    const QString b = hasher.hash(QStringLiteral("same password"));
    QVERIFY(!a.isEmpty());
    QVERIFY(a != b);
    // The salt part differs, not only the hash.
    QVERIFY(a.section(u'$', 4, 4) != b.section(u'$', 4, 4));
    QCOMPARE(a.section(u'$', 4, 4).size(), 22); // 16 bytes, unpadded base64
    QCOMPARE(a.section(u'$', 5, 5).size(), 43); // 32 bytes
    QVERIFY(hasher.verify(QStringLiteral("same password"), a));
    QVERIFY(hasher.verify(QStringLiteral("same password"), b));
}

void TestPasswordHasher::defaultParametersAreStrong()
{
    const PasswordHasher hasher;
    QCOMPARE(hasher.parameters().memoryKiB, 64u * 1024u);
    QCOMPARE(hasher.parameters().iterations, 3u);
    const QString record = hasher.hash(QStringLiteral("pw"));
    QVERIFY(record.startsWith(QStringLiteral("$argon2id$v=19$m=65536,t=3,p=4$")));
    QVERIFY(hasher.verify(QStringLiteral("pw"), record));
}

void TestPasswordHasher::rejectsMalformedRecords_data()
{
    QTest::addColumn<QString>("record");
    const PasswordHasher hasher(cheap());
    const QString good = hasher.hash(QStringLiteral("secret"));
    const QString salt = good.section(u'$', 4, 4);
    const QString hash = good.section(u'$', 5, 5);

    QTest::newRow("empty") << QString();
    QTest::newRow("plain text") << QStringLiteral("secret");
    QTest::newRow("truncated") << good.left(good.size() - 10).left(40);
    QTest::newRow("argon2i") << QStringLiteral("$argon2i$v=19$m=256,t=1,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("argon2d") << QStringLiteral("$argon2d$v=19$m=256,t=1,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("old version") << QStringLiteral("$argon2id$v=16$m=256,t=1,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("no version") << QStringLiteral("$argon2id$m=256,t=1,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("huge memory") << QStringLiteral("$argon2id$v=19$m=4294967295,t=1,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("zero passes") << QStringLiteral("$argon2id$v=19$m=256,t=0,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("many passes") << QStringLiteral("$argon2id$v=19$m=256,t=100000,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("zero lanes") << QStringLiteral("$argon2id$v=19$m=256,t=1,p=0$%1$%2").arg(salt, hash);
    QTest::newRow("bad base64") << QStringLiteral("$argon2id$v=19$m=256,t=1,p=1$%1$%2").arg(salt, hash.left(40) + u"*!#");
    QTest::newRow("padded base64") << QStringLiteral("$argon2id$v=19$m=256,t=1,p=1$%1==$%2").arg(salt, hash);
    QTest::newRow("trailing newline") << good + u'\n';
    QTest::newRow("leading space") << u' ' + good;
    QTest::newRow("missing hash") << QStringLiteral("$argon2id$v=19$m=256,t=1,p=1$%1$").arg(salt);
    QTest::newRow("bcrypt") << QStringLiteral("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW");
}

void TestPasswordHasher::rejectsMalformedRecords()
{
    QFETCH(QString, record);
    const PasswordHasher hasher(cheap());
    QVERIFY(!hasher.verify(QStringLiteral("secret"), record));
    QVERIFY(hasher.needsRehash(record));
}

void TestPasswordHasher::rejectsTamperedRecord()
{
    const PasswordHasher hasher(cheap());
    const QString good = hasher.hash(QStringLiteral("secret"));
    QVERIFY(hasher.verify(QStringLiteral("secret"), good));

    // Flip one character of the hash, then of the salt: both must fail.
    QString tamperedHash = good;
    const qsizetype last = tamperedHash.size() - 2;
    tamperedHash[last] = tamperedHash[last] == u'A' ? u'B' : u'A';
    QVERIFY(!hasher.verify(QStringLiteral("secret"), tamperedHash));

    QString tamperedSalt = good;
    const qsizetype saltStart = good.indexOf(u'$', good.indexOf(QStringLiteral("p=1"))) + 1;
    tamperedSalt[saltStart] = tamperedSalt[saltStart] == u'A' ? u'B' : u'A';
    QVERIFY(!hasher.verify(QStringLiteral("secret"), tamperedSalt));

    // Cheaper parameters with the same salt and hash do not verify either.
    QString downgraded = good;
    downgraded.replace(QStringLiteral("m=256"), QStringLiteral("m=128"));
    QVERIFY(!hasher.verify(QStringLiteral("secret"), downgraded));
}

void TestPasswordHasher::normalisesUnicode()
{
    const PasswordHasher hasher(cheap());
    const QString composed = QStringLiteral("caf\u00e9-\u00fcber");
    const QString decomposed = QStringLiteral("cafe\u0301-u\u0308ber");
    QVERIFY(composed != decomposed);
    const QString record = hasher.hash(composed);
    QVERIFY(hasher.verify(decomposed, record));
    QVERIFY(!hasher.verify(QStringLiteral("cafe-uber"), record));
}

void TestPasswordHasher::needsRehash()
{
    const PasswordHasher weak(cheap());
    const QString record = weak.hash(QStringLiteral("pw"));
    QVERIFY(!weak.needsRehash(record));

    Argon2Parameters stronger = cheap();
    stronger.memoryKiB = 1024;
    QVERIFY(PasswordHasher(stronger).needsRehash(record));

    Argon2Parameters morePasses = cheap();
    morePasses.iterations = 2;
    QVERIFY(PasswordHasher(morePasses).needsRehash(record));
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "TestPasswordHasher.moc"
