#pragma once

#include "redisserver.h"

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace ssehub::test {

// One command through redis-cli against 127.0.0.1:port (with a password if given); its output,
// trimmed.
QByteArray redisCli(quint16 port, const QStringList &args, const QByteArray &password = {});

// A real Sentinel deployment for one test, on free ports of 127.0.0.1: a primary, one replica
// and three sentinels (quorum 2) that watch it as `MasterName`, with short failure detection
// (down after 1 s) so that a failover takes a few seconds. Everything is killed when the object
// goes away.
class SentinelTopology
{
public:
    static constexpr char MasterName[] = "ssehub-primary";

    struct Options
    {
        // requirepass (and masterauth) of the servers, and of the sentinels (sentinel auth-pass).
        QByteArray password;
        QByteArray sentinelPassword;
    };

    SentinelTopology();
    explicit SentinelTopology(const Options &options);
    ~SentinelTopology();

    // Starts the servers, waits until the replica is in sync and every sentinel knows the
    // primary and the other sentinels; false with error() on failure.
    bool start();
    QString error() const { return m_error; }

    QList<quint16> sentinelPorts() const;
    // The primary's port as the sentinels now say (0: none or no agreement yet).
    quint16 primaryPort() const;
    RedisServer *server(quint16 port) const;
    // The port of the server that is not the primary now (0: none).
    quint16 replicaPort() const;
    // kill -9 of the current primary; the sentinels promote the replica within seconds.
    void killPrimary();
    // SIGSTOP / SIGCONT of the sentinel on `port`: alive to the kernel, silent.
    void pauseSentinel(quint16 port, bool paused);
    // Starts the server on `port` again (empty), as a replica of the current primary; true once
    // it is in sync.
    bool restartAsReplica(quint16 port);
    // redis-cli against a server (with its password) or a sentinel (with theirs).
    QByteArray serverCli(quint16 port, const QStringList &args) const;
    QByteArray sentinelCli(quint16 port, const QStringList &args) const;

private:
    bool startSentinel(int index);

    Options m_options;
    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<RedisServer>> m_servers; // the first primary, then the replica
    std::vector<std::unique_ptr<QProcess>> m_sentinels;
    QList<quint16> m_sentinelPorts;
    QString m_error;
};

} // namespace ssehub::test
