// The Redis Cluster broker's reads of its partitions' Streams: the sync after a lost
// subscription (or when a partition is first followed), and the backlogs of resuming streams.
#include "core/clock.h"
#include "core/logcategories.h"
#include "redis/redisscript.h"
#include "redis/shardedbroker.h"
#include "redis/shardedsubscriber.h"

#include <QTimer>

#include <algorithm>
#include <limits>

namespace ssehub {

namespace {

constexpr int PageSize = 1000;

// Covered up to a partition's last entry: later entries of it have a later sequence number or
// millisecond.
quint64 coverOf(quint64 last)
{
    return last ? last | quint64(ShardedBroker::MaxPartitions - 1) : 0;
}

} // namespace

EventPtr ShardedBroker::eventOfEntry(const RedisReply &entry, int partition)
{
    if (entry.type != RedisReply::Type::Array || entry.elements.size() != 2)
        return nullptr;
    quint64 id = 0;
    if (!globalId(entry.elements.at(0).string, partition, &id))
        return nullptr;
    return eventFromStreamFields(id, entry.elements.at(1).elements);
}

struct ShardedBroker::BacklogRequest
{
    bool cursorValid = false;
    quint64 cursor = 0;
    BacklogDone done;
    std::vector<EventPtr> events;
    int open = 0; // partitions still being read
    bool failed = false;
    bool gap = false;
    quint64 horizon = 0;
    quint64 newest = 0; // the newest event read
};

void ShardedBroker::readPartition(int partition, std::optional<quint64> after, int count,
                                  ReadDone done, std::optional<quint64> lookFor)
{
    const QList<QByteArray> args {after ? entryAtOrBefore(*after, partition) : QByteArray(),
                                  QByteArray::number(count),
                                  lookFor ? entryAtOrBefore(*lookFor, partition) : QByteArray()};
    runScript(partition, readScript(), {streamKey(partition)}, args,
              [partition, done](const RedisReply &reply) {
                  Read read;
                  if (reply.isError() || reply.type != RedisReply::Type::Array
                      || reply.elements.size() != 5) {
                      read.error = QString::fromUtf8(reply.string.left(300));
                      done(read);
                      return;
                  }
                  read.ok = true;
                  globalId(reply.elements.at(0).string, partition, &read.last);
                  quint64 maxDeleted = 0;
                  if (globalId(reply.elements.at(1).string, partition, &maxDeleted))
                      read.horizon = maxDeleted;
                  quint64 first = 0;
                  if (globalId(reply.elements.at(2).string, partition, &first)
                      && (first & ~StreamIdFlag) > quint64(MaxPartitions))
                      read.horizon = qMax(read.horizon, first - MaxPartitions);
                  for (const RedisReply &entry : reply.elements.at(3).elements) {
                      if (EventPtr event = eventOfEntry(entry, partition))
                          read.events.append(event);
                  }
                  globalId(reply.elements.at(4).string, partition, &read.floor);
                  done(read);
              });
}

// --- The sync ----------------------------------------------------------------------------------

void ShardedBroker::onLost()
{
    // Messages published while a subscription was down never arrive: every followed partition
    // is read again from where it is covered, and holds the others back until then.
    m_confirmed = false;
    for (Partition &part : m_parts) {
        if (part.channels == 0 || (part.syncing && !part.reading))
            continue;
        if (!part.syncing)
            part.liveMax = 0;
        part.syncing = true;
        part.reading = false;
        ++part.generation;
    }
}

void ShardedBroker::maybeSync()
{
    if (!isReady())
        return;
    if (!m_confirmed && m_subscriber->allConfirmed())
        m_confirmed = true;
    if (!m_confirmed)
        return;
    for (int p = 0; p < int(m_parts.size()); ++p) {
        const Partition &part = m_parts[size_t(p)];
        if (part.channels > 0 && part.syncing && !part.reading)
            syncPartition(p);
    }
    if (!m_queuedBacklogs.empty()) {
        auto queued = std::exchange(m_queuedBacklogs, {});
        for (auto &request : queued)
            runBacklog(request);
    }
}

void ShardedBroker::syncPartition(int partition)
{
    Partition &part = m_parts[size_t(partition)];
    part.reading = true;
    const int generation = part.generation;
    if (!part.synced) {
        // First followed: live from here on; where the Stream ends is covered.
        readPartition(partition, std::nullopt, 0, [this, partition, generation](Read read) {
            Partition &part = m_parts[size_t(partition)];
            if (part.generation != generation || part.channels == 0)
                return;
            part.reading = false;
            if (!read.ok)
                return; // tried again by the next tick
            part.synced = true;
            part.syncing = false;
            part.epochLost = false;
            part.covered = std::max({part.covered, coverOf(read.last), part.liveMax});
            release();
        });
        return;
    }
    const bool lookFor = part.delivered != 0;
    readPartition(
        partition, part.covered, PageSize,
        [this, partition, generation](Read read) { afterSyncRead(partition, generation, read); },
        lookFor ? std::optional<quint64>(part.delivered) : std::nullopt);
}

void ShardedBroker::afterSyncRead(int partition, int generation, const Read &read)
{
    Partition &part = m_parts[size_t(partition)];
    if (part.generation != generation || part.channels == 0)
        return;
    if (!read.ok) {
        part.reading = false; // tried again by the next tick
        return;
    }
    // As RedisBroker::afterSyncRead, per partition: the newest event handed on is gone although
    // nothing trimmed it (a failover to a replica that did not have it), the Stream never had
    // it or the marker key is gone (lost data), or the Stream was trimmed past what this
    // instance had not received.
    const bool vanished
        = part.delivered != 0 && part.delivered > read.horizon && read.floor != part.delivered;
    const bool lost
        = std::exchange(part.epochLost, false) || part.delivered > read.last || vanished;
    const bool trimmed = !lost && part.covered < read.horizon;
    if (lost || trimmed) {
        quint64 resume = read.horizon;
        if (vanished && read.floor > read.horizon)
            resume = read.floor;
        else if (!lost)
            resume = qMax(read.horizon, part.covered);
        qCWarning(lcRedis).noquote()
            << QStringLiteral("the Redis Stream %1 %2; live streams get a reset event - %3")
                   .arg(QString::fromUtf8(streamKey(partition)),
                        lost ? QStringLiteral("lost events this instance had (a failover to a "
                                              "replica that did not have them, a restart "
                                              "without them, or a flush)")
                             : QStringLiteral("was trimmed past events this instance had not "
                                              "received"),
                        lost ? QStringLiteral("enable appendonly in Redis, and "
                                              "--redis-min-replicas")
                             : QStringLiteral("raise --history if instances lose Redis for long"));
        ++m_resets;
        // Nothing after m_delivered was handed on: the streams continue from there.
        Q_EMIT historyLost(m_delivered, std::numeric_limits<quint64>::max());
        part.delivered = 0;
        part.covered = resume;
        syncPage(partition, generation, resume);
        return;
    }
    addSyncPage(partition, generation, read);
}

void ShardedBroker::addSyncPage(int partition, int generation, const Read &read)
{
    for (const EventPtr &event : read.events) {
        if (event->id > m_delivered && !fromTheFuture(event) && !hold(partition, event))
            return; // too much held back: dropped, and the partitions are read afresh
    }
    if (read.events.size() < PageSize) {
        // Read to the end: covered up to it, and up to what arrived live meanwhile (subscribed
        // before the read began).
        Partition &part = m_parts[size_t(partition)];
        part.covered = std::max({part.covered, coverOf(read.last), part.liveMax});
        part.syncing = false;
        part.reading = false;
        part.liveMax = 0;
        release();
        return;
    }
    syncPage(partition, generation, read.events.last()->id);
}

void ShardedBroker::syncPage(int partition, int generation, quint64 after)
{
    readPartition(partition, after, PageSize, [this, partition, generation](Read read) {
        Partition &part = m_parts[size_t(partition)];
        if (part.generation != generation || part.channels == 0)
            return;
        if (!read.ok) {
            part.reading = false;
            return;
        }
        addSyncPage(partition, generation, read);
    });
}

// --- Backlogs of resuming streams ------------------------------------------------------------

void ShardedBroker::fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done)
{
    auto request = std::make_shared<BacklogRequest>();
    // A cursor from the future (a forged id, or one of another cluster) is a gap: the stream
    // gets a reset and everything retained, instead of waiting for that time.
    if (cursorValid && (cursor & StreamIdFlag)
        && qint64((cursor & ~StreamIdFlag) >> StreamIdSeqBits) > Clock::wallMs() + MaxAheadMs)
        cursorValid = false;
    request->cursorValid = cursorValid;
    request->cursor = cursor;
    request->done = std::move(done);
    // Read once the stream's filters are subscribed (see RedisBroker::fetchBacklog).
    if (!isReady() || !m_subscriber->allConfirmed()) {
        m_queuedBacklogs.push_back(request);
        return;
    }
    runBacklog(request);
}

