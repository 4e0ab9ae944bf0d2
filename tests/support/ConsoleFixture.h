#pragma once
// The console's libraries against a real elevated: an in-process ServerApp seeded with the demo
// organisation (the personas alex, megan, diego, isaiah, adele) on 127.0.0.1 with a temporary
// database, and one Workspace per persona signed in through the real network layer (device
// code flow with the demo's login_hint), its cache and outbox in a temporary folder. For the
// model and GUI tests.
#include "Authority.h"
#include "Credentials.h"
#include "ServerApp.h"
#include "SyncEngine.h"
#include "TokenStore.h"
#include "Workspace.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>
#include <optional>

namespace Elevate::Testing {

class ConsoleFixture final
{
public:
    ConsoleFixture() { m_nam.setAutoDeleteReplies(false); }

    // Starts the server; false with *error when it could not.
    bool start(QString* error, const Server::ServerConfig& base = {})
    {
        Server::ServerConfig config = base;
        config.demo = true;
        config.listen = QStringLiteral("127.0.0.1:0");
        config.cheapPasswordHashing = true;
        m_server = std::make_unique<Server::ServerApp>();
        return m_server->start(config, error);
    }

    Server::ServerApp& server() { return *m_server; }
    QNetworkAccessManager& nam() { return m_nam; }
    QString dataDir() const { return m_dir.path(); }

    // The profile a persona's console uses: the server's base URL, a fresh id.
    Profile profileFor(const QString& persona) const
    {
        Profile p = Profile::elevated(persona, m_server->baseUrl(), QStringLiteral("elevate-tests"));
        p.id = QStringLiteral("%1-%2").arg(persona, QUuid::createUuid().toString(QUuid::WithoutBraces).left(8));
        return p;
    }

    // Every interactive sign-in of this workspace is the persona's (demo login_hint): what the
    // console's demo mode does.
    static void signInAsPersona(Workspace& workspace, const QString& persona)
    {
        workspace.credentials().setInteractiveSignIn(
            [persona](Authority& authority, const QString& claims, Credentials::Done done) {
                auto connection = std::make_shared<QMetaObject::Connection>();
                *connection = QObject::connect(&authority, &Authority::finished, &authority,
                                               [connection, done](const AuthResult& r) {
                                                   QObject::disconnect(*connection);
                                                   done(r);
                                               });
                authority.startDeviceCode(claims, persona);
            });
    }

    // A workspace for `persona`, signed in, its storage open. Null (with *error) on failure.
    std::unique_ptr<Workspace> workspace(const QString& persona, QString* error, bool signIn = true)
    {
        WorkspaceOptions options;
        options.dataDir = m_dir.path();
        options.tokensInMemoryOnly = true;
        auto ws = std::make_unique<Workspace>(m_nam, profileFor(persona), options);
        signInAsPersona(*ws, persona);
        QString problem;
        if (!ws->openStorage(true, &problem)) {
            *error = problem;
            return nullptr;
        }
        if (signIn) {
            std::optional<AuthResult> got;
            ws->credentials().signIn(QString(), [&got](const AuthResult& r) { got = r; });
            if (!QTest::qWaitFor([&got] { return got.has_value(); }, 30000) || !got->ok()) {
                *error = got ? QStringLiteral("sign-in failed: %1 %2").arg(got->error, got->description)
                             : QStringLiteral("sign-in timed out");
                return nullptr;
            }
        }
        return ws;
    }

    // Pulls every collection once into the workspace's cache; the errors, empty when all came.
    static QStringList syncAll(Workspace& ws)
    {
        std::optional<QStringList> errors;
        ws.engine()->syncAll([&errors](const QStringList& e) { errors = e; });
        if (!QTest::qWaitFor([&errors] { return errors.has_value(); }, 60000)) {
            return {QStringLiteral("sync timed out")};
        }
        return *errors;
    }

private:
    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    std::unique_ptr<Server::ServerApp> m_server;
};

} // namespace Elevate::Testing
