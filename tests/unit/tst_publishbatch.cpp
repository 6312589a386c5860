// POST /publish bodies without sockets: the fast reader gives the answers and the fields of the
// QJsonDocument reference on every body (a table of edge cases and thousands of generated
// ones), and batches (NDJSON and JSON arrays) are read item by item within their limits.
#include "api/publishbatch.h"
#include "proto/topicfilter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace ssehub;

namespace {

const QByteArray Json("application/json");
const QByteArray Ndjson("application/x-ndjson");

QByteArray nested(int levels, const QByteArray &inner)
{
    return QByteArray(levels, '[') + inner + QByteArray(levels, ']');
}

// The reference and the fast path on one body: empty when they agree.
QString singleDifference(const QByteArray &body)
{
    PublishRequest reference;
    PublishRequest fast;
    int referenceStatus = 0;
    int fastStatus = 0;
    const QString referenceError
        = parsePublishBody(Json, body, 1 << 20, &reference, &referenceStatus);
    const QString fastError = parsePublishBodyFast(Json, body, 1 << 20, &fast, &fastStatus);
    if (referenceError != fastError || referenceStatus != fastStatus
        || reference.topic != fast.topic || reference.type != fast.type
        || reference.payloadJson != fast.payloadJson)
        return QStringLiteral("body %1\n reference: %2 %3 [%4] [%5] %6\n fast:      %7 %8 [%9] "
                              "[%10] %11")
            .arg(QString::fromLatin1(body.toPercentEncoding(" {}[]\":,/\\")))
            .arg(referenceStatus)
            .arg(referenceError, QString::fromLatin1(reference.topic.toHex()),
                 QString::fromUtf8(reference.type), QString::fromUtf8(reference.payloadJson))
            .arg(fastStatus)
            .arg(fastError, QString::fromLatin1(fast.topic.toHex()), QString::fromUtf8(fast.type),
                 QString::fromUtf8(fast.payloadJson));
    // Whatever the fast reader decides on its own must be that answer too.
    PublishRequest alone;
    QString aloneError;
    if (parsePublishJsonFast(body, &alone, &aloneError) == FastParse::Decided
        && (aloneError != referenceError || alone.payloadJson != reference.payloadJson))
        return QStringLiteral("fast reader alone differs on %1")
            .arg(QString::fromLatin1(body.toPercentEncoding()));
    return {};
}

QString batchDifference(const QByteArray &contentType, const QByteArray &body,
                        const PublishBatchLimits &limits)
{
    QList<BatchItem> reference;
    QList<BatchItem> fast;
    int referenceStatus = 0;
    int fastStatus = 0;
    const QString referenceError
        = parsePublishBatchQt(contentType, body, limits, &reference, &referenceStatus);
    const QString fastError = parsePublishBatch(contentType, body, limits, &fast, &fastStatus);
    const QString where
        = QString::fromLatin1(contentType + ' ' + body.toPercentEncoding(" {}[]\":,"));
    if (referenceError != fastError || referenceStatus != fastStatus)
        return QStringLiteral("%1\n reference: %2 %3\n fast: %4 %5")
            .arg(where)
            .arg(referenceStatus)
            .arg(referenceError)
            .arg(fastStatus)
            .arg(fastError);
    if (reference.size() != fast.size())
        return QStringLiteral("%1: %2 items, fast %3")
            .arg(where)
            .arg(reference.size())
            .arg(fast.size());
    for (qsizetype i = 0; i < reference.size(); ++i) {
        const BatchItem &r = reference.at(i);
        const BatchItem &f = fast.at(i);
        if (r.error != f.error || r.status != f.status || r.request.topic != f.request.topic
            || r.request.type != f.request.type || r.request.payloadJson != f.request.payloadJson)
            return QStringLiteral("%1\n item %2: reference %3 %4 %5, fast %6 %7 %8")
                .arg(where)
                .arg(i)
                .arg(r.status)
                .arg(r.error, QString::fromUtf8(r.request.payloadJson))
                .arg(f.status)
                .arg(f.error, QString::fromUtf8(f.request.payloadJson));
    }
    return {};
}

// Random publish bodies: mostly events, with the pieces that make JSON readers disagree (escapes,
// numbers, duplicate and unsorted keys, whitespace, invalid UTF-8) and now and then a broken byte.
class BodyGenerator
{
public:
    explicit BodyGenerator(quint32 seed)
        : m_random(seed)
    {
    }

    int pick(int n) { return int(m_random.bounded(n)); }
    bool chance(int percent) { return pick(100) < percent; }

    template<qsizetype N> QByteArray pickFrom(const char *const (&choices)[N])
    {
        return QByteArray(choices[pick(int(N))]);
    }

    QByteArray space()
    {
        static const char *const spaces[] = {" ", "\n", "\t", "\r\n", "  \n  "};
        return chance(20) ? pickFrom(spaces) : QByteArray();
    }

