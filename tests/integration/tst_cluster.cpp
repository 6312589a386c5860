// Cluster mode: two engines (two instances) sharing one real redis-server that the test starts
// on a free port, kills and restarts. Fan-out across instances, per-instance Redis
// subscriptions, replay by Last-Event-ID on the other instance, history gaps, Redis lost and
// back (with and without persistence), not ready while Redis is unreachable, shared
// subscriptions through the control channel, the node registry.
#include "core/logcategories.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "observe/connectionlog.h"
#include "redis/clusterstate.h"
#include "redis/redisbroker.h"
#include "redis/redisconnection.h"
#include "redisserver.h"
#include "sseclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>

using namespace ssehub;
using namespace ssehub::test;

namespace {

QByteArray idOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("id")).toString().toUtf8();
}

QList<QByteArray> idsOf(const QList<SseEvent> &events)
{
    QList<QByteArray> ids;
    for (const SseEvent &e : events)
        ids << e.id;
    return ids;
}

// A TCP relay between an instance and redis-server that the test can cut (every connection
// closed, new ones refused) and restore on the same port: one instance loses Redis while the
// others keep it.
class RedisRelay : public QObject
{
public:
    explicit RedisRelay(quint16 redisPort)
        : m_redisPort(redisPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                auto *out = new QTcpSocket(in);
                m_pairs << qMakePair(QPointer<QTcpSocket>(in), QPointer<QTcpSocket>(out));
                connect(in, &QTcpSocket::readyRead, out, [in, out] { out->write(in->readAll()); });
                connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                connect(out, &QTcpSocket::connected, out, [in, out] { out->write(in->readAll()); });
                connect(in, &QTcpSocket::disconnected, in, &QObject::deleteLater);
                connect(out, &QTcpSocket::disconnected, in, [in] { in->abort(); });
                out->connectToHost(QHostAddress::LocalHost, m_redisPort);
            }
        });
    }
    bool listen()
    {
        return m_server.listen(QHostAddress::LocalHost, m_port) && (m_port = m_server.serverPort());
    }
    quint16 port() const { return m_port; }
    void cut()
    {
        m_server.close();
        for (auto &pair : m_pairs) {
            if (pair.first)
                pair.first->abort();
        }
        m_pairs.clear();
    }

private:
    QTcpServer m_server;
    quint16 m_redisPort;
    quint16 m_port = 0;
    QList<QPair<QPointer<QTcpSocket>, QPointer<QTcpSocket>>> m_pairs;
};

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void publishOnAReceiveOnB();
    void subscribesOnlyToWhatItsStreamsNeed();
    void moveToOtherInstanceWithLastEventId();
    void tooOldCursorGetsReset();
    void streamIsBoundedInBytes();
    void notReadyWhileRedisUnreachable();
    void badUrl();
    void redisKilledAndRestartedWithPersistence();
    void redisComesBackEmpty();
    void subscriptionsSharedAcrossInstances();
    void sharedStateSurvivesInstanceRestart();
    void nodeRegistry();
    void pipelinedAnswersKeepTheirOrder();
    void batchInOneScriptCall();
    void noResetWhenRedisLostNothing();
    void readinessFollowsARoundTrip();
    void flushAllWhileConnected();
    void redisRestartedEmptyGetsSubscriptionsBack();
    void streamStartingWhileCatchingUpGetsOnlyLaterEvents();

private:
    std::unique_ptr<Engine> startEngine(Engine::Config config = {}, quint16 redisPort = 0);
    static bool waitSynced(Engine *engine);
    // One command on a connection of the test's own (what Redis itself holds); an error reply
    // when Redis does not answer.
    RedisReply redisQuery(const QList<QByteArray> &command);

    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<Engine> m_a;
    std::unique_ptr<Engine> m_b;
};

void TestCluster::init()
{
    m_redis = std::make_unique<RedisServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
}

void TestCluster::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_redis.reset();
}

std::unique_ptr<Engine> TestCluster::startEngine(Engine::Config config, quint16 redisPort)
{
    config.port = 0;
    config.dataDir.clear();
    config.redisUrl
        = QStringLiteral("redis://127.0.0.1:%1").arg(redisPort ? redisPort : m_redis->port());
    config.redisBackoffMaxMs = 200;
    config.redisTimeoutMs = 1000;
    auto engine = std::make_unique<Engine>(config);
    QString error;
    if (!engine->start(&error))
        qWarning("engine did not start: %s", qPrintable(error));
    return engine;
}

RedisReply TestCluster::redisQuery(const QList<QByteArray> &command)
{
    RedisConnection::Options options;
    options.port = m_redis->port();
    RedisConnection probe(options);
    probe.start();
    if (!QTest::qWaitFor([&] { return probe.state() == RedisConnection::State::Ready; }, 5000))
        return RedisReply::error("not connected");
    std::optional<RedisReply> reply;
    probe.command(command, [&](const RedisReply &r) { reply = r; });
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, 5000))
        return RedisReply::error("no reply");
    return *reply;
}

bool TestCluster::waitSynced(Engine *engine)
{
    RedisBroker *broker = engine->redisBroker();
    return QTest::qWaitFor(
        [broker] {
            return broker->isReady() && !broker->isSyncing()
                && broker->subscriber()->subscriptionsConfirmed();
        },
        10000);
}

void TestCluster::publishOnAReceiveOnB()
{
    m_a = startEngine();
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));

    SseClient onB;
    onB.open(m_b->port(), "/events?topic=sensor/%2B/data");
    QTRY_COMPARE(m_b->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_b.get())); // its SUBSCRIBE is confirmed

    const HttpResponse first = publish(m_a->port(), "sensor/1/data", "{\"t\":1}");
    QCOMPARE(first.status, 200);
    // Event ids are the Stream's entry ids.
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d+-\\d+$"))
                 .match(QString::fromUtf8(idOf(first)))
                 .hasMatch(),
             idOf(first).constData());
    publish(m_a->port(), "sensor/2/other", "{\"t\":2}"); // matches nothing on B
    const HttpResponse third = publish(m_b->port(), "sensor/3/data", "[3]", "alarm");
    QCOMPARE(third.status, 200);

    QTRY_COMPARE(onB.events().size(), 2);
    QCOMPARE(onB.events().at(0).id, idOf(first));
    QCOMPARE(onB.events().at(0).json().value(QLatin1String("topic")).toString(),
             QStringLiteral("sensor/1/data"));
    QCOMPARE(onB.events().at(0).json().value(QLatin1String("id")).toString().toUtf8(), idOf(first));
    QCOMPARE(onB.events().at(1).id, idOf(third));
    QCOMPARE(onB.events().at(1).type, QByteArray("alarm"));
    quint64 firstId = 0, thirdId = 0;
    QVERIFY(parseEventId(onB.events().at(0).id, &firstId));
    QVERIFY(parseEventId(onB.events().at(1).id, &thirdId));
    QVERIFY(thirdId > firstId); // ids increase across instances
    // Nothing arrives twice (A's own publish loops back through Redis only once to B): a later
    // event from A comes right after the two.
    const QByteArray marker = idOf(publish(m_a->port(), "sensor/4/data", "{\"t\":4}"));
    QTRY_COMPARE(onB.events().last().id, marker);
    QCOMPARE(idsOf(onB.events()), (QList<QByteArray> {idOf(first), idOf(third), marker}));
}

