// Authentication and topic ACLs over real sockets: tokens in the header, the cookie and the
// query; forged, alg-none, expired and not-yet-valid tokens; allowed and denied filters on
// connect, on subscribe and on publish; client-scoped and admin routes; auth-expired on a live
// stream and the resume after it; the anonymous role; start-up checks. Every refusal checks the
// exact status and that nothing was delivered where it must not be.
#include "engine/engine.h"
#include "http/httpfront.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "test-secret-test-secret-test-secret-0123";

const QByteArray AclJson = R"({
    "anonymous": null,
    "roles": {
        "sensor": {"subscribe": ["sensor/+/data", "user/%c/#"], "publish": ["sensor/%c/data"],
                   "deny": ["control/#"]},
        "viewer": {"subscribe": ["public/#"]},
        "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}
    },
    "clients": {"ops": ["admin"]}
})";

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

// A token that expires at expSeconds (0: in an hour; tokens without exp are refused unless
// --allow-tokens-without-exp).
QByteArray tokenFor(const QString &sub, const QStringList &roles, qint64 expSeconds = 0,
                    const QByteArray &secret = Secret, const QByteArray &alg = "HS256")
{
    QJsonObject claims {
        {QStringLiteral("sub"), sub},
        {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
        {QStringLiteral("exp"), double(expSeconds ? expSeconds : nowSeconds() + 3600)}};
    return makeToken(claims, secret, alg);
}

QList<QPair<QByteArray, QByteArray>> bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

QByteArray publishBody(const QByteArray &topic, int n)
{
    return "{\"topic\":\"" + topic + "\",\"payload\":" + QByteArray::number(n) + "}";
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { start(); }
    void cleanup() { m_engine.reset(); }

    void streamCredentials_data();
    void streamCredentials();
    void tokenSources();
    void streamFilters_data();
    void streamFilters();
    void publishing_data();
    void publishing();
    void subscriptionApi();
    void adminRoutes();
    void historyRoute();
    void tokenExpiresOnALiveStream();
    void anonymousRole();
    void startupChecks();
    void connectionLimits();
    void aclReload();
    void publishRateLimit();
    void topicLengthAndCounters();
    // Access control that holds over time.
    void reloadRemovesEverySubscriptionNoLongerAllowed();
    void restartDropsStoredSubscriptionsNoLongerAllowed();
    void laterTokenWithoutTheGrant();
    void grantBoundToTokenLifetime();
    void secretChangeEndsStreams();
    void tokensWithoutExpiry();
    void clientIdDenyFailsClosed();
    void unsafeClientIdInToken();

private:
    void start(const QByteArray &acl = AclJson, qint64 leewayMs = 0);
    // An engine on a free port, nothing stored on disk.
    static Engine::Config baseConfig()
    {
        Engine::Config config;
        config.port = 0;
        config.dataDir.clear();
        return config;
    }
    void startWith(const Engine::Config &config);
    quint16 port() const { return m_engine->port(); }

    void writeAcl(const QByteArray &json);
    QList<LogEntry> aclRemovals() const;
    int publishAsAdmin(const QByteArray &topic);

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;
};

void TestSecurity::writeAcl(const QByteArray &json)
{
    QFile file(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(json);
}

// Subscriptions the hub removed because the access rules no longer allow them.
QList<LogEntry> TestSecurity::aclRemovals() const
{
    QList<LogEntry> removed;
    for (const LogEntry &e : m_engine->log()->entries()) {
        if (e.kind == LogEntry::Kind::Unsubscribe && e.reason == QLatin1String("acl"))
            removed.append(e);
    }
    return removed;
}

int TestSecurity::publishAsAdmin(const QByteArray &topic)
{
    const HttpResponse r = request(port(), "POST", "/publish", publishBody(topic, 1),
                                   "application/json", bearer(tokenFor(QStringLiteral("ops"), {})));
    return r.status == 200 ? r.json().value(QLatin1String("delivered")).toInt() : -r.status;
}

void TestSecurity::initTestCase()
{
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret + "\n"); // as `echo` writes it: the newline is not part of the secret
}

void TestSecurity::start(const QByteArray &acl, qint64 leewayMs)
{
    m_engine.reset();
    QFile file(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(acl);
    file.close();
    Engine::Config config = baseConfig();
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    config.aclFile = file.fileName();
    config.jwtLeewayMs = leewayMs;
    config.heartbeatMs = 400; // the expiry check runs with the heartbeat tick (100 ms here)
    startWith(config);
}

void TestSecurity::startWith(const Engine::Config &config)
{
    m_engine.reset();
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
}

void TestSecurity::streamCredentials_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorPart");
    const qint64 now = nowSeconds();
    QTest::newRow("none") << QByteArray() << 401 << "authentication required";
    QTest::newRow("valid") << tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")},
                                       now + 60)
                           << 200 << QString();
    QTest::newRow("forged") << tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}, 0,
                                        "another-secret-another-secret-another")
                            << 401 << "signature";
    const QByteArray valid = tokenFor(QStringLiteral("dev-1"), {QStringLiteral("admin")});
    QTest::newRow("alg none") << base64Url(R"({"alg":"none","typ":"JWT"})") + '.'
            + valid.split('.').at(1)
            + '.' << 401 << "algorithm";
    QTest::newRow("HS512 claimed")
        << tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}, 0, Secret, "HS512") << 401
        << "algorithm";
    QTest::newRow("expired") << tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")},
                                         now - 5)
                             << 401 << "expired";
    QJsonObject early {{QStringLiteral("sub"), QStringLiteral("dev-1")},
                       {QStringLiteral("roles"), QJsonArray {QStringLiteral("sensor")}},
                       {QStringLiteral("nbf"), double(now + 600)},
                       {QStringLiteral("exp"), double(now + 3600)}};
    QTest::newRow("not yet valid") << makeToken(early, Secret) << 401 << "not valid yet";
    QTest::newRow("garbage") << QByteArray("not.a.token") << 401 << "malformed";
    QTest::newRow("wrong role") << tokenFor(QStringLiteral("dev-1"), {QStringLiteral("viewer")})
                                << 403 << "sensor/+/data";
}