    QByteArray stringContent()
    {
        static const char *const pieces[] = {"a",
                                             "b",
                                             "sensor",
                                             "/",
                                             "42",
                                             "x y",
                                             "\xc3\xa9",
                                             "\xe4\xbc\xa0",
                                             "\xf0\x9f\x98\x80",
                                             "\\n",
                                             "\\\"",
                                             "\\\\",
                                             "\\/",
                                             "\\u00e9",
                                             "\\ud83d\\ude00",
                                             "\\u0000",
                                             "\\u001f",
                                             "\\t",
                                             "\x01",
                                             "\t",
                                             "\x7f",
                                             "\xef\xbf\xbe",
                                             "+",
                                             "#",
                                             "$SYS",
                                             "\\u002F",
                                             "\\b\\f\\r",
                                             "\xee\x80\x80"};
        static const char *const rare[] = {"\\ud800", "\\udc00x", "\\a", "\xff", "\xed\xa0\x80",
                                           "\\u12",   "\"",       "\\",  "\xc3", "\\u00E9"};
        QByteArray text;
        const int count = pick(5);
        for (int i = 0; i < count; ++i)
            text += chance(3) ? pickFrom(rare) : pickFrom(pieces);
        return text;
    }

    QByteArray string() { return '"' + stringContent() + '"'; }

    QByteArray digits(int count, bool leadingZeroAllowed)
    {
        QByteArray text;
        for (int i = 0; i < count; ++i)
            text += char('0' + (i == 0 && !leadingZeroAllowed ? 1 + pick(9) : pick(10)));
        return text;
    }

    QByteArray number()
    {
        static const char *const special[] = {"1.0",
                                              "1e2",
                                              "1E-7",
                                              "-0",
                                              "-0.0",
                                              "1e17",
                                              "9223372036854775807",
                                              "9223372036854775808",
                                              "-9223372036854775808",
                                              "-9223372036854775809",
                                              "1e400",
                                              "1e-400",
                                              "4.9e-324",
                                              ".5",
                                              "1.",
                                              "01",
                                              "-",
                                              "+1",
                                              "1e",
                                              "0x1",
                                              "1.5e+3",
                                              "0.1",
                                              "21.5",
                                              "123456789012345678901",
                                              "1e16",
                                              "-1e308"};
        if (chance(30))
            return pickFrom(special);
        QByteArray text = chance(30) ? "-" : "";
        text += chance(10) ? QByteArray("0") : digits(1 + pick(chance(20) ? 22 : 6), false);
        if (chance(25))
            text += '.' + digits(1 + pick(8), true);
        if (chance(15))
            text += QByteArray(chance(50) ? "e" : "E")
                + (chance(30)       ? "-"
                       : chance(30) ? "+"
                                    : "")
                + digits(1 + pick(3), true);
        return text;
    }

    QByteArray key()
    {
        static const char *const keys[] = {"a",
                                           "b",
                                           "c",
                                           "B",
                                           "",
                                           "ab",
                                           "\xc3\xa9",
                                           "n",
                                           "\xf0\x9f\x98\x80",
                                           "\xee\x80\x80",
                                           "a\x01",
                                           "topic"};
        if (chance(3))
            return "\"a\\u0062\"";
        return '"' + pickFrom(keys) + '"';
    }

    QByteArray value(int depth)
    {
        switch (pick(depth > 3 ? 4 : 7)) {
        case 0: {
            static const char *const words[] = {"true", "false", "null"};
            static const char *const broken[] = {"nul", "True", "fals"};
            return chance(97) ? pickFrom(words) : pickFrom(broken);
        }
        case 1:
            return number();
        case 2:
        case 3:
            return string();
        case 4: {
            QByteArray text = "[" + space();
            const int count = pick(5);
            for (int i = 0; i < count; ++i)
                text += (i ? "," + space() : QByteArray()) + value(depth + 1) + space();
            return text + "]";
        }
        default: {
            QByteArray text = "{" + space();
            const int count = pick(5);
            for (int i = 0; i < count; ++i)
                text += (i ? "," + space() : QByteArray()) + key() + space() + ":" + space()
                    + value(depth + 1) + space();
            return text + "}";
        }
        }
    }

    QByteArray topicValue()
    {
        static const char *const topics[] = {"\"sensor/42/data\"",
                                             "\"a/b\"",
                                             "\"\xe4\xbc\xa0\xe6\x84\x9f/\xe4\xb8\x80\"",
                                             "\"x\\u002fy\"",
                                             "\"\"",
                                             "\"a/+\"",
                                             "\"#\"",
                                             "\"with space\"",
                                             "\"\\u0000\"",
                                             "\"a\\tb\"",
                                             "\"\\u4f20\\ud83d\\ude00\"",
                                             "\"intake\"",
                                             "\"\\ud800\"",
                                             "\"\\q\""};
        if (chance(15))
            return '"' + QByteArray(255 + pick(3), 't') + '"';
        return chance(80) ? pickFrom(topics) : value(1);
    }

    QByteArray typeValue()
    {
        static const char *const types[]
            = {"\"alarm\"", "\"message\"",     "\"error\"",     "\"open\"",
               "\"reset\"", "\"a b\"",         "\"\"",          "null",
               "5",         "\"\\u0065rror\"", "\"\xc3\xa9v\"", "\"a\\u0001\""};
        if (chance(5))
            return '"' + QByteArray(64 + pick(2), 'y') + '"';
        return pickFrom(types);
    }

