#pragma once

#include "auth/auth.h"
#include "broker/broker.h"
#include "http/httpparser.h"
#include "hub/hub.h"
#include "proto/topicfilter.h"

#include <QHash>
#include <QHostAddress>
#include <QMap>
#include <QPointer>
#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QStringList>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace ssehub {

class Broker;
class Hub;
class ConnectionLog;

// Accepts connections with a deep listen backlog and lets the front see every socket first.
// It accepts them itself rather than through Qt's loop, which retries a failed accept at once
// for as long as the process is out of descriptors (a core at 100%, nothing logged).
class StreamListener : public QTcpServer
{
    Q_OBJECT

public:
    explicit StreamListener(QObject *parent = nullptr);
    ~StreamListener() override;
    // Takes accepting over from Qt; call after listen().
    void startAccepting();
    // Stops accepting and closes the listening socket.
    void stop();
    // Descriptors were freed (a connection closed): accepting resumes now, not at the next retry.
    void descriptorsFreed();
    // Accepts that failed, or connections refused, for want of descriptors.
    quint64 fdLimitHits() const { return m_fdLimitHits; }
    bool isPausedForDescriptors() const { return m_paused; }
    // Offered every accepted descriptor first; returns true when it took it over.
    std::function<bool(int)> takeOver;
    // Called with the QTcpSocket made for every other connection.
    std::function<void(QTcpSocket *)> onAccepted;
    // HTTPS: every connection is a QSslSocket with this configuration (and nothing is taken
    // over, as the bytes are encrypted).
    std::optional<QSslConfiguration> tls;
    // A TLS handshake failed (no, foreign or expired client certificate, ...).
    std::function<void(const QString &)> onHandshakeFailed;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void acceptPending();
    // Out of descriptors: accepting pauses (what waits stays in the backlog) and is retried.
    void pauseForDescriptors(const QString &why);

    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_retry;
    quint64 m_fdLimitHits = 0;
    bool m_paused = false;
    qint64 m_pausedSinceMs = 0;
    qint64 m_lastWarningMs = 0; // 0: none yet
    bool m_warnedThisPause = false;
};

// Parses and validates a POST /publish body (Content-Type, size, JSON, topic, type, payload).
// Returns an empty string with *out filled, or the error with the HTTP status in *status.
QString parsePublishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                         qint64 maxBodyBytes, PublishRequest *out, int *status);

// One request as the front's single parser (httpparser.h) framed it, with its whole body.
class HttpRequest
{
public:
    enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

    HttpRequest() = default;
    explicit HttpRequest(http::RequestHead head);

    const http::RequestHead &head() const { return m_head; }
    Method method() const { return m_method; }
    // The path as sent (percent-encoded); routes compare it literally.
    QString path() const { return QString::fromLatin1(m_head.path); }
    const QByteArray &query() const { return m_head.query; } // percent-encoded
    // A header's first value (name in lower case), or a null array.
    QByteArray value(QByteArrayView lowerName) const { return m_head.value(lowerName); }
    const QByteArray &body() const { return m_body; }
    QByteArray *mutableBody() { return &m_body; }

private:
    http::RequestHead m_head;
    Method m_method = Method::Other;
    QByteArray m_body;
};

// The HTTP side of the engine: its own HTTP/1.1 server. Every byte a client sends is framed by
// one strict parser (httpparser.h) before anything acts on it; credentials, routes and limits
// are checked from the head, before a body is read; GET /events sockets are taken over as event
// streams.
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
    void setRoute(const QByteArray &path, bool admin,
                  std::function<Reply(const RouteRequest &request)> provider)
    {
        m_routes.insert(path, {admin, std::move(provider)});
    }
    // Where refused requests are logged (auth-failure) and what GET /log exports.
    void setLog(ConnectionLog *log) { m_log = log; }

