// The packaged scenario's console half, run by packaging/check-package.sh: the service from the
// built .deb (its unit's ExecStart) holds a port and has streams; the console starts on the
// embedded default on that same port, cannot listen, is offered to attach in the banner, attaches
// with one click (loopback, no authentication: no token) and shows the service's streams.
// SSEHUB_SERVICE_PORT: the service's port; SSEHUB_SERVICE_CLIENTS: the client ids of its
// streams, comma-separated. Without them (a plain ctest run) there is nothing to attach to.
#include "api/enginethread.h"
#include "enginecontroller.h"
#include "link/enginelink.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QTest>

#include <memory>

using namespace ssehub;

class TestPackagedService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void attachFromTheBannerShowsTheServicesStreams();
};

void TestPackagedService::attachFromTheBannerShowsTheServicesStreams()
{
    const int port = qEnvironmentVariableIntValue("SSEHUB_SERVICE_PORT");
    const QStringList clients = qEnvironmentVariable("SSEHUB_SERVICE_CLIENTS")
                                    .split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (port <= 0 || clients.isEmpty())
        QSKIP("run by packaging/check-package.sh, which starts the packaged service");

    EngineThread engine;
    EngineConfig config; // the embedded default, on the service's port
    config.port = quint16(port);
    config.dataDir.clear();
    auto window = std::make_unique<MainWindow>(&engine, config);
    window->show();
    QVERIFY(!window->startEngine()); // the service holds the port
    auto *attach = window->findChild<QPushButton *>(QStringLiteral("attachButton"));
    QVERIFY(attach);
    QTRY_VERIFY(attach->isVisible());
    const QString offer = window->findChild<QLabel *>(QStringLiteral("linkBannerText"))->text();
    QVERIFY2(offer.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(offer));
    QTest::mouseClick(attach, Qt::LeftButton);
    QTRY_COMPARE(window->controller()->link()->status().state, EngineLink::State::Live);
    ConnectionsModel *rows = window->connectionsModel();
    QTRY_COMPARE(rows->rowCount(), clients.size());
    QStringList shown;
    for (int row = 0; row < rows->rowCount(); ++row)
        shown << rows->rowAt(row).clientId;
    shown.sort();
    QStringList expected = clients;
    expected.sort();
    QCOMPARE(shown, expected);
    qInfo().noquote() << "attached to the packaged service on port" << port << "and saw"
                      << shown.join(QStringLiteral(", "));
    window.reset();
    engine.stop();
}

QTEST_MAIN(TestPackagedService)
#include "tst_packagedservice.moc"
