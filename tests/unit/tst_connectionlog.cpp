// The connection log's bounds: text fields and filter lists cut with a visible marker, the byte
// bound on what is kept, and the coalescing of auth failures per source address and reason
// (windows, counts, the shared overflow entry, what the log file is told and when).
#include "observe/connectionlog.h"

#include <QSignalSpy>
#include <QTest>

using namespace ssehub;

namespace {

LogEntry failure(const QString &remote, const QString &reason)
{
    LogEntry e;
    e.kind = LogEntry::Kind::AuthFailure;
    e.remoteAddress = remote;
    e.reason = reason;
    return e;
}

} // namespace

class TestConnectionLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clippedText();
    void filterLists();
    void hostOf_data();
    void hostOf();
    void byteBound();
    void coalescing();
    void overflowShares();
};

void TestConnectionLog::clippedText()
{
    QCOMPARE(LogEntry::clipped(QStringLiteral("short"), 64), QStringLiteral("short"));
    const QString cut = LogEntry::clipped(QString(1000, QLatin1Char('a')), 100);
    QVERIFY(cut.toUtf8().size() <= 100);
    QVERIFY2(cut.endsWith(QStringLiteral("... (+932 bytes)")), qPrintable(cut));
    // Never inside a character: three-byte characters cut whole.
    const QString wide = LogEntry::clipped(QString(300, QChar(0x540D)), 100);
    QVERIFY(wide.toUtf8().size() <= 100);
    QVERIFY(!wide.contains(QChar::ReplacementCharacter));
    LogEntry e;
    e.userAgent = QString(5000, QLatin1Char('u'));
    e.detail = QString(50000, QLatin1Char('d'));
    e.bound();
    QVERIFY(e.userAgent.toUtf8().size() <= LogEntry::MaxFieldBytes);
    QVERIFY(e.detail.toUtf8().size() <= LogEntry::MaxDetailBytes);
}

void TestConnectionLog::filterLists()
{
    QList<QByteArray> filters;
    for (int i = 0; i < 1024; ++i)
        filters << QByteArray::number(i).rightJustified(256, 'f');
    const QString text = LogEntry::listText(filters);
    QVERIFY(text.toUtf8().size() <= LogEntry::MaxDetailBytes);
    QVERIFY2(text.endsWith(QStringLiteral(" ... (+1017 more)")), qPrintable(text.right(40)));
    QVERIFY(text.startsWith(QString::fromUtf8(filters.first())));
    // Everything that fits is listed as it is.
    QCOMPARE(LogEntry::listText({"a", "b/+", "c/#"}), QStringLiteral("a b/+ c/#"));
}

void TestConnectionLog::hostOf_data()
{
    QTest::addColumn<QString>("remote");
    QTest::addColumn<QString>("host");
    QTest::newRow("v4") << "192.0.2.1:5000"
                        << "192.0.2.1";
    QTest::newRow("v4 alone") << "192.0.2.1"
                              << "192.0.2.1";
    QTest::newRow("v6 bracketed") << "[2001:db8::1]:443"
                                  << "2001:db8::1";
    QTest::newRow("v6 and port") << "2001:db8::1:34567"
                                 << "2001:db8::1";
    QTest::newRow("mapped v4 and port") << "::ffff:127.0.0.1:8080"
                                        << "::ffff:127.0.0.1";
    QTest::newRow("empty (TLS handshake)") << ""
                                           << "";
}

void TestConnectionLog::hostOf()
{
    QFETCH(QString, remote);
    QFETCH(QString, host);
    QCOMPARE(LogEntry::hostOf(remote), host);
}

void TestConnectionLog::byteBound()
{
    ConnectionLog::Limits limits;
    limits.capacity = 100000;
    limits.maxBytes = 1024 * 1024;
    ConnectionLog log(limits);
    for (int i = 0; i < 2000; ++i) {
        LogEntry e;
        e.kind = LogEntry::Kind::Connect;
        e.detail = QString(100000, QLatin1Char('x')); // cut to 2 KiB
        log.append(e);
    }
    QVERIFY(log.bytes() <= limits.maxBytes);
    QVERIFY(log.size() > 100);
    QVERIFY(log.size() < 2000);
    QCOMPARE(log.totalAppended(), quint64(2000));
}

void TestConnectionLog::coalescing()
{
    ConnectionLog::Limits limits;
    limits.coalesceMs = 200;
    ConnectionLog log(limits);
    QSignalSpy appended(&log, &ConnectionLog::appended);
    for (int i = 0; i < 1000; ++i)
        log.append(failure(QStringLiteral("10.0.0.1:%1").arg(1000 + i), QStringLiteral("401 bad")));
    log.append(failure(QStringLiteral("10.0.0.2:1"), QStringLiteral("401 bad")));
    LogEntry other;
    other.kind = LogEntry::Kind::Connect;
    log.append(other);
    // In the log at once, one entry per source with its count; the file hears of it later.
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.entries().at(0).count, quint64(1000));
    QCOMPARE(log.entries().at(0).remoteAddress, QStringLiteral("10.0.0.1"));
    QCOMPARE(log.entries().at(1).count, quint64(1));
    QCOMPARE(appended.size(), 1); // the connect entry
    QTRY_COMPARE(appended.size(), 3);
    QCOMPARE(appended.at(1).at(0).value<LogEntry>().count, quint64(1000));
    // After the window a failure is a new entry.
    log.append(failure(QStringLiteral("10.0.0.1:9"), QStringLiteral("401 bad")));
    QCOMPARE(log.size(), 4);
    log.closeWindows();
    QCOMPARE(appended.size(), 4);
}

void TestConnectionLog::overflowShares()
{
    ConnectionLog::Limits limits;
    limits.coalesceMs = 60000;
    limits.maxOpenWindows = 4;
    ConnectionLog log(limits);
    // Varying reasons (client ids in the message) from many addresses.
    for (int i = 0; i < 500; ++i)
        log.append(failure(QStringLiteral("10.0.%1.%2:1").arg(i / 200).arg(i % 200),
                           QStringLiteral("403 acting for client 'c%1' needs its token").arg(i)));
    QCOMPARE(log.size(), 5);
    QCOMPARE(log.entries().last().remoteAddress, QStringLiteral("*"));
    QCOMPARE(log.entries().last().count, quint64(496));
    quint64 total = 0;
    for (const LogEntry &e : log.entries())
        total += e.count;
    QCOMPARE(total, quint64(500));
}

QTEST_GUILESS_MAIN(TestConnectionLog)
#include "tst_connectionlog.moc"
