// The engine over real sockets on 127.0.0.1: streams, publish, replay, reset, heartbeat, cleanup,
// slow consumers, limits, CORS, kicks and the engine thread.
#include "api/enginethread.h"
#include "broker/localbroker.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "redisserver.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <malloc.h>
#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// Heap bytes in use (not RSS, which also counts freed memory the allocator keeps).
qint64 heapInUseKiB()
{
    return qint64(mallinfo2().uordblks / 1024);
}

QByteArray idOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("id")).toString().toUtf8();
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void streamHead();
    void publishAndReceive();
    void filtersRoute();
    void publishErrors_data();
    void publishErrors();
    void oversizedBodies();
    void streamErrors_data();
    void streamErrors();
    void replayAfterLastEventId();
    void queryCursorAndHeaderPrecedence();
    void resetOnHistoryGap_data();
    void resetOnHistoryGap();
    void historyIsBoundedInBytes();
    void replaySeamUnderLoad();
    void heartbeat();
    void disconnectCleanup();
    void slowConsumer();
    void kick();
    void connectionLogRoute();
    void rollingLogFile();
    void cors();
    void pipelinedBytesOnAStream();
    void requestLimits();
    void truncatedRequests();
    void keepAliveAndPipelining();
    void streamRequestPaths();
    void demoPage();
    void connectionLog();
    void engineThread();
    void metricsHealthAndStats();
    void readinessFollowsTheBroker();
    void gracefulDrain();

private:
    Engine *start(Engine::Config config = {});
    quint16 port() const { return m_engine->port(); }

    std::unique_ptr<Engine> m_engine;
};

Engine *TestEngine::start(Engine::Config config)
{
    m_engine.reset();
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    m_engine = std::make_unique<Engine>(config);
    QString error;
    if (!m_engine->start(&error))
        qFatal("engine did not start: %s", qPrintable(error));
    return m_engine.get();
}

void TestEngine::init()
{
    start();
}

void TestEngine::cleanup()
{
    m_engine.reset();
}

void TestEngine::streamHead()
{
    Engine::Config config;
    config.retryMs = 1234;
    start(config);
    SseClient client;
    client.open(port(), "/events?topic=a");
    QTRY_VERIFY(client.headComplete());
    QCOMPARE(client.status(), 200);
    QCOMPARE(client.header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
    QCOMPARE(client.header("cache-control"), QByteArray("no-cache"));
    QCOMPARE(client.header("x-accel-buffering"), QByteArray("no"));
    QVERIFY(client.header("content-length").isNull());
    QVERIFY(client.header("transfer-encoding").isNull());
    QTRY_COMPARE(client.retryMs(), 1234);
    // The retry line is the first thing on the stream.
    const QByteArray raw = client.raw();
    QVERIFY(raw.mid(raw.indexOf("\r\n\r\n") + 4).startsWith("retry: 1234\n\n"));
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
}

void TestEngine::publishAndReceive()
{
    SseClient client;
    client.open(port(), "/events?topic=sensor/1/data");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);

    const HttpResponse first
        = publish(port(), "sensor/1/data", "{\"t\":21.5,\"text\":\"line1\\nline2\"}");
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("content-type"), QByteArray("application/json"));
    QCOMPARE(first.json().value(QLatin1String("delivered")).toInt(), 1);
    const HttpResponse second = publish(port(), "sensor/1/data", "[1,2]", "alarm");
    QCOMPARE(second.status, 200);
    QVERIFY(idOf(second).toULongLong() > idOf(first).toULongLong());

    QTRY_COMPARE(client.events().size(), 2);
    const SseEvent a = client.events().at(0);
    QCOMPARE(a.type, QByteArray("message")); // no event: line, so onmessage fires
    QCOMPARE(a.id, idOf(first));
    const QJsonObject envelope = a.json();
    QCOMPARE(envelope.value(QLatin1String("id")).toString().toUtf8(), idOf(first));
    QCOMPARE(envelope.value(QLatin1String("topic")).toString(), QStringLiteral("sensor/1/data"));
    QCOMPARE(envelope.value(QLatin1String("type")).toString(), QStringLiteral("message"));
    QCOMPARE(
        envelope.value(QLatin1String("payload")).toObject().value(QLatin1String("text")).toString(),
        QStringLiteral("line1\nline2"));
    const qint64 ts = qint64(envelope.value(QLatin1String("timestamp")).toDouble());
    QVERIFY(qAbs(ts - QDateTime::currentMSecsSinceEpoch()) < 60000);
    const SseEvent b = client.events().at(1);
    QCOMPARE(b.type, QByteArray("alarm"));
    QCOMPARE(b.json().value(QLatin1String("payload")).toArray().size(), 2);
    QVERIFY(!client.raw().contains("event: message"));
}

void TestEngine::filtersRoute()
{
    SseClient plus, hash, exact, system;
    plus.open(port(), "/events?topic=sensor/%2B/data");
    hash.open(port(), "/events?topic=sensor/%23");
    exact.open(port(), "/events?topic=other&topic=sensor/2/data");
    system.open(port(), "/events?topic=%23");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 4);

    QCOMPARE(publish(port(), "sensor/1/data", "1").json().value(QLatin1String("delivered")).toInt(),
             3);
    QCOMPARE(publish(port(), "sensor/2/data", "2").json().value(QLatin1String("delivered")).toInt(),
             4);
    QCOMPARE(
        publish(port(), "sensor/1/status", "3").json().value(QLatin1String("delivered")).toInt(),
        2);
    QCOMPARE(publish(port(), "sensor", "4").json().value(QLatin1String("delivered")).toInt(), 2);
    QCOMPARE(publish(port(), "$SYS/x", "5").json().value(QLatin1String("delivered")).toInt(), 0);
    QCOMPARE(publish(port(), "nobody", "6").json().value(QLatin1String("delivered")).toInt(), 1);

    QTRY_COMPARE(system.events().size(), 5);
    QTRY_COMPARE(hash.events().size(), 4);
    QTRY_COMPARE(plus.events().size(), 2);
    QTRY_COMPARE(exact.events().size(), 1);
    QCOMPARE(exact.events().at(0).json().value(QLatin1String("payload")).toInt(), 2);
}

