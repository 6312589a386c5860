#include "redis/shardedsubscriber.h"

#include "redis/rediscluster.h"

namespace ssehub {

namespace {

constexpr int RetryMs = 250;

} // namespace

ShardedSubscriber::ShardedSubscriber(RedisCluster *cluster,
                                     const RedisConnection::Options &connection, QObject *parent)
    : QObject(parent)
    , m_cluster(cluster)
    , m_connection(connection)
{
    m_connection.sharded = true;
    m_retry.setInterval(RetryMs);
    connect(&m_retry, &QTimer::timeout, this, &ShardedSubscriber::placeAll);
    connect(m_cluster, &RedisCluster::mapChanged, this, &ShardedSubscriber::placeAll);
}

void ShardedSubscriber::subscribe(const QByteArray &channel,
                                  RedisConnection::MessageHandler handler)
{
    Channel &entry = m_channels[channel];
    entry.handler = std::move(handler);
    if (RedisConnection *connection = m_nodes.value(entry.address)) {
        connection->ssubscribe(channel, entry.handler);
        m_wasConfirmed = false; // confirmed() again once Redis confirmed this one
        return;
    }
    place(channel);
    checkConfirmed();
}

void ShardedSubscriber::unsubscribe(const QByteArray &channel)
{
    const Channel entry = m_channels.take(channel);
    if (RedisConnection *connection = m_nodes.value(entry.address))
        connection->sunsubscribe(channel);
    checkConfirmed();
}

RedisConnection *ShardedSubscriber::node(const QString &address)
{
    if (RedisConnection *known = m_nodes.value(address))
        return known;
    RedisConnection::Options options = m_connection;
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    options.host = address.left(colon);
    options.port = quint16(address.mid(colon + 1).toUInt());
    auto *connection = new RedisConnection(options, this);
    m_nodes.insert(address, connection);
    connect(connection, &RedisConnection::allSubscribed, this, &ShardedSubscriber::checkConfirmed);
    connect(connection, &RedisConnection::disconnected, this, [this] {
        // Whatever was published meanwhile on its channels is missed; a failover may follow.
        m_wasConfirmed = false;
        m_cluster->readMapSoon();
        Q_EMIT lost();
    });
    connect(connection, &RedisConnection::shardedDropped, this,
            [this, address](const QByteArray &channel, const QByteArray &) {
                auto it = m_channels.find(channel);
                if (it == m_channels.end() || it->address != address)
                    return;
                it->address.clear(); // placed again once the map says where
                m_wasConfirmed = false;
                m_cluster->readMapSoon();
                m_retry.start();
                Q_EMIT lost();
            });
    connection->start();
    return connection;
}

void ShardedSubscriber::place(const QByteArray &channel)
{
    auto it = m_channels.find(channel);
    if (it == m_channels.end())
        return;
    const QString address = m_cluster->primaryOf(redisKeySlot(channel));
    if (address == it->address)
        return;
    if (RedisConnection *old = m_nodes.value(it->address)) {
        old->sunsubscribe(channel);
        Q_EMIT lost(); // between two nodes: what is published meanwhile is missed
    }
    it->address = address;
    m_wasConfirmed = false;
    if (address.isEmpty()) {
        m_retry.start();
        return;
    }
    node(address)->ssubscribe(channel, it->handler);
}

void ShardedSubscriber::placeAll()
{
    const QList<QByteArray> channels = m_channels.keys();
    bool waiting = false;
    for (const QByteArray &channel : channels) {
        place(channel);
        waiting = waiting || m_channels.value(channel).address.isEmpty();
    }
    if (!waiting)
        m_retry.stop();
    dropIdleNodes();
    checkConfirmed();
}

void ShardedSubscriber::dropIdleNodes()
{
    // A node that serves none of the channels any more (a failed primary, a slot moved away).
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (it.value()->shardChannels().isEmpty()) {
            it.value()->deleteLater();
            it = m_nodes.erase(it);
        } else {
            ++it;
        }
    }
}

bool ShardedSubscriber::allConfirmed() const
{
    for (const Channel &entry : m_channels) {
        const RedisConnection *connection = m_nodes.value(entry.address);
        if (!connection || !connection->subscriptionsConfirmed())
            return false;
    }
    return true;
}

void ShardedSubscriber::checkConfirmed()
{
    const bool now = allConfirmed();
    if (now && !m_wasConfirmed)
        Q_EMIT confirmed();
    m_wasConfirmed = now;
}

} // namespace ssehub
