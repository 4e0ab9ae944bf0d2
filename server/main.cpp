// elevated: the self-hosted PIM backend. `elevated [serve options]` runs the server; the other
// commands administer its database directly.
#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "DatabaseCopy.h"
#include "DemoSeed.h"
#include "Engine.h"
#include "IdentityService.h"
#include "IdentityEvent.h"
#include "ServerApp.h"
#include "Totp.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSettings>
#include <QTextStream>

#include <cstdio>
#include <iostream>

using namespace Elevate;
using namespace Elevate::Server;

namespace {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream& err()
{
    static QTextStream s(stderr);
    return s;
}

int fail(const QString& message)
{
    err() << "elevated: " << message << Qt::endl;
    return 1;
}

QCommandLineOption databaseOption()
{
    return QCommandLineOption(QStringLiteral("database"),
                              QStringLiteral("The database, as sqlite:PATH or postgresql://USER@HOST:PORT/DB (the password "
                                             "from PGPASSWORD or the config key database-password-file)."),
                              QStringLiteral("url"));
}

QCommandLineOption configOption()
{
    return QCommandLineOption(QStringLiteral("config"),
                              QStringLiteral("A configuration file (INI: listen, database, demo, min-active-seconds, "
                                             "rate-limit, rate-burst, max-body-bytes, access-token-lifetime, "
                                             "mfa-window, public-url, tls-cert, tls-key, insecure-http, group-commit, "
                                             "durability, database-password-file)."),
                              QStringLiteral("file"));
}

// Flags win over the config file; both use the same names.
QString setting(const QCommandLineParser& parser, const QSettings* config, const QString& name, const QString& fallback = {})
{
    if (parser.optionNames().contains(name) && parser.isSet(name)) {
        return parser.value(name);
    }
    if (config && config->contains(name)) {
        return config->value(name).toString();
    }
    return fallback;
}

std::unique_ptr<QSettings> loadConfig(const QCommandLineParser& parser, QString* error)
{
    if (!parser.isSet(QStringLiteral("config"))) {
        return nullptr;
    }
    const QString path = parser.value(QStringLiteral("config"));
    if (!QFileInfo::exists(path)) {
        *error = QStringLiteral("no such config file: %1").arg(path);
        return nullptr;
    }
    auto settings = std::make_unique<QSettings>(path, QSettings::IniFormat);
    if (settings->status() != QSettings::NoError) {
        *error = QStringLiteral("cannot read config file: %1").arg(path);
        return nullptr;
    }
    return settings;
}

// The command-line administrator: its actions are audited under this name.
Caller cliCaller()
{
    Caller c;
    c.userId = QStringLiteral("elevated-cli");
    c.displayName = QStringLiteral("elevated command line (%1)").arg(qEnvironmentVariable("USER", QStringLiteral("root")));
    c.isAdmin = true;
    c.isAuditor = true;
    c.session.multiFactor = true;
    return c;
}

struct Admin
{
    Database db;
    SystemClock clock;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<IdentityService> identity;
};

// The PostgreSQL password from the config key database-password-file (never a flag: command
// lines are visible to every local user). Empty when none is configured.
bool databasePassword(const QSettings* config, QString* password, QString* error)
{
    const QString path = config ? config->value(QStringLiteral("database-password-file")).toString() : QString();
    if (path.isEmpty()) {
        return true;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read database-password-file %1").arg(path);
        return false;
    }
    *password = QString::fromUtf8(file.readAll()).trimmed();
    return true;
}

bool openAdmin(Admin& admin, const QCommandLineParser& parser, QString* error)
{
    std::unique_ptr<QSettings> config = loadConfig(parser, error);
    if (!error->isEmpty()) {
        return false;
    }
    const QString url = setting(parser, config.get(), QStringLiteral("database"));
    if (url.isEmpty()) {
        *error = QStringLiteral("--database sqlite:PATH (or postgresql://...) is required");
        return false;
    }
    QString password;
    if (!databasePassword(config.get(), &password, error)) {
        return false;
    }
    admin.db.setPassword(password);
    if (!admin.db.open(url, error)) {
        return false;
    }
    admin.engine = std::make_unique<Engine>(admin.db, admin.clock, Engine::Options{});
    if (admin.engine->ensureBuiltInRoles() < 0) {
        *error = QStringLiteral("cannot install the built-in roles");
        return false;
    }
    admin.identity = std::make_unique<IdentityService>(admin.db, admin.clock);
    // Account changes from the command line are audited like those the server makes.
    Engine* engine = admin.engine.get();
    admin.identity->setEventSink(
        [engine](const IdentityEvent& e) { ServerApp::recordIdentityEvent(engine->auditLog(), e); });
    return true;
}

// Accepts a role id or a display name (case-insensitive).
QString resolveRole(Engine& engine, const QString& text)
{
    if (engine.roleDefinition(text)) {
        return text;
    }
    for (const RoleDefinition& r : engine.roleDefinitions(ListQuery{QString(), {}, QString(), 1000, 0})) {
        if (r.displayName.compare(text, Qt::CaseInsensitive) == 0) {
            return r.id;
        }
    }
    return {};
}

std::optional<Timestamp> parseInstant(const QString& text, QString* error)
{
    if (text.isEmpty()) {
        return Timestamp();
    }
    const auto t = Timestamp::fromIso(text);
    if (!t) {
        *error = QStringLiteral("not an ISO-8601 UTC time: %1 (e.g. 2026-03-02T08:00:00Z)").arg(text);
        return std::nullopt;
    }
    return *t;
}

QString readPasswordLine()
{
    std::string line;
    std::getline(std::cin, line);
    return QString::fromStdString(line).trimmed();
}

int userCommand(const QStringList& args)
{
    const QString usage = QStringLiteral(
        "usage: elevated user add NAME --display-name TEXT [--admin] [--auditor] [--generate-password]\n"
        "       elevated user passwd NAME      (new password from standard input)\n"
        "       elevated user totp NAME        (new authenticator app secret)\n"
        "       elevated user disable NAME | enable NAME | signout NAME");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "elevated user ACTION NAME: manage a local account.\n"
        "  add      adds an account; the password is read from standard input (one line), or\n"
        "           with --generate-password a random one is printed\n"
        "  passwd   sets a new password (standard input); every token of the user is revoked\n"
        "  totp     registers a new authenticator app (TOTP, RFC 6238): prints the secret and an\n"
        "           otpauth:// URI; an earlier app stops working\n"
        "  disable  blocks sign-in and revokes every token; enable lifts the block\n"
        "  signout  revokes every token of the user"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("add, passwd, totp, disable, enable or signout."));
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The user name."));
    parser.addOption(databaseOption());
    parser.addOption(configOption());
    parser.addOption({QStringLiteral("display-name"), QStringLiteral("add: the name people see."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("admin"), QStringLiteral("add: manages users, eligibilities and policies.")});
    parser.addOption({QStringLiteral("auditor"), QStringLiteral("add: reads the audit log.")});
    parser.addOption({QStringLiteral("generate-password"), QStringLiteral("add, passwd: generate and print a password.")});
    parser.process(args);
    const QStringList pos = parser.positionalArguments();
    const QStringList actions{QStringLiteral("add"),     QStringLiteral("passwd"), QStringLiteral("totp"),
                              QStringLiteral("disable"), QStringLiteral("enable"), QStringLiteral("signout")};
    if (pos.size() != 2 || !actions.contains(pos.first())) {
        return fail(usage);
    }
    const QString action = pos.at(0);
    const QString name = pos.at(1);
    Admin admin;
    QString error;
    if (!openAdmin(admin, parser, &error)) {
        return fail(error);
    }
    const bool generate = parser.isSet(QStringLiteral("generate-password"));
    auto password = [generate] {
        return generate ? QString::fromLatin1(QUuid::createUuid().toRfc4122().toBase64(
                              QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                        : readPasswordLine();
    };
    AccountError accountError = AccountError::None;
    if (action == u"add") {
        const QString secret = password();
        const QString displayName = parser.value(QStringLiteral("display-name")).isEmpty()
            ? name
            : parser.value(QStringLiteral("display-name"));
        const QString id = admin.identity->addUser(name, displayName, secret, parser.isSet(QStringLiteral("admin")),
                                                   parser.isSet(QStringLiteral("auditor")), &accountError);
        if (id.isEmpty()) {
            return fail(accountErrorText(accountError));
        }
        out() << "added " << name << " (" << id << ")" << Qt::endl;
        if (generate) {
            out() << "password: " << secret << Qt::endl;
        }
        return 0;
    }
    const QString userId = admin.identity->userIdForName(name);
    if (userId.isEmpty()) {
        return fail(QStringLiteral("no such user: %1").arg(name));
    }
    if (action == u"passwd") {
        const QString secret = password();
        if (!admin.identity->setPassword(userId, secret, &accountError)) {
            return fail(accountErrorText(accountError));
        }
        out() << "password changed for " << name << "; every token of the user is revoked" << Qt::endl;
        if (generate) {
            out() << "password: " << secret << Qt::endl;
        }
        return 0;
    }
    if (action == u"totp") {
        const QByteArray secret = admin.identity->enrolSecondFactor(userId, &accountError);
        if (secret.isEmpty()) {
            return fail(accountErrorText(accountError));
        }
        // Printed once for the person to scan or type; the server keeps it to check codes.
        out() << "secret: " << Totp::toBase32(secret) << Qt::endl;
        out() << "uri: " << Totp::provisioningUri(admin.identity->settings().totpIssuer, name, secret) << Qt::endl;
        return 0;
    }
    bool ok = false;
    if (action == u"disable") {
        ok = admin.identity->disableUser(userId, &accountError);
    } else if (action == u"enable") {
        ok = admin.identity->enableUser(userId, &accountError);
    } else {
        ok = admin.identity->revokeAllTokens(userId, &accountError);
    }
    if (!ok) {
        return fail(accountErrorText(accountError));
    }
    out() << (action == u"disable" ? "disabled " : action == u"enable" ? "enabled " : "signed out ") << name
          << Qt::endl;
    return 0;
}

int eligibilityCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("elevated eligibility add USER ROLE [--start TIME] [--end TIME]\n"
                                                    "Makes USER eligible for ROLE (a role id or display name), optionally "
                                                    "only between two UTC times. With --group, ROLE is a group and --access "
                                                    "member|owner says which."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("add"), QStringLiteral("The action (add)."));
    parser.addPositionalArgument(QStringLiteral("user"), QStringLiteral("User name or id."));
    parser.addPositionalArgument(QStringLiteral("role"), QStringLiteral("Role id or display name, or group id with --group."));
    parser.addOption(databaseOption());
    parser.addOption(configOption());
    parser.addOption({QStringLiteral("start"), QStringLiteral("When the eligibility starts (ISO-8601 UTC)."), QStringLiteral("time")});
    parser.addOption({QStringLiteral("end"), QStringLiteral("When it ends (ISO-8601 UTC); permanent if absent."), QStringLiteral("time")});
    parser.addOption({QStringLiteral("group"), QStringLiteral("ROLE names a PIM group.")});
    parser.addOption({QStringLiteral("access"), QStringLiteral("member or owner (groups)."), QStringLiteral("access"), QStringLiteral("member")});
    parser.process(args);
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 3 || pos.first() != u"add") {
        return fail(QStringLiteral("usage: elevated eligibility add USER ROLE [--start TIME] [--end TIME]"));
    }
    Admin admin;
    QString error;
    if (!openAdmin(admin, parser, &error)) {
        return fail(error);
    }
    const auto userId = admin.engine->userIdByName(pos.at(1));
    if (!userId) {
        return fail(QStringLiteral("no such user: %1").arg(pos.at(1)));
    }
    const bool group = parser.isSet(QStringLiteral("group"));
    const QString target = group ? pos.at(2) : resolveRole(*admin.engine, pos.at(2));
    if (target.isEmpty()) {
        return fail(QStringLiteral("no such role: %1").arg(pos.at(2)));
    }
    const auto start = parseInstant(parser.value(QStringLiteral("start")), &error);
    const auto end = parseInstant(parser.value(QStringLiteral("end")), &error);
    if (!start || !end) {
        return fail(error);
    }
    const auto e = admin.engine->addEligibility(cliCaller(), group ? PimKind::Group : PimKind::DirectoryRole, *userId, target,
                                                group ? parser.value(QStringLiteral("access")) : QStringLiteral("/"), *start, *end);
    if (!e) {
        return fail(e.error().message);
    }
    out() << "eligibility " << e->id << " added" << Qt::endl;
    return 0;
}

int policyCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("elevated policy set ROLE [--max-duration PT2H] [--require "
                                                    "justification,ticket,mfa] [--approvers a,b] [--approvals-needed N]\n"
                                                    "Sets the activation policy of a role. Options left out keep the current value."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("set"), QStringLiteral("The action (set)."));
    parser.addPositionalArgument(QStringLiteral("role"), QStringLiteral("Role id or display name."));
    parser.addOption(databaseOption());
    parser.addOption(configOption());
    parser.addOption({QStringLiteral("max-duration"), QStringLiteral("Longest activation (ISO-8601, e.g. PT2H)."), QStringLiteral("duration")});
    parser.addOption({QStringLiteral("require"), QStringLiteral("Comma list of justification, ticket, mfa, or none."), QStringLiteral("list")});
    parser.addOption({QStringLiteral("approvers"), QStringLiteral("Comma list of user names; none turns approval off."), QStringLiteral("list")});
    parser.addOption({QStringLiteral("approvals-needed"), QStringLiteral("How many approvers must approve."), QStringLiteral("n")});
    parser.process(args);
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 2 || pos.first() != u"set") {
        return fail(QStringLiteral("usage: elevated policy set ROLE [options]"));
    }
    Admin admin;
    QString error;
    if (!openAdmin(admin, parser, &error)) {
        return fail(error);
    }
    const QString roleId = resolveRole(*admin.engine, pos.at(1));
    if (roleId.isEmpty()) {
        return fail(QStringLiteral("no such role: %1").arg(pos.at(1)));
    }
    RolePolicy p = admin.engine->policyFor(PimKind::DirectoryRole, roleId, QStringLiteral("/"));
    auto ensure = [&p]() {
        if (p.expirationRules.isEmpty() || p.enablementRules.isEmpty() || p.approvalRules.isEmpty()) {
            const RolePolicy d = Engine::defaultPolicy();
            p.expirationRules = p.expirationRules.isEmpty() ? d.expirationRules : p.expirationRules;
            p.enablementRules = p.enablementRules.isEmpty() ? d.enablementRules : p.enablementRules;
            p.approvalRules = p.approvalRules.isEmpty() ? d.approvalRules : p.approvalRules;
        }
    };
    ensure();
    ExpirationRule* expiration = nullptr;
    EnablementRule* enablement = nullptr;
    ApprovalRule* approval = nullptr;
    for (auto& r : p.expirationRules) {
        expiration = r.id == RuleIds::ExpirationEndUserAssignment ? &r : expiration;
    }
    for (auto& r : p.enablementRules) {
        enablement = r.id == RuleIds::EnablementEndUserAssignment ? &r : enablement;
    }
    for (auto& r : p.approvalRules) {
        approval = r.id == RuleIds::ApprovalEndUserAssignment ? &r : approval;
    }
    if (!expiration || !enablement || !approval) {
        return fail(QStringLiteral("the stored policy lacks its end-user rules"));
    }
    if (parser.isSet(QStringLiteral("max-duration"))) {
        const Result<IsoDuration> d = IsoDuration::parse(parser.value(QStringLiteral("max-duration")));
        if (!d || d->isZero()) {
            return fail(d ? QStringLiteral("the maximum duration must be longer than zero") : d.error().message);
        }
        expiration->maximumDuration = *d;
        expiration->isExpirationRequired = true;
    }
    if (parser.isSet(QStringLiteral("require"))) {
        enablement->enabledRules.clear();
        for (const QString& item : parser.value(QStringLiteral("require")).split(u',', Qt::SkipEmptyParts)) {
            const QString k = item.trimmed().toLower();
            if (k == u"justification") {
                enablement->enabledRules << EnablementRequirement::Justification;
            } else if (k == u"ticket" || k == u"ticketing") {
                enablement->enabledRules << EnablementRequirement::Ticketing;
            } else if (k == u"mfa") {
                enablement->enabledRules << EnablementRequirement::MultiFactorAuthentication;
            } else if (k != u"none") {
                return fail(QStringLiteral("--require takes justification, ticket, mfa or none, not \"%1\"").arg(item));
            }
        }
    }
    if (parser.isSet(QStringLiteral("approvers"))) {
        approval->approvalStages.clear();
        const QStringList names = parser.value(QStringLiteral("approvers")).split(u',', Qt::SkipEmptyParts);
        if (names.isEmpty() || (names.size() == 1 && names.first().trimmed() == u"none")) {
            approval->isApprovalRequired = false;
            approval->approvalMode = ApprovalMode::NoApproval;
        } else {
            ApprovalStage stage;
            for (const QString& name : names) {
                const auto id = admin.engine->userIdByName(name.trimmed());
                if (!id) {
                    return fail(QStringLiteral("no such approver: %1").arg(name));
                }
                stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, *id, admin.engine->user(*id)->displayName};
            }
            approval->isApprovalRequired = true;
            approval->approvalMode = ApprovalMode::SingleStage;
            approval->approvalStages << stage;
        }
    }
    if (parser.isSet(QStringLiteral("approvals-needed"))) {
        bool ok = false;
        const int n = parser.value(QStringLiteral("approvals-needed")).toInt(&ok);
        if (!ok || n < 1 || approval->approvalStages.isEmpty() || n > approval->approvalStages.first().primaryApprovers.size()) {
            return fail(QStringLiteral("--approvals-needed must be between 1 and the number of approvers"));
        }
        approval->approvalStages.first().approvalsRequired = n;
    }
    const auto saved = admin.engine->setPolicy(cliCaller(), PimKind::DirectoryRole, roleId, QStringLiteral("/"), p);
    if (!saved) {
        return fail(saved.error().message);
    }
    out() << "policy of " << admin.engine->roleDefinition(roleId)->displayName << " updated" << Qt::endl;
    return 0;
}

int auditCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("elevated audit verify [--database URL]\n"
                                                    "Walks the audit hash chain and names the first row that was altered "
                                                    "or removed. Exit status 0 when intact, 2 when broken."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("verify"), QStringLiteral("The action (verify)."));
    parser.addOption(databaseOption());
    parser.addOption(configOption());
    parser.process(args);
    if (parser.positionalArguments() != QStringList{QStringLiteral("verify")}) {
        return fail(QStringLiteral("usage: elevated audit verify [--database URL]"));
    }
    Admin admin;
    QString error;
    if (!openAdmin(admin, parser, &error)) {
        return fail(error);
    }
    const AuditLog::Verification v = admin.engine->auditLog().verify();
    if (v.ok) {
        out() << "audit chain intact: " << v.rowsChecked << " events" << Qt::endl;
        return 0;
    }
    out() << "audit chain broken at event " << v.firstBadId << ": " << v.reason << " (" << v.rowsChecked
          << " events checked)" << Qt::endl;
    return 2;
}

int dbCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "elevated db copy --from URL --to URL\n"
        "Copies every table and the audit chain into an empty database (e.g. from sqlite:PATH to "
        "postgresql://USER@HOST:PORT/DB) in one transaction, checks the row counts and verifies the audit "
        "chain before it commits. Stop the servers first. The PostgreSQL password comes from PGPASSWORD or "
        "database-password-file in --config."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("copy"), QStringLiteral("The action (copy)."));
    parser.addOption({QStringLiteral("from"), QStringLiteral("The database to copy from."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("to"), QStringLiteral("The empty database to copy into."), QStringLiteral("url")});
    parser.addOption(configOption());
    parser.process(args);
    const QString fromUrl = parser.value(QStringLiteral("from"));
    const QString toUrl = parser.value(QStringLiteral("to"));
    if (parser.positionalArguments() != QStringList{QStringLiteral("copy")} || fromUrl.isEmpty() || toUrl.isEmpty()) {
        return fail(QStringLiteral("usage: elevated db copy --from URL --to URL"));
    }
    QString error;
    std::unique_ptr<QSettings> config = loadConfig(parser, &error);
    QString password;
    if (!error.isEmpty() || !databasePassword(config.get(), &password, &error)) {
        return fail(error);
    }
    Database from;
    Database to;
    from.setPassword(password);
    to.setPassword(password);
    if (!from.open(fromUrl, &error) || !to.open(toUrl, &error)) {
        return fail(error);
    }
    QString report;
    const bool ok = DatabaseCopy::copy(
        from, to,
        [&](QString* checked, QString* problem) {
            AuditLog audit(to);
            const AuditLog::Verification v = audit.verify();
            if (!v.ok) {
                *problem = QStringLiteral("the copied audit chain does not verify at %1: %2").arg(v.firstBadId, v.reason);
                return false;
            }
            *checked = QStringLiteral("audit chain verified: %1 events").arg(v.rowsChecked);
            return true;
        },
        &report, &error);
    if (!ok) {
        return fail(QStringLiteral("nothing was copied: ") + error);
    }
    out() << report << Qt::endl << "copied " << fromUrl << " to " << toUrl << Qt::endl;
    return 0;
}

