#include "engine/engine.h"

#include "broker/localbroker.h"
#include "core/clock.h"
#include "core/net.h"
#include "core/logcategories.h"
#include "http/httpfront.h"
#include "hub/hub.h"
#include "hub/subscriptionstore.h"
#include "observe/metrics.h"
#include "proto/topicfilter.h"
#include "redis/clusterstate.h"
#include "redis/redisbroker.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QSysInfo>
#include <QThread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace ssehub {

namespace {

// The HTTP front's limits, CORS origins and retry hint from the configuration (at start and on
// reconfigure()).
void applyLimits(HttpFront::Options *front, const Engine::Config &config)
{
    front->maxConnections = config.maxConnections;
    front->maxConnectionsPerIp = config.maxConnectionsPerIp;
    front->maxStreamsPerClient = config.maxStreamsPerClient;
    front->publishRate = config.publishRate;
    front->publishBurst = config.publishBurst;
    front->retryMs = config.retryMs;
    front->maxBodyBytes = config.maxBodyBytes;
    front->maxFiltersPerStream = config.maxFiltersPerStream;
    front->maxTopicBytes = qBound<qsizetype>(1, config.maxTopicBytes, MaxTopicBytes);
    front->requestTimeoutMs = config.requestTimeoutMs;
    front->keepAliveTimeoutMs = config.keepAliveTimeoutMs;
    front->corsOrigins = config.corsOrigins;
    front->allowedHosts = config.allowedHosts;
}

} // namespace

Engine::Engine(const Config &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    qRegisterMetaType<ssehub::EngineStats>();
    qRegisterMetaType<ssehub::SnapshotPtr>();
    qRegisterMetaType<ssehub::StreamDetail>();
}

Engine::~Engine()
{
    stop();
}

