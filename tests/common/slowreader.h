#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

namespace ssehub::test {

// A subscriber that is alive but reads slower than its topic: a real socket whose receive
// buffer is made tiny before it connects (so the window it advertises stays small), from which
// at most bytesPerTick bytes are read every tickMs (0: it never reads). Its kernel still
// acknowledges what arrives, the server's zero-window probes included.
class SlowReader : public QObject
{
    Q_OBJECT

public:
    explicit SlowReader(QObject *parent = nullptr);
    ~SlowReader() override;

    // Connects to 127.0.0.1:port and sends GET pathAndQuery. False (with the reason in
    // errorString) when the socket cannot be made.
    bool open(quint16 port, const QByteArray &pathAndQuery, int receiveBufferBytes,
              int bytesPerTick, int tickMs = 20);
    void setBytesPerTick(int bytes) { m_bytesPerTick = bytes; }

    bool isOpen() const { return m_fd >= 0; }
    qint64 bytesRead() const { return m_bytesRead; }
    // The first bytes read (the response head and the start of the stream).
    QByteArray start() const { return m_start; }
    // How the stream ended: 0 for an orderly end, otherwise the errno (ECONNRESET for a reset).
    int endError() const { return m_endError; }
    QString errorString() const { return m_errorString; }
    // The local port, to find the server's end of the connection.
    quint16 localPort() const { return m_localPort; }

Q_SIGNALS:
    void ended();

private:
    void readSome();
    void end(int error);

    int m_fd = -1;
    QTimer m_timer;
    int m_bytesPerTick = 0;
    qint64 m_bytesRead = 0;
    QByteArray m_start;
    int m_endError = 0;
    QString m_errorString;
    quint16 m_localPort = 0;
};

} // namespace ssehub::test
