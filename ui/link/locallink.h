#pragma once

#include "enginelink.h"
#include "enginethread.h"

namespace ssehub {

// The engine in this process: every request is a queued call to its EngineThread, snapshots
// are the engine's own. It also starts and stops that engine, which only the embedded server
// allows; the engine outlives the link (app/ owns it).
class LocalLink : public EngineLink
{
    Q_OBJECT

public:
    explicit LocalLink(EngineThread *engine, QObject *parent = nullptr);
    ~LocalLink() override;

    QString serverName() const override;
    bool isRemote() const override { return false; }

    EngineThread *engine() const { return m_engine; }
    // cause: who asked and why, for the log's engine entries (EngineThread).
    bool start(const EngineConfig &config, QString *error, const QString &cause);
    void stopNow();
    void drainAndStop(EngineThread::DrainReason reason, const QString &cause,
                      std::function<void()> done);

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
    void updateStatus();

    EngineThread *m_engine;
};

} // namespace ssehub
