// Group commit: Database batches (savepoint per unit, one COMMIT for all) on a real SQLite file,
// and HttpServer holding its answers until the batch they depend on is durable, over real
// sockets on 127.0.0.1. A failed COMMIT is injected with a deferred foreign key, which SQLite
// checks only at COMMIT.

#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "HttpServer.h"
#include "Router.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <QRegularExpression>

#include <atomic>
#include <cerrno>
#include <memory>
#include <mutex>
#include <thread>

#include <unistd.h>

using namespace Elevate;
using namespace Elevate::Server;
using namespace Qt::StringLiterals;

namespace {

// A second connection to the same file: sees only what has been committed.
class Observer final
{
public:
    explicit Observer(const QString& path)
        : m_name(u"observer-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~Observer() { QSqlDatabase::removeDatabase(m_name); }
    Observer(const Observer&) = delete;
    Observer& operator=(const Observer&) = delete;

    qint64 rows()
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(u"SELECT COUNT(*) FROM items"_s) || !q.next()) {
            return -1;
        }
        return q.value(0).toLongLong();
    }

private:
    QString m_name;
};

} // namespace

class TestGroupCommit final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    QString m_path;
    QList<bool> m_outcomes; // what the batch listener heard: committed or not
    QList<quint64> m_batches; // and of which batches
    QList<Database::BatchOutcome> m_ends; // and how they ended

    bool insert(int value)
    {
        bool ok = false;
        m_db->run(u"INSERT INTO items (value) VALUES (?)"_s, { value }, &ok);
        return ok;
    }
    // A row whose parent does not exist: accepted now, refused at COMMIT.
    bool insertOrphan()
    {
        bool ok = false;
        m_db->run(u"INSERT INTO children (parent) VALUES (?)"_s, { 424242 }, &ok);
        return ok;
    }

    // Asks the database for ended log syncs (noticeLogSyncs()) until the listener has heard of a
    // batch, for 10 s at most, without returning to the event loop.
    void noticeUntilToldOfABatch()
    {
        QElapsedTimer waited;
        waited.start();
        while (m_batches.isEmpty() && waited.elapsed() < 10000) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            m_db->noticeLogSyncs();
        }
    }

    static constexpr int PageRows = 256;
    static constexpr int PerBatch = 64; // rows rewritten per batch, each a page of its own
    static constexpr qint64 FrameBytes = 4096 + 24;

    // Group commit on a table of PageRows rows of a page each, without a sync per commit.
    void startPageStream()
    {
        QVERIFY(m_db->setDurability(Database::Durability::Normal)); // no sync per commit: a fast stream
        m_db->setGroupCommit(true);
        bool ok = false;
        m_db->run(u"CREATE TABLE pages (id INTEGER PRIMARY KEY, bytes BLOB)"_s, {}, &ok);
        QVERIFY(ok);
        for (int i = 0; i < PageRows; ++i) {
            QVERIFY(m_db->transaction(
                [&] { return m_db->write(u"INSERT INTO pages VALUES (?, ?)"_s, { i, QByteArray(3000, 'p') }); }));
        }
        QVERIFY(m_db->commitBatch());
    }

    // Commits `batches` batches that each rewrite PerBatch rows; returns the log file's largest
    // size after a commit.
    qint64 streamPages(int batches)
    {
        const QString wal = m_path + u"-wal"_s;
        qint64 largest = 0;
        for (int batch = 0; batch < batches; ++batch) {
            const QByteArray bytes = QByteArray::number(batch).rightJustified(3000, 'p');
            for (int i = 0; i < PerBatch; ++i) {
                const int row = (batch * PerBatch + i) % PageRows;
                if (!m_db->transaction(
                        [&] { return m_db->write(u"UPDATE pages SET bytes = ? WHERE id = ?"_s, { bytes, row }); })
                    || QTest::currentTestFailed()) {
                    return -1;
                }
            }
            if (!m_db->commitBatch()) {
                return -1;
            }
            largest = std::max(largest, QFileInfo(wal).size());
        }
        return largest;
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) + u".db"_s);
        m_db = std::make_unique<Database>();
        QString error;
        QVERIFY2(m_db->open(u"sqlite:"_s + m_path, &error), qPrintable(error));
        QVERIFY(m_db->transaction([&] {
            bool a = false;
            bool b = false;
            m_db->run(u"CREATE TABLE items (id INTEGER PRIMARY KEY, value INTEGER UNIQUE)"_s, {}, &a);
            m_db->run(u"CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES items(id) "
                      u"DEFERRABLE INITIALLY DEFERRED)"_s,
                      {},
                      &b);
            return a && b;
        }));
        m_outcomes.clear();
        m_batches.clear();
        m_ends.clear();
        m_db->setBatchListener([this](quint64 batch, Database::BatchOutcome outcome) {
            m_outcomes << (outcome == Database::BatchOutcome::Committed);
            m_batches << batch;
            m_ends << outcome;
        });
    }

    void cleanup()
    {
        m_db.reset();
    }

    void withoutGroupCommitEachTransactionCommitsAtOnce()
    {
        Observer observer(m_path);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QCOMPARE(observer.rows(), 1);
        QVERIFY(!m_db->batchOpen());
        QVERIFY(m_outcomes.isEmpty());
    }

    void unitsShareOneCommitAtTheEndOfTheTurn()
    {
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        for (int i = 1; i <= 3; ++i) {
            QVERIFY(m_db->transaction([&] { return insert(i); }));
        }
        QVERIFY(m_db->batchOpen());
        QCOMPARE(m_db->batchUnits(), 3);
        // Not durable yet, so not visible to anyone else.
        QCOMPARE(observer.rows(), 0);
        QVERIFY(m_outcomes.isEmpty());
        QTRY_COMPARE(m_outcomes, QList<bool>{ true });
        QVERIFY(!m_db->batchOpen());
        QCOMPARE(observer.rows(), 3);
    }

    // --durability: FULL syncs the log at each commit, NORMAL only at checkpoints; a bulk load's
    // OFF returns to the chosen level, and the level holds across a reopen.
    void durabilitySetsTheConnectionsSync()
    {
        auto synchronous = [&] { return m_db->scalar(u"PRAGMA synchronous"_s).toInt(); };
        QCOMPARE(m_db->durability(), Database::Durability::Full);
        QCOMPARE(synchronous(), 2); // FULL
        QVERIFY(m_db->setDurability(Database::Durability::Normal));
        QCOMPARE(synchronous(), 1); // NORMAL
        QVERIFY(m_db->setDurable(false));
        QCOMPARE(synchronous(), 0); // OFF
        QVERIFY(m_db->setDurable(true));
        QCOMPARE(synchronous(), 1);
        m_db->close();
        QString error;
        QVERIFY2(m_db->open(u"sqlite:"_s + m_path, &error), qPrintable(error));
        QCOMPARE(synchronous(), 1);
        QCOMPARE(m_db->scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
        // A batch at NORMAL commits and is seen by another connection like one at FULL.
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(7); }));
        QTRY_COMPARE(m_outcomes, QList<bool>{ true });
        QCOMPARE(observer.rows(), 1);
        QVERIFY(!m_db->syncsLogAside());
        // FULL with group commit: the connection commits at NORMAL and the log syncer syncs.
        QVERIFY(m_db->setDurability(Database::Durability::Full));
        QVERIFY(m_db->syncsLogAside());
        QCOMPARE(synchronous(), 1);
        m_db->setGroupCommit(false);
        QVERIFY(!m_db->syncsLogAside());
        QCOMPARE(synchronous(), 2);
    }

    void aFailedUnitRollsBackAlone()
    {
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        // Wrote, then changed its mind.
        QVERIFY(!m_db->transaction([&] { return insert(2) && false; }));
        // A statement fails (duplicate value); the unit's first insert goes with it.
        QVERIFY(!m_db->transaction([&] {
            insert(3);
            return insert(1);
        }));
        // Nested transactions join their unit.
        QVERIFY(m_db->transaction([&] { return insert(4) && m_db->transaction([&] { return insert(5); }); }));
        QVERIFY(m_db->commitBatch());
        QTRY_COMPARE(m_outcomes, QList<bool>{ true });
        QCOMPARE(observer.rows(), 3);
        QCOMPARE(m_db->scalar(u"SELECT group_concat(value) FROM (SELECT value FROM items ORDER BY value)"_s).toString(),
                 u"1,4,5"_s);
    }

    void aFailedCommitRollsBackTheWholeBatchAndSaysSo()
    {
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QVERIFY(m_db->transaction([&] { return insertOrphan(); })); // fine until COMMIT
        QString error;
        QVERIFY(!m_db->commitBatch(&error));
        QVERIFY2(error.contains(u"FOREIGN KEY"_s, Qt::CaseInsensitive), qPrintable(error));
        QCOMPARE(m_outcomes, QList<bool>{ false });
        QVERIFY(!m_db->batchOpen());
        QCOMPARE(observer.rows(), 0);
        // The next batch starts clean.
        QVERIFY(m_db->transaction([&] { return insert(7); }));
        QVERIFY(m_db->commitBatch());
        QTRY_COMPARE(m_outcomes, (QList<bool>{ false, true }));
        QCOMPARE(observer.rows(), 1);
    }

    void aFullBatchCommitsWithoutWaitingForTheTurn()
    {
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        for (int i = 0; i < Database::MaxBatchUnits; ++i) {
            QVERIFY(m_db->transaction([&] { return insert(i); }));
        }
        // No event loop has run: the last unit filled the batch and committed it.
        QVERIFY(!m_db->batchOpen());
        QCOMPARE(observer.rows(), Database::MaxBatchUnits);
        QTRY_COMPARE(m_outcomes, QList<bool>{ true });
        QVERIFY(m_db->transaction([&] { return insert(100000); }));
        QVERIFY(m_db->batchOpen());
        QCOMPARE(m_db->batchUnits(), 1);
    }

    void turningGroupCommitOffCommitsTheOpenBatch()
    {
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        m_db->setGroupCommit(false);
        QCOMPARE(m_outcomes, QList<bool>{ true });
        QCOMPARE(observer.rows(), 1);
    }

    void closingKeepsTheOpenBatch()
    {
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        m_db->close();
        Observer observer(m_path);
        QCOMPARE(observer.rows(), 1);
        QVERIFY(m_outcomes.isEmpty()); // nobody is told at shutdown
    }

    // ---- Durability::Full with group commit: the log synced by a thread of its own ----

    void aBatchIsToldOfOnlyAfterItsLogSyncWhileTheNextOneRuns()
    {
        std::atomic<bool> diskAnswers{ false };
        std::atomic<int> syncs{ 0 };
        std::mutex mutex;
        QStringList synced; // the files synced
        m_db->setLogSyncFunction([&](int fd) {
            {
                std::lock_guard lock(mutex);
                synced << QFile::symLinkTarget(u"/proc/self/fd/"_s + QString::number(fd));
            }
            ++syncs;
            while (!diskAnswers) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1)); // a slow disk
            }
            return ::fdatasync(fd);
        });
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        QVERIFY(m_db->syncsLogAside());
        // The connection itself no longer syncs at COMMIT.
        QCOMPARE(m_db->scalar(u"PRAGMA synchronous"_s).toInt(), 1);

        QCOMPARE(m_db->undecidedBatch(), quint64(0));
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        const quint64 first = m_db->undecidedBatch();
        QVERIFY(first != 0);
        QVERIFY(m_db->commitBatch());
        QTRY_COMPARE(syncs.load(), 1); // its sync has started and hangs
        QCOMPARE(m_db->undecidedBatch(), first);
        QVERIFY(m_outcomes.isEmpty());
        // The server's thread does not wait for it: the next batch runs and commits meanwhile.
        QVERIFY(m_db->transaction([&] { return insert(2); }));
        const quint64 second = m_db->undecidedBatch();
        QVERIFY(second > first);
        QVERIFY(m_db->commitBatch());
        QCOMPARE(m_db->undecidedBatch(), second);
        QTest::qWait(50);
        QVERIFY(m_outcomes.isEmpty());
        QCOMPARE(observer.rows(), 2); // committed, not yet acknowledged

        diskAnswers = true;
        QTRY_COMPARE(m_batches, (QList<quint64>{ first, second }));
        QCOMPARE(m_outcomes, (QList<bool>{ true, true }));
        QCOMPARE(m_db->undecidedBatch(), quint64(0));
        // One sync for the first batch, one more for everything committed while it ran.
        QCOMPARE(syncs.load(), 2);
        std::lock_guard lock(mutex);
        for (const QString& file : std::as_const(synced)) {
            QCOMPARE(file, QFileInfo(m_path).canonicalFilePath() + u"-wal"_s);
        }
    }

    // SQLite keeps the log next to the file a symbolic link points at: that is the one synced.
    void theLogOfALinkedDatabaseIsSyncedWhereSqliteKeepsIt()
    {
        const QString link = m_dir.filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) + u"-link.db"_s);
        QVERIFY(QFile::link(m_path, link));
        m_db.reset();
        m_db = std::make_unique<Database>();
        QString error;
        QVERIFY2(m_db->open(u"sqlite:"_s + link, &error), qPrintable(error));
        QString synced;
        m_db->setLogSyncFunction([&](int fd) {
            synced = QFile::symLinkTarget(u"/proc/self/fd/"_s + QString::number(fd));
            return ::fdatasync(fd);
        });
        int told = 0;
        m_db->setBatchListener([&](quint64, Database::BatchOutcome outcome) {
            told += outcome == Database::BatchOutcome::Committed ? 1 : 0;
        });
        m_db->setGroupCommit(true);
        QVERIFY(m_db->syncsLogAside());
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QTRY_COMPARE(told, 1);
        QCOMPARE(synced, QFileInfo(m_path).canonicalFilePath() + u"-wal"_s);
    }

    void aRolledBackBatchIsToldInItsTurnAndHoldsNoLaterAnswer()
    {
        std::atomic<bool> diskAnswers{ false };
        m_db->setLogSyncFunction([&](int fd) {
            while (!diskAnswers) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            return ::fdatasync(fd);
        });
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        const quint64 first = m_db->undecidedBatch();
        QVERIFY(m_db->commitBatch());
        QVERIFY(m_db->transaction([&] { return insertOrphan(); }));
        const quint64 second = m_db->undecidedBatch();
        QVERIFY(!m_db->commitBatch()); // refused at COMMIT
        // Told after the first, whose sync still runs.
        QVERIFY(m_outcomes.isEmpty());
        // An answer made now may show the first batch's row, not the second's: it waits for the first.
        QCOMPARE(m_db->undecidedBatch(), first);
        diskAnswers = true;
        QTRY_COMPARE(m_batches, (QList<quint64>{ first, second }));
        QCOMPARE(m_outcomes, (QList<bool>{ true, false }));
    }

    void settleWaitsForTheSyncsStillRunning()
    {
        m_db->setLogSyncFunction([](int fd) {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            return ::fdatasync(fd);
        });
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QVERIFY(m_db->commitBatch());
        QVERIFY(m_db->transaction([&] { return insert(2); }));
        m_db->settle(); // commits the open batch and waits for both syncs, without the event loop
        QCOMPARE(m_outcomes, (QList<bool>{ true, true }));
        QCOMPARE(m_db->undecidedBatch(), quint64(0));
        QVERIFY(!m_db->batchOpen());
        QTest::qWait(50); // the syncer's own reports come too, and change nothing
        QCOMPARE(m_outcomes.size(), 2);
    }

    void eachLogSyncReportsHowLongItTook()
    {
        std::atomic<int> started{ 0 };
        m_db->setLogSyncFunction([&](int fd) {
            ++started;
            std::this_thread::sleep_for(std::chrono::milliseconds(30)); // a slow disk
            return ::fdatasync(fd);
        });
        std::mutex mutex;
        QList<std::chrono::nanoseconds> took;
        m_db->setLogSyncObserver([&](std::chrono::nanoseconds t) {
            std::lock_guard lock(mutex);
            took << t;
        });
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QVERIFY(m_db->commitBatch());
        QTRY_COMPARE(started.load(), 1); // the second batch needs a sync of its own
        QVERIFY(m_db->transaction([&] { return insert(2); }));
        m_db->settle();
        m_db->setGroupCommit(false); // the syncer stops: nothing more is reported
        std::lock_guard lock(mutex);
        QCOMPARE(took.size(), 2);
        for (const std::chrono::nanoseconds t : std::as_const(took)) {
            QVERIFY2(t >= std::chrono::milliseconds(30) && t < std::chrono::seconds(30),
                     qPrintable(QString::number(t.count())));
        }
    }

    void aFailedLogSyncIsUnknownAndNoMoreChangesAreTaken()
    {
        m_db->setLogSyncFunction([](int) {
            errno = EIO;
            return -1;
        });
        m_db->setGroupCommit(true);
        QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(u"syncing the write-ahead log failed: Input/output error"_s));
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QVERIFY(m_db->commitBatch());
        QTRY_COMPARE(m_ends, QList<Database::BatchOutcome>{ Database::BatchOutcome::Unknown });
        // After a failed fsync nothing more is vouched for: changes are refused.
        QString error;
        QVERIFY(!m_db->transaction([&] { return insert(2); }, &error));
        QVERIFY2(error.contains(u"failed to sync"_s), qPrintable(error));
        QCOMPARE(m_db->scalar(u"SELECT COUNT(*) FROM items WHERE value = 2"_s).toInt(), 0);
    }

    // The server's thread may run many requests in one turn of the event loop; between two of
    // them it asks whether a sync has ended, and the listener hears at once.
    void aSyncThatEndedIsHeardWithoutATurnOfTheEventLoop()
    {
        std::atomic<bool> diskAnswers{ false };
        std::atomic<int> synced{ 0 };
        m_db->setLogSyncFunction([&](int fd) {
            while (!diskAnswers) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            const int rc = ::fdatasync(fd);
            ++synced;
            return rc;
        });
        m_db->setGroupCommit(true);
        m_db->noticeLogSyncs(); // nothing has ended: nothing to hear
        QVERIFY(m_outcomes.isEmpty());
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        const quint64 first = m_db->undecidedBatch();
        QVERIFY(m_db->commitBatch());
        m_db->noticeLogSyncs(); // its sync hangs
        QVERIFY(m_outcomes.isEmpty());
        QVERIFY(m_db->transaction([&] { return insert(2); })); // the next batch opens meanwhile
        diskAnswers = true;
        noticeUntilToldOfABatch(); // never back in the event loop, where the syncer's own report waits
        QCOMPARE(synced.load(), 1);
        QCOMPARE(m_batches, QList<quint64>{ first });
        QCOMPARE(m_ends, QList<Database::BatchOutcome>{ Database::BatchOutcome::Committed });
        QVERIFY(m_db->batchOpen()); // the second batch is untouched
        QCOMPARE(m_db->undecidedBatch(), first + 1);
        // Back in the event loop: the syncer's report of the first sync tells nobody again.
        QVERIFY(m_db->commitBatch());
        QTRY_COMPARE(m_batches, (QList<quint64>{ first, first + 1 }));
        QTest::qWait(20);
        QCOMPARE(m_batches, (QList<quint64>{ first, first + 1 }));
    }

    void aFailedSyncHeardBetweenRequestsIsUnknown()
    {
        std::atomic<bool> failed{ false };
        m_db->setLogSyncFunction([&](int) {
            failed = true;
            errno = EIO;
            return -1;
        });
        m_db->setGroupCommit(true);
        QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(u"syncing the write-ahead log failed"_s));
        QVERIFY(m_db->transaction([&] { return insert(1); }));
        QVERIFY(m_db->commitBatch());
        noticeUntilToldOfABatch();
        QVERIFY(failed);
        QCOMPARE(m_ends, QList<Database::BatchOutcome>{ Database::BatchOutcome::Unknown });
        QVERIFY(m_db->logSyncFailed());
        QVERIFY(!m_db->transaction([&] { return insert(2); }));
    }

    // ---- Database::write(): the direct path for statements without rows ----

    void writeBindsLikeRun()
    {
        bool ok = false;
        m_db->run(u"CREATE TABLE kinds (via TEXT, t, n, b, i, x, bytes)"_s, {}, &ok);
        QVERIFY(ok);
        const QString sql = u"INSERT INTO kinds (via, t, n, b, i, x, bytes) VALUES (?,?,?,?,?,?,?)"_s;
        const std::initializer_list<QVariant> values{ u"caf\u00e9 \u2713"_s, QString(), QVariant(), true, qint64(1) << 40,
                                                      QVariant(2.5), QVariant(QByteArray("\x01\x02", 2)) };
        m_db->run(sql, values, &ok);
        QVERIFY(ok);
        qint64 changed = -1;
        QVERIFY(m_db->write(sql, values, &changed));
        QCOMPARE(changed, 1);
        // Both rows hold the same values with the same SQLite types: a null QString is '', an
        // invalid QVariant NULL, a bool 1, bytes a blob.
        const QString shape = u"SELECT via || '|' || t || '|' || typeof(t) || '|' || typeof(n) || '|' || b || typeof(b) || '|' || i "
                              u"|| '|' || x || '|' || hex(bytes) || typeof(bytes) FROM kinds"_s;
        QSqlQuery q = m_db->run(shape);
        QStringList rows;
        while (q.next()) {
            rows << q.value(0).toString();
        }
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0), u"caf\u00e9 \u2713||text|null|1integer|1099511627776|2.5|0102blob"_s);
        QCOMPARE(rows.at(1), rows.at(0));
        QVERIFY(m_db->write(u"UPDATE kinds SET via = ? WHERE b = ?"_s, { u"both"_s, true }, &changed));
        QCOMPARE(changed, 2);
        QVERIFY(m_db->write(u"DELETE FROM kinds WHERE via = ?"_s, { u"nobody"_s }, &changed));
        QCOMPARE(changed, 0);
    }

    // With group commit the log is checkpointed by a thread of its own, not by the commit that
    // makes it long (SQLite's wal_autocheckpoint, which reads 0 while that is off).
    void theLogIsCheckpointedOffTheServersThread()
    {
        const QString autocheckpoint = u"PRAGMA wal_autocheckpoint"_s;
        QCOMPARE(m_db->scalar(autocheckpoint).toInt(), Database::CheckpointPages);
        m_db->setGroupCommit(true);
        QCOMPARE(m_db->scalar(autocheckpoint).toInt(), 0);
        bool ok = false;
        m_db->run(u"CREATE TABLE pages (bytes BLOB)"_s, {}, &ok);
        QVERIFY(ok);
        const qint64 before = QFileInfo(m_path).size();
        // About 6 MB: more than CheckpointPages pages of 4 KiB, in several batches.
        const QByteArray bytes(64 * 1024, 'x');
        for (int batch = 0; batch < 6; ++batch) {
            for (int i = 0; i < 16; ++i) {
                QVERIFY(m_db->transaction([&] { return m_db->write(u"INSERT INTO pages VALUES (?)"_s, { bytes }); }));
            }
            QVERIFY(m_db->commitBatch());
        }
        // Only a checkpoint moves pages from the log into the database file.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(m_path).size() > before + 2 * 1024 * 1024, 10000);
        m_db->setGroupCommit(false);
        QCOMPARE(m_db->scalar(autocheckpoint).toInt(), Database::CheckpointPages);
    }

    // A steady stream of batches, as under load: the checkpointer never gets to copy the whole
    // log between two of them on its own, and SQLite writes the log from its start again only
    // after such a copy. The log must still stop growing at about RestartPages pages.
    void theLogStartsOverUnderAStreamOfBatches()
    {
        startPageStream();
        // Eight times RestartPages in frames: without the restart the log holds all of them.
        const qint64 largest = streamPages(8 * Database::RestartPages / PerBatch);
        QVERIFY(largest > 0);
        // About RestartPages plus a batch (its PerBatch pages and a few of the b-tree's). Twice
        // that leaves room for waits that ran out (RestartWait) on a slow disk: each puts the
        // next try a quarter of RestartPages later.
        const qint64 bound = 2 * Database::RestartPages * FrameBytes;
        QVERIFY2(largest <= bound, qPrintable(u"the log reached %1 bytes, more than %2"_s.arg(largest).arg(bound)));
        QCOMPARE(m_db->scalar(u"SELECT count(*) FROM pages"_s).toInt(), PageRows);
        QCOMPARE(m_db->scalar(u"PRAGMA quick_check"_s).toString(), u"ok"_s);
    }

    // Another connection reading (elevated audit verify, a backup) holds part of the log: no
    // copy can take all of it, so batches do not wait for one each; and once the reader is gone
    // the log starts over and its file is cut back to LogSizeLimit.
    void aReaderHoldingTheLogDelaysTheRestartButNotEachBatch()
    {
        startPageStream();
        const QString name = u"reader-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
        {
            QSqlDatabase reader = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            reader.setDatabaseName(m_path);
            QVERIFY(reader.open());
            QSqlQuery hold(reader);
            QVERIFY(hold.exec(u"BEGIN"_s));
            QVERIFY(hold.exec(u"SELECT count(*) FROM pages"_s) && hold.next()); // a snapshot, kept
            constexpr int Pinned = 3 * Database::RestartPages / PerBatch;
            const qint64 pinned = streamPages(Pinned);
            QVERIFY2(pinned > Database::LogSizeLimit, qPrintable(QString::number(pinned)));
            // A wait, then one per RestartPages / 4 pages of growth at most: not one per batch.
            const int growthTries = int(pinned / FrameBytes / (Database::RestartPages / 4)) + 2;
            QVERIFY2(m_db->logRestartWaits() <= growthTries,
                     qPrintable(u"%1 waits in %2 batches"_s.arg(m_db->logRestartWaits()).arg(Pinned)));
            QVERIFY(hold.exec(u"COMMIT"_s));
        }
        QSqlDatabase::removeDatabase(name);
        // The checkpointer first copies the whole pinned log (tens of MB); how many batches that
        // takes depends on the disk, so batches keep coming until the log starts over, for a
        // minute at most.
        QElapsedTimer waited;
        waited.start();
        qint64 now = 0;
        int rounds = 0;
        do {
            QVERIFY(streamPages(Database::RestartPages / PerBatch) > 0);
            now = QFileInfo(m_path + u"-wal"_s).size();
            ++rounds;
        } while (now > Database::LogSizeLimit && waited.elapsed() < 60000);
        QVERIFY2(now <= Database::LogSizeLimit,
                 qPrintable(u"the log file is %1 bytes after %2 rounds"_s.arg(now).arg(rounds)));
        QCOMPARE(m_db->scalar(u"PRAGMA quick_check"_s).toString(), u"ok"_s);
    }

    // ---- Database::read(): the direct path for the queries every request runs ----

    void readGivesWhatRunGives()
    {
        bool ok = false;
        m_db->run(u"CREATE TABLE cells (t, i, r, b, n)"_s, {}, &ok);
        QVERIFY(ok);
        for (int i = 1; i <= 2; ++i) {
            QVERIFY(m_db->write(u"INSERT INTO cells VALUES (?,?,?,?,?)"_s,
                                { u"caf\u00e9 %1"_s.arg(i), i * 21, i * 1.25, QByteArray("\0\xff", 2), QVariant() }));
        }
        const QString sql = u"SELECT t, i, r, b, n FROM cells WHERE i > ? ORDER BY i"_s;
        QSqlQuery expected = m_db->run(sql, { 0 });
        Database::Rows rows = m_db->read(sql, { 0 });
        QVERIFY(rows.ok());
        int seen = 0;
        while (expected.next()) {
            QVERIFY(rows.next());
            ++seen;
            for (int c = 0; c < 5; ++c) {
                const QVariant want = expected.value(c);
                const QVariant got = rows.value(c);
                QCOMPARE(got.metaType(), want.metaType());
                QCOMPARE(got.isNull(), want.isNull());
                QCOMPARE(got, want);
            }
        }
        QCOMPARE(seen, 2);
        QVERIFY(!rows.next());
        QCOMPARE(m_db->readScalar(u"SELECT COUNT(*) FROM cells WHERE t = ?"_s, { u"caf\u00e9 2"_s }).toLongLong(), 1);
        QVERIFY(!m_db->readScalar(u"SELECT t FROM cells WHERE i < 0"_s).isValid());
        Database::Rows broken = m_db->read(u"SELECT nothing FROM nowhere"_s);
        QVERIFY(!broken.ok());
        QVERIFY(!broken.next());
        QVERIFY2(m_db->lastError().contains(u"nowhere"_s), qPrintable(m_db->lastError()));
    }

    void rowsLeftPartWayHoldNoSnapshotOnceGone()
    {
        for (int i = 1; i <= 3; ++i) {
            QVERIFY(m_db->transaction([&] { return insert(i); }));
        }
        Database other;
        QString error;
        QVERIFY2(other.open(u"sqlite:"_s + m_path, &error), qPrintable(error));
        const QString count = u"SELECT COUNT(*) FROM items"_s;
        {
            Database::Rows held = m_db->read(u"SELECT value FROM items"_s);
            QVERIFY(held.next()); // and no further
            QVERIFY(other.transaction([&] { return other.write(u"INSERT INTO items (value) VALUES (99)"_s); }));
            // While a statement is part way, the connection keeps its snapshot.
            QCOMPARE(m_db->readScalar(count).toLongLong(), 3);
        }
        QCOMPARE(m_db->readScalar(count).toLongLong(), 4);
    }

    void aFailedWriteFailsItsUnit()
    {
        Observer observer(m_path);
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return m_db->write(u"INSERT INTO items (value) VALUES (?)"_s, { 1 }); }));
        // The second insert breaks the UNIQUE constraint: the error is reported, and the unit
        // (with its first insert) rolls back even though the callback ignores the failure.
        QString error;
        QVERIFY(!m_db->transaction(
            [&] {
                m_db->write(u"INSERT INTO items (value) VALUES (?)"_s, { 2 });
                m_db->write(u"INSERT INTO items (value) VALUES (?)"_s, { 1 });
                return true;
            },
            &error));
        QVERIFY2(error.contains(u"UNIQUE"_s), qPrintable(error));
        QVERIFY(!m_db->write(u"INSERT INTO no_such_table VALUES (?)"_s, { 1 }));
        QVERIFY2(m_db->lastError().contains(u"no_such_table"_s), qPrintable(m_db->lastError()));
        QVERIFY(m_db->commitBatch());
        QCOMPARE(observer.rows(), 1);
    }

    void theWriteMemoLastsTheBatchButNotAnUndoneUnit()
    {
        const QString key = u"test.memo"_s;
        m_db->setWriteMemo(key, 1); // outside a transaction: not kept
        QVERIFY(!m_db->writeMemo(key).isValid());
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] {
            m_db->setWriteMemo(key, 2);
            return insert(1);
        }));
        QVERIFY(!m_db->writeMemo(key).isValid()); // between units nobody asks
        QVERIFY(m_db->transaction([&] { return m_db->writeMemo(key) == QVariant(2) && insert(2); }));
        // A unit that fails clears the memo (to be safe, also what the units before it left).
        QVERIFY(!m_db->transaction([&] {
            m_db->setWriteMemo(key, 3);
            return false;
        }));
        QVERIFY(m_db->transaction([&] { return !m_db->writeMemo(key).isValid() && insert(3); }));
        QVERIFY(m_db->transaction([&] {
            m_db->setWriteMemo(key, 4);
            return insert(4);
        }));
        QVERIFY(m_db->commitBatch());
        // The next batch starts without it: another process may have written in between.
        QVERIFY(m_db->transaction([&] { return !m_db->writeMemo(key).isValid() && insert(5); }));
        QVERIFY(m_db->commitBatch());
        m_db->setGroupCommit(false);
        QVERIFY(m_db->transaction([&] {
            m_db->setWriteMemo(key, 6);
            return m_db->transaction([&] { return m_db->writeMemo(key) == QVariant(6); });
        }));
        QVERIFY(m_db->transaction([&] { return !m_db->writeMemo(key).isValid(); }));
    }

    // The audit chain's head is remembered within a batch (not read back): units that fail,
    // several AuditLog objects on one connection, and rows appended by another connection
    // between batches must all leave one intact chain.
    void theAuditChainStaysIntactAcrossABatch()
    {
        AuditLog first(*m_db);
        AuditLog second(*m_db);
        auto event = [](const QString& what) {
            AuditEvent e;
            e.activityDateTime = *Timestamp::fromIso(u"2026-11-26T10:00:00Z");
            e.category = u"Test"_s;
            e.activityDisplayName = what;
            e.loggedByService = u"Test"_s;
            e.operationType = u"Add"_s;
            return e;
        };
        auto append = [&](AuditLog& log, const QString& what) {
            AuditEvent e = event(what);
            return log.append(e);
        };
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return append(first, u"one"_s) && append(second, u"two"_s); }));
        QVERIFY(!m_db->transaction([&] { return append(first, u"undone"_s) && false; }));
        QVERIFY(m_db->transaction([&] { return append(second, u"three"_s) && append(first, u"four"_s); }));
        QVERIFY(m_db->commitBatch());
        m_db->setGroupCommit(false);
        {
            // Another writer (here a second connection with its own AuditLog) appends between batches.
            Database other;
            QString error;
            QVERIFY2(other.open(u"sqlite:"_s + m_path, &error), qPrintable(error));
            AuditLog log(other);
            QVERIFY(other.transaction([&] { return append(log, u"five"_s); }));
        }
        m_db->setGroupCommit(true);
        QVERIFY(m_db->transaction([&] { return append(first, u"six"_s); }));
        QVERIFY(m_db->commitBatch());
        const AuditLog::Verification v = first.verify();
        QVERIFY2(v.ok, qPrintable(v.reason));
        QCOMPARE(v.rowsChecked, 6);
        QCOMPARE(m_db->scalar(u"SELECT group_concat(activity, ',') FROM (SELECT activity FROM audit_events ORDER BY seq)"_s)
                     .toString(),
                 u"one,two,three,four,five,six"_s);
        // Each link is SHA-256 over (previous hash, "\n", sequence, "\n", body), as documented.
        QSqlQuery rows = m_db->run(u"SELECT seq, prev_hash, CAST(body AS BLOB), hash FROM audit_events ORDER BY seq"_s);
        QString previous(64, u'0');
        while (rows.next()) {
            QCryptographicHash h(QCryptographicHash::Sha256);
            const QByteArray hashed = previous.toLatin1() + '\n' + QByteArray::number(rows.value(0).toLongLong()) + '\n'
                                    + rows.value(2).toByteArray();
            h.addData(hashed);
            QCOMPARE(rows.value(1).toString(), previous);
            QCOMPARE(rows.value(3).toString(), QString::fromLatin1(h.result().toHex()));
            previous = rows.value(3).toString();
        }
    }

    // ---- the HTTP transport holding its answers ----

    void answersLeaveOnlyAfterTheCommitInOrder()
    {
        ManualClock clock(*Timestamp::fromIso(u"2026-11-26T10:00:00Z"));
        HttpServer server(clock);
        server.setRateLimit(0, 0);
        wire(server);
        const quint16 port = server.listen(QHostAddress::LocalHost);
        QVERIFY(port != 0);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(client.waitForConnected(5000));
        QByteArray received;
        int released = 0;
        QList<int> unreleasedArrived; // answers that reached the client before their release
        m_db->setBatchListener([&](quint64 batch, Database::BatchOutcome outcome) {
            // Only answers released before may have reached the client (the server's thread is
            // here, so those may not have left yet either).
            if (client.waitForReadyRead(50)) {
                received += client.readAll();
            }
            unreleasedArrived << std::max(0, int(split(received).size()) - released);
            m_outcomes << (outcome == Database::BatchOutcome::Committed);
            const int held = server.heldResponses();
            server.releaseHeld(batch, endOf(outcome));
            released += held - server.heldResponses();
        });

        // Pipelined on one connection: the transport serves every request that has arrived
        // whole, so the writes that came together share a batch; the answers come back in
        // order, and the read sees both writes.
        client.write(post("/items/1") + post("/items/2") + get("/items"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                received += client.readAll();
                return split(received).size() >= 3;
            },
            10000));
        QVERIFY(!m_outcomes.isEmpty() && !m_outcomes.contains(false));
        QCOMPARE(unreleasedArrived, QList<int>(m_outcomes.size(), 0));
        QCOMPARE(released, 3);
        const QList<QByteArray> answers = split(received);
        QCOMPARE(answers.size(), 3);
        QVERIFY2(answers.at(0).startsWith("HTTP/1.1 201") && answers.at(0).endsWith("saved 1"), answers.at(0).constData());
        QVERIFY2(answers.at(1).startsWith("HTTP/1.1 201") && answers.at(1).endsWith("saved 2"), answers.at(1).constData());
        QVERIFY2(answers.at(2).startsWith("HTTP/1.1 200") && answers.at(2).endsWith("rows 2"), answers.at(2).constData());
        Observer observer(m_path);
        QCOMPARE(observer.rows(), 2);
    }

    void aFailedCommitAnswers503AndKeepsNothing()
    {
        ManualClock clock(*Timestamp::fromIso(u"2026-11-26T10:00:00Z"));
        HttpServer server(clock);
        server.setRateLimit(0, 0);
        wire(server);
        const quint16 port = server.listen(QHostAddress::LocalHost);
        QVERIFY(port != 0);
        m_db->setBatchListener([&](quint64 batch, Database::BatchOutcome outcome) {
            m_outcomes << (outcome == Database::BatchOutcome::Committed);
            server.releaseHeld(batch, endOf(outcome));
        });

        const QList<QByteArray> saved = split(exchange(port, post("/items/1"), 1));
        QCOMPARE(saved.size(), 1);
        QVERIFY2(saved.at(0).startsWith("HTTP/1.1 201"), saved.at(0).constData());
        // Two writes that arrive together share a batch, which fails at COMMIT: neither is applied.
        const QList<QByteArray> answers = split(exchange(port, post("/items/2") + post("/orphan"), 2));
        QCOMPARE(m_outcomes, (QList<bool>{ true, false }));
        QCOMPARE(answers.size(), 2);
        for (const QByteArray& failed : answers) {
            QVERIFY2(failed.startsWith("HTTP/1.1 503"), failed.constData());
            QVERIFY(failed.contains("Retry-After: 5\r\n"));
            QVERIFY(failed.contains("\"code\":\"ServiceUnavailable\""));
            QVERIFY(failed.contains("was not applied"));
        }
        const QList<QByteArray> read = split(exchange(port, get("/items"), 1));
        QVERIFY2(read.size() == 1 && read.at(0).endsWith("rows 1"), read.value(0).constData());
        Observer observer(m_path);
        QCOMPARE(observer.rows(), 1);
        QCOMPARE(m_db->scalar(u"SELECT COUNT(*) FROM children"_s).toInt(), 0);
    }

    // The transport's side of the contract, with the gate in the test's hands.
    void everyHeldAnswerWaitsAndBecomes503WhenTheBatchFails()
    {
        ManualClock clock(*Timestamp::fromIso(u"2026-11-26T10:00:00Z"));
        HttpServer server(clock);
        bool hold = true;
        const quint16 port = serveThings(server, { [&] { return hold ? quint64(1) : 0; }, [] {} });
        QVERIFY(port != 0);
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < 3; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(socket->waitForConnected(5000));
            socket->write(post("/things"));
            clients.push_back(std::move(socket));
        }
        QTRY_COMPARE(server.heldResponses(), 3);
        QTest::qWait(50);
        for (const auto& c : clients) {
            QCOMPARE(c->bytesAvailable(), 0);
        }
        hold = false;
        server.releaseHeld(1, HttpServer::BatchEnd::RolledBack);
        QCOMPARE(server.heldResponses(), 0);
        for (const auto& c : clients) {
            QByteArray received;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    received += c->readAll();
                    return split(received).size() == 1;
                },
                5000));
            QVERIFY2(received.startsWith("HTTP/1.1 503"), received.constData());
        }
        // With the gate open, answers go out at once again.
        const QList<QByteArray> now = split(exchange(port, post("/things"), 1));
        QCOMPARE(now.size(), 1);
        QVERIFY(now.at(0).startsWith("HTTP/1.1 201"));
    }

    // Each answer waits for the batch pending when it was made, and takes that batch's outcome.
    void eachHeldAnswerTakesTheOutcomeOfItsOwnBatch()
    {
        ManualClock clock(*Timestamp::fromIso(u"2026-11-26T10:00:00Z"));
        HttpServer server(clock);
        quint64 pending = 0;
        const quint16 port = serveThings(server, { [&] { return pending; }, [] {} });
        QVERIFY(port != 0);
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        // a: made while batch 1 was open; b: while batch 2 was; c: after batch 2 rolled back,
        // while batch 1's sync still ran; d: while batch 3 was open.
        for (const quint64 batch : { 1, 2, 1, 3 }) {
            pending = batch;
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(socket->waitForConnected(5000));
            socket->write(post("/things"));
            const int before = server.heldResponses();
            QTRY_COMPARE(server.heldResponses(), before + 1);
            clients.push_back(std::move(socket));
        }
        pending = 0;
        auto answerOf = [&](std::size_t i) {
            QByteArray received;
            const bool one = QTest::qWaitFor(
                [&] {
                    received += clients.at(i)->readAll();
                    return split(received).size() == 1;
                },
                5000);
            return one ? received : QByteArray("no single answer: " + received);
        };
        server.releaseHeld(1, HttpServer::BatchEnd::Committed);
        QCOMPARE(server.heldResponses(), 3); // c waits behind b
        QVERIFY(answerOf(0).startsWith("HTTP/1.1 201"));
        server.releaseHeld(2, HttpServer::BatchEnd::RolledBack);
        QCOMPARE(server.heldResponses(), 1);
        const QByteArray b = answerOf(1);
        QVERIFY2(b.startsWith("HTTP/1.1 503") && b.contains("was not applied"), b.constData());
        QVERIFY(answerOf(2).startsWith("HTTP/1.1 201")); // batch 1's outcome, not batch 2's
        server.releaseHeld(3, HttpServer::BatchEnd::Unknown);
        QCOMPARE(server.heldResponses(), 0);
        const QByteArray d = answerOf(3);
        QVERIFY2(d.startsWith("HTTP/1.1 503") && d.contains("may or may not have been applied"), d.constData());
        QVERIFY(!d.contains("Retry-After"));
    }

    void aRejectedRequestFlushesTheAnswersBeforeIt()
    {
        ManualClock clock(*Timestamp::fromIso(u"2026-11-26T10:00:00Z"));
        HttpServer server(clock);
        server.setMaxBodyBytes(1024);
        bool hold = true;
        int flushes = 0;
        const quint16 port = serveThings(server,
                                         { [&] { return hold ? quint64(1) : 0; },
                                           [&] {
                                               ++flushes;
                                               hold = false;
                                               server.releaseHeld(1, HttpServer::BatchEnd::Committed);
                                           } });
        QVERIFY(port != 0);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(client.waitForConnected(5000));
        client.write(post("/things"));
        QTRY_COMPARE(server.heldResponses(), 1);
        // Too large to accept: answered outside the request pipeline, after the held answer.
        client.write("POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
                     + QByteArray(5000, ' '));
        QByteArray received;
        QVERIFY(QTest::qWaitFor(
            [&] {
                received += client.readAll();
                return split(received).size() >= 2;
            },
            5000));
        QCOMPARE(flushes, 1);
        const QList<QByteArray> answers = split(received);
        QVERIFY2(answers.at(0).startsWith("HTTP/1.1 201"), answers.at(0).constData());
        QVERIFY2(answers.at(1).startsWith("HTTP/1.1 413"), answers.at(1).constData());
    }

    // Requests that arrived together run in one turn of the event loop; between two of them the
    // transport polls the gate, so an answer whose batch became durable meanwhile leaves before
    // the next request runs, not after the last.
    void heldAnswersLeaveBetweenTheRequestsOfOneTurn()
    {
        ManualClock clock(*Timestamp::fromIso(u"2026-11-26T10:00:00Z"));
        HttpServer server(clock);
        quint64 durable = 0; // the newest batch the gate has made durable
        QList<int> heldWhenServed; // how many answers were held when each request ran
        QList<int> heldAfterPoll;
        server.router().addRoute("POST", u"/items/{value}"_s, [&](const HttpRequest&, const RouteMatch&) {
            heldWhenServed << server.heldResponses();
            HttpResponse r;
            r.status = 201;
            return r;
        });
        // Each request's answer waits for a batch of its own (its position); the poll makes the
        // batches durable one at a time.
        server.setResponseGate({ [&] { return quint64(heldWhenServed.size()); },
                                 [&] { server.releaseHeld(heldWhenServed.size(), HttpServer::BatchEnd::Committed); },
                                 [&] {
                                     heldAfterPoll << server.heldResponses();
                                     durable = heldWhenServed.size();
                                     server.releaseHeld(durable, HttpServer::BatchEnd::Committed);
                                 } });
        server.setRateLimit(0, 0);
        const quint16 port = server.listen(QHostAddress::LocalHost);
        QVERIFY(port != 0);
        const QByteArray received = exchange(port, post("/items/1") + post("/items/2") + post("/items/3"), 3);
        QCOMPARE(split(received).size(), 3);
        // Polled after each request, with its answer held; released before the next one ran.
        QCOMPARE(heldAfterPoll, (QList<int>{ 1, 1, 1 }));
        QCOMPARE(heldWhenServed, (QList<int>{ 0, 0, 0 }));
        QCOMPARE(durable, quint64(3));
        QCOMPARE(server.heldResponses(), 0);
    }

