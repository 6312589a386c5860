// How a stream ends: in order after a last frame (a kick, expired credentials), or at once, and
// what happens to the bytes still queued for it in each case.
#include "stream/ssestream.h"

#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

void SseStream::endWith(const QByteArray &frame, CloseReason reason, int graceMs)
{
    if (m_state == State::Closed || m_ending)
        return;
    // A partly sent frame is finished, or the client would read a corrupted stream.
    const auto unsent = m_queue.begin() + (m_queueOffset > 0 ? 1 : 0);
    for (auto it = unsent; it != m_queue.end(); ++it)
        m_queuedBytes -= it->bytes.size();
    m_queue.erase(unsent, m_queue.end());
    if (!write(frame, QByteArray(), false))
        return; // the write found the connection gone
    // The Qt socket (TLS) writes what remains into its own buffer on close and lingers there.
    if (m_socket || m_queue.empty()) {
        close(reason);
        return;
    }
    m_ending = true;
    m_endReason = reason;
    QTimer::singleShot(graceMs, this, [this] { close(m_endReason); });
}

void SseStream::close(CloseReason reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    if (m_socket) {
        QTcpSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->setParent(nullptr); // outlives this stream until its last bytes are out
        if (reason == CloseReason::Kicked || reason == CloseReason::Shutdown
            || reason == CloseReason::Restart || reason == CloseReason::AuthExpired) {
            for (const Queued &q : m_queue)
                socket->write(q.bytes);
            connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
            // A reader that takes nothing more is not waited for long.
            QTimer::singleShot(5000, socket, [socket] {
                socket->abort();
                socket->deleteLater();
            });
            socket->disconnectFromHost(); // after what is buffered, with a TLS close_notify
        } else {
            socket->abort();
            socket->deleteLater();
        }
    }
    if (m_fd >= 0) {
        m_poller->remove(m_fd);
        switch (reason) {
        case CloseReason::Kicked:
        case CloseReason::Shutdown:
        case CloseReason::Restart:
        case CloseReason::AuthExpired:
            // What the kernel takes now reaches the client, then an orderly end of stream, on
            // which EventSource reconnects.
            flushQueue();
            ::shutdown(m_fd, SHUT_WR);
            break;
        case CloseReason::SlowConsumer:
        case CloseReason::Dead:
        case CloseReason::WriteFailed: {
            // Reset: drop what the kernel still holds for this client at once.
            const linger abortive {1, 0};
            ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
            break;
        }
        case CloseReason::ClientClosed:
            break;
        }
        ::close(m_fd);
        m_fd = -1;
    }
    m_queue.clear();
    m_queuedBytes = 0;
    Q_EMIT closed(this, reason);
}

} // namespace ssehub
