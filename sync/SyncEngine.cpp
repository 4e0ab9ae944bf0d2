#include "SyncEngine.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "GraphClient.h"
#include "Outbox.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace Elevate {

namespace {

const QString AuditCollection = QStringLiteral("audit");
const QString OrganisationCollection = QStringLiteral("organisation");
constexpr SyncCollection AllCollections[] = { SyncCollection::MyRoles, SyncCollection::Approvals, SyncCollection::Reviews,
                                              SyncCollection::Audit, SyncCollection::Organisation };

// A PIM-for-Groups call the server does not know (400/404) leaves the groups out.
bool groupsUnsupported(const ApiResult& r)
{
    return r.kind == ApiErrorKind::NotFound || (r.kind == ApiErrorKind::Refused && r.httpStatus == 400);
}

QString errorOf(const ApiResult& r)
{
    if (!r.error.message.isEmpty()) {
        return r.error.message;
    }
    return r.describe();
}

// Runs `step` for each item one after the other, then `done`; `step` calls its continuation
// with false to stop early.
template <typename T>
void inOrder(const std::shared_ptr<QList<T>>& items,
             qsizetype index,
             std::function<void(const T&, std::function<void(bool)>)> step,
             std::function<void(bool)> done)
{
    if (index >= items->size()) {
        done(true);
        return;
    }
    const T item = items->at(index);
    step(item, [items, index, step, done](bool more) {
        if (!more) {
            done(false);
            return;
        }
        inOrder<T>(items, index + 1, step, done);
    });
}

// Graph's key of the policy governing a role ("/", roleDefinitionId) or a group's access
// (groupId, "member"/"owner"): what RolePolicyAssignment carries as scopeId/roleDefinitionId.
RolePolicyAssignment policyKey(PimKind kind, const QString& roleId, const QString& groupId, GroupAccess access)
{
    RolePolicyAssignment a;
    if (kind == PimKind::Group) {
        a.scopeId = groupId;
        a.scopeType = PolicyScopeType::Group;
        a.roleDefinitionId = access == GroupAccess::Owner ? QStringLiteral("owner") : QStringLiteral("member");
    } else {
        a.scopeId = QStringLiteral("/");
        a.scopeType = PolicyScopeType::DirectoryRole;
        a.roleDefinitionId = roleId;
    }
    return a;
}

// The policies of `keys` (de-duplicated), one call each, all at once (a tenant has dozens of
// eligible roles; in turn they cost a round trip each). A policy the caller may not read or the
// server does not have (403/404/400) is left out; any other failure is passed on, so the pull
// fails as a whole and the cache keeps the previous policies. `done` gets them in `keys` order.
void fetchPolicies(GraphClient& graph,
                   const QList<RolePolicyAssignment>& keys,
                   std::function<void(const QList<RolePolicyAssignment>&, const std::optional<ApiResult>&)> done)
{
    QList<RolePolicyAssignment> unique;
    for (const RolePolicyAssignment& k : keys) {
        const bool seen = std::any_of(unique.cbegin(), unique.cend(), [&k](const RolePolicyAssignment& u) {
            return u.scopeId == k.scopeId && u.roleDefinitionId == k.roleDefinitionId;
        });
        if (!seen) {
            unique << k;
        }
    }
    if (unique.isEmpty()) {
        done({}, std::nullopt);
        return;
    }
    struct Gather
    {
        QList<std::optional<RolePolicyAssignment>> found;
        std::optional<ApiResult> failure;
        qsizetype left = 0;
    };
    auto g = std::make_shared<Gather>();
    g->found.resize(unique.size());
    g->left = unique.size();
    for (qsizetype i = 0; i < unique.size(); ++i) {
        const RolePolicyAssignment key = unique.at(i);
        const bool group = key.scopeType == PolicyScopeType::Group;
        const GroupAccess access = key.roleDefinitionId == u"owner" ? GroupAccess::Owner : GroupAccess::Member;
        graph.rolePolicy(group ? PimKind::Group : PimKind::DirectoryRole,
                         group ? key.scopeId : key.roleDefinitionId,
                         access,
                         [g, key, i, done](const GraphReply<RolePolicy>& p) {
                             if (p.ok()) {
                                 RolePolicyAssignment a = key;
                                 a.policyId = p.value.id;
                                 a.id = key.scopeId + u'|' + key.roleDefinitionId;
                                 a.policy = p.value;
                                 g->found[i] = a;
                             } else if (p.result.kind != ApiErrorKind::NotFound
                                        && p.result.kind != ApiErrorKind::Forbidden && !groupsUnsupported(p.result)
                                        && !g->failure) {
                                 g->failure = p.result;
                             }
                             if (--g->left > 0) {
                                 return;
                             }
                             QList<RolePolicyAssignment> out;
                             for (const auto& f : g->found) {
                                 if (f) {
                                     out << *f;
                                 }
                             }
                             done(out, g->failure);
                         });
    }
}

// Policies change rarely and a tenant has dozens of roles (and the server's rate limit counts
// every call): within PolicyMaxAgeSeconds of the last full fetch (sync state `collection`),
// only the policies missing from the cache (scope `scope`) are fetched; after it, all of them
// again. `done` gets the full list to store and whether it was a full fetch (then the caller
// marks `collection` synced).
constexpr qint64 PolicyMaxAgeSeconds = 10 * 60;

void refreshPolicies(
    GraphClient& graph,
    Cache::CacheDatabase& cache,
    const QString& scope,
    const QString& collection,
    const Timestamp& now,
    const QList<RolePolicyAssignment>& keys,
    std::function<void(const QList<RolePolicyAssignment>&, bool, const std::optional<ApiResult>&)> done)
{
    const auto state = cache.syncState(collection);
    const bool recent = state && !state->lastSync.isNull()
        && state->lastSync.secsSinceEpoch() > now.secsSinceEpoch() - PolicyMaxAgeSeconds;
    QList<RolePolicyAssignment> kept;
    QList<RolePolicyAssignment> missing = keys;
    if (recent) {
        const QList<RolePolicyAssignment> cached = Cache::PolicyRepository(cache).all(scope);
        missing.clear();
        for (const RolePolicyAssignment& k : keys) {
            const auto it = std::find_if(cached.cbegin(), cached.cend(), [&k](const RolePolicyAssignment& c) {
                return c.scopeId == k.scopeId && c.roleDefinitionId == k.roleDefinitionId;
            });
            if (it == cached.cend()) {
                missing << k;
            } else if (std::none_of(kept.cbegin(), kept.cend(), [&it](const RolePolicyAssignment& x) {
                           return x.id == it->id;
                       })) {
                kept << *it;
            }
        }
    }
    fetchPolicies(
        graph,
        missing,
        [kept, recent, done](const QList<RolePolicyAssignment>& fetched, const std::optional<ApiResult>& failure) {
            done(kept + fetched, !recent, failure);
        });
}

} // namespace

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Online:
        return QStringLiteral("online");
    case ConnectionState::Offline:
        return QStringLiteral("offline");
    case ConnectionState::SigningIn:
        return QStringLiteral("signing in");
    case ConnectionState::Throttled:
        return QStringLiteral("throttled");
    case ConnectionState::SignedOut:
        return QStringLiteral("signed out");
    }
    return QString();
}

