#pragma once

#include "api/clientlist.h"
#include "api/engineconfig.h"
#include "auth/auth.h"
#include "hub/client.h"
#include "hub/huberror.h"
#include "hub/subscriptionstore.h"
#include "observe/connectionlog.h"
#include "proto/event.h"
#include "proto/topicindex.h"
#include "stream/ssestream.h"
#include "stream/streampoller.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace ssehub {

class Broker;

// Counters the hub keeps for stats and the console.
struct HubCounters
{
    quint64 connectionsOpened = 0;
    quint64 eventsDelivered = 0;
    quint64 slowConsumerCloses = 0;
    quint64 deadCloses = 0;
    quint64 kickCloses = 0; // the operator disconnected them
    quint64 shutdownCloses = 0; // a shutdown or restart
    quint64 authExpiredCloses = 0;
    quint64 heartbeatsSent = 0;
    quint64 bytesOfClosedStreams = 0; // bytes written to streams that have ended
    quint64 replayedOfClosedStreams = 0; // events they replayed from history
    quint64 resetsOfClosedStreams = 0; // reset events they were sent
};

// The clients, their subscriptions and live streams, and the topic index that routes each
// event: index entries are (client, active filter); an event reaches every live stream of every
// client with a matching active subscription, once per stream.
class Hub : public QObject
{
    Q_OBJECT

public:
    using Lifecycle = SubscriptionLifecycle;

    struct Options
    {
        SseStream::Options connection;
        Lifecycle lifecycle;
        QString nodeId;
    };

    // What a stream asks for (validated by the HTTP front).
    struct StreamSpec
    {
        QString clientId; // empty: the server assigns one
        QList<TopicFilter> filters;
        bool payloadOnly = false;
        QByteArray userAgent;
        bool hasCursor = false;
        bool cursorValid = false;
        quint64 cursor = 0;
        qint64 authExpiresAtMs = 0; // the token's expiry: the stream ends with auth-expired
        Identity identity; // who opened it (access rules are checked again on reload)
    };

    // What unsubscribe answers: the client as it is now and the filters it no longer holds.
    struct Unsubscribed
    {
        Client client;
        QList<QByteArray> removed;
    };

    Hub(const Options &options, Broker *broker, ConnectionLog *log, QObject *parent = nullptr);
    ~Hub() override;

    // Loads stored clients (named ones) and keeps the store for later changes. Returns a
    // problem to report (the store's own message), or an empty string.
    QString attachStore(std::unique_ptr<SubscriptionStore> store);
    // Writes what has changed now, on this thread, after the write in flight (drain, shutdown).
    void saveNow();

    // Durability of the subscription API (docs/API.md): a change is answered once it is stored.
    using StoredDone = std::function<void(const QString &error)>;
    // Calls done once every change made so far to named clients (embedded: all of them; cluster
    // mode: this client's) is stored - embedded, in the file, fsync'ed; in cluster mode,
    // confirmed by Redis - with an empty string, or with why it could not be (the caller
    // refuses the change as Unavailable). Embedded changes are written in groups on a writer
    // thread: requests that arrive while a write is in flight share the next one. Without a
    // store, done is called at once.
    void whenStored(const QString &clientId, StoredDone done);
    // Why a change cannot be stored now (cluster mode: Redis is unreachable), so that the
    // request is refused before anything changes; empty when it can.
    QString storeUnavailable() const { return m_storeCheck ? m_storeCheck() : QString(); }
    // Cluster mode: where changes are stored instead of a file.
    void setSharedStore(std::function<QString()> check,
                        std::function<void(const QString &clientId, StoredDone done)> wait)
    {
        m_storeCheck = std::move(check);
        m_storeWait = std::move(wait);
    }
    struct StoreCounters
    {
        quint64 writes = 0; // files written (each one fsync'ed)
        quint64 failures = 0;
        qint64 lastWriteMs = 0; // serializing, writing and syncing the last one
    };
    StoreCounters storeCounters() const;
    bool hasStore() const { return m_store != nullptr; }
    void setNodeId(const QString &id) { m_options.nodeId = id; }
    const QString &nodeId() const { return m_options.nodeId; }

