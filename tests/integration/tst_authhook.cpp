// The auth hook (--auth-hook) over real sockets on 127.0.0.1: a backend started by the test
// answers the hub's questions about streams, subscriptions and publishes without a token;
// allow, deny, timeout, 500, malformed answers, grants that bind, caching and its expiry,
// identical questions sharing one call, expires_at on a live stream, tokens and the hook; the
// identity status the console and /stats show (the hook, a JWKS key set served by the same
// backend, or none at all).
#include "auth/authhook.h"
#include "backendserver.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "localengine.h"
#include "sseclient.h"
#include "tokens.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "authhook-test-secret-authhook-test-secret";
const QList<QPair<QByteArray, QByteArray>> Session {{"Cookie", "app_session=s3cr3t-of-alice"}};

QByteArray allow(const QByteArray &extra = {})
{
    return "{\"allow\": true" + (extra.isEmpty() ? QByteArray() : ", " + extra) + '}';
}

QByteArray publishBody(const QByteArray &topic)
{
    return R"({"topic": ")" + topic + R"(", "payload": {"n": 1}})";
}

} // namespace

class TestAuthHook : public QObject
{
    Q_OBJECT

private:
    void start(EngineConfig config = {});
    quint16 port() const { return m_engine->port(); }
    int hookCalls() const { return int(m_backend->requests().size()); }
    QByteArray metrics() const { return m_engine->metricsText(); }

    QTemporaryDir m_dir;
    std::unique_ptr<BackendServer> m_backend;
    std::unique_ptr<Engine> m_engine;

private Q_SLOTS:
    void init();
    void cleanup();
    void connectAllowedWithWhatWasAsked();
    void deniedIsForbidden();
    void grantsBindToTheDecision();
    void subscribeAndPublishAskTheHook();
    void unavailableHookRefusesWith503_data();
    void unavailableHookRefusesWith503();
    void timeoutRefusesAndNeverAllows();
    void answersAreRememberedAsTheBackendSays();
    void identicalQuestionsShareOneCall();
    void expiresAtEndsTheStream();
    void tokensDecideWithoutTheHook();
    void unverifiedTokensGoToTheHookWhenAsked();
    void pipelinedRequestsWaitTheirTurn();
    void answersOfOneClientDoNotLeak();
    void listsBindUnderAnAcl();
    void tricklingHookTimesOut();
    void rememberedAnswersAreBoundedInBytes();
    void stoppingAnswersWaitingRequests();
    void identityStatusInSnapshots();
    void identityStatusWithoutAKeySet();
};

void TestAuthHook::init()
{
    m_backend = std::make_unique<BackendServer>();
    QVERIFY(m_backend->listen());
    m_backend->setHandler([](const BackendServer::Request &) {
        return BackendServer::json(allow());
    });
}

void TestAuthHook::cleanup()
{
    m_engine.reset();
    m_backend.reset();
}

void TestAuthHook::start(EngineConfig config)
{
    config.authHookUrl = QString::fromLatin1(m_backend->url("/auth"));
    m_engine = startLocalEngine(config);
}

