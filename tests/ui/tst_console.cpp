// The console against a real engine on its own thread (offscreen platform): real SSE clients on
// 127.0.0.1, the window's own buttons and dialogs, files written by the export.
#include "api/enginethread.h"
#include "consolefixture.h"
#include "consolesettings.h"
#include "core/clock.h"
#include "dialogs/publishdialog.h"
#include "dialogs/settingsdialog.h"
#include "engine/engine.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "models/nodesmodel.h"
#include "models/topicsmodel.h"
#include "redisserver.h"
#include "sseclient.h"
#include "widgets/throughputchart.h"

#include <QAction>
#include <QApplication>
#include <QBrush>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>
#include <QTreeWidget>

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace ssehub;
using namespace ssehub::test;

class TestConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void threeClientsAppearAndCountersMove();
    void kickClosesTheClientsSocket();
    void pauseStopsDeliveryAndResumeRestartsIt();
    void detailShowsSubscriptionsAndLastEvents();
    void publishDialogValidatesBeforeSending();
    void topicsTreeAndLiveTail();
    void exportWritesCsvAndJsonLinesThatMatchTheLog();
    void heartbeatViewTurnsASilentConnectionAmberThenRed();
    void chartsAndOverviewFollowThroughput();
    void bannerWhenThePortIsTaken();
    void warnsAboutAnOpenPublicAddress();
    void settingsDialogValidates();
    void settingsApplyRestartsTheEngine();
    void stopDrainsLikeSigterm();
    void quitDrainsBeforeTheWindowCloses();
    void windowStateIsRestored();
    void reloadsAccessRulesFromTheMenu();
    void showsBrokerAndCluster();
    void speaksChinese();
};

void TestConsole::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_console"));
}

void TestConsole::threeClientsAppearAndCountersMove()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient a, b, other;
    a.open(c.port(), clientPath("alpha", "sensor/+/data"), {{"User-Agent", "probe-a/1.0"}});
    b.open(c.port(), clientPath("beta", "sensor/1/data"));
    other.open(c.port(), clientPath("gamma", "other/#"));
    QTRY_COMPARE(c.model()->rowCount(), 3);
    QCOMPARE(c.cell(QStringLiteral("alpha"), ConnectionsModel::UserAgent),
             QStringLiteral("probe-a/1.0"));
    QCOMPARE(c.cell(QStringLiteral("alpha"), ConnectionsModel::Filters),
             QStringLiteral("sensor/+/data"));
    QVERIFY(c.cell(QStringLiteral("beta"), ConnectionsModel::Remote)
                .startsWith(QLatin1String("127.0.0.1:")));
    QCOMPARE(c.cell(QStringLiteral("gamma"), ConnectionsModel::State), QStringLiteral("live"));

    QCOMPARE(publish(c.port(), "sensor/1/data", "{\"v\":1}").status, 200);
    QCOMPARE(publish(c.port(), "sensor/2/data", "{\"v\":2}").status, 200);
    QTRY_COMPARE(c.eventsSent(QStringLiteral("alpha")), quint64(2));
    QTRY_COMPARE(c.eventsSent(QStringLiteral("beta")), quint64(1));
    QCOMPARE(c.eventsSent(QStringLiteral("gamma")), quint64(0));
    QCOMPARE(a.messages().size(), 2);
    QTRY_COMPARE(c.window->findChild<QLabel *>(QStringLiteral("connectionCount"))->text(),
                 QStringLiteral("3 streams"));

    // The text filter narrows the table; a closed client leaves it.
    auto *view = c.window->findChild<QTableView *>(QStringLiteral("connectionsView"));
    c.window->findChild<QLineEdit *>(QStringLiteral("connectionsSearch"))
        ->setText(QStringLiteral("beta"));
    QCOMPARE(view->model()->rowCount(), 1);
    c.window->findChild<QLineEdit *>(QStringLiteral("connectionsSearch"))->clear();
    QCOMPARE(view->model()->rowCount(), 3);
    other.close();
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QCOMPARE(c.rowFor(QStringLiteral("gamma")), -1);
}

void TestConsole::kickClosesTheClientsSocket()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient stay, go;
    stay.open(c.port(), clientPath("stay", "t"));
    go.open(c.port(), clientPath("go", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QVERIFY(c.select(QStringLiteral("go")));
    c.click(QStringLiteral("kickButton"));
    QTRY_VERIFY(!go.isConnected());
    QVERIFY(stay.isConnected());
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QVERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("disconnected")));
    // The kick is in the log, with the client.
    QTRY_VERIFY(hasLogEntry(c.window.get(), LogEntry::Kind::Kick, QStringLiteral("go")));
}

