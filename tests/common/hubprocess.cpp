#include "hubprocess.h"

#include <QElapsedTimer>
#include <QRegularExpression>

#include <csignal>

namespace ssehub::test {

QProcessEnvironment hubEnvironment(const QString &scratchDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratchDir);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), scratchDir);
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    return env;
}

quint16 waitForHubPort(QProcess &process, int timeoutMs, QByteArray *output)
{
    static const QRegularExpression listening(
        QStringLiteral("listening on https?://127\\.0\\.0\\.1:(\\d+)"));
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        process.waitForReadyRead(50);
        out += process.readAllStandardOutput();
        const auto m = listening.match(QString::fromUtf8(out));
        if (m.hasMatch()) {
            if (output)
                *output += out;
            return quint16(m.captured(1).toUInt());
        }
        if (process.state() != QProcess::Running)
            break;
    }
    qWarning("ssehub did not report a port; it printed: %s", out.constData());
    if (output)
        *output += out;
    return 0;
}

HeadlessHub::HeadlessHub(const QString &binary, const QString &scratchDir)
    : m_binary(binary)
    , m_dir(scratchDir)
{
}

HeadlessHub::~HeadlessHub()
{
    kill();
}

bool HeadlessHub::start(const QStringList &arguments)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(hubEnvironment(m_dir));
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->start(m_binary, QStringList {QStringLiteral("--headless")} + arguments);
    if (!m_process->waitForStarted(5000))
        return false;
    m_port = waitForHubPort(*m_process);
    return m_port != 0;
}

void HeadlessHub::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        ::kill(pid_t(m_process->processId()), SIGKILL);
        m_process->waitForFinished(5000);
    }
}

void HeadlessHub::signal(int number)
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        ::kill(pid_t(m_process->processId()), number);
}

} // namespace ssehub::test
