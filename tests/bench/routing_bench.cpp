// Routing cost: how long matching one published topic against every subscription takes, with
// the topic trie (what the hub uses) and with a linear scan over all filters (for contrast), at
// 1k, 10k and 100k subscriptions spread over 10k clients; and what one lifecycle sweep costs.
//
// usage: ssehub-routing-bench [publishes]
#include "broker/localbroker.h"
#include "hub/eventhistory.h"
#include "hub/hub.h"
#include "observe/connectionlog.h"
#include "proto/topicfilter.h"
#include "proto/topicindex.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <cstdio>
#include <vector>

using namespace ssehub;

namespace {

// A mix shaped like a device fleet: mostly exact topics, some one-level wildcards, a few
// subtree subscriptions.
QByteArray makeFilter(QRandomGenerator &rng, int devices)
{
    const int device = int(rng.bounded(devices));
    const quint32 kind = rng.bounded(100);
    if (kind < 70)
        return "sensor/" + QByteArray::number(device) + "/data";
    if (kind < 90)
        return "sensor/+/" + QByteArray(kind < 80 ? "data" : "status");
    return "sensor/" + QByteArray::number(device) + "/#";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("ssehub.*.debug=false"));
    const int publishes = argc > 1 ? atoi(argv[1]) : 20000;
    const int clients = 10000;
    const int devices = 50000;
    printf("| subscriptions | clients | matches per publish | trie: ns per publish | trie: ns per "
           "publish "
           "nobody watches | linear scan: ns per publish |\n");
    printf("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (int subscriptions : {1000, 10000, 100000}) {
        QRandomGenerator rng(42);
        TopicIndex<int> index;
        std::vector<std::pair<TopicFilter, int>> all;
        all.reserve(size_t(subscriptions));
        for (int i = 0; i < subscriptions; ++i) {
            const TopicFilter filter = TopicFilter::parse(makeFilter(rng, devices));
            const int client = i % clients;
            index.insert(filter, client);
            all.emplace_back(filter, client);
        }
        std::vector<QByteArray> topics;
        for (int i = 0; i < publishes; ++i)
            topics.push_back("sensor/" + QByteArray::number(rng.bounded(devices))
                             + (i % 4 ? "/data" : "/status"));

        quint64 matches = 0;
        QElapsedTimer timer;
        timer.start();
        for (const QByteArray &topic : topics)
            index.match(topic, [&](int) { ++matches; });
        const double trieNs = double(timer.nsecsElapsed()) / publishes;

        // Topics of the same depth that no filter matches: what routing costs by itself.
        quint64 none = 0;
        timer.restart();
        for (const QByteArray &topic : topics) {
            QByteArray other = topic;
            other[0] = 'x';
            index.match(other, [&](int) { ++none; });
        }
        const double idleNs = double(timer.nsecsElapsed()) / publishes;

        // The linear scan is slow at 100k: sample fewer publishes so the run stays short.
        const int scanned = qMin(publishes, subscriptions >= 100000 ? 500 : 5000);
        quint64 linearMatches = 0;
        timer.restart();
        for (int i = 0; i < scanned; ++i) {
            for (const auto &[filter, client] : all)
                linearMatches += filter.matches(topics[size_t(i)]);
        }
        const double linearNs = double(timer.nsecsElapsed()) / scanned;
        printf("| %d | %d | %.1f | %.0f | %.0f | %.0f |\n", subscriptions, clients,
               double(matches) / publishes, trieNs, idleNs, linearNs);
        Q_UNUSED(linearMatches);
    }

    // The lifecycle sweeper with 100,000 subscriptions (10,000 clients x 10), all with an expiry:
    // a full pass when something is due, and the check when nothing is.
    LocalBroker broker(10, EventHistory::DefaultByteLimit);
    ConnectionLog log(100);
    Hub::Options options;
    options.lifecycle.sweepIntervalMs = 1000000; // driven by hand below
    options.lifecycle.maxSubscriptionsPerClient = 100;
    Hub hub(options, &broker, &log);
    QRandomGenerator rng(7);
    for (int c = 0; c < clients; ++c) {
        QList<TopicFilter> filters;
        for (int i = 0; i < 10; ++i) {
            const TopicFilter filter = TopicFilter::parse(makeFilter(rng, devices).replace("#", "+")
                                                          + "/" + QByteArray::number(i));
            if (filter.isValid() && !filters.contains(filter))
                filters << filter;
        }
        if (!hub.subscribe(QStringLiteral("client-%1").arg(c), filters, 3600 * 1000).ok())
            qFatal("the benchmark's subscriptions were refused");
    }
    QElapsedTimer timer;
    timer.start();
    hub.sweep(); // a full pass: computes the next deadline
    const double fullMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    for (int i = 0; i < 1000; ++i)
        hub.sweep(); // nothing due
    const double idleNs = double(timer.nsecsElapsed()) / 1000;
    printf("\nlifecycle sweep over %lld subscriptions: full pass %.1f ms, nothing due %.0f ns\n",
           qlonglong(hub.indexedSubscriptions()), fullMs, idleNs);
    return 0;
}
