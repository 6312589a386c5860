#include "slowreader.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub::test {

SlowReader::SlowReader(QObject *parent)
    : QObject(parent)
{
    connect(&m_timer, &QTimer::timeout, this, &SlowReader::readSome);
}

SlowReader::~SlowReader()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SlowReader::open(quint16 port, const QByteArray &pathAndQuery, int receiveBufferBytes,
                      int bytesPerTick, int tickMs)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        m_errorString = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    // Before connect: the window scale and the first advertised window follow from it.
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBufferBytes, sizeof(receiveBufferBytes));
    // The segment size of a client on Ethernet rather than loopback's 64 KB: the server's
    // kernel sizes its send buffer by it (megabytes on loopback), and with it the bytes a
    // stalled reader absorbs before the stream's own queue grows.
    const int segment = 1460;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_MAXSEG, &segment, sizeof(segment));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const QByteArray request = "GET " + pathAndQuery
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nUser-Agent: "
          "slow-reader\r\n\r\n";
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0
        || ::send(m_fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL)
            != request.size()) {
        m_errorString = QString::fromLocal8Bit(std::strerror(errno));
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    sockaddr_in local {};
    socklen_t length = sizeof(local);
    ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&local), &length);
    m_localPort = ntohs(local.sin_port);
    m_bytesPerTick = bytesPerTick;
    m_timer.start(tickMs);
    return true;
}

void SlowReader::readSome()
{
    if (m_fd < 0)
        return;
    char buffer[65536];
    if (m_bytesPerTick <= 0) {
        // A reader that takes nothing still notices a reset (what it has not read stays).
        int error = 0;
        socklen_t length = sizeof(error);
        if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error != 0)
            end(error);
        return;
    }
    const size_t want = size_t(qMin(m_bytesPerTick, int(sizeof(buffer))));
    const ssize_t n = ::recv(m_fd, buffer, want, MSG_DONTWAIT);
    if (n > 0) {
        m_bytesRead += n;
        if (m_start.size() < 4096)
            m_start.append(buffer, qMin<qsizetype>(n, 4096 - m_start.size()));
        return;
    }
    if (n == 0)
        end(0);
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        end(errno);
}

void SlowReader::end(int error)
{
    m_endError = error;
    m_timer.stop();
    ::close(m_fd);
    m_fd = -1;
    Q_EMIT ended();
}

} // namespace ssehub::test
