// The console's models without a window: diffs, filters, rates, exports.
#include "engine/engine.h"
#include "format.h"
#include "hub/hub.h"
#include "link/snapshotmerger.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "models/nodefiltermodel.h"
#include "models/nodesmodel.h"
#include "models/topicsmodel.h"
#include "observe/logformat.h"
#include "slowreader.h"
#include "widgets/throughputhistory.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>
#include <QTimer>

using namespace ssehub;

namespace {

StreamRow row(quint64 id, const QString &client, quint64 events = 0, qint64 progressMs = 0)
{
    StreamRow r;
    r.id = id;
    r.clientId = client;
    r.eventsSent = events;
    r.lastProgressMs = progressMs;
    r.filters = "t";
    return r;
}

StreamRow row(quint64 id, const char *client, quint64 events = 0, qint64 progressMs = 0)
{
    return row(id, QString::fromUtf8(client), events, progressMs);
}

ConsoleSnapshot snapshotOf(std::vector<StreamRow> rows, qint64 now = 0, int heartbeat = 1000)
{
    ConsoleSnapshot s;
    s.connections = std::move(rows);
    s.monotonicMs = now;
    s.heartbeatMs = heartbeat;
    return s;
}

LogEntry entry(LogEntry::Kind kind, const QString &client, qint64 time, const QString &reason = {})
{
    LogEntry e;
    e.kind = kind;
    e.clientId = client;
    e.time = time;
    e.reason = reason;
    e.connectionId = 7;
    e.remoteAddress = QStringLiteral("127.0.0.1:5000");
    return e;
}

LogEntry entry(LogEntry::Kind kind, const char *client, qint64 time, const char *reason = "")
{
    return entry(kind, QString::fromUtf8(client), time, QString::fromUtf8(reason));
}

} // namespace

class TestConsoleModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectionsApplyDiffs();
    void connectionsHealth();
    void connectionsQueueColours();
    void slowReaderTurnsAmberThenRedBeforeItIsClosed();
    void logCapacityAndFilters();
    void topicsTree();
    void nodes();
    void clusterMerge();
    void throughputRates();
    void csvAndJsonLines();
    void logQuery();
    void naturalSort();
};

void TestConsoleModels::connectionsApplyDiffs()
{
    ConnectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.applySnapshot(snapshotOf({row(1, "a"), row(2, "b"), row(3, "c")}));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 1); // one run
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 2);

    // Same rows, same time: nothing at all.
    inserted.clear();
    changed.clear();
    model.applySnapshot(snapshotOf({row(1, "a"), row(2, "b"), row(3, "c")}));
    QCOMPARE(inserted.size() + removed.size() + changed.size(), 0);

    // One figure moves: dataChanged for that row only.
    model.applySnapshot(snapshotOf({row(1, "a"), row(2, "b", 5), row(3, "c")}));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.first().at(1).toModelIndex().row(), 1);
    QCOMPARE(model.index(1, ConnectionsModel::Events).data().toString(), QStringLiteral("5"));

    // 1 and 3 go, 4 and 5 arrive: two removals, one insertion run at the end.
    changed.clear();
    model.applySnapshot(snapshotOf({row(2, "b", 5), row(4, "d"), row(5, "e")}));
    QCOMPARE(removed.size(), 2);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowAt(0).clientId, QStringLiteral("b"));
    QCOMPARE(model.rowAt(2).clientId, QStringLiteral("e"));
    QCOMPARE(model.rowOf(4), 1);
    QCOMPARE(model.rowOf(3), -1);

    // Interleaved: insert in the middle.
    model.applySnapshot(snapshotOf({row(2, "b", 5), row(3, "x"), row(4, "d"), row(5, "e")}));
    QCOMPARE(model.rowAt(1).clientId, QStringLiteral("x"));

    // 10,000 rows and a full change: one insert, then a single dataChanged range.
    std::vector<StreamRow> many;
    for (quint64 i = 1; i <= 10000; ++i)
        many.push_back(row(i * 2, QStringLiteral("c%1").arg(i)));
    model.applySnapshot(snapshotOf(many));
    QCOMPARE(model.rowCount(), 10000);
    for (auto &r : many)
        r.eventsSent += 1;
    changed.clear();
    model.applySnapshot(snapshotOf(many));
    QCOMPARE(changed.size(), 1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestConsoleModels::connectionsHealth()
{
    using H = ConnectionsModel::HealthState;
    QCOMPARE(ConnectionsModel::healthFor(0, 1000), H::Healthy);
    QCOMPARE(ConnectionsModel::healthFor(1250, 1000), H::Healthy); // a ping is due within 1.25
    QCOMPARE(ConnectionsModel::healthFor(1501, 1000), H::Late);
    QCOMPARE(ConnectionsModel::healthFor(2999, 1000), H::Late);
    QCOMPARE(ConnectionsModel::healthFor(3000, 1000), H::Dead);
    QCOMPARE(ConnectionsModel::healthFor(90000, 30000), H::Dead); // the design's 90 s

    ConnectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(
        snapshotOf({row(1, "fresh", 0, 10000), row(2, "late", 0, 8000), row(3, "dead", 0, 6000)},
                   10000, 1000));
    QCOMPARE(model.count(H::Healthy), 1);
    QCOMPARE(model.count(H::Late), 1);
    QCOMPARE(model.count(H::Dead), 1);
    QCOMPARE(model.index(1, ConnectionsModel::Health).data().toString(), QStringLiteral("late"));
    QVERIFY(model.index(0, ConnectionsModel::Health).data(Qt::BackgroundRole).isNull());
    QVERIFY(!model.index(2, ConnectionsModel::Health).data(Qt::BackgroundRole).isNull());
    // Time alone moves health: the same rows later make everything older.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applySnapshot(
        snapshotOf({row(1, "fresh", 0, 10000), row(2, "late", 0, 8000), row(3, "dead", 0, 6000)},
                   12000, 1000));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().column(), int(ConnectionsModel::LastWrite));
    QCOMPARE(model.count(H::Dead), 2);
}

