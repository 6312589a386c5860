// Public keys for token signatures (auth/jwk): keys made and signatures made by the `openssl`
// command in the test, read as PEM and as JWK, each algorithm verified with its key and refused
// with any other, and the keys a hub must never take (short RSA, other curves, private material,
// points off the curve, symmetric keys in a key set).
#include "auth/jose.h"
#include "auth/jwk.h"

#include <QFile>
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
        json = R"({"kty":"RSA","n":")" + b64(bnParam(key, OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")"
            + b64(bnParam(key, OSSL_PKEY_PARAM_RSA_E)) + '"';
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
        json = R"({"kty":"EC","crv":")" + QByteArray(size == 32 ? "P-256" : "P-384") + R"(","x":")"
            + b64(x) + R"(","y":")" + b64(y) + '"';
    } else {
        QByteArray x(32, '\0');
        size_t length = 32;
        EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char *>(x.data()), &length);
        json = R"({"kty":"OKP","crv":"Ed25519","x":")" + b64(x) + '"';
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
    const HubResult<VerifyKey> fromJwk = parseJwk(jwkOf(pair.publicPem, R"("kid":"k1")"));
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
    const HubResult<VerifyKey> pinned = parseJwk(jwkOf(pair.publicPem, R"("alg":")" + alg + '"'));
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
    QVERIFY(refusal(parseJwk(jwkOf(m_rsa.publicPem, R"("d":"AQAB")")))
                .contains(QLatin1String("private")));
    QVERIFY(refusal(parseJwk(R"({"kty":"oct","k":"c2VjcmV0"})")).contains(QLatin1String("secret")));
    QVERIFY(!parseJwk(R"({"kty":"RSA","e":"AQAB"})").ok());
    QVERIFY(!parseJwk(R"({"kty":"RSA","n":"AQAB=","e":"AQAB"})").ok());
    QVERIFY(refusal(parseJwk(jwkOf(m_rsa.publicPem, R"("alg":"ES256")")))
                .contains(QLatin1String("does not fit")));
    QVERIFY(!parseJwk(jwkOf(m_rsa.publicPem, R"("alg":"HS256")")).ok());
    QVERIFY(!parseJwk(jwkOf(m_rsa.publicPem, R"("alg":"none")")).ok());
    QByteArray offCurve = jwkOf(m_p256.publicPem);
    const qsizetype y = offCurve.indexOf(R"("y":")") + 5;
    offCurve[y + 3] = offCurve.at(y + 3) == 'A' ? 'B' : 'A';
    QVERIFY(refusal(parseJwk(offCurve)).contains(QLatin1String("not on its curve")));
    QVERIFY(!parseJwk(R"({"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"})").ok());
    QVERIFY(!parseJwk(R"({"kty":"EC","crv":"P-521","x":"AAAA","y":"AAAA"})").ok());
    QVERIFY(!parseJwk(R"({"kty":"OKP","crv":"X25519","x":"AAAA"})").ok());
    QVERIFY(!parseJwk(R"({"kty":"OKP","crv":"Ed25519","x":"AAAA"})").ok());
    QVERIFY(!parseJwk(R"({"kty":"RSA-PSS"})").ok());
    QVERIFY(!parseJwk(R"({"n":"AQAB"})").ok());
    // A key with a kid that is not a string.
    QVERIFY(!parseJwk(jwkOf(m_p256.publicPem, R"("kid":7)")).ok());
}

void TestJwk::keySets()
{
    const QByteArray good = "{\"keys\":[" + jwkOf(m_rsa.publicPem, R"("kid":"r","use":"sig")") + ','
        + jwkOf(m_p256.publicPem, R"("kid":"e")") + ',' + R"({"kty":"oct","k":"c2VjcmV0"})" + ','
        + jwkOf(m_p384.publicPem, R"("kid":"enc","use":"enc")") + ','
        + jwkOf(m_rsa.publicPem, R"("kid":"oaep","alg":"RSA-OAEP")") + ',' + R"({"kty":"unknown"})"
        + "]}";
    int skipped = -1;
    const HubResult<QList<VerifyKey>> set = keySetFromJwks(good, {}, &skipped);
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.failure().message));
    QCOMPARE(set.value().size(), 2);
    QCOMPARE(set.value().at(0).kid(), QByteArray("r"));
    QCOMPARE(set.value().at(1).kid(), QByteArray("e"));
    QCOMPARE(skipped, 4); // the symmetric key, the encryption keys and the unknown type

    // A malformed key of a known type spoils the set: the hub keeps the one it had.
    const QByteArray broken = R"({"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]})";
    QVERIFY(!keySetFromJwks(broken, {}).ok());
    // Bounds on bytes and keys; not a set at all.
    KeySetLimits limits;
    limits.maxBytes = good.size() - 1;
    QVERIFY(keySetFromJwks(good, limits).failure().message.contains(QLatin1String("bytes")));
    limits = KeySetLimits();
    limits.maxKeys = 5;
    QVERIFY(keySetFromJwks(good, limits).failure().message.contains(QLatin1String("6 keys")));
    for (const QByteArray &notASet :
         {QByteArray("[]"), QByteArray("{}"), QByteArray(R"({"keys":{}})"), QByteArray("not json"),
          QByteArray(R"({"keys":[1]})")}) {
        const HubResult<QList<VerifyKey>> parsed = keySetFromJwks(notASet, {});
        // [1] is an element of no known type: skipped, an empty set.
        QVERIFY2(!parsed.ok() || parsed.value().isEmpty(), notASet.constData());
    }
}

QTEST_GUILESS_MAIN(TestJwk)
#include "tst_jwk.moc"
