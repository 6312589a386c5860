// Presence on one instance: GET /presence, its ACL, join and leave on $SYS/presence/<topic>,
// $SYS isolation, and the hub's figures on $SYS/hub/nodes/<node>.
#include "core/clock.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/presencetracker.h"
#include "localengine.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "presence-secret-presence-secret-0123456";

QByteArray tokenFor(const QString &sub, const QStringList &roles)
{
    return roleToken(sub, roles, Secret);
}

QList<QPair<QByteArray, QByteArray>> bearer(const QByteArray &token)
{
    if (token.isEmpty())
        return {};
    return {{"Authorization", "Bearer " + token}};
}

// The entries of an answer as "client:node:streams", sorted as the answer has them.
QStringList entriesOf(const QJsonObject &answer)
{
    QStringList out;
    for (const QJsonValue &v : answer.value(QLatin1String("entries")).toArray()) {
        const QJsonObject e = v.toObject();
        const QJsonValue id = e.value(QLatin1String("client_id"));
        out << QStringLiteral("%1:%2:%3")
                   .arg(id.isNull() ? QStringLiteral("?") : id.toString(),
                        e.value(QLatin1String("node")).toString())
                   .arg(e.value(QLatin1String("streams")).toInt());
    }
    return out;
}

// The events of these types a client received, as "type client topic".
QStringList presenceEvents(const SseClient &client)
{
    QStringList out;
    for (const SseEvent &e : client.events()) {
        if (e.type != "join" && e.type != "leave")
            continue;
        const QJsonObject p = e.json().value(QLatin1String("payload")).toObject();
        out << QStringLiteral("%1 %2 %3")
                   .arg(QString::fromUtf8(e.type), p.value(QLatin1String("client_id")).toString(),
                        p.value(QLatin1String("topic")).toString());
    }
    return out;
}

} // namespace

class TestPresence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup() { m_engine.reset(); }
    void listsWhoListens();
    void countsAndPaging();
    void badQueries();
    void accessRules();
    void joinAndLeaveInOrder();
    void joinOnceForSeveralStreams();
    void systemTopicsStayApart();
    void clientsMayNotPublishUnderSys();
    void hubFigures();
    void questionsWithinBudget();
    void eventsWithinRate();
    void renewalKeepsJoinedAt();

private:
    QJsonObject presence(const QByteArray &query, int expectedStatus = 200,
                         const QByteArray &token = {});
    void startWithAcl(const QByteArray &acl);

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;
};

void TestPresence::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(Secret);
}

QJsonObject TestPresence::presence(const QByteArray &query, int expectedStatus,
                                   const QByteArray &token)
{
    const HttpResponse r
        = request(m_engine->port(), "GET", "/presence?" + query, {}, {}, bearer(token));
    if (r.status != expectedStatus)
        qWarning("GET /presence?%s: %d %s", query.constData(), r.status, r.body.constData());
    return r.status == expectedStatus ? r.json() : QJsonObject();
}

