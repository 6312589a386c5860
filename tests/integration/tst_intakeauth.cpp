// Authentication on the epoll path of publish intake, over real sockets on 127.0.0.1: tokens
// and ACL decisions answered there and remembered (auth/authcache), what a reload or an expiry
// does to what was remembered, batches with events allowed and refused.
#include "auth/authcache.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "hub/hub.h"
#include "localengine.h"
#include "rawconnection.h"
#include "sseclient.h"
#include "tokens.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "intake-test-secret-intake-test-secret";

// A token of `sub` with `roles`, valid until expMs on the engine's clock (0: an hour from now).
QByteArray tokenFor(const QString &sub, const QStringList &roles, qint64 expMs = 0)
{
    const qint64 exp = expMs ? expMs : Clock::wallMs() + 3600 * 1000;
    return makeToken({{QStringLiteral("sub"), sub},
                      {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
                      {QStringLiteral("exp"), double(exp / 1000)}},
                     Secret);
}

} // namespace

class TestIntakeAuth : public QObject
{
    Q_OBJECT

private:
    Engine *start(Engine::Config config = {});
    Engine *startSecured(const QByteArray &acl, qint64 leewayMs = 0);
    quint16 port() const { return m_engine->port(); }
    HttpFront *front() const { return m_engine->front(); }

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;

private Q_SLOTS:
    void cleanup() { m_engine.reset(); }
    void batchAuthorisedAndRefused();
    void authenticatedRequestsStayOnTheEpollPath();
    void cachedTokenEndsAtItsExpiry();
    void reloadDropsCachedDecisions();
    void trickledBodyIsDecidedOnce();
    void streamTokensAreNotRemembered();
    void handedOffRequestIsDecidedOnce();
};

Engine *TestIntakeAuth::start(Engine::Config config)
{
    m_engine.reset();
    m_engine = startLocalEngine(config);
    return m_engine.get();
}

