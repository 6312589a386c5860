// The hiredis adapter against a real redis-server that the test starts, kills, pauses and
// restarts: commands and replies, pub/sub, loss and reconnection with backoff, timeouts,
// authentication, and lifetime (destroying the connection with work pending).
#include "core/clock.h"
#include "redis/redisconnection.h"
#include "redisserver.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

class TestRedisConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commandsAndReplies();
    void publishSubscribe();
    void serverKilledAndRestarted();
    void unreachableAtStart();
    void commandTimeout();
    void frozenServerIsNeverReady();
    void idleConnectionNoticesAFrozenServer();
    void destroyedWithWorkPending();
    void authentication();

private:
    static RedisConnection::Options options(quint16 port)
    {
        RedisConnection::Options o;
        o.port = port;
        o.backoffInitialMs = 20;
        o.backoffMaxMs = 200;
        o.commandTimeoutMs = 500;
        o.connectTimeoutMs = 500;
        return o;
    }
};

void TestRedisConnection::commandsAndReplies()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection redis(options(server.port()));
    QSignalSpy ready(&redis, &RedisConnection::ready);
    redis.start();
    QVERIFY(ready.wait(5000));
    QCOMPARE(redis.state(), RedisConnection::State::Ready);

    QList<RedisReply> replies;
    auto collect = [&](const RedisReply &r) { replies << r; };
    QVERIFY(redis.command({"SET", "k", QByteArray("v\0w", 3)}, collect));
    QVERIFY(redis.command({"GET", "k"}, collect));
    QVERIFY(redis.command({"INCR", "n"}, collect));
    QVERIFY(redis.command({"GET", "missing"}, collect));
    QVERIFY(redis.command({"RPUSH", "l", "a", "b"}, collect));
    QVERIFY(redis.command({"LRANGE", "l", "0", "-1"}, collect));
    QVERIFY(redis.command({"INCR", "k"}, collect)); // not a number: an error reply
    QTRY_COMPARE(replies.size(), 7);
    QCOMPARE(replies[0].type, RedisReply::Type::Status);
    QCOMPARE(replies[1].string, QByteArray("v\0w", 3)); // binary safe
    QCOMPARE(replies[2].integer, 1);
    QCOMPARE(replies[3].type, RedisReply::Type::Nil);
    QCOMPARE(replies[5].elements.size(), 2);
    QCOMPARE(replies[5].elements[1].string, QByteArray("b"));
    QVERIFY(replies[6].isError());
}

void TestRedisConnection::publishSubscribe()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection commands(options(server.port()));
    RedisConnection subscriber(options(server.port()));
    QList<QByteArray> received;
    subscriber.subscribe("ch", [&](const QByteArray &channel, const QByteArray &message) {
        received << channel + '=' + message;
    });
    QSignalSpy ready(&subscriber, &RedisConnection::ready);
    commands.start();
    subscriber.start();
    QVERIFY(ready.wait(5000));
    QTRY_COMPARE(commands.state(), RedisConnection::State::Ready);
    // Publish until the subscription is in place (SUBSCRIBE is asynchronous).
    QTRY_VERIFY((commands.command({"PUBLISH", "ch", "hello"}, [](const RedisReply &) {}),
                 !received.isEmpty()));
    QCOMPARE(received.first(), QByteArray("ch=hello"));
    subscriber.unsubscribe("ch");
    received.clear();
    int listeners = -1;
    QTRY_VERIFY((commands.command({"PUBLISH", "ch", "x"},
                                  [&](const RedisReply &r) { listeners = int(r.integer); }),
                 listeners == 0));
    QVERIFY(received.isEmpty());
}

