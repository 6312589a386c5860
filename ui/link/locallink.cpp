#include "locallink.h"

#include "validation.h"

#include <QPointer>

namespace ssehub {

LocalLink::LocalLink(EngineThread *engine, QObject *parent)
    : EngineLink(parent)
    , m_engine(engine)
{
    connect(m_engine, &EngineThread::snapshotReady, this, &EngineLink::snapshotReady);
    m_engine->setConsoleAttached(true);
    updateStatus();
}

LocalLink::~LocalLink()
{
    // The engine outlives the console: stop relaying snapshots to nobody.
    m_engine->setConsoleAttached(false);
}

QString LocalLink::serverName() const
{
    return m_engine->isRunning() ? m_engine->listenUrl() : QString();
}

void LocalLink::updateStatus()
{
    Status status;
    if (m_engine->isRunning())
        status.state = State::Live;
    else
        status.message = tr("The embedded server is stopped.");
    setStatus(status);
}

bool LocalLink::start(const EngineConfig &config, QString *error, const QString &cause)
{
    const bool ok = m_engine->isRunning() || m_engine->start(config, error, cause);
    updateStatus();
    return ok;
}

void LocalLink::stopNow()
{
    m_engine->stop();
    updateStatus();
}

void LocalLink::drainAndStop(EngineThread::DrainReason reason, const QString &cause,
                             std::function<void()> done)
{
    QPointer<LocalLink> self(this);
    m_engine->drainAndStop(reason, cause, [self, done] {
        if (self)
            self->updateStatus();
        if (done)
            done();
    });
}

void LocalLink::kick(const StreamRef &stream, const QString &reason, QObject *context,
                     std::function<void(const LinkAnswer &)> done)
{
    QString problem;
    const QString clean = cleanKickReason(reason, &problem);
    if (!problem.isEmpty()) {
        done(LinkAnswer::failed(problem));
        return;
    }
    m_engine->kick(stream.id, clean, context, [done](bool kicked) {
        done(kicked ? LinkAnswer::done() : LinkAnswer::notFound());
    });
}

void LocalLink::setClientPaused(const QString &, const QString &clientId, bool paused,
                                QObject *context, std::function<void(const LinkAnswer &)> done)
{
    m_engine->setClientPaused(clientId, paused, context, [done](const QString &error) {
        done(error.isEmpty() ? LinkAnswer::done() : LinkAnswer::failed(error));
    });
}

void LocalLink::streamDetail(const StreamRef &stream, QObject *context,
                             std::function<void(const StreamDetail &, const QString &)> done)
{
    if (!m_engine->isRunning())
        return;
    m_engine->streamDetail(stream.id, context,
                           [done](const StreamDetail &detail) { done(detail, {}); });
}

void LocalLink::history(const HistoryQuery &query, QObject *context,
                        std::function<void(const HistoryPage &)> done)
{
    if (!m_engine->isRunning()) {
        HistoryPage page;
        page.error = tr("The embedded server is stopped.");
        done(page);
        return;
    }
    m_engine->history(query, context, std::move(done));
}

void LocalLink::presence(const PresenceQuery &query, QObject *context,
                         std::function<void(const PresenceAnswer &)> done)
{
    if (!m_engine->isRunning()) {
        PresenceAnswer answer;
        answer.error = tr("The embedded server is stopped.");
        done(answer);
        return;
    }
    m_engine->presence(query, context, std::move(done));
}

void LocalLink::setTail(const QByteArray &filter, QObject *context,
                        std::function<void(const LinkAnswer &)> done)
{
    m_engine->setTail(filter, context, [done](const QString &error) {
        if (done)
            done(error.isEmpty() ? LinkAnswer::done() : LinkAnswer::failed(error));
    });
}

void LocalLink::publish(const PublishRequest &request, QObject *context,
                        std::function<void(const PublishOutcome &)> done)
{
    m_engine->publish(request, context, std::move(done));
}

void LocalLink::reloadAccess(QObject *context, std::function<void(const LinkAnswer &)> done)
{
    m_engine->reloadAccess(context, [done](bool ok, const QString &message) {
        done(ok ? LinkAnswer::done(message) : LinkAnswer::failed(message));
    });
}

void LocalLink::listClients(const ClientQuery &query, QObject *context,
                            std::function<void(const ClientPage &, const QString &)> done)
{
    if (!m_engine->isRunning()) {
        done({}, tr("The embedded server is stopped."));
        return;
    }
    m_engine->listClients(query, context, [done](const ClientPage &page) { done(page, {}); });
}

void LocalLink::changeSubscription(const QString &clientId, const QByteArray &filter,
                                   SubscriptionAction action, QObject *context,
                                   std::function<void(const LinkAnswer &)> done)
{
    if (!m_engine->isRunning()) {
        done(LinkAnswer::failed(tr("The embedded server is stopped.")));
        return;
    }
    m_engine->changeSubscription(clientId, filter, action, context, [done](const QString &error) {
        done(error.isEmpty() ? LinkAnswer::done() : LinkAnswer::failed(error));
    });
}

} // namespace ssehub
