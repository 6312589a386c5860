// The console over HTTP (GET /console/feed and the routes consoles use) on a real engine with
// tokens and an ACL: who may attach, what a console is sent first and then, resuming after a
// short drop without a new snapshot, per-console live tails, a stream's detail, reloading the
// access rules, and the bound on attached consoles.
#include "api/consolefeed.h"
#include "engine/consolefeeds.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "feed-secret-feed-secret-feed-secret-0123";
const QByteArray AclJson = R"({
    "anonymous": null,
    "roles": {
        "reader": {"subscribe": ["sensor/#"]},
        "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}
    }
})";

QList<QPair<QByteArray, QByteArray>> bearer(const QString &sub, const QStringList &roles)
{
    const QJsonObject claims {
        {QStringLiteral("sub"), sub},
        {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
        {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}};
    return {{"Authorization", "Bearer " + makeToken(claims, Secret)}};
}

bool authExpired(const SseClient &client)
{
    return std::any_of(client.events().cbegin(), client.events().cend(),
                       [](const SseEvent &e) { return e.type == "auth-expired"; });
}

// A console's view of a feed: the client's events through the decoder.
struct Console
{
    SseClient client;
    FeedDecoder decoder;
    int snapshots = 0;
    int deltas = 0;
    QString error;

    void open(quint16 port, const QList<QPair<QByteArray, QByteArray>> &headers)
    {
        QObject::connect(&client, &SseClient::eventReceived, &client, [this](const SseEvent &e) {
            QString problem;
            if (!decoder.apply(e.type, e.data, e.id, &problem))
                error = problem;
            snapshots += e.type == "snapshot";
            deltas += e.type == "delta";
        });
        client.open(port, "/console/feed", headers);
    }
    SnapshotPtr state() { return decoder.take(); }
};

} // namespace

class TestFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup() { m_engine.reset(); }
    void onlyAdminsAttach();
    void snapshotThenChanges();
    void resumesWithoutANewSnapshot();
    void tailsPerConsole();
    void streamDetailAndReload();
    void boundedConsoles();
    void bigRowsDoNotLockConsolesOut();
    void feedEndsWithItsCredentials();
    void foreignPagesGetNoFeed();

private:
    quint16 port() const { return m_engine->port(); }
    QList<QPair<QByteArray, QByteArray>> admin() const
    {
        return bearer(QStringLiteral("ops"), {QStringLiteral("admin")});
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;
};

void TestFeed::initTestCase()
{
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret);
    QFile acl(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(AclJson);
}

void TestFeed::init()
{
    Engine::Config config;
    config.port = 0;
    config.dataDir.clear();
    config.statsIntervalMs = 100;
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    config.aclFile = m_dir.filePath(QStringLiteral("acl.json"));
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
}