void TestConsole::pauseStopsDeliveryAndResumeRestartsIt()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient paused, control;
    paused.open(c.port(), clientPath("sleepy", "news/#"));
    control.open(c.port(), clientPath("awake", "news/#"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QVERIFY(c.select(QStringLiteral("sleepy")));
    c.click(QStringLiteral("pauseButton"));
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("paused")));
    QTRY_VERIFY(c.cell(QStringLiteral("sleepy"), ConnectionsModel::Filters)
                    .contains(QLatin1String("paused")));

    QCOMPARE(publish(c.port(), "news/a", "1").status, 200);
    QTRY_COMPARE(control.messages().size(), 1);
    QCOMPARE(publish(c.port(), "news/b", "2").status, 200);
    QTRY_COMPARE(control.messages().size(), 2);
    QCOMPARE(paused.messages().size(), 0);

    QVERIFY(c.select(QStringLiteral("sleepy")));
    c.click(QStringLiteral("resumeButton"));
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("resumed")));
    QCOMPARE(publish(c.port(), "news/c", "3").status, 200);
    QTRY_COMPARE(paused.messages().size(), 1);
    QCOMPARE(paused.messages().first().json().value(QLatin1String("payload")).toInt(), 3);
}

void TestConsole::detailShowsSubscriptionsAndLastEvents()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient client;
    client.open(c.port(), "/events?topic=a/%2B&topic=b&client_id=detailed");
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QCOMPARE(publish(c.port(), "a/x", "{\"n\":\"first\"}").status, 200);
    QCOMPARE(publish(c.port(), "b", "{\"n\":\"second\"}").status, 200);
    QCOMPARE(publish(c.port(), "c", "{\"n\":\"not for it\"}").status, 200);
    QTRY_COMPARE(client.messages().size(), 2);
    QVERIFY(c.select(QStringLiteral("detailed")));
    auto *subs = c.window->findChild<QTreeWidget *>(QStringLiteral("detailSubscriptions"));
    auto *events = c.window->findChild<QPlainTextEdit *>(QStringLiteral("detailEvents"));
    QTRY_COMPARE(subs->topLevelItemCount(), 2);
    QCOMPARE(subs->topLevelItem(0)->text(0), QStringLiteral("a/+"));
    QCOMPARE(subs->topLevelItem(0)->text(1), QStringLiteral("active"));
    QTRY_VERIFY(events->toPlainText().contains(QLatin1String("second")));
    QVERIFY(events->toPlainText().contains(QLatin1String("first")));
    QVERIFY(!events->toPlainText().contains(QLatin1String("not for it")));
}

void TestConsole::publishDialogValidatesBeforeSending()
{
    // The rules themselves.
    PublishRequest request;
    QVERIFY(!PublishDialog::validate(QStringLiteral("t"), {}, QStringLiteral("{oops"), &request)
                 .isEmpty());
    QVERIFY(!PublishDialog::validate(QStringLiteral("t"), {}, QStringLiteral("1 2"), &request)
                 .isEmpty());
    QVERIFY(!PublishDialog::validate(QStringLiteral("a/+"), {}, QStringLiteral("1"), &request)
                 .isEmpty());
    QVERIFY(!PublishDialog::validate({}, {}, QStringLiteral("1"), &request).isEmpty());
    QVERIFY(!PublishDialog::validate(QStringLiteral("t"), QStringLiteral("a\nb"),
                                     QStringLiteral("1"), &request)
                 .isEmpty());
    QVERIFY(PublishDialog::validate(QStringLiteral("t/1"), QStringLiteral("kind"),
                                    QStringLiteral(" { \"a\" : [1, 2] } "), &request)
                .isEmpty());
    QCOMPARE(request.payloadJson, QByteArray("{\"a\":[1,2]}"));
    QVERIFY(PublishDialog::validate(QStringLiteral("t"), {}, QStringLiteral("\"text\""), &request)
                .isEmpty());
    QCOMPARE(request.type, QByteArray("message")); // the server's default, as for POST /publish
    // The server's reserved types are refused here too.
    QVERIFY(PublishDialog::validate(QStringLiteral("t"), QStringLiteral("shutdown"),
                                    QStringLiteral("1"), &request)
                .contains(QLatin1String("reserved")));

    // Through the window: invalid JSON keeps the button disabled; a valid event is delivered.
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient client;
    client.open(c.port(), clientPath("reader", "test/#"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    bool sawDisabled = false;
    QTimer::singleShot(0, c.window.get(), [&] {
        auto *dialog = qobject_cast<PublishDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(QStringLiteral("publishTopic"))
            ->setText(QStringLiteral("test/console"));
        auto *payload = dialog->findChild<QPlainTextEdit *>(QStringLiteral("publishPayload"));
        payload->setPlainText(QStringLiteral("{\"broken\": "));
        auto *send = dialog->findChild<QPushButton *>(QStringLiteral("publishSend"));
        sawDisabled = !send->isEnabled()
            && !dialog->findChild<QLabel *>(QStringLiteral("publishProblem"))->text().isEmpty();
        payload->setPlainText(QStringLiteral("{\"from\": \"console\"}"));
        QVERIFY(send->isEnabled());
        QTest::mouseClick(send, Qt::LeftButton);
    });
    c.window->findChild<QAction *>(QStringLiteral("publishAction"))->trigger();
    QVERIFY(sawDisabled);
    QTRY_COMPARE(client.messages().size(), 1);
    const QJsonObject envelope = client.messages().first().json();
    QCOMPARE(envelope.value(QLatin1String("topic")).toString(), QStringLiteral("test/console"));
    QCOMPARE(
        envelope.value(QLatin1String("payload")).toObject().value(QLatin1String("from")).toString(),
        QStringLiteral("console"));
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("1 stream")));
}

