// The Redis Cluster broker's publishing: one script per partition an event or a batch touches,
// on that partition's shard, and the replicas' WAIT per shard with --redis-min-replicas.
#include "redis/redisscript.h"
#include "redis/shardedbroker.h"

namespace ssehub {

// --- Publishing -------------------------------------------------------------------------------

void ShardedBroker::runScript(int partition, const RedisScript &script,
                              const QList<QByteArray> &keys, const QList<QByteArray> &args,
                              RedisConnection::Callback done)
{
    QList<QByteArray> argv {QByteArrayLiteral("EVALSHA"), script.sha(),
                            QByteArray::number(keys.size())};
    argv << keys << args;
    const int slot = slotOf(partition);
    m_cluster->commandInSlot(slot, argv,
                             [this, slot, argv, body = script.body(), done](const RedisReply &r) {
                                 if (!r.isError() || !r.string.startsWith("NOSCRIPT")) {
                                     done(r);
                                     return;
                                 }
                                 QList<QByteArray> withBody = argv;
                                 withBody[0] = QByteArrayLiteral("EVAL");
                                 withBody[1] = body;
                                 m_cluster->commandInSlot(slot, withBody, done);
                             });
}

void ShardedBroker::publish(const PublishRequest &request, Done done)
{
    publishTo(partitionOf(request.topic), {request},
              [done](const QList<PublishResult> &results) { done(results.at(0)); });
}

void ShardedBroker::publishBatch(const QList<PublishRequest> &requests, BatchDone done)
{
    if (requests.isEmpty()) {
        done({});
        return;
    }
    // Grouped by partition, each group in the batch's order; the answers put back in it.
    QHash<int, QList<qsizetype>> groups;
    for (qsizetype i = 0; i < requests.size(); ++i)
        groups[partitionOf(requests.at(i).topic)].append(i);
    struct Collect
    {
        QList<PublishResult> results;
        int open = 0;
        BatchDone done;
    };
    auto collect = std::make_shared<Collect>();
    collect->results.resize(requests.size(), HubFailure {HubError::Internal, QString()});
    collect->open = int(groups.size());
    collect->done = std::move(done);
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        QList<PublishRequest> part;
        for (const qsizetype index : it.value())
            part.append(requests.at(index));
        publishTo(it.key(), part,
                  [collect, indexes = it.value()](const QList<PublishResult> &results) {
                      for (qsizetype i = 0; i < indexes.size(); ++i)
                          collect->results[indexes.at(i)] = results.at(i);
                      if (--collect->open == 0)
                          collect->done(collect->results);
                  });
    }
}

void ShardedBroker::publishTo(int partition, const QList<PublishRequest> &requests,
                              std::function<void(const QList<PublishResult> &)> done)
{
    const qsizetype count = requests.size();
    auto failAll = [this, count, done](const QString &message) {
        m_outage.refused();
        done(QList<PublishResult>(count, HubFailure {HubError::Unavailable, message}));
    };
    // Only without a slot map at all: a shard failing over fails its own publishes (after the
    // cluster client's retries), not the other shards'.
    if (!m_layoutConflict.isEmpty()) {
        failAll(QStringLiteral("not accepted: %1").arg(m_layoutConflict));
        return;
    }
    if (!m_cluster->hasMap()) {
        failAll(QStringLiteral("not ready: %1 is unavailable (%2); not accepted, retry later")
                    .arg(address(),
                         m_cluster->lastError().isEmpty() ? QStringLiteral("no slot map read yet")
                                                          : m_cluster->lastError()));
        return;
    }
    QList<QByteArray> args;
    args.reserve(5 + 4 * count);
    args << QByteArray::number(qMax<qsizetype>(m_options.historySize, 1))
         << QByteArray::number(m_options.historyBytes) << QByteArray::number(m_entryBaseCost)
         << QByteArrayLiteral("0") << allChannel(partition);
    for (const PublishRequest &request : requests)
        args << request.topic << request.type << request.payloadJson
             << channelFor(partition, request.topic);
    const QByteArray stream = streamKey(partition);
    auto handle = [this, partition, count, failAll, done](const RedisReply &reply) {
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 2 * count) {
            // A lost connection may have lost the script or its answer: nothing is confirmed.
            failAll(QStringLiteral("the shard of partition %1 did not confirm it: %2")
                        .arg(partition)
                        .arg(QString::fromUtf8(reply.string.left(300))));
            return;
        }
        QList<PublishResult> results;
        results.reserve(count);
        for (qsizetype i = 0; i < count; ++i) {
            Published result;
            const QByteArray &id = reply.elements.at(2 * i).string;
            if (!globalId(id, partition, &result.id)) {
                results.append(HubFailure {HubError::Internal,
                                           QStringLiteral("Redis returned an unusable id '%1'")
                                               .arg(QString::fromUtf8(id.left(100)))});
                continue;
            }
            result.delivered = int(reply.elements.at(2 * i + 1).integer);
            results.append(result);
        }
        confirmReplicated(partition, [done, results](const QString &error) mutable {
            if (!error.isEmpty()) {
                for (PublishResult &result : results) {
                    if (result.ok())
                        result = HubFailure {HubError::Unavailable, error};
                }
            }
            done(results);
        });
    };
    runScript(partition, shardedPublishScript(), {stream, stream + ":bytes"}, args, handle);
}

void ShardedBroker::confirmReplicated(int partition, ReplicaWaiter done)
{
    if (m_options.minReplicas <= 0) {
        done({});
        return;
    }
    // One WAIT per node for the publishes it confirmed meanwhile, at most one pending per node
    // (see RedisBroker::confirmReplicated).
    const QString node = m_cluster->primaryOf(slotOf(partition));
    NodeWait &wait = m_replicaWaits[node];
    wait.waiters.push_back(std::move(done));
    if (wait.waiters.size() == 1 && !wait.pending)
        QMetaObject::invokeMethod(
            this, [this, node, partition] { sendReplicaWait(node, partition); },
            Qt::QueuedConnection);
}

void ShardedBroker::sendReplicaWait(const QString &node, int partition)
{
    NodeWait &wait = m_replicaWaits[node];
    if (wait.pending || wait.waiters.empty())
        return;
    auto waiters = std::make_shared<std::vector<ReplicaWaiter>>(std::exchange(wait.waiters, {}));
    wait.pending = true;
    const int wanted = m_options.minReplicas;
    m_cluster->commandInSlot(
        slotOf(partition),
        {QByteArrayLiteral("WAIT"), QByteArray::number(wanted),
         QByteArray::number(m_options.replicaTimeoutMs)},
        [this, node, partition, wanted, waiters](const RedisReply &reply) {
            const qint64 confirmed = reply.type == RedisReply::Type::Integer ? reply.integer : 0;
            m_replicasShort = confirmed < wanted;
            QString error;
            if (confirmed < wanted)
                error = QStringLiteral("the shard %1 has the event, but %2 of the %3 replicas "
                                       "--redis-min-replicas asks for confirmed it within %4 ms "
                                       "(%5): it may be delivered, and lost if the primary "
                                       "fails now; a retry may deliver it twice")
                            .arg(node)
                            .arg(confirmed)
                            .arg(wanted)
                            .arg(m_options.replicaTimeoutMs)
                            .arg(reply.isError() ? QString::fromUtf8(reply.string.left(200))
                                                 : QStringLiteral("replicas down or behind"));
            m_replicaWaits[node].pending = false;
            for (const ReplicaWaiter &done : *waiters)
                done(error);
            sendReplicaWait(node, partition);
        });
}

} // namespace ssehub