    QByteArray event()
    {
        QList<QByteArray> members;
        if (chance(90))
            members.append("\"topic\"" + space() + ":" + space() + topicValue());
        if (chance(40))
            members.append("\"type\"" + space() + ":" + space() + typeValue());
        if (chance(85))
            members.append("\"payload\"" + space() + ":" + space() + value(1));
        if (chance(30))
            members.append(key() + ":" + value(1));
        if (chance(10) && !members.isEmpty())
            members.append(members.at(pick(int(members.size()))));
        for (qsizetype i = members.size() - 1; i > 0; --i)
            members.swapItemsAt(i, pick(int(i + 1)));
        QByteArray text = space() + "{" + space();
        for (qsizetype i = 0; i < members.size(); ++i)
            text += (i ? "," + space() : QByteArray()) + members.at(i) + space();
        return text + "}" + space();
    }

    QByteArray mutate(QByteArray text)
    {
        static const char mutations[] = "{}[]\":,\\ 0-.eEu\x80\xff";
        if (text.isEmpty())
            return text;
        const int at = pick(int(text.size()));
        switch (pick(6)) {
        case 0:
            text[at] = mutations[pick(int(sizeof(mutations) - 1))];
            break;
        case 1:
            text.remove(at, 1);
            break;
        case 2:
            text.insert(at, mutations[pick(int(sizeof(mutations) - 1))]);
            break;
        case 3:
            text.truncate(at);
            break;
        case 4:
            text += chance(50) ? QByteArray(" x") : QByteArray("\0", 1);
            break;
        default:
            text.prepend("\xef\xbb\xbf");
        }
        return text;
    }

    QByteArray body()
    {
        QByteArray text = chance(85) ? event() : value(0);
        return chance(25) ? mutate(text) : text;
    }

private:
    QRandomGenerator m_random;
};

} // namespace

class TestPublishBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void qtBehaviour();
    void edgeCases_data();
    void edgeCases();
    void randomBodies();
    void fields();
    void payloadIsCompact();
    void contentTypes_data();
    void contentTypes();
    void bodyLimits();
    void linesEachOnTheirOwn();
    void linesCrlfAndEmpty();
    void linesLimits();
    void arrayElements();
    void brokenArray();
    void arrayLimits();
    void emptyBatches();
    void randomBatches();
    void answer();
};

// What QJsonDocument does that the fast reader reproduces or leaves to it: if Qt changes one of
// these, this fails first.
void TestPublishBatch::qtBehaviour()
{
    const auto compact = [](const QByteArray &json) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
        return error.error == QJsonParseError::NoError ? doc.toJson(QJsonDocument::Compact)
                                                       : QByteArray("error");
    };
    // A key given twice keeps its last value; keys come out sorted by code point.
    QCOMPARE(compact(R"({"b":1,"a":2,"b":3})"), R"({"a":2,"b":3})");
    QCOMPARE(compact("{\"\xf0\x9f\x98\x80\":1,\"\xee\x80\x80\":2}"),
             "{\"\xee\x80\x80\":2,\"\xf0\x9f\x98\x80\":1}");
    // Numbers: integers as written in qint64's range, the rest through a double.
    QCOMPARE(compact("[1.0,1e2,-0,-0.0,1.5E-7,21.5,1e17,9223372036854775808,-9223372036854775809]"),
             "[1,100,0,0,1.5e-07,21.5,100000000000000000,9223372036854776000,"
             "-9223372036854775808]");
    QCOMPARE(compact("[1e400]"), "error");
    QCOMPARE(compact("[1e-400]"), "error");
    QCOMPARE(compact("[.5,1.]"), "[0.5,1]"); // not JSON, taken by Qt
    QCOMPARE(compact("[01]"), "error");
    // Strings: raw control characters taken and escaped on the way out, \a taken as "a", lone
    // surrogates kept as escapes, invalid UTF-8 refused, noncharacters kept, / not escaped.
    QCOMPARE(compact("[\"a\tb\x01\"]"), "[\"a\\tb\\u0001\"]");
    QCOMPARE(compact(R"(["\a\/\u00e9\u007f"])"), "[\"a/\xc3\xa9\x7f\"]");
    QCOMPARE(compact(R"(["\ud800"])"), R"(["\ud800"])");
    QCOMPARE(compact("[\"\xff\"]"), "error");
    QCOMPARE(compact("[\"\xed\xa0\x80\"]"), "error");
    QCOMPARE(compact("[\"\xef\xbf\xbe\"]"), "[\"\xef\xbf\xbe\"]");
    // A lone surrogate in a topic becomes "?" in UTF-8.
    QCOMPARE(QJsonDocument::fromJson(R"({"t":"\ud800"})").object().value(u"t").toString().toUtf8(),
             "?");
    // The document: a byte order mark is skipped, form feed is not whitespace, nothing may
    // follow, 1024 levels parse and 1025 do not.
    QCOMPARE(compact("\xef\xbb\xbf[1]"), "[1]");
    QCOMPARE(compact("\f[1]"), "error");
    QCOMPARE(compact(QByteArray("[1]\0", 4)), "error");
    QCOMPARE(compact(nested(1024, "")), nested(1024, ""));
    QCOMPARE(compact(nested(1025, "")), "error");
}

