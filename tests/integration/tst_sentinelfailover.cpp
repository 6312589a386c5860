// What a failover behind Redis Sentinel costs in events, with two ssehub processes on a real
// deployment (a primary, a replica, three sentinels): subscribers on one instance, publishers on
// the other, the primary killed mid-stream after its replica fell behind. Replication is
// asynchronous, so events the primary confirmed but never passed on are gone once the replica
// is promoted: without --redis-min-replicas the publisher was told 200 for them; with it, 503.
#include "httpclient.h"
#include "hubprocess.h"
#include "redisserver.h"
#include "sentineltopology.h"
#include "sseclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

using namespace ssehub::test;

namespace {

constexpr int Topics = 4;

QByteArray topicOf(int n)
{
    return "failover/t" + QByteArray::number(n % Topics);
}

} // namespace

class TestSentinelFailover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void acknowledgedEvents_data();
    void acknowledgedEvents();

private:
    std::unique_ptr<HeadlessHub> startHub(const QString &node, const QStringList &extra);
    // Publishes event n through `port`; true when it was acknowledged (200).
    bool publishNumber(quint16 port, int n);
    // The event numbers the Stream on the server at `port` holds.
    QSet<int> numbersInStream(quint16 port) const;

    QTemporaryDir m_dir;
    std::unique_ptr<SentinelTopology> m_topology;
    std::unique_ptr<HeadlessHub> m_a;
    std::unique_ptr<HeadlessHub> m_b;
    QList<int> m_acknowledged;
};

void TestSentinelFailover::init()
{
    m_topology = std::make_unique<SentinelTopology>();
    QVERIFY2(m_topology->start(), qPrintable(m_topology->error()));
    m_acknowledged.clear();
}

void TestSentinelFailover::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_topology.reset();
}

std::unique_ptr<HeadlessHub> TestSentinelFailover::startHub(const QString &node,
                                                            const QStringList &extra)
{
    QStringList args {
        QStringLiteral("--listen"),       QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--redis"),        QStringLiteral("redis://127.0.0.1:1"),
        QStringLiteral("--redis-master"), QString::fromLatin1(SentinelTopology::MasterName),
        QStringLiteral("--node-id"),      node};
    for (quint16 port : m_topology->sentinelPorts())
        args << QStringLiteral("--redis-sentinel") << QStringLiteral("127.0.0.1:%1").arg(port);
    auto hub = std::make_unique<HeadlessHub>(QStringLiteral(SSEHUB_BINARY), m_dir.filePath(node));
    if (!hub->start(args + extra))
        return nullptr;
    return hub;
}

bool TestSentinelFailover::publishNumber(quint16 port, int n)
{
    const bool ok
        = publish(port, topicOf(n), "{\"n\":" + QByteArray::number(n) + '}').status == 200;
    if (ok)
        m_acknowledged << n;
    return ok;
}

QSet<int> TestSentinelFailover::numbersInStream(quint16 port) const
{
    // XRANGE prints each entry's fields one per line: ... p, then the payload.
    const QList<QByteArray> lines
        = m_topology
              ->serverCli(port,
                          {QStringLiteral("XRANGE"), QStringLiteral("ssehub:events"),
                           QStringLiteral("-"), QStringLiteral("+")})
              .split('\n');
    QSet<int> numbers;
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        if (lines.at(i) == "p") {
            const QJsonObject payload = QJsonDocument::fromJson(lines.at(i + 1)).object();
            numbers.insert(payload.value(QLatin1String("n")).toInt(-1));
        }
    }
    return numbers;
}

void TestSentinelFailover::acknowledgedEvents_data()
{
    QTest::addColumn<int>("minReplicas");
    QTest::newRow("no replica acknowledgement") << 0;
    QTest::newRow("--redis-min-replicas 1") << 1;
}

