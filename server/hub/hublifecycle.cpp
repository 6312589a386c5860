// A subscription's states (active, paused, expired, archived) and the sweeper that moves them
// on at their deadlines.
#include "core/clock.h"
#include "hub/hub.h"

#include <limits>

namespace ssehub {

bool Hub::addOrRenew(Client *client, const TopicFilter &filter, qint64 now, qint64 expiresAt,
                     const QString &reason)
{
    auto it = client->subscriptions.find(filter.text());
    if (it != client->subscriptions.end()) {
        if (it->state == Subscription::State::Active || it->state == Subscription::State::Paused)
            return false;
        if (it->state == Subscription::State::Expired
            && now - it->expiresAt <= m_options.lifecycle.graceMs) {
            it->expiresAt = expiresAt;
            transition(client, *it, Subscription::State::Active, QStringLiteral("renewed"));
            return true;
        }
        // Archived, or expired past its grace period: replaced by a fresh subscription below.
    }
    Subscription s;
    s.filter = filter;
    s.createdAt = s.updatedAt = s.activeSince = now;
    s.expiresAt = expiresAt;
    watch(client, *client->subscriptions.insert(filter.text(), s), +1); // state Active
    m_index.insert(filter, client);
    logClient(LogEntry::Kind::Subscribe, client, reason, QString::fromUtf8(filter.text()));
    return true;
}

void Hub::activate(Client *client, Subscription &s)
{
    if (s.state != Subscription::State::Active) {
        s.state = Subscription::State::Active;
        m_index.insert(s.filter, client);
    }
}

void Hub::deactivate(Client *client, Subscription &s)
{
    if (s.state == Subscription::State::Active)
        m_index.remove(s.filter, client);
}

void Hub::transition(Client *client, Subscription &s, Subscription::State to, const QString &reason)
{
    const Subscription::State from = s.state;
    if (from == to)
        return;
    watch(client, s, -1);
    if (to == Subscription::State::Active) {
        activate(client, s);
    } else {
        deactivate(client, s);
        s.state = to;
    }
    s.updatedAt = Clock::wallMs();
    if (to == Subscription::State::Active)
        s.activeSince = s.updatedAt;
    watch(client, s, +1);
    logClient(LogEntry::Kind::Transition, client, reason,
              QStringLiteral("%1 %2 -> %3")
                  .arg(QString::fromUtf8(s.filter.text()), Subscription::stateName(from),
                       Subscription::stateName(to)));
}

// --- Lifecycle ----------------------------------------------------------------------------

qint64 Hub::nextDeadline(const Subscription &s) const
{
    if (!s.expiresAt)
        return std::numeric_limits<qint64>::max();
    switch (s.state) {
    case Subscription::State::Active:
    case Subscription::State::Paused:
        return s.expiresAt;
    case Subscription::State::Expired:
        return s.expiresAt + m_options.lifecycle.archiveAfterMs;
    case Subscription::State::Archived:
        return s.expiresAt + m_options.lifecycle.deleteAfterMs;
    }
    return std::numeric_limits<qint64>::max();
}

void Hub::sweep()
{
    const qint64 now = Clock::wallMs();
    // Cheap when nothing is due: one comparison. A pass over every subscription only happens
    // when the earliest deadline has passed, and it computes the next one.
    if (m_nextSweep && now < m_nextSweep)
        return;
    qint64 next = std::numeric_limits<qint64>::max();
    std::vector<Client *> changed;
    for (auto &[id, holder] : m_clients) {
        Client *client = holder.get();
        bool touched = false;
        for (auto it = client->subscriptions.begin(); it != client->subscriptions.end();) {
            Subscription &s = *it;
            if (s.expiresAt && now >= nextDeadline(s)) {
                touched = true;
                if (s.state == Subscription::State::Active
                    || s.state == Subscription::State::Paused) {
                    transition(client, s, Subscription::State::Expired,
                               QStringLiteral("expires_at"));
                } else if (s.state == Subscription::State::Expired) {
                    transition(client, s, Subscription::State::Archived,
                               QStringLiteral("expired for the archive period"));
                } else {
                    logClient(LogEntry::Kind::Transition, client,
                              QStringLiteral("expired for the delete period"),
                              QStringLiteral("%1 archived -> deleted")
                                  .arg(QString::fromUtf8(s.filter.text())));
                    it = client->subscriptions.erase(it);
                    continue;
                }
            }
            next = qMin(next, nextDeadline(s));
            ++it;
        }
        if (touched)
            changed.push_back(client);
    }
    m_nextSweep = next;
    for (Client *client : changed) {
        for (SseStream *stream : client->streams)
            stream->dropUnmatchedQueued();
        if (!client->ephemeral)
            scheduleSave(client);
    }
}

} // namespace ssehub
