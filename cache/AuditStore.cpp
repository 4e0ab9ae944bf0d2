#include "AuditStore.h"

#include "CacheDatabase.h"
#include "CacheLog.h"
#include "CacheSchema.h"
#include "GraphCodec.h"
#include "SqliteStatement.h"

#include <QIODevice>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <vector>

namespace Elevate::Cache {

namespace {

constexpr qint64 TicksPerMs = 10'000;
constexpr qint64 TicksPerDay = 864'000'000'000;
constexpr qint64 SlotsPerMs = qint64(1) << 20;
constexpr qint64 SlotsPerTick = 104;
constexpr qint64 MaxMs = (qint64(1) << 43) - 1;
constexpr qint64 MinKey = -std::numeric_limits<qint64>::max(); // so that -MinKey exists
constexpr qint64 MaxKey = std::numeric_limits<qint64>::max();
// Above this many candidate rows for the narrowest column filter, a free-text filter drives the
// query instead (each column-driven row costs one FTS5 probe).
constexpr qint64 ProbeLimit = 20'000;

// audit_keys kinds.
enum KeyKind { ActorKey = 1, TargetKey = 2, ActivityKey = 3, ShapeKey = 4, InitiatorJson = 5, TargetJson = 6 };
// Filter dimensions (audit_daycount.dim); 0 is "every event".
enum Dim { AllDim = 0, ActorDim = 1, TargetDim = 2, ActivityDim = 3, ResultDim = 4 };

const char* const DimColumns[] = {"", "actor", "target", "activity", "result"};
const char* const DimIndexes[] = {"", "audit_by_actor", "audit_by_target", "audit_by_activity", "audit_by_result"};

constexpr QChar Separator = u'\x1f';

// The row id stored for an order key. Keys grow with time, row ids shrink: Graph pages come
// newest first, so a first sync appends each page at the right edge of the table and FTS5
// b-trees (full pages, no splits in the middle); newest first is ascending row id order.
constexpr qint64 stored(qint64 key)
{
    return -key;
}

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

qint64 dayOf(const Timestamp& t)
{
    return floorDiv(t.ticks(), TicksPerDay);
}

// The day of a stored row from its row id alone: seq / 2^20 is the millisecond.
qint64 dayOfRow(qint64 rowid)
{
    return floorDiv(floorDiv(stored(rowid), SlotsPerMs), TicksPerDay / TicksPerMs);
}

// A GUID's 16 bytes, kept on the stack (a first sync packs two per event).
using PackedUuid = std::array<char, 16>;

// Packs id into out when it is a GUID in its canonical lowercase form (what
// QUuid::toString(WithoutBraces) writes back) and not the null GUID; false otherwise: anything
// else is stored as text, so the id read back is exactly the id that was stored.
bool packUuid(QStringView id, PackedUuid* out)
{
    if (id.size() != 36) {
        return false;
    }
    int byte = 0;
    bool nonZero = false;
    for (qsizetype i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (id[i] != u'-') {
                return false;
            }
            ++i;
            continue;
        }
        const auto nibble = [](char16_t ch) -> int {
            if (ch >= u'0' && ch <= u'9') {
                return ch - u'0';
            }
            if (ch >= u'a' && ch <= u'f') {
                return ch - u'a' + 10;
            }
            return -1;
        };
        const int high = nibble(id[i].unicode());
        const int low = nibble(id[i + 1].unicode());
        if (high < 0 || low < 0) {
            return false;
        }
        const char value = char((high << 4) | low);
        nonZero = nonZero || value != 0;
        (*out)[std::size_t(byte++)] = value;
        i += 2;
    }
    // The null GUID reads back as "" from QUuid: kept as text.
    return nonZero;
}

// A packed GUID as a hash key.
struct UuidKey
{
    quint64 high = 0;
    quint64 low = 0;
    static UuidKey of(const char* bytes)
    {
        UuidKey k;
        std::memcpy(&k.high, bytes, 8);
        std::memcpy(&k.low, bytes + 8, 8);
        return k;
    }
    friend bool operator==(const UuidKey&, const UuidKey&) = default;
    friend size_t qHash(const UuidKey& k, size_t seed = 0)
    {
        // Random bits already (or a time and a counter): one multiply-xor mix.
        quint64 h = (k.high ^ (k.low * 0x9E3779B97F4A7C15ULL) ^ quint64(seed)) * 0xBF58476D1CE4E5B9ULL;
        return size_t(h ^ (h >> 31));
    }
};

QString expandId(const QVariant& v)
{
    if (v.isNull()) {
        return {};
    }
    if (v.typeId() == QMetaType::QByteArray) {
        const QByteArray bytes = v.toByteArray();
        if (bytes.size() == 16) {
            return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
        }
        return QString::fromUtf8(bytes);
    }
    return v.toString();
}

QString actorKeyOf(const AuditEvent& e)
{
    if (e.initiatedByUser) {
        return e.initiatedByUser->id.isEmpty() ? e.initiatedByUser->userPrincipalName : e.initiatedByUser->id;
    }
    return e.initiatedByApp ? e.initiatedByApp->appId : QString();
}

// The target the Audit pane's "role" filter means: the first Role target, else the first
// Group, else the first target of any type.
const AuditEvent::TargetResource* roleTargetOf(const AuditEvent& e)
{
    for (const QString& type : {QStringLiteral("Role"), QStringLiteral("Group")}) {
        for (const auto& t : e.targetResources) {
            if (t.type.compare(type, Qt::CaseInsensitive) == 0) {
                return &t;
            }
        }
    }
    return e.targetResources.isEmpty() ? nullptr : &e.targetResources.first();
}

// A minimal event the codec accepts, carrying one part of a real one.
nlohmann::json wrapper()
{
    nlohmann::json o = nlohmann::json::object();
    o["id"] = "x";
    o["activityDateTime"] = "2000-01-01T00:00:00Z";
    return o;
}

QString partJson(const AuditEvent& part, const char* member, int index = -1)
{
    const nlohmann::json full = GraphCodec::toJson(part);
    const auto it = full.find(member);
    if (it == full.end()) {
        return {};
    }
    return QString::fromUtf8(GraphCodec::serialize(index < 0 ? *it : it->at(std::size_t(index))));
}

QString csvField(const QString& value)
{
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') && !value.contains(u'\r')) {
        return value;
    }
    QString quoted = value;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

} // namespace

struct AuditStore::Filter
{
    bool nothing = false;               // a named actor, target or activity is not in the archive
    qint64 lo = MinKey;                 // seq bounds, inclusive
    qint64 hi = MaxKey;
    qint64 firstDay = std::numeric_limits<qint64>::min(); // whole days inside [from, to]
    qint64 lastDay = std::numeric_limits<qint64>::max();
    QList<std::pair<int, qint64>> dims; // (Dim, value)
    QString fts;
    QStringList terms;                  // the tokens behind fts
};

AuditStore::AuditStore(CacheDatabase& db)
    : m_db(db)
{
    loadTrackedTerms();
    // A bulk load interrupted by a crash left the archive without its indexes: finish it now
    // (unless it is not interrupted but running in another process).
    if (!settleOpenLoad()) {
        qCInfo(lcCache) << m_lastError;
    }
}

bool AuditStore::takeLoadLock()
{
    if (m_loadLock) {
        return true;
    }
    const QString path = m_db.connection().path();
    if (path.isEmpty() || path == u":memory:") {
        return true; // no other process can open it
    }
    auto lock = std::make_unique<QLockFile>(path + QStringLiteral(".load-lock"));
    // Held for a whole load (minutes at a million events): stale only when its process is gone.
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        m_lastError = lock->error() == QLockFile::LockFailedError
            ? QStringLiteral("another Elevate process is loading this audit archive (its first sync); the archive "
                             "is written again once that load is finished")
            : QStringLiteral("the audit archive's lock file %1 cannot be created").arg(lock->fileName());
        return false;
    }
    m_loadLock = std::move(lock);
    return true;
}

