#include "eventhistory.h"

#include <algorithm>

namespace ssehub {

EventHistory::EventHistory(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(capacity, 0))
{
}

void EventHistory::setCapacity(qsizetype capacity)
{
    m_capacity = std::max<qsizetype>(capacity, 0);
    trim();
}

void EventHistory::append(EventPtr event)
{
    Q_ASSERT(event);
    Q_ASSERT(m_events.empty() || event->id > m_events.back()->id);
    if (m_capacity == 0) {
        m_horizon = event->id;
        return;
    }
    m_events.push_back(std::move(event));
    trim();
}

qsizetype EventHistory::indexAfter(quint64 id) const
{
    const auto it
        = std::upper_bound(m_events.begin(), m_events.end(), id,
                           [](quint64 value, const EventPtr &e) { return value < e->id; });
    return qsizetype(it - m_events.begin());
}

void EventHistory::trim()
{
    while (qsizetype(m_events.size()) > m_capacity) {
        m_horizon = m_events.front()->id;
        m_events.pop_front();
    }
}

} // namespace ssehub