struct SyncEngine::Pull
{
    SyncCollection collection;
    QList<Eligibility> eligible;
    QList<ActiveAssignment> active;
    QList<ScheduleRequest> approver;
    QList<ScheduleRequest> mine;
    QList<Approval> approvals;
    QList<AccessReviewDefinition> definitions;
    QHash<QString, QList<AccessReviewInstance>> instances;
    QHash<QString, QList<ReviewDecision>> decisions;
    int auditNew = 0;
    bool auditStopped = false; // a page failed: a page already asked for is dropped
};

SyncEngine::SyncEngine(GraphClient& graph, Cache::CacheDatabase& cache, Cache::Outbox& outbox, QObject* parent)
    : QObject(parent)
    , m_graph(graph)
    , m_cache(cache)
    , m_outbox(outbox)
    , m_audit(std::make_unique<Cache::AuditStore>(cache))
{
    using namespace std::chrono_literals;
    m_intervals.insert(int(SyncCollection::MyRoles), 60s);
    m_intervals.insert(int(SyncCollection::Approvals), 60s);
    m_intervals.insert(int(SyncCollection::Reviews), 5min);
    m_intervals.insert(int(SyncCollection::Audit), 5min);
    m_intervals.insert(int(SyncCollection::Organisation), 5min);
    for (SyncCollection c : AllCollections) {
        auto* timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, [this, c] {
            if (m_state == ConnectionState::Online || m_state == ConnectionState::Throttled) {
                if (m_outbox.isOpen() && m_outbox.pendingCount() > 0) {
                    drainOutbox();
                }
                syncNow(c);
            }
        });
        m_timers.insert(int(c), timer);
    }
    m_probe.setSingleShot(true);
    connect(&m_probe, &QTimer::timeout, this, &SyncEngine::probe);
}

SyncEngine::~SyncEngine() = default;

void SyncEngine::cacheReopened()
{
    m_audit = std::make_unique<Cache::AuditStore>(m_cache);
}

void SyncEngine::setInterval(SyncCollection collection, std::chrono::milliseconds interval)
{
    m_intervals.insert(int(collection), interval);
    if (m_running) {
        m_timers.value(int(collection))->start(interval);
    }
}

std::chrono::milliseconds SyncEngine::interval(SyncCollection collection) const
{
    return m_intervals.value(int(collection));
}

void SyncEngine::setBackoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
{
    m_backoffFirst = first;
    m_backoffMax = std::max(first, max);
}

Timestamp SyncEngine::now() const
{
    return m_now ? m_now() : Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
}

