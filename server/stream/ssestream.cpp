#include "stream/ssestream.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "core/net.h"
#include "hub/eventhistory.h"
#include "proto/sseframe.h"
#include "stream/peerliveness.h"

#include <QDateTime>
#include <QSslSocket>
#include <QTimer>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace ssehub {

namespace {

// Events replayed per turn of the event loop, so that one reconnecting client cannot hold up the
// engine thread for long.
constexpr int ReplayBatch = 256;

// Where in the half interval a stream's liveness checks fall: streams opened together (a
// reconnect storm) are looked at on different ticks, not all on one.
qint64 peerCheckPhase(quint64 id, int heartbeatMs)
{
    return qint64(id * 7919u % quint64(qMax(heartbeatMs / 2, 1)));
}

} // namespace

QString closeReasonName(CloseReason reason)
{
    switch (reason) {
    case CloseReason::ClientClosed:
        return QStringLiteral("client-closed");
    case CloseReason::Dead:
        return QStringLiteral("dead");
    case CloseReason::SlowConsumer:
        return QStringLiteral("slow-consumer");
    case CloseReason::WriteFailed:
        return QStringLiteral("write-failed");
    case CloseReason::Kicked:
        return QStringLiteral("kicked");
    case CloseReason::Shutdown:
        return QStringLiteral("server-shutdown");
    case CloseReason::Restart:
        return QStringLiteral("restart");
    case CloseReason::AuthExpired:
        return QStringLiteral("auth-expired");
    }
    return {};
}

SseStream::SseStream(quint64 id, int fd, const QHostAddress &peer, quint16 peerPort,
                     const Client *client, const Options &options, StreamPoller *poller,
                     QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_fd(fd)
    , m_poller(poller)
    , m_client(client)
    , m_options(options)
    , m_peer(peer)
    , m_peerPort(peerPort)
    , m_connectedAt(Clock::wallMs())
    , m_lastWrite(Clock::monotonicMs())
    , m_lastProgress(m_lastWrite)
    , m_peerCheckedAt(m_lastWrite - peerCheckPhase(id, options.heartbeatMs))
{
    if (!m_poller->add(m_fd, this))
        m_state = State::Closed;
}

SseStream::SseStream(quint64 id, QTcpSocket *socket, const Client *client, const Options &options,
                     StreamPoller *poller, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_fd(-1)
    , m_poller(poller)
    , m_client(client)
    , m_options(options)
    , m_peer(socket->peerAddress())
    , m_peerPort(socket->peerPort())
    , m_connectedAt(Clock::wallMs())
    , m_lastWrite(Clock::monotonicMs())
    , m_lastProgress(m_lastWrite)
    , m_peerCheckedAt(m_lastWrite - peerCheckPhase(id, options.heartbeatMs))
    , m_socket(socket)
{
    socket->setParent(this);
    // Whatever the client sends is dropped; its end, or an error, ends the stream.
    connect(socket, &QTcpSocket::readyRead, this, [this] {
        if (m_socket)
            m_socket->readAll();
    });
    connect(socket, &QTcpSocket::disconnected, this, [this] { close(CloseReason::ClientClosed); });
    connect(socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        close(error == QAbstractSocket::RemoteHostClosedError ? CloseReason::ClientClosed
                                                              : CloseReason::WriteFailed);
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] { onWritable(); });
    if (socket->state() != QAbstractSocket::ConnectedState)
        m_state = State::Closed;
}

SseStream::~SseStream()
{
    if (m_flushQueued)
        m_poller->forgetFlush(this);
    if (m_fd >= 0) {
        m_poller->remove(m_fd);
        ::close(m_fd);
    }
}

QString SseStream::remote() const
{
    return hostPort(m_peer, m_peerPort);
}

bool SseStream::matches(const QByteArray &topic) const
{
    return m_client->matchesActive(topic);
}

void SseStream::begin(const QByteArray &head)
{
    const int fd = m_socket ? int(m_socket->socketDescriptor()) : m_fd;
    if (fd < 0)
        return;
    // No TCP_USER_TIMEOUT: Linux applies it to zero-window probing too, so it would cut a peer
    // that acknowledges every probe but reads slowly. Liveness is decided by checkPeer().
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // What the kernel holds for a reader counts as much as the queue: left to autotuning, the
    // send buffer of a slow reader grows to tcp_wmem's maximum (4 MB) before the queue, and so
    // --max-queue and the console's amber and red, see a byte. Bounded with the queue instead
    // (the kernel doubles the value; 512 KB at the default limit is ample for a fast reader).
    const int sendBuffer
        = int(qBound(qint64(16 * 1024), m_options.maxQueueBytes / 4, qint64(256 * 1024)));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof(sendBuffer));
    write(head, QByteArray());
}

