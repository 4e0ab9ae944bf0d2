#include "GraphClient.h"

#include "Credentials.h"
#include "NetworkLog.h"
#include "Redact.h"
#include "TokenStore.h"

namespace Elevate {

namespace {

QString encode(const QString& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QString segment(const QString& id)
{
    // Ids go into paths: percent-encode everything but unreserved characters.
    return encode(id);
}

} // namespace

GraphClient::GraphClient(QNetworkAccessManager& nam, Credentials& credentials, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_credentials(credentials)
{
}

QString GraphClient::query(const QList<std::pair<QString, QString>>& options)
{
    QString q;
    for (const auto& [name, value] : options) {
        if (value.isEmpty()) {
            continue;
        }
        q += (q.isEmpty() ? u'?' : u'&') + encode(name).replace(QStringLiteral("%24"), QStringLiteral("$")) + u'='
            + encode(value);
    }
    return q;
}

QString GraphClient::literal(const QString& value)
{
    return u'\'' + QString(value).replace(u'\'', QStringLiteral("''")) + u'\'';
}

QString GraphClient::roleBase()
{
    return QStringLiteral("/v1.0/roleManagement/directory");
}

QString GraphClient::groupBase()
{
    return QStringLiteral("/v1.0/identityGovernance/privilegedAccess/group");
}

QString GraphClient::relativeNextLink(const QString& nextLink) const
{
    const QUrl next(nextLink, QUrl::StrictMode);
    const QUrl graph = m_credentials.profile().graph;
    if (next.isRelative()) {
        return next.toString(QUrl::FullyEncoded);
    }
    if (next.scheme().compare(graph.scheme(), Qt::CaseInsensitive) != 0
        || next.host().compare(graph.host(), Qt::CaseInsensitive) != 0 || next.port() != graph.port()) {
        return {};
    }
    QString basePath = graph.path();
    while (basePath.endsWith(u'/')) {
        basePath.chop(1);
    }
    QString path = next.path(QUrl::FullyEncoded);
    if (!basePath.isEmpty() && path.startsWith(basePath)) {
        path = path.mid(basePath.size());
    }
    return path + (next.hasQuery() ? u'?' + next.query(QUrl::FullyEncoded) : QString());
}

void GraphClient::send(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body,
                       RawCallback done, const QByteArray& idempotencyKey)
{
    sendRequest(method, pathAndQuery, body, std::move(done), idempotencyKey, true);
}

void GraphClient::getRaw(const QString& pathAndQuery, RawCallback done)
{
    sendRequest(QByteArrayLiteral("GET"), pathAndQuery, {}, std::move(done), {}, false);
}

void GraphClient::sendRequest(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body,
                              RawCallback done, const QByteArray& idempotencyKey, bool parseBody)
{
    ApiRequest request;
    request.parseBody = parseBody;
    request.method = method;
    request.url = m_credentials.profile().graphUrl(pathAndQuery);
    request.body = body;
    request.contentType = body.isEmpty() ? QByteArray() : QByteArrayLiteral("application/json");
    request.idempotencyKey = idempotencyKey;
    request.transferTimeout = m_timeout;
    if (!request.url.isValid()) {
        ApiResult r;
        r.kind = ApiErrorKind::Refused;
        r.detail = QStringLiteral("invalid URL");
        QMetaObject::invokeMethod(this, [done = std::move(done), r] { done(r); }, Qt::QueuedConnection);
        return;
    }
    m_credentials.ensureAccessToken([this, request, done = std::move(done)](const AuthResult& auth) mutable {
        if (!auth.ok()) {
            ApiResult r;
            r.kind = auth.kind == AuthErrorKind::Unreachable ? ApiErrorKind::Unreachable : ApiErrorKind::Unauthorized;
            r.detail = auth.description;
            done(r);
            return;
        }
        dispatch(request, auth.tokens.accessToken, true, std::move(done));
    });
}

void GraphClient::dispatch(const ApiRequest& base, const QString& token, bool mayRefresh, RawCallback done)
{
    ApiRequest request = base;
    request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + token.toLatin1()});
    auto* job = new ApiJob(m_nam, request, m_retry, this);
    connect(job, &ApiJob::finished, this, [this, job, base, mayRefresh, done = std::move(done)](const ApiResult& r) mutable {
        job->deleteLater();
        if (r.kind == ApiErrorKind::Unauthorized && mayRefresh) {
            // The token was refused (expired early, revoked, rotated): one refresh, shared with
            // every other call that hits the same 401, then this request once more.
            qCInfo(lcNetwork).noquote() << "401 on" << redact(base.url) << "- refreshing the token";
            m_credentials.store().clearAccessToken(m_credentials.profile());
            m_credentials.refresh([this, base, r, done = std::move(done)](const AuthResult& auth) mutable {
                if (!auth.ok()) {
                    ApiResult failed = r;
                    failed.detail = QStringLiteral("token refresh failed: ") + auth.error;
                    done(failed);
                    return;
                }
                dispatch(base, auth.tokens.accessToken, false, std::move(done));
            });
            return;
        }
        done(r);
    });
    job->start();
}

void GraphClient::me(Callback<Identity> done)
{
    getOne<Identity>(QStringLiteral("/v1.0/me"), std::move(done));
}

void GraphClient::roleDefinitions(Callback<QList<RoleDefinition>> done)
{
    getAll<RoleDefinition>(roleBase() + QStringLiteral("/roleDefinitions"), std::move(done));
}

void GraphClient::myEligibilities(PimKind kind, Callback<QList<Eligibility>> done)
{
    if (kind == PimKind::Group) {
        getAll<Eligibility>(groupBase() + QStringLiteral("/eligibilityScheduleInstances/filterByCurrentUser(on='principal')")
                                + query({{QStringLiteral("$expand"), QStringLiteral("group")}}),
                            std::move(done));
        return;
    }
    getAll<Eligibility>(roleBase() + QStringLiteral("/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')")
                            + query({{QStringLiteral("$expand"), QStringLiteral("roleDefinition")}}),
                        std::move(done));
}

void GraphClient::myActiveAssignments(PimKind kind, Callback<QList<ActiveAssignment>> done)
{
    if (kind == PimKind::Group) {
        getAll<ActiveAssignment>(groupBase() + QStringLiteral("/assignmentScheduleInstances/filterByCurrentUser(on='principal')")
                                     + query({{QStringLiteral("$expand"), QStringLiteral("group")}}),
                                 std::move(done));
        return;
    }
    getAll<ActiveAssignment>(roleBase() + QStringLiteral("/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')")
                                 + query({{QStringLiteral("$expand"), QStringLiteral("roleDefinition")}}),
                             std::move(done));
}

void GraphClient::organisationEligibilities(Callback<QList<Eligibility>> done)
{
    getAll<Eligibility>(roleBase() + QStringLiteral("/roleEligibilityScheduleInstances")
                            + query({{QStringLiteral("$expand"), QStringLiteral("roleDefinition,principal")}}),
                        std::move(done));
}

void GraphClient::organisationActiveAssignments(Callback<QList<ActiveAssignment>> done)
{
    getAll<ActiveAssignment>(roleBase() + QStringLiteral("/roleAssignmentScheduleInstances")
                                 + query({{QStringLiteral("$expand"), QStringLiteral("roleDefinition,principal")}}),
                             std::move(done));
}

void GraphClient::rolePolicy(PimKind kind, const QString& roleOrGroupId, GroupAccess access, Callback<RolePolicy> done)
{
    QString filter;
    if (kind == PimKind::Group) {
        filter = QStringLiteral("scopeId eq %1 and scopeType eq 'Group' and roleDefinitionId eq %2")
                     .arg(literal(roleOrGroupId), literal(access == GroupAccess::Owner ? QStringLiteral("owner")
                                                                                       : QStringLiteral("member")));
    } else {
        filter = QStringLiteral("scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq %1")
                     .arg(literal(roleOrGroupId));
    }
    getAll<RolePolicyAssignment>(
        QStringLiteral("/v1.0/policies/roleManagementPolicyAssignments")
            + query({{QStringLiteral("$filter"), filter}, {QStringLiteral("$expand"), QStringLiteral("policy($expand=rules)")}}),
        [done = std::move(done)](const GraphReply<QList<RolePolicyAssignment>>& r) {
            GraphReply<RolePolicy> out{r.result, RolePolicy{}};
            if (r.ok()) {
                const auto it = std::find_if(r.value.cbegin(), r.value.cend(),
                                             [](const RolePolicyAssignment& a) { return a.policy.has_value(); });
                if (it == r.value.cend()) {
                    out.result.kind = ApiErrorKind::NotFound;
                    out.result.detail = QStringLiteral("no policy assignment for this role");
                } else {
                    out.value = *it->policy;
                }
            }
            done(out);
        });
}

void GraphClient::submitRequest(const ScheduleRequest& request, Callback<ScheduleRequest> done)
{
    const QString path = request.kind == PimKind::Group ? groupBase() + QStringLiteral("/assignmentScheduleRequests")
                                                        : roleBase() + QStringLiteral("/roleAssignmentScheduleRequests");
    send(QByteArrayLiteral("POST"), path, GraphCodec::encode(request),
         [done = std::move(done)](const ApiResult& r) { done(decodeOne<ScheduleRequest>(r)); });
}

void GraphClient::scheduleRequest(PimKind kind, const QString& id, Callback<ScheduleRequest> done)
{
    const QString path = kind == PimKind::Group ? groupBase() + QStringLiteral("/assignmentScheduleRequests/")
                                                : roleBase() + QStringLiteral("/roleAssignmentScheduleRequests/");
    getOne<ScheduleRequest>(path + segment(id), std::move(done));
}

void GraphClient::myRequests(PimKind kind, const QString& on, const QString& statusFilter,
                             Callback<QList<ScheduleRequest>> done)
{
    const QString base = kind == PimKind::Group ? groupBase() + QStringLiteral("/assignmentScheduleRequests")
                                                : roleBase() + QStringLiteral("/roleAssignmentScheduleRequests");
    const QString expand = kind == PimKind::Group ? QStringLiteral("principal,group")
                                                  : QStringLiteral("principal,roleDefinition");
    getAll<ScheduleRequest>(base + QStringLiteral("/filterByCurrentUser(on=%1)").arg(literal(on))
                                + query({{QStringLiteral("$filter"),
                                          statusFilter.isEmpty() ? QString() : QStringLiteral("status eq ") + literal(statusFilter)},
                                         {QStringLiteral("$expand"), expand}}),
                            std::move(done));
}

void GraphClient::cancelRequest(PimKind kind, const QString& id, Callback<NoContent> done)
{
    const QString path = kind == PimKind::Group ? groupBase() + QStringLiteral("/assignmentScheduleRequests/")
                                                : roleBase() + QStringLiteral("/roleAssignmentScheduleRequests/");
    send(QByteArrayLiteral("POST"), path + segment(id) + QStringLiteral("/cancel"), {},
         [done = std::move(done)](const ApiResult& r) { done(decodeOne<NoContent>(r)); });
}

void GraphClient::approval(PimKind kind, const QString& approvalId, Callback<Approval> done)
{
    // Directory-role approvals exist only under /beta in Graph (graph-contract.md §3.5).
    const QString path = kind == PimKind::Group
        ? QString(groupBase() + QStringLiteral("/assignmentApprovals/") + segment(approvalId))
        : QString(QStringLiteral("/beta/roleManagement/directory/roleAssignmentApprovals/") + segment(approvalId));
    getOne<Approval>(path, std::move(done));
}

void GraphClient::decideApprovalStep(PimKind kind, const QString& approvalId, const QString& stepId,
                                     const ApprovalDecision& decision, Callback<NoContent> done,
                                     const QByteArray& idempotencyKey)
{
    const QString path = kind == PimKind::Group
        ? QString(groupBase() + QStringLiteral("/assignmentApprovals/") + segment(approvalId))
        : QString(QStringLiteral("/beta/roleManagement/directory/roleAssignmentApprovals/") + segment(approvalId));
    send(QByteArrayLiteral("PATCH"), path + QStringLiteral("/steps/") + segment(stepId), GraphCodec::encode(decision),
         [done = std::move(done)](const ApiResult& r) { done(decodeOne<NoContent>(r)); }, idempotencyKey);
}

namespace {
const QString Reviews = QStringLiteral("/v1.0/identityGovernance/accessReviews/definitions");
}

void GraphClient::myReviewDefinitions(Callback<QList<AccessReviewDefinition>> done)
{
    getAll<AccessReviewDefinition>(Reviews + QStringLiteral("/filterByCurrentUser(on='reviewer')"), std::move(done));
}

void GraphClient::myReviewInstances(const QString& definitionId, Callback<QList<AccessReviewInstance>> done)
{
    getAll<AccessReviewInstance>(Reviews + u'/' + segment(definitionId)
                                     + QStringLiteral("/instances/filterByCurrentUser(on='reviewer')")
                                     + query({{QStringLiteral("$top"), QStringLiteral("100")}, {QStringLiteral("$skip"), QStringLiteral("0")}}),
                                 std::move(done));
}

void GraphClient::myReviewDecisions(const QString& definitionId, const QString& instanceId, const QString& filter,
                                    Callback<QList<ReviewDecision>> done)
{
    getAll<ReviewDecision>(Reviews + u'/' + segment(definitionId) + QStringLiteral("/instances/") + segment(instanceId)
                               + QStringLiteral("/decisions/filterByCurrentUser(on='reviewer')")
                               + query({{QStringLiteral("$filter"), filter}, {QStringLiteral("$top"), QStringLiteral("100")}}),
                           std::move(done));
}

void GraphClient::recordDecision(const QString& definitionId, const QString& instanceId, const QString& decisionId,
                                 const ReviewDecisionUpdate& update, Callback<NoContent> done,
                                 const QByteArray& idempotencyKey)
{
    send(QByteArrayLiteral("PATCH"),
         Reviews + u'/' + segment(definitionId) + QStringLiteral("/instances/") + segment(instanceId)
             + QStringLiteral("/decisions/") + segment(decisionId),
         GraphCodec::encode(update), [done = std::move(done)](const ApiResult& r) { done(decodeOne<NoContent>(r)); },
         idempotencyKey);
}

void GraphClient::batchRecordDecisions(const QString& definitionId, const QString& instanceId,
                                       const BatchRecordDecisions& batch, Callback<NoContent> done,
                                       const QByteArray& idempotencyKey)
{
    send(QByteArrayLiteral("POST"),
         Reviews + u'/' + segment(definitionId) + QStringLiteral("/instances/") + segment(instanceId)
             + QStringLiteral("/batchRecordDecisions"),
         GraphCodec::encode(batch), [done = std::move(done)](const ApiResult& r) { done(decodeOne<NoContent>(r)); },
         idempotencyKey);
}

void GraphClient::acceptRecommendations(const QString& definitionId, const QString& instanceId, Callback<NoContent> done,
                                        const QByteArray& idempotencyKey)
{
    send(QByteArrayLiteral("POST"),
         Reviews + u'/' + segment(definitionId) + QStringLiteral("/instances/") + segment(instanceId)
             + QStringLiteral("/acceptRecommendations"),
         {}, [done = std::move(done)](const ApiResult& r) { done(decodeOne<NoContent>(r)); }, idempotencyKey);
}

void GraphClient::directoryAudits(const QString& filter, int pageSize, int maxItems, Callback<QList<AuditEvent>> done)
{
    getAll<AuditEvent>(QStringLiteral("/v1.0/auditLogs/directoryAudits")
                           + query({{QStringLiteral("$filter"), filter},
                                    {QStringLiteral("$orderby"), QStringLiteral("activityDateTime desc")},
                                    {QStringLiteral("$top"), QString::number(std::clamp(pageSize, 1, 999))}}),
                       std::move(done), maxItems);
}

} // namespace Elevate