void TestCluster::subscribesOnlyToWhatItsStreamsNeed()
{
    m_a = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    auto numbers = [this] {
        // The channel list and PUBSUB NUMPAT, as Redis sees them.
        const RedisReply channels = redisQuery({"PUBSUB", "CHANNELS", "ssehub:ev:*"});
        const RedisReply patterns = redisQuery({"PUBSUB", "NUMPAT"});
        if (channels.isError() || patterns.isError())
            return qMakePair(-1, -1);
        return qMakePair(int(channels.elements.size()), int(patterns.integer));
    };
    QCOMPARE(numbers(), qMakePair(0, 0)); // no streams: nothing subscribed

    SseClient exact, wildcard, sameExact;
    exact.open(m_a->port(), "/events?topic=room/1");
    wildcard.open(m_a->port(), "/events?topic=room/%2B/temp&topic=room/%23");
    sameExact.open(m_a->port(), "/events?topic=room/1");
    QTRY_COMPARE(m_a->hub()->streamCount(), 3);
    QVERIFY(waitSynced(m_a.get()));
    QTRY_COMPARE(numbers(), qMakePair(1, 2));
    QVERIFY(m_a->redisBroker()->subscriber()->channels().contains("ssehub:ev:room/1"));

    // Events for topics nobody here watches are not sent to this instance at all.
    const HttpResponse r = publish(m_a->port(), "kitchen/1", "1");
    QCOMPARE(r.json().value(QLatin1String("delivered")).toInt(), 0); // Redis receivers

    wildcard.close();
    QTRY_COMPARE(m_a->hub()->streamCount(), 2);
    QTRY_COMPARE(numbers(), qMakePair(1, 0));
    exact.close();
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QCOMPARE(numbers(), qMakePair(1, 0)); // still needed by the other stream
    sameExact.close();
    QTRY_COMPARE(m_a->hub()->streamCount(), 0);
    QTRY_COMPARE(numbers(), qMakePair(0, 0));
}

void TestCluster::moveToOtherInstanceWithLastEventId()
{
    m_a = startEngine();
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));

    SseClient onA;
    onA.open(m_a->port(), "/events?topic=chat/%23");
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_a.get()));
    QList<QByteArray> published;
    for (int i = 0; i < 3; ++i)
        published << idOf(publish(m_b->port(), "chat/room", QByteArray::number(i)));
    QTRY_COMPARE(onA.events().size(), 3);
    const QByteArray last = onA.lastEventId();
    QCOMPARE(last, published.last());
    onA.close();
    QTRY_COMPARE(m_a->hub()->streamCount(), 0);

    // Missed while away: five matching events among others, published on both instances.
    QList<QByteArray> missed;
    for (int i = 3; i < 8; ++i) {
        missed << idOf(publish((i % 2 ? m_a : m_b)->port(), "chat/room", QByteArray::number(i)));
        QCOMPARE(publish(m_a->port(), "news", "0").status, 200);
    }

    SseClient onB;
    onB.open(m_b->port(), "/events?topic=chat/%23", {{"Last-Event-ID", last}});
    QTRY_COMPARE(onB.events().size(), 5);
    QCOMPARE(idsOf(onB.events()), missed);
    // Then live, without repeats.
    QVERIFY(waitSynced(m_b.get()));
    const QByteArray live = idOf(publish(m_a->port(), "chat/room", "8"));
    QTRY_COMPARE(onB.events().size(), 6);
    QCOMPARE(onB.events().last().id, live);
    // A later event comes right after it: nothing was repeated in between.
    const QByteArray marker = idOf(publish(m_a->port(), "chat/other", "9"));
    QTRY_COMPARE(onB.events().last().id, marker);
    QCOMPARE(idsOf(onB.events()), missed + (QList<QByteArray> {live, marker}));
    // The query parameter works the same way (what a page passes when it opens afresh).
    SseClient byQuery;
    byQuery.open(m_a->port(), "/events?topic=chat/room&lastEventId=" + missed.at(3));
    QTRY_COMPARE(byQuery.events().size(), 2);
    QCOMPARE(idsOf(byQuery.events()), (QList<QByteArray> {missed.at(4), live}));
}

void TestCluster::tooOldCursorGetsReset()
{
    Engine::Config config;
    config.historySize = 100; // the Stream keeps exactly the newest 100
    m_a = startEngine(config);
    m_b = startEngine(config);
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    QList<QByteArray> ids;
    for (int i = 0; i < 400; ++i)
        ids << idOf(publish(m_a->port(), "t", QByteArray::number(i)));
    QVERIFY(!ids.contains(QByteArray()));

    for (const QByteArray &cursor :
         {ids.first(), QByteArray("garbage"), QByteArray("99999999999999-0"), QByteArray("17")}) {
        SseClient client;
        client.open(m_b->port(), "/events?topic=t", {{"Last-Event-ID", cursor}});
        QTRY_VERIFY(!client.events().isEmpty() && client.events().last().id == ids.last());
        const SseEvent reset = client.events().first();
        QCOMPARE(reset.type, QByteArray("reset"));
        QCOMPARE(reset.json().value(QLatin1String("reason")).toString(),
                 QStringLiteral("history-gap"));
        // What follows is everything retained, in order, ending with the newest.
        const QList<QByteArray> after = idsOf(client.events().mid(1));
        QVERIFY2(after.size() >= 100 && after.size() < 400, cursor.constData());
        QCOMPARE(after, ids.mid(ids.size() - after.size()));
        QCOMPARE(reset.json().value(QLatin1String("oldest")).toString().toUtf8(), after.first());
    }
    // A cursor within what is retained: no reset.
    SseClient recent;
    recent.open(m_b->port(), "/events?topic=t", {{"Last-Event-ID", ids.at(390)}});
    QTRY_COMPARE(recent.events().size(), 9);
    QCOMPARE(idsOf(recent.events()), ids.mid(391));
}

