#include "enginecontroller.h"

namespace ssehub {

EngineController::EngineController(EngineThread *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{
    connect(m_engine, &EngineThread::snapshotReady, this, &EngineController::snapshotReady);
    m_engine->setConsoleAttached(true);
}

EngineController::~EngineController()
{
    // The engine outlives the console: stop relaying snapshots to nobody.
    m_engine->setConsoleAttached(false);
}

bool EngineController::start(const EngineConfig &config, QString *error)
{
    return m_engine->start(config, error);
}

void EngineController::stopNow()
{
    m_engine->stop();
}

void EngineController::drainAndStop(EngineThread::DrainReason reason, std::function<void()> done)
{
    m_engine->drainAndStop(reason, QStringLiteral("console"), std::move(done));
}

void EngineController::kick(quint64 id)
{
    m_engine->kick(id, this, [this, id](bool kicked) {
        Q_EMIT reported(kicked,
                        kicked ? tr("Stream %1 disconnected.").arg(id)
                               : tr("Stream %1 had already ended.").arg(id));
    });
}

void EngineController::setClientPaused(const QString &client, bool pause)
{
    m_engine->setClientPaused(client, pause, this, [this, client, pause](const QString &error) {
        const bool ok = error.isEmpty();
        Q_EMIT reported(ok,
                        ok ? (pause ? tr("Subscriptions of %1 paused.").arg(client)
                                    : tr("Subscriptions of %1 resumed.").arg(client))
                           : tr("%1: %2").arg(client, error));
    });
}

void EngineController::streamDetail(quint64 streamId, QObject *context,
                                    std::function<void(const StreamDetail &)> done)
{
    if (!m_engine->isRunning())
        return;
    m_engine->streamDetail(streamId, context, std::move(done));
}

void EngineController::startTail(const QString &filter, QObject *context,
                                 std::function<void(const QString &)> done)
{
    const QByteArray text = filter.trimmed().toUtf8();
    if (text.isEmpty())
        return;
    m_engine->setTail(text, context, [this, filter, done](const QString &error) {
        const QString state
            = error.isEmpty() ? tr("Tailing %1").arg(filter) : tr("Cannot tail: %1").arg(error);
        done(state);
        Q_EMIT reported(error.isEmpty(), state);
    });
}

void EngineController::stopTail()
{
    m_engine->setTail({}, this, {});
}

void EngineController::publish(const PublishRequest &request)
{
    m_engine->publish(request, this, [this](const PublishOutcome &result) {
        Q_EMIT reported(result.ok,
                        result.ok
                            ? tr("Published event %1 to %n stream(s).", nullptr, result.delivered)
                                  .arg(QString::fromLatin1(result.id))
                            : tr("Not published: %1").arg(result.error));
    });
}

void EngineController::reloadAccess()
{
    m_engine->reloadAccess(this, [this](bool ok, const QString &message) {
        Q_EMIT reported(ok, ok ? message : tr("Reload failed: %1").arg(message));
    });
}

} // namespace ssehub
