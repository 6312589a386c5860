// Live subscriptions over real sockets: client identity and the session event, subscribe and
// unsubscribe on open streams, several streams per client, pause/resume with and without replay,
// expiry and renewal, durable cursors, persistence across restarts, format=payload, errors.
#include "broker/localbroker.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "hub/subscriptionstore.h"
#include "sseclient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/resource.h>

using namespace ssehub;
using namespace ssehub::test;

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray idOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("id")).toString().toUtf8();
}

// state of one filter in a GET /subscriptions answer ("" when absent)
QString stateOf(const HttpResponse &r, const QString &filter)
{
    for (const QJsonValue &v : r.json().value(QLatin1String("subscriptions")).toArray()) {
        if (v.toObject().value(QLatin1String("filter")).toString() == filter)
            return v.toObject().value(QLatin1String("state")).toString();
    }
    return {};
}

QList<int> payloads(const SseClient &client)
{
    QList<int> list;
    for (const SseEvent &e : client.events())
        list << e.json().value(QLatin1String("payload")).toInt();
    return list;
}

} // namespace

class TestSubscriptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { start(); }
    void cleanup() { m_engine.reset(); }

    void sessionEvent();
    void subscribeOnALiveStream();
    void unsubscribeStopsDeliveryAndDropsQueued();
    void unsubscribeByQuery();
    void severalStreamsOfOneClient();
    void oneStreamFailingDoesNotCostTheOthers();
    void reconnectWithOnlyClientId();
    void pauseAndResume();
    void resumeWithReplay();
    void expiryAndRenewal();
    void archiveAndDelete();
    void streamRenewsLikeSubscribe();
    void ackCursor();
    void persistenceAcrossRestart();
    void oneInstancePerDataDir();
    void corruptStoreIsSetAside();
    void answeredOnceOnDisk();
    void journalAfterACrash();
    void payloadFormat();
    void errors_data();
    void errors();

private:
    void start(Engine::Config config = {});
    quint16 port() const { return m_engine->port(); }
    HttpResponse call(const QByteArray &method, const QByteArray &path, const QJsonObject &body)
    {
        return request(port(), method, path, json(body));
    }

    std::unique_ptr<Engine> m_engine;
};

void TestSubscriptions::start(Engine::Config config)
{
    m_engine.reset();
    config.port = 0;
    m_engine = std::make_unique<Engine>(config);
    QString error;
    if (!m_engine->start(&error))
        qFatal("engine did not start: %s", qPrintable(error));
}

void TestSubscriptions::sessionEvent()
{
    SseClient named, anonymous;
    named.open(port(), "/events?client_id=app-1&topic=a/%2B");
    anonymous.open(port(), "/events?topic=b");
    QTRY_VERIFY(named.hasSession() && anonymous.hasSession());
    QCOMPARE(named.session().value(QLatin1String("client_id")).toString(), QStringLiteral("app-1"));
    QCOMPARE(named.session().value(QLatin1String("topics")).toArray(),
             (QJsonArray {QStringLiteral("a/+")}));
    QVERIFY(!named.session().value(QLatin1String("node")).toString().isEmpty());
    QVERIFY(anonymous.session()
                .value(QLatin1String("client_id"))
                .toString()
                .startsWith(QLatin1String("anon-")));
    // The session event carries no id: it does not move Last-Event-ID.
    QVERIFY(named.lastEventId().isEmpty());
    QVERIFY(named.raw().indexOf("event: session") < named.raw().indexOf("data: {\"client_id\""));
    QVERIFY(!named.raw().contains("id: \n"));
}

void TestSubscriptions::subscribeOnALiveStream()
{
    SseClient client;
    client.open(port(), "/events?client_id=c1&topic=first");
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(publish(port(), "second/x", "1").json().value(QLatin1String("delivered")).toInt(), 0);

    const HttpResponse r
        = call("POST", "/subscribe",
               {{QStringLiteral("client_id"), QStringLiteral("c1")},
                {QStringLiteral("topics"), QJsonArray {QStringLiteral("second/#")}}});
    QCOMPARE(r.status, 200);
    QCOMPARE(stateOf(r, QStringLiteral("second/#")), QStringLiteral("active"));
    QCOMPARE(stateOf(r, QStringLiteral("first")), QStringLiteral("active"));
    // The very next event arrives on the open stream, no reconnect.
    QCOMPARE(publish(port(), "second/x", "2").json().value(QLatin1String("delivered")).toInt(), 1);
    QTRY_COMPARE(client.events().size(), 1);
    QCOMPARE(payloads(client), (QList<int> {2}));
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
}

