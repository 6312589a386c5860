#include "hub/client.h"

#include "proto/event.h"

#include <QJsonArray>

namespace ssehub {

QString Subscription::stateName(State state)
{
    switch (state) {
    case State::Active:
        return QStringLiteral("active");
    case State::Paused:
        return QStringLiteral("paused");
    case State::Expired:
        return QStringLiteral("expired");
    case State::Archived:
        return QStringLiteral("archived");
    }
    return {};
}

bool Subscription::parseState(const QString &name, State *state)
{
    for (State s : {State::Active, State::Paused, State::Expired, State::Archived}) {
        if (stateName(s) == name) {
            *state = s;
            return true;
        }
    }
    return false;
}

QJsonObject Subscription::toJson() const
{
    QJsonObject o {{QStringLiteral("filter"), QString::fromUtf8(filter.text())},
                   {QStringLiteral("state"), stateName(state)},
                   {QStringLiteral("created"), createdAt},
                   {QStringLiteral("updated"), updatedAt}};
    o.insert(QStringLiteral("expires_at"), expiresAt ? QJsonValue(expiresAt) : QJsonValue());
    if (state == State::Paused)
        o.insert(QStringLiteral("paused_after"), QString::fromLatin1(formatEventId(pausedAfterId)));
    return o;
}

bool Subscription::fromJson(const QJsonObject &o, Subscription *out)
{
    out->filter = TopicFilter::parse(o.value(QLatin1String("filter")).toString().toUtf8());
    if (!out->filter.isValid()
        || !parseState(o.value(QLatin1String("state")).toString(), &out->state))
        return false;
    out->createdAt = qint64(o.value(QLatin1String("created")).toDouble());
    out->updatedAt = qint64(o.value(QLatin1String("updated")).toDouble());
    out->expiresAt = qint64(o.value(QLatin1String("expires_at")).toDouble());
    quint64 paused = 0;
    if (parseEventId(o.value(QLatin1String("paused_after")).toString().toUtf8(), &paused))
        out->pausedAfterId = paused;
    return true;
}

bool Client::matchesActive(const QByteArray &topic) const
{
    for (const Subscription &s : subscriptions) {
        if (s.delivers() && s.filter.matches(topic))
            return true;
    }
    return false;
}

QList<QByteArray> Client::activeFilters() const
{
    QList<QByteArray> list;
    for (const Subscription &s : subscriptions) {
        if (s.delivers())
            list.append(s.filter.text());
    }
    return list;
}

QJsonObject Client::toJson() const
{
    QJsonArray list;
    for (const Subscription &s : subscriptions)
        list.append(s.toJson());
    QJsonObject o {{QStringLiteral("subscriptions"), list}};
    if (hasAck)
        o.insert(QStringLiteral("ack"), QString::fromLatin1(formatEventId(ackedId)));
    return o;
}

bool Client::fromJson(const QString &id, const QJsonObject &o, Client *out)
{
    out->id = id;
    for (const QJsonValue &v : o.value(QLatin1String("subscriptions")).toArray()) {
        Subscription s;
        if (!Subscription::fromJson(v.toObject(), &s))
            return false;
        out->subscriptions.insert(s.filter.text(), s);
    }
    if (o.contains(QLatin1String("ack"))) {
        if (!parseEventId(o.value(QLatin1String("ack")).toString().toUtf8(), &out->ackedId))
            return false;
        out->hasAck = true;
    }
    return true;
}

QString validateClientId(const QByteArray &id)
{
    return validateText(id, "client_id", 128);
}

QString validateAuthenticatedClientId(const QByteArray &id)
{
    if (const QString problem = validateClientId(id); !problem.isEmpty())
        return problem;
    if (id.contains('/') || id.contains('+') || id.contains('#'))
        return QStringLiteral("client_id contains '/', '+' or '#' (it must be one topic level)");
    return {};
}

} // namespace ssehub