bool AuditStore::settleOpenLoad()
{
    if (m_bulk) {
        return true; // this process's own load
    }
    const auto open = [this] {
        const std::optional<SyncState> marker = m_db.syncState(QStringLiteral("audit.bulk"));
        return marker && marker->watermark == u"open";
    };
    if (!open()) {
        return true;
    }
    if (!takeLoadLock()) {
        return false;
    }
    if (!open()) { // finished by its process between the two reads
        m_loadLock.reset();
        return true;
    }
    qCWarning(lcCache) << "finishing an interrupted audit bulk load";
    m_bulk = true;
    SqliteConnection& c = m_db.connection();
    c.transaction([&] {
        // Recount the days from the rows (the in-memory counts died with the process).
        if (!c.execDirect(QStringLiteral("DELETE FROM audit_daycount"))) {
            return false;
        }
        const QString day = QStringLiteral("(CASE WHEN at >= 0 THEN at / %1 ELSE (at - %1 + 1) / %1 END)")
                                .arg(TicksPerDay);
        if (!c.execDirect(QStringLiteral("INSERT INTO audit_daycount SELECT 0, 0, %1 AS d, count(*) FROM "
                                         "audit_events GROUP BY d")
                              .arg(day))) {
            return false;
        }
        for (int dim = ActorDim; dim <= ResultDim; ++dim) {
            const QString column = QString::fromLatin1(DimColumns[dim]);
            if (!c.execDirect(QStringLiteral("INSERT INTO audit_daycount SELECT %1, %2, %3 AS d, count(*) FROM "
                                             "audit_events GROUP BY %2, d")
                                  .arg(dim)
                                  .arg(column, day))) {
                return false;
            }
        }
        return true;
    });
    return finishBulkLoad();
}

qint64 AuditStore::orderKey(const Timestamp& time)
{
    const qint64 ticks = time.ticks();
    const qint64 ms = std::clamp(floorDiv(ticks, TicksPerMs), -MaxMs, MaxMs);
    const qint64 tickInMs = ticks - floorDiv(ticks, TicksPerMs) * TicksPerMs;
    return ms * SlotsPerMs + tickInMs * SlotsPerTick;
}

QStringList AuditStore::tokens(const QString& text)
{
    return AuditText::tokens(text);
}

QString AuditStore::ftsExpression(const QString& userText)
{
    // Tokens hold only letters and digits, so quoting them makes every character of user text
    // (quotes, AND, NEAR, *, ^, :, brackets) plain text to FTS5.
    QStringList terms = tokens(userText);
    terms.removeDuplicates();
    for (QString& t : terms) {
        t = u'"' + t + u'"';
    }
    return terms.join(QStringLiteral(" AND "));
}

// additionalDetails as "key US value RS key US value": decoding a JSON array for each row read
// cost more than the rest of the row. Keys or values holding those separators are rare; they
// are stored as Graph JSON instead (which starts with '[').
void AuditStore::encodeDetails(const QList<AuditEvent::KeyValue>& details, QString* out)
{
    out->resize(0); // keeps the capacity: no allocation per event
    const auto holdsSeparator = [](const QString& s) { return s.contains(u'\x1e') || s.contains(u'\x1f'); };
    for (const auto& kv : details) {
        if (holdsSeparator(kv.key) || holdsSeparator(kv.value) || (out->isEmpty() && kv.key.startsWith(u'['))) {
            AuditEvent part;
            part.additionalDetails = details;
            *out = partJson(part, "additionalDetails");
            return;
        }
        if (!out->isEmpty()) {
            *out += u'\x1e';
        }
        *out += kv.key;
        *out += u'\x1f';
        *out += kv.value;
    }
}

QList<AuditEvent::KeyValue> AuditStore::decodeDetails(const QString& text)
{
    QList<AuditEvent::KeyValue> details;
    if (text.isEmpty()) {
        return details;
    }
    if (text.startsWith(u'[')) {
        Result<nlohmann::json> tree = GraphCodec::parse(text.toUtf8());
        if (tree) {
            nlohmann::json w = wrapper();
            w["additionalDetails"] = *tree;
            Result<AuditEvent> decoded = GraphCodec::fromJson<AuditEvent>(w);
            if (decoded) {
                details = decoded->additionalDetails;
            }
        }
        return details;
    }
    for (const QStringView pair : QStringView(text).split(u'\x1e')) {
        const qsizetype at = pair.indexOf(u'\x1f');
        details << AuditEvent::KeyValue{pair.left(at).toString(), at < 0 ? QString() : pair.mid(at + 1).toString()};
    }
    return details;
}

Timestamp AuditStore::newest()
{
    const QVariant v = m_db.connection().scalar(QStringLiteral("SELECT at FROM audit_events ORDER BY seq LIMIT 1"));
    return v.isValid() && !v.isNull() ? Timestamp::fromTicks(v.toLongLong()) : Timestamp();
}

Timestamp AuditStore::oldest()
{
    const QVariant v = m_db.connection().scalar(QStringLiteral("SELECT at FROM audit_events ORDER BY seq DESC LIMIT 1"));
    return v.isValid() && !v.isNull() ? Timestamp::fromTicks(v.toLongLong()) : Timestamp();
}

Timestamp AuditStore::pullFrom(qint64 overlapSeconds)
{
    const Timestamp last = newest();
    return last.isNull() ? Timestamp() : last.plusSeconds(-overlapSeconds);
}

qint64 AuditStore::size()
{
    SqliteConnection& c = m_db.connection();
    if (m_bulk) {
        return c.scalar(QStringLiteral("SELECT count(*) FROM audit_events")).toLongLong();
    }
    return c.scalar(QStringLiteral("SELECT COALESCE(sum(n), 0) FROM audit_daycount WHERE dim = 0")).toLongLong();
}

std::optional<qint64> AuditStore::lookupRef(int kind, const QString& key)
{
    SqliteStatement q(m_db.connection(), "SELECT ref FROM audit_keys WHERE kind = ? AND key = ?");
    if (!q.isValid() || !q.bindInt(1, kind) || !q.bindText(2, key)) {
        return std::nullopt;
    }
    const qint64 r = q.next() ? q.columnInt(0) : qint64(-1);
    q.reset();
    if (q.failed()) {
        return std::nullopt;
    }
    return r;
}

std::optional<qint64> AuditStore::ref(SqliteStatement& insert, int kind, const QString& key, const QString& label)
{
    QHash<QString, qint64>& cache = m_refs[std::size_t(kind)];
    const auto cached = cache.constFind(key);
    if (cached != cache.constEnd()) {
        return *cached;
    }
    // A key missing from the cache is usually new: inserted first, looked up only when the
    // archive has it already (opened again, or written by another process meanwhile).
    if (!insert.bindInt(1, kind) || !insert.bindText(2, key) || !insert.bindText(3, label) || !insert.step()) {
        return std::nullopt;
    }
    std::optional<qint64> found = insert.changes() == 1 ? std::optional<qint64>(insert.lastInsertRowId())
                                                        : lookupRef(kind, key);
    if (!found || *found < 0) {
        if (found) {
            m_db.connection().setLastError(QStringLiteral("an audit key vanished while it was being stored"));
        }
        return std::nullopt;
    }
    cache.insert(key, *found);
    return found;
}