void TestEngine::publishErrors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorPart");

    const QByteArray json = "application/json";
    QTest::newRow("not json") << QByteArray("POST") << json << QByteArray("{topic:") << 400
                              << "not valid JSON";
    QTest::newRow("not an object")
        << QByteArray("POST") << json << QByteArray("[1]") << 400 << "object";
    QTest::newRow("no topic") << QByteArray("POST") << json << QByteArray("{\"payload\":1}") << 400
                              << "topic";
    QTest::newRow("topic not string")
        << QByteArray("POST") << json << QByteArray("{\"topic\":5,\"payload\":1}") << 400
        << "topic";
    QTest::newRow("no payload") << QByteArray("POST") << json << QByteArray("{\"topic\":\"a\"}")
                                << 400 << "payload";
    QTest::newRow("wildcard +") << QByteArray("POST") << json
                                << QByteArray("{\"topic\":\"a/+\",\"payload\":1}") << 400
                                << "wildcard";
    QTest::newRow("wildcard #") << QByteArray("POST") << json
                                << QByteArray("{\"topic\":\"a/#\",\"payload\":1}") << 400
                                << "wildcard";
    QTest::newRow("empty topic") << QByteArray("POST") << json
                                 << QByteArray("{\"topic\":\"\",\"payload\":1}") << 400 << "empty";
    QTest::newRow("control in topic")
        << QByteArray("POST") << json << QByteArray("{\"topic\":\"a\\nb\",\"payload\":1}") << 400
        << "control";
    QTest::newRow("long topic") << QByteArray("POST") << json
                                << "{\"topic\":\"" + QByteArray(300, 'a') + "\",\"payload\":1}"
                                << 400 << "longer";
    QTest::newRow("type not string")
        << QByteArray("POST") << json << QByteArray("{\"topic\":\"a\",\"type\":1,\"payload\":1}")
        << 400 << "type";
    QTest::newRow("type with newline")
        << QByteArray("POST") << json
        << QByteArray("{\"topic\":\"a\",\"type\":\"x\\ny\",\"payload\":1}") << 400 << "control";
    QTest::newRow("type with CR LF")
        << QByteArray("POST") << json
        << QByteArray("{\"topic\":\"a\",\"type\":\"x\\r\\nid: 1\",\"payload\":1}") << 400
        << "control";
    QTest::newRow("deeply nested payload")
        << QByteArray("POST") << json
        << "{\"topic\":\"a\",\"payload\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}"
        << 400 << "not valid JSON";
    QTest::newRow("invalid UTF-8 topic")
        << QByteArray("POST") << json << QByteArray("{\"topic\":\"a\xff\",\"payload\":1}") << 400
        << "JSON";
    QTest::newRow("reserved type")
        << QByteArray("POST") << json
        << QByteArray("{\"topic\":\"a\",\"type\":\"reset\",\"payload\":1}") << 400 << "reserved";
    QTest::newRow("reserved type shutdown")
        << QByteArray("POST") << json
        << QByteArray("{\"topic\":\"a\",\"type\":\"shutdown\",\"payload\":1}") << 400 << "reserved";
    QTest::newRow("form body") << QByteArray("POST")
                               << QByteArray("application/x-www-form-urlencoded")
                               << QByteArray("topic=a") << 415 << "application/json";
    QTest::newRow("no content type")
        << QByteArray("POST") << QByteArray() << QByteArray("{}") << 415 << "application/json";
    QTest::newRow("GET publish") << QByteArray("GET") << QByteArray() << QByteArray() << 405
                                 << "POST";
}

void TestEngine::publishErrors()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, errorPart);

    SseClient watcher;
    watcher.open(port(), "/events?topic=%23");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);

    const HttpResponse r
        = request(port(), method, "/publish", method == "GET" ? QByteArray() : body, contentType);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    const QString error = r.json().value(QLatin1String("error")).toString();
    QVERIFY2(error.contains(errorPart, Qt::CaseInsensitive), qPrintable(error));

    // Nothing was delivered, and the server still works.
    QCOMPARE(publish(port(), "ok", "true").status, 200);
    QTRY_COMPARE(watcher.events().size(), 1);
    QCOMPARE(watcher.events().at(0).json().value(QLatin1String("topic")).toString(),
             QStringLiteral("ok"));
}

void TestEngine::oversizedBodies()
{
    Engine::Config config;
    config.maxBodyBytes = 4096;
    start(config);
    // Declared too large: refused from the head, before the body is read.
    const QByteArray big = "{\"topic\":\"a\",\"payload\":\"" + QByteArray(5000, 'x') + "\"}";
    HttpResponse r = request(port(), "POST", "/publish", big);
    QCOMPARE(r.status, 413);
    QVERIFY(r.json().value(QLatin1String("error")).toString().contains(QLatin1String("4096")));
    // Only a head that promises a huge body: still a prompt 413.
    r = rawRequest(port(),
                   "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                   "application/json\r\nContent-Length: 1000000000\r\n\r\n");
    QCOMPARE(r.status, 413);
    // Chunked with no declared size: counted as it arrives.
    QByteArray chunked = "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 10; ++i)
        chunked += "400\r\n" + QByteArray(1024, ' ') + "\r\n";
    r = rawRequest(port(), chunked);
    QCOMPARE(r.status, 413);
    // Just under the limit works.
    const QByteArray fits = "{\"topic\":\"a\",\"payload\":\"" + QByteArray(3000, 'x') + "\"}";
    QCOMPARE(request(port(), "POST", "/publish", fits).status, 200);
}

void TestEngine::streamErrors_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("no topic") << QByteArray("/events") << 400 << "topic parameter";
    QTest::newRow("hash not last") << QByteArray("/events?topic=a/%23/b") << 400 << "last level";
    QTest::newRow("mixed wildcard") << QByteArray("/events?topic=a/b%2B") << 400 << "whole level";
    QTest::newRow("empty filter") << QByteArray("/events?topic=") << 400 << "empty";
    QTest::newRow("control") << QByteArray("/events?topic=a%0Ab") << 400 << "control";
    QTest::newRow("bad utf8") << QByteArray("/events?topic=a%FF") << 400 << "UTF-8";
    QTest::newRow("CR LF in client id")
        << QByteArray("/events?topic=a&client_id=x%0D%0AEvil:%201") << 400 << "control";
    QTest::newRow("too long") << "/events?topic=" + QByteArray(257, 'a') << 400 << "longer";
    QByteArray many = "/events?";
    for (int i = 0; i < 65; ++i)
        many += "topic=t" + QByteArray::number(i) + "&";
    QTest::newRow("65 filters") << many << 400 << "64";
    QTest::newRow("POST events") << QByteArray("POST /events") << 405 << "GET";
    QTest::newRow("unknown path") << QByteArray("/nope") << 404 << "no such endpoint";
}

void TestEngine::streamErrors()
{
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QString, errorPart);
    HttpResponse r;
    if (path.startsWith("POST "))
        r = request(port(), "POST", path.mid(5), "{}");
    else
        r = request(port(), "GET", path);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    const QString error = r.json().value(QLatin1String("error")).toString();
    QVERIFY2(error.contains(errorPart), qPrintable(error));
    QCOMPARE(m_engine->hub()->streamCount(), 0);
}

void TestEngine::replayAfterLastEventId()
{
    QList<QByteArray> ids;
    for (int i = 0; i < 5; ++i)
        ids << idOf(publish(port(), i % 2 ? "odd" : "even", QByteArray::number(i)));
    SseClient client;
    client.open(port(), "/events?topic=even&topic=odd", {{"Last-Event-ID", ids.at(1)}});
    QTRY_COMPARE(client.events().size(), 3);
    QCOMPARE(client.events().at(0).id, ids.at(2));
    QCOMPARE(client.events().at(2).id, ids.at(4));
    // Then live, with no gap.
    const QByteArray live = idOf(publish(port(), "odd", "5"));
    QTRY_COMPARE(client.events().size(), 4);
    QCOMPARE(client.events().at(3).id, live);

    // Replay honours the filters.
    SseClient evenOnly;
    evenOnly.open(port(), "/events?topic=even", {{"Last-Event-ID", ids.at(0)}});
    QTRY_COMPARE(evenOnly.events().size(), 2);
    QCOMPARE(evenOnly.events().at(0).id, ids.at(2));
    QCOMPARE(evenOnly.events().at(1).id, ids.at(4));
}

