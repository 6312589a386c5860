// GET /history over real sockets: paging at the edges (an empty history, a page that ends it
// exactly, the gap that trimming leaves), embedded and in cluster mode on a real redis-server
// with two instances (the whole Stream read on an instance without streams, paging across it,
// the bound on what one request scans, the ACL, Redis gone or frozen: 503, not a hang).
// --history-ttl is tst_historyttl's.
#include "historytest.h"
#include "localengine.h"
#include "redisserver.h"
#include "tokens.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "history-secret-history-secret-0123456789";

QByteArray tokenFor(const QString &sub, const QStringList &roles)
{
    return roleToken(sub, roles, Secret);
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

private:
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
    QVERIFY(request(port, "GET", "/stats").json().value(QLatin1String("history_stream")).isNull());
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
    m_a = startClusterEngine(m_redis->port());
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
    m_a = startClusterEngine(m_redis->port());
    m_b = startClusterEngine(m_redis->port());
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
    // /stats and /metrics: the Stream (this instance's own copy is empty).
    const QJsonObject stats = request(m_a->port(), "GET", "/stats").json();
    QCOMPARE(stats.value(QLatin1String("history_size")).toInt(), 0);
    const QJsonObject stream = stats.value(QLatin1String("history_stream")).toObject();
    QCOMPARE(stream.value(QLatin1String("events")).toInt(), 12);
    QCOMPARE(stream.value(QLatin1String("oldest_id")).toString().toLatin1(), ids.first());
    QVERIFY(stream.value(QLatin1String("oldest_age_ms")).toDouble() >= 0);
    QVERIFY(stream.value(QLatin1String("bytes")).toDouble() > 0);
    QVERIFY(
        request(m_a->port(), "GET", "/metrics").body.contains("ssehub_history_stream_events 12\n"));
}
// --history 5 trims the Stream: ids up to the horizon are gone, and the answer says so.
void TestHistory::clusterGapAfterTrimming()
{
    Engine::Config config;
    config.historySize = 5;
    m_a = startClusterEngine(m_redis->port(), config);
    QVERIFY(waitSynced(m_a.get()));
    QList<QByteArray> ids;
    for (int i = 0; i < 8; ++i)
        ids << idOf(publish(m_a->port(), "g/1", QByteArray::number(i)));
    const HttpResponse gap = history(m_a->port(), "topic=g/1&after=" + ids.at(0));
    QCOMPARE(idsOf(gap), ids.mid(3));
    const QJsonObject retained = retainedOf(gap);
    QCOMPARE(retained.value(QLatin1String("events")).toInt(), 5);
    QCOMPARE(retained.value(QLatin1String("oldest_id")).toString().toLatin1(), ids.at(3));
    const quint64 horizon
        = packedId(retained.value(QLatin1String("horizon")).toString().toLatin1());
    QVERIFY(horizon >= packedId(ids.at(2)) && horizon < packedId(ids.at(3)));
}
// A rare topic in a long Stream: one request scans at most HistoryScanEntries entries and ends
// with a page short of the limit (here 1 of 10) whose `next` goes on where the scan stopped.
void TestHistory::clusterScanIsBounded()
{
    Engine::Config config;
    config.historySize = 30000;
    m_a = startClusterEngine(m_redis->port(), config);
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
    QVERIFY(24002 > RedisBroker::HistoryScanEntries);
    for (const bool descending : {false, true}) {
        const QByteArray query
            = QByteArray("topic=rare/x&limit=10") + (descending ? "&order=desc" : "");
        QElapsedTimer timer;
        timer.start();
        const HttpResponse firstPage = history(port, query);
        qInfo("a page that scanned the bound took %lld ms", timer.elapsed());
        QCOMPARE(firstPage.status, 200);
        QCOMPARE(firstPage.json().value(QLatin1String("scan_limited")).toBool(), true);
        QCOMPARE(idsOf(firstPage), QList<QByteArray> {descending ? last : first});
        QVERIFY(!nextOf(firstPage).isEmpty());
        int pages = 0;
        const QList<QByteArray> ids = allPages(port, query, descending, &pages);
        QCOMPARE(ids,
                 descending ? (QList<QByteArray> {last, first})
                            : (QList<QByteArray> {first, last}));
        QVERIFY(pages >= 2); // 2 unless the 2 s bound cut a scan short
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
                                                                  QStringLiteral("$app/#")}},
                                                     {QStringLiteral("admin"), true}}}}}})
            .toJson());
    acl.close();
    Engine::Config config;
    config.jwtSecretFile = secret.fileName();
    config.aclFile = acl.fileName();
    m_a = startClusterEngine(m_redis->port(), config);
    m_b = startClusterEngine(m_redis->port(), config);
    QVERIFY(waitSynced(m_a.get()));
    QVERIFY(waitSynced(m_b.get()));
    const Headers admin = bearer(tokenFor(QStringLiteral("ops"), {QStringLiteral("admin")}));
    const Headers reader = bearer(tokenFor(QStringLiteral("r-1"), {QStringLiteral("reader")}));
    const Headers all = bearer(tokenFor(QStringLiteral("e-1"), {QStringLiteral("everything")}));
    for (const char *topic : {"sensor/1", "control/1", "$app/x"}) {
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
    // "#" covers every topic but the `$` ones (clients may not publish under $SYS/, so another
    // `$` topic stands for them).
    const HttpResponse everything = history(m_a->port(), "topic=%23", all);
    QCOMPARE(everything.status, 200);
    QCOMPARE(idsOf(everything).size(), 2);
    QVERIFY(!everything.body.contains("$app"));
    QCOMPARE(history(m_a->port(), "topic=%24app/%23", all).status, 403);
    QCOMPARE(idsOf(history(m_a->port(), "topic=%24app/%23", admin)).size(), 1);
}

// Redis frozen, then killed: 503 with Retry-After and a JSON error, within the command timeout;
// while a read waits for Redis, the engine thread answers other requests.
void TestHistory::clusterRedisGoneIs503()
{
    m_a = startClusterEngine(m_redis->port());
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
    // Frozen: the connection is still up, the read waits for the command timeout (1 s here),
    // and the engine serves other requests meanwhile.
    m_redis->pause();
    QTcpSocket waiting;
    waiting.connectToHost(QHostAddress::LocalHost, m_a->port());
    waiting.write("GET /history?topic=%23 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_COMPARE(m_a->redisBroker()->historyReadsUnderWay(), 1);
    QCOMPARE(request(m_a->port(), "GET", "/healthz").status, 200);
    QCOMPARE(m_a->redisBroker()->historyReadsUnderWay(), 1);
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += waiting.readAll()).contains("\r\n\r\n"), 5000);
    QVERIFY2(answer.startsWith("HTTP/1.1 503 "), answer.constData());
    unavailable();
    m_redis->resume();
    QVERIFY(waitSynced(m_a.get()));
    QCOMPARE(history(m_a->port(), "topic=%23").status, 200);
    m_redis->kill();
    QTRY_VERIFY(!m_a->broker()->isReady());
    unavailable();
}

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
