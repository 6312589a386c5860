#include "auth/jwk.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace ssehub {

namespace {

constexpr int MinRsaBits = 2048;

struct PkeyFree
{
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

HubFailure invalid(const QString &message)
{
    return {HubError::InvalidArgument, message};
}

// The digest of an algorithm's name: RS256 and PS256 and ES256 hash with SHA-256, and so on.
const EVP_MD *digestOf(QByteArrayView alg)
{
    if (alg.endsWith("256"))
        return EVP_sha256();
    if (alg.endsWith("384"))
        return EVP_sha384();
    if (alg.endsWith("512"))
        return EVP_sha512();
    return nullptr;
}

// The DER SubjectPublicKeyInfo of a key: what identifies its material.
QByteArray publicDer(EVP_PKEY *key)
{
    const int length = i2d_PUBKEY(key, nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    return i2d_PUBKEY(key, &out) == length ? der : QByteArray();
}

// A JWK member that must be canonical base64url (empty: missing or not).
bool base64Member(const jose::Value &jwk, QByteArrayView name, QByteArray *out)
{
    const jose::Value *v = jwk.member(name);
    return v && v->isString() && !v->string.isEmpty() && jose::base64UrlDecode(v->string, out);
}

using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;

// A public key of this type ("RSA", "EC") from the parameters a builder holds.
Pkey publicKeyFrom(const char *type, const ParamBuilder &builder)
{
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
        OSSL_PARAM_BLD_to_param(builder.get()), &OSSL_PARAM_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), &EVP_PKEY_CTX_free);
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return Pkey(key);
}

Pkey rsaFromParts(const QByteArray &n, const QByteArray &e)
{
    std::unique_ptr<BIGNUM, decltype(&BN_free)> modulus(
        BN_bin2bn(reinterpret_cast<const unsigned char *>(n.constData()), int(n.size()), nullptr),
        &BN_free);
    std::unique_ptr<BIGNUM, decltype(&BN_free)> exponent(
        BN_bin2bn(reinterpret_cast<const unsigned char *>(e.constData()), int(e.size()), nullptr),
        &BN_free);
    ParamBuilder builder(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (!modulus || !exponent || !builder
        || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get())
        || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()))
        return nullptr;
    return publicKeyFrom("RSA", builder);
}

Pkey ecFromPoint(const char *group, const QByteArray &point)
{
    ParamBuilder builder(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (!builder
        || !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0)
        || !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                             point.constData(), size_t(point.size())))
        return nullptr;
    Pkey key = publicKeyFrom("EC", builder);
    if (!key)
        return nullptr;
    // The point must be on the curve (libcrypto checks it here, not when verifying).
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> check(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr), &EVP_PKEY_CTX_free);
    if (!check || EVP_PKEY_public_check(check.get()) != 1)
        return nullptr;
    return key;
}

// The type of a key libcrypto read, or why it cannot verify tokens.
QString typeOf(EVP_PKEY *key, VerifyKey::Type *type)
{
    if (EVP_PKEY_is_a(key, "RSA")) {
        if (EVP_PKEY_get_bits(key) < MinRsaBits)
            return QStringLiteral("an RSA key of %1 bits (at least %2 are required)")
                .arg(EVP_PKEY_get_bits(key))
                .arg(MinRsaBits);
        // An exponent of 1 makes every padded message its own signature: anyone could sign.
        BIGNUM *exponent = nullptr;
        const bool usable = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &exponent) == 1
            && BN_is_odd(exponent) && !BN_is_one(exponent);
        BN_free(exponent);
        if (!usable)
            return QStringLiteral("an RSA key whose public exponent is not an odd number of at "
                                  "least 3");
        *type = VerifyKey::Type::Rsa;
        return {};
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &length)
            != 1)
            return QStringLiteral("an EC key without a named curve");
        const QByteArrayView name(group, qsizetype(length));
        if (name == "prime256v1" || name == "P-256") {
            *type = VerifyKey::Type::EcP256;
            return {};
        }
        if (name == "secp384r1" || name == "P-384") {
            *type = VerifyKey::Type::EcP384;
            return {};
        }
        return QStringLiteral("an EC key on curve %1 (P-256 and P-384 are supported)")
            .arg(QString::fromLatin1(name));
    }
    if (EVP_PKEY_is_a(key, "ED25519")) {
        *type = VerifyKey::Type::Ed25519;
        return {};
    }
    return QStringLiteral("a key of type %1 (RSA, EC P-256/P-384 and Ed25519 are supported)")
        .arg(QString::fromLatin1(EVP_PKEY_get0_type_name(key)));
}

