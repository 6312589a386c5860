#include "http/streamlistener.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "http/responder.h"

#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

namespace {

// Accepting stops this many descriptors short of the limit: the log file, an export, the
// subscription store and Redis reconnects need descriptors too.
int descriptorReserve(rlim_t limit)
{
    return int(qBound<rlim_t>(8, limit / 8, 64));
}

// The soft descriptor limit (read on every accept: it can be changed while the process runs).
rlim_t descriptorLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return rlim_t(1) << 30;
    return limit.rlim_cur;
}

// How long accepting stays paused before it is tried again (sooner when a connection closes).
constexpr int AcceptRetryMs = 200;
// The warning about the limit is repeated at most this often.
constexpr qint64 FdWarningIntervalMs = 60000;

} // namespace

StreamListener::StreamListener(QObject *parent)
    : QTcpServer(parent)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(AcceptRetryMs);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true); // level-triggered: fires at once if any wait
    });
}

StreamListener::~StreamListener()
{
    m_notifier.reset(); // before QTcpServer closes the descriptor it watches
}

void StreamListener::startAccepting()
{
    if (!isListening())
        return;
    pauseAccepting(); // Qt's own notifier, for good
    m_notifier = std::make_unique<QSocketNotifier>(socketDescriptor(), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &StreamListener::acceptPending);
}

void StreamListener::stop()
{
    m_retry.stop();
    m_notifier.reset();
    close();
}

void StreamListener::descriptorsFreed()
{
    if (m_paused && m_notifier && !m_notifier->isEnabled()) {
        m_retry.stop();
        m_notifier->setEnabled(true);
    }
}

void StreamListener::acceptPending()
{
    // A batch per wake-up: a flood of connections does not starve the streams.
    for (int i = 0; i < 64 && m_notifier && m_notifier->isEnabled(); ++i) {
        const int listening = int(socketDescriptor());
        const int fd = ::accept4(listening, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == EINTR || error == ECONNABORTED || error == EPROTO)
                continue;
            if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM)
                pauseForDescriptors(QString::fromLocal8Bit(::strerror(error)));
            return; // EAGAIN: none left
        }
        // Descriptors are allocated lowest first: a number this high means that all below it
        // are in use. The connection is answered and closed rather than left without an answer.
        const rlim_t limit = descriptorLimit();
        if (rlim_t(fd) >= limit - rlim_t(descriptorReserve(limit))) {
            static const QByteArray busy = http::serialize(
                {503, "application/json",
                 http::errorBody(QStringLiteral("the server is out of file descriptors; retry")),
                 "Retry-After: 5\r\n", true, false});
            ::send(fd, busy.constData(), size_t(busy.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(fd);
            pauseForDescriptors(QStringLiteral("%1 descriptors open, limit %2 (%3 kept for files)")
                                    .arg(fd + 1)
                                    .arg(qulonglong(limit))
                                    .arg(descriptorReserve(limit)));
            return;
        }
        if (m_paused) {
            if (m_warnedThisPause) {
                qCInfo(lcHttp).noquote() << "accepting connections again after"
                                         << (Clock::monotonicMs() - m_pausedSinceMs) / 1000.0
                                         << "s without free descriptors";
            }
            m_paused = false;
            m_warnedThisPause = false;
        }
        QPointer<StreamListener> self = this;
        incomingConnection(fd);
        if (!self || !isListening())
            return;
    }
}

void StreamListener::pauseForDescriptors(const QString &why)
{
    ++m_fdLimitHits;
    if (m_notifier)
        m_notifier->setEnabled(false);
    m_retry.start();
    const qint64 now = Clock::monotonicMs();
    if (!m_paused) {
        m_paused = true;
        m_pausedSinceMs = now;
    }
    if (m_lastWarningMs == 0 || now - m_lastWarningMs >= FdWarningIntervalMs) {
        m_lastWarningMs = now;
        m_warnedThisPause = true;
        qCWarning(lcHttp).noquote()
            << QStringLiteral("out of file descriptors (%1): new connections wait and are "
                              "accepted again when descriptors are freed; raise the limit "
                              "(LimitNOFILE= in the systemd unit, ulimit -n) or lower "
                              "--max-connections")
                   .arg(why);
    }
}

void StreamListener::incomingConnection(qintptr descriptor)
{
    if (tls) {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            socket->deleteLater();
            return;
        }
        const int one = 1;
        ::setsockopt(int(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        socket->setSslConfiguration(*tls);
        connect(socket, &QSslSocket::sslErrors, socket, [this, socket](const QList<QSslError> &e) {
            QStringList why;
            for (const QSslError &error : e)
                why << error.errorString();
            if (onHandshakeFailed)
                onHandshakeFailed(socket->peerAddress().toString() + QStringLiteral(": ")
                                  + why.join(QStringLiteral("; ")));
        });
        connect(socket, &QSslSocket::errorOccurred, socket, [socket] {
            if (!socket->isEncrypted())
                socket->deleteLater(); // the handshake failed: never served
        });
        if (onAccepted)
            onAccepted(socket);
        socket->startServerEncryption();
        return;
    }
    if (takeOver && takeOver(int(descriptor)))
        return;
    // Answers are small and complete: send them at once, not after the previous one's ACK.
    const int one = 1;
    ::setsockopt(int(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp).noquote()
            << "could not take an accepted connection:" << socket->errorString()
            << "- if this repeats, raise the descriptor limit (ulimit -n, LimitNOFILE)";
        socket->deleteLater();
        return;
    }
    if (onAccepted)
        onAccepted(socket);
}

} // namespace ssehub
