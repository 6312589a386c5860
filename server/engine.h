#pragma once

#include "broker.h"
#include "connectionlog.h"
#include "eventhistory.h"
#include "hub.h"
#include "logexport.h"
#include "snapshot.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace ssehub {

class ClusterState;
class HttpFront;
class RedisBroker;

// The assembled engine: broker, hub, HTTP front and log. Lives on the engine thread (see
// EngineThread); knows nothing about files, the command line or settings.
class Engine : public QObject
{
    Q_OBJECT

public:
    struct Config
    {
        QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 8080;
        int listenBacklog = 4096;
        int retryMs = 3000;
        qint64 drainMs = 5000; // shutdown: time streams get to take what is queued for them
        int heartbeatMs = 30000;
        qsizetype historySize = 10000;
        // The history's bound in bytes (EventHistory::costOf), on top of the count.
        qint64 historyBytes = EventHistory::DefaultByteLimit;
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
        Hub::Lifecycle lifecycle;
        QString nodeId; // empty: host name and port
        // Cluster mode: redis://[:password@]host[:port][/db]; empty: the embedded broker.
        QString redisUrl;
        QByteArray redisPrefix = "ssehub:";
        int redisBackoffMaxMs = 5000; // reconnect attempts back off up to this
        int redisTimeoutMs = 5000; // connect and command timeout
        // Authentication and access control (docs/CONFIG.md); empty: open to whoever can
        // reach the listen address.
        QString jwtSecretFile; // HS256 secret
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
    };

    explicit Engine(const Config &config, QObject *parent = nullptr);
    ~Engine() override;

    // Creates the parts and starts listening. On failure returns false with a one-line message.
    bool start(QString *error);
    // Stops accepting and closes every stream.
    void stop();
    // Reads the ACL and secret files again (SIGHUP, the console): new rules apply to new
    // requests; live streams whose credentials no longer verify end with `auth-expired`; every
    // subscription no longer allowed (live or offline, any state) is removed (Hub::recheckAccess).
    // On an error the old rules stay and the message says why; otherwise it says what changed.
    QString reloadAccess(bool *ok);

    const Config &config() const { return m_config; }
    quint16 port() const;
    QString listenUrl() const;
    EngineStats stats() const;
    // Problems found at start that did not stop it (e.g. a damaged subscriptions file), each a
    // message an operator can act on.
    QStringList startProblems() const { return m_startProblems; }

    Hub *hub() const { return m_hub; }
    HttpFront *front() const { return m_front; }
    Broker *broker() const { return m_broker; }
    RedisBroker *redisBroker() const { return m_redis; }
    ClusterState *cluster() const { return m_cluster; }
    // GET /nodes: {"broker", "nodes": [...]}.
    QJsonObject nodesJson() const;
    ConnectionLog *log() const { return m_log; }

    // The console: while attached, the engine keeps per-topic figures and recent events and
    // emits snapshotReady at the stats interval (nothing of this runs headless).
    void setConsoleAttached(bool attached);
    // The console's snapshot: makeSnapshot() plus the log entries and tail events since the
    // previous one; emitted as snapshotReady.
    SnapshotPtr takeSnapshot();
    // The figures alone (GET /stats uses them too).
    // withStreams: one row per live stream too (the console, /stats?streams=1).
    std::shared_ptr<ConsoleSnapshot> makeSnapshot(bool withStreams) const;
    ConnectionDetail connectionDetail(quint64 connectionId) const;
    // Live tail: events matching the filter travel with the next snapshots; empty: off.
    // Returns an error for a bad filter.
    QString setTail(const QByteArray &filter);
    // A test event from the console, through the broker like any publish.
    void publish(const PublishRequest &request, Broker::Done done);
    // Pauses or resumes (without replay) every subscription of a client.
    Hub::Answer setClientPaused(const QString &clientId, bool paused);
    // SIGHUP: takes over what can change while running (limits, CORS, retry hint, access rules,
    // drain time, metrics topics, export path) and says which other changes need a restart. On
    // an error (e.g. a broken ACL file) nothing changes and *ok is false.
    QString reconfigure(const Config &next, bool *ok);
    // Graceful shutdown: stops accepting, sends every stream a retry hint and `event: shutdown`,
    // lets what is queued go out (at most Config::drainMs), closes (reason Shutdown, or Restart
    // when the server comes back at once), saves; then calls done. cause names who asked
    // ("signal", "console") in the log. An attached console gets a last snapshot first, so that
    // it sees every close.
    void drain(std::function<void()> done, CloseReason reason = CloseReason::Shutdown,
               const QString &cause = QString());
    // GET /metrics: Prometheus text. No label per client or topic, except the topics listed in
    // Config::metricsTopics.
    QByteArray metricsText() const;
    // GET /stats: the console's figures as JSON (with one object per stream if asked).
    QJsonObject statsJson(bool withConnections) const;
    // GET /readyz: listening, and (cluster mode) the broker connected; else the reason, which
    // is public and so names no address.
    bool isReady(QString *reason) const;
    // Start-up warnings about access: an anonymous role with admin rights, and
    // --cors-origin '*' on a hub without authentication. Each an operator-actionable message.
    static QStringList accessWarnings(const Authenticator &auth, const QStringList &corsOrigins);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);

