#include "broker/localbroker.h"

#include "core/clock.h"

#include <QDateTime>

namespace ssehub {

LocalBroker::LocalBroker(qsizetype historySize, qint64 historyBytes, QObject *parent)
    : Broker(parent)
    , m_history(historySize, historyBytes)
    , m_nextId(quint64(Clock::wallMs()) * 1000)
{
    m_history.setHorizon(m_nextId - 1);
}

void LocalBroker::publish(const PublishRequest &request, Done done)
{
    const EventPtr event
        = makeEvent(m_nextId++, request.topic, request.type, request.payloadJson, Clock::wallMs());
    m_history.append(event);
    Published published;
    published.id = event->id;
    published.delivered = dispatch(event);
    done(published);
}

void Broker::fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done)
{
    // Only brokers without a local history are asked (replaysLocally() is false).
    Q_UNUSED(cursorValid);
    Q_UNUSED(cursor);
    Backlog backlog;
    backlog.events = std::make_unique<EventHistory>(0);
    backlog.gap = true;
    done(std::move(backlog));
}

} // namespace ssehub
