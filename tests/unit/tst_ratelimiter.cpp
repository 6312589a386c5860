// The publish rate limiter (server/http/ratelimiter.*): bursts, refill as the clock moves (the
// test drives Clock instead of sleeping), retry hints, and the bound on its buckets.
#include "core/clock.h"
#include "http/ratelimiter.h"

#include <QTest>

using namespace ssehub;

namespace {

// How many tokens a key can take right now.
int drain(RateLimiter &limiter, const QString &key, int *retryAfter = nullptr)
{
    int taken = 0;
    int retry = 0;
    while (taken < 1000 && limiter.take(key, &retry))
        ++taken;
    if (retryAfter)
        *retryAfter = retry;
    return taken;
}

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noRateNoLimit();
    void burstIsTwiceTheRateByDefault();
    void refillsWithTheClock();
    void refillStopsAtTheBurst();
    void keysHaveTheirOwnBuckets();
    void newRateKeepsTheBuckets();
    void idleBucketsArePruned();
    void bucketsAreBounded();
    void aFullTableDropsTheLeastRecentlyUsed();
    void aFloodOfKeysCannotFreeAThrottledKey();
};

void TestRateLimiter::noRateNoLimit()
{
    RateLimiter limiter;
    QCOMPARE(drain(limiter, QStringLiteral("a")), 1000);
    QCOMPARE(limiter.size(), 0);
}

void TestRateLimiter::burstIsTwiceTheRateByDefault()
{
    RateLimiter limiter(2);
    QCOMPARE(limiter.burst(), 4.0);
    int retryAfter = 0;
    QCOMPARE(drain(limiter, QStringLiteral("a"), &retryAfter), 4);
    QCOMPARE(retryAfter, 1); // one token at 2/s: half a second, said as 1 s

    RateLimiter explicitBurst(2, 1);
    QCOMPARE(drain(explicitBurst, QStringLiteral("a")), 1);
}

void TestRateLimiter::refillsWithTheClock()
{
    RateLimiter limiter(0.5, 1); // a token every 2 s
    const QString key = QStringLiteral("client:a");
    int retryAfter = 0;
    QVERIFY(limiter.take(key, &retryAfter));
    QVERIFY(!limiter.take(key, &retryAfter));
    QCOMPARE(retryAfter, 2);
    Clock::advanceForTesting(1000);
    QVERIFY(!limiter.take(key, &retryAfter));
    QCOMPARE(retryAfter, 1); // half a token there
    Clock::advanceForTesting(1000);
    QVERIFY(limiter.take(key, &retryAfter));
    QVERIFY(!limiter.take(key, &retryAfter));
}

void TestRateLimiter::refillStopsAtTheBurst()
{
    RateLimiter limiter(10, 3);
    const QString key = QStringLiteral("a");
    QCOMPARE(drain(limiter, key), 3);
    Clock::advanceForTesting(50000); // far more than 3 tokens' worth (and not yet idle)
    QCOMPARE(drain(limiter, key), 3);
    Clock::advanceForTesting(100);
    QCOMPARE(drain(limiter, key), 1);
}

void TestRateLimiter::keysHaveTheirOwnBuckets()
{
    RateLimiter limiter(1, 1);
    QCOMPARE(drain(limiter, QStringLiteral("client:a")), 1);
    QCOMPARE(drain(limiter, QStringLiteral("client:b")), 1);
    QCOMPARE(drain(limiter, QStringLiteral("address:127.0.0.1")), 1);
    QCOMPARE(drain(limiter, QStringLiteral("client:a")), 0);
    QCOMPARE(limiter.size(), 3);
}

void TestRateLimiter::newRateKeepsTheBuckets()
{
    // A reload changes the rate, not what a publisher has already used.
    RateLimiter limiter(1, 2);
    QCOMPARE(drain(limiter, QStringLiteral("a")), 2);
    limiter.setRate(100, 200);
    QCOMPARE(drain(limiter, QStringLiteral("a")), 0);
    QCOMPARE(drain(limiter, QStringLiteral("b")), 200);
}

void TestRateLimiter::idleBucketsArePruned()
{
    RateLimiter limiter(1, 1);
    QCOMPARE(drain(limiter, QStringLiteral("old")), 1);
    Clock::advanceForTesting(RateLimiter::IdleMs / 2);
    QCOMPARE(drain(limiter, QStringLiteral("recent")), 1);
    Clock::advanceForTesting(RateLimiter::IdleMs / 2 + 1);
    limiter.prune();
    QCOMPARE(limiter.size(), 1);
    limiter.prune();
    QCOMPARE(limiter.size(), 1);
}

void TestRateLimiter::bucketsAreBounded()
{
    // A flood of keys (addresses of anonymous publishers) cannot grow the table past its bound.
    RateLimiter limiter(0.001, 1, 100);
    QCOMPARE(limiter.maxEntries(), 100);
    for (int i = 0; i < 1000; ++i) {
        int retryAfter = 0;
        QVERIFY(limiter.take(QStringLiteral("address:10.0.%1.%2").arg(i / 256).arg(i % 256),
                             &retryAfter));
        QVERIFY(limiter.size() <= 100);
        Clock::advanceForTesting(1);
    }
    QCOMPARE(limiter.size(), 100);
    // The most recent keys are still limited; the stalest made room for them.
    int retryAfter = 0;
    QVERIFY(!limiter.take(QStringLiteral("address:10.0.3.231"), &retryAfter));
    QVERIFY(limiter.take(QStringLiteral("address:10.0.0.0"), &retryAfter));
}

void TestRateLimiter::aFullTableDropsTheLeastRecentlyUsed()
{
    RateLimiter limiter(1, 3, 2);
    QCOMPARE(drain(limiter, QStringLiteral("first")), 3);
    QCOMPARE(drain(limiter, QStringLiteral("second")), 3);
    int retryAfter = 0;
    QVERIFY(!limiter.take(QStringLiteral("first"), &retryAfter)); // used again: now the newest
    QVERIFY(limiter.take(QStringLiteral("new"), &retryAfter));
    QCOMPARE(limiter.size(), 2);
    // "second" made room (a fresh bucket: 3 tokens); "first" kept its empty one.
    QVERIFY(!limiter.take(QStringLiteral("first"), &retryAfter));
    QCOMPARE(drain(limiter, QStringLiteral("second")), 3);
}

void TestRateLimiter::aFloodOfKeysCannotFreeAThrottledKey()
{
    // A publisher over its rate that keeps asking stays limited while other keys churn the table.
    RateLimiter limiter(0.001, 1, 10);
    int retryAfter = 0;
    QVERIFY(limiter.take(QStringLiteral("hammer"), &retryAfter));
    for (int i = 0; i < 1000; ++i) {
        QVERIFY(limiter.take(QStringLiteral("flood:%1").arg(i), &retryAfter));
        QVERIFY2(!limiter.take(QStringLiteral("hammer"), &retryAfter),
                 qPrintable(QString::number(i)));
        QVERIFY(limiter.size() <= 10);
    }
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
