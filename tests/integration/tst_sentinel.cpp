// The hiredis adapter behind Redis Sentinel, against a real deployment the test starts (a
// primary, a replica, three sentinels): the primary found through the sentinels, a failover
// followed after kill -9 of the primary, dead sentinels skipped, an unknown name refused.
#include "engine/engine.h"
#include "httpclient.h"
#include "redis/redisbroker.h"
#include "redis/redisconnection.h"
#include "sentineltopology.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

class TestSentinel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_topology.reset(); }
    void findsThePrimary();
    void followsAFailover();
    void unknownNameIsNeverReady();
    void engineFollowsAFailover();
    void engineOptionsChecked();

private:
    RedisConnection::Options options(const QByteArray &master = SentinelTopology::MasterName) const
    {
        RedisConnection::Options o;
        o.backoffInitialMs = 50;
        o.backoffMaxMs = 500;
        o.commandTimeoutMs = 1000;
        o.connectTimeoutMs = 1000;
        o.port = 1; // overwritten by the sentinels' answer
        o.sentinelMaster = master;
        o.sentinels << qMakePair(QStringLiteral("127.0.0.1"), freePort()); // nobody there
        for (quint16 port : m_topology->sentinelPorts())
            o.sentinels << qMakePair(QStringLiteral("127.0.0.1"), port);
        return o;
    }
    // SET through the connection; the reply's text.
    static QByteArray set(RedisConnection &redis, const QByteArray &value)
    {
        QByteArray answer;
        bool answered = false;
        if (!redis.command({"SET", "k", value}, [&](const RedisReply &r) {
                answer = r.string;
                answered = true;
            }))
            return "not ready";
        if (!QTest::qWaitFor([&answered] { return answered; }, 5000))
            return "no answer";
        return answer;
    }

    // Waits until every sentinel names a primary other than `before`.
    bool promoted(quint16 before) const
    {
        QElapsedTimer clock;
        clock.start();
        const bool done = QTest::qWaitFor(
            [&] {
                const quint16 now = m_topology->primaryPort();
                return now && now != before;
            },
            60000);
        qInfo("the sentinels named a new primary after %lld ms", clock.elapsed());
        return done;
    }

    std::unique_ptr<SentinelTopology> m_topology;
};

void TestSentinel::init()
{
    m_topology = std::make_unique<SentinelTopology>();
    QVERIFY2(m_topology->start(), qPrintable(m_topology->error()));
}

void TestSentinel::findsThePrimary()
{
    const quint16 primary = m_topology->primaryPort();
    QVERIFY(primary);
    RedisConnection redis(options());
    redis.start();
    // The first sentinel is not there: the next ones are asked.
    QTRY_COMPARE_WITH_TIMEOUT(redis.state(), RedisConnection::State::Ready, 10000);
    QCOMPARE(redis.address(), QStringLiteral("127.0.0.1:%1").arg(primary));
    QCOMPARE(set(redis, "1"), QByteArray("OK"));
}

void TestSentinel::followsAFailover()
{
    const quint16 first = m_topology->primaryPort();
    RedisConnection redis(options());
    QSignalSpy lost(&redis, &RedisConnection::disconnected);
    redis.start();
    QTRY_COMPARE_WITH_TIMEOUT(redis.state(), RedisConnection::State::Ready, 10000);
    QCOMPARE(set(redis, "before"), QByteArray("OK"));
    m_topology->killPrimary();
    QVERIFY(lost.wait(5000));
    // The sentinels promote the replica (down after 1 s, then the election): the connection
    // keeps asking them and lands on the new primary, where writes are accepted.
    // An election that splits the votes is tried again after twice the failover timeout.
    QVERIFY(promoted(first));
    const quint16 second = m_topology->primaryPort();
    QTRY_VERIFY_WITH_TIMEOUT(redis.state() == RedisConnection::State::Ready
                                 && redis.address() == QStringLiteral("127.0.0.1:%1").arg(second),
                             15000);
    QCOMPARE(set(redis, "after"), QByteArray("OK"));
    QCOMPARE(redisCli(second, {QStringLiteral("GET"), QStringLiteral("k")}), QByteArray("after"));
}

void TestSentinel::unknownNameIsNeverReady()
{
    RedisConnection redis(options("no-such-primary"));
    QSignalSpy lost(&redis, &RedisConnection::disconnected);
    redis.start();
    QVERIFY(lost.wait(10000));
    QCOMPARE(redis.state(), RedisConnection::State::Disconnected);
    QVERIFY2(redis.lastError().contains(QLatin1String("no sentinel told where the primary "
                                                      "'no-such-primary' is")),
             qPrintable(redis.lastError()));
    QVERIFY(!redis.command({"PING"}, [](const RedisReply &) {}));
}

void TestSentinel::engineFollowsAFailover()
{
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.redisUrl = QStringLiteral("redis://127.0.0.1:1"); // its host: only until asked
    config.redisBackoffMaxMs = 300;
    config.redisTimeoutMs = 1000;
    config.redisMaster = SentinelTopology::MasterName;
    for (quint16 port : m_topology->sentinelPorts())
        config.redisSentinels << "127.0.0.1:" + QByteArray::number(port);
    Engine engine(config);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(engine.broker()->isReady(), 10000);
    SseClient reader;
    reader.open(engine.port(), "/events?topic=t");
    QTRY_VERIFY_WITH_TIMEOUT(engine.redisBroker()->subscriber()->subscriptionsConfirmed(), 5000);
    QCOMPARE(publish(engine.port(), "t", "{\"n\":1}").status, 200);
    QTRY_COMPARE(reader.messages().size(), 1);
    const quint16 first = m_topology->primaryPort();
    m_topology->killPrimary();
    // Refused (503) while there is no primary; accepted again once the replica is promoted.
    QTRY_VERIFY_WITH_TIMEOUT(!engine.broker()->isReady(), 5000);
    QCOMPARE(publish(engine.port(), "t", "{\"n\":0}").status, 503);
    // An election that splits the votes is tried again after twice the failover timeout.
    QVERIFY(promoted(first));
    QTRY_COMPARE_WITH_TIMEOUT(publish(engine.port(), "t", "{\"n\":2}").status, 200, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!reader.messages().isEmpty()
                                 && reader.messages()
                                         .last()
                                         .json()
                                         .value(QLatin1String("payload"))
                                         .toObject()
                                         .value(QLatin1String("n"))
                                     == 2,
                             10000);
}

void TestSentinel::engineOptionsChecked()
{
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.redisSentinels << "127.0.0.1:" + QByteArray::number(m_topology->sentinelPorts().first());
    QString error;
    {
        Engine engine(config); // no --redis
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(QLatin1String("--redis URL")), qPrintable(error));
    }
    config.redisUrl = QStringLiteral("redis://127.0.0.1:1");
    {
        Engine engine(config); // no --redis-master
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(QLatin1String("--redis-master")), qPrintable(error));
    }
    config.redisMaster = "m";
    config.redisSentinels = {"no-port"};
    {
        Engine engine(config);
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(QLatin1String("HOST:PORT")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestSentinel)
#include "tst_sentinel.moc"
