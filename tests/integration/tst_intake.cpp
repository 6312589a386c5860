// Publish intake over real sockets on 127.0.0.1: keep-alive connections on the epoll path,
// their moves to the router's path and back, pipelining, back-pressure, timeouts and batches
// (authentication on that path: tst_intakeauth).
#include "core/clock.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "hub/hub.h"
#include "localengine.h"
#include "observe/connectionlog.h"
#include "rawconnection.h"
#include "sseclient.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace ssehub;
using namespace ssehub::test;

class TestIntake : public QObject
{
    Q_OBJECT

private:
    Engine *start(Engine::Config config = {});
    quint16 port() const { return m_engine->port(); }
    HttpFront *front() const { return m_engine->front(); }

    std::unique_ptr<Engine> m_engine;

private Q_SLOTS:
    void cleanup() { m_engine.reset(); }
    void pipelinedPublishesAnsweredInOrder();
    void connectionMovesToTheRouterAndBack();
    void malformedRequestOnAMovedConnection();
    void malformedRequestAfterARouterRequest();
    void streamAfterPublishesOnOneConnection();
    void clientThatDoesNotReadIsNotRead();
    void unreadAnswersBoundedAcrossConnections();
    void partialRequestTimesOut();
    void idleKeepAliveIsClosed();
    void halfCloseStillGetsEveryAnswer();
    void connectionCloseEndsAfterItsAnswer();
    void batchWithABadLineInTheMiddle();
    void batchAsAJsonArray();
    void batchOrderAcrossSubscribers();
    void batchBounds();
    void batchEventsCountAgainstThePublishRate();
    void resumeReplaysEverythingOnTheEpollPath();
    void partialRequestAfterACompleteOneTimesOut();
};

Engine *TestIntake::start(Engine::Config config)
{
    m_engine.reset();
    m_engine = startLocalEngine(config);
    return m_engine.get();
}

void TestIntake::pipelinedPublishesAnsweredInOrder()
{
    start();
    SseClient watcher;
    watcher.open(port(), "/events?topic=p");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    RawConnection connection(port());
    // 60 publishes in one write, a body that is not JSON at 20 and a wildcard topic at 40: the
    // answers come in request order, the refused ones where they were asked.
    QByteArray pipeline;
    for (int i = 0; i < 60; ++i) {
        if (i == 20)
            pipeline += publishRequest("p", "{broken");
        else if (i == 40)
            pipeline += publishRequest("p/+", QByteArray::number(i));
        else
            pipeline += publishRequest("p", QByteArray::number(i));
    }
    connection.send(pipeline);
    QTRY_COMPARE(connection.answerCount(), 60);
    QList<QByteArray> ids;
    for (int i = 0; i < 60; ++i) {
        const HttpResponse &answer = connection.answers().at(i);
        if (i == 20 || i == 40) {
            QCOMPARE(answer.status, 400);
            QVERIFY(!answer.json().value(QLatin1String("error")).toString().isEmpty());
            continue;
        }
        QCOMPARE(answer.status, 200);
        ids << answer.json().value(QLatin1String("id")).toString().toLatin1();
    }
    QTRY_COMPARE(watcher.events().size(), 58);
    QList<int> expected;
    for (int i = 0; i < 60; ++i) {
        if (i != 20 && i != 40)
            expected << i;
    }
    QCOMPARE(intPayloads(watcher), expected);
    // Each answer's id is the id its subscriber saw, in the same order.
    for (int i = 0; i < ids.size(); ++i)
        QCOMPARE(watcher.events().at(i).id, ids.at(i));
    // The connection stayed on the epoll path throughout.
    QCOMPARE(front()->fastConnectionCount(), 1);
    QCOMPARE(front()->socketConnectionCount(), 0);
}

