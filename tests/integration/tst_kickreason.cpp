// How the server ends streams on purpose. An operator's kick with a reason (DELETE /streams/<id>,
// /connections/<id>): the reason in a JSON body or the query, bounded and cleaned, read by the
// client in `event: disconnect` before its stream ends and kept in the log's kick entry; errors as
// JSON. And the log's engine entries (start, drain, stop) with who asked; a drain ends even a full
// queue as `server-shutdown`.
#include "api/validation.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "sseclient.h"
#include "stream/ssestream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

class TestKickReason : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void reasonInTheBodyReachesTheClientAndTheLog();
    void reasonInTheQuery();
    void withoutAReason();
    void controlCharactersAreRemoved();
    void boundedAt200Bytes();
    void badBodiesAreRefusedAsJson();
    void unknownStreamIs404();
    void publishersCannotForgeADisconnect();
    void cleanKickReasonRules();
    void engineEntriesNameWhoAsked();
    void drainEndsAFullQueueAsShutdown();
    void kickWithAFullQueueStillSaysWhy();

private:
    // A stream of a client, and its id as the API names it.
    QByteArray openStream(SseClient *client, const QByteArray &clientId);
    quint16 port() const { return m_engine->port(); }

    std::unique_ptr<Engine> m_engine;
};

void TestKickReason::init()
{
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error, QStringLiteral("test")), qPrintable(error));
}

void TestKickReason::cleanup()
{
    m_engine.reset();
}

QByteArray TestKickReason::openStream(SseClient *client, const QByteArray &clientId)
{
    const int before = m_engine->hub()->streamCount();
    client->open(port(), "/events?topic=k&client_id=" + clientId);
    if (!QTest::qWaitFor([&] { return m_engine->hub()->streamCount() == before + 1; }, 5000))
        return {};
    for (const QJsonValue &stream :
         request(port(), "GET", "/streams").json().value(QLatin1String("connections")).toArray()) {
        const QJsonObject o = stream.toObject();
        if (o.value(QLatin1String("client_id")).toString() == QString::fromUtf8(clientId))
            return o.value(QLatin1String("id")).toString().toUtf8();
    }
    return {};
}

void TestKickReason::reasonInTheBodyReachesTheClientAndTheLog()
{
    SseClient client;
    const QByteArray id = openStream(&client, "k1");
    QVERIFY(!id.isEmpty());
    const HttpResponse kicked
        = request(port(), "DELETE", "/streams/" + id, R"({"reason": "maintenance \"now\""})");
    QCOMPARE(kicked.status, 200);
    QCOMPARE(kicked.json().value(QLatin1String("kicked")).toString(), QString::fromLatin1(id));
    QCOMPARE(kicked.json().value(QLatin1String("reason")).toString(),
             QStringLiteral("maintenance \"now\""));
    QTRY_VERIFY(!client.isConnected());
    const SseEvent last = client.events().last();
    QCOMPARE(last.type, QByteArray("disconnect"));
    QVERIFY(last.id.isEmpty()); // does not move the client's cursor
    QCOMPARE(last.json().value(QLatin1String("reason")).toString(), QStringLiteral("kicked"));
    QCOMPARE(last.json().value(QLatin1String("message")).toString(),
             QStringLiteral("maintenance \"now\""));
    // The log: the kick with the reason, then the close as `kicked`.
    const HttpResponse log = request(port(), "GET", "/log?kind=kick,disconnect");
    QCOMPARE(log.status, 200);
    const QList<QByteArray> lines = log.body.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject kick = QJsonDocument::fromJson(lines.at(0)).object();
    QCOMPARE(kick.value(QLatin1String("kind")).toString(), QStringLiteral("kick"));
    QCOMPARE(kick.value(QLatin1String("client_id")).toString(), QStringLiteral("k1"));
    QCOMPARE(kick.value(QLatin1String("reason")).toString(), QStringLiteral("maintenance \"now\""));
    const QJsonObject close = QJsonDocument::fromJson(lines.at(1)).object();
    QCOMPARE(close.value(QLatin1String("reason")).toString(), QStringLiteral("kicked"));
}

