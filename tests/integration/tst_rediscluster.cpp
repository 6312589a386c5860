// The Redis Cluster client against a real cluster the test creates (three primaries, one replica
// each): key slots as Redis computes them, commands on the primary of their slot, MOVED after a
// slot moved, ASK while it moves, and a shard's failover followed.
#include "clustertopology.h"
#include "redis/rediscluster.h"
#include "redis/shardedsubscriber.h"
#include "sentineltopology.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

class TestRedisCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void keySlotsAsRedisHashes();
    void commandsReachTheirPrimary();
    void movedSlotFollowed();
    void askDuringMigration();
    void shardFailoverFollowed();
    void unreachableClusterAnswersErrors();
    void shardedSubscriptions();
    void subscriberFollowsSlots();

private:
    std::unique_ptr<RedisCluster> client(QList<quint16> seeds = {}) const
    {
        RedisCluster::Options options;
        options.connection.connectTimeoutMs = 1000;
        options.connection.commandTimeoutMs = 2000;
        options.connection.backoffInitialMs = 50;
        options.connection.backoffMaxMs = 500;
        options.refreshMs = 1000;
        if (seeds.isEmpty())
            seeds = {m_topology->ports().first()};
        for (quint16 port : seeds)
            options.seeds << qMakePair(QStringLiteral("127.0.0.1"), port);
        auto cluster = std::make_unique<RedisCluster>(options);
        cluster->start();
        return cluster;
    }
    // The reply of one command through the client.
    static RedisReply run(RedisCluster &cluster, const QByteArray &key,
                          const QList<QByteArray> &argv)
    {
        RedisReply answer = RedisReply::error("no answer");
        bool answered = false;
        cluster.command(key, argv, [&](const RedisReply &r) {
            answer = r;
            answered = true;
        });
        if (!QTest::qWaitFor([&answered] { return answered; }, 10000))
            return RedisReply::error("no answer within 10 s");
        return answer;
    }

    std::unique_ptr<ClusterTopology> m_topology;
};

void TestRedisCluster::init()
{
    m_topology = std::make_unique<ClusterTopology>();
    QVERIFY2(m_topology->start(), qPrintable(m_topology->error()));
}

void TestRedisCluster::cleanup()
{
    m_topology.reset();
}

void TestRedisCluster::keySlotsAsRedisHashes()
{
    const quint16 port = m_topology->ports().first();
    // ASCII keys (redis-cli gets its arguments as UTF-8).
    const QList<QByteArray> keys {
        "",   "a",   "ssehub:events", "{user1000}.following", "foo{}{bar}", "foo{{bar}}zap",
        "{}", "a{b", "ab}c{d}",       "ssehub:{p17}:events"};
    for (const QByteArray &key : keys) {
        const int expected = redisCli(port,
                                      {QStringLiteral("CLUSTER"), QStringLiteral("KEYSLOT"),
                                       QString::fromLatin1(key)})
                                 .toInt();
        QCOMPARE(redisKeySlot(key), expected);
    }
    // CRC16/XMODEM's check value 0x31C3 (12739 < 16384); bytes above 0x7f count as themselves.
    QCOMPARE(redisKeySlot("123456789"), 0x31C3);
    QVERIFY(redisKeySlot(QByteArray("\xff\x00\x80", 3)) != redisKeySlot(QByteArray("\xff", 1)));
}

void TestRedisCluster::commandsReachTheirPrimary()
{
    auto cluster = client();
    QTRY_VERIFY_WITH_TIMEOUT(cluster->isReady(), 10000);
    QCOMPARE(cluster->slotsCovered(), RedisCluster::SlotCount);
    QCOMPARE(cluster->primaries().size(), 3);
    QSet<QString> used;
    for (int i = 0; i < 30; ++i) {
        const QByteArray key = "k" + QByteArray::number(i);
        QCOMPARE(run(*cluster, key, {"SET", key, "v" + QByteArray::number(i)}).string,
                 QByteArray("OK"));
        const quint16 owner = m_topology->primaryOf(redisKeySlot(key));
        QCOMPARE(cluster->primaryOf(redisKeySlot(key)), QStringLiteral("127.0.0.1:%1").arg(owner));
        // Read on the owner itself: the value is there, not behind a redirect.
        QCOMPARE(redisCli(owner, {QStringLiteral("GET"), QString::fromLatin1(key)}),
                 "v" + QByteArray::number(i));
        used.insert(cluster->primaryOf(redisKeySlot(key)));
    }
    QCOMPARE(used.size(), 3);
    QCOMPARE(cluster->redirects(), quint64(0));
}

