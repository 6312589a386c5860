#include "httpfront.h"

#include "broker.h"
#include "event.h"
#include "hub.h"
#include "logexport.h"
#include "logging.h"
#include "sseframe.h"
#include "topicfilter.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace ssehub {

namespace {

const QByteArray ApiMethods = QByteArrayLiteral("GET, POST, PATCH, DELETE, OPTIONS");
const QByteArray ApiRequestHeaders
    = QByteArrayLiteral("Content-Type, Last-Event-ID, Authorization");

// Query parameters as raw bytes. '+' stays '+' (it is the MQTT wildcard, not a space);
// percent escapes are decoded, so "%23" is '#'.
QList<QPair<QByteArray, QByteArray>> queryItems(const QByteArray &query)
{
    QList<QPair<QByteArray, QByteArray>> items;
    for (const QByteArray &part : query.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray key = QByteArray::fromPercentEncoding(eq < 0 ? part : part.left(eq));
        const QByteArray value
            = eq < 0 ? QByteArray() : QByteArray::fromPercentEncoding(part.mid(eq + 1));
        items.append({key, value});
    }
    return items;
}

// Compact JSON for one value (QJsonDocument only takes arrays and objects).
QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// Validates an event type; empty string when fine.
QString validateType(const QByteArray &type)
{
    if (const QString error = validateText(type, "type", 64, true); !error.isEmpty())
        return error;
    // Types the server itself sends on a stream; a publisher must not be able to forge them.
    // `error` and `open` would fire EventSource's own handlers in every subscriber.
    if (type == "reset" || type == "session" || type == "auth-expired" || type == "shutdown"
        || type == "error" || type == "open")
        return QStringLiteral("type '%1' is reserved for the server").arg(QString::fromUtf8(type));
    return {};
}

} // namespace