void TestKickReason::reasonInTheQuery()
{
    SseClient client;
    const QByteArray id = openStream(&client, "k2");
    QVERIFY(!id.isEmpty());
    const QByteArray reason = QUrl::toPercentEncoding(QStringLiteral("bye now \u7EF4\u62A4"));
    QCOMPARE(request(port(), "DELETE", "/connections/" + id + "?reason=" + reason).status, 200);
    QTRY_VERIFY(!client.isConnected());
    QCOMPARE(client.events().last().json().value(QLatin1String("message")).toString(),
             QStringLiteral("bye now \u7EF4\u62A4"));
    // Both at once is ambiguous.
    SseClient other;
    const QByteArray otherId = openStream(&other, "k2b");
    const HttpResponse both
        = request(port(), "DELETE", "/streams/" + otherId + "?reason=a", R"({"reason": "b"})");
    QCOMPARE(both.status, 400);
    QVERIFY(!both.json().value(QLatin1String("error")).toString().isEmpty());
    // Bytes that are not UTF-8 are refused, as in a JSON body (not turned into U+FFFD).
    const HttpResponse notUtf8
        = request(port(), "DELETE", "/streams/" + otherId + "?reason=%FF%FEab");
    QCOMPARE(notUtf8.status, 400);
    QVERIFY(notUtf8.json().value(QLatin1String("error")).toString().contains(QLatin1String("UTF-8")));
    QVERIFY(other.isConnected());
    // Free text in the text log is quoted: it cannot pose as more fields of the line.
    QTest::ignoreMessage(QtInfoMsg,
                         QRegularExpression(QStringLiteral(
                             "^kick connection \\d+ remote \\S+ "
                             "reason=\"ok remote 10\\.0\\.0\\.1:1 \\\\\"x\\\\\"\"$")));
    const QByteArray forged = QUrl::toPercentEncoding(QStringLiteral("ok remote 10.0.0.1:1 \"x\""));
    QCOMPARE(request(port(), "DELETE", "/streams/" + otherId + "?reason=" + forged).status, 200);
    QTRY_VERIFY(!other.isConnected());
}

void TestKickReason::withoutAReason()
{
    SseClient client;
    const QByteArray id = openStream(&client, "k3");
    QCOMPARE(request(port(), "DELETE", "/streams/" + id, QByteArray(), QByteArray()).status, 200);
    QTRY_VERIFY(!client.isConnected());
    QCOMPARE(client.events().last().type, QByteArray("disconnect"));
    QCOMPARE(client.events().last().json().value(QLatin1String("message")).toString(), QString());
}

void TestKickReason::controlCharactersAreRemoved()
{
    SseClient client;
    const QByteArray id = openStream(&client, "k4");
    const HttpResponse kicked = request(port(), "DELETE", "/streams/" + id,
                                        R"({"reason": "  line\none\u0007\u0085 end\r\n  "})");
    QCOMPARE(kicked.status, 200);
    QTRY_VERIFY(!client.isConnected());
    QCOMPARE(client.events().last().json().value(QLatin1String("message")).toString(),
             QStringLiteral("lineone end"));
}

void TestKickReason::boundedAt200Bytes()
{
    SseClient client;
    const QByteArray id = openStream(&client, "k5");
    // 67 euro signs: 201 bytes of UTF-8 (67 characters).
    const QByteArray tooLong = "{\"reason\": \"" + QString(67, QChar(0x20AC)).toUtf8() + "\"}";
    const HttpResponse refused = request(port(), "DELETE", "/streams/" + id, tooLong);
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.json().value(QLatin1String("error")).toString().contains(QLatin1String("200")),
             refused.body.constData());
    const HttpResponse refusedQuery
        = request(port(), "DELETE", "/streams/" + id + "?reason=" + QByteArray(201, 'x'));
    QCOMPARE(refusedQuery.status, 400);
    QVERIFY(client.isConnected()); // nothing happened
    QCOMPARE(m_engine->hub()->streamCount(), 1);
    // 200 bytes exactly are fine.
    const QString fits = QString(66, QChar(0x20AC)) + QStringLiteral("ok");
    const HttpResponse kicked
        = request(port(), "DELETE", "/streams/" + id, "{\"reason\": \"" + fits.toUtf8() + "\"}");
    QCOMPARE(kicked.status, 200);
    QTRY_VERIFY(!client.isConnected());
    QCOMPARE(client.events().last().json().value(QLatin1String("message")).toString(), fits);
}

