// Public keys for token signatures (auth/jwk): keys made and signatures made by the `openssl`
// command in the test, read as PEM and as JWK, each algorithm verified with its key and refused
// with any other, and the keys a hub must never take (short RSA, other curves, private material,
// points off the curve, symmetric keys in a key set).
#include "auth/jose.h"
#include "auth/jwk.h"
#include "auth/jwt.h"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace ssehub;

namespace {

struct TestKey
{
    QString privatePath;
    QByteArray publicPem;
};

} // namespace

class TestJwk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void eachAlgorithmWithItsKey_data();
    void eachAlgorithmWithItsKey();
    void keysRefused();
    void keySets();
    void tokensSignedWithKeys();
    void issuerAndAudience();

private:
    QTemporaryDir m_dir;
    TestKey m_rsa, m_p256, m_p384, m_ed25519;
};

namespace {

// Runs openssl with these arguments (and stdin); its stdout, or a failed test.
QByteArray openssl(const QStringList &arguments, const QByteArray &input = {})
{
    QProcess process;
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted(10000))
        return {};
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(30000);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning() << "openssl" << arguments << "failed:" << process.readAllStandardError();
        return {};
    }
    return process.readAllStandardOutput();
}

// A key pair from `openssl genpkey` with these options.
TestKey generate(const QTemporaryDir &dir, const QString &name, const QStringList &options)
{
    TestKey key;
    key.privatePath = dir.filePath(name + QStringLiteral(".pem"));
    openssl(QStringList {QStringLiteral("genpkey")} + options
            + QStringList {QStringLiteral("-out"), key.privatePath});
    key.publicPem = openssl({QStringLiteral("pkey"), QStringLiteral("-in"), key.privatePath,
                             QStringLiteral("-pubout")});
    return key;
}

// DER ECDSA (what openssl writes) to JOSE's r || s.
QByteArray joseEcdsa(const QByteArray &der, int half)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
    if (!sig)
        return {};
    QByteArray out(2 * half, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char *>(out.data()), half);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char *>(out.data()) + half, half);
    ECDSA_SIG_free(sig);
    return out;
}

// The signature of data by key under alg, as a JWS carries it.
QByteArray sign(const TestKey &key, const QByteArray &alg, const QByteArray &data)
{
    const QString digest = alg.endsWith("256") ? QStringLiteral("-sha256")
        : alg.endsWith("384")                  ? QStringLiteral("-sha384")
                                               : QStringLiteral("-sha512");
    if (alg == "EdDSA") {
        // A one-shot signature reads its input from a file.
        QFile input(key.privatePath + QStringLiteral(".data"));
        if (!input.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        input.write(data);
        input.close();
        return openssl({QStringLiteral("pkeyutl"), QStringLiteral("-sign"),
                        QStringLiteral("-inkey"), key.privatePath, QStringLiteral("-rawin"),
                        QStringLiteral("-in"), input.fileName()});
    }
    QStringList arguments {QStringLiteral("dgst"), digest, QStringLiteral("-sign"),
                           key.privatePath};
    if (alg.startsWith("PS"))
        arguments << QStringLiteral("-sigopt") << QStringLiteral("rsa_padding_mode:pss")
                  << QStringLiteral("-sigopt") << QStringLiteral("rsa_pss_saltlen:digest");
    const QByteArray signature = openssl(arguments, data);
    if (alg.startsWith("ES"))
        return joseEcdsa(signature, alg == "ES256" ? 32 : 48);
    return signature;
}

QByteArray b64(const QByteArray &bytes)
{
    return jose::base64UrlEncode(bytes);
}

QByteArray bnParam(EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return {};
    QByteArray out(BN_num_bytes(bn), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    BN_free(bn);
    return out;
}

// The JWK of a PEM public key, with `extra` members written in (a JSON fragment after a comma).
QByteArray jwkOf(const QByteArray &publicPem, const QByteArray &extra = {})
{
    BIO *bio = BIO_new_mem_buf(publicPem.constData(), int(publicPem.size()));
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key)
        return {};
    QByteArray json;
    if (EVP_PKEY_is_a(key, "RSA")) {
        json = "{\"kty\":\"RSA\",\"n\":\"" + b64(bnParam(key, OSSL_PKEY_PARAM_RSA_N))
            + "\",\"e\":\"" + b64(bnParam(key, OSSL_PKEY_PARAM_RSA_E)) + '"';
    } else if (EVP_PKEY_is_a(key, "EC")) {
        const int size = EVP_PKEY_get_bits(key) == 256 ? 32 : 48;
        QByteArray x(size, '\0'), y(size, '\0');
        BIGNUM *bx = nullptr, *by = nullptr;
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &bx);
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &by);
        BN_bn2binpad(bx, reinterpret_cast<unsigned char *>(x.data()), size);
        BN_bn2binpad(by, reinterpret_cast<unsigned char *>(y.data()), size);
        BN_free(bx);
        BN_free(by);
        json = "{\"kty\":\"EC\",\"crv\":\"" + QByteArray(size == 32 ? "P-256" : "P-384")
            + "\",\"x\":\"" + b64(x) + "\",\"y\":\"" + b64(y) + '"';
    } else {
        QByteArray x(32, '\0');
        size_t length = 32;
        EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char *>(x.data()), &length);
        json = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(x) + '"';
    }
    EVP_PKEY_free(key);
    if (!extra.isEmpty())
        json += ',' + extra;
    return json + '}';
}