void TestAuthHook::connectAllowedWithWhatWasAsked()
{
    EngineConfig config;
    config.corsOrigins = {QStringLiteral("https://app.example")}; // the page of the app
    start(config);
    SseClient client;
    client.open(port(), "/events?topic=chat/room-1&client_id=alice",
                Session + QList<QPair<QByteArray, QByteArray>> {{"Origin", "https://app.example"}});
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(client.status(), 200);
    QCOMPARE(hookCalls(), 1);
    const BackendServer::Request &asked = m_backend->requests().first();
    QCOMPARE(asked.method, QByteArray("POST"));
    QCOMPARE(asked.path, QByteArray("/auth"));
    QCOMPARE(asked.header("content-type"), QByteArray("application/json"));
    const QJsonObject question = asked.json();
    QCOMPARE(question.value(QLatin1String("operation")).toString(), QStringLiteral("connect"));
    QCOMPARE(question.value(QLatin1String("client_id")).toString(), QStringLiteral("alice"));
    QCOMPARE(question.value(QLatin1String("filters")).toArray(), QJsonArray {QStringLiteral("chat/room-1")});
    QVERIFY(question.value(QLatin1String("remote")).toString().startsWith(QLatin1String("127.0.0.1:")));
    const QJsonObject headers = question.value(QLatin1String("headers")).toObject();
    QCOMPARE(headers.value(QLatin1String("cookie")).toString(), QStringLiteral("app_session=s3cr3t-of-alice"));
    QCOMPARE(headers.value(QLatin1String("origin")).toString(), QStringLiteral("https://app.example"));
    QVERIFY(!headers.contains(QLatin1String("authorization")));
    // The stream is alice's: it gets what is published on its topic.
    QCOMPARE(client.session().value(QLatin1String("client_id")).toString(), QStringLiteral("alice"));
}

void TestAuthHook::deniedIsForbidden()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &request) {
        if (request.json().value(QLatin1String("filters")).toArray().contains(QStringLiteral("a")))
            return BackendServer::json(R"({"allow": false, "error": "session expired"})");
        return BackendServer::json(R"({"error": "nope"})", 403);
    });
    HttpResponse denied = request(port(), "GET", "/events?topic=a", {}, {}, Session);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.json().value(QLatin1String("error")).toString(),
             QStringLiteral("the auth hook denied the request: session expired"));
    denied = request(port(), "GET", "/events?topic=b", {}, {}, Session);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.json().value(QLatin1String("error")).toString(),
             QStringLiteral("the auth hook denied the request: nope"));
    QVERIFY(metrics().contains("ssehub_auth_hook_calls_total{outcome=\"deny\"} 2"));
    // The log names the refusal and its reason.
    bool logged = false;
    for (const LogEntry &entry : m_engine->log()->entries())
        logged |= entry.kind == LogEntry::Kind::AuthFailure
            && QString(entry.reason + entry.detail).contains(QLatin1String("session expired"));
    QVERIFY(logged);
}

void TestAuthHook::grantsBindToTheDecision()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &) {
        return BackendServer::json(allow(R"("client_id": "bob", "subscribe": ["news/#"])"));
    });
    SseClient client;
    client.open(port(), "/events?topic=news/today", Session);
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(client.session().value(QLatin1String("client_id")).toString(), QStringLiteral("bob"));
    // Another filter than the answer's list: refused, although the hook said allow.
    const HttpResponse outside = request(port(), "GET", "/events?topic=admin/x", {}, {}, Session);
    QCOMPARE(outside.status, 403);
    QVERIFY2(outside.json().value(QLatin1String("error")).toString().contains(QLatin1String("auth hook")),
             outside.body.constData());
    // A stream asking for someone else than the answer's client.
    const HttpResponse other
        = request(port(), "GET", "/events?topic=news/x&client_id=carol", {}, {}, Session);
    QCOMPARE(other.status, 403);
    // An empty list grants nothing (not everything).
    m_backend->setHandler([](const BackendServer::Request &) {
        return BackendServer::json(allow(R"("subscribe": [])"));
    });
    const HttpResponse nothing
        = request(port(), "GET", "/events?topic=news/y", {}, {}, {{"Cookie", "app_session=z"}});
    QCOMPARE(nothing.status, 403);
}

