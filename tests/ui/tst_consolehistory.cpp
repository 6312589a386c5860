// The History view and the Topics view over a real engine: retained events paged both ways by
// filter (through the embedded link and through GET /history), subscriber counts of topics that
// count the streams of wildcard filters, the topics' search and natural sort, and rates averaged
// over a window.
#include "consolefixture.h"
#include "format.h"
#include "httpclient.h"
#include "link/remotelink.h"
#include "models/historymodel.h"
#include "models/topicsmodel.h"
#include "sseclient.h"
#include "views/historyview.h"

#include <QDateTime>
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTranslator>
#include <QTreeView>

#include <memory>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

class TestConsoleHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void historyPaging();
    void historyQueries();
    void historyOverHttp();
    void wildcardSubscriberCounts();
    void topicSearchAndNaturalSort();
    void averagedRate();

private:
    // Publishes n events (payload {"n": i}) on topics cycling through `topics`.
    static void publishMany(quint16 port, int n, const QList<QByteArray> &topics);
};

namespace {

int payloadN(const EventRow &e)
{
    return QJsonDocument::fromJson(e.payload).object().value(QLatin1String("n")).toInt(-1);
}

QList<int> shownNs(HistoryView *view)
{
    QList<int> out;
    for (const EventRow &e : view->model()->events())
        out << payloadN(e);
    return out;
}

QList<int> range(int from, int to) // from..to inclusive, either direction
{
    QList<int> out;
    for (int i = from; from <= to ? i <= to : i >= to; from <= to ? ++i : --i)
        out << i;
    return out;
}

} // namespace

void TestConsoleHistory::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consolehistory"));
}

void TestConsoleHistory::publishMany(quint16 port, int n, const QList<QByteArray> &topics)
{
    for (int i = 0; i < n; ++i) {
        const HttpResponse r = publish(port, topics.at(i % topics.size()),
                                       "{\"n\":" + QByteArray::number(i) + "}", "reading");
        QCOMPARE(r.status, 200);
    }
}

