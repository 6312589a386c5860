// POST /publish with a batch of events: NDJSON (one event per line) or a JSON array. Each event
// is read, checked and authorised on its own; the broker takes those that pass in one go, in
// order; the answer has one result per event, in the body's order.
#include "api/publishbatch.h"
#include "broker/broker.h"
#include "http/httpfront.h"
#include "http/hubstatus.h"
#include "proto/event.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

namespace ssehub {

PublishBatchLimits HttpFront::batchLimits() const
{
    PublishBatchLimits limits;
    limits.maxBodyBytes = m_options.maxBodyBytes;
    limits.maxEvents = MaxBatchEvents;
    limits.maxEventBytes = m_options.maxBodyBytes;
    return limits;
}

void HttpFront::publishBatch(const QByteArray &contentType, const QByteArray &body,
                             const ReplyTo &to, const Identity &who)
{
    QList<BatchItem> items;
    int status = 400;
    if (const QString error = parsePublishBatch(contentType, body, batchLimits(), &items, &status);
        !error.isEmpty()) {
        replyError(to, status, error);
        return;
    }
    // Each event passes what a single publish passes: its topic's length, the ACL, the rate.
    QList<PublishRequest> accepted;
    QList<qsizetype> placeOf; // the item of each accepted event
    accepted.reserve(items.size());
    placeOf.reserve(items.size());
    int denied = 0;
    QString firstDenial;
    for (qsizetype i = 0; i < items.size(); ++i) {
        BatchItem &item = items[i];
        if (!item.error.isEmpty())
            continue;
        if (item.request.topic.size() > m_options.maxTopicBytes) {
            item.status = 400;
            item.error = tr("topic is longer than %1 bytes (--max-topic-length)")
                             .arg(m_options.maxTopicBytes);
            continue;
        }
        if (const QString refusal = m_options.auth.checkPublish(who, item.request.topic);
            !refusal.isEmpty()) {
            item.status = 403;
            item.error = refusal;
            if (denied++ == 0)
                firstDenial = refusal;
            continue;
        }
        int retryAfter = 0;
        if (QString tooFast = takePublishRate(to, who, &retryAfter); !tooFast.isEmpty()) {
            item.status = 429;
            item.error = std::move(tooFast);
            continue;
        }
        accepted.append(item.request);
        placeOf.append(i);
    }
    // Refused events are logged once per batch (the log coalesces repeats anyway).
    if (denied > 0)
        noteAuthFailure(to.remote(), who.clientId,
                        tr("403 %1 of %2 events of a batch refused: %3")
                            .arg(denied)
                            .arg(items.size())
                            .arg(firstDenial));

    auto answer = [this, to, items = std::move(items),
                   placeOf](const QList<PublishResult> &results) mutable {
        QList<QByteArray> ids(items.size());
        for (qsizetype k = 0; k < results.size() && k < placeOf.size(); ++k) {
            BatchItem &item = items[placeOf.at(k)];
            const PublishResult &result = results.at(k);
            if (result.ok()) {
                ids[placeOf.at(k)] = formatEventId(result->id);
                ++m_counters.published;
            } else {
                item.status = http::statusOf(result.failure().error);
                item.error = result.failure().message;
            }
        }
        // 200 when every event was published; when every one failed alike, that status (a 503
        // is retried as a whole); otherwise 207 and each result says what became of its event.
        int status = 200;
        bool alike = true;
        int failedStatus = 0;
        for (const BatchItem &item : std::as_const(items)) {
            if (item.error.isEmpty()) {
                alike = false;
                continue;
            }
            status = 207;
            if (failedStatus == 0)
                failedStatus = item.status;
            else if (failedStatus != item.status)
                alike = false;
        }
        if (status == 207 && alike)
            status = failedStatus;
        QByteArray body = batchAnswerJson(items, ids);
        if (status >= 400) {
            // An error answer says why at the top, as every error of the API does: the first
            // event's reason (they all failed alike). "Confirmed", not "published": with
            // --redis-min-replicas an event may be in Redis (and delivered) unconfirmed.
            const QString why = tr("no event of the batch was confirmed: %1")
                                    .arg(items.isEmpty() ? QString() : items.first().error);
            body = "{\"error\":"
                + QJsonDocument(QJsonArray {why}).toJson(QJsonDocument::Compact).chopped(1).mid(1)
                + ',' + body.mid(1);
        }
        reply(to, status, "application/json", body,
              status == 503       ? QByteArrayLiteral("Retry-After: 1\r\n")
                  : status == 429 ? QByteArrayLiteral("Retry-After: 1\r\n")
                                  : QByteArray());
    };
    if (accepted.isEmpty()) {
        answer({});
        return;
    }
    m_broker->publishBatch(accepted, std::move(answer));
}

} // namespace ssehub
