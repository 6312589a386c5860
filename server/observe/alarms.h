#pragma once

#include "api/engineconfig.h"
#include "api/logentry.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <deque>

namespace ssehub {

// Watches the engine's figures against AlarmThresholds and says when an alarm is raised or
// cleared: once per change, as a log entry of kind Alarm (reason: the alarm's name; detail:
// "raised: ..." or "cleared: ..."). Fed once a second by the engine; keeps a minute of counter
// readings (61 at most) for the per-minute rates. No timer and no clock of its own, so that a
// test drives it with readings.
class AlarmMonitor
{
public:
    // The alarms' names, as the log's reason and EngineStats::alarms carry them.
    static constexpr const char *StreamCloses = "stream-closes";
    static constexpr const char *AuthFailures = "auth-failures";
    static constexpr const char *RedisDown = "redis-down";
    static constexpr const char *Descriptors = "descriptors";
    static constexpr const char *Streams = "streams";

    struct Reading
    {
        qint64 monotonicMs = 0;
        quint64 closes = 0; // slow-consumer and dead closes so far
        quint64 authFailures = 0; // so far
        bool brokerCanFail = false; // a Redis broker
        bool brokerReady = true;
        QString brokerState;
        int openFds = -1; // -1: unknown
        int fdLimit = 0; // 0: unknown
        int streams = 0;
        int maxStreams = 0; // 0: no limit
    };

    explicit AlarmMonitor(const AlarmThresholds &thresholds = {});
    void setThresholds(const AlarmThresholds &thresholds) { m_thresholds = thresholds; }

    // The entries to log for what changed since the previous reading (usually none).
    QList<LogEntry> evaluate(const Reading &reading);
    // The alarms raised now, sorted by name.
    QStringList active() const;

private:
    struct Sample
    {
        qint64 ms;
        quint64 closes;
        quint64 authFailures;
    };
    enum Index { ClosesIndex, AuthIndex, RedisIndex, DescriptorsIndex, StreamsIndex, Count };
    // Raises or clears one alarm; appends an entry when its state changes.
    void update(QList<LogEntry> *out, Index index, bool raise, bool clear, const QString &what,
                qint64 wallMs);

    AlarmThresholds m_thresholds;
    std::deque<Sample> m_minute; // readings of the last minute, oldest first
    bool m_active[Count] = {};
};

} // namespace ssehub
