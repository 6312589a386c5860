#include "sseconnection.h"

#include "eventhistory.h"
#include "logging.h"
#include "sseframe.h"

#include <QDateTime>
#include <QTcpSocket>

#include <cerrno>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace ssehub {

namespace {

// Events replayed per turn of the event loop, so that one reconnecting client cannot hold up the
// engine thread for long.
constexpr int ReplayBatch = 256;

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
    }
    return {};
}

qint64 SseConnection::monotonicMs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

SseConnection::SseConnection(quint64 id, QTcpSocket *socket, QList<TopicFilter> filters,
                             const Options &options, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_socket(socket)
    , m_filters(std::move(filters))
    , m_options(options)
    , m_peer(socket->peerAddress())
    , m_peerPort(socket->peerPort())
    , m_connectedAt(QDateTime::currentMSecsSinceEpoch())
    , m_lastWrite(monotonicMs())
{
    // What the client sends after its request is read and dropped: nothing may be interpreted
    // as another request on a stream, and nothing may pile up in the read buffer.
    connect(socket, &QTcpSocket::readyRead, this, [this] {
        if (m_socket)
            m_socket->skip(m_socket->bytesAvailable());
    });
    connect(socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        // The kernel gives up on a peer that acknowledges nothing (TCP_USER_TIMEOUT): ETIMEDOUT.
        if (error == QAbstractSocket::SocketTimeoutError
            || (m_socket
                && m_socket->errorString().contains(QLatin1String("timed out"),
                                                    Qt::CaseInsensitive)))
            m_timedOut = true;
    });
    connect(socket, &QTcpSocket::disconnected, this, &SseConnection::onSocketGone);
    connect(socket, &QObject::destroyed, this, &SseConnection::onSocketGone);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_state == State::Replaying && bytesQueued() < m_options.maxQueueBytes / 2)
            pumpReplay();
    });
}

SseConnection::~SseConnection() = default;

QString SseConnection::remote() const
{
    const QString host = m_peer.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + m_peer.toString() + QLatin1Char(']')
        : m_peer.toString();
    return host + QLatin1Char(':') + QString::number(m_peerPort);
}

qint64 SseConnection::bytesQueued() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

bool SseConnection::matches(const QByteArray &topic) const
{
    for (const TopicFilter &filter : m_filters) {
        if (filter.matches(topic))
            return true;
    }
    return false;
}

void SseConnection::begin(const QByteArray &head)
{
    if (!m_socket)
        return;
    const int fd = int(m_socket->socketDescriptor());
    if (fd >= 0) {
        // A peer that stops acknowledging is given up after one heartbeat interval of
        // unacknowledged data; heartbeats guarantee there is data, so a vanished client is
        // detected within three intervals of its last sign of life.
        const unsigned int userTimeout = unsigned(qMax(m_options.heartbeatMs, 1));
        ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &userTimeout, sizeof(userTimeout));
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    write(head);
}

void SseConnection::startReplay(const EventHistory *history, bool hasCursor, quint64 afterId,
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

void SseConnection::sendReset(const QByteArray &reason)
{
    const EventPtr oldest = m_history ? m_history->oldest() : nullptr;
    const QByteArray oldestId = oldest ? oldest->idText() : QByteArray();
    const QByteArray data = "{\"reason\":\"" + reason + "\",\"oldest\":\"" + oldestId + "\"}";
    // The reset carries the id it resumes from, so that a reconnect after it does not repeat it.
    const QByteArray resumeId = QByteArray::number(m_history ? m_history->horizon() : 0);
    write(SseFrame::event(resumeId, QByteArrayLiteral("reset"), data));
}

void SseConnection::pumpReplay()
{
    m_pumpScheduled = false;
    if (m_state != State::Replaying || !m_history)
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
                QMetaObject::invokeMethod(this, &SseConnection::pumpReplay, Qt::QueuedConnection);
            }
            return;
        }
        const EventPtr &event = m_history->at(index++);
        if (matches(event->topic)) {
            if (!write(event->frame))
                return;
            ++m_eventsSent;
            ++written;
        }
        m_lastSentId = event->id;
    }
    m_state = State::Live;
}

bool SseConnection::deliver(const EventPtr &event)
{
    // While replaying, the history still holds this event and the pump will reach it in order.
    if (m_state != State::Live || event->id <= m_lastSentId)
        return false;
    m_lastSentId = event->id;
    if (!write(event->frame))
        return false;
    ++m_eventsSent;
    return true;
}

void SseConnection::heartbeat(qint64 nowMs)
{
    if (m_state != State::Closed && nowMs - m_lastWrite >= m_options.heartbeatMs)
        write(SseFrame::ping());
}

bool SseConnection::write(const QByteArray &bytes)
{
    if (m_state == State::Closed || !m_socket)
        return false;
    const qint64 queued = m_socket->bytesToWrite();
    if (queued + bytes.size() > m_options.maxQueueBytes) {
        close(CloseReason::SlowConsumer);
        return false;
    }
    qint64 offset = 0;
    if (queued == 0) {
        // Nothing is waiting in Qt's buffer: try the kernel directly and only buffer what it
        // does not take. This saves a socket-notifier round trip per event on the hot path.
        const ssize_t sent = ::send(int(m_socket->socketDescriptor()), bytes.constData(),
                                    size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                const int error = errno;
                close(error == ETIMEDOUT                            ? CloseReason::Dead
                          : (error == EPIPE || error == ECONNRESET) ? CloseReason::ClientClosed
                                                                    : CloseReason::WriteFailed);
                return false;
            }
        } else {
            offset = sent;
        }
    }
    if (offset < bytes.size())
        m_socket->write(bytes.constData() + offset, bytes.size() - offset);
    m_bytesSent += quint64(bytes.size());
    m_lastWrite = monotonicMs();
    return true;
}

void SseConnection::onSocketGone()
{
    close(m_timedOut ? CloseReason::Dead : CloseReason::ClientClosed);
}

void SseConnection::close(CloseReason reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    if (QTcpSocket *socket = m_socket.data()) {
        disconnect(socket, nullptr, this, nullptr);
        switch (reason) {
        case CloseReason::Kicked:
        case CloseReason::Shutdown:
            // Let what is queued reach the client, then close; EventSource reconnects.
            socket->disconnectFromHost();
            break;
        case CloseReason::SlowConsumer:
        case CloseReason::Dead:
        case CloseReason::WriteFailed:
            // Drop the queue now: this is what frees the memory held for the client.
            socket->abort();
            break;
        case CloseReason::ClientClosed:
            if (socket->state() != QAbstractSocket::UnconnectedState)
                socket->abort();
            break;
        }
    }
    m_socket.clear();
    Q_EMIT closed(this, reason);
}

} // namespace ssehub
