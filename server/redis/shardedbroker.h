#pragma once

#include "broker/broker.h"
#include "hub/eventhistory.h"
#include "redis/rediscluster.h"
#include "redis/redisoutage.h"

#include <QHash>
#include <QTimer>

#include <map>
#include <optional>
#include <vector>

namespace ssehub {

class RedisHome;
class ShardedSubscriber;
class RedisScript;

// Cluster mode on a Redis Cluster (--redis-cluster): the event log is split into partitions,
// each a Stream of its own whose keys and channels share one hash tag, so that a partition
// lives on one shard and the publish script (XADD + SPUBLISH) runs there atomically.
//
// - A topic's partition is a hash of its first `partitionDepth` levels, so that a subtree stays
//   in one partition. Exact filters SSUBSCRIBE to their topic's channel
//   (`<prefix>{pN}ev:<topic>`); wildcards to the partition's channel (`<prefix>{pN}all`) of
//   every partition they can match (all of them unless their first levels are literal).
// - Ids carry their partition: entry "<ms>-<seq>" of partition p is the event id
//   "<ms>-<seq * 256 + p>", so that ids of all partitions are distinct and totally ordered, and
//   one Last-Event-ID restores every partition (each partition is read after the newest of its
//   own entries at or before it).
// - That is exact only if this instance hands events on in id order across partitions: a
//   received event waits until every partition it follows is "covered" up to its id (every
//   event up to it that matches a filter here has arrived). A partition is covered up to each
//   event received from it (one connection per shard, in order), and up to what a marker says:
//   a tick script on the partition's shard SPUBLISHes the shard's clock and the Stream's last id
//   on this instance's marker channel of the partition. Ticks are sent every tickMs and
//   whenever an event waits on a partition, one at a time per partition.
// - After a subscription was lost (a node lost, a slot moved, a failover) the partitions are
//   read from where they are covered; ids the Stream no longer holds there, or the newest event
//   delivered gone from it (a failover to a replica that did not have it), reset the live
//   streams (historyLost), as the one-Redis broker does.
class ShardedBroker final : public Broker
{
    Q_OBJECT

public:
    static constexpr int PartitionBits = 8;
    static constexpr int MaxPartitions = 1 << PartitionBits;
    static constexpr int SeqBits = StreamIdSeqBits - PartitionBits; // entries per ms, per partition
    // The bits of an id below its millisecond (sequence and partition).
    static constexpr quint64 LowMask = (quint64(1) << StreamIdSeqBits) - 1;
    // A shard that events wait on is asked where its partitions are at most this often.
    static constexpr int MinAskMs = 2;
    // Each followed partition's full tick (its marker key, its Stream's end) this often.
    static constexpr qint64 FullTickMs = 1000;
    // Events whose id is further ahead of this instance's clock are not taken.
    static constexpr qint64 MaxAheadMs = 10000;
    // Events received and held back, waiting on other partitions, at most.
    static constexpr qsizetype MaxHeld = 200000;

    struct Options
    {
        RedisCluster::Options cluster;
        QByteArray prefix = "ssehub:";
        int partitions = 16;
        int partitionDepth = 1;
        qsizetype historySize = 10000; // per partition's Stream, and this instance's copy
        qint64 historyBytes = EventHistory::DefaultByteLimit;
        int tickMs = 100;
        int minReplicas = 0;
        int replicaTimeoutMs = 1000;
    };

    explicit ShardedBroker(const Options &options, QObject *parent = nullptr);
    ~ShardedBroker() override;

    void start();

    QString name() const override { return QStringLiteral("redis-cluster"); }
    QString state() const override;
    void publish(const PublishRequest &request, Done done) override;
    // The events of one partition in one script call; partitions in parallel (ids then increase
    // in the batch's order within a partition, not across partitions).
    void publishBatch(const QList<PublishRequest> &requests, BatchDone done) override;
    const EventHistory &history() const override { return m_history; }
    // The Streams of the partitions the filter can match, one chunk of up to limit + 1 entries
    // each, merged in id order; the page ends where the first partition with more stopped
    // (scan_limited, `next` going on from there). At most MaxHistoryReads at a time.
    void readHistory(const HistoryQuery &query, const TopicFilter &filter,
                     HistoryDone done) override;
    static constexpr int MaxHistoryReads = 16;
    bool replaysLocally() const override { return false; }
    void fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done) override;
    bool isReady() const override;
    void fetchLiveStart(LiveStartDone done) override { done(m_delivered); }
    void watch(const QByteArray &filter) override;
    void unwatch(const QByteArray &filter) override;

