// GET /history over real sockets: paging at the edges (an empty history, a page that ends it
// exactly, the gap that trimming leaves), embedded and in cluster mode on a real redis-server
// with two instances (the whole Stream read on an instance without streams, paging across it,
// the bound on what one request scans, the ACL, Redis gone or frozen: 503, not a hang); the
// age bound (--history-ttl) with the injected clock, for the embedded history, the Stream and an
// instance's copy, and the reset a resuming stream gets for what expired.
// Clock::advanceForTesting moves the clock of the whole process for good: the tests that use it
// come last, the cluster one (2 h) at the very end.
#include "core/clock.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "localengine.h"
#include "redis/redisbroker.h"
#include "redis/redisconnection.h"
#include "redis/redisscript.h"
#include "redisserver.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace ssehub;
using namespace ssehub::test;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QByteArray Secret = "history-secret-history-secret-0123456789";

HttpResponse history(quint16 port, const QByteArray &query, const Headers &headers = {})
{
    return request(port, "GET", "/history?" + query, {}, {}, headers);
}

QList<QByteArray> idsOf(const HttpResponse &response)
{
    QList<QByteArray> ids;
    for (const QJsonValue &e : response.json().value(QLatin1String("events")).toArray())
        ids << e.toObject().value(QLatin1String("id")).toString().toLatin1();
    return ids;
}

QByteArray nextOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("next")).toString().toLatin1();
}

QJsonObject retainedOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("retained")).toObject();
}

QByteArray idOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("id")).toString().toLatin1();
}

quint64 packed(const QByteArray &id)
{
    quint64 value = 0;
    return parseHistoryId(id, &value) ? value : 0;
}

// Every page of a query, following `next` (as after= or before=); the ids in order.
QList<QByteArray> allPages(quint16 port, const QByteArray &query, bool descending,
                           int *pages = nullptr, const Headers &headers = {})
{
    QList<QByteArray> ids;
    QByteArray cursor;
    for (int page = 1; page <= 100; ++page) {
        QByteArray q = query;
        if (!cursor.isEmpty())
            q += (descending ? "&before=" : "&after=") + cursor;
        const HttpResponse r = history(port, q, headers);
        if (r.status != 200)
            return {QByteArray("status ") + QByteArray::number(r.status)};
        ids += idsOf(r);
        cursor = nextOf(r);
        if (pages)
            *pages = page;
        if (cursor.isEmpty())
            break;
    }
    return ids;
}

QByteArray tokenFor(const QString &sub, const QStringList &roles)
{
    return makeToken({{QStringLiteral("sub"), sub},
                      {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
                      {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}},
                     Secret);
}

Headers bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void embeddedEdges();
    void clusterEdges();
    void clusterReadsTheWholeStream();
    void clusterGapAfterTrimming();
    void clusterScanIsBounded();
    void clusterAcl();
    void clusterRedisGoneIs503();
    void publishScriptTrimsByAge();
    void expireScriptTrimsByAge();
    // The clock moves from here on.
    void embeddedTtl();
    void clusterTtl();

private:
    std::unique_ptr<Engine> startCluster(Engine::Config config = {});
    static bool waitSynced(Engine *engine);
    // One command on a connection of the test's own; an error reply when Redis does not answer.
    RedisReply redisQuery(const QList<QByteArray> &command);
    RedisReply runScript(const RedisScript &script, const QList<QByteArray> &keys,
                         const QList<QByteArray> &args);

    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<Engine> m_a;
    std::unique_ptr<Engine> m_b;
};

void TestHistory::init()
{
    m_redis = std::make_unique<RedisServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
}

void TestHistory::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_redis.reset();
}

std::unique_ptr<Engine> TestHistory::startCluster(Engine::Config config)
{
    config.port = 0;
    config.dataDir.clear();
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(m_redis->port());
    config.redisBackoffMaxMs = 200;
    config.redisTimeoutMs = 1000;
    config.maxBodyBytes = 4 * 1024 * 1024; // batches of 10,000 events
    auto engine = std::make_unique<Engine>(config);
    QString error;
    if (!engine->start(&error))
        qWarning("engine did not start: %s", qPrintable(error));
    return engine;
}

