// Browser origins (server/http/cors.*): which headers let a page read an answer, which origins
// may change state, and when a request comes from a page of another site.
#include "http/cors.h"

#include <QTest>

using namespace ssehub;

namespace {

http::RequestHead head(const QByteArray &host, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    http::RequestHead h;
    h.method = "POST";
    h.host = host;
    h.headers = headers;
    return h;
}

} // namespace

class TestCors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noOriginsConfiguredAnswersNoHeaders();
    void listedOriginIsEchoed();
    void wildcardAnswersStar();
    void ownOriginMayChangeState();
    void listedOriginsMayChangeState();
    void foreignPages_data();
    void foreignPages();
};

void TestCors::noOriginsConfiguredAnswersNoHeaders()
{
    const Cors cors({}, false);
    QVERIFY(cors.responseHeaders("https://app.example").isEmpty());
    QVERIFY(cors.responseHeaders({}).isEmpty());
}

void TestCors::listedOriginIsEchoed()
{
    const Cors cors({QStringLiteral("https://app.example")}, false);
    QCOMPARE(cors.responseHeaders("https://app.example"),
             QByteArray("Access-Control-Allow-Origin: https://app.example\r\nVary: Origin\r\n"));
    // Exact match only: no prefix, suffix, scheme or case games.
    QVERIFY(cors.responseHeaders("https://app.example.evil").isEmpty());
    QVERIFY(cors.responseHeaders("http://app.example").isEmpty());
    QVERIFY(cors.responseHeaders("https://APP.example").isEmpty());
    QVERIFY(cors.responseHeaders("null").isEmpty());
    // No Origin: not a cross-origin read.
    QVERIFY(cors.responseHeaders({}).isEmpty());
}

void TestCors::wildcardAnswersStar()
{
    const Cors cors({QStringLiteral("*")}, false);
    QCOMPARE(cors.responseHeaders("https://anything.example"),
             QByteArray("Access-Control-Allow-Origin: *\r\nVary: Origin\r\n"));
    QVERIFY(cors.originAllowed("https://anything.example", "hub:8080"));
}

void TestCors::ownOriginMayChangeState()
{
    const Cors plain({}, false);
    QVERIFY(plain.originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080"));
    QVERIFY(plain.originAllowed("HTTP://Hub.Example:8080", "hub.example:8080"));
    QVERIFY(!plain.originAllowed("https://127.0.0.1:8080", "127.0.0.1:8080")); // other scheme
    QVERIFY(!plain.originAllowed("http://127.0.0.1:9090", "127.0.0.1:8080")); // other port
    QVERIFY(!plain.originAllowed("http://", {})); // no Host: no own origin
    QVERIFY(plain.originAllowed({}, "127.0.0.1:8080")); // no Origin: not a browser's cross-site

    const Cors tls({}, true);
    QVERIFY(tls.originAllowed("https://hub.example", "hub.example"));
    QVERIFY(!tls.originAllowed("http://hub.example", "hub.example"));
}

void TestCors::listedOriginsMayChangeState()
{
    const Cors cors({QStringLiteral("https://app.example")}, false);
    QVERIFY(cors.originAllowed("https://app.example", "hub:8080"));
    QVERIFY(!cors.originAllowed("https://evil.example", "hub:8080"));
    // An empty but present Origin is a value like any other.
    QVERIFY(!cors.originAllowed(QByteArray(""), "hub:8080"));
}

void TestCors::foreignPages_data()
{
    QTest::addColumn<QByteArray>("origin"); // null: no Origin header
    QTest::addColumn<QByteArray>("site"); // null: no Sec-Fetch-Site header
    QTest::addColumn<bool>("foreign");
    QTest::addRow("curl") << QByteArray() << QByteArray() << false;
    QTest::addRow("own origin") << QByteArray("http://hub:8080") << QByteArray("same-origin")
                                << false;
    QTest::addRow("allowed origin")
        << QByteArray("https://app.example") << QByteArray("cross-site") << false;
    QTest::addRow("other origin") << QByteArray("https://evil.example") << QByteArray() << true;
    // Origin decides when present, whatever Sec-Fetch-Site says.
    QTest::addRow("other origin, same-site claim")
        << QByteArray("https://evil.example") << QByteArray("same-origin") << true;
    // Browsers omit Origin on images, no-cors fetches and navigations.
    QTest::addRow("no origin, cross-site") << QByteArray() << QByteArray("cross-site") << true;
    QTest::addRow("no origin, same-site") << QByteArray() << QByteArray("same-site") << true;
    QTest::addRow("no origin, Same-Origin") << QByteArray() << QByteArray("Same-Origin") << false;
    QTest::addRow("no origin, none") << QByteArray() << QByteArray("none") << false;
}

void TestCors::foreignPages()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, site);
    QFETCH(bool, foreign);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!origin.isNull())
        headers.append({"origin", origin});
    if (!site.isNull())
        headers.append({"sec-fetch-site", site});
    const Cors cors({QStringLiteral("https://app.example")}, false);
    QCOMPARE(cors.fromForeignPage(head("hub:8080", headers)), foreign);
}

QTEST_APPLESS_MAIN(TestCors)
#include "tst_cors.moc"
