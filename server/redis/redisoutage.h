#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>

namespace ssehub {

// When Redis stopped answering and how long for, so that an outage is logged with its length
// and the publishes refused meanwhile. Instants are kept twice: wall time is what the log
// shows, the monotonic clock measures the length (a wall clock step does not stretch it).
class RedisOutage
{
public:
    struct Report
    {
        qint64 fromMs = 0; // wall clock
        qint64 toMs = 0;
        qint64 durationMs = 0; // monotonic
        quint64 refused = 0; // publishes refused meanwhile

        // "Redis at <where> was unreachable from <from> to <to> (<n> s); <k> publishes refused
        // meanwhile": the log line and the connection log's entry.
        QString text(const QString &where) const;
    };

    // Not reachable until the first connection (nothing to do once one began).
    void starting();
    // A round trip Redis answered.
    void answered();
    // A publish refused because Redis could not be reached.
    void refused() { ++m_refused; }
    quint64 refusedTotal() const { return m_refused; }
    // A connection failed or was lost (not the first connect itself).
    void lost() { m_lost = true; }
    // Not ready any more: unreachable since its last answer.
    void began();
    // Ready again: the outage that ended, if a connection failed or was lost since it began.
    std::optional<Report> ended();

private:
    qint64 m_downSinceMs = 0; // start of the current outage (0: none), wall clock
    qint64 m_downSinceMono = 0;
    qint64 m_lastAnswerMs = 0; // the last round trip Redis answered, wall clock
    qint64 m_lastAnswerMono = 0;
    bool m_lost = false; // a connection failed or was lost since m_downSinceMs
    quint64 m_refused = 0;
    quint64 m_refusedAtDown = 0;
};

} // namespace ssehub
