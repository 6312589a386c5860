#include "hub/hub.h"

#include "broker/broker.h"
#include "core/clock.h"
#include "core/logcategories.h"
#include "hub/eventhistory.h"
#include "hub/subscriptionstore.h"
#include "proto/sseframe.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpSocket>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <sys/socket.h>
#include <unistd.h>

namespace ssehub {

namespace {

quint64 newestId(const EventHistory &history)
{
    return history.newest() ? history.newest()->id : history.horizon();
}

// Whether local streams of the client need events for this subscription (a paused one still
// does: resuming it replays from what this instance received).
bool needsEvents(const Subscription &s)
{
    return s.state == Subscription::State::Active || s.state == Subscription::State::Paused;
}

} // namespace

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

// --- Storage ------------------------------------------------------------------------------

QString Hub::attachStore(std::unique_ptr<SubscriptionStore> store)
{
    m_store = std::move(store);
    QString problem;
    const QHash<QString, Client> stored = m_store->load(&problem);
    for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
        Client *client = findOrCreate(it.key(), false);
        client->subscriptions = it.value().subscriptions;
        client->hasAck = it.value().hasAck;
        client->ackedId = it.value().ackedId;
        for (Subscription &s : client->subscriptions) {
            if (s.delivers())
                m_index.insert(s.filter, client);
        }
        // Stored under other rules: what the client may no longer subscribe to goes now.
        bool changed = false;
        if (enforceAccess(client, nullptr, true, &changed) || changed)
            scheduleSave(client);
    }
    m_nextSweep = 0; // check expiries at once
    if (!m_writer.joinable())
        m_writer = std::thread([this] { writerLoop(); });
    return problem;
}

QList<Client> Hub::namedClients() const
{
    // Cheap: the subscription maps are implicitly shared, so this copies references (the
    // writer thread serializes; a later change here detaches its own client's map).
    QList<Client> named;
    named.reserve(qsizetype(m_clients.size()));
    for (const auto &[id, client] : m_clients) {
        if (client->ephemeral)
            continue;
        Client &copy = named.emplace_back();
        copy.id = client->id;
        copy.subscriptions = client->subscriptions;
        copy.hasAck = client->hasAck;
        copy.ackedId = client->ackedId;
    }
    return named;
}

void Hub::scheduleSave(const Client *client)
{
    if (!m_store)
        return;
    ++m_changed;
    m_dirtyIds.insert(client->id);
    // On the next turn of the event loop: the requests read in this turn share the write.
    if (!m_writing && !m_writeQueued) {
        m_writeQueued = true;
        QMetaObject::invokeMethod(this, &Hub::startWrite, Qt::QueuedConnection);
    }
}

Hub::WriteJob Hub::makeJob()
{
    // Called while no write is in flight: the store may be asked about its journal.
    WriteJob job;
    job.generation = m_changed;
    job.full = m_needFull || m_store->wantsCompaction();
    if (job.full) {
        job.clients = namedClients();
    } else {
        job.changes.reserve(m_dirtyIds.size());
        for (const QString &id : std::as_const(m_dirtyIds)) {
            SubscriptionStore::Change &change = job.changes.emplace_back();
            change.id = id;
            const auto it = m_clients.find(id);
            if (it != m_clients.end() && !it->second->ephemeral) {
                const Client &client = *it->second;
                Client copy;
                copy.id = client.id;
                copy.subscriptions = client.subscriptions;
                copy.hasAck = client.hasAck;
                copy.ackedId = client.ackedId;
                change.client = copy;
            }
        }
    }
    m_dirtyIds.clear();
    m_needFull = false;
    return job;
}

bool Hub::runJob(const WriteJob &job, QString *error)
{
    return job.full ? m_store->save(job.clients, error) : m_store->append(job.changes, error);
}

void Hub::startWrite()
{
    m_writeQueued = false;
    if (!m_store || m_writing || m_stored >= m_changed)
        return;
    m_retryWrite.stop();
    WriteJob job = makeJob();
    m_writing = true;
    {
        std::lock_guard lock(m_writerMutex);
        m_job = std::move(job);
    }
    m_writerWake.notify_one();
}

void Hub::writerLoop()
{
    std::unique_lock lock(m_writerMutex);
    for (;;) {
        m_writerWake.wait(lock, [this] { return m_job.has_value() || m_writerStop; });
        if (!m_job)
            return;
        WriteJob job = std::move(*m_job);
        m_job.reset();
        m_writerBusy = true;
        lock.unlock();
        QElapsedTimer timer;
        timer.start();
        QString error;
        const bool ok = runJob(job, &error);
        const qint64 took = timer.elapsed();
        const quint64 generation = job.generation;
        job = {}; // freed here, not on the engine thread
        lock.lock();
        m_writerBusy = false;
        ++(ok ? m_storeCounters.writes : m_storeCounters.failures);
        m_storeCounters.lastWriteMs = took;
        m_writerIdle.notify_all();
        // Posted while holding the lock: stopWriter() joins only after it (so `this` lives).
        QMetaObject::invokeMethod(
            this, [this, generation, ok, error] { onWritten(generation, ok, error); },
            Qt::QueuedConnection);
    }
}

