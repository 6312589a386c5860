// Presence across instances: a real redis-server, one instance in this process and one ssehub
// process that is killed; join/leave events cross instances like any event.
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/presencetracker.h"
#include "hubprocess.h"
#include "redis/clusterpresence.h"
#include "redis/redisbroker.h"
#include "redis/redisconnection.h"
#include "redisserver.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace ssehub;
using namespace ssehub::test;

namespace {

QStringList entriesOf(const QJsonObject &answer)
{
    QStringList out;
    for (const QJsonValue &v : answer.value(QLatin1String("entries")).toArray()) {
        const QJsonObject e = v.toObject();
        out << QStringLiteral("%1@%2:%3")
                   .arg(e.value(QLatin1String("client_id")).toString(),
                        e.value(QLatin1String("node")).toString())
                   .arg(e.value(QLatin1String("streams")).toInt());
    }
    return out;
}

} // namespace

class TestPresenceCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everyInstanceAnswers();
    void killedInstanceLeaves();
    void eventsCrossInstances();
    void redisGoneIs503();
    void expiredHashIsWrittenAgain();
    void waitingQuestionsWithinBudget();

private:
    void startBoth(const QStringList &extra = {});
    QStringList presenceOn(quint16 port, const QByteArray &topic);
    bool synced() const;

    QTemporaryDir m_dir;
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<Engine> m_a;
    std::unique_ptr<HeadlessHub> m_b;
};

void TestPresenceCluster::init()
{
    m_redis = std::make_unique<RedisServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
}

void TestPresenceCluster::cleanup()
{
    m_b.reset();
    m_a.reset();
    m_redis.reset();
}

void TestPresenceCluster::startBoth(const QStringList &extra)
{
    const QString url = QStringLiteral("redis://127.0.0.1:%1").arg(m_redis->port());
    Engine::Config config;
    config.port = 0;
    config.nodeId = QStringLiteral("a");
    config.redisUrl = url;
    config.redisBackoffMaxMs = 200;
    config.redisTimeoutMs = 1000;
    config.nodeRefreshMs = 200;
    config.nodeTtlMs = 2000;
    for (int i = 0; i + 1 < extra.size(); i += 2) {
        if (extra.at(i) == QLatin1String("--presence-events"))
            config.presenceEvents << extra.at(i + 1).toUtf8();
    }
    m_a = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_a->start(&error), qPrintable(error));
    m_b = std::make_unique<HeadlessHub>(QStringLiteral(SSEHUB_BINARY), m_dir.path());
    QVERIFY(m_b->start(QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                    QStringLiteral("--redis"), url, QStringLiteral("--node-id"),
                                    QStringLiteral("b")}
                       + extra));
    // Both instances are in the registry A reads.
    QTRY_VERIFY_WITH_TIMEOUT(
        request(m_a->port(), "GET", "/nodes").json().value(QLatin1String("nodes")).toArray().size()
            == 2,
        10000);
}

QStringList TestPresenceCluster::presenceOn(quint16 port, const QByteArray &topic)
{
    const HttpResponse r = request(port, "GET", "/presence?topic=" + topic);
    if (r.status != 200)
        return {QStringLiteral("status %1: %2").arg(r.status).arg(QString::fromUtf8(r.body))};
    return entriesOf(r.json());
}

