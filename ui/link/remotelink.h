#pragma once

#include "enginelink.h"
#include "remotetarget.h"

#include <QThread>

#include <atomic>

namespace ssehub {

class RemoteSession;
struct HttpAnswer;

// An ssehub elsewhere, watched through GET /console/feed and asked through its admin routes
// (docs/API.md). The network and the decoding run on a worker thread of the link's own
// (RemoteSession); the GUI thread receives finished snapshots only.
class RemoteLink : public EngineLink
{
    Q_OBJECT

public:
    explicit RemoteLink(const RemoteTarget &target, QObject *parent = nullptr);
    ~RemoteLink() override;

    // Reads the credentials and starts the worker; false with a message when a file is wrong.
    bool start(QString *error);
    // Gives up the current wait (backoff, refused) and connects again at once.
    void reconnectNow();
    const RemoteTarget &target() const { return m_target; }

    QString serverName() const override { return m_target.displayName(); }
    bool isRemote() const override { return true; }

    void kick(const StreamRef &stream, const QString &reason, QObject *context,
              std::function<void(const LinkAnswer &)> done) override;
    void setClientPaused(const QString &node, const QString &clientId, bool paused,
                         QObject *context, std::function<void(const LinkAnswer &)> done) override;
    void streamDetail(const StreamRef &stream, QObject *context,
                      std::function<void(const StreamDetail &, const QString &)> done) override;
    void history(const HistoryQuery &query, QObject *context,
                 std::function<void(const HistoryPage &)> done) override;
    void presence(const PresenceQuery &query, QObject *context,
                  std::function<void(const PresenceAnswer &)> done) override;
    void setTail(const QByteArray &filter, QObject *context,
                 std::function<void(const LinkAnswer &)> done) override;
    void publish(const PublishRequest &request, QObject *context,
                 std::function<void(const PublishOutcome &)> done) override;
    void reloadAccess(QObject *context, std::function<void(const LinkAnswer &)> done) override;
    void listClients(const ClientQuery &query, QObject *context,
                     std::function<void(const ClientPage &, const QString &)> done) override;
    void changeSubscription(const QString &clientId, const QByteArray &filter,
                            SubscriptionAction action, QObject *context,
                            std::function<void(const LinkAnswer &)> done) override;

private:
    // Sends an admin request on the worker thread; done runs here, while context exists.
    void call(const QString &node, const QByteArray &method, const QString &path,
              const QByteArray &body, QObject *context,
              std::function<void(const HttpAnswer &)> done);

    RemoteTarget m_target;
    QThread m_thread;
    RemoteSession *m_session = nullptr; // lives on m_thread, deleted there
    std::atomic<int> m_inFlight {0};
};

} // namespace ssehub
