// HttpFront's connection side: reading and framing requests with the one parser, the guard
// (pending answers, early errors, timeouts) and writing answers in request order. What a request
// asks for is decided in httpfront.cpp (the router) and served in routes/.
#include "core/clock.h"
#include "core/logcategories.h"
#include "core/net.h"
#include "http/httpfront.h"
#include "http/responder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>

#include <sys/socket.h>

namespace ssehub {

// --- Connections: reading and framing --------------------------------------------------------

HttpFront::Conn *HttpFront::attach(QTcpSocket *socket)
{
    socket->setParent(this);
    // Connections that are not streams (yet) are bounded too: beyond the limit a new one is
    // answered 503 and closed.
    if (m_conns.size() + m_fast.size() >= qMax(1024, m_options.maxConnections)) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        static const QByteArray busy = http::serialize(
            {503, "application/json",
             http::errorBody(QStringLiteral("too many open HTTP connections; retry")),
             "Retry-After: 5\r\n", true, false});
        socket->write(busy);
        socket->disconnectFromHost();
        ++m_counters.connectionLimitRejections;
        return nullptr;
    }
    // Qt reads no more than this ahead of the parser: a client that sends faster than its
    // requests are answered is held back by TCP, not by memory.
    socket->setReadBufferSize(64 * 1024);
    Conn &conn = m_conns[socket];
    conn.acceptedMs = conn.lastActivityMs = Clock::monotonicMs();
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        if (auto it = m_conns.find(socket); it != m_conns.end())
            it->writeSinceMs = Clock::monotonicMs();
        resumeReading(socket);
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_conns.remove(socket);
        socket->deleteLater();
    });
    connect(socket, &QObject::destroyed, this, [this, socket] {
        m_conns.remove(socket);
        if (m_listener)
            m_listener->descriptorsFreed();
    });
    return &conn;
}

void HttpFront::resumeReading(QTcpSocket *socket)
{
    auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    if (it->phase == Conn::Phase::Closing) {
        // The error answer is out: half-close, so that the client reads it and then an end.
        if (socket->bytesToWrite() == 0 && !m_options.tls)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
        return;
    }
    if (socket->bytesAvailable() > 0)
        readFrom(socket);
    else if (it->answers.pending() == 0 && socket->bytesToWrite() == 0)
        scheduleHandBack(socket);
}

void HttpFront::scheduleHandBack(QTcpSocket *socket)
{
    if (m_options.tls)
        return;
    QMetaObject::invokeMethod(
        this,
        [this, guard = QPointer<QTcpSocket>(socket)] {
            if (guard)
                handBack(guard);
        },
        Qt::QueuedConnection);
}

