// The console feed's codec and the SSE reader: what a console far from the engine rebuilds from
// the encoder's events must be what the engine had (within the byte budget for counters), every
// change that matters must arrive at once, the log must have neither gaps nor duplicates, and
// malformed or out-of-order input must be refused without changing anything.
#include "api/consolefeed.h"
#include "api/ssereader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace ssehub;

namespace {

StreamRow row(quint64 id, quint64 events = 0)
{
    StreamRow r;
    r.id = id;
    r.clientId = QStringLiteral("client-%1").arg(id);
    r.remote = QStringLiteral("127.0.0.1:%1").arg(40000 + id);
    r.userAgent = "test/1";
    r.filters = "sensor/+/data";
    r.connectedAt = 1700000000000 + qint64(id);
    r.eventsSent = events;
    r.bytesSent = events * 100;
    r.lastProgressMs = 5000 + qint64(events);
    return r;
}

LogEntry logEntry(quint64 seq)
{
    LogEntry e;
    e.seq = seq;
    e.time = 1700000000000 + qint64(seq);
    e.kind = LogEntry::Kind::Connect;
    e.connectionId = seq;
    e.clientId = QStringLiteral("c%1").arg(seq);
    e.remoteAddress = QStringLiteral("127.0.0.1:1");
    return e;
}

ConsoleSnapshot snapshotWith(quint64 streams, quint64 events)
{
    ConsoleSnapshot s;
    s.revision = events + 1;
    s.wallMs = 1700000000000 + qint64(events);
    s.monotonicMs = 10000 + qint64(events);
    s.maxQueueBytes = 1 << 20;
    s.stats.connections = int(streams);
    s.stats.eventsDelivered = events * streams;
    s.stats.nodeId = QStringLiteral("node-a");
    for (quint64 id = 1; id <= streams; ++id)
        s.connections.push_back(row(id, events));
    s.filters.push_back(FilterRow {"sensor/+/data", int(streams), 0, int(streams)});
    s.topics.push_back(TopicRow {"sensor/1/data", events, s.wallMs, "message", "{\"v\":1}"});
    return s;
}

// Feeds the encoder's output to the decoder as a console would receive it.
struct Link
{
    FeedEncoder encoder {"run1"};
    FeedDecoder decoder;

    QByteArray step(const ConsoleSnapshot &s)
    {
        const QByteArray delta = encoder.advance(s);
        if (decoder.hasState()) {
            QString error;
            if (!decoder.apply("delta", delta, encoder.position().toId(), &error))
                qWarning() << error;
        }
        return delta;
    }
    void attach()
    {
        QString error;
        QVERIFY2(
            decoder.apply("snapshot", encoder.fullSnapshot(), encoder.position().toId(), &error),
            qPrintable(error));
    }
};

} // namespace

class TestConsoleFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void resourcesAndAlarms();
    void identityStatus();
    void countersWithinTheBudget();
    void urgentChangesAtOnce();
    void logWithoutGapsOrDuplicates();
    void logGapAfterALongOutage();
    void refusesMalformedAndOutOfOrder();
    void streamDetailJson();
    void sseReader();
    void sseReaderBounds();
};

void TestConsoleFeed::roundTrip()
{
    Link link;
    link.step(snapshotWith(3, 1));
    link.attach();
    SnapshotPtr got = link.decoder.take();
    QVERIFY(got);
    QCOMPARE(got->connections.size(), size_t(3));
    QCOMPARE(got->connections[1].clientId, QStringLiteral("client-2"));
    QCOMPARE(got->connections[1].filters, QByteArray("sensor/+/data"));
    QCOMPARE(got->stats.nodeId, QStringLiteral("node-a"));
    QCOMPARE(got->maxQueueBytes, qint64(1 << 20));
    QCOMPARE(got->filters.size(), size_t(1));
    QCOMPARE(got->topics.size(), size_t(1));

    // A stream goes, one comes, counters move: the decoder has what the engine has.
    ConsoleSnapshot next = snapshotWith(3, 5);
    next.connections.erase(next.connections.begin());
    next.connections.push_back(row(7, 2));
    next.topics.push_back(TopicRow {"sensor/2/data", 1, next.wallMs, "alarm", "{}"});
    link.step(next);
    got = link.decoder.take();
    QCOMPARE(got->connections.size(), size_t(3));
    QCOMPARE(got->connections[0].id, quint64(2));
    QCOMPARE(got->connections[0].eventsSent, quint64(5));
    QCOMPARE(got->connections[2].id, quint64(7));
    QCOMPARE(got->connections[2].eventsSent, quint64(2));
    QCOMPARE(got->topics.size(), size_t(2));
    QCOMPARE(got->topics[1].lastType, QByteArray("alarm"));
    QCOMPARE(got->stats.eventsDelivered, quint64(15));
    QCOMPARE(link.decoder.lastEventId(), QByteArray("run1-2"));
}

