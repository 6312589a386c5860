#include "core/workbudget.h"

#include "core/clock.h"

#include <algorithm>

namespace ssehub {

WorkBudget::WorkBudget(double ratePerSecond)
{
    setRate(ratePerSecond);
}

void WorkBudget::setRate(double ratePerSecond)
{
    m_rate = ratePerSecond;
    m_balance = std::max(0.0, ratePerSecond);
    m_lastMs = Clock::monotonicMs();
}

void WorkBudget::refill()
{
    const qint64 now = Clock::monotonicMs();
    if (now <= m_lastMs)
        return;
    m_balance = std::min(m_rate, m_balance + m_rate * double(now - m_lastMs) / 1000.0);
    m_lastMs = now;
}

bool WorkBudget::take()
{
    if (m_rate <= 0)
        return true;
    refill();
    if (m_balance > 0)
        return true;
    ++m_refused;
    return false;
}

void WorkBudget::spend(double units)
{
    if (m_rate > 0)
        m_balance -= units;
}

} // namespace ssehub
