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
#include <QHttpServerRequest>
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

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    }
    return "Status";
}

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

// Finds the end of an HTTP head (CRLFCRLF, also bare LF); returns the body offset or -1.
qsizetype headEnd(const QByteArray &data)
{
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) != '\n')
            continue;
        if (i + 1 < data.size() && data.at(i + 1) == '\n')
            return i + 2;
        if (i + 2 < data.size() && data.at(i + 1) == '\r' && data.at(i + 2) == '\n')
            return i + 3;
    }
    return -1;
}

// The value of a header in a raw head, or a null array.
QByteArray rawHeader(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

bool requestWantsClose(const QHttpServerRequest &request)
{
    return request.value("connection").toLower().contains("close");
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
    if (type == "reset" || type == "session" || type == "auth-expired" || type == "shutdown")
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
        addPendingConnection(socket);
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
    addPendingConnection(socket);
}

HttpFront::HttpFront(const Options &options, Hub *hub, Broker *broker, QObject *parent)
    : QAbstractHttpServer(parent)
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
    bind(listener);
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

// --- The guard: limits enforced before Qt's parser buffers a request ---------------------------

void HttpFront::attach(QTcpSocket *socket)
{
    Guard &guard = m_guards[socket];
    guard.lastActivityMs = SseConnection::monotonicMs();
    // Connected before the HTTP server's own handler, so it runs first on every readyRead.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { guardRead(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_guards.remove(socket); });
}

void HttpFront::guardRead(QTcpSocket *socket)
{
    auto it = m_guards.find(socket);
    if (it == m_guards.end())
        return;
    // Fast path: complete POST /publish requests are answered here, without Qt's byte-at-a-time
    // parser - only at a request boundary, and only while Qt's parser holds nothing of its own.
    if (!it->headDone && it->head.isEmpty() && (it->qtIdle || !socket->isTransactionStarted())) {
        while (tryFastPublish(socket)) { }
        it = m_guards.find(socket);
        if (it == m_guards.end())
            return;
    }
    guardLimits(socket, *it);
    // Qt's handler runs next and takes whatever is left; with nothing left it holds nothing.
    it = m_guards.find(socket);
    if (it != m_guards.end())
        it->qtIdle = socket->bytesAvailable() == 0;
}

bool HttpFront::tryFastPublish(QTcpSocket *socket)
{
    if (m_options.auth.isEnabled() || m_options.tls)
        return false; // credentials are checked on the full path
    const qint64 available = socket->bytesAvailable();
    if (available < 24)
        return false;
    const QByteArray data = socket->peek(
        qMin<qint64>(available, m_options.maxHeaderBytes + m_options.maxBodyBytes + 4));
    static const QByteArray requestLine = QByteArrayLiteral("POST /publish HTTP/1.1\r\n");
    if (!data.startsWith(requestLine))
        return false;
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0 || end > m_options.maxHeaderBytes)
        return false;
    qint64 length = -1;
    QByteArray contentType;
    QByteArray origin;
    bool close = false;
    qsizetype pos = requestLine.size();
    while (pos < end) {
        qsizetype eol = data.indexOf("\r\n", pos);
        const QByteArrayView line(data.constData() + pos, eol - pos);
        pos = eol + 2;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return false;
        const QByteArray name = line.first(colon).trimmed().toByteArray().toLower();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            if (length >= 0 || (length = value.toLongLong(&ok), !ok) || length < 0)
                return false; // repeated or not a number: the full parser answers
        } else if (name == "content-type") {
            contentType = value.toByteArray();
        } else if (name == "origin") {
            origin = value.toByteArray();
        } else if (name == "connection") {
            close = value.toByteArray().toLower().contains("close");
        } else if (name == "transfer-encoding" || name == "expect" || name == "upgrade") {
            return false;
        }
    }
    if (length < 0 || length > m_options.maxBodyBytes || data.size() < end + 4 + length)
        return false;
    if (socket->isTransactionStarted())
        socket->commitTransaction(); // Qt's transaction holds nothing (qtIdle)
    const QByteArray body = data.mid(end + 4, length);
    socket->skip(end + 4 + length);
    ++m_counters.requests;
    ReplyTo to;
    to.socket = socket;
    to.close = close;
    to.origin = origin;
    if (auto it = m_guards.find(socket); it != m_guards.end())
        to.seq = ++it->issued;
    publishBody(contentType, body, to);
    return !close;
}