// An ES signature as JOSE writes it (r || s, each the curve's size) in the DER libcrypto takes.
QByteArray ecdsaDer(QByteArrayView signature, int half)
{
    if (signature.size() != 2 * half)
        return {};
    const auto *bytes = reinterpret_cast<const unsigned char *>(signature.data());
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(bytes, half, nullptr);
    BIGNUM *s = BN_bin2bn(bytes + half, half, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return {};
    }
    const int length = i2d_ECDSA_SIG(sig, nullptr);
    QByteArray der(qMax(length, 0), Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    if (length <= 0 || i2d_ECDSA_SIG(sig, &out) != length)
        der.clear();
    ECDSA_SIG_free(sig);
    return der;
}

} // namespace

struct VerifyKey::Key
{
    Pkey key;
};

const QList<QByteArray> &keyAlgorithms()
{
    static const QList<QByteArray> names {"RS256", "RS384", "RS512", "PS256", "PS384",
                                          "PS512", "ES256", "ES384", "EdDSA"};
    return names;
}

bool isKeyAlgorithm(QByteArrayView alg)
{
    return keyAlgorithms().contains(alg);
}

HubResult<VerifyKey> VerifyKey::fromPem(QByteArrayView pem, const QByteArray &kid)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), int(pem.size())),
                                                  &BIO_free);
    Pkey key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return invalid(QStringLiteral("not a PEM public key (BEGIN PUBLIC KEY)"));
    VerifyKey out;
    if (const QString problem = typeOf(key.get(), &out.m_type); !problem.isEmpty())
        return invalid(problem);
    out.m_kid = kid;
    out.m_material = publicDer(key.get());
    auto shared = std::make_shared<Key>();
    shared->key = std::move(key);
    out.m_key = std::move(shared);
    return out;
}

HubResult<VerifyKey> VerifyKey::fromJwk(const jose::Value &jwk)
{
    if (!jwk.isObject())
        return invalid(QStringLiteral("a key is not a JSON object"));
    const jose::Value *kty = jwk.member("kty");
    if (!kty || !kty->isString())
        return invalid(QStringLiteral("a key without kty"));
    for (const char *secret : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
        if (jwk.member(secret))
            return invalid(QStringLiteral("a key with private or secret material ('%1'): only "
                                          "public keys are accepted")
                               .arg(QLatin1String(secret)));
    }
    VerifyKey out;
    if (const jose::Value *kid = jwk.member("kid")) {
        if (!kid->isString() || kid->string.size() > 256)
            return invalid(QStringLiteral("a key whose kid is not a string (of up to 256 bytes)"));
        out.m_kid = kid->string;
    }
    if (const jose::Value *alg = jwk.member("alg")) {
        if (!alg->isString() || !isKeyAlgorithm(alg->string))
            return invalid(QStringLiteral("a key for an algorithm this server does not verify"));
        out.m_alg = alg->string;
    }
    Pkey key;
    if (kty->string == "RSA") {
        QByteArray n, e;
        if (!base64Member(jwk, "n", &n) || !base64Member(jwk, "e", &e))
            return invalid(QStringLiteral("an RSA key needs n and e (base64url)"));
        if (e.size() > 8)
            return invalid(QStringLiteral("an RSA key with an exponent over 64 bits"));
        key = rsaFromParts(n, e);
    } else if (kty->string == "EC") {
        const jose::Value *crv = jwk.member("crv");
        const bool p256 = crv && crv->isString() && crv->string == "P-256";
        const bool p384 = crv && crv->isString() && crv->string == "P-384";
        if (!p256 && !p384)
            return invalid(QStringLiteral("an EC key on a curve other than P-256 or P-384"));
        const qsizetype size = p256 ? 32 : 48;
        QByteArray x, y;
        if (!base64Member(jwk, "x", &x) || !base64Member(jwk, "y", &y) || x.size() != size
            || y.size() != size)
            return invalid(QStringLiteral("an EC key needs x and y of %1 bytes each").arg(size));
        key = ecFromPoint(p256 ? "prime256v1" : "secp384r1", '\x04' + x + y);
        if (!key)
            return invalid(QStringLiteral("an EC key whose point is not on its curve"));
    } else if (kty->string == "OKP") {
        const jose::Value *crv = jwk.member("crv");
        QByteArray x;
        if (!crv || !crv->isString() || crv->string != "Ed25519")
            return invalid(QStringLiteral("an OKP key on a curve other than Ed25519"));
        if (!base64Member(jwk, "x", &x) || x.size() != 32)
            return invalid(QStringLiteral("an Ed25519 key needs x of 32 bytes"));
        key.reset(EVP_PKEY_new_raw_public_key(
            EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char *>(x.constData()),
            size_t(x.size())));
    } else {
        return invalid(QStringLiteral("a key of type '%1' (RSA, EC and OKP are supported)")
                           .arg(QString::fromUtf8(kty->string.left(20))));
    }
    if (!key)
        return invalid(
            QStringLiteral("a %1 key libcrypto cannot read").arg(QString::fromUtf8(kty->string)));
    if (const QString problem = typeOf(key.get(), &out.m_type); !problem.isEmpty())
        return invalid(problem);
    if (!out.m_alg.isEmpty() && !out.allows(out.m_alg))
        return invalid(QStringLiteral("a key whose alg %1 does not fit its type")
                           .arg(QString::fromUtf8(out.m_alg)));
    out.m_material = publicDer(key.get());
    auto shared = std::make_shared<Key>();
    shared->key = std::move(key);
    out.m_key = std::move(shared);
    return out;
}