bool AuditStore::insertEvents(const QList<AuditEvent>& events, int* inserted, QHash<DayKey, qint64>* deltasOut,
                              QHash<TermDay, qint64>* termDeltas, QList<std::pair<qint64, qsizetype>>* textRows)
{
    SqliteConnection& c = m_db.connection();
    QList<qint64> bases;
    // Stored form of each id: 16 bytes for a canonical GUID, else its UTF-8 text.
    std::vector<PackedUuid> packed(std::size_t(events.size()));
    QList<QByteArray> textIds(events.size()); // empty where the id is packed
    QList<bool> idIsText;
    bases.reserve(events.size());
    idIsText.reserve(events.size());
    qint64 lo = MaxKey;
    qint64 hi = MinKey;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const AuditEvent& e = events.at(i);
        const qint64 base = orderKey(e.activityDateTime);
        bases << base;
        const bool isText = !packUuid(e.id, &packed[std::size_t(i)]);
        idIsText << isText;
        if (isText) {
            textIds[i] = e.id.toUtf8();
        }
        lo = std::min(lo, base);
        hi = std::max(hi, base);
    }
    hi = hi > MaxKey - SlotsPerMs ? MaxKey : hi + SlotsPerMs;

    // What the archive already holds around these times: taken slots, and ids to skip.
    QSet<qint64> used;
    QSet<UuidKey> known;
    QSet<QByteArray> knownText;
    used.reserve(events.size());
    known.reserve(events.size());
    {
        SqliteStatement q(c, "SELECT seq, id, typeof(id) = 'text' FROM audit_events WHERE seq BETWEEN ? AND ?");
        if (!q.isValid() || !q.bindInt(1, stored(hi)) || !q.bindInt(2, stored(lo))) {
            return false;
        }
        while (q.next()) {
            used.insert(stored(q.columnInt(0)));
            const QByteArray id = q.columnBytes(1);
            if (q.columnInt(2)) {
                knownText.insert(id);
            } else if (id.size() == 16) {
                known.insert(UuidKey::of(id.constData()));
            }
        }
        q.reset();
        if (q.failed()) {
            return false;
        }
    }

    // Straight on the SQLite handle with typed binds: these run once per event (a million
    // times in a first sync). Prepared per page: a prepare costs microseconds, and a statement
    // never outlives the connection it was prepared on.
    SqliteStatement keyInsert(c, "INSERT INTO audit_keys (kind, key, label) VALUES (?, ?, ?) "
                                 "ON CONFLICT (kind, key) DO NOTHING");
    if (!keyInsert.isValid()) {
        return false;
    }
    m_text.beginPage();
    const auto pageDone = qScopeGuard([this] {
        m_text.endPage();
        m_pageRefs.clear();
    });
    SqliteStatement insert(c, "INSERT OR IGNORE INTO audit_events (seq, id, at, actor, target, activity, result, "
                              "initiator, shape, targets, correlation, reason, details) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SqliteStatement fts(c, "INSERT INTO audit_fts (rowid, text) VALUES (?, ?)");
    if (!insert.isValid() || !fts.isValid()) {
        return false;
    }
    QHash<DayKey, qint64>& deltas = *deltasOut;
    QString targetRefs;
    QString details; // reused: its capacity is kept from event to event
    QString text;
    QStringList trackedHere; // the tracked terms of one event, once each
    // A ref first by the identity of the strings (this page's events share equal values, see
    // StringIdentity), then by their content, then in the file.
    const auto pageRef = [this](const StringIdentity& strings, auto&& lookup) -> std::optional<qint64> {
        if (const auto hit = m_pageRefs.constFind(strings); hit != m_pageRefs.constEnd()) {
            return *hit;
        }
        const std::optional<qint64> r = lookup();
        if (r) {
            m_pageRefs.insert(strings, *r);
        }
        return r;
    };
    for (qsizetype i = 0; i < events.size(); ++i) {
        const AuditEvent& e = events.at(i);
        if (idIsText.at(i)) {
            if (knownText.contains(textIds.at(i))) {
                continue;
            }
            knownText.insert(textIds.at(i));
        } else {
            const UuidKey identity = UuidKey::of(packed[std::size_t(i)].data());
            if (known.contains(identity)) {
                continue;
            }
            known.insert(identity);
        }
        qint64 seq = bases.at(i);
        while (used.contains(seq)) {
            ++seq;
        }

        const QString actorKey = actorKeyOf(e);
        const std::optional<qint64> actor = pageRef(StringIdentity(ActorKey, {&actorKey}), [&] {
            return ref(keyInsert, ActorKey, actorKey, e.initiatorName());
        });
        const AuditEvent::TargetResource* role = roleTargetOf(e);
        const QString targetKey = role ? role->id : QString();
        const std::optional<qint64> target = pageRef(StringIdentity(TargetKey, {&targetKey}), [&] {
            return ref(keyInsert, TargetKey, targetKey, role ? role->displayName : QString());
        });
        const std::optional<qint64> activity =
            pageRef(StringIdentity(ActivityKey, {&e.activityDisplayName}), [&] {
                return ref(keyInsert, ActivityKey, e.activityDisplayName, e.activityDisplayName);
            });

        const std::optional<qint64> shape =
            pageRef(StringIdentity(ShapeKey, {&e.category, &e.loggedByService, &e.operationType}), [&] {
                std::optional<qint64> r;
                const ShapeFields shapeFields{e.category, e.loggedByService, e.operationType};
                if (const auto hit = m_shapeRefs.constFind(shapeFields); hit != m_shapeRefs.constEnd()) {
                    r = *hit;
                } else {
                    const QString shapeKey =
                        e.category + Separator + e.loggedByService + Separator + e.operationType;
                    r = ref(keyInsert, ShapeKey, shapeKey, QString());
                    if (r) {
                        m_shapeRefs.insert(shapeFields, *r);
                    }
                }
                return r;
            });

        const auto initiatorByContent = [&] {
            std::optional<qint64> r;
            const InitiatorFields initiatorFields{e.initiatedByUser, e.initiatedByApp};
            if (const auto hit = m_initiatorRefs.constFind(initiatorFields); hit != m_initiatorRefs.constEnd()) {
                r = *hit;
            } else {
                AuditEvent part;
                part.initiatedByUser = e.initiatedByUser;
                part.initiatedByApp = e.initiatedByApp;
                const QString json = partJson(part, "initiatedBy");
                r = ref(keyInsert, InitiatorJson, json, QString());
                if (r) {
                    m_initiatorRefs.insert(initiatorFields, *r);
                }
            }
            return r;
        };
        std::optional<qint64> initiator;
        if (e.initiatedByUser && !e.initiatedByApp) {
            const AuditEvent::UserInitiator& u = *e.initiatedByUser;
            initiator = pageRef(StringIdentity(InitiatorJson, {&u.id, &u.displayName, &u.userPrincipalName,
                                                               &u.ipAddress, &u.userType, &u.homeTenantId,
                                                               &u.homeTenantName}),
                                initiatorByContent);
        } else if (e.initiatedByApp && !e.initiatedByUser) {
            const AuditEvent::AppInitiator& a = *e.initiatedByApp;
            initiator = pageRef(StringIdentity(-InitiatorJson, {&a.appId, &a.displayName, &a.servicePrincipalId,
                                                                &a.servicePrincipalName}),
                                initiatorByContent);
        } else {
            initiator = initiatorByContent();
        }

        targetRefs.resize(0);
        bool refsOk = actor && target && activity && shape && initiator;
        for (const auto& t : e.targetResources) {
            const auto targetByContent = [&] {
                std::optional<qint64> r;
                if (const auto hit = m_targetRefs.constFind(TargetFields{t}); hit != m_targetRefs.constEnd()) {
                    r = *hit;
                } else {
                    AuditEvent part;
                    part.targetResources << t;
                    const QString json = partJson(part, "targetResources", 0);
                    r = ref(keyInsert, TargetJson, json, QString());
                    if (r) {
                        m_targetRefs.insert(TargetFields{t}, *r);
                    }
                }
                return r;
            };
            const std::optional<qint64> r =
                t.modifiedProperties.isEmpty()
                    ? pageRef(StringIdentity(TargetJson, {&t.id, &t.displayName, &t.type, &t.userPrincipalName,
                                                          &t.groupType}),
                              targetByContent)
                    : targetByContent();
            if (!r) {
                refsOk = false;
                break;
            }
            if (!targetRefs.isEmpty()) {
                targetRefs += u' ';
            }
            targetRefs += QString::number(*r);
        }
        if (!refsOk) {
            return false;
        }
        encodeDetails(e.additionalDetails, &details);
        PackedUuid correlation;
        const bool correlationPacked = !e.correlationId.isEmpty() && packUuid(e.correlationId, &correlation);
        const bool bound = insert.bindInt(1, stored(seq))
            && (idIsText.at(i) ? insert.bindText(2, e.id)
                               : insert.bindBlob(2, QByteArrayView(packed[std::size_t(i)].data(), 16)))
            && insert.bindInt(3, e.activityDateTime.ticks()) && insert.bindInt(4, *actor)
            && insert.bindInt(5, *target) && insert.bindInt(6, *activity)
            && insert.bindInt(7, static_cast<int>(e.result)) && insert.bindInt(8, *initiator)
            && insert.bindInt(9, *shape) && insert.bindTextOrNull(10, targetRefs)
            && (e.correlationId.isEmpty() ? insert.bindNull(11)
                : !correlationPacked      ? insert.bindText(11, e.correlationId)
                                          : insert.bindBlob(11, QByteArrayView(correlation.data(), 16)))
            && insert.bindTextOrNull(12, e.resultReason) && insert.bindTextOrNull(13, details);
        if (!bound || !insert.step()) {
            return false;
        }
        if (insert.changes() == 0) {
            continue; // the same id stored at another time
        }
        used.insert(seq);
        const qint64 day = dayOf(e.activityDateTime);
        if (textRows) {
            textRows->append({stored(seq), i}); // indexed elsewhere (a bulk load's indexer)
        } else {
            text.resize(0); // keeps the capacity: no allocation per event
            trackedHere.resize(0);
            m_text.append(e, &text, &trackedHere);
            if (!fts.bindInt(1, stored(seq)) || !fts.bindText(2, text) || !fts.step()) {
                return false;
            }
            for (const QString& term : std::as_const(trackedHere)) {
                (*termDeltas)[TermDay{term, day}] += 1;
            }
        }
        deltas[DayKey{AllDim, 0, day}] += 1;
        deltas[DayKey{ActorDim, *actor, day}] += 1;
        deltas[DayKey{TargetDim, *target, day}] += 1;
        deltas[DayKey{ActivityDim, *activity, day}] += 1;
        deltas[DayKey{ResultDim, static_cast<int>(e.result), day}] += 1;
        ++*inserted;
    }
    return true;
}