void TestSecurity::streamCredentials()
{
    QFETCH(QByteArray, token);
    QFETCH(int, status);
    QFETCH(QString, errorPart);
    SseClient client;
    client.open(port(), "/events?topic=sensor/%2B/data",
                token.isEmpty() ? QList<QPair<QByteArray, QByteArray>>() : bearer(token));
    QTRY_VERIFY(client.status() != 0);
    QCOMPARE(client.status(), status);
    if (status == 200) {
        QTRY_VERIFY(client.hasSession());
        QCOMPARE(client.session().value(QLatin1String("client_id")).toString(),
                 QStringLiteral("dev-1")); // the token's sub
        return;
    }
    if (status == 401)
        QCOMPARE(client.header("www-authenticate"), QByteArray("Bearer"));
    QTRY_VERIFY(client.raw().contains("error"));
    QVERIFY2(client.raw().contains(errorPart.toUtf8()), client.raw().constData());
    // Refused requests never became streams; an event published now reaches nobody.
    QCOMPARE(m_engine->hub()->streamCount(), 0);
    const HttpResponse r = request(port(), "POST", "/publish", publishBody("sensor/1/data", 1),
                                   "application/json", bearer(tokenFor(QStringLiteral("ops"), {})));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("delivered")).toInt(), 0);
}

void TestSecurity::tokenSources()
{
    const QByteArray token = tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")});
    SseClient byCookie, byQuery, byHeader;
    byCookie.open(port(), "/events?topic=sensor/1/data",
                  {{"Cookie", "a=b; ssehub_token=" + token}});
    byQuery.open(port(), "/events?topic=sensor/1/data&access_token=" + token);
    byHeader.open(port(), "/events?topic=sensor/1/data", bearer(token));
    QTRY_COMPARE(m_engine->hub()->streamCount(), 3);
    QCOMPARE(request(port(), "POST", "/publish", publishBody("sensor/dev-1/data", 7),
                     "application/json", bearer(token))
                 .status,
             200);
    QCOMPARE(publish(port(), "sensor/1/data", "1").status, 401); // no token
    // A token for another role, in the cookie, does not open what the role may not see.
    SseClient wrongCookie;
    wrongCookie.open(
        port(), "/events?topic=sensor/1/data",
        {{"Cookie", "ssehub_token=" + tokenFor(QStringLiteral("v"), {QStringLiteral("viewer")})}});
    QTRY_COMPARE(wrongCookie.status(), 403);
    // The header wins over the query and the cookie.
    SseClient headerWins;
    headerWins.open(port(), "/events?topic=sensor/1/data&access_token=" + token,
                    bearer("forged.token.here"));
    QTRY_COMPARE(headerWins.status(), 401);
}

void TestSecurity::streamFilters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("exact allowed") << QByteArray("topic=sensor/7/data") << 200 << QString();
    QTest::newRow("own inbox via %c") << QByteArray("topic=user/dev-1/%23") << 200 << QString();
    QTest::newRow("other inbox") << QByteArray("topic=user/dev-2/%23") << 403 << "user/dev-2/#";
    QTest::newRow("wider than allowed") << QByteArray("topic=sensor/%23") << 403 << "sensor/#";
    QTest::newRow("everything") << QByteArray("topic=%23") << 403 << "'#'";
    QTest::newRow("denied") << QByteArray("topic=control/x") << 403 << "control/#";
    QTest::newRow("one of two denied")
        << QByteArray("topic=sensor/1/data&topic=control/%2B") << 403 << "control/+";
    QTest::newRow("other client") << QByteArray("topic=sensor/1/data&client_id=dev-2") << 403
                                  << "does not match";
}

void TestSecurity::streamFilters()
{
    QFETCH(QByteArray, query);
    QFETCH(int, status);
    QFETCH(QString, errorPart);
    SseClient client;
    client.open(port(), "/events?" + query,
                bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")})));
    QTRY_VERIFY(client.status() != 0);
    QCOMPARE(client.status(), status);
    if (status != 200) {
        QTRY_VERIFY2(client.raw().contains(errorPart.toUtf8()), client.raw().constData());
        QCOMPARE(m_engine->hub()->streamCount(), 0);
    }
}

void TestSecurity::publishing_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("topic");
    QTest::addColumn<int>("status");
    const QByteArray sensor = tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")});
    QTest::newRow("own topic") << sensor << QByteArray("sensor/dev-1/data") << 200;
    QTest::newRow("another device's") << sensor << QByteArray("sensor/dev-2/data") << 403;
    QTest::newRow("denied") << sensor << QByteArray("control/reboot") << 403;
    QTest::newRow("viewer") << tokenFor(QStringLiteral("v"), {QStringLiteral("viewer")})
                            << QByteArray("public/news") << 403;
    QTest::newRow("admin via clients")
        << tokenFor(QStringLiteral("ops"), {}) << QByteArray("control/reboot") << 200;
    QTest::newRow("no token") << QByteArray() << QByteArray("sensor/dev-1/data") << 401;
}

void TestSecurity::publishing()
{
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, topic);
    QFETCH(int, status);
    // An admin watches everything: a refused publish must not reach it.
    SseClient watcher;
    watcher.open(port(), "/events?topic=%23", bearer(tokenFor(QStringLiteral("ops"), {})));
    QTRY_VERIFY(watcher.hasSession());
    const HttpResponse r
        = request(port(), "POST", "/publish", publishBody(topic, 1), "application/json",
                  token.isEmpty() ? QList<QPair<QByteArray, QByteArray>>() : bearer(token));
    QCOMPARE(r.status, status);
    if (status == 200) {
        QTRY_COMPARE(watcher.events().size(), 1);
        return;
    }
    QVERIFY(r.json().contains(QLatin1String("error")));
    if (status == 403)
        QVERIFY(
            r.json().value(QLatin1String("error")).toString().contains(QString::fromUtf8(topic)));
    // A later publish that is allowed arrives first: the refused one never went out.
    QCOMPARE(request(port(), "POST", "/publish", publishBody("after", 2), "application/json",
                     bearer(tokenFor(QStringLiteral("ops"), {})))
                 .status,
             200);
    QTRY_COMPARE(watcher.events().size(), 1);
    QCOMPARE(watcher.events().at(0).json().value(QLatin1String("topic")).toString(),
             QStringLiteral("after"));
}

