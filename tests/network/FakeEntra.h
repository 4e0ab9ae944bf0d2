#pragma once

// A fake Microsoft identity platform + Microsoft Graph for the network tests, written from
// graph-contract.md: Entra's shapes (7 fractional digits, unknown fields and enum values,
// lower-case PIM-for-Groups enums, /beta approvals for directory roles, v1.0 stages for groups),
// its OAuth errors (authorization_pending, slow_down, authorization_declined, expired_token,
// invalid_grant), claims challenges, and faults on demand (429/503 storms with Retry-After,
// replies that never come, expired access tokens). One thread; raw HTTP/1.1 written by hand.

#include <QAbstractHttpServer>
#include <QCryptographicHash>
#include <QHash>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QUuid>

#include <functional>

struct FakeRequest
{
    QByteArray method;
    QString path;
    QUrlQuery query;
    QByteArray body;
    QString bearer;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QString form(const QString& name) const
    {
        return QUrlQuery(QString::fromUtf8(body).replace(u'+', u' ')).queryItemValue(name, QUrl::FullyDecoded);
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct FakeResponse
{
    int status = 0; // 0: not handled (fall through to the built-in routes)
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    bool hang = false; // never answer

    static FakeResponse json(int status, const QJsonObject& o) { return {status, QJsonDocument(o).toJson(QJsonDocument::Compact), {}, false}; }
    static FakeResponse raw(int status, const QByteArray& body) { return {status, body, {}, false}; }
    static FakeResponse graphError(int status, const QString& code, const QString& message)
    {
        const QJsonObject inner{{QStringLiteral("date"), QStringLiteral("2026-03-02T09:00:00")},
                                {QStringLiteral("request-id"), QStringLiteral("8a1c2f8e-0000-4000-8000-00000000abcd")},
                                {QStringLiteral("client-request-id"), QStringLiteral("8a1c2f8e-0000-4000-8000-00000000abcd")}};
        return json(status, QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                                             {QStringLiteral("message"), message},
                                                                             {QStringLiteral("innerError"), inner}}}});
    }
    static FakeResponse oauthError(const QString& error, const QString& description = {})
    {
        return json(400, QJsonObject{{QStringLiteral("error"), error},
                                     {QStringLiteral("error_description"), QString(QStringLiteral("AADSTS70016: ") + description + QStringLiteral("\r\nTrace ID: x"))},
                                     {QStringLiteral("error_codes"), QJsonArray{70016}}});
    }
};

class FakeEntra final : public QAbstractHttpServer
{
public:
    static constexpr const char* Me = "d2a8e9f0-1111-4c4c-9d9d-000000000001";
    static constexpr const char* Approver = "d2a8e9f0-2222-4c4c-9d9d-000000000002";
    static constexpr const char* GlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
    static constexpr const char* SecurityAdmin = "194ae4cb-b126-40b2-bd5b-6091b380977d"; // acrs c1 required
    static constexpr const char* Group = "9f3c1b2a-aaaa-4bbb-8ccc-0123456789ab";
    static constexpr const char* PendingRequest = "b5c7e6a4-0000-4000-8000-00000000c0de";
    static constexpr const char* PendingGroupRequest = "b5c7e6a4-0000-4000-8000-00000000900d";

    // Per-test hook, asked first: return status 0 to let the built-in routes answer.
    std::function<FakeResponse(const FakeRequest&)> intercept;
    QList<FakeRequest> log;

    // Identity state.
    QString deviceState = QStringLiteral("pending"); // pending, approved, declined, expired
    int slowDownPolls = 0;                           // answer slow_down this many times first
    int devicePolls = 0;
    int refreshRequests = 0;
    QString lastClaims;                              // claims of the last token request
    QStringList validTokens;
    QHash<QString, bool> acrsTokens;                 // access token -> carries acrs c1
    QString refreshToken;
    int issued = 0;
    QString pkceChallenge;
    QString pkceRedirect;
    QStringList decidedSteps;

    explicit FakeEntra(QObject* parent = nullptr)
        : QAbstractHttpServer(parent)
    {
    }

    QUrl base() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    quint16 start()
    {
        m_port = listen(QHostAddress::LocalHost, 0);
        return m_port;
    }
    void expireAccessTokens()
    {
        validTokens.clear();
    }
    int count(const QString& pathPart, const QByteArray& method = {}) const
    {
        return int(std::count_if(log.cbegin(), log.cend(), [&](const FakeRequest& r) {
            return r.path.contains(pathPart) && (method.isEmpty() || r.method == method);
        }));
    }
    QStringList issuedTokens() const { return m_allTokens; }