void SseStream::startReplay(const EventHistory *history, bool hasCursor, quint64 afterId,
                            bool cursorValid)
{
    m_history = history;
    const quint64 newest = history->newest() ? history->newest()->id : history->horizon();
    if (!hasCursor) {
        m_lastSentId = newest;
        m_state = State::Live;
        return;
    }
    if (!cursorValid || afterId < history->horizon() || afterId > newest) {
        sendReset(QByteArrayLiteral("history-gap"));
        m_lastSentId = history->horizon();
    } else {
        m_lastSentId = afterId;
    }
    m_state = State::Replaying;
    pumpReplay();
}

void SseStream::awaitBacklog(quint64 cursor, qsizetype capacity, qint64 byteLimit)
{
    m_backlog = std::make_unique<EventHistory>(capacity, byteLimit);
    m_backlog->setHorizon(cursor);
    m_awaitingBacklog = true;
    m_state = State::Replaying;
}

void SseStream::startBacklog(std::unique_ptr<EventHistory> backlog, bool gap, quint64 cursor)
{
    if (m_state == State::Closed || !m_awaitingBacklog)
        return;
    m_awaitingBacklog = false;
    // Live events kept while the backlog was fetched follow it, without repeats.
    const qsizetype kept = m_backlog->size();
    const bool keptLost = m_backlog->horizon() > cursor; // more arrived than could be kept
    for (qsizetype i = 0; i < kept; ++i) {
        const EventPtr &event = m_backlog->at(i);
        const EventPtr newest = backlog->newest();
        if (event->id > (newest ? newest->id : backlog->horizon()))
            backlog->append(event);
    }
    m_backlog = std::move(backlog);
    m_history = m_backlog.get();
    // The merged backlog may itself have dropped its oldest events (count or bytes).
    if (gap || keptLost || m_history->horizon() > cursor) {
        sendReset(QByteArrayLiteral("history-gap"));
        m_lastSentId = m_history->horizon();
    } else {
        m_lastSentId = cursor;
    }
    pumpReplay();
}

void SseStream::resetTo(quint64 resumeId, const QByteArray &reason, quint64 affectedUpTo)
{
    if (m_state != State::Live)
        return; // a stream still replaying ends its replay with its own checks
    if (m_lastSentId > affectedUpTo)
        return; // it already has events from after the loss
    write(SseFrame::reset(formatEventId(resumeId), reason, QByteArray()), QByteArray());
    // Never back: what it was sent after resumeId (live, before the loss was found) is not
    // sent again.
    m_lastSentId = qMax(m_lastSentId, resumeId);
    ++m_resetsSent;
}

void SseStream::sendReset(const QByteArray &reason)
{
    const EventPtr oldest = m_history ? m_history->oldest() : nullptr;
    const QByteArray oldestId = oldest ? oldest->idText() : QByteArray();
    // The reset carries the id it resumes from, so that a reconnect after it does not repeat it.
    const QByteArray resumeId = formatEventId(m_history ? m_history->horizon() : 0);
    write(SseFrame::reset(resumeId, reason, oldestId), QByteArray());
    ++m_resetsSent;
}

void SseStream::pumpReplay()
{
    m_pumpScheduled = false;
    if (m_state != State::Replaying || !m_history || m_awaitingBacklog)
        return;
    if (m_lastSentId < m_history->horizon()) {
        // Events were evicted while this client was still catching up.
        sendReset(QByteArrayLiteral("history-gap"));
        m_lastSentId = m_history->horizon();
    }
    qsizetype index = m_history->indexAfter(m_lastSentId);
    int written = 0;
    while (index < m_history->size()) {
        if (m_state != State::Replaying)
            return; // closed while writing
        if (written >= ReplayBatch || bytesQueued() >= m_options.maxQueueBytes / 2) {
            // Continue when the socket drained (bytesWritten) or on the next turn of the loop.
            if (bytesQueued() < m_options.maxQueueBytes / 2 && !m_pumpScheduled) {
                m_pumpScheduled = true;
                QMetaObject::invokeMethod(this, &SseStream::pumpReplay, Qt::QueuedConnection);
            }
            return;
        }
        const EventPtr &event = m_history->at(index++);
        if (matches(event->topic)) {
            if (!write(m_options.payloadOnly ? event->payloadFrame() : event->frame, event->topic))
                return;
            ++m_eventsSent;
            ++m_eventsReplayed;
            ++written;
        }
        m_lastSentId = event->id;
    }
    m_state = State::Live;
    if (m_backlog) {
        m_history = nullptr;
        m_backlog.reset();
    }
}