QString parsePublishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                         qint64 maxBodyBytes, PublishRequest *out, int *status)
{
    *status = 400;
    if (!contentTypeHeader.toLower().startsWith("application/json")) {
        *status = 415;
        return QStringLiteral("Content-Type must be application/json");
    }
    if (body.size() > maxBodyBytes) {
        *status = 413;
        return QStringLiteral("body of %1 bytes is larger than the limit of %2 bytes")
            .arg(body.size())
            .arg(maxBodyBytes);
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("body is not valid JSON: %1 at offset %2")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    if (!doc.isObject())
        return QStringLiteral("body must be a JSON object");
    const QJsonObject object = doc.object();
    const QJsonValue topicValue = object.value(QLatin1String("topic"));
    if (!topicValue.isString())
        return QStringLiteral("\"topic\" is missing or not a string");
    PublishRequest publish;
    publish.topic = topicValue.toString().toUtf8();
    if (const QString error = validateTopic(publish.topic); !error.isEmpty())
        return error;
    const QJsonValue typeValue = object.value(QLatin1String("type"));
    if (typeValue.isUndefined() || typeValue.isNull()) {
        publish.type = QByteArrayLiteral("message");
    } else if (!typeValue.isString()) {
        return QStringLiteral("\"type\" must be a string");
    } else {
        publish.type = typeValue.toString().toUtf8();
        if (const QString error = validateType(publish.type); !error.isEmpty())
            return error;
    }
    if (!object.contains(QLatin1String("payload")))
        return QStringLiteral("\"payload\" is missing");
    publish.payloadJson = compactJson(object.value(QLatin1String("payload")));
    *out = publish;
    return {};
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
        m_listener->close();
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
    conn.acceptedMs = conn.lastActivityMs = SseConnection::monotonicMs();
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        if (auto it = m_conns.find(socket); it != m_conns.end())
            it->writeSinceMs = SseConnection::monotonicMs();
        resumeReading(socket);
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_conns.remove(socket);
        socket->deleteLater();
    });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_conns.remove(socket); });
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
    const qint64 now = SseConnection::monotonicMs();
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
    it->closeAtMs = SseConnection::monotonicMs() + 2000;
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
    const qint64 now = SseConnection::monotonicMs();
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
    } else if (path == "/connections") {
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
    for (const auto &[key, value] : queryItems(head.query)) {
        if (key == "access_token") {
            credentials.queryToken = value;
            credentials.hasQueryToken = true;
        }
    }
    return m_options.auth.identify(credentials, QDateTime::currentMSecsSinceEpoch(), who);
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
                conn->writeSinceMs = SseConnection::monotonicMs();
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

// OPTIONS <any API path>: CORS preflight.
// 204 with Access-Control-Allow-* for an allowed Origin; 403 for an origin not allowed.
void HttpFront::servePreflight(const HttpRequest &request, QTcpSocket *socket)
{
    const QByteArray cors = corsHeaders(request.value("origin"));
    if (!request.value("origin").isEmpty() && cors.isEmpty()) {
        replyError(replyTo(request, socket), 403,
                   tr("origin %1 is not allowed (see --cors-origin)")
                       .arg(QString::fromUtf8(request.value("origin"))));
        return;
    }
    reply(replyTo(request, socket), 204, {}, {},
          "Access-Control-Allow-Methods: " + ApiMethods
              + "\r\nAccess-Control-Allow-Headers: " + ApiRequestHeaders
              + "\r\nAccess-Control-Max-Age: 600\r\nAllow: " + ApiMethods + "\r\n");
}

// GET /events?topic=<filter>[&topic=...][&lastEventId=<id>]
// Header Last-Event-ID (wins over lastEventId). 200 text/event-stream, streamed until closed;
// 400 with {"error"} for a missing, invalid or excess filter.
// Most streams never get here: the listener takes complete, valid stream requests over on
// accept (tryAcceptStream). This is the path for everything else, errors included.
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
    m_hub->addStream(fd, peer, peerPort, stream.spec, head, tlsSocket);
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
    if (const QString full
        = m_hub->checkStreamFits(out->spec.clientId, out->spec.filters, &out->errorStatus);
        !full.isEmpty())
        return full;
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
    if (m_options.maxConnections > 0 && m_hub->connectionCount() >= m_options.maxConnections) {
        *status = 503;
        return tr("server full: %1 streams are open (--max-connections)")
            .arg(m_options.maxConnections);
    }
    if (m_options.maxConnectionsPerIp > 0
        && m_hub->connectionsFrom(peer) >= m_options.maxConnectionsPerIp) {
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

bool HttpFront::takePublishToken(const QString &key, int *retryAfterSeconds)
{
    if (m_options.publishRate <= 0)
        return true;
    const double burst
        = m_options.publishBurst > 0 ? m_options.publishBurst : 2 * m_options.publishRate;
    const qint64 now = SseConnection::monotonicMs();
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket {burst, now});
    it->tokens = qMin(burst, it->tokens + double(now - it->lastMs) * m_options.publishRate / 1000);
    it->lastMs = now;
    if (it->tokens >= 1) {
        it->tokens -= 1;
        return true;
    }
    *retryAfterSeconds = qMax(1, int(std::ceil((1 - it->tokens) / m_options.publishRate)));
    return false;
}

bool HttpFront::tryAcceptStream(int fd)
{
    // The listener sets TCP_DEFER_ACCEPT, so a new connection usually has its whole request
    // waiting. Peek at it; only a complete GET /events that passes every check of the socket
    // path, with nothing after it, is taken over here. Anything else stays unread for the
    // QTcpSocket path, which answers errors.
    if (m_options.auth.isEnabled())
        return false; // credentials (and their failures) are handled on the socket path
    char buffer[8192];
    const ssize_t peeked = ::recv(fd, buffer, sizeof(buffer), MSG_PEEK | MSG_DONTWAIT);
    if (peeked <= 0)
        return false;
    const QByteArrayView data(buffer, peeked);
    if (!data.startsWith("GET /events"))
        return false;
    http::Limits limits;
    limits.maxHeadBytes = qMin<qsizetype>(m_options.maxHeaderBytes, sizeof(buffer));
    limits.maxHeaderLines = m_options.maxHeaderLines;
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    if (http::parseRequestHead(data, limits, &head, &used, &error) != http::Result::Complete
        || used != peeked || head.path != "/events" || head.hasBody() || head.method != "GET")
        return false;
    sockaddr_storage address {};
    socklen_t length = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0
        || !hostAllowed(head.host, QHostAddress(reinterpret_cast<const sockaddr *>(&address))))
        return false;
    length = sizeof(address);
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return false;
    const QHostAddress peer(reinterpret_cast<const sockaddr *>(&address));
    StreamRequest stream;
    if (!checkStream(head, peer, Identity(), &stream).isEmpty())
        return false;
    // Consume exactly the request that was peeked.
    if (::recv(fd, buffer, size_t(peeked), MSG_DONTWAIT) != peeked)
        return false;
    ++m_counters.requests;
    const quint16 peerPort = address.ss_family == AF_INET6
        ? ntohs(reinterpret_cast<const sockaddr_in6 *>(&address)->sin6_port)
        : ntohs(reinterpret_cast<const sockaddr_in *>(&address)->sin_port);
    startStream(fd, peer, peerPort, stream);
    return true;
}

