#pragma once

#include "broker/broker.h"
#include "hub/eventhistory.h"
#include "redis/redisconnection.h"
#include "redis/redisoutage.h"

#include <QHash>
#include <QList>
#include <QTimer>

#include <deque>
#include <optional>

namespace ssehub {

// Cluster mode: events get their ids from one Redis Stream and reach every instance through
// Redis pub/sub.
//
// - publish: one Lua script appends the event to the Stream (XADD MAXLEN ~ history) and
//   PUBLISHes it on the topic's channel, so ids and live order agree on every instance.
// - live: this instance SUBSCRIBEs (exact filters) or PSUBSCRIBEs (wildcards) only to what
//   its streams need (watch/unwatch), drops repeats by id, and keeps what it received in a
//   local history (pause/resume replay, stats).
// - a tick every tickMs (one Lua script on the command connection) is the round trip that
//   readiness follows, checks the marker key `<prefix>epoch` (gone: Redis lost its data, by
//   FLUSHALL or a restart without it), and PUBLISHes the Stream's last id on this instance's
//   own channel. When that message arrives on the subscriber connection, every event up to that
//   id that matches a filter of this instance has arrived (one connection, in order): the
//   instance is "covered" up to it, whatever other topics published meanwhile.
// - after any loss of either connection it reads the Stream from where it is covered, so that
//   nothing Redis accepted meanwhile is missed or repeated. Only ids the Stream no longer holds
//   beyond that point are unknown: live streams that may have needed them get `event: reset`
//   (history-lost), and every live stream does when Redis lost its data (the marker key is gone,
//   or the Stream no longer holds what this instance saw). The Stream being trimmed past ids
//   that only other topics used costs nothing.
// - a resuming stream's backlog is read from the Stream (fetchBacklog); a new stream that
//   connects while this instance catches up starts at the Stream's end (fetchLiveStart).
// - GET /history reads the Stream itself (readHistory): in chunks, filtered here, bounded in
//   what one request scans; with --history-ttl, entries older than the TTL are trimmed by the
//   publish script and by each instance about once a second (the local copy too).
class RedisHome;
class SentinelWatch;

class RedisBroker final : public Broker
{
    Q_OBJECT

public:
    struct Options
    {
        RedisConnection::Options redis;
        QByteArray prefix = "ssehub:";
        qsizetype historySize = 10000;
        qint64 historyBytes = EventHistory::DefaultByteLimit; // also bounds the Stream (see .cpp)
        qint64 historyTtlMs = 0; // --history-ttl: the Stream's and the local copy's (0: none)
        int tickMs = 0; // 0: derived from the command timeout (a twentieth, 50 to 250 ms)
        // --redis-min-replicas: a publish is confirmed only once this many replicas have it
        // (WAIT after the publish script; fewer within replicaTimeoutMs: 503).
        int minReplicas = 0;
        int replicaTimeoutMs = 1000;
    };

    // Parses redis://[:password@]host[:port][/db]; false with a message for anything else.
    static bool parseUrl(const QString &url, RedisConnection::Options *out, QString *error);

    explicit RedisBroker(const Options &options, QObject *parent = nullptr);
    ~RedisBroker() override;

    // Connects both connections (commands, and pub/sub) and keeps them connected.
    void start();

