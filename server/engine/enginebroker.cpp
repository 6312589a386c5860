// The broker an engine runs on: the embedded one, or Redis (a URL, or the primary the
// sentinels name).
#include "broker/localbroker.h"
#include "engine/engine.h"
#include "redis/redisbroker.h"
#include "redis/shardedbroker.h"

#include <QFile>

namespace ssehub {

namespace {

// The options every Redis connection starts from (timeouts, backoff).
RedisConnection::Options redisConnectionOptions(const EngineConfig &config)
{
    RedisConnection::Options options;
    options.backoffMaxMs = qMax(1, config.redisBackoffMaxMs);
    options.backoffInitialMs = qMin(100, options.backoffMaxMs);
    options.connectTimeoutMs = qMax(1, config.redisTimeoutMs);
    options.commandTimeoutMs = qMax(1, config.redisTimeoutMs);
    return options;
}

// --redis-replica-timeout against the command timeout: a WAIT pending longer would drop the
// connection it waits on.
bool replicaTimeoutFits(const EngineConfig &config, const RedisConnection::Options &options,
                        QString *error)
{
    if (config.redisMinReplicas <= 0 || config.redisReplicaTimeoutMs < options.commandTimeoutMs)
        return true;
    *error = QStringLiteral("--redis-replica-timeout must be shorter than the Redis command "
                            "timeout (%1 ms)")
                 .arg(options.commandTimeoutMs);
    return false;
}

} // namespace

bool Engine::readSentinelPassword(QByteArray *out, QString *error) const
{
    const QString &path = m_config.redisSentinelPasswordFile;
    if (m_config.redisSentinels.isEmpty()) {
        *error = QStringLiteral("--redis-sentinel-password-file is for --redis-sentinel");
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the sentinel password file %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    QByteArray line = file.read(4096);
    line.truncate(line.indexOf('\n') >= 0 ? line.indexOf('\n') : line.size());
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty()) {
        *error = QStringLiteral("the sentinel password file %1 has no password on its first "
                                "line")
                     .arg(path);
        return false;
    }
    *out = line;
    return true;
}

RedisHome *Engine::redisHome() const
{
    if (m_redis)
        return m_redis->home();
    return m_sharded ? m_sharded->home() : nullptr;
}

bool Engine::startShardedBroker(QString *error)
{
    if (!m_config.redisSentinels.isEmpty()) {
        *error = QStringLiteral("--redis-cluster and --redis-sentinel exclude each other (a Redis "
                                "Cluster fails over by itself)");
        return false;
    }
    if (m_config.historyTtlMs > 0) {
        // Trimmed by age only when they are written to, idle partitions would keep old events.
        *error = QStringLiteral("--history-ttl is not supported with --redis-cluster yet; bound "
                                "the history with --history and --history-bytes");
        return false;
    }
    ShardedBroker::Options options;
    RedisConnection::Options &connection = options.cluster.connection;
    connection = redisConnectionOptions(m_config);
    if (!m_config.redisUrl.isEmpty()) {
        // Only its password: the cluster says where its nodes are, and has one database.
        if (!RedisBroker::parseUrl(m_config.redisUrl, &connection, error))
            return false;
        if (connection.database != 0) {
            *error = QStringLiteral("a Redis Cluster has only database 0; give --redis without "
                                    "a database number");
            return false;
        }
    }
    if (!RedisCluster::parseSeeds(m_config.redisClusterSeeds, &options.cluster, error))
        return false;
    if (!replicaTimeoutFits(m_config, connection, error))
        return false;
    options.prefix = m_config.redisPrefix;
    options.partitions = m_config.redisPartitions;
    options.partitionDepth = m_config.redisPartitionDepth;
    options.historySize = m_config.historySize;
    options.historyBytes = m_config.historyBytes;
    options.minReplicas = m_config.redisMinReplicas;
    options.replicaTimeoutMs = m_config.redisReplicaTimeoutMs;
    m_sharded = new ShardedBroker(options, this);
    m_broker = m_sharded;
    return true;
}

bool Engine::startBroker(QString *error)
{
    if (!m_config.redisClusterSeeds.isEmpty())
        return startShardedBroker(error);
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
        redisOptions.redis = redisConnectionOptions(m_config);
        if (!RedisBroker::parseUrl(m_config.redisUrl, &redisOptions.redis, error))
            return false;
        if (!RedisConnection::useSentinels(m_config.redisSentinels, m_config.redisMaster,
                                           &redisOptions.redis, error))
            return false;
        if (!m_config.redisSentinelPasswordFile.isEmpty()
            && !readSentinelPassword(&redisOptions.redis.sentinelPassword, error))
            return false;
        if (!replicaTimeoutFits(m_config, redisOptions.redis, error))
            return false;
        redisOptions.minReplicas = m_config.redisMinReplicas;
        redisOptions.replicaTimeoutMs = m_config.redisReplicaTimeoutMs;
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