void TestPresence::startWithAcl(const QByteArray &acl)
{
    QFile file(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(acl);
    file.close();
    Engine::Config config;
    config.jwtSecretFile = m_dir.filePath(QStringLiteral("secret"));
    config.aclFile = file.fileName();
    m_engine = startLocalEngine(config);
}

void TestPresence::listsWhoListens()
{
    m_engine = startLocalEngine({});
    const QString node = m_engine->hub()->nodeId();
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    SseClient alice1, alice2, bob, carol;
    alice1.open(m_engine->port(), "/events?topic=chat/1&client_id=alice");
    alice2.open(m_engine->port(), "/events?topic=chat/1&client_id=alice");
    bob.open(m_engine->port(), "/events?topic=chat/%2B&client_id=bob");
    carol.open(m_engine->port(), "/events?topic=news&client_id=carol");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 4);

    QJsonObject answer = presence("topic=chat/1");
    QCOMPARE(entriesOf(answer),
             QStringList(
                 {QStringLiteral("alice:%1:2").arg(node), QStringLiteral("bob:%1:1").arg(node)}));
    QCOMPARE(answer.value(QLatin1String("clients")).toInt(), 2);
    QCOMPARE(answer.value(QLatin1String("streams")).toInt(), 3);
    QCOMPARE(answer.value(QLatin1String("source")).toString(), QStringLiteral("embedded"));
    const qint64 joined = qint64(answer.value(QLatin1String("entries"))
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value(QLatin1String("joined_at"))
                                     .toDouble());
    QVERIFY2(joined >= before && joined <= QDateTime::currentMSecsSinceEpoch(),
             qPrintable(QString::number(joined - before)));
    // A filter meets every subscription that shares a topic with it.
    QCOMPARE(entriesOf(presence("topic=chat/%23")).size(), 2);
    QCOMPARE(entriesOf(presence("topic=news")),
             QStringList(QStringLiteral("carol:%1:1").arg(node)));
    QCOMPARE(entriesOf(presence("topic=chat/2")),
             QStringList(QStringLiteral("bob:%1:1").arg(node)));
    QVERIFY(entriesOf(presence("topic=sport")).isEmpty());

    // Streams that close leave; a paused subscription does not listen.
    alice1.close();
    QTRY_COMPARE(entriesOf(presence("topic=chat/1")).value(0),
                 QStringLiteral("alice:%1:1").arg(node));
    alice2.close();
    QTRY_COMPARE(entriesOf(presence("topic=chat/1")),
                 QStringList(QStringLiteral("bob:%1:1").arg(node)));
    const HttpResponse paused = request(m_engine->port(), "PATCH", "/subscriptions/bob",
                                        "{\"topics\":[\"chat/+\"],\"state\":\"paused\"}");
    QCOMPARE(paused.status, 200);
    QVERIFY(entriesOf(presence("topic=chat/1")).isEmpty());
}

void TestPresence::countsAndPaging()
{
    m_engine = startLocalEngine({});
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(m_engine->port(),
                             "/events?topic=room&client_id=c" + QByteArray::number(i));
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 5);
    const QJsonObject counts = presence("topic=room&count=1");
    QCOMPARE(counts.value(QLatin1String("clients")).toInt(), 5);
    QCOMPARE(counts.value(QLatin1String("streams")).toInt(), 5);
    QVERIFY(!counts.contains(QLatin1String("entries")));
    const QJsonObject page = presence("topic=room&limit=2");
    QCOMPARE(entriesOf(page).size(), 2);
    QVERIFY(entriesOf(page).at(0).startsWith(QLatin1String("c0:")));
    QCOMPARE(page.value(QLatin1String("truncated")).toBool(), true);
    QCOMPARE(page.value(QLatin1String("clients")).toInt(), 5); // counts are of everyone
    QCOMPARE(presence("topic=room&limit=5").value(QLatin1String("truncated")).toBool(), false);
}

void TestPresence::badQueries()
{
    m_engine = startLocalEngine({});
    const QList<QByteArray> queries {QByteArray(),
                                     QByteArray("topic="),
                                     QByteArray("topic=a/%23/b"),
                                     QByteArray("topic=a&x=1"),
                                     QByteArray("topic=a&limit=0"),
                                     QByteArray("topic=a&limit=10001"),
                                     QByteArray("topic=a&count=maybe"),
                                     "topic=" + QByteArray(300, 'a')};
    for (const QByteArray &query : queries) {
        const HttpResponse r = request(m_engine->port(), "GET", "/presence?" + query);
        QVERIFY2(r.status == 400, query.constData());
        QVERIFY2(!r.json().value(QLatin1String("error")).toString().isEmpty(), query.constData());
    }
    QCOMPARE(request(m_engine->port(), "POST", "/presence?topic=a").status, 405);
}

