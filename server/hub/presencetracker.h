#pragma once

#include "api/presence.h"
#include "core/workbudget.h"
#include "proto/topicfilter.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>

namespace ssehub {

class Broker;
class Hub;
struct Client;

// Who listens here, and the join and leave events of `--presence-events`.
//
// A client is present on a topic on this instance while it has a live stream here and an
// active subscription matching the topic. Local answers are computed when asked (nothing is
// kept per delivery or per connection for them). Once watching (watch()), the tracker hears
// from the hub about every client whose presence may have changed and, on the next turn of the
// event loop, publishes `join` / `leave` on `$SYS/presence/<topic>` for the exact-topic
// subscriptions that the event filters select, and tells the cluster's presence which clients
// to write again.
class PresenceTracker : public QObject
{
    Q_OBJECT

public:
    // The topic of a presence event is this prefix and the subscription's topic.
    static constexpr char EventPrefix[] = "$SYS/presence/";

    PresenceTracker(Hub *hub, Broker *broker, QObject *parent = nullptr);
    ~PresenceTracker() override;

    // The subscriptions whose presence is published: exact topics matched by one of these
    // (--presence-events); none: no events. Takes effect for later changes.
    void setEventFilters(const QList<TopicFilter> &filters);
    const QList<TopicFilter> &eventFilters() const { return m_eventFilters; }
    // Called with the ids of clients whose presence may have changed (cluster mode).
    void setChangeSink(std::function<void(const QSet<QString> &)> sink)
    {
        m_changeSink = std::move(sink);
    }
    // Installs the hub's hook: needed for events and for the cluster.
    void watch();

    // The clients listening here on this topic or filter, named, with this node. What it
    // cost (the clients looked at) is paid from questionBudget().
    QList<PresenceEntry> local(const TopicFilter &filter);
    // Presence questions, all together (--presence-budget): clients looked at per second. A
    // wildcard filter looks at every client here; a topic only at those the index finds.
    WorkBudget &questionBudget() { return m_questions; }
    // The answer to a question refused for the budget (a 503).
    PresenceAnswer overBudget() const;
    // Presence events published per second at most (--presence-events-rate); those beyond
    // are dropped (and counted), so that churn cannot flood the history the events share
    // with the application's.
    void setEventRate(double perSecond) { m_eventBudget.setRate(perSecond); }

    // When a client started listening here on a subscription (the later of its first stream and
    // the subscription's last change).
    static qint64 joinedAt(const Client &client, qint64 subscriptionSince);

    quint64 joinsPublished() const { return m_joins; }
    quint64 leavesPublished() const { return m_leaves; }
    // Events that could not be published (too long a topic, over the rate, the broker
    // refused).
    quint64 eventsDropped() const { return m_dropped; }

private:
    void touched(const Client *client);
    void flush();
    // The exact topics of the client's active subscriptions that the event filters select
    // (sorted), or none while it has no stream here.
    QList<QByteArray> eventTopics(const Client *client) const;
    void publishEvent(const QString &clientId, const QByteArray &topic, bool join, int streams);

    QPointer<Hub> m_hub;
    Broker *m_broker;
    QList<TopicFilter> m_eventFilters;
    std::function<void(const QSet<QString> &)> m_changeSink;
    QSet<QString> m_dirty;
    bool m_flushQueued = false;
    QHash<QString, QList<QByteArray>> m_present; // client -> topics with events, joined
    quint64 m_joins = 0;
    quint64 m_leaves = 0;
    quint64 m_dropped = 0;
    WorkBudget m_questions;
    WorkBudget m_eventBudget;
};

} // namespace ssehub
