#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace ssehub::test {

// A real redis-server for one test: its own free port on 127.0.0.1, its own scratch directory,
// no persistence unless asked for; killed when the object goes away.
class RedisServer
{
public:
    // port 0: a free one.
    explicit RedisServer(const QStringList &extraArgs = {}, quint16 port = 0);
    ~RedisServer();

    // Starts (or restarts on the same port); false with a message in error() on failure.
    bool start();
    void kill(); // SIGKILL: what a crash or a pulled plug looks like
    void pause(); // SIGSTOP: alive but silent
    void resume(); // SIGCONT
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QStringList m_extraArgs;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};

// A port on 127.0.0.1 that nothing listens on right now.
quint16 freePort();

} // namespace ssehub::test
