// Cluster mode on a Redis Cluster (--redis-cluster): two ssehub processes on a real cluster of
// three primaries with a replica each, subscribers on one, publishers on the other, topics in
// partitions on every shard. Events arrive once and in order, a Last-Event-ID restores every
// partition a stream follows, and a shard's primary killed with kill -9 mid-stream costs no
// acknowledged event.
#include "clustertopology.h"
#include "httpclient.h"
#include "hubprocess.h"
#include "redis/rediscluster.h"
#include "redis/shardedbroker.h"
#include "sseclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

constexpr int Partitions = 16;
constexpr int TopicsPerShard = 2;

int numberOf(const SseEvent &event)
{
    return event.json()
        .value(QLatin1String("payload"))
        .toObject()
        .value(QLatin1String("n"))
        .toInt(-1);
}

QByteArray topicOfEvent(const SseEvent &event)
{
    return event.json().value(QLatin1String("topic")).toString().toUtf8();
}

} // namespace

class TestShardedCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void idsCarryTheirPartition();
    void eventsAcrossShards();
    void shardPrimaryKilled_data();
    void shardPrimaryKilled();
    void sharedStateOnOneSlot();
    void heldBackEventsBounded();
    void forgedIdsRefused();
    void layoutMismatchRefused();
    void optionsChecked();

private:
    std::unique_ptr<HeadlessHub> startHub(const QString &node, const QStringList &extra = {});
    // A and B, both ready (their extra options as given).
    void startPair(const QStringList &extraA = {}, const QStringList &extraB = {});
    // Topics whose partitions live on every shard, TopicsPerShard each; the shard of each.
    void pickTopics();
    bool publishNumber(quint16 port, const QByteArray &topic, int n);
    // Opens a subscriber per topic on A and waits until each receives (its subscription is in
    // place on every shard).
    void subscribeAll(std::map<QByteArray, std::unique_ptr<SseClient>> *readers);

    QTemporaryDir m_dir;
    std::unique_ptr<ClusterTopology> m_topology;
    std::unique_ptr<HeadlessHub> m_a;
    std::unique_ptr<HeadlessHub> m_b;
    QList<QByteArray> m_topics;
    QHash<QByteArray, quint16> m_shardOf;
    QHash<QByteArray, QList<int>> m_acknowledged; // topic -> numbers answered 200
    int m_next = 1;
};

void TestShardedCluster::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestShardedCluster::init()
{
    m_topology = std::make_unique<ClusterTopology>();
    QVERIFY2(m_topology->start(), qPrintable(m_topology->error()));
    m_acknowledged.clear();
    m_next = 1;
    pickTopics();
}

void TestShardedCluster::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_topology.reset();
}

std::unique_ptr<HeadlessHub> TestShardedCluster::startHub(const QString &node,
                                                          const QStringList &extra)
{
    QStringList args {QStringLiteral("--listen"),           QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--node-id"),          node,
                      QStringLiteral("--redis-partitions"), QString::number(Partitions)};
    // Two seeds: the map is read from whichever answers.
    for (quint16 port : m_topology->ports().mid(0, 2))
        args << QStringLiteral("--redis-cluster") << QStringLiteral("127.0.0.1:%1").arg(port);
    auto hub = std::make_unique<HeadlessHub>(QStringLiteral(SSEHUB_BINARY), m_dir.filePath(node));
    if (!hub->start(args + extra))
        return nullptr;
    return hub;
}