void TestIntake::connectionMovesToTheRouterAndBack()
{
    start();
    SseClient watcher;
    watcher.open(port(), "/events?topic=m");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    RawConnection connection(port());
    // Publishes, routes only the router serves, and the small routes, pipelined in one write.
    connection.send(publishRequest("m", "1") + getRequest("/stats") + publishRequest("m", "2")
                    + getRequest("/streams") + getRequest("/healthz") + publishRequest("m", "3")
                    + getRequest("/nosuch") + publishRequest("m", "4"));
    QTRY_COMPARE(connection.answerCount(), 8);
    const QList<HttpResponse> answers = connection.answers();
    QCOMPARE(answers.at(0).status, 200);
    QVERIFY(answers.at(0).json().contains(QLatin1String("id")));
    QCOMPARE(answers.at(1).status, 200);
    // /stats, served after the first publish and before the second.
    QCOMPARE(answers.at(1).json().value(QLatin1String("events_published")).toInt(), 1);
    QCOMPARE(answers.at(2).status, 200);
    QVERIFY(answers.at(3).json().contains(QLatin1String("connections"))); // /streams
    QCOMPARE(answers.at(4).json().value(QLatin1String("status")).toString(),
             QStringLiteral("alive"));
    QCOMPARE(answers.at(5).status, 200);
    QCOMPARE(answers.at(6).status, 404);
    QCOMPARE(answers.at(7).status, 200);
    QTRY_COMPARE(intPayloads(watcher), (QList<int> {1, 2, 3, 4}));
    // With every answer out it is back on the epoll path.
    QTRY_COMPARE(front()->socketConnectionCount(), 0);
    QCOMPARE(front()->fastConnectionCount(), 1);
    // /metrics counts the moves (one there and back for the routes the epoll path does not
    // serve: /stats, /streams and the 404), and the connections on each path.
    QVERIFY(front()->handOffs() >= 1);
    QCOMPARE(front()->handBacks(), front()->handOffs());
    const QByteArray metrics = request(port(), "GET", "/metrics").body;
    const QByteArray moves = "ssehub_http_connection_moves_total{to=\"socket\"} "
        + QByteArray::number(front()->handOffs());
    QVERIFY2(metrics.contains(moves), metrics.constData());
    QVERIFY(metrics.contains("ssehub_http_connections{path=\"epoll\"}"));

    // One request at a time as well: to the router, back, and a publish there.
    connection.send(getRequest("/stats"));
    QTRY_COMPARE(connection.answerCount(), 9);
    QTRY_COMPARE(front()->socketConnectionCount(), 0);
    QCOMPARE(front()->fastConnectionCount(), 1);
    connection.send(publishRequest("m", "5"));
    QTRY_COMPARE(connection.answerCount(), 10);
    QCOMPARE(connection.answers().at(9).status, 200);
    QTRY_COMPARE(intPayloads(watcher), (QList<int> {1, 2, 3, 4, 5}));
    QVERIFY(!connection.closed());
}

void TestIntake::malformedRequestOnAMovedConnection()
{
    start();
    RawConnection connection(port());
    connection.send(publishRequest("x", "1"));
    QTRY_COMPARE(connection.answerCount(), 1);
    // Obsolete line folding, after a publish on the epoll path and pipelined behind another:
    // the publish is answered, then 400, and the connection closes.
    connection.send(publishRequest("x", "2")
                    + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n folded\r\n\r\n"
                    + publishRequest("x", "3"));
    QTRY_VERIFY(connection.closed());
    const QList<HttpResponse> answers = connection.answers();
    QCOMPARE(answers.size(), 3);
    QCOMPARE(answers.at(1).status, 200);
    QCOMPARE(answers.at(2).status, 400);
    QCOMPARE(answers.at(2).header("connection").toLower(), QByteArray("close"));
    QVERIFY(answers.at(2)
                .json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("fold")));
    QCOMPARE(m_engine->front()->counters().published, 2u); // not the one after the bad request
}

