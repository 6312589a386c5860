#include "observe/alarms.h"

#include "core/clock.h"

namespace ssehub {

namespace {

const char *const Names[]
    = {AlarmMonitor::StreamCloses, AlarmMonitor::AuthFailures, AlarmMonitor::RedisDown,
       AlarmMonitor::Descriptors, AlarmMonitor::Streams};

// A percentage of a limit, for the alarms' texts and thresholds; -1 when there is no limit.
int percentOf(qint64 value, qint64 limit)
{
    return limit > 0 && value >= 0 ? int(value * 100 / limit) : -1;
}

} // namespace

AlarmMonitor::AlarmMonitor(const AlarmThresholds &thresholds)
    : m_thresholds(thresholds)
{
}

QStringList AlarmMonitor::active() const
{
    QStringList names;
    for (int i = 0; i < Count; ++i) {
        if (m_active[i])
            names << QLatin1String(Names[i]);
    }
    names.sort();
    return names;
}

void AlarmMonitor::update(QList<LogEntry> *out, Index index, bool raise, bool clear,
                          const QString &what, qint64 wallMs)
{
    bool &active = m_active[index];
    if (active ? !clear : !raise)
        return;
    active = !active;
    LogEntry entry;
    entry.kind = LogEntry::Kind::Alarm;
    entry.time = wallMs;
    entry.reason = QLatin1String(Names[index]);
    entry.detail = (active ? QStringLiteral("raised: ") : QStringLiteral("cleared: ")) + what;
    out->append(entry);
}

QList<LogEntry> AlarmMonitor::evaluate(const Reading &r)
{
    QList<LogEntry> out;
    const qint64 wallMs = Clock::wallMs();
    // The per-minute counts: this reading against the oldest kept that is at most a minute
    // older (while the engine runs shorter than a minute, against the first).
    if (!m_minute.empty()
        && (r.closes < m_minute.back().closes || r.authFailures < m_minute.back().authFailures))
        m_minute.clear(); // counters that went back: another engine
    m_minute.push_back({r.monotonicMs, r.closes, r.authFailures});
    while (m_minute.size() > 1 && (m_minute.size() > 61 || m_minute[1].ms <= r.monotonicMs - 60000))
        m_minute.pop_front();
    const quint64 closes = r.closes - m_minute.front().closes;
    const quint64 auth = r.authFailures - m_minute.front().authFailures;

    const AlarmThresholds &t = m_thresholds;
    if (const qint64 limit = t.closesPerMinute; limit > 0 || m_active[ClosesIndex])
        update(&out, ClosesIndex, limit > 0 && closes >= quint64(limit),
               limit <= 0 || closes * 2 < quint64(limit),
               QStringLiteral("%1 slow-consumer or dead stream closes in the last minute "
                              "(threshold %2 a minute)")
                   .arg(closes)
                   .arg(limit),
               wallMs);
    if (const qint64 limit = t.authFailuresPerMinute; limit > 0 || m_active[AuthIndex])
        update(&out, AuthIndex, limit > 0 && auth >= quint64(limit),
               limit <= 0 || auth * 2 < quint64(limit),
               QStringLiteral("%1 authentication failures in the last minute (threshold %2 a "
                              "minute)")
                   .arg(auth)
                   .arg(limit),
               wallMs);
    const bool watchBroker = t.brokerDown && r.brokerCanFail;
    update(&out, RedisIndex, watchBroker && !r.brokerReady, !watchBroker || r.brokerReady,
           r.brokerReady
               ? QStringLiteral("Redis is reachable again (%1)").arg(r.brokerState)
               : QStringLiteral("Redis is unreachable (%1): publishes are refused (on a Redis "
                                "Cluster, those to the shards that do not answer)")
                     .arg(r.brokerState),
           wallMs);
    const int fdPercent = percentOf(r.openFds, r.fdLimit);
    update(&out, DescriptorsIndex, t.descriptorsPercent > 0 && fdPercent >= t.descriptorsPercent,
           t.descriptorsPercent <= 0 || (fdPercent >= 0 && fdPercent < t.descriptorsPercent - 5),
           QStringLiteral("%1 of %2 file descriptors open (%3%; threshold %4%)")
               .arg(r.openFds)
               .arg(r.fdLimit)
               .arg(fdPercent)
               .arg(t.descriptorsPercent),
           wallMs);
    const int streamPercent = percentOf(r.streams, r.maxStreams);
    update(&out, StreamsIndex, t.streamsPercent > 0 && streamPercent >= t.streamsPercent,
           t.streamsPercent <= 0 || streamPercent < t.streamsPercent - 5,
           QStringLiteral("%1 of %2 streams open (--max-connections; %3%; threshold %4%)")
               .arg(r.streams)
               .arg(r.maxStreams)
               .arg(streamPercent)
               .arg(t.streamsPercent),
           wallMs);
    return out;
}

} // namespace ssehub
