// Reading the Stream: one page at a time (readStream), and the backlogs that resuming streams
// replay from it.
#include "redis/redisbroker.h"
#include "redis/redisscript.h"

#include <QTimer>

namespace ssehub {

namespace {

// A read refused before it was sent fails after this long (see readStream).
constexpr int RefusedRetryMs = 100;

// The event in a Stream entry [id, [field, value, ...]]; null if it is not one of ours.
EventPtr eventFromEntry(const RedisReply &entry)
{
    if (entry.type != RedisReply::Type::Array || entry.elements.size() != 2)
        return nullptr;
    quint64 id = 0;
    if (!packStreamId(entry.elements.at(0).string, &id))
        return nullptr;
    return eventFromStreamFields(id, entry.elements.at(1).elements);
}

} // namespace

// --- Reading the Stream -----------------------------------------------------------------------

void RedisBroker::readStream(std::optional<quint64> after, int count, ReadDone done,
                             std::optional<quint64> lookFor)
{
    const QList<QByteArray> args {after ? formatEventId(*after) : QByteArray(),
                                  QByteArray::number(count),
                                  lookFor ? formatEventId(*lookFor) : QByteArray()};
    auto handle = [done](const RedisReply &reply) {
        StreamRead read;
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 5) {
            read.error = QString::fromUtf8(reply.string);
            done(read);
            return;
        }
        read.ok = true;
        read.exists = !reply.elements.at(0).string.isEmpty();
        read.last = StreamIdFlag;
        read.horizon = StreamIdFlag;
        if (read.exists)
            packStreamId(reply.elements.at(0).string, &read.last);
        quint64 maxDeleted = 0;
        if (packStreamId(reply.elements.at(1).string, &maxDeleted))
            read.horizon = qMax(read.horizon, maxDeleted);
        quint64 first = 0;
        if (packStreamId(reply.elements.at(2).string, &first) && first > StreamIdFlag)
            read.horizon = qMax(read.horizon, first - 1);
        for (const RedisReply &entry : reply.elements.at(3).elements) {
            if (EventPtr event = eventFromEntry(entry))
                read.events.append(event);
        }
        packStreamId(reply.elements.at(4).string, &read.floor);
        done(read);
    };
    auto retryRefused = [done] {
        StreamRead read;
        read.error = QStringLiteral("Redis unavailable");
        done(read);
    };
    if (!readScript().run(m_commands, {m_streamKey}, args, handle, retryRefused)) {
        // Refused at once (the connection is going down while still counted as ready). Never
        // call back from here: callers retry on failure, and a retry refused at once again
        // would recurse until the stack is gone (seen with redis-server frozen by SIGSTOP).
        QTimer::singleShot(RefusedRetryMs, this, [done = std::move(done)] {
            StreamRead read;
            read.error = QStringLiteral("Redis unavailable");
            done(read);
        });
    }
}

// --- Backlogs of resuming streams -------------------------------------------------------------

void RedisBroker::fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done)
{
    auto request = std::make_shared<BacklogRequest>();
    request->cursorValid = cursorValid;
    request->cursor = cursor;
    request->done = std::move(done);
    // Read only once the stream's filters are subscribed: an event published between a read
    // that ran first and a SUBSCRIBE that took effect later would reach the stream by neither.
    if (!isReady() || !m_subscriber->subscriptionsConfirmed()) {
        m_queuedBacklogs.push_back(request); // served when Redis is back and subscribed
        return;
    }
    runBacklog(request);
}

void RedisBroker::runQueuedBacklogs()
{
    if (!isReady() || !m_subscriber->subscriptionsConfirmed())
        return;
    auto queued = std::move(m_queuedBacklogs);
    m_queuedBacklogs.clear();
    for (auto &request : queued)
        runBacklog(request);
    runQueuedLiveStarts();
}

void RedisBroker::runBacklog(std::shared_ptr<BacklogRequest> request)
{
    auto events = std::make_shared<EventHistory>(m_options.historySize * 2 + PageSize,
                                                 m_options.historyBytes * 2);
    const std::optional<quint64> after
        = request->cursorValid ? std::optional<quint64>(request->cursor) : std::nullopt;
    readStream(after, PageSize, [this, request, events, after](StreamRead read) {
        if (!read.ok) {
            m_queuedBacklogs.push_back(request); // lost meanwhile: again when Redis is back
            return;
        }
        const bool gap = !after || *after < read.horizon || *after > read.last;
        events->setHorizon(gap ? read.horizon : *after);
        if (gap && after) {
            // Everything retained, from the start of the Stream.
            continueBacklog(request, events, true, std::nullopt);
            return;
        }
        addBacklogPage(request, events, gap, read);
    });
}

void RedisBroker::continueBacklog(std::shared_ptr<BacklogRequest> request,
                                  std::shared_ptr<EventHistory> events, bool gap,
                                  std::optional<quint64> after)
{
    readStream(after, PageSize, [this, request, events, gap](StreamRead read) {
        if (!read.ok) {
            m_queuedBacklogs.push_back(request);
            return;
        }
        addBacklogPage(request, events, gap, read);
    });
}

void RedisBroker::addBacklogPage(std::shared_ptr<BacklogRequest> request,
                                 std::shared_ptr<EventHistory> events, bool gap,
                                 const StreamRead &read)
{
    for (const EventPtr &event : read.events) {
        if (events->isEmpty() || event->id > events->newest()->id)
            events->append(event);
    }
    if (read.events.size() == PageSize) {
        continueBacklog(request, events, gap, read.events.last()->id); // a full page: more
        return;
    }
    Backlog backlog;
    backlog.events = std::make_unique<EventHistory>(std::move(*events));
    backlog.gap = gap;
    request->done(std::move(backlog));
}

} // namespace ssehub
