#pragma once

#include "auth/identity.h"
#include "auth/jwt.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <limits>
#include <list>
#include <mutex>

namespace ssehub {

// What the Authenticator remembers so that an authenticated request costs about what an
// anonymous one does: the identity of each verified token, and the ACL's decision for each
// (identity, topic or filter). One cache belongs to one configuration: a reload builds a new
// Authenticator, and with it an empty cache.
//
// Both tables are bounded by bytes (an estimate of what an entry holds) and by count. When an
// insertion goes over a bound, entries whose time is up are dropped, then the least recently
// used ones, until at most three quarters of each bound are in use: each such sweep makes room
// for a quarter of the bound, which keeps insertion O(1) amortised.
//
// Thread safety: every copy of an Authenticator shares its cache. The copies the server makes
// (the front's, for each request and the console feeds' rechecks, and the hub's, for stored
// subscriptions) come from one AccessFiles::loadAuthenticator at start and on each reload, and
// are all used on the engine thread. But an Authenticator is a copyable value whose const
// functions look safe to call from anywhere, so a mutex guards the tables rather than a rule
// that copies must stay on one thread; uncontended, a lock and unlock costs about 8 ns
// (tests/bench/auth_bench.cpp), against microseconds saved per hit.
class AuthCache
{
public:
    struct Limits
    {
        qint64 tokenBytes = 8 * 1024 * 1024; // 0: tokens are verified every time
        int tokens = 65536;
        qint64 decisionBytes = 4 * 1024 * 1024; // 0: the ACL is evaluated every time
        int decisions = 65536;
        // How long a token without exp (--allow-tokens-without-exp) is remembered.
        qint64 noExpiryMs = 60000;
    };
    struct Stats
    {
        int tokens = 0;
        qint64 tokenBytes = 0;
        int decisions = 0;
        qint64 decisionBytes = 0;
        quint64 tokenHits = 0;
        quint64 tokenMisses = 0;
        quint64 decisionHits = 0;
        quint64 decisionMisses = 0;
        quint64 evictions = 0; // dropped to make room (not for being out of time)
    };

    explicit AuthCache(const Limits &limits);

    // The identity verified from this token, if remembered and nowMs is within its validity;
    // an entry whose time is up is dropped (the token is then verified again).
    bool findIdentity(const QByteArray &token, qint64 nowMs, Identity *identity);
    void insertIdentity(const QByteArray &token, const Identity &identity,
                        const TokenValidity &validity, qint64 nowMs);
    // Drops every remembered token (a key they may have been verified with is gone).
    void forgetIdentities();
    // A decision: an empty string (allowed) or the refusal. The key is decisionKey()'s.
    bool findDecision(const QByteArray &key, QString *decision);
    void insertDecision(const QByteArray &key, const QString &decision);

    Stats stats() const;

private:
    // One table: least recently used first in m_order; each entry knows its place there.
    template<typename Value> struct Table
    {
        struct Entry
        {
            Value value;
            qint64 bytes = 0;
            qint64 fromMs = std::numeric_limits<qint64>::min();
            qint64 untilMs = std::numeric_limits<qint64>::max();
            std::list<QByteArray>::iterator order;
        };
        QHash<QByteArray, Entry> entries;
        std::list<QByteArray> order;
        qint64 bytes = 0;
        qint64 maxBytes = 0;
        int maxCount = 0;
        quint64 hits = 0;
        quint64 misses = 0;

        const Value *find(const QByteArray &key, qint64 nowMs);
        void insert(const QByteArray &key, Value value, qint64 bytes, qint64 fromMs, qint64 untilMs,
                    qint64 nowMs, quint64 *evictions);
        void remove(typename QHash<QByteArray, Entry>::iterator it);
    };

    const Limits m_limits;
    mutable std::mutex m_mutex;
    Table<Identity> m_tokens;
    Table<QString> m_decisions;
    quint64 m_evictions = 0;
};

// The key of an ACL decision: everything it depends on, each part length-prefixed so that no
// two different inputs give the same key. kind: 'p' (publish a topic) or 's' (subscribe to a
// filter); grants: the identity's grants of that kind. Roles are taken in the set's own order,
// as the ACL walks them (the first deny rule it meets names the refusal). The client id is part
// of it only byClient (the ACL has %c rules): otherwise every client of the same roles and
// grants shares the decision, and a storm of distinct clients asks the ACL once.
QByteArray decisionKey(char kind, const Identity &who, const QList<TopicFilter> &grants,
                       const QByteArray &subject, bool subjectValid = true, bool byClient = true);

} // namespace ssehub