void TestPublishBatch::edgeCases_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("fastDecides"); // without QJsonDocument

    const auto row = [](const char *name, const QByteArray &body, bool fastDecides) {
        QTest::newRow(name) << body << fastDecides;
    };
    row("minimal", R"({"topic":"intake","payload":{"n":1}})", true);
    // U+FEFF raw at the start of a string: Qt drops it (found by the audit's differential
    // fuzzer); in a topic, a payload string, a key.
    row("BOM starts the topic",
        "{\"topic\":\"\xEF\xBB\xBF"
        "a\",\"payload\":1}",
        false);
    row("BOM starts a payload string",
        "{\"topic\":\"a\",\"payload\":\"\xEF\xBB\xBF"
        "X\"}",
        false);
    row("BOM inside a payload string", "{\"topic\":\"a\",\"payload\":\"X\xEF\xBB\xBF\"}", false);
    row("BOM starts a key",
        "{\"topic\":\"a\",\"payload\":{\"\xEF\xBB\xBF"
        "k\":1}}",
        false);
    row("whitespace",
        " \r\n\t{ \"topic\" : \"a\" ,\n \"payload\" : [ 1 , { \"b\" : 2 , \"a\" : 1 } ] } \n",
        true);
    row("topic twice", R"({"topic":"a","topic":"b","payload":1})", true);
    row("topic twice, last a number", R"({"topic":"a","topic":1,"payload":1})", true);
    row("payload twice", R"({"topic":"a","payload":{"x":1},"payload":[2]})", true);
    row("unsorted payload keys", R"({"topic":"a","payload":{"b":1,"a":2,"b":3,"":0}})", true);
    row("nested unsorted keys", R"({"payload":{"z":{"y":1,"x":[{"d":1,"c":2}]}},"topic":"t"})",
        true);
    row("non-ASCII keys",
        "{\"topic\":\"a\",\"payload\":{\"\xf0\x9f\x98\x80\":1,\"\xee\x80\x80\":2,"
        "\"\xc3\xa9\":3}}",
        true);
    row("control character in a key", "{\"topic\":\"a\",\"payload\":{\"b\x01\":1,\"b\":2}}", true);
    row("escaped topic", R"({"topic":"sensor\/42\u002fdata","payload":null})", true);
    row("unicode topic",
        "{\"topic\":\"\xe4\xbc\xa0\xe6\x84\x9f\xe5\x99\xa8/\xe4\xb8\x80\","
        "\"payload\":1}",
        true);
    row("escaped unicode topic", R"({"topic":"\u4f20\u611f/\ud83d\ude00","payload":1})", true);
    row("lone surrogate in topic", R"({"topic":"a\ud800","payload":1})", false);
    row("lone low surrogate in payload", R"({"topic":"a","payload":"\udc00"})", false);
    row("Qt's lenient escape", R"({"topic":"\a","payload":1})", false);
    row("control character in topic", "{\"topic\":\"a\x01z\",\"payload\":1}", true);
    row("escaped NUL in topic", R"({"topic":"a\u0000","payload":1})", true);
    row("newline in payload string", "{\"topic\":\"a\",\"payload\":\"line 1\nline 2\"}", true);
    row("numbers",
        "{\"topic\":\"a\",\"payload\":[1.0,1e2,-0,-0.0,1.5E-7,21.5,"
        "9223372036854775807,9223372036854775808,-9223372036854775809,"
        "123456789012345678901,1e17,4.9e-324,0.1,-1e308,1E+2]}",
        true);
    row("number too big", R"({"topic":"a","payload":1e400})", false);
    row("number too small", R"({"topic":"a","payload":[1e-400]})", false);
    row("number .5", R"({"topic":"a","payload":.5})", false);
    row("number 1.", R"({"topic":"a","payload":[1.]})", false);
    row("leading zero", R"({"topic":"a","payload":01})", false);
    row("number in an ignored key", R"({"topic":"a","x":1e400,"payload":1})", false);
    row("byte order mark", "\xef\xbb\xbf{\"topic\":\"a\",\"payload\":1}", true);
    row("byte order mark alone", "\xef\xbb\xbf", false);
    row("byte order mark and brace", "\xef\xbb\xbf{", false);
    row("trailing garbage", R"({"topic":"a","payload":1} x)", false);
    row("trailing NUL", QByteArray("{\"topic\":\"a\",\"payload\":1}\0", 26), false);
    row("form feed", "\f{\"topic\":\"a\",\"payload\":1}", false);
    row("array body", R"([{"topic":"a","payload":1}])", false);
    row("string body", R"("topic")", false);
    row("empty body", "", false);
    row("not JSON", "hello", false);
    row("empty object", "{}", true);
    row("missing comma", R"({"topic":"a" "payload":1})", false);
    row("trailing comma", R"({"topic":"a","payload":1,})", false);
    row("unterminated", R"({"topic":"a","payload":{"b":1})", false);
    row("type reserved", R"({"topic":"a","type":"error","payload":1})", true);
    row("type reserved, escaped", R"({"topic":"a","type":"\u0065rror","payload":1})", true);
    row("type null", R"({"topic":"a","type":null,"payload":1})", true);
    row("type number", R"({"topic":"a","type":5,"payload":1})", true);
    row("type object", R"({"topic":"a","type":{"x":null},"payload":1})", true);
    row("type with a space", R"({"topic":"a","type":"a b","payload":1})", true);
    row("type of 65 bytes",
        "{\"topic\":\"a\",\"type\":\"" + QByteArray(65, 't') + "\",\"payload\":1}", true);
    row("topic missing", R"({"payload":1})", true);
    row("topic null", R"({"topic":null,"payload":1})", true);
    row("payload missing", R"({"topic":"a"})", true);
    row("payload null", R"({"topic":"a","payload":null})", true);
    row("payload escapes",
        "{\"topic\":\"a\",\"payload\":\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t "
        "\\u0001 \\u007f \xc3\xa9 \\u00e9 \\u00E9 \\ud83d\\ude00\"}",
        true);
    row("payload noncharacter", "{\"topic\":\"a\",\"payload\":\"\xef\xbf\xbe\"}", true);
    row("invalid UTF-8", "{\"topic\":\"a\",\"payload\":\"\xff\"}", false);
    row("encoded surrogate", "{\"topic\":\"a\",\"payload\":\"\xed\xa0\x80\"}", false);
    row("overlong UTF-8", "{\"topic\":\"a\",\"payload\":\"\xc0\xaf\"}", false);
    row("wildcard topic", R"({"topic":"a/+/b","payload":1})", true);
    row("topic of 256 bytes", "{\"topic\":\"" + QByteArray(256, 't') + "\",\"payload\":1}", true);
    row("topic of 257 bytes", "{\"topic\":\"" + QByteArray(257, 't') + "\",\"payload\":1}", true);
    row("payload 63 levels deep", "{\"topic\":\"a\",\"payload\":" + nested(63, "1") + "}", true);
    row("payload 64 levels deep", "{\"topic\":\"a\",\"payload\":" + nested(64, "1") + "}", false);
    row("document 1024 levels deep", "{\"topic\":\"a\",\"payload\":" + nested(1023, "") + "}",
        false);
    row("document 1025 levels deep", "{\"topic\":\"a\",\"payload\":" + nested(1024, "") + "}",
        false);
    row("escaped key in payload", R"({"topic":"a","payload":{"a\u0062":1,"ab":2}})", false);
    row("escaped top-level key", R"({"top\u0069c":"a","payload":1})", false);
    row("literals", R"({"topic":"a","payload":[true,false,null,{}]})", true);
    row("bad literal", R"({"topic":"a","payload":nul})", false);
    row("string not closed", "{\"topic\":\"a", false);
}