void TestFeed::onlyAdminsAttach()
{
    SseClient anonymous;
    anonymous.open(port(), "/console/feed");
    QTRY_COMPARE(anonymous.status(), 401);
    SseClient reader;
    reader.open(port(), "/console/feed", bearer(QStringLiteral("r1"), {QStringLiteral("reader")}));
    QTRY_COMPARE(reader.status(), 403);
    QTRY_VERIFY(reader.raw().contains("admin role"));
    SseClient forged;
    forged.open(port(), "/console/feed", {{"Authorization", "Bearer abc.def.ghi"}});
    QTRY_COMPARE(forged.status(), 401);
    // The other console routes too.
    for (const auto &[method, path] : QList<QPair<QByteArray, QByteArray>> {
             {"POST", "/console/tail"}, {"GET", "/streams/1"}, {"POST", "/access/reload"}}) {
        const HttpResponse r = request(port(), method, path, "{}", "application/json",
                                       bearer(QStringLiteral("r1"), {QStringLiteral("reader")}));
        QCOMPARE(r.status, 403);
        QVERIFY(QJsonDocument::fromJson(r.body).object().contains(QLatin1String("error")));
    }
    QCOMPARE(m_engine->feeds()->count(), 0);
    // A HEAD would never end: refused.
    QTcpSocket head;
    head.connectToHost(QHostAddress::LocalHost, port());
    head.write("HEAD /console/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
               + admin().first().second + "\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY((answer += head.readAll(), answer.contains("\r\n\r\n")));
    QVERIFY2(answer.startsWith("HTTP/1.1 405"), answer.constData());
}

void TestFeed::snapshotThenChanges()
{
    // Three clients (a client's streams would share its subscriptions).
    const auto as = [](const char *who) {
        return bearer(QString::fromLatin1(who), {QStringLiteral("admin")});
    };
    SseClient one;
    one.open(port(), "/events?topic=sensor/1/data", as("one"));
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);

    Console console;
    console.open(port(), admin());
    QTRY_COMPARE(console.client.status(), 200);
    QCOMPARE(console.client.header("content-type"), QByteArray("text/event-stream"));
    QTRY_COMPARE(console.snapshots, 1);
    QVERIFY(!console.decoder.feedId().isEmpty());
    SnapshotPtr s = console.state();
    QCOMPARE(s->connections.size(), size_t(1));
    QCOMPARE(s->connections[0].clientId, QStringLiteral("one"));
    QVERIFY(!s->stats.version.isEmpty());
    QVERIFY(!s->stats.nodeId.isEmpty());
    // The log kept so far came with it.
    QVERIFY(std::any_of(s->log.cbegin(), s->log.cend(),
                        [](const LogEntry &e) { return e.kind == LogEntry::Kind::Connect; }));

    // Two more streams and a publish: deltas, never another snapshot.
    SseClient two;
    two.open(port(), "/events?topic=sensor/%2B/data", as("two"));
    SseClient three;
    three.open(port(), "/events?topic=sensor/2/data", as("three"));
    QTRY_VERIFY((s = console.state(), s->connections.size() == 3));
    QCOMPARE(request(port(), "POST", "/publish", R"({"topic":"sensor/1/data","payload":1})",
                     "application/json", admin())
                 .status,
             200);
    QTRY_VERIFY((s = console.state(), s->stats.eventsDelivered == 2));
    const auto sentTo = [&s](const char *client) {
        for (const StreamRow &row : s->connections) {
            if (row.clientId == QLatin1String(client))
                return qint64(row.eventsSent);
        }
        return qint64(-1);
    };
    QTRY_VERIFY((s = console.state(), sentTo("one") == 1 && sentTo("two") == 1));
    QCOMPARE(sentTo("three"), 0);
    QCOMPARE(console.snapshots, 1);
    QVERIFY(console.deltas > 1);
    QVERIFY2(console.error.isEmpty(), qPrintable(console.error));

    // A kick over HTTP: the row goes.
    const quint64 first = s->connections[0].id;
    QCOMPARE(s->connections[0].clientId, QStringLiteral("one")); // connected first
    QCOMPARE(
        request(port(), "DELETE", "/streams/" + QByteArray::number(first), {}, {}, admin()).status,
        200);
    QTRY_VERIFY(!one.isConnected());
    QTRY_VERIFY((s = console.state(), s->connections.size() == 2));
}

void TestFeed::resumesWithoutANewSnapshot()
{
    Console console;
    console.open(port(), admin());
    QTRY_COMPARE(console.snapshots, 1);
    QTRY_VERIFY(console.deltas >= 1);
    const QByteArray position = console.decoder.lastEventId();
    console.client.close();
    QTRY_COMPARE(m_engine->feeds()->count(), 0);

    // While it is away a stream connects and leaves a log entry.
    SseClient stream;
    stream.open(port(), "/events?topic=sensor/9/data", admin());
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);

    // Nobody watches now: the engine makes no snapshots, so the next console position follows.
    Console back;
    back.decoder = console.decoder;
    back.decoder.take();
    back.open(port(), {admin().first(), {"Last-Event-ID", position}});
    QTRY_VERIFY(back.deltas >= 1);
    QCOMPARE(back.snapshots, 0); // resumed: no full snapshot
    QVERIFY2(back.error.isEmpty(), qPrintable(back.error));
    SnapshotPtr s;
    QTRY_VERIFY((s = back.state(), s->connections.size() == 1));

    // An id from another run (or too old): a full snapshot instead.
    Console stranger;
    stranger.open(port(), {admin().first(), {"Last-Event-ID", "0000-5"}});
    QTRY_COMPARE(stranger.snapshots, 1);
}

