// The Clients view against a real engine (offscreen): every known client, online or offline,
// its subscriptions and the operator's actions on them; and "paused" in the Connections view.
#include "consolefixture.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "hubprocess.h"
#include "link/remotetarget.h"
#include "models/clientsmodel.h"
#include "sseclient.h"
#include "tokens.h"
#include "views/clientsview.h"
#include "widgets/confirmation.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QTranslator>
#include <QTreeWidget>

using namespace ssehub;
using namespace ssehub::test;

class TestConsoleClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void offlinePausedClientResumedFromClientsView();
    void searchAndPresenceFilter();
    void deleteAndExpireAskFirst();
    void selectionFollowsTheClientAcrossRefreshes();
    void connectionsStateShowsPaused();
    void attachedConsoleActsOnAnOfflineClient();
    // Pictures of the view for a person to look at (SSEHUB_TEST_SHOTS=<dir>; skipped otherwise),
    // in English and Chinese.
    void pictures_data();
    void pictures();

private:
    // The Clients tab, shown (it refreshes only while shown).
    static ClientsView *showClients(Console &c)
    {
        auto *view = c.window->findChild<ClientsView *>(QStringLiteral("clientsPage"));
        auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
        if (!view || !tabs)
            return nullptr;
        tabs->setCurrentWidget(view);
        return view;
    }
    static bool selectClient(ClientsView *view, const QString &id)
    {
        const int row = view->model()->rowOf(id);
        auto *table = view->findChild<QTableView *>(QStringLiteral("clientsView"));
        if (row < 0 || !table)
            return false;
        table->setCurrentIndex(view->model()->index(row, 0));
        return view->selectedClient() == id;
    }
    static bool selectSubscription(ClientsView *view, const QString &filter)
    {
        auto *tree = view->findChild<QTreeWidget *>(QStringLiteral("clientSubscriptions"));
        for (int i = 0; tree && i < tree->topLevelItemCount(); ++i) {
            if (tree->topLevelItem(i)->text(0) == filter) {
                tree->setCurrentItem(tree->topLevelItem(i));
                return true;
            }
        }
        return false;
    }
    static QString subscriptionState(ClientsView *view, const QString &filter)
    {
        auto *tree = view->findChild<QTreeWidget *>(QStringLiteral("clientSubscriptions"));
        for (int i = 0; tree && i < tree->topLevelItemCount(); ++i) {
            if (tree->topLevelItem(i)->text(0) == filter)
                return tree->topLevelItem(i)->text(1);
        }
        return {};
    }
    static void press(ClientsView *view, const QString &name)
    {
        auto *button = view->findChild<QToolButton *>(name);
        QVERIFY2(button, qPrintable(name));
        QVERIFY2(button->isEnabled(), qPrintable(name));
        QTest::mouseClick(button, Qt::LeftButton);
    }
    static QString cell(ClientsView *view, const QString &id, int column)
    {
        const int row = view->model()->rowOf(id);
        return row < 0 ? QString() : view->model()->index(row, column).data().toString();
    }
};

void TestConsoleClients::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consoleclients"));
}

