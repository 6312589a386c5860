#include "auth/keyring.h"

#include <algorithm>

namespace ssehub {

const char *tokenCheckName(TokenCheck check)
{
    switch (check) {
    case TokenCheck::Verified:
        return "verified";
    case TokenCheck::Malformed:
        return "malformed";
    case TokenCheck::Algorithm:
        return "algorithm";
    case TokenCheck::UnknownKey:
        return "unknown_key";
    case TokenCheck::BadSignature:
        return "bad_signature";
    case TokenCheck::Expired:
        return "expired";
    case TokenCheck::Claims:
        return "claims";
    case TokenCheck::NoKeySet:
        return "no_key_set";
    }
    return "unknown";
}

int KeyRing::setFetched(QList<VerifyKey> keys, qint64 atMs)
{
    int removed = 0;
    for (const VerifyKey &old : std::as_const(m_fetched)) {
        const bool kept = std::any_of(keys.cbegin(), keys.cend(), [&old](const VerifyKey &k) {
            return k.sameKey(old) && k.kid() == old.kid() && k.alg() == old.alg();
        });
        if (!kept)
            ++removed;
    }
    m_fetched = std::move(keys);
    m_fetchedAtMs = atMs;
    return removed;
}

} // namespace ssehub
