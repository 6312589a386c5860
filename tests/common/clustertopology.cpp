#include "clustertopology.h"

#include "sentineltopology.h"

#include <QProcess>
#include <QTest>

namespace ssehub::test {

ClusterTopology::ClusterTopology() = default;
ClusterTopology::~ClusterTopology() = default;

QByteArray ClusterTopology::cli(quint16 port, const QStringList &args) const
{
    return redisCli(port, args);
}

bool ClusterTopology::start()
{
    for (int i = 0; i < 6; ++i) {
        m_servers.push_back(std::make_unique<RedisServer>(
            QStringList {QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
                         QStringLiteral("--cluster-config-file"), QStringLiteral("nodes.conf"),
                         QStringLiteral("--cluster-node-timeout"), QStringLiteral("1000"),
                         QStringLiteral("--repl-diskless-sync-delay"), QStringLiteral("0")}));
        if (!m_servers.back()->start()) {
            m_error = m_servers.back()->error();
            return false;
        }
    }
    QStringList args {QStringLiteral("--cluster"), QStringLiteral("create")};
    for (const auto &server : m_servers)
        args << QStringLiteral("127.0.0.1:%1").arg(server->port());
    args << QStringLiteral("--cluster-replicas") << QStringLiteral("1")
         << QStringLiteral("--cluster-yes");
    QProcess create;
    create.setProcessChannelMode(QProcess::MergedChannels);
    create.start(QStringLiteral("redis-cli"), args);
    if (!create.waitForFinished(60000) || create.exitCode() != 0) {
        m_error = QStringLiteral("redis-cli --cluster create failed: ")
            + QString::fromUtf8(create.readAll().right(2000));
        return false;
    }
    // Every node sees the whole cluster ok, with three primaries and their replicas in sync.
    const bool ok = QTest::qWaitFor(
        [this] {
            for (const auto &server : m_servers) {
                if (!cli(server->port(), {QStringLiteral("CLUSTER"), QStringLiteral("INFO")})
                         .contains("cluster_state:ok"))
                    return false;
            }
            int online = 0;
            for (quint16 primary : primaries())
                online += cli(primary, {QStringLiteral("INFO"), QStringLiteral("replication")})
                              .contains("state=online")
                    ? 1
                    : 0;
            return primaries().size() == 3 && online == 3;
        },
        30000);
    if (!ok)
        m_error = QStringLiteral("the cluster did not become ok with three primaries in sync");
    return ok;
}

QList<quint16> ClusterTopology::ports() const
{
    QList<quint16> ports;
    for (const auto &server : m_servers)
        ports << server->port();
    return ports;
}

QList<quint16> ClusterTopology::primaries() const
{
    QList<quint16> primaries;
    for (const auto &server : m_servers) {
        if (server->isRunning()
            && cli(server->port(), {QStringLiteral("ROLE")}).startsWith("master"))
            primaries << server->port();
    }
    return primaries;
}

quint16 ClusterTopology::otherPrimary(quint16 than) const
{
    for (quint16 primary : primaries()) {
        if (primary != than)
            return primary;
    }
    return 0;
}

quint16 ClusterTopology::primaryOf(int slot, quint16 askPort) const
{
    // CLUSTER SLOTS: start, end, then the primary's host and port first.
    if (!askPort) {
        for (const auto &server : m_servers) {
            if (server->isRunning()) {
                askPort = server->port();
                break;
            }
        }
    }
    const QList<QByteArray> lines
        = cli(askPort, {QStringLiteral("CLUSTER"), QStringLiteral("SLOTS")}).split('\n');
    // redis-cli prints the nested arrays flat: start, end, host, port, id, host, port, id, ...
    for (qsizetype i = 0; i + 3 < lines.size(); ++i) {
        bool a = false, b = false;
        const int start = lines.at(i).toInt(&a);
        const int end = lines.at(i + 1).toInt(&b);
        if (a && b && lines.at(i + 2) == "127.0.0.1" && start <= slot && slot <= end)
            return quint16(lines.at(i + 3).toUInt());
    }
    return 0;
}

RedisServer *ClusterTopology::server(quint16 port) const
{
    for (const auto &server : m_servers) {
        if (server->port() == port)
            return server.get();
    }
    return nullptr;
}

QByteArray ClusterTopology::nodeId(quint16 port) const
{
    return cli(port, {QStringLiteral("CLUSTER"), QStringLiteral("MYID")});
}

bool ClusterTopology::moveSlot(int slot, quint16 to, bool stopAfterKeys)
{
    const quint16 from = primaryOf(slot);
    if (!from || from == to)
        return false;
    const QString s = QString::number(slot);
    const QString fromId = QString::fromLatin1(nodeId(from));
    const QString toId = QString::fromLatin1(nodeId(to));
    const QString cluster = QStringLiteral("CLUSTER");
    const QString setslot = QStringLiteral("SETSLOT");
    if (cli(to, {cluster, setslot, s, QStringLiteral("IMPORTING"), fromId}) != "OK"
        || cli(from, {cluster, setslot, s, QStringLiteral("MIGRATING"), toId}) != "OK")
        return false;
    const QList<QByteArray> keys
        = cli(from, {cluster, QStringLiteral("GETKEYSINSLOT"), s, QStringLiteral("1000")})
              .split('\n');
    for (const QByteArray &key : keys) {
        if (key.isEmpty())
            continue;
        cli(from,
            {QStringLiteral("MIGRATE"), QStringLiteral("127.0.0.1"), QString::number(to),
             QString::fromUtf8(key), QStringLiteral("0"), QStringLiteral("5000")});
    }
    if (stopAfterKeys)
        return true;
    for (quint16 port : {to, from})
        cli(port, {cluster, setslot, s, QStringLiteral("NODE"), toId});
    return true;
}

} // namespace ssehub::test
