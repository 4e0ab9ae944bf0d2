#pragma once

#include "Authority.h"
#include "Profile.h"
#include "Session.h"

#include <QObject>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <memory>

class QCommandLineParser;
class QNetworkAccessManager;

namespace Elevate {

namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
class Credentials;
class SyncEngine;
class Workspace;
class GraphClient;
class ProfileStore;
class TokenStore;

// elevatectl: the console's command-line twin. Parses one command line, runs it through the same
// libraries as the console (ProfileStore, Authority, TokenStore, GraphClient, Session) and ends
// with finished(exitCode): 0 done, 1 refused by the server or the policy (reason on stderr),
// 2 usage, 3 unreachable, 4 signed out. Listings print aligned tables in local time, or stable
// JSON with --json.
class Cli final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Cli)

public:
    enum ExitCode { Done = 0, Refused = 1, Usage = 2, Unreachable = 3, SignedOut = 4 };

    struct Environment
    {
        QString profilesFile;            // empty: the user's config folder
        QString keychainService = QStringLiteral("Elevate");
        // Opens the system browser for the PKCE sign-in; prints the URL as well.
        std::function<bool(const QUrl&)> openBrowser;
        // Where each profile's offline cache and outbox live; empty: the user's data folder.
        QString dataDir;
    };

    Cli(QStringList arguments, QTextStream& out, QTextStream& err, Environment environment, QObject* parent = nullptr);
    ~Cli() override;

    // Runs the command; finished() follows (possibly before start() returns).
    void start();

    static int exitCodeOf(SessionOutcome outcome);

signals:
    void finished(int exitCode);

private:
    using Handler = void (Cli::*)(const QStringList& positional);
    struct Command;

    void finish(int code);
    void usage(const QString& message);
    void fail(SessionOutcome outcome, const QString& message, const QString& details = {});
    bool prepareBackend(); // profile + network objects; false after reporting the error
    void printJson(const nlohmann::json& json);
    QString option(const QString& name) const;
    bool isSet(const QString& name) const;
    void interactiveSignIn(Authority& authority, const QString& claims, bool deviceCode,
                           std::function<void(const AuthResult&)> done);

    void cmdProfile(const QStringList& args);
    void cmdLogin(const QStringList& args);
    void cmdLogout(const QStringList& args);
    void cmdWhoami(const QStringList& args);
    void cmdRoles(const QStringList& args);
    void cmdActivate(const QStringList& args);
    void cmdDeactivate(const QStringList& args);
    void cmdExtend(const QStringList& args);
    void cmdRequests(const QStringList& args);
    void cmdCancel(const QStringList& args);
    void cmdApprovals(const QStringList& args);
    void cmdApprove(const QStringList& args);
    void cmdDeny(const QStringList& args);
    void cmdReviews(const QStringList& args);
    void cmdDecisions(const QStringList& args);
    void cmdDecide(const QStringList& args);
    void cmdAcceptRecommendations(const QStringList& args);
    void cmdAudit(const QStringList& args);
    void decideApprovals(const QStringList& ids, ApprovalVerdict verdict);
    void cmdSync(const QStringList& args);
    void cmdOutbox(const QStringList& args);
    void auditFromArchive();
    // Opens the profile's cache and outbox and the sync engine; a failure is reported, and the
    // command goes on online only.
    void openOffline();
    // Says on stderr that a listing came from the cache, and how old it is.
    void noteAge(const Timestamp& cachedAt);

    static const QList<Command>& commands();

    QStringList m_arguments;
    QTextStream& m_out;
    QTextStream& m_err;
    Environment m_env;
    std::unique_ptr<QCommandLineParser> m_parser;
    std::unique_ptr<ProfileStore> m_profiles;
    Profile m_profile;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<TokenStore> m_looseTokens; // 'profile remove': a token store without a workspace
    std::unique_ptr<Workspace> m_workspace;    // the profile's client stack (prepareBackend)
    // Views into m_workspace; null before prepareBackend, and the last three when the offline
    // layer could not be opened.
    TokenStore* m_tokens = nullptr;
    Authority* m_authority = nullptr;
    Credentials* m_credentials = nullptr;
    GraphClient* m_graph = nullptr;
    Session* m_session = nullptr;
    Cache::CacheDatabase* m_cache = nullptr;
    Cache::Outbox* m_outbox = nullptr;
    SyncEngine* m_engine = nullptr;
    bool m_json = false;
    bool m_finished = false;
};

} // namespace Elevate