void TestPresenceCluster::everyInstanceAnswers()
{
    startBoth();
    SseClient aliceOnA, aliceOnB, bobOnB, carolOnA;
    aliceOnA.open(m_a->port(), "/events?topic=room/1&client_id=alice");
    aliceOnB.open(m_b->port(), "/events?topic=room/1&client_id=alice");
    bobOnB.open(m_b->port(), "/events?topic=room/%2B&client_id=bob");
    carolOnA.open(m_a->port(), "/events?topic=other&client_id=carol");
    const QStringList expected {QStringLiteral("alice@a:1"), QStringLiteral("alice@b:1"),
                                QStringLiteral("bob@b:1")};
    // Asked on either instance, the answer covers both.
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_a->port(), "room/1"), expected, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_b->port(), "room/1"), expected, 5000);
    const QJsonObject counts
        = request(m_a->port(), "GET", "/presence?topic=room/%23&count=1").json();
    QCOMPARE(counts.value(QLatin1String("clients")).toInt(), 2); // alice once, on two nodes
    QCOMPARE(counts.value(QLatin1String("streams")).toInt(), 3);
    QCOMPARE(counts.value(QLatin1String("nodes")).toInt(), 2);
    QCOMPARE(counts.value(QLatin1String("source")).toString(), QStringLiteral("cluster"));
    // A stream that closes on B leaves everyone's answer.
    bobOnB.close();
    QTRY_COMPARE_WITH_TIMEOUT(
        presenceOn(m_a->port(), "room/1"),
        QStringList({QStringLiteral("alice@a:1"), QStringLiteral("alice@b:1")}), 5000);
}

void TestPresenceCluster::killedInstanceLeaves()
{
    startBoth();
    SseClient onA, onB;
    onA.open(m_a->port(), "/events?topic=room/1&client_id=alice");
    onB.open(m_b->port(), "/events?topic=room/1&client_id=bob");
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_a->port(), "room/1"),
                              QStringList({QStringLiteral("alice@a:1"), QStringLiteral("bob@b:1")}),
                              5000);
    // B dies without a word: its entries go once the registry and its key expire (10 s).
    QElapsedTimer clock;
    clock.start();
    m_b->kill();
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_a->port(), "room/1"),
                              QStringList(QStringLiteral("alice@a:1")), 20000);
    qInfo("B's client left A's presence %lld ms after B was killed", clock.elapsed());
    QVERIFY(clock.elapsed() <= 13000); // the TTL (10 s), a refresh, a loaded machine
}

void TestPresenceCluster::eventsCrossInstances()
{
    startBoth({QStringLiteral("--presence-events"), QStringLiteral("room/#")});
    SseClient watcher;
    watcher.open(m_a->port(), "/events?topic=%24SYS/presence/room/1");
    QTRY_VERIFY(watcher.hasSession());
    QTRY_VERIFY_WITH_TIMEOUT(m_a->redisBroker()->subscriber()->subscriptionsConfirmed(), 5000);
    SseClient onB;
    onB.open(m_b->port(), "/events?topic=room/1&client_id=bob");
    QTRY_COMPARE_WITH_TIMEOUT(watcher.messages().size(), 1, 5000);
    onB.close();
    QTRY_COMPARE_WITH_TIMEOUT(watcher.messages().size(), 2, 5000);
    const QList<SseEvent> events = watcher.messages();
    QCOMPARE(events.at(0).type, QByteArray("join"));
    QCOMPARE(events.at(1).type, QByteArray("leave"));
    const QJsonObject join = events.at(0).json().value(QLatin1String("payload")).toObject();
    QCOMPARE(join.value(QLatin1String("client_id")).toString(), QStringLiteral("bob"));
    QCOMPARE(join.value(QLatin1String("node")).toString(), QStringLiteral("b"));
}

void TestPresenceCluster::redisGoneIs503()
{
    startBoth();
    SseClient onA;
    onA.open(m_a->port(), "/events?topic=room/1&client_id=alice");
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_a->port(), "room/1").size(), 1, 5000);
    m_redis->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!m_a->broker()->isReady(), 5000);
    // An answer read less than half a second ago may still be given; then 503.
    HttpResponse r;
    QTRY_COMPARE_WITH_TIMEOUT((r = request(m_a->port(), "GET", "/presence?topic=room/1")).status,
                              503, 3000);
    QVERIFY(!r.header("Retry-After").isEmpty());
    QVERIFY(r.json().value(QLatin1String("error")).toString().contains(QLatin1String("Redis")));
    // Back: answered again, this instance's presence written anew.
    QVERIFY(m_redis->start());
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_a->port(), "room/1"),
                              QStringList(QStringLiteral("alice@a:1")), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_b->port(), "room/1"),
                              QStringList(QStringLiteral("alice@a:1")), 10000);
}

