// HttpFront's epoll path: plain-HTTP connections on the poller the streams use, their hot
// requests (publish, ack, subscribe, unsubscribe, the engine's small routes, a stream's start)
// framed by the one parser and served here, and the moves to and from the QTcpSocket path
// (frontconnections.cpp) for everything else. The checks are the router's (decide) and the
// routes are the same functions on both paths; only the I/O differs.
#include "core/clock.h"
#include "core/logcategories.h"
#include "http/fastconnection.h"
#include "http/httpfront.h"
#include "hub/hub.h"

#include <QTcpSocket>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

namespace {

// Requests one turn serves on one connection before the others get theirs; what is left is
// served on a later turn.
constexpr int RequestsPerTurn = 128;
// A read buffer larger than this (a large body came) is freed, not kept for the next request.
constexpr qsizetype KeptInCapacity = 16 * 1024;

bool addressOf(int fd, bool peer, QHostAddress *address, quint16 *port)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof(storage);
    auto *raw = reinterpret_cast<sockaddr *>(&storage);
    if ((peer ? ::getpeername(fd, raw, &length) : ::getsockname(fd, raw, &length)) != 0)
        return false;
    *address = QHostAddress(raw);
    if (port) {
        *port = storage.ss_family == AF_INET6
            ? ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port)
            : ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
    }
    return true;
}

} // namespace

bool HttpFront::adopt(int fd)
{
    StreamPoller *poller = m_hub->poller();
    if (m_options.tls || !poller->isValid())
        return false;
    // Over the cap of HTTP connections the QTcpSocket path answers 503 (attach).
    if (m_conns.size() + m_fast.size() >= qMax(1024, m_options.maxConnections))
        return false;
    QHostAddress peer;
    QHostAddress local;
    quint16 peerPort = 0;
    if (!addressOf(fd, true, &peer, &peerPort) || !addressOf(fd, false, &local, nullptr))
        return false;
    // Answers are small and complete: sent at once, not after the previous one's ACK.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto *connection = new FastConnection(fd, peer, peerPort, local, poller, this);
    if (!connection->isOpen()) {
        delete connection; // (the descriptor is closed)
        return true;
    }
    connection->http.acceptedMs = connection->http.lastActivityMs = Clock::monotonicMs();
    m_fast.insert(connection);
    // TCP_DEFER_ACCEPT: the first request is usually there already.
    readFast(connection);
    return true;
}

HttpFront::ReplyTo HttpFront::replyTo(const http::RequestHead &head,
                                      FastConnection *connection) const
{
    ReplyTo to;
    to.fast = connection;
    to.seq = connection->http.answers.issued();
    to.close = !head.keepAlive;
    to.origin = head.value("origin");
    to.headOnly = head.method == "HEAD";
    return to;
}

