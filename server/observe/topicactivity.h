#pragma once

#include "api/snapshot.h"
#include "proto/event.h"
#include "proto/topicfilter.h"

#include <QHash>
#include <QList>

#include <deque>
#include <functional>
#include <map>
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

    // Live tails, one per owner (0: the console in this process; a console feed's number
    // otherwise): events matching the owner's filter, collected until takeTail(); none: off. A
    // new filter (or none) forgets what was collected. False when MaxTails others are set.
    bool setTailFilter(quint64 owner, std::optional<TopicFilter> filter);
    const TopicFilter *tailFilter(quint64 owner) const;
    // What the owner's tail collected since the last call, and how many more it had no room for.
    QList<EventPtr> takeTail(quint64 owner, quint64 *dropped);

    // One row per topic still known, by topic.
    std::vector<TopicRow> topicRows() const;
    // The newest recent events for which `wanted` holds, newest first, at most `limit`.
    QList<EventPtr> recentEvents(qsizetype limit,
                                 const std::function<bool(const Event &)> &wanted) const;

    static constexpr int MaxTopics = 10000;
    static constexpr size_t RecentEvents = 512;
    static constexpr qsizetype TailPerSnapshot = 1000;
    static constexpr qint64 TailBytesPerSnapshot = 4 * 1024 * 1024; // of payloads
    static constexpr size_t MaxTails = 17; // the console in this process and 16 feeds

private:
    struct Figures
    {
        quint64 events = 0;
        EventPtr last; // the newest event on the topic (shared, not copied)
    };

    QHash<QByteArray, Figures> m_topics;
    bool m_watched = false;
    std::deque<EventPtr> m_recent; // the newest events this instance delivered
    struct Tail
    {
        TopicFilter filter;
        QList<EventPtr> events;
        qint64 bytes = 0;
        quint64 dropped = 0;
    };
    std::map<quint64, Tail> m_tails;
};

} // namespace ssehub
