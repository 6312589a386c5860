#include "hub/eventhistory.h"

#include <QTest>

using namespace ssehub;

class TestEventHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundedAndOrdered();
    void indexAfter();
    void zeroCapacity();
    void shrink();
    void readPages();
    void readEdges();
    void expireByAge();
};

namespace {
EventPtr ev(quint64 id)
{
    return makeEvent(id, "t", "message", "null", 0);
}
} // namespace

void TestEventHistory::boundedAndOrdered()
{
    EventHistory history(3);
    history.setHorizon(9);
    for (quint64 id = 10; id < 15; ++id)
        history.append(ev(id));
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.oldest()->id, 12u);
    QCOMPARE(history.newest()->id, 14u);
    // 10 and 11 were evicted: a client that saw 11 misses nothing, one that saw 10 misses 11.
    QCOMPARE(history.horizon(), 11u);
}

void TestEventHistory::indexAfter()
{
    EventHistory history(10);
    for (quint64 id : {5, 7, 9, 11})
        history.append(ev(id));
    QCOMPARE(history.indexAfter(0), 0);
    QCOMPARE(history.indexAfter(5), 1);
    QCOMPARE(history.indexAfter(6), 1);
    QCOMPARE(history.indexAfter(9), 3);
    QCOMPARE(history.indexAfter(11), 4);
    QCOMPARE(history.indexAfter(100), 4);
    QCOMPARE(history.at(2)->id, 9u);
}

void TestEventHistory::zeroCapacity()
{
    EventHistory history(0);
    history.append(ev(1));
    history.append(ev(2));
    QVERIFY(history.isEmpty());
    QCOMPARE(history.horizon(), 2u);
}

void TestEventHistory::shrink()
{
    EventHistory history(5);
    for (quint64 id = 1; id <= 5; ++id)
        history.append(ev(id));
    history.setCapacity(2);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.oldest()->id, 4u);
    QCOMPARE(history.horizon(), 3u);
}

// Pages at the edges: an empty history, an exact page, the byte bound, the gap of eviction.
void TestEventHistory::readEdges()
{
    const TopicFilter all = TopicFilter::parse("#");
    HistoryQuery q;
    q.filter = "#";
    q.limit = 3;
    EventHistory history(1000, 64LL * 1024 * 1024);
    HistoryPage empty = history.read(q, all);
    QVERIFY(empty.events.isEmpty());
    QVERIFY(empty.next.isEmpty());
    QVERIFY(empty.oldestId.isEmpty());
    QCOMPARE(empty.maxEvents, 1000);
    for (quint64 id = 1; id <= 3; ++id)
        history.append(ev(id));
    // Exactly one page: no next.
    HistoryPage exact = history.read(q, all);
    QCOMPARE(exact.events.size(), 3);
    QVERIFY(exact.next.isEmpty());
    QCOMPARE(exact.oldestId, QByteArray("1"));
    QCOMPARE(exact.newestId, QByteArray("3"));
    QCOMPARE(exact.retainedEvents, 3);
    // The byte bound ends a page early, and its cursor goes on from there.
    const QByteArray big = '"' + QByteArray(300 * 1024, 'x') + '"';
    EventHistory large(1000, 64LL * 1024 * 1024);
    for (quint64 id = 1; id <= 10; ++id)
        large.append(makeEvent(id, "t", "message", big, 0));
    q.limit = 10;
    const HistoryPage cut = large.read(q, all);
    QVERIFY(cut.truncated);
    QVERIFY(cut.events.size() >= 1 && cut.events.size() < 10);
    QCOMPARE(cut.next, cut.events.constLast().id);
    qint64 bytes = 0;
    for (const EventRow &e : cut.events)
        bytes += e.payload.size();
    QVERIFY(bytes <= HistoryQuery::MaxPageBytes);
    // After eviction the horizon says where the gap is; a cursor before it reads on.
    EventHistory small(3);
    for (quint64 id = 1; id <= 6; ++id)
        small.append(ev(id));
    q.hasAfter = true;
    q.after = 1;
    const HistoryPage gap = small.read(q, all);
    QCOMPARE(gap.horizon, QByteArray("3"));
    QCOMPARE(gap.events.size(), 3);
    QCOMPARE(gap.events.constFirst().id, QByteArray("4"));
}

void TestEventHistory::readPages()
{
    EventHistory history(1000);
    for (quint64 id = 1; id <= 20; ++id)
        history.append(
            makeEvent(id, id % 2 ? "a/odd" : "a/even", "message", "null", qint64(id) * 1000));
    HistoryQuery q;
    q.filter = "a/+";
    q.limit = 4;
    const TopicFilter filter = TopicFilter::parse(q.filter);
    // Ascending by pages: every id once, in order.
    QList<QByteArray> ids;
    for (int i = 0; i < 10; ++i) {
        const HistoryPage page = history.read(q, filter);
        for (const EventRow &e : page.events)
            ids << e.id;
        if (page.next.isEmpty())
            break;
        QVERIFY(parseHistoryId(page.next, &q.after));
        q.hasAfter = true;
    }
    QCOMPARE(ids.size(), 20);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(ids.at(i), QByteArray::number(i + 1));
    // Descending, one topic, within ids and times.
    q = HistoryQuery();
    q.filter = "a/odd";
    q.descending = true;
    q.hasBefore = true;
    q.before = 15; // 13, 11, 9, 7 ...
    q.sinceMs = 7000; // ... down to 7
    const HistoryPage odd = history.read(q, TopicFilter::parse(q.filter));
    QCOMPARE(odd.events.size(), 4);
    QCOMPARE(odd.events.at(0).id, QByteArray("13"));
    QCOMPARE(odd.events.at(3).id, QByteArray("7"));
    QVERIFY(odd.next.isEmpty());
    q.limit = 2;
    QCOMPARE(history.read(q, TopicFilter::parse(q.filter)).next, QByteArray("11"));
}

// --history-ttl: what is older than the age bound goes, oldest first, the horizon with it; the
// evictions are counted by reason.
void TestEventHistory::expireByAge()
{
    EventHistory history(3);
    history.setHorizon(9);
    for (quint64 id = 10; id < 15; ++id)
        history.append(makeEvent(id, "t", "message", "null", qint64(id) * 100)); // 1000..1400
    QCOMPARE(history.evicted(EventHistory::Eviction::Capacity), 2u); // 10 and 11
    QCOMPARE(history.expire(1'000'000), 0); // no age bound: nothing goes
    // (Set now: append() judges the age against the real clock, and these are from 1970.)
    history.setMaxAge(1000);
    QCOMPARE(history.expire(2200), 0); // 12 (published at 1200) is not older than 2200 - 1000
    QCOMPARE(history.expire(2201), 1); // now it is
    QCOMPARE(history.horizon(), 12u);
    QCOMPARE(history.oldest()->id, 13u);
    QCOMPARE(history.evicted(EventHistory::Eviction::Age), 1u);
    const HistoryPage page = history.read(HistoryQuery {.filter = "#"}, TopicFilter::parse("#"));
    QCOMPARE(page.ttlMs, 1000);
    QCOMPARE(page.horizon, QByteArray("12"));
    QCOMPARE(history.expire(10'000), 2);
    QVERIFY(history.isEmpty());
    QCOMPARE(history.horizon(), 14u);
    QCOMPARE(history.bytes(), 0);
    QCOMPARE(history.evicted(EventHistory::Eviction::Age), 3u);
    QCOMPARE(history.evicted(EventHistory::Eviction::Bytes), 0u);
}

QTEST_GUILESS_MAIN(TestEventHistory)
#include "tst_eventhistory.moc"
