// Slow consumers beside fast ones (issue 14): a headless ssehub, 500 subscribers that read at
// full speed and 50 that never read, all on one steadily published topic. The non-readers must be
// cut at --max-queue as `slow-consumer` (not `dead`: their kernels acknowledge the zero-window
// probes), and the fast ones must get every acknowledged event, in order, without being closed
// and without waiting behind the slow ones. Prints the fast subscribers' delivery latency
// (p50/p99/max; the publish time travels in the payload) and the counts.
//
// Bounded to about 60 s; SSEHUB_CHAOS_SECONDS sets the publishing time (default 25 s).
#include "httpclient.h"
#include "hubprocess.h"
#include "slowreader.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace ssehub::test;

namespace {

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// User plus system time of a process, from /proc/<pid>/stat.
double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // Fields after the command name (which ends with the last ')'): state is field 3, utime 14.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong())
        / double(::sysconf(_SC_CLK_TCK));
}

// A reader at full speed that keeps only what the run needs: the sequence numbers it saw (in
// order or not) and the latency of each event. The stream's bytes are dropped as parsed.
class FastSubscriber : public QObject
{
public:
    FastSubscriber(quint16 port, int index, QObject *parent)
        : QObject(parent)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET /events?topic=load&client_id=fast-" + QByteArray::number(index)
                       + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
    }

    bool live() const { return m_session && !m_closed; }
    bool closed() const { return m_closed || m_socket.state() != QAbstractSocket::ConnectedState; }
    qint64 received() const { return m_received; }
    qint64 lastSeq() const { return m_lastSeq; }
    qint64 outOfOrder() const { return m_outOfOrder; }
    qint64 gaps() const { return m_gaps; }
    const std::vector<qint32> &latenciesUs() const { return m_latencies; }
    void setFirstSeq(qint64 seq) { m_expected = seq; }

private:
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        qsizetype start = 0;
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\n\n", start);
            if (end < 0)
                break;
            frame(QByteArrayView(m_buffer).sliced(start, end - start));
            start = end + 2;
        }
        m_buffer.remove(0, start);
    }

    void frame(QByteArrayView f)
    {
        if (f.contains("event: session"))
            m_session = true;
        // {"id":...,"payload":{"pad":"...","seq":"N","t":"T"},...}: strings, as the hub writes
        // JSON numbers back as doubles
        const qsizetype s = f.indexOf("\"seq\":\"");
        const qsizetype t = f.indexOf("\"t\":\"");
        if (s < 0 || t < 0)
            return;
        const qint64 seq = readNumber(f, s + 7);
        const qint64 sent = readNumber(f, t + 5);
        const qint64 latency = nowUs() - sent;
        m_latencies.push_back(qint32(std::min<qint64>(latency, INT32_MAX)));
        ++m_received;
        if (m_expected >= 0 && seq != m_expected) {
            if (seq < m_expected)
                ++m_outOfOrder;
            else
                m_gaps += seq - m_expected;
        }
        m_expected = seq + 1;
        m_lastSeq = seq;
    }

    static qint64 readNumber(QByteArrayView f, qsizetype at)
    {
        qint64 v = 0;
        while (at < f.size() && f[at] >= '0' && f[at] <= '9')
            v = v * 10 + (f[at++] - '0');
        return v;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_session = false;
    bool m_closed = false;
    qint64 m_received = 0;
    qint64 m_expected = -1;
    qint64 m_lastSeq = -1;
    qint64 m_outOfOrder = 0;
    qint64 m_gaps = 0;
    std::vector<qint32> m_latencies;
};

// Publishes on one keep-alive connection at a steady rate; answers are read as they come.
class Publisher : public QObject
{
public:
    Publisher(quint16 port, int payloadBytes, QObject *parent)
        : QObject(parent)
        , m_pad(payloadBytes, 'x')
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        connect(&m_timer, &QTimer::timeout, this, [this] { publishOne(); });
    }
    void start(int intervalMs)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.start(intervalMs);
    }
    void stop() { m_timer.stop(); }
    qint64 sent() const { return m_sent; }
    qint64 acknowledged() const { return m_acked; }
    qint64 refused() const { return m_refused; }
    bool idle() const { return m_acked + m_refused == m_sent; }

