// Churn soak: `ssehub --headless` as a process, 500 concurrent event streams replaced at 200 a
// second while events are published, for SSEHUB_CHAOS_SECONDS (60 by default). When the churn
// stops, the server's open descriptors are back to their baseline exactly and its resident
// memory within a few percent of it (freed memory is handed back to the system after a large
// drop in streams). Every stream gets its events in order, without duplicates. The figures are
// printed at the end (docs/SCALING.md, docs/PERFORMANCE.md). Then 500 streams that read nothing
// build up queues and close at once: their memory goes back to the system too.
#include "httpclient.h"
#include "hubprocess.h"
#include "sseclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <arpa/inet.h>
#include <deque>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace ssehub::test;

namespace {

// A figure of /proc/PID/status in KiB (VmRSS, VmHWM), -1 when it cannot be read.
qint64 statusKiB(qint64 pid, const QByteArray &field)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

int openDescriptors(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                   .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                   .size());
}

// The number in "name value" of a /metrics text (-1: not there).
double metric(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class TestChurn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void churnReturnsToBaseline();
};

void TestChurn::churnReturnsToBaseline()
{
    constexpr int Concurrent = 500;
    constexpr int ReplacedPerTick = 10; // every 50 ms: 200 a second
    constexpr int TickMs = 50;
    const int seconds = qEnvironmentVariableIsSet("SSEHUB_CHAOS_SECONDS")
        ? qEnvironmentVariableIntValue("SSEHUB_CHAOS_SECONDS")
        : 60;
    // Another build can be measured against the same load (before/after figures).
    const QString binary = qEnvironmentVariableIsSet("SSEHUB_CHURN_BINARY")
        ? qEnvironmentVariable("SSEHUB_CHURN_BINARY")
        : QStringLiteral(SSEHUB_BINARY);

    QTemporaryDir home;
    QProcess server;
    server.setProcessEnvironment(hubEnvironment(home.path()));
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(binary,
                 {QStringLiteral("--headless"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"), QString(),
                  QStringLiteral("--history"), QStringLiteral("1000")});
    QVERIFY(server.waitForStarted(5000));
    auto stop = qScopeGuard([&server] {
        server.terminate();
        if (!server.waitForFinished(10000))
            server.kill();
    });
    const quint16 port = waitForHubPort(server, 10000);
    QVERIFY(port != 0);
    const qint64 pid = server.processId();
    const qint64 coldRss = statusKiB(pid, "VmRSS");
    const int coldFds = openDescriptors(pid);
    const QByteArray payload = "{\"v\":\"" + QByteArray(200, 'x') + "\"}";
    auto connections
        = [port] { return metric(request(port, "GET", "/metrics").body, "ssehub_connections"); };
    // The bounded stores fill once and stay full, so they are full before the baseline: the
    // history (1,000 events here) and the connection log (10,000 entries: 5,000 streams opened
    // and closed, 500 at a time, as many as the churn keeps open).
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(publish(port, "churn/warm", payload).status, 200);
    for (int round = 0; round < 11; ++round) {
        std::vector<std::unique_ptr<SseClient>> warm;
        for (int i = 0; i < Concurrent; ++i) {
            warm.push_back(std::make_unique<SseClient>());
            warm.back()->open(port, "/events?topic=churn/warm");
        }
        for (const auto &stream : warm)
            QTRY_VERIFY_WITH_TIMEOUT(stream->headComplete(), 20000);
        warm.clear();
        QTRY_COMPARE_WITH_TIMEOUT(connections(), 0.0, 20000);
    }
    // The server hands freed memory back a second after a large drop in streams; nothing in
    // another process signals it.
    QTest::qWait(2000);
    const qint64 baseRss = statusKiB(pid, "VmRSS");
    const int baseFds = openDescriptors(pid);
    QVERIFY(baseRss > 0 && baseFds > 0);

    std::deque<std::unique_ptr<SseClient>> streams;
    quint64 opened = 0, ok = 0, refused = 0, delivered = 0, duplicated = 0, reordered = 0;
    QByteArray recentId; // where resuming streams start (a few seconds of replay)
    auto retire = [&](std::unique_ptr<SseClient> stream) {
        if (stream->status() == 200)
            ++ok;
        else if (stream->status() != 0)
            ++refused;
        if (!stream->lastEventId().isEmpty())
            recentId = stream->lastEventId();
        quint64 last = 0;
        for (const SseEvent &event : stream->messages()) {
            const quint64 id = event.id.toULongLong();
            ++delivered;
            if (id == last)
                ++duplicated;
            else if (id < last)
                ++reordered;
            last = qMax(last, id);
        }
        stream->close();
    };
    auto openOne = [&] {
        auto stream = std::make_unique<SseClient>();
        // Two filters each; every other stream resumes from the history (replay path).
        const QByteArray which = QByteArray::number(QRandomGenerator::global()->bounded(8));
        QByteArray path = "/events?topic=churn/" + which + "&topic=churn/%2B/x";
        if (opened % 2 && !recentId.isEmpty())
            path += "&lastEventId=" + recentId;
        stream->open(port, path);
        streams.push_back(std::move(stream));
        ++opened;
    };
    for (int i = 0; i < Concurrent; ++i)
        openOne();

    // Events go out on one keep-alive connection, answers counted as they come.
    quint64 published = 0, acknowledged = 0, failed = 0;
    QTcpSocket publisher;
    QByteArray answers;
    connect(&publisher, &QTcpSocket::readyRead, this, [&] {
        answers += publisher.readAll();
        HttpResponse response;
        while (const qsizetype used = parseResponse(answers, &response, false)) {
            answers.remove(0, used);
            (response.status == 200 ? acknowledged : failed)++;
            response = HttpResponse();
        }
    });
    publisher.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(publisher.waitForConnected(5000));
    auto send = [&](const QByteArray &topic, const QByteArray &json) {
        ++published;
        const QByteArray body = "{\"topic\":\"" + topic + "\",\"payload\":" + json + "}";
        publisher.write("POST /publish HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                        + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    QElapsedTimer elapsed;
    quint64 replaced = 0;
    QTimer churn;
    churn.setInterval(TickMs);
    connect(&churn, &QTimer::timeout, this, [&] {
        // 200 a second, whatever the timer's delays.
        const quint64 due = quint64(elapsed.elapsed()) * ReplacedPerTick / TickMs;
        for (; replaced < due && !streams.empty(); ++replaced) {
            retire(std::move(streams.front()));
            streams.pop_front();
            openOne();
        }
        // One event per tick (20 a second) to a topic every stream takes, one to a few.
        send("churn/" + QByteArray::number(published % 8) + "/x", payload);
    });
    qint64 peakRss = baseRss;
    int peakFds = baseFds;
    QTimer sample;
    sample.setInterval(1000);
    connect(&sample, &QTimer::timeout, this, [&] {
        peakRss = qMax(peakRss, statusKiB(pid, "VmRSS"));
        peakFds = qMax(peakFds, openDescriptors(pid));
    });
    elapsed.start();
    churn.start();
    sample.start();
    QTRY_VERIFY_WITH_TIMEOUT(elapsed.elapsed() >= seconds * 1000LL, (seconds + 60) * 1000);
    churn.stop();
    sample.stop();
    const qint64 churnMs = elapsed.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(acknowledged + failed, published, 20000);
    const QByteArray during = request(port, "GET", "/metrics").body;
    while (!streams.empty()) {
        retire(std::move(streams.front()));
        streams.pop_front();
    }

    // Every stream is gone from the server, and its descriptor with it (the publisher's
    // keep-alive connection is still open: one more).
    QTRY_COMPARE_WITH_TIMEOUT(connections(), 0.0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(pid), baseFds + 1, 20000);
    const qint64 afterClose = statusKiB(pid, "VmRSS");
    // Memory: the freed stream buffers go back after the drop (the trim runs a second after
    // it). Tolerance: 5% of the baseline, or 2 MiB for a small one (allocator bookkeeping and
    // tables sized for 500 streams that Qt keeps).
    const qint64 tolerance = qMax<qint64>(baseRss / 20, 2048);
    const bool settled
        = QTest::qWaitFor([&] { return statusKiB(pid, "VmRSS") <= baseRss + tolerance; }, 10000);
    const qint64 finalRss = statusKiB(pid, "VmRSS");
    const qint64 hwm = statusKiB(pid, "VmHWM");

    qInfo("churn soak: %lld s, %llu streams opened (%llu answered 200, %llu refused), %.0f opened "
          "per second, %d concurrent",
          churnMs / 1000, opened, ok, refused, double(opened) * 1000.0 / double(churnMs),
          Concurrent);
    qInfo("churn soak: events published %llu, acknowledged %llu, refused %llu, delivered %llu "
          "(to streams, with replays), duplicated %llu, reordered %llu",
          published, acknowledged, failed, delivered, duplicated, reordered);
    qInfo("churn soak: server at start: RSS %lld KiB, %d descriptors; after the warm-up (full "
          "history and connection log): the baseline below",
          coldRss, coldFds);
    qInfo("churn soak: server RSS baseline %lld KiB, peak sampled %lld KiB (VmHWM %lld KiB), "
          "after the streams closed %lld KiB, settled %lld KiB (%+.1f%%)",
          baseRss, peakRss, hwm, afterClose, finalRss,
          100.0 * double(finalRss - baseRss) / double(baseRss));
    qInfo("churn soak: server descriptors baseline %d, peak sampled %d, after %d (with the "
          "publisher's connection)",
          baseFds, peakFds, openDescriptors(pid));
    qInfo("churn soak: server streams opened per /metrics %.0f",
          metric(during, "ssehub_connections_opened_total"));

    // Under AddressSanitizer freed memory sits in quarantine: the figures are printed, not judged.
    QVERIFY2(settled || !MemoryFiguresMeaningful,
             qPrintable(QStringLiteral("resident memory %1 KiB, baseline %2 KiB + %3 KiB")
                            .arg(finalRss)
                            .arg(baseRss)
                            .arg(tolerance)));
    // Then a large drop of streams that held queued events: 500 that read nothing (a small
    // receive buffer), 3,000 events of 1 KB. Without handing freed memory back (glibc keeps
    // it), the 28 MB their queues held stayed resident after they closed.
    std::vector<int> backlog;
    auto closeBacklog = qScopeGuard([&backlog] {
        for (const int fd : backlog)
            ::close(fd);
        backlog.clear();
    });
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const QByteArray stalled = "GET /events?topic=backlog HTTP/1.1\r\nHost: 127.0.0.1:"
        + QByteArray::number(port) + "\r\n\r\n";
    for (int i = 0; i < Concurrent; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        backlog.push_back(fd);
        const int small = 4096;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        QVERIFY(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0);
        QVERIFY(::send(fd, stalled.constData(), size_t(stalled.size()), MSG_NOSIGNAL)
                == stalled.size());
    }
    QTRY_COMPARE_WITH_TIMEOUT(connections(), double(Concurrent), 20000);
    const QByteArray big = "{\"v\":\"" + QByteArray(1000, 'x') + "\"}";
    for (int i = 0; i < 3000; ++i)
        send("backlog", big);
    // The history gets back what it held at the baseline (1,000 small events).
    for (int i = 0; i < 1000; ++i)
        send("churn/warm", payload);
    QTRY_COMPARE_WITH_TIMEOUT(acknowledged + failed, published, 60000);
    const qint64 queuedRss = statusKiB(pid, "VmRSS");
    closeBacklog.dismiss();
    for (const int fd : backlog)
        ::close(fd);
    backlog.clear();
    QTRY_COMPARE_WITH_TIMEOUT(connections(), 0.0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(pid), baseFds + 1, 20000);
    const qint64 droppedRss = statusKiB(pid, "VmRSS");
    // Tolerance: 4 MiB. Pages that still hold one live allocation among freed ones cannot be
    // handed back (1.3 MB measured); without the trim the whole 26 MB stays.
    const qint64 backlogTolerance = 4096;
    const bool released = QTest::qWaitFor(
        [&] { return statusKiB(pid, "VmRSS") <= baseRss + backlogTolerance; }, 10000);
    const qint64 releasedRss = statusKiB(pid, "VmRSS");
    qInfo("churn soak: %d streams that read nothing, 3,000 events of 1 KB: server RSS %lld KiB "
          "with their queues, %lld KiB when they had closed, %lld KiB after (%+.1f%% of the "
          "baseline)",
          Concurrent, queuedRss, droppedRss, releasedRss,
          100.0 * double(releasedRss - baseRss) / double(baseRss));
    publisher.disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(pid), baseFds, 20000);

    QVERIFY2(released || !MemoryFiguresMeaningful,
             qPrintable(QStringLiteral("resident memory %1 KiB after the backlog, baseline %2 "
                                       "KiB + %3 KiB")
                            .arg(releasedRss)
                            .arg(baseRss)
                            .arg(backlogTolerance)));
    // Every stream was served; a few of the last ones may not have had their head yet.
    QCOMPARE(refused, 0u);
    QVERIFY2(ok >= opened - Concurrent / 10, qPrintable(QString::number(ok)));
    QCOMPARE(acknowledged, published);
    QVERIFY(delivered > 0);
    QCOMPARE(duplicated, 0u);
    QCOMPARE(reordered, 0u);
    // The server still serves.
    QCOMPARE(request(port, "GET", "/healthz").status, 200);
}

int main(int argc, char **argv)
{
    // A long soak (SSEHUB_CHAOS_SECONDS=300) outlasts QtTest's five-minute watchdog per test
    // function; CTest's TIMEOUT still bounds the run.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "3600000");
    QCoreApplication app(argc, argv);
    TestChurn test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_churn.moc"