void TestIntake::malformedRequestAfterARouterRequest()
{
    start();
    RawConnection connection(port());
    connection.send(getRequest("/stats"));
    QTRY_COMPARE(connection.answerCount(), 1);
    QTRY_COMPARE(front()->socketConnectionCount(), 0); // moved back
    // A body larger than the limit, and a Content-Length that conflicts with itself.
    connection.send(
        "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().size(), 2);
    QCOMPARE(connection.answers().at(1).status, 400);

    RawConnection big(port());
    big.send(publishRequest("x", "1")
             + "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: 10000000\r\n\r\n");
    QTRY_VERIFY(big.closed());
    QCOMPARE(big.answers().size(), 2);
    QCOMPARE(big.answers().at(0).status, 200);
    QCOMPARE(big.answers().at(1).status, 413);
}

void TestIntake::streamAfterPublishesOnOneConnection()
{
    start();
    RawConnection connection(port());
    connection.send(publishRequest("s", "1"));
    QTRY_COMPARE(connection.answerCount(), 1);
    // The same connection becomes a stream.
    connection.send(getRequest("/events?topic=s"));
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    QCOMPARE(front()->fastConnectionCount(), 0);
    QVERIFY(publish(port(), "s", "2").status == 200);
    QTRY_VERIFY(connection.socket().bytesAvailable() > 0 || connection.closed());
    QByteArray stream;
    QTRY_VERIFY((stream += connection.socket().readAll()).contains("\"payload\":2"));
    QVERIFY(stream.contains("text/event-stream"));
}

void TestIntake::clientThatDoesNotReadIsNotRead()
{
    // Answers that do not move for the request timeout get the connection cut: not here, where
    // the stall lasts as long as filling the buffers takes (long under ASan).
    Engine::Config config;
    config.requestTimeoutMs = 300000;
    start(config);
    // A client that pipelines publishes and never reads its answers: the hub stops reading it
    // (TCP pushes back) rather than buffering answers or requests without end.
    std::atomic<bool> stalled {false};
    std::atomic<bool> release {false};
    std::atomic<qint64> sent {0};
    std::atomic<qint64> answered {0};
    std::atomic<bool> finished {false};
    const QByteArray one = publishRequest("bp", "1");
    const quint16 serverPort = port();
    std::thread client([&] {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(serverPort);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        timeval timeout {2, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
        const int small = 64 * 1024;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0) {
            QByteArray many;
            for (int i = 0; i < 100; ++i)
                many += one;
            while (sent < 400LL * 1024 * 1024) {
                const ssize_t n = ::send(fd, many.constData(), size_t(many.size()), MSG_NOSIGNAL);
                if (n <= 0)
                    break; // the hub stopped taking requests
                sent += n;
            }
            stalled = true;
            while (!release)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            // Now the answers are read: every request that went out is answered.
            const qint64 requests = sent / one.size();
            QByteArray in;
            char buffer[65536];
            timeval readTimeout {30, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &readTimeout, sizeof(readTimeout));
            qint64 count = 0;
            while (count < requests) {
                const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
                if (n <= 0)
                    break;
                in.append(buffer, n);
                qsizetype at = 0;
                qsizetype scanned = 0;
                while ((at = in.indexOf("HTTP/1.1 200 OK", at)) >= 0) {
                    ++count;
                    at += 15;
                    scanned = at;
                }
                // What could still be the start of a status line is kept for the next read.
                in = in.mid(qMax(scanned, in.size() - 14));
            }
            answered = count;
        }
        ::close(fd);
        finished = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(stalled, 60000);
    const quint64 publishedWhileStalled = m_engine->front()->counters().published;
    // What the hub took is bounded: far less than what the client tried to send.
    QVERIFY2(publishedWhileStalled < 200000, QByteArray::number(publishedWhileStalled));
    QVERIFY(sent < 400LL * 1024 * 1024);
    release = true;
    // The hub answers meanwhile (tens of thousands of publishes: a minute under ASan).
    QTRY_VERIFY_WITH_TIMEOUT(finished, 150000);
    client.join();
    // Everything it sent was answered, none lost.
    QCOMPARE(answered.load(), sent.load() / one.size());
}

void TestIntake::unreadAnswersBoundedAcrossConnections()
{
    // Clients that pipeline requests and never read: past the bound on the answers all of them
    // together have not taken, a connection holding any is not served until it reads. Then they
    // read, and every request is answered.
    Engine::Config config;
    config.requestTimeoutMs = 300000; // stalled answers are the point here
    start(config);
    constexpr qint64 Bound = 256 * 1024;
    front()->setMaxUnsentFastAnswerBytes(Bound);
    const HttpResponse sample = request(port(), "GET", "/metrics");
    QCOMPARE(sample.status, 200);
    const qint64 answerBytes = sample.body.size() + 4096; // with its head and later growth
    constexpr int Clients = 6;
    // About 5 MB of answers each: more than the kernel takes for a client that does not read
    // (its send buffer grows to about 4 MB on loopback).
    constexpr int Requests = 1000;
    QByteArray requests;
    for (int i = 0; i < Requests; ++i)
        requests += getRequest("/metrics");
    std::vector<int> fds;
    for (int i = 0; i < Clients; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const int small = 4096; // the kernel keeps little of what is not read
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
        // 1,000 requests are 30 KB: the kernel takes them at once.
        QCOMPARE(::send(fd, requests.constData(), size_t(requests.size()), MSG_NOSIGNAL),
                 ssize_t(requests.size()));
        fds.push_back(fd);
    }
    // The kernel takes what it can (a few MB each), then the hub holds answers: up to the bound
    // and one answer per connection past it (without the bound, 1 MiB per connection).
    QTRY_VERIFY_WITH_TIMEOUT(front()->unsentFastAnswerBytes() > 0, 30000);
    // Meanwhile the hub serves others (a reader's requests are answered).
    for (int round = 0; round < 20; ++round) {
        QCOMPARE(request(port(), "GET", "/healthz").status, 200);
        QVERIFY2(front()->unsentFastAnswerBytes() <= Bound + Clients * answerBytes,
                 QByteArray::number(front()->unsentFastAnswerBytes()).constData());
    }
    // Now they read: each gets all its answers.
    std::vector<QByteArray> in {size_t(Clients)};
    std::vector<int> answered(size_t(Clients), 0);
    const auto readAll = [&] {
        for (int i = 0; i < Clients; ++i) {
            char buffer[65536];
            ssize_t n = 0;
            while ((n = ::recv(fds[size_t(i)], buffer, sizeof(buffer), MSG_DONTWAIT)) > 0)
                in[size_t(i)].append(buffer, n);
            HttpResponse response;
            while (qsizetype used = parseResponse(in[size_t(i)], &response, false)) {
                in[size_t(i)].remove(0, used);
                if (response.status != 200)
                    return false;
                ++answered[size_t(i)];
            }
        }
        return std::all_of(answered.cbegin(), answered.cend(),
                           [](int count) { return count >= Requests; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(readAll(), 60000);
    for (int i = 0; i < Clients; ++i) {
        QCOMPARE(answered[size_t(i)], Requests);
        ::close(fds[size_t(i)]);
    }
    QTRY_COMPARE(front()->unsentFastAnswerBytes(), 0);
}

void TestIntake::partialRequestTimesOut()
{
    Engine::Config config;
    config.requestTimeoutMs = 400;
    start(config);
    RawConnection connection(port());
    connection.send(publishRequest("t", "1"));
    QTRY_COMPARE(connection.answerCount(), 1);
    const QByteArray second = publishRequest("t", "2");
    connection.send(second.left(second.size() - 3)); // the body's end never comes
    QTRY_VERIFY_WITH_TIMEOUT(connection.closed(), 5000);
    QCOMPARE(connection.answers().size(), 2);
    QCOMPARE(connection.answers().at(1).status, 408);
}

void TestIntake::idleKeepAliveIsClosed()
{
    Engine::Config config;
    config.keepAliveTimeoutMs = 300;
    start(config);
    RawConnection connection(port());
    connection.send(publishRequest("i", "1"));
    QTRY_COMPARE(connection.answerCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(connection.closed(), 5000);
    QTRY_COMPARE(front()->fastConnectionCount(), 0);
}

void TestIntake::halfCloseStillGetsEveryAnswer()
{
    start();
    RawConnection connection(port());
    QByteArray pipeline;
    for (int i = 0; i < 20; ++i)
        pipeline += publishRequest("h", QByteArray::number(i));
    connection.send(pipeline);
    ::shutdown(int(connection.socket().socketDescriptor()), SHUT_WR);
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().size(), 20);
    for (const HttpResponse &answer : connection.answers())
        QCOMPARE(answer.status, 200);
    QTRY_COMPARE(front()->fastConnectionCount(), 0);
}

void TestIntake::connectionCloseEndsAfterItsAnswer()
{
    start();
    RawConnection connection(port());
    // What follows a request that asks to close is not served.
    connection.send(publishRequest("c", "1") + publishRequest("c", "2", "Connection: close\r\n")
                    + publishRequest("c", "3"));
    QTRY_VERIFY(connection.closed());
    QCOMPARE(connection.answers().size(), 2);
    QCOMPARE(connection.answers().at(1).header("connection").toLower(), QByteArray("close"));
    QCOMPARE(m_engine->front()->counters().published, 2u);
}

void TestIntake::batchWithABadLineInTheMiddle()
{
    start();
    SseClient watcher;
    watcher.open(port(), "/events?topic=b");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    const QByteArray body = "{\"topic\":\"b\",\"payload\":1}\n"
                            "{\"topic\":\"b\",\"payload\":2}\r\n"
                            "\n"
                            "{\"topic\":\"b\",\"payload\":\n" // a line that is not JSON
                            "{\"topic\":\"b/#\",\"payload\":4}\n" // a wildcard
                            "{\"topic\":\"b\",\"payload\":5}\n";
    RawConnection connection(port());
    connection.send(bodyRequest(body, "application/x-ndjson"));
    QTRY_COMPARE(connection.answerCount(), 1);
    const HttpResponse answer = connection.answers().at(0);
    QCOMPARE(answer.status, 207);
    const QStringList results = batchResults(answer);
    QCOMPARE(results.size(), 5);
    QVERIFY(results.at(0).startsWith(QLatin1String("id:")));
    QVERIFY(results.at(1).startsWith(QLatin1String("id:")));
    QVERIFY2(results.at(2).startsWith(QLatin1String("400:line 4")), qPrintable(results.at(2)));
    QVERIFY2(results.at(3).startsWith(QLatin1String("400:line 5")), qPrintable(results.at(3)));
    QVERIFY(results.at(4).startsWith(QLatin1String("id:")));
    QCOMPARE(answer.json().value(QLatin1String("published")).toInt(), 3);
    QCOMPARE(answer.json().value(QLatin1String("failed")).toInt(), 2);
    QTRY_COMPARE(intPayloads(watcher), (QList<int> {1, 2, 5}));
    // The ids in the answer are those the subscriber saw.
    QCOMPARE(QStringLiteral("id:") + QString::fromLatin1(watcher.events().at(2).id), results.at(4));
    // Still the epoll path, and a single publish after it is a single publish.
    connection.send(publishRequest("b", "6"));
    QTRY_COMPARE(connection.answerCount(), 2);
    QVERIFY(connection.answers().at(1).json().contains(QLatin1String("delivered")));
    QCOMPARE(front()->socketConnectionCount(), 0);
}

void TestIntake::batchAsAJsonArray()
{
    start();
    SseClient watcher;
    watcher.open(port(), "/events?topic=arr/%2B");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1);
    QByteArray body = "[";
    for (int i = 0; i < 50; ++i)
        body += QByteArray(i ? "," : "") + "{\"topic\":\"arr/" + QByteArray::number(i % 3)
            + "\",\"type\":\"reading\",\"payload\":{\"n\":" + QByteArray::number(i) + "}}";
    body += "]";
    const HttpResponse answer = request(port(), "POST", "/publish", body);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json().value(QLatin1String("published")).toInt(), 50);
    QCOMPARE(answer.json().value(QLatin1String("failed")).toInt(), 0);
    QTRY_COMPARE(watcher.events().size(), 50);
    for (int i = 0; i < 50; ++i) {
        QCOMPARE(watcher.events().at(i).type, QByteArray("reading"));
        QCOMPARE(watcher.events()
                     .at(i)
                     .json()
                     .value(QLatin1String("payload"))
                     .toObject()
                     .value(QLatin1String("n")),
                 QJsonValue(i));
    }
    // A broken array cannot be told apart into events: one 400 for the whole body.
    const HttpResponse broken = request(port(), "POST", "/publish", "[{\"topic\":\"arr/1\",");
    QCOMPARE(broken.status, 400);
    QVERIFY(!broken.json().value(QLatin1String("error")).toString().isEmpty());
    QCOMPARE(watcher.events().size(), 50);
}

void TestIntake::batchOrderAcrossSubscribers()
{
    start();
    // Subscribers on single topics, on a wildcard and on two filters: each sees the batch's
    // events of its topics in the batch's order, with increasing ids.
    SseClient all, even, odd, three;
    all.open(port(), "/events?topic=o/%23");
    even.open(port(), "/events?topic=o/even");
    odd.open(port(), "/events?topic=o/odd");
    three.open(port(), "/events?topic=o/odd&topic=o/three");
    QTRY_COMPARE(m_engine->hub()->streamCount(), 4);
    QByteArray body;
    for (int i = 0; i < 300; ++i) {
        const QByteArray topic = i % 3 == 0 ? "o/three" : i % 2 == 0 ? "o/even" : "o/odd";
        body += "{\"topic\":\"" + topic + "\",\"payload\":" + QByteArray::number(i) + "}\n";
    }
    // Two batches pipelined on one connection, and a third on another connection after them.
    RawConnection connection(port());
    connection.send(
        bodyRequest(body.left(body.indexOf("\n", body.size() / 2) + 1), "application/x-ndjson")
        + bodyRequest(body.mid(body.indexOf("\n", body.size() / 2) + 1), "application/x-ndjson"));
    QTRY_COMPARE(connection.answerCount(), 2);
    QCOMPARE(connection.answers().at(0).status, 200);
    QCOMPARE(connection.answers().at(1).status, 200);
    auto expected = [](auto keep) {
        QList<int> out;
        for (int i = 0; i < 300; ++i) {
            if (keep(i))
                out << i;
        }
        return out;
    };
    QTRY_COMPARE(all.events().size(), 300);
    QCOMPARE(intPayloads(all), expected([](int) { return true; }));
    QTRY_COMPARE(intPayloads(even), expected([](int i) { return i % 3 != 0 && i % 2 == 0; }));
    QTRY_COMPARE(intPayloads(odd), expected([](int i) { return i % 3 != 0 && i % 2 == 1; }));
    QTRY_COMPARE(intPayloads(three),
                 expected([](int i) { return i % 3 != 0 ? i % 2 == 1 : true; }));
    quint64 previous = 0;
    for (const SseEvent &event : all.events()) {
        const quint64 id = event.id.toULongLong();
        QVERIFY(id > previous);
        previous = id;
    }
}

void TestIntake::batchBounds()
{
    Engine::Config config;
    config.maxBodyBytes = 4 * 1024 * 1024;
    start(config);
    // More events than a batch may hold: refused whole (413), nothing published.
    QByteArray body;
    for (int i = 0; i <= 10000; ++i)
        body += "{\"topic\":\"bb\",\"payload\":1}\n";
    HttpResponse answer = request(port(), "POST", "/publish", body, "application/x-ndjson");
    QCOMPARE(answer.status, 413);
    QCOMPARE(m_engine->front()->counters().published, 0u);
    // An empty batch is an error, not an empty success.
    answer = request(port(), "POST", "/publish", "\n\n", "application/x-ndjson");
    QCOMPARE(answer.status, 400);
    answer = request(port(), "POST", "/publish", "[]");
    QCOMPARE(answer.status, 400);
    // A body over --max-body is refused before it is read, batch or not.
    start();
    answer
        = request(port(), "POST", "/publish", QByteArray(70 * 1024, '\n'), "application/x-ndjson");
    QCOMPARE(answer.status, 413);
}

void TestIntake::batchEventsCountAgainstThePublishRate()
{
    Engine::Config config;
    config.publishRate = 0.1; // a token every 10 s: the bucket does not refill during the test
    config.publishBurst = 3;
    start(config);
    QByteArray body;
    for (int i = 0; i < 10; ++i)
        body += "{\"topic\":\"rate\",\"payload\":" + QByteArray::number(i) + "}\n";
    HttpResponse answer = request(port(), "POST", "/publish", body, "application/x-ndjson");
    QCOMPARE(answer.status, 207);
    const QStringList results = batchResults(answer);
    QCOMPARE(results.size(), 10);
    for (int i = 0; i < 10; ++i)
        QVERIFY2(results.at(i).startsWith(i < 3 ? QLatin1String("id:") : QLatin1String("429:")),
                 qPrintable(results.at(i)));
    // Nothing left in the bucket: every event refused alike, 429 with Retry-After.
    answer = request(port(), "POST", "/publish", body, "application/x-ndjson");
    QCOMPARE(answer.status, 429);
    QVERIFY(!answer.header("retry-after").isEmpty());
    QVERIFY(answer.json()
                .value(QLatin1String("error"))
                .toString()
                .contains(QLatin1String("--publish-rate")));
}

void TestIntake::resumeReplaysEverythingOnTheEpollPath()
{
    // A resumed stream whose replay is larger than half its queue: the replay goes on when the
    // queue drains, also when it started inside a turn of the epoll path (its writes batched).
    Engine::Config config;
    config.maxQueueBytes = 64 * 1024;
    start(config);
    const QByteArray payload = '"' + QByteArray(10 * 1024, 'r') + '"';
    QByteArray first;
    for (int i = 0; i < 30; ++i) {
        const HttpResponse answer = publish(port(), "replay", payload);
        QCOMPARE(answer.status, 200);
        if (i == 0)
            first = answer.json().value(QLatin1String("id")).toString().toLatin1();
    }
    SseClient resumed;
    resumed.open(port(), "/events?topic=replay", {{"Last-Event-ID", first}});
    QTRY_COMPARE(resumed.events().size(), 29);
    QCOMPARE(front()->socketConnectionCount(), 0);
}

void TestIntake::partialRequestAfterACompleteOneTimesOut()
{
    Engine::Config config;
    config.requestTimeoutMs = 400;
    start(config);
    RawConnection connection(port());
    // A complete publish and the start of another in one write, then nothing.
    connection.send(publishRequest("t", "1") + "GET /hea");
    QTRY_VERIFY_WITH_TIMEOUT(connection.closed(), 5000);
    QCOMPARE(connection.answers().size(), 2);
    QCOMPARE(connection.answers().at(0).status, 200);
    QCOMPARE(connection.answers().at(1).status, 408);
}

QTEST_GUILESS_MAIN(TestIntake)
#include "tst_intake.moc"