// 250 events on alerts/fire/*, paged 100 at a time newest first: 249..150, 149..50, 49..0,
// then forwards again; every event once, nothing lost, and the buttons say where the ends are.
void TestConsoleHistory::historyPaging()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    publishMany(c.port(), 250, {"alerts/fire/1", "alerts/fire/2", "alerts/fire/3"});
    publishMany(c.port(), 10, {"weather/today"}); // n 0..9 on another topic
    auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
    auto *view = c.window->findChild<HistoryView *>(QStringLiteral("historyPage"));
    QVERIFY(tabs && view);
    QCOMPARE(tabs->tabText(tabs->indexOf(view)), QStringLiteral("History"));
    QCOMPARE(tabs->indexOf(view),
             tabs->indexOf(c.window->findChild<QWidget *>(QStringLiteral("topicsPage"))) + 1);
    tabs->setCurrentWidget(view);
    QAbstractItemModelTester tester(view->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto *filter = view->findChild<QLineEdit *>(QStringLiteral("historyFilter"));
    auto *older = view->findChild<QPushButton *>(QStringLiteral("historyOlder"));
    auto *newer = view->findChild<QPushButton *>(QStringLiteral("historyNewer"));
    auto *header = view->findChild<QLabel *>(QStringLiteral("historyHeader"));
    QVERIFY(filter && older && newer && header);
    QCOMPARE(view->findChild<QSpinBox *>(QStringLiteral("historyPageSize"))->value(), 100);
    QSignalSpy shown(view, &HistoryView::pageShown);

    QTest::keyClicks(filter, QStringLiteral("alerts/#"));
    c.click(QStringLiteral("historySearch"));
    QVERIFY(shown.wait());
    QCOMPARE(shownNs(view), range(249, 150));
    QVERIFY(older->isEnabled());
    QVERIFY(!newer->isEnabled()); // the newest are shown
    QVERIFY2(header->text().contains(QLatin1String("100 events on this page")),
             qPrintable(header->text()));
    QVERIFY2(header->text().contains(QStringLiteral("260 of %1 events").arg(formatCount(10000))),
             qPrintable(header->text()));
    // The oldest retained event is named (the first of all 260).
    QVERIFY(header->text().contains(QLatin1String("Oldest retained event: ")));

    QList<int> seen = shownNs(view);
    QTest::mouseClick(older, Qt::LeftButton);
    QVERIFY(shown.wait());
    QCOMPARE(shownNs(view), range(149, 50));
    seen += shownNs(view);
    QVERIFY(older->isEnabled() && newer->isEnabled());
    QTest::mouseClick(older, Qt::LeftButton);
    QVERIFY(shown.wait());
    QCOMPARE(shownNs(view), range(49, 0));
    seen += shownNs(view);
    QVERIFY(!older->isEnabled()); // nothing older matches
    QVERIFY(header->text().contains(QLatin1String("50 events on this page")));
    QCOMPARE(seen, range(249, 0)); // each of the 250 once, in order
    // Ids are continuous: each page's ids are the published order, newest first.
    const QList<EventRow> &last = view->model()->events();
    for (qsizetype i = 1; i < last.size(); ++i) {
        quint64 a = 0, b = 0;
        QVERIFY(parseHistoryId(last.at(i - 1).id, &a) && parseHistoryId(last.at(i).id, &b));
        QVERIFY(a > b);
    }

    QTest::mouseClick(newer, Qt::LeftButton);
    QVERIFY(shown.wait());
    QCOMPARE(shownNs(view), range(149, 50));
    QTest::mouseClick(newer, Qt::LeftButton);
    QVERIFY(shown.wait());
    QCOMPARE(shownNs(view), range(249, 150));

    // A row's payload in the pane, its preview with a tooltip.
    auto *table = view->findChild<QTableView *>(QStringLiteral("historyTable"));
    table->setCurrentIndex(view->model()->index(0, HistoryModel::Payload));
    auto *pane = view->findChild<QPlainTextEdit *>(QStringLiteral("historyPayload"));
    QVERIFY(pane->toPlainText().contains(QLatin1String("\"n\": 249")));
    QVERIFY(pane->toPlainText().contains(QLatin1String("alerts/fire/")));
    QCOMPARE(view->model()->index(0, HistoryModel::Payload).data(Qt::ToolTipRole).toString(),
             QStringLiteral("{\"n\":249}"));
    // Times keep seconds and milliseconds.
    QVERIFY(QRegularExpression(QStringLiteral("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"))
                .match(view->model()->index(0, HistoryModel::Time).data().toString())
                .hasMatch());
    if (!qEnvironmentVariableIsEmpty("SSEHUB_TEST_SHOTS"))
        c.window->grab().save(qEnvironmentVariable("SSEHUB_TEST_SHOTS")
                              + QStringLiteral("/history.png"));
}