void TestSubscriptions::unsubscribeStopsDeliveryAndDropsQueued()
{
    Engine::Config config;
    config.maxQueueBytes = 8 * 1024 * 1024;
    start(config);
    SseClient client;
    client.open(port(), "/events?client_id=c2&topic=keep&topic=drop");
    QTRY_VERIFY(client.hasSession());
    client.setReading(false);
    // Fill the kernel buffers and then ssehub's own queue with events on "drop".
    const QByteArray big = '"' + QByteArray(40000, 'd') + '"';
    const Hub *hub = m_engine->hub();
    auto queued = [hub] {
        return hub->streams().value(0) ? hub->streams().value(0)->bytesQueued() : 0;
    };
    int published = 0;
    while (queued() < 400000 && published < 2000) {
        QCOMPARE(publish(port(), "drop", big).status, 200);
        ++published;
    }
    QVERIFY2(queued() >= 400000, "the stream's queue never filled");

    const HttpResponse r = call("DELETE", "/unsubscribe",
                                {{QStringLiteral("client_id"), QStringLiteral("c2")},
                                 {QStringLiteral("topics"), QJsonArray {QStringLiteral("drop")}}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QLatin1String("removed")).toArray(),
             (QJsonArray {QStringLiteral("drop")}));
    QCOMPARE(stateOf(r, QStringLiteral("drop")), QString());
    // What was queued for the removed filter is gone (at most the partly written frame stays).
    QVERIFY2(queued() <= 40100, qPrintable(QString::number(queued())));
    QCOMPARE(publish(port(), "drop", "1").json().value(QLatin1String("delivered")).toInt(), 0);
    QCOMPARE(publish(port(), "keep", "7").json().value(QLatin1String("delivered")).toInt(), 1);
    client.setReading(true);
    QTRY_VERIFY(!client.events().isEmpty()
                && client.events().last().json().value(QLatin1String("topic")).toString()
                    == QLatin1String("keep"));
    int dropped = 0;
    for (const SseEvent &e : client.events())
        dropped += e.json().value(QLatin1String("topic")).toString() == QLatin1String("drop");
    QVERIFY2(dropped < published,
             qPrintable(QStringLiteral("%1 of %2").arg(dropped).arg(published)));
}

void TestSubscriptions::unsubscribeByQuery()
{
    SseClient client;
    client.open(port(), "/events?client_id=q1&topic=a&topic=b");
    QTRY_VERIFY(client.hasSession());
    const HttpResponse r = request(port(), "DELETE", "/unsubscribe?client_id=q1&topic=a");
    QCOMPARE(r.status, 200);
    QCOMPARE(stateOf(r, QStringLiteral("a")), QString());
    QCOMPARE(stateOf(r, QStringLiteral("b")), QStringLiteral("active"));
    QCOMPARE(publish(port(), "a", "1").json().value(QLatin1String("delivered")).toInt(), 0);
    QCOMPARE(publish(port(), "b", "2").json().value(QLatin1String("delivered")).toInt(), 1);
    QTRY_COMPARE(payloads(client), (QList<int> {2}));
}

void TestSubscriptions::severalStreamsOfOneClient()
{
    SseClient tab1, tab2;
    tab1.open(port(), "/events?client_id=multi&topic=t");
    QTRY_VERIFY(tab1.hasSession()); // the second tab names only the client: it needs the first
    tab2.open(port(), "/events?client_id=multi");
    QTRY_VERIFY(tab2.hasSession());
    QCOMPARE(m_engine->hub()->clientCount(), 1);
    QCOMPARE(publish(port(), "t", "1").json().value(QLatin1String("delivered")).toInt(), 2);
    call("POST", "/subscribe",
         {{QStringLiteral("client_id"), QStringLiteral("multi")},
          {QStringLiteral("topics"), QJsonArray {QStringLiteral("u")}}});
    QCOMPARE(publish(port(), "u", "2").json().value(QLatin1String("delivered")).toInt(), 2);
    QTRY_COMPARE(payloads(tab1), (QList<int> {1, 2}));
    QTRY_COMPARE(payloads(tab2), (QList<int> {1, 2}));
    tab1.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    QCOMPARE(publish(port(), "t", "3").json().value(QLatin1String("delivered")).toInt(), 1);
    QTRY_COMPARE(payloads(tab2), (QList<int> {1, 2, 3}));
}

void TestSubscriptions::oneStreamFailingDoesNotCostTheOthers()
{
    // The client's first stream stops reading and is closed as a slow consumer in the middle of
    // a fan-out; its second stream must still get that event and every other one.
    Engine::Config config;
    config.maxQueueBytes = 64 * 1024;
    start(config);
    SseClient slow, healthy;
    slow.open(port(), "/events?client_id=pair&topic=bulk");
    QTRY_VERIFY(slow.hasSession());
    healthy.open(port(), "/events?client_id=pair");
    QTRY_VERIFY(healthy.hasSession());
    slow.setReading(false);
    const QByteArray big = '"' + QByteArray(48000, 'b') + '"';
    int published = 0;
    while (m_engine->hub()->counters().slowConsumerCloses == 0 && published < 2000) {
        QCOMPARE(publish(port(), "bulk", big).status, 200);
        ++published;
    }
    QCOMPARE(m_engine->hub()->counters().slowConsumerCloses, 1u);
    QTRY_COMPARE(healthy.events().size(), published);
    QCOMPARE(m_engine->hub()->streamCount(), 1);
}

