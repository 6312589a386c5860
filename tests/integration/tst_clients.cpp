// GET /clients: every client the hub knows (online or offline, stored or anonymous) a page at a
// time - admin only, searched, filtered by presence, naturally sorted, bounded by count and
// bytes, and bad parameters answered 400 with a JSON error.
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "proto/topicfilter.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "test-secret-test-secret-test-secret-0123";

const QByteArray AclJson = R"({
    "anonymous": null,
    "roles": {
        "sensor": {"subscribe": ["sensor/+/data"]},
        "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}
    },
    "clients": {"ops": ["admin"]}
})";

QList<QPair<QByteArray, QByteArray>> bearer(const QString &sub, const QStringList &roles)
{
    const QJsonObject claims {
        {QStringLiteral("sub"), sub},
        {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
        {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}};
    return {{"Authorization", "Bearer " + makeToken(claims, Secret)}};
}

Engine::Config baseConfig()
{
    Engine::Config config;
    config.port = 0;
    config.dataDir.clear();
    return config;
}

QStringList idsOf(const QJsonObject &page)
{
    QStringList ids;
    for (const QJsonValue &c : page.value(QLatin1String("clients")).toArray())
        ids << c.toObject().value(QLatin1String("client_id")).toString();
    return ids;
}

QJsonObject clientIn(const QJsonObject &page, const QString &id)
{
    for (const QJsonValue &c : page.value(QLatin1String("clients")).toArray()) {
        if (c.toObject().value(QLatin1String("client_id")).toString() == id)
            return c.toObject();
    }
    return {};
}

} // namespace

class TestClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_engine.reset(); }

    void adminOnly();
    void listsOnlineOfflineStoredAnonymous();
    void searchAndPresence();
    void pagingInNaturalOrder();
    void boundedByBytes();
    void badParameters_data();
    void badParameters();
    void manyClients();
    void pageJsonRoundTripAndHostileAnswers();

private:
    void start(const Engine::Config &config = baseConfig());
    quint16 port() const { return m_engine->port(); }
    QJsonObject list(const QByteArray &query = {});
    void subscribe(const QString &client, const QList<QByteArray> &filters);

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;
};

void TestClients::start(const Engine::Config &config)
{
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
}

QJsonObject TestClients::list(const QByteArray &query)
{
    const QByteArray path = query.isEmpty() ? QByteArray("/clients") : "/clients?" + query;
    const HttpResponse r = request(port(), "GET", path);
    if (r.status != 200)
        qWarning() << "GET /clients?" << query << "->" << r.status << r.body;
    return r.status == 200 ? r.json() : QJsonObject();
}

void TestClients::subscribe(const QString &client, const QList<QByteArray> &filters)
{
    QList<TopicFilter> parsed;
    for (const QByteArray &f : filters)
        parsed << TopicFilter::parse(f);
    QVERIFY(m_engine->hub()->subscribe(client, parsed, 0).ok());
}

void TestClients::adminOnly()
{
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret);
    secret.close();
    QFile acl(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(AclJson);
    acl.close();
    Engine::Config config = baseConfig();
    config.jwtSecretFile = secret.fileName();
    config.aclFile = acl.fileName();
    start(config);
    const HttpResponse none = request(port(), "GET", "/clients");
    QCOMPARE(none.status, 401);
    QVERIFY(none.json().value(QLatin1String("error")).isString());
    const HttpResponse sensor
        = request(port(), "GET", "/clients", {}, {},
                  bearer(QStringLiteral("dev-1"), {QStringLiteral("sensor")}));
    QCOMPARE(sensor.status, 403);
    QVERIFY(
        sensor.json().value(QLatin1String("error")).toString().contains(QLatin1String("admin")));
    const HttpResponse admin
        = request(port(), "GET", "/clients", {}, {}, bearer(QStringLiteral("ops"), {}));
    QCOMPARE(admin.status, 200);
    QCOMPARE(admin.json().value(QLatin1String("known")).toInt(), 0);
    // A bad parameter is refused after the credentials were checked, not before.
    QCOMPARE(request(port(), "GET", "/clients?limit=0").status, 401);
    QCOMPARE(request(port(), "GET", "/clients?limit=0", {}, {}, bearer(QStringLiteral("ops"), {}))
                 .status,
             400);
}

