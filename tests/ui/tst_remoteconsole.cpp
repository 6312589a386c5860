// The console attached to an ssehub in another process (offscreen platform): `ssehub
// --headless` started by the test with a token secret and an ACL, the window attached over
// GET /console/feed with an admin token, real SSE clients on 127.0.0.1, the window's own
// buttons. Also what a refused token, a server that goes away and one that sends garbage do to
// the window.
#include "api/enginethread.h"
#include "consolefixture.h"
#include "enginecontroller.h"
#include "httpclient.h"
#include "hubprocess.h"
#include "link/enginelink.h"
#include "link/remotelink.h"
#include "link/remotetarget.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "sseclient.h"
#include "tokens.h"
#include "widgets/confirmation.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDialog>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray Secret = "remote-console-secret-0123456789abcdef";

const QByteArray AclJson = R"({
    "anonymous": null,
    "roles": {
        "sensor": {"subscribe": ["sensor/#"]},
        "admin": {"subscribe": ["#"], "publish": ["#"], "admin": true}
    }
})";

QByteArray tokenFor(const QString &sub, const QStringList &roles)
{
    const QJsonObject claims {
        {QStringLiteral("sub"), sub},
        {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
        {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}};
    return makeToken(claims, Secret);
}

QList<QPair<QByteArray, QByteArray>> bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// `ssehub --headless` with access control, on a port that stays the same across restarts.
class SecuredHub
{
public:
    explicit SecuredHub(const QString &dir)
        : m_dir(dir)
        , m_hub(QStringLiteral(SSEHUB_BINARY), dir)
    {
    }

    // auth: a token secret and the ACL above; otherwise everyone may do everything.
    bool start(quint16 port = 0, bool auth = true)
    {
        QStringList args {QStringLiteral("--listen"),    QStringLiteral("127.0.0.1:%1").arg(port),
                          QStringLiteral("--data-dir"),  QString(),
                          QStringLiteral("--heartbeat"), QStringLiteral("2s")};
        if (auth)
            args << QStringLiteral("--jwt-secret-file") << m_dir + QStringLiteral("/secret")
                 << QStringLiteral("--acl") << m_dir + QStringLiteral("/acl.json");
        return m_hub.start(args);
    }
    void kill() { m_hub.kill(); }
    quint16 port() const { return m_hub.port(); }

private:
    QString m_dir;
    HeadlessHub m_hub;
};

// A console window attached to a server elsewhere, as `ssehub --connect` wires it (an engine
// thread that is never started), with what these tests read of its link.
struct AttachedConsole : Console
{
    EngineLink::State state() const { return window->controller()->link()->status().state; }
    QString banner() const
    {
        return window->findChild<QLabel *>(QStringLiteral("linkBannerText"))->text();
    }
    bool bannerShown() const
    {
        return window->findChild<QWidget *>(QStringLiteral("linkBanner"))->isVisible();
    }
    bool greyed() const
    {
        return window->findChild<QTabWidget *>(QStringLiteral("views"))->property("stale").toBool();
    }
};

QByteArray streamPath(const QByteArray &client)
{
    return "/events?topic=sensor/%2B/data&client_id=" + client;
}

// A device's credentials: a token names its client (client_id must be its sub).
QList<QPair<QByteArray, QByteArray>> device(const QByteArray &client)
{
    return bearer(tokenFor(QString::fromLatin1(client), {QStringLiteral("sensor")}));
}

} // namespace

class TestRemoteConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void streamsCountersKickPauseAndExport();
    void tailDetailAndReload();
    void refusesANonAdminToken();
    void staleWhileTheServerIsGoneThenLiveAgain();
    void aShortDropLeavesNoGapAndNoDuplicate();
    void garbageFromTheServerIsNotAFeed();
    void attachOfferedWhenAnSsehubHoldsThePort();
    void attachFromTheBannerNeedsNoTokenOnLoopbackWithoutAuth();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SecuredHub> m_hub;
    QString m_adminToken;
    QString m_sensorToken;
};

void TestRemoteConsole::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ssehub-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_remoteconsole"));
    QSettings().clear();
    // Disconnect and pause act at once here; tst_consolesafety drives their confirmations.
    Confirmation::waiveAll();
    QVERIFY(m_dir.isValid());
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("secret")), Secret + '\n'));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("acl.json")), AclJson));
    m_adminToken = m_dir.filePath(QStringLiteral("admin.token"));
    m_sensorToken = m_dir.filePath(QStringLiteral("sensor.token"));
    QVERIFY(
        writeFile(m_adminToken, tokenFor(QStringLiteral("ops"), {QStringLiteral("admin")}) + '\n'));
    QVERIFY(
        writeFile(m_sensorToken, tokenFor(QStringLiteral("device"), {QStringLiteral("sensor")})));
}