void TestConsoleModels::connectionsQueueColours()
{
    using Q = ConnectionsModel::QueueState;
    QCOMPARE(ConnectionsModel::queueFor(0, 1024), Q::Normal);
    QCOMPARE(ConnectionsModel::queueFor(255, 1024), Q::Normal);
    QCOMPARE(ConnectionsModel::queueFor(256, 1024), Q::Filling);
    QCOMPARE(ConnectionsModel::queueFor(767, 1024), Q::Filling);
    QCOMPARE(ConnectionsModel::queueFor(768, 1024), Q::NearLimit);
    QCOMPARE(ConnectionsModel::queueFor(5000, 0), Q::Normal); // no limit known

    ConnectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ConsoleSnapshot s = snapshotOf({row(1, "a"), row(2, "b"), row(3, "c")}, 0, 1000);
    s.maxQueueBytes = 1024;
    s.connections[1].bytesQueued = 300;
    s.connections[2].bytesQueued = 900;
    model.applySnapshot(s);
    const auto colour = [&model](int r) {
        return model.index(r, ConnectionsModel::Queued).data(Qt::BackgroundRole);
    };
    QVERIFY(colour(0).isNull());
    QCOMPARE(colour(1).value<QBrush>().color(), ConnectionsModel::amber());
    QCOMPARE(colour(2).value<QBrush>().color(), ConnectionsModel::red());
    // A larger limit (the engine restarted with another --max-queue) recolours every row.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    s.maxQueueBytes = 2048;
    model.applySnapshot(s);
    QVERIFY(!changed.isEmpty());
    QVERIFY(colour(1).isNull());
    QCOMPARE(colour(2).value<QBrush>().color(), ConnectionsModel::amber());
}