    // A topic's partition, and the partitions a filter can match.
    static int partitionFor(QByteArrayView topic, int partitions, int depth);
    int partitionOf(QByteArrayView topic) const
    {
        return partitionFor(topic, m_options.partitions, m_options.partitionDepth);
    }
    QList<int> partitionsOf(const QByteArray &filter) const;
    // Event ids: entry "<ms>-<seq>" of partition p, and back to the newest entry id of p at or
    // before an event id ("" when none can be).
    static bool globalId(QByteArrayView entryId, int partition, quint64 *id);
    static QByteArray entryAtOrBefore(quint64 id, int partition);

    RedisCluster *cluster() const { return m_cluster; }
    // The shared state (named clients, node registry, presence): keys under the hash tag
    // "{<prefix>}", on the primary serving its slot (followed when the map changes).
    RedisHome *home() const { return m_home; }
    QString address() const;
    const QByteArray &prefix() const { return m_options.prefix; }
    quint64 deliveredId() const { return m_delivered; }
    quint64 resetsSent() const { return m_resets; }
    // Coverage scripts sent: asks per shard and the periodic ticks.
    quint64 ticksSent() const { return m_ticksSent; }
    size_t waiting() const { return m_pending.size(); }
    bool isSyncing() const;

Q_SIGNALS:
    void readyChanged(bool ready);
    // As RedisBroker::historyLost and RedisBroker::outageEnded.
    void historyLost(quint64 resumeId, quint64 affectedUpTo);
    void outageEnded(qint64 fromMs, qint64 toMs, quint64 refused, const QString &text);

private:
    struct Partition
    {
        int channels = 0; // subscribed channels of this instance in it (0: not followed)
        bool synced = false; // read at least once since it is followed
        bool syncing = true; // to be read from `covered` (a subscription was lost)
        bool reading = false;
        bool tickInFlight = false;
        quint64 covered = 0; // every event up to it that matches a filter here has arrived
        quint64 liveMax = 0; // while syncing: the newest event received live
        quint64 delivered = 0; // the newest event of it handed on
        QByteArray epoch; // its marker key's value ('' before the first tick)
        bool epochLost = false;
        int generation = 0; // a sync started again makes the replies of the older one stale
    };
    struct Read
    {
        bool ok = false;
        QString error;
        quint64 last = 0; // the Stream's last generated id (0: no Stream)
        quint64 horizon = 0; // ids up to it are gone (0: none)
        QList<EventPtr> events;
        quint64 floor = 0; // the newest entry at or before the id looked for
        QByteArray lastEntry; // the Stream's last generated id, as Redis wrote it
    };
    using ReadDone = std::function<void(Read)>;
    struct BacklogRequest;
    struct HistoryRead;
    using ReplicaWaiter = std::function<void(const QString &error)>;

