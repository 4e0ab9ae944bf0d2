#include "Cli.h"

#include "Authority.h"
#include "AuditStore.h"
#include "CacheDatabase.h"
#include "Credentials.h"
#include "GraphClient.h"
#include "HumanFormat.h"
#include "Outbox.h"
#include "ProfileStore.h"
#include "SyncEngine.h"
#include "TextTable.h"
#include "TokenStore.h"
#include "Workspace.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTimer>

namespace Elevate {

namespace {

using json = nlohmann::json;

// The JSON array of `items`, each through `toJson`.
template <typename T, typename F>
json jsonArray(const QList<T>& items, F toJson)
{
    json list = json::array();
    for (const T& item : items) {
        list.push_back(toJson(item));
    }
    return list;
}

std::string s(const QString& text)
{
    return text.toStdString();
}

json timeJson(const Timestamp& t)
{
    return t.isNull() ? json(nullptr) : json(s(t.toIso()));
}

QString kindName(PimKind kind)
{
    return kind == PimKind::Group ? QStringLiteral("group") : QStringLiteral("role");
}

QString accessName(GroupAccess access)
{
    return access == GroupAccess::Unknown ? QString() : enumName(access);
}

QString requestRole(const ScheduleRequest& r)
{
    if (r.roleDefinition && !r.roleDefinition->displayName.isEmpty()) {
        return r.roleDefinition->displayName;
    }
    if (r.group && !r.group->displayName.isEmpty()) {
        return r.group->displayName + QStringLiteral(" (") + enumName(r.accessId) + u')';
    }
    return r.kind == PimKind::Group ? r.groupId : r.roleDefinitionId;
}

QString requestDuration(const ScheduleRequest& r)
{
    if (r.scheduleInfo && r.scheduleInfo->expiration.duration) {
        return HumanFormat::duration(r.scheduleInfo->expiration.duration->seconds());
    }
    return {};
}

json requestJson(const ScheduleRequest& r)
{
    json j = json::object();
    j["id"] = s(r.id);
    j["kind"] = s(kindName(r.kind));
    j["role"] = s(requestRole(r));
    j["roleId"] = s(r.kind == PimKind::Group ? r.groupId : r.roleDefinitionId);
    j["access"] = r.kind == PimKind::Group ? json(s(accessName(r.accessId))) : json(nullptr);
    j["action"] = s(enumName(r.action));
    j["status"] = s(enumName(r.status));
    j["created"] = timeJson(r.createdDateTime);
    j["justification"] = s(r.justification);
    j["ticketSystem"] = s(r.ticketInfo.ticketSystem);
    j["ticketNumber"] = s(r.ticketInfo.ticketNumber);
    j["principalId"] = s(r.principalId);
    j["principal"] = s(r.principal ? r.principal->displayName : QString());
    j["start"] = r.scheduleInfo ? timeJson(r.scheduleInfo->startDateTime) : json(nullptr);
    j["duration"] = r.scheduleInfo && r.scheduleInfo->expiration.duration ? json(s(r.scheduleInfo->expiration.duration->toIso()))
                                                                          : json(nullptr);
    return j;
}

QString timeLeft(const Timestamp& end)
{
    if (end.isNull()) {
        return QStringLiteral("permanent");
    }
    const Timestamp now = Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
    return HumanFormat::remaining(now.msecsTo(end) / 1000);
}

} // namespace

struct Cli::Command
{
    QString name;
    QString arguments;   // synopsis of the positional arguments
    QString description;
    QList<QCommandLineOption> options;
    Handler handler;
    int minArgs = 0;
    int maxArgs = 0;     // -1: any number
    bool needsBackend = true;
};

const QList<Cli::Command>& Cli::commands()
{
    static const QList<Command> list = [] {
        using O = QCommandLineOption;
        const O reason(QStringLiteral("reason"), QStringLiteral("Why (shown to the requester and in the audit log)."), QStringLiteral("TEXT"));
        QList<Command> c;
        c << Command{QStringLiteral("profile"), QStringLiteral("add NAME (--elevated URL | --entra TENANT [--cloud C] [--client-id ID] [--authority URL --graph URL]) | list | use NAME | remove NAME"),
                     QStringLiteral("Manage profiles: which backend elevatectl talks to."),
                     {O(QStringLiteral("elevated"), QStringLiteral("Base URL of an elevated server."), QStringLiteral("URL")),
                      O(QStringLiteral("entra"), QStringLiteral("Entra tenant id or domain."), QStringLiteral("TENANT")),
                      O(QStringLiteral("cloud"), QStringLiteral("global, usgov, usgov-dod or china (default global)."), QStringLiteral("CLOUD")),
                      O(QStringLiteral("client-id"), QStringLiteral("Application (client) id."), QStringLiteral("ID")),
                      O(QStringLiteral("authority"), QStringLiteral("Identity endpoint override."), QStringLiteral("URL")),
                      O(QStringLiteral("graph"), QStringLiteral("Graph endpoint override."), QStringLiteral("URL"))},
                     &Cli::cmdProfile, 1, 2, false};
        c << Command{QStringLiteral("login"), QString(), QStringLiteral("Sign in (browser by default)."),
                     {O(QStringLiteral("device-code"), QStringLiteral("Sign in with a code on another device."))}, &Cli::cmdLogin};
        c << Command{QStringLiteral("logout"), QString(), QStringLiteral("Forget this profile's tokens."), {}, &Cli::cmdLogout};
        c << Command{QStringLiteral("whoami"), QString(), QStringLiteral("Show the signed-in user."), {}, &Cli::cmdWhoami};
        c << Command{QStringLiteral("roles"), QString(), QStringLiteral("List eligible and active roles and groups."), {}, &Cli::cmdRoles};
        c << Command{QStringLiteral("activate"), QStringLiteral("ROLE..."), QStringLiteral("Activate one or several roles."),
                     {O(QStringLiteral("duration"), QStringLiteral("How long, e.g. 1h, 90m, PT2H."), QStringLiteral("DURATION")),
                      O(QStringLiteral("justification"), QStringLiteral("Why you need the role."), QStringLiteral("TEXT")),
                      O(QStringLiteral("ticket"), QStringLiteral("Ticket as SYSTEM:NUMBER."), QStringLiteral("TICKET")),
                      O(QStringLiteral("start"), QStringLiteral("Start time (ISO, 'YYYY-MM-DD HH:MM', 'HH:MM' or +30m)."), QStringLiteral("TIME")),
                      O(QStringLiteral("wait"), QStringLiteral("Wait until approved or refused.")),
                      O(QStringLiteral("device-code"), QStringLiteral("Use the device code flow for a step-up sign-in."))},
                     &Cli::cmdActivate, 1, -1};
        c << Command{QStringLiteral("deactivate"), QStringLiteral("ROLE"), QStringLiteral("Deactivate an active role."), {}, &Cli::cmdDeactivate, 1, 1};
        c << Command{QStringLiteral("extend"), QStringLiteral("ROLE"), QStringLiteral("Ask to extend an assignment near its end."),
                     {O(QStringLiteral("duration"), QStringLiteral("How much longer (default 1h)."), QStringLiteral("DURATION")),
                      O(QStringLiteral("justification"), QStringLiteral("Why."), QStringLiteral("TEXT"))},
                     &Cli::cmdExtend, 1, 1};
        c << Command{QStringLiteral("requests"), QString(), QStringLiteral("List your requests."), {}, &Cli::cmdRequests};
        c << Command{QStringLiteral("cancel"), QStringLiteral("ID"), QStringLiteral("Cancel a pending request."), {}, &Cli::cmdCancel, 1, 1};
        c << Command{QStringLiteral("approvals"), QString(), QStringLiteral("List requests waiting for your approval."), {}, &Cli::cmdApprovals};
        c << Command{QStringLiteral("approve"), QStringLiteral("ID..."), QStringLiteral("Approve requests."), {reason}, &Cli::cmdApprove, 1, -1};
        c << Command{QStringLiteral("deny"), QStringLiteral("ID..."), QStringLiteral("Deny requests (--reason required)."), {reason}, &Cli::cmdDeny, 1, -1};
        c << Command{QStringLiteral("reviews"), QString(), QStringLiteral("List access reviews assigned to you."), {}, &Cli::cmdReviews};
        c << Command{QStringLiteral("decisions"), QStringLiteral("REVIEW"), QStringLiteral("List the decisions of a review."), {}, &Cli::cmdDecisions, 1, 1};
        c << Command{QStringLiteral("decide"), QStringLiteral("ID approve|deny|dontknow"), QStringLiteral("Record a review decision."), {reason},
                     &Cli::cmdDecide, 2, 2};
        c << Command{QStringLiteral("accept-recommendations"), QStringLiteral("REVIEW"),
                     QStringLiteral("Apply the recommendations to your undecided items."), {}, &Cli::cmdAcceptRecommendations, 1, 1};
        c << Command{QStringLiteral("audit"), QString(), QStringLiteral("Query the audit log."),
                     {O(QStringLiteral("since"), QStringLiteral("From (same forms as --start; -7d style not accepted)."), QStringLiteral("TIME")),
                      O(QStringLiteral("until"), QStringLiteral("Until."), QStringLiteral("TIME")),
                      O(QStringLiteral("actor"), QStringLiteral("Who did it (display name or id)."), QStringLiteral("NAME")),
                      O(QStringLiteral("role"), QStringLiteral("Target role or group (display name or id)."), QStringLiteral("ROLE")),
                      O(QStringLiteral("activity"), QStringLiteral("Activity name prefix."), QStringLiteral("TEXT")),
                      O(QStringLiteral("result"), QStringLiteral("success, failure or timeout."), QStringLiteral("RESULT")),
                      O(QStringLiteral("text"), QStringLiteral("Free text anywhere in the event."), QStringLiteral("TEXT")),
                      O(QStringLiteral("limit"), QStringLiteral("At most N events (default 50)."), QStringLiteral("N")),
                      O(QStringLiteral("archive"), QStringLiteral("Pull new events into the local archive and answer from it (actor and role by id, exact activity).")),
                      O(QStringLiteral("csv"), QStringLiteral("Export every matching archived event as CSV (implies --archive)."))},
                     &Cli::cmdAudit};
        c << Command{QStringLiteral("sync"), QString(), QStringLiteral("Send the outbox, then pull everything into the offline cache."), {},
                     &Cli::cmdSync};
        c << Command{QStringLiteral("outbox"), QString(), QStringLiteral("List decisions recorded offline; retry or discard one."),
                     {O(QStringLiteral("retry"), QStringLiteral("Send a conflicting or failed item again."), QStringLiteral("ID")),
                      O(QStringLiteral("discard"), QStringLiteral("Give an item up."), QStringLiteral("ID"))},
                     &Cli::cmdOutbox};
        return c;
    }();
    return list;
}

Cli::Cli(QStringList arguments, QTextStream& out, QTextStream& err, Environment environment, QObject* parent)
    : QObject(parent)
    , m_arguments(std::move(arguments))
    , m_out(out)
    , m_err(err)
    , m_env(std::move(environment))
{
}

Cli::~Cli() = default;

int Cli::exitCodeOf(SessionOutcome outcome)
{
    switch (outcome) {
    case SessionOutcome::Done:
        return Done;
    case SessionOutcome::Refused:
        return Refused;
    case SessionOutcome::Invalid:
        return Usage;
    case SessionOutcome::Unreachable:
        return Unreachable;
    case SessionOutcome::SignedOut:
        return SignedOut;
    }
    return Refused;
}

void Cli::finish(int code)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_out.flush();
    m_err.flush();
    // Queued: the caller may still be inside a network callback.
    QMetaObject::invokeMethod(this, [this, code] { emit finished(code); }, Qt::QueuedConnection);
}

