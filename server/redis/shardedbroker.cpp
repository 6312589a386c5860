#include "redis/shardedbroker.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "proto/topicfilter.h"
#include "redis/redishome.h"
#include "redis/redisscript.h"
#include "redis/shardedsubscriber.h"

#include <QRandomGenerator>

#include <limits>

namespace ssehub {

namespace {

constexpr quint64 MaxSeq = (quint64(1) << ShardedBroker::SeqBits) - 1;

// FNV-1a: the same partition for the same levels on every instance and every build.
quint32 stableHash(QByteArrayView text)
{
    quint32 hash = 2166136261u;
    for (const char c : text) {
        hash ^= quint8(c);
        hash *= 16777619u;
    }
    return hash;
}

// The first `depth` levels of a topic (all of it when it has fewer).
QByteArrayView leadingLevels(QByteArrayView topic, int depth)
{
    qsizetype at = -1;
    for (int level = 0; level < depth; ++level) {
        at = topic.indexOf('/', at + 1);
        if (at < 0)
            return topic;
    }
    return topic.first(at);
}

} // namespace

bool ShardedBroker::globalId(QByteArrayView entryId, int partition, quint64 *id)
{
    // The entry id as one Stream's (packStreamId), its sequence narrowed to make room for the
    // partition.
    quint64 packed = 0;
    if (!packStreamId(entryId, &packed) || (packed & LowMask) > MaxSeq)
        return false;
    *id = (packed & ~LowMask) | ((packed & LowMask) << PartitionBits) | quint64(partition);
    return true;
}

QByteArray ShardedBroker::entryAtOrBefore(quint64 id, int partition)
{
    if (!(id & StreamIdFlag))
        return QByteArrayLiteral("0-0");
    const quint64 ms = (id & ~StreamIdFlag) >> StreamIdSeqBits;
    const quint64 low = id & LowMask;
    if (low >= quint64(partition))
        return QByteArray::number(ms) + '-'
            + QByteArray::number((low - partition) >> PartitionBits);
    if (ms == 0)
        return QByteArrayLiteral("0-0");
    return QByteArray::number(ms - 1) + "-18446744073709551615";
}

ShardedBroker::ShardedBroker(const Options &options, QObject *parent)
    : Broker(parent)
    , m_options(options)
    , m_cluster(new RedisCluster(options.cluster, this))
    , m_subscriber(new ShardedSubscriber(m_cluster, options.cluster.connection, this))
    , m_history(options.historySize, options.historyBytes)
    , m_token(QByteArray::number(QRandomGenerator::system()->generate64(), 16))
    , m_parts(size_t(qBound(1, options.partitions, MaxPartitions)))
    , m_homeCommands(new RedisConnection(options.cluster.connection, this))
    , m_homeSubscriber(new RedisConnection(options.cluster.connection, this))
    , m_home(new RedisHome(m_homeCommands, m_homeSubscriber, '{' + options.prefix + '}',
                           '{' + options.prefix + "}epoch", this))
    , m_homeSlot(redisKeySlot(m_home->prefix()))
{
    m_options.partitions = int(m_parts.size());
    for (int p = 0; p < m_options.partitions; ++p)
        m_slots.push_back(redisKeySlot(tag(p)));
    m_history.setHorizon(StreamIdFlag);
    m_entryBaseCost = EventHistory::costOf(
        *makeEvent(StreamIdFlag | (quint64(1'700'000'000'000) << StreamIdSeqBits), {}, {}, {},
                   1'700'000'000'000));
    m_tickTimer.setInterval(qMax(10, options.tickMs));
    connect(&m_tickTimer, &QTimer::timeout, this, &ShardedBroker::tick);
    m_askTimer.setSingleShot(true);
    m_askTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_askTimer, &QTimer::timeout, this, &ShardedBroker::release);
    connect(m_cluster, &RedisCluster::readyChanged, this, [this](bool ready) {
        if (!ready)
            m_outage.lost();
        setReady(isReady());
        if (ready) {
            maybeSync();
            tick();
        }
    });
    connect(m_subscriber, &ShardedSubscriber::lost, this, &ShardedBroker::onLost);
    connect(m_cluster, &RedisCluster::mapChanged, this, &ShardedBroker::placeHome);
    connect(this, &ShardedBroker::historyLost, m_home, &RedisHome::historyLost);
    connect(m_homeCommands, &RedisConnection::ready, this, [this] {
        checkLayout();
        checkHomeEpoch();
        Q_EMIT m_home->readyChanged(true);
    });
    connect(m_homeCommands, &RedisConnection::disconnected, this,
            [this] { Q_EMIT m_home->readyChanged(false); });
    connect(m_subscriber, &ShardedSubscriber::confirmed, this, [this] {
        m_confirmed = true;
        maybeSync();
        tick();
    });
}

