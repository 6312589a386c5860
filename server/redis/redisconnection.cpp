#include "redis/redisconnection.h"

#include "core/clock.h"
#include "core/logcategories.h"

#include <QSocketNotifier>

#include <cstring>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace ssehub {

namespace {

RedisConnection *ownerOf(const redisAsyncContext *ac)
{
    return static_cast<RedisConnection *>(ac->data);
}

} // namespace

// A command's callback, owned by hiredis's callback list until the reply (or its absence).
struct RedisConnection::Pending
{
    Callback callback;
};

RedisReply RedisReply::fromHiredis(const redisReply *reply)
{
    RedisReply r;
    if (!reply)
        return error("no reply");
    switch (reply->type) {
    case REDIS_REPLY_STRING:
        r.type = Type::String;
        r.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_STATUS:
        r.type = Type::Status;
        r.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ERROR:
        r.type = Type::Error;
        r.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_INTEGER:
        r.type = Type::Integer;
        r.integer = reply->integer;
        break;
    case REDIS_REPLY_ARRAY:
        r.type = Type::Array;
        for (size_t i = 0; i < reply->elements; ++i)
            r.elements.append(fromHiredis(reply->element[i]));
        break;
    default:
        r.type = Type::Nil;
    }
    return r;
}

RedisReply RedisReply::error(const QByteArray &message)
{
    RedisReply r;
    r.type = Type::Error;
    r.string = message;
    return r;
}

RedisConnection::RedisConnection(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, [this] {
        ++m_reconnects;
        connectNow();
    });
    m_watchdog.setInterval(
        qBound(10, qMin(options.connectTimeoutMs, options.commandTimeoutMs) / 4, 250));
    connect(&m_watchdog, &QTimer::timeout, this, &RedisConnection::checkTimeouts);
}

RedisConnection::~RedisConnection()
{
    m_destroying = true;
    delete m_sentinelProbe;
    m_reconnectTimer.stop();
    m_watchdog.stop();
    if (m_context) {
        // Pending callbacks are dropped (see onReply); the cleanup hook lets go of the context.
        redisAsyncFree(m_context);
    }
}

QString RedisConnection::address() const
{
    if (!m_options.sentinels.isEmpty() && !m_resolved)
        return QStringLiteral("the primary '%1' (asked of %2 sentinels)")
            .arg(QString::fromUtf8(m_options.sentinelMaster))
            .arg(m_options.sentinels.size());
    return m_options.host + QLatin1Char(':') + QString::number(m_options.port);
}

void RedisConnection::start()
{
    m_watchdog.start();
    if (!m_context && !m_reconnectTimer.isActive())
        connectNow();
}

void RedisConnection::connectNow()
{
    m_state = State::Connecting;
    m_connectStartedMs = Clock::monotonicMs();
    if (!m_options.sentinels.isEmpty() && !m_resolved) {
        askSentinel(0, {});
        return;
    }
    redisAsyncContext *ac = redisAsyncConnect(m_options.host.toUtf8().constData(), m_options.port);
    if (!ac) {
        lost(QStringLiteral("cannot allocate a connection"));
        return;
    }
    if (ac->err) {
        const QString error = QString::fromUtf8(ac->errstr);
        redisAsyncFree(ac);
        lost(error);
        return;
    }
    m_context = ac;
    ac->data = this;
    // The hooks first: setting the connect callback already asks for a write event.
    ac->ev.data = this;
    ac->ev.addRead = hookAddRead;
    ac->ev.delRead = hookDelRead;
    ac->ev.addWrite = hookAddWrite;
    ac->ev.delWrite = hookDelWrite;
    ac->ev.cleanup = hookCleanup;
    redisAsyncSetConnectCallback(ac, onConnect);
    redisAsyncSetDisconnectCallback(ac, onDisconnect);
}

// --- hiredis hooks: notifiers on the context's descriptor --------------------------------------

void RedisConnection::setInterest(QSocketNotifier::Type type, bool enabled)
{
    QSocketNotifier *&notifier = type == QSocketNotifier::Read ? m_read : m_write;
    if (!notifier && enabled && m_context) {
        notifier = new QSocketNotifier(m_context->c.fd, type, this);
        connect(notifier, &QSocketNotifier::activated, this, [this, type] {
            if (!m_context)
                return;
            // Either call may free the context (cleanup hook); nothing touches it afterwards.
            if (type == QSocketNotifier::Read && m_pushMode)
                readPushed();
            else if (type == QSocketNotifier::Read)
                redisAsyncHandleRead(m_context);
            else
                redisAsyncHandleWrite(m_context);
        });
    }
    if (notifier)
        notifier->setEnabled(enabled);
}

