// The JSON of the console feed's values (consolefeedjson_p.h) and of the values the admin
// routes share with it (consolefeed.h: events, a stream's detail).
#include "consolefeed.h"
#include "consolefeedjson_p.h"

#include <QJsonArray>

namespace ssehub {

namespace feedjson {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

QJsonValue bytes(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

QByteArray bytesOf(const QJsonValue &v)
{
    return v.toString().toUtf8();
}

quint64 u64(const QJsonValue &v)
{
    // Counters are JSON numbers (exact up to 2^53, far beyond what they reach).
    const double d = v.toDouble();
    return d > 0 ? quint64(d) : 0;
}

const char *stateName(StreamRow::State state)
{
    switch (state) {
    case StreamRow::State::Replaying:
        return "replaying";
    case StreamRow::State::Live:
        return "live";
    case StreamRow::State::Slow:
        return "slow";
    case StreamRow::State::Closing:
        return "closing";
    }
    return "live";
}

bool stateFromName(const QString &name, StreamRow::State *out)
{
    for (auto s : {StreamRow::State::Replaying, StreamRow::State::Live, StreamRow::State::Slow,
                   StreamRow::State::Closing}) {
        if (name == QLatin1String(stateName(s))) {
            *out = s;
            return true;
        }
    }
    return false;
}

// The engine's counters, by their name in the feed (and in /stats). A server older than one of
// them sends none: it reads as zero.
struct Counter
{
    const char *name;
    quint64 EngineStats::*field;
};

constexpr Counter counters[] = {
    {"streams_opened", &EngineStats::connectionsOpened},
    {"events_published", &EngineStats::eventsPublished},
    {"events_delivered", &EngineStats::eventsDelivered},
    {"slow_consumer_closes", &EngineStats::slowConsumerCloses},
    {"dead_closes", &EngineStats::deadCloses},
    {"requests", &EngineStats::requests},
    {"rejected_requests", &EngineStats::rejectedRequests},
    {"auth_failures", &EngineStats::authFailures},
    {"connection_limit_rejections", &EngineStats::connectionLimitRejections},
    {"rate_limit_rejections", &EngineStats::rateLimitRejections},
    {"bad_requests", &EngineStats::badRequests},
    {"body_too_large", &EngineStats::bodyTooLarge},
    {"fd_limit_rejections", &EngineStats::fdLimitRejections},
    {"kick_closes", &EngineStats::kickCloses},
    {"shutdown_closes", &EngineStats::shutdownCloses},
    {"auth_expired_closes", &EngineStats::authExpiredCloses},
};

QJsonObject figuresJson(const ConsoleSnapshot &s)
{
    const EngineStats &t = s.stats;
    QJsonObject o;
    o.insert(key("revision"), qint64(s.revision));
    o.insert(key("wall_ms"), s.wallMs);
    o.insert(key("monotonic_ms"), s.monotonicMs);
    o.insert(key("heartbeat_ms"), s.heartbeatMs);
    o.insert(key("max_queue_bytes"), s.maxQueueBytes);
    o.insert(key("clients"), s.clients);
    o.insert(key("bytes_out"), qint64(s.bytesOut));
    o.insert(key("events_replayed"), qint64(s.eventsReplayed));
    o.insert(key("resets_sent"), qint64(s.resetsSent));
    o.insert(key("heartbeats_sent"), qint64(s.heartbeatsSent));
    o.insert(key("subscriptions"),
             QJsonArray {s.subscriptions[0], s.subscriptions[1], s.subscriptions[2],
                         s.subscriptions[3]});
    o.insert(key("listen_url"), t.listenUrl);
    o.insert(key("broker"), t.broker);
    o.insert(key("broker_state"), t.brokerState);
    o.insert(key("broker_ready"), t.brokerReady);
    o.insert(key("started_at"), t.startedAt);
    o.insert(key("streams"), t.connections);
    for (const Counter &c : counters)
        o.insert(key(c.name), qint64(t.*c.field));
    o.insert(key("history_size"), qint64(t.historySize));
    o.insert(key("history_bytes"), t.historyBytes);
    o.insert(key("history_capacity"), qint64(t.historyCapacity));
    o.insert(key("history_max_bytes"), t.historyMaxBytes);
    o.insert(key("max_connections"), t.maxConnections);
    o.insert(key("open_fds"), t.openFds);
    o.insert(key("fd_limit"), t.fdLimit);
    o.insert(key("queued_bytes"), t.queuedBytes);
    o.insert(key("alarms"), QJsonArray::fromStringList(t.alarms));
    o.insert(key("nodes"), t.nodes);
    o.insert(key("node"), t.nodeId);
    o.insert(key("version"), t.version);
    // Only where a source is configured (an open hub's deltas stay as they were).
    if (!s.identity.isEmpty())
        o.insert(key("identity"), s.identity.toJson());
    return o;
}

void figuresFromJson(const QJsonObject &o, ConsoleSnapshot *s)
{
    EngineStats &t = s->stats;
    s->revision = u64(o.value(key("revision")));
    s->wallMs = qint64(o.value(key("wall_ms")).toDouble());
    s->monotonicMs = qint64(o.value(key("monotonic_ms")).toDouble());
    s->heartbeatMs = o.value(key("heartbeat_ms")).toInt(30000);
    s->maxQueueBytes = qint64(o.value(key("max_queue_bytes")).toDouble());
    s->clients = o.value(key("clients")).toInt();
    s->bytesOut = u64(o.value(key("bytes_out")));
    s->eventsReplayed = u64(o.value(key("events_replayed")));
    s->resetsSent = u64(o.value(key("resets_sent")));
    s->heartbeatsSent = u64(o.value(key("heartbeats_sent")));
    const QJsonArray subs = o.value(key("subscriptions")).toArray();
    for (int i = 0; i < 4; ++i)
        s->subscriptions[i] = subs.at(i).toInt();
    t.revision = s->revision;
    t.listenUrl = o.value(key("listen_url")).toString();
    t.broker = o.value(key("broker")).toString();
    t.brokerState = o.value(key("broker_state")).toString();
    t.brokerReady = o.value(key("broker_ready")).toBool(true);
    t.startedAt = qint64(o.value(key("started_at")).toDouble());
    t.connections = o.value(key("streams")).toInt();
    t.clients = s->clients;
    for (const Counter &c : counters)
        t.*c.field = u64(o.value(key(c.name)));
    t.historySize = qsizetype(o.value(key("history_size")).toDouble());
    t.historyBytes = qint64(o.value(key("history_bytes")).toDouble());
    // Older servers send none of these: zeros, and -1 descriptors ("unknown").
    t.historyCapacity = qsizetype(u64(o.value(key("history_capacity"))));
    t.historyMaxBytes = qint64(u64(o.value(key("history_max_bytes"))));
    t.maxConnections = qMax(0, o.value(key("max_connections")).toInt());
    t.openFds = qMax(-1, o.value(key("open_fds")).toInt(-1));
    t.fdLimit = qMax(0, o.value(key("fd_limit")).toInt());
    t.queuedBytes = qint64(u64(o.value(key("queued_bytes"))));
    // Bounded: a hostile server cannot make the console hold more than the engine's names.
    t.alarms.clear();
    for (const QJsonValue &v : o.value(key("alarms")).toArray()) {
        if (t.alarms.size() >= 16)
            break;
        t.alarms << v.toString().left(64);
    }
    t.nodes = o.value(key("nodes")).toArray();
    t.nodeId = o.value(key("node")).toString();
    t.version = o.value(key("version")).toString();
    // Older servers and open hubs send none: no source.
    s->identity = IdentityStatus::fromJson(o.value(key("identity")).toObject());
}

QJsonObject streamJson(const StreamRow &r)
{
    QJsonObject o;
    o.insert(key("id"), qint64(r.id));
    o.insert(key("client_id"), r.clientId);
    o.insert(key("remote"), r.remote);
    o.insert(key("user_agent"), bytes(r.userAgent));
    o.insert(key("filters"), bytes(r.filters));
    o.insert(key("paused_filters"), r.pausedFilters);
    o.insert(key("connected_at"), r.connectedAt);
    o.insert(key("events"), qint64(r.eventsSent));
    o.insert(key("bytes"), qint64(r.bytesSent));
    o.insert(key("queued"), r.bytesQueued);
    o.insert(key("progress_ms"), r.lastProgressMs);
    o.insert(key("state"), QLatin1String(stateName(r.state)));
    return o;
}

bool streamFromJson(const QJsonObject &o, StreamRow *r)
{
    if (!o.value(key("id")).isDouble()
        || !stateFromName(o.value(key("state")).toString(), &r->state))
        return false;
    r->id = u64(o.value(key("id")));
    r->clientId = o.value(key("client_id")).toString();
    r->remote = o.value(key("remote")).toString();
    r->userAgent = bytesOf(o.value(key("user_agent")));
    r->filters = bytesOf(o.value(key("filters")));
    r->pausedFilters = o.value(key("paused_filters")).toInt();
    r->connectedAt = qint64(o.value(key("connected_at")).toDouble());
    r->eventsSent = u64(o.value(key("events")));
    r->bytesSent = u64(o.value(key("bytes")));
    r->bytesQueued = qint64(o.value(key("queued")).toDouble());
    r->lastProgressMs = qint64(o.value(key("progress_ms")).toDouble());
    return true;
}

QJsonArray streamUpdate(const StreamRow &r, bool withFilters)
{
    return QJsonArray {qint64(r.id),        qint64(r.eventsSent),
                       qint64(r.bytesSent), r.bytesQueued,
                       r.lastProgressMs,    QLatin1String(stateName(r.state)),
                       r.pausedFilters,     withFilters ? bytes(r.filters) : QJsonValue()};
}

QJsonArray filterJson(const FilterRow &f)
{
    return QJsonArray {bytes(f.filter), f.active, f.paused, f.streams};
}

QJsonArray topicJson(const TopicRow &t)
{
    return QJsonArray {bytes(t.topic),   qint64(t.events), t.lastEventAt, bytes(t.lastType),
                       bytes(t.preview), t.subscribers,    t.streams};
}

TopicRow topicFromJson(const QJsonArray &a)
{
    TopicRow row {bytesOf(a.at(0)), u64(a.at(1)), qint64(a.at(2).toDouble()), bytesOf(a.at(3)),
                  bytesOf(a.at(4))};
    // Servers before the counts send five values: not counted (-1).
    row.subscribers = qBound(-1, a.at(5).toInt(-1), 1 << 30);
    row.streams = qBound(-1, a.at(6).toInt(-1), 1 << 30);
    return row;
}

QJsonObject logJson(const LogEntry &e)
{
    QJsonObject o = e.toJson();
    o.insert(key("seq"), qint64(e.seq));
    o.insert(key("time_ms"), e.time);
    return o;
}

bool logFromJson(const QJsonObject &o, LogEntry *e)
{
    if (!LogEntry::kindFromName(o.value(key("kind")).toString(), &e->kind))
        return false;
    e->seq = u64(o.value(key("seq")));
    e->time = qint64(o.value(key("time_ms")).toDouble());
    e->count = qMax<quint64>(1, u64(o.value(key("count"))));
    e->connectionId = o.value(key("connection")).toString().toULongLong();
    e->clientId = o.value(key("client_id")).toString();
    e->remoteAddress = o.value(key("remote")).toString();
    e->userAgent = o.value(key("user_agent")).toString();
    e->reason = o.value(key("reason")).toString();
    e->detail = o.value(key("detail")).toString();
    e->bound(); // a hostile server cannot make the console hold more than the engine would
    return true;
}

// Whether the operator must see a change at once: the stream's state, its subscriptions, or its

} // namespace feedjson

using namespace feedjson;

QJsonObject eventRowJson(const EventRow &row)
{
    return QJsonObject {{key("id"), bytes(row.id)},
                        {key("topic"), bytes(row.topic)},
                        {key("type"), bytes(row.type)},
                        {key("payload"), bytes(row.payload)},
                        {key("time"), row.time}};
}

EventRow eventRowFromJson(const QJsonObject &o)
{
    return EventRow {bytesOf(o.value(key("id"))), bytesOf(o.value(key("topic"))),
                     bytesOf(o.value(key("type"))), bytesOf(o.value(key("payload"))),
                     qint64(o.value(key("time")).toDouble())};
}

QJsonObject streamDetailJson(const StreamDetail &d)
{
    QJsonArray subscriptions;
    for (const SubscriptionRow &s : d.subscriptions)
        subscriptions.append(QJsonObject {{key("filter"), bytes(s.filter)},
                                          {key("state"), s.state},
                                          {key("expires_at"), s.expiresAt}});
    QJsonArray events;
    for (const EventRow &e : d.recentEvents)
        events.append(eventRowJson(e));
    return QJsonObject {{key("id"), qint64(d.id)},
                        {key("client_id"), d.clientId},
                        {key("subscriptions"), subscriptions},
                        {key("recent_events"), events}};
}

bool streamDetailFromJson(const QJsonObject &o, StreamDetail *out)
{
    if (!o.value(key("id")).isDouble())
        return false;
    StreamDetail d;
    d.found = true;
    d.id = u64(o.value(key("id")));
    d.clientId = o.value(key("client_id")).toString();
    for (const QJsonValue &v : o.value(key("subscriptions")).toArray()) {
        const QJsonObject s = v.toObject();
        d.subscriptions.append(SubscriptionRow {bytesOf(s.value(key("filter"))),
                                                s.value(key("state")).toString(),
                                                qint64(s.value(key("expires_at")).toDouble())});
    }
    for (const QJsonValue &v : o.value(key("recent_events")).toArray())
        d.recentEvents.append(eventRowFromJson(v.toObject()));
    *out = std::move(d);
    return true;
}

} // namespace ssehub
