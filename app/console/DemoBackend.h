#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <QUrl>

#include <functional>
#include <memory>

namespace Elevate::Server {
class ServerApp;
}

namespace Elevate {

// `elevate --demo`'s embedded elevated: a ServerApp with the seeded demo organisation on
// 127.0.0.1 (a free port) and a temporary database, on its own thread so its disk writes
// never stall the window. start() returns at once; `ready` is called on the caller's thread
// with the base URL, or with an empty URL and the reason.
class DemoBackend final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoBackend)

public:
    using Ready = std::function<void(const QUrl& baseUrl, const QString& error)>;

    explicit DemoBackend(QObject* parent = nullptr);
    ~DemoBackend() override;

    void start(Ready ready);
    QUrl baseUrl() const { return m_baseUrl; }

    struct Persona
    {
        QString userName;
        QString job;   // translated: "requester", "approver", ...
        QString label; // "Alex Wilber (requester)"
        QString pane;  // the pane that person starts on
    };
    static QList<Persona> personas();

private:
    QThread m_thread;
    QObject* m_anchor = nullptr; // lives on m_thread: the context of calls into it
    std::unique_ptr<Server::ServerApp> m_server; // touched only on m_thread
    QUrl m_baseUrl;
};

} // namespace Elevate