// Oldest first with a wildcard, from and to an id, a time range, a bad filter.
void TestConsoleHistory::historyQueries()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    publishMany(c.port(), 120, {"room/1/temp", "room/2/temp", "room/2/humidity"});
    auto *view = c.window->findChild<HistoryView *>(QStringLiteral("historyPage"));
    auto *filter = view->findChild<QLineEdit *>(QStringLiteral("historyFilter"));
    auto *from = view->findChild<QLineEdit *>(QStringLiteral("historyFrom"));
    auto *to = view->findChild<QLineEdit *>(QStringLiteral("historyTo"));
    auto *order = view->findChild<QComboBox *>(QStringLiteral("historyOrder"));
    auto *size = view->findChild<QSpinBox *>(QStringLiteral("historyPageSize"));
    auto *older = view->findChild<QPushButton *>(QStringLiteral("historyOlder"));
    auto *newer = view->findChild<QPushButton *>(QStringLiteral("historyNewer"));
    auto *state = view->findChild<QLabel *>(QStringLiteral("historyState"));
    QSignalSpy shown(view, &HistoryView::pageShown);

    // room/+/temp: n % 3 is 0 or 1, oldest first, 30 a page.
    filter->setText(QStringLiteral("room/+/temp"));
    order->setCurrentIndex(1); // oldest first
    size->setValue(30);
    view->search();
    QVERIFY(shown.wait());
    QList<int> expected;
    for (int n = 0; n < 120; ++n) {
        if (n % 3 != 2)
            expected << n;
    }
    QCOMPARE(shownNs(view), expected.mid(0, 30));
    QVERIFY(newer->isEnabled() && !older->isEnabled());
    QList<int> all = shownNs(view);
    while (newer->isEnabled()) {
        QTest::mouseClick(newer, Qt::LeftButton);
        QVERIFY(shown.wait());
        all += shownNs(view);
    }
    QCOMPARE(all, expected); // 80 events over 3 pages, none twice
    QVERIFY(older->isEnabled());

    // From and to an id (both included).
    const QList<EventRow> page = view->model()->events();
    const QByteArray firstId = page.at(2).id, lastId = page.at(5).id;
    from->setText(QString::fromLatin1(firstId));
    to->setText(QString::fromLatin1(lastId));
    view->search();
    QVERIFY(shown.wait());
    QCOMPARE(view->model()->events().size(), 4);
    QCOMPARE(view->model()->events().constFirst().id, firstId);
    QCOMPARE(view->model()->events().constLast().id, lastId);

    // A time range: from a minute ago to a minute ahead holds everything; an hour ago to 30
    // minutes ago nothing.
    const QDateTime now = QDateTime::currentDateTime();
    from->setText(now.addSecs(-60).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    to->setText(now.addSecs(60).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    size->setValue(1000);
    view->search();
    QVERIFY(shown.wait());
    QCOMPARE(view->model()->events().size(), 80);
    from->setText(now.addSecs(-3600).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    to->setText(now.addSecs(-1800).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    view->search();
    QVERIFY(shown.wait());
    QCOMPARE(view->model()->events().size(), 0);
    QVERIFY(view->findChild<QLabel *>(QStringLiteral("historyHeader"))
                ->text()
                .contains(QLatin1String("0 events on this page")));

    // What cannot be a filter or a bound is said, and nothing is asked.
    from->clear();
    to->clear();
    filter->setText(QStringLiteral("room/#/temp"));
    QVERIFY(!filter->toolTip().isEmpty());
    const qsizetype answered = shown.size();
    view->search();
    QVERIFY(state->isVisibleTo(view));
    QVERIFY(state->text().contains(QLatin1String("'#'")));
    filter->setText(QStringLiteral("room/#"));
    from->setText(QStringLiteral("yesterday-ish"));
    view->search();
    QVERIFY(state->text().contains(QLatin1String("From")));
    // Neither was asked: the next valid query is the only answer.
    from->clear();
    view->search();
    QVERIFY(shown.wait());
    QCOMPARE(shown.size(), answered + 1);
    QCOMPARE(view->model()->events().size(), 120);
    QCOMPARE(HistoryView::filterProblem(QStringLiteral("a+/b")).isEmpty(), false);
    QCOMPARE(HistoryView::filterProblem(QStringLiteral("a/+/b/#")).isEmpty(), true);
}

// The same queries through GET /history, as a console attached to a server elsewhere asks.
void TestConsoleHistory::historyOverHttp()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    publishMany(c.port(), 25, {"alerts/fire/3", "alerts/water/1"});
    RemoteTarget target;
    target.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(c.port()));
    RemoteLink link(target);
    QString error;
    QVERIFY2(link.start(&error), qPrintable(error));
    QObject context;
    std::vector<HistoryPage> pages;
    auto ask = [&](const HistoryQuery &q) {
        const size_t before = pages.size();
        link.history(q, &context, [&pages](const HistoryPage &page) { pages.push_back(page); });
        QTRY_COMPARE_WITH_TIMEOUT(pages.size(), before + 1, 10000);
    };
    HistoryQuery q;
    q.filter = "alerts/+/3"; // n even: 13 events
    q.limit = 5;
    q.descending = true;
    QList<int> ns;
    for (int i = 0; i < 10; ++i) {
        ask(q);
        const HistoryPage &page = pages.back();
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        for (const EventRow &e : page.events) {
            ns << payloadN(e);
            QCOMPARE(e.topic, QByteArray("alerts/fire/3"));
            QCOMPARE(e.type, QByteArray("reading"));
        }
        if (page.next.isEmpty())
            break;
        q.hasBefore = true;
        QVERIFY(parseHistoryId(page.next, &q.before));
    }
    QCOMPARE(ns, (QList<int> {24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0}));
    QCOMPARE(pages.back().retainedEvents, 25);
    QCOMPARE(pages.back().maxEvents, 10000);
    QCOMPARE(pages.back().source, QStringLiteral("embedded"));
    QVERIFY(!pages.back().oldestId.isEmpty());
    // A refusal comes back as the server's words.
    q.filter = "alerts/#/3";
    ask(q);
    QVERIFY(!pages.back().error.isEmpty());
    QVERIFY(pages.back().events.isEmpty());
}

// 40 streams on alerts/#, 3 on alerts/fire/+ and 1 on alerts/fire/3: an event on alerts/fire/3
// reaches 44 streams, and the topic says so; alerts/water/1 reaches the 40.
void TestConsoleHistory::wildcardSubscriberCounts()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    std::vector<std::unique_ptr<SseClient>> streams;
    auto openStreams = [&](const QByteArray &filter, int n) {
        for (int i = 0; i < n; ++i) {
            streams.push_back(std::make_unique<SseClient>());
            streams.back()->open(
                c.port(), "/events?topic=" + QUrl::toPercentEncoding(QString::fromUtf8(filter)));
        }
    };
    openStreams("alerts/#", 40);
    openStreams("alerts/fire/+", 3);
    openStreams("alerts/fire/3", 1);
    // One client with two matching filters is counted once.
    streams.push_back(std::make_unique<SseClient>());
    streams.back()->open(c.port(), "/events?topic=alerts/fire/3&topic=alerts/%23&client_id=both");
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), 45, 10000);
    QCOMPARE(publish(c.port(), "alerts/fire/3", "{\"t\":1}")
                 .json()
                 .value(QLatin1String("delivered"))
                 .toInt(),
             45);
    QCOMPARE(publish(c.port(), "alerts/water/1", "{\"t\":1}").status, 200);
    TopicsModel *topics = c.window->topicsModel();
    auto cell = [topics](const QByteArray &path, int column) {
        QStandardItem *item = topics->itemFor(path);
        if (!item)
            return QVariant();
        const QModelIndex parent = item->parent() ? item->parent()->index() : QModelIndex();
        return topics->index(item->row(), column, parent).data();
    };
    QTRY_COMPARE(cell("alerts/fire/3", TopicsModel::Streams).toInt(), 45);
    QCOMPARE(cell("alerts/fire/3", TopicsModel::Subscribers).toInt(), 45);
    QTRY_COMPARE(cell("alerts/water/1", TopicsModel::Streams).toInt(), 41);
    // The filter nodes keep counting their holders.
    QCOMPARE(cell("alerts/#", TopicsModel::Subscribers).toInt(), 41);
    // Streams going away are counted out.
    for (int i = 0; i < 10; ++i)
        streams.at(size_t(i))->close();
    QTRY_COMPARE_WITH_TIMEOUT(cell("alerts/fire/3", TopicsModel::Streams).toInt(), 35, 10000);
    QTRY_COMPARE(cell("alerts/water/1", TopicsModel::Streams).toInt(), 31);
    if (!qEnvironmentVariableIsEmpty("SSEHUB_TEST_SHOTS")) {
        auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
        tabs->setCurrentWidget(c.window->findChild<QWidget *>(QStringLiteral("topicsPage")));
        c.window->grab().save(qEnvironmentVariable("SSEHUB_TEST_SHOTS")
                              + QStringLiteral("/topics.png"));
    }
}

