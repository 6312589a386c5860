#include "throughputhistory.h"

namespace ssehub {

bool ThroughputHistory::add(const Totals &totals)
{
    if (!m_haveBase || totals.eventsIn < m_base.eventsIn || totals.eventsOut < m_base.eventsOut
        || totals.bytesOut < m_base.bytesOut || totals.slowCloses < m_base.slowCloses
        || totals.authFailures < m_base.authFailures || totals.timeMs < m_base.timeMs) {
        // The first snapshot, or the engine restarted (totals went back): start over from here.
        m_base = totals;
        m_haveBase = true;
        return false;
    }
    const qint64 elapsed = totals.timeMs - m_base.timeMs;
    if (elapsed < 1000)
        return false;
    const double seconds = double(elapsed) / 1000.0;
    Sample sample;
    sample.timeMs = totals.timeMs;
    sample.eventsIn = double(totals.eventsIn - m_base.eventsIn) / seconds;
    sample.eventsOut = double(totals.eventsOut - m_base.eventsOut) / seconds;
    sample.bytesOut = double(totals.bytesOut - m_base.bytesOut) / seconds;
    sample.connections = totals.connections;
    sample.clients = totals.clients;
    sample.topics = totals.topics;
    sample.slowCloses = double(totals.slowCloses - m_base.slowCloses) / seconds;
    sample.authFailures = double(totals.authFailures - m_base.authFailures) / seconds;
    m_base = totals;
    m_fine.push_back(sample);
    if (m_fine.size() > FineCapacity)
        m_fine.pop_front();

    m_coarseSum.eventsIn += sample.eventsIn;
    m_coarseSum.eventsOut += sample.eventsOut;
    m_coarseSum.bytesOut += sample.bytesOut;
    m_coarseSum.connections += sample.connections;
    m_coarseSum.clients += sample.clients;
    m_coarseSum.topics += sample.topics;
    m_coarseSum.slowCloses += sample.slowCloses;
    m_coarseSum.authFailures += sample.authFailures;
    if (++m_coarseCount == CoarseSeconds) {
        Sample average;
        average.timeMs = sample.timeMs;
        average.eventsIn = m_coarseSum.eventsIn / CoarseSeconds;
        average.eventsOut = m_coarseSum.eventsOut / CoarseSeconds;
        average.bytesOut = m_coarseSum.bytesOut / CoarseSeconds;
        average.connections = m_coarseSum.connections / CoarseSeconds;
        average.clients = m_coarseSum.clients / CoarseSeconds;
        average.topics = m_coarseSum.topics / CoarseSeconds;
        average.slowCloses = m_coarseSum.slowCloses / CoarseSeconds;
        average.authFailures = m_coarseSum.authFailures / CoarseSeconds;
        m_coarse.push_back(average);
        if (m_coarse.size() > CoarseCapacity)
            m_coarse.pop_front();
        m_coarseSum = Sample();
        m_coarseCount = 0;
    }
    return true;
}

void ThroughputHistory::clear()
{
    *this = ThroughputHistory();
}

} // namespace ssehub
