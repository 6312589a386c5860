// How far the partitions an instance follows are known to have arrived (ShardedBroker's
// coverage): the full ticks once a second, the asks per shard for waiting events, the markers
// they publish.
#include "core/clock.h"
#include "redis/redishome.h"
#include "redis/redisscript.h"
#include "redis/shardedbroker.h"

#include <QRandomGenerator>

namespace ssehub {

namespace {

} // namespace

void ShardedBroker::tick()
{
    m_history.expire(Clock::wallMs());
    const qint64 now = Clock::monotonicMs();
    if (m_home->isReady() && now - m_homeCheckedMs >= 1000) {
        checkLayout();
        checkHomeEpoch();
    }
    if (!isReady())
        return;
    maybeSync(); // partitions whose read failed, subscriptions confirmed meanwhile
    // The full ticks (marker keys, the Streams' ends) once a second: waiting events ask the
    // shards themselves (askCoverage).
    if (now - m_fullTickMs < FullTickMs)
        return;
    m_fullTickMs = now;
    for (int p = 0; p < int(m_parts.size()); ++p) {
        if (m_parts[size_t(p)].channels > 0)
            tickPartition(p);
    }
}

void ShardedBroker::askCoverage(const QList<int> &partitions)
{
    // One light script per shard for all of its partitions asked (the shard's clock on each
    // one's marker channel): at once when that shard was not asked lately (a quiet partition:
    // the wait is one round trip), else at most once per MinAskMs, by when busy partitions'
    // own events have often covered the wait.
    QHash<QString, QList<QByteArray>> byNode;
    for (const int p : partitions) {
        const QString node = m_cluster->primaryOf(slotOf(p));
        if (!node.isEmpty())
            byNode[node] << markerChannel(p);
    }
    const qint64 now = Clock::monotonicMs();
    for (auto it = byNode.cbegin(); it != byNode.cend(); ++it) {
        NodeAsk &ask = m_nodeAsks[it.key()];
        if (ask.inFlight)
            continue;
        const qint64 due = ask.askedMs + MinAskMs;
        if (ask.askedMs != 0 && now < due) {
            if (!m_askTimer.isActive() || m_askTimer.remainingTime() > int(due - now))
                m_askTimer.start(int(due - now));
            continue;
        }
        ask.askedMs = now;
        ask.inFlight = true;
        ++m_ticksSent;
        const QString node = it.key();
        QList<QByteArray> argv {QByteArrayLiteral("EVALSHA"), coverScript().sha(), "0"};
        argv << it.value();
        const int slot = redisKeySlot(it.value().constFirst());
        auto done = [this, node](const RedisReply &) {
            m_nodeAsks[node].inFlight = false;
            if (!m_pending.empty()) // its markers may have come before this answer
                QMetaObject::invokeMethod(this, &ShardedBroker::release, Qt::QueuedConnection);
        };
        m_cluster->commandInSlot(slot, argv, [this, slot, argv, done](const RedisReply &r) {
            if (!r.isError() || !r.string.startsWith("NOSCRIPT")) {
                done(r);
                return;
            }
            QList<QByteArray> withBody = argv;
            withBody[0] = QByteArrayLiteral("EVAL");
            withBody[1] = coverScript().body();
            m_cluster->commandInSlot(slot, withBody, done);
        });
    }
}

void ShardedBroker::tickPartition(int partition)
{
    Partition &part = m_parts[size_t(partition)];
    if (part.tickInFlight || !isReady())
        return;
    part.tickInFlight = true;
    ++m_ticksSent;
    const QByteArray candidate = QByteArray::number(Clock::wallMs()) + '-'
        + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    runScript(
        partition, shardedTickScript(), {streamKey(partition), tag(partition) + "epoch"},
        {markerChannel(partition), candidate}, [this, partition](const RedisReply &reply) {
            Partition &part = m_parts[size_t(partition)];
            part.tickInFlight = false;
            if (reply.isError() || reply.type != RedisReply::Type::String || part.channels == 0)
                return;
            m_outage.answered();
            // Its marker may have come first, while this tick was in flight: ask again
            // if something still waits on this partition.
            if (!m_pending.empty())
                QMetaObject::invokeMethod(this, &ShardedBroker::release, Qt::QueuedConnection);
            if (part.epoch.isEmpty()) {
                part.epoch = reply.string;
            } else if (part.epoch != reply.string) {
                // The marker key is gone: the shard lost its data (a flush, a restart
                // without it). Read the partition again; the sync resets the streams.
                part.epoch = reply.string;
                part.epochLost = true;
                part.syncing = true;
                ++part.generation;
                part.reading = false;
                maybeSync();
            }
        });
}

void ShardedBroker::onMarker(int partition, const QByteArray &message)
{
    // "<epoch> <ms> <last id>" from a tick, "~ <ms>" from a coverage ask
    Partition &part = m_parts[size_t(partition)];
    QList<QByteArray> fields = message.split(' ');
    if (fields.size() == 2 && fields.at(0) == "~")
        fields << QByteArray();
    else if (fields.size() != 3 || (!part.epoch.isEmpty() && fields.at(0) != part.epoch))
        return; // a marker of data that is not the one known: the tick's answer handles it
    if (part.channels == 0 || part.syncing)
        return;
    bool ok = false;
    const quint64 ms = fields.at(1).toULongLong(&ok);
    if (!ok || ms >= (quint64(1) << (63 - StreamIdSeqBits)))
        return;
    quint64 covered = StreamIdFlag | (ms << StreamIdSeqBits) | LowMask;
    quint64 last = 0;
    if (!fields.at(2).isEmpty() && globalId(fields.at(2), partition, &last))
        covered = qMax(covered, last | quint64(MaxPartitions - 1)); // the rest of its seq
    part.covered = qMax(part.covered, covered);
    release();
}

} // namespace ssehub
