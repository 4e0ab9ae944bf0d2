#pragma once
// A persona's Workspace that reaches the ConsoleFixture's server through a TcpRelay, so a test
// can make the backend unreachable for real (TcpRelay::stop) and bring it back, with the
// engine's offline probe on a short back-off and no client-side retries.
#include "ConsoleFixture.h"
#include "GraphClient.h"
#include "RetryPolicy.h"
#include "TcpRelay.h"

#include <chrono>

namespace Elevate::Testing {

inline std::unique_ptr<Workspace> relayedWorkspace(ConsoleFixture& fixture, TcpRelay& relay, const QString& persona,
                                                   QString* error)
{
    WorkspaceOptions options;
    options.dataDir = fixture.dataDir();
    options.tokensInMemoryOnly = true;
    Profile profile = Profile::elevated(persona, relay.url(), QStringLiteral("elevate-tests"));
    profile.id = QStringLiteral("%1-relayed-%2").arg(persona, QUuid::createUuid().toString(QUuid::WithoutBraces).left(8));
    auto ws = std::make_unique<Workspace>(fixture.nam(), profile, options);
    ConsoleFixture::signInAsPersona(*ws, persona);
    QString problem;
    if (!ws->openStorage(true, &problem)) {
        *error = problem;
        return nullptr;
    }
    std::optional<AuthResult> got;
    ws->credentials().signIn(QString(), [&got](const AuthResult& r) { got = r; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, 30000) || !got->ok()) {
        *error = got ? QStringLiteral("sign-in failed: %1 %2").arg(got->error, got->description)
                     : QStringLiteral("sign-in timed out");
        return nullptr;
    }
    RetryPolicy::Settings once;
    once.maxAttempts = 1;
    ws->graph().setRetryPolicy(RetryPolicy(once));
    using namespace std::chrono_literals;
    ws->engine()->setBackoff(50ms, 200ms);
    return ws;
}

} // namespace Elevate::Testing
