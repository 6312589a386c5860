#include "http/fastconnection.h"

#include "core/clock.h"
#include "core/net.h"
#include "http/httpfront.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

namespace {
// Read per system call. A larger body is read in several.
constexpr qsizetype ReadChunk = 64 * 1024;
// An answer buffer larger than this is freed once written, not kept for the next answers.
constexpr qsizetype KeptOutCapacity = 16 * 1024;
} // namespace

FastConnection::FastConnection(int fd, const QHostAddress &peer, quint16 peerPort,
                               const QHostAddress &local, StreamPoller *poller, HttpFront *front)
    : m_fd(fd)
    , m_peer(peer)
    , m_peerPort(peerPort)
    , m_local(local)
    , m_poller(poller)
    , m_front(front)
{
    if (!m_poller->add(m_fd, this)) {
        ::close(m_fd);
        m_fd = -1;
    }
}

FastConnection::~FastConnection()
{
    if (m_flushQueued && m_poller)
        m_poller->forgetFlush(this);
    if (m_fd >= 0) {
        if (m_poller)
            m_poller->remove(m_fd);
        ::close(m_fd);
    }
}

QString FastConnection::remote() const
{
    return hostPort(m_peer, m_peerPort);
}

FastConnection::Read FastConnection::receive(qsizetype max)
{
    if (m_fd < 0 || max <= 0)
        return Read::Failed;
    static thread_local char buffer[ReadChunk];
    const ssize_t n = ::recv(m_fd, buffer, size_t(qMin(max, ReadChunk)), MSG_DONTWAIT);
    if (n > 0) {
        http.in.append(buffer, qsizetype(n));
        return Read::Data;
    }
    if (n == 0)
        return Read::End;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return Read::WouldBlock;
    return Read::Failed;
}

void FastConnection::answer(quint64 seq, const QByteArray &bytes, bool close)
{
    if (m_fd < 0 || !m_poller)
        return;
    // Without a batch around this call (an answer that came later, from Redis) one is opened
    // here: the answer leaves when it closes, with any it released.
    const StreamPoller::Batch batch(m_poller);
    const QList<http::AnswerOrder::Ready> ready = http.answers.submit(seq, bytes, close);
    for (const http::AnswerOrder::Ready &one : ready) {
        if (m_closeAfterOut)
            break; // nothing follows an answer that closes
        if (bytesToWrite() == 0)
            http.writeSinceMs = Clock::monotonicMs();
        m_out += one.bytes;
        m_closeAfterOut = one.close;
    }
    if (!ready.isEmpty() && !m_flushQueued) {
        m_flushQueued = true;
        m_poller->deferFlush(this);
    }
}

void FastConnection::onFlush()
{
    m_flushQueued = false;
    flush();
}

void FastConnection::flush()
{
    if (m_fd < 0)
        return;
    while (m_outOffset < m_out.size()) {
        const ssize_t sent
            = ::send(m_fd, m_out.constData() + m_outOffset, size_t(m_out.size() - m_outOffset),
                     MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            closeNow(true);
            return;
        }
        m_outOffset += sent;
        http.writeSinceMs = Clock::monotonicMs();
    }
    if (m_outOffset < m_out.size()) {
        if (!m_writeInterest) {
            m_writeInterest = true;
            updateInterest();
        }
        return;
    }
    if (m_out.capacity() > KeptOutCapacity)
        m_out = QByteArray();
    else
        m_out.resize(0);
    m_outOffset = 0;
    if (m_writeInterest) {
        m_writeInterest = false;
        updateInterest();
    }
    if (m_closeAfterOut) {
        closeNow();
        return;
    }
    // Reading waited for these answers (a backlog, a hand-off, the client's end).
    if (!m_reading || peerClosed || !http.in.isEmpty())
        m_front->readFast(this);
}

void FastConnection::setReading(bool reading)
{
    if (m_reading == reading)
        return;
    m_reading = reading;
    updateInterest();
}

void FastConnection::updateInterest()
{
    if (m_fd >= 0 && m_poller)
        m_poller->setInterest(m_fd, this, m_reading, m_writeInterest);
}

int FastConnection::release()
{
    const int fd = m_fd;
    if (fd >= 0 && m_poller)
        m_poller->remove(fd);
    m_fd = -1;
    return fd;
}

void FastConnection::closeNow(bool reset)
{
    if (m_fd < 0)
        return;
    if (m_poller)
        m_poller->remove(m_fd);
    if (reset) {
        const linger abortive {1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
    } else {
        // Closing with unread bytes would reset the connection, and the client could lose the
        // last answer: what it sent meanwhile is read and dropped first (bounded).
        char sink[4096];
        for (int round = 0; round < 16 && ::recv(m_fd, sink, sizeof(sink), MSG_DONTWAIT) > 0;
             ++round) { }
        ::shutdown(m_fd, SHUT_WR);
    }
    ::close(m_fd);
    m_fd = -1;
    m_front->fastClosed(this);
}

void FastConnection::onReadable()
{
    if (m_fd >= 0)
        m_front->readFast(this);
}

void FastConnection::onWritable()
{
    flush();
}

void FastConnection::onError()
{
    closeNow(true);
}

} // namespace ssehub