// The topic tree sorts levels naturally (room2 before room10), figures by value, and the search
// box keeps the matching nodes with their parents.
void TestConsoleHistory::topicSearchAndNaturalSort()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    for (const QByteArray &topic : {QByteArray("room/room10"), QByteArray("room/room2"),
                                    QByteArray("room/room1"), QByteArray("hall/door")})
        QCOMPARE(publish(c.port(), topic, "{}").status, 200);
    // room2's last event is later than room1's by a millisecond at least (times have ms).
    const qint64 firstRound = QDateTime::currentMSecsSinceEpoch();
    QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > firstRound + 1);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(publish(c.port(), "room/room2", "{}").status, 200);
    auto *tree = c.window->findChild<QTreeView *>(QStringLiteral("topicsView"));
    QVERIFY(tree);
    QAbstractItemModel *shown = tree->model();
    auto childrenOf = [shown](const QString &name, int column = 0) {
        QStringList out;
        for (int r = 0; r < shown->rowCount(); ++r) {
            const QModelIndex top = shown->index(r, 0);
            if (top.data().toString() != name)
                continue;
            for (int k = 0; k < shown->rowCount(top); ++k)
                out << shown->index(k, column, top).data().toString();
        }
        return out;
    };
    QTRY_COMPARE(
        childrenOf(QStringLiteral("room")),
        (QStringList {QStringLiteral("room1"), QStringLiteral("room2"), QStringLiteral("room10")}));
    // By last event, descending: room2 had the latest.
    tree->sortByColumn(TopicsModel::LastEvent, Qt::DescendingOrder);
    QTRY_COMPARE(childrenOf(QStringLiteral("room")).constFirst(), QStringLiteral("room2"));
    tree->sortByColumn(TopicsModel::Level, Qt::DescendingOrder);
    QCOMPARE(
        childrenOf(QStringLiteral("room")),
        (QStringList {QStringLiteral("room10"), QStringLiteral("room2"), QStringLiteral("room1")}));
    tree->sortByColumn(TopicsModel::Level, Qt::AscendingOrder);

    auto *search = c.window->findChild<QLineEdit *>(QStringLiteral("topicsSearch"));
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("ROOM1"));
    QCOMPARE(childrenOf(QStringLiteral("room")),
             (QStringList {QStringLiteral("room1"), QStringLiteral("room10")}));
    QCOMPARE(shown->rowCount(), 1); // hall is gone
    // New snapshots keep the search.
    QCOMPARE(publish(c.port(), "hall/door", "{}").status, 200);
    QSignalSpy applied(c.window.get(), &MainWindow::snapshotApplied);
    QTRY_VERIFY(applied.size() >= 2); // hall's new event was seen, and stays hidden
    QCOMPARE(shown->rowCount(), 1);
    search->clear();
    QCOMPARE(shown->rowCount(), 2);
}

