#include "proto/topicfilter.h"
#include "proto/topicindex.h"

#include <QRandomGenerator>
#include <QTest>

#include <set>

using namespace ssehub;

class TestTopicFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validTopics_data();
    void validTopics();
    void invalidFilters_data();
    void invalidFilters();
    void matching_data();
    void matching();
    void indexAgreesWithReference();
    void indexRemoval();
};

void TestTopicFilter::validTopics_data()
{
    QTest::addColumn<QByteArray>("topic");
    QTest::addColumn<QString>("errorPart"); // empty: valid

    QTest::newRow("simple") << QByteArray("sensor/1/data") << QString();
    QTest::newRow("utf8") << QByteArray("传感器/一/数据") << QString();
    QTest::newRow("empty levels") << QByteArray("a//b/") << QString();
    QTest::newRow("system") << QByteArray("$SYS/load") << QString();
    QTest::newRow("max length") << QByteArray(MaxTopicBytes, 'x') << QString();
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("too long") << QByteArray(MaxTopicBytes + 1, 'x') << QStringLiteral("longer");
    QTest::newRow("plus") << QByteArray("a/+/b") << QStringLiteral("wildcard");
    QTest::newRow("hash") << QByteArray("a/#") << QStringLiteral("wildcard");
    QTest::newRow("newline") << QByteArray("a\nb") << QStringLiteral("control");
    QTest::newRow("cr") << QByteArray("a\rb") << QStringLiteral("control");
    QTest::newRow("nul") << QByteArray("a\0b", 3) << QStringLiteral("control");
    QTest::newRow("del") << QByteArray("a\x7f") << QStringLiteral("control");
    QTest::newRow("bad utf8") << QByteArray("a/\xff\xfe") << QStringLiteral("UTF-8");
    QTest::newRow("truncated utf8") << QByteArray("a/\xe4\xbc") << QStringLiteral("UTF-8");
}

void TestTopicFilter::validTopics()
{
    QFETCH(QByteArray, topic);
    QFETCH(QString, errorPart);
    const QString error = validateTopic(topic);
    if (errorPart.isEmpty())
        QVERIFY2(error.isEmpty(), qPrintable(error));
    else
        QVERIFY2(error.contains(errorPart), qPrintable(error));
}

void TestTopicFilter::invalidFilters_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("ok plus") << QByteArray("sensor/+/data") << QString();
    QTest::newRow("ok hash") << QByteArray("sensor/#") << QString();
    QTest::newRow("ok lone hash") << QByteArray("#") << QString();
    QTest::newRow("ok lone plus") << QByteArray("+") << QString();
    QTest::newRow("hash not last") << QByteArray("a/#/b") << QStringLiteral("last level");
    QTest::newRow("hash mixed") << QByteArray("a/b#") << QStringLiteral("whole level");
    QTest::newRow("plus mixed") << QByteArray("a/+b/c") << QStringLiteral("whole level");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("control") << QByteArray("a/\tb") << QStringLiteral("control");
    QTest::newRow("too long") << QByteArray(300, 'a') << QStringLiteral("longer");
    QTest::newRow("bad utf8") << QByteArray("\xc3(") << QStringLiteral("UTF-8");
}

void TestTopicFilter::invalidFilters()
{
    QFETCH(QByteArray, filter);
    QFETCH(QString, errorPart);
    QString error;
    const TopicFilter parsed = TopicFilter::parse(filter, &error);
    if (errorPart.isEmpty()) {
        QVERIFY2(parsed.isValid(), qPrintable(error));
        QCOMPARE(parsed.text(), filter);
    } else {
        QVERIFY(!parsed.isValid());
        QVERIFY2(error.contains(errorPart), qPrintable(error));
    }
}

void TestTopicFilter::matching_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<QByteArray>("topic");
    QTest::addColumn<bool>("expected");

    QTest::newRow("exact") << QByteArray("a/b") << QByteArray("a/b") << true;
    QTest::newRow("exact other") << QByteArray("a/b") << QByteArray("a/c") << false;
    QTest::newRow("plus one level")
        << QByteArray("sensor/+/data") << QByteArray("sensor/7/data") << true;
    QTest::newRow("plus not two") << QByteArray("sensor/+/data") << QByteArray("sensor/7/8/data")
                                  << false;
    QTest::newRow("plus empty level") << QByteArray("a/+/c") << QByteArray("a//c") << true;
    QTest::newRow("plus trailing empty") << QByteArray("a/+") << QByteArray("a/") << true;
    QTest::newRow("plus needs level") << QByteArray("a/+") << QByteArray("a") << false;
    QTest::newRow("hash rest") << QByteArray("a/#") << QByteArray("a/b/c") << true;
    QTest::newRow("hash parent") << QByteArray("a/#") << QByteArray("a") << true;
    QTest::newRow("hash other") << QByteArray("a/#") << QByteArray("b/c") << false;
    QTest::newRow("hash all") << QByteArray("#") << QByteArray("x/y") << true;
    QTest::newRow("hash not system") << QByteArray("#") << QByteArray("$SYS/x") << false;
    QTest::newRow("plus not system") << QByteArray("+/x") << QByteArray("$SYS/x") << false;
    QTest::newRow("explicit system") << QByteArray("$SYS/#") << QByteArray("$SYS/x") << true;
    QTest::newRow("inner system ok") << QByteArray("a/+") << QByteArray("a/$x") << true;
    QTest::newRow("prefix is not match") << QByteArray("a/b") << QByteArray("a/bc") << false;
    QTest::newRow("longer filter") << QByteArray("a/b/c") << QByteArray("a/b") << false;
    QTest::newRow("leading slash") << QByteArray("/+") << QByteArray("/x") << true;
    QTest::newRow("plus plus") << QByteArray("+/+") << QByteArray("/x") << true;
}