void TestClients::listsOnlineOfflineStoredAnonymous()
{
    start();
    // Stored and offline: subscribed through the API, one subscription paused, a cursor.
    QCOMPARE(
        request(port(), "POST", "/subscribe",
                R"({"client_id":"stored-1","topics":["alerts/#","news/+"],"ttl_seconds":3600})")
            .status,
        200);
    QCOMPARE(request(port(), "PATCH", "/subscriptions/stored-1",
                     R"({"topics":["news/+"],"state":"paused"})")
                 .status,
             200);
    QCOMPARE(
        request(port(), "POST", "/ack", R"({"client_id":"stored-1","last_event_id":"7"})").status,
        200);
    // Online, named, with two streams; and an anonymous one.
    SseClient a, b, anonymous;
    a.open(port(), "/events?topic=live/1&client_id=live-2");
    b.open(port(), "/events?topic=live/1&client_id=live-2");
    anonymous.open(port(), "/events?topic=public");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 3);

    QJsonObject page = list();
    QCOMPARE(page.value(QLatin1String("known")).toInt(), 3);
    QCOMPARE(page.value(QLatin1String("matching")).toInt(), 3);
    QVERIFY(page.value(QLatin1String("next_offset")).isNull());
    QCOMPARE(page.value(QLatin1String("cluster")).toBool(), false);
    QCOMPARE(page.value(QLatin1String("node")).toString(), m_engine->hub()->nodeId());

    const QJsonObject stored = clientIn(page, QStringLiteral("stored-1"));
    QCOMPARE(stored.value(QLatin1String("stored")).toBool(), true);
    QCOMPARE(stored.value(QLatin1String("streams")).toInt(), 0);
    QVERIFY(stored.value(QLatin1String("addresses")).toArray().isEmpty());
    QVERIFY(stored.value(QLatin1String("last_seen")).isNull()); // no stream since the start
    QCOMPARE(stored.value(QLatin1String("acked")).toString(), QStringLiteral("7"));
    QCOMPARE(stored.value(QLatin1String("subscription_count")).toInt(), 2);
    QCOMPARE(stored.value(QLatin1String("paused")).toInt(), 1);
    const QJsonArray subs = stored.value(QLatin1String("subscriptions")).toArray();
    QCOMPARE(subs.size(), 2);
    const QJsonObject alerts = subs.at(0).toObject();
    QCOMPARE(alerts.value(QLatin1String("filter")).toString(), QStringLiteral("alerts/#"));
    QCOMPARE(alerts.value(QLatin1String("state")).toString(), QStringLiteral("active"));
    QVERIFY(alerts.value(QLatin1String("created")).toDouble() > 0);
    QVERIFY(alerts.value(QLatin1String("updated")).toDouble() > 0);
    QVERIFY(alerts.value(QLatin1String("expires_at")).toDouble()
            > double(QDateTime::currentMSecsSinceEpoch()));
    QCOMPARE(subs.at(1).toObject().value(QLatin1String("state")).toString(),
             QStringLiteral("paused"));

    const QJsonObject live = clientIn(page, QStringLiteral("live-2"));
    QCOMPARE(live.value(QLatin1String("streams")).toInt(), 2);
    QCOMPARE(live.value(QLatin1String("addresses")).toArray(),
             QJsonArray {QStringLiteral("127.0.0.1")});
    QVERIFY(live.value(QLatin1String("last_seen")).toDouble() > 0);
    QVERIFY(live.value(QLatin1String("subscriptions"))
                .toArray()
                .at(0)
                .toObject()
                .value(QLatin1String("expires_at"))
                .isNull()); // never

    const QStringList ids = idsOf(page);
    QCOMPARE(ids.size(), 3);
    const QString anon = ids.at(0); // "anon-..." sorts first
    QVERIFY(anon.startsWith(QLatin1String("anon-")));
    QCOMPARE(clientIn(page, anon).value(QLatin1String("stored")).toBool(), false);

    // The streams of live-2 end: it is offline, and says when it was last seen.
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    a.close();
    b.close();
    anonymous.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
    page = list();
    QCOMPARE(idsOf(page), (QStringList {QStringLiteral("live-2"), QStringLiteral("stored-1")}));
    const QJsonObject gone = clientIn(page, QStringLiteral("live-2"));
    QCOMPARE(gone.value(QLatin1String("streams")).toInt(), 0);
    QVERIFY(gone.value(QLatin1String("last_seen")).toDouble() >= double(before));
}