void TestRemoteConsole::init()
{
    m_hub = std::make_unique<SecuredHub>(m_dir.path());
    QVERIFY(m_hub->start());
}

void TestRemoteConsole::cleanup()
{
    m_hub.reset();
}

void TestRemoteConsole::streamsCountersKickPauseAndExport()
{
    AttachedConsole c;
    QVERIFY(c.attach(m_hub->port(), m_adminToken));
    QTRY_COMPARE(c.state(), EngineLink::State::Live);
    QVERIFY(c.window->windowTitle().contains(QStringLiteral("127.0.0.1:%1").arg(m_hub->port())));
    QVERIFY(c.window->windowTitle().contains(QLatin1String("live")));
    QCOMPARE(c.window->findChild<QLabel *>(QStringLiteral("linkState"))->text(),
             QStringLiteral("live"));
    // Nothing here starts or configures the server elsewhere.
    QVERIFY(!c.window->findChild<QAction *>(QStringLiteral("startStopAction"))->isEnabled());
    QVERIFY(!c.window->findChild<QAction *>(QStringLiteral("settingsAction"))->isEnabled());
    QVERIFY(!c.engine.isRunning());

    // Three clients, three rows.
    SseClient one, two, three;
    one.open(m_hub->port(), streamPath("dev-1"), device("dev-1"));
    two.open(m_hub->port(), streamPath("dev-2"), device("dev-2"));
    three.open(m_hub->port(), streamPath("dev-3"), device("dev-3"));
    QTRY_COMPARE(c.model()->rowCount(), 3);
    QCOMPARE(c.cell(QStringLiteral("dev-2"), ConnectionsModel::Filters),
             QStringLiteral("sensor/+/data"));

    // A publish from the console moves their counters.
    PublishRequest request {"sensor/1/data", "reading", "{\"v\":1}"};
    c.window->controller()->publish(request);
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("Published")));
    QTRY_COMPARE(c.eventsSent(QStringLiteral("dev-1")), quint64(1));
    QTRY_COMPARE(c.eventsSent(QStringLiteral("dev-3")), quint64(1));
    QTRY_COMPARE(one.messages().size(), 1);

    // Kick closes that client's socket, and only that one.
    QVERIFY(c.select(QStringLiteral("dev-1")));
    c.click(QStringLiteral("kickButton"));
    QTRY_VERIFY(!one.isConnected());
    QVERIFY(two.isConnected());
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QVERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("disconnected")));

    // Pause stops delivery to that client: a later event reaches the other one first.
    QVERIFY(c.select(QStringLiteral("dev-2")));
    c.click(QStringLiteral("pauseButton"));
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("paused")));
    QTRY_VERIFY(c.cell(QStringLiteral("dev-2"), ConnectionsModel::Filters)
                    .contains(QLatin1String("paused")));
    c.window->controller()->publish({"sensor/2/data", {}, "2"});
    QTRY_COMPARE(three.messages().size(), 2);
    QTRY_COMPARE(c.eventsSent(QStringLiteral("dev-3")), quint64(2));
    QCOMPARE(two.messages().size(), 1);
    QCOMPARE(c.eventsSent(QStringLiteral("dev-2")), quint64(1));

    // The log came over the feed, and exports.
    QTRY_VERIFY([&] {
        for (int row = 0; row < c.window->logModel()->rowCount(); ++row) {
            const LogEntry &e = c.window->logModel()->entryAt(row);
            if (e.kind == LogEntry::Kind::Kick && e.clientId == QLatin1String("dev-1"))
                return true;
        }
        return false;
    }());
    const QString path = m_dir.filePath(QStringLiteral("export.jsonl"));
    QString error;
    QVERIFY2(c.window->exportLog(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    int connects = 0;
    int kicks = 0;
    QSet<quint64> seqs;
    for (const QByteArray &line : lines) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        QVERIFY2(!entry.isEmpty(), line.constData());
        if (entry.value(QLatin1String("kind")).toString() == QLatin1String("connect")
            && entry.value(QLatin1String("client_id")).toString().startsWith(u"dev-"))
            ++connects;
        if (entry.value(QLatin1String("kind")).toString() == QLatin1String("kick"))
            ++kicks;
    }
    QCOMPARE(connects, 3);
    QCOMPARE(kicks, 1);
    // No entry twice.
    for (int row = 0; row < c.window->logModel()->rowCount(); ++row) {
        const quint64 seq = c.window->logModel()->entryAt(row).seq;
        QVERIFY2(!seqs.contains(seq), qPrintable(QString::number(seq)));
        seqs.insert(seq);
    }
}

