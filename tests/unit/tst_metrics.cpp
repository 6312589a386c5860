// The Prometheus text: the writer (HELP and TYPE once per family, label values escaped, numbers
// as Prometheus reads them) and what /metrics shows of the engine's figures, per-topic counters
// only for the topics listed in --metrics-topics.
#include "observe/metrics.h"
#include "observe/prometheus.h"

#include <QTest>

using namespace ssehub;

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void familyHeadersOnce();
    void labelEscaping();
    void numbers();
    void engineFigures();
    void topicCountersOnlyForListedTopics();
    void optionalFamilies();

private:
    // The sample lines of one family (no HELP/TYPE), in order.
    static QList<QByteArray> samples(const QByteArray &text, const QByteArray &family)
    {
        QList<QByteArray> out;
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith(QByteArray(family + ' '))
                || line.startsWith(QByteArray(family + '{')))
                out << line;
        }
        return out;
    }
};

void TestMetrics::familyHeadersOnce()
{
    MetricsWriter m;
    m.counter("x_total", "Things.", 1, {{"reason", "a"}});
    m.counter("x_total", "Things.", 2, {{"reason", "b"}});
    m.gauge("y", "A level.", 3);
    QCOMPARE(m.text(),
             QByteArray("# HELP x_total Things.\n"
                        "# TYPE x_total counter\n"
                        "x_total{reason=\"a\"} 1\n"
                        "x_total{reason=\"b\"} 2\n"
                        "# HELP y A level.\n"
                        "# TYPE y gauge\n"
                        "y 3\n"));
}

void TestMetrics::labelEscaping()
{
    QCOMPARE(MetricsWriter::escapeLabel("plain/topic"), QByteArray("plain/topic"));
    QCOMPARE(MetricsWriter::escapeLabel("a\\b"), QByteArray("a\\\\b"));
    QCOMPARE(MetricsWriter::escapeLabel("say \"hi\""), QByteArray("say \\\"hi\\\""));
    QCOMPARE(MetricsWriter::escapeLabel("two\nlines"), QByteArray("two\\nlines"));
    MetricsWriter m;
    m.gauge("g", "G.", 1, {{"a", "x\"y"}, {"b", "\\"}});
    QVERIFY(m.text().contains("g{a=\"x\\\"y\",b=\"\\\\\"} 1\n"));
}

void TestMetrics::numbers()
{
    MetricsWriter m;
    m.gauge("int", "I.", 42);
    m.gauge("big", "B.", 1e20); // beyond 9e15: not written as an integer
    m.gauge("fraction", "F.", 1.5);
    m.gauge("negative", "N.", -2);
    QCOMPARE(samples(m.text(), "int"), QList<QByteArray> {"int 42"});
    QCOMPARE(samples(m.text(), "fraction"), QList<QByteArray> {"fraction 1.5"});
    QCOMPARE(samples(m.text(), "negative"), QList<QByteArray> {"negative -2"});
    QCOMPARE(samples(m.text(), "big"), QList<QByteArray> {"big 1e+20"});
}