    // The "browser" of the PKCE tests: what the authorize endpoint would redirect to.
    QUrl authorize(const QUrl& authorizeUrl, const QString& overrideState = {})
    {
        const QUrlQuery q(authorizeUrl);
        pkceChallenge = q.queryItemValue(QStringLiteral("code_challenge"), QUrl::FullyDecoded);
        pkceRedirect = q.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded);
        lastClaims = q.queryItemValue(QStringLiteral("claims"), QUrl::FullyDecoded);
        m_pendingAcrs = lastClaims.contains(QStringLiteral("c1"));
        QUrl back(pkceRedirect);
        QUrlQuery answer;
        answer.addQueryItem(QStringLiteral("code"), QStringLiteral("AUTHCODE-") + QString::number(++m_codes));
        answer.addQueryItem(QStringLiteral("state"), overrideState.isEmpty() ? q.queryItemValue(QStringLiteral("state")) : overrideState);
        back.setQuery(answer);
        m_validCode = QStringLiteral("AUTHCODE-") + QString::number(m_codes);
        return back;
    }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override
    {
        FakeRequest r;
        r.method = methodName(request.method());
        r.path = request.url().path();
        r.query = request.query();
        r.body = request.body();
        for (const auto& [k, v] : request.headers()) {
            r.headers.insert(k.toLower(), v);
        }
        const QByteArray auth = r.headers.value("authorization");
        if (auth.startsWith("Bearer ")) {
            r.bearer = QString::fromLatin1(auth.mid(7));
        }
        log << r;
        FakeResponse response = intercept ? intercept(r) : FakeResponse{};
        if (response.hang) {
            return true;
        }
        if (response.status == 0) {
            response = route(r);
        }
        write(socket, response);
        return true;
    }
    void missingHandler(const QHttpServerRequest&, QTcpSocket* socket) override { write(socket, FakeResponse::raw(404, {})); }