void HttpFront::guardLimits(QTcpSocket *socket, Guard &guard)
{
    const qint64 now = SseConnection::monotonicMs();
    guard.lastActivityMs = now;
    // What Qt's parser has not consumed yet is what arrived since the last call.
    const qint64 fresh = socket->bytesAvailable();
    if (fresh <= 0)
        return;
    if (guard.requestStartMs == 0)
        guard.requestStartMs = now;

    if (!guard.headDone) {
        const qint64 room = m_options.maxHeaderBytes + 4 - guard.head.size();
        guard.head += socket->peek(qMin(fresh, qMax<qint64>(room, 0)));
        const qsizetype end = headEnd(guard.head);
        if (end < 0) {
            if (guard.head.size() > m_options.maxHeaderBytes)
                rejectEarly(
                    socket, 431,
                    tr("request head is larger than %1 bytes").arg(m_options.maxHeaderBytes));
            return;
        }
        guard.headDone = true;
        guard.bodySeen = guard.head.size() - end;
        const QByteArray head = guard.head.left(end);
        guard.head.clear();
        guard.head.squeeze();
        guard.chunked = rawHeader(head, "transfer-encoding").toLower().contains("chunked");
        const QByteArray length = rawHeader(head, "content-length");
        if (!length.isNull()) {
            bool ok = false;
            const qint64 declared = length.toLongLong(&ok);
            if (!ok || declared < 0) {
                rejectEarly(socket, 400, tr("Content-Length is not a number"));
                return;
            }
            if (declared > m_options.maxBodyBytes) {
                rejectEarly(socket, 413,
                            tr("body of %1 bytes is larger than the limit of %2 bytes")
                                .arg(declared)
                                .arg(m_options.maxBodyBytes));
                return;
            }
        }
        if (rawHeader(head, "expect").toLower() == "100-continue")
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    } else {
        guard.bodySeen += fresh;
    }
    // Chunked bodies declare no size: count what arrives (with room for chunk framing).
    if (guard.chunked && guard.bodySeen > m_options.maxBodyBytes + m_options.maxBodyBytes / 8 + 64)
        rejectEarly(socket, 413,
                    tr("body is larger than the limit of %1 bytes").arg(m_options.maxBodyBytes));
}

void HttpFront::rejectEarly(QTcpSocket *socket, int status, const QString &message)
{
    // Take the socket away from Qt's parser, answer, and keep draining what the client still
    // sends for a moment, so that it reads the answer instead of a reset.
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    connect(socket, &QTcpSocket::readyRead, socket,
            [socket] { socket->skip(socket->bytesAvailable()); });
    socket->skip(socket->bytesAvailable());
    Guard &guard = m_guards[socket];
    guard.closeAtMs = SseConnection::monotonicMs() + 2000;
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("error"), message}})
                                .toJson(QJsonDocument::Compact);
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    ++m_counters.rejected;
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
    for (auto it = m_guards.cbegin(); it != m_guards.cend(); ++it) {
        const Guard &guard = it.value();
        if (guard.closeAtMs) {
            if (now >= guard.closeAtMs)
                expired.append(it.key());
        } else if (guard.requestStartMs) {
            if (now - guard.requestStartMs > m_options.requestTimeoutMs)
                slow.append(it.key());
        } else if (now - guard.lastActivityMs > m_options.keepAliveTimeoutMs) {
            idle.append(it.key());
        }
    }
    for (QTcpSocket *socket : expired)
        socket->abort();
    for (QTcpSocket *socket : idle)
        socket->disconnectFromHost();
    for (QTcpSocket *socket : slow)
        rejectEarly(socket, 408,
                    tr("request not completed within %1 ms").arg(m_options.requestTimeoutMs));
}

