#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>

namespace ssehub::test {

// The environment a test runs the ssehub binary in: scratch data and settings directories under
// scratchDir (never the user's), and no display.
QProcessEnvironment hubEnvironment(const QString &scratchDir);

// Waits (up to timeoutMs) until a started ssehub prints "listening on http://127.0.0.1:PORT" on
// its standard output, and returns the port; 0 when it exits or stays silent (what it printed
// then goes to a warning). What it printed until then is appended to *output when given.
quint16 waitForHubPort(QProcess &process, int timeoutMs = 15000, QByteArray *output = nullptr);

} // namespace ssehub::test