void TestPublishBatch::edgeCases()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, fastDecides);
    const QString difference = singleDifference(body);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    PublishRequest request;
    QString error;
    QCOMPARE(parsePublishJsonFast(body, &request, &error) == FastParse::Decided, fastDecides);
}

void TestPublishBatch::randomBodies()
{
    // A fixed seed, as tst_topicfilter: a failure is the same on every run.
    const quint32 seed = 20260518;
    BodyGenerator generator(seed);
    int decided = 0;
    int accepted = 0;
    const int count = 5000;
    for (int i = 0; i < count; ++i) {
        const QByteArray body = generator.body();
        const QString difference = singleDifference(body);
        QVERIFY2(difference.isEmpty(),
                 qPrintable(QStringLiteral("seed %1: ").arg(seed) + difference));
        PublishRequest request;
        QString error;
        if (parsePublishJsonFast(body, &request, &error) == FastParse::Decided) {
            ++decided;
            accepted += error.isEmpty();
        }
    }
    qInfo("%d of %d bodies decided by the fast reader, %d of them accepted", decided, count,
          accepted);
    // The comparison means something only if the fast reader decides many of them itself.
    QVERIFY2(decided > count / 4, qPrintable(QString::number(decided)));
    QVERIFY2(accepted > count / 20, qPrintable(QString::number(accepted)));
}

void TestPublishBatch::fields()
{
    PublishRequest request;
    QCOMPARE(parsePublishJson(R"({"topic":"a","topic":"sensor\/1","type":"al\u0061rm",)"
                              R"("payload":{"b":[1.50, 2E1],"a":"\u00e9"}})",
                              &request),
             QString());
    QCOMPARE(request.topic, "sensor/1");
    QCOMPARE(request.type, "alarm");
    QCOMPARE(request.payloadJson, "{\"a\":\"\xc3\xa9\",\"b\":[1.5,20]}");

    QCOMPARE(parsePublishJson("{\"topic\":\"\\u4f20\\ud83d\\ude00\",\"payload\":null}", &request),
             QString());
    QCOMPARE(request.topic, "\xe4\xbc\xa0\xf0\x9f\x98\x80");
    QCOMPARE(request.type, "message");
    QCOMPARE(request.payloadJson, "null");

    QCOMPARE(parsePublishJson(R"({"topic":"a","type":"open","payload":1})", &request),
             QStringLiteral("type 'open' is reserved for the server"));
    QCOMPARE(parsePublishJson(R"({"topic":"a","type":"\u0065rror","payload":1})", &request),
             QStringLiteral("type 'error' is reserved for the server"));
    QCOMPARE(parsePublishJson(R"({"topic":"a\u0001","payload":1})", &request),
             QStringLiteral("topic contains a control character"));
    QCOMPARE(
        parsePublishJson(R"({"topic":"a","payload":1} x)", &request),
        QStringLiteral("body is not valid JSON: garbage at the end of the document at offset 26"));
}

