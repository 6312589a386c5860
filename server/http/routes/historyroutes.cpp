// GET /history: the retained events, a page at a time.
#include "broker/broker.h"
#include "http/httpfront.h"
#include "hub/eventhistory.h"

#include <QPointer>
#include <QTcpSocket>

namespace ssehub {

// GET /history?topic=FILTER&after=ID&before=ID&since=T&until=T&limit=N&order=asc|desc
// The retained events matching the filter, ids in (after, before), published in [since, until)
// (ms since the epoch or ISO 8601), at most limit (1..1000, default 100) and 2 MiB of events,
// oldest first (asc, the default) or newest first (desc). Allowed to whoever may subscribe to
// the filter, and to admins. Embedded: this process's history; cluster mode: the shared Redis
// Stream, read asynchronously and bounded in what one request scans (scan_limited).
// 200 {"topic", "order", "limit", "count", "next": id|null, "truncated", "scan_limited",
//      "source": "embedded"|"cluster", "retained": {"oldest_id", "newest_id", "horizon",
//      "events", "bytes", "max_events", "max_bytes", "ttl_ms"},
//      "events": [{"id", "topic", "type", "timestamp", "payload"}]};
// 400 bad or unknown parameter; 401 no credentials; 403 the ACL refuses the filter; 503 (with
// Retry-After) while clients leave too many answers unread (roomForLargeAnswer), or in cluster
// mode while Redis cannot be read (or too many reads are under way).
bool HttpFront::readableFilter(const ReplyTo &to, const QByteArray &text, const Identity &who,
                               bool granted, TopicFilter *out)
{
    if (text.size() > m_options.maxTopicBytes) {
        replyError(
            to, 400,
            tr("filter is longer than %1 bytes (--max-topic-length)").arg(m_options.maxTopicBytes));
        return false;
    }
    *out = TopicFilter::parse(text);
    if (granted || m_options.auth.isAdmin(who))
        return true;
    if (const QString denied = m_options.auth.checkSubscribe(who, *out); !denied.isEmpty()) {
        refuse(to, 403, denied, who.clientId);
        return false;
    }
    return true;
}

void HttpFront::serveHistory(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    const ReplyTo to = replyTo(request, socket);
    HistoryQuery query;
    if (const QString error = parseHistoryQuery(http::queryItems(request.query()), &query);
        !error.isEmpty()) {
        replyError(to, 400, error);
        return;
    }
    TopicFilter filter;
    if (!readableFilter(to, query.filter, who, false, &filter) || !roomForLargeAnswer(to))
        return;
    // Answered when the page is there (at once, or after Redis answered): the answer keeps its
    // place among the connection's pipelined ones, and goes nowhere if the client left.
    m_broker->readHistory(
        query, filter, [self = QPointer<HttpFront>(this), to, query](const HistoryPage &page) {
            if (!self)
                return;
            if (page.unavailable)
                self->replyError(to, 503, page.error, QByteArrayLiteral("Retry-After: 1\r\n"));
            else if (!page.error.isEmpty())
                self->replyError(to, 400, page.error);
            else
                self->reply(to, 200, "application/json", historyPageJson(page, query));
        });
}

} // namespace ssehub