void SyncEngine::start()
{
    m_running = true;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        it.value()->start(m_intervals.value(it.key()));
    }
    syncAll();
}

void SyncEngine::stop()
{
    m_running = false;
    for (QTimer* timer : std::as_const(m_timers)) {
        timer->stop();
    }
    m_probe.stop();
}

void SyncEngine::setSigningIn(bool signingIn)
{
    if (signingIn) {
        setState(ConnectionState::SigningIn);
    } else if (m_state == ConnectionState::SigningIn) {
        // The next answer says where we stand; assume the best so a pull is attempted.
        setState(ConnectionState::Online);
        syncAll();
    }
}

ConnectionState SyncEngine::stateFor(const ApiResult& r, ConnectionState current)
{
    switch (r.kind) {
    case ApiErrorKind::Unreachable:
    case ApiErrorKind::Timeout:
    case ApiErrorKind::Tls:
        return ConnectionState::Offline;
    case ApiErrorKind::Canceled:
        return current;
    case ApiErrorKind::Unauthorized:
        return ConnectionState::SignedOut;
    case ApiErrorKind::Throttled:
        return ConnectionState::Throttled;
    default:
        return ConnectionState::Online;
    }
}

bool SyncEngine::isConflict(const ApiResult& r)
{
    switch (r.kind) {
    case ApiErrorKind::Forbidden:
    case ApiErrorKind::NotFound:
    case ApiErrorKind::Conflict:
    case ApiErrorKind::Refused:
    case ApiErrorKind::PolicyViolation:
    case ApiErrorKind::ClaimsChallenge:
        return true;
    default:
        return false;
    }
}

void SyncEngine::setState(ConnectionState state)
{
    if (state == m_state) {
        return;
    }
    const ConnectionState before = m_state;
    m_state = state;
    emit connectionStateChanged(state);
    if (state == ConnectionState::Offline) {
        scheduleProbe();
    } else if (before == ConnectionState::Offline) {
        m_probe.stop();
        m_backoff = std::chrono::milliseconds(0);
    }
}

bool SyncEngine::note(const ApiResult& result)
{
    if (m_state == ConnectionState::SigningIn && result.kind != ApiErrorKind::Unauthorized) {
        return result.ok() || stateFor(result, m_state) == ConnectionState::Online;
    }
    const ConnectionState before = m_state;
    const ConnectionState after = stateFor(result, m_state);
    setState(after);
    if (after == ConnectionState::Online && (before == ConnectionState::Offline || before == ConnectionState::Throttled)
        && m_outbox.isOpen() && m_outbox.pendingCount() > 0) {
        QMetaObject::invokeMethod(
            this, [this] { drainOutbox(); }, Qt::QueuedConnection);
    }
    if (after == ConnectionState::Throttled) {
        // Pull again once the server's Retry-After has passed.
        const auto wait = std::max(result.retryAfter, std::chrono::milliseconds(1000));
        QTimer::singleShot(wait, this, [this] {
            if (m_state == ConnectionState::Throttled) {
                setState(ConnectionState::Online);
                syncAll();
            }
        });
    }
    return after == ConnectionState::Online;
}

void SyncEngine::scheduleProbe()
{
    m_backoff = m_backoff.count() == 0 ? m_backoffFirst : std::min(m_backoff * 2, m_backoffMax);
    m_probe.start(m_backoff);
}

void SyncEngine::probe()
{
    if (m_state != ConnectionState::Offline) {
        return;
    }
    m_graph.me([this](const GraphReply<Identity>& r) {
        note(r.result);
        if (m_state == ConnectionState::Offline) {
            scheduleProbe();
            return;
        }
        if (m_state == ConnectionState::Online) {
            syncAll();
        }
    });
}

// --- pulls --------------------------------------------------------------------------------

void SyncEngine::syncNow(SyncCollection collection, std::function<void(const QString&)> done)
{
    auto callback = done ? std::move(done) : std::function<void(const QString&)>([](const QString&) {});
    if (m_waiting.contains(int(collection))) {
        // A pull is running, but it may have read the server before what the caller just changed
        // (an approval decided while the approver list was coming): one more pull follows it, for
        // every caller that asked meanwhile.
        m_again[int(collection)] << std::move(callback);
        return;
    }
    m_waiting[int(collection)] << std::move(callback);
    startPull(collection);
}

void SyncEngine::startPull(SyncCollection collection)
{
    auto pull = std::make_shared<Pull>();
    pull->collection = collection;
    switch (collection) {
    case SyncCollection::MyRoles:
        pullMyRoles(pull);
        break;
    case SyncCollection::Approvals:
        pullApprovals(pull);
        break;
    case SyncCollection::Reviews:
        pullReviews(pull);
        break;
    case SyncCollection::Audit:
        pullAudit(pull);
        break;
    case SyncCollection::Organisation:
        pullOrganisation(pull);
        break;
    }
}

