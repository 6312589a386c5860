#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>

namespace ssehub {

// The clients the hub knows, a page at a time: GET /clients and the console's Clients view.
// One copy of the rules for both (the query's parameters, the page's JSON).

// Which clients a page shows.
struct ClientQuery
{
    enum class Presence { Any, Online, Offline };

    static constexpr int DefaultLimit = 100;
    static constexpr int MaxLimit = 1000;
    static constexpr qsizetype MaxSearchChars = 256;
    static constexpr qsizetype MaxOffset = 10'000'000;

    // Case-insensitive part of the client id, of a stream's remote address or of a filter.
    QString search;
    Presence presence = Presence::Any;
    qsizetype offset = 0;
    int limit = DefaultLimit;

    // Reads GET /clients' parameters (decoded; other keys are ignored). Empty when valid, else
    // what is wrong with which parameter.
    static QString parse(const QList<QPair<QByteArray, QByteArray>> &items, ClientQuery *out);
    // The query string that parse() reads back (for a console attached over HTTP).
    QByteArray toQuery() const;
    static QString presenceName(Presence presence);
};

// One subscription of a listed client.
struct ClientSubscription
{
    QByteArray filter;
    QString state; // "active", "paused", "expired", "archived"
    qint64 createdAt = 0; // ms since the epoch
    qint64 updatedAt = 0;
    qint64 expiresAt = 0; // 0: never
};

// One client as a page lists it.
struct ClientInfo
{
    // Addresses and subscriptions a row carries at most; the counts say how many there are.
    static constexpr int MaxAddresses = 16;
    static constexpr int MaxSubscriptions = 256;

    QString id;
    bool stored = false; // named: kept across restarts (and shared in cluster mode)
    int streams = 0; // live streams (on this instance)
    QStringList addresses; // their distinct remote addresses
    qint64 lastSeenMs = 0; // a stream of it was last open (now while online); 0: not since start
    bool hasAck = false;
    QByteArray acked; // the acknowledged event id
    int subscriptionCount = 0; // all of them, also those not carried
    int pausedCount = 0;
    QList<ClientSubscription> subscriptions; // by filter, at most MaxSubscriptions

    bool online() const { return streams > 0; }
    QJsonObject toJson() const;
};

// A page: the clients matching the query, sorted naturally by id (room2 before room10).
struct ClientPage
{
    // An answer holds at most this many bytes of JSON: a page ends early rather than grow past
    // it (nextOffset says where to go on).
    static constexpr qsizetype MaxBytes = 1024 * 1024;

    qsizetype known = 0; // clients the hub knows
    qsizetype matching = 0; // of those, what the query matches
    qsizetype offset = 0;
    qsizetype nextOffset = -1; // where the next page starts; -1: this is the last one
    bool cluster = false; // cluster mode: stored clients are every instance's, streams this one's
    QString node; // the instance that answered
    QList<ClientInfo> clients;

    QJsonObject toJson() const;
    // Reads what toJson wrote (a server's answer, so hostile): false when it is not one.
    static bool fromJson(const QJsonObject &object, ClientPage *out);
};

// What the console does to one subscription of a client (online or offline).
enum class SubscriptionAction { Pause, Resume, Expire, Delete };

} // namespace ssehub

Q_DECLARE_METATYPE(ssehub::ClientPage)