void TestPresence::accessRules()
{
    startWithAcl(R"({"anonymous": null,
        "roles": {"reader": {"subscribe": ["chat/#", "%c/inbox"]},
                  "watcher": {"presence": ["chat/#"]},
                  "everything": {"subscribe": ["#"]},
                  "sys": {"subscribe": ["$SYS/presence/#"]},
                  "ops": {"admin": true}}})");
    const QByteArray reader = tokenFor(QStringLiteral("rita"), {QStringLiteral("reader")});
    const QByteArray other = tokenFor(QStringLiteral("otto"), {QStringLiteral("reader")});
    SseClient rita, otto;
    rita.open(m_engine->port(), "/events?topic=chat/1", bearer(reader));
    otto.open(m_engine->port(), "/events?topic=chat/%2B", bearer(other));
    QTRY_COMPARE(m_engine->hub()->streamCount(), 2);

    // A reader sees that others listen, not who.
    QJsonObject answer = presence("topic=chat/1", 200, reader);
    QCOMPARE(answer.value(QLatin1String("clients")).toInt(), 2);
    QStringList entries = entriesOf(answer);
    QCOMPARE(entries.size(), 2);
    QVERIFY2(entries.contains(QStringLiteral("rita:%1:1").arg(m_engine->hub()->nodeId())),
             qPrintable(entries.join(u' ')));
    QVERIFY(entries.contains(QStringLiteral("?:%1:1").arg(m_engine->hub()->nodeId())));
    QCOMPARE(answer.value(QLatin1String("ids_hidden")).toBool(), true);
    // Not a topic the reader may subscribe to; no credentials.
    presence("topic=news", 403, reader);
    presence("topic=otto/inbox", 403, reader);
    presence("topic=chat/1", 401);
    // The presence grant names everyone, without a subscribe grant; within its filter only.
    const QByteArray watcher = tokenFor(QStringLiteral("wes"), {QStringLiteral("watcher")});
    answer = presence("topic=chat/%23", 200, watcher);
    QCOMPARE(entriesOf(answer).size(), 2);
    QVERIFY(!entriesOf(answer).join(u' ').contains(u'?'));
    presence("topic=%23", 403, watcher);
    // Admins see all.
    const QByteArray ops = tokenFor(QStringLiteral("ops"), {QStringLiteral("ops")});
    QVERIFY(!entriesOf(presence("topic=%23", 200, ops)).join(u' ').contains(u'?'));

    // $SYS needs a grant of its own: '#' does not hold it.
    const QByteArray everything = tokenFor(QStringLiteral("eve"), {QStringLiteral("everything")});
    SseClient eve;
    eve.open(m_engine->port(), "/events?topic=%24SYS/presence/chat/1", bearer(everything));
    QTRY_COMPARE(eve.status(), 403);
    const QByteArray sys = tokenFor(QStringLiteral("sam"), {QStringLiteral("sys")});
    SseClient sam;
    sam.open(m_engine->port(), "/events?topic=%24SYS/presence/chat/1", bearer(sys));
    QTRY_COMPARE(sam.status(), 200);
    QCOMPARE(request(m_engine->port(), "GET", "/history?topic=%24SYS/presence/%23", {}, {},
                     bearer(everything))
                 .status,
             403);
}

void TestPresence::joinAndLeaveInOrder()
{
    Engine::Config config;
    config.presenceEvents = {"chat/#"};
    m_engine = startLocalEngine(config);
    SseClient watcher;
    // Its wildcard raises no presence event of its own.
    watcher.open(m_engine->port(), "/events?topic=%24SYS/presence/chat/1&topic=chat/%2B");
    QTRY_VERIFY(watcher.hasSession());

    SseClient alice;
    alice.open(m_engine->port(), "/events?topic=chat/1&client_id=alice");
    QTRY_COMPARE(presenceEvents(watcher), QStringList(QStringLiteral("join alice chat/1")));
    QCOMPARE(publish(m_engine->port(), "chat/1", "{\"n\":1}").status, 200);
    // Subscribing through the API while the stream lives, and unsubscribing.
    QCOMPARE(request(m_engine->port(), "DELETE", "/unsubscribe",
                     "{\"client_id\":\"alice\",\"topics\":[\"chat/1\"]}")
                 .status,
             200);
    QCOMPARE(request(m_engine->port(), "POST", "/subscribe",
                     "{\"client_id\":\"alice\",\"topics\":[\"chat/1\"]}")
                 .status,
             200);
    QCOMPARE(publish(m_engine->port(), "chat/1", "{\"n\":2}").status, 200);
    alice.close();
    const QStringList expected {
        QStringLiteral("join alice chat/1"), QStringLiteral("leave alice chat/1"),
        QStringLiteral("join alice chat/1"), QStringLiteral("leave alice chat/1")};
    QTRY_COMPARE(presenceEvents(watcher), expected);
    // In publish order with the topic's own events, ids increasing.
    QStringList order;
    QByteArray lastId;
    for (const SseEvent &e : watcher.events()) {
        if (e.id.isEmpty())
            continue;
        QVERIFY(lastId.isEmpty() || e.id.toULongLong() > lastId.toULongLong());
        lastId = e.id;
        order << QString::fromUtf8(e.type);
    }
    QCOMPARE(
        order,
        QStringList({QStringLiteral("join"), QStringLiteral("message"), QStringLiteral("leave"),
                     QStringLiteral("join"), QStringLiteral("message"), QStringLiteral("leave")}));
    // Retained like any event: a late reader finds them in the history.
    const QJsonObject history
        = request(m_engine->port(), "GET", "/history?topic=%24SYS/presence/chat/1").json();
    QCOMPARE(history.value(QLatin1String("count")).toInt(), 4);
    QCOMPARE(m_engine->presenceTracker()->joinsPublished(), 2u);
    const QByteArray metrics = request(m_engine->port(), "GET", "/metrics").body;
    QVERIFY(metrics.contains("ssehub_presence_events_total{kind=\"join\"} 2\n"));
    QVERIFY(metrics.contains("ssehub_presence_events_total{kind=\"leave\"} 2\n"));
}

