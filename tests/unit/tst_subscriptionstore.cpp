// FileSubscriptionStore on a temporary directory: what a restart reads back, what it does with a
// journal a crash cut short or damaged, and what it says when it cannot write.
#include "hub/subscriptionstore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ssehub;

class TestSubscriptionStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void snapshotAndJournalRoundTrip();
    void journalTailCutShort();
    void journalDamagedInTheMiddle();
    void damagedSnapshotIsSetAside();
    void cannotWrite();
    void appendBeforeSave();
};

namespace {

Client client(const QString &id, const QList<QByteArray> &filters, qint64 expiresAt = 0)
{
    Client c;
    c.id = id;
    for (const QByteArray &text : filters) {
        Subscription s;
        s.filter = TopicFilter::parse(text);
        s.createdAt = s.updatedAt = 1000;
        s.expiresAt = expiresAt;
        c.subscriptions.insert(text, s);
    }
    return c;
}

SubscriptionStore::Change change(const Client &c)
{
    return {c.id, c};
}

SubscriptionStore::Change forget(const QString &id)
{
    return {id, std::nullopt};
}

QStringList asideFiles(const QString &dir)
{
    return QDir(dir).entryList({QStringLiteral("*.corrupt-*")}, QDir::Files);
}

void appendRaw(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

void TestSubscriptionStore::snapshotAndJournalRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("subscriptions.json"));
    {
        FileSubscriptionStore store(path);
        QString error;
        QVERIFY(store.load(&error).isEmpty());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        Client a = client(QStringLiteral("a"), {"x/+", "y"}, 5000);
        a.hasAck = true;
        a.ackedId = 42;
        QVERIFY2(store.save({a, client(QStringLiteral("b"), {"z/#"})}, &error), qPrintable(error));
        // After the snapshot: b changes, c arrives, a is forgotten.
        QVERIFY2(store.append({change(client(QStringLiteral("b"), {"z/#", "w"})),
                               change(client(QStringLiteral("c"), {"q"}))},
                              &error),
                 qPrintable(error));
        QVERIFY2(store.append({forget(QStringLiteral("a"))}, &error), qPrintable(error));
        QVERIFY(!store.wantsCompaction()); // a small journal stays a journal
    }
    FileSubscriptionStore reopened(path);
    QString error;
    const QHash<QString, Client> loaded = reopened.load(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(loaded.size(), 2);
    QVERIFY(!loaded.contains(QStringLiteral("a")));
    QCOMPARE(loaded.value(QStringLiteral("b")).subscriptions.keys(),
             (QList<QByteArray> {"w", "z/#"}));
    QCOMPARE(loaded.value(QStringLiteral("c")).subscriptions.keys(), (QList<QByteArray> {"q"}));
    // The journal was folded into a fresh snapshot: a snapshot alone gives the same again.
    QFile::remove(reopened.journalPath());
    FileSubscriptionStore third(path);
    QCOMPARE(third.load(&error).keys().size(), 2);
    QVERIFY(error.isEmpty());

    // The snapshot keeps every field of a client.
    FileSubscriptionStore fields(dir.filePath(QStringLiteral("fields.json")));
    Client a = client(QStringLiteral("a"), {"x/+"}, 5000);
    a.hasAck = true;
    a.ackedId = 42;
    a.subscriptions.first().state = Subscription::State::Paused;
    a.subscriptions.first().pausedAfterId = 41;
    QVERIFY(fields.save({a}, &error));
    FileSubscriptionStore fieldsAgain(fields.path());
    const Client back = fieldsAgain.load(&error).value(QStringLiteral("a"));
    QVERIFY(back.hasAck);
    QCOMPARE(back.ackedId, quint64(42));
    const Subscription s = back.subscriptions.value("x/+");
    QCOMPARE(s.state, Subscription::State::Paused);
    QCOMPARE(s.pausedAfterId, quint64(41));
    QCOMPARE(s.expiresAt, qint64(5000));
    QCOMPARE(s.createdAt, qint64(1000));
}

void TestSubscriptionStore::journalTailCutShort()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("subscriptions.json"));
    QString journal;
    {
        FileSubscriptionStore store(path);
        QString error;
        QVERIFY(store.save({client(QStringLiteral("a"), {"x"})}, &error));
        QVERIFY(store.append({change(client(QStringLiteral("b"), {"y"}))}, &error));
        journal = store.journalPath();
    }
    // A crash while the next line was written: it was never acknowledged.
    appendRaw(journal, "{\"id\":\"c\",\"client\":{\"subscriptions\":[{\"crea");
    FileSubscriptionStore reopened(path);
    QString error;
    const QHash<QString, Client> loaded = reopened.load(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(loaded.keys().size(), 2);
    QVERIFY(loaded.contains(QStringLiteral("a")));
    QVERIFY(loaded.contains(QStringLiteral("b")));
    QVERIFY(asideFiles(dir.path()).isEmpty());
}