void ShardedBroker::runBacklog(std::shared_ptr<BacklogRequest> request)
{
    request->events.clear();
    request->failed = false;
    request->gap = !request->cursorValid;
    request->horizon = request->cursorValid ? request->cursor : StreamIdFlag;
    request->open = 1; // until every read was sent
    // The partitions this instance follows: the stream's filters are among its own.
    for (int p = 0; p < m_options.partitions; ++p) {
        if (m_parts[size_t(p)].channels == 0)
            continue;
        ++request->open;
        backlogPage(request, p, request->cursorValid ? request->cursor : 0);
    }
    if (--request->open == 0)
        finishBacklog(request);
}

void ShardedBroker::backlogPage(std::shared_ptr<BacklogRequest> request, int partition,
                                quint64 after)
{
    const std::optional<quint64> from = after ? std::optional<quint64>(after) : std::nullopt;
    readPartition(partition, from, PageSize, [this, request, partition, after](Read read) {
        if (!read.ok) {
            request->failed = true;
        } else {
            if (request->cursorValid && request->cursor < read.horizon
                && after == request->cursor) {
                request->gap = true; // this partition lost ids after the cursor
                request->horizon = qMax(request->horizon, read.horizon);
            }
            // Bounded like one Stream's history: more than that is a gap.
            if (qsizetype(request->events.size()) > 2 * m_options.historySize + PageSize)
                request->gap = true;
            else
                request->events.insert(request->events.end(), read.events.cbegin(),
                                       read.events.cend());
            if (read.events.size() == PageSize && !request->gap) {
                backlogPage(request, partition, read.events.last()->id);
                return;
            }
        }
        if (--request->open == 0)
            finishBacklog(request);
    });
}

