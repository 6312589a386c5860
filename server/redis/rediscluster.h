#pragma once

#include "redis/redisconnection.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTimer>

#include <vector>

namespace ssehub {

// The hash slot of a Redis Cluster key: CRC16 (XMODEM) of the key, or of its hash tag (what is
// between the first '{' and the next '}', when that is not empty), modulo 16384.
int redisKeySlot(QByteArrayView key);

// A client of a Redis Cluster: the slot map (CLUSTER SLOTS, read from any node it can reach),
// one RedisConnection per node it talks to, and commands routed to the primary of their key's
// slot. A MOVED answer updates that slot at once and reads the map again soon; an ASK answer
// (a slot being migrated) sends that one command to the node named, after ASKING; TRYAGAIN and
// a node not yet connected are tried again shortly. The map is also read again every refreshMs,
// and soon after a primary's connection is lost (a failover promotes one of its replicas).
// All calls happen on the thread this object lives on.
class RedisCluster : public QObject
{
    Q_OBJECT

public:
    static constexpr int SlotCount = 16384;

    struct Options
    {
        QList<QPair<QString, quint16>> seeds; // where the map is read first
        RedisConnection::Options connection; // password, timeouts, backoff for every node
        int refreshMs = 5000;
        int maxRedirects = 5; // MOVED / ASK followed per command
        int retryMs = 50; // a node not connected yet, TRYAGAIN, CLUSTERDOWN: tried again after
        int maxRetries = 40; // ... at most this often (2 s by default)
    };

    // Parses HOST:PORT texts into seeds; false with *error for one that is not.
    static bool parseSeeds(const QList<QByteArray> &texts, Options *out, QString *error);

    explicit RedisCluster(const Options &options, QObject *parent = nullptr);
    ~RedisCluster() override;

    void start();

    // Every slot has a primary, and a ready connection to each of them (as of the last change
    // of the map or of a connection: cheap to ask per command).
    bool isReady() const { return m_ready; }
    // A slot map was read (commands can be routed, though some slots may have no primary now).
    bool hasMap() const { return !m_addresses.isEmpty(); }
    // The slots with a known primary.
    int slotsCovered() const;
    // "host:port" of the primary of slot ("" when unknown).
    QString primaryOf(int slot) const;
    // The primaries of the map, in slot order, each once.
    QStringList primaries() const;
    RedisConnection *connectionTo(const QString &address) const { return m_nodes.value(address); }
    QString lastError() const { return m_lastError; }
    quint64 mapReads() const { return m_mapReads; }
    quint64 redirects() const { return m_redirectsFollowed; }

    // Runs argv on the primary of the slot of `key` (every key of one command must share the
    // slot); the callback gets the reply, or an error reply. Never calls back synchronously.
    void command(const QByteArray &key, const QList<QByteArray> &argv,
                 RedisConnection::Callback callback);
    // Reads the map again soon (someone was told MOVED, or a node went away).
    void readMapSoon() { scheduleRead(0); }
    // The same for a slot known already.
    void commandInSlot(int slot, const QList<QByteArray> &argv, RedisConnection::Callback callback);

Q_SIGNALS:
    // isReady() changed.
    void readyChanged(bool ready);
    // The map changed: a slot has another primary (or one now).
    void mapChanged();

private:
    struct Request;

    void run(std::shared_ptr<Request> request);
    void retryLater(std::shared_ptr<Request> request, const QString &why);
    RedisConnection *node(const QString &address);
    void readMap();
    void applyMap(const RedisReply &reply, const QString &from);
    void scheduleRead(int delayMs);
    bool computeReady() const;
    void updateReady();

    Options m_options;
    std::vector<int> m_slots; // slot -> index into m_addresses, -1: unknown
    QStringList m_addresses; // every primary address the map named, by index
    QHash<QString, RedisConnection *> m_nodes;
    QTimer m_refresh;
    bool m_reading = false;
    bool m_ready = false;
    QString m_lastError;
    quint64 m_mapReads = 0;
    quint64 m_redirectsFollowed = 0;
};

} // namespace ssehub
