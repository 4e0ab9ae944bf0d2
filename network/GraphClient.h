#pragma once

#include "ApiJob.h"
#include "GraphCodec.h"
#include "RetryPolicy.h"

#include <QObject>
#include <QString>

#include <functional>
#include <variant>

class QNetworkAccessManager;

namespace Elevate {

class Credentials;

// A typed answer: the call's ApiResult and, when it succeeded, the decoded value.
template <typename T>
struct GraphReply
{
    ApiResult result;
    T value{};
    bool ok() const { return result.ok(); }
};

using NoContent = std::monostate;

// The typed calls of graph-contract.md §8 against Microsoft Graph or elevated, on one code path:
//  - every call carries the profile's bearer token; a 401 triggers one single-flight refresh
//    (Credentials) and the request once more;
//  - collections follow @odata.nextLink verbatim, only on the profile's own Graph host;
//  - retries are RetryPolicy's (ApiJob); decoding is core's GraphCodec.
// Callbacks run on this object's thread, exactly once per call, unless the client is destroyed
// first (pending jobs are its children and cancel silently).
class GraphClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GraphClient)

public:
    template <typename T>
    using Callback = std::function<void(const GraphReply<T>&)>;
    using RawCallback = std::function<void(const ApiResult&)>;

    GraphClient(QNetworkAccessManager& nam, Credentials& credentials, QObject* parent = nullptr);

    void setRetryPolicy(RetryPolicy policy) { m_retry = std::move(policy); }
    void setTransferTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    // Upper bound on items gathered by the list calls (a runaway nextLink chain stops there).
    void setMaxItems(int maxItems) { m_maxItems = maxItems; }
    Credentials& credentials() { return m_credentials; }

    // One authenticated call; pathAndQuery is relative to the Graph host ("/v1.0/me").
    void send(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body, RawCallback done,
              const QByteArray& idempotencyKey = {});
    // A GET whose answer is left as bytes (ApiResult::body; json stays null): for callers that
    // decode it themselves, off the UI thread. Errors (status >= 400) are classified as for send().
    void getRaw(const QString& pathAndQuery, RawCallback done);

    // Builds "?$filter=…&$expand=…" with every value percent-encoded (never '+' for space).
    static QString query(const QList<std::pair<QString, QString>>& options);
    // An OData string literal: quoted, inner quotes doubled.
    static QString literal(const QString& value);

    void me(Callback<Identity> done);
    void roleDefinitions(Callback<QList<RoleDefinition>> done);
    void myEligibilities(PimKind kind, Callback<QList<Eligibility>> done);
    void myActiveAssignments(PimKind kind, Callback<QList<ActiveAssignment>> done);
    // The admin view (graph-contract.md §3.2, §3.3): every principal's directory-role
    // eligibilities and active assignments, with role and principal expanded. Administrators
    // and auditors only; anyone else gets 403.
    void organisationEligibilities(Callback<QList<Eligibility>> done);
    void organisationActiveAssignments(Callback<QList<ActiveAssignment>> done);
    // The policy governing a directory role ("/" scope) or a group's member/owner access.
    void rolePolicy(PimKind kind, const QString& roleOrGroupId, GroupAccess access, Callback<RolePolicy> done);
    // POSTs a schedule request to the directory-role or the group endpoint (by request.kind).
    void submitRequest(const ScheduleRequest& request, Callback<ScheduleRequest> done);
    void scheduleRequest(PimKind kind, const QString& id, Callback<ScheduleRequest> done);
    // filterByCurrentUser(on='principal'|'approver'), optionally with a status filter.
    void myRequests(PimKind kind, const QString& on, const QString& statusFilter,
                    Callback<QList<ScheduleRequest>> done);
    void cancelRequest(PimKind kind, const QString& id, Callback<NoContent> done);
    // Directory roles: /beta …/roleAssignmentApprovals; groups: v1.0 …/assignmentApprovals.
    void approval(PimKind kind, const QString& approvalId, Callback<Approval> done);
    void decideApprovalStep(PimKind kind, const QString& approvalId, const QString& stepId,
                            const ApprovalDecision& decision, Callback<NoContent> done,
                            const QByteArray& idempotencyKey = {});
    void myReviewDefinitions(Callback<QList<AccessReviewDefinition>> done);
    void myReviewInstances(const QString& definitionId, Callback<QList<AccessReviewInstance>> done);
    void myReviewDecisions(const QString& definitionId, const QString& instanceId, const QString& filter,
                           Callback<QList<ReviewDecision>> done);
    void recordDecision(const QString& definitionId, const QString& instanceId, const QString& decisionId,
                        const ReviewDecisionUpdate& update, Callback<NoContent> done,
                        const QByteArray& idempotencyKey = {});
    void batchRecordDecisions(const QString& definitionId, const QString& instanceId,
                              const BatchRecordDecisions& batch, Callback<NoContent> done,
                              const QByteArray& idempotencyKey = {});
    // The decision calls take an optional Idempotency-Key (the outbox item's): elevated applies a
    // retried send once and replays its first answer.
    void acceptRecommendations(const QString& definitionId, const QString& instanceId, Callback<NoContent> done,
                               const QByteArray& idempotencyKey = {});
    // $filter as given (build it with literal()); $top as page size; stops after maxItems.
    void directoryAudits(const QString& filter, int pageSize, int maxItems, Callback<QList<AuditEvent>> done);

    template <typename T>
    void getOne(const QString& pathAndQuery, Callback<T> done)
    {
        send(QByteArrayLiteral("GET"), pathAndQuery, {}, [done = std::move(done)](const ApiResult& r) {
            done(decodeOne<T>(r));
        });
    }

    template <typename T>
    void getAll(const QString& pathAndQuery, Callback<QList<T>> done, int maxItems = -1)
    {
        auto gathered = std::make_shared<GraphReply<QList<T>>>();
        fetchPage<T>(pathAndQuery, gathered, std::move(done), maxItems < 0 ? m_maxItems : maxItems);
    }

    // The nextLink as a path+query on our Graph host; empty when it names another origin.
    QString relativeNextLink(const QString& nextLink) const;