// --- Routing ---------------------------------------------------------------------------------

bool HttpFront::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_counters.requests;
    auto it = m_guards.find(socket);
    if (it != m_guards.end()) {
        // A complete request: the next one starts from scratch (its answer keeps its place).
        Guard fresh;
        fresh.issued = it->issued + 1;
        fresh.sent = it->sent;
        fresh.held = std::move(it->held);
        fresh.lastActivityMs = SseConnection::monotonicMs();
        *it = std::move(fresh);
    }

    const QString path = request.url().path();
    const auto method = request.method();
    using Method = QHttpServerRequest::Method;

    if (method == Method::Options) {
        servePreflight(request, socket);
        return true;
    }
    // Answers 405 (naming the allowed method) unless the request uses `wanted`.
    auto allowed = [&](Method wanted, const char *name) {
        if (method == wanted || (wanted == Method::Get && method == Method::Head))
            return true;
        replyError(replyTo(request, socket), 405, tr("use %1 on %2").arg(QLatin1String(name), path),
                   "Allow: " + QByteArray(name) + ", OPTIONS\r\n");
        return false;
    };
    const QLatin1String subscriptionsPrefix("/subscriptions/");
    const QLatin1String connectionsPrefix("/connections/");

    // Who is asking (401 for bad or missing credentials); the demo page is public.
    Identity who;
    const auto route = m_routes.constFind(path.toUtf8());
    const bool publicPath = path == QLatin1String("/") || path == QLatin1String("/index.html")
        || (route != m_routes.cend() && !route->admin);
    if (!publicPath && !identify(request, socket, &who))
        return true;

    if (path == QLatin1String("/events")) {
        if (allowed(Method::Get, "GET"))
            serveEvents(request, socket, who);
    } else if (path == QLatin1String("/publish")) {
        if (allowed(Method::Post, "POST"))
            servePublish(request, socket, who);
    } else if (path == QLatin1String("/subscribe")) {
        if (allowed(Method::Post, "POST"))
            serveSubscribe(request, socket, who);
    } else if (path == QLatin1String("/unsubscribe")) {
        if (allowed(Method::Delete, "DELETE"))
            serveUnsubscribe(request, socket, who);
    } else if (path == QLatin1String("/ack")) {
        if (allowed(Method::Post, "POST"))
            serveAck(request, socket, who);
    } else if (path.startsWith(subscriptionsPrefix) && path.size() > subscriptionsPrefix.size()) {
        if (method == Method::Get || method == Method::Patch)
            serveSubscriptions(request, socket, path.mid(subscriptionsPrefix.size()), who);
        else
            allowed(Method::Patch, "GET, PATCH");
    } else if (path == QLatin1String("/connections")) {
        if (allowed(Method::Get, "GET") && requireAdmin(replyTo(request, socket), who))
            serveConnections(request, socket);
    } else if (route != m_routes.cend()) {
        if (allowed(Method::Get, "GET")
            && (!route->admin || requireAdmin(replyTo(request, socket), who))) {
            const Reply answer
                = route->provider(request.url().query(QUrl::FullyEncoded).toLatin1());
            ReplyTo to = replyTo(request, socket);
            reply(to, answer.status, answer.contentType, answer.body,
                  answer.status == 503 ? QByteArrayLiteral("Retry-After: 5\r\n") : QByteArray());
        }
    } else if (path == QLatin1String("/log")) {
        if (allowed(Method::Get, "GET") && requireAdmin(replyTo(request, socket), who))
            serveLog(request, socket);
    } else if (path.startsWith(connectionsPrefix)) {
        if (allowed(Method::Delete, "DELETE") && requireAdmin(replyTo(request, socket), who))
            serveKick(request, socket, path.mid(connectionsPrefix.size()));
    } else if (path == QLatin1String("/") || path == QLatin1String("/index.html")) {
        if (allowed(Method::Get, "GET"))
            serveDemo(request, socket);
    } else {
        return false;
    }
    return true;
}