private:
    void observe(const EventPtr &event);
    bool loadAuthenticator(Authenticator *out, QString *error) const;
    bool loadTls(QSslConfiguration *out, QString *error) const;
    QJsonObject selfJson() const;

    Config m_config;
    ConnectionLog *m_log = nullptr;
    Broker *m_broker = nullptr;
    RedisBroker *m_redis = nullptr;
    ClusterState *m_cluster = nullptr;
    Hub *m_hub = nullptr;
    HttpFront *m_front = nullptr;
    QTimer m_snapshotTimer;
    // Freed memory goes back to the system after a large drop in streams (malloc_trim).
    void releaseFreedMemory();
    static constexpr int TrimAfterStreamDrop = 256;
    QTimer m_trimTimer;
    int m_streamPeakSinceTrim = 0;
    qint64 m_trimArmedMs = 0;
    QStringList m_startProblems;
    qint64 m_startedAt = 0;
    quint64 m_consolePublished = 0;
    RollingLogFile *m_logFile = nullptr;

    // Console only (see setConsoleAttached).
    bool m_consoleAttached = false;
    quint64 m_snapshotRevision = 0;
    quint64 m_logSeen = 0;
    struct TopicActivity
    {
        quint64 events = 0;
        EventPtr last; // the newest event on the topic (shared, not copied)
    };
    QHash<QByteArray, TopicActivity> m_topics;
    QHash<QByteArray, quint64> m_metricTopics; // --metrics-topics: events per listed topic
    std::deque<EventPtr> m_recent; // the newest events this instance delivered
    std::optional<TopicFilter> m_tailFilter;
    QList<EventPtr> m_tail;
    quint64 m_tailDropped = 0;
};

// Runs an Engine on a thread of its own, so that nothing on the GUI thread can slow delivery.
// Every call into the engine is queued onto that thread.
class EngineThread : public QObject
{
    Q_OBJECT

public:
    explicit EngineThread(QObject *parent = nullptr);
    ~EngineThread() override;

    // Starts the thread and the engine on it; blocks until it listens or failed.
    bool start(const Engine::Config &config, QString *error);
    // Stops the engine at once (streams closed without a drain), deletes it on its thread and
    // joins the thread.
    void stop();
    // Drains as SIGTERM does headless (Engine::drain, bounded by the drain time) without
    // blocking this thread, then stops; done runs here afterwards. While draining, isRunning()
    // stays true and isStopping() is true; a second call only adds nothing.
    void drainAndStop(CloseReason reason, const QString &cause, std::function<void()> done);
    bool isRunning() const { return m_engine != nullptr; }
    bool isStopping() const { return m_stopping; }

    quint16 port() const { return m_port; }
    QString listenUrl() const { return m_listenUrl; }
    QStringList startProblems() const { return m_startProblems; }

    // Runs fn(engine) on the engine thread (queued; never blocks the caller).
    void post(std::function<void(Engine *)> fn);
    // Runs fn(engine) on the engine thread and then done(result) on context's thread (both
    // queued); done is dropped if context is gone by then.
    template<typename R>
    void request(std::function<R(Engine *)> fn, QObject *context, std::function<void(R)> done)
    {
        QPointer<QObject> target(context);
        post([fn = std::move(fn), target, done = std::move(done)](Engine *engine) {
            R result = fn(engine);
            if (!target)
                return;
            QMetaObject::invokeMethod(
                target.data(),
                [target, done, result = std::move(result)] {
                    if (target)
                        done(result);
                },
                Qt::QueuedConnection);
        });
    }
    // The console is watching: snapshots are made and relayed as snapshotReady.
    void setConsoleAttached(bool attached);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);

private:
    std::unique_ptr<QThread> m_thread;
    Engine *m_engine = nullptr;
    quint16 m_port = 0;
    QString m_listenUrl;
    QStringList m_startProblems;
    bool m_consoleAttached = false;
    bool m_stopping = false;
    quint64 m_generation = 0; // of the current engine: relays drop what older ones sent
};

} // namespace ssehub