void TestConsoleClients::offlinePausedClientResumedFromClientsView()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    // A named client with no stream, its subscription paused through the API.
    const auto subscribed = request(c.port(), "POST", "/subscribe",
                                    "{\"client_id\":\"night-shift\",\"topics\":[\"alerts/#\"]}");
    QCOMPARE(subscribed.status, 200);
    QCOMPARE(
        request(c.port(), "PATCH", "/subscriptions/night-shift", "{\"state\":\"paused\"}").status,
        200);

    ClientsView *view = showClients(c);
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY(view->model()->rowOf(QStringLiteral("night-shift")) >= 0);
    QCOMPARE(cell(view, QStringLiteral("night-shift"), ClientsModel::Presence),
             QStringLiteral("offline"));
    QCOMPARE(cell(view, QStringLiteral("night-shift"), ClientsModel::Subscriptions),
             QStringLiteral("1 (1 paused)"));
    QCOMPARE(cell(view, QStringLiteral("night-shift"), ClientsModel::Kind),
             QStringLiteral("stored"));
    QVERIFY(view->findChild<QLabel *>(QStringLiteral("clientsCount"))
                ->text()
                .contains(QLatin1String("1 of 1 shown")));

    QVERIFY(selectClient(view, QStringLiteral("night-shift")));
    QCOMPARE(subscriptionState(view, QStringLiteral("alerts/#")), QStringLiteral("paused"));
    QVERIFY(view->findChild<QLabel *>(QStringLiteral("clientsDetailTitle"))
                ->text()
                .contains(QLatin1String("offline")));
    QVERIFY(selectSubscription(view, QStringLiteral("alerts/#")));
    QVERIFY(
        !view->findChild<QToolButton *>(QStringLiteral("subscriptionPauseButton"))->isEnabled());
    press(view, QStringLiteral("subscriptionResumeButton"));
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("resumed")));
    QTRY_COMPARE(subscriptionState(view, QStringLiteral("alerts/#")), QStringLiteral("active"));
    QCOMPARE(cell(view, QStringLiteral("night-shift"), ClientsModel::Subscriptions),
             QStringLiteral("1"));

    // The client comes back: a stream naming it (no topics) receives what it is subscribed to.
    SseClient stream;
    stream.open(c.port(), "/events?client_id=night-shift");
    QTRY_VERIFY(stream.hasSession());
    QCOMPARE(publish(c.port(), "alerts/fire/3", "42").status, 200);
    QTRY_COMPARE(stream.messages().size(), 1);
    QCOMPARE(stream.messages().first().json().value(QLatin1String("payload")).toInt(), 42);
    // Now online, seen from the view's next refresh.
    QTRY_COMPARE(cell(view, QStringLiteral("night-shift"), ClientsModel::Presence),
                 QStringLiteral("online"));
    QCOMPARE(cell(view, QStringLiteral("night-shift"), ClientsModel::Addresses),
             QStringLiteral("127.0.0.1"));
}

void TestConsoleClients::searchAndPresenceFilter()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    for (const QByteArray &body :
         {QByteArray("{\"client_id\":\"room10\",\"topics\":[\"rooms/10\"]}"),
          QByteArray("{\"client_id\":\"room2\",\"topics\":[\"rooms/2\"]}"),
          QByteArray("{\"client_id\":\"boiler\",\"topics\":[\"plant/+/pressure\"]}")})
        QCOMPARE(request(c.port(), "POST", "/subscribe", body).status, 200);
    SseClient online;
    online.open(c.port(), "/events?topic=lobby&client_id=door");
    QTRY_VERIFY(online.hasSession());

    ClientsView *view = showClients(c);
    QVERIFY(view);
    QTRY_COMPARE(view->model()->rowCount(), 4);
    // Natural order by id, as the engine sorts: boiler, door, room2, room10.
    QCOMPARE(view->model()->clientAt(2).id, QStringLiteral("room2"));
    QCOMPARE(view->model()->clientAt(3).id, QStringLiteral("room10"));

    auto *search = view->findChild<QLineEdit *>(QStringLiteral("clientsSearch"));
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("+/pressure")); // a filter's text
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->clientAt(0).id, QStringLiteral("boiler"));
    QTRY_VERIFY(view->findChild<QLabel *>(QStringLiteral("clientsCount"))
                    ->text()
                    .contains(QLatin1String("1 of 4 shown")));
    search->clear();
    QTRY_COMPARE(view->model()->rowCount(), 4);
    QTest::keyClicks(search, QStringLiteral("127.0.0.1")); // a stream's address
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->clientAt(0).id, QStringLiteral("door"));
    search->clear();
    QTRY_COMPARE(view->model()->rowCount(), 4);

    auto *presence = view->findChild<QComboBox *>(QStringLiteral("clientsPresence"));
    presence->setCurrentIndex(presence->findData(int(ClientQuery::Presence::Offline)));
    QTRY_COMPARE(view->model()->rowCount(), 3);
    QCOMPARE(view->model()->rowOf(QStringLiteral("door")), -1);
    presence->setCurrentIndex(presence->findData(int(ClientQuery::Presence::Online)));
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->clientAt(0).id, QStringLiteral("door"));
}