void TestSecurity::subscriptionApi()
{
    const auto sensor = bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}));
    const auto admin = bearer(tokenFor(QStringLiteral("ops"), {}));
    auto call = [&](const QByteArray &method, const QByteArray &path, const QByteArray &body,
                    const QList<QPair<QByteArray, QByteArray>> &headers) {
        return request(port(), method, path, body, "application/json", headers).status;
    };
    QCOMPARE(call("POST", "/subscribe", R"({"client_id":"dev-1","topics":["user/dev-1/inbox"]})",
                  sensor),
             200);
    QCOMPARE(call("POST", "/subscribe", R"({"client_id":"dev-1","topics":["sensor/#"]})", sensor),
             403);
    QCOMPARE(
        call("POST", "/subscribe", R"({"client_id":"dev-2","topics":["sensor/1/data"]})", sensor),
        403); // another client
    QCOMPARE(call("POST", "/subscribe", R"({"client_id":"dev-1","topics":["a"]})", {}), 401);
    QCOMPARE(call("GET", "/subscriptions/dev-1", {}, sensor), 200);
    QCOMPARE(call("GET", "/subscriptions/dev-2", {}, sensor), 403);
    QCOMPARE(call("GET", "/subscriptions/dev-1", {}, admin), 200); // admins may
    QCOMPARE(call("PATCH", "/subscriptions/dev-1", R"({"state":"paused"})", sensor), 200);
    QCOMPARE(call("POST", "/ack", R"({"client_id":"dev-2","last_event_id":"1"})", sensor), 403);
    QCOMPARE(call("DELETE", "/unsubscribe",
                  R"({"client_id":"dev-1","topics":["user/dev-1/inbox"]})", sensor),
             200);
    // Nothing of the refused ones was stored.
    const HttpResponse list
        = request(port(), "GET", "/subscriptions/dev-1", {}, "application/json", sensor);
    QCOMPARE(list.json().value(QLatin1String("subscriptions")).toArray().size(), 0);
    QVERIFY(!m_engine->hub()->client(QStringLiteral("dev-2")));
}

void TestSecurity::adminRoutes()
{
    const auto sensor = bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}));
    const auto admin = bearer(tokenFor(QStringLiteral("ops"), {}));
    SseClient stream;
    stream.open(port(), "/events?topic=sensor/1/data", sensor);
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    for (const QByteArray &path :
         {QByteArray("/connections"), QByteArray("/nodes"), QByteArray("/log"),
          QByteArray("/metrics"), QByteArray("/stats")}) {
        QCOMPARE(request(port(), "GET", path, {}, {}, {}).status, 401);
        QCOMPARE(request(port(), "GET", path, {}, {}, sensor).status, 403);
        QCOMPARE(request(port(), "GET", path, {}, {}, admin).status, 200);
    }
    const HttpResponse list = request(port(), "GET", "/connections", {}, {}, admin);
    const QByteArray id = list.json()
                              .value(QLatin1String("connections"))
                              .toArray()
                              .at(0)
                              .toObject()
                              .value(QLatin1String("id"))
                              .toString()
                              .toUtf8();
    QCOMPARE(request(port(), "DELETE", "/connections/" + id, {}, {}, sensor).status, 403);
    QCOMPARE(m_engine->hub()->streamCount(), 1);
    QCOMPARE(request(port(), "DELETE", "/connections/" + id, {}, {}, admin).status, 200);
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
    // The demo page and the health checks (for load balancers) stay public.
    QCOMPARE(request(port(), "GET", "/", {}, {}, {}).status, 200);
    QCOMPARE(request(port(), "GET", "/healthz", {}, {}, {}).status, 200);
    QCOMPARE(request(port(), "GET", "/readyz", {}, {}, {}).status, 200);
    // Every refusal above is in the connection log, with who and why.
    const HttpResponse log = request(port(), "GET", "/log?kind=auth-failure", {}, {}, admin);
    QCOMPARE(log.status, 200);
    // 5 x 401, 5 x 403, 1 x 403 on the kick: repeats of one source and reason are one entry
    // with a count.
    int refusals = 0;
    for (const QByteArray &line : log.body.split('\n')) {
        if (!line.isEmpty())
            refusals
                += QJsonDocument::fromJson(line).object().value(QLatin1String("count")).toInt();
    }
    QCOMPARE(refusals, 11);
    QVERIFY(log.body.count('\n') < 11);
    QVERIFY(log.body.contains("\"client_id\":\"dev-1\""));
    QVERIFY(log.body.contains("403 this route needs the admin role"));
}