void TestClients::searchAndPresence()
{
    start();
    subscribe(QStringLiteral("kitchen-7"), {"home/kitchen/temp"});
    subscribe(QStringLiteral("garage"), {"home/+/door"});
    SseClient online;
    online.open(port(), "/events?topic=alerts/fire&client_id=watcher");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);

    QCOMPARE(idsOf(list("search=KITCHEN")), QStringList {QStringLiteral("kitchen-7")});
    // A filter's text, wildcards included ('+' stays '+', as in every query of the API).
    QCOMPARE(idsOf(list("search=%2B/door")), QStringList {QStringLiteral("garage")});
    QCOMPARE(idsOf(list("search=+/door")), QStringList {QStringLiteral("garage")});
    QCOMPARE(idsOf(list("search=home/")),
             (QStringList {QStringLiteral("garage"), QStringLiteral("kitchen-7")}));
    // A stream's remote address.
    QCOMPARE(idsOf(list("search=127.0.0")), QStringList {QStringLiteral("watcher")});
    QCOMPARE(idsOf(list("state=online")), QStringList {QStringLiteral("watcher")});
    QCOMPARE(idsOf(list("state=offline")),
             (QStringList {QStringLiteral("garage"), QStringLiteral("kitchen-7")}));
    const QJsonObject none = list("search=nothing-like-this");
    QCOMPARE(none.value(QLatin1String("matching")).toInt(), 0);
    QCOMPARE(none.value(QLatin1String("known")).toInt(), 3);
}

void TestClients::pagingInNaturalOrder()
{
    start();
    for (int i = 25; i >= 1; --i)
        subscribe(QStringLiteral("room%1").arg(i), {"rooms/" + QByteArray::number(i)});
    QStringList all;
    for (int i = 1; i <= 25; ++i)
        all << QStringLiteral("room%1").arg(i);
    QJsonObject page = list("limit=10");
    QCOMPARE(idsOf(page), all.mid(0, 10)); // room2 before room10
    QCOMPARE(page.value(QLatin1String("next_offset")).toInt(), 10);
    page = list("limit=10&offset=10");
    QCOMPARE(idsOf(page), all.mid(10, 10));
    page = list("limit=10&offset=20");
    QCOMPARE(idsOf(page), all.mid(20));
    QVERIFY(page.value(QLatin1String("next_offset")).isNull());
    page = list("offset=100");
    QVERIFY(idsOf(page).isEmpty());
    QCOMPARE(page.value(QLatin1String("matching")).toInt(), 25);
    QCOMPARE(idsOf(list()), all); // the default limit holds them all
}

void TestClients::boundedByBytes()
{
    start();
    // 20 clients of 300 subscriptions with long filters: far more than one answer may hold.
    const QByteArray pad(180, 'x');
    for (int c = 0; c < 20; ++c) {
        QList<QByteArray> filters;
        for (int s = 0; s < 300; ++s)
            filters << "t/" + pad + '/' + QByteArray::number(s);
        subscribe(QStringLiteral("big%1").arg(c), filters);
    }
    const HttpResponse r = request(port(), "GET", "/clients?limit=1000");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.size() <= ClientPage::MaxBytes, QByteArray::number(r.body.size()));
    const QJsonObject page = r.json();
    const QJsonArray clients = page.value(QLatin1String("clients")).toArray();
    QVERIFY(clients.size() >= 1 && clients.size() < 20);
    QCOMPARE(page.value(QLatin1String("next_offset")).toInt(), clients.size());
    const QJsonObject first = clients.at(0).toObject();
    QCOMPARE(first.value(QLatin1String("subscription_count")).toInt(), 300);
    QCOMPARE(first.value(QLatin1String("subscriptions")).toArray().size(),
             ClientInfo::MaxSubscriptions);
    // The rest follows from next_offset.
    const QJsonObject next = list("limit=1000&offset=" + QByteArray::number(clients.size()));
    QCOMPARE(idsOf(next).first(), QStringLiteral("big%1").arg(clients.size()));
}