bool AuditStore::flushDayCounts(const QHash<DayKey, qint64>& deltas)
{
    SqliteStatement q(m_db.connection(), "INSERT INTO audit_daycount (dim, value, day, n) VALUES (?, ?, ?, ?) "
                                         "ON CONFLICT (dim, value, day) DO UPDATE SET n = n + excluded.n");
    if (!q.isValid()) {
        return false;
    }
    // In key order: a first sync writes a few hundred thousand of them into an empty table,
    // where each then lands at the end of the b-tree instead of anywhere in it.
    std::vector<std::pair<DayKey, qint64>> sorted;
    sorted.reserve(std::size_t(deltas.size()));
    for (auto it = deltas.cbegin(); it != deltas.cend(); ++it) {
        if (it.value() != 0) {
            sorted.emplace_back(it.key(), it.value());
        }
    }
    std::sort(sorted.begin(), sorted.end()); // by DayKey: the table's primary key order
    for (const auto& [key, n] : sorted) {
        if (!q.bindInt(1, key.dim) || !q.bindInt(2, key.value) || !q.bindInt(3, key.day) || !q.bindInt(4, n)
            || !q.step()) {
            return false;
        }
    }
    return true;
}

bool AuditStore::flushTermCounts(const QHash<TermDay, qint64>& deltas)
{
    if (deltas.isEmpty()) {
        return true;
    }
    SqliteStatement q(m_db.connection(), "INSERT INTO audit_term_days (term, day, n) VALUES (?, ?, ?) "
                                         "ON CONFLICT (term, day) DO UPDATE SET n = n + excluded.n");
    if (!q.isValid()) {
        return false;
    }
    for (auto it = deltas.cbegin(); it != deltas.cend(); ++it) {
        if (!q.bindText(1, it.key().first) || !q.bindInt(2, it.key().second) || !q.bindInt(3, it.value())
            || !q.step()) {
            return false;
        }
    }
    return true;
}

void AuditStore::loadTrackedTerms()
{
    QSet<QString> terms;
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT term FROM audit_tracked_terms"));
    if (c.exec(q)) {
        while (q.next()) {
            terms.insert(q.value(0).toString());
        }
    }
    m_text.setTrackedTerms(terms);
}

bool AuditStore::updateTermStatistics(qint64 minEvents)
{
    SqliteConnection& c = m_db.connection();
    const bool ok = c.transaction([&] {
        sqlite3* handle = SqliteStatement::handleOf(c);
        QString error;
        const std::optional<QList<AuditTextIndexer::TermDays>> terms =
            handle ? AuditTextIndexer::termDays(handle, "main", minEvents, dayOfRow, &error) : std::nullopt;
        if (!terms) {
            c.setLastError(handle ? error : QStringLiteral("no SQLite handle"));
            return false;
        }
        return writeTermStatistics(*terms);
    });
    if (!ok) {
        m_lastError = c.lastError();
    }
    loadTrackedTerms();
    return ok;
}

bool AuditStore::writeTermStatistics(const QList<AuditTextIndexer::TermDays>& terms)
{
    SqliteConnection& c = m_db.connection();
    if (!c.execDirect(QStringLiteral("DELETE FROM audit_tracked_terms"))
        || !c.execDirect(QStringLiteral("DELETE FROM audit_term_days"))) {
        return false;
    }
    SqliteStatement track(c, "INSERT INTO audit_tracked_terms (term) VALUES (?)");
    SqliteStatement day(c, "INSERT INTO audit_term_days (term, day, n) VALUES (?, ?, ?)");
    if (!track.isValid() || !day.isValid()) {
        return false;
    }
    for (const AuditTextIndexer::TermDays& t : terms) {
        if (!track.bindText(1, t.term) || !track.step()) {
            return false;
        }
        for (const auto& [d, n] : t.days) {
            if (!day.bindText(1, t.term) || !day.bindInt(2, d) || !day.bindInt(3, n) || !day.step()) {
                return false;
            }
        }
    }
    return true;
}

qint64 AuditStore::termDaySum(const QString& term, qint64 firstDay, qint64 lastDay)
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(
        QStringLiteral("SELECT COALESCE(sum(n), 0) FROM audit_term_days WHERE term = ? AND day BETWEEN ? AND ?"));
    if (!c.exec(q, {term, firstDay, lastDay}) || !q.next()) {
        return -1;
    }
    const qint64 n = q.value(0).toLongLong();
    q.finish();
    return n;
}

AuditStore::~AuditStore()
{
    // A bulk load left unfinished by a clean shutdown keeps its pages (finished at next open).
    if (m_bulkOpen) {
        m_db.connection().commitLong();
    }
}