void TestSentinelFailover::acknowledgedEvents()
{
    QFETCH(int, minReplicas);
    QStringList extra;
    if (minReplicas)
        extra << QStringLiteral("--redis-min-replicas") << QString::number(minReplicas)
              << QStringLiteral("--redis-replica-timeout") << QStringLiteral("200ms");
    m_a = startHub(QStringLiteral("a"), extra);
    m_b = startHub(QStringLiteral("b"), extra);
    QVERIFY(m_a && m_b);
    QTRY_COMPARE_WITH_TIMEOUT(request(m_a->port(), "GET", "/readyz").status, 200, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(request(m_b->port(), "GET", "/readyz").status, 200, 15000);

    // Subscribers on A, one per topic; publishers on B. Event 0 of each topic is sent until it
    // arrives: then A's subscriptions are in place.
    std::map<int, std::unique_ptr<SseClient>> readers;
    for (int t = 0; t < Topics; ++t) {
        readers[t] = std::make_unique<SseClient>();
        readers[t]->open(m_a->port(), "/events?topic=" + topicOf(t));
        SseClient *reader = readers[t].get();
        QTRY_VERIFY_WITH_TIMEOUT(publish(m_b->port(), topicOf(t), "{\"n\":0}").status == 200
                                     && !reader->messages().isEmpty(),
                                 10000);
    }
    int n = 1;
    for (; n <= 20; ++n)
        QVERIFY(publishNumber(m_b->port(), n));

    // The replica falls behind, as behind a network partition: the primary starts to ask for
    // a password that the replica does not have (connections made before keep working) and
    // drops the replica's link; the replica tries again every second, in vain.
    const quint16 primary = m_topology->primaryPort();
    const quint16 replica = m_topology->replicaPort();
    const QByteArray partition = "partition";
    QCOMPARE(m_topology->serverCli(primary,
                                   {QStringLiteral("CONFIG"), QStringLiteral("SET"),
                                    QStringLiteral("requirepass"), QString::fromLatin1(partition)}),
             QByteArray("OK"));
    redisCli(primary,
             {QStringLiteral("CLIENT"), QStringLiteral("KILL"), QStringLiteral("TYPE"),
              QStringLiteral("replica")},
             partition);
    QTRY_VERIFY(
        redisCli(primary, {QStringLiteral("INFO"), QStringLiteral("replication")}, partition)
            .contains("connected_slaves:0"));
    int confirmedBehind = 0;
    for (; n <= 40; ++n)
        confirmedBehind += publishNumber(m_b->port(), n) ? 1 : 0;
    QCOMPARE(confirmedBehind, minReplicas ? 0 : 20);

    // The primary dies before the replica has them; the replica is promoted. Instance A
    // stalls meanwhile, so that the new primary has newer events than A saw when A is back:
    // only the events A saw and the Stream lacks tell it what is gone.
    m_a->pause();
    m_topology->killPrimary();
    QTRY_COMPARE_WITH_TIMEOUT(m_topology->primaryPort(), replica, 60000);
    // The operator brings the dead server back, as a replica (with --redis-min-replicas 1 and
    // no replica left, every publish gets 503 until then).
    QVERIFY(m_topology->restartAsReplica(primary));
    // Publishing goes on (503 until B follows) until ten more events are acknowledged.
    int after = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            after += publishNumber(m_b->port(), n++) ? 1 : 0;
            return after >= 10;
        },
        60000));
    m_a->resume();

    // Every subscriber gets every acknowledged event of its topic once, in order.
    const auto numberOf = [](const SseEvent &event) {
        return event.json()
            .value(QLatin1String("payload"))
            .toObject()
            .value(QLatin1String("n"))
            .toInt();
    };
    for (int t = 0; t < Topics; ++t) {
        SseClient *reader = readers[t].get();
        QList<int> wanted;
        for (int number : std::as_const(m_acknowledged)) {
            if (number % Topics == t)
                wanted << number;
        }
        const auto acknowledgedGot = [&] {
            QList<int> got;
            for (const SseEvent &event : reader->messages()) {
                if (m_acknowledged.contains(numberOf(event)))
                    got << numberOf(event);
            }
            return got;
        };
        QTRY_VERIFY_WITH_TIMEOUT(acknowledgedGot().contains(wanted.last()), 20000);
        QCOMPARE(acknowledgedGot(), wanted);
    }

    // What the promoted replica's Stream lacks of what publishers were told is kept.
    const QSet<int> kept = numbersInStream(replica);
    int lost = 0;
    for (int number : std::as_const(m_acknowledged))
        lost += kept.contains(number) ? 0 : 1;
    qInfo("min-replicas %d: %lld events acknowledged, %d of them lost in the failover", minReplicas,
          qlonglong(m_acknowledged.size()), lost);
    if (minReplicas) {
        QCOMPARE(lost, 0);
    } else {
        QCOMPARE(lost, 20);
    }
    // Either way A's subscribers had received events the new primary's Stream lacks (all of
    // them acknowledged, or none): each is told its history is gone, naming where it resumes.
    for (int t = 0; t < Topics; ++t) {
        bool reset = false;
        for (const SseEvent &event : readers[t]->events())
            reset = reset || (event.type == "reset" && event.data.contains("history-lost"));
        QVERIFY2(reset, qPrintable(QStringLiteral("topic %1 got no reset").arg(t)));
    }
}

QTEST_GUILESS_MAIN(TestSentinelFailover)
#include "tst_sentinelfailover.moc"