void TestConsoleClients::deleteAndExpireAskFirst()
{
    Console c(true); // with the confirmations
    QVERIFY(c.start(baseConfig()));
    QCOMPARE(request(c.port(), "POST", "/subscribe",
                     "{\"client_id\":\"old-tablet\",\"topics\":[\"a/1\",\"b/2\"]}")
                 .status,
             200);
    ClientsView *view = showClients(c);
    QVERIFY(view);
    QTRY_VERIFY(view->model()->rowOf(QStringLiteral("old-tablet")) >= 0);
    QVERIFY(selectClient(view, QStringLiteral("old-tablet")));
    QTRY_VERIFY(selectSubscription(view, QStringLiteral("b/2")));

    // Cancelled: nothing changes.
    press(view, QStringLiteral("subscriptionDeleteButton"));
    QString asked = answerConfirmation(c.window.get(), false);
    QVERIFY2(asked.contains(QLatin1String("b/2")) && asked.contains(QLatin1String("old-tablet")),
             qPrintable(asked));
    HttpResponse r = request(c.port(), "GET", "/subscriptions/old-tablet");
    QCOMPARE(r.json().value(QLatin1String("subscriptions")).toArray().size(), 2);

    // Accepted: the subscription is gone, for the API too.
    QVERIFY(selectSubscription(view, QStringLiteral("b/2")));
    press(view, QStringLiteral("subscriptionDeleteButton"));
    QVERIFY(!answerConfirmation(c.window.get(), true).isEmpty());
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("deleted")));
    r = request(c.port(), "GET", "/subscriptions/old-tablet");
    const QJsonArray left = r.json().value(QLatin1String("subscriptions")).toArray();
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).toObject().value(QLatin1String("filter")).toString(),
             QStringLiteral("a/1"));
    QTRY_COMPARE(subscriptionState(view, QStringLiteral("b/2")), QString());

    // Expire: asked too, then expired at once (and no longer expirable).
    QVERIFY(selectSubscription(view, QStringLiteral("a/1")));
    press(view, QStringLiteral("subscriptionExpireButton"));
    asked = answerConfirmation(c.window.get(), true);
    QVERIFY2(asked.contains(QLatin1String("a/1")), qPrintable(asked));
    QTRY_COMPARE(subscriptionState(view, QStringLiteral("a/1")), QStringLiteral("expired"));
    r = request(c.port(), "GET", "/subscriptions/old-tablet");
    QCOMPARE(r.json()
                 .value(QLatin1String("subscriptions"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("state"))
                 .toString(),
             QStringLiteral("expired"));
    QVERIFY(selectSubscription(view, QStringLiteral("a/1")));
    QVERIFY(
        !view->findChild<QToolButton *>(QStringLiteral("subscriptionExpireButton"))->isEnabled());
}

void TestConsoleClients::selectionFollowsTheClientAcrossRefreshes()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QCOMPARE(
        request(c.port(), "POST", "/subscribe", "{\"client_id\":\"m5\",\"topics\":[\"x\"]}").status,
        200);
    ClientsView *view = showClients(c);
    QVERIFY(view);
    QTRY_VERIFY(view->model()->rowOf(QStringLiteral("m5")) >= 0);
    QVERIFY(selectClient(view, QStringLiteral("m5")));
    // Clients that sort before it arrive: its row moves, the selection goes with it.
    for (const char *id : {"a1", "b2", "c3"})
        QCOMPARE(request(c.port(), "POST", "/subscribe",
                         QByteArray("{\"client_id\":\"") + id + "\",\"topics\":[\"x\"]}")
                     .status,
                 200);
    QSignalSpy refreshed(view, &ClientsView::refreshed);
    view->refresh();
    QTRY_COMPARE(view->model()->rowCount(), 4);
    auto *table = view->findChild<QTableView *>(QStringLiteral("clientsView"));
    QCOMPARE(view->model()->rowOf(QStringLiteral("m5")), 3);
    QCOMPARE(table->currentIndex().row(), 3);
    QCOMPARE(view->selectedClient(), QStringLiteral("m5"));
    QVERIFY(table->selectionModel()->isRowSelected(3, {}));
    // Its row is no longer shown: nothing is selected, never another client.
    QCOMPARE(request(c.port(), "DELETE", "/unsubscribe?client_id=m5&topic=x").status, 200);
    // An offline named client without subscriptions stays known; a search that leaves it out
    // leaves nothing selected.
    QTRY_VERIFY(cell(view, QStringLiteral("m5"), ClientsModel::Subscriptions)
                == QLatin1String("0"));
    QCOMPARE(view->selectedClient(), QStringLiteral("m5"));
    auto *search = view->findChild<QLineEdit *>(QStringLiteral("clientsSearch"));
    QTest::keyClicks(search, QStringLiteral("b2"));
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QVERIFY(!table->selectionModel()->hasSelection());
    QCOMPARE(view->selectedClient(), QString());
}

