#include "auth/authcache.h"

#include <QVarLengthArray>
#include <QtEndian>

#include <cstring>

namespace ssehub {

namespace {

// What a hash node, a list node and a container header cost, roughly: enough that an estimate
// of many small entries is not far below what they really hold.
constexpr qint64 NodeOverhead = 96;
constexpr qint64 ItemOverhead = 32;
// A QSet (roles, units) that holds anything: Qt 6.4 gives it a span of 128 slot offsets and room
// for 48 entries at once, about 1.3 KiB whatever it holds (the audit found entries taking 3.8
// times their estimate without this).
constexpr qint64 SetOverhead = 1400;
// A QList or QByteArray that holds anything: its header and the allocator's rounding.
constexpr qint64 ListOverhead = 48;

qint64 estimatedBytes(const QList<TopicFilter> &filters)
{
    qint64 bytes = filters.isEmpty() ? 0 : ListOverhead;
    for (const TopicFilter &f : filters) {
        bytes += ItemOverhead + f.text().size();
        for (const QByteArray &level : f.levels())
            bytes += ItemOverhead + level.size();
    }
    return bytes;
}

// The key (the token, shared with identity.token when they are the same bytes) and the
// identity.
qint64 estimatedBytes(const QByteArray &token, const Identity &who)
{
    qint64 bytes = NodeOverhead + qint64(sizeof(Identity)) + token.size();
    if (!who.token.isSharedWith(token))
        bytes += who.token.size();
    bytes += ListOverhead + 2 * who.clientId.size();
    if (!who.roles.isEmpty())
        bytes += SetOverhead;
    for (const QString &role : who.roles)
        bytes += ItemOverhead + 2 * role.size();
    if (!who.units.isEmpty())
        bytes += ListOverhead;
    for (const QString &unit : who.units)
        bytes += ItemOverhead + 2 * unit.size();
    return bytes + estimatedBytes(who.subscribeGrants) + estimatedBytes(who.publishGrants);
}

// Appends a 4-byte count or length at out (room already made).
char *appendCount(char *out, qsizetype count)
{
    const quint32 value = qToLittleEndian(quint32(count));
    memcpy(out, &value, sizeof(value));
    return out + sizeof(value);
}

// Appends a part as its length and its bytes.
char *appendPart(char *out, const void *data, qsizetype size)
{
    out = appendCount(out, size);
    if (size)
        memcpy(out, data, size_t(size));
    return out + size;
}

char *appendPart(char *out, const QByteArray &part)
{
    return appendPart(out, part.constData(), part.size());
}

// UTF-16 as it is: no conversion, and still one spelling per string.
char *appendPart(char *out, const QString &part)
{
    return appendPart(out, part.constData(), 2 * part.size());
}

} // namespace

QByteArray decisionKey(char kind, const Identity &who, const QList<TopicFilter> &grants,
                       const QByteArray &subject, bool subjectValid, bool byClient)
{
    static const QString noClient;
    const QString &clientId = byClient ? who.clientId : noClient;
    // Walking a QSet visits every slot of its table: once, into a list.
    QVarLengthArray<const QString *, 8> roles;
    qsizetype size = 3 + 4 + subject.size() + 4 + 2 * clientId.size() + 4 + 4;
    for (const QString &role : who.roles) {
        roles.append(&role);
        size += 4 + 2 * role.size();
    }
    for (const TopicFilter &grant : grants)
        size += 4 + grant.text().size();
    QByteArray key(size, Qt::Uninitialized);
    char *out = key.data();
    *out++ = kind;
    // The hook's grants may bind even when empty; a token's empty grants do not.
    *out++ = who.authenticated
        ? (who.hook ? char('2' + (who.subscribeGrantsBind ? 1 : 0) + (who.publishGrantsBind ? 2 : 0))
                    : '1')
        : '0';
    *out++ = subjectValid ? '1' : '0';
    out = appendPart(out, subject);
    out = appendPart(out, clientId);
    out = appendCount(out, roles.size());
    for (const QString *role : roles)
        out = appendPart(out, *role);
    out = appendCount(out, grants.size());
    for (const TopicFilter &grant : grants)
        out = appendPart(out, grant.text());
    Q_ASSERT(out == key.constData() + key.size());
    return key;
}

// --- One table ------------------------------------------------------------------------------

template<typename Value>
const Value *AuthCache::Table<Value>::find(const QByteArray &key, qint64 nowMs)
{
    const auto it = entries.find(key);
    if (it == entries.end()) {
        ++misses;
        return nullptr;
    }
    if (nowMs < it->fromMs || nowMs >= it->untilMs) {
        remove(it); // out of its time: what it says is asked again
        ++misses;
        return nullptr;
    }
    order.splice(order.end(), order, it->order); // the most recently used now
    ++hits;
    return &it->value;
}

template<typename Value>
void AuthCache::Table<Value>::insert(const QByteArray &key, Value value, qint64 size, qint64 fromMs,
                                     qint64 untilMs, qint64 nowMs, quint64 *evictions)
{
    // An entry that would take more than an eighth of the table is not kept: it would push out
    // many others.
    if (maxBytes <= 0 || maxCount <= 0 || size > maxBytes / 8)
        return;
    if (const auto it = entries.find(key); it != entries.end())
        remove(it);
    if (bytes + size > maxBytes || entries.size() + 1 > maxCount) {
        // Those out of time first, then the least recently used, down to three quarters.
        for (auto it = entries.begin(); it != entries.end();) {
            if (nowMs < it->fromMs || nowMs >= it->untilMs) {
                bytes -= it->bytes;
                order.erase(it->order);
                it = entries.erase(it);
            } else {
                ++it;
            }
        }
        const qint64 bytesTarget = maxBytes - maxBytes / 4 - size;
        const qsizetype countTarget = maxCount - maxCount / 4 - 1;
        while (!order.empty() && (bytes > bytesTarget || entries.size() > countTarget)) {
            remove(entries.find(order.front()));
            ++*evictions;
        }
    }
    order.push_back(key);
    entries.insert(key, Entry {std::move(value), size, fromMs, untilMs, std::prev(order.end())});
    bytes += size;
}

template<typename Value>
void AuthCache::Table<Value>::remove(typename QHash<QByteArray, Entry>::iterator it)
{
    bytes -= it->bytes;
    order.erase(it->order);
    entries.erase(it);
}

// --- The cache --------------------------------------------------------------------------------

AuthCache::AuthCache(const Limits &limits)
    : m_limits(limits)
{
    m_tokens.maxBytes = limits.tokenBytes;
    m_tokens.maxCount = limits.tokens;
    m_decisions.maxBytes = limits.decisionBytes;
    m_decisions.maxCount = limits.decisions;
}

bool AuthCache::findIdentity(const QByteArray &token, qint64 nowMs, Identity *identity)
{
    const std::lock_guard lock(m_mutex);
    const Identity *found = m_tokens.find(token, nowMs);
    if (found)
        *identity = *found;
    return found;
}

void AuthCache::insertIdentity(const QByteArray &token, const Identity &identity,
                               const TokenValidity &validity, qint64 nowMs)
{
    qint64 untilMs = validity.untilMs;
    if (untilMs == std::numeric_limits<qint64>::max())
        untilMs = nowMs + m_limits.noExpiryMs; // no exp: not remembered for ever
    if (nowMs < validity.fromMs || nowMs >= untilMs)
        return; // not valid now (verify just said it is; a clock that jumped)
    // The key is the identity's own copy of the token when it holds the same bytes.
    const QByteArray key = identity.token == token ? identity.token : token;
    const qint64 size = estimatedBytes(key, identity);
    const std::lock_guard lock(m_mutex);
    m_tokens.insert(key, identity, size, validity.fromMs, untilMs, nowMs, &m_evictions);
}

void AuthCache::forgetIdentities()
{
    const std::lock_guard lock(m_mutex);
    m_tokens.entries.clear();
    m_tokens.order.clear();
    m_tokens.bytes = 0;
}

bool AuthCache::findDecision(const QByteArray &key, QString *decision)
{
    const std::lock_guard lock(m_mutex);
    const QString *found = m_decisions.find(key, 0);
    if (found)
        *decision = *found;
    return found;
}

void AuthCache::insertDecision(const QByteArray &key, const QString &decision)
{
    const qint64 size = NodeOverhead + key.size() + 2 * decision.size();
    const std::lock_guard lock(m_mutex);
    m_decisions.insert(key, decision, size, std::numeric_limits<qint64>::min(),
                       std::numeric_limits<qint64>::max(), 0, &m_evictions);
}

AuthCache::Stats AuthCache::stats() const
{
    const std::lock_guard lock(m_mutex);
    Stats s;
    s.tokens = int(m_tokens.entries.size());
    s.tokenBytes = m_tokens.bytes;
    s.decisions = int(m_decisions.entries.size());
    s.decisionBytes = m_decisions.bytes;
    s.tokenHits = m_tokens.hits;
    s.tokenMisses = m_tokens.misses;
    s.decisionHits = m_decisions.hits;
    s.decisionMisses = m_decisions.misses;
    s.evictions = m_evictions;
    return s;
}

} // namespace ssehub
