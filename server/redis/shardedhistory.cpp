// GET /history on a Redis Cluster: the partitions a filter can match, read side by side and
// merged in id order.
#include "core/clock.h"
#include "redis/shardedbroker.h"

#include <algorithm>
#include <limits>

namespace ssehub {

namespace {

constexpr quint64 MaxId = std::numeric_limits<quint64>::max();

} // namespace

struct ShardedBroker::HistoryRead
{
    HistoryQuery query;
    TopicFilter filter;
    HistoryDone done;
    quint64 low = StreamIdFlag; // the ids asked for: [low, high]
    quint64 high = MaxId;
    int open = 0; // partitions not answered yet
    QString error;
    std::vector<EventPtr> matches;
    // Where the scan of the partitions that were not read to the end of the range stopped: the
    // matches beyond it are not known to be complete.
    quint64 bound = 0;
    bool limited = false;
};

void ShardedBroker::readHistory(const HistoryQuery &query, const TopicFilter &filter,
                                HistoryDone done)
{
    if (!isReady() || m_historyReads >= MaxHistoryReads) {
        HistoryPage page;
        page.unavailable = true;
        page.error = !isReady() ? QStringLiteral("the cluster's history cannot be read: %1 is "
                                                 "unavailable; retry later")
                                      .arg(address())
                                : QStringLiteral("%1 history reads are under way on this "
                                                 "instance; retry shortly")
                                      .arg(m_historyReads);
        done(page);
        return;
    }
    auto read = std::make_shared<HistoryRead>();
    read->query = query;
    read->query.limit = qBound(1, query.limit, HistoryQuery::MaxLimit);
    read->filter = filter;
    read->done = std::move(done);
    read->bound = query.descending ? 0 : MaxId;
    // The ids asked for, as in RedisBroker::readHistory.
    bool empty = false;
    if (query.hasAfter && query.after >= StreamIdFlag) {
        if (query.after == MaxId)
            empty = true;
        else
            read->low = query.after + 1;
    }
    if (query.sinceMs >= 0)
        read->low = qMax(read->low, firstStreamIdAt(query.sinceMs));
    if (query.hasBefore) {
        if (query.before <= StreamIdFlag)
            empty = true;
        else
            read->high = query.before - 1;
    }
    if (query.untilMs >= 0) {
        const quint64 end = firstStreamIdAt(query.untilMs);
        if (end <= StreamIdFlag)
            empty = true;
        else
            read->high = qMin(read->high, end - 1);
    }
    if (empty || read->low > read->high) {
        finishHistory(read);
        return;
    }
    ++m_historyReads;
    const QList<int> partitions = partitionsOf(filter.text());
    read->open = int(partitions.size());
    // Each partition: one chunk of up to limit + 1 entries in the range (its own ids), filtered
    // here. The merged page is complete up to where the partitions that had more stopped.
    const int count = read->query.limit + 1;
    for (const int p : partitions) {
        const QByteArray from = '(' + entryAtOrBefore(read->low - 1, p);
        const QByteArray to = entryAtOrBefore(read->high, p);
        const QByteArray key = streamKey(p);
        const QList<QByteArray> argv = query.descending
            ? QList<QByteArray> {"XREVRANGE", key, to, from, "COUNT", QByteArray::number(count)}
            : QList<QByteArray> {"XRANGE", key, from, to, "COUNT", QByteArray::number(count)};
        m_cluster->commandInSlot(slotOf(p), argv, [this, read, p, count](const RedisReply &r) {
            if (r.isError() || r.type != RedisReply::Type::Array) {
                read->error = QString::fromUtf8(r.string.left(300));
            } else {
                quint64 last = 0;
                for (const RedisReply &entry : r.elements) {
                    const EventPtr event = eventOfEntry(entry, p);
                    if (!event)
                        continue;
                    last = event->id;
                    if (read->filter.matches(event->topic))
                        read->matches.push_back(event);
                }
                if (r.elements.size() >= count && last) {
                    read->limited = true;
                    read->bound = read->query.descending ? qMax(read->bound, last)
                                                         : qMin(read->bound, last);
                }
            }
            if (--read->open == 0) {
                --m_historyReads;
                finishHistory(read);
            }
        });
    }
}

void ShardedBroker::finishHistory(const std::shared_ptr<HistoryRead> &read)
{
    HistoryPage page;
    if (!read->error.isEmpty()) {
        page.unavailable = true;
        page.error = QStringLiteral("the cluster's history cannot be read: %1 did not answer "
                                    "(%2); retry later")
                         .arg(address(), read->error);
        read->done(page);
        return;
    }
    page.source = QStringLiteral("cluster");
    page.maxEvents = m_options.historySize;
    page.maxBytes = m_options.historyBytes;
    const bool descending = read->query.descending;
    std::sort(read->matches.begin(), read->matches.end(),
              [descending](const EventPtr &a, const EventPtr &b) {
                  return descending ? a->id > b->id : a->id < b->id;
              });
    qint64 bytes = 0;
    for (const EventPtr &event : read->matches) {
        const bool beyond = descending ? event->id < read->bound : event->id > read->bound;
        if (beyond)
            break; // a partition that stopped earlier may hold events before it
        if (page.events.size() >= read->query.limit) {
            page.next = page.events.constLast().id;
            break;
        }
        const qint64 cost = event->envelope.size() + 1;
        if (!page.events.isEmpty() && bytes + cost > HistoryQuery::MaxPageBytes) {
            page.truncated = true;
            page.next = page.events.constLast().id;
            break;
        }
        bytes += cost;
        page.events.append(EventRow {event->idText(), event->topic, event->type, event->payload,
                                     event->timestamp});
    }
    if (page.next.isEmpty() && read->limited) {
        // Stopped by a partition's chunk before the page filled: go on from there.
        page.scanLimited = page.events.size() < read->query.limit;
        page.next = formatEventId(read->bound);
    }
    read->done(page);
}

} // namespace ssehub
