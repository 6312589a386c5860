#include "consolefeed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <iterator>

namespace ssehub {

namespace {

// Field names of the feed (docs/API.md, "GET /console/feed").
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
    o.insert(key("streams_opened"), qint64(t.connectionsOpened));
    o.insert(key("events_published"), qint64(t.eventsPublished));
    o.insert(key("events_delivered"), qint64(t.eventsDelivered));
    o.insert(key("slow_consumer_closes"), qint64(t.slowConsumerCloses));
    o.insert(key("dead_closes"), qint64(t.deadCloses));
    o.insert(key("requests"), qint64(t.requests));
    o.insert(key("rejected_requests"), qint64(t.rejectedRequests));
    o.insert(key("auth_failures"), qint64(t.authFailures));
    o.insert(key("connection_limit_rejections"), qint64(t.connectionLimitRejections));
    o.insert(key("rate_limit_rejections"), qint64(t.rateLimitRejections));
    o.insert(key("history_size"), qint64(t.historySize));
    o.insert(key("history_bytes"), t.historyBytes);
    o.insert(key("nodes"), t.nodes);
    o.insert(key("node"), t.nodeId);
    o.insert(key("version"), t.version);
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
    t.connectionsOpened = u64(o.value(key("streams_opened")));
    t.eventsPublished = u64(o.value(key("events_published")));
    t.eventsDelivered = u64(o.value(key("events_delivered")));
    t.slowConsumerCloses = u64(o.value(key("slow_consumer_closes")));
    t.deadCloses = u64(o.value(key("dead_closes")));
    t.requests = u64(o.value(key("requests")));
    t.rejectedRequests = u64(o.value(key("rejected_requests")));
    t.authFailures = u64(o.value(key("auth_failures")));
    t.connectionLimitRejections = u64(o.value(key("connection_limit_rejections")));
    t.rateLimitRejections = u64(o.value(key("rate_limit_rejections")));
    t.historySize = qsizetype(o.value(key("history_size")).toDouble());
    t.historyBytes = qint64(o.value(key("history_bytes")).toDouble());
    t.nodes = o.value(key("nodes")).toArray();
    t.nodeId = o.value(key("node")).toString();
    t.version = o.value(key("version")).toString();
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

// [id, events, bytes, queued, progress_ms, state, paused_filters, filters or null]
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
    return QJsonArray {bytes(t.topic), qint64(t.events), t.lastEventAt, bytes(t.lastType),
                       bytes(t.preview)};
}

TopicRow topicFromJson(const QJsonArray &a)
{
    return TopicRow {bytesOf(a.at(0)), u64(a.at(1)), qint64(a.at(2).toDouble()), bytesOf(a.at(3)),
                     bytesOf(a.at(4))};
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
// queue crossing a colour band of the console (a quarter, three quarters of the limit).
bool urgent(const StreamRow &told, const StreamRow &now, qint64 maxQueue)
{
    if (told.state != now.state || told.pausedFilters != now.pausedFilters
        || told.filters != now.filters)
        return true;
    const auto band = [maxQueue](qint64 queued) {
        if (maxQueue <= 0 || queued <= 0)
            return 0;
        return queued * 4 >= maxQueue * 3 ? 2 : queued * 4 >= maxQueue ? 1 : 0;
    };
    return band(told.bytesQueued) != band(now.bytesQueued);
}

bool sameFilter(const FilterRow &a, const FilterRow &b)
{
    return a.active == b.active && a.paused == b.paused && a.streams == b.streams;
}

// The size of an update in the feed, near enough for the budget: brackets, commas, the state
// and the numbers' digits.
qsizetype updateCost(const StreamRow &r, bool withFilters)
{
    const auto digits = [](quint64 n) {
        qsizetype d = 1;
        while (n >= 10) {
            n /= 10;
            ++d;
        }
        return d;
    };
    return 24 + digits(r.id) + digits(r.eventsSent) + digits(r.bytesSent)
        + digits(quint64(qMax<qint64>(0, r.bytesQueued)))
        + digits(quint64(qMax<qint64>(0, r.lastProgressMs)))
        + (withFilters ? r.filters.size() + 2 : 4);
}

} // namespace

QByteArray FeedPosition::toId() const
{
    if (epoch.isEmpty())
        return {};
    return epoch + '-' + QByteArray::number(seq);
}

bool FeedPosition::fromId(const QByteArray &id, FeedPosition *out)
{
    const qsizetype dash = id.lastIndexOf('-');
    if (dash <= 0 || dash > 64)
        return false;
    bool ok = false;
    const quint64 seq = id.mid(dash + 1).toULongLong(&ok);
    if (!ok)
        return false;
    *out = FeedPosition {id.left(dash), seq};
    return true;
}

// --- Encoder --------------------------------------------------------------------------------

FeedEncoder::FeedEncoder(const QByteArray &epoch)
    : FeedEncoder(epoch, Options())
{
}

FeedEncoder::FeedEncoder(const QByteArray &epoch, const Options &options)
    : m_options(options)
    , m_epoch(epoch)
{
}

QByteArray FeedEncoder::advance(const ConsoleSnapshot &s)
{
    ++m_seq;
    QJsonObject delta;
    delta.insert(key("seq"), qint64(m_seq));
    delta.insert(key("figures"), figuresJson(s));

    // Streams: s.connections and m_streams are both sorted by id.
    QJsonArray added;
    QJsonArray removed;
    QJsonArray updated;
    const qint64 elapsedMs
        = m_lastWallMs ? qBound(qint64(250), s.wallMs - m_lastWallMs, qint64(2000)) : qint64(250);
    m_lastWallMs = s.wallMs;
    qsizetype budget = qsizetype(qint64(m_options.updateBytesPerSecond) * elapsedMs / 1000);
    {
        auto told = m_streams.begin();
        for (const StreamRow &row : s.connections) {
            while (told != m_streams.end() && told->first < row.id) {
                removed.append(qint64(told->first));
                told = m_streams.erase(told);
            }
            if (told == m_streams.end() || told->first != row.id) {
                added.append(streamJson(row));
                m_streams.emplace_hint(told, row.id, StreamState {row, row, false});
                continue;
            }
            StreamState &state = told->second;
            if (urgent(state.row, row, s.maxQueueBytes)) {
                const bool withFilters = state.row.filters != row.filters;
                updated.append(streamUpdate(row, withFilters));
                budget -= updateCost(row, withFilters);
                state = StreamState {row, row, false};
            } else if (!state.row.sameFigures(row)) {
                state.latest = row;
                state.dirty = true;
            }
            ++told;
        }
        while (told != m_streams.end()) {
            removed.append(qint64(told->first));
            told = m_streams.erase(told);
        }
    }
    // Counters that only moved: round robin from where the last budget ran out.
    if (!m_streams.empty()) {
        auto it = m_streams.lower_bound(m_streamCursor);
        for (size_t n = 0; n < m_streams.size() && budget > 0; ++n, ++it) {
            if (it == m_streams.end())
                it = m_streams.begin();
            StreamState &state = it->second;
            if (!state.dirty)
                continue;
            updated.append(streamUpdate(state.latest, false));
            budget -= updateCost(state.latest, false);
            state.row = state.latest;
            state.dirty = false;
        }
        m_streamCursor = it == m_streams.end() ? 0 : it->first;
    }

    // Filters: every change (they move when subscriptions do, not with traffic).
    QJsonArray filtersSet;
    QJsonArray filtersGone;
    {
        std::map<QByteArray, FilterRow> next;
        for (const FilterRow &f : s.filters) {
            auto old = m_filters.find(f.filter);
            if (old == m_filters.end() || !sameFilter(old->second, f))
                filtersSet.append(filterJson(f));
            next.emplace(f.filter, f);
        }
        for (const auto &[filter, row] : m_filters) {
            if (!next.count(filter))
                filtersGone.append(bytes(filter));
        }
        m_filters = std::move(next);
    }

    // Topics: new and gone at once, figures within what is left of the budget.
    QJsonArray topicsSet;
    QJsonArray topicsGone;
    {
        auto told = m_topics.begin();
        for (const TopicRow &row : s.topics) {
            while (told != m_topics.end() && told->first < row.topic) {
                topicsGone.append(bytes(told->first));
                told = m_topics.erase(told);
            }
            if (told == m_topics.end() || told->first != row.topic) {
                topicsSet.append(topicJson(row));
                budget -= 64 + row.topic.size() + row.preview.size();
                m_topics.emplace_hint(told, row.topic, TopicState {row, false, {}});
                continue;
            }
            if (told->second.row.events != row.events) {
                told->second.pending = row;
                told->second.dirty = true;
            }
            ++told;
        }
        while (told != m_topics.end()) {
            topicsGone.append(bytes(told->first));
            told = m_topics.erase(told);
        }
        if (!m_topics.empty()) {
            auto it = m_topics.lower_bound(m_topicCursor);
            for (size_t n = 0; n < m_topics.size() && budget > 0; ++n, ++it) {
                if (it == m_topics.end())
                    it = m_topics.begin();
                TopicState &state = it->second;
                if (!state.dirty)
                    continue;
                topicsSet.append(topicJson(state.pending));
                budget -= 64 + state.pending.topic.size() + state.pending.preview.size();
                state.row = state.pending;
                state.dirty = false;
            }
            m_topicCursor = it == m_topics.end() ? QByteArray() : it->first;
        }
    }

    // Log: every entry not told yet (a console that attaches again is sent the kept log again).
    QJsonArray log;
    for (const LogEntry &entry : s.log) {
        if (entry.seq != 0 && entry.seq <= m_lastLogSeq)
            continue;
        m_lastLogSeq = qMax(m_lastLogSeq, entry.seq);
        log.append(logJson(entry));
        m_log.push_back(entry);
        m_logBytes += entry.bytes();
        while (!m_log.empty()
               && (qsizetype(m_log.size()) > m_options.snapshotLogEntries
                   || m_logBytes > m_options.snapshotLogBytes)) {
            m_logBytes -= m_log.front().bytes();
            m_log.pop_front();
        }
    }

    m_toldFigures = delta.value(key("figures")).toObject();

    if (!added.isEmpty())
        delta.insert(key("added"), added);
    if (!removed.isEmpty())
        delta.insert(key("removed"), removed);
    if (!updated.isEmpty())
        delta.insert(key("updated"), updated);
    if (!filtersSet.isEmpty() || !filtersGone.isEmpty())
        delta.insert(key("filters"),
                     QJsonObject {{key("set"), filtersSet}, {key("removed"), filtersGone}});
    if (!topicsSet.isEmpty() || !topicsGone.isEmpty())
        delta.insert(key("topics"),
                     QJsonObject {{key("set"), topicsSet}, {key("removed"), topicsGone}});
    if (!log.isEmpty())
        delta.insert(key("log"), log);
    m_full.clear();
    return QJsonDocument(delta).toJson(QJsonDocument::Compact);
}

QByteArray FeedEncoder::fullSnapshot()
{
    if (!m_full.isEmpty() && m_fullSeq == m_seq)
        return m_full;
    QJsonObject o;
    o.insert(key("epoch"), QString::fromLatin1(m_epoch));
    o.insert(key("seq"), qint64(m_seq));
    o.insert(key("figures"), m_toldFigures);
    QJsonArray streams;
    for (const auto &[id, state] : m_streams)
        streams.append(streamJson(state.row));
    o.insert(key("streams"), streams);
    QJsonArray filters;
    for (const auto &[filter, row] : m_filters)
        filters.append(filterJson(row));
    o.insert(key("filters"), filters);
    QJsonArray topics;
    for (const auto &[topic, state] : m_topics)
        topics.append(topicJson(state.row));
    o.insert(key("topics"), topics);
    QJsonArray log;
    for (const LogEntry &entry : m_log)
        log.append(logJson(entry));
    o.insert(key("log"), log);
    o.insert(key("log_seq"), qint64(m_lastLogSeq));
    m_full = QJsonDocument(o).toJson(QJsonDocument::Compact);
    m_fullSeq = m_seq;
    return m_full;
}

// --- Decoder --------------------------------------------------------------------------------

void FeedDecoder::reset()
{
    *this = FeedDecoder();
}

bool FeedDecoder::apply(const QByteArray &type, const QByteArray &data, const QByteArray &id,
                        QString *error)
{
    if (type == "feed") {
        const QJsonObject o = QJsonDocument::fromJson(data).object();
        m_feedId = bytesOf(o.value(key("feed")));
        return true;
    }
    if (type != "snapshot" && type != "delta" && type != "tail")
        return true; // a newer server's event: not ours to read
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("the %1 event is not a JSON object (%2)")
                     .arg(QString::fromLatin1(type), parseError.errorString());
        return false;
    }
    const QJsonObject o = doc.object();
    if (type == "tail") {
        for (const QJsonValue &v : o.value(key("events")).toArray()) {
            if (m_newTail.size() < 10000)
                m_newTail.append(eventRowFromJson(v.toObject()));
            else
                ++m_newTailDropped;
        }
        m_newTailDropped += u64(o.value(key("dropped")));
        m_state.tailFilter = bytesOf(o.value(key("filter")));
        return true;
    }
    FeedPosition position;
    if (!FeedPosition::fromId(id, &position)) {
        *error = QStringLiteral("the %1 event has no valid id").arg(QString::fromLatin1(type));
        return false;
    }
    if (type == "snapshot") {
        if (quint64(o.value(key("seq")).toDouble()) != position.seq) {
            *error = QStringLiteral("the snapshot's id and position differ");
            return false;
        }
        if (position.epoch != m_position.epoch) {
            m_lastLogSeq = 0; // another run of the server: its log starts again
            m_logGap = 0;
        }
        if (!applySnapshot(o, error))
            return false;
    } else {
        if (!m_have || position.epoch != m_position.epoch || position.seq != m_position.seq + 1
            || quint64(o.value(key("seq")).toDouble()) != position.seq) {
            *error = QStringLiteral("a delta that does not follow %1 (got %2)")
                         .arg(QString::fromLatin1(m_position.toId()), QString::fromLatin1(id));
            return false;
        }
        if (!applyDelta(o, error))
            return false;
    }
    m_position = position;
    m_have = true;
    return true;
}

