#pragma once

#include "snapshot.h"

#include <QString>

#include <map>

namespace ssehub {

// Attached to a cluster, the console reads one feed per node and shows one snapshot: this
// merges the newest snapshot of every node that is live into it (on the link's worker thread,
// so that the GUI thread applies one snapshot as it does for a single engine). Rows and log
// entries are given their node; what each node counts of its own (streams, deliveries, bytes,
// publishes, closes, requests) is summed; what the cluster shares through Redis and every node
// counts alike (clients, subscriptions, a filter's holders, a topic's events) is the largest
// count, not a sum; the attached node's clocks, registry, queue limit, heartbeat and tail stand
// for the rest.
class SnapshotMerger
{
public:
    // What a node's feed delivered: its state now, with its log entries and tail events since
    // its previous snapshot (kept until the next take()).
    void add(const QString &node, const SnapshotPtr &snapshot);
    // The node is left out (unreachable, gone): its rows go with the next take().
    void drop(const QString &node);
    bool has(const QString &node) const { return m_nodes.count(node) != 0; }
    // Streams the node had in its newest snapshot (0 when left out).
    int streams(const QString &node) const;
    // The merged snapshot, the attached node's figures first; null while it has none.
    SnapshotPtr take(const QString &attached);
    void clear() { m_nodes.clear(); }

private:
    struct Node
    {
        SnapshotPtr latest;
        QList<LogEntry> log; // since the previous take
        QList<EventRow> tail;
        quint64 tailDropped = 0;
    };
    std::map<QString, Node> m_nodes; // by id: rows come out sorted by (node, id)
    quint64 m_revision = 0;
};

} // namespace ssehub