void HttpFront::readFrom(QTcpSocket *socket)
{
    const qint64 now = Clock::monotonicMs();
    for (;;) {
        auto it = m_conns.find(socket);
        if (it == m_conns.end())
            return;
        Conn &conn = *it;
        conn.lastActivityMs = now;
        if (conn.phase == Conn::Phase::Waiting)
            return; // read on when the auth hook has answered
        if (conn.phase == Conn::Phase::Closing
            || (conn.lastRequest && conn.phase == Conn::Phase::Head)) {
            // Drained, never parsed; a client that keeps sending after its answer is cut.
            conn.drainBudget -= socket->skip(socket->bytesAvailable());
            if (conn.drainBudget < 0)
                socket->abort();
            return;
        }
        // A client that does not read its answers is not read either.
        if (conn.answersBacklogged(socket->bytesToWrite())) {
            conn.readingPaused = true;
            return;
        }
        conn.readingPaused = false;

        if (conn.phase == Conn::Phase::Head) {
            const qsizetype cap = m_options.maxHeaderBytes + 16;
            if (conn.in.size() < cap && socket->bytesAvailable() > 0)
                conn.in += socket->read(cap - conn.in.size());
            if (conn.in.isEmpty())
                return;
            if (conn.requestStartMs == 0)
                conn.requestStartMs = now;
            http::Limits limits;
            limits.maxHeadBytes = m_options.maxHeaderBytes;
            limits.maxHeaderLines = m_options.maxHeaderLines;
            http::RequestHead head;
            qsizetype used = 0;
            http::Error error;
            switch (http::parseRequestHead(conn.in, limits, &head, &used, &error)) {
            case http::Result::Incomplete:
                if (socket->bytesAvailable() > 0 && conn.in.size() < cap)
                    continue;
                return;
            case http::Result::Failed:
                conn.answers.issue();
                rejectEarly(socket, error.status, error.message);
                return;
            case http::Result::Complete:
                break;
            }
            conn.in.remove(0, used);
            conn.answers.issue();
            ++m_counters.requests;
            conn.served = true;
            conn.lastRequest = !head.keepAlive;
            conn.request = HttpRequest(std::move(head));
            if (!beginRequest(socket, conn))
                continue; // answered from the head
            if (!conn.request.head().hasBody()) {
                conn.requestStartMs = 0;
                const HttpRequest request = std::move(conn.request);
                const Identity who = std::move(conn.who);
                if (conn.askHook)
                    return askHook(socket, request, conn.route);
                dispatch(socket, request, who, conn.route);
                continue;
            }
            conn.phase = Conn::Phase::Body;
            conn.chunked = http::ChunkedDecoder(m_options.maxBodyBytes);
            continue;
        }

        // Phase::Body: what was read past the head first, then the socket.
        QByteArray *body = conn.request.mutableBody();
        bool complete = false;
        if (conn.request.head().framing == http::BodyFraming::Length) {
            const qint64 missing = conn.request.head().contentLength - body->size();
            if (!conn.in.isEmpty()) {
                const qsizetype take = qsizetype(qMin<qint64>(missing, conn.in.size()));
                body->append(conn.in.constData(), take);
                conn.in.remove(0, take);
            } else if (socket->bytesAvailable() > 0) {
                body->append(socket->read(missing));
            } else {
                return;
            }
            complete = body->size() == conn.request.head().contentLength;
        } else {
            QByteArray chunk;
            if (!conn.in.isEmpty())
                chunk.swap(conn.in);
            else if (socket->bytesAvailable() > 0)
                chunk = socket->read(64 * 1024);
            else
                return;
            const qsizetype used = conn.chunked.feed(chunk, body);
            if (conn.chunked.hasFailed()) {
                rejectEarly(socket, conn.chunked.error().status, conn.chunked.error().message);
                return;
            }
            if (conn.chunked.isDone()) {
                conn.in = chunk.mid(used); // the next request's bytes
                complete = true;
            }
        }
        if (!complete)
            continue;
        conn.phase = Conn::Phase::Head;
        conn.requestStartMs = 0;
        const HttpRequest request = std::move(conn.request);
        const Identity who = std::move(conn.who);
        const Conn::Route route = conn.route;
        conn.request = HttpRequest();
        if (conn.askHook)
            return askHook(socket, request, route);
        dispatch(socket, request, who, route);
    }
}

void HttpFront::rejectEarly(QTcpSocket *socket, int status, const QString &message,
                            const QByteArray &extraHeaders)
{
    auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    it->phase = Conn::Phase::Closing;
    it->closeAtMs = Clock::monotonicMs() + HttpConnection::CloseGraceMs;
    it->in.clear();
    it->request = HttpRequest();
    socket->skip(socket->bytesAvailable());
    ReplyTo to;
    to.socket = socket;
    to.seq = it->answers.issued();
    to.close = true;
    replyError(to, status, message, extraHeaders);
    qCInfo(lcHttp).noquote() << "rejected a request from" << socket->peerAddress().toString()
                             << "with" << status << '-' << message;
}

void HttpFront::sweep()
{
    const qint64 now = Clock::monotonicMs();
    // Buckets idle long enough to be full again carry no information: dropped (bounded memory).
    m_publishLimiter.prune();
    const HttpConnection::Timeouts timeouts {m_options.requestTimeoutMs,
                                             m_options.keepAliveTimeoutMs};
    QList<QTcpSocket *> expired;
    QList<QTcpSocket *> idle;
    QList<QTcpSocket *> slow;
    for (auto it = m_conns.cbegin(); it != m_conns.cend(); ++it) {
        switch (it->expiry(now, it.key()->bytesToWrite(), timeouts)) {
        case HttpConnection::Expiry::None:
            break;
        case HttpConnection::Expiry::Abort:
            expired.append(it.key());
            break;
        case HttpConnection::Expiry::Close:
            idle.append(it.key());
            break;
        case HttpConnection::Expiry::RequestTimeout:
            slow.append(it.key());
            break;
        }
    }
    for (QTcpSocket *socket : expired)
        socket->abort();
    for (QTcpSocket *socket : idle)
        socket->disconnectFromHost();
    for (QTcpSocket *socket : slow) {
        if (auto it = m_conns.find(socket); it != m_conns.end() && it->phase == Conn::Phase::Head)
            it->answers.issue(); // the incomplete head has no number yet
        rejectEarly(socket, 408,
                    tr("request not completed within %1 ms").arg(m_options.requestTimeoutMs));
    }
    sweepFast(now, timeouts);
}

