#include "http/fastconnection.h"

#include "core/clock.h"
#include "core/net.h"
#include "http/httpfront.h"

#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace ssehub {

namespace {
// Read per system call. A larger body is read in several.
constexpr qsizetype ReadChunk = 64 * 1024;
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
    if (m_outBytes != 0) // (only while the front exists: it deletes what is left of these)
        m_front->m_fastUnsentBytes -= m_outBytes;
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
        if (m_outBytes == 0)
            http.writeSinceMs = Clock::monotonicMs();
        m_out.push_back(one.bytes);
        addUnsent(one.bytes.size());
        m_closeAfterOut = one.close;
    }
    if (!ready.isEmpty() && !m_flushQueued) {
        m_flushQueued = true;
        m_poller->deferFlush(this);
    }
}

void FastConnection::addUnsent(qint64 delta)
{
    m_outBytes += delta;
    m_front->m_fastUnsentBytes += delta;
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
    constexpr int MaxIov = 64;
    while (!m_out.empty()) {
        iovec iov[MaxIov];
        int count = 0;
        for (auto it = m_out.begin(); it != m_out.end() && count < MaxIov; ++it, ++count) {
            const qsizetype skip = count == 0 ? m_outOffset : 0;
            iov[count].iov_base = const_cast<char *>(it->constData() + skip);
            iov[count].iov_len = size_t(it->size() - skip);
        }
        msghdr message {};
        message.msg_iov = iov;
        message.msg_iovlen = size_t(count);
        ssize_t sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            closeNow(true);
            return;
        }
        addUnsent(-sent);
        http.writeSinceMs = Clock::monotonicMs();
        while (sent > 0) {
            const qsizetype rest = m_out.front().size() - m_outOffset;
            if (sent >= rest) {
                sent -= rest;
                m_out.pop_front();
                m_outOffset = 0;
            } else {
                m_outOffset += sent;
                sent = 0;
            }
        }
    }
    if (!m_out.empty()) {
        if (!m_writeInterest) {
            m_writeInterest = true;
            updateInterest();
        }
        return;
    }
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
    m_out.clear();
    addUnsent(-m_outBytes);
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