ShardedBroker::~ShardedBroker() = default;

void ShardedBroker::start()
{
    m_outage.starting();
    m_cluster->start();
    m_tickTimer.start();
}

QByteArray ShardedBroker::tag(int partition) const
{
    return m_options.prefix + "{p" + QByteArray::number(partition) + '}';
}

QByteArray ShardedBroker::channelFor(int partition, QByteArrayView topic) const
{
    return tag(partition) + "ev:" + topic.toByteArray();
}

QString ShardedBroker::address() const
{
    const QStringList primaries = m_cluster->primaries();
    return primaries.isEmpty() ? QStringLiteral("Redis Cluster")
                               : QStringLiteral("Redis Cluster %1").arg(primaries.join(u','));
}

bool ShardedBroker::isReady() const
{
    return m_cluster->isReady() && m_layoutConflict.isEmpty();
}

bool ShardedBroker::isSyncing() const
{
    for (const Partition &part : m_parts) {
        if (part.channels > 0 && part.syncing)
            return true;
    }
    return false;
}

QString ShardedBroker::state() const
{
    if (!m_layoutConflict.isEmpty())
        return QStringLiteral("%1 refused: %2").arg(address(), m_layoutConflict);
    if (!isReady())
        return QStringLiteral("%1 unavailable: %2")
            .arg(address(),
                 m_cluster->lastError().isEmpty() ? QStringLiteral("connecting")
                                                  : m_cluster->lastError());
    if (m_replicasShort)
        return QStringLiteral("%1 connected, but fewer replicas than --redis-min-replicas "
                              "confirm publishes: they are answered 503")
            .arg(address());
    return isSyncing() ? QStringLiteral("%1 catching up").arg(address())
                       : QStringLiteral("%1 connected").arg(address());
}

void ShardedBroker::setReady(bool ready)
{
    if (ready == m_wasReady)
        return;
    m_wasReady = ready;
    if (!ready)
        m_outage.began();
    else if (const std::optional<RedisOutage::Report> outage = m_outage.ended()) {
        const QString text = outage->text(address());
        qCWarning(lcRedis).noquote() << text;
        Q_EMIT outageEnded(outage->fromMs, outage->toMs, outage->refused, text);
    }
    Q_EMIT readyChanged(ready);
}

void ShardedBroker::placeHome()
{
    const QString address = m_cluster->primaryOf(m_homeSlot);
    const std::optional<QPair<QString, quint16>> at = RedisConnection::hostPort(address.toUtf8());
    if (!at)
        return; // no primary known for it yet
    for (RedisConnection *connection : {m_homeCommands, m_homeSubscriber}) {
        if (!m_homeStarted) {
            connection->moveTo(at->first, at->second, QString());
            connection->start();
        } else if (connection->address() != address) {
            connection->moveTo(
                at->first, at->second,
                QStringLiteral("the shared state's slot is served by %1 now").arg(address));
        }
    }
    m_homeStarted = true;
}

void ShardedBroker::checkLayout()
{
    // Every instance must split the events the same way: one that does not would publish into
    // and follow other partitions, and its events would reach nobody. The first instance's
    // layout is kept; an instance with another refuses to publish and is not ready.
    const QByteArray mine = "partitions=" + QByteArray::number(m_options.partitions)
        + " depth=" + QByteArray::number(m_options.partitionDepth);
    m_homeCommands->command(
        {"SET", m_home->prefix() + "layout", mine, "NX", "GET"}, [this, mine](const RedisReply &r) {
            if (r.isError())
                return;
            const QString conflict = r.type == RedisReply::Type::String && r.string != mine
                ? QStringLiteral("this cluster splits its events as '%1' (the first instance's "
                                 "--redis-partitions and --redis-partition-depth), this instance "
                                 "as '%2': give every instance the same, or another "
                                 "--redis-prefix")
                      .arg(QString::fromUtf8(r.string.left(100)), QString::fromUtf8(mine))
                : QString();
            if (conflict == m_layoutConflict)
                return;
            m_layoutConflict = conflict;
            if (!conflict.isEmpty())
                qCCritical(lcRedis).noquote() << conflict;
            setReady(isReady());
        });
}

