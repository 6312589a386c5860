// The connection log's rows as other programs read them: CSV (RFC 4180 quoting, spreadsheet
// formulas defused) and JSON Lines (one object per line, every field back as written).
#include "observe/logformat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ssehub;

class TestLogFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvQuoting_data();
    void csvQuoting();
    void csvHeaderAndExport();
    void nodeOnlyWhenSet();
    void jsonLineRoundTrip();
    void writeExport();
    void formatNames();

private:
    static LogEntry sample()
    {
        LogEntry entry;
        entry.time = 0;
        entry.kind = LogEntry::Kind::Connect;
        entry.connectionId = 7;
        entry.clientId = QStringLiteral("c");
        entry.remoteAddress = QStringLiteral("127.0.0.1:1");
        entry.reason = QStringLiteral("r");
        entry.detail = QStringLiteral("d");
        return entry;
    }
};

void TestLogFormat::csvQuoting_data()
{
    QTest::addColumn<QString>("userAgent");
    QTest::addColumn<QByteArray>("cell");
    QTest::newRow("plain") << QStringLiteral("probe/1.0") << QByteArray("probe/1.0");
    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QByteArray("\"a\nb\"");
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << QByteArray("\"a\rb\"");
    // Spreadsheets with a semicolon list separator (most of Europe) split an unquoted ';'.
    QTest::newRow("semicolon") << QStringLiteral("Mozilla/5.0 (X11; Linux x86_64)")
                               << QByteArray("\"Mozilla/5.0 (X11; Linux x86_64)\"");
    // A cell a spreadsheet would run as a formula starts with an apostrophe.
    QTest::newRow("formula =") << QStringLiteral("=1+1") << QByteArray("'=1+1");
    QTest::newRow("formula +") << QStringLiteral("+1") << QByteArray("'+1");
    QTest::newRow("formula -") << QStringLiteral("-1") << QByteArray("'-1");
    QTest::newRow("formula @") << QStringLiteral("@SUM(A1)") << QByteArray("'@SUM(A1)");
    QTest::newRow("leading tab") << QStringLiteral("\tx") << QByteArray("'\tx");
    QTest::newRow("leading CR") << QStringLiteral("\rx") << QByteArray("\"'\rx\"");
    QTest::newRow("formula;") << QStringLiteral("=A1;B1") << QByteArray("\"'=A1;B1\"");
    QTest::newRow("formula with quotes")
        << QStringLiteral("=HYPERLINK(\"x\")") << QByteArray("\"'=HYPERLINK(\"\"x\"\")\"");
    QTest::newRow("not leading") << QStringLiteral("a=b-c") << QByteArray("a=b-c");
    QTest::newRow("utf-8") << QStringLiteral("名字") << QByteArray("名字");
}

void TestLogFormat::csvQuoting()
{
    QFETCH(QString, userAgent);
    QFETCH(QByteArray, cell);
    LogEntry entry = sample();
    entry.userAgent = userAgent;
    const QByteArray row = logCsvRow(entry);
    QCOMPARE(row, "1970-01-01T00:00:00.000Z,connect,7,c,127.0.0.1:1," + cell + ",r,d,1\r\n");
}

void TestLogFormat::csvHeaderAndExport()
{
    QCOMPARE(
        logCsvHeader(),
        QByteArray("time,kind,connection,client_id,remote,user_agent,reason,detail,count\r\n"));
    LogEntry entry = sample();
    entry.time = 1700000000123;
    entry.kind = LogEntry::Kind::AuthFailure;
    entry.count = 12; // a coalesced entry says how many it stands for
    const QByteArray row = logCsvRow(entry);
    QCOMPARE(row, QByteArray("2023-11-14T22:13:20.123Z,auth-failure,7,c,127.0.0.1:1,,r,d,12\r\n"));
    // The whole export: a byte order mark (spreadsheets then read UTF-8), the header, the rows.
    const QByteArray csv = exportLog({entry, sample()}, LogFormat::Csv);
    QCOMPARE(csv, "\xEF\xBB\xBF" + logCsvHeader() + row + logCsvRow(sample()));
    QCOMPARE(exportLog({}, LogFormat::JsonLines), QByteArray());
}

