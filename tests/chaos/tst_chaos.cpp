// Fault runs against real processes: ssehub instances and redis-server killed (SIGKILL), frozen
// (SIGSTOP) and flushed while a publisher keeps publishing and subscribers follow, reconnecting
// and resuming by Last-Event-ID as EventSource does. Each scenario prints what became of every
// event the publisher saw acknowledged with 200 (delivered, lost, duplicated, reordered) and
// asserts what docs/SCALING.md promises for it.
#include "httpclient.h"
#include "hubprocess.h"
#include "redisserver.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTime>
#include <QTimer>

#include <memory>

using namespace ssehub::test;

namespace {

const QByteArray Topic = "chaos/load";

// One ssehub process in cluster mode on a fixed port, so that a restart comes back where its
// clients look for it.
class Instance
{
public:
    Instance(quint16 redisPort, const QString &name)
        : m_port(freePort())
        , m_args({QStringLiteral("--headless"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:%1").arg(m_port), QStringLiteral("--redis"),
                  QStringLiteral("redis://127.0.0.1:%1").arg(redisPort),
                  QStringLiteral("--node-id"), name, QStringLiteral("--heartbeat"),
                  QStringLiteral("1s"), QStringLiteral("--retry"), QStringLiteral("200"),
                  QStringLiteral("--log-level"),
                  qEnvironmentVariableIsSet("SSEHUB_CHAOS_VERBOSE") ? QStringLiteral("debug")
                                                                    : QStringLiteral("warning")})
    {
        QProcessEnvironment env = hubEnvironment(m_data.path());
        env.remove(QStringLiteral("QT_LOGGING_RULES")); // --log-level decides
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    }
    ~Instance() { kill(); }

    bool start()
    {
        if (qEnvironmentVariableIsSet("SSEHUB_CHAOS_GDB")) // a backtrace when it crashes
            m_process.start(QStringLiteral("gdb"),
                            QStringList {QStringLiteral("-q"), QStringLiteral("-batch"),
                                         QStringLiteral("-ex"), QStringLiteral("run"),
                                         QStringLiteral("-ex"), QStringLiteral("bt"),
                                         QStringLiteral("--args"), QStringLiteral(SSEHUB_BINARY)}
                                + m_args);
        else
            m_process.start(QStringLiteral(SSEHUB_BINARY), m_args);
        if (!m_process.waitForStarted(5000))
            return false;
        if (!waitForHubPort(m_process, 10000))
            return false;
        if (qEnvironmentVariableIsSet("SSEHUB_CHAOS_GDB"))
            QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] {
                fputs(m_process.readAllStandardOutput().constData(), stderr);
            });
        return true;
    }
    void kill()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    quint16 port() const { return m_port; }
    // Alive, unless this test killed it: an instance never dies of a fault around it.
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    QString exitDescription() const
    {
        return m_process.exitStatus() == QProcess::CrashExit
            ? QStringLiteral("crashed (%1)").arg(m_process.errorString())
            : QStringLiteral("exited with %1").arg(m_process.exitCode());
    }

private:
    QTemporaryDir m_data;
    quint16 m_port;
    QStringList m_args;
    QProcess m_process;
};

// A subscriber that behaves like EventSource: when its stream ends or cannot be opened it
// reconnects (to the next instance in turn) with the last id it saw.
class Follower : public QObject
{
public:
    Follower(QList<quint16> ports, int first)
        : m_ports(std::move(ports))
        , m_next(first)
    {
        connectNow();
    }

    QList<qint64> seqs; // in arrival order
    int resets = 0;
    int reconnects = 0;

