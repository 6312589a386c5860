#pragma once

#include <QList>
#include <QtGlobal>

#include <deque>

namespace ssehub {

// Per-second rates derived from the snapshots' running totals, kept in two bounded rings: the
// last 5 minutes at 1 s and the last hour at 10 s (averages). No widget code: the charts and
// the overview's trends read it. A sample after a time without data (the server stopped, the
// link lost) says so (gapBefore), so that no chart draws a line across the downtime.
class ThroughputHistory
{
public:
    struct Sample
    {
        qint64 timeMs = 0; // ms since the epoch, end of the interval
        bool gapBefore = false; // no data between the previous sample and this one
        double eventsIn = 0; // per second
        double eventsOut = 0;
        double bytesOut = 0;
        double connections = 0;
        double clients = 0;
        double topics = 0;
        double queuedBytes = 0; // a level, not a rate
        // Closes by reason, per second.
        double slowCloses = 0;
        double deadCloses = 0;
        double kickCloses = 0;
        double shutdownCloses = 0;
        // Refusals by reason, per second.
        double authFailures = 0;
        double connectionLimitRejections = 0;
        double rateLimitRejections = 0;
        double badRequests = 0; // 400 and 413
        double fdLimitRejections = 0;
    };
    struct Totals
    {
        qint64 timeMs = 0;
        quint64 eventsIn = 0;
        quint64 eventsOut = 0;
        quint64 bytesOut = 0;
        int connections = 0;
        int clients = 0;
        int topics = 0;
        qint64 queuedBytes = 0;
        quint64 slowCloses = 0;
        quint64 deadCloses = 0;
        quint64 kickCloses = 0;
        quint64 shutdownCloses = 0;
        quint64 authFailures = 0;
        quint64 connectionLimitRejections = 0;
        quint64 rateLimitRejections = 0;
        quint64 badRequests = 0;
        quint64 fdLimitRejections = 0;
    };
    static constexpr size_t FineCapacity = 300; // 5 minutes of seconds
    static constexpr size_t CoarseCapacity = 360; // an hour of 10 s
    static constexpr int CoarseSeconds = 10;

    // Feeds the totals of a snapshot; returns true when a new one-second sample was added.
    bool add(const Totals &totals);
    void clear();
    // The next totals start over (the nodes they sum changed): no rate from the jump.
    void rebase() { m_haveBase = false; }
    // No data comes for a while (the server stopped, the link was lost): the next sample
    // starts a new segment, and no rate or average spans the time without data.
    void markGap();

    const std::deque<Sample> &fine() const { return m_fine; }
    const std::deque<Sample> &coarse() const { return m_coarse; }
    // The newest sample (zeros before the first).
    Sample latest() const { return m_fine.empty() ? Sample() : m_fine.back(); }

private:
    bool m_haveBase = false;
    bool m_gapPending = false; // for the next fine sample
    bool m_coarseGapPending = false; // for the next coarse sample
    Totals m_base; // totals at the start of the running second
    std::deque<Sample> m_fine;
    std::deque<Sample> m_coarse;
    Sample m_coarseSum;
    int m_coarseCount = 0;
};

} // namespace ssehub
