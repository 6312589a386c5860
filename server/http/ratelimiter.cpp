#include "http/ratelimiter.h"

#include "core/clock.h"

#include <cmath>

namespace ssehub {

RateLimiter::RateLimiter(double rate, double burst, qsizetype maxEntries)
    : m_maxEntries(qMax<qsizetype>(1, maxEntries))
{
    setRate(rate, burst);
}

void RateLimiter::setRate(double rate, double burst)
{
    m_rate = rate;
    m_burst = burst > 0 ? burst : 2 * rate;
}

bool RateLimiter::take(const QString &key, int *retryAfterSeconds)
{
    if (m_rate <= 0)
        return true;
    const qint64 now = Clock::monotonicMs();
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_maxEntries)
            makeRoom(now);
        it = m_buckets.insert(key, Bucket {m_burst, now});
    }
    it->tokens = qMin(m_burst, it->tokens + double(now - it->lastMs) * m_rate / 1000);
    it->lastMs = now;
    if (it->tokens >= 1) {
        it->tokens -= 1;
        return true;
    }
    *retryAfterSeconds = qMax(1, int(std::ceil((1 - it->tokens) / m_rate)));
    return false;
}

void RateLimiter::prune()
{
    const qint64 now = Clock::monotonicMs();
    m_buckets.removeIf([now](Buckets::iterator it) { return now - it->lastMs > IdleMs; });
}

void RateLimiter::makeRoom(qint64 now)
{
    // A bucket that has refilled is what a new one would be: dropping it changes nothing.
    m_buckets.removeIf([this, now](Buckets::iterator it) {
        const Bucket &b = it.value();
        return b.tokens + double(now - b.lastMs) * m_rate / 1000 >= m_burst;
    });
    if (m_buckets.size() < m_maxEntries)
        return;
    // Every bucket is in use (a flood of keys): the stalest one goes.
    auto stalest = m_buckets.begin();
    for (auto it = m_buckets.begin(); it != m_buckets.end(); ++it) {
        if (it->lastMs < stalest->lastMs)
            stalest = it;
    }
    m_buckets.erase(stalest);
}

} // namespace ssehub