bool Engine::start(QString *error)
{
    m_startedAt = Clock::wallMs();
    ConnectionLog::Limits logLimits;
    logLimits.capacity = m_config.logCapacity;
    logLimits.maxBytes = m_config.logMaxBytes;
    logLimits.coalesceMs = m_config.logCoalesceMs;
    m_log = new ConnectionLog(logLimits, this);
    if (!m_config.logFile.isEmpty()) {
        m_logFile = new RollingLogFile(m_config.logFile, m_config.logFileMaxBytes,
                                       m_config.logFileKeep, this);
        if (!m_logFile->open(error))
            return false;
        connect(m_log, &ConnectionLog::appended, m_logFile, &RollingLogFile::append);
    }
    if (m_config.redisUrl.isEmpty()) {
        m_broker = new LocalBroker(m_config.historySize, m_config.historyBytes, this);
    } else {
        RedisBroker::Options redisOptions;
        redisOptions.redis.backoffMaxMs = qMax(1, m_config.redisBackoffMaxMs);
        redisOptions.redis.backoffInitialMs = qMin(100, redisOptions.redis.backoffMaxMs);
        redisOptions.redis.connectTimeoutMs = qMax(1, m_config.redisTimeoutMs);
        redisOptions.redis.commandTimeoutMs = qMax(1, m_config.redisTimeoutMs);
        if (!RedisBroker::parseUrl(m_config.redisUrl, &redisOptions.redis, error))
            return false;
        redisOptions.prefix = m_config.redisPrefix;
        redisOptions.historySize = m_config.historySize;
        redisOptions.historyBytes = m_config.historyBytes;
        m_redis = new RedisBroker(redisOptions, this);
        m_broker = m_redis;
    }

    Hub::Options hubOptions;
    hubOptions.connection.heartbeatMs = qMax(1, m_config.heartbeatMs);
    hubOptions.connection.maxQueueBytes = m_config.maxQueueBytes;
    hubOptions.lifecycle = m_config.lifecycle;
    hubOptions.nodeId = m_config.nodeId;
    m_hub = new Hub(hubOptions, m_broker, m_log, this);
    // glibc keeps what closed streams freed in its arenas: after a large drop in streams it is
    // handed back to the system, once, from a timer (not per close).
    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(1000);
    connect(&m_trimTimer, &QTimer::timeout, this, &Engine::releaseFreedMemory);
    connect(m_hub, &Hub::connectionCountChanged, this, [this](int count) {
        m_streamPeakSinceTrim = qMax(m_streamPeakSinceTrim, count);
        if (m_streamPeakSinceTrim - count < TrimAfterStreamDrop)
            return;
        // Once the closing has settled: every further change restarts the timer, for at most
        // ten seconds after the drop was first seen.
        const qint64 now = Clock::monotonicMs();
        if (!m_trimTimer.isActive())
            m_trimArmedMs = now;
        if (now - m_trimArmedMs < 10000)
            m_trimTimer.start();
    });
    // The hub enforces the rules too, from the first stored subscription it loads.
    Authenticator authenticator;
    if (!loadAuthenticator(&authenticator, error))
        return false;
    m_hub->setAuthenticator(authenticator);
    if (m_redis) {
        connect(m_redis, &RedisBroker::historyLost, m_hub,
                [hub = m_hub](quint64 resumeId, quint64 affectedUpTo) {
                    hub->resetAll(resumeId, "history-lost", affectedUpTo);
                });
        // Every Redis outage the console shows as a banner is in the log too, with its length.
        connect(m_redis, &RedisBroker::outageEnded, m_log,
                [log = m_log](qint64 fromMs, qint64 toMs, quint64 refused, const QString &text) {
                    LogEntry entry;
                    entry.kind = LogEntry::Kind::Broker;
                    entry.time = toMs;
                    entry.reason = QStringLiteral("redis-unreachable");
                    entry.detail = text;
                    entry.count = 1;
                    Q_UNUSED(fromMs);
                    Q_UNUSED(refused);
                    log->append(entry);
                });
        connect(m_redis, &RedisBroker::dataLost, m_log, [log = m_log, redis = m_redis] {
            LogEntry entry;
            entry.kind = LogEntry::Kind::Broker;
            entry.reason = QStringLiteral("redis-data-lost");
            entry.detail = QStringLiteral("Redis at %1 lost its data (the marker key is gone: "
                                          "FLUSHALL, FLUSHDB or a restart without persistence); "
                                          "subscriptions and the node were written back, live "
                                          "streams were sent a reset")
                               .arg(redis->address());
            log->append(entry);
        });
    } else if (!m_config.dataDir.isEmpty()) {
        const QString problem = m_hub->attachStore(std::make_unique<FileSubscriptionStore>(
            QDir(m_config.dataDir).filePath(QStringLiteral("subscriptions.json"))));
        if (!problem.isEmpty()) {
            qCWarning(lcEngine).noquote() << problem;
            m_startProblems << problem;
        }
    }
    m_broker->setSink([this](const EventPtr &event) {
        observe(event);
        return m_hub->deliver(event);
    });

    HttpFront::Options frontOptions;
    if (!m_config.tlsCertFile.isEmpty() || !m_config.tlsKeyFile.isEmpty()
        || !m_config.tlsClientCaFile.isEmpty()) {
        QSslConfiguration tls;
        if (!loadTls(&tls, error))
            return false;
        frontOptions.tls = tls;
    }
    frontOptions.auth = authenticator;
    applyLimits(&frontOptions, m_config);
    m_front = new HttpFront(frontOptions, m_hub, m_broker, this);
    m_front->setLog(m_log);
    for (const QByteArray &topic : std::as_const(m_config.metricsTopics))
        m_metricTopics.insert(topic, 0);
    m_front->setRoute("/metrics", true, [this](const HttpFront::RouteRequest &) {
        return HttpFront::Reply {200, "text/plain; version=0.0.4; charset=utf-8", metricsText()};
    });
    m_front->setRoute("/stats", true, [this](const HttpFront::RouteRequest &request) {
        // ?streams=1 adds one object per live stream.
        const bool streams = request.query.split('&').contains("streams=1");
        return HttpFront::Reply {200, "application/json",
                                 QJsonDocument(statsJson(streams)).toJson(QJsonDocument::Compact)};
    });
    m_front->setRoute("/healthz", false, [](const HttpFront::RouteRequest &) {
        return HttpFront::Reply {200, "application/json", "{\"status\":\"alive\"}"};
    });
    m_front->setRoute("/readyz", false, [this](const HttpFront::RouteRequest &) {
        QString reason;
        const bool ready = isReady(&reason);
        QJsonObject body {{QStringLiteral("status"),
                           ready ? QStringLiteral("ready") : QStringLiteral("not ready")}};
        if (!ready)
            body.insert(QStringLiteral("reason"), reason);
        return HttpFront::Reply {ready ? 200 : 503, "application/json",
                                 QJsonDocument(body).toJson(QJsonDocument::Compact)};
    });
    if (!m_front->listenOn(m_config.listenAddress, m_config.port, m_config.listenBacklog, error))
        return false;
    if (m_config.nodeId.isEmpty())
        m_hub->setNodeId(QSysInfo::machineHostName() + QLatin1Char(':') + QString::number(port()));
    m_front->setRoute("/nodes", true, [this](const HttpFront::RouteRequest &) {
        return HttpFront::Reply {200, "application/json",
                                 QJsonDocument(nodesJson()).toJson(QJsonDocument::Compact)};
    });
    if (m_redis) {
        ClusterState::Options clusterOptions;
        clusterOptions.nodeId = m_hub->nodeId();
        clusterOptions.address = listenUrl();
        clusterOptions.startedAt = m_startedAt;
        clusterOptions.deleteAfterMs = m_config.lifecycle.deleteAfterMs;
        clusterOptions.refreshMs = m_config.nodeRefreshMs;
        clusterOptions.ttlMs = m_config.nodeTtlMs;
        m_cluster = new ClusterState(clusterOptions, m_redis, m_hub, this);
        m_cluster->setNodeFigures([this] { return selfJson(); });
    }
    qCInfo(lcEngine).noquote() << "listening on" << listenUrl() << "with the" << m_broker->name()
                               << "broker";
    if (!frontOptions.auth.isEnabled() && !m_front->address().isLoopback()) {
        const QString warning
            = QStringLiteral("listening on %1 without authentication: anyone who can reach it can "
                             "subscribe, publish and use the admin routes; set --jwt-secret-file "
                             "and --acl, or listen on 127.0.0.1")
                  .arg(listenUrl());
        qCWarning(lcEngine).noquote() << warning;
        m_startProblems << warning;
    }
    for (const QString &warning : accessWarnings(frontOptions.auth, m_config.corsOrigins)) {
        qCWarning(lcEngine).noquote() << warning;
        m_startProblems << warning;
    }
    if (m_redis)
        m_redis->start();

    // Console snapshots: the timer runs only while a console is attached.
    m_snapshotTimer.setInterval(qMax(50, m_config.statsIntervalMs));
    connect(&m_snapshotTimer, &QTimer::timeout, this, &Engine::takeSnapshot);
    if (m_consoleAttached)
        m_snapshotTimer.start();
    return true;
}