// GET /history: allowed as subscribing is (admins read everything), paged with the cursor of the
// answer both ways, the limit bounded, and 400 for what is not a query.
void TestSecurity::historyRoute()
{
    const auto sensor = bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}));
    const auto viewer = bearer(tokenFor(QStringLiteral("v-1"), {QStringLiteral("viewer")}));
    const auto admin = bearer(tokenFor(QStringLiteral("ops"), {}));
    for (int n = 0; n < 30; ++n) {
        const QByteArray topic = n % 2 ? "sensor/1/data" : "control/x";
        QCOMPARE(
            request(port(), "POST", "/publish", publishBody(topic, n), "application/json", admin)
                .status,
            200);
    }
    auto history
        = [this](const QByteArray &query, const QList<QPair<QByteArray, QByteArray>> &who) {
              return request(port(), "GET", "/history?" + query, {}, {}, who);
          };
    auto payloads = [](const HttpResponse &r) {
        QList<int> out;
        for (const QJsonValue &e : r.json().value(QLatin1String("events")).toArray())
            out << e.toObject().value(QLatin1String("payload")).toInt();
        return out;
    };

    // Who may read what: the ACL of subscribing.
    QCOMPARE(history("topic=sensor/%2B/data", {}).status, 401);
    const HttpResponse denied = history("topic=sensor/%2B/data", viewer);
    QCOMPARE(denied.status, 403);
    QVERIFY(!denied.json().value(QLatin1String("error")).toString().isEmpty());
    QCOMPARE(history("topic=%23", sensor).status, 403);
    QCOMPARE(history("topic=control/%23", sensor).status, 403); // denied explicitly
    const HttpResponse own = history("topic=sensor/%2B/data&limit=100", sensor);
    QCOMPARE(own.status, 200);
    QCOMPARE(payloads(own).size(), 15);
    QVERIFY(!payloads(own).contains(0)); // nothing of control/x
    QVERIFY(own.json().value(QLatin1String("next")).isNull());

    // An admin pages through everything, forwards and backwards, with the answers' cursors.
    QList<int> forwards;
    QByteArray query = "topic=%23&limit=7";
    for (int page = 0; page < 10; ++page) {
        const HttpResponse r = history(query, admin);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QLatin1String("count")).toInt() <= 7);
        forwards += payloads(r);
        const QJsonValue next = r.json().value(QLatin1String("next"));
        if (next.isNull())
            break;
        query = "topic=%23&limit=7&after=" + next.toString().toLatin1();
    }
    QList<int> expected;
    for (int n = 0; n < 30; ++n)
        expected << n;
    QCOMPARE(forwards, expected);
    QList<int> backwards;
    query = "topic=%23&limit=8&order=desc";
    for (int page = 0; page < 10; ++page) {
        const HttpResponse r = history(query, admin);
        QCOMPARE(r.status, 200);
        backwards += payloads(r);
        const QJsonValue next = r.json().value(QLatin1String("next"));
        if (next.isNull())
            break;
        query = "topic=%23&limit=8&order=desc&before=" + next.toString().toLatin1();
    }
    std::reverse(expected.begin(), expected.end());
    QCOMPARE(backwards, expected);

    // What the history holds, in the answer and in /stats.
    const HttpResponse first = history("topic=%23&limit=1", admin);
    const QJsonObject retained = first.json().value(QLatin1String("retained")).toObject();
    const QString oldest = first.json()
                               .value(QLatin1String("events"))
                               .toArray()
                               .at(0)
                               .toObject()
                               .value(QLatin1String("id"))
                               .toString();
    QCOMPARE(retained.value(QLatin1String("oldest_id")).toString(), oldest);
    QCOMPARE(retained.value(QLatin1String("events")).toInt(), 30);
    QVERIFY(retained.value(QLatin1String("max_events")).toInt() >= 30);
    QVERIFY(retained.value(QLatin1String("max_bytes")).toDouble()
            >= retained.value(QLatin1String("bytes")).toDouble());
    QCOMPARE(first.json().value(QLatin1String("source")).toString(), QStringLiteral("embedded"));
    const QJsonObject stats = request(port(), "GET", "/stats", {}, {}, admin).json();
    QCOMPARE(stats.value(QLatin1String("history_oldest_id")).toString(), oldest);
    QVERIFY(stats.value(QLatin1String("history_capacity")).toInt() >= 30);
    QVERIFY(stats.value(QLatin1String("history_max_bytes")).toDouble() > 0);

    // Time bounds: nothing published before the epoch's first second, everything before now.
    QCOMPARE(payloads(history("topic=%23&until=1000", admin)).size(), 0);
    QCOMPARE(payloads(history("topic=%23&since=1000&limit=1000", admin)).size(), 30);

    // Bounds and bad parameters: 400 with a JSON error, whoever asks.
    QCOMPARE(history("topic=%23&limit=1000", admin).status, 200);
    for (const QByteArray &bad :
         {QByteArray("topic=%23&limit=1001"), QByteArray("topic=%23&limit=0"),
          QByteArray("topic=%23&limit=many"), QByteArray("topic=%23&after=abc"),
          QByteArray("topic=%23&before=-1"), QByteArray("topic=%23&order=sideways"),
          QByteArray("topic=a/%23/b"), QByteArray("limit=5"), QByteArray("topic=%23&until=soon"),
          QByteArray("topic=%23&colour=red")}) {
        const HttpResponse r = history(bad, admin);
        QVERIFY2(r.status == 400, bad.constData());
        QVERIFY2(!r.json().value(QLatin1String("error")).toString().isEmpty(), bad.constData());
    }
    QCOMPARE(request(port(), "POST", "/history?topic=%23", "{}", "application/json", admin).status,
             405);
}

void TestSecurity::tokenExpiresOnALiveStream()
{
    const qint64 exp = nowSeconds() + 2;
    SseClient client;
    client.open(port(), "/events?topic=sensor/%2B/data",
                bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}, exp)));
    QTRY_VERIFY(client.hasSession());
    const auto admin = bearer(tokenFor(QStringLiteral("ops"), {}));
    auto post = [&](int n) {
        return request(port(), "POST", "/publish", publishBody("sensor/1/data", n),
                       "application/json", admin)
            .json()
            .value(QLatin1String("id"))
            .toString()
            .toUtf8();
    };
    const QByteArray first = post(1);
    QTRY_COMPARE(client.events().size(), 1);
    // At exp the stream says so and ends.
    QTRY_VERIFY_WITH_TIMEOUT(!client.isConnected(), 5000);
    QVERIFY(QDateTime::currentSecsSinceEpoch() >= exp);
    QCOMPARE(client.events().size(), 2);
    QCOMPARE(client.events().at(1).type, QByteArray("auth-expired"));
    QCOMPARE(client.lastEventId(), first);
    // Published while it was away; the reconnect with a fresh token resumes without loss.
    const QByteArray missed = post(2);
    SseClient again;
    again.open(
        port(), "/events?topic=sensor/%2B/data",
        {{"Authorization",
          "Bearer "
              + tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}, nowSeconds() + 60)},
         {"Last-Event-ID", client.lastEventId()}});
    QTRY_COMPARE(again.events().size(), 1);
    QCOMPARE(again.events().at(0).id, missed);
}

void TestSecurity::anonymousRole()
{
    start(QByteArray(AclJson).replace(R"("anonymous": null)", R"("anonymous": "viewer")"));
    SseClient allowed, refused, named;
    allowed.open(port(), "/events?topic=public/%23");
    refused.open(port(), "/events?topic=sensor/1/data");
    named.open(port(), "/events?topic=public/x&client_id=dev-1"); // cannot claim an identity
    QTRY_COMPARE(allowed.status(), 200);
    QTRY_COMPARE(refused.status(), 403);
    QTRY_COMPARE(named.status(), 403);
    QCOMPARE(publish(port(), "public/x", "1").status, 403); // viewers do not publish
    QCOMPARE(request(port(), "GET", "/connections").status, 403);
}

