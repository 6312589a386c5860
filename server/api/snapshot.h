#pragma once

#include "identitystatus.h"
#include "logentry.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace ssehub {

// A value snapshot of the engine for the console and /stats; cheap to copy, emitted at most a
// few times a second.
struct EngineStats
{
    quint64 revision = 0;
    QString listenUrl;
    QString broker;
    QString brokerState;
    bool brokerReady = true;
    qint64 startedAt = 0; // ms since the epoch
    int connections = 0;
    int clients = 0;
    quint64 connectionsOpened = 0;
    quint64 eventsPublished = 0;
    quint64 eventsDelivered = 0;
    quint64 slowConsumerCloses = 0;
    quint64 deadCloses = 0;
    quint64 requests = 0;
    quint64 rejectedRequests = 0;
    quint64 authFailures = 0; // 401 and 403 answers
    quint64 connectionLimitRejections = 0;
    quint64 rateLimitRejections = 0;
    quint64 badRequests = 0; // 400 answers (malformed requests, bad parameters)
    quint64 bodyTooLarge = 0; // 413 answers (a body over --max-body-bytes)
    quint64 fdLimitRejections = 0; // connections refused or not accepted for want of descriptors
    quint64 kickCloses = 0; // streams the operator disconnected
    quint64 shutdownCloses = 0; // streams closed by a shutdown or restart
    quint64 authExpiredCloses = 0; // streams whose credentials expired or were revoked
    qsizetype historySize = 0;
    qint64 historyBytes = 0; // what the retained events hold (EventHistory::costOf)
    // Resources against their limits (0: unknown or no limit).
    qsizetype historyCapacity = 0; // --history
    qint64 historyMaxBytes = 0; // --history-bytes
    int maxConnections = 0; // --max-connections
    int openFds
        = -1; // descriptors open in the process (counted at most once a second); -1: unknown
    int fdLimit = 0; // the process's descriptor limit (RLIMIT_NOFILE, soft)
    qint64 queuedBytes = 0; // bytes waiting in every stream's queue
    QStringList alarms; // the alarms raised now (AlarmMonitor names), sorted
    QJsonArray nodes; // cluster mode: every registered instance (see GET /nodes)
    QString nodeId; // this instance's node id (--node-id, or host:port)
    QString version; // of the ssehub binary serving it
};

// One live stream as the console shows it.
struct StreamRow
{
    enum class State : quint8 { Replaying, Live, Slow, Closing };

    quint64 id = 0; // unique within its node
    QString
        node; // the node it lives on: empty for the engine shown, set when a console merges nodes
    QString clientId;
    QString remote;
    QByteArray userAgent;
    QByteArray filters; // active filters, space-separated
    int pausedFilters = 0;
    qint64 connectedAt = 0; // ms since the epoch
    quint64 eventsSent = 0;
    quint64 bytesSent = 0;
    qint64 bytesQueued = 0;
    qint64 lastProgressMs = 0; // monotonic: the kernel last took bytes (data or ping)
    State state = State::Live;

    bool sameFigures(const StreamRow &o) const
    {
        return eventsSent == o.eventsSent && bytesSent == o.bytesSent
            && bytesQueued == o.bytesQueued && lastProgressMs == o.lastProgressMs
            && state == o.state && pausedFilters == o.pausedFilters && filters == o.filters;
    }
};

// One subscribed filter: how many clients hold it, in which state, and their live streams.
struct FilterRow
{
    QByteArray filter;
    int active = 0; // clients with it active
    int paused = 0;
    int streams = 0; // live streams of clients with it active
};

// One event as the console shows it (the live tail, a stream's recent events): its values copied
// out of the engine's event, which stays on the engine thread.
struct EventRow
{
    QByteArray id; // as clients see it
    QByteArray topic;
    QByteArray type;
    QByteArray payload; // compact JSON (shared with the event, not copied)
    qint64 time = 0; // ms since the epoch
};

// One subscription of a stream's client (the detail pane).
struct SubscriptionRow
{
    QByteArray filter;
    QString state; // "active", "paused", ... (Subscription::stateName)
    qint64 expiresAt = 0; // ms since the epoch; 0: never
};

// One topic that carried events since the console attached.
struct TopicRow
{
    QByteArray topic;
    quint64 events = 0;
    qint64 lastEventAt = 0; // ms since the epoch
    QByteArray lastType;
    QByteArray preview; // the last payload, cut to 200 bytes
    // Who an event on it would reach now (wildcard filters included): clients with a matching
    // active subscription and their live streams; -1 when not counted (beyond the snapshot's
    // budget, or a server that does not tell).
    int subscribers = -1;
    int streams = -1;
};

// What the console needs to draw, taken on the engine thread at most a few times a second and
// never changed afterwards (shared between threads as SnapshotPtr).
struct ConsoleSnapshot
{
    quint64 revision = 0;
    EngineStats stats;
    qint64 monotonicMs = 0; // Clock::monotonicMs() when taken
    qint64 wallMs = 0;
    int heartbeatMs = 30000;
    qint64 maxQueueBytes = 0;
    int clients = 0;
    quint64 bytesOut = 0; // every byte written to streams so far
    quint64 eventsReplayed = 0; // events sent from history (resuming streams)
    quint64 resetsSent = 0; // `reset` events sent
    quint64 heartbeatsSent = 0;
    int subscriptions[4] = {0, 0, 0, 0}; // by Subscription::State
    std::vector<StreamRow> connections; // by id
    std::vector<FilterRow> filters; // by filter
    std::vector<TopicRow> topics; // by topic
    QList<LogEntry> log; // entries since the previous snapshot
    QByteArray tailFilter;
    QList<EventRow> tail; // events matching tailFilter since the previous snapshot
    quint64 tailDropped = 0; // more than the tail keeps between two snapshots
    IdentityStatus identity; // the identity sources in force and their health
};
using SnapshotPtr = std::shared_ptr<const ConsoleSnapshot>;

// A stream looked at closely (the console's detail pane).
struct StreamDetail
{
    bool found = false;
    quint64 id = 0;
    QString clientId;
    QList<SubscriptionRow> subscriptions;
    QList<EventRow> recentEvents; // newest first, those this stream was sent
};

} // namespace ssehub

Q_DECLARE_METATYPE(ssehub::EngineStats)
Q_DECLARE_METATYPE(ssehub::SnapshotPtr)
Q_DECLARE_METATYPE(ssehub::StreamDetail)