// POST /publish  Content-Type: application/json
// Body {"topic": "<topic>", "type"?: "<type>", "payload": <JSON>}.
// 200 {"id": "<event id>", "delivered": <local streams>}; 400 bad JSON, missing or invalid
// fields, wildcard topic; 413 body too large; 415 not JSON; 503 broker cannot accept.
void HttpFront::servePublish(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    publishBody(request.value("content-type"), request.body(), replyTo(request, socket), who);
}

void HttpFront::publishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                            const ReplyTo &to, const Identity &who)
{
    PublishRequest publish;
    int status = 400;
    if (const QString error
        = parsePublishBody(contentTypeHeader, body, m_options.maxBodyBytes, &publish, &status);
        !error.isEmpty()) {
        replyError(to, status, error);
        return;
    }
    if (publish.topic.size() > m_options.maxTopicBytes) {
        replyError(
            to, 400,
            tr("topic is longer than %1 bytes (--max-topic-length)").arg(m_options.maxTopicBytes));
        return;
    }
    if (const QString denied = m_options.auth.checkPublish(who, publish.topic); !denied.isEmpty()) {
        refuse(to, 403, denied, who.clientId);
        return;
    }
    // The rate limit applies per client, or per address for anonymous publishers.
    int retryAfter = 0;
    const QString bucket = who.authenticated ? QStringLiteral("client:") + who.clientId
                                             : QStringLiteral("address:")
            + (to.socket ? to.socket->peerAddress().toString() : QString());
    if (!takePublishToken(bucket, &retryAfter)) {
        ++m_counters.rateLimitRejections;
        replyError(to, 429,
                   tr("publishing faster than %1 events/s (--publish-rate); retry in %2 s")
                       .arg(m_options.publishRate)
                       .arg(retryAfter),
                   "Retry-After: " + QByteArray::number(retryAfter) + "\r\n");
        return;
    }

    m_broker->publish(publish, [this, to](const PublishResult &result) {
        if (!result.ok) {
            replyError(to, result.httpStatus, result.error);
            return;
        }
        ++m_counters.published;
        replyJson(
            to, 200,
            QJsonObject {{QStringLiteral("id"), QString::fromLatin1(formatEventId(result.id))},
                         {QStringLiteral("delivered"), result.delivered}});
    });
}

// GET /log?format=csv|jsonl&kind=a,b&client=ID&since=T&until=T&limit=N: the connection log
// (what the console exports). Times are ms since the epoch or ISO 8601.
void HttpFront::serveLog(const HttpRequest &request, QTcpSocket *socket)
{
    const ReplyTo to = replyTo(request, socket);
    LogFormat format = LogFormat::JsonLines;
    LogQuery query;
    auto parseTime = [](const QByteArray &text, qint64 *out) {
        bool ok = false;
        const qint64 ms = text.toLongLong(&ok);
        if (ok && ms >= 0) {
            *out = ms;
            return true;
        }
        const QDateTime time = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs);
        if (!time.isValid())
            return false;
        *out = time.toMSecsSinceEpoch();
        return true;
    };
    for (const auto &[key, value] : queryItems(request.query())) {
        if (key == "format") {
            if (!logFormatFromName(QString::fromLatin1(value), &format)) {
                replyError(
                    to, 400,
                    tr("format must be csv or jsonl, not '%1'").arg(QString::fromUtf8(value)));
                return;
            }
        } else if (key == "kind") {
            for (const QByteArray &name : value.split(',')) {
                LogEntry::Kind kind;
                if (!LogEntry::kindFromName(QString::fromLatin1(name), &kind)) {
                    replyError(to, 400, tr("unknown log kind '%1'").arg(QString::fromUtf8(name)));
                    return;
                }
                query.kinds.insert(kind);
            }
        } else if (key == "client") {
            query.client = QString::fromUtf8(value);
        } else if (key == "since" || key == "until") {
            if (!parseTime(value, key == "since" ? &query.sinceMs : &query.untilMs)) {
                replyError(to, 400,
                           tr("%1 must be ms since the epoch or an ISO 8601 time")
                               .arg(QString::fromLatin1(key)));
                return;
            }
        } else if (key == "limit") {
            bool ok = false;
            query.limit = value.toLongLong(&ok);
            if (!ok || query.limit < 0) {
                replyError(to, 400, tr("limit must be a count"));
                return;
            }
        } else if (key != "access_token") {
            replyError(to, 400, tr("unknown parameter '%1'").arg(QString::fromUtf8(key)));
            return;
        }
    }
    const QList<LogEntry> entries = m_log ? query.apply(m_log->entries()) : QList<LogEntry>();
    reply(to, 200,
          format == LogFormat::Csv ? QByteArrayLiteral("text/csv; charset=utf-8")
                                   : QByteArrayLiteral("application/x-ndjson"),
          exportLog(entries, format));
}

