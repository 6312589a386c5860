// The hiredis adapter behind Redis Sentinel, against a real deployment the test starts (a
// primary, a replica, three sentinels): the primary found through the sentinels, a failover
// followed after kill -9 of the primary, dead sentinels skipped, an unknown name refused.
#include "engine/engine.h"
#include "httpclient.h"
#include "rawconnection.h"
#include "redis/redisbroker.h"
#include "redis/redisconnection.h"
#include "redis/sentinelwatch.h"
#include "sentineltopology.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
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
    void switchFollowedAtOnce();
    void frozenSentinelLeft();
    void announcementsChecked();
    void replicaDownKeepsCommandsMoving();
    void passwords();
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

    Engine::Config engineConfig() const
    {
        Engine::Config config;
        config.listenAddress = QHostAddress(QHostAddress::LocalHost);
        config.port = 0;
        config.redisUrl = QStringLiteral("redis://127.0.0.1:1"); // its host: only until asked
        config.redisBackoffMaxMs = 300;
        config.redisTimeoutMs = 1000;
        config.redisReplicaTimeoutMs = 500;
        config.redisMaster = SentinelTopology::MasterName;
        for (quint16 port : m_topology->sentinelPorts())
            config.redisSentinels << "127.0.0.1:" + QByteArray::number(port);
        return config;
    }

    // A file in the test's scratch directory with these contents; its path.
    QString scratchFile(const char *name, const QByteArray &contents) const
    {
        const QString path = m_dir.filePath(QString::fromLatin1(name));
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(contents) != contents.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<SentinelTopology> m_topology;
};

