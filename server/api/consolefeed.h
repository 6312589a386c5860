#pragma once

#include "snapshot.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <deque>
#include <map>

namespace ssehub {

// The wire format of GET /console/feed (docs/API.md): what a console far from the engine is told
// of it. The engine's FeedEncoder turns its successive snapshots into one full `snapshot` event
// for a console that connects and then `delta` events with what changed; every console shares
// each serialization. A console's FeedDecoder rebuilds the same ConsoleSnapshot from them, so a
// view never knows whether its engine is in this process or elsewhere.
//
// Counters that move on every snapshot (a stream's events and bytes, a topic's figures) are sent
// within a byte budget per delta, most stale first, so that the feed stays small with thousands
// of streams; whatever did not fit goes in a later delta. Rows added and removed, state changes
// (live, slow, paused filters, a queue that crosses a quarter or three quarters of the limit),
// log entries and the engine's figures are never held back.

// The event id of a feed event: "<epoch>-<seq>" (epoch: one run of the encoder).
struct FeedPosition
{
    QByteArray epoch;
    quint64 seq = 0;

    QByteArray toId() const;
    static bool fromId(const QByteArray &id, FeedPosition *out);
};

class FeedEncoder
{
public:
    struct Options
    {
        // For counters that only moved: bytes per second of engine time, a delta getting the
        // share of the time since the previous one (at least 250 ms, at most 2 s of it).
        qsizetype updateBytesPerSecond = 120 * 1024;
        qsizetype snapshotLogEntries = 2000; // the newest log entries a full snapshot carries
        qint64 snapshotLogBytes = 2 * 1024 * 1024;
    };

    explicit FeedEncoder(const QByteArray &epoch);
    FeedEncoder(const QByteArray &epoch, const Options &options);

    // Takes the engine's newest snapshot and returns the JSON of the delta that brings a
    // console from the previous position to the next one (position().seq + 1 afterwards).
    QByteArray advance(const ConsoleSnapshot &snapshot);
    // Everything a console has been told so far, as the data of a `snapshot` event at
    // position(); the same bytes until the next advance().
    QByteArray fullSnapshot();
    FeedPosition position() const { return {m_epoch, m_seq}; }
    bool hasState() const { return m_seq > 0; }

private:
    struct TopicState
    {
        TopicRow row; // as told
        bool dirty = false;
        TopicRow pending; // as the engine has it now, when dirty
    };
    struct StreamState
    {
        StreamRow row; // as told
        StreamRow latest; // as the engine has it now
        bool dirty = false;
    };

    Options m_options;
    QByteArray m_epoch;
    quint64 m_seq = 0;
    QJsonObject m_toldFigures; // the engine's figures as told (rows and topics: the maps)
    std::map<quint64, StreamState> m_streams;
    std::map<QByteArray, TopicState> m_topics;
    std::map<QByteArray, FilterRow> m_filters;
    std::deque<LogEntry> m_log; // the newest entries told, for a full snapshot
    qint64 m_logBytes = 0;
    quint64 m_lastLogSeq = 0;
    qint64 m_lastWallMs = 0;
    quint64 m_streamCursor = 0; // where the budget starts next time (round robin)
    QByteArray m_topicCursor;
    QByteArray m_full; // cached fullSnapshot() for m_seq
    quint64 m_fullSeq = 0;
};

class FeedDecoder
{
public:
    // Applies one event of the feed: `snapshot` replaces everything, `delta` applies changes (it
    // must follow the previous position), `tail` adds live-tail events. id: the event's id (may
    // be empty for `tail`). Returns false with a message when the event is malformed or does not
    // follow; the state is then unchanged and the console should reconnect without a
    // Last-Event-ID.
    bool apply(const QByteArray &type, const QByteArray &data, const QByteArray &id,
               QString *error);
    // The state as a snapshot, with the log entries and tail events received since the previous
    // take; null before the first `snapshot`.
    SnapshotPtr take();
    bool hasState() const { return m_have; }
    // For the next connection's Last-Event-ID.
    QByteArray lastEventId() const { return m_position.toId(); }
    // The feed's id on the server (POST /console/tail), from the last `snapshot`.
    QByteArray feedId() const { return m_feedId; }
    // Log entries skipped because the engine no longer held them when this console came back
    // (a longer outage); 0 when the log is complete.
    quint64 logGap() const { return m_logGap; }
    // Forgets everything (a new server).
    void reset();

private:
    bool applySnapshot(const QJsonObject &o, QString *error);
    bool applyDelta(const QJsonObject &o, QString *error);
    void applyLog(const QJsonArray &entries);

    bool m_have = false;
    FeedPosition m_position;
    QByteArray m_feedId;
    ConsoleSnapshot m_state;
    std::map<quint64, StreamRow> m_streams;
    std::map<QByteArray, TopicRow> m_topics;
    std::map<QByteArray, FilterRow> m_filters;
    quint64 m_lastLogSeq = 0; // of m_position.epoch
    quint64 m_logGap = 0;
    QList<LogEntry> m_newLog;
    QList<EventRow> m_newTail;
    quint64 m_newTailDropped = 0;
};

// JSON of values the feed and the admin routes share.
QJsonObject streamDetailJson(const StreamDetail &detail);
bool streamDetailFromJson(const QJsonObject &o, StreamDetail *out);
QJsonObject eventRowJson(const EventRow &row);
EventRow eventRowFromJson(const QJsonObject &o);

} // namespace ssehub
