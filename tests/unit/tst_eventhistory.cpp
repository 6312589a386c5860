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

QTEST_GUILESS_MAIN(TestEventHistory)
#include "tst_eventhistory.moc"