void TestConsoleModels::slowReaderTurnsAmberThenRedBeforeItIsClosed()
{
    // A real reader that is alive but slower than its topic, against an engine in this thread:
    // its row is watched through the snapshots the console gets. Its queue grows in the open
    // (amber, then red) until it passes --max-queue and the engine closes it as slow-consumer.
    Engine::Config config;
    config.port = 0;
    config.heartbeatMs = 300;
    config.maxQueueBytes = 256 * 1024;
    config.statsIntervalMs = 50;
    Engine engine(config);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    ConnectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QStringList seen; // the slow row's Queued colour, snapshot by snapshot, when it changes
    connect(&engine, &Engine::snapshotReady, this, [&](const SnapshotPtr &snapshot) {
        model.applySnapshot(*snapshot);
        QString state = QStringLiteral("gone");
        for (int r = 0; r < model.rowCount(); ++r) {
            if (model.rowAt(r).userAgent != "slow-reader")
                continue;
            const QVariant brush
                = model.index(r, ConnectionsModel::Queued).data(Qt::BackgroundRole);
            state = brush.isNull() ? QStringLiteral("plain")
                : brush.value<QBrush>().color() == ConnectionsModel::amber()
                ? QStringLiteral("amber")
                : brush.value<QBrush>().color() == ConnectionsModel::red()
                ? QStringLiteral("red")
                : QStringLiteral("other");
        }
        if (seen.isEmpty() ? state != QLatin1String("gone") : seen.last() != state)
            seen << state; // from the first snapshot that has the stream
    });
    engine.setConsoleAttached(true);

    test::SlowReader slow; // 100 bytes every 50 ms (2 KB/s) from a 2 KB receive buffer
    QVERIFY2(slow.open(engine.port(), "/events?topic=fast", 2048, 100, 50),
             qPrintable(slow.errorString()));
    QTRY_COMPARE(engine.hub()->streamCount(), 1);
    QTRY_VERIFY(seen.contains(QStringLiteral("plain")));
    const QByteArray payload = '"' + QByteArray(2000, 'p') + '"'; // 40 KB/s
    QTimer publisher;
    connect(&publisher, &QTimer::timeout, this, [&] {
        engine.publish({"fast", {}, payload}, [](const PublishResult &) {});
    });
    publisher.start(50);
    QTRY_VERIFY_WITH_TIMEOUT(engine.hub()->streamCount() == 0, 60000);
    publisher.stop();
    QTRY_COMPARE(seen.last(), QStringLiteral("gone"));
    qInfo() << "slow reader's queue:" << seen;
    // Plain, amber, red, closed (the queue may dip back for a moment, e.g. when the kernel
    // grows the socket's send buffer and takes more of it).
    const qsizetype amber = seen.indexOf(QStringLiteral("amber"));
    const qsizetype red = seen.indexOf(QStringLiteral("red"));
    QVERIFY2(seen.first() == QLatin1String("plain") && amber > 0 && red > amber
                 && !seen.contains(QStringLiteral("other")),
             qPrintable(seen.join(QLatin1Char(' '))));
    QCOMPARE(seen.at(seen.size() - 2), QStringLiteral("red")); // red until it was closed
    QCOMPARE(seen.last(), QStringLiteral("gone"));
    QCOMPARE(engine.hub()->counters().slowConsumerCloses, 1u);
    QCOMPARE(engine.hub()->counters().deadCloses, 0u);
}

void TestConsoleModels::logCapacityAndFilters()
{
    LogModel model(5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    using K = LogEntry::Kind;
    model.append({entry(K::Connect, "a", 1000), entry(K::Disconnect, "a", 2000, "client-closed"),
                  entry(K::Connect, "bob", 3000)});
    QCOMPARE(model.rowCount(), 3);
    model.append({entry(K::AuthFailure, "", 4000), entry(K::Kick, "bob", 5000),
                  entry(K::Connect, "carol", 6000)});
    QCOMPARE(model.rowCount(), 5); // the oldest went
    QCOMPARE(model.entryAt(0).time, qint64(2000));
    QCOMPARE(model.entryAt(4).clientId, QStringLiteral("carol"));

    filter.setKinds({K::Connect});
    QCOMPARE(filter.rowCount(), 2);
    filter.setKinds({});
    filter.setSearchText(QStringLiteral("BO"));
    QCOMPARE(filter.rowCount(), 2);
    filter.setSearchText({});
    filter.setSince(4000);
    QCOMPARE(filter.rowCount(), 3);
    const QList<LogEntry> visible = filter.visibleEntries();
    QCOMPARE(visible.size(), 3);
    QCOMPARE(visible.first().kind, K::AuthFailure);
    // A batch larger than the capacity keeps its newest entries.
    QList<LogEntry> flood;
    for (int i = 0; i < 12; ++i)
        flood << entry(K::Connect, QString::number(i), 10000 + i);
    model.append(flood);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.entryAt(4).clientId, QStringLiteral("11"));
}