void TestMetrics::engineFigures()
{
    ConsoleSnapshot s;
    s.stats.connections = 3;
    s.stats.eventsPublished = 10;
    s.stats.slowConsumerCloses = 2;
    s.stats.deadCloses = 1;
    s.stats.brokerReady = false;
    s.subscriptions[0] = 5;
    s.bytesOut = 1234;
    MetricsFigures f;
    f.startedAt = 1700000000500;
    f.broker = "local";
    f.oldestEventAt = 1700000001250;
    f.acceptPaused = true;
    const QByteArray text = prometheusText(s, f);
    QVERIFY(text.contains("# HELP ssehub_connections Open event streams.\n"
                          "# TYPE ssehub_connections gauge\n"
                          "ssehub_connections 3\n"));
    QVERIFY(text.contains("# TYPE ssehub_events_published_total counter\n"
                          "ssehub_events_published_total 10\n"));
    QCOMPARE(samples(text, "ssehub_stream_closes_total"),
             (QList<QByteArray> {"ssehub_stream_closes_total{reason=\"slow-consumer\"} 2",
                                 "ssehub_stream_closes_total{reason=\"dead\"} 1",
                                 "ssehub_stream_closes_total{reason=\"kicked\"} 0",
                                 "ssehub_stream_closes_total{reason=\"shutdown\"} 0",
                                 "ssehub_stream_closes_total{reason=\"auth-expired\"} 0"}));
    QCOMPARE(samples(text, "ssehub_subscriptions").size(), 4); // one per lifecycle state
    QVERIFY(samples(text, "ssehub_subscriptions").first().endsWith("} 5"));
    QCOMPARE(samples(text, "ssehub_bytes_out_total"),
             QList<QByteArray> {"ssehub_bytes_out_total 1234"});
    QCOMPARE(samples(text, "ssehub_broker_ready"), QList<QByteArray> {"ssehub_broker_ready 0"});
    QCOMPARE(samples(text, "ssehub_accept_paused"), QList<QByteArray> {"ssehub_accept_paused 1"});
    QCOMPARE(samples(text, "ssehub_start_time_seconds"),
             QList<QByteArray> {"ssehub_start_time_seconds 1700000000.5"});
    QCOMPARE(samples(text, "ssehub_history_oldest_timestamp_seconds"),
             QList<QByteArray> {"ssehub_history_oldest_timestamp_seconds 1700000001.25"});
    const QByteArray build = samples(text, "ssehub_build_info").value(0);
    QVERIFY2(build.startsWith("ssehub_build_info{version=\"" SSEHUB_VERSION "\",qt=\"")
                 && build.endsWith(",broker=\"local\"} 1"),
             build.constData());
    // Every sample line belongs to a family whose HELP and TYPE came first, once.
    QSet<QByteArray> typed;
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith("# TYPE ")) {
            const QByteArray family = line.split(' ').value(2);
            QVERIFY2(!typed.contains(family), family.constData());
            typed.insert(family);
        } else if (!line.isEmpty() && !line.startsWith('#')) {
            QVERIFY2(line.startsWith("ssehub_"), line.constData());
            const qsizetype end = line.indexOf(line.contains('{') ? '{' : ' ');
            QVERIFY2(typed.contains(line.left(end)), line.constData());
        }
    }
}

void TestMetrics::topicCountersOnlyForListedTopics()
{
    ConsoleSnapshot s;
    // Topics that carried events but are not listed get no label of their own.
    s.topics.push_back(TopicRow {"news/sport", 40, 0, {}, {}});
    s.topics.push_back(TopicRow {"orders/1", 7, 0, {}, {}});
    MetricsFigures f;
    QVERIFY(samples(prometheusText(s, f), "ssehub_topic_events_total").isEmpty());
    f.topicEvents.insert("orders/1", 7);
    f.topicEvents.insert("a \"quoted\"\\topic", 0); // listed, no events yet: still shown
    const QByteArray text = prometheusText(s, f);
    QCOMPARE(samples(text, "ssehub_topic_events_total"),
             (QList<QByteArray> {"ssehub_topic_events_total{topic=\"a \\\"quoted\\\"\\\\topic\"} 0",
                                 "ssehub_topic_events_total{topic=\"orders/1\"} 7"}));
    QVERIFY(!text.contains("news/sport"));
    QCOMPARE(text.count("# TYPE ssehub_topic_events_total counter\n"), 1);
}

