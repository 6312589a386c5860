#pragma once

#include "auth/hmac.h"
#include "auth/identity.h"

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

// HS256 JSON Web Tokens. Only HS256 is accepted: `alg: none` and every other algorithm are
// refused, the signature is compared in constant time, and `exp`/`nbf` are honoured with a
// leeway for clock skew. Every part must be canonical base64url, the JSON must not repeat a
// key, and a token without `exp` (or with `exp` 0) is refused unless allowNoExpiry.
class JwtVerifier
{
public:
    JwtVerifier() = default;
    JwtVerifier(QByteArray secret, qint64 leewayMs, bool allowNoExpiry = false);

    bool isEnabled() const { return !m_secret.isEmpty(); }
    // False when libcrypto could not set up the secret as an HMAC key: every token is then
    // refused, and the server should not start on it.
    bool isUsable() const { return !isEnabled() || (m_hmac && m_hmac->isValid()); }
    // Fills *identity (and *validity, if given) from a valid token; otherwise returns what is
    // wrong (for a 401 answer).
    QString verify(const QByteArray &token, qint64 nowMs, Identity *identity,
                   TokenValidity *validity = nullptr) const;

private:
    QByteArray m_secret;
    std::shared_ptr<const Hmac> m_hmac; // keyed once: shared by the copies of this verifier
    qint64 m_leewayMs = 30000;
    bool m_allowNoExpiry = false;
};

} // namespace ssehub
