// The ssehub binary as an operator runs it: options, errors, signals, headless fallback.
#include "httpclient.h"
#include "hubprocess.h"
#include "redisserver.h"
#include "sseclient.h"
#include "tokens.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace ssehub::test;

class TestApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersion();
    void badOptions_data();
    void badOptions();
    void portInUse();
    void headlessServesAndStopsOnSignal_data();
    void headlessServesAndStopsOnSignal();
    void noDisplayFallsBackToHeadless();
    void consoleModeOpensWindowAndServes();
    void raisesItsDescriptorLimit();
    void clusterModeWaitsForRedis();
    void sighupReloadsAccessRules();
    void exportsTheLogOnExit();
    void configFileEnvironmentAndOptions();
    void configErrorsNameTheKeyAndFile_data();
    void configErrorsNameTheKeyAndFile();
    void sighupReloadsTheConfigFile();
    void sigtermDrainsStreams();
    void jsonLogsAndLevel();
    void historyBytesFromEveryLayer();
    void warnsAboutRiskyAccess();

private:
    static QProcessEnvironment environment(bool withDisplay);
    // Starts ssehub and returns the port it printed; 0 on failure.
    static quint16 launch(QProcess &process, const QStringList &args, bool withDisplay = false);
};

QProcessEnvironment TestApp::environment(bool withDisplay)
{
    // Stored subscriptions go to a scratch data directory, never the user's.
    static QTemporaryDir data;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), data.path());
    // The console's stored settings too: never the user's.
    static QTemporaryDir config;
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    if (!withDisplay) {
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    }
    return env;
}

quint16 TestApp::launch(QProcess &process, const QStringList &args, bool withDisplay)
{
    process.setProcessEnvironment(environment(withDisplay));
    process.start(QStringLiteral(SSEHUB_BINARY), args);
    if (!process.waitForStarted(5000))
        return 0;
    return waitForHubPort(process, 10000);
}

void TestApp::helpAndVersion()
{
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral(SSEHUB_BINARY), {QStringLiteral("--help")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray help = p.readAllStandardOutput();
    for (const char *option :
         {"--headless", "--listen", "--heartbeat", "--history", "--max-queue", "--cors-origin",
          "--retry", "--connect", "--token-file", "--ca-file", "--client-cert", "--client-key"})
        QVERIFY2(help.contains(option), option);

    p.start(QStringLiteral(SSEHUB_BINARY), {QStringLiteral("--version")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().startsWith("ssehub " SSEHUB_VERSION));
}

void TestApp::badOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("listen") << QStringList {QStringLiteral("--headless"),
                                            QStringLiteral("--listen"), QStringLiteral("nonsense")}
                            << "--listen";
    QTest::newRow("log-file-keep")
        << QStringList {QStringLiteral("--headless"), QStringLiteral("--log-file-keep"),
                        QStringLiteral("0")}
        << "--log-file-keep";
    QTest::newRow("log-file-size")
        << QStringList {QStringLiteral("--headless"), QStringLiteral("--log-file-size"),
                        QStringLiteral("1")}
        << "--log-file-size";
    QTest::newRow("heartbeat") << QStringList {
        QStringLiteral("--headless"), QStringLiteral("--heartbeat"),
        QStringLiteral("soon")} << "--heartbeat";
    QTest::newRow("queue") << QStringList {QStringLiteral("--headless"),
                                           QStringLiteral("--max-queue"), QStringLiteral("12")}
                           << "--max-queue";
    QTest::newRow("unknown") << QStringList {QStringLiteral("--headless"),
                                             QStringLiteral("--frobnicate")}
                             << "frobnicate";
    QTest::newRow("redis url") << QStringList {QStringLiteral("--headless"),
                                               QStringLiteral("--redis"),
                                               QStringLiteral("localhost:6379")}
                               << "redis://";
    QTest::newRow("topic length") << QStringList {
        QStringLiteral("--headless"), QStringLiteral("--max-topic-length"),
        QStringLiteral("300")} << "--max-topic-length";
    QTest::newRow("request timeout")
        << QStringList {QStringLiteral("--headless"), QStringLiteral("--request-timeout"),
                        QStringLiteral("1ms")}
        << "--request-timeout";
    QTest::newRow("publish rate") << QStringList {
        QStringLiteral("--headless"), QStringLiteral("--publish-rate"),
        QStringLiteral("fast")} << "--publish-rate";
    QTest::newRow("history bytes")
        << QStringList {QStringLiteral("--headless"), QStringLiteral("--history-bytes"),
                        QStringLiteral("lots")}
        << "--history-bytes";
    QTest::newRow("redis prefix") << QStringList {
        QStringLiteral("--headless"), QStringLiteral("--redis-prefix"),
        QStringLiteral("a*b")} << "--redis-prefix";
    // The console's attach options: only with --connect, never headless.
    QTest::newRow("connect headless")
        << QStringList {QStringLiteral("--headless"), QStringLiteral("--connect"),
                        QStringLiteral("http://127.0.0.1:1")}
        << "--headless";
    QTest::newRow("token-file alone")
        << QStringList {QStringLiteral("--headless"), QStringLiteral("--token-file"),
                        QStringLiteral("/dev/null")}
        << "--token-file";
    QTest::newRow("connect ftp") << QStringList {QStringLiteral("--connect"),
                                                 QStringLiteral("ftp://127.0.0.1:1")}
                                 << "--connect";
}

void TestApp::badOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, errorPart);
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral(SSEHUB_BINARY), args);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(errorPart), qPrintable(err));
}

