#include "DemoBackend.h"

#include "DemoSeed.h"
#include "ServerApp.h"

#include <QCoreApplication>
#include <QPointer>

namespace Elevate {

DemoBackend::DemoBackend(QObject* parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("elevated-demo"));
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_anchor, &QObject::deleteLater);
    m_thread.start();
}

DemoBackend::~DemoBackend()
{
    // The server's sockets and database belong to its thread: it is destroyed there.
    QMetaObject::invokeMethod(m_anchor, [this] { m_server.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void DemoBackend::start(Ready ready)
{
    QPointer<DemoBackend> self(this);
    // Calls into m_anchor run in order on the server's thread, so the destructor's reset always
    // comes after this start.
    QMetaObject::invokeMethod(m_anchor, [self, ready = std::move(ready), this] {
        Server::ServerConfig config;
        config.demo = true;
        config.listen = QStringLiteral("127.0.0.1:0");
        config.cheapPasswordHashing = true;
        m_server = std::make_unique<Server::ServerApp>();
        QString error;
        const bool ok = m_server->start(config, &error);
        const QUrl url = ok ? m_server->baseUrl() : QUrl();
        if (!ok) {
            m_server.reset();
        }
        // Back on the console's thread.
        QMetaObject::invokeMethod(qApp, [self, ready, url, error] {
            if (!self) {
                return;
            }
            self->m_baseUrl = url;
            ready(url, error);
        });
    });
}

QList<DemoBackend::Persona> DemoBackend::personas()
{
    QList<Persona> out;
    for (const Server::DemoSeed::Persona& p : Server::DemoSeed::personas()) {
        Persona persona;
        persona.userName = p.userName;
        if (p.role == u"requester") {
            persona.job = tr("requester");
            persona.pane = QStringLiteral("roles");
        } else if (p.role == u"approver") {
            persona.job = tr("approver");
            persona.pane = QStringLiteral("approvals");
        } else if (p.role == u"reviewer") {
            persona.job = tr("reviewer");
            persona.pane = QStringLiteral("reviews");
        } else if (p.role == u"auditor") {
            persona.job = tr("auditor");
            persona.pane = QStringLiteral("audit");
        } else {
            persona.job = tr("administrator");
            persona.pane = QStringLiteral("alerts");
        }
        persona.label = tr("%1 (%2)").arg(p.displayName, persona.job);
        out.append(persona);
    }
    return out;
}

} // namespace Elevate