void SyncEngine::syncAll(std::function<void(const QStringList&)> done)
{
    auto errors = std::make_shared<QStringList>();
    auto left = std::make_shared<int>(int(std::size(AllCollections)));
    auto one = [errors, left, done](const QString& error) {
        if (!error.isEmpty()) {
            *errors << error;
        }
        if (--*left == 0 && done) {
            done(*errors);
        }
    };
    drainOutbox([this, one] {
        for (SyncCollection c : AllCollections) {
            syncNow(c, one);
        }
    });
}

void SyncEngine::activationChanged()
{
    syncNow(SyncCollection::MyRoles);
}

void SyncEngine::finishPull(const std::shared_ptr<Pull>& pull, const QString& error, const QStringList& tables)
{
    static const QHash<int, QString> names{ { int(SyncCollection::MyRoles), QStringLiteral("myRoles") },
                                            { int(SyncCollection::Approvals), QStringLiteral("approvals") },
                                            { int(SyncCollection::Reviews), QStringLiteral("reviews") },
                                            { int(SyncCollection::Audit), AuditCollection },
                                            { int(SyncCollection::Organisation), OrganisationCollection } };
    if (!error.isEmpty()) {
        m_cache.markSyncFailed(names.value(int(pull->collection)), now(), error);
    }
    if (!tables.isEmpty()) {
        emit tablesChanged(tables);
    }
    emit collectionSynced(pull->collection, error);
    const auto waiters = m_waiting.take(int(pull->collection));
    const auto again = m_again.take(int(pull->collection));
    for (const auto& w : waiters) {
        w(error);
    }
    if (!again.isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [this, collection = pull->collection, again] {
                // A pull started since began after the change: joining it is enough. The waiters
                // are in place before the pull starts (it may finish at once).
                const bool started = m_waiting.contains(int(collection));
                m_waiting[int(collection)] << again;
                if (!started) {
                    startPull(collection);
                }
            },
            Qt::QueuedConnection);
    }
}

void SyncEngine::storePolicies(const std::shared_ptr<Pull>& pull,
                               const QString& scope,
                               const QString& collection,
                               const QList<RolePolicyAssignment>& keys,
                               std::function<void(const Timestamp&)> then)
{
    refreshPolicies(m_graph,
                    m_cache,
                    scope,
                    collection,
                    now(),
                    keys,
                    [this, pull, scope, collection, then = std::move(then)](
                        const QList<RolePolicyAssignment>& policies, bool full, const std::optional<ApiResult>& failure) {
                        if (failure) {
                            note(*failure);
                            finishPull(pull, errorOf(*failure), {});
                            return;
                        }
                        note(ApiResult{});
                        const Timestamp when = now();
                        Cache::PolicyRepository rows(m_cache);
                        if (!rows.replaceCollection(scope, policies, full ? collection : QString(), when)) {
                            finishPull(pull, rows.lastError(), {});
                            return;
                        }
                        then(when);
                    });
}

void SyncEngine::pullMyRoles(const std::shared_ptr<Pull>& pull)
{
    // Role definitions first, then each kind's eligibilities and active assignments, in turn.
    m_graph.roleDefinitions([this, pull](const GraphReply<QList<RoleDefinition>>& defs) {
        if (!defs.ok()) {
            note(defs.result);
            finishPull(pull, errorOf(defs.result), {});
            return;
        }
        auto kinds = std::make_shared<QList<PimKind>>(QList<PimKind>{ PimKind::DirectoryRole, PimKind::Group });
        auto failure = std::make_shared<std::optional<ApiResult>>();
        inOrder<PimKind>(
            kinds,
            0,
            [this, pull, failure](const PimKind& kind, std::function<void(bool)> next) {
                m_graph.myEligibilities(
                    kind, [this, pull, failure, kind, next](const GraphReply<QList<Eligibility>>& e) {
                        if (!e.ok() && !(kind == PimKind::Group && groupsUnsupported(e.result))) {
                            *failure = e.result;
                            next(false);
                            return;
                        }
                        pull->eligible << e.value;
                        m_graph.myActiveAssignments(
                            kind, [pull, failure, kind, next](const GraphReply<QList<ActiveAssignment>>& a) {
                                if (!a.ok() && !(kind == PimKind::Group && groupsUnsupported(a.result))) {
                                    *failure = a.result;
                                    next(false);
                                    return;
                                }
                                pull->active << a.value;
                                next(true);
                            });
                    });
            },
            [this, pull, failure, defs = defs.value](bool) {
                if (*failure) {
                    note(**failure);
                    finishPull(pull, errorOf(**failure), {});
                    return;
                }
                // Each eligible role's policy, for the console's pre-flight and policy column.
                QList<RolePolicyAssignment> keys;
                for (const Eligibility& e : pull->eligible) {
                    keys << policyKey(e.kind, e.roleDefinitionId, e.groupId, e.accessId);
                }
                storePolicies(
                    pull,
                    QString(),
                    QStringLiteral("rolePolicies"),
                    keys,
                    [this, pull, defs](const Timestamp& when) {
                        Cache::RoleDefinitionRepository roles(m_cache);
                        Cache::EligibilityRepository eligible(m_cache);
                        Cache::ActiveAssignmentRepository active(m_cache);
                        if (!roles.replaceCollection(QString(), defs, QStringLiteral("roleDefinitions"), when)) {
                            finishPull(pull, roles.lastError(), {});
                            return;
                        }
                        if (!eligible.replaceCollection(
                                QString(), pull->eligible, QStringLiteral("eligibilities"), when)) {
                            finishPull(pull, eligible.lastError(), { QStringLiteral("roleDefinitions") });
                            return;
                        }
                        if (!active.replaceCollection(
                                QString(), pull->active, QStringLiteral("activeAssignments"), when)) {
                            finishPull(pull,
                                       active.lastError(),
                                       { QStringLiteral("roleDefinitions"), QStringLiteral("eligibilities") });
                            return;
                        }
                        m_cache.markSynced(QStringLiteral("myRoles"), when);
                        finishPull(pull,
                                   {},
                                   { QStringLiteral("roleDefinitions"),
                                     QStringLiteral("eligibilities"),
                                     QStringLiteral("activeAssignments"),
                                     QStringLiteral("rolePolicies") });
                    });
            });
    });
}

