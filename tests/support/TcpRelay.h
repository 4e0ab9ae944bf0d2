#pragma once
// A TCP relay on 127.0.0.1 in front of an in-process server, so a test can take the backend
// away for real: stop() closes the listening socket and aborts every relayed connection (the
// client then sees "connection refused", exactly as with a stopped server), start() listens
// again on the same port. The server itself keeps running with its data. hold() makes the
// network hang instead: connections are accepted and never answered (a dead link, not a refusal).
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

namespace Elevate::Testing {

class TcpRelay final : public QObject
{
public:
    explicit TcpRelay(quint16 targetPort, QObject* parent = nullptr)
        : QObject(parent)
        , m_targetPort(targetPort)
    {
        connect(&m_listener, &QTcpServer::newConnection, this, &TcpRelay::accept);
    }

    ~TcpRelay() override { stop(); }

    // Listens (again) on the relay's port; false when the port could not be taken.
    bool start()
    {
        m_hold = false;
        return m_listener.isListening() || m_listener.listen(QHostAddress::LocalHost, m_port);
    }

    void stop()
    {
        m_listener.close();
        m_hold = false;
        dropConnections();
    }

    // Keeps listening but answers nothing, on new connections and (dropped) old ones.
    void hold()
    {
        m_hold = true;
        dropConnections();
    }

    bool isListening() const { return m_listener.isListening(); }
    quint16 port()
    {
        if (m_port == 0 && m_listener.isListening()) {
            m_port = m_listener.serverPort();
        }
        return m_port;
    }
    QUrl url() { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port())); }

private:
    void dropConnections()
    {
        const auto sockets = std::exchange(m_sockets, {});
        for (const QPointer<QTcpSocket>& s : sockets) {
            if (s) {
                s->abort();
                s->deleteLater();
            }
        }
    }

    void accept()
    {
        port();
        while (QTcpSocket* client = m_listener.nextPendingConnection()) {
            if (m_hold) {
                m_sockets << client;
                connect(client, &QTcpSocket::readyRead, client, [client] { client->readAll(); });
                continue;
            }
            auto* upstream = new QTcpSocket(this);
            m_sockets << client << upstream;
            connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] {
                if (upstream->state() == QAbstractSocket::ConnectedState) {
                    upstream->write(client->readAll());
                }
            });
            connect(upstream, &QTcpSocket::connected, client, [client, upstream] { upstream->write(client->readAll()); });
            connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
            connect(client, &QTcpSocket::disconnected, upstream, [upstream] { upstream->disconnectFromHost(); });
            connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            connect(upstream, &QTcpSocket::errorOccurred, client, [client](QAbstractSocket::SocketError) { client->abort(); });
            upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
        }
    }

    QTcpServer m_listener;
    quint16 m_targetPort;
    quint16 m_port = 0;
    bool m_hold = false;
    QList<QPointer<QTcpSocket>> m_sockets;
};

} // namespace Elevate::Testing