void TestEngine::queryCursorAndHeaderPrecedence()
{
    QList<QByteArray> ids;
    for (int i = 0; i < 4; ++i)
        ids << idOf(publish(port(), "t", QByteArray::number(i)));
    SseClient byQuery;
    byQuery.open(port(), "/events?topic=t&lastEventId=" + ids.at(2));
    QTRY_COMPARE(byQuery.events().size(), 1);
    QCOMPARE(byQuery.events().at(0).id, ids.at(3));

    SseClient both;
    both.open(port(), "/events?topic=t&lastEventId=" + ids.at(2), {{"Last-Event-ID", ids.at(0)}});
    QTRY_COMPARE(both.events().size(), 3);
    QCOMPARE(both.events().at(0).id, ids.at(1));
}

void TestEngine::resetOnHistoryGap_data()
{
    QTest::addColumn<QByteArray>("cursorKind");
    QTest::newRow("evicted id") << QByteArray("old");
    QTest::newRow("garbage") << QByteArray("garbage");
    QTest::newRow("future id") << QByteArray("future");
}

void TestEngine::resetOnHistoryGap()
{
    QFETCH(QByteArray, cursorKind);
    Engine::Config config;
    config.historySize = 3;
    start(config);
    QList<QByteArray> ids;
    for (int i = 0; i < 6; ++i)
        ids << idOf(publish(port(), "t", QByteArray::number(i)));
    QByteArray cursor = ids.at(0);
    if (cursorKind == "garbage")
        cursor = "not-an-id\x01";
    else if (cursorKind == "future")
        cursor = QByteArray::number(ids.last().toULongLong() + 1000);

    SseClient client;
    client.open(port(), "/events?topic=t", {{"Last-Event-ID", cursor.replace('\x01', ' ')}});
    QTRY_COMPARE(client.events().size(), 4);
    const SseEvent reset = client.events().at(0);
    QCOMPARE(reset.type, QByteArray("reset"));
    QCOMPARE(reset.json().value(QLatin1String("reason")).toString(), QStringLiteral("history-gap"));
    QCOMPARE(reset.json().value(QLatin1String("oldest")).toString().toUtf8(), ids.at(3));
    QCOMPARE(client.events().at(1).id, ids.at(3));
    QCOMPARE(client.events().at(3).id, ids.at(5));
    QCOMPARE(m_engine->hub()->streamCount(), 1);
}

void TestEngine::historyIsBoundedInBytes()
{
    // Big events with the default bounds (10,000 events, 64 MiB): the bytes bound wins, the
    // process does not grow past it, and replay works for what is kept and says `reset` for
    // what is not. (Without it 2,500 x 64 KiB events held about 500 MB.)
    start();
    const qint64 limit = EventHistory::DefaultByteLimit;
    QCOMPARE(m_engine->config().historyBytes, limit);
    const QByteArray payload = '"' + QByteArray(64 * 1024 - 2, 'm') + '"';
    const qint64 rssBefore = residentKiB();
    constexpr int count = 2500;
    QList<quint64> ids;
    for (int i = 0; i < count; ++i) {
        m_engine->publish({"big", {}, payload}, [&ids](const PublishResult &r) {
            QVERIFY(r.ok());
            ids << r->id;
        });
    }
    QCOMPARE(ids.size(), count);
    const EventHistory &history = m_engine->broker()->history();
    qInfo("history: %lld events, %lld bytes; RSS %lld -> %lld KiB", qint64(history.size()),
          history.bytes(), rssBefore, residentKiB());
    QVERIFY(history.bytes() <= limit);
    QVERIFY(history.bytes() > limit - EventHistory::costOf(*history.newest()));
    QVERIFY(history.size() < count);
    QCOMPARE(history.newest()->id, ids.last());
    const QJsonObject stats = request(port(), "GET", "/stats").json();
    QCOMPARE(qint64(stats.value(QLatin1String("history_bytes")).toDouble()), history.bytes());
    // The process grew by the history at most, and some slack for the allocator.
    const qint64 grownKiB = residentKiB() - rssBefore;
    QVERIFY2(!MemoryFiguresMeaningful || grownKiB < (limit + 32 * 1024 * 1024) / 1024,
             qPrintable(QString::number(grownKiB)));

    // A cursor still in the history: exactly what followed it.
    SseClient recent;
    recent.open(port(), "/events?topic=big",
                {{"Last-Event-ID", QByteArray::number(ids.at(count - 3))}});
    QTRY_COMPARE(recent.events().size(), 2);
    QCOMPARE(recent.events().at(0).id, QByteArray::number(ids.at(count - 2)));
    QCOMPARE(recent.events().at(1).json().value(QLatin1String("payload")).toString().size(),
             payload.size() - 2);
    // A cursor that fell off: reset first, naming the oldest kept event, then all that is kept.
    const quint64 oldest = history.oldest()->id;
    const qsizetype kept = history.size();
    SseClient old;
    old.open(port(), "/events?topic=big", {{"Last-Event-ID", QByteArray::number(ids.first())}});
    QTRY_COMPARE_WITH_TIMEOUT(old.events().size(), kept + 1, 20000);
    QCOMPARE(old.events().at(0).type, QByteArray("reset"));
    QCOMPARE(old.events().at(0).json().value(QLatin1String("oldest")).toString().toUtf8(),
             QByteArray::number(oldest));
    QCOMPARE(old.events().at(1).id, QByteArray::number(oldest));
    QCOMPARE(old.events().last().id, QByteArray::number(ids.last()));
}

void TestEngine::replaySeamUnderLoad()
{
    // Many retained events to replay (several replay batches) while a publisher keeps going:
    // the client must see every event after its cursor exactly once, in order.
    Engine::Config config;
    config.historySize = 50000;
    start(config);
    auto *broker = qobject_cast<LocalBroker *>(m_engine->broker());
    QVERIFY(broker);
    auto publishLocal = [broker](int n) {
        broker->publish({"load/x", "message", QByteArray::number(n)}, [](const PublishResult &) {});
    };
    for (int i = 0; i < 3000; ++i)
        publishLocal(i);
    const quint64 cursor = broker->lastId() - 2500; // 2500 to replay

    int next = 3000;
    QTimer publisher;
    publisher.setInterval(0);
    connect(&publisher, &QTimer::timeout, this, [&] {
        for (int i = 0; i < 5; ++i)
            publishLocal(next++);
    });
    publisher.start();

    SseClient client;
    client.open(port(), "/events?topic=load/%2B", {{"Last-Event-ID", QByteArray::number(cursor)}});
    QTRY_VERIFY_WITH_TIMEOUT(client.events().size() > 4000, 20000);
    publisher.stop();
    const quint64 last = broker->lastId();
    QTRY_COMPARE_WITH_TIMEOUT(client.events().size(), int(last - cursor), 20000);
    quint64 expected = cursor + 1;
    for (const SseEvent &e : client.events()) {
        QCOMPARE(e.id.toULongLong(), expected);
        ++expected;
    }
    QVERIFY(next > 3500); // publishing really overlapped the replay
}

