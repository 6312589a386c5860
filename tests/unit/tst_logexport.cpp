#include "observe/logexport.h"

#include <QTest>

using namespace ssehub;

class TestLogExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvQuoting_data();
    void csvQuoting();
};

void TestLogExport::csvQuoting_data()
{
    QTest::addColumn<QString>("userAgent");
    QTest::addColumn<QByteArray>("cell");
    QTest::newRow("plain") << QStringLiteral("probe/1.0") << QByteArray("probe/1.0");
    QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QByteArray("\"a\nb\"");
    // Spreadsheets with a semicolon list separator (most of Europe) split an unquoted ';'.
    QTest::newRow("semicolon") << QStringLiteral("Mozilla/5.0 (X11; Linux x86_64)")
                               << QByteArray("\"Mozilla/5.0 (X11; Linux x86_64)\"");
    QTest::newRow("formula") << QStringLiteral("=1+1") << QByteArray("'=1+1");
    QTest::newRow("formula;") << QStringLiteral("=A1;B1") << QByteArray("\"'=A1;B1\"");
}

void TestLogExport::csvQuoting()
{
    QFETCH(QString, userAgent);
    QFETCH(QByteArray, cell);
    LogEntry entry;
    entry.time = 0;
    entry.kind = LogEntry::Kind::Connect;
    entry.connectionId = 7;
    entry.clientId = QStringLiteral("c");
    entry.remoteAddress = QStringLiteral("127.0.0.1:1");
    entry.userAgent = userAgent;
    entry.reason = QStringLiteral("r");
    entry.detail = QStringLiteral("d");
    const QByteArray row = logCsvRow(entry);
    QCOMPARE(row, "1970-01-01T00:00:00.000Z,connect,7,c,127.0.0.1:1," + cell + ",r,d,1\r\n");
}

QTEST_GUILESS_MAIN(TestLogExport)
#include "tst_logexport.moc"
