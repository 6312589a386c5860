#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace ssehub {

struct Client;
class Hub;
class RedisHome;
struct RedisReply;

// Cluster mode: what instances share besides events.
//
// - Named clients' subscriptions and cursors live in Redis:
//   `<prefix>client:subscriptions:<id>` is a Hash (field: filter, value: the subscription's
//   state and times as JSON), `<prefix>client:cursor:<id>` the acknowledged event id. A change
//   made on this instance is written and announced on `<prefix>control` in one Lua script;
//   every other instance reloads that client and its live streams follow at once. Every
//   (re)connection reloads all clients, since announcements are missed while disconnected.
//   A change made through the API is answered once the script's reply confirmed it; while
//   Redis is unreachable such a change is refused (503) before anything changes, and one whose
//   write fails is answered 503 and replaced by what Redis holds (reloaded at once, or on the
//   reconnection). Other changes (stream topics, expiries) are kept and written when Redis is
//   back.
// - Each instance registers itself in the Hash `<prefix>nodes` (field: node id, value: JSON
//   with address, start time, connections, throughput and an expiry), refreshed every
//   refreshMs; entries not refreshed within ttlMs are dropped by whoever reads them.
class ClusterState : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString nodeId;
        QString address; // the instance's listen URL
        QString adminUrl; // where consoles reach its admin routes (--admin-url; default address)
        qint64 startedAt = 0;
        int refreshMs = 2000;
        int ttlMs = 10000;
        qint64 deleteAfterMs = 30LL * 24 * 3600 * 1000; // lifecycle: forgotten after expiry
    };
    // What this instance reports about itself (connections, counters).
    using NodeFigures = std::function<QJsonObject()>;

    ClusterState(const Options &options, RedisHome *home, Hub *hub, QObject *parent = nullptr);

    void setNodeFigures(NodeFigures figures) { m_figures = std::move(figures); }
    // The instances registered at the last refresh (this one included), sorted by id.
    QJsonArray nodes() const { return m_nodes; }
    // Writes of client changes waiting for Redis.
    int pendingWrites() const { return int(m_dirty.size()); }
    // True once every client stored in Redis was loaded after the last (re)connection.
    bool isLoaded() const { return m_loaded; }

private:
    QByteArray subscriptionsKey(const QString &clientId) const;
    QByteArray cursorKey(const QString &clientId) const;
    void onReady();
    void restore();
    void writeClient(const QString &clientId, bool replay = false);
    // Calls done once Redis confirmed this client's newest write (at once when none is in
    // flight), or with why not.
    void waitStored(const QString &clientId, std::function<void(const QString &)> done);
    QString unavailable() const;
    void flushDirty();
    void reloadClient(const QString &clientId, bool replay, std::function<void()> then = {});
    void scanPage(const QByteArray &cursor, std::shared_ptr<QSet<QString>> found);
    void finishLoad(std::shared_ptr<QSet<QString>> found);
    void onControl(const QByteArray &message);
    void refreshNode();

    Options m_options;
    RedisHome *m_home;
    Hub *m_hub;
    QByteArray m_prefix;
    QByteArray m_controlChannel;
    QByteArray m_nodesKey;
    NodeFigures m_figures;
    QSet<QString> m_dirty; // changed here, not yet written
    QSet<QString> m_replay; // of those: resumed with replay, announced as such
    QSet<QString> m_known; // named clients this instance has from Redis or made itself
    // Writes sent and not yet confirmed (client -> number of its newest write), and the API
    // requests waiting for them (number needed, done).
    quint64 m_writeSeq = 0;
    QHash<QString, quint64> m_inFlight;
    QHash<QString, QList<QPair<quint64, std::function<void(const QString &)>>>> m_storeWaiters;
    QSet<QString> m_restoreOnly; // of m_dirty: written back only where Redis has nothing
    bool m_loaded = false;
    bool m_loading = false;
    bool m_historyLost = false; // Redis lost data since the last load: re-seed from memory
    QJsonArray m_nodes;
    QTimer m_refresh;
    qint64 m_lastRefreshMs = 0;
    double m_lastIn = 0;
    double m_lastOut = 0;
};

} // namespace ssehub
