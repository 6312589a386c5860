#include "hub.h"

#include "eventhistory.h"
#include "logging.h"

namespace ssehub {

Hub::Hub(const Options &options, const EventHistory *history, ConnectionLog *log, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_history(history)
    , m_log(log)
{
    // One timer for every stream: a quarter of the interval keeps a ping within 1.25 intervals
    // of the last write while costing one pass over the streams per tick.
    m_heartbeat.setTimerType(Qt::PreciseTimer);
    m_heartbeat.setInterval(qBound(2, m_options.connection.heartbeatMs / 4, 1000));
    connect(&m_heartbeat, &QTimer::timeout, this, &Hub::onHeartbeatTick);
    m_heartbeat.start();
}

Hub::~Hub()
{
    closeAll(CloseReason::Shutdown);
    // Deleted here, while the poller they were registered with still exists.
    qDeleteAll(findChildren<SseConnection *>(Qt::FindDirectChildrenOnly));
}

SseConnection *Hub::addStream(int fd, const QHostAddress &peer, quint16 peerPort,
                              QList<TopicFilter> filters, const QByteArray &head,
                              const QByteArray &userAgent, bool hasCursor, quint64 cursor,
                              bool cursorValid)
{
    const quint64 id = m_nextId++;
    auto *connection = new SseConnection(id, fd, peer, peerPort, std::move(filters),
                                         m_options.connection, &m_poller, this);
    connection->setUserAgent(userAgent);
    connect(connection, &SseConnection::closed, this, &Hub::onClosed);
    m_connections.insert(id, connection);
    for (const TopicFilter &filter : connection->filters())
        m_index.insert(filter, connection);
    ++m_counters.connectionsOpened;

    LogEntry entry;
    entry.kind = LogEntry::Kind::Connect;
    entry.connectionId = id;
    entry.remoteAddress = connection->remote();
    entry.userAgent = QString::fromUtf8(userAgent);
    QStringList names;
    for (const TopicFilter &filter : connection->filters())
        names << QString::fromUtf8(filter.text());
    entry.detail = names.join(QLatin1Char(' '));
    m_log->append(entry);

    connection->begin(head);
    connection->startReplay(m_history, hasCursor, cursor, cursorValid);
    Q_EMIT connectionCountChanged(connectionCount());
    return connection;
}

int Hub::deliver(const EventPtr &event)
{
    m_matched.clear();
    m_index.match(event->topic, [this](SseConnection *c) { m_matched.push_back(c); });
    int handed = 0;
    // Collected first: a write may close a stream, which edits the index.
    for (SseConnection *connection : m_matched) {
        if (connection->deliver(event))
            ++handed;
    }
    m_counters.eventsDelivered += quint64(handed);
    return handed;
}

bool Hub::kick(quint64 connectionId)
{
    SseConnection *connection = m_connections.value(connectionId);
    if (!connection)
        return false;
    LogEntry entry;
    entry.kind = LogEntry::Kind::Kick;
    entry.connectionId = connectionId;
    entry.remoteAddress = connection->remote();
    m_log->append(entry);
    connection->close(CloseReason::Kicked);
    return true;
}

void Hub::closeAll(CloseReason reason)
{
    const auto all = m_connections.values();
    for (SseConnection *connection : all)
        connection->close(reason);
}

QList<const SseConnection *> Hub::connections() const
{
    QList<const SseConnection *> list;
    list.reserve(m_connections.size());
    for (const SseConnection *c : m_connections)
        list.append(c);
    return list;
}

void Hub::onClosed(SseConnection *connection, CloseReason reason)
{
    if (!m_connections.remove(connection->id()))
        return;
    for (const TopicFilter &filter : connection->filters())
        m_index.remove(filter, connection);
    if (reason == CloseReason::SlowConsumer)
        ++m_counters.slowConsumerCloses;
    if (reason == CloseReason::Dead)
        ++m_counters.deadCloses;

    LogEntry entry;
    entry.kind = reason == CloseReason::SlowConsumer ? LogEntry::Kind::SlowConsumer
                                                     : LogEntry::Kind::Disconnect;
    entry.connectionId = connection->id();
    entry.remoteAddress = connection->remote();
    entry.userAgent = QString::fromUtf8(connection->userAgent());
    entry.reason = closeReasonName(reason);
    entry.detail = QStringLiteral("events=%1 bytes=%2")
                       .arg(connection->eventsSent())
                       .arg(connection->bytesSent());
    m_log->append(entry);

    // It may be inside its own signal: never delete it here.
    connection->deleteLater();
    Q_EMIT connectionCountChanged(connectionCount());
}

void Hub::onHeartbeatTick()
{
    const qint64 now = SseConnection::monotonicMs();
    const int interval = m_options.connection.heartbeatMs;
    // Collected first, as a failed write closes a stream.
    const auto all = m_connections.values();
    for (SseConnection *connection : all) {
        if (connection->state() != SseConnection::State::Closed
            && now - connection->lastWriteMs() >= interval) {
            connection->heartbeat(now);
            ++m_counters.heartbeatsSent;
        }
    }
}

} // namespace ssehub
