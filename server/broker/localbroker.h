#pragma once

#include "broker/broker.h"
#include "hub/eventhistory.h"

namespace ssehub {

// The embedded default: ids and history in this process. Ids start from the start time in
// microseconds, so that they keep increasing across restarts and a client holding an id from an
// earlier run is told about the gap instead of being matched against unrelated events.
class LocalBroker final : public Broker
{
    Q_OBJECT

public:
    LocalBroker(qsizetype historySize, qint64 historyBytes, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("embedded"); }
    void publish(const PublishRequest &request, Done done) override;
    const EventHistory &history() const override { return m_history; }

    quint64 lastId() const { return m_nextId - 1; }

private:
    EventHistory m_history;
    quint64 m_nextId;
};

} // namespace ssehub
