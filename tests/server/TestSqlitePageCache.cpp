// SqlitePageCache: SQLite's page cache with the end-of-transaction walk skipped when nothing
// lies past the database's end. Real SQLite files in WAL mode, as elevated runs them: the
// content and PRAGMA integrity_check must come out right through index splits, rollbacks,
// savepoints and a cache too small for the file; the counts show the walk is skipped.

#include "SqlitePageCache.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <cstdio>
#include <random>

using namespace Elevate::Server;

namespace {

bool g_installed = false;

class Db
{
public:
    explicit Db(const QString& path)
    {
        if (sqlite3_open(path.toUtf8().constData(), &m_db) != SQLITE_OK) {
            sqlite3_close(m_db);
            m_db = nullptr;
        }
    }
    ~Db() { sqlite3_close(m_db); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    bool ok() const { return m_db != nullptr; }

    bool exec(const char* sql)
    {
        char* message = nullptr;
        const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
        if (rc != SQLITE_OK) {
            std::fprintf(stderr, "%s: %s\n", sql, message ? message : "?");
        }
        sqlite3_free(message);
        return rc == SQLITE_OK;
    }

    QString text(const char* sql)
    {
        sqlite3_stmt* s = nullptr;
        QString out;
        if (sqlite3_prepare_v2(m_db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
            out = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        }
        sqlite3_finalize(s);
        return out;
    }

    qint64 number(const char* sql) { return text(sql).toLongLong(); }

    // `count` rows with keys spread over the whole index (so they split pages in its middle)
    // and a body of `bodyBytes`.
    bool insert(std::mt19937& random, int count, int bodyBytes)
    {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(m_db, "INSERT INTO t (k, body) VALUES (?, zeroblob(?))", -1, &s, nullptr) != SQLITE_OK) {
            return false;
        }
        bool ok = true;
        for (int i = 0; i < count && ok; ++i) {
            const QByteArray key = QByteArray::number(quint64(random()) * 2654435761u, 16);
            sqlite3_bind_text(s, 1, key.constData(), int(key.size()), SQLITE_TRANSIENT);
            sqlite3_bind_int(s, 2, bodyBytes);
            ok = sqlite3_step(s) == SQLITE_DONE;
            sqlite3_reset(s);
        }
        sqlite3_finalize(s);
        return ok;
    }

    // insert() in a transaction of its own, committed.
    bool commitRows(std::mt19937& random, int count, int bodyBytes)
    {
        return exec("BEGIN IMMEDIATE") && insert(random, count, bodyBytes) && exec("COMMIT");
    }

private:
    sqlite3* m_db = nullptr;
};

bool prepare(Db& db, int cachePages)
{
    const QByteArray cache = "PRAGMA cache_size=" + QByteArray::number(cachePages);
    return db.ok() && db.exec("PRAGMA journal_mode=WAL") && db.exec("PRAGMA synchronous=NORMAL") && db.exec(cache.constData())
        && db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, body BLOB NOT NULL)")
        && db.exec("CREATE INDEX IF NOT EXISTS t_k ON t (k)");
}

} // namespace

class TestSqlitePageCache : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void splitsInTheMiddleOfAnIndexSkipTheWalk();
    void aCacheSmallerThanTheFileStaysRight();
    void aRolledBackGrowthIsDropped();
    void savepointsRollBackInside();
    void installingAfterFirstUseChangesNothing();

private:
    QTemporaryDir m_dir;
};

void TestSqlitePageCache::initTestCase()
{
    QVERIFY2(g_installed, "SqlitePageCache::install() before SQLite's first use");
    QVERIFY(m_dir.isValid());
}

void TestSqlitePageCache::splitsInTheMiddleOfAnIndexSkipTheWalk()
{
    Db db(m_dir.filePath(QStringLiteral("splits.db")));
    QVERIFY(prepare(db, 2000));
    std::mt19937 random(7);
    const SqlitePageCache::Counts before = SqlitePageCache::counts();
    for (int transaction = 0; transaction < 300; ++transaction) {
        QVERIFY(db.commitRows(random, 20, 200));
    }
    const SqlitePageCache::Counts after = SqlitePageCache::counts();
    QCOMPARE(db.number("SELECT COUNT(*) FROM t"), qint64(6000));
    QCOMPARE(db.text("PRAGMA integrity_check"), QStringLiteral("ok"));
    // Every commit truncates; with nothing past the end, only the connection's first goes on
    // to SQLite's cache (which, after a split, would walk every page it holds).
    QVERIFY(after.truncations - before.truncations >= 300);
    QVERIFY2(after.forwarded - before.forwarded <= 3,
             qPrintable(QStringLiteral("%1 of %2 truncations went through")
                            .arg(after.forwarded - before.forwarded)
                            .arg(after.truncations - before.truncations)));
}

