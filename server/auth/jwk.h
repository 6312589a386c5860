#pragma once

#include "auth/jose.h"
#include "hub/huberror.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <memory>

namespace ssehub {

// A public key that token signatures are verified with (RFC 7517/7518), through libcrypto. Its
// type pins the algorithms it verifies, so that no token can choose how its own signature is
// checked: an RSA key verifies RS256/384/512 and PS256/384/512, a P-256 key ES256, a P-384 key
// ES384, an Ed25519 key EdDSA; a JWK's `alg`, when given, narrows that to one. RSA keys shorter
// than 2048 bits are refused when they are read.
class VerifyKey
{
public:
    enum class Type { Rsa, EcP256, EcP384, Ed25519 };

    // A PEM public key (SubjectPublicKeyInfo, "BEGIN PUBLIC KEY"); kid names it for tokens
    // whose header has one (empty: it serves tokens without a kid).
    static HubResult<VerifyKey> fromPem(QByteArrayView pem, const QByteArray &kid = {});
    // One JWK of a key set: kty RSA (n, e), EC (crv P-256/P-384, x, y) or OKP (crv Ed25519, x).
    // Private members (d, p, q, ...) are refused: the hub never holds a key that can sign.
    static HubResult<VerifyKey> fromJwk(const jose::Value &jwk);

    Type type() const { return m_type; }
    const QByteArray &kid() const { return m_kid; }
    // The JWK's `alg`, if it named one.
    const QByteArray &alg() const { return m_alg; }
    // Whether this key verifies tokens of this `alg`.
    bool allows(QByteArrayView alg) const;
    // Whether signature is a valid signature of signingInput under alg with this key (alg must
    // be allowed). ES signatures are JOSE's: r and s as fixed-size big-endian integers.
    bool verify(QByteArrayView alg, QByteArrayView signingInput, QByteArrayView signature) const;
    // The same key material (RFC 7638 thumbprint's inputs), whatever its kid or alg.
    bool sameKey(const VerifyKey &other) const { return m_material == other.m_material; }

private:
    struct Key;
    std::shared_ptr<const Key> m_key;
    Type m_type = Type::Rsa;
    QByteArray m_kid;
    QByteArray m_alg;
    QByteArray m_material; // the public parameters, for sameKey()
};

// The asymmetric algorithms VerifyKey knows, in the order messages list them.
const QList<QByteArray> &keyAlgorithms();
bool isKeyAlgorithm(QByteArrayView alg);

// A JWKS document (RFC 7517 5): {"keys": [JWK, ...]}. Keys of unknown types or with `use` other
// than "sig" are skipped (counted in *skipped), as RFC 7517 lets a set hold keys for other
// purposes; a key of a known type that is malformed makes the whole set malformed.
struct KeySetLimits
{
    qsizetype maxBytes = 1024 * 1024;
    qsizetype maxKeys = 100;
};
HubResult<QList<VerifyKey>> keySetFromJwks(QByteArrayView json, const KeySetLimits &limits,
                                           int *skipped = nullptr);

} // namespace ssehub