void TestConsole::topicsTreeAndLiveTail()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    // Server-assigned ids: the clients (and their subscriptions) end with their streams.
    SseClient a, b;
    a.open(c.port(), "/events?topic=sensor/%2B/data");
    b.open(c.port(), "/events?topic=sensor/%2B/data");
    QTRY_COMPARE(c.model()->rowCount(), 2);
    TopicsModel *topics = c.window->topicsModel();
    QTRY_VERIFY(topics->itemFor("sensor/+/data") != nullptr);
    // The filter node sits under sensor > + and counts both clients.
    QStandardItem *filter = topics->itemFor("sensor/+/data");
    QCOMPARE(filter->parent(), topics->itemFor("sensor/+"));
    QCOMPARE(filter->parent()->parent(), topics->itemFor("sensor"));
    QTRY_COMPARE(topics->index(filter->row(), TopicsModel::Subscribers, filter->parent()->index())
                     .data()
                     .toInt(),
                 2);

    c.window->startTail(QStringLiteral("sensor/#"));
    auto *state = c.window->findChild<QLabel *>(QStringLiteral("tailState"));
    QTRY_VERIFY(state->text().contains(QLatin1String("sensor/#")));
    QCOMPARE(publish(c.port(), "sensor/7/data", "{\"t\":21.5}", "reading").status, 200);
    QCOMPARE(publish(c.port(), "elsewhere", "{\"t\":0}").status, 200);
    auto *tail = c.window->findChild<QPlainTextEdit *>(QStringLiteral("tailText"));
    QTRY_VERIFY(
        tail->toPlainText().contains(QLatin1String("sensor/7/data [reading] {\"t\":21.5}")));
    QVERIFY(!tail->toPlainText().contains(QLatin1String("elsewhere")));
    // The published topic got its node with a preview.
    QTRY_VERIFY(topics->itemFor("sensor/7/data") != nullptr);
    QStandardItem *topic = topics->itemFor("sensor/7/data");
    QTRY_VERIFY(topics->index(topic->row(), TopicsModel::Preview, topic->parent()->index())
                    .data()
                    .toString()
                    .contains(QLatin1String("21.5")));
    // A bad filter is refused and said so.
    c.window->startTail(QStringLiteral("a/#/b"));
    QTRY_VERIFY(state->text().startsWith(QLatin1String("Cannot tail")));

    // The clients leave: the filter node goes.
    a.close();
    b.close();
    QTRY_VERIFY(topics->itemFor("sensor/+/data") == nullptr);
}