void TestSecurity::startupChecks()
{
    m_engine.reset();
    // Listening beyond loopback without authentication: started, with a warning.
    {
        Engine::Config config = baseConfig();
        config.listenAddress = QHostAddress::AnyIPv4;
        Engine open(config);
        QString error;
        QVERIFY(open.start(&error));
        QVERIFY(open.startProblems()
                    .join(QLatin1Char(' '))
                    .contains(QLatin1String("without authentication")));
    }
    // The same with authentication: no warning.
    {
        Engine::Config config = baseConfig();
        config.listenAddress = QHostAddress::AnyIPv4;
        config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
        Engine guarded(config);
        QString error;
        QVERIFY(guarded.start(&error));
        QVERIFY(guarded.startProblems().isEmpty());
    }
    // A short secret, a missing secret file, a broken ACL: refused at start, naming the file.
    QFile shortSecret(m_dir.filePath(QStringLiteral("short")));
    QVERIFY(shortSecret.open(QIODevice::WriteOnly));
    shortSecret.write("tooshort");
    shortSecret.close();
    QFile badAcl(m_dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(badAcl.open(QIODevice::WriteOnly));
    badAcl.write(R"({"roles": {"r": {"subscribe": ["a/#/b"]}}})");
    badAcl.close();
    const QList<QPair<QString, QString>> cases {
        {QStringLiteral("secret"), shortSecret.fileName()},
        {QStringLiteral("secret"), m_dir.filePath(QStringLiteral("missing"))},
        {QStringLiteral("acl"), badAcl.fileName()}};
    for (const auto &[kind, path] : cases) {
        Engine::Config config = baseConfig();
        if (kind == QLatin1String("secret"))
            config.jwtSecretFile = path;
        else
            config.aclFile = path;
        Engine engine(config);
        QString error;
        QVERIFY2(!engine.start(&error), qPrintable(path));
        QVERIFY2(error.contains(path), qPrintable(error));
    }
}

void TestSecurity::aclReload()
{
    const auto sensor = bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}));
    const auto admin = bearer(tokenFor(QStringLiteral("ops"), {}));
    SseClient stream;
    stream.open(port(), "/events?topic=sensor/%2B/data&topic=user/dev-1/%23", sensor);
    QTRY_VERIFY(stream.hasSession());
    auto post = [&](const QByteArray &topic) {
        return request(port(), "POST", "/publish", publishBody(topic, 1), "application/json", admin)
            .json()
            .value(QLatin1String("delivered"))
            .toInt();
    };
    QCOMPARE(post("sensor/1/data"), 1);
    // Reading it is allowed too, and the second answer comes from what the rules remembered.
    auto history = [&](const QByteArray &filter) {
        return request(port(), "GET", "/history?topic=" + filter, {}, {}, sensor).status;
    };
    QCOMPARE(history("sensor/1/data"), 200);
    QCOMPARE(history("sensor/1/data"), 200);
    const QByteArray metrics = m_engine->metricsText();
    QVERIFY(metrics.contains("ssehub_auth_cache_hits_total{cache=\"decisions\"} "));
    QVERIFY(!metrics.contains("ssehub_auth_cache_hits_total{cache=\"decisions\"} 0\n"));

    // The role loses sensor/+/data.
    auto writeAcl = [&](const QByteArray &json) {
        QFile file(m_dir.filePath(QStringLiteral("acl.json")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(json);
    };
    writeAcl(QByteArray(AclJson).replace(R"("subscribe": ["sensor/+/data", "user/%c/#"])",
                                         R"("subscribe": ["user/%c/#"])"));
    bool ok = false;
    const QString message = m_engine->reloadAccess(&ok);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("1 subscription(s)")), qPrintable(message));
    // The live stream stops receiving it; what is still allowed goes on.
    QCOMPARE(post("sensor/1/data"), 0);
    QCOMPARE(post("user/dev-1/inbox"), 1);
    QTRY_COMPARE(stream.events().size(), 2);
    QVERIFY(stream.isConnected());
    // New requests follow the new rules: nothing remembered under the old ones answers.
    QCOMPARE(history("sensor/1/data"), 403);
    QCOMPARE(history("sensor/1/data"), 403);
    SseClient refused;
    refused.open(port(), "/events?topic=sensor/1/data", sensor);
    QTRY_COMPARE(refused.status(), 403);

    // A broken file: refused, the rules in force stay.
    writeAcl("{ broken");
    const QString failed = m_engine->reloadAccess(&ok);
    QVERIFY(!ok);
    QVERIFY2(failed.contains(QLatin1String("acl.json")) && failed.contains(QLatin1String("stay")),
             qPrintable(failed));
    QCOMPARE(post("user/dev-1/inbox"), 1);
    SseClient stillRefused;
    stillRefused.open(port(), "/events?topic=sensor/1/data", sensor);
    QTRY_COMPARE(stillRefused.status(), 403);
}

void TestSecurity::connectionLimits()
{
    Engine::Config config = baseConfig();
    config.maxConnections = 3;
    config.maxConnectionsPerIp = 0;
    config.maxStreamsPerClient = 1;
    startWith(config);

    SseClient a, b, sameClient, c, over;
    a.open(port(), "/events?topic=t&client_id=k");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    sameClient.open(port(), "/events?topic=t&client_id=k"); // one stream per client here
    QTRY_COMPARE(sameClient.status(), 429);
    QCOMPARE(sameClient.header("retry-after"), QByteArray("5"));
    QTRY_VERIFY(sameClient.raw().contains("--max-streams-per-client"));
    b.open(port(), "/events?topic=t");
    c.open(port(), "/events?topic=t");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 3);
    over.open(port(), "/events?topic=t");
    QTRY_COMPARE(over.status(), 503);
    QTRY_VERIFY(over.raw().contains("server full"));
    QCOMPARE(m_engine->hub()->streamCount(), 3);
    QCOMPARE(m_engine->front()->counters().connectionLimitRejections, 2u);
    // A freed place is available again.
    c.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    SseClient again;
    again.open(port(), "/events?topic=t");
    QTRY_COMPARE(again.status(), 200);
    // Nothing was delivered to the refused ones: a later request on their connections is
    // answered right after the refusal, with no event in between.
    QCOMPARE(publish(port(), "t", "1").json().value(QLatin1String("delivered")).toInt(), 3);
    for (SseClient *refused : {&over, &sameClient}) {
        refused->socket().write("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_COMPARE(refused->raw().count("HTTP/1.1 "), 2);
        QVERIFY2(!refused->raw().contains("data:"), refused->raw().constData());
    }

    // Per address.
    config.maxConnections = 0;
    config.maxConnectionsPerIp = 2;
    startWith(config);
    SseClient p1, p2, p3;
    p1.open(port(), "/events?topic=t");
    p2.open(port(), "/events?topic=t");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    p3.open(port(), "/events?topic=t");
    QTRY_COMPARE(p3.status(), 429);
    QTRY_VERIFY(p3.raw().contains("127.0.0.1"));
}

void TestSecurity::publishRateLimit()
{
    Engine::Config config = baseConfig();
    config.publishRate = 2;
    config.publishBurst = 4;
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    startWith(config);
    const auto one = bearer(tokenFor(QStringLiteral("one"), {}));
    const auto two = bearer(tokenFor(QStringLiteral("two"), {}));
    auto post = [&](const QList<QPair<QByteArray, QByteArray>> &who) {
        return request(port(), "POST", "/publish", publishBody("t", 1), "application/json", who);
    };
    for (int i = 0; i < 4; ++i)
        QCOMPARE(post(one).status, 200); // the burst
    const HttpResponse limited = post(one);
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.header("retry-after").toInt() >= 1);
    QVERIFY(limited.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("--publish-rate")));
    QCOMPARE(post(two).status, 200); // buckets are per client
    QCOMPARE(m_engine->front()->counters().rateLimitRejections, 1u);
    // Tokens come back at the rate (2/s). (Not QTRY: it evaluates its expression once more at
    // the end, which would publish once more.)
    QElapsedTimer waited;
    waited.start();
    QVERIFY(QTest::qWaitFor([&] { return post(one).status == 200; }, 3000));
    QVERIFY(waited.elapsed() >= 300); // not at once: about 0.5 s for one token at 2/s
}