bool Engine::loadTls(QSslConfiguration *out, QString *error) const
{
    if (m_config.tlsCertFile.isEmpty() || m_config.tlsKeyFile.isEmpty()) {
        *error = QStringLiteral("HTTPS needs both --tls-cert and --tls-key");
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_config.tlsCertFile);
    if (chain.isEmpty()) {
        *error = QStringLiteral("no PEM certificate in %1").arg(m_config.tlsCertFile);
        return false;
    }
    QFile keyFile(m_config.tlsKeyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS key %1: %2")
                     .arg(m_config.tlsKeyFile, keyFile.errorString());
        return false;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec);
    if (key.isNull()) {
        *error = QStringLiteral("no unencrypted PEM RSA or EC private key in %1")
                     .arg(m_config.tlsKeyFile);
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (!m_config.tlsClientCaFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_config.tlsClientCaFile);
        if (cas.isEmpty()) {
            *error = QStringLiteral("no PEM certificate in the client CA file %1")
                         .arg(m_config.tlsClientCaFile);
            return false;
        }
        tls.setCaCertificates(cas); // only these: the system's CAs sign no client of ours
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    } else {
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    *out = tls;
    return true;
}

bool Engine::loadAuthenticator(Authenticator *out, QString *error) const
{
    Authenticator::Options authOptions;
    authOptions.clientCertificates = !m_config.tlsClientCaFile.isEmpty();
    authOptions.cookieName = m_config.jwtCookie;
    authOptions.leewayMs = m_config.jwtLeewayMs;
    authOptions.allowTokensWithoutExp = m_config.allowTokensWithoutExp;
    if (!m_config.jwtSecretFile.isEmpty()) {
        QFile file(m_config.jwtSecretFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the JWT secret file %1: %2")
                         .arg(m_config.jwtSecretFile, file.errorString());
            return false;
        }
        QByteArray secret = file.read(4096);
        while (secret.endsWith('\n') || secret.endsWith('\r'))
            secret.chop(1);
        if (secret.size() < 32) {
            *error = QStringLiteral("the JWT secret in %1 is %2 bytes; HS256 needs at least 32 "
                                    "(e.g. head -c 48 /dev/urandom | base64 > %1)")
                         .arg(m_config.jwtSecretFile)
                         .arg(secret.size());
            return false;
        }
        authOptions.jwtSecret = secret;
    }
    if (!m_config.aclFile.isEmpty()) {
        HubResult<Acl> acl = Acl::fromFile(m_config.aclFile);
        if (!acl.ok()) {
            *error = acl.failure().message;
            return false;
        }
        authOptions.acl = std::move(acl.value());
    }

    *out = Authenticator(authOptions);
    return true;
}

QStringList Engine::accessWarnings(const Authenticator &auth, const QStringList &corsOrigins)
{
    QStringList warnings;
    const QString anonymous = auth.acl().anonymousRole();
    if (auth.acl().isEnabled() && !anonymous.isEmpty()) {
        Identity nobody;
        nobody.roles.insert(anonymous);
        if (auth.acl().isAdmin(nobody))
            warnings << QStringLiteral(
                            "the ACL gives requests without credentials the role '%1', which has "
                            "admin rights: anyone who can reach this hub can read /stats, /log "
                            "and /metrics, kick clients and change their subscriptions; give "
                            "'anonymous' a role without \"admin\": true")
                            .arg(anonymous);
    }
    if (!auth.isEnabled() && corsOrigins.contains(QStringLiteral("*")))
        warnings << QStringLiteral(
            "--cors-origin '*' on a hub without authentication: any web page opened in a browser "
            "that can reach this hub can subscribe, publish and use the admin routes through it; "
            "name the allowed origins, or set --jwt-secret-file and --acl");
    return warnings;
}

QString Engine::reloadAccess(bool *ok)
{
    *ok = false;
    if (!m_front)
        return QStringLiteral("the engine is not running");
    if (m_config.aclFile.isEmpty() && m_config.jwtSecretFile.isEmpty())
        return QStringLiteral("nothing to reload: no --acl or --jwt-secret-file");
    Authenticator authenticator;
    QString error;
    if (!loadAuthenticator(&authenticator, &error)) {
        qCWarning(lcEngine).noquote()
            << "access rules not reloaded:" << error << "- the previous rules stay in force";
        return error + QStringLiteral(" - the previous rules stay in force");
    }
    m_front->setAuthenticator(authenticator);
    int ended = 0;
    const int removed = m_hub->recheckAccess(authenticator, &ended);
    *ok = true;
    const QString message
        = QStringLiteral("access rules reloaded; %1 subscription(s) no longer allowed were "
                         "removed; %2 stream(s) whose credentials no longer hold were ended")
              .arg(removed)
              .arg(ended);
    qCInfo(lcEngine).noquote() << message;
    return message;
}

void Engine::stop()
{
    m_snapshotTimer.stop();
    if (m_front)
        m_front->stopListening();
    if (m_hub)
        m_hub->closeAll(CloseReason::Shutdown);
    if (m_log)
        m_log->closeWindows(); // coalesced auth failures reach the log file with their counts
    if (m_log && !m_config.exportLogPath.isEmpty()) {
        // Once: after the last disconnects, so that they are in it.
        QString error;
        if (writeLogExport(m_config.exportLogPath, m_log->entries(),
                           logFormatForPath(m_config.exportLogPath), &error))
            qCInfo(lcEngine).noquote() << "connection log written to" << m_config.exportLogPath;
        else
            qCWarning(lcEngine).noquote()
                << error << "- the connection log was not exported; check the --export-log path";
        m_config.exportLogPath.clear();
    }
    if (m_logFile)
        m_logFile->flush();
}

quint16 Engine::port() const
{
    return m_front ? m_front->port() : 0;
}

QString Engine::listenUrl() const
{
    if (!m_front)
        return {};
    const QHostAddress address = m_front->address();
    return (m_config.tlsCertFile.isEmpty() ? QStringLiteral("http://") : QStringLiteral("https://"))
        + hostPort(address, port());
}

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
    if (m_broker) {
        s.broker = m_broker->name();
        s.brokerState = m_broker->state();
        s.brokerReady = m_broker->isReady();
        if (m_cluster)
            s.nodes = m_cluster->nodes();
        s.historySize = m_broker->history().size();
        s.historyBytes = m_broker->history().bytes();
    }
    if (m_hub) {
        const HubCounters &c = m_hub->counters();
        s.connections = m_hub->connectionCount();
        s.clients = m_hub->clientCount();
        s.connectionsOpened = c.connectionsOpened;
        s.eventsDelivered = c.eventsDelivered;
        s.slowConsumerCloses = c.slowConsumerCloses;
        s.deadCloses = c.deadCloses;
    }
    if (m_front) {
        s.eventsPublished = m_front->counters().published + m_consolePublished;
        s.requests = m_front->counters().requests;
        s.rejectedRequests = m_front->counters().rejected;
        s.authFailures = m_front->counters().authFailures;
        s.connectionLimitRejections = m_front->counters().connectionLimitRejections;
        s.rateLimitRejections = m_front->counters().rateLimitRejections;
    }
    return s;
}