void TestSubscriptions::reconnectWithOnlyClientId()
{
    QCOMPARE(
        call("POST", "/subscribe",
             {{QStringLiteral("client_id"), QStringLiteral("r1")},
              {QStringLiteral("topics"), QJsonArray {QStringLiteral("x/+"), QStringLiteral("y")}}})
            .status,
        200);
    SseClient client;
    client.open(port(), "/events?client_id=r1");
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(client.session().value(QLatin1String("topics")).toArray().size(), 2);
    publish(port(), "x/1", "1");
    publish(port(), "y", "2");
    QTRY_COMPARE(payloads(client), (QList<int> {1, 2}));
    // Topic parameters add to the stored set.
    SseClient more;
    more.open(port(), "/events?client_id=r1&topic=z");
    QTRY_VERIFY(more.hasSession());
    QCOMPARE(more.session().value(QLatin1String("topics")).toArray().size(), 3);
}

void TestSubscriptions::pauseAndResume()
{
    SseClient client;
    client.open(port(), "/events?client_id=p1&topic=p&topic=other");
    QTRY_VERIFY(client.hasSession());
    HttpResponse r = call("PATCH", "/subscriptions/p1",
                          {{QStringLiteral("topics"), QJsonArray {QStringLiteral("p")}},
                           {QStringLiteral("state"), QStringLiteral("paused")}});
    QCOMPARE(r.status, 200);
    QCOMPARE(stateOf(r, QStringLiteral("p")), QStringLiteral("paused"));
    QCOMPARE(publish(port(), "p", "1").json().value(QLatin1String("delivered")).toInt(), 0);
    publish(port(), "other", "2");
    r = call("PATCH", "/subscriptions/p1",
             {{QStringLiteral("topics"), QJsonArray {QStringLiteral("p")}},
              {QStringLiteral("state"), QStringLiteral("active")}});
    QCOMPARE(stateOf(r, QStringLiteral("p")), QStringLiteral("active"));
    publish(port(), "p", "3");
    // Without replay, what was published while paused stays missed.
    QTRY_COMPARE(payloads(client), (QList<int> {2, 3}));
}

void TestSubscriptions::resumeWithReplay()
{
    SseClient client;
    client.open(port(), "/events?client_id=p2&topic=p/%23&topic=both");
    QTRY_VERIFY(client.hasSession());
    publish(port(), "p/a", "1");
    QTRY_COMPARE(client.events().size(), 1);
    const QByteArray idBefore = client.lastEventId();
    call("PATCH", "/subscriptions/p2",
         {{QStringLiteral("topics"), QJsonArray {QStringLiteral("p/#")}},
          {QStringLiteral("state"), QStringLiteral("paused")}});
    publish(port(), "p/b", "2");
    publish(port(), "p/c", "3");
    publish(port(), "both", "4"); // delivered by the other subscription while p/# is paused
    QTRY_COMPARE(client.events().size(), 2);
    const QByteArray idAfterLive = client.lastEventId();
    QVERIFY(idAfterLive != idBefore);
    const HttpResponse r = call("PATCH", "/subscriptions/p2",
                                {{QStringLiteral("topics"), QJsonArray {QStringLiteral("p/#")}},
                                 {QStringLiteral("state"), QStringLiteral("active")},
                                 {QStringLiteral("replay"), true}});
    QCOMPARE(r.status, 200);
    QTRY_COMPARE(payloads(client), (QList<int> {1, 4, 2, 3}));
    // Replayed events carry no id line, so Last-Event-ID does not move backwards.
    QCOMPARE(client.lastEventId(), idAfterLive);
    publish(port(), "p/d", "5");
    QTRY_COMPARE(payloads(client), (QList<int> {1, 4, 2, 3, 5}));

    // Missed events newer than anything the stream was sent since are in order: they go out
    // with their ids.
    call("PATCH", "/subscriptions/p2",
         {{QStringLiteral("topics"), QJsonArray {QStringLiteral("p/#")}},
          {QStringLiteral("state"), QStringLiteral("paused")}});
    const QByteArray missed
        = publish(port(), "p/e", "6").json().value(QLatin1String("id")).toString().toUtf8();
    call("PATCH", "/subscriptions/p2",
         {{QStringLiteral("topics"), QJsonArray {QStringLiteral("p/#")}},
          {QStringLiteral("state"), QStringLiteral("active")},
          {QStringLiteral("replay"), true}});
    QTRY_COMPARE(payloads(client), (QList<int> {1, 4, 2, 3, 5, 6}));
    QCOMPARE(client.events().last().id, missed);
    QCOMPARE(client.lastEventId(), missed);
}

