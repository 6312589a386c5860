// GET /history in cluster mode: the shared Stream read a chunk at a time and filtered here; the
// Stream's figures for /stats and /metrics; and the Stream's trim by age (--history-ttl).
#include "core/clock.h"
#include "redis/redisbroker.h"
#include "redis/redisscript.h"

#include <algorithm>
#include <limits>

namespace ssehub {

namespace {

constexpr quint64 MaxStreamId = std::numeric_limits<quint64>::max(); // packed "<2^42-1>-<2^21-1>"
// Entries the Stream's age trim takes per script call (a short script: Redis stays responsive).
constexpr int ExpireBatch = 1024;
constexpr qint64 ExpireIntervalMs = 1000;
constexpr qint64 StreamFiguresIntervalMs = 1000;

// historyInfoScript's answer; false when it is not one.
bool streamFiguresFrom(const RedisReply &reply, RedisBroker::StreamFigures *out)
{
    if (reply.isError() || reply.type != RedisReply::Type::Array || reply.elements.size() != 7)
        return false;
    const QList<RedisReply> &e = reply.elements;
    RedisBroker::StreamFigures figures;
    figures.known = true;
    figures.events = e.at(0).integer;
    figures.oldestId = e.at(1).string;
    figures.newestId = e.at(2).string;
    figures.bytes = e.at(6).integer;
    // Gone: up to the max deleted id, before the first recorded one, and all of an emptied
    // Stream (as readStream judges a cursor).
    quint64 horizon = StreamIdFlag;
    quint64 id = 0;
    if (packStreamId(e.at(4).string, &id))
        horizon = qMax(horizon, id);
    if (packStreamId(e.at(5).string, &id) && id > StreamIdFlag)
        horizon = qMax(horizon, id - 1);
    if (figures.events == 0 && packStreamId(e.at(3).string, &id))
        horizon = qMax(horizon, id);
    figures.horizon = horizon > StreamIdFlag ? horizon : 0;
    *out = figures;
    return true;
}

} // namespace

// One GET /history read of the Stream under way.
struct RedisBroker::HistoryRead
{
    HistoryQuery query;
    TopicFilter filter;
    HistoryDone done;
    HistoryPage page;
    // The next chunk's range in Redis's syntax: "<id>" inclusive, "(<id>" exclusive. Ascending
    // reads move `from` up, descending ones move `to` down.
    QByteArray from;
    QByteArray to;
    int chunk = 0; // entries asked for in the next chunk
    qint64 startedMs = 0; // monotonic
    qint64 pageBytes = 0;
    qint64 scannedEntries = 0;
    qint64 scannedBytes = 0;
    quint64 lastScanned = 0; // the packed id of the last entry looked at (0: none)
};

void RedisBroker::readHistory(const HistoryQuery &query, const TopicFilter &filter,
                              HistoryDone done)
{
    auto unavailable = [&done](const QString &why) {
        HistoryPage page;
        page.error = why;
        page.unavailable = true;
        done(page);
    };
    if (!isReady()) {
        unavailable(QStringLiteral("the cluster's history cannot be read: Redis at %1 is "
                                   "unavailable (%2); retry later")
                        .arg(address(), m_commands->lastError()));
        return;
    }
    if (m_historyReads >= MaxHistoryReads) {
        unavailable(QStringLiteral("%1 history reads are under way on this instance; retry "
                                   "shortly")
                        .arg(m_historyReads));
        return;
    }
    auto read = std::make_shared<HistoryRead>();
    read->query = query;
    read->query.limit = qBound(1, query.limit, HistoryQuery::MaxLimit);
    read->filter = filter;
    read->done = std::move(done);
    read->page.source = QStringLiteral("cluster");
    read->page.maxEvents = m_options.historySize;
    read->page.maxBytes = m_options.historyBytes;
    read->page.ttlMs = m_options.historyTtlMs;

    // The ids asked for, as an inclusive range of packed ids [low, high]: after/before (an
    // embedded broker's decimal id is older than every Stream id), since/until (a Stream id is
    // its publish time in ms), and the TTL (what the trim has not taken yet is not answered).
    quint64 low = StreamIdFlag;
    quint64 high = MaxStreamId;
    bool empty = false;
    if (query.hasAfter && query.after >= StreamIdFlag) {
        if (query.after == MaxStreamId)
            empty = true;
        else
            low = query.after + 1;
    }
    qint64 sinceMs = query.sinceMs;
    if (m_options.historyTtlMs > 0)
        sinceMs = qMax(sinceMs, Clock::wallMs() - m_options.historyTtlMs);
    if (sinceMs >= 0)
        low = qMax(low, firstStreamIdAt(sinceMs));
    if (query.hasBefore) {
        if (query.before <= StreamIdFlag)
            empty = true;
        else
            high = query.before - 1;
    }
    if (query.untilMs >= 0) {
        const quint64 end = firstStreamIdAt(query.untilMs);
        if (end <= StreamIdFlag)
            empty = true;
        else
            high = qMin(high, end - 1);
    }
    if (low > high || (sinceMs >= 0 && low == MaxStreamId))
        empty = true;
    read->from = formatEventId(low);
    read->to = formatEventId(high);
    read->chunk = empty ? 0 : qMin(64, read->query.limit + 1);
    read->startedMs = Clock::monotonicMs();

    ++m_historyReads;
    auto handle = [this, read](const RedisReply &reply) {
        StreamFigures figures;
        if (!streamFiguresFrom(reply, &figures)) {
            finishHistory(read, QString::fromUtf8(reply.string));
            return;
        }
        m_streamFigures = figures;
        HistoryPage &page = read->page;
        page.retainedEvents = figures.events;
        page.retainedBytes = figures.bytes;
        page.oldestId = figures.oldestId;
        page.newestId = figures.newestId;
        if (figures.horizon)
            page.horizon = formatEventId(figures.horizon);
        if (read->chunk == 0 || page.retainedEvents == 0)
            finishHistory(read);
        else
            readHistoryChunk(read);
    };
    auto refused = [this, read] { finishHistory(read, QStringLiteral("Redis unavailable")); };
    if (!historyInfoScript().run(m_commands, {m_streamKey, m_streamKey + ":bytes"}, {}, handle,
                                 refused))
        finishHistory(read, QStringLiteral("Redis unavailable"));
}

void RedisBroker::readHistoryChunk(std::shared_ptr<HistoryRead> read)
{
    const bool descending = read->query.descending;
    const QList<QByteArray> argv = descending ? QList<QByteArray> {QByteArrayLiteral("XREVRANGE"),
                                                                   m_streamKey,
                                                                   read->to,
                                                                   read->from,
                                                                   QByteArrayLiteral("COUNT"),
                                                                   QByteArray::number(read->chunk)}
                                              : QList<QByteArray> {QByteArrayLiteral("XRANGE"),
                                                                   m_streamKey,
                                                                   read->from,
                                                                   read->to,
                                                                   QByteArrayLiteral("COUNT"),
                                                                   QByteArray::number(read->chunk)};
    if (!m_commands->command(
            argv, [this, read](const RedisReply &reply) { addHistoryChunk(read, reply); }))
        finishHistory(read, QStringLiteral("Redis unavailable"));
}

void RedisBroker::addHistoryChunk(std::shared_ptr<HistoryRead> read, const RedisReply &reply)
{
    if (reply.isError() || reply.type != RedisReply::Type::Array) {
        finishHistory(read, QString::fromUtf8(reply.string));
        return;
    }
    HistoryPage &page = read->page;
    QByteArray lastRaw; // the last entry's id as Redis wrote it
    qint64 chunkBytes = 0;
    for (const RedisReply &entry : reply.elements) {
        if (entry.type != RedisReply::Type::Array || entry.elements.size() != 2)
            continue;
        lastRaw = entry.elements.at(0).string;
        ++read->scannedEntries;
        quint64 id = 0;
        const bool packed = packStreamId(lastRaw, &id);
        if (packed)
            read->lastScanned = id;
        QByteArray topic, type, payload;
        const QList<RedisReply> &fields = entry.elements.at(1).elements;
        for (qsizetype i = 0; i + 1 < fields.size(); i += 2) {
            const QByteArray &name = fields.at(i).string;
            const QByteArray &value = fields.at(i + 1).string;
            chunkBytes += value.size();
            if (name == "t")
                topic = value;
            else if (name == "y")
                type = value;
            else if (name == "p")
                payload = value;
        }
        if (!packed || topic.isEmpty() || payload.isEmpty() || !read->filter.matches(topic))
            continue;
        if (page.events.size() >= read->query.limit) {
            // Another match after a full page: a next page.
            page.next = page.events.constLast().id;
            finishHistory(read);
            return;
        }
        const EventPtr event
            = makeEvent(id, topic, type, payload, qint64((id & ~StreamIdFlag) >> StreamIdSeqBits));
        const qint64 cost = event->envelope.size() + 1;
        if (!page.events.isEmpty() && read->pageBytes + cost > HistoryQuery::MaxPageBytes) {
            page.truncated = true;
            page.next = page.events.constLast().id;
            finishHistory(read);
            return;
        }
        read->pageBytes += cost;
        page.events.append(EventRow {event->idText(), event->topic, event->type, event->payload,
                                     event->timestamp});
    }
    read->scannedBytes += chunkBytes;
    if (reply.elements.size() < read->chunk || lastRaw.isEmpty()) {
        finishHistory(read); // the end of the range
        return;
    }
    if (read->scannedEntries >= HistoryScanEntries || read->scannedBytes >= HistoryScanBytes
        || Clock::monotonicMs() - read->startedMs >= HistoryScanMs) {
        // Bounded work per request: the next page goes on from here.
        page.scanLimited = true;
        if (read->lastScanned)
            page.next = formatEventId(read->lastScanned);
        finishHistory(read);
        return;
    }
    const QByteArray resume = '(' + lastRaw;
    (read->query.descending ? read->to : read->from) = resume;
    // Chunks of about HistoryChunkBytes at most, judged by the entries seen.
    const qint64 average = qMax<qint64>(1, chunkBytes / qMax<qsizetype>(1, reply.elements.size()));
    read->chunk = int(std::clamp<qint64>(HistoryChunkBytes / average, 1, HistoryChunk));
    readHistoryChunk(std::move(read));
}

void RedisBroker::finishHistory(const std::shared_ptr<HistoryRead> &read, const QString &error)
{
    --m_historyReads;
    if (!error.isEmpty()) {
        // Not logged here: an outage is logged once, by the connection and the outage report.
        HistoryPage page;
        page.error = QStringLiteral("the cluster's history cannot be read: Redis at %1 did not "
                                    "answer (%2); retry later")
                         .arg(address(), error);
        page.unavailable = true;
        read->done(page);
        return;
    }
    read->done(read->page);
}

// --- Retention by age -------------------------------------------------------------------------

void RedisBroker::expireStream()
{
    if (m_options.historyTtlMs <= 0 || m_expireInFlight || !isReady())
        return;
    const qint64 now = Clock::monotonicMs();
    if (m_lastExpireMs && now - m_lastExpireMs < ExpireIntervalMs)
        return;
    m_lastExpireMs = now;
    const QList<QByteArray> args {QByteArray::number(Clock::wallMs() - m_options.historyTtlMs),
                                  QByteArray::number(m_entryBaseCost),
                                  QByteArray::number(ExpireBatch)};
    m_expireInFlight = expireScript().run(
        m_commands, {m_streamKey, m_streamKey + ":bytes"}, args,
        [this](const RedisReply &reply) {
            m_expireInFlight = false;
            if (reply.type == RedisReply::Type::Integer && reply.integer >= ExpireBatch) {
                m_lastExpireMs = 0; // more to trim: at once
                expireStream();
            }
        },
        [this] { m_expireInFlight = false; });
}

void RedisBroker::refreshStreamFigures()
{
    if (m_figuresInFlight || !isReady())
        return;
    const qint64 now = Clock::monotonicMs();
    if (m_lastFiguresMs && now - m_lastFiguresMs < StreamFiguresIntervalMs)
        return;
    m_lastFiguresMs = now;
    m_figuresInFlight = historyInfoScript().run(
        m_commands, {m_streamKey, m_streamKey + ":bytes"}, {},
        [this](const RedisReply &reply) {
            m_figuresInFlight = false;
            streamFiguresFrom(reply, &m_streamFigures);
        },
        [this] { m_figuresInFlight = false; });
}

} // namespace ssehub