void TestShardedCluster::startPair(const QStringList &extraA, const QStringList &extraB)
{
    m_a = startHub(QStringLiteral("a"), extraA);
    m_b = startHub(QStringLiteral("b"), extraB);
    QVERIFY(m_a && m_b);
    QTRY_COMPARE_WITH_TIMEOUT(request(m_a->port(), "GET", "/readyz").status, 200, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(request(m_b->port(), "GET", "/readyz").status, 200, 15000);
}

void TestShardedCluster::pickTopics()
{
    m_topics.clear();
    m_shardOf.clear();
    QHash<quint16, int> perShard;
    for (int i = 0; m_topics.size() < 3 * TopicsPerShard && i < 1000; ++i) {
        const QByteArray topic = "shard" + QByteArray::number(i) + "/data";
        const int partition = ShardedBroker::partitionFor(topic, Partitions, 1);
        const quint16 shard = m_topology->primaryOf(
            redisKeySlot(QByteArray("ssehub:{p" + QByteArray::number(partition) + "}")));
        if (!shard || perShard.value(shard) >= TopicsPerShard)
            continue;
        ++perShard[shard];
        m_topics << topic;
        m_shardOf.insert(topic, shard);
    }
    QCOMPARE(m_topics.size(), 3 * TopicsPerShard);
}

bool TestShardedCluster::publishNumber(quint16 port, const QByteArray &topic, int n)
{
    const bool ok = publish(port, topic, "{\"n\":" + QByteArray::number(n) + '}').status == 200;
    if (ok)
        m_acknowledged[topic] << n;
    return ok;
}

void TestShardedCluster::subscribeAll(std::map<QByteArray, std::unique_ptr<SseClient>> *readers)
{
    for (const QByteArray &topic : std::as_const(m_topics)) {
        auto reader = std::make_unique<SseClient>();
        reader->open(m_a->port(), "/events?topic=" + topic);
        SseClient *raw = reader.get();
        (*readers)[topic] = std::move(reader);
        // Event 0 until it arrives: then A's subscription is in place on the topic's shard.
        QTRY_VERIFY_WITH_TIMEOUT(publish(m_b->port(), topic, "{\"n\":0}").status == 200
                                     && !raw->messages().isEmpty(),
                                 15000);
    }
}

void TestShardedCluster::idsCarryTheirPartition()
{
    // Entry "<ms>-<seq>" of partition p is "<ms>-<seq * 256 + p>": distinct across partitions
    // and ordered by (ms, seq, partition); each partition is read after its newest entry at or
    // before an id.
    quint64 a = 0, b = 0, c = 0;
    QVERIFY(ShardedBroker::globalId("1700000000000-3", 5, &a));
    QVERIFY(ShardedBroker::globalId("1700000000000-3", 6, &b));
    QVERIFY(ShardedBroker::globalId("1700000000001-0", 0, &c));
    QVERIFY(a < b && b < c);
    QCOMPARE(formatEventId(a), QByteArray("1700000000000-773"));
    quint64 parsed = 0;
    QVERIFY(parseEventId("1700000000000-773", &parsed));
    QCOMPARE(parsed, a);
    QCOMPARE(ShardedBroker::entryAtOrBefore(a, 5), QByteArray("1700000000000-3"));
    QCOMPARE(ShardedBroker::entryAtOrBefore(a, 4), QByteArray("1700000000000-3"));
    QCOMPARE(ShardedBroker::entryAtOrBefore(a, 6), QByteArray("1700000000000-2"));
    QCOMPARE(ShardedBroker::entryAtOrBefore(c, 1),
             QByteArray("1700000000000-18446744073709551615"));
    QVERIFY(!ShardedBroker::globalId("1700000000000-8192", 0, &a)); // 13 bits of sequence
    QVERIFY(!ShardedBroker::globalId("garbage", 0, &a));
    // A subtree stays in one partition.
    QCOMPARE(ShardedBroker::partitionFor("sensor/1/data", 16, 1),
             ShardedBroker::partitionFor("sensor/2/temp", 16, 1));
    QCOMPARE(ShardedBroker::partitionFor("sensor/1/data", 16, 2),
             ShardedBroker::partitionFor("sensor/1/temp", 16, 2));
}

void TestShardedCluster::eventsAcrossShards()
{
    startPair();
    if (QTest::currentTestFailed())
        return;

    std::map<QByteArray, std::unique_ptr<SseClient>> readers;
    subscribeAll(&readers);
    // A stream of everything (a wildcard: the partitions' channels on every shard).
    SseClient all;
    all.open(m_a->port(), "/events?topic=%2B/data");
    QTRY_VERIFY_WITH_TIMEOUT(all.hasSession(), 5000);
    // Its subscriptions are in place on every shard once an event of each topic arrived.
    for (const QByteArray &topic : std::as_const(m_topics)) {
        const auto got = [&] {
            const QList<SseEvent> events = all.messages();
            return std::any_of(events.cbegin(), events.cend(),
                               [&](const SseEvent &event) { return topicOfEvent(event) == topic; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(publish(m_b->port(), topic, "{\"n\":0}").status == 200 && got(),
                                 15000);
    }
    const auto numbered = [](const SseClient &client) {
        const QList<SseEvent> events = client.messages();
        return int(std::count_if(events.cbegin(), events.cend(),
                                 [](const SseEvent &event) { return numberOf(event) > 0; }));
    };
    QVERIFY(publishNumber(m_b->port(), m_topics.first(), m_next++));
    QTRY_COMPARE_WITH_TIMEOUT(numbered(all), 1, 5000);

    // Round robin over the topics, then the wildcard stream leaves halfway and comes back with
    // its Last-Event-ID: it must get exactly what it missed, from every partition.
    const int total = 300;
    QByteArray resumeFrom;
    for (int i = 0; i < total; ++i) {
        if (i == total / 2) {
            QTRY_COMPARE_WITH_TIMEOUT(numbered(all), m_next - 1, 5000);
            resumeFrom = all.lastEventId();
            all.close();
        }
        const QByteArray &topic = m_topics.at(i % m_topics.size());
        QVERIFY(publishNumber(m_b->port(), topic, m_next++));
    }
    const QList<SseEvent> firstHalf = all.messages();
    SseClient resumed;
    resumed.open(m_a->port(), "/events?topic=%2B/data", {{"Last-Event-ID", resumeFrom}});

    for (const QByteArray &topic : std::as_const(m_topics)) {
        SseClient *reader = readers[topic].get();
        QTRY_VERIFY_WITH_TIMEOUT(!reader->messages().isEmpty()
                                     && numberOf(reader->messages().last())
                                         == m_acknowledged.value(topic).last(),
                                 10000);
        QList<int> got;
        for (const SseEvent &event : reader->messages()) {
            if (numberOf(event) > 0)
                got << numberOf(event);
        }
        QCOMPARE(got, m_acknowledged.value(topic));
    }
    // The wildcard stream: every event once, ids increasing across partitions (events of
    // different partitions within one millisecond are ordered by partition, not by when they
    // were published), each topic in order, nothing lost or repeated at the resume.
    const auto numbersGot = [&] {
        QList<int> numbers;
        for (const QList<SseEvent> &part : {firstHalf, resumed.messages()}) {
            for (const SseEvent &event : part) {
                if (numberOf(event) > 0)
                    numbers << numberOf(event);
            }
        }
        return numbers;
    };
    QTRY_COMPARE_WITH_TIMEOUT(numbersGot().size(), qsizetype(m_next - 1), 10000);
    QList<int> numbers = numbersGot();
    std::sort(numbers.begin(), numbers.end());
    QList<int> wanted;
    for (int n = 1; n < m_next; ++n)
        wanted << n;
    QCOMPARE(numbers, wanted);
    QHash<QByteArray, int> lastOfTopic;
    quint64 previous = 0;
    for (const QList<SseEvent> &part : {firstHalf, resumed.messages()}) {
        for (const SseEvent &event : part) {
            quint64 id = 0;
            QVERIFY(parseEventId(event.id, &id));
            QVERIFY2(id > previous, event.id.constData());
            previous = id;
            if (numberOf(event) <= 0)
                continue; // subscribeAll's
            QVERIFY2(numberOf(event) > lastOfTopic.value(topicOfEvent(event)),
                     QByteArray(event.id + " " + event.data + " after "
                                + QByteArray::number(lastOfTopic.value(topicOfEvent(event))))
                         .constData());
            lastOfTopic[topicOfEvent(event)] = numberOf(event);
        }
    }
    for (const SseEvent &event : resumed.events())
        QVERIFY(event.type != "reset");

    // GET /history reads every partition the filter can match, merged in id order, a page at
    // a time (small pages: the cursor must carry across partitions).
    QList<int> history;
    QByteArray cursor;
    previous = 0;
    for (int page = 0; page < 100; ++page) {
        const HttpResponse r
            = request(m_b->port(), "GET",
                      "/history?topic=%2B/data&limit=7"
                          + (cursor.isEmpty() ? QByteArray() : "&after=" + cursor));
        QCOMPARE(r.status, 200);
        const QJsonObject body = r.json();
        QCOMPARE(body.value(QLatin1String("source")).toString(), QStringLiteral("cluster"));
        for (const QJsonValue &value : body.value(QLatin1String("events")).toArray()) {
            const QJsonObject event = value.toObject();
            quint64 id = 0;
            QVERIFY(parseEventId(event.value(QLatin1String("id")).toString().toLatin1(), &id));
            QVERIFY(id > previous);
            previous = id;
            const int n = event.value(QLatin1String("payload"))
                              .toObject()
                              .value(QLatin1String("n"))
                              .toInt();
            if (n > 0)
                history << n;
        }
        cursor = body.value(QLatin1String("next")).toString().toLatin1();
        if (cursor.isEmpty())
            break;
    }
    std::sort(history.begin(), history.end());
    QCOMPARE(history, wanted);
}

void TestShardedCluster::shardPrimaryKilled_data()
{
    QTest::addColumn<int>("minReplicas");
    QTest::newRow("no replica acknowledgement") << 0;
    QTest::newRow("--redis-min-replicas 1") << 1;
}

void TestShardedCluster::shardPrimaryKilled()
{
    QFETCH(int, minReplicas);
    QStringList extra;
    if (minReplicas)
        extra << QStringLiteral("--redis-min-replicas") << QString::number(minReplicas)
              << QStringLiteral("--redis-replica-timeout") << QStringLiteral("500ms");
    startPair(extra, extra);
    if (QTest::currentTestFailed())
        return;
    std::map<QByteArray, std::unique_ptr<SseClient>> readers;
    subscribeAll(&readers);

    int round = 0;
    auto publishRound = [&] {
        int ok = 0;
        for (const QByteArray &topic : std::as_const(m_topics))
            ok += publishNumber(m_b->port(), topic, m_next++) ? 1 : 0;
        ++round;
        return ok;
    };
    for (int i = 0; i < 20; ++i)
        QCOMPARE(publishRound(), int(m_topics.size()));

    // The replica of the first topic's shard falls behind, as behind a network partition: its
    // primary starts to ask for a password the replica does not have (connections made before
    // keep working) and drops the replica's link. Ten events of that topic are published.
    const QByteArray topic = m_topics.first();
    const quint16 victim = m_shardOf.value(topic);
    const int partition = ShardedBroker::partitionFor(topic, Partitions, 1);
    const QByteArray streamKey = "ssehub:{p" + QByteArray::number(partition) + "}events";
    const int slot = redisKeySlot(streamKey);
    const quint16 survivor = m_topology->otherPrimary(victim);
    QCOMPARE(m_topology->cli(victim,
                             {QStringLiteral("CONFIG"), QStringLiteral("SET"),
                              QStringLiteral("requirepass"), QStringLiteral("cut")}),
             QByteArray("OK"));
    const auto victimCli = [&](const QStringList &args) {
        return m_topology->cli(victim,
                               QStringList {QStringLiteral("-a"), QStringLiteral("cut"),
                                            QStringLiteral("--no-auth-warning")}
                                   + args);
    };
    victimCli({QStringLiteral("CLIENT"), QStringLiteral("KILL"), QStringLiteral("TYPE"),
               QStringLiteral("replica")});
    QTRY_VERIFY(victimCli({QStringLiteral("INFO"), QStringLiteral("replication")})
                    .contains("connected_slaves:0"));
    int confirmedBehind = 0;
    for (int i = 0; i < 10; ++i)
        confirmedBehind += publishNumber(m_b->port(), topic, m_next++) ? 1 : 0;
    QCOMPARE(confirmedBehind, minReplicas ? 0 : 10);
    // A's subscriber has them all (the primary published them, 200 or 503) before it dies.
    SseClient *victimReader = readers[topic].get();
    QTRY_COMPARE_WITH_TIMEOUT(numberOf(victimReader->messages().last()), m_next - 1, 5000);

    // kill -9 of that primary mid-stream; publishing goes on (events of that shard get 503
    // until its replica is promoted and the instances follow).
    m_topology->server(victim)->kill();
    quint16 promoted = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            publishRound();
            promoted = m_topology->primaryOf(slot, survivor);
            return promoted && promoted != victim;
        },
        30000));
    // The operator brings the dead server back; it rejoins as the new primary's replica (with
    // --redis-min-replicas 1 that shard's publishes get 503 until then).
    QVERIFY2(m_topology->server(victim)->start(), qPrintable(m_topology->server(victim)->error()));
    int acknowledgedAfter = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const int before = m_acknowledged.value(m_topics.first()).size();
            publishRound();
            acknowledgedAfter += m_acknowledged.value(m_topics.first()).size() - before;
            return acknowledgedAfter >= 10;
        },
        60000));

    // Every subscriber: every acknowledged event of its topic, once, in order - or, without
    // replica acknowledgement, a reset that names the gap.
    for (const QByteArray &topic : std::as_const(m_topics)) {
        SseClient *reader = readers[topic].get();
        const QList<int> &wanted = m_acknowledged.value(topic);
        QTRY_VERIFY_WITH_TIMEOUT(!reader->messages().isEmpty()
                                     && numberOf(reader->messages().last()) == wanted.last(),
                                 20000);
        // Events answered 503 may be delivered too (the primary had them): only the
        // acknowledged ones are counted, and everything is once and in order.
        QList<int> got;
        int previous = 0;
        for (const SseEvent &event : reader->messages()) {
            const int number = numberOf(event);
            if (number <= 0 || topicOfEvent(event) != topic)
                continue;
            QVERIFY2(number > previous,
                     qPrintable(QStringLiteral("%1 after %2").arg(number).arg(previous)));
            previous = number;
            if (wanted.contains(number))
                got << number;
        }
        bool reset = false;
        for (const SseEvent &event : reader->events())
            reset = reset || (event.type == "reset" && event.data.contains("history-lost"));
        if (got != wanted) {
            QVERIFY2(!minReplicas && reset,
                     qPrintable(QStringLiteral("topic %1: %2 acknowledged, %3 received")
                                    .arg(QString::fromUtf8(topic))
                                    .arg(wanted.size())
                                    .arg(got.size())));
        }
    }
    // What the promoted replica's Stream lacks of what publishers were told is kept.
    const QList<QByteArray> lines
        = m_topology
              ->cli(promoted,
                    {QStringLiteral("XRANGE"), QString::fromLatin1(streamKey), QStringLiteral("-"),
                     QStringLiteral("+")})
              .split('\n');
    QSet<int> kept;
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        if (lines.at(i) == "p")
            kept.insert(QJsonDocument::fromJson(lines.at(i + 1))
                            .object()
                            .value(QLatin1String("n"))
                            .toInt(-1));
    }
    int lost = 0;
    for (int number : m_acknowledged.value(topic))
        lost += kept.contains(number) ? 0 : 1;
    QCOMPARE(lost, minReplicas ? 0 : 10);
    // Either way A's subscriber of that topic had events the new primary lacks (acknowledged,
    // or answered 503): it is told its history is gone.
    bool reset = false;
    for (const SseEvent &event : victimReader->events())
        reset = reset || (event.type == "reset" && event.data.contains("history-lost"));
    QVERIFY(reset);
    qInfo("min-replicas %d: %d rounds, %d acknowledged on the killed shard after the kill, %d "
          "acknowledged events lost",
          minReplicas, round, acknowledgedAfter, lost);
}