Engine *TestIntakeAuth::startSecured(const QByteArray &acl, qint64 leewayMs)
{
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    if (!secret.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write the secret");
    secret.write(Secret);
    secret.close();
    QFile file(m_dir.filePath(QStringLiteral("acl.json")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write the ACL");
    file.write(acl);
    file.close();
    Engine::Config config;
    config.jwtSecretFile = secret.fileName();
    config.aclFile = file.fileName();
    config.jwtLeewayMs = leewayMs;
    config.heartbeatMs = 400;
    return start(config);
}

const QByteArray TestAcl = R"({
    "roles": {
        "sensor": {"publish": ["a/#"], "subscribe": ["a/#"]},
        "reader": {"subscribe": ["#"]},
        "admin": {"admin": true}
    }
})";

void TestIntakeAuth::batchAuthorisedAndRefused()
{
    startSecured(TestAcl);
    SseClient watcher;
    watcher.open(
        port(), "/events?topic=%23",
        {{"Authorization", "Bearer " + tokenFor(QStringLiteral("r"), {QStringLiteral("reader")})}});
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const QByteArray token = tokenFor(QStringLiteral("dev"), {QStringLiteral("sensor")});
    const QByteArray body = "{\"topic\":\"a/1\",\"payload\":1}\n"
                            "{\"topic\":\"b/1\",\"payload\":2}\n"
                            "{\"topic\":\"a/2\",\"payload\":3}\n"
                            "{\"topic\":\"b/2\",\"payload\":4}\n";
    RawConnection connection(port());
    connection.send(bodyRequest(body, "application/x-ndjson", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 1);
    const HttpResponse answer = connection.answers().at(0);
    QCOMPARE(answer.status, 207);
    const QStringList results = batchResults(answer);
    QCOMPARE(results.size(), 4);
    QVERIFY(results.at(0).startsWith(QLatin1String("id:")));
    QVERIFY2(results.at(1).startsWith(QLatin1String("403:")), qPrintable(results.at(1)));
    QVERIFY(results.at(2).startsWith(QLatin1String("id:")));
    QVERIFY(results.at(3).startsWith(QLatin1String("403:")));
    QTRY_COMPARE(intPayloads(watcher), (QList<int> {1, 3}));
    // Every event refused alike: that status for the whole answer.
    connection.send(
        bodyRequest("{\"topic\":\"b/1\",\"payload\":2}\n", "application/x-ndjson", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 2);
    QCOMPARE(connection.answers().at(1).status, 403);
    // The refusals are in the log, once per batch.
    int logged = 0;
    for (const LogEntry &entry : m_engine->log()->entries())
        logged += entry.kind == LogEntry::Kind::AuthFailure
            && entry.reason.contains(QLatin1String("of a batch"));
    QVERIFY(logged >= 1);
    // Without a token: 401 for the batch as for any publish.
    connection.send(bodyRequest(body, "application/x-ndjson"));
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().at(2).status, 401);
    QCOMPARE(watcher.events().size(), 2);
}

void TestIntakeAuth::authenticatedRequestsStayOnTheEpollPath()
{
    startSecured(TestAcl);
    const QByteArray token = tokenFor(QStringLiteral("dev"), {QStringLiteral("sensor")});
    // A stream with a token starts on the epoll path (no QTcpSocket on the way).
    SseClient stream;
    stream.open(port(), "/events?topic=a/x", {{"Authorization", "Bearer " + token}});
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    QCOMPARE(front()->socketConnectionCount(), 0);
    RawConnection connection(port());
    QByteArray pipeline;
    for (int i = 0; i < 20; ++i)
        pipeline += publishRequest("a/x", QByteArray::number(i), bearer(token));
    connection.send(pipeline);
    QTRY_COMPARE(connection.answerCount(), 20);
    for (const HttpResponse &answer : connection.answers())
        QCOMPARE(answer.status, 200);
    QCOMPARE(front()->socketConnectionCount(), 0);
    QTRY_COMPARE(stream.events().size(), 20);
    // A refused publish is answered there too (403), and the connection stays open.
    connection.send(publishRequest("b/x", "1", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 21);
    QCOMPARE(connection.answers().at(20).status, 403);
    QVERIFY(!connection.closed());
    // A forged token goes to the router, which refuses it (401) as before.
    QByteArray forged = token;
    forged[forged.size() - 2] = forged.at(forged.size() - 2) == 'A' ? 'B' : 'A';
    connection.send(publishRequest("a/x", "1", bearer(forged)));
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().at(21).status, 401);
    const HttpResponse stream401 = request(port(), "GET", "/events?topic=a/x", {}, {},
                                           {{"Authorization", "Bearer " + forged}});
    QCOMPARE(stream401.status, 401);
}

void TestIntakeAuth::cachedTokenEndsAtItsExpiry()
{
    startSecured(TestAcl);
    const qint64 exp = (Clock::wallMs() / 1000 + 30) * 1000;
    const QByteArray token = tokenFor(QStringLiteral("dev"), {QStringLiteral("sensor")}, exp);
    RawConnection connection(port());
    connection.send(publishRequest("a/e", "1", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 1);
    QCOMPARE(connection.answers().at(0).status, 200); // verified, and now cached
    connection.send(publishRequest("a/e", "2", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 2);
    QCOMPARE(connection.answers().at(1).status, 200);
    // Past exp (no leeway here) the cached verification no longer holds.
    Clock::advanceForTesting(exp - Clock::wallMs() + 1000);
    connection.send(publishRequest("a/e", "3", bearer(token)));
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().size(), 3);
    QCOMPARE(connection.answers().at(2).status, 401);
    QVERIFY(connection.answers()
                .at(2)
                .json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("expired")));
}

void TestIntakeAuth::reloadDropsCachedDecisions()
{
    startSecured(TestAcl);
    const QByteArray token = tokenFor(QStringLiteral("dev"), {QStringLiteral("sensor")});
    RawConnection connection(port());
    connection.send(publishRequest("a/r", "1", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 1);
    QCOMPARE(connection.answers().at(0).status, 200);
    // The rules change (SIGHUP re-reads the file): the decision cached for a/r goes with them.
    QFile file(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"roles": {"sensor": {"publish": ["c/#"]}}})");
    file.close();
    bool ok = false;
    const QString message = m_engine->reloadAccess(&ok);
    QVERIFY2(ok, qPrintable(message));
    connection.send(publishRequest("a/r", "2", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 2);
    QCOMPARE(connection.answers().at(1).status, 403);
    connection.send(publishRequest("c/r", "3", bearer(token)));
    QTRY_COMPARE(connection.answerCount(), 3);
    QCOMPARE(connection.answers().at(2).status, 200);
    // A new secret: the cached token no longer verifies.
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly | QIODevice::Truncate));
    secret.write("another-secret-another-secret-another-secret");
    secret.close();
    QVERIFY(m_engine->reloadAccess(&ok).isEmpty() || ok);
    QVERIFY(ok);
    connection.send(publishRequest("c/r", "4", bearer(token)));
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().at(3).status, 401);
}