void TestRedisCluster::movedSlotFollowed()
{
    auto cluster = client();
    QTRY_VERIFY_WITH_TIMEOUT(cluster->isReady(), 10000);
    const QByteArray key = "moving";
    const int slot = redisKeySlot(key);
    QCOMPARE(run(*cluster, key, {"SET", key, "1"}).string, QByteArray("OK"));
    const quint16 from = m_topology->primaryOf(slot);
    const quint16 to = m_topology->otherPrimary(from);
    QVERIFY(m_topology->moveSlot(slot, to));
    // The client still has the old map: the old owner answers MOVED, the command follows.
    QCOMPARE(cluster->primaryOf(slot), QStringLiteral("127.0.0.1:%1").arg(from));
    QCOMPARE(run(*cluster, key, {"INCR", key}).integer, 2);
    QVERIFY(cluster->redirects() >= 1);
    QCOMPARE(cluster->primaryOf(slot), QStringLiteral("127.0.0.1:%1").arg(to));
    QCOMPARE(redisCli(to, {QStringLiteral("GET"), QString::fromLatin1(key)}), QByteArray("2"));
}

void TestRedisCluster::askDuringMigration()
{
    auto cluster = client();
    QTRY_VERIFY_WITH_TIMEOUT(cluster->isReady(), 10000);
    const QByteArray key = "half";
    const int slot = redisKeySlot(key);
    QCOMPARE(run(*cluster, key, {"SET", key, "here"}).string, QByteArray("OK"));
    const quint16 from = m_topology->primaryOf(slot);
    const quint16 to = m_topology->otherPrimary(from);
    // The key moved, the slot not yet: the old owner answers ASK, and the new one serves the
    // key only after ASKING.
    QVERIFY(m_topology->moveSlot(slot, to, true));
    QCOMPARE(run(*cluster, key, {"GET", key}).string, QByteArray("here"));
    QVERIFY(cluster->redirects() >= 1);
    // An ASK is for one command: the map still names the old owner.
    QCOMPARE(cluster->primaryOf(slot), QStringLiteral("127.0.0.1:%1").arg(from));
    // A new key of the slot is created where the slot still is.
    QCOMPARE(run(*cluster, key, {"APPEND", key, "!"}).integer, 5);
}

void TestRedisCluster::shardFailoverFollowed()
{
    auto cluster = client(m_topology->ports());
    QTRY_VERIFY_WITH_TIMEOUT(cluster->isReady(), 10000);
    const QByteArray key = "survivor";
    const int slot = redisKeySlot(key);
    QCOMPARE(run(*cluster, key, {"SET", key, "1"}).string, QByteArray("OK"));
    const quint16 primary = m_topology->primaryOf(slot);
    // Let the replica have it (WAIT on the primary itself).
    QCOMPARE(
        redisCli(primary, {QStringLiteral("WAIT"), QStringLiteral("1"), QStringLiteral("1000")}),
        QByteArray("1"));
    QElapsedTimer clock;
    clock.start();
    m_topology->server(primary)->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!cluster->isReady(), 5000);
    // The replica is promoted (node timeout 1 s): the client finds it and commands go on.
    QTRY_VERIFY_WITH_TIMEOUT(cluster->isReady(), 30000);
    qInfo("the client had the new primary of the shard after %lld ms", clock.elapsed());
    QVERIFY(cluster->primaryOf(slot) != QStringLiteral("127.0.0.1:%1").arg(primary));
    QCOMPARE(run(*cluster, key, {"INCR", key}).integer, 2);
}

