// The request parser (server/httpparser.*): every framing rule, one row each.
#include "http/httpparser.h"

#include <QTest>

using namespace ssehub;

namespace {

http::Result parse(const QByteArray &data, http::RequestHead *head, qsizetype *used,
                   http::Error *error, const http::Limits &limits = {})
{
    return http::parseRequestHead(data, limits, head, used, error);
}

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsWellFormedRequests_data();
    void acceptsWellFormedRequests();
    void refusesAmbiguousOrMalformedHeads_data();
    void refusesAmbiguousOrMalformedHeads();
    void waitsForAnIncompleteHead();
    void limitsTheHead();
    void pipelinedRequestsAreSeparated();
    void chunkedBodyDecodesAcrossAnySplit();
    void chunkedBodyStopsAtTheLimit();
    void chunkedFramingErrors_data();
    void chunkedFramingErrors();
    void chunkedFramingIsBounded();
};

void TestHttpParser::acceptsWellFormedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("framing");
    QTest::addColumn<qint64>("length");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("get") << QByteArray("GET /events?topic=a%2Fb HTTP/1.1\r\nHost: h:1\r\n\r\n")
                         << QByteArray("/events") << QByteArray("topic=a%2Fb") << QByteArray("h:1")
                         << int(http::BodyFraming::None) << 0LL << true;
    QTest::newRow("length") << QByteArray("POST /publish HTTP/1.1\r\nHost: h\r\n"
                                          "Content-Length: 12\r\n\r\n")
                            << QByteArray("/publish") << QByteArray() << QByteArray("h")
                            << int(http::BodyFraming::Length) << 12LL << true;
    QTest::newRow("zero length") << QByteArray(
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
                                 << QByteArray("/p") << QByteArray() << QByteArray("h")
                                 << int(http::BodyFraming::None) << 0LL << true;
    QTest::newRow("chunked") << QByteArray("POST /p HTTP/1.1\r\nHost: h\r\n"
                                           "Transfer-Encoding: ChunKed\r\n\r\n")
                             << QByteArray("/p") << QByteArray() << QByteArray("h")
                             << int(http::BodyFraming::Chunked) << 0LL << true;
    QTest::newRow("close") << QByteArray(
        "GET / HTTP/1.1\r\nHost: h\r\nConnection: te, close\r\n\r\n")
                           << QByteArray("/") << QByteArray() << QByteArray("h")
                           << int(http::BodyFraming::None) << 0LL << false;
    QTest::newRow("1.0 without host")
        << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("/") << QByteArray() << QByteArray()
        << int(http::BodyFraming::None) << 0LL << false;
    QTest::newRow("1.0 keep-alive")
        << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << QByteArray("/")
        << QByteArray() << QByteArray() << int(http::BodyFraming::None) << 0LL << true;
    QTest::newRow("leading empty lines")
        << QByteArray("\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n") << QByteArray("/x")
        << QByteArray() << QByteArray("h") << int(http::BodyFraming::None) << 0LL << true;
    QTest::newRow("absolute form")
        << QByteArray("GET http://hub:8080/events?topic=a HTTP/1.1\r\nHost: other\r\n\r\n")
        << QByteArray("/events") << QByteArray("topic=a") << QByteArray("hub:8080")
        << int(http::BodyFraming::None) << 0LL << true;
    QTest::newRow("options *") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: [::1]:80\r\n\r\n")
                               << QByteArray("*") << QByteArray() << QByteArray("[::1]:80")
                               << int(http::BodyFraming::None) << 0LL << true;
    QTest::newRow("ows and obs-text")
        << QByteArray("GET / HTTP/1.1\r\nHost:\th \r\nUser-Agent: caf\xc3\xa9 \t\r\n\r\n")
        << QByteArray("/") << QByteArray() << QByteArray("h") << int(http::BodyFraming::None) << 0LL
        << true;
}