void TestShardedCluster::sharedStateOnOneSlot()
{
    startPair();
    if (QTest::currentTestFailed())
        return;

    // Both instances are in the node registry.
    QTRY_COMPARE_WITH_TIMEOUT(
        request(m_a->port(), "GET", "/nodes").json().value(QLatin1String("nodes")).toArray().size(),
        2, 10000);

    // A named client's stream on B; its subscriptions are changed through A, with a topic of
    // another shard: B's stream follows.
    const QByteArray first = m_topics.at(0);
    const QByteArray other = m_topics.at(TopicsPerShard); // the next shard's
    SseClient onB;
    onB.open(m_b->port(), "/events?client_id=dev-1&topic=" + first);
    QTRY_VERIFY_WITH_TIMEOUT(onB.hasSession(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(request(m_a->port(), "GET", "/subscriptions/dev-1").status, 200,
                              10000);
    QCOMPARE(request(m_a->port(), "POST", "/subscribe",
                     R"({"client_id":"dev-1","topics":[")" + other + R"("]})")
                 .status,
             200);
    QTRY_VERIFY_WITH_TIMEOUT(
        publish(m_a->port(), other, "{\"n\":1}").status == 200 && !onB.messages().isEmpty(), 10000);
    QCOMPARE(topicOfEvent(onB.messages().first()), other);

    // Every key of the shared state carries the hash tag of the prefix: one slot, one node.
    const quint16 home = m_topology->primaryOf(redisKeySlot(QByteArrayView("{ssehub:}")));
    QVERIFY(home);
    const QByteArray fields = m_topology->cli(
        home, {QStringLiteral("HKEYS"), QStringLiteral("{ssehub:}client:subscriptions:dev-1")});
    QVERIFY2(fields.contains(first) && fields.contains(other), fields.constData());
    QVERIFY(m_topology->cli(home, {QStringLiteral("HLEN"), QStringLiteral("{ssehub:}nodes")})
                .startsWith("2"));
}

void TestShardedCluster::heldBackEventsBounded()
{
    // A frozen shard holds back every partition an instance follows (delivery is in id order
    // across partitions) until its replica is promoted. What waits meanwhile is bounded by
    // twice --history-bytes: beyond, it is dropped and the live streams get a reset.
    startPair({QStringLiteral("--history-bytes"), QStringLiteral("256KB")});
    if (QTest::currentTestFailed())
        return;
    std::map<QByteArray, std::unique_ptr<SseClient>> readers;
    subscribeAll(&readers);

    const quint16 frozen = m_shardOf.value(m_topics.first());
    const QByteArray other = m_topics.at(TopicsPerShard); // on another shard
    QVERIFY(m_shardOf.value(other) != frozen);
    SseClient *reader = readers[other].get();
    m_topology->server(frozen)->pause();
    // 1,500 events of about 1 KiB on the other shard: over A's bound long before the failover.
    const QByteArray filler(1000, 'x');
    int accepted = 0;
    for (int i = 0; i < 1500; ++i)
        accepted += publish(m_b->port(), other, "\"" + filler + "\"").status == 200 ? 1 : 0;
    QCOMPARE(accepted, 1500);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const SseEvent &event : reader->events()) {
                if (event.type == "reset" && event.data.contains("history-lost"))
                    return true;
            }
            return false;
        }(),
        30000);
    m_topology->server(frozen)->resume();
    // Delivery goes on afterwards (once the frozen shard's replica took over).
    QTRY_VERIFY_WITH_TIMEOUT(publish(m_b->port(), other, "{\"n\":-7}").status == 200
                                 && numberOf(reader->messages().last()) == -7,
                             30000);
    QCOMPARE(request(m_a->port(), "GET", "/readyz").status, 200);
}

