#include "snapshotmerger.h"

#include <algorithm>
#include <utility>

namespace ssehub {

void SnapshotMerger::add(const QString &node, const SnapshotPtr &snapshot)
{
    if (!snapshot)
        return;
    Node &n = m_nodes[node];
    n.latest = snapshot;
    n.log += snapshot->log;
    n.tail += snapshot->tail;
    n.tailDropped += snapshot->tailDropped;
    // Bounded while nothing is taken (the GUI is behind): the newest entries are the ones kept,
    // as the log model itself keeps them.
    constexpr qsizetype MaxPending = 50000;
    if (n.log.size() > MaxPending)
        n.log.remove(0, n.log.size() - MaxPending);
    if (n.tail.size() > MaxPending) {
        n.tailDropped += quint64(n.tail.size() - MaxPending);
        n.tail.remove(0, n.tail.size() - MaxPending);
    }
}

void SnapshotMerger::drop(const QString &node)
{
    m_nodes.erase(node);
}

int SnapshotMerger::streams(const QString &node) const
{
    const auto it = m_nodes.find(node);
    return it == m_nodes.end() || !it->second.latest ? 0
                                                     : int(it->second.latest->connections.size());
}

SnapshotPtr SnapshotMerger::take(const QString &attached)
{
    const auto self = m_nodes.find(attached);
    if (self == m_nodes.end() || !self->second.latest)
        return {};
    const ConsoleSnapshot &a = *self->second.latest;
    auto out = std::make_shared<ConsoleSnapshot>();
    out->revision = ++m_revision;
    out->stats = a.stats;
    out->monotonicMs = a.monotonicMs;
    out->wallMs = a.wallMs;
    out->heartbeatMs = a.heartbeatMs;
    out->maxQueueBytes = a.maxQueueBytes;
    out->tailFilter = a.tailFilter;
    // Each instance fetches its own key set and asks the hook itself: the attached one's.
    out->identity = a.identity;

    EngineStats &t = out->stats;
    t.connections = t.clients = 0;
    t.connectionsOpened = t.eventsPublished = t.eventsDelivered = t.slowConsumerCloses = 0;
    t.deadCloses = t.requests = t.rejectedRequests = t.authFailures = 0;
    t.connectionLimitRejections = t.rateLimitRejections = 0;
    t.brokerReady = true;
    size_t rows = 0;
    for (const auto &[id, n] : m_nodes)
        rows += n.latest ? n.latest->connections.size() : 0;
    out->connections.reserve(rows);
    std::map<QByteArray, FilterRow> filters;
    std::map<QByteArray, TopicRow> topics;
    for (auto &[id, n] : m_nodes) {
        if (!n.latest)
            continue;
        const ConsoleSnapshot &s = *n.latest;
        const EngineStats &f = s.stats;
        t.connections += f.connections;
        // Clients, their subscriptions and the events on a topic are the cluster's, shared
        // through Redis: every node counts the same ones, so the largest count stands.
        t.clients = qMax(t.clients, f.clients);
        t.connectionsOpened += f.connectionsOpened;
        t.eventsPublished += f.eventsPublished;
        t.eventsDelivered += f.eventsDelivered;
        t.slowConsumerCloses += f.slowConsumerCloses;
        t.deadCloses += f.deadCloses;
        t.requests += f.requests;
        t.rejectedRequests += f.rejectedRequests;
        t.authFailures += f.authFailures;
        t.connectionLimitRejections += f.connectionLimitRejections;
        t.rateLimitRejections += f.rateLimitRejections;
        t.brokerReady = t.brokerReady && f.brokerReady;
        out->clients = qMax(out->clients, s.clients);
        out->bytesOut += s.bytesOut;
        out->eventsReplayed += s.eventsReplayed;
        out->resetsSent += s.resetsSent;
        out->heartbeatsSent += s.heartbeatsSent;
        for (int i = 0; i < 4; ++i)
            out->subscriptions[i] = qMax(out->subscriptions[i], s.subscriptions[i]);

        // Each node's monotonic clock is its own: silence is carried over as that node saw it.
        const qint64 shift = a.monotonicMs - s.monotonicMs;
        for (const StreamRow &row : s.connections) {
            out->connections.push_back(row);
            StreamRow &copy = out->connections.back();
            copy.node = id;
            copy.lastProgressMs += shift;
        }
        for (const FilterRow &row : s.filters) {
            FilterRow &sum = filters[row.filter];
            sum.filter = row.filter;
            sum.active = qMax(sum.active, row.active);
            sum.paused = qMax(sum.paused, row.paused);
            sum.streams += row.streams; // live streams are each node's own
        }
        for (const TopicRow &row : s.topics) {
            auto [it, fresh] = topics.try_emplace(row.topic, row);
            if (fresh)
                continue;
            TopicRow &sum = it->second;
            sum.events = qMax(sum.events, row.events);
            // Clients are the cluster's (the largest count stands), live streams each node's.
            sum.subscribers = qMax(sum.subscribers, row.subscribers);
            if (row.streams >= 0)
                sum.streams = qMax(sum.streams, 0) + row.streams;
            if (row.lastEventAt > sum.lastEventAt) {
                sum.lastEventAt = row.lastEventAt;
                sum.lastType = row.lastType;
                sum.preview = row.preview;
            }
        }
        for (LogEntry &entry : n.log)
            entry.node = id;
        out->log += std::exchange(n.log, {});
        if (id == attached) {
            out->tail = std::exchange(n.tail, {});
            out->tailDropped = std::exchange(n.tailDropped, 0);
        } else {
            // The attached instance receives every node's events for its tail.
            n.tail.clear();
            n.tailDropped = 0;
        }
    }
    out->filters.reserve(filters.size());
    for (auto &[key, row] : filters)
        out->filters.push_back(std::move(row));
    out->topics.reserve(topics.size());
    for (auto &[key, row] : topics)
        out->topics.push_back(std::move(row));
    // In time order across nodes (each node's own order kept for entries of the same time).
    std::stable_sort(out->log.begin(), out->log.end(),
                     [](const LogEntry &x, const LogEntry &y) { return x.time < y.time; });
    return out;
}

} // namespace ssehub
