#pragma once

#include "event.h"
#include "topicfilter.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace ssehub {

class EventHistory;

// Why a stream ended; the strings appear in the connection log and docs/API.md.
enum class CloseReason { ClientClosed, Dead, SlowConsumer, WriteFailed, Kicked, Shutdown };
QString closeReasonName(CloseReason reason);

// One open event stream (one client connection). It owns the write side of the socket: live
// events, replay from the history, heartbeats, and the bound on bytes queued for a slow reader.
class SseConnection : public QObject
{
    Q_OBJECT

public:
    enum class State { Replaying, Live, Closed };

    struct Options
    {
        qint64 maxQueueBytes = 1024 * 1024;
        int heartbeatMs = 30000;
    };

    SseConnection(quint64 id, QTcpSocket *socket, QList<TopicFilter> filters,
                  const Options &options, QObject *parent = nullptr);
    ~SseConnection() override;

    quint64 id() const { return m_id; }
    State state() const { return m_state; }
    const QList<TopicFilter> &filters() const { return m_filters; }
    QHostAddress peerAddress() const { return m_peer; }
    QString remote() const;
    QByteArray userAgent() const { return m_userAgent; }
    void setUserAgent(const QByteArray &ua) { m_userAgent = ua; }
    qint64 connectedAt() const { return m_connectedAt; }
    quint64 eventsSent() const { return m_eventsSent; }
    quint64 bytesSent() const { return m_bytesSent; }
    qint64 bytesQueued() const;
    qint64 lastWriteMs() const { return m_lastWrite; } // monotonic ms (see monotonicMs())
    quint64 lastSentId() const { return m_lastSentId; }

    bool matches(const QByteArray &topic) const;

    // Writes the start of the stream: status line, headers, retry hint.
    void begin(const QByteArray &head);

    // Starts replaying retained events after `afterId` (0 with hasCursor false: none). Sends
    // `event: reset` first when events after the cursor are no longer retained.
    void startReplay(const EventHistory *history, bool hasCursor, quint64 afterId,
                     bool cursorValid);

    // The live path: hands over an event that the hub has matched. Returns false if skipped.
    bool deliver(const EventPtr &event);

    // Sends a heartbeat if nothing was written for heartbeatMs.
    void heartbeat(qint64 nowMs);

    void close(CloseReason reason);

    static qint64 monotonicMs();

Q_SIGNALS:
    // Emitted once, when the stream ends for any reason.
    void closed(ssehub::SseConnection *connection, ssehub::CloseReason reason);

private:
    bool write(const QByteArray &bytes);
    void pumpReplay();
    void onSocketGone();
    void sendReset(const QByteArray &reason);

    quint64 m_id;
    QPointer<QTcpSocket> m_socket;
    QList<TopicFilter> m_filters;
    Options m_options;
    State m_state = State::Replaying;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    QByteArray m_userAgent;
    qint64 m_connectedAt;
    qint64 m_lastWrite;
    quint64 m_lastSentId = 0;
    quint64 m_eventsSent = 0;
    quint64 m_bytesSent = 0;
    const EventHistory *m_history = nullptr;
    bool m_pumpScheduled = false;
    bool m_timedOut = false;
};

} // namespace ssehub
