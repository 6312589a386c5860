#include "engine/engine.h"

#include "auth/authhook.h"
#include "auth/jwksfetcher.h"
#include "broker/localbroker.h"
#include "core/clock.h"
#include "core/logcategories.h"
#include "core/net.h"
#include "engine/accessfiles.h"
#include "engine/consolefeeds.h"
#include "engine/frontlimits.h"
#include "http/httpfront.h"
#include "hub/hub.h"
#include "hub/subscriptionstore.h"
#include "observe/logformat.h"
#include "observe/processresources.h"
#include "observe/rollingfile.h"
#include "observe/snapshotbuilder.h"
#include "proto/topicfilter.h"
#include "redis/clusterstate.h"
#include "redis/redisbroker.h"
#include "redis/redishome.h"
#include "redis/shardedbroker.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLockFile>
#include <QSysInfo>
#include <QThread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace ssehub {

// The HTTP front's limits, CORS origins and retry hint from the configuration (at start and on
// reconfigure()).
void applyLimits(HttpFront::Options *front, const EngineConfig &config)
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

Engine::Engine(const Config &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    qRegisterMetaType<ssehub::EngineStats>();
    qRegisterMetaType<ssehub::SnapshotPtr>();
    qRegisterMetaType<ssehub::StreamDetail>();
}

namespace {

// Holds the data directory's lock for as long as the engine lives. A child of the engine made
// after the hub, so that it is released after the hub has written its store for the last time.
class DataDirLock : public QObject
{
public:
    DataDirLock(const QString &path, QObject *parent)
        : QObject(parent)
        , lock(path)
    {
        lock.setStaleLockTime(0); // stale only when its process is gone, however old
    }
    QLockFile lock;
};

bool lockDataDir(const QString &dir, QObject *engine, QString *error)
{
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create the data directory %1 (--data-dir)").arg(dir);
        return false;
    }
    auto *holder = new DataDirLock(QDir(dir).filePath(QStringLiteral("ssehub.lock")), engine);
    if (holder->lock.tryLock(0))
        return true;
    qint64 pid = 0;
    QString host, app;
    const bool held = holder->lock.error() == QLockFile::LockFailedError
        && holder->lock.getLockInfo(&pid, &host, &app);
    delete holder;
    if (!held) {
        *error = QStringLiteral("cannot lock the data directory %1 (--data-dir): check that it "
                                "is writable")
                     .arg(dir);
        return false;
    }
    *error = QStringLiteral("the data directory %1 is in use by another ssehub (process %2 on "
                            "%3); give each instance its own --data-dir, or --data-dir '' to "
                            "keep subscriptions in memory only")
                 .arg(dir, QString::number(pid), host);
    return false;
}

} // namespace

Engine::~Engine()
{
    stop();
}

