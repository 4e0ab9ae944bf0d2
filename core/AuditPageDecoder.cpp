// The SAX decoder for audit pages (GraphCodec::decodeAuditPage): the same results and errors as
// pageFromJson<AuditEvent> over a parsed tree, without building the tree. An audit pull decodes
// thousands of events per page, and the tree (one heap node per value, a std::map per object)
// plus a path string per field read cost several times the bytes themselves.
//
// The handler is fed by the hand-written reader of JsonSaxReader.h, which takes the bytes in one
// pass and hands strings over as views into the page; nlohmann's own lexer cost several times
// what the handler does. Whatever that reader does not accept is read again from the start by
// nlohmann's SAX parser with a fresh handler: it has the last word on every refusal, and its
// messages are the ones reported.

#include "AuditPageDecoderInternal.h"
#include "GraphCodec.h"
#include "JsonSaxReader.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace Elevate::GraphCodec {

using json = nlohmann::json;

namespace {

QString fromStd(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// A key against a member's name: a comparison of known length, which the compiler inlines.
template <std::size_t N>
bool is(std::string_view key, const char (&name)[N])
{
    return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
}

// Receives the parser's events and fills a Page<AuditEvent>. Objects of the shape are frames on
// a stack; members the shape does not know, and everything inside them, are skipped. Errors are
// recorded, never thrown: the parser is left to run to the end so that a syntax error anywhere
// wins over a field error, as it does when the tree is built first.
class AuditPageHandler final
{
public:
    using string_t = json::string_t;
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using binary_t = json::binary_t;

    // The page-level problems in the order the tree reader looks for them: the first one found
    // by that order is the one reported.
    enum Rank { ContextRank, NextLinkRank, CountRank, ValueRank, RankCount };

    bool null()
    {
        if (ignoring()) {
            return true;
        }
        switch (m_slot.kind) {
        case SlotKind::String:
            *m_slot.text = QString();
            if (m_slot.text == &m_event.id) {
                m_hasId = false;
            }
            break;
        case SlotKind::Result:
            m_event.result = AuditResult::Unknown;
            break;
        case SlotKind::Time:
            m_event.activityDateTime = Timestamp();
            m_hasTime = false;
            break;
        case SlotKind::Count:
            m_page.count.reset();
            break;
        case SlotKind::Object:
        case SlotKind::Array:
            clearContainer(m_slot.child, false);
            break;
        case SlotKind::None:
            if (top().kind == Frame::Root) {
                return rootNotObject();
            }
            if (isArray(top().kind)) {
                return elementNotObject();
            }
            break;
        }
        m_slot = {};
        return true;
    }

    bool boolean(bool /*value*/) { return scalar(); }
    bool number_integer(number_integer_t value) { return number(value >= 0, value); }
    bool number_unsigned(number_unsigned_t value)
    {
        const bool inRange = value <= static_cast<number_unsigned_t>(std::numeric_limits<qint64>::max());
        return number(inRange, inRange ? static_cast<qint64>(value) : 0);
    }
    bool number_float(number_float_t /*value*/, std::string_view /*text*/) { return scalar(); }
    bool binary(binary_t& /*value*/) { return scalar(); }

    // Strings come as views: into the document from the fast reader (Json::readJsonSax), into
    // nlohmann's token buffer from its parser.
    bool string(std::string_view value)
    {
        if (ignoring()) {
            return true;
        }
        const Slot slot = std::exchange(m_slot, Slot{});
        switch (slot.kind) {
        case SlotKind::String:
            if (withinLimit(value, slot)) {
                *slot.text = slot.repeats ? interned(value) : fromStd(value);
                if (slot.text == &m_event.id) {
                    m_hasId = true;
                }
            }
            return true;
        case SlotKind::Result:
            if (withinLimit(value, slot)) {
                m_event.result = parseEnum<AuditResult>(fromStd(value));
            }
            return true;
        case SlotKind::Time:
            if (withinLimit(value, slot)) {
                readTime(value, slot);
            }
            return true;
        case SlotKind::Count:
            fail(slot, QStringLiteral("expected an integer"));
            return true;
        case SlotKind::None:
        case SlotKind::Object:
        case SlotKind::Array:
            break;
        }
        return wrongScalar(slot);
    }

    bool start_object(std::size_t /*size*/)
    {
        if (++m_depth > MaxDepth) {
            return tooDeep();
        }
        if (ignoring()) {
            ++m_skip;
            return true;
        }
        const Slot slot = std::exchange(m_slot, Slot{});
        const Frame::Kind at = top().kind;
        if (slot.kind == SlotKind::Object) {
            clearContainer(slot.child, true);
            push(slot.child, slot.name);
            return true;
        }
        if (slot.kind == SlotKind::None) {
            if (at == Frame::Root) {
                push(Frame::Page, nullptr);
                return true;
            }
            if (isArray(at)) {
                const Frame::Kind element = elementOf(at);
                startElement(element);
                push(element, nullptr);
                return true;
            }
            if (slot.unknown) {
                ++m_skip;
                return true;
            }
        }
        failOpening(slot, slot.kind == SlotKind::Array ? QStringLiteral("expected an array") : expected(slot));
        return true;
    }

    bool end_object()
    {
        --m_depth;
        if (m_skip > 0) {
            --m_skip;
            return true;
        }
        if (m_dead) {
            return true;
        }
        const Frame frame = m_frames.back();
        m_frames.pop_back();
        if (isArray(top().kind)) {
            ++m_frames.back().index;
        }
        switch (frame.kind) {
        case Frame::Event:
            if (!m_hasId || !m_hasTime) {
                // The event is closed: the rest of the value array is skipped.
                const QString path = pathHere() + u'/' + QString::number(top().index - 1)
                                     + (m_hasId ? QStringLiteral("/activityDateTime") : QStringLiteral("/id"));
                failAtHere(path, QStringLiteral("required string is missing"), false);
                break;
            }
            m_page.value.append(std::move(m_event));
            break;
        case Frame::Target:
            m_event.targetResources.append(std::move(m_target));
            break;
        case Frame::ModifiedProperty:
            m_target.modifiedProperties.append(std::move(m_property));
            break;
        case Frame::Detail:
            m_event.additionalDetails.append(std::move(m_detail));
            break;
        default:
            break;
        }
        return true;
    }

    bool start_array(std::size_t /*size*/)
    {
        if (++m_depth > MaxDepth) {
            return tooDeep();
        }
        if (ignoring()) {
            ++m_skip;
            return true;
        }
        const Slot slot = std::exchange(m_slot, Slot{});
        if (slot.kind == SlotKind::Array) {
            clearContainer(slot.child, true);
            push(slot.child, slot.name);
            return true;
        }
        if (slot.kind == SlotKind::None) {
            if (top().kind == Frame::Root) {
                m_dead = true;
                failAt(ContextRank, QString(), QStringLiteral("expected an object"));
                return true;
            }
            if (isArray(top().kind)) {
                return elementNotObject(true);
            }
            if (slot.unknown) {
                ++m_skip;
                return true;
            }
        }
        failOpening(slot, expected(slot));
        return true;
    }

    bool end_array()
    {
        --m_depth;
        if (m_skip > 0) {
            --m_skip;
            return true;
        }
        if (!m_dead) {
            m_frames.pop_back();
        }
        return true;
    }

    bool key(std::string_view name)
    {
        if (ignoring()) {
            return true;
        }
        m_slot = slotFor(top().kind, name);
        return true;
    }

    bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& ex)
    {
        if (const auto* syntax = dynamic_cast<const json::parse_error*>(&ex)) {
            m_syntaxError = CodecError{QString(), QStringLiteral("malformed JSON at byte %1").arg(syntax->byte)};
        } else {
            // As parse(): nlohmann quotes the offending token, which can be megabytes long.
            QString what = QString::fromUtf8(ex.what());
            if (what.size() > 120) {
                what = what.left(120) + QStringLiteral("…");
            }
            m_syntaxError = CodecError{QString(), QStringLiteral("cannot parse JSON: %1").arg(what)};
        }
        return false;
    }

    // After the parse: `bytes` is the document, for the nesting check a syntax error needs.
    Result<Page<AuditEvent>> result(QByteArrayView bytes)
    {
        if (m_tooDeep) {
            return CodecError{QString(), QStringLiteral("nested deeper than %1 levels").arg(MaxDepth)};
        }
        if (m_syntaxError) {
            // parse() checks the nesting of the raw bytes before the syntax; do so too, so the
            // error is the same (the depth counted so far only covers the well-formed prefix).
            if (std::optional<CodecError> refused = checkLimits(bytes)) {
                return *refused;
            }
            return *m_syntaxError;
        }
        if (!m_hasValue && !m_errors[ValueRank]) {
            m_errors[ValueRank] = CodecError{QStringLiteral("/value"), QStringLiteral("required array is missing")};
        }
        for (const std::optional<CodecError>& error : m_errors) {
            if (error) {
                return *error;
            }
        }
        return std::move(m_page);
    }

private:
    struct Frame
    {
        enum Kind {
            Root,
            Page,
            Value,
            Event,
            InitiatedBy,
            User,
            App,
            Targets,
            Target,
            ModifiedProperties,
            ModifiedProperty,
            Details,
            Detail
        };
        Kind kind;
        const char* name; // the member that holds it; nullptr for an array element
        qsizetype index;  // arrays: the element being read
    };

    enum class SlotKind { None, String, Result, Time, Count, Object, Array };

    // What the value after the current key goes to.
    struct Slot
    {
        SlotKind kind = SlotKind::None;
        QString* text = nullptr;
        Frame::Kind child = Frame::Root;
        const char* name = nullptr;
        bool unknown = false; // a member the shape does not know: skipped whatever it holds
        bool repeats = true;  // a value many events share (a name, a type): interned
    };

    static bool isArray(Frame::Kind kind)
    {
        return kind == Frame::Value || kind == Frame::Targets || kind == Frame::ModifiedProperties
               || kind == Frame::Details;
    }

    static Frame::Kind elementOf(Frame::Kind array)
    {
        switch (array) {
        case Frame::Value:
            return Frame::Event;
        case Frame::Targets:
            return Frame::Target;
        case Frame::ModifiedProperties:
            return Frame::ModifiedProperty;
        default:
            return Frame::Detail;
        }
    }

    static Slot text(QString* target, const char* name)
    {
        return Slot{SlotKind::String, target, Frame::Root, name, false, true};
    }
    // A value that is new in nearly every event (ids, free text): not worth interning.
    static Slot uniqueText(QString* target, const char* name)
    {
        return Slot{SlotKind::String, target, Frame::Root, name, false, false};
    }
    static Slot container(SlotKind kind, Frame::Kind child, const char* name)
    {
        return Slot{kind, nullptr, child, name, false};
    }

    Slot slotFor(Frame::Kind at, std::string_view k)
    {
        switch (at) {
        case Frame::Page:
            if (is(k, "@odata.context")) {
                return uniqueText(&m_page.context, "@odata.context");
            }
            if (is(k, "@odata.nextLink")) {
                return uniqueText(&m_page.nextLink, "@odata.nextLink");
            }
            if (is(k, "@odata.count")) {
                return Slot{SlotKind::Count, nullptr, Frame::Root, "@odata.count", false};
            }
            if (is(k, "value")) {
                return container(SlotKind::Array, Frame::Value, "value");
            }
            break;
        case Frame::Event:
            if (is(k, "id")) {
                return uniqueText(&m_event.id, "id");
            }
            if (is(k, "category")) {
                return text(&m_event.category, "category");
            }
            if (is(k, "correlationId")) {
                return uniqueText(&m_event.correlationId, "correlationId");
            }
            if (is(k, "result")) {
                return Slot{SlotKind::Result, nullptr, Frame::Root, "result", false};
            }
            if (is(k, "resultReason")) {
                return uniqueText(&m_event.resultReason, "resultReason");
            }
            if (is(k, "activityDisplayName")) {
                return text(&m_event.activityDisplayName, "activityDisplayName");
            }
            if (is(k, "activityDateTime")) {
                return Slot{SlotKind::Time, nullptr, Frame::Root, "activityDateTime", false};
            }
            if (is(k, "loggedByService")) {
                return text(&m_event.loggedByService, "loggedByService");
            }
            if (is(k, "operationType")) {
                return text(&m_event.operationType, "operationType");
            }
            if (is(k, "initiatedBy")) {
                return container(SlotKind::Object, Frame::InitiatedBy, "initiatedBy");
            }
            if (is(k, "targetResources")) {
                return container(SlotKind::Array, Frame::Targets, "targetResources");
            }
            if (is(k, "additionalDetails")) {
                return container(SlotKind::Array, Frame::Details, "additionalDetails");
            }
            break;
        case Frame::InitiatedBy:
            if (is(k, "user")) {
                return container(SlotKind::Object, Frame::User, "user");
            }
            if (is(k, "app")) {
                return container(SlotKind::Object, Frame::App, "app");
            }
            break;
        case Frame::User: {
            AuditEvent::UserInitiator& u = *m_event.initiatedByUser;
            if (is(k, "id")) {
                return text(&u.id, "id");
            }
            if (is(k, "displayName")) {
                return text(&u.displayName, "displayName");
            }
            if (is(k, "userPrincipalName")) {
                return text(&u.userPrincipalName, "userPrincipalName");
            }
            if (is(k, "ipAddress")) {
                return text(&u.ipAddress, "ipAddress");
            }
            if (is(k, "userType")) {
                return text(&u.userType, "userType");
            }
            if (is(k, "homeTenantId")) {
                return text(&u.homeTenantId, "homeTenantId");
            }
            if (is(k, "homeTenantName")) {
                return text(&u.homeTenantName, "homeTenantName");
            }
            break;
        }
        case Frame::App: {
            AuditEvent::AppInitiator& a = *m_event.initiatedByApp;
            if (is(k, "appId")) {
                return text(&a.appId, "appId");
            }
            if (is(k, "displayName")) {
                return text(&a.displayName, "displayName");
            }
            if (is(k, "servicePrincipalId")) {
                return text(&a.servicePrincipalId, "servicePrincipalId");
            }
            if (is(k, "servicePrincipalName")) {
                return text(&a.servicePrincipalName, "servicePrincipalName");
            }
            break;
        }
        case Frame::Target:
            if (is(k, "id")) {
                return text(&m_target.id, "id");
            }
            if (is(k, "displayName")) {
                return text(&m_target.displayName, "displayName");
            }
            if (is(k, "type")) {
                return text(&m_target.type, "type");
            }
            if (is(k, "userPrincipalName")) {
                return text(&m_target.userPrincipalName, "userPrincipalName");
            }
            if (is(k, "groupType")) {
                return text(&m_target.groupType, "groupType");
            }
            if (is(k, "modifiedProperties")) {
                return container(SlotKind::Array, Frame::ModifiedProperties, "modifiedProperties");
            }
            break;
        case Frame::ModifiedProperty:
            if (is(k, "displayName")) {
                return text(&m_property.displayName, "displayName");
            }
            if (is(k, "oldValue")) {
                return uniqueText(&m_property.oldValue, "oldValue");
            }
            if (is(k, "newValue")) {
                return uniqueText(&m_property.newValue, "newValue");
            }
            break;
        case Frame::Detail:
            if (is(k, "key")) {
                return text(&m_detail.key, "key");
            }
            if (is(k, "value")) {
                return uniqueText(&m_detail.value, "value");
            }
            break;
        default:
            break;
        }
        Slot unknown;
        unknown.unknown = true;
        return unknown;
    }

    // A member given null (`opening` false) or opened: a member given twice takes the last
    // occurrence, as in the tree.
    void clearContainer(Frame::Kind kind, bool opening)
    {
        switch (kind) {
        case Frame::Value:
            m_page.value.clear();
            m_hasValue = opening;
            break;
        case Frame::InitiatedBy:
            m_event.initiatedByUser.reset();
            m_event.initiatedByApp.reset();
            break;
        case Frame::User:
            if (opening) {
                m_event.initiatedByUser.emplace();
            } else {
                m_event.initiatedByUser.reset();
            }
            break;
        case Frame::App:
            if (opening) {
                m_event.initiatedByApp.emplace();
            } else {
                m_event.initiatedByApp.reset();
            }
            break;
        case Frame::Targets:
            m_event.targetResources.clear();
            break;
        case Frame::ModifiedProperties:
            m_target.modifiedProperties.clear();
            break;
        case Frame::Details:
            m_event.additionalDetails.clear();
            break;
        default:
            break;
        }
    }

    void startElement(Frame::Kind kind)
    {
        switch (kind) {
        case Frame::Event:
            m_event = AuditEvent();
            m_hasId = false;
            m_hasTime = false;
            break;
        case Frame::Target:
            m_target = AuditEvent::TargetResource();
            break;
        case Frame::ModifiedProperty:
            m_property = AuditEvent::ModifiedProperty();
            break;
        case Frame::Detail:
            m_detail = AuditEvent::KeyValue();
            break;
        default:
            break;
        }
    }

    // Nesting beyond MaxDepth in the well-formed prefix read so far: parse() refuses it before
    // reading (checkLimits), and so does this decoder, only without a pass of its own.
    bool tooDeep()
    {
        m_tooDeep = true;
        return false;
    }

    void push(Frame::Kind kind, const char* name) { m_frames.push_back(Frame{kind, name, 0}); }
    const Frame& top() const { return m_frames.back(); }
    bool ignoring() const { return m_skip > 0 || m_dead; }

    // A boolean, a float or binary: never right for a member of the shape.
    bool scalar()
    {
        if (ignoring()) {
            return true;
        }
        return wrongScalar(std::exchange(m_slot, Slot{}));
    }

    // An integer: only the page's count takes one.
    bool number(bool inRange, qint64 value)
    {
        if (ignoring()) {
            return true;
        }
        const Slot slot = std::exchange(m_slot, Slot{});
        if (slot.kind == SlotKind::Count) {
            if (inRange) {
                m_page.count = value;
            } else {
                fail(slot, QStringLiteral("number out of range"));
            }
            return true;
        }
        return wrongScalar(slot);
    }

    bool wrongScalar(const Slot& slot)
    {
        if (slot.kind == SlotKind::None) {
            if (top().kind == Frame::Root) {
                return rootNotObject();
            }
            if (isArray(top().kind)) {
                return elementNotObject();
            }
            return true; // an unknown member
        }
        if (slot.kind == SlotKind::Count) {
            // A float or a boolean where an integer belongs; numbers in range are accepted above.
            fail(slot, QStringLiteral("expected an integer"));
            return true;
        }
        fail(slot, slot.kind == SlotKind::Array ? QStringLiteral("expected an array") : expected(slot));
        return true;
    }

    static QString expected(const Slot& slot)
    {
        switch (slot.kind) {
        case SlotKind::Object:
            return QStringLiteral("expected an object");
        case SlotKind::Array:
            return QStringLiteral("expected an array");
        case SlotKind::Count:
            return QStringLiteral("expected an integer");
        default:
            return QStringLiteral("expected a string");
        }
    }

    bool rootNotObject()
    {
        m_dead = true;
        failAt(ContextRank, QString(), QStringLiteral("expected an object"));
        return true;
    }

    // An element of an array of objects that is not an object; `opening` when it is an array
    // being opened (it is then skipped with everything after it in the array).
    bool elementNotObject(bool opening = false)
    {
        const QString path = pathHere() + u'/' + QString::number(m_frames.back().index);
        failAtHere(path, QStringLiteral("expected an object"), opening);
        return true;
    }

    bool withinLimit(std::string_view value, const Slot& slot)
    {
        if (static_cast<qsizetype>(value.size()) > MaxStringBytes) {
            fail(slot, QStringLiteral("string longer than %1 bytes").arg(MaxStringBytes));
            return false;
        }
        return true;
    }

    void readTime(std::string_view value, const Slot& slot)
    {
        if (value.empty()) {
            fail(slot, QStringLiteral("required timestamp is empty"));
            return;
        }
        const auto t = Timestamp::fromIso(fromStd(value));
        if (!t) {
            fail(slot, QStringLiteral("not an ISO-8601 UTC timestamp"));
            return;
        }
        m_event.activityDateTime = *t;
        m_hasTime = true;
    }

    QString pathHere() const
    {
        QString path;
        for (std::size_t i = 1; i < m_frames.size(); ++i) {
            const Frame& f = m_frames[i];
            if (f.kind == Frame::Page) {
                continue;
            }
            path += u'/';
            if (f.name) {
                path += QLatin1String(f.name);
            } else {
                path += QString::number(m_frames[i - 1].index);
            }
        }
        return path;
    }

    void fail(const Slot& slot, const QString& message) { failField(slot.name, message); }
    void failOpening(const Slot& slot, const QString& message)
    {
        failAtHere(pathHere() + u'/' + QLatin1String(slot.name), message, true);
    }
    void failField(const char* name, const QString& message)
    {
        failAtHere(pathHere() + u'/' + QLatin1String(name), message, false);
    }

    // Records a problem found at the current position. Inside the value array the rest of the
    // array is skipped (only the first problem there counts); at the page level only the member
    // in question (a container being opened) is.
    void failAtHere(const QString& path, const QString& message, bool opening)
    {
        if (m_frames.size() <= 2) {
            // The page object itself: which member decides the rank.
            const Rank rank = path == u"/@odata.context"    ? ContextRank
                              : path == u"/@odata.nextLink" ? NextLinkRank
                              : path == u"/@odata.count"    ? CountRank
                                                            : ValueRank;
            failAt(rank, path, message);
            if (opening) {
                m_skip = 1;
            }
            return;
        }
        failAt(ValueRank, path, message);
        // Skip to the end of the value array: every container open above the page, and the
        // one being opened.
        m_skip = static_cast<int>(m_frames.size()) - 2 + (opening ? 1 : 0);
        m_frames.resize(2);
        if (m_skip == 0) {
            // Cannot happen (the value array is open), but never leave a half-read state.
            m_dead = true;
        }
    }

    void failAt(Rank rank, const QString& path, const QString& message)
    {
        if (!m_errors[rank]) {
            m_errors[rank] = CodecError{path.isEmpty() ? QStringLiteral("/") : path, message};
        }
    }

    std::vector<Frame> m_frames{Frame{Frame::Root, nullptr, 0}};
    Slot m_slot;
    int m_skip = 0;
    int m_depth = 0;
    bool m_tooDeep = false;
    bool m_dead = false;
    bool m_hasValue = false;
    bool m_hasId = false;
    bool m_hasTime = false;

    // Equal values of repeating fields share one QString: converted once per page, and the
    // audit archive recognises a name it has just seen by its data pointer.
    QString interned(std::string_view value)
    {
        constexpr std::size_t MaxLength = 256;
        constexpr std::size_t MaxValues = 8192;
        if (value.size() > MaxLength) {
            return fromStd(value);
        }
        const auto hit = m_interned.find(value);
        if (hit != m_interned.end()) {
            return hit->second;
        }
        QString converted = fromStd(value);
        if (m_interned.size() < MaxValues) {
            m_interned.emplace(value, converted);
        }
        return converted;
    }

    // Looked up by std::string_view without building a std::string, through a hash that takes
    // eight bytes a step: the values are short and std::hash's costs more than the lookup.
    struct ViewHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept
        {
            constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
            std::uint64_t h = (s.size() + 1) * k;
            const char* p = s.data();
            std::size_t n = s.size();
            for (; n >= 8; n -= 8, p += 8) {
                std::uint64_t w = 0;
                std::memcpy(&w, p, 8);
                h = (h ^ w) * k;
                h ^= h >> 29;
            }
            if (n > 0) {
                std::uint64_t w = 0;
                std::memcpy(&w, p, n);
                h = (h ^ w) * k;
            }
            h ^= h >> 32;
            return static_cast<std::size_t>(h);
        }
    };
    std::unordered_map<std::string, QString, ViewHash, std::equal_to<>> m_interned;
    Page<AuditEvent> m_page;
    AuditEvent m_event;
    AuditEvent::TargetResource m_target;
    AuditEvent::ModifiedProperty m_property;
    AuditEvent::KeyValue m_detail;

