#pragma once

#include "api/snapshot.h"

#include <memory>

namespace ssehub {

struct Event;
class Hub;
class TopicActivity;

// The console's copy of an event: values only, so that nothing of the event (its lazily encoded
// frame) is read on the GUI thread.
EventRow eventRow(const Event &event);

// The console's figures as a value (ConsoleSnapshot, StreamDetail), read on the engine thread
// from the hub's streams and clients and the per-topic figures. GET /stats and /metrics read
// the same figures. Keeps nothing between calls; what changes between snapshots (the revision,
// the log, the tail) is the engine's to add.
class SnapshotBuilder
{
public:
    // A row's texts are cut to these (with a marker saying how much was left out).
    static constexpr qsizetype MaxUserAgentBytes = 256;
    static constexpr qsizetype MaxFiltersBytes = 1024;
    // Topics whose subscribers are counted per snapshot, the most recently active first, and
    // the index entries the counting may visit in all: beyond either, a topic's count is -1.
    static constexpr int MaxCountedTopics = 2000;
    static constexpr qint64 MaxCountingVisits = 400000;

    // hub may be null (an engine not started): the figures are then empty.
    SnapshotBuilder(const Hub *hub, const TopicActivity &topics);

    // withStreams: one row per live stream too (the console, /stats?streams=1).
    std::shared_ptr<ConsoleSnapshot> build(const EngineStats &stats, bool withStreams) const;
    // One stream closely: its subscriptions and the newest events it was sent.
    StreamDetail streamDetail(quint64 streamId) const;

private:
    // Fills each row's subscribers and streams (TopicRow), within the budget.
    void countSubscribers(std::vector<TopicRow> *topics) const;

    const Hub *m_hub;
    const TopicActivity &m_topics;
};

} // namespace ssehub
