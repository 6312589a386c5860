// The HTTP front's API routes: publish, the subscription API, the log, connections, the demo
// page and CORS preflights. Requests reach them whole, after the checks of the head
// (HttpFront::beginRequest).
#include "broker/broker.h"
#include "core/clock.h"
#include "http/httpfront.h"
#include "hub/hub.h"
#include "observe/logformat.h"
#include "proto/event.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <cmath>

namespace ssehub {

using http::queryItems;

namespace {

const QByteArray ApiMethods = QByteArrayLiteral("GET, POST, PATCH, DELETE, OPTIONS");
const QByteArray ApiRequestHeaders
    = QByteArrayLiteral("Content-Type, Last-Event-ID, Authorization");

} // namespace

QString parsePublishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                         qint64 maxBodyBytes, PublishRequest *out, int *status)
{
    *status = 400;
    if (!contentTypeHeader.toLower().startsWith("application/json")) {
        *status = 415;
        return QStringLiteral("Content-Type must be application/json");
    }
    if (body.size() > maxBodyBytes) {
        *status = 413;
        return QStringLiteral("body of %1 bytes is larger than the limit of %2 bytes")
            .arg(body.size())
            .arg(maxBodyBytes);
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("body is not valid JSON: %1 at offset %2")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    if (!doc.isObject())
        return QStringLiteral("body must be a JSON object");
    return parsePublishRequest(doc.object(), out);
}

// OPTIONS <any API path>: CORS preflight.
// 204 with Access-Control-Allow-* for an allowed Origin; 403 for an origin not allowed.
void HttpFront::servePreflight(const HttpRequest &request, QTcpSocket *socket)
{
    const QByteArray cors = corsHeaders(request.value("origin"));
    if (!request.value("origin").isEmpty() && cors.isEmpty()) {
        replyError(replyTo(request, socket), 403,
                   tr("origin %1 is not allowed (see --cors-origin)")
                       .arg(QString::fromUtf8(request.value("origin"))));
        return;
    }
    reply(replyTo(request, socket), 204, {}, {},
          "Access-Control-Allow-Methods: " + ApiMethods
              + "\r\nAccess-Control-Allow-Headers: " + ApiRequestHeaders
              + "\r\nAccess-Control-Max-Age: 600\r\nAllow: " + ApiMethods + "\r\n");
}

// POST /publish  Content-Type: application/json
// Body {"topic": "<topic>", "type"?: "<type>", "payload": <JSON>}.
// 200 {"id": "<event id>", "delivered": <local streams>}; 400 bad JSON, missing or invalid
// fields, wildcard topic; 413 body too large; 415 not JSON; 503 broker cannot accept.
void HttpFront::servePublish(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    publishBody(request.value("content-type"), request.body(), replyTo(request, socket), who);
}

void HttpFront::publishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                            const ReplyTo &to, const Identity &who)
{
    PublishRequest publish;
    int status = 400;
    if (const QString error
        = parsePublishBody(contentTypeHeader, body, m_options.maxBodyBytes, &publish, &status);
        !error.isEmpty()) {
        replyError(to, status, error);
        return;
    }
    if (publish.topic.size() > m_options.maxTopicBytes) {
        replyError(
            to, 400,
            tr("topic is longer than %1 bytes (--max-topic-length)").arg(m_options.maxTopicBytes));
        return;
    }
    if (const QString denied = m_options.auth.checkPublish(who, publish.topic); !denied.isEmpty()) {
        refuse(to, 403, denied, who.clientId);
        return;
    }
    // The rate limit applies per client, or per address for anonymous publishers.
    int retryAfter = 0;
    const QString bucket = who.authenticated ? QStringLiteral("client:") + who.clientId
                                             : QStringLiteral("address:")
            + (to.socket ? to.socket->peerAddress().toString() : QString());
    if (!takePublishToken(bucket, &retryAfter)) {
        ++m_counters.rateLimitRejections;
        replyError(to, 429,
                   tr("publishing faster than %1 events/s (--publish-rate); retry in %2 s")
                       .arg(m_options.publishRate)
                       .arg(retryAfter),
                   "Retry-After: " + QByteArray::number(retryAfter) + "\r\n");
        return;
    }

    m_broker->publish(publish, [this, to](const PublishResult &result) {
        if (!result.ok) {
            replyError(to, result.httpStatus, result.error);
            return;
        }
        ++m_counters.published;
        replyJson(
            to, 200,
            QJsonObject {{QStringLiteral("id"), QString::fromLatin1(formatEventId(result.id))},
                         {QStringLiteral("delivered"), result.delivered}});
    });
}