void TestEngine::heartbeat()
{
    Engine::Config config;
    config.heartbeatMs = 40;
    start(config);
    SseClient idle, busy;
    idle.open(port(), "/events?topic=idle");
    busy.open(port(), "/events?topic=busy");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    QTimer feed;
    feed.setInterval(10);
    connect(&feed, &QTimer::timeout, this, [&] { publish(port(), "busy", "1"); });
    feed.start();
    QTRY_VERIFY_WITH_TIMEOUT(idle.comments() >= 5, 5000);
    feed.stop();
    QCOMPARE(idle.commentLines().first(), QByteArray(": ping"));
    // A stream that carries events needs no ping.
    QVERIFY2(
        busy.comments() <= 1,
        qPrintable(
            QStringLiteral("%1 pings, %2 events").arg(busy.comments()).arg(busy.events().size())));
    QVERIFY(busy.events().size() >= 5);
    QTRY_VERIFY(busy.comments() >= 1); // and gets them again once events stop
}

void TestEngine::disconnectCleanup()
{
    Engine::Config config;
    config.heartbeatMs = 1000;
    config.logCapacity = 100; // the bounded log is allowed to fill; it is not what is measured
    start(config);
    Hub *hub = m_engine->hub();
    auto round = [&](int count) {
        std::vector<std::unique_ptr<SseClient>> clients;
        for (int i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<SseClient>());
            clients.back()->open(port(), "/events?topic=c/" + QByteArray::number(i % 50));
        }
        QTRY_COMPARE_WITH_TIMEOUT(hub->streamCount(), count, 30000);
        QCOMPARE(publish(port(), "c/7", "1").json().value(QLatin1String("delivered")).toInt(),
                 count / 50);
        for (auto &c : clients)
            c->close();
        QTRY_COMPARE_WITH_TIMEOUT(hub->streamCount(), 0, 30000);
        // The per-connection objects are gone too, not just unregistered.
        QTRY_VERIFY(hub->findChildren<SseStream *>().isEmpty());
        QTRY_COMPARE(m_engine->front()->findChildren<QTcpSocket *>().size(), 0);
    };
    // Two rounds bring the allocator to its working size; the next four must not grow it. Heap in
    // use is the exact measure; resident memory is read after returning free pages to the system
    // (glibc keeps freed memory mapped, which is retention, not a leak).
    round(1000);
    round(1000);
    malloc_trim(0);
    const qint64 heapBefore = heapInUseKiB();
    const qint64 rssBefore = residentKiB();
    for (int i = 0; i < 4; ++i)
        round(1000);
    malloc_trim(0);
    const qint64 heapAfter = heapInUseKiB();
    const qint64 rssAfter = residentKiB();
    const QString figures
        = QStringLiteral("after 2 rounds of 1000 clients: heap in use %1 KiB, resident %2 KiB; "
                         "after 6 rounds: %3 KiB, %4 KiB")
              .arg(heapBefore)
              .arg(rssBefore)
              .arg(heapAfter)
              .arg(rssAfter);
    qInfo("%s", qPrintable(figures));
#if defined(__SANITIZE_ADDRESS__)
    QSKIP(
        "AddressSanitizer keeps freed memory in quarantine: the memory figures mean nothing here");
#endif
    QVERIFY2(heapAfter - heapBefore < 256,
             qPrintable(QStringLiteral("heap kept growing: ") + figures));
    QVERIFY2(rssAfter - rssBefore < 2048,
             qPrintable(QStringLiteral("memory kept growing: ") + figures));
    QCOMPARE(publish(port(), "c/7", "1").json().value(QLatin1String("delivered")).toInt(), 0);
    QCOMPARE(hub->counters().connectionsOpened, 6000u);
}

void TestEngine::slowConsumer()
{
    Engine::Config config;
    config.maxQueueBytes = 64 * 1024;
    start(config);
    SseClient slow, healthy;
    slow.open(port(), "/events?topic=bulk");
    healthy.open(port(), "/events?topic=bulk");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    QTRY_VERIFY(slow.headComplete());
    slow.setReading(false);

    // Large events fill the kernel's socket buffers (several MB on loopback) quickly.
    const QByteArray payload = '"' + QByteArray(48000, 'p') + '"';
    int published = 0;
    while (m_engine->hub()->counters().slowConsumerCloses == 0 && published < 5000) {
        QCOMPARE(publish(port(), "bulk", payload).status, 200);
        ++published;
    }
    QCOMPARE(m_engine->hub()->counters().slowConsumerCloses, 1u);
    QCOMPARE(m_engine->hub()->streamCount(), 1);
    // The healthy subscriber got everything, undelayed by the slow one.
    QTRY_COMPARE(healthy.events().size(), published);
    bool logged = false;
    for (const LogEntry &e : m_engine->log()->entries())
        logged
            |= e.kind == LogEntry::Kind::SlowConsumer && e.reason == QLatin1String("slow-consumer");
    QVERIFY(logged);

    // It resumes with Last-Event-ID and gets what it missed.
    slow.setReading(true);
    QTRY_VERIFY(!slow.isConnected());
    const QByteArray last = slow.lastEventId();
    const int seen = int(slow.events().size());
    SseClient resumed;
    resumed.open(port(), "/events?topic=bulk",
                 {{"Last-Event-ID", last.isEmpty() ? QByteArray("0") : last}});
    const int missing = published - seen;
    QTRY_COMPARE(resumed.messages().size(), missing);
    QCOMPARE(resumed.messages().last().id, healthy.events().last().id);
}

void TestEngine::kick()
{
    SseClient client;
    client.open(port(), "/events?topic=k", {{"User-Agent", "kick-test"}});
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    HttpResponse list = request(port(), "GET", "/connections");
    QCOMPARE(list.status, 200);
    const QJsonArray connections = list.json().value(QLatin1String("connections")).toArray();
    QCOMPARE(connections.size(), 1);
    const QJsonObject c = connections.at(0).toObject();
    QCOMPARE(c.value(QLatin1String("user_agent")).toString(), QStringLiteral("kick-test"));
    QCOMPARE(c.value(QLatin1String("filters")).toArray().at(0).toString(), QStringLiteral("k"));
    const QByteArray id = c.value(QLatin1String("id")).toString().toUtf8();
    // GET /streams is the same route under the API's word for it.
    const HttpResponse streams = request(port(), "GET", "/streams");
    QCOMPARE(streams.status, 200);
    const QJsonArray listed = streams.json().value(QLatin1String("connections")).toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.at(0).toObject().value(QLatin1String("id")), c.value(QLatin1String("id")));

    QCOMPARE(request(port(), "DELETE", "/connections/999999").status, 404);
    const HttpResponse kicked = request(port(), "DELETE", "/connections/" + id);
    QCOMPARE(kicked.status, 200);
    QTRY_VERIFY(!client.isConnected());
    QCOMPARE(m_engine->hub()->streamCount(), 0);

    // DELETE /streams/<id> is the same route under the API's word for it.
    SseClient second;
    second.open(port(), "/events?topic=k");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const QByteArray secondId = request(port(), "GET", "/streams")
                                    .json()
                                    .value(QLatin1String("connections"))
                                    .toArray()
                                    .at(0)
                                    .toObject()
                                    .value(QLatin1String("id"))
                                    .toString()
                                    .toUtf8();
    QCOMPARE(request(port(), "DELETE", "/streams/999999").status, 404);
    QCOMPARE(request(port(), "DELETE", "/streams/" + secondId).status, 200);
    QTRY_VERIFY(!second.isConnected());
    QCOMPARE(m_engine->hub()->streamCount(), 0);
}

