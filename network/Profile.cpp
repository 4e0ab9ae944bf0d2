#include "Profile.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace Elevate {

QString Profile::defaultEntraClientId()
{
    return QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e");
}

QString Profile::defaultElevatedClientId()
{
    return QStringLiteral("elevate");
}

std::optional<EntraCloud> Profile::parseCloud(QStringView text)
{
    const QString t = text.trimmed().toString().toLower();
    if (t == u"global" || t == u"public") {
        return EntraCloud::Global;
    }
    if (t == u"usgov" || t == u"gcchigh") {
        return EntraCloud::UsGov;
    }
    if (t == u"usgov-dod" || t == u"dod") {
        return EntraCloud::UsGovDod;
    }
    if (t == u"china") {
        return EntraCloud::China;
    }
    return std::nullopt;
}

QString Profile::cloudName(EntraCloud cloud)
{
    switch (cloud) {
    case EntraCloud::Global:
        return QStringLiteral("global");
    case EntraCloud::UsGov:
        return QStringLiteral("usgov");
    case EntraCloud::UsGovDod:
        return QStringLiteral("usgov-dod");
    case EntraCloud::China:
        return QStringLiteral("china");
    }
    return {};
}

QUrl Profile::cloudAuthority(EntraCloud cloud)
{
    switch (cloud) {
    case EntraCloud::Global:
        return QUrl(QStringLiteral("https://login.microsoftonline.com"));
    case EntraCloud::UsGov:
    case EntraCloud::UsGovDod:
        return QUrl(QStringLiteral("https://login.microsoftonline.us"));
    case EntraCloud::China:
        return QUrl(QStringLiteral("https://login.chinacloudapi.cn"));
    }
    return {};
}

QUrl Profile::cloudGraph(EntraCloud cloud)
{
    switch (cloud) {
    case EntraCloud::Global:
        return QUrl(QStringLiteral("https://graph.microsoft.com"));
    case EntraCloud::UsGov:
        return QUrl(QStringLiteral("https://graph.microsoft.us"));
    case EntraCloud::UsGovDod:
        return QUrl(QStringLiteral("https://dod-graph.microsoft.us"));
    case EntraCloud::China:
        return QUrl(QStringLiteral("https://microsoftgraph.chinacloudapi.cn"));
    }
    return {};
}

QStringList Profile::entraScopes(const QUrl& graph)
{
    // Tokens are not portable between clouds: the scope URIs carry the cloud's Graph host.
    QString host = graph.toString(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (host.endsWith(u'/')) {
        host.chop(1);
    }
    QStringList scopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("offline_access")};
    for (const char* s : {"User.Read", "RoleManagement.Read.Directory", "RoleAssignmentSchedule.ReadWrite.Directory",
                          "RoleEligibilitySchedule.Read.Directory", "RoleManagementPolicy.Read.Directory",
                          "RoleManagementPolicy.Read.AzureADGroup", "PrivilegedEligibilitySchedule.Read.AzureADGroup",
                          "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup", "AccessReview.ReadWrite.All",
                          "AuditLog.Read.All"}) {
        scopes << host + u'/' + QString::fromLatin1(s);
    }
    return scopes;
}

Profile Profile::entra(const QString& name, const QString& tenant, EntraCloud cloud, const QString& clientId)
{
    Profile p;
    p.name = name;
    p.kind = Kind::Entra;
    p.authority = cloudAuthority(cloud);
    p.graph = cloudGraph(cloud);
    p.tenant = tenant;
    p.clientId = clientId.isEmpty() ? defaultEntraClientId() : clientId;
    p.scopes = entraScopes(p.graph);
    p.cloud = cloudName(cloud);
    return p;
}

Profile Profile::elevated(const QString& name, const QUrl& baseUrl, const QString& clientId)
{
    Profile p;
    p.name = name;
    p.kind = Kind::Elevated;
    p.authority = baseUrl;
    p.graph = baseUrl;
    p.tenant = QStringLiteral("organizations");
    p.clientId = clientId.isEmpty() ? defaultElevatedClientId() : clientId;
    p.scopes = {QStringLiteral("openid"), QStringLiteral("offline_access")};
    return p;
}

bool Profile::isLoopback(const QUrl& url)
{
    const QString host = url.host();
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0) {
        return true;
    }
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool Profile::isAcceptableEndpoint(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()) {
        return false;
    }
    const QString scheme = url.scheme().toLower();
    return scheme == u"https" || (scheme == u"http" && isLoopback(url));
}

bool Profile::isValidName(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return pattern.match(name).hasMatch();
}

QString Profile::validate() const
{
    if (!isValidName(name)) {
        return QStringLiteral("A profile name uses letters, digits, '.', '-' and '_' (at most 64).");
    }
    for (const QUrl& url : {authority, graph}) {
        if (!isAcceptableEndpoint(url)) {
            if (url.scheme().compare(u"http", Qt::CaseInsensitive) == 0) {
                return QStringLiteral("%1 uses http:// on a non-loopback host; use https://.")
                    .arg(url.toString(QUrl::RemoveUserInfo));
            }
            return QStringLiteral("'%1' is not a usable https:// URL.").arg(url.toString(QUrl::RemoveUserInfo));
        }
    }
    static const QRegularExpression tenantPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$"));
    if (!tenantPattern.match(tenant).hasMatch()) {
        return QStringLiteral("'%1' is not a tenant id or domain.").arg(tenant);
    }
    if (clientId.trimmed().isEmpty()) {
        return QStringLiteral("The profile has no client id.");
    }
    return {};
}

QUrl Profile::oauthEndpoint(QStringView endpoint) const
{
    QUrl url = authority;
    QString path = url.path();
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    url.setPath(path + u'/' + tenant + QStringLiteral("/oauth2/v2.0/") + endpoint.toString());
    return url;
}

QUrl Profile::graphUrl(const QString& pathAndQuery) const
{
    QString base = graph.toString(QUrl::FullyEncoded);
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    // TolerantMode would turn a stray '+' into a space in $filter; the callers encode.
    return QUrl(base + pathAndQuery, QUrl::StrictMode);
}

} // namespace Elevate
