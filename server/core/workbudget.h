#pragma once

#include <QtGlobal>

namespace ssehub {

// One token bucket for work whose cost is known only once it is done: `rate` units a second,
// at most one second's worth saved up. A taker asks whether anything is left (take()), does
// its work, then pays what it cost (spend()). The balance may fall below zero, and nobody is
// let in again until it is back above, so the work done in any second stays within the rate
// plus one taker's cost. Time comes from Clock::monotonicMs (tests move it forward).
class WorkBudget
{
public:
    // rate <= 0: no bound.
    explicit WorkBudget(double ratePerSecond = 0);

    void setRate(double ratePerSecond);
    double rate() const { return m_rate; }

    // True when something is left (the taker may start); false is counted as a refusal.
    bool take();
    void spend(double units);

    double balance() const { return m_balance; }
    quint64 refused() const { return m_refused; }

private:
    void refill();

    double m_rate = 0;
    double m_balance = 0;
    qint64 m_lastMs = 0;
    quint64 m_refused = 0;
};

} // namespace ssehub