void Hub::stopWriter()
{
    if (!m_writer.joinable())
        return;
    {
        std::lock_guard lock(m_writerMutex);
        m_writerStop = true;
    }
    m_writerWake.notify_one();
    m_writer.join();
}

Hub::StoreCounters Hub::storeCounters() const
{
    std::lock_guard lock(m_writerMutex);
    return m_storeCounters;
}

void Hub::onWritten(quint64 generation, bool ok, const QString &error)
{
    m_writing = false;
    std::vector<StoredDone> done;
    QString message;
    if (!ok)
        m_needFull = true; // what the failed write held is written again, with the rest
    if (ok) {
        m_stored = qMax(m_stored, generation);
        if (m_writeFailures) {
            qCInfo(lcSse).noquote()
                << "subscriptions are stored again after" << m_writeFailures << "failed writes";
            m_writeFailures = 0;
        }
        for (auto it = m_waiters.begin(); it != m_waiters.end();) {
            if (it->first <= m_stored) {
                done.push_back(std::move(it->second));
                it = m_waiters.erase(it);
            } else {
                ++it;
            }
        }
    } else {
        // Every waiter is refused: the change stays in memory but is not durable.
        if (m_writeFailures++ == 0)
            qCWarning(lcSse).noquote()
                << error
                << "- subscription changes are kept in memory but not stored; requests that "
                   "change them are answered 503 until a write succeeds (retried every 5 s); "
                   "check the free space and permissions of the data directory";
        message = QStringLiteral("the change could not be stored (%1); it is kept in memory but "
                                 "may be lost on a restart - retry later")
                      .arg(error);
        for (auto &waiter : m_waiters)
            done.push_back(std::move(waiter.second));
        m_waiters.clear();
    }
    if (m_changed > m_stored) {
        if (ok)
            startWrite();
        else
            m_retryWrite.start();
    }
    for (StoredDone &fn : done)
        fn(message);
}

void Hub::saveNow()
{
    if (!m_store)
        return;
    {
        // The write in flight first (its completion, still posted, changes nothing after this).
        std::unique_lock lock(m_writerMutex);
        m_writerIdle.wait(lock, [this] { return !m_job && !m_writerBusy; });
    }
    if (m_stored >= m_changed)
        return;
    const WriteJob job = makeJob();
    QString error;
    const bool ok = runJob(job, &error);
    const quint64 generation = job.generation;
    const bool wasWriting = m_writing;
    onWritten(generation, ok, error);
    m_writing = wasWriting; // the posted completion of the earlier write clears it
}