void TestAuthHook::subscribeAndPublishAskTheHook()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &request) {
        const QJsonObject q = request.json();
        if (q.value(QLatin1String("operation")) == QLatin1String("publish"))
            return BackendServer::json(q.value(QLatin1String("topic")) == QLatin1String("chat/ok")
                                           ? allow()
                                           : R"({"allow": false})");
        return BackendServer::json(allow(R"("client_id": "alice")"));
    });
    HttpResponse published = request(port(), "POST", "/publish", publishBody("chat/ok"),
                                     "application/json", Session);
    QCOMPARE(published.status, 200);
    QCOMPARE(m_backend->requests().last().json().value(QLatin1String("operation")).toString(),
             QStringLiteral("publish"));
    QCOMPARE(m_backend->requests().last().json().value(QLatin1String("topics")).toArray(),
             QJsonArray {QStringLiteral("chat/ok")});
    published = request(port(), "POST", "/publish", publishBody("chat/no"), "application/json",
                        Session);
    QCOMPARE(published.status, 403);

    const HttpResponse subscribed
        = request(port(), "POST", "/subscribe",
                  R"({"client_id": "alice", "topics": ["chat/room-1", "chat/room-2"]})",
                  "application/json", Session);
    QCOMPARE(subscribed.status, 200);
    const QJsonObject question = m_backend->requests().last().json();
    QCOMPARE(question.value(QLatin1String("operation")).toString(), QStringLiteral("subscribe"));
    QCOMPARE(question.value(QLatin1String("client_id")).toString(), QStringLiteral("alice"));
    QCOMPARE(question.value(QLatin1String("filters")).toArray().size(), 2);
    // Malformed bodies are the route's 400, without a question.
    const int before = hookCalls();
    QCOMPARE(request(port(), "POST", "/publish", "{", "application/json", Session).status, 400);
    QCOMPARE(hookCalls(), before);
    // Routes the hook is not asked about need a token, as before.
    QCOMPARE(request(port(), "GET", "/metrics", {}, {}, Session).status, 401);
}

void TestAuthHook::unavailableHookRefusesWith503_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("outcome");
    QTest::newRow("500") << 500 << QByteArray(R"({"allow": true})") << QByteArray("error");
    QTest::newRow("not json") << 200 << QByteArray("<html>ok</html>") << QByteArray("invalid");
    QTest::newRow("allow not boolean") << 200 << QByteArray(R"({"allow": "yes"})")
                                       << QByteArray("invalid");
    QTest::newRow("bad filter") << 200 << QByteArray(R"({"allow": true, "subscribe": ["a/#/b"]})")
                                << QByteArray("invalid");
    QTest::newRow("bad client id") << 200 << QByteArray(R"({"allow": true, "client_id": ""})")
                                   << QByteArray("invalid");
    QTest::newRow("a name twice") << 200 << QByteArray(R"({"allow": false, "allow": true})")
                                  << QByteArray("invalid");
    QTest::newRow("redirect") << 302 << QByteArray() << QByteArray("error");
    QTest::newRow("oversized") << 200 << QByteArray(R"({"allow": true, "x": ")")
            + QByteArray(100 * 1024, 'a') + "\"}"
                               << QByteArray("invalid");
}

void TestAuthHook::unavailableHookRefusesWith503()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, outcome);
    start();
    m_backend->setHandler([&](const BackendServer::Request &) {
        return BackendServer::json(body, status, "max-age=60");
    });
    for (int i = 0; i < 2; ++i) {
        const HttpResponse refused = request(port(), "GET", "/events?topic=a", {}, {}, Session);
        QCOMPARE(refused.status, 503);
        QVERIFY(!refused.json().value(QLatin1String("error")).toString().isEmpty());
        QVERIFY(!refused.header("retry-after").isEmpty());
    }
    // Failures are never remembered: each request asked again.
    QCOMPARE(hookCalls(), 2);
    QVERIFY2(metrics().contains(QByteArray("ssehub_auth_hook_calls_total{outcome=\"" + outcome + "\"} 2")),
             metrics().constData());
    // The hook gone altogether.
    m_backend->close();
    QCOMPARE(request(port(), "GET", "/events?topic=a", {}, {}, Session).status, 503);
}