void HttpFront::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    replyError(replyTo(request, socket), 404, tr("no such endpoint: %1").arg(request.url().path()));
}

// --- Authentication and authorization ---------------------------------------------------------

bool HttpFront::identify(const QHttpServerRequest &request, QTcpSocket *socket, Identity *who)
{
    if (!m_options.auth.isEnabled())
        return true;
    // A verified client certificate says who it is (the handshake refused any other).
    if (const auto *tls = qobject_cast<const QSslSocket *>(socket);
        tls && !tls->peerCertificate().isNull()) {
        const QSslCertificate cert = tls->peerCertificate();
        const QString problem = m_options.auth.identifyCertificate(
            cert.subjectInfo(QSslCertificate::CommonName).value(0),
            cert.subjectInfo(QSslCertificate::OrganizationalUnitName),
            cert.expiryDate().toMSecsSinceEpoch(), who);
        if (problem.isEmpty())
            return true;
        refuse(replyTo(request, socket), 401, problem);
        return false;
    }
    Credentials credentials;
    credentials.authorization = request.value("authorization");
    credentials.cookieHeader = request.value("cookie");
    for (const auto &[key, value] :
         queryItems(request.url().query(QUrl::FullyEncoded).toLatin1())) {
        if (key == "access_token") {
            credentials.queryToken = value;
            credentials.hasQueryToken = true;
        }
    }
    const QString problem
        = m_options.auth.identify(credentials, QDateTime::currentMSecsSinceEpoch(), who);
    if (problem.isEmpty())
        return true;
    qCInfo(lcHttp).noquote() << "refused" << request.url().path() << "from"
                             << socket->peerAddress().toString() << "-" << problem;
    refuse(replyTo(request, socket), 401, problem, QString(), "WWW-Authenticate: Bearer\r\n");
    return false;
}

bool HttpFront::mayActFor(const ReplyTo &to, const Identity &who, const QString &clientId)
{
    if (!m_options.auth.isEnabled() || m_options.auth.isAdmin(who)
        || (who.authenticated && who.clientId == clientId))
        return true;
    refuse(to, 403,
           who.authenticated
               ? tr("client '%1' may not act for client '%2'").arg(who.clientId, clientId)
               : tr("acting for client '%1' needs its token").arg(clientId),
           who.clientId);
    return false;
}

bool HttpFront::requireAdmin(const ReplyTo &to, const Identity &who)
{
    if (m_options.auth.isAdmin(who))
        return true;
    refuse(to, 403, tr("this route needs the admin role"), who.clientId);
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
    // CR/LF never reach a header: the origin came from a header line.
    return "Access-Control-Allow-Origin: " + (any ? QByteArray("*") : origin)
        + "\r\nVary: Origin\r\n";
}

