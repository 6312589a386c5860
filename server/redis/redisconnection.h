#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSocketNotifier>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

struct redisAsyncContext;
struct redisReply;

namespace ssehub {

// A Redis reply as a value (hiredis frees its own after the callback returns).
struct RedisReply
{
    enum class Type { Nil, String, Status, Error, Integer, Array };

    Type type = Type::Nil;
    QByteArray string; // String, Status and Error
    qint64 integer = 0;
    QList<RedisReply> elements;

    bool isError() const { return type == Type::Error; }
    static RedisReply fromHiredis(const redisReply *reply);
    static RedisReply error(const QByteArray &message);
};

// One hiredis asynchronous connection driven by the Qt event loop of the thread it lives on:
// read and write QSocketNotifiers toggled through hiredis's hooks, a periodic QTimer for what
// hiredis 0.14 lacks (connect and command timeouts, checked against Clock::monotonicMs() on each
// tick so that a test can move time past them), and reconnection with capped exponential backoff.
// A connection counts as ready only after Redis answered a PING on it (a frozen redis-server
// still accepts TCP connections: the kernel completes the handshake), and a connection with
// keepAliveMs sends a PING whenever it was idle that long, so that a server that stops
// answering is noticed within keepAliveMs + commandTimeoutMs even when nothing else is sent.
//
// Lifetime rules hiredis imposes, and how they are kept:
// - hiredis frees the context itself after a failed connect or a lost connection (after the
//   callbacks return); the cleanup hook is where this object lets go of it, and nothing touches
//   it afterwards.
// - The cleanup hook may run inside a notifier's own signal: notifiers are deleteLater()'d.
// - Destroying this object first frees the context (redisAsyncFree); pending callbacks then get
//   no reply and are dropped without calling back into a half-destroyed owner.
// All calls happen on the thread this object lives on.
class RedisConnection : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, Ready };

    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 6379;
        QByteArray password;
        int database = 0;
        int connectTimeoutMs = 2000;
        int commandTimeoutMs = 5000;
        int backoffInitialMs = 100;
        int backoffMaxMs = 5000;
        // A PING after this long without a command (0: none). Not for a connection that
        // subscribes (hiredis 0.14 cannot match a PING's answer in subscribed mode).
        int keepAliveMs = 0;
        // Redis Sentinel: before every connection the sentinels are asked in turn where the
        // primary named sentinelMaster is (host and port above are then what they said), and
        // only a server whose ROLE is master is accepted; a READONLY answer (the primary was
        // demoted) ends the connection, and the next one asks the sentinels again.
        QList<QPair<QString, quint16>> sentinels;
        QByteArray sentinelMaster;
        QByteArray sentinelPassword;
        // Sharded pub/sub (Redis Cluster): this connection only SSUBSCRIBEs (ssubscribe()). Once
        // ready it reads what Redis pushes itself instead of through hiredis's callbacks (hiredis
        // 0.14 knows no sharded pub/sub), and takes no other command.
        bool sharded = false;
        // Log the connection made (info) and lost (warning); off for the connections to
        // sentinels, whose failures are told by the connection that asked.
        bool warnOnLoss = true;
    };

    using Callback = std::function<void(const RedisReply &)>;
    using MessageHandler
        = std::function<void(const QByteArray &channel, const QByteArray &message)>;

    explicit RedisConnection(const Options &options, QObject *parent = nullptr);
    ~RedisConnection() override;

    // Connects now and keeps reconnecting until destroyed.
    void start();
    // Connects to host:port from now on (a Redis Cluster's slot moved, or its primary changed),
    // dropping the connection to the old address with `reason`.
    void moveTo(const QString &host, quint16 port, const QString &reason);
    // Sentinel: drops the connection and asks the sentinels again (a failover was announced).
    void reconnectNow(const QString &reason);
    // Sentinel: connected or connecting to host:port, as the sentinels said.
    bool isAt(const QString &host, quint16 port) const
    {
        return m_resolved && m_options.host == host && m_options.port == port;
    }
    // "HOST:PORT" ("[v6]:PORT" too) as a host and a port from 1 to 65535; nullopt otherwise.
    static std::optional<QPair<QString, quint16>> hostPort(const QByteArray &text);
    // One question to the sentinel options.sentinels[index]: where the primary
    // options.sentinelMaster is. done gets a checked host and port, or an empty host and why
    // not, once (possibly after the probe returned here is deleted by the caller: delete it
    // only with deleteLater).
    using SentinelAnswer
        = std::function<void(const QString &host, quint16 port, const QString &why)>;
    static RedisConnection *askOneSentinel(const Options &options, int index, QObject *parent,
                                           SentinelAnswer done);
    // Sentinel mode for *out from HOST:PORT texts and the primary's name (none: unchanged);
    // false with *error when one is not HOST:PORT or the name is missing.
    static bool useSentinels(const QList<QByteArray> &sentinels, const QByteArray &master,
                             Options *out, QString *error);

    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    int reconnects() const { return m_reconnects; }
    QString address() const;

    // Sends a command; the callback gets the reply, or an error reply if the connection is lost
    // or the command times out. Returns false (and never calls back) when not ready.
    bool command(const QList<QByteArray> &argv, Callback callback);

    // SUBSCRIBE (or PSUBSCRIBE for a glob pattern) on this connection, which then can run no
    // other commands: the handler gets every message with the channel it came on.
    // Subscriptions are renewed by themselves after a reconnect.
    void subscribe(const QByteArray &channel, MessageHandler handler);
    void unsubscribe(const QByteArray &channel);
    void psubscribe(const QByteArray &pattern, MessageHandler handler);
    void punsubscribe(const QByteArray &pattern);
    QList<QByteArray> channels() const { return m_channels.keys(); }
    QList<QByteArray> patterns() const { return m_patterns.keys(); }
    // Sharded connections: SSUBSCRIBE on this node (renewed after a reconnect, like
    // subscribe()); shardedDropped() tells when Redis refused it or ended it.
    void ssubscribe(const QByteArray &channel, MessageHandler handler);
    void sunsubscribe(const QByteArray &channel);
    QList<QByteArray> shardChannels() const { return m_shardChannels.keys(); }
    // True once Redis confirmed every subscription sent since the connection became ready.
    bool subscriptionsConfirmed() const { return m_state == State::Ready && m_unconfirmed == 0; }

