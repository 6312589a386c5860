// The console's own log export, end to end: entries in the Log view's model, the view's filter,
// MainWindow::exportLog to a file, the file read back (no engine running).
#include "api/enginethread.h"
#include "mainwindow.h"
#include "models/logmodel.h"

#include <QAction>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace ssehub;

namespace {

LogEntry entry(LogEntry::Kind kind, const QString &client, qint64 time)
{
    LogEntry e;
    e.kind = kind;
    e.clientId = client;
    e.time = time;
    e.connectionId = 7;
    e.remoteAddress = QStringLiteral("127.0.0.1:5000");
    return e;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestConsoleExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void exportWritesWhatTheLogViewShows();
    void exportFailsWithAMessage();
};

void TestConsoleExport::exportWritesWhatTheLogViewShows()
{
    EngineThread engine; // never started: exporting needs no engine
    MainWindow window(&engine, EngineConfig());
    LogEntry tricky = entry(LogEntry::Kind::Disconnect, QStringLiteral("a,\"b\""), 1700000000123);
    tricky.reason = QStringLiteral("client-closed");
    tricky.userAgent = QStringLiteral("@SUM(1;2)");
    tricky.detail = QStringLiteral("line1\nline2");
    LogEntry hidden = entry(LogEntry::Kind::Connect, QStringLiteral("hidden"), 1700000000000);
    window.logModel()->append({hidden, tricky});

    // Only disconnects, as the operator picks them in the Log view.
    const auto showOnly = [&window](std::optional<LogEntry::Kind> only) {
        for (int k = 0; k < LogEntry::KindCount; ++k) {
            auto *action = window.findChild<QAction *>(QStringLiteral("logKind-")
                                                       + LogEntry::kindName(LogEntry::Kind(k)));
            QVERIFY(action);
            action->setChecked(!only || LogEntry::Kind(k) == *only);
        }
    };
    showOnly(LogEntry::Kind::Disconnect);
    QCOMPARE(window.logFilter()->rowCount(), 1);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString csvPath = dir.filePath(QStringLiteral("log.csv"));
    QVERIFY2(window.exportLog(csvPath, &error), qPrintable(error));
    // RFC 4180 quoting (comma, quotes, newline, ';'), a formula defused with an apostrophe, and
    // a byte order mark so that spreadsheets read UTF-8.
    QCOMPARE(readAll(csvPath),
             QByteArray("\xEF\xBB\xBFtime,kind,connection,client_id,remote,user_agent,reason,"
                        "detail,count\r\n"
                        "2023-11-14T22:13:20.123Z,disconnect,7,\"a,\"\"b\"\"\",127.0.0.1:5000,"
                        "\"'@SUM(1;2)\",client-closed,\"line1\nline2\",1\r\n"));

    const QString jsonlPath = dir.filePath(QStringLiteral("log.jsonl"));
    QVERIFY2(window.exportLog(jsonlPath, &error), qPrintable(error));
    const QByteArray jsonl = readAll(jsonlPath);
    QCOMPARE(jsonl.count('\n'), 1);
    QVERIFY(jsonl.endsWith('\n'));
    const QJsonObject o = QJsonDocument::fromJson(jsonl).object();
    QCOMPARE(o.value(QLatin1String("kind")).toString(), QStringLiteral("disconnect"));
    QCOMPARE(o.value(QLatin1String("client_id")).toString(), tricky.clientId);
    QCOMPARE(o.value(QLatin1String("user_agent")).toString(), tricky.userAgent);
    QCOMPARE(o.value(QLatin1String("detail")).toString(), tricky.detail);
    QCOMPARE(o.value(QLatin1String("time")).toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));

    // Every kind again: both entries, in time order.
    showOnly(std::nullopt);
    QVERIFY2(window.exportLog(jsonlPath, &error), qPrintable(error));
    const QList<QByteArray> lines = readAll(jsonlPath).trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(lines.first()).object().value(QLatin1String("client_id")),
             QStringLiteral("hidden"));
}

void TestConsoleExport::exportFailsWithAMessage()
{
    EngineThread engine;
    MainWindow window(&engine, EngineConfig());
    window.logModel()->append({entry(LogEntry::Kind::Connect, QStringLiteral("c"), 1)});
    QTemporaryDir dir;
    QString error;
    QVERIFY(!window.exportLog(dir.filePath(QStringLiteral("missing/log.csv")), &error));
    QVERIFY2(!error.isEmpty(), "an export that fails says why");
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("missing/log.csv"))));
}

QTEST_MAIN(TestConsoleExport)
#include "tst_consoleexport.moc"
