#pragma once

// The console's network stack wired to a FakeEntra, as the composition root wires it to
// Microsoft: one profile, its token store, authority, credentials, Graph client and session.

#include "FakeEntra.h"

#include "Authority.h"
#include "Credentials.h"
#include "GraphClient.h"
#include "Session.h"
#include "TokenStore.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

struct EntraRig
{
    FakeEntra fake;
    QNetworkAccessManager nam;
    Elevate::Profile profile;
    std::unique_ptr<Elevate::TokenStore> store;
    std::unique_ptr<Elevate::Authority> authority;
    std::unique_ptr<Elevate::Credentials> credentials;
    std::unique_ptr<Elevate::GraphClient> graph;
    std::unique_ptr<Elevate::Session> session;
    QNetworkAccessManager browser; // the "system browser" of the PKCE flow

    EntraRig()
    {
        fake.start();
        // An Entra profile whose hosts are overridden to the fake (elevatectl --authority/--graph).
        profile = Elevate::Profile::entra(QStringLiteral("fake"), QStringLiteral("contoso.onmicrosoft.com"), Elevate::EntraCloud::Global);
        profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        profile.authority = fake.base();
        profile.graph = fake.base();
        profile.scopes = Elevate::Profile::entraScopes(profile.graph);
        // A keychain service of its own, so a real Secret Service (if any) is not polluted.
        store = std::make_unique<Elevate::TokenStore>(QStringLiteral("Elevate tests ") + profile.id);
        authority = std::make_unique<Elevate::Authority>(nam, profile);
        authority->setBrowserOpener([this](const QUrl& url) { return openInBrowser(url); });
        credentials = std::make_unique<Elevate::Credentials>(*authority, *store);
        credentials->setInteractiveSignIn([](Elevate::Authority& a, const QString& claims, Elevate::Credentials::Done done) {
            auto c = std::make_shared<QMetaObject::Connection>();
            *c = QObject::connect(&a, &Elevate::Authority::finished, [c, done](const Elevate::AuthResult& r) {
                QObject::disconnect(*c);
                done(r);
            });
            a.startInteractive(claims, QStringLiteral("login"));
        });
        graph = std::make_unique<Elevate::GraphClient>(nam, *credentials);
        session = std::make_unique<Elevate::Session>(*graph);
    }

    // Follows the authorize URL like a browser: the fake "signs in" and we GET the loopback
    // redirect, which is what the system browser would do.
    QString browserState; // non-empty: send this state instead (a forged answer)
    int browserStatus = 0;
    bool openInBrowser(const QUrl& url)
    {
        const QUrl back = fake.authorize(url, browserState);
        QNetworkReply* reply = browser.get(QNetworkRequest(back));
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply] {
            browserStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            reply->deleteLater();
        });
        return true;
    }

    // Device code sign-in that the fake approves at once; true on success.
    bool signIn()
    {
        fake.deviceState = QStringLiteral("approved");
        std::optional<Elevate::AuthResult> result;
        auto c = QObject::connect(authority.get(), &Elevate::Authority::finished, [&result](const Elevate::AuthResult& r) { result = r; });
        authority->startDeviceCode();
        (void)QTest::qWaitFor([&result] { return result.has_value(); }, 20000);
        QObject::disconnect(c);
        if (!result || !result->ok()) {
            return false;
        }
        bool adopted = false;
        credentials->adopt(result->tokens, [&adopted](bool) { adopted = true; });
        return QTest::qWaitFor([&adopted] { return adopted; }, 20000);
    }
};