bool SseStream::deliver(const EventPtr &event)
{
    if (m_state != State::Live) {
        // Embedded: the history holds this event and the pump will reach it in order. Cluster
        // mode: the stream's own backlog keeps it.
        if (m_backlog && m_state == State::Replaying) {
            const EventPtr newest = m_backlog->newest();
            if (event->id > (newest ? newest->id : m_backlog->horizon()))
                m_backlog->append(event);
        }
        return false;
    }
    if (event->id <= m_lastSentId)
        return false;
    m_lastSentId = event->id;
    if (!write(m_options.payloadOnly ? event->payloadFrame() : event->frame, event->topic))
        return false;
    ++m_eventsSent;
    return true;
}

bool SseStream::deliverOutOfOrder(const EventPtr &event)
{
    if (m_state != State::Live)
        return false;
    if (event->id > m_lastSentId)
        return deliver(event); // nothing newer was sent: it is in order after all
    if (!write(event->frameWithoutId(m_options.payloadOnly), event->topic))
        return false;
    ++m_eventsSent;
    return true;
}

void SseStream::dropUnmatchedQueued()
{
    // The front entry may be partly sent: it stays, or the stream would be corrupted.
    for (auto it = m_queue.begin() + (m_queueOffset > 0 ? 1 : 0); it != m_queue.end();) {
        if (!it->topic.isEmpty() && !matches(it->topic)) {
            m_queuedBytes -= it->bytes.size();
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
}

void SseStream::checkPeer(qint64 nowMs)
{
    if (m_state == State::Closed)
        return;
    const qint64 interval = qMax(m_options.heartbeatMs, 1);
    if (m_peerSuspectAckAt < 0 && nowMs - m_peerCheckedAt < interval / 2)
        return;
    TcpPeerState peer;
    if (!readTcpPeerState(m_socket ? int(m_socket->socketDescriptor()) : m_fd, &peer))
        return;
    m_peerCheckedAt = nowMs;
    // Every acknowledgement the kernel accepts (a window probe's answer included) resets the
    // age of the last one and the probe count. Heartbeats put data on the wire at least every
    // 1.25 intervals and a live peer answers within a round trip, so one that has answered
    // nothing for two intervals while the kernel waits for it is gone. A reader whose window
    // is closed is probed with growing pauses and answers: it is never in doubt for long.
    if (!awaitingPeer(peer) || peer.lastAckAgeMs < 2 * interval) {
        m_peerSuspectAckAt = -1;
        return;
    }
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); // the kernel's time, not the testable clock
    const qint64 ackAt = qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000 - peer.lastAckAgeMs;
    // Confirmed one tick later with no acknowledgement in between (a new one would be at
    // least two intervals younger), so that a probe's answer still on its way is no verdict.
    if (m_peerSuspectAckAt >= 0 && qAbs(ackAt - m_peerSuspectAckAt) < interval) {
        close(CloseReason::Dead);
        return;
    }
    m_peerSuspectAckAt = ackAt;
}

void SseStream::heartbeat(qint64 nowMs)
{
    if (m_state != State::Closed && nowMs - m_lastWrite >= m_options.heartbeatMs)
        write(SseFrame::ping(), QByteArray());
}

bool SseStream::write(const QByteArray &bytes, const QByteArray &topic, bool bounded)
{
    if (m_state == State::Closed || m_ending)
        return false;
    if (bounded && m_queuedBytes + bytes.size() > m_options.maxQueueBytes) {
        // What a batch held back is not the reader's fault: it is offered to the kernel first.
        if (m_flushQueued && !flushQueue())
            return false;
        if (m_queuedBytes + bytes.size() > m_options.maxQueueBytes) {
            close(CloseReason::SlowConsumer);
            return false;
        }
    }
    if (m_socket) {
        m_bytesSent += quint64(bytes.size());
        m_lastWrite = Clock::monotonicMs();
        m_queue.push_back({bytes, topic});
        m_queuedBytes += bytes.size();
        return flushToSocket();
    }
    qsizetype offset = 0;
    const bool batching = m_poller->isBatching();
    if (m_queue.empty() && !batching) {
        // Nothing waits: straight to the kernel, queue only what it does not take.
        const ssize_t sent
            = ::send(m_fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                close(reasonForErrno(errno));
                return false;
            }
        } else {
            offset = sent;
        }
    }
    m_bytesSent += quint64(bytes.size());
    m_lastWrite = Clock::monotonicMs();
    if (offset > 0)
        m_lastProgress = m_lastWrite;
    if (offset < bytes.size()) {
        if (m_queue.empty())
            m_queueOffset = offset;
        m_queue.push_back({bytes, topic}); // shares the frame, no copy
        m_queuedBytes += bytes.size() - offset;
        if (batching && !m_writeInterest) {
            // Held until the batch closes, then written with whatever else it brings; a
            // batch that brings this stream a lot goes out as it grows.
            if (m_queuedBytes >= BatchFlushBytes)
                return flushQueue() && armWrite();
            if (!m_flushQueued) {
                m_flushQueued = true;
                m_poller->deferFlush(this);
            }
        } else if (!m_writeInterest) {
            m_writeInterest = true;
            m_poller->setWriteInterest(m_fd, this, true);
        }
    }
    return true;
}

