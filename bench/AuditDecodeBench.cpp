// elevate-bench-audit-decode: GraphCodec::decodeAuditPage alone, over pages of generated audit
// events (AuditGenerator, the shape bench/run-cache.sh pulls). Prints thread CPU per event and
// per page; asserts nothing. Made to run under callgrind too, for instructions per event:
//   valgrind --tool=callgrind --toggle-collect='Elevate::GraphCodec::decodeAuditPage*'
//       build/release/bench/elevate-bench-audit-decode 3 1000
// (one command line) and divide the instructions collected by the events (3000 here).
// Usage: elevate-bench-audit-decode [PAGES] [EVENTS_PER_PAGE]
#include "AuditFixtures.h"
#include "GraphCodec.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

using namespace Elevate;

namespace {

qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int pages = argc > 1 ? std::atoi(argv[1]) : 50;
    const int perPage = argc > 2 ? std::atoi(argv[2]) : 1000;
    Testing::AuditGenerator gen(2026);
    const qint64 end = Timestamp::fromIso(u"2026-11-01T00:00:00Z")->ticks();
    std::vector<QByteArray> documents;
    qint64 bytes = 0;
    for (int p = 0; p < pages; ++p) {
        Page<AuditEvent> page;
        for (int i = 0; i < perPage; ++i) {
            page.value << gen.next(Timestamp::fromTicks(end - qint64(p * perPage + i) * 300'000'000));
        }
        documents.push_back(GraphCodec::serialize(GraphCodec::toJson(page)));
        bytes += documents.back().size();
    }
    qint64 events = 0;
    const qint64 c0 = threadCpuNs();
    for (const QByteArray& document : documents) {
        const Result<Page<AuditEvent>> decoded = GraphCodec::decodeAuditPage(document);
        if (!decoded) {
            std::printf("decode failed: %s\n", qPrintable(decoded.error().toString()));
            return 1;
        }
        events += decoded->value.size();
    }
    const double seconds = double(threadCpuNs() - c0) / 1e9;
    std::printf("%d pages of %d events (%.0f bytes per event): thread CPU %.3f s, %.2f us per event, %.2f ms per "
                "page, %.0f events/s\n",
                pages, perPage, double(bytes) / double(events), seconds, seconds * 1e6 / double(events),
                seconds * 1e3 / pages, double(events) / seconds);
    return 0;
}