void TestHttpParser::acceptsWellFormedRequests()
{
    QFETCH(QByteArray, request);
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    QCOMPARE(parse(request, &head, &used, &error), http::Result::Complete);
    QCOMPARE(used, request.size());
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, host);
    QFETCH(int, framing);
    QFETCH(qint64, length);
    QFETCH(bool, keepAlive);
    QCOMPARE(head.path, path);
    QCOMPARE(head.query, query);
    QCOMPARE(head.host, host);
    QCOMPARE(int(head.framing), framing);
    QCOMPARE(head.contentLength, length);
    QCOMPARE(head.keepAlive, keepAlive);
}

void TestHttpParser::refusesAmbiguousOrMalformedHeads_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const QByteArray post = "POST /publish HTTP/1.1\r\nHost: h\r\n";
    // The audit's finding: a folded Transfer-Encoding that one parser saw and another did not.
    QTest::newRow("folded transfer-encoding") << post + "Transfer-Encoding:\r\n chunked\r\n\r\n"
                                              << 400;
    QTest::newRow("folded other header") << post + "X-A: 1\r\n\t2\r\n\r\n" << 400;
    QTest::newRow("space after request line")
        << QByteArray("GET / HTTP/1.1\r\n Host: h\r\n\r\n") << 400;
    QTest::newRow("transfer-encoding twice")
        << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
        << 400;
    QTest::newRow("chunked twice in a list") << post + "Transfer-Encoding: chunked, chunked\r\n\r\n"
                                             << 400;
    QTest::newRow("unknown coding") << post + "Transfer-Encoding: gzip\r\n\r\n" << 501;
    QTest::newRow("coding then chunked") << post + "Transfer-Encoding: gzip, chunked\r\n\r\n"
                                         << 501;
    QTest::newRow("chunked with parameter") << post + "Transfer-Encoding: chunked;q=1\r\n\r\n"
                                            << 400;
    QTest::newRow("transfer-encoding empty") << post + "Transfer-Encoding: \r\n\r\n" << 400;
    QTest::newRow("both framings")
        << post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        << 400;
    QTest::newRow("length twice, same") << post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n"
                                        << 400;
    QTest::newRow("length twice, other") << post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"
                                         << 400;
    QTest::newRow("length list") << post + "Content-Length: 5, 5\r\n\r\n" << 400;
    QTest::newRow("length signed") << post + "Content-Length: +5\r\n\r\n" << 400;
    QTest::newRow("length negative") << post + "Content-Length: -1\r\n\r\n" << 400;
    QTest::newRow("length hex") << post + "Content-Length: 0x10\r\n\r\n" << 400;
    QTest::newRow("length empty") << post + "Content-Length:\r\n\r\n" << 400;
    QTest::newRow("length overflow") << post + "Content-Length: 9999999999999999999\r\n\r\n" << 400;
    QTest::newRow("1.0 chunked") << QByteArray(
        "POST /p HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")
                                 << 400;
    QTest::newRow("1.1 without host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("host twice") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")
                                << 400;
    QTest::newRow("absolute form and two hosts")
        << QByteArray("GET http://a/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("host with space") << QByteArray("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") << 400;
    QTest::newRow("host with userinfo") << QByteArray("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n") << 400;
    QTest::newRow("host empty") << QByteArray("GET / HTTP/1.1\r\nHost:\r\n\r\n") << 400;
    QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: h\n\n") << 400;
    QTest::newRow("bare LF in header")
        << QByteArray("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n") << 400;
    QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n") << 400;
    QTest::newRow("space before colon")
        << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nContent-Length : 5\r\n\r\n") << 400;
    QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nJunk\r\n\r\n") << 400;
    QTest::newRow("NUL in value") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a") + '\0'
            + "b\r\n\r\n" << 400;
    QTest::newRow("DEL in value") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n")
                                  << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("no version") << QByteArray("GET /\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("http 2") << QByteArray("PRI * HTTP/2.0\r\n\r\n") << 505;
    QTest::newRow("http 0.9 style") << QByteArray("GET / HTTP/1.1x\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("star for GET") << QByteArray("GET * HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("authority form")
        << QByteArray("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("fragment") << QByteArray("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("control in target")
        << QByteArray("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("expectation") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nExpect: x\r\n\r\n")
                                 << 417;
    QTest::newRow("empty lines only") << QByteArray("\r\n\r\n\r\n\r\n\r\n\r\n") << 400;
    QTest::newRow("binary (TLS on the plain port)")
        << QByteArray::fromHex("160301020001000200030000") + "\r\n\r\n"
        << 400;
}

void TestHttpParser::refusesAmbiguousOrMalformedHeads()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    QCOMPARE(parse(request, &head, &used, &error), http::Result::Failed);
    QCOMPARE(error.status, status);
    QVERIFY(!error.message.isEmpty());
    // No prefix of a refused head is accepted either (it fails or waits for more).
    for (qsizetype n = 0; n < request.size(); ++n)
        QVERIFY2(parse(request.left(n), &head, &used, &error) != http::Result::Complete,
                 qPrintable(QString::number(n)));
}

void TestHttpParser::waitsForAnIncompleteHead()
{
    const QByteArray request = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n";
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    for (qsizetype n = 0; n < request.size(); ++n)
        QCOMPARE(parse(request.left(n), &head, &used, &error), http::Result::Incomplete);
    QCOMPARE(parse(request, &head, &used, &error), http::Result::Complete);
}

void TestHttpParser::limitsTheHead()
{
    http::Limits limits;
    limits.maxHeadBytes = 200;
    limits.maxHeaderLines = 3;
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    // A request line that never ends within the limit: 414.
    QCOMPARE(parse("GET /" + QByteArray(300, 'a'), &head, &used, &error, limits),
             http::Result::Failed);
    QCOMPARE(error.status, 414);
    // Header lines past the limit, even without the end of the head yet: 431.
    QCOMPARE(parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + QByteArray(300, 'a'), &head, &used, &error,
                   limits),
             http::Result::Failed);
    QCOMPARE(error.status, 431);
    QCOMPARE(parse("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", &head, &used,
                   &error, limits),
             http::Result::Failed);
    QCOMPARE(error.status, 431);
    // Right at the limit is fine.
    const QByteArray exact = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
    const QByteArray fits = exact + QByteArray(200 - exact.size() - 4, 'a') + "\r\n\r\n";
    QCOMPARE(fits.size(), 200);
    QCOMPARE(parse(fits, &head, &used, &error, limits), http::Result::Complete);
    QCOMPARE(parse(fits.left(199) + "a\r\n\r\n", &head, &used, &error, limits),
             http::Result::Failed);
}

void TestHttpParser::pipelinedRequestsAreSeparated()
{
    const QByteArray first = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n";
    const QByteArray data = first + "{}GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    QCOMPARE(parse(data, &head, &used, &error), http::Result::Complete);
    QCOMPARE(used, first.size());
    QCOMPARE(head.contentLength, 2);
    QCOMPARE(parse(data.mid(used + 2), &head, &used, &error), http::Result::Complete);
    QCOMPARE(head.method, QByteArray("GET"));
}

void TestHttpParser::chunkedBodyDecodesAcrossAnySplit()
{
    const QByteArray wire = "5;name=value\r\nhello\r\n1A\r\n" + QByteArray(26, 'x')
        + "\r\n0\r\nTrailer: yes\r\n\r\nNEXT";
    const QByteArray expected = "hello" + QByteArray(26, 'x');
    // Whole, and one byte at a time.
    for (const int step : {int(wire.size()), 1, 3, 7}) {
        http::ChunkedDecoder decoder(1024);
        QByteArray body;
        qsizetype pos = 0;
        while (!decoder.isDone() && pos < wire.size()) {
            const QByteArray piece = wire.mid(pos, step);
            const qsizetype used = decoder.feed(piece, &body);
            QVERIFY(!decoder.hasFailed());
            pos += used;
            if (used < piece.size())
                break;
        }
        QVERIFY2(decoder.isDone(), qPrintable(QString::number(step)));
        QCOMPARE(body, expected);
        QCOMPARE(wire.mid(pos), QByteArray("NEXT"));
    }
}

void TestHttpParser::chunkedBodyStopsAtTheLimit()
{
    // A chunk that declares more than the limit is refused before its data is read.
    http::ChunkedDecoder big(100);
    QByteArray body;
    big.feed("65\r\n", &body); // 101 bytes
    QVERIFY(big.hasFailed());
    QCOMPARE(big.error().status, 413);
    QVERIFY(body.isEmpty());
    // Many chunks that together pass it: refused at the one that would cross it.
    http::ChunkedDecoder many(100);
    QByteArray wire;
    for (int i = 0; i < 20; ++i)
        wire += "a\r\n0123456789\r\n";
    many.feed(wire, &body);
    QVERIFY(many.hasFailed());
    QCOMPARE(many.error().status, 413);
    QVERIFY(body.size() <= 100);
}

void TestHttpParser::chunkedFramingErrors_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("status");
    QTest::newRow("no size") << QByteArray("\r\n") << 400;
    QTest::newRow("not hex") << QByteArray("xyz\r\n") << 400;
    QTest::newRow("negative") << QByteArray("-1\r\n") << 400;
    QTest::newRow("size overflow") << QByteArray("1000000000000000\r\n") << 400;
    QTest::newRow("bare LF") << QByteArray("5\nhello\r\n") << 400;
    QTest::newRow("data longer than size") << QByteArray("2\r\nabc\r\n") << 400;
    QTest::newRow("missing CRLF after data") << QByteArray("2\r\nab0\r\n\r\n") << 400;
    QTest::newRow("garbage extension") << QByteArray("2 x\r\nab\r\n") << 400;
    QTest::newRow("control in extension") << QByteArray("2;a=\x01\r\nab\r\n") << 400;
    QTest::newRow("folded trailer") << QByteArray("0\r\nA: 1\r\n 2\r\n\r\n") << 400;
    QTest::newRow("trailer without colon") << QByteArray("0\r\nJunk\r\n\r\n") << 400;
    QTest::newRow("size line too long") << QByteArray("1;" + QByteArray(2000, 'a') + "\r\n") << 400;
    QTest::newRow("endless size line") << QByteArray("1" + QByteArray(2000, '0')) << 400;
    QTest::newRow("trailers too large")
        << QByteArray("0\r\n" + QByteArray("A: " + QByteArray(1000, 'a') + "\r\n").repeated(10))
        << 431;
}

void TestHttpParser::chunkedFramingErrors()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, status);
    http::ChunkedDecoder decoder(1 << 20);
    QByteArray body;
    decoder.feed(wire, &body);
    QVERIFY(decoder.hasFailed());
    QCOMPARE(decoder.error().status, status);
}

void TestHttpParser::chunkedFramingIsBounded()
{
    // One-byte chunks with long extensions: the body stays tiny, the framing does not.
    http::ChunkedDecoder decoder(1 << 20);
    QByteArray body;
    const QByteArray chunk = "1;" + QByteArray(500, 'e') + "\r\nx\r\n";
    qint64 fed = 0;
    while (!decoder.hasFailed() && fed < 10 * http::ChunkedDecoder::MaxFramingBytes) {
        decoder.feed(chunk, &body);
        fed += chunk.size();
    }
    QVERIFY(decoder.hasFailed());
    QCOMPARE(decoder.error().status, 400);
    QVERIFY(fed <= http::ChunkedDecoder::MaxFramingBytes + chunk.size());
}

QTEST_APPLESS_MAIN(TestHttpParser)
#include "tst_httpparser.moc"
