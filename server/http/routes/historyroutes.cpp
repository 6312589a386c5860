// GET /history: the retained events, a page at a time.
#include "broker/broker.h"
#include "http/httpfront.h"
#include "hub/eventhistory.h"

#include <QTcpSocket>

namespace ssehub {

// GET /history?topic=FILTER&after=ID&before=ID&since=T&until=T&limit=N&order=asc|desc
// The retained events matching the filter, ids in (after, before), published in [since, until)
// (ms since the epoch or ISO 8601), at most limit (1..1000, default 100) and 2 MiB of events,
// oldest first (asc, the default) or newest first (desc). Allowed to whoever may subscribe to
// the filter, and to admins.
// 200 {"topic", "order", "limit", "count", "next": id|null, "truncated", "source",
//      "retained": {"oldest_id", "newest_id", "horizon", "events", "bytes", "max_events",
//      "max_bytes"}, "events": [{"id", "topic", "type", "timestamp", "payload"}]};
// 400 bad or unknown parameter; 401 no credentials; 403 the ACL refuses the filter; 503 (with
// Retry-After) while clients leave too many answers unread (roomForLargeAnswer).
void HttpFront::serveHistory(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    const ReplyTo to = replyTo(request, socket);
    HistoryQuery query;
    if (const QString error = parseHistoryQuery(http::queryItems(request.query()), &query);
        !error.isEmpty()) {
        replyError(to, 400, error);
        return;
    }
    if (query.filter.size() > m_options.maxTopicBytes) {
        replyError(
            to, 400,
            tr("filter is longer than %1 bytes (--max-topic-length)").arg(m_options.maxTopicBytes));
        return;
    }
    const TopicFilter filter = TopicFilter::parse(query.filter);
    if (!m_options.auth.isAdmin(who)) {
        if (const QString denied = m_options.auth.checkSubscribe(who, filter); !denied.isEmpty()) {
            refuse(to, 403, denied, who.clientId);
            return;
        }
    }
    if (!roomForLargeAnswer(to))
        return;
    HistoryPage page = m_broker->history().read(query, filter);
    page.source
        = m_broker->replaysLocally() ? QStringLiteral("embedded") : QStringLiteral("instance");
    reply(to, 200, "application/json", historyPageJson(page, query));
}

} // namespace ssehub