void RedisConnection::hookAddRead(void *data)
{
    static_cast<RedisConnection *>(data)->setInterest(QSocketNotifier::Read, true);
}

void RedisConnection::hookDelRead(void *data)
{
    static_cast<RedisConnection *>(data)->setInterest(QSocketNotifier::Read, false);
}

void RedisConnection::hookAddWrite(void *data)
{
    static_cast<RedisConnection *>(data)->setInterest(QSocketNotifier::Write, true);
}

void RedisConnection::hookDelWrite(void *data)
{
    static_cast<RedisConnection *>(data)->setInterest(QSocketNotifier::Write, false);
}

void RedisConnection::hookCleanup(void *data)
{
    // hiredis is freeing the context: let go of it. This may run inside a notifier's signal.
    auto *self = static_cast<RedisConnection *>(data);
    for (QSocketNotifier **notifier : {&self->m_read, &self->m_write}) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater();
            *notifier = nullptr;
        }
    }
    self->m_context = nullptr;
}

// --- hiredis callbacks -------------------------------------------------------------------------

void RedisConnection::onConnect(const redisAsyncContext *ac, int status)
{
    RedisConnection *self = ownerOf(ac);
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns (cleanup hook).
        self->lost(QString::fromUtf8(ac->errstr));
        return;
    }
    // AUTH and SELECT go out before the connection counts as ready.
    auto select = [self] {
        if (self->m_options.database == 0) {
            self->authenticated();
            return;
        }
        self->send({QByteArrayLiteral("SELECT"), QByteArray::number(self->m_options.database)},
                   [self](const RedisReply &reply) {
                       if (reply.isError())
                           self->forceDisconnect(QStringLiteral("SELECT %1 failed: %2")
                                                     .arg(self->m_options.database)
                                                     .arg(QString::fromUtf8(reply.string)));
                       else
                           self->authenticated();
                   });
    };
    if (self->m_options.password.isEmpty()) {
        select();
        return;
    }
    self->send({QByteArrayLiteral("AUTH"), self->m_options.password},
               [self, select](const RedisReply &reply) {
                   if (reply.isError())
                       self->forceDisconnect(QStringLiteral("authentication failed: %1")
                                                 .arg(QString::fromUtf8(reply.string)));
                   else
                       select();
               });
}

void RedisConnection::authenticated()
{
    // Ready only after a real round trip: a frozen server's kernel still completes the TCP
    // handshake, and a server loading its dataset answers LOADING. The connect timeout covers
    // the wait for this answer too.
    send({QByteArrayLiteral("PING")}, [this](const RedisReply &reply) {
        if (m_state != State::Connecting)
            return;
        if (reply.isError() || reply.string != "PONG")
            forceDisconnect(QStringLiteral("PING answered with %1")
                                .arg(QString::fromUtf8(reply.string.left(200))));
        else if (!m_options.sentinels.isEmpty())
            checkRole();
        else
            becomeReady();
    });
}

void RedisConnection::becomeReady()
{
    m_state = State::Ready;
    m_backoffMs = 0;
    m_lastError.clear();
    m_everReady = true;
    if (m_options.warnOnLoss)
        qCInfo(lcRedis).noquote() << "connected to Redis at" << address();
    else
        qCDebug(lcRedis).noquote() << "connected to" << address();
    m_unconfirmed = 0;
    m_shardSent.clear();
    m_pushMode = m_options.sharded;
    for (auto it = m_shardChannels.cbegin(); it != m_shardChannels.cend(); ++it)
        sendSharded(QByteArrayLiteral("SSUBSCRIBE"), it.key());
    for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it)
        sendSubscribe(it.key(), false);
    for (auto it = m_patterns.cbegin(); it != m_patterns.cend(); ++it)
        sendSubscribe(it.key(), true);
    Q_EMIT ready();
    if (m_state == State::Ready && m_unconfirmed == 0)
        Q_EMIT allSubscribed();
}

void RedisConnection::onDisconnect(const redisAsyncContext *ac, int status)
{
    RedisConnection *self = ownerOf(ac);
    QString reason = self->m_forcedReason;
    if (reason.isEmpty())
        reason
            = status == REDIS_OK ? QStringLiteral("disconnected") : QString::fromUtf8(ac->errstr);
    self->lost(reason);
}

