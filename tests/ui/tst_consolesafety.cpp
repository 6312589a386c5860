// Safe actions in the console (issue 17), against a real engine on its own thread (offscreen):
// confirmations that name the streams affected (accepted and cancelled), the selection kept by
// stream and never moved to another client, a disconnect reason the client and the log see, and
// stop, restart and quit draining as SIGTERM does headless with every close and the engine's own
// start and stop in the log (console and --log-file alike).
#include "api/enginethread.h"
#include "consolefixture.h"
#include "engine/engine.h"
#include "enginecontroller.h"
#include "httpclient.h"
#include "hubprocess.h"
#include "link/remotetarget.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/keyedselectionmodel.h"
#include "models/logmodel.h"
#include "sseclient.h"
#include "widgets/confirmation.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QFile>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <QTranslator>

#include <csignal>
#include <memory>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// The log file's entries, one JSON object per line.
QList<QJsonObject> logFileEntries(const QString &path)
{
    QList<QJsonObject> entries;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            entries.append(QJsonDocument::fromJson(line).object());
    }
    return entries;
}

int countEntries(const QList<QJsonObject> &entries, const QString &kind, const QString &reason,
                 const QString &detailPart = {})
{
    int n = 0;
    for (const QJsonObject &e : entries) {
        if (e.value(QLatin1String("kind")).toString() == kind
            && (reason.isEmpty() || e.value(QLatin1String("reason")).toString() == reason)
            && e.value(QLatin1String("detail")).toString().contains(detailPart))
            ++n;
    }
    return n;
}

int countLog(MainWindow *window, LogEntry::Kind kind, const QString &reason = {})
{
    int n = 0;
    for (int row = 0; row < window->logModel()->rowCount(); ++row) {
        const LogEntry &e = window->logModel()->entryAt(row);
        if (e.kind == kind && (reason.isEmpty() || e.reason == reason))
            ++n;
    }
    return n;
}

QTableView *connectionsTable(MainWindow *window)
{
    return window->findChild<QTableView *>(QStringLiteral("connectionsView"));
}

// The clients of the selected rows (and of the current one) of a table over ConnectionsModel.
QStringList selectedClients(QTableView *view)
{
    QStringList clients;
    for (const QModelIndex &row : view->selectionModel()->selectedRows())
        clients << row.data(ConnectionsModel::ClientRole).toString();
    clients.sort();
    return clients;
}

QString currentClient(QTableView *view)
{
    const QModelIndex current = view->currentIndex();
    return current.isValid() ? current.data(ConnectionsModel::ClientRole).toString() : QString();
}

bool selectIn(QTableView *view, const QStringList &clients)
{
    QItemSelection selection;
    QModelIndex first;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex index = view->model()->index(row, 0);
        if (clients.contains(index.data(ConnectionsModel::ClientRole).toString())) {
            selection.select(index, index);
            if (!first.isValid())
                first = index;
        }
    }
    if (!first.isValid())
        return false;
    view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    view->selectionModel()->select(selection,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

} // namespace

class TestConsoleSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stopAsksNamingTheStreams();
    void stopIsNotTheFirstToolbarButton();
    void quitAsksOnlyWithOpenStreams();
    void applyAndRestartAsks();
    void disconnectAsksAndTheClientReadsTheReason();
    void secondDisconnectDoesNotKickAnotherClient();
    void selectionFollowsTheStreamOnSortAndFilter();
    void heartbeatSelectionStaysOnItsStream();
    void bulkDisconnectPauseAndResume();
    void consoleStopDrainsAndLogsEveryClose();
    void restartLogsRestartCloses();
    void headlessSigtermLogsTheStop();
    void disconnectReasonTravelsToARemoteServer();
};

void TestConsoleSafety::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consolesafety"));
}