// GET /log?format=csv|jsonl&kind=a,b&client=ID&since=T&until=T&limit=N: the connection log
// (what the console exports). Times are ms since the epoch or ISO 8601.
void HttpFront::serveLog(const HttpRequest &request, QTcpSocket *socket)
{
    const ReplyTo to = replyTo(request, socket);
    LogFormat format = LogFormat::JsonLines;
    LogQuery query;
    auto parseTime = [](const QByteArray &text, qint64 *out) {
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
    };
    for (const auto &[key, value] : queryItems(request.query())) {
        if (key == "format") {
            if (!logFormatFromName(QString::fromLatin1(value), &format)) {
                replyError(
                    to, 400,
                    tr("format must be csv or jsonl, not '%1'").arg(QString::fromUtf8(value)));
                return;
            }
        } else if (key == "kind") {
            for (const QByteArray &name : value.split(',')) {
                LogEntry::Kind kind;
                if (!LogEntry::kindFromName(QString::fromLatin1(name), &kind)) {
                    replyError(to, 400, tr("unknown log kind '%1'").arg(QString::fromUtf8(name)));
                    return;
                }
                query.kinds.insert(kind);
            }
        } else if (key == "client") {
            query.client = QString::fromUtf8(value);
        } else if (key == "since" || key == "until") {
            if (!parseTime(value, key == "since" ? &query.sinceMs : &query.untilMs)) {
                replyError(to, 400,
                           tr("%1 must be ms since the epoch or an ISO 8601 time")
                               .arg(QString::fromLatin1(key)));
                return;
            }
        } else if (key == "limit") {
            bool ok = false;
            query.limit = value.toLongLong(&ok);
            if (!ok || query.limit < 0) {
                replyError(to, 400, tr("limit must be a count"));
                return;
            }
        } else if (key != "access_token") {
            replyError(to, 400, tr("unknown parameter '%1'").arg(QString::fromUtf8(key)));
            return;
        }
    }
    const QList<LogEntry> entries = m_log ? query.apply(m_log->entries()) : QList<LogEntry>();
    reply(to, 200,
          format == LogFormat::Csv ? QByteArrayLiteral("text/csv; charset=utf-8")
                                   : QByteArrayLiteral("application/x-ndjson"),
          exportLog(entries, format));
}

// GET /connections: the live streams as a JSON array under "connections".
void HttpFront::serveConnections(const HttpRequest &request, QTcpSocket *socket)
{
    QJsonArray list;
    for (const SseStream *c : m_hub->connections()) {
        QJsonArray filters;
        for (const QByteArray &f : c->filters())
            filters.append(QString::fromUtf8(f));
        list.append(QJsonObject {
            {QStringLiteral("id"), QString::number(c->id())},
            {QStringLiteral("client_id"), c->client()->id},
            {QStringLiteral("format"),
             c->payloadOnly() ? QStringLiteral("payload") : QStringLiteral("envelope")},
            {QStringLiteral("remote"), c->remote()},
            {QStringLiteral("user_agent"), QString::fromUtf8(c->userAgent())},
            {QStringLiteral("filters"), filters},
            {QStringLiteral("connected_at"), c->connectedAt()},
            {QStringLiteral("events_sent"), qint64(c->eventsSent())},
            {QStringLiteral("bytes_sent"), qint64(c->bytesSent())},
            {QStringLiteral("bytes_queued"), c->bytesQueued()},
            {QStringLiteral("state"),
             c->state() == SseStream::State::Replaying ? QStringLiteral("replaying")
                                                       : QStringLiteral("live")},
        });
    }
    replyJson(replyTo(request, socket), 200, QJsonObject {{QStringLiteral("connections"), list}});
}

bool HttpFront::jsonBody(const HttpRequest &request, QTcpSocket *socket, QJsonObject *out)
{
    if (!request.value("content-type").toLower().startsWith("application/json")) {
        replyError(replyTo(request, socket), 415, tr("Content-Type must be application/json"));
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        replyError(replyTo(request, socket), 400,
                   tr("body is not valid JSON: %1 at offset %2")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
        return false;
    }
    if (!doc.isObject()) {
        replyError(replyTo(request, socket), 400, tr("body must be a JSON object"));
        return false;
    }
    *out = doc.object();
    return true;
}

QString HttpFront::parseFilters(const QJsonValue &value, QList<TopicFilter> *out,
                                bool required) const
{
    QJsonArray list;
    if (value.isString())
        list.append(value);
    else if (value.isArray())
        list = value.toArray();
    else if (!value.isUndefined() || required)
        return tr("\"topics\" must be an array of topic filters");
    for (const QJsonValue &item : std::as_const(list)) {
        if (!item.isString())
            return tr("\"topics\" must contain only strings");
        QString error;
        const TopicFilter filter = TopicFilter::parse(item.toString().toUtf8(), &error);
        if (!filter.isValid())
            return error;
        if (filter.text().size() > m_options.maxTopicBytes)
            return tr("filter is longer than %1 bytes (--max-topic-length)")
                .arg(m_options.maxTopicBytes);
        if (!out->contains(filter))
            out->append(filter);
    }
    if (required && out->isEmpty())
        return tr("\"topics\" must name at least one topic filter");
    if (out->size() > m_options.maxFiltersPerStream)
        return tr("more than %1 topic filters in one request").arg(m_options.maxFiltersPerStream);
    return {};
}

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

} // namespace

void HttpFront::answer(const ReplyTo &to, const Hub::Answer &answer)
{
    if (answer.status >= 400)
        replyError(to, answer.status, answer.error);
    else
        replyJson(to, answer.status, answer.body);
}

