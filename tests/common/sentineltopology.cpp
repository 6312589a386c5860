#include "sentineltopology.h"

#include <QFile>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

namespace ssehub::test {

QByteArray redisCli(quint16 port, const QStringList &args, const QByteArray &password)
{
    QProcess cli;
    QStringList options {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                         QString::number(port)};
    if (!password.isEmpty()) {
        // Not on the command line, where ps shows it.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("REDISCLI_AUTH"), QString::fromUtf8(password));
        cli.setProcessEnvironment(environment);
    }
    cli.start(QStringLiteral("redis-cli"), options + args);
    if (!cli.waitForFinished(5000))
        cli.kill();
    return cli.readAllStandardOutput().trimmed();
}

SentinelTopology::SentinelTopology() = default;

SentinelTopology::SentinelTopology(const Options &options)
    : m_options(options)
{
}

QByteArray SentinelTopology::serverCli(quint16 port, const QStringList &args) const
{
    return redisCli(port, args, m_options.password);
}

QByteArray SentinelTopology::sentinelCli(quint16 port, const QStringList &args) const
{
    return redisCli(port, args, m_options.sentinelPassword);
}

SentinelTopology::~SentinelTopology()
{
    for (auto &sentinel : m_sentinels) {
        ::kill(pid_t(sentinel->processId()), SIGCONT);
        sentinel->kill();
        sentinel->waitForFinished(5000);
    }
}

bool SentinelTopology::start()
{
    if (QStandardPaths::findExecutable(QStringLiteral("redis-sentinel")).isEmpty()) {
        m_error = QStringLiteral("redis-sentinel is not installed (scripts/setup-deps.sh "
                                 "installs it)");
        return false;
    }
    QStringList common;
    if (!m_options.password.isEmpty()) {
        const QString password = QString::fromUtf8(m_options.password);
        common << QStringLiteral("--requirepass") << password << QStringLiteral("--masterauth")
               << password;
    }
    m_servers.push_back(std::make_unique<RedisServer>(common));
    if (!m_servers.back()->start()) {
        m_error = m_servers.back()->error();
        return false;
    }
    const quint16 primary = m_servers.front()->port();
    m_servers.push_back(std::make_unique<RedisServer>(common
                                                      + QStringList {QStringLiteral("--replicaof"),
                                                                     QStringLiteral("127.0.0.1"),
                                                                     QString::number(primary)}));
    if (!m_servers.back()->start()) {
        m_error = m_servers.back()->error();
        return false;
    }
    const bool synced = QTest::qWaitFor(
        [this, primary] {
            return serverCli(primary, {QStringLiteral("INFO"), QStringLiteral("replication")})
                .contains("state=online");
        },
        10000);
    if (!synced) {
        m_error = QStringLiteral("the replica did not come in sync with the primary");
        return false;
    }
    for (int i = 0; i < 3; ++i) {
        if (!startSentinel(i))
            return false;
    }
    // Each sentinel sees the replica and the two others (found through the primary's channel).
    const bool known = QTest::qWaitFor(
        [this] {
            for (quint16 port : std::as_const(m_sentinelPorts)) {
                const QByteArray master
                    = sentinelCli(port,
                                  {QStringLiteral("SENTINEL"), QStringLiteral("MASTER"),
                                   QString::fromLatin1(MasterName)});
                const QList<QByteArray> lines = master.split('\n');
                const auto field = [&lines](const QByteArray &name) {
                    const qsizetype i = lines.indexOf(name);
                    return i >= 0 && i + 1 < lines.size() ? lines.at(i + 1).toInt() : -1;
                };
                if (field("num-slaves") < 1 || field("num-other-sentinels") < 2)
                    return false;
            }
            return true;
        },
        20000);
    if (!known)
        m_error = QStringLiteral("the sentinels did not discover each other and the replica");
    return known;
}

bool SentinelTopology::startSentinel(int index)
{
    const quint16 port = freePort();
    const QString dir = m_dir.filePath(QStringLiteral("sentinel-%1").arg(index));
    QDir().mkpath(dir);
    const QString conf = dir + QStringLiteral("/sentinel.conf");
    QFile file(conf);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = file.errorString();
        return false;
    }
    file.write(QStringLiteral("port %1\nbind 127.0.0.1\ndir %2\n"
                              "sentinel monitor %3 127.0.0.1 %4 2\n"
                              "sentinel down-after-milliseconds %3 1000\n"
                              "sentinel failover-timeout %3 3000\n"
                              "sentinel parallel-syncs %3 1\n")
                   .arg(port)
                   .arg(dir, QString::fromLatin1(MasterName))
                   .arg(m_servers.front()->port())
                   .toUtf8());
    if (!m_options.password.isEmpty())
        file.write("sentinel auth-pass " + QByteArray(MasterName) + " \"" + m_options.password
                   + "\"\n");
    if (!m_options.sentinelPassword.isEmpty())
        file.write("requirepass \"" + m_options.sentinelPassword + "\"\n");
    file.close();
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->start(QStandardPaths::findExecutable(QStringLiteral("redis-sentinel")), {conf});
    if (!process->waitForStarted(5000)) {
        m_error = process->errorString();
        return false;
    }
    const bool up = QTest::qWaitFor(
        [port] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, port);
            return probe.waitForConnected(100);
        },
        10000);
    if (!up) {
        m_error = QStringLiteral("redis-sentinel did not start: ")
            + QString::fromUtf8(process->readAll());
        return false;
    }
    m_sentinels.push_back(std::move(process));
    m_sentinelPorts << port;
    return true;
}

