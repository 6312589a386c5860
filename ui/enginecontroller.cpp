#include "enginecontroller.h"

#include "enginetext.h"
#include "link/locallink.h"
#include "link/remotelink.h"

#include <QPointer>

#include <memory>

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

bool EngineController::start(const EngineConfig &config, QString *error, const QString &cause)
{
    useEmbedded();
    return local()->start(config, error, cause);
}

void EngineController::stopNow()
{
    if (LocalLink *l = local())
        l->stopNow();
    else
        m_engine->stop();
}

void EngineController::drainAndStop(EngineThread::DrainReason reason, const QString &cause,
                                    std::function<void()> done)
{
    if (LocalLink *l = local())
        l->drainAndStop(reason, cause, std::move(done));
    else
        m_engine->drainAndStop(reason, cause, std::move(done));
}

namespace {

// The answers to one bulk action, counted until the last one is in.
struct Tally
{
    int pending = 0;
    int done = 0;
    int notFound = 0;
    int failed = 0;
    QString firstFailure;

    void add(const LinkAnswer &answer)
    {
        --pending;
        switch (answer.outcome) {
        case LinkAnswer::Outcome::Done:
            ++done;
            break;
        case LinkAnswer::Outcome::NotFound:
            ++notFound;
            break;
        case LinkAnswer::Outcome::Failed:
            if (!failed++)
                firstFailure = EngineText::translate(answer.message);
            break;
        }
    }
};

} // namespace

void EngineController::kick(const QList<StreamRef> &streams, const QString &reason)
{
    if (streams.isEmpty())
        return;
    if (streams.size() == 1) {
        const quint64 id = streams.first().id;
        m_link->kick(streams.first(), reason, this, [this, id](const LinkAnswer &answer) {
            switch (answer.outcome) {
            case LinkAnswer::Outcome::Done:
                Q_EMIT reported(true, tr("Stream %1 disconnected.").arg(id));
                break;
            case LinkAnswer::Outcome::NotFound:
                Q_EMIT reported(false, tr("Stream %1 had already ended.").arg(id));
                break;
            case LinkAnswer::Outcome::Failed:
                Q_EMIT reported(false,
                                tr("Stream %1 not disconnected: %2")
                                    .arg(id)
                                    .arg(EngineText::translate(answer.message)));
                break;
            }
        });
        return;
    }
    auto tally = std::make_shared<Tally>();
    tally->pending = int(streams.size());
    for (const StreamRef &stream : streams) {
        m_link->kick(stream, reason, this, [this, tally](const LinkAnswer &answer) {
            tally->add(answer);
            if (tally->pending > 0)
                return;
            QString message = tr("%n stream(s) disconnected.", nullptr, tally->done);
            if (tally->notFound)
                message += QLatin1Char(' ') + tr("%n had already ended.", nullptr, tally->notFound);
            if (tally->failed)
                message += QLatin1Char(' ')
                    + tr("%n not disconnected: %1", nullptr, tally->failed)
                          .arg(tally->firstFailure);
            Q_EMIT reported(tally->failed == 0, message);
        });
    }
}

void EngineController::setClientPaused(const QString &node, const QString &client, bool pause)
{
    m_link->setClientPaused(
        node, client, pause, this, [this, client, pause](const LinkAnswer &answer) {
            const bool ok = answer.ok();
            Q_EMIT reported(ok,
                            ok ? (pause ? tr("Subscriptions of %1 paused.").arg(client)
                                        : tr("Subscriptions of %1 resumed.").arg(client))
                               : tr("%1: %2").arg(client, EngineText::translate(answer.message)));
        });
}

void EngineController::setClientsPaused(const QList<std::pair<QString, QString>> &clients,
                                        bool pause)
{
    if (clients.size() == 1) {
        setClientPaused(clients.first().first, clients.first().second, pause);
        return;
    }
    if (clients.isEmpty())
        return;
    auto tally = std::make_shared<Tally>();
    tally->pending = int(clients.size());
    for (const auto &[node, client] : clients) {
        m_link->setClientPaused(
            node, client, pause, this, [this, tally, pause, client](const LinkAnswer &answer) {
                tally->add(answer);
                if (!answer.ok() && tally->failed == 1)
                    tally->firstFailure
                        = tr("%1: %2").arg(client, EngineText::translate(answer.message));
                if (tally->pending > 0)
                    return;
                QString message = pause
                    ? tr("Subscriptions of %n client(s) paused.", nullptr, tally->done)
                    : tr("Subscriptions of %n client(s) resumed.", nullptr, tally->done);
                if (tally->failed)
                    message += QLatin1Char(' ') + tally->firstFailure;
                Q_EMIT reported(tally->failed == 0, message);
            });
    }
}

void EngineController::listClients(const ClientQuery &query, QObject *context,
                                   std::function<void(const ClientPage &, const QString &)> done)
{
    m_link->listClients(query, context, std::move(done));
}

void EngineController::changeSubscription(const QString &clientId, const QByteArray &filter,
                                          SubscriptionAction action, QObject *context,
                                          std::function<void(bool)> done)
{
    const QString topic = QString::fromUtf8(filter);
    QPointer<QObject> guard(context);
    m_link->changeSubscription(
        clientId, filter, action, this,
        [this, clientId, topic, action, guard, done](const LinkAnswer &answer) {
            QString message;
            if (!answer.ok()) {
                message
                    = tr("%1, %2: %3").arg(clientId, topic, EngineText::translate(answer.message));
            } else {
                switch (action) {
                case SubscriptionAction::Pause:
                    message = tr("Subscription %1 of %2 paused.").arg(topic, clientId);
                    break;
                case SubscriptionAction::Resume:
                    message = tr("Subscription %1 of %2 resumed.").arg(topic, clientId);
                    break;
                case SubscriptionAction::Expire:
                    message = tr("Subscription %1 of %2 expired.").arg(topic, clientId);
                    break;
                case SubscriptionAction::Delete:
                    message = tr("Subscription %1 of %2 deleted.").arg(topic, clientId);
                    break;
                }
            }
            Q_EMIT reported(answer.ok(), message);
            if (guard && done)
                done(answer.ok());
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

void EngineController::presence(const PresenceQuery &query, QObject *context,
                                std::function<void(const PresenceAnswer &)> done)
{
    m_link->presence(query, context, std::move(done));
}

void EngineController::startTail(const QString &filter, QObject *context,
                                 std::function<void(const QString &)> done)
{
    const QByteArray text = filter.trimmed().toUtf8();
    if (text.isEmpty())
        return;
    m_link->setTail(text, context, [this, filter, done](const LinkAnswer &answer) {
        const QString state = answer.ok()
            ? tr("Tailing %1").arg(filter)
            : tr("Cannot tail: %1").arg(EngineText::translate(answer.message));
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
                            : tr("Not published: %1").arg(EngineText::translate(result.error)));
    });
}

void EngineController::reloadAccess()
{
    m_link->reloadAccess(this, [this](const LinkAnswer &answer) {
        Q_EMIT reported(answer.ok(),
                        answer.ok()
                            ? EngineText::translate(answer.message)
                            : tr("Reload failed: %1").arg(EngineText::translate(answer.message)));
    });
}

} // namespace ssehub
