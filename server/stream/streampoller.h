#pragma once

#include <QObject>

#include <vector>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace ssehub {

// One epoll instance for every event stream of the engine thread. Qt's event loop sees only the
// epoll descriptor, so its cost per iteration does not grow with the number of open streams
// (Qt's Unix dispatcher polls every registered notifier on every iteration).
class StreamPoller : public QObject
{
    Q_OBJECT

public:
    // What a registered descriptor is told; called on the engine thread.
    class Handler
    {
    public:
        virtual void onReadable() = 0;
        virtual void onWritable() = 0;
        // EPOLLERR: the connection failed (the client reads SO_ERROR for the reason).
        virtual void onError() = 0;
        // What the handler held back while writes were batched (deferFlush) may go out now.
        virtual void onFlush() { }

    protected:
        ~Handler() = default;
    };

    explicit StreamPoller(QObject *parent = nullptr);
    ~StreamPoller() override;

    bool isValid() const { return m_epoll >= 0; }
    bool add(int fd, Handler *handler);
    void setWriteInterest(int fd, Handler *handler, bool enabled);
    // Read interest off: a connection whose client does not take its answers is not read.
    void setInterest(int fd, Handler *handler, bool read, bool write);
    void remove(int fd);

    // Writes are batched while a batch is open (the poller opens one around each turn of its
    // descriptors; the Redis broker around a read of replies): handlers keep what they would
    // write and ask to be flushed once, when the outermost batch closes. One publisher's
    // answer, or 400 events to one subscriber, then leave in one system call, not one each.
    class Batch
    {
    public:
        explicit Batch(StreamPoller *poller);
        ~Batch();
        Batch(const Batch &) = delete;
        Batch &operator=(const Batch &) = delete;

    private:
        StreamPoller *m_poller;
    };
    bool isBatching() const { return m_batchDepth > 0; }
    // Calls handler->onFlush() when the batch closes (once per call: callers keep a flag).
    void deferFlush(Handler *handler) { m_flushes.push_back(handler); }
    // A handler that goes away with a flush pending (its destructor).
    void forgetFlush(Handler *handler);

private:
    void process();
    void flushAll();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    int m_batchDepth = 0;
    std::vector<Handler *> m_flushes;
};

} // namespace ssehub
