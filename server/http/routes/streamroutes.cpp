// The HTTP front's event-stream side: GET /events on the socket path and taken over on accept,
// with the checks both paths share.
#include "core/logcategories.h"
#include "http/httpfront.h"
#include "http/hubstatus.h"
#include "hub/hub.h"
#include "proto/sseframe.h"

#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

using http::queryItems;

namespace {

// The hub refused a stream the front had let through (its safety net; it answers 400 whatever
// the refusal, as it always has): answered and closed here, as the stream never started.
void refuseStream(int fd, QTcpSocket *tlsSocket, QObject *parent, const QString &problem)
{
    qCInfo(lcSse).noquote() << "refused a stream:" << problem;
    const QByteArray body = http::errorBody(problem);
    const QByteArray answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                              "Content-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    if (tlsSocket) {
        tlsSocket->setParent(parent);
        QObject::connect(tlsSocket, &QTcpSocket::disconnected, tlsSocket, &QObject::deleteLater);
        tlsSocket->write(answer);
        tlsSocket->disconnectFromHost();
        return;
    }
    if (fd < 0)
        return;
    // A short answer on a fresh connection fits the socket buffer; the request was read, so
    // closing does not reset the connection.
    if (::send(fd, answer.constData(), size_t(answer.size()), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        qCDebug(lcSse).noquote() << "the refusal was not sent:" << strerror(errno);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

} // namespace

// GET /events?topic=<filter>[&topic=...][&lastEventId=<id>]
// Header Last-Event-ID (wins over lastEventId). 200 text/event-stream, streamed until closed;
// 400 with {"error"} for a missing, invalid or excess filter.
// Most streams never get here: the epoll path starts complete, valid stream requests itself
// (HttpFront::serveFast). This is the path for everything else, errors included.
QString HttpFront::parseStreamRequest(const QByteArray &target, const QByteArray &lastEventIdHeader,
                                      StreamRequest *out) const
{
    QByteArray queryCursor;
    bool hasQueryCursor = false;
    for (const auto &[key, value] : queryItems(target)) {
        if (key == "topic") {
            QString error;
            TopicFilter filter = TopicFilter::parse(value, &error);
            if (!filter.isValid())
                return error;
            if (value.size() > m_options.maxTopicBytes)
                return tr("filter is longer than %1 bytes (--max-topic-length)")
                    .arg(m_options.maxTopicBytes);
            if (!out->spec.filters.contains(filter))
                out->spec.filters.append(filter);
            if (out->spec.filters.size() > m_options.maxFiltersPerStream)
                return tr("more than %1 topic filters on one stream")
                    .arg(m_options.maxFiltersPerStream);
        } else if (key == "lastEventId") {
            queryCursor = value;
            hasQueryCursor = true;
        } else if (key == "client_id") {
            if (const QString error = validateClientId(value); !error.isEmpty())
                return error;
            out->spec.clientId = QString::fromUtf8(value);
        } else if (key == "format") {
            if (value != "payload" && value != "envelope")
                return tr("format must be 'envelope' (the default) or 'payload'");
            out->spec.payloadOnly = value == "payload";
        }
    }
    // The client: named in the query, or the one the token authenticated.
    const QString named = out->spec.clientId.isEmpty() ? out->tokenClientId : out->spec.clientId;
    if (out->spec.filters.isEmpty() && !named.isEmpty() && !m_hub->hasStoredSubscriptions(named)
        && !m_hub->sharedStateLoaded()) {
        // Cluster mode before the shared subscriptions were read from Redis: not known yet.
        out->errorStatus = 503;
        return tr("not ready: the shared subscriptions are not loaded from Redis yet; retry");
    }
    if (out->spec.filters.isEmpty() && (named.isEmpty() || !m_hub->hasStoredSubscriptions(named)))
        return named.isEmpty()
            ? tr("at least one topic parameter is required, e.g. /events?topic=sensor/%2B/data")
            : tr("client '%1' has no stored subscriptions; give at least one topic parameter")
                  .arg(named);

    // Last-Event-ID (what EventSource sends on reconnect) wins over the query parameter.
    QByteArray cursorText = lastEventIdHeader;
    out->spec.hasCursor = !cursorText.isNull();
    if (!out->spec.hasCursor && hasQueryCursor) {
        cursorText = queryCursor;
        out->spec.hasCursor = true;
    }
    out->spec.cursorValid
        = out->spec.hasCursor && parseEventId(cursorText.trimmed(), &out->spec.cursor);
    return {};
}

void HttpFront::startStream(int fd, const QHostAddress &peer, quint16 peerPort,
                            const StreamRequest &stream, QTcpSocket *tlsSocket)
{
    const QByteArray head = "HTTP/1.1 200 OK\r\n"
                            "Content-Type: text/event-stream; charset=utf-8\r\n"
                            "Cache-Control: no-cache\r\n"
                            "X-Accel-Buffering: no\r\n"
                            "Connection: keep-alive\r\n"
        + corsHeaders(stream.origin) + "\r\n" + SseFrame::retry(m_options.retryMs);
    if (const HubResult<SseStream *> added
        = m_hub->addStream(fd, peer, peerPort, stream.spec, head, tlsSocket);
        !added.ok())
        refuseStream(fd, tlsSocket, m_hub, added.failure().message);
}

QString HttpFront::checkStream(const http::RequestHead &head, const QHostAddress &peer,
                               const Identity &who, StreamRequest *out) const
{
    if (m_options.auth.isEnabled() && who.authenticated) {
        // The token says who the client is; a different client_id is refused below.
        out->tokenClientId = who.clientId;
    }
    if (const QString error = parseStreamRequest(head.query, head.value("last-event-id"), out);
        !error.isEmpty())
        return error;
    if (m_options.auth.isEnabled()) {
        if (!out->spec.clientId.isEmpty() && out->spec.clientId != who.clientId) {
            out->errorStatus = 403;
            out->authFailure = true;
            return who.authenticated ? tr("client_id '%1' does not match the token's client '%2'")
                                           .arg(out->spec.clientId, who.clientId)
                                     : tr("client_id needs a token for that client");
        }
        for (const TopicFilter &filter : std::as_const(out->spec.filters)) {
            if (const QString denied = m_options.auth.checkSubscribe(who, filter);
                !denied.isEmpty()) {
                out->errorStatus = 403;
                out->authFailure = true;
                return denied;
            }
        }
        out->spec.clientId = who.clientId;
        out->spec.authExpiresAtMs = who.expiresAtMs;
        out->spec.identity = who;
    }
    out->spec.userAgent = head.value("user-agent");
    out->origin = head.value("origin");
    // The client's subscriptions stay within the cap on this path too (its stored ones and the
    // request's together).
    if (const HubResult<void> fits = m_hub->checkStreamFits(out->spec.clientId, out->spec.filters);
        !fits.ok()) {
        out->errorStatus = http::statusOf(fits.failure().error);
        return fits.failure().message;
    }
    // A stream of a named client stores its filters: a page of another site may not do that
    // (it could subscribe a stored client to anything, for good).
    if (!out->spec.clientId.isEmpty() && fromForeignPage(head)) {
        out->errorStatus = 403;
        out->authFailure = true;
        return tr("a page of another origin may not open a stream for a named client (see "
                  "--cors-origin)");
    }
    if (const QString over = checkStreamLimits(peer, out->spec.clientId, &out->errorStatus);
        !over.isEmpty())
        return over;
    return {};
}

void HttpFront::serveEvents(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    StreamRequest stream;
    if (const QString error = checkStream(request.head(), socket->peerAddress(), who, &stream);
        !error.isEmpty()) {
        const ReplyTo to = replyTo(request, socket);
        if (stream.authFailure) {
            refuse(to, stream.errorStatus, error, who.clientId);
        } else if (stream.errorStatus == 429 || stream.errorStatus == 503) {
            // Limits of streams and of the hub's clients and subscriptions.
            ++m_counters.connectionLimitRejections;
            qCInfo(lcHttp).noquote()
                << "refused a stream from" << socket->peerAddress().toString() << "-" << error;
            replyError(to, stream.errorStatus, error, "Retry-After: 5\r\n");
        } else {
            replyError(to, stream.errorStatus, error);
        }
        return;
    }
    // From here on the connection is a stream and no longer an HTTP connection of the front.
    disconnect(socket, nullptr, this, nullptr);
    m_conns.remove(socket);
    if (m_options.tls) {
        // TLS: the stream keeps the socket (it encrypts).
        const QHostAddress peer = socket->peerAddress();
        startStream(-1, peer, socket->peerPort(), stream, socket);
        return;
    }
    // Its descriptor moves out of Qt: the stream owns a duplicate, and the QTcpSocket is closed
    // (which closes only Qt's descriptor, not the connection) and deleted. Qt's event loop does
    // not poll one notifier per stream.
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    const QHostAddress peer = socket->peerAddress();
    const quint16 peerPort = socket->peerPort();
    socket->abort();
    socket->deleteLater();
    if (fd < 0) {
        qCWarning(lcHttp).noquote()
            << "could not take over a stream:" << strerror(errno)
            << "- the client retries; if this repeats, raise the descriptor limit (ulimit -n)";
        return;
    }
    startStream(fd, peer, peerPort, stream);
}

QString HttpFront::checkStreamLimits(const QHostAddress &peer, const QString &clientId,
                                     int *status) const
{
    if (m_options.maxConnections > 0 && m_hub->streamCount() >= m_options.maxConnections) {
        *status = 503;
        return tr("server full: %1 streams are open (--max-connections)")
            .arg(m_options.maxConnections);
    }
    if (m_options.maxConnectionsPerIp > 0
        && m_hub->streamsFrom(peer) >= m_options.maxConnectionsPerIp) {
        *status = 429;
        return tr("too many streams from %1 (at most %2, --max-connections-per-ip)")
            .arg(peer.toString())
            .arg(m_options.maxConnectionsPerIp);
    }
    if (m_options.maxStreamsPerClient > 0 && !clientId.isEmpty()) {
        const Client *client = m_hub->client(clientId);
        if (client && client->streams.size() >= m_options.maxStreamsPerClient) {
            *status = 429;
            return tr("client '%1' has %2 streams open already (--max-streams-per-client)")
                .arg(clientId)
                .arg(m_options.maxStreamsPerClient);
        }
    }
    return {};
}

} // namespace ssehub