    // Cluster mode: called after a change of a named client's subscriptions or cursor made on
    // this instance (API or stream topics), so that it can be shared.
    // `replay`: subscriptions were resumed with replay (other instances replay for their streams).
    void setClientChangedHook(std::function<void(const Client &, bool replay)> hook)
    {
        m_clientChanged = std::move(hook);
    }
    // Cluster mode: replaces a named client's subscriptions and cursor with the shared state
    // (another instance changed them); live streams follow at once.
    void applyShared(const QString &clientId, const QMap<QByteArray, Subscription> &subscriptions,
                     bool hasAck, quint64 ackedId, bool replay = false);
    // Cluster mode: the shared history lost what the streams had seen; every live stream gets
    // `event: reset` and continues after resumeId.
    // Only live streams whose last event id is at most affectedUpTo: the others already have
    // what comes after the loss.
    void resetAll(quint64 resumeId, const QByteArray &reason,
                  quint64 affectedUpTo = std::numeric_limits<quint64>::max());
    // Cluster mode: whether the shared subscriptions have been read (always true otherwise).
    bool sharedStateLoaded() const { return m_sharedStateLoaded; }
    void setSharedStateLoaded(bool loaded) { m_sharedStateLoaded = loaded; }
    // The access rules the hub enforces (the engine sets them at start, before attachStore,
    // and on every reload through recheckAccess). A subscription delivers to a client's
    // streams only while every live stream's identity may subscribe to it (with no live
    // stream: the client's standing, Authenticator::standing). That is checked when a stream
    // opens (every stored subscription of the client), on subscribe, resume, renew and PATCH,
    // when stored subscriptions are loaded and on every reload; one no longer allowed, in any
    // state, is removed and logged with reason "acl". One that only a token's or certificate's
    // own grant allows expires no later than that token or certificate.
    void setAuthenticator(const Authenticator &auth) { m_auth = auth; }
    // Access rules changed: every live stream's credentials are verified again (a stream whose
    // token no longer verifies, e.g. after a new secret, gets `auth-expired` and is closed), then
    // the subscriptions of every client (live or offline; active, paused, expired or archived)
    // are checked as above. Returns how many subscriptions were removed; *streamsEnded: how many
    // streams were ended.
    int recheckAccess(const Authenticator &auth, int *streamsEnded = nullptr);
    // Filters that local streams need (active or paused subscriptions of clients with streams).

    // Whether a stream naming this client (and no topics) would have anything to receive.
    bool hasStoredSubscriptions(const QString &clientId) const;

    // Whether a stream of this client (empty: a new server-named one) with these filters keeps
    // the client within Lifecycle::maxSubscriptionsPerClient (else LimitReached, checked by the
    // HTTP front before calling addStream). A limit of the whole hub (--max-clients,
    // --max-subscriptions) is Unavailable.
    HubResult<void> checkStreamFits(const QString &clientId,
                                    const QList<TopicFilter> &filters) const;

    // Registers a stream, taking ownership of fd (a connected non-blocking TCP socket); writes
    // `head` and the session event, replays, goes live. A stream that does not fit
    // (checkStreamFits) is refused, and fd or tlsSocket stay the caller's to answer and close.
    HubResult<SseStream *> addStream(int fd, const QHostAddress &peer, quint16 peerPort,
                                     const StreamSpec &spec, const QByteArray &head,
                                     QTcpSocket *tlsSocket = nullptr);

    // Hands the event to every matching stream; returns how many streams it was handed to.
    int deliver(const EventPtr &event);
    // An event with id 0 that no history keeps (the hub's `$SYS/hub/...` figures): handed to
    // the matching live streams without an id line, so it moves no client's Last-Event-ID.
    int deliverVolatile(const EventPtr &event);

    // The subscription API (see docs/API.md). `requester`: who asks (the HTTP front's
    // identity). While the client has no live stream, the requester's own identity (if it is
    // the client) or else the client's standing must allow the filters, and grants that only
    // the requester's token carries bind them to its expiry; without a requester such a
    // client's subscriptions are checked again at the next stream, reload or restart.
    // Each answers a copy of the client as the change left it (its maps are implicitly shared).
    // Refusals: Forbidden (access rules), LimitReached (the client's cap), Unavailable (the
    // hub's caps), NotFound (no such client or subscription), Conflict (expired past the grace
    // period, or expired and no new expiry given).
    HubResult<Client> subscribe(const QString &clientId, const QList<TopicFilter> &filters,
                                qint64 ttlMs, const Identity *requester = nullptr);
    HubResult<Unsubscribed> unsubscribe(const QString &clientId, const QList<TopicFilter> &filters);
    HubResult<Client> listSubscriptions(const QString &clientId) const;
    HubResult<Client> changeSubscriptions(const QString &clientId,
                                          const QList<TopicFilter> *filters,
                                          std::optional<Subscription::State> state,
                                          std::optional<qint64> expiresAt, bool hasExpiresAt,
                                          bool replay, const Identity *requester = nullptr);
    HubResult<Client> acknowledge(const QString &clientId, quint64 eventId);

