// Prepares a database for bench/run-elevated.sh: N users eligible for one role (each with an
// access token written to a file, one per line), and a history of audit events to page through.
#include "AuditLog.h"
#include "Clock.h"
#include "Database.h"
#include "Engine.h"
#include "EngineSupport.h"
#include "IdentityService.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

using namespace Elevate;
using namespace Elevate::Server;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5) {
        QTextStream(stderr) << "usage: elevate-bench-setup DATABASE-URL TOKENS-FILE USERS AUDIT-EVENTS\n";
        return 2;
    }
    const int users = args.at(3).toInt();
    const int events = args.at(4).toInt();
    Database db;
    QString error;
    if (!db.open(args.at(1), &error)) {
        QTextStream(stderr) << error << '\n';
        return 1;
    }
    db.setDurable(false);
    SystemClock clock;
    IdentitySettings cheap;
    cheap.passwordHashing.memoryKiB = 8 * 1024;
    cheap.passwordHashing.iterations = 1;
    cheap.accessTokenLifetimeSeconds = 6 * 3600;
    IdentityService identity(db, clock, cheap);
    Engine engine(db, clock, Engine::Options{});
    Caller admin;
    admin.userId = QStringLiteral("bench");
    admin.displayName = QStringLiteral("bench setup");
    admin.isAdmin = true;
    const QString role = QStringLiteral("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
    engine.addRoleDefinition(admin, RoleDefinition{role, QStringLiteral("Directory Readers"), {}, true, true, role, {}, {}, {}});
    // A policy with no approval and no MFA, so activate -> deactivate is two calls.
    RolePolicy policy = Engine::defaultPolicy();
    engine.setPolicy(admin, PimKind::DirectoryRole, role, QStringLiteral("/"), policy);
    QFile out(args.at(2));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return 1;
    }
    for (int i = 0; i < users; ++i) {
        const QString id = identity.addUser(QStringLiteral("bench%1").arg(i), QStringLiteral("Bench %1").arg(i),
                                            QStringLiteral("bench-password"), true, true);
        engine.addEligibility(admin, PimKind::DirectoryRole, id, role, QStringLiteral("/"), {}, {});
        const TokenResult t = identity.issueTokens(id, QStringLiteral("bench"), QStringLiteral("openid"), clock.now(), clock.now(), {});
        out.write(t.accessToken.toUtf8() + '\n');
    }
    AuditLog& audit = engine.auditLog();
    db.transaction([&] {
        const Timestamp start = clock.now().plusSeconds(-30LL * 86400);
        for (int i = 0; i < events; ++i) {
            AuditEvent e = EngineSupport::makeEvent(admin, start.plusSeconds(i * 60), QStringLiteral("RoleManagement"),
                                                    QStringLiteral("PIM"), QStringLiteral("Add member to role completed (PIM activation)"),
                                                    QStringLiteral("Assign"), QStringLiteral("bench-%1").arg(i),
                                                    QStringLiteral("Benchmark history"));
            EngineSupport::addTarget(e, role, QStringLiteral("Directory Readers"), QStringLiteral("Role"));
            if (!audit.append(e)) {
                return false;
            }
        }
        return true;
    });
    db.setDurable(true);
    QTextStream(stdout) << users << " users, " << events << " audit events\n";
    return 0;
}
