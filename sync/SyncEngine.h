#pragma once

#include "ApiResult.h"
#include "AuditStore.h"
#include "Page.h"
#include "OutboxItem.h"
#include "RolePolicy.h"
#include "Timestamp.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

namespace Elevate {

class GraphClient;

namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache

// How the console reaches its backend, as the banner shows it.
enum class ConnectionState {
    Online,
    Offline, // the backend could not be reached: probed again with a growing back-off
    SigningIn, // an interactive sign-in is running
    Throttled, // 429/503 outlasted the retry policy: the next pull waits for Retry-After
    SignedOut, // no usable token: nothing is pulled or sent until the user signs in
};
QString connectionStateName(ConnectionState state);

// The collections the engine pulls, each on its own interval.
enum class SyncCollection {
    MyRoles, // eligibilities, active assignments, role definitions, each eligible role's policy (scope
             // '' of rolePolicies) (60 s, and after activations)
    Approvals, // requests waiting for my approval with their approvals and policies (scope "approver"),
               // and my own requests (60 s)
    Reviews, // review definitions, instances, my decisions (5 min)
    Audit, // the audit archive, incrementally (5 min)
    Organisation, // every principal's directory-role eligibilities and active assignments, and the
                  // policies of those roles (scope "organisation"), for administrators and auditors:
                  // organisation-wide alerts (5 min). A 403 (any other account) is not an error:
                  // nothing is stored and organisationRefused() says so.
};

// Pulls collections into the cache, drains the outbox and tracks the connection state
// (DESIGN.md "sync"). Everything runs on the thread that owns the engine, the cache and the
// outbox (they are not thread-safe).
//  - Each pulled collection is written with one EntityRepository::replaceCollection (one
//    transaction, its sync state included), so a reader never sees half a refresh.
//  - The audit pull is incremental: `activityDateTime ge watermark`, where the watermark is the
//    newest archived time minus an overlap, stored only when a pull completed; pages follow
//    @odata.nextLink and are merged (de-duplicated) one by one, so an interrupted pull loses
//    nothing and the next one starts again from the old watermark.
//  - The outbox is sent in FIFO order, each item with its idempotency key as the
//    Idempotency-Key header; 4xx refusals (403/404/409/422, ...) make the item a conflict with
//    the server's message; a transport failure stops the drain (the item stays first in line)
//    and the engine goes offline.
//  - Lifetime: calls in flight hold the engine, so destroy the engine before (or with) its
//    GraphClient, whose destruction cancels them silently.
//  - While offline, interval pulls stop and a probe runs with an exponential back-off; the
//    first answer brings the engine online, drains the outbox, then pulls everything.
class SyncEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncEngine)

public:
    SyncEngine(GraphClient& graph, Cache::CacheDatabase& cache, Cache::Outbox& outbox, QObject* parent = nullptr);
    ~SyncEngine() override;

    void setInterval(SyncCollection collection, std::chrono::milliseconds interval);
    std::chrono::milliseconds interval(SyncCollection collection) const;
    // The offline probe's back-off: starts at `first`, doubles up to `max`.
    void setBackoff(std::chrono::milliseconds first, std::chrono::milliseconds max);
    void setClock(std::function<Timestamp()> now) { m_now = std::move(now); }
    void setAuditOverlapSeconds(qint64 seconds) { m_overlapSeconds = seconds; }
    void setAuditPageSize(int size) { m_auditPageSize = size; }

    // Starts the interval timers and pulls everything once.
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    // Pulls one collection now; `done` gets the pull's error (empty on success). Asked while a
    // pull of the collection runs, it runs one more pull after that one (shared by everyone who
    // asked meanwhile), so the answer never predates the call.
    void syncNow(SyncCollection collection, std::function<void(const QString& error)> done = {});
    // Drains the outbox, then pulls every collection; `done` once all finished.
    void syncAll(std::function<void(const QStringList& errors)> done = {});
    // My roles changed (an activation, a deactivation): pull them now.
    void activationChanged();
    // Sends every item that is due, in order; `done` when the outbox is empty of due items or a
    // send failed transiently.
    void drainOutbox(std::function<void()> done = {});
    bool isDraining() const { return m_draining; }

    ConnectionState state() const { return m_state; }
    // The UI tells the engine an interactive sign-in started or ended.
    void setSigningIn(bool signingIn);

    Cache::AuditStore& audit() { return *m_audit; }
    // True when the server's last answer to the audit pull was 403: this account may not read
    // the audit log (it is no auditor or administrator).
    bool auditRefused() const { return m_refusedAudit; }
    bool organisationRefused() const { return m_refusedOrganisation; }
    // The cache file was closed and opened again (a rebuild after corruption): forget what was
    // read from the old file.
    void cacheReopened();

    // The state an answer implies (Online for any HTTP answer but 401/429/503).
    static ConnectionState stateFor(const ApiResult& result, ConnectionState current);
    // True when the server refused the item for good (the user must retry or discard it).
    static bool isConflict(const ApiResult& result);