void TestEngine::connectionLogRoute()
{
    // GET /log: what the console exports, for scripts and headless servers.
    {
        SseClient a, b;
        a.open(port(), "/events?topic=x&client_id=log-a", {{"User-Agent", "agent, with comma"}});
        b.open(port(), "/events?topic=x&client_id=log-b");
        QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);

    const HttpResponse all = request(port(), "GET", "/log");
    QCOMPARE(all.status, 200);
    QCOMPARE(all.header("content-type"), QByteArray("application/x-ndjson"));
    QList<QJsonObject> lines;
    for (const QByteArray &line : all.body.split('\n')) {
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    }
    QCOMPARE(lines.size(), qsizetype(m_engine->log()->size()));
    QMap<QString, int> kinds;
    QString agent;
    for (const QJsonObject &line : lines) {
        ++kinds[line.value(QLatin1String("kind")).toString()];
        if (line.value(QLatin1String("kind")).toString() == QLatin1String("connect")
            && line.value(QLatin1String("client_id")).toString() == QLatin1String("log-a"))
            agent = line.value(QLatin1String("user_agent")).toString();
    }
    // Per named client: its subscription, its stream opening and closing; and the engine's start.
    QCOMPARE(kinds,
             (QMap<QString, int> {{QStringLiteral("engine"), 1},
                                  {QStringLiteral("subscribe"), 2},
                                  {QStringLiteral("connect"), 2},
                                  {QStringLiteral("disconnect"), 2}}));
    QCOMPARE(agent, QStringLiteral("agent, with comma"));

    const HttpResponse csv = request(port(), "GET", "/log?format=csv&kind=disconnect&client=log-b");
    QCOMPARE(csv.status, 200);
    QCOMPARE(csv.header("content-type"), QByteArray("text/csv; charset=utf-8"));
    const QList<QByteArray> rows = csv.body.mid(3).split('\n');
    QCOMPARE(rows.size(), 3); // header, one row, the empty tail after the last CRLF
    QVERIFY(rows.at(1).contains(",disconnect,"));
    QVERIFY(rows.at(1).contains(",log-b,"));
    QVERIFY(rows.at(1).contains(",client-closed,"));

    const qint64 future = QDateTime::currentMSecsSinceEpoch() + 60000;
    QCOMPARE(request(port(), "GET", "/log?since=" + QByteArray::number(future)).body, QByteArray());
    QCOMPARE(request(port(), "GET", "/log?limit=1&kind=connect").body.count('\n'), 1);
    QCOMPARE(request(port(), "GET", "/log?since=2020-01-01T00:00:00Z").body.count('\n'),
             7); // and the start

    for (const QByteArray &bad : {QByteArray("/log?format=xml"), QByteArray("/log?kind=nope"),
                                  QByteArray("/log?since=yesterday"), QByteArray("/log?limit=-1"),
                                  QByteArray("/log?colour=red")}) {
        const HttpResponse r = request(port(), "GET", bad);
        QCOMPARE(r.status, 400);
        QVERIFY2(!r.json().value(QLatin1String("error")).toString().isEmpty(), bad.constData());
    }
    QCOMPARE(request(port(), "POST", "/log", "{}").status, 405);
}

void TestEngine::rollingLogFile()
{
    QTemporaryDir dir;
    Engine::Config config;
    config.logFile = dir.filePath(QStringLiteral("connections.jsonl"));
    config.logFileMaxBytes = 4096;
    config.logFileKeep = 2;
    start(config);
    // 90 entries (subscribe, connect, disconnect per client) of ~250 bytes: far more than
    // three files of 4 KiB hold.
    for (int i = 0; i < 30; ++i) {
        SseClient c;
        c.open(port(), "/events?topic=r&client_id=rolling-" + QByteArray::number(i));
        QTRY_VERIFY(c.headComplete());
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
    m_engine.reset(); // flushes
    const QStringList files = QDir(dir.path()).entryList(QDir::Files, QDir::Name);
    QCOMPARE(
        files,
        QStringList({QStringLiteral("connections.jsonl"), QStringLiteral("connections.jsonl.1"),
                     QStringLiteral("connections.jsonl.2")}));
    qint64 entries = 0;
    for (const QString &name : files) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.size() <= 4096);
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            QVERIFY(!QJsonDocument::fromJson(line).isNull());
            ++entries;
        }
    }
    QVERIFY2(entries > 20 && entries < 90, qPrintable(QString::number(entries))); // oldest gone
    // The newest entry is in the current file.
    QFile current(config.logFile);
    QVERIFY(current.open(QIODevice::ReadOnly));
    QVERIFY(current.readAll().contains("rolling-29"));

    // A log file that cannot be opened stops the start with a message naming it.
    Engine::Config broken;
    broken.port = 0;
    broken.logFile = dir.filePath(QStringLiteral("no/such/dir/log.jsonl"));
    Engine engine(broken);
    QString error;
    QVERIFY(!engine.start(&error));
    QVERIFY2(error.contains(QLatin1String("no/such/dir")), qPrintable(error));
}

void TestEngine::cors()
{
    Engine::Config config;
    config.corsOrigins = {QStringLiteral("https://app.example")};
    start(config);
    const QList<QPair<QByteArray, QByteArray>> allowed
        = {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}};
    HttpResponse pre = request(port(), "OPTIONS", "/publish", {}, {}, allowed);
    QCOMPARE(pre.status, 204);
    QCOMPARE(pre.header("access-control-allow-origin"), QByteArray("https://app.example"));
    QVERIFY(pre.header("access-control-allow-methods").contains("POST"));
    QVERIFY(pre.header("access-control-allow-headers").contains("Content-Type"));

    pre = request(port(), "OPTIONS", "/publish", {}, {}, {{"Origin", "https://evil.example"}});
    QCOMPARE(pre.status, 403);
    QVERIFY(pre.header("access-control-allow-origin").isEmpty());

    HttpResponse pub = request(port(), "POST", "/publish", "{\"topic\":\"a\",\"payload\":1}",
                               "application/json", {{"Origin", "https://app.example"}});
    QCOMPARE(pub.status, 200);
    QCOMPARE(pub.header("access-control-allow-origin"), QByteArray("https://app.example"));
    pub = request(port(), "POST", "/publish", "{\"topic\":\"a\",\"payload\":1}", "application/json",
                  {{"Origin", "https://evil.example"}});
    QVERIFY(pub.header("access-control-allow-origin").isEmpty());

    SseClient stream;
    stream.open(port(), "/events?topic=a", {{"Origin", "https://app.example"}});
    QTRY_VERIFY(stream.headComplete());
    QCOMPARE(stream.header("access-control-allow-origin"), QByteArray("https://app.example"));
}

