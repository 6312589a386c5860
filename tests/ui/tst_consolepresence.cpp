// The Topics view's presence panel over a real engine: who listens on the selected topic (named
// clients with their streams, counts, a client that leaves), asked only while the view is shown;
// the join and leave events of --presence-events, and what it says without them; a cluster whose
// Redis goes away shows the error, not the last list; and GET /presence through a RemoteLink.
#include "consolefixture.h"
#include "enginetext.h"
#include "format.h"
#include "link/remotelink.h"
#include "localengine.h"
#include "models/presenceeventsmodel.h"
#include "models/presencemodel.h"
#include "models/topicsmodel.h"
#include "redisserver.h"
#include "sseclient.h"
#include "views/presencepanel.h"
#include "widgets/statecolors.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeView>

#include <memory>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

class TestConsolePresence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void whoListensAndWhoLeaves();
    void joinAndLeaveEvents();
    void noEventsWithoutPresenceEvents();
    void clusterErrorIsShownNotStaleRows();
    void presenceOverHttp();
    void eventsAreBounded();
    void rowsStayWhereTheyAre();

private:
    // The Topics view shown with `topic` selected in its tree (once the tree has it).
    static PresencePanel *showTopic(Console &c, const QByteArray &topic);
};

namespace {

struct Streams
{
    std::vector<std::unique_ptr<SseClient>> list;

    SseClient *open(quint16 port, const QByteArray &client, const QByteArray &filter)
    {
        list.push_back(std::make_unique<SseClient>());
        list.back()->open(port, clientPath(client, filter));
        return list.back().get();
    }
};

QString labelText(QWidget *parent, const QString &name)
{
    auto *label = parent->findChild<QLabel *>(name);
    return label ? label->text() : QStringLiteral("<no %1>").arg(name);
}

// The message the panel shows instead of its table, or "" while the table is shown.
QString whoMessage(PresencePanel *panel)
{
    auto *label = panel->findChild<QLabel *>(QStringLiteral("presenceMessage"));
    auto *stack = qobject_cast<QStackedWidget *>(label->parentWidget());
    return stack->currentWidget() == label ? label->text() : QString();
}

QString eventsMessage(PresencePanel *panel)
{
    auto *label = panel->findChild<QLabel *>(QStringLiteral("presenceEventsMessage"));
    auto *stack = qobject_cast<QStackedWidget *>(label->parentWidget());
    return stack->currentWidget() == label ? label->text() : QString();
}

QString cell(QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

// "joined alice", newest first.
QStringList eventLines(PresenceEventsModel *model)
{
    QStringList out;
    for (const PresenceEvent &e : model->events())
        out << (e.join ? QStringLiteral("joined ") : QStringLiteral("left ")) + e.clientId;
    return out;
}

Engine::Config clusterConfig(quint16 redisPort)
{
    Engine::Config config = baseConfig();
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redisPort);
    config.redisBackoffMaxMs = 100;
    config.redisTimeoutMs = 500;
    config.nodeRefreshMs = 200;
    config.nodeTtlMs = 60000; // the instances stay registered while Redis is away
    return config;
}

} // namespace

void TestConsolePresence::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consolepresence"));
    // Pictures (SSEHUB_TEST_SHOTS) on a dark palette as well (SSEHUB_GRAB_PALETTE=dark).
    if (qEnvironmentVariable("SSEHUB_GRAB_PALETTE") == QLatin1String("dark")) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QPalette dark;
        const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6);
        for (auto role : {QPalette::Window, QPalette::Button})
            dark.setColor(role, window);
        dark.setColor(QPalette::Base, base);
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            dark.setColor(role, text);
        QApplication::setPalette(dark);
    }
}

namespace {

void grab(Console &c, const QString &name)
{
    if (!qEnvironmentVariableIsEmpty("SSEHUB_TEST_SHOTS"))
        c.window->grab().save(qEnvironmentVariable("SSEHUB_TEST_SHOTS") + QLatin1Char('/') + name);
}

} // namespace

PresencePanel *TestConsolePresence::showTopic(Console &c, const QByteArray &topic)
{
    auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
    auto *page = c.window->findChild<QWidget *>(QStringLiteral("topicsPage"));
    auto *tree = c.window->findChild<QTreeView *>(QStringLiteral("topicsView"));
    auto *panel = c.window->findChild<PresencePanel *>(QStringLiteral("presencePanel"));
    if (!tabs || !page || !tree || !panel)
        return nullptr;
    tabs->setCurrentWidget(page);
    TopicsModel *topics = c.window->topicsModel();
    if (!QTest::qWaitFor([&] { return topics->itemFor(topic) != nullptr; }, 10000))
        return nullptr;
    auto *proxy = qobject_cast<QSortFilterProxyModel *>(tree->model());
    tree->setCurrentIndex(proxy->mapFromSource(topics->itemFor(topic)->index()));
    return panel->topic() == topic ? panel : nullptr;
}

