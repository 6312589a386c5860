#pragma once

#include "api/consolefeed.h"
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
    static constexpr qint64 MaxQueuedBytes = 32 * 1024 * 1024;
    static constexpr int HeartbeatMs = 15000;
    static constexpr size_t ResumeDeltas = 240; // a minute at four a second
    static constexpr qint64 ResumeBytes = 8 * 1024 * 1024;

    explicit ConsoleFeeds(Engine *engine);
    ~ConsoleFeeds() override;

    // Takes an admin's socket over, its request read: answers the stream's head and what the
    // console needs first. lastEventId: the Last-Event-ID header (or query). False (and nothing
    // written) when MaxFeeds are open; the caller answers 503.
    bool open(QTcpSocket *socket, const QByteArray &lastEventId, const QString &who);
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
        QString who;
        bool waitingForState = false; // opened before the first snapshot: sent with it
    };

    void write(const QByteArray &id, const QByteArray &bytes);
    void close(const QByteArray &id, const QString &why);
    void heartbeat();
    QByteArray frame(const QByteArray &type, const QByteArray &data, const QByteArray &id = {});

    Engine *m_engine;
    FeedEncoder m_encoder;
    QHash<QByteArray, Feed> m_feeds; // by feed id
    std::deque<std::pair<quint64, QByteArray>> m_recent; // delta frames by seq, for resuming
    qint64 m_recentBytes = 0;
    quint64 m_nextOwner = 1;
    QTimer m_heartbeat;
};

} // namespace ssehub