void Cli::usage(const QString& message)
{
    m_err << "elevatectl: " << message << "\n" << "Try 'elevatectl --help'.\n";
    finish(Usage);
}

void Cli::fail(SessionOutcome outcome, const QString& message, const QString& details)
{
    m_err << message << "\n";
    if (!details.isEmpty()) {
        m_err << "  (" << details << ")\n";
    }
    finish(exitCodeOf(outcome));
}

QString Cli::option(const QString& name) const
{
    return m_parser->isSet(name) ? m_parser->value(name) : QString();
}

bool Cli::isSet(const QString& name) const
{
    return m_parser->isSet(name);
}

void Cli::printJson(const nlohmann::json& j)
{
    m_out << QString::fromStdString(j.dump(2, ' ', false, json::error_handler_t::replace)) << "\n";
}

void Cli::start()
{
    // The command is the first argument that is not an option (or the value of --profile).
    QStringList rest = m_arguments.mid(1);
    QString commandName;
    for (qsizetype i = 0; i < rest.size(); ++i) {
        if (rest.at(i) == u"--profile") {
            ++i;
            continue;
        }
        if (!rest.at(i).startsWith(u'-')) {
            commandName = rest.takeAt(i);
            break;
        }
    }
    const QList<Command>& all = commands();
    const auto command = std::find_if(all.cbegin(), all.cend(), [&](const Command& c) { return c.name == commandName; });
    const bool wantsHelp = rest.contains(QStringLiteral("--help")) || rest.contains(QStringLiteral("-h"));
    if (commandName.isEmpty() || command == all.cend()) {
        if (wantsHelp || commandName.isEmpty()) {
            TextTable table({QStringLiteral("command"), QStringLiteral("what it does")});
            for (const Command& c : all) {
                table.addRow({c.name + (c.arguments.isEmpty() || c.name == u"profile" ? QString() : u' ' + c.arguments), c.description});
            }
            (commandName.isEmpty() && !wantsHelp ? m_err : m_out)
                << "Usage: elevatectl [--profile NAME] [--json] [--verbose] [--offline] COMMAND [ARGS]\n\n"
                << table.render()
                << "\nExit codes: 0 done, 1 refused, 2 usage, 3 unreachable, 4 signed out.\n"
                << "'elevatectl COMMAND --help' shows a command's options.\n";
            finish(commandName.isEmpty() && !wantsHelp ? Usage : Done);
            return;
        }
        usage(QStringLiteral("unknown command '%1'").arg(commandName));
        return;
    }

    m_parser = std::make_unique<QCommandLineParser>();
    m_parser->setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser->addOption(QCommandLineOption(QStringLiteral("profile"), QStringLiteral("Use this profile."), QStringLiteral("NAME")));
    m_parser->addOption(QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print JSON (stable field names).")));
    m_parser->addOption(QCommandLineOption(QStringLiteral("verbose"), QStringLiteral("Log network calls to stderr (never tokens).")));
    m_parser->addOption(QCommandLineOption(QStringLiteral("offline"), QStringLiteral("Answer from the offline cache; do not contact the server.")));
    m_parser->addOption(QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")));
    m_parser->addOptions(command->options);
    m_parser->addPositionalArgument(command->arguments.isEmpty() ? QStringLiteral(" ") : command->arguments, QString());
    if (!m_parser->parse(QStringList{QStringLiteral("elevatectl")} + rest)) {
        usage(m_parser->errorText());
        return;
    }
    if (m_parser->isSet(QStringLiteral("help"))) {
        m_out << "Usage: elevatectl " << command->name << ' ' << command->arguments << " [options]\n"
              << command->description << "\n\nOptions:\n";
        TextTable table({QStringLiteral("option"), QStringLiteral("meaning")});
        for (const QCommandLineOption& o : command->options) {
            table.addRow({QStringLiteral("--") + o.names().constLast() + (o.valueName().isEmpty() ? QString() : u' ' + o.valueName()),
                          o.description()});
        }
        for (const char* g : {"--profile NAME|Use this profile.", "--json|Print JSON (stable field names).",
                              "--verbose|Log network calls to stderr (never tokens).",
                              "--offline|Answer from the offline cache; do not contact the server.", "--help|Show this help."}) {
            const QStringList parts = QString::fromLatin1(g).split(u'|');
            table.addRow(parts);
        }
        m_out << table.render();
        finish(Done);
        return;
    }
    m_json = m_parser->isSet(QStringLiteral("json"));
    const QStringList positional = m_parser->positionalArguments();
    if (positional.size() < command->minArgs || (command->maxArgs >= 0 && positional.size() > command->maxArgs)) {
        usage(QStringLiteral("'%1' takes %2").arg(command->name, command->arguments.isEmpty() ? QStringLiteral("no arguments")
                                                                                               : command->arguments));
        return;
    }
    m_profiles = m_env.profilesFile.isEmpty() ? std::make_unique<ProfileStore>() : std::make_unique<ProfileStore>(m_env.profilesFile);
    if (command->needsBackend && !prepareBackend()) {
        return;
    }
    (this->*(command->handler))(positional);
}

bool Cli::prepareBackend()
{
    const QString name = m_parser->isSet(QStringLiteral("profile")) ? m_parser->value(QStringLiteral("profile")) : m_profiles->currentName();
    if (name.isEmpty()) {
        usage(m_profiles->profiles().isEmpty() ? QStringLiteral("no profile yet: add one with 'elevatectl profile add'")
                                               : QStringLiteral("several profiles: pick one with --profile or 'elevatectl profile use'"));
        return false;
    }
    const std::optional<Profile> profile = m_profiles->profile(name);
    if (!profile) {
        usage(QStringLiteral("no profile '%1'").arg(name));
        return false;
    }
    m_profile = *profile;
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setAutoDeleteReplies(false);
    WorkspaceOptions options;
    options.dataDir = m_env.dataDir;
    options.keychainService = m_env.keychainService;
    m_workspace = std::make_unique<Workspace>(*m_nam, m_profile, options);
    m_tokens = &m_workspace->tokens();
    m_authority = &m_workspace->authority();
    m_credentials = &m_workspace->credentials();
    m_graph = &m_workspace->graph();
    m_session = &m_workspace->session();
    if (m_env.openBrowser) {
        m_authority->setBrowserOpener(m_env.openBrowser);
    }
    openOffline();
    const bool deviceCode = m_parser->optionNames().contains(QStringLiteral("device-code"));
    m_credentials->setInteractiveSignIn(
        [this, deviceCode](Authority& authority, const QString& claims, Credentials::Done done) {
            interactiveSignIn(authority, claims, deviceCode, std::move(done));
        });
    return true;
}

void Cli::interactiveSignIn(Authority& authority, const QString& claims, bool deviceCode,
                            std::function<void(const AuthResult&)> done)
{
    auto c1 = std::make_shared<QMetaObject::Connection>();
    auto c2 = std::make_shared<QMetaObject::Connection>();
    auto c3 = std::make_shared<QMetaObject::Connection>();
    *c1 = connect(&authority, &Authority::deviceCodeReceived, this, [this](const DeviceCodePrompt& p) {
        m_err << "To sign in, open " << p.verificationUri.toString() << " and enter the code " << p.userCode << "\n";
        m_err.flush();
    });
    *c2 = connect(&authority, &Authority::browserRequested, this, [this](const QUrl& url) {
        m_err << "Opening the browser to sign in. If it does not open, visit:\n  " << url.toString(QUrl::FullyEncoded) << "\n";
        m_err.flush();
    });
    *c3 = connect(&authority, &Authority::finished, this, [c1, c2, c3, done](const AuthResult& r) {
        disconnect(*c1);
        disconnect(*c2);
        disconnect(*c3);
        done(r);
    });
    if (deviceCode) {
        authority.startDeviceCode(claims);
    } else {
        authority.startInteractive(claims, claims.isEmpty() ? QString() : QStringLiteral("login"));
    }
}

// ---- profiles and sign-in ---------------------------------------------------------------------

void Cli::cmdProfile(const QStringList& args)
{
    const QString sub = args.at(0);
    if (sub == u"list") {
        const QString current = m_profiles->currentName();
        if (m_json) {
            json list = json::array();
            for (const Profile& p : m_profiles->profiles()) {
                list.push_back({{"name", s(p.name)},
                                {"kind", p.kind == Profile::Kind::Entra ? "entra" : "elevated"},
                                {"authority", s(p.authority.toString())},
                                {"graph", s(p.graph.toString())},
                                {"tenant", s(p.tenant)},
                                {"clientId", s(p.clientId)},
                                {"cloud", s(p.cloud)},
                                {"current", p.name == current}});
            }
            printJson(list);
        } else {
            TextTable table({QString(), QStringLiteral("name"), QStringLiteral("kind"), QStringLiteral("graph"), QStringLiteral("tenant")});
            for (const Profile& p : m_profiles->profiles()) {
                table.addRow({p.name == current ? QStringLiteral("*") : QString(), p.name,
                              p.kind == Profile::Kind::Entra ? QStringLiteral("entra") + (p.cloud.isEmpty() ? QString() : u'/' + p.cloud)
                                                             : QStringLiteral("elevated"),
                              p.graph.toString(), p.tenant});
            }
            m_out << (table.isEmpty() ? QStringLiteral("No profiles. Add one with 'elevatectl profile add'.\n") : table.render());
        }
        finish(Done);
        return;
    }
    if (args.size() < 2) {
        usage(QStringLiteral("'profile %1' needs a profile name").arg(sub));
        return;
    }
    const QString name = args.at(1);
    if (sub == u"use") {
        if (!m_profiles->setCurrent(name)) {
            usage(QStringLiteral("no profile '%1'").arg(name));
            return;
        }
        m_out << "Using profile " << name << ".\n";
        finish(Done);
        return;
    }
    if (sub == u"remove") {
        const std::optional<Profile> p = m_profiles->profile(name);
        if (!p) {
            usage(QStringLiteral("no profile '%1'").arg(name));
            return;
        }
        // Its refresh token goes too.
        m_looseTokens = std::make_unique<TokenStore>(m_env.keychainService);
        m_looseTokens->erase(*p, [this, name](bool) {
            m_profiles->remove(name);
            m_out << "Removed profile " << name << ".\n";
            finish(Done);
        });
        return;
    }
    if (sub != u"add") {
        usage(QStringLiteral("unknown 'profile' command '%1' (add, list, use, remove)").arg(sub));
        return;
    }
    Profile p;
    if (isSet(QStringLiteral("elevated")) == isSet(QStringLiteral("entra"))) {
        usage(QStringLiteral("'profile add' needs exactly one of --elevated URL or --entra TENANT"));
        return;
    }
    if (isSet(QStringLiteral("elevated"))) {
        p = Profile::elevated(name, QUrl(option(QStringLiteral("elevated"))), option(QStringLiteral("client-id")));
    } else {
        const QString cloudText = isSet(QStringLiteral("cloud")) ? option(QStringLiteral("cloud")) : QStringLiteral("global");
        const std::optional<EntraCloud> cloud = Profile::parseCloud(cloudText);
        if (!cloud) {
            usage(QStringLiteral("unknown cloud '%1' (global, usgov, usgov-dod, china)").arg(cloudText));
            return;
        }
        p = Profile::entra(name, option(QStringLiteral("entra")), *cloud, option(QStringLiteral("client-id")));
        if (isSet(QStringLiteral("authority")) != isSet(QStringLiteral("graph"))) {
            usage(QStringLiteral("--authority and --graph go together"));
            return;
        }
        if (isSet(QStringLiteral("authority"))) {
            p.authority = QUrl(option(QStringLiteral("authority")));
            p.graph = QUrl(option(QStringLiteral("graph")));
            p.scopes = Profile::entraScopes(p.graph);
            p.cloud.clear();
        }
    }
    QString error;
    if (!m_profiles->save(p, &error)) {
        usage(error);
        return;
    }
    m_out << "Added profile " << name << ".\n";
    finish(Done);
}

void Cli::cmdLogin(const QStringList&)
{
    const bool deviceCode = isSet(QStringLiteral("device-code"));
    interactiveSignIn(*m_authority, QString(), deviceCode, [this](const AuthResult& r) {
        if (!r.ok()) {
            const SessionOutcome o = r.kind == AuthErrorKind::Unreachable ? SessionOutcome::Unreachable : SessionOutcome::SignedOut;
            const QString why = r.kind == AuthErrorKind::Declined  ? QStringLiteral("Sign-in was declined.")
                : r.kind == AuthErrorKind::Expired                  ? QStringLiteral("The sign-in code expired; run login again.")
                : r.kind == AuthErrorKind::Unreachable              ? QStringLiteral("The sign-in server could not be reached.")
                                                                    : QStringLiteral("Sign-in failed.");
            fail(o, why, r.error.isEmpty() ? r.description : QString(r.error + QStringLiteral(": ") + r.description));
            return;
        }
        m_credentials->adopt(r.tokens, [this](bool persisted) {
            m_graph->me([this, persisted](const GraphReply<Identity>& me) {
                if (me.ok()) {
                    m_out << "Signed in as " << me.value.displayName
                          << (me.value.userPrincipalName.isEmpty() ? QString() : QStringLiteral(" (") + me.value.userPrincipalName + u')')
                          << " on " << m_profile.name << ".\n";
                } else {
                    m_out << "Signed in on " << m_profile.name << ".\n";
                }
                if (!persisted) {
                    m_err << "Warning: no keychain is available (" << m_tokens->keychainError()
                          << "); the sign-in lasts for this command only.\n";
                }
                finish(Done);
            });
        });
    });
}

void Cli::cmdLogout(const QStringList&)
{
    m_credentials->signOut([this] {
        m_out << "Signed out of " << m_profile.name << ".\n";
        finish(Done);
    });
}

void Cli::cmdWhoami(const QStringList&)
{
    m_session->whoami([this](const SessionReply<Identity>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        if (m_json) {
            printJson({{"id", s(r.value.id)},
                       {"displayName", s(r.value.displayName)},
                       {"userPrincipalName", s(r.value.userPrincipalName)},
                       {"profile", s(m_profile.name)},
                       {"sessionOnly", m_tokens->isSessionOnly()}});
        } else {
            m_out << r.value.displayName << (r.value.userPrincipalName.isEmpty() ? QString() : QStringLiteral(" <") + r.value.userPrincipalName + u'>')
                  << "\nid       " << r.value.id << "\nprofile  " << m_profile.name << " (" << m_profile.graph.toString() << ")\n";
            if (m_tokens->isSessionOnly()) {
                m_out << "keychain unavailable: tokens last for this command only\n";
            }
        }
        finish(Done);
    });
}

// ---- My Roles ------------------------------------------------------------------------------------

void Cli::cmdRoles(const QStringList&)
{
    m_session->myRoles([this](const SessionReply<QList<RoleRow>>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        noteAge(r.cachedAt);
        if (m_json) {
            json list = json::array();
            for (const RoleRow& row : r.value) {
                json j = {{"name", s(row.target.displayName)},
                          {"id", s(row.target.id)},
                          {"kind", s(kindName(row.target.kind))},
                          {"access", row.target.kind == PimKind::Group ? json(s(accessName(row.target.access))) : json(nullptr)},
                          {"eligible", row.eligible},
                          {"eligibleUntil", timeJson(row.eligibleUntil)},
                          {"active", row.active.has_value()}};
                j["activeFrom"] = row.active ? timeJson(row.active->startDateTime) : json(nullptr);
                j["activeUntil"] = row.active ? timeJson(row.active->endDateTime) : json(nullptr);
                j["assignmentType"] = row.active ? json(s(enumName(row.active->assignmentType))) : json(nullptr);
                list.push_back(j);
            }
            printJson(list);
            finish(Done);
            return;
        }
        TextTable table({QStringLiteral("role"), QStringLiteral("kind"), QStringLiteral("state"), QStringLiteral("until"),
                         QStringLiteral("time left")});
        for (const RoleRow& row : r.value) {
            const QString kind = row.target.kind == PimKind::Group ? QStringLiteral("group ") + accessName(row.target.access)
                                                                   : QStringLiteral("role");
            if (row.active) {
                table.addRow({row.target.displayName, kind,
                              row.active->assignmentType == AssignmentType::Activated ? QStringLiteral("active") : QStringLiteral("assigned"),
                              HumanFormat::localTime(row.active->endDateTime), timeLeft(row.active->endDateTime)});
            } else {
                table.addRow({row.target.displayName, kind, QStringLiteral("eligible"), HumanFormat::localTime(row.eligibleUntil), QString()});
            }
        }
        m_out << (table.isEmpty() ? QStringLiteral("No eligible or active roles.\n") : table.render());
        finish(Done);
    });
}

void Cli::cmdActivate(const QStringList& roles)
{
    ActivationRequest request;
    request.roles = roles;
    const std::optional<IsoDuration> duration = HumanFormat::parseDuration(
        isSet(QStringLiteral("duration")) ? option(QStringLiteral("duration")) : QStringLiteral("1h"));
    if (!duration) {
        usage(QStringLiteral("--duration '%1' is not a duration (e.g. 1h, 90m, PT2H)").arg(option(QStringLiteral("duration"))));
        return;
    }
    request.duration = *duration;
    request.justification = option(QStringLiteral("justification"));
    if (isSet(QStringLiteral("ticket"))) {
        const QString t = option(QStringLiteral("ticket"));
        const qsizetype colon = t.indexOf(u':');
        if (colon <= 0 || colon == t.size() - 1) {
            usage(QStringLiteral("--ticket takes SYSTEM:NUMBER, e.g. Jira:CHG-42"));
            return;
        }
        request.ticket.ticketSystem = t.left(colon);
        request.ticket.ticketNumber = t.mid(colon + 1);
    }
    if (isSet(QStringLiteral("start"))) {
        const std::optional<Timestamp> start = HumanFormat::parseTime(option(QStringLiteral("start")), QDateTime::currentDateTimeUtc());
        if (!start) {
            usage(QStringLiteral("--start '%1' is not a time").arg(option(QStringLiteral("start"))));
            return;
        }
        request.start = *start;
    }
    const bool wait = isSet(QStringLiteral("wait"));
    m_session->activate(request, [this, wait](const SessionReply<QList<ActivationOutcome>>& r) {
        if (r.value.isEmpty() && !r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        json list = json::array();
        QList<std::pair<PimKind, QString>> pending;
        for (const ActivationOutcome& o : r.value) {
            json j = {{"role", s(o.target.displayName)},
                      {"roleId", s(o.target.id)},
                      {"outcome", o.outcome == SessionOutcome::Done ? "done" : "refused"},
                      {"message", s(o.message)},
                      {"steppedUp", o.steppedUp}};
            json violations = json::array();
            for (const PolicyViolation& v : o.violations) {
                violations.push_back({{"rule", s(v.rule)}, {"message", s(v.message)}});
            }
            j["violations"] = violations;
            j["request"] = o.request ? requestJson(*o.request) : json(nullptr);
            list.push_back(j);
            if (o.outcome == SessionOutcome::Done) {
                if (!m_json) {
                    m_out << o.message;
                    if (o.request && !o.request->id.isEmpty()) {
                        m_out << " (request " << o.request->id << ")";
                    }
                    m_out << "\n";
                }
                if (o.request && o.request->status == RequestStatus::PendingApproval) {
                    pending.append({o.request->kind, o.request->id});
                }
            } else {
                m_err << o.message << "\n";
                if (!o.details.isEmpty()) {
                    m_err << "  (" << o.details << ")\n";
                }
            }
        }
        if (m_json) {
            printJson(list);
        }
        m_out.flush(); // --wait may take long: say what happened so far now
        m_err.flush();
        const int code = exitCodeOf(r.outcome);
        if (!wait || pending.isEmpty()) {
            finish(code);
            return;
        }
        // --wait: one request at a time, until each is decided.
        auto remaining = std::make_shared<QList<std::pair<PimKind, QString>>>(pending);
        auto worst = std::make_shared<int>(code);
        auto next = std::make_shared<std::function<void()>>();
        *next = [this, remaining, worst, weak = std::weak_ptr<std::function<void()>>(next)] {
            if (remaining->isEmpty()) {
                finish(*worst);
                return;
            }
            const auto [kind, id] = remaining->takeFirst();
            auto self = weak.lock();
            m_session->waitForRequest(kind, id, 24 * 3600 * 1000, [this, worst, self](const SessionReply<ScheduleRequest>& w) {
                (w.ok() ? m_out : m_err) << w.message << "\n";
                m_out.flush();
                if (!w.ok()) {
                    *worst = std::max(*worst, exitCodeOf(w.outcome));
                }
                if (self) {
                    (*self)();
                }
            });
        };
        (*next)();
    });
}

void Cli::cmdDeactivate(const QStringList& args)
{
    m_session->deactivate(args.at(0), [this](const SessionReply<ScheduleRequest>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        if (m_json) {
            printJson(requestJson(r.value));
        } else {
            m_out << r.message << "\n";
        }
        finish(Done);
    });
}

void Cli::cmdExtend(const QStringList& args)
{
    const std::optional<IsoDuration> duration = HumanFormat::parseDuration(
        isSet(QStringLiteral("duration")) ? option(QStringLiteral("duration")) : QStringLiteral("1h"));
    if (!duration) {
        usage(QStringLiteral("--duration is not a duration"));
        return;
    }
    m_session->extend(args.at(0), *duration, option(QStringLiteral("justification")), [this](const SessionReply<ScheduleRequest>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        if (m_json) {
            printJson(requestJson(r.value));
        } else {
            m_out << r.message << " (request " << r.value.id << ")\n";
        }
        finish(Done);
    });
}

void Cli::cmdRequests(const QStringList&)
{
    m_session->myRequests([this](const SessionReply<QList<ScheduleRequest>>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        noteAge(r.cachedAt);
        if (m_json) {
            printJson(jsonArray(r.value, requestJson));
        } else {
            TextTable table({QStringLiteral("id"), QStringLiteral("role"), QStringLiteral("action"), QStringLiteral("status"),
                             QStringLiteral("created"), QStringLiteral("duration")});
            for (const ScheduleRequest& q : r.value) {
                table.addRow({q.id, requestRole(q), enumName(q.action), enumName(q.status), HumanFormat::localTime(q.createdDateTime),
                              requestDuration(q)});
            }
            m_out << (table.isEmpty() ? QStringLiteral("No requests.\n") : table.render());
        }
        finish(Done);
    });
}

void Cli::cmdCancel(const QStringList& args)
{
    m_session->cancelRequest(args.at(0), [this](const SessionReply<NoContent>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        m_out << r.message << "\n";
        finish(Done);
    });
}

// ---- approvals -----------------------------------------------------------------------------------

void Cli::cmdApprovals(const QStringList&)
{
    m_session->pendingApprovals([this](const SessionReply<QList<ScheduleRequest>>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        noteAge(r.cachedAt);
        if (m_json) {
            printJson(jsonArray(r.value, requestJson));
        } else {
            TextTable table({QStringLiteral("id"), QStringLiteral("requester"), QStringLiteral("role"), QStringLiteral("duration"),
                             QStringLiteral("ticket"), QStringLiteral("created"), QStringLiteral("justification")});
            for (const ScheduleRequest& q : r.value) {
                const QString ticket = q.ticketInfo.isEmpty() ? QString() : q.ticketInfo.ticketSystem + u':' + q.ticketInfo.ticketNumber;
                table.addRow({q.id, q.principal ? q.principal->displayName : q.principalId, requestRole(q), requestDuration(q), ticket,
                              HumanFormat::localTime(q.createdDateTime), q.justification});
            }
            m_out << (table.isEmpty() ? QStringLiteral("Nothing waits for your approval.\n") : table.render());
        }
        finish(Done);
    });
}

void Cli::decideApprovals(const QStringList& ids, ApprovalVerdict verdict)
{
    m_session->decideApprovals(ids, verdict, option(QStringLiteral("reason")), [this](const SessionReply<QList<ItemOutcome>>& r) {
        json list = json::array();
        for (const ItemOutcome& o : r.value) {
            list.push_back({{"id", s(o.id)}, {"outcome", o.outcome == SessionOutcome::Done ? "done" : "refused"}, {"message", s(o.message)}});
            if (!m_json) {
                (o.outcome == SessionOutcome::Done ? m_out : m_err) << o.message << "\n";
            }
            if (o.outcome != SessionOutcome::Done && !o.details.isEmpty()) {
                m_err << "  (" << o.details << ")\n";
            }
        }
        if (m_json) {
            printJson(list);
        }
        if (r.value.isEmpty() && !r.ok()) {
            m_err << r.message << "\n";
        }
        finish(exitCodeOf(r.outcome));
    });
}

void Cli::cmdApprove(const QStringList& ids)
{
    decideApprovals(ids, ApprovalVerdict::Approve);
}

void Cli::cmdDeny(const QStringList& ids)
{
    if (option(QStringLiteral("reason")).trimmed().isEmpty()) {
        usage(QStringLiteral("'deny' needs --reason"));
        return;
    }
    decideApprovals(ids, ApprovalVerdict::Deny);
}

// ---- access reviews ------------------------------------------------------------------------------

void Cli::cmdReviews(const QStringList&)
{
    m_session->reviews([this](const SessionReply<QList<ReviewRow>>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        noteAge(r.cachedAt);
        if (m_json) {
            json list = json::array();
            for (const ReviewRow& row : r.value) {
                list.push_back({{"id", s(row.definition.id)},
                                {"name", s(row.definition.displayName)},
                                {"instanceId", row.instance ? json(s(row.instance->id)) : json(nullptr)},
                                {"status", s(enumName(row.instance ? row.instance->status : row.definition.status))},
                                {"end", row.instance ? timeJson(row.instance->endDateTime) : json(nullptr)},
                                {"pending", row.pendingDecisions}});
            }
            printJson(list);
        } else {
            TextTable table({QStringLiteral("id"), QStringLiteral("review"), QStringLiteral("status"), QStringLiteral("ends"),
                             QStringLiteral("time left"), QStringLiteral("to decide")});
            for (const ReviewRow& row : r.value) {
                table.addRow({row.definition.id, row.definition.displayName,
                              enumName(row.instance ? row.instance->status : row.definition.status),
                              row.instance ? HumanFormat::localTime(row.instance->endDateTime) : QString(),
                              row.instance ? timeLeft(row.instance->endDateTime) : QString(),
                              row.pendingDecisions < 0 ? QStringLiteral("?") : QString::number(row.pendingDecisions)});
            }
            m_out << (table.isEmpty() ? QStringLiteral("No access reviews for you.\n") : table.render());
        }
        finish(Done);
    });
}

void Cli::cmdDecisions(const QStringList& args)
{
    m_session->decisions(args.at(0), [this](const SessionReply<QList<ReviewDecision>>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        noteAge(r.cachedAt);
        if (m_json) {
            json list = json::array();
            for (const ReviewDecision& d : r.value) {
                list.push_back({{"id", s(d.id)},
                                {"principal", s(d.principal.displayName)},
                                {"principalId", s(d.principal.id)},
                                {"resource", d.resource ? json(s(d.resource->displayName)) : json(nullptr)},
                                {"decision", s(enumName(d.decision))},
                                {"recommendation", s(enumName(d.recommendation))},
                                {"justification", s(d.justification)},
                                {"reviewedBy", d.reviewedBy ? json(s(d.reviewedBy->displayName)) : json(nullptr)},
                                {"reviewed", timeJson(d.reviewedDateTime)}});
            }
            printJson(list);
        } else {
            TextTable table({QStringLiteral("id"), QStringLiteral("principal"), QStringLiteral("resource"), QStringLiteral("decision"),
                             QStringLiteral("recommended"), QStringLiteral("justification")});
            for (const ReviewDecision& d : r.value) {
                table.addRow({d.id, d.principal.displayName, d.resource ? d.resource->displayName : QString(), enumName(d.decision),
                              enumName(d.recommendation), d.justification});
            }
            m_out << (table.isEmpty() ? QStringLiteral("No decisions.\n") : table.render());
        }
        finish(Done);
    });
}

void Cli::cmdDecide(const QStringList& args)
{
    const QString word = args.at(1).toLower();
    const ReviewDecisionValue value = word == u"approve" ? ReviewDecisionValue::Approve
        : word == u"deny"                                  ? ReviewDecisionValue::Deny
        : (word == u"dontknow" || word == u"don't-know")   ? ReviewDecisionValue::DontKnow
                                                           : ReviewDecisionValue::Unknown;
    if (value == ReviewDecisionValue::Unknown) {
        usage(QStringLiteral("decide takes approve, deny or dontknow"));
        return;
    }
    m_session->decide(args.at(0), value, option(QStringLiteral("reason")), [this](const SessionReply<NoContent>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        m_out << r.message << "\n";
        finish(Done);
    });
}

void Cli::cmdAcceptRecommendations(const QStringList& args)
{
    m_session->acceptRecommendations(args.at(0), [this](const SessionReply<NoContent>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        m_out << r.message << "\n";
        finish(Done);
    });
}

// ---- audit ----------------------------------------------------------------------------------------

void Cli::cmdAudit(const QStringList&)
{
    if (isSet(QStringLiteral("archive")) || isSet(QStringLiteral("csv")) || isSet(QStringLiteral("offline"))) {
        auditFromArchive();
        return;
    }
    AuditQuery q;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto& [name, target] : {std::pair{QStringLiteral("since"), &q.since}, std::pair{QStringLiteral("until"), &q.until}}) {
        if (isSet(name)) {
            const std::optional<Timestamp> t = HumanFormat::parseTime(option(name), now);
            if (!t) {
                usage(QStringLiteral("--%1 '%2' is not a time").arg(name, option(name)));
                return;
            }
            *target = *t;
        }
    }
    q.actor = option(QStringLiteral("actor"));
    q.role = option(QStringLiteral("role"));
    q.activity = option(QStringLiteral("activity"));
    q.result = option(QStringLiteral("result"));
    q.text = option(QStringLiteral("text"));
    q.limit = 50;
    if (isSet(QStringLiteral("limit"))) {
        bool ok = false;
        q.limit = option(QStringLiteral("limit")).toInt(&ok);
        if (!ok || q.limit < 1 || q.limit > 10000) {
            usage(QStringLiteral("--limit takes a number from 1 to 10000"));
            return;
        }
    }
    m_session->audit(q, [this](const SessionReply<QList<AuditEvent>>& r) {
        if (!r.ok()) {
            fail(r.outcome, r.message, r.details);
            return;
        }
        if (m_json) {
            json list = json::array();
            for (const AuditEvent& e : r.value) {
                json targets = json::array();
                for (const AuditEvent::TargetResource& t : e.targetResources) {
                    targets.push_back({{"id", s(t.id)}, {"displayName", s(t.displayName)}, {"type", s(t.type)}});
                }
                list.push_back({{"id", s(e.id)},
                                {"time", timeJson(e.activityDateTime)},
                                {"activity", s(e.activityDisplayName)},
                                {"category", s(e.category)},
                                {"result", s(enumName(e.result))},
                                {"actor", s(e.initiatorName())},
                                {"targets", targets},
                                {"reason", s(e.resultReason)},
                                {"correlationId", s(e.correlationId)}});
            }
            printJson(list);
        } else {
            TextTable table({QStringLiteral("time"), QStringLiteral("actor"), QStringLiteral("activity"), QStringLiteral("target"),
                             QStringLiteral("result")});
            for (const AuditEvent& e : r.value) {
                QStringList targets;
                for (const AuditEvent::TargetResource& t : e.targetResources) {
                    if (!t.displayName.isEmpty()) {
                        targets << t.displayName;
                    }
                }
                table.addRow({HumanFormat::localTime(e.activityDateTime), e.initiatorName(), e.activityDisplayName,
                              targets.join(QStringLiteral(", ")), enumName(e.result)});
            }
            m_out << (table.isEmpty() ? QStringLiteral("No audit events match.\n") : table.render());
        }
        finish(Done);
    });
}

// ---- offline: cache, outbox, sync -------------------------------------------------------------

void Cli::openOffline()
{
    // A command-line run has no UI thread to protect: the integrity check runs here.
    QString problem;
    if (!m_workspace->openStorage(true, &problem)) {
        m_err << "elevatectl: " << problem << "\n";
        return;
    }
    if (m_workspace->cacheWasRebuilt()) {
        m_err << "elevatectl: the offline cache was damaged and has been rebuilt; it fills again from the server.\n";
    }
    m_cache = m_workspace->cache();
    m_outbox = m_workspace->outbox();
    m_engine = m_workspace->engine();
    m_session->setOffline(m_parser->isSet(QStringLiteral("offline")));
}

void Cli::noteAge(const Timestamp& cachedAt)
{
    if (cachedAt.isNull()) {
        return;
    }
    const qint64 seconds = std::max<qint64>(0, cachedAt.toDateTime().secsTo(QDateTime::currentDateTimeUtc()));
    m_err << "(from the offline cache, pulled " << HumanFormat::localTime(cachedAt) << ", "
          << (seconds < 120 ? QStringLiteral("%1 s").arg(seconds) : QStringLiteral("%1 min").arg(seconds / 60)) << " ago)\n";
}

void Cli::cmdSync(const QStringList&)
{
    if (!m_engine) {
        fail(SessionOutcome::Refused, QStringLiteral("No offline cache for this profile (see the message above)."));
        return;
    }
    if (isSet(QStringLiteral("offline"))) {
        usage(QStringLiteral("'sync' contacts the server; it cannot run --offline"));
        return;
    }
    m_engine->syncAll([this](const QStringList& errors) {
        const int waiting = m_outbox->pendingCount();
        int conflicts = 0;
        for (const Cache::OutboxItem& item : m_outbox->list()) {
            conflicts += item.state == Cache::OutboxItem::State::Conflict ? 1 : 0;
        }
        if (m_json) {
            json list = json::array();
            for (const QString& e : errors) {
                list.push_back(s(e));
            }
            printJson({{"state", s(connectionStateName(m_engine->state()))},
                       {"errors", list},
                       {"outboxPending", waiting},
                       {"outboxConflicts", conflicts},
                       {"auditEvents", m_engine->audit().size()}});
        } else {
            m_out << "Connection: " << connectionStateName(m_engine->state()) << "\n"
                  << "Audit archive: " << m_engine->audit().size() << " events\n"
                  << "Outbox: " << waiting << " waiting, " << conflicts << " conflicts\n";
        }
        if (!errors.isEmpty()) {
            const ConnectionState state = m_engine->state();
            fail(state == ConnectionState::SignedOut ? SessionOutcome::SignedOut
                     : state == ConnectionState::Offline || state == ConnectionState::Throttled ? SessionOutcome::Unreachable
                                                                                              : SessionOutcome::Refused,
                 QStringLiteral("Not everything was pulled: ") + errors.join(QStringLiteral("; ")));
            return;
        }
        finish(conflicts > 0 ? Refused : Done);
    });
}

void Cli::cmdOutbox(const QStringList&)
{
    if (!m_outbox) {
        fail(SessionOutcome::Refused, QStringLiteral("No outbox for this profile (see the message above)."));
        return;
    }
    for (const QString& name : {QStringLiteral("retry"), QStringLiteral("discard")}) {
        if (!isSet(name)) {
            continue;
        }
        bool ok = false;
        const qint64 id = option(name).toLongLong(&ok);
        if (!ok || !m_outbox->item(id)) {
            usage(QStringLiteral("no outbox item '%1'").arg(option(name)));
            return;
        }
        if (name == u"discard") {
            if (!m_outbox->discard(id)) {
                fail(SessionOutcome::Refused, m_outbox->lastError());
                return;
            }
            m_out << "Item " << id << " discarded.\n";
            finish(Done);
            return;
        }
        if (!m_outbox->retry(id)) {
            fail(SessionOutcome::Refused, m_outbox->lastError());
            return;
        }
        if (isSet(QStringLiteral("offline"))) {
            m_out << "Item " << id << " will be sent again at the next sync.\n";
            finish(Done);
            return;
        }
        m_engine->drainOutbox([this, id] {
            const std::optional<Cache::OutboxItem> item = m_outbox->item(id);
            if (item && item->state == Cache::OutboxItem::State::Sent) {
                m_out << "Item " << id << " sent.\n";
                finish(Done);
            } else if (item && item->state == Cache::OutboxItem::State::Conflict) {
                fail(SessionOutcome::Refused, QStringLiteral("Item %1 refused again: %2").arg(id).arg(item->message));
            } else {
                fail(SessionOutcome::Unreachable, QStringLiteral("Item %1 waits: the server cannot be reached.").arg(id));
            }
        });
        return;
    }
    static const QStringList kinds{QStringLiteral("review decision"), QStringLiteral("review batch"),
                                   QStringLiteral("approval decision"), QStringLiteral("accept recommendations")};
    static const QStringList states{QStringLiteral("pending"), QStringLiteral("sending"), QStringLiteral("sent"),
                                    QStringLiteral("conflict"), QStringLiteral("failed")};
    const QList<Cache::OutboxItem> items = m_outbox->list();
    if (m_json) {
        json list = json::array();
        for (const Cache::OutboxItem& item : items) {
            json targets = json::array();
            for (const QString& t : item.targetIds) {
                targets.push_back(s(t));
            }
            list.push_back({{"id", item.id},
                            {"kind", s(kinds.value(int(item.kind)))},
                            {"state", s(states.value(int(item.state)))},
                            {"targets", targets},
                            {"created", timeJson(item.createdAt)},
                            {"attempts", item.attempts},
                            {"message", s(item.message)}});
        }
        printJson(list);
    } else {
        TextTable table({QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("state"), QStringLiteral("recorded"),
                         QStringLiteral("attempts"), QStringLiteral("message")});
        for (const Cache::OutboxItem& item : items) {
            table.addRow({QString::number(item.id), kinds.value(int(item.kind)), states.value(int(item.state)),
                          HumanFormat::localTime(item.createdAt), QString::number(item.attempts), item.message});
        }
        m_out << (table.isEmpty() ? QStringLiteral("The outbox is empty.\n") : table.render());
    }
    finish(Done);
}

void Cli::auditFromArchive()
{
    if (!m_engine) {
        fail(SessionOutcome::Refused, QStringLiteral("No audit archive for this profile (see the message above)."));
        return;
    }
    Cache::AuditQuery q;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto& [name, target] : {std::pair{QStringLiteral("since"), &q.from}, std::pair{QStringLiteral("until"), &q.to}}) {
        if (isSet(name)) {
            const std::optional<Timestamp> t = HumanFormat::parseTime(option(name), now);
            if (!t) {
                usage(QStringLiteral("--%1 '%2' is not a time").arg(name, option(name)));
                return;
            }
            *target = *t;
        }
    }
    q.actor = option(QStringLiteral("actor"));
    q.target = option(QStringLiteral("role"));
    q.activity = option(QStringLiteral("activity"));
    q.text = option(QStringLiteral("text"));
    if (isSet(QStringLiteral("result"))) {
        const QString result = option(QStringLiteral("result")).toLower();
        if (result == u"success") {
            q.result = AuditResult::Success;
        } else if (result == u"failure") {
            q.result = AuditResult::Failure;
        } else if (result == u"timeout") {
            q.result = AuditResult::Timeout;
        } else {
            usage(QStringLiteral("--result takes success, failure or timeout"));
            return;
        }
    }
    q.limit = 50;
    if (isSet(QStringLiteral("limit"))) {
        bool ok = false;
        q.limit = option(QStringLiteral("limit")).toInt(&ok);
        if (!ok || q.limit < 1 || q.limit > Cache::AuditStore::MaxLimit) {
            usage(QStringLiteral("--limit takes a number from 1 to 10000"));
            return;
        }
    }
    auto answer = [this, q](const QString& pullError) {
        Cache::AuditStore& store = m_engine->audit();
        if (!pullError.isEmpty()) {
            if (store.size() == 0) {
                fail(m_engine->state() == ConnectionState::Online ? SessionOutcome::Refused : SessionOutcome::Unreachable,
                     QStringLiteral("The audit log could not be pulled: ") + pullError);
                return;
            }
            m_err << "(the archive could not be brought up to date: " << pullError << ")\n";
        }
        const auto state = m_cache->syncState(QStringLiteral("audit"));
        if (state && isSet(QStringLiteral("offline"))) {
            noteAge(state->lastSync);
        }
        if (isSet(QStringLiteral("csv")) || m_json) {
            QFile out;
            if (!out.open(stdout, QIODevice::WriteOnly)) {
                fail(SessionOutcome::Refused, QStringLiteral("cannot write to standard output"));
                return;
            }
            m_out.flush();
            const bool ok = isSet(QStringLiteral("csv")) ? store.exportCsv(q, &out) : store.exportJson(q, &out);
            out.flush();
            if (!ok) {
                fail(SessionOutcome::Refused, QStringLiteral("Export failed: ") + store.lastError());
                return;
            }
            finish(Done);
            return;
        }
        const Cache::AuditPage page = store.query(q);
        TextTable table({QStringLiteral("time"), QStringLiteral("actor"), QStringLiteral("activity"), QStringLiteral("target"),
                         QStringLiteral("result")});
        for (const AuditEvent& e : page.rows) {
            QStringList targets;
            for (const AuditEvent::TargetResource& t : e.targetResources) {
                if (!t.displayName.isEmpty()) {
                    targets << t.displayName;
                }
            }
            table.addRow({HumanFormat::localTime(e.activityDateTime), e.initiatorName(), e.activityDisplayName,
                          targets.join(QStringLiteral(", ")), enumName(e.result)});
        }
        m_out << (table.isEmpty() ? QStringLiteral("No archived audit events match.\n") : table.render());
        if (page.total > page.rows.size()) {
            m_out << "(" << page.rows.size() << " of " << page.total << " matching events; raise --limit or export with --csv)\n";
        }
        finish(Done);
    };
    if (isSet(QStringLiteral("offline"))) {
        answer(QString());
        return;
    }
    m_engine->syncNow(SyncCollection::Audit, answer);
}

} // namespace Elevate
