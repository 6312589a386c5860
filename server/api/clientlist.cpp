#include "clientlist.h"

#include <QJsonArray>
#include <QStringDecoder>
#include <QUrl>

namespace ssehub {

namespace {

// A count from a query: digits only, at most max.
bool readCount(const QByteArray &text, qsizetype max, qsizetype *out)
{
    if (text.isEmpty() || text.size() > 12)
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    const qlonglong value = text.toLongLong();
    if (value > max)
        return false;
    *out = qsizetype(value);
    return true;
}

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

// A time in ms since the epoch, or null for 0 (never, not seen).
QJsonValue timeOrNull(qint64 ms)
{
    return ms ? QJsonValue(double(ms)) : QJsonValue(QJsonValue::Null);
}

qint64 timeOf(const QJsonValue &v)
{
    const double d = v.toDouble();
    return d > 0 && d < 253402300800000.0 ? qint64(d) : 0;
}

} // namespace

QString ClientQuery::presenceName(Presence presence)
{
    switch (presence) {
    case Presence::Any:
        return QStringLiteral("all");
    case Presence::Online:
        return QStringLiteral("online");
    case Presence::Offline:
        return QStringLiteral("offline");
    }
    return {};
}

QString ClientQuery::parse(const QList<QPair<QByteArray, QByteArray>> &items, ClientQuery *out)
{
    ClientQuery q;
    for (const auto &[name, value] : items) {
        if (name == "search") {
            QStringDecoder utf8(QStringDecoder::Utf8);
            q.search = utf8(value);
            if (utf8.hasError())
                return QStringLiteral("\"search\" is not valid UTF-8");
            if (q.search.size() > MaxSearchChars)
                return QStringLiteral("\"search\" is longer than %1 characters")
                    .arg(MaxSearchChars);
        } else if (name == "state") {
            if (value.isEmpty() || value == "all")
                q.presence = Presence::Any;
            else if (value == "online")
                q.presence = Presence::Online;
            else if (value == "offline")
                q.presence = Presence::Offline;
            else
                return QStringLiteral("\"state\" must be \"online\", \"offline\" or \"all\"");
        } else if (name == "offset") {
            if (!readCount(value, MaxOffset, &q.offset))
                return QStringLiteral("\"offset\" must be a whole number from 0 to %1")
                    .arg(MaxOffset);
        } else if (name == "limit") {
            qsizetype limit = 0;
            if (!readCount(value, MaxLimit, &limit) || limit < 1)
                return QStringLiteral("\"limit\" must be a whole number from 1 to %1")
                    .arg(MaxLimit);
            q.limit = int(limit);
        }
    }
    *out = q;
    return {};
}

QByteArray ClientQuery::toQuery() const
{
    QByteArray query = "offset=" + QByteArray::number(offset)
        + "&limit=" + QByteArray::number(limit) + "&state=" + presenceName(presence).toLatin1();
    if (!search.isEmpty())
        query += "&search=" + QUrl::toPercentEncoding(search);
    return query;
}

QJsonObject ClientInfo::toJson() const
{
    QJsonArray subs;
    for (const ClientSubscription &s : subscriptions) {
        subs.append(QJsonObject {{key("filter"), QString::fromUtf8(s.filter)},
                                 {key("state"), s.state},
                                 {key("created"), timeOrNull(s.createdAt)},
                                 {key("updated"), timeOrNull(s.updatedAt)},
                                 {key("expires_at"), timeOrNull(s.expiresAt)}});
    }
    QJsonObject o {{key("client_id"), id},
                   {key("stored"), stored},
                   {key("streams"), streams},
                   {key("addresses"), QJsonArray::fromStringList(addresses)},
                   {key("last_seen"), timeOrNull(lastSeenMs)},
                   {key("subscription_count"), subscriptionCount},
                   {key("paused"), pausedCount},
                   {key("subscriptions"), subs}};
    if (hasAck)
        o.insert(key("acked"), QString::fromLatin1(acked));
    return o;
}

QJsonObject ClientPage::toJson() const
{
    QJsonArray list;
    for (const ClientInfo &c : clients)
        list.append(c.toJson());
    return QJsonObject {
        {key("known"), double(known)},
        {key("matching"), double(matching)},
        {key("offset"), double(offset)},
        {key("next_offset"), nextOffset >= 0 ? QJsonValue(double(nextOffset)) : QJsonValue()},
        {key("cluster"), cluster},
        {key("node"), node},
        {key("clients"), list}};
}

bool ClientPage::fromJson(const QJsonObject &o, ClientPage *out)
{
    // A server's answer: every value is checked and cut to what the console shows.
    ClientPage page;
    const QJsonValue list = o.value(key("clients"));
    if (!list.isArray() || !o.value(key("known")).isDouble()
        || !o.value(key("matching")).isDouble())
        return false;
    page.known = qsizetype(qBound(0.0, o.value(key("known")).toDouble(), 1e12));
    page.matching = qsizetype(qBound(0.0, o.value(key("matching")).toDouble(), 1e12));
    page.offset = qsizetype(qBound(0.0, o.value(key("offset")).toDouble(), 1e12));
    const QJsonValue next = o.value(key("next_offset"));
    page.nextOffset = next.isDouble() ? qsizetype(qBound(0.0, next.toDouble(), 1e12)) : -1;
    page.cluster = o.value(key("cluster")).toBool();
    page.node = o.value(key("node")).toString().left(200);
    const QJsonArray clients = list.toArray();
    for (qsizetype i = 0; i < clients.size() && i < ClientQuery::MaxLimit; ++i) {
        const QJsonObject c = clients.at(i).toObject();
        ClientInfo info;
        info.id = c.value(key("client_id")).toString();
        if (info.id.isEmpty() || info.id.size() > 128)
            return false;
        info.stored = c.value(key("stored")).toBool();
        info.streams = qBound(0, c.value(key("streams")).toInt(), 1 << 30);
        const QJsonArray addresses = c.value(key("addresses")).toArray();
        for (qsizetype k = 0; k < addresses.size() && k < ClientInfo::MaxAddresses; ++k)
            info.addresses.append(addresses.at(k).toString().left(64));
        info.lastSeenMs = timeOf(c.value(key("last_seen")));
        if (c.value(key("acked")).isString()) {
            info.hasAck = true;
            info.acked = c.value(key("acked")).toString().left(32).toLatin1();
        }
        info.subscriptionCount = qBound(0, c.value(key("subscription_count")).toInt(), 1 << 30);
        info.pausedCount = qBound(0, c.value(key("paused")).toInt(), 1 << 30);
        const QJsonArray subs = c.value(key("subscriptions")).toArray();
        for (qsizetype k = 0; k < subs.size() && k < ClientInfo::MaxSubscriptions; ++k) {
            const QJsonObject s = subs.at(k).toObject();
            ClientSubscription sub;
            sub.filter = s.value(key("filter")).toString().left(1024).toUtf8();
            sub.state = s.value(key("state")).toString().left(16);
            sub.createdAt = timeOf(s.value(key("created")));
            sub.updatedAt = timeOf(s.value(key("updated")));
            sub.expiresAt = timeOf(s.value(key("expires_at")));
            if (sub.filter.isEmpty())
                return false;
            info.subscriptions.append(sub);
        }
        page.clients.append(info);
    }
    *out = page;
    return true;
}

} // namespace ssehub
