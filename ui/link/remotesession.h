#pragma once

#include "feedconnection.h"

#include <QObject>

#include <atomic>
#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
QT_END_NAMESPACE

namespace ssehub {

// Everything a RemoteLink does on its worker thread: the network, the feed of the attached
// instance and its decoding; only finished snapshots and answers cross to the GUI thread.
class RemoteSession : public QObject
{
    Q_OBJECT

public:
    RemoteSession(const QUrl &base, const RemoteCredentials &credentials,
                  std::atomic<int> *inFlight);
    ~RemoteSession() override;

    // On the worker thread, once it runs.
    void start();
    void reconnectNow();
    // An admin request to a node (empty or unknown: the attached instance); done runs on the
    // worker thread.
    void send(const QString &node, const QByteArray &method, const QString &path,
              const QByteArray &body, std::function<void(const HttpAnswer &)> done);
    void setTail(const QByteArray &filter, std::function<void(const LinkAnswer &)> done);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);
    void statusChanged(const ssehub::EngineLink::Status &status);
    void logGap(quint64 missed, qint64 lostAtMs);

private:
    FeedConnection *connectionFor(const QString &node) const;

    QUrl m_base;
    RemoteCredentials m_credentials;
    std::atomic<int> *m_inFlight;
    QNetworkAccessManager *m_network = nullptr;
    FeedConnection *m_primary = nullptr;
};

} // namespace ssehub
