// Acknowledged means durable (issue 14): a 200 to a change of a named client's subscriptions is
// never lost to a SIGKILL that follows it, and the stored file is never left damaged.
//
// The embedded run starts `ssehub --headless` with a data directory, fires concurrent
// subscribe/unsubscribe calls on several keep-alive connections (each connection owns its
// clients and has one request in flight, so the last acknowledged state of every (client,
// filter) is known), kills the process at a random moment, restarts it and reads every client
// back. A change without an answer may go either way. The cluster run checks that a change is
// refused while Redis is down and that a 200 is already in Redis.

#include "httpclient.h"
#include "hubprocess.h"
#include "redisserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>

using namespace ssehub::test;

namespace {

constexpr int Connections = 8;
constexpr int ClientsPerConnection = 4;
constexpr int Topics = 6;

QProcessEnvironment scratchEnvironment()
{
    static QTemporaryDir config;
    QProcessEnvironment env = hubEnvironment(config.path());
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("ssehub.*.debug=false"));
    return env;
}

// Starts ssehub and returns the port it printed; 0 on failure.
quint16 launch(QProcess &process, const QStringList &args)
{
    process.setProcessEnvironment(scratchEnvironment());
    process.setProcessChannelMode(QProcess::MergedChannels);
    const QString binary
        = qEnvironmentVariable("SSEHUB_DURABLE_BINARY", QStringLiteral(SSEHUB_BINARY));
    process.start(binary, args);
    if (!process.waitForStarted(5000))
        return 0;
    QByteArray out;
    const quint16 port = waitForHubPort(process, 15000, &out);
    process.setProperty("startOutput", out);
    return port;
}

void killHard(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(process.processId()), SIGKILL);
    process.waitForFinished(5000);
}

QString clientName(int connection, int n)
{
    return QStringLiteral("durable-%1-%2").arg(connection).arg(n);
}

QByteArray topicName(int n)
{
    return "t/" + QByteArray::number(n);
}

// One keep-alive connection issuing random subscribe/unsubscribe calls for its own clients,
// one at a time.
class Worker : public QObject
{
public:
    struct Op
    {
        QString client;
        QByteArray topic;
        bool subscribe = true;
    };

    Worker(int index, quint16 port, QHash<QPair<QString, QByteArray>, bool> *expected,
           QSet<QPair<QString, QByteArray>> *uncertain)
        : m_index(index)
        , m_port(port)
        , m_expected(expected)
        , m_uncertain(uncertain)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this] { next(); });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { onRead(); });
        m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    }

    // Called when the server was killed: the request in flight may or may not have applied.
    void killed()
    {
        m_stopped = true;
        if (m_inFlight)
            m_uncertain->insert({m_op.client, m_op.topic});
        m_inFlight = false;
        m_socket.abort();
    }

    quint64 acknowledged = 0;
    quint64 refused = 0;

private:
    void next()
    {
        if (m_stopped)
            return;
        auto *rng = QRandomGenerator::global();
        m_op.client = clientName(m_index, int(rng->bounded(ClientsPerConnection)));
        m_op.topic = topicName(int(rng->bounded(Topics)));
        m_op.subscribe = rng->bounded(2) == 0;
        const QByteArray body
            = QJsonDocument(QJsonObject {{QStringLiteral("client_id"), m_op.client},
                                         {QStringLiteral("topics"),
                                          QJsonArray {QString::fromUtf8(m_op.topic)}}})
                  .toJson(QJsonDocument::Compact);
        const QByteArray method = m_op.subscribe ? "POST" : "DELETE";
        const QByteArray path = m_op.subscribe ? "/subscribe" : "/unsubscribe";
        m_socket.write(method + ' ' + path
                       + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         "Content-Length: "
                       + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        m_inFlight = true;
    }

    void onRead()
    {
        m_buffer += m_socket.readAll();
        for (;;) {
            HttpResponse response;
            const qsizetype used = parseResponse(m_buffer, &response, false);
            if (!used)
                return;
            m_buffer.remove(0, used);
            if (m_stopped)
                return;
            m_inFlight = false;
            if (response.status == 200) {
                ++acknowledged;
                m_expected->insert({m_op.client, m_op.topic}, m_op.subscribe);
                m_uncertain->remove({m_op.client, m_op.topic});
            } else if (response.status == 404 && !m_op.subscribe) {
                // Unsubscribing a client not known yet: nothing changed.
            } else {
                ++refused;
                qWarning("unexpected answer %d: %s", response.status, response.body.constData());
            }
            next();
        }
    }

    int m_index;
    quint16 m_port;
    QHash<QPair<QString, QByteArray>, bool> *m_expected;
    QSet<QPair<QString, QByteArray>> *m_uncertain;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    Op m_op;
    bool m_inFlight = false;
    bool m_stopped = false;
};