private:
    // The transport alone, the gate in the test's handsprivate:
    // The transport alone, the gate in the test's hands: POST /things answers 201. Returns the
    // port it listens on (0 on failure).
    static quint16 serveThings(HttpServer& server, HttpServer::ResponseGate gate)
    {
        server.setRateLimit(0, 0);
        server.setResponseGate(std::move(gate));
        server.router().addRoute("POST", u"/things"_s, [](const HttpRequest&, const RouteMatch&) {
            HttpResponse r;
            r.status = 201;
            return r;
        });
        return server.listen(QHostAddress::LocalHost);
    }

    static HttpServer::BatchEnd endOf(Database::BatchOutcome outcome)
    {
        switch (outcome) {
        case Database::BatchOutcome::Committed:
            return HttpServer::BatchEnd::Committed;
        case Database::BatchOutcome::RolledBack:
            return HttpServer::BatchEnd::RolledBack;
        case Database::BatchOutcome::Unknown:
            break;
        }
        return HttpServer::BatchEnd::Unknown;
    }

    void wire(HttpServer& server)
    {
        m_db->setGroupCommit(true);
        server.setResponseGate({ [this] { return m_db->undecidedBatch(); },
                                 [this] { m_db->settle(); },
                                 [this] { m_db->noticeLogSyncs(); } });
        Router& router = server.router();
        router.addRoute("POST", u"/items/{value}"_s, [this](const HttpRequest&, const RouteMatch& match) {
            const int value = match.param(u"value"_s).toInt();
            HttpResponse r;
            const bool ok = m_db->transaction([&] { return insert(value); });
            r.status = ok ? 201 : 409;
            r.contentType = "text/plain";
            r.body = ok ? QByteArray("saved " + QByteArray::number(value)) : QByteArray("refused");
            return r;
        });
        router.addRoute("POST", u"/orphan"_s, [this](const HttpRequest&, const RouteMatch&) {
            HttpResponse r;
            r.status = m_db->transaction([&] { return insertOrphan(); }) ? 201 : 409;
            return r;
        });
        router.addRoute("GET", u"/items"_s, [this](const HttpRequest&, const RouteMatch&) {
            HttpResponse r;
            r.contentType = "text/plain";
            r.body = "rows " + QByteArray::number(m_db->scalar(u"SELECT COUNT(*) FROM items"_s).toLongLong());
            return r;
        });
    }

    static QByteArray post(const char* path)
    {
        return "POST " + QByteArray(path) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    }
    static QByteArray get(const char* path) { return "GET " + QByteArray(path) + " HTTP/1.1\r\nHost: x\r\n\r\n"; }

    // Writes `bytes` in one go and reads until `answers` complete responses have arrived.
    static QByteArray exchange(quint16 port, const QByteArray& bytes, int answers)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(5000)) {
            return {};
        }
        socket.write(bytes);
        QByteArray received;
        (void)QTest::qWaitFor(
            [&] {
                received += socket.readAll();
                return split(received).size() >= answers;
            },
            10000);
        return received;
    }

    // Complete responses in `text` (each has a Content-Length).
    static QList<QByteArray> split(const QByteArray& text)
    {
        QList<QByteArray> out;
        qsizetype from = 0;
        while (from < text.size()) {
            const qsizetype headEnd = text.indexOf("\r\n\r\n", from);
            if (headEnd < 0) {
                break;
            }
            const QByteArray head = text.mid(from, headEnd - from);
            qsizetype length = 0;
            for (const QByteArray& line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:")) {
                    length = line.mid(15).trimmed().toLongLong();
                }
            }
            const qsizetype end = headEnd + 4 + length;
            if (end > text.size()) {
                break;
            }
            out << text.mid(from, end - from);
            from = end;
        }
        return out;
    }
};

QTEST_GUILESS_MAIN(TestGroupCommit)
#include "TestGroupCommit.moc"
