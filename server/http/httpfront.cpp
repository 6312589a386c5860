#include "http/httpfront.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "core/net.h"
#include "hub/hub.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace ssehub {

HttpFront::HttpFront(const Options &options, Hub *hub, Broker *broker, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_hub(hub)
    , m_broker(broker)
{
    applyPolicies();
    const int shortest = qMin(m_options.requestTimeoutMs, m_options.keepAliveTimeoutMs);
    m_sweep.setInterval(qBound(10, shortest / 4, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &HttpFront::sweep);
    m_sweep.start();
    // A stream closed: its descriptor is free again (accepting may be paused for want of one).
    connect(m_hub, &Hub::streamCountChanged, this, [this] {
        if (m_listener)
            m_listener->descriptorsFreed();
    });
}

HttpFront::~HttpFront()
{
    qDeleteAll(m_fast);
}

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
    listener->takeOver = [this](int fd) { return adopt(fd); };
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
    // Accept a connection once its first bytes have arrived (1 s at most), so that its first
    // request is read with the accept (adopt).
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
    applyPolicies();
}

void HttpFront::applyPolicies()
{
    m_cors = Cors(m_options.corsOrigins, m_options.tls.has_value());
    m_allowedHosts = AllowedHosts(m_options.allowedHosts);
    m_publishLimiter.setRate(m_options.publishRate, m_options.publishBurst);
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

// --- Routing ---------------------------------------------------------------------------------

namespace {

const QByteArray SubscriptionsPrefix = QByteArrayLiteral("/subscriptions/");
const QByteArray StreamsPrefix = QByteArrayLiteral("/streams/");
const QByteArray ConnectionsPrefix = QByteArrayLiteral("/connections/"); // the older name stays

// The stream id of DELETE /streams/<id> (or /connections/<id>).
QByteArray kickedId(const QByteArray &path)
{
    return path.mid(path.startsWith(StreamsPrefix) ? StreamsPrefix.size()
                                                   : ConnectionsPrefix.size());
}

} // namespace

bool HttpFront::beginRequest(QTcpSocket *socket, Conn &conn)
{
    const HttpRequest &request = conn.request;
    const http::RequestHead &head = request.head();
    // Decided already when the connection moved here from the epoll path with this request.
    Decision decision = conn.decided
        ? std::move(*conn.decided)
        : decide(head, socket->localAddress(), qobject_cast<QSslSocket *>(socket));
    conn.decided.reset();
    if (decision.status != 0) {
        if (decision.authFailure)
            noteAuthFailure(hostPort(socket->peerAddress(), socket->peerPort()), decision.clientId,
                            QString::number(decision.status) + QLatin1Char(' ') + decision.message);
        if (decision.status == 401)
            qCInfo(lcHttp).noquote() << "refused" << head.path << "from"
                                     << socket->peerAddress().toString() << "-" << decision.message;
        // An answer from the head: with a body on its way the connection closes after it.
        if (head.hasBody()) {
            rejectEarly(socket, decision.status, decision.message, decision.extraHeaders);
        } else {
            conn.requestStartMs = 0;
            // The answer may close the connection: `conn` is not used after it.
            replyError(replyTo(request, socket), decision.status, decision.message,
                       decision.extraHeaders);
        }
        return false;
    }
    conn.who = std::move(decision.who);
    conn.askHook = decision.askHook;
    if (head.hasBody() && head.expectContinue && conn.answers.nextIsLatest())
        socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    conn.route = decision.route;
    return true;
}

HttpFront::Decision HttpFront::decide(const http::RequestHead &head, const QHostAddress &local,
                                      const QSslSocket *tls) const
{
    Decision decision;
    auto refuse = [&](int status, const QString &message, const QByteArray &extra = {}) {
        decision.route = Conn::Route::None;
        decision.status = status;
        decision.message = message;
        decision.extraHeaders = extra;
        return decision;
    };
    auto refuseAccess = [&](int status, const QString &message, const QByteArray &extra = {}) {
        decision.authFailure = true;
        decision.clientId = decision.who.clientId;
        return refuse(status, message, extra);
    };

    if (!hostAllowed(head.host, local))
        return refuse(421,
                      tr("Host '%1' is not served here: use the address the hub listens on, "
                         "localhost, or a name given with --allowed-host")
                          .arg(QString::fromLatin1(head.host)));

    const QByteArray &path = head.path;
    using Method = HttpRequest::Method;
    const Method method = HttpRequest::methodOf(head.method);
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
    } else if (path == "/history") {
        kind = RouteKind::History; // the ACL of subscribing, checked with the query
        allow = "GET";
    } else if (path == "/presence") {
        kind = RouteKind::Presence; // the same, checked with the query
        allow = "GET";
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
    } else if (path.startsWith(StreamsPrefix) || path.startsWith(ConnectionsPrefix)) {
        kind = RouteKind::Kick; // DELETE; GET: the stream's detail
        allow = "GET, DELETE";
        admin = true;
    } else if (path == "/console/feed") {
        kind = RouteKind::ConsoleFeed;
        allow = "GET";
        admin = true;
    } else if (path == "/console/tail") {
        kind = RouteKind::ConsoleTail;
        allow = "POST";
        admin = true;
    } else if (path == "/access/reload") {
        kind = RouteKind::ReloadAccess;
        allow = "POST";
        admin = true;
    } else if (path == "/" || path == "/index.html") {
        kind = RouteKind::Demo;
        allow = "GET";
        isPublic = true;
    } else if (path == "/ssehub.js") {
        kind = RouteKind::ClientScript;
        allow = "GET";
        isPublic = true;
    }
    if (kind == RouteKind::None)
        return refuse(404, tr("no such endpoint: %1").arg(QString::fromLatin1(path)));
    if (kind != RouteKind::Preflight) {
        // HEAD is GET without the body, except for a stream (it would never end).
        const bool ok = allow.contains(head.method)
            || (method == Method::Head && allow.contains("GET") && kind != RouteKind::Events
                && kind != RouteKind::ConsoleFeed);
        if (!ok)
            return refuse(
                405, tr("use %1 on %2").arg(QString::fromLatin1(allow), QString::fromLatin1(path)),
                "Allow: " + allow + ", OPTIONS\r\n");
    }

    // Who is asking: from the head, before any body is read.
    // The auth hook decides for the requests it may be asked about that present no token (or,
    // with --auth-hook-tokens, one that does not verify here). A client certificate decides
    // alone.
    const bool hookable = m_hook && !isPublic
        && (kind == RouteKind::Events || kind == RouteKind::Subscribe || kind == RouteKind::Publish)
        && !(tls && !tls->peerCertificate().isNull());
    if (hookable && !m_options.auth.hasToken(credentialsOf(head, false))) {
        decision.askHook = true;
    } else if (!isPublic) {
        int status = 401;
        if (const QString problem
            = identify(head, tls, kind != RouteKind::Events, &decision.who, &status);
            !problem.isEmpty() && hookable && m_hook->options().tokens) {
            decision.who = Identity();
            decision.askHook = true;
        } else if (!problem.isEmpty() && status == 503) {
            // The hub's outage (no key set yet), not the token's fault: clients retry.
            decision.who = Identity();
            return refuse(503, problem, "Retry-After: 5\r\n");
        } else if (!problem.isEmpty()) {
            const bool byCertificate = tls && !tls->peerCertificate().isNull();
            decision.who = Identity();
            return refuseAccess(401, problem,
                                byCertificate ? QByteArray() : "WWW-Authenticate: Bearer\r\n");
        }
    }
    if (admin && !m_options.auth.isAdmin(decision.who))
        return refuseAccess(403, tr("this route needs the admin role"));
    if (kind == RouteKind::Subscriptions) {
        const QByteArray rawId
            = QByteArray::fromPercentEncoding(path.mid(SubscriptionsPrefix.size()));
        if (validateClientId(rawId).isEmpty()) {
            if (const QString denied = mayActFor(decision.who, QString::fromUtf8(rawId));
                !denied.isEmpty())
                return refuseAccess(403, denied);
        }
    }
    // The console feed tells everything about every stream: a browser page of another site
    // gets none of it, even where no authentication is configured.
    if (kind == RouteKind::ConsoleFeed && fromForeignPage(head))
        return refuseAccess(403, tr("a page of another origin may not read the console feed"));
    // Cross-site writes: a browser page of another origin changes nothing here.
    const bool changesState = method == Method::Post || method == Method::Patch
        || method == Method::Delete || method == Method::Put;
    if (changesState && fromForeignPage(head))
        return refuseAccess(
            403,
            tr("a page of another origin (%1) may not change anything here (see "
               "--cors-origin)")
                .arg(QString::fromUtf8(head.value("origin").isNull() ? head.value("sec-fetch-site")
                                                                     : head.value("origin"))));

    if (head.framing == http::BodyFraming::Length && head.contentLength > m_options.maxBodyBytes)
        return refuse(413,
                      tr("body of %1 bytes is larger than the limit of %2 bytes")
                          .arg(head.contentLength)
                          .arg(m_options.maxBodyBytes));
    decision.route = kind;
    return decision;
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
        servePublish(request, replyTo(request, socket), who);
        break;
    case Route::Subscribe:
        serveSubscribe(request, replyTo(request, socket), who);
        break;
    case Route::Unsubscribe:
        serveUnsubscribe(request, replyTo(request, socket), who);
        break;
    case Route::Ack:
        serveAck(request, replyTo(request, socket), who);
        break;
    case Route::History:
        serveHistory(request, socket, who);
        break;
    case Route::Presence:
        servePresence(request, socket, who);
        break;
    case Route::Subscriptions:
        serveSubscriptions(request, socket,
                           QString::fromLatin1(path.mid(SubscriptionsPrefix.size())), who);
        break;
    case Route::Connections:
        serveConnections(request, socket);
        break;
    case Route::Engine: {
        const auto route = m_routes.value(path);
        if (route.large && !roomForLargeAnswer(replyTo(request, socket)))
            break;
        const Reply answer = route.provider(RouteRequest {request.query()});
        reply(replyTo(request, socket), answer.status, answer.contentType, answer.body,
              answer.status == 503 ? QByteArrayLiteral("Retry-After: 5\r\n") : QByteArray());
        break;
    }
    case Route::Log:
        if (roomForLargeAnswer(replyTo(request, socket)))
            serveLog(request, socket);
        break;
    case Route::Kick:
        if (request.method() == HttpRequest::Method::Delete)
            serveKick(request, socket, QString::fromLatin1(kickedId(path)));
        else
            serveStreamDetail(request, socket, QString::fromLatin1(kickedId(path)));
        break;
    case Route::ConsoleFeed:
        serveConsoleFeed(request, socket, who);
        break;
    case Route::ConsoleTail:
        serveConsoleTail(request, socket);
        break;
    case Route::ReloadAccess:
        serveReloadAccess(request, socket);
        break;
    case Route::Demo:
        serveDemo(request, socket);
        break;
    case Route::ClientScript:
        serveClientScript(request, socket);
        break;
    }
}

