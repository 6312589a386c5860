#pragma once

#include "api/engineconfig.h"
#include "api/historyquery.h"
#include "api/presence.h"
#include "api/snapshot.h"
#include "broker/broker.h"
#include "hub/eventhistory.h"
#include "hub/hub.h"
#include "observe/alarms.h"
#include "observe/connectionlog.h"
#include "observe/topicactivity.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace ssehub {

class ClusterPresence;
class ClusterState;
class PresenceTracker;
class ConsoleFeeds;
class HttpFront;
class AuthHook;
class JwksFetcher;
class KeyRing;
class RedisBroker;
class ShardedBroker;
class RedisHome;
class RollingLogFile;

// The assembled engine: broker, hub, HTTP front and log. Lives on the engine thread (see
// EngineThread); knows nothing about files, the command line or settings.
class Engine : public QObject
{
    Q_OBJECT

public:
    using Config = EngineConfig;

    explicit Engine(const Config &config, QObject *parent = nullptr);
    ~Engine() override;

    // Creates the parts and starts listening. On failure returns false with a one-line message.
    // cause names who started it ("startup", "console action=start") in the log's engine entry.
    bool start(QString *error, const QString &cause = QString());
    // Stops accepting and closes every stream (at once, unless drain() ran first); the log gets
    // an engine entry `stopped`.
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
    ShardedBroker *shardedBroker() const { return m_sharded; }
    // Where the shared state lives in cluster mode (null: embedded).
    RedisHome *redisHome() const;
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
    StreamDetail streamDetail(quint64 connectionId) const;
    // A page of the retained events, as GET /history answers an admin (the console): done is
    // called once, at once (embedded) or when Redis answered (cluster mode: the shared
    // Stream). A refused query (a bad filter) or an unreadable history has its error set.
    void history(const HistoryQuery &query, std::function<void(const HistoryPage &)> done);
    // Who listens on a topic or filter (GET /presence as an admin sees it: every id); done is
    // called once, possibly later (cluster mode reads Redis); an answer with its error set when
    // it cannot be had.
    void presence(const PresenceQuery &query, std::function<void(PresenceAnswer)> done);
    PresenceTracker *presenceTracker() const { return m_presence; }
    ClusterPresence *clusterPresence() const { return m_clusterPresence; }
    // Live tail: events matching the filter travel with the next snapshots; empty: off.
    // Returns an error for a bad filter.
    QString setTail(const QByteArray &filter);
    // A console feed's own tail (owner: its number; 0 is the console in this process), taken
    // with takeTail at each snapshot.
    QString setTail(quint64 owner, const QByteArray &filter);
    QList<EventRow> takeTail(quint64 owner, quint64 *dropped);
    // Consoles attached over HTTP (GET /console/feed): while any is, snapshots are made.
    void setFeedsWatching(bool watching);
    ConsoleFeeds *feeds() const { return m_feeds; }
    // A test event from the console, through the broker like any publish.
    void publish(const PublishRequest &request, Broker::Done done);
    // Pauses or resumes (without replay) every subscription of a client.
    HubResult<void> setClientPaused(const QString &clientId, bool paused);
    // The clients the hub knows, a page at a time (engineclients.cpp).
    ClientPage listClients(const ClientQuery &query) const;
    // GET /clients: the page's JSON for a query string, with its status (400: a bad parameter).
    QByteArray clientsJson(const QByteArray &query, int *status) const;
    // The console's action on one subscription of a client, online or offline. done gets an
    // empty string once the change is stored (as the subscription routes answer), or why not.
    void changeSubscription(const QString &clientId, const QByteArray &filter,
                            SubscriptionAction action, std::function<void(const QString &)> done);
    // SIGHUP: takes over what can change while running (limits, CORS, retry hint, access rules,
    // drain time, metrics topics, export path) and says which other changes need a restart. On
    // an error (e.g. a broken ACL file) nothing changes and *ok is false.
    QString reconfigure(const Config &next, bool *ok);
    // Graceful shutdown: stops accepting, sends every stream a retry hint and `event: shutdown`,
    // lets what is queued go out (at most Config::drainMs), closes (reason Shutdown, or Restart
    // when the server comes back at once), saves; then calls done. cause names who asked
    // ("signal", "console action=stop") in the log: engine entries `stopping` and `stopped`
    // around the closes, and each close's detail (by=cause). The log file is flushed and an
    // attached console gets a last snapshot first, so that both see every close.
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
    bool startBroker(QString *error);
    bool startShardedBroker(QString *error);
    bool readSentinelPassword(QByteArray *out, QString *error) const;
    void observe(const EventPtr &event);
    // Once a second, headless too: counts descriptors and logs alarms raised or cleared.
    void checkResources();
    QJsonObject selfJson() const;
    // enginepresence.cpp
    void startPresence();
    // bounded: refused (an answer with its error set) while questions are over the budget.
    void presenceOf(const TopicFilter &filter, std::function<void(PresenceAnswer)> done,
                    bool bounded = true);
    void publishSystemFigures();
    // The identity sources in force and their health (each snapshot's identity).
    IdentityStatus identityStatus() const;
    void updateWatching();

    Config m_config;
    ConnectionLog *m_log = nullptr;
    Broker *m_broker = nullptr;
    RedisBroker *m_redis = nullptr;
    ShardedBroker *m_sharded = nullptr; // --redis-cluster
    ClusterState *m_cluster = nullptr;
    PresenceTracker *m_presence = nullptr;
    ClusterPresence *m_clusterPresence = nullptr;
    QTimer m_sysTimer; // $SYS/hub figures
    qint64 m_sysLastMs = 0;
    double m_sysLastIn = 0;
    double m_sysLastOut = 0;
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
    // The log's engine entries: who is stopping it (drain), and whether `stopped` was logged.
    QString m_stopCause;
    bool m_started = false;
    bool m_stopLogged = false;
    void logEngine(const QString &reason, const QString &detail);

    // Per-topic figures always; recent events and the tail while a console is attached.
    TopicActivity m_activity;
    AlarmMonitor m_alarms;
    QTimer m_resourceTimer;
    int m_openFds = -1; // counted by checkResources
    qint64 m_fdsCountDueMs = 0;
    int m_fdLimit = 0;
    QHash<QByteArray, quint64> m_metricTopics; // --metrics-topics: events per listed topic
    quint64 m_snapshotRevision = 0;
    quint64 m_logSeen = 0;
    bool m_localConsole = false; // the console in this process is attached
    bool m_feedsWatching = false;
    QSet<quint64> m_tailOwners; // whose tails are set
    ConsoleFeeds *m_feeds = nullptr;
    // Identity sources that live across reloads: the JWKS URL's keys and the verification
    // counts (shared by every Authenticator built), and the fetcher that keeps the keys.
    std::shared_ptr<KeyRing> m_keyRing;
    JwksFetcher *m_jwks = nullptr;
    AuthHook *m_authHook = nullptr;
    // A JWKS fetch took keys away: tokens verified with them are forgotten, and the streams
    // that came with them end (auth-expired).
    // Identity sources (engineidentity.cpp): the JWKS fetcher and key ring, the auth hook (once
    // the front exists), their start, and what a key leaving the set ends.
    void makeKeySources();
    void makeAuthHook();
    void startIdentitySources();
    void keysRemoved(int removed);
};

} // namespace ssehub
