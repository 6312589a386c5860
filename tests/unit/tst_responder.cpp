// The bytes of an answer and the order answers leave in (server/http/responder.*), and the
// per-connection guard (server/http/httpconnection.*): when a connection is cut, closed or
// answered 408.
#include "http/httpconnection.h"
#include "http/responder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace ssehub;

class TestResponder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serializesHeadersInOrder();
    void headAnswersCarryTheLengthButNoBody();
    void errorBodyIsEscapedJson();
    void answersLeaveInRequestOrder();
    void backlogStopsReading();
    void expiry_data();
    void expiry();
};

void TestResponder::serializesHeadersInOrder()
{
    http::Answer answer;
    answer.status = 429;
    answer.contentType = "application/json";
    answer.body = http::errorBody(QStringLiteral("slow down"));
    answer.headers = "Retry-After: 2\r\n";
    answer.close = true;
    QCOMPARE(http::serialize(answer),
             QByteArray("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                        "Content-Length: 21\r\nRetry-After: 2\r\nConnection: close\r\n\r\n"
                        "{\"error\":\"slow down\"}"));

    http::Answer empty;
    empty.status = 204;
    QCOMPARE(http::serialize(empty),
             QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"));
}

void TestResponder::headAnswersCarryTheLengthButNoBody()
{
    http::Answer answer;
    answer.contentType = "text/plain";
    answer.body = "hello";
    answer.headOnly = true;
    const QByteArray out = http::serialize(answer);
    QVERIFY(out.contains("Content-Length: 5\r\n"));
    QVERIFY(out.endsWith("\r\n\r\n"));
    QVERIFY(!out.contains("hello"));
}

void TestResponder::errorBodyIsEscapedJson()
{
    const QString message = QStringLiteral("a \"quoted\"\nline \\ and \u00e9");
    const QByteArray body = http::errorBody(message);
    QVERIFY(!body.contains('\n'));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.object().value(QStringLiteral("error")).toString(), message);
    QCOMPARE(doc.object().size(), 1);
}

void TestResponder::answersLeaveInRequestOrder()
{
    http::AnswerOrder order;
    const quint64 first = order.issue();
    const quint64 second = order.issue();
    const quint64 third = order.issue();
    QCOMPARE(order.pending(), quint64(3));
    QVERIFY(!order.nextIsLatest());

    // The third and second answers are ready first (a publish waits for Redis): they wait.
    QVERIFY(order.submit(third, "3", true).isEmpty());
    QVERIFY(order.submit(second, "2", false).isEmpty());
    QCOMPARE(order.sent(), quint64(0));

    const QList<http::AnswerOrder::Ready> ready = order.submit(first, "1", false);
    QCOMPARE(ready.size(), 3);
    QCOMPARE(ready[0].bytes, QByteArray("1"));
    QCOMPARE(ready[1].bytes, QByteArray("2"));
    QCOMPARE(ready[2].bytes, QByteArray("3"));
    QVERIFY(!ready[0].close && !ready[1].close && ready[2].close);
    QCOMPARE(order.pending(), quint64(0));

    // A gap keeps what follows it back.
    const quint64 fourth = order.issue();
    const quint64 fifth = order.issue();
    QVERIFY(order.submit(fifth, "5", false).isEmpty());
    QCOMPARE(order.submit(fourth, "4", false).size(), 2);
    QVERIFY(!order.nextIsLatest());
    order.issue();
    QVERIFY(order.nextIsLatest());
}

void TestResponder::backlogStopsReading()
{
    HttpConnection conn;
    for (quint64 i = 1; i < HttpConnection::MaxPendingAnswers; ++i)
        conn.answers.issue();
    QVERIFY(!conn.answersBacklogged(0));
    QVERIFY(conn.answersBacklogged(HttpConnection::MaxUnsentAnswerBytes + 1));
    conn.answers.issue();
    QVERIFY(conn.answersBacklogged(0));
}

void TestResponder::expiry_data()
{
    using Expiry = HttpConnection::Expiry;
    QTest::addColumn<int>("phase");
    QTest::addColumn<bool>("served");
    QTest::addColumn<qint64>("requestStartMs");
    QTest::addColumn<qint64>("bytesToWrite");
    QTest::addColumn<bool>("answerPending");
    QTest::addColumn<qint64>("nowMs");
    QTest::addColumn<Expiry>("expected");
    // Timeouts: request 100 ms, keep-alive 1000 ms; everything happened at t=1000.
    const int head = int(HttpConnection::Phase::Head);
    const int closing = int(HttpConnection::Phase::Closing);
    QTest::addRow("silent, in time")
        << head << false << 0LL << 0LL << false << 1100LL << Expiry::None;
    QTest::addRow("silent, too long")
        << head << false << 0LL << 0LL << false << 1101LL << Expiry::Abort;
    QTest::addRow("slow request") << head << true << 1000LL << 0LL << false << 1101LL
                                  << Expiry::RequestTimeout;
    QTest::addRow("request in time")
        << head << true << 1000LL << 0LL << false << 1100LL << Expiry::None;
    QTest::addRow("idle, in time") << head << true << 0LL << 0LL << false << 2000LL << Expiry::None;
    QTest::addRow("idle, too long")
        << head << true << 0LL << 0LL << false << 2001LL << Expiry::Close;
    QTest::addRow("idle, answer pending")
        << head << true << 0LL << 0LL << true << 5000LL << Expiry::None;
    QTest::addRow("answers not taken")
        << head << true << 0LL << 1LL << false << 1101LL << Expiry::Abort;
    QTest::addRow("closing, in grace")
        << closing << true << 0LL << 0LL << false << 2999LL << Expiry::None;
    QTest::addRow("closing, grace over")
        << closing << true << 0LL << 0LL << false << 3000LL << Expiry::Abort;
}

void TestResponder::expiry()
{
    QFETCH(int, phase);
    QFETCH(bool, served);
    QFETCH(qint64, requestStartMs);
    QFETCH(qint64, bytesToWrite);
    QFETCH(bool, answerPending);
    QFETCH(qint64, nowMs);
    QFETCH(HttpConnection::Expiry, expected);
    HttpConnection conn;
    conn.phase = HttpConnection::Phase(phase);
    conn.served = served;
    conn.acceptedMs = conn.lastActivityMs = conn.writeSinceMs = 1000;
    conn.requestStartMs = requestStartMs;
    conn.closeAtMs = 1000 + HttpConnection::CloseGraceMs;
    if (answerPending)
        conn.answers.issue();
    const HttpConnection::Timeouts timeouts {100, 1000};
    QCOMPARE(conn.expiry(nowMs, bytesToWrite, timeouts), expected);
}

QTEST_APPLESS_MAIN(TestResponder)
#include "tst_responder.moc"