void HttpFront::readFast(FastConnection *connection)
{
    if (!connection->isOpen())
        return;
    // The answers of this turn leave together when it ends (and a flush cannot run this
    // function again while it is under way).
    const StreamPoller::Batch batch(m_hub->poller());
    HttpConnection &state = connection->http;
    const qint64 now = Clock::monotonicMs();
    state.lastActivityMs = now;
    http::Limits limits;
    limits.maxHeadBytes = m_options.maxHeaderBytes;
    limits.maxHeaderLines = m_options.maxHeaderLines;
    const qsizetype headCap = m_options.maxHeaderBytes + 16;
    int served = 0;
    for (;;) {
        // Every complete request in what was read, in order.
        while (!state.in.isEmpty() && !state.lastRequest) {
            // A client that does not read its answers is not read either; nor, while the
            // clients' unread answers together are over their bound, one with any unread.
            if (state.answersBacklogged(connection->bytesToWrite())
                || (connection->bytesToWrite() > 0
                    && m_fastUnsentBytes > m_maxFastUnsentBytes)) {
                state.readingPaused = true;
                connection->setReading(false);
                return;
            }
            if (served == RequestsPerTurn) {
                // The others' turn; this connection's rest is served on the next one.
                QMetaObject::invokeMethod(
                    this,
                    [this, guard = QPointer<FastConnection>(connection)] {
                        if (guard)
                            readFast(guard);
                    },
                    Qt::QueuedConnection);
                return;
            }
            if (!connection->pending) {
                http::RequestHead head;
                qsizetype used = 0;
                http::Error error;
                const http::Result parsed
                    = http::parseRequestHead(state.in, limits, &head, &used, &error);
                if (parsed == http::Result::Incomplete && state.in.size() < headCap) {
                    if (state.requestStartMs == 0)
                        state.requestStartMs = now;
                    break; // more bytes needed
                }
                if (parsed != http::Result::Complete) {
                    handOff(connection); // the router answers the parser's error
                    return;
                }
                Decision decision = decide(head, connection->localAddress(), nullptr);
                if (decision.status != 0 || decision.askHook
                    || head.framing == http::BodyFraming::Chunked || head.expectContinue) {
                    // Refusals, the auth hook's questions and rarer framings: the router's, with
                    // this decision.
                    handOff(connection, std::move(decision));
                    return;
                }
                connection->pending
                    = FastConnection::Pending {std::move(head), used, std::move(decision)};
            }
            FastConnection::Pending &request = *connection->pending;
            const qint64 length = request.head.framing == http::BodyFraming::Length
                ? request.head.contentLength
                : 0;
            if (state.in.size() - request.headBytes < length) {
                if (state.requestStartMs == 0)
                    state.requestStartMs = now;
                break; // the body is on its way (decide bounded it)
            }
            FastConnection::Pending whole = std::move(request);
            connection->pending.reset();
            if (!serveFast(connection, whole.head, whole.headBytes, whole.decision)) {
                handOff(connection, std::move(whole.decision));
                return;
            }
            ++served;
            if (!connection->isOpen() || !m_fast.contains(connection))
                return; // it became a stream
        }
        if (state.lastRequest) {
            // The client asked to close: its last answer ends the connection, and nothing
            // it sends after that request is served.
            connection->setReading(false);
            return;
        }
        if (connection->peerClosed) {
            if (connection->isIdle())
                connection->closeNow();
            return;
        }
        if (state.readingPaused) {
            state.readingPaused = false;
            connection->setReading(true);
        }
        const qsizetype room = headCap + m_options.maxBodyBytes - state.in.size();
        switch (connection->receive(room)) {
        case FastConnection::Read::Data:
            if (state.requestStartMs == 0)
                state.requestStartMs = now;
            continue;
        case FastConnection::Read::WouldBlock:
            // The request clock runs from the first byte of a request until it is complete.
            if (state.in.isEmpty())
                state.requestStartMs = 0;
            else if (state.requestStartMs == 0)
                state.requestStartMs = now;
            return;
        case FastConnection::Read::End:
            // The client is done sending. An unfinished request never completes: after the
            // answers due, the connection ends.
            connection->peerClosed = true;
            state.in.clear();
            if (connection->isIdle())
                connection->closeNow();
            else
                connection->setReading(false);
            return;
        case FastConnection::Read::Failed:
            connection->closeNow(true);
            return;
        }
    }
}

bool HttpFront::serveFast(FastConnection *connection, const http::RequestHead &head,
                          qsizetype headBytes, Decision &decision)
{
    using Route = Conn::Route;
    HttpConnection &state = connection->http;
    const Route route = decision.route;
    const auto engineRoute
        = route == Route::Engine ? m_routes.constFind(head.path) : m_routes.cend();
    switch (route) {
    case Route::Publish:
    case Route::Subscribe:
    case Route::Unsubscribe:
    case Route::Ack:
        break;
    case Route::Engine:
        if (engineRoute == m_routes.cend() || engineRoute->large)
            return false;
        break;
    case Route::Events: {
        // A stream takes the connection: only with nothing before it to answer and nothing
        // after it (the router's path handles the rest).
        if (!connection->isIdle() || state.in.size() != headBytes)
            return false;
        StreamRequest stream;
        if (!checkStream(head, connection->peerAddress(), decision.who, &stream).isEmpty())
            return false; // refused on the router's path, which answers and logs it
        ++m_counters.requests;
        state.in.clear();
        const QHostAddress peer = connection->peerAddress();
        const quint16 peerPort = connection->peerPort();
        const int fd = connection->release();
        m_fast.remove(connection);
        connection->deleteLater();
        startStream(fd, peer, peerPort, stream);
        return true;
    }
    default:
        return false;
    }

    const qint64 length = head.framing == http::BodyFraming::Length ? head.contentLength : 0;
    state.answers.issue();
    ++m_counters.requests;
    state.served = true;
    state.lastRequest = !head.keepAlive;
    state.requestStartMs = 0;
    const ReplyTo to = replyTo(head, connection);
    HttpRequest request(head);
    if (length > 0)
        request.setBody(state.in.mid(headBytes, length));
    if (state.in.size() == headBytes + length && state.in.capacity() <= KeptInCapacity)
        state.in.resize(0); // the usual case: keeps the buffer for the next request
    else if (state.in.size() == headBytes + length)
        state.in = QByteArray();
    else
        state.in.remove(0, headBytes + length);

    switch (route) {
    case Route::Publish:
        servePublish(request, to, decision.who);
        break;
    case Route::Subscribe:
        serveSubscribe(request, to, decision.who);
        break;
    case Route::Unsubscribe:
        serveUnsubscribe(request, to, decision.who);
        break;
    case Route::Ack:
        serveAck(request, to, decision.who);
        break;
    default: { // Route::Engine
        const Reply answer = engineRoute->provider(RouteRequest {request.query()});
        reply(to, answer.status, answer.contentType, answer.body,
              answer.status == 503 ? QByteArrayLiteral("Retry-After: 5\r\n") : QByteArray());
        break;
    }
    }
    return true;
}

