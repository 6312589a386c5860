#pragma once

#include "api/snapshot.h"
#include "proto/event.h"
#include "proto/topicfilter.h"

#include <QHash>
#include <QList>

#include <deque>
#include <functional>
#include <optional>
#include <vector>

namespace ssehub {

// What the broker delivered, as the console, /stats and /metrics see it: per-topic figures
// (always), and while a console watches the newest events and the live tail. Fed one event at a
// time on the engine thread; knows nothing of the hub or the broker.
class TopicActivity
{
public:
    // Per event: one hash lookup; while watched also two shared pointers (recent events, tail).
    void observe(const EventPtr &event);

    // While a console is attached: recent events and the tail are kept. A change forgets them.
    void setWatched(bool watched);
    bool isWatched() const { return m_watched; }

    // The live tail: events matching the filter, collected until takeTail(); none: off. A new
    // filter (or none) forgets what was collected.
    void setTailFilter(std::optional<TopicFilter> filter);
    const std::optional<TopicFilter> &tailFilter() const { return m_tailFilter; }
    // What the tail collected since the last call, and how many more it had no room for.
    QList<EventPtr> takeTail(quint64 *dropped);

    // One row per topic still known, by topic.
    std::vector<TopicRow> topicRows() const;
    // The newest recent events for which `wanted` holds, newest first, at most `limit`.
    QList<EventPtr> recentEvents(qsizetype limit,
                                 const std::function<bool(const Event &)> &wanted) const;

    static constexpr int MaxTopics = 10000;
    static constexpr size_t RecentEvents = 512;
    static constexpr qsizetype TailPerSnapshot = 1000;

private:
    struct Figures
    {
        quint64 events = 0;
        EventPtr last; // the newest event on the topic (shared, not copied)
    };

    QHash<QByteArray, Figures> m_topics;
    bool m_watched = false;
    std::deque<EventPtr> m_recent; // the newest events this instance delivered
    std::optional<TopicFilter> m_tailFilter;
    QList<EventPtr> m_tail;
    quint64 m_tailDropped = 0;
};

} // namespace ssehub
