#pragma once

#include "Authority.h"

#include <QList>
#include <QObject>

#include <functional>

namespace Elevate {

class TokenStore;

// One profile's sign-in state, between the Authority (flows) and the TokenStore (storage):
//  - accessToken() is the in-memory token, empty when there is none or it is about to expire;
//  - refresh() is single-flight: callers arriving while a refresh runs wait for the same one;
//    the rotated refresh token replaces the old one in the keychain;
//  - signIn()/stepUp() run the interactive flow set with setInteractiveSignIn() (device code
//    or PKCE, chosen by the UI/CLI), with the `claims` of a challenge for step-up.
// A refresh that answers invalid_grant forgets the tokens and emits signedOut().
class Credentials final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Credentials)

public:
    using Done = std::function<void(const AuthResult&)>;
    // Runs an interactive sign-in on `authority` with `claims`, and calls done with its result.
    using InteractiveSignIn = std::function<void(Authority& authority, const QString& claims, Done done)>;

    Credentials(Authority& authority, TokenStore& store, QObject* parent = nullptr);

    const Profile& profile() const { return m_authority.profile(); }
    Authority& authority() { return m_authority; }
    TokenStore& store() { return m_store; }

    QString accessToken() const;
    void setInteractiveSignIn(InteractiveSignIn signIn);

    // A usable access token: the one in memory, else a refresh. Fails with InvalidGrant when
    // there is no refresh token (signed out).
    void ensureAccessToken(Done done);
    void refresh(Done done);
    // Interactive sign-in (claims empty) or step-up (claims from a challenge); stores the tokens.
    void signIn(const QString& claims, Done done);
    // Keeps tokens from a flow run elsewhere (the CLI's login); done(persisted).
    void adopt(const TokenSet& tokens, std::function<void(bool persisted)> done);
    void signOut(std::function<void()> done);

signals:
    void signedOut();

private:
    void runRefresh(const QString& refreshToken);
    void settle(const AuthResult& result);

    Authority& m_authority;
    TokenStore& m_store;
    InteractiveSignIn m_interactive;
    QList<Done> m_waiting;
    bool m_refreshing = false;
};

} // namespace Elevate