// --- Authentication and authorization ---------------------------------------------------------

QString HttpFront::identify(const http::RequestHead &head, const QSslSocket *tls, bool remember,
                            Identity *who, int *status) const
{
    if (!m_options.auth.isEnabled())
        return {};
    // A verified client certificate says who it is (the handshake refused any other).
    if (tls && !tls->peerCertificate().isNull()) {
        const QSslCertificate cert = tls->peerCertificate();
        return m_options.auth.identifyCertificate(
            cert.subjectInfo(QSslCertificate::CommonName),
            cert.subjectInfo(QSslCertificate::OrganizationalUnitName),
            cert.expiryDate().toMSecsSinceEpoch(), who);
    }
    return m_options.auth.identify(credentialsOf(head, remember), Clock::wallMs(), who, status);
}

Credentials HttpFront::credentialsOf(const http::RequestHead &head, bool remember)
{
    Credentials credentials;
    credentials.remember = remember;
    credentials.authorization = head.value("authorization");
    credentials.cookieHeader = head.value("cookie");
    for (const auto &[key, value] : http::queryItems(head.query)) {
        if (key == "access_token") {
            credentials.queryToken = value;
            credentials.hasQueryToken = true;
        }
    }
    return credentials;
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
    noteAuthFailure(to.remote(), clientId, QString::number(status) + QLatin1Char(' ') + message);
    replyError(to, status, message, extraHeaders);
}

bool HttpFront::roomForLargeAnswer(const ReplyTo &to)
{
    qint64 unread = 0;
    for (auto it = m_conns.cbegin(); it != m_conns.cend(); ++it)
        unread += it.key()->bytesToWrite();
    for (const FastConnection *connection : std::as_const(m_fast))
        unread += connection->bytesToWrite();
    if (unread <= MaxUnreadLargeAnswerBytes)
        return true;
    replyError(to, 503,
               tr("the hub holds %1 MiB of answers that clients have not read yet; retry shortly")
                   .arg(unread / (1024 * 1024)),
               QByteArrayLiteral("Retry-After: 1\r\n"));
    return false;
}

} // namespace ssehub