// The resources against their limits, the refusals and closes by reason and the alarms travel
// to a console elsewhere; a server without them (older) reads as "unknown", not as zero files.
void TestConsoleFeed::resourcesAndAlarms()
{
    ConsoleSnapshot s = snapshotWith(2, 1);
    EngineStats &t = s.stats;
    t.openFds = 123;
    t.fdLimit = 1024;
    t.maxConnections = 50;
    t.historyCapacity = 10000;
    t.historyMaxBytes = 64 << 20;
    t.queuedBytes = 4096;
    t.badRequests = 3;
    t.bodyTooLarge = 4;
    t.fdLimitRejections = 5;
    t.kickCloses = 6;
    t.shutdownCloses = 7;
    t.authExpiredCloses = 8;
    t.alarms = QStringList {QStringLiteral("auth-failures"), QStringLiteral("streams")};
    Link link;
    link.step(s);
    link.attach();
    SnapshotPtr got = link.decoder.take();
    QVERIFY(got);
    const EngineStats &g = got->stats;
    QCOMPARE(g.openFds, 123);
    QCOMPARE(g.fdLimit, 1024);
    QCOMPARE(g.maxConnections, 50);
    QCOMPARE(g.historyCapacity, qsizetype(10000));
    QCOMPARE(g.historyMaxBytes, qint64(64 << 20));
    QCOMPARE(g.queuedBytes, qint64(4096));
    QCOMPARE(g.badRequests, quint64(3));
    QCOMPARE(g.bodyTooLarge, quint64(4));
    QCOMPARE(g.fdLimitRejections, quint64(5));
    QCOMPARE(g.kickCloses, quint64(6));
    QCOMPARE(g.shutdownCloses, quint64(7));
    QCOMPARE(g.authExpiredCloses, quint64(8));
    QCOMPARE(g.alarms, t.alarms);

    // An older server's figures: none of these keys.
    QJsonObject figures = QJsonDocument::fromJson(link.encoder.fullSnapshot())
                              .object()
                              .value(QStringLiteral("figures"))
                              .toObject();
    QVERIFY(figures.contains(QStringLiteral("open_fds")));
    for (const char *name :
         {"open_fds", "fd_limit", "max_connections", "history_capacity", "history_max_bytes",
          "queued_bytes", "bad_requests", "body_too_large", "fd_limit_rejections", "kick_closes",
          "shutdown_closes", "auth_expired_closes", "alarms"})
        figures.remove(QLatin1String(name));
    QJsonObject old = QJsonDocument::fromJson(link.encoder.fullSnapshot()).object();
    old.insert(QStringLiteral("figures"), figures);
    FeedDecoder decoder;
    QString error;
    QVERIFY2(decoder.apply("snapshot", QJsonDocument(old).toJson(QJsonDocument::Compact),
                           link.encoder.position().toId(), &error),
             qPrintable(error));
    got = decoder.take();
    QVERIFY(got);
    QCOMPARE(got->stats.openFds, -1);
    QCOMPARE(got->stats.fdLimit, 0);
    QCOMPARE(got->stats.maxConnections, 0);
    QVERIFY(got->stats.alarms.isEmpty());
    QCOMPARE(got->stats.connections, 2);

    // A hostile server's alarm list is bounded.
    QJsonArray many;
    for (int i = 0; i < 1000; ++i)
        many.append(QString(1000, QLatin1Char('x')));
    figures.insert(QStringLiteral("alarms"), many);
    old.insert(QStringLiteral("figures"), figures);
    FeedDecoder hostile;
    QVERIFY(hostile.apply("snapshot", QJsonDocument(old).toJson(QJsonDocument::Compact),
                          link.encoder.position().toId(), &error));
    got = hostile.take();
    QVERIFY(got->stats.alarms.size() <= 16);
    QVERIFY(got->stats.alarms.first().size() <= 64);
}