signals:
    void connectionStateChanged(ConnectionState state);
    // Cache tables rewritten by a pull or an outbox send ("eligibilities", "audit", "outbox", ...).
    void tablesChanged(const QStringList& tables);
    void collectionSynced(SyncCollection collection, const QString& error);
    void outboxItemSettled(qint64 id, Cache::OutboxItem::State state, const QString& message);

private:
    struct Pull;
    // Starts a pull of `collection` for the waiters already in m_waiting.
    void startPull(SyncCollection collection);
    void pullMyRoles(const std::shared_ptr<Pull>& pull);
    void pullApprovals(const std::shared_ptr<Pull>& pull);
    void pullReviews(const std::shared_ptr<Pull>& pull);
    void pullAudit(const std::shared_ptr<Pull>& pull);
    void pullOrganisation(const std::shared_ptr<Pull>& pull);
    void auditPage(const std::shared_ptr<Pull>& pull, const QString& pathAndQuery, bool bulk);
    // A page failed: the pull is over (pages already asked for are dropped), a bulk load is
    // finished with what it stored, and the pull ends with `error`.
    void stopAuditPull(const std::shared_ptr<Pull>& pull, bool bulk, const QString& error);
    void storeAuditPage(const std::shared_ptr<Pull>& pull, const Page<AuditEvent>& page, bool bulk);
    void finishPull(const std::shared_ptr<Pull>& pull, const QString& error, const QStringList& tables);
    // Fetches the role policies of `keys` (all of them when the last full fetch, sync state
    // `collection`, is old), stores them under `scope`, then runs `then` with the write time.
    // A failed fetch or write ends the pull with its error.
    void storePolicies(const std::shared_ptr<Pull>& pull,
                       const QString& scope,
                       const QString& collection,
                       const QList<RolePolicyAssignment>& keys,
                       std::function<void(const Timestamp&)> then);
    // Records the state an answer implies; false when the caller should stop (no answer).
    bool note(const ApiResult& result);
    void setState(ConnectionState state);
    void scheduleProbe();
    void probe();
    void drainNext();
    void settle(const Cache::OutboxItem& item, const ApiResult& result);
    void sendItem(const Cache::OutboxItem& item, std::function<void(const ApiResult&)> done);
    Timestamp now() const;

    GraphClient& m_graph;
    Cache::CacheDatabase& m_cache;
    Cache::Outbox& m_outbox;
    std::unique_ptr<Cache::AuditStore> m_audit;
    std::function<Timestamp()> m_now;
    QHash<int, QTimer*> m_timers;
    QHash<int, std::chrono::milliseconds> m_intervals;
    QHash<int, QList<std::function<void(const QString&)>>> m_waiting; // pulls in flight
    QHash<int, QList<std::function<void(const QString&)>>> m_again; // asked during a pull: one more after it
    QTimer m_probe;
    std::chrono::milliseconds m_backoffFirst{ 5000 };
    std::chrono::milliseconds m_backoffMax{ 300'000 };
    std::chrono::milliseconds m_backoff{ 0 };
    ConnectionState m_state = ConnectionState::Online;
    bool m_running = false;
    bool m_draining = false;
    bool m_refusedAudit = false;
    bool m_refusedOrganisation = false;
    QList<std::function<void()>> m_drainWaiters;
    qint64 m_overlapSeconds = Cache::AuditStore::DefaultOverlapSeconds;
    int m_auditPageSize = 999;
};

} // namespace Elevate