void TestEngine::pipelinedBytesOnAStream()
{
    // A second request and garbage sent on a stream socket must neither inject an HTTP response
    // into the stream nor end it.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(
        "GET /events?topic=p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /connections HTTP/1.1\r\n\r\n");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    socket.write("\x01\x02 garbage \r\n\r\n");
    QByteArray data;
    QTRY_VERIFY((data += socket.readAll()).contains("retry:"));
    publish(port(), "p", "\"hello\"");
    QTRY_VERIFY((data += socket.readAll()).contains("hello"));
    QCOMPARE(data.count("HTTP/1.1"), 1);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_engine->hub()->streamCount(), 1);
}

void TestEngine::truncatedRequests()
{
    // Clients that vanish in the middle of a request: a body shorter than its Content-Length, a
    // head cut off, a stream request cut off. The server forgets them and goes on serving.
    const QList<QByteArray> cut {
        "POST /publish HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        "{\"topic\":",
        "POST /publish HTTP/1.1\r\nContent-Type: applic",
        "GET /events?topic=a HTTP/1.1\r\nLast-Event-ID: 1",
        "PATCH /subscriptions/x HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"st"};
    for (const QByteArray &bytes : cut) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(bytes);
        QVERIFY(socket.waitForBytesWritten(5000));
        socket.abort();
    }
    QCOMPARE(publish(port(), "a", "1").status, 200);
    QCOMPARE(m_engine->hub()->streamCount(), 0);
}

void TestEngine::requestLimits()
{
    Engine::Config config;
    config.requestTimeoutMs = 300;
    config.keepAliveTimeoutMs = 400;
    start(config);
    // A head larger than the limit.
    QByteArray huge = "GET /connections HTTP/1.1\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n";
    HttpResponse r = rawRequest(port(), huge);
    QCOMPARE(r.status, 431);
    // A head that never ends: 408, then closed.
    QTcpSocket dribble;
    dribble.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(dribble.waitForConnected(5000));
    dribble.write("GET /connections HTTP/1.1\r\nX-Slow: ");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += dribble.readAll()).contains("408"), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(dribble.state() == QAbstractSocket::UnconnectedState, 5000);
    // An idle keep-alive connection is closed; a stream is not.
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(idle.waitForConnected(5000));
    idle.write("GET /connections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_VERIFY(idle.bytesAvailable() > 0);
    SseClient stream;
    stream.open(port(), "/events?topic=x");
    QTRY_VERIFY_WITH_TIMEOUT(idle.state() == QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(stream.isConnected());
    QCOMPARE(m_engine->hub()->streamCount(), 1);
    // Malformed request lines are answered by closing, and the server goes on.
    r = rawRequest(port(), "\x16\x03\x01 not http\r\n\r\n", 2000);
    QVERIFY(r.status == 0 || r.status == 400);
    QCOMPARE(request(port(), "GET", "/connections").status, 200);
}

void TestEngine::keepAliveAndPipelining()
{
    // Publishes on one keep-alive connection: pipelined in one write, split mid-request, mixed
    // with requests the full parser handles (chunked, Expect, another route), then a close.
    SseClient watcher;
    watcher.open(port(), "/events?topic=ka");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    auto post = [](const QByteArray &payload, const QByteArray &extra = {}) -> QByteArray {
        const QByteArray body = "{\"topic\":\"ka\",\"payload\":" + payload + "}";
        return "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + extra + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(socket.waitForConnected(5000));
    QByteArray received;
    auto responses = [&] { return received.count("HTTP/1.1 "); };
    auto pump = [&] {
        received += socket.readAll();
        return responses();
    };

    socket.write(post("1") + post("2") + post("3"));
    QTRY_COMPARE(pump(), 3);
    const QByteArray fourth = post("4");
    socket.write(fourth.left(30));
    socket.flush();
    QTest::qWait(20); // let the server see a partial request (not a synchronisation wait)
    socket.write(fourth.mid(30));
    QTRY_COMPARE(pump(), 4);
    const QByteArray chunkedBody = "{\"topic\":\"ka\",\"payload\":5}";
    socket.write("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n"
                 + QByteArray::number(chunkedBody.size(), 16) + "\r\n" + chunkedBody
                 + "\r\n0\r\n\r\n");
    QTRY_COMPARE(pump(), 5);
    socket.write("GET /connections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + post("6"));
    QTRY_COMPARE(pump(), 7);
    socket.write(post("7", "Expect: 100-continue\r\n"));
    QTRY_VERIFY(pump() >= 8 && received.endsWith("}"));
    socket.write(post("8", "Connection: close\r\n"));
    QTRY_VERIFY(socket.state() == QAbstractSocket::UnconnectedState || (pump(), false));
    received += socket.readAll();
    QCOMPARE(received.count("HTTP/1.1 200 OK"), 9); // 8 publishes and the GET
    QCOMPARE(received.count("HTTP/1.1 100 Continue"), 1);

    QTRY_COMPARE(watcher.events().size(), 8);
    QList<int> payloads;
    for (const SseEvent &e : watcher.events())
        payloads << e.json().value(QLatin1String("payload")).toInt();
    QCOMPARE(payloads, (QList<int> {1, 2, 3, 4, 5, 6, 7, 8}));
}

void TestEngine::streamRequestPaths()
{
    // A stream request that arrives whole with the connection is taken over on accept; one that
    // arrives in pieces goes through the full parser. Both must produce the same stream.
    SseClient whole;
    whole.open(port(), "/events?topic=paths", {{"User-Agent", "whole"}});
    QTcpSocket pieces;
    pieces.connectToHost(QHostAddress::LocalHost, port());
    QVERIFY(pieces.waitForConnected(5000));
    pieces.write("GET /events?topic=pa");
    pieces.flush();
    QTest::qWait(20); // the first piece arrives alone (not a synchronisation wait)
    pieces.write("ths HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: pieces\r\n\r\n");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    publish(port(), "paths", "42");
    QTRY_COMPARE(whole.events().size(), 1);
    QByteArray raw;
    QTRY_VERIFY((raw += pieces.readAll()).contains("\"payload\":42"));
    const QByteArray wholeRaw = whole.raw();
    // Same head, same retry line and session event (but for the assigned client id), same frame.
    QCOMPARE(raw.left(raw.indexOf("\r\n\r\n")), wholeRaw.left(wholeRaw.indexOf("\r\n\r\n")));
    const qsizetype idAt = raw.indexOf("\"client_id\":\"");
    const qsizetype wholeIdAt = wholeRaw.indexOf("\"client_id\":\"");
    QVERIFY(idAt > 0 && wholeIdAt > 0);
    QCOMPARE(raw.mid(raw.indexOf("\r\n\r\n"), idAt - raw.indexOf("\r\n\r\n")),
             wholeRaw.mid(wholeRaw.indexOf("\r\n\r\n"), wholeIdAt - wholeRaw.indexOf("\r\n\r\n")));
    QCOMPARE(raw.mid(raw.indexOf("\",\"node\"")), wholeRaw.mid(wholeRaw.indexOf("\",\"node\"")));
    QStringList agents;
    for (const SseStream *c : m_engine->hub()->streams())
        agents << QString::fromUtf8(c->userAgent());
    agents.sort();
    QCOMPARE(agents, (QStringList {QStringLiteral("pieces"), QStringLiteral("whole")}));
}

void TestEngine::demoPage()
{
    const HttpResponse r = request(port(), "GET", "/");
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").startsWith("text/html"));
    QVERIFY(r.body.contains("new SsehubClient(")); // built on the hub's own client
}

void TestEngine::connectionLog()
{
    SseClient client;
    client.open(port(), "/events?topic=log/a&topic=log/%2B", {{"User-Agent", "log-test/1.0"}});
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    client.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
    QList<LogEntry> entries;
    int subscribed = 0;
    for (const LogEntry &e : m_engine->log()->entries()) {
        if (e.kind == LogEntry::Kind::Connect || e.kind == LogEntry::Kind::Disconnect)
            entries << e;
        subscribed += e.kind == LogEntry::Kind::Subscribe;
    }
    QCOMPARE(subscribed, 2); // the stream's two filters became the client's subscriptions
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).kind, LogEntry::Kind::Connect);
    QVERIFY(entries.at(0).remoteAddress.startsWith(QLatin1String("127.0.0.1:")));
    QCOMPARE(entries.at(0).userAgent, QStringLiteral("log-test/1.0"));
    QCOMPARE(entries.at(0).detail, QStringLiteral("log/+ log/a"));
    QVERIFY(entries.at(0).clientId.startsWith(QLatin1String("anon-")));
    QCOMPARE(entries.at(1).kind, LogEntry::Kind::Disconnect);
    QCOMPARE(entries.at(1).reason, QStringLiteral("client-closed"));
    QCOMPARE(entries.at(1).connectionId, entries.at(0).connectionId);
}

namespace {

// The samples of a Prometheus text page: "name{labels}" -> value; also checks its grammar.
QMap<QString, double> parseMetrics(const QByteArray &text)
{
    QMap<QString, double> samples;
    static const QRegularExpression sample(QStringLiteral(
        "^([a-z_]+(?:\\{[a-z_]+=\"[^\"]*\"(?:,[a-z_]+=\"[^\"]*\")*\\})?) (-?[0-9.e+]+)$"));
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith(QLatin1String("# HELP "))
            || line.startsWith(QLatin1String("# TYPE ")))
            continue;
        const auto m = sample.match(line);
        if (!m.hasMatch()) {
            qWarning("not a sample line: %s", qPrintable(line));
            return {};
        }
        samples.insert(m.captured(1), m.captured(2).toDouble());
    }
    return samples;
}

} // namespace