private:
    static QByteArray methodName(QHttpServerRequest::Method m)
    {
        switch (m) {
        case QHttpServerRequest::Method::Get:
            return "GET";
        case QHttpServerRequest::Method::Post:
            return "POST";
        case QHttpServerRequest::Method::Patch:
            return "PATCH";
        case QHttpServerRequest::Method::Delete:
            return "DELETE";
        default:
            return "OTHER";
        }
    }

    static void write(QTcpSocket* socket, const FakeResponse& r)
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + " X\r\n";
        if (r.status != 204) {
            out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(r.body.size()) + "\r\n";
        }
        out += "request-id: fake-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces) + "\r\n";
        for (const auto& [k, v] : r.headers) {
            out += k + ": " + v + "\r\n";
        }
        out += "\r\n";
        if (r.status != 204) {
            out += r.body;
        }
        socket->write(out);
    }

    FakeResponse issueTokens(bool acrs)
    {
        ++issued;
        const QString access = QStringLiteral("AT-%1-s3cr3t-access").arg(issued);
        refreshToken = QStringLiteral("RT-%1-s3cr3t-refresh").arg(issued);
        m_allTokens << access << refreshToken;
        validTokens << access;
        acrsTokens.insert(access, acrs);
        return FakeResponse::json(200, QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                                   {QStringLiteral("scope"), QStringLiteral("User.Read")},
                                                   {QStringLiteral("expires_in"), 3599},
                                                   {QStringLiteral("ext_expires_in"), 3599},
                                                   {QStringLiteral("access_token"), access},
                                                   {QStringLiteral("refresh_token"), refreshToken}});
    }

    FakeResponse route(const FakeRequest& r)
    {
        static const QRegularExpression authorizePath(QStringLiteral("^/([^/]+)/oauth2/v2.0/authorize$"));
        if (authorizePath.match(r.path).hasMatch()) {
            // The sign-in page, already "completed": redirect back to the loopback listener.
            QUrl url = base();
            url.setPath(r.path);
            url.setQuery(r.query);
            FakeResponse redirect = FakeResponse::raw(302, {});
            redirect.headers << std::pair{QByteArray("Location"), authorize(url).toEncoded()};
            return redirect;
        }
        static const QRegularExpression oauth(QStringLiteral("^/([^/]+)/oauth2/v2.0/(devicecode|token)$"));
        if (const auto m = oauth.match(r.path); m.hasMatch()) {
            return identity(r, m.captured(2));
        }
        if (!r.path.startsWith(QStringLiteral("/v1.0/")) && !r.path.startsWith(QStringLiteral("/beta/"))) {
            return FakeResponse::raw(404, {});
        }
        if (!validTokens.contains(r.bearer)) {
            FakeResponse denied = FakeResponse::graphError(401, QStringLiteral("InvalidAuthenticationToken"),
                                                           QStringLiteral("Lifetime validation failed, the token is expired."));
            denied.headers << std::pair{QByteArray("WWW-Authenticate"), QByteArray("Bearer realm=\"\", authorization_uri=\"x\"")};
            return denied;
        }
        return graph(r);
    }

    FakeResponse identity(const FakeRequest& r, const QString& endpoint)
    {
        if (endpoint == u"devicecode") {
            lastClaims = r.form(QStringLiteral("claims"));
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("user_code"), QStringLiteral("FAKE-CODE")},
                                                       {QStringLiteral("device_code"), QStringLiteral("DEVICE-s3cr3t")},
                                                       {QStringLiteral("verification_uri"), QStringLiteral("https://microsoft.com/devicelogin")},
                                                       {QStringLiteral("expires_in"), 900},
                                                       {QStringLiteral("interval"), 1},
                                                       {QStringLiteral("message"), QStringLiteral("To sign in, use a web browser...")}});
        }
        const QString grant = r.form(QStringLiteral("grant_type"));
        if (grant == u"urn:ietf:params:oauth:grant-type:device_code") {
            ++devicePolls;
            if (r.form(QStringLiteral("device_code")) != u"DEVICE-s3cr3t") {
                return FakeResponse::oauthError(QStringLiteral("bad_verification_code"));
            }
            if (slowDownPolls > 0) {
                --slowDownPolls;
                return FakeResponse::oauthError(QStringLiteral("slow_down"));
            }
            if (deviceState == u"pending") {
                return FakeResponse::oauthError(QStringLiteral("authorization_pending"), QStringLiteral("pending"));
            }
            if (deviceState == u"declined") {
                return FakeResponse::oauthError(QStringLiteral("authorization_declined"));
            }
            if (deviceState == u"expired") {
                return FakeResponse::oauthError(QStringLiteral("expired_token"));
            }
            return issueTokens(lastClaims.contains(QStringLiteral("c1")));
        }
        if (grant == u"refresh_token") {
            ++refreshRequests;
            if (r.form(QStringLiteral("refresh_token")) != refreshToken || refreshToken.isEmpty()) {
                return FakeResponse::oauthError(QStringLiteral("invalid_grant"), QStringLiteral("refresh token revoked"));
            }
            lastClaims = r.form(QStringLiteral("claims"));
            return issueTokens(lastClaims.contains(QStringLiteral("c1")));
        }
        if (grant == u"authorization_code") {
            const QString verifier = r.form(QStringLiteral("code_verifier"));
            const QString challenge = QString::fromLatin1(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                                                              .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
            if (r.form(QStringLiteral("code")) != m_validCode || challenge != pkceChallenge
                || r.form(QStringLiteral("redirect_uri")) != pkceRedirect) {
                return FakeResponse::oauthError(QStringLiteral("invalid_grant"), QStringLiteral("code, verifier or redirect_uri mismatch"));
            }
            m_validCode.clear(); // single use
            return issueTokens(m_pendingAcrs);
        }
        return FakeResponse::oauthError(QStringLiteral("unsupported_grant_type"));
    }

    static QJsonObject page(const QJsonArray& items, const QString& next = {})
    {
        QJsonObject o{{QStringLiteral("@odata.context"), QStringLiteral("https://graph.microsoft.com/v1.0/$metadata#x")},
                      {QStringLiteral("value"), items}};
        if (!next.isEmpty()) {
            o.insert(QStringLiteral("@odata.nextLink"), next);
        }
        return o;
    }

    QJsonObject roleDefinition(const QString& id, const QString& name) const
    {
        return {{QStringLiteral("id"), id}, {QStringLiteral("displayName"), name}, {QStringLiteral("isBuiltIn"), true},
                {QStringLiteral("isEnabled"), true}, {QStringLiteral("templateId"), id},
                {QStringLiteral("someFutureField"), QJsonObject{{QStringLiteral("nested"), 1}}}};
    }

    QJsonObject scheduleRequest(const QString& id, const QString& role, const QString& status, const QString& principal) const
    {
        return {{QStringLiteral("id"), id},
                {QStringLiteral("status"), status},
                {QStringLiteral("action"), QStringLiteral("selfActivate")},
                {QStringLiteral("principalId"), principal},
                {QStringLiteral("roleDefinitionId"), role},
                {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                {QStringLiteral("appScopeId"), QJsonValue::Null},
                {QStringLiteral("approvalId"), status == u"PendingApproval" ? QJsonValue(id) : QJsonValue::Null},
                {QStringLiteral("createdDateTime"), QStringLiteral("2026-03-02T08:59:03.9014347Z")},
                {QStringLiteral("completedDateTime"), QJsonValue::Null},
                {QStringLiteral("justification"), QStringLiteral("Incident 42")},
                {QStringLiteral("createdBy"), QJsonObject{{QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), principal}}}}},
                {QStringLiteral("scheduleInfo"),
                 QJsonObject{{QStringLiteral("startDateTime"), QStringLiteral("2026-03-02T09:00:03Z")},
                             {QStringLiteral("recurrence"), QJsonValue::Null},
                             {QStringLiteral("expiration"), QJsonObject{{QStringLiteral("type"), QStringLiteral("afterDuration")},
                                                                        {QStringLiteral("endDateTime"), QJsonValue::Null},
                                                                        {QStringLiteral("duration"), QStringLiteral("PT2H")}}}}},
                {QStringLiteral("ticketInfo"), QJsonObject{{QStringLiteral("ticketNumber"), QJsonValue::Null},
                                                           {QStringLiteral("ticketSystem"), QJsonValue::Null}}},
                {QStringLiteral("principal"), QJsonObject{{QStringLiteral("id"), principal}, {QStringLiteral("displayName"), QStringLiteral("Alex Wilber")}}},
                {QStringLiteral("roleDefinition"), roleDefinition(role, role == QLatin1String(SecurityAdmin) ? QStringLiteral("Security Administrator")
                                                                                                          : QStringLiteral("Global Reader"))}};
    }

    QJsonObject policy(const QString& roleId) const
    {
        const bool acrs = roleId == QLatin1String(SecurityAdmin);
        QJsonArray rules{
            QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.unifiedRoleManagementPolicyExpirationRule")},
                        {QStringLiteral("id"), QStringLiteral("Expiration_EndUser_Assignment")},
                        {QStringLiteral("isExpirationRequired"), true},
                        {QStringLiteral("maximumDuration"), QStringLiteral("PT8H")},
                        {QStringLiteral("target"), QJsonObject{{QStringLiteral("caller"), QStringLiteral("EndUser")},
                                                               {QStringLiteral("operations"), QJsonArray{QStringLiteral("All")}},
                                                               {QStringLiteral("level"), QStringLiteral("Assignment")},
                                                               {QStringLiteral("inheritableSettings"), QJsonArray{}},
                                                               {QStringLiteral("enforcedSettings"), QJsonArray{}}}}},
            QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.unifiedRoleManagementPolicyEnablementRule")},
                        {QStringLiteral("id"), QStringLiteral("Enablement_EndUser_Assignment")},
                        {QStringLiteral("enabledRules"), QJsonArray{QStringLiteral("Justification"), QStringLiteral("Ticketing")}},
                        {QStringLiteral("target"), QJsonObject{{QStringLiteral("caller"), QStringLiteral("EndUser")},
                                                               {QStringLiteral("operations"), QJsonArray{QStringLiteral("All")}},
                                                               {QStringLiteral("level"), QStringLiteral("Assignment")}}}},
            QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule")},
                        {QStringLiteral("id"), QStringLiteral("AuthenticationContext_EndUser_Assignment")},
                        {QStringLiteral("isEnabled"), acrs},
                        {QStringLiteral("claimValue"), acrs ? QJsonValue(QStringLiteral("c1")) : QJsonValue::Null},
                        {QStringLiteral("target"), QJsonObject{{QStringLiteral("caller"), QStringLiteral("EndUser")},
                                                               {QStringLiteral("operations"), QJsonArray{QStringLiteral("All")}},
                                                               {QStringLiteral("level"), QStringLiteral("Assignment")}}}},
            QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.unifiedRoleManagementPolicyFutureRule")},
                        {QStringLiteral("id"), QStringLiteral("Future_EndUser_Assignment")}}};
        return {{QStringLiteral("id"), QString(QStringLiteral("DirectoryRole_tenant_") + roleId)},
                {QStringLiteral("policyId"), QString(QStringLiteral("DirectoryRole_tenant_") + roleId.left(8))},
                {QStringLiteral("scopeId"), QStringLiteral("/")},
                {QStringLiteral("scopeType"), QStringLiteral("DirectoryRole")},
                {QStringLiteral("roleDefinitionId"), roleId},
                {QStringLiteral("policy"), QJsonObject{{QStringLiteral("id"), QString(QStringLiteral("DirectoryRole_tenant_") + roleId.left(8))},
                                                       {QStringLiteral("displayName"), QStringLiteral("DirectoryRole")},
                                                       {QStringLiteral("isOrganizationDefault"), false},
                                                       {QStringLiteral("scopeId"), QStringLiteral("/")},
                                                       {QStringLiteral("scopeType"), QStringLiteral("DirectoryRole")},
                                                       {QStringLiteral("lastModifiedDateTime"), QStringLiteral("2026-01-05T10:11:12.287Z")},
                                                       {QStringLiteral("rules"), rules}}}};
    }

    FakeResponse graph(const FakeRequest& r)
    {
        const QString p = r.path;
        const QString role = QStringLiteral("/v1.0/roleManagement/directory");
        const QString group = QStringLiteral("/v1.0/identityGovernance/privilegedAccess/group");
        const QString reviews = QStringLiteral("/v1.0/identityGovernance/accessReviews/definitions");
        const bool mine = p.contains(QStringLiteral("filterByCurrentUser(on='principal')"));
        if (p == u"/v1.0/me") {
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("@odata.context"), QStringLiteral("x")},
                                                       {QStringLiteral("id"), QLatin1String(Me)},
                                                       {QStringLiteral("displayName"), QStringLiteral("Alex Wilber")},
                                                       {QStringLiteral("userPrincipalName"), QStringLiteral("alexw@contoso.onmicrosoft.com")},
                                                       {QStringLiteral("businessPhones"), QJsonArray{}}});
        }
        if (p.startsWith(role + QStringLiteral("/roleEligibilityScheduleInstances")) && mine) {
            auto item = [this](const QString& id, const QString& roleId, const QString& name, const QString& memberType) {
                return QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("principalId"), QLatin1String(Me)},
                                   {QStringLiteral("roleDefinitionId"), roleId}, {QStringLiteral("directoryScopeId"), QStringLiteral("/")},
                                   {QStringLiteral("appScopeId"), QJsonValue::Null},
                                   {QStringLiteral("startDateTime"), QStringLiteral("2025-06-01T00:00:00.0000001Z")},
                                   {QStringLiteral("endDateTime"), QJsonValue::Null}, {QStringLiteral("memberType"), memberType},
                                   {QStringLiteral("roleEligibilityScheduleId"), id}, {QStringLiteral("roleDefinition"), roleDefinition(roleId, name)}};
            };
            // Two pages; the second is reached through a verbatim nextLink with $skiptoken.
            if (!r.query.hasQueryItem(QStringLiteral("$skiptoken"))) {
                return FakeResponse::json(200, page({item(QStringLiteral("e1"), QLatin1String(GlobalReader), QStringLiteral("Global Reader"), QStringLiteral("Direct"))},
                                                    base().toString() + p + QStringLiteral("?$expand=roleDefinition&$skiptoken=abc%3D%3D")));
            }
            return FakeResponse::json(200, page({item(QStringLiteral("e2"), QLatin1String(SecurityAdmin), QStringLiteral("Security Administrator"),
                                                      QStringLiteral("SomethingNew"))}));
        }
        if (p.startsWith(role + QStringLiteral("/roleAssignmentScheduleInstances")) && mine) {
            return FakeResponse::json(200, page({}));
        }
        if (p.startsWith(group + QStringLiteral("/eligibilityScheduleInstances")) && mine) {
            return FakeResponse::json(200, page({QJsonObject{{QStringLiteral("id"), QString(QString(QLatin1String(Group)) + QStringLiteral("_member_x"))},
                                                             {QStringLiteral("principalId"), QLatin1String(Me)},
                                                             {QStringLiteral("groupId"), QLatin1String(Group)},
                                                             {QStringLiteral("accessId"), QStringLiteral("member")},
                                                             {QStringLiteral("memberType"), QStringLiteral("direct")},
                                                             {QStringLiteral("startDateTime"), QStringLiteral("2025-06-01T00:00:03Z")},
                                                             {QStringLiteral("endDateTime"), QStringLiteral("2027-06-01T00:00:50.287Z")},
                                                             {QStringLiteral("eligibilityScheduleId"), QStringLiteral("x")},
                                                             {QStringLiteral("group"), QJsonObject{{QStringLiteral("id"), QLatin1String(Group)},
                                                                                                   {QStringLiteral("displayName"), QStringLiteral("Prod Ops")}}}}}));
        }
        if (p.startsWith(group + QStringLiteral("/assignmentScheduleInstances")) && mine) {
            return FakeResponse::json(200, page({}));
        }
        if (p == u"/v1.0/policies/roleManagementPolicyAssignments") {
            const QString filter = r.query.queryItemValue(QStringLiteral("$filter"), QUrl::FullyDecoded);
            if (!filter.contains(QStringLiteral("scopeId eq"))) {
                return FakeResponse::graphError(400, QStringLiteral("BadRequest"), QStringLiteral("The scope filter is required."));
            }
            static const QRegularExpression roleId(QStringLiteral("roleDefinitionId eq '([^']+)'"));
            const QString id = roleId.match(filter).captured(1);
            if (filter.contains(QStringLiteral("'Group'"))) {
                QJsonObject groupPolicy = policy(id);
                groupPolicy.insert(QStringLiteral("scopeType"), QStringLiteral("Group"));
                return FakeResponse::json(200, page({groupPolicy}));
            }
            return FakeResponse::json(200, page({policy(id)}));
        }
        if (p == role + QStringLiteral("/roleAssignmentScheduleRequests") && r.method == "POST") {
            const QJsonObject body = r.json();
            const QString roleId = body.value(QStringLiteral("roleDefinitionId")).toString();
            if (roleId == QLatin1String(SecurityAdmin) && !acrsTokens.value(r.bearer)) {
                return FakeResponse::graphError(
                    400, QStringLiteral("RoleAssignmentRequestAcrsValidationFailed"),
                    QStringLiteral("The following policy rules failed: [\"AcrsRule\"]. &claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22"
                                   "essential%22%3Atrue%2C%22value%22%3A%22c1%22%7D%7D%7D"));
            }
            QJsonObject created = scheduleRequest(QUuid::createUuid().toString(QUuid::WithoutBraces), roleId,
                                                  roleId == QLatin1String(SecurityAdmin) ? QStringLiteral("Provisioned") : QStringLiteral("Granted"),
                                                  body.value(QStringLiteral("principalId")).toString());
            created.insert(QStringLiteral("justification"), body.value(QStringLiteral("justification")));
            created.insert(QStringLiteral("action"), body.value(QStringLiteral("action")));
            return FakeResponse::json(201, created);
        }
        if (p == group + QStringLiteral("/assignmentScheduleRequests") && r.method == "POST") {
            QJsonObject created = r.json();
            created.insert(QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
            created.insert(QStringLiteral("status"), QStringLiteral("provisioned")); // lower-case, as samples mix cases
            created.insert(QStringLiteral("createdDateTime"), QStringLiteral("2026-03-02T09:00:00Z"));
            return FakeResponse::json(201, created);
        }
        if (p.startsWith(role + QStringLiteral("/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')"))) {
            return FakeResponse::json(200, page({scheduleRequest(QLatin1String(PendingRequest), QLatin1String(GlobalReader),
                                                                 QStringLiteral("PendingApproval"), QStringLiteral("someone-else"))}));
        }
        if (p.startsWith(group + QStringLiteral("/assignmentScheduleRequests/filterByCurrentUser(on='approver')"))) {
            QJsonObject g{{QStringLiteral("id"), QLatin1String(PendingGroupRequest)}, {QStringLiteral("status"), QStringLiteral("PendingApproval")},
                          {QStringLiteral("action"), QStringLiteral("selfActivate")}, {QStringLiteral("accessId"), QStringLiteral("member")},
                          {QStringLiteral("groupId"), QLatin1String(Group)}, {QStringLiteral("principalId"), QStringLiteral("someone-else")},
                          {QStringLiteral("createdDateTime"), QStringLiteral("2026-03-02T08:00:00.1Z")}};
            return FakeResponse::json(200, page({g}));
        }
        if (p.startsWith(QStringLiteral("/v1.0/roleManagement/directory/roleAssignmentApprovals"))) {
            // Graph has no v1.0 approvals for directory roles (graph-contract.md §3.5).
            return FakeResponse::graphError(400, QStringLiteral("BadRequest"),
                                            QStringLiteral("Resource not found for the segment 'roleAssignmentApprovals'."));
        }
        static const QRegularExpression betaApproval(QStringLiteral("^/beta/roleManagement/directory/roleAssignmentApprovals/([^/]+)(/steps/([^/]+))?$"));
        if (const auto m = betaApproval.match(p); m.hasMatch()) {
            if (m.captured(1) != QLatin1String(PendingRequest)) {
                return FakeResponse::graphError(404, QStringLiteral("ResourceNotFound"), QStringLiteral("No approval."));
            }
            if (r.method == "PATCH") {
                if (decidedSteps.contains(m.captured(3))) {
                    return FakeResponse::graphError(409, QStringLiteral("Conflict"), QStringLiteral("Already decided."));
                }
                decidedSteps << m.captured(3);
                return FakeResponse::raw(204, {});
            }
            const bool done = decidedSteps.contains(QStringLiteral("step-2"));
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("id"), m.captured(1)},
                                                       {QStringLiteral("steps"), QJsonArray{
                                                            QJsonObject{{QStringLiteral("id"), QStringLiteral("step-1")}, {QStringLiteral("status"), QStringLiteral("Completed")},
                                                                        {QStringLiteral("assignedToMe"), false}, {QStringLiteral("reviewResult"), QStringLiteral("Approved")},
                                                                        {QStringLiteral("reviewedBy"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("x")}}}},
                                                                        {QStringLiteral("reviewedDateTime"), QStringLiteral("2026-03-02T08:30:00Z")}},
                                                            QJsonObject{{QStringLiteral("id"), QStringLiteral("step-2")},
                                                                        {QStringLiteral("status"), done ? QStringLiteral("Completed") : QStringLiteral("InProgress")},
                                                                        {QStringLiteral("assignedToMe"), true},
                                                                        {QStringLiteral("reviewResult"), QStringLiteral("NotReviewed")},
                                                                        {QStringLiteral("reviewedBy"), QJsonValue::Null},
                                                                        {QStringLiteral("displayName"), QJsonValue::Null}}}}});
        }
        static const QRegularExpression groupApproval(QStringLiteral("^/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/([^/]+)(/steps/([^/]+))?$"));
        if (const auto m = groupApproval.match(p); m.hasMatch()) {
            if (m.captured(1) != QLatin1String(PendingGroupRequest)) {
                return FakeResponse::graphError(404, QStringLiteral("ResourceNotFound"), QStringLiteral("No approval."));
            }
            if (r.method == "PATCH") {
                decidedSteps << m.captured(3);
                return FakeResponse::raw(204, {});
            }
            return FakeResponse::json(200, QJsonObject{{QStringLiteral("id"), m.captured(1)},
                                                       {QStringLiteral("stages"), QJsonArray{QJsonObject{
                                                            {QStringLiteral("id"), QStringLiteral("stage-1")}, {QStringLiteral("status"), QStringLiteral("InProgress")},
                                                            {QStringLiteral("assignedToMe"), true}, {QStringLiteral("reviewResult"), QStringLiteral("NotReviewed")},
                                                            {QStringLiteral("reviewedBy"), QJsonValue::Null}, {QStringLiteral("justification"), QJsonValue::Null}}}}});
        }
        if (p == reviews + QStringLiteral("/filterByCurrentUser(on='reviewer')")) {
            return FakeResponse::json(200, page({QJsonObject{{QStringLiteral("id"), QStringLiteral("def-1")},
                                                             {QStringLiteral("displayName"), QStringLiteral("Quarterly admins")},
                                                             {QStringLiteral("status"), QStringLiteral("InProgress")},
                                                             {QStringLiteral("createdDateTime"), QStringLiteral("2026-01-01T00:00:00Z")}}}));
        }
        if (p == reviews + QStringLiteral("/def-1/instances/filterByCurrentUser(on='reviewer')")) {
            return FakeResponse::json(200, page({QJsonObject{{QStringLiteral("id"), QStringLiteral("inst-1")},
                                                             {QStringLiteral("status"), QStringLiteral("InProgress")},
                                                             {QStringLiteral("startDateTime"), QStringLiteral("2026-03-01T00:00:00Z")},
                                                             {QStringLiteral("endDateTime"), QStringLiteral("2026-03-15T00:00:00Z")}}}));
        }
        if (p == reviews + QStringLiteral("/def-1/instances/inst-1/decisions/filterByCurrentUser(on='reviewer')")) {
            const QString filter = r.query.queryItemValue(QStringLiteral("$filter"), QUrl::FullyDecoded);
            QJsonObject d{{QStringLiteral("id"), QStringLiteral("dec-1")}, {QStringLiteral("accessReviewId"), QStringLiteral("inst-1")},
                          {QStringLiteral("decision"), QStringLiteral("NotReviewed")}, {QStringLiteral("recommendation"), QStringLiteral("Approve")},
                          {QStringLiteral("principal"), QJsonObject{{QStringLiteral("@odata.type"), QStringLiteral("#microsoft.graph.userIdentity")},
                                                                    {QStringLiteral("id"), QStringLiteral("u-9")}, {QStringLiteral("displayName"), QStringLiteral("Adele Vance")}}},
                          {QStringLiteral("reviewedBy"), QJsonObject{{QStringLiteral("id"), QStringLiteral("00000000-0000-0000-0000-000000000000")}}},
                          {QStringLiteral("reviewedDateTime"), QJsonValue::Null},
                          {QStringLiteral("applyResult"), QStringLiteral("New")}};
            if (filter.startsWith(QStringLiteral("id eq")) && !filter.contains(QStringLiteral("dec-1"))) {
                return FakeResponse::json(200, page({}));
            }
            return FakeResponse::json(200, page({d}));
        }
        if (p.startsWith(reviews + QStringLiteral("/def-1/instances/inst-1/"))) {
            return FakeResponse::raw(204, {});
        }
        if (p == u"/v1.0/auditLogs/directoryAudits") {
            auto event = [](int i) {
                return QJsonObject{{QStringLiteral("id"), QStringLiteral("Directory_%1").arg(i)},
                                   {QStringLiteral("category"), QStringLiteral("RoleManagement")},
                                   {QStringLiteral("result"), i % 2 ? QStringLiteral("success") : QStringLiteral("unknownFutureValue")},
                                   {QStringLiteral("activityDisplayName"), QStringLiteral("Add member to role completed (PIM activation)")},
                                   {QStringLiteral("activityDateTime"), QStringLiteral("2026-03-02T08:%1:00.12Z").arg(i, 2, 10, QLatin1Char('0'))},
                                   {QStringLiteral("loggedByService"), QStringLiteral("PIM")},
                                   {QStringLiteral("initiatedBy"), QJsonObject{{QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), QLatin1String(Me)},
                                                                                                                    {QStringLiteral("displayName"), QStringLiteral("Alex Wilber")}}},
                                                                               {QStringLiteral("app"), QJsonValue::Null}}},
                                   {QStringLiteral("targetResources"), QJsonArray{QJsonObject{{QStringLiteral("id"), QLatin1String(GlobalReader)},
                                                                                              {QStringLiteral("displayName"), i == 3 ? QStringLiteral("Needle Role") : QStringLiteral("Global Reader")},
                                                                                              {QStringLiteral("type"), QStringLiteral("Role")}}}}};
            };
            const int skip = r.query.queryItemValue(QStringLiteral("$skiptoken")).toInt();
            QJsonArray items;
            for (int i = skip; i < std::min(skip + 2, 5); ++i) {
                items << event(i);
            }
            return FakeResponse::json(200, page(items, skip + 2 < 5 ? base().toString() + p + QStringLiteral("?$top=2&$skiptoken=%1").arg(skip + 2) : QString()));
        }
        return FakeResponse::graphError(404, QStringLiteral("Request_ResourceNotFound"), QStringLiteral("No route ") + p);
    }

    quint16 m_port = 0;
    int m_codes = 0;
    QString m_validCode;
    bool m_pendingAcrs = false;
    QStringList m_allTokens;
};
