#include "GraphCodec.h"

#include <exception>
#include <limits>

namespace Elevate::GraphCodec {

using json = nlohmann::json;

namespace {

constexpr QStringView GraphTypePrefix = u"#microsoft.graph.";

QString fromStd(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString stripGraphType(const QString& type)
{
    return type.startsWith(GraphTypePrefix) ? type.mid(GraphTypePrefix.size()) : type;
}

std::string graphType(const QString& name)
{
    return QString(GraphTypePrefix.toString() + name).toStdString();
}

QString lowerFirst(QString s)
{
    if (!s.isEmpty()) {
        s[0] = s[0].toLower();
    }
    return s;
}

// Reads members of one JSON object, remembering the first problem with its path. After a
// failure every getter returns its default, so readers can be written straight through and
// checked once at the end.
class Reader final
{
public:
    enum Need { Optional, Required };

    Reader(const json* node, QString path, std::optional<CodecError>* error)
        : m_node(node)
        , m_path(std::move(path))
        , m_error(error)
    {
    }

    bool failed() const { return m_error->has_value(); }
    const QString& path() const { return m_path; }

    bool requireObject()
    {
        if (!m_node || !m_node->is_object()) {
            failAt(m_path, QStringLiteral("expected an object"));
            return false;
        }
        return true;
    }

    // The member, or nullptr when absent or null.
    const json* member(const char* key) const
    {
        if (failed() || !m_node || !m_node->is_object()) {
            return nullptr;
        }
        const auto it = m_node->find(key);
        if (it == m_node->end() || it->is_null()) {
            return nullptr;
        }
        return &*it;
    }

    bool has(const char* key) const { return member(key) != nullptr; }

    QString childPath(const char* key) const { return m_path + u'/' + QLatin1String(key); }

    void fail(const char* key, const QString& message) { failAt(childPath(key), message); }

    void failAt(const QString& path, const QString& message)
    {
        if (!failed()) {
            *m_error = CodecError{path.isEmpty() ? QStringLiteral("/") : path, message};
        }
    }

    QString string(const char* key, Need need = Optional)
    {
        const json* v = member(key);
        if (!v) {
            if (need == Required && !failed()) {
                fail(key, QStringLiteral("required string is missing"));
            }
            return {};
        }
        return stringValue(*v, childPath(key));
    }

    QString stringValue(const json& v, const QString& path)
    {
        if (!v.is_string()) {
            failAt(path, QStringLiteral("expected a string"));
            return {};
        }
        const auto& s = v.get_ref<const std::string&>();
        if (static_cast<qsizetype>(s.size()) > MaxStringBytes) {
            failAt(path, QStringLiteral("string longer than %1 bytes").arg(MaxStringBytes));
            return {};
        }
        return fromStd(s);
    }

    bool boolean(const char* key, bool fallback = false)
    {
        const json* v = member(key);
        if (!v) {
            return fallback;
        }
        if (!v->is_boolean()) {
            fail(key, QStringLiteral("expected true or false"));
            return fallback;
        }
        return v->get<bool>();
    }

    std::optional<qint64> integer(const char* key, qint64 min, qint64 max)
    {
        const json* v = member(key);
        if (!v) {
            return std::nullopt;
        }
        qint64 value = 0;
        if (v->is_number_integer() && !v->is_number_unsigned()) {
            value = v->get<std::int64_t>();
        } else if (v->is_number_unsigned()) {
            const auto u = v->get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(max)) {
                fail(key, QStringLiteral("number out of range"));
                return std::nullopt;
            }
            value = static_cast<qint64>(u);
        } else {
            fail(key, QStringLiteral("expected an integer"));
            return std::nullopt;
        }
        if (value < min || value > max) {
            fail(key, QStringLiteral("number out of range"));
            return std::nullopt;
        }
        return value;
    }

    int smallInt(const char* key, int fallback, int min, int max)
    {
        const auto v = integer(key, min, max);
        return v ? static_cast<int>(*v) : fallback;
    }

    Timestamp timestamp(const char* key, Need need = Optional)
    {
        const QString text = string(key, need);
        if (text.isEmpty()) {
            if (need == Required && !failed()) {
                fail(key, QStringLiteral("required timestamp is empty"));
            }
            return {};
        }
        const auto t = Timestamp::fromIso(text);
        if (!t) {
            fail(key, QStringLiteral("not an ISO-8601 UTC timestamp"));
            return {};
        }
        return *t;
    }

    std::optional<IsoDuration> duration(const char* key)
    {
        const QString text = string(key);
        if (text.isEmpty()) {
            return std::nullopt;
        }
        Result<IsoDuration> d = IsoDuration::parse(text);
        if (!d) {
            fail(key, d.error().message);
            return std::nullopt;
        }
        return *d;
    }

    template <typename E>
    E enumeration(const char* key, E absent = E::Unknown)
    {
        const json* v = member(key);
        if (!v) {
            return absent;
        }
        return parseEnum<E>(stringValue(*v, childPath(key)));
    }

    // Calls f(Reader&) for each element of an array of objects.
    template <typename F>
    void forEachObject(const char* key, F&& f)
    {
        const json* v = member(key);
        if (!v) {
            return;
        }
        if (!v->is_array()) {
            fail(key, QStringLiteral("expected an array"));
            return;
        }
        qsizetype index = 0;
        for (const json& item : *v) {
            Reader child(&item, childPath(key) + u'/' + QString::number(index++), m_error);
            if (!child.requireObject()) {
                return;
            }
            f(child);
            if (failed()) {
                return;
            }
        }
    }

    template <typename F>
    void forEachString(const char* key, F&& f)
    {
        const json* v = member(key);
        if (!v) {
            return;
        }
        if (!v->is_array()) {
            fail(key, QStringLiteral("expected an array"));
            return;
        }
        qsizetype index = 0;
        for (const json& item : *v) {
            const QString s = stringValue(item, childPath(key) + u'/' + QString::number(index++));
            if (failed()) {
                return;
            }
            f(s);
        }
    }

    QStringList strings(const char* key)
    {
        QStringList out;
        forEachString(key, [&](const QString& s) { out << s; });
        return out;
    }

    template <typename E>
    QList<E> enums(const char* key)
    {
        QList<E> out;
        forEachString(key, [&](const QString& s) { out << parseEnum<E>(s); });
        return out;
    }

    // A nested object read by f, or nullopt when absent/null.
    template <typename F>
    auto object(const char* key, F&& f) -> std::optional<decltype(f(std::declval<Reader&>()))>
    {
        const json* v = member(key);
        if (!v) {
            return std::nullopt;
        }
        Reader child(v, childPath(key), m_error);
        if (!child.requireObject()) {
            return std::nullopt;
        }
        auto value = f(child);
        if (failed()) {
            return std::nullopt;
        }
        return value;
    }

private:
    const json* m_node;
    QString m_path;
    std::optional<CodecError>* m_error;
};

// ---- writing helpers -------------------------------------------------------------------------

void put(json& o, const char* key, const QString& value)
{
    if (!value.isNull()) {
        o[key] = value.toStdString();
    }
}

void putNullable(json& o, const char* key, const QString& value)
{
    if (value.isNull()) {
        o[key] = nullptr;
    } else {
        o[key] = value.toStdString();
    }
}

void put(json& o, const char* key, const Timestamp& value)
{
    if (!value.isNull()) {
        o[key] = value.toIso().toStdString();
    }
}

void putNullable(json& o, const char* key, const Timestamp& value)
{
    if (value.isNull()) {
        o[key] = nullptr;
    } else {
        o[key] = value.toIso().toStdString();
    }
}

template <typename E>
void putEnum(json& o, const char* key, E value)
{
    o[key] = enumName(value).toStdString();
}

json stringArray(const QStringList& list)
{
    json out = json::array();
    for (const QString& s : list) {
        out.push_back(s.toStdString());
    }
    return out;
}

template <typename E>
json enumArray(const QList<E>& list)
{
    json out = json::array();
    for (E e : list) {
        out.push_back(enumName(e).toStdString());
    }
    return out;
}

// ---- readers -----------------------------------------------------------------------------------

Identity readIdentity(Reader& r)
{
    Identity i;
    i.id = r.string("id");
    i.displayName = r.string("displayName");
    i.userPrincipalName = r.string("userPrincipalName");
    i.odataType = stripGraphType(r.string("@odata.type"));
    return i;
}

GroupInfo readGroup(Reader& r)
{
    GroupInfo g;
    g.id = r.string("id");
    g.displayName = r.string("displayName");
    g.description = r.string("description");
    return g;
}

RoleDefinition readRoleDefinition(Reader& r)
{
    RoleDefinition d;
    d.id = r.string("id", Reader::Required);
    d.displayName = r.string("displayName");
    d.description = r.string("description");
    d.isBuiltIn = r.boolean("isBuiltIn");
    d.isEnabled = r.boolean("isEnabled", true);
    d.templateId = r.string("templateId");
    d.version = r.string("version");
    d.resourceScopes = r.strings("resourceScopes");
    r.forEachObject("rolePermissions", [&](Reader& p) {
        RoleDefinition::Permission perm;
        perm.allowedResourceActions = p.strings("allowedResourceActions");
        perm.condition = p.string("condition");
        d.rolePermissions << perm;
    });
    return d;
}

// Shared by eligibility and assignment instances: the principal/target/time fields.
template <typename Instance>
void readInstanceCommon(Reader& r, Instance& x, const char* roleScheduleKey, const char* groupScheduleKey)
{
    x.id = r.string("id", Reader::Required);
    x.principalId = r.string("principalId");
    if (r.has("groupId") || r.has("accessId")) {
        x.kind = PimKind::Group;
        x.groupId = r.string("groupId");
        x.accessId = r.enumeration<GroupAccess>("accessId");
        x.scheduleId = r.string(groupScheduleKey);
    } else {
        x.kind = PimKind::DirectoryRole;
        x.roleDefinitionId = r.string("roleDefinitionId");
        x.directoryScopeId = r.string("directoryScopeId");
        x.appScopeId = r.string("appScopeId");
        x.scheduleId = r.string(roleScheduleKey);
    }
    x.startDateTime = r.timestamp("startDateTime");
    x.endDateTime = r.timestamp("endDateTime");
    x.memberType = r.enumeration<MemberType>("memberType");
    x.roleDefinition = r.object("roleDefinition", readRoleDefinition);
    x.principal = r.object("principal", readIdentity);
    x.group = r.object("group", readGroup);
}

Eligibility readEligibility(Reader& r)
{
    Eligibility e;
    readInstanceCommon(r, e, "roleEligibilityScheduleId", "eligibilityScheduleId");
    return e;
}

ActiveAssignment readAssignment(Reader& r)
{
    ActiveAssignment a;
    readInstanceCommon(r, a, "roleAssignmentScheduleId", "assignmentScheduleId");
    a.assignmentType = r.enumeration<AssignmentType>("assignmentType");
    a.roleAssignmentOriginId = r.string("roleAssignmentOriginId");
    a.activatedUsing = r.object("activatedUsing", readEligibility);
    return a;
}

ScheduleInfo readScheduleInfo(Reader& r)
{
    ScheduleInfo s;
    s.startDateTime = r.timestamp("startDateTime");
    auto expiration = r.object("expiration", [](Reader& e) {
        Expiration x;
        x.type = e.enumeration<ExpirationType>("type", ExpirationType::NotSpecified);
        x.duration = e.duration("duration");
        x.endDateTime = e.timestamp("endDateTime");
        return x;
    });
    if (expiration) {
        s.expiration = *expiration;
    }
    return s;
}

ScheduleRequest readScheduleRequest(Reader& r)
{
    ScheduleRequest q;
    q.id = r.string("id");
    q.action = r.enumeration<RequestAction>("action");
    q.status = r.enumeration<RequestStatus>("status");
    q.principalId = r.string("principalId");
    if (r.has("groupId") || r.has("accessId")) {
        q.kind = PimKind::Group;
        q.groupId = r.string("groupId");
        q.accessId = r.enumeration<GroupAccess>("accessId");
    } else {
        q.kind = PimKind::DirectoryRole;
        q.roleDefinitionId = r.string("roleDefinitionId");
        q.directoryScopeId = r.string("directoryScopeId");
        q.appScopeId = r.string("appScopeId");
    }
    q.justification = r.string("justification");
    if (auto ticket = r.object("ticketInfo", [](Reader& t) {
            return TicketInfo{t.string("ticketNumber"), t.string("ticketSystem")};
        })) {
        q.ticketInfo = *ticket;
    }
    q.scheduleInfo = r.object("scheduleInfo", readScheduleInfo);
    q.isValidationOnly = r.boolean("isValidationOnly");
    q.customData = r.string("customData");
    q.createdDateTime = r.timestamp("createdDateTime");
    q.completedDateTime = r.timestamp("completedDateTime");
    q.approvalId = r.string("approvalId");
    q.targetScheduleId = r.string("targetScheduleId");
    q.createdBy = r.object("createdBy", [](Reader& c) { return c.object("user", readIdentity); }).value_or(std::nullopt);
    q.roleDefinition = r.object("roleDefinition", readRoleDefinition);
    q.principal = r.object("principal", readIdentity);
    q.group = r.object("group", readGroup);
    if (q.action == RequestAction::Unknown && !r.has("action") && !r.failed()) {
        r.fail("action", QStringLiteral("required string is missing"));
    }
    return q;
}

ApprovalStep readApprovalStep(Reader& r)
{
    ApprovalStep s;
    s.id = r.string("id", Reader::Required);
    s.displayName = r.string("displayName");
    s.status = r.enumeration<ApprovalStepStatus>("status");
    s.assignedToMe = r.boolean("assignedToMe");
    s.reviewResult = r.enumeration<ReviewResult>("reviewResult");
    // Beta sends a list of identities, v1.0 a single one.
    if (const json* by = r.member("reviewedBy")) {
        if (by->is_array()) {
            r.forEachObject("reviewedBy", [&](Reader& i) { s.reviewedBy << readIdentity(i); });
        } else if (auto one = r.object("reviewedBy", readIdentity)) {
            s.reviewedBy << *one;
        }
    }
    s.reviewedDateTime = r.timestamp("reviewedDateTime");
    s.justification = r.string("justification");
    return s;
}

Approval readApproval(Reader& r)
{
    Approval a;
    a.id = r.string("id", Reader::Required);
    if (r.has("stages") && !r.has("steps")) {
        a.dialect = Approval::Dialect::V1Stages;
        r.forEachObject("stages", [&](Reader& s) { a.steps << readApprovalStep(s); });
    } else {
        a.dialect = Approval::Dialect::BetaSteps;
        r.forEachObject("steps", [&](Reader& s) { a.steps << readApprovalStep(s); });
    }
    return a;
}

RuleTarget readRuleTarget(Reader& r)
{
    RuleTarget t;
    t.caller = r.enumeration<RuleCaller>("caller");
    t.level = r.enumeration<RuleLevel>("level");
    t.operations = r.enums<RuleOperation>("operations");
    t.inheritableSettings = r.strings("inheritableSettings");
    t.enforcedSettings = r.strings("enforcedSettings");
    return t;
}

QList<SubjectSet> readSubjectSets(Reader& r, const char* key)
{
    QList<SubjectSet> out;
    r.forEachObject(key, [&](Reader& s) {
        SubjectSet set;
        set.kind = parseEnum<SubjectSetKind>(stripGraphType(s.string("@odata.type")));
        switch (set.kind) {
        case SubjectSetKind::SingleUser:
            set.id = s.string("userId");
            break;
        case SubjectSetKind::GroupMembers:
            set.id = s.string("groupId");
            break;
        case SubjectSetKind::Unknown:
            set.id = s.string("id");
            break;
        }
        set.description = s.string("description");
        out << set;
    });
    return out;
}

ApprovalStage readApprovalStage(Reader& r)
{
    ApprovalStage s;
    s.approvalStageTimeOutInDays = r.smallInt("approvalStageTimeOutInDays", 1, 0, 3650);
    s.isApproverJustificationRequired = r.boolean("isApproverJustificationRequired");
    s.escalationTimeInMinutes = r.smallInt("escalationTimeInMinutes", 0, 0, 525600);
    s.isEscalationEnabled = r.boolean("isEscalationEnabled");
    s.primaryApprovers = readSubjectSets(r, "primaryApprovers");
    s.escalationApprovers = readSubjectSets(r, "escalationApprovers");
    s.approvalsRequired = r.smallInt("approvalsRequired", 1, 1, 1000);
    return s;
}

void readRule(Reader& r, RolePolicy& p)
{
    const QString type = stripGraphType(r.string("@odata.type"));
    const QString id = r.string("id", Reader::Required);
    const auto target = r.object("target", readRuleTarget).value_or(RuleTarget{});
    const QStringView kind = QStringView(type).startsWith(u"unifiedRoleManagementPolicy")
                                 ? QStringView(type).mid(27)
                                 : QStringView(type);
    if (kind.compare(u"ExpirationRule", Qt::CaseInsensitive) == 0) {
        ExpirationRule rule{id, target, r.boolean("isExpirationRequired"), r.duration("maximumDuration")};
        p.expirationRules << rule;
    } else if (kind.compare(u"EnablementRule", Qt::CaseInsensitive) == 0) {
        p.enablementRules << EnablementRule{id, target, r.enums<EnablementRequirement>("enabledRules")};
    } else if (kind.compare(u"ApprovalRule", Qt::CaseInsensitive) == 0) {
        ApprovalRule rule;
        rule.id = id;
        rule.target = target;
        r.object("setting", [&](Reader& s) {
            rule.isApprovalRequired = s.boolean("isApprovalRequired");
            rule.isApprovalRequiredForExtension = s.boolean("isApprovalRequiredForExtension");
            rule.isRequestorJustificationRequired = s.boolean("isRequestorJustificationRequired");
            rule.approvalMode = s.enumeration<ApprovalMode>("approvalMode");
            s.forEachObject("approvalStages", [&](Reader& st) { rule.approvalStages << readApprovalStage(st); });
            return true;
        });
        p.approvalRules << rule;
    } else if (kind.compare(u"AuthenticationContextRule", Qt::CaseInsensitive) == 0) {
        p.authenticationContextRules << AuthenticationContextRule{id, target, r.boolean("isEnabled"),
                                                                  r.string("claimValue")};
    } else if (kind.compare(u"NotificationRule", Qt::CaseInsensitive) == 0) {
        NotificationRule rule;
        rule.id = id;
        rule.target = target;
        rule.notificationType = r.string("notificationType");
        rule.recipientType = r.enumeration<NotificationRecipientType>("recipientType");
        rule.notificationLevel = r.enumeration<NotificationLevel>("notificationLevel");
        rule.isDefaultRecipientsEnabled = r.boolean("isDefaultRecipientsEnabled");
        rule.notificationRecipients = r.strings("notificationRecipients");
        p.notificationRules << rule;
    } else {
        p.unknownRuleIds << id;
    }
}

RolePolicy readPolicy(Reader& r)
{
    RolePolicy p;
    p.id = r.string("id", Reader::Required);
    p.displayName = r.string("displayName");
    p.description = r.string("description");
    p.isOrganizationDefault = r.boolean("isOrganizationDefault");
    p.scopeId = r.string("scopeId");
    p.scopeType = r.enumeration<PolicyScopeType>("scopeType");
    p.lastModifiedDateTime = r.timestamp("lastModifiedDateTime");
    p.lastModifiedBy = r.object("lastModifiedBy", readIdentity);
    const char* rulesKey = r.has("rules") ? "rules" : "effectiveRules";
    r.forEachObject(rulesKey, [&](Reader& rule) { readRule(rule, p); });
    return p;
}

RolePolicyAssignment readPolicyAssignment(Reader& r)
{
    RolePolicyAssignment a;
    a.id = r.string("id", Reader::Required);
    a.policyId = r.string("policyId");
    a.scopeId = r.string("scopeId");
    a.scopeType = r.enumeration<PolicyScopeType>("scopeType");
    a.roleDefinitionId = r.string("roleDefinitionId");
    a.policy = r.object("policy", readPolicy);
    return a;
}

AccessReviewQuery readQuery(Reader& r)
{
    AccessReviewQuery q;
    q.odataType = stripGraphType(r.string("@odata.type"));
    q.query = r.string("query");
    q.queryType = r.string("queryType");
    q.queryRoot = r.string("queryRoot");
    return q;
}

QList<AccessReviewQuery> readQueries(Reader& r, const char* key)
{
    QList<AccessReviewQuery> out;
    r.forEachObject(key, [&](Reader& q) { out << readQuery(q); });
    return out;
}

AccessReviewDefinition readReviewDefinition(Reader& r)
{
    AccessReviewDefinition d;
    d.id = r.string("id", Reader::Required);
    d.displayName = r.string("displayName");
    d.status = r.enumeration<ReviewStatus>("status");
    d.createdDateTime = r.timestamp("createdDateTime");
    d.lastModifiedDateTime = r.timestamp("lastModifiedDateTime");
    d.descriptionForAdmins = r.string("descriptionForAdmins");
    d.descriptionForReviewers = r.string("descriptionForReviewers");
    d.createdBy = r.object("createdBy", readIdentity);
    d.scope = r.object("scope", readQuery);
    d.reviewers = readQueries(r, "reviewers");
    d.fallbackReviewers = readQueries(r, "fallbackReviewers");
    if (auto settings = r.object("settings", [](Reader& s) {
            AccessReviewSettings x;
            x.justificationRequiredOnApproval = s.boolean("justificationRequiredOnApproval");
            x.recommendationsEnabled = s.boolean("recommendationsEnabled");
            x.defaultDecisionEnabled = s.boolean("defaultDecisionEnabled");
            x.defaultDecision = s.string("defaultDecision");
            x.autoApplyDecisionsEnabled = s.boolean("autoApplyDecisionsEnabled");
            x.instanceDurationInDays = s.smallInt("instanceDurationInDays", 0, 0, 36500);
            return x;
        })) {
        d.settings = *settings;
    }
    return d;
}

AccessReviewInstance readReviewInstance(Reader& r)
{
    AccessReviewInstance i;
    i.id = r.string("id", Reader::Required);
    i.startDateTime = r.timestamp("startDateTime");
    i.endDateTime = r.timestamp("endDateTime");
    i.status = r.enumeration<ReviewStatus>("status");
    i.scope = r.object("scope", readQuery);
    i.reviewers = readQueries(r, "reviewers");
    i.fallbackReviewers = readQueries(r, "fallbackReviewers");
    return i;
}

ReviewDecision readReviewDecision(Reader& r)
{
    ReviewDecision d;
    d.id = r.string("id", Reader::Required);
    d.accessReviewId = r.string("accessReviewId");
    d.decision = r.enumeration<ReviewDecisionValue>("decision");
    d.justification = r.string("justification");
    d.recommendation = r.enumeration<ReviewRecommendation>("recommendation");
    d.principal = r.object("principal", readIdentity).value_or(Identity{});
    d.principalLink = r.string("principalLink");
    d.resource = r.object("resource", [](Reader& x) {
        return ReviewedResource{stripGraphType(x.string("@odata.type")), x.string("id"), x.string("displayName"),
                                x.string("type")};
    });
    d.resourceLink = r.string("resourceLink");
    d.target = r.object("target", [](Reader& t) {
        Identity i;
        i.id = t.string("userId");
        i.displayName = t.string("userDisplayName");
        i.userPrincipalName = t.string("userPrincipalName");
        i.odataType = stripGraphType(t.string("@odata.type"));
        return i;
    });
    d.reviewedBy = r.object("reviewedBy", readIdentity);
    d.reviewedDateTime = r.timestamp("reviewedDateTime");
    d.appliedBy = r.object("appliedBy", readIdentity);
    d.appliedDateTime = r.timestamp("appliedDateTime");
    d.applyResult = r.enumeration<ApplyResult>("applyResult");
    return d;
}

AuditEvent readAuditEvent(Reader& r)
{
    AuditEvent e;
    e.id = r.string("id", Reader::Required);
    e.category = r.string("category");
    e.correlationId = r.string("correlationId");
    e.result = r.enumeration<AuditResult>("result");
    e.resultReason = r.string("resultReason");
    e.activityDisplayName = r.string("activityDisplayName");
    e.activityDateTime = r.timestamp("activityDateTime", Reader::Required);
    e.loggedByService = r.string("loggedByService");
    e.operationType = r.string("operationType");
    r.object("initiatedBy", [&](Reader& by) {
        e.initiatedByUser = by.object("user", [](Reader& u) {
            return AuditEvent::UserInitiator{u.string("id"),         u.string("displayName"),
                                             u.string("userPrincipalName"), u.string("ipAddress"),
                                             u.string("userType"),   u.string("homeTenantId"),
                                             u.string("homeTenantName")};
        });
        e.initiatedByApp = by.object("app", [](Reader& a) {
            return AuditEvent::AppInitiator{a.string("appId"), a.string("displayName"), a.string("servicePrincipalId"),
                                            a.string("servicePrincipalName")};
        });
        return true;
    });
    r.forEachObject("targetResources", [&](Reader& t) {
        AuditEvent::TargetResource target;
        target.id = t.string("id");
        target.displayName = t.string("displayName");
        target.type = t.string("type");
        target.userPrincipalName = t.string("userPrincipalName");
        target.groupType = t.string("groupType");
        t.forEachObject("modifiedProperties", [&](Reader& m) {
            target.modifiedProperties << AuditEvent::ModifiedProperty{m.string("displayName"), m.string("oldValue"),
                                                                      m.string("newValue")};
        });
        e.targetResources << target;
    });
    r.forEachObject("additionalDetails", [&](Reader& kv) {
        e.additionalDetails << AuditEvent::KeyValue{kv.string("key"), kv.string("value")};
    });
    return e;
}

// Runs a reader over a root object and turns a recorded problem into the result.
template <typename T, typename F>
Result<T> readRoot(const json& root, F&& read)
{
    std::optional<CodecError> error;
    try {
        Reader r(&root, QString(), &error);
        if (!r.requireObject()) {
            return *error;
        }
        T value = read(r);
        if (error) {
            return *error;
        }
        return value;
    } catch (const std::exception& e) {
        // Defensive: the reader checks types before every access, so this means a bug or
        // memory exhaustion, and must still not escape the codec.
        return CodecError{QStringLiteral("/"), QStringLiteral("decoder failure: %1").arg(QString::fromUtf8(e.what()))};
    }
}

// Rejects nesting deeper than MaxDepth before the tree is built.
bool nestingWithinLimit(QByteArrayView bytes)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : bytes) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '[':
        case '{':
            if (++depth > MaxDepth) {
                return false;
            }
            break;
        case ']':
        case '}':
            --depth;
            break;
        default:
            break;
        }
    }
    return true;
}

} // namespace