void TestConsoleModels::topicsTree()
{
    TopicsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ConsoleSnapshot s;
    s.monotonicMs = 1000;
    s.filters = {FilterRow {"sensor/+/data", 3, 1, 4}, FilterRow {"sensor/#", 1, 0, 1}};
    s.topics = {TopicRow {"sensor/1/data", 10, 5000, "reading", "{\"v\":1}"}};
    model.applySnapshot(s);
    QStandardItem *filter = model.itemFor("sensor/+/data");
    QVERIFY(filter);
    QCOMPARE(filter->parent(), model.itemFor("sensor/+"));
    QCOMPARE(model.itemFor("sensor")->parent(), nullptr);
    QCOMPARE(model.rowCount(), 1); // one root: sensor
    auto cell = [&](const QByteArray &path, int column) {
        QStandardItem *item = model.itemFor(path);
        const QModelIndex parent = item->parent() ? item->parent()->index() : QModelIndex();
        return model.index(item->row(), column, parent).data();
    };
    QCOMPARE(cell("sensor/+/data", TopicsModel::Subscribers).toInt(), 3);
    QCOMPARE(cell("sensor/+/data", TopicsModel::Paused).toInt(), 1);
    QCOMPARE(cell("sensor/#", TopicsModel::Streams).toInt(), 1);
    QVERIFY(cell("sensor/1/data", TopicsModel::Preview)
                .toString()
                .contains(QLatin1String("[reading]")));

    // 20 more events in 2 s: 10/s; the # filter goes away, its node too.
    s.monotonicMs = 3000;
    s.topics[0].events = 30;
    s.filters = {FilterRow {"sensor/+/data", 2, 0, 2}};
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.applySnapshot(s);
    QCOMPARE(cell("sensor/1/data", TopicsModel::Rate).toString(), QStringLiteral("10/s"));
    QCOMPARE(cell("sensor/+/data", TopicsModel::Subscribers).toInt(), 2);
    QVERIFY(!model.itemFor("sensor/#"));
    QCOMPARE(removed.size(), 1);
    // Empty levels have a visible name.
    s.topics.push_back(TopicRow {"a//b", 1, 1, {}, "1"});
    model.applySnapshot(s);
    QCOMPARE(model.itemFor("a/")->text(), QStringLiteral("(empty)"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestConsoleModels::nodes()
{
    NodesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto node = [](const char *id, double started) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), QString::fromLatin1(id));
        o.insert(QStringLiteral("address"),
                 QString(QStringLiteral("http://") + QString::fromLatin1(id)));
        o.insert(QStringLiteral("started_at"), started);
        return o;
    };
    QJsonObject b = node("b", 1000);
    b.insert(QStringLiteral("connections"), 5);
    b.insert(QStringLiteral("events_in_per_s"), 3);
    QJsonArray list;
    list.append(b);
    list.append(node("a", 0));
    model.applyNodes(list, 3601000);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, NodesModel::Id).data().toString(), QStringLiteral("a"));
    QCOMPARE(model.index(1, NodesModel::Uptime).data().toString(), QStringLiteral("01:00:00"));
    QCOMPARE(model.index(1, NodesModel::EventsIn).data().toString(), QStringLiteral("3.0/s"));
    list.removeAt(1);
    model.applyNodes(list, 3602000);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, NodesModel::Id).data().toString(), QStringLiteral("b"));
}