void TestConsole::exportWritesCsvAndJsonLinesThatMatchTheLog()
{
    QTemporaryDir dir;
    Console c;
    Engine::Config config = baseConfig();
    config.exportLogPath = dir.filePath(QStringLiteral("on-exit.csv"));
    QVERIFY(c.start(config));
    {
        SseClient one, two;
        one.open(c.port(), clientPath("comma,client", "x"));
        two.open(c.port(), clientPath("%3Dcmd%7C'%2Fc", "x")); // "=cmd|'/c": a formula
        QTRY_COMPARE(c.model()->rowCount(), 2);
    }
    QTRY_COMPARE(c.model()->rowCount(), 0);
    QTRY_VERIFY(c.window->logModel()->rowCount() >= 4);
    QList<LogEntry> shown;
    for (int row = 0; row < c.window->logModel()->rowCount(); ++row)
        shown << c.window->logModel()->entryAt(row);

    QString error;
    const QString csvPath = dir.filePath(QStringLiteral("log.csv"));
    const QString jsonPath = dir.filePath(QStringLiteral("log.jsonl"));
    QVERIFY2(c.window->exportLog(csvPath, &error), qPrintable(error));
    QVERIFY2(c.window->exportLog(jsonPath, &error), qPrintable(error));

    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QByteArray bytes = csv.readAll();
    QVERIFY(bytes.startsWith("\xEF\xBB\xBF")); // UTF-8 mark for spreadsheets
    const QStringList lines
        = QString::fromUtf8(bytes.mid(3)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), shown.size() + 1);
    QCOMPARE(csvFields(lines.first()).first(), QStringLiteral("time"));
    for (qsizetype i = 0; i < shown.size(); ++i) {
        const QStringList f = csvFields(lines.at(i + 1));
        QCOMPARE(f.size(), 9);
        QCOMPARE(f[8], QString::number(shown[i].count));
        QCOMPARE(QDateTime::fromString(f[0], Qt::ISODateWithMs).toMSecsSinceEpoch(), shown[i].time);
        QVERIFY(f[0].endsWith(QLatin1Char('Z')));
        QCOMPARE(f[1], LogEntry::kindName(shown[i].kind));
        QCOMPARE(f[2], QString::number(shown[i].connectionId));
        // Formula-looking cells are defused with a leading apostrophe; others are verbatim.
        const QString client = shown[i].clientId.startsWith(QLatin1Char('='))
            ? QLatin1Char('\'') + shown[i].clientId
            : shown[i].clientId;
        QCOMPARE(f[3], client);
        QCOMPARE(f[6], shown[i].reason);
    }
    QVERIFY(lines.join(QLatin1Char('\n')).contains(QLatin1String("\"comma,client\"")));

    QFile jsonl(jsonPath);
    QVERIFY(jsonl.open(QIODevice::ReadOnly));
    const QList<QByteArray> records = jsonl.readAll().split('\n');
    QCOMPARE(records.size(), shown.size() + 1); // the last line ends with a newline
    for (qsizetype i = 0; i < shown.size(); ++i) {
        const QJsonObject o = QJsonDocument::fromJson(records[i]).object();
        QCOMPARE(o.value(QLatin1String("kind")).toString(), LogEntry::kindName(shown[i].kind));
        QCOMPARE(o.value(QLatin1String("client_id")).toString(), shown[i].clientId);
    }

    // Filtered by kind, the export has exactly what the view shows.
    // (only connects: every other kind unchecked in the Log view's kind list)
    for (int k = 0; k < LogEntry::KindCount; ++k) {
        if (LogEntry::Kind(k) != LogEntry::Kind::Connect)
            c.window
                ->findChild<QAction *>(QStringLiteral("logKind-")
                                       + LogEntry::kindName(LogEntry::Kind(k)))
                ->setChecked(false);
    }
    QCOMPARE(c.window->logFilter()->rowCount(), 2);
    QVERIFY(c.window->exportLog(jsonPath, &error));
    QFile filtered(jsonPath);
    QVERIFY(filtered.open(QIODevice::ReadOnly));
    QCOMPARE(filtered.readAll().count('\n'), 2);
    // An export that cannot be written says why.
    QVERIFY(!c.window->exportLog(dir.filePath(QStringLiteral("missing/dir/log.csv")), &error));
    QVERIFY(error.contains(QLatin1String("missing/dir")));

    // --export-log: written when the engine stops, disconnects included.
    QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
    c.window->stopEngine();
    QVERIFY(stopped.wait(10000));
    QFile onExit(config.exportLogPath);
    QVERIFY(onExit.open(QIODevice::ReadOnly));
    QVERIFY(onExit.readAll().count("\r\n") >= 5);
}