// The active filters of a client as the running hub has them (empty when it is unknown).
QSet<QByteArray> activeFilters(quint16 port, const QString &client, bool *ok)
{
    const HttpResponse r = request(port, "GET", "/subscriptions/" + client.toUtf8());
    QSet<QByteArray> active;
    *ok = r.status == 200 || r.status == 404;
    if (r.status != 200)
        return active;
    for (const QJsonValue &v : r.json().value(QLatin1String("subscriptions")).toArray()) {
        const QJsonObject s = v.toObject();
        if (s.value(QLatin1String("state")).toString() == QLatin1String("active"))
            active.insert(s.value(QLatin1String("filter")).toString().toUtf8());
    }
    return active;
}

// A POST or DELETE with a JSON body on a fresh connection.
HttpResponse change(quint16 port, const QByteArray &method, const QByteArray &path,
                    const QString &client, const QByteArray &topic)
{
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("client_id"), client},
                                                       {QStringLiteral("topics"),
                                                        QJsonArray {QString::fromUtf8(topic)}}})
                                .toJson(QJsonDocument::Compact);
    return request(port, method, path, body);
}

QString redisUrl(const RedisServer &redis)
{
    return QStringLiteral("redis://127.0.0.1:%1").arg(redis.port());
}

// One command through redis-cli; its output.
QByteArray redisCommand(const RedisServer &redis, const QStringList &args)
{
    QProcess cli;
    cli.start(QStringLiteral("redis-cli"),
              QStringList {QStringLiteral("-p"), QString::number(redis.port())} + args);
    cli.waitForFinished(5000);
    return cli.readAllStandardOutput();
}

} // namespace

class TestDurable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedRightAfterTheAnswer();
    void throughput();
    void clusterRefusesWhileRedisIsDown();
    void clusterAnswersOnceRedisHasIt();
};

void TestDurable::killedRightAfterTheAnswer()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const QStringList args {QStringLiteral("--headless"), QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"),
                            data.path()};
    const int rounds = qEnvironmentVariableIntValue("SSEHUB_DURABLE_ROUNDS") > 0
        ? qEnvironmentVariableIntValue("SSEHUB_DURABLE_ROUNDS")
        : 50;
    QHash<QPair<QString, QByteArray>, bool> expected; // (client, filter) -> subscribed
    QSet<QPair<QString, QByteArray>> uncertain; // sent, not answered when killed
    quint64 acknowledged = 0;
    quint64 verified = 0;
    quint64 lost = 0;
    quint64 undecided = 0;
    QElapsedTimer total;
    total.start();
    QProcess process;
    quint16 port = launch(process, args);
    QVERIFY(port != 0);
    for (int round = 0; round < rounds && total.elapsed() < 400000; ++round) {
        std::vector<std::unique_ptr<Worker>> workers;
        for (int i = 0; i < Connections; ++i)
            workers.push_back(std::make_unique<Worker>(i, port, &expected, &uncertain));
        // Killed at a random moment of the burst (after it got going).
        const int killAfterMs = 100 + int(QRandomGenerator::global()->bounded(600));
        QElapsedTimer burst;
        burst.start();
        while (burst.elapsed() < killAfterMs)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        killHard(process);
        for (auto &w : workers) {
            w->killed();
            acknowledged += w->acknowledged;
            QCOMPARE(w->refused, quint64(0));
        }
        workers.clear();

        port = launch(process, args);
        QVERIFY2(port != 0, "ssehub did not start again after the kill");
        const QByteArray startOutput = process.property("startOutput").toByteArray();
        QVERIFY2(!startOutput.contains("cannot read the subscriptions file"),
                 startOutput.constData());
        QVERIFY(QDir(data.path())
                    .entryList({QStringLiteral("subscriptions.json.corrupt-*")})
                    .isEmpty());

        for (int c = 0; c < Connections; ++c) {
            for (int n = 0; n < ClientsPerConnection; ++n) {
                const QString client = clientName(c, n);
                bool ok = false;
                const QSet<QByteArray> active = activeFilters(port, client, &ok);
                QVERIFY(ok);
                for (int t = 0; t < Topics; ++t) {
                    const QPair<QString, QByteArray> key {client, topicName(t)};
                    const bool present = active.contains(key.second);
                    if (uncertain.contains(key)) {
                        ++undecided;
                        expected.insert(key, present); // either way; it is what is stored now
                        continue;
                    }
                    const bool want = expected.value(key, false);
                    if (present == want) {
                        ++verified;
                    } else {
                        ++lost;
                        qWarning("round %d: %s %s is %s after the restart, acknowledged as %s",
                                 round, qPrintable(client), key.second.constData(),
                                 present ? "subscribed" : "absent", want ? "subscribed" : "absent");
                        expected.insert(key, present);
                    }
                }
            }
        }
        uncertain.clear();
    }
    killHard(process);
    qInfo("durable: %llu changes acknowledged, %llu (client, filter) states verified after %s "
          "restarts, %llu unanswered (either way), lost %llu, in %lld ms",
          acknowledged, verified, qPrintable(QString::number(rounds)), undecided, lost,
          total.elapsed());
    QCOMPARE(lost, quint64(0));
    QVERIFY(acknowledged > 0);
}