// Stop server asks first, naming the open streams; Cancel leaves everything running; "Don't ask
// again this session" is remembered.
void TestConsoleSafety::stopAsksNamingTheStreams()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    SseClient a, b;
    a.open(c.port(), clientPath("a", "t"));
    b.open(c.port(), clientPath("b", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    auto *action = c.window->findChild<QAction *>(QStringLiteral("startStopAction"));

    action->trigger();
    Confirmation *ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY2(questionOf(ask).contains(QLatin1String("2 open streams")),
             qPrintable(questionOf(ask)));
    answer(ask, false);
    QTRY_VERIFY(!confirmationOpen(c.window.get()));
    // Nothing followed the cancel: the streams still get what is published (a later marker).
    QVERIFY(c.engine.isRunning());
    QCOMPARE(publish(c.port(), "t", "1").status, 200);
    QTRY_COMPARE(a.messages().size(), 1);
    QVERIFY(b.isConnected());

    QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
    action->trigger();
    ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    ask->findChild<QCheckBox *>(QStringLiteral("confirmDontAsk"))->setChecked(true);
    answer(ask, true);
    QVERIFY(stopped.wait(10000));
    QTRY_VERIFY(!a.isConnected());
    QCOMPARE(a.events().last().type, QByteArray("shutdown"));

    // Started again and stopped without a question: waived for this session.
    action->trigger();
    QTRY_VERIFY(c.engine.isRunning());
    SseClient d;
    d.open(c.port(), clientPath("d", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    action->trigger();
    QVERIFY(!confirmationOpen(c.window.get()));
    QVERIFY(stopped.wait(10000));
    QTRY_VERIFY(!d.isConnected());
}

void TestConsoleSafety::stopIsNotTheFirstToolbarButton()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    auto *bar = c.window->findChild<QToolBar *>(QStringLiteral("mainToolBar"));
    auto *stop = c.window->findChild<QAction *>(QStringLiteral("startStopAction"));
    const QList<QAction *> actions = bar->actions();
    const qsizetype at = actions.indexOf(stop);
    QVERIFY(at > 0);
    QVERIFY(actions.at(at - 1)->isSeparator()); // set apart from the everyday actions
    QCOMPARE(stop->text(), QStringLiteral("Stop server"));
    // The picture an operator sees (saved for a look; the toolbar must show every action).
    c.window->grab().save(QDir::temp().filePath(QStringLiteral("safety-toolbar.png")));
}

// Quit (window close) with open streams asks; Cancel keeps the window and the server; without
// open streams it closes at once.
void TestConsoleSafety::quitAsksOnlyWithOpenStreams()
{
    {
        Console c(true);
        Engine::Config config = baseConfig();
        config.retryMs = 2345;
        QVERIFY(c.start(config));
        SseClient client;
        client.open(c.port(), clientPath("leaving", "x"));
        QTRY_COMPARE(c.model()->rowCount(), 1);
        QTRY_VERIFY(c.window->findChild<QLabel *>(QStringLiteral("connectionCount"))
                        ->text()
                        .contains(QLatin1String("1 stream")));
        c.window->findChild<QAction *>(QStringLiteral("quitAction"))->trigger();
        Confirmation *ask = waitForConfirmation(c.window.get());
        QVERIFY(ask);
        QVERIFY2(questionOf(ask).contains(QLatin1String("1 open stream")),
                 qPrintable(questionOf(ask)));
        c.window->close(); // asked again meanwhile: still one question
        QCOMPARE(c.window->findChildren<Confirmation *>().size(), 1);
        answer(ask, false);
        QTRY_VERIFY(!confirmationOpen(c.window.get()));
        QVERIFY(c.window->isVisible());
        QVERIFY(c.engine.isRunning());
        QVERIFY(client.isConnected());

        QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
        c.window->close();
        ask = waitForConfirmation(c.window.get());
        QVERIFY(ask);
        answer(ask, true);
        QVERIFY(stopped.wait(10000));
        QTRY_VERIFY(!c.window->isVisible());
        QTRY_VERIFY(!client.isConnected());
        QCOMPARE(client.retryMs(), 2345);
        QCOMPARE(client.events().last().type, QByteArray("shutdown"));
        QCOMPARE(
            countLog(c.window.get(), LogEntry::Kind::Disconnect, QStringLiteral("server-shutdown")),
            1);
    }
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    QTRY_VERIFY(c.window->connectionsModel()->rowCount() == 0 && c.engine.isRunning());
    c.window->close();
    QVERIFY(!confirmationOpen(c.window.get()));
    QTRY_VERIFY(!c.window->isVisible());
}

// Settings > Apply and restart with open streams asks; Cancel keeps the running server and its
// streams, Accept restarts it.
void TestConsoleSafety::applyAndRestartAsks()
{
    QSettings().clear();
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    SseClient before;
    before.open(c.port(), clientPath("old", "x"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QTRY_VERIFY(c.window->findChild<QLabel *>(QStringLiteral("connectionCount"))
                    ->text()
                    .contains(QLatin1String("1 stream")));
    auto openAndAccept = [&c] {
        // The settings dialog runs modally: accepted (unchanged) from the event loop it runs.
        QTimer::singleShot(0, c.window.get(), [] {
            if (auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget()))
                dialog->QDialog::accept();
        });
        c.window->findChild<QAction *>(QStringLiteral("settingsAction"))->trigger();
    };
    const quint16 port = c.port();
    openAndAccept();
    Confirmation *ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY2(questionOf(ask).contains(QLatin1String("1 open stream")), qPrintable(questionOf(ask)));
    answer(ask, false);
    QTRY_VERIFY(!confirmationOpen(c.window.get()));
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("not applied")));
    QVERIFY(c.engine.isRunning());
    QCOMPARE(c.port(), port);
    QVERIFY(before.isConnected());

    QSignalSpy started(c.window.get(), &MainWindow::engineStarted);
    openAndAccept();
    ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    answer(ask, true);
    QVERIFY(started.wait(10000));
    QVERIFY(started.first().first().toBool());
    QTRY_VERIFY(!before.isConnected());
    QCOMPARE(before.events().last().type, QByteArray("shutdown"));
}

// Disconnect asks (naming the stream), takes a reason, and the client reads it in
// `event: disconnect` before its stream ends; the log's kick entry has it too.
void TestConsoleSafety::disconnectAsksAndTheClientReadsTheReason()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    SseClient stay, go;
    stay.open(c.port(), clientPath("stay", "t"));
    go.open(c.port(), clientPath("go", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QVERIFY(c.select(QStringLiteral("go")));
    c.click(QStringLiteral("kickButton"));
    Confirmation *ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY2(questionOf(ask).contains(QLatin1String("of client go")), qPrintable(questionOf(ask)));
    answer(ask, false);
    QTRY_VERIFY(!confirmationOpen(c.window.get()));
    QCOMPARE(publish(c.port(), "t", "1").status, 200);
    QTRY_COMPARE(go.messages().size(), 1); // still there after Cancel
    QVERIFY(go.isConnected());

    c.click(QStringLiteral("kickButton"));
    ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    auto *reason = ask->findChild<QLineEdit *>(QStringLiteral("confirmReason"));
    auto *accept = ask->findChild<QPushButton *>(QStringLiteral("confirmAccept"));
    QVERIFY(reason);
    // Bounded: 200 bytes of UTF-8 at most, said before anything is sent.
    reason->setText(QString(67, QChar(0x20AC))); // 201 bytes
    QVERIFY(!accept->isEnabled());
    QVERIFY(ask->findChild<QLabel *>(QStringLiteral("confirmReasonProblem"))->isVisible());
    reason->setText(QString(66, QChar(0x20AC)) + QStringLiteral("ok")); // 200 bytes
    QVERIFY(accept->isEnabled());
    reason->clear();
    QTest::keyClicks(reason, QStringLiteral("maintenance window"));
    answer(ask, true);
    QTRY_VERIFY(!go.isConnected());
    QVERIFY(stay.isConnected());
    const SseEvent last = go.events().last();
    QCOMPARE(last.type, QByteArray("disconnect"));
    QVERIFY(last.id.isEmpty());
    QCOMPARE(last.json().value(QLatin1String("reason")).toString(), QStringLiteral("kicked"));
    QCOMPARE(last.json().value(QLatin1String("message")).toString(),
             QStringLiteral("maintenance window"));
    QTRY_VERIFY(hasLogEntry(c.window.get(), LogEntry::Kind::Kick, QStringLiteral("go")));
    for (int row = 0; row < c.window->logModel()->rowCount(); ++row) {
        const LogEntry &e = c.window->logModel()->entryAt(row);
        if (e.kind == LogEntry::Kind::Kick)
            QCOMPARE(e.reason, QStringLiteral("maintenance window"));
    }
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("disconnected")));
}

