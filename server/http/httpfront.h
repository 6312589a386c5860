#pragma once

#include "api/presence.h"
#include "api/publishbatch.h"
#include "auth/auth.h"
#include "auth/authhook.h"
#include "broker/broker.h"
#include "http/allowedhosts.h"
#include "http/cors.h"
#include "http/fastconnection.h"
#include "http/frontdecision.h"
#include "http/httpconnection.h"
#include "http/httpparser.h"
#include "http/httprequest.h"
#include "http/ratelimiter.h"
#include "http/streamlistener.h"
#include "hub/hub.h"
#include "proto/topicfilter.h"

#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <optional>

QT_BEGIN_NAMESPACE
class QSslSocket;
QT_END_NAMESPACE

namespace ssehub {

class Broker;
class Hub;
class ConnectionLog;

// The HTTP side of the engine: its own HTTP/1.1 server. Every byte a client sends is framed by
// one strict parser (httpparser.h) before anything acts on it; credentials, routes and limits
// are checked from the head, before a body is read; GET /events sockets are taken over as event
// streams. This class is the router (httpfront.cpp) and the connection side
// (frontconnections.cpp); the routes are in routes/, the pieces they use (listener, CORS,
// allowed hosts, rate limiter, answers, per-connection guard) in files of their own.
class HttpFront : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int retryMs = 3000;
        qint64 maxBodyBytes = 64 * 1024;
        qint64 maxHeaderBytes = 16 * 1024;
        int maxHeaderLines = 100;
        int maxFiltersPerStream = 64;
        qsizetype maxTopicBytes = MaxTopicBytes; // at most the protocol's 256
        int requestTimeoutMs = 15000; // to send one complete request (or anything at all)
        int keepAliveTimeoutMs = 75000; // idle time between requests before a close
        QStringList corsOrigins; // "*" allows any origin
        // Host names requests may carry besides an address of the listening socket and
        // "localhost" (DNS rebinding); "*" turns the check off.
        QStringList allowedHosts;
        Authenticator auth; // nothing configured: every request is allowed
        std::optional<QSslConfiguration> tls; // HTTPS (with client certificates if it asks)
        int maxConnections = 10000; // open streams in total (0: no limit): 503 beyond
        int maxConnectionsPerIp = 0; // streams from one address (0: no limit): 429 beyond
        int maxStreamsPerClient = 64; // streams of one client id (0: no limit): 429 beyond
        double publishRate = 0; // publishes per second per client (0: no limit): 429 beyond
        double publishBurst = 0; // bucket size; 0: twice the rate
    };

    HttpFront(const Options &options, Hub *hub, Broker *broker, QObject *parent = nullptr);
    ~HttpFront() override;

    // Binds and listens; returns false with a message naming the address and the reason.
    bool listenOn(const QHostAddress &address, quint16 port, int backlog, QString *error);
    quint16 port() const;
    QHostAddress address() const;
    void stopListening();
    bool isListening() const;

    struct Counters
    {
        quint64 requests = 0;
        quint64 published = 0;
        quint64 rejected = 0; // 4xx/5xx answers
        quint64 authFailures = 0; // 401 and 403 answers
        quint64 connectionLimitRejections = 0; // 503/429 for too many streams
        quint64 rateLimitRejections = 0; // 429 for publishing too fast
        quint64 badRequests = 0; // 400 answers
        quint64 bodyTooLarge = 0; // 413 answers
    };
    const Counters &counters() const { return m_counters; }
    // Accepts that failed, or connections refused with 503, for want of file descriptors.
    quint64 acceptFdLimitHits() const { return m_listener ? m_listener->fdLimitHits() : 0; }
    // Accepting is paused until descriptors are freed.
    bool acceptPaused() const { return m_listener && m_listener->isPausedForDescriptors(); }
    const Authenticator &authenticator() const { return m_options.auth; }
    // New limits, CORS origins, allowed hosts and retry hint (SIGHUP): they apply to the next
    // request. TLS and access rules are kept (see setAuthenticator).
    void setLimits(const Options &options);
    // New access rules: they apply to the next request.
    void setAuthenticator(const Authenticator &auth) { m_options.auth = auth; }
    // --auth-hook: asked about the streams, subscriptions and publishes of requests without a
    // token (the authenticator must have Options::hook set). Not owned.
    void setAuthHook(AuthHook *hook) { m_hook = hook; }

    // A GET route answered by the engine (metrics, stats, health): admin routes need the admin
    // role when access control is on; others are public (health checks of load balancers).
    struct Reply
    {
        int status = 200;
        QByteArray contentType;
        QByteArray body;
    };
    // What a route's provider knows of the request.
    struct RouteRequest
    {
        QByteArray query; // percent-encoded
    };
    // large: the answer can reach megabytes (a page of clients, every stream's figures); it is
    // refused with 503 while unread answers are over MaxUnreadLargeAnswerBytes.
    void setRoute(const QByteArray &path, bool admin,
                  std::function<Reply(const RouteRequest &request)> provider, bool large = false)
    {
        m_routes.insert(path, {admin, large, std::move(provider)});
    }
    // The routes of consoles attached over HTTP (docs/API.md, "The console over HTTP"); every
    // one needs the admin role. Unset: 404.
    struct ConsoleHooks
    {
        // GET /console/feed: takes the socket over; false when no more feeds fit (503).
        std::function<bool(QTcpSocket *socket, const QByteArray &lastEventId, const Identity &who)>
            openFeed;
        // POST /console/tail {"feed", "filter"}
        std::function<HubResult<QJsonObject>(const QByteArray &feed, const QByteArray &filter)>
            setTail;
        // GET /streams/<id>
        std::function<HubResult<QJsonObject>(quint64 streamId)> streamDetail;
        // POST /access/reload
        std::function<HubResult<QJsonObject>()> reloadAccess;
    };
    void setConsoleHooks(ConsoleHooks hooks) { m_console = std::move(hooks); }
    // GET /presence: who listens on a filter (the engine's PresenceTracker, and in cluster mode
    // every instance's); done is called once, possibly later. Unset: 404.
    using PresenceSource
        = std::function<void(const TopicFilter &filter, std::function<void(PresenceAnswer)> done)>;
    void setPresenceSource(PresenceSource source) { m_presence = std::move(source); }
    // Where refused requests are logged (auth-failure) and what GET /log exports.
    void setLog(ConnectionLog *log) { m_log = log; }

    // Plain-HTTP connections on the epoll path (FastConnection) and on the QTcpSocket path.
    int fastConnectionCount() const { return int(m_fast.size()); }
    int socketConnectionCount() const { return int(m_conns.size()); }
    // Moves of keep-alive connections to the socket path and back to the epoll path.
    quint64 handOffs() const { return m_handOffs; }
    quint64 handBacks() const { return m_handBacks; }
    // Answer bytes the epoll path's clients have not taken yet, all connections together, and
    // the bound over which a connection holding any of them is not served (64 MiB).
    qint64 unsentFastAnswerBytes() const { return m_fastUnsentBytes; }
    void setMaxUnsentFastAnswerBytes(qint64 bytes) { m_maxFastUnsentBytes = bytes; }