private:
    template <typename T>
    static GraphReply<T> decodeOne(const ApiResult& r)
    {
        GraphReply<T> reply{r, T{}};
        if (!r.ok()) {
            return reply;
        }
        if constexpr (!std::is_same_v<T, NoContent>) {
            Result<T> decoded = GraphCodec::fromJson<T>(r.json);
            if (!decoded) {
                reply.result.kind = ApiErrorKind::InvalidResponse;
                reply.result.detail = decoded.error().toString();
            } else {
                reply.value = std::move(decoded).value();
            }
        }
        return reply;
    }

    template <typename T>
    void fetchPage(const QString& pathAndQuery, std::shared_ptr<GraphReply<QList<T>>> gathered,
                   Callback<QList<T>> done, int maxItems)
    {
        send(QByteArrayLiteral("GET"), pathAndQuery, {},
             [this, gathered, done = std::move(done), maxItems](const ApiResult& r) mutable {
                 gathered->result = r;
                 if (!r.ok()) {
                     done(*gathered);
                     return;
                 }
                 Result<Page<T>> page = GraphCodec::pageFromJson<T>(r.json);
                 if (!page) {
                     gathered->result.kind = ApiErrorKind::InvalidResponse;
                     gathered->result.detail = page.error().toString();
                     done(*gathered);
                     return;
                 }
                 for (const T& item : page->value) {
                     if (gathered->value.size() >= maxItems) {
                         break;
                     }
                     gathered->value.append(item);
                 }
                 if (!page->hasMore() || gathered->value.size() >= maxItems) {
                     done(*gathered);
                     return;
                 }
                 const QString next = relativeNextLink(page->nextLink);
                 if (next.isEmpty()) {
                     gathered->result.kind = ApiErrorKind::InvalidResponse;
                     gathered->result.detail = QStringLiteral("@odata.nextLink points to another host");
                     done(*gathered);
                     return;
                 }
                 fetchPage<T>(next, gathered, std::move(done), maxItems);
             });
    }

    void sendRequest(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body, RawCallback done,
                     const QByteArray& idempotencyKey, bool parseBody);
    void dispatch(const ApiRequest& request, const QString& token, bool mayRefresh, RawCallback done);
    static QString groupBase();
    static QString roleBase();

    QNetworkAccessManager& m_nam;
    Credentials& m_credentials;
    RetryPolicy m_retry;
    std::chrono::milliseconds m_timeout{30'000};
    int m_maxItems = 5000;
};

} // namespace Elevate