void TestRedisCluster::unreachableClusterAnswersErrors()
{
    RedisCluster::Options parsed;
    QString why;
    QVERIFY(RedisCluster::parseSeeds({"10.0.0.5:7000", "[::1]:7001"}, &parsed, &why));
    QCOMPARE(parsed.seeds,
             (QList<QPair<QString, quint16>> {{QStringLiteral("10.0.0.5"), 7000},
                                              {QStringLiteral("::1"), 7001}}));
    for (const QByteArray bad : {"no-port", "host:0", "host:65536", ":7000"}) {
        QVERIFY(!RedisCluster::parseSeeds({bad}, &parsed, &why));
        QVERIFY2(why.contains(QLatin1String("HOST:PORT")), qPrintable(why));
    }

    auto cluster = client({freePort()});
    QByteArray error;
    cluster->command("k", {"GET", "k"}, [&](const RedisReply &r) { error = r.string; });
    QTRY_VERIFY_WITH_TIMEOUT(!error.isEmpty(), 10000);
    QVERIFY2(error.contains("not served"), error.constData());
    QVERIFY(!cluster->isReady());
    QVERIFY(cluster->lastError().contains(QLatin1String("no node")));
}

void TestRedisCluster::shardedSubscriptions()
{
    // Two channels whose slots live on different primaries.
    QByteArray here = "ch0", elsewhere;
    const quint16 owner = m_topology->primaryOf(redisKeySlot(here));
    for (int i = 1; elsewhere.isEmpty(); ++i) {
        const QByteArray channel = "ch" + QByteArray::number(i);
        if (m_topology->primaryOf(redisKeySlot(channel)) != owner)
            elsewhere = channel;
    }
    const quint16 other = m_topology->primaryOf(redisKeySlot(elsewhere));
    const QByteArray same = "{ch0}.second"; // the same slot as ch0
    RedisConnection::Options options;
    options.port = owner;
    options.sharded = true;
    options.backoffInitialMs = 50;
    RedisConnection redis(options);
    QList<QByteArray> got;
    QList<QByteArray> dropped;
    connect(
        &redis, &RedisConnection::shardedDropped, this,
        [&](const QByteArray &channel, const QByteArray &why) { dropped << channel + ": " + why; });
    auto handler = [&got](const QByteArray &channel, const QByteArray &message) {
        got << channel + "=" + message;
    };
    redis.ssubscribe(here, handler);
    redis.ssubscribe(same, handler);
    redis.ssubscribe(elsewhere, handler); // not served by this node: refused with MOVED
    QSignalSpy subscribed(&redis, &RedisConnection::allSubscribed);
    redis.start();
    QVERIFY(subscribed.wait(5000) || redis.subscriptionsConfirmed());
    QTRY_COMPARE(dropped.size(), 1);
    QVERIFY2(dropped.first().startsWith(QByteArray(elsewhere + ": MOVED")),
             dropped.first().constData());
    QVERIFY(!redis.command({"PING"}, [](const RedisReply &) {})); // it only subscribes
    const auto spublish = [this](quint16 port, const QByteArray &channel, const QByteArray &text) {
        return m_topology->cli(
            port,
            {QStringLiteral("SPUBLISH"), QString::fromLatin1(channel), QString::fromLatin1(text)});
    };
    QCOMPARE(spublish(owner, here, "1"), QByteArray("1"));
    QCOMPARE(spublish(owner, same, "2"), QByteArray("1"));
    QCOMPARE(spublish(other, elsewhere, "3"), QByteArray("0"));
    QTRY_COMPARE(got, (QList<QByteArray> {here + "=1", same + "=2"}));
    // After a reconnect the subscriptions are made again.
    redis.reconnectNow(QStringLiteral("test"));
    QTRY_VERIFY(redis.state() == RedisConnection::State::Ready && redis.subscriptionsConfirmed());
    QCOMPARE(spublish(owner, here, "4"), QByteArray("1"));
    QTRY_COMPARE(got.size(), 3);
    // The slot moves to another primary: Redis ends the subscriptions of that slot.
    QVERIFY(m_topology->moveSlot(redisKeySlot(here), other));
    QTRY_COMPARE(dropped.size(), 3);
    QVERIFY2(dropped.at(1).contains("served by another node"), dropped.at(1).constData());
    QVERIFY(redis.shardChannels().isEmpty());
}