std::optional<int> AuditStore::merge(const QList<AuditEvent>& events)
{
    if (!settleOpenLoad()) {
        return std::nullopt; // another process is loading the archive: nothing written
    }
    SqliteConnection& c = m_db.connection();
    if (m_bulk && !m_bulkOpen) {
        // A bulk load commits every BulkPagesPerCommit pages: FTS5 writes one segment per
        // commit, and a thousand tiny segments cost more merging than the inserts themselves.
        if (!c.beginLong()) {
            m_lastError = c.lastError();
            return std::nullopt;
        }
        m_bulkOpen = true;
        m_bulkPages = 0;
    }
    int inserted = 0;
    QHash<DayKey, qint64> deltas;
    QHash<TermDay, qint64> termDeltas;
    // In a bulk load the page goes straight into the long transaction: a savepoint per page
    // would make FTS5 flush its pending terms as a new segment each time (SQLite 3.40 syncs
    // FTS5 on every savepoint). A failed page then abandons the whole open batch (rolled back
    // below): the pull fails and the next one pulls those events again.
    // A bulk load's text goes to its indexer, once the page is stored.
    QList<std::pair<qint64, qsizetype>> textRows;
    const bool ok = m_bulk ? insertEvents(events, &inserted, &deltas, &termDeltas, &textRows) : c.transaction([&] {
        return insertEvents(events, &inserted, &deltas, &termDeltas, nullptr) && flushDayCounts(deltas)
            && flushTermCounts(termDeltas);
    });
    if (!ok) {
        m_lastError = c.lastError();
        if (m_bulk) {
            // The batch's earlier pages go with it (never committed, never counted), and from
            // the indexer they cannot be taken back.
            c.rollbackLong();
            m_bulkOpen = false;
            m_batchDayDeltas.clear();
            dropTextIndexer();
        }
        // Keys created in the rolled-back transaction are gone: forget the cached numbers.
        for (auto& cache : m_refs) {
            cache.clear();
        }
        m_shapeRefs.clear();
        m_initiatorRefs.clear();
        m_targetRefs.clear();
        m_decoded.clear();
        m_keyText.clear();
        return std::nullopt;
    }
    if (m_bulk) {
        if (m_indexer && m_textComplete) {
            m_indexer->add(events, std::move(textRows));
        }
        for (auto it = deltas.cbegin(); it != deltas.cend(); ++it) {
            m_batchDayDeltas[it.key()] += it.value();
        }
        if (++m_bulkPages >= BulkPagesPerCommit && !commitBulkBatch()) {
            return std::nullopt;
        }
    }
    return inserted;
}

bool AuditStore::commitBulkBatch()
{
    if (!m_bulkOpen) {
        return true;
    }
    SqliteConnection& c = m_db.connection();
    m_bulkOpen = false;
    if (!c.commitLong()) {
        m_lastError = c.lastError();
        m_batchDayDeltas.clear();
        dropTextIndexer();
        for (auto& cache : m_refs) {
            cache.clear();
        }
        m_shapeRefs.clear();
        m_initiatorRefs.clear();
        m_targetRefs.clear();
        return false;
    }
    for (auto it = m_batchDayDeltas.cbegin(); it != m_batchDayDeltas.cend(); ++it) {
        m_dayDeltas[it.key()] += it.value();
    }
    m_batchDayDeltas.clear();
    return true;
}

bool AuditStore::beginBulkLoad()
{
    SqliteConnection& c = m_db.connection();
    if (m_bulk) {
        return true;
    }
    if (!settleOpenLoad()) {
        return false;
    }
    if (c.scalar(QStringLiteral("SELECT count(*) FROM audit_events")).toLongLong() != 0) {
        m_lastError = QStringLiteral("a bulk load needs an empty audit archive");
        return false;
    }
    // Taken before the load is marked open, so that another process never finds it open and
    // unlocked while it runs.
    if (!takeLoadLock()) {
        return false;
    }
    // The text index is built beside the rows, on a thread and in a file of its own.
    auto indexer = std::make_unique<AuditTextIndexer>(c.path());
    if (!indexer->start()) {
        m_lastError = indexer->error();
        m_loadLock.reset();
        return false;
    }
    const bool ok = c.transaction([&] {
        // Only the unique id index goes: ids are random, so it is built by one sort at the end.
        // The (column, seq, ...) indexes stay live: pages arrive in seq order, so each new
        // entry lands at the end of its column value's run, on a page already in the cache
        // (cheaper than sorting the whole archive again for each index at the end).
        return c.execDirect(QStringLiteral("DROP INDEX IF EXISTS audit_events_id"))
            && m_db.setWatermark(QStringLiteral("audit.bulk"), QStringLiteral("open"));
    });
    if (!ok) {
        m_lastError = c.lastError();
        m_loadLock.reset();
        return false;
    }
    m_bulk = true;
    m_indexer = std::move(indexer);
    m_textComplete = true;
    m_dayDeltas.clear();
    m_batchDayDeltas.clear();
    return true;
}

void AuditStore::dropTextIndexer()
{
    // Rows it was given were rolled back (or never stored): finishBulkLoad() rebuilds the text
    // index from the rows instead.
    m_indexer.reset();
    m_textComplete = false;
}

bool AuditStore::rebuildTextIndex()
{
    // Every stored row, read back window by window, through a fresh indexer.
    SqliteConnection& c = m_db.connection();
    m_indexer = std::make_unique<AuditTextIndexer>(c.path());
    if (!m_indexer->start()) {
        m_lastError = m_indexer->error();
        m_indexer.reset();
        return false;
    }
    const Filter everything;
    qint64 below = MaxKey;
    m_lastError.clear();
    for (;;) {
        QList<qint64> keys;
        QList<AuditEvent> rows = pageRows(everything, below, MaxLimit, &keys);
        if (rows.isEmpty()) {
            break;
        }
        QList<std::pair<qint64, qsizetype>> textRows;
        textRows.reserve(keys.size());
        for (qsizetype i = 0; i < keys.size(); ++i) {
            textRows.append({stored(keys.at(i)), i});
        }
        below = keys.constLast();
        m_indexer->add(std::move(rows), std::move(textRows));
    }
    if (!m_lastError.isEmpty()) {
        m_indexer.reset();
        return false;
    }
    m_indexer->finish(m_bulkTrackedTermEvents, dayOfRow);
    m_textComplete = true;
    return true;
}

bool AuditStore::removeDuplicates(QList<std::pair<qint64, QString>>* textDeletes)
{
    // Keep the earliest copy of each id, remove the rest from the counts too, and say what to
    // remove from the text index (built elsewhere, copied in afterwards).
    SqliteConnection& c = m_db.connection();
    QList<qint64> duplicates;
    {
        QSqlQuery q(c.handle());
        if (!q.exec(QStringLiteral("SELECT seq FROM audit_events WHERE seq NOT IN "
                                   "(SELECT max(seq) FROM audit_events GROUP BY id)"))) {
            c.setLastError(QStringLiteral("duplicate scan failed"));
            return false;
        }
        while (q.next()) {
            duplicates << q.value(0).toLongLong();
        }
    }
    for (const qint64 seq : duplicates) {
        const std::optional<AuditEvent> e = load(seq);
        if (!e) {
            return false;
        }
        QSqlQuery row = c.prepare(QStringLiteral("SELECT actor, target, activity, result FROM audit_events WHERE seq = ?"));
        QString text;
        m_text.append(*e, &text);
        textDeletes->append({seq, text});
        if (!c.exec(row, {seq}) || !row.next()) {
            return false;
        }
        const qint64 day = dayOf(e->activityDateTime);
        m_dayDeltas[DayKey{AllDim, 0, day}] -= 1;
        for (int dim = ActorDim; dim <= ResultDim; ++dim) {
            m_dayDeltas[DayKey{dim, row.value(dim - 1).toLongLong(), day}] -= 1;
        }
        row.finish();
        QSqlQuery drop = c.prepare(QStringLiteral("DELETE FROM audit_events WHERE seq = ?"));
        if (!c.exec(drop, {seq})) {
            return false;
        }
    }
    return true;
}

bool AuditStore::finishIndexes()
{
    SqliteConnection& c = m_db.connection();
    const QStringList statements = auditIndexStatements();
    for (qsizetype i = 1; i < statements.size(); ++i) {
        if (!c.execDirect(statements.at(i))) {
            return false;
        }
    }
    return flushDayCounts(m_dayDeltas);
}