void TestAuthHook::timeoutRefusesAndNeverAllows()
{
    EngineConfig config;
    config.authHookTimeoutMs = 300;
    start(config);
    m_backend->setHandler([](const BackendServer::Request &) {
        BackendServer::Response response;
        response.noAnswer = true;
        return response;
    });
    QElapsedTimer timer;
    timer.start();
    const HttpResponse refused = request(port(), "GET", "/events?topic=a", {}, {}, Session);
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.json().value(QLatin1String("error")).toString().contains(QLatin1String("300 ms")));
    QVERIFY(timer.elapsed() >= 250);
    QVERIFY(metrics().contains("ssehub_auth_hook_calls_total{outcome=\"timeout\"} 1"));
    QVERIFY(metrics().contains("ssehub_auth_hook_duration_seconds_count 1"));
    // A late answer changes nothing: the next request is asked again.
    m_backend->setHandler([](const BackendServer::Request &) {
        BackendServer::Response late = BackendServer::json(allow());
        late.delayMs = 600;
        return late;
    });
    QCOMPARE(request(port(), "GET", "/events?topic=a", {}, {}, Session).status, 503);
}

void TestAuthHook::answersAreRememberedAsTheBackendSays()
{
    EngineConfig config;
    config.authHookCacheMs = 2000; // caps the backend's 60 s
    start(config);
    m_backend->setHandler([](const BackendServer::Request &request) {
        const bool bad = request.json().value(QLatin1String("headers")).toObject().value(QLatin1String("cookie"))
            == QLatin1String("app_session=bad");
        return BackendServer::json(bad ? R"({"allow": false})" : allow(), 200, "max-age=60");
    });
    auto publishAs = [&](const QByteArray &cookie, const QByteArray &topic = "t/1") {
        return request(port(), "POST", "/publish", publishBody(topic), "application/json",
                       {{"Cookie", cookie}})
            .status;
    };
    QCOMPARE(publishAs("app_session=good"), 200);
    QCOMPARE(publishAs("app_session=good"), 200);
    QCOMPARE(hookCalls(), 1); // remembered
    QCOMPARE(publishAs("app_session=good", "t/2"), 200);
    QCOMPARE(hookCalls(), 2); // another question
    QCOMPARE(publishAs("app_session=other"), 200);
    QCOMPARE(hookCalls(), 3); // another credential
    QCOMPARE(publishAs("app_session=bad"), 403);
    QCOMPARE(publishAs("app_session=bad"), 403);
    QCOMPARE(hookCalls(), 4); // denials are remembered too (at most 5 s)
    // After --auth-hook-cache the backend is asked again.
    QTRY_VERIFY_WITH_TIMEOUT((publishAs("app_session=good"), hookCalls() > 4), 5000);

    // Without a max-age nothing is remembered.
    m_backend->setHandler([](const BackendServer::Request &) {
        return BackendServer::json(allow());
    });
    const int before = hookCalls();
    QCOMPARE(publishAs("app_session=fresh"), 200);
    QCOMPARE(publishAs("app_session=fresh"), 200);
    QCOMPARE(hookCalls(), before + 2);
}

void TestAuthHook::identicalQuestionsShareOneCall()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &) {
        BackendServer::Response slow = BackendServer::json(allow());
        slow.delayMs = 300;
        return slow;
    });
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(port(), "/events?topic=shared", Session);
    }
    for (const auto &client : clients)
        QTRY_VERIFY(client->hasSession());
    QCOMPARE(hookCalls(), 1);
    QVERIFY(m_engine->metricsText().contains("ssehub_auth_hook_calls_total{outcome=\"allow\"} 1"));
}

