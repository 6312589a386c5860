// The broker an engine runs on: the embedded one, or Redis (a URL, or the primary the
// sentinels name).
#include "broker/localbroker.h"
#include "engine/engine.h"
#include "redis/redisbroker.h"

namespace ssehub {

bool Engine::startBroker(QString *error)
{
    if (m_config.redisUrl.isEmpty() && !m_config.redisSentinels.isEmpty()) {
        *error = QStringLiteral("--redis-sentinel needs --redis URL as well (its password and "
                                "database are used; the sentinels say where the primary is)");
        return false;
    }
    if (m_config.redisUrl.isEmpty()) {
        m_broker = new LocalBroker(m_config.historySize, m_config.historyBytes,
                                   m_config.historyTtlMs, this);
    } else {
        RedisBroker::Options redisOptions;
        redisOptions.redis.backoffMaxMs = qMax(1, m_config.redisBackoffMaxMs);
        redisOptions.redis.backoffInitialMs = qMin(100, redisOptions.redis.backoffMaxMs);
        redisOptions.redis.connectTimeoutMs = qMax(1, m_config.redisTimeoutMs);
        redisOptions.redis.commandTimeoutMs = qMax(1, m_config.redisTimeoutMs);
        if (!RedisBroker::parseUrl(m_config.redisUrl, &redisOptions.redis, error))
            return false;
        if (!RedisConnection::useSentinels(m_config.redisSentinels, m_config.redisMaster,
                                           &redisOptions.redis, error))
            return false;
        redisOptions.prefix = m_config.redisPrefix;
        redisOptions.historySize = m_config.historySize;
        redisOptions.historyBytes = m_config.historyBytes;
        redisOptions.historyTtlMs = m_config.historyTtlMs;
        m_redis = new RedisBroker(redisOptions, this);
        m_broker = m_redis;
    }
    return true;
}

} // namespace ssehub