void TestSentinel::init()
{
    SentinelTopology::Options options;
    if (QByteArrayView(QTest::currentTestFunction()) == "passwords") {
        options.password = "server secret";
        options.sentinelPassword = "sentinel secret";
    }
    m_topology = std::make_unique<SentinelTopology>(options);
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
    Engine engine(engineConfig());
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

void TestSentinel::switchFollowedAtOnce()
{
    // An operator's switch (SENTINEL FAILOVER) leaves the old primary running, as a replica
    // that still answers reads, PINGs and the tick: only +switch-master tells the engine, which
    // moves both connections without waiting for a write to be refused.
    Engine engine(engineConfig());
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    RedisBroker *redis = engine.redisBroker();
    QTRY_VERIFY_WITH_TIMEOUT(redis->isReady(), 10000);
    SseClient reader;
    reader.open(engine.port(), "/events?topic=t");
    QTRY_VERIFY_WITH_TIMEOUT(redis->subscriber()->subscriptionsConfirmed(), 5000);
    const quint16 first = m_topology->primaryPort();
    const QString old = QStringLiteral("127.0.0.1:%1").arg(first);
    QCOMPARE(redis->commands()->address(), old);
    QCOMPARE(m_topology->sentinelCli(m_topology->sentinelPorts().at(1),
                                     {QStringLiteral("SENTINEL"), QStringLiteral("FAILOVER"),
                                      QString::fromLatin1(SentinelTopology::MasterName)}),
             QByteArray("OK"));
    QVERIFY(promoted(first));
    const QString now = QStringLiteral("127.0.0.1:%1").arg(m_topology->primaryPort());
    QTRY_COMPARE_WITH_TIMEOUT(redis->commands()->address(), now, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(redis->subscriber()->address(), now, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(redis->isReady() && redis->subscriber()->subscriptionsConfirmed(),
                             5000);
    QVERIFY(engine.metricsText().contains("ssehub_redis_sentinel_switches_total 1"));
    QTRY_VERIFY(engine.metricsText().contains("ssehub_redis_sentinel_watch_up 1"));
    QCOMPARE(publish(engine.port(), "t", "{\"n\":1}").status, 200);
    QTRY_COMPARE(reader.messages().size(), 1);
}

void TestSentinel::frozenSentinelLeft()
{
    // The watched sentinel freezes (alive to the kernel, silent), then an operator switches the
    // primary: the watch moves to another sentinel within seconds and the switch is followed
    // long before the old primary is demoted.
    Engine engine(engineConfig());
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    RedisBroker *redis = engine.redisBroker();
    QTRY_VERIFY_WITH_TIMEOUT(redis->isReady() && redis->sentinelWatch()->isWatching(), 10000);
    const QString watched = redis->sentinelWatch()->watching();
    const quint16 frozen = quint16(watched.section(QLatin1Char(':'), 1).toUInt());
    m_topology->pauseSentinel(frozen, true);
    quint16 asked = 0;
    for (quint16 port : m_topology->sentinelPorts())
        asked = port != frozen ? port : asked;
    const quint16 before
        = quint16(redis->commands()->address().section(QLatin1Char(':'), 1).toUInt());
    QCOMPARE(m_topology->sentinelCli(asked,
                                     {QStringLiteral("SENTINEL"), QStringLiteral("FAILOVER"),
                                      QString::fromLatin1(SentinelTopology::MasterName)}),
             QByteArray("OK"));
    QElapsedTimer clock;
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(
        redis->commands()->address() != QStringLiteral("127.0.0.1:%1").arg(before), 8000);
    qInfo("moved off the old primary %lld ms after the switch was asked for", clock.elapsed());
    QVERIFY(redis->sentinelWatch()->watching() != watched);
    m_topology->pauseSentinel(frozen, false);
}

void TestSentinel::announcementsChecked()
{
    // A "sentinel" that is a plain redis-server: what is PUBLISHed on +switch-master there is
    // what the watch hears.
    RedisServer liar;
    QVERIFY2(liar.start(), qPrintable(liar.error()));
    RedisConnection::Options options;
    options.sentinelMaster = "m";
    options.sentinels << qMakePair(QStringLiteral("127.0.0.1"), liar.port());
    SentinelWatch watch(options);
    QList<QString> named;
    connect(&watch, &SentinelWatch::primaryAt, this, [&](const QString &host, quint16 port) {
        named << host + QLatin1Char(':') + QString::number(port);
    });
    watch.start();
    QTRY_VERIFY(
        !redisCli(liar.port(), {QStringLiteral("PUBSUB"), QStringLiteral("CHANNELS")}).isEmpty());
    const auto say = [&](const QByteArray &text) {
        redisCli(liar.port(),
                 {QStringLiteral("PUBLISH"), QStringLiteral("+switch-master"),
                  QString::fromLatin1(text)});
    };
    say("m 10.0.0.1 1 " + QByteArray(300, 'h') + " 6379"); // a host too long
    say("m 10.0.0.1 1 bad/host 6379");
    say("m 10.0.0.1 1 127.0.0.1 0");
    say("m 10.0.0.1 1 127.0.0.1 70000");
    say("other 10.0.0.1 1 127.0.0.1 6379"); // another primary
    say("m 10.0.0.1 1 127.0.0.1 7001");
    QTRY_COMPARE(named, QList<QString> {QStringLiteral("127.0.0.1:7001")});
    QCOMPARE(watch.switches(), quint64(1));
    // The same address again is nothing new; a flood of alternating ones moves the connections
    // at most once a second, to the newest.
    say("m 10.0.0.1 1 127.0.0.1 7001");
    for (int i = 0; i < 50; ++i)
        say("m 10.0.0.1 1 127.0.0.1 " + QByteArray::number(7002 + i % 2));
    QTRY_COMPARE_WITH_TIMEOUT(named.size(), 2, 3000);
    QTRY_COMPARE(named.last(), QStringLiteral("127.0.0.1:7003"));
    QVERIFY2(named.size() <= 3, qPrintable(named.join(QLatin1Char(' '))));
}

void TestSentinel::replicaDownKeepsCommandsMoving()
{
    // --redis-min-replicas 1 with the only replica frozen: every publish waits for it at most
    // about twice the replica timeout and gets 503, and the command connection is never held
    // past its own timeout (one WAIT at a time), so it is not dropped.
    Engine::Config config = engineConfig();
    config.redisTimeoutMs = 5000;
    config.redisMinReplicas = 1;
    config.redisReplicaTimeoutMs = 2000;
    Engine engine(config);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    RedisBroker *redis = engine.redisBroker();
    QTRY_VERIFY_WITH_TIMEOUT(redis->isReady(), 10000);
    QCOMPARE(publish(engine.port(), "t", "{\"n\":1}").status, 200);
    RedisServer *replica = m_topology->server(m_topology->replicaPort());
    replica->pause();
    const int reconnects = redis->commands()->reconnects();
    std::vector<std::unique_ptr<RawConnection>> publishers;
    for (int i = 0; i < 20; ++i) {
        publishers.push_back(std::make_unique<RawConnection>(engine.port()));
        publishers.back()->send(publishRequest("t", "{\"n\":" + QByteArray::number(i) + '}'));
    }
    for (auto &publisher : publishers) {
        QTRY_COMPARE_WITH_TIMEOUT(publisher->answerCount(), 1, 10000);
        QCOMPARE(publisher->answers().first().status, 503);
        QVERIFY(publisher->answers()
                    .first()
                    .json()
                    .value(QLatin1String("error"))
                    .toString()
                    .contains(QLatin1String("0 of the 1 replicas")));
    }
    QCOMPARE(redis->commands()->reconnects(), reconnects);
    QVERIFY2(redis->state().contains(QLatin1String("answered 503")), qPrintable(redis->state()));
    QVERIFY(engine.metricsText().contains("ssehub_redis_replica_waits_total{outcome=\"short\"}"));
    replica->resume();
    QTRY_COMPARE_WITH_TIMEOUT(publish(engine.port(), "t", "{\"n\":2}").status, 200, 10000);
    QVERIFY2(!redis->state().contains(QLatin1String("503")), qPrintable(redis->state()));
}

void TestSentinel::passwords()
{
    // The servers and the sentinels each have a password: the server's comes from --redis,
    // the sentinels' from a file.
    Engine::Config config = engineConfig();
    config.redisUrl = QStringLiteral("redis://:server%20secret@127.0.0.1:1");
    QString error;
    {
        // Without the sentinels' password: never ready, and the reason says why.
        Engine engine(config);
        QVERIFY2(engine.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(engine.redisBroker()->commands()->lastError().contains(
                                     QLatin1String("no sentinel told")),
                                 10000);
        QVERIFY2(engine.redisBroker()->commands()->lastError().contains(QLatin1String("NOAUTH")),
                 qPrintable(engine.redisBroker()->commands()->lastError()));
        QVERIFY(!engine.broker()->isReady());
    }
    config.redisSentinelPasswordFile = scratchFile("sentinel-password", "sentinel secret\n");
    Engine engine(config);
    QVERIFY2(engine.start(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(engine.broker()->isReady(), 10000);
    SseClient reader;
    reader.open(engine.port(), "/events?topic=t");
    QTRY_VERIFY_WITH_TIMEOUT(engine.redisBroker()->subscriber()->subscriptionsConfirmed(), 5000);
    // +switch-master is watched with the password too.
    QTRY_VERIFY_WITH_TIMEOUT(!engine.redisBroker()->sentinelWatch()->watching().isEmpty(), 5000);
    QCOMPARE(publish(engine.port(), "t", "{\"n\":1}").status, 200);
    QTRY_COMPARE(reader.messages().size(), 1);
}

void TestSentinel::engineOptionsChecked()
{
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
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
    config = engineConfig();
    config.redisSentinelPasswordFile = m_dir.filePath(QStringLiteral("missing"));
    {
        Engine engine(config);
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(QLatin1String("cannot read the sentinel password file")),
                 qPrintable(error));
    }
    config.redisSentinelPasswordFile = scratchFile("empty", "\nsecond line\n");
    {
        Engine engine(config);
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(QLatin1String("no password on its first line")), qPrintable(error));
    }
    config = engineConfig();
    config.redisMinReplicas = 1;
    config.redisReplicaTimeoutMs = config.redisTimeoutMs;
    {
        Engine engine(config);
        QVERIFY(!engine.start(&error));
        QVERIFY2(error.contains(QLatin1String("--redis-replica-timeout")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestSentinel)
#include "tst_sentinel.moc"