void TestCluster::streamIsBoundedInBytes()
{
    // --history-bytes bounds the Redis Stream too, each entry counted as an instance counts the
    // event in memory, so that the Stream and every instance keep the same events (the count
    // allows 10,000 here).
    Engine::Config config;
    const qint64 budget = 1024 * 1024;
    config.historyBytes = budget;
    m_a = startEngine(config);
    m_b = startEngine(config);
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    // A live stream on B, so that B receives the events (and keeps them in its own history).
    SseClient live;
    live.open(m_b->port(), "/events?topic=t");
    QTRY_VERIFY(live.hasSession());
    QVERIFY(waitSynced(m_b.get()));
    const QByteArray payload = '"' + QByteArray(16 * 1024, 's') + '"';
    QList<QByteArray> ids;
    for (int i = 0; i < 60; ++i)
        ids << idOf(publish(m_a->port(), "t", payload));
    QVERIFY(!ids.contains(QByteArray()));

    const qint64 kept = redisQuery({"XLEN", "ssehub:events"}).integer;
    const qint64 counted = redisQuery({"GET", "ssehub:events:bytes"}).string.toLongLong();
    QVERIFY2(kept > 5 && kept < 60, qPrintable(QString::number(kept)));
    const qint64 entryCost = counted / kept; // every entry has the same size
    QCOMPARE(counted, entryCost * kept);
    QVERIFY(counted <= budget);
    QVERIFY(counted + entryCost > budget); // trimmed to what fits, no further
    QVERIFY(entryCost > 4 * payload.size()); // counted as an instance holds it
    const RedisReply first = redisQuery({"XRANGE", "ssehub:events", "-", "+", "COUNT", "1"});
    QCOMPARE(first.elements.at(0).elements.at(0).string, ids.at(ids.size() - kept));
    // What Redis itself holds for the Stream stays near the budget.
    const qint64 memory = redisQuery({"MEMORY", "USAGE", "ssehub:events", "SAMPLES", "0"}).integer;
    QVERIFY2(memory < budget * 5 / 4, qPrintable(QString::number(memory)));
    // Each instance's own copy is bounded by the same number (EventHistory::costOf).
    QTRY_COMPARE(m_b->broker()->history().newest() ? m_b->broker()->history().newest()->idText()
                                                   : QByteArray(),
                 ids.last());
    QVERIFY(m_b->broker()->history().bytes() <= budget);
    QVERIFY(qAbs(m_b->broker()->history().size() - kept) <= 1);

    // Resuming: a cursor the Stream still holds replays without a gap; an older one gets reset.
    SseClient recent;
    recent.open(m_b->port(), "/events?topic=t", {{"Last-Event-ID", ids.at(ids.size() - 3)}});
    QTRY_COMPARE(recent.events().size(), 2);
    QCOMPARE(idsOf(recent.events()), ids.mid(ids.size() - 2));
    SseClient old;
    old.open(m_b->port(), "/events?topic=t", {{"Last-Event-ID", ids.first()}});
    QTRY_COMPARE(old.events().size(), int(kept) + 1);
    QCOMPARE(old.events().first().type, QByteArray("reset"));
    QCOMPARE(idsOf(old.events().mid(1)), ids.mid(ids.size() - kept));
}

void TestCluster::notReadyWhileRedisUnreachable()
{
    const quint16 redisPort = m_redis->port();
    m_redis->kill();
    m_a = startEngine();
    QVERIFY(m_a->port() != 0); // it listens anyway: streams can connect and wait
    const HttpResponse refused = publish(m_a->port(), "t", "1");
    QCOMPARE(refused.status, 503);
    const QString error = refused.json().value(QLatin1String("error")).toString();
    QVERIFY2(error.contains(QStringLiteral("127.0.0.1:%1").arg(redisPort)), qPrintable(error));
    QVERIFY(!m_a->stats().brokerReady);
    QVERIFY(m_a->stats().brokerState.contains(QLatin1String("unavailable")));
    // A stream that names only its client cannot be served before the client's shared
    // subscriptions were read: 503, not a wrong 400.
    const HttpResponse unknownYet = request(m_a->port(), "GET", "/events?client_id=k");
    QCOMPARE(unknownYet.status, 503);
    QVERIFY(unknownYet.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("not ready")));

    // A stream that resumes while Redis is away waits for its backlog, then gets it.
    SseClient waiting;
    waiting.open(m_a->port(), "/events?topic=t", {{"Last-Event-ID", "0-0"}});
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);

    QVERIFY(m_redis->start()); // same port
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(m_a->stats().brokerReady);
    const HttpResponse accepted = publish(m_a->port(), "t", "1");
    QCOMPARE(accepted.status, 200);
    QTRY_COMPARE(waiting.events().size(), 1);
    QCOMPARE(waiting.events().first().id, idOf(accepted));
}

void TestCluster::badUrl()
{
    for (const QString &url : {QStringLiteral("http://127.0.0.1:6379"), QStringLiteral("redis://"),
                               QStringLiteral("redis://h:99999"), QStringLiteral("redis://h/x")}) {
        Engine::Config config;
        config.port = 0;
        config.redisUrl = url;
        Engine engine(config);
        QString error;
        QVERIFY2(!engine.start(&error), qPrintable(url));
        QVERIFY2(error.contains(url) && error.contains(QLatin1String("redis://")),
                 qPrintable(error));
    }
    RedisConnection::Options parsed;
    QString error;
    QVERIFY(RedisBroker::parseUrl(QStringLiteral("redis://:s%40cret@db.example:6380/3"), &parsed,
                                  &error));
    QCOMPARE(parsed.host, QStringLiteral("db.example"));
    QCOMPARE(parsed.port, quint16(6380));
    QCOMPARE(parsed.password, QByteArray("s@cret"));
    QCOMPARE(parsed.database, 3);
}