void TestSubscriptions::expiryAndRenewal()
{
    Engine::Config config;
    config.lifecycle.graceMs = 400;
    config.lifecycle.archiveAfterMs = 100000;
    config.lifecycle.deleteAfterMs = 200000;
    config.lifecycle.sweepIntervalMs = 10;
    start(config);
    QCOMPARE(
        call("POST", "/subscribe",
             {{QStringLiteral("client_id"), QStringLiteral("e1")},
              {QStringLiteral("topics"), QJsonArray {QStringLiteral("t"), QStringLiteral("late")}},
              {QStringLiteral("ttl_seconds"), 30}})
            .status,
        200);
    SseClient client;
    client.open(port(), "/events?client_id=e1");
    QTRY_VERIFY(client.hasSession());
    publish(port(), "t", "1");
    QTRY_COMPARE(payloads(client), (QList<int> {1}));
    // After expires_at: expired, delivers nothing. (Time is moved on, not waited for.)
    Clock::advanceForTesting(30000);
    QTRY_COMPARE(stateOf(request(port(), "GET", "/subscriptions/e1"), QStringLiteral("t")),
                 QStringLiteral("expired"));
    QCOMPARE(publish(port(), "t", "2").json().value(QLatin1String("delivered")).toInt(), 0);
    // Renewal within the grace period makes it active again.
    const qint64 later = Clock::wallMs() + 600000;
    HttpResponse r = call("PATCH", "/subscriptions/e1",
                          {{QStringLiteral("topics"), QJsonArray {QStringLiteral("t")}},
                           {QStringLiteral("expires_at"), double(later)}});
    QCOMPARE(r.status, 200);
    QCOMPARE(stateOf(r, QStringLiteral("t")), QStringLiteral("active"));
    publish(port(), "t", "3");
    QTRY_COMPARE(payloads(client), (QList<int> {1, 3}));
    // Outside the grace period a renewal is refused...
    Clock::advanceForTesting(500); // past the 400 ms grace of "late"
    r = call("PATCH", "/subscriptions/e1",
             {{QStringLiteral("topics"), QJsonArray {QStringLiteral("late")}},
              {QStringLiteral("expires_at"), double(later)}});
    QCOMPARE(r.status, 409);
    QVERIFY(r.json().value(QLatin1String("error")).toString().contains(QLatin1String("grace")));
    // ...and subscribing again starts a fresh subscription.
    r = call("POST", "/subscribe",
             {{QStringLiteral("client_id"), QStringLiteral("e1")},
              {QStringLiteral("topics"), QJsonArray {QStringLiteral("late")}}});
    QCOMPARE(stateOf(r, QStringLiteral("late")), QStringLiteral("active"));
    // Every transition is in the connection log, with its reason.
    QStringList transitions;
    for (const LogEntry &e : m_engine->log()->entries()) {
        if (e.kind == LogEntry::Kind::Transition && e.clientId == QLatin1String("e1"))
            transitions << e.detail + QLatin1Char('/') + e.reason;
    }
    QVERIFY2(transitions.contains(QStringLiteral("t active -> expired/expires_at")),
             qPrintable(transitions.join(QLatin1Char(','))));
    QVERIFY2(transitions.contains(QStringLiteral("t expired -> active/renewed")),
             qPrintable(transitions.join(QLatin1Char(','))));
}

void TestSubscriptions::archiveAndDelete()
{
    Engine::Config config;
    config.lifecycle.graceMs = 50;
    config.lifecycle.archiveAfterMs = 1000;
    config.lifecycle.deleteAfterMs = 2000;
    config.lifecycle.sweepIntervalMs = 10;
    start(config);
    call("POST", "/subscribe",
         {{QStringLiteral("client_id"), QStringLiteral("a1")},
          {QStringLiteral("topics"), QJsonArray {QStringLiteral("old"), QStringLiteral("keep")}}});
    call("PATCH", "/subscriptions/a1",
         {{QStringLiteral("topics"), QJsonArray {QStringLiteral("old")}},
          {QStringLiteral("expires_at"), double(Clock::wallMs() + 1000)}});
    // Expired at 1 s, archived at 2 s, deleted at 3 s: time is moved on, not waited for.
    Clock::advanceForTesting(2000);
    QTRY_COMPARE(stateOf(request(port(), "GET", "/subscriptions/a1?all=1"), QStringLiteral("old")),
                 QStringLiteral("archived"));
    // Archived ones are listed only with all=1.
    QCOMPARE(stateOf(request(port(), "GET", "/subscriptions/a1"), QStringLiteral("old")),
             QString());
    Clock::advanceForTesting(1000);
    QTRY_COMPARE(stateOf(request(port(), "GET", "/subscriptions/a1?all=1"), QStringLiteral("old")),
                 QString());
    QCOMPARE(stateOf(request(port(), "GET", "/subscriptions/a1"), QStringLiteral("keep")),
             QStringLiteral("active"));
}

