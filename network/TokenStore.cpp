#include "TokenStore.h"

#include "NetworkLog.h"

#include <qt6keychain/keychain.h>

namespace Elevate {

TokenStore::TokenStore(QString service, QObject* parent)
    : QObject(parent)
    , m_service(std::move(service))
{
}

TokenStore::~TokenStore() = default;

QString TokenStore::keyFor(const Profile& profile)
{
    // The profile's id, not its name: a profile removed and added again under the same name
    // does not inherit the old sign-in.
    return QStringLiteral("refresh-token/") + (profile.id.isEmpty() ? profile.name : profile.id);
}

void TokenStore::keychainFailed(const QString& error)
{
    m_keychainError = error;
    if (!m_sessionOnly) {
        m_sessionOnly = true;
        qCWarning(lcNetwork).noquote() << "keychain unavailable, tokens last for this session only:" << error;
        emit sessionOnlyChanged(true);
    }
}

void TokenStore::loadRefreshToken(const Profile& profile, std::function<void(const QString&)> done)
{
    const QString key = keyFor(profile);
    if (m_refresh.contains(key) || m_sessionOnly) {
        const QString token = m_refresh.value(key);
        QMetaObject::invokeMethod(this, [done = std::move(done), token] { done(token); }, Qt::QueuedConnection);
        return;
    }
    // No parent: a job deleted while the Secret Service call is pending crashes in libsecret's
    // callback (seen when a profile is switched mid-read). It deletes itself when finished;
    // `this` as the connection's context keeps its answer from reaching a destroyed store.
    auto* job = new QKeychain::ReadPasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, job, key, done = std::move(done)](QKeychain::Job*) {
        if (job->error() == QKeychain::NoError) {
            const QString token = job->textData();
            m_refresh.insert(key, token);
            done(token);
            return;
        }
        if (job->error() != QKeychain::EntryNotFound) {
            keychainFailed(job->errorString());
        }
        done(QString());
    });
    job->start();
}

void TokenStore::storeRefreshToken(const Profile& profile, const QString& token, std::function<void(bool)> done)
{
    const QString key = keyFor(profile);
    m_refresh.insert(key, token);
    if (m_sessionOnly) {
        QMetaObject::invokeMethod(this, [done = std::move(done)] { done(false); }, Qt::QueuedConnection);
        return;
    }
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [this, job, done = std::move(done)](QKeychain::Job*) {
        if (job->error() != QKeychain::NoError) {
            keychainFailed(job->errorString());
            done(false);
            return;
        }
        done(true);
    });
    job->start();
}

void TokenStore::erase(const Profile& profile, std::function<void(bool)> done)
{
    const QString key = keyFor(profile);
    m_refresh.remove(key);
    m_access.remove(key);
    if (m_sessionOnly) {
        QMetaObject::invokeMethod(this, [done = std::move(done)] { done(true); }, Qt::QueuedConnection);
        return;
    }
    auto* job = new QKeychain::DeletePasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, job, done = std::move(done)](QKeychain::Job*) {
        const bool ok = job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound;
        if (!ok) {
            keychainFailed(job->errorString());
        }
        done(ok);
    });
    job->start();
}

void TokenStore::setAccessToken(const Profile& profile, const QString& token, const QDateTime& expiresAtUtc)
{
    m_access.insert(keyFor(profile), {token, expiresAtUtc});
}

QString TokenStore::accessToken(const Profile& profile, int marginSeconds) const
{
    const auto it = m_access.constFind(keyFor(profile));
    if (it == m_access.cend() || it->first.isEmpty()) {
        return {};
    }
    if (it->second.isValid() && QDateTime::currentDateTimeUtc().addSecs(marginSeconds) >= it->second) {
        return {};
    }
    return it->first;
}

QDateTime TokenStore::accessTokenExpiry(const Profile& profile) const
{
    return m_access.value(keyFor(profile)).second;
}

void TokenStore::clearAccessToken(const Profile& profile)
{
    m_access.remove(keyFor(profile));
}

} // namespace Elevate
