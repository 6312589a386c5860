#pragma once

#include "redisserver.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace ssehub::test {

// A real Redis Cluster for one test, on free ports of 127.0.0.1: three primaries with one
// replica each (`redis-cli --cluster create ... --cluster-replicas 1`), node timeout 1 s so that
// a failover takes seconds. Everything is killed when the object goes away.
class ClusterTopology
{
public:
    ClusterTopology();
    ~ClusterTopology();

    // Starts the six servers, creates the cluster and waits until every node says it is ok and
    // every replica is in sync; false with error() on failure.
    bool start();
    QString error() const { return m_error; }

    QList<quint16> ports() const;
    // The primary serving `slot` now, as the node on `askPort` (any node: 0) says; 0 if none.
    quint16 primaryOf(int slot, quint16 askPort = 0) const;
    QList<quint16> primaries() const;
    // A primary other than `than` (0: none).
    quint16 otherPrimary(quint16 than) const;
    RedisServer *server(quint16 port) const;
    // redis-cli against a node.
    QByteArray cli(quint16 port, const QStringList &args) const;
    // Moves `slot` from its primary to another primary (MIGRATING / IMPORTING, then the keys,
    // then SETSLOT NODE on both); stopAfterKeys leaves the slot half-moved (ASK answers).
    bool moveSlot(int slot, quint16 to, bool stopAfterKeys = false);
    QByteArray nodeId(quint16 port) const;

private:
    std::vector<std::unique_ptr<RedisServer>> m_servers;
    QString m_error;
};

} // namespace ssehub::test