bool Engine::start(QString *error, const QString &cause)
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
    if (!startBroker(error))
        return false;

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
    connect(m_hub, &Hub::streamCountChanged, this, [this](int count) {
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
    makeKeySources();
    Authenticator authenticator;
    if (!AccessFiles::loadAuthenticator(m_config, m_keyRing, &authenticator, error))
        return false;
    m_hub->setAuthenticator(authenticator);
    // Every Redis outage the console shows as a banner is in the log too, with its length.
    const auto logOutage = [log = m_log](qint64, qint64 toMs, quint64, const QString &text) {
        LogEntry entry;
        entry.kind = LogEntry::Kind::Broker;
        entry.time = toMs;
        entry.reason = QStringLiteral("redis-unreachable");
        entry.detail = text;
        entry.count = 1;
        log->append(entry);
    };
    if (m_sharded) {
        connect(m_sharded, &ShardedBroker::historyLost, m_hub,
                [hub = m_hub](quint64 resumeId, quint64 affectedUpTo) {
                    hub->resetAll(resumeId, "history-lost", affectedUpTo);
                });
        connect(m_sharded, &ShardedBroker::outageEnded, m_log, logOutage);
    }
    if (m_redis) {
        connect(m_redis, &RedisBroker::historyLost, m_hub,
                [hub = m_hub](quint64 resumeId, quint64 affectedUpTo) {
                    hub->resetAll(resumeId, "history-lost", affectedUpTo);
                });
        connect(m_redis, &RedisBroker::outageEnded, m_log, logOutage);
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
    }
    if (!redisHome() && !m_config.dataDir.isEmpty()) {
        // One instance per data directory: two would overwrite each other's stored clients.
        if (!lockDataDir(m_config.dataDir, this, error))
            return false;
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
        if (!AccessFiles::loadTls(m_config, &tls, error))
            return false;
        frontOptions.tls = tls;
    }
    frontOptions.auth = authenticator;
    applyLimits(&frontOptions, m_config);
    m_front = new HttpFront(frontOptions, m_hub, m_broker, this);
    m_front->setLog(m_log);
    makeAuthHook();
    for (const QByteArray &topic : std::as_const(m_config.metricsTopics))
        m_metricTopics.insert(topic, 0);
    m_front->setRoute("/metrics", true, [this](const HttpFront::RouteRequest &) {
        return HttpFront::Reply {200, "text/plain; version=0.0.4; charset=utf-8", metricsText()};
    });
    m_front->setRoute(
        "/stats", true,
        [this](const HttpFront::RouteRequest &request) {
            // ?streams=1 adds one object per live stream.
            const bool streams = request.query.split('&').contains("streams=1");
            return HttpFront::Reply {
                200, "application/json",
                QJsonDocument(statsJson(streams)).toJson(QJsonDocument::Compact)};
        },
        true);
    m_feeds = new ConsoleFeeds(this);
    HttpFront::ConsoleHooks console;
    console.openFeed
        = [this](QTcpSocket *socket, const QByteArray &lastEventId, const Identity &who) {
              return m_feeds->open(socket, lastEventId, who);
          };
    console.setTail = [this](const QByteArray &feed, const QByteArray &filter) {
        return m_feeds->setTail(feed, filter);
    };
    console.streamDetail = [this](quint64 id) -> HubResult<QJsonObject> {
        const StreamDetail detail = streamDetail(id);
        if (!detail.found)
            return HubFailure {HubError::NotFound, QStringLiteral("no stream with id %1").arg(id)};
        return streamDetailJson(detail);
    };
    console.reloadAccess = [this]() -> HubResult<QJsonObject> {
        bool ok = false;
        const QString message = reloadAccess(&ok);
        if (!ok)
            return HubFailure {HubError::Conflict, message};
        return QJsonObject {{QStringLiteral("message"), message}};
    };
    m_front->setConsoleHooks(std::move(console));
    m_front->setRoute(
        "/clients", true,
        [this](const HttpFront::RouteRequest &request) {
            int status = 200;
            const QByteArray body = clientsJson(request.query, &status);
            return HttpFront::Reply {status, "application/json", body};
        },
        true);
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
    if (RedisHome *home = redisHome()) {
        ClusterState::Options clusterOptions;
        clusterOptions.nodeId = m_hub->nodeId();
        clusterOptions.address = listenUrl();
        clusterOptions.adminUrl = m_config.adminUrl.isEmpty() ? listenUrl() : m_config.adminUrl;
        clusterOptions.startedAt = m_startedAt;
        clusterOptions.deleteAfterMs = m_config.lifecycle.deleteAfterMs;
        clusterOptions.refreshMs = m_config.nodeRefreshMs;
        clusterOptions.ttlMs = m_config.nodeTtlMs;
        m_cluster = new ClusterState(clusterOptions, home, m_hub, this);
        m_cluster->setNodeFigures([this] { return selfJson(); });
    }
    startPresence();
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
    if (m_sharded)
        m_sharded->start();
    startIdentitySources();
    m_started = true;
    logEngine(QStringLiteral("started"),
              QStringLiteral("listen=%1 broker=%2%3")
                  .arg(listenUrl(), m_broker->name(),
                       cause.isEmpty() ? QString() : QStringLiteral(" by=") + cause));

    // Descriptors and alarms, once a second whether or not a console watches.
    m_alarms = AlarmMonitor(m_config.alarms);
    m_resourceTimer.setInterval(1000);
    connect(&m_resourceTimer, &QTimer::timeout, this, &Engine::checkResources,
            Qt::UniqueConnection);
    m_resourceTimer.start();
    checkResources();

    // Console snapshots: the timer runs only while a console is attached.
    m_snapshotTimer.setInterval(qMax(50, m_config.statsIntervalMs));
    connect(&m_snapshotTimer, &QTimer::timeout, this, &Engine::takeSnapshot);
    if (m_activity.isWatched())
        m_snapshotTimer.start();
    return true;
}

QStringList Engine::accessWarnings(const Authenticator &auth, const QStringList &corsOrigins)
{
    return AccessFiles::warnings(auth, corsOrigins);
}

QString Engine::reloadAccess(bool *ok)
{
    *ok = false;
    if (!m_front)
        return QStringLiteral("the engine is not running");
    if (!AccessFiles::configured(m_config))
        return QStringLiteral("nothing to reload: no --acl, --jwt-secret-file, "
                              "--jwt-public-key-file or --jwks-url");
    Authenticator authenticator;
    QString error;
    if (!AccessFiles::loadAuthenticator(m_config, m_keyRing, &authenticator, &error)) {
        qCWarning(lcEngine).noquote()
            << "access rules not reloaded:" << error << "- the previous rules stay in force";
        return error + QStringLiteral(" - the previous rules stay in force");
    }
    m_front->setAuthenticator(authenticator);
    int ended = 0;
    const int removed = m_hub->recheckAccess(authenticator, &ended);
    if (m_feeds)
        m_feeds->recheckAccess(); // consoles over HTTP hold their credentials too
    *ok = true;
    const QString message
        = QStringLiteral("access rules reloaded; %1 subscription(s) no longer allowed were "
                         "removed; %2 stream(s) whose credentials no longer hold were ended")
              .arg(removed)
              .arg(ended);
    qCInfo(lcEngine).noquote() << message;
    return message;
}

void Engine::logEngine(const QString &reason, const QString &detail)
{
    if (!m_log)
        return;
    LogEntry entry;
    entry.kind = LogEntry::Kind::Engine;
    entry.reason = reason;
    entry.detail = detail;
    m_log->append(entry);
}

void Engine::checkResources()
{
    // Counting walks /proc/self/fd on kernels before 6.2 (10 ms for 10,000 descriptors): then
    // it is done less often, so that it costs at most 0.2% of a core (every 1 to 30 s).
    const qint64 now = Clock::monotonicMs();
    if (now >= m_fdsCountDueMs) {
        QElapsedTimer took;
        took.start();
        m_openFds = ProcessResources::openDescriptors();
        m_fdsCountDueMs = now + qBound(qint64(1000), took.elapsed() * 500, qint64(30000)) - 50;
    }
    m_fdLimit = ProcessResources::descriptorLimit();
    if (!m_hub || !m_log)
        return;
    const EngineStats s = stats();
    AlarmMonitor::Reading reading;
    reading.monotonicMs = Clock::monotonicMs();
    reading.closes = s.slowConsumerCloses + s.deadCloses;
    reading.authFailures = s.authFailures;
    reading.brokerCanFail = m_redis != nullptr || m_sharded != nullptr;
    reading.brokerReady = s.brokerReady;
    reading.brokerState = s.brokerState;
    reading.openFds = m_openFds;
    reading.fdLimit = m_fdLimit;
    reading.streams = s.connections;
    reading.maxStreams = m_config.maxConnections;
    for (const LogEntry &entry : m_alarms.evaluate(reading)) {
        qCWarning(lcEngine).noquote() << "alarm" << entry.reason << entry.detail;
        m_log->append(entry);
    }
}

void Engine::stop()
{
    // Requests waiting for the auth hook are answered 503 while their connections are open.
    if (m_authHook)
        m_authHook->cancelAll();
    m_resourceTimer.stop();
    m_snapshotTimer.stop();
    m_sysTimer.stop();
    if (m_front)
        m_front->stopListening();
    const int open = m_hub ? m_hub->streamCount() : 0;
    if (m_hub)
        m_hub->closeAll(CloseReason::Shutdown);
    if (m_started && !std::exchange(m_stopLogged, true))
        logEngine(QStringLiteral("stopped"),
                  QStringLiteral("streams=%1 closed without a drain%2")
                      .arg(open)
                      .arg(m_stopCause.isEmpty()
                               ? QString()
                               : QStringLiteral(" (drain cut short) by=") + m_stopCause));
    if (m_feeds) {
        // Consoles over HTTP see the closes, then the end of their feed (they reconnect).
        if (m_feeds->count() > 0)
            takeSnapshot();
        m_feeds->closeAll();
    }
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

// --- The console ----------------------------------------------------------------------------

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
    const int open = m_hub->streamCount();
    qCInfo(lcEngine).noquote() << "draining" << open << "stream(s) for at most" << m_config.drainMs
                               << "ms"
                               << (cause.isEmpty() ? QString() : QStringLiteral("(%1)").arg(cause));
    m_stopCause = cause.isEmpty() ? QStringLiteral("unknown") : cause;
    const QString by = QStringLiteral(" by=") + m_stopCause;
    logEngine(QStringLiteral("stopping"),
              QStringLiteral("streams=%1 drain_ms=%2 close=%3%4")
                  .arg(open)
                  .arg(m_config.drainMs)
                  .arg(closeReasonName(reason), by));
    QElapsedTimer took;
    took.start();
    m_hub->drain(
        m_config.retryMs, m_config.drainMs, reason, cause,
        [this, open, took, by, done = std::move(done)] {
            m_stopLogged = true;
            logEngine(
                QStringLiteral("stopped"),
                QStringLiteral("streams=%1 after_ms=%2%3").arg(open).arg(took.elapsed()).arg(by));
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
    if (m_jwks && !m_keyRing->hasFetched()) {
        *reason = QStringLiteral("no key set loaded from the JWKS URL yet");
        return false;
    }
    return true;
}

void Engine::releaseFreedMemory()
{
    const int streams = m_hub ? m_hub->streamCount() : 0;
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

} // namespace ssehub
