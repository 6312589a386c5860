#include "remotesession.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

#include <algorithm>
#include <set>

namespace ssehub {

namespace {

NodeLink::Reach reachOf(const EngineLink::Status &status)
{
    switch (status.state) {
    case EngineLink::State::Live:
        return NodeLink::Reach::Live;
    case EngineLink::State::Refused:
        return NodeLink::Reach::Refused;
    case EngineLink::State::Stale:
        return NodeLink::Reach::Unreachable;
    case EngineLink::State::Connecting:
        break;
    }
    // A failed first attempt waits for the next one.
    return status.retryAtMs ? NodeLink::Reach::Unreachable : NodeLink::Reach::Connecting;
}

} // namespace

RemoteSession::RemoteSession(const QUrl &base, const RemoteCredentials &credentials,
                             std::atomic<int> *inFlight)
    : m_base(base)
    , m_credentials(credentials)
    , m_inFlight(inFlight)
{
}

RemoteSession::~RemoteSession() = default;

void RemoteSession::start()
{
    m_network = new QNetworkAccessManager(this);
    m_network->setAutoDeleteReplies(false);
    m_mergeTimer = new QTimer(this);
    m_mergeTimer->setSingleShot(true);
    connect(m_mergeTimer, &QTimer::timeout, this, &RemoteSession::merge);
    m_primary = new FeedConnection(m_network, m_base, m_credentials, m_inFlight, this);
    connect(m_primary, &FeedConnection::statusChanged, this, &RemoteSession::onPrimaryStatus);
    connect(m_primary, &FeedConnection::logGap, this, &RemoteSession::logGap);
    connect(m_primary, &FeedConnection::snapshotReady, this, &RemoteSession::onPrimarySnapshot);
    m_primary->start();
}

void RemoteSession::reconnectNow()
{
    if (m_primary)
        m_primary->reconnectNow();
    for (auto &[id, node] : m_nodes) {
        if (node.feed && node.link.reach != NodeLink::Reach::Live)
            node.feed->reconnectNow();
    }
}

QUrl RemoteSession::adminUrl(const QString &text, QString *why)
{
    if (text.isEmpty()) {
        *why = tr("it advertises none");
        return {};
    }
    if (text.size() > MaxUrlChars) {
        *why = tr("longer than %1 characters").arg(MaxUrlChars);
        return {};
    }
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        || url.host().isEmpty() || !url.userInfo().isEmpty()) {
        *why = tr("not an http(s) URL with a host: %1").arg(text.left(200));
        return {};
    }
    const QHostAddress host(url.host());
    if (host == QHostAddress::AnyIPv4 || host == QHostAddress::AnyIPv6) {
        *why = tr("%1 is every address of that machine, not one to connect to (set --admin-url "
                  "on that node)")
                   .arg(url.host());
        return {};
    }
    // The feed and the admin routes are at fixed paths: scheme, host and port only.
    QUrl base;
    base.setScheme(scheme);
    base.setHost(url.host());
    base.setPort(url.port());
    return base;
}

// --- The attached instance -------------------------------------------------------------------

void RemoteSession::onPrimaryStatus(const EngineLink::Status &status)
{
    m_primaryStatus = status;
    m_primaryLive = status.state == EngineLink::State::Live;
    Q_EMIT statusChanged(status);
    if (m_cluster)
        scheduleMerge();
}

void RemoteSession::onPrimarySnapshot(const SnapshotPtr &snapshot)
{
    if (snapshot->stats.nodes.isEmpty()) {
        // A single engine: shown as it comes.
        if (m_cluster)
            leaveCluster();
        emitSnapshot(snapshot);
        return;
    }
    m_cluster = true;
    const QString self = snapshot->stats.nodeId.left(MaxNodeIdChars);
    if (self != m_selfId) {
        m_merger.drop(m_selfId);
        m_selfId = self;
        m_registryKey.clear();
    }
    m_merger.add(m_selfId, snapshot);
    followRegistry(snapshot->stats.nodes);
    scheduleMerge();
}

