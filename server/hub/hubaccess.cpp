// The access rules the hub enforces on subscriptions and live streams (Hub::setAuthenticator).
#include "core/clock.h"
#include "core/logcategories.h"
#include "hub/hub.h"
#include "proto/sseframe.h"

namespace ssehub {

// --- Access rules ------------------------------------------------------------------------------

namespace {

// Streams opened with the same credentials are checked once.
QByteArray identityKey(const Identity &who)
{
    if (!who.token.isEmpty())
        return "t:" + who.token;
    QStringList roles(who.roles.cbegin(), who.roles.cend());
    roles.sort();
    QByteArray key = (who.certificate ? "c:"
                          : who.hook  ? "h:"
                                      : "a:")
        + who.clientId.toUtf8() + '\n' + who.units.join(QLatin1Char(',')).toUtf8() + '\n'
        + roles.join(QLatin1Char(',')).toUtf8();
    if (who.hook) {
        // Two answers of the auth hook for one client may grant different things: each is
        // checked.
        key += '\n' + QByteArray::number(who.expiresAtMs) + (who.subscribeGrantsBind ? "S" : "s")
            + (who.publishGrantsBind ? "P" : "p");
        for (const QList<TopicFilter> *grants : {&who.subscribeGrants, &who.publishGrants}) {
            key += '\n';
            for (const TopicFilter &grant : *grants)
                key += grant.text() + ' ';
        }
    }
    return key;
}

} // namespace

QList<Identity> Hub::accessHolders(const Client *client, const Identity *requester,
                                   bool standing) const
{
    QList<Identity> holders;
    if (client->streams.size() == 1) {
        holders.append(m_identities.value(client->streams.first()->id()));
        return holders;
    }
    QSet<QByteArray> seen;
    for (const SseStream *stream : client->streams) {
        const Identity who = m_identities.value(stream->id());
        if (const QByteArray key = identityKey(who); !seen.contains(key)) {
            seen.insert(key);
            holders.append(who);
        }
    }
    if (!holders.isEmpty() || client->ephemeral)
        return holders;
    if (requester && requester->authenticated && requester->clientId == client->id)
        holders.append(*requester);
    else if (standing)
        holders.append(m_auth.standing(client->id));
    return holders;
}

QString Hub::accessRefusal(const TopicFilter &filter, const QList<Identity> &holders,
                           const Identity &standing, qint64 *bound) const
{
    *bound = 0;
    for (const Identity &who : holders) {
        if (QString why = m_auth.checkSubscribe(who, filter); !why.isEmpty())
            return why;
    }
    if (!holders.isEmpty() && !m_auth.checkSubscribe(standing, filter).isEmpty()) {
        // Only the holders' own grants (token claims, certificate units) allow it: it lasts no
        // longer than they do.
        for (const Identity &who : holders) {
            if (who.expiresAtMs && (!*bound || who.expiresAtMs < *bound))
                *bound = who.expiresAtMs;
        }
    }
    return {};
}

int Hub::enforceAccess(Client *client, const Identity *requester, bool standing, bool *changed)
{
    *changed = false;
    if (!m_auth.isEnabled())
        return 0;
    const QList<Identity> holders = accessHolders(client, requester, standing);
    if (holders.isEmpty())
        return 0;
    const Identity standingIdentity = m_auth.standing(client->id);
    QList<QPair<QByteArray, QString>> refused;
    for (Subscription &s : client->subscriptions) {
        qint64 bound = 0;
        if (QString why = accessRefusal(s.filter, holders, standingIdentity, &bound);
            !why.isEmpty()) {
            refused.append({s.filter.text(), why});
            continue;
        }
        const bool live
            = s.state == Subscription::State::Active || s.state == Subscription::State::Paused;
        if (bound && live && (!s.expiresAt || s.expiresAt > bound)) {
            s.expiresAt = bound;
            s.updatedAt = Clock::wallMs();
            *changed = true;
        }
    }
    for (const auto &[filter, why] : std::as_const(refused))
        removeForAccess(client, filter, why);
    return int(refused.size());
}

void Hub::removeForAccess(Client *client, const QByteArray &filter, const QString &why)
{
    auto it = client->subscriptions.find(filter);
    if (it == client->subscriptions.end())
        return;
    const QString state = Subscription::stateName(it->state);
    watch(client, *it, -1);
    deactivate(client, *it);
    client->subscriptions.erase(it);
    // Bounded: the reason is one of the ACL's messages (a filter or two of at most 256 bytes).
    logClient(LogEntry::Kind::Unsubscribe, client, QStringLiteral("acl"),
              QStringLiteral("%1 (%2): %3").arg(QString::fromUtf8(filter), state, why.left(600)));
}

void Hub::endForAuth(SseStream *connection, qint64 atMs, const QString &why)
{
    QByteArray data = "{\"expired_at\":" + QByteArray::number(atMs);
    if (!why.isEmpty())
        data += ",\"reason\":" + jsonString(why.left(300).toUtf8());
    data += '}';
    // Events queued but not begun are not delivered on credentials that no longer hold.
    connection->endWith(SseFrame::event(QByteArray(), QByteArrayLiteral("auth-expired"), data),
                        CloseReason::AuthExpired);
}

int Hub::recheckAccess(const Authenticator &auth, int *streamsEnded)
{
    m_auth = auth;
    const qint64 now = Clock::wallMs();
    int ended = 0;
    // Credentials first: a stream whose token no longer verifies (a new secret, a role that
    // is gone from the token's standing, anonymous access withdrawn) ends. Collected first, as
    // closing a stream edits the lists.
    const auto all = m_connections.values();
    for (SseStream *connection : all) {
        if (connection->state() == SseStream::State::Closed)
            continue;
        if (!m_auth.isEnabled()) {
            m_identities.remove(connection->id());
            continue;
        }
        Identity fresh;
        const QString why = m_auth.reidentify(m_identities.value(connection->id()), now, &fresh);
        if (!why.isEmpty() || fresh.clientId != m_identities.value(connection->id()).clientId) {
            qCInfo(lcSse).noquote()
                << "stream" << connection->id() << "of" << connection->client()->id
                << "ended after the access rules changed:" << why;
            endForAuth(connection, now, why);
            ++ended;
            continue;
        }
        m_identities.insert(connection->id(), fresh); // the new rules' roles
        connection->setAuthExpiresAtMs(fresh.expiresAtMs);
    }
    // Then every client's subscriptions, whatever their state, live streams or not.
    int removed = 0;
    std::vector<Client *> changedClients;
    for (auto &[id, holder] : m_clients) {
        bool bounded = false;
        const int n = enforceAccess(holder.get(), nullptr, true, &bounded);
        removed += n;
        if (n || bounded)
            changedClients.push_back(holder.get());
    }
    for (Client *client : changedClients)
        afterSubscriptionChange(client);
    if (streamsEnded)
        *streamsEnded = ended;
    return removed;
}

} // namespace ssehub