void TestSubscriptions::streamRenewsLikeSubscribe()
{
    // A stream naming an expired filter renews it within the grace period (same subscription,
    // same creation time) and starts a fresh one after it - the same rule as POST /subscribe.
    Engine::Config config;
    config.lifecycle.graceMs = 300;
    config.lifecycle.archiveAfterMs = 100000;
    config.lifecycle.deleteAfterMs = 200000;
    config.lifecycle.sweepIntervalMs = 10;
    start(config);
    auto createdOf = [this](const QString &filter) {
        for (const QJsonValue &v : request(port(), "GET", "/subscriptions/sr")
                                       .json()
                                       .value(QLatin1String("subscriptions"))
                                       .toArray()) {
            if (v.toObject().value(QLatin1String("filter")).toString() == filter)
                return qint64(v.toObject().value(QLatin1String("created")).toDouble());
        }
        return qint64(-1);
    };
    call("POST", "/subscribe",
         {{QStringLiteral("client_id"), QStringLiteral("sr")},
          {QStringLiteral("topics"), QJsonArray {QStringLiteral("in"), QStringLiteral("out")}},
          {QStringLiteral("ttl_seconds"), 30}});
    const qint64 created = createdOf(QStringLiteral("in"));
    Clock::advanceForTesting(30000);
    QTRY_COMPARE(stateOf(request(port(), "GET", "/subscriptions/sr"), QStringLiteral("in")),
                 QStringLiteral("expired"));
    SseClient within;
    within.open(port(), "/events?client_id=sr&topic=in");
    QTRY_VERIFY(within.hasSession());
    QCOMPARE(stateOf(request(port(), "GET", "/subscriptions/sr"), QStringLiteral("in")),
             QStringLiteral("active"));
    QCOMPARE(createdOf(QStringLiteral("in")), created); // renewed, not replaced
    Clock::advanceForTesting(400); // past the 300 ms grace of "out"
    SseClient after;
    after.open(port(), "/events?client_id=sr&topic=out");
    QTRY_VERIFY(after.hasSession());
    QCOMPARE(stateOf(request(port(), "GET", "/subscriptions/sr"), QStringLiteral("out")),
             QStringLiteral("active"));
    QVERIFY(createdOf(QStringLiteral("out")) > created); // a fresh subscription
}

void TestSubscriptions::ackCursor()
{
    Engine::Config config;
    config.historySize = 5;
    start(config);
    QCOMPARE(call("POST", "/subscribe",
                  {{QStringLiteral("client_id"), QStringLiteral("k1")},
                   {QStringLiteral("topics"), QJsonArray {QStringLiteral("k")}}})
                 .status,
             200);
    QList<QByteArray> ids;
    for (int i = 0; i < 4; ++i)
        ids << idOf(publish(port(), "k", QByteArray::number(i)));
    QCOMPARE(call("POST", "/ack",
                  {{QStringLiteral("client_id"), QStringLiteral("k1")},
                   {QStringLiteral("last_event_id"), QString::fromUtf8(ids.at(1))}})
                 .status,
             200);
    // A new stream without Last-Event-ID resumes after the acknowledged cursor...
    SseClient fresh;
    fresh.open(port(), "/events?client_id=k1");
    QTRY_COMPARE(payloads(fresh), (QList<int> {2, 3}));
    // ...but Last-Event-ID wins.
    SseClient explicitCursor;
    explicitCursor.open(port(), "/events?client_id=k1", {{"Last-Event-ID", ids.at(2)}});
    QTRY_COMPARE(payloads(explicitCursor), (QList<int> {3}));
    // An acknowledged cursor older than the history gets the same reset.
    for (int i = 4; i < 10; ++i)
        publish(port(), "k", QByteArray::number(i));
    SseClient late;
    late.open(port(), "/events?client_id=k1");
    QTRY_VERIFY(!late.events().isEmpty());
    QCOMPARE(late.events().first().type, QByteArray("reset"));
    QTRY_COMPARE(late.messages().size(), 5);
}

void TestSubscriptions::persistenceAcrossRestart()
{
    QTemporaryDir dir;
    Engine::Config config;
    config.dataDir = dir.path();
    start(config);
    call("POST", "/subscribe",
         {{QStringLiteral("client_id"), QStringLiteral("keepme")},
          {QStringLiteral("topics"), QJsonArray {QStringLiteral("s/+"), QStringLiteral("t")}}});
    call("PATCH", "/subscriptions/keepme",
         {{QStringLiteral("topics"), QJsonArray {QStringLiteral("t")}},
          {QStringLiteral("state"), QStringLiteral("paused")}});
    const QByteArray id = idOf(publish(port(), "s/1", "1"));
    call("POST", "/ack",
         {{QStringLiteral("client_id"), QStringLiteral("keepme")},
          {QStringLiteral("last_event_id"), QString::fromUtf8(id)}});
    SseClient anonymous; // an anonymous client is not kept
    anonymous.open(port(), "/events?topic=x");
    QTRY_VERIFY(anonymous.hasSession());
    m_engine.reset(); // writes what is pending
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("subscriptions.json"))));

    start(config);
    QVERIFY(m_engine->startProblems().isEmpty());
    const HttpResponse r = request(port(), "GET", "/subscriptions/keepme");
    QCOMPARE(r.status, 200);
    QCOMPARE(stateOf(r, QStringLiteral("s/+")), QStringLiteral("active"));
    QCOMPARE(stateOf(r, QStringLiteral("t")), QStringLiteral("paused"));
    QCOMPARE(r.json().value(QLatin1String("acked")).toString().toUtf8(), id);
    QCOMPARE(m_engine->hub()->clientCount(), 1);
    SseClient client;
    client.open(port(), "/events?client_id=keepme");
    QTRY_VERIFY(client.hasSession());
    QCOMPARE(publish(port(), "s/2", "2").json().value(QLatin1String("delivered")).toInt(), 1);
    QCOMPARE(publish(port(), "t", "3").json().value(QLatin1String("delivered")).toInt(), 0);
}