std::optional<CodecError> checkLimits(QByteArrayView bytes)
{
    if (bytes.size() > MaxDocumentBytes) {
        return CodecError{QString(), QStringLiteral("document larger than %1 bytes").arg(MaxDocumentBytes)};
    }
    if (bytes.trimmed().isEmpty()) {
        return CodecError{QString(), QStringLiteral("empty document")};
    }
    if (!nestingWithinLimit(bytes)) {
        return CodecError{QString(), QStringLiteral("nested deeper than %1 levels").arg(MaxDepth)};
    }
    return std::nullopt;
}

Result<json> parse(QByteArrayView bytes)
{
    if (std::optional<CodecError> refused = checkLimits(bytes)) {
        return *refused;
    }
    try {
        return json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& e) {
        return CodecError{QString(), QStringLiteral("malformed JSON at byte %1").arg(e.byte)};
    } catch (const std::exception& e) {
        // nlohmann quotes the offending token (an overflowing number can be megabytes of digits):
        // cut it so the error stays a log line.
        QString what = QString::fromUtf8(e.what());
        if (what.size() > 120) {
            what = what.left(120) + QStringLiteral("…");
        }
        return CodecError{QString(), QStringLiteral("cannot parse JSON: %1").arg(what)};
    }
}

template <>
Result<Identity> fromJson<Identity>(const json& j)
{
    return readRoot<Identity>(j, readIdentity);
}
template <>
Result<GroupInfo> fromJson<GroupInfo>(const json& j)
{
    return readRoot<GroupInfo>(j, readGroup);
}
template <>
Result<RoleDefinition> fromJson<RoleDefinition>(const json& j)
{
    return readRoot<RoleDefinition>(j, readRoleDefinition);
}
template <>
Result<Eligibility> fromJson<Eligibility>(const json& j)
{
    return readRoot<Eligibility>(j, readEligibility);
}
template <>
Result<ActiveAssignment> fromJson<ActiveAssignment>(const json& j)
{
    return readRoot<ActiveAssignment>(j, readAssignment);
}
template <>
Result<ScheduleRequest> fromJson<ScheduleRequest>(const json& j)
{
    return readRoot<ScheduleRequest>(j, readScheduleRequest);
}
template <>
Result<ApprovalStep> fromJson<ApprovalStep>(const json& j)
{
    return readRoot<ApprovalStep>(j, readApprovalStep);
}
template <>
Result<Approval> fromJson<Approval>(const json& j)
{
    return readRoot<Approval>(j, readApproval);
}
template <>
Result<ApprovalDecision> fromJson<ApprovalDecision>(const json& j)
{
    return readRoot<ApprovalDecision>(j, [](Reader& r) {
        ApprovalDecision d{r.enumeration<ApprovalVerdict>("reviewResult"), r.string("justification")};
        if (!r.has("reviewResult") && !r.failed()) {
            r.fail("reviewResult", QStringLiteral("required string is missing"));
        }
        return d;
    });
}
template <>
Result<RolePolicy> fromJson<RolePolicy>(const json& j)
{
    return readRoot<RolePolicy>(j, readPolicy);
}
template <>
Result<RolePolicyAssignment> fromJson<RolePolicyAssignment>(const json& j)
{
    return readRoot<RolePolicyAssignment>(j, readPolicyAssignment);
}
template <>
Result<AccessReviewDefinition> fromJson<AccessReviewDefinition>(const json& j)
{
    return readRoot<AccessReviewDefinition>(j, readReviewDefinition);
}
template <>
Result<AccessReviewInstance> fromJson<AccessReviewInstance>(const json& j)
{
    return readRoot<AccessReviewInstance>(j, readReviewInstance);
}
template <>
Result<ReviewDecision> fromJson<ReviewDecision>(const json& j)
{
    return readRoot<ReviewDecision>(j, readReviewDecision);
}
template <>
Result<ReviewDecisionUpdate> fromJson<ReviewDecisionUpdate>(const json& j)
{
    return readRoot<ReviewDecisionUpdate>(j, [](Reader& r) {
        ReviewDecisionUpdate u{r.enumeration<ReviewDecisionValue>("decision"), r.string("justification")};
        if (!r.has("decision") && !r.failed()) {
            r.fail("decision", QStringLiteral("required string is missing"));
        }
        return u;
    });
}
template <>
Result<BatchRecordDecisions> fromJson<BatchRecordDecisions>(const json& j)
{
    return readRoot<BatchRecordDecisions>(j, [](Reader& r) {
        BatchRecordDecisions b{r.enumeration<ReviewDecisionValue>("decision"), r.string("justification"),
                               r.string("principalId"), r.string("resourceId")};
        if (!r.has("decision") && !r.failed()) {
            r.fail("decision", QStringLiteral("required string is missing"));
        }
        return b;
    });
}
template <>
Result<AuditEvent> fromJson<AuditEvent>(const json& j)
{
    return readRoot<AuditEvent>(j, readAuditEvent);
}
template <>
Result<GraphError> fromJson<GraphError>(const json& j)
{
    return readRoot<GraphError>(j, [](Reader& r) {
        GraphError e;
        const json* error = r.member("error");
        if (error && error->is_string()) {
            // OAuth 2.0 token endpoint error (RFC 6749 5.2).
            e.code = r.string("error");
            e.message = r.string("error_description");
            e.requestId = r.string("trace_id");
            e.clientRequestId = r.string("correlation_id");
            e.date = r.string("timestamp");
            return e;
        }
        r.object("error", [&](Reader& body) {
            e.code = body.string("code", Reader::Required);
            e.message = body.string("message");
            body.object("innerError", [&](Reader& inner) {
                e.requestId = inner.string("request-id");
                e.clientRequestId = inner.string("client-request-id");
                e.date = inner.string("date");
                // Each innerError is an error object whose `code` refines the one above it
                // (errors.md), the first one included; walk the chain without recursion limits of
                // our own beyond the document depth limit.
                const json* next = body.member("innerError");
                while (next && next->is_object()) {
                    const auto code = next->find("code");
                    if (code != next->end() && code->is_string()) {
                        e.innerCodes << fromStd(code->get_ref<const std::string&>());
                    }
                    const auto deeper = next->find("innerError");
                    next = deeper != next->end() ? &*deeper : nullptr;
                }
                return true;
            });
            return true;
        });
        if (!error && !r.failed()) {
            r.fail("error", QStringLiteral("required object is missing"));
        }
        return e;
    });
}