void TestShardedCluster::forgedIdsRefused()
{
    startPair();
    if (QTest::currentTestFailed())
        return;
    std::map<QByteArray, std::unique_ptr<SseClient>> readers;
    subscribeAll(&readers);
    SseClient all;
    all.open(m_a->port(), "/events?topic=%2B/data");
    QTRY_VERIFY_WITH_TIMEOUT(all.hasSession(), 5000);

    // Something else writes on the prefix: a message whose id is an hour ahead. Before, it held
    // back every partition for that hour and then made every real event look delivered.
    const QByteArray topic = m_topics.first();
    const int partition = ShardedBroker::partitionFor(topic, Partitions, 1);
    const QByteArray channel = "ssehub:{p" + QByteArray::number(partition) + "}all";
    const QByteArray forged = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 3600000)
        + "-0\n" + topic + "\nmessage\n\"FORGED\"";
    m_topology->cli(
        m_shardOf.value(topic),
        {QStringLiteral("SPUBLISH"), QString::fromLatin1(channel), QString::fromLatin1(forged)});
    for (int n = 1; n <= 3; ++n)
        QVERIFY(publishNumber(m_b->port(), topic, n));
    QTRY_COMPARE_WITH_TIMEOUT(numberOf(readers[topic]->messages().last()), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(numberOf(all.messages().last()), 3, 5000);
    for (const SseEvent &event : all.messages())
        QVERIFY(!event.data.contains("FORGED"));
    // Every stream leaves, so that A follows no partition; a new one must still get events
    // (before, the forged event was handed on then, and every real one after it dropped).
    all.close();
    readers.clear();
    QTRY_COMPARE_WITH_TIMEOUT(
        request(m_a->port(), "GET", "/stats").json().value(QLatin1String("connections")).toInt(), 0,
        5000);
    SseClient later;
    later.open(m_a->port(), "/events?topic=" + topic);
    QTRY_VERIFY_WITH_TIMEOUT(publish(m_b->port(), topic, "{\"n\":9}").status == 200
                                 && !later.messages().isEmpty(),
                             10000);

    // A Last-Event-ID a day ahead: a reset and what is retained, then live events - not a
    // stream that waits for that day.
    const QByteArray future
        = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 86400000) + "-0";
    SseClient resumed;
    resumed.open(m_a->port(), "/events?topic=" + topic, {{"Last-Event-ID", future}});
    QTRY_VERIFY_WITH_TIMEOUT(
        !resumed.events().isEmpty() && resumed.events().first().type == "reset", 5000);
    QVERIFY(publishNumber(m_b->port(), topic, 4));
    QTRY_COMPARE_WITH_TIMEOUT(numberOf(resumed.messages().last()), 4, 5000);
}