void HttpFront::handOff(FastConnection *connection, std::optional<Decision> decided)
{
    // Answers leave in request order: the router's path takes over once they are written.
    if (!connection->isIdle()) {
        // FastConnection::flush calls readFast again, which decides once more then.
        connection->pending.reset();
        connection->setReading(false);
        return;
    }
    HttpConnection state = std::move(connection->http);
    connection->pending.reset();
    const int fd = connection->release();
    m_fast.remove(connection);
    connection->deleteLater();
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(fd)) {
        qCWarning(lcHttp).noquote()
            << "could not move a connection to the router:" << socket->errorString();
        ::close(fd);
        delete socket;
        return;
    }
    ++m_handOffs;
    Conn *conn = attach(socket);
    if (!conn)
        return; // refused (503) and closing
    static_cast<HttpConnection &>(*conn) = std::move(state);
    conn->decided = std::move(decided);
    conn->phase = Conn::Phase::Head;
    conn->lastActivityMs = Clock::monotonicMs();
    if (conn->readingPaused)
        conn->readingPaused = false;
    readFrom(socket);
}

void HttpFront::handBack(QTcpSocket *socket)
{
    const auto it = m_conns.find(socket);
    if (it == m_conns.end() || m_options.tls)
        return;
    Conn &conn = *it;
    // Only a connection with nothing under way: no request begun, no answer owed or unsent.
    if (conn.phase != Conn::Phase::Head || !conn.in.isEmpty() || conn.answers.pending() != 0
        || conn.lastRequest || conn.readingPaused || socket->bytesToWrite() != 0
        || socket->bytesAvailable() != 0 || socket->state() != QAbstractSocket::ConnectedState)
        return;
    StreamPoller *poller = m_hub->poller();
    if (!poller->isValid())
        return;
    // The descriptor moves out of Qt as a stream's does: a duplicate stays, Qt's is closed.
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return; // stays on this path
    const QHostAddress peer = socket->peerAddress();
    const quint16 peerPort = socket->peerPort();
    const QHostAddress local = socket->localAddress();
    HttpConnection state = std::move(static_cast<HttpConnection &>(conn));
    disconnect(socket, nullptr, this, nullptr);
    m_conns.remove(socket);
    socket->abort();
    socket->deleteLater();
    auto *connection = new FastConnection(fd, peer, peerPort, local, poller, this);
    if (!connection->isOpen()) {
        delete connection;
        return;
    }
    connection->http = std::move(state);
    m_fast.insert(connection);
    ++m_handBacks;
    // Whatever the client sent meanwhile is in the kernel: the poller reports it.
}

void HttpFront::fastClosed(FastConnection *connection)
{
    m_fast.remove(connection);
    connection->deleteLater();
    if (m_listener)
        m_listener->descriptorsFreed();
}

void HttpFront::sweepFast(qint64 now, const HttpConnection::Timeouts &timeouts)
{
    QList<QPair<FastConnection *, HttpConnection::Expiry>> due;
    for (FastConnection *connection : std::as_const(m_fast)) {
        const HttpConnection::Expiry expiry
            = connection->http.expiry(now, connection->bytesToWrite(), timeouts);
        if (expiry != HttpConnection::Expiry::None)
            due.append({connection, expiry});
    }
    for (const auto &[connection, expiry] : std::as_const(due)) {
        switch (expiry) {
        case HttpConnection::Expiry::None:
            break;
        case HttpConnection::Expiry::Abort:
            connection->closeNow(true);
            break;
        case HttpConnection::Expiry::Close:
            connection->closeNow();
            break;
        case HttpConnection::Expiry::RequestTimeout:
            // The router's path answers 408 (its sweep sees the same request clock).
            handOff(connection);
            break;
        }
    }
}

} // namespace ssehub