template <typename T>
Result<Page<T>> pageFromJson(const json& root)
{
    return readRoot<Page<T>>(root, [](Reader& r) {
        Page<T> page;
        page.context = r.string("@odata.context");
        page.nextLink = r.string("@odata.nextLink");
        page.count = r.integer("@odata.count", 0, std::numeric_limits<qint64>::max());
        const json* items = r.member("value");
        if (!items) {
            r.fail("value", QStringLiteral("required array is missing"));
            return page;
        }
        if (!items->is_array()) {
            r.fail("value", QStringLiteral("expected an array"));
            return page;
        }
        qsizetype index = 0;
        for (const json& item : *items) {
            const QString path = QStringLiteral("/value/") + QString::number(index++);
            Result<T> value = fromJson<T>(item);
            if (!value) {
                r.failAt(path + (value.error().path == u"/" ? QString() : value.error().path),
                         value.error().message);
                return page;
            }
            page.value << std::move(value).value();
        }
        return page;
    });
}

template Result<Page<Identity>> pageFromJson<Identity>(const json&);
template Result<Page<RoleDefinition>> pageFromJson<RoleDefinition>(const json&);
template Result<Page<Eligibility>> pageFromJson<Eligibility>(const json&);
template Result<Page<ActiveAssignment>> pageFromJson<ActiveAssignment>(const json&);
template Result<Page<ScheduleRequest>> pageFromJson<ScheduleRequest>(const json&);
template Result<Page<ApprovalStep>> pageFromJson<ApprovalStep>(const json&);
template Result<Page<Approval>> pageFromJson<Approval>(const json&);
template Result<Page<RolePolicy>> pageFromJson<RolePolicy>(const json&);
template Result<Page<RolePolicyAssignment>> pageFromJson<RolePolicyAssignment>(const json&);
template Result<Page<AccessReviewDefinition>> pageFromJson<AccessReviewDefinition>(const json&);
template Result<Page<AccessReviewInstance>> pageFromJson<AccessReviewInstance>(const json&);
template Result<Page<ReviewDecision>> pageFromJson<ReviewDecision>(const json&);
template Result<Page<AuditEvent>> pageFromJson<AuditEvent>(const json&);