// --- The other nodes ---------------------------------------------------------------------------

void RemoteSession::followRegistry(const QJsonArray &registry)
{
    QList<std::pair<QString, QString>> key;
    key.reserve(qMin<qsizetype>(registry.size(), 100000));
    for (const QJsonValue &value : registry) {
        const QJsonObject o = value.toObject();
        const QString id = o.value(QLatin1String("id")).toString();
        if (id.isEmpty() || id.size() > MaxNodeIdChars)
            continue;
        QString url = o.value(QLatin1String("admin_url")).toString();
        if (url.isEmpty()) // an instance older than --admin-url
            url = o.value(QLatin1String("address")).toString();
        key.append({id, url.left(MaxUrlChars + 1)});
    }
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end(),
                          [](const auto &a, const auto &b) { return a.first == b.first; }),
              key.end());
    if (key == m_registryKey)
        return;
    m_registryKey = key;

    // The first MaxNodes by id (the attached one among them); the rest are not listed.
    std::set<QString> wanted;
    for (const auto &[id, text] : std::as_const(key)) {
        if (id == m_selfId)
            continue;
        if (int(wanted.size()) + 1 >= MaxNodes)
            break;
        wanted.insert(id);
        Node &node = m_nodes[id];
        node.link.id = id;
        node.link.url = text.left(MaxUrlChars);
        QString why;
        const QUrl url = adminUrl(text, &why);
        if (url.isEmpty()) {
            closeNode(node);
            node.url.clear();
            node.link.reach = NodeLink::Reach::NotOpened;
            node.link.message = tr("Its admin URL cannot be opened: %1.").arg(why);
            continue;
        }
        if (node.feed && node.url == url)
            continue;
        closeNode(node);
        node.url = url;
        node.link.reach = NodeLink::Reach::Connecting;
        node.link.message.clear();
        auto *feed = new FeedConnection(m_network, url, m_credentials, m_inFlight, this);
        node.feed = feed;
        const QString nodeId = id;
        connect(feed, &FeedConnection::snapshotReady, this,
                [this, nodeId, feed](const SnapshotPtr &s) { onNodeSnapshot(nodeId, feed, s); });
        connect(
            feed, &FeedConnection::statusChanged, this,
            [this, nodeId, feed](const EngineLink::Status &s) { onNodeStatus(nodeId, feed, s); });
        connect(feed, &FeedConnection::logGap, this, &RemoteSession::logGap);
        feed->start();
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (wanted.count(it->first)) {
            ++it;
            continue;
        }
        // Gone from the registry (or now the attached one): its feed and rows go.
        closeNode(it->second);
        it = m_nodes.erase(it);
    }
}

void RemoteSession::closeNode(Node &node)
{
    m_merger.drop(node.link.id);
    if (!node.feed)
        return;
    node.feed->disconnect(this);
    node.feed->deleteLater();
    node.feed = nullptr;
}

void RemoteSession::onNodeStatus(const QString &id, FeedConnection *feed,
                                 const EngineLink::Status &status)
{
    const auto it = m_nodes.find(id);
    if (it == m_nodes.end() || it->second.feed != feed)
        return;
    NodeLink &link = it->second.link;
    link.reach = reachOf(status);
    link.message = status.message;
    if (link.reach != NodeLink::Reach::Live)
        m_merger.drop(id); // its rows are not shown while they cannot be read
    scheduleMerge();
}

