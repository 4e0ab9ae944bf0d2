#pragma once

#include "ApiResult.h"
#include "Profile.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QTcpServer;
class QTcpSocket;
class QTimer;

namespace Elevate {

class ApiJob;

// Tokens from the token endpoint. Held in memory only; TokenStore puts the refresh token in the
// keychain.
struct TokenSet
{
    QString accessToken;
    QString refreshToken;
    QString idToken;
    QString scope;
    QDateTime expiresAt; // UTC

    bool isEmpty() const { return accessToken.isEmpty(); }
};

// What the user must do for the device code flow.
struct DeviceCodePrompt
{
    QString userCode;
    QUrl verificationUri;
    QString message;
    QDateTime expiresAt;
};

enum class AuthErrorKind {
    None,
    Declined,         // the user said no (authorization_declined, access_denied)
    Expired,          // the device code or the login window ran out
    InvalidGrant,     // refresh token expired or revoked: sign in interactively
    InteractionRequired,
    Unreachable,      // no answer from the authority
    Canceled,
    Protocol,         // state mismatch, malformed answer, wrong code
    Refused,          // any other OAuth error
    Browser,          // the browser could not be opened
};

struct AuthResult
{
    AuthErrorKind kind = AuthErrorKind::None;
    QString error;        // the OAuth error code ("invalid_grant", ...)
    QString description;  // error_description, first line only
    TokenSet tokens;
    ApiResult http;       // the last exchange, for logs

    bool ok() const { return kind == AuthErrorKind::None; }
};

// The Microsoft identity platform v2 flows on QNetworkAccessManager (QtNetworkAuth 6.4 has
// neither PKCE nor the device flow): device code (RFC 8628, with authorization_pending,
// slow_down, authorization_declined, expired_token), authorization code + PKCE S256 with a
// loopback listener on 127.0.0.1 and the system browser, refresh, and the `claims` parameter
// for claims challenges (graph-contract.md §1). One interactive flow at a time, with exactly one
// finished() per start*(), including cancel(). refresh() is independent of the flows (a refresh
// may run while the user is in the browser) and answers through its callback, once, unless the
// Authority is destroyed first. Never logs a code or token.
class Authority final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Authority)

public:
    // Opens the authorization URL for the user; false when it could not.
    using BrowserOpener = std::function<bool(const QUrl&)>;

    Authority(QNetworkAccessManager& nam, Profile profile, QObject* parent = nullptr);
    ~Authority() override;

    const Profile& profile() const { return m_profile; }
    // Defaults to QDesktopServices::openUrl. Tests drive the flow with their own "browser".
    void setBrowserOpener(BrowserOpener opener);
    // How long the interactive flow waits for the browser to come back (default 5 min).
    void setInteractiveTimeout(std::chrono::milliseconds timeout);
    bool isBusy() const;

    // loginHint: the account to sign in (elevated's demo signs a persona in with it at once).
    void startDeviceCode(const QString& claims = {}, const QString& loginHint = {});
    // prompt: "", "login", "select_account", "consent", "none".
    void startInteractive(const QString& claims = {}, const QString& prompt = {}, const QString& loginHint = {});
    void refresh(const QString& refreshToken, const QString& claims, std::function<void(const AuthResult&)> done);
    void cancel();

    // PKCE helpers (RFC 7636), public for tests.
    static QString makeCodeVerifier();
    static QString codeChallengeS256(const QString& verifier);

signals:
    void deviceCodeReceived(const Elevate::DeviceCodePrompt& prompt);
    // The authorization URL, so a terminal can print it too.
    void browserRequested(const QUrl& url);
    void finished(const Elevate::AuthResult& result);

private:
    // POSTs to the token endpoint. A flow's request is cancel()able (m_job); a refresh's is not.
    void postToken(const QList<std::pair<QString, QString>>& fields, bool partOfFlow, std::function<void(const ApiResult&)> done);
    void pollDeviceCode();
    void onLoopbackConnection();
    void handleLoopbackRequest(QTcpSocket* socket);
    void exchangeCode(const QString& code);
    void finish(AuthResult result);
    AuthResult fromTokenResponse(const ApiResult& http) const;
    QString scopeText() const;

    QNetworkAccessManager& m_nam;
    Profile m_profile;
    BrowserOpener m_opener;
    std::chrono::milliseconds m_interactiveTimeout{5 * 60 * 1000};
    bool m_busy = false;
    QPointer<ApiJob> m_job;
    QTimer* m_timer = nullptr;   // poll interval / interactive deadline
    // device code
    QString m_deviceCode;
    int m_interval = 5;
    QDateTime m_deviceExpires;
    // PKCE
    QTcpServer* m_listener = nullptr;
    QString m_verifier;
    QString m_state;
    QString m_redirectUri;
    QString m_claims;
};

} // namespace Elevate