    void stop()
    {
        m_stopped = true;
        m_client.reset();
    }

private:
    void connectNow()
    {
        if (m_stopped)
            return;
        m_client = std::make_unique<SseClient>();
        SseClient *client = m_client.get();
        QObject::connect(client, &SseClient::eventReceived, this, [this](const SseEvent &e) {
            if (!e.id.isEmpty())
                m_lastId = e.id;
            if (e.type == "reset")
                ++resets;
            else if (e.type == "message")
                seqs.append(e.json()
                                .value(QStringLiteral("payload"))
                                .toObject()
                                .value(QStringLiteral("seq"))
                                .toInteger(-1));
        });
        QObject::connect(
            &client->socket(), &QAbstractSocket::stateChanged, this,
            [this, client](QAbstractSocket::SocketState state) {
                if (state != QAbstractSocket::UnconnectedState || client != m_client.get())
                    return;
                ++reconnects;
                if (qEnvironmentVariableIsSet("SSEHUB_CHAOS_VERBOSE"))
                    qInfo("%s stream ended (%s, status %d)",
                          qPrintable(QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz"))),
                          qPrintable(client->socket().errorString()), client->status());
                // Not from inside the socket's own signal.
                QTimer::singleShot(200, this, [this, client] {
                    if (client == m_client.get())
                        connectNow();
                });
            });
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!m_lastId.isEmpty())
            headers.append({"Last-Event-ID", m_lastId});
        client->open(m_ports.at(m_next++ % m_ports.size()), "/events?topic=chaos/%23", headers);
    }

    QList<quint16> m_ports;
    int m_next;
    std::unique_ptr<SseClient> m_client;
    QByteArray m_lastId;
    bool m_stopped = false;
};

// Publishes {"seq": n} one at a time (each waits for its answer), to the instances in turn.
struct Publisher
{
    QList<quint16> ports;
    qint64 next = 0;
    QList<qint64> acked;
    int refused = 0;
    int turn = 0;

    void publishOne()
    {
        const qint64 seq = next++;
        const quint16 port = ports.at(turn++ % ports.size());
        const HttpResponse r
            = publish(port, Topic, "{\"seq\":" + QByteArray::number(seq) + "}", {});
        if (r.status == 200)
            acked.append(seq);
        else
            ++refused;
    }
};

struct Tally
{
    qint64 acknowledged = 0;
    qint64 refused = 0;
    qint64 delivered = 0; // acknowledged events that reached a subscriber, summed over subscribers
    qint64 lostSilently = 0; // acknowledged, never delivered, and no reset said so
    qint64 lostAnnounced = 0; // acknowledged, never delivered, after a `reset`
    qint64 duplicated = 0;
    qint64 reordered = 0;
    qint64 resets = 0;
    qint64 reconnects = 0;
};

// Sends one command to Redis and returns the first line of its reply.
QByteArray redisCommand(quint16 port, const QList<QByteArray> &args)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return {};
    QByteArray command = "*" + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray &a : args)
        command += "$" + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
    socket.write(command);
    socket.waitForBytesWritten(2000);
    while (!socket.canReadLine() && socket.waitForReadyRead(2000)) { }
    return socket.readLine().trimmed();
}

// What every fault Redis comes back from with its data must keep: each acknowledged event
// reached every subscriber once and in order, and no instance died of it.
void expectEveryEventOnce(const Tally &t, const Instance &a, const Instance &b)
{
    QVERIFY2(a.isRunning(), qPrintable(a.exitDescription()));
    QVERIFY2(b.isRunning(), qPrintable(b.exitDescription()));
    QCOMPARE(t.lostSilently, 0);
    QCOMPARE(t.lostAnnounced, 0);
    QCOMPARE(t.duplicated, 0);
    QCOMPARE(t.reordered, 0);
}

// A fault that takes something down 3 s into the run and brings it back at 5 s.
std::function<void(qint64)> downFrom3To5s(std::function<void()> down, std::function<void()> up)
{
    auto state = std::make_shared<int>(0); // 0: up, 1: down, 2: back
    return [state, down = std::move(down), up = std::move(up)](qint64 ms) {
        if (*state == 0 && ms >= 3000) {
            down();
            *state = 1;
        }
        if (*state == 1 && ms >= 5000) {
            up();
            *state = 2;
        }
    };
}

int readyStatus(quint16 port)
{
    return request(port, "GET", "/readyz", {}, {}, {}).status;
}

} // namespace

class TestChaos : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void instanceKilled();
    void redisKilledWithAppendOnlyFile();
    void redisKilledWithoutPersistence();
    void redisFrozen();
    void redisFlushed();
    void cleanupTestCase();

private:
    // Runs the load for runMs, calling fault(elapsedMs) on every publish turn, then waits for
    // the subscribers to catch up and counts.
    Tally run(const QString &name, const QList<quint16> &ports, int runMs,
              const std::function<void(qint64)> &fault);
    static void print(const QString &name, const Tally &t);

    QList<QPair<QString, Tally>> m_results;
};