void TestSqlitePageCache::aCacheSmallerThanTheFileStaysRight()
{
    // 40 pages of cache for a file of hundreds: pages are recycled and spilled mid-transaction.
    const QString path = m_dir.filePath(QStringLiteral("small.db"));
    {
        Db db(path);
        QVERIFY(prepare(db, 40));
        std::mt19937 random(11);
        for (int transaction = 0; transaction < 40; ++transaction) {
            QVERIFY(db.commitRows(random, 150, 300));
        }
        QVERIFY(db.exec("DELETE FROM t WHERE id % 3 = 0"));
        QCOMPARE(db.number("SELECT COUNT(*) FROM t"), qint64(4000));
        QCOMPARE(db.text("PRAGMA integrity_check"), QStringLiteral("ok"));
    }
    Db reopened(path);
    QVERIFY(reopened.ok());
    QCOMPARE(reopened.number("SELECT COUNT(*) FROM t"), qint64(4000));
    QCOMPARE(reopened.text("PRAGMA integrity_check"), QStringLiteral("ok"));
}

void TestSqlitePageCache::aRolledBackGrowthIsDropped()
{
    const QString path = m_dir.filePath(QStringLiteral("rollback.db"));
    Db db(path);
    QVERIFY(prepare(db, 2000));
    std::mt19937 random(13);
    QVERIFY(db.commitRows(random, 500, 100));
    const qint64 pages = db.number("PRAGMA page_count");

    // The file grows by hundreds of pages, then the transaction is abandoned: those pages lie
    // past the end, so this truncation must reach SQLite's cache.
    const SqlitePageCache::Counts before = SqlitePageCache::counts();
    QVERIFY(db.exec("BEGIN IMMEDIATE"));
    QVERIFY(db.insert(random, 400, 3000));
    QVERIFY(db.number("PRAGMA page_count") > pages + 200);
    QVERIFY(db.exec("ROLLBACK"));
    QVERIFY(SqlitePageCache::counts().forwarded > before.forwarded);
    QCOMPARE(db.number("PRAGMA page_count"), pages);
    QCOMPARE(db.number("SELECT COUNT(*) FROM t"), qint64(500));

    // The same page numbers are handed out again and must come back with the new content.
    QVERIFY(db.commitRows(random, 300, 2000));
    QCOMPARE(db.number("SELECT COUNT(*) FROM t"), qint64(800));
    QCOMPARE(db.number("SELECT SUM(length(body)) FROM t"), qint64(500 * 100 + 300 * 2000));
    QCOMPARE(db.text("PRAGMA integrity_check"), QStringLiteral("ok"));
    Db other(path); // another connection reads what this one committed
    QVERIFY(other.ok());
    QCOMPARE(other.number("SELECT COUNT(*) FROM t"), qint64(800));
    QCOMPARE(other.text("PRAGMA integrity_check"), QStringLiteral("ok"));
}

void TestSqlitePageCache::savepointsRollBackInside()
{
    Db db(m_dir.filePath(QStringLiteral("savepoints.db")));
    QVERIFY(prepare(db, 2000));
    std::mt19937 random(17);
    for (int round = 0; round < 20; ++round) {
        QVERIFY(db.exec("BEGIN IMMEDIATE"));
        QVERIFY(db.insert(random, 30, 500));
        QVERIFY(db.exec("SAVEPOINT inner"));
        QVERIFY(db.insert(random, 60, 1500)); // grows the file, then is undone
        QVERIFY(db.exec("ROLLBACK TO inner"));
        QVERIFY(db.exec("RELEASE inner"));
        QVERIFY(db.insert(random, 10, 700));
        QVERIFY(db.exec("COMMIT"));
    }
    QCOMPARE(db.number("SELECT COUNT(*) FROM t"), qint64(20 * 40));
    QCOMPARE(db.number("SELECT SUM(length(body)) FROM t"), qint64(20 * (30 * 500 + 10 * 700)));
    QCOMPARE(db.text("PRAGMA integrity_check"), QStringLiteral("ok"));
}

void TestSqlitePageCache::installingAfterFirstUseChangesNothing()
{
    QVERIFY(!SqlitePageCache::install()); // SQLite is in use: refused
    Db db(m_dir.filePath(QStringLiteral("after.db")));
    QVERIFY(prepare(db, 100));
    QCOMPARE(db.text("PRAGMA integrity_check"), QStringLiteral("ok"));
}

int main(int argc, char* argv[])
{
    g_installed = SqlitePageCache::install(); // before anything opens SQLite
    QCoreApplication app(argc, argv);
    TestSqlitePageCache test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestSqlitePageCache.moc"