void SyncEngine::pullOrganisation(const std::shared_ptr<Pull>& pull)
{
    // Only administrators and auditors may list everyone's roles: anyone else's 403 ends the pull
    // quietly (their alerts stay about their own roles and say so).
    auto failed = [this, pull](const ApiResult& r) {
        note(r);
        const bool refused = r.kind == ApiErrorKind::Forbidden;
        if (refused) {
            m_refusedOrganisation = true;
        }
        finishPull(pull, refused ? QString() : errorOf(r), {});
    };
    m_graph.organisationEligibilities([this, pull, failed](const GraphReply<QList<Eligibility>>& e) {
        if (!e.ok()) {
            failed(e.result);
            return;
        }
        pull->eligible = e.value;
        m_graph.organisationActiveAssignments([this, pull, failed](const GraphReply<QList<ActiveAssignment>>& a) {
            if (!a.ok()) {
                failed(a.result);
                return;
            }
            m_refusedOrganisation = false;
            pull->active = a.value;
            // The policy of every role someone holds or may activate.
            QList<RolePolicyAssignment> keys;
            QSet<QString> roles;
            for (const Eligibility& el : std::as_const(pull->eligible)) {
                roles.insert(el.roleDefinitionId);
            }
            for (const ActiveAssignment& as : std::as_const(pull->active)) {
                roles.insert(as.roleDefinitionId);
            }
            for (const QString& role : std::as_const(roles)) {
                keys << policyKey(PimKind::DirectoryRole, role, QString(), GroupAccess::Member);
            }
            storePolicies(pull, OrganisationCollection, QStringLiteral("organisationPolicies"), keys,
                          [this, pull](const Timestamp& when) {
                              Cache::EligibilityRepository eligible(m_cache);
                              Cache::ActiveAssignmentRepository active(m_cache);
                              if (!eligible.replaceCollection(OrganisationCollection, pull->eligible, QString(), when)
                                  || !active.replaceCollection(OrganisationCollection, pull->active, QString(), when)) {
                                  finishPull(pull, eligible.lastError() + active.lastError(),
                                             { QStringLiteral("eligibilities"), QStringLiteral("rolePolicies") });
                                  return;
                              }
                              m_cache.markSynced(OrganisationCollection, when);
                              finishPull(pull, {},
                                         { QStringLiteral("eligibilities"), QStringLiteral("activeAssignments"),
                                           QStringLiteral("rolePolicies") });
                          });
        });
    });
}

