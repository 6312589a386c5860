#include "core/clock.h"

#include <QDateTime>

#include <atomic>
#include <ctime>

namespace ssehub::Clock {

namespace {
std::atomic<qint64> advancedMs {0};
} // namespace

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch() + advancedMs.load(std::memory_order_relaxed);
}

qint64 monotonicMs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000
        + advancedMs.load(std::memory_order_relaxed);
}

void advanceForTesting(qint64 ms)
{
    advancedMs.fetch_add(qMax<qint64>(ms, 0), std::memory_order_relaxed);
}

} // namespace ssehub::Clock
