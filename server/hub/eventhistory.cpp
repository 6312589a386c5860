#include "hub/eventhistory.h"

#include <algorithm>

namespace ssehub {

EventHistory::EventHistory(qsizetype capacity, qint64 byteLimit)
    : m_capacity(std::max<qsizetype>(capacity, 0))
    , m_byteLimit(std::max<qint64>(byteLimit, 0))
{
}

void EventHistory::setCapacity(qsizetype capacity)
{
    m_capacity = std::max<qsizetype>(capacity, 0);
    trim();
}

qint64 EventHistory::costOf(const Event &event)
{
    // Heap blocks of the Event (make_shared: one block with the control block) and of each
    // non-empty byte array (a header before the data); the payload-only frame is about the
    // payload plus the id and type lines.
    constexpr qint64 objectOverhead = qint64(sizeof(Event)) + 32;
    constexpr qint64 arrayOverhead = 32;
    const qint64 payloadFrame = event.payload.size() + event.type.size() + 48;
    return objectOverhead + 6 * arrayOverhead + event.topic.size() + event.type.size()
        + event.payload.size() + event.envelope.size() + event.frame.size() + payloadFrame;
}

void EventHistory::append(EventPtr event)
{
    Q_ASSERT(event);
    Q_ASSERT(m_events.empty() || event->id > m_events.back()->id);
    const qint64 cost = costOf(*event);
    if (m_capacity == 0 || cost > m_byteLimit) {
        // Not kept, and nothing before it either: the history stays gap-free.
        m_events.clear();
        m_costs.clear();
        m_bytes = 0;
        m_horizon = event->id;
        return;
    }
    m_events.push_back(std::move(event));
    m_costs.push_back(cost);
    m_bytes += cost;
    trim();
}

qsizetype EventHistory::indexAfter(quint64 id) const
{
    const auto it
        = std::upper_bound(m_events.begin(), m_events.end(), id,
                           [](quint64 value, const EventPtr &e) { return value < e->id; });
    return qsizetype(it - m_events.begin());
}

void EventHistory::evictOldest()
{
    m_horizon = m_events.front()->id;
    m_bytes -= m_costs.front();
    m_events.pop_front();
    m_costs.pop_front();
}

void EventHistory::trim()
{
    while (!m_events.empty() && (qsizetype(m_events.size()) > m_capacity || m_bytes > m_byteLimit))
        evictOldest();
}

} // namespace ssehub