// GET /connections: the live streams as a JSON array under "connections".
void HttpFront::serveConnections(const HttpRequest &request, QTcpSocket *socket)
{
    QJsonArray list;
    for (const SseConnection *c : m_hub->connections()) {
        QJsonArray filters;
        for (const QByteArray &f : c->filters())
            filters.append(QString::fromUtf8(f));
        list.append(QJsonObject {
            {QStringLiteral("id"), QString::number(c->id())},
            {QStringLiteral("client_id"), c->client()->id},
            {QStringLiteral("format"),
             c->payloadOnly() ? QStringLiteral("payload") : QStringLiteral("envelope")},
            {QStringLiteral("remote"), c->remote()},
            {QStringLiteral("user_agent"), QString::fromUtf8(c->userAgent())},
            {QStringLiteral("filters"), filters},
            {QStringLiteral("connected_at"), c->connectedAt()},
            {QStringLiteral("events_sent"), qint64(c->eventsSent())},
            {QStringLiteral("bytes_sent"), qint64(c->bytesSent())},
            {QStringLiteral("bytes_queued"), c->bytesQueued()},
            {QStringLiteral("state"),
             c->state() == SseConnection::State::Replaying ? QStringLiteral("replaying")
                                                           : QStringLiteral("live")},
        });
    }
    replyJson(replyTo(request, socket), 200, QJsonObject {{QStringLiteral("connections"), list}});
}

