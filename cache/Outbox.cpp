#include "Outbox.h"

#include "CacheLog.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QUuid>

namespace Elevate::Cache {

namespace {

constexpr int OutboxSchemaVersion = 1;

const QString Columns = QStringLiteral(
    "id, idempotency_key, kind, target_ids, payload, created_at, updated_at, state, message, attempts");

Timestamp now()
{
    return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
}

qint64 nowTicks()
{
    return now().ticks();
}

OutboxItem itemFromRow(const QSqlQuery& q)
{
    OutboxItem item;
    item.id = q.value(0).toLongLong();
    item.idempotencyKey = q.value(1).toString();
    item.kind = static_cast<OutboxItem::Kind>(q.value(2).toInt());
    const QString targets = q.value(3).toString();
    item.targetIds = targets.isEmpty() ? QStringList() : targets.split(u'\n');
    item.payload = q.value(4).toByteArray();
    item.createdAt = Timestamp::fromTicks(q.value(5).toLongLong());
    item.updatedAt = Timestamp::fromTicks(q.value(6).toLongLong());
    item.state = static_cast<OutboxItem::State>(q.value(7).toInt());
    item.message = q.value(8).toString();
    item.attempts = q.value(9).toInt();
    return item;
}

int stateValue(OutboxItem::State s)
{
    return static_cast<int>(s);
}

} // namespace

bool Outbox::open(const QString& path)
{
    // FULL: an enqueued decision is on disk (WAL synced) before enqueue() returns.
    const QStringList pragmas = {
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA synchronous=FULL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
    };
    if (!m_connection.open(path, pragmas)) {
        m_lastError = m_connection.lastError();
        return false;
    }
    const int version = m_connection.scalar(QStringLiteral("PRAGMA user_version")).toInt();
    if (version > OutboxSchemaVersion) {
        // Never delete user actions: refuse instead.
        m_lastError = QStringLiteral("the outbox was written by a newer version of Elevate");
        m_connection.close();
        return false;
    }
    const bool ok = m_connection.transaction([&] {
        if (version < 1) {
            if (!m_connection.execDirect(QStringLiteral(
                    "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "idempotency_key TEXT NOT NULL UNIQUE, kind INTEGER NOT NULL, target_ids TEXT NOT NULL, "
                    "payload BLOB NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, "
                    "state INTEGER NOT NULL, message TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0)"))
                || !m_connection.execDirect(QStringLiteral("PRAGMA user_version=1"))) {
                return false;
            }
        }
        // A process that died mid-send left items in Sending: send them again (same key).
        QSqlQuery q = m_connection.prepare(QStringLiteral("UPDATE outbox SET state = ? WHERE state = ?"));
        return m_connection.exec(
            q, {stateValue(OutboxItem::State::Pending), stateValue(OutboxItem::State::Sending)});
    });
    if (!ok) {
        fail(QStringLiteral("cannot prepare the outbox"));
        m_connection.close();
    }
    return ok;
}

void Outbox::close()
{
    m_connection.close();
}

void Outbox::fail(const QString& what)
{
    const int code = m_connection.lastNativeCode();
    const int primary = code & 0xff;
    // SQLITE_FULL (13) for ENOSPC; SQLITE_IOERR (10) for other write failures such as EFBIG
    // (a file size limit) or a vanished device.
    QString reason;
    if (primary == 13) {
        reason = QStringLiteral("the disk is full");
    } else if (primary == 10) {
        reason = QStringLiteral("the disk could not be written (full, over a size limit, or failing)");
    } else {
        reason = m_connection.lastError();
    }
    m_lastError = QStringLiteral("%1: %2").arg(what, reason);
    qCWarning(lcCache) << "outbox:" << m_lastError << "(" << m_connection.lastError() << ")";
}

std::optional<OutboxItem> Outbox::enqueue(OutboxItem::Kind kind, const QStringList& targetIds,
                                          const QByteArray& payload)
{
    OutboxItem item;
    item.idempotencyKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
    item.kind = kind;
    item.targetIds = targetIds;
    item.payload = payload;
    item.createdAt = now();
    item.updatedAt = item.createdAt;
    item.state = OutboxItem::State::Pending;
    const bool ok = m_connection.transaction([&] {
        QSqlQuery q = m_connection.prepare(
            QStringLiteral("INSERT INTO outbox (idempotency_key, kind, target_ids, payload, created_at, updated_at, "
                           "state) VALUES (?, ?, ?, ?, ?, ?, ?)"));
        if (!m_connection.exec(q, {item.idempotencyKey, static_cast<int>(kind), targetIds.join(u'\n'), payload,
                                   qint64(item.createdAt.ticks()), qint64(item.updatedAt.ticks()),
                                   stateValue(OutboxItem::State::Pending)})) {
            return false;
        }
        item.id = q.lastInsertId().toLongLong();
        return true;
    });
    if (!ok) {
        fail(QStringLiteral("the action could not be recorded for later"));
        return std::nullopt;
    }
    return item;
}

std::optional<OutboxItem> Outbox::nextPending()
{
    QSqlQuery q = m_connection.prepare(QStringLiteral("SELECT ") + Columns
                                       + QStringLiteral(" FROM outbox WHERE state IN (?, ?) ORDER BY id LIMIT 1"));
    if (!m_connection.exec(q, {stateValue(OutboxItem::State::Pending), stateValue(OutboxItem::State::Failed)})
        || !q.next()) {
        return std::nullopt;
    }
    OutboxItem item = itemFromRow(q);
    q.finish();
    return item;
}

bool Outbox::setState(qint64 id, const QString& sql, std::initializer_list<QVariant> values)
{
    bool changed = false;
    const bool ok = m_connection.transaction([&] {
        QSqlQuery q = m_connection.prepare(sql);
        if (!m_connection.exec(q, values)) {
            return false;
        }
        changed = q.numRowsAffected() > 0;
        return true;
    });
    if (!ok) {
        fail(QStringLiteral("the outbox could not be updated"));
        return false;
    }
    if (!changed) {
        m_lastError = QStringLiteral("no outbox item %1 in a state that allows this").arg(id);
    }
    return changed;
}

bool Outbox::markSending(qint64 id)
{
    return setState(id, QStringLiteral("UPDATE outbox SET state = ?, updated_at = ? WHERE id = ? AND state IN (?, ?)"),
                    {stateValue(OutboxItem::State::Sending), nowTicks(), id, stateValue(OutboxItem::State::Pending),
                     stateValue(OutboxItem::State::Failed)});
}

bool Outbox::markSent(qint64 id)
{
    return setState(id,
                    QStringLiteral("UPDATE outbox SET state = ?, updated_at = ?, message = '', attempts = attempts + 1 "
                                   "WHERE id = ? AND state IN (?, ?, ?)"),
                    {stateValue(OutboxItem::State::Sent), nowTicks(), id, stateValue(OutboxItem::State::Pending),
                     stateValue(OutboxItem::State::Sending), stateValue(OutboxItem::State::Failed)});
}

bool Outbox::markConflict(qint64 id, const QString& message)
{
    return setState(id,
                    QStringLiteral("UPDATE outbox SET state = ?, updated_at = ?, message = ?, attempts = attempts + 1 "
                                   "WHERE id = ? AND state IN (?, ?, ?)"),
                    {stateValue(OutboxItem::State::Conflict), nowTicks(), message, id,
                     stateValue(OutboxItem::State::Pending), stateValue(OutboxItem::State::Sending),
                     stateValue(OutboxItem::State::Failed)});
}

bool Outbox::markFailed(qint64 id, const QString& error)
{
    return setState(id,
                    QStringLiteral("UPDATE outbox SET state = ?, updated_at = ?, message = ?, attempts = attempts + 1 "
                                   "WHERE id = ? AND state IN (?, ?, ?)"),
                    {stateValue(OutboxItem::State::Failed), nowTicks(), error, id,
                     stateValue(OutboxItem::State::Pending), stateValue(OutboxItem::State::Sending),
                     stateValue(OutboxItem::State::Failed)});
}

bool Outbox::retry(qint64 id)
{
    return setState(id,
                    QStringLiteral("UPDATE outbox SET state = ?, updated_at = ? WHERE id = ? AND state IN (?, ?)"),
                    {stateValue(OutboxItem::State::Pending), nowTicks(), id, stateValue(OutboxItem::State::Conflict),
                     stateValue(OutboxItem::State::Failed)});
}

bool Outbox::discard(qint64 id)
{
    return setState(id, QStringLiteral("DELETE FROM outbox WHERE id = ? AND state <> ?"),
                    {id, stateValue(OutboxItem::State::Sending)});
}

bool Outbox::purgeSent(const Timestamp& before)
{
    return m_connection.transaction([&] {
        QSqlQuery q = m_connection.prepare(QStringLiteral("DELETE FROM outbox WHERE state = ? AND updated_at < ?"));
        return m_connection.exec(q, {stateValue(OutboxItem::State::Sent), qint64(before.ticks())});
    });
}

std::optional<OutboxItem> Outbox::item(qint64 id)
{
    QSqlQuery q = m_connection.prepare(QStringLiteral("SELECT ") + Columns + QStringLiteral(" FROM outbox WHERE id = ?"));
    if (!m_connection.exec(q, {id}) || !q.next()) {
        return std::nullopt;
    }
    OutboxItem item = itemFromRow(q);
    q.finish();
    return item;
}

QList<OutboxItem> Outbox::list()
{
    QList<OutboxItem> items;
    QSqlQuery q = m_connection.prepare(QStringLiteral("SELECT ") + Columns + QStringLiteral(" FROM outbox ORDER BY id"));
    if (m_connection.exec(q)) {
        while (q.next()) {
            items << itemFromRow(q);
        }
    }
    return items;
}

int Outbox::pendingCount()
{
    return m_connection
        .scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE state IN (?, ?, ?)"),
                {stateValue(OutboxItem::State::Pending), stateValue(OutboxItem::State::Sending),
                 stateValue(OutboxItem::State::Failed)})
        .toInt();
}

} // namespace Elevate::Cache