void Hub::whenStored(const QString &clientId, StoredDone done)
{
    if (m_storeWait) {
        m_storeWait(clientId, std::move(done));
        return;
    }
    if (!m_store || m_stored >= m_changed) {
        done({});
        return;
    }
    m_waiters.emplace_back(m_changed, std::move(done));
    if (!m_writing && !m_writeQueued) { // e.g. after a failed write: try again now
        m_writeQueued = true;
        QMetaObject::invokeMethod(this, &Hub::startWrite, Qt::QueuedConnection);
    }
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

QString Hub::capProblem(const Client *client, const QString &clientId,
                        const QList<TopicFilter> &filters, int *status) const
{
    const Lifecycle &limits = m_options.lifecycle;
    if (status)
        *status = 503;
    if (!client && limits.maxClients > 0 && qsizetype(m_clients.size()) >= limits.maxClients)
        return QStringLiteral("the hub holds the most clients it may (%1, --max-clients); retry "
                              "later")
            .arg(limits.maxClients);
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
        return QStringLiteral("the hub holds the most subscriptions it may (%1, "
                              "--max-subscriptions); retry later")
            .arg(limits.maxSubscriptions);
    if (status)
        *status = 400;
    if (held + added <= cap)
        return {};
    if (clientId.isEmpty())
        return QStringLiteral("a client may hold at most %1 subscriptions; this stream asks for %2")
            .arg(cap)
            .arg(added);
    return QStringLiteral("a client may hold at most %1 subscriptions; client '%2' holds %3 and "
                          "this would add %4 (unsubscribe some first)")
        .arg(cap)
        .arg(clientId)
        .arg(held)
        .arg(added);
}

QString Hub::checkStreamFits(const QString &clientId, const QList<TopicFilter> &filters,
                             int *status) const
{
    return capProblem(clientId.isEmpty() ? nullptr : client(clientId), clientId, filters, status);
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

bool Hub::addOrRenew(Client *client, const TopicFilter &filter, qint64 now, qint64 expiresAt,
                     const QString &reason)
{
    auto it = client->subscriptions.find(filter.text());
    if (it != client->subscriptions.end()) {
        if (it->state == Subscription::State::Active || it->state == Subscription::State::Paused)
            return false;
        if (it->state == Subscription::State::Expired
            && now - it->expiresAt <= m_options.lifecycle.graceMs) {
            it->expiresAt = expiresAt;
            transition(client, *it, Subscription::State::Active, QStringLiteral("renewed"));
            return true;
        }
        // Archived, or expired past its grace period: replaced by a fresh subscription below.
    }
    Subscription s;
    s.filter = filter;
    s.createdAt = s.updatedAt = now;
    s.expiresAt = expiresAt;
    watch(client, *client->subscriptions.insert(filter.text(), s), +1); // state Active
    m_index.insert(filter, client);
    logClient(LogEntry::Kind::Subscribe, client, reason, QString::fromUtf8(filter.text()));
    return true;
}

void Hub::activate(Client *client, Subscription &s)
{
    if (s.state != Subscription::State::Active) {
        s.state = Subscription::State::Active;
        m_index.insert(s.filter, client);
    }
}

void Hub::deactivate(Client *client, Subscription &s)
{
    if (s.state == Subscription::State::Active)
        m_index.remove(s.filter, client);
}

void Hub::transition(Client *client, Subscription &s, Subscription::State to, const QString &reason)
{
    const Subscription::State from = s.state;
    if (from == to)
        return;
    watch(client, s, -1);
    if (to == Subscription::State::Active) {
        activate(client, s);
    } else {
        deactivate(client, s);
        s.state = to;
    }
    watch(client, s, +1);
    s.updatedAt = Clock::wallMs();
    logClient(LogEntry::Kind::Transition, client, reason,
              QStringLiteral("%1 %2 -> %3")
                  .arg(QString::fromUtf8(s.filter.text()), Subscription::stateName(from),
                       Subscription::stateName(to)));
}

void Hub::afterSubscriptionChange(Client *client, bool replayShared)
{
    // Delivery on what is no longer active stops at once, also for frames already queued.
    for (SseStream *stream : client->streams)
        stream->dropUnmatchedQueued();
    // The next sweep is due no later than this client's earliest deadline (0: a full pass is
    // pending anyway), so a change never costs a pass over every subscription.
    if (m_nextSweep) {
        for (const Subscription &s : client->subscriptions)
            m_nextSweep = qMin(m_nextSweep, nextDeadline(s));
    }
    shareClient(client, replayShared);
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

void Hub::watch(const Client *client, const Subscription &s, int delta)
{
    if (client->streams.isEmpty() || !needsEvents(s))
        return;
    auto it = m_interest.find(s.filter.text());
    if (it == m_interest.end())
        it = m_interest.insert(s.filter.text(), 0);
    *it += delta;
    if (delta > 0 && *it == delta) {
        m_broker->watch(s.filter.text());
    } else if (*it <= 0) {
        m_interest.erase(it);
        m_broker->unwatch(s.filter.text());
    }
}

void Hub::watchAll(const Client *client, int delta)
{
    for (const Subscription &s : client->subscriptions)
        watch(client, s, delta);
}

void Hub::shareClient(const Client *client, bool replay)
{
    if (client->ephemeral)
        return;
    scheduleSave(client);
    if (m_clientChanged)
        m_clientChanged(*client, replay);
}

QJsonObject Hub::subscriptionsJson(const Client *client, bool all) const
{
    QJsonArray list;
    for (const Subscription &s : client->subscriptions) {
        if (all || s.state != Subscription::State::Archived)
            list.append(s.toJson());
    }
    QJsonObject body {{QStringLiteral("client_id"), client->id},
                      {QStringLiteral("subscriptions"), list},
                      {QStringLiteral("streams"), int(client->streams.size())}};
    if (client->hasAck)
        body.insert(QStringLiteral("acked"), QString::fromLatin1(formatEventId(client->ackedId)));
    return body;
}

// --- Streams ------------------------------------------------------------------------------

SseStream *Hub::addStream(int fd, const QHostAddress &peer, quint16 peerPort,
                          const StreamSpec &spec, const QByteArray &head, QTcpSocket *tlsSocket)
{
    // The cap holds on every path (the front checks first; this is the safety net).
    if (const QString problem = checkStreamFits(spec.clientId, spec.filters); !problem.isEmpty()) {
        refuseStream(fd, tlsSocket, problem);
        return nullptr;
    }
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
    if (client->streams.size() == 1)
        watchAll(client, +1);
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
    Q_EMIT connectionCountChanged(connectionCount());
    return connection;
}

void Hub::refuseStream(int fd, QTcpSocket *tlsSocket, const QString &problem)
{
    qCInfo(lcSse).noquote() << "refused a stream:" << problem;
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("error"), problem}})
                                .toJson(QJsonDocument::Compact);
    const QByteArray answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                              "Content-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    if (tlsSocket) {
        tlsSocket->setParent(this);
        connect(tlsSocket, &QTcpSocket::disconnected, tlsSocket, &QObject::deleteLater);
        tlsSocket->write(answer);
        tlsSocket->disconnectFromHost();
        return;
    }
    if (fd < 0)
        return;
    // A short answer on a fresh connection fits the socket buffer; the request was read, so
    // closing does not reset the connection.
    if (::send(fd, answer.constData(), size_t(answer.size()), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        qCDebug(lcSse).noquote() << "the refusal was not sent:" << strerror(errno);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

int Hub::deliver(const EventPtr &event)
{
    m_matched.clear();
    m_index.match(event->topic, [this](Client *c) { m_matched.push_back(c); });
    int handed = 0;
    // Clients collected first, and each client's streams iterated over a copy (implicitly
    // shared, so free unless it changes): a failed write closes a stream, which edits the
    // client's list and may retire the client (kept alive until the next turn of the loop).
    for (Client *client : m_matched) {
        const QList<SseStream *> streams = client->streams;
        for (SseStream *stream : streams) {
            if (stream->deliver(event))
                ++handed;
        }
    }
    m_counters.eventsDelivered += quint64(handed);
    return handed;
}

bool Hub::kick(quint64 connectionId)
{
    SseStream *connection = m_connections.value(connectionId);
    if (!connection)
        return false;
    LogEntry entry;
    entry.kind = LogEntry::Kind::Kick;
    entry.connectionId = connectionId;
    entry.clientId = connection->client()->id;
    entry.remoteAddress = connection->remote();
    m_log->append(entry);
    connection->close(CloseReason::Kicked);
    return true;
}

void Hub::closeAll(CloseReason reason)
{
    const auto all = m_connections.values();
    for (SseStream *connection : all)
        connection->close(reason);
}

void Hub::drain(int retryMs, qint64 drainMs, CloseReason reason, const QString &cause,
                std::function<void()> done)
{
    m_closeCause = cause;
    const QByteArray notice = "retry: " + QByteArray::number(retryMs)
        + "\nevent: shutdown\ndata: {\"retry_ms\":" + QByteArray::number(retryMs) + "}\n\n";
    for (SseStream *connection : std::as_const(m_connections))
        connection->writeControl(notice);
    const qint64 deadline = Clock::monotonicMs() + drainMs;
    auto *timer = new QTimer(this);
    timer->setInterval(20);
    auto step = [this, timer, deadline, reason, done = std::move(done)] {
        const auto all = m_connections.values();
        const bool late = Clock::monotonicMs() >= deadline;
        for (SseStream *connection : all) {
            if (late || connection->bytesQueued() == 0)
                connection->close(reason);
        }
        if (m_connections.isEmpty() || late) {
            timer->stop();
            timer->deleteLater();
            done();
        }
    };
    connect(timer, &QTimer::timeout, this, step);
    timer->start();
}

QList<const SseStream *> Hub::connections() const
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
    if (reason == CloseReason::SlowConsumer)
        ++m_counters.slowConsumerCloses;
    if (reason == CloseReason::Dead)
        ++m_counters.deadCloses;
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
    Q_EMIT connectionCountChanged(connectionCount());
}

void Hub::onHeartbeatTick()
{
    const qint64 now = Clock::monotonicMs();
    const qint64 wallNow = Clock::wallMs();
    const int interval = m_options.connection.heartbeatMs;
    // Collected first, as a failed write closes a stream.
    const auto all = m_connections.values();
    for (SseStream *connection : all) {
        const qint64 expiry = connection->authExpiresAtMs();
        if (expiry && wallNow >= expiry && connection->state() != SseStream::State::Closed) {
            // The token ran out: say so in-band, then end the stream; the client reconnects
            // with a fresh token and resumes by Last-Event-ID.
            endForAuth(connection, expiry, QString());
            continue;
        }
        // A peer that stopped acknowledging is reaped as dead (cheap: a look at TCP_INFO per
        // stream every half interval).
        connection->checkPeer(now);
        if (connection->state() != SseStream::State::Closed
            && now - connection->lastWriteMs() >= interval) {
            connection->heartbeat(now);
            ++m_counters.heartbeatsSent;
        }
    }
}

// --- The subscription API -----------------------------------------------------------------

Hub::Answer Hub::subscribe(const QString &clientId, const QList<TopicFilter> &filters, qint64 ttlMs,
                           const Identity *requester)
{
    if (m_auth.isEnabled()) {
        // Whoever will receive it must be allowed to: checked before anything changes.
        const Client *existing = client(clientId);
        Client probe;
        probe.id = clientId;
        const QList<Identity> holders
            = accessHolders(existing ? existing : &probe, requester, requester != nullptr);
        const Identity standing = m_auth.standing(clientId);
        for (const TopicFilter &filter : filters) {
            qint64 bound = 0;
            if (const QString why = accessRefusal(filter, holders, standing, &bound);
                !why.isEmpty())
                return {403,
                        QStringLiteral("client '%1' may not receive '%2': %3")
                            .arg(clientId, QString::fromUtf8(filter.text()), why),
                        {}};
        }
    }
    // The caps before anything is created (a refused request leaves no empty client behind).
    int status = 400;
    if (const QString problem = capProblem(this->client(clientId), clientId, filters, &status);
        !problem.isEmpty())
        return {status, problem, {}};
    Client *client = findOrCreate(clientId, false);
    if (client->ephemeral)
        client->ephemeral = false; // named through the API: it is kept from now on
    const qint64 now = Clock::wallMs();
    const qint64 expiresAt = ttlMs > 0 ? now + ttlMs : 0;
    for (const TopicFilter &filter : filters) {
        if (addOrRenew(client, filter, now, expiresAt, QStringLiteral("api")))
            continue;
        Subscription &s = client->subscriptions[filter.text()]; // active or paused: stays so
        if (ttlMs > 0)
            s.expiresAt = expiresAt;
        s.updatedAt = now;
    }
    bool bounded = false;
    enforceAccess(client, requester, requester != nullptr, &bounded); // bounds token grants
    afterSubscriptionChange(client);
    return {200, {}, subscriptionsJson(client, false)};
}

Hub::Answer Hub::unsubscribe(const QString &clientId, const QList<TopicFilter> &filters)
{
    auto found = m_clients.find(clientId);
    if (found == m_clients.end())
        return {404, QStringLiteral("no client with id '%1'").arg(clientId), {}};
    Client *client = found->second.get();
    QJsonArray removed;
    for (const TopicFilter &filter : filters) {
        auto it = client->subscriptions.find(filter.text());
        if (it == client->subscriptions.end())
            continue;
        watch(client, *it, -1);
        deactivate(client, *it);
        client->subscriptions.erase(it);
        removed.append(QString::fromUtf8(filter.text()));
        logClient(LogEntry::Kind::Unsubscribe, client, QStringLiteral("api"),
                  QString::fromUtf8(filter.text()));
    }
    afterSubscriptionChange(client);
    QJsonObject body = subscriptionsJson(client, false);
    body.insert(QStringLiteral("removed"), removed);
    return {200, {}, body};
}

Hub::Answer Hub::listSubscriptions(const QString &clientId, bool all) const
{
    const Client *c = client(clientId);
    if (!c)
        return {404, QStringLiteral("no client with id '%1'").arg(clientId), {}};
    return {200, {}, subscriptionsJson(c, all)};
}

Hub::Answer Hub::changeSubscriptions(const QString &clientId, const QList<TopicFilter> *filters,
                                     std::optional<Subscription::State> state,
                                     std::optional<qint64> expiresAt, bool hasExpiresAt,
                                     bool replay, const Identity *requester)
{
    auto found = m_clients.find(clientId);
    if (found == m_clients.end())
        return {404, QStringLiteral("no client with id '%1'").arg(clientId), {}};
    Client *client = found->second.get();
    QList<Subscription *> targets;
    if (filters) {
        for (const TopicFilter &filter : *filters) {
            auto it = client->subscriptions.find(filter.text());
            if (it == client->subscriptions.end())
                return {404,
                        QStringLiteral("client '%1' has no subscription '%2'")
                            .arg(clientId, QString::fromUtf8(filter.text())),
                        {}};
            targets.append(&*it);
        }
    } else {
        for (Subscription &s : client->subscriptions) {
            if (s.state != Subscription::State::Archived)
                targets.append(&s);
        }
    }
    const qint64 now = Clock::wallMs();
    // Check everything before changing anything: a request applies whole or not at all.
    for (Subscription *s : std::as_const(targets)) {
        const bool gone = s->state == Subscription::State::Archived
            || (s->state == Subscription::State::Expired
                && now - s->expiresAt > m_options.lifecycle.graceMs);
        if (gone)
            return {409,
                    QStringLiteral("subscription '%1' expired more than the grace period ago; "
                                   "subscribe again")
                        .arg(QString::fromUtf8(s->filter.text())),
                    {}};
        if (s->state == Subscription::State::Expired && !hasExpiresAt)
            return {409,
                    QStringLiteral("subscription '%1' has expired; renew it with a new "
                                   "expires_at (or null for never)")
                        .arg(QString::fromUtf8(s->filter.text())),
                    {}};
    }
    if (m_auth.isEnabled()) {
        // Pausing, resuming, renewing: only what the client may still subscribe to. What it
        // may not is removed (as a reload would) and the request changes nothing else.
        const QList<Identity> holders = accessHolders(client, requester, requester != nullptr);
        const Identity standing = m_auth.standing(clientId);
        QList<QPair<QByteArray, QString>> refused;
        for (const Subscription *s : std::as_const(targets)) {
            qint64 bound = 0;
            if (const QString why = accessRefusal(s->filter, holders, standing, &bound);
                !why.isEmpty())
                refused.append({s->filter.text(), why});
        }
        if (!refused.isEmpty()) {
            for (const auto &[filter, why] : std::as_const(refused))
                removeForAccess(client, filter, why);
            afterSubscriptionChange(client);
            return {403,
                    QStringLiteral("client '%1' may no longer subscribe to '%2' (%3); it was "
                                   "removed")
                        .arg(clientId, QString::fromUtf8(refused.first().first),
                             refused.first().second),
                    {}};
        }
    }

    QList<Subscription *> resumed;
    const EventHistory &history = m_broker->history();
    const quint64 newest = newestId(history);
    for (Subscription *s : std::as_const(targets)) {
        if (hasExpiresAt) {
            s->expiresAt = expiresAt.value_or(0);
            s->updatedAt = now;
            if (s->state == Subscription::State::Expired)
                transition(client, *s, Subscription::State::Active, QStringLiteral("renewed"));
        }
        if (state == Subscription::State::Paused && s->state == Subscription::State::Active) {
            s->pausedAfterId = newest;
            transition(client, *s, Subscription::State::Paused, QStringLiteral("paused"));
        } else if (state == Subscription::State::Active
                   && s->state == Subscription::State::Paused) {
            transition(client, *s, Subscription::State::Active, QStringLiteral("resumed"));
            resumed.append(s);
        }
    }

    if (replay)
        replayResumed(client, resumed);
    bool bounded = false;
    enforceAccess(client, requester, requester != nullptr, &bounded); // a renewal is bounded too
    // Other instances replay for their streams of this client too (cluster mode).
    afterSubscriptionChange(client, replay && !resumed.isEmpty());
    return {200, {}, subscriptionsJson(client, false)};
}

void Hub::replayResumed(Client *client, const QList<Subscription *> &resumed)
{
    if (resumed.isEmpty())
        return;
    // Replay what the resumed subscriptions missed, in order, skipping events that another
    // active subscription of the client delivered meanwhile.
    const EventHistory &history = m_broker->history();
    quint64 from = std::numeric_limits<quint64>::max();
    for (const Subscription *s : resumed)
        from = qMin(from, s->pausedAfterId);
    for (qsizetype i = history.indexAfter(from); i < history.size(); ++i) {
        const EventPtr &event = history.at(i);
        bool wanted = false;
        for (const Subscription *s : resumed)
            wanted |= event->id > s->pausedAfterId && s->filter.matches(event->topic);
        if (!wanted)
            continue;
        bool deliveredMeanwhile = false;
        for (const Subscription &other : client->subscriptions) {
            if (other.delivers() && !resumed.contains(&other) && other.filter.matches(event->topic))
                deliveredMeanwhile = true;
        }
        if (deliveredMeanwhile)
            continue;
        for (SseStream *stream : client->streams)
            stream->deliverOutOfOrder(event);
    }
}

Hub::Answer Hub::acknowledge(const QString &clientId, quint64 eventId)
{
    auto found = m_clients.find(clientId);
    if (found == m_clients.end())
        return {404, QStringLiteral("no client with id '%1'").arg(clientId), {}};
    Client *client = found->second.get();
    client->hasAck = true;
    client->ackedId = eventId;
    shareClient(client);
    return {200,
            {},
            QJsonObject {{QStringLiteral("client_id"), clientId},
                         {QStringLiteral("acked"), QString::fromLatin1(formatEventId(eventId))}}};
}

// --- Access rules ------------------------------------------------------------------------------

namespace {

// Streams opened with the same credentials are checked once.
QByteArray identityKey(const Identity &who)
{
    if (!who.token.isEmpty())
        return "t:" + who.token;
    QStringList roles(who.roles.cbegin(), who.roles.cend());
    roles.sort();
    return (who.certificate ? "c:" : "a:") + who.clientId.toUtf8() + '\n'
        + who.units.join(QLatin1Char(',')).toUtf8() + '\n' + roles.join(QLatin1Char(',')).toUtf8();
}

} // namespace

QList<Identity> Hub::accessHolders(const Client *client, const Identity *requester,
                                   bool standing) const
{
    QList<Identity> holders;
    QSet<QByteArray> seen;
    for (const SseStream *stream : client->streams) {
        const Identity who = m_identities.value(stream->id());
        if (const QByteArray key = identityKey(who); !seen.contains(key)) {
            seen.insert(key);
            holders.append(who);
        }
    }
    if (!holders.isEmpty() || client->ephemeral)
        return holders;
    if (requester && requester->authenticated && requester->clientId == client->id)
        holders.append(*requester);
    else if (standing)
        holders.append(m_auth.standing(client->id));
    return holders;
}

QString Hub::accessRefusal(const TopicFilter &filter, const QList<Identity> &holders,
                           const Identity &standing, qint64 *bound) const
{
    *bound = 0;
    for (const Identity &who : holders) {
        if (QString why = m_auth.checkSubscribe(who, filter); !why.isEmpty())
            return why;
    }
    if (!holders.isEmpty() && !m_auth.checkSubscribe(standing, filter).isEmpty()) {
        // Only the holders' own grants (token claims, certificate units) allow it: it lasts no
        // longer than they do.
        for (const Identity &who : holders) {
            if (who.expiresAtMs && (!*bound || who.expiresAtMs < *bound))
                *bound = who.expiresAtMs;
        }
    }
    return {};
}

int Hub::enforceAccess(Client *client, const Identity *requester, bool standing, bool *changed)
{
    *changed = false;
    if (!m_auth.isEnabled())
        return 0;
    const QList<Identity> holders = accessHolders(client, requester, standing);
    if (holders.isEmpty())
        return 0;
    const Identity standingIdentity = m_auth.standing(client->id);
    QList<QPair<QByteArray, QString>> refused;
    for (Subscription &s : client->subscriptions) {
        qint64 bound = 0;
        if (QString why = accessRefusal(s.filter, holders, standingIdentity, &bound);
            !why.isEmpty()) {
            refused.append({s.filter.text(), why});
            continue;
        }
        const bool live
            = s.state == Subscription::State::Active || s.state == Subscription::State::Paused;
        if (bound && live && (!s.expiresAt || s.expiresAt > bound)) {
            s.expiresAt = bound;
            s.updatedAt = Clock::wallMs();
            *changed = true;
        }
    }
    for (const auto &[filter, why] : std::as_const(refused))
        removeForAccess(client, filter, why);
    return int(refused.size());
}

void Hub::removeForAccess(Client *client, const QByteArray &filter, const QString &why)
{
    auto it = client->subscriptions.find(filter);
    if (it == client->subscriptions.end())
        return;
    const QString state = Subscription::stateName(it->state);
    watch(client, *it, -1);
    deactivate(client, *it);
    client->subscriptions.erase(it);
    // Bounded: the reason is one of the ACL's messages (a filter or two of at most 256 bytes).
    logClient(LogEntry::Kind::Unsubscribe, client, QStringLiteral("acl"),
              QStringLiteral("%1 (%2): %3").arg(QString::fromUtf8(filter), state, why.left(600)));
}

void Hub::endForAuth(SseStream *connection, qint64 atMs, const QString &why)
{
    QByteArray data = "{\"expired_at\":" + QByteArray::number(atMs);
    if (!why.isEmpty())
        data += ",\"reason\":" + jsonString(why.left(300).toUtf8());
    data += '}';
    connection->writeControl(
        SseFrame::event(QByteArray(), QByteArrayLiteral("auth-expired"), data));
    connection->close(CloseReason::AuthExpired);
}

int Hub::recheckAccess(const Authenticator &auth, int *streamsEnded)
{
    m_auth = auth;
    const qint64 now = Clock::wallMs();
    int ended = 0;
    // Credentials first: a stream whose token no longer verifies (a new secret, a role that
    // is gone from the token's standing, anonymous access withdrawn) ends. Collected first, as
    // closing a stream edits the lists.
    const auto all = m_connections.values();
    for (SseStream *connection : all) {
        if (connection->state() == SseStream::State::Closed)
            continue;
        if (!m_auth.isEnabled()) {
            m_identities.remove(connection->id());
            continue;
        }
        Identity fresh;
        const QString why = m_auth.reidentify(m_identities.value(connection->id()), now, &fresh);
        if (!why.isEmpty() || fresh.clientId != m_identities.value(connection->id()).clientId) {
            qCInfo(lcSse).noquote()
                << "stream" << connection->id() << "of" << connection->client()->id
                << "ended after the access rules changed:" << why;
            endForAuth(connection, now, why);
            ++ended;
            continue;
        }
        m_identities.insert(connection->id(), fresh); // the new rules' roles
        connection->setAuthExpiresAtMs(fresh.expiresAtMs);
    }
    // Then every client's subscriptions, whatever their state, live streams or not.
    int removed = 0;
    std::vector<Client *> changedClients;
    for (auto &[id, holder] : m_clients) {
        bool bounded = false;
        const int n = enforceAccess(holder.get(), nullptr, true, &bounded);
        removed += n;
        if (n || bounded)
            changedClients.push_back(holder.get());
    }
    for (Client *client : changedClients)
        afterSubscriptionChange(client);
    if (streamsEnded)
        *streamsEnded = ended;
    return removed;
}

// --- Cluster mode ---------------------------------------------------------------------------

void Hub::applyShared(const QString &clientId, const QMap<QByteArray, Subscription> &subscriptions,
                      bool hasAck, quint64 ackedId, bool replay)
{
    Client *client = findOrCreate(clientId, false);
    client->ephemeral = false;
    const QMap<QByteArray, Subscription> before = client->subscriptions;
    for (Subscription &s : client->subscriptions) {
        watch(client, s, -1);
        deactivate(client, s);
    }
    client->subscriptions = subscriptions;
    // Where a pause took effect is where this instance stopped delivering: its own newest event
    // (the instance that made the change saw other events).
    const quint64 newest = newestId(m_broker->history());
    QList<QByteArray> resumedFilters;
    for (Subscription &s : client->subscriptions) {
        const auto old = before.constFind(s.filter.text());
        const bool wasPaused = old != before.cend() && old->state == Subscription::State::Paused;
        if (s.state == Subscription::State::Paused)
            s.pausedAfterId = wasPaused ? old->pausedAfterId : newest;
        else if (wasPaused && s.state == Subscription::State::Active && replay) {
            s.pausedAfterId = old->pausedAfterId;
            resumedFilters.append(s.filter.text());
        }
        if (s.delivers())
            m_index.insert(s.filter, client);
        watch(client, s, +1);
    }
    client->hasAck = hasAck;
    client->ackedId = ackedId;
    // Another instance's change must still be one that this instance's streams of the client
    // may receive; if not, it is undone for everyone.
    bool bounded = false;
    const bool refused = enforceAccess(client, nullptr, false, &bounded) > 0;
    QList<Subscription *> resumed;
    for (const QByteArray &filter : std::as_const(resumedFilters)) {
        if (auto it = client->subscriptions.find(filter); it != client->subscriptions.end())
            resumed.append(&*it);
    }
    for (SseStream *stream : client->streams)
        stream->dropUnmatchedQueued();
    replayResumed(client, resumed);
    m_nextSweep = 0; // the shared state may hold deadlines that are due
    if (refused || bounded)
        shareClient(client);
}

void Hub::resetAll(quint64 resumeId, const QByteArray &reason, quint64 affectedUpTo)
{
    const auto all = m_connections.values();
    for (SseStream *connection : all)
        connection->resetTo(resumeId, reason, affectedUpTo);
}

// --- Lifecycle ----------------------------------------------------------------------------

qint64 Hub::nextDeadline(const Subscription &s) const
{
    if (!s.expiresAt)
        return std::numeric_limits<qint64>::max();
    switch (s.state) {
    case Subscription::State::Active:
    case Subscription::State::Paused:
        return s.expiresAt;
    case Subscription::State::Expired:
        return s.expiresAt + m_options.lifecycle.archiveAfterMs;
    case Subscription::State::Archived:
        return s.expiresAt + m_options.lifecycle.deleteAfterMs;
    }
    return std::numeric_limits<qint64>::max();
}

void Hub::sweep()
{
    const qint64 now = Clock::wallMs();
    // Cheap when nothing is due: one comparison. A pass over every subscription only happens
    // when the earliest deadline has passed, and it computes the next one.
    if (m_nextSweep && now < m_nextSweep)
        return;
    qint64 next = std::numeric_limits<qint64>::max();
    std::vector<Client *> changed;
    for (auto &[id, holder] : m_clients) {
        Client *client = holder.get();
        bool touched = false;
        for (auto it = client->subscriptions.begin(); it != client->subscriptions.end();) {
            Subscription &s = *it;
            if (s.expiresAt && now >= nextDeadline(s)) {
                touched = true;
                if (s.state == Subscription::State::Active
                    || s.state == Subscription::State::Paused) {
                    transition(client, s, Subscription::State::Expired,
                               QStringLiteral("expires_at"));
                } else if (s.state == Subscription::State::Expired) {
                    transition(client, s, Subscription::State::Archived,
                               QStringLiteral("expired for the archive period"));
                } else {
                    logClient(LogEntry::Kind::Transition, client,
                              QStringLiteral("expired for the delete period"),
                              QStringLiteral("%1 archived -> deleted")
                                  .arg(QString::fromUtf8(s.filter.text())));
                    it = client->subscriptions.erase(it);
                    continue;
                }
            }
            next = qMin(next, nextDeadline(s));
            ++it;
        }
        if (touched)
            changed.push_back(client);
    }
    m_nextSweep = next;
    for (Client *client : changed) {
        for (SseStream *stream : client->streams)
            stream->dropUnmatchedQueued();
        if (!client->ephemeral)
            scheduleSave(client);
    }
}

} // namespace ssehub
