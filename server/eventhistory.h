#pragma once

#include "event.h"

#include <deque>

namespace ssehub {

// The retained recent events, oldest first, bounded by a count. Ids increase monotonically.
class EventHistory
{
public:
    explicit EventHistory(qsizetype capacity = 10000);

    void setCapacity(qsizetype capacity);
    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return qsizetype(m_events.size()); }
    bool isEmpty() const { return m_events.empty(); }

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

private:
    void trim();

    std::deque<EventPtr> m_events;
    qsizetype m_capacity;
    quint64 m_horizon = 0;
};

} // namespace ssehub