void RemoteSession::onNodeSnapshot(const QString &id, FeedConnection *feed,
                                   const SnapshotPtr &snapshot)
{
    const auto it = m_nodes.find(id);
    if (it == m_nodes.end() || it->second.feed != feed)
        return;
    NodeLink &link = it->second.link;
    if (snapshot->stats.nodeId != id) {
        // Another instance answers at that address (a wrong --admin-url, or the attached one):
        // its rows would be shown twice or under the wrong node.
        link.reach = NodeLink::Reach::Unreachable;
        link.message
            = tr("%1 answers as node \"%2\", not \"%3\": check that node's --admin-url.")
                  .arg(it->second.url.toString(), snapshot->stats.nodeId.left(MaxNodeIdChars), id);
        m_merger.drop(id);
        scheduleMerge();
        return;
    }
    if (link.reach != NodeLink::Reach::Live) {
        link.reach = NodeLink::Reach::Live;
        link.message.clear();
    }
    m_merger.add(id, snapshot);
    scheduleMerge();
}

void RemoteSession::leaveCluster()
{
    for (auto &[id, node] : m_nodes)
        closeNode(node);
    m_nodes.clear();
    m_merger.clear();
    m_registryKey.clear();
    m_selfId.clear();
    m_cluster = false;
    m_mergeTimer->stop();
    tellNodeLinks();
}

// --- Merging -----------------------------------------------------------------------------------

void RemoteSession::scheduleMerge()
{
    if (m_mergeTimer->isActive())
        return;
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - m_lastMergeMs;
    m_mergeTimer->start(int(qBound(qint64(0), MergeGapMs - since, qint64(MergeGapMs))));
}

void RemoteSession::merge()
{
    if (!m_cluster)
        return;
    if (m_inFlight->load() >= 2) {
        // The GUI is behind: the merger keeps gathering.
        m_mergeTimer->start(50);
        return;
    }
    tellNodeLinks();
    // While the attached instance is down the views keep what it showed last (stale).
    if (!m_primaryLive)
        return;
    m_lastMergeMs = QDateTime::currentMSecsSinceEpoch();
    if (const SnapshotPtr merged = m_merger.take(m_selfId))
        emitSnapshot(merged);
}

void RemoteSession::tellNodeLinks()
{
    QList<NodeLink> links;
    if (m_cluster) {
        NodeLink self;
        self.id = m_selfId;
        self.url = m_base.toString();
        self.attached = true;
        self.reach = reachOf(m_primaryStatus);
        self.message = m_primaryStatus.message;
        links.reserve(qsizetype(m_nodes.size()) + 1);
        links.append(self);
        for (const auto &[id, node] : m_nodes)
            links.append(node.link);
        std::sort(links.begin(), links.end(),
                  [](const NodeLink &a, const NodeLink &b) { return a.id < b.id; });
        for (NodeLink &link : links)
            link.streams = m_merger.streams(link.id);
    }
    if (links == m_linksTold)
        return;
    m_linksTold = links;
    Q_EMIT nodeLinksChanged(links);
}

void RemoteSession::emitSnapshot(const SnapshotPtr &snapshot)
{
    m_inFlight->fetch_add(1);
    Q_EMIT snapshotReady(snapshot);
}

// --- Requests ------------------------------------------------------------------------------------

FeedConnection *RemoteSession::connectionFor(const QString &node) const
{
    if (node.isEmpty() || node == m_selfId)
        return m_primary;
    const auto it = m_nodes.find(node);
    return it == m_nodes.end() ? nullptr : it->second.feed;
}

void RemoteSession::send(const QString &node, const QByteArray &method, const QString &path,
                         const QByteArray &body, std::function<void(const HttpAnswer &)> done)
{
    if (FeedConnection *connection = connectionFor(node))
        connection->send(method, path, body, std::move(done));
    else if (done)
        done(HttpAnswer {0, {}, tr("node %1 is not connected").arg(node)});
}

void RemoteSession::setTail(const QByteArray &filter, std::function<void(const LinkAnswer &)> done)
{
    // The attached instance: in cluster mode its tail receives every node's events.
    if (m_primary)
        m_primary->setTail(filter, std::move(done));
}

} // namespace ssehub
