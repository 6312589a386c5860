#pragma once

#include "api/historyquery.h"
#include "api/publishrequest.h"
#include "hub/huberror.h"
#include "proto/event.h"
#include "proto/topicfilter.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace ssehub {

class EventHistory;

// The events a resuming stream missed, fetched from a shared history (cluster mode).
struct Backlog
{
    std::unique_ptr<EventHistory> events; // horizon set; the events after the cursor, in order
    bool gap = false; // the cursor is older than what is retained, unknown, or from the future
};

// An accepted event.
struct Published
{
    quint64 id = 0;
    int delivered = 0; // local streams the event was handed to
};
// Refusals: Unavailable (the broker cannot accept events now), Internal (its store answered
// something unusable).
using PublishResult = HubResult<Published>;

// Where events get their ids and are kept: in process (LocalBroker) or shared (RedisBroker).
// A broker hands every event it accepts to the sink, which fans it out to the local streams.
class Broker : public QObject
{
    Q_OBJECT

public:
    using Sink = std::function<int(const EventPtr &)>;
    using Done = std::function<void(const PublishResult &)>;
    using BacklogDone = std::function<void(Backlog)>;
    using BatchDone = std::function<void(const QList<PublishResult> &)>;

    using QObject::QObject;
    ~Broker() override = default;

    void setSink(Sink sink) { m_sink = std::move(sink); }

    virtual QString name() const = 0;
    // Accepts an event (giving it its id) and calls done once, possibly later.
    virtual void publish(const PublishRequest &request, Done done) = 0;
    // Accepts several events in this order (ids increase, and every subscriber sees them in
    // it) and calls done once with a result for each, in the same order. The Redis broker
    // sends them in one script call; this one publishes them one after the other.
    virtual void publishBatch(const QList<PublishRequest> &requests, BatchDone done);
    // Recent events known to this process, newest last (in cluster mode: those it received).
    virtual const EventHistory &history() const = 0;
    using HistoryDone = std::function<void(const HistoryPage &)>;
    // A page of the history GET /history reads, for a filter already parsed and allowed: this
    // one answers from history() at once ("embedded"); the Redis broker reads the shared
    // Stream ("cluster") and answers later. done is called once; a page with `unavailable`
    // set when the history cannot be read now.
    virtual void readHistory(const HistoryQuery &query, const TopicFilter &filter,
                             HistoryDone done);

    // Whether a resuming stream replays from history() (true) or from fetchBacklog().
    virtual bool replaysLocally() const { return true; }
    // The events after `cursor` (all retained ones for a gap); done is called once, when they
    // are there (a broker that cannot reach its store keeps the request until it can).
    virtual void fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done);
    using LiveStartDone = std::function<void(quint64 afterId)>;
    // Whether a new stream without a cursor must ask where "now" is (fetchLiveStart) instead of
    // starting after the newest event in history() (cluster mode: while catching up after a
    // loss, history() is behind what was published meanwhile).
    virtual bool liveStartPending() const { return false; }
    // Calls done once with the id after which a stream that starts now goes live.
    virtual void fetchLiveStart(LiveStartDone done) { done(0); }
    // Whether publishing can succeed now (cluster mode: Redis reachable).
    virtual bool isReady() const { return true; }
    // A one-line state for stats and the console ("embedded", "redis connected", ...).
    virtual QString state() const { return name(); }
    // The hub's interest: a filter that some local stream needs (watch) or no longer needs.
    virtual void watch(const QByteArray &filter) { Q_UNUSED(filter); }
    virtual void unwatch(const QByteArray &filter) { Q_UNUSED(filter); }

protected:
    int dispatch(const EventPtr &event) { return m_sink ? m_sink(event) : 0; }

private:
    Sink m_sink;
};

} // namespace ssehub
