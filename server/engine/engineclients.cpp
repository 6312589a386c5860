// The clients the engine knows and what the console does to their subscriptions: GET /clients
// and the Clients view's actions (LocalLink; a console over HTTP uses the subscription routes).
#include "core/clock.h"
#include "engine/engine.h"
#include "http/httpparser.h"
#include "http/responder.h"
#include "proto/topicfilter.h"
#include "redis/redisbroker.h"

#include <QJsonDocument>

namespace ssehub {

ClientPage Engine::listClients(const ClientQuery &query) const
{
    if (!m_hub)
        return {};
    ClientPage page = m_hub->listClients(query);
    page.cluster = redisHome() != nullptr;
    return page;
}

// GET /clients?search=&state=all|online|offline&offset=&limit= (admin): a page of the clients
// the hub knows, sorted naturally by id. 200 {"known", "matching", "offset", "next_offset",
// "cluster", "node", "clients": [...]}; 400 a bad parameter. See docs/API.md.
QByteArray Engine::clientsJson(const QByteArray &rawQuery, int *status) const
{
    ClientQuery query;
    if (const QString problem = ClientQuery::parse(http::queryItems(rawQuery), &query);
        !problem.isEmpty()) {
        *status = 400;
        return http::errorBody(problem);
    }
    *status = 200;
    return QJsonDocument(listClients(query).toJson()).toJson(QJsonDocument::Compact);
}

void Engine::changeSubscription(const QString &clientId, const QByteArray &filterText,
                                SubscriptionAction action,
                                std::function<void(const QString &)> done)
{
    if (!m_hub) {
        done(QStringLiteral("the engine is not running"));
        return;
    }
    if (const QString problem = validateClientId(clientId.toUtf8()); !problem.isEmpty()) {
        done(problem);
        return;
    }
    QString problem;
    const TopicFilter filter = TopicFilter::parse(filterText, &problem);
    if (!problem.isEmpty()) {
        done(problem);
        return;
    }
    // As the subscription routes do: refused before anything changes when it cannot be stored.
    if (problem = m_hub->storeUnavailable(); !problem.isEmpty()) {
        done(problem);
        return;
    }
    const Client *client = m_hub->client(clientId);
    const auto found = client ? client->subscriptions.constFind(filter.text())
                              : QMap<QByteArray, Subscription>::const_iterator();
    if (!client || found == client->subscriptions.cend()) {
        done(QStringLiteral("client '%1' has no subscription '%2'")
                 .arg(clientId, QString::fromUtf8(filter.text())));
        return;
    }
    const QList<TopicFilter> filters {filter};
    QString failure;
    switch (action) {
    case SubscriptionAction::Pause:
    case SubscriptionAction::Resume: {
        const auto state = action == SubscriptionAction::Pause ? Subscription::State::Paused
                                                               : Subscription::State::Active;
        if (const HubResult<Client> r
            = m_hub->changeSubscriptions(clientId, &filters, state, {}, false, false);
            !r.ok())
            failure = r.failure().message;
        break;
    }
    case SubscriptionAction::Expire: {
        // Expiring one that has expired would renew it (PATCH semantics): refused instead.
        if (found->state == Subscription::State::Expired
            || found->state == Subscription::State::Archived) {
            done(QStringLiteral("subscription '%1' has already expired")
                     .arg(QString::fromUtf8(filter.text())));
            return;
        }
        if (const HubResult<Client> r
            = m_hub->changeSubscriptions(clientId, &filters, {}, Clock::wallMs(), true, false);
            !r.ok())
            failure = r.failure().message;
        else
            m_hub->sweep(); // due now: it expires at once, not at the next sweep
        break;
    }
    case SubscriptionAction::Delete:
        if (const HubResult<Hub::Unsubscribed> r = m_hub->unsubscribe(clientId, filters); !r.ok())
            failure = r.failure().message;
        break;
    }
    if (!failure.isEmpty()) {
        done(failure);
        return;
    }
    // Answered once stored, as the routes are (cluster mode: confirmed by Redis).
    m_hub->whenStored(clientId, [done = std::move(done)](const QString &error) { done(error); });
}

} // namespace ssehub