void TestChaos::initTestCase()
{
    RedisServer probe;
    if (!probe.start())
        QSKIP(qPrintable(QStringLiteral("redis-server is not available: ") + probe.error()));
}

Tally TestChaos::run(const QString &name, const QList<quint16> &ports, int runMs,
                     const std::function<void(qint64)> &fault)
{
    const int followers = 20;
    std::vector<std::unique_ptr<Follower>> subs;
    for (int i = 0; i < followers; ++i)
        subs.push_back(std::make_unique<Follower>(ports, i));
    // Every subscriber is live before the first event.
    for (quint16 port : ports) {
        QElapsedTimer wait;
        wait.start();
        while (wait.elapsed() < 10000) {
            const HttpResponse stats = request(port, "GET", "/stats", {}, {}, {});
            if (stats.json().value(QStringLiteral("connections")).toInt()
                >= followers / int(ports.size()))
                break;
            QTest::qWait(50);
        }
    }

    Publisher publisher;
    publisher.ports = ports;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < runMs) {
        fault(clock.elapsed());
        publisher.publishOne();
        QTest::qWait(5); // ~150 events/s, and the subscribers' sockets are read meanwhile
    }
    fault(runMs);

    // Catch-up: every subscriber has every acknowledged event, or 20 s have passed.
    const qint64 last = publisher.acked.isEmpty() ? -1 : publisher.acked.last();
    QElapsedTimer settle;
    settle.start();
    auto caughtUp = [&] {
        for (const auto &f : subs) {
            if (!f->seqs.contains(last))
                return false;
        }
        return true;
    };
    while (settle.elapsed() < 20000 && !caughtUp())
        QTest::qWait(50);

    Tally t;
    t.acknowledged = publisher.acked.size();
    t.refused = publisher.refused;
    const QSet<qint64> acked(publisher.acked.cbegin(), publisher.acked.cend());
    for (const auto &f : subs) {
        f->stop();
        QSet<qint64> seen;
        qint64 previous = -1;
        for (qint64 seq : f->seqs) {
            if (seen.contains(seq))
                ++t.duplicated;
            else if (seq < previous)
                ++t.reordered;
            seen.insert(seq);
            previous = qMax(previous, seq);
        }
        for (qint64 seq : acked) {
            if (seen.contains(seq))
                ++t.delivered;
            else if (f->resets > 0)
                ++t.lostAnnounced;
            else
                ++t.lostSilently;
        }
        t.resets += f->resets;
        t.reconnects += f->reconnects;
    }
    print(name, t);
    m_results.append({name, t});
    return t;
}

void TestChaos::print(const QString &name, const Tally &t)
{
    qInfo("%-34s acked %lld refused %lld delivered %lld lost %lld (announced %lld) dup %lld "
          "reordered %lld resets %lld reconnects %lld",
          qPrintable(name), t.acknowledged, t.refused, t.delivered, t.lostSilently, t.lostAnnounced,
          t.duplicated, t.reordered, t.resets, t.reconnects);
}

// SIGKILL of one of two instances while its subscribers read: they reconnect to the other one
// (or to the restarted one) and resume from the Stream with nothing lost or repeated.
void TestChaos::instanceKilled()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    Instance a(redis.port(), QStringLiteral("a")), b(redis.port(), QStringLiteral("b"));
    QVERIFY(a.start() && b.start());
    const Tally t = run(QStringLiteral("instance SIGKILL + restart"), {a.port(), b.port()}, 9000,
                        downFrom3To5s([&] { b.kill(); }, [&] { QVERIFY(b.start()); }));
    QVERIFY(t.acknowledged > 500);
    expectEveryEventOnce(t, a, b);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(t.resets, 0);
}

// Redis with an append-only file fsynced on every write, killed and restarted: nothing
// acknowledged is lost and no stream is told otherwise.
void TestChaos::redisKilledWithAppendOnlyFile()
{
    RedisServer redis({QStringLiteral("--appendonly"), QStringLiteral("yes"),
                       QStringLiteral("--appendfsync"), QStringLiteral("always")});
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    Instance a(redis.port(), QStringLiteral("a")), b(redis.port(), QStringLiteral("b"));
    QVERIFY(a.start() && b.start());
    const Tally t = run(QStringLiteral("redis SIGKILL, appendonly"), {a.port(), b.port()}, 9000,
                        downFrom3To5s([&] { redis.kill(); },
                                      [&] { QVERIFY2(redis.start(), qPrintable(redis.error())); }));
    QVERIFY(t.refused > 0); // while it was down
    expectEveryEventOnce(t, a, b);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(t.resets, 0);
}

