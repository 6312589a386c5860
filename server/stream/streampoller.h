#pragma once

#include <QObject>

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

    protected:
        ~Handler() = default;
    };

    explicit StreamPoller(QObject *parent = nullptr);
    ~StreamPoller() override;

    bool isValid() const { return m_epoll >= 0; }
    bool add(int fd, Handler *handler);
    void setWriteInterest(int fd, Handler *handler, bool enabled);
    void remove(int fd);

private:
    void process();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace ssehub