void TestAuthHook::expiresAtEndsTheStream()
{
    start();
    const qint64 expiresAt = Clock::wallMs() / 1000 + 2;
    m_backend->setHandler([expiresAt](const BackendServer::Request &) {
        return BackendServer::json(
            allow(R"("client_id": "dev-1", "expires_at": )" + QByteArray::number(expiresAt)));
    });
    SseClient client;
    client.open(port(), "/events?topic=sensor/1", Session);
    QTRY_VERIFY(client.hasSession());
    QTRY_VERIFY_WITH_TIMEOUT(!client.isConnected(), 6000);
    QVERIFY(Clock::wallMs() / 1000 >= expiresAt);
    QVERIFY(!client.events().isEmpty());
    QCOMPARE(client.events().last().type, QByteArray("auth-expired"));
    // An answer that expired already is a denial.
    m_backend->setHandler([](const BackendServer::Request &) {
        return BackendServer::json(allow(R"("expires_at": 1000)"));
    });
    QCOMPARE(request(port(), "GET", "/events?topic=sensor/1", {}, {}, Session).status, 403);
}

void TestAuthHook::tokensDecideWithoutTheHook()
{
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret);
    secret.close();
    EngineConfig config;
    config.jwtSecretFile = secret.fileName();
    start(config);
    const QByteArray token = makeToken({{QStringLiteral("sub"), QStringLiteral("carol")},
                                        {QStringLiteral("exp"), double(Clock::wallMs() / 1000 + 600)}},
                                       Secret);
    SseClient client;
    client.open(port(), "/events?topic=a", {{"Authorization", "Bearer " + token}});
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(hookCalls(), 0);
    // A forged token is refused here, not passed on.
    const HttpResponse forged = request(port(), "GET", "/events?topic=a", {}, {},
                                        {{"Authorization", "Bearer " + token + "x"}});
    QCOMPARE(forged.status, 401);
    QCOMPARE(hookCalls(), 0);
}

void TestAuthHook::unverifiedTokensGoToTheHookWhenAsked()
{
    EngineConfig config;
    config.authHookTokens = true;
    start(config);
    SseClient client;
    client.open(port(), "/events?topic=a", {{"Authorization", "Bearer opaque-session-token"}});
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(hookCalls(), 1);
    QCOMPARE(m_backend->requests()
                 .first()
                 .json()
                 .value(QLatin1String("headers"))
                 .toObject()
                 .value(QLatin1String("authorization"))
                 .toString(),
             QStringLiteral("Bearer opaque-session-token"));
}

void TestAuthHook::pipelinedRequestsWaitTheirTurn()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &request) {
        BackendServer::Response response = BackendServer::json(
            request.json().value(QLatin1String("topic")) == QLatin1String("p/1") ? allow() : R"({"allow":false})");
        response.delayMs = 100;
        return response;
    });
    QByteArray both;
    for (const QByteArray &topic : {QByteArray("p/1"), QByteArray("p/2")}) {
        const QByteArray body = publishBody(topic);
        both += "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: app_session=x\r\n"
                "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(socket.waitForConnected(2000));
    socket.write(both);
    QByteArray in;
    QList<HttpResponse> answers;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            in += socket.readAll();
            answers.clear();
            qsizetype at = 0;
            for (;;) {
                HttpResponse response;
                const qsizetype used = parseResponse(in.mid(at), &response, false);
                if (used == 0)
                    break;
                answers.append(response);
                at += used;
            }
            return answers.size() == 2;
        }(),
        5000);
    QCOMPARE(answers.at(0).status, 200);
    QCOMPARE(answers.at(1).status, 403);
}

// Two streams of one client, each allowed by its own answer: each answer's grants hold for its
// own stream, and neither stream receives what only the other's answer allows (an answer is
// not merged into another's because they name the same client).
void TestAuthHook::answersOfOneClientDoNotLeak()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &request) {
        const bool first = request.json().value(QLatin1String("filters")).toArray().contains(
            QStringLiteral("x/1"));
        return BackendServer::json(allow(first ? R"("client_id": "walt", "subscribe": ["x/#"])"
                                               : R"("client_id": "walt", "subscribe": ["y/1"])"));
    });
    SseClient first;
    first.open(port(), "/events?topic=x/1&client_id=walt", Session);
    QTRY_VERIFY(first.hasSession());
    SseClient second;
    second.open(port(), "/events?topic=y/1&client_id=walt", {{"Cookie", "app_session=other"}});
    QTRY_VERIFY(second.hasSession());
    // The second stream's session: only what its own answer allows (the first's x/1 would be
    // the leak; what two answers of one client do not both allow is removed, as with tokens).
    const QJsonArray topics = second.session().value(QLatin1String("topics")).toArray();
    QVERIFY2(!topics.contains(QStringLiteral("x/1")),
             QJsonDocument(second.session()).toJson().constData());
    for (const QJsonValue &topic : topics)
        QCOMPARE(topic.toString(), QStringLiteral("y/1"));
}