// The identity sources and their health travel to a console elsewhere: in the snapshot, in
// every delta (a fetch that failed since), through /stats' JSON; an open hub sends none, and a
// hostile server's strings and counts are bounded.
void TestConsoleFeed::identityStatus()
{
    ConsoleSnapshot s = snapshotWith(1, 1);
    IdentityStatus &id = s.identity;
    id.hs256 = true;
    id.publicKeyFiles = 2;
    id.acl = true;
    id.jwks.url = QStringLiteral("https://idp.example/realms/r/protocol/openid-connect/certs");
    id.jwks.keys = 3;
    id.jwks.loadedAtMs = 1700000000000;
    id.jwks.lastAttemptAtMs = 1700000060000;
    id.jwks.nextFetchInMs = 240000;
    id.jwks.fetches = {{QStringLiteral("loaded"), 1}, {QStringLiteral("unchanged"), 4}};
    id.hook.url = QStringLiteral("http://127.0.0.1:9000/auth");
    id.hook.lastLatencyMs = 12;
    id.hook.cacheEntries = 5;
    id.hook.inFlight = 1;
    id.hook.calls = {{QStringLiteral("allow"), 120}, {QStringLiteral("deny"), 3}};
    id.tokenChecks = {{QStringLiteral("verified"), 1000}, {QStringLiteral("expired"), 7}};
    QCOMPARE(
        id.sources(),
        QStringList({QStringLiteral("hs256"), QStringLiteral("public_keys"), QStringLiteral("jwks"),
                     QStringLiteral("auth_hook"), QStringLiteral("acl")}));
    Link link;
    link.step(s);
    link.attach();
    SnapshotPtr got = link.decoder.take();
    QVERIFY(got);
    QCOMPARE(got->identity, id);
    QCOMPARE(got->identity.hook.lastLatencyMs, qint64(12));
    QCOMPARE(got->identity.jwks.keys, 3);

    // A later fetch failed: the next delta says so.
    ConsoleSnapshot next = snapshotWith(1, 2);
    next.identity = id;
    next.identity.jwks.lastError = QStringLiteral("HTTP 503 (200 expected)");
    next.identity.jwks.fetches[QStringLiteral("http_error")] = 1;
    next.identity.hook.lastError = QStringLiteral("the auth hook did not answer within 2000 ms");
    link.step(next);
    got = link.decoder.take();
    QCOMPARE(got->identity, next.identity);
    // /stats writes the same object.
    QCOMPARE(IdentityStatus::fromJson(next.identity.toJson()), next.identity);

    // An open hub: no identity object in its figures, and none decoded.
    ConsoleSnapshot open = snapshotWith(1, 3);
    QVERIFY(open.identity.isEmpty());
    const QJsonObject delta = QJsonDocument::fromJson(link.step(open)).object();
    QVERIFY(
        !delta.value(QStringLiteral("figures")).toObject().contains(QStringLiteral("identity")));
    got = link.decoder.take();
    QVERIFY(got->identity.isEmpty());
    QVERIFY(!got->identity.hasJwks());

    // A hostile server's identity is bounded.
    QJsonObject counts;
    for (int i = 0; i < 1000; ++i)
        counts.insert(QStringLiteral("name-%1-").arg(i) + QString(100, QLatin1Char('x')), i);
    const QJsonObject hostile {
        {QStringLiteral("sources"),
         QJsonArray {QStringLiteral("jwks"), QStringLiteral("public_keys")}},
        {QStringLiteral("public_key_files"), 1 << 30},
        {QStringLiteral("jwks"),
         QJsonObject {{QStringLiteral("url"), QString(100000, QLatin1Char('u'))},
                      {QStringLiteral("keys"), -5},
                      {QStringLiteral("last_error"), QString(100000, QLatin1Char('e'))},
                      {QStringLiteral("fetches"), counts}}},
        {QStringLiteral("token_verifications"), counts}};
    const IdentityStatus bounded = IdentityStatus::fromJson(hostile);
    QCOMPARE(bounded.jwks.url.size(), IdentityStatus::MaxUrlChars);
    QCOMPARE(bounded.jwks.lastError.size(), IdentityStatus::MaxErrorChars);
    QCOMPARE(bounded.jwks.keys, 0);
    QCOMPARE(bounded.publicKeyFiles, 1000);
    QCOMPARE(bounded.jwks.fetches.size(), IdentityStatus::MaxCounts);
    QCOMPARE(bounded.tokenChecks.size(), IdentityStatus::MaxCounts);
    for (auto it = bounded.tokenChecks.cbegin(); it != bounded.tokenChecks.cend(); ++it)
        QVERIFY(it.key().size() <= IdentityStatus::MaxNameChars);
    QVERIFY(!bounded.hasHook());

    // What is shown of a URL keeps no secret.
    QCOMPARE(IdentityStatus::shownUrl(
                 QStringLiteral("https://user:pass@backend.example/auth?key=s3cret#x")),
             QStringLiteral("https://backend.example/auth"));
}