// Subscribers get the payload in SSE data lines: it must be one line, and compact.
void TestPublishBatch::payloadIsCompact()
{
    const QByteArray body = "{ \"topic\" : \"a\" ,\r\n \"payload\" : {\n  \"list\" : [ 1 ,\n 2 , "
                            "{ \"deep\" : [ [ ] , { } ] } ] ,\n  \"text\" : \"two\nlines\\r\\n\" "
                            "\n}\n}\n";
    PublishRequest request;
    QCOMPARE(parsePublishJson(body, &request), QString());
    QCOMPARE(request.payloadJson, R"({"list":[1,2,{"deep":[[],{}]}],"text":"two\nlines\r\n"})");
    QVERIFY(!request.payloadJson.contains('\n'));
    QVERIFY(!request.payloadJson.contains('\r'));
    QVERIFY(singleDifference(body).isEmpty());
}

void TestPublishBatch::contentTypes_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<PublishBodyForm>("form");

    const QByteArray object = R"({"topic":"a","payload":1})";
    const QByteArray array = R"( [{"topic":"a","payload":1}])";
    QTest::newRow("json object") << Json << object << PublishBodyForm::Single;
    QTest::newRow("json array") << Json << array << PublishBodyForm::Array;
    QTest::newRow("json array after a BOM")
        << Json << "\xef\xbb\xbf" + array << PublishBodyForm::Array;
    QTest::newRow("json, charset")
        << QByteArray("Application/JSON; charset=utf-8") << array << PublishBodyForm::Array;
    QTest::newRow("json, space before parameters")
        << QByteArray("application/json ;charset=utf-8") << array << PublishBodyForm::Array;
    QTest::newRow("json-seq array (as before: one event)")
        << QByteArray("application/json-seq") << array << PublishBodyForm::Single;
    QTest::newRow("jsonl (as before: one event)")
        << QByteArray("application/jsonl") << object << PublishBodyForm::Single;
    QTest::newRow("ndjson") << Ndjson << object << PublishBodyForm::Lines;
    QTest::newRow("ndjson, any case and charset")
        << QByteArray("Application/X-NDJSON;charset=utf-8") << object << PublishBodyForm::Lines;
    QTest::newRow("text") << QByteArray("text/plain") << object << PublishBodyForm::Unsupported;
    QTest::newRow("none") << QByteArray() << object << PublishBodyForm::Unsupported;
    QTest::newRow("space before json")
        << QByteArray(" application/json") << object << PublishBodyForm::Unsupported;
}

void TestPublishBatch::contentTypes()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(PublishBodyForm, form);
    QCOMPARE(publishBodyForm(contentType, body), form);
    QList<BatchItem> items;
    int status = 0;
    const QString error = parsePublishBatch(contentType, body, {}, &items, &status);
    QCOMPARE(status, form == PublishBodyForm::Unsupported ? 415 : 200);
    QCOMPARE(error.isEmpty(), form != PublishBodyForm::Unsupported);
    // The single-event check is the one POST /publish has always made.
    PublishRequest request;
    int singleStatus = 0;
    int fastStatus = 0;
    const QString single = parsePublishBody(contentType, body, 1000, &request, &singleStatus);
    QCOMPARE(parsePublishBodyFast(contentType, body, 1000, &request, &fastStatus), single);
    QCOMPARE(fastStatus, singleStatus);
}

void TestPublishBatch::bodyLimits()
{
    const QByteArray body = R"({"topic":"a","payload":1})";
    PublishRequest request;
    int status = 0;
    QCOMPARE(parsePublishBodyFast(Json, body, body.size() - 1, &request, &status),
             QStringLiteral("body of 25 bytes is larger than the limit of 24 bytes"));
    QCOMPARE(status, 413);
    QCOMPARE(parsePublishBodyFast(Json, body, body.size(), &request, &status), QString());
    QCOMPARE(status, 400); // untouched on success, as parsePublishBody
    QList<BatchItem> items;
    PublishBatchLimits limits;
    limits.maxBodyBytes = 10;
    QCOMPARE(parsePublishBatch(Ndjson, body, limits, &items, &status),
             QStringLiteral("body of 25 bytes is larger than the limit of 10 bytes"));
    QCOMPARE(status, 413);
    QVERIFY(items.isEmpty());
}

void TestPublishBatch::linesEachOnTheirOwn()
{
    const QByteArray body = "{\"topic\":\"a\",\"payload\":1}\n"
                            "{\"topic\":\"a\",\"payload\":\n"
                            "[1,2]\n"
                            "{\"topic\":\"b/+\",\"payload\":1}\n"
                            "{\"topic\":\"c\",\"type\":\"shutdown\",\"payload\":1}\n"
                            "{\"topic\":\"\\u4f20\",\"payload\":{ \"z\" : 1, \"a\" : [ ] }}\n";
    QList<BatchItem> items;
    int status = 0;
    QCOMPARE(parsePublishBatch(Ndjson, body, {}, &items, &status), QString());
    QCOMPARE(status, 200);
    QCOMPARE(items.size(), 6);
    QCOMPARE(items.at(0).error, QString());
    QCOMPARE(items.at(0).status, 200);
    QCOMPARE(items.at(0).request.topic, "a");
    QCOMPARE(items.at(1).error,
             QStringLiteral(
                 "line 2 is not valid JSON: unterminated object at offset 23")); // Qt's offset
    QCOMPARE(items.at(1).status, 400);
    QCOMPARE(items.at(2).error, QStringLiteral("line 3 must be a JSON object"));
    QVERIFY(items.at(3).error.startsWith(u"line 4: topic contains a wildcard"));
    QCOMPARE(items.at(4).error,
             QStringLiteral("line 5: type 'shutdown' is reserved for the server"));
    QCOMPARE(items.at(5).error, QString());
    QCOMPARE(items.at(5).request.topic, "\xe4\xbc\xa0");
    QCOMPARE(items.at(5).request.payloadJson, R"({"a":[],"z":1})");
    QVERIFY(items.at(1).request.topic.isEmpty());
    QVERIFY(batchDifference(Ndjson, body, {}).isEmpty());
}