    // An operator ends a stream: it gets `event: disconnect` ({"reason": "kicked", "message":
    // reason}) after what is queued for it, then closes (Kicked); the log's kick entry carries
    // the reason (cleaned by cleanKickReason first). False when there is no such stream.
    bool kick(quint64 connectionId, const QString &reason = {});
    void closeAll(CloseReason reason);
    // Shutdown: every stream gets `retry: retryMs` and `event: shutdown`; each is closed (with
    // reason, Shutdown or Restart) once its queue is empty, the rest after drainMs; then done is
    // called. cause (who asked: a signal, the console) goes into each close's log entry.
    void drain(int retryMs, qint64 drainMs, CloseReason reason, const QString &cause,
               std::function<void()> done);

    int streamCount() const { return int(m_connections.size()); }
    // The epoll set of the streams, which the front's keep-alive connections join too.
    StreamPoller *poller() { return &m_poller; }
    int streamsFrom(const QHostAddress &peer) const { return m_perAddress.value(peer); }
    int clientCount() const { return int(m_clients.size()); }
    QList<const SseStream *> streams() const;
    const SseStream *stream(quint64 id) const { return m_connections.value(id); }
    const Client *client(const QString &id) const;
    template<typename Fn> void forEachClient(Fn fn) const
    {
        for (const auto &entry : m_clients)
            fn(*entry.second);
    }
    // GET /clients and the console's Clients view: a page of the clients this hub knows
    // (hubclients.cpp). Cluster mode: every stored client (they are shared), and the anonymous
    // ones with streams here; streams, addresses and last seen are this instance's.
    ClientPage listClients(const ClientQuery &query) const;
    const SseStream::Options &streamOptions() const { return m_options.connection; }
    const HubCounters &counters() const { return m_counters; }
    qsizetype indexedSubscriptions() const { return m_index.size(); }
    // Who an event on this topic would reach now: the clients with a matching active
    // subscription (each once, however many of its filters match; wildcards included) and
    // their live streams. Costs the topic's depth plus the matching entries, which are added
    // to *visited.
    void countMatching(const QByteArray &topic, int *clients, int *streams, qint64 *visited) const;

    // The clients with a live stream here and an active subscription that matches the topic
    // (for a filter: that meets it, some topic matching both), each once, in no order. The
    // work it took (clients and subscriptions looked at, at least 1) goes to *visited.
    std::vector<const Client *> listening(const TopicFilter &filter,
                                          qint64 *visited = nullptr) const;
    // Called (on this thread, at once) whenever what a client listens to here may have
    // changed: a stream opened or closed, or one of its subscriptions changed while it has a
    // stream. Presence (PresenceTracker) looks at the client later, once the change is done.
    void setPresenceHook(std::function<void(const Client *)> hook)
    {
        m_presenceHook = std::move(hook);
    }