HttpFront::ReplyTo HttpFront::replyTo(const QHttpServerRequest &request, QTcpSocket *socket) const
{
    ReplyTo to;
    to.socket = socket;
    if (auto it = m_guards.constFind(socket); it != m_guards.cend())
        to.seq = it->issued;
    to.close = requestWantsClose(request);
    to.origin = request.value("origin");
    to.headOnly = request.method() == QHttpServerRequest::Method::Head;
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
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
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
    auto guard = m_guards.find(socket);
    if (to.seq == 0 || guard == m_guards.end()) {
        send(socket, out, to.close);
        return;
    }
    if (to.seq != guard->sent + 1) {
        guard->held.insert(to.seq, qMakePair(out, to.close)); // an earlier answer is pending
        return;
    }
    ++guard->sent;
    send(socket, out, to.close);
    // Answers that were waiting for this one. (The guard may be gone after a close.)
    while ((guard = m_guards.find(socket)) != m_guards.end() && !guard->held.isEmpty()
           && guard->held.firstKey() == guard->sent + 1) {
        const auto [bytes, close] = guard->held.take(guard->sent + 1);
        ++guard->sent;
        send(socket, bytes, close);
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
    if (offset < out.size())
        socket->write(out.constData() + offset, out.size() - offset);
    if (close)
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
void HttpFront::servePreflight(const QHttpServerRequest &request, QTcpSocket *socket)
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

void HttpFront::serveEvents(const QHttpServerRequest &request, QTcpSocket *socket,
                            const Identity &who)
{
    StreamRequest stream;
    if (m_options.auth.isEnabled() && who.authenticated) {
        // The token says who the client is; a different client_id is refused below.
        stream.tokenClientId = who.clientId;
    }
    const QString error = parseStreamRequest(request.url().query(QUrl::FullyEncoded).toLatin1(),
                                             request.value("last-event-id"), &stream);
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), stream.errorStatus, error);
        return;
    }
    if (m_options.auth.isEnabled()) {
        if (!stream.spec.clientId.isEmpty() && stream.spec.clientId != who.clientId) {
            refuse(replyTo(request, socket), 403,
                   who.authenticated ? tr("client_id '%1' does not match the token's client '%2'")
                                           .arg(stream.spec.clientId, who.clientId)
                                     : tr("client_id needs a token for that client"),
                   who.clientId);
            return;
        }
        for (const TopicFilter &filter : std::as_const(stream.spec.filters)) {
            if (const QString denied = m_options.auth.checkSubscribe(who, filter);
                !denied.isEmpty()) {
                refuse(replyTo(request, socket), 403, denied, who.clientId);
                return;
            }
        }
        stream.spec.clientId = who.clientId;
        stream.spec.authExpiresAtMs = who.expiresAtMs;
        stream.spec.identity = who;
    }
    stream.spec.userAgent = request.value("user-agent");
    stream.origin = request.value("origin");
    int limitStatus = 0;
    if (const QString over
        = checkStreamLimits(socket->peerAddress(), stream.spec.clientId, &limitStatus);
        !over.isEmpty()) {
        ++m_counters.connectionLimitRejections;
        qCInfo(lcHttp).noquote() << "refused a stream from" << socket->peerAddress().toString()
                                 << "-" << over;
        replyError(replyTo(request, socket), limitStatus, over, "Retry-After: 5\r\n");
        return;
    }

    if (m_options.tls) {
        // TLS: the stream keeps the socket (it encrypts); the HTTP server lets go of it.
        disconnect(socket, nullptr, this, nullptr);
        const QHostAddress peer = socket->peerAddress();
        startStream(-1, peer, socket->peerPort(), stream, socket);
        return;
    }
    // From here on the connection is a stream. Its descriptor moves out of Qt: the stream owns a
    // duplicate, and the QTcpSocket is closed (which closes only Qt's descriptor, not the
    // connection) and deleted by the HTTP server. Qt's parser never sees the stream's bytes, and
    // Qt's event loop does not poll one notifier per stream.
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    const QHostAddress peer = socket->peerAddress();
    const quint16 peerPort = socket->peerPort();
    socket->abort();
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
    // waiting. Peek at it; only a complete, valid GET /events with nothing after it is taken
    // over here. Anything else stays unread for the QTcpSocket path.
    if (m_options.auth.isEnabled())
        return false; // credentials are checked on the full path
    char buffer[8192];
    const ssize_t peeked = ::recv(fd, buffer, sizeof(buffer), MSG_PEEK | MSG_DONTWAIT);
    if (peeked <= 0)
        return false;
    const QByteArray data = QByteArray::fromRawData(buffer, peeked);
    if (!data.startsWith("GET /events"))
        return false;
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0 || end + 4 != peeked)
        return false; // incomplete, or pipelined bytes after it
    const QList<QByteArray> lines = data.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine.at(2) != "HTTP/1.1")
        return false;
    const QByteArray target = requestLine.at(1);
    if (target != "/events" && !target.startsWith("/events?"))
        return false;
    StreamRequest stream;
    QByteArray lastEventId;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return false;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "last-event-id")
            lastEventId = value.isNull() ? QByteArray("") : value;
        else if (name == "user-agent")
            stream.spec.userAgent = value;
        else if (name == "origin")
            stream.origin = value;
        else if (name == "content-length" || name == "transfer-encoding" || name == "expect"
                 || name == "upgrade")
            return false; // not a plain stream request: let the full parser decide
    }
    const qsizetype query = target.indexOf('?');
    if (!parseStreamRequest(query < 0 ? QByteArray() : target.mid(query + 1), lastEventId, &stream)
             .isEmpty())
        return false; // the QTcpSocket path answers with the error

    sockaddr_storage address {};
    socklen_t length = sizeof(address);
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return false;
    QHostAddress peer(reinterpret_cast<const sockaddr *>(&address));
    int limitStatus = 0;
    if (!checkStreamLimits(peer, stream.spec.clientId, &limitStatus).isEmpty())
        return false; // the QTcpSocket path answers with the error (request not consumed yet)
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
void HttpFront::servePublish(const QHttpServerRequest &request, QTcpSocket *socket,
                             const Identity &who)
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
void HttpFront::serveLog(const QHttpServerRequest &request, QTcpSocket *socket)
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
    for (const auto &[key, value] :
         queryItems(request.url().query(QUrl::FullyEncoded).toLatin1())) {
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
void HttpFront::serveConnections(const QHttpServerRequest &request, QTcpSocket *socket)
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

bool HttpFront::jsonBody(const QHttpServerRequest &request, QTcpSocket *socket, QJsonObject *out)
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
void HttpFront::serveSubscribe(const QHttpServerRequest &request, QTcpSocket *socket,
                               const Identity &who)
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
    answer(replyTo(request, socket), m_hub->subscribe(clientId, filters, ttlMs));
}

