// GET /presence: who listens on a topic or filter, on this instance or the whole cluster.
#include "http/httpfront.h"

#include <QTcpSocket>

namespace ssehub {

// GET /presence?topic=FILTER&count=1&limit=N
// The clients with a live stream and an active subscription that matches the topic (for a
// filter: meets it), one entry per client and instance. Allowed to whoever may subscribe to the
// filter, and to admins; other clients' ids are left out unless the requester is an admin or
// its roles' `presence` rules hold the filter.
// 200 {"topic", "source", "nodes", "clients", "streams", "entries": [{"client_id"|null, "node",
//      "streams", "joined_at"}], "truncated", "ids_hidden"} (count=1: no entries);
// 400 bad or unknown parameter; 401 no credentials; 403 the ACL refuses the filter; 503 (with
// Retry-After) cluster mode while Redis cannot be read, or while clients leave too many answers
// unread.
void HttpFront::servePresence(const HttpRequest &request, QTcpSocket *socket, const Identity &who)
{
    const ReplyTo to = replyTo(request, socket);
    if (!m_presence) {
        replyError(to, 404, tr("no such resource"));
        return;
    }
    PresenceQuery query;
    if (const QString error = parsePresenceQuery(http::queryItems(request.query()), &query);
        !error.isEmpty()) {
        replyError(to, 400, error);
        return;
    }
    const TopicFilter parsed = TopicFilter::parse(query.filter);
    const bool seesAll = parsed.isValid() && m_options.auth.seesPresence(who, parsed);
    TopicFilter filter;
    if (!readableFilter(to, query.filter, who, seesAll, &filter))
        return;
    if (!query.countOnly && !roomForLargeAnswer(to))
        return;
    const bool admin = seesAll || m_options.auth.isAdmin(who);
    m_presence(filter,
               [this, guard = QPointer<HttpFront>(this), to, query, admin,
                self = who.clientId](PresenceAnswer answer) {
                   if (!guard)
                       return;
                   if (!answer.error.isEmpty()) {
                       replyError(to, 503, answer.error, "Retry-After: 1\r\n");
                       return;
                   }
                   finishPresence(&answer, query);
                   if (!admin) {
                       for (PresenceEntry &e : answer.entries) {
                           if (e.clientId != self || self.isEmpty()) {
                               e.clientId.clear();
                               answer.idsHidden = true;
                           }
                       }
                   }
                   reply(to, 200, "application/json", presenceJson(answer, query));
               });
}

} // namespace ssehub