// --- The console ----------------------------------------------------------------------------

void Engine::setConsoleAttached(bool attached)
{
    if (attached == m_consoleAttached)
        return;
    m_consoleAttached = attached;
    m_recent.clear();
    setTail({});
    if (attached && m_log) {
        // The first snapshot carries the log kept so far.
        m_logSeen = m_log->totalAppended() - quint64(m_log->size());
    }
    if (attached && m_hub) {
        m_snapshotTimer.start();
        QTimer::singleShot(0, this, &Engine::takeSnapshot);
    } else {
        m_snapshotTimer.stop();
    }
}

void Engine::observe(const EventPtr &event)
{
    // Per event: one hash lookup (per-topic figures for the console, /stats and /metrics);
    // while the console watches also two shared pointers (recent events, tail).
    constexpr int MaxTopics = 10000;
    constexpr size_t RecentEvents = 512;
    constexpr qsizetype TailPerSnapshot = 1000;
    auto it = m_topics.find(event->topic);
    if (it == m_topics.end()) {
        if (m_topics.size() >= MaxTopics) {
            // Forget the quieter half rather than grow without bound.
            QList<qint64> times;
            times.reserve(m_topics.size());
            for (const TopicActivity &topic : std::as_const(m_topics))
                times.append(topic.last->timestamp);
            std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
            const qint64 cut = times.at(times.size() / 2);
            m_topics.removeIf(
                [cut](const auto &entry) { return entry.value().last->timestamp <= cut; });
        }
        it = m_topics.insert(event->topic, TopicActivity());
    }
    // The event is kept, not copied: type and preview are read from it when a snapshot is made.
    ++it->events;
    it->last = event;
    if (!m_metricTopics.isEmpty()) {
        if (auto counted = m_metricTopics.find(event->topic); counted != m_metricTopics.end())
            ++*counted;
    }
    if (!m_consoleAttached)
        return;
    m_recent.push_back(event);
    if (m_recent.size() > RecentEvents)
        m_recent.pop_front();
    if (m_tailFilter && m_tailFilter->matches(event->topic)) {
        if (m_tail.size() < TailPerSnapshot)
            m_tail.append(event);
        else
            ++m_tailDropped;
    }
}

SnapshotPtr Engine::takeSnapshot()
{
    if (!m_hub || !m_consoleAttached)
        return {};
    std::shared_ptr<ConsoleSnapshot> snapshot = makeSnapshot(true);
    snapshot->revision = ++m_snapshotRevision;
    snapshot->log = m_log->entriesAfter(m_logSeen);
    m_logSeen = m_log->totalAppended();
    if (m_tailFilter)
        snapshot->tailFilter = m_tailFilter->text();
    snapshot->tail = std::exchange(m_tail, {});
    snapshot->tailDropped = std::exchange(m_tailDropped, 0);
    SnapshotPtr shared = std::move(snapshot);
    Q_EMIT snapshotReady(shared);
    return shared;
}