void TestPresence::joinOnceForSeveralStreams()
{
    Engine::Config config;
    config.presenceEvents = {"chat/#"};
    m_engine = startLocalEngine(config);
    SseClient watcher;
    watcher.open(m_engine->port(), "/events?topic=%24SYS/presence/%23");
    QTRY_VERIFY(watcher.hasSession());
    SseClient a1, a2, outside, wildcard;
    a1.open(m_engine->port(), "/events?topic=chat/1&client_id=alice");
    QTRY_COMPARE(presenceEvents(watcher).size(), 1);
    a2.open(m_engine->port(), "/events?topic=chat/1&client_id=alice");
    // Not selected by --presence-events, or not a topic: no events.
    outside.open(m_engine->port(), "/events?topic=news/1&client_id=nina");
    wildcard.open(m_engine->port(), "/events?topic=chat/%2B&client_id=will");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 5);
    a1.close();
    QTRY_COMPARE(m_engine->hub()->streamCount(), 4);
    QCOMPARE(publish(m_engine->port(), "chat/1", "{}").status, 200); // a marker after the close
    QTRY_COMPARE(wildcard.messages().size(), 1);
    QCOMPARE(presenceEvents(watcher), QStringList(QStringLiteral("join alice chat/1")));
    a2.close();
    QTRY_COMPARE(presenceEvents(watcher).size(), 2);
    QCOMPARE(presenceEvents(watcher).at(1), QStringLiteral("leave alice chat/1"));
}

void TestPresence::systemTopicsStayApart()
{
    Engine::Config config;
    config.presenceEvents = {"#"};
    m_engine = startLocalEngine(config);
    SseClient all, plus, sys;
    all.open(m_engine->port(), "/events?topic=%23");
    plus.open(m_engine->port(), "/events?topic=%2B/presence/%23");
    sys.open(m_engine->port(), "/events?topic=%24SYS/%23");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 3);
    SseClient alice;
    alice.open(m_engine->port(), "/events?topic=room&client_id=alice");
    QTRY_COMPARE(presenceEvents(sys).size(), 1);
    QCOMPARE(publish(m_engine->port(), "room", "{}").status, 200);
    QTRY_COMPARE(all.messages().size(), 1);
    QCOMPARE(all.messages().at(0).type, QByteArray("message"));
    QVERIFY(presenceEvents(all).isEmpty());
    QVERIFY(plus.messages().isEmpty());
    QCOMPARE(m_engine->stats().historySize, 2);
}