    QString name() const override { return QStringLiteral("redis"); }
    QString state() const override;
    void publish(const PublishRequest &request, Done done) override;
    // One script call for the whole batch: one round trip, one count and trim.
    void publishBatch(const QList<PublishRequest> &requests, BatchDone done) override;
    const EventHistory &history() const override { return m_history; }
    // The Redis Stream, read from the query's cursor in chunks of at most HistoryChunk entries
    // (XRANGE / XREVRANGE on the command connection) and filtered here, until the page is full
    // or HistoryScanEntries entries / HistoryScanBytes bytes were scanned (then `next` is where
    // the scan stopped). At most MaxHistoryReads at a time; a page with `unavailable` when Redis
    // cannot be reached (its command timeout applies) or too many reads are under way.
    void readHistory(const HistoryQuery &query, const TopicFilter &filter,
                     HistoryDone done) override;
    static constexpr int HistoryChunk = 256;
    static constexpr qint64 HistoryChunkBytes = 1024 * 1024; // smaller chunks of large entries
    static constexpr qint64 HistoryScanEntries = 20000;
    static constexpr qint64 HistoryScanBytes = 32LL * 1024 * 1024;
    static constexpr qint64 HistoryScanMs = 2000; // and at most this long
    static constexpr int MaxHistoryReads = 16;
    int historyReadsUnderWay() const { return m_historyReads; }
    // What the Stream holds, read about once a second (the figures of /stats and /metrics in
    // cluster mode); known is false until the first answer.
    struct StreamFigures
    {
        bool known = false;
        qint64 events = 0;
        qint64 bytes = 0; // <prefix>events:bytes
        QByteArray oldestId; // empty when the Stream is empty
        QByteArray newestId;
        quint64 horizon = 0; // ids up to it are gone (0: none)
    };
    const StreamFigures &streamFigures() const { return m_streamFigures; }
    bool replaysLocally() const override { return false; }
    void fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done) override;
    bool isReady() const override;
    bool liveStartPending() const override { return m_syncing; }
    void fetchLiveStart(LiveStartDone done) override;
    void watch(const QByteArray &filter) override;
    void unwatch(const QByteArray &filter) override;

    RedisConnection *commands() const { return m_commands; }
    // The shared state's place: this broker's own connections and prefix.
    RedisHome *home() const { return m_home; }
    RedisConnection *subscriber() const { return m_subscriber; }
    // Sentinel mode: follows +switch-master (null otherwise).
    SentinelWatch *sentinelWatch() const { return m_sentinelWatch; }
    const QByteArray &prefix() const { return m_options.prefix; }
    // The marker key and the value this instance last saw in it ('' before the first tick).
    const QByteArray &epochKey() const { return m_epochKey; }
    const QByteArray &knownEpoch() const { return m_epoch; }
    QString address() const { return m_commands->address(); }
    // True while this instance reads what it missed from the Stream.
    bool isSyncing() const { return m_syncing; }
    quint64 resetsSent() const { return m_resets; }
    // Every event up to this id that matches a watched filter has arrived.
    quint64 coveredId() const { return m_covered; }
    // Times Redis was found to have lost its data (the marker key gone).
    quint64 dataLosses() const { return m_dataLosses; }
    // --redis-min-replicas: WAITs answered with enough replicas, and with too few (their
    // publishes got 503). One WAIT covers the publishes Redis confirmed in one turn of the
    // event loop.
    quint64 replicaWaitsConfirmed() const { return m_replicaWaits[0]; }
    quint64 replicaWaitsShort() const { return m_replicaWaits[1]; }

Q_SIGNALS:
    // Publishing became possible or impossible.
    void readyChanged(bool ready);
    // Events that local streams may have needed are gone: every live stream whose last event
    // id is at most affectedUpTo must be told (`reset`) and continue after resumeId.
    void historyLost(quint64 resumeId, quint64 affectedUpTo);
    // Redis lost its data (the marker key is gone): what instances hold must be written back.
    void dataLost();
    // Redis was unreachable (not ready) from fromMs to toMs; `refused` publishes were refused
    // meanwhile. Also logged as a warning.
    void outageEnded(qint64 fromMs, qint64 toMs, quint64 refused, const QString &text);

private:
    // Entries read from the Stream at a time (sync and backlogs).
    static constexpr int PageSize = 1000;

    struct StreamRead
    {
        bool ok = false;
        QString error;
        bool exists = false;
        quint64 last = 0; // last generated id (StreamIdFlag when empty)
        quint64 horizon = 0; // ids <= horizon may be gone
        QList<EventPtr> events;
        quint64 floor = 0; // the newest entry at or before the id looked for (0: none)
    };
    using ReadDone = std::function<void(StreamRead)>;
    struct HistoryRead;
    struct BacklogRequest
    {
        bool cursorValid = false;
        quint64 cursor = 0;
        BacklogDone done;
    };

