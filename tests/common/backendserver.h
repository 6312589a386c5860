#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace ssehub::test {

// A small HTTP/1.1 server on 127.0.0.1 (port 0) standing for the services the hub calls: an
// identity provider's JWKS URL, an application's auth hook. The test decides each answer
// (status, headers, body, a delay, or none at all) and sees every request.
class BackendServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QList<QPair<QByteArray, QByteArray>> headers; // names in lower case
        QByteArray body;
        QByteArray header(const QByteArray &name) const;
        QJsonObject json() const;
    };
    struct Response
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        int delayMs = 0;
        bool noAnswer = false; // the connection is held open without an answer
        int trickleMs = 0; // the answer goes out one byte every trickleMs
    };
    using Handler = std::function<Response(const Request &request)>;

    explicit BackendServer(QObject *parent = nullptr);
    bool listen(); // on 127.0.0.1, a free port
    void close();
    quint16 port() const { return m_server.serverPort(); }
    QByteArray url(const QByteArray &path) const;
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    const QList<Request> &requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }

    static Response json(const QByteArray &body, int status = 200,
                         const QByteArray &cacheControl = {});

Q_SIGNALS:
    void requestReceived();

private:
    void readFrom(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const Response &response);
    void trickle(QTcpSocket *socket, QByteArray rest, int intervalMs);

    QTcpServer m_server;
    Handler m_handler;
    QList<Request> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace ssehub::test