private:
    friend class FastConnection;

    // A connection's HTTP state and what its current request's head decided.
    struct Conn : HttpConnection
    {
        // What the head asked for (decided once, in beginRequest).
        using Route = FrontRoute;
        Route route = Route::None; // of the request whose body is being read
        Identity who; // its identity, from the head
        // The decision about the first request, made on the epoll path before it moved here.
        std::optional<FrontDecision> decided;
        bool askHook = false; // the request's identity is the auth hook's to give
    };

    // The one place both connection paths take the decisions of a head.
    using Decision = FrontDecision;
    Decision decide(const http::RequestHead &head, const QHostAddress &local,
                    const QSslSocket *tls) const;

    // --- The epoll path (frontfast.cpp) ---
    // A new plain-HTTP connection joins the epoll path; false: the QTcpSocket path takes it.
    bool adopt(int fd);
    // Frames and serves what a connection on the epoll path sent (FastConnection calls it).
    void readFast(FastConnection *connection);
    // Serves one complete request of the epoll path; false: it was not served here (the
    // connection moves to the QTcpSocket path with the request still unread).
    bool serveFast(FastConnection *connection, const http::RequestHead &head, qsizetype headBytes,
                   Decision &decision);
    // The connection moves to the QTcpSocket path with what it has read (a request this path
    // does not serve, or one to refuse there): once its answers are all written.
    // `decided`: the decision about the request at the start of what it read, if there is one.
    void handOff(FastConnection *connection, std::optional<Decision> decided = std::nullopt);
    // A connection of the QTcpSocket path with nothing pending moves back to the epoll path.
    void handBack(QTcpSocket *socket);
    void scheduleHandBack(QTcpSocket *socket);
    void fastClosed(FastConnection *connection);
    void sweepFast(qint64 now, const HttpConnection::Timeouts &timeouts);

    // The QTcpSocket path. `in`: bytes already read from a connection that comes from the epoll
    // path (its state moves along).
    Conn *attach(QTcpSocket *socket);
    void readFrom(QTcpSocket *socket);
    // A head is complete: checks what can be checked before the body. Returns false when the
    // request was answered (and the connection is closing if a body was on its way).
    bool beginRequest(QTcpSocket *socket, Conn &conn);
    void dispatch(QTcpSocket *socket, const HttpRequest &request, const Identity &who,
                  Conn::Route route);
    // The auth hook (fronthook.cpp): the connection waits, reading nothing more, until the
    // hook answers; then the request is dispatched with the identity the hook gave, or refused
    // (403 denied, 503 hook unavailable).
    void askHook(QTcpSocket *socket, const HttpRequest &request, Conn::Route route);
    // Answers an error and closes the connection after it, reading no more of what the client
    // sends (it is drained for a moment so that the client reads the answer, not a reset).
    void rejectEarly(QTcpSocket *socket, int status, const QString &message,
                     const QByteArray &extraHeaders = {});
    void sweep();
    bool hostAllowed(const QByteArray &host, const QHostAddress &local) const
    {
        return m_allowedHosts.allows(host, local);
    }
    // A page of another origin (Cors::fromForeignPage).
    bool fromForeignPage(const http::RequestHead &head) const
    {
        return m_cors.fromForeignPage(head);
    }

    struct StreamRequest
    {
        int errorStatus = 400; // the answer when a check finds a problem
        bool authFailure = false; // a 403 of access control (counted and logged)
        QString tokenClientId; // the authenticated client (its stored subscriptions count)
        Hub::StreamSpec spec;
        QByteArray origin; // for the CORS headers of the response
    };
    QString parseStreamRequest(const QByteArray &query, const QByteArray &lastEventIdHeader,
                               StreamRequest *out) const;
    // Every check a stream request passes (the accept-time takeover and the socket path run
    // the same): query, identity and ACL, origin, limits. Empty when it may start.
    QString checkStream(const http::RequestHead &head, const QHostAddress &peer,
                        const Identity &who, StreamRequest *out) const;
    void startStream(int fd, const QHostAddress &peer, quint16 peerPort,
                     const StreamRequest &stream, QTcpSocket *tlsSocket = nullptr);
    // Whether one more stream from this address (and client) fits the limits; otherwise why
    // not, with the status in *status.
    QString checkStreamLimits(const QHostAddress &peer, const QString &clientId, int *status) const;
    // Takes a token from the publisher's bucket; otherwise the seconds until one is there.
    bool takePublishToken(const QString &key, int *retryAfterSeconds)
    {
        return m_publishLimiter.take(key, retryAfterSeconds);
    }
    void serveEvents(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void serveConnections(const HttpRequest &request, QTcpSocket *socket);
    void serveLog(const HttpRequest &request, QTcpSocket *socket);
    // Where and how an answer goes: a value, so that an answer can be sent after the request
    // object is gone (brokers may answer asynchronously).
    struct ReplyTo
    {
        QPointer<QTcpSocket> socket; // the QTcpSocket path
        QPointer<FastConnection> fast; // or the epoll path
        quint64 seq = 0; // the request's number on its connection (0: not ordered)
        bool close = false;
        bool headOnly = false;
        QByteArray origin;

        QHostAddress peerAddress() const;
        QString remote() const; // "address:port" for the log
    };
    // What the hook is asked; false when the request is malformed (its route answers the 400).
    bool hookQuestion(const HttpRequest &request, Conn::Route route, const ReplyTo &to,
                      AuthHook::Question *question) const;
    Identity hookIdentity(const AuthHook::Question &question, const AuthHook::Answer &answer) const;
    // The hot routes, served on either path.
    void servePublish(const HttpRequest &request, const ReplyTo &to, const Identity &who);
    void serveSubscribe(const HttpRequest &request, const ReplyTo &to, const Identity &who);
    void serveUnsubscribe(const HttpRequest &request, const ReplyTo &to, const Identity &who);
    void serveSubscriptions(const HttpRequest &request, QTcpSocket *socket,
                            const QString &encodedId, const Identity &who);
    void serveAck(const HttpRequest &request, const ReplyTo &to, const Identity &who);
    void serveHistory(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void servePresence(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    // GET /history and GET /presence: a filter (syntax already checked) within
    // --max-topic-length that the requester may subscribe to (unless an admin, or `granted`
    // otherwise); false once the 400 or 403 is answered.
    bool readableFilter(const ReplyTo &to, const QByteArray &text, const Identity &who,
                        bool granted, TopicFilter *out);
    // Authentication from the head: fills *who, or returns why not (a 401). remember: a token
    // verified now is kept for later requests (Credentials::remember).
    QString identify(const http::RequestHead &head, const QSslSocket *tls, bool remember,
                     Identity *who, int *status = nullptr) const;
    // Parses a JSON object body (415/400 answered here when it is not one).
    bool jsonBody(const HttpRequest &request, const ReplyTo &to, QJsonObject *out);
    // Parses a "topics" array (or one string) into filters; empty string when valid.
    QString parseFilters(const QJsonValue &value, QList<TopicFilter> *out, bool required) const;
    void serveKick(const HttpRequest &request, QTcpSocket *socket, const QString &id);
    void serveStreamDetail(const HttpRequest &request, QTcpSocket *socket, const QString &id);
    void serveConsoleFeed(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void serveConsoleTail(const HttpRequest &request, QTcpSocket *socket);
    void serveReloadAccess(const HttpRequest &request, QTcpSocket *socket);
    void serveDemo(const HttpRequest &request, QTcpSocket *socket);
    void serveClientScript(const HttpRequest &request, QTcpSocket *socket);
    void servePreflight(const HttpRequest &request, QTcpSocket *socket);

    ReplyTo replyTo(const HttpRequest &request, QTcpSocket *socket) const;
    ReplyTo replyTo(const http::RequestHead &head, FastConnection *connection) const;
    void send(QTcpSocket *socket, const QByteArray &out, bool close);

    QByteArray corsHeaders(const QByteArray &origin) const
    {
        return m_cors.responseHeaders(origin);
    }
    void reply(const ReplyTo &to, int status, const QByteArray &contentType, const QByteArray &body,
               const QByteArray &extraHeaders = {});
    void replyJson(const ReplyTo &to, int status, const QJsonObject &object,
                   const QByteArray &extraHeaders = {});
    void replyError(const ReplyTo &to, int status, const QString &message,
                    const QByteArray &extraHeaders = {});
    // 401/403: counted, logged (auth-failure) and answered.
    void refuse(const ReplyTo &to, int status, const QString &message, const QString &clientId = {},
                const QByteArray &extraHeaders = {});
    void noteAuthFailure(const QString &remote, const QString &clientId, const QString &why);
    // A client's own routes: the client itself or an admin; otherwise why not (a 403).
    QString mayActFor(const Identity &who, const QString &clientId) const;
    static Credentials credentialsOf(const http::RequestHead &head, bool remember);
    bool mayActFor(const ReplyTo &to, const Identity &who, const QString &clientId);
    void publishBody(const QByteArray &contentType, const QByteArray &body, const ReplyTo &to,
                     const Identity &who = {});
    // Takes a token from the publisher's bucket (--publish-rate); otherwise the 429's message,
    // with the seconds until one is there in *retryAfter.
    QString takePublishRate(const ReplyTo &to, const Identity &who, int *retryAfter);
    // A batch body (NDJSON or a JSON array): each event on its own, one answer for all.
    void publishBatch(const QByteArray &contentType, const QByteArray &body, const ReplyTo &to,
                      const Identity &who);
    // Events in one batch at most (a larger one is refused whole, 413: split it).
    static constexpr int MaxBatchEvents = 10000;
    PublishBatchLimits batchLimits() const; // of POST /publish's batches
    void answer(const ReplyTo &to, const HubResult<QJsonObject> &answer);
    // A change of a named client's subscriptions or cursor: refused (503, Retry-After) before
    // anything changes when the store cannot take it now; otherwise made, and answered once it
    // is stored (Hub::whenStored) or with 503 when it could not be.
    void changeStored(const ReplyTo &to, const QString &clientId,
                      const std::function<HubResult<QJsonObject>()> &change);
    void resumeReading(QTcpSocket *socket);
    // CORS, allowed hosts and the publish rate from m_options.
    void applyPolicies();

    Options m_options;
    Hub *m_hub;
    Broker *m_broker;
    ConnectionLog *m_log = nullptr;
    struct Route
    {
        bool admin = true;
        bool large = false;
        std::function<Reply(const RouteRequest &request)> provider;
    };
    // Answers of megabytes (history and clients pages, the log, every stream's figures) while
    // the answers that HTTP clients have not read yet add up to more than this: 503. Each
    // connection stops being read past 1 MiB unread, but one answer can be 2 MiB, and a thousand
    // connections that ask and never read would otherwise pin gigabytes.
    static constexpr qint64 MaxUnreadLargeAnswerBytes = 64 * 1024 * 1024;
    bool roomForLargeAnswer(const ReplyTo &to);
    QHash<QByteArray, Route> m_routes;
    ConsoleHooks m_console;
    PresenceSource m_presence;
    Cors m_cors;
    AllowedHosts m_allowedHosts;
    RateLimiter m_publishLimiter; // per client (or address), idle buckets pruned
    StreamListener *m_listener = nullptr;
    QHash<QTcpSocket *, Conn> m_conns;
    QPointer<AuthHook> m_hook;
    QSet<FastConnection *> m_fast;
    // Answer bytes the epoll path's clients have not taken, all connections together. Over
    // m_maxFastUnsentBytes a connection that has any of them is not served until it reads
    // them: what clients that never read can pin stays bounded.
    qint64 m_fastUnsentBytes = 0;
    quint64 m_handOffs = 0;
    quint64 m_handBacks = 0;
    qint64 m_maxFastUnsentBytes = 64 * 1024 * 1024;
    QTimer m_sweep;
    Counters m_counters;
};

} // namespace ssehub