// With an ACL, the answer's lists still bind: a role whose rules are wider adds nothing. An
// answer without a client_id of its own does not get the ACL roles of the id the request named.
void TestAuthHook::listsBindUnderAnAcl()
{
    QFile acl(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write(R"({"anonymous": null,
                  "roles": {"member": {"subscribe": ["chat/#"], "publish": ["chat/#"]},
                            "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}},
                  "clients": {"alice": ["member"], "ops": ["admin"]}})");
    acl.close();
    EngineConfig config;
    config.aclFile = acl.fileName();
    start(config);
    m_backend->setHandler([](const BackendServer::Request &request) {
        const QJsonObject q = request.json();
        if (q.value(QLatin1String("operation")) == QLatin1String("subscribe"))
            return BackendServer::json(allow(R"("client_id": "ops", "subscribe": ["admin/x"])"));
        if (q.value(QLatin1String("client_id")).toString() == QLatin1String("ops"))
            return BackendServer::json(allow()); // checks the session only
        return BackendServer::json(
            allow(R"("client_id": "alice", "subscribe": ["chat/a"], "publish": ["chat/a"])"));
    });
    SseClient inside;
    inside.open(port(), "/events?topic=chat/a", Session);
    QTRY_VERIFY(inside.hasSession());
    QCOMPARE(request(port(), "GET", "/events?topic=chat/b", {}, {}, Session).status, 403);
    QCOMPARE(request(port(), "POST", "/publish", publishBody("chat/b"), "application/json",
                     Session)
                 .status,
             403);
    QCOMPARE(request(port(), "POST", "/publish", publishBody("chat/a"), "application/json",
                     Session)
                 .status,
             200);
    // ops (admin in the ACL) has a stored subscription, made with an answer that named ops.
    QCOMPARE(request(port(), "POST", "/subscribe", R"({"client_id": "ops", "topics": ["admin/x"]})",
                     "application/json", Session)
                 .status,
             200);
    // An answer that does not name the client vouches for the id asked for, but not with that
    // id's admin role: it holds what was asked, and the stored admin/x, which only the role
    // allowed, is not kept for it.
    SseClient ops;
    ops.open(port(), "/events?topic=chat/z&client_id=ops", Session);
    QTRY_VERIFY(ops.hasSession());
    QCOMPARE(ops.session().value(QLatin1String("topics")).toArray(),
             QJsonArray {QStringLiteral("chat/z")});
}

// The hook's timeout is a deadline: an answer trickled a byte at a time does not reset it.
void TestAuthHook::tricklingHookTimesOut()
{
    EngineConfig config;
    config.authHookTimeoutMs = 500;
    start(config);
    m_backend->setHandler([](const BackendServer::Request &) {
        BackendServer::Response slow = BackendServer::json(allow());
        slow.trickleMs = 100; // about 10 s for the whole answer
        return slow;
    });
    QElapsedTimer timer;
    timer.start();
    const HttpResponse refused = request(port(), "GET", "/events?topic=a", {}, {}, Session);
    QCOMPARE(refused.status, 503);
    QVERIFY2(timer.elapsed() < 3000, QByteArray::number(timer.elapsed()).constData());
}

// Remembered answers are bounded by their bytes, whatever they list.
void TestAuthHook::rememberedAnswersAreBoundedInBytes()
{
    start();
    QByteArray filters;
    for (int i = 0; i < 1000; ++i)
        filters += (i ? ",\"" : "\"") + QByteArray("room/") + QByteArray::number(i) + "/+/#\"";
    const QByteArray big = allow("\"publish\": [" + filters + "], \"pad\": \"" + QByteArray(40 * 1024, 'p') + '"');
    QVERIFY(big.size() > 48 * 1024 && big.size() < AuthHook::MaxAnswerBytes);
    m_backend->setHandler([big](const BackendServer::Request &) {
        return BackendServer::json(big, 200, "max-age=600");
    });
    for (int i = 0; i < 250; ++i) {
        const QByteArray topic = "other/" + QByteArray::number(i);
        QCOMPARE(request(port(), "POST", "/publish", publishBody(topic), "application/json",
                         Session)
                     .status,
                 403); // outside the list
    }
    const QByteArray text = metrics();
    const qsizetype at = text.indexOf("\nssehub_auth_hook_cache_bytes ");
    QVERIFY(at > 0);
    const qint64 bytes = text.mid(at + 30, text.indexOf('\n', at + 1) - at - 30).toLongLong();
    QVERIFY2(bytes > 0 && bytes <= AuthHook::MaxCacheBytes, QByteArray::number(bytes).constData());
}

// A hub that stops answers the requests waiting for the hook (503), not silence.
void TestAuthHook::stoppingAnswersWaitingRequests()
{
    start();
    m_backend->setHandler([](const BackendServer::Request &) {
        BackendServer::Response never;
        never.noAnswer = true;
        return never;
    });
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(socket.waitForConnected(2000));
    socket.write("GET /events?topic=a HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: app_session=x\r\n\r\n");
    QTRY_COMPARE(hookCalls(), 1);
    m_engine->stop();
    QByteArray in;
    QTRY_VERIFY((in += socket.readAll()).startsWith("HTTP/1.1 503"));
}

// The snapshot (what the console shows) and /stats carry the identity sources and their health:
// the key set fetched, the hook's last latency and answers, tokens refused by reason.
void TestAuthHook::identityStatusInSnapshots()
{
    // An Ed25519 public key (its private half is not needed: no token is signed with it).
    const QByteArray jwks = R"({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1",
        "x": "kJIz-FQllT2zRcbPvSGsBWtR_3x9c8E3tCAtWGxH0qw"}]})";
    m_backend->setHandler([jwks](const BackendServer::Request &request) {
        if (request.path.startsWith("/jwks"))
            return BackendServer::json(jwks, 200, "max-age=300");
        return BackendServer::json(allow());
    });
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret);
    secret.close();
    EngineConfig config;
    config.jwtSecretFile = secret.fileName();
    config.jwksUrl = QString::fromLatin1(m_backend->url("/jwks?tenant=secret-query"));
    const qint64 before = Clock::wallMs();
    start(config);
    QTRY_COMPARE(m_engine->makeSnapshot(false)->identity.jwks.keys, 1);
    IdentityStatus id = m_engine->makeSnapshot(false)->identity;
    QCOMPARE(id.sources(),
             QStringList({QStringLiteral("hs256"), QStringLiteral("jwks"),
                          QStringLiteral("auth_hook")}));
    QCOMPARE(id.jwks.url, QString::fromLatin1(m_backend->url("/jwks"))); // no query shown
    QVERIFY(id.jwks.loadedAtMs >= before);
    QVERIFY(id.jwks.lastAttemptAtMs >= before);
    QVERIFY(id.jwks.lastError.isEmpty());
    QCOMPARE(id.jwks.fetches.value(QStringLiteral("loaded")), quint64(1));
    QVERIFY(id.jwks.nextFetchInMs > 200000); // max-age=300
    QCOMPARE(id.hook.url, QString::fromLatin1(m_backend->url("/auth")));
    QCOMPARE(id.hook.lastLatencyMs, qint64(-1)); // not asked yet

    // A stream without a token: the hook answers; a forged token is refused by its signature.
    SseClient client;
    client.open(port(), "/events?topic=a", Session);
    QTRY_VERIFY(client.hasSession());
    const QByteArray token
        = makeToken({{QStringLiteral("sub"), QStringLiteral("carol")},
                     {QStringLiteral("exp"), double(Clock::wallMs() / 1000 + 600)}},
                    "another-secret-another-secret-another-secret");
    QCOMPARE(request(port(), "GET", "/events?topic=a", {}, {},
                     {{"Authorization", "Bearer " + token}})
                 .status,
             401);
    id = m_engine->makeSnapshot(false)->identity;
    QVERIFY(id.hook.lastLatencyMs >= 0);
    QVERIFY(id.hook.lastError.isEmpty());
    QCOMPARE(id.hook.calls.value(QStringLiteral("allow")), quint64(1));
    QCOMPARE(id.tokenChecks.value(QStringLiteral("bad_signature")), quint64(1));
    QCOMPARE(id.tokenChecks.value(QStringLiteral("verified")), quint64(0));

    // /stats: the same, as JSON.
    const QJsonObject stats
        = m_engine->statsJson(false).value(QLatin1String("identity")).toObject();
    QCOMPARE(stats.value(QLatin1String("sources")).toArray().size(), 3);
    QCOMPARE(stats.value(QLatin1String("jwks")).toObject().value(QLatin1String("keys")).toInt(),
             1);
    QCOMPARE(stats.value(QLatin1String("auth_hook"))
                 .toObject()
                 .value(QLatin1String("calls"))
                 .toObject()
                 .value(QLatin1String("allow"))
                 .toInt(),
             1);
    QCOMPARE(stats.value(QLatin1String("token_verifications"))
                 .toObject()
                 .value(QLatin1String("bad_signature"))
                 .toInt(),
             1);
    IdentityStatus fromStats = IdentityStatus::fromJson(stats);
    fromStats.jwks.nextFetchInMs = id.jwks.nextFetchInMs; // a moment later
    QCOMPARE(fromStats, id);

    // The hook stops answering: its last error is shown until it answers again.
    m_backend->close();
    const HttpResponse unavailable = request(port(), "GET", "/events?topic=b", {}, {}, Session);
    QCOMPARE(unavailable.status, 503);
    id = m_engine->makeSnapshot(false)->identity;
    QVERIFY2(!id.hook.lastError.isEmpty(), "no last error");
    QCOMPARE(id.hook.calls.value(QStringLiteral("error")), quint64(1));
}