GraphError decodeError(QByteArrayView bytes, int httpStatus)
{
    GraphError e;
    if (Result<json> tree = parse(bytes)) {
        if (Result<GraphError> decoded = fromJson<GraphError>(*tree)) {
            e = *decoded;
        }
    }
    if (e.code.isEmpty()) {
        e.code = QStringLiteral("HttpStatus%1").arg(httpStatus);
    }
    e.httpStatus = httpStatus;
    return e;
}

// ---- writers -----------------------------------------------------------------------------------

json toJson(const Identity& v)
{
    json o = json::object();
    if (!v.odataType.isEmpty()) {
        o["@odata.type"] = graphType(v.odataType);
    }
    put(o, "id", v.id);
    put(o, "displayName", v.displayName);
    put(o, "userPrincipalName", v.userPrincipalName);
    return o;
}

json toJson(const GroupInfo& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "displayName", v.displayName);
    put(o, "description", v.description);
    return o;
}

json toJson(const RoleDefinition& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "displayName", v.displayName);
    put(o, "description", v.description);
    o["isBuiltIn"] = v.isBuiltIn;
    o["isEnabled"] = v.isEnabled;
    put(o, "templateId", v.templateId);
    put(o, "version", v.version);
    o["resourceScopes"] = stringArray(v.resourceScopes);
    json perms = json::array();
    for (const auto& p : v.rolePermissions) {
        json perm = json::object();
        perm["allowedResourceActions"] = stringArray(p.allowedResourceActions);
        putNullable(perm, "condition", p.condition);
        perms.push_back(std::move(perm));
    }
    o["rolePermissions"] = std::move(perms);
    return o;
}