void TestConsoleClients::connectionsStateShowsPaused()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient sleepy;
    sleepy.open(c.port(), clientPath("sleepy", "news/#"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QTRY_COMPARE(c.cell(QStringLiteral("sleepy"), ConnectionsModel::State), QStringLiteral("live"));
    QCOMPARE(request(c.port(), "PATCH", "/subscriptions/sleepy", "{\"state\":\"paused\"}").status,
             200);
    QTRY_COMPARE(c.cell(QStringLiteral("sleepy"), ConnectionsModel::State),
                 QStringLiteral("paused"));
    QCOMPARE(request(c.port(), "PATCH", "/subscriptions/sleepy", "{\"state\":\"active\"}").status,
             200);
    QTRY_COMPARE(c.cell(QStringLiteral("sleepy"), ConnectionsModel::State), QStringLiteral("live"));
}

void TestConsoleClients::attachedConsoleActsOnAnOfflineClient()
{
    Confirmation::resetWaivers(); // its own window, with the confirmations
    // `ssehub --headless` with access control in another process; the console attached with an
    // admin token (its own named client, offline: a client the hub's rules let it act for): GET
    // /clients, PATCH /subscriptions and DELETE /unsubscribe.
    QTemporaryDir dir;
    const QByteArray secret = "clients-view-secret-0123456789abcdefgh";
    auto write = [&](const QString &name, const QByteArray &bytes) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
    };
    const QByteArray adminToken = makeToken(
        QJsonObject {{QStringLiteral("sub"), QStringLiteral("ops")},
                     {QStringLiteral("roles"), QJsonArray {QStringLiteral("admin")}},
                     {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}},
        secret);
    QVERIFY(write(QStringLiteral("secret"), secret));
    QVERIFY(write(QStringLiteral("admin.token"), adminToken));
    QVERIFY(write(QStringLiteral("acl.json"),
                  "{\"anonymous\": null, \"roles\": {\"admin\":\n        {\"subscribe\": [\"#\"], "
                  "\"publish\": [\"#\"], \"admin\": true}}}"));
    HeadlessHub hub(QStringLiteral(SSEHUB_BINARY), dir.path());
    QVERIFY(hub.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--data-dir"), QString(), QStringLiteral("--jwt-secret-file"),
                       dir.filePath(QStringLiteral("secret")), QStringLiteral("--acl"),
                       dir.filePath(QStringLiteral("acl.json"))}));
    const QList<QPair<QByteArray, QByteArray>> admin {{"Authorization", "Bearer " + adminToken}};
    QCOMPARE(request(hub.port(), "POST", "/subscribe",
                     "{\"client_id\":\"ops\",\"topics\":[\"sensor/a\",\"sensor/b\"]}",
                     "application/json", admin)
                 .status,
             200);
    QCOMPARE(request(hub.port(), "PATCH", "/subscriptions/ops",
                     "{\"topics\":[\"sensor/a\"],\"state\":\"paused\"}", "application/json", admin)
                 .status,
             200);

    EngineThread engine;
    MainWindow window(&engine, EngineConfig());
    RemoteTarget target;
    target.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(hub.port()));
    target.tokenFile = dir.filePath(QStringLiteral("admin.token"));
    QVERIFY(window.attach(target));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *view = window.findChild<ClientsView *>(QStringLiteral("clientsPage"));
    window.findChild<QTabWidget *>(QStringLiteral("views"))->setCurrentWidget(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowOf(QStringLiteral("ops")) >= 0, 10000);
    QCOMPARE(cell(view, QStringLiteral("ops"), ClientsModel::Subscriptions),
             QStringLiteral("2 (1 paused)"));
    QVERIFY(selectClient(view, QStringLiteral("ops")));
    QVERIFY(selectSubscription(view, QStringLiteral("sensor/a")));
    press(view, QStringLiteral("subscriptionResumeButton"));
    QTRY_COMPARE(subscriptionState(view, QStringLiteral("sensor/a")), QStringLiteral("active"));

    QVERIFY(selectSubscription(view, QStringLiteral("sensor/b")));
    press(view, QStringLiteral("subscriptionExpireButton"));
    QVERIFY(!answerConfirmation(&window, true).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(subscriptionState(view, QStringLiteral("sensor/b")),
                              QStringLiteral("expired"), 10000);
    QVERIFY(selectSubscription(view, QStringLiteral("sensor/b")));
    press(view, QStringLiteral("subscriptionDeleteButton"));
    QVERIFY(!answerConfirmation(&window, true).isEmpty());
    QTRY_COMPARE(subscriptionState(view, QStringLiteral("sensor/b")), QString());
    const HttpResponse left = request(hub.port(), "GET", "/subscriptions/ops", {}, {}, admin);
    QCOMPARE(left.status, 200);
    const QJsonArray subs = left.json().value(QLatin1String("subscriptions")).toArray();
    QCOMPARE(subs.size(), 1);
    QCOMPARE(subs.at(0).toObject().value(QLatin1String("state")).toString(),
             QStringLiteral("active"));
}