void TestKickReason::badBodiesAreRefusedAsJson()
{
    SseClient client;
    const QByteArray id = openStream(&client, "k6");
    const QByteArray path = "/streams/" + id;
    for (const QByteArray &body :
         {QByteArray("{"), QByteArray("[]"), QByteArray("\"text\""),
          QByteArray(R"({"reason": 42})"), QByteArray(R"({"reason": ["a"]})")}) {
        const HttpResponse refused = request(port(), "DELETE", path, body);
        QVERIFY2(refused.status == 400, body.constData());
        QVERIFY(refused.header("content-type").startsWith("application/json"));
        QVERIFY2(!refused.json().value(QLatin1String("error")).toString().isEmpty(),
                 refused.body.constData());
    }
    const HttpResponse notJson
        = request(port(), "DELETE", path, "reason=x", "application/x-www-form-urlencoded");
    QCOMPARE(notJson.status, 415);
    QVERIFY(!notJson.json().value(QLatin1String("error")).toString().isEmpty());
    QVERIFY(client.isConnected());
    QCOMPARE(m_engine->hub()->streamCount(), 1);
}

void TestKickReason::unknownStreamIs404()
{
    for (const QByteArray &path :
         {QByteArray("/streams/999999"), QByteArray("/connections/999999"),
          QByteArray("/streams/not-a-number"), QByteArray("/streams/999999?reason=x")}) {
        const HttpResponse missing
            = request(port(), "DELETE", path, path.contains('?') ? "" : R"({"reason": "x"})");
        QVERIFY2(missing.status == 404, path.constData());
        QVERIFY(!missing.json().value(QLatin1String("error")).toString().isEmpty());
    }
    // A long id is not echoed whole.
    const HttpResponse longId = request(port(), "DELETE", "/streams/" + QByteArray(2000, '7'));
    QCOMPARE(longId.status, 404);
    QVERIFY(longId.body.size() < 400);
}

void TestKickReason::publishersCannotForgeADisconnect()
{
    const HttpResponse refused = publish(port(), "k", "1", "disconnect");
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("reserved")));
}

void TestKickReason::cleanKickReasonRules()
{
    QString error;
    QCOMPARE(cleanKickReason(QStringLiteral(" a\tb\u0000c\u009F "), &error), QStringLiteral("abc"));
    QVERIFY(error.isEmpty());
    QCOMPARE(cleanKickReason(QString(), &error), QString());
    QVERIFY(error.isEmpty());
    QVERIFY(cleanKickReason(QString(201, QLatin1Char('x')), &error).isEmpty());
    QVERIFY(!error.isEmpty());
    QCOMPARE(cleanKickReason(QString(200, QLatin1Char('x')), &error).size(), 200);
    QVERIFY(error.isEmpty());
    // Spaces around do not count against the bound.
    QCOMPARE(cleanKickReason(QStringLiteral("   ") + QString(200, QLatin1Char('x')), &error).size(),
             200);
    QVERIFY(error.isEmpty());
    // Bidi overrides, zero-width marks and line or paragraph separators are dropped too: the
    // log and the client show the text as it reads.
    QCOMPARE(cleanKickReason(QStringLiteral("\u202Eevil\u200B one\u2029two\u2028"), &error),
             QStringLiteral("evil onetwo"));
    QVERIFY(error.isEmpty());
    // A lone surrogate is not text.
    cleanKickReason(QString(QChar(0xD800)), &error);
    QVERIFY(!error.isEmpty());
}