// Today's bug: after a Disconnect Qt moves the current row to a neighbour, and a second click
// kicks that unrelated client. The selection must become empty instead.
void TestConsoleSafety::secondDisconnectDoesNotKickAnotherClient()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    SseClient first, middle, last;
    first.open(c.port(), clientPath("first", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    middle.open(c.port(), clientPath("middle", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    last.open(c.port(), clientPath("last", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 3);
    QTableView *view = connectionsTable(c.window.get());
    QVERIFY(c.select(QStringLiteral("middle")));
    auto *kick = c.window->findChild<QPushButton *>(QStringLiteral("kickButton"));
    QVERIFY(kick->isEnabled());
    QTest::mouseClick(kick, Qt::LeftButton);
    Confirmation *ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    ask->findChild<QCheckBox *>(QStringLiteral("confirmDontAsk"))->setChecked(true);
    answer(ask, true);
    QTRY_VERIFY(!middle.isConnected());
    QTRY_COMPARE(c.model()->rowCount(), 2);
    // Nothing selected, nothing current: no other client is the target now.
    QCOMPARE(selectedClients(view), QStringList());
    QCOMPARE(currentClient(view), QString());
    QVERIFY(!kick->isEnabled());
    // The second click (and the Delete key's slot) must not kick anyone; Disconnect is waived
    // now, so a target would be kicked at once.
    QTest::mouseClick(kick, Qt::LeftButton);
    QMetaObject::invokeMethod(c.window->findChild<QWidget *>(QStringLiteral("connectionsPage")),
                              "disconnectSelected");
    QCOMPARE(publish(c.port(), "t", "{\"marker\":1}").status, 200);
    QTRY_COMPARE(first.messages().size(), 1);
    QTRY_COMPARE(last.messages().size(), 1);
    QVERIFY(first.isConnected());
    QVERIFY(last.isConnected());
    QCOMPARE(c.model()->rowCount(), 2);
}

// Re-sorting keeps the selection on its stream; a filter that hides it empties the selection
// (never moves it to another client), and it does not come back on another row.
void TestConsoleSafety::selectionFollowsTheStreamOnSortAndFilter()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    std::vector<std::unique_ptr<SseClient>> clients;
    for (const char *name : {"alpha", "bravo", "charlie", "delta"}) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(c.port(), clientPath(name, "t"));
    }
    QTRY_COMPARE(c.model()->rowCount(), 4);
    QTableView *view = connectionsTable(c.window.get());
    QVERIFY(c.select(QStringLiteral("charlie")));
    QCOMPARE(selectedClients(view), QStringList {QStringLiteral("charlie")});
    view->sortByColumn(ConnectionsModel::Client, Qt::DescendingOrder);
    QCOMPARE(selectedClients(view), QStringList {QStringLiteral("charlie")});
    QCOMPARE(currentClient(view), QStringLiteral("charlie"));
    QCOMPARE(view->currentIndex().row(), 1); // delta, charlie, ...: it moved, the selection too
    view->sortByColumn(ConnectionsModel::Id, Qt::AscendingOrder);
    QCOMPARE(currentClient(view), QStringLiteral("charlie"));

    auto *search = c.window->findChild<QLineEdit *>(QStringLiteral("connectionsSearch"));
    search->setText(QStringLiteral("a")); // alpha, bravo, charlie, delta: all stay
    QCOMPARE(currentClient(view), QStringLiteral("charlie"));
    search->setText(QStringLiteral("delt")); // delta only: charlie is hidden
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(selectedClients(view), QStringList());
    QCOMPARE(currentClient(view), QString());
    search->clear();
    QCOMPARE(view->model()->rowCount(), 4);
    QCOMPARE(selectedClients(view), QStringList());
    QCOMPARE(currentClient(view), QString());
    QVERIFY(!c.window->findChild<QPushButton *>(QStringLiteral("kickButton"))->isEnabled());

    // A neighbour's going does not move it either.
    QVERIFY(c.select(QStringLiteral("bravo")));
    clients[0]->close(); // alpha, the row above
    QTRY_COMPARE(c.model()->rowCount(), 3);
    QCOMPARE(selectedClients(view), QStringList {QStringLiteral("bravo")});
    QCOMPARE(currentClient(view), QStringLiteral("bravo"));
    clients[1]->close(); // bravo itself
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QCOMPARE(selectedClients(view), QStringList());
    QCOMPARE(currentClient(view), QString());
}

void TestConsoleSafety::heartbeatSelectionStaysOnItsStream()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    SseClient one, two, three;
    one.open(c.port(), clientPath("one", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    two.open(c.port(), clientPath("two", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    three.open(c.port(), clientPath("three", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 3);
    auto *view = c.window->findChild<QTableView *>(QStringLiteral("healthView"));
    QVERIFY(view);
    QVERIFY(qobject_cast<KeyedSelectionModel *>(view->selectionModel()));
    QVERIFY(selectIn(view, {QStringLiteral("two")}));
    view->sortByColumn(ConnectionsModel::Client, Qt::DescendingOrder); // two, three, one
    QCOMPARE(currentClient(view), QStringLiteral("two"));
    one.close();
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QCOMPARE(currentClient(view), QStringLiteral("two"));
    two.close();
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QCOMPARE(currentClient(view), QString());
    QCOMPARE(selectedClients(view), QStringList());
}

// Several selected streams: one confirmation naming how many, then Disconnect / Pause / Resume on
// exactly those.
void TestConsoleSafety::bulkDisconnectPauseAndResume()
{
    Console c(true);
    QVERIFY(c.start(baseConfig()));
    std::vector<std::unique_ptr<SseClient>> clients;
    const QStringList names {QStringLiteral("n1"), QStringLiteral("n2"), QStringLiteral("n3"),
                             QStringLiteral("n4"), QStringLiteral("n5")};
    for (const QString &name : names) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(c.port(), clientPath(name.toUtf8(), "t"));
    }
    QTRY_COMPARE(c.model()->rowCount(), 5);
    QTableView *view = connectionsTable(c.window.get());

    // Pause two clients, then resume them.
    QVERIFY(selectIn(view, {names[0], names[1]}));
    c.click(QStringLiteral("pauseButton"));
    Confirmation *ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY2(questionOf(ask).contains(QLatin1String("2 selected streams")),
             qPrintable(questionOf(ask)));
    answer(ask, true);
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(
        QLatin1String("Subscriptions of 2 clients paused")));
    QCOMPARE(publish(c.port(), "t", "1").status, 200);
    QTRY_COMPARE(clients[4]->messages().size(), 1);
    QTRY_COMPARE(clients[2]->messages().size(), 1);
    QTRY_COMPARE(clients[3]->messages().size(), 1);
    QCOMPARE(clients[0]->messages().size(), 0); // paused: the others' events came first
    QCOMPARE(clients[1]->messages().size(), 0);
    c.click(QStringLiteral("resumeButton"));
    ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY(questionOf(ask).contains(QLatin1String("2 selected streams")));
    answer(ask, true);
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(
        QLatin1String("Subscriptions of 2 clients resumed")));
    QCOMPARE(publish(c.port(), "t", "2").status, 200);
    QTRY_COMPARE(clients[0]->messages().size(), 1);

    // Disconnect three: cancelled first, then accepted.
    QVERIFY(selectIn(view, {names[1], names[2], names[3]}));
    c.click(QStringLiteral("kickButton"));
    ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY2(questionOf(ask).contains(QLatin1String("3 selected streams")),
             qPrintable(questionOf(ask)));
    answer(ask, false);
    QTRY_VERIFY(!confirmationOpen(c.window.get()));
    c.click(QStringLiteral("kickButton"));
    ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    ask->findChild<QLineEdit *>(QStringLiteral("confirmReason"))->setText(QStringLiteral("bulk"));
    answer(ask, true);
    QTRY_COMPARE(c.model()->rowCount(), 2);
    for (int i : {1, 2, 3}) {
        QTRY_VERIFY(!clients[size_t(i)]->isConnected());
        QCOMPARE(clients[size_t(i)]->events().last().type, QByteArray("disconnect"));
        QCOMPARE(clients[size_t(i)]->events().last().json().value(QLatin1String("message")),
                 QJsonValue(QStringLiteral("bulk")));
    }
    QVERIFY(clients[0]->isConnected());
    QVERIFY(clients[4]->isConnected());
    QTRY_VERIFY(
        c.window->statusBar()->currentMessage().contains(QLatin1String("3 streams disconnected")));
    QCOMPARE(selectedClients(view), QStringList());
}

// Stop server with many streams, some with data still queued in the server: each reads its data,
// then `retry:` and `event: shutdown`; the console's log and the --log-file have a disconnect per
// stream (server-shutdown, by the console's stop) and the engine's start and stop entries.
void TestConsoleSafety::consoleStopDrainsAndLogsEveryClose()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(QStringLiteral("ssehub.log"));
    Console c(true);
    Engine::Config config = baseConfig();
    config.retryMs = 1234;
    config.drainMs = 8000;
    config.maxQueueBytes = 32 * 1024 * 1024;
    config.logFile = logPath;
    QVERIFY(c.start(config));
    const int streams = 200;
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < streams; ++i) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(c.port(),
                             clientPath("c" + QByteArray::number(i), i < 2 ? "big" : "t"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(c.model()->rowCount(), streams, 10000);
    // Two readers stall with megabytes queued for them in the server.
    clients[0]->setReading(false);
    clients[1]->setReading(false);
    const QByteArray payload = "\"" + QByteArray(50 * 1024, 'x') + "\"";
    const int events = 60;
    for (int i = 0; i < events; ++i)
        QCOMPARE(publish(c.port(), "big", payload).status, 200);
    QCOMPARE(publish(c.port(), "t", "\"last\"").status, 200);
    QTRY_VERIFY(c.model()->rowAt(c.rowFor(QStringLiteral("c0"))).bytesQueued > 0);
    QTRY_VERIFY(c.window->findChild<QLabel *>(QStringLiteral("connectionCount"))
                    ->text()
                    .contains(QString::number(streams)));

    QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
    c.window->findChild<QAction *>(QStringLiteral("startStopAction"))->trigger();
    Confirmation *ask = waitForConfirmation(c.window.get());
    QVERIFY(ask);
    QVERIFY2(questionOf(ask).contains(QStringLiteral("%1 open streams").arg(streams)),
             qPrintable(questionOf(ask)));
    answer(ask, true);
    QTRY_VERIFY(clients[5]->events().size() >= 2); // "last", then the notice
    QCOMPARE(clients[5]->events().last().type, QByteArray("shutdown"));
    clients[0]->setReading(true);
    clients[1]->setReading(true);
    QVERIFY(stopped.wait(15000));
    for (int i = 0; i < streams; ++i) {
        SseClient &client = *clients[size_t(i)];
        QTRY_VERIFY2(!client.isConnected(), qPrintable(QString::number(i)));
        QCOMPARE(client.retryMs(), 1234);
        QCOMPARE(client.events().last().type, QByteArray("shutdown"));
        QCOMPARE(client.messages().size(), (i < 2 ? events : 1) + 1); // queued data first
    }

    // The console's log: a close per stream, and the engine's stop.
    QCOMPARE(
        countLog(c.window.get(), LogEntry::Kind::Disconnect, QStringLiteral("server-shutdown")),
        streams);
    QCOMPARE(countLog(c.window.get(), LogEntry::Kind::Engine, QStringLiteral("stopped")), 1);
    // The log file: as many closes as connects, each with who asked; the engine's start and stop.
    const QList<QJsonObject> logged = logFileEntries(logPath);
    QCOMPARE(countEntries(logged, QStringLiteral("connect"), {}), streams);
    QCOMPARE(countEntries(logged, QStringLiteral("disconnect"), QStringLiteral("server-shutdown"),
                          QStringLiteral("by=console action=stop")),
             streams);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("started"),
                          QStringLiteral("by=console action=start")),
             1);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("stopping"),
                          QStringLiteral("streams=%1").arg(streams)),
             1);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("stopped"),
                          QStringLiteral("by=console action=stop")),
             1);
    // In that order: started, the connects, stopping, the closes, stopped.
    QCOMPARE(logged.first().value(QLatin1String("kind")).toString(), QStringLiteral("engine"));
    QCOMPARE(logged.last().value(QLatin1String("reason")).toString(), QStringLiteral("stopped"));
}

