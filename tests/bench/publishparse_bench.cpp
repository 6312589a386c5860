// Cost of reading a POST /publish body: the QJsonDocument reference (parsePublishBody) against
// the fast reader (parsePublishBodyFast), on a minimal event, 1 KB payloads with and without
// floating-point numbers, and a batch of 1000 NDJSON lines. Nanoseconds of CPU per body, best of
// 5 runs of about 0.2 s each, and the ratio fast/reference. An argument runs only the cases whose
// name contains it.
#include "api/publishbatch.h"

#include <QCoreApplication>

#include <cstdio>
#include <ctime>
#include <functional>

using namespace ssehub;

namespace {

volatile qsizetype sink = 0;
QByteArray only; // the first argument: run only the cases whose name contains it

// CPU time of this thread: a busy machine takes the core away, not the count.
qint64 threadNs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

qint64 iterationsFor(const std::function<void()> &call)
{
    qint64 iterations = 1;
    while (true) {
        const qint64 start = threadNs();
        for (qint64 i = 0; i < iterations; ++i)
            call();
        if (threadNs() - start > 200'000'000 || iterations > (qint64(1) << 30))
            return iterations;
        iterations *= 2;
    }
}

// Nanoseconds per call of each, best of 5 runs taken in turns, so that both see the same load.
std::pair<double, double> nsPerCall(const std::function<void()> &reference,
                                    const std::function<void()> &fast)
{
    const qint64 referenceIterations = iterationsFor(reference);
    const qint64 fastIterations = iterationsFor(fast);
    const auto run = [](const std::function<void()> &call, qint64 iterations) {
        const qint64 start = threadNs();
        for (qint64 i = 0; i < iterations; ++i)
            call();
        return double(threadNs() - start) / double(iterations);
    };
    double bestReference = 0;
    double bestFast = 0;
    for (int round = 0; round < 5; ++round) {
        const double r = run(reference, referenceIterations);
        const double f = run(fast, fastIterations);
        bestReference = round == 0 ? r : std::min(bestReference, r);
        bestFast = round == 0 ? f : std::min(bestFast, f);
    }
    return {bestReference, bestFast};
}

QByteArray payloadOfAbout(qsizetype bytes, bool floats)
{
    QByteArray items;
    for (int i = 0; items.size() < bytes - 60; ++i) {
        items += (i ? ", " : "") + QByteArray("{\"sensor\": \"room-") + QByteArray::number(i)
            + "\", \"value\": "
            + (floats ? QByteArray::number(20 + i * 0.25) : QByteArray::number(i * 7))
            + ", \"ok\": true}";
    }
    return "{\"site\": \"north\", \"count\": 12, \"readings\": [" + items + "]}";
}

void compare(const char *name, const QByteArray &body)
{
    if (!QByteArray(name).contains(only))
        return;
    const QByteArray contentType("application/json");
    PublishRequest check;
    int status = 0;
    if (!parsePublishBodyFast(contentType, body, 1 << 20, &check, &status).isEmpty()) {
        std::fprintf(stderr, "%s: the body is refused\n", name);
        std::exit(1);
    }
    const auto [reference, fast] = nsPerCall(
        [&] {
            PublishRequest request;
            int s = 0;
            parsePublishBody(contentType, body, 1 << 20, &request, &s);
            sink = sink + request.payloadJson.size();
        },
        [&] {
            PublishRequest request;
            int s = 0;
            parsePublishBodyFast(contentType, body, 1 << 20, &request, &s);
            sink = sink + request.payloadJson.size();
        });
    std::printf("%-32s %5lld bytes: parsePublishBody %8.0f ns, parsePublishBodyFast %8.0f ns, "
                "ratio %.2f\n",
                name, qlonglong(body.size()), reference, fast, fast / reference);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc > 1)
        only = argv[1];
    compare("minimal event", R"({"topic":"intake","payload":{"n":1}})");
    compare("1 KB payload, integers",
            "{\"topic\": \"sensor/42/data\", \"type\": \"reading\", \"payload\": "
                + payloadOfAbout(1024, false) + "}");
    compare("1 KB payload, floats",
            "{\"topic\": \"sensor/42/data\", \"type\": \"reading\", \"payload\": "
                + payloadOfAbout(1024, true) + "}");

    if (!QByteArray("NDJSON").contains(only))
        return 0;
    QByteArray lines;
    for (int i = 0; i < 1000; ++i)
        lines += "{\"topic\":\"sensor/" + QByteArray::number(i % 50) + "\",\"payload\":{\"n\":"
            + QByteArray::number(i) + ",\"at\":\"2026-05-18T10:00:00Z\"}}\n";
    const QByteArray ndjson("application/x-ndjson");
    const auto batch = [&](bool fast) {
        return [&, fast] {
            QList<BatchItem> items;
            int status = 0;
            if (fast)
                parsePublishBatch(ndjson, lines, {}, &items, &status);
            else
                parsePublishBatchQt(ndjson, lines, {}, &items, &status);
            sink = sink + items.size();
        };
    };
    const auto [reference, fast] = nsPerCall(batch(false), batch(true));
    std::printf("%-32s %5lld bytes: parsePublishBatchQt %8.0f ns/event, parsePublishBatch %8.0f "
                "ns/event, ratio %.2f\n",
                "NDJSON, 1000 events", qlonglong(lines.size()), reference / 1000, fast / 1000,
                fast / reference);
    return 0;
}
