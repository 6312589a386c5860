#include "observe/snapshotbuilder.h"

#include "core/clock.h"
#include "hub/hub.h"
#include "observe/topicactivity.h"
#include "stream/ssestream.h"

#include <algorithm>

namespace ssehub {

SnapshotBuilder::SnapshotBuilder(const Hub *hub, const TopicActivity &topics)
    : m_hub(hub)
    , m_topics(topics)
{
}

std::shared_ptr<ConsoleSnapshot> SnapshotBuilder::build(const EngineStats &stats,
                                                        bool withStreams) const
{
    auto snapshot = std::make_shared<ConsoleSnapshot>();
    if (!m_hub)
        return snapshot;
    snapshot->revision = stats.revision;
    snapshot->stats = stats;
    snapshot->monotonicMs = Clock::monotonicMs();
    snapshot->wallMs = Clock::wallMs();
    snapshot->heartbeatMs = m_hub->streamOptions().heartbeatMs;
    snapshot->maxQueueBytes = m_hub->streamOptions().maxQueueBytes;
    snapshot->clients = m_hub->clientCount();
    snapshot->heartbeatsSent = m_hub->counters().heartbeatsSent;

    QList<const SseStream *> connections = m_hub->streams();
    if (withStreams) {
        // Rows are made in id order: pointers are cheaper to sort than rows.
        std::sort(connections.begin(), connections.end(),
                  [](const SseStream *a, const SseStream *b) { return a->id() < b->id(); });
        snapshot->connections.reserve(size_t(connections.size()));
    }
    quint64 bytesOut = m_hub->counters().bytesOfClosedStreams;
    quint64 replayed = m_hub->counters().replayedOfClosedStreams;
    quint64 resets = m_hub->counters().resetsOfClosedStreams;
    qint64 queued = 0;
    for (const SseStream *c : connections) {
        queued += c->bytesQueued();
        replayed += c->eventsReplayed();
        resets += c->resetsSent();
        bytesOut += c->bytesSent();
        if (!withStreams)
            continue;
        StreamRow row;
        row.id = c->id();
        row.clientId = c->client()->id;
        row.remote = c->remote();
        // Bounded, so that a snapshot (and the console feed) stays small whatever clients send.
        row.userAgent = c->userAgent();
        if (row.userAgent.size() > MaxUserAgentBytes)
            row.userAgent
                = LogEntry::clipped(QString::fromUtf8(row.userAgent), MaxUserAgentBytes).toUtf8();
        row.filters = c->filters().join(' ');
        if (row.filters.size() > MaxFiltersBytes)
            row.filters = LogEntry::listText(c->filters(), MaxFiltersBytes).toUtf8();
        for (const Subscription &s : c->client()->subscriptions)
            row.pausedFilters += s.state == Subscription::State::Paused ? 1 : 0;
        row.connectedAt = c->connectedAt();
        row.eventsSent = c->eventsSent();
        row.bytesSent = c->bytesSent();
        row.bytesQueued = c->bytesQueued();
        row.lastProgressMs = c->lastProgressMs();
        const bool stalled = row.bytesQueued > 0
            && snapshot->monotonicMs - row.lastProgressMs >= snapshot->heartbeatMs;
        row.state = c->state() == SseStream::State::Closed ? StreamRow::State::Closing
            : c->state() == SseStream::State::Replaying    ? StreamRow::State::Replaying
            : stalled || row.bytesQueued >= snapshot->maxQueueBytes / 4 ? StreamRow::State::Slow
                                                                        : StreamRow::State::Live;
        snapshot->connections.push_back(std::move(row));
    }
    snapshot->bytesOut = bytesOut;
    snapshot->eventsReplayed = replayed;
    snapshot->resetsSent = resets;
    snapshot->stats.queuedBytes = queued;

    QHash<QByteArray, FilterRow> filters;
    int *byState = snapshot->subscriptions;
    m_hub->forEachClient([&filters, byState](const Client &client) {
        for (const Subscription &s : client.subscriptions) {
            ++byState[int(s.state)];
            if (s.state != Subscription::State::Active && s.state != Subscription::State::Paused)
                continue;
            FilterRow &row = filters[s.filter.text()];
            if (s.state == Subscription::State::Active) {
                ++row.active;
                row.streams += int(client.streams.size());
            } else {
                ++row.paused;
            }
        }
    });
    snapshot->filters.reserve(size_t(filters.size()));
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        it->filter = it.key();
        snapshot->filters.push_back(*it);
    }
    std::sort(snapshot->filters.begin(), snapshot->filters.end(),
              [](const FilterRow &a, const FilterRow &b) { return a.filter < b.filter; });
    snapshot->topics = m_topics.topicRows();
    countSubscribers(&snapshot->topics);

    return snapshot;
}

void SnapshotBuilder::countSubscribers(std::vector<TopicRow> *topics) const
{
    // The most recently active topics first, while the budget lasts.
    std::vector<TopicRow *> order;
    order.reserve(topics->size());
    for (TopicRow &row : *topics)
        order.push_back(&row);
    const size_t counted = std::min(order.size(), size_t(MaxCountedTopics));
    std::partial_sort(
        order.begin(), order.begin() + qsizetype(counted), order.end(),
        [](const TopicRow *a, const TopicRow *b) { return a->lastEventAt > b->lastEventAt; });
    qint64 visited = 0;
    for (size_t i = 0; i < counted && visited < MaxCountingVisits; ++i)
        m_hub->countMatching(order[i]->topic, &order[i]->subscribers, &order[i]->streams, &visited);
}

EventRow eventRow(const Event &event)
{
    return {event.idText(), event.topic, event.type, event.payload, event.timestamp};
}

StreamDetail SnapshotBuilder::streamDetail(quint64 streamId) const
{
    StreamDetail detail;
    detail.id = streamId;
    const SseStream *c = m_hub ? m_hub->stream(streamId) : nullptr;
    if (c) {
        detail.found = true;
        detail.clientId = c->client()->id;
        for (const Subscription &s : c->client()->subscriptions)
            detail.subscriptions.append(
                {s.filter.text(), Subscription::stateName(s.state), s.expiresAt});
        const qint64 since = c->connectedAt();
        const QList<EventPtr> recent = m_topics.recentEvents(20, [c, since](const Event &event) {
            return event.timestamp >= since && event.id <= c->lastSentId()
                && c->client()->matchesActive(event.topic);
        });
        for (const EventPtr &event : recent)
            detail.recentEvents.append(eventRow(*event));
    }
    return detail;
}

} // namespace ssehub
