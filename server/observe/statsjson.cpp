#include "observe/statsjson.h"

#include "hub/client.h"

#include <QJsonArray>

namespace ssehub {

QJsonObject statsJson(const ConsoleSnapshot &snapshot, const QString &nodeId, bool withStreams)
{
    const ConsoleSnapshot *s = &snapshot;
    const EngineStats &st = s->stats;
    QJsonObject subscriptions;
    for (int i = 0; i < 4; ++i)
        subscriptions.insert(Subscription::stateName(Subscription::State(i)), s->subscriptions[i]);
    QJsonArray filters;
    for (const FilterRow &f : s->filters)
        filters.append(QJsonObject {{QStringLiteral("filter"), QString::fromUtf8(f.filter)},
                                    {QStringLiteral("active"), f.active},
                                    {QStringLiteral("paused"), f.paused},
                                    {QStringLiteral("streams"), f.streams}});
    QJsonArray topics;
    for (const TopicRow &t : s->topics)
        topics.append(QJsonObject {{QStringLiteral("topic"), QString::fromUtf8(t.topic)},
                                   {QStringLiteral("events"), double(t.events)},
                                   {QStringLiteral("last_event_at"), double(t.lastEventAt)},
                                   {QStringLiteral("last_type"), QString::fromUtf8(t.lastType)},
                                   {QStringLiteral("subscribers"), t.subscribers},
                                   {QStringLiteral("streams"), t.streams}});
    QJsonObject out {
        {QStringLiteral("listen_url"), st.listenUrl},
        {QStringLiteral("node"), nodeId},
        {QStringLiteral("broker"), st.broker},
        {QStringLiteral("broker_state"), st.brokerState},
        {QStringLiteral("broker_ready"), st.brokerReady},
        {QStringLiteral("started_at"), double(st.startedAt)},
        {QStringLiteral("uptime_ms"), double(s->wallMs - st.startedAt)},
        {QStringLiteral("heartbeat_ms"), s->heartbeatMs},
        {QStringLiteral("connections"), st.connections},
        {QStringLiteral("clients"), s->clients},
        {QStringLiteral("connections_opened"), double(st.connectionsOpened)},
        {QStringLiteral("events_published"), double(st.eventsPublished)},
        {QStringLiteral("events_delivered"), double(st.eventsDelivered)},
        {QStringLiteral("events_replayed"), double(s->eventsReplayed)},
        {QStringLiteral("resets_sent"), double(s->resetsSent)},
        {QStringLiteral("bytes_out"), double(s->bytesOut)},
        {QStringLiteral("heartbeats_sent"), double(s->heartbeatsSent)},
        {QStringLiteral("slow_consumer_closes"), double(st.slowConsumerCloses)},
        {QStringLiteral("dead_closes"), double(st.deadCloses)},
        {QStringLiteral("requests"), double(st.requests)},
        {QStringLiteral("rejected_requests"), double(st.rejectedRequests)},
        {QStringLiteral("auth_failures"), double(st.authFailures)},
        {QStringLiteral("connection_limit_rejections"), double(st.connectionLimitRejections)},
        {QStringLiteral("rate_limit_rejections"), double(st.rateLimitRejections)},
        {QStringLiteral("history_size"), double(st.historySize)},
        {QStringLiteral("history_bytes"), double(st.historyBytes)},
        {QStringLiteral("history_capacity"), double(st.historyCapacity)},
        {QStringLiteral("history_max_bytes"), double(st.historyMaxBytes)},
        {QStringLiteral("max_connections"), st.maxConnections},
        {QStringLiteral("open_fds"), st.openFds},
        {QStringLiteral("fd_limit"), st.fdLimit},
        {QStringLiteral("queued_bytes"), double(st.queuedBytes)},
        {QStringLiteral("bad_requests"), double(st.badRequests)},
        {QStringLiteral("body_too_large"), double(st.bodyTooLarge)},
        {QStringLiteral("fd_limit_rejections"), double(st.fdLimitRejections)},
        {QStringLiteral("kick_closes"), double(st.kickCloses)},
        {QStringLiteral("shutdown_closes"), double(st.shutdownCloses)},
        {QStringLiteral("auth_expired_closes"), double(st.authExpiredCloses)},
        {QStringLiteral("alarms"), QJsonArray::fromStringList(st.alarms)},
        {QStringLiteral("subscriptions"), subscriptions},
        {QStringLiteral("filters"), filters},
        {QStringLiteral("topics"), topics},
        {QStringLiteral("nodes"), st.nodes},
        {QStringLiteral("identity"), s->identity.toJson()}};
    if (withStreams) {
        QJsonArray rows;
        for (const StreamRow &r : s->connections)
            rows.append(QJsonObject {
                {QStringLiteral("id"), QString::number(r.id)},
                {QStringLiteral("client_id"), r.clientId},
                {QStringLiteral("remote"), r.remote},
                {QStringLiteral("events_sent"), double(r.eventsSent)},
                {QStringLiteral("bytes_queued"), double(r.bytesQueued)},
                {QStringLiteral("silent_ms"), double(s->monotonicMs - r.lastProgressMs)}});
        out.insert(QStringLiteral("streams"), rows);
    }
    return out;
}

} // namespace ssehub
