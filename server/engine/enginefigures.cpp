// The engine's figures: what stats(), GET /nodes, /metrics, /stats and the console's snapshots
// show, gathered from the parts. How they are written is observe/'s.
#include "auth/authhook.h"
#include "auth/jwksfetcher.h"
#include "auth/keyring.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "hub/presencetracker.h"
#include "observe/prometheus.h"
#include "observe/snapshotbuilder.h"
#include "observe/statsjson.h"
#include "redis/clusterstate.h"
#include "redis/redisbroker.h"
#include "redis/sentinelwatch.h"
#include "redis/shardedbroker.h"

namespace ssehub {

QJsonObject Engine::selfJson() const
{
    const EngineStats s = stats();
    return {{QStringLiteral("id"), m_hub ? m_hub->nodeId() : QString()},
            {QStringLiteral("address"), s.listenUrl},
            {QStringLiteral("started_at"), m_startedAt},
            {QStringLiteral("connections"), s.connections},
            {QStringLiteral("clients"), m_hub ? m_hub->clientCount() : 0},
            {QStringLiteral("events_published"), double(s.eventsPublished)},
            {QStringLiteral("events_delivered"), double(s.eventsDelivered)},
            {QStringLiteral("broker_state"), s.brokerState}};
}

QJsonObject Engine::nodesJson() const
{
    QJsonArray nodes;
    if (m_cluster) {
        nodes = m_cluster->nodes();
    } else {
        nodes.append(selfJson());
    }
    return {{QStringLiteral("broker"), m_broker ? m_broker->name() : QString()},
            {QStringLiteral("nodes"), nodes}};
}

EngineStats Engine::stats() const
{
    EngineStats s;
    s.revision = m_snapshotRevision;
    s.listenUrl = listenUrl();
    s.startedAt = m_startedAt;
    s.version = QStringLiteral(SSEHUB_VERSION);
    if (m_broker) {
        s.broker = m_broker->name();
        s.brokerState = m_broker->state();
        s.brokerReady = m_broker->isReady();
        if (m_cluster)
            s.nodes = m_cluster->nodes();
        s.historySize = m_broker->history().size();
        s.historyCapacity = m_config.historySize;
        s.historyMaxBytes = m_config.historyBytes;
        s.historyBytes = m_broker->history().bytes();
    }
    if (m_hub) {
        const HubCounters &c = m_hub->counters();
        s.nodeId = m_hub->nodeId();
        s.connections = m_hub->streamCount();
        s.clients = m_hub->clientCount();
        s.connectionsOpened = c.connectionsOpened;
        s.eventsDelivered = c.eventsDelivered;
        s.slowConsumerCloses = c.slowConsumerCloses;
        s.deadCloses = c.deadCloses;
        s.kickCloses = c.kickCloses;
        s.shutdownCloses = c.shutdownCloses;
        s.authExpiredCloses = c.authExpiredCloses;
        s.maxConnections = m_config.maxConnections;
    }
    if (m_front) {
        s.eventsPublished = m_front->counters().published + m_consolePublished;
        s.requests = m_front->counters().requests;
        s.rejectedRequests = m_front->counters().rejected;
        s.authFailures = m_front->counters().authFailures;
        s.connectionLimitRejections = m_front->counters().connectionLimitRejections;
        s.rateLimitRejections = m_front->counters().rateLimitRejections;
        s.badRequests = m_front->counters().badRequests;
        s.bodyTooLarge = m_front->counters().bodyTooLarge;
        s.fdLimitRejections = m_front->acceptFdLimitHits();
    }
    s.openFds = m_openFds;
    s.fdLimit = m_fdLimit;
    s.alarms = m_alarms.active();
    return s;
}

IdentityStatus Engine::identityStatus() const
{
    IdentityStatus s;
    s.hs256 = !m_config.jwtSecretFile.isEmpty();
    s.publicKeyFiles = int(m_config.jwtPublicKeyFiles.size());
    s.clientCertificates = !m_config.tlsClientCaFile.isEmpty();
    s.acl = !m_config.aclFile.isEmpty();
    if (m_jwks) {
        const JwksFetcher::Status status = m_jwks->status();
        s.jwks.url = IdentityStatus::shownUrl(status.url);
        s.jwks.keys = status.keys;
        s.jwks.loadedAtMs = status.loadedAtMs;
        s.jwks.lastAttemptAtMs = status.lastAttemptAtMs;
        s.jwks.lastError = IdentityStatus::boundedError(status.lastError);
        s.jwks.nextFetchInMs = status.nextFetchInMs;
        for (int i = 0; i < int(JwksFetcher::Outcome::Count_); ++i)
            s.jwks.fetches.insert(QLatin1String(JwksFetcher::outcomeName(JwksFetcher::Outcome(i))),
                                  status.outcomes[i]);
    }
    if (m_authHook) {
        const AuthHook::Stats stats = m_authHook->stats();
        s.hook.url = IdentityStatus::shownUrl(m_authHook->options().url.toString());
        s.hook.lastLatencyMs = stats.lastLatencyMs;
        s.hook.lastError = IdentityStatus::boundedError(stats.lastError);
        s.hook.cacheEntries = stats.cacheEntries;
        s.hook.inFlight = stats.inFlight;
        for (int i = 0; i < int(AuthHook::Outcome::Count_); ++i)
            s.hook.calls.insert(QLatin1String(AuthHook::outcomeName(AuthHook::Outcome(i))),
                                stats.calls[i]);
    }
    // Only where tokens are verified at all (a secret or a key of some source).
    if (m_keyRing && (s.hs256 || s.publicKeyFiles > 0 || s.hasJwks())) {
        for (int i = 0; i < TokenCheckCount; ++i)
            s.tokenChecks.insert(QLatin1String(tokenCheckName(TokenCheck(i))),
                                 m_keyRing->counted(TokenCheck(i)));
    }
    return s;
}

std::shared_ptr<ConsoleSnapshot> Engine::makeSnapshot(bool withStreams) const
{
    if (!m_hub)
        return std::make_shared<ConsoleSnapshot>();
    std::shared_ptr<ConsoleSnapshot> s
        = SnapshotBuilder(m_hub, m_activity).build(stats(), withStreams);
    s->identity = identityStatus();
    return s;
}

StreamDetail Engine::streamDetail(quint64 connectionId) const
{
    return SnapshotBuilder(m_hub, m_activity).streamDetail(connectionId);
}

void Engine::history(const HistoryQuery &query, std::function<void(const HistoryPage &)> done)
{
    HistoryPage refused;
    if (!m_broker) {
        refused.error = QStringLiteral("the server is not running");
        done(refused);
        return;
    }
    QString error;
    const TopicFilter filter = TopicFilter::parse(query.filter, &error);
    if (!filter.isValid()) {
        refused.error = error;
        done(refused);
        return;
    }
    if (filter.text().size() > qBound<qsizetype>(1, m_config.maxTopicBytes, MaxTopicBytes)) {
        refused.error = QStringLiteral("filter is longer than %1 bytes (--max-topic-length)")
                            .arg(m_config.maxTopicBytes);
        done(refused);
        return;
    }
    // The broker may answer after this engine is gone (a console request racing a stop): it
    // is then dropped with the broker's pending commands.
    m_broker->readHistory(query, filter, std::move(done));
}

QByteArray Engine::metricsText() const
{
    MetricsFigures figures;
    figures.startedAt = m_startedAt;
    figures.broker = m_broker ? m_broker->name().toUtf8() : QByteArray();
    if (m_front) {
        figures.acceptFdLimitHits = m_front->acceptFdLimitHits();
        figures.acceptPaused = m_front->acceptPaused();
        figures.epollConnections = m_front->fastConnectionCount();
        figures.socketConnections = m_front->socketConnectionCount();
        figures.handOffs = m_front->handOffs();
        figures.handBacks = m_front->handBacks();
        if (const Authenticator &auth = m_front->authenticator(); auth.isEnabled())
            figures.accessCache = auth.cacheStats();
    }
    if (m_keyRing && (m_front && m_front->authenticator().isEnabled())) {
        for (int i = 0; i < TokenCheckCount; ++i)
            figures.tokenVerifications.append(
                {tokenCheckName(TokenCheck(i)), m_keyRing->counted(TokenCheck(i))});
    }
    if (m_jwks) {
        const JwksFetcher::Status status = m_jwks->status();
        MetricsFigures::Jwks jwks;
        for (int i = 0; i < int(JwksFetcher::Outcome::Count_); ++i)
            jwks.fetches.append(
                {JwksFetcher::outcomeName(JwksFetcher::Outcome(i)), status.outcomes[i]});
        jwks.keys = status.keys;
        jwks.loadedAtMs = status.loadedAtMs;
        figures.jwks = jwks;
    }
    if (m_authHook) {
        const AuthHook::Stats stats = m_authHook->stats();
        MetricsFigures::Hook hook;
        for (int i = 0; i < int(AuthHook::Outcome::Count_); ++i)
            hook.calls.append({AuthHook::outcomeName(AuthHook::Outcome(i)), stats.calls[i]});
        for (size_t i = 0; i < AuthHook::LatencyBounds.size(); ++i)
            hook.latencyBuckets.append({AuthHook::LatencyBounds[i], stats.buckets[i]});
        hook.latencySumSeconds = stats.latencySumSeconds;
        hook.latencyCount = stats.latencyCount;
        hook.cacheEntries = stats.cacheEntries;
        hook.cacheBytes = stats.cacheBytes;
        hook.cacheHits = stats.cacheHits;
        hook.shared = stats.shared;
        figures.hook = hook;
    }
    if (m_presence)
        figures.presenceRefused = m_presence->questionBudget().refused();
    if (m_presence && !m_presence->eventFilters().isEmpty())
        figures.presence
            = MetricsFigures::Presence {m_presence->joinsPublished(), m_presence->leavesPublished(),
                                        m_presence->eventsDropped()};
    if (m_broker) {
        const EventHistory &history = m_broker->history();
        if (const EventPtr oldest = history.oldest())
            figures.oldestEventAt = oldest->timestamp;
        figures.history.nowMs = Clock::wallMs();
        figures.history.maxEvents = m_config.historySize;
        figures.history.maxBytes = m_config.historyBytes;
        figures.history.ttlMs = m_config.historyTtlMs;
        for (int i = 0; i < 3; ++i)
            figures.history.evicted[i] = history.evicted(EventHistory::Eviction(i));
        if (m_redis && m_redis->streamFigures().known) {
            const RedisBroker::StreamFigures &stream = m_redis->streamFigures();
            quint64 oldest = 0;
            figures.history.stream = MetricsFigures::History::Stream {
                stream.events, stream.bytes,
                packStreamId(stream.oldestId, &oldest)
                    ? qint64((oldest & ~StreamIdFlag) >> StreamIdSeqBits)
                    : 0};
        }
    }
    if (m_redis) {
        MetricsFigures::Redis redis;
        redis.connected = m_redis->commands()->state() == RedisConnection::State::Ready
            && m_redis->subscriber()->state() == RedisConnection::State::Ready;
        redis.reconnects
            = quint64(m_redis->commands()->reconnects() + m_redis->subscriber()->reconnects());
        redis.replicaWaitsConfirmed = m_redis->replicaWaitsConfirmed();
        redis.replicaWaitsShort = m_redis->replicaWaitsShort();
        if (const SentinelWatch *watch = m_redis->sentinelWatch()) {
            redis.sentinelSwitches = watch->switches();
            redis.sentinelWatching = watch->isWatching();
        }
        figures.redis = redis;
    }
    if (m_sharded) {
        MetricsFigures::Redis redis;
        redis.connected = m_sharded->isReady();
        redis.sharded = MetricsFigures::Redis::Sharded {quint64(m_sharded->waiting()),
                                                        m_sharded->ticksSent()};
        figures.redis = redis;
    }
    if (m_hub && m_hub->hasStore()) {
        const Hub::StoreCounters store = m_hub->storeCounters();
        figures.store = MetricsFigures::Store {store.writes, store.failures, store.lastWriteMs};
    }
    figures.topicEvents = m_metricTopics;
    return prometheusText(*makeSnapshot(false), figures);
}

QJsonObject Engine::statsJson(bool withConnections) const
{
    QJsonObject o = ssehub::statsJson(*makeSnapshot(withConnections),
                                      m_hub ? m_hub->nodeId() : QString(), withConnections);
    // The history's oldest event (what a resuming stream can still get; embedded, also what
    // GET /history answers), the ids gone before it, the age bound and what went; the other
    // bounds are history_capacity and history_max_bytes. Cluster mode: this instance's copy.
    if (m_broker) {
        const EventHistory &history = m_broker->history();
        const EventPtr oldest = history.oldest();
        o.insert(QStringLiteral("history_oldest_id"),
                 oldest ? QJsonValue(QString::fromLatin1(oldest->idText())) : QJsonValue());
        o.insert(QStringLiteral("history_oldest_timestamp"),
                 oldest ? QJsonValue(double(oldest->timestamp)) : QJsonValue());
        o.insert(QStringLiteral("history_oldest_age_ms"),
                 oldest ? QJsonValue(double(qMax<qint64>(0, Clock::wallMs() - oldest->timestamp)))
                        : QJsonValue());
        const quint64 horizon = history.horizon();
        o.insert(QStringLiteral("history_horizon"),
                 horizon && horizon != StreamIdFlag
                     ? QJsonValue(QString::fromLatin1(formatEventId(horizon)))
                     : QJsonValue());
        o.insert(QStringLiteral("history_ttl_ms"), double(m_config.historyTtlMs));
        o.insert(
            QStringLiteral("history_evictions"),
            QJsonObject {
                {QStringLiteral("count"),
                 double(history.evicted(EventHistory::Eviction::Capacity))},
                {QStringLiteral("bytes"), double(history.evicted(EventHistory::Eviction::Bytes))},
                {QStringLiteral("age"), double(history.evicted(EventHistory::Eviction::Age))}});
    }
    // Cluster mode: the shared Stream, as last read (about once a second); GET /history's
    // source. Null in embedded mode and before the first read.
    QJsonValue stream;
    if (m_redis && m_redis->streamFigures().known) {
        const RedisBroker::StreamFigures &f = m_redis->streamFigures();
        quint64 oldest = 0;
        const bool hasOldest = packStreamId(f.oldestId, &oldest);
        const qint64 oldestAt = qint64((oldest & ~StreamIdFlag) >> StreamIdSeqBits);
        auto id = [](const QByteArray &text) {
            return text.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(text));
        };
        stream = QJsonObject {
            {QStringLiteral("events"), double(f.events)},
            {QStringLiteral("bytes"), double(f.bytes)},
            {QStringLiteral("oldest_id"), id(f.oldestId)},
            {QStringLiteral("newest_id"), id(f.newestId)},
            {QStringLiteral("oldest_timestamp"),
             hasOldest ? QJsonValue(double(oldestAt)) : QJsonValue()},
            {QStringLiteral("oldest_age_ms"),
             hasOldest ? QJsonValue(double(qMax<qint64>(0, Clock::wallMs() - oldestAt)))
                       : QJsonValue()},
            {QStringLiteral("horizon"), f.horizon ? id(formatEventId(f.horizon)) : QJsonValue()}};
    }
    o.insert(QStringLiteral("history_stream"), stream);
    return o;
}

} // namespace ssehub