void TestTopicFilter::matching()
{
    QFETCH(QByteArray, filter);
    QFETCH(QByteArray, topic);
    QFETCH(bool, expected);
    const TopicFilter parsed = TopicFilter::parse(filter);
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed.matches(topic), expected);

    TopicIndex<int> index;
    index.insert(parsed, 1);
    int hits = 0;
    index.match(topic, [&](int) { ++hits; });
    QCOMPARE(hits, expected ? 1 : 0);
}

namespace {

// An independent statement of the MQTT rule, level list against level list.
bool referenceMatch(const QList<QByteArray> &f, const QList<QByteArray> &t)
{
    if (!t.isEmpty() && t.first().startsWith('$') && (f.first() == "+" || f.first() == "#"))
        return false;
    qsizetype i = 0;
    for (; i < f.size(); ++i) {
        if (f[i] == "#")
            return true;
        if (i >= t.size())
            return false;
        if (f[i] != "+" && f[i] != t[i])
            return false;
    }
    return i == t.size();
}

QByteArray randomPath(QRandomGenerator &rng, bool filter)
{
    static const QList<QByteArray> words = {"a", "b", "c", "", "$s"};
    const int depth = 1 + int(rng.bounded(4));
    QList<QByteArray> levels;
    for (int i = 0; i < depth; ++i) {
        const quint32 pick = rng.bounded(10);
        if (filter && pick == 0)
            levels << "+";
        else if (filter && pick == 1 && i == depth - 1)
            levels << "#";
        else
            levels << words.at(int(rng.bounded(qsizetype(words.size()))));
    }
    return levels.join('/');
}

} // namespace

void TestTopicFilter::indexAgreesWithReference()
{
    // Generated filters and topics over a small alphabet (so that matches are frequent): the
    // parser's matcher, the index and the reference must agree on every pair.
    QRandomGenerator rng(20261128);
    QList<TopicFilter> filters;
    TopicIndex<int> index;
    while (filters.size() < 400) {
        QByteArray text = randomPath(rng, true);
        if (text.isEmpty())
            continue;
        const TopicFilter filter = TopicFilter::parse(text);
        if (!filter.isValid())
            continue;
        index.insert(filter, int(filters.size()));
        filters.append(filter);
    }
    QCOMPARE(index.size(), filters.size());
    int matchedPairs = 0;
    for (int n = 0; n < 600; ++n) {
        const QByteArray topic = randomPath(rng, false);
        if (!validateTopic(topic).isEmpty())
            continue;
        std::set<int> expected;
        for (int i = 0; i < filters.size(); ++i) {
            const bool ref = referenceMatch(filters[i].levels(), topicLevels(topic));
            QVERIFY2(filters[i].matches(topic) == ref,
                     qPrintable(
                         QStringLiteral("filter %1 topic %2")
                             .arg(QString::fromUtf8(filters[i].text()), QString::fromUtf8(topic))));
            if (ref)
                expected.insert(i);
        }
        std::multiset<int> got;
        index.match(topic, [&](int i) { got.insert(i); });
        QCOMPARE(std::set<int>(got.begin(), got.end()), expected);
        QCOMPARE(got.size(), expected.size()); // each entry once
        matchedPairs += int(expected.size());
    }
    QVERIFY(matchedPairs > 1000); // the generator really exercises matches
}

void TestTopicFilter::indexRemoval()
{
    TopicIndex<int> index;
    const TopicFilter a = TopicFilter::parse("a/+/c");
    const TopicFilter b = TopicFilter::parse("a/#");
    index.insert(a, 1);
    index.insert(b, 2);
    index.insert(a, 3);
    QVERIFY(index.remove(a, 1));
    QVERIFY(!index.remove(a, 1));
    QVERIFY(!index.remove(TopicFilter::parse("x/y"), 1));
    QList<int> hits;
    index.match("a/b/c", [&](int v) { hits << v; });
    std::sort(hits.begin(), hits.end());
    QCOMPARE(hits, (QList<int> {2, 3}));
    QVERIFY(index.remove(b, 2));
    QVERIFY(index.remove(a, 3));
    QCOMPARE(index.size(), 0);
    hits.clear();
    index.match("a/b/c", [&](int v) { hits << v; });
    QVERIFY(hits.isEmpty());
}

QTEST_GUILESS_MAIN(TestTopicFilter)
#include "tst_topicfilter.moc"
