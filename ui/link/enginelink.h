#pragma once

#include "clientlist.h"
#include "historyquery.h"
#include "presence.h"
#include "publishrequest.h"
#include "snapshot.h"

#include <QObject>
#include <QString>

#include <functional>

namespace ssehub {

// A stream as an action names it: ids are unique only within a node (empty: the engine shown).
struct StreamRef
{
    QString node;
    quint64 id = 0;
};

// What became of an operator's action on the engine.
struct LinkAnswer
{
    enum class Outcome { Done, NotFound, Failed };
    Outcome outcome = Outcome::Done;
    QString message; // Failed: why, for the operator; Done: what the engine said, if anything

    bool ok() const { return outcome == Outcome::Done; }
    static LinkAnswer done(const QString &message = {}) { return {Outcome::Done, message}; }
    static LinkAnswer notFound() { return {Outcome::NotFound, {}}; }
    static LinkAnswer failed(const QString &message) { return {Outcome::Failed, message}; }
};

// One instance of a cluster as the console reaches it (attached to a cluster: one feed per node,
// merged into one snapshot; see NodeFeeds).
struct NodeLink
{
    // Nodes the console opens a feed to at most, the attached one included.
    static constexpr int MaxOpened = 64;

    enum class Reach {
        Live, // its feed is read: its rows are in the snapshots
        Connecting, // first attempt under way
        Unreachable, // refused, down, or its feed dropped: its rows are left out
        Refused, // it refused the credentials that the attached instance accepted
        NotOpened, // its admin_url is unusable, or beyond the number of nodes the console opens
    };
    QString id;
    QString url; // the admin_url it advertises (as given, cut to a sane length)
    bool attached = false; // the instance the console attached to
    Reach reach = Reach::Connecting;
    QString message; // why, for the operator (empty while live)
    int streams = 0; // its rows in the snapshot

    bool operator==(const NodeLink &o) const
    {
        return id == o.id && url == o.url && attached == o.attached && reach == o.reach
            && message == o.message && streams == o.streams;
    }
};

// The console's way to one engine: the one in this process (LocalLink, queued calls to its
// EngineThread) or one elsewhere (RemoteLink, GET /console/feed and the admin routes). Views and
// models see only this; snapshots arrive on the GUI thread as values, and every request answers
// on the GUI thread to a callback that runs only while its context object exists.
class EngineLink : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Connecting, // no snapshot yet (or the embedded engine is not running)
        Live, // snapshots arrive
        Stale, // had them, lost the link: the views show what came last; reconnecting
        Refused, // the server refused the credentials: waits, retrying slowly
    };
    struct Status
    {
        State state = State::Connecting;
        QString message; // why, in words for the operator (empty while live)
        qint64 lostAtMs = 0; // Stale: when the link dropped (ms since the epoch)
        qint64 retryAtMs = 0; // when the next attempt starts (ms since the epoch; 0: none)
    };

    using QObject::QObject;

    // Which server this is, for the title and status bars: its URL, or "embedded".
    virtual QString serverName() const = 0;
    // A server elsewhere: the console cannot start, stop or configure it.
    virtual bool isRemote() const = 0;
    const Status &status() const { return m_status; }
    // Attached to a cluster: every node and how it is reached, sorted by id; empty otherwise.
    // Changes (nodeLinksChanged) arrive before the snapshot that reflects them.
    const QList<NodeLink> &nodeLinks() const { return m_nodeLinks; }

    // Ends a stream; reason (may be empty; at most MaxKickReasonBytes) is what its client reads
    // in `event: disconnect` and what the log's kick entry says. Failed for a reason refused.
    virtual void kick(const StreamRef &stream, const QString &reason, QObject *context,
                      std::function<void(const LinkAnswer &)> done)
        = 0;
    // Pauses or resumes (without replay) every subscription of a client on that node.
    virtual void setClientPaused(const QString &node, const QString &clientId, bool paused,
                                 QObject *context, std::function<void(const LinkAnswer &)> done)
        = 0;
    // done(detail, error): detail.found false when the stream ended; error when it is not known.
    virtual void streamDetail(const StreamRef &stream, QObject *context,
                              std::function<void(const StreamDetail &, const QString &)> done)
        = 0;
    // A page of the retained events (GET /history); page.error says why not.
    virtual void history(const HistoryQuery &query, QObject *context,
                         std::function<void(const HistoryPage &page)> done)
        = 0;
    // Who listens on a topic or filter (GET /presence): in cluster mode every instance's
    // clients; answer.error says why not (Redis unreachable, refused, not connected).
    virtual void presence(const PresenceQuery &query, QObject *context,
                          std::function<void(const PresenceAnswer &answer)> done)
        = 0;
    // Live tail: events matching filter come with the next snapshots; empty: off.
    virtual void setTail(const QByteArray &filter, QObject *context,
                         std::function<void(const LinkAnswer &)> done)
        = 0;
    virtual void publish(const PublishRequest &request, QObject *context,
                         std::function<void(const PublishOutcome &)> done)
        = 0;
    // Reads the ACL and secret files again; done's message says what changed.
    virtual void reloadAccess(QObject *context, std::function<void(const LinkAnswer &)> done) = 0;
    // A page of the clients the engine knows, online or offline (GET /clients); done(page,
    // error): error set when there is no page. Attached to a cluster: the attached instance's
    // view (every stored client; streams and addresses on that instance).
    virtual void listClients(const ClientQuery &query, QObject *context,
                             std::function<void(const ClientPage &, const QString &)> done)
        = 0;
    // Pauses, resumes (without replay), expires now or deletes one subscription of a client,
    // also of one without a stream (the subscription routes).
    virtual void changeSubscription(const QString &clientId, const QByteArray &filter,
                                    SubscriptionAction action, QObject *context,
                                    std::function<void(const LinkAnswer &)> done)
        = 0;

Q_SIGNALS:
    void snapshotReady(const ssehub::SnapshotPtr &snapshot);
    void statusChanged(const ssehub::EngineLink::Status &status);
    // A longer outage: the server no longer held `missed` log entries when the link came back.
    void logGap(quint64 missed, qint64 lostAtMs);
    void nodeLinksChanged(const QList<ssehub::NodeLink> &nodes);

protected:
    void setStatus(const Status &status)
    {
        m_status = status;
        Q_EMIT statusChanged(m_status);
    }
    void setNodeLinks(const QList<NodeLink> &nodes)
    {
        m_nodeLinks = nodes;
        Q_EMIT nodeLinksChanged(m_nodeLinks);
    }

private:
    Status m_status;
    QList<NodeLink> m_nodeLinks;
};

} // namespace ssehub

Q_DECLARE_METATYPE(ssehub::EngineLink::Status)
Q_DECLARE_METATYPE(ssehub::NodeLink)