// The log's engine entries: started (by whom), stopping and stopped around a drain's closes,
// each close naming who asked; GET /log?kind=engine finds them.
void TestKickReason::engineEntriesNameWhoAsked()
{
    SseClient a, b;
    openStream(&a, "e1");
    openStream(&b, "e2");
    const HttpResponse started = request(port(), "GET", "/log?kind=engine");
    QCOMPARE(started.status, 200);
    const QJsonObject first = QJsonDocument::fromJson(started.body.trimmed()).object();
    QCOMPARE(first.value(QLatin1String("kind")).toString(), QStringLiteral("engine"));
    QCOMPARE(first.value(QLatin1String("reason")).toString(), QStringLiteral("started"));
    const QString url = m_engine->listenUrl();
    bool drained = false;
    m_engine->drain([&drained] { drained = true; }, CloseReason::Restart,
                    QStringLiteral("console action=restart"));
    QTRY_VERIFY(drained);
    QTRY_VERIFY(!a.isConnected());
    QCOMPARE(a.events().last().type, QByteArray("shutdown"));
    const QList<LogEntry> entries = m_engine->log()->entries();
    QStringList sequence;
    for (const LogEntry &e : entries) {
        if (e.kind == LogEntry::Kind::Engine || e.kind == LogEntry::Kind::Disconnect)
            sequence << LogEntry::kindName(e.kind) + QLatin1Char(':') + e.reason;
    }
    QCOMPARE(sequence,
             QStringList({QStringLiteral("engine:started"), QStringLiteral("engine:stopping"),
                          QStringLiteral("disconnect:restart"),
                          QStringLiteral("disconnect:restart"), QStringLiteral("engine:stopped")}));
    for (const LogEntry &e : entries) {
        if (e.kind == LogEntry::Kind::Engine && e.reason == QLatin1String("started")) {
            QVERIFY2(e.detail.contains(QLatin1String("by=test")), qPrintable(e.detail));
            QVERIFY(e.detail.contains(QStringLiteral("listen=") + url));
        } else if (e.kind == LogEntry::Kind::Engine || e.kind == LogEntry::Kind::Disconnect) {
            QVERIFY2(e.detail.contains(QLatin1String("by=console action=restart")),
                     qPrintable(e.detail));
        }
    }
    QCOMPARE(LogEntry::kindName(LogEntry::Kind::Engine), QStringLiteral("engine"));
    LogEntry::Kind parsed;
    QVERIFY(LogEntry::kindFromName(u"engine", &parsed));
    QCOMPARE(parsed, LogEntry::Kind::Engine);
}