// Events per second over the last 10 s, not between two snapshots: a burst stays visible for the
// window, then its rate falls to zero.
void TestConsoleHistory::averagedRate()
{
    TopicsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto rateAt = [&model](qint64 ms, quint64 events) {
        ConsoleSnapshot s;
        s.monotonicMs = ms;
        s.topics = {TopicRow {"sensor/1", events, ms, {}, "{}"}};
        model.applySnapshot(s);
        QStandardItem *item = model.itemFor("sensor/1");
        return model.index(item->row(), TopicsModel::Rate, item->parent()->index())
            .data(TopicsModel::SortRole)
            .toDouble();
    };
    rateAt(0, 100);
    QCOMPARE(rateAt(250, 150), 200.0); // 50 events in 250 ms
    // No event since: an instantaneous rate would be 0; over the window it is 50 in 0.5 s.
    QCOMPARE(rateAt(500, 150), 100.0);
    QCOMPARE(rateAt(5000, 150), 10.0); // 50 in 5 s
    QCOMPARE(rateAt(10000, 150), 5.0); // 50 in 10 s
    // The window moves on: 10 s without an event is 0/s.
    QCOMPARE(rateAt(10250, 150), 0.0);
    QCOMPARE(rateAt(20250, 150), 0.0);
    // A steady 20/s reads 20/s.
    quint64 events = 150;
    double rate = 0;
    for (qint64 ms = 20500; ms <= 35000; ms += 250) {
        events += 5;
        rate = rateAt(ms, events);
    }
    QCOMPARE(rate, 20.0);
    QStandardItem *item = model.itemFor("sensor/1");
    QCOMPARE(model.index(item->row(), TopicsModel::Rate, item->parent()->index()).data().toString(),
             QStringLiteral("20/s"));
}

QTEST_MAIN(TestConsoleHistory)
#include "tst_consolehistory.moc"