bool TestHistory::waitSynced(Engine *engine)
{
    RedisBroker *broker = engine->redisBroker();
    return QTest::qWaitFor(
        [broker] {
            return broker->isReady() && !broker->isSyncing()
                && broker->subscriber()->subscriptionsConfirmed();
        },
        10000);
}

RedisReply TestHistory::redisQuery(const QList<QByteArray> &command)
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

RedisReply TestHistory::runScript(const RedisScript &script, const QList<QByteArray> &keys,
                                  const QList<QByteArray> &args)
{
    RedisConnection::Options options;
    options.port = m_redis->port();
    RedisConnection probe(options);
    probe.start();
    if (!QTest::qWaitFor([&] { return probe.state() == RedisConnection::State::Ready; }, 5000))
        return RedisReply::error("not connected");
    std::optional<RedisReply> reply;
    script.run(
        &probe, keys, args, [&](const RedisReply &r) { reply = r; },
        [&] { reply = RedisReply::error("refused"); });
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, 5000))
        return RedisReply::error("no reply");
    return *reply;
}

// Embedded: an empty history, a page that ends it exactly (next is null), the gap of eviction.
void TestHistory::embeddedEdges()
{
    Engine::Config config;
    config.historySize = 5;
    auto engine = startLocalEngine(config);
    const quint16 port = engine->port();
    const HttpResponse empty = history(port, "topic=%23");
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().value(QLatin1String("count")).toInt(), 0);
    QVERIFY(empty.json().value(QLatin1String("next")).isNull());
    QVERIFY(retainedOf(empty).value(QLatin1String("oldest_id")).isNull());
    QCOMPARE(empty.json().value(QLatin1String("source")).toString(), QStringLiteral("embedded"));
    QList<QByteArray> ids;
    for (int i = 0; i < 8; ++i)
        ids << idOf(publish(port, "x/1", QByteArray::number(i)));
    // Ids 1-3 were evicted: a cursor before them reads on from what is left, and says so.
    const HttpResponse gap = history(port, "topic=%23&limit=5&after=" + ids.at(0));
    QCOMPARE(idsOf(gap), ids.mid(3));
    QVERIFY(gap.json().value(QLatin1String("next")).isNull()); // the page ends the history
    QCOMPARE(retainedOf(gap).value(QLatin1String("horizon")).toString().toLatin1(), ids.at(2));
    QCOMPARE(retainedOf(gap).value(QLatin1String("oldest_id")).toString().toLatin1(), ids.at(3));
    const HttpResponse firstOfTwo = history(port, "topic=x/1&limit=3&order=desc");
    QCOMPARE(nextOf(firstOfTwo), ids.at(5));
    const HttpResponse last = history(port, "topic=x/1&limit=3&order=desc&before=" + ids.at(5));
    QCOMPARE(idsOf(last), (QList<QByteArray> {ids.at(4), ids.at(3)}));
    QVERIFY(last.json().value(QLatin1String("next")).isNull());
}

