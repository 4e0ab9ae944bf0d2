// A child process for TestOutbox: records actions into an outbox, then waits to be killed, or
// fills the disk under a file size limit.
//   elevate-outbox-helper enqueue PATH N        enqueue N items, print each key, then wait
//   elevate-outbox-helper sending PATH          mark the oldest pending item Sending, then wait
//   elevate-outbox-helper fill PATH LIMIT       RLIMIT_FSIZE=LIMIT, enqueue until it fails
#include "Outbox.h"

#include <QCoreApplication>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>

using namespace Elevate::Cache;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        return 2;
    }
    const QString mode = args.at(1);
    const QString path = args.at(2);
    if (mode == u"fill") {
        // With SIGXFSZ ignored, a write past the limit fails with EFBIG instead of killing us.
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{};
        limit.rlim_cur = args.value(3).toULongLong();
        limit.rlim_max = RLIM_INFINITY;
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
            return 3;
        }
    }
    Outbox outbox;
    if (!outbox.open(path)) {
        std::printf("open failed: %s\n", qPrintable(outbox.lastError()));
        return 4;
    }
    if (mode == u"enqueue") {
        const int n = args.value(3).toInt();
        for (int i = 0; i < n; ++i) {
            const auto item = outbox.enqueue(OutboxItem::Kind::ReviewDecision, {QStringLiteral("def"), QStringLiteral("inst"), QStringLiteral("decision-%1").arg(i)},
                                             QByteArrayLiteral("{\"decision\":\"Approve\"}"));
            if (!item) {
                return 5;
            }
            std::printf("enqueued %s\n", qPrintable(item->idempotencyKey));
            std::fflush(stdout);
        }
    } else if (mode == u"sending") {
        const auto item = outbox.nextPending();
        if (!item || !outbox.markSending(item->id)) {
            return 6;
        }
        std::printf("sending %s\n", qPrintable(item->idempotencyKey));
        std::fflush(stdout);
    } else if (mode == u"fill") {
        const QByteArray payload(4096, 'x');
        int recorded = 0;
        for (;;) {
            const auto item = outbox.enqueue(OutboxItem::Kind::ApprovalDecision, {QStringLiteral("a"), QStringLiteral("s")}, payload);
            if (!item) {
                std::printf("recorded %d\nerror %s\n", recorded, qPrintable(outbox.lastError()));
                std::fflush(stdout);
                return 0;
            }
            ++recorded;
            if (recorded > 100000) {
                return 7; // the limit did not bite
            }
        }
    }
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) {
        QThread::sleep(1);
    }
}
