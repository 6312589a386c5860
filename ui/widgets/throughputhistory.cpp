#include "throughputhistory.h"

#include <utility>

namespace ssehub {

namespace {

using Sample = ThroughputHistory::Sample;
using Totals = ThroughputHistory::Totals;

// The running counters and the rate each becomes.
constexpr std::pair<quint64 Totals::*, double Sample::*> Rates[] = {
    {&Totals::eventsIn, &Sample::eventsIn},
    {&Totals::eventsOut, &Sample::eventsOut},
    {&Totals::bytesOut, &Sample::bytesOut},
    {&Totals::slowCloses, &Sample::slowCloses},
    {&Totals::deadCloses, &Sample::deadCloses},
    {&Totals::kickCloses, &Sample::kickCloses},
    {&Totals::shutdownCloses, &Sample::shutdownCloses},
    {&Totals::authFailures, &Sample::authFailures},
    {&Totals::connectionLimitRejections, &Sample::connectionLimitRejections},
    {&Totals::rateLimitRejections, &Sample::rateLimitRejections},
    {&Totals::badRequests, &Sample::badRequests},
    {&Totals::fdLimitRejections, &Sample::fdLimitRejections},
};

// Every figure of a sample, for the averages.
constexpr double Sample::*Figures[] = {
    &Sample::eventsIn,
    &Sample::eventsOut,
    &Sample::bytesOut,
    &Sample::connections,
    &Sample::clients,
    &Sample::topics,
    &Sample::queuedBytes,
    &Sample::slowCloses,
    &Sample::deadCloses,
    &Sample::kickCloses,
    &Sample::shutdownCloses,
    &Sample::authFailures,
    &Sample::connectionLimitRejections,
    &Sample::rateLimitRejections,
    &Sample::badRequests,
    &Sample::fdLimitRejections,
};

} // namespace

void ThroughputHistory::markGap()
{
    m_haveBase = false;
    m_gapPending = true;
    m_coarseGapPending = true;
    // No average spans the time without data.
    m_coarseSum = Sample();
    m_coarseCount = 0;
}

bool ThroughputHistory::add(const Totals &totals)
{
    bool wentBack = totals.timeMs < m_base.timeMs;
    for (const auto &[total, rate] : Rates) {
        Q_UNUSED(rate);
        wentBack = wentBack || totals.*total < m_base.*total;
    }
    if (!m_haveBase || wentBack) {
        // The first snapshot, or the engine restarted (totals went back): start over from here.
        if (m_haveBase && wentBack)
            markGap();
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
    sample.gapBefore = std::exchange(m_gapPending, false);
    for (const auto &[total, rate] : Rates)
        sample.*rate = double(totals.*total - m_base.*total) / seconds;
    sample.connections = totals.connections;
    sample.clients = totals.clients;
    sample.topics = totals.topics;
    sample.queuedBytes = double(totals.queuedBytes);
    m_base = totals;
    m_fine.push_back(sample);
    if (m_fine.size() > FineCapacity)
        m_fine.pop_front();

    for (double Sample::*figure : Figures)
        m_coarseSum.*figure += sample.*figure;
    if (++m_coarseCount == CoarseSeconds) {
        Sample average;
        average.timeMs = sample.timeMs;
        average.gapBefore = std::exchange(m_coarseGapPending, false);
        for (double Sample::*figure : Figures)
            average.*figure = m_coarseSum.*figure / CoarseSeconds;
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