// Named clients on chat/lobby: alice with two streams, bob with one, carol through chat/+; dave
// listens elsewhere. The panel lists the three with their streams and the counts; bob closes
// and leaves the list; the last to go leaves "nobody". Hidden, the panel asks nothing.
void TestConsolePresence::whoListensAndWhoLeaves()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    Streams streams;
    streams.open(c.port(), "alice", "chat/lobby");
    streams.open(c.port(), "alice", "chat/lobby");
    SseClient *bob = streams.open(c.port(), "bob", "chat/lobby");
    streams.open(c.port(), "carol", "chat/+");
    streams.open(c.port(), "dave", "news/today");
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), 5, 10000);

    PresencePanel *panel = showTopic(c, "chat/lobby");
    QVERIFY(panel);
    QAbstractItemModelTester tester(panel->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    PresenceModel *model = panel->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 5000);
    QVERIFY(whoMessage(panel).isEmpty()); // the table is shown
    const int alice = model->rowOf(QStringLiteral("alice"));
    const int bobRow = model->rowOf(QStringLiteral("bob"));
    const int carol = model->rowOf(QStringLiteral("carol"));
    QVERIFY(alice >= 0 && bobRow >= 0 && carol >= 0);
    QCOMPARE(model->rowOf(QStringLiteral("dave")), -1);
    QCOMPARE(cell(model, alice, PresenceModel::Streams), QStringLiteral("2"));
    QCOMPARE(cell(model, bobRow, PresenceModel::Streams), QStringLiteral("1"));
    QCOMPARE(cell(model, carol, PresenceModel::Streams), QStringLiteral("1"));
    QCOMPARE(cell(model, alice, PresenceModel::Client), QStringLiteral("alice"));
    QVERIFY(!cell(model, alice, PresenceModel::Node).isEmpty());
    // Since: a time as the console's tables show one, the full moment in the tooltip.
    const QString since = cell(model, alice, PresenceModel::Since);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"))
                 .match(since)
                 .hasMatch(),
             qPrintable(since));
    QVERIFY(!model->index(alice, PresenceModel::Since).data(Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(labelText(panel, QStringLiteral("presenceCounts")),
             QStringLiteral("3 clients · 4 streams · 1 node"));
    QVERIFY(labelText(panel, QStringLiteral("presenceTitle")).startsWith(QLatin1String("Who")));
    QCOMPARE(panel->findChild<QLabel *>(QStringLiteral("presenceTitle"))->toolTip(),
             QStringLiteral("chat/lobby"));
    QVERIFY(!panel->findChild<QLabel *>(QStringLiteral("presenceNote"))->isVisibleTo(panel));

    // Bob goes: the next answer (within 2 s) no longer lists him.
    bob->close();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowOf(QStringLiteral("bob")), -1, 5000);
    QCOMPARE(model->rowCount(), 2);
    QTRY_COMPARE(labelText(panel, QStringLiteral("presenceCounts")),
                 QStringLiteral("2 clients · 3 streams · 1 node"));

    // Hidden (another tab), the panel asks nothing; shown again, it asks at once.
    QSignalSpy answered(panel, &PresencePanel::presenceShown);
    auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
    // Just answered: the next question would be asked RefreshMs later, none is in flight.
    QVERIFY(answered.wait(PresencePanel::RefreshMs + 2000));
    tabs->setCurrentIndex(0);
    QVERIFY(!panel->isVisible());
    answered.clear();
    QVERIFY(!answered.wait(PresencePanel::RefreshMs + 800));
    QCOMPARE(answered.size(), 0);
    tabs->setCurrentWidget(c.window->findChild<QWidget *>(QStringLiteral("topicsPage")));
    QVERIFY(answered.wait(2000));
    QCOMPARE(answered.size(), 1);

    // Everybody leaves: an empty state, not an empty table.
    for (auto &s : streams.list)
        s->close();
    QTRY_VERIFY_WITH_TIMEOUT(
        whoMessage(panel).contains(QLatin1String("Nobody listens on chat/lobby")), 5000);
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(labelText(panel, QStringLiteral("presenceCounts")),
             QStringLiteral("0 clients · 0 streams · 1 node"));
    grab(c, QStringLiteral("presence-empty.png"));
}

