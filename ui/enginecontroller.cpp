#include "enginecontroller.h"

#include "link/locallink.h"
#include "link/remotelink.h"

namespace ssehub {

EngineController::EngineController(EngineThread *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{
    setLink(new LocalLink(engine, this));
}

EngineController::~EngineController() = default;

LocalLink *EngineController::local() const
{
    return qobject_cast<LocalLink *>(m_link);
}

RemoteLink *EngineController::remote() const
{
    return qobject_cast<RemoteLink *>(m_link);
}

void EngineController::setLink(EngineLink *link)
{
    if (m_link) {
        // Nothing more from the old one, even what it already queued.
        m_link->disconnect(this);
        m_link->deleteLater();
    }
    m_link = link;
    connect(m_link, &EngineLink::snapshotReady, this, &EngineController::snapshotReady);
    connect(m_link, &EngineLink::statusChanged, this, &EngineController::linkStatusChanged);
    connect(m_link, &EngineLink::logGap, this, &EngineController::logGap);
    connect(m_link, &EngineLink::nodeLinksChanged, this, &EngineController::nodeLinksChanged);
    Q_EMIT linkChanged();
    Q_EMIT linkStatusChanged(m_link->status());
    Q_EMIT nodeLinksChanged(m_link->nodeLinks());
}

bool EngineController::attach(const RemoteTarget &target, QString *error)
{
    auto link = std::make_unique<RemoteLink>(target, this);
    if (!link->start(error))
        return false;
    setLink(link.release());
    return true;
}

void EngineController::useEmbedded()
{
    if (!local())
        setLink(new LocalLink(m_engine, this));
}

bool EngineController::start(const EngineConfig &config, QString *error)
{
    useEmbedded();
    return local()->start(config, error);
}

void EngineController::stopNow()
{
    if (LocalLink *l = local())
        l->stopNow();
    else
        m_engine->stop();
}

void EngineController::drainAndStop(EngineThread::DrainReason reason, std::function<void()> done)
{
    if (LocalLink *l = local())
        l->drainAndStop(reason, std::move(done));
    else
        m_engine->drainAndStop(reason, QStringLiteral("console"), std::move(done));
}

void EngineController::kick(const StreamRef &stream)
{
    const quint64 id = stream.id;
    m_link->kick(stream, this, [this, id](const LinkAnswer &answer) {
        switch (answer.outcome) {
        case LinkAnswer::Outcome::Done:
            Q_EMIT reported(true, tr("Stream %1 disconnected.").arg(id));
            break;
        case LinkAnswer::Outcome::NotFound:
            Q_EMIT reported(false, tr("Stream %1 had already ended.").arg(id));
            break;
        case LinkAnswer::Outcome::Failed:
            Q_EMIT reported(false,
                            tr("Stream %1 not disconnected: %2").arg(id).arg(answer.message));
            break;
        }
    });
}

void EngineController::setClientPaused(const QString &node, const QString &client, bool pause)
{
    m_link->setClientPaused(
        node, client, pause, this, [this, client, pause](const LinkAnswer &answer) {
            const bool ok = answer.ok();
            Q_EMIT reported(ok,
                            ok ? (pause ? tr("Subscriptions of %1 paused.").arg(client)
                                        : tr("Subscriptions of %1 resumed.").arg(client))
                               : tr("%1: %2").arg(client, answer.message));
        });
}

void EngineController::streamDetail(const StreamRef &stream, QObject *context,
                                    std::function<void(const StreamDetail &, const QString &)> done)
{
    m_link->streamDetail(stream, context, std::move(done));
}

void EngineController::history(const HistoryQuery &query, QObject *context,
                               std::function<void(const HistoryPage &)> done)
{
    m_link->history(query, context, std::move(done));
}

void EngineController::startTail(const QString &filter, QObject *context,
                                 std::function<void(const QString &)> done)
{
    const QByteArray text = filter.trimmed().toUtf8();
    if (text.isEmpty())
        return;
    m_link->setTail(text, context, [this, filter, done](const LinkAnswer &answer) {
        const QString state = answer.ok() ? tr("Tailing %1").arg(filter)
                                          : tr("Cannot tail: %1").arg(answer.message);
        done(state);
        Q_EMIT reported(answer.ok(), state);
    });
}

void EngineController::stopTail()
{
    m_link->setTail({}, this, {});
}

void EngineController::publish(const PublishRequest &request)
{
    m_link->publish(request, this, [this](const PublishOutcome &result) {
        Q_EMIT reported(result.ok,
                        result.ok
                            ? tr("Published event %1 to %n stream(s).", nullptr, result.delivered)
                                  .arg(QString::fromLatin1(result.id))
                            : tr("Not published: %1").arg(result.error));
    });
}

void EngineController::reloadAccess()
{
    m_link->reloadAccess(this, [this](const LinkAnswer &answer) {
        Q_EMIT reported(answer.ok(),
                        answer.ok() ? answer.message : tr("Reload failed: %1").arg(answer.message));
    });
}

} // namespace ssehub