// A JWKS URL nobody answers at: no key set, the fetch's error, and it is tried again soon.
void TestAuthHook::identityStatusWithoutAKeySet()
{
    quint16 closed = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        closed = probe.serverPort();
    }
    EngineConfig config;
    config.jwksUrl = QStringLiteral("http://127.0.0.1:%1/jwks").arg(closed);
    m_engine = startLocalEngine(config);
    QTRY_VERIFY(!m_engine->makeSnapshot(false)->identity.jwks.lastError.isEmpty());
    const IdentityStatus id = m_engine->makeSnapshot(false)->identity;
    QCOMPARE(id.sources(), QStringList({QStringLiteral("jwks")}));
    QCOMPARE(id.jwks.loadedAtMs, qint64(0));
    QCOMPARE(id.jwks.keys, 0);
    QVERIFY(id.jwks.lastAttemptAtMs > 0);
    QVERIFY(id.jwks.fetches.value(QStringLiteral("network_error")) >= 1);
    QVERIFY(id.jwks.nextFetchInMs <= 2000); // retried after 1, 2, 4 ... seconds
    QVERIFY(!id.hasHook());
    QVERIFY(!id.tokenChecks.isEmpty()); // tokens are verified (and refused: no key yet)
}

QTEST_MAIN(TestAuthHook)
#include "tst_authhook.moc"