// Apply and restart: the closes say `restart`, and the log has the stop and the new start.
void TestConsoleSafety::restartLogsRestartCloses()
{
    QSettings().clear();
    QTemporaryDir dir;
    const QString logPath = dir.filePath(QStringLiteral("restart.log"));
    Console c(true);
    Engine::Config config = baseConfig();
    config.logFile = logPath;
    QVERIFY(c.start(config));
    SseClient a, b;
    a.open(c.port(), clientPath("a", "t"));
    b.open(c.port(), clientPath("b", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QSignalSpy started(c.window.get(), &MainWindow::engineStarted);
    QVERIFY(c.window->applyConfig(c.window->config()));
    QVERIFY(started.wait(10000));
    QTRY_VERIFY(!a.isConnected());
    QTRY_VERIFY(!b.isConnected());
    QCOMPARE(a.events().last().type, QByteArray("shutdown"));
    QCOMPARE(countLog(c.window.get(), LogEntry::Kind::Disconnect, QStringLiteral("restart")), 2);
    c.window.reset(); // the new engine's entries reach the file when it stops
    c.engine.stop();
    const QList<QJsonObject> logged = logFileEntries(logPath);
    QCOMPARE(countEntries(logged, QStringLiteral("disconnect"), QStringLiteral("restart"),
                          QStringLiteral("by=console action=restart")),
             2);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("stopping"),
                          QStringLiteral("close=restart")),
             1);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("started"),
                          QStringLiteral("by=console action=restart")),
             1);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("started"), {}), 2);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("stopped"), {}), 2);
}