void TestRedisConnection::serverKilledAndRestarted()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection commands(options(server.port()));
    RedisConnection subscriber(options(server.port()));
    QList<QByteArray> received;
    subscriber.subscribe("ch", [&](const QByteArray &, const QByteArray &m) { received << m; });
    commands.start();
    subscriber.start();
    QTRY_VERIFY(commands.state() == RedisConnection::State::Ready
                && subscriber.state() == RedisConnection::State::Ready);

    QSignalSpy lost(&commands, &RedisConnection::disconnected);
    QList<RedisReply> replies;
    server.pause(); // so that the command below is surely pending when the server dies
    QVERIFY(commands.command({"PING"}, [&](const RedisReply &r) { replies << r; }));
    server.kill();
    QVERIFY(lost.wait(5000));
    QTRY_COMPARE(replies.size(), 1);
    QVERIFY(replies.first().isError()); // the pending command was answered, with an error
    QCOMPARE(commands.state(), RedisConnection::State::Disconnected);
    QVERIFY(
        !commands.command({"PING"}, [](const RedisReply &) { QFAIL("called back while down"); }));
    const int attemptsBefore = commands.reconnects();
    QTRY_VERIFY(commands.reconnects() > attemptsBefore + 1); // keeps trying while Redis is down

    QVERIFY2(server.start(), qPrintable(server.error()));
    QTRY_VERIFY_WITH_TIMEOUT(commands.state() == RedisConnection::State::Ready, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(subscriber.state() == RedisConnection::State::Ready, 5000);
    // The subscription was renewed by itself.
    QTRY_VERIFY((commands.command({"PUBLISH", "ch", "again"}, [](const RedisReply &) {}),
                 received.contains("again")));
}

void TestRedisConnection::unreachableAtStart()
{
    const quint16 port = freePort();
    RedisConnection redis(options(port));
    QSignalSpy lost(&redis, &RedisConnection::disconnected);
    redis.start();
    QVERIFY(lost.wait(5000));
    QVERIFY2(redis.lastError().contains(QLatin1String("refused"), Qt::CaseInsensitive),
             qPrintable(redis.lastError()));
    QTRY_VERIFY(lost.size() >= 3); // retries
    // Start one on the port the connection keeps trying.
    RedisServer server(QStringList(), port);
    QVERIFY2(server.start(), qPrintable(server.error()));
    QTRY_VERIFY_WITH_TIMEOUT(redis.state() == RedisConnection::State::Ready, 10000);
    QVERIFY(redis.lastError().isEmpty());
}

void TestRedisConnection::commandTimeout()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    // A deadline far away: only moving the clock reaches it within the test's waits.
    RedisConnection::Options o = options(server.port());
    o.commandTimeoutMs = 60000;
    RedisConnection redis(o);
    redis.start();
    QTRY_COMPARE(redis.state(), RedisConnection::State::Ready);
    QSignalSpy lost(&redis, &RedisConnection::disconnected);
    server.pause(); // alive, accepts nothing, answers nothing
    QList<RedisReply> replies;
    QVERIFY(redis.command({"PING"}, [&](const RedisReply &r) { replies << r; }));
    QVERIFY(replies.isEmpty());
    Clock::advanceForTesting(60001);
    QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 5000); // the next watchdog tick
    QVERIFY(replies.first().isError());
    QVERIFY2(QString::fromUtf8(replies.first().string)
                 .contains(QLatin1String("no reply within 60000 ms")),
             replies.first().string.constData());
    QVERIFY(!lost.isEmpty());
    server.resume();
    QTRY_VERIFY_WITH_TIMEOUT(redis.state() == RedisConnection::State::Ready, 5000);
}

void TestRedisConnection::frozenServerIsNeverReady()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection redis(options(server.port()));
    redis.start();
    QTRY_COMPARE(redis.state(), RedisConnection::State::Ready);
    server.pause();
    QList<RedisReply> replies;
    QVERIFY(redis.command({"PING"}, [&](const RedisReply &r) { replies << r; }));
    QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 5000);
    QVERIFY(replies.first().isError());
    // The kernel still completes TCP handshakes for the frozen server: the reconnections get
    // that far, but none may count as ready without an answer from Redis.
    QSignalSpy ready(&redis, &RedisConnection::ready);
    QSignalSpy lost(&redis, &RedisConnection::disconnected);
    QVERIFY(!ready.wait(2000));
    QVERIFY(redis.state() != RedisConnection::State::Ready);
    QVERIFY(!redis.command({"PING"}, [](const RedisReply &) {}));
    QVERIFY2(lost.size() >= 1, "the reconnections to the frozen server time out");
    QVERIFY2(redis.lastError().contains(QLatin1String("timed out")), qPrintable(redis.lastError()));
    server.resume();
    QVERIFY(ready.wait(5000));
    QCOMPARE(redis.state(), RedisConnection::State::Ready);
}