void TestIntakeAuth::trickledBodyIsDecidedOnce()
{
    // A body that comes in many pieces: its head is read and its token checked once, not for
    // every piece (the audit measured 5x the CPU of the socket path before).
    startSecured(TestAcl);
    const QByteArray token = tokenFor(QStringLiteral("dev"), {QStringLiteral("sensor")});
    const QByteArray whole
        = publishRequest("a/t", '"' + QByteArray(2000, 't') + '"', bearer(token));
    const qsizetype headEnd = whole.indexOf("\r\n\r\n") + 4;
    RawConnection connection(port());
    connection.socket().setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const AuthCache::Stats before = front()->authenticator().cacheStats();
    connection.send(whole.left(headEnd));
    // The head was read and its token looked up (the hub runs on this thread).
    QTRY_VERIFY(front()->authenticator().cacheStats().tokenMisses
                    + front()->authenticator().cacheStats().tokenHits
                > before.tokenMisses + before.tokenHits);
    const AuthCache::Stats afterHead = front()->authenticator().cacheStats();
    for (qsizetype at = headEnd; at < whole.size(); at += 100) {
        connection.send(whole.mid(at, 100)); // in the kernel when this returns (loopback)
        QCoreApplication::processEvents(); // the hub reads this piece before the next
    }
    QTRY_COMPARE(connection.answerCount(), 1);
    QCOMPARE(connection.answers().at(0).status, 200);
    const AuthCache::Stats after = front()->authenticator().cacheStats();
    QCOMPARE(after.tokenHits + after.tokenMisses, afterHead.tokenHits + afterHead.tokenMisses);
}

// A stream keeps its identity for its life: its token is looked up in the cache but not put
// there, so that devices with a token each do not push out the tokens that publish every second.
// A publish remembers its token, and a stream opened with it afterwards is answered from there.
void TestIntakeAuth::streamTokensAreNotRemembered()
{
    startSecured(TestAcl);
    const AuthCache::Stats before = front()->authenticator().cacheStats();
    QList<std::shared_ptr<SseClient>> streams;
    for (int i = 0; i < 20; ++i) {
        auto stream = std::make_shared<SseClient>();
        stream->open(
            port(), "/events?topic=a/s",
            {{"Authorization",
              "Bearer " + tokenFor(QStringLiteral("dev-%1").arg(i), {QStringLiteral("sensor")})}});
        streams << stream;
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 20);
    AuthCache::Stats after = front()->authenticator().cacheStats();
    QCOMPARE(after.tokens, before.tokens);
    QCOMPARE(after.tokenMisses, before.tokenMisses + 20); // each was looked up
    // Twenty clients of one role ask the ACL once for their token's roles and once for what the
    // ACL alone allows them (which bounds a subscription by the token's expiry): no rule has %c.
    QCOMPARE(after.decisions, before.decisions + 2);

    const QByteArray token = tokenFor(QStringLiteral("pub"), {QStringLiteral("sensor")});
    QCOMPARE(request(port(), "POST", "/publish", R"({"topic":"a/s","payload":1})",
                     "application/json", {{"Authorization", "Bearer " + token}})
                 .status,
             200);
    QCOMPARE(front()->authenticator().cacheStats().tokens, before.tokens + 1);
    SseClient same;
    same.open(port(), "/events?topic=a/s", {{"Authorization", "Bearer " + token}});
    QTRY_COMPARE(m_engine->hub()->streamCount(), 21);
    after = front()->authenticator().cacheStats();
    QCOMPARE(after.tokenHits, before.tokenHits + 1);
    for (const auto &stream : std::as_const(streams))
        QTRY_COMPARE(stream->events().size(), 1);
}

// A request the epoll path hands to the router (a route it does not serve, a refusal) carries the
// decision made there: its token is verified or looked up once, not again by the router.
void TestIntakeAuth::handedOffRequestIsDecidedOnce()
{
    startSecured(TestAcl);
    const QByteArray admin = tokenFor(QStringLiteral("ops"), {QStringLiteral("admin")});
    const auto lookups = [this] {
        const AuthCache::Stats s = front()->authenticator().cacheStats();
        return s.tokenHits + s.tokenMisses;
    };
    RawConnection connection(port());
    quint64 before = lookups();
    const quint64 handOffs = front()->handOffs();
    connection.send(getRequest("/stats", bearer(admin))); // the router's route
    QTRY_COMPARE(connection.answerCount(), 1);
    QCOMPARE(connection.answers().at(0).status, 200);
    QCOMPARE(front()->handOffs(), handOffs + 1);
    QCOMPARE(lookups(), before + 1);

    // A forged token: refused on the epoll path's decision, answered by the router (401).
    QByteArray forged = admin;
    forged[forged.size() - 2] = forged.at(forged.size() - 2) == 'A' ? 'B' : 'A';
    RawConnection refused(port());
    before = lookups();
    refused.send(getRequest("/stats", bearer(forged)));
    QTRY_COMPARE(refused.answerCount(), 1);
    QCOMPARE(refused.answers().at(0).status, 401);
    QCOMPARE(front()->handOffs(), handOffs + 2);
    QCOMPARE(lookups(), before + 1);
}

QTEST_GUILESS_MAIN(TestIntakeAuth)
#include "tst_intakeauth.moc"
