#pragma once

#include "auth/hmac.h"
#include "auth/identity.h"
#include "auth/jwk.h"
#include "auth/keyring.h"

#include <QByteArray>
#include <QString>

#include <limits>
#include <memory>

namespace ssehub {

// The wall-clock ms [fromMs, untilMs) in which JwtVerifier::verify accepts a token it accepted
// once: from nbf less the leeway until exp plus the leeway.
struct TokenValidity
{
    qint64 fromMs = std::numeric_limits<qint64>::min(); // min: no nbf
    qint64 untilMs = std::numeric_limits<qint64>::max(); // max: no exp
};

// JSON Web Tokens signed with HS256 under a secret, or with a public key's algorithm (jwk.h):
// the algorithm is pinned by what verifies it (the secret verifies HS256 only, a key its own
// algorithms only), `alg: none` and everything else are refused, and `kid` selects the key.
// `exp`/`nbf` are honoured with a leeway for clock skew, `iss` and `aud` checked when
// configured. Every part must be canonical base64url, the JSON must not repeat a key, and a
// token without `exp` (or with `exp` 0) is refused unless allowNoExpiry.
class JwtVerifier
{
public:
    // A token is checked against at most this many keys (a forger's request costs that many
    // signature checks at most): keys without a kid (key files) count for every token.
    static constexpr qsizetype MaxKeysTried = 4;
    JwtVerifier() = default;
    JwtVerifier(QByteArray secret, qint64 leewayMs, bool allowNoExpiry = false);

    bool isEnabled() const
    {
        return !m_secret.isEmpty() || (m_keys && !m_keys->isEmpty())
            || (m_ring && m_ring->expectsFetched());
    }
    // Public keys that verify tokens besides (or instead of) the secret (the key files).
    void setKeys(QList<VerifyKey> keys);
    // Where the keys of a JWKS URL are (they change while this verifier lives) and where
    // verifications are counted by result.
    void setKeyRing(std::shared_ptr<KeyRing> ring) { m_ring = std::move(ring); }
    // A token must name this issuer (iss), when set, and one of these audiences (aud), when
    // any is set.
    void setIssuer(const QByteArray &issuer) { m_issuer = issuer; }
    void setAudiences(const QList<QByteArray> &audiences) { m_audiences = audiences; }
    // False when libcrypto could not set up the secret as an HMAC key: every token is then
    // refused, and the server should not start on it.
    bool isUsable() const { return m_secret.isEmpty() || (m_hmac && m_hmac->isValid()); }
    // Fills *identity (and *validity, if given) from a valid token; otherwise returns what is
    // wrong (for a 401 answer).
    // *outcome: how it ended (NoKeySet: the server's fault, not the token's).
    QString verify(const QByteArray &token, qint64 nowMs, Identity *identity,
                   TokenValidity *validity = nullptr, TokenCheck *outcome = nullptr) const;

private:
    QString check(const QByteArray &token, qint64 nowMs, Identity *identity,
                  TokenValidity *validity, TokenCheck *result) const;
    QString verifyWithKey(const QByteArray &alg, const QByteArray &kid, QByteArrayView signingInput,
                          QByteArrayView signature, TokenCheck *result) const;
    bool hasKeys() const;
    QString acceptedAlgorithms() const;

    QByteArray m_secret;
    std::shared_ptr<const QList<VerifyKey>> m_keys;
    std::shared_ptr<KeyRing> m_ring;
    QByteArray m_issuer;
    QList<QByteArray> m_audiences;
    std::shared_ptr<const Hmac> m_hmac; // keyed once: shared by the copies of this verifier
    qint64 m_leewayMs = 30000;
    bool m_allowNoExpiry = false;
};

} // namespace ssehub