void SyncEngine::pullApprovals(const std::shared_ptr<Pull>& pull)
{
    auto kinds = std::make_shared<QList<PimKind>>(QList<PimKind>{ PimKind::DirectoryRole, PimKind::Group });
    auto failure = std::make_shared<std::optional<ApiResult>>();
    inOrder<PimKind>(
        kinds,
        0,
        [this, pull, failure](const PimKind& kind, std::function<void(bool)> next) {
            m_graph.myRequests(kind,
                               QStringLiteral("approver"),
                               QStringLiteral("PendingApproval"),
                               [this, pull, failure, kind, next](const GraphReply<QList<ScheduleRequest>>& a) {
                                   if (!a.ok() && !(kind == PimKind::Group && groupsUnsupported(a.result))) {
                                       *failure = a.result;
                                       next(false);
                                       return;
                                   }
                                   pull->approver << a.value;
                                   m_graph.myRequests(
                                       kind,
                                       QStringLiteral("principal"),
                                       {},
                                       [pull, failure, kind, next](const GraphReply<QList<ScheduleRequest>>& m) {
                                           if (!m.ok() && !(kind == PimKind::Group && groupsUnsupported(m.result))) {
                                               *failure = m.result;
                                               next(false);
                                               return;
                                           }
                                           pull->mine << m.value;
                                           next(true);
                                       });
                               });
        },
        [this, pull, failure](bool) {
            if (*failure) {
                note(**failure);
                finishPull(pull, errorOf(**failure), {});
                return;
            }
            // The approval (with its steps) of every request waiting for me.
            auto requests = std::make_shared<QList<ScheduleRequest>>(pull->approver);
            inOrder<ScheduleRequest>(
                requests,
                0,
                [this, pull, failure](const ScheduleRequest& request, std::function<void(bool)> next) {
                    const QString id = request.approvalId.isEmpty() ? request.id : request.approvalId;
                    m_graph.approval(request.kind, id, [pull, failure, next](const GraphReply<Approval>& a) {
                        if (a.ok()) {
                            pull->approvals << a.value;
                        } else if (a.result.kind != ApiErrorKind::NotFound
                                   && a.result.kind != ApiErrorKind::Forbidden) {
                            *failure = a.result; // decided meanwhile (404/403): left out, the rest stays
                            next(false);
                            return;
                        }
                        next(true);
                    });
                },
                [this, pull, failure](bool) {
                    if (*failure) {
                        note(**failure);
                        finishPull(pull, errorOf(**failure), {});
                        return;
                    }
                    // The policies of the requests waiting for me: who else approves, whether
                    // a reason is required, when the request lapses.
                    QList<RolePolicyAssignment> keys;
                    for (const ScheduleRequest& r : pull->approver) {
                        keys << policyKey(r.kind, r.roleDefinitionId, r.groupId, r.accessId);
                    }
                    storePolicies(
                        pull,
                        QStringLiteral("approver"),
                        QStringLiteral("approverPolicies"),
                        keys,
                        [this, pull](const Timestamp& when) {
                            Cache::ScheduleRequestRepository stored(m_cache);
                            Cache::ApprovalRepository approvals(m_cache);
                            if (!stored.replaceCollection(QStringLiteral("approver"),
                                                          pull->approver,
                                                          QStringLiteral("approverRequests"),
                                                          when)
                                || !approvals.replaceCollection(
                                    QString(), pull->approvals, QStringLiteral("approvalSteps"), when)
                                || !stored.replaceCollection(
                                    QStringLiteral("mine"), pull->mine, QStringLiteral("myRequests"), when)) {
                                finishPull(pull,
                                           stored.lastError() + approvals.lastError(),
                                           { QStringLiteral("scheduleRequests"), QStringLiteral("approvals") });
                                return;
                            }
                            m_cache.markSynced(QStringLiteral("approvals"), when);
                            finishPull(pull,
                                       {},
                                       { QStringLiteral("scheduleRequests"),
                                         QStringLiteral("approvals"),
                                         QStringLiteral("rolePolicies") });
                        });
                });
        });
}

void SyncEngine::pullReviews(const std::shared_ptr<Pull>& pull)
{
    m_graph.myReviewDefinitions([this, pull](const GraphReply<QList<AccessReviewDefinition>>& defs) {
        if (!defs.ok()) {
            note(defs.result);
            finishPull(pull, errorOf(defs.result), {});
            return;
        }
        pull->definitions = defs.value;
        auto list = std::make_shared<QList<AccessReviewDefinition>>(defs.value);
        auto failure = std::make_shared<std::optional<ApiResult>>();
        inOrder<AccessReviewDefinition>(
            list,
            0,
            [this, pull, failure](const AccessReviewDefinition& def, std::function<void(bool)> next) {
                m_graph.myReviewInstances(
                    def.id, [this, pull, failure, def, next](const GraphReply<QList<AccessReviewInstance>>& inst) {
                        if (!inst.ok()) {
                            *failure = inst.result;
                            next(false);
                            return;
                        }
                        pull->instances.insert(def.id, inst.value);
                        auto instances = std::make_shared<QList<AccessReviewInstance>>(inst.value);
                        inOrder<AccessReviewInstance>(
                            instances,
                            0,
                            [this, pull, failure, def](const AccessReviewInstance& i, std::function<void(bool)> more) {
                                m_graph.myReviewDecisions(
                                    def.id,
                                    i.id,
                                    {},
                                    [pull, failure, i, more](const GraphReply<QList<ReviewDecision>>& d) {
                                        if (!d.ok()) {
                                            *failure = d.result;
                                            more(false);
                                            return;
                                        }
                                        pull->decisions.insert(i.id, d.value);
                                        more(true);
                                    });
                            },
                            next);
                    });
            },
            [this, pull, failure](bool) {
                if (*failure) {
                    note(**failure);
                    finishPull(pull, errorOf(**failure), {});
                    return;
                }
                note(ApiResult{});
                const Timestamp when = now();
                Cache::ReviewDefinitionRepository definitions(m_cache);
                Cache::ReviewInstanceRepository instances(m_cache);
                Cache::ReviewDecisionRepository decisions(m_cache);
                QString error;
                for (auto it = pull->decisions.cbegin(); it != pull->decisions.cend() && error.isEmpty(); ++it) {
                    if (!decisions.replaceCollection(it.key(), it.value())) {
                        error = decisions.lastError();
                    }
                }
                for (auto it = pull->instances.cbegin(); it != pull->instances.cend() && error.isEmpty(); ++it) {
                    if (!instances.replaceCollection(it.key(), it.value())) {
                        error = instances.lastError();
                    }
                }
                if (error.isEmpty()
                    && !definitions.replaceCollection(QString(), pull->definitions, QStringLiteral("reviews"), when)) {
                    error = definitions.lastError();
                }
                finishPull(pull,
                           error,
                           { QStringLiteral("reviewDefinitions"),
                             QStringLiteral("reviewInstances"),
                             QStringLiteral("reviewDecisions") });
            });
    });
}

