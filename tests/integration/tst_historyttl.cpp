// --history-ttl: retention by age, with the injected clock (Clock::advanceForTesting). The
// embedded history (evicted on publish, on a read and on a timer; the horizon, the reset of a
// resuming stream, /stats and /metrics), the Redis Stream (the publish script and the instances'
// periodic trim, checked on a real redis-server) and an instance's own copy.
// The clock of the whole process only moves forward: the cluster test, which needs Redis's ids
// (real time) to be younger than the TTL at first, takes a TTL longer than the earlier jumps.
#include "core/clock.h"
#include "historytest.h"
#include "localengine.h"
#include "redisserver.h"
#include "sseclient.h"

using namespace ssehub;
using namespace ssehub::test;

class TestHistoryTtl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void publishScriptTrimsByAge();
    void expireScriptTrimsByAge();
    void embeddedTtl();
    void clusterTtl();

private:
    RedisReply redis(const QList<QByteArray> &command)
    {
        return redisCall(m_redis->port(), command);
    }
    RedisReply runScript(const RedisScript &script, const QList<QByteArray> &keys,
                         const QList<QByteArray> &args)
    {
        return redisCall(m_redis->port(), args, &script, keys);
    }

    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<Engine> m_a;
    std::unique_ptr<Engine> m_b;
};

void TestHistoryTtl::init()
{
    m_redis = std::make_unique<RedisServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
}

void TestHistoryTtl::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_redis.reset();
}

