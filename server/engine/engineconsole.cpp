// What the engine does for its consoles: whether anyone watches, the snapshots they are sent
// and their live tails.
#include "broker/localbroker.h"
#include "core/clock.h"
#include "core/logcategories.h"
#include "core/net.h"
#include "engine/accessfiles.h"
#include "engine/consolefeeds.h"
#include "engine/engine.h"
#include "engine/frontlimits.h"
#include "http/httpfront.h"
#include "hub/hub.h"
#include "hub/subscriptionstore.h"
#include "observe/logformat.h"
#include "observe/processresources.h"
#include "observe/rollingfile.h"
#include "observe/snapshotbuilder.h"
#include "proto/topicfilter.h"
#include "redis/clusterstate.h"
#include "redis/redisbroker.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSysInfo>
#include <QThread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace ssehub {

void Engine::setConsoleAttached(bool attached)
{
    if (attached == m_localConsole)
        return;
    m_localConsole = attached;
    if (!attached)
        setTail({});
    updateWatching();
}

void Engine::setFeedsWatching(bool watching)
{
    if (watching == m_feedsWatching)
        return;
    m_feedsWatching = watching;
    updateWatching();
}

void Engine::updateWatching()
{
    const bool watched = m_localConsole || m_feedsWatching;
    if (watched == m_activity.isWatched())
        return;
    if (!watched) {
        for (quint64 owner : m_tailOwners)
            setTail(owner, {});
    }
    m_activity.setWatched(watched);
    if (watched && m_log) {
        // The first snapshot carries the log kept so far.
        m_logSeen = m_log->totalAppended() - quint64(m_log->size());
    }
    if (watched && m_hub) {
        m_snapshotTimer.start();
        QTimer::singleShot(0, this, &Engine::takeSnapshot);
    } else {
        m_snapshotTimer.stop();
    }
}

void Engine::observe(const EventPtr &event)
{
    m_activity.observe(event);
    if (!m_metricTopics.isEmpty()) {
        if (auto counted = m_metricTopics.find(event->topic); counted != m_metricTopics.end())
            ++*counted;
    }
}

SnapshotPtr Engine::takeSnapshot()
{
    if (!m_hub || !m_activity.isWatched())
        return {};
    std::shared_ptr<ConsoleSnapshot> snapshot = makeSnapshot(true);
    snapshot->revision = ++m_snapshotRevision;
    snapshot->log = m_log->entriesAfter(m_logSeen);
    m_logSeen = m_log->totalAppended();
    snapshot->tail = takeTail(0, &snapshot->tailDropped);
    if (const TopicFilter *tail = m_activity.tailFilter(0))
        snapshot->tailFilter = tail->text();
    // A snapshot of many streams costs the engine thread in proportion: with thousands of
    // streams the console is sent fewer of them (figures and rows alike), so that watching a
    // busy hub does not slow it down.
    const int streams = m_hub->streamCount();
    const int interval = qMax(qMax(50, m_config.statsIntervalMs),
                              streams >= 5000       ? 1000
                                  : streams >= 2000 ? 500
                                                    : 0);
    if (m_snapshotTimer.interval() != interval)
        m_snapshotTimer.setInterval(interval);
    SnapshotPtr shared = std::move(snapshot);
    if (m_feeds)
        m_feeds->publish(*shared);
    if (m_localConsole)
        Q_EMIT snapshotReady(shared);
    return shared;
}

QString Engine::setTail(const QByteArray &filter)
{
    return setTail(0, filter);
}

QString Engine::setTail(quint64 owner, const QByteArray &filter)
{
    // A filter that does not parse changes nothing (the tail in force stays).
    QString error;
    const TopicFilter parsed
        = filter.isEmpty() ? TopicFilter() : TopicFilter::parse(filter, &error);
    if (!error.isEmpty())
        return error;
    if (const TopicFilter *old = m_activity.tailFilter(owner); old && m_broker)
        m_broker->unwatch(old->text());
    m_activity.setTailFilter(owner, std::nullopt);
    m_tailOwners.remove(owner);
    if (filter.isEmpty())
        return {};
    if (!m_activity.setTailFilter(owner, parsed))
        return QStringLiteral("%1 live tails are open already; stop one first")
            .arg(TopicActivity::MaxTails);
    m_tailOwners.insert(owner);
    if (m_broker)
        m_broker->watch(parsed.text()); // cluster mode: receive it even with no stream on it
    return {};
}

QList<EventRow> Engine::takeTail(quint64 owner, quint64 *dropped)
{
    QList<EventRow> rows;
    for (const EventPtr &event : m_activity.takeTail(owner, dropped))
        rows.append(eventRow(*event));
    return rows;
}

} // namespace ssehub