void TestFeed::tailsPerConsole()
{
    Console a;
    a.open(port(), admin());
    Console b;
    b.open(port(), admin());
    QTRY_VERIFY(!a.decoder.feedId().isEmpty() && !b.decoder.feedId().isEmpty());
    const auto tail = [this](const QByteArray &feed, const QByteArray &filter) {
        return request(
            port(), "POST", "/console/tail",
            QJsonDocument(QJsonObject {{QStringLiteral("feed"), QString::fromLatin1(feed)},
                                       {QStringLiteral("filter"), QString::fromUtf8(filter)}})
                .toJson(QJsonDocument::Compact),
            "application/json", admin());
    };
    QCOMPARE(tail(a.decoder.feedId(), "sensor/#").status, 200);
    QCOMPARE(tail(b.decoder.feedId(), "other/+").status, 200);
    QCOMPARE(tail(b.decoder.feedId(), "bad/#/x").status, 400); // b's tail stays
    QCOMPARE(tail("nope", "a").status, 404);
    QCOMPARE(request(port(), "POST", "/console/tail", "[1]", "application/json", admin()).status,
             400);
    QCOMPARE(request(port(), "POST", "/publish", R"({"topic":"sensor/1/data","payload":{"v":7}})",
                     "application/json", admin())
                 .status,
             200);
    SnapshotPtr got;
    QList<EventRow> tailA;
    QTRY_VERIFY((got = a.state(), tailA += got->tail, !tailA.isEmpty()));
    QCOMPARE(tailA[0].topic, QByteArray("sensor/1/data"));
    QCOMPARE(tailA[0].payload, QByteArray("{\"v\":7}"));
    // b tails something else: nothing for it; its tail survived the bad filter.
    QTRY_VERIFY(b.deltas > 3);
    QVERIFY(b.state()->tail.isEmpty());
    QCOMPARE(request(port(), "POST", "/publish", R"({"topic":"other/x","payload":2})",
                     "application/json", admin())
                 .status,
             200);
    QList<EventRow> tailB;
    QTRY_VERIFY((got = b.state(), tailB += got->tail, !tailB.isEmpty()));
    QCOMPARE(tailB[0].topic, QByteArray("other/x"));
    // The tail ends with its console.
    a.client.close();
    QTRY_COMPARE(m_engine->feeds()->count(), 1);
    QCOMPARE(tail(a.decoder.feedId(), "sensor/#").status, 404);
}

void TestFeed::streamDetailAndReload()
{
    SseClient stream;
    stream.open(port(), "/events?topic=sensor/5/data&client_id=ops", admin());
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const quint64 id = m_engine->hub()->streams().first()->id();
    HttpResponse r = request(port(), "GET", "/streams/" + QByteArray::number(id), {}, {}, admin());
    QCOMPARE(r.status, 200);
    StreamDetail detail;
    QVERIFY(streamDetailFromJson(QJsonDocument::fromJson(r.body).object(), &detail));
    QCOMPARE(detail.id, id);
    QCOMPARE(detail.clientId, QStringLiteral("ops"));
    QCOMPARE(detail.subscriptions.size(), 1);
    QCOMPARE(detail.subscriptions[0].filter, QByteArray("sensor/5/data"));
    QCOMPARE(request(port(), "GET", "/streams/999999", {}, {}, admin()).status, 404);
    QCOMPARE(request(port(), "GET", "/streams/x", {}, {}, admin()).status, 404);

    r = request(port(), "POST", "/access/reload", {}, {}, admin());
    QCOMPARE(r.status, 200);
    QVERIFY(QJsonDocument::fromJson(r.body).object().contains(QLatin1String("message")));
    // A broken ACL file: refused with why, and the rules in force stay.
    QFile acl(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write("{broken");
    acl.close();
    r = request(port(), "POST", "/access/reload", {}, {}, admin());
    QCOMPARE(r.status, 409);
    QVERIFY(QJsonDocument::fromJson(r.body)
                .object()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("previous rules stay")));
    QCOMPARE(request(port(), "GET", "/stats", {}, {}, admin()).status, 200);
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write(AclJson);
}