void SyncEngine::pullAudit(const std::shared_ptr<Pull>& pull)
{
    // The lower bound is the watermark of the last complete pull (never the newest stored time,
    // which an interrupted newest-first pull would have moved past a gap).
    const std::optional<Cache::SyncState> state = m_cache.syncState(AuditCollection);
    QString filter;
    if (state && !state->watermark.isEmpty()) {
        filter = QStringLiteral("activityDateTime ge ") + state->watermark;
    }
    const bool bulk = m_audit->size() == 0 && m_audit->beginBulkLoad();
    QList<std::pair<QString, QString>> options;
    if (!filter.isEmpty()) {
        options << std::pair{ QStringLiteral("$filter"), filter };
    }
    options << std::pair{ QStringLiteral("$orderby"), QStringLiteral("activityDateTime desc") };
    options << std::pair{ QStringLiteral("$top"), QString::number(std::clamp(m_auditPageSize, 1, 999)) };
    auditPage(pull, QStringLiteral("/v1.0/auditLogs/directoryAudits") + GraphClient::query(options), bulk);
}

void SyncEngine::stopAuditPull(const std::shared_ptr<Pull>& pull, bool bulk, const QString& error)
{
    pull->auditStopped = true;
    if (bulk) {
        m_audit->finishBulkLoad();
    }
    finishPull(pull, error, pull->auditNew > 0 ? QStringList{ AuditCollection } : QStringList{});
}

void SyncEngine::auditPage(const std::shared_ptr<Pull>& pull, const QString& pathAndQuery, bool bulk)
{
    // The page comes as bytes and is decoded on a worker thread (a 1000-event page is ~10 ms of
    // parsing); only the store runs here. The next page is asked for once this one is decoded,
    // and this one is stored right after, in the same call: pages are stored strictly in order.
    m_graph.getRaw(pathAndQuery, [this, pull, bulk](const ApiResult& r) {
        if (pull->auditStopped) {
            return; // asked for before an earlier page failed; the pull is over
        }
        auto fail = [this, pull, bulk](const QString& error) { stopAuditPull(pull, bulk, error); };
        // A 403 is this account's lasting answer (no auditor role), not a passing failure.
        m_refusedAudit = r.kind == ApiErrorKind::Forbidden;
        if (!r.ok()) {
            note(r);
            fail(errorOf(r));
            return;
        }
        note(r);
        auto* decoding = new QFutureWatcher<Result<Page<AuditEvent>>>(this);
        connect(decoding, &QFutureWatcherBase::finished, this, [this, pull, bulk, decoding, fail] {
            decoding->deleteLater();
            if (pull->auditStopped) {
                return;
            }
            Result<Page<AuditEvent>> page = decoding->future().takeResult();
            if (!page) {
                fail(page.error().toString());
                return;
            }
            storeAuditPage(pull, *page, bulk);
        });
        decoding->setFuture(QtConcurrent::run([body = r.body] { return GraphCodec::decodeAuditPage(body); }));
    });
}

void SyncEngine::storeAuditPage(const std::shared_ptr<Pull>& pull, const Page<AuditEvent>& page, bool bulk)
{
    auto fail = [this, pull, bulk](const QString& error) { stopAuditPull(pull, bulk, error); };
    // Ask for the next page before storing this one: the server, the network and the decoder
    // work while the cache writes (pages still arrive, and are stored, one after the other).
    const QString next = page.hasMore() ? m_graph.relativeNextLink(page.nextLink) : QString();
    if (!next.isEmpty()) {
        auditPage(pull, next, bulk);
    }
    const std::optional<int> added = m_audit->merge(page.value);
    if (!added) {
        fail(m_audit->lastError());
        return;
    }
    pull->auditNew += *added;
    if (page.hasMore()) {
        if (next.isEmpty()) {
            fail(QStringLiteral("@odata.nextLink points to another host"));
        }
        return;
    }
    if (bulk && !m_audit->finishBulkLoad()) {
        finishPull(pull, m_audit->lastError(), { AuditCollection });
        return;
    }
    const Timestamp from = m_audit->pullFrom(m_overlapSeconds);
    m_cache.markSynced(AuditCollection, now(), from.isNull() ? QString() : from.toIso());
    finishPull(pull, {}, pull->auditNew > 0 ? QStringList{ AuditCollection } : QStringList{});
}