void TestRemoteConsole::tailDetailAndReload()
{
    AttachedConsole c;
    QVERIFY(c.attach(m_hub->port(), m_adminToken));
    QTRY_COMPARE(c.state(), EngineLink::State::Live);
    SseClient one;
    one.open(m_hub->port(), streamPath("dev-1"), device("dev-1"));
    QTRY_COMPARE(c.model()->rowCount(), 1);

    // The live tail over HTTP: events matching it appear in the Topics view.
    c.window->startTail(QStringLiteral("sensor/#"));
    auto *state = c.window->findChild<QLabel *>(QStringLiteral("tailState"));
    QTRY_VERIFY2(state->text().contains(QLatin1String("sensor/#")), qPrintable(state->text()));
    c.window->controller()->publish({"sensor/7/data", "reading", "{\"tailed\":42}"});
    auto *tail = c.window->findChild<QPlainTextEdit *>(QStringLiteral("tailText"));
    QTRY_VERIFY2(tail->toPlainText().contains(QLatin1String("\"tailed\":42")),
                 qPrintable(tail->toPlainText()));
    QTRY_COMPARE(one.messages().size(), 1);

    // The detail pane: the stream's subscriptions and the event it was sent.
    QVERIFY(c.select(QStringLiteral("dev-1")));
    auto *subscriptions = c.window->findChild<QTreeWidget *>(QStringLiteral("detailSubscriptions"));
    QTRY_COMPARE(subscriptions->topLevelItemCount(), 1);
    QCOMPARE(subscriptions->topLevelItem(0)->text(0), QStringLiteral("sensor/+/data"));
    auto *events = c.window->findChild<QPlainTextEdit *>(QStringLiteral("detailEvents"));
    QTRY_VERIFY2(events->toPlainText().contains(QLatin1String("tailed")),
                 qPrintable(events->toPlainText()));

    // Reload access: the server reads its files again and says what changed.
    c.window->reloadAccess();
    QTRY_VERIFY2(c.window->statusBar()->currentMessage().contains(QLatin1String("reloaded")),
                 qPrintable(c.window->statusBar()->currentMessage()));
}

void TestRemoteConsole::refusesANonAdminToken()
{
    AttachedConsole c;
    QVERIFY(c.attach(m_hub->port(), m_sensorToken));
    QTRY_COMPARE(c.state(), EngineLink::State::Refused);
    QVERIFY(c.bannerShown());
    QVERIFY2(c.banner().contains(QLatin1String("The server refused the token")),
             qPrintable(c.banner()));
    QVERIFY2(c.banner().contains(QLatin1String("admin")), qPrintable(c.banner()));
    QVERIFY(c.window->windowTitle().contains(QLatin1String("refused")));
    QCOMPARE(c.model()->rowCount(), 0);
    // Not again at once: the next try is a minute away.
    const qint64 retryAt = c.window->controller()->link()->status().retryAtMs;
    QVERIFY(retryAt - QDateTime::currentMSecsSinceEpoch() > 30000);
}

