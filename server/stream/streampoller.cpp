#include "stream/streampoller.h"

#include "core/logcategories.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

namespace {
// Events taken per epoll_wait; more are taken on the next turn of the event loop.
constexpr int BatchSize = 512;
} // namespace

StreamPoller::StreamPoller(QObject *parent)
    : QObject(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epoll < 0) {
        qCCritical(lcSse) << "epoll_create1 failed:" << strerror(errno);
        return;
    }
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StreamPoller::process);
}

StreamPoller::~StreamPoller()
{
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool StreamPoller::add(int fd, Handler *handler)
{
    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = handler;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        qCWarning(lcSse).noquote() << "epoll_ctl(ADD) failed:" << strerror(errno)
                                   << "- the stream is closed; if this repeats, check the "
                                      "descriptor limit and memory";
        return false;
    }
    return true;
}

void StreamPoller::setWriteInterest(int fd, Handler *handler, bool enabled)
{
    setInterest(fd, handler, true, enabled);
}

void StreamPoller::setInterest(int fd, Handler *handler, bool read, bool write)
{
    epoll_event ev {};
    ev.events = (read ? EPOLLIN | EPOLLRDHUP : 0u) | (write ? EPOLLOUT : 0u);
    ev.data.ptr = handler;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
}

StreamPoller::Batch::Batch(StreamPoller *poller)
    : m_poller(poller)
{
    ++m_poller->m_batchDepth;
}

StreamPoller::Batch::~Batch()
{
    if (--m_poller->m_batchDepth == 0)
        m_poller->flushAll();
}

void StreamPoller::flushAll()
{
    // A flush can queue more (an answer that completes another): those go out in this loop.
    ++m_batchDepth;
    for (std::size_t i = 0; i < m_flushes.size(); ++i) {
        Handler *handler = m_flushes[i];
        if (handler)
            handler->onFlush();
    }
    m_flushes.clear();
    --m_batchDepth;
}

void StreamPoller::forgetFlush(Handler *handler)
{
    for (Handler *&pending : m_flushes) {
        if (pending == handler)
            pending = nullptr;
    }
}

void StreamPoller::remove(int fd)
{
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
}

void StreamPoller::process()
{
    epoll_event events[BatchSize];
    const int n = ::epoll_wait(m_epoll, events, BatchSize, 0);
    const Batch batch(this);
    // Handlers removed while this batch runs are closed, not deleted (deleteLater), so the
    // pointers below stay valid until the batch is done.
    for (int i = 0; i < n; ++i) {
        auto *handler = static_cast<Handler *>(events[i].data.ptr);
        const uint32_t flags = events[i].events;
        if (flags & EPOLLERR) {
            handler->onError();
            continue;
        }
        if (flags & EPOLLOUT)
            handler->onWritable();
        if (flags & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
            handler->onReadable();
    }
}

} // namespace ssehub