void TestMetrics::optionalFamilies()
{
    ConsoleSnapshot s;
    MetricsFigures f;
    QByteArray text = prometheusText(s, f);
    QVERIFY(!text.contains("ssehub_redis_"));
    QVERIFY(!text.contains("ssehub_store_"));
    QVERIFY(!text.contains("ssehub_auth_cache_"));
    f.redis = MetricsFigures::Redis {true, 4, 7, 2, std::nullopt, false, std::nullopt};
    f.store = MetricsFigures::Store {9, 1, 250};
    text = prometheusText(s, f);
    QCOMPARE(samples(text, "ssehub_redis_connected"),
             QList<QByteArray> {"ssehub_redis_connected 1"});
    QCOMPARE(samples(text, "ssehub_redis_reconnects_total"),
             QList<QByteArray> {"ssehub_redis_reconnects_total 4"});
    QCOMPARE(samples(text, "ssehub_redis_replica_waits_total"),
             (QList<QByteArray> {"ssehub_redis_replica_waits_total{outcome=\"confirmed\"} 7",
                                 "ssehub_redis_replica_waits_total{outcome=\"short\"} 2"}));
    QVERIFY(!text.contains("ssehub_redis_sentinel_switches_total")); // no sentinels
    QVERIFY(!text.contains("ssehub_redis_cluster_waiting_events")); // no Redis Cluster
    f.redis->sharded = MetricsFigures::Redis::Sharded {12, 345};
    QCOMPARE(samples(prometheusText(s, f), "ssehub_redis_cluster_waiting_events"),
             QList<QByteArray> {"ssehub_redis_cluster_waiting_events 12"});
    QCOMPARE(samples(prometheusText(s, f), "ssehub_redis_cluster_coverage_scripts_total"),
             QList<QByteArray> {"ssehub_redis_cluster_coverage_scripts_total 345"});
    f.redis->sharded.reset();
    f.redis->sentinelSwitches = 3;
    QCOMPARE(samples(prometheusText(s, f), "ssehub_redis_sentinel_switches_total"),
             QList<QByteArray> {"ssehub_redis_sentinel_switches_total 3"});
    QCOMPARE(samples(prometheusText(s, f), "ssehub_redis_sentinel_watch_up"),
             QList<QByteArray> {"ssehub_redis_sentinel_watch_up 0"});
    QCOMPARE(samples(text, "ssehub_store_writes_total"),
             QList<QByteArray> {"ssehub_store_writes_total 9"});
    QCOMPARE(samples(text, "ssehub_store_write_failures_total"),
             QList<QByteArray> {"ssehub_store_write_failures_total 1"});
    QCOMPARE(samples(text, "ssehub_store_last_write_seconds"),
             QList<QByteArray> {"ssehub_store_last_write_seconds 0.25"});
    f.accessCache = AuthCache::Stats {3, 4096, 7, 2048, 40, 3, 90, 7, 2};
    text = prometheusText(s, f);
    QCOMPARE(samples(text, "ssehub_auth_cache_entries"),
             (QList<QByteArray> {"ssehub_auth_cache_entries{cache=\"tokens\"} 3",
                                 "ssehub_auth_cache_entries{cache=\"decisions\"} 7"}));
    QCOMPARE(samples(text, "ssehub_auth_cache_bytes"),
             (QList<QByteArray> {"ssehub_auth_cache_bytes{cache=\"tokens\"} 4096",
                                 "ssehub_auth_cache_bytes{cache=\"decisions\"} 2048"}));
    QCOMPARE(samples(text, "ssehub_auth_cache_hits_total"),
             (QList<QByteArray> {"ssehub_auth_cache_hits_total{cache=\"tokens\"} 40",
                                 "ssehub_auth_cache_hits_total{cache=\"decisions\"} 90"}));
    QCOMPARE(samples(text, "ssehub_auth_cache_misses_total"),
             (QList<QByteArray> {"ssehub_auth_cache_misses_total{cache=\"tokens\"} 3",
                                 "ssehub_auth_cache_misses_total{cache=\"decisions\"} 7"}));
    QCOMPARE(samples(text, "ssehub_auth_cache_evictions_total"),
             QList<QByteArray> {"ssehub_auth_cache_evictions_total 2"});
    QCOMPARE(text.count("# TYPE ssehub_auth_cache_hits_total counter\n"), 1);
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