void RedisConnection::onReply(redisAsyncContext *ac, void *reply, void *privdata)
{
    std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
    RedisConnection *self = ownerOf(ac);
    if (self->m_destroying)
        return; // the owner is going away: nobody to tell
    if (!self->m_pendingSince.empty())
        self->m_pendingSince.pop_front();
    const RedisReply r = reply
        ? RedisReply::fromHiredis(static_cast<redisReply *>(reply))
        : RedisReply::error("connection to Redis lost before the reply: "
                            + (self->m_forcedReason.isEmpty() ? QByteArray(ac->errstr)
                                                              : self->m_forcedReason.toUtf8()));
    if (r.isError() && r.string.startsWith("READONLY") && !self->m_options.sentinels.isEmpty())
        self->forceDisconnect(QStringLiteral("%1 is no longer the primary (READONLY); asking the "
                                             "sentinels again")
                                  .arg(self->address()));
    pending->callback(r);
}

void RedisConnection::onMessage(redisAsyncContext *ac, void *reply, void *privdata)
{
    Q_UNUSED(privdata);
    RedisConnection *self = ownerOf(ac);
    if (!reply || self->m_destroying)
        return;
    const auto *r = static_cast<redisReply *>(reply);
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 3)
        return;
    auto text = [r](size_t i) {
        const redisReply *e = r->element[i];
        return e->type == REDIS_REPLY_STRING ? QByteArray(e->str, qsizetype(e->len)) : QByteArray();
    };
    const QByteArray kind = text(0);
    // Handlers are looked up, not taken from privdata: an unsubscribed channel has none.
    if (kind == "message" && r->elements == 3) {
        const QByteArray channel = text(1);
        const auto it = self->m_channels.constFind(channel);
        if (it != self->m_channels.cend()) {
            const std::shared_ptr<MessageHandler> handler = it.value(); // may unsubscribe
            (*handler)(channel, text(2));
        }
    } else if (kind == "pmessage" && r->elements == 4) {
        const auto it = self->m_patterns.constFind(text(1));
        if (it != self->m_patterns.cend()) {
            const std::shared_ptr<MessageHandler> handler = it.value();
            (*handler)(text(2), text(3));
        }
    } else if (kind == "subscribe" || kind == "psubscribe") {
        self->confirmed();
    }
}

void RedisConnection::confirmed()
{
    if (m_unconfirmed > 0 && --m_unconfirmed > 0)
        m_unconfirmedSinceMs = Clock::monotonicMs(); // progress: the next one gets its own time
    else if (m_unconfirmed == 0 && m_state == State::Ready)
        Q_EMIT allSubscribed();
}

// --- Commands ----------------------------------------------------------------------------------

bool RedisConnection::command(const QList<QByteArray> &argv, Callback callback)
{
    if (m_state != State::Ready || m_options.sharded)
        return false;
    return send(argv, std::move(callback));
}