void TestSecurity::topicLengthAndCounters()
{
    Engine::Config config = baseConfig();
    config.maxTopicBytes = 8;
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    startWith(config);
    const auto who = bearer(tokenFor(QStringLiteral("x"), {}));
    QCOMPARE(
        request(port(), "POST", "/publish", publishBody("12345678", 1), "application/json", who)
            .status,
        200);
    const HttpResponse longTopic
        = request(port(), "POST", "/publish", publishBody("123456789", 1), "application/json", who);
    QCOMPARE(longTopic.status, 400);
    QVERIFY(longTopic.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("--max-topic-length")));
    SseClient longFilter;
    longFilter.open(port(), "/events?topic=a/b/c/d/e", who);
    QTRY_COMPARE(longFilter.status(), 400);
    // Refusals are counted in the stats the console and /stats show.
    QCOMPARE(publish(port(), "t", "1").status, 401);
    QCOMPARE(m_engine->stats().authFailures, 1u);
}

// The client's standing (its `clients` roles) loses sensor/+/data: a reload removes every
// subscription of it, live or offline, active, paused or expired, and logs each as "acl"; what
// was paused or expired cannot be resumed or renewed afterwards.
void TestSecurity::reloadRemovesEverySubscriptionNoLongerAllowed()
{
    const QByteArray acl = QByteArray(AclJson).replace(
        R"("clients": {"ops": ["admin"]})",
        R"("clients": {"ops": ["admin"], "dev-8": ["sensor"], "dev-9": ["sensor"]})");
    start(acl);
    const auto dev9 = bearer(tokenFor(QStringLiteral("dev-9"), {}));
    const auto dev8 = bearer(tokenFor(QStringLiteral("dev-8"), {}));
    auto call = [&](const QByteArray &method, const QByteArray &path, const QByteArray &body,
                    const QList<QPair<QByteArray, QByteArray>> &who) {
        return request(port(), method, path, body, "application/json", who);
    };
    // dev-9: a live stream (its inbox and sensor/1/data), sensor/2/data paused, sensor/3/data
    // expired. dev-8: offline, sensor/1/data active.
    SseClient stream;
    stream.open(port(), "/events?topic=user/dev-9/%23&topic=sensor/1/data", dev9);
    QTRY_VERIFY(stream.hasSession());
    QCOMPARE(call("POST", "/subscribe",
                  R"({"client_id":"dev-9","topics":["sensor/2/data","sensor/3/data"]})", dev9)
                 .status,
             200);
    QCOMPARE(call("PATCH", "/subscriptions/dev-9",
                  R"({"topics":["sensor/2/data"],"state":"paused"})", dev9)
                 .status,
             200);
    const QByteArray soon = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 100);
    QCOMPARE(call("PATCH", "/subscriptions/dev-9",
                  R"({"topics":["sensor/3/data"],"expires_at":)" + soon + "}", dev9)
                 .status,
             200);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->hub()
                                  ->client(QStringLiteral("dev-9"))
                                  ->subscriptions.value("sensor/3/data")
                                  .state,
                              Subscription::State::Expired, 5000);
    QCOMPARE(call("POST", "/subscribe", R"({"client_id":"dev-8","topics":["sensor/1/data"]})", dev8)
                 .status,
             200);
    QCOMPARE(publishAsAdmin("sensor/1/data"), 1);

    writeAcl(QByteArray(acl).replace(R"("subscribe": ["sensor/+/data", "user/%c/#"])",
                                     R"("subscribe": ["user/%c/#"])"));
    bool ok = false;
    const QString message = m_engine->reloadAccess(&ok);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("4 subscription(s)")), qPrintable(message));
    const QList<LogEntry> removals = aclRemovals();
    QCOMPARE(removals.size(), 4);
    const QStringList gone {QStringLiteral("dev-9 sensor/1/data (active)"),
                            QStringLiteral("dev-9 sensor/2/data (paused)"),
                            QStringLiteral("dev-9 sensor/3/data (expired)"),
                            QStringLiteral("dev-8 sensor/1/data (active)")};
    for (const QString &what : gone) {
        const QString client = what.section(QLatin1Char(' '), 0, 0);
        const QString detail = what.section(QLatin1Char(' '), 1);
        QVERIFY2(std::any_of(removals.cbegin(), removals.cend(),
                             [&](const LogEntry &e) {
                                 return e.clientId == client && e.detail.startsWith(detail);
                             }),
                 qPrintable(what));
    }
    const HttpResponse list = call("GET", "/subscriptions/dev-9?all=1", {}, dev9);
    QCOMPARE(list.json().value(QLatin1String("subscriptions")).toArray().size(), 1); // the inbox
    QCOMPARE(call("GET", "/subscriptions/dev-8?all=1", {}, dev8)
                 .json()
                 .value(QLatin1String("subscriptions"))
                 .toArray()
                 .size(),
             0);
    // Neither the paused one can be resumed nor the expired one renewed: they are gone.
    QCOMPARE(call("PATCH", "/subscriptions/dev-9",
                  R"({"topics":["sensor/2/data"],"state":"active"})", dev9)
                 .status,
             404);
    QCOMPARE(call("PATCH", "/subscriptions/dev-9",
                  R"({"topics":["sensor/3/data"],"expires_at":null})", dev9)
                 .status,
             404);
    QCOMPARE(publishAsAdmin("sensor/1/data"), 0);
    QCOMPARE(publishAsAdmin("sensor/2/data"), 0);
    QCOMPARE(publishAsAdmin("sensor/3/data"), 0);
    QCOMPARE(publishAsAdmin("user/dev-9/x"), 1); // what is still allowed goes on
    QTRY_COMPARE(stream.messages().size(), 2);
    QCOMPARE(stream.messages().at(1).data.contains("user/dev-9/x"), true);
    QVERIFY(stream.isConnected());
}