void TestApp::portInUse()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral(SSEHUB_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:%1").arg(occupier.serverPort())});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError().trimmed();
    QVERIFY2(err.contains(QByteArray::number(occupier.serverPort())), err.constData());
    QVERIFY2(err.contains("address is already in use") || err.contains("in use"), err.constData());
    QCOMPARE(err.count('\n'), 0); // one line
}

void TestApp::headlessServesAndStopsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestApp::headlessServesAndStopsOnSignal()
{
    QFETCH(int, signal);
    QProcess p;
    const quint16 port = launch(
        p,
        {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(port != 0);
    SseClient client;
    client.open(port, "/events?topic=demo/%23");
    QTRY_VERIFY(client.headComplete());
    QCOMPARE(publish(port, "demo/x", "{\"hi\":1}").status, 200);
    QTRY_COMPARE(client.events().size(), 1);

    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(p.processId()), signal);
    QVERIFY(p.waitForFinished(5000));
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    QTRY_VERIFY(!client.isConnected()); // streams were closed
}

void TestApp::exportsTheLogOnExit()
{
    // --export-log: the connection log as CSV when ssehub stops, its own closing included.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("exit.csv"));
    QProcess p;
    const quint16 port
        = launch(p,
                 {QStringLiteral("--headless"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--export-log"), path});
    QVERIFY(port != 0);
    SseClient client;
    client.open(port, "/events?topic=e&client_id=exported");
    QTRY_VERIFY(client.hasSession());
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray csv = file.readAll();
    QVERIFY(csv.startsWith("\xEF\xBB\xBFtime,kind,"));
    QVERIFY(csv.contains(",connect,1,exported,"));
    QVERIFY(csv.contains(",disconnect,1,exported,"));
    QVERIFY(csv.contains(",server-shutdown,"));
}

namespace {

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(content);
    return file.fileName();
}

// Runs ssehub to completion with extra environment; returns exit code, stdout, stderr.
struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run runToEnd(const QStringList &args, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SSEHUB_BINARY), args);
    Run r;
    if (!p.waitForFinished(10000))
        return r;
    r.code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

void TestApp::configFileEnvironmentAndOptions()
{
    // One file, one variable, one option on the same keys: option > environment > file, and
    // --print-config shows the result with the Redis password masked.
    QTemporaryDir dir;
    const QString config = writeFile(dir, QStringLiteral("ssehub.json"), R"({
        "heartbeat": "15s", "history": 500, "max-queue": "2M", "retry": 1.5,
        "cors-origin": ["https://file.example"], "headless": true,
        "redis": "redis://:s3cret@10.1.2.3:6380/2", "publish-rate": 20})");
    QProcessEnvironment env = environment(false);
    env.insert(QStringLiteral("SSEHUB_HISTORY"), QStringLiteral("600"));
    env.insert(QStringLiteral("SSEHUB_CORS_ORIGIN"),
               QStringLiteral("https://a.example,https://b.example"));
    env.insert(QStringLiteral("SSEHUB_PUBLISH_RATE"), QStringLiteral("30"));
    const Run r = runToEnd({QStringLiteral("--config"), config, QStringLiteral("--print-config"),
                            QStringLiteral("--publish-rate"), QStringLiteral("40")},
                           env);
    QCOMPARE(r.code, 0);
    const QJsonObject c = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(c.value(QLatin1String("heartbeat")).toString(), QStringLiteral("15s")); // file
    QCOMPARE(c.value(QLatin1String("retry")).toString(), QStringLiteral("1500ms")); // seconds
    QCOMPARE(c.value(QLatin1String("max-queue")).toString(), QStringLiteral("2M"));
    QCOMPARE(c.value(QLatin1String("history")).toInt(), 600); // environment over file
    QCOMPARE(c.value(QLatin1String("publish-rate")).toInt(), 40); // option over both
    QCOMPARE(
        c.value(QLatin1String("cors-origin")).toArray(),
        QJsonArray({QStringLiteral("https://a.example"), QStringLiteral("https://b.example")}));
    QCOMPARE(c.value(QLatin1String("headless")).toBool(), true);
    QCOMPARE(c.value(QLatin1String("redis")).toString(),
             QStringLiteral("redis://:***@10.1.2.3:6380/2"));
    QVERIFY(!r.out.contains("s3cret"));
    // What it prints is itself a valid config file (the masked password aside).
    QJsonObject again = c;
    again.remove(QStringLiteral("redis"));
    const QString printed
        = writeFile(dir, QStringLiteral("printed.json"), QJsonDocument(again).toJson());
    const Run reread
        = runToEnd({QStringLiteral("--config"), printed, QStringLiteral("--print-config")},
                   environment(false));
    QCOMPARE(reread.code, 0);
    QJsonObject expected = again;
    expected.insert(QStringLiteral("redis"), QString());
    QCOMPARE(QJsonDocument::fromJson(reread.out).object(), expected);

    // And the server really uses them: the file's history size bounds replay.
    const QString small = writeFile(dir, QStringLiteral("small.json"), R"({"history": 2})");
    QProcess p;
    const quint16 port = launch(p,
                                {QStringLiteral("--headless"), QStringLiteral("--config"), small,
                                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(port != 0);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(publish(port, "h", "1").status, 200);
    QCOMPARE(request(port, "GET", "/stats").json().value(QLatin1String("history_size")).toInt(), 2);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
}

void TestApp::historyBytesFromEveryLayer()
{
    QTemporaryDir dir;
    const QString file
        = writeFile(dir, QStringLiteral("ssehub.json"), R"({"history-bytes": "3M"})");
    auto printed = [&](const QStringList &args, const QProcessEnvironment &env) {
        const Run r = runToEnd(QStringList {QStringLiteral("--print-config")} + args, env);
        return QJsonDocument::fromJson(r.out).object().value(QLatin1String("history-bytes"));
    };
    QCOMPARE(printed({}, environment(false)).toString(), QStringLiteral("64M")); // the default
    QCOMPARE(printed({QStringLiteral("--config"), file}, environment(false)).toString(),
             QStringLiteral("3M"));
    QProcessEnvironment env = environment(false);
    env.insert(QStringLiteral("SSEHUB_HISTORY_BYTES"), QStringLiteral("5M"));
    QCOMPARE(printed({QStringLiteral("--config"), file}, env).toString(), QStringLiteral("5M"));
    QCOMPARE(printed({QStringLiteral("--config"), file, QStringLiteral("--history-bytes"),
                      QStringLiteral("1G")},
                     env)
                 .toString(),
             QStringLiteral("1G"));
    const Run bad
        = runToEnd({QStringLiteral("--headless"), QStringLiteral("--config"),
                    writeFile(dir, QStringLiteral("bad.json"), R"({"history-bytes": "2T"})")},
                   environment(false));
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains("history-bytes"), bad.err.constData());

    // The server uses it: 64 KiB events under a 1 MiB bound keep a handful, not the 10,000
    // the count allows. A reload cannot change it (the history is not rebuilt): said so.
    const QString live = writeFile(dir, QStringLiteral("live.json"), R"({"history-bytes": "1M"})");
    QProcess p;
    const quint16 port = launch(p,
                                {QStringLiteral("--headless"), QStringLiteral("--config"), live,
                                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(port != 0);
    const QByteArray payload = '"' + QByteArray(60 * 1024, 'b') + '"';
    for (int i = 0; i < 40; ++i)
        QCOMPARE(publish(port, "h", payload).status, 200);
    const QJsonObject stats = request(port, "GET", "/stats").json();
    QVERIFY(stats.value(QLatin1String("history_bytes")).toDouble() <= 1024 * 1024);
    QVERIFY(stats.value(QLatin1String("history_size")).toInt() > 0);
    QVERIFY(stats.value(QLatin1String("history_size")).toInt() < 10);
    writeFile(dir, QStringLiteral("live.json"), R"({"history-bytes": "2M"})");
    ::kill(pid_t(p.processId()), SIGHUP);
    QByteArray err;
    QTRY_VERIFY((err += p.readAllStandardError()).contains("configuration reloaded"));
    QVERIFY2(err.contains("need a restart to apply: history-bytes"), err.constData());
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
}

void TestApp::warnsAboutRiskyAccess()
{
    // Each warning goes to the log at start (and to the console's banner, see tst_console).
    auto startupLog = [](const QStringList &args) {
        QProcess p;
        if (launch(p,
                   QStringList {QStringLiteral("--headless"), QStringLiteral("--listen"),
                                QStringLiteral("127.0.0.1:0")}
                       + args)
            == 0)
            return QByteArray("did not start");
        ::kill(pid_t(p.processId()), SIGTERM);
        p.waitForFinished(5000);
        return p.readAllStandardError();
    };
    const QByteArray corsWarning = "--cors-origin '*' on a hub without authentication";
    const QByteArray adminWarning = "which has admin rights";

    QByteArray err = startupLog({QStringLiteral("--cors-origin"), QStringLiteral("*")});
    QVERIFY2(err.contains(corsWarning), err.constData());
    QVERIFY(!err.contains(adminWarning));
    err = startupLog({QStringLiteral("--cors-origin"), QStringLiteral("https://app.example")});
    QVERIFY2(!err.contains(corsWarning), err.constData());

    QTemporaryDir dir;
    const QString secret
        = writeFile(dir, QStringLiteral("secret"), "warn-test-secret-warn-test-secret-0123456789");
    const QString openAdmin = writeFile(
        dir, QStringLiteral("open.json"),
        R"({"anonymous": "visitor", "roles": {"visitor": {"subscribe": ["#"], "admin": true}}})");
    err = startupLog({QStringLiteral("--jwt-secret-file"), secret, QStringLiteral("--acl"),
                      openAdmin, QStringLiteral("--cors-origin"), QStringLiteral("*")});
    QVERIFY2(err.contains(adminWarning), err.constData());
    QVERIFY(err.contains("'visitor'"));
    QVERIFY(!err.contains(corsWarning)); // authentication is on
    const QString closed
        = writeFile(dir, QStringLiteral("closed.json"),
                    R"({"anonymous": "visitor", "roles": {"visitor": {"subscribe": ["#"]},
            "ops": {"admin": true}}})");
    err = startupLog(
        {QStringLiteral("--jwt-secret-file"), secret, QStringLiteral("--acl"), closed});
    QVERIFY2(!err.contains(adminWarning), err.constData());
}

void TestApp::configErrorsNameTheKeyAndFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("envName");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("unknown key") << QByteArray(R"({"heartbeet": "1s"})") << QString() << QString()
                                 << QStringList {QStringLiteral("\"heartbeet\""),
                                                 QStringLiteral("unknown key")};
    QTest::newRow("wrong type") << QByteArray(R"({"history": "many"})") << QString() << QString()
                                << QStringList {QStringLiteral("\"history\""),
                                                QStringLiteral("must be a number")};
    QTest::newRow("list type") << QByteArray(R"({"cors-origin": "https://x"})") << QString()
                               << QString()
                               << QStringList {QStringLiteral("\"cors-origin\""),
                                               QStringLiteral("array")};
    QTest::newRow("out of range") << QByteArray(R"({"max-filters": 5000})") << QString()
                                  << QString()
                                  << QStringList {QStringLiteral("\"max-filters\""),
                                                  QStringLiteral("1 to 1024")};
    QTest::newRow("bad value") << QByteArray(R"({"listen": "nowhere"})") << QString() << QString()
                               << QStringList {QStringLiteral("\"listen\""),
                                               QStringLiteral("ADDR:PORT")};
    QTest::newRow("not json") << QByteArray("{\"heartbeat\": ") << QString() << QString()
                              << QStringList {QStringLiteral("not a JSON object")};
    QTest::newRow("command-line only")
        << QByteArray(R"({"config": "other.json"})") << QString() << QString()
        << QStringList {QStringLiteral("\"config\""), QStringLiteral("unknown key")};
    QTest::newRow("environment") << QByteArray("{}") << QStringLiteral("SSEHUB_MAX_QUEUE")
                                 << QStringLiteral("lots")
                                 << QStringList {QStringLiteral("SSEHUB_MAX_QUEUE"),
                                                 QStringLiteral("'lots'")};
    QTest::newRow("environment flag")
        << QByteArray("{}") << QStringLiteral("SSEHUB_HEADLESS") << QStringLiteral("maybe")
        << QStringList {QStringLiteral("SSEHUB_HEADLESS")};
}

void TestApp::configErrorsNameTheKeyAndFile()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, envName);
    QFETCH(QString, envValue);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    const QString config = writeFile(dir, QStringLiteral("broken.json"), content);
    QProcessEnvironment env = environment(false);
    if (!envName.isEmpty())
        env.insert(envName, envValue);
    const Run r = runToEnd({QStringLiteral("--headless"), QStringLiteral("--config"), config}, env);
    QCOMPARE(r.code, 2);
    const QString message = QString::fromUtf8(r.err);
    if (envName.isEmpty())
        QVERIFY2(message.contains(config), qPrintable(message));
    for (const QString &part : expected)
        QVERIFY2(message.contains(part), qPrintable(message));
    // A missing --config file is an error too; a missing default file is not.
    const Run missing
        = runToEnd({QStringLiteral("--headless"), QStringLiteral("--config"),
                    dir.filePath(QStringLiteral("none.json")), QStringLiteral("--print-config")},
                   environment(false));
    QCOMPARE(missing.code, 2);
    QVERIFY(missing.err.contains("none.json"));
}

void TestApp::sighupReloadsTheConfigFile()
{
    QTemporaryDir dir;
    auto write = [&](const QByteArray &content) {
        return writeFile(dir, QStringLiteral("live.json"), content);
    };
    const QString config = write(R"({"max-connections": 5})");
    QProcess p;
    const quint16 port = launch(p,
                                {QStringLiteral("--headless"), QStringLiteral("--config"), config,
                                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(port != 0);
    SseClient first;
    first.open(port, "/events?topic=r");
    QTRY_COMPARE(first.status(), 200);

    // A limit (applies at once) and a listen address (needs a restart: said so).
    write(R"({"max-connections": 1, "heartbeat": "10s", "cors-origin": ["https://x.example"]})");
    ::kill(pid_t(p.processId()), SIGHUP);
    QByteArray err;
    QTRY_VERIFY((err += p.readAllStandardError()).contains("configuration reloaded"));
    QVERIFY2(err.contains("need a restart to apply: heartbeat"), err.constData());
    SseClient second;
    second.open(port, "/events?topic=r");
    QTRY_COMPARE(second.status(), 503); // the new limit
    const HttpResponse preflight
        = request(port, "OPTIONS", "/publish", {}, {},
                  {{"Origin", "https://x.example"}, {"Access-Control-Request-Method", "POST"}});
    QCOMPARE(preflight.status, 204);

    // A broken file: nothing changes, and the log says what to do.
    write(R"({"max-connections": "many"})");
    ::kill(pid_t(p.processId()), SIGHUP);
    QTRY_VERIFY((err += p.readAllStandardError()).contains("reload failed"));
    QVERIFY(err.contains("\"max-connections\" must be a number"));
    QVERIFY(err.contains("running configuration stays"));
    SseClient third;
    third.open(port, "/events?topic=r");
    QTRY_COMPARE(third.status(), 503); // still 1
    QCOMPARE(p.state(), QProcess::Running);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
}

void TestApp::sigtermDrainsStreams()
{
    QProcess p;
    const quint16 port
        = launch(p,
                 {QStringLiteral("--headless"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--retry"),
                  QStringLiteral("2500ms"), QStringLiteral("--drain-time"), QStringLiteral("3s")});
    QVERIFY(port != 0);
    SseClient client;
    client.open(port, "/events?topic=t");
    QTRY_VERIFY(client.hasSession());
    ::kill(pid_t(p.processId()), SIGTERM);
    QTRY_VERIFY(!client.isConnected());
    QTRY_COMPARE_WITH_TIMEOUT(p.state(), QProcess::NotRunning, 5000);
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    // Told to come back later, then an orderly end of stream.
    QVERIFY2(client.raw().endsWith("retry: 2500\nevent: shutdown\ndata: {\"retry_ms\":2500}\n\n"),
             client.raw().right(80).constData());
    QCOMPARE(client.retryMs(), 2500);
}

void TestApp::jsonLogsAndLevel()
{
    QProcess p;
    QProcessEnvironment env = environment(false);
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SSEHUB_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0"), QStringLiteral("--log-format"), QStringLiteral("json"),
             QStringLiteral("--log-level"), QStringLiteral("debug")});
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("listening on"), 10000);
    const quint16 port = quint16(out.mid(out.lastIndexOf(':') + 1).trimmed().toUInt());
    SseClient client;
    client.open(port, "/events?topic=j");
    QTRY_VERIFY(client.hasSession());
    client.close();
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    const QList<QByteArray> lines = p.readAllStandardError().trimmed().split('\n');
    QVERIFY(lines.size() >= 3);
    QSet<QString> levels;
    for (const QByteArray &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QVERIFY2(!o.isEmpty(), line.constData());
        QVERIFY(o.value(QLatin1String("time")).toString().endsWith(QLatin1Char('Z')));
        QVERIFY(o.value(QLatin1String("category")).toString().startsWith(QLatin1String("ssehub.")));
        levels.insert(o.value(QLatin1String("level")).toString());
    }
    QVERIFY(levels.contains(QStringLiteral("debug"))); // the per-connection lines
    QVERIFY(levels.contains(QStringLiteral("info")));

    // --log-level warning: no info lines.
    const Run quiet = runToEnd({QStringLiteral("--headless"), QStringLiteral("--listen"),
                                QStringLiteral("127.0.0.1:0"), QStringLiteral("--log-level"),
                                QStringLiteral("warning"), QStringLiteral("--config"),
                                QStringLiteral("/nonexistent.json")},
                               env);
    QCOMPARE(quiet.code, 2);
    QProcess q;
    q.setProcessEnvironment(env);
    q.start(QStringLiteral(SSEHUB_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0"), QStringLiteral("--log-level"),
             QStringLiteral("warning")});
    QVERIFY(q.waitForStarted(5000));
    QByteArray qout;
    QTRY_VERIFY_WITH_TIMEOUT((qout += q.readAllStandardOutput()).contains("listening on"), 10000);
    ::kill(pid_t(q.processId()), SIGTERM);
    QVERIFY(q.waitForFinished(5000));
    const QByteArray qerr = q.readAllStandardError();
    QVERIFY2(!qerr.contains("ssehub.engine: listening"), qerr.constData());
    QVERIFY2(!qerr.contains("draining"), qerr.constData());
}

void TestApp::clusterModeWaitsForRedis()
{
    // Redis is not there at start: the operator is told which address failed and why, the
    // endpoint refuses events with 503, and it goes on by itself once Redis is up.
    RedisServer redis; // not started yet; its port is free
    QProcess p;
    const quint16 port = launch(p,
                                {QStringLiteral("--headless"), QStringLiteral("--listen"),
                                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--redis"),
                                 QStringLiteral("redis://127.0.0.1:%1").arg(redis.port())});
    QVERIFY(port != 0);
    QByteArray err;
    QTRY_VERIFY((err += p.readAllStandardError()).contains("Connection refused"));
    const QByteArray address = "127.0.0.1:" + QByteArray::number(redis.port());
    QVERIFY2(err.contains(address), err.constData());
    QVERIFY2(err.contains("retrying"), err.constData());
    const HttpResponse refused = publish(port, "t", "1");
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("unavailable")));

    QVERIFY2(redis.start(), qPrintable(redis.error()));
    SseClient client;
    client.open(port, "/events?topic=t");
    QTRY_VERIFY_WITH_TIMEOUT(publish(port, "t", "2").status == 200, 15000);
    QTRY_VERIFY(!client.events().isEmpty());
    QCOMPARE(request(port, "GET", "/nodes").json().value(QLatin1String("broker")).toString(),
             QStringLiteral("redis"));

    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
}

void TestApp::sighupReloadsAccessRules()
{
    QTemporaryDir dir;
    const QByteArray secret = "app-test-secret-app-test-secret-0123456789";
    QFile secretFile(dir.filePath(QStringLiteral("secret")));
    QVERIFY(secretFile.open(QIODevice::WriteOnly));
    secretFile.write(secret);
    secretFile.close();
    auto writeAcl = [&](const QByteArray &subscribe) {
        QFile acl(dir.filePath(QStringLiteral("acl.json")));
        QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
        acl.write(R"({"roles": {"r": {"subscribe": [")" + subscribe + R"("]}}})");
    };
    writeAcl("news/#");
    QProcess p;
    const quint16 port = launch(p,
                                {QStringLiteral("--headless"), QStringLiteral("--listen"),
                                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--jwt-secret-file"),
                                 secretFile.fileName(), QStringLiteral("--acl"),
                                 dir.filePath(QStringLiteral("acl.json"))});
    QVERIFY(port != 0);
    const QByteArray token
        = makeToken({{QStringLiteral("sub"), QStringLiteral("u")},
                     {QStringLiteral("roles"), QJsonArray {QStringLiteral("r")}},
                     {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}},
                    secret);
    const QList<QPair<QByteArray, QByteArray>> auth {{"Authorization", "Bearer " + token}};
    SseClient before;
    before.open(port, "/events?topic=news/a", auth);
    QTRY_COMPARE(before.status(), 200);
    SseClient anonymous;
    anonymous.open(port, "/events?topic=news/a");
    QTRY_COMPARE(anonymous.status(), 401);

    writeAcl("sport/#");
    ::kill(pid_t(p.processId()), SIGHUP);
    QByteArray err;
    QTRY_VERIFY((err += p.readAllStandardError()).contains("access rules reloaded"));
    SseClient after;
    after.open(port, "/events?topic=news/a", auth);
    QTRY_COMPARE(after.status(), 403);
    SseClient allowed;
    allowed.open(port, "/events?topic=sport/x", auth);
    QTRY_COMPARE(allowed.status(), 200);
    QCOMPARE(p.state(), QProcess::Running); // SIGHUP does not stop it

    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
}

void TestApp::noDisplayFallsBackToHeadless()
{
#ifndef SSEHUB_HAVE_UI
    QSKIP("built without the console (SSEHUB_BUILD_UI=OFF): there is nothing to fall back from");
#endif
    QProcess p;
    const quint16 port = launch(p, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(port != 0);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("no display") && err.contains("headless"), err.constData());
    QCOMPARE(request(port, "GET", "/").status, 200);
    p.terminate();
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
}

void TestApp::consoleModeOpensWindowAndServes()
{
    // With a (offscreen) display and no --headless, the console window opens and the engine
    // serves behind it.
    QProcess p;
    QProcessEnvironment env = environment(false);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SSEHUB_BINARY),
            {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("listening on"), 10000);
    const quint16 port = quint16(out.mid(out.lastIndexOf(':') + 1).trimmed().toUInt());
    QVERIFY(port != 0);
    QCOMPARE(request(port, "GET", "/").status, 200);
    p.terminate();
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(!p.readAllStandardError().contains("no display"));
}

void TestApp::raisesItsDescriptorLimit()
{
    // Started with a soft limit of 256 (as a user's shell may have it), ssehub takes the hard
    // limit: every stream needs a descriptor.
    QProcess p;
    p.setProcessEnvironment(environment(false));
    p.start(QStringLiteral("/bin/sh"),
            {QStringLiteral("-c"),
             QStringLiteral("ulimit -Sn 256 && exec \"$0\" --headless --listen 127.0.0.1:0"),
             QStringLiteral(SSEHUB_BINARY)});
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("listening on"), 10000);
    QFile limits(QStringLiteral("/proc/%1/limits").arg(p.processId()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    QByteArray line;
    for (const QByteArray &l : limits.readAll().split('\n')) {
        if (l.startsWith("Max open files"))
            line = l.simplified();
    }
    const QList<QByteArray> fields = line.split(' '); // Max open files <soft> <hard> files
    QCOMPARE(fields.size(), 6);
    if (fields.at(4) == "256")
        QSKIP("the hard limit is 256 here: there is nothing to raise");
    QCOMPARE(fields.at(3), fields.at(4));
    QVERIFY(fields.at(3) != "256");
    p.terminate();
    QVERIFY(p.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(TestApp)
#include "tst_app.moc"