void TestPresence::clientsMayNotPublishUnderSys()
{
    m_engine = startLocalEngine({});
    for (const QByteArray &topic :
         {QByteArray("$SYS/presence/chat/1"), QByteArray("$SYS"), QByteArray("$SYS/hub/nodes/x")}) {
        const HttpResponse r = publish(m_engine->port(), topic, "{}", "join");
        QCOMPARE(r.status, 403);
        QVERIFY(r.json().value(QLatin1String("error")).toString().contains(QLatin1String("$SYS")));
    }
    const HttpResponse batch = request(
        m_engine->port(), "POST", "/publish",
        "[{\"topic\":\"$SYS/presence/a\",\"payload\":1},{\"topic\":\"a\",\"payload\":2}]");
    QVERIFY2(batch.body.contains("403") || batch.status == 403, batch.body.constData());
    QCOMPARE(m_engine->stats().historySize, batch.status == 403 ? 0 : 1);
    // Other '$' topics are the application's.
    QCOMPARE(publish(m_engine->port(), "$app/x", "{}").status, 200);
}

void TestPresence::hubFigures()
{
    Engine::Config config;
    config.sysIntervalMs = 100;
    m_engine = startLocalEngine(config);
    SseClient dashboard;
    dashboard.open(m_engine->port(), "/events?topic=%24SYS/hub/%23&topic=news");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    QCOMPARE(publish(m_engine->port(), "news", "{}").status, 200);
    // Figures may come before the published event: wait for the event itself.
    const auto newsIdSeen = [&dashboard] {
        for (const SseEvent &e : dashboard.events()) {
            if (e.type == "message")
                return e.id;
        }
        return QByteArray();
    };
    QTRY_VERIFY(!newsIdSeen().isEmpty());
    const QByteArray newsId = newsIdSeen();
    QTRY_VERIFY(std::count_if(dashboard.events().cbegin(), dashboard.events().cend(),
                              [](const SseEvent &e) { return e.type == "figures"; })
                >= 2);
    for (const SseEvent &e : dashboard.events()) {
        if (e.type != "figures")
            continue;
        QVERIFY(e.id.isEmpty()); // volatile: not retained, no id
        const QJsonObject o = e.json();
        QCOMPARE(o.value(QLatin1String("topic")).toString(),
                 QLatin1String("$SYS/hub/nodes/") + m_engine->hub()->nodeId());
        const QJsonObject p = o.value(QLatin1String("payload")).toObject();
        QCOMPARE(p.value(QLatin1String("streams")).toInt(), 1);
        QVERIFY(p.contains(QLatin1String("slow_consumer_closes")));
        QVERIFY(p.contains(QLatin1String("dead_closes")));
    }
    QCOMPARE(dashboard.lastEventId(), newsId); // figures left it at the published event
    QCOMPARE(m_engine->stats().historySize, 1);
}

QTEST_GUILESS_MAIN(TestPresence)
#include "tst_presence.moc"

void TestPresence::questionsWithinBudget()
{
    Engine::Config config;
    config.presenceBudget = 30; // clients, subscriptions and entries looked at per second
    m_engine = startLocalEngine(config);
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(m_engine->port(),
                             "/events?topic=room/" + QByteArray::number(i) + "&client_id=c"
                                 + QByteArray::number(i));
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 8);
    // A wildcard looks at every client and subscription here and copies what it found (25 of
    // 30), then again (the balance was still above 0).
    QCOMPARE(presence("topic=room/%23&count=1").value(QLatin1String("clients")).toInt(), 8);
    QCOMPARE(presence("topic=room/%23&count=1").value(QLatin1String("clients")).toInt(), 8);
    // Over the budget: refused, a topic as well, until the budget is back.
    for (const QByteArray &query :
         {QByteArray("topic=room/%23&count=1"), QByteArray("topic=room/1")}) {
        const HttpResponse refused = request(m_engine->port(), "GET", "/presence?" + query);
        QCOMPARE(refused.status, 503);
        QVERIFY(!refused.header("Retry-After").isEmpty());
        QVERIFY(refused.json()
                    .value(QLatin1String("error"))
                    .toString()
                    .contains(QLatin1String("--presence-budget")));
    }
    QCOMPARE(m_engine->presenceTracker()->questionBudget().refused(), quint64(2));
    // The console's question is paid, not refused.
    PresenceAnswer console;
    PresenceQuery query;
    query.filter = "room/#";
    m_engine->presence(query, [&console](PresenceAnswer a) { console = std::move(a); });
    QTRY_COMPARE(console.clients, 8);
    QVERIFY(console.error.isEmpty());
    // Two seconds later there is room again (at most one second's worth is saved up).
    Clock::advanceForTesting(2000);
    QCOMPARE(entriesOf(presence("topic=room/1")),
             QStringList(QStringLiteral("c1:%1:1").arg(m_engine->hub()->nodeId())));
}

