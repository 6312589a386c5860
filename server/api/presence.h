#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace ssehub {

// Who is listening (GET /presence, the console's Topics view): the clients with a live stream
// and an active subscription that matches a topic (or, for a filter, meets it: some topic
// matches both), on this instance or, in cluster mode, on every instance.
struct PresenceQuery
{
    static constexpr int DefaultLimit = 1000;
    static constexpr int MaxLimit = 10000;

    QByteArray filter; // a topic or a filter
    bool countOnly = false; // counts only, no entries
    int limit = DefaultLimit; // entries at most (sorted by client id, then node)

    bool operator==(const PresenceQuery &o) const = default;
};

// Reads GET /presence's parameters (decoded; access_token is left to the front). Returns an
// empty string with *out filled, or what is wrong (a 400). The filter's length and the ACL are
// the caller's.
QString parsePresenceQuery(const QList<QPair<QByteArray, QByteArray>> &items, PresenceQuery *out);
// The query string of a query (what RemoteLink sends).
QByteArray presenceQueryString(const PresenceQuery &query);

// One client on one instance.
struct PresenceEntry
{
    QString clientId; // empty when hidden from the requester (another client, no presence grant)
    QString node;
    int streams = 0; // its live streams on that node
    qint64 joinedAtMs = 0; // since when it has listened there (ms since the epoch)

    bool operator==(const PresenceEntry &o) const = default;
};

struct PresenceAnswer
{
    QString error; // set: no answer (cluster mode: Redis cannot be read now; a 503)
    int clients = 0; // distinct clients, whatever node they are on
    int streams = 0; // their live streams, all nodes
    int nodes = 0; // instances whose presence was read
    QList<PresenceEntry> entries; // sorted by client id, then node; empty with countOnly
    bool truncated = false; // more entries than the query's limit
    bool idsHidden = false; // other clients' ids were left out for the requester
    QString source; // "embedded", or "cluster"
};

// GET /presence's answer.
QByteArray presenceJson(const PresenceAnswer &answer, const PresenceQuery &query);
// Reads an answer of GET /presence; false with *error when it is not one.
bool presenceFromJson(const QByteArray &json, PresenceAnswer *out, QString *error);

// Sorts entries, counts clients and streams, and cuts the list to the query's limit (or empties
// it for countOnly).
void finishPresence(PresenceAnswer *answer, const PresenceQuery &query);

} // namespace ssehub

Q_DECLARE_METATYPE(ssehub::PresenceAnswer)