void TestRedisConnection::idleConnectionNoticesAFrozenServer()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection::Options o = options(server.port());
    o.keepAliveMs = 100;
    o.commandTimeoutMs = 60000; // reached by moving the clock, not by waiting
    RedisConnection redis(o);
    redis.start();
    QTRY_COMPARE(redis.state(), RedisConnection::State::Ready);
    QSignalSpy lost(&redis, &RedisConnection::disconnected);
    QVERIFY(!lost.wait(500)); // idle and answering: the PINGs keep it ready
    QCOMPARE(redis.state(), RedisConnection::State::Ready);
    server.pause(); // nothing is sent by the user of the connection
    // Time moves on until the keep-alive PING goes out and then times out (no reply within
    // commandTimeoutMs); nothing waits for the timeout in real time.
    QTRY_VERIFY_WITH_TIMEOUT((Clock::advanceForTesting(60001), !lost.isEmpty()), 5000);
    QVERIFY2(lost.first().first().toString().contains(QLatin1String("no reply within 60000 ms")),
             qPrintable(lost.first().first().toString()));
    server.resume();
    QTRY_COMPARE_WITH_TIMEOUT(redis.state(), RedisConnection::State::Ready, 5000);
}

void TestRedisConnection::destroyedWithWorkPending()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    {
        auto redis = std::make_unique<RedisConnection>(options(server.port()));
        redis->subscribe("ch", [](const QByteArray &, const QByteArray &) {
            QFAIL("message after destruction");
        });
        redis->start();
        QTRY_COMPARE(redis->state(), RedisConnection::State::Ready);
        server.pause();
        bool calledBack = false;
        QVERIFY(redis->command({"PING"}, [&](const RedisReply &) { calledBack = true; }));
        redis.reset(); // with a command pending and a subscription open
        QVERIFY(!calledBack);
        server.resume();
    }
    {
        // Destroyed while still connecting.
        auto redis = std::make_unique<RedisConnection>(options(freePort()));
        redis->start();
        redis.reset();
    }
    QTest::qWait(50); // deferred deletions of notifiers run (not a synchronisation wait)
    RedisConnection survivor(options(server.port()));
    survivor.start();
    QTRY_COMPARE(survivor.state(), RedisConnection::State::Ready);
}

void TestRedisConnection::authentication()
{
    RedisServer server({QStringLiteral("--requirepass"), QStringLiteral("s3cret")});
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisConnection::Options wrong = options(server.port());
    wrong.password = "nope";
    RedisConnection refused(wrong);
    QSignalSpy lost(&refused, &RedisConnection::disconnected);
    refused.start();
    QVERIFY(lost.wait(5000));
    QVERIFY2(refused.lastError().contains(QLatin1String("authentication failed")),
             qPrintable(refused.lastError()));
    QVERIFY(refused.state() != RedisConnection::State::Ready);

    RedisConnection::Options right = options(server.port());
    right.password = "s3cret";
    right.database = 3;
    RedisConnection accepted(right);
    accepted.start();
    QTRY_COMPARE(accepted.state(), RedisConnection::State::Ready);
    QByteArray db;
    accepted.command({"CLIENT", "INFO"}, [&](const RedisReply &r) { db = r.string; });
    QTRY_VERIFY(!db.isEmpty());
    QVERIFY2(db.contains("db=3"), db.constData());
}

QTEST_GUILESS_MAIN(TestRedisConnection)
#include "tst_redisconnection.moc"
