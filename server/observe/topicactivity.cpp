#include "observe/topicactivity.h"

#include <algorithm>

namespace ssehub {

void TopicActivity::observe(const EventPtr &event)
{
    auto it = m_topics.find(event->topic);
    if (it == m_topics.end()) {
        if (m_topics.size() >= MaxTopics) {
            // Forget the quieter half rather than grow without bound.
            QList<qint64> times;
            times.reserve(m_topics.size());
            for (const Figures &topic : std::as_const(m_topics))
                times.append(topic.last->timestamp);
            std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
            const qint64 cut = times.at(times.size() / 2);
            m_topics.removeIf(
                [cut](const auto &entry) { return entry.value().last->timestamp <= cut; });
        }
        it = m_topics.insert(event->topic, Figures());
    }
    // The event is kept, not copied: type and preview are read from it when a snapshot is made.
    ++it->events;
    it->last = event;
    if (!m_watched)
        return;
    m_recent.push_back(event);
    if (m_recent.size() > RecentEvents)
        m_recent.pop_front();
    for (auto &[owner, tail] : m_tails) {
        if (!tail.filter.matches(event->topic))
            continue;
        if (tail.events.size() < TailPerSnapshot
            && tail.bytes + event->payload.size() <= TailBytesPerSnapshot) {
            tail.events.append(event);
            tail.bytes += event->payload.size();
        } else {
            ++tail.dropped;
        }
    }
}

void TopicActivity::setWatched(bool watched)
{
    m_watched = watched;
    m_recent.clear();
    m_tails.clear();
}

bool TopicActivity::setTailFilter(quint64 owner, std::optional<TopicFilter> filter)
{
    m_tails.erase(owner);
    if (!filter)
        return true;
    if (m_tails.size() >= MaxTails)
        return false;
    m_tails.emplace(owner, Tail {std::move(*filter), {}, 0, 0});
    return true;
}

const TopicFilter *TopicActivity::tailFilter(quint64 owner) const
{
    const auto it = m_tails.find(owner);
    return it == m_tails.end() ? nullptr : &it->second.filter;
}

QList<EventPtr> TopicActivity::takeTail(quint64 owner, quint64 *dropped)
{
    const auto it = m_tails.find(owner);
    if (it == m_tails.end()) {
        *dropped = 0;
        return {};
    }
    *dropped = std::exchange(it->second.dropped, 0);
    it->second.bytes = 0;
    return std::exchange(it->second.events, {});
}

std::vector<TopicRow> TopicActivity::topicRows() const
{
    std::vector<TopicRow> rows;
    rows.reserve(size_t(m_topics.size()));
    for (auto it = m_topics.cbegin(); it != m_topics.cend(); ++it)
        rows.push_back(TopicRow {it.key(), it->events, it->last->timestamp, it->last->type,
                                 it->last->payload.left(200)});
    std::sort(rows.begin(), rows.end(),
              [](const TopicRow &a, const TopicRow &b) { return a.topic < b.topic; });
    return rows;
}

QList<EventPtr> TopicActivity::recentEvents(qsizetype limit,
                                            const std::function<bool(const Event &)> &wanted) const
{
    QList<EventPtr> out;
    for (auto it = m_recent.rbegin(); it != m_recent.rend() && out.size() < limit; ++it) {
        if (wanted(**it))
            out.append(*it);
    }
    return out;
}

} // namespace ssehub
