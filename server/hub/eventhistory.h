#pragma once

#include "api/historyquery.h"
#include "proto/event.h"
#include "proto/topicfilter.h"

#include <deque>

namespace ssehub {

// The retained recent events, oldest first, bounded by a count, by the bytes they hold and
// optionally by their age; the oldest go first when a bound is passed. Ids increase
// monotonically.
class EventHistory
{
public:
    static constexpr qint64 DefaultByteLimit = 64LL * 1024 * 1024;

    // Why events left the history (evicted()).
    enum class Eviction { Capacity, Bytes, Age, Count_ };

    explicit EventHistory(qsizetype capacity = 10000, qint64 byteLimit = DefaultByteLimit);

    void setCapacity(qsizetype capacity);
    qsizetype capacity() const { return m_capacity; }
    qint64 byteLimit() const { return m_byteLimit; }
    // --history-ttl: events published more than this long ago go (0: no age bound). They go on
    // append() and expire(), which the owner calls from a timer (nothing here runs by itself).
    void setMaxAge(qint64 ms);
    qint64 maxAgeMs() const { return m_maxAgeMs; }
    // Evicts the events published before nowMs - maxAgeMs() (Event::timestamp, the oldest
    // first), moving the horizon as any eviction does. Returns how many went.
    qsizetype expire(qint64 nowMs);
    // Events evicted since this history was made, by reason (an event too large to keep and
    // what it pushed out count as Bytes).
    quint64 evicted(Eviction reason) const { return m_evicted[int(reason)]; }
    qsizetype size() const { return qsizetype(m_events.size()); }
    // What the retained events hold, as counted by costOf().
    qint64 bytes() const { return m_bytes; }
    bool isEmpty() const { return m_events.empty(); }

    // The memory an event holds while retained: its texts and frames, the payload-only frame a
    // format=payload stream makes it build (counted whether built or not), and the fixed
    // overhead of the object, its control block and its byte arrays.
    static qint64 costOf(const Event &event);

    // Appends the newest event, and evicts what passed a bound (the age against
    // Clock::wallMs()). An event that alone costs more than the byte limit is not kept, and
    // neither is anything older: a client resuming before it is told about the gap.
    void append(EventPtr event);
    EventPtr oldest() const { return m_events.empty() ? nullptr : m_events.front(); }
    EventPtr newest() const { return m_events.empty() ? nullptr : m_events.back(); }

    // Every event with an id <= horizon() was either evicted or never existed in this history;
    // a client that has seen up to id X misses nothing iff X >= horizon().
    quint64 horizon() const { return m_horizon; }
    void setHorizon(quint64 id) { m_horizon = id; }

    // Position of the first retained event with an id greater than `id`.
    qsizetype indexAfter(quint64 id) const;
    const EventPtr &at(qsizetype index) const { return m_events[size_t(index)]; }

    // One page of the retained events that match `filter` (the query's, parsed) and the
    // query's bounds, in its order; with the history's figures (GET /history). Costs at most
    // one look at every retained event, and a page of at most HistoryQuery::MaxPageBytes.
    HistoryPage read(const HistoryQuery &query, const TopicFilter &filter) const;

private:
    void trim();
    void evictOldest(Eviction reason);

    std::deque<EventPtr> m_events;
    std::deque<qint64> m_costs; // parallel to m_events
    qsizetype m_capacity;
    qint64 m_byteLimit;
    qint64 m_maxAgeMs = 0;
    qint64 m_bytes = 0;
    quint64 m_horizon = 0;
    quint64 m_evicted[int(Eviction::Count_)] = {};
};

} // namespace ssehub