// With --presence-events chat/#, alice and bob joining and bob leaving are the panel's rows,
// newest first; carol (chat/+, a filter) has no events; rows that follow come in above.
void TestConsolePresence::joinAndLeaveEvents()
{
    Engine::Config config = baseConfig();
    config.presenceEvents = {"chat/#"};
    Console c;
    QVERIFY(c.start(config));
    Streams streams;
    streams.open(c.port(), "alice", "chat/lobby");
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), 1, 10000);
    SseClient *bob = streams.open(c.port(), "bob", "chat/lobby");
    streams.open(c.port(), "carol", "chat/+");
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), 3, 10000);
    bob->close();
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), 2, 10000);

    PresencePanel *panel = showTopic(c, "chat/lobby");
    QVERIFY(panel);
    PresenceEventsModel *events = panel->eventsModel();
    QAbstractItemModelTester tester(events, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The newest page first: what happened before the topic was selected.
    QTRY_COMPARE_WITH_TIMEOUT(
        eventLines(events),
        (QStringList {QStringLiteral("left bob"), QStringLiteral("joined bob"),
                      QStringLiteral("joined alice")}),
        5000);
    QVERIFY(eventsMessage(panel).isEmpty());
    QCOMPARE(cell(events, 0, PresenceEventsModel::Change), QStringLiteral("left"));
    QCOMPARE(cell(events, 2, PresenceEventsModel::Change), QStringLiteral("joined"));
    QCOMPARE(cell(events, 2, PresenceEventsModel::Client), QStringLiteral("alice"));
    QVERIFY(!cell(events, 2, PresenceEventsModel::Node).isEmpty());
    QVERIFY(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"))
                .match(cell(events, 0, PresenceEventsModel::Time))
                .hasMatch());
    auto *table = panel->findChild<QTableView *>(QStringLiteral("presenceEventsTable"));
    QVERIFY(table->isColumnHidden(PresenceEventsModel::Topic)); // one topic: no column for it
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 2, 5000); // alice and carol listen

    // Later ones come in above, after the last id seen.
    streams.open(c.port(), "erin", "chat/lobby");
    QTRY_COMPARE_WITH_TIMEOUT(eventLines(events).value(0), QStringLiteral("joined erin"), 5000);
    QCOMPARE(events->rowCount(), 4);
    streams.list.front()->close(); // alice
    QTRY_COMPARE_WITH_TIMEOUT(eventLines(events).value(0), QStringLiteral("left alice"), 5000);
    QCOMPARE(eventLines(events),
             (QStringList {QStringLiteral("left alice"), QStringLiteral("joined erin"),
                           QStringLiteral("left bob"), QStringLiteral("joined bob"),
                           QStringLiteral("joined alice")}));
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowOf(QStringLiteral("alice")), -1, 5000);
    QVERIFY(panel->model()->rowOf(QStringLiteral("erin")) >= 0);

    // A filter: the events of every topic it matches, with a Topic column.
    streams.open(c.port(), "frank", "chat/kitchen");
    QVERIFY(showTopic(c, "chat/+"));
    QTRY_VERIFY_WITH_TIMEOUT(eventLines(events).contains(QStringLiteral("joined frank")), 5000);
    QVERIFY(eventLines(events).contains(QStringLiteral("joined erin")));
    QVERIFY(!table->isColumnHidden(PresenceEventsModel::Topic));
    grab(c, QStringLiteral("presence-filter.png"));
}

// Without --presence-events the panel still says who listens, and why it has no events.
void TestConsolePresence::noEventsWithoutPresenceEvents()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    Streams streams;
    streams.open(c.port(), "alice", "chat/lobby");
    PresencePanel *panel = showTopic(c, "chat/lobby");
    QVERIFY(panel);
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(eventsMessage(panel).contains(QLatin1String("--presence-events")),
                             5000);
    QVERIFY2(eventsMessage(panel).contains(QLatin1String("--presence-events chat/#")),
             qPrintable(eventsMessage(panel)));
    QCOMPARE(panel->eventsModel()->rowCount(), 0);
    grab(c, QStringLiteral("presence-no-events.png"));
}