void TestConsole::heartbeatViewTurnsASilentConnectionAmberThenRed()
{
    // Deterministic by construction: the heartbeat is a minute, and the silent reader's kernel
    // acknowledges the window probes, so the engine does not reap it as dead while the test
    // runs; the test moves the engine's clock across the amber and red thresholds itself
    // instead of racing real time against snapshots.
    Console c;
    Engine::Config config = baseConfig();
    const int interval = 60000;
    config.heartbeatMs = interval;
    config.maxQueueBytes = 256LL * 1024 * 1024;
    QVERIFY(c.start(config));
    SseClient silent, healthy;
    silent.open(c.port(), clientPath("silent", "bulk"));
    healthy.open(c.port(), clientPath("healthy", "ping-only"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QTRY_VERIFY(silent.hasSession());
    QTRY_COMPARE(c.cell(QStringLiteral("silent"), ConnectionsModel::Health),
                 QStringLiteral("healthy"));

    // What the view says about the silent stream, snapshot by snapshot.
    QStringList seen;
    QList<QColor> colors;
    connect(c.window.get(), &MainWindow::snapshotApplied, this, [&] {
        const int row = c.rowFor(QStringLiteral("silent"));
        const QString state = row < 0
            ? QStringLiteral("gone")
            : c.model()->index(row, ConnectionsModel::Health).data().toString();
        if (seen.isEmpty() || seen.last() != state) {
            seen << state;
            colors << (row < 0 ? QColor()
                               : c.model()
                                     ->index(row, ConnectionsModel::Health)
                                     .data(Qt::BackgroundRole)
                                     .value<QBrush>()
                                     .color());
        }
    });
    // The reader stops reading and the engine publishes big events (one per engine-loop turn,
    // so that snapshots keep coming) until the kernel's buffers are full and bytes wait in the
    // stream's own queue: from then on the kernel takes nothing for it, so its last progress
    // stays where it is (a write into a full socket only queues).
    silent.setReading(false);
    fillQueueOf(c.engine, QStringLiteral("silent"));
    QTRY_VERIFY_WITH_TIMEOUT(c.model()->rowAt(c.rowFor(QStringLiteral("silent"))).bytesQueued > 0,
                             30000);
    QCOMPARE(c.cell(QStringLiteral("silent"), ConnectionsModel::Health), QStringLiteral("healthy"));

    // Amber after 1.5 intervals of silence...
    Clock::advanceForTesting(interval * 16 / 10);
    QTRY_COMPARE(c.cell(QStringLiteral("silent"), ConnectionsModel::Health),
                 QStringLiteral("late"));
    // (the healthy reader takes the heartbeat the clock made due, and stays healthy)
    QTRY_COMPARE(healthy.comments(), 1);
    QTRY_COMPARE(c.cell(QStringLiteral("healthy"), ConnectionsModel::Health),
                 QStringLiteral("healthy"));
    // ...red after three.
    Clock::advanceForTesting(interval * 15 / 10);
    QTRY_COMPARE(c.cell(QStringLiteral("silent"), ConnectionsModel::Health),
                 QStringLiteral("stalled"));
    qInfo() << "silent stream:" << seen;
    QCOMPARE(seen,
             QStringList(
                 {QStringLiteral("healthy"), QStringLiteral("late"), QStringLiteral("stalled")}));
    QCOMPARE(colors.at(1), ConnectionsModel::amber());
    QCOMPARE(colors.at(2), ConnectionsModel::red());
    QTRY_COMPARE(healthy.comments(), 2);
    QTRY_COMPARE(c.cell(QStringLiteral("healthy"), ConnectionsModel::Health),
                 QStringLiteral("healthy"));

    // Reaped: the kernel gives up on the silent peer once its user timeout (shortened here on
    // the server's end of that one connection) has passed without a window; the engine closes
    // the stream as dead and the view lists it.
    const int fd = serverSocketOf(c.port(), silent.socket().localPort());
    QVERIFY(fd >= 0);
    const unsigned int shortTimeout = 1;
    QCOMPARE(::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &shortTimeout, sizeof(shortTimeout)),
             0);
    auto *reaped = c.window->findChild<QListWidget *>(QStringLiteral("reapedList"));
    QTRY_COMPARE_WITH_TIMEOUT(reaped->count(), 1, 60000);
    QVERIFY(reaped->item(0)->text().contains(QLatin1String("silent")));
    auto *summary = c.window->findChild<QLabel *>(QStringLiteral("healthSummary"));
    QTRY_VERIFY(summary->text().contains(QLatin1String("1 reaped as dead")));
    QCOMPARE(c.cell(QStringLiteral("healthy"), ConnectionsModel::Health),
             QStringLiteral("healthy"));
}

void TestConsole::chartsAndOverviewFollowThroughput()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient a;
    a.open(c.port(), clientPath("chart", "c"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    // Two seconds of publishing: at least one one-second sample with events in and out.
    QElapsedTimer clock;
    clock.start();
    int sent = 0;
    while (clock.elapsed() < 2500) {
        QCOMPARE(publish(c.port(), "c", "1").status, 200);
        ++sent;
        QTest::qWait(20);
    }
    QTRY_VERIFY(c.window->history().fine().size() >= 2);
    double in = 0, out = 0;
    for (const auto &s : c.window->history().fine()) {
        in = std::max(in, s.eventsIn);
        out = std::max(out, s.eventsOut);
    }
    QVERIFY2(in > 5 && out > 5, qPrintable(QStringLiteral("in %1 out %2").arg(in).arg(out)));
    auto *chart = c.window->findChild<ThroughputChart *>(QStringLiteral("chartsView"));
    QVERIFY(chart);
    QVERIFY(chart->pointCount() >= 2);
    QCOMPARE(c.window->findChild<QLabel *>(QStringLiteral("figure.connections"))->text(),
             QStringLiteral("1"));
    QTRY_VERIFY(c.window->findChild<QLabel *>(QStringLiteral("figure.topics"))->text()
                == QLatin1String("1"));
}

void TestConsole::bannerWhenThePortIsTaken()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    Console c;
    Engine::Config config = baseConfig();
    config.port = taken.serverPort();
    c.window = std::make_unique<MainWindow>(&c.engine, config);
    QVERIFY(!c.window->startEngine());
    c.window->show();
    auto *banner = c.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QString::number(taken.serverPort())),
             qPrintable(banner->text()));
    QVERIFY(banner->text().contains(QLatin1String("Settings")));
    // Another port through the settings: it starts and the banner goes.
    config.port = 0;
    QVERIFY(c.window->applyConfig(config));
    QVERIFY(!banner->isVisible());
    QVERIFY(c.engine.isRunning());
}