// Headless, SIGTERM drains and the log file has every close and the engine's stop by the signal.
void TestConsoleSafety::headlessSigtermLogsTheStop()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(QStringLiteral("headless.log"));
    QProcess hub;
    hub.setProcessEnvironment(hubEnvironment(dir.path()));
    hub.start(QStringLiteral(SSEHUB_BINARY),
              {QStringLiteral("--headless"), QStringLiteral("--listen"),
               QStringLiteral("127.0.0.1:0"), QStringLiteral("--log-file"), logPath,
               QStringLiteral("--retry"), QStringLiteral("1500ms")});
    const quint16 port = waitForHubPort(hub);
    QVERIFY(port);
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<SseClient>());
        clients.back()->open(port, clientPath("h" + QByteArray::number(i), "t"));
    }
    for (auto &client : clients)
        QTRY_VERIFY(client->hasSession());
    ::kill(pid_t(hub.processId()), SIGTERM);
    QVERIFY(hub.waitForFinished(15000));
    for (auto &client : clients) {
        QTRY_VERIFY(!client->isConnected());
        QCOMPARE(client->events().last().type, QByteArray("shutdown"));
        QCOMPARE(client->retryMs(), 1500);
    }
    const QList<QJsonObject> logged = logFileEntries(logPath);
    QCOMPARE(countEntries(logged, QStringLiteral("disconnect"), QStringLiteral("server-shutdown"),
                          QStringLiteral("by=signal")),
             20);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("started"),
                          QStringLiteral("by=startup")),
             1);
    QCOMPARE(countEntries(logged, QStringLiteral("engine"), QStringLiteral("stopped"),
                          QStringLiteral("by=signal")),
             1);
}

