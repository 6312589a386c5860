#pragma once

#include "redis/redisconnection.h"

#include <QObject>

namespace ssehub {

// Where the state instances share besides events lives (ClusterState: named clients'
// subscriptions and cursors, the node registry; ClusterPresence): a command connection and a
// pub/sub connection to one Redis, the prefix of its keys and channels, and that Redis's marker
// key. With one Redis these are the broker's own connections; on a Redis Cluster they go to the
// primary serving the slot of the prefix, which is a hash tag ("{ssehub:}"), so that every key
// of the state, and every multi-key script on it, is in that one slot.
class RedisHome : public QObject
{
    Q_OBJECT

public:
    RedisHome(RedisConnection *commands, RedisConnection *subscriber, const QByteArray &prefix,
              const QByteArray &epochKey, QObject *parent);

    RedisConnection *commands() const { return m_commands; }
    RedisConnection *subscriber() const { return m_subscriber; }
    const QByteArray &prefix() const { return m_prefix; }
    // The marker key, and the value last seen in it ('' before the first look): a different
    // value later means that Redis lost its data.
    const QByteArray &epochKey() const { return m_epochKey; }
    const QByteArray &knownEpoch() const { return m_knownEpoch; }
    void setKnownEpoch(const QByteArray &epoch) { m_knownEpoch = epoch; }
    bool isReady() const { return m_commands->state() == RedisConnection::State::Ready; }
    QString address() const { return m_commands->address(); }

Q_SIGNALS:
    void readyChanged(bool ready);
    // Events live streams may have needed are gone (the broker's historyLost).
    void historyLost();
    // That Redis lost its data: what instances hold must be written back.
    void dataLost();

private:
    RedisConnection *m_commands;
    RedisConnection *m_subscriber;
    QByteArray m_prefix;
    QByteArray m_epochKey;
    QByteArray m_knownEpoch;
};

} // namespace ssehub