// Two instances on one data directory would overwrite each other's stored clients (the last to
// write wins): the second refuses to start and says which process holds it; once the first has
// stopped, the directory is free again and what it stored is there.
void TestSubscriptions::oneInstancePerDataDir()
{
    QTemporaryDir dir;
    Engine::Config config;
    config.dataDir = dir.path();
    start(config);
    call("POST", "/subscribe",
         {{QStringLiteral("client_id"), QStringLiteral("alpha")},
          {QStringLiteral("topics"), QJsonArray {QStringLiteral("a")}}});

    Engine second(config);
    QString error;
    QVERIFY(!second.start(&error));
    QVERIFY2(error.contains(dir.path()) && error.contains(QLatin1String("in use by another ssehub"))
                 && error.contains(QString::number(QCoreApplication::applicationPid())),
             qPrintable(error));

    m_engine.reset();
    start(config);
    QCOMPARE(request(port(), "GET", "/subscriptions/alpha").status, 200);
}

void TestSubscriptions::corruptStoreIsSetAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("subscriptions.json"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"version\":1,\"clients\":{\"x\":{\"subscriptions\":[{\"filter\":\"a/#/b\"");
    }
    Engine::Config config;
    config.dataDir = dir.path();
    start(config);
    QCOMPARE(m_engine->startProblems().size(), 1);
    const QString problem = m_engine->startProblems().first();
    QVERIFY2(problem.contains(path) && problem.contains(QLatin1String("moved to")),
             qPrintable(problem));
    QVERIFY(!QFile::exists(path));
    const QStringList aside
        = QDir(dir.path()).entryList({QStringLiteral("subscriptions.json.corrupt-*")});
    QCOMPARE(aside.size(), 1);
    QVERIFY(QFile(dir.filePath(aside.first())).size() > 0); // the damaged data is kept
    // The engine works, and writes a fresh file.
    QCOMPARE(call("POST", "/subscribe",
                  {{QStringLiteral("client_id"), QStringLiteral("n")},
                   {QStringLiteral("topics"), QJsonArray {QStringLiteral("a")}}})
                 .status,
             200);
    m_engine->hub()->saveNow();
    QVERIFY(QFile::exists(path));
}

void TestSubscriptions::payloadFormat()
{
    SseClient plain, envelope;
    plain.open(port(), "/events?topic=f&format=payload");
    envelope.open(port(), "/events?topic=f");
    QTRY_VERIFY(plain.hasSession() && envelope.hasSession());
    const QByteArray id = idOf(publish(port(), "f", "{\"v\":[1,2]}", "reading"));
    QTRY_COMPARE(plain.events().size(), 1);
    QTRY_COMPARE(envelope.events().size(), 1);
    QCOMPARE(plain.events().first().data, QByteArray("{\"v\":[1,2]}"));
    QCOMPARE(plain.events().first().id, id);
    QCOMPARE(plain.events().first().type, QByteArray("reading"));
    QCOMPARE(envelope.events()
                 .first()
                 .json()
                 .value(QLatin1String("payload"))
                 .toObject()
                 .value(QLatin1String("v"))
                 .toArray()
                 .size(),
             2);
}

