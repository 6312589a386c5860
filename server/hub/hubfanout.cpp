// What the hub sends on every stream: events, heartbeats, resets, the shutdown notice.
#include "core/clock.h"
#include "hub/hub.h"
#include "proto/sseframe.h"

#include <algorithm>

namespace ssehub {

int Hub::deliver(const EventPtr &event)
{
    return fanOut(event, false);
}

int Hub::deliverVolatile(const EventPtr &event)
{
    return fanOut(event, true);
}

int Hub::fanOut(const EventPtr &event, bool outOfOrder)
{
    // Draining: `event: shutdown` is each stream's last frame; what is published meanwhile
    // stays in the history, and clients resume it with Last-Event-ID when they come back.
    if (m_draining)
        return 0;
    m_matched.clear();
    m_index.match(event->topic, [this](Client *c) { m_matched.push_back(c); });
    if (outOfOrder) {
        // No id tells a stream that it has the event already: each client once, however many
        // of its filters match.
        std::sort(m_matched.begin(), m_matched.end());
        m_matched.erase(std::unique(m_matched.begin(), m_matched.end()), m_matched.end());
    }
    int handed = 0;
    // Clients collected first, and each client's streams iterated over a copy (implicitly
    // shared, so free unless it changes): a failed write closes a stream, which edits the
    // client's list and may retire the client (kept alive until the next turn of the loop).
    for (Client *client : m_matched) {
        const QList<SseStream *> streams = client->streams;
        for (SseStream *stream : streams) {
            // Id 0 is never after what a stream has sent: written without an id line, it
            // leaves the client's Last-Event-ID where it was.
            if (outOfOrder ? stream->deliverOutOfOrder(event) : stream->deliver(event))
                ++handed;
        }
    }
    m_counters.eventsDelivered += quint64(handed);
    return handed;
}

void Hub::countMatching(const QByteArray &topic, int *clients, int *streams, qint64 *visited) const
{
    std::vector<const Client *> matched;
    m_index.match(topic, [&matched](const Client *c) { matched.push_back(c); });
    *visited += qint64(matched.size()) + 1;
    std::sort(matched.begin(), matched.end());
    matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
    *clients = int(matched.size());
    *streams = 0;
    for (const Client *c : matched)
        *streams += int(c->streams.size());
}

std::vector<const Client *> Hub::listening(const TopicFilter &filter, qint64 *visited) const
{
    std::vector<const Client *> out;
    qint64 looked = 1;
    if (!filter.hasWildcard()) {
        m_index.match(filter.text(), [&out, &looked](const Client *c) {
            ++looked;
            if (!c->streams.isEmpty())
                out.push_back(c);
        });
        if (visited)
            *visited = looked;
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
    // A filter meets subscriptions the index cannot look up: every listening client is looked at.
    for (const auto &entry : m_clients) {
        const Client *c = entry.second.get();
        ++looked;
        if (c->streams.isEmpty())
            continue;
        for (const Subscription &s : c->subscriptions) {
            ++looked;
            if (s.delivers() && filtersIntersect(s.filter, filter)) {
                out.push_back(c);
                break;
            }
        }
    }
    if (visited)
        *visited = looked;
    return out;
}

void Hub::resetAll(quint64 resumeId, const QByteArray &reason, quint64 affectedUpTo)
{
    const auto all = m_connections.values();
    for (SseStream *connection : all)
        connection->resetTo(resumeId, reason, affectedUpTo);
}

void Hub::onHeartbeatTick()
{
    if (m_draining)
        return; // nothing after `event: shutdown`; the drain ends every stream soon
    const qint64 now = Clock::monotonicMs();
    const qint64 wallNow = Clock::wallMs();
    const int interval = m_options.connection.heartbeatMs;
    // Collected first, as a failed write closes a stream.
    const auto all = m_connections.values();
    for (SseStream *connection : all) {
        const qint64 expiry = connection->authExpiresAtMs();
        if (expiry && wallNow >= expiry && connection->state() != SseStream::State::Closed) {
            // The token ran out: say so in-band, then end the stream; the client reconnects
            // with a fresh token and resumes by Last-Event-ID.
            endForAuth(connection, expiry, QString());
            continue;
        }
        // A peer that stopped acknowledging is reaped as dead (cheap: a look at TCP_INFO per
        // stream every half interval).
        connection->checkPeer(now);
        if (connection->state() != SseStream::State::Closed
            && now - connection->lastWriteMs() >= interval) {
            connection->heartbeat(now);
            ++m_counters.heartbeatsSent;
        }
    }
}

void Hub::drain(int retryMs, qint64 drainMs, CloseReason reason, const QString &cause,
                std::function<void()> done)
{
    m_closeCause = cause;
    m_draining = true;
    const QByteArray notice = SseFrame::shutdown(retryMs);
    for (SseStream *connection : std::as_const(m_connections))
        connection->writeLast(notice);
    const qint64 deadline = Clock::monotonicMs() + drainMs;
    auto *timer = new QTimer(this);
    timer->setInterval(20);
    auto step = [this, timer, deadline, reason, done = std::move(done)] {
        const auto all = m_connections.values();
        const bool late = Clock::monotonicMs() >= deadline;
        for (SseStream *connection : all) {
            if (late || connection->bytesQueued() == 0)
                connection->close(reason);
        }
        if (m_connections.isEmpty() || late) {
            timer->stop();
            timer->deleteLater();
            done();
        }
    };
    connect(timer, &QTimer::timeout, this, step);
    timer->start();
}

} // namespace ssehub