    // Applies due lifecycle transitions now (the timer calls it; tests may too).
    void sweep();

Q_SIGNALS:
    void streamCountChanged(int count);

private:
    int fanOut(const EventPtr &event, bool outOfOrder);
    // One write for the writer thread: the whole set (a snapshot) or the changed clients.
    struct WriteJob
    {
        quint64 generation = 0;
        bool full = false;
        QList<Client> clients; // full
        QList<SubscriptionStore::Change> changes; // otherwise
    };
    Client *findOrCreate(const QString &id, bool ephemeral);
    // The subscription cap, one rule for streams and the API: whether `client` (null: a new
    // client named `clientId`) may add these filters.
    HubResult<void> capProblem(const Client *client, const QString &clientId,
                               const QList<TopicFilter> &filters) const;
    // Adds the filter, or makes an expired subscription deliver again: renewed within the grace
    // period, started afresh after it (or when archived). Returns false when it was already
    // active or paused (left as it is).
    bool addOrRenew(Client *client, const TopicFilter &filter, qint64 now, qint64 expiresAt,
                    const QString &reason);
    void activate(Client *client, Subscription &s);
    void deactivate(Client *client, Subscription &s);
    void transition(Client *client, Subscription &s, Subscription::State to, const QString &reason);
    void dropClientIfUnused(Client *client);
    void afterSubscriptionChange(Client *client, bool replayShared = false);
    void replayResumed(Client *client, const QList<Subscription *> &resumed);
    void scheduleSave(const Client *client);
    void startWrite();
    void onWritten(quint64 generation, bool ok, const QString &error);
    QList<Client> namedClients() const;
    WriteJob makeJob();
    bool runJob(const WriteJob &job, QString *error);
    void writerLoop();
    void stopWriter();
    void logClient(LogEntry::Kind kind, const Client *client, const QString &reason,
                   const QString &detail);
    void onClosed(SseStream *connection, CloseReason reason);
    void onHeartbeatTick();
    qint64 nextDeadline(const Subscription &s) const;
    void watch(const Client *client, const Subscription &s, int delta);
    void watchAll(const Client *client, int delta);
    void shareClient(const Client *client, bool replay = false);
    // Access (see setAuthenticator). The identities a client's subscriptions must be allowed
    // for: its live streams'; with none, the requester (if it is the client), or its standing
    // when `standing`; empty: nothing to check now.
    QList<Identity> accessHolders(const Client *client, const Identity *requester,
                                  bool standing) const;
    // Why the filter may not deliver to these holders (empty: it may); *bound: when it must
    // expire because only the holders' own grants allow it (0: no bound).
    QString accessRefusal(const TopicFilter &filter, const QList<Identity> &holders,
                          const Identity &standing, qint64 *bound) const;
    // Removes the client's subscriptions that the holders may not receive (logged "acl") and
    // bounds the expiry of those only their own grants allow. Returns how many were removed;
    // *changed: whether anything changed.
    int enforceAccess(Client *client, const Identity *requester, bool standing, bool *changed);
    void removeForAccess(Client *client, const QByteArray &filter, const QString &why);
    // Says `auth-expired` on the stream and closes it.
    void endForAuth(SseStream *connection, qint64 atMs, const QString &why);

    Options m_options;
    Broker *m_broker;
    ConnectionLog *m_log;
    StreamPoller m_poller;
    QHash<quint64, SseStream *> m_connections;
    QHash<QHostAddress, int> m_perAddress; // open streams by remote address
    QHash<quint64, Identity> m_identities; // by stream id, when access control is on
    Authenticator m_auth;
    struct IdHash
    {
        size_t operator()(const QString &id) const noexcept { return qHash(id); }
    };
    std::unordered_map<QString, std::unique_ptr<Client>, IdHash> m_clients;
    std::vector<std::unique_ptr<Client>> m_retired; // dropped clients, freed on the next turn
    TopicIndex<Client *> m_index;
    QHash<QByteArray, int> m_interest; // filter -> clients with streams that need it
    std::function<void(const Client &, bool)> m_clientChanged;
    std::function<void(const Client *)> m_presenceHook;
    bool m_sharedStateLoaded = true;
    std::vector<Client *> m_matched; // reused per delivery
    QTimer m_heartbeat;
    QTimer m_sweeper;
    QString m_closeCause; // drain: who asked, for the close entries in the log
    bool m_draining = false; // the shutdown notice went out: no events or pings after it
    qint64 m_nextSweep = 0;
    std::unique_ptr<SubscriptionStore> m_store;
    std::function<QString()> m_storeCheck;
    std::function<void(const QString &, StoredDone)> m_storeWait;
    // Group commit (embedded): every change of a named client is a new generation; one write
    // is in flight at a time, and waiters are answered when a write covering theirs is durable.
    quint64 m_changed = 0; // the newest generation
    quint64 m_stored = 0; // the newest generation on disk
    bool m_writing = false; // a write is in flight on the writer thread
    bool m_writeQueued = false; // a write starts on the next turn of the event loop
    int m_writeFailures = 0; // in a row
    std::vector<std::pair<quint64, StoredDone>> m_waiters; // generation needed, done
    QTimer m_retryWrite; // after a failed write
    // The writer thread and its one job (guarded by m_writerMutex).
    std::thread m_writer;
    mutable std::mutex m_writerMutex;
    std::condition_variable m_writerWake;
    std::condition_variable m_writerIdle;
    QSet<QString> m_dirtyIds; // named clients changed since the last write was prepared
    bool m_needFull = true; // the next write is a whole snapshot (first one, after a failure)
    std::optional<WriteJob> m_job;
    bool m_writerBusy = false;
    bool m_writerStop = false;
    StoreCounters m_storeCounters; // guarded by m_writerMutex
    quint64 m_nextId = 1;
    HubCounters m_counters;
};

} // namespace ssehub