// Two instances through a real redis-server: the attached one lists the other's client with its
// node; Redis goes away and the panel shows why presence cannot be read, without the old rows;
// GET /presence answers 503 meanwhile.
void TestConsolePresence::clusterErrorIsShownNotStaleRows()
{
    RedisServer redis;
    if (!redis.start())
        QSKIP("no redis-server");
    Engine::Config config = clusterConfig(redis.port());
    config.nodeId = QStringLiteral("node-console");
    Console c;
    QVERIFY(c.start(config));
    Engine::Config otherConfig = clusterConfig(redis.port());
    otherConfig.nodeId = QStringLiteral("node-other");
    std::unique_ptr<Engine> other = startLocalEngine(otherConfig);
    Streams streams;
    streams.open(c.port(), "local-client", "chat/lobby");
    streams.open(other->port(), "remote-client", "chat/lobby");
    PresencePanel *panel = showTopic(c, "chat/lobby");
    QVERIFY(panel);
    PresenceModel *model = panel->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
    const int remote = model->rowOf(QStringLiteral("remote-client"));
    QVERIFY(remote >= 0);
    QCOMPARE(cell(model, remote, PresenceModel::Node), QStringLiteral("node-other"));
    QCOMPARE(cell(model, model->rowOf(QStringLiteral("local-client")), PresenceModel::Node),
             QStringLiteral("node-console"));
    QTRY_COMPARE(labelText(panel, QStringLiteral("presenceCounts")),
                 QStringLiteral("2 clients · 2 streams · 2 nodes"));

    redis.kill();
    QTRY_VERIFY_WITH_TIMEOUT(whoMessage(panel).startsWith(QLatin1String("Presence not read: ")),
                             10000);
    QVERIFY2(whoMessage(panel).contains(QLatin1String("Redis")), qPrintable(whoMessage(panel)));
    QCOMPARE(model->rowCount(), 0); // no stale rows under the error
    QVERIFY(labelText(panel, QStringLiteral("presenceCounts")).isEmpty());
    const QString style
        = panel->findChild<QLabel *>(QStringLiteral("presenceMessage"))->styleSheet();
    QVERIFY2(style.contains(severityText(panel->palette(), Severity::Bad).name()),
             qPrintable(style));
    // The engine's words are known to the console (and so translated).
    const QString english = whoMessage(panel).mid(int(qstrlen("Presence not read: ")));
    QVERIFY2(EngineText::isKnown(english), qPrintable(english));
    grab(c, QStringLiteral("presence-error.png"));

    // GET /presence through a RemoteLink: the 503's error.
    RemoteTarget target;
    target.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(c.port()));
    RemoteLink link(target);
    QString error;
    QVERIFY2(link.start(&error), qPrintable(error));
    QObject context;
    std::vector<PresenceAnswer> answers;
    PresenceQuery query;
    query.filter = "chat/lobby";
    link.presence(query, &context, [&](const PresenceAnswer &a) { answers.push_back(a); });
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), size_t(1), 10000);
    QVERIFY2(answers.back().error.contains(QLatin1String("Redis")),
             qPrintable(answers.back().error));
    QVERIFY(answers.back().entries.isEmpty());

    // Back: the list again.
    QVERIFY(redis.start());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 15000);
    QVERIFY(whoMessage(panel).isEmpty());
}

// GET /presence as a console attached elsewhere asks it: entries, counts only, a limit, and an
// answer refused (a filter that is not one) comes back as an error.
void TestConsolePresence::presenceOverHttp()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    Streams streams;
    streams.open(c.port(), "alice", "chat/lobby");
    streams.open(c.port(), "alice", "chat/lobby");
    streams.open(c.port(), "bob", "chat/#");
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), 3, 10000);
    RemoteTarget target;
    target.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(c.port()));
    RemoteLink link(target);
    QString error;
    QVERIFY2(link.start(&error), qPrintable(error));
    QObject context;
    std::vector<PresenceAnswer> answers;
    auto ask = [&](const PresenceQuery &q) {
        const size_t before = answers.size();
        link.presence(q, &context, [&answers](const PresenceAnswer &a) { answers.push_back(a); });
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), before + 1, 10000);
    };
    PresenceQuery q;
    q.filter = "chat/lobby";
    ask(q);
    {
        const PresenceAnswer &a = answers.back();
        QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
        QCOMPARE(a.clients, 2);
        QCOMPARE(a.streams, 3);
        QCOMPARE(a.nodes, 1);
        QCOMPARE(a.source, QStringLiteral("embedded"));
        QCOMPARE(a.entries.size(), 2);
        QCOMPARE(a.entries.at(0).clientId, QStringLiteral("alice"));
        QCOMPARE(a.entries.at(0).streams, 2);
        QCOMPARE(a.entries.at(1).clientId, QStringLiteral("bob"));
        QVERIFY(a.entries.at(0).joinedAtMs > 0);
        QVERIFY(!a.truncated && !a.idsHidden);
    }
    q.countOnly = true;
    ask(q);
    QVERIFY(answers.back().entries.isEmpty());
    QCOMPARE(answers.back().clients, 2);
    QCOMPARE(answers.back().streams, 3);
    q.countOnly = false;
    q.limit = 1;
    ask(q);
    QCOMPARE(answers.back().entries.size(), 1);
    QVERIFY(answers.back().truncated);
    QCOMPARE(answers.back().clients, 2);
    // Refused: the server's words, no entries.
    q.filter = "chat/#/x";
    ask(q);
    QVERIFY(!answers.back().error.isEmpty());
    QVERIFY(answers.back().entries.isEmpty());
}

