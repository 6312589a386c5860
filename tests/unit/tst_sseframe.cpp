#include "proto/event.h"
#include "proto/sseframe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace ssehub;

class TestSseFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultTypeHasNoEventLine();
    void customType();
    void multiLineData_data();
    void multiLineData();
    void fieldsCannotBreakTheFrame();
    void retryAndComment();
    void serverFrames();
    void envelope();
    void eventIds();
};

void TestSseFrame::defaultTypeHasNoEventLine()
{
    QCOMPARE(SseFrame::event("7", "message", "{}"), QByteArray("id: 7\ndata: {}\n\n"));
    QCOMPARE(SseFrame::event("7", "", "x"), QByteArray("id: 7\ndata: x\n\n"));
}

void TestSseFrame::customType()
{
    QCOMPARE(SseFrame::event("8", "alarm", "{}"), QByteArray("id: 8\nevent: alarm\ndata: {}\n\n"));
}

void TestSseFrame::multiLineData_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("lf") << QByteArray("a\nb") << QByteArray("data: a\ndata: b\n");
    QTest::newRow("crlf") << QByteArray("a\r\nb") << QByteArray("data: a\ndata: b\n");
    QTest::newRow("cr") << QByteArray("a\rb") << QByteArray("data: a\ndata: b\n");
    QTest::newRow("trailing") << QByteArray("a\n") << QByteArray("data: a\ndata: \n");
    QTest::newRow("blank line inside")
        << QByteArray("a\n\nb") << QByteArray("data: a\ndata: \ndata: b\n");
    QTest::newRow("empty") << QByteArray() << QByteArray("data: \n");
}

void TestSseFrame::multiLineData()
{
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);
    QCOMPARE(SseFrame::event("1", "message", data), "id: 1\n" + expected + "\n");
}

void TestSseFrame::fieldsCannotBreakTheFrame()
{
    const QByteArray frame = SseFrame::event("1\r\ndata: forged", "x\nid: 666\n\nevent: y", "ok");
    // Exactly one blank line (the terminator) and exactly one id, event and data line.
    QCOMPARE(frame.count("\n\n"), 1);
    QVERIFY(frame.endsWith("\n\n"));
    const QList<QByteArray> lines = frame.chopped(2).split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("id: "));
    QVERIFY(lines[1].startsWith("event: "));
    QCOMPARE(lines[2], QByteArray("data: ok"));
    QVERIFY(!frame.contains('\r'));
    QVERIFY(!SseFrame::event(QByteArray("1\0", 2), "t", "d").contains('\0'));
}

void TestSseFrame::retryAndComment()
{
    QCOMPARE(SseFrame::retry(3000), QByteArray("retry: 3000\n\n"));
    QCOMPARE(SseFrame::ping(), QByteArray(": ping\n\n"));
    QCOMPARE(SseFrame::comment("a\nb"), QByteArray(": a\n: b\n\n"));
}

// The frames the server sends of its own: what clients (and the demo page) parse.
void TestSseFrame::serverFrames()
{
    QCOMPARE(SseFrame::reset("17", "history-gap", "12"),
             QByteArray("id: 17\nevent: reset\ndata: {\"reason\":\"history-gap\",\"oldest\":\"12\"}"
                        "\n\n"));
    QCOMPARE(
        SseFrame::reset("17", "redis-lost", QByteArray()),
        QByteArray("id: 17\nevent: reset\ndata: {\"reason\":\"redis-lost\",\"oldest\":\"\"}\n\n"));
    QCOMPARE(SseFrame::shutdown(3000),
             QByteArray("retry: 3000\nevent: shutdown\ndata: {\"retry_ms\":3000}\n\n"));
}

void TestSseFrame::envelope()
{
    const EventPtr e
        = makeEvent(42, "sensor/\"1\"/data", "alarm", "{\"v\":\"x\\ny\"}", 1700000000123);
    QCOMPARE(e->frame.count("\n\n"), 1);
    const QByteArray data = e->frame.split('\n').value(2).mid(6);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(data, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value(QLatin1String("id")).toString(), QStringLiteral("42"));
    QCOMPARE(o.value(QLatin1String("topic")).toString(), QStringLiteral("sensor/\"1\"/data"));
    QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("alarm"));
    QCOMPARE(o.value(QLatin1String("payload")).toObject().value(QLatin1String("v")).toString(),
             QStringLiteral("x\ny"));
    QCOMPARE(o.value(QLatin1String("timestamp")).toDouble(), 1700000000123.0);
    QVERIFY(e->frame.startsWith("id: 42\nevent: alarm\ndata: {"));
}

void TestSseFrame::eventIds()
{
    quint64 id = 0;
    QVERIFY(parseEventId("123", &id));
    QCOMPARE(id, 123u);
    QVERIFY(parseEventId("9223372036854775807", &id)); // 2^63 - 1
    QVERIFY(!parseEventId("9223372036854775808", &id)); // the stream-id flag: not decimal
    QVERIFY(!parseEventId("18446744073709551616", &id));
    QVERIFY(!parseEventId("", &id));
    QVERIFY(!parseEventId("-1", &id));
    QVERIFY(!parseEventId("12a", &id));
    QVERIFY(!parseEventId(" 12", &id));
    QVERIFY(!parseEventId("1e3", &id));

    // Redis Stream entry ids (cluster mode) round-trip and order by time, then sequence.
    quint64 a = 0, b = 0, c = 0;
    QVERIFY(parseEventId("1732812345678-0", &a));
    QVERIFY(parseEventId("1732812345678-7", &b));
    QVERIFY(parseEventId("1732812345679-0", &c));
    QVERIFY(a < b && b < c);
    QVERIFY(a > 9223372036854775807ULL); // above every decimal id
    QCOMPARE(formatEventId(b), QByteArray("1732812345678-7"));
    QCOMPARE(formatEventId(123), QByteArray("123"));
    // The predecessor of an entry id is a valid id again (used as a reset's resume point).
    QCOMPARE(formatEventId(c - 1), QByteArray("1732812345678-2097151"));
    QVERIFY(!parseEventId("1732812345678-", &id));
    QVERIFY(!parseEventId("-5", &id));
    QVERIFY(!parseEventId("1-2-3", &id));
    QVERIFY(!parseEventId("1732812345678-2097152", &id)); // sequence beyond 21 bits
    QVERIFY(!parseEventId("4398046511104-0", &id)); // milliseconds beyond 42 bits
}

QTEST_GUILESS_MAIN(TestSseFrame)
#include "tst_sseframe.moc"