namespace {

// Groups print their enums in lower camel case ("direct", "activated"), roles in Pascal case.
template <typename E>
void putKindEnum(json& o, const char* key, E value, PimKind kind)
{
    if (value == E::Unknown) {
        return;
    }
    const QString name = enumName(value);
    o[key] = (kind == PimKind::Group ? lowerFirst(name) : name).toStdString();
}

template <typename Instance>
void writeInstanceCommon(json& o, const Instance& x, const char* roleScheduleKey, const char* groupScheduleKey)
{
    put(o, "id", x.id);
    put(o, "principalId", x.principalId);
    if (x.kind == PimKind::Group) {
        // Both always written: their presence is what marks the group shape.
        o["groupId"] = x.groupId.toStdString();
        o["accessId"] = lowerFirst(enumName(x.accessId)).toStdString();
        put(o, groupScheduleKey, x.scheduleId);
    } else {
        put(o, "roleDefinitionId", x.roleDefinitionId);
        put(o, "directoryScopeId", x.directoryScopeId);
        putNullable(o, "appScopeId", x.appScopeId);
        put(o, roleScheduleKey, x.scheduleId);
    }
    put(o, "startDateTime", x.startDateTime);
    putNullable(o, "endDateTime", x.endDateTime);
    putKindEnum(o, "memberType", x.memberType, x.kind);
    if (x.roleDefinition) {
        o["roleDefinition"] = toJson(*x.roleDefinition);
    }
    if (x.principal) {
        o["principal"] = toJson(*x.principal);
    }
    if (x.group) {
        o["group"] = toJson(*x.group);
    }
}

} // namespace

json toJson(const Eligibility& v)
{
    json o = json::object();
    writeInstanceCommon(o, v, "roleEligibilityScheduleId", "eligibilityScheduleId");
    return o;
}

json toJson(const ActiveAssignment& v)
{
    json o = json::object();
    writeInstanceCommon(o, v, "roleAssignmentScheduleId", "assignmentScheduleId");
    putKindEnum(o, "assignmentType", v.assignmentType, v.kind);
    put(o, "roleAssignmentOriginId", v.roleAssignmentOriginId);
    if (v.activatedUsing) {
        o["activatedUsing"] = toJson(*v.activatedUsing);
    }
    return o;
}

json toJson(const ScheduleRequest& v)
{
    json o = json::object();
    put(o, "id", v.id);
    putEnum(o, "action", v.action);
    if (v.status != RequestStatus::Unknown || !v.id.isEmpty()) {
        putEnum(o, "status", v.status);
    }
    put(o, "principalId", v.principalId);
    if (v.kind == PimKind::Group) {
        o["groupId"] = v.groupId.toStdString();
        o["accessId"] = lowerFirst(enumName(v.accessId)).toStdString();
    } else {
        put(o, "roleDefinitionId", v.roleDefinitionId);
        put(o, "directoryScopeId", v.directoryScopeId);
        put(o, "appScopeId", v.appScopeId);
    }
    put(o, "justification", v.justification);
    if (!v.ticketInfo.isEmpty()) {
        json t = json::object();
        put(t, "ticketNumber", v.ticketInfo.ticketNumber);
        put(t, "ticketSystem", v.ticketInfo.ticketSystem);
        o["ticketInfo"] = std::move(t);
    }
    if (v.scheduleInfo) {
        json s = json::object();
        put(s, "startDateTime", v.scheduleInfo->startDateTime);
        json e = json::object();
        const Expiration& x = v.scheduleInfo->expiration;
        putEnum(e, "type", x.type);
        if (x.duration) {
            e["duration"] = x.duration->toIso().toStdString();
        }
        put(e, "endDateTime", x.endDateTime);
        s["expiration"] = std::move(e);
        o["scheduleInfo"] = std::move(s);
    }
    if (v.isValidationOnly) {
        o["isValidationOnly"] = true;
    }
    put(o, "customData", v.customData);
    put(o, "createdDateTime", v.createdDateTime);
    put(o, "completedDateTime", v.completedDateTime);
    put(o, "approvalId", v.approvalId);
    put(o, "targetScheduleId", v.targetScheduleId);
    if (v.createdBy) {
        o["createdBy"] = json{{"user", toJson(*v.createdBy)}, {"application", nullptr}, {"device", nullptr}};
    }
    if (v.roleDefinition) {
        o["roleDefinition"] = toJson(*v.roleDefinition);
    }
    if (v.principal) {
        o["principal"] = toJson(*v.principal);
    }
    if (v.group) {
        o["group"] = toJson(*v.group);
    }
    return o;
}

