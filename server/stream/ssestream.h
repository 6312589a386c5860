#pragma once

#include "hub/client.h"
#include "proto/event.h"
#include "proto/topicfilter.h"
#include "stream/streampoller.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <deque>
#include <limits>
#include <memory>

namespace ssehub {

class EventHistory;

// Why a stream ended; the strings appear in the connection log and docs/API.md.
enum class CloseReason {
    ClientClosed,
    Dead,
    SlowConsumer,
    WriteFailed,
    Kicked,
    Shutdown,
    Restart, // the operator restarts the server (new settings); clients come back
    AuthExpired
};
QString closeReasonName(CloseReason reason);

// One open event stream (one client connection). After the HTTP request it owns the socket's
// descriptor directly (registered with the StreamPoller): live events, replay from the history,
// heartbeats, and the bound on bytes queued for a slow reader. Queued frames are the shared
// event frames themselves, not copies.
class SseStream
    : public QObject
    , private StreamPoller::Handler
{
    Q_OBJECT

public:
    enum class State { Replaying, Live, Closed };

    struct Options
    {
        qint64 maxQueueBytes = 1024 * 1024;
        int heartbeatMs = 30000;
        bool payloadOnly = false; // format=payload: data carries the payload, not the envelope
    };

    // Takes ownership of fd (a connected, non-blocking TCP socket). The stream delivers what
    // the client's active subscriptions match; the client outlives its streams.
    SseStream(quint64 id, int fd, const QHostAddress &peer, quint16 peerPort, const Client *client,
              const Options &options, StreamPoller *poller, QObject *parent = nullptr);
    // TLS: the stream keeps its (encrypted) socket and writes through it; the socket is taken
    // over (reparented) and closed with the stream.
    SseStream(quint64 id, QTcpSocket *socket, const Client *client, const Options &options,
              StreamPoller *poller, QObject *parent = nullptr);
    ~SseStream() override;

    quint64 id() const { return m_id; }
    State state() const { return m_state; }
    const Client *client() const { return m_client; }
    QList<QByteArray> filters() const { return m_client->activeFilters(); }
    bool payloadOnly() const { return m_options.payloadOnly; }
    QString remote() const;
    const QHostAddress &peer() const { return m_peer; }
    QByteArray userAgent() const { return m_userAgent; }
    void setUserAgent(const QByteArray &ua) { m_userAgent = ua; }
    qint64 connectedAt() const { return m_connectedAt; }
    quint64 eventsSent() const { return m_eventsSent; }
    quint64 eventsReplayed() const { return m_eventsReplayed; } // of eventsSent, from history
    quint64 resetsSent() const { return m_resetsSent; }
    quint64 bytesSent() const { return m_bytesSent; }
    qint64 bytesQueued() const { return m_queuedBytes; }
    qint64 lastWriteMs() const { return m_lastWrite; } // monotonic ms (Clock::monotonicMs())
    // When the kernel last took bytes for this stream (monotonic ms): what heartbeat health
    // shows. A stream whose reader stopped reading keeps queueing but makes no progress.
    qint64 lastProgressMs() const { return m_lastProgress; }
    quint64 lastSentId() const { return m_lastSentId; }
    // When the credentials the stream was opened with expire (ms since the epoch; 0: never).
    qint64 authExpiresAtMs() const { return m_authExpiresAt; }
    void setAuthExpiresAtMs(qint64 ms) { m_authExpiresAt = ms; }

    bool matches(const QByteArray &topic) const;

    // Writes the start of the stream: status line, headers, retry hint.
    void begin(const QByteArray &head);

    // With a cursor, replays the retained events after it (sending `event: reset` first when
    // some are no longer retained or the cursor is unknown), then goes live. Without one, live.
    void startReplay(const EventHistory *history, bool hasCursor, quint64 afterId,
                     bool cursorValid);

    // Cluster mode, a stream that resumes: its backlog is being fetched. Until it is there (and
    // while it is replayed) matched live events after `cursor` are kept in the stream's own
    // backlog, bounded by `capacity` events and `byteLimit` bytes (more than that is a gap,
    // reported as `reset`).
    void awaitBacklog(quint64 cursor, qsizetype capacity, qint64 byteLimit);
    // The fetched backlog: replays it (after `event: reset` for a gap), then the kept live
    // events, then goes live.
    void startBacklog(std::unique_ptr<EventHistory> backlog, bool gap, quint64 cursor);
    // The shared history lost what this stream has seen (Redis came back empty): sends
    // `event: reset` with `resumeId` as its id and continues after it.
    void resetTo(quint64 resumeId, const QByteArray &reason,
                 quint64 affectedUpTo = std::numeric_limits<quint64>::max());

    // The live path: hands over an event that the hub has matched. Returns false if skipped.
    bool deliver(const EventPtr &event);
    // Sends an older event (a resumed subscription's replay) without moving the client's
    // Last-Event-ID (one newer than anything sent goes out normally, with its id); skipped
    // while the stream is still replaying its own backlog.
    bool deliverOutOfOrder(const EventPtr &event);
    // Writes a frame that is not an event from the history (session, notices).
    void writeControl(const QByteArray &frame) { write(frame, QByteArray()); }
    // The last frame before the server ends the stream in order (shutdown notice, disconnect,
    // auth-expired): queued after everything else even past --max-queue, so that a full queue
    // still ends as the server meant (server-shutdown, kicked) with its data, not as a
    // slow-consumer close that drops it. Small, and once per stream.
    void writeLast(const QByteArray &frame) { write(frame, QByteArray(), false); }
    // Ends the stream at once but in order (a kick, expired credentials): the events not yet
    // begun are dropped (the client resumes them by Last-Event-ID), `frame` follows what is
    // partly sent, and the stream closes with `reason` once the client has taken it, or after
    // graceMs. Nothing else is written meanwhile.
    void endWith(const QByteArray &frame, CloseReason reason, int graceMs = 5000);
    bool isEnding() const { return m_ending; }
    // Drops queued, unsent events that the client's active subscriptions no longer match.
    void dropUnmatchedQueued();

    // Liveness, from the kernel's view of the connection (TCP_INFO), at most every half interval
    // (every tick while in doubt): closes the stream as Dead when the peer has acknowledged
    // nothing for two intervals while the kernel waits for an answer (data in flight, or
    // unanswered zero-window probes), confirmed one tick later. A peer that acknowledges, if
    // only the probes of a closed window, is never dead: a slow one ends at --max-queue.
    void checkPeer(qint64 nowMs);

    // Sends a heartbeat if nothing was written for heartbeatMs.
    void heartbeat(qint64 nowMs);

    void close(CloseReason reason);

Q_SIGNALS:
    // Emitted once, when the stream ends for any reason.
    void closed(ssehub::SseStream *connection, ssehub::CloseReason reason);

private:
    void onReadable() override;
    void onWritable() override;
    void onError() override;
    void onFlush() override;
    // Asks for EPOLLOUT while frames wait; false when the stream is closed.
    bool armWrite();
    // Frames a batch holds back for one stream before they are written anyway.
    static constexpr qint64 BatchFlushBytes = 64 * 1024;

    // bounded: a write past --max-queue closes the stream as a slow consumer.
    bool write(const QByteArray &bytes, const QByteArray &topic, bool bounded = true);
    bool flushQueue();
    bool flushToSocket(); // TLS: moves queued frames into the socket while it has room
    void pumpReplay();
    void sendReset(const QByteArray &reason);
    CloseReason reasonForErrno(int error) const;

    quint64 m_id;
    int m_fd;
    StreamPoller *m_poller;
    const Client *m_client;
    Options m_options;
    State m_state = State::Replaying;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    QByteArray m_userAgent;
    qint64 m_connectedAt;
    qint64 m_lastWrite;
    qint64 m_lastProgress;
    qint64 m_peerCheckedAt; // checkPeer(): last look at TCP_INFO (Clock::monotonicMs)
    qint64 m_peerSuspectAckAt = -1; // in doubt: when the peer last acknowledged (kernel clock)
    quint64 m_lastSentId = 0;
    quint64 m_eventsSent = 0;
    quint64 m_eventsReplayed = 0;
    quint64 m_resetsSent = 0;
    quint64 m_bytesSent = 0;
    struct Queued
    {
        QByteArray bytes;
        QByteArray topic; // empty for control frames (never dropped)
    };
    std::deque<Queued> m_queue; // frames the kernel has not taken yet
    qsizetype m_queueOffset = 0; // bytes of m_queue.front() already sent
    qint64 m_queuedBytes = 0;
    bool m_writeInterest = false;
    bool m_flushQueued = false; // a batch holds frames back: onFlush() writes them
    bool m_ending = false; // endWith: closes as m_endReason when the queue is empty
    CloseReason m_endReason = CloseReason::Kicked;
    const EventHistory *m_history = nullptr;
    std::unique_ptr<EventHistory> m_backlog; // cluster mode: fetched backlog + kept live events
    bool m_awaitingBacklog = false;
    QPointer<QTcpSocket> m_socket; // TLS streams only
    qint64 m_authExpiresAt = 0;
    bool m_pumpScheduled = false;
};

} // namespace ssehub
