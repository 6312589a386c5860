#include "redisserver.h"

#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

namespace ssehub::test {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

RedisServer::RedisServer(const QStringList &extraArgs, quint16 port)
    : m_extraArgs(extraArgs)
    , m_port(port ? port : freePort())
{
}

RedisServer::~RedisServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        resume();
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool RedisServer::start()
{
    const QString binary = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (binary.isEmpty()) {
        m_error
            = QStringLiteral("redis-server is not installed (scripts/setup-deps.sh installs it)");
        return false;
    }
    QStringList args {QStringLiteral("--port"),       QString::number(m_port),
                      QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                      QStringLiteral("--dir"),        m_dir.path(),
                      QStringLiteral("--save"),       QString(),
                      QStringLiteral("--appendonly"), QStringLiteral("no"),
                      QStringLiteral("--daemonize"),  QStringLiteral("no")};
    args += m_extraArgs;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(binary, args);
    if (!m_process.waitForStarted(5000)) {
        m_error = m_process.errorString();
        return false;
    }
    // Ready when it accepts a connection.
    const bool up = QTest::qWaitFor(
        [this] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            return probe.waitForConnected(100);
        },
        10000);
    if (!up)
        m_error = QStringLiteral("redis-server did not start: ")
            + QString::fromUtf8(m_process.readAll());
    return up;
}

void RedisServer::kill()
{
    resume();
    m_process.kill();
    m_process.waitForFinished(5000);
}

void RedisServer::pause()
{
    if (m_process.processId() > 0)
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void RedisServer::resume()
{
    if (m_process.processId() > 0)
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

} // namespace ssehub::test