bool SseStream::flushQueue()
{
    constexpr int MaxIov = 64;
    while (!m_queue.empty()) {
        iovec iov[MaxIov];
        int count = 0;
        for (auto it = m_queue.begin(); it != m_queue.end() && count < MaxIov; ++it, ++count) {
            const qsizetype skip = count == 0 ? m_queueOffset : 0;
            iov[count].iov_base = const_cast<char *>(it->bytes.constData() + skip);
            iov[count].iov_len = size_t(it->bytes.size() - skip);
        }
        msghdr message {};
        message.msg_iov = iov;
        message.msg_iovlen = size_t(count);
        ssize_t sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return true;
            close(reasonForErrno(errno));
            return false;
        }
        m_queuedBytes -= sent;
        if (sent > 0)
            m_lastProgress = Clock::monotonicMs();
        while (sent > 0) {
            const qsizetype rest = m_queue.front().bytes.size() - m_queueOffset;
            if (sent >= rest) {
                sent -= rest;
                m_queue.pop_front();
                m_queueOffset = 0;
            } else {
                m_queueOffset += sent;
                sent = 0;
            }
        }
        if (count == MaxIov && !m_queue.empty())
            continue;
        if (!m_queue.empty())
            return true; // the kernel took less than offered: wait for EPOLLOUT
    }
    if (m_writeInterest) {
        m_writeInterest = false;
        m_poller->setWriteInterest(m_fd, this, false);
    }
    if (m_ending) {
        close(m_endReason); // the last frame is out
        return false;
    }
    return true;
}

bool SseStream::flushToSocket()
{
    // The socket encrypts and buffers what it is given; it gets frames only while it holds
    // less than this, so that a slow reader's backlog stays in the (bounded, droppable) queue.
    constexpr qint64 SocketBuffer = 64 * 1024;
    const auto *tls = qobject_cast<const QSslSocket *>(m_socket.data());
    while (!m_queue.empty() && m_socket
           && m_socket->bytesToWrite() + (tls ? tls->encryptedBytesToWrite() : 0) < SocketBuffer) {
        const QByteArray bytes = m_queue.front().bytes;
        m_queue.pop_front();
        m_queuedBytes -= bytes.size();
        if (m_socket->write(bytes) != bytes.size()) {
            close(CloseReason::WriteFailed);
            return false;
        }
        m_lastProgress = Clock::monotonicMs();
    }
    return true;
}

bool SseStream::armWrite()
{
    if (!m_queue.empty() && !m_writeInterest && m_state != State::Closed) {
        m_writeInterest = true;
        m_poller->setWriteInterest(m_fd, this, true);
    }
    return m_state != State::Closed;
}

void SseStream::onFlush()
{
    // What a batch held back goes out as if the socket had become writable: the rest waits for
    // EPOLLOUT, and a replay that stopped at half the queue goes on when the queue drained.
    m_flushQueued = false;
    if (!m_socket)
        onWritable();
}

void SseStream::onWritable()
{
    if (m_state == State::Closed || !(m_socket ? flushToSocket() : flushQueue() && armWrite()))
        return;
    if (m_state == State::Replaying && m_queuedBytes < m_options.maxQueueBytes / 2)
        pumpReplay();
}

void SseStream::onReadable()
{
    if (m_state == State::Closed)
        return;
    // Whatever the client sends on a stream is read and dropped: nothing is interpreted as
    // another request, and nothing piles up. End of file means the client closed.
    char buffer[4096];
    for (int round = 0; round < 16; ++round) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0)
            continue;
        if (n == 0) {
            close(CloseReason::ClientClosed);
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            close(reasonForErrno(errno));
        }
        return;
    }
}

void SseStream::onError()
{
    if (m_state == State::Closed)
        return;
    int error = 0;
    socklen_t length = sizeof(error);
    ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
    close(reasonForErrno(error));
}

CloseReason SseStream::reasonForErrno(int error) const
{
    switch (error) {
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
        // The kernel gave up on a peer that acknowledged nothing (its retransmissions or
        // zero-window probes ran out; usually checkPeer() is first).
        return CloseReason::Dead;
    case 0:
    case EPIPE:
    case ECONNRESET:
    case ENOTCONN:
        return CloseReason::ClientClosed;
    default:
        return CloseReason::WriteFailed;
    }
}

} // namespace ssehub