void ShardedBroker::checkHomeEpoch()
{
    // SET NX GET: the value there, or the new one when there was none.
    m_homeCheckedMs = Clock::monotonicMs();
    const QByteArray candidate = QByteArray::number(Clock::wallMs()) + '-'
        + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    m_homeCommands->command(
        {"SET", m_home->epochKey(), candidate, "NX", "GET"},
        [this, candidate](const RedisReply &r) {
            if (r.isError())
                return;
            const QByteArray epoch = r.type == RedisReply::Type::String ? r.string : candidate;
            const QByteArray known = m_home->knownEpoch();
            m_home->setKnownEpoch(epoch);
            if (!known.isEmpty() && known != epoch) {
                qCWarning(lcRedis).noquote()
                    << "the Redis Cluster node" << m_home->address()
                    << "lost the shared state (its marker key is gone: a flush, or a restart "
                       "without persistence); writing back the named clients and this node";
                Q_EMIT m_home->dataLost();
            }
        });
}

// --- Partitions ---------------------------------------------------------------------------------

int ShardedBroker::partitionFor(QByteArrayView topic, int partitions, int depth)
{
    return int(stableHash(leadingLevels(topic, depth)) % quint32(qMax(1, partitions)));
}

QList<int> ShardedBroker::partitionsOf(const QByteArray &filter) const
{
    const TopicFilter parsed = TopicFilter::parse(filter);
    if (!parsed.hasWildcard())
        return {partitionOf(filter)};
    // Literal first levels pin the partition: every topic the filter matches starts with them
    // (a '#' right after them also matches the topic of those levels alone: the same ones).
    const QList<QByteArray> &levels = parsed.levels();
    const int depth = m_options.partitionDepth;
    bool pinned = levels.size() > depth;
    for (int i = 0; pinned && i < depth; ++i)
        pinned = levels.at(i) != "+" && levels.at(i) != "#";
    if (pinned) {
        QByteArray lead = levels.mid(0, depth).join('/');
        return {partitionOf(lead)};
    }
    QList<int> all;
    for (int p = 0; p < m_options.partitions; ++p)
        all.append(p);
    return all;
}

// --- Live events --------------------------------------------------------------------------------

void ShardedBroker::watch(const QByteArray &filter)
{
    const QList<int> parts = partitionsOf(filter);
    const bool exact = !TopicFilter::parse(filter).hasWildcard();
    for (const int p : parts)
        addChannel(p, exact ? channelFor(p, filter) : allChannel(p));
}

void ShardedBroker::unwatch(const QByteArray &filter)
{
    const QList<int> parts = partitionsOf(filter);
    const bool exact = !TopicFilter::parse(filter).hasWildcard();
    for (const int p : parts)
        dropChannel(p, exact ? channelFor(p, filter) : allChannel(p));
}

void ShardedBroker::addChannel(int partition, const QByteArray &channel)
{
    if (m_subscribed[channel]++ > 0)
        return;
    Partition &part = m_parts[size_t(partition)];
    if (part.channels++ == 0) {
        // Followed from now on: read once (where it ends) before it holds others back.
        part = Partition {};
        part.channels = 1;
        m_subscriber->subscribe(markerChannel(partition),
                                [this, partition](const QByteArray &, const QByteArray &message) {
                                    onMarker(partition, message);
                                });
    }
    m_confirmed = false;
    m_subscriber->subscribe(channel,
                            [this, partition](const QByteArray &, const QByteArray &message) {
                                onMessage(partition, message);
                            });
}

void ShardedBroker::dropChannel(int partition, const QByteArray &channel)
{
    auto it = m_subscribed.find(channel);
    if (it == m_subscribed.end() || --*it > 0)
        return;
    m_subscribed.erase(it);
    m_subscriber->unsubscribe(channel);
    Partition &part = m_parts[size_t(partition)];
    if (--part.channels == 0) {
        m_subscriber->unsubscribe(markerChannel(partition));
        part = Partition {};
        release(); // it no longer holds others back
    }
}

void ShardedBroker::onMessage(int partition, const QByteArray &message)
{
    // "<entry id>\n<topic>\n<type>\n<payload>"
    const qsizetype first = message.indexOf('\n');
    const qsizetype second = first < 0 ? -1 : message.indexOf('\n', first + 1);
    const qsizetype third = second < 0 ? -1 : message.indexOf('\n', second + 1);
    quint64 id = 0;
    if (third < 0 || !globalId(QByteArrayView(message).first(first), partition, &id)) {
        const qint64 now = Clock::monotonicMs();
        if (m_malformedWarnedMs && now - m_malformedWarnedMs < 10000)
            return;
        m_malformedWarnedMs = now;
        qCWarning(lcRedis).noquote()
            << "ignored a malformed message in partition" << partition
            << "- something other than ssehub publishes on this prefix; give this cluster its "
               "own --redis-prefix";
        return;
    }
    receive(partition,
            makeEvent(id, message.mid(first + 1, second - first - 1),
                      message.mid(second + 1, third - second - 1), message.mid(third + 1),
                      qint64((id & ~StreamIdFlag) >> StreamIdSeqBits)));
}

