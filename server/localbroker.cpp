#include "localbroker.h"

#include <QDateTime>

namespace ssehub {

LocalBroker::LocalBroker(qsizetype historySize, QObject *parent)
    : Broker(parent)
    , m_history(historySize)
    , m_nextId(quint64(QDateTime::currentMSecsSinceEpoch()) * 1000)
{
    m_history.setHorizon(m_nextId - 1);
}

void LocalBroker::publish(const PublishRequest &request, Done done)
{
    const EventPtr event = makeEvent(m_nextId++, request.topic, request.type, request.payloadJson,
                                     QDateTime::currentMSecsSinceEpoch());
    m_history.append(event);
    PublishResult result;
    result.ok = true;
    result.id = event->id;
    result.delivered = dispatch(event);
    done(result);
}

} // namespace ssehub