void TestEngine::metricsHealthAndStats()
{
    Engine::Config config;
    config.metricsTopics = {"watched/topic"};
    config.historySize = 3;
    start(config);
    SseClient live;
    live.open(port(), "/events?topic=%23");
    QTRY_VERIFY(live.hasSession());
    for (const QByteArray topic : {"watched/topic", "watched/topic", "other/topic", "a", "b"})
        QCOMPARE(publish(port(), topic, "1").status, 200);
    QTRY_COMPARE(live.messages().size(), 5);
    // A resuming stream: two events replayed; one older than the history (reset).
    SseClient resumed;
    resumed.open(port(), "/events?topic=%23", {{"Last-Event-ID", live.messages().at(2).id}});
    QTRY_COMPARE(resumed.messages().size(), 2);
    SseClient tooOld;
    tooOld.open(port(), "/events?topic=%23", {{"Last-Event-ID", live.messages().at(0).id}});
    QTRY_VERIFY(!tooOld.events().isEmpty() && tooOld.events().first().type == "reset");

    const HttpResponse metrics = request(port(), "GET", "/metrics");
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.header("content-type").startsWith("text/plain; version=0.0.4"));
    const QMap<QString, double> m = parseMetrics(metrics.body);
    QVERIFY(!m.isEmpty());
    QCOMPARE(m.value(QStringLiteral("ssehub_connections")), 3.0);
    QCOMPARE(m.value(QStringLiteral("ssehub_events_published_total")), 5.0);
    QCOMPARE(m.value(QStringLiteral("ssehub_events_delivered_total")), 5.0);
    QCOMPARE(m.value(QStringLiteral("ssehub_events_replayed_total")), 5.0); // 2 + 3 after the reset
    QCOMPARE(m.value(QStringLiteral("ssehub_resets_total")), 1.0);
    QCOMPARE(m.value(QStringLiteral("ssehub_subscriptions{state=\"active\"}")), 3.0);
    QCOMPARE(m.value(QStringLiteral("ssehub_history_events")), 3.0);
    QCOMPARE(m.value(QStringLiteral("ssehub_topic_events_total{topic=\"watched/topic\"}")), 2.0);
    QVERIFY(m.value(QStringLiteral("ssehub_bytes_out_total")) > 500);
    QVERIFY(m.contains(QStringLiteral("ssehub_limit_rejections_total{reason=\"publish-rate\"}")));
    QVERIFY(metrics.body.contains("ssehub_build_info{version=\"" SSEHUB_VERSION "\""));
    // Bounded cardinality: no label per client, per stream or for a topic not listed.
    QVERIFY(!metrics.body.contains("other/topic"));
    QVERIFY(!metrics.body.contains("anon-"));

    const HttpResponse health = request(port(), "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QLatin1String("status")).toString(), QStringLiteral("alive"));
    const HttpResponse ready = request(port(), "GET", "/readyz");
    QCOMPARE(ready.status, 200);
    QCOMPARE(ready.json().value(QLatin1String("status")).toString(), QStringLiteral("ready"));

    const HttpResponse stats = request(port(), "GET", "/stats");
    QCOMPARE(stats.status, 200);
    const QJsonObject s = stats.json();
    QCOMPARE(s.value(QLatin1String("connections")).toInt(), 3);
    QCOMPARE(s.value(QLatin1String("events_published")).toInt(), 5);
    QCOMPARE(s.value(QLatin1String("resets_sent")).toInt(), 1);
    QCOMPARE(s.value(QLatin1String("filters"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("streams"))
                 .toInt(),
             3);
    QCOMPARE(s.value(QLatin1String("topics")).toArray().size(), 4);
    QCOMPARE(s.value(QLatin1String("broker")).toString(), QStringLiteral("embedded"));
    QVERIFY(!s.contains(QLatin1String("streams")));
    const QJsonArray streams = request(port(), "GET", "/stats?streams=1")
                                   .json()
                                   .value(QLatin1String("streams"))
                                   .toArray();
    QCOMPARE(streams.size(), 3);
    QVERIFY(streams.at(0)
                .toObject()
                .value(QLatin1String("client_id"))
                .toString()
                .startsWith(QLatin1String("anon-")));
    QCOMPARE(request(port(), "POST", "/metrics", "{}").status, 405);
    // The closed streams' figures stay in the totals.
    live.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);
    const QMap<QString, double> after = parseMetrics(request(port(), "GET", "/metrics").body);
    QVERIFY(after.value(QStringLiteral("ssehub_bytes_out_total"))
            >= m.value(QStringLiteral("ssehub_bytes_out_total")));
    QCOMPARE(after.value(QStringLiteral("ssehub_events_replayed_total")), 5.0);
}