// Attached to a cluster: the snapshots of several nodes become one (SnapshotMerger, on the
// link's worker thread), which the models apply as they apply one engine's.
void TestConsoleModels::clusterMerge()
{
    auto node = [](const char *id, qint64 monotonic, std::vector<StreamRow> rows) {
        auto s = std::make_shared<ConsoleSnapshot>(snapshotOf(std::move(rows), monotonic));
        s->stats.nodeId = QString::fromLatin1(id);
        s->stats.connections = int(s->connections.size());
        s->stats.eventsPublished = 10;
        s->bytesOut = 100;
        s->clients = 1;
        s->filters = {{"t", 1, 0, 1}};
        TopicRow topic;
        topic.topic = "room/1";
        topic.events = 5;
        topic.lastEventAt = monotonic; // newer on the node with the later clock here
        topic.lastType = id;
        s->topics = {topic};
        s->log = {entry(LogEntry::Kind::Connect, id, monotonic)};
        return s;
    };
    SnapshotMerger merger;
    QVERIFY(!merger.take(QStringLiteral("a"))); // nothing from the attached node yet
    // Node b's clock is 5 s behind a's: its silence is carried over as b saw it.
    merger.add(QStringLiteral("b"), node("b", 5000, {row(1, "b1", 0, 4000), row(7, "b7")}));
    QVERIFY(!merger.take(QStringLiteral("a")));
    merger.add(QStringLiteral("a"), node("a", 10000, {row(1, "a1", 0, 9500)}));
    SnapshotPtr m = merger.take(QStringLiteral("a"));
    QVERIFY(m);
    QCOMPARE(m->connections.size(), size_t(3));
    QCOMPARE(m->connections[0].node, QStringLiteral("a"));
    QCOMPARE(m->connections[1].node, QStringLiteral("b"));
    QCOMPARE(m->connections[1].id, quint64(1));
    QCOMPARE(m->monotonicMs - m->connections[1].lastProgressMs, qint64(1000));
    QCOMPARE(m->monotonicMs - m->connections[0].lastProgressMs, qint64(500));
    QCOMPARE(m->stats.connections, 3);
    QCOMPARE(m->stats.eventsPublished, quint64(20));
    QCOMPARE(m->bytesOut, quint64(200));
    QCOMPARE(m->clients, 1); // the cluster's clients: every node knows them all
    QCOMPARE(m->stats.nodeId, QStringLiteral("a"));
    QCOMPARE(m->filters.size(), size_t(1));
    QCOMPARE(m->filters[0].active, 1);
    QCOMPARE(m->filters[0].streams, 2);
    QCOMPARE(m->topics.size(), size_t(1));
    QCOMPARE(m->topics[0].events, quint64(5)); // each node saw the same events
    QCOMPARE(m->topics[0].lastType, QByteArray("a"));
    // Both nodes' log, in time order, each entry naming its node; given once.
    QCOMPARE(m->log.size(), 2);
    QCOMPARE(m->log[0].node, QStringLiteral("b"));
    QCOMPARE(m->log[1].node, QStringLiteral("a"));
    QCOMPARE(merger.take(QStringLiteral("a"))->log.size(), 0);
    QCOMPARE(merger.streams(QStringLiteral("b")), 2);

    // The models key rows by (node, id): stream 1 of a and of b are two rows.
    ConnectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(*m);
    QCOMPARE(model.rowOf(1, QStringLiteral("a")), 0);
    QCOMPARE(model.rowOf(1, QStringLiteral("b")), 1);
    QCOMPARE(model.index(1, ConnectionsModel::Node).data().toString(), QStringLiteral("b"));

    // A node left out (unreachable): its rows go, the others stay.
    merger.drop(QStringLiteral("b"));
    model.applySnapshot(*merger.take(QStringLiteral("a")));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowAt(0).node, QStringLiteral("a"));

    // 10,000 rows over four nodes: merged off the GUI thread, then applied as one snapshot (to
    // a model without the tester, which checks every change and would be what is timed).
    ConnectionsModel timed;
    for (int n = 0; n < 4; ++n) {
        std::vector<StreamRow> rows;
        for (quint64 i = 1; i <= 2500; ++i)
            rows.push_back(row(i, QStringLiteral("c%1").arg(i), i));
        const QByteArray id = "n" + QByteArray::number(n);
        merger.add(QString::fromLatin1(id), node(id.constData(), 1000, rows));
    }
    QElapsedTimer timer;
    timer.start();
    m = merger.take(QStringLiteral("a"));
    const qint64 mergeMs = timer.restart();
    timed.applySnapshot(*m);
    const qint64 firstApplyMs = timer.restart();
    QCOMPARE(timed.rowCount(), 10001);
    for (int n = 0; n < 4; ++n) {
        std::vector<StreamRow> rows;
        for (quint64 i = 1; i <= 2500; ++i)
            rows.push_back(row(i, QStringLiteral("c%1").arg(i), i + 1));
        const QByteArray id = "n" + QByteArray::number(n);
        merger.add(QString::fromLatin1(id), node(id.constData(), 1250, rows));
    }
    m = merger.take(QStringLiteral("a"));
    timer.restart();
    timed.applySnapshot(*m);
    qInfo("10,000 rows of 4 nodes: merged in %lld ms (worker thread); applied in %lld ms, then "
          "%lld ms with every counter changed (GUI thread)",
          mergeMs, firstApplyMs, timer.elapsed());
}