// A console that merged a cluster names each entry's node: a last column (and a JSON field)
// then, and nothing new in one engine's export.
void TestLogFormat::nodeOnlyWhenSet()
{
    const QByteArray plain = exportLog({sample()}, LogFormat::Csv);
    QCOMPARE(plain,
             QByteArray("\xEF\xBB\xBF"
                        "time,kind,connection,client_id,remote,user_agent,reason,detail,count\r\n"
                        "1970-01-01T00:00:00.000Z,connect,7,c,127.0.0.1:1,,r,d,1\r\n"));
    QVERIFY(!logJsonLine(sample()).contains("\"node\""));

    LogEntry onB = sample();
    onB.node = QStringLiteral("=node-b");
    const QByteArray csv = exportLog({sample(), onB}, LogFormat::Csv);
    QCOMPARE(
        csv,
        QByteArray("\xEF\xBB\xBF"
                   "time,kind,connection,client_id,remote,user_agent,reason,detail,count,node\r\n"
                   "1970-01-01T00:00:00.000Z,connect,7,c,127.0.0.1:1,,r,d,1,\r\n"
                   "1970-01-01T00:00:00.000Z,connect,7,c,127.0.0.1:1,,r,d,1,'=node-b\r\n"));
    const QJsonObject o = QJsonDocument::fromJson(logJsonLine(onB)).object();
    QCOMPARE(o.value(QLatin1String("node")).toString(), QStringLiteral("=node-b"));
}

void TestLogFormat::jsonLineRoundTrip()
{
    LogEntry entry = sample();
    entry.time = 1700000000123;
    entry.kind = LogEntry::Kind::Disconnect;
    entry.connectionId = 18446744073709551615ULL; // beyond a double's exact integers
    entry.clientId = QStringLiteral("名字,\"q\"");
    entry.userAgent = QStringLiteral("=HYPERLINK(\"x\")");
    entry.reason = QStringLiteral("client-closed");
    entry.detail = QStringLiteral("line1\nline2\r\n\ttab");
    entry.count = 3;
    const QByteArray line = logJsonLine(entry);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1); // a newline in a field is escaped: one line per entry
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value(QLatin1String("time")).toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
    QCOMPARE(o.value(QLatin1String("kind")).toString(), QStringLiteral("disconnect"));
    // The connection id is a string: a 64-bit id would lose digits as a JSON number.
    QCOMPARE(o.value(QLatin1String("connection")).toString(),
             QStringLiteral("18446744073709551615"));
    QCOMPARE(o.value(QLatin1String("client_id")).toString(), entry.clientId);
    QCOMPARE(o.value(QLatin1String("remote")).toString(), entry.remoteAddress);
    QCOMPARE(o.value(QLatin1String("user_agent")).toString(), entry.userAgent); // not defused
    QCOMPARE(o.value(QLatin1String("reason")).toString(), entry.reason);
    QCOMPARE(o.value(QLatin1String("detail")).toString(), entry.detail);
    QCOMPARE(o.value(QLatin1String("count")).toInteger(), qint64(3));
    QCOMPARE(o.size(), 9);
    QCOMPARE(exportLog({entry, entry}, LogFormat::JsonLines), line + line);
}

void TestLogFormat::writeExport()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("log.csv"));
    QString error;
    QVERIFY2(writeLogExport(path, {sample()}, LogFormat::Csv, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), exportLog({sample()}, LogFormat::Csv));
    const QString missing = dir.filePath(QStringLiteral("no/such/dir/log.jsonl"));
    QVERIFY(!writeLogExport(missing, {sample()}, LogFormat::JsonLines, &error));
    QVERIFY2(error.contains(missing), qPrintable(error));
}

void TestLogFormat::formatNames()
{
    QCOMPARE(logFormatForPath(QStringLiteral("/x/y.CSV")), LogFormat::Csv);
    QCOMPARE(logFormatForPath(QStringLiteral("/x/y.jsonl")), LogFormat::JsonLines);
    QCOMPARE(logFormatForPath(QStringLiteral("/x/y")), LogFormat::JsonLines);
    LogFormat format = LogFormat::Csv;
    QVERIFY(logFormatFromName(u"ndjson", &format) && format == LogFormat::JsonLines);
    QVERIFY(logFormatFromName(u"csv", &format) && format == LogFormat::Csv);
    QVERIFY(!logFormatFromName(u"CSV", &format));
    QVERIFY(!logFormatFromName(u"xml", &format));
}

QTEST_GUILESS_MAIN(TestLogFormat)
#include "tst_logformat.moc"