void HttpFront::changeStored(const ReplyTo &to, const QString &clientId,
                             const std::function<Hub::Answer()> &change)
{
    // Refused before anything changes when the store cannot take it now.
    if (const QString problem = m_hub->storeUnavailable(); !problem.isEmpty()) {
        replyError(to, 503, problem, "Retry-After: 1\r\n");
        return;
    }
    const Hub::Answer answer = change();
    if (answer.status >= 400) {
        this->answer(to, answer);
        return;
    }
    // Answered in request order on the connection even though this comes later (ReplyTo.seq).
    m_hub->whenStored(clientId,
                      [this, guard = QPointer<HttpFront>(this), to, answer](const QString &error) {
                          if (!guard)
                              return;
                          if (!error.isEmpty())
                              replyError(to, 503, error, "Retry-After: 1\r\n");
                          else
                              this->answer(to, answer);
                      });
}

// POST /subscribe {"client_id", "topics": [filters], "ttl_seconds"?: n}
// Adds filters to the client's set (creating the client); every live stream of the client
// receives matching events at once. 200 {"client_id", "subscriptions": [...], ...};
// 400 bad JSON, id, filters or ttl; 415 not JSON.
void HttpFront::serveSubscribe(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    QJsonObject body;
    if (!jsonBody(request, socket, &body))
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
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    for (const TopicFilter &filter : std::as_const(filters)) {
        if (const QString denied = m_options.auth.checkSubscribe(who, filter); !denied.isEmpty()) {
            refuse(replyTo(request, socket), 403, denied, who.clientId);
            return;
        }
    }
    changeStored(replyTo(request, socket), clientId, [&] {
        return m_hub->subscribe(clientId, filters, ttlMs,
                                m_options.auth.isEnabled() ? &who : nullptr);
    });
}

// DELETE /unsubscribe {"client_id", "topics": [...]} or ?client_id=&topic=...
// Removes filters; delivery on them stops at once, queued events included.
// 200 {"client_id", "subscriptions", "removed"}; 400 bad input; 404 unknown client.
void HttpFront::serveUnsubscribe(const HttpRequest &request, QTcpSocket *socket,
                                 const Identity &who)
{
    QString clientId;
    QList<TopicFilter> filters;
    QString error;
    if (!request.body().isEmpty()) {
        QJsonObject body;
        if (!jsonBody(request, socket, &body))
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
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    changeStored(replyTo(request, socket), clientId,
                 [&] { return m_hub->unsubscribe(clientId, filters); });
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
        answer(replyTo(request, socket), m_hub->listSubscriptions(clientId, all));
        return;
    }
    QJsonObject body;
    if (!jsonBody(request, socket, &body))
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
        return m_hub->changeSubscriptions(clientId, named ? &filters : nullptr, state, expiresAt,
                                          hasExpires, replayValue.toBool(false),
                                          m_options.auth.isEnabled() ? &who : nullptr);
    });
}

// POST /ack {"client_id", "last_event_id"}: stores how far the client has processed; a stream
// of this client that opens without Last-Event-ID resumes after it. 200 {"client_id","acked"};
// 400 bad input; 404 unknown client.
void HttpFront::serveAck(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    QJsonObject body;
    if (!jsonBody(request, socket, &body))
        return;
    QString clientId;
    QString error = clientIdFrom(body, &clientId);
    quint64 id = 0;
    const QJsonValue idValue = body.value(QLatin1String("last_event_id"));
    if (error.isEmpty() && (!idValue.isString() || !parseEventId(idValue.toString().toUtf8(), &id)))
        error = tr("\"last_event_id\" must be an event id (a string of digits)");
    if (!error.isEmpty()) {
        replyError(replyTo(request, socket), 400, error);
        return;
    }
    if (!mayActFor(replyTo(request, socket), who, clientId))
        return;
    changeStored(replyTo(request, socket), clientId,
                 [&] { return m_hub->acknowledge(clientId, id); });
}

// DELETE /connections/<id>: closes that stream (the client may reconnect with Last-Event-ID).
// 200 {"kicked": "<id>"}; 404 unknown id.
void HttpFront::serveKick(const HttpRequest &request, QTcpSocket *socket, const QString &id)
{
    bool ok = false;
    const quint64 connectionId = id.toULongLong(&ok);
    if (!ok || !m_hub->kick(connectionId)) {
        replyError(replyTo(request, socket), 404, tr("no connection with id %1").arg(id));
        return;
    }
    replyJson(replyTo(request, socket), 200, QJsonObject {{QStringLiteral("kicked"), id}});
}

// GET /: the demo page (resources/demo/index.html).
void HttpFront::serveDemo(const HttpRequest &request, QTcpSocket *socket)
{
    QFile page(QStringLiteral(":/ssehub/demo/index.html"));
    if (!page.open(QIODevice::ReadOnly)) {
        replyError(replyTo(request, socket), 500, tr("the demo page is missing from this build"));
        return;
    }
    reply(replyTo(request, socket), 200, "text/html; charset=utf-8", page.readAll(),
          "Cache-Control: no-cache\r\n");
}

} // namespace ssehub