void TestPublishBatch::linesCrlfAndEmpty()
{
    const QByteArray body = "\r\n{\"topic\":\"a\",\"payload\":1}\r\n\r\n  \t\r\n"
                            "{\"topic\":\"b\",\"payload\":\"x\"}\r\n"
                            "{\"topic\":\"c\",\"payload\":[ ]}";
    QList<BatchItem> items;
    int status = 0;
    QCOMPARE(parsePublishBatch(Ndjson, body, {}, &items, &status), QString());
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.at(0).request.topic, "a");
    QCOMPARE(items.at(1).request.topic, "b");
    QCOMPARE(items.at(1).request.payloadJson, "\"x\"");
    QCOMPARE(items.at(2).request.payloadJson, "[]");
    // Line numbers count the skipped lines, so that an editor finds the line.
    QCOMPARE(parsePublishBatch(Ndjson, "\n\n{\"topic\":1}\n", {}, &items, &status), QString());
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.at(0).error, QStringLiteral("line 3: \"topic\" is missing or not a string"));
}

void TestPublishBatch::linesLimits()
{
    const QByteArray line = R"({"topic":"a","payload":1})";
    PublishBatchLimits limits;
    limits.maxEvents = 3;
    limits.maxEventBytes = line.size();
    QList<BatchItem> items;
    int status = 0;
    QCOMPARE(parsePublishBatch(Ndjson, line + "\n" + line + "\n\n" + line + "\n", limits, &items,
                               &status),
             QString());
    QCOMPARE(items.size(), 3);
    QCOMPARE(
        parsePublishBatch(Ndjson, QByteArray(line + "\n").repeated(4), limits, &items, &status),
        QStringLiteral("body holds more than 3 events; send them in several requests"));
    QCOMPARE(status, 413);
    QVERIFY(items.isEmpty());

    const QByteArray large = R"({"topic":"a","payload":12})";
    QCOMPARE(
        parsePublishBatch(Ndjson, line + "\r\n" + large + "\r\n" + line, limits, &items, &status),
        QString());
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.at(0).status, 200);
    QCOMPARE(items.at(1).status, 413);
    QCOMPARE(items.at(1).error,
             QStringLiteral("line 2 of 26 bytes is larger than the limit of 25 bytes"));
    QCOMPARE(items.at(2).status, 200);
}

void TestPublishBatch::arrayElements()
{
    const QByteArray body = R"([{"topic":"a","payload":1}, 42, {"topic":"b"},)"
                            "\n[{\"topic\":\"c\",\"payload\":1}], null, \"s\",\n"
                            R"({"topic":"d","type":"reset","payload":{"y":1,"x":2}},)"
                            R"({"topic":"e","payload":{"y":1,"x":2}}])";
    QList<BatchItem> items;
    int status = 0;
    QCOMPARE(parsePublishBatch(Json, body, {}, &items, &status), QString());
    QCOMPARE(status, 200);
    QCOMPARE(items.size(), 8);
    QCOMPARE(items.at(0).error, QString());
    QCOMPARE(items.at(1).error, QStringLiteral("element 1 must be a JSON object"));
    QCOMPARE(items.at(2).error, QStringLiteral("element 2: \"payload\" is missing"));
    QCOMPARE(items.at(3).error, QStringLiteral("element 3 must be a JSON object"));
    QCOMPARE(items.at(4).error, QStringLiteral("element 4 must be a JSON object"));
    QCOMPARE(items.at(5).error, QStringLiteral("element 5 must be a JSON object"));
    QCOMPARE(items.at(6).error,
             QStringLiteral("element 6: type 'reset' is reserved for the server"));
    QCOMPARE(items.at(7).request.payloadJson, R"({"x":2,"y":1})");
    QCOMPARE(items.at(7).request.topic, "e");
    QVERIFY(batchDifference(Json, body, {}).isEmpty());
    // The same with an element the fast reader leaves to QJsonDocument.
    QByteArray lenient = body;
    lenient.replace(R"("topic":"e")", R"("topic":"\e")");
    QList<BatchItem> lenientItems;
    QCOMPARE(parsePublishBatch(Json, lenient, {}, &lenientItems, &status), QString());
    QCOMPARE(lenientItems.size(), 8);
    QCOMPARE(lenientItems.at(7).request.topic, "e");
    QVERIFY(batchDifference(Json, lenient, {}).isEmpty());
}