void TestCluster::redisKilledAndRestartedWithPersistence()
{
    m_redis = std::make_unique<RedisServer>(
        QStringList {QStringLiteral("--appendonly"), QStringLiteral("yes"),
                     QStringLiteral("--appendfsync"), QStringLiteral("always")});
    QVERIFY(m_redis->start());
    m_a = startEngine();
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));

    SseClient onB, onA;
    onB.open(m_b->port(), "/events?topic=load/%23");
    onA.open(m_a->port(), "/events?topic=load/x");
    QTRY_COMPARE(m_b->hub()->streamCount(), 1);
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));

    // Publishers on both instances, one request at a time each, all the way through.
    QList<QByteArray> accepted;
    QList<int> unexpected;
    int refused = 0;
    int sent = 0;
    bool stop = false;
    bool busy = false; // publish() runs a local event loop, in which the timer fires again
    auto publishNext = [&](Engine *engine) {
        if (stop || busy)
            return;
        busy = true;
        const HttpResponse r = publish(engine->port(), "load/x", QByteArray::number(sent++));
        busy = false;
        if (r.status == 200)
            accepted << idOf(r);
        else if (r.status == 503 && r.json().contains(QLatin1String("error")))
            ++refused;
        else
            unexpected << r.status;
    };
    QTimer pump;
    pump.setInterval(2);
    bool toggle = false;
    connect(&pump, &QTimer::timeout, this, [&] {
        toggle = !toggle;
        publishNext(toggle ? m_a.get() : m_b.get());
    });
    pump.start();
    QTRY_VERIFY(accepted.size() >= 50);
    m_redis->kill();
    QTRY_VERIFY(refused >= 10); // refused, not silently accepted
    QVERIFY(onB.isConnected() && onA.isConnected()); // streams stay open
    const int acceptedBefore = int(accepted.size());
    QVERIFY(m_redis->start()); // the AOF brings back everything it accepted
    QTRY_VERIFY_WITH_TIMEOUT(accepted.size() >= acceptedBefore + 50, 15000);
    stop = true;
    pump.stop();
    QCOMPARE(unexpected, QList<int>());

    // Every accepted event arrives exactly once, in order, on both instances.
    QTRY_VERIFY_WITH_TIMEOUT(!onB.events().isEmpty() && onB.events().last().id == accepted.last(),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(!onA.events().isEmpty() && onA.events().last().id == accepted.last(),
                             10000);
    for (SseClient *client : {&onB, &onA}) {
        const QList<QByteArray> got = idsOf(client->events());
        QCOMPARE(QSet<QByteArray>(got.cbegin(), got.cend()).size(), got.size()); // no repeats
        for (const QByteArray &id : std::as_const(accepted))
            QVERIFY2(got.contains(id), id.constData());
        // At most the requests whose answer was lost with the connection arrive in addition.
        QVERIFY(got.size() - accepted.size() <= 2);
        for (qsizetype i = 1; i < got.size(); ++i) {
            quint64 a = 0, b = 0;
            QVERIFY(parseEventId(got.at(i - 1), &a) && parseEventId(got.at(i), &b));
            QVERIFY(a < b);
        }
        QVERIFY(client->isConnected());
    }
    QCOMPARE(m_b->redisBroker()->resetsSent(), 0u);
}

void TestCluster::redisComesBackEmpty()
{
    m_a = startEngine();
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    SseClient onB;
    onB.open(m_b->port(), "/events?topic=t");
    QTRY_COMPARE(m_b->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_b.get()));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(publish(m_a->port(), "t", QByteArray::number(i)).status, 200);
    QTRY_COMPARE(onB.events().size(), 3);

    m_redis->kill(); // no persistence: it comes back empty
    QTRY_VERIFY(!m_b->redisBroker()->isReady());
    QVERIFY(m_redis->start());
    QVERIFY(waitSynced(m_b.get()));
    QVERIFY(waitSynced(m_a.get()));

    // The stream is told instead of pretending continuity, and goes on.
    QTRY_COMPARE(onB.events().size(), 4);
    const SseEvent reset = onB.events().at(3);
    QCOMPARE(reset.type, QByteArray("reset"));
    QCOMPARE(reset.json().value(QLatin1String("reason")).toString(),
             QStringLiteral("history-lost"));
    QCOMPARE(m_b->redisBroker()->resetsSent(), 1u);
    const HttpResponse afterReset = publish(m_a->port(), "t", "\"after\"");
    QCOMPARE(afterReset.status, 200);
    const QByteArray next = idOf(afterReset);
    QTRY_COMPARE(onB.events().size(), 5);
    QCOMPARE(onB.events().at(4).id, next);

    // A client coming back with an id from before the loss gets a reset too (the born marker
    // shows the Stream started after that id).
    SseClient late;
    late.open(m_a->port(), "/events?topic=t", {{"Last-Event-ID", onB.events().at(2).id}});
    QTRY_COMPARE(late.events().size(), 2);
    QCOMPARE(late.events().at(0).type, QByteArray("reset"));
    QCOMPARE(late.events().at(1).id, next);
    // ...and the id that reset carries resumes without another reset.
    SseClient resumed;
    resumed.open(m_a->port(), "/events?topic=t", {{"Last-Event-ID", late.events().at(0).id}});
    QTRY_COMPARE(resumed.events().size(), 1);
    QCOMPARE(resumed.events().at(0).id, next);
}

