#pragma once

#include <QHash>
#include <QString>

#include <list>

namespace ssehub {

// A token bucket per key (a client id, or an address for anonymous publishers): `rate` tokens
// a second, at most `burst` saved up. Time comes from Clock::monotonicMs, so that a test can
// refill a bucket without sleeping. Bounded: at most maxEntries buckets are kept; a new key in a
// full table takes the place of the least recently used one, in constant time, so that a flood
// of keys costs no more per request than one key and cannot free a key that keeps asking.
class RateLimiter
{
public:
    // A bucket idle this long is full again for any useful rate: it carries no information.
    static constexpr qint64 IdleMs = 60000;

    // rate <= 0: no limit. burst <= 0: twice the rate.
    explicit RateLimiter(double rate = 0, double burst = 0, qsizetype maxEntries = 65536);

    void setRate(double rate, double burst);
    double rate() const { return m_rate; }
    double burst() const { return m_burst; }

    // Takes a token from the key's bucket. Otherwise false, with the whole seconds until one
    // is there in *retryAfterSeconds (at least 1).
    bool take(const QString &key, int *retryAfterSeconds);
    // Drops buckets idle for IdleMs (call now and then: memory follows activity).
    void prune();
    qsizetype size() const { return m_buckets.size(); }
    qsizetype maxEntries() const { return m_maxEntries; }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 lastMs = 0;
        std::list<QString>::iterator use; // its place in m_byUse
    };

    double m_rate = 0;
    double m_burst = 0;
    qsizetype m_maxEntries;
    QHash<QString, Bucket> m_buckets;
    std::list<QString> m_byUse; // keys, least recently used first
};

} // namespace ssehub