int serve(QCoreApplication& app, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "elevated: the self-hosted PIM backend (Microsoft Graph dialect).\n\n"
        "Commands:\n"
        "  elevated [options]                 run the server\n"
        "  elevated user add NAME ...         add an account\n"
        "  elevated user passwd|totp|disable|enable|signout NAME\n"
        "                                     change an account (passwd, disable and signout\n"
        "                                     revoke its tokens; totp registers an authenticator)\n"
        "  elevated eligibility add USER ROLE make a user eligible for a role\n"
        "  elevated policy set ROLE ...       set a role's activation policy\n"
        "  elevated audit verify              check the audit hash chain\n"
        "  elevated db copy --from URL --to URL\n"
        "                                     move the data to another database (SQLite to PostgreSQL)\n"
        "Each command has --help."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("listen"), QStringLiteral("Address and port (default 127.0.0.1:8400)."), QStringLiteral("host:port")});
    parser.addOption(databaseOption());
    parser.addOption(configOption());
    parser.addOption({QStringLiteral("demo"), QStringLiteral("Seed and serve the demo organisation (loopback only; a "
                                                             "temporary database unless --database is given). Its "
                                                             "device code flow takes login_hint=PERSONA.")});
    parser.addOption({QStringLiteral("min-active-seconds"), QStringLiteral("Shortest activation before deactivation (default 300)."),
                      QStringLiteral("seconds")});
    parser.addOption({QStringLiteral("rate-limit"), QStringLiteral("Requests per second per session (0 = off; default 20)."),
                      QStringLiteral("rate")});
    parser.addOption({QStringLiteral("rate-burst"), QStringLiteral("Burst allowance per session (default 100)."), QStringLiteral("n")});
    parser.addOption({QStringLiteral("public-url"), QStringLiteral("The URL clients use to reach this server."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("max-body-bytes"), QStringLiteral("Largest request body (default 1048576)."), QStringLiteral("bytes")});
    parser.addOption({QStringLiteral("access-token-lifetime"), QStringLiteral("Access token lifetime in seconds (default 3600)."),
                      QStringLiteral("seconds")});
    parser.addOption({QStringLiteral("group-commit"),
                      QStringLiteral("on (default): changes that arrive together are made durable with one sync and "
                                     "answered after it; off: one sync per change."),
                      QStringLiteral("on|off")});
    parser.addOption({QStringLiteral("durability"),
                      QStringLiteral("full (default): an acknowledged change and its audit record survive a power "
                                     "cut (one sync per commit); normal: they survive a crash or kill of elevated, "
                                     "a power cut may lose the last acknowledged changes but never corrupts the "
                                     "database or the audit chain (SQLite WAL synchronous=NORMAL; PostgreSQL "
                                     "synchronous_commit=off)."),
                      QStringLiteral("full|normal")});
    parser.addOption({QStringLiteral("mfa-window"),
                      QStringLiteral("Minutes a second factor stays fresh for policies that require MFA (default 10)."),
                      QStringLiteral("minutes")});
    parser.addOption({QStringLiteral("tls-cert"), QStringLiteral("Serve HTTPS with this PEM certificate (chain)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("tls-key"), QStringLiteral("The certificate's unencrypted PEM private key."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("insecure-http"),
                      QStringLiteral("Allow plain HTTP on a non-loopback address (only behind a TLS proxy).")});
    parser.addOption({QStringLiteral("verbose"), QStringLiteral("Log every request and sign-in.")});
    parser.process(args);
    QString error;
    std::unique_ptr<QSettings> config = loadConfig(parser, &error);
    if (!error.isEmpty()) {
        return fail(error);
    }
    ServerConfig c;
    c.listen = setting(parser, config.get(), QStringLiteral("listen"), c.listen);
    c.database = setting(parser, config.get(), QStringLiteral("database"));
    if (!databasePassword(config.get(), &c.databasePassword, &error)) {
        return fail(error);
    }
    c.demo = parser.isSet(QStringLiteral("demo")) || (config && config->value(QStringLiteral("demo")).toBool());
    c.publicBaseUrl = setting(parser, config.get(), QStringLiteral("public-url"));
    c.tlsCertificateFile = setting(parser, config.get(), QStringLiteral("tls-cert"));
    c.tlsKeyFile = setting(parser, config.get(), QStringLiteral("tls-key"));
    c.insecureHttp = parser.isSet(QStringLiteral("insecure-http"))
        || (config && config->value(QStringLiteral("insecure-http")).toBool());
    bool ok = true;
    auto number = [&](const QString& name, double fallback) {
        const QString text = setting(parser, config.get(), name);
        if (text.isEmpty()) {
            return fallback;
        }
        bool good = false;
        const double v = text.toDouble(&good);
        if (!good || v < 0) {
            ok = false;
            error = QStringLiteral("--%1 takes a non-negative number, not \"%2\"").arg(name, text);
        }
        return v;
    };
    c.minimumActiveSeconds = static_cast<int>(number(QStringLiteral("min-active-seconds"), c.minimumActiveSeconds));
    c.rateLimitPerSecond = number(QStringLiteral("rate-limit"), c.rateLimitPerSecond);
    c.rateLimitBurst = number(QStringLiteral("rate-burst"), c.rateLimitBurst);
    c.maxBodyBytes = static_cast<qint64>(number(QStringLiteral("max-body-bytes"), static_cast<double>(c.maxBodyBytes)));
    c.accessTokenLifetimeSeconds = static_cast<qint64>(
        number(QStringLiteral("access-token-lifetime"), static_cast<double>(c.accessTokenLifetimeSeconds)));
    const QString groupCommit = setting(parser, config.get(), QStringLiteral("group-commit"), QStringLiteral("on")).toLower();
    if (groupCommit == u"on" || groupCommit == u"true") {
        c.groupCommit = true;
    } else if (groupCommit == u"off" || groupCommit == u"false") {
        c.groupCommit = false;
    } else {
        ok = false;
        error = QStringLiteral("--group-commit takes on or off, not \"%1\"").arg(groupCommit);
    }
    const QString durability = setting(parser, config.get(), QStringLiteral("durability"), QStringLiteral("full")).toLower();
    if (durability == u"full") {
        c.durability = SqlDialect::Durability::Full;
    } else if (durability == u"normal") {
        c.durability = SqlDialect::Durability::Normal;
    } else if (ok) {
        ok = false;
        error = QStringLiteral("--durability takes full or normal, not \"%1\"").arg(durability);
    }
    const double mfaMinutes = number(QStringLiteral("mfa-window"), static_cast<double>(c.mfaWindowSeconds) / 60.0);
    c.mfaWindowSeconds = static_cast<qint64>(mfaMinutes * 60.0);
    if (ok && (mfaMinutes < 1 || mfaMinutes > 24 * 60)) {
        ok = false;
        error = QStringLiteral("--mfa-window takes 1 to 1440 minutes");
    }
    if (ok && (c.maxBodyBytes < 1024 || c.accessTokenLifetimeSeconds < 60)) {
        ok = false;
        error = QStringLiteral("--max-body-bytes must be at least 1024 and --access-token-lifetime at least 60");
    }
    if (!ok) {
        return fail(error);
    }
    ServerApp server;
    QObject::connect(&server, &ServerApp::fatalError, &app, [](const QString& reason) {
        qCritical("elevated stops: %s", qUtf8Printable(reason));
        QCoreApplication::exit(EXIT_FAILURE);
    });
    if (!server.start(c, &error)) {
        return fail(error);
    }
    if (c.publicBaseUrl.isEmpty()) {
        out() << "elevated is listening on " << server.baseUrl().toString() << Qt::endl;
    } else {
        out() << "elevated is listening on port " << server.port() << "; clients reach it as "
              << server.baseUrl().toString() << Qt::endl;
    }
    if (c.demo) {
        out() << "\nDemo organisation (every password: " << DemoSeed::Password << "):" << Qt::endl;
        for (const DemoSeed::Persona& p : DemoSeed::personas()) {
            out() << "  " << qSetFieldWidth(10) << Qt::left << p.role << qSetFieldWidth(0) << p.userName << "  ("
                  << p.displayName << ")" << Qt::endl;
        }
        out() << "\nSign in with the device code flow: POST " << server.baseUrl().toString()
              << "/organizations/oauth2/v2.0/devicecode, then open the page it names" << Qt::endl
              << "(or add login_hint=PERSONA to that request: the demo signs the persona in at once)." << Qt::endl;
    }
    return app.exec();
}

} // namespace

int main(int argc, char* argv[])
{
    Elevate::Server::Database::configureSqliteLibrary();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("elevated"));
    // Per-request and per-account chatter is for --verbose (or QT_LOGGING_RULES); warnings
    // always show.
    if (!app.arguments().contains(QStringLiteral("--verbose")) && qEnvironmentVariableIsEmpty("QT_LOGGING_RULES")) {
        QLoggingCategory::setFilterRules(QStringLiteral("elevate.*.info=false"));
    }
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    const QStringList args = app.arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    QStringList rest = args;
    if (command == u"user" || command == u"eligibility" || command == u"policy" || command == u"audit"
        || command == u"db") {
        rest.removeAt(1);
        rest[0] = QStringLiteral("elevated ") + command;
        if (command == u"user") {
            return userCommand(rest);
        }
        if (command == u"eligibility") {
            return eligibilityCommand(rest);
        }
        if (command == u"policy") {
            return policyCommand(rest);
        }
        if (command == u"db") {
            return dbCommand(rest);
        }
        return auditCommand(rest);
    }
    return serve(app, args);
}
