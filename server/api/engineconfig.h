#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace ssehub {

// How long subscriptions of named clients live and how many the hub keeps.
struct SubscriptionLifecycle
{
    qint64 graceMs = 7LL * 24 * 3600 * 1000; // an expired subscription can be renewed
    qint64 archiveAfterMs = 15LL * 24 * 3600 * 1000; // after expiry: hidden unless ?all=1
    qint64 deleteAfterMs = 30LL * 24 * 3600 * 1000; // after expiry: forgotten
    int sweepIntervalMs = 1000;
    int maxSubscriptionsPerClient = 1024;
    // The whole hub (no client may make the others pay for memory): clients known at once
    // (named and server-named), active subscriptions of all clients. 0: no limit.
    qsizetype maxClients = 100000;
    qsizetype maxSubscriptions = 1000000;
};

// When the engine logs an alarm (docs/CONFIG.md, "Alarms"); 0 turns one off. Each is logged
// once when raised and once when cleared; a cleared one needs the figure well below its
// threshold (half of a rate, 5 points under a percentage), so that a figure at the threshold
// does not flood the log.
struct AlarmThresholds
{
    int closesPerMinute = 30; // slow-consumer and dead closes in the last minute
    int authFailuresPerMinute = 60; // 401/403 answers and refused TLS handshakes, last minute
    int descriptorsPercent = 80; // open descriptors against the process limit
    int streamsPercent = 90; // open streams against --max-connections
    bool brokerDown = true; // cluster mode: Redis unreachable
};

// Everything the engine is started with (docs/CONFIG.md). The engine knows nothing about files,
// the command line or settings; app/ and the console fill this in.
struct EngineConfig
{
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8080;
    int listenBacklog = 4096;
    int retryMs = 3000;
    qint64 drainMs = 5000; // shutdown: time streams get to take what is queued for them
    int heartbeatMs = 30000;
    qsizetype historySize = 10000;
    // The history's bound in bytes (EventHistory::costOf), on top of the count.
    qint64 historyBytes = 64LL * 1024 * 1024;
    // --history-ttl: events published longer ago leave the history (embedded: the broker's;
    // cluster mode: the Redis Stream and each instance's copy). 0: no age bound.
    qint64 historyTtlMs = 0;
    qint64 maxQueueBytes = 1024 * 1024;
    qint64 maxBodyBytes = 64 * 1024;
    int maxFiltersPerStream = 64;
    qsizetype maxTopicBytes = 256; // topics and filters (1..256)
    int maxConnections = 10000; // open streams (0: no limit)
    int maxConnectionsPerIp = 0; // streams from one address (0: no limit)
    int maxStreamsPerClient = 64; // streams of one client id (0: no limit)
    double publishRate = 0; // publishes per second per client or address (0: no limit)
    double publishBurst = 0; // 0: twice the rate
    int requestTimeoutMs = 15000;
    int keepAliveTimeoutMs = 75000;
    QStringList corsOrigins;
    QStringList allowedHosts; // Host names besides the listen address and localhost
    qsizetype logCapacity = 10000; // connection-log entries kept in memory
    qint64 logMaxBytes = 16 * 1024 * 1024; // and the memory they may hold
    qint64 logCoalesceMs = 10000; // auth failures of one source and reason: one entry
    // The rolling log file (JSON Lines); empty: none.
    QString logFile;
    qint64 logFileMaxBytes = 10 * 1024 * 1024;
    int logFileKeep = 5;
    // Written when the engine stops (.csv: CSV, otherwise JSON Lines); empty: none.
    QString exportLogPath;
    int statsIntervalMs = 250; // console snapshots (while a console is attached)
    // Where named clients' subscriptions and cursors are kept (subscriptions.json);
    // empty: in memory only.
    QString dataDir;
    SubscriptionLifecycle lifecycle;
    AlarmThresholds alarms;
    QString nodeId; // empty: host name and port
    QString adminUrl; // advertised in the node registry for consoles; empty: the listen URL
    // Cluster mode: redis://[:password@]host[:port][/db]; empty: the embedded broker.
    QString redisUrl;
    QByteArray redisPrefix = "ssehub:";
    // Redis Sentinel: HOST:PORT of the sentinels and the name they know the primary by; the
    // primary is then where they say (redisUrl gives the password and database).
    QList<QByteArray> redisSentinels;
    QByteArray redisMaster;
    QString redisSentinelPasswordFile; // the sentinels' password (requirepass), first line
    // Redis Cluster: seed nodes; events in redisPartitions Streams, a topic's partition from
    // its first redisPartitionDepth levels (ShardedBroker).
    QList<QByteArray> redisClusterSeeds;
    int redisPartitions = 16;
    int redisPartitionDepth = 1;
    // A publish is answered 200 only once this many replicas have it (WAIT), within the
    // timeout; 503 otherwise.
    int redisMinReplicas = 0;
    int redisReplicaTimeoutMs = 1000;
    int redisBackoffMaxMs = 5000; // reconnect attempts back off up to this
    int redisTimeoutMs = 5000; // connect and command timeout
    // Authentication and access control (docs/CONFIG.md); empty: open to whoever can
    // reach the listen address.
    QString jwtSecretFile; // HS256 secret
    QStringList jwtPublicKeyFiles; // PEM public keys (RS/PS/ES/EdDSA tokens)
    QString jwksUrl; // a key set fetched and refreshed (an identity provider's jwks_uri)
    qint64 jwksRefreshMinMs = 30000; // bounds of the refresh interval (Cache-Control max-age)
    qint64 jwksRefreshMaxMs = 3600 * 1000;
    QString jwtIssuer; // a token's iss must be this; empty: any
    QStringList jwtAudiences; // a token's aud must name one of these; empty: any
    QString authHookUrl; // the backend asked about requests without a token
    qint64 authHookTimeoutMs = 2000;
    qint64 authHookCacheMs = 60000; // the longest a hook's answer is remembered
    bool authHookTokens = false; // tokens that do not verify here are asked about too
    QString aclFile;
    // HTTPS: certificate chain and key (PEM); with a client CA, clients must present a
    // certificate it signed (its CN becomes the client id).
    QString tlsCertFile;
    QString tlsKeyFile;
    QString tlsClientCaFile;
    QByteArray jwtCookie = "ssehub_token";
    qint64 jwtLeewayMs = 30000;
    // Accept tokens without `exp` (or with `exp` 0); by default they are refused (401).
    bool allowTokensWithoutExp = false;
    int nodeRefreshMs = 2000; // node registry: refresh interval
    int nodeTtlMs = 10000; // node registry: an entry not refreshed for this long is gone
    // GET /metrics counts events per topic only for these topics (bounded cardinality).
    QList<QByteArray> metricsTopics;
    // Join and leave events on $SYS/presence/<topic> for exact subscriptions these filters
    // match (none: no events).
    QList<QByteArray> presenceEvents;
    // Presence events published per second at most (beyond: dropped and counted; 0: no bound).
    qint64 presenceEventsRate = 1000;
    // GET /presence: clients looked at per second, all questions together (beyond: 503; 0: no
    // bound).
    qint64 presenceBudget = 200000;
    // The hub's figures on $SYS/hub/nodes/<node> this often (0: none).
    int sysIntervalMs = 5000;
};

} // namespace ssehub