HubResult<VerifyKey> parseJwk(const QByteArray &json)
{
    jose::Value value;
    QString error;
    if (!jose::parseObject(json, &value, &error))
        return HubFailure {HubError::InvalidArgument, error};
    return VerifyKey::fromJwk(value);
}

const QList<QByteArray> AllAlgorithms {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                       "ES256", "ES384", "EdDSA", "HS256", "none"};

} // namespace

void TestJwk::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_rsa = generate(m_dir, QStringLiteral("rsa"),
                     {QStringLiteral("-algorithm"), QStringLiteral("RSA"),
                      QStringLiteral("-pkeyopt"), QStringLiteral("rsa_keygen_bits:2048")});
    m_p256 = generate(m_dir, QStringLiteral("p256"),
                      {QStringLiteral("-algorithm"), QStringLiteral("EC"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256")});
    m_p384 = generate(m_dir, QStringLiteral("p384"),
                      {QStringLiteral("-algorithm"), QStringLiteral("EC"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-384")});
    m_ed25519 = generate(m_dir, QStringLiteral("ed25519"),
                         {QStringLiteral("-algorithm"), QStringLiteral("ED25519")});
    for (const TestKey *key : {&m_rsa, &m_p256, &m_p384, &m_ed25519})
        QVERIFY(key->publicPem.startsWith("-----BEGIN PUBLIC KEY-----"));
}

void TestJwk::eachAlgorithmWithItsKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("alg");
    for (const char *alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
        QTest::newRow(alg) << QStringLiteral("rsa") << QByteArray(alg);
    QTest::newRow("ES256") << QStringLiteral("p256") << QByteArray("ES256");
    QTest::newRow("ES384") << QStringLiteral("p384") << QByteArray("ES384");
    QTest::newRow("EdDSA") << QStringLiteral("ed25519") << QByteArray("EdDSA");
}

void TestJwk::eachAlgorithmWithItsKey()
{
    QFETCH(QString, key);
    QFETCH(QByteArray, alg);
    const TestKey &pair = key == QLatin1String("rsa") ? m_rsa
        : key == QLatin1String("p256")                ? m_p256
        : key == QLatin1String("p384")                ? m_p384
                                                      : m_ed25519;
    const QByteArray data = "eyJhbGciOiJ4In0.eyJzdWIiOiJkZXYtMSJ9";
    const QByteArray signature = sign(pair, alg, data);
    QVERIFY(!signature.isEmpty());

    const HubResult<VerifyKey> fromPem = VerifyKey::fromPem(pair.publicPem, "k1");
    QVERIFY2(fromPem.ok(), qPrintable(fromPem.ok() ? QString() : fromPem.failure().message));
    const HubResult<VerifyKey> fromJwk = parseJwk(jwkOf(pair.publicPem, "\"kid\":\"k1\""));
    QVERIFY2(fromJwk.ok(), qPrintable(fromJwk.ok() ? QString() : fromJwk.failure().message));
    QVERIFY(fromPem.value().sameKey(fromJwk.value()));
    QCOMPARE(fromJwk.value().kid(), QByteArray("k1"));
    for (const VerifyKey &k : {fromPem.value(), fromJwk.value()}) {
        QVERIFY(k.allows(alg));
        QVERIFY(k.verify(alg, data, signature));
        // Another message, a changed signature, a cut one, none.
        QVERIFY(!k.verify(alg, QByteArray(data + "x"), signature));
        QByteArray changed = signature;
        changed[changed.size() / 2] = char(changed.at(changed.size() / 2) ^ 0x01);
        QVERIFY(!k.verify(alg, data, changed));
        QVERIFY(!k.verify(alg, data, signature.left(signature.size() - 1)));
        QVERIFY(!k.verify(alg, data, {}));
        // The same signature under any other algorithm: the key or the padding refuses it.
        for (const QByteArray &other : AllAlgorithms) {
            if (other != alg)
                QVERIFY2(!k.verify(other, data, signature), other.constData());
        }
    }
    // A JWK that names its algorithm verifies that one only.
    const HubResult<VerifyKey> pinned = parseJwk(jwkOf(pair.publicPem, "\"alg\":\"" + alg + '"'));
    QVERIFY(pinned.ok());
    QVERIFY(pinned.value().verify(alg, data, signature));
    for (const QByteArray &other : AllAlgorithms) {
        if (other != alg)
            QVERIFY(!pinned.value().allows(other));
    }
}

void TestJwk::keysRefused()
{
    const auto refusal = [](const HubResult<VerifyKey> &key) {
        return key.ok() ? QStringLiteral("accepted") : key.failure().message;
    };
    // Short RSA keys and curves other than P-256/P-384, as PEM and as JWK.
    const TestKey rsa1024
        = generate(m_dir, QStringLiteral("rsa1024"),
                   {QStringLiteral("-algorithm"), QStringLiteral("RSA"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("rsa_keygen_bits:1024")});
    QVERIFY(refusal(VerifyKey::fromPem(rsa1024.publicPem)).contains(QLatin1String("1024 bits")));
    QVERIFY(refusal(parseJwk(jwkOf(rsa1024.publicPem))).contains(QLatin1String("1024 bits")));
    const TestKey p521
        = generate(m_dir, QStringLiteral("p521"),
                   {QStringLiteral("-algorithm"), QStringLiteral("EC"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:P-521")});
    QVERIFY(refusal(VerifyKey::fromPem(p521.publicPem)).contains(QLatin1String("secp521r1")));
    // Not a public key: a private key's PEM, garbage, nothing.
    QFile privateFile(m_rsa.privatePath);
    QVERIFY(privateFile.open(QIODevice::ReadOnly));
    QVERIFY(!VerifyKey::fromPem(privateFile.readAll()).ok());
    QVERIFY(
        !VerifyKey::fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
    QVERIFY(!VerifyKey::fromPem({}).ok());

    // JWKs: private material, a symmetric key, missing or wrong-sized members, a point off the
    // curve, an alg that does not fit the key, unknown types and curves.
    const QByteArray rsaJwk = jwkOf(m_rsa.publicPem);
    QVERIFY(refusal(parseJwk(jwkOf(m_rsa.publicPem, "\"d\":\"AQAB\"")))
                .contains(QLatin1String("private")));
    QVERIFY(refusal(parseJwk("{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}"))
                .contains(QLatin1String("secret")));
    QVERIFY(!parseJwk("{\"kty\":\"RSA\",\"e\":\"AQAB\"}").ok());
    QVERIFY(!parseJwk("{\"kty\":\"RSA\",\"n\":\"AQAB=\",\"e\":\"AQAB\"}").ok());
    QVERIFY(refusal(parseJwk(jwkOf(m_rsa.publicPem, "\"alg\":\"ES256\"")))
                .contains(QLatin1String("does not fit")));
    QVERIFY(!parseJwk(jwkOf(m_rsa.publicPem, "\"alg\":\"HS256\"")).ok());
    QVERIFY(!parseJwk(jwkOf(m_rsa.publicPem, "\"alg\":\"none\"")).ok());
    QByteArray offCurve = jwkOf(m_p256.publicPem);
    const qsizetype y = offCurve.indexOf("\"y\":\"") + 5;
    offCurve[y + 3] = offCurve.at(y + 3) == 'A' ? 'B' : 'A';
    QVERIFY(refusal(parseJwk(offCurve)).contains(QLatin1String("not on its curve")));
    QVERIFY(!parseJwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}").ok());
    QVERIFY(!parseJwk("{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"AAAA\",\"y\":\"AAAA\"}").ok());
    QVERIFY(!parseJwk("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}").ok());
    QVERIFY(!parseJwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}").ok());
    QVERIFY(!parseJwk("{\"kty\":\"RSA-PSS\"}").ok());
    QVERIFY(!parseJwk("{\"n\":\"AQAB\"}").ok());
    // A key with a kid that is not a string.
    QVERIFY(!parseJwk(jwkOf(m_p256.publicPem, "\"kid\":7")).ok());
    // RSA exponents of 1 (every padded message is its own signature) or even.
    for (const char *exponent : {"AQ", "Ag", "AAE"}) {
        QByteArray weak = rsaJwk;
        weak.replace(QByteArray("\"e\":\"AQAB\""), QByteArray("\"e\":\"" + QByteArray(exponent) + '"'));
        QVERIFY(weak != rsaJwk);
        QVERIFY2(refusal(parseJwk(weak)).contains(QLatin1String("exponent")), exponent);
    }
}

void TestJwk::keySets()
{
    const QByteArray good = "{\"keys\":[" + jwkOf(m_rsa.publicPem, "\"kid\":\"r\",\"use\":\"sig\"")
        + ',' + jwkOf(m_p256.publicPem, "\"kid\":\"e\"") + ','
        + "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}" + ','
        + jwkOf(m_p384.publicPem, "\"kid\":\"enc\",\"use\":\"enc\"") + ','
        + jwkOf(m_rsa.publicPem, "\"kid\":\"oaep\",\"alg\":\"RSA-OAEP\"") + ','
        + "{\"kty\":\"unknown\"}" + "]}";
    int skipped = -1;
    const HubResult<QList<VerifyKey>> set = keySetFromJwks(good, {}, &skipped);
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.failure().message));
    QCOMPARE(set.value().size(), 2);
    QCOMPARE(set.value().at(0).kid(), QByteArray("r"));
    QCOMPARE(set.value().at(1).kid(), QByteArray("e"));
    QCOMPARE(skipped, 4); // the symmetric key, the encryption keys and the unknown type

    // A key of a known type this server cannot use is skipped beside usable ones; alone it
    // spoils the set (the hub keeps the one it had).
    const QByteArray brokenKey = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}";
    QVERIFY(!keySetFromJwks(QByteArray("{\"keys\":[" + brokenKey + "]}"), {}).ok());
    const HubResult<QList<VerifyKey>> mixed = keySetFromJwks(
        QByteArray("{\"keys\":[" + brokenKey + ',' + jwkOf(m_rsa.publicPem, "\"kid\":\"r\"") + "]}"),
        {}, &skipped);
    QVERIFY(mixed.ok());
    QCOMPARE(mixed.value().size(), 1);
    QCOMPARE(skipped, 1);
    // Private material anywhere: the provider is misconfigured, nothing of its set is taken.
    const HubResult<QList<VerifyKey>> leaked
        = keySetFromJwks(QByteArray("{\"keys\":[" + jwkOf(m_rsa.publicPem, "\"kid\":\"r\"") + ','
                                    + jwkOf(m_p256.publicPem, "\"kid\":\"e\",\"d\":\"AQAB\"")
                                    + "]}"),
                         {});
    QVERIFY(!leaked.ok());
    QVERIFY(leaked.failure().message.contains(QLatin1String("private")));
    // Bounds on bytes and keys; not a set at all.
    KeySetLimits limits;
    limits.maxBytes = good.size() - 1;
    QVERIFY(keySetFromJwks(good, limits).failure().message.contains(QLatin1String("bytes")));
    limits = KeySetLimits();
    limits.maxKeys = 5;
    QVERIFY(keySetFromJwks(good, limits).failure().message.contains(QLatin1String("6 keys")));
    for (const QByteArray &notASet :
         {QByteArray("[]"), QByteArray("{}"), QByteArray("{\"keys\":{}}"), QByteArray("not json"),
          QByteArray("{\"keys\":[1]}")}) {
        const HubResult<QList<VerifyKey>> parsed = keySetFromJwks(notASet, {});
        // [1] is an element of no known type: skipped, an empty set.
        QVERIFY2(!parsed.ok() || parsed.value().isEmpty(), notASet.constData());
    }
}

namespace {

constexpr qint64 Now = 1'800'000'000'000;

// A JWS of these claims (default: sub dev-1, an exp a minute after Now) with this header, signed
// by key under alg.
QByteArray tokenOf(const TestKey &key, const QByteArray &alg, const QByteArray &headerExtra = {},
                   const QByteArray &claims = {})
{
    const QByteArray header = "{\"alg\":\"" + alg + '"' + headerExtra + '}';
    const QByteArray payload = claims.isEmpty()
        ? "{\"sub\":\"dev-1\",\"exp\":" + QByteArray::number(Now / 1000 + 60) + '}'
        : claims;
    const QByteArray input = b64(header) + '.' + b64(payload);
    return input + '.' + b64(sign(key, alg, input));
}

QString verifyWith(const JwtVerifier &jwt, const QByteArray &token, Identity *who = nullptr)
{
    Identity identity;
    const QString problem = jwt.verify(token, Now, who ? who : &identity);
    return problem.isEmpty() ? QStringLiteral("accepted") : problem;
}

} // namespace

void TestJwk::tokensSignedWithKeys()
{
    const QString accepted = QStringLiteral("accepted");
    JwtVerifier jwt({}, 0);
    jwt.setKeys({VerifyKey::fromPem(m_rsa.publicPem, "r").value(),
                 VerifyKey::fromPem(m_p256.publicPem, "e").value(),
                 VerifyKey::fromPem(m_ed25519.publicPem).value()});
    QVERIFY(jwt.isEnabled());
    Identity who;
    QCOMPARE(verifyWith(jwt, tokenOf(m_rsa, "RS256", ",\"kid\":\"r\""), &who), accepted);
    QCOMPARE(who.clientId, QStringLiteral("dev-1"));
    QCOMPARE(who.expiresAtMs, (Now / 1000 + 60) * 1000);
    QCOMPARE(verifyWith(jwt, tokenOf(m_rsa, "PS384", ",\"kid\":\"r\",\"typ\":\"JWT\"")), accepted);
    QCOMPARE(verifyWith(jwt, tokenOf(m_p256, "ES256", ",\"kid\":\"e\"")), accepted);
    QCOMPARE(verifyWith(jwt, tokenOf(m_ed25519, "EdDSA")), accepted);
    // Without a kid the keys of that algorithm are tried (here one each).
    QCOMPARE(verifyWith(jwt, tokenOf(m_rsa, "RS512")), accepted);

    // A kid that names a key of another type, or none; another key's signature; an alg that
    // is not the signature's.
    QCOMPARE(verifyWith(jwt, tokenOf(m_rsa, "RS256", ",\"kid\":\"e\"")),
             QStringLiteral("token key 'e' is not known for RS256"));
    QCOMPARE(verifyWith(jwt, tokenOf(m_rsa, "RS256", ",\"kid\":\"gone\"")),
             QStringLiteral("token key 'gone' is not known for RS256"));
    QCOMPARE(verifyWith(jwt, tokenOf(m_p384, "ES384")),
             QStringLiteral("no key of this server verifies ES384 tokens"));
    QByteArray swapped = tokenOf(m_rsa, "PS256", ",\"kid\":\"r\"");
    const QByteArray rs256Header = b64("{\"alg\":\"RS256\",\"kid\":\"r\"}");
    swapped = rs256Header + swapped.mid(swapped.indexOf('.'));
    QCOMPARE(verifyWith(jwt, swapped), QStringLiteral("token signature is not valid"));

    // Algorithm confusion: an HS256 token whose secret is the RSA public key's PEM. With no
    // secret configured HS256 is not accepted at all; with one, it is that secret's.
    const QByteArray input = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + '.'
        + b64("{\"sub\":\"dev-1\",\"exp\":" + QByteArray::number(Now / 1000 + 60) + '}');
    const QByteArray confused = input + '.'
        + b64(QMessageAuthenticationCode::hash(input, m_rsa.publicPem, QCryptographicHash::Sha256));
    QCOMPARE(verifyWith(jwt, confused),
             QStringLiteral("token algorithm 'HS256' is not accepted (accepted: RS256, RS384, "
                            "RS512, PS256, PS384, PS512, ES256, EdDSA)"));
    const QByteArray secret = "a-secret-of-at-least-32-bytes-a-secret";
    JwtVerifier both(secret, 0);
    both.setKeys({VerifyKey::fromPem(m_rsa.publicPem, "r").value()});
    QCOMPARE(verifyWith(both, confused), QStringLiteral("token signature is not valid"));
    const QByteArray withSecret = input + '.'
        + b64(QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256));
    QCOMPARE(verifyWith(both, withSecret), accepted);
    QCOMPARE(verifyWith(both, tokenOf(m_rsa, "RS256", ",\"kid\":\"r\"")), accepted);
    // alg none, and an unsigned token under a key's algorithm.
    const QByteArray none
        = b64("{\"alg\":\"none\"}") + '.' + input.mid(input.indexOf('.') + 1) + '.';
    QCOMPARE(verifyWith(both, none),
             QStringLiteral("token algorithm 'none' is not accepted (accepted: HS256, RS256, "
                            "RS384, RS512, PS256, PS384, PS512)"));
    const QByteArray unsigned_
        = b64("{\"alg\":\"RS256\",\"kid\":\"r\"}") + '.' + input.mid(input.indexOf('.') + 1) + '.';
    QCOMPARE(verifyWith(both, unsigned_), QStringLiteral("token signature is not valid"));

    // Many keys of one algorithm: a token must say which.
    JwtVerifier many({}, 0);
    QList<VerifyKey> five;
    for (int i = 0; i < 5; ++i)
        five << VerifyKey::fromPem(m_rsa.publicPem).value();
    many.setKeys(five);
    QCOMPARE(verifyWith(many, tokenOf(m_rsa, "RS256")),
             QStringLiteral("token needs a kid: this server has 5 keys for RS256"));
    // Nor does a kid that five keys share make the hub try all five.
    QList<VerifyKey> sameKid;
    for (int i = 0; i < 5; ++i)
        sameKid << VerifyKey::fromPem(m_rsa.publicPem, "k").value();
    many.setKeys(sameKid);
    QCOMPARE(verifyWith(many, tokenOf(m_rsa, "RS256", ",\"kid\":\"k\"")),
             QStringLiteral("token key 'k' names 5 keys for RS256"));
}

void TestJwk::issuerAndAudience()
{
    JwtVerifier jwt({}, 0);
    jwt.setKeys({VerifyKey::fromPem(m_p256.publicPem, "e").value()});
    jwt.setIssuer("https://idp.example/realms/hub");
    jwt.setAudiences({"ssehub", "other"});
    const QByteArray exp = QByteArray::number(Now / 1000 + 60);
    const auto withClaims = [&](const QByteArray &extra) {
        return verifyWith(jwt,
                          tokenOf(m_p256, "ES256", ",\"kid\":\"e\"",
                                  "{\"sub\":\"dev-1\",\"exp\":" + exp + extra + '}'));
    };
    const QString badIssuer
        = QStringLiteral("token issuer (iss) is not the one this server accepts");
    const QString badAudience = QStringLiteral("token audience (aud) does not name this server");
    const QByteArray iss = ",\"iss\":\"https://idp.example/realms/hub\"";
    QCOMPARE(withClaims(iss + ",\"aud\":\"ssehub\""), QStringLiteral("accepted"));
    QCOMPARE(withClaims(iss + ",\"aud\":[\"account\",\"other\"]"), QStringLiteral("accepted"));
    QCOMPARE(withClaims(iss + ",\"aud\":[\"account\"]"), badAudience);
    QCOMPARE(withClaims(iss + ",\"aud\":\"SSEHUB\""), badAudience);
    QCOMPARE(withClaims(iss + ",\"aud\":[1]"), badAudience);
    QCOMPARE(withClaims(iss), badAudience);
    QCOMPARE(withClaims(",\"aud\":\"ssehub\""), badIssuer);
    QCOMPARE(withClaims(",\"iss\":\"https://idp.example/realms/hub/\",\"aud\":\"ssehub\""),
             badIssuer);
    QCOMPARE(withClaims(",\"iss\":[\"https://idp.example/realms/hub\"],\"aud\":\"ssehub\""),
             badIssuer);
}

QTEST_GUILESS_MAIN(TestJwk)
#include "tst_jwk.moc"
