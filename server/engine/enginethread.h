#pragma once

#include "engine/engine.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace ssehub {

// Runs an Engine on a thread of its own, so that nothing on the GUI thread can slow delivery.
// Every call into the engine is queued onto that thread.
class EngineThread : public QObject
{
    Q_OBJECT

public:
    explicit EngineThread(QObject *parent = nullptr);
    ~EngineThread() override;

    // Starts the thread and the engine on it; blocks until it listens or failed.
    bool start(const Engine::Config &config, QString *error);
    // Stops the engine at once (streams closed without a drain), deletes it on its thread and
    // joins the thread.
    void stop();
    // Drains as SIGTERM does headless (Engine::drain, bounded by the drain time) without
    // blocking this thread, then stops; done runs here afterwards. While draining, isRunning()
    // stays true and isStopping() is true; a second call only adds nothing.
    void drainAndStop(CloseReason reason, const QString &cause, std::function<void()> done);
    bool isRunning() const { return m_engine != nullptr; }
    bool isStopping() const { return m_stopping; }

    quint16 port() const { return m_port; }
    QString listenUrl() const { return m_listenUrl; }
    QStringList startProblems() const { return m_startProblems; }

    // Runs fn(engine) on the engine thread (queued; never blocks the caller).
    void post(std::function<void(Engine *)> fn);
    // Runs fn(engine) on the engine thread and then done(result) on context's thread (both
    // queued); done is dropped if context is gone by then.
    template<typename R>
    void request(std::function<R(Engine *)> fn, QObject *context, std::function<void(R)> done)
    {
        QPointer<QObject> target(context);
        post([fn = std::move(fn), target, done = std::move(done)](Engine *engine) {
            R result = fn(engine);
            if (!target)
                return;
            QMetaObject::invokeMethod(
                target.data(),
                [target, done, result = std::move(result)] {
                    if (target)
                        done(result);
                },
                Qt::QueuedConnection);
        });
    }
    // The console is watching: snapshots are made and relayed as snapshotReady.
    void setConsoleAttached(bool attached);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);

private:
    std::unique_ptr<QThread> m_thread;
    Engine *m_engine = nullptr;
    quint16 m_port = 0;
    QString m_listenUrl;
    QStringList m_startProblems;
    bool m_consoleAttached = false;
    bool m_stopping = false;
    quint64 m_generation = 0; // of the current engine: relays drop what older ones sent
};

} // namespace ssehub
