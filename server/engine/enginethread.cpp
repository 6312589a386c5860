#include "api/enginethread.h"

#include "engine/engine.h"
#include "hub/hub.h"
#include "proto/event.h"

#include <QPointer>
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

bool EngineThread::start(const EngineConfig &config, QString *error, const QString &cause)
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
            if (candidate->start(&startError, cause))
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

void EngineThread::drainAndStop(DrainReason drainReason, const QString &cause,
                                std::function<void()> done)
{
    const CloseReason reason
        = drainReason == DrainReason::Restart ? CloseReason::Restart : CloseReason::Shutdown;
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

template<typename R>
std::function<void(R)> EngineThread::answerTo(QObject *context, std::function<void(R)> done)
{
    // The context is checked only in the queued call, on this object's thread (the context's),
    // where it cannot be deleted between the check and the call; the engine thread never
    // dereferences it. The engine thread cannot outlive this object (stop() joins it), and a
    // call queued to this object is dropped if it is gone by then.
    QPointer<QObject> target(context);
    return [this, target, done = std::move(done)](R result) {
        QMetaObject::invokeMethod(
            this,
            [target, done, result = std::move(result)] {
                if (target && done)
                    done(result);
            },
            Qt::QueuedConnection);
    };
}

template<typename R>
void EngineThread::request(std::function<R(Engine *)> fn, QObject *context,
                           std::function<void(R)> done)
{
    post([fn = std::move(fn), answer = answerTo<R>(context, std::move(done))](Engine *engine) {
        answer(fn(engine));
    });
}

void EngineThread::kick(quint64 streamId, const QString &reason, QObject *context,
                        std::function<void(bool)> done)
{
    request<bool>(
        [streamId, reason](Engine *e) { return e->hub() && e->hub()->kick(streamId, reason); },
        context, std::move(done));
}

void EngineThread::setClientPaused(const QString &clientId, bool paused, QObject *context,
                                   std::function<void(const QString &)> done)
{
    request<QString>(
        [clientId, paused](Engine *e) {
            const HubResult<void> changed = e->setClientPaused(clientId, paused);
            return changed.ok() ? QString() : changed.failure().message;
        },
        context, std::function<void(QString)>(std::move(done)));
}

void EngineThread::streamDetail(quint64 streamId, QObject *context,
                                std::function<void(const StreamDetail &)> done)
{
    request<StreamDetail>([streamId](Engine *e) { return e->streamDetail(streamId); }, context,
                          std::function<void(StreamDetail)>(std::move(done)));
}

void EngineThread::history(const HistoryQuery &query, QObject *context,
                           std::function<void(const HistoryPage &)> done)
{
    // Answered when the page is there (cluster mode: after Redis answered), so not a request().
    post([query,
          answer = answerTo<HistoryPage>(
              context, std::function<void(HistoryPage)>(std::move(done)))](Engine *e) {
        e->history(query, [answer](const HistoryPage &page) { answer(page); });
    });
}

void EngineThread::listClients(const ClientQuery &query, QObject *context,
                               std::function<void(const ClientPage &)> done)
{
    request<ClientPage>([query](Engine *e) { return e->listClients(query); }, context,
                        std::function<void(ClientPage)>(std::move(done)));
}

void EngineThread::presence(const PresenceQuery &query, QObject *context,
                            std::function<void(const PresenceAnswer &)> done)
{
    // Answered when known (cluster mode: Redis is asked), so this is not a request().
    post([query,
          answer = answerTo<PresenceAnswer>(
              context, std::function<void(PresenceAnswer)>(std::move(done)))](Engine *e) {
        e->presence(query, [answer](PresenceAnswer result) { answer(std::move(result)); });
    });
}

void EngineThread::changeSubscription(const QString &clientId, const QByteArray &filter,
                                      SubscriptionAction action, QObject *context,
                                      std::function<void(const QString &)> done)
{
    // Answered once stored: the engine calls back later, so this is not a request().
    post([clientId, filter, action,
          answer
          = answerTo<QString>(context, std::function<void(QString)>(std::move(done)))](Engine *e) {
        e->changeSubscription(clientId, filter, action,
                              [answer](const QString &error) { answer(error); });
    });
}

void EngineThread::setTail(const QByteArray &filter, QObject *context,
                           std::function<void(const QString &)> done)
{
    request<QString>([filter](Engine *e) { return e->setTail(filter); }, context,
                     std::function<void(QString)>(std::move(done)));
}

void EngineThread::publish(const PublishRequest &request, QObject *context,
                           std::function<void(const PublishOutcome &)> done)
{
    post([request,
          answer = answerTo<PublishOutcome>(
              context, std::function<void(PublishOutcome)>(std::move(done)))](Engine *e) {
        e->publish(request, [answer](const PublishResult &result) {
            if (result.ok())
                answer({true, formatEventId(result->id), result->delivered, QString()});
            else
                answer({false, QByteArray(), 0, result.failure().message});
        });
    });
}

void EngineThread::reloadAccess(QObject *context, std::function<void(bool, const QString &)> done)
{
    using Result = std::pair<bool, QString>;
    request<Result>(
        [](Engine *e) {
            bool ok = false;
            const QString message = e->reloadAccess(&ok);
            return Result(ok, message);
        },
        context, [done = std::move(done)](const Result &r) { done(r.first, r.second); });
}

void EngineThread::reconfigure(const EngineConfig &config, QObject *context,
                               std::function<void(bool, const QString &)> done)
{
    using Result = std::pair<bool, QString>;
    request<Result>(
        [config](Engine *e) {
            bool ok = false;
            const QString message = e->reconfigure(config, &ok);
            return Result(ok, message);
        },
        context, [done = std::move(done)](const Result &r) { done(r.first, r.second); });
}

} // namespace ssehub
