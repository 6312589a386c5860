#pragma once

#include "clientlist.h"
#include "engineconfig.h"
#include "historyquery.h"
#include "presence.h"
#include "publishrequest.h"
#include "snapshot.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace ssehub {

class Engine;

// Runs an Engine on a thread of its own, so that nothing on the GUI thread can slow delivery.
// This is the engine as ui/ and app/ see it: every call into the engine is queued onto that
// thread. A request answers `done` on this object's thread, and only if `context` (an object
// living on this thread) still exists when the answer arrives.
class EngineThread : public QObject
{
    Q_OBJECT

public:
    // How a drain ends the streams (the reason logged for each close).
    enum class DrainReason { Shutdown, Restart };

    explicit EngineThread(QObject *parent = nullptr);
    ~EngineThread() override;

    // Starts the thread and the engine on it; blocks until it listens or failed. cause names who
    // asked ("startup", "console action=start") in the log's engine entry.
    bool start(const EngineConfig &config, QString *error, const QString &cause = QString());
    // Stops the engine at once (streams closed without a drain), deletes it on its thread and
    // joins the thread.
    void stop();
    // Drains as SIGTERM does headless (Engine::drain, bounded by the drain time) without
    // blocking this thread, then stops; done runs here afterwards. While draining, isRunning()
    // stays true and isStopping() is true; a second call only adds nothing. cause names who
    // asked and why ("signal", "console action=stop") in the log. Headless SIGTERM and the
    // console's stop, restart and quit all come here.
    void drainAndStop(DrainReason reason, const QString &cause, std::function<void()> done);
    bool isRunning() const { return m_engine != nullptr; }
    bool isStopping() const { return m_stopping; }

    quint16 port() const { return m_port; }
    QString listenUrl() const { return m_listenUrl; }
    QStringList startProblems() const { return m_startProblems; }

    // The console is watching: snapshots are made and relayed as snapshotReady.
    void setConsoleAttached(bool attached);

    // Ends a stream as the operator's kick (Hub::kick: the client reads `event: disconnect` with
    // the reason, cleaned by cleanKickReason first); done(false) when it had already ended.
    void kick(quint64 streamId, const QString &reason, QObject *context,
              std::function<void(bool kicked)> done);
    // Pauses or resumes (without replay) every subscription of a client; done gets an empty
    // string, or why not.
    void setClientPaused(const QString &clientId, bool paused, QObject *context,
                         std::function<void(const QString &error)> done);
    void streamDetail(quint64 streamId, QObject *context,
                      std::function<void(const StreamDetail &detail)> done);
    // A page of the retained events (Engine::history); a refused query has its error set.
    void history(const HistoryQuery &query, QObject *context,
                 std::function<void(const HistoryPage &page)> done);
    // Who listens on a topic or filter (Engine::presence: every client id, as an admin sees
    // them); answered once known (cluster mode: after Redis answered), with its error set when
    // it cannot be (Redis unreachable, a filter refused).
    void presence(const PresenceQuery &query, QObject *context,
                  std::function<void(const PresenceAnswer &answer)> done);
    // A page of the clients the engine knows (GET /clients' answer as a value).
    void listClients(const ClientQuery &query, QObject *context,
                     std::function<void(const ClientPage &page)> done);
    // Pauses, resumes, expires or deletes one subscription of a client (online or offline);
    // done gets an empty string once the change is stored, or why not.
    void changeSubscription(const QString &clientId, const QByteArray &filter,
                            SubscriptionAction action, QObject *context,
                            std::function<void(const QString &error)> done);
    // Live tail: events matching the filter travel with the next snapshots; empty: off. done
    // gets an empty string, or why the filter is refused.
    void setTail(const QByteArray &filter, QObject *context,
                 std::function<void(const QString &error)> done);
    // A test event, through the broker like any publish.
    void publish(const PublishRequest &request, QObject *context,
                 std::function<void(const PublishOutcome &outcome)> done);
    // Reads the ACL and secret files again (Engine::reloadAccess); done gets what changed or,
    // with ok false, why nothing did.
    void reloadAccess(QObject *context, std::function<void(bool ok, const QString &message)> done);
    // Takes over what can change while running (SIGHUP; Engine::reconfigure); done as above.
    void reconfigure(const EngineConfig &config, QObject *context,
                     std::function<void(bool ok, const QString &message)> done);
    // Runs fn(engine) on the engine thread (queued; never blocks the caller). For code that may
    // include the engine's own headers (server/, tests); ui/ and app/ cannot use an Engine.
    void post(std::function<void(Engine *)> fn);

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);

private:
    // A function to call on the engine thread with a result: done(result) follows on this
    // object's thread if context is still alive there.
    template<typename R>
    std::function<void(R)> answerTo(QObject *context, std::function<void(R)> done);
    // Runs fn(engine) on the engine thread and answers its result as answerTo does.
    template<typename R>
    void request(std::function<R(Engine *)> fn, QObject *context, std::function<void(R)> done);

    std::unique_ptr<QThread> m_thread;
    Engine *m_engine = nullptr;
    quint16 m_port = 0;
    QString m_listenUrl;
    QStringList m_startProblems;
    bool m_consoleAttached = false;
    bool m_stopping = false;
    quint64 m_generation = 0; // of the current engine: relays drop what older ones sent
};

} // namespace ssehub