bool FeedDecoder::applySnapshot(const QJsonObject &o, QString *error)
{
    std::map<quint64, StreamRow> streams;
    for (const QJsonValue &v : o.value(key("streams")).toArray()) {
        StreamRow row;
        if (!streamFromJson(v.toObject(), &row)) {
            *error = QStringLiteral("a stream of the snapshot is malformed");
            return false;
        }
        streams.emplace(row.id, std::move(row));
    }
    m_streams = std::move(streams);
    m_filters.clear();
    for (const QJsonValue &v : o.value(key("filters")).toArray()) {
        const QJsonArray a = v.toArray();
        m_filters[bytesOf(a.at(0))]
            = FilterRow {bytesOf(a.at(0)), a.at(1).toInt(), a.at(2).toInt(), a.at(3).toInt()};
    }
    m_topics.clear();
    for (const QJsonValue &v : o.value(key("topics")).toArray()) {
        TopicRow row = topicFromJson(v.toArray());
        m_topics[row.topic] = std::move(row);
    }
    figuresFromJson(o.value(key("figures")).toObject(), &m_state);
    // Entries the console has not seen; a gap when the first of them is beyond the next one.
    const QJsonArray log = o.value(key("log")).toArray();
    if (m_have && !log.isEmpty()) {
        const quint64 first = u64(log.first().toObject().value(key("seq")));
        if (first > m_lastLogSeq + 1)
            m_logGap += first - m_lastLogSeq - 1;
    }
    applyLog(log);
    m_lastLogSeq = qMax(m_lastLogSeq, u64(o.value(key("log_seq"))));
    return true;
}