void TestDurable::throughput()
{
    // Subscribe calls per second with many concurrent keep-alive connections (each with one
    // request in flight): the figure in docs/PERFORMANCE.md.
    QTemporaryDir data;
    QProcess process;
    const quint16 port
        = launch(process,
                 {QStringLiteral("--headless"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"), data.path()});
    QVERIFY(port != 0);
    const int connections = qEnvironmentVariableIntValue("SSEHUB_DURABLE_CONNECTIONS") > 0
        ? qEnvironmentVariableIntValue("SSEHUB_DURABLE_CONNECTIONS")
        : 64;
    QHash<QPair<QString, QByteArray>, bool> expected;
    QSet<QPair<QString, QByteArray>> uncertain;
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < connections; ++i)
        workers.push_back(std::make_unique<Worker>(i, port, &expected, &uncertain));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 3000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    quint64 acknowledged = 0;
    for (auto &w : workers) {
        w->killed();
        acknowledged += w->acknowledged;
    }
    const qint64 ms = timer.elapsed();
    // Group commit: how many acknowledged changes one durable write carried.
    double writes = 0;
    for (const QByteArray &line : request(port, "GET", "/metrics").body.split('\n')) {
        if (line.startsWith("ssehub_store_writes_total "))
            writes = line.mid(26).toDouble();
    }
    if (writes > 0)
        qInfo("store: %.0f writes, %.1f changes per write", writes, double(acknowledged) / writes);
    process.terminate();
    process.waitForFinished(10000);
    qInfo("throughput: %d connections, %llu changes acknowledged in %lld ms: %.0f/s", connections,
          acknowledged, ms, double(acknowledged) * 1000.0 / double(ms));
    QVERIFY(acknowledged > 0);
}

void TestDurable::clusterRefusesWhileRedisIsDown()
{
    // Redis keeps its data across the kill (AOF, synced on every write).
    RedisServer redis({QStringLiteral("--appendonly"), QStringLiteral("yes"),
                       QStringLiteral("--appendfsync"), QStringLiteral("always")});
    QVERIFY2(redis.start(), "redis-server could not be started");
    QProcess process;
    const QStringList args {QStringLiteral("--headless"), QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0"), QStringLiteral("--redis"),
                            redisUrl(redis)};
    const quint16 port = launch(process, args);
    QVERIFY(port != 0);
    QTRY_COMPARE_WITH_TIMEOUT(request(port, "GET", "/readyz").status, 200, 10000);
    QCOMPARE(change(port, "POST", "/subscribe", QStringLiteral("kept"), "a/b").status, 200);

    redis.kill();
    QTRY_COMPARE_WITH_TIMEOUT(request(port, "GET", "/readyz").status, 503, 10000);
    const HttpResponse refused = change(port, "POST", "/subscribe", QStringLiteral("kept"), "c/d");
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.json().value(QLatin1String("error")).toString().isEmpty());
    QVERIFY(!refused.header("retry-after").isEmpty());
    QCOMPARE(change(port, "DELETE", "/unsubscribe", QStringLiteral("kept"), "a/b").status, 503);
    QCOMPARE(change(port, "POST", "/subscribe", QStringLiteral("new"), "x").status, 503);
    // Nothing changed in memory either.
    bool ok = false;
    QCOMPARE(activeFilters(port, QStringLiteral("kept"), &ok), QSet<QByteArray> {"a/b"});

    QVERIFY(redis.start());
    QTRY_COMPARE_WITH_TIMEOUT(request(port, "GET", "/readyz").status, 200, 15000);
    QCOMPARE(activeFilters(port, QStringLiteral("kept"), &ok), QSet<QByteArray> {"a/b"});
    QCOMPARE(request(port, "GET", "/subscriptions/new").status, 404);
    const QByteArray stored = redisCommand(
        redis, {QStringLiteral("HKEYS"), QStringLiteral("ssehub:client:subscriptions:kept")});
    QVERIFY2(stored.contains("a/b") && !stored.contains("c/d"), stored.constData());
    process.terminate();
    process.waitForFinished(10000);
}

void TestDurable::clusterAnswersOnceRedisHasIt()
{
    RedisServer redis;
    QVERIFY2(redis.start(), "redis-server could not be started");
    QProcess process;
    const quint16 port
        = launch(process,
                 {QStringLiteral("--headless"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--redis"), redisUrl(redis)});
    QVERIFY(port != 0);
    QTRY_COMPARE_WITH_TIMEOUT(request(port, "GET", "/readyz").status, 200, 10000);
    for (int i = 0; i < 20; ++i) {
        const QString client = QStringLiteral("c%1").arg(i);
        QCOMPARE(
            change(port, "POST", "/subscribe", client, "topic/" + QByteArray::number(i)).status,
            200);
        // Right after the 200, Redis has it (read directly, with nothing in between).
        const QByteArray stored = redisCommand(
            redis,
            {QStringLiteral("HKEYS"), QStringLiteral("ssehub:client:subscriptions:") + client});
        QVERIFY2(stored.contains(QByteArray("topic/" + QByteArray::number(i))), stored.constData());
    }
    const HttpResponse ack
        = request(port, "POST", "/ack", R"({"client_id":"c0","last_event_id":"42"})");
    QCOMPARE(ack.status, 200);
    QVERIFY(redisCommand(redis, {QStringLiteral("GET"), QStringLiteral("ssehub:client:cursor:c0")})
                .contains("42"));
    // Redis is up but refuses writes (here: no replica for min-replicas-to-write; the same
    // path as out of memory or a read-only replica): the change is refused, not kept in memory
    // only.
    redisCommand(redis,
                 {QStringLiteral("CONFIG"), QStringLiteral("SET"),
                  QStringLiteral("min-replicas-to-write"), QStringLiteral("1")});
    const HttpResponse refused
        = change(port, "POST", "/subscribe", QStringLiteral("c0"), "refused/x");
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.header("retry-after").isEmpty());
    QVERIFY(!refused.json().value(QLatin1String("error")).toString().isEmpty());
    redisCommand(redis,
                 {QStringLiteral("CONFIG"), QStringLiteral("SET"),
                  QStringLiteral("min-replicas-to-write"), QStringLiteral("0")});
    // Memory follows Redis again: the refused change is not there.
    bool ok = false;
    QTRY_COMPARE_WITH_TIMEOUT(activeFilters(port, QStringLiteral("c0"), &ok),
                              QSet<QByteArray> {"topic/0"}, 5000);
    QVERIFY(!redisCommand(
                 redis, {QStringLiteral("HKEYS"), QStringLiteral("ssehub:client:subscriptions:c0")})
                 .contains("refused/x"));

    QCOMPARE(change(port, "POST", "/subscribe", QStringLiteral("last"), "after/kill").status, 200);
    killHard(process);
    QVERIFY(
        redisCommand(redis,
                     {QStringLiteral("HKEYS"), QStringLiteral("ssehub:client:subscriptions:last")})
            .contains("after/kill"));
}

QTEST_GUILESS_MAIN(TestDurable)
#include "tst_durable.moc"
