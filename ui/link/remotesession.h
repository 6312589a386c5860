#pragma once

#include "feedconnection.h"
#include "snapshotmerger.h"

#include <QJsonArray>
#include <QObject>

#include <atomic>
#include <map>
#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QTimer;
QT_END_NAMESPACE

namespace ssehub {

// Everything a RemoteLink does on its worker thread: the network, the feed of the attached
// instance and its decoding; only finished snapshots and answers cross to the GUI thread.
//
// Attached to an instance in cluster mode (its snapshots list the node registry), it also opens
// the feed of every other registered node, at the admin_url that node advertises and with the
// same credentials, follows nodes that join and leave, and merges what the live ones show into
// one snapshot (SnapshotMerger). A node that cannot be reached is reported (nodeLinksChanged)
// and its rows are left out.
class RemoteSession : public QObject
{
    Q_OBJECT

public:
    // Nodes the console opens a feed to at most, the attached one included; a registry that
    // lists more (or a hostile one) gets the first ones by id, the rest are reported not opened.
    static constexpr int MaxNodes = NodeLink::MaxOpened;
    static constexpr int MergeGapMs = 200; // merged snapshots at most five a second
    static constexpr qsizetype MaxNodeIdChars = 200;
    static constexpr qsizetype MaxUrlChars = 2048;

    RemoteSession(const QUrl &base, const RemoteCredentials &credentials,
                  std::atomic<int> *inFlight);
    ~RemoteSession() override;

    // On the worker thread, once it runs.
    void start();
    void reconnectNow();
    // An admin request to a node (empty or the attached one's id: the attached instance);
    // done runs on the worker thread.
    void send(const QString &node, const QByteArray &method, const QString &path,
              const QByteArray &body, std::function<void(const HttpAnswer &)> done);
    void setTail(const QByteArray &filter, std::function<void(const LinkAnswer &)> done);

    // The admin_url a node advertises as a URL the console may open (http or https, a host, no
    // credentials); empty with *why set otherwise.
    static QUrl adminUrl(const QString &text, QString *why);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);
    void statusChanged(const ssehub::EngineLink::Status &status);
    void logGap(quint64 missed, qint64 lostAtMs);
    void nodeLinksChanged(const QList<ssehub::NodeLink> &nodes);

private:
    struct Node
    {
        NodeLink link;
        QUrl url;
        FeedConnection *feed = nullptr; // a child; null when not opened
    };

    void onPrimarySnapshot(const SnapshotPtr &snapshot);
    void onPrimaryStatus(const EngineLink::Status &status);
    void onNodeSnapshot(const QString &id, FeedConnection *feed, const SnapshotPtr &snapshot);
    void onNodeStatus(const QString &id, FeedConnection *feed, const EngineLink::Status &status);
    // The registry as the attached instance lists it: opens, keeps and closes feeds.
    void followRegistry(const QJsonArray &registry);
    void closeNode(Node &node);
    // Back to a single engine (the attached instance left cluster mode).
    void leaveCluster();
    void scheduleMerge();
    void merge();
    void tellNodeLinks();
    void emitSnapshot(const SnapshotPtr &snapshot);
    FeedConnection *connectionFor(const QString &node) const;

    QUrl m_base;
    RemoteCredentials m_credentials;
    std::atomic<int> *m_inFlight;
    QNetworkAccessManager *m_network = nullptr;
    FeedConnection *m_primary = nullptr;

    bool m_cluster = false;
    bool m_primaryLive = false;
    QString m_selfId; // the attached instance's node id (cluster mode)
    EngineLink::Status m_primaryStatus;
    QList<std::pair<QString, QString>> m_registryKey; // (id, admin_url) as last followed
    std::map<QString, Node> m_nodes; // the other nodes, by id
    SnapshotMerger m_merger;
    QTimer *m_mergeTimer = nullptr;
    qint64 m_lastMergeMs = 0;
    QList<NodeLink> m_linksTold;
};

} // namespace ssehub
