#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Elevate {

// The Entra national clouds of graph-contract.md §0.
enum class EntraCloud { Global, UsGov, UsGovDod, China };

// One backend the console talks to: Microsoft Entra (Graph + the identity platform) or an
// `elevated` server (which serves both at one base URL). A plain value; ProfileStore persists it.
// It never holds a token.
struct Profile
{
    enum class Kind { Entra, Elevated };

    QString name;
    QString id;           // stable key for the keychain entry, made when the profile is added
    Kind kind = Kind::Elevated;
    QUrl authority;       // identity host, e.g. https://login.microsoftonline.com
    QUrl graph;           // Graph host, e.g. https://graph.microsoft.com
    QString tenant;       // GUID, domain, "organizations" or "common"
    QString clientId;
    QStringList scopes;
    QString cloud;        // "global", "usgov", "usgov-dod", "china"; empty for elevated / overrides

    // A public client id usable without registering an app: Microsoft Graph Command Line Tools
    // (the one Connect-MgGraph uses). Organisations that block it pass --client-id.
    static QString defaultEntraClientId();
    static QString defaultElevatedClientId();

    static std::optional<EntraCloud> parseCloud(QStringView text);
    static QString cloudName(EntraCloud cloud);
    static QUrl cloudAuthority(EntraCloud cloud);
    static QUrl cloudGraph(EntraCloud cloud);

    // An Entra profile for `cloud`, with the delegated scopes of graph-contract.md §1.5 on that
    // cloud's Graph host.
    static Profile entra(const QString& name, const QString& tenant, EntraCloud cloud, const QString& clientId = {});
    // An elevated profile: authority and Graph are both `baseUrl`.
    static Profile elevated(const QString& name, const QUrl& baseUrl, const QString& clientId = {});
    // The Entra scopes for a Graph host (openid, offline_access and the PIM scopes).
    static QStringList entraScopes(const QUrl& graph);

    // True for 127.0.0.0/8, ::1 and "localhost".
    static bool isLoopback(const QUrl& url);
    // https anywhere, http only on loopback; nothing else.
    static bool isAcceptableEndpoint(const QUrl& url);
    // A name usable on the command line and as a settings group: letters, digits, '-', '_', '.'.
    static bool isValidName(const QString& name);

    // Empty when the profile can be used, else a sentence saying what is wrong.
    QString validate() const;

    // {authority}/{tenant}/oauth2/v2.0/{endpoint}
    QUrl oauthEndpoint(QStringView endpoint) const;
    // {graph}{pathAndQuery}; pathAndQuery starts with "/v1.0/" or "/beta/".
    QUrl graphUrl(const QString& pathAndQuery) const;

    friend bool operator==(const Profile&, const Profile&) = default;
};

} // namespace Elevate