void TestPublishBatch::brokenArray()
{
    for (const QByteArray &body : {QByteArray(R"([{"topic":"a","payload":1}, {"topic":"b",]")),
          QByteArray(R"([{"topic":"a","payload":1} {"topic":"b","payload":1}])"),
                                   QByteArray(R"([{"topic":"a","payload":1},])"),
                                   QByteArray(R"([{"topic":"a","payload":1})"),
                                   QByteArray(R"([{"topic":"a","payload":1}] [])")}) {
        QList<BatchItem> items;
        int status = 0;
        const QString error = parsePublishBatch(Json, body, {}, &items, &status);
        QVERIFY2(error.startsWith(u"body is not valid JSON: "), qPrintable(error));
        QCOMPARE(status, 400);
        QVERIFY(items.isEmpty());
        QVERIFY(batchDifference(Json, body, {}).isEmpty());
    }
}

void TestPublishBatch::arrayLimits()
{
    const QByteArray element = R"({"topic":"a","payload":1})";
    PublishBatchLimits limits;
    limits.maxEvents = 2;
    limits.maxEventBytes = element.size();
    QList<BatchItem> items;
    int status = 0;
    QCOMPARE(parsePublishBatch(Json, "[" + element + "," + element + "]", limits, &items, &status),
             QString());
    QCOMPARE(items.size(), 2);
    const QByteArray three = "[" + element + "," + element + "," + element + "]";
    QCOMPARE(parsePublishBatch(Json, three, limits, &items, &status),
             QStringLiteral("body holds more than 2 events; send them in several requests"));
    QCOMPARE(status, 413);
    QVERIFY(batchDifference(Json, three, limits).isEmpty());
    // Over the count and broken: the body's syntax is answered first.
    const QByteArray threeBroken = three.chopped(1) + ",]";
    QVERIFY(parsePublishBatch(Json, threeBroken, limits, &items, &status)
                .startsWith(u"body is not valid JSON"));
    QCOMPARE(status, 400);
    QVERIFY(batchDifference(Json, threeBroken, limits).isEmpty());

    const QByteArray large = "[" + element + ",  " + R"({"topic":"a","payload":"12"})" + " ]";
    QCOMPARE(parsePublishBatch(Json, large, limits, &items, &status), QString());
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0).status, 200);
    QCOMPARE(items.at(1).status, 413);
    QCOMPARE(items.at(1).error,
             QStringLiteral("element 1 of 28 bytes is larger than the limit of 25 bytes"));
    QVERIFY(batchDifference(Json, large, limits).isEmpty());
}

void TestPublishBatch::emptyBatches()
{
    QList<BatchItem> items;
    int status = 0;
    for (const auto &[type, body] :
         {std::pair(Json, QByteArray("[ ]")), std::pair(Ndjson, QByteArray()),
          std::pair(Ndjson, QByteArray("\r\n\n  \n"))}) {
        QCOMPARE(parsePublishBatch(type, body, {}, &items, &status),
                 QStringLiteral("body holds no events"));
        QCOMPARE(status, 400);
        QVERIFY(batchDifference(type, body, {}).isEmpty());
    }
}

void TestPublishBatch::randomBatches()
{
    const quint32 seed = 20260519;
    BodyGenerator generator(seed);
    PublishBatchLimits limits;
    limits.maxEvents = 5;
    limits.maxEventBytes = 150;
    for (int i = 0; i < 1500; ++i) {
        const int count = generator.pick(7);
        QByteArray lines;
        QByteArray array = "[" + generator.space();
        for (int j = 0; j < count; ++j) {
            const QByteArray event = generator.chance(90) ? generator.event() : generator.value(1);
            lines += (generator.chance(20) ? generator.mutate(event) : event)
                + (generator.chance(30) ? "\r\n" : "\n") + (generator.chance(10) ? "\n" : "");
            array += (j ? "," + generator.space() : QByteArray()) + event;
        }
        array += "]" + generator.space();
        if (generator.chance(15))
            array = generator.mutate(array);
        QString difference = batchDifference(Ndjson, lines, limits);
        QVERIFY2(difference.isEmpty(),
                 qPrintable(QStringLiteral("seed %1: ").arg(seed) + difference));
        difference = batchDifference(Json, array, limits);
        QVERIFY2(difference.isEmpty(),
                 qPrintable(QStringLiteral("seed %1: ").arg(seed) + difference));
    }
}

void TestPublishBatch::answer()
{
    QList<BatchItem> items(3);
    items[1].error = QString::fromUtf8("line 2: type 'open' is \"reserved\"\n\xc3\xa9");
    items[1].status = 400;
    QCOMPARE(batchAnswerJson(items, {"1700000000000-0", {}, "1700000000000-1"}),
             R"({"results":[{"id":"1700000000000-0"},)"
             "{\"error\":\"line 2: type 'open' is \\\"reserved\\\"\\n\xc3\xa9\",\"status\":400},"
             R"({"id":"1700000000000-1"}],"published":2,"failed":1})");
    QCOMPARE(batchAnswerJson({}, {}), R"({"results":[],"published":0,"failed":0})");
    // It is JSON, and what QJsonDocument reads back.
    QJsonParseError error;
    const QJsonDocument doc
        = QJsonDocument::fromJson(batchAnswerJson(items, {"a", {}, "b"}), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.object().value(u"failed").toInt(), 1);
}

QTEST_GUILESS_MAIN(TestPublishBatch)
#include "tst_publishbatch.moc"
