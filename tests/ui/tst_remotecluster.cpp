// The console attached to one instance of a cluster (offscreen platform): a real redis-server
// and two `ssehub --headless --redis ...` instances started by the test, SSE clients on both,
// the window attached to one. It shows the streams of both with their node, acts on the other
// node's rows there, and shows a node that went away as unreachable while the other's rows
// stay. A registry with garbage and thousands of entries does not take the console down.
#include "api/enginethread.h"
#include "consolefixture.h"
#include "enginecontroller.h"
#include "hubprocess.h"
#include "link/enginelink.h"
#include "link/remotesession.h"
#include "link/remotetarget.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "models/nodesmodel.h"
#include "redisserver.h"
#include "sseclient.h"
#include "widgets/confirmation.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// `ssehub --headless` in cluster mode, without access control (loopback).
class Node
{
public:
    Node(const QString &dir, const QString &id)
        : m_hub(QStringLiteral(SSEHUB_BINARY), dir)
        , m_id(id)
    {
    }

    bool start(quint16 redisPort)
    {
        return m_hub.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                            QStringLiteral("--data-dir"), QString(), QStringLiteral("--heartbeat"),
                            QStringLiteral("2s"), QStringLiteral("--redis"),
                            QStringLiteral("redis://127.0.0.1:%1").arg(redisPort),
                            QStringLiteral("--node-id"), m_id});
    }
    void kill() { m_hub.kill(); }
    quint16 port() const { return m_hub.port(); }
    const QString &id() const { return m_id; }

private:
    HeadlessHub m_hub;
    QString m_id;
};

struct ClusterConsole : Console
{
    QString nodeOf(const QString &client) const
    {
        const int row = rowFor(client);
        return row < 0 ? QString() : model()->rowAt(row).node;
    }
    // The node as the link reaches it (an empty id when it is not listed).
    NodeLink link(const QString &id) const
    {
        for (const NodeLink &l : window->controller()->link()->nodeLinks()) {
            if (l.id == id)
                return l;
        }
        return {};
    }
    NodeLink::Reach reach(const QString &id) const
    {
        const NodeLink l = link(id);
        return l.id.isEmpty() ? NodeLink::Reach::NotOpened : l.reach;
    }
    // What the Cluster view says of a node.
    QString consoleCell(const QString &id) const
    {
        NodesModel *nodes = window->nodesModel();
        for (int row = 0; row < nodes->rowCount(); ++row) {
            if (nodes->index(row, NodesModel::Id).data().toString() == id)
                return nodes->index(row, NodesModel::Console).data().toString();
        }
        return {};
    }
    bool logHas(LogEntry::Kind kind, const QString &client, const QString &node) const
    {
        LogModel *log = window->logModel();
        for (int row = 0; row < log->rowCount(); ++row) {
            const LogEntry &e = log->entryAt(row);
            if (e.kind == kind && e.clientId == client && e.node == node)
                return true;
        }
        return false;
    }
};

QByteArray streamPath(const QByteArray &client)
{
    return "/events?topic=room/%2B&client_id=" + client;
}

} // namespace

class TestRemoteCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void showsBothNodesActsOnEachAndLosesOne();
    void hostileRegistryIsBounded();
    void adminUrlsTheConsoleOpens();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<Node> m_a;
    std::unique_ptr<Node> m_b;
};

void TestRemoteCluster::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ssehub-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_remotecluster"));
    QSettings().clear();
    // Disconnect and pause act at once here; tst_consolesafety drives their confirmations.
    Confirmation::waiveAll();
    QVERIFY(m_dir.isValid());
}

void TestRemoteCluster::init()
{
    m_redis = std::make_unique<RedisServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
    m_a = std::make_unique<Node>(m_dir.filePath(QStringLiteral("a")), QStringLiteral("node-a"));
    m_b = std::make_unique<Node>(m_dir.filePath(QStringLiteral("b")), QStringLiteral("node-b"));
    QVERIFY(m_a->start(m_redis->port()));
    QVERIFY(m_b->start(m_redis->port()));
}

void TestRemoteCluster::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_redis.reset();
}