void TestConsoleClients::pictures_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << QStringLiteral("en");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
}

void TestConsoleClients::pictures()
{
    QFETCH(QString, language);
    const QString dir = qEnvironmentVariable("SSEHUB_TEST_SHOTS");
    if (dir.isEmpty())
        QSKIP("SSEHUB_TEST_SHOTS is not set");
    QTranslator translator;
    if (language != QLatin1String("en")) {
        QVERIFY(translator.load(QStringLiteral(":/i18n/ssehub_%1.qm").arg(language)));
        QCoreApplication::installTranslator(&translator);
    }
    {
        Console c;
        QVERIFY(c.start(baseConfig()));
        c.window->resize(1100, 720);
        for (const QByteArray &body :
             {QByteArray("{\"client_id\":\"tablet-hall\",\"topics\":[\"home/+/door\",\"alerts/"
                         "#\"],\n                \"ttl_seconds\":86400}"),
              QByteArray("{\"client_id\":\"tablet-kitchen\",\"topics\":[\"home/kitchen/#\"]}")})
            QCOMPARE(request(c.port(), "POST", "/subscribe", body).status, 200);
        QCOMPARE(request(c.port(), "PATCH", "/subscriptions/tablet-hall",
                         "{\"topics\":[\"alerts/#\"],\"state\":\"paused\"}")
                     .status,
                 200);
        QCOMPARE(request(c.port(), "POST", "/ack",
                         "{\"client_id\":\"tablet-hall\",\"last_event_id\":\"1795873519376000\"}")
                     .status,
                 200);
        std::vector<std::unique_ptr<SseClient>> streams;
        for (int i = 1; i <= 12; ++i) {
            streams.push_back(std::make_unique<SseClient>());
            streams.back()->open(c.port(),
                                 "/events?topic=sensor/%2B/data&client_id=device-"
                                     + QByteArray::number(i));
        }
        streams.push_back(std::make_unique<SseClient>());
        streams.back()->open(c.port(), "/events?topic=public/news");
        ClientsView *view = showClients(c);
        QTRY_COMPARE(view->model()->rowCount(), 15);
        QVERIFY(selectClient(view, QStringLiteral("tablet-hall")));
        QVERIFY(selectSubscription(view, QStringLiteral("alerts/#")));
        QTest::qWait(100);
        QVERIFY(c.window->grab().save(
            QDir(dir).filePath(QStringLiteral("clients-%1.png").arg(language))));
    }
    QCoreApplication::removeTranslator(&translator);
}

QTEST_MAIN(TestConsoleClients)
#include "tst_consoleclients.moc"