void TestSubscriptions::errors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("subscribe no client")
        << QByteArray("POST") << QByteArray("/subscribe") << QByteArray("{\"topics\":[\"a\"]}")
        << 400 << "client_id";
    QTest::newRow("subscribe bad filter")
        << QByteArray("POST") << QByteArray("/subscribe")
        << QByteArray("{\"client_id\":\"c\",\"topics\":[\"a/#/b\"]}") << 400 << "last level";
    QTest::newRow("subscribe no topics")
        << QByteArray("POST") << QByteArray("/subscribe")
        << QByteArray("{\"client_id\":\"c\",\"topics\":[]}") << 400 << "at least one";
    QTest::newRow("subscribe bad ttl")
        << QByteArray("POST") << QByteArray("/subscribe")
        << QByteArray("{\"client_id\":\"c\",\"topics\":[\"a\"],\"ttl_seconds\":-1}") << 400
        << "ttl_seconds";
    QTest::newRow("subscribe bad json") << QByteArray("POST") << QByteArray("/subscribe")
                                        << QByteArray("{\"client_id\":") << 400 << "not valid JSON";
    QTest::newRow("subscribe control id")
        << QByteArray("POST") << QByteArray("/subscribe")
        << QByteArray("{\"client_id\":\"a\\nb\",\"topics\":[\"a\"]}") << 400 << "control";
    QTest::newRow("unsubscribe unknown")
        << QByteArray("DELETE") << QByteArray("/unsubscribe")
        << QByteArray("{\"client_id\":\"ghost\",\"topics\":[\"a\"]}") << 404 << "ghost";
    QTest::newRow("list unknown") << QByteArray("GET") << QByteArray("/subscriptions/ghost")
                                  << QByteArray() << 404 << "ghost";
    QTest::newRow("patch unknown") << QByteArray("PATCH") << QByteArray("/subscriptions/ghost")
                                   << QByteArray("{\"state\":\"paused\"}") << 404 << "ghost";
    QTest::newRow("patch bad state") << QByteArray("PATCH") << QByteArray("/subscriptions/known")
                                     << QByteArray("{\"state\":\"sleeping\"}") << 400 << "state";
    QTest::newRow("patch nothing") << QByteArray("PATCH") << QByteArray("/subscriptions/known")
                                   << QByteArray("{}") << 400 << "nothing to change";
    QTest::newRow("patch unknown filter")
        << QByteArray("PATCH") << QByteArray("/subscriptions/known")
        << QByteArray("{\"topics\":[\"zzz\"],\"state\":\"paused\"}") << 404 << "zzz";
    QTest::newRow("ack unknown") << QByteArray("POST") << QByteArray("/ack")
                                 << QByteArray("{\"client_id\":\"ghost\",\"last_event_id\":\"1\"}")
                                 << 404 << "ghost";
    QTest::newRow("ack bad id") << QByteArray("POST") << QByteArray("/ack")
                                << QByteArray("{\"client_id\":\"known\",\"last_event_id\":\"x1\"}")
                                << 400 << "last_event_id";
    QTest::newRow("stream unknown client no topic")
        << QByteArray("GET") << QByteArray("/events?client_id=ghost") << QByteArray() << 400
        << "no stored subscriptions";
    QTest::newRow("stream bad format")
        << QByteArray("GET") << QByteArray("/events?topic=a&format=xml") << QByteArray() << 400
        << "format";
    QTest::newRow("stream long client id")
        << QByteArray("GET") << "/events?topic=a&client_id=" + QByteArray(200, 'c') << QByteArray()
        << 400 << "128";
}

void TestSubscriptions::errors()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, errorPart);
    QCOMPARE(call("POST", "/subscribe",
                  {{QStringLiteral("client_id"), QStringLiteral("known")},
                   {QStringLiteral("topics"), QJsonArray {QStringLiteral("a")}}})
                 .status,
             200);
    const HttpResponse r = request(port(), method, path, body.isEmpty() ? QByteArray() : body);
    QCOMPARE(r.status, status);
    const QString error = r.json().value(QLatin1String("error")).toString();
    QVERIFY2(error.contains(errorPart), qPrintable(error));
    // Nothing changed for the known client.
    QCOMPARE(stateOf(request(port(), "GET", "/subscriptions/known"), QStringLiteral("a")),
             QStringLiteral("active"));
}

void TestSubscriptions::answeredOnceOnDisk()
{
    // A 200 to a change means the files on disk have it (no later timer): what a restart
    // right after the answer would load (the files copied aside and read there). A store that
    // cannot be written gets 503 with a JSON error, and the next request after the fault
    // writes again.
    QTemporaryDir dir;
    Engine::Config config;
    config.dataDir = dir.path();
    start(config);
    auto onDisk = [&dir](const QString &client) -> std::optional<Client> {
        QTemporaryDir copy;
        for (const char *name : {"subscriptions.json", "subscriptions.journal"})
            QFile::copy(dir.filePath(QLatin1String(name)), copy.filePath(QLatin1String(name)));
        QString problem;
        const QHash<QString, Client> clients
            = FileSubscriptionStore(copy.filePath(QStringLiteral("subscriptions.json")))
                  .load(&problem);
        if (!problem.isEmpty())
            qWarning("%s", qPrintable(problem));
        if (!clients.contains(client))
            return std::nullopt;
        return clients.value(client);
    };
    for (int i = 0; i < 5; ++i) {
        const QString client = QStringLiteral("disk-%1").arg(i);
        QCOMPARE(call("POST", "/subscribe",
                      {{QStringLiteral("client_id"), client},
                       {QStringLiteral("topics"), QJsonArray {QStringLiteral("a/b")}}})
                     .status,
                 200);
        const auto stored = onDisk(client);
        QVERIFY(stored && stored->subscriptions.contains("a/b"));
    }
    QCOMPARE(call("POST", "/ack",
                  {{QStringLiteral("client_id"), QStringLiteral("disk-0")},
                   {QStringLiteral("last_event_id"), QStringLiteral("1234")}})
                 .status,
             200);
    QCOMPARE(onDisk(QStringLiteral("disk-0"))->ackedId, quint64(1234));
    QCOMPARE(request(port(), "DELETE", "/unsubscribe?client_id=disk-1&topic=a/b").status, 200);
    QVERIFY(onDisk(QStringLiteral("disk-1"))->subscriptions.isEmpty());
    QCOMPARE(call("PATCH", "/subscriptions/disk-2",
                  {{QStringLiteral("state"), QStringLiteral("paused")}})
                 .status,
             200);
    QCOMPARE(onDisk(QStringLiteral("disk-2"))->subscriptions.value("a/b").state,
             Subscription::State::Paused);

    // Files may not grow (RLIMIT_FSIZE: writes fail with EFBIG, as on a full disk, also for
    // root): the change is refused.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit {};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &limit), 0);
    const rlimit unlimited = limit;
    limit.rlim_cur = 1;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limit), 0);
    const HttpResponse refused
        = call("POST", "/subscribe",
               {{QStringLiteral("client_id"), QStringLiteral("nospace")},
                {QStringLiteral("topics"), QJsonArray {QStringLiteral("x")}}});
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.header("retry-after").isEmpty());
    QVERIFY2(refused.json()
                 .value(QLatin1String("error"))
                 .toString()
                 .contains(QLatin1String("could not be stored")),
             refused.body.constData());
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &unlimited), 0);
    QVERIFY(m_engine->hub()->storeCounters().failures >= 1);
    // Fixed: the next change is stored with what was kept in memory.
    QCOMPARE(call("POST", "/subscribe",
                  {{QStringLiteral("client_id"), QStringLiteral("later")},
                   {QStringLiteral("topics"), QJsonArray {QStringLiteral("x")}}})
                 .status,
             200);
    QVERIFY(onDisk(QStringLiteral("nospace")) && onDisk(QStringLiteral("later")));
    QCOMPARE(onDisk(QStringLiteral("disk-0"))->ackedId, quint64(1234));
}

