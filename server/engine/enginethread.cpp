#include "engine/enginethread.h"

#include <QThread>

namespace ssehub {

EngineThread::EngineThread(QObject *parent)
    : QObject(parent)
{
}

EngineThread::~EngineThread()
{
    stop();
}

bool EngineThread::start(const Engine::Config &config, QString *error)
{
    if (m_engine)
        return true;
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("ssehub-engine"));
    m_thread->start();

    // A context object on the engine thread, so that the engine and its sockets are created
    // there; it deletes itself on that thread.
    auto *context = new QObject;
    context->moveToThread(m_thread.get());
    Engine *engine = nullptr;
    QString startError;
    QMetaObject::invokeMethod(
        context,
        [&] {
            auto candidate = std::make_unique<Engine>(config);
            if (candidate->start(&startError))
                engine = candidate.release();
            context->deleteLater();
        },
        Qt::BlockingQueuedConnection);

    if (!engine) {
        if (error)
            *error = startError;
        m_thread->quit();
        m_thread->wait();
        m_thread.reset();
        return false;
    }
    m_engine = engine;
    m_port = engine->port();
    m_listenUrl = engine->listenUrl();
    m_startProblems = engine->startProblems();
    // Relayed only while this engine is the current one: a stopped engine's last snapshots may
    // still be queued for this thread and must not reach the console after a restart.
    const quint64 generation = ++m_generation;
    connect(
        engine, &Engine::snapshotReady, this,
        [this, generation](const SnapshotPtr &snapshot) {
            if (generation == m_generation && m_engine)
                Q_EMIT snapshotReady(snapshot);
        },
        Qt::QueuedConnection);
    if (m_consoleAttached)
        post([](Engine *e) { e->setConsoleAttached(true); });
    return true;
}

void EngineThread::setConsoleAttached(bool attached)
{
    m_consoleAttached = attached;
    post([attached](Engine *e) { e->setConsoleAttached(attached); });
}

void EngineThread::stop()
{
    if (!m_engine)
        return;
    Engine *engine = m_engine;
    m_engine = nullptr;
    m_stopping = false;
    ++m_generation;
    // Stop and delete on its own thread: sockets and timers must not be touched from here.
    QMetaObject::invokeMethod(
        engine, [engine] { delete engine; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
}

void EngineThread::drainAndStop(CloseReason reason, const QString &cause,
                                std::function<void()> done)
{
    if (!m_engine) {
        if (done)
            done();
        return;
    }
    if (m_stopping)
        return;
    m_stopping = true;
    const quint64 generation = m_generation;
    // The engine thread cannot finish before this object's stop() has deleted the engine, so
    // this is alive whenever the drain's callback runs; the queued call is dropped if this
    // object is gone by the time it would be delivered.
    post([this, generation, reason, cause, done = std::move(done)](Engine *e) {
        e->drain(
            [this, generation, done] {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, done] {
                        if (generation != m_generation) // stopped at once meanwhile
                            return;
                        stop();
                        if (done)
                            done();
                    },
                    Qt::QueuedConnection);
            },
            reason, cause);
    });
}

void EngineThread::post(std::function<void(Engine *)> fn)
{
    if (!m_engine)
        return;
    Engine *engine = m_engine;
    QMetaObject::invokeMethod(
        engine, [engine, fn = std::move(fn)] { fn(engine); }, Qt::QueuedConnection);
}

} // namespace ssehub