std::shared_ptr<ConsoleSnapshot> Engine::makeSnapshot(bool withStreams) const
{
    auto snapshot = std::make_shared<ConsoleSnapshot>();
    if (!m_hub)
        return snapshot;
    snapshot->revision = m_snapshotRevision;
    snapshot->stats = stats();
    snapshot->monotonicMs = Clock::monotonicMs();
    snapshot->wallMs = Clock::wallMs();
    snapshot->heartbeatMs = m_hub->streamOptions().heartbeatMs;
    snapshot->maxQueueBytes = m_hub->streamOptions().maxQueueBytes;
    snapshot->clients = m_hub->clientCount();
    snapshot->heartbeatsSent = m_hub->counters().heartbeatsSent;

    const QList<const SseStream *> connections = m_hub->connections();
    if (withStreams)
        snapshot->connections.reserve(size_t(connections.size()));
    quint64 bytesOut = m_hub->counters().bytesOfClosedStreams;
    quint64 replayed = m_hub->counters().replayedOfClosedStreams;
    quint64 resets = m_hub->counters().resetsOfClosedStreams;
    for (const SseStream *c : connections) {
        replayed += c->eventsReplayed();
        resets += c->resetsSent();
        bytesOut += c->bytesSent();
        if (!withStreams)
            continue;
        StreamRow row;
        row.id = c->id();
        row.clientId = c->client()->id;
        row.remote = c->remote();
        row.userAgent = c->userAgent();
        row.filters = c->filters().join(' ');
        for (const Subscription &s : c->client()->subscriptions)
            row.pausedFilters += s.state == Subscription::State::Paused ? 1 : 0;
        row.connectedAt = c->connectedAt();
        row.eventsSent = c->eventsSent();
        row.bytesSent = c->bytesSent();
        row.bytesQueued = c->bytesQueued();
        row.lastProgressMs = c->lastProgressMs();
        const bool stalled = row.bytesQueued > 0
            && snapshot->monotonicMs - row.lastProgressMs >= snapshot->heartbeatMs;
        row.state = c->state() == SseStream::State::Closed ? StreamRow::State::Closing
            : c->state() == SseStream::State::Replaying    ? StreamRow::State::Replaying
            : stalled || row.bytesQueued >= snapshot->maxQueueBytes / 4 ? StreamRow::State::Slow
                                                                        : StreamRow::State::Live;
        snapshot->connections.push_back(std::move(row));
    }
    std::sort(snapshot->connections.begin(), snapshot->connections.end(),
              [](const StreamRow &a, const StreamRow &b) { return a.id < b.id; });
    snapshot->bytesOut = bytesOut;
    snapshot->eventsReplayed = replayed;
    snapshot->resetsSent = resets;

    QHash<QByteArray, FilterRow> filters;
    int *byState = snapshot->subscriptions;
    m_hub->forEachClient([&filters, byState](const Client &client) {
        for (const Subscription &s : client.subscriptions) {
            ++byState[int(s.state)];
            if (s.state != Subscription::State::Active && s.state != Subscription::State::Paused)
                continue;
            FilterRow &row = filters[s.filter.text()];
            if (s.state == Subscription::State::Active) {
                ++row.active;
                row.streams += int(client.streams.size());
            } else {
                ++row.paused;
            }
        }
    });
    snapshot->filters.reserve(size_t(filters.size()));
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        it->filter = it.key();
        snapshot->filters.push_back(*it);
    }
    std::sort(snapshot->filters.begin(), snapshot->filters.end(),
              [](const FilterRow &a, const FilterRow &b) { return a.filter < b.filter; });
    snapshot->topics.reserve(size_t(m_topics.size()));
    for (auto it = m_topics.cbegin(); it != m_topics.cend(); ++it)
        snapshot->topics.push_back(TopicRow {it.key(), it->events, it->last->timestamp,
                                             it->last->type, it->last->payload.left(200)});
    std::sort(snapshot->topics.begin(), snapshot->topics.end(),
              [](const TopicRow &a, const TopicRow &b) { return a.topic < b.topic; });

    return snapshot;
}

StreamDetail Engine::streamDetail(quint64 connectionId) const
{
    StreamDetail detail;
    detail.id = connectionId;
    const SseStream *c = m_hub ? m_hub->connection(connectionId) : nullptr;
    if (c) {
        detail.found = true;
        detail.clientId = c->client()->id;
        detail.subscriptions = c->client()->subscriptions.values();
        const qint64 since = c->connectedAt();
        for (auto it = m_recent.rbegin(); it != m_recent.rend() && detail.recentEvents.size() < 20;
             ++it) {
            const EventPtr &event = *it;
            if (event->timestamp >= since && event->id <= c->lastSentId()
                && c->client()->matchesActive(event->topic))
                detail.recentEvents.append(event);
        }
    }
    return detail;
}

QString Engine::setTail(const QByteArray &filter)
{
    if (m_tailFilter && m_broker)
        m_broker->unwatch(m_tailFilter->text());
    m_tailFilter.reset();
    m_tail.clear();
    m_tailDropped = 0;
    if (filter.isEmpty())
        return {};
    QString error;
    const TopicFilter parsed = TopicFilter::parse(filter, &error);
    if (!error.isEmpty())
        return error;
    m_tailFilter = parsed;
    if (m_broker)
        m_broker->watch(parsed.text()); // cluster mode: receive it even with no stream on it
    return {};
}

