// Sharded pub/sub for RedisConnection. hiredis 0.14 matches replies to callbacks and knows only
// SUBSCRIBE and PSUBSCRIBE as pub/sub: an SSUBSCRIBE would get one callback for its first answer,
// and every message after it would find none (an assertion in hiredis). So a sharded connection,
// once ready, appends its commands to the context's output buffer itself and reads the replies
// from hiredis's reader as they come: confirmations, messages and errors in the order Redis sent
// them, matched here against what was sent.
#include "core/clock.h"
#include "redis/redisconnection.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace ssehub {

void RedisConnection::ssubscribe(const QByteArray &channel, MessageHandler handler)
{
    Q_ASSERT(m_options.sharded);
    const bool isNew = !m_shardChannels.contains(channel);
    m_shardChannels.insert(channel, std::make_shared<MessageHandler>(std::move(handler)));
    if (isNew && m_pushMode)
        sendSharded(QByteArrayLiteral("SSUBSCRIBE"), channel);
}

void RedisConnection::sunsubscribe(const QByteArray &channel)
{
    if (m_shardChannels.remove(channel) && m_pushMode)
        sendSharded(QByteArrayLiteral("SUNSUBSCRIBE"), channel);
}

void RedisConnection::sendSharded(const QByteArray &command, const QByteArray &channel)
{
    if (!m_context)
        return;
    const char *args[] = {command.constData(), channel.constData()};
    const size_t lengths[] = {size_t(command.size()), size_t(channel.size())};
    if (redisAppendCommandArgv(&m_context->c, 2, args, lengths) != REDIS_OK)
        return;
    const bool subscribe = command == "SSUBSCRIBE";
    m_shardSent.push_back({channel, subscribe});
    if (subscribe && m_unconfirmed++ == 0)
        m_unconfirmedSinceMs = Clock::monotonicMs();
    m_lastSentMs = Clock::monotonicMs();
    setInterest(QSocketNotifier::Write, true); // redisAsyncHandleWrite sends the buffer
}

void RedisConnection::readPushed()
{
    redisContext *c = &m_context->c;
    if (redisBufferRead(c) == REDIS_ERR) {
        // hiredis's own read finds the same error and runs its disconnect path.
        redisAsyncHandleRead(m_context);
        return;
    }
    while (m_context) {
        void *reply = nullptr;
        if (redisGetReplyFromReader(c, &reply) == REDIS_ERR) {
            forceDisconnect(QStringLiteral("unreadable answer from Redis: %1")
                                .arg(QString::fromUtf8(c->errstr)));
            return;
        }
        if (!reply)
            return;
        const RedisReply r = RedisReply::fromHiredis(static_cast<redisReply *>(reply));
        freeReplyObject(reply);
        pushed(r); // may end the connection (m_context is then null)
    }
}

void RedisConnection::pushed(const RedisReply &reply)
{
    auto text = [&reply](qsizetype i) {
        return i < reply.elements.size() ? reply.elements.at(i).string : QByteArray();
    };
    const QByteArray kind = reply.type == RedisReply::Type::Array ? text(0) : QByteArray();
    if (kind == "smessage" && reply.elements.size() == 3) {
        const auto it = m_shardChannels.constFind(text(1));
        if (it != m_shardChannels.cend()) {
            const std::shared_ptr<MessageHandler> handler = it.value(); // may unsubscribe
            (*handler)(text(1), text(2));
        }
        return;
    }
    if (reply.isError()) {
        // The answer to the oldest request: MOVED when this node does not serve its slot.
        if (m_shardSent.empty())
            return;
        const ShardRequest request = m_shardSent.front();
        m_shardSent.pop_front();
        if (!request.subscribe)
            return;
        confirmed(); // answered: the others need not wait for it
        if (m_shardChannels.remove(request.channel))
            Q_EMIT shardedDropped(request.channel, reply.string.left(300));
        return;
    }
    const bool subscribe = kind == "ssubscribe";
    if (!subscribe && kind != "sunsubscribe")
        return;
    const QByteArray channel = text(1);
    if (!m_shardSent.empty() && m_shardSent.front().subscribe == subscribe
        && m_shardSent.front().channel == channel) {
        m_shardSent.pop_front();
        if (subscribe)
            confirmed();
        return;
    }
    // Not asked for: Redis ended the subscription itself (the slot moved away).
    if (!subscribe && m_shardChannels.remove(channel))
        Q_EMIT shardedDropped(channel,
                              QByteArrayLiteral("Redis ended the subscription (its "
                                                "slot is served by another node now)"));
}

} // namespace ssehub