// Cluster mode: the same edges on the Stream, and what is not a query.
void TestHistory::clusterEdges()
{
    m_a = startCluster();
    QVERIFY(waitSynced(m_a.get()));
    const quint16 port = m_a->port();
    const HttpResponse empty = history(port, "topic=%23");
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().value(QLatin1String("source")).toString(), QStringLiteral("cluster"));
    QCOMPARE(empty.json().value(QLatin1String("count")).toInt(), 0);
    QVERIFY(empty.json().value(QLatin1String("next")).isNull());
    QCOMPARE(retainedOf(empty).value(QLatin1String("events")).toInt(), 0);
    QVERIFY(retainedOf(empty).value(QLatin1String("oldest_id")).isNull());
    QVERIFY(retainedOf(empty).value(QLatin1String("horizon")).isNull());

    QList<QByteArray> ids;
    for (int i = 0; i < 8; ++i)
        ids << idOf(publish(port, i % 2 ? "x/odd" : "x/even", QByteArray::number(i)));
    const QList<QByteArray> odd {ids.at(1), ids.at(3), ids.at(5), ids.at(7)};
    // Exactly one page: next is null.
    const HttpResponse exact = history(port, "topic=x/odd&limit=4");
    QCOMPARE(idsOf(exact), odd);
    QVERIFY(exact.json().value(QLatin1String("next")).isNull());
    QCOMPARE(retainedOf(exact).value(QLatin1String("events")).toInt(), 8);
    QVERIFY(retainedOf(exact).value(QLatin1String("bytes")).toDouble() > 0);
    QCOMPARE(retainedOf(exact).value(QLatin1String("oldest_id")).toString().toLatin1(),
             ids.first());
    QCOMPARE(retainedOf(exact).value(QLatin1String("newest_id")).toString().toLatin1(), ids.last());
    // Two pages that end it exactly, both ways.
    const HttpResponse half = history(port, "topic=x/odd&limit=2");
    QCOMPARE(idsOf(half), odd.mid(0, 2));
    QCOMPARE(nextOf(half), odd.at(1));
    const HttpResponse rest = history(port, "topic=x/odd&limit=2&after=" + odd.at(1));
    QCOMPARE(idsOf(rest), odd.mid(2));
    QVERIFY(rest.json().value(QLatin1String("next")).isNull());
    QCOMPARE(allPages(port, "topic=x/%2B&limit=3&order=desc", true),
             QList<QByteArray>(ids.rbegin(), ids.rend()));
    // Nothing matches; a time range; the cursor of an embedded broker (older than any entry).
    QVERIFY(idsOf(history(port, "topic=y/%23")).isEmpty());
    QCOMPARE(idsOf(history(port, "topic=%23&until=1000")).size(), 0);
    QCOMPARE(idsOf(history(port, "topic=%23&after=17")).size(), 8);
    QCOMPARE(idsOf(history(port, "topic=%23&before=17")).size(), 0);
    // What is not a query: 400 with a JSON error.
    for (const QByteArray &bad :
         {QByteArray("topic=%23&limit=1000000"), QByteArray("topic=%23&after=garbage"),
          QByteArray("topic=a%2B"), QByteArray("limit=3"), QByteArray("topic=%23&order=up")}) {
        const HttpResponse r = history(port, bad);
        QCOMPARE(r.status, 400);
        QVERIFY2(!r.json().value(QLatin1String("error")).toString().isEmpty(), bad.constData());
    }
}

// Events published on B are read on A, which has no streams (and so received none of them),
// through GET /history and the console's Engine::history.
void TestHistory::clusterReadsTheWholeStream()
{
    m_a = startCluster();
    m_b = startCluster();
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    QList<QByteArray> ids;
    for (int i = 0; i < 12; ++i)
        ids << idOf(publish(m_b->port(), "room/" + QByteArray::number(i % 3), "1"));
    QCOMPARE(m_a->hub()->streamCount(), 0);
    QCOMPARE(m_a->broker()->history().size(), 0);
    const HttpResponse all = history(m_a->port(), "topic=room/%2B&limit=100");
    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().value(QLatin1String("source")).toString(), QStringLiteral("cluster"));
    QCOMPARE(idsOf(all), ids);
    QCOMPARE(all.json().value(QLatin1String("scan_limited")).toBool(), false);
    int pages = 0;
    QCOMPARE(allPages(m_a->port(), "topic=room/1&limit=2", false, &pages),
             (QList<QByteArray> {ids.at(1), ids.at(4), ids.at(7), ids.at(10)}));
    QCOMPARE(pages, 2);
    // The console's way in: the same page, answered later.
    HistoryQuery query;
    query.filter = "room/2";
    query.descending = true;
    std::optional<HistoryPage> page;
    m_a->history(query, [&page](const HistoryPage &p) { page = p; });
    QTRY_VERIFY(page.has_value());
    QVERIFY2(page->error.isEmpty(), qPrintable(page->error));
    QCOMPARE(page->source, QStringLiteral("cluster"));
    QCOMPARE(page->events.size(), 4);
    QCOMPARE(page->events.first().id, ids.at(11));
    QCOMPARE(page->retainedEvents, 12);
}