bool ShardedBroker::fromTheFuture(const EventPtr &event)
{
    // Entry ids are the shards' clocks; one far ahead of this instance's is not one of ours (or
    // a shard's clock is wrong): handed on, it would hold back every other partition until then
    // and make everything before it look delivered.
    if (event->timestamp <= Clock::wallMs() + MaxAheadMs)
        return false;
    const qint64 now = Clock::monotonicMs();
    if (!m_futureWarnedMs || now - m_futureWarnedMs >= 10000) {
        m_futureWarnedMs = now;
        qCWarning(lcRedis).noquote()
            << QStringLiteral("ignored event %1 on %2: its id is %3 s ahead of this instance's "
                              "clock - something other than ssehub publishes on this prefix, or "
                              "the clocks of the Redis hosts and this one disagree (keep them in "
                              "step with NTP)")
                   .arg(QString::fromLatin1(event->idText()), QString::fromUtf8(event->topic))
                   .arg((event->timestamp - Clock::wallMs()) / 1000);
    }
    return true;
}

void ShardedBroker::receive(int partition, const EventPtr &event)
{
    Partition &part = m_parts[size_t(partition)];
    if (part.channels == 0 || event->id <= m_delivered || fromTheFuture(event))
        return; // not followed any more, handed on already, or not one of ours
    if (part.syncing)
        part.liveMax = qMax(part.liveMax, event->id);
    else
        part.covered = qMax(part.covered, event->id); // in order: every earlier one arrived
    if (hold(partition, event))
        release();
}

bool ShardedBroker::hold(int partition, const EventPtr &event)
{
    if (!m_pending.emplace(event->id, std::make_pair(partition, event)).second)
        return true; // had it (an exact filter's channel and a wildcard's both bring it)
    m_pendingBytes += EventHistory::costOf(*event);
    if (qsizetype(m_pending.size()) <= MaxHeld && m_pendingBytes <= 2 * m_options.historyBytes)
        return true;
    // Held back too long (a shard that does not answer, a very long catch-up): the memory bound
    // wins. What is held is dropped, live streams are told (a reset after the last event handed
    // on), and every followed partition goes on from where its Stream ends now.
    QStringList waitedOn;
    for (int p = 0; p < int(m_parts.size()); ++p) {
        Partition &part = m_parts[size_t(p)];
        if (part.channels == 0)
            continue;
        if (part.syncing || part.covered < m_pending.begin()->first)
            waitedOn << QString::number(p);
        part.synced = false;
        part.syncing = true;
        part.reading = false;
        part.liveMax = 0;
        ++part.generation;
    }
    qCWarning(lcRedis).noquote()
        << QStringLiteral("%1 events (%2 MiB) waited on partition(s) %3 for longer than their "
                          "bound; dropped them, live streams get a reset event - a shard that "
                          "does not answer holds back every partition an instance follows")
               .arg(m_pending.size())
               .arg(double(m_pendingBytes) / (1024 * 1024), 0, 'f', 1)
               .arg(waitedOn.join(u','));
    m_pending.clear();
    m_pendingBytes = 0;
    ++m_resets;
    Q_EMIT historyLost(m_delivered, std::numeric_limits<quint64>::max());
    QMetaObject::invokeMethod(this, &ShardedBroker::maybeSync, Qt::QueuedConnection);
    return false;
}

void ShardedBroker::release()
{
    while (!m_pending.empty()) {
        const auto head = m_pending.begin();
        const quint64 id = head->first;
        bool blocked = false;
        QList<int> asked;
        for (int p = 0; p < int(m_parts.size()); ++p) {
            const Partition &part = m_parts[size_t(p)];
            if (part.channels == 0 || (!part.syncing && part.covered >= id))
                continue;
            blocked = true;
            if (!part.syncing)
                asked << p;
        }
        if (blocked) {
            askCoverage(asked);
            break;
        }
        const auto [partition, event] = head->second;
        m_pending.erase(head);
        m_pendingBytes -= EventHistory::costOf(*event);
        deliver(partition, event);
    }
    completeBacklogs();
}

void ShardedBroker::deliver(int partition, const EventPtr &event)
{
    m_delivered = event->id;
    m_parts[size_t(partition)].delivered = event->id;
    m_history.append(event);
    dispatch(event);
}

} // namespace ssehub