void TestCluster::subscriptionsSharedAcrossInstances()
{
    m_a = startEngine();
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    QTRY_VERIFY(m_a->cluster()->isLoaded() && m_b->cluster()->isLoaded());

    // The client's stream is on B; its subscriptions are changed through A's API.
    SseClient onB;
    onB.open(m_b->port(), "/events?client_id=dev-1&topic=a");
    QTRY_COMPARE(m_b->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_b.get()));
    // A knows the client (the stream's topic was shared).
    QTRY_VERIFY(m_a->hub()->client(QStringLiteral("dev-1")));
    const HttpResponse list = request(m_a->port(), "GET", "/subscriptions/dev-1");
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().value(QLatin1String("subscriptions")).toArray().size(), 1);

    const HttpResponse added
        = request(m_a->port(), "POST", "/subscribe", R"({"client_id":"dev-1","topics":["b/+"]})");
    QCOMPARE(added.status, 200);
    // B's live stream follows: events on b/x, published on A, reach it.
    QTRY_VERIFY(m_b->hub()->client(QStringLiteral("dev-1"))->subscriptions.contains("b/+"));
    QVERIFY(waitSynced(m_b.get()));
    const QByteArray onBx = idOf(publish(m_a->port(), "b/x", "1"));
    QTRY_COMPARE(onB.events().size(), 1);
    QCOMPARE(onB.events().at(0).id, onBx);

    // Paused through A: B stops delivering it; resumed: delivers again.
    QCOMPARE(request(m_a->port(), "PATCH", "/subscriptions/dev-1",
                     R"({"topics":["b/+"],"state":"paused"})")
                 .status,
             200);
    QTRY_VERIFY(
        !m_b->hub()->client(QStringLiteral("dev-1"))->subscriptions.value("b/+").delivers());
    publish(m_a->port(), "b/x", "2");
    const QByteArray onA = idOf(publish(m_a->port(), "a", "3"));
    QTRY_COMPARE(onB.events().size(), 2);
    QCOMPARE(onB.events().at(1).id, onA); // not the paused one
    QCOMPARE(request(m_a->port(), "PATCH", "/subscriptions/dev-1",
                     R"({"topics":["b/+"],"state":"active"})")
                 .status,
             200);
    QTRY_VERIFY(m_b->hub()->client(QStringLiteral("dev-1"))->subscriptions.value("b/+").delivers());
    const QByteArray resumed = idOf(publish(m_a->port(), "b/y", "4"));
    QTRY_COMPARE(onB.events().size(), 3);
    QCOMPARE(onB.events().at(2).id, resumed);

    // Paused, then resumed with replay through A: B's stream gets what it missed meanwhile
    // (with its id: nothing newer was sent to it).
    QCOMPARE(request(m_a->port(), "PATCH", "/subscriptions/dev-1",
                     R"({"topics":["b/+"],"state":"paused"})")
                 .status,
             200);
    QTRY_VERIFY(
        !m_b->hub()->client(QStringLiteral("dev-1"))->subscriptions.value("b/+").delivers());
    const QByteArray missed = idOf(publish(m_a->port(), "b/z", "\"missed\""));
    QTRY_COMPARE(m_b->redisBroker()->history().size(), 5); // B received it, did not deliver it
    QCOMPARE(request(m_a->port(), "PATCH", "/subscriptions/dev-1",
                     R"({"topics":["b/+"],"state":"active","replay":true})")
                 .status,
             200);
    QTRY_COMPARE(onB.events().size(), 4);
    QCOMPARE(onB.events().at(3).id, missed);
    QCOMPARE(onB.events().at(3).json().value(QLatin1String("payload")).toString(),
             QStringLiteral("missed"));

    // Unsubscribed through A: B's stream stops receiving it at once.
    QCOMPARE(
        request(m_a->port(), "DELETE", "/unsubscribe", R"({"client_id":"dev-1","topics":["b/+"]})")
            .status,
        200);
    QTRY_VERIFY(!m_b->hub()->client(QStringLiteral("dev-1"))->subscriptions.contains("b/+"));
    publish(m_a->port(), "b/x", "5");
    const QByteArray last = idOf(publish(m_a->port(), "a", "6"));
    QTRY_COMPARE(onB.events().size(), 5);
    QCOMPARE(onB.events().at(4).id, last);

    // The key layout the design names.
    const RedisReply fields = redisQuery({"HKEYS", "ssehub:client:subscriptions:dev-1"});
    QVERIFY2(!fields.isError(), fields.string.constData());
    QCOMPARE(fields.elements.size(), 1);
    QCOMPARE(fields.elements.at(0).string, QByteArray("a"));

    // An acknowledged cursor on A is where a new stream on B resumes.
    QCOMPARE(request(m_a->port(), "POST", "/ack",
                     R"({"client_id":"dev-1","last_event_id":")" + onBx + R"("})")
                 .status,
             200);
    QTRY_VERIFY(m_b->hub()->client(QStringLiteral("dev-1"))->hasAck);
    onB.close();
    SseClient again;
    again.open(m_b->port(), "/events?client_id=dev-1");
    QTRY_COMPARE(again.events().size(), 2); // after onBx: "a" 3 and "a" 6
    QCOMPARE(again.events().at(0).id, onA);
    QCOMPARE(again.events().at(1).id, last);
}

void TestCluster::sharedStateSurvivesInstanceRestart()
{
    m_a = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QTRY_VERIFY(m_a->cluster()->isLoaded());
    QCOMPARE(request(m_a->port(), "POST", "/subscribe",
                     R"({"client_id":"k","topics":["x/#","y"],"ttl_seconds":3600})")
                 .status,
             200);
    QTRY_COMPARE(m_a->cluster()->pendingWrites(), 0);
    m_a.reset();

    // A new instance (another process in production) finds the client in Redis.
    m_b = startEngine();
    QTRY_VERIFY(m_b->cluster() && m_b->cluster()->isLoaded());
    const HttpResponse list = request(m_b->port(), "GET", "/subscriptions/k");
    QCOMPARE(list.status, 200);
    const QJsonArray subs = list.json().value(QLatin1String("subscriptions")).toArray();
    QCOMPARE(subs.size(), 2);
    QVERIFY(!subs.at(0).toObject().value(QLatin1String("expires_at")).isNull());

    // While Redis is away an API change is refused (a 200 means Redis has it); a stream's
    // topics are kept and written when it is back.
    m_redis->kill();
    QTRY_VERIFY(!m_b->redisBroker()->isReady());
    const HttpResponse refused
        = request(m_b->port(), "DELETE", "/unsubscribe", R"({"client_id":"k","topics":["y"]})");
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.header("retry-after").isEmpty());
    QCOMPARE(m_b->cluster()->pendingWrites(), 0);
    SseClient stream;
    stream.open(m_b->port(), "/events?client_id=k&topic=z");
    QTRY_VERIFY(stream.headComplete());
    QCOMPARE(m_b->cluster()->pendingWrites(), 1);
    QVERIFY(m_redis->start()); // empty: no persistence
    QTRY_VERIFY(m_b->redisBroker()->isReady() && m_b->cluster()->isLoaded());
    QTRY_COMPARE(m_b->cluster()->pendingWrites(), 0);
    m_a = startEngine();
    QTRY_VERIFY(m_a->cluster() && m_a->cluster()->isLoaded());
    const HttpResponse after = request(m_a->port(), "GET", "/subscriptions/k");
    QCOMPARE(after.status, 200);
    QCOMPARE(after.json().value(QLatin1String("subscriptions")).toArray().size(), 3);
}

