#include "http/httpfront.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "hub/hub.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

namespace {

// Accepting stops this many descriptors short of the limit: the log file, an export, the
// subscription store and Redis reconnects need descriptors too.
int descriptorReserve(rlim_t limit)
{
    return int(qBound<rlim_t>(8, limit / 8, 64));
}

// The soft descriptor limit (read on every accept: it can be changed while the process runs).
rlim_t descriptorLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return rlim_t(1) << 30;
    return limit.rlim_cur;
}

// How long accepting stays paused before it is tried again (sooner when a connection closes).
constexpr int AcceptRetryMs = 200;
// The warning about the limit is repeated at most this often.
constexpr qint64 FdWarningIntervalMs = 60000;

} // namespace

StreamListener::StreamListener(QObject *parent)
    : QTcpServer(parent)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(AcceptRetryMs);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true); // level-triggered: fires at once if any wait
    });
}

StreamListener::~StreamListener()
{
    m_notifier.reset(); // before QTcpServer closes the descriptor it watches
}

void StreamListener::startAccepting()
{
    if (!isListening())
        return;
    pauseAccepting(); // Qt's own notifier, for good
    m_notifier = std::make_unique<QSocketNotifier>(socketDescriptor(), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &StreamListener::acceptPending);
}

void StreamListener::stop()
{
    m_retry.stop();
    m_notifier.reset();
    close();
}

void StreamListener::descriptorsFreed()
{
    if (m_paused && m_notifier && !m_notifier->isEnabled()) {
        m_retry.stop();
        m_notifier->setEnabled(true);
    }
}