// The publish script trims entries older than its age bound (and their bytes), never the new
// ones; a Stream written by the test with old ids stands for a cluster idle past the TTL.
void TestHistoryTtl::publishScriptTrimsByAge()
{
    const QByteArray stream = "t:events";
    for (const QByteArray id : {"1000-0", "2000-0", "9000-0"})
        QCOMPARE(redis({"XADD", stream, id, "t", "a", "y", "message", "p", "1"}).string, id);
    const qint64 base = 500;
    const qint64 entry = base + 3 * 1 + 5 * 7 + 4 * 1; // topic "a", type "message", payload "1"
    redis({"SET", stream + ":bytes", QByteArray::number(3 * entry)});
    const RedisReply reply = runScript(
        publishScript(), {stream, stream + ":bytes"},
        {"100", "1000000", QByteArray::number(base), "5000", "a", "message", "1", "t:ev:a"});
    QVERIFY2(!reply.isError(), reply.string.constData());
    QCOMPARE(redis({"XLEN", stream}).integer, 2);
    const RedisReply oldest = redis({"XRANGE", stream, "-", "+", "COUNT", "1"});
    QCOMPARE(oldest.elements.at(0).elements.at(0).string, QByteArray("9000-0"));
    QCOMPARE(redis({"GET", stream + ":bytes"}).string, QByteArray::number(2 * entry));
    // Without an age bound nothing old goes.
    runScript(publishScript(), {stream, stream + ":bytes"},
              {"100", "1000000", QByteArray::number(base), "0", "a", "message", "1", "t:ev:a"});
    QCOMPARE(redis({"XLEN", stream}).integer, 3);
}
// The instances' periodic trim: at most the count given per call, the byte count kept, 0 once
// empty; and the Stream read then says that every id up to the last one is gone.
void TestHistoryTtl::expireScriptTrimsByAge()
{
    const QByteArray stream = "t:events";
    for (const QByteArray id : {"1000-0", "2000-0", "3000-0"})
        redis({"XADD", stream, id, "t", "a", "y", "message", "p", "1"});
    const qint64 entry = 500 + 3 + 35 + 4;
    redis({"SET", stream + ":bytes", QByteArray::number(3 * entry)});
    const QList<QByteArray> keys {stream, stream + ":bytes"};
    QCOMPARE(runScript(expireScript(), keys, {"2500", "500", "1"}).integer, 1);
    QCOMPARE(runScript(expireScript(), keys, {"2500", "500", "10"}).integer, 1);
    QCOMPARE(runScript(expireScript(), keys, {"2500", "500", "10"}).integer, 0);
    QCOMPARE(redis({"XLEN", stream}).integer, 1);
    QCOMPARE(redis({"GET", stream + ":bytes"}).string, QByteArray::number(entry));
    QCOMPARE(runScript(expireScript(), keys, {"10000", "500", "10"}).integer, 1);
    QCOMPARE(redis({"XLEN", stream}).integer, 0);
    QCOMPARE(redis({"GET", stream + ":bytes"}).string, QByteArray("0"));
    const RedisReply read = runScript(readScript(), {stream}, {"", "10", ""});
    QCOMPARE(read.elements.size(), 5);
    QCOMPARE(read.elements.at(0).string, QByteArray("3000-0")); // last generated
    QCOMPARE(read.elements.at(1).string, QByteArray("3000-0")); // all of it gone
    QCOMPARE(read.elements.at(4).string, QByteArray()); // nothing looked for
    // The newest entry at or before an id (what a failover may have lost is told by it).
    for (const QByteArray id : {"4000-0", "5000-0", "6000-0"})
        redis({"XADD", stream, id, "t", "a", "y", "message", "p", "1"});
    QCOMPARE(runScript(readScript(), {stream}, {"", "0", "5000-0"}).elements.at(4).string,
             QByteArray("5000-0"));
    QCOMPARE(runScript(readScript(), {stream}, {"", "0", "5500-3"}).elements.at(4).string,
             QByteArray("5000-0"));
    QCOMPARE(runScript(readScript(), {stream}, {"", "0", "3500-0"}).elements.at(4).string,
             QByteArray());
}
// --history-ttl, embedded: events older than the TTL go on publish, on a read and on the timer;
// the horizon moves, a resuming stream gets `reset`, /stats and /metrics say it.
void TestHistoryTtl::embeddedTtl()
{
    Engine::Config config;
    config.historyTtlMs = 60000;
    auto engine = startLocalEngine(config);
    const quint16 port = engine->port();
    QList<QByteArray> ids;
    for (int i = 0; i < 3; ++i)
        ids << idOf(publish(port, "t/1", QByteArray::number(i)));
    Clock::advanceForTesting(30000);
    for (int i = 3; i < 5; ++i)
        ids << idOf(publish(port, "t/1", QByteArray::number(i)));
    Clock::advanceForTesting(31000); // the first three are 61 s old, the others 31 s
    const HttpResponse page = history(port, "topic=%23");
    QCOMPARE(idsOf(page), ids.mid(3));
    QCOMPARE(retainedOf(page).value(QLatin1String("horizon")).toString().toLatin1(), ids.at(2));
    QCOMPARE(retainedOf(page).value(QLatin1String("ttl_ms")).toInt(), 60000);
    const QJsonObject stats = request(port, "GET", "/stats").json();
    QCOMPARE(stats.value(QLatin1String("history_size")).toInt(), 2);
    QCOMPARE(stats.value(QLatin1String("history_ttl_ms")).toInt(), 60000);
    QCOMPARE(stats.value(QLatin1String("history_horizon")).toString().toLatin1(), ids.at(2));
    QCOMPARE(stats.value(QLatin1String("history_oldest_id")).toString().toLatin1(), ids.at(3));
    const qint64 age = qint64(stats.value(QLatin1String("history_oldest_age_ms")).toDouble());
    QVERIFY2(age >= 31000 && age < 40000, qPrintable(QString::number(age)));
    QVERIFY(stats.value(QLatin1String("history_oldest_timestamp")).toDouble() > 0);
    QCOMPARE(stats.value(QLatin1String("history_evictions"))
                 .toObject()
                 .value(QLatin1String("age"))
                 .toInt(),
             3);
    const QByteArray metrics = request(port, "GET", "/metrics").body;
    QVERIFY(metrics.contains("ssehub_history_evictions_total{reason=\"age\"} 3\n"));
    QVERIFY(metrics.contains("ssehub_history_ttl_seconds 60\n"));
    QVERIFY(metrics.contains("ssehub_history_oldest_age_seconds 3"));
    // A stream resuming from before the expired ones: reset, then what is left.
    SseClient resumed;
    resumed.open(port, "/events?topic=t/1", {{"Last-Event-ID", ids.at(0)}});
    QTRY_COMPARE(resumed.events().size(), 3);
    QCOMPARE(resumed.events().at(0).type, QByteArray("reset"));
    QCOMPARE(resumed.events().at(0).json().value(QLatin1String("reason")).toString(),
             QStringLiteral("history-gap"));
    QCOMPARE(resumed.events().at(1).id, ids.at(3));
    // Nothing published, nothing read: the timer takes the rest.
    Clock::advanceForTesting(60000);
    QTRY_COMPARE(engine->broker()->history().size(), 0);
    QCOMPARE(engine->broker()->history().horizon(), packedId(ids.at(4)));
    SseClient late;
    late.open(port, "/events?topic=t/1", {{"Last-Event-ID", ids.at(3)}});
    QTRY_VERIFY(!late.events().isEmpty());
    QCOMPARE(late.events().at(0).type, QByteArray("reset"));
    // Who had everything misses nothing.
    resumed.close();
    late.close();
    QTRY_COMPARE(engine->hub()->streamCount(), 0);
    SseClient current;
    current.open(port, "/events?topic=t/1", {{"Last-Event-ID", ids.at(4)}});
    QTRY_COMPARE(engine->hub()->streamCount(), 1);
    const QByteArray next = idOf(publish(port, "t/1", "5"));
    QTRY_COMPARE(current.events().size(), 1);
    QCOMPARE(current.events().at(0).id, next);
}
// --history-ttl in cluster mode: the instances trim the Stream by age (and their own copies);
// GET /history answers nothing older, and a stream resuming from before gets `reset`.
void TestHistoryTtl::clusterTtl()
{
    Engine::Config config;
    config.historyTtlMs = 3600 * 1000; // more than the clock moved before this test
    m_a = startClusterEngine(m_redis->port(), config);
    m_b = startClusterEngine(m_redis->port(), config);
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    SseClient onB;
    onB.open(m_b->port(), "/events?topic=x/%23");
    QTRY_COMPARE(m_b->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_b.get()));
    QList<QByteArray> ids;
    for (int i = 0; i < 3; ++i)
        ids << idOf(publish(m_a->port(), "x/1", QByteArray::number(i)));
    QTRY_COMPARE(m_b->broker()->history().size(), 3);
    const HttpResponse before = history(m_a->port(), "topic=%23");
    QCOMPARE(idsOf(before), ids);
    QCOMPARE(retainedOf(before).value(QLatin1String("ttl_ms")).toDouble(), 3600000.0);

    Clock::advanceForTesting(2 * 3600 * 1000);
    QTRY_COMPARE_WITH_TIMEOUT(redis({"XLEN", "ssehub:events"}).integer, 0, 10000);
    QCOMPARE(redis({"GET", "ssehub:events:bytes"}).string, QByteArray("0"));
    // (The jump also timed out the connections' pending commands: they reconnect.)
    QVERIFY(waitSynced(m_a.get()));
    const HttpResponse after = history(m_a->port(), "topic=%23");
    QCOMPARE(after.status, 200);
    QCOMPARE(idsOf(after).size(), 0);
    QCOMPARE(retainedOf(after).value(QLatin1String("events")).toInt(), 0);
    QCOMPARE(retainedOf(after).value(QLatin1String("horizon")).toString().toLatin1(), ids.last());
    QTRY_COMPARE(m_b->broker()->history().size(), 0);
    QCOMPARE(request(m_a->port(), "GET", "/stats")
                 .json()
                 .value(QLatin1String("history_stream"))
                 .toObject()
                 .value(QLatin1String("events"))
                 .toInt(),
             0);
    QCOMPARE(request(m_b->port(), "GET", "/stats")
                 .json()
                 .value(QLatin1String("history_evictions"))
                 .toObject()
                 .value(QLatin1String("age"))
                 .toInt(),
             3);
    SseClient resumed;
    resumed.open(m_a->port(), "/events?topic=x/%23", {{"Last-Event-ID", ids.first()}});
    QTRY_VERIFY(!resumed.events().isEmpty());
    QCOMPARE(resumed.events().at(0).type, QByteArray("reset"));
    QCOMPARE(resumed.events().at(0).json().value(QLatin1String("reason")).toString(),
             QStringLiteral("history-gap"));
}

QTEST_GUILESS_MAIN(TestHistoryTtl)
#include "tst_historyttl.moc"
