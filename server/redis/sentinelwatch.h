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
// It holds one subscription to `+switch-master` on one sentinel at a time. A subscription cannot
// be PINGed through hiredis, so the same sentinel is also asked where the primary is every
// ProbeMs on a connection of its own: a sentinel that does not answer within a second (frozen,
// gone) is left for the next one, and a switch announced while no subscription was up is found.
// What a sentinel says is checked (a host of at most 255 characters of a host name or an IP
// address, a port from 1 to 65535) and new primaries are passed on at most once a second.
class SentinelWatch : public QObject
{
    Q_OBJECT

public:
    static constexpr int ProbeMs = 2000;
    static constexpr int AnswerMs = 1000; // a sentinel's answer, or its connection, takes longer
    static constexpr int SwitchEveryMs = 1000;

    // options: the sentinels, the primary's name and the sentinels' password.
    explicit SentinelWatch(const RedisConnection::Options &options, QObject *parent = nullptr);

    void start();
    // New primaries announced by the sentinels (`+switch-master`, another address than before).
    quint64 switches() const { return m_switches; }
    // A sentinel is watched and answered the last question.
    bool isWatching() const;
    // The sentinel watched now ("" between sentinels).
    QString watching() const;
    // A host and port a sentinel named, checked; false for anything else.
    static bool usableAddress(const QByteArray &host, const QByteArray &port, QString *hostOut,
                              quint16 *portOut);

Q_SIGNALS:
    // A sentinel names host:port as the primary now (announced or answered).
    void primaryAt(const QString &host, quint16 port);

private:
    void watchNext();
    void ask();
    void announce(const QString &host, quint16 port);
    RedisConnection::Options sentinelOptions(int index) const;

    RedisConnection::Options m_options;
    int m_index = -1; // the sentinel watched (m_options.sentinels)
    RedisConnection *m_watch = nullptr;
    RedisConnection *m_probe = nullptr;
    bool m_answered = false; // the watched sentinel answered its last question
    QTimer m_next;
    QTimer m_probeTimer;
    QTimer m_switchTimer; // the next primary is passed on when it fires
    QString m_lastHost; // the primary named last
    quint16 m_lastPort = 0;
    bool m_switchPending = false;
    quint64 m_switches = 0;
    qint64 m_lastBadWarningMs = 0;
};

} // namespace ssehub