private:
    // One client connection while it speaks HTTP (a stream leaves this table).
    struct Conn
    {
        enum class Phase { Head, Body, Closing };
        // What the head asked for (decided once, in beginRequest).
        enum class Route {
            None,
            Preflight,
            Events,
            Publish,
            Subscribe,
            Unsubscribe,
            Ack,
            Subscriptions,
            Connections,
            Kick,
            Log,
            Engine,
            Demo,
        };
        Phase phase = Phase::Head;
        QByteArray in; // received and not parsed yet (bounded by the head limit)
        HttpRequest request; // the request whose body is being read
        Route route = Route::None; // its route
        Identity who; // its identity, from the head
        http::ChunkedDecoder chunked;
        qint64 acceptedMs = 0;
        qint64 requestStartMs = 0; // 0: between requests
        qint64 lastActivityMs = 0;
        qint64 writeSinceMs = 0; // when answer bytes last left Qt's buffer (or were queued)
        qint64 closeAtMs = 0; // Closing: when the connection is cut at the latest
        qint64 drainBudget = 256 * 1024; // bytes still read (and dropped) after the last request
        bool served = false; // at least one request came
        bool lastRequest = false; // the client asked to close: what follows is not read
        bool readingPaused = false; // too many answers pending: reading resumes after them
        // Answers leave in request order even when one is produced later (cluster mode
        // publishes wait for Redis): requests are numbered, early answers wait.
        quint64 issued = 0; // number of the latest request
        quint64 sent = 0; // answers written
        QMap<quint64, QPair<QByteArray, bool>> held; // answer bytes and close, by number
    };

    void attach(QTcpSocket *socket);
    void readFrom(QTcpSocket *socket);
    // A head is complete: checks what can be checked before the body. Returns false when the
    // request was answered (and the connection is closing if a body was on its way).
    bool beginRequest(QTcpSocket *socket, Conn &conn);
    void dispatch(QTcpSocket *socket, const HttpRequest &request, const Identity &who,
                  Conn::Route route);
    // Answers an error and closes the connection after it, reading no more of what the client
    // sends (it is drained for a moment so that the client reads the answer, not a reset).
    void rejectEarly(QTcpSocket *socket, int status, const QString &message,
                     const QByteArray &extraHeaders = {});
    void sweep();
    bool hostAllowed(const QByteArray &host, const QHostAddress &local) const;
    // Whether a request from this Origin may change state: the hub's own origin, or an allowed
    // CORS origin (no Origin: not a browser's cross-site request).
    bool originAllowed(const QByteArray &origin, const QByteArray &host) const;
    // Whether a browser sent this request for a page of another origin: an Origin that is not
    // allowed, or (requests browsers send without Origin: images, no-cors fetches, navigation)
    // Sec-Fetch-Site other than same-origin or none.
    bool fromForeignPage(const http::RequestHead &head) const;

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
    bool takePublishToken(const QString &key, int *retryAfterSeconds);
    bool tryAcceptStream(int fd);
    void serveEvents(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void servePublish(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void serveConnections(const HttpRequest &request, QTcpSocket *socket);
    void serveLog(const HttpRequest &request, QTcpSocket *socket);
    void serveSubscribe(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void serveUnsubscribe(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    void serveSubscriptions(const HttpRequest &request, QTcpSocket *socket,
                            const QString &encodedId, const Identity &who);
    void serveAck(const HttpRequest &request, QTcpSocket *socket, const Identity &who);
    // Authentication from the head: fills *who, or returns why not (a 401).
    QString identify(const http::RequestHead &head, QTcpSocket *socket, Identity *who) const;
    // Parses a JSON object body (415/400 answered here when it is not one).
    bool jsonBody(const HttpRequest &request, QTcpSocket *socket, QJsonObject *out);
    // Parses a "topics" array (or one string) into filters; empty string when valid.
    QString parseFilters(const QJsonValue &value, QList<TopicFilter> *out, bool required) const;
    void serveKick(const HttpRequest &request, QTcpSocket *socket, const QString &id);
    void serveDemo(const HttpRequest &request, QTcpSocket *socket);
    void servePreflight(const HttpRequest &request, QTcpSocket *socket);

    // Where and how an answer goes: a value, so that an answer can be sent after the request
    // object is gone (brokers may answer asynchronously).
    struct ReplyTo
    {
        QPointer<QTcpSocket> socket;
        quint64 seq = 0; // the request's number on its connection (0: not ordered)
        bool close = false;
        bool headOnly = false;
        QByteArray origin;
    };
    ReplyTo replyTo(const HttpRequest &request, QTcpSocket *socket) const;
    void send(QTcpSocket *socket, const QByteArray &out, bool close);

    QByteArray corsHeaders(const QByteArray &origin) const;
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
    bool mayActFor(const ReplyTo &to, const Identity &who, const QString &clientId);
    void publishBody(const QByteArray &contentType, const QByteArray &body, const ReplyTo &to,
                     const Identity &who = {});
    void answer(const ReplyTo &to, const HubResult<QJsonObject> &answer);
    // A change of a named client's subscriptions or cursor: refused (503, Retry-After) before
    // anything changes when the store cannot take it now; otherwise made, and answered once it
    // is stored (Hub::whenStored) or with 503 when it could not be.
    void changeStored(const ReplyTo &to, const QString &clientId,
                      const std::function<HubResult<QJsonObject>()> &change);
    void resumeReading(QTcpSocket *socket);

    Options m_options;
    Hub *m_hub;
    Broker *m_broker;
    ConnectionLog *m_log = nullptr;
    struct Route
    {
        bool admin = true;
        std::function<Reply(const RouteRequest &request)> provider;
    };
    QHash<QByteArray, Route> m_routes;
    struct Bucket
    {
        double tokens = 0;
        qint64 lastMs = 0;
    };
    QHash<QString, Bucket> m_buckets; // publish rate per client (or address), idle ones pruned
    StreamListener *m_listener = nullptr;
    QHash<QTcpSocket *, Conn> m_conns;
    QTimer m_sweep;
    Counters m_counters;
};

} // namespace ssehub
