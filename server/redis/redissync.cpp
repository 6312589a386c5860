// Staying in step with the Stream: the tick (round trip, marker key, coverage) and the sync
// that reads what this instance missed after a start or a loss.
#include "core/clock.h"
#include "core/logcategories.h"
#include "redis/redisbroker.h"
#include "redis/redishome.h"
#include "redis/redisscript.h"

#include <QRandomGenerator>

#include <limits>

namespace ssehub {

// --- The tick: round trip, marker key, coverage ------------------------------------------------

void RedisBroker::tick()
{
    // --history-ttl: the local copy, and the Stream about once a second; the Stream's figures
    // as often.
    m_history.expire(Clock::wallMs());
    expireStream();
    refreshStreamFigures();
    if (m_tickInFlight || !isReady())
        return;
    // A new value each time: one this instance set before must not be set again after a flush.
    const QByteArray candidate = QByteArray::number(Clock::wallMs()) + '-'
        + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    m_tickInFlight = tickScript().run(
        m_commands, {m_streamKey, m_epochKey}, {m_markerChannel, candidate},
        [this](const RedisReply &reply) {
            m_tickInFlight = false;
            onTickReply(reply);
        },
        [this] { m_tickInFlight = false; });
}

void RedisBroker::onTickReply(const RedisReply &reply)
{
    if (reply.isError() || reply.type != RedisReply::Type::Array || reply.elements.size() != 2)
        return; // a lost connection says so itself
    m_outage.answered();
    const QByteArray epoch = reply.elements.at(0).string;
    if (m_epoch.isEmpty()) {
        m_epoch = epoch; // the first answer: whatever this Redis holds is the data to keep
        m_home->setKnownEpoch(epoch);
        return;
    }
    if (epoch == m_epoch)
        return;
    m_epoch = epoch;
    m_home->setKnownEpoch(epoch);
    ++m_dataLosses;
    qCWarning(lcRedis).noquote()
        << "Redis at" << address() << "lost its data: the marker key" << m_epochKey
        << "is gone (FLUSHALL, FLUSHDB, or a restart without persistence); writing back the "
           "named clients' subscriptions and this node, live streams get a reset event - enable "
           "appendonly in Redis and do not flush a database that ssehub uses";
    m_epochLost = true;
    Q_EMIT dataLost();
    // Whatever the pub/sub connection says, the Stream must be looked at again.
    if (m_syncInFlight)
        m_resyncWanted = true;
    m_syncing = true;
    maybeSync();
}

void RedisBroker::onMarker(const QByteArray &message)
{
    // "<epoch> <last id>": everything up to that id on this instance's channels has arrived,
    // unless this instance is catching up (the sync decides then) or the data is not the one
    // this instance knows (a flush that the tick reports).
    if (m_syncing || m_epoch.isEmpty())
        return;
    const qsizetype space = message.indexOf(' ');
    if (space < 0 || QByteArrayView(message).first(space) != m_epoch)
        return;
    quint64 id = 0;
    if (packStreamId(QByteArrayView(message).sliced(space + 1), &id))
        m_covered = qMax(m_covered, id);
}

// --- Staying in step with the Stream ----------------------------------------------------------

void RedisBroker::onConnectionLost()
{
    // Messages published while a connection is down never arrive: read them from the Stream
    // when both connections are back.
    m_syncing = true;
}

void RedisBroker::maybeSync()
{
    if (!m_syncing || m_syncInFlight || !isReady() || !m_subscriber->subscriptionsConfirmed())
        return;
    m_syncInFlight = true;
    m_bufferOverflowed = false;
    if (!m_everSynced) {
        // The first sync: live from the Stream's newest id on.
        readStream(std::nullopt, 0, [this](StreamRead read) {
            m_syncInFlight = false;
            if (!read.ok) {
                maybeSync();
                return;
            }
            m_everSynced = true;
            m_epochLost = false; // nothing seen before: nothing to lose
            m_lastSeen = read.last;
            m_covered = read.last;
            m_history.setHorizon(read.last);
            finishSync();
        });
        return;
    }
    // From where this instance is covered: ids before it either arrived or match none of its
    // filters. The newest event delivered is looked for too.
    const bool lookFor = m_lastSeen > StreamIdFlag;
    readStream(
        m_covered, PageSize,
        [this, lookFor](StreamRead read) {
            if (syncReadFailed(read))
                return;
            afterSyncRead(read, lookFor);
        },
        lookFor ? std::optional<quint64>(m_lastSeen) : std::nullopt);
}

void RedisBroker::afterSyncRead(const StreamRead &read, bool lookedFor)
{
    // The Stream no longer holds the newest event this instance delivered although it was not
    // trimmed: a failover promoted a replica that never had it (asynchronous replication;
    // --redis-min-replicas keeps acknowledged events from this).
    const bool vanished = lookedFor && m_lastSeen > read.horizon && read.floor != m_lastSeen;
    // Redis lost data: the marker key is gone, or the Stream no longer holds ids this instance
    // saw (its last generated id survives trimming).
    const bool dataLost = std::exchange(m_epochLost, false) || m_covered > read.last || vanished;
    // Trimmed past ids after the covered one: what they were is unknown.
    const bool trimmed = !dataLost && m_covered < read.horizon;
    if (!dataLost && !trimmed) {
        addSyncPage(read);
        return;
    }
    // Resume after the newest id this instance delivered if the Stream holds it (no repeats),
    // else after the newest entry before it that the Stream holds (what the streams had up to
    // there is still true), else at the Stream's horizon.
    quint64 resume = read.horizon;
    if (!vanished && m_lastSeen >= read.horizon && m_lastSeen <= read.last)
        resume = m_lastSeen;
    else if (vanished && read.floor > read.horizon)
        resume = read.floor;
    // Lost data: every live stream's history is gone. Trimmed: streams whose last event is
    // before the horizon may have missed ids in (covered, horizon].
    const quint64 affectedUpTo = dataLost ? std::numeric_limits<quint64>::max() : read.horizon - 1;
    qCWarning(lcRedis).noquote()
        << QStringLiteral("the Redis Stream %1 %2 after %3; live streams that may have needed "
                          "them get a reset event - %4")
               .arg(QString::fromUtf8(m_streamKey),
                    dataLost ? QStringLiteral("lost events (a failover to a replica that did not "
                                              "have them, a restart without them, or a flush)")
                             : QStringLiteral("was trimmed past events this instance had not "
                                              "received (it could not reach Redis for longer "
                                              "than the history lasts)"),
                    QString::fromUtf8(formatEventId(m_covered)),
                    dataLost ? QStringLiteral("enable appendonly in Redis, and "
                                              "--redis-min-replicas behind Sentinel")
                             : QStringLiteral("raise --history if instances lose Redis for long"));
    m_history = EventHistory(m_options.historySize, m_options.historyBytes);
    m_history.setHorizon(resume);
    m_lastSeen = resume;
    m_covered = resume;
    ++m_resets;
    Q_EMIT historyLost(resume, affectedUpTo);
    syncPage(resume);
}

bool RedisBroker::syncReadFailed(const StreamRead &read)
{
    if (read.ok)
        return false;
    m_syncInFlight = false;
    maybeSync(); // lost again: starts over when both connections are back
    return true;
}

void RedisBroker::addSyncPage(const StreamRead &read)
{
    for (const EventPtr &event : read.events)
        accept(event);
    // A short page is the end, unless live events were dropped meanwhile (read on instead).
    if (read.events.size() < PageSize && !m_bufferOverflowed) {
        // Every entry up to the Stream's end was read: covered up to it.
        if (read.last >= m_covered && read.last != StreamIdFlag)
            m_covered = read.last;
        finishSync();
    } else
        syncPage(m_lastSeen);
}

void RedisBroker::syncPage(quint64 after)
{
    m_bufferOverflowed = false;
    readStream(after, PageSize, [this](StreamRead read) {
        if (!syncReadFailed(read))
            addSyncPage(read);
    });
}

void RedisBroker::finishSync()
{
    m_syncInFlight = false;
    if (!isReady() || !m_subscriber->subscriptionsConfirmed()) {
        maybeSync(); // lost again meanwhile: m_syncing stays set and the next ready resumes
        return;
    }
    if (std::exchange(m_resyncWanted, false)) {
        maybeSync(); // the marker key went missing meanwhile: look at the Stream again
        return;
    }
    m_syncing = false;
    std::deque<EventPtr> buffered;
    buffered.swap(m_buffer);
    for (const EventPtr &event : buffered)
        accept(event);
    runQueuedLiveStarts();
}

} // namespace ssehub