void TestShardedCluster::layoutMismatchRefused()
{
    m_a = startHub(QStringLiteral("a"));
    QVERIFY(m_a);
    QTRY_COMPARE_WITH_TIMEOUT(request(m_a->port(), "GET", "/readyz").status, 200, 15000);
    // Another split of the events: its publishes and subscriptions would miss everyone else's.
    m_b = startHub(QStringLiteral("b"),
                   {QStringLiteral("--redis-partition-depth"), QStringLiteral("2")});
    QVERIFY(m_b);
    QTRY_VERIFY_WITH_TIMEOUT(request(m_b->port(), "GET", "/stats")
                                 .json()
                                 .value(QLatin1String("broker_state"))
                                 .toString()
                                 .contains(QLatin1String("partitions=16 depth=1")),
                             10000);
    QCOMPARE(request(m_b->port(), "GET", "/readyz").status, 503);
    const HttpResponse refused = publish(m_b->port(), m_topics.first(), "1");
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("--redis-partition-depth")));
    QCOMPARE(request(m_a->port(), "GET", "/readyz").status, 200);
}

void TestShardedCluster::optionsChecked()
{
    // Each refused at start, with a message (printed by HeadlessHub when it does not start).
    const QList<QStringList> refused {
        {QStringLiteral("--redis-cluster"), QStringLiteral("nonsense")},
        {QStringLiteral("--redis-cluster"), QStringLiteral("127.0.0.1:7000"),
         QStringLiteral("--redis-sentinel"), QStringLiteral("127.0.0.1:26379"),
         QStringLiteral("--redis-master"), QStringLiteral("m")},
        {QStringLiteral("--redis-cluster"), QStringLiteral("127.0.0.1:7000"),
         QStringLiteral("--redis-partitions"), QStringLiteral("257")},
        {QStringLiteral("--redis-cluster"), QStringLiteral("127.0.0.1:7000"),
         QStringLiteral("--redis"), QStringLiteral("redis://127.0.0.1/3")},
        {QStringLiteral("--redis-cluster"), QStringLiteral("127.0.0.1:7000"),
         QStringLiteral("--history-ttl"), QStringLiteral("1h")},
        {QStringLiteral("--redis-cluster"), QStringLiteral("127.0.0.1:7000"),
         QStringLiteral("--redis-prefix"), QStringLiteral("a{b}")},
    };
    HeadlessHub hub(QStringLiteral(SSEHUB_BINARY), m_dir.filePath(QStringLiteral("opts")));
    for (const QStringList &args : refused)
        QVERIFY2(!hub.start(QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}
                            + args),
                 qPrintable(args.join(u' ')));
}

QTEST_GUILESS_MAIN(TestShardedCluster)
#include "tst_shardedcluster.moc"