// DELETE /unsubscribe {"client_id", "topics": [...]} or ?client_id=&topic=...
// Removes filters; delivery on them stops at once, queued events included.
// 200 {"client_id", "subscriptions", "removed"}; 400 bad input; 404 unknown client.
void HttpFront::serveUnsubscribe(const QHttpServerRequest &request, QTcpSocket *socket,
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
        for (const auto &[key, value] :
             queryItems(request.url().query(QUrl::FullyEncoded).toLatin1())) {
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
void HttpFront::serveSubscriptions(const QHttpServerRequest &request, QTcpSocket *socket,
                                   const QString &encodedId, const Identity &who)
{
    const QByteArray rawId = QByteArray::fromPercentEncoding(encodedId.toUtf8());
    if (const QString error = validateClientId(rawId); !error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    const QString clientId = QString::fromUtf8(rawId);
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    if (request.method() == QHttpServerRequest::Method::Get
        || request.method() == QHttpServerRequest::Method::Head) {
        bool all = false;
        for (const auto &[key, value] :
             queryItems(request.url().query(QUrl::FullyEncoded).toLatin1()))
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
        if (!expiresValue.isDouble() || expiresValue.toDouble() <= 0)
            error = tr("\"expires_at\" must be a time in ms since the epoch, or null for never");
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
                                      hasExpires, replayValue.toBool(false)));
}

// POST /ack {"client_id", "last_event_id"}: stores how far the client has processed; a stream
// of this client that opens without Last-Event-ID resumes after it. 200 {"client_id","acked"};
// 400 bad input; 404 unknown client.
void HttpFront::serveAck(const QHttpServerRequest &request, QTcpSocket *socket, const Identity &who)
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
void HttpFront::serveKick(const QHttpServerRequest &request, QTcpSocket *socket, const QString &id)
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
void HttpFront::serveDemo(const QHttpServerRequest &request, QTcpSocket *socket)
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
