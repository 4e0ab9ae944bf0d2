#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Outbox.h"
#include "SqliteConnection.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <sqlite3.h>

using namespace Elevate;
using namespace Elevate::Cache;

namespace {

RoleDefinition role(const QString& id, const QString& name)
{
    RoleDefinition r;
    r.id = id;
    r.displayName = name;
    r.templateId = id;
    r.isBuiltIn = true;
    return r;
}

bool writeGarbage(const QString& path, qint64 offset, qint64 length)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite)) {
        return false;
    }
    f.seek(offset);
    QByteArray junk(length, '\0');
    for (qint64 i = 0; i < length; ++i) {
        junk[i] = char((i * 131 + 7) & 0xff);
    }
    return f.write(junk) == length;
}

} // namespace

class TestCacheDatabase final : public QObject
{
    Q_OBJECT

private slots:
    // What the console's main() does before anything opens a database. SQLite takes it before
    // its first use only; the statistics it turns off then stay at zero.
    void initTestCase()
    {
        QVERIFY(configureSqliteLibrary());
        QTemporaryDir dir;
        CacheDatabase db;
        QVERIFY2(db.open(dir.filePath(QStringLiteral("profile.db"))), qPrintable(db.lastError()));
        QVERIFY(db.connection().execDirect(QStringLiteral("CREATE TABLE big (x)")));
        QVERIFY(db.connection().execDirect(QStringLiteral("INSERT INTO big VALUES (zeroblob(1000000))")));
        QCOMPARE(sqlite3_memory_used(), sqlite3_int64(0));
        QVERIFY(!configureSqliteLibrary()); // in use now: refused, nothing changed
    }

    void createsPrivateWalFileAtCurrentSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        CacheDatabase db;
        QVERIFY2(db.open(path), qPrintable(db.lastError()));
        QVERIFY(!db.wasRebuilt());
        QCOMPARE(db.schemaVersion(), CacheDatabase::SchemaVersion);
        QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                              | QFileDevice::WriteUser),
                 QFileDevice::Permissions());
        QCOMPARE(db.connection().scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        // FTS5 is available in this SQLite.
        QCOMPARE(db.connection().scalar(QStringLiteral("SELECT count(*) FROM audit_fts WHERE audit_fts MATCH 'x'")),
                 QVariant(0));
    }

    // A commit that leaves the log past the threshold wakes the background checkpointer, which
    // copies it into the file; what was written survives closing and reopening, and closing
    // while checkpoints are due neither hangs nor loses anything.
    void checkpointsRunInTheBackground()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        const QByteArray blob(8192, 'x');
        {
            CacheDatabase db;
            QVERIFY2(db.open(path), qPrintable(db.lastError()));
            QCOMPARE(db.backgroundCheckpoints(), 0);
            QVERIFY(db.connection().execDirect(QStringLiteral("CREATE TABLE bulk (n INTEGER PRIMARY KEY, b BLOB)")));
            const qint64 fileBefore = QFileInfo(path).size();
            // One transaction of 100 rows of 8 KiB.
            const auto insertHundredRows = [&] {
                return db.connection().transaction([&] {
                    QSqlQuery q = db.connection().prepare(QStringLiteral("INSERT INTO bulk (b) VALUES (?)"));
                    for (int i = 0; i < 100; ++i) {
                        if (!db.connection().exec(q, {blob})) {
                            return false;
                        }
                    }
                    return true;
                });
            };
            for (int batch = 0; batch < 8; ++batch) {
                QVERIFY(insertHundredRows());
            }
            // 800 rows of 8 KiB: well past 1000 log pages, so the file itself has grown.
            QTRY_VERIFY_WITH_TIMEOUT(db.backgroundCheckpoints() > 0, 10000);
            QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(path).size() > fileBefore + 4 * 1024 * 1024, 10000);
            for (int batch = 0; batch < 4; ++batch) {
                QVERIFY(insertHundredRows());
            }
        } // closed at once, checkpoints possibly still due
        QCOMPARE(CacheDatabase::check(path).status, Integrity::Status::Ok);
        CacheDatabase again;
        QVERIFY2(again.open(path), qPrintable(again.lastError()));
        QVERIFY(!again.wasRebuilt());
        QCOMPARE(again.connection().scalar(QStringLiteral("SELECT count(*) FROM bulk")), QVariant(1200));
    }

    void migrationsRunOnceAndKeepData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        {
            CacheDatabase db;
            QVERIFY(db.open(path));
            RoleDefinitionRepository roles(db);
            QVERIFY(roles.replaceCollection(QString(), {role(QStringLiteral("r1"), QStringLiteral("Reader"))}));
        }
        CacheDatabase db;
        QVERIFY(db.open(path));
        QVERIFY(!db.wasRebuilt());
        QCOMPARE(db.schemaVersion(), CacheDatabase::SchemaVersion);
        QCOMPARE(RoleDefinitionRepository(db).count(), 1);
    }

    void migratesAnEmptyVersionZeroFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        {
            // A file an older build created before any migration ran.
            SqliteConnection c;
            QVERIFY(c.open(path, {}));
            QVERIFY(c.execDirect(QStringLiteral("CREATE TABLE leftover (x INTEGER)")));
        }
        CacheDatabase db;
        QVERIFY(db.open(path));
        QVERIFY(!db.wasRebuilt());
        QCOMPARE(db.schemaVersion(), CacheDatabase::SchemaVersion);
    }

    void newerSchemaIsRebuilt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        {
            SqliteConnection c;
            QVERIFY(c.open(path, {}));
            QVERIFY(c.execDirect(QStringLiteral("PRAGMA user_version=99")));
        }
        CacheDatabase db;
        QVERIFY(db.open(path));
        QVERIFY(db.wasRebuilt());
        QCOMPARE(db.schemaVersion(), CacheDatabase::SchemaVersion);
    }

    void checkRunsOffThreadAndFindsCorruption()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        const QString outboxPath = dir.filePath(QStringLiteral("outbox.db"));
        QCOMPARE(QtConcurrent::run(&CacheDatabase::check, path).result().status, Integrity::Status::Missing);
        {
            CacheDatabase db;
            QVERIFY(db.open(path));
            QList<RoleDefinition> many;
            for (int i = 0; i < 3000; ++i) {
                many << role(QStringLiteral("role-%1").arg(i), QStringLiteral("Role number %1 with a long name").arg(i));
            }
            QVERIFY(RoleDefinitionRepository(db).replaceCollection(QString(), many));
            QVERIFY(db.connection().execDirect(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        }
        Outbox outbox;
        QVERIFY(outbox.open(outboxPath));
        QVERIFY(outbox.enqueue(OutboxItem::Kind::ReviewDecision, {QStringLiteral("x")}, QByteArrayLiteral("{}")));
        outbox.close();

        QCOMPARE(QtConcurrent::run(&CacheDatabase::check, path).result().status, Integrity::Status::Ok);
        // Damage pages in the middle of the file, leaving the header intact.
        QVERIFY(QFile(path).size() > 200 * 1024);
        QVERIFY(writeGarbage(path, 64 * 1024, 96 * 1024));
        const Integrity verdict = QtConcurrent::run(&CacheDatabase::check, path).result();
        QCOMPARE(verdict.status, Integrity::Status::Corrupt);
        QVERIFY(!verdict.detail.isEmpty());

        CacheDatabase db;
        QVERIFY(db.open(path, verdict));
        QVERIFY(db.wasRebuilt());
        QCOMPARE(RoleDefinitionRepository(db).count(), 0);
        QCOMPARE(CacheDatabase::check(path).status, Integrity::Status::Ok);
        // The outbox beside it is untouched.
        QVERIFY(outbox.open(outboxPath));
        QCOMPARE(outbox.list().size(), 1);
    }

    void garbageHeaderIsRebuiltWithoutACheck()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profile.db"));
        {
            CacheDatabase db;
            QVERIFY(db.open(path));
            QVERIFY(db.markSynced(QStringLiteral("roles"), Timestamp::fromSecsSinceEpoch(1000)));
            QVERIFY(db.connection().execDirect(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        }
        QVERIFY(writeGarbage(path, 0, 4096));
        CacheDatabase db;
        QVERIFY2(db.open(path), qPrintable(db.lastError()));
        QVERIFY(db.wasRebuilt());
        QVERIFY(!db.syncState(QStringLiteral("roles")));
    }

    void syncStateRecordsSuccessAndFailure()
    {
        QTemporaryDir dir;
        CacheDatabase db;
        QVERIFY(db.open(dir.filePath(QStringLiteral("profile.db"))));
        QVERIFY(!db.syncState(QStringLiteral("audit")));
        const Timestamp t1 = Timestamp::fromSecsSinceEpoch(1'780'000'000);
        QVERIFY(db.markSynced(QStringLiteral("audit"), t1, QStringLiteral("2026-05-28T00:00:00.0000000Z")));
        SyncState s = *db.syncState(QStringLiteral("audit"));
        QCOMPARE(s.lastSync, t1);
        QCOMPARE(s.lastAttempt, t1);
        QVERIFY(s.lastError.isEmpty());
        QCOMPARE(s.watermark, QStringLiteral("2026-05-28T00:00:00.0000000Z"));
        const Timestamp t2 = t1.plusSeconds(60);
        QVERIFY(db.markSyncFailed(QStringLiteral("audit"), t2, QStringLiteral("HTTP 503")));
        s = *db.syncState(QStringLiteral("audit"));
        QCOMPARE(s.lastSync, t1); // the last complete pull is still the older one
        QCOMPARE(s.lastAttempt, t2);
        QCOMPARE(s.lastError, QStringLiteral("HTTP 503"));
        QCOMPARE(s.watermark, QStringLiteral("2026-05-28T00:00:00.0000000Z"));
        QVERIFY(db.markSynced(QStringLiteral("audit"), t2.plusSeconds(1)));
        s = *db.syncState(QStringLiteral("audit"));
        QVERIFY(s.lastError.isEmpty());
        QCOMPARE(s.watermark, QStringLiteral("2026-05-28T00:00:00.0000000Z")); // kept when none given
        QVERIFY(db.markSyncFailed(QStringLiteral("roles"), t2, QStringLiteral("offline")));
        QCOMPARE(db.syncStates().size(), 2);
        QVERIFY(db.syncState(QStringLiteral("roles"))->lastSync.isNull());
    }
};

QTEST_GUILESS_MAIN(TestCacheDatabase)
#include "TestCacheDatabase.moc"