void TestConsoleFeed::countersWithinTheBudget()
{
    // 10,000 streams whose counters all move on every snapshot: each delta stays within the
    // budget, and within a few deltas every stream has been brought up to date once.
    FeedEncoder::Options options;
    options.updateBytesPerSecond = 160 * 1024; // snapshots 1 ms apart: 250 ms of budget each
    Link link;
    link.encoder = FeedEncoder("run1", options);
    link.step(snapshotWith(10000, 1));
    link.attach();
    QVERIFY(link.encoder.fullSnapshot().size() > 1000000); // all rows, once

    std::map<quint64, quint64> refreshed; // stream -> events told
    const int deltas = 12;
    for (int i = 2; i < 2 + deltas; ++i) {
        const QByteArray delta = link.step(snapshotWith(10000, quint64(i)));
        QVERIFY2(delta.size() < 48 * 1024, QByteArray::number(delta.size()).constData());
        const SnapshotPtr got = link.decoder.take(); // held: the rows live in it
        for (const StreamRow &r : got->connections)
            refreshed[r.id] = r.eventsSent;
    }
    // Round robin: nobody was left at the first figure.
    int stale = 0;
    for (const auto &[id, events] : refreshed)
        stale += events == 1;
    QCOMPARE(stale, 0);
}

void TestConsoleFeed::urgentChangesAtOnce()
{
    FeedEncoder::Options options;
    options.updateBytesPerSecond = 1; // nothing but urgent changes fits
    Link link;
    link.encoder = FeedEncoder("run1", options);
    link.step(snapshotWith(100, 1));
    link.attach();
    ConsoleSnapshot s = snapshotWith(100, 2);
    s.connections[10].state = StreamRow::State::Slow;
    s.connections[20].pausedFilters = 1;
    s.connections[30].bytesQueued = (1 << 20) / 2; // past a quarter of the limit
    s.connections[40].filters = "sensor/+/data other/#";
    link.step(s);
    const SnapshotPtr got = link.decoder.take();
    QCOMPARE(got->connections[10].state, StreamRow::State::Slow);
    QCOMPARE(got->connections[20].pausedFilters, 1);
    QCOMPARE(got->connections[30].bytesQueued, qint64((1 << 20) / 2));
    QCOMPARE(got->connections[40].filters, QByteArray("sensor/+/data other/#"));
    // The ones that only counted are held back (budget 1 byte) but follow later.
    QCOMPARE(got->connections[50].eventsSent, quint64(1));
}