void TestConsoleModels::throughputRates()
{
    ThroughputHistory h;
    QVERIFY(!h.add({.timeMs = 1000, .connections = 1, .clients = 1}));
    QVERIFY(!h.add({.timeMs = 1500,
                    .eventsIn = 50,
                    .eventsOut = 100,
                    .bytesOut = 1000,
                    .connections = 1,
                    .clients = 1})); // not a second yet
    QVERIFY(h.add({.timeMs = 2000,
                   .eventsIn = 100,
                   .eventsOut = 200,
                   .bytesOut = 2048,
                   .connections = 2,
                   .clients = 3,
                   .topics = 4,
                   .slowCloses = 6,
                   .authFailures = 2}));
    QCOMPARE(h.fine().size(), size_t(1));
    QCOMPARE(h.latest().eventsIn, 100.0);
    QCOMPARE(h.latest().eventsOut, 200.0);
    QCOMPARE(h.latest().bytesOut, 2048.0);
    QCOMPARE(h.latest().connections, 2.0);
    QCOMPARE(h.latest().clients, 3.0);
    QCOMPARE(h.latest().topics, 4.0);
    QCOMPARE(h.latest().slowCloses, 6.0);
    QCOMPARE(h.latest().authFailures, 2.0);
    // Bounded: 5 minutes of seconds, an hour of 10-second averages.
    quint64 in = 100;
    for (int i = 0; i < 4000; ++i) {
        in += 10;
        h.add({3000 + i * 1000LL, in, 0, 0, 1});
    }
    QCOMPARE(h.fine().size(), ThroughputHistory::FineCapacity);
    QCOMPARE(h.coarse().size(), ThroughputHistory::CoarseCapacity);
    QCOMPARE(h.coarse().back().eventsIn, 10.0);
    // Totals going back (an engine restart) start over instead of showing negative rates.
    const size_t before = h.fine().size();
    QVERIFY(!h.add({5000000, 0, 0, 0, 0}));
    QVERIFY(h.add({5001000, 7, 0, 0, 0}));
    QCOMPARE(h.latest().eventsIn, 7.0);
    QCOMPARE(h.fine().size(), before);
}

