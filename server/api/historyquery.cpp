#include "historyquery.h"

#include "proto/event.h"
#include "proto/topicfilter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace ssehub {

namespace {

// ms since the epoch, or an ISO 8601 time (as GET /log takes them).
bool parseTime(const QByteArray &text, qint64 *out)
{
    bool ok = false;
    const qint64 ms = text.toLongLong(&ok);
    if (ok && ms >= 0) {
        *out = ms;
        return true;
    }
    const QDateTime time = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs);
    if (!time.isValid())
        return false;
    *out = time.toMSecsSinceEpoch();
    return true;
}

QJsonValue idValue(const QByteArray &id)
{
    return id.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(id));
}

} // namespace

QString parseHistoryQuery(const QList<QPair<QByteArray, QByteArray>> &items, HistoryQuery *out)
{
    HistoryQuery q;
    bool hasTopic = false;
    for (const auto &[key, value] : items) {
        if (key == "topic") {
            QString error;
            if (!TopicFilter::parse(value, &error).isValid())
                return error;
            q.filter = value;
            hasTopic = true;
        } else if (key == "after" || key == "before") {
            quint64 id = 0;
            if (!parseEventId(value, &id))
                return QStringLiteral("%1 must be an event id as the hub wrote it, not '%2'")
                    .arg(QString::fromLatin1(key), QString::fromUtf8(value.left(64)));
            if (key == "after") {
                q.hasAfter = true;
                q.after = id;
            } else {
                q.hasBefore = true;
                q.before = id;
            }
        } else if (key == "since" || key == "until") {
            if (!parseTime(value, key == "since" ? &q.sinceMs : &q.untilMs))
                return QStringLiteral("%1 must be ms since the epoch or an ISO 8601 time")
                    .arg(QString::fromLatin1(key));
        } else if (key == "limit") {
            bool ok = false;
            const int limit = value.toInt(&ok);
            if (!ok || limit < 1 || limit > HistoryQuery::MaxLimit)
                return QStringLiteral("limit must be a count from 1 to %1")
                    .arg(HistoryQuery::MaxLimit);
            q.limit = limit;
        } else if (key == "order") {
            if (value != "asc" && value != "desc")
                return QStringLiteral("order must be asc or desc");
            q.descending = value == "desc";
        } else if (key != "access_token") {
            return QStringLiteral("unknown parameter '%1'").arg(QString::fromUtf8(key.left(64)));
        }
    }
    if (!hasTopic)
        return QStringLiteral("topic is required: a topic or a filter (e.g. sensor/+/data, or # "
                              "for every topic)");
    *out = q;
    return {};
}

bool parseHistoryId(QByteArrayView text, quint64 *id)
{
    return parseEventId(text, id);
}

QByteArray historyIdText(quint64 id)
{
    return formatEventId(id);
}

QByteArray historyQueryString(const HistoryQuery &q)
{
    QByteArray out = "topic=" + QUrl::toPercentEncoding(QString::fromUtf8(q.filter));
    if (q.hasAfter)
        out += "&after=" + formatEventId(q.after);
    if (q.hasBefore)
        out += "&before=" + formatEventId(q.before);
    if (q.sinceMs >= 0)
        out += "&since=" + QByteArray::number(q.sinceMs);
    if (q.untilMs >= 0)
        out += "&until=" + QByteArray::number(q.untilMs);
    out += "&limit=" + QByteArray::number(q.limit);
    out += q.descending ? "&order=desc" : "&order=asc";
    return out;
}