void TestConsoleFeed::logWithoutGapsOrDuplicates()
{
    Link link;
    ConsoleSnapshot s = snapshotWith(1, 1);
    s.log = {logEntry(1), logEntry(2)};
    link.step(s);
    link.attach();
    QCOMPARE(link.decoder.take()->log.size(), 2);

    // The engine sends its kept log again when a console re-attaches: told once only.
    s = snapshotWith(1, 2);
    s.log = {logEntry(1), logEntry(2), logEntry(3)};
    link.step(s);
    QList<LogEntry> got = link.decoder.take()->log;
    QCOMPARE(got.size(), 1);
    QCOMPARE(got[0].seq, quint64(3));

    // A console that lost its link resumes with the deltas it missed: nothing lost, nothing twice.
    const QByteArray resumeFrom = link.decoder.lastEventId();
    FeedDecoder second = link.decoder;
    FeedDecoder third = link.decoder;
    QList<QPair<QByteArray, QByteArray>> missed;
    for (quint64 i = 4; i <= 6; ++i) {
        s = snapshotWith(1, i);
        s.log = {logEntry(i)};
        missed.append({link.step(s), link.encoder.position().toId()});
    }
    QCOMPARE(second.lastEventId(), resumeFrom);
    QString error;
    for (const auto &[data, id] : missed)
        QVERIFY2(second.apply("delta", data, id, &error), qPrintable(error));
    got = second.take()->log;
    QCOMPARE(got.size(), 3);
    QCOMPARE(got[0].seq, quint64(4));
    QCOMPARE(got[2].seq, quint64(6));
    // Or with a new snapshot that holds what it missed: only the new entries, no gap.
    QVERIFY(third.apply("snapshot", link.encoder.fullSnapshot(), link.encoder.position().toId(),
                        &error));
    got = third.take()->log;
    QCOMPARE(got.size(), 3);
    QCOMPARE(third.logGap(), quint64(0));
}

void TestConsoleFeed::logGapAfterALongOutage()
{
    FeedEncoder::Options options;
    options.snapshotLogEntries = 5;
    Link link;
    link.encoder = FeedEncoder("run1", options);
    ConsoleSnapshot s = snapshotWith(1, 1);
    s.log = {logEntry(1)};
    link.step(s);
    link.attach();
    link.decoder.take();
    FeedDecoder away = link.decoder;
    for (quint64 i = 2; i <= 20; ++i) {
        s.log = {logEntry(i)};
        link.step(s);
    }
    QString error;
    QVERIFY(away.apply("snapshot", link.encoder.fullSnapshot(), link.encoder.position().toId(),
                       &error));
    const QList<LogEntry> got = away.take()->log;
    QCOMPARE(got.size(), 5); // 16..20
    QCOMPARE(got.first().seq, quint64(16));
    QCOMPARE(away.logGap(), quint64(14)); // 2..15 were no longer kept: said, not hidden
}

void TestConsoleFeed::refusesMalformedAndOutOfOrder()
{
    Link link;
    link.step(snapshotWith(2, 1));
    link.attach();
    const QByteArray before = link.decoder.lastEventId();
    QString error;
    QVERIFY(!link.decoder.apply("delta", "{not json", "run1-2", &error));
    QVERIFY(!error.isEmpty());
    // Skips a delta: refused.
    link.step(snapshotWith(2, 2));
    FeedDecoder lagging;
    QVERIFY(lagging.apply("snapshot", link.encoder.fullSnapshot(), "run1-2", &error));
    link.encoder.advance(snapshotWith(2, 3));
    const QByteArray fourth = link.encoder.advance(snapshotWith(2, 4));
    QVERIFY(!lagging.apply("delta", fourth, "run1-4", &error));
    QVERIFY(error.contains(QLatin1String("does not follow")));
    // Another run's delta: refused.
    QVERIFY(!lagging.apply("delta", fourth, "other-3", &error));
    // A malformed row in a delta changes nothing.
    const QByteArray bad = R"({"seq":3,"figures":{"streams":99},"added":[{"id":"x"}]})";
    QVERIFY(!lagging.apply("delta", bad, "run1-3", &error));
    QCOMPARE(lagging.take()->stats.connections, 2);
    QCOMPARE(lagging.lastEventId(), QByteArray("run1-2"));
    // A snapshot without a valid id: refused; an unknown event type is ignored.
    QVERIFY(!lagging.apply("snapshot", link.encoder.fullSnapshot(), "", &error));
    QVERIFY(lagging.apply("future-thing", "{}", "", &error));
    QCOMPARE(lagging.lastEventId(), QByteArray("run1-2"));
    QCOMPARE(before, QByteArray("run1-1"));
}

