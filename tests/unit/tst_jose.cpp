// The JOSE text formats (auth/jose) and HMAC keys (auth/hmac) that token verification stands on:
// canonical base64url only, strict JSON objects without repeated names at any level, and MACs
// that agree with Qt's own HMAC and RFC 4231.
#include "auth/hmac.h"
#include "auth/jose.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace ssehub;

class TestJose : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void base64UrlRoundTrips();
    void base64UrlRefusesNonCanonical_data();
    void base64UrlRefusesNonCanonical();
    void objectsRead();
    void objectsRefused_data();
    void objectsRefused();
    void repeatedNamesInLargeObjects();
    void edgeCases();
    void hmacAgreesWithQt();
    void hmacKnownAnswer();
};

void TestJose::base64UrlRoundTrips()
{
    for (int length = 0; length < 70; ++length) {
        QByteArray bytes(length, Qt::Uninitialized);
        for (int i = 0; i < length; ++i)
            bytes[i] = char(i * 37 + length);
        const QByteArray text = jose::base64UrlEncode(bytes);
        QVERIFY(!text.contains('=') && !text.contains('+') && !text.contains('/'));
        QByteArray back;
        QVERIFY2(jose::base64UrlDecode(text, &back), text.constData());
        QCOMPARE(back, bytes);
        // Qt's decoder reads the same bytes from it.
        QCOMPARE(QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding), bytes);
    }
}

void TestJose::base64UrlRefusesNonCanonical_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("padding") << QByteArray("YQ==");
    QTest::newRow("plus") << QByteArray("a+b_");
    QTest::newRow("slash") << QByteArray("a/b-");
    QTest::newRow("space") << QByteArray("YW J");
    QTest::newRow("one char left over") << QByteArray("YWJjZ");
    QTest::newRow("unused bits set (2 chars)") << QByteArray("YR"); // "a" is YQ
    QTest::newRow("unused bits set (3 chars)") << QByteArray("YWJ"); // "ab" is YWI
    QTest::newRow("NUL") << QByteArray("YW\0J", 4);
    QTest::newRow("high byte") << QByteArray("YW\xc3\xa9");
}

void TestJose::base64UrlRefusesNonCanonical()
{
    QFETCH(QByteArray, text);
    QByteArray out = "untouched";
    QVERIFY(!jose::base64UrlDecode(text, &out));
    QCOMPARE(out, QByteArray("untouched"));
}

void TestJose::objectsRead()
{
    jose::Value v;
    QString error;
    QVERIFY2(
        jose::parseObject(R"( {"sub":"dev-1","exp":1800000000,"nbf":1.5e9,"roles":["a","b\u00e9"],
        "nested":{"x":[{"y":null}],"z":true},"esc":"\"\\\/\b\f\n\r\t\ud83d\ude00","neg":-0.25} )",
                          &v, &error),
        qPrintable(error));
    QVERIFY(v.isObject());
    QCOMPARE(v.members.size(), 7);
    QCOMPARE(v.member("sub")->string, QByteArray("dev-1"));
    QCOMPARE(v.member("exp")->number, 1800000000.0);
    QCOMPARE(v.member("nbf")->number, 1.5e9);
    QCOMPARE(v.member("neg")->number, -0.25);
    QVERIFY(v.member("roles")->isStringArray());
    QCOMPARE(v.member("roles")->items.at(1).string, QByteArray("b\xc3\xa9"));
    QCOMPARE(v.member("esc")->string, QByteArray("\"\\/\b\f\n\r\t\xf0\x9f\x98\x80"));
    const jose::Value *nested = v.member("nested");
    QVERIFY(nested && nested->isObject());
    QCOMPARE(nested->member("z")->boolean, true);
    QCOMPARE(nested->member("x")->items.at(0).member("y")->kind, jose::Value::Kind::Null);
    QVERIFY(!v.member("missing"));
    QVERIFY(!nested->member("x")->isStringArray());
    // Names are compared after unescaping: "a" and "\u0061" are one name.
    QVERIFY(!jose::parseObject(R"({"a":1,"\u0061":2})", &v, &error));
    QCOMPARE(error, QStringLiteral("a member name appears twice"));
    // Raw UTF-8 inside strings is kept as it is.
    QVERIFY(jose::parseObject("{\"k\":\"\xe4\xbd\xa0\xe5\xa5\xbd\"}", &v, &error));
    QCOMPARE(v.member("k")->string, QByteArray("\xe4\xbd\xa0\xe5\xa5\xbd"));
}

