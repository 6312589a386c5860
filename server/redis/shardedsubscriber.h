#pragma once

#include "redis/redisconnection.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace ssehub {

class RedisCluster;

// Sharded pub/sub across a Redis Cluster: each channel is SSUBSCRIBEd on the primary that serves
// its slot, through one sharded connection per primary, and moved when the slot map changes or
// Redis ends or refuses a subscription (a slot moved, a failover). Messages published while a
// channel was between nodes are not received: lost() says so, and the owner reads what it missed
// from elsewhere (the Stream).
class ShardedSubscriber : public QObject
{
    Q_OBJECT

public:
    ShardedSubscriber(RedisCluster *cluster, const RedisConnection::Options &connection,
                      QObject *parent = nullptr);

    void subscribe(const QByteArray &channel, RedisConnection::MessageHandler handler);
    void unsubscribe(const QByteArray &channel);
    // Every channel is subscribed on the primary of its slot, and Redis confirmed it.
    bool allConfirmed() const;
    // Where a channel is subscribed now ("" while it waits for a primary).
    QString nodeOf(const QByteArray &channel) const { return m_channels.value(channel).address; }

Q_SIGNALS:
    // allConfirmed() became true.
    void confirmed();
    // Messages of some channels may have been missed (a connection or a subscription was lost,
    // or a channel moved to another node).
    void lost();

private:
    struct Channel
    {
        RedisConnection::MessageHandler handler;
        QString address; // the node it is subscribed on ("" none)
    };

    void place(const QByteArray &channel);
    void placeAll();
    RedisConnection *node(const QString &address);
    void dropIdleNodes();
    void checkConfirmed();

    RedisCluster *m_cluster;
    RedisConnection::Options m_connection;
    QHash<QByteArray, Channel> m_channels;
    QHash<QString, RedisConnection *> m_nodes;
    QTimer m_retry; // channels without a node are placed again
    bool m_wasConfirmed = false;
};

} // namespace ssehub