// Redis without persistence comes back empty: what it lost cannot be replayed, but no stream
// misses an event without being told (`event: reset`).
void TestChaos::redisKilledWithoutPersistence()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    Instance a(redis.port(), QStringLiteral("a")), b(redis.port(), QStringLiteral("b"));
    QVERIFY(a.start() && b.start());
    const Tally t = run(QStringLiteral("redis SIGKILL, no persistence"), {a.port(), b.port()}, 9000,
                        downFrom3To5s([&] { redis.kill(); },
                                      [&] { QVERIFY2(redis.start(), qPrintable(redis.error())); }));
    QCOMPARE(t.lostSilently, 0);
    QCOMPARE(t.reordered, 0);
    QVERIFY2(a.isRunning(), qPrintable(a.exitDescription()));
    QVERIFY2(b.isRunning(), qPrintable(b.exitDescription()));
}

// SIGSTOP: the server is alive but silent. Publishes are refused (never acknowledged into the
// void), /readyz says so, and after SIGCONT everything acknowledged arrives once.
void TestChaos::redisFrozen()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    Instance a(redis.port(), QStringLiteral("a")), b(redis.port(), QStringLiteral("b"));
    QVERIFY(a.start() && b.start());
    bool frozen = false, thawed = false;
    int readyWhileFrozen = 0;
    const Tally t = run(
        QStringLiteral("redis SIGSTOP 8 s"), {a.port(), b.port()}, 14000, [&](qint64 ms) {
            if (!frozen && ms >= 3000) {
                redis.pause();
                frozen = true;
            }
            if (frozen && !thawed && ms >= 9500 && !readyWhileFrozen) {
                readyWhileFrozen = readyStatus(a.port());
                if (qEnvironmentVariableIsSet("SSEHUB_CHAOS_VERBOSE"))
                    qInfo("%s readyz %d",
                          qPrintable(QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz"))),
                          readyWhileFrozen);
            }
            if (!thawed && ms >= 11000) {
                redis.resume();
                thawed = true;
            }
        });
    expectEveryEventOnce(t, a, b);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(readyWhileFrozen, 503);
    QVERIFY(t.refused > 0);
}

// FLUSHALL while the instances stay connected: noticed, what they hold is written back, and
// live subscribers miss nothing.
void TestChaos::redisFlushed()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    Instance a(redis.port(), QStringLiteral("a")), b(redis.port(), QStringLiteral("b"));
    QVERIFY(a.start() && b.start());
    // A named client whose subscription must survive the flush.
    const HttpResponse sub
        = request(a.port(), "POST", "/subscribe", R"({"client_id":"keeper","topics":["kept/#"]})");
    QCOMPARE(sub.status, 200);
    bool flushed = false;
    const Tally t
        = run(QStringLiteral("redis FLUSHALL"), {a.port(), b.port()}, 8000, [&](qint64 ms) {
              if (!flushed && ms >= 3000) {
                  QCOMPARE(redisCommand(redis.port(), {"FLUSHALL"}), QByteArray("+OK"));
                  flushed = true;
              }
          });
    expectEveryEventOnce(t, a, b);
    if (QTest::currentTestFailed())
        return;
    // The client's subscription is back in Redis and every instance answers for it.
    QTRY_VERIFY_WITH_TIMEOUT(
        redisCommand(redis.port(), {"EXISTS", "ssehub:client:subscriptions:keeper"})
            == QByteArray(":1"),
        15000);
    const HttpResponse list = request(b.port(), "GET", "/subscriptions/keeper", {}, {}, {});
    QCOMPARE(list.status, 200);
    QVERIFY2(list.body.contains("kept/#"), list.body.constData());
}

void TestChaos::cleanupTestCase()
{
    qInfo("--- chaos results (per scenario; delivered and lost are summed over 20 subscribers)");
    for (const auto &[name, t] : std::as_const(m_results))
        print(name, t);
}

QTEST_GUILESS_MAIN(TestChaos)
#include "tst_chaos.moc"
