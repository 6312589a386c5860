#pragma once

#include "enginethread.h"

#include <QObject>

#include <functional>

namespace ssehub {

// The console's one way to the engine: views ask here, and only this class calls the
// EngineThread. Answers come back on the GUI thread; those that are only news for the operator
// arrive as reported(), the rest through the callbacks given, which run only while their
// context object exists.
class EngineController : public QObject
{
    Q_OBJECT

public:
    // The engine outlives the controller (app/ owns it); snapshots are relayed while both live.
    explicit EngineController(EngineThread *engine, QObject *parent = nullptr);
    ~EngineController() override;

    bool isRunning() const { return m_engine->isRunning(); }
    bool isStopping() const { return m_engine->isStopping(); }
    QString listenUrl() const { return m_engine->listenUrl(); }
    QStringList startProblems() const { return m_engine->startProblems(); }

    bool start(const EngineConfig &config, QString *error);
    void stopNow();
    void drainAndStop(EngineThread::DrainReason reason, std::function<void()> done);

    void kick(quint64 streamId);
    void setClientPaused(const QString &clientId, bool paused);
    void streamDetail(quint64 streamId, QObject *context,
                      std::function<void(const StreamDetail &)> done);
    // done gets the text for the tail's state line (started, or why not).
    void startTail(const QString &filter, QObject *context,
                   std::function<void(const QString &state)> done);
    void stopTail();
    void publish(const PublishRequest &request);
    void reloadAccess();

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);
    // An action's outcome, for the status bar.
    void reported(bool ok, const QString &message);

private:
    EngineThread *m_engine;
};

} // namespace ssehub