bool VerifyKey::allows(QByteArrayView alg) const
{
    if (!m_alg.isEmpty() && alg != m_alg)
        return false;
    switch (m_type) {
    case Type::Rsa:
        return alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256"
            || alg == "PS384" || alg == "PS512";
    case Type::EcP256:
        return alg == "ES256";
    case Type::EcP384:
        return alg == "ES384";
    case Type::Ed25519:
        return alg == "EdDSA";
    }
    return false;
}

bool VerifyKey::verify(QByteArrayView alg, QByteArrayView signingInput,
                       QByteArrayView signature) const
{
    if (!m_key || !allows(alg))
        return false;
    EVP_PKEY *key = m_key->key.get();
    QByteArray der;
    if (m_type == Type::EcP256 || m_type == Type::EcP384) {
        der = ecdsaDer(signature, m_type == Type::EcP256 ? 32 : 48);
        if (der.isEmpty())
            return false;
        signature = der;
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX *keyContext = nullptr;
    const EVP_MD *md = m_type == Type::Ed25519 ? nullptr : digestOf(alg);
    if (!ctx || (m_type != Type::Ed25519 && !md)
        || EVP_DigestVerifyInit(ctx.get(), &keyContext, md, nullptr, key) != 1)
        return false;
    if (alg.startsWith("PS")) {
        // RFC 7518 3.5: MGF1 with the same hash, a salt as long as the hash.
        if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, md) != 1)
            return false;
    } else if (m_type == Type::Rsa) {
        if (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1)
            return false;
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.data()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(signingInput.data()),
                            size_t(signingInput.size()))
        == 1;
}

HubResult<QList<VerifyKey>> keySetFromJwks(QByteArrayView json, const KeySetLimits &limits,
                                           int *skipped)
{
    if (skipped)
        *skipped = 0;
    if (json.size() > limits.maxBytes)
        return invalid(QStringLiteral("the key set is over %1 bytes").arg(limits.maxBytes));
    jose::Value document;
    QString problem;
    if (!jose::parseObject(json, &document, &problem))
        return invalid(QStringLiteral("the key set is not a JSON object (%1)").arg(problem));
    const jose::Value *keys = document.member("keys");
    if (!keys || !keys->isArray())
        return invalid(QStringLiteral("the key set has no 'keys' array"));
    if (keys->items.size() > limits.maxKeys)
        return invalid(QStringLiteral("the key set has %1 keys (at most %2 are accepted)")
                           .arg(keys->items.size())
                           .arg(limits.maxKeys));
    QList<VerifyKey> out;
    QString firstProblem;
    for (qsizetype i = 0; i < keys->items.size(); ++i) {
        const jose::Value &jwk = keys->items.at(i);
        // A provider that publishes private material is misconfigured: nothing of its set is
        // trusted.
        for (const char *secret : {"d", "p", "q", "dp", "dq", "qi", "oth"}) {
            if (jwk.isObject() && jwk.member(secret))
                return invalid(QStringLiteral("key %1 of the set has private material ('%2')")
                                   .arg(i)
                                   .arg(QLatin1String(secret)));
        }
        const jose::Value *kty = jwk.member("kty");
        const jose::Value *use = jwk.member("use");
        const jose::Value *alg = jwk.member("alg");
        const bool knownType = kty && kty->isString()
            && (kty->string == "RSA" || kty->string == "EC" || kty->string == "OKP");
        // Keys for encryption, symmetric keys and algorithms this server does not verify are
        // for someone else: a set may hold them. "oct" is never taken as an HMAC secret.
        if (!knownType || (use && (!use->isString() || use->string != "sig"))
            || (alg && alg->isString() && !isKeyAlgorithm(alg->string))) {
            if (skipped)
                ++*skipped;
            continue;
        }
        // A key this server cannot use (too short, another curve, malformed) is skipped: the
        // provider's other keys still serve. A set with none it can use is refused.
        HubResult<VerifyKey> key = VerifyKey::fromJwk(jwk);
        if (!key.ok()) {
            if (firstProblem.isEmpty())
                firstProblem
                    = QStringLiteral("key %1 of the set: %2").arg(i).arg(key.failure().message);
            if (skipped)
                ++*skipped;
            continue;
        }
        out.append(key.value());
    }
    if (out.isEmpty() && !firstProblem.isEmpty())
        return invalid(firstProblem);
    return out;
}

} // namespace ssehub