    QByteArray tag(int partition) const;
    QByteArray streamKey(int partition) const { return tag(partition) + "events"; }
    QByteArray channelFor(int partition, QByteArrayView topic) const;
    QByteArray allChannel(int partition) const { return tag(partition) + "all"; }
    QByteArray markerChannel(int partition) const { return tag(partition) + "mark:" + m_token; }
    int slotOf(int partition) const { return m_slots.at(partition); }
    void runScript(int partition, const RedisScript &script, const QList<QByteArray> &keys,
                   const QList<QByteArray> &args, RedisConnection::Callback done);
    void publishTo(int partition, const QList<PublishRequest> &requests,
                   std::function<void(const QList<PublishResult> &)> done);
    void confirmReplicated(int partition, ReplicaWaiter done);
    void sendReplicaWait(const QString &node, int partition);
    void addChannel(int partition, const QByteArray &channel);
    void dropChannel(int partition, const QByteArray &channel);
    void onMessage(int partition, const QByteArray &message);
    void onMarker(int partition, const QByteArray &message);
    void receive(int partition, const EventPtr &event);
    // Keeps a received event until it can be handed on; false when that passed the bound
    // (MaxHeld events or twice --history-bytes): everything held was dropped (see .cpp).
    bool hold(int partition, const EventPtr &event);
    bool fromTheFuture(const EventPtr &event);
    void addSyncPage(int partition, int generation, const Read &read);
    void release();
    void deliver(int partition, const EventPtr &event);
    void tick();
    void tickPartition(int partition);
    void askCoverage(const QList<int> &partitions);
    void onLost();
    void maybeSync();
    void readPartition(int partition, std::optional<quint64> after, int count, ReadDone done,
                       std::optional<quint64> lookFor = std::nullopt);
    void syncPartition(int partition);
    void afterSyncRead(int partition, int generation, const Read &read);
    void syncPage(int partition, int generation, quint64 after);
    void runBacklog(std::shared_ptr<BacklogRequest> request);
    void backlogPage(std::shared_ptr<BacklogRequest> request, int partition, quint64 after);
    bool backlogComplete(quint64 newest);
    void finishBacklog(std::shared_ptr<BacklogRequest> request);
    void completeBacklogs();
    void setReady(bool ready);
    void finishHistory(const std::shared_ptr<HistoryRead> &read);
    // The event in a Stream entry [id, [field, value, ...]] of a partition; null if not one of
    // ours.
    static EventPtr eventOfEntry(const RedisReply &entry, int partition);
    void placeHome();
    void checkHomeEpoch();
    void checkLayout();

    Options m_options;
    RedisCluster *m_cluster;
    ShardedSubscriber *m_subscriber;
    EventHistory m_history;
    QByteArray m_token; // this instance's marker channels
    std::vector<int> m_slots; // partition -> its hash slot
    std::vector<Partition> m_parts;
    QHash<QByteArray, int> m_subscribed; // channel -> filters using it
    std::map<quint64, std::pair<int, EventPtr>> m_pending; // received, not handed on yet
    qint64 m_futureWarnedMs = 0; // monotonic
    qint64 m_malformedWarnedMs = 0; // monotonic
    qint64 m_fullTickMs = 0; // monotonic: the last full tick of the followed partitions
    QString m_layoutConflict; // another instance split the events otherwise (see checkLayout)
    qint64 m_pendingBytes = 0; // EventHistory::costOf of what m_pending holds
    quint64 m_delivered = 0; // the newest event handed on
    qint64 m_entryBaseCost = 0;
    quint64 m_resets = 0;
    quint64 m_ticksSent = 0;
    QTimer m_tickTimer;
    QTimer m_askTimer; // waiting events ask a shard again
    struct NodeAsk
    {
        bool inFlight = false;
        qint64 askedMs = 0; // monotonic
    };
    QHash<QString, NodeAsk> m_nodeAsks; // coverage asked of each shard
    bool m_wasReady = false;
    bool m_confirmed = false; // every subscription confirmed since the last loss
    std::vector<std::shared_ptr<BacklogRequest>> m_queuedBacklogs;
    std::vector<std::shared_ptr<BacklogRequest>> m_completingBacklogs; // read, waiting on live
    struct NodeWait
    {
        std::vector<ReplicaWaiter> waiters;
        bool pending = false;
    };
    QHash<QString, NodeWait> m_replicaWaits;
    bool m_replicasShort = false;
    int m_historyReads = 0;
    RedisOutage m_outage;
    RedisConnection *m_homeCommands;
    RedisConnection *m_homeSubscriber;
    RedisHome *m_home;
    int m_homeSlot = 0;
    bool m_homeStarted = false;
    qint64 m_homeCheckedMs = 0; // monotonic: the marker key last looked at
};

} // namespace ssehub
