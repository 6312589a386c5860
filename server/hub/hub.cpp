// The hub as a registry: clients, the admission of streams and their end.
#include "hub/hub.h"

#include "api/validation.h"
#include "broker/broker.h"
#include "core/clock.h"
#include "core/logcategories.h"
#include "hub/eventhistory.h"
#include "proto/sseframe.h"

#include <QPointer>
#include <QRandomGenerator>

#include <algorithm>

namespace ssehub {

Hub::Hub(const Options &options, Broker *broker, ConnectionLog *log, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_broker(broker)
    , m_log(log)
{
    // One timer for every stream: a quarter of the interval keeps a ping within 1.25 intervals
    // of the last write while costing one pass over the streams per tick.
    m_heartbeat.setTimerType(Qt::PreciseTimer);
    m_heartbeat.setInterval(qBound(2, m_options.connection.heartbeatMs / 4, 1000));
    connect(&m_heartbeat, &QTimer::timeout, this, &Hub::onHeartbeatTick);
    m_heartbeat.start();

    m_sweeper.setInterval(qMax(1, m_options.lifecycle.sweepIntervalMs));
    connect(&m_sweeper, &QTimer::timeout, this, &Hub::sweep);
    m_sweeper.start();

    // After a failed write, what changed is written again this much later (or at the next
    // request that waits for it).
    m_retryWrite.setSingleShot(true);
    m_retryWrite.setInterval(5000);
    connect(&m_retryWrite, &QTimer::timeout, this, &Hub::startWrite);
}

Hub::~Hub()
{
    closeAll(CloseReason::Shutdown);
    // Deleted here, while the poller they were registered with still exists.
    qDeleteAll(findChildren<SseStream *>(Qt::FindDirectChildrenOnly));
    saveNow();
    stopWriter();
}

// --- Clients ------------------------------------------------------------------------------

Client *Hub::findOrCreate(const QString &id, bool ephemeral)
{
    auto it = m_clients.find(id);
    if (it != m_clients.end())
        return it->second.get();
    auto client = std::make_unique<Client>();
    client->id = id;
    client->ephemeral = ephemeral;
    Client *raw = client.get();
    m_clients.emplace(id, std::move(client));
    return raw;
}

const Client *Hub::client(const QString &id) const
{
    const auto it = m_clients.find(id);
    return it == m_clients.end() ? nullptr : it->second.get();
}

HubResult<void> Hub::capProblem(const Client *client, const QString &clientId,
                                const QList<TopicFilter> &filters) const
{
    const Lifecycle &limits = m_options.lifecycle;
    if (!client && limits.maxClients > 0 && qsizetype(m_clients.size()) >= limits.maxClients)
        return HubFailure {HubError::Unavailable,
                           QStringLiteral("the hub holds the most clients it may (%1, "
                                          "--max-clients); retry later")
                               .arg(limits.maxClients)};
    const int cap = limits.maxSubscriptionsPerClient;
    const qsizetype held = client ? client->subscriptions.size() : 0;
    // Cheap before the count: most streams and requests are far below the caps.
    const bool hubRoom = limits.maxSubscriptions <= 0
        || m_index.size() + filters.size() <= limits.maxSubscriptions;
    if (held + filters.size() <= cap && hubRoom)
        return {};
    qsizetype added = 0;
    for (const TopicFilter &filter : filters) {
        if (!client || !client->subscriptions.contains(filter.text()))
            ++added;
    }
    if (limits.maxSubscriptions > 0 && m_index.size() + added > limits.maxSubscriptions)
        return HubFailure {HubError::Unavailable,
                           QStringLiteral("the hub holds the most subscriptions it may (%1, "
                                          "--max-subscriptions); retry later")
                               .arg(limits.maxSubscriptions)};
    if (held + added <= cap)
        return {};
    if (clientId.isEmpty())
        return HubFailure {
            HubError::LimitReached,
            QStringLiteral("a client may hold at most %1 subscriptions; this stream asks for %2")
                .arg(cap)
                .arg(added)};
    return HubFailure {HubError::LimitReached,
                       QStringLiteral("a client may hold at most %1 subscriptions; client '%2' "
                                      "holds %3 and this would add %4 (unsubscribe some first)")
                           .arg(cap)
                           .arg(clientId)
                           .arg(held)
                           .arg(added)};
}

HubResult<void> Hub::checkStreamFits(const QString &clientId,
                                     const QList<TopicFilter> &filters) const
{
    return capProblem(clientId.isEmpty() ? nullptr : client(clientId), clientId, filters);
}

bool Hub::hasStoredSubscriptions(const QString &clientId) const
{
    const Client *c = client(clientId);
    if (!c)
        return false;
    return std::any_of(
        c->subscriptions.cbegin(), c->subscriptions.cend(),
        [](const Subscription &s) { return s.state != Subscription::State::Archived; });
}

void Hub::dropClientIfUnused(Client *client)
{
    if (!client->ephemeral || !client->streams.isEmpty())
        return;
    for (Subscription &s : client->subscriptions)
        deactivate(client, s);
    // Freed on the next turn of the event loop, not now: this can run inside a delivery loop
    // that still holds a pointer to the client (a failed write closes its last stream).
    auto it = m_clients.find(client->id);
    m_retired.push_back(std::move(it->second));
    m_clients.erase(it);
    if (m_retired.size() == 1)
        QMetaObject::invokeMethod(
            this, [this] { m_retired.clear(); }, Qt::QueuedConnection);
}

void Hub::logClient(LogEntry::Kind kind, const Client *client, const QString &reason,
                    const QString &detail)
{
    LogEntry entry;
    entry.kind = kind;
    entry.clientId = client->id;
    entry.reason = reason;
    entry.detail = detail;
    m_log->append(entry);
}

// --- Streams ------------------------------------------------------------------------------

HubResult<SseStream *> Hub::addStream(int fd, const QHostAddress &peer, quint16 peerPort,
                                      const StreamSpec &spec, const QByteArray &head,
                                      QTcpSocket *tlsSocket)
{
    // The cap holds on every path (the front checks first; this is the safety net).
    if (HubResult<void> fits = checkStreamFits(spec.clientId, spec.filters); !fits.ok())
        return fits.failure();
    Client *client = nullptr;
    if (spec.clientId.isEmpty()) {
        QString id;
        do {
            id = QStringLiteral("anon-")
                + QString::number(QRandomGenerator::global()->generate64(), 16);
        } while (m_clients.count(id));
        client = findOrCreate(id, true);
    } else {
        client = findOrCreate(spec.clientId, false);
    }
    // Topic parameters add to the stored set (and renew what had expired).
    const qint64 now = Clock::wallMs();
    bool changed = false;
    for (const TopicFilter &filter : spec.filters)
        changed |= addOrRenew(client, filter, now, 0, QStringLiteral("stream"));

    const quint64 id = m_nextId++;
    SseStream::Options options = m_options.connection;
    options.payloadOnly = spec.payloadOnly;
    auto *connection = tlsSocket
        ? new SseStream(id, tlsSocket, client, options, &m_poller, this)
        : new SseStream(id, fd, peer, peerPort, client, options, &m_poller, this);
    connection->setUserAgent(spec.userAgent);
    connection->setAuthExpiresAtMs(spec.authExpiresAtMs);
    if (m_auth.isEnabled())
        m_identities.insert(id, spec.identity);
    connect(connection, &SseStream::closed, this, &Hub::onClosed);
    m_connections.insert(id, connection);
    ++m_perAddress[peer];
    client->streams.append(connection);
    if (client->streams.size() == 1) {
        client->onlineSinceMs = Clock::wallMs();
        watchAll(client, +1);
    }
    if (m_presenceHook)
        m_presenceHook(client);
    ++m_counters.connectionsOpened;
    // Every stored subscription of the client (whatever token or rules stored it) must be one
    // this stream's identity, and the other live streams', may subscribe to.
    bool bounded = false;
    if (enforceAccess(client, nullptr, false, &bounded) || bounded)
        afterSubscriptionChange(client);
    else if (changed)
        shareClient(client);

    LogEntry entry;
    entry.kind = LogEntry::Kind::Connect;
    entry.connectionId = id;
    entry.clientId = client->id;
    entry.remoteAddress = connection->remote();
    entry.userAgent = QString::fromUtf8(spec.userAgent);
    // Bounded: the first filters and how many more (a client may hold 1,024 of 256 bytes).
    const QList<QByteArray> activeFilters = client->activeFilters();
    entry.detail = LogEntry::listText(activeFilters);
    m_log->append(entry);

    // The first event on every stream tells the client who it is (no id: it is not replayable).
    // It goes out with the response head, in one write.
    // Built in one allocation: with 1,024 filters of 256 bytes it is a quarter of a megabyte.
    qsizetype sessionBytes = 64 + client->id.size() * 3 + m_options.nodeId.size() * 3;
    for (const QByteArray &filter : activeFilters)
        sessionBytes += filter.size() + 3;
    QByteArray session;
    session.reserve(sessionBytes);
    session += "{\"client_id\":" + jsonString(client->id.toUtf8())
        + ",\"node\":" + jsonString(m_options.nodeId.toUtf8()) + ",\"topics\":[";
    for (qsizetype i = 0; i < activeFilters.size(); ++i) {
        if (i)
            session += ',';
        session += jsonString(activeFilters.at(i));
    }
    session += "]}";
    connection->begin(head + SseFrame::event(QByteArray(), QByteArrayLiteral("session"), session));

    // Without Last-Event-ID, the client's acknowledged cursor says where to resume.
    bool hasCursor = spec.hasCursor;
    bool cursorValid = spec.cursorValid;
    quint64 cursor = spec.cursor;
    if (!hasCursor && client->hasAck) {
        hasCursor = cursorValid = true;
        cursor = client->ackedId;
    }
    if (!hasCursor && m_broker->liveStartPending()) {
        // Cluster mode while catching up: history() is behind what was published meanwhile, and
        // a stream that starts now must not get what came before it. It waits (keeping what
        // arrives) until the broker knows where "now" is.
        const qsizetype capacity = qMax<qsizetype>(m_broker->history().capacity(), 1024) * 2;
        const qint64 byteLimit = m_broker->history().byteLimit() * 2;
        connection->awaitBacklog(0, capacity, byteLimit);
        m_broker->fetchLiveStart(
            [stream = QPointer<SseStream>(connection), capacity, byteLimit](quint64 start) {
                if (!stream)
                    return;
                // Nothing to replay; what arrived meanwhile after `start` follows.
                auto empty = std::make_unique<EventHistory>(capacity, byteLimit);
                empty->setHorizon(start);
                stream->startBacklog(std::move(empty), false, start);
            });
    } else if (!hasCursor || m_broker->replaysLocally()) {
        connection->startReplay(&m_broker->history(), hasCursor, cursor, cursorValid);
    } else {
        // Cluster mode: the missed events come from the shared history.
        connection->awaitBacklog(cursorValid ? cursor : 0,
                                 qMax<qsizetype>(m_broker->history().capacity(), 1024) * 2,
                                 m_broker->history().byteLimit() * 2);
        m_broker->fetchBacklog(cursorValid, cursor,
                               [stream = QPointer<SseStream>(connection), cursor](Backlog b) {
                                   if (stream)
                                       stream->startBacklog(std::move(b.events), b.gap, cursor);
                               });
    }
    Q_EMIT streamCountChanged(streamCount());
    return connection;
}

QString cleanKickReason(const QString &reason, QString *error)
{
    QString clean;
    clean.reserve(reason.size());
    for (const QChar c : reason) {
        // C0, DEL and C1 controls (line breaks included), format characters (bidi overrides,
        // zero-width marks) and line and paragraph separators never reach the log or the
        // client: the text shown is the text given.
        switch (c.category()) {
        case QChar::Other_Control:
        case QChar::Other_Format:
        case QChar::Separator_Line:
        case QChar::Separator_Paragraph:
            break;
        default:
            clean.append(c);
        }
    }
    clean = clean.trimmed();
    const QByteArray utf8 = clean.toUtf8();
    if (utf8.size() > MaxKickReasonBytes) {
        *error = QStringLiteral("reason is %1 bytes long; at most %2 bytes of UTF-8 are allowed")
                     .arg(utf8.size())
                     .arg(MaxKickReasonBytes);
        return {};
    }
    if (QString::fromUtf8(utf8) != clean) {
        *error = QStringLiteral("reason is not valid text");
        return {};
    }
    error->clear();
    return clean;
}

bool Hub::kick(quint64 connectionId, const QString &reason)
{
    SseStream *connection = m_connections.value(connectionId);
    if (!connection || connection->state() == SseStream::State::Closed || connection->isEnding())
        return false;
    LogEntry entry;
    entry.kind = LogEntry::Kind::Kick;
    entry.connectionId = connectionId;
    entry.clientId = connection->client()->id;
    entry.remoteAddress = connection->remote();
    entry.reason = reason;
    m_log->append(entry);
    // The client reads why as the last event: the events not yet begun are dropped (it
    // resumes them with Last-Event-ID), so that a full queue cannot hide the reason.
    connection->endWith(SseFrame::disconnect(QByteArrayLiteral("kicked"), reason.toUtf8()),
                        CloseReason::Kicked);
    return true;
}

void Hub::closeAll(CloseReason reason)
{
    const auto all = m_connections.values();
    for (SseStream *connection : all)
        connection->close(reason);
}

QList<const SseStream *> Hub::streams() const
{
    QList<const SseStream *> list;
    list.reserve(m_connections.size());
    for (const SseStream *c : m_connections)
        list.append(c);
    return list;
}

void Hub::onClosed(SseStream *connection, CloseReason reason)
{
    if (!m_connections.remove(connection->id()))
        return;
    if (auto it = m_perAddress.find(connection->peer()); it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
    m_identities.remove(connection->id());
    Client *client = m_clients.at(connection->client()->id).get();
    if (client->streams.size() == 1)
        watchAll(client, -1); // the last stream: nothing here needs its filters any more
    client->streams.removeOne(connection);
    client->lastSeenMs = Clock::wallMs();
    if (client->streams.isEmpty())
        client->onlineSinceMs = 0;
    if (m_presenceHook)
        m_presenceHook(client);
    if (reason == CloseReason::SlowConsumer)
        ++m_counters.slowConsumerCloses;
    if (reason == CloseReason::Dead)
        ++m_counters.deadCloses;
    if (reason == CloseReason::Kicked)
        ++m_counters.kickCloses;
    if (reason == CloseReason::Shutdown || reason == CloseReason::Restart)
        ++m_counters.shutdownCloses;
    if (reason == CloseReason::AuthExpired)
        ++m_counters.authExpiredCloses;
    m_counters.bytesOfClosedStreams += connection->bytesSent();
    m_counters.replayedOfClosedStreams += connection->eventsReplayed();
    m_counters.resetsOfClosedStreams += connection->resetsSent();

    LogEntry entry;
    entry.kind = reason == CloseReason::SlowConsumer ? LogEntry::Kind::SlowConsumer
                                                     : LogEntry::Kind::Disconnect;
    entry.connectionId = connection->id();
    entry.clientId = client->id;
    entry.remoteAddress = connection->remote();
    entry.userAgent = QString::fromUtf8(connection->userAgent());
    entry.reason = closeReasonName(reason);
    entry.detail = QStringLiteral("events=%1 bytes=%2")
                       .arg(connection->eventsSent())
                       .arg(connection->bytesSent());
    if ((reason == CloseReason::Shutdown || reason == CloseReason::Restart)
        && !m_closeCause.isEmpty())
        entry.detail += QStringLiteral(" by=") + m_closeCause;
    m_log->append(entry);
    dropClientIfUnused(client);

    // It may be inside its own signal: never delete it here.
    connection->deleteLater();
    Q_EMIT streamCountChanged(streamCount());
}

} // namespace ssehub