// --history 5 trims the Stream: ids up to the horizon are gone, and the answer says so.
void TestHistory::clusterGapAfterTrimming()
{
    Engine::Config config;
    config.historySize = 5;
    m_a = startCluster(config);
    QVERIFY(waitSynced(m_a.get()));
    QList<QByteArray> ids;
    for (int i = 0; i < 8; ++i)
        ids << idOf(publish(m_a->port(), "g/1", QByteArray::number(i)));
    const HttpResponse gap = history(m_a->port(), "topic=g/1&after=" + ids.at(0));
    QCOMPARE(idsOf(gap), ids.mid(3));
    const QJsonObject retained = retainedOf(gap);
    QCOMPARE(retained.value(QLatin1String("events")).toInt(), 5);
    QCOMPARE(retained.value(QLatin1String("oldest_id")).toString().toLatin1(), ids.at(3));
    const quint64 horizon = packed(retained.value(QLatin1String("horizon")).toString().toLatin1());
    QVERIFY(horizon >= packed(ids.at(2)) && horizon < packed(ids.at(3)));
}

// A rare topic in a long Stream: one request scans at most HistoryScanEntries entries and ends
// with a page short of the limit (here 1 of 10) whose `next` goes on where the scan stopped.
void TestHistory::clusterScanIsBounded()
{
    Engine::Config config;
    config.historySize = 30000;
    m_a = startCluster(config);
    QVERIFY(waitSynced(m_a.get()));
    const quint16 port = m_a->port();
    const QByteArray first = idOf(publish(port, "rare/x", "0"));
    for (int batch = 0; batch < 3; ++batch) {
        QByteArray body = "[";
        for (int i = 0; i < 8000; ++i)
            body += QByteArray(i ? "," : "") + "{\"topic\":\"fill/x\",\"payload\":1}";
        body += ']';
        QCOMPARE(request(port, "POST", "/publish", body).status, 200);
    }
    const QByteArray last = idOf(publish(port, "rare/x", "1"));
    const qint64 scan = RedisBroker::HistoryScanEntries;
    QVERIFY(24002 > scan);
    for (const bool descending : {false, true}) {
        const QByteArray query
            = QByteArray("topic=rare/x&limit=10") + (descending ? "&order=desc" : "");
        const HttpResponse firstPage = history(port, query);
        QCOMPARE(firstPage.status, 200);
        QCOMPARE(firstPage.json().value(QLatin1String("scan_limited")).toBool(), true);
        QCOMPARE(idsOf(firstPage), QList<QByteArray> {descending ? last : first});
        QVERIFY(!nextOf(firstPage).isEmpty());
        int pages = 0;
        const QList<QByteArray> ids = allPages(port, query, descending, &pages);
        QCOMPARE(ids,
                 descending ? (QList<QByteArray> {last, first})
                            : (QList<QByteArray> {first, last}));
        QCOMPARE(pages, 2);
    }
    QCOMPARE(m_a->redisBroker()->historyReadsUnderWay(), 0);
}

