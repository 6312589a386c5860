#pragma once

#include "broker.h"
#include "eventhistory.h"
#include "redisconnection.h"

#include <QHash>
#include <QList>

#include <deque>
#include <optional>

namespace ssehub {

// Cluster mode: events get their ids from one Redis Stream and reach every instance through
// Redis pub/sub.
//
// - publish: one Lua script appends the event to the Stream (XADD MAXLEN ~ history) and
//   PUBLISHes it on the topic's channel, so ids and live order agree on every instance.
// - live: this instance SUBSCRIBEs (exact filters) or PSUBSCRIBEs (wildcards) only to what
//   its streams need (watch/unwatch), drops repeats by id, and keeps what it received in a
//   local history (pause/resume replay, stats).
// - after any loss of either connection it reads the Stream from the newest id it had seen,
//   so that nothing Redis accepted meanwhile is missed or repeated; if the Stream no longer
//   holds that id (Redis came back empty, or trimmed past it) every local stream gets
//   `event: reset`.
// - a resuming stream's backlog is read from the Stream (fetchBacklog).
class RedisBroker final : public Broker
{
    Q_OBJECT

public:
    struct Options
    {
        RedisConnection::Options redis;
        QByteArray prefix = "ssehub:";
        qsizetype historySize = 10000;
        qint64 historyBytes = EventHistory::DefaultByteLimit; // also bounds the Stream (see .cpp)
    };

    // Parses redis://[:password@]host[:port][/db]; false with a message for anything else.
    static bool parseUrl(const QString &url, RedisConnection::Options *out, QString *error);

    explicit RedisBroker(const Options &options, QObject *parent = nullptr);
    ~RedisBroker() override;

    // Connects both connections (commands, and pub/sub) and keeps them connected.
    void start();

    QString name() const override { return QStringLiteral("redis"); }
    QString state() const override;
    void publish(const PublishRequest &request, Done done) override;
    const EventHistory &history() const override { return m_history; }
    bool replaysLocally() const override { return false; }
    void fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done) override;
    bool isReady() const override;
    void watch(const QByteArray &filter) override;
    void unwatch(const QByteArray &filter) override;

    RedisConnection *commands() const { return m_commands; }
    RedisConnection *subscriber() const { return m_subscriber; }
    const QByteArray &prefix() const { return m_options.prefix; }
    QString address() const { return m_commands->address(); }
    // True while this instance reads what it missed from the Stream.
    bool isSyncing() const { return m_syncing; }
    quint64 resetsSent() const { return m_resets; }

Q_SIGNALS:
    // Publishing became possible or impossible.
    void readyChanged(bool ready);
    // This instance is in step with the Stream again after a start or a loss.
    void synced();
    // The Stream lost events this instance had seen: local streams must be told (`reset`)
    // and continue after resumeId.
    void historyLost(quint64 resumeId);

private:
    struct StreamRead
    {
        bool ok = false;
        QString error;
        bool exists = false;
        quint64 last = 0; // last generated id (StreamIdFlag when empty)
        quint64 horizon = 0; // ids <= horizon may be gone
        QList<EventPtr> events;
    };
    using ReadDone = std::function<void(StreamRead)>;
    struct BacklogRequest
    {
        bool cursorValid = false;
        quint64 cursor = 0;
        BacklogDone done;
    };

    // The Redis channel or pattern a filter is subscribed with (exact filters: the topic's
    // channel; wildcards: a glob that matches at least every topic the filter matches).
    QByteArray channelFor(const QByteArray &filter, bool *pattern) const;
    void readStream(std::optional<quint64> after, int count, ReadDone done);
    void runBacklog(std::shared_ptr<BacklogRequest> request);
    void continueBacklog(std::shared_ptr<BacklogRequest> request,
                         std::shared_ptr<EventHistory> events, bool gap,
                         std::optional<quint64> after);
    void addBacklogPage(std::shared_ptr<BacklogRequest> request,
                        std::shared_ptr<EventHistory> events, bool gap, const StreamRead &read);
    void onMessage(const QByteArray &channel, const QByteArray &message);
    void onConnectionLost();
    void maybeSync();
    void syncPage(quint64 after);
    bool syncReadFailed(const StreamRead &read);
    void addSyncPage(const StreamRead &read);
    void finishSync();
    void accept(const EventPtr &event);
    void runQueuedBacklogs();

    Options m_options;
    RedisConnection *m_commands;
    RedisConnection *m_subscriber;
    EventHistory m_history;
    QByteArray m_streamKey;
    qint64 m_entryBaseCost = 0; // EventHistory::costOf of an empty event: the Stream's count
    QByteArray m_channelPrefix;
    QHash<QByteArray, int> m_subscribed; // channel or pattern -> filters using it
    quint64 m_lastSeen = 0;
    bool m_everSynced = false;
    bool m_syncing = true;
    bool m_syncInFlight = false;
    bool m_bufferOverflowed = false;
    std::deque<EventPtr> m_buffer; // live events received while syncing
    std::vector<std::shared_ptr<BacklogRequest>> m_queuedBacklogs;
    quint64 m_resets = 0;
    bool m_wasReady = false;
};

} // namespace ssehub
