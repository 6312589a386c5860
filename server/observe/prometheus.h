#pragma once

#include "api/snapshot.h"
#include "auth/authcache.h"

#include <QByteArray>
#include <QHash>

#include <optional>

namespace ssehub {

// What GET /metrics shows beyond the console's figures (ConsoleSnapshot).
struct MetricsFigures
{
    qint64 startedAt = 0; // ms since the epoch
    QByteArray broker; // its name: "local" or "redis"
    quint64 acceptFdLimitHits = 0;
    bool acceptPaused = false;
    // HTTP connections that are not streams: on the epoll path, on the socket path; the moves
    // from the first to the second and back.
    int epollConnections = 0;
    int socketConnections = 0;
    quint64 handOffs = 0;
    quint64 handBacks = 0;
    qint64 oldestEventAt = 0; // ms since the epoch of the oldest retained event; 0: none
    // The history's bounds (--history, --history-bytes, --history-ttl; 0: none) and the events
    // it evicted, by reason (count, bytes, age).
    struct History
    {
        qint64 nowMs = 0; // the oldest event's age is taken against this
        qint64 maxEvents = 0;
        qint64 maxBytes = 0;
        qint64 ttlMs = 0;
        quint64 evicted[3] = {};
        // Cluster mode: the shared Redis Stream (GET /history's source), once it was read.
        struct Stream
        {
            qint64 events = 0;
            qint64 bytes = 0;
            qint64 oldestAt = 0; // ms since the epoch; 0: empty
        };
        std::optional<Stream> stream;
    };
    History history;
    struct Redis
    {
        bool connected = false; // both connections
        quint64 reconnects = 0;
        // --redis-min-replicas: WAITs with enough replicas, and with too few (503).
        quint64 replicaWaitsConfirmed = 0;
        quint64 replicaWaitsShort = 0;
        std::optional<quint64> sentinelSwitches; // Sentinel mode: +switch-master followed
        bool sentinelWatching = false; // Sentinel mode: a sentinel is watched and answers
        // Redis Cluster mode (--redis-cluster): events held back waiting on other partitions,
        // and the coverage asks and ticks sent for them.
        struct Sharded
        {
            quint64 waiting = 0;
            quint64 coverageScripts = 0;
        };
        std::optional<Sharded> sharded;
    };
    std::optional<Redis> redis; // cluster mode only
    struct Store
    {
        quint64 writes = 0;
        quint64 failures = 0;
        qint64 lastWriteMs = 0;
    };
    std::optional<Store> store; // with a subscriptions store only
    // What the Authenticator remembers, since the access rules were last loaded: a reload
    // starts a new cache, and its counters from zero. With authentication or access control
    // only.
    std::optional<AuthCache::Stats> accessCache;
    // Tokens verified (cache misses), by result name ("verified", "bad_signature", ...).
    // With authentication only.
    QList<QPair<QByteArray, quint64>> tokenVerifications;
    struct Jwks
    {
        QList<QPair<QByteArray, quint64>> fetches; // by outcome name
        int keys = 0;
        qint64 loadedAtMs = 0; // 0: no key set yet
    };
    std::optional<Jwks> jwks; // with --jwks-url only
    struct Hook
    {
        QList<QPair<QByteArray, quint64>> calls; // by outcome name
        double latencySumSeconds = 0;
        quint64 latencyCount = 0;
        QList<QPair<double, quint64>> latencyBuckets; // upper bound, cumulative count
        int cacheEntries = 0;
        qint64 cacheBytes = 0;
        quint64 cacheHits = 0;
        quint64 shared = 0;
    };
    std::optional<Hook> hook; // with --auth-hook only
    // --metrics-topics: events per listed topic. Only these topics get a label: a label per
    // topic seen would let publishers grow the scrape without bound.
    QHash<QByteArray, quint64> topicEvents;
    // --presence-events in force: join and leave events published, and those dropped (a topic
    // too long for the prefix, over --presence-events-rate, or the broker refused them).
    struct Presence
    {
        quint64 joins = 0;
        quint64 leaves = 0;
        quint64 dropped = 0;
    };
    std::optional<Presence> presence;
    // GET /presence questions refused for --presence-budget.
    quint64 presenceRefused = 0;
};

// GET /metrics: the Prometheus text exposition format (0.0.4). No label per client or topic,
// except the topics in figures.topicEvents.
QByteArray prometheusText(const ConsoleSnapshot &snapshot, const MetricsFigures &figures);

} // namespace ssehub