bool FeedDecoder::applyDelta(const QJsonObject &o, QString *error)
{
    // Checked first, so that a malformed delta changes nothing.
    std::vector<StreamRow> added;
    for (const QJsonValue &v : o.value(key("added")).toArray()) {
        StreamRow row;
        if (!streamFromJson(v.toObject(), &row)) {
            *error = QStringLiteral("an added stream is malformed");
            return false;
        }
        added.push_back(std::move(row));
    }
    const QJsonArray updated = o.value(key("updated")).toArray();
    for (const QJsonValue &v : updated) {
        StreamRow::State state;
        if (v.toArray().size() < 8 || !stateFromName(v.toArray().at(5).toString(), &state)) {
            *error = QStringLiteral("a stream update is malformed");
            return false;
        }
    }
    figuresFromJson(o.value(key("figures")).toObject(), &m_state);
    for (const QJsonValue &v : o.value(key("removed")).toArray())
        m_streams.erase(u64(v));
    for (StreamRow &row : added)
        m_streams[row.id] = std::move(row);
    for (const QJsonValue &v : updated) {
        const QJsonArray a = v.toArray();
        auto it = m_streams.find(u64(a.at(0)));
        if (it == m_streams.end())
            continue;
        StreamRow &row = it->second;
        row.eventsSent = u64(a.at(1));
        row.bytesSent = u64(a.at(2));
        row.bytesQueued = qint64(a.at(3).toDouble());
        row.lastProgressMs = qint64(a.at(4).toDouble());
        stateFromName(a.at(5).toString(), &row.state);
        row.pausedFilters = a.at(6).toInt();
        if (a.at(7).isString())
            row.filters = bytesOf(a.at(7));
    }
    const QJsonObject filters = o.value(key("filters")).toObject();
    for (const QJsonValue &v : filters.value(key("removed")).toArray())
        m_filters.erase(bytesOf(v));
    for (const QJsonValue &v : filters.value(key("set")).toArray()) {
        const QJsonArray a = v.toArray();
        m_filters[bytesOf(a.at(0))]
            = FilterRow {bytesOf(a.at(0)), a.at(1).toInt(), a.at(2).toInt(), a.at(3).toInt()};
    }
    const QJsonObject topics = o.value(key("topics")).toObject();
    for (const QJsonValue &v : topics.value(key("removed")).toArray())
        m_topics.erase(bytesOf(v));
    for (const QJsonValue &v : topics.value(key("set")).toArray()) {
        TopicRow row = topicFromJson(v.toArray());
        m_topics[row.topic] = std::move(row);
    }
    applyLog(o.value(key("log")).toArray());
    return true;
}

void FeedDecoder::applyLog(const QJsonArray &entries)
{
    for (const QJsonValue &v : entries) {
        LogEntry entry;
        if (!logFromJson(v.toObject(), &entry))
            continue;
        if (entry.seq != 0 && entry.seq <= m_lastLogSeq)
            continue; // told before this reconnect
        m_lastLogSeq = qMax(m_lastLogSeq, entry.seq);
        m_newLog.append(std::move(entry));
    }
}

SnapshotPtr FeedDecoder::take()
{
    if (!m_have)
        return {};
    auto s = std::make_shared<ConsoleSnapshot>(m_state);
    s->connections.reserve(m_streams.size());
    for (const auto &[id, row] : m_streams)
        s->connections.push_back(row);
    s->filters.reserve(m_filters.size());
    for (const auto &[filter, row] : m_filters)
        s->filters.push_back(row);
    s->topics.reserve(m_topics.size());
    for (const auto &[topic, row] : m_topics)
        s->topics.push_back(row);
    s->log = std::exchange(m_newLog, {});
    s->tail = std::exchange(m_newTail, {});
    s->tailDropped = std::exchange(m_newTailDropped, 0);
    return s;
}

// --- Shared values --------------------------------------------------------------------------

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
