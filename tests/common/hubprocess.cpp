#include "hubprocess.h"

#include <QElapsedTimer>
#include <QRegularExpression>

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
        QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
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

} // namespace ssehub::test