void Engine::publish(const PublishRequest &request, Broker::Done done)
{
    if (!m_broker) {
        done(HubFailure {HubError::Unavailable, QStringLiteral("the engine is not running")});
        return;
    }
    m_broker->publish(request, [this, done = std::move(done)](const PublishResult &result) {
        if (result.ok())
            ++m_consolePublished;
        done(result);
    });
}

HubResult<void> Engine::setClientPaused(const QString &clientId, bool paused)
{
    if (!m_hub)
        return HubFailure {HubError::Unavailable, QStringLiteral("the engine is not running")};
    const HubResult<Client> changed = m_hub->changeSubscriptions(
        clientId, nullptr, paused ? Subscription::State::Paused : Subscription::State::Active, {},
        false, false);
    if (!changed.ok())
        return changed.failure();
    return {};
}

QString Engine::reconfigure(const Config &next, bool *ok)
{
    // What a running engine can take over: limits, CORS, the retry hint, access rules (files
    // and their contents), drain time, per-topic metrics, the export path. The rest is listed
    // as needing a restart.
    QStringList restart;
    auto differs = [&restart](bool changed, const char *key) {
        if (changed)
            restart << QLatin1String(key);
    };
    const Config &c = m_config;
    differs(c.listenAddress != next.listenAddress || c.port != next.port, "listen");
    differs(c.heartbeatMs != next.heartbeatMs, "heartbeat");
    differs(c.historySize != next.historySize, "history");
    differs(c.historyBytes != next.historyBytes, "history-bytes");
    differs(c.maxQueueBytes != next.maxQueueBytes, "max-queue");
    differs(c.dataDir != next.dataDir, "data-dir");
    differs(c.lifecycle.graceMs != next.lifecycle.graceMs
                || c.lifecycle.archiveAfterMs != next.lifecycle.archiveAfterMs
                || c.lifecycle.deleteAfterMs != next.lifecycle.deleteAfterMs,
            "subscription-*");
    differs(c.lifecycle.maxClients != next.lifecycle.maxClients, "max-clients");
    differs(c.lifecycle.maxSubscriptions != next.lifecycle.maxSubscriptions, "max-subscriptions");
    differs(c.redisUrl != next.redisUrl, "redis");
    differs(c.redisPrefix != next.redisPrefix, "redis-prefix");
    differs(!next.nodeId.isEmpty() && c.nodeId != next.nodeId, "node-id");
    differs(c.tlsCertFile != next.tlsCertFile || c.tlsKeyFile != next.tlsKeyFile
                || c.tlsClientCaFile != next.tlsClientCaFile,
            "tls-*");
    differs(c.jwtCookie != next.jwtCookie || c.jwtLeewayMs != next.jwtLeewayMs,
            "jwt-cookie/jwt-leeway");
    differs(c.logFile != next.logFile || c.logFileMaxBytes != next.logFileMaxBytes
                || c.logFileKeep != next.logFileKeep,
            "log-file");

    const Config previous = m_config;
    const bool removesAccessControl = next.aclFile.isEmpty() && next.jwtSecretFile.isEmpty()
        && (!previous.aclFile.isEmpty() || !previous.jwtSecretFile.isEmpty());
    if (removesAccessControl) {
        // Opening a running server to everyone is not done by a reload.
        restart << QStringLiteral("acl/jwt-secret-file (removed)");
    } else {
        m_config.aclFile = next.aclFile;
        m_config.jwtSecretFile = next.jwtSecretFile;
        m_config.allowTokensWithoutExp = next.allowTokensWithoutExp;
    }
    bool accessOk = true;
    const bool accessConfigured = !m_config.aclFile.isEmpty() || !m_config.jwtSecretFile.isEmpty()
        || !previous.aclFile.isEmpty() || !previous.jwtSecretFile.isEmpty();
    const QString access
        = accessConfigured ? reloadAccess(&accessOk) : QStringLiteral("none configured");
    if (!accessOk) {
        m_config.aclFile = previous.aclFile;
        m_config.jwtSecretFile = previous.jwtSecretFile;
        m_config.allowTokensWithoutExp = previous.allowTokensWithoutExp;
        *ok = false;
        return access;
    }
    m_config.maxConnections = next.maxConnections;
    m_config.maxConnectionsPerIp = next.maxConnectionsPerIp;
    m_config.maxStreamsPerClient = next.maxStreamsPerClient;
    m_config.publishRate = next.publishRate;
    m_config.publishBurst = next.publishBurst;
    m_config.retryMs = next.retryMs;
    m_config.maxBodyBytes = next.maxBodyBytes;
    m_config.maxFiltersPerStream = next.maxFiltersPerStream;
    m_config.maxTopicBytes = next.maxTopicBytes;
    m_config.requestTimeoutMs = next.requestTimeoutMs;
    m_config.corsOrigins = next.corsOrigins;
    m_config.allowedHosts = next.allowedHosts;
    m_config.drainMs = next.drainMs;
    m_config.exportLogPath = next.exportLogPath;
    m_config.metricsTopics = next.metricsTopics;
    if (m_front) {
        HttpFront::Options limits;
        applyLimits(&limits, m_config);
        m_front->setLimits(limits);
    }
    QHash<QByteArray, quint64> counted;
    for (const QByteArray &topic : std::as_const(m_config.metricsTopics))
        counted.insert(topic, m_metricTopics.value(topic));
    m_metricTopics = counted;
    *ok = true;
    QString message = QStringLiteral("configuration reloaded (limits, CORS, retry, drain time, "
                                     "metrics topics, access rules: %1)")
                          .arg(access);
    if (!restart.isEmpty())
        message += QStringLiteral("; these changed but need a restart to apply: %1")
                       .arg(restart.join(QStringLiteral(", ")));
    if (m_front) {
        // The same warnings as at start, for what the reload put in force.
        for (const QString &warning :
             accessWarnings(m_front->authenticator(), m_config.corsOrigins)) {
            qCWarning(lcEngine).noquote() << warning;
            message += QStringLiteral("; warning: ") + warning;
        }
    }
    return message;
}

