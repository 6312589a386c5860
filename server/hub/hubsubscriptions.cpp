// The subscription API of the hub, the interest it tells the broker, and changes shared by
// other instances (cluster mode).
#include "broker/broker.h"
#include "core/clock.h"
#include "hub/eventhistory.h"
#include "hub/hub.h"

#include <limits>

namespace ssehub {

namespace {

quint64 newestId(const EventHistory &history)
{
    return history.newest() ? history.newest()->id : history.horizon();
}

// Whether local streams of the client need events for this subscription (a paused one still
// does: resuming it replays from what this instance received).
bool needsEvents(const Subscription &s)
{
    return s.state == Subscription::State::Active || s.state == Subscription::State::Paused;
}

} // namespace

void Hub::afterSubscriptionChange(Client *client, bool replayShared)
{
    // Delivery on what is no longer active stops at once, also for frames already queued.
    for (SseStream *stream : client->streams)
        stream->dropUnmatchedQueued();
    // The next sweep is due no later than this client's earliest deadline (0: a full pass is
    // pending anyway), so a change never costs a pass over every subscription.
    if (m_nextSweep) {
        for (const Subscription &s : client->subscriptions)
            m_nextSweep = qMin(m_nextSweep, nextDeadline(s));
    }
    shareClient(client, replayShared);
}

void Hub::watch(const Client *client, const Subscription &s, int delta)
{
    if (client->streams.isEmpty())
        return;
    if (m_presenceHook && s.delivers())
        m_presenceHook(client);
    if (!needsEvents(s))
        return;
    auto it = m_interest.find(s.filter.text());
    if (it == m_interest.end())
        it = m_interest.insert(s.filter.text(), 0);
    *it += delta;
    if (delta > 0 && *it == delta) {
        m_broker->watch(s.filter.text());
    } else if (*it <= 0) {
        m_interest.erase(it);
        m_broker->unwatch(s.filter.text());
    }
}

void Hub::watchAll(const Client *client, int delta)
{
    for (const Subscription &s : client->subscriptions)
        watch(client, s, delta);
}

void Hub::shareClient(const Client *client, bool replay)
{
    if (client->ephemeral)
        return;
    scheduleSave(client);
    if (m_clientChanged)
        m_clientChanged(*client, replay);
}

// --- The subscription API -----------------------------------------------------------------

HubResult<Client> Hub::subscribe(const QString &clientId, const QList<TopicFilter> &filters,
                                 qint64 ttlMs, const Identity *requester)
{
    if (m_auth.isEnabled()) {
        // Whoever will receive it must be allowed to: checked before anything changes.
        const Client *existing = client(clientId);
        Client probe;
        probe.id = clientId;
        const QList<Identity> holders
            = accessHolders(existing ? existing : &probe, requester, requester != nullptr);
        const Identity standing = m_auth.standing(clientId);
        for (const TopicFilter &filter : filters) {
            qint64 bound = 0;
            if (const QString why = accessRefusal(filter, holders, standing, &bound);
                !why.isEmpty())
                return HubFailure {HubError::Forbidden,
                                   QStringLiteral("client '%1' may not receive '%2': %3")
                                       .arg(clientId, QString::fromUtf8(filter.text()), why)};
        }
    }
    // The caps before anything is created (a refused request leaves no empty client behind).
    if (HubResult<void> fits = capProblem(this->client(clientId), clientId, filters); !fits.ok())
        return fits.failure();
    Client *client = findOrCreate(clientId, false);
    if (client->ephemeral)
        client->ephemeral = false; // named through the API: it is kept from now on
    const qint64 now = Clock::wallMs();
    const qint64 expiresAt = ttlMs > 0 ? now + ttlMs : 0;
    for (const TopicFilter &filter : filters) {
        if (addOrRenew(client, filter, now, expiresAt, QStringLiteral("api")))
            continue;
        Subscription &s = client->subscriptions[filter.text()]; // active or paused: stays so
        if (ttlMs > 0)
            s.expiresAt = expiresAt;
        s.updatedAt = now;
    }
    bool bounded = false;
    enforceAccess(client, requester, requester != nullptr, &bounded); // bounds token grants
    afterSubscriptionChange(client);
    return *client;
}

namespace {

HubFailure noClient(const QString &clientId)
{
    return {HubError::NotFound, QStringLiteral("no client with id '%1'").arg(clientId)};
}

} // namespace

HubResult<Hub::Unsubscribed> Hub::unsubscribe(const QString &clientId,
                                              const QList<TopicFilter> &filters)
{
    auto found = m_clients.find(clientId);
    if (found == m_clients.end())
        return noClient(clientId);
    Client *client = found->second.get();
    QList<QByteArray> removed;
    for (const TopicFilter &filter : filters) {
        auto it = client->subscriptions.find(filter.text());
        if (it == client->subscriptions.end())
            continue;
        watch(client, *it, -1);
        deactivate(client, *it);
        client->subscriptions.erase(it);
        removed.append(filter.text());
        logClient(LogEntry::Kind::Unsubscribe, client, QStringLiteral("api"),
                  QString::fromUtf8(filter.text()));
    }
    afterSubscriptionChange(client);
    return Unsubscribed {*client, removed};
}

HubResult<Client> Hub::listSubscriptions(const QString &clientId) const
{
    const Client *c = client(clientId);
    if (!c)
        return noClient(clientId);
    return *c;
}

HubResult<Client> Hub::changeSubscriptions(const QString &clientId,
                                           const QList<TopicFilter> *filters,
                                           std::optional<Subscription::State> state,
                                           std::optional<qint64> expiresAt, bool hasExpiresAt,
                                           bool replay, const Identity *requester)
{
    auto found = m_clients.find(clientId);
    if (found == m_clients.end())
        return noClient(clientId);
    Client *client = found->second.get();
    QList<Subscription *> targets;
    if (filters) {
        for (const TopicFilter &filter : *filters) {
            auto it = client->subscriptions.find(filter.text());
            if (it == client->subscriptions.end())
                return HubFailure {HubError::NotFound,
                                   QStringLiteral("client '%1' has no subscription '%2'")
                                       .arg(clientId, QString::fromUtf8(filter.text()))};
            targets.append(&*it);
        }
    } else {
        for (Subscription &s : client->subscriptions) {
            if (s.state != Subscription::State::Archived)
                targets.append(&s);
        }
    }
    const qint64 now = Clock::wallMs();
    // Check everything before changing anything: a request applies whole or not at all.
    for (Subscription *s : std::as_const(targets)) {
        const bool gone = s->state == Subscription::State::Archived
            || (s->state == Subscription::State::Expired
                && now - s->expiresAt > m_options.lifecycle.graceMs);
        if (gone)
            return HubFailure {HubError::Conflict,
                               QStringLiteral("subscription '%1' expired more than the grace "
                                              "period ago; subscribe again")
                                   .arg(QString::fromUtf8(s->filter.text()))};
        if (s->state == Subscription::State::Expired && !hasExpiresAt)
            return HubFailure {HubError::Conflict,
                               QStringLiteral("subscription '%1' has expired; renew it with a "
                                              "new expires_at (or null for never)")
                                   .arg(QString::fromUtf8(s->filter.text()))};
    }
    if (m_auth.isEnabled()) {
        // Pausing, resuming, renewing: only what the client may still subscribe to. What it
        // may not is removed (as a reload would) and the request changes nothing else.
        const QList<Identity> holders = accessHolders(client, requester, requester != nullptr);
        const Identity standing = m_auth.standing(clientId);
        QList<QPair<QByteArray, QString>> refused;
        for (const Subscription *s : std::as_const(targets)) {
            qint64 bound = 0;
            if (const QString why = accessRefusal(s->filter, holders, standing, &bound);
                !why.isEmpty())
                refused.append({s->filter.text(), why});
        }
        if (!refused.isEmpty()) {
            for (const auto &[filter, why] : std::as_const(refused))
                removeForAccess(client, filter, why);
            afterSubscriptionChange(client);
            return HubFailure {HubError::Forbidden,
                               QStringLiteral("client '%1' may no longer subscribe to '%2' (%3); "
                                              "it was removed")
                                   .arg(clientId, QString::fromUtf8(refused.first().first),
                                        refused.first().second)};
        }
    }

    QList<Subscription *> resumed;
    const EventHistory &history = m_broker->history();
    const quint64 newest = newestId(history);
    for (Subscription *s : std::as_const(targets)) {
        if (hasExpiresAt) {
            s->expiresAt = expiresAt.value_or(0);
            s->updatedAt = now;
            if (s->state == Subscription::State::Expired)
                transition(client, *s, Subscription::State::Active, QStringLiteral("renewed"));
        }
        if (state == Subscription::State::Paused && s->state == Subscription::State::Active) {
            s->pausedAfterId = newest;
            transition(client, *s, Subscription::State::Paused, QStringLiteral("paused"));
        } else if (state == Subscription::State::Active
                   && s->state == Subscription::State::Paused) {
            transition(client, *s, Subscription::State::Active, QStringLiteral("resumed"));
            resumed.append(s);
        }
    }

    if (replay)
        replayResumed(client, resumed);
    bool bounded = false;
    enforceAccess(client, requester, requester != nullptr, &bounded); // a renewal is bounded too
    // Other instances replay for their streams of this client too (cluster mode).
    afterSubscriptionChange(client, replay && !resumed.isEmpty());
    return *client;
}

void Hub::replayResumed(Client *client, const QList<Subscription *> &resumed)
{
    if (resumed.isEmpty())
        return;
    // Replay what the resumed subscriptions missed, in order, skipping events that another
    // active subscription of the client delivered meanwhile.
    const EventHistory &history = m_broker->history();
    quint64 from = std::numeric_limits<quint64>::max();
    for (const Subscription *s : resumed)
        from = qMin(from, s->pausedAfterId);
    for (qsizetype i = history.indexAfter(from); i < history.size(); ++i) {
        const EventPtr &event = history.at(i);
        bool wanted = false;
        for (const Subscription *s : resumed)
            wanted |= event->id > s->pausedAfterId && s->filter.matches(event->topic);
        if (!wanted)
            continue;
        bool deliveredMeanwhile = false;
        for (const Subscription &other : client->subscriptions) {
            if (other.delivers() && !resumed.contains(&other) && other.filter.matches(event->topic))
                deliveredMeanwhile = true;
        }
        if (deliveredMeanwhile)
            continue;
        for (SseStream *stream : client->streams)
            stream->deliverOutOfOrder(event);
    }
}

HubResult<Client> Hub::acknowledge(const QString &clientId, quint64 eventId)
{
    auto found = m_clients.find(clientId);
    if (found == m_clients.end())
        return noClient(clientId);
    Client *client = found->second.get();
    client->hasAck = true;
    client->ackedId = eventId;
    shareClient(client);
    return *client;
}

// --- Cluster mode ---------------------------------------------------------------------------

void Hub::applyShared(const QString &clientId, const QMap<QByteArray, Subscription> &subscriptions,
                      bool hasAck, quint64 ackedId, bool replay)
{
    Client *client = findOrCreate(clientId, false);
    client->ephemeral = false;
    const QMap<QByteArray, Subscription> before = client->subscriptions;
    for (Subscription &s : client->subscriptions) {
        watch(client, s, -1);
        deactivate(client, s);
    }
    client->subscriptions = subscriptions;
    // Where a pause took effect is where this instance stopped delivering: its own newest event
    // (the instance that made the change saw other events).
    const quint64 newest = newestId(m_broker->history());
    QList<QByteArray> resumedFilters;
    for (Subscription &s : client->subscriptions) {
        const auto old = before.constFind(s.filter.text());
        const bool wasPaused = old != before.cend() && old->state == Subscription::State::Paused;
        if (s.state == Subscription::State::Paused)
            s.pausedAfterId = wasPaused ? old->pausedAfterId : newest;
        else if (wasPaused && s.state == Subscription::State::Active && replay) {
            s.pausedAfterId = old->pausedAfterId;
            resumedFilters.append(s.filter.text());
        }
        if (s.delivers()) {
            // A renewal elsewhere is no new start; a subscription that starts (or resumes, or
            // is made anew: another creation time) there starts when that instance changed it.
            const bool same
                = old != before.cend() && old->delivers() && old->createdAt == s.createdAt;
            s.activeSince = same ? old->listeningSince() : s.updatedAt;
            m_index.insert(s.filter, client);
        }
        watch(client, s, +1);
    }
    client->hasAck = hasAck;
    client->ackedId = ackedId;
    // Another instance's change must still be one that this instance's streams of the client
    // may receive; if not, it is undone for everyone.
    bool bounded = false;
    const bool refused = enforceAccess(client, nullptr, false, &bounded) > 0;
    QList<Subscription *> resumed;
    for (const QByteArray &filter : std::as_const(resumedFilters)) {
        if (auto it = client->subscriptions.find(filter); it != client->subscriptions.end())
            resumed.append(&*it);
    }
    for (SseStream *stream : client->streams)
        stream->dropUnmatchedQueued();
    replayResumed(client, resumed);
    m_nextSweep = 0; // the shared state may hold deadlines that are due
    if (refused || bounded)
        shareClient(client);
}

} // namespace ssehub
