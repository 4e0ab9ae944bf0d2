#include "Credentials.h"

#include "NetworkLog.h"
#include "TokenStore.h"

namespace Elevate {

Credentials::Credentials(Authority& authority, TokenStore& store, QObject* parent)
    : QObject(parent)
    , m_authority(authority)
    , m_store(store)
{
}

QString Credentials::accessToken() const
{
    return m_store.accessToken(profile());
}

void Credentials::setInteractiveSignIn(InteractiveSignIn signIn)
{
    m_interactive = std::move(signIn);
}

void Credentials::ensureAccessToken(Done done)
{
    if (!accessToken().isEmpty()) {
        AuthResult ok;
        ok.tokens.accessToken = accessToken();
        done(ok);
        return;
    }
    refresh(std::move(done));
}

void Credentials::refresh(Done done)
{
    m_waiting.append(std::move(done));
    if (m_refreshing) {
        return; // single flight: this caller gets the running refresh's answer
    }
    m_refreshing = true;
    m_store.loadRefreshToken(profile(), [this](const QString& token) {
        if (token.isEmpty()) {
            AuthResult r;
            r.kind = AuthErrorKind::InvalidGrant;
            r.error = QStringLiteral("signed_out");
            r.description = QStringLiteral("Not signed in.");
            settle(r);
            return;
        }
        runRefresh(token);
    });
}

void Credentials::runRefresh(const QString& refreshToken)
{
    m_authority.refresh(refreshToken, QString(), [this](const AuthResult& r) {
        if (!r.ok()) {
            if (r.kind == AuthErrorKind::InvalidGrant) {
                m_store.erase(profile(), [](bool) {});
                emit signedOut();
            }
            settle(r);
            return;
        }
        adopt(r.tokens, [this, r](bool) { settle(r); });
    });
}

void Credentials::settle(const AuthResult& result)
{
    m_refreshing = false;
    const QList<Done> waiting = std::exchange(m_waiting, {});
    for (const Done& d : waiting) {
        d(result);
    }
}

void Credentials::adopt(const TokenSet& tokens, std::function<void(bool)> done)
{
    m_store.setAccessToken(profile(), tokens.accessToken, tokens.expiresAt);
    if (tokens.refreshToken.isEmpty()) {
        done(false);
        return;
    }
    m_store.storeRefreshToken(profile(), tokens.refreshToken, std::move(done));
}

void Credentials::signIn(const QString& claims, Done done)
{
    if (!m_interactive) {
        AuthResult r;
        r.kind = AuthErrorKind::InteractionRequired;
        r.error = QStringLiteral("interaction_required");
        r.description = QStringLiteral("Interactive sign-in is not available here.");
        done(r);
        return;
    }
    m_interactive(m_authority, claims, [this, done = std::move(done)](const AuthResult& r) {
        if (!r.ok()) {
            done(r);
            return;
        }
        adopt(r.tokens, [done, r](bool) { done(r); });
    });
}

void Credentials::signOut(std::function<void()> done)
{
    m_store.erase(profile(), [done = std::move(done)](bool) { done(); });
}

} // namespace Elevate