void TestSubscriptionStore::journalDamagedInTheMiddle()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("subscriptions.json"));
    QString journal;
    {
        FileSubscriptionStore store(path);
        QString error;
        QVERIFY(store.save({client(QStringLiteral("a"), {"x"})}, &error));
        QVERIFY(store.append({change(client(QStringLiteral("b"), {"y"}))}, &error));
        journal = store.journalPath();
    }
    // A damaged line with a good one after it is not a crash: said, and kept aside.
    appendRaw(journal, "not json\n");
    appendRaw(journal, "{\"id\":\"c\",\"client\":null}\n");
    FileSubscriptionStore reopened(path);
    QString error;
    const QHash<QString, Client> loaded = reopened.load(&error);
    QVERIFY2(error.contains(QLatin1String("line 3")) && error.contains(QLatin1String("damaged")),
             qPrintable(error));
    QCOMPARE(loaded.keys().size(), 2); // the changes before it were applied
    QVERIFY(loaded.contains(QStringLiteral("b")));
    QCOMPARE(asideFiles(dir.path()).size(), 1);
}

void TestSubscriptionStore::damagedSnapshotIsSetAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("subscriptions.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"version\":1,\"clients\":{");
    file.close();
    FileSubscriptionStore store(path);
    QString error;
    QVERIFY(store.load(&error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("not valid JSON"))
                 && error.contains(QLatin1String("moved to")),
             qPrintable(error));
    QCOMPARE(asideFiles(dir.path()).size(), 1);
}

void TestSubscriptionStore::cannotWrite()
{
    // The data directory is a file: nothing can be created under it (even as root).
    QTemporaryDir dir;
    const QString blocker = dir.filePath(QStringLiteral("data"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    FileSubscriptionStore store(blocker + QStringLiteral("/subscriptions.json"));
    QString error;
    QVERIFY(store.load(&error).isEmpty());
    QVERIFY(!store.save({client(QStringLiteral("a"), {"x"})}, &error));
    // The message names the file and the step, for a user to act on.
    QVERIFY2(error.contains(store.path()) && error.contains(QLatin1String("open")),
             qPrintable(error));
    // Nothing durable: the next write must be a whole snapshot, and appending is refused.
    QVERIFY(store.wantsCompaction());
    error.clear();
    QVERIFY(!store.append({change(client(QStringLiteral("a"), {"y"}))}, &error));
    QVERIFY2(error.contains(QLatin1String("not open")), qPrintable(error));
}

void TestSubscriptionStore::appendBeforeSave()
{
    QTemporaryDir dir;
    FileSubscriptionStore store(dir.filePath(QStringLiteral("subscriptions.json")));
    QString error;
    QVERIFY(store.wantsCompaction()); // no journal yet: the first write is a snapshot
    QVERIFY(!store.append({change(client(QStringLiteral("a"), {"x"}))}, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(store.save({}, &error));
    QVERIFY(!store.wantsCompaction());
    QVERIFY(store.append({change(client(QStringLiteral("a"), {"x"}))}, &error));
}

QTEST_GUILESS_MAIN(TestSubscriptionStore)
#include "tst_subscriptionstore.moc"