// Cluster mode reads under the ACL of subscribing: 403 for a filter the token may not
// subscribe to, `$` topics only with an explicit grant ("#" does not cover them).
void TestHistory::clusterAcl()
{
    QTemporaryDir dir;
    QFile secret(dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret);
    secret.close();
    QFile acl(dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(
        QJsonDocument(
            QJsonObject {{QStringLiteral("anonymous"), QJsonValue()},
                         {QStringLiteral("roles"),
                          QJsonObject {{QStringLiteral("reader"),
                                        QJsonObject {{QStringLiteral("subscribe"),
                                                      QJsonArray {QStringLiteral("sensor/#")}}}},
                                       {QStringLiteral("everything"),
                                        QJsonObject {{QStringLiteral("subscribe"),
                                                      QJsonArray {QStringLiteral("#")}}}},
                                       {QStringLiteral("admin"),
                                        QJsonObject {{QStringLiteral("publish"),
                                                      QJsonArray {QStringLiteral("#"),
                                                                  QStringLiteral("$SYS/#")}},
                                                     {QStringLiteral("admin"), true}}}}}})
            .toJson());
    acl.close();
    Engine::Config config;
    config.jwtSecretFile = secret.fileName();
    config.aclFile = acl.fileName();
    m_a = startCluster(config);
    m_b = startCluster(config);
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    const Headers admin = bearer(tokenFor(QStringLiteral("ops"), {QStringLiteral("admin")}));
    const Headers reader = bearer(tokenFor(QStringLiteral("r-1"), {QStringLiteral("reader")}));
    const Headers all = bearer(tokenFor(QStringLiteral("e-1"), {QStringLiteral("everything")}));
    for (const char *topic : {"sensor/1", "control/1", "$SYS/hub/x"}) {
        const QByteArray body = QByteArray("{\"topic\":\"") + topic + "\",\"payload\":1}";
        const HttpResponse published
            = request(m_b->port(), "POST", "/publish", body, "application/json", admin);
        QVERIFY2(published.status == 200, published.body.constData());
    }
    QCOMPARE(history(m_a->port(), "topic=sensor/%23").status, 401);
    const HttpResponse denied = history(m_a->port(), "topic=control/%23", reader);
    QCOMPARE(denied.status, 403);
    QVERIFY(!denied.json().value(QLatin1String("error")).toString().isEmpty());
    QCOMPARE(history(m_a->port(), "topic=%23", reader).status, 403);
    QCOMPARE(idsOf(history(m_a->port(), "topic=sensor/%23", reader)).size(), 1);
    // "#" covers every topic but the `$` ones.
    const HttpResponse everything = history(m_a->port(), "topic=%23", all);
    QCOMPARE(everything.status, 200);
    QCOMPARE(idsOf(everything).size(), 2);
    QVERIFY(!everything.body.contains("$SYS"));
    QCOMPARE(history(m_a->port(), "topic=%24SYS/%23", all).status, 403);
    QCOMPARE(idsOf(history(m_a->port(), "topic=%24SYS/%23", admin)).size(), 1);
}

// Redis killed, then frozen: 503 with Retry-After and a JSON error, within the command timeout.
void TestHistory::clusterRedisGoneIs503()
{
    m_a = startCluster();
    QVERIFY(waitSynced(m_a.get()));
    publish(m_a->port(), "a/1", "1");
    QCOMPARE(history(m_a->port(), "topic=%23").status, 200);
    auto unavailable = [this] {
        QElapsedTimer timer;
        timer.start();
        const HttpResponse r = history(m_a->port(), "topic=%23", {});
        QCOMPARE(r.status, 503);
        QCOMPARE(r.header("retry-after"), QByteArray("1"));
        QVERIFY(r.json().value(QLatin1String("error")).toString().contains(QLatin1String("Redis")));
        QVERIFY2(timer.elapsed() < 4000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(m_a->redisBroker()->historyReadsUnderWay(), 0);
    };
    // Frozen: the connection is still up, the read waits for the command timeout (1 s here).
    m_redis->pause();
    unavailable();
    m_redis->resume();
    QVERIFY(waitSynced(m_a.get()));
    QCOMPARE(history(m_a->port(), "topic=%23").status, 200);
    m_redis->kill();
    QTRY_VERIFY(!m_a->broker()->isReady());
    unavailable();
}

// The publish script trims entries older than its age bound (and their bytes), never the new
// ones; a Stream written by the test with old ids stands for a cluster idle past the TTL.
void TestHistory::publishScriptTrimsByAge()
{
    const QByteArray stream = "t:events";
    for (const QByteArray id : {"1000-0", "2000-0", "9000-0"})
        QCOMPARE(redisQuery({"XADD", stream, id, "t", "a", "y", "message", "p", "1"}).string, id);
    const qint64 base = 500;
    const qint64 entry = base + 3 * 1 + 5 * 7 + 4 * 1; // topic "a", type "message", payload "1"
    redisQuery({"SET", stream + ":bytes", QByteArray::number(3 * entry)});
    const RedisReply reply = runScript(
        publishScript(), {stream, stream + ":bytes"},
        {"100", "1000000", QByteArray::number(base), "5000", "a", "message", "1", "t:ev:a"});
    QVERIFY2(!reply.isError(), reply.string.constData());
    QCOMPARE(redisQuery({"XLEN", stream}).integer, 2);
    const RedisReply oldest = redisQuery({"XRANGE", stream, "-", "+", "COUNT", "1"});
    QCOMPARE(oldest.elements.at(0).elements.at(0).string, QByteArray("9000-0"));
    QCOMPARE(redisQuery({"GET", stream + ":bytes"}).string, QByteArray::number(2 * entry));
    // Without an age bound nothing old goes.
    runScript(publishScript(), {stream, stream + ":bytes"},
              {"100", "1000000", QByteArray::number(base), "0", "a", "message", "1", "t:ev:a"});
    QCOMPARE(redisQuery({"XLEN", stream}).integer, 3);
}

// The instances' periodic trim: at most the count given per call, the byte count kept, 0 once
// empty; and the Stream read then says that every id up to the last one is gone.
void TestHistory::expireScriptTrimsByAge()
{
    const QByteArray stream = "t:events";
    for (const QByteArray id : {"1000-0", "2000-0", "3000-0"})
        redisQuery({"XADD", stream, id, "t", "a", "y", "message", "p", "1"});
    const qint64 entry = 500 + 3 + 35 + 4;
    redisQuery({"SET", stream + ":bytes", QByteArray::number(3 * entry)});
    const QList<QByteArray> keys {stream, stream + ":bytes"};
    QCOMPARE(runScript(expireScript(), keys, {"2500", "500", "1"}).integer, 1);
    QCOMPARE(runScript(expireScript(), keys, {"2500", "500", "10"}).integer, 1);
    QCOMPARE(runScript(expireScript(), keys, {"2500", "500", "10"}).integer, 0);
    QCOMPARE(redisQuery({"XLEN", stream}).integer, 1);
    QCOMPARE(redisQuery({"GET", stream + ":bytes"}).string, QByteArray::number(entry));
    QCOMPARE(runScript(expireScript(), keys, {"10000", "500", "10"}).integer, 1);
    QCOMPARE(redisQuery({"XLEN", stream}).integer, 0);
    QCOMPARE(redisQuery({"GET", stream + ":bytes"}).string, QByteArray("0"));
    const RedisReply read = runScript(readScript(), {stream}, {"", "10"});
    QCOMPARE(read.elements.size(), 4);
    QCOMPARE(read.elements.at(0).string, QByteArray("3000-0")); // last generated
    QCOMPARE(read.elements.at(1).string, QByteArray("3000-0")); // all of it gone
}

// --history-ttl, embedded: events older than the TTL go on publish, on a read and on the timer;
// the horizon moves, a resuming stream gets `reset`, /stats and /metrics say it.
void TestHistory::embeddedTtl()
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
    QCOMPARE(engine->broker()->history().horizon(), packed(ids.at(4)));
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
void TestHistory::clusterTtl()
{
    Engine::Config config;
    config.historyTtlMs = 3600 * 1000; // more than the clock moved before this test
    m_a = startCluster(config);
    m_b = startCluster(config);
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
    QTRY_COMPARE_WITH_TIMEOUT(redisQuery({"XLEN", "ssehub:events"}).integer, 0, 10000);
    QCOMPARE(redisQuery({"GET", "ssehub:events:bytes"}).string, QByteArray("0"));
    // (The jump also timed out the connections' pending commands: they reconnect.)
    QVERIFY(waitSynced(m_a.get()));
    const HttpResponse after = history(m_a->port(), "topic=%23");
    QCOMPARE(after.status, 200);
    QCOMPARE(idsOf(after).size(), 0);
    QCOMPARE(retainedOf(after).value(QLatin1String("events")).toInt(), 0);
    QCOMPARE(retainedOf(after).value(QLatin1String("horizon")).toString().toLatin1(), ids.last());
    QTRY_COMPARE(m_b->broker()->history().size(), 0);
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

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
