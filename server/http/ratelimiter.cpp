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
        if (m_buckets.size() >= m_maxEntries) {
            m_buckets.remove(m_byUse.front());
            m_byUse.pop_front();
        }
        it = m_buckets.insert(key, Bucket {m_burst, now, m_byUse.insert(m_byUse.end(), key)});
    } else {
        m_byUse.splice(m_byUse.end(), m_byUse, it->use);
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
    while (!m_byUse.empty()) {
        const auto it = m_buckets.constFind(m_byUse.front());
        if (now - it->lastMs <= IdleMs)
            break;
        m_buckets.erase(it);
        m_byUse.pop_front();
    }
}

} // namespace ssehub
