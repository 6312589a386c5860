#pragma once

#include "connectionlog.h"
#include "event.h"
#include "sseconnection.h"
#include "streampoller.h"
#include "topicindex.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <vector>

namespace ssehub {

class EventHistory;

// Counters the hub keeps for stats and the console.
struct HubCounters
{
    quint64 connectionsOpened = 0;
    quint64 eventsDelivered = 0;
    quint64 slowConsumerCloses = 0;
    quint64 deadCloses = 0;
    quint64 heartbeatsSent = 0;
};

// The live streams and the topic index that routes each event to them.
class Hub : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        SseConnection::Options connection;
    };

    Hub(const Options &options, const EventHistory *history, ConnectionLog *log,
        QObject *parent = nullptr);
    ~Hub() override;

    // Registers a stream whose request has been validated, taking ownership of fd (a connected
    // non-blocking TCP socket); writes `head`, replays, goes live.
    SseConnection *addStream(int fd, const QHostAddress &peer, quint16 peerPort,
                             QList<TopicFilter> filters, const QByteArray &head,
                             const QByteArray &userAgent, bool hasCursor, quint64 cursor,
                             bool cursorValid);

    // Hands the event to every matching stream; returns how many streams it was handed to.
    int deliver(const EventPtr &event);

    bool kick(quint64 connectionId);
    void closeAll(CloseReason reason);

    int connectionCount() const { return int(m_connections.size()); }
    QList<const SseConnection *> connections() const;
    const HubCounters &counters() const { return m_counters; }

Q_SIGNALS:
    void connectionCountChanged(int count);

private:
    void onClosed(SseConnection *connection, CloseReason reason);
    void onHeartbeatTick();

    Options m_options;
    const EventHistory *m_history;
    ConnectionLog *m_log;
    StreamPoller m_poller;
    QHash<quint64, SseConnection *> m_connections;
    TopicIndex<SseConnection *> m_index;
    std::vector<SseConnection *> m_matched; // reused per delivery
    QTimer m_heartbeat;
    quint64 m_nextId = 1;
    HubCounters m_counters;
};

} // namespace ssehub