bool AuditStore::finishBulkLoad()
{
    if (!m_bulk) {
        return true;
    }
    SqliteConnection& c = m_db.connection();
    if (!commitBulkBatch()) {
        dropTextIndexer();
        return false;
    }
    // The indexer merges its index while the row indexes are built here.
    const bool live = m_indexer && m_textComplete;
    if (live) {
        m_indexer->finish(m_bulkTrackedTermEvents, dayOfRow);
    }
    QList<std::pair<qint64, QString>> textDeletes;
    bool ok = c.transaction([&] {
        // The unique id index first: it fails only when duplicates slipped past the per-page
        // check (same id at different times); then those are removed and it is built again.
        // (A GROUP BY over every id up front would sort the whole archive for a rare case.)
        const QString idIndex = auditIndexStatements().constFirst();
        if (c.transaction([&] { return c.execDirect(idIndex); })) {
            return finishIndexes();
        }
        textDeletes.clear();
        if (!removeDuplicates(&textDeletes) || !c.execDirect(idIndex)) {
            return false;
        }
        return finishIndexes();
    });
    if (!ok) {
        m_lastError = c.lastError();
        return false;
    }
    m_dayDeltas.clear(); // written: a retry must not add them again
    // Meanwhile the indexer has merged its index: count the common terms with it (not when
    // duplicates were removed: those counts are not used, see below).
    if (live && textDeletes.isEmpty()) {
        m_indexer->helpCountTerms();
    }
    // The text index: the one built beside the load, else one built now from the rows (a load
    // resumed after a crash, or one whose indexer lost rows to a rolled-back batch).
    if (!live) {
        textDeletes.clear(); // the rows are read after the duplicates went
        if (!rebuildTextIndex()) {
            return false;
        }
    }
    ok = m_indexer->copyInto();
    if (!ok) {
        m_lastError = m_indexer->error();
        dropTextIndexer();
        return false;
    }
    // The common terms, counted on the indexer's thread (else below, from the copied index).
    // Not when duplicates are deleted from the copy below: the indexer counted them.
    const std::optional<QList<AuditTextIndexer::TermDays>> terms =
        textDeletes.isEmpty() ? m_indexer->termStatistics() : std::nullopt;
    m_indexer.reset();
    ok = c.transaction([&] {
        if (terms && !writeTermStatistics(*terms)) {
            return false;
        }
        QSqlQuery del = c.prepare(QStringLiteral("INSERT INTO audit_fts (audit_fts, rowid, text) VALUES ('delete', ?, ?)"));
        for (const auto& [seq, text] : std::as_const(textDeletes)) {
            if (!c.exec(del, {seq, text})) {
                return false;
            }
        }
        // FTS5's documented defaults for the incremental pages that follow, written out.
        return c.execDirect(QStringLiteral("INSERT INTO audit_fts (audit_fts, rank) VALUES ('hashsize', 1048576)"))
            && c.execDirect(QStringLiteral("INSERT INTO audit_fts (audit_fts, rank) VALUES ('automerge', 4)"))
            && m_db.setWatermark(QStringLiteral("audit.bulk"), QStringLiteral("done"));
    });
    if (!ok) {
        m_lastError = c.lastError();
        // The copied index holds the removed duplicates: rebuild it on the next attempt.
        m_textComplete = false;
        return false;
    }
    m_bulk = false;
    m_loadLock.reset(); // marked done (committed above): another process may write now
    c.execDirect(QStringLiteral("PRAGMA optimize"));
    if (terms) {
        loadTrackedTerms();
        return true;
    }
    return updateTermStatistics(m_bulkTrackedTermEvents);
}

bool AuditStore::resolve(const AuditQuery& query, Filter* f)
{
    if (!query.from.isNull()) {
        f->lo = orderKey(query.from);
        f->firstDay = floorDiv(query.from.ticks() + TicksPerDay - 1, TicksPerDay);
    }
    if (!query.to.isNull()) {
        const qint64 base = orderKey(query.to);
        f->hi = base + SlotsPerTick - 1;
        f->lastDay = floorDiv(query.to.ticks() + 1, TicksPerDay) - 1;
        // More than 104 events at that exact instant spilled past its slots: include them.
        SqliteConnection& c = m_db.connection();
        QSqlQuery spill = c.prepare(
            QStringLiteral("SELECT min(seq) FROM audit_events WHERE seq BETWEEN ? AND ? AND at <= ?"));
        if (c.exec(spill, {stored(base + SlotsPerMs - 1), stored(base + SlotsPerTick), qint64(query.to.ticks())})
            && spill.next() && !spill.value(0).isNull()) {
            f->hi = std::max(f->hi, stored(spill.value(0).toLongLong()));
        }
        spill.finish();
    }
    if (f->lo > f->hi) {
        f->nothing = true;
    }
    const auto dim = [&](int d, int kind, const QString& key) {
        if (key.isEmpty()) {
            return true;
        }
        const std::optional<qint64> r = lookupRef(kind, key);
        if (!r) {
            return false;
        }
        if (*r < 0) {
            f->nothing = true;
        }
        f->dims << std::pair{d, *r};
        return true;
    };
    if (!dim(ActorDim, ActorKey, query.actor) || !dim(TargetDim, TargetKey, query.target)
        || !dim(ActivityDim, ActivityKey, query.activity)) {
        m_lastError = m_db.connection().lastError();
        return false;
    }
    if (query.result) {
        f->dims << std::pair{int(ResultDim), qint64(static_cast<int>(*query.result))};
    }
    f->fts = ftsExpression(query.text);
    f->terms = tokens(query.text);
    f->terms.removeDuplicates();
    if (!query.text.trimmed().isEmpty() && f->fts.isEmpty()) {
        // Text with no word in it (only punctuation) matches nothing rather than everything.
        f->nothing = true;
    }
    if (!f->dims.isEmpty()) {
        // Drive with the narrowest column: estimated from the per-day counts.
        QList<std::pair<qint64, std::pair<int, qint64>>> ranked;
        for (const auto& d : f->dims) {
            ranked << std::pair{dayCountSum(d.first, d.second, f->firstDay == std::numeric_limits<qint64>::min()
                                                                   ? f->firstDay
                                                                   : f->firstDay - 1,
                                            f->lastDay == std::numeric_limits<qint64>::max() ? f->lastDay
                                                                                             : f->lastDay + 1),
                                d};
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        f->dims.clear();
        for (const auto& r : ranked) {
            f->dims << r.second;
        }
    }
    return true;
}

qint64 AuditStore::dayCountSum(int dim, qint64 value, qint64 firstDay, qint64 lastDay)
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral(
        "SELECT COALESCE(sum(n), 0) FROM audit_daycount WHERE dim = ? AND value = ? AND day BETWEEN ? AND ?"));
    if (!c.exec(q, {dim, value, firstDay, lastDay}) || !q.next()) {
        return -1;
    }
    const qint64 n = q.value(0).toLongLong();
    q.finish();
    return n;
}

