#include "remotesession.h"

#include <QNetworkAccessManager>

namespace ssehub {

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
    m_primary = new FeedConnection(m_network, m_base, m_credentials, m_inFlight, this);
    connect(m_primary, &FeedConnection::statusChanged, this, &RemoteSession::statusChanged);
    connect(m_primary, &FeedConnection::logGap, this, &RemoteSession::logGap);
    connect(m_primary, &FeedConnection::snapshotReady, this, [this](const SnapshotPtr &snapshot) {
        m_inFlight->fetch_add(1);
        Q_EMIT snapshotReady(snapshot);
    });
    m_primary->start();
}

void RemoteSession::reconnectNow()
{
    if (m_primary)
        m_primary->reconnectNow();
}

FeedConnection *RemoteSession::connectionFor(const QString &) const
{
    return m_primary;
}

void RemoteSession::send(const QString &node, const QByteArray &method, const QString &path,
                         const QByteArray &body, std::function<void(const HttpAnswer &)> done)
{
    if (FeedConnection *connection = connectionFor(node))
        connection->send(method, path, body, std::move(done));
}

void RemoteSession::setTail(const QByteArray &filter, std::function<void(const LinkAnswer &)> done)
{
    if (m_primary)
        m_primary->setTail(filter, std::move(done));
}

} // namespace ssehub