QByteArray historyPageJson(const HistoryPage &page, const HistoryQuery &query)
{
    const QJsonObject head {
        {QStringLiteral("topic"), QString::fromUtf8(query.filter)},
        {QStringLiteral("order"),
         query.descending ? QStringLiteral("desc") : QStringLiteral("asc")},
        {QStringLiteral("limit"), query.limit},
        {QStringLiteral("count"), int(page.events.size())},
        {QStringLiteral("next"), idValue(page.next)},
        {QStringLiteral("truncated"), page.truncated},
        {QStringLiteral("scan_limited"), page.scanLimited},
        {QStringLiteral("source"), page.source},
        {QStringLiteral("retained"),
         QJsonObject {{QStringLiteral("oldest_id"), idValue(page.oldestId)},
                      {QStringLiteral("newest_id"), idValue(page.newestId)},
                      {QStringLiteral("horizon"), idValue(page.horizon)},
                      {QStringLiteral("events"), double(page.retainedEvents)},
                      {QStringLiteral("bytes"), double(page.retainedBytes)},
                      {QStringLiteral("max_events"), double(page.maxEvents)},
                      {QStringLiteral("max_bytes"), double(page.maxBytes)},
                      {QStringLiteral("ttl_ms"), double(page.ttlMs)}}},
    };
    QByteArray out = QJsonDocument(head).toJson(QJsonDocument::Compact);
    out.chop(1); // the closing brace: the events follow
    out += ",\"events\":[";
    bool first = true;
    for (const EventRow &e : page.events) {
        if (!first)
            out += ',';
        first = false;
        out += "{\"id\":" + jsonString(e.id) + ",\"topic\":" + jsonString(e.topic)
            + ",\"type\":" + jsonString(e.type) + ",\"timestamp\":" + QByteArray::number(e.time)
            + ",\"payload\":" + (e.payload.isEmpty() ? QByteArray("null") : e.payload) + '}';
    }
    out += "]}";
    return out;
}

bool historyPageFromJson(const QByteArray &json, HistoryPage *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("the answer is not a JSON object");
        return false;
    }
    const QJsonObject o = doc.object();
    const QJsonValue events = o.value(QLatin1String("events"));
    if (!events.isArray()) {
        *error = QStringLiteral("the answer has no events");
        return false;
    }
    HistoryPage page;
    for (const QJsonValue &v : events.toArray()) {
        const QJsonObject e = v.toObject();
        EventRow row;
        row.id = e.value(QLatin1String("id")).toString().toLatin1();
        row.topic = e.value(QLatin1String("topic")).toString().toUtf8();
        row.type = e.value(QLatin1String("type")).toString().toUtf8();
        row.time = qint64(e.value(QLatin1String("timestamp")).toDouble());
        // The payload back as compact JSON text: a scalar through a one-element array.
        const QByteArray wrapped = QJsonDocument(QJsonArray {e.value(QLatin1String("payload"))})
                                       .toJson(QJsonDocument::Compact);
        row.payload = wrapped.mid(1, wrapped.size() - 2);
        if (row.id.isEmpty()) {
            *error = QStringLiteral("an event of the answer has no id");
            return false;
        }
        page.events.append(row);
    }
    auto id = [](const QJsonValue &v) { return v.toString().toLatin1(); };
    page.next = id(o.value(QLatin1String("next")));
    page.truncated = o.value(QLatin1String("truncated")).toBool();
    page.scanLimited = o.value(QLatin1String("scan_limited")).toBool();
    page.source = o.value(QLatin1String("source")).toString().left(64);
    const QJsonObject retained = o.value(QLatin1String("retained")).toObject();
    page.oldestId = id(retained.value(QLatin1String("oldest_id")));
    page.newestId = id(retained.value(QLatin1String("newest_id")));
    page.horizon = id(retained.value(QLatin1String("horizon")));
    page.retainedEvents = qint64(retained.value(QLatin1String("events")).toDouble());
    page.retainedBytes = qint64(retained.value(QLatin1String("bytes")).toDouble());
    page.maxEvents = qint64(retained.value(QLatin1String("max_events")).toDouble());
    page.maxBytes = qint64(retained.value(QLatin1String("max_bytes")).toDouble());
    page.ttlMs = qint64(retained.value(QLatin1String("ttl_ms")).toDouble());
    *out = std::move(page);
    return true;
}

} // namespace ssehub