void Engine::drain(std::function<void()> done, CloseReason reason, const QString &cause)
{
    // Stop taking connections, tell every stream to come back later, let queued bytes go out,
    // then close; bounded by drainMs.
    if (m_front)
        m_front->stopListening();
    if (!m_hub) {
        done();
        return;
    }
    qCInfo(lcEngine).noquote() << "draining" << m_hub->connectionCount() << "stream(s) for at most"
                               << m_config.drainMs << "ms"
                               << (cause.isEmpty() ? QString() : QStringLiteral("(%1)").arg(cause));
    m_hub->drain(m_config.retryMs, m_config.drainMs, reason, cause, [this, done = std::move(done)] {
        m_hub->saveNow();
        m_log->closeWindows();
        if (m_logFile)
            m_logFile->flush();
        if (m_snapshotTimer.isActive())
            takeSnapshot(); // the closes, before the console lets go of this engine
        done();
    });
}

bool Engine::isReady(QString *reason) const
{
    if (!m_front || !m_front->isListening()) {
        *reason = QStringLiteral("not listening");
        return false;
    }
    if (m_broker && !m_broker->isReady()) {
        // Public: the broker's address and error stay in the admin routes (/stats, /nodes) and
        // the log.
        *reason = QStringLiteral("broker %1 unavailable").arg(m_broker->name());
        return false;
    }
    if (m_hub && !m_hub->sharedStateLoaded()) {
        *reason = QStringLiteral("shared subscriptions not loaded yet");
        return false;
    }
    return true;
}

void Engine::releaseFreedMemory()
{
    const int streams = m_hub ? m_hub->connectionCount() : 0;
    const int dropped = m_streamPeakSinceTrim - streams;
    m_streamPeakSinceTrim = streams;
#ifdef __GLIBC__
    QElapsedTimer took;
    took.start();
    ::malloc_trim(0);
    qCDebug(lcEngine).noquote() << "returned freed memory to the system after" << dropped
                                << "streams closed (malloc_trim," << took.elapsed() << "ms)";
#else
    Q_UNUSED(dropped);
#endif
}

QByteArray Engine::metricsText() const
{
    MetricsWriter m;
    const std::shared_ptr<ConsoleSnapshot> s = makeSnapshot(false);
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
    m.counter("ssehub_requests_total", "HTTP requests handled.", double(st.requests));
    m.counter("ssehub_auth_failures_total",
              "Requests refused with 401 or 403, and refused TLS "
              "handshakes.",
              double(st.authFailures));
    m.counter("ssehub_limit_rejections_total", "Requests refused by a limit, by reason.",
              double(st.connectionLimitRejections), {{"reason", "connections"}});
    m.counter("ssehub_limit_rejections_total", "Requests refused by a limit, by reason.",
              double(st.rateLimitRejections), {{"reason", "publish-rate"}});
    m.counter("ssehub_accept_errors_total",
              "Connections not accepted, by reason (fd-limit: out of file descriptors; "
              "accepting pauses and resumes when descriptors are freed).",
              double(m_front ? m_front->acceptFdLimitHits() : 0), {{"reason", "fd-limit"}});
    m.gauge("ssehub_accept_paused", "1 while accepting is paused for want of file descriptors.",
            m_front && m_front->acceptPaused() ? 1 : 0);
    m.gauge("ssehub_history_events", "Events retained for replay on this instance.",
            double(st.historySize));
    m.gauge("ssehub_history_bytes", "Bytes the retained events hold (bounded by --history-bytes).",
            double(st.historyBytes));
    const EventPtr oldest = m_broker ? m_broker->history().oldest() : nullptr;
    m.gauge("ssehub_history_oldest_timestamp_seconds",
            "When the oldest retained event was published (0: none).",
            oldest ? double(oldest->timestamp) / 1000.0 : 0);
    m.gauge("ssehub_broker_ready",
            "1 when events can be published (cluster mode: Redis "
            "reachable).",
            st.brokerReady ? 1 : 0);
    if (m_redis) {
        m.gauge("ssehub_redis_connected", "1 while both Redis connections are up.",
                m_redis->commands()->state() == RedisConnection::State::Ready
                        && m_redis->subscriber()->state() == RedisConnection::State::Ready
                    ? 1
                    : 0);
        m.counter("ssehub_redis_reconnects_total", "Reconnections to Redis after a loss.",
                  double(m_redis->commands()->reconnects() + m_redis->subscriber()->reconnects()));
    }
    if (m_hub && m_hub->hasStore()) {
        const Hub::StoreCounters store = m_hub->storeCounters();
        m.counter("ssehub_store_writes_total",
                  "Durable writes of the subscriptions store (one per group of requests).",
                  double(store.writes));
        m.counter("ssehub_store_write_failures_total",
                  "Failed writes of the subscriptions store (waiting requests got 503).",
                  double(store.failures));
        m.gauge("ssehub_store_last_write_seconds",
                "How long the last write of the subscriptions store took.",
                double(store.lastWriteMs) / 1000.0);
    }
    m.gauge("ssehub_start_time_seconds", "When this instance started.",
            double(m_startedAt) / 1000.0);
    m.gauge("ssehub_build_info", "Version of this build.", 1,
            {{"version", SSEHUB_VERSION},
             {"qt", qVersion()},
             {"broker", m_broker ? m_broker->name().toUtf8() : QByteArray()}});
    QList<QByteArray> topics = m_metricTopics.keys();
    std::sort(topics.begin(), topics.end());
    for (const QByteArray &topic : std::as_const(topics))
        m.counter("ssehub_topic_events_total", "Events on a topic listed in --metrics-topics.",
                  double(m_metricTopics.value(topic)), {{"topic", topic}});
    return m.text();
}

