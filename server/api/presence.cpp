#include "presence.h"

#include "proto/topicfilter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>

namespace ssehub {

QString parsePresenceQuery(const QList<QPair<QByteArray, QByteArray>> &items, PresenceQuery *out)
{
    PresenceQuery q;
    bool hasTopic = false;
    for (const auto &[key, value] : items) {
        if (key == "topic") {
            QString error;
            if (!TopicFilter::parse(value, &error).isValid())
                return error;
            q.filter = value;
            hasTopic = true;
        } else if (key == "count") {
            if (value != "1" && value != "0" && value != "true" && value != "false")
                return QStringLiteral("count must be 1 or 0");
            q.countOnly = value == "1" || value == "true";
        } else if (key == "limit") {
            bool ok = false;
            const int limit = value.toInt(&ok);
            if (!ok || limit < 1 || limit > PresenceQuery::MaxLimit)
                return QStringLiteral("limit must be a count from 1 to %1")
                    .arg(PresenceQuery::MaxLimit);
            q.limit = limit;
        } else if (key != "access_token") {
            return QStringLiteral("unknown parameter '%1'").arg(QString::fromUtf8(key.left(64)));
        }
    }
    if (!hasTopic)
        return QStringLiteral("topic is required (a topic or a filter)");
    *out = q;
    return {};
}

QByteArray presenceQueryString(const PresenceQuery &query)
{
    QByteArray out = "topic=" + QUrl::toPercentEncoding(QString::fromUtf8(query.filter));
    if (query.countOnly)
        out += "&count=1";
    if (query.limit != PresenceQuery::DefaultLimit)
        out += "&limit=" + QByteArray::number(query.limit);
    return out;
}

void finishPresence(PresenceAnswer *answer, const PresenceQuery &query)
{
    auto &entries = answer->entries;
    std::sort(entries.begin(), entries.end(), [](const PresenceEntry &a, const PresenceEntry &b) {
        return a.clientId != b.clientId ? a.clientId < b.clientId : a.node < b.node;
    });
    answer->clients = 0;
    answer->streams = 0;
    const QString *previous = nullptr;
    for (const PresenceEntry &e : std::as_const(entries)) {
        if (!previous || *previous != e.clientId)
            ++answer->clients;
        previous = &e.clientId;
        answer->streams += e.streams;
    }
    if (query.countOnly) {
        entries.clear();
    } else if (entries.size() > query.limit) {
        entries.resize(query.limit);
        answer->truncated = true;
    }
}

QByteArray presenceJson(const PresenceAnswer &answer, const PresenceQuery &query)
{
    QJsonObject object {
        {QStringLiteral("topic"), QString::fromUtf8(query.filter)},
        {QStringLiteral("source"), answer.source},
        {QStringLiteral("nodes"), answer.nodes},
        {QStringLiteral("clients"), answer.clients},
        {QStringLiteral("streams"), answer.streams},
    };
    if (!query.countOnly) {
        QJsonArray list;
        for (const PresenceEntry &e : answer.entries) {
            list.append(QJsonObject {
                {QStringLiteral("client_id"),
                 e.clientId.isEmpty() ? QJsonValue() : QJsonValue(e.clientId)},
                {QStringLiteral("node"), e.node},
                {QStringLiteral("streams"), e.streams},
                {QStringLiteral("joined_at"), double(e.joinedAtMs)},
            });
        }
        object.insert(QStringLiteral("entries"), list);
        object.insert(QStringLiteral("truncated"), answer.truncated);
        object.insert(QStringLiteral("ids_hidden"), answer.idsHidden);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool presenceFromJson(const QByteArray &json, PresenceAnswer *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        *error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                              : QStringLiteral("not an object");
        return false;
    }
    const QJsonObject o = doc.object();
    if (!o.value(QLatin1String("clients")).isDouble()
        || !o.value(QLatin1String("streams")).isDouble()) {
        *error = QStringLiteral("not a presence answer");
        return false;
    }
    PresenceAnswer a;
    a.clients = o.value(QLatin1String("clients")).toInt();
    a.streams = o.value(QLatin1String("streams")).toInt();
    a.nodes = o.value(QLatin1String("nodes")).toInt();
    a.source = o.value(QLatin1String("source")).toString();
    a.truncated = o.value(QLatin1String("truncated")).toBool();
    a.idsHidden = o.value(QLatin1String("ids_hidden")).toBool();
    const QJsonArray list = o.value(QLatin1String("entries")).toArray();
    for (const QJsonValue &v : list) {
        const QJsonObject e = v.toObject();
        PresenceEntry entry;
        entry.clientId = e.value(QLatin1String("client_id")).toString();
        entry.node = e.value(QLatin1String("node")).toString();
        entry.streams = e.value(QLatin1String("streams")).toInt();
        entry.joinedAtMs = qint64(e.value(QLatin1String("joined_at")).toDouble());
        a.entries.append(entry);
    }
    *out = a;
    return true;
}

} // namespace ssehub
