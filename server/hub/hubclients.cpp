// The clients the hub knows, a page at a time (GET /clients, the console's Clients view).
#include "api/naturalorder.h"
#include "core/clock.h"
#include "hub/hub.h"
#include "proto/event.h"

#include <QJsonDocument>

#include <algorithm>

namespace ssehub {

namespace {

bool matches(const Client &client, const QString &search)
{
    if (search.isEmpty() || client.id.contains(search, Qt::CaseInsensitive))
        return true;
    for (const SseStream *stream : client.streams) {
        if (stream->peer().toString().contains(search, Qt::CaseInsensitive))
            return true;
    }
    for (const Subscription &s : client.subscriptions) {
        if (QString::fromUtf8(s.filter.text()).contains(search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

ClientInfo infoOf(const Client &client, qint64 now)
{
    ClientInfo info;
    info.id = client.id;
    info.stored = !client.ephemeral;
    info.streams = int(client.streams.size());
    for (const SseStream *stream : client.streams) {
        const QString address = stream->peer().toString();
        if (info.addresses.size() < ClientInfo::MaxAddresses && !info.addresses.contains(address))
            info.addresses.append(address);
    }
    info.lastSeenMs = client.streams.isEmpty() ? client.lastSeenMs : now;
    info.hasAck = client.hasAck;
    if (client.hasAck)
        info.acked = formatEventId(client.ackedId);
    info.subscriptionCount = int(client.subscriptions.size());
    for (const Subscription &s : client.subscriptions) {
        if (s.state == Subscription::State::Paused)
            ++info.pausedCount;
        if (info.subscriptions.size() < ClientInfo::MaxSubscriptions)
            info.subscriptions.append(ClientSubscription {s.filter.text(),
                                                          Subscription::stateName(s.state),
                                                          s.createdAt, s.updatedAt, s.expiresAt});
    }
    return info;
}

} // namespace

ClientPage Hub::listClients(const ClientQuery &query) const
{
    ClientPage page;
    page.known = qsizetype(m_clients.size());
    page.offset = query.offset;
    page.node = m_options.nodeId;
    std::vector<const Client *> matching;
    matching.reserve(m_clients.size());
    for (const auto &entry : m_clients) {
        const Client &client = *entry.second;
        const bool online = !client.streams.isEmpty();
        if ((query.presence == ClientQuery::Presence::Online && !online)
            || (query.presence == ClientQuery::Presence::Offline && online))
            continue;
        if (matches(client, query.search))
            matching.push_back(&client);
    }
    page.matching = qsizetype(matching.size());
    if (query.offset >= page.matching)
        return page;
    // Only the page is sorted: its first row is put in place, then the rows after it
    // (100,000 clients cost one pass and a sort of `limit` rows, not a sort of them all).
    auto byId = [](const Client *a, const Client *b) { return naturalCompare(a->id, b->id) < 0; };
    const auto first = matching.begin() + query.offset;
    const auto last = matching.begin() + qMin<qsizetype>(page.matching, query.offset + query.limit);
    std::nth_element(matching.begin(), first, matching.end(), byId);
    std::partial_sort(first, last, matching.end(), byId);
    const qint64 now = Clock::wallMs();
    qsizetype bytes = 256; // the page's own fields
    for (auto it = first; it != last; ++it) {
        ClientInfo info = infoOf(**it, now);
        const qsizetype size
            = QJsonDocument(info.toJson()).toJson(QJsonDocument::Compact).size() + 1;
        if (!page.clients.isEmpty() && bytes + size > ClientPage::MaxBytes)
            break;
        bytes += size;
        page.clients.append(std::move(info));
    }
    const qsizetype end = query.offset + page.clients.size();
    page.nextOffset = end < page.matching ? end : -1;
    return page;
}

} // namespace ssehub