void TestCluster::nodeRegistry()
{
    Engine::Config config;
    config.nodeRefreshMs = 100;
    config.nodeTtlMs = 1000;
    config.nodeId = QStringLiteral("node-a");
    m_a = startEngine(config);
    config.nodeId = QStringLiteral("node-b");
    m_b = startEngine(config);
    SseClient stream;
    stream.open(m_b->port(), "/events?topic=t");

    auto ids = [](quint16 port) {
        QStringList list;
        const HttpResponse r = request(port, "GET", "/nodes");
        for (const QJsonValue &v : r.json().value(QLatin1String("nodes")).toArray())
            list << v.toObject().value(QLatin1String("id")).toString();
        return list;
    };
    const QStringList both {QStringLiteral("node-a"), QStringLiteral("node-b")};
    QTRY_COMPARE(ids(m_a->port()), both);
    QTRY_COMPARE(ids(m_b->port()), both);
    const QJsonArray nodes
        = request(m_a->port(), "GET", "/nodes").json().value(QLatin1String("nodes")).toArray();
    const QJsonObject b = nodes.at(1).toObject();
    QCOMPARE(b.value(QLatin1String("address")).toString(), m_b->listenUrl());
    QTRY_COMPARE(request(m_a->port(), "GET", "/nodes")
                     .json()
                     .value(QLatin1String("nodes"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QLatin1String("connections"))
                     .toInt(),
                 1);
    QVERIFY(b.value(QLatin1String("started_at")).toDouble() > 0);
    QTRY_VERIFY(m_a->stats().nodes.size() == 2); // what the console shows

    // An instance that stops refreshing drops out after its TTL.
    m_b.reset();
    QTRY_COMPARE_WITH_TIMEOUT(ids(m_a->port()), QStringList {QStringLiteral("node-a")}, 5000);

    // The embedded default answers with itself alone.
    Engine::Config embedded;
    embedded.port = 0;
    embedded.dataDir.clear();
    Engine single(embedded);
    QString error;
    QVERIFY(single.start(&error));
    const HttpResponse r = request(single.port(), "GET", "/nodes");
    QCOMPARE(r.json().value(QLatin1String("broker")).toString(), QStringLiteral("embedded"));
    QCOMPARE(r.json().value(QLatin1String("nodes")).toArray().size(), 1);
}

void TestCluster::batchInOneScriptCall()
{
    // A batch published on one instance reaches the streams of both in its order, and costs
    // Redis one script call, not one per event.
    m_a = startEngine();
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    SseClient onA, onB;
    onA.open(m_a->port(), "/events?topic=batch/%2B");
    onB.open(m_b->port(), "/events?topic=batch/%2B");
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QTRY_COMPARE(m_b->hub()->streamCount(), 1);
    // Once first, so that Redis knows the script (a first call may need EVAL after NOSCRIPT).
    QCOMPARE(
        request(m_a->port(), "POST", "/publish", "[{\"topic\":\"warm\",\"payload\":0}]").status,
        200);
    QVERIFY(redisQuery({"CONFIG", "RESETSTAT"}).type != RedisReply::Type::Error);
    QByteArray body;
    for (int i = 0; i < 60; ++i) {
        const QByteArray topic
            = i == 30 ? QByteArray("batch/+") : "batch/" + QByteArray::number(i % 4);
        body += "{\"topic\":\"" + topic + "\",\"payload\":" + QByteArray::number(i) + "}\n";
    }
    const HttpResponse answer
        = request(m_a->port(), "POST", "/publish", body, "application/x-ndjson");
    QCOMPARE(answer.status, 207); // the wildcard topic at 30 is refused, the rest published
    QCOMPARE(answer.json().value(QLatin1String("published")).toInt(), 59);
    const QJsonArray results = answer.json().value(QLatin1String("results")).toArray();
    QCOMPARE(results.size(), 60);
    QCOMPARE(results.at(30).toObject().value(QLatin1String("status")).toInt(), 400);
    QList<int> expected;
    for (int i = 0; i < 60; ++i) {
        if (i != 30)
            expected << i;
    }
    for (SseClient *client : {&onA, &onB}) {
        QTRY_COMPARE(client->events().size(), 59);
        QList<int> payloads;
        for (const SseEvent &e : client->events())
            payloads << e.json().value(QLatin1String("payload")).toInt();
        QCOMPARE(payloads, expected);
    }
    // The ids in the answer are the stream's, in order.
    QCOMPARE(results.at(0).toObject().value(QLatin1String("id")).toString().toLatin1(),
             onA.events().at(0).id);
    QCOMPARE(results.at(59).toObject().value(QLatin1String("id")).toString().toLatin1(),
             onB.events().at(58).id);
    const RedisReply stats = redisQuery({"INFO", "commandstats"});
    const QByteArray text = stats.string;
    const qsizetype at = text.indexOf("cmdstat_evalsha:calls=");
    QVERIFY2(at >= 0, text.constData());
    const int calls = text.mid(at + 22, text.indexOf(',', at) - at - 22).toInt();
    // One for the batch; the instances' periodic tick script runs meanwhile too (a few calls).
    // Publishing event by event would have taken 59.
    QVERIFY2(calls >= 1 && calls < 10, qPrintable(QString::number(calls)));
    QVERIFY(!text.contains("cmdstat_eval:")); // (the script was known: no NOSCRIPT retry)
}

void TestCluster::pipelinedAnswersKeepTheirOrder()
{
    // A publish is answered when Redis confirms it; a bad request right behind it on the same
    // connection is answered at once by the server - but must not overtake it on the wire.
    m_a = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    auto post = [](const QByteArray &body) -> QByteArray {
        return "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    const QByteArray pipeline = post(R"({"topic":"p","payload":1})") + post("{not json")
        + post(R"({"topic":"p","payload":2})") + "GET /nodes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        + post(R"({"topic":"p","payload":3})");
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_a->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(pipeline);
    QByteArray received;
    QList<HttpResponse> answers;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            received += socket.readAll();
            qsizetype used = 0;
            HttpResponse r;
            while ((used = parseResponse(received, &r, false)) > 0) {
                answers << r;
                received.remove(0, used);
                r = HttpResponse();
            }
            return answers.size() == 5;
        }(),
        10000);
    QCOMPARE(answers.at(0).status, 200);
    QCOMPARE(answers.at(1).status, 400);
    QCOMPARE(answers.at(2).status, 200);
    QCOMPARE(answers.at(3).status, 200);
    QVERIFY(answers.at(3).json().contains(QLatin1String("nodes")));
    QCOMPARE(answers.at(4).status, 200);
    quint64 first = 0, second = 0, third = 0;
    QVERIFY(parseEventId(idOf(answers.at(0)), &first));
    QVERIFY(parseEventId(idOf(answers.at(2)), &second));
    QVERIFY(parseEventId(idOf(answers.at(4)), &third));
    QVERIFY(first < second && second < third);
}

// The issue's run: Redis with appendonly, --history 100, a stream on quiet/#; one event on
// quiet/x, then 300 on busy/x (the Stream is trimmed past the quiet one), then the instance's
// connections are killed, then Redis restarts. Redis lost nothing and the stream missed
// nothing: no reset, and it goes on.
void TestCluster::noResetWhenRedisLostNothing()
{
    m_redis = std::make_unique<RedisServer>(
        QStringList {QStringLiteral("--appendonly"), QStringLiteral("yes"),
                     QStringLiteral("--appendfsync"), QStringLiteral("always")});
    QVERIFY(m_redis->start());
    Engine::Config config;
    config.historySize = 100;
    m_a = startEngine(config);
    QVERIFY(waitSynced(m_a.get()));
    SseClient quiet;
    quiet.open(m_a->port(), "/events?topic=quiet/%23");
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_a.get()));
    QList<QByteArray> expected {idOf(publish(m_a->port(), "quiet/x", "1"))};
    QByteArray last;
    for (int i = 0; i < 300; ++i) {
        const HttpResponse r = publish(m_a->port(), "busy/x", QByteArray::number(i));
        QCOMPARE(r.status, 200);
        last = idOf(r);
    }
    QTRY_COMPARE(idsOf(quiet.events()), expected);
    QCOMPARE(redisQuery({"XLEN", "ssehub:events"}).integer, 100); // trimmed past quiet/x
    quint64 lastId = 0;
    QVERIFY(parseEventId(last, &lastId));
    // The instance knows that nothing up to there matched its filters (the tick's marker).
    QTRY_VERIFY(m_a->redisBroker()->coveredId() >= lastId);

    RedisBroker *broker = m_a->redisBroker();
    const int reconnects = broker->commands()->reconnects();
    QVERIFY(!redisQuery({"CLIENT", "KILL", "TYPE", "normal"}).isError());
    QTRY_VERIFY(broker->commands()->reconnects() > reconnects);
    QVERIFY(waitSynced(m_a.get()));
    expected << idOf(publish(m_a->port(), "quiet/x", "2"));
    QTRY_COMPARE(idsOf(quiet.events()), expected);

    for (int i = 0; i < 300; ++i)
        last = idOf(publish(m_a->port(), "busy/x", QByteArray::number(i)));
    QVERIFY(parseEventId(last, &lastId));
    QTRY_VERIFY(m_a->redisBroker()->coveredId() >= lastId);
    m_redis->kill(); // appendfsync always: the AOF has every entry
    QTRY_VERIFY(!broker->isReady());
    QVERIFY(m_redis->start());
    QVERIFY(waitSynced(m_a.get()));
    QCOMPARE(redisQuery({"XLEN", "ssehub:events"}).integer, 100);
    expected << idOf(publish(m_a->port(), "quiet/x", "3"));
    QTRY_COMPARE(idsOf(quiet.events()), expected); // no reset among them
    QCOMPARE(broker->resetsSent(), 0u);
    QCOMPARE(broker->dataLosses(), 0u);
    QVERIFY(quiet.isConnected());
}

