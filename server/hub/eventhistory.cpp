#include "hub/eventhistory.h"

#include "core/clock.h"

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

void EventHistory::setMaxAge(qint64 ms)
{
    m_maxAgeMs = std::max<qint64>(ms, 0);
}

qsizetype EventHistory::expire(qint64 nowMs)
{
    if (m_maxAgeMs <= 0)
        return 0;
    const qint64 cutoff = nowMs - m_maxAgeMs;
    qsizetype gone = 0;
    while (!m_events.empty() && m_events.front()->timestamp < cutoff) {
        evictOldest(Eviction::Age);
        ++gone;
    }
    return gone;
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
        m_evicted[int(Eviction::Bytes)] += m_events.size() + (m_capacity == 0 ? 0 : 1);
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
    if (m_maxAgeMs > 0)
        expire(Clock::wallMs());
}

qsizetype EventHistory::indexAfter(quint64 id) const
{
    const auto it
        = std::upper_bound(m_events.begin(), m_events.end(), id,
                           [](quint64 value, const EventPtr &e) { return value < e->id; });
    return qsizetype(it - m_events.begin());
}

HistoryPage EventHistory::read(const HistoryQuery &query, const TopicFilter &filter) const
{
    HistoryPage page;
    page.retainedEvents = size();
    page.retainedBytes = m_bytes;
    page.maxEvents = m_capacity;
    page.maxBytes = m_byteLimit;
    page.ttlMs = m_maxAgeMs;
    if (m_horizon)
        page.horizon = formatEventId(m_horizon);
    if (!m_events.empty()) {
        page.oldestId = m_events.front()->idText();
        page.newestId = m_events.back()->idText();
    }
    // The positions within the id bounds: [begin, end).
    const qsizetype begin = query.hasAfter ? indexAfter(query.after) : 0;
    const qsizetype end = !query.hasBefore ? size()
        : query.before == 0                ? 0
                                           : indexAfter(query.before - 1);
    auto wanted = [&](const Event &e) {
        return (query.sinceMs < 0 || e.timestamp >= query.sinceMs)
            && (query.untilMs < 0 || e.timestamp < query.untilMs) && filter.matches(e.topic);
    };
    qint64 bytes = 0;
    // Takes a matching event; false when the page is full (another match exists: a next page).
    auto take = [&](const Event &e) {
        const qint64 cost = e.envelope.size() + 1;
        if (page.events.size() >= qBound(1, query.limit, HistoryQuery::MaxLimit))
            return false;
        if (!page.events.isEmpty() && bytes + cost > HistoryQuery::MaxPageBytes) {
            page.truncated = true;
            return false;
        }
        bytes += cost;
        page.events.append(EventRow {e.idText(), e.topic, e.type, e.payload, e.timestamp});
        return true;
    };
    if (query.descending) {
        for (qsizetype i = end - 1; i >= begin; --i) {
            const Event &e = *at(i);
            if (wanted(e) && !take(e)) {
                page.next = page.events.constLast().id;
                break;
            }
        }
    } else {
        for (qsizetype i = begin; i < end; ++i) {
            const Event &e = *at(i);
            if (wanted(e) && !take(e)) {
                page.next = page.events.constLast().id;
                break;
            }
        }
    }
    return page;
}

void EventHistory::evictOldest(Eviction reason)
{
    ++m_evicted[int(reason)];
    m_horizon = m_events.front()->id;
    m_bytes -= m_costs.front();
    m_events.pop_front();
    m_costs.pop_front();
}

void EventHistory::trim()
{
    while (!m_events.empty() && (qsizetype(m_events.size()) > m_capacity || m_bytes > m_byteLimit))
        evictOldest(qsizetype(m_events.size()) > m_capacity ? Eviction::Capacity : Eviction::Bytes);
}

} // namespace ssehub