void TestConsoleFeed::streamDetailJson()
{
    StreamDetail d;
    d.found = true;
    d.id = 42;
    d.clientId = QStringLiteral("alice");
    d.subscriptions = {SubscriptionRow {"a/#", QStringLiteral("paused"), 123}};
    d.recentEvents = {EventRow {"9", "a/b", "message", "{\"x\":1}", 77}};
    StreamDetail back;
    QVERIFY(streamDetailFromJson(ssehub::streamDetailJson(d), &back));
    QCOMPARE(back.id, quint64(42));
    QCOMPARE(back.clientId, QStringLiteral("alice"));
    QCOMPARE(back.subscriptions.size(), 1);
    QCOMPARE(back.subscriptions[0].state, QStringLiteral("paused"));
    QCOMPARE(back.recentEvents[0].payload, QByteArray("{\"x\":1}"));
    QVERIFY(!streamDetailFromJson(QJsonObject(), &back));
}

void TestConsoleFeed::sseReader()
{
    SseReader reader;
    QList<SseReader::Event> got;
    auto collect = [&got](const SseReader::Event &e) { got.append(e); };
    // BOM, CRLF and CR line ends, split anywhere, comments, multi-line data, ids kept.
    static const char stream[]
        = "\xEF\xBB\xBF: hello\r\nretry: 1500\r\nid: a-1\r\nevent: snapshot\r\n"
          "data: {\"x\":\r\ndata: 1}\r\n\r\nevent: tail\rdata: t\r\r"
          "data\n\nid: bad\0id\ndata: 3\n\n";
    const QByteArray all(stream, sizeof(stream) - 1);
    for (qsizetype i = 0; i < all.size(); i += 3)
        QVERIFY(reader.feed(all.mid(i, 3), collect));
    QCOMPARE(got.size(), 4);
    QCOMPARE(got[0].type, QByteArray("snapshot"));
    QCOMPARE(got[0].data, QByteArray("{\"x\":\n1}"));
    QCOMPARE(got[0].lastEventId, QByteArray("a-1"));
    QCOMPARE(got[1].type, QByteArray("tail"));
    QCOMPARE(got[1].data, QByteArray("t"));
    QCOMPARE(got[1].lastEventId, QByteArray("a-1"));
    QCOMPARE(got[2].type, QByteArray("message"));
    QCOMPARE(got[2].data, QByteArray(""));
    QCOMPARE(got[3].lastEventId, QByteArray("a-1")); // an id with NUL is ignored
    QCOMPARE(reader.retryMs(), 1500);
}

void TestConsoleFeed::sseReaderBounds()
{
    SseReader reader(1024);
    int events = 0;
    auto count = [&events](const SseReader::Event &) { ++events; };
    QVERIFY(!reader.feed("data: " + QByteArray(2000, 'x'), count)); // a line without end
    QVERIFY(reader.failed());
    QVERIFY(!reader.feed("\n\n", count));
    SseReader lines(1024);
    QByteArray many;
    for (int i = 0; i < 40; ++i)
        many += "data: " + QByteArray(40, 'y') + '\n'; // short lines, one huge event
    QVERIFY(!lines.feed(many, count));
    QCOMPARE(events, 0);
    lines.restart();
    QVERIFY(lines.feed("data: ok\n\n", count));
    QCOMPARE(events, 1);
}

QTEST_GUILESS_MAIN(TestConsoleFeed)
#include "tst_consolefeed.moc"