// A stream whose queue is all but full when the drain begins: the shutdown notice must not push
// it over --max-queue (that closed it as a slow consumer, dropping its data, and the log showed
// no server-shutdown close); it gets its data, then the notice, and closes as server-shutdown.
void TestKickReason::drainEndsAFullQueueAsShutdown()
{
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.maxQueueBytes = 256 * 1024;
    config.drainMs = 10000;
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    SseClient slow;
    const QByteArray id = openStream(&slow, "full");
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY(slow.hasSession());
    slow.setReading(false);
    const SseStream *stream = m_engine->hub()->stream(id.toULongLong());
    QVERIFY(stream);
    // Fill the kernel's buffers, then the server's queue.
    int sent = 0;
    const QByteArray chunk = "\"" + QByteArray(8 * 1024, 'x') + "\"";
    while (stream->bytesQueued() < 64 * 1024 && sent < 2000) {
        QCOMPARE(publish(port(), "k", chunk).status, 200);
        ++sent;
    }
    QVERIFY(stream->bytesQueued() > 0);
    // One frame's overhead (id, envelope) from a probe; then exactly 8 bytes of room are left,
    // fewer than the notice needs.
    qint64 before = stream->bytesQueued();
    QCOMPARE(publish(port(), "k", "\"probe\"").status, 200);
    ++sent;
    const qint64 overhead = stream->bytesQueued() - before - qint64(strlen("\"probe\""));
    while (config.maxQueueBytes - stream->bytesQueued() > 16 * 1024) {
        QCOMPARE(publish(port(), "k", chunk).status, 200);
        ++sent;
    }
    const qint64 room = config.maxQueueBytes - stream->bytesQueued();
    const qint64 payload = room - overhead - 8;
    QVERIFY(payload > 2);
    QCOMPARE(publish(port(), "k", "\"" + QByteArray(payload - 2, 'y') + "\"").status, 200);
    ++sent;
    // Less room than the notice (about 50 bytes) needs (an id may have grown by a digit).
    const qint64 left = config.maxQueueBytes - stream->bytesQueued();
    QVERIFY2(left > 0 && left < 40, qPrintable(QString::number(left)));
    QCOMPARE(m_engine->hub()->streamCount(), 1); // still open, full

    bool drained = false;
    m_engine->drain([&drained] { drained = true; }, CloseReason::Shutdown,
                    QStringLiteral("signal"));
    slow.setReading(true);
    QTRY_VERIFY_WITH_TIMEOUT(drained, 15000);
    QTRY_VERIFY(!slow.isConnected());
    QCOMPARE(slow.messages().size(), sent + 1); // every event, then the notice
    QCOMPARE(slow.events().last().type, QByteArray("shutdown"));
    int shutdownCloses = 0;
    for (const LogEntry &e : m_engine->log()->entries()) {
        QVERIFY2(e.kind != LogEntry::Kind::SlowConsumer, qPrintable(e.detail));
        if (e.kind == LogEntry::Kind::Disconnect && e.reason == QLatin1String("server-shutdown"))
            ++shutdownCloses;
    }
    QCOMPARE(shutdownCloses, 1);
}

// A kick on a stream whose queue is full (its reader is slow): the events not yet begun are
// dropped, the disconnect with the reason is the last event the client reads, and the client
// resumes the dropped events by Last-Event-ID. A second kick of the ending stream is a 404.
void TestKickReason::kickWithAFullQueueStillSaysWhy()
{
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.maxQueueBytes = 4 * 1024 * 1024;
    m_engine = std::make_unique<Engine>(config);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    SseClient slow;
    const QByteArray id = openStream(&slow, "backlog");
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY(slow.hasSession());
    slow.setReading(false);
    const SseStream *stream = m_engine->hub()->stream(id.toULongLong());
    QVERIFY(stream);
    const QByteArray chunk = "\"" + QByteArray(30 * 1024, 'x') + "\"";
    int sent = 0;
    while (stream->bytesQueued() < 256 * 1024 && sent < 400) {
        QCOMPARE(publish(port(), "k", chunk).status, 200);
        ++sent;
    }
    QVERIFY2(stream->bytesQueued() >= 256 * 1024, "the queue did not fill");

    const HttpResponse kicked
        = request(port(), "DELETE", "/streams/" + id + "?reason=queue%20full");
    QCOMPARE(kicked.status, 200);
    QCOMPARE(request(port(), "DELETE", "/streams/" + id).status, 404); // already ending
    slow.setReading(true);
    QTRY_VERIFY_WITH_TIMEOUT(!slow.isConnected(), 10000);
    QVERIFY(!slow.events().isEmpty());
    const SseEvent last = slow.events().last();
    QCOMPARE(last.type, QByteArray("disconnect"));
    QCOMPARE(last.json().value(QLatin1String("message")).toString(), QStringLiteral("queue full"));
    const QByteArray lastId = slow.lastEventId();
    int received = 0;
    for (const SseEvent &e : slow.events())
        received += e.type == "message" ? 1 : 0;
    QVERIFY2(received < sent, "nothing was dropped: the test did not fill the queue");

    // What was dropped comes back on reconnect, from where the client stopped.
    SseClient again;
    again.open(port(), "/events?topic=k&client_id=backlog", {{"Last-Event-ID", lastId}});
    QTRY_COMPARE_WITH_TIMEOUT(int(again.messages().size()), sent - received, 10000);
}

QTEST_GUILESS_MAIN(TestKickReason)
#include "tst_kickreason.moc"
