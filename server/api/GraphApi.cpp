#include "GraphApi.h"

#include "Engine.h"
#include "GraphCodec.h"
#include "GraphErrors.h"
#include "IdempotencyKeys.h"
#include "ODataFieldMap.h"
#include "ODataQuery.h"
#include "ODataSqlCompiler.h"
#include "Router.h"

#include <QCryptographicHash>

#include <algorithm>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

namespace Elevate::Server {

using json = nlohmann::json;

namespace {

const QString V = QStringLiteral("/{version:beta|v1.0}");
const QString RoleBase = V + QStringLiteral("/roleManagement/directory");
const QString GroupBase = V + QStringLiteral("/identityGovernance/privilegedAccess/group");
const QString ReviewBase = V + QStringLiteral("/identityGovernance/accessReviews/definitions");

// True when a $filter compares nothing but activityDateTime: its SQL then refers to activity_at
// alone, which the audit time index holds with each row's sequence number. The console's audit
// sync asks that way (activityDateTime ge its newest event less an overlap).
bool comparesTimeOnly(const FilterNode& node)
{
    switch (node.kind) {
    case FilterNode::Kind::Predicate:
        return node.variable.isEmpty() && node.path.size() == 1
            && node.path.front().compare(u"activityDateTime", Qt::CaseInsensitive) == 0;
    case FilterNode::Kind::And:
    case FilterNode::Kind::Or:
    case FilterNode::Kind::Not:
        return std::all_of(node.children.begin(), node.children.end(), comparesTimeOnly);
    case FilterNode::Kind::Any:
        return false;
    }
    return false;
}

HttpResponse jsonResponse(int status, const json& body)
{
    HttpResponse r;
    r.status = status;
    r.body = GraphCodec::serialize(body);
    return r;
}

HttpResponse noContent()
{
    HttpResponse r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

HttpResponse engineError(const HttpRequest& request, const EngineError& e)
{
    return GraphErrors::response(request, e.httpStatus, e.code, e.message);
}

HttpResponse odataError(const HttpRequest& request, const ODataError& e)
{
    return GraphErrors::response(request, 400, e.code, e.message);
}

HttpResponse codecError(const HttpRequest& request, const CodecError& e)
{
    return GraphErrors::badRequest(request, QStringLiteral("The request body is not valid: %1").arg(e.toString()));
}

// Keeps only the $select'ed properties (and the id) of an entity.
void applySelect(json& entity, const QStringList& select)
{
    if (select.isEmpty() || !entity.is_object()) {
        return;
    }
    for (auto it = entity.begin(); it != entity.end();) {
        const QString key = QString::fromStdString(it.key());
        if (key == u"id" || key.startsWith(u'@') || select.contains(key)) {
            ++it;
        } else {
            it = entity.erase(it);
        }
    }
}

QString contextUrl(const HttpRequest& request, const QString& entitySet)
{
    const bool beta = request.path.startsWith(u"/beta/");
    return QStringLiteral("/%1/$metadata#%2").arg(beta ? QStringLiteral("beta") : QStringLiteral("v1.0"), entitySet);
}

// A listing request: its OData options, compiled into SQL for the engine.
struct Listing
{
    ODataQuery odata;
    ListQuery query;
    int pageSize = GraphApi::DefaultPageSize;
    Expand expand;
    std::shared_ptr<qint64> total; // set when $count=true
};

std::variant<Listing, HttpResponse> makeListing(const HttpRequest& request, const ODataSqlCompiler& compiler,
                                                const QStringList& expandable, const QString& tieBreaker)
{
    ODataLimits limits;
    limits.maxPageSize = GraphApi::MaxPageSize;
    ODataResult<ODataQuery> parsed = ODataQuery::fromQuery(request.query, limits);
    if (!parsed) {
        return odataError(request, parsed.error());
    }
    Listing l;
    l.odata = parsed.value();
    if (auto e = l.odata.checkExpand(expandable)) {
        return odataError(request, *e);
    }
    if (auto e = compiler.checkSelect(l.odata.select)) {
        return odataError(request, *e);
    }
    if (l.odata.filter) {
        ODataResult<SqlFragment> where = compiler.compileFilter(*l.odata.filter);
        if (!where) {
            return odataError(request, where.error());
        }
        l.query.where = where.value().sql;
        l.query.bindings = where.value().bindings;
    }
    ODataResult<QString> order = compiler.compileOrderBy(l.odata.orderBy);
    if (!order) {
        return odataError(request, order.error());
    }
    if (!order.value().isEmpty()) {
        l.query.orderBy = order.value() + QStringLiteral(", ") + tieBreaker;
    }
    if (l.odata.count) {
        l.total = std::make_shared<qint64>(-1);
        l.query.total = l.total.get();
    }
    l.pageSize = static_cast<int>(l.odata.pageSize(GraphApi::DefaultPageSize));
    // One extra row tells whether there is a next page.
    l.query.top = l.pageSize + 1;
    l.query.skip = static_cast<int>(qMin<qint64>(l.odata.skip, 1'000'000'000));
    for (const ExpandItem& item : l.odata.expand) {
        l.expand.roleDefinition = l.expand.roleDefinition || item.property == u"roleDefinition";
        l.expand.principal = l.expand.principal || item.property == u"principal";
        l.expand.group = l.expand.group || item.property == u"group";
    }
    return l;
}

QString nextLink(const HttpRequest& request, const QUrl& baseUrl, const QString& key, const QString& value)
{
    QUrl url = baseUrl;
    if (url.isEmpty()) {
        url = QUrl(QStringLiteral("http://") + QString::fromLatin1(request.header("Host")));
    }
    url.setPath(request.path);
    QUrlQuery q = request.query;
    q.removeAllQueryItems(QStringLiteral("$skip"));
    q.removeAllQueryItems(QStringLiteral("$skiptoken"));
    q.addQueryItem(key, value);
    url.setQuery(q);
    return url.toString(QUrl::FullyEncoded);
}

// One page of `items` (fetched with one extra row to know whether more follow). The nextLink
// advances $skip unless the route pages by keyset and passes its own.
template <typename T>
HttpResponse pageResponse(const HttpRequest& request, const QUrl& baseUrl, const Listing& listing, QList<T> items,
                          const QString& entitySet, const QString& keysetNextLink = {})
{
    const bool more = items.size() > listing.pageSize;
    if (more) {
        items.resize(listing.pageSize);
    }
    json out = json::object();
    out["@odata.context"] = contextUrl(request, entitySet).toStdString();
    if (listing.total && *listing.total >= 0) {
        out["@odata.count"] = *listing.total;
    }
    json values = json::array();
    for (const T& item : items) {
        json entity = GraphCodec::toJson(item);
        applySelect(entity, listing.odata.select);
        values.push_back(std::move(entity));
    }
    out["value"] = std::move(values);
    if (more) {
        out["@odata.nextLink"] = (keysetNextLink.isEmpty() ? nextLink(request, baseUrl, QStringLiteral("$skip"),
                                                                       QString::number(listing.query.skip + listing.pageSize))
                                                            : keysetNextLink)
                                     .toStdString();
    }
    return jsonResponse(200, out);
}

template <typename T>
HttpResponse entityResponse(const HttpRequest& request, int status, const T& value, const QString& entitySet)
{
    if constexpr (std::is_same_v<T, ScheduleRequest>) {
        // Every activation answers with one: written straight, not through a JSON tree (the
        // tree and its dump were a sixth of an activation's instructions).
        if (std::optional<QByteArray> body
            = GraphCodec::encodeScheduleRequest(value, contextUrl(request, entitySet) + QStringLiteral("/$entity"))) {
            HttpResponse r;
            r.status = status;
            r.body = std::move(*body);
            return r;
        }
    }
    json entity = GraphCodec::toJson(value);
    entity["@odata.context"] = QString(contextUrl(request, entitySet) + QStringLiteral("/$entity")).toStdString();
    return jsonResponse(status, entity);
}

// ---- field maps (OData field -> column of the engine's tables) -------------------------------

ODataSqlCompiler eligibilityCompiler(PimKind kind)
{
    ODataFieldMap m;
    m.addField(QStringLiteral("id"), QStringLiteral("id"), FieldType::String)
        .addField(QStringLiteral("principalId"), QStringLiteral("principal_id"), FieldType::String)
        .addField(QStringLiteral("startDateTime"), QStringLiteral("start_at"), FieldType::DateTime)
        .addField(QStringLiteral("endDateTime"), QStringLiteral("end_at"), FieldType::DateTime)
        .addField(QStringLiteral("memberType"), QStringLiteral("member_type"), FieldType::EnumString);
    if (kind == PimKind::Group) {
        m.addField(QStringLiteral("groupId"), QStringLiteral("target_id"), FieldType::String)
            .addField(QStringLiteral("accessId"), QStringLiteral("scope_id"), FieldType::EnumString)
            .addSelectable(QStringLiteral("eligibilityScheduleId"))
            .addSelectable(QStringLiteral("group"))
            .addSelectable(QStringLiteral("principal"));
    } else {
        m.addField(QStringLiteral("roleDefinitionId"), QStringLiteral("target_id"), FieldType::String)
            .addField(QStringLiteral("directoryScopeId"), QStringLiteral("scope_id"), FieldType::String)
            .addSelectable(QStringLiteral("appScopeId"))
            .addSelectable(QStringLiteral("roleEligibilityScheduleId"))
            .addSelectable(QStringLiteral("roleDefinition"))
            .addSelectable(QStringLiteral("principal"));
    }
    return ODataSqlCompiler(m);
}

ODataSqlCompiler assignmentCompiler(PimKind kind)
{
    ODataFieldMap m;
    m.addField(QStringLiteral("id"), QStringLiteral("id"), FieldType::String)
        .addField(QStringLiteral("principalId"), QStringLiteral("principal_id"), FieldType::String)
        .addField(QStringLiteral("startDateTime"), QStringLiteral("start_at"), FieldType::DateTime)
        .addField(QStringLiteral("endDateTime"), QStringLiteral("end_at"), FieldType::DateTime)
        .addField(QStringLiteral("memberType"), QStringLiteral("member_type"), FieldType::EnumString)
        .addField(QStringLiteral("assignmentType"), QStringLiteral("assignment_type"), FieldType::EnumString)
        .addSelectable(QStringLiteral("activatedUsing"))
        .addSelectable(QStringLiteral("principal"));
    if (kind == PimKind::Group) {
        m.addField(QStringLiteral("groupId"), QStringLiteral("target_id"), FieldType::String)
            .addField(QStringLiteral("accessId"), QStringLiteral("scope_id"), FieldType::EnumString)
            .addSelectable(QStringLiteral("assignmentScheduleId"))
            .addSelectable(QStringLiteral("group"));
    } else {
        m.addField(QStringLiteral("roleDefinitionId"), QStringLiteral("target_id"), FieldType::String)
            .addField(QStringLiteral("directoryScopeId"), QStringLiteral("scope_id"), FieldType::String)
            .addSelectable(QStringLiteral("appScopeId"))
            .addSelectable(QStringLiteral("roleAssignmentOriginId"))
            .addSelectable(QStringLiteral("roleAssignmentScheduleId"))
            .addSelectable(QStringLiteral("roleDefinition"));
    }
    return ODataSqlCompiler(m);
}

ODataSqlCompiler requestCompiler(PimKind kind)
{
    ODataFieldMap m;
    m.addField(QStringLiteral("id"), QStringLiteral("id"), FieldType::String)
        .addField(QStringLiteral("status"), QStringLiteral("status"), FieldType::EnumString)
        .addField(QStringLiteral("action"), QStringLiteral("action"), FieldType::EnumString)
        .addField(QStringLiteral("principalId"), QStringLiteral("principal_id"), FieldType::String)
        .addField(QStringLiteral("createdDateTime"), QStringLiteral("created_at"), FieldType::DateTime)
        .addField(QStringLiteral("completedDateTime"), QStringLiteral("completed_at"), FieldType::DateTime)
        .addField(QStringLiteral("targetScheduleId"), QStringLiteral("target_schedule_id"), FieldType::String)
        .addField(QStringLiteral("approvalId"), QStringLiteral("approval_id"), FieldType::String)
        .addField(QStringLiteral("createdBy/user/id"), QStringLiteral("created_by"), FieldType::String);
    for (const char* p : {"justification", "ticketInfo", "scheduleInfo", "isValidationOnly", "customData", "principal"}) {
        m.addSelectable(QString::fromLatin1(p));
    }
    if (kind == PimKind::Group) {
        m.addField(QStringLiteral("groupId"), QStringLiteral("target_id"), FieldType::String)
            .addField(QStringLiteral("accessId"), QStringLiteral("scope_id"), FieldType::EnumString)
            .addSelectable(QStringLiteral("group"));
    } else {
        m.addField(QStringLiteral("roleDefinitionId"), QStringLiteral("target_id"), FieldType::String)
            .addField(QStringLiteral("directoryScopeId"), QStringLiteral("scope_id"), FieldType::String)
            .addSelectable(QStringLiteral("appScopeId"))
            .addSelectable(QStringLiteral("roleDefinition"));
    }
    return ODataSqlCompiler(m);
}

ODataSqlCompiler roleDefinitionCompiler()
{
    ODataFieldMap m;
    m.addField(QStringLiteral("id"), QStringLiteral("id"), FieldType::String)
        .addField(QStringLiteral("displayName"), QStringLiteral("display_name"), FieldType::String)
        .addField(QStringLiteral("isBuiltIn"), QStringLiteral("is_built_in"), FieldType::Bool)
        .addField(QStringLiteral("templateId"), QStringLiteral("template_id"), FieldType::String);
    for (const char* p : {"description", "isEnabled", "version", "resourceScopes", "rolePermissions"}) {
        m.addSelectable(QString::fromLatin1(p));
    }
    return ODataSqlCompiler(m);
}

ODataSqlCompiler auditCompiler()
{
    ODataFieldMap target;
    target.addField(QStringLiteral("id"), QStringLiteral("json_extract(tr.value, '$.id')"), FieldType::String)
        .addField(QStringLiteral("displayName"), QStringLiteral("json_extract(tr.value, '$.displayName')"), FieldType::String)
        .addField(QStringLiteral("type"), QStringLiteral("json_extract(tr.value, '$.type')"), FieldType::String);
    ODataFieldMap m;
    const FilterOperators eqStartsWith = FilterOperator::Eq | FilterOperator::StartsWith;
    m.addField(QStringLiteral("id"), QStringLiteral("id"), FieldType::String)
        .addField(QStringLiteral("activityDateTime"), QStringLiteral("activity_at"), FieldType::DateTime)
        .addField(QStringLiteral("activityDisplayName"), QStringLiteral("activity"), FieldType::String, eqStartsWith)
        .addField(QStringLiteral("category"), QStringLiteral("category"), FieldType::String)
        .addField(QStringLiteral("correlationId"), QStringLiteral("correlation_id"), FieldType::String)
        .addField(QStringLiteral("loggedByService"), QStringLiteral("service"), FieldType::String)
        .addField(QStringLiteral("operationType"), QStringLiteral("operation_type"), FieldType::String)
        .addField(QStringLiteral("result"), QStringLiteral("result"), FieldType::EnumString)
        .addField(QStringLiteral("initiatedBy/user/id"), QStringLiteral("initiator_id"), FieldType::String)
        .addField(QStringLiteral("initiatedBy/user/displayName"), QStringLiteral("initiator_name"), FieldType::String,
                  eqStartsWith)
        .addField(QStringLiteral("initiatedBy/app/appId"), QStringLiteral("initiator_id"), FieldType::String)
        .addCollection(QStringLiteral("targetResources"),
                       QStringLiteral("EXISTS (SELECT 1 FROM json_each(audit_events.body, '$.targetResources') AS tr "
                                      "WHERE %1)"),
                       target);
    for (const char* p : {"resultReason", "additionalDetails"}) {
        m.addSelectable(QString::fromLatin1(p));
    }
    return ODataSqlCompiler(m);
}

ODataSqlCompiler decisionCompiler()
{
    ODataFieldMap m;
    m.addField(QStringLiteral("id"), QStringLiteral("d.id"), FieldType::String)
        .addField(QStringLiteral("decision"), QStringLiteral("d.decision"), FieldType::EnumString)
        .addField(QStringLiteral("recommendation"), QStringLiteral("d.recommendation"), FieldType::EnumString)
        .addField(QStringLiteral("principal/id"), QStringLiteral("d.principal_id"), FieldType::String)
        .addField(QStringLiteral("principal/displayName"), QStringLiteral("u.display_name"), FieldType::String)
        .addField(QStringLiteral("resource/id"), QStringLiteral("d.target_id"), FieldType::String)
        .addField(QStringLiteral("reviewedBy/id"), QStringLiteral("d.reviewed_by"), FieldType::String)
        .addField(QStringLiteral("reviewedDateTime"), QStringLiteral("d.reviewed_at"), FieldType::DateTime);
    for (const char* p : {"accessReviewId", "justification", "principalLink", "resourceLink", "target", "appliedBy",
                          "appliedDateTime", "applyResult"}) {
        m.addSelectable(QString::fromLatin1(p));
    }
    return ODataSqlCompiler(m);
}

// `field eq 'value'` conjuncts of a filter (for the policy routes, whose filter is a key).
void collectEquals(const FilterNode& node, QHash<QString, QString>& out, bool& other)
{
    if (node.kind == FilterNode::Kind::And) {
        for (const FilterNode& child : node.children) {
            collectEquals(child, out, other);
        }
    } else if (node.kind == FilterNode::Kind::Predicate && node.op == FilterOperator::Eq && node.values.size() == 1
               && node.values.first().type == FilterLiteral::Type::String && node.variable.isEmpty()) {
        out.insert(node.path.join(u'/'), node.values.first().stringValue);
    } else {
        other = true;
    }
}

} // namespace

GraphApi::GraphApi(Engine& engine, Authenticator authenticate)
    : m_engine(engine)
    , m_authenticate(std::move(authenticate))
{
}

void GraphApi::registerRoutes(Router& router)
{
    // Wraps a handler that needs the caller: 401 with the Graph body and a challenge otherwise.
    using Handler = std::function<HttpResponse(const HttpRequest&, const RouteMatch&, const Caller&)>;
    auto authed = [this](Handler handler) -> RouteHandler {
        return [this, handler](const HttpRequest& request, const RouteMatch& match) {
            const std::optional<Caller> caller = m_authenticate(request);
            if (!caller) {
                HttpResponse r = GraphErrors::response(request, 401, GraphErrors::Codes::Unauthorized,
                                                       QStringLiteral("Access token is missing, invalid or expired."));
                r.setHeader(QByteArrayLiteral("WWW-Authenticate"),
                            QByteArrayLiteral("Bearer realm=\"elevated\", error=\"invalid_token\""));
                return r;
            }
            return handler(request, match, *caller);
        };
    };
    // Changes honour Idempotency-Key (see setIdempotencyKeys).
    auto once = [this](Handler handler) -> Handler {
        return [this, handler](const HttpRequest& request, const RouteMatch& match, const Caller& caller) {
            const QByteArray keyHeader = request.header("idempotency-key");
            if (!m_keys || keyHeader.isNull()) {
                return handler(request, match, caller);
            }
            const QString key = QString::fromLatin1(keyHeader.trimmed());
            if (!IdempotencyKeys::isValidKey(key)) {
                return GraphErrors::badRequest(request, QStringLiteral("Idempotency-Key must be 1 to %1 visible ASCII "
                                                                       "characters.").arg(IdempotencyKeys::MaxKeyLength));
            }
            QCryptographicHash fingerprint(QCryptographicHash::Sha256);
            fingerprint.addData(request.method);
            fingerprint.addData(QByteArrayView("\n"));
            fingerprint.addData(request.path.toUtf8());
            fingerprint.addData(QByteArrayView("\n"));
            fingerprint.addData(request.body);
            HttpResponse fresh;
            const IdempotencyKeys::Result result = m_keys->run(caller.userId, key, fingerprint.result(), [&] {
                fresh = handler(request, match, caller);
                return IdempotencyKeys::Answer{fresh.status, fresh.contentType, fresh.body};
            });
            switch (result.outcome) {
            case IdempotencyKeys::Outcome::Fresh:
                return fresh;
            case IdempotencyKeys::Outcome::Replayed: {
                HttpResponse replay;
                replay.status = result.answer.status;
                replay.contentType = result.answer.contentType;
                replay.body = result.answer.body;
                replay.setHeader(QByteArrayLiteral("Idempotency-Replayed"), QByteArrayLiteral("true"));
                return replay;
            }
            case IdempotencyKeys::Outcome::KeyReused:
                return GraphErrors::response(request, 422, u"IdempotencyKeyReused",
                                             QStringLiteral("This Idempotency-Key was already used for a different request."));
            case IdempotencyKeys::Outcome::StoreFailed:
                break;
            }
            return GraphErrors::internalError(request);
        };
    };
    auto get = [&](const QString& pattern, Handler h) { router.addRoute(QByteArrayLiteral("GET"), pattern, authed(std::move(h))); };
    auto post = [&](const QString& pattern, Handler h) {
        router.addRoute(QByteArrayLiteral("POST"), pattern, authed(once(std::move(h))));
    };
    auto patch = [&](const QString& pattern, Handler h) {
        router.addRoute(QByteArrayLiteral("PATCH"), pattern, authed(once(std::move(h))));
    };

    // ---- who am I ------------------------------------------------------------------------
    get(V + QStringLiteral("/me"), [this](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
        Identity me = m_engine.user(caller.userId).value_or(Identity{caller.userId, caller.displayName, caller.userPrincipalName, {}});
        json body = GraphCodec::toJson(me);
        body["@odata.context"] = contextUrl(request, QStringLiteral("users/$entity")).toStdString();
        body["@odata.type"] = "#microsoft.graph.user";
        body["mail"] = me.userPrincipalName.toStdString();
        return jsonResponse(200, body);
    });

    // ---- role definitions ----------------------------------------------------------------
    get(RoleBase + QStringLiteral("/roleDefinitions"), [this](const HttpRequest& request, const RouteMatch&, const Caller&) {
        static const ODataSqlCompiler compiler = roleDefinitionCompiler();
        auto l = makeListing(request, compiler, {}, QStringLiteral("id"));
        if (auto* error = std::get_if<HttpResponse>(&l)) {
            return *error;
        }
        const Listing& listing = std::get<Listing>(l);
        return pageResponse(request, m_baseUrl, listing, m_engine.roleDefinitions(listing.query),
                            QStringLiteral("roleManagement/directory/roleDefinitions"));
    });
    get(RoleBase + QStringLiteral("/roleDefinitions/{id}"), [this](const HttpRequest& request, const RouteMatch& m, const Caller&) {
        const auto role = m_engine.roleDefinition(m.param(QStringLiteral("id")));
        if (!role) {
            return GraphErrors::notFound(request, QStringLiteral("No role definition with that id."));
        }
        return entityResponse(request, 200, *role, QStringLiteral("roleManagement/directory/roleDefinitions"));
    });

    // ---- eligibilities and assignments (roles and groups) -----------------------------------
    struct Family
    {
        PimKind kind;
        QString base;
        QString eligibilitySet;
        QString assignmentSet;
        QString requestSet;
        QString approvalSet;
    };
    const QList<Family> families{
        {PimKind::DirectoryRole, RoleBase, QStringLiteral("roleEligibilityScheduleInstances"),
         QStringLiteral("roleAssignmentScheduleInstances"), QStringLiteral("roleAssignmentScheduleRequests"),
         QStringLiteral("roleAssignmentApprovals")},
        {PimKind::Group, GroupBase, QStringLiteral("eligibilityScheduleInstances"), QStringLiteral("assignmentScheduleInstances"),
         QStringLiteral("assignmentScheduleRequests"), QStringLiteral("assignmentApprovals")},
    };
    for (const Family& f : families) {
        const PimKind kind = f.kind;
        const QStringList expandable = kind == PimKind::Group ? QStringList{QStringLiteral("group"), QStringLiteral("principal")}
                                                             : QStringList{QStringLiteral("roleDefinition"), QStringLiteral("principal")};
        const QString eligibilityContext = (kind == PimKind::Group ? QStringLiteral("identityGovernance/privilegedAccess/group/")
                                                                   : QStringLiteral("roleManagement/directory/"))
                                         + f.eligibilitySet;
        const QString assignmentContext = (kind == PimKind::Group ? QStringLiteral("identityGovernance/privilegedAccess/group/")
                                                                  : QStringLiteral("roleManagement/directory/"))
                                        + f.assignmentSet;
        const QString requestContext = (kind == PimKind::Group ? QStringLiteral("identityGovernance/privilegedAccess/group/")
                                                               : QStringLiteral("roleManagement/directory/"))
                                     + f.requestSet;

        auto listEligibilities = [this, kind, expandable, eligibilityContext](const HttpRequest& request, const QString& principal,
                                                                             const Caller& caller) {
            static const ODataSqlCompiler roles = eligibilityCompiler(PimKind::DirectoryRole);
            static const ODataSqlCompiler groups = eligibilityCompiler(PimKind::Group);
            auto l = makeListing(request, kind == PimKind::Group ? groups : roles, expandable, QStringLiteral("id"));
            if (auto* error = std::get_if<HttpResponse>(&l)) {
                return *error;
            }
            const Listing& listing = std::get<Listing>(l);
            const auto items = m_engine.eligibilities(caller, kind, principal, listing.query, listing.expand);
            if (!items) {
                return engineError(request, items.error());
            }
            return pageResponse(request, m_baseUrl, listing, *items, eligibilityContext);
        };
        get(f.base + u'/' + f.eligibilitySet + QStringLiteral("/filterByCurrentUser(on={on})"),
            [listEligibilities](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                if (m.param(QStringLiteral("on")) != u"principal") {
                    return GraphErrors::badRequest(request, QStringLiteral("on must be 'principal'."));
                }
                return listEligibilities(request, caller.userId, caller);
            });
        get(f.base + QStringLiteral("/roleEligibilitySchedules/filterByCurrentUser(on={on})"),
            [listEligibilities, kind](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                if (kind == PimKind::Group || m.param(QStringLiteral("on")) != u"principal") {
                    return GraphErrors::badRequest(request, QStringLiteral("on must be 'principal'."));
                }
                return listEligibilities(request, caller.userId, caller);
            });
        get(f.base + u'/' + f.eligibilitySet, [listEligibilities, kind](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
            if (kind == PimKind::Group && !request.query.hasQueryItem(QStringLiteral("$filter"))) {
                return GraphErrors::badRequest(request, QStringLiteral("A $filter on groupId or principalId is required."));
            }
            return listEligibilities(request, QString(), caller);
        });
        get(f.base + u'/' + f.eligibilitySet + QStringLiteral("/{id}"),
            [this, kind, eligibilityContext](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                ListQuery q;
                q.where = QStringLiteral("id = ?");
                q.bindings = {m.param(QStringLiteral("id"))};
                const bool everyone = caller.isAdmin || caller.isAuditor;
                const auto items = m_engine.eligibilities(caller, kind, everyone ? QString() : caller.userId, q, Expand{true, true, true});
                if (!items) {
                    return engineError(request, items.error());
                }
                if (items->isEmpty()) {
                    return GraphErrors::notFound(request, QStringLiteral("No such eligibility."));
                }
                return entityResponse(request, 200, items->first(), eligibilityContext);
            });

        auto listAssignments = [this, kind, expandable, assignmentContext](const HttpRequest& request, const QString& principal,
                                                                           const Caller& caller) {
            static const ODataSqlCompiler roles = assignmentCompiler(PimKind::DirectoryRole);
            static const ODataSqlCompiler groups = assignmentCompiler(PimKind::Group);
            QStringList expand = expandable;
            expand << QStringLiteral("activatedUsing");
            auto l = makeListing(request, kind == PimKind::Group ? groups : roles, expand, QStringLiteral("id"));
            if (auto* error = std::get_if<HttpResponse>(&l)) {
                return *error;
            }
            const Listing& listing = std::get<Listing>(l);
            const auto items = m_engine.assignments(caller, kind, principal, listing.query, listing.expand);
            if (!items) {
                return engineError(request, items.error());
            }
            return pageResponse(request, m_baseUrl, listing, *items, assignmentContext);
        };
        get(f.base + u'/' + f.assignmentSet + QStringLiteral("/filterByCurrentUser(on={on})"),
            [listAssignments](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                if (m.param(QStringLiteral("on")) != u"principal") {
                    return GraphErrors::badRequest(request, QStringLiteral("on must be 'principal'."));
                }
                return listAssignments(request, caller.userId, caller);
            });
        get(f.base + u'/' + f.assignmentSet, [listAssignments, kind](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
            if (kind == PimKind::Group && !request.query.hasQueryItem(QStringLiteral("$filter"))) {
                return GraphErrors::badRequest(request, QStringLiteral("A $filter on groupId or principalId is required."));
            }
            return listAssignments(request, QString(), caller);
        });

        // ---- requests ----------------------------------------------------------------------
        post(f.base + u'/' + f.requestSet, [this, kind, requestContext](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
            Result<ScheduleRequest> body = GraphCodec::decode<ScheduleRequest>(request.body);
            if (!body) {
                return codecError(request, body.error());
            }
            if (body->kind != kind) {
                return GraphErrors::badRequest(request, kind == PimKind::Group ? QStringLiteral("groupId and accessId are required.")
                                                                               : QStringLiteral("This endpoint takes directory roles."));
            }
            const auto created = m_engine.submit(caller, *body);
            if (!created) {
                return engineError(request, created.error());
            }
            return entityResponse(request, created->id.isEmpty() ? 200 : 201, *created, requestContext);
        });
        auto listRequests = [this, kind, expandable, requestContext](const HttpRequest& request, Engine::RequestView view,
                                                                      const Caller& caller) {
            static const ODataSqlCompiler roles = requestCompiler(PimKind::DirectoryRole);
            static const ODataSqlCompiler groups = requestCompiler(PimKind::Group);
            auto l = makeListing(request, kind == PimKind::Group ? groups : roles, expandable, QStringLiteral("id"));
            if (auto* error = std::get_if<HttpResponse>(&l)) {
                return *error;
            }
            const Listing& listing = std::get<Listing>(l);
            const auto items = m_engine.requests(caller, kind, view, listing.query, listing.expand);
            if (!items) {
                return engineError(request, items.error());
            }
            return pageResponse(request, m_baseUrl, listing, *items, requestContext);
        };
        get(f.base + u'/' + f.requestSet + QStringLiteral("/filterByCurrentUser(on={on})"),
            [listRequests](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                const QString on = m.param(QStringLiteral("on"));
                if (on == u"principal" || on == u"createdBy") {
                    return listRequests(request, Engine::RequestView::Principal, caller);
                }
                if (on == u"approver") {
                    return listRequests(request, Engine::RequestView::Approver, caller);
                }
                return GraphErrors::badRequest(request, QStringLiteral("on must be 'principal' or 'approver'."));
            });
        get(f.base + u'/' + f.requestSet, [listRequests](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
            return listRequests(request, Engine::RequestView::All, caller);
        });
        get(f.base + u'/' + f.requestSet + QStringLiteral("/{id}"),
            [this, kind, requestContext](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                const auto r = m_engine.request(caller, kind, m.param(QStringLiteral("id")), Expand{true, true, true});
                if (!r) {
                    return engineError(request, r.error());
                }
                return entityResponse(request, 200, *r, requestContext);
            });
        post(f.base + u'/' + f.requestSet + QStringLiteral("/{id}/cancel"),
             [this, kind](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                 const auto done = m_engine.cancel(caller, kind, m.param(QStringLiteral("id")));
                 return done ? noContent() : engineError(request, done.error());
             });

        // ---- approvals (beta steps for roles, v1.0 stages for groups; elevated serves both) ---
        const QString approvalBase = f.base + u'/' + f.approvalSet;
        auto dialectOf = [kind](const HttpRequest& request) {
            return kind == PimKind::DirectoryRole || request.path.startsWith(u"/beta/") ? Approval::Dialect::BetaSteps
                                                                                        : Approval::Dialect::V1Stages;
        };
        get(approvalBase + QStringLiteral("/{id}"), [this, kind, dialectOf, approvalBase](const HttpRequest& request, const RouteMatch& m,
                                                                                        const Caller& caller) {
            const auto a = m_engine.approval(caller, kind, m.param(QStringLiteral("id")), dialectOf(request));
            if (!a) {
                return engineError(request, a.error());
            }
            return entityResponse(request, 200, *a, QStringLiteral("approvals"));
        });
        auto stepsOf = [this, kind, dialectOf](const HttpRequest& request, const RouteMatch& m, const Caller& caller,
                                               const QString& stepId) {
            const auto a = m_engine.approval(caller, kind, m.param(QStringLiteral("id")), dialectOf(request));
            if (!a) {
                return engineError(request, a.error());
            }
            json steps = json::array();
            for (const ApprovalStep& s : a->steps) {
                if (stepId.isEmpty()) {
                    steps.push_back(GraphCodec::toJson(s, a->dialect));
                } else if (s.id == stepId) {
                    return jsonResponse(200, GraphCodec::toJson(s, a->dialect));
                }
            }
            if (!stepId.isEmpty()) {
                return GraphErrors::notFound(request, QStringLiteral("No such approval step."));
            }
            return jsonResponse(200, json{{"value", steps}});
        };
        for (const QString& stepsName : {QStringLiteral("steps"), QStringLiteral("stages")}) {
            get(approvalBase + QStringLiteral("/{id}/") + stepsName, [stepsOf](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                return stepsOf(request, m, caller, QString());
            });
            get(approvalBase + QStringLiteral("/{id}/") + stepsName + QStringLiteral("/{stepId}"),
                [stepsOf](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                    return stepsOf(request, m, caller, m.param(QStringLiteral("stepId")));
                });
            patch(approvalBase + QStringLiteral("/{id}/") + stepsName + QStringLiteral("/{stepId}"),
                  [this, kind](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
                      Result<ApprovalDecision> body = GraphCodec::decode<ApprovalDecision>(request.body);
                      if (!body) {
                          return codecError(request, body.error());
                      }
                      const auto done = m_engine.decide(caller, kind, m.param(QStringLiteral("id")),
                                                        m.param(QStringLiteral("stepId")), *body);
                      return done ? noContent() : engineError(request, done.error());
                  });
        }
    }

    // ---- policies ------------------------------------------------------------------------
    get(V + QStringLiteral("/policies/roleManagementPolicyAssignments"), [this](const HttpRequest& request, const RouteMatch&, const Caller&) {
        ODataResult<ODataQuery> parsed = ODataQuery::fromQuery(request.query);
        if (!parsed) {
            return odataError(request, parsed.error());
        }
        QHash<QString, QString> keys;
        bool other = false;
        if (parsed.value().filter) {
            collectEquals(*parsed.value().filter, keys, other);
        }
        const QString scopeId = keys.value(QStringLiteral("scopeId"));
        const QString scopeType = keys.value(QStringLiteral("scopeType"));
        if (other || scopeId.isEmpty() || scopeType.isEmpty()) {
            return GraphErrors::badRequest(request, QStringLiteral("Filter by scopeId and scopeType (and optionally roleDefinitionId) "
                                                                   "with eq, joined by and."));
        }
        const PimKind kind = scopeType.compare(u"Group", Qt::CaseInsensitive) == 0 ? PimKind::Group : PimKind::DirectoryRole;
        const QList<RolePolicyAssignment> items =
            m_engine.policyAssignments(kind, scopeId, keys.value(QStringLiteral("roleDefinitionId")));
        bool expandPolicy = false;
        for (const ExpandItem& e : parsed.value().expand) {
            expandPolicy = expandPolicy || e.property == u"policy";
        }
        json values = json::array();
        for (RolePolicyAssignment a : items) {
            if (!expandPolicy) {
                a.policy.reset();
            }
            values.push_back(GraphCodec::toJson(a));
        }
        return jsonResponse(200, json{{"@odata.context", contextUrl(request, QStringLiteral("policies/roleManagementPolicyAssignments")).toStdString()},
                                      {"value", values}});
    });

    // ---- access reviews ------------------------------------------------------------------
    auto definitionsList = [this](const HttpRequest& request, const Caller& caller, bool mine) {
        const auto items = m_engine.reviewDefinitions(caller, mine);
        if (!items) {
            return engineError(request, items.error());
        }
        json values = json::array();
        for (const AccessReviewDefinition& d : *items) {
            values.push_back(GraphCodec::toJson(d));
        }
        return jsonResponse(200, json{{"@odata.context", contextUrl(request, QStringLiteral("accessReviewScheduleDefinition")).toStdString()},
                                      {"value", values}});
    };
    get(ReviewBase, [definitionsList](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
        return definitionsList(request, caller, false);
    });
    get(ReviewBase + QStringLiteral("/filterByCurrentUser(on={on})"),
        [definitionsList](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
            if (m.param(QStringLiteral("on")) != u"reviewer") {
                return GraphErrors::badRequest(request, QStringLiteral("on must be 'reviewer'."));
            }
            return definitionsList(request, caller, true);
        });
    get(ReviewBase + QStringLiteral("/{d}"), [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
        const auto d = m_engine.reviewDefinition(caller, m.param(QStringLiteral("d")));
        return d ? entityResponse(request, 200, *d, QStringLiteral("accessReviewScheduleDefinition")) : engineError(request, d.error());
    });
    auto instancesList = [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller, bool mine) {
        const auto items = m_engine.reviewInstances(caller, m.param(QStringLiteral("d")), mine);
        if (!items) {
            return engineError(request, items.error());
        }
        json values = json::array();
        for (const AccessReviewInstance& i : *items) {
            values.push_back(GraphCodec::toJson(i));
        }
        return jsonResponse(200, json{{"value", values}});
    };
    get(ReviewBase + QStringLiteral("/{d}/instances"), [instancesList](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
        return instancesList(request, m, caller, false);
    });
    get(ReviewBase + QStringLiteral("/{d}/instances/filterByCurrentUser(on={on})"),
        [instancesList](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
            if (m.param(QStringLiteral("on")) != u"reviewer") {
                return GraphErrors::badRequest(request, QStringLiteral("on must be 'reviewer'."));
            }
            return instancesList(request, m, caller, true);
        });
    get(ReviewBase + QStringLiteral("/{d}/instances/{i}"), [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
        const auto items = m_engine.reviewInstances(caller, m.param(QStringLiteral("d")), false);
        if (!items) {
            return engineError(request, items.error());
        }
        for (const AccessReviewInstance& i : *items) {
            if (i.id == m.param(QStringLiteral("i"))) {
                return entityResponse(request, 200, i, QStringLiteral("accessReviewInstance"));
            }
        }
        return GraphErrors::notFound(request, QStringLiteral("No such review instance."));
    });
    auto decisionsList = [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
        static const ODataSqlCompiler compiler = decisionCompiler();
        auto l = makeListing(request, compiler, {}, QStringLiteral("d.id"));
        if (auto* error = std::get_if<HttpResponse>(&l)) {
            return *error;
        }
        const Listing& listing = std::get<Listing>(l);
        const auto items = m_engine.reviewDecisions(caller, m.param(QStringLiteral("d")), m.param(QStringLiteral("i")), listing.query);
        if (!items) {
            return engineError(request, items.error());
        }
        return pageResponse(request, m_baseUrl, listing, *items, QStringLiteral("accessReviewInstanceDecisionItem"));
    };
    get(ReviewBase + QStringLiteral("/{d}/instances/{i}/decisions"), decisionsList);
    get(ReviewBase + QStringLiteral("/{d}/instances/{i}/decisions/filterByCurrentUser(on={on})"),
        [decisionsList](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
            if (m.param(QStringLiteral("on")) != u"reviewer") {
                return GraphErrors::badRequest(request, QStringLiteral("on must be 'reviewer'."));
            }
            return decisionsList(request, m, caller);
        });
    patch(ReviewBase + QStringLiteral("/{d}/instances/{i}/decisions/{x}"),
          [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
              Result<ReviewDecisionUpdate> body = GraphCodec::decode<ReviewDecisionUpdate>(request.body);
              if (!body) {
                  return codecError(request, body.error());
              }
              const auto done = m_engine.recordDecision(caller, m.param(QStringLiteral("d")), m.param(QStringLiteral("i")),
                                                        m.param(QStringLiteral("x")), *body);
              return done ? noContent() : engineError(request, done.error());
          });
    post(ReviewBase + QStringLiteral("/{d}/instances/{i}/batchRecordDecisions"),
         [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
             Result<BatchRecordDecisions> body = GraphCodec::decode<BatchRecordDecisions>(request.body);
             if (!body) {
                 return codecError(request, body.error());
             }
             const auto done = m_engine.batchRecordDecisions(caller, m.param(QStringLiteral("d")), m.param(QStringLiteral("i")), *body);
             return done ? noContent() : engineError(request, done.error());
         });
    post(ReviewBase + QStringLiteral("/{d}/instances/{i}/acceptRecommendations"),
         [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
             const auto done = m_engine.acceptRecommendations(caller, m.param(QStringLiteral("d")), m.param(QStringLiteral("i")));
             return done ? noContent() : engineError(request, done.error());
         });
    post(ReviewBase + QStringLiteral("/{d}/instances/{i}/stop"), [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
        const auto done = m_engine.stopReview(caller, m.param(QStringLiteral("d")), m.param(QStringLiteral("i")));
        return done ? noContent() : engineError(request, done.error());
    });

    // ---- audit ---------------------------------------------------------------------------
    get(V + QStringLiteral("/auditLogs/directoryAudits"), [this](const HttpRequest& request, const RouteMatch&, const Caller& caller) {
        static const ODataSqlCompiler compiler = auditCompiler();
        auto l = makeListing(request, compiler, {}, QStringLiteral("seq DESC"));
        if (auto* error = std::get_if<HttpResponse>(&l)) {
            return *error;
        }
        Listing listing = std::get<Listing>(l);
        // `$orderby=activityDateTime desc` (the console's sync says it, as a Graph client must to
        // rely on an order) compiles to the default order, (activity_at, seq) newest first: it
        // is served like no $orderby, by keyset and from the time index.
        const QList<OrderByItem>& order = listing.odata.orderBy;
        if (order.size() == 1 && order.front().descending
            && order.front().path.compare(u"activityDateTime", Qt::CaseInsensitive) == 0) {
            listing.query.orderBy.clear();
        }
        // Besides the keyset below, its where holds at most a time filter.
        listing.query.timeOnly = !listing.odata.filter || comparesTimeOnly(*listing.odata.filter);
        // Keyset paging: the cursor names the last row served, so rows that arrive meanwhile
        // neither shift nor repeat the pages (OFFSET would).
        const bool custom = !listing.query.orderBy.isEmpty();
        if (!custom && !listing.odata.skipToken.isEmpty()) {
            const QStringList parts = listing.odata.skipToken.split(u'~');
            bool okSeq = false;
            const qint64 seq = parts.size() == 2 ? parts.at(1).toLongLong(&okSeq) : 0;
            if (!okSeq) {
                return GraphErrors::badRequest(request, QStringLiteral("Invalid $skiptoken."));
            }
            // A row value, so SQLite seeks the (activity_at, seq) index instead of scanning it.
            const QString keyset = QStringLiteral("(activity_at, seq) < (?, ?)");
            listing.query.where = listing.query.where.isEmpty() ? keyset : QStringLiteral("(") + listing.query.where + QStringLiteral(") AND ") + keyset;
            listing.query.bindings << parts.at(0) << seq;
            listing.query.skip = 0;
        }
        QList<std::pair<QString, qint64>> keys;
        // The link after the page: the last row's (time, sequence) as $skiptoken, or $skip when
        // a custom $orderby rules keyset paging out.
        auto linkAfterPage = [&](const std::pair<QString, qint64>& last) -> QString {
            if (custom) {
                return nextLink(request, m_baseUrl, QStringLiteral("$skip"), QString::number(listing.query.skip + listing.pageSize));
            }
            return nextLink(request, m_baseUrl, QStringLiteral("$skiptoken"), last.first + u'~' + QString::number(last.second));
        };
        if (!listing.odata.select.isEmpty()) {
            // Projection needs the parsed events.
            const auto items = m_engine.auditEvents(caller, listing.query, &keys);
            if (!items) {
                return engineError(request, items.error());
            }
            return pageResponse(request, m_baseUrl, listing, *items, QStringLiteral("auditLogs/directoryAudits"),
                                items->size() > listing.pageSize ? linkAfterPage(keys.at(listing.pageSize - 1)) : QString());
        }
        // The stored bodies are the Graph JSON that was hashed into the chain: served as they
        // are, with no decoding and re-encoding per event, copied once from the statement into
        // the answer. The page's head (whether it has a nextLink is known only after its rows)
        // is prepended into room left at the start: a QByteArray whose first bytes were removed
        // grows back into them without moving the rest (Qt 6's constant-time prepend). The HTTP
        // head goes into the same room after it (HttpServer writes the head in front of the body).
        constexpr qsizetype HeadRoom = 4096;
        QByteArray out;
        out.reserve(HeadRoom + qsizetype(listing.pageSize) * 1024);
        out.append(HeadRoom, ' ');
        out += QByteArrayLiteral(",\"value\":[");
        qsizetype count = 0;
        std::pair<QString, qint64> last; // the paging key of the page's last row
        const auto done = m_engine.auditBodies(caller, listing.query,
                                               [&](QByteArrayView body, QByteArrayView time, qint64 seq) {
            if (count < listing.pageSize) {
                if (count > 0) {
                    out += ',';
                }
                out += body;
                if (count == listing.pageSize - 1) {
                    last = {QString::fromUtf8(time), seq};
                }
            }
            ++count;
        });
        if (!done) {
            return engineError(request, done.error());
        }
        out += QByteArrayLiteral("]}");
        QByteArray head = QByteArrayLiteral("{\"@odata.context\":")
                        + GraphCodec::serialize(json(contextUrl(request, QStringLiteral("auditLogs/directoryAudits")).toStdString()));
        if (listing.total && *listing.total >= 0) {
            head += QByteArrayLiteral(",\"@odata.count\":") + QByteArray::number(*listing.total);
        }
        if (count > listing.pageSize) {
            head += QByteArrayLiteral(",\"@odata.nextLink\":") + GraphCodec::serialize(json(linkAfterPage(last).toStdString()));
        }
        out.remove(0, HeadRoom);
        out.prepend(head);
        HttpResponse r;
        r.body = std::move(out);
        return r;
    });
    get(V + QStringLiteral("/auditLogs/directoryAudits/{id}"), [this](const HttpRequest& request, const RouteMatch& m, const Caller& caller) {
        ListQuery q;
        q.where = QStringLiteral("id = ?");
        q.bindings = {m.param(QStringLiteral("id"))};
        const auto items = m_engine.auditEvents(caller, q);
        if (!items) {
            return engineError(request, items.error());
        }
        if (items->isEmpty()) {
            return GraphErrors::notFound(request, QStringLiteral("No such audit event."));
        }
        return entityResponse(request, 200, items->first(), QStringLiteral("auditLogs/directoryAudits"));
    });
}

} // namespace Elevate::Server