// What a stall past the expiry leaves (the instance froze, its Hash expired, the connection
// stayed): the next refresh finds the key gone and writes it whole, unchanged clients included.
void TestPresenceCluster::expiredHashIsWrittenAgain()
{
    startBoth();
    SseClient onA;
    onA.open(m_a->port(), "/events?topic=room/1&client_id=alice");
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_b->port(), "room/1"),
                              QStringList(QStringLiteral("alice@a:1")), 5000);
    RedisConnection::Options options;
    options.port = m_redis->port();
    RedisConnection probe(options);
    probe.start();
    QTRY_VERIFY(probe.state() == RedisConnection::State::Ready);
    std::optional<RedisReply> deleted;
    probe.command({"DEL", "ssehub:presence:a"}, [&](const RedisReply &r) { deleted = r; });
    QTRY_VERIFY(deleted.has_value());
    QCOMPARE(deleted->integer, 1);
    // A's refresh (200 ms here) finds it gone and writes alice again, though she did not change.
    std::optional<RedisReply> length;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            length.reset();
            probe.command({"HLEN", "ssehub:presence:a"}, [&](const RedisReply &r) { length = r; });
            return QTest::qWaitFor([&] { return length.has_value(); }, 2000)
                && length->integer == 1;
        }(),
        5000);
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_b->port(), "room/1"),
                              QStringList(QStringLiteral("alice@a:1")), 5000);
}

QTEST_GUILESS_MAIN(TestPresenceCluster)
#include "tst_presencecluster.moc"

void TestPresenceCluster::waitingQuestionsWithinBudget()
{
    startBoth();
    std::vector<std::unique_ptr<SseClient>> onB;
    for (int i = 0; i < 20; ++i) {
        onB.push_back(std::make_unique<SseClient>());
        onB.back()->open(m_b->port(),
                         "/events?topic=room/" + QByteArray::number(i) + "&client_id=c"
                             + QByteArray::number(i));
    }
    QTRY_COMPARE_WITH_TIMEOUT(presenceOn(m_a->port(), "room/%23").size(), 20, 5000);
    ClusterPresence *cluster = m_a->clusterPresence();
    WorkBudget &budget = m_a->presenceTracker()->questionBudget();
    // Questions that wait for one read of B's 20 records (a record and its filter: 2 each);
    // A knows the 20 clients too (shared subscriptions, no stream here): its wildcard scan
    // looks at 21.
    const auto ask = [&](const QList<QByteArray> &filters, int *answered, QStringList *refused) {
        QTRY_VERIFY(!cluster->readIsFresh());
        budget.setRate(3000); // full again
        for (const QByteArray &text : filters) {
            cluster->query(TopicFilter::parse(text), [=](const PresenceAnswer &a) {
                if (a.error.isEmpty())
                    ++*answered;
                else
                    refused->append(a.error);
            });
        }
    };
    // A hundred identical questions: the entries are found once (61), each question pays for
    // its copy of the 20 entries (21): 2,161 of 3,000. Each on its own would cost 82.
    int answered = 0;
    QStringList refused;
    ask(QList<QByteArray>(100, "room/#"), &answered, &refused);
    QTRY_COMPARE(answered + int(refused.size()), 100);
    QCOMPARE(refused, QStringList());
    // A hundred different ones (finding nobody) cost 62 each: about 49 fit, the others are
    // told why.
    answered = 0;
    QList<QByteArray> different;
    for (int i = 0; i < 100; ++i)
        different << "other/" + QByteArray::number(i) + "/#";
    ask(different, &answered, &refused);
    QTRY_COMPARE(answered + int(refused.size()), 100);
    QVERIFY2(answered >= 45 && answered <= 55, qPrintable(QString::number(answered)));
    for (const QString &why : std::as_const(refused))
        QVERIFY2(why.contains(QLatin1String("--presence-budget")), qPrintable(why));
}