Q_SIGNALS:
    void ready();
    // After ready(): every (re)subscription is in effect; messages published from now on arrive.
    void allSubscribed();
    // The connection was lost or could not be made; reconnection is already scheduled.
    void disconnected(const QString &error);
    // A sharded subscription is gone: refused (MOVED: its slot is served elsewhere) or ended by
    // Redis (its slot moved away, or the node became a replica). It was removed.
    void shardedDropped(const QByteArray &channel, const QByteArray &why);

private:
    struct Pending;
    static void onConnect(const redisAsyncContext *ac, int status);
    static void onDisconnect(const redisAsyncContext *ac, int status);
    static void onReply(redisAsyncContext *ac, void *reply, void *privdata);
    static void onMessage(redisAsyncContext *ac, void *reply, void *privdata);
    static void hookAddRead(void *data);
    static void hookDelRead(void *data);
    static void hookAddWrite(void *data);
    static void hookDelWrite(void *data);
    static void hookCleanup(void *data);

    void connectNow();
    void setInterest(QSocketNotifier::Type type, bool enabled);
    bool send(const QList<QByteArray> &argv, Callback callback);
    void lost(const QString &error);
    void scheduleReconnect();
    void checkTimeouts();
    void forceDisconnect(const QString &reason);
    void sendSubscribe(const QByteArray &name, bool pattern);
    void sendUnsubscribe(const QByteArray &name, bool pattern);
    void confirmed();
    void authenticated();
    void becomeReady();
    // Sharded pub/sub (redisconnectionsharded.cpp).
    void readPushed();
    void pushed(const RedisReply &reply);
    void sendSharded(const QByteArray &command, const QByteArray &channel);
    // Sentinel (redisconnectionsentinel.cpp).
    void askSentinel(int index, const QString &errors);
    void checkRole();

    Options m_options;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    State m_state = State::Disconnected;
    QString m_lastError;
    QString m_forcedReason;
    int m_reconnects = 0;
    int m_backoffMs = 0;
    bool m_destroying = false;
    bool m_everReady = false;
    qint64 m_connectStartedMs = 0;
    qint64 m_lastSentMs = 0;
    qint64 m_unconfirmedSinceMs = 0; // when the oldest unconfirmed (P)SUBSCRIBE went out
    std::deque<qint64> m_pendingSince; // start times of unanswered commands, oldest first
    QHash<QByteArray, std::shared_ptr<MessageHandler>> m_channels;
    QHash<QByteArray, std::shared_ptr<MessageHandler>> m_patterns;
    int m_unconfirmed = 0; // subscribe commands sent and not yet confirmed
    QTimer m_reconnectTimer;
    QTimer m_watchdog;
    bool m_resolved = false; // sentinel mode: the address above is the sentinels' answer
    bool m_moving = false; // sentinel mode: reconnectNow() ends this connection
    int m_sentinelFirst = 0; // sentinel mode: the one asked first (it answered last)
    QHash<QByteArray, std::shared_ptr<MessageHandler>> m_shardChannels;
    bool m_pushMode = false; // sharded and ready: replies are read by readPushed()
    struct ShardRequest
    {
        QByteArray channel;
        bool subscribe = true;
    };
    std::deque<ShardRequest> m_shardSent; // (S|SUN)SUBSCRIBE sent, not answered yet
    RedisConnection *m_sentinelProbe = nullptr; // the question to a sentinel in flight
};

} // namespace ssehub