bool HttpFront::jsonBody(const HttpRequest &request, QTcpSocket *socket, QJsonObject *out)
{
    if (!request.value("content-type").toLower().startsWith("application/json")) {
        replyError(replyTo(request, socket), 415, tr("Content-Type must be application/json"));
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        replyError(replyTo(request, socket), 400,
                   tr("body is not valid JSON: %1 at offset %2")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
        return false;
    }
    if (!doc.isObject()) {
        replyError(replyTo(request, socket), 400, tr("body must be a JSON object"));
        return false;
    }
    *out = doc.object();
    return true;
}

QString HttpFront::parseFilters(const QJsonValue &value, QList<TopicFilter> *out,
                                bool required) const
{
    QJsonArray list;
    if (value.isString())
        list.append(value);
    else if (value.isArray())
        list = value.toArray();
    else if (!value.isUndefined() || required)
        return tr("\"topics\" must be an array of topic filters");
    for (const QJsonValue &item : std::as_const(list)) {
        if (!item.isString())
            return tr("\"topics\" must contain only strings");
        QString error;
        const TopicFilter filter = TopicFilter::parse(item.toString().toUtf8(), &error);
        if (!filter.isValid())
            return error;
        if (filter.text().size() > m_options.maxTopicBytes)
            return tr("filter is longer than %1 bytes (--max-topic-length)")
                .arg(m_options.maxTopicBytes);
        if (!out->contains(filter))
            out->append(filter);
    }
    if (required && out->isEmpty())
        return tr("\"topics\" must name at least one topic filter");
    if (out->size() > m_options.maxFiltersPerStream)
        return tr("more than %1 topic filters in one request").arg(m_options.maxFiltersPerStream);
    return {};
}

namespace {

// Reads "client_id" from a JSON body; empty string when valid.
QString clientIdFrom(const QJsonObject &object, QString *id)
{
    const QJsonValue value = object.value(QLatin1String("client_id"));
    if (!value.isString())
        return QStringLiteral("\"client_id\" is missing or not a string");
    *id = value.toString();
    return validateClientId(id->toUtf8());
}

} // namespace

void HttpFront::answer(const ReplyTo &to, const Hub::Answer &answer)
{
    if (answer.status >= 400)
        replyError(to, answer.status, answer.error);
    else
        replyJson(to, answer.status, answer.body);
}

// POST /subscribe {"client_id", "topics": [filters], "ttl_seconds"?: n}
// Adds filters to the client's set (creating the client); every live stream of the client
// receives matching events at once. 200 {"client_id", "subscriptions": [...], ...};
// 400 bad JSON, id, filters or ttl; 415 not JSON.
void HttpFront::serveSubscribe(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    QJsonObject body;
    if (!jsonBody(request, socket, &body))
        return;
    QString clientId;
    QList<TopicFilter> filters;
    QString error = clientIdFrom(body, &clientId);
    if (error.isEmpty())
        error = parseFilters(body.value(QLatin1String("topics")), &filters, true);
    qint64 ttlMs = 0;
    const QJsonValue ttl = body.value(QLatin1String("ttl_seconds"));
    if (error.isEmpty() && !ttl.isUndefined() && !ttl.isNull()) {
        if (!ttl.isDouble() || ttl.toDouble() <= 0 || ttl.toDouble() > 10.0 * 365 * 24 * 3600)
            error = tr("\"ttl_seconds\" must be a positive number of seconds");
        else
            ttlMs = qMax<qint64>(1, qint64(ttl.toDouble() * 1000));
    }
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    for (const TopicFilter &filter : std::as_const(filters)) {
        if (const QString denied = m_options.auth.checkSubscribe(who, filter); !denied.isEmpty()) {
            refuse(replyTo(request, socket), 403, denied, who.clientId);
            return;
        }
    }
    answer(replyTo(request, socket),
           m_hub->subscribe(clientId, filters, ttlMs, m_options.auth.isEnabled() ? &who : nullptr));
}

// DELETE /unsubscribe {"client_id", "topics": [...]} or ?client_id=&topic=...
// Removes filters; delivery on them stops at once, queued events included.
// 200 {"client_id", "subscriptions", "removed"}; 400 bad input; 404 unknown client.
void HttpFront::serveUnsubscribe(const HttpRequest &request, QTcpSocket *socket,
                                 const Identity &who)
{
    QString clientId;
    QList<TopicFilter> filters;
    QString error;
    if (!request.body().isEmpty()) {
        QJsonObject body;
        if (!jsonBody(request, socket, &body))
            return;
        error = clientIdFrom(body, &clientId);
        if (error.isEmpty())
            error = parseFilters(body.value(QLatin1String("topics")), &filters, true);
    } else {
        QJsonArray topics;
        bool haveId = false;
        for (const auto &[key, value] : queryItems(request.query())) {
            if (key == "client_id") {
                clientId = QString::fromUtf8(value);
                haveId = true;
                error = validateClientId(value);
            } else if (key == "topic") {
                topics.append(QString::fromUtf8(value));
            }
        }
        if (!haveId && error.isEmpty())
            error = tr("client_id is missing (in a JSON body or as ?client_id=)");
        if (error.isEmpty())
            error = parseFilters(topics, &filters, true);
    }
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    answer(replyTo(request, socket), m_hub->unsubscribe(clientId, filters));
}

// GET /subscriptions/<client_id>[?all=1]: the client's subscriptions (archived ones only with
// all=1). PATCH /subscriptions/<client_id> {"topics"?: [...], "state"?: "paused"|"active",
// "expires_at"?: ms|null, "replay"?: bool}: pause, resume (optionally replaying what was missed),
// renew or set an expiry. 200 as GET; 400 bad input; 404 unknown client or subscription;
// 409 expired beyond the grace period (or expired and no new expires_at).
void HttpFront::serveSubscriptions(const HttpRequest &request, QTcpSocket *socket,
                                   const QString &encodedId, const Identity &who)
{
    const QByteArray rawId = QByteArray::fromPercentEncoding(encodedId.toUtf8());
    if (const QString error = validateClientId(rawId); !error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    const QString clientId = QString::fromUtf8(rawId);
    // Acting for this client was checked from the head (beginRequest).
    if (request.method() == HttpRequest::Method::Get
        || request.method() == HttpRequest::Method::Head) {
        bool all = false;
        for (const auto &[key, value] : queryItems(request.query()))
            all |= key == "all" && (value == "1" || value == "true");
        answer(replyTo(request, socket), m_hub->listSubscriptions(clientId, all));
        return;
    }
    QJsonObject body;
    if (!jsonBody(request, socket, &body))
        return;
    QList<TopicFilter> filters;
    QString error = parseFilters(body.value(QLatin1String("topics")), &filters, false);
    std::optional<Subscription::State> state;
    const QJsonValue stateValue = body.value(QLatin1String("state"));
    if (error.isEmpty() && !stateValue.isUndefined()) {
        Subscription::State parsed;
        if (!stateValue.isString() || !Subscription::parseState(stateValue.toString(), &parsed)
            || (parsed != Subscription::State::Active && parsed != Subscription::State::Paused))
            error = tr("\"state\" must be \"paused\" or \"active\"");
        else
            state = parsed;
    }
    std::optional<qint64> expiresAt;
    const QJsonValue expiresValue = body.value(QLatin1String("expires_at"));
    const bool hasExpires = !expiresValue.isUndefined();
    if (error.isEmpty() && hasExpires && !expiresValue.isNull()) {
        // Up to the year 9999: past that no clock reaches it, and the cast to an integer of
        // ms would overflow.
        constexpr double LatestMs = 253402300799999.0;
        if (!expiresValue.isDouble() || !(expiresValue.toDouble() > 0)
            || expiresValue.toDouble() > LatestMs)
            error = tr("\"expires_at\" must be a time in ms since the epoch (up to the year "
                       "9999), or null for never");
        else
            expiresAt = qint64(expiresValue.toDouble());
    }
    const QJsonValue replayValue = body.value(QLatin1String("replay"));
    if (error.isEmpty() && !replayValue.isUndefined() && !replayValue.isBool())
        error = tr("\"replay\" must be true or false");
    if (error.isEmpty() && !state && !hasExpires)
        error = tr("nothing to change: give \"state\" and/or \"expires_at\"");
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    const bool named = body.contains(QLatin1String("topics"));
    answer(replyTo(request, socket),
           m_hub->changeSubscriptions(clientId, named ? &filters : nullptr, state, expiresAt,
                                      hasExpires, replayValue.toBool(false),
                                      m_options.auth.isEnabled() ? &who : nullptr));
}

// POST /ack {"client_id", "last_event_id"}: stores how far the client has processed; a stream
// of this client that opens without Last-Event-ID resumes after it. 200 {"client_id","acked"};
// 400 bad input; 404 unknown client.
void HttpFront::serveAck(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    QJsonObject body;
    if (!jsonBody(request, socket, &body))
        return;
    QString clientId;
    QString error = clientIdFrom(body, &clientId);
    quint64 id = 0;
    const QJsonValue idValue = body.value(QLatin1String("last_event_id"));
    if (error.isEmpty() && (!idValue.isString() || !parseEventId(idValue.toString().toUtf8(), &id)))
        error = tr("\"last_event_id\" must be an event id (a string of digits)");
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    answer(replyTo(request, socket), m_hub->acknowledge(clientId, id));
}

// DELETE /connections/<id>: closes that stream (the client may reconnect with Last-Event-ID).
// 200 {"kicked": "<id>"}; 404 unknown id.
void HttpFront::serveKick(const HttpRequest &request, QTcpSocket *socket, const QString &id)
{
    bool ok = false;
    const quint64 connectionId = id.toULongLong(&ok);
    if (!ok || !m_hub->kick(connectionId)) {
        replyError(replyTo(request, socket), 404, tr("no connection with id %1").arg(id));
        return;
    }
    replyJson(replyTo(request, socket), 200, QJsonObject {{QStringLiteral("kicked"), id}});
}

// GET /: the demo page (resources/demo/index.html).
void HttpFront::serveDemo(const HttpRequest &request, QTcpSocket *socket)
{
    QFile page(QStringLiteral(":/ssehub/demo/index.html"));
    if (!page.open(QIODevice::ReadOnly)) {
        replyError(replyTo(request, socket), 500, tr("the demo page is missing from this build"));
        return;
    }
    reply(replyTo(request, socket), 200, "text/html; charset=utf-8", page.readAll(),
          "Cache-Control: no-cache\r\n");
}

} // namespace ssehub