    // The Redis channel or pattern a filter is subscribed with (exact filters: the topic's
    // channel; wildcards: a glob that matches at least every topic the filter matches).
    QByteArray channelFor(const QByteArray &filter, bool *pattern) const;
    // One page after `after` (none: the start); with lookFor, also the newest entry at or
    // before that id (read.floor).
    void readStream(std::optional<quint64> after, int count, ReadDone done,
                    std::optional<quint64> lookFor = std::nullopt);
    void runBacklog(std::shared_ptr<BacklogRequest> request);
    void continueBacklog(std::shared_ptr<BacklogRequest> request,
                         std::shared_ptr<EventHistory> events, bool gap,
                         std::optional<quint64> after);
    void addBacklogPage(std::shared_ptr<BacklogRequest> request,
                        std::shared_ptr<EventHistory> events, bool gap, const StreamRead &read);
    void readHistoryChunk(std::shared_ptr<HistoryRead> read);
    void addHistoryChunk(std::shared_ptr<HistoryRead> read, const RedisReply &reply);
    void finishHistory(const std::shared_ptr<HistoryRead> &read, const QString &error = {});
    void expireStream();
    void refreshStreamFigures();
    void onMessage(const QByteArray &channel, const QByteArray &message);
    void onConnectionLost();
    void maybeSync();
    void syncPage(quint64 after);
    bool syncReadFailed(const StreamRead &read);
    void afterSyncRead(const StreamRead &read, bool lookedFor);
    void addSyncPage(const StreamRead &read);
    void finishSync();
    void accept(const EventPtr &event);
    void runQueuedBacklogs();
    void runQueuedLiveStarts();
    // With --redis-min-replicas, after a publish script succeeded: done("") once enough
    // replicas have everything this connection wrote, done(why not) otherwise. At once with ""
    // without the option.
    void confirmReplicated(std::function<void(const QString &error)> done);
    void sendReplicaWait();
    void tick();
    void onTickReply(const RedisReply &reply);
    void onMarker(const QByteArray &message);
    void setReady(bool ready);
    void refused();

    Options m_options;
    RedisConnection *m_commands;
    RedisConnection *m_subscriber;
    SentinelWatch *m_sentinelWatch = nullptr;
    RedisHome *m_home;
    EventHistory m_history;
    QByteArray m_streamKey;
    qint64 m_entryBaseCost = 0; // EventHistory::costOf of an empty event: the Stream's count
    QByteArray m_channelPrefix;
    QHash<QByteArray, int> m_subscribed; // channel or pattern -> filters using it
    quint64 m_lastSeen = 0;
    bool m_everSynced = false;
    bool m_syncing = true;
    bool m_syncInFlight = false;
    bool m_bufferOverflowed = false;
    std::deque<EventPtr> m_buffer; // live events received while syncing
    std::vector<std::shared_ptr<BacklogRequest>> m_queuedBacklogs;
    struct LiveStartRequest
    {
        qint64 openedAtMs = 0; // wall clock: the stream's "now", in the Stream's id terms
        LiveStartDone done;
    };
    std::vector<LiveStartRequest> m_queuedLiveStarts;
    quint64 m_resets = 0;
    bool m_wasReady = false;
    QTimer m_tickTimer;
    bool m_tickInFlight = false;
    QByteArray m_markerChannel; // this instance's own
    QByteArray m_epochKey;
    QByteArray m_epoch; // the marker key's value this instance knows ('' before the first tick)
    quint64 m_covered = 0;
    bool m_epochLost = false; // found by a tick, to be handled by the next sync
    bool m_resyncWanted = false;
    quint64 m_dataLosses = 0;
    quint64 m_replicaWaits[2] = {0, 0};
    std::vector<std::function<void(const QString &error)>> m_replicaWaiters; // for the next WAIT
    bool m_replicaWaitPending = false;
    bool m_replicasShort = false; // the last WAIT found too few replicas
    RedisOutage m_outage;
    int m_historyReads = 0; // readHistory calls under way
    qint64 m_lastExpireMs = 0; // monotonic: the last age trim of the Stream began
    bool m_expireInFlight = false;
    StreamFigures m_streamFigures;
    qint64 m_lastFiguresMs = 0; // monotonic: the last read of m_streamFigures began
    bool m_figuresInFlight = false;
};

} // namespace ssehub
