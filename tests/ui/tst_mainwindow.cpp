// The console window against a real engine thread (offscreen platform).
#include "engine.h"
#include "httpclient.h"
#include "mainwindow.h"
#include "redisserver.h"
#include "sseclient.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace ssehub;
using namespace ssehub::test;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsLiveFigures();
    void showsBrokerAndCluster();
    void warnsAboutAnOpenPublicAddress();
    void reloadsAccessRulesFromTheMenu();
};

void TestMainWindow::showsLiveFigures()
{
    EngineThread engine;
    Engine::Config config;
    config.port = 0;
    config.statsIntervalMs = 50;
    QString error;
    QVERIFY2(engine.start(config, &error), qPrintable(error));

    MainWindow window(engine.listenUrl());
    connect(&engine, &EngineThread::statsChanged, &window, &MainWindow::applyStats);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *url = window.findChild<QLabel *>(QStringLiteral("listenUrl"));
    auto *count = window.findChild<QLabel *>(QStringLiteral("connectionCount"));
    QVERIFY(url && count);
    QVERIFY(url->text().contains(engine.listenUrl()));
    QCOMPARE(count->text(), QStringLiteral("0"));

    SseClient a, b;
    a.open(engine.port(), "/events?topic=x");
    b.open(engine.port(), "/events?topic=x");
    QTRY_COMPARE(count->text(), QStringLiteral("2"));
    a.close();
    QTRY_COMPARE(count->text(), QStringLiteral("1"));
    QVERIFY(!window.grab().isNull());
}

void TestMainWindow::showsBrokerAndCluster()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    EngineThread engine;
    Engine::Config config;
    config.port = 0;
    config.statsIntervalMs = 50;
    config.nodeRefreshMs = 100;
    config.nodeId = QStringLiteral("console-node");
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redis.port());
    config.redisBackoffMaxMs = 100;
    config.redisTimeoutMs = 500;
    QString error;
    QVERIFY2(engine.start(config, &error), qPrintable(error));

    MainWindow window(engine.listenUrl());
    connect(&engine, &EngineThread::statsChanged, &window, &MainWindow::applyStats);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *broker = window.findChild<QLabel *>(QStringLiteral("brokerState"));
    auto *nodes = window.findChild<QLabel *>(QStringLiteral("clusterNodes"));
    QVERIFY(broker && nodes);
    QTRY_VERIFY(broker->text().contains(QLatin1String("connected")));
    QTRY_VERIFY(nodes->text().contains(QLatin1String("console-node")));

    // Redis goes away: the console says so, in red, and what it means.
    redis.kill();
    QTRY_VERIFY(broker->text().contains(QLatin1String("unavailable")));
    QVERIFY(broker->text().contains(QLatin1String("refused")));
    QVERIFY(!broker->styleSheet().isEmpty());
    QVERIFY(redis.start());
    QTRY_VERIFY_WITH_TIMEOUT(broker->text().contains(QLatin1String("connected")), 10000);
    QVERIFY(broker->styleSheet().isEmpty());
    QVERIFY(!window.grab().isNull());
}

void TestMainWindow::warnsAboutAnOpenPublicAddress()
{
    EngineThread engine;
    Engine::Config config;
    config.port = 0;
    config.listenAddress = QHostAddress::AnyIPv4; // reachable from the network, no auth
    QString error;
    QVERIFY2(engine.start(config, &error), qPrintable(error));
    MainWindow window(engine.listenUrl());
    window.setStartProblems(engine.startProblems());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *banner = window.findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().contains(QLatin1String("without authentication")));
    // SSEHUB_GRAB_DIR=<dir>: keep a picture of the window for a human to look at.
    if (const QString dir = qEnvironmentVariable("SSEHUB_GRAB_DIR"); !dir.isEmpty())
        QVERIFY(window.grab().save(dir + QStringLiteral("/console-banner.png")));

    // Loopback (the default): no banner.
    EngineThread local;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    QVERIFY(local.start(config, &error));
    MainWindow quiet(local.listenUrl());
    quiet.setStartProblems(local.startProblems());
    quiet.show();
    QVERIFY(QTest::qWaitForWindowExposed(&quiet));
    QVERIFY(!quiet.findChild<QLabel *>(QStringLiteral("problemBanner"))->isVisible());
}

void TestMainWindow::reloadsAccessRulesFromTheMenu()
{
    // The menu action asks the engine (on its thread) to reload, and shows the answer.
    QTemporaryDir dir;
    QFile acl(dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(R"({"anonymous": "all", "roles": {"all": {"subscribe": ["#"]}}})");
    acl.close();
    EngineThread engine;
    Engine::Config config;
    config.port = 0;
    config.dataDir.clear();
    config.aclFile = acl.fileName();
    QString error;
    QVERIFY2(engine.start(config, &error), qPrintable(error));
    MainWindow window(engine.listenUrl());
    connect(&window, &MainWindow::reloadAccessRequested, &window, [&] {
        engine.post([&window](Engine *e) {
            bool ok = false;
            const QString message = e->reloadAccess(&ok);
            QMetaObject::invokeMethod(
                &window, [&window, ok, message] { window.showReloadResult(ok, message); },
                Qt::QueuedConnection);
        });
    });
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *action = window.findChild<QAction *>(QStringLiteral("reloadAccessAction"));
    QVERIFY(action);
    action->trigger();
    QTRY_VERIFY(window.statusBar()->currentMessage().contains(QLatin1String("reloaded")));
    // A broken file: the console says so.
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write("{");
    acl.close();
    action->trigger();
    QTRY_VERIFY(window.statusBar()->currentMessage().startsWith(QLatin1String("Reload failed")));
    QVERIFY(window.statusBar()->currentMessage().contains(QLatin1String("acl.json")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
