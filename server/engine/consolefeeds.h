#pragma once

#include "api/consolefeed.h"
#include "auth/identity.h"
#include "hub/huberror.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace ssehub {

class Engine;

// GET /console/feed: consoles attached over HTTP (docs/API.md). Each gets a `feed` event with its
// id, then a full `snapshot` (or, resuming with Last-Event-ID, only the deltas it missed), then
// one `delta` per engine snapshot - the same bytes for every console - and its own `tail`
// events. While any feed is open the engine makes snapshots; with none it makes nothing.
// Bounded: at most MaxFeeds consoles, MaxQueuedBytes waiting for each (a console that reads
// slower is closed and resumes), and the deltas kept for resuming by count and bytes.
class ConsoleFeeds : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxFeeds = 16;
    // Unread bytes a console may leave waiting (a frame is always written whole, whatever its
    // size; a console with more than this waiting is closed and resumes).
    static constexpr qint64 MaxQueuedBytes = 32 * 1024 * 1024;
    static constexpr int HeartbeatMs = 15000;
    static constexpr size_t ResumeDeltas = 240; // a minute at four a second
    static constexpr qint64 ResumeBytes = 8 * 1024 * 1024;

    explicit ConsoleFeeds(Engine *engine);
    ~ConsoleFeeds() override;

    // Takes an admin's socket over, its request read: answers the stream's head and what the
    // console needs first. lastEventId: the Last-Event-ID header (or query). False (and nothing
    // written) when MaxFeeds are open; the caller answers 503. A feed lasts only as long as its
    // credentials: once a second, and at every reload of the access rules, they are verified
    // again, and a feed whose token expired or no longer gives the admin role gets
    // `auth-expired` and is closed, as streams are.
    bool open(QTcpSocket *socket, const QByteArray &lastEventId, const Identity &who);
    // The access rules changed (a reload): every feed's credentials are verified now.
    void recheckAccess() { checkCredentials(); }
    // POST /console/tail: the feed's live tail (empty filter: off).
    HubResult<QJsonObject> setTail(const QByteArray &feedId, const QByteArray &filter);
    // Each engine snapshot, on the engine thread.
    void publish(const ConsoleSnapshot &snapshot);
    int count() const { return int(m_feeds.size()); }
    // Closes every feed (the engine stops).
    void closeAll();

private:
    struct Feed
    {
        QPointer<QTcpSocket> socket;
        quint64 owner = 0; // its tail's owner number in the engine
        Identity who;
        bool waitingForState = false; // opened before the first snapshot: sent with it
    };

    void write(const QByteArray &id, const QByteArray &bytes);
    void close(const QByteArray &id, const QString &why);
    void heartbeat();
    void checkCredentials();
    QByteArray frame(const QByteArray &type, const QByteArray &data, const QByteArray &id = {});

    Engine *m_engine;
    FeedEncoder m_encoder;
    QHash<QByteArray, Feed> m_feeds; // by feed id
    std::deque<std::pair<quint64, QByteArray>> m_recent; // delta frames by seq, for resuming
    qint64 m_recentBytes = 0;
    quint64 m_nextOwner = 1;
    QTimer m_heartbeat;
    QTimer m_credentials;
};

} // namespace ssehub