void TestConsole::warnsAboutAnOpenPublicAddress()
{
    Console c;
    Engine::Config config = baseConfig();
    config.listenAddress = QHostAddress::AnyIPv4; // reachable from the network, no auth
    QVERIFY(c.start(config));
    auto *banner = c.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().contains(QLatin1String("without authentication")));
    // SSEHUB_GRAB_DIR=<dir>: keep a picture of the window for a human to look at.
    if (const QString dir = qEnvironmentVariable("SSEHUB_GRAB_DIR"); !dir.isEmpty())
        QVERIFY(c.window->grab().save(dir + QStringLiteral("/console-banner.png")));

    Console quiet;
    QVERIFY(quiet.start(baseConfig()));
    QVERIFY(!quiet.window->findChild<QLabel *>(QStringLiteral("problemBanner"))->isVisible());

    // Any origin on a hub without authentication: any web page can use it through a browser.
    Console anyOrigin;
    Engine::Config cors = baseConfig();
    cors.corsOrigins = {QStringLiteral("*")};
    QVERIFY(anyOrigin.start(cors));
    auto *corsBanner = anyOrigin.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(corsBanner->isVisible());
    QVERIFY2(corsBanner->text().contains(QLatin1String("--cors-origin '*'")),
             qPrintable(corsBanner->text()));
}