json toJson(const ApprovalStep& v, Approval::Dialect dialect)
{
    json o = json::object();
    put(o, "id", v.id);
    putNullable(o, "displayName", v.displayName);
    putEnum(o, "status", v.status);
    o["assignedToMe"] = v.assignedToMe;
    putEnum(o, "reviewResult", v.reviewResult);
    if (dialect == Approval::Dialect::BetaSteps) {
        if (v.reviewedBy.isEmpty()) {
            o["reviewedBy"] = nullptr;
        } else {
            json list = json::array();
            for (const Identity& i : v.reviewedBy) {
                list.push_back(toJson(i));
            }
            o["reviewedBy"] = std::move(list);
        }
    } else {
        o["reviewedBy"] = v.reviewedBy.isEmpty() ? json(nullptr) : toJson(v.reviewedBy.first());
    }
    putNullable(o, "reviewedDateTime", v.reviewedDateTime);
    putNullable(o, "justification", v.justification);
    return o;
}

json toJson(const Approval& v)
{
    json o = json::object();
    put(o, "id", v.id);
    json steps = json::array();
    for (const ApprovalStep& s : v.steps) {
        steps.push_back(toJson(s, v.dialect));
    }
    o[v.dialect == Approval::Dialect::BetaSteps ? "steps" : "stages"] = std::move(steps);
    return o;
}

json toJson(const ApprovalDecision& v)
{
    json o = json::object();
    putEnum(o, "reviewResult", v.reviewResult);
    put(o, "justification", v.justification);
    return o;
}

namespace {

json ruleTargetJson(const RuleTarget& t)
{
    json o = json::object();
    putEnum(o, "caller", t.caller);
    putEnum(o, "level", t.level);
    o["operations"] = enumArray(t.operations);
    o["inheritableSettings"] = stringArray(t.inheritableSettings);
    o["enforcedSettings"] = stringArray(t.enforcedSettings);
    return o;
}

json ruleHeader(const char* typeSuffix, const QString& id, const RuleTarget& target)
{
    json o = json::object();
    o["@odata.type"] = std::string("#microsoft.graph.unifiedRoleManagementPolicy") + typeSuffix;
    o["id"] = id.toStdString();
    o["target"] = ruleTargetJson(target);
    return o;
}

json subjectSetsJson(const QList<SubjectSet>& sets)
{
    json out = json::array();
    for (const SubjectSet& s : sets) {
        json o = json::object();
        if (s.kind != SubjectSetKind::Unknown) {
            o["@odata.type"] = graphType(enumName(s.kind));
        }
        switch (s.kind) {
        case SubjectSetKind::SingleUser:
            put(o, "userId", s.id);
            break;
        case SubjectSetKind::GroupMembers:
            put(o, "groupId", s.id);
            break;
        case SubjectSetKind::Unknown:
            put(o, "id", s.id);
            break;
        }
        put(o, "description", s.description);
        out.push_back(std::move(o));
    }
    return out;
}

} // namespace

json toJson(const RolePolicy& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "displayName", v.displayName);
    put(o, "description", v.description);
    o["isOrganizationDefault"] = v.isOrganizationDefault;
    put(o, "scopeId", v.scopeId);
    if (v.scopeType != PolicyScopeType::Unknown) {
        putEnum(o, "scopeType", v.scopeType);
    }
    put(o, "lastModifiedDateTime", v.lastModifiedDateTime);
    if (v.lastModifiedBy) {
        o["lastModifiedBy"] = toJson(*v.lastModifiedBy);
    }
    json rules = json::array();
    for (const ExpirationRule& r : v.expirationRules) {
        json x = ruleHeader("ExpirationRule", r.id, r.target);
        x["isExpirationRequired"] = r.isExpirationRequired;
        if (r.maximumDuration) {
            x["maximumDuration"] = r.maximumDuration->toIso().toStdString();
        }
        rules.push_back(std::move(x));
    }
    for (const EnablementRule& r : v.enablementRules) {
        json x = ruleHeader("EnablementRule", r.id, r.target);
        x["enabledRules"] = enumArray(r.enabledRules);
        rules.push_back(std::move(x));
    }
    for (const ApprovalRule& r : v.approvalRules) {
        json x = ruleHeader("ApprovalRule", r.id, r.target);
        json setting = json::object();
        setting["isApprovalRequired"] = r.isApprovalRequired;
        setting["isApprovalRequiredForExtension"] = r.isApprovalRequiredForExtension;
        setting["isRequestorJustificationRequired"] = r.isRequestorJustificationRequired;
        putEnum(setting, "approvalMode", r.approvalMode);
        json stages = json::array();
        for (const ApprovalStage& s : r.approvalStages) {
            json st = json::object();
            st["approvalStageTimeOutInDays"] = s.approvalStageTimeOutInDays;
            st["isApproverJustificationRequired"] = s.isApproverJustificationRequired;
            st["escalationTimeInMinutes"] = s.escalationTimeInMinutes;
            st["isEscalationEnabled"] = s.isEscalationEnabled;
            st["primaryApprovers"] = subjectSetsJson(s.primaryApprovers);
            st["escalationApprovers"] = subjectSetsJson(s.escalationApprovers);
            st["approvalsRequired"] = s.approvalsRequired;
            stages.push_back(std::move(st));
        }
        setting["approvalStages"] = std::move(stages);
        x["setting"] = std::move(setting);
        rules.push_back(std::move(x));
    }
    for (const AuthenticationContextRule& r : v.authenticationContextRules) {
        json x = ruleHeader("AuthenticationContextRule", r.id, r.target);
        x["isEnabled"] = r.isEnabled;
        putNullable(x, "claimValue", r.claimValue);
        rules.push_back(std::move(x));
    }
    for (const NotificationRule& r : v.notificationRules) {
        json x = ruleHeader("NotificationRule", r.id, r.target);
        put(x, "notificationType", r.notificationType);
        putEnum(x, "recipientType", r.recipientType);
        putEnum(x, "notificationLevel", r.notificationLevel);
        x["isDefaultRecipientsEnabled"] = r.isDefaultRecipientsEnabled;
        x["notificationRecipients"] = stringArray(r.notificationRecipients);
        rules.push_back(std::move(x));
    }
    o["rules"] = std::move(rules);
    return o;
}

json toJson(const RolePolicyAssignment& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "policyId", v.policyId);
    put(o, "scopeId", v.scopeId);
    if (v.scopeType != PolicyScopeType::Unknown) {
        putEnum(o, "scopeType", v.scopeType);
    }
    put(o, "roleDefinitionId", v.roleDefinitionId);
    if (v.policy) {
        o["policy"] = toJson(*v.policy);
    }
    return o;
}

namespace {

json queryJson(const AccessReviewQuery& q)
{
    json o = json::object();
    if (!q.odataType.isEmpty()) {
        o["@odata.type"] = graphType(q.odataType);
    }
    put(o, "query", q.query);
    put(o, "queryType", q.queryType);
    putNullable(o, "queryRoot", q.queryRoot);
    return o;
}

json queriesJson(const QList<AccessReviewQuery>& list)
{
    json out = json::array();
    for (const auto& q : list) {
        out.push_back(queryJson(q));
    }
    return out;
}

} // namespace