void TestRemoteConsole::staleWhileTheServerIsGoneThenLiveAgain()
{
    AttachedConsole c;
    QVERIFY(c.attach(m_hub->port(), m_adminToken));
    SseClient one;
    one.open(m_hub->port(), streamPath("dev-1"), device("dev-1"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QVERIFY(!c.greyed());
    QVERIFY(!c.bannerShown());

    const quint16 port = m_hub->port();
    m_hub->kill();
    QTRY_COMPARE(c.state(), EngineLink::State::Stale);
    // The last data stays, greyed, and the window says since when and what comes next.
    QCOMPARE(c.model()->rowCount(), 1);
    QVERIFY(c.greyed());
    QVERIFY(c.bannerShown());
    QVERIFY2(c.banner().contains(QLatin1String("lost at")), qPrintable(c.banner()));
    QVERIFY2(c.banner().contains(QLatin1String("reconnecting")), qPrintable(c.banner()));
    QVERIFY(c.window->windowTitle().contains(QLatin1String("connection lost")));
    QVERIFY(c.window->findChild<QLabel *>(QStringLiteral("linkState"))
                ->text()
                .startsWith(QLatin1String("stale since")));

    QVERIFY(m_hub->start(port));
    QTRY_COMPARE_WITH_TIMEOUT(c.state(), EngineLink::State::Live, 30000);
    QVERIFY(!c.greyed());
    QVERIFY(!c.bannerShown());
    // The restarted server has no streams: the old row goes.
    QTRY_COMPARE(c.model()->rowCount(), 0);
    SseClient again;
    again.open(port, streamPath("dev-9"), device("dev-9"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
}

void TestRemoteConsole::aShortDropLeavesNoGapAndNoDuplicate()
{
    AttachedConsole c;
    QVERIFY(c.attach(m_hub->port(), m_adminToken));
    SseClient one;
    one.open(m_hub->port(), streamPath("dev-1"), device("dev-1"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    auto *remote = c.window->controller()->remote();
    QVERIFY(remote);
    // The feed is cut and opened again (Last-Event-ID) while the log moves on.
    remote->reconnectNow();
    SseClient two, three;
    two.open(m_hub->port(), streamPath("dev-2"), device("dev-2"));
    remote->reconnectNow();
    three.open(m_hub->port(), streamPath("dev-3"), device("dev-3"));
    QTRY_COMPARE(c.model()->rowCount(), 3);
    QTRY_COMPARE(c.state(), EngineLink::State::Live);
    // Every entry of the engine's log since its start, each once, in order.
    QTRY_VERIFY(c.window->logModel()->rowCount() >= 6); // a connect and a subscribe each
    quint64 expected = 1;
    for (int row = 0; row < c.window->logModel()->rowCount(); ++row) {
        const quint64 seq = c.window->logModel()->entryAt(row).seq;
        QCOMPARE(seq, expected);
        ++expected;
    }
    QVERIFY(!c.window->findChild<QLabel *>(QStringLiteral("logGap"))->isVisible());
}

void TestRemoteConsole::garbageFromTheServerIsNotAFeed()
{
    // Something that answers like an event stream, with events that are not a feed.
    QTcpServer fake;
    QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
    int accepted = 0;
    connect(&fake, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = fake.nextPendingConnection()) {
            ++accepted;
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                socket->readAll();
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                              "event: snapshot\nid: x-1\ndata: {\"not\": [a feed\n\n"
                              "event: delta\ndata: \xff\xfe\n\n");
            });
        }
    });
    AttachedConsole c;
    QVERIFY(c.attach(fake.serverPort(), m_adminToken));
    QTRY_VERIFY2(c.banner().contains(QLatin1String("could not be read")), qPrintable(c.banner()));
    QVERIFY(c.state() != EngineLink::State::Live);
    QCOMPARE(c.model()->rowCount(), 0);
    // It tries again, later.
    QTRY_VERIFY_WITH_TIMEOUT(accepted >= 2, 10000);
}

void TestRemoteConsole::attachOfferedWhenAnSsehubHoldsThePort()
{
    // The embedded default would listen where the headless server already does.
    EngineThread engine;
    EngineConfig config;
    config.port = m_hub->port();
    config.dataDir.clear();
    auto window = std::make_unique<MainWindow>(&engine, config);
    window->show();
    QVERIFY(!window->startEngine());
    auto *attach = window->findChild<QPushButton *>(QStringLiteral("attachButton"));
    QTRY_VERIFY(attach->isVisible());
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("linkBannerText"))
                ->text()
                .contains(QStringLiteral("http://127.0.0.1:%1").arg(m_hub->port())));
    // This server has authentication: attaching without a token is refused and the window asks
    // for one.
    QTest::mouseClick(attach, Qt::LeftButton);
    QTRY_VERIFY(window->isAttached());
    QTRY_COMPARE(window->controller()->link()->status().state, EngineLink::State::Refused);
    QTRY_VERIFY(window->findChild<QDialog *>(QStringLiteral("connectDialog")));
    window.reset();
    engine.stop();
}

void TestRemoteConsole::attachFromTheBannerNeedsNoTokenOnLoopbackWithoutAuth()
{
    SecuredHub open(m_dir.path());
    QVERIFY(open.start(0, false));
    EngineThread engine;
    EngineConfig config;
    config.port = open.port();
    config.dataDir.clear();
    auto window = std::make_unique<MainWindow>(&engine, config);
    window->show();
    QVERIFY(!window->startEngine());
    auto *attach = window->findChild<QPushButton *>(QStringLiteral("attachButton"));
    QTRY_VERIFY(attach->isVisible());
    QTest::mouseClick(attach, Qt::LeftButton);
    QTRY_COMPARE(window->controller()->link()->status().state, EngineLink::State::Live);
    QVERIFY(!window->findChild<QDialog *>(QStringLiteral("connectDialog")));
    QVERIFY(!attach->isVisible());
    SseClient client;
    client.open(open.port(), streamPath("plain"));
    QTRY_COMPARE(window->connectionsModel()->rowCount(), 1);
    // And back: the embedded server tries its port again (still held: the offer returns).
    window->findChild<QAction *>(QStringLiteral("useEmbeddedAction"))->trigger();
    QVERIFY(!window->isAttached());
    QCOMPARE(window->connectionsModel()->rowCount(), 0);
    QTRY_VERIFY(attach->isVisible());
    window.reset();
    engine.stop();
}

QTEST_MAIN(TestRemoteConsole)
#include "tst_remoteconsole.moc"