// --- outbox -------------------------------------------------------------------------------

void SyncEngine::drainOutbox(std::function<void()> done)
{
    if (done) {
        m_drainWaiters << std::move(done);
    }
    if (m_draining) {
        return;
    }
    m_draining = true;
    drainNext();
}

void SyncEngine::drainNext()
{
    auto finish = [this] {
        m_draining = false;
        const auto waiters = std::exchange(m_drainWaiters, {});
        for (const auto& w : waiters) {
            w();
        }
    };
    if (!m_outbox.isOpen() || m_state == ConnectionState::SignedOut || m_state == ConnectionState::SigningIn) {
        finish();
        return;
    }
    const std::optional<Cache::OutboxItem> item = m_outbox.nextPending();
    if (!item) {
        finish();
        return;
    }
    if (!m_outbox.markSending(item->id)) {
        finish();
        return;
    }
    sendItem(*item, [this, item = *item, finish](const ApiResult& r) {
        settle(item, r);
        const auto current = m_outbox.item(item.id);
        if (current
            && (current->state == Cache::OutboxItem::State::Failed
                || current->state == Cache::OutboxItem::State::Pending)) {
            finish(); // a transient failure: the item stays first in line
            return;
        }
        drainNext();
    });
}

void SyncEngine::sendItem(const Cache::OutboxItem& item, std::function<void(const ApiResult&)> done)
{
    const QByteArray key = item.idempotencyKey.toUtf8();
    auto invalid = [done](const QString& why) {
        ApiResult r;
        r.kind = ApiErrorKind::Refused;
        r.error.message = why;
        done(r);
    };
    auto relay = [done](const GraphReply<NoContent>& r) { done(r.result); };
    const QStringList& t = item.targetIds;
    switch (item.kind) {
    case Cache::OutboxItem::Kind::ReviewDecision: {
        Result<ReviewDecisionUpdate> update = GraphCodec::decode<ReviewDecisionUpdate>(item.payload);
        if (!update || t.size() != 3) {
            invalid(tr("The recorded review decision cannot be read."));
            return;
        }
        m_graph.recordDecision(t[0], t[1], t[2], *update, relay, key);
        return;
    }
    case Cache::OutboxItem::Kind::ReviewBatchDecision: {
        Result<BatchRecordDecisions> batch = GraphCodec::decode<BatchRecordDecisions>(item.payload);
        if (!batch || t.size() != 2) {
            invalid(tr("The recorded batch of review decisions cannot be read."));
            return;
        }
        m_graph.batchRecordDecisions(t[0], t[1], *batch, relay, key);
        return;
    }
    case Cache::OutboxItem::Kind::AcceptRecommendations:
        if (t.size() != 2) {
            invalid(tr("The recorded review cannot be read."));
            return;
        }
        m_graph.acceptRecommendations(t[0], t[1], relay, key);
        return;
    case Cache::OutboxItem::Kind::ApprovalDecision: {
        Result<ApprovalDecision> decision = GraphCodec::decode<ApprovalDecision>(item.payload);
        if (!decision || t.size() != 3) {
            invalid(tr("The recorded approval decision cannot be read."));
            return;
        }
        const PimKind kind = t[0] == QStringLiteral("group") ? PimKind::Group : PimKind::DirectoryRole;
        m_graph.decideApprovalStep(kind, t[1], t[2], *decision, relay, key);
        return;
    }
    }
    invalid(tr("Unknown outbox item."));
}

void SyncEngine::settle(const Cache::OutboxItem& item, const ApiResult& r)
{
    using State = Cache::OutboxItem::State;
    if (r.ok()) {
        note(r);
        m_outbox.markSent(item.id);
        emit outboxItemSettled(item.id, State::Sent, {});
        emit tablesChanged({ QStringLiteral("outbox") });
        // The decision changed server state: refresh what it touched.
        QMetaObject::invokeMethod(
            this,
            [this, kind = item.kind] {
                syncNow(kind == Cache::OutboxItem::Kind::ApprovalDecision ? SyncCollection::Approvals
                                                                          : SyncCollection::Reviews);
            },
            Qt::QueuedConnection);
        return;
    }
    if (isConflict(r)) {
        note(r);
        const QString message = errorOf(r);
        m_outbox.markConflict(item.id, message);
        emit outboxItemSettled(item.id, State::Conflict, message);
        emit tablesChanged({ QStringLiteral("outbox") });
        return;
    }
    note(r);
    const QString message = errorOf(r);
    m_outbox.markFailed(item.id, message);
    emit outboxItemSettled(item.id, State::Failed, message);
    emit tablesChanged({ QStringLiteral("outbox") });
}

} // namespace Elevate
