// Status lines (server/http/statusreasons.*): every status the server sends has its own phrase,
// and an unknown code gets the phrase of its class, never a made-up word.
#include "http/statusreasons.h"

#include <QTest>

using namespace ssehub;

class TestStatusReasons : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyStatusTheServerSends_data();
    void everyStatusTheServerSends();
    void unknownCodesGetTheirClassPhrase_data();
    void unknownCodesGetTheirClassPhrase();
    void noCodeIsAnsweredWithAPlaceholder();
};

void TestStatusReasons::everyStatusTheServerSends_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("line");
    // Every status a route, the parser, the guard, the listener or a broker answers with.
    const QList<QPair<int, QByteArray>> rows {
        {100, "Continue"},
        {200, "OK"},
        {204, "No Content"},
        {207, "Multi-Status"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {415, "Unsupported Media Type"},
        {417, "Expectation Failed"},
        {421, "Misdirected Request"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {503, "Service Unavailable"},
        {505, "HTTP Version Not Supported"},
    };
    for (const auto &[status, phrase] : rows) {
        QTest::addRow("%d", status)
            << status << "HTTP/1.1 " + QByteArray::number(status) + ' ' + phrase + "\r\n";
    }
}

void TestStatusReasons::everyStatusTheServerSends()
{
    QFETCH(int, status);
    QFETCH(QByteArray, line);
    QCOMPARE(http::statusLine(status), line);
}

void TestStatusReasons::unknownCodesGetTheirClassPhrase_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("phrase");
    // RFC 9110 15: a client treats an unknown code as the x00 of its class.
    QTest::addRow("299") << 299 << QByteArray("OK");
    QTest::addRow("418") << 418 << QByteArray("Bad Request");
    QTest::addRow("499") << 499 << QByteArray("Bad Request");
    QTest::addRow("599") << 599 << QByteArray("Internal Server Error");
    QTest::addRow("199") << 199 << QByteArray("Unknown");
    QTest::addRow("399") << 399 << QByteArray("Unknown");
    QTest::addRow("0") << 0 << QByteArray("Unknown");
    QTest::addRow("600") << 600 << QByteArray("Unknown");
    QTest::addRow("-1") << -1 << QByteArray("Unknown");
}

void TestStatusReasons::unknownCodesGetTheirClassPhrase()
{
    QFETCH(int, status);
    QFETCH(QByteArray, phrase);
    QCOMPARE(http::reasonPhrase(status), phrase);
}

void TestStatusReasons::noCodeIsAnsweredWithAPlaceholder()
{
    for (int status = 100; status < 600; ++status) {
        const QByteArray phrase = http::reasonPhrase(status);
        QVERIFY2(!phrase.isEmpty() && phrase != "Status", QByteArray::number(status));
        QVERIFY(!phrase.contains('\r') && !phrase.contains('\n'));
    }
}

QTEST_APPLESS_MAIN(TestStatusReasons)
#include "tst_statusreasons.moc"