void TestConsoleModels::csvAndJsonLines()
{
    LogEntry e = entry(LogEntry::Kind::Disconnect, QStringLiteral("名字,\"q\""), 1700000000123,
                       QStringLiteral("client-closed"));
    e.userAgent = QStringLiteral("=HYPERLINK(\"x\")");
    e.detail = QStringLiteral("line1\nline2");
    const QByteArray csv = exportLog({e}, LogFormat::Csv);
    QVERIFY(csv.startsWith(
        "\xEF\xBB\xBFtime,kind,connection,client_id,remote,user_agent,reason,detail,count\r\n"));
    const QByteArray row = csv.mid(csv.indexOf("\r\n") + 2);
    QCOMPARE(row,
             QByteArray("2023-11-14T22:13:20.123Z,disconnect,7,\"名字,\"\"q\"\"\",127.0.0.1:5000,"
                        "\"'=HYPERLINK(\"\"x\"\")\",client-closed,\"line1\nline2\",1\r\n"));
    const QByteArray jsonl = exportLog({e, e}, LogFormat::JsonLines);
    QCOMPARE(jsonl.count('\n'), 2);
    const QJsonObject o = QJsonDocument::fromJson(jsonl.left(jsonl.indexOf('\n'))).object();
    QCOMPARE(o.value(QLatin1String("client_id")).toString(), e.clientId);
    QCOMPARE(o.value(QLatin1String("user_agent")).toString(), e.userAgent); // JSON is not defused
    QCOMPARE(o.value(QLatin1String("time")).toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
    QCOMPARE(logFormatForPath(QStringLiteral("/x/y.CSV")), LogFormat::Csv);
    QCOMPARE(logFormatForPath(QStringLiteral("/x/y.jsonl")), LogFormat::JsonLines);
    LogFormat f;
    QVERIFY(logFormatFromName(u"csv", &f) && f == LogFormat::Csv);
    QVERIFY(!logFormatFromName(u"xml", &f));
}

void TestConsoleModels::logQuery()
{
    using K = LogEntry::Kind;
    const QList<LogEntry> all {entry(K::Connect, "a", 100), entry(K::Kick, "a", 200),
                               entry(K::Connect, "b", 300), entry(K::Connect, "a", 400)};
    LogQuery q;
    QCOMPARE(q.apply(all).size(), 4);
    q.kinds = {K::Connect};
    q.client = QStringLiteral("a");
    QCOMPARE(q.apply(all).size(), 2);
    q.limit = 1;
    QCOMPARE(q.apply(all).first().time, qint64(400)); // the newest
    q = LogQuery();
    q.sinceMs = 200;
    q.untilMs = 400;
    QCOMPARE(q.apply(all).size(), 2);
    for (int k = 0; k < LogEntry::KindCount; ++k) {
        LogEntry::Kind parsed;
        QVERIFY(LogEntry::kindFromName(LogEntry::kindName(K(k)), &parsed));
        QCOMPARE(parsed, K(k));
    }
}

void TestConsoleModels::naturalSort()
{
    auto less = [](const char *a, const char *b) {
        return naturalCompare(QString::fromUtf8(a), QString::fromUtf8(b)) < 0;
    };
    QVERIFY(less("room2", "room10"));
    QVERIFY(!less("room10", "room2"));
    QVERIFY(less("sensor/9/data", "sensor/10/data"));
    QVERIFY(less("Alpha", "beta")); // letters ignore case
    QVERIFY(less("a01", "a2")); // 1 < 2, leading zeros aside
    QVERIFY(less("a", "a1")); // a prefix first
    QVERIFY(less("99999999999999999999", "100000000000000000000")); // beyond 64 bits
    QCOMPARE(naturalCompare(u"x", u"x"), 0);
    QVERIFY(naturalCompare(u"a1", u"a01") != 0); // different texts never tie

    // A strict total order, also with other scripts' digits, letters and punctuation around
    // numbers (the Clients API pages by it: a cycle skipped and repeated clients).
    const QStringList ids {QStringLiteral("x10"), QStringLiteral("xA"),  QString::fromUtf8("x٣"),
                           QStringLiteral("xb"),  QStringLiteral("x_"),  QStringLiteral("x9"),
                           QStringLiteral("x1"),  QStringLiteral("x2"),  QString::fromUtf8("x١٠"),
                           QStringLiteral("x01"), QStringLiteral("X1"),  QStringLiteral("x:"),
                           QStringLiteral("x/"),  QString::fromUtf8("xé"), QStringLiteral("x1a")};
    for (const QString &a : ids) {
        for (const QString &b : ids) {
            const int ab = naturalCompare(a, b);
            QCOMPARE(ab == 0, a == b);
            QCOMPARE(ab < 0, naturalCompare(b, a) > 0);
            for (const QString &c : ids) {
                if (ab < 0 && naturalCompare(b, c) < 0)
                    QVERIFY2(naturalCompare(a, c) < 0, qPrintable(a + QLatin1Char(' ') + c));
            }
        }
    }

    // The views' sort proxy uses it for text and keeps numbers numeric.
    QStandardItemModel source;
    for (const char *name : {"room10", "room2", "Room1"})
        source.appendRow(new QStandardItem(QString::fromUtf8(name)));
    NodeFilterModel proxy(Qt::UserRole + 7, nullptr);
    proxy.setSourceModel(&source);
    proxy.sort(0);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("Room1"));
    QCOMPARE(proxy.index(1, 0).data().toString(), QStringLiteral("room2"));
    QCOMPARE(proxy.index(2, 0).data().toString(), QStringLiteral("room10"));
}

QTEST_MAIN(TestConsoleModels)
#include "tst_consolemodels.moc"
