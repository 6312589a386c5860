#include "observe/prometheus.h"

#include "hub/client.h"
#include "observe/alarms.h"
#include "observe/metrics.h"

#include <algorithm>

namespace ssehub {

QByteArray prometheusText(const ConsoleSnapshot &snapshot, const MetricsFigures &figures)
{
    MetricsWriter m;
    const ConsoleSnapshot *s = &snapshot;
    const EngineStats &st = s->stats;
    m.gauge("ssehub_connections", "Open event streams.", st.connections);
    m.gauge("ssehub_clients", "Known clients (named ones and those with a stream).", s->clients);
    for (int i = 0; i < 4; ++i)
        m.gauge("ssehub_subscriptions", "Subscriptions by lifecycle state.", s->subscriptions[i],
                {{"state", Subscription::stateName(Subscription::State(i)).toLatin1()}});
    m.counter("ssehub_connections_opened_total", "Event streams opened.",
              double(st.connectionsOpened));
    m.counter("ssehub_events_published_total", "Events accepted from publishers on this instance.",
              double(st.eventsPublished));
    m.counter("ssehub_events_delivered_total", "Events handed to streams (one per stream).",
              double(st.eventsDelivered));
    m.counter("ssehub_events_replayed_total", "Events sent from history to resuming streams.",
              double(s->eventsReplayed));
    m.counter("ssehub_resets_total", "reset events sent (history gap or loss).",
              double(s->resetsSent));
    m.counter("ssehub_bytes_out_total", "Bytes written to event streams.", double(s->bytesOut));
    m.counter("ssehub_heartbeats_total", "Heartbeat comments sent.", double(s->heartbeatsSent));
    m.counter("ssehub_stream_closes_total", "Streams closed by the server, by reason.",
              double(st.slowConsumerCloses), {{"reason", "slow-consumer"}});
    m.counter("ssehub_stream_closes_total", "Streams closed by the server, by reason.",
              double(st.deadCloses), {{"reason", "dead"}});
    m.counter("ssehub_stream_closes_total", "Streams closed by the server, by reason.",
              double(st.kickCloses), {{"reason", "kicked"}});
    m.counter("ssehub_stream_closes_total", "Streams closed by the server, by reason.",
              double(st.shutdownCloses), {{"reason", "shutdown"}});
    m.counter("ssehub_stream_closes_total", "Streams closed by the server, by reason.",
              double(st.authExpiredCloses), {{"reason", "auth-expired"}});
    m.counter("ssehub_requests_total", "HTTP requests handled.", double(st.requests));
    m.counter("ssehub_auth_failures_total",
              "Requests refused with 401 or 403, and refused TLS "
              "handshakes.",
              double(st.authFailures));
    m.counter("ssehub_limit_rejections_total", "Requests refused by a limit, by reason.",
              double(st.connectionLimitRejections), {{"reason", "connections"}});
    m.counter("ssehub_limit_rejections_total", "Requests refused by a limit, by reason.",
              double(st.rateLimitRejections), {{"reason", "publish-rate"}});
    m.counter("ssehub_limit_rejections_total", "Requests refused by a limit, by reason.",
              double(st.bodyTooLarge), {{"reason", "body-too-large"}});
    m.counter("ssehub_bad_requests_total", "Requests answered 400 (malformed or invalid).",
              double(st.badRequests));
    m.counter("ssehub_accept_errors_total",
              "Connections not accepted, by reason (fd-limit: out of file descriptors; "
              "accepting pauses and resumes when descriptors are freed).",
              double(figures.acceptFdLimitHits), {{"reason", "fd-limit"}});
    m.gauge("ssehub_accept_paused", "1 while accepting is paused for want of file descriptors.",
            figures.acceptPaused ? 1 : 0);
    m.gauge("ssehub_http_connections",
            "HTTP connections that are not streams, by path (epoll: read by the engine's epoll "
            "set; socket: a Qt socket, for TLS and the less frequent routes).",
            figures.epollConnections, {{"path", "epoll"}});
    m.gauge("ssehub_http_connections",
            "HTTP connections that are not streams, by path (epoll: read by the engine's epoll "
            "set; socket: a Qt socket, for TLS and the less frequent routes).",
            figures.socketConnections, {{"path", "socket"}});
    m.counter("ssehub_http_connection_moves_total",
              "Keep-alive connections moved between the paths (to-socket: a request the epoll "
              "path does not serve; to-epoll: back after its answer).",
              double(figures.handOffs), {{"to", "socket"}});
    m.counter("ssehub_http_connection_moves_total",
              "Keep-alive connections moved between the paths (to-socket: a request the epoll "
              "path does not serve; to-epoll: back after its answer).",
              double(figures.handBacks), {{"to", "epoll"}});
    m.gauge("ssehub_history_events", "Events retained for replay on this instance.",
            double(st.historySize));
    m.gauge("ssehub_history_bytes", "Bytes the retained events hold (bounded by --history-bytes).",
            double(st.historyBytes));
    m.gauge("ssehub_queued_bytes", "Bytes waiting in the streams' queues.", double(st.queuedBytes));
    if (st.openFds >= 0)
        m.gauge("ssehub_open_fds", "File descriptors open in the process.", st.openFds);
    if (st.fdLimit > 0)
        m.gauge("ssehub_max_fds", "The process's file descriptor limit (RLIMIT_NOFILE).",
                st.fdLimit);
    for (const char *name :
         {AlarmMonitor::StreamCloses, AlarmMonitor::AuthFailures, AlarmMonitor::RedisDown,
          AlarmMonitor::Descriptors, AlarmMonitor::Streams})
        m.gauge("ssehub_alarm", "1 while an alarm is raised (see the log's alarm entries).",
                st.alarms.contains(QLatin1String(name)) ? 1 : 0, {{"alarm", name}});
    m.gauge("ssehub_history_oldest_timestamp_seconds",
            "When the oldest retained event was published (0: none).",
            double(figures.oldestEventAt) / 1000.0);
    const MetricsFigures::History &h = figures.history;
    m.gauge("ssehub_history_oldest_age_seconds",
            "How long ago the oldest retained event was published (0: none).",
            figures.oldestEventAt > 0
                ? double(qMax<qint64>(0, h.nowMs - figures.oldestEventAt)) / 1000.0
                : 0.0);
    m.gauge("ssehub_history_max_events", "Events the history may retain (--history).",
            double(h.maxEvents));
    m.gauge("ssehub_history_max_bytes", "Bytes the history may hold (--history-bytes).",
            double(h.maxBytes));
    m.gauge("ssehub_history_ttl_seconds",
            "Age after which events leave the history (--history-ttl; 0: none).",
            double(h.ttlMs) / 1000.0);
    const char *evictionReasons[] = {"count", "bytes", "age"};
    for (int i = 0; i < 3; ++i)
        m.counter("ssehub_history_evictions_total",
                  "Events that left the history, by the bound that made them go.",
                  double(h.evicted[i]), {{"reason", evictionReasons[i]}});
    if (const auto &stream = h.stream) {
        m.gauge("ssehub_history_stream_events", "Entries in the cluster's Redis Stream.",
                double(stream->events));
        m.gauge("ssehub_history_stream_bytes",
                "Bytes the cluster's Redis Stream is counted as holding (bounded by "
                "--history-bytes).",
                double(stream->bytes));
        m.gauge("ssehub_history_stream_oldest_timestamp_seconds",
                "When the oldest entry of the cluster's Redis Stream was published (0: none).",
                double(stream->oldestAt) / 1000.0);
        m.gauge("ssehub_history_stream_oldest_age_seconds",
                "How long ago the oldest entry of the cluster's Redis Stream was published (0: "
                "none).",
                stream->oldestAt > 0 ? double(qMax<qint64>(0, h.nowMs - stream->oldestAt)) / 1000.0
                                     : 0.0);
    }
    m.gauge("ssehub_broker_ready",
            "1 when events can be published (cluster mode: Redis "
            "reachable).",
            st.brokerReady ? 1 : 0);
    if (figures.redis) {
        m.gauge("ssehub_redis_connected", "1 while both Redis connections are up.",
                figures.redis->connected ? 1 : 0);
        m.counter("ssehub_redis_reconnects_total", "Reconnections to Redis after a loss.",
                  double(figures.redis->reconnects));
        const char *waitHelp = "WAITs for --redis-min-replicas replicas (one covers the "
                               "publishes Redis confirmed together), by outcome (short: fewer "
                               "confirmed; their publishes were answered 503).";
        m.counter("ssehub_redis_replica_waits_total", waitHelp,
                  double(figures.redis->replicaWaitsConfirmed), {{"outcome", "confirmed"}});
        m.counter("ssehub_redis_replica_waits_total", waitHelp,
                  double(figures.redis->replicaWaitsShort), {{"outcome", "short"}});
        if (const auto &sharded = figures.redis->sharded) {
            m.gauge("ssehub_redis_cluster_waiting_events",
                    "Redis Cluster: events received and held back until every partition this "
                    "instance follows is known to have passed them.",
                    double(sharded->waiting));
            m.counter("ssehub_redis_cluster_coverage_scripts_total",
                      "Redis Cluster: scripts sent to learn how far partitions are (asks per "
                      "shard for waiting events, and the periodic ticks).",
                      double(sharded->coverageScripts));
        }
        if (figures.redis->sentinelSwitches) {
            m.counter("ssehub_redis_sentinel_switches_total",
                      "New primaries named by the sentinels (+switch-master, or their answer).",
                      double(*figures.redis->sentinelSwitches));
            m.gauge("ssehub_redis_sentinel_watch_up",
                    "1 while a sentinel is watched for +switch-master and answers (0: a switch "
                    "is noticed only when the primary refuses writes or drops the connection).",
                    figures.redis->sentinelWatching ? 1 : 0);
        }
    }
    if (figures.store) {
        m.counter("ssehub_store_writes_total",
                  "Durable writes of the subscriptions store (one per group of requests).",
                  double(figures.store->writes));
        m.counter("ssehub_store_write_failures_total",
                  "Failed writes of the subscriptions store (waiting requests got 503).",
                  double(figures.store->failures));
        m.gauge("ssehub_store_last_write_seconds",
                "How long the last write of the subscriptions store took.",
                double(figures.store->lastWriteMs) / 1000.0);
    }
    if (const auto &c = figures.accessCache) {
        const QByteArray entries = "Verified tokens and access decisions remembered.";
        const QByteArray bytes = "Estimated memory of the verified tokens and access decisions "
                                 "remembered.";
        const QByteArray hits = "Requests answered from the remembered tokens and decisions "
                                "(since the access rules were loaded).";
        const QByteArray misses = "Tokens verified and access decisions evaluated because none "
                                  "was remembered (since the access rules were loaded).";
        m.gauge("ssehub_auth_cache_entries", entries, double(c->tokens), {{"cache", "tokens"}});
        m.gauge("ssehub_auth_cache_entries", entries, double(c->decisions),
                {{"cache", "decisions"}});
        m.gauge("ssehub_auth_cache_bytes", bytes, double(c->tokenBytes), {{"cache", "tokens"}});
        m.gauge("ssehub_auth_cache_bytes", bytes, double(c->decisionBytes),
                {{"cache", "decisions"}});
        m.counter("ssehub_auth_cache_hits_total", hits, double(c->tokenHits),
                  {{"cache", "tokens"}});
        m.counter("ssehub_auth_cache_hits_total", hits, double(c->decisionHits),
                  {{"cache", "decisions"}});
        m.counter("ssehub_auth_cache_misses_total", misses, double(c->tokenMisses),
                  {{"cache", "tokens"}});
        m.counter("ssehub_auth_cache_misses_total", misses, double(c->decisionMisses),
                  {{"cache", "decisions"}});
        m.counter("ssehub_auth_cache_evictions_total",
                  "Remembered tokens and decisions dropped to stay within the cache's bounds "
                  "(since the access rules were loaded).",
                  double(c->evictions));
    }
    for (const auto &[result, n] : figures.tokenVerifications)
        m.counter("ssehub_token_verifications_total",
                  "Tokens verified (not answered from the cache), by result.", double(n),
                  {{"result", result}});
    if (const auto &j = figures.jwks) {
        for (const auto &[outcome, n] : j->fetches)
            m.counter("ssehub_jwks_fetches_total", "Fetches of the JWKS URL, by outcome.",
                      double(n), {{"outcome", outcome}});
        m.gauge("ssehub_jwks_keys", "Keys in the key set in force (fetched from the JWKS URL).",
                j->keys);
        m.gauge("ssehub_jwks_loaded_timestamp_seconds",
                "When the key set in force was fetched (0: none loaded yet).",
                double(j->loadedAtMs) / 1000.0);
    }
    if (const auto &p = figures.presence) {
        const char *help = "Presence events published on $SYS/presence/... (join, leave), and "
                           "those that were not (dropped: over --presence-events-rate, too long a "
                           "topic, the broker refused).";
        m.counter("ssehub_presence_events_total", help, double(p->joins), {{"kind", "join"}});
        m.counter("ssehub_presence_events_total", help, double(p->leaves), {{"kind", "leave"}});
        m.counter("ssehub_presence_events_total", help, double(p->dropped), {{"kind", "dropped"}});
    }
    m.counter("ssehub_presence_questions_refused_total",
              "GET /presence questions answered 503 for --presence-budget.",
              double(figures.presenceRefused));
    if (const auto &h = figures.hook) {
        for (const auto &[outcome, n] : h->calls)
            m.counter("ssehub_auth_hook_calls_total",
                      "Questions to the auth hook, by outcome (allow, deny, timeout, error, "
                      "invalid; busy: refused without a call, too many waiting).",
                      double(n), {{"outcome", outcome}});
        m.histogram("ssehub_auth_hook_duration_seconds", "How long the auth hook took to answer.",
                    h->latencyBuckets, h->latencySumSeconds, h->latencyCount);
        m.gauge("ssehub_auth_hook_cache_entries", "Auth hook answers remembered.", h->cacheEntries);
        m.gauge("ssehub_auth_hook_cache_bytes", "Bytes of the auth hook answers remembered.",
                double(h->cacheBytes));
        m.counter("ssehub_auth_hook_cache_hits_total",
                  "Requests answered from a remembered auth hook answer.", double(h->cacheHits));
        m.counter("ssehub_auth_hook_shared_total",
                  "Requests that waited for a question to the auth hook already on its way.",
                  double(h->shared));
    }
    m.gauge("ssehub_start_time_seconds", "When this instance started.",
            double(figures.startedAt) / 1000.0);
    m.gauge("ssehub_build_info", "Version of this build.", 1,
            {{"version", SSEHUB_VERSION}, {"qt", qVersion()}, {"broker", figures.broker}});
    QList<QByteArray> topics = figures.topicEvents.keys();
    std::sort(topics.begin(), topics.end());
    for (const QByteArray &topic : std::as_const(topics))
        m.counter("ssehub_topic_events_total", "Events on a topic listed in --metrics-topics.",
                  double(figures.topicEvents.value(topic)), {{"topic", topic}});
    return m.text();
}

} // namespace ssehub
