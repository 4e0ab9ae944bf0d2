#pragma once

#include "GraphClient.h"
#include "SessionTypes.h"

#include <QObject>

#include <functional>
#include <optional>

namespace Elevate {

namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
class SyncEngine;

// The commands the UI and CLI call (DESIGN.md "Act online"), first cut: straight to the backend
// through GraphClient, no cache yet. Each command answers once through its callback with a
// SessionReply whose outcome maps to the CLI's exit codes.
//  - activate() resolves names, reads each role's policy and runs core's PolicyCheck before
//    anything is sent, explaining every broken rule; a claims challenge
//    (RoleAssignmentRequestAcrsValidationFailed) or an MfaRule refusal triggers the
//    interactive sign-in with the claims (Credentials::signIn) and one retry of the request.
//  - approve/deny find the step assigned to the caller (beta for roles, v1.0 for groups).
//  - review decisions: one, batch, accept recommendations.
// Roles and groups are named by display name or id ("Name:owner" picks a group's owner access).
//
// Offline (attachCache): reads answer from the cache, with the time it was pulled
// (SessionReply::cachedAt), when the backend cannot be reached or setOffline(true) asks for it.
// Review decisions (one, batch, accept recommendations) and approval decisions always go through
// the outbox: the item (with its idempotency key) is durable before anything is sent, then the
// SyncEngine drains it at once. Online the caller gets the server's answer as before; offline
// the decision waits in the outbox. One path for both cases means a decision whose answer was
// lost, or whose process died mid-send, is sent again with the same key and applied once.
// Activations, deactivations and extensions are never queued: the policy (MFA, approval,
// justification, duration) is checked by the server at the moment of asking, and a grant that
// arrives hours later would not be the one the user asked for.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    template <typename T>
    using Callback = std::function<void(const SessionReply<T>&)>;

    explicit Session(GraphClient& graph, QObject* parent = nullptr);

    // The clock for pre-flight checks (tests align it with the server's).
    void setClock(std::function<Timestamp()> now);
    // How often wait() polls a pending request (default 5 s).
    void setPollInterval(int milliseconds) { m_pollMs = milliseconds; }
    GraphClient& graph() { return m_graph; }

    // Reads fall back to `cache`; decisions go through `outbox`, drained by `engine`.
    void attachCache(Cache::CacheDatabase& cache, Cache::Outbox& outbox, SyncEngine& engine);
    // Reads answer from the cache without asking the backend (elevatectl --offline).
    void setOffline(bool offline) { m_offline = offline; }

    void whoami(Callback<Identity> done);
    void myRoles(Callback<QList<RoleRow>> done);
    void activate(const ActivationRequest& request, Callback<QList<ActivationOutcome>> done);
    void deactivate(const QString& role, Callback<ScheduleRequest> done);
    void extend(const QString& role, const IsoDuration& duration, const QString& justification,
                Callback<ScheduleRequest> done);
    // The same with the ticket a policy with a ticketing rule asks for.
    void extend(const QString& role, const IsoDuration& duration, const QString& justification,
                const TicketInfo& ticket, Callback<ScheduleRequest> done);
    // Polls a request until it leaves PendingApproval/PendingProvisioning or `timeoutMs` passes.
    void waitForRequest(PimKind kind, const QString& id, int timeoutMs, Callback<ScheduleRequest> done);
    void myRequests(Callback<QList<ScheduleRequest>> done);
    void cancelRequest(const QString& id, Callback<NoContent> done);
    void pendingApprovals(Callback<QList<ScheduleRequest>> done);
    void decideApprovals(const QStringList& requestIds, ApprovalVerdict verdict, const QString& reason,
                         Callback<QList<ItemOutcome>> done);
    void reviews(Callback<QList<ReviewRow>> done);
    void decisions(const QString& review, Callback<QList<ReviewDecision>> done);
    void decide(const QString& decisionId, ReviewDecisionValue value, const QString& reason, Callback<NoContent> done);
    void batchDecide(const QString& review, ReviewDecisionValue value, const QString& reason, const QString& principalId,
                     Callback<NoContent> done);
    void acceptRecommendations(const QString& review, Callback<NoContent> done);
    void audit(const AuditQuery& query, Callback<QList<AuditEvent>> done);

    // The outcome and user sentence for a failed call (public for the CLI's own calls).
    static SessionOutcome outcomeOf(const ApiResult& result);
    static QString messageOf(const ApiResult& result);
    // An OData $filter for `query` (without the free text, which is matched here).
    static QString auditFilter(const AuditQuery& query);

private:
    template <typename T, typename U>
    static SessionReply<T> failure(const GraphReply<U>& reply)
    {
        SessionReply<T> r;
        r.outcome = outcomeOf(reply.result);
        r.message = messageOf(reply.result);
        r.details = reply.result.describe();
        return r;
    }

    void principalId(std::function<void(const SessionReply<QString>&)> done);
    void activateOne(const RoleTarget& target, const ActivationRequest& request, const QString& me,
                     std::function<void(ActivationOutcome)> done);
    void submitWithStepUp(const ScheduleRequest& request, std::function<void(ActivationOutcome)> done,
                          ActivationOutcome outcome);
    void resolveReview(const QString& review, std::function<void(const SessionReply<ReviewRow>&)> done);
    Timestamp now() const;

    // Offline: the cached collections, and the outbox path of the decisions.
    template <typename T>
    bool answerFromCache(Callback<T>& done, std::function<SessionReply<T>()> fromCache);
    SessionReply<QList<RoleRow>> cachedRoles();
    SessionReply<QList<ScheduleRequest>> cachedRequests(const QString& scope, const QString& collection);
    SessionReply<QList<ReviewRow>> cachedReviews();
    std::optional<ReviewRow> cachedReview(const QString& review);
    void withCachedReview(const QString& review, std::function<void(const SessionReply<ReviewRow>&)> done);
    void queueDecision(int kind, const QStringList& targets, const QByteArray& payload, const QString& doneMessage,
                       std::function<void(SessionOutcome, const QString&)> done);
    // The approval `id` with what it approves, or the failure as an ItemOutcome.
    void fetchApproval(const QString& id, std::function<void(PimKind, const Approval&)> found,
                       std::function<void(ItemOutcome)> failed);
    void queueApproval(const QString& id, ApprovalVerdict verdict, const QString& reason, bool synced,
                       std::function<void(ItemOutcome)> next);
    static QString neverQueued();
    // Activation changes are never queued: offline, answers at once (false) that they were not;
    // else wraps `done` so an unreachable backend says so and a success tells the sync engine
    // (My Roles is pulled again at once).
    template <typename T>
    bool guardActivationChange(Callback<T>& done);

    GraphClient& m_graph;
    Cache::CacheDatabase* m_cache = nullptr;
    Cache::Outbox* m_outbox = nullptr;
    SyncEngine* m_engine = nullptr;
    bool m_offline = false;
    std::function<Timestamp()> m_now;
    QString m_me;
    int m_pollMs = 5000;
};

// My Roles' rows: each eligibility with its active assignment when there is one, then active
// assignments without an eligibility (permanent ones), sorted by display name. Shared by
// Session::myRoles (online and from the cache) and the console's MyRolesModel.
QList<RoleRow> roleRows(const QList<Eligibility>& eligible, const QList<ActiveAssignment>& active);

// Finds a role among rows by display name (case-insensitive) or id; "Name:owner"/"Name:member"
// picks a group's access. Empty when none; `ambiguous` lists candidates when several match.
std::optional<RoleTarget> resolveRole(const QList<RoleRow>& rows, const QString& nameOrId, QStringList* ambiguous = nullptr);

} // namespace Elevate