// /readyz follows a real round trip: a frozen redis-server (SIGSTOP) still completes TCP
// handshakes, yet the instance is not ready and refuses publishes until it answers again; the
// outage is logged with its length when it ends (server log and connection log).
void TestCluster::readinessFollowsARoundTrip()
{
    m_a = startEngine(); // command timeout 1 s
    QVERIFY(waitSynced(m_a.get()));
    QTRY_COMPARE(request(m_a->port(), "GET", "/readyz").status, 200);
    QSignalSpy ended(m_a->redisBroker(), &RedisBroker::outageEnded);
    const qint64 pausedAt = QDateTime::currentMSecsSinceEpoch();
    m_redis->pause();
    QTRY_COMPARE_WITH_TIMEOUT(request(m_a->port(), "GET", "/readyz").status, 503, 5000);
    const HttpResponse refused = publish(m_a->port(), "t", "1");
    QCOMPARE(refused.status, 503);
    // Reconnections reach the frozen server's kernel but never count as ready.
    QSignalSpy readiness(m_a->redisBroker(), &RedisBroker::readyChanged);
    QVERIFY(!readiness.wait(3000));
    QCOMPARE(request(m_a->port(), "GET", "/readyz").status, 503);
    QCOMPARE(publish(m_a->port(), "t", "2").status, 503);
    QVERIFY(!m_a->stats().brokerReady);

    if (lcRedis().isWarningEnabled()) // the server log has it (unless logging is turned off)
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^Redis at 127\\.0\\.0\\.1:\\d+ was unreachable from \\S+ to \\S+ "
                                 "\\(\\d+\\.\\d s\\); 2 publishes refused meanwhile$")));
    const qint64 resumedAt = QDateTime::currentMSecsSinceEpoch();
    m_redis->resume();
    QTRY_COMPARE_WITH_TIMEOUT(request(m_a->port(), "GET", "/readyz").status, 200, 10000);
    QCOMPARE(publish(m_a->port(), "t", "3").status, 200);
    // From the last answer before the freeze (a tick, 50 ms here), not from when the command
    // timeout (1 s here) gave up on it: the whole freeze is in the figure.
    QCOMPARE(ended.size(), 1);
    const qint64 from = ended.first().at(0).toLongLong();
    QVERIFY2(from <= pausedAt + 100 && from > pausedAt - 1000,
             qPrintable(QStringLiteral("outage from %1, paused at %2").arg(from).arg(pausedAt)));
    QVERIFY(ended.first().at(1).toLongLong() >= resumedAt);
    // The connection log (console, export, --log-file) has it too.
    QList<LogEntry> outages;
    for (const LogEntry &e : m_a->log()->entries()) {
        if (e.kind == LogEntry::Kind::Broker)
            outages << e;
    }
    QCOMPARE(outages.size(), 1);
    QCOMPARE(outages.first().reason, QStringLiteral("redis-unreachable"));
    QVERIFY2(outages.first().detail.contains(QLatin1String("2 publishes refused meanwhile")),
             qPrintable(outages.first().detail));
    QCOMPARE(outages.first().toJson().value(QLatin1String("kind")).toString(),
             QStringLiteral("broker"));
}