void TestFeed::boundedConsoles()
{
    std::vector<std::unique_ptr<SseClient>> consoles;
    for (int i = 0; i < ConsoleFeeds::MaxFeeds; ++i) {
        consoles.push_back(std::make_unique<SseClient>());
        consoles.back()->open(port(), "/console/feed", admin());
    }
    QTRY_COMPARE(m_engine->feeds()->count(), ConsoleFeeds::MaxFeeds);
    SseClient extra;
    extra.open(port(), "/console/feed", admin());
    QTRY_COMPARE(extra.status(), 503);
    QCOMPARE(extra.header("retry-after"), QByteArray("5"));
    consoles.clear();
    QTRY_COMPARE(m_engine->feeds()->count(), 0);
}

void TestFeed::bigRowsDoNotLockConsolesOut()
{
    // Streams with 15 KB user agents: rows are cut, and a console attaches and reads them all.
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < 50; ++i) {
        streams.push_back(std::make_unique<SseClient>());
        streams.back()->open(port(), "/events?topic=sensor/" + QByteArray::number(i),
                             {admin().first(), {"User-Agent", QByteArray(15000, 'u')}});
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 50);
    Console console;
    console.open(port(), admin());
    SnapshotPtr s;
    QTRY_VERIFY((s = console.state(), s && s->connections.size() == 50));
    for (const StreamRow &row : s->connections) {
        QVERIFY(row.userAgent.size() <= 300);
        QVERIFY(row.userAgent.endsWith("bytes)"));
    }
    QCOMPARE(m_engine->feeds()->count(), 1);
}

void TestFeed::feedEndsWithItsCredentials()
{
    // A token that expires in two seconds (no leeway given: the default 30 s applies, so the
    // engine here runs with none).
    m_engine.reset();
    Engine::Config config;
    config.port = 0;
    config.dataDir.clear();
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    config.aclFile = m_dir.filePath(QStringLiteral("acl.json"));
    config.jwtLeewayMs = 0;
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));

    const QJsonObject claims {
        {QStringLiteral("sub"), QStringLiteral("ops")},
        {QStringLiteral("roles"), QJsonArray {QStringLiteral("admin")}},
        {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 2)}};
    SseClient expiring;
    expiring.open(port(), "/console/feed",
                  {{"Authorization", "Bearer " + makeToken(claims, Secret)}});
    QTRY_COMPARE(expiring.status(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(authExpired(expiring), 6000);
    QTRY_VERIFY(!expiring.isConnected());

    // Revoked by a reload: the admin role is gone from the ACL.
    Console console;
    console.open(port(), admin());
    QTRY_COMPARE(console.snapshots, 1);
    QFile acl(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write(QByteArray(AclJson).replace("\"admin\": true", "\"admin\": false"));
    acl.close();
    bool ok = false;
    m_engine->reloadAccess(&ok);
    QVERIFY(ok);
    QTRY_VERIFY(authExpired(console.client));
    QTRY_VERIFY(!console.client.isConnected());
    QCOMPARE(m_engine->feeds()->count(), 0);
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write(AclJson);
}

void TestFeed::foreignPagesGetNoFeed()
{
    // Even a hub without authentication gives a page of another site nothing.
    m_engine.reset();
    Engine::Config config;
    config.port = 0;
    config.dataDir.clear();
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    SseClient page;
    page.open(port(), "/console/feed", {{"Origin", "http://evil.example"}});
    QTRY_COMPARE(page.status(), 403);
    SseClient fetched;
    fetched.open(port(), "/console/feed", {{"Sec-Fetch-Site", "cross-site"}});
    QTRY_COMPARE(fetched.status(), 403);
    SseClient console; // no Origin: a console, curl
    console.open(port(), "/console/feed");
    QTRY_COMPARE(console.status(), 200);
}

QTEST_GUILESS_MAIN(TestFeed)
#include "tst_feed.moc"