void TestClients::badParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("part");
    QTest::newRow("limit 0") << QByteArray("limit=0") << "limit";
    QTest::newRow("limit too large") << QByteArray("limit=1001") << "limit";
    QTest::newRow("limit not a number") << QByteArray("limit=ten") << "limit";
    QTest::newRow("limit negative") << QByteArray("limit=-5") << "limit";
    QTest::newRow("offset negative") << QByteArray("offset=-1") << "offset";
    QTest::newRow("offset huge") << QByteArray("offset=99999999999999999999") << "offset";
    QTest::newRow("state") << QByteArray("state=sleeping") << "state";
    QTest::newRow("search too long") << "search=" + QByteArray(300, 'a') << "search";
    QTest::newRow("search not UTF-8") << QByteArray("search=%FF%FEab") << "UTF-8";
}

void TestClients::badParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, part);
    if (!m_engine)
        start();
    const HttpResponse r = request(port(), "GET", "/clients?" + query);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QVERIFY2(r.json().value(QLatin1String("error")).toString().contains(part), r.body);
    QCOMPARE(request(port(), "POST", "/clients", "{}").status, 405);
}

void TestClients::manyClients()
{
    // A hub of 100,000 clients answers a page without sorting them all.
    Engine::Config config = baseConfig();
    config.lifecycle.maxClients = 200000;
    start(config);
    Hub *hub = m_engine->hub();
    const QList<TopicFilter> filters {TopicFilter::parse("t/a")};
    for (int i = 0; i < 100000; ++i)
        QVERIFY(hub->subscribe(QStringLiteral("c%1").arg(i), filters, 0).ok());
    QElapsedTimer timer;
    timer.start();
    const QJsonObject page = list("limit=1000&offset=50000");
    QVERIFY(!page.isEmpty());
    QCOMPARE(page.value(QLatin1String("known")).toInt(), 100000);
    QCOMPARE(idsOf(page).size(), 1000);
    QCOMPARE(idsOf(page).first(), QStringLiteral("c50000"));
    const QJsonObject searched = list("search=c9999");
    QCOMPARE(searched.value(QLatin1String("matching")).toInt(), 11); // c9999, c99990..c99999
    qInfo() << "two pages of 100,000 clients in" << timer.elapsed() << "ms";
    QVERIFY(timer.elapsed() < 5000);
}

void TestClients::pageJsonRoundTripAndHostileAnswers()
{
    // What a console attached over HTTP reads back is what the engine wrote.
    start();
    subscribe(QStringLiteral("r1"), {"a/#", "b"});
    QVERIFY(m_engine->hub()->acknowledge(QStringLiteral("r1"), 12).ok());
    const ClientPage page = m_engine->listClients(ClientQuery());
    ClientPage back;
    QVERIFY(ClientPage::fromJson(page.toJson(), &back));
    QCOMPARE(back.known, 1);
    QCOMPARE(back.clients.size(), 1);
    const ClientInfo &c = back.clients.first();
    QCOMPARE(c.id, QStringLiteral("r1"));
    QVERIFY(c.stored && c.hasAck);
    QCOMPARE(c.acked, QByteArray("12"));
    QCOMPARE(c.subscriptions.size(), 2);
    QCOMPARE(c.subscriptions.at(1).filter, QByteArray("b"));
    QCOMPARE(c.subscriptions.at(1).state, QStringLiteral("active"));
    QCOMPARE(c.subscriptions.at(1).createdAt, page.clients.first().subscriptions.at(1).createdAt);
    QCOMPARE(back.nextOffset, -1);

    // Not a page: refused, never half read.
    ClientPage hostile;
    QVERIFY(!ClientPage::fromJson(QJsonObject(), &hostile));
    QVERIFY(!ClientPage::fromJson(QJsonDocument::fromJson(R"({"known":1,"matching":1,
        "clients":[{"client_id":""}]})")
                                      .object(),
                                  &hostile));
    QVERIFY(!ClientPage::fromJson(QJsonDocument::fromJson(R"({"known":1,"matching":1,
        "clients":[{"client_id":"x","subscriptions":[{"state":"active"}]}]})")
                                      .object(),
                                  &hostile));
    // Values out of range are bounded.
    QVERIFY(ClientPage::fromJson(QJsonDocument::fromJson(R"({"known":-5,"matching":1e300,
        "clients":[{"client_id":"x","streams":-3,"last_seen":-1}]})")
                                     .object(),
                                 &hostile));
    QCOMPARE(hostile.known, 0);
    QCOMPARE(hostile.clients.first().streams, 0);
    QCOMPARE(hostile.clients.first().lastSeenMs, 0);
}

QTEST_GUILESS_MAIN(TestClients)
#include "tst_clients.moc"
