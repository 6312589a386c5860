#pragma once

#include "api/presence.h"
#include "proto/topicfilter.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <optional>

namespace ssehub {

class ClusterState;
class Hub;
class PresenceTracker;
class RedisHome;
struct Client;

// Cluster mode: who listens on every instance.
//
// Each instance keeps the Hash `<prefix>presence:<node id>` (field: client id, value: compact
// JSON {"s": its live streams here, "j": since when it has had one, "f": {active filter: when
// it last changed}}) for the clients with a live stream on it. A client whose presence changed
// is written within writeDelayMs (HSET, or HDEL once it has no stream here); the key's expiry
// (ttlMs, as the node registry's) is renewed every refreshMs, so that the presence of an
// instance that dies is gone within ttlMs, and readers skip instances the registry no longer
// lists. After every (re)connection, and when Redis lost its data, the whole Hash is written
// again. Queries read the Hashes of the instances in the registry in one script call, at most
// every CacheMs (queries meanwhile share the last read, or the read in flight), so that a flood
// of GET /presence costs Redis nothing more; the records are parsed once per read, and each
// query only matches their filters. The questions that waited for a read are answered a slice
// at a time (SliceMs, then the event loop's other work), the entries of identical filters
// found once; each question pays from the tracker's question budget what its answer cost (the
// clients and records looked at, or the entries it copies when another found them), so that a
// flood of questions neither stalls the instance nor takes more than the budget's share of it.
class ClusterPresence : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString nodeId;
        int refreshMs = 2000;
        int ttlMs = 10000;
        int writeDelayMs = 100;
    };

    ClusterPresence(const Options &options, RedisHome *home, ClusterState *cluster, Hub *hub,
                    PresenceTracker *tracker, QObject *parent = nullptr);

    using Done = std::function<void(PresenceAnswer)>;
    // Every instance's entries for the filter (this one's from memory); called once, now or
    // later. Without Redis, or (bounded) over the question budget: an answer with its error
    // set.
    void query(const TopicFilter &filter, Done done, bool bounded = true);

    // The value written for a client (empty while it has no stream here).
    static QByteArray record(const Client &client);

    quint64 writes() const { return m_writes; }
    quint64 reads() const { return m_reads; }
    // Whether a question now is answered from the last read (younger than CacheMs).
    bool readIsFresh() const;

    // Other instances' records are read again after this long.
    static constexpr int CacheMs = 500;
    // Queries waiting for one read at most (more: answered with an error, a 503).
    static constexpr int MaxWaiting = 1000;
    // Waiting queries are answered for this long at most before the event loop runs again.
    static constexpr int SliceMs = 5;

private:
    struct Record
    {
        QString clientId;
        QString node;
        int streams = 0;
        qint64 since = 0;
        QList<QPair<TopicFilter, qint64>> filters; // active filters, last changed
    };
    struct Waiting
    {
        TopicFilter filter;
        Done done;
        bool bounded = true;
        QString error; // the read failed
    };
    void read(const QStringList &nodes);
    // Moves the queries that waited for the read into the answering queue.
    void readDone(const QString &error);
    void answerSome();
    void answerQueued();
    PresenceAnswer answer(const TopicFilter &filter) const;
    QByteArray keyOf(const QString &nodeId) const;
    void changed(const QSet<QString> &ids);
    void writeDirty();
    void writeAll();
    void renew();

    Options m_options;
    RedisHome *m_home;
    ClusterState *m_cluster;
    Hub *m_hub;
    PresenceTracker *m_tracker;
    QByteArray m_key;
    QSet<QString> m_dirty;
    QTimer m_writeTimer;
    QTimer m_renewTimer;
    quint64 m_writes = 0;
    quint64 m_reads = 0;
    QList<Record> m_records; // the other instances', from the last read
    int m_nodesRead = 0; // other instances in that read
    qint64 m_readAtMs = -1; // monotonic; -1: none yet
    bool m_reading = false;
    std::vector<Waiting> m_waiting; // for the read in flight
    std::vector<Waiting> m_answering; // read, sorted by filter: answered a slice at a time
    size_t m_answered = 0; // of m_answering
    bool m_answerQueued = false;
    // The answer for the questions at the head of m_answering that share its key (error and
    // filter), kept across slices.
    std::optional<PresenceAnswer> m_shared;
    QByteArray m_sharedKey;
};

} // namespace ssehub