// --- Responses --------------------------------------------------------------------------------

QHostAddress HttpFront::ReplyTo::peerAddress() const
{
    if (fast)
        return fast->peerAddress();
    return socket ? socket->peerAddress() : QHostAddress();
}

QString HttpFront::ReplyTo::remote() const
{
    if (fast)
        return fast->remote();
    return socket ? hostPort(socket->peerAddress(), socket->peerPort()) : QString();
}

HttpFront::ReplyTo HttpFront::replyTo(const HttpRequest &request, QTcpSocket *socket) const
{
    ReplyTo to;
    to.socket = socket;
    if (auto it = m_conns.constFind(socket); it != m_conns.cend())
        to.seq = it->answers.issued();
    to.close = !request.head().keepAlive;
    to.origin = request.value("origin");
    to.headOnly = request.method() == HttpRequest::Method::Head;
    return to;
}

void HttpFront::reply(const ReplyTo &to, int status, const QByteArray &contentType,
                      const QByteArray &body, const QByteArray &extraHeaders)
{
    QTcpSocket *socket = to.socket.data();
    FastConnection *fast = to.fast.data();
    if (fast ? !fast->isOpen() : !socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (status >= 400)
        ++m_counters.rejected;
    if (status == 400)
        ++m_counters.badRequests;
    else if (status == 413)
        ++m_counters.bodyTooLarge;
    const QByteArray out = http::serialize(
        {status, contentType, body, corsHeaders(to.origin) + extraHeaders, to.close, to.headOnly});
    if (fast) {
        fast->answer(to.seq, out, to.close);
        return;
    }
    auto conn = m_conns.find(socket);
    if (to.seq == 0 || conn == m_conns.end()) {
        send(socket, out, to.close);
        return;
    }
    const QList<http::AnswerOrder::Ready> ready = conn->answers.submit(to.seq, out, to.close);
    if (ready.isEmpty())
        return; // an earlier answer is pending
    for (const auto &[bytes, close] : ready)
        send(socket, bytes, close); // (the connection may be gone after a close)
    // Reading stopped while too many answers were pending: go on (after this call returns).
    conn = m_conns.find(socket);
    if (conn != m_conns.end() && conn->answers.pending() == 0 && socket->bytesToWrite() == 0)
        scheduleHandBack(socket); // every answer is out: back to the epoll path
    if (conn != m_conns.end() && conn->readingPaused && conn->phase != Conn::Phase::Closing
        && conn->answers.pending() < HttpConnection::MaxPendingAnswers) {
        conn->readingPaused = false;
        QMetaObject::invokeMethod(
            this,
            [this, guard = QPointer<QTcpSocket>(socket)] {
                if (guard)
                    readFrom(guard);
            },
            Qt::QueuedConnection);
    }
}

void HttpFront::send(QTcpSocket *socket, const QByteArray &out, bool close)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    // Straight to the kernel when nothing is queued in Qt (saves a notifier round trip per
    // answer); Qt buffers whatever the kernel does not take. (TLS: through the socket.)
    qsizetype offset = 0;
    if (socket->bytesToWrite() == 0 && !m_options.tls) {
        const ssize_t sent = ::send(int(socket->socketDescriptor()), out.constData(),
                                    size_t(out.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0)
            offset = sent;
    }
    if (offset < out.size()) {
        if (socket->bytesToWrite() == 0) {
            if (auto conn = m_conns.find(socket); conn != m_conns.end())
                conn->writeSinceMs = Clock::monotonicMs();
        }
        socket->write(out.constData() + offset, out.size() - offset);
    }
    if (!close)
        return;
    auto conn = m_conns.find(socket);
    if (conn != m_conns.end() && conn->phase == Conn::Phase::Closing) {
        // An early error: the client may still be sending. Half-close once the answer is out
        // and drain until it closes (or closeAtMs), so that it reads the answer, not a reset.
        if (socket->bytesToWrite() == 0 && !m_options.tls)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
        return;
    }
    socket->disconnectFromHost();
}

void HttpFront::replyJson(const ReplyTo &to, int status, const QJsonObject &object,
                          const QByteArray &extraHeaders)
{
    reply(to, status, "application/json", QJsonDocument(object).toJson(QJsonDocument::Compact),
          extraHeaders);
}

void HttpFront::replyError(const ReplyTo &to, int status, const QString &message,
                           const QByteArray &extraHeaders)
{
    reply(to, status, "application/json", http::errorBody(message), extraHeaders);
}

} // namespace ssehub
