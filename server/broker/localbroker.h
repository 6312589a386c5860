#pragma once

#include "broker/broker.h"
#include "hub/eventhistory.h"

#include <QTimer>

namespace ssehub {

// The embedded default: ids and history in this process. Ids start from the start time in
// microseconds, so that they keep increasing across restarts and a client holding an id from an
// earlier run is told about the gap instead of being matched against unrelated events.
class LocalBroker final : public Broker
{
    Q_OBJECT

public:
    // historyTtlMs: --history-ttl (0: none); expired events go on publish, on a timer and
    // before a history read.
    LocalBroker(qsizetype historySize, qint64 historyBytes, qint64 historyTtlMs = 0,
                QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("embedded"); }
    void publish(const PublishRequest &request, Done done) override;
    const EventHistory &history() const override { return m_history; }
    void readHistory(const HistoryQuery &query, const TopicFilter &filter,
                     HistoryDone done) override;

    quint64 lastId() const { return m_nextId - 1; }

private:
    EventHistory m_history;
    quint64 m_nextId;
    QTimer m_expiry;
};

} // namespace ssehub