// Stored under rules that allowed it, loaded under rules that do not: removed at start, logged.
void TestSecurity::restartDropsStoredSubscriptionsNoLongerAllowed()
{
    const QByteArray acl
        = QByteArray(AclJson).replace(R"("clients": {"ops": ["admin"]})",
                                      R"("clients": {"ops": ["admin"], "dev-9": ["sensor"]})");
    writeAcl(acl);
    Engine::Config config = baseConfig();
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    config.aclFile = m_dir.filePath(QStringLiteral("acl.json"));
    config.dataDir = m_dir.filePath(QStringLiteral("data-restart"));
    QVERIFY(QDir().mkpath(config.dataDir));
    startWith(config);
    const auto dev9 = bearer(tokenFor(QStringLiteral("dev-9"), {}));
    QCOMPARE(request(port(), "POST", "/subscribe",
                     R"({"client_id":"dev-9","topics":["sensor/1/data","user/dev-9/inbox"]})",
                     "application/json", dev9)
                 .status,
             200);
    m_engine.reset(); // saves

    writeAcl(QByteArray(acl).replace(R"("subscribe": ["sensor/+/data", "user/%c/#"])",
                                     R"("subscribe": ["user/%c/#"])"));
    startWith(config);
    QCOMPARE(aclRemovals().size(), 1);
    QVERIFY(aclRemovals().at(0).detail.startsWith(QLatin1String("sensor/1/data")));
    const HttpResponse list
        = request(port(), "GET", "/subscriptions/dev-9", {}, "application/json", dev9);
    const QJsonArray subscriptions = list.json().value(QLatin1String("subscriptions")).toArray();
    QCOMPARE(subscriptions.size(), 1);
    QCOMPARE(subscriptions.at(0).toObject().value(QLatin1String("filter")).toString(),
             QStringLiteral("user/dev-9/inbox"));
    // A stream on the stored subscriptions gets only what is allowed.
    SseClient stream;
    stream.open(port(), "/events", dev9);
    QTRY_VERIFY(stream.hasSession());
    QCOMPARE(publishAsAdmin("sensor/1/data"), 0);
    QCOMPARE(publishAsAdmin("user/dev-9/inbox"), 1);
    // The removal was written back: a second restart finds nothing to remove.
    m_engine.reset();
    startWith(config);
    QCOMPARE(aclRemovals().size(), 0);
}

// A subscription stored through one token's grant does not deliver to a stream opened with a
// later token of the same client that lacks it (a `roles` claim, then a `subscribe` claim).
void TestSecurity::laterTokenWithoutTheGrant()
{
    {
        SseClient first;
        first.open(port(), "/events?topic=sensor/1/data",
                   bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")})));
        QTRY_VERIFY(first.hasSession());
        QCOMPARE(publishAsAdmin("sensor/1/data"), 1);
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
    QVERIFY(m_engine->hub()->hasStoredSubscriptions(QStringLiteral("dev-1")));
    SseClient later;
    later.open(port(), "/events?topic=public/x",
               bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("viewer")})));
    QTRY_VERIFY(later.hasSession());
    QCOMPARE(later.session().value(QLatin1String("topics")).toArray(),
             QJsonArray {QStringLiteral("public/x")});
    QCOMPARE(publishAsAdmin("sensor/1/data"), 0);
    QCOMPARE(publishAsAdmin("public/x"), 1);
    QTRY_COMPARE(later.messages().size(), 1);
    QCOMPARE(aclRemovals().size(), 1);
    QCOMPARE(aclRemovals().at(0).clientId, QStringLiteral("dev-1"));
    later.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);

    // The same with a token's own `subscribe` grant.
    auto grantToken = [](const QJsonArray &subscribe) {
        return bearer(makeToken({{QStringLiteral("sub"), QStringLiteral("dev-2")},
                                 {QStringLiteral("roles"), QJsonArray {QStringLiteral("viewer")}},
                                 {QStringLiteral("subscribe"), subscribe},
                                 {QStringLiteral("exp"), double(nowSeconds() + 3600)}},
                                Secret));
    };
    {
        SseClient granted;
        granted.open(port(), "/events?topic=extra/x", grantToken({QStringLiteral("extra/#")}));
        QTRY_VERIFY(granted.hasSession());
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
    SseClient without;
    without.open(port(), "/events?topic=public/y", grantToken({}));
    QTRY_VERIFY(without.hasSession());
    QCOMPARE(publishAsAdmin("extra/x"), 0);
    QCOMPARE(publishAsAdmin("public/y"), 1);
}

// A subscription that only the token's own grant (its roles claim) allows expires with it.
void TestSecurity::grantBoundToTokenLifetime()
{
    const qint64 exp = nowSeconds() + 120;
    const auto token = bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}, exp));
    SseClient stream;
    stream.open(port(), "/events?topic=sensor/1/data", token);
    QTRY_VERIFY(stream.hasSession());
    const HttpResponse list
        = request(port(), "GET", "/subscriptions/dev-1", {}, "application/json", token);
    const QJsonObject s
        = list.json().value(QLatin1String("subscriptions")).toArray().at(0).toObject();
    QCOMPARE(s.value(QLatin1String("expires_at")).toDouble(), double(exp * 1000)); // leeway 0
    // What the client's standing allows (ops: admin through `clients`) is not bounded.
    const auto ops = bearer(tokenFor(QStringLiteral("ops"), {}, exp));
    SseClient admin;
    admin.open(port(), "/events?topic=sensor/1/data", ops);
    QTRY_VERIFY(admin.hasSession());
    QVERIFY(request(port(), "GET", "/subscriptions/ops", {}, "application/json", ops)
                .json()
                .value(QLatin1String("subscriptions"))
                .toArray()
                .at(0)
                .toObject()
                .value(QLatin1String("expires_at"))
                .isNull());
}