void TestEngine::readinessFollowsTheBroker()
{
    // Cluster mode with no Redis at that address: alive, but not ready (load balancers keep
    // traffic away), and the reason says why.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 redisPort = closed.serverPort();
    closed.close();
    Engine::Config config;
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redisPort);
    config.redisBackoffMaxMs = 100;
    start(config);
    QCOMPARE(request(port(), "GET", "/healthz").status, 200);
    const HttpResponse ready = request(port(), "GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.json().value(QLatin1String("reason")).toString(),
             QStringLiteral("broker redis unavailable"));
    QCOMPARE(ready.header("retry-after"), QByteArray("5"));
    // /readyz is public: it never names the Redis address (nor the error). The admin routes do.
    const QByteArray address = "127.0.0.1:" + QByteArray::number(redisPort);
    QVERIFY2(!ready.body.contains(address), ready.body.constData());
    QVERIFY(request(port(), "GET", "/stats").body.contains(address));

    // The same with access control on: no credentials, no address; an admin sees it in /stats.
    QTemporaryDir dir;
    const QByteArray secret = "readiness-secret-readiness-secret-0123456789";
    QFile secretFile(dir.filePath(QStringLiteral("secret")));
    QVERIFY(secretFile.open(QIODevice::WriteOnly));
    secretFile.write(secret);
    secretFile.close();
    QFile acl(dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(
        R"({"anonymous": null, "roles": {"ops": {"admin": true}}, "clients": {"op": ["ops"]}})");
    acl.close();
    config.jwtSecretFile = secretFile.fileName();
    config.aclFile = acl.fileName();
    start(config);
    const HttpResponse anonymous = request(port(), "GET", "/readyz");
    QCOMPARE(anonymous.status, 503);
    QVERIFY2(!anonymous.body.contains(address), anonymous.body.constData());
    QCOMPARE(request(port(), "GET", "/stats").status, 401);
    const QByteArray token
        = makeToken({{QStringLiteral("sub"), QStringLiteral("op")},
                     {QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() + 600}},
                    secret);
    const HttpResponse admin
        = request(port(), "GET", "/stats", {}, {}, {{"Authorization", "Bearer " + token}});
    QCOMPARE(admin.status, 200);
    QVERIFY(admin.body.contains(address));

    // With Redis up: ready, and still no address.
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redis.port());
    start(config);
    HttpResponse up;
    QTRY_COMPARE((up = request(port(), "GET", "/readyz")).status, 200);
    QCOMPARE(up.json(), QJsonObject({{QStringLiteral("status"), QStringLiteral("ready")}}));
}

void TestEngine::gracefulDrain()
{
    Engine::Config config;
    config.retryMs = 1500;
    config.drainMs = 2000;
    config.maxQueueBytes = 64LL * 1024 * 1024;
    config.maxBodyBytes = 8 * 1024 * 1024;
    start(config);
    SseClient quick, slow;
    quick.open(port(), "/events?topic=d");
    slow.open(port(), "/events?topic=d");
    QTRY_VERIFY(quick.hasSession() && slow.hasSession());
    // The slow reader has megabytes queued when the drain starts; it gets them all, then the
    // notice, before its stream ends.
    slow.setReading(false);
    const QByteArray big = '"' + QByteArray(4 * 1024 * 1024, 'y') + '"';
    QCOMPARE(publish(port(), "d", big).status, 200);
    QCOMPARE(publish(port(), "d", big).status, 200);
    QTRY_VERIFY(m_engine->hub()->streams().size() == 2);
    bool drained = false;
    m_engine->drain([&drained] { drained = true; });
    // No new connections once draining.
    QTRY_VERIFY(!m_engine->front()->isListening());
    QTRY_VERIFY(!quick.isConnected());
    QVERIFY(quick.raw().contains("retry: 1500\nevent: shutdown\n"));
    QVERIFY(!drained); // the slow one still has bytes queued
    slow.setReading(true);
    QTRY_VERIFY_WITH_TIMEOUT(drained, 5000);
    QTRY_VERIFY(!slow.isConnected());
    QCOMPARE(slow.messages().size(), 3); // both big events, whole, and the notice
    QCOMPARE(slow.messages().at(1).json().value(QLatin1String("payload")).toString().size(),
             4 * 1024 * 1024);
    QCOMPARE(slow.messages().last().type, QByteArray("shutdown"));
    QVERIFY(slow.raw().endsWith("event: shutdown\ndata: {\"retry_ms\":1500}\n\n"));
    QCOMPARE(m_engine->hub()->streamCount(), 0);
}

void TestEngine::engineThread()
{
    m_engine.reset();
    EngineThread thread;
    Engine::Config config;
    config.port = 0;
    config.statsIntervalMs = 50;
    QSignalSpy snapshots(&thread, &EngineThread::snapshotReady);
    QString error;
    QVERIFY2(thread.start(config, &error), qPrintable(error));
    thread.setConsoleAttached(true); // snapshots are made only while a console watches
    QVERIFY(thread.port() != 0);
    SseClient client;
    client.open(thread.port(), "/events?topic=x");
    QTRY_VERIFY(client.headComplete());
    QCOMPARE(publish(thread.port(), "x", "1").status, 200);
    QTRY_COMPARE(client.events().size(), 1);
    // Snapshots arrive on this thread, queued; wait for one that has seen the publish.
    QTRY_VERIFY(!snapshots.isEmpty()
                && snapshots.last().at(0).value<SnapshotPtr>()->stats.eventsPublished == 1);
    const EngineStats s = snapshots.last().at(0).value<SnapshotPtr>()->stats;
    QCOMPARE(s.connections, 1);
    QVERIFY(s.revision > 0);
    QCOMPARE(s.broker, QStringLiteral("embedded"));

    // An answer reaches its callback only if the context still exists when it arrives (looked
    // at on this thread); answers arrive in order, so the second one is the marker.
    bool lateAnswer = false;
    auto *gone = new QObject;
    thread.streamDetail(1, gone, [&lateAnswer](const StreamDetail &) { lateAnswer = true; });
    delete gone;
    QObject alive;
    bool marker = false;
    thread.streamDetail(1, &alive, [&marker](const StreamDetail &) { marker = true; });
    QTRY_VERIFY(marker);
    QVERIFY(!lateAnswer);

    // A second engine on the same port fails with a message naming the address.
    EngineThread second;
    config.port = thread.port();
    QVERIFY(!second.start(config, &error));
    QVERIFY2(error.contains(QString::number(thread.port())), qPrintable(error));
    QVERIFY(!second.isRunning());

    thread.stop();
    QTRY_VERIFY(!client.isConnected());
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