// Attached to a server elsewhere, Disconnect sends the reason over DELETE /streams/<id>.
void TestConsoleSafety::disconnectReasonTravelsToARemoteServer()
{
    EngineThread server;
    Engine::Config serverConfig = baseConfig();
    serverConfig.listenAddress = QHostAddress(QHostAddress::LocalHost);
    QString error;
    QVERIFY2(server.start(serverConfig, &error), qPrintable(error));
    EngineThread unused;
    Confirmation::resetWaivers();
    auto window = std::make_unique<MainWindow>(&unused, EngineConfig());
    RemoteTarget target;
    target.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    QVERIFY(window->attach(target));
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QTRY_COMPARE(window->controller()->link()->status().state, EngineLink::State::Live);
    SseClient stay, go;
    stay.open(server.port(), clientPath("stay", "t"));
    go.open(server.port(), clientPath("go", "t"));
    QTRY_COMPARE(window->connectionsModel()->rowCount(), 2);
    QTableView *view = connectionsTable(window.get());
    QVERIFY(selectIn(view, {QStringLiteral("go")}));
    QTest::mouseClick(window->findChild<QPushButton *>(QStringLiteral("kickButton")),
                      Qt::LeftButton);
    Confirmation *ask = waitForConfirmation(window.get());
    QVERIFY(ask);
    ask->findChild<QLineEdit *>(QStringLiteral("confirmReason"))
        ->setText(QStringLiteral("remote maintenance \u7EF4\u62A4"));
    answer(ask, true);
    QTRY_VERIFY(!go.isConnected());
    QVERIFY(stay.isConnected());
    QCOMPARE(go.events().last().type, QByteArray("disconnect"));
    QCOMPARE(go.events().last().json().value(QLatin1String("message")).toString(),
             QStringLiteral("remote maintenance \u7EF4\u62A4"));
    QTRY_VERIFY(hasLogEntry(window.get(), LogEntry::Kind::Kick, QStringLiteral("go")));
    window.reset();
    unused.stop();
    server.stop();
}

QTEST_MAIN(TestConsoleSafety)
#include "tst_consolesafety.moc"