// SQL for the rows of a filter between two keys, newest first. Column filters only: the first
// (narrowest) drives through its covering index and the others are checked inside it.
// With text and a narrow column filter, each candidate probes FTS5; otherwise FTS5 drives.
namespace {

struct Plan
{
    QString countSql;
    QString keysSql;    // seq of each row, newest first
    QString rowsSql;    // RowColumns of each row, newest first
    QVariantList binds; // for all three, before the trailing LIMIT
};

// The columns AuditStore::decodeRow reads, in order.
const QString RowColumns = QStringLiteral(
    "e.seq, e.id, e.at, e.activity, e.result, e.initiator, e.shape, e.targets, e.correlation, e.reason, e.details");

Plan planFor(const QList<std::pair<int, qint64>>& dims, const QString& fts, bool textDrives, qint64 lo, qint64 hi)
{
    Plan p;
    if (dims.isEmpty() && fts.isEmpty()) {
        p.countSql = QStringLiteral("SELECT count(*) FROM audit_events WHERE seq BETWEEN ? AND ?");
        p.keysSql = QStringLiteral("SELECT seq FROM audit_events WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT ?");
        p.rowsSql = QStringLiteral("SELECT ") + RowColumns
                    + QStringLiteral(" FROM audit_events e WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq LIMIT ?");
        p.binds = {stored(hi), stored(lo)};
        return p;
    }
    if (dims.isEmpty()) {
        p.countSql = QStringLiteral("SELECT count(*) FROM audit_fts WHERE audit_fts MATCH ? AND rowid BETWEEN ? AND ?");
        p.keysSql = QStringLiteral("SELECT rowid FROM audit_fts WHERE audit_fts MATCH ? AND rowid BETWEEN ? AND ? "
                                   "ORDER BY rowid LIMIT ?");
        p.rowsSql = QStringLiteral("SELECT ") + RowColumns
                    + QStringLiteral(" FROM audit_fts f CROSS JOIN audit_events e ON e.seq = f.rowid "
                                     "WHERE f.audit_fts MATCH ? AND f.rowid BETWEEN ? AND ? ORDER BY f.rowid LIMIT ?");
        p.binds = {fts, stored(hi), stored(lo)};
        return p;
    }
    QString residual;
    QVariantList residualBinds;
    for (qsizetype i = textDrives ? 0 : 1; i < dims.size(); ++i) {
        residual += QStringLiteral(" AND e.%1 = ?").arg(QString::fromLatin1(DimColumns[dims.at(i).first]));
        residualBinds << dims.at(i).second;
    }
    if (textDrives) {
        const QString from = QStringLiteral(" FROM audit_fts f CROSS JOIN audit_events e ON e.seq = f.rowid "
                                            "WHERE f.audit_fts MATCH ? AND f.rowid BETWEEN ? AND ?");
        p.countSql = QStringLiteral("SELECT count(*)") + from + residual;
        p.keysSql = QStringLiteral("SELECT f.rowid") + from + residual + QStringLiteral(" ORDER BY f.rowid LIMIT ?");
        p.rowsSql = QStringLiteral("SELECT ") + RowColumns + from + residual
                    + QStringLiteral(" ORDER BY f.rowid LIMIT ?");
        p.binds = QVariantList{fts, stored(hi), stored(lo)} + residualBinds;
        return p;
    }
    const int driver = dims.first().first;
    QString from = QStringLiteral(" FROM audit_events e INDEXED BY %1 WHERE e.%2 = ? AND e.seq BETWEEN ? AND ?")
                       .arg(QString::fromLatin1(DimIndexes[driver]), QString::fromLatin1(DimColumns[driver]))
                   + residual;
    p.binds = QVariantList{dims.first().second, stored(hi), stored(lo)} + residualBinds;
    if (!fts.isEmpty()) {
        from += QStringLiteral(" AND EXISTS (SELECT 1 FROM audit_fts WHERE audit_fts MATCH ? AND rowid = e.seq)");
        p.binds << fts;
    }
    p.countSql = QStringLiteral("SELECT count(*)") + from;
    p.keysSql = QStringLiteral("SELECT e.seq") + from + QStringLiteral(" ORDER BY e.seq LIMIT ?");
    p.rowsSql = QStringLiteral("SELECT ") + RowColumns + from + QStringLiteral(" ORDER BY e.seq LIMIT ?");
    return p;
}

} // namespace

qint64 AuditStore::scanCount(const Filter& f, qint64 lo, qint64 hi)
{
    if (lo > hi) {
        return 0;
    }
    const Plan p = planFor(f.dims, f.fts, textDrives(f), lo, hi);
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(p.countSql);
    if (!c.execList(q, p.binds) || !q.next()) {
        m_lastError = c.lastError();
        return -1;
    }
    const qint64 n = q.value(0).toLongLong();
    q.finish();
    return n;
}

qint64 AuditStore::countFilter(const Filter& f)
{
    if (f.nothing) {
        return 0;
    }
    // With no text and at most one column, whole days come from audit_daycount and only the
    // partial days at either end are counted from the index.
    // Likewise one very common word alone, from audit_term_days.
    const bool columnRollup = f.fts.isEmpty() && f.dims.size() <= 1;
    // Asked of the file, not of the terms loaded at open (m_text): another connection may have re-chosen the terms.
    const bool termRollup = f.dims.isEmpty() && f.terms.size() == 1
                            && m_db.connection()
                                   .scalar(QStringLiteral("SELECT count(*) FROM audit_tracked_terms WHERE term = ?"),
                                           {f.terms.first()})
                                   .toInt()
                                   == 1;
    if ((columnRollup || termRollup) && f.firstDay <= f.lastDay) {
        const int dim = f.dims.isEmpty() ? int(AllDim) : f.dims.first().first;
        const qint64 value = f.dims.isEmpty() ? 0 : f.dims.first().second;
        const bool bounded = f.firstDay != std::numeric_limits<qint64>::min()
                             || f.lastDay != std::numeric_limits<qint64>::max();
        const qint64 whole = termRollup ? termDaySum(f.terms.first(), f.firstDay, f.lastDay)
                                        : dayCountSum(dim, value, f.firstDay, f.lastDay);
        if (whole < 0) {
            return -1;
        }
        if (!bounded) {
            return whole;
        }
        const qint64 firstKey = f.firstDay == std::numeric_limits<qint64>::min()
                                    ? MinKey
                                    : orderKey(Timestamp::fromTicks(f.firstDay * TicksPerDay));
        const qint64 afterKey = f.lastDay == std::numeric_limits<qint64>::max()
                                    ? MaxKey
                                    : orderKey(Timestamp::fromTicks((f.lastDay + 1) * TicksPerDay));
        qint64 total = whole;
        if (f.lo < firstKey) {
            const qint64 head = scanCount(f, f.lo, firstKey - 1);
            if (head < 0) {
                return -1;
            }
            total += head;
        }
        if (afterKey != MaxKey && f.hi >= afterKey) {
            const qint64 tail = scanCount(f, afterKey, f.hi);
            if (tail < 0) {
                return -1;
            }
            total += tail;
        }
        return total;
    }
    return scanCount(f, f.lo, f.hi);
}

QList<AuditEvent> AuditStore::pageRows(const Filter& f, qint64 below, int limit, QList<qint64>* keys)
{
    QList<AuditEvent> rows;
    const qint64 hi = std::min(f.hi, below == MaxKey ? MaxKey : below - 1);
    if (f.nothing || f.lo > hi) {
        return rows;
    }
    const Plan p = planFor(f.dims, f.fts, textDrives(f), f.lo, hi);
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(p.rowsSql);
    if (!c.execList(q, p.binds + QVariantList{limit})) {
        m_lastError = c.lastError();
        return rows;
    }
    rows.reserve(limit);
    while (q.next()) {
        keys->append(stored(q.value(0).toLongLong()));
        rows << decodeRow(q);
    }
    return rows;
}

bool AuditStore::textDrives(const Filter& f)
{
    return !f.fts.isEmpty() && !f.dims.isEmpty()
           && dayCountSum(f.dims.first().first, f.dims.first().second, std::numeric_limits<qint64>::min(),
                          std::numeric_limits<qint64>::max())
                  > ProbeLimit;
}

AuditPage AuditStore::query(const AuditQuery& query)
{
    AuditPage page;
    Filter f;
    if (!resolve(query, &f)) {
        return page;
    }
    const int limit = std::clamp(query.limit, 1, MaxLimit);
    QList<qint64> keys;
    page.rows = pageRows(f, query.cursor == 0 ? MaxKey : query.cursor, limit + 1, &keys);
    if (page.rows.size() > limit) {
        page.rows.resize(limit);
        page.nextCursor = keys.at(limit - 1);
    }
    if (query.withTotal) {
        page.total = countFilter(f);
    }
    return page;
}

qint64 AuditStore::count(const AuditQuery& query)
{
    Filter f;
    if (!resolve(query, &f)) {
        return -1;
    }
    return countFilter(f);
}

