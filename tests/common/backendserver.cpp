#include "backendserver.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace ssehub::test {

QByteArray BackendServer::Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name.toLower())
            return value;
    }
    return {};
}

QJsonObject BackendServer::Request::json() const
{
    return QJsonDocument::fromJson(body).object();
}

BackendServer::BackendServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_buffers.remove(socket);
                socket->deleteLater();
            });
        }
    });
}

bool BackendServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void BackendServer::close()
{
    m_server.close();
    for (QTcpSocket *socket : findChildren<QTcpSocket *>())
        socket->abort();
}

QByteArray BackendServer::url(const QByteArray &path) const
{
    return "http://127.0.0.1:" + QByteArray::number(port()) + path;
}

BackendServer::Response BackendServer::json(const QByteArray &body, int status,
                                            const QByteArray &cacheControl)
{
    Response response;
    response.status = status;
    response.body = body;
    response.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    if (!cacheControl.isEmpty())
        response.headers.append(qMakePair(QByteArray("Cache-Control"), cacheControl));
    return response;
}

void BackendServer::readFrom(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Request request;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed().toLower();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            request.headers.append({name, value});
            if (name == "content-length")
                length = value.toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        request.body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        m_requests.append(request);
        const Response response = m_handler ? m_handler(request) : Response {404, {}, {}, 0, false};
        Q_EMIT requestReceived();
        if (response.noAnswer)
            continue;
        if (response.delayMs > 0) {
            QTimer::singleShot(response.delayMs, this,
                               [this, guard = QPointer<QTcpSocket>(socket), response] {
                                   if (guard)
                                       answer(guard, response);
                               });
        } else {
            answer(socket, response);
        }
    }
}

void BackendServer::answer(QTcpSocket *socket, const Response &response)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + " X\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n";
    out += response.body;
    if (response.trickleMs > 0)
        trickle(socket, out, response.trickleMs);
    else
        socket->write(out);
}

void BackendServer::trickle(QTcpSocket *socket, QByteArray rest, int intervalMs)
{
    if (rest.isEmpty())
        return;
    socket->write(rest.left(1));
    QTimer::singleShot(intervalMs, this,
                       [this, guard = QPointer<QTcpSocket>(socket), rest = rest.mid(1), intervalMs] {
                           if (guard)
                               trickle(guard, rest, intervalMs);
                       });
}

} // namespace ssehub::test
