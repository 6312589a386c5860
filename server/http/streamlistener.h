#pragma once

#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace ssehub {

// Accepts connections with a deep listen backlog and lets the front see every socket first.
// It accepts them itself rather than through Qt's loop, which retries a failed accept at once
// for as long as the process is out of descriptors (a core at 100%, nothing logged).
class StreamListener : public QTcpServer
{
    Q_OBJECT

public:
    explicit StreamListener(QObject *parent = nullptr);
    ~StreamListener() override;
    // Takes accepting over from Qt; call after listen().
    void startAccepting();
    // Stops accepting and closes the listening socket.
    void stop();
    // Descriptors were freed (a connection closed): accepting resumes now, not at the next retry.
    void descriptorsFreed();
    // Accepts that failed, or connections refused, for want of descriptors.
    quint64 fdLimitHits() const { return m_fdLimitHits; }
    bool isPausedForDescriptors() const { return m_paused; }
    // Offered every accepted descriptor first; returns true when it took it over.
    std::function<bool(int)> takeOver;
    // Called with the QTcpSocket made for every other connection.
    std::function<void(QTcpSocket *)> onAccepted;
    // HTTPS: every connection is a QSslSocket with this configuration (and nothing is taken
    // over, as the bytes are encrypted).
    std::optional<QSslConfiguration> tls;
    // A TLS handshake failed (no, foreign or expired client certificate, ...).
    std::function<void(const QString &)> onHandshakeFailed;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void acceptPending();
    // Out of descriptors: accepting pauses (what waits stays in the backlog) and is retried.
    void pauseForDescriptors(const QString &why);

    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_retry;
    quint64 m_fdLimitHits = 0;
    bool m_paused = false;
    qint64 m_pausedSinceMs = 0;
    qint64 m_lastWarningMs = 0; // 0: none yet
    bool m_warnedThisPause = false;
};

} // namespace ssehub
