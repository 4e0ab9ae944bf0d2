// libFuzzer target for the Graph codec: every decoder must return a value or a CodecError for
// any bytes, and whatever decodes must encode and decode again to the same value.
#include "AuditPageDecoderInternal.h"
#include "CodecTestSupport.h"
#include "GraphCodec.h"
#include "IsoDuration.h"
#include "JsonSaxRecorder.h"
#include "Timestamp.h"

#include <cstdio>
#include <cstdlib>

using namespace Elevate;

namespace {

using CodecTestSupport::normalized;

template <typename T>
void roundTrip(const nlohmann::json& tree)
{
    Result<T> first = GraphCodec::fromJson<T>(tree);
    if (!first) {
        return;
    }
    const QByteArray encoded = GraphCodec::encode(*first);
    Result<T> second = GraphCodec::decode<T>(encoded);
    if (!second || !(normalized(*second) == normalized(*first))) {
        std::fprintf(stderr, "round trip changed the value: %s\n", encoded.constData());
        std::abort();
    }
}

template <typename T>
void page(const nlohmann::json& tree)
{
    Result<Page<T>> first = GraphCodec::pageFromJson<T>(tree);
    if (!first) {
        return;
    }
    const QByteArray encoded = GraphCodec::serialize(GraphCodec::toJson(*first));
    Result<Page<T>> second = GraphCodec::decodePage<T>(encoded);
    if (!second || !(*second == *first)) {
        std::fprintf(stderr, "page round trip changed the value: %s\n", encoded.constData());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));

    // The text parsers see the raw input too.
    const QString text = QString::fromUtf8(bytes);
    if (const auto t = Timestamp::fromIso(text)) {
        if (Timestamp::fromIso(t->toIso()) != t) {
            std::abort();
        }
    }
    if (const Result<IsoDuration> d = IsoDuration::parse(text)) {
        const Result<IsoDuration> again = IsoDuration::parse(d->toIso());
        if (!again || !(*again == *d)) {
            std::abort();
        }
    }

    (void)GraphCodec::decodeError(bytes, 400);
    const Result<nlohmann::json> tree = GraphCodec::parse(bytes);
    // The SAX audit page decoder accepts nothing the tree decoder refuses, and what it accepts
    // it reads the same. (The converse has one known exception: a member given twice whose first
    // occurrence has the wrong type, which the tree forgets and the SAX decoder refuses.)
    const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(bytes);
    if (!sax && sax.error().message.isEmpty()) {
        std::abort();
    }
    if (sax) {
        const Result<Page<AuditEvent>> viaTree =
            tree ? GraphCodec::pageFromJson<AuditEvent>(*tree) : Result<Page<AuditEvent>>(tree.error());
        if (!viaTree || !(*viaTree == *sax)) {
            std::fprintf(stderr, "the SAX audit page decoder disagrees with the tree decoder\n");
            std::abort();
        }
    }
    // The hand-written JSON reader against nlohmann's parser, event by event; and the audit page
    // decoder's fast path, when it takes the bytes, gives nlohmann's result (value or error).
    const JsonSaxRecorder::Verdict readers = JsonSaxRecorder::compareReaders(bytes);
    if (!readers.agree) {
        std::fprintf(stderr, "%s\n", readers.why);
        std::abort();
    }
    if (size <= std::size_t(GraphCodec::MaxDocumentBytes)) {
        const std::optional<Result<Page<AuditEvent>>> fast = GraphCodec::Internal::decodeAuditPageFast(bytes);
        const Result<Page<AuditEvent>> slow = GraphCodec::Internal::decodeAuditPageNlohmann(bytes);
        if (fast && (!readers.fastAccepted || !JsonSaxRecorder::sameResult(*fast, slow))) {
            std::fprintf(stderr, "the fast audit page reader disagrees with nlohmann's\n");
            std::abort();
        }
        if (!bytes.trimmed().isEmpty() && !JsonSaxRecorder::sameResult(sax, slow)) {
            std::fprintf(stderr, "decodeAuditPage is not what nlohmann's parser gives\n");
            std::abort();
        }
    }
    if (!tree) {
        return 0;
    }
    roundTrip<Identity>(*tree);
    roundTrip<RoleDefinition>(*tree);
    roundTrip<Eligibility>(*tree);
    roundTrip<ActiveAssignment>(*tree);
    roundTrip<ScheduleRequest>(*tree);
    roundTrip<Approval>(*tree);
    roundTrip<ApprovalDecision>(*tree);
    roundTrip<RolePolicy>(*tree);
    roundTrip<RolePolicyAssignment>(*tree);
    roundTrip<AccessReviewDefinition>(*tree);
    roundTrip<AccessReviewInstance>(*tree);
    roundTrip<ReviewDecision>(*tree);
    roundTrip<ReviewDecisionUpdate>(*tree);
    roundTrip<BatchRecordDecisions>(*tree);
    roundTrip<AuditEvent>(*tree);
    page<Eligibility>(*tree);
    page<ScheduleRequest>(*tree);
    page<AuditEvent>(*tree);
    return 0;
}
