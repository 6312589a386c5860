// The HTTP front's API routes: publish, the subscription API, the log, connections, the demo
// page and CORS preflights. Requests reach them whole, after the checks of the head
// (HttpFront::beginRequest).
#include "api/validation.h"
#include "broker/broker.h"
#include "core/clock.h"
#include "http/httpfront.h"
#include "http/hubstatus.h"
#include "hub/hub.h"
#include "observe/logformat.h"
#include "proto/event.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QTcpSocket>

#include <cmath>

namespace ssehub {

using http::queryItems;

namespace {

const QByteArray ApiMethods = QByteArrayLiteral("GET, POST, PATCH, DELETE, OPTIONS");
const QByteArray ApiRequestHeaders
    = QByteArrayLiteral("Content-Type, Last-Event-ID, Authorization");

} // namespace

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
void HttpFront::servePublish(const HttpRequest &request, const ReplyTo &to, const Identity &who)
{
    publishBody(request.value("content-type"), request.body(), to, who);
}

QString HttpFront::takePublishRate(const ReplyTo &to, const Identity &who, int *retryAfter)
{
    // The rate limit applies per client, or per address for anonymous publishers.
    if (m_options.publishRate <= 0
        || takePublishToken(who.authenticated && !who.clientId.isEmpty()
                                ? QStringLiteral("client:") + who.clientId
                                : QStringLiteral("address:") + to.peerAddress().toString(),
                            retryAfter))
        return {};
    ++m_counters.rateLimitRejections;
    return tr("publishing faster than %1 events/s (--publish-rate); retry in %2 s")
        .arg(m_options.publishRate)
        .arg(*retryAfter);
}

void HttpFront::publishBody(const QByteArray &contentTypeHeader, const QByteArray &body,
                            const ReplyTo &to, const Identity &who)
{
    // NDJSON or a JSON array: a batch (batchroutes.cpp).
    const PublishBodyForm form = publishBodyForm(contentTypeHeader, body);
    if (form == PublishBodyForm::Lines || form == PublishBodyForm::Array) {
        publishBatch(contentTypeHeader, body, to, who);
        return;
    }
    PublishRequest publish;
    int status = 400;
    if (const QString error
        = parsePublishBodyFast(contentTypeHeader, body, m_options.maxBodyBytes, &publish, &status);
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
    int retryAfter = 0;
    if (const QString tooFast = takePublishRate(to, who, &retryAfter); !tooFast.isEmpty()) {
        replyError(to, 429, tooFast, "Retry-After: " + QByteArray::number(retryAfter) + "\r\n");
        return;
    }

    m_broker->publish(publish, [this, to](const PublishResult &result) {
        if (!result.ok()) {
            replyError(to, http::statusOf(result.failure().error), result.failure().message);
            return;
        }
        ++m_counters.published;
        // {"id":"<id>","delivered":n}: digits and '-' only, so written without a JSON writer
        // (this is the answer a high-rate publisher waits for).
        reply(to, 200, "application/json",
              "{\"id\":\"" + formatEventId(result->id)
                  + "\",\"delivered\":" + QByteArray::number(result->delivered) + '}');
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

// GET /streams (and its older name GET /connections): the live streams as a JSON array under
// "connections".
void HttpFront::serveConnections(const HttpRequest &request, QTcpSocket *socket)
{
    QJsonArray list;
    for (const SseStream *c : m_hub->streams()) {
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

bool HttpFront::jsonBody(const HttpRequest &request, const ReplyTo &to, QJsonObject *out)
{
    if (!request.value("content-type").toLower().startsWith("application/json")) {
        replyError(to, 415, tr("Content-Type must be application/json"));
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        replyError(to, 400,
                   tr("body is not valid JSON: %1 at offset %2")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
        return false;
    }
    if (!doc.isObject()) {
        replyError(to, 400, tr("body must be a JSON object"));
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

// DELETE /streams/<id> (or /connections/<id>): closes that stream; the client may reconnect
// with Last-Event-ID. An optional reason (?reason=... or a JSON body {"reason": "..."}; at most
// 200 bytes of UTF-8, control characters removed) reaches the client in `event: disconnect`
// before the end and the log's kick entry. 200 {"kicked": "<id>", "reason"}; 400 a bad body or
// reason ({"error"}); 404 unknown id; 415 a body that is not application/json.
void HttpFront::serveKick(const HttpRequest &request, QTcpSocket *socket, const QString &id)
{
    const ReplyTo to = replyTo(request, socket);
    QString reason;
    bool reasonGiven = false;
    for (const auto &[key, value] : queryItems(request.query())) {
        if (key == "reason") {
            QStringDecoder utf8(QStringDecoder::Utf8);
            reason = utf8(value);
            if (utf8.hasError()) {
                replyError(to, 400, tr("\"reason\" is not valid UTF-8"));
                return;
            }
            reasonGiven = true;
        }
    }
    if (!request.body().isEmpty()) {
        QJsonObject body;
        if (!jsonBody(request, to, &body))
            return;
        const QJsonValue given = body.value(QLatin1String("reason"));
        if (!given.isUndefined() && !given.isNull() && !given.isString()) {
            replyError(to, 400, tr("\"reason\" must be a string"));
            return;
        }
        if (given.isString()) {
            if (reasonGiven) {
                replyError(to, 400, tr("give the reason in the body or in the query, not both"));
                return;
            }
            reason = given.toString();
        }
    }
    QString problem;
    reason = cleanKickReason(reason, &problem);
    if (!problem.isEmpty()) {
        replyError(to, 400, problem);
        return;
    }
    bool ok = false;
    const quint64 connectionId = id.toULongLong(&ok);
    if (!ok || !m_hub->kick(connectionId, reason)) {
        replyError(to, 404, tr("no connection with id %1").arg(id.left(64)));
        return;
    }
    replyJson(to, 200,
              QJsonObject {{QStringLiteral("kicked"), id}, {QStringLiteral("reason"), reason}});
}

namespace {

// A file built into the engine (resources/), for the public routes that serve one.
QByteArray builtIn(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

// GET /: the demo page (resources/demo/index.html).
void HttpFront::serveDemo(const HttpRequest &request, QTcpSocket *socket)
{
    const QByteArray page = builtIn(QStringLiteral(":/ssehub/demo/index.html"));
    if (page.isEmpty()) {
        replyError(replyTo(request, socket), 500, tr("the demo page is missing from this build"));
        return;
    }
    reply(replyTo(request, socket), 200, "text/html; charset=utf-8", page,
          "Cache-Control: no-cache\r\n");
}

// GET /ssehub.js: the browser client (resources/client/ssehub.js), a classic script that is
// also a valid ES module. Revalidated on every use (it changes with the server).
void HttpFront::serveClientScript(const HttpRequest &request, QTcpSocket *socket)
{
    const QByteArray script = builtIn(QStringLiteral(":/ssehub/client/ssehub.js"));
    if (script.isEmpty()) {
        replyError(replyTo(request, socket), 500,
                   tr("the client script is missing from this build"));
        return;
    }
    reply(replyTo(request, socket), 200, "text/javascript; charset=utf-8", script,
          "Cache-Control: no-cache\r\n");
}

} // namespace ssehub