json toJson(const AccessReviewDefinition& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "displayName", v.displayName);
    putEnum(o, "status", v.status);
    put(o, "createdDateTime", v.createdDateTime);
    put(o, "lastModifiedDateTime", v.lastModifiedDateTime);
    put(o, "descriptionForAdmins", v.descriptionForAdmins);
    put(o, "descriptionForReviewers", v.descriptionForReviewers);
    if (v.createdBy) {
        o["createdBy"] = toJson(*v.createdBy);
    }
    if (v.scope) {
        o["scope"] = queryJson(*v.scope);
    }
    o["reviewers"] = queriesJson(v.reviewers);
    o["fallbackReviewers"] = queriesJson(v.fallbackReviewers);
    json s = json::object();
    s["justificationRequiredOnApproval"] = v.settings.justificationRequiredOnApproval;
    s["recommendationsEnabled"] = v.settings.recommendationsEnabled;
    s["defaultDecisionEnabled"] = v.settings.defaultDecisionEnabled;
    put(s, "defaultDecision", v.settings.defaultDecision);
    s["autoApplyDecisionsEnabled"] = v.settings.autoApplyDecisionsEnabled;
    s["instanceDurationInDays"] = v.settings.instanceDurationInDays;
    o["settings"] = std::move(s);
    return o;
}

json toJson(const AccessReviewInstance& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "startDateTime", v.startDateTime);
    put(o, "endDateTime", v.endDateTime);
    putEnum(o, "status", v.status);
    if (v.scope) {
        o["scope"] = queryJson(*v.scope);
    }
    o["reviewers"] = queriesJson(v.reviewers);
    o["fallbackReviewers"] = queriesJson(v.fallbackReviewers);
    return o;
}

json toJson(const ReviewDecision& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "accessReviewId", v.accessReviewId);
    putEnum(o, "decision", v.decision);
    putNullable(o, "justification", v.justification);
    putEnum(o, "recommendation", v.recommendation);
    o["principal"] = toJson(v.principal);
    put(o, "principalLink", v.principalLink);
    if (v.resource) {
        json r = json::object();
        if (!v.resource->odataType.isEmpty()) {
            r["@odata.type"] = graphType(v.resource->odataType);
        }
        put(r, "id", v.resource->id);
        put(r, "displayName", v.resource->displayName);
        put(r, "type", v.resource->type);
        o["resource"] = std::move(r);
    } else {
        o["resource"] = nullptr;
    }
    put(o, "resourceLink", v.resourceLink);
    if (v.target) {
        json t = json::object();
        if (!v.target->odataType.isEmpty()) {
            t["@odata.type"] = graphType(v.target->odataType);
        }
        put(t, "userId", v.target->id);
        put(t, "userDisplayName", v.target->displayName);
        put(t, "userPrincipalName", v.target->userPrincipalName);
        o["target"] = std::move(t);
    }
    if (v.reviewedBy) {
        o["reviewedBy"] = toJson(*v.reviewedBy);
    }
    putNullable(o, "reviewedDateTime", v.reviewedDateTime);
    if (v.appliedBy) {
        o["appliedBy"] = toJson(*v.appliedBy);
    }
    putNullable(o, "appliedDateTime", v.appliedDateTime);
    putEnum(o, "applyResult", v.applyResult);
    return o;
}

json toJson(const ReviewDecisionUpdate& v)
{
    json o = json::object();
    putEnum(o, "decision", v.decision);
    put(o, "justification", v.justification);
    return o;
}

json toJson(const BatchRecordDecisions& v)
{
    json o = json::object();
    putEnum(o, "decision", v.decision);
    put(o, "justification", v.justification);
    put(o, "principalId", v.principalId);
    put(o, "resourceId", v.resourceId);
    return o;
}

json toJson(const AuditEvent& v)
{
    json o = json::object();
    put(o, "id", v.id);
    put(o, "category", v.category);
    put(o, "correlationId", v.correlationId);
    putEnum(o, "result", v.result);
    put(o, "resultReason", v.resultReason);
    put(o, "activityDisplayName", v.activityDisplayName);
    put(o, "activityDateTime", v.activityDateTime);
    put(o, "loggedByService", v.loggedByService);
    put(o, "operationType", v.operationType);
    json by = json::object();
    if (v.initiatedByUser) {
        const auto& u = *v.initiatedByUser;
        json user = json::object();
        put(user, "id", u.id);
        put(user, "displayName", u.displayName);
        put(user, "userPrincipalName", u.userPrincipalName);
        putNullable(user, "ipAddress", u.ipAddress);
        put(user, "userType", u.userType);
        put(user, "homeTenantId", u.homeTenantId);
        put(user, "homeTenantName", u.homeTenantName);
        by["user"] = std::move(user);
    } else {
        by["user"] = nullptr;
    }
    if (v.initiatedByApp) {
        const auto& a = *v.initiatedByApp;
        json app = json::object();
        put(app, "appId", a.appId);
        put(app, "displayName", a.displayName);
        put(app, "servicePrincipalId", a.servicePrincipalId);
        put(app, "servicePrincipalName", a.servicePrincipalName);
        by["app"] = std::move(app);
    } else {
        by["app"] = nullptr;
    }
    o["initiatedBy"] = std::move(by);
    json targets = json::array();
    for (const auto& t : v.targetResources) {
        json x = json::object();
        put(x, "id", t.id);
        put(x, "displayName", t.displayName);
        put(x, "type", t.type);
        put(x, "userPrincipalName", t.userPrincipalName);
        put(x, "groupType", t.groupType);
        json props = json::array();
        for (const auto& p : t.modifiedProperties) {
            json m = json::object();
            put(m, "displayName", p.displayName);
            put(m, "oldValue", p.oldValue);
            put(m, "newValue", p.newValue);
            props.push_back(std::move(m));
        }
        x["modifiedProperties"] = std::move(props);
        targets.push_back(std::move(x));
    }
    o["targetResources"] = std::move(targets);
    json details = json::array();
    for (const auto& kv : v.additionalDetails) {
        json d = json::object();
        put(d, "key", kv.key);
        put(d, "value", kv.value);
        details.push_back(std::move(d));
    }
    o["additionalDetails"] = std::move(details);
    return o;
}

json toJson(const GraphError& v)
{
    json inner = json::object();
    put(inner, "date", v.date);
    put(inner, "request-id", v.requestId);
    put(inner, "client-request-id", v.clientRequestId);
    // The first code belongs to the first innerError itself, as the reader expects.
    json* tail = &inner;
    for (qsizetype i = 0; i < v.innerCodes.size(); ++i) {
        if (i > 0) {
            (*tail)["innerError"] = json::object();
            tail = &(*tail)["innerError"];
        }
        (*tail)["code"] = v.innerCodes[i].toStdString();
    }
    json error = json::object();
    error["code"] = v.code.toStdString();
    error["message"] = v.message.toStdString();
    error["innerError"] = std::move(inner);
    return json{{"error", std::move(error)}};
}

namespace {

// Appends what nlohmann::json's dump (ensure_ascii off) writes for the string `utf8`, which is
// valid UTF-8 (QString::toUtf8 writes no invalid sequence): quotes, backslash and the control
// characters escaped, \uXXXX in lowercase hex for those without a short form, the rest as is.
void appendJsonString(QByteArray& out, const QByteArray& utf8)
{
    static constexpr char Hex[] = "0123456789abcdef";
    out.append('"');
    const char* run = utf8.constData();
    const char* const end = run + utf8.size();
    for (const char* p = run; p != end; ++p) {
        const unsigned char c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(run, p - run);
        run = p + 1;
        switch (c) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\b':
            out.append("\\b", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\f':
            out.append("\\f", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        default: {
            const char escaped[] = {'\\', 'u', '0', '0', Hex[c >> 4], Hex[c & 0xF]};
            out.append(escaped, sizeof escaped);
        }
        }
    }
    out.append(run, end - run);
    out.append('"');
}

// The same for a QString. Most strings written here (ids, names, times, enum names) are ASCII
// with nothing to escape: those are copied straight into `out`, with no UTF-8 copy made first.
void appendJsonString(QByteArray& out, QStringView text)
{
    const char16_t* const chars = text.utf16();
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = chars[i];
        if (c >= 0x80 || c < 0x20 || c == u'"' || c == u'\\') {
            appendJsonString(out, text.toUtf8());
            return;
        }
    }
    const qsizetype at = out.size();
    out.resize(at + size + 2);
    char* to = out.data() + at;
    *to++ = '"';
    for (qsizetype i = 0; i < size; ++i) {
        *to++ = char(chars[i]);
    }
    *to = '"';
}

// One object's members, in the order the caller writes them (which must be the sorted order
// of nlohmann::json's std::map), skipping null strings as put() does.
class ObjectWriter
{
public:
    explicit ObjectWriter(QByteArray& out)
        : m_out(out)
    {
        m_out.append('{');
    }
    ~ObjectWriter() { m_out.append('}'); }
    ObjectWriter(const ObjectWriter&) = delete;
    ObjectWriter& operator=(const ObjectWriter&) = delete;