// A reload with a new secret ends the streams whose token no longer verifies: `auth-expired`,
// then close; the client comes back with a token signed with the new secret.
void TestSecurity::secretChangeEndsStreams()
{
    QFile secretFile(m_dir.filePath(QStringLiteral("rotating-secret")));
    QVERIFY(secretFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    secretFile.write(Secret);
    secretFile.close();
    writeAcl(AclJson);
    Engine::Config config = baseConfig();
    config.jwtSecretFile = secretFile.fileName();
    config.aclFile = m_dir.filePath(QStringLiteral("acl.json"));
    startWith(config);
    SseClient stream;
    stream.open(port(), "/events?topic=sensor/1/data",
                bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")})));
    QTRY_VERIFY(stream.hasSession());

    const QByteArray newSecret = "rotated-secret-rotated-secret-rotated-01";
    QVERIFY(secretFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    secretFile.write(newSecret);
    secretFile.close();
    bool ok = false;
    const QString message = m_engine->reloadAccess(&ok);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("1 stream(s)")), qPrintable(message));
    QTRY_VERIFY(!stream.isConnected());
    QCOMPARE(stream.events().size(), 1);
    QCOMPARE(stream.events().at(0).type, QByteArray("auth-expired"));
    QVERIFY(stream.events().at(0).data.contains("signature"));
    QCOMPARE(m_engine->hub()->streamCount(), 0);
    SseClient again;
    again.open(port(), "/events?topic=sensor/1/data",
               bearer(tokenFor(QStringLiteral("dev-1"), {QStringLiteral("sensor")}, 0, newSecret)));
    QTRY_VERIFY(again.hasSession());
    QCOMPARE(publishAsAdmin("sensor/1/data"), -401); // the admin's token has the old secret
}

void TestSecurity::tokensWithoutExpiry()
{
    auto token = [](const QJsonValue &exp) {
        QJsonObject claims {{QStringLiteral("sub"), QStringLiteral("dev-1")},
                            {QStringLiteral("roles"), QJsonArray {QStringLiteral("sensor")}}};
        if (!exp.isUndefined())
            claims.insert(QStringLiteral("exp"), exp);
        return bearer(makeToken(claims, Secret));
    };
    for (const QJsonValue &exp : {QJsonValue(QJsonValue::Undefined), QJsonValue(0)}) {
        SseClient refused;
        refused.open(port(), "/events?topic=sensor/1/data", token(exp));
        QTRY_COMPARE(refused.status(), 401);
        QTRY_VERIFY2(refused.raw().contains("--allow-tokens-without-exp"),
                     refused.raw().constData());
        const HttpResponse r
            = request(port(), "POST", "/publish", publishBody("sensor/dev-1/data", 1),
                      "application/json", token(exp));
        QCOMPARE(r.status, 401);
        QVERIFY(r.json().value(QLatin1String("error")).toString().contains(QLatin1String("exp")));
    }
    // The operator may allow them.
    Engine::Config config = baseConfig();
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    config.aclFile = m_dir.filePath(QStringLiteral("acl.json"));
    config.allowTokensWithoutExp = true;
    startWith(config);
    SseClient allowed;
    allowed.open(port(), "/events?topic=sensor/1/data", token(QJsonValue(QJsonValue::Undefined)));
    QTRY_VERIFY(allowed.hasSession());
}

// A deny rule with %c holds for an identity whose client id cannot stand for a level (here the
// anonymous role, which has none): it denies as if %c were '+'.
void TestSecurity::clientIdDenyFailsClosed()
{
    start(R"({"anonymous": "guest",
              "roles": {"guest": {"subscribe": ["#"], "deny": ["private/%c/#"]},
                        "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}},
              "clients": {"ops": ["admin"]}})");
    SseClient denied, allowed;
    denied.open(port(), "/events?topic=private/alice/inbox");
    allowed.open(port(), "/events?topic=public/x");
    QTRY_COMPARE(denied.status(), 403);
    QTRY_VERIFY2(denied.raw().contains("private/+/#"), denied.raw().constData());
    QTRY_COMPARE(allowed.status(), 200);
    QCOMPARE(publishAsAdmin("private/alice/inbox"), 0);
}

// A token's sub is substituted for %c: it must be one safe topic level.
void TestSecurity::unsafeClientIdInToken()
{
    for (const QString &sub : {QStringLiteral("dev-1/../ops"), QStringLiteral("a+b"),
                               QStringLiteral("#"), QStringLiteral("")}) {
        SseClient client;
        client.open(port(), "/events?topic=sensor/1/data",
                    bearer(tokenFor(sub, {QStringLiteral("sensor")})));
        QTRY_COMPARE(client.status(), 401);
        QTRY_VERIFY2(client.raw().contains("sub"), client.raw().constData());
    }
    // With '/', the user/%c/# rule would have let it read another client's inbox.
    const HttpResponse r = request(
        port(), "POST", "/subscribe", R"({"client_id":"x/y","topics":["user/x/y/inbox"]})",
        "application/json", bearer(tokenFor(QStringLiteral("x/y"), {QStringLiteral("sensor")})));
    QCOMPARE(r.status, 401);
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
