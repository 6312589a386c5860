// The console window against a real engine thread (offscreen platform).
#include "engine.h"
#include "httpclient.h"
#include "mainwindow.h"
#include "sseclient.h"

#include <QApplication>
#include <QLabel>
#include <QStatusBar>
#include <QTest>

using namespace ssehub;
using namespace ssehub::test;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsLiveFigures();
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

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
