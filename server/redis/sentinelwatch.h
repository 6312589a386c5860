#pragma once

#include "redis/redisconnection.h"

#include <QObject>
#include <QString>
#include <QTimer>

namespace ssehub {

// Follows the primary that Redis Sentinel names between connections, so that a failover (or a
// switch an operator asked for, which leaves the old primary running as a replica) is followed
// at once rather than on the next write refused as READONLY.
//
// It holds one subscription to `+switch-master` on one sentinel at a time, moving to the next
// sentinel when it is lost. Each time the subscription is (re)made it also asks that sentinel
// where the primary is, so that a switch announced while no subscription was up is not missed.
class SentinelWatch : public QObject
{
    Q_OBJECT

public:
    // options: the sentinels, the primary's name and the sentinels' password.
    explicit SentinelWatch(const RedisConnection::Options &options, QObject *parent = nullptr);

    void start();
    // `+switch-master` announcements for this primary received.
    quint64 switches() const { return m_switches; }
    // The sentinel watched now ("" between sentinels).
    QString watching() const;

Q_SIGNALS:
    // A sentinel names host:port as the primary now (announced or answered).
    void primaryAt(const QString &host, quint16 port);

private:
    void watchNext();
    void ask();
    RedisConnection::Options sentinelOptions(int index) const;

    RedisConnection::Options m_options;
    int m_index = -1; // the sentinel watched (m_options.sentinels)
    RedisConnection *m_watch = nullptr;
    RedisConnection *m_probe = nullptr;
    QTimer m_next;
    quint64 m_switches = 0;
};

} // namespace ssehub
