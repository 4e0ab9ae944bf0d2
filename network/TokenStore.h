#pragma once

#include "Profile.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace Elevate {

// Where tokens live (DESIGN.md "Storage"): refresh tokens in the system keychain through
// QtKeychain (Secret Service, macOS Keychain, Windows Credential Manager), access tokens only
// in this object's memory. QtKeychain's insecure plaintext fallback is off. When the keychain
// cannot be reached the store switches to session-only: tokens are kept in memory for this
// process, isSessionOnly() turns true and sessionOnlyChanged() fires so the UI/CLI can say so.
// Callbacks run on this object's thread once the keychain answers (later, never re-entrantly).
class TokenStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenStore)

public:
    explicit TokenStore(QString service = QStringLiteral("Elevate"), QObject* parent = nullptr);
    ~TokenStore() override;

    // The refresh token of `profile`: from memory, else from the keychain; empty when none.
    void loadRefreshToken(const Profile& profile, std::function<void(const QString& token)> done);
    // Keeps it in memory and writes it to the keychain; `persisted` is false in session-only mode.
    void storeRefreshToken(const Profile& profile, const QString& token, std::function<void(bool persisted)> done);
    // Forgets the profile's tokens here and in the keychain.
    void erase(const Profile& profile, std::function<void(bool ok)> done);

    void setAccessToken(const Profile& profile, const QString& token, const QDateTime& expiresAtUtc);
    // The profile's access token while it has more than `margin` seconds left; else empty.
    QString accessToken(const Profile& profile, int marginSeconds = 120) const;
    QDateTime accessTokenExpiry(const Profile& profile) const;
    void clearAccessToken(const Profile& profile);

    // Never touch the keychain: tokens live in memory for this process (the demo, whose
    // accounts are throw-away). isSessionOnly() is then true without a keychain error.
    void keepInMemoryOnly() { m_sessionOnly = true; m_memoryByChoice = true; }
    bool isMemoryOnlyByChoice() const { return m_memoryByChoice; }

    bool isSessionOnly() const { return m_sessionOnly; }
    // Why the keychain is not used ("No keychain service available"), for the log/details.
    QString keychainError() const { return m_keychainError; }

signals:
    void sessionOnlyChanged(bool sessionOnly);

private:
    static QString keyFor(const Profile& profile);
    void keychainFailed(const QString& error);

    QString m_service;
    QHash<QString, QString> m_refresh;   // key -> refresh token (memory copy)
    QHash<QString, std::pair<QString, QDateTime>> m_access;
    bool m_sessionOnly = false;
    bool m_memoryByChoice = false;
    QString m_keychainError;
};

} // namespace Elevate