// FLUSHALL while the instance stays connected: the marker key is gone, so the named client's
// subscriptions and the node are written back, and the live stream (whose history is gone)
// gets a reset; another instance then sees the client.
void TestCluster::flushAllWhileConnected()
{
    m_a = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QTRY_VERIFY(m_a->cluster()->isLoaded());
    SseClient stream;
    stream.open(m_a->port(), "/events?client_id=dev-1&topic=a");
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_a.get()));
    QTRY_COMPARE(redisQuery({"HKEYS", "ssehub:client:subscriptions:dev-1"}).elements.size(), 1);
    QCOMPARE(request(m_a->port(), "POST", "/ack",
                     R"({"client_id":"dev-1","last_event_id":")"
                         + idOf(publish(m_a->port(), "a", "1")) + R"("})")
                 .status,
             200);
    QTRY_COMPARE(stream.events().size(), 1);
    QTRY_VERIFY(!redisQuery({"GET", "ssehub:client:cursor:dev-1"}).string.isEmpty());

    QVERIFY(!redisQuery({"FLUSHALL"}).isError());
    // Within a tick or two (50 ms here), not at the next reconnection.
    QTRY_COMPARE_WITH_TIMEOUT(
        redisQuery({"HKEYS", "ssehub:client:subscriptions:dev-1"}).elements.size(), 1, 3000);
    QTRY_VERIFY(!redisQuery({"GET", "ssehub:client:cursor:dev-1"}).string.isEmpty());
    QTRY_COMPARE(redisQuery({"HLEN", "ssehub:nodes"}).integer, 1);
    QTRY_COMPARE(stream.events().size(), 2);
    QCOMPARE(stream.events().at(1).type, QByteArray("reset"));
    QCOMPARE(stream.events().at(1).json().value(QLatin1String("reason")).toString(),
             QStringLiteral("history-lost"));
    QCOMPARE(m_a->redisBroker()->dataLosses(), 1u);
    bool logged = false;
    for (const LogEntry &e : m_a->log()->entries())
        logged |= e.kind == LogEntry::Kind::Broker && e.reason == QLatin1String("redis-data-lost");
    QVERIFY(logged);

    // Another instance finds the client in Redis.
    m_b = startEngine();
    QVERIFY(waitSynced(m_b.get()));
    QTRY_VERIFY(m_b->cluster()->isLoaded());
    const Client *onB = m_b->hub()->client(QStringLiteral("dev-1"));
    QVERIFY(onB);
    QVERIFY(onB->subscriptions.contains("a"));
    QVERIFY(onB->hasAck);
    // The stream goes on after its reset.
    QVERIFY(waitSynced(m_a.get()));
    const QByteArray next = idOf(publish(m_b->port(), "a", "2"));
    QTRY_COMPARE(stream.events().size(), 3);
    QCOMPARE(stream.events().at(2).id, next);
}

// Redis restarted without persistence while the instance was disconnected: the reload after the
// reconnection must not take the clients Redis lacks as removed elsewhere; they are written
// back, and the named client's stream keeps receiving its topic.
void TestCluster::redisRestartedEmptyGetsSubscriptionsBack()
{
    m_a = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QTRY_VERIFY(m_a->cluster()->isLoaded());
    SseClient stream;
    stream.open(m_a->port(), "/events?client_id=q1&topic=quiet/%23");
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QTRY_COMPARE(redisQuery({"HKEYS", "ssehub:client:subscriptions:q1"}).elements.size(), 1);

    m_redis->kill();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error())); // empty: no persistence
    QVERIFY(waitSynced(m_a.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_a->cluster()->isLoaded(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(
        redisQuery({"HKEYS", "ssehub:client:subscriptions:q1"}).elements.size(), 1, 5000);
    const Client *client = m_a->hub()->client(QStringLiteral("q1"));
    QVERIFY(client);
    QVERIFY(client->subscriptions.contains("quiet/#"));
    const QByteArray id = idOf(publish(m_a->port(), "quiet/x", "1"));
    QTRY_VERIFY(!stream.messages().isEmpty() && stream.messages().last().id == id);
}

// A stream without a cursor that connects while its instance cannot reach Redis (others can,
// and publish) starts where it opened once its instance is back: it is not sent what was
// published before it connected, it is sent what was published after (audit: it was not), and
// a stream that was live before gets all of it, once.
void TestCluster::streamStartingWhileCatchingUpGetsOnlyLaterEvents()
{
    RedisRelay relay(m_redis->port());
    QVERIFY(relay.listen());
    m_a = startEngine({}, relay.port());
    m_b = startEngine();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    SseClient before;
    before.open(m_a->port(), "/events?topic=t");
    QTRY_COMPARE(m_a->hub()->streamCount(), 1);
    QVERIFY(waitSynced(m_a.get()));
    QList<QByteArray> all {idOf(publish(m_b->port(), "t", "1"))};
    QTRY_COMPARE(idsOf(before.events()), all);

    relay.cut();
    QTRY_VERIFY(!m_a->redisBroker()->isReady());
    all << idOf(publish(m_b->port(), "t", "2")) << idOf(publish(m_b->port(), "t", "3"));
    // Stream ids count milliseconds: the stream opens in a later one than those events.
    QTest::qWait(5);
    SseClient after;
    after.open(m_a->port(), "/events?topic=t");
    QTRY_COMPARE(m_a->hub()->streamCount(), 2);
    QTRY_VERIFY(after.hasSession());
    // Published after the stream opened, while its instance still cannot reach Redis: it is
    // the stream's, and arrives once the instance catches up.
    const QByteArray meanwhile = idOf(publish(m_b->port(), "t", "35"));
    QVERIFY(!meanwhile.isEmpty());
    all << meanwhile;
    QVERIFY(relay.listen()); // the same port
    QVERIFY(waitSynced(m_a.get()));
    const QByteArray later = idOf(publish(m_b->port(), "t", "4"));
    all << later;
    QTRY_COMPARE(idsOf(after.events()), (QList<QByteArray> {meanwhile, later}));
    QTRY_COMPARE(idsOf(before.events()), all); // no repeats, no reset
    QCOMPARE(m_a->redisBroker()->resetsSent(), 0u);
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
