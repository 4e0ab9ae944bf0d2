#include "AuditLog.h"

#include "Database.h"
#include "GraphCodec.h"
#include "SqlTime.h"
#include "TimeOrderedId.h"

#include <QCryptographicHash>

#include <openssl/evp.h>

namespace Elevate::Server {

namespace {

const QString GenesisHash = QString(64, u'0');
const QString HeadMemo = QStringLiteral("audit.head"); // (seq, hash) of the last row appended

QString targetId(const AuditEvent& e)
{
    return e.targetResources.isEmpty() ? QString() : e.targetResources.first().id;
}

QString targetName(const AuditEvent& e)
{
    return e.targetResources.isEmpty() ? QString() : e.targetResources.first().displayName;
}

QString initiatorId(const AuditEvent& e)
{
    if (e.initiatedByUser) {
        return e.initiatedByUser->id;
    }
    return e.initiatedByApp ? e.initiatedByApp->appId : QString();
}

// SHA-256, fetched from OpenSSL's providers once: given EVP_sha256(), OpenSSL 3 looks the
// implementation up again on every EVP_DigestInit_ex (~11k instructions under callgrind, about
// half of what hashing a record costs). Kept for the process's life.
const EVP_MD* sha256()
{
    static const EVP_MD* const md = [] {
        const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        return fetched ? fetched : EVP_sha256();
    }();
    return md;
}

} // namespace

AuditLog::AuditLog(Database& db)
    : m_db(db)
{
}

QString AuditLog::hashOf(const QString& previousHash, qint64 seq, const QByteArray& body)
{
    // OpenSSL rather than QCryptographicHash: Qt 6.4's own SHA-256 is portable C, and hashing
    // every record was a tenth of an activation's instructions; OpenSSL uses the CPU's SHA
    // instructions where it has them. The digest is the same.
    const QByteArray previous = previousHash.toLatin1();
    const QByteArray number = QByteArray::number(seq);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    const bool ok = context && EVP_DigestInit_ex(context, sha256(), nullptr) == 1
                 && EVP_DigestUpdate(context, previous.constData(), size_t(previous.size())) == 1
                 && EVP_DigestUpdate(context, "\n", 1) == 1
                 && EVP_DigestUpdate(context, number.constData(), size_t(number.size())) == 1
                 && EVP_DigestUpdate(context, "\n", 1) == 1
                 && EVP_DigestUpdate(context, body.constData(), size_t(body.size())) == 1
                 && EVP_DigestFinal_ex(context, digest, &size) == 1;
    EVP_MD_CTX_free(context);
    if (!ok) {
        // Not expected (SHA-256 is always there); Qt's then, never a wrong or empty link.
        QCryptographicHash h(QCryptographicHash::Sha256);
        h.addData(previous);
        h.addData(QByteArrayView("\n"));
        h.addData(number);
        h.addData(QByteArrayView("\n"));
        h.addData(body);
        return QString::fromLatin1(h.result().toHex());
    }
    return QString::fromLatin1(QByteArray::fromRawData(reinterpret_cast<const char*>(digest), int(size)).toHex());
}

bool AuditLog::append(AuditEvent& event)
{
    if (event.id.isEmpty()) {
        event.id = TimeOrderedId::create(); // lands at the right edge of the id index
    }
    // Inside the caller's write transaction the last row cannot change under us, and the head
    // this transaction last appended is kept (Database::writeMemo) instead of read back.
    qint64 seq = 1;
    QString previous = GenesisHash;
    const QVariant head = m_db.writeMemo(HeadMemo);
    if (head.isValid()) {
        const auto [lastSeq, lastHash] = head.value<QPair<qint64, QString>>();
        seq = lastSeq + 1;
        previous = lastHash;
    } else {
        Database::Rows last = m_db.read(QStringLiteral("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
        if (last.next()) {
            seq = last.value(0).toLongLong() + 1;
            previous = last.value(1).toString();
        }
    }
    const QByteArray body = GraphCodec::encodeAuditEvent(event); // encode()'s bytes, without the JSON tree
    const QString hash = hashOf(previous, seq, body);
    const SqlDialect& sql = m_db.sql();
    const bool ok = m_db.write(
        QStringLiteral("INSERT INTO audit_events (seq, id, activity_at, category, activity, result, result_reason, "
                       "correlation_id, service, operation_type, initiator_id, initiator_name, target_id, "
                       "target_name, body, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,")
            + sql.utf8TextParameter() + QStringLiteral(",?,?)"),
        {seq,
         event.id,
         toSqlTime(event.activityDateTime),
         event.category,
         event.activityDisplayName,
         enumName(event.result),
         event.resultReason,
         event.correlationId,
         event.loggedByService,
         event.operationType,
         initiatorId(event),
         event.initiatorName(),
         targetId(event),
         targetName(event),
         sql.utf8TextValue(body), // on SQLite bound as bytes and stored as text: no trip through UTF-16
         previous,
         hash});
    if (ok) {
        m_db.setWriteMemo(HeadMemo, QVariant::fromValue(qMakePair(seq, hash)));
    }
    return ok;
}

AuditLog::Verification AuditLog::verify()
{
    Verification v;
    QSqlQuery q = m_db.run(QStringLiteral("SELECT seq, id, activity_at, activity, initiator_id, target_id, ")
                           + m_db.sql().utf8BytesOf(QStringLiteral("body"))
                           + QStringLiteral(", prev_hash, hash FROM audit_events ORDER BY seq"));
    QString previous = GenesisHash;
    qint64 expectedSeq = 0;
    while (q.next()) {
        ++v.rowsChecked;
        const qint64 seq = q.value(0).toLongLong();
        const QString id = q.value(1).toString();
        const QByteArray body = q.value(6).toByteArray();
        auto fail = [&](const QString& reason) {
            v.ok = false;
            v.firstBadId = id;
            v.reason = reason;
        };
        if (expectedSeq != 0 && seq != expectedSeq) {
            fail(QStringLiteral("row(s) before this one were removed (sequence %1 follows %2)")
                     .arg(seq)
                     .arg(expectedSeq - 1));
            return v;
        }
        if (q.value(7).toString() != previous) {
            fail(QStringLiteral("its link to the previous row does not match"));
            return v;
        }
        if (hashOf(previous, seq, body) != q.value(8).toString()) {
            fail(QStringLiteral("its content was altered"));
            return v;
        }
        // The indexed columns must say what the hashed body says.
        Result<AuditEvent> event = GraphCodec::decode<AuditEvent>(body);
        if (!event || event->id != id || toSqlTime(event->activityDateTime) != q.value(2).toString()
            || event->activityDisplayName != q.value(3).toString() || initiatorId(*event) != q.value(4).toString()
            || targetId(*event) != q.value(5).toString()) {
            fail(QStringLiteral("its columns disagree with its recorded content"));
            return v;
        }
        previous = q.value(8).toString();
        expectedSeq = seq + 1;
    }
    return v;
}

} // namespace Elevate::Server