// The events kept are bounded: 250 joins keep the newest 200, newest first; what was shown
// already is not added twice.
void TestConsolePresence::eventsAreBounded()
{
    PresenceEventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto batch = [](quint64 from, quint64 to) {
        QList<PresenceEvent> out;
        for (quint64 id = from; id <= to; ++id) {
            EventRow row;
            row.id = QByteArray::number(id);
            row.type = id % 2 ? "join" : "leave";
            row.topic = "$SYS/presence/chat/lobby";
            row.time = 1000;
            row.payload = "{\"client_id\":\"c" + QByteArray::number(id)
                + "\",\"node\":\"n\",\"topic\":\"chat/lobby\",\"streams\":1,\"at\":"
                + QByteArray::number(1700000000000 + id) + '}';
            PresenceEvent e;
            if (PresenceEvent::fromEvent(row, &e))
                out << e;
        }
        return out;
    };
    model.addNewer(batch(1, 150));
    QCOMPARE(model.rowCount(), 150);
    QCOMPARE(model.events().constFirst().clientId, QStringLiteral("c150"));
    model.addNewer(batch(140, 250)); // 140..150 are shown already
    QCOMPARE(model.rowCount(), PresenceEventsModel::MaxRows);
    QCOMPARE(model.events().constFirst().clientId, QStringLiteral("c250"));
    QCOMPARE(model.events().constLast().clientId, QStringLiteral("c51"));
    QCOMPARE(model.newestId(), quint64(250));
    model.addNewer(batch(1, 400));
    QCOMPARE(model.rowCount(), PresenceEventsModel::MaxRows);
    QCOMPARE(model.events().constFirst().clientId, QStringLiteral("c400"));
    QCOMPARE(model.events().constLast().clientId, QStringLiteral("c201"));
    // Not an event of the hub's: skipped.
    EventRow other;
    other.id = "401";
    other.type = "message";
    other.payload = "{}";
    PresenceEvent e;
    QVERIFY(!PresenceEvent::fromEvent(other, &e));
    other.type = "join";
    other.payload = "[1]";
    QVERIFY(!PresenceEvent::fromEvent(other, &e));
}

// A new answer removes who left and inserts who came: the rows that stay keep their place (a
// selection on them stays), and their figures change.
void TestConsolePresence::rowsStayWhereTheyAre()
{
    PresenceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto entries = [](const QStringList &ids, int streams = 1) {
        QList<PresenceEntry> out;
        for (const QString &id : ids)
            out.append({id, QStringLiteral("n1"), streams, 1700000000000});
        return out;
    };
    auto ids = [&model] {
        QStringList out;
        for (const PresenceEntry &e : model.entries())
            out << e.clientId;
        return out;
    };
    model.setEntries(entries({QStringLiteral("ann"), QStringLiteral("bob"), QStringLiteral("cy")}));
    const QPersistentModelIndex cy = model.index(2, PresenceModel::Client);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setEntries(
        entries({QStringLiteral("ann"), QStringLiteral("cy"), QStringLiteral("dee")}, 2));
    QCOMPARE(ids(),
             (QStringList {QStringLiteral("ann"), QStringLiteral("cy"), QStringLiteral("dee")}));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(removed.size(), 1); // bob
    QCOMPARE(inserted.size(), 1); // dee
    QVERIFY(cy.isValid());
    QCOMPARE(cy.row(), 1);
    QCOMPARE(cy.data().toString(), QStringLiteral("cy"));
    QCOMPARE(model.index(0, PresenceModel::Streams).data().toString(), QStringLiteral("2"));
    // Hidden ids (empty) and any order end up as given too.
    const QList<PresenceEntry> odd {{QString(), QStringLiteral("n2"), 1, 1},
                                    {QStringLiteral("zed"), QStringLiteral("n1"), 1, 1},
                                    {QString(), QStringLiteral("n1"), 3, 1},
                                    {QStringLiteral("ann"), QStringLiteral("n1"), 1, 1}};
    model.setEntries(odd);
    QCOMPARE(model.entries(), odd);
    QCOMPARE(model.index(0, PresenceModel::Client).data().toString(), QStringLiteral("(hidden)"));
    model.setEntries({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestConsolePresence)
#include "tst_consolepresence.moc"