QList<quint16> SentinelTopology::sentinelPorts() const
{
    return m_sentinelPorts;
}

quint16 SentinelTopology::primaryPort() const
{
    quint16 agreed = 0;
    for (quint16 sentinel : m_sentinelPorts) {
        const QList<QByteArray> answer
            = sentinelCli(sentinel,
                          {QStringLiteral("SENTINEL"), QStringLiteral("get-master-addr-by-name"),
                           QString::fromLatin1(MasterName)})
                  .split('\n');
        const quint16 port = answer.size() == 2 ? quint16(answer.at(1).toUInt()) : 0;
        if (!port || (agreed && port != agreed))
            return 0;
        agreed = port;
    }
    return agreed;
}

RedisServer *SentinelTopology::server(quint16 port) const
{
    for (const auto &server : m_servers) {
        if (server->port() == port)
            return server.get();
    }
    return nullptr;
}

void SentinelTopology::pauseSentinel(quint16 port, bool paused)
{
    const qsizetype index = m_sentinelPorts.indexOf(port);
    if (index >= 0)
        ::kill(pid_t(m_sentinels.at(size_t(index))->processId()), paused ? SIGSTOP : SIGCONT);
}

quint16 SentinelTopology::replicaPort() const
{
    const quint16 primary = primaryPort();
    for (const auto &server : m_servers) {
        if (primary && server->port() != primary)
            return server->port();
    }
    return 0;
}

void SentinelTopology::killPrimary()
{
    if (RedisServer *primary = server(primaryPort()))
        primary->kill();
}

} // namespace ssehub::test

namespace ssehub::test {

bool SentinelTopology::restartAsReplica(quint16 port)
{
    RedisServer *restarted = server(port);
    quint16 primary = 0;
    const bool agreed = QTest::qWaitFor(
        [&] {
            primary = primaryPort(); // 0 while the sentinels do not agree yet
            return primary && primary != port;
        },
        20000);
    if (!restarted || !agreed || !restarted->start())
        return false;
    serverCli(port,
              {QStringLiteral("REPLICAOF"), QStringLiteral("127.0.0.1"), QString::number(primary)});
    const bool synced = QTest::qWaitFor(
        [&] {
            return serverCli(primary, {QStringLiteral("INFO"), QStringLiteral("replication")})
                .contains(QByteArray("port=" + QByteArray::number(port) + ",state=online"));
        },
        20000);
    if (!synced)
        qWarning(
            "restarted %d: not in sync with %d\n%s\n%s", port, primary,
            serverCli(primary, {QStringLiteral("INFO"), QStringLiteral("replication")}).constData(),
            serverCli(port, {QStringLiteral("INFO"), QStringLiteral("replication")}).constData());
    return synced;
}

} // namespace ssehub::test
