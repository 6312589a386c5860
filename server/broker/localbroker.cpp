#include "broker/localbroker.h"

#include "core/clock.h"

#include <QDateTime>

#include <algorithm>
#include <memory>
#include <optional>

namespace ssehub {

LocalBroker::LocalBroker(qsizetype historySize, qint64 historyBytes, qint64 historyTtlMs,
                         QObject *parent)
    : Broker(parent)
    , m_history(historySize, historyBytes)
    , m_nextId(quint64(Clock::wallMs()) * 1000)
{
    m_history.setHorizon(m_nextId - 1);
    m_history.setMaxAge(historyTtlMs);
    if (historyTtlMs > 0) {
        // Expired events also go while nothing is published: within a tenth of the TTL, at
        // most a second late.
        m_expiry.setInterval(int(std::clamp<qint64>(historyTtlMs / 10, 100, 1000)));
        connect(&m_expiry, &QTimer::timeout, this, [this] { m_history.expire(Clock::wallMs()); });
        m_expiry.start();
    }
}

void LocalBroker::readHistory(const HistoryQuery &query, const TopicFilter &filter,
                              HistoryDone done)
{
    m_history.expire(Clock::wallMs()); // what the timer has not taken yet is not answered
    Broker::readHistory(query, filter, std::move(done));
}

void LocalBroker::publish(const PublishRequest &request, Done done)
{
    const EventPtr event
        = makeEvent(m_nextId++, request.topic, request.type, request.payloadJson, Clock::wallMs());
    m_history.append(event);
    Published published;
    published.id = event->id;
    published.delivered = dispatch(event);
    done(published);
}

void Broker::publishBatch(const QList<PublishRequest> &requests, BatchDone done)
{
    // The results may come later, and a refusal at once while earlier ones are pending: each
    // is kept at its place until the last one is there.
    struct Gathered
    {
        QList<std::optional<PublishResult>> results;
        qsizetype missing = 0;
        BatchDone done;
    };
    auto gathered = std::make_shared<Gathered>();
    gathered->results.resize(requests.size());
    gathered->missing = requests.size();
    gathered->done = std::move(done);
    auto finish = [](Gathered &g) {
        QList<PublishResult> results;
        results.reserve(g.results.size());
        for (const std::optional<PublishResult> &result : std::as_const(g.results))
            results.append(*result);
        g.done(results);
    };
    if (requests.isEmpty()) {
        finish(*gathered);
        return;
    }
    for (qsizetype i = 0; i < requests.size(); ++i) {
        publish(requests.at(i), [gathered, i, finish](const PublishResult &result) {
            gathered->results[i] = result;
            if (--gathered->missing == 0)
                finish(*gathered);
        });
    }
}

void Broker::readHistory(const HistoryQuery &query, const TopicFilter &filter, HistoryDone done)
{
    HistoryPage page = history().read(query, filter);
    page.source = QStringLiteral("embedded");
    done(page);
}

void Broker::fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done)
{
    // Only brokers without a local history are asked (replaysLocally() is false).
    Q_UNUSED(cursorValid);
    Q_UNUSED(cursor);
    Backlog backlog;
    backlog.events = std::make_unique<EventHistory>(0);
    backlog.gap = true;
    done(std::move(backlog));
}

} // namespace ssehub