    std::optional<CodecError> m_syntaxError;
    std::array<std::optional<CodecError>, RankCount> m_errors;
};

} // namespace

namespace Internal {

std::optional<Result<Page<AuditEvent>>> decodeAuditPageFast(QByteArrayView bytes)
{
    AuditPageHandler handler;
    if (!Json::readJsonSax(bytes, handler)) {
        return std::nullopt;
    }
    return handler.result(bytes);
}

Result<Page<AuditEvent>> decodeAuditPageNlohmann(QByteArrayView bytes)
{
    AuditPageHandler handler;
    json::sax_parse(bytes.begin(), bytes.end(), &handler);
    return handler.result(bytes);
}

} // namespace Internal

Result<Page<AuditEvent>> decodeAuditPage(QByteArrayView bytes)
{
    // The size and emptiness checks of parse(); the nesting check is the handler's (one pass).
    if (bytes.size() > MaxDocumentBytes || bytes.trimmed().isEmpty()) {
        return *checkLimits(bytes);
    }
    try {
        // The hand-written reader first; anything it does not take (a syntax error, a document
        // nested too deep, a float it cannot convert with certainty) is read again from the start
        // by nlohmann's parser with a fresh handler, so errors are worded as they always were.
        if (std::optional<Result<Page<AuditEvent>>> fast = Internal::decodeAuditPageFast(bytes)) {
            return std::move(*fast);
        }
        return Internal::decodeAuditPageNlohmann(bytes);
    } catch (const std::exception& e) {
        // The handler throws nothing itself: this is memory exhaustion, and must still not
        // escape the codec.
        return CodecError{QStringLiteral("/"), QStringLiteral("decoder failure: %1").arg(QString::fromUtf8(e.what()))};
    }
}

} // namespace Elevate::GraphCodec