const AuditEvent& AuditStore::decodedRef(qint64 r)
{
    const auto hit = m_decoded.constFind(r);
    if (hit != m_decoded.constEnd()) {
        return *hit;
    }
    AuditEvent part;
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT kind, key FROM audit_keys WHERE ref = ?"));
    if (c.exec(q, {r}) && q.next()) {
        const int kind = q.value(0).toInt();
        const QByteArray key = q.value(1).toString().toUtf8();
        q.finish();
        Result<nlohmann::json> tree = GraphCodec::parse(key);
        if (tree) {
            nlohmann::json w = wrapper();
            if (kind == InitiatorJson) {
                w["initiatedBy"] = *tree;
            } else if (kind == TargetJson) {
                w["targetResources"] = nlohmann::json::array({*tree});
            }
            Result<AuditEvent> decoded = GraphCodec::fromJson<AuditEvent>(w);
            if (decoded) {
                part = std::move(decoded).value();
            }
        }
    }
    return *m_decoded.insert(r, part);
}

std::optional<AuditEvent> AuditStore::load(qint64 seq)
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT ") + RowColumns + QStringLiteral(" FROM audit_events e WHERE e.seq = ?"));
    if (!c.exec(q, {seq}) || !q.next()) {
        m_lastError = QStringLiteral("audit event %1 not found").arg(seq);
        return std::nullopt;
    }
    AuditEvent e = decodeRow(q);
    q.finish();
    return e;
}

AuditEvent AuditStore::decodeRow(const QSqlQuery& q)
{
    SqliteConnection& c = m_db.connection();
    AuditEvent e;
    e.id = expandId(q.value(1));
    e.activityDateTime = Timestamp::fromTicks(q.value(2).toLongLong());
    const qint64 activityRef = q.value(3).toLongLong();
    e.result = static_cast<AuditResult>(q.value(4).toInt());
    const qint64 initiatorRef = q.value(5).toLongLong();
    const qint64 shapeRef = q.value(6).toLongLong();
    const QString targets = q.value(7).toString();
    e.correlationId = expandId(q.value(8));
    e.resultReason = q.value(9).toString();
    const QString details = q.value(10).toString();

    const auto keyText = [&](qint64 r) -> QString {
        const auto hit = m_keyText.constFind(r);
        if (hit != m_keyText.constEnd()) {
            return *hit;
        }
        const QString text = c.scalar(QStringLiteral("SELECT key FROM audit_keys WHERE ref = ?"), {r}).toString();
        m_keyText.insert(r, text);
        return text;
    };
    e.activityDisplayName = keyText(activityRef);
    const QStringList shape = keyText(shapeRef).split(Separator);
    if (shape.size() == 3) {
        e.category = shape.at(0);
        e.loggedByService = shape.at(1);
        e.operationType = shape.at(2);
    }
    const AuditEvent& initiator = decodedRef(initiatorRef);
    e.initiatedByUser = initiator.initiatedByUser;
    e.initiatedByApp = initiator.initiatedByApp;
    if (!targets.isEmpty()) {
        for (const QString& r : targets.split(u' ')) {
            const AuditEvent& part = decodedRef(r.toLongLong());
            if (!part.targetResources.isEmpty()) {
                e.targetResources << part.targetResources.first();
            }
        }
    }
    e.additionalDetails = decodeDetails(details);
    return e;
}

template <typename Sink>
bool AuditStore::exportRows(const AuditQuery& query, Sink&& sink)
{
    Filter f;
    m_lastError.clear();
    if (!resolve(query, &f)) {
        return false;
    }
    // Window by window, so a million rows never sit in memory at once.
    qint64 below = MaxKey;
    for (;;) {
        QList<qint64> keys;
        const QList<AuditEvent> rows = pageRows(f, below, 1000, &keys);
        for (const AuditEvent& e : rows) {
            if (!sink(e)) {
                return false;
            }
        }
        if (rows.size() < 1000) {
            return m_lastError.isEmpty();
        }
        below = keys.last();
    }
}

bool AuditStore::exportCsv(const AuditQuery& query, QIODevice* device)
{
    const auto writeLine = [&](const QStringList& fields) {
        QString line;
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i > 0) {
                line += u',';
            }
            line += csvField(fields.at(i));
        }
        line += QStringLiteral("\r\n");
        const QByteArray bytes = line.toUtf8();
        if (device->write(bytes) != bytes.size()) {
            m_lastError = QStringLiteral("export write failed: %1").arg(device->errorString());
            return false;
        }
        return true;
    };
    if (!writeLine({QStringLiteral("activityDateTime"), QStringLiteral("activity"), QStringLiteral("result"),
                    QStringLiteral("initiatedBy"), QStringLiteral("initiatorPrincipalName"), QStringLiteral("target"),
                    QStringLiteral("targetId"), QStringLiteral("category"), QStringLiteral("loggedByService"),
                    QStringLiteral("operationType"), QStringLiteral("resultReason"), QStringLiteral("correlationId"),
                    QStringLiteral("id")})) {
        return false;
    }
    return exportRows(query, [&](const AuditEvent& e) {
        const AuditEvent::TargetResource* role = roleTargetOf(e);
        return writeLine({e.activityDateTime.toIso(), e.activityDisplayName, enumName(e.result), e.initiatorName(),
                          e.initiatedByUser ? e.initiatedByUser->userPrincipalName : QString(),
                          role ? role->displayName : QString(), role ? role->id : QString(), e.category,
                          e.loggedByService, e.operationType, e.resultReason, e.correlationId, e.id});
    });
}

bool AuditStore::exportJson(const AuditQuery& query, QIODevice* device)
{
    bool first = true;
    const auto write = [&](const QByteArray& bytes) {
        if (device->write(bytes) != bytes.size()) {
            m_lastError = QStringLiteral("export write failed: %1").arg(device->errorString());
            return false;
        }
        return true;
    };
    if (!write(QByteArrayLiteral("{\"value\":[\n"))) {
        return false;
    }
    const bool ok = exportRows(query, [&](const AuditEvent& e) {
        const QByteArray item = (first ? QByteArray() : QByteArrayLiteral(",\n")) + GraphCodec::encode(e);
        first = false;
        return write(item);
    });
    return ok && write(QByteArrayLiteral("\n]}\n"));
}

QList<std::pair<QDate, qint64>> AuditStore::eventsPerDay(const QString& activity, const Timestamp& from,
                                                       const Timestamp& to)
{
    QList<std::pair<QDate, qint64>> days;
    qint64 value = 0;
    int dim = AllDim;
    if (!activity.isEmpty()) {
        const std::optional<qint64> r = lookupRef(ActivityKey, activity);
        if (!r) {
            m_lastError = m_db.connection().lastError();
            return days;
        }
        if (*r < 0) {
            return days; // never seen
        }
        dim = ActivityDim;
        value = *r;
    }
    const qint64 firstDay = from.isNull() ? std::numeric_limits<qint64>::min() : dayOf(from);
    const qint64 lastDay = to.isNull() ? std::numeric_limits<qint64>::max() : dayOf(to);
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT day, n FROM audit_daycount WHERE dim = ? AND value = ? "
                                           "AND day BETWEEN ? AND ? AND n > 0 ORDER BY day"));
    if (!c.exec(q, {dim, value, firstDay, lastDay})) {
        m_lastError = c.lastError();
        return days;
    }
    while (q.next()) {
        const Timestamp start = Timestamp::fromTicks(q.value(0).toLongLong() * TicksPerDay);
        days.append({start.toDateTime().toUTC().date(), q.value(1).toLongLong()});
    }
    return days;
}

QList<std::pair<QString, QString>> AuditStore::values(Column column)
{
    const int kind = column == Column::Actor ? ActorKey : column == Column::Target ? TargetKey : ActivityKey;
    QList<std::pair<QString, QString>> out;
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT key, label FROM audit_keys WHERE kind = ? AND key <> '' ORDER BY label"));
    if (!c.exec(q, {kind})) {
        m_lastError = c.lastError();
        return out;
    }
    while (q.next()) {
        out.append({q.value(0).toString(), q.value(1).toString()});
    }
    return out;
}

} // namespace Elevate::Cache
