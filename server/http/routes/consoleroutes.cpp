// The HTTP front's routes for consoles attached over HTTP: the feed, its live tail, a stream's
// detail and reloading the access rules. All need the admin role (checked from the head).
#include "core/logcategories.h"
#include "http/httpfront.h"
#include "http/hubstatus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace ssehub {

using http::queryItems;

// GET /console/feed[?lastEventId=<id>]; header Last-Event-ID wins.
void HttpFront::serveConsoleFeed(const HttpRequest &request, QTcpSocket *socket,
                                 const Identity &who)
{
    const ReplyTo to = replyTo(request, socket);
    if (!m_console.openFeed) {
        replyError(to, 404, tr("no such endpoint: /console/feed"));
        return;
    }
    QByteArray lastEventId = request.value("last-event-id");
    if (lastEventId.isNull()) {
        for (const auto &[name, value] : queryItems(request.query())) {
            if (name == "lastEventId")
                lastEventId = value;
        }
    }
    if (lastEventId.size() > 128)
        lastEventId.clear(); // not one of ours: a full snapshot
    // The feed is the last answer on this connection: it keeps the socket.
    if (auto it = m_conns.constFind(socket); it != m_conns.cend() && !it->answers.nextIsLatest()) {
        replyError(to, 400, tr("the console feed cannot follow pipelined requests"));
        return;
    }
    disconnect(socket, nullptr, this, nullptr);
    m_conns.remove(socket);
    if (!m_console.openFeed(socket, lastEventId, who)) {
        // Answered here, as the front no longer holds the connection.
        const QByteArray body
            = http::errorBody(tr("too many consoles are attached; close one or retry later"));
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                      "Retry-After: 5\r\nConnection: close\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
    }
}

// POST /console/tail {"feed": "<id>", "filter": "<filter>" | ""}
void HttpFront::serveConsoleTail(const HttpRequest &request, QTcpSocket *socket)
{
    QJsonObject body;
    if (!jsonBody(request, replyTo(request, socket), &body))
        return;
    const ReplyTo to = replyTo(request, socket);
    const QJsonValue feed = body.value(QLatin1String("feed"));
    const QJsonValue filter = body.value(QLatin1String("filter"));
    if (!feed.isString() || !(filter.isString() || filter.isNull() || filter.isUndefined())) {
        replyError(to, 400, tr("give \"feed\" (the id of the console's feed) and \"filter\""));
        return;
    }
    if (!m_console.setTail) {
        replyError(to, 404, tr("no such endpoint: /console/tail"));
        return;
    }
    answer(to, m_console.setTail(feed.toString().toUtf8(), filter.toString().toUtf8()));
}

// GET /streams/<id>: the stream's client, subscriptions and the newest events it was sent.
void HttpFront::serveStreamDetail(const HttpRequest &request, QTcpSocket *socket, const QString &id)
{
    bool ok = false;
    const quint64 streamId = id.toULongLong(&ok);
    const ReplyTo to = replyTo(request, socket);
    if (!ok || !m_console.streamDetail) {
        replyError(to, 404, tr("no stream with id %1").arg(id.left(64)));
        return;
    }
    answer(to, m_console.streamDetail(streamId));
}

// POST /access/reload: as SIGHUP does for the access files.
void HttpFront::serveReloadAccess(const HttpRequest &request, QTcpSocket *socket)
{
    const ReplyTo to = replyTo(request, socket);
    if (!m_console.reloadAccess) {
        replyError(to, 404, tr("no such endpoint: /access/reload"));
        return;
    }
    answer(to, m_console.reloadAccess());
}

} // namespace ssehub
