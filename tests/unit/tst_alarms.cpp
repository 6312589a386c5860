// AlarmMonitor: each threshold raises one alarm entry when crossed and one when left, never one
// per reading; a figure hovering at its threshold does not flood the log.
#include "observe/alarms.h"

#include <QTest>

using namespace ssehub;

namespace {

AlarmMonitor::Reading at(qint64 seconds)
{
    AlarmMonitor::Reading r;
    r.monotonicMs = 1000000 + seconds * 1000;
    return r;
}

QStringList changes(const QList<LogEntry> &entries)
{
    QStringList out;
    for (const LogEntry &e : entries) {
        if (e.kind != LogEntry::Kind::Alarm)
            return {QStringLiteral("not an alarm entry")};
        out << e.reason + QLatin1Char(' ') + e.detail.section(QLatin1Char(':'), 0, 0);
    }
    return out;
}

} // namespace

class TestAlarms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closesPerMinute();
    void authFailuresPerMinute();
    void redisDown();
    void descriptorsNearTheLimit();
    void streamsNearTheLimit();
    void zeroTurnsAnAlarmOff();
    void countersThatGoBack();
};

void TestAlarms::closesPerMinute()
{
    AlarmThresholds t;
    t.closesPerMinute = 10;
    AlarmMonitor m(t);
    QVERIFY(m.evaluate(at(0)).isEmpty());
    auto r = at(1);
    r.closes = 9;
    QVERIFY(m.evaluate(r).isEmpty());
    r = at(2);
    r.closes = 10;
    const QList<LogEntry> raised = m.evaluate(r);
    QCOMPARE(changes(raised), QStringList {QStringLiteral("stream-closes raised")});
    QVERIFY2(raised.first().detail.contains(QLatin1String("10 slow-consumer or dead")),
             qPrintable(raised.first().detail));
    QVERIFY(raised.first().detail.contains(QLatin1String("threshold 10")));
    QCOMPARE(m.active(), QStringList {QStringLiteral("stream-closes")});
    // More closes, seconds later: no second entry.
    for (int s = 3; s < 40; ++s) {
        r = at(s);
        r.closes = 10 + quint64(s);
        QVERIFY(m.evaluate(r).isEmpty());
    }
    // A minute after the burst only the few later closes count: cleared once.
    r = at(62);
    r.closes = 49;
    QVERIFY(m.evaluate(r).isEmpty()); // 49 - 10 in the last minute: still high
    r = at(100);
    r.closes = 49;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("stream-closes cleared")});
    QVERIFY(m.active().isEmpty());
    r = at(101);
    r.closes = 49;
    QVERIFY(m.evaluate(r).isEmpty());
}

void TestAlarms::authFailuresPerMinute()
{
    AlarmThresholds t;
    t.authFailuresPerMinute = 20;
    AlarmMonitor m(t);
    m.evaluate(at(0));
    auto r = at(1);
    r.authFailures = 25;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("auth-failures raised")});
    // Hovering just under the threshold in the next minute: still raised (half clears it).
    quint64 total = 25;
    for (int s = 2; s < 130; ++s) {
        r = at(s);
        total += s % 4 == 0 ? 1 : 0; // 15 a minute: under 20, over 10
        r.authFailures = total;
        QVERIFY2(m.evaluate(r).isEmpty(), qPrintable(QString::number(s)));
    }
    QCOMPARE(m.active(), QStringList {QStringLiteral("auth-failures")});
    // Quiet for a minute: cleared.
    r = at(200);
    r.authFailures = total;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("auth-failures cleared")});
}

void TestAlarms::redisDown()
{
    AlarmMonitor m;
    auto r = at(0);
    r.brokerCanFail = true;
    QVERIFY(m.evaluate(r).isEmpty());
    r = at(1);
    r.brokerCanFail = true;
    r.brokerReady = false;
    r.brokerState = QStringLiteral("reconnecting: Connection refused");
    const QList<LogEntry> raised = m.evaluate(r);
    QCOMPARE(changes(raised), QStringList {QStringLiteral("redis-down raised")});
    QVERIFY(raised.first().detail.contains(QLatin1String("Connection refused")));
    r.monotonicMs += 1000;
    QVERIFY(m.evaluate(r).isEmpty());
    r = at(3);
    r.brokerCanFail = true;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("redis-down cleared")});
    // The embedded broker never raises it.
    AlarmMonitor local;
    r = at(0);
    r.brokerReady = false;
    QVERIFY(local.evaluate(r).isEmpty());
}

void TestAlarms::descriptorsNearTheLimit()
{
    AlarmMonitor m; // 80% by default
    auto r = at(0);
    r.fdLimit = 1000;
    r.openFds = 700;
    QVERIFY(m.evaluate(r).isEmpty());
    r.openFds = 800;
    const QList<LogEntry> raised = m.evaluate(r);
    QCOMPARE(changes(raised), QStringList {QStringLiteral("descriptors raised")});
    QVERIFY2(raised.first().detail.contains(QLatin1String("800 of 1000")),
             qPrintable(raised.first().detail));
    // Hovering around the threshold: no flood.
    for (int fds : {790, 801, 760, 799, 800, 780}) {
        r.openFds = fds;
        QVERIFY(m.evaluate(r).isEmpty());
    }
    r.openFds = 740;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("descriptors cleared")});
    // Unknown (no /proc): nothing raised.
    r.openFds = -1;
    QVERIFY(m.evaluate(r).isEmpty());
}

void TestAlarms::streamsNearTheLimit()
{
    AlarmMonitor m; // 90% by default
    auto r = at(0);
    r.maxStreams = 10;
    r.streams = 8;
    QVERIFY(m.evaluate(r).isEmpty());
    r.streams = 9;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("streams raised")});
    r.streams = 10;
    QVERIFY(m.evaluate(r).isEmpty());
    r.streams = 8;
    QCOMPARE(changes(m.evaluate(r)), QStringList {QStringLiteral("streams cleared")});
    // No limit: never.
    r.maxStreams = 0;
    r.streams = 100000;
    QVERIFY(m.evaluate(r).isEmpty());
}

void TestAlarms::zeroTurnsAnAlarmOff()
{
    AlarmThresholds t;
    t.closesPerMinute = 0;
    t.authFailuresPerMinute = 0;
    t.descriptorsPercent = 0;
    t.streamsPercent = 0;
    t.brokerDown = false;
    AlarmMonitor m(t);
    m.evaluate(at(0));
    auto r = at(1);
    r.closes = 1000000;
    r.authFailures = 1000000;
    r.openFds = r.fdLimit = 100;
    r.streams = r.maxStreams = 100;
    r.brokerCanFail = true;
    r.brokerReady = false;
    QVERIFY(m.evaluate(r).isEmpty());
    QVERIFY(m.active().isEmpty());
}

void TestAlarms::countersThatGoBack()
{
    AlarmThresholds t;
    t.closesPerMinute = 10;
    AlarmMonitor m(t);
    auto r = at(0);
    r.closes = 1000;
    m.evaluate(r);
    r = at(1);
    r.closes = 2; // another engine's counters: no huge unsigned difference
    QVERIFY(m.evaluate(r).isEmpty());
    QVERIFY(m.active().isEmpty());
}

QTEST_GUILESS_MAIN(TestAlarms)
#include "tst_alarms.moc"
