#pragma once

#include "auth/jwk.h"

#include <QList>

#include <array>
#include <atomic>
#include <functional>

namespace ssehub {

// How a token's verification ended, counted for /metrics (ssehub_token_verifications_total).
enum class TokenCheck {
    Verified,
    Malformed, // not a JWT: framing, base64url, JSON, header members
    Algorithm, // an alg no key or secret of this server verifies
    UnknownKey, // a kid no key has, or no key yet (a JWKS not loaded)
    BadSignature,
    Expired, // exp passed, or nbf not reached
    Claims, // iss, aud, sub, roles, subscribe/publish not as required
    NoKeySet, // signed with a key while the JWKS URL has not given a key set yet (503)
};
constexpr int TokenCheckCount = int(TokenCheck::NoKeySet) + 1;
// The metric label of a result: "verified", "malformed", ...
const char *tokenCheckName(TokenCheck check);

// What outlives a reload of the access rules: the keys fetched from the JWKS URL (replaced
// whole by JwksFetcher, kept when a fetch fails) and the count of verifications by result.
// Every Authenticator the engine builds shares the engine's one ring; it is used on the engine
// thread, except for the counters, which any thread may read.
class KeyRing
{
public:
    // A key set is expected from a JWKS URL: until the first one arrives, tokens signed with
    // keys are refused (UnknownKey) and /readyz says not ready.
    void expectFetched(bool expected) { m_expectsFetched = expected; }
    bool expectsFetched() const { return m_expectsFetched; }
    bool hasFetched() const { return m_fetchedAtMs != 0; }
    const QList<VerifyKey> &fetched() const { return m_fetched; }
    qint64 fetchedAtMs() const { return m_fetchedAtMs; }
    // Replaces the fetched set; returns how many keys of the old set are not in the new one
    // (matched by key material and kid).
    int setFetched(QList<VerifyKey> keys, qint64 atMs);

    // Called when a token names a kid that no key has (a rotation this server has not seen
    // yet): the fetcher decides whether to look again (it rate-limits).
    std::function<void()> onUnknownKid;

    void count(TokenCheck check) const
    {
        m_counts[size_t(check)].fetch_add(1, std::memory_order_relaxed);
    }
    quint64 counted(TokenCheck check) const
    {
        return m_counts[size_t(check)].load(std::memory_order_relaxed);
    }

private:
    QList<VerifyKey> m_fetched;
    qint64 m_fetchedAtMs = 0;
    bool m_expectsFetched = false;
    mutable std::array<std::atomic<quint64>, TokenCheckCount> m_counts {};
};

} // namespace ssehub
