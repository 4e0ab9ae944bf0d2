#pragma once

#include "OutboxItem.h"
#include "SqliteConnection.h"

#include <QList>

#include <optional>

namespace Elevate::Cache {

// The durable queue of user actions recorded offline (access review decisions, approval
// decisions), sent in FIFO order when the backend answers again.
//
// It lives in its own SQLite file with synchronous=FULL: once enqueue() returns, the action
// survives a crash, `kill -9` or power loss, and a cache rebuild never touches it. Each item
// carries an idempotency key, so an item that was being sent when the process died is sent
// again (it goes back to Pending at the next open) and the server applies it once.
// A full disk makes enqueue() fail with a clear lastError(); the items already recorded stay.
//
// Not thread-safe: one connection, used by the thread that opened it.
class Outbox final
{
public:
    Outbox() = default;
    ~Outbox() = default;
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Opens (creating, mode 0600) the outbox file. Items left in Sending by a process that died
    // go back to Pending.
    bool open(const QString& path);
    void close();
    bool isOpen() const { return m_connection.isOpen(); }

    // Records an action with a fresh idempotency key. Durable when it returns a value.
    std::optional<OutboxItem> enqueue(OutboxItem::Kind kind, const QStringList& targetIds, const QByteArray& payload);

    // The oldest item that should be sent now (Pending or Failed), or nothing.
    std::optional<OutboxItem> nextPending();
    // Pending/Failed -> Sending, before the request goes out.
    bool markSending(qint64 id);
    bool markSent(qint64 id);
    // The server refused: kept with its message until retry() or discard().
    bool markConflict(qint64 id, const QString& message);
    // A transient failure (no answer, 5xx): stays in the queue, attempts + 1.
    bool markFailed(qint64 id, const QString& error);
    // The user asks to send a conflicting or failed item again: back to Pending, same key.
    bool retry(qint64 id);
    // The user gives the item up: it is deleted.
    bool discard(qint64 id);
    // Deletes sent items older than `before` (they are kept a while for "what was sent").
    bool purgeSent(const Timestamp& before);

    std::optional<OutboxItem> item(qint64 id);
    // Every item in FIFO order.
    QList<OutboxItem> list();
    int pendingCount();

    // One sentence for the log or banner; says "disk is full" when that is why.
    QString lastError() const { return m_lastError; }

private:
    bool setState(qint64 id, const QString& sql, std::initializer_list<QVariant> values);
    void fail(const QString& what);

    SqliteConnection m_connection;
    QString m_lastError;
};

} // namespace Elevate::Cache
