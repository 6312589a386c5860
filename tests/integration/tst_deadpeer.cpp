// A client that vanishes without closing (no FIN, nothing acknowledged) is reaped as "dead"
// within three heartbeat intervals. The test moves itself into a private network namespace and
// makes its loopback drop every packet (a pfifo qdisc of length 0), which is what a cut cable
// looks like to the server. It needs CAP_NET_ADMIN (root, as in CI) and iproute2.
#include "engine/engine.h"
#include "hub/hub.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <sched.h>
#include <unistd.h>

using namespace ssehub;
using namespace ssehub::test;

class TestDeadPeer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void vanishedClientIsReaped();

private:
    static bool run(const QString &program, const QStringList &args);
};

bool TestDeadPeer::run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(10000) || p.exitCode() != 0) {
        qWarning("%s %s failed: %s", qPrintable(program), qPrintable(args.join(QLatin1Char(' '))),
                 p.readAllStandardError().constData());
        return false;
    }
    return true;
}

void TestDeadPeer::initTestCase()
{
    if (::geteuid() != 0 && qEnvironmentVariableIsEmpty("SSEHUB_FORCE_NETNS"))
        QSKIP("needs root (CAP_NET_ADMIN) to create a private network namespace");
    const QString tc = QStandardPaths::findExecutable(
        QStringLiteral("tc"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    QVERIFY2(!tc.isEmpty(), "tc (iproute2) is not installed");
    // From here on this process has a loopback of its own; the host's network is untouched.
    QVERIFY2(::unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET) failed");
    QVERIFY(run(QStringLiteral("ip"),
                {QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("lo"),
                 QStringLiteral("up")}));
}

void TestDeadPeer::vanishedClientIsReaped()
{
    const int interval = 300;
    Engine::Config config;
    config.port = 0;
    config.heartbeatMs = interval;
    Engine engine(config);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));

    SseClient client;
    client.open(engine.port(), "/events?topic=t", {{"User-Agent", "vanishing"}});
    QTRY_COMPARE(engine.hub()->streamCount(), 1);
    // Alive: heartbeats flow and are acknowledged, nothing is reaped for several intervals.
    QTRY_VERIFY_WITH_TIMEOUT(client.comments() >= 4, 5000);
    QCOMPARE(engine.hub()->streamCount(), 1);

    QSignalSpy count(engine.hub(), &Hub::streamCountChanged);
    QElapsedTimer cut;
    cut.start();
    QVERIFY(run(QStringLiteral("tc"),
                {QStringLiteral("qdisc"), QStringLiteral("replace"), QStringLiteral("dev"),
                 QStringLiteral("lo"), QStringLiteral("root"), QStringLiteral("pfifo"),
                 QStringLiteral("limit"), QStringLiteral("0")}));
    QTRY_COMPARE_WITH_TIMEOUT(engine.hub()->streamCount(), 0, 10 * interval);
    const qint64 detected = cut.elapsed();
    qInfo("vanished client reaped %lld ms after the cut (heartbeat %d ms)", detected, interval);

    QString reason;
    for (const LogEntry &e : engine.log()->entries()) {
        if (e.kind == LogEntry::Kind::Disconnect)
            reason = e.reason;
    }
    QCOMPARE(reason, QStringLiteral("dead"));
    QCOMPARE(engine.hub()->counters().deadCloses, 1u);
    // Within three intervals, plus one heartbeat tick of scheduling slack.
    QVERIFY2(detected <= 3 * interval + interval / 4 + 50, qPrintable(QString::number(detected)));

    run(QStringLiteral("tc"),
        {QStringLiteral("qdisc"), QStringLiteral("del"), QStringLiteral("dev"),
         QStringLiteral("lo"), QStringLiteral("root")});
}

QTEST_GUILESS_MAIN(TestDeadPeer)
#include "tst_deadpeer.moc"