void TestRemoteCluster::showsBothNodesActsOnEachAndLosesOne()
{
    ClusterConsole c;
    QVERIFY(c.attach(m_a->port()));
    QTRY_COMPARE(c.window->controller()->link()->status().state, EngineLink::State::Live);

    SseClient onA, onB, alsoOnB;
    onA.open(m_a->port(), streamPath("dev-a"));
    onB.open(m_b->port(), streamPath("dev-b"));
    alsoOnB.open(m_b->port(), streamPath("dev-b2"));

    // Both nodes' streams, each with its node; the attached one is known as attached.
    QTRY_VERIFY_WITH_TIMEOUT(c.model()->rowCount() == 3, 15000);
    QCOMPARE(c.nodeOf(QStringLiteral("dev-a")), QStringLiteral("node-a"));
    QCOMPARE(c.nodeOf(QStringLiteral("dev-b")), QStringLiteral("node-b"));
    QCOMPARE(c.reach(QStringLiteral("node-b")), NodeLink::Reach::Live);
    QVERIFY(c.link(QStringLiteral("node-a")).attached);
    QTRY_COMPARE(c.link(QStringLiteral("node-b")).streams, 2);
    QTRY_VERIFY(c.consoleCell(QStringLiteral("node-b")).contains(QLatin1String("live")));

    // A Node column and a node filter: one node's rows, or all.
    auto *view = c.window->findChild<QTableView *>(QStringLiteral("connectionsView"));
    QVERIFY(!view->isColumnHidden(ConnectionsModel::Node));
    auto *filter = c.window->findChild<QComboBox *>(QStringLiteral("connectionsNode"));
    QVERIFY(filter && !filter->isHidden());
    QCOMPARE(filter->count(), 3); // all nodes, node-a, node-b
    filter->setCurrentIndex(filter->findData(QStringLiteral("node-b")));
    QCOMPARE(view->model()->rowCount(), 2);
    filter->setCurrentIndex(0);
    QCOMPARE(view->model()->rowCount(), 3);
    QVERIFY(!c.window->findChild<QComboBox *>(QStringLiteral("logNode"))->isHidden());
    QVERIFY(!c.window->findChild<QComboBox *>(QStringLiteral("healthNode"))->isHidden());

    // The log names the node that logged each entry.
    QTRY_VERIFY(
        c.logHas(LogEntry::Kind::Connect, QStringLiteral("dev-b"), QStringLiteral("node-b")));
    QTRY_VERIFY(
        c.logHas(LogEntry::Kind::Connect, QStringLiteral("dev-a"), QStringLiteral("node-a")));

    // Figures are the cluster's.
    QTRY_VERIFY(c.window->findChild<QLabel *>(QStringLiteral("connectionCount"))
                    ->text()
                    .startsWith(QLatin1String("3 stream")));

    // A kick on the other node's row goes to that node: that client's socket closes.
    QVERIFY(c.select(QStringLiteral("dev-b")));
    QTest::mouseClick(c.window->findChild<QPushButton *>(QStringLiteral("kickButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!onB.isConnected());
    QVERIFY(alsoOnB.isConnected());
    QVERIFY(onA.isConnected());
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QTRY_VERIFY(c.logHas(LogEntry::Kind::Kick, QStringLiteral("dev-b"), QStringLiteral("node-b")));

    // The export names the node of each entry.
    const QString path = m_dir.filePath(QStringLiteral("cluster.csv"));
    QString error;
    QVERIFY2(c.window->exportLog(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray csv = file.readAll();
    QVERIFY(csv.contains("detail,count,node\r\n"));
    QVERIFY(csv.contains(",node-b\r\n"));

    // Node B goes away: shown unreachable, its rows gone; node A's stay and stay live.
    m_b->kill();
    QTRY_VERIFY_WITH_TIMEOUT(c.reach(QStringLiteral("node-b")) == NodeLink::Reach::Unreachable,
                             10000);
    QTRY_VERIFY(c.consoleCell(QStringLiteral("node-b")).contains(QLatin1String("unreachable")));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QCOMPARE(c.nodeOf(QStringLiteral("dev-a")), QStringLiteral("node-a"));
    QCOMPARE(c.window->controller()->link()->status().state, EngineLink::State::Live);
    QVERIFY(c.window->findChild<QLabel *>(QStringLiteral("clusterNote"))
                ->text()
                .contains(QLatin1String("not reachable")));
    SseClient late;
    late.open(m_a->port(), streamPath("dev-a2"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
}

// A registry the console cannot trust: an entry with garbage for its admin_url, one that
// points at another node, and thousands more than the console opens. It stays live, opens at
// most NodeLink::MaxOpened feeds, and says why the others are not shown.
void TestRemoteCluster::hostileRegistryIsBounded()
{
    const qint64 until = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
    QStringList args {QStringLiteral("-p"), QString::number(m_redis->port()),
                      QStringLiteral("HSET"), QStringLiteral("ssehub:nodes")};
    auto entry = [&](const QString &id, const QJsonValue &url) {
        const QJsonObject o {{QStringLiteral("id"), id},
                             {QStringLiteral("admin_url"), url},
                             {QStringLiteral("expires_at"), double(until)}};
        args << id << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    };
    entry(QStringLiteral("0-garbage"), QStringLiteral("javascript:alert(1)//\x01"));
    entry(QStringLiteral("0-number"), 42);
    entry(QStringLiteral("0-any"), QStringLiteral("http://0.0.0.0:1"));
    entry(QStringLiteral("0-impostor"), QStringLiteral("http://127.0.0.1:%1").arg(m_a->port()));
    for (int i = 0; i < 3000; ++i)
        entry(QStringLiteral("z-%1").arg(i, 5, 10, QLatin1Char('0')),
              QStringLiteral("http://127.0.0.1:1"));
    QProcess cli;
    cli.start(QStringLiteral("redis-cli"), args);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 0);

    ClusterConsole c;
    QVERIFY(c.attach(m_a->port()));
    QTRY_VERIFY_WITH_TIMEOUT(c.window->nodesModel()->registered() >= 3006, 15000);
    QTRY_VERIFY(!c.link(QStringLiteral("0-garbage")).id.isEmpty());
    QCOMPARE(c.window->controller()->link()->nodeLinks().size(), NodeLink::MaxOpened);
    QCOMPARE(c.reach(QStringLiteral("0-garbage")), NodeLink::Reach::NotOpened);
    QCOMPARE(c.reach(QStringLiteral("0-number")), NodeLink::Reach::NotOpened);
    QCOMPARE(c.reach(QStringLiteral("0-any")), NodeLink::Reach::NotOpened);
    // An address where another node answers: its rows would be shown twice.
    QTRY_VERIFY(c.link(QStringLiteral("0-impostor")).message.contains(QLatin1String("node-a")));
    QVERIFY(c.reach(QStringLiteral("0-impostor")) != NodeLink::Reach::Live);
    QTRY_COMPARE(c.reach(QStringLiteral("node-b")), NodeLink::Reach::Live);
    QCOMPARE(c.window->nodesModel()->rowCount(), NodesModel::MaxRows);
    QVERIFY(c.consoleCell(QStringLiteral("z-02000")).isEmpty()); // beyond the rows listed
    QVERIFY(c.consoleCell(QStringLiteral("z-00900")).contains(QLatin1String("not opened")));
    QVERIFY(c.consoleCell(QStringLiteral("0-garbage")).contains(QLatin1String("not opened")));
    QVERIFY(c.window->findChild<QLabel *>(QStringLiteral("clusterNote"))
                ->text()
                .contains(QString::number(NodeLink::MaxOpened)));

    SseClient onB;
    onB.open(m_b->port(), streamPath("dev-b"));
    QTRY_COMPARE(c.nodeOf(QStringLiteral("dev-b")), QStringLiteral("node-b"));
    QCOMPARE(c.window->controller()->link()->status().state, EngineLink::State::Live);
}

void TestRemoteCluster::adminUrlsTheConsoleOpens()
{
    QString why;
    QCOMPARE(RemoteSession::adminUrl(QStringLiteral("https://hub-2.example:8443/x?y"), &why),
             QUrl(QStringLiteral("https://hub-2.example:8443")));
    QCOMPARE(RemoteSession::adminUrl(QStringLiteral("http://[::1]:8080"), &why),
             QUrl(QStringLiteral("http://[::1]:8080")));
    const QStringList bads {QString(),
                            QStringLiteral("ftp://h/"),
                            QStringLiteral("http://user:pw@h:1"),
                            QStringLiteral("http://0.0.0.0:8080"),
                            QStringLiteral("http://[::]:8080"),
                            QStringLiteral("not a url"),
                            QStringLiteral("http://h:99999"),
                            QString(QStringLiteral("http://") + QString(5000, QLatin1Char('a')))};
    for (const QString &bad : bads) {
        why.clear();
        QVERIFY2(RemoteSession::adminUrl(bad, &why).isEmpty(), qPrintable(bad));
        QVERIFY(!why.isEmpty());
    }
}

QTEST_MAIN(TestRemoteCluster)
#include "tst_remotecluster.moc"
