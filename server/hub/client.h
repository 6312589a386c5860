#pragma once

#include "proto/topicfilter.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace ssehub {

class SseStream;

// One (client, filter) subscription and its lifecycle:
//   active <-> paused -> expired (at expires_at) -> archived -> deleted,
// where a renew within the grace period makes an expired subscription active again.
struct Subscription
{
    enum class State { Active, Paused, Expired, Archived };

    TopicFilter filter;
    State state = State::Active;
    qint64 createdAt = 0; // ms since the epoch
    qint64 updatedAt = 0;
    qint64 expiresAt = 0; // 0: never
    quint64 pausedAfterId = 0; // newest event id when it was paused (replay on resume)
    // When it last became active on this instance (ms since the epoch; 0: not seen here; not
    // stored). Renewals and new bounds leave it.
    qint64 activeSince = 0;

    bool delivers() const { return state == State::Active; }
    // Since when it has delivered, as presence tells it.
    qint64 listeningSince() const { return activeSince ? activeSince : updatedAt; }
    static QString stateName(State state);
    static bool parseState(const QString &name, State *state);
    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &object, Subscription *out);
};

// A client: an identity that owns subscriptions and a durable cursor, and may have several live
// streams (tabs, devices) that all receive what its active subscriptions match.
struct Client
{
    QString id;
    bool ephemeral = false; // the server assigned the id: forgotten with its last stream
    QMap<QByteArray, Subscription> subscriptions; // by filter text
    QList<SseStream *> streams;
    bool hasAck = false;
    quint64 ackedId = 0;
    // When a stream of it last closed on this instance (ms since the epoch; 0: none since the
    // start). Not stored: it says what this instance saw.
    qint64 lastSeenMs = 0;
    // Since when it has had a live stream on this instance (ms since the epoch; 0: none now).
    qint64 onlineSinceMs = 0;

    bool matchesActive(const QByteArray &topic) const;
    QList<QByteArray> activeFilters() const;
    QJsonObject toJson() const;
    static bool fromJson(const QString &id, const QJsonObject &object, Client *out);
};

// Validates a client id (1-128 bytes of UTF-8, no control characters); empty when valid.
QString validateClientId(const QByteArray &id);
// A client id that authentication vouches for (a token's `sub`, a certificate's CN) is also
// substituted for %c in access rules, so it must be one safe topic level: what
// validateClientId accepts, without '/', '+' or '#'. Empty when valid.
QString validateAuthenticatedClientId(const QByteArray &id);

} // namespace ssehub