void TestConsole::settingsDialogValidates()
{
    Engine::Config config = baseConfig();
    config.heartbeatMs = 30000;
    SettingsDialog dialog(config);
    const auto field = [&dialog](const char *name) {
        return dialog.findChild<QLineEdit *>(QStringLiteral("setting:") + QLatin1String(name));
    };
    auto *listen = field("listen");
    auto *redis = field("redis");
    auto *acl = field("acl");
    auto *problem = dialog.findChild<QLabel *>(QStringLiteral("settingsProblem"));
    auto *apply = dialog.findChild<QPushButton *>(QStringLiteral("settingsApply"));
    QVERIFY(listen && redis && acl && problem && apply);
    QCOMPARE(listen->text(), QStringLiteral("127.0.0.1:0"));
    QCOMPARE(field("heartbeat")->text(), QStringLiteral("30s"));

    listen->setText(QStringLiteral("not-an-address:1"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Rejected)); // still open
    QVERIFY(problem->text().contains(QLatin1String("not-an-address")));

    listen->setText(QStringLiteral("[::1]:0"));
    redis->setText(QStringLiteral("http://wrong"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY2(problem->text().startsWith(QLatin1String("--redis")), qPrintable(problem->text()));

    redis->setText(QStringLiteral("redis://127.0.0.1:6390/2"));
    acl->setText(QStringLiteral("/nonexistent/acl.json"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY(problem->text().contains(QLatin1String("/nonexistent/acl.json")));

    acl->clear();
    field("heartbeat")->setText(QStringLiteral("15s"));
    field("max-queue")->setText(QStringLiteral("2M"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const Engine::Config edited = dialog.config();
    QCOMPARE(edited.listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(edited.redisUrl, QStringLiteral("redis://127.0.0.1:6390/2"));
    QCOMPARE(edited.heartbeatMs, 15000);
    QCOMPARE(edited.maxQueueBytes, qint64(2048) * 1024);
    QVERIFY(edited.aclFile.isEmpty());
}

void TestConsole::settingsApplyRestartsTheEngine()
{
    QSettings().clear();
    QTemporaryDir dir;
    QFile settingsFile(dir.filePath(QStringLiteral("ssehub.json")));
    ConsoleSettings::setSource({settingsFile.fileName(), {}});
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient before;
    before.open(c.port(), clientPath("old", "x"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    Engine::Config changed = c.window->config();
    changed.heartbeatMs = 1234;
    changed.historySize = 77;
    QSignalSpy started(c.window.get(), &MainWindow::engineStarted);
    QVERIFY(c.window->applyConfig(changed));
    QVERIFY(started.wait(10000));
    QCOMPARE(started.first().first().toBool(), true);
    QVERIFY(!before.isConnected()); // the old engine drained and closed its streams
    QCOMPARE(before.retryMs(), c.window->config().retryMs);
    QVERIFY(!before.events().isEmpty());
    QCOMPARE(before.events().last().type, QByteArray("shutdown"));
    QVERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("restarted")));
    QVERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("1 stream")));
    SseClient after;
    after.open(c.port(), clientPath("new", "x"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QCOMPARE(c.model()->rowAt(0).clientId, QStringLiteral("new"));
    // Saved to the config file, which the next start reads (tst_consolesettings: with the
    // environment and the command line).
    QFile file(settingsFile.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject stored = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(stored.value(QStringLiteral("heartbeat")).toString(), QStringLiteral("1234ms"));
    QCOMPARE(stored.value(QStringLiteral("history")).toInteger(), 77);
    QCOMPARE(stored.size(), 2);
    ConsoleSettings::setSource({});
}

// Stop server: every stream gets what was queued for it, then the retry hint and
// `event: shutdown`, as SIGTERM does headless; the console's log shows every close.
void TestConsole::stopDrainsLikeSigterm()
{
    Console c;
    Engine::Config config = baseConfig();
    config.retryMs = 1234;
    config.drainMs = 5000;
    config.maxQueueBytes = 32 * 1024 * 1024;
    QVERIFY(c.start(config));
    SseClient reader;
    reader.open(c.port(), clientPath("reader", "big"));
    SseClient stalled; // reads nothing until the drain has begun: its data waits in the queue
    stalled.open(c.port(), clientPath("stalled", "big"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    stalled.setReading(false);
    const int events = 100; // 5 MB: more than the kernel's buffers take
    const QByteArray payload = "\"" + QByteArray(50 * 1024, 'x') + "\"";
    for (int i = 0; i < events; ++i)
        QCOMPARE(publish(c.port(), "big", payload).status, 200);
    QTRY_COMPARE(reader.messages().size(), events);
    // The stalled stream has data queued in the server, beyond what the kernel took.
    QTRY_VERIFY(c.model()->rowAt(c.rowFor(QStringLiteral("stalled"))).bytesQueued > 0);

    QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
    auto *action = c.window->findChild<QAction *>(QStringLiteral("startStopAction"));
    action->trigger();
    QVERIFY(!action->isEnabled()); // no second stop or start while draining
    QTRY_COMPARE(reader.events().isEmpty() ? QByteArray() : reader.events().last().type,
                 QByteArray("shutdown"));
    QCOMPARE(reader.retryMs(), 1234);
    QVERIFY(c.engine.isRunning()); // still draining: the stalled stream holds it
    stalled.setReading(true);
    QVERIFY(stopped.wait(10000));
    QVERIFY(!c.engine.isRunning());
    QVERIFY(action->isEnabled());
    QTRY_VERIFY(!stalled.isConnected());
    // Everything queued arrived, in order, before the notice.
    QCOMPARE(stalled.messages().size(), events + 1);
    QCOMPARE(stalled.events().last().type, QByteArray("shutdown"));
    QCOMPARE(stalled.retryMs(), 1234);
    // Both closes are in the console's log, with the reason and who asked.
    int closes = 0;
    for (int row = 0; row < c.window->logModel()->rowCount(); ++row) {
        const LogEntry &e = c.window->logModel()->entryAt(row);
        if (e.kind != LogEntry::Kind::Disconnect)
            continue;
        ++closes;
        QCOMPARE(e.reason, QStringLiteral("server-shutdown"));
        QVERIFY2(e.detail.contains(QLatin1String("by=console")), qPrintable(e.detail));
    }
    QCOMPARE(closes, 2);
    // And it starts again.
    action->trigger();
    QTRY_VERIFY(c.engine.isRunning());
}

// Quit (and closing the window) with open streams drains before the window goes.
void TestConsole::quitDrainsBeforeTheWindowCloses()
{
    Console c;
    Engine::Config config = baseConfig();
    config.retryMs = 2345;
    QVERIFY(c.start(config));
    SseClient client;
    client.open(c.port(), clientPath("leaving", "x"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
    c.window->close();
    QVERIFY(c.window->isVisible()); // not before the drain
    QVERIFY(stopped.wait(10000));
    QTRY_VERIFY(!c.window->isVisible());
    QTRY_VERIFY(!client.isConnected());
    QCOMPARE(client.retryMs(), 2345);
    QCOMPARE(client.events().last().type, QByteArray("shutdown"));
    QVERIFY(hasLogEntry(c.window.get(), LogEntry::Kind::Disconnect, QStringLiteral("leaving")));
}

void TestConsole::windowStateIsRestored()
{
    QSettings().clear();
    {
        Console c;
        QVERIFY(c.start(baseConfig()));
        c.window->resize(900, 600);
        c.window->findChild<QTabWidget *>(QStringLiteral("views"))->setCurrentIndex(5);
        auto *view = c.window->findChild<QTableView *>(QStringLiteral("connectionsView"));
        view->horizontalHeader()->resizeSection(ConnectionsModel::Client, 233);
        c.window->close(); // drains first, then closes and saves the window's state
        QTRY_VERIFY(!c.window->isVisible());
    }
    Console again;
    QVERIFY(again.start(baseConfig()));
    QCOMPARE(again.window->size(), QSize(900, 600));
    QCOMPARE(again.window->findChild<QTabWidget *>(QStringLiteral("views"))->currentIndex(), 5);
    QCOMPARE(again.window->findChild<QTableView *>(QStringLiteral("connectionsView"))
                 ->horizontalHeader()
                 ->sectionSize(ConnectionsModel::Client),
             233);
}

void TestConsole::reloadsAccessRulesFromTheMenu()
{
    QTemporaryDir dir;
    QFile acl(dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(R"({"anonymous": "all", "roles": {"all": {"subscribe": ["#"]}}})");
    acl.close();
    Console c;
    Engine::Config config = baseConfig();
    config.aclFile = acl.fileName();
    QVERIFY(c.start(config));
    auto *action = c.window->findChild<QAction *>(QStringLiteral("reloadAccessAction"));
    QVERIFY(action);
    action->trigger();
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("reloaded")));
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write("{");
    acl.close();
    action->trigger();
    QTRY_VERIFY(c.window->statusBar()->currentMessage().startsWith(QLatin1String("Reload failed")));
    QVERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("acl.json")));
    // A refused publish shows up in the log as an auth failure.
    QCOMPARE(publish(c.port(), "t", "1").status, 403);
    QTRY_VERIFY(hasLogEntry(c.window.get(), LogEntry::Kind::AuthFailure, QString()));
}

void TestConsole::showsBrokerAndCluster()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    Console c;
    Engine::Config config = baseConfig();
    config.nodeRefreshMs = 100;
    config.nodeId = QStringLiteral("console-node");
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redis.port());
    config.redisBackoffMaxMs = 100;
    config.redisTimeoutMs = 500;
    QVERIFY(c.start(config));
    auto *broker = c.window->findChild<QLabel *>(QStringLiteral("brokerState"));
    QTRY_VERIFY(broker->text().contains(QLatin1String("connected")));
    NodesModel *nodes = c.window->nodesModel();
    QTRY_COMPARE(nodes->rowCount(), 1);
    QCOMPARE(nodes->index(0, NodesModel::Id).data().toString(), QStringLiteral("console-node"));
    QVERIFY(nodes->index(0, NodesModel::Address)
                .data()
                .toString()
                .startsWith(QLatin1String("http://127.0.0.1:")));

    // Redis goes away: the status bar says so in red, and the banner says what it means.
    redis.kill();
    QTRY_VERIFY(broker->text().contains(QLatin1String("refused")));
    QVERIFY(!broker->styleSheet().isEmpty());
    auto *banner = c.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
    QTRY_VERIFY(banner->isVisible()
                && banner->text().contains(QLatin1String("Redis is unreachable")));
    QVERIFY(redis.start());
    QTRY_VERIFY_WITH_TIMEOUT(broker->text().contains(QLatin1String("connected")), 10000);
    QVERIFY(broker->styleSheet().isEmpty());
    QTRY_VERIFY(!banner->isVisible());
}

void TestConsole::speaksChinese()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QStringLiteral("zh_CN")), QStringLiteral("ssehub"),
                            QStringLiteral("_"), QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&translator);
    Console c;
    QVERIFY(c.start(baseConfig()));
    auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
    QVERIFY2(c.window->windowTitle().startsWith(QStringLiteral("ssehub 控制台 - 内置服务器")),
             qPrintable(c.window->windowTitle()));
    QCOMPARE(tabs->tabText(1), QStringLiteral("连接"));
    QCOMPARE(c.model()->headerData(ConnectionsModel::Client, Qt::Horizontal).toString(),
             QStringLiteral("客户端 ID"));
    QCoreApplication::removeTranslator(&translator);
}

QTEST_MAIN(TestConsole)
#include "core/clock.h"
#include "tst_console.moc"