void TestJose::objectsRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("array") << QByteArray("[1]");
    QTest::newRow("string") << QByteArray("\"x\"");
    QTest::newRow("trailing text") << QByteArray("{} x");
    QTest::newRow("two objects") << QByteArray("{}{}");
    QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})");
    QTest::newRow("trailing comma in array") << QByteArray(R"({"a":[1,]})");
    QTest::newRow("unquoted name") << QByteArray("{a:1}");
    QTest::newRow("single quotes") << QByteArray("{'a':1}");
    QTest::newRow("no colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("unterminated") << QByteArray(R"({"a":"x)");
    QTest::newRow("cut short") << QByteArray(R"({"a":1)");
    QTest::newRow("leading zero") << QByteArray(R"({"a":01})");
    QTest::newRow("plus sign") << QByteArray(R"({"a":+1})");
    QTest::newRow("bare dot") << QByteArray(R"({"a":.5})");
    QTest::newRow("dot without digits") << QByteArray(R"({"a":1.})");
    QTest::newRow("exponent without digits") << QByteArray(R"({"a":1e})");
    QTest::newRow("infinite") << QByteArray(R"({"a":1e400})");
    QTest::newRow("NaN") << QByteArray(R"({"a":NaN})");
    QTest::newRow("truth") << QByteArray(R"({"a":tru})");
    QTest::newRow("control character") << QByteArray("{\"a\":\"x\ty\"}");
    QTest::newRow("bad escape") << QByteArray(R"({"a":"\x"})");
    QTest::newRow("short unicode escape") << QByteArray(R"({"a":"\u12"})");
    QTest::newRow("lone high surrogate") << QByteArray(R"({"a":"\ud800"})");
    QTest::newRow("lone low surrogate") << QByteArray(R"({"a":"\udc00x"})");
    QTest::newRow("high surrogate and a letter") << QByteArray(R"({"a":"\ud800\u0041"})");
    QTest::newRow("invalid UTF-8") << QByteArray("{\"a\":\"\xc3\x28\"}");
    QTest::newRow("overlong UTF-8") << QByteArray("{\"a\":\"\xc0\xaf\"}");
    QTest::newRow("UTF-8 surrogate") << QByteArray("{\"a\":\"\xed\xa0\x80\"}");
    QTest::newRow("repeated name") << QByteArray(R"({"sub":"a","sub":"b"})");
    QTest::newRow("repeated nested name") << QByteArray(R"({"a":[{"x":1,"y":2,"x":3}]})");
    QTest::newRow("too deep") << QByteArray("{\"a\":" + QByteArray(jose::MaxDepth, '[')
                                            + QByteArray(jose::MaxDepth, ']') + "}");
}

void TestJose::objectsRefused()
{
    QFETCH(QByteArray, json);
    jose::Value v;
    QString error;
    QVERIFY(!jose::parseObject(json, &v, &error));
    QVERIFY(!error.isEmpty());
}

void TestJose::repeatedNamesInLargeObjects()
{
    // Past a handful of members, names are checked by sorting: the same answers.
    for (const int count : {16, 17, 100, 2000}) {
        QByteArray json = "{";
        for (int i = 0; i < count; ++i)
            json += (i ? ",\"k" : "\"k") + QByteArray::number(i) + "\":" + QByteArray::number(i);
        jose::Value v;
        QString error;
        QVERIFY2(jose::parseObject(QByteArray(json + "}"), &v, &error), qPrintable(error));
        QCOMPARE(v.members.size(), count);
        const QByteArray middle = json + ",\"k" + QByteArray::number(count / 2) + "\":0}";
        QVERIFY(!jose::parseObject(middle, &v, &error));
        QVERIFY(!jose::parseObject(QByteArray(json + ",\"k0\":0}"), &v, &error));
    }
    // Nesting within the bound is fine.
    const QByteArray deep = "{\"a\":" + QByteArray(jose::MaxDepth - 1, '[')
        + QByteArray(jose::MaxDepth - 1, ']') + "}";
    jose::Value v;
    QString error;
    QVERIFY2(jose::parseObject(deep, &v, &error), qPrintable(error));
}

// What a forger can put in a header: read one way only, refused where JSON does not allow it.
void TestJose::edgeCases()
{
    jose::Value v;
    QString error;
    // -0 is a number (0); numbers that underflow or overflow a double are refused.
    QVERIFY(jose::parseObject(R"({"a":-0,"b":-0.0e-0})", &v, &error));
    QCOMPARE(v.member("a")->number, 0.0);
    QVERIFY(!jose::parseObject(R"({"a":1e-400})", &v, &error));
    QVERIFY(!jose::parseObject(R"({"a":-1e999})", &v, &error));
    // Names differing by an escaped NUL are different; the same name spelled with escapes
    // (BMP, a surrogate pair) against its UTF-8 is the same.
    QVERIFY(jose::parseObject(R"({"alg":1,"alg\u0000":2})", &v, &error));
    QCOMPARE(v.member("alg")->number, 1.0);
    QCOMPARE(v.member(QByteArrayView("alg\0", 4))->number, 2.0);
    for (const QByteArray &twice :
         {QByteArray(R"({"alg":1,"\u0061\u006c\u0067":2})"),
          QByteArray("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}"),
          QByteArray("{\"\\u00e9\":1,\"\xc3\xa9\":2}"), QByteArray(R"({"\/":1,"/":2})")}) {
        QVERIFY2(!jose::parseObject(twice, &v, &error), twice.constData());
        QVERIFY(error.contains(QLatin1String("twice")));
    }
    // Repeated names past the pairwise check, spelled differently.
    QByteArray many = "{";
    for (int i = 0; i < 40; ++i)
        many += "\"k" + QByteArray::number(i) + "\":0,";
    QVERIFY(!jose::parseObject(QByteArray(many + R"("\u006b7":1})"), &v, &error));
    // Bytes JSON does not allow outside strings, and a byte order mark.
    for (const QByteArray &bad :
         {QByteArray("\xef\xbb\xbf{}"), QByteArray("{\x0b}"), QByteArray("{}\0", 3),
          QByteArray("{\"a\":1\0}", 8), QByteArray("{\"a\":\"\0\"}", 8),
          QByteArray("{\"a\":\"\xf4\x90\x80\x80\"}"), QByteArray(R"({"a":"\uD800\uD800"})"),
          QByteArray(R"({"a":"\u"})"), QByteArray(R"({"a":"\u00G0"})"), QByteArray("{\"a\":-}"),
          QByteArray("{\"a\":--1}"), QByteArray("{\"a\":1.5.5}"), QByteArray("{\"a\":0x10}"),
          QByteArray("{\"a\":Infinity}"), QByteArray("{\"a\" : nul}"), QByteArray("{,}"),
          QByteArray("{\"a\":1,,\"b\":2}"), QByteArray("{\"a\":[1 2]}")})
        QVERIFY2(!jose::parseObject(bad, &v, &error), bad.constData());
    // Deep nesting of objects and arrays mixed, and an unterminated deep text: refused at the
    // bound, without recursing further.
    QByteArray mixed = "{";
    for (int i = 1; i < jose::MaxDepth; ++i)
        mixed += i % 2 ? "\"a\":[" : "{";
    QVERIFY(!jose::parseObject(QByteArray(mixed + QByteArray(100000, '[')), &v, &error));
    QVERIFY(error.contains(QLatin1String("deeper")));
    QVERIFY(!jose::parseObject(QByteArray("{\"a\":").repeated(20000), &v, &error));
    QVERIFY(error.contains(QLatin1String("deeper")));
}

void TestJose::hmacAgreesWithQt()
{
    // Keys shorter than, as long as and longer than a block (64 bytes for SHA-256, 128 for
    // SHA-384/512: a longer key is replaced by its digest), and messages around block sizes.
    const QList<std::pair<Hmac::Digest, QCryptographicHash::Algorithm>> digests {
        {Hmac::Digest::Sha256, QCryptographicHash::Sha256},
        {Hmac::Digest::Sha384, QCryptographicHash::Sha384},
        {Hmac::Digest::Sha512, QCryptographicHash::Sha512}};
    for (const int keyLength : {0, 1, 32, 63, 64, 65, 127, 128, 129, 300}) {
        QByteArray key(keyLength, Qt::Uninitialized);
        for (int i = 0; i < keyLength; ++i)
            key[i] = char(i * 7 + 3);
        for (const auto &[digest, algorithm] : digests) {
            const Hmac hmac(digest, key);
            QVERIFY(hmac.isValid());
            QCOMPARE(hmac.size(), QCryptographicHash::hashLength(algorithm));
            for (const int dataLength : {0, 1, 55, 56, 64, 200, 1000}) {
                QByteArray data(dataLength, Qt::Uninitialized);
                for (int i = 0; i < dataLength; ++i)
                    data[i] = char(i * 13 + 1);
                const QByteArray expected = QMessageAuthenticationCode::hash(data, key, algorithm);
                QCOMPARE(hmac.mac(data), expected);
                QVERIFY(hmac.verify(data, expected));
                QByteArray wrong = expected;
                wrong[wrong.size() - 1] = char(wrong.at(wrong.size() - 1) ^ 1);
                QVERIFY(!hmac.verify(data, wrong));
                QVERIFY(!hmac.verify(data, expected.left(expected.size() - 1)));
                QVERIFY(!hmac.verify(data, {}));
            }
        }
    }
}

void TestJose::hmacKnownAnswer()
{
    // RFC 4231, test case 2.
    const Hmac hmac(Hmac::Digest::Sha256, "Jefe");
    QCOMPARE(hmac.mac("what do ya want for nothing?").toHex(),
             QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
}

QTEST_GUILESS_MAIN(TestJose)
#include "tst_jose.moc"
