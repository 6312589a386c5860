#pragma once

#include "proto/event.h"
#include "redis/redisconnection.h"

#include <QByteArray>
#include <QList>

#include <functional>

namespace ssehub {

// A Lua script the Redis broker runs, sent by its SHA1 (EVALSHA) and, when Redis does not know
// it (NOSCRIPT: Redis restarted or its scripts were flushed), once more with its body (EVAL).
class RedisScript
{
public:
    explicit RedisScript(const QByteArray &body);

    const QByteArray &body() const { return m_body; }
    const QByteArray &sha() const { return m_sha; }

    // Runs the script on `redis`; done gets the reply (or an error reply: see
    // RedisConnection::command). Returns false, and calls nothing, when the connection refuses the
    // command; when it refuses the EVAL that follows a NOSCRIPT, `refused` is called instead of
    // done.
    bool run(RedisConnection *redis, const QList<QByteArray> &keys, const QList<QByteArray> &args,
             RedisConnection::Callback done, std::function<void()> refused) const;

private:
    QByteArray m_body;
    QByteArray m_sha;
};

// The broker's scripts; what each takes and returns is described where they are written.
const RedisScript &publishScript();
const RedisScript &expireScript();
const RedisScript &historyInfoScript();
const RedisScript &readScript();
const RedisScript &tickScript();
// Redis Cluster (ShardedBroker).
const RedisScript &shardedPublishScript();
const RedisScript &shardedTickScript();
const RedisScript &coverScript();
// The event of a Stream entry with this id whose fields the publish scripts wrote (t: topic,
// y: type, p: payload); null when they are not ours.
EventPtr eventFromStreamFields(quint64 id, const QList<RedisReply> &fields);

} // namespace ssehub
