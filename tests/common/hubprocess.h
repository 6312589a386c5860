#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <csignal>
#include <memory>

namespace ssehub::test {

// The environment a test runs the ssehub binary in: scratch data and settings directories under
// scratchDir (never the user's), and no display.
QProcessEnvironment hubEnvironment(const QString &scratchDir);

// Waits (up to timeoutMs) until a started ssehub prints "listening on http(s)://127.0.0.1:PORT" on
// its standard output, and returns the port; 0 when it exits or stays silent (what it printed
// then goes to a warning). What it printed until then is appended to *output when given.
quint16 waitForHubPort(QProcess &process, int timeoutMs = 15000, QByteArray *output = nullptr);

// `ssehub --headless ARGUMENTS` run by a test in a scratch environment (hubEnvironment), killed
// with SIGKILL by kill() or when destroyed.
class HeadlessHub
{
public:
    HeadlessHub(const QString &binary, const QString &scratchDir);
    ~HeadlessHub();

    // Starts it; false when it did not start or report its port.
    bool start(const QStringList &arguments);
    void kill();
    // SIGSTOP / SIGCONT: the instance stops (and resumes) as a stalled machine would.
    void pause() { signal(SIGSTOP); }
    void resume() { signal(SIGCONT); }
    quint16 port() const { return m_port; }

private:
    void signal(int number);

    QString m_binary;
    QString m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace ssehub::test
