// How the load generator reads publish answers (tests/bench/publishanswer.*): the framing of
// pipelined HTTP/1.1 answers, and for a batch publish which events were accepted, the
// published/failed counts, and answers it must not trust.
#include "publishanswer.h"

#include <QTest>

using bench::parseBatchAnswer;
using bench::takeResponse;

class TestPublishAnswer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipelinedAnswersOneByOne();
    void chunkedAnswer();
    void incompleteAnswerWaits();
    void notAnAnswer();
    void everyEventAccepted();
    void partialFailureKeepsTheOrder();
    void keysInAnyOrderAndNestedValues();
    void countsThatDisagreeAreSeen();
    void emptyBatch();
    void notABatchAnswer_data();
    void notABatchAnswer();
};

void TestPublishAnswer::pipelinedAnswersOneByOne()
{
    std::string in
        = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
          "{}HTTP/1.1 415 Unsupported Media Type\r\ncontent-length: 11\r\n\r\n"
          "{\"error\":1}HTTP/1.1 20";
    int status = 0;
    std::string body;
    QCOMPARE(takeResponse(in, &status, &body), 1);
    QCOMPARE(status, 200);
    QCOMPARE(body, std::string("{}"));
    QCOMPARE(takeResponse(in, &status, &body), 1);
    QCOMPARE(status, 415);
    QCOMPARE(body, std::string("{\"error\":1}"));
    QCOMPARE(takeResponse(in, &status, &body), 0);
    QCOMPARE(in, std::string("HTTP/1.1 20"));
}

void TestPublishAnswer::chunkedAnswer()
{
    std::string in = "HTTP/1.1 207 Multi-Status\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\n{\"res\r\n3;ext=1\r\nult\r\n0\r\nX-Trailer: 1\r\n\r\nnext";
    int status = 0;
    std::string body;
    QCOMPARE(takeResponse(in, &status, &body), 1);
    QCOMPARE(status, 207);
    QCOMPARE(body, std::string("{\"result"));
    QCOMPARE(in, std::string("next"));
}

void TestPublishAnswer::incompleteAnswerWaits()
{
    int status = 0;
    std::string body;
    for (std::string in : {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", // head not complete
                           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", // body short
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"}) {
        const std::string before = in;
        QCOMPARE(takeResponse(in, &status, &body), 0);
        QCOMPARE(in, before);
    }
}

void TestPublishAnswer::notAnAnswer()
{
    std::string in = "garbage\r\n\r\n";
    int status = 0;
    std::string body;
    QCOMPARE(takeResponse(in, &status, &body), -1);
}

void TestPublishAnswer::everyEventAccepted()
{
    const auto a = parseBatchAnswer(
        R"({"results":[{"id":"1-0"},{"id":"2-0"},{"id":"3-0"}],"published":3,"failed":0})");
    QVERIFY(a.valid);
    QCOMPARE(a.results.size(), size_t(3));
    for (const auto &r : a.results)
        QVERIFY(r.accepted);
    QCOMPARE(a.published, 3);
    QCOMPARE(a.failed, 0);
    QVERIFY(a.countsAgree());
}

void TestPublishAnswer::partialFailureKeepsTheOrder()
{
    const auto a = parseBatchAnswer(
        "{\"results\": [ {\"id\": \"7\"},\n {\"error\": \"topic is not allowed\", \"status\": "
        "403}, {\"id\":\"9\"} ], \"published\": 2, \"failed\": 1}\n");
    QVERIFY(a.valid);
    QCOMPARE(a.results.size(), size_t(3));
    QVERIFY(a.results[0].accepted);
    QVERIFY(!a.results[1].accepted);
    QCOMPARE(a.results[1].status, 403);
    QVERIFY(a.results[2].accepted);
    QVERIFY(a.countsAgree());
}

void TestPublishAnswer::keysInAnyOrderAndNestedValues()
{
    // Counts before the results, an error that echoes JSON with "id" and braces in strings,
    // escaped quotes, and an unknown key with a nested value.
    const auto a = parseBatchAnswer(
        R"({"failed":1,"published":1,"extra":{"a":[1,{"b":null}],"c":"}]"},)"
        R"("results":[{"status":400,"error":"line 2: {\"id\":\"x\"} is not an event"},)"
        R"({"delivered":0,"id":"5-1"}]})");
    QVERIFY(a.valid);
    QCOMPARE(a.results.size(), size_t(2));
    QVERIFY(!a.results[0].accepted);
    QCOMPARE(a.results[0].status, 400);
    QVERIFY(a.results[1].accepted);
    QVERIFY(a.countsAgree());
}

void TestPublishAnswer::countsThatDisagreeAreSeen()
{
    const auto a = parseBatchAnswer(R"({"results":[{"id":"1"},{"id":"2"}],"published":1})");
    QVERIFY(a.valid);
    QVERIFY(!a.countsAgree());
    // An id together with an error is not an accepted event.
    const auto b = parseBatchAnswer(R"({"results":[{"id":"1","error":"?"}],"failed":1})");
    QVERIFY(b.valid);
    QVERIFY(!b.results[0].accepted);
    QVERIFY(b.countsAgree());
}

void TestPublishAnswer::emptyBatch()
{
    const auto a = parseBatchAnswer(R"({"results":[],"published":0,"failed":0})");
    QVERIFY(a.valid);
    QVERIFY(a.results.empty());
}

void TestPublishAnswer::notABatchAnswer_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("single publish answer") << QByteArray(R"({"id":"1-0","delivered":3})");
    QTest::newRow("error answer") << QByteArray(
        R"({"error":"Content-Type must be application/json"})");
    QTest::newRow("cut short") << QByteArray(R"({"results":[{"id":"1"},{"id")");
    QTest::newRow("trailing garbage") << QByteArray(R"({"results":[]} x)");
    QTest::newRow("results not objects") << QByteArray(R"({"results":["1","2"]})");
    QTest::newRow("not an object") << QByteArray(R"([{"id":"1"}])");
    QTest::newRow("control character in string")
        << QByteArray("{\"results\":[{\"id\":\"a\x01\"}]}");
}

void TestPublishAnswer::notABatchAnswer()
{
    QFETCH(QByteArray, body);
    const auto a = parseBatchAnswer(std::string_view(body.constData(), size_t(body.size())));
    QVERIFY(!a.valid);
    QVERIFY(a.results.empty());
}

QTEST_GUILESS_MAIN(TestPublishAnswer)
#include "tst_publishanswer.moc"