bool ShardedBroker::backlogComplete(quint64 newest)
{
    // Partitions were read at different moments: the backlog is complete up to its newest entry
    // once this instance handed on everything up to it that it receives (what the stream also
    // kept live meanwhile), so that what follows live is newer.
    if (newest <= m_delivered)
        return true;
    if (!m_pending.empty() && m_pending.begin()->first <= newest)
        return false;
    bool complete = true;
    for (int p = 0; p < int(m_parts.size()); ++p) {
        const Partition &part = m_parts[size_t(p)];
        if (part.channels == 0 || (!part.syncing && part.covered >= newest))
            continue;
        complete = false;
        if (!part.syncing)
            tickPartition(p);
    }
    return complete;
}

void ShardedBroker::finishBacklog(std::shared_ptr<BacklogRequest> request)
{
    if (request->failed) {
        m_queuedBacklogs.push_back(request); // again when every shard answers
        QTimer::singleShot(100, this, &ShardedBroker::maybeSync);
        return;
    }
    quint64 newest = 0;
    for (const EventPtr &event : request->events)
        newest = qMax(newest, event->id);
    request->newest = newest;
    if (!backlogComplete(newest)) {
        m_completingBacklogs.push_back(request); // see completeBacklogs()
        return;
    }
    // What was read, and what this instance handed on after the cursor meanwhile.
    for (qsizetype i = m_history.indexAfter(request->horizon); i < m_history.size(); ++i)
        request->events.push_back(m_history.at(i));
    std::sort(request->events.begin(), request->events.end(),
              [](const EventPtr &a, const EventPtr &b) { return a->id < b->id; });
    auto events = std::make_unique<EventHistory>(m_options.historySize * 2 + PageSize,
                                                 m_options.historyBytes * 2);
    events->setHorizon(request->horizon);
    for (const EventPtr &event : request->events) {
        if (event->id > request->horizon && (events->isEmpty() || event->id > events->newest()->id))
            events->append(event);
    }
    Backlog backlog;
    backlog.events = std::move(events);
    backlog.gap = request->gap;
    request->done(std::move(backlog));
}

void ShardedBroker::completeBacklogs()
{
    if (m_completingBacklogs.empty())
        return;
    auto waiting = std::exchange(m_completingBacklogs, {});
    for (auto &request : waiting) {
        if (backlogComplete(request->newest))
            finishBacklog(request);
        else
            m_completingBacklogs.push_back(request);
    }
}

} // namespace ssehub
