// The HTTP front's subscription API: a client's subscriptions and cursor, changed, listed and
// acknowledged. The hub answers typed results; their JSON is made here, and a refusal's status
// comes from http/hubstatus.
#include "http/httpfront.h"
#include "http/hubstatus.h"
#include "hub/hub.h"
#include "proto/event.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

namespace ssehub {

using http::queryItems;

namespace {

// Reads "client_id" from a JSON body; empty string when valid.
QString clientIdFrom(const QJsonObject &object, QString *id)
{
    const QJsonValue value = object.value(QLatin1String("client_id"));
    if (!value.isString())
        return QStringLiteral("\"client_id\" is missing or not a string");
    *id = value.toString();
    return validateClientId(id->toUtf8());
}

// A client's subscriptions as the API answers them (archived ones only with `all`).
QJsonObject subscriptionsJson(const Client &client, bool all)
{
    QJsonArray list;
    for (const Subscription &s : client.subscriptions) {
        if (all || s.state != Subscription::State::Archived)
            list.append(s.toJson());
    }
    QJsonObject body {{QStringLiteral("client_id"), client.id},
                      {QStringLiteral("subscriptions"), list},
                      {QStringLiteral("streams"), int(client.streams.size())}};
    if (client.hasAck)
        body.insert(QStringLiteral("acked"), QString::fromLatin1(formatEventId(client.ackedId)));
    return body;
}

HubResult<QJsonObject> subscriptionsAnswer(const HubResult<Client> &result, bool all = false)
{
    if (!result.ok())
        return result.failure();
    return subscriptionsJson(result.value(), all);
}

} // namespace

void HttpFront::answer(const ReplyTo &to, const HubResult<QJsonObject> &answer)
{
    if (!answer.ok())
        replyError(to, http::statusOf(answer.failure().error), answer.failure().message);
    else
        replyJson(to, 200, answer.value());
}

void HttpFront::changeStored(const ReplyTo &to, const QString &clientId,
                             const std::function<HubResult<QJsonObject>()> &change)
{
    const int unavailable = http::statusOf(HubError::Unavailable);
    // Refused before anything changes when the store cannot take it now.
    if (const QString problem = m_hub->storeUnavailable(); !problem.isEmpty()) {
        replyError(to, unavailable, problem, "Retry-After: 1\r\n");
        return;
    }
    const HubResult<QJsonObject> answer = change();
    if (!answer.ok()) {
        this->answer(to, answer);
        return;
    }
    // Answered in request order on the connection even though this comes later (ReplyTo.seq).
    m_hub->whenStored(
        clientId,
        [this, guard = QPointer<HttpFront>(this), to, answer, unavailable](const QString &error) {
            if (!guard)
                return;
            if (!error.isEmpty())
                replyError(to, unavailable, error, "Retry-After: 1\r\n");
            else
                this->answer(to, answer);
        });
}

// POST /subscribe {"client_id", "topics": [filters], "ttl_seconds"?: n}
// Adds filters to the client's set (creating the client); every live stream of the client
// receives matching events at once. 200 {"client_id", "subscriptions": [...], ...};
// 400 bad JSON, id, filters or ttl; 415 not JSON.
void HttpFront::serveSubscribe(const HttpRequest &request, const ReplyTo &to, const Identity &who)
{
    QJsonObject body;
    if (!jsonBody(request, to, &body))
        return;
    QString clientId;
    QList<TopicFilter> filters;
    QString error = clientIdFrom(body, &clientId);
    if (error.isEmpty())
        error = parseFilters(body.value(QLatin1String("topics")), &filters, true);
    qint64 ttlMs = 0;
    const QJsonValue ttl = body.value(QLatin1String("ttl_seconds"));
    if (error.isEmpty() && !ttl.isUndefined() && !ttl.isNull()) {
        if (!ttl.isDouble() || ttl.toDouble() <= 0 || ttl.toDouble() > 10.0 * 365 * 24 * 3600)
            error = tr("\"ttl_seconds\" must be a positive number of seconds");
        else
            ttlMs = qMax<qint64>(1, qint64(ttl.toDouble() * 1000));
    }
    if (!error.isEmpty()) {
        replyError(to, 400, error);
        return;
    }
    if (!mayActFor(to, who, clientId))
        return;
    for (const TopicFilter &filter : std::as_const(filters)) {
        if (const QString denied = m_options.auth.checkSubscribe(who, filter); !denied.isEmpty()) {
            refuse(to, 403, denied, who.clientId);
            return;
        }
    }
    changeStored(to, clientId, [&] {
        return subscriptionsAnswer(m_hub->subscribe(clientId, filters, ttlMs,
                                                    m_options.auth.isEnabled() ? &who : nullptr));
    });
}

// DELETE /unsubscribe {"client_id", "topics": [...]} or ?client_id=&topic=...
// Removes filters; delivery on them stops at once, queued events included.
// 200 {"client_id", "subscriptions", "removed"}; 400 bad input; 404 unknown client.
void HttpFront::serveUnsubscribe(const HttpRequest &request, const ReplyTo &to, const Identity &who)
{
    QString clientId;
    QList<TopicFilter> filters;
    QString error;
    if (!request.body().isEmpty()) {
        QJsonObject body;
        if (!jsonBody(request, to, &body))
            return;
        error = clientIdFrom(body, &clientId);
        if (error.isEmpty())
            error = parseFilters(body.value(QLatin1String("topics")), &filters, true);
    } else {
        QJsonArray topics;
        bool haveId = false;
        for (const auto &[key, value] : queryItems(request.query())) {
            if (key == "client_id") {
                clientId = QString::fromUtf8(value);
                haveId = true;
                error = validateClientId(value);
            } else if (key == "topic") {
                topics.append(QString::fromUtf8(value));
            }
        }
        if (!haveId && error.isEmpty())
            error = tr("client_id is missing (in a JSON body or as ?client_id=)");
        if (error.isEmpty())
            error = parseFilters(topics, &filters, true);
    }
    if (!error.isEmpty()) {
        replyError(to, 400, error);
        return;
    }
    if (!mayActFor(to, who, clientId))
        return;
    changeStored(to, clientId, [&]() -> HubResult<QJsonObject> {
        const HubResult<Hub::Unsubscribed> result = m_hub->unsubscribe(clientId, filters);
        if (!result.ok())
            return result.failure();
        QJsonArray removed;
        for (const QByteArray &filter : result->removed)
            removed.append(QString::fromUtf8(filter));
        QJsonObject body = subscriptionsJson(result->client, false);
        body.insert(QStringLiteral("removed"), removed);
        return body;
    });
}

// GET /subscriptions/<client_id>[?all=1]: the client's subscriptions (archived ones only with
// all=1). PATCH /subscriptions/<client_id> {"topics"?: [...], "state"?: "paused"|"active",
// "expires_at"?: ms|null, "replay"?: bool}: pause, resume (optionally replaying what was missed),
// renew or set an expiry. 200 as GET; 400 bad input; 404 unknown client or subscription;
// 409 expired beyond the grace period (or expired and no new expires_at).
void HttpFront::serveSubscriptions(const HttpRequest &request, QTcpSocket *socket,
                                   const QString &encodedId, const Identity &who)
{
    const QByteArray rawId = QByteArray::fromPercentEncoding(encodedId.toUtf8());
    if (const QString error = validateClientId(rawId); !error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    const QString clientId = QString::fromUtf8(rawId);
    // Acting for this client was checked from the head (beginRequest).
    if (request.method() == HttpRequest::Method::Get
        || request.method() == HttpRequest::Method::Head) {
        bool all = false;
        for (const auto &[key, value] : queryItems(request.query()))
            all |= key == "all" && (value == "1" || value == "true");
        answer(replyTo(request, socket),
               subscriptionsAnswer(m_hub->listSubscriptions(clientId), all));
        return;
    }
    QJsonObject body;
    if (!jsonBody(request, replyTo(request, socket), &body))
        return;
    QList<TopicFilter> filters;
    QString error = parseFilters(body.value(QLatin1String("topics")), &filters, false);
    std::optional<Subscription::State> state;
    const QJsonValue stateValue = body.value(QLatin1String("state"));
    if (error.isEmpty() && !stateValue.isUndefined()) {
        Subscription::State parsed;
        if (!stateValue.isString() || !Subscription::parseState(stateValue.toString(), &parsed)
            || (parsed != Subscription::State::Active && parsed != Subscription::State::Paused))
            error = tr("\"state\" must be \"paused\" or \"active\"");
        else
            state = parsed;
    }
    std::optional<qint64> expiresAt;
    const QJsonValue expiresValue = body.value(QLatin1String("expires_at"));
    const bool hasExpires = !expiresValue.isUndefined();
    if (error.isEmpty() && hasExpires && !expiresValue.isNull()) {
        // Up to the year 9999: past that no clock reaches it, and the cast to an integer of
        // ms would overflow.
        constexpr double LatestMs = 253402300799999.0;
        if (!expiresValue.isDouble() || !(expiresValue.toDouble() > 0)
            || expiresValue.toDouble() > LatestMs)
            error = tr("\"expires_at\" must be a time in ms since the epoch (up to the year "
                       "9999), or null for never");
        else
            expiresAt = qint64(expiresValue.toDouble());
    }
    const QJsonValue replayValue = body.value(QLatin1String("replay"));
    if (error.isEmpty() && !replayValue.isUndefined() && !replayValue.isBool())
        error = tr("\"replay\" must be true or false");
    if (error.isEmpty() && !state && !hasExpires)
        error = tr("nothing to change: give \"state\" and/or \"expires_at\"");
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    const bool named = body.contains(QLatin1String("topics"));
    changeStored(replyTo(request, socket), clientId, [&] {
        return subscriptionsAnswer(m_hub->changeSubscriptions(
            clientId, named ? &filters : nullptr, state, expiresAt, hasExpires,
            replayValue.toBool(false), m_options.auth.isEnabled() ? &who : nullptr));
    });
}

// POST /ack {"client_id", "last_event_id"}: stores how far the client has processed; a stream
// of this client that opens without Last-Event-ID resumes after it. 200 {"client_id","acked"};
// 400 bad input; 404 unknown client.
void HttpFront::serveAck(const HttpRequest &request, const ReplyTo &to, const Identity &who)
{
    QJsonObject body;
    if (!jsonBody(request, to, &body))
        return;
    QString clientId;
    QString error = clientIdFrom(body, &clientId);
    quint64 id = 0;
    const QJsonValue idValue = body.value(QLatin1String("last_event_id"));
    if (error.isEmpty() && (!idValue.isString() || !parseEventId(idValue.toString().toUtf8(), &id)))
        error = tr("\"last_event_id\" must be an event id (a string of digits)");
    if (!error.isEmpty()) {
        replyError(to, 400, error);
        return;
    }
    if (!mayActFor(to, who, clientId))
        return;
    changeStored(to, clientId, [&]() -> HubResult<QJsonObject> {
        const HubResult<Client> result = m_hub->acknowledge(clientId, id);
        if (!result.ok())
            return result.failure();
        return QJsonObject {
            {QStringLiteral("client_id"), result->id},
            {QStringLiteral("acked"), QString::fromLatin1(formatEventId(result->ackedId))}};
    });
}

} // namespace ssehub
