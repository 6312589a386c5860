#include "hub/presencetracker.h"

#include "broker/broker.h"
#include "core/clock.h"
#include "hub/hub.h"
#include "proto/event.h"

#include <QPointer>

#include <algorithm>

namespace ssehub {

PresenceTracker::PresenceTracker(Hub *hub, Broker *broker, QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_broker(broker)

{
}

PresenceTracker::~PresenceTracker()
{
    if (m_hub)
        m_hub->setPresenceHook({});
}

void PresenceTracker::setEventFilters(const QList<TopicFilter> &filters)
{
    m_eventFilters = filters;
}

void PresenceTracker::watch()
{
    m_hub->setPresenceHook([this](const Client *client) { touched(client); });
}

qint64 PresenceTracker::joinedAt(const Client &client, qint64 subscriptionSince)
{
    return std::max(client.onlineSinceMs, subscriptionSince);
}

QList<PresenceEntry> PresenceTracker::local(const TopicFilter &filter)
{
    QList<PresenceEntry> out;
    qint64 visited = 0;
    const auto clients = m_hub->listening(filter, &visited);
    m_questions.spend(double(visited + qint64(clients.size())));
    out.reserve(qsizetype(clients.size()));
    for (const Client *c : clients) {
        qint64 joined = 0;
        for (const Subscription &s : c->subscriptions) {
            const bool meets = filter.hasWildcard() ? filtersIntersect(s.filter, filter)
                                                    : s.filter.matches(filter.text());
            if (s.delivers() && meets) {
                const qint64 at = joinedAt(*c, s.listeningSince());
                joined = joined ? std::min(joined, at) : at;
            }
        }
        out.append({c->id, m_hub->nodeId(), int(c->streams.size()), joined});
    }
    return out;
}

PresenceAnswer PresenceTracker::overBudget() const
{
    PresenceAnswer busy;
    busy.error = QStringLiteral("presence questions are over this instance's budget of %1 "
                                "clients looked at per second (--presence-budget); retry, or ask "
                                "for a topic instead of a wildcard filter")
                     .arg(qint64(m_questions.rate()));
    return busy;
}

void PresenceTracker::touched(const Client *client)
{
    m_dirty.insert(client->id);
    if (m_flushQueued)
        return;
    m_flushQueued = true;
    // After the change is complete (a stream that closes is still in the client's list when
    // the hook is called).
    QMetaObject::invokeMethod(this, &PresenceTracker::flush, Qt::QueuedConnection);
}

QList<QByteArray> PresenceTracker::eventTopics(const Client *client) const
{
    QList<QByteArray> out;
    if (!client || client->streams.isEmpty())
        return out;
    for (const Subscription &s : client->subscriptions) {
        if (!s.delivers() || s.filter.hasWildcard())
            continue;
        for (const TopicFilter &f : m_eventFilters) {
            if (f.matches(s.filter.text())) {
                out.append(s.filter.text());
                break;
            }
        }
    }
    return out; // the map's order: sorted
}

void PresenceTracker::flush()
{
    m_flushQueued = false;
    if (!m_hub)
        return;
    const QSet<QString> dirty = std::exchange(m_dirty, {});
    if (!m_eventFilters.isEmpty() || !m_present.isEmpty()) {
        for (const QString &id : dirty) {
            const Client *client = m_hub->client(id);
            const QList<QByteArray> now = eventTopics(client);
            const QList<QByteArray> before
                = now.isEmpty() ? m_present.take(id) : m_present.value(id);
            if (now == before)
                continue;
            const int streams = client ? int(client->streams.size()) : 0;
            for (const QByteArray &topic : before) {
                if (!std::binary_search(now.cbegin(), now.cend(), topic))
                    publishEvent(id, topic, false, streams);
            }
            for (const QByteArray &topic : now) {
                if (!std::binary_search(before.cbegin(), before.cend(), topic))
                    publishEvent(id, topic, true, streams);
            }
            if (!now.isEmpty())
                m_present.insert(id, now);
        }
    }
    if (m_changeSink)
        m_changeSink(dirty);
}

void PresenceTracker::publishEvent(const QString &clientId, const QByteArray &topic, bool join,
                                   int streams)
{
    PublishRequest request;
    request.topic = EventPrefix + topic;
    if (request.topic.size() > MaxTopicBytes) {
        ++m_dropped;
        return;
    }
    if (!m_eventBudget.take()) {
        ++m_dropped;
        return;
    }
    m_eventBudget.spend(1);
    request.type = join ? QByteArrayLiteral("join") : QByteArrayLiteral("leave");
    request.payloadJson = "{\"client_id\":" + jsonString(clientId.toUtf8()) + ",\"node\":"
        + jsonString(m_hub->nodeId().toUtf8()) + ",\"topic\":" + jsonString(topic) + ",\"streams\":"
        + QByteArray::number(streams) + ",\"at\":" + QByteArray::number(Clock::wallMs()) + '}';
    ++(join ? m_joins : m_leaves);
    m_broker->publish(request, [guard = QPointer<PresenceTracker>(this)](const PublishResult &r) {
        if (!r.ok() && guard)
            ++guard->m_dropped;
    });
}

} // namespace ssehub