void TestRedisCluster::subscriberFollowsSlots()
{
    auto cluster = client(m_topology->ports());
    QTRY_VERIFY_WITH_TIMEOUT(cluster->isReady(), 10000);
    RedisConnection::Options connection;
    connection.backoffInitialMs = 50;
    connection.backoffMaxMs = 500;
    connection.connectTimeoutMs = 1000;
    ShardedSubscriber subscriber(cluster.get(), connection);
    QSignalSpy lost(&subscriber, &ShardedSubscriber::lost);
    QList<QByteArray> got;
    QList<QByteArray> channels;
    for (int i = 0; i < 12; ++i)
        channels << "topic/" + QByteArray::number(i);
    for (const QByteArray &channel : std::as_const(channels))
        subscriber.subscribe(
            channel, [&got](const QByteArray &c, const QByteArray &m) { got << c + '=' + m; });
    QTRY_VERIFY_WITH_TIMEOUT(subscriber.allConfirmed(), 10000);
    QSet<QString> nodes;
    for (const QByteArray &channel : std::as_const(channels))
        nodes.insert(subscriber.nodeOf(channel));
    QCOMPARE(nodes.size(), 3); // every shard serves some of them
    const auto spublish = [&](const QByteArray &channel, const QByteArray &text) {
        const quint16 owner = m_topology->primaryOf(redisKeySlot(channel));
        return m_topology->cli(
            owner,
            {QStringLiteral("SPUBLISH"), QString::fromLatin1(channel), QString::fromLatin1(text)});
    };
    for (const QByteArray &channel : std::as_const(channels))
        QCOMPARE(spublish(channel, "a"), QByteArray("1"));
    QTRY_COMPARE(got.size(), channels.size());
    // A slot moves: its channel is subscribed again where the slot is now.
    const QByteArray moving = channels.first();
    const QString was = subscriber.nodeOf(moving);
    const quint16 to = m_topology->otherPrimary(quint16(was.section(QLatin1Char(':'), 1).toUInt()));
    QVERIFY(m_topology->moveSlot(redisKeySlot(moving), to));
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.nodeOf(moving), QStringLiteral("127.0.0.1:%1").arg(to),
                              10000);
    QVERIFY(lost.count() >= 1);
    QTRY_VERIFY_WITH_TIMEOUT(subscriber.allConfirmed(), 10000);
    QCOMPARE(spublish(moving, "b"), QByteArray("1"));
    QTRY_VERIFY(got.contains(moving + "=b"));
    // A shard's primary dies: its channels follow the promoted replica.
    const QString dying = subscriber.nodeOf(channels.last());
    m_topology->server(quint16(dying.section(QLatin1Char(':'), 1).toUInt()))->kill();
    QTRY_VERIFY_WITH_TIMEOUT(subscriber.nodeOf(channels.last()) != dying
                                 && !subscriber.nodeOf(channels.last()).isEmpty()
                                 && subscriber.allConfirmed(),
                             30000);
    QCOMPARE(spublish(channels.last(), "c"), QByteArray("1"));
    QTRY_VERIFY(got.contains(channels.last() + "=c"));
    // Unsubscribed: nothing more arrives, and no node is subscribed.
    for (const QByteArray &channel : std::as_const(channels))
        subscriber.unsubscribe(channel);
    QTRY_COMPARE(spublish(channels.last(), "d"), QByteArray("0"));
}

QTEST_GUILESS_MAIN(TestRedisCluster)
#include "tst_rediscluster.moc"