void StreamListener::acceptPending()
{
    // A batch per wake-up: a flood of connections does not starve the streams.
    for (int i = 0; i < 64 && m_notifier && m_notifier->isEnabled(); ++i) {
        const int listening = int(socketDescriptor());
        const int fd = ::accept4(listening, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == EINTR || error == ECONNABORTED || error == EPROTO)
                continue;
            if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM)
                pauseForDescriptors(QString::fromLocal8Bit(::strerror(error)));
            return; // EAGAIN: none left
        }
        // Descriptors are allocated lowest first: a number this high means that all below it
        // are in use. The connection is answered and closed rather than left without an answer.
        const rlim_t limit = descriptorLimit();
        if (rlim_t(fd) >= limit - rlim_t(descriptorReserve(limit))) {
            static const QByteArray busy
                = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                  "Content-Length: 56\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                  "{\"error\":\"the server is out of file descriptors; retry\"}";
            ::send(fd, busy.constData(), size_t(busy.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(fd);
            pauseForDescriptors(QStringLiteral("%1 descriptors open, limit %2 (%3 kept for files)")
                                    .arg(fd + 1)
                                    .arg(qulonglong(limit))
                                    .arg(descriptorReserve(limit)));
            return;
        }
        if (m_paused) {
            if (m_warnedThisPause) {
                qCInfo(lcHttp).noquote() << "accepting connections again after"
                                         << (Clock::monotonicMs() - m_pausedSinceMs) / 1000.0
                                         << "s without free descriptors";
            }
            m_paused = false;
            m_warnedThisPause = false;
        }
        QPointer<StreamListener> self = this;
        incomingConnection(fd);
        if (!self || !isListening())
            return;
    }
}

void StreamListener::pauseForDescriptors(const QString &why)
{
    ++m_fdLimitHits;
    if (m_notifier)
        m_notifier->setEnabled(false);
    m_retry.start();
    const qint64 now = Clock::monotonicMs();
    if (!m_paused) {
        m_paused = true;
        m_pausedSinceMs = now;
    }
    if (m_lastWarningMs == 0 || now - m_lastWarningMs >= FdWarningIntervalMs) {
        m_lastWarningMs = now;
        m_warnedThisPause = true;
        qCWarning(lcHttp).noquote()
            << QStringLiteral("out of file descriptors (%1): new connections wait and are "
                              "accepted again when descriptors are freed; raise the limit "
                              "(LimitNOFILE= in the systemd unit, ulimit -n) or lower "
                              "--max-connections")
                   .arg(why);
    }
}

void StreamListener::incomingConnection(qintptr descriptor)
{
    if (tls) {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            socket->deleteLater();
            return;
        }
        const int one = 1;
        ::setsockopt(int(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        socket->setSslConfiguration(*tls);
        connect(socket, &QSslSocket::sslErrors, socket, [this, socket](const QList<QSslError> &e) {
            QStringList why;
            for (const QSslError &error : e)
                why << error.errorString();
            if (onHandshakeFailed)
                onHandshakeFailed(socket->peerAddress().toString() + QStringLiteral(": ")
                                  + why.join(QStringLiteral("; ")));
        });
        connect(socket, &QSslSocket::errorOccurred, socket, [socket] {
            if (!socket->isEncrypted())
                socket->deleteLater(); // the handshake failed: never served
        });
        if (onAccepted)
            onAccepted(socket);
        socket->startServerEncryption();
        return;
    }
    if (takeOver && takeOver(int(descriptor)))
        return;
    // Answers are small and complete: send them at once, not after the previous one's ACK.
    const int one = 1;
    ::setsockopt(int(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp).noquote()
            << "could not take an accepted connection:" << socket->errorString()
            << "- if this repeats, raise the descriptor limit (ulimit -n, LimitNOFILE)";
        socket->deleteLater();
        return;
    }
    if (onAccepted)
        onAccepted(socket);
}

HttpRequest::HttpRequest(http::RequestHead head)
    : m_head(std::move(head))
{
    const QByteArray &m = m_head.method;
    if (m == "GET")
        m_method = Method::Get;
    else if (m == "HEAD")
        m_method = Method::Head;
    else if (m == "POST")
        m_method = Method::Post;
    else if (m == "PUT")
        m_method = Method::Put;
    else if (m == "PATCH")
        m_method = Method::Patch;
    else if (m == "DELETE")
        m_method = Method::Delete;
    else if (m == "OPTIONS")
        m_method = Method::Options;
}

HttpFront::HttpFront(const Options &options, Hub *hub, Broker *broker, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_hub(hub)
    , m_broker(broker)
{
    const int shortest = qMin(m_options.requestTimeoutMs, m_options.keepAliveTimeoutMs);
    m_sweep.setInterval(qBound(10, shortest / 4, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &HttpFront::sweep);
    m_sweep.start();
    // A stream closed: its descriptor is free again (accepting may be paused for want of one).
    connect(m_hub, &Hub::connectionCountChanged, this, [this] {
        if (m_listener)
            m_listener->descriptorsFreed();
    });
}

HttpFront::~HttpFront() = default;

bool HttpFront::listenOn(const QHostAddress &address, quint16 port, int backlog, QString *error)
{
    auto *listener = new StreamListener(this);
    listener->setListenBacklogSize(backlog);
    listener->tls = m_options.tls;
    listener->onHandshakeFailed = [this](const QString &why) {
        noteAuthFailure(QString(), QString(), QStringLiteral("TLS handshake refused: ") + why);
        qCInfo(lcHttp).noquote() << "TLS handshake refused:" << why;
    };
    listener->onAccepted = [this](QTcpSocket *socket) { attach(socket); };
    listener->takeOver = [this](int fd) { return tryAcceptStream(fd); };
    if (!listener->listen(address, port)) {
        if (error) {
            *error = tr("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(listener->errorString());
        }
        delete listener;
        return false;
    }
    // Accept a connection once its first bytes have arrived (1 s at most), so that a complete
    // stream request can be taken over on accept without a QTcpSocket (tryAcceptStream).
    const int deferSeconds = 1;
    ::setsockopt(int(listener->socketDescriptor()), IPPROTO_TCP, TCP_DEFER_ACCEPT, &deferSeconds,
                 sizeof(deferSeconds));
    listener->startAccepting();
    m_listener = listener;
    return true;
}

quint16 HttpFront::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

QHostAddress HttpFront::address() const
{
    return m_listener ? m_listener->serverAddress() : QHostAddress();
}

void HttpFront::setLimits(const Options &options)
{
    const Authenticator auth = m_options.auth;
    const std::optional<QSslConfiguration> tls = m_options.tls;
    m_options = options;
    m_options.auth = auth;
    m_options.tls = tls;
}

bool HttpFront::isListening() const
{
    return m_listener && m_listener->isListening();
}

void HttpFront::stopListening()
{
    if (m_listener)
        m_listener->stop();
}

// --- Connections: reading and framing --------------------------------------------------------

void HttpFront::attach(QTcpSocket *socket)
{
    socket->setParent(this);
    // Connections that are not streams (yet) are bounded too: beyond the limit a new one is
    // answered 503 and closed.
    if (m_conns.size() >= qMax(1024, m_options.maxConnections)) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        static const QByteArray busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                                       "application/json\r\nContent-Length: 49\r\nRetry-After: "
                                       "5\r\nConnection: close\r\n\r\n{\"error\":\"too many "
                                       "open HTTP connections; retry\"}";
        socket->write(busy);
        socket->disconnectFromHost();
        ++m_counters.connectionLimitRejections;
        return;
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
}

namespace {

// Requests whose answers are not written yet, per connection, before reading stops.
constexpr quint64 MaxPendingAnswers = 32;
// Answer bytes the client has not taken yet before reading stops.
constexpr qint64 MaxUnsentAnswerBytes = 1024 * 1024;

} // namespace

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
        if (conn.phase == Conn::Phase::Closing
            || (conn.lastRequest && conn.phase == Conn::Phase::Head)) {
            // Drained, never parsed; a client that keeps sending after its answer is cut.
            conn.drainBudget -= socket->skip(socket->bytesAvailable());
            if (conn.drainBudget < 0)
                socket->abort();
            return;
        }
        // A client that does not read its answers is not read either.
        if (conn.issued - conn.sent >= MaxPendingAnswers
            || socket->bytesToWrite() > MaxUnsentAnswerBytes) {
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
                ++conn.issued;
                rejectEarly(socket, error.status, error.message);
                return;
            case http::Result::Complete:
                break;
            }
            conn.in.remove(0, used);
            ++conn.issued;
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
    it->closeAtMs = Clock::monotonicMs() + 2000;
    it->in.clear();
    it->request = HttpRequest();
    socket->skip(socket->bytesAvailable());
    ReplyTo to;
    to.socket = socket;
    to.seq = it->issued;
    to.close = true;
    replyError(to, status, message, extraHeaders);
    qCInfo(lcHttp).noquote() << "rejected a request from" << socket->peerAddress().toString()
                             << "with" << status << '-' << message;
}

void HttpFront::sweep()
{
    const qint64 now = Clock::monotonicMs();
    // Buckets idle long enough to be full again carry no information: dropped (bounded memory).
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (now - it->lastMs > 60000)
            it = m_buckets.erase(it);
        else
            ++it;
    }
    QList<QTcpSocket *> expired;
    QList<QTcpSocket *> idle;
    QList<QTcpSocket *> slow;
    for (auto it = m_conns.cbegin(); it != m_conns.cend(); ++it) {
        const Conn &conn = it.value();
        // Answers the client does not take: it is cut after the request timeout (it would
        // otherwise hold its connection and the answers for good).
        if (it.key()->bytesToWrite() > 0 && now - conn.writeSinceMs > m_options.requestTimeoutMs) {
            expired.append(it.key());
            continue;
        }
        if (conn.phase == Conn::Phase::Closing) {
            if (now >= conn.closeAtMs)
                expired.append(it.key());
        } else if (conn.requestStartMs) {
            if (now - conn.requestStartMs > m_options.requestTimeoutMs)
                slow.append(it.key());
        } else if (!conn.served) {
            // Nothing at all (or no TLS handshake) within the request timeout.
            if (now - conn.acceptedMs > m_options.requestTimeoutMs)
                expired.append(it.key());
        } else if (conn.issued == conn.sent
                   && now - conn.lastActivityMs > m_options.keepAliveTimeoutMs) {
            idle.append(it.key());
        }
    }
    for (QTcpSocket *socket : expired)
        socket->abort();
    for (QTcpSocket *socket : idle)
        socket->disconnectFromHost();
    for (QTcpSocket *socket : slow) {
        if (auto it = m_conns.find(socket); it != m_conns.end() && it->phase == Conn::Phase::Head)
            ++it->issued; // the incomplete head has no number yet
        rejectEarly(socket, 408,
                    tr("request not completed within %1 ms").arg(m_options.requestTimeoutMs));
    }
}

// --- Routing ---------------------------------------------------------------------------------

bool HttpFront::hostAllowed(const QByteArray &host, const QHostAddress &local) const
{
    if (host.isNull())
        return true; // HTTP/1.0 without Host: not a browser
    if (m_options.allowedHosts.contains(QStringLiteral("*")))
        return true;
    // Strip the port: "[::1]:8080" -> "::1", "name:8080" -> "name".
    QByteArray name = host;
    if (name.startsWith('[')) {
        name = name.mid(1, name.indexOf(']') - 1);
    } else if (const qsizetype colon = name.lastIndexOf(':'); colon >= 0) {
        name.truncate(colon);
    }
    name = name.toLower();
    if (name == "localhost" || name.endsWith(".localhost"))
        return true;
    if (QHostAddress address; address.setAddress(QString::fromLatin1(name))) {
        // An address literal cannot be rebound by DNS; it must be one this socket listens on.
        return address.isEqual(local, QHostAddress::TolerantConversion)
            || (address.isLoopback() && local.isLoopback());
    }
    for (const QString &allowed : m_options.allowedHosts) {
        if (allowed.compare(QString::fromLatin1(name), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpFront::fromForeignPage(const http::RequestHead &head) const
{
    const QByteArray origin = head.value("origin");
    if (!origin.isNull())
        return !originAllowed(origin, head.host);
    const QByteArray site = head.value("sec-fetch-site").toLower();
    return !site.isNull() && site != "same-origin" && site != "none";
}

bool HttpFront::originAllowed(const QByteArray &origin, const QByteArray &host) const
{
    if (origin.isNull())
        return true;
    const QByteArray scheme
        = m_options.tls ? QByteArrayLiteral("https://") : QByteArrayLiteral("http://");
    if (!host.isEmpty() && origin.compare(QByteArray(scheme + host), Qt::CaseInsensitive) == 0)
        return true;
    if (m_options.corsOrigins.contains(QStringLiteral("*")))
        return true;
    return m_options.corsOrigins.contains(QString::fromUtf8(origin));
}

namespace {

const QByteArray SubscriptionsPrefix = QByteArrayLiteral("/subscriptions/");
const QByteArray ConnectionsPrefix = QByteArrayLiteral("/connections/");

} // namespace

bool HttpFront::beginRequest(QTcpSocket *socket, Conn &conn)
{
    const HttpRequest &request = conn.request;
    const http::RequestHead &head = request.head();
    const bool hasBody = head.hasBody();
    // An answer from the head: with a body on its way the connection closes after it.
    auto early = [&](int status, const QString &message, const QByteArray &extra = {}) {
        if (hasBody) {
            rejectEarly(socket, status, message, extra);
        } else {
            conn.requestStartMs = 0;
            // The answer may close the connection: `conn` is not used after it.
            replyError(replyTo(request, socket), status, message, extra);
        }
        return false;
    };
    auto refused = [&](int status, const QString &message, const QString &clientId,
                       const QByteArray &extra = {}) {
        noteAuthFailure(socket->peerAddress().toString() + QLatin1Char(':')
                            + QString::number(socket->peerPort()),
                        clientId, QString::number(status) + QLatin1Char(' ') + message);
        return early(status, message, extra);
    };

    if (!hostAllowed(head.host, socket->localAddress()))
        return early(421,
                     tr("Host '%1' is not served here: use the address the hub listens on, "
                        "localhost, or a name given with --allowed-host")
                         .arg(QString::fromLatin1(head.host)));

    const QByteArray &path = head.path;
    using Method = HttpRequest::Method;
    const Method method = request.method();
    using RouteKind = Conn::Route;
    RouteKind kind = RouteKind::None;
    QByteArray allow; // the methods of the path
    bool admin = false;
    bool isPublic = false;
    const auto route = m_routes.constFind(path);
    if (method == Method::Options) {
        kind = RouteKind::Preflight;
        isPublic = true;
    } else if (path == "/events") {
        kind = RouteKind::Events;
        allow = "GET";
    } else if (path == "/publish") {
        kind = RouteKind::Publish;
        allow = "POST";
    } else if (path == "/subscribe") {
        kind = RouteKind::Subscribe;
        allow = "POST";
    } else if (path == "/unsubscribe") {
        kind = RouteKind::Unsubscribe;
        allow = "DELETE";
    } else if (path == "/ack") {
        kind = RouteKind::Ack;
        allow = "POST";
    } else if (path.startsWith(SubscriptionsPrefix) && path.size() > SubscriptionsPrefix.size()) {
        kind = RouteKind::Subscriptions;
        allow = "GET, PATCH";
    } else if (path == "/streams" || path == "/connections") { // the older name stays
        kind = RouteKind::Connections;
        allow = "GET";
        admin = true;
    } else if (route != m_routes.cend()) {
        kind = RouteKind::Engine;
        allow = "GET";
        admin = route->admin;
        isPublic = !route->admin;
    } else if (path == "/log") {
        kind = RouteKind::Log;
        allow = "GET";
        admin = true;
    } else if (path.startsWith(ConnectionsPrefix)) {
        kind = RouteKind::Kick;
        allow = "DELETE";
        admin = true;
    } else if (path == "/" || path == "/index.html") {
        kind = RouteKind::Demo;
        allow = "GET";
        isPublic = true;
    }
    if (kind == RouteKind::None)
        return early(404, tr("no such endpoint: %1").arg(QString::fromLatin1(path)));
    if (kind != RouteKind::Preflight) {
        // HEAD is GET without the body, except for a stream (it would never end).
        const bool ok = allow.contains(head.method)
            || (method == Method::Head && allow.contains("GET") && kind != RouteKind::Events);
        if (!ok)
            return early(
                405, tr("use %1 on %2").arg(QString::fromLatin1(allow), QString::fromLatin1(path)),
                "Allow: " + allow + ", OPTIONS\r\n");
    }

    // Who is asking: from the head, before any body is read.
    conn.who = Identity();
    if (!isPublic) {
        if (const QString problem = identify(head, socket, &conn.who); !problem.isEmpty()) {
            qCInfo(lcHttp).noquote() << "refused" << path << "from"
                                     << socket->peerAddress().toString() << "-" << problem;
            const auto *tls = qobject_cast<const QSslSocket *>(socket);
            const bool byCertificate = tls && !tls->peerCertificate().isNull();
            return refused(401, problem, QString(),
                           byCertificate ? QByteArray() : "WWW-Authenticate: Bearer\r\n");
        }
    }
    if (admin && !m_options.auth.isAdmin(conn.who))
        return refused(403, tr("this route needs the admin role"), conn.who.clientId);
    if (kind == RouteKind::Subscriptions) {
        const QByteArray rawId
            = QByteArray::fromPercentEncoding(path.mid(SubscriptionsPrefix.size()));
        if (validateClientId(rawId).isEmpty()) {
            if (const QString denied = mayActFor(conn.who, QString::fromUtf8(rawId));
                !denied.isEmpty())
                return refused(403, denied, conn.who.clientId);
        }
    }
    // Cross-site writes: a browser page of another origin changes nothing here.
    const bool changesState = method == Method::Post || method == Method::Patch
        || method == Method::Delete || method == Method::Put;
    if (changesState && fromForeignPage(head))
        return refused(403,
                       tr("a page of another origin (%1) may not change anything here (see "
                          "--cors-origin)")
                           .arg(QString::fromUtf8(request.value("origin").isNull()
                                                      ? request.value("sec-fetch-site")
                                                      : request.value("origin"))),
                       conn.who.clientId);

    if (head.framing == http::BodyFraming::Length && head.contentLength > m_options.maxBodyBytes)
        return early(413,
                     tr("body of %1 bytes is larger than the limit of %2 bytes")
                         .arg(head.contentLength)
                         .arg(m_options.maxBodyBytes));
    if (hasBody && head.expectContinue && conn.sent + 1 == conn.issued)
        socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    conn.route = kind;
    return true;
}

void HttpFront::dispatch(QTcpSocket *socket, const HttpRequest &request, const Identity &who,
                         Conn::Route route)
{
    const QByteArray &path = request.head().path;
    using Route = Conn::Route;
    switch (route) {
    case Route::None: // answered in beginRequest
        break;
    case Route::Preflight:
        servePreflight(request, socket);
        break;
    case Route::Events:
        serveEvents(request, socket, who);
        break;
    case Route::Publish:
        servePublish(request, socket, who);
        break;
    case Route::Subscribe:
        serveSubscribe(request, socket, who);
        break;
    case Route::Unsubscribe:
        serveUnsubscribe(request, socket, who);
        break;
    case Route::Ack:
        serveAck(request, socket, who);
        break;
    case Route::Subscriptions:
        serveSubscriptions(request, socket,
                           QString::fromLatin1(path.mid(SubscriptionsPrefix.size())), who);
        break;
    case Route::Connections:
        serveConnections(request, socket);
        break;
    case Route::Engine: {
        const Reply answer = m_routes.value(path).provider(RouteRequest {request.query()});
        reply(replyTo(request, socket), answer.status, answer.contentType, answer.body,
              answer.status == 503 ? QByteArrayLiteral("Retry-After: 5\r\n") : QByteArray());
        break;
    }
    case Route::Log:
        serveLog(request, socket);
        break;
    case Route::Kick:
        serveKick(request, socket, QString::fromLatin1(path.mid(ConnectionsPrefix.size())));
        break;
    case Route::Demo:
        serveDemo(request, socket);
        break;
    }
}

// --- Authentication and authorization ---------------------------------------------------------

QString HttpFront::identify(const http::RequestHead &head, QTcpSocket *socket, Identity *who) const
{
    if (!m_options.auth.isEnabled())
        return {};
    // A verified client certificate says who it is (the handshake refused any other).
    if (const auto *tls = qobject_cast<const QSslSocket *>(socket);
        tls && !tls->peerCertificate().isNull()) {
        const QSslCertificate cert = tls->peerCertificate();
        return m_options.auth.identifyCertificate(
            cert.subjectInfo(QSslCertificate::CommonName),
            cert.subjectInfo(QSslCertificate::OrganizationalUnitName),
            cert.expiryDate().toMSecsSinceEpoch(), who);
    }
    Credentials credentials;
    credentials.authorization = head.value("authorization");
    credentials.cookieHeader = head.value("cookie");
    for (const auto &[key, value] : http::queryItems(head.query)) {
        if (key == "access_token") {
            credentials.queryToken = value;
            credentials.hasQueryToken = true;
        }
    }
    return m_options.auth.identify(credentials, Clock::wallMs(), who);
}

QString HttpFront::mayActFor(const Identity &who, const QString &clientId) const
{
    if (!m_options.auth.isEnabled() || m_options.auth.isAdmin(who)
        || (who.authenticated && who.clientId == clientId))
        return {};
    return who.authenticated
        ? tr("client '%1' may not act for client '%2'").arg(who.clientId, clientId)
        : tr("acting for client '%1' needs its token").arg(clientId);
}

bool HttpFront::mayActFor(const ReplyTo &to, const Identity &who, const QString &clientId)
{
    const QString denied = mayActFor(who, clientId);
    if (denied.isEmpty())
        return true;
    refuse(to, 403, denied, who.clientId);
    return false;
}

// --- Responses --------------------------------------------------------------------------------

QByteArray HttpFront::corsHeaders(const QByteArray &origin) const
{
    if (origin.isEmpty() || m_options.corsOrigins.isEmpty())
        return {};
    const bool any = m_options.corsOrigins.contains(QStringLiteral("*"));
    if (!any && !m_options.corsOrigins.contains(QString::fromUtf8(origin)))
        return {};
    // CR/LF never reach a header: the parser refuses control bytes in header values.
    return "Access-Control-Allow-Origin: " + (any ? QByteArray("*") : origin)
        + "\r\nVary: Origin\r\n";
}

HttpFront::ReplyTo HttpFront::replyTo(const HttpRequest &request, QTcpSocket *socket) const
{
    ReplyTo to;
    to.socket = socket;
    if (auto it = m_conns.constFind(socket); it != m_conns.cend())
        to.seq = it->issued;
    to.close = !request.head().keepAlive;
    to.origin = request.value("origin");
    to.headOnly = request.method() == HttpRequest::Method::Head;
    return to;
}

void HttpFront::reply(const ReplyTo &to, int status, const QByteArray &contentType,
                      const QByteArray &body, const QByteArray &extraHeaders)
{
    QTcpSocket *socket = to.socket.data();
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (status >= 400)
        ++m_counters.rejected;
    QByteArray out;
    out.reserve(body.size() + 256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + http::reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += corsHeaders(to.origin);
    out += extraHeaders;
    if (to.close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (!to.headOnly)
        out += body;
    auto conn = m_conns.find(socket);
    if (to.seq == 0 || conn == m_conns.end()) {
        send(socket, out, to.close);
        return;
    }
    if (to.seq != conn->sent + 1) {
        conn->held.insert(to.seq, qMakePair(out, to.close)); // an earlier answer is pending
        return;
    }
    ++conn->sent;
    send(socket, out, to.close);
    // Answers that were waiting for this one. (The connection may be gone after a close.)
    while ((conn = m_conns.find(socket)) != m_conns.end() && !conn->held.isEmpty()
           && conn->held.firstKey() == conn->sent + 1) {
        const auto [bytes, close] = conn->held.take(conn->sent + 1);
        ++conn->sent;
        send(socket, bytes, close);
    }
    // Reading stopped while too many answers were pending: go on (after this call returns).
    if (conn != m_conns.end() && conn->readingPaused && conn->phase != Conn::Phase::Closing
        && conn->issued - conn->sent < MaxPendingAnswers) {
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
    replyJson(to, status, QJsonObject {{QStringLiteral("error"), message}}, extraHeaders);
}

void HttpFront::noteAuthFailure(const QString &remote, const QString &clientId, const QString &why)
{
    ++m_counters.authFailures;
    if (!m_log)
        return;
    LogEntry entry;
    entry.kind = LogEntry::Kind::AuthFailure;
    entry.clientId = clientId;
    entry.remoteAddress = remote;
    entry.reason = why;
    m_log->append(entry);
}

void HttpFront::refuse(const ReplyTo &to, int status, const QString &message,
                       const QString &clientId, const QByteArray &extraHeaders)
{
    QString remote;
    if (to.socket)
        remote = to.socket->peerAddress().toString() + QLatin1Char(':')
            + QString::number(to.socket->peerPort());
    noteAuthFailure(remote, clientId, QString::number(status) + QLatin1Char(' ') + message);
    replyError(to, status, message, extraHeaders);
}

} // namespace ssehub