bool RedisConnection::send(const QList<QByteArray> &argv, Callback callback)
{
    if (!m_context)
        return false;
    std::vector<const char *> args;
    std::vector<size_t> lengths;
    args.reserve(size_t(argv.size()));
    lengths.reserve(size_t(argv.size()));
    for (const QByteArray &a : argv) {
        args.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    auto pending = std::make_unique<Pending>();
    pending->callback = std::move(callback);
    if (redisAsyncCommandArgv(m_context, onReply, pending.get(), int(args.size()), args.data(),
                              lengths.data())
        != REDIS_OK)
        return false;
    pending.release(); // hiredis owns it until onReply
    m_lastSentMs = Clock::monotonicMs();
    m_pendingSince.push_back(m_lastSentMs);
    return true;
}

void RedisConnection::subscribe(const QByteArray &channel, MessageHandler handler)
{
    const bool isNew = !m_channels.contains(channel);
    m_channels.insert(channel, std::make_shared<MessageHandler>(std::move(handler)));
    if (isNew && m_state == State::Ready)
        sendSubscribe(channel, false);
}

void RedisConnection::unsubscribe(const QByteArray &channel)
{
    if (m_channels.remove(channel) && m_state == State::Ready)
        sendUnsubscribe(channel, false);
}

void RedisConnection::psubscribe(const QByteArray &pattern, MessageHandler handler)
{
    const bool isNew = !m_patterns.contains(pattern);
    m_patterns.insert(pattern, std::make_shared<MessageHandler>(std::move(handler)));
    if (isNew && m_state == State::Ready)
        sendSubscribe(pattern, true);
}

void RedisConnection::punsubscribe(const QByteArray &pattern)
{
    if (m_patterns.remove(pattern) && m_state == State::Ready)
        sendUnsubscribe(pattern, true);
}

void RedisConnection::sendSubscribe(const QByteArray &name, bool pattern)
{
    if (!m_context)
        return;
    const char *command = pattern ? "PSUBSCRIBE" : "SUBSCRIBE";
    const char *args[] = {command, name.constData()};
    const size_t lengths[] = {strlen(command), size_t(name.size())};
    if (redisAsyncCommandArgv(m_context, onMessage, nullptr, 2, args, lengths) == REDIS_OK
        && m_unconfirmed++ == 0)
        m_unconfirmedSinceMs = Clock::monotonicMs();
}

void RedisConnection::sendUnsubscribe(const QByteArray &name, bool pattern)
{
    if (!m_context)
        return;
    const char *command = pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE";
    const char *args[] = {command, name.constData()};
    const size_t lengths[] = {strlen(command), size_t(name.size())};
    redisAsyncCommandArgv(m_context, onMessage, nullptr, 2, args, lengths);
}

// --- Loss, timeouts, reconnection --------------------------------------------------------------

void RedisConnection::lost(const QString &error)
{
    if (m_destroying)
        return;
    const bool wasReady = m_state == State::Ready;
    const QString where = address(); // before the sentinels' answer is forgotten
    m_state = State::Disconnected;
    m_resolved = false; // sentinel mode: asked again before the next connection
    m_lastError = error;
    m_forcedReason.clear();
    m_pendingSince.clear();
    m_unconfirmed = 0;
    m_pushMode = false;
    m_shardSent.clear();
    if (std::exchange(m_moving, false)) {
        // Not a fault: the sentinels named another primary. Asked again at once.
        if (m_options.warnOnLoss)
            qCInfo(lcRedis).noquote() << "leaving Redis at" << where << "-" << error;
        m_backoffMs = 0;
    } else if (m_options.warnOnLoss && (wasReady || !m_everReady || m_reconnects == 0))
        qCWarning(lcRedis).noquote() << "Redis at" << where << "is unavailable:" << error
                                     << "- retrying with backoff; check that redis-server runs "
                                        "and the URL is right";
    Q_EMIT disconnected(error);
    scheduleReconnect();
}

void RedisConnection::scheduleReconnect()
{
    if (m_destroying || m_reconnectTimer.isActive())
        return;
    m_backoffMs
        = m_backoffMs ? qMin(m_backoffMs * 2, m_options.backoffMaxMs) : m_options.backoffInitialMs;
    m_reconnectTimer.start(m_backoffMs);
}

void RedisConnection::checkTimeouts()
{
    const qint64 now = Clock::monotonicMs();
    if (m_state == State::Connecting && m_context
        && now - m_connectStartedMs > m_options.connectTimeoutMs) {
        forceDisconnect(
            QStringLiteral("connect timed out after %1 ms").arg(m_options.connectTimeoutMs));
    } else if (m_state == State::Ready && !m_pendingSince.empty()
               && now - m_pendingSince.front() > m_options.commandTimeoutMs) {
        forceDisconnect(QStringLiteral("no reply within %1 ms").arg(m_options.commandTimeoutMs));
    } else if (m_state == State::Ready && m_unconfirmed > 0
               && now - m_unconfirmedSinceMs > m_options.commandTimeoutMs) {
        forceDisconnect(QStringLiteral("subscriptions not confirmed within %1 ms")
                            .arg(m_options.commandTimeoutMs));
    } else if (m_state == State::Ready && m_options.keepAliveMs > 0 && m_pendingSince.empty()
               && now - m_lastSentMs >= m_options.keepAliveMs) {
        // Idle: a round trip shows the server still answers (no reply: the check above).
        send({QByteArrayLiteral("PING")}, [](const RedisReply &) {});
    }
}

void RedisConnection::forceDisconnect(const QString &reason)
{
    if (!m_context)
        return;
    // hiredis reports the loss through onDisconnect only for a connection that was established;
    // inside one of its callbacks, the free (and that report) happens after the callback returns.
    const bool established = m_context->c.flags & REDIS_CONNECTED;
    m_forcedReason = reason;
    redisAsyncFree(m_context);
    if (!established)
        lost(reason);
}

} // namespace ssehub