private:
    void publishOne()
    {
        const QByteArray body = "{\"topic\":\"load\",\"payload\":{\"seq\":\""
            + QByteArray::number(m_sent + 1) + "\",\"t\":\"" + QByteArray::number(nowUs())
            + "\",\"pad\":\"" + m_pad + "\"}}";
        m_socket.write("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                       "application/json\r\nContent-Length: "
                       + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        ++m_sent;
    }
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        for (;;) {
            HttpResponse response;
            const qsizetype used = parseResponse(m_buffer, &response, false);
            if (used <= 0)
                return;
            m_buffer.remove(0, used);
            if (response.status == 200)
                ++m_acked;
            else
                ++m_refused;
        }
    }

    QTcpSocket m_socket;
    QTimer m_timer;
    QByteArray m_pad;
    QByteArray m_buffer;
    qint64 m_sent = 0;
    qint64 m_acked = 0;
    qint64 m_refused = 0;
};

} // namespace

class TestSlowFast : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void slowConsumersBesideFastOnes();
};

void TestSlowFast::slowConsumersBesideFastOnes()
{
    // Both this process and the hub (which inherits the limit) hold a descriptor per stream.
    rlimit files {};
    ::getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
    const int room = int(std::min<rlim_t>(files.rlim_cur, 1 << 20));
    const int slowCount = 50;
    const int fastCount = std::min(500, (room - 200) / 2 - slowCount);
    QVERIFY2(fastCount >= 50, "too few file descriptors for the run");
    const int seconds = qEnvironmentVariableIsSet("SSEHUB_CHAOS_SECONDS")
        ? qMax(5, qEnvironmentVariableIntValue("SSEHUB_CHAOS_SECONDS"))
        : 25;
    // 20 events/s of ~5 KB (100 KB/s): a non-reader overflows its 256 KiB queue (after the
    // ~100 KB its kernel buffers take) within a few seconds; the fast side is 10,000 deliveries
    // a second, which this process parses without becoming the bottleneck.
    const int intervalMs = 50;
    const int payloadBytes = 5000;
    const QByteArray maxQueue = "256K";
    const int heartbeatMs = 1000;

    QTemporaryDir data;
    QProcess hub;
    const QProcessEnvironment env = hubEnvironment(data.path());
    hub.setProcessEnvironment(env);
    hub.setProcessChannelMode(QProcess::MergedChannels);
    hub.start(QStringLiteral(SSEHUB_BINARY),
              {QStringLiteral("--headless"), QStringLiteral("--listen"),
               QStringLiteral("127.0.0.1:0"), QStringLiteral("--heartbeat"),
               QString::number(heartbeatMs) + QStringLiteral("ms"), QStringLiteral("--max-queue"),
               QString::fromLatin1(maxQueue)});
    QVERIFY(hub.waitForStarted(5000));
    const quint16 port = waitForHubPort(hub, 10000);
    QVERIFY(port != 0);
    connect(&hub, &QProcess::readyRead, this, [&hub] { hub.readAll(); });

    std::vector<std::unique_ptr<FastSubscriber>> fast;
    for (int i = 0; i < fastCount; ++i)
        fast.push_back(std::make_unique<FastSubscriber>(port, i, this));
    std::vector<std::unique_ptr<SlowReader>> slow;
    for (int i = 0; i < slowCount; ++i) {
        slow.push_back(std::make_unique<SlowReader>());
        QVERIFY2(slow.back()->open(port,
                                   "/events?topic=load&client_id=slow-" + QByteArray::number(i),
                                   4096, 0, 50),
                 qPrintable(slow.back()->errorString()));
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(fast.begin(), fast.end(), [](const auto &f) { return f->live(); }), 20000);
    const auto streams = [port] {
        return request(port, "GET", "/stats").json().value(QLatin1String("connections")).toInt();
    };
    QTRY_COMPARE_WITH_TIMEOUT(streams(), fastCount + slowCount, 10000);

    Publisher publisher(port, payloadBytes, this);
    for (auto &f : fast)
        f->setFirstSeq(1);
    QElapsedTimer clock;
    clock.start();
    publisher.start(intervalMs);
    // Publishing for the set time, with the event loop running every reader meanwhile (QTRY's
    // polling would sleep between passes and add its own delay to every delivery).
    QEventLoop run;
    QTimer::singleShot(seconds * 1000, &run, &QEventLoop::quit);
    run.exec();
    publisher.stop();
    const qint64 publishedMs = clock.elapsed();
    QTRY_VERIFY_WITH_TIMEOUT(publisher.idle(), 10000);
    const qint64 acknowledged = publisher.acknowledged();
    // Every fast subscriber reaches the last acknowledged event.
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(fast.begin(), fast.end(),
                                         [acknowledged](const auto &f) {
                                             return f->closed() || f->lastSeq() >= acknowledged;
                                         }),
                             15000);

    qint64 received = 0, gaps = 0, reordered = 0, closedFast = 0;
    std::vector<qint32> latencies;
    for (const auto &f : fast) {
        received += f->received();
        gaps += f->gaps() + std::max<qint64>(0, acknowledged - f->lastSeq());
        reordered += f->outOfOrder();
        closedFast += f->closed() ? 1 : 0;
        latencies.insert(latencies.end(), f->latenciesUs().begin(), f->latenciesUs().end());
    }
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&latencies](double q) {
        return latencies.empty() ? 0.0
                                 : latencies[size_t(q * double(latencies.size() - 1))] / 1000.0;
    };

    // The hub's own account: who was closed, and why.
    const HttpResponse log = request(port, "GET", "/log?kind=slow-consumer,disconnect");
    QCOMPARE(log.status, 200);
    int slowClosed = 0, fastClosedByHub = 0, dead = 0, otherClosed = 0;
    for (const QByteArray &line : log.body.split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        const QString client = e.value(QLatin1String("client_id")).toString();
        const QString reason = e.value(QLatin1String("reason")).toString();
        if (reason == QLatin1String("dead"))
            ++dead;
        if (client.startsWith(QLatin1String("fast-")))
            ++fastClosedByHub;
        else if (reason == QLatin1String("slow-consumer"))
            ++slowClosed;
        else
            ++otherClosed;
    }
    int slowReset = 0;
    for (const auto &s : slow)
        slowReset += !s->isOpen() ? 1 : 0;

    qInfo("slow consumers beside fast ones: %d s at %d events/s of %d bytes, heartbeat %d ms, "
          "max-queue %s",
          seconds, 1000 / intervalMs, payloadBytes, heartbeatMs, maxQueue.constData());
    qInfo("  published %lld in %lld ms (%.1f/s), acknowledged %lld, refused %lld", publisher.sent(),
          publishedMs, publisher.sent() * 1000.0 / double(publishedMs), acknowledged,
          publisher.refused());
    qInfo("  fast subscribers %d: delivered %lld of %lld, lost %lld, reordered %lld, closed %lld",
          fastCount, received, acknowledged * fastCount, gaps, reordered, closedFast);
    qInfo("  fast latency ms: p50 %.2f p99 %.2f p99.9 %.2f max %.2f (%zu samples)", at(0.5),
          at(0.99), at(0.999), latencies.empty() ? 0.0 : latencies.back() / 1000.0,
          latencies.size());
    qInfo("  non-readers %d: closed as slow-consumer %d (seen reset by %d), dead %d, other %d",
          slowCount, slowClosed, slowReset, dead, otherClosed);
    rusage self {};
    ::getrusage(RUSAGE_SELF, &self);
    qInfo("  CPU seconds: hub %.1f, this process (all readers) %.1f", cpuSeconds(hub.processId()),
          double(self.ru_utime.tv_sec + self.ru_stime.tv_sec)
              + double(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6);

    QCOMPARE(publisher.refused(), 0);
    QCOMPARE(closedFast, 0);
    QCOMPARE(fastClosedByHub, 0);
    QCOMPARE(gaps, 0);
    QCOMPARE(reordered, 0);
    QCOMPARE(received, acknowledged * fastCount);
    QCOMPARE(dead, 0);
    QCOMPARE(otherClosed, 0);
    QCOMPARE(slowClosed, slowCount);
    QCOMPARE(streams(), fastCount);

    hub.terminate();
    QVERIFY(hub.waitForFinished(15000));
}

QTEST_GUILESS_MAIN(TestSlowFast)
#include "tst_slowfast.moc"