void TestPresence::eventsWithinRate()
{
    Engine::Config config;
    config.presenceEvents = {"chat/#"};
    config.presenceEventsRate = 3;
    m_engine = startLocalEngine(config);
    SseClient watcher;
    watcher.open(m_engine->port(), "/events?topic=%24SYS/presence/%23");
    QTRY_VERIFY(watcher.hasSession());
    QElapsedTimer elapsed;
    elapsed.start();
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(m_engine->port(),
                             "/events?topic=chat/1&client_id=c" + QByteArray::number(i));
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 21);
    const PresenceTracker *tracker = m_engine->presenceTracker();
    QTRY_COMPARE(tracker->joinsPublished() + tracker->eventsDropped(), quint64(20));
    // Three at once, then three a second.
    const quint64 allowed = 3 + quint64(elapsed.elapsed() * 3 / 1000) + 1;
    QVERIFY2(tracker->joinsPublished() <= allowed,
             qPrintable(QStringLiteral("%1 joins published, at most %2 allowed")
                            .arg(tracker->joinsPublished())
                            .arg(allowed)));
    QVERIFY(tracker->joinsPublished() >= 3);
    QTRY_COMPARE(quint64(presenceEvents(watcher).size()), tracker->joinsPublished());
    QCOMPARE(m_engine->stats().historySize, qsizetype(tracker->joinsPublished()));
    // Once the rate allows, events flow again.
    Clock::advanceForTesting(2000);
    const quint64 leavesBefore = tracker->leavesPublished();
    clients.front()->close();
    QTRY_COMPARE(tracker->leavesPublished(), leavesBefore + 1);
    QTRY_COMPARE(presenceEvents(watcher).last(), QStringLiteral("leave c0 chat/1"));
}

void TestPresence::renewalKeepsJoinedAt()
{
    m_engine = startLocalEngine({});
    SseClient alice;
    alice.open(m_engine->port(), "/events?topic=chat/1&client_id=alice");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const auto joinedAt = [this] {
        const QJsonArray entries
            = presence("topic=chat/1").value(QLatin1String("entries")).toArray();
        return entries.isEmpty()
            ? qint64(-1)
            : qint64(entries.at(0).toObject().value(QLatin1String("joined_at")).toDouble());
    };
    // Five seconds later renewed through the API (a new expiry): still listening since then.
    const auto renewLater = [this] {
        Clock::advanceForTesting(5000);
        return request(m_engine->port(), "POST", "/subscribe",
                       "{\"client_id\":\"alice\",\"topics\":[\"chat/1\"],\"ttl_seconds\":600}")
            .status;
    };
    const qint64 joined = joinedAt();
    QVERIFY(joined > 0);
    QCOMPARE(renewLater(), 200);
    QCOMPARE(joinedAt(), joined);
    // Paused and resumed: listening again from the resume.
    for (const char *state : {"paused", "active"}) {
        QCOMPARE(request(m_engine->port(), "PATCH", "/subscriptions/alice",
                         QByteArray("{\"topics\":[\"chat/1\"],\"state\":\"") + state + "\"}")
                     .status,
                 200);
    }
    QVERIFY(joinedAt() >= joined + 5000);
    alice.close();

    // A subscription read back from the store after a restart keeps its start through a
    // renewal as well.
    m_engine.reset();
    QTemporaryDir data;
    Engine::Config config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.dataDir = data.path();
    QString error;
    m_engine = std::make_unique<Engine>(config);
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    QCOMPARE(request(m_engine->port(), "POST", "/subscribe",
                     "{\"client_id\":\"alice\",\"topics\":[\"chat/1\"]}")
                 .status,
             200);
    m_engine.reset(); // written on the way out
    m_engine = std::make_unique<Engine>(config);
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    SseClient again;
    again.open(m_engine->port(), "/events?client_id=alice");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const qint64 rejoined = joinedAt();
    QVERIFY(rejoined > 0);
    QCOMPARE(renewLater(), 200);
    QCOMPARE(joinedAt(), rejoined);
}