    QByteArray& key(const char* name)
    {
        if (!m_first) {
            m_out.append(',');
        }
        m_first = false;
        m_out.append('"').append(name).append("\":");
        return m_out;
    }
    void string(const char* name, const QString& value)
    {
        if (!value.isNull()) {
            appendJsonString(key(name), value);
        }
    }
    void nullableString(const char* name, const QString& value)
    {
        if (value.isNull()) {
            key(name).append("null");
        } else {
            appendJsonString(key(name), value);
        }
    }
    // put(Timestamp)'s: left out when null.
    void time(const char* name, const Timestamp& value)
    {
        if (!value.isNull()) {
            appendJsonString(key(name), value.toIso());
        }
    }

private:
    QByteArray& m_out;
    bool m_first = true;
};

void writeAuditEvent(QByteArray& out, const AuditEvent& v)
{
    // The order of every object below is the byte order of its keys (what toJson's std::map
    // gives); TestGraphCodec compares the two encoders on many events.
    ObjectWriter o(out);
    o.time("activityDateTime", v.activityDateTime);
    o.string("activityDisplayName", v.activityDisplayName);
    {
        QByteArray& details = o.key("additionalDetails");
        details.append('[');
        bool first = true;
        for (const auto& kv : v.additionalDetails) {
            if (!first) {
                details.append(',');
            }
            first = false;
            ObjectWriter d(details);
            d.string("key", kv.key);
            d.string("value", kv.value);
        }
        details.append(']');
    }
    o.string("category", v.category);
    o.string("correlationId", v.correlationId);
    o.string("id", v.id);
    {
        ObjectWriter by(o.key("initiatedBy"));
        if (v.initiatedByApp) {
            const auto& a = *v.initiatedByApp;
            ObjectWriter app(by.key("app"));
            app.string("appId", a.appId);
            app.string("displayName", a.displayName);
            app.string("servicePrincipalId", a.servicePrincipalId);
            app.string("servicePrincipalName", a.servicePrincipalName);
        } else {
            by.key("app").append("null");
        }
        if (v.initiatedByUser) {
            const auto& u = *v.initiatedByUser;
            ObjectWriter user(by.key("user"));
            user.string("displayName", u.displayName);
            user.string("homeTenantId", u.homeTenantId);
            user.string("homeTenantName", u.homeTenantName);
            user.string("id", u.id);
            user.nullableString("ipAddress", u.ipAddress);
            user.string("userPrincipalName", u.userPrincipalName);
            user.string("userType", u.userType);
        } else {
            by.key("user").append("null");
        }
    }
    o.string("loggedByService", v.loggedByService);
    o.string("operationType", v.operationType);
    appendJsonString(o.key("result"), enumName(v.result));
    o.string("resultReason", v.resultReason);
    {
        QByteArray& targets = o.key("targetResources");
        targets.append('[');
        bool first = true;
        for (const auto& t : v.targetResources) {
            if (!first) {
                targets.append(',');
            }
            first = false;
            ObjectWriter x(targets);
            x.string("displayName", t.displayName);
            x.string("groupType", t.groupType);
            x.string("id", t.id);
            QByteArray& props = x.key("modifiedProperties");
            props.append('[');
            bool firstProperty = true;
            for (const auto& p : t.modifiedProperties) {
                if (!firstProperty) {
                    props.append(',');
                }
                firstProperty = false;
                ObjectWriter m(props);
                m.string("displayName", p.displayName);
                m.string("newValue", p.newValue);
                m.string("oldValue", p.oldValue);
            }
            props.append(']');
            x.string("type", t.type);
            x.string("userPrincipalName", t.userPrincipalName);
        }
        targets.append(']');
    }
}

} // namespace

QByteArray encodeAuditEvent(const AuditEvent& event)
{
    QByteArray out;
    out.reserve(1024);
    writeAuditEvent(out, event);
    return out;
}

namespace {

void writeIdentity(QByteArray& out, const Identity& v)
{
    ObjectWriter o(out);
    if (!v.odataType.isEmpty()) {
        appendJsonString(o.key("@odata.type"), QByteArray::fromStdString(graphType(v.odataType)));
    }
    o.string("displayName", v.displayName);
    o.string("id", v.id);
    o.string("userPrincipalName", v.userPrincipalName);
}

// toJson(ScheduleRequest)'s members in their sorted order, without the expanded objects.
void writeScheduleRequest(QByteArray& out, const ScheduleRequest& v, const QString& odataContext)
{
    const bool group = v.kind == PimKind::Group;
    ObjectWriter o(out);
    o.string("@odata.context", odataContext);
    if (group) {
        appendJsonString(o.key("accessId"), lowerFirst(enumName(v.accessId)));
    }
    appendJsonString(o.key("action"), enumName(v.action));
    if (!group) {
        o.string("appScopeId", v.appScopeId);
    }
    o.string("approvalId", v.approvalId);
    o.time("completedDateTime", v.completedDateTime);
    if (v.createdBy) {
        ObjectWriter by(o.key("createdBy"));
        by.key("application").append("null");
        by.key("device").append("null");
        writeIdentity(by.key("user"), *v.createdBy);
    }
    o.time("createdDateTime", v.createdDateTime);
    o.string("customData", v.customData);
    if (!group) {
        o.string("directoryScopeId", v.directoryScopeId);
    } else {
        appendJsonString(o.key("groupId"), v.groupId);
    }
    o.string("id", v.id);
    if (v.isValidationOnly) {
        o.key("isValidationOnly").append("true");
    }
    o.string("justification", v.justification);
    o.string("principalId", v.principalId);
    if (!group) {
        o.string("roleDefinitionId", v.roleDefinitionId);
    }
    if (v.scheduleInfo) {
        ObjectWriter schedule(o.key("scheduleInfo"));
        {
            const Expiration& x = v.scheduleInfo->expiration;
            ObjectWriter expiration(schedule.key("expiration"));
            if (x.duration) {
                appendJsonString(expiration.key("duration"), x.duration->toIso());
            }
            expiration.time("endDateTime", x.endDateTime);
            appendJsonString(expiration.key("type"), enumName(x.type));
        }
        schedule.time("startDateTime", v.scheduleInfo->startDateTime);
    }
    if (v.status != RequestStatus::Unknown || !v.id.isEmpty()) {
        appendJsonString(o.key("status"), enumName(v.status));
    }
    o.string("targetScheduleId", v.targetScheduleId);
    if (!v.ticketInfo.isEmpty()) {
        ObjectWriter ticket(o.key("ticketInfo"));
        ticket.string("ticketNumber", v.ticketInfo.ticketNumber);
        ticket.string("ticketSystem", v.ticketInfo.ticketSystem);
    }
}

} // namespace

std::optional<QByteArray> encodeScheduleRequest(const ScheduleRequest& request, const QString& odataContext)
{
    if (request.roleDefinition || request.principal || request.group) {
        return std::nullopt;
    }
    QByteArray out;
    out.reserve(1000); // under glibc's per-thread cache limit, with the array's header
    writeScheduleRequest(out, request, odataContext);
    return out;
}

QByteArray serialize(const json& value)
{
    const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace Elevate::GraphCodec
