#include "Outbox.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Elevate::Cache;

class TestOutbox final : public QObject
{
    Q_OBJECT

private slots:
    void fifoAndStates()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.db"));
        Outbox outbox;
        QVERIFY(outbox.open(path));
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        const auto a = outbox.enqueue(OutboxItem::Kind::ReviewDecision, {QStringLiteral("d"), QStringLiteral("i"), QStringLiteral("x1")},
                                      QByteArrayLiteral("{\"decision\":\"Approve\"}"));
        const auto b = outbox.enqueue(OutboxItem::Kind::ReviewBatchDecision, {QStringLiteral("d"), QStringLiteral("i")},
                                      QByteArrayLiteral("{\"decision\":\"Deny\"}"));
        const auto c = outbox.enqueue(OutboxItem::Kind::ApprovalDecision, {QStringLiteral("ap"), QStringLiteral("st")},
                                      QByteArrayLiteral("{\"reviewResult\":\"Approve\"}"));
        QVERIFY(a && b && c);
        QVERIFY(a->idempotencyKey != b->idempotencyKey);
        QVERIFY(!QUuid::fromString(a->idempotencyKey).isNull());
        QVERIFY(a->id < b->id && b->id < c->id);
        QCOMPARE(outbox.pendingCount(), 3);

        QCOMPARE(outbox.nextPending()->id, a->id);
        QVERIFY(outbox.markSending(a->id));
        QCOMPARE(outbox.item(a->id)->state, OutboxItem::State::Sending);
        QVERIFY(outbox.markSent(a->id));
        QCOMPARE(outbox.nextPending()->id, b->id);
        QVERIFY(outbox.markConflict(b->id, QStringLiteral("Another reviewer decided first")));
        QCOMPARE(outbox.item(b->id)->state, OutboxItem::State::Conflict);
        QCOMPARE(outbox.item(b->id)->message, QStringLiteral("Another reviewer decided first"));
        // A conflict does not block the queue, and is not sent again by itself.
        QCOMPARE(outbox.nextPending()->id, c->id);
        QVERIFY(outbox.markFailed(c->id, QStringLiteral("timeout")));
        QVERIFY(outbox.markFailed(c->id, QStringLiteral("timeout")));
        QCOMPARE(outbox.item(c->id)->attempts, 2);
        QCOMPARE(outbox.item(c->id)->state, OutboxItem::State::Failed);
        QCOMPARE(outbox.nextPending()->id, c->id); // failed items are retried in order
        QVERIFY(!outbox.retry(a->id));              // sent: nothing to retry
        QVERIFY(outbox.retry(b->id));
        QCOMPARE(outbox.nextPending()->id, b->id);  // back in its FIFO place, same key
        QCOMPARE(outbox.item(b->id)->idempotencyKey, b->idempotencyKey);
        QVERIFY(outbox.discard(c->id));
        QVERIFY(!outbox.item(c->id));
        QVERIFY(!outbox.discard(c->id));

        const QList<OutboxItem> items = outbox.list();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0).id, a->id);
        QCOMPARE(items.at(0).state, OutboxItem::State::Sent);
        QCOMPARE(items.at(1).payload, QByteArrayLiteral("{\"decision\":\"Deny\"}"));
        QCOMPARE(items.at(1).kind, OutboxItem::Kind::ReviewBatchDecision);
        QCOMPARE(items.at(1).targetIds, (QStringList{QStringLiteral("d"), QStringLiteral("i")}));
    }

    void survivesReopenAndResetsSending()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.db"));
        QString key;
        {
            Outbox outbox;
            QVERIFY(outbox.open(path));
            const auto a = outbox.enqueue(OutboxItem::Kind::ApprovalDecision, {QStringLiteral("x")}, QByteArrayLiteral("{}"));
            QVERIFY(a);
            key = a->idempotencyKey;
            QVERIFY(outbox.markSending(a->id));
        }
        Outbox outbox;
        QVERIFY(outbox.open(path));
        const auto next = outbox.nextPending();
        QVERIFY(next);
        QCOMPARE(next->idempotencyKey, key);
        QCOMPARE(next->state, OutboxItem::State::Pending);
    }

    void survivesKillNine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.db"));
        QStringList keys;
        {
            QProcess child;
            child.start(QStringLiteral(OUTBOX_HELPER), {QStringLiteral("enqueue"), path, QStringLiteral("5")});
            QVERIFY(child.waitForStarted());
            QByteArray out;
            while (!out.contains("ready")) {
                QVERIFY(child.waitForReadyRead(30000));
                out += child.readAllStandardOutput();
            }
            child.kill(); // SIGKILL right after the last enqueue returned
            QVERIFY(child.waitForFinished());
            for (const QByteArray& line : out.split('\n')) {
                if (line.startsWith("enqueued ")) {
                    keys << QString::fromLatin1(line.mid(9));
                }
            }
        }
        QCOMPARE(keys.size(), 5);
        {
            // Killed while an item was being sent: it comes back as pending with the same key.
            QProcess child;
            child.start(QStringLiteral(OUTBOX_HELPER), {QStringLiteral("sending"), path});
            QVERIFY(child.waitForStarted());
            QByteArray out;
            while (!out.contains("ready")) {
                QVERIFY(child.waitForReadyRead(30000));
                out += child.readAllStandardOutput();
            }
            child.kill();
            QVERIFY(child.waitForFinished());
            QVERIFY(out.contains(QByteArray("sending " + keys.first().toLatin1())));
        }
        Outbox outbox;
        QVERIFY(outbox.open(path));
        const QList<OutboxItem> items = outbox.list();
        QCOMPARE(items.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(items.at(i).idempotencyKey, keys.at(i));
            QCOMPARE(items.at(i).state, OutboxItem::State::Pending);
            QCOMPARE(items.at(i).targetIds.last(), QStringLiteral("decision-%1").arg(i));
        }
    }

    void fullDiskIsAClearErrorAndKeepsItems()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.db"));
        QProcess child;
        child.start(QStringLiteral(OUTBOX_HELPER), {QStringLiteral("fill"), path, QStringLiteral("262144")});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
        const QByteArray out = child.readAllStandardOutput();
        int recorded = -1;
        QString error;
        for (const QByteArray& line : out.split('\n')) {
            if (line.startsWith("recorded ")) {
                recorded = line.mid(9).toInt();
            } else if (line.startsWith("error ")) {
                error = QString::fromUtf8(line.mid(6));
            }
        }
        QVERIFY2(recorded > 5, out.constData());
        QVERIFY2(error.contains(QStringLiteral("could not be recorded")) && error.contains(QStringLiteral("disk")),
                 qPrintable(error));
        Outbox outbox;
        QVERIFY(outbox.open(path));
        const QList<OutboxItem> items = outbox.list();
        QCOMPARE(items.size(), recorded);
        for (const OutboxItem& item : items) {
            QCOMPARE(item.payload, QByteArray(4096, 'x'));
            QCOMPARE(item.state, OutboxItem::State::Pending);
        }
        // With room again, recording works.
        QVERIFY(outbox.enqueue(OutboxItem::Kind::ApprovalDecision, {QStringLiteral("a")}, QByteArrayLiteral("{}")));
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "TestOutbox.moc"
