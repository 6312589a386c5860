#pragma once

#include "snapshot.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace ssehub {

// Which retained events to read (GET /history, the console's History view): those matching a
// topic filter, after and before an id, within a time range, a page at a time.
struct HistoryQuery
{
    static constexpr int DefaultLimit = 100;
    static constexpr int MaxLimit = 1000;
    // A page holds at most this many bytes of events (as written in the answer): it ends early
    // and its cursor continues after the last event that fitted. Below what a console reads
    // (4 MiB per admin answer).
    static constexpr qint64 MaxPageBytes = 2 * 1024 * 1024;

    QByteArray filter; // a topic or a filter ("#": every topic not starting with '$')
    bool hasAfter = false;
    quint64 after = 0; // ids greater than this
    bool hasBefore = false;
    quint64 before = 0; // ids less than this
    qint64 sinceMs = -1; // published at or after (ms since the epoch; -1: no bound)
    qint64 untilMs = -1; // published before (ms since the epoch; -1: no bound)
    int limit = DefaultLimit;
    bool descending = false; // newest first

    bool operator==(const HistoryQuery &o) const = default;
};

// Reads GET /history's parameters (decoded; access_token is left to the front). Returns an
// empty string with *out filled, or what is wrong (a 400). The filter is checked for its
// syntax only (TopicFilter::parse); its length and the ACL are the caller's.
QString parseHistoryQuery(const QList<QPair<QByteArray, QByteArray>> &items, HistoryQuery *out);
// An event id as clients see it (decimal, or "<ms>-<seq>" in cluster mode) and back: for the
// console, which cannot include the protocol's headers.
bool parseHistoryId(QByteArrayView text, quint64 *id);
QByteArray historyIdText(quint64 id);
// The query string of a query (what RemoteLink sends).
QByteArray historyQueryString(const HistoryQuery &query);

// One page of retained events and what the history holds.
struct HistoryPage
{
    QString error; // set: the query was refused, nothing else is
    // With error: the history could not be read now (cluster mode: Redis unreachable, or too
    // many reads under way); GET /history answers 503 with Retry-After.
    bool unavailable = false;
    QList<EventRow> events; // in the query's order
    // The cursor of the next page in the same order (as after= ascending, as before=
    // descending); empty when no more events match.
    QByteArray next;
    bool truncated = false; // ended before the limit by HistoryQuery::MaxPageBytes
    // Cluster mode: the read stopped at its bound of entries or bytes scanned (a rare filter
    // over a long Stream); `next` continues where it stopped, and the page may hold fewer than
    // the limit (even none) although more may match.
    bool scanLimited = false;
    // The retained history: its oldest and newest ids (empty when it is empty), its size and
    // bounds. Ids up to `horizon` are gone (evicted or never retained here).
    QByteArray oldestId;
    QByteArray newestId;
    QByteArray horizon;
    qint64 retainedEvents = 0;
    qint64 retainedBytes = 0;
    qint64 maxEvents = 0;
    qint64 maxBytes = 0;
    qint64 ttlMs = 0; // --history-ttl (0: no age bound)
    // "embedded", or "cluster": read from the shared Redis Stream (every instance's events).
    QString source;
};

// GET /history's answer (compact JSON; payloads spliced in as they were published).
QByteArray historyPageJson(const HistoryPage &page, const HistoryQuery &query);
// Reads an answer of GET /history; false with *error when it is not one.
bool historyPageFromJson(const QByteArray &json, HistoryPage *out, QString *error);

} // namespace ssehub

Q_DECLARE_METATYPE(ssehub::HistoryPage)
