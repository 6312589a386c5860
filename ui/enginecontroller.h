#pragma once

#include "enginethread.h"
#include "link/enginelink.h"

#include <QObject>

#include <functional>

namespace ssehub {

class LocalLink;
class RemoteLink;
struct RemoteTarget;

// What the console's views call: it holds the link to the engine shown (the embedded one or one
// elsewhere, EngineLink) and turns the answers into messages for the operator. Views never
// know which link it has. Answers come back on the GUI thread; those that are only news for
// the operator arrive as reported(), the rest through the callbacks given, which run only
// while their context object exists.
class EngineController : public QObject
{
    Q_OBJECT

public:
    // The embedded engine outlives the controller (app/ owns it). The controller starts on it.
    explicit EngineController(EngineThread *engine, QObject *parent = nullptr);
    ~EngineController() override;

    EngineLink *link() const { return m_link; }
    // Attached to a server elsewhere (the embedded one is not shown, and stopped).
    bool isAttached() const { return m_link->isRemote(); }
    // The RemoteLink when attached, else nullptr.
    RemoteLink *remote() const;

    // The embedded engine.
    bool isRunning() const { return m_engine->isRunning(); }
    bool isStopping() const { return m_engine->isStopping(); }
    QString listenUrl() const { return m_engine->listenUrl(); }
    QStringList startProblems() const { return m_engine->startProblems(); }
    // cause: who asked and why ("console action=stop"), for the log's engine entries; the
    // drain is the one SIGTERM runs headless (EngineThread::drainAndStop).
    bool start(const EngineConfig &config, QString *error, const QString &cause);
    void stopNow();
    void drainAndStop(EngineThread::DrainReason reason, const QString &cause,
                      std::function<void()> done);

    // Shows a server elsewhere instead (the embedded engine must be stopped first); false with
    // a message when the target's files cannot be read.
    bool attach(const RemoteTarget &target, QString *error);
    // Shows the embedded engine again (it is started separately).
    void useEmbedded();

    // Ends streams; reason (may be empty) is what each client reads in `event: disconnect` and
    // what the log's kick entries say. Several streams are one report.
    void kick(const QList<StreamRef> &streams, const QString &reason = QString());
    void setClientPaused(const QString &node, const QString &clientId, bool paused);
    // Several clients (node, client id) at once: one report.
    void setClientsPaused(const QList<std::pair<QString, QString>> &clients, bool paused);
    void streamDetail(const StreamRef &stream, QObject *context,
                      std::function<void(const StreamDetail &, const QString &error)> done);
    // A page of the retained events; page.error says why not.
    void history(const HistoryQuery &query, QObject *context,
                 std::function<void(const HistoryPage &page)> done);
    // Who listens on a topic or filter; answer.error says why not (in the engine's English:
    // EngineText translates it).
    void presence(const PresenceQuery &query, QObject *context,
                  std::function<void(const PresenceAnswer &answer)> done);
    // done gets the text for the tail's state line (started, or why not).
    void startTail(const QString &filter, QObject *context,
                   std::function<void(const QString &state)> done);
    void stopTail();
    void publish(const PublishRequest &request);
    void reloadAccess();
    // A page of the clients the engine knows (the Clients view); done(page, error).
    void listClients(const ClientQuery &query, QObject *context,
                     std::function<void(const ClientPage &, const QString &error)> done);
    // Pauses, resumes, expires or deletes one subscription of a client (online or offline); the
    // outcome is reported(), then done(ok) runs (while context exists).
    void changeSubscription(const QString &clientId, const QByteArray &filter,
                            SubscriptionAction action, QObject *context,
                            std::function<void(bool ok)> done);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);
    // An action's outcome, for the status bar.
    void reported(bool ok, const QString &message);
    // Another server is shown (attach, useEmbedded).
    void linkChanged();
    void linkStatusChanged(const ssehub::EngineLink::Status &status);
    void logGap(quint64 missed, qint64 lostAtMs);
    // Attached to a cluster: its nodes and how each is reached (EngineLink::nodeLinks).
    void nodeLinksChanged(const QList<ssehub::NodeLink> &nodes);

private:
    void setLink(EngineLink *link);
    LocalLink *local() const;

    EngineThread *m_engine;
    EngineLink *m_link = nullptr; // a child
};

} // namespace ssehub