void TestSubscriptions::journalAfterACrash()
{
    // The store's files as a crash can leave them: a last journal line cut short (never
    // acknowledged) is ignored without a complaint; a journal of an older snapshot does not
    // count; a damaged line in the middle is reported and kept aside, the lines before it apply.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("subscriptions.json"));
    auto client = [](const QString &id, const QByteArray &filter) {
        Client c;
        c.id = id;
        Subscription s;
        s.filter = TopicFilter::parse(filter);
        c.subscriptions.insert(filter, s);
        return c;
    };
    QString problem;
    {
        FileSubscriptionStore store(path);
        QVERIFY(store.load(&problem).isEmpty() && problem.isEmpty());
        QVERIFY(store.wantsCompaction()); // no journal yet: the first write is a snapshot
        QVERIFY2(store.save({client(QStringLiteral("a"), "x")}, &problem), qPrintable(problem));
        QVERIFY(!store.wantsCompaction());
        QVERIFY(store.append({{QStringLiteral("b"), client(QStringLiteral("b"), "y")},
                              {QStringLiteral("a"), std::nullopt}},
                             &problem));
        QVERIFY(store.append({{QStringLiteral("c"), client(QStringLiteral("c"), "z")}}, &problem));
    }
    QFile journal(dir.filePath(QStringLiteral("subscriptions.journal")));
    QVERIFY(journal.open(QIODevice::Append));
    journal.write("{\"id\":\"d\",\"client\":{\"subscr"); // cut short by the crash
    journal.close();
    {
        FileSubscriptionStore store(path);
        const QHash<QString, Client> loaded = store.load(&problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(QSet<QString>(loaded.keyBegin(), loaded.keyEnd()),
                 (QSet<QString> {QStringLiteral("b"), QStringLiteral("c")}));
        QVERIFY(loaded.value(QStringLiteral("c")).subscriptions.contains("z"));
        // Folded into a new snapshot at load: the journal is empty again.
        QVERIFY(QFileInfo(journal).size() < 30);
        QVERIFY(store.append({{QStringLiteral("e"), client(QStringLiteral("e"), "w")}}, &problem));
    }
    // A damaged line in the middle.
    QVERIFY(journal.open(QIODevice::Append));
    journal.write("garbage\n{\"id\":\"f\",\"client\":null}\n");
    journal.close();
    {
        FileSubscriptionStore store(path);
        const QHash<QString, Client> loaded = store.load(&problem);
        QVERIFY2(problem.contains(QLatin1String("damaged")), qPrintable(problem));
        QVERIFY(loaded.contains(QStringLiteral("e")) && loaded.contains(QStringLiteral("b")));
        QCOMPARE(
            QDir(dir.path()).entryList({QStringLiteral("subscriptions.journal.corrupt-*")}).size(),
            1);
    }
    // A journal left from before the last snapshot (a crash between the two): ignored.
    const QByteArray stale = "{\"journal\":1}\n{\"id\":\"b\",\"client\":null}\n";
    QVERIFY(journal.open(QIODevice::WriteOnly | QIODevice::Truncate));
    journal.write(stale);
    journal.close();
    {
        FileSubscriptionStore store(path);
        const QHash<QString, Client> loaded = store.load(&problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(loaded.contains(QStringLiteral("b")));
    }
    QVERIFY(QDir(dir.path()).entryList({QStringLiteral("subscriptions.json.corrupt-*")}).isEmpty());
}

QTEST_GUILESS_MAIN(TestSubscriptions)
#include "tst_subscriptions.moc"