QJsonObject Engine::statsJson(bool withConnections) const
{
    const std::shared_ptr<ConsoleSnapshot> s = makeSnapshot(withConnections);
    const EngineStats &st = s->stats;
    QJsonObject subscriptions;
    for (int i = 0; i < 4; ++i)
        subscriptions.insert(Subscription::stateName(Subscription::State(i)), s->subscriptions[i]);
    QJsonArray filters;
    for (const FilterRow &f : s->filters)
        filters.append(QJsonObject {{QStringLiteral("filter"), QString::fromUtf8(f.filter)},
                                    {QStringLiteral("active"), f.active},
                                    {QStringLiteral("paused"), f.paused},
                                    {QStringLiteral("streams"), f.streams}});
    QJsonArray topics;
    for (const TopicRow &t : s->topics)
        topics.append(QJsonObject {{QStringLiteral("topic"), QString::fromUtf8(t.topic)},
                                   {QStringLiteral("events"), double(t.events)},
                                   {QStringLiteral("last_event_at"), double(t.lastEventAt)},
                                   {QStringLiteral("last_type"), QString::fromUtf8(t.lastType)}});
    QJsonObject out {
        {QStringLiteral("listen_url"), st.listenUrl},
        {QStringLiteral("node"), m_hub ? m_hub->nodeId() : QString()},
        {QStringLiteral("broker"), st.broker},
        {QStringLiteral("broker_state"), st.brokerState},
        {QStringLiteral("broker_ready"), st.brokerReady},
        {QStringLiteral("started_at"), double(st.startedAt)},
        {QStringLiteral("uptime_ms"), double(s->wallMs - st.startedAt)},
        {QStringLiteral("heartbeat_ms"), s->heartbeatMs},
        {QStringLiteral("connections"), st.connections},
        {QStringLiteral("clients"), s->clients},
        {QStringLiteral("connections_opened"), double(st.connectionsOpened)},
        {QStringLiteral("events_published"), double(st.eventsPublished)},
        {QStringLiteral("events_delivered"), double(st.eventsDelivered)},
        {QStringLiteral("events_replayed"), double(s->eventsReplayed)},
        {QStringLiteral("resets_sent"), double(s->resetsSent)},
        {QStringLiteral("bytes_out"), double(s->bytesOut)},
        {QStringLiteral("heartbeats_sent"), double(s->heartbeatsSent)},
        {QStringLiteral("slow_consumer_closes"), double(st.slowConsumerCloses)},
        {QStringLiteral("dead_closes"), double(st.deadCloses)},
        {QStringLiteral("requests"), double(st.requests)},
        {QStringLiteral("rejected_requests"), double(st.rejectedRequests)},
        {QStringLiteral("auth_failures"), double(st.authFailures)},
        {QStringLiteral("connection_limit_rejections"), double(st.connectionLimitRejections)},
        {QStringLiteral("rate_limit_rejections"), double(st.rateLimitRejections)},
        {QStringLiteral("history_size"), double(st.historySize)},
        {QStringLiteral("history_bytes"), double(st.historyBytes)},
        {QStringLiteral("subscriptions"), subscriptions},
        {QStringLiteral("filters"), filters},
        {QStringLiteral("topics"), topics},
        {QStringLiteral("nodes"), st.nodes}};
    if (withConnections) {
        QJsonArray rows;
        for (const StreamRow &r : s->connections)
            rows.append(QJsonObject {
                {QStringLiteral("id"), QString::number(r.id)},
                {QStringLiteral("client_id"), r.clientId},
                {QStringLiteral("remote"), r.remote},
                {QStringLiteral("events_sent"), double(r.eventsSent)},
                {QStringLiteral("bytes_queued"), double(r.bytesQueued)},
                {QStringLiteral("silent_ms"), double(s->monotonicMs - r.lastProgressMs)}});
        out.insert(QStringLiteral("streams"), rows);
    }
    return out;
}

} // namespace ssehub
