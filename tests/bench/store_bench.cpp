// Cost of storing named clients (embedded mode, docs/PERFORMANCE.md): what the engine thread
// does per write (copying the clients, implicitly shared), and what the writer thread does
// (serializing, writing and fsyncing the file), for 10k and 100k clients with 3 subscriptions.
#include "hub/client.h"
#include "hub/subscriptionstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>
#include <unordered_map>

using namespace ssehub;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir(qEnvironmentVariable("SSEHUB_STORE_BENCH_DIR", QDir::tempPath())
                      + QStringLiteral("/store-bench-XXXXXX"));
    for (const int count : {10000, 100000}) {
        std::unordered_map<QString, std::unique_ptr<Client>> clients;
        for (int i = 0; i < count; ++i) {
            auto c = std::make_unique<Client>();
            c->id = QStringLiteral("client-%1").arg(i);
            for (int t = 0; t < 3; ++t) {
                Subscription s;
                s.filter = TopicFilter::parse("sensor/" + QByteArray::number(i % 1000) + "/"
                                              + QByteArray::number(t) + "/#");
                s.createdAt = s.updatedAt = 1796000000000 + i;
                c->subscriptions.insert(s.filter.text(), s);
            }
            c->hasAck = true;
            c->ackedId = 1796000000000000ULL + quint64(i);
            clients.emplace(c->id, std::move(c));
        }
        FileSubscriptionStore store(
            dir.filePath(QStringLiteral("subscriptions-%1.json").arg(count)));
        QElapsedTimer t;
        // As Hub::namedClients(): the engine thread's share of a write.
        t.start();
        QList<Client> named;
        named.reserve(qsizetype(clients.size()));
        for (const auto &[id, client] : clients) {
            Client &copy = named.emplace_back();
            copy.id = client->id;
            copy.subscriptions = client->subscriptions;
            copy.hasAck = client->hasAck;
            copy.ackedId = client->ackedId;
        }
        const double snapshotMs = double(t.nsecsElapsed()) / 1e6;
        t.restart();
        const QByteArray data = FileSubscriptionStore::serialize(named, 1);
        const double serializeMs = double(t.nsecsElapsed()) / 1e6;
        t.restart();
        QString error;
        if (!store.save(named, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        const double saveMs = double(t.nsecsElapsed()) / 1e6; // serializes again, then writes
        // A group of 100 changed clients appended to the journal (what most writes are).
        QList<SubscriptionStore::Change> changes;
        for (int i = 0; i < 100; ++i)
            changes.append({named.at(i).id, named.at(i)});
        t.restart();
        const int appends = 20;
        for (int i = 0; i < appends; ++i) {
            if (!store.append(changes, &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
        }
        const double appendMs = double(t.nsecsElapsed()) / 1e6 / appends;
        t.restart();
        const auto loaded = store.load(&error);
        const double loadMs = double(t.nsecsElapsed()) / 1e6;
        std::printf("%d clients: snapshot (compaction): engine thread copy %.1f ms, writer thread "
                    "serialize %.1f ms, save() (serialize, write, fsync, rename, fsync(dir)) %.1f "
                    "ms (%.1f MB); "
                    "journal append of 100 changed clients + fdatasync %.2f ms; load at start "
                    "(with a journal to fold in) %.1f ms (%lld clients)\n",
                    count, snapshotMs, serializeMs, saveMs, double(data.size()) / 1e6, appendMs,
                    loadMs, qlonglong(loaded.size()));
        std::fflush(stdout);
    }
    return 0;
}
