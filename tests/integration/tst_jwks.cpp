// Tokens signed with public keys over real sockets on 127.0.0.1: a JWKS URL served by a small
// HTTP server inside the test (each answer chosen by the test: body, status, Cache-Control, no
// answer, a body cut short or without Content-Length, oversized; requests counted) and
// --jwt-public-key-file. Each algorithm with its key and with a wrong one, algorithm confusion,
// rotation (added keys taken, removed or replaced keys end their streams with auth-expired and
// their remembered tokens), a key set that is not there at start, failures and garbage later
// (the last good set stays), the size bound, a flood of unknown kids (the provider asked at most
// once per interval), iss and aud, the /metrics counters, a stop while a fetch waits. Keys are
// made by the `openssl` command; tokens are signed in the test with libcrypto.
#include "core/clock.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "localengine.h"
#include "sseclient.h"
#include "tokens.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

using namespace ssehub;
using namespace ssehub::test;

namespace {

const QByteArray StreamPath = "/events?topic=jwks/t";

// The identity provider's jwks_uri: an HTTP/1.1 server on 127.0.0.1 whose every answer the test
// decides, and that counts the requests it was sent. Each answer closes its connection.
class JwksServer : public QObject
{
public:
    enum class Mode {
        Answer, // status, headers with Content-Length, body
        NoLength, // the same without Content-Length: the body ends when the connection does
        Truncated, // the head announces the whole body; half of it comes, then the close
        Close, // the connection closed without an answer
        Hang, // no answer at all
    };

    JwksServer() { connect(&m_server, &QTcpServer::newConnection, this, &JwksServer::accept); }

    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }

    void serve(const QByteArray &body, const QByteArray &cacheControl = "max-age=1")
    {
        m_mode = Mode::Answer;
        m_status = 200;
        m_body = body;
        m_cacheControl = cacheControl;
    }
    void fail(int status, const QByteArray &body = "{\"error\":\"unavailable\"}")
    {
        m_mode = Mode::Answer;
        m_status = status;
        m_body = body;
    }
    void setMode(Mode mode) { m_mode = mode; }
    int requests() const { return m_requests; }
    int openConnections() const { return int(m_server.findChildren<QTcpSocket *>().size()); }
    const QByteArray &lastRequestHead() const { return m_lastHead; }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        }
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_lastHead = buffer.left(end);
        m_buffers.remove(socket);
        ++m_requests;
        switch (m_mode) {
        case Mode::Hang:
            return;
        case Mode::Close:
            socket->disconnectFromHost();
            return;
        case Mode::Answer:
        case Mode::NoLength:
        case Mode::Truncated:
            break;
        }
        QByteArray head = "HTTP/1.1 " + QByteArray::number(m_status)
            + (m_status == 200 ? " OK" : " Error") + "\r\nContent-Type: application/json\r\n";
        if (m_mode != Mode::NoLength)
            head += "Content-Length: " + QByteArray::number(m_body.size()) + "\r\n";
        if (!m_cacheControl.isEmpty())
            head += "Cache-Control: " + m_cacheControl + "\r\n";
        socket->write(head + "Connection: close\r\n\r\n"
                      + (m_mode == Mode::Truncated ? m_body.left(m_body.size() / 2) : m_body));
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    Mode m_mode = Mode::Answer;
    int m_status = 200;
    QByteArray m_body = "{\"keys\":[]}";
    QByteArray m_cacheControl = "max-age=1";
    QByteArray m_lastHead;
    int m_requests = 0;
};

struct PkeyFree
{
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};

// A key pair made by `openssl genpkey`: its files, its private key loaded for signing, its
// public JWK.
struct Key
{
    QString privatePath;
    QString publicPath;
    QByteArray publicPem;
    QByteArray kid;
    QByteArray alg; // what its tokens are signed with unless a test says otherwise
    std::shared_ptr<EVP_PKEY> signing;
    QJsonObject jwk; // kid included
};

// Runs openssl with these arguments; its stdout, or empty (with a warning) when it failed.
QByteArray openssl(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted(10000) || !process.waitForFinished(30000)
        || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning() << "openssl" << arguments << "failed:" << process.readAllStandardError();
        return {};
    }
    return process.readAllStandardOutput();
}

QByteArray bnParam(EVP_PKEY *key, const char *name, int size = 0)
{
    BIGNUM *bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return {};
    QByteArray out(size ? size : BN_num_bytes(bn), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), int(out.size()));
    BN_free(bn);
    return out;
}

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(base64Url(bytes));
}

// The public JWK of a key.
QJsonObject jwkOf(EVP_PKEY *key, const QByteArray &kid)
{
    QJsonObject jwk;
    if (EVP_PKEY_is_a(key, "RSA")) {
        jwk = {{QStringLiteral("kty"), QStringLiteral("RSA")},
               {QStringLiteral("n"), b64(bnParam(key, OSSL_PKEY_PARAM_RSA_N))},
               {QStringLiteral("e"), b64(bnParam(key, OSSL_PKEY_PARAM_RSA_E))}};
    } else if (EVP_PKEY_is_a(key, "EC")) {
        jwk = {{QStringLiteral("kty"), QStringLiteral("EC")},
               {QStringLiteral("crv"), QStringLiteral("P-256")},
               {QStringLiteral("x"), b64(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
               {QStringLiteral("y"), b64(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
    } else {
        QByteArray x(32, '\0');
        size_t length = size_t(x.size());
        EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char *>(x.data()), &length);
        jwk = {{QStringLiteral("kty"), QStringLiteral("OKP")},
               {QStringLiteral("crv"), QStringLiteral("Ed25519")},
               {QStringLiteral("x"), b64(x)}};
    }
    jwk.insert(QStringLiteral("kid"), QString::fromLatin1(kid));
    jwk.insert(QStringLiteral("use"), QStringLiteral("sig"));
    return jwk;
}

// A key pair from `openssl genpkey` with these options, named kid.
Key generate(const QTemporaryDir &dir, const QByteArray &kid, const QByteArray &alg,
             const QStringList &options)
{
    Key key;
    key.kid = kid;
    key.alg = alg;
    key.privatePath = dir.filePath(QString::fromLatin1(kid) + QStringLiteral(".key.pem"));
    key.publicPath = dir.filePath(QString::fromLatin1(kid) + QStringLiteral(".pub.pem"));
    openssl(QStringList {QStringLiteral("genpkey")} + options
            + QStringList {QStringLiteral("-out"), key.privatePath});
    openssl({QStringLiteral("pkey"), QStringLiteral("-in"), key.privatePath,
             QStringLiteral("-pubout"), QStringLiteral("-out"), key.publicPath});
    QFile publicFile(key.publicPath);
    if (publicFile.open(QIODevice::ReadOnly))
        key.publicPem = publicFile.readAll();
    QFile privateFile(key.privatePath);
    if (!privateFile.open(QIODevice::ReadOnly))
        return key;
    const QByteArray pem = privateFile.readAll();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    key.signing.reset(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr), PkeyFree());
    BIO_free(bio);
    if (key.signing)
        key.jwk = jwkOf(key.signing.get(), kid);
    return key;
}

// The signature of data under alg with key, as a JWS carries it (ES: r || s).
QByteArray signWith(EVP_PKEY *key, const QByteArray &alg, const QByteArray &data)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX *keyContext = nullptr;
    const EVP_MD *md = alg == "EdDSA" ? nullptr
        : alg.endsWith("384")         ? EVP_sha384()
        : alg.endsWith("512")         ? EVP_sha512()
                                      : EVP_sha256();
    if (!ctx || EVP_DigestSignInit(ctx.get(), &keyContext, md, nullptr, key) != 1)
        return {};
    if (alg.startsWith("PS")
        && (EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, md) != 1))
        return {};
    const auto *input = reinterpret_cast<const unsigned char *>(data.constData());
    size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, input, size_t(data.size())) != 1)
        return {};
    QByteArray signature(qsizetype(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       input, size_t(data.size()))
        != 1)
        return {};
    signature.resize(qsizetype(length));
    if (!alg.startsWith("ES"))
        return signature;
    // DER (what libcrypto writes) to JOSE's r || s.
    const auto *p = reinterpret_cast<const unsigned char *>(signature.constData());
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &p, long(signature.size()));
    if (!sig)
        return {};
    QByteArray jose(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char *>(jose.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char *>(jose.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return jose;
}

// Claims of a token for dev-1 that expires in an hour, with `extra` written over them.
QJsonObject claims(const QJsonObject &extra = {})
{
    QJsonObject out {{QStringLiteral("sub"), QStringLiteral("dev-1")},
                     {QStringLiteral("exp"), double(Clock::wallMs() / 1000 + 3600)}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

QByteArray encodeJson(const QJsonObject &object)
{
    return base64Url(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// A JWS of these header and claims signed with key under signAlg (whatever the header says).
QByteArray jws(const QJsonObject &header, const QJsonObject &payload, const Key &key,
               const QByteArray &signAlg)
{
    const QByteArray input = encodeJson(header) + '.' + encodeJson(payload);
    return input + '.' + base64Url(signWith(key.signing.get(), signAlg, input));
}

// A token signed with key under its algorithm, naming its kid (or `kid`, when given).
QByteArray tokenOf(const Key &key, const QJsonObject &extraClaims = {},
                   const QByteArray &kid = QByteArray())
{
    const QJsonObject header {
        {QStringLiteral("alg"), QString::fromLatin1(key.alg)},
        {QStringLiteral("typ"), QStringLiteral("JWT")},
        {QStringLiteral("kid"), QString::fromLatin1(kid.isNull() ? key.kid : kid)}};
    return jws(header, claims(extraClaims), key, key.alg);
}

// A key set document of these JWKs.
QByteArray keySet(const QList<QJsonObject> &keys)
{
    QJsonArray array;
    for (const QJsonObject &k : keys)
        array.append(k);
    return QJsonDocument(QJsonObject {{QStringLiteral("keys"), array}})
        .toJson(QJsonDocument::Compact);
}

QList<QPair<QByteArray, QByteArray>> authorization(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

// What GET /events answered: its status and type, or a refusal's JSON error.
struct StreamAnswer
{
    int status = 0;
    QByteArray contentType;
    QString error;
};

// Opens a stream with this token and closes it once the answer's head (and a refusal's body)
// came.
StreamAnswer tryStream(quint16 port, const QByteArray &token)
{
    SseClient client;
    client.open(port, StreamPath, authorization(token));
    HttpResponse refusal;
    const bool answered = QTest::qWaitFor(
        [&] {
            return (client.headComplete() && client.status() == 200)
                || parseResponse(client.raw(), &refusal, !client.isConnected()) > 0;
        },
        5000);
    StreamAnswer answer;
    answer.status = answered ? client.status() : 0;
    answer.contentType = client.header("Content-Type");
    if (answer.status != 200)
        answer.error = refusal.json().value(QLatin1String("error")).toString();
    client.close();
    return answer;
}

// The value of one sample (`name` with its labels, as written) in a Prometheus text; -1 if absent.
double sample(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    }
    return -1;
}

QByteArray fetches(const char *outcome)
{
    return QByteArray("ssehub_jwks_fetches_total{outcome=\"") + outcome + "\"}";
}

QByteArray verifications(const char *result)
{
    return QByteArray("ssehub_token_verifications_total{result=\"") + result + "\"}";
}

} // namespace

class TestJwks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void eachAlgorithmOverJwks_data();
    void eachAlgorithmOverJwks();
    void algorithmConfusion();
    void publicKeyFiles();
    void rotationEndsStreamsOfRemovedKeys();
    void rotationFoundByUnknownKid();
    void sameKidNewKeyMaterial();
    void shutdownWhileFetching();
    void keySetDownAtStart();
    void failuresAndGarbageKeepLastGoodSet();
    void oversizedKeySetRefused();
    void unknownKidFloodIsRateLimited();
    void issuerAndAudience();
    void verificationMetrics();

private:
    // The engine with the JWKS server's URL (fetched at most once per minRefreshMs) and
    // `config`'s other settings; waits until /readyz says the key set is loaded unless told
    // not to (false: it did not say so within 5 s).
    [[nodiscard]] bool startWithJwks(Engine::Config config = {}, qint64 minRefreshMs = 1000,
                                     bool waitReady = true);
    QString jwksUrl() const
    {
        return QStringLiteral("http://127.0.0.1:%1/.well-known/jwks.json").arg(m_jwksPort);
    }
    // Waits until the JWKS URL has answered this outcome at least `more` times more than
    // `before` (2: at least one fetch that started after the server's answer was changed);
    // false when it has not within 5 s.
    [[nodiscard]] bool waitForFetches(const char *outcome, double before, int more);
    quint16 port() const { return m_engine->port(); }
    double metric(const QByteArray &name) const { return sample(m_engine->metricsText(), name); }
    int readyStatus() const { return request(port(), "GET", "/readyz").status; }

    QTemporaryDir m_dir;
    Key m_rsaA, m_rsaB, m_ecA, m_ecB, m_edA, m_edB;
    std::unique_ptr<JwksServer> m_jwks;
    quint16 m_jwksPort = 0;
    std::unique_ptr<Engine> m_engine;
};

void TestJwks::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QStringList rsa {QStringLiteral("-algorithm"), QStringLiteral("RSA"),
                           QStringLiteral("-pkeyopt"), QStringLiteral("rsa_keygen_bits:2048")};
    const QStringList p256 {QStringLiteral("-algorithm"), QStringLiteral("EC"),
                            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256")};
    const QStringList ed25519 {QStringLiteral("-algorithm"), QStringLiteral("ED25519")};
    m_rsaA = generate(m_dir, "rsa-a", "RS256", rsa);
    m_rsaB = generate(m_dir, "rsa-b", "RS256", rsa);
    m_ecA = generate(m_dir, "ec-a", "ES256", p256);
    m_ecB = generate(m_dir, "ec-b", "ES256", p256);
    m_edA = generate(m_dir, "ed-a", "EdDSA", ed25519);
    m_edB = generate(m_dir, "ed-b", "EdDSA", ed25519);
    for (const Key *key : {&m_rsaA, &m_rsaB, &m_ecA, &m_ecB, &m_edA, &m_edB}) {
        QVERIFY2(key->publicPem.startsWith("-----BEGIN PUBLIC KEY-----"), key->kid.constData());
        QVERIFY2(key->signing, key->kid.constData());
        QVERIFY(!tokenOf(*key).endsWith('.'));
    }
}

void TestJwks::init()
{
    m_jwks = std::make_unique<JwksServer>();
    QVERIFY(m_jwks->listen());
    m_jwksPort = m_jwks->port();
    m_jwks->serve(keySet({m_rsaA.jwk, m_ecA.jwk, m_edA.jwk}));
}

void TestJwks::cleanup()
{
    m_engine.reset();
    m_jwks.reset();
}

bool TestJwks::startWithJwks(Engine::Config config, qint64 minRefreshMs, bool waitReady)
{
    config.jwksUrl = jwksUrl();
    config.jwksRefreshMinMs = minRefreshMs;
    config.jwksRefreshMaxMs = 60000;
    m_engine = startLocalEngine(config);
    return !waitReady || QTest::qWaitFor([this] { return readyStatus() == 200; }, 5000);
}

bool TestJwks::waitForFetches(const char *outcome, double before, int more)
{
    return QTest::qWaitFor([&] { return metric(fetches(outcome)) >= before + more; }, 5000);
}

void TestJwks::eachAlgorithmOverJwks_data()
{
    QTest::addColumn<QByteArray>("alg");
    QTest::addColumn<QString>("right");
    QTest::addColumn<QString>("wrong");
    QTest::newRow("RS256") << QByteArray("RS256") << QStringLiteral("rsa-a")
                           << QStringLiteral("rsa-b");
    QTest::newRow("PS256") << QByteArray("PS256") << QStringLiteral("rsa-a")
                           << QStringLiteral("rsa-b");
    QTest::newRow("ES256") << QByteArray("ES256") << QStringLiteral("ec-a")
                           << QStringLiteral("ec-b");
    QTest::newRow("EdDSA") << QByteArray("EdDSA") << QStringLiteral("ed-a")
                           << QStringLiteral("ed-b");
}

// A token signed with the key the set holds opens a stream; one signed with another key of the
// same type (naming the set's kid, or none) is refused.
void TestJwks::eachAlgorithmOverJwks()
{
    QFETCH(QByteArray, alg);
    QFETCH(QString, right);
    QFETCH(QString, wrong);
    const auto keyNamed = [this](const QString &kid) -> Key {
        for (const Key *k : {&m_rsaA, &m_rsaB, &m_ecA, &m_ecB, &m_edA, &m_edB}) {
            if (k->kid == kid.toLatin1())
                return *k;
        }
        return {};
    };
    Key good = keyNamed(right);
    Key bad = keyNamed(wrong);
    good.alg = alg;
    bad.alg = alg;
    QVERIFY(startWithJwks());

    const StreamAnswer accepted = tryStream(port(), tokenOf(good));
    QCOMPARE(accepted.status, 200);
    QVERIFY2(accepted.contentType.startsWith("text/event-stream"), accepted.contentType);
    SseClient live;
    live.open(port(), StreamPath, authorization(tokenOf(good)));
    QTRY_VERIFY(live.hasSession());
    QCOMPARE(live.session().value(QLatin1String("client_id")).toString(), QStringLiteral("dev-1"));

    // Another key of the same type, under the set's kid.
    StreamAnswer refused = tryStream(port(), tokenOf(bad, {}, good.kid));
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.error, QStringLiteral("token signature is not valid"));
    // ... or its own kid, which the set does not have.
    refused = tryStream(port(), tokenOf(bad));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.error.contains(QLatin1String("not known")), qPrintable(refused.error));
    // ... or none: the one key of that algorithm is tried, and refuses it.
    const QByteArray noKid
        = jws({{QStringLiteral("alg"), QString::fromLatin1(alg)}}, claims(), bad, alg);
    refused = tryStream(port(), noKid);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.error, QStringLiteral("token signature is not valid"));
    // The right key without a kid is found among the keys of its algorithm.
    QCOMPARE(
        tryStream(port(),
                  jws({{QStringLiteral("alg"), QString::fromLatin1(alg)}}, claims(), good, alg))
            .status,
        200);
    QVERIFY(live.isConnected());
    QTRY_COMPARE(m_engine->hub()->streamCount(), 1); // the streams tried are closed
}

// No token chooses how its own signature is checked.
void TestJwks::algorithmConfusion()
{
    // rsa-a is pinned to RS256 by its JWK; rsa-b verifies any RSA algorithm.
    QJsonObject rsaPinned = m_rsaA.jwk;
    rsaPinned.insert(QStringLiteral("alg"), QStringLiteral("RS256"));
    m_jwks->serve(keySet({rsaPinned, m_rsaB.jwk, m_ecA.jwk, m_edA.jwk}));
    QVERIFY(startWithJwks());
    QCOMPARE(tryStream(port(), tokenOf(m_rsaA)).status, 200);
    QCOMPARE(tryStream(port(), tokenOf(m_rsaB)).status, 200);

    // HS256 keyed with the RSA public key's PEM (what a verifier that takes the key as an HMAC
    // secret would accept): this server has no secret, and never takes a key as one.
    StreamAnswer refused = tryStream(port(), makeToken(claims(), m_rsaA.publicPem));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.error.startsWith(QLatin1String("token algorithm 'HS256' is not accepted")),
             qPrintable(refused.error));
    const QJsonObject hsHeader {{QStringLiteral("alg"), QStringLiteral("HS256")},
                                {QStringLiteral("kid"), QStringLiteral("rsa-a")}};
    const QByteArray hsInput = encodeJson(hsHeader) + '.' + encodeJson(claims());
    const QByteArray hsToken = hsInput + '.'
        + base64Url(QMessageAuthenticationCode::hash(hsInput, m_rsaA.publicPem,
                                                     QCryptographicHash::Sha256));
    refused = tryStream(port(), hsToken);
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.error.contains(QLatin1String("'HS256' is not accepted")),
             qPrintable(refused.error));

    // alg swapped in the header: a signature made under one algorithm presented as another
    // that the same key verifies is checked as that one, and fails.
    const QList<QPair<QByteArray, QByteArray>> swaps {
        {"RS256", "PS256"}, {"RS256", "RS384"}, {"RS256", "RS512"}, {"PS256", "RS256"}};
    for (const auto &[signedAs, claimed] : swaps) {
        const QJsonObject header {{QStringLiteral("alg"), QString::fromLatin1(claimed)},
                                  {QStringLiteral("kid"), QStringLiteral("rsa-b")}};
        refused = tryStream(port(), jws(header, claims(), m_rsaB, signedAs));
        QVERIFY2(refused.status == 401, claimed.constData());
        QCOMPARE(refused.error, QStringLiteral("token signature is not valid"));
    }
    // ... or as one of another key type: no key of that kid verifies it.
    for (const char *other : {"PS256", "ES256", "EdDSA"}) {
        const QJsonObject header {{QStringLiteral("alg"), QString::fromLatin1(other)},
                                  {QStringLiteral("kid"), QStringLiteral("rsa-a")}};
        refused = tryStream(port(), jws(header, claims(), m_rsaA, "RS256"));
        QVERIFY2(refused.status == 401, other);
        QVERIFY2(refused.error.contains(QLatin1String("'rsa-a' is not known")),
                 qPrintable(refused.error));
    }
    // PS256 properly signed with the RSA key: its JWK allows RS256 only.
    Key ps = m_rsaA;
    ps.alg = "PS256";
    refused = tryStream(port(), tokenOf(ps));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.error.contains(QLatin1String("not known for PS256")),
             qPrintable(refused.error));

    // An RS256 token naming the EC key's kid: that key does not verify RS256.
    refused = tryStream(port(), tokenOf(m_rsaA, {}, m_ecA.kid));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.error.contains(QLatin1String("'ec-a'")), qPrintable(refused.error));
    // An ES256 token naming the RSA key's kid, signed with the EC key.
    const QJsonObject esHeader {{QStringLiteral("alg"), QStringLiteral("ES256")},
                                {QStringLiteral("kid"), QStringLiteral("rsa-a")}};
    QCOMPARE(tryStream(port(), jws(esHeader, claims(), m_ecA, "ES256")).status, 401);

    // alg none: without a signature, with an RS256 one, with anything.
    const QByteArray noneInput = encodeJson({{QStringLiteral("alg"), QStringLiteral("none")},
                                             {QStringLiteral("kid"), QStringLiteral("rsa-a")}})
        + '.' + encodeJson(claims());
    for (const QByteArray &signature :
         {QByteArray(), tokenOf(m_rsaA).split('.').at(2), base64Url("x")}) {
        refused = tryStream(port(), noneInput + '.' + signature);
        QCOMPARE(refused.status, 401);
        QVERIFY2(refused.error.startsWith(QLatin1String("token algorithm 'none' is not accepted")),
                 qPrintable(refused.error));
    }
    QTRY_COMPARE(m_engine->hub()->streamCount(), 0);
}

// --jwt-public-key-file without a JWKS URL: its keys verify tokens (with any kid or none); a
// private key given as one stops the start with a message that says so.
void TestJwks::publicKeyFiles()
{
    Engine::Config config;
    config.jwtPublicKeyFiles = {m_rsaA.publicPath, m_ecA.publicPath, m_edA.publicPath};
    m_engine = startLocalEngine(config);
    QCOMPARE(readyStatus(), 200); // nothing to fetch
    for (const Key *key : {&m_rsaA, &m_ecA, &m_edA}) {
        const StreamAnswer accepted = tryStream(port(), tokenOf(*key));
        QVERIFY2(accepted.status == 200, key->kid.constData());
        const QByteArray noKid = jws({{QStringLiteral("alg"), QString::fromLatin1(key->alg)}},
                                     claims(), *key, key->alg);
        QVERIFY2(tryStream(port(), noKid).status == 200, key->kid.constData());
    }
    for (const Key *key : {&m_rsaB, &m_ecB, &m_edB}) {
        const StreamAnswer refused = tryStream(port(), tokenOf(*key));
        QVERIFY2(refused.status == 401, key->kid.constData());
        QCOMPARE(refused.error, QStringLiteral("token signature is not valid"));
    }
    // No JWKS: the key set metrics are not there, the verifications are.
    QCOMPARE(metric(fetches("loaded")), -1.0);
    QCOMPARE(metric(verifications("verified")), 6.0);
    QCOMPARE(metric(verifications("bad_signature")), 3.0);
    m_engine.reset();

    for (const QString &path : {m_rsaA.privatePath, m_ecA.privatePath, m_edA.privatePath}) {
        config.jwtPublicKeyFiles = {m_rsaA.publicPath, path};
        config.port = 0;
        Engine engine(config);
        QString error;
        QVERIFY2(!engine.start(&error), qPrintable(path));
        QVERIFY2(error.contains(path) && error.contains(QLatin1String("holds a private key")),
                 qPrintable(error));
        QCOMPARE(engine.port(), quint16(0));
    }
    // A file that is not there, one that holds no key.
    config.jwtPublicKeyFiles = {m_dir.filePath(QStringLiteral("missing.pem"))};
    Engine missing(config);
    QString error;
    QVERIFY(!missing.start(&error));
    QVERIFY2(error.contains(QLatin1String("cannot read the JWT public key file")),
             qPrintable(error));
    QFile garbage(m_dir.filePath(QStringLiteral("garbage.pem")));
    QVERIFY(garbage.open(QIODevice::WriteOnly | QIODevice::Truncate));
    garbage.write(m_rsaA.jwk.value(QLatin1String("n")).toString().toLatin1());
    garbage.close();
    config.jwtPublicKeyFiles = {garbage.fileName()};
    Engine notPem(config);
    QVERIFY(!notPem.start(&error));
    QVERIFY2(error.contains(garbage.fileName())
                 && error.contains(QLatin1String("not a PEM public key")),
             qPrintable(error));
    // Key files have no kid, so every token tries each of its type: more than 4 of one type
    // would refuse every token; the start says so instead.
    config.jwtPublicKeyFiles = {m_ecA.publicPath, m_ecB.publicPath, m_ecA.publicPath,
                                m_ecB.publicPath, m_rsaA.publicPath, m_ecA.publicPath};
    Engine tooMany(config);
    QVERIFY(!tooMany.start(&error));
    QVERIFY2(error.contains(QLatin1String("more than 4")), qPrintable(error));
}

// Keys added to the set are taken at the next fetch (max-age=1); a key removed from it ends the
// streams its tokens opened (auth-expired), and its new tokens are refused.
void TestJwks::rotationEndsStreamsOfRemovedKeys()
{
    m_jwks->serve(keySet({m_rsaA.jwk}));
    QVERIFY(startWithJwks());
    SseClient streamA;
    streamA.open(port(), StreamPath, authorization(tokenOf(m_rsaA)));
    QTRY_VERIFY(streamA.hasSession());
    QCOMPARE(tryStream(port(), tokenOf(m_rsaB)).status, 401);
    // A publish with an A token: verified once, then remembered (auth/authcache).
    const QByteArray publisherA
        = tokenOf(m_rsaA, {{QStringLiteral("sub"), QStringLiteral("pub-a")}});
    const QByteArray event = R"({"topic":"jwks/other","payload":1})";
    for (int i = 0; i < 2; ++i)
        QCOMPARE(request(port(), "POST", "/publish", event, "application/json",
                         authorization(publisherA))
                     .status,
                 200);

    // A and B: B's tokens are accepted, A's stream lives on.
    const double loaded = metric(fetches("loaded"));
    m_jwks->serve(keySet({m_rsaA.jwk, m_rsaB.jwk}));
    QTRY_COMPARE_WITH_TIMEOUT(metric(fetches("loaded")), loaded + 1, 5000);
    SseClient streamB;
    streamB.open(port(), StreamPath, authorization(tokenOf(m_rsaB)));
    QTRY_VERIFY(streamB.hasSession());
    QVERIFY(streamA.isConnected());
    QCOMPARE(m_engine->hub()->streamCount(), 2);

    // B only: A's stream is told and closed.
    m_jwks->serve(keySet({m_rsaB.jwk}));
    QTRY_VERIFY_WITH_TIMEOUT(!streamA.isConnected(), 5000);
    QVERIFY(!streamA.events().isEmpty());
    const SseEvent last = streamA.events().constLast();
    QCOMPARE(last.type, QByteArray("auth-expired"));
    QVERIFY2(
        last.json().value(QLatin1String("reason")).toString().contains(QLatin1String("'rsa-a'")),
        last.data.constData());
    QVERIFY(streamB.isConnected());
    QCOMPARE(m_engine->hub()->streamCount(), 1);
    QVERIFY(streamB.events().isEmpty());
    const StreamAnswer refused = tryStream(port(), tokenOf(m_rsaA));
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.error, QStringLiteral("token key 'rsa-a' is not known for RS256"));
    QCOMPARE(tryStream(port(), tokenOf(m_rsaB)).status, 200);
    // The remembered A token was forgotten with its key.
    const HttpResponse publishRefused
        = request(port(), "POST", "/publish", event, "application/json", authorization(publisherA));
    QCOMPARE(publishRefused.status, 401);
    QCOMPARE(publishRefused.json().value(QLatin1String("error")).toString(),
             QStringLiteral("token key 'rsa-a' is not known for RS256"));
    bool logged = false;
    for (const LogEntry &entry : m_engine->log()->entries())
        logged = logged
            || (entry.reason == QLatin1String("jwks-keys-removed")
                && entry.detail.contains(QLatin1String("1 stream(s)")));
    QVERIFY(logged);
}

// A token naming a kid the set does not have makes the engine look again (at most once per
// --jwks-refresh-min): a key the provider has just added is taken without waiting for max-age.
void TestJwks::rotationFoundByUnknownKid()
{
    m_jwks->serve(keySet({m_rsaA.jwk}), "max-age=3600");
    QVERIFY(startWithJwks());
    QCOMPARE(m_jwks->requests(), 1);
    QVERIFY2(m_jwks->lastRequestHead().startsWith("GET /.well-known/jwks.json HTTP/1.1"),
             m_jwks->lastRequestHead().constData());
    m_jwks->serve(keySet({m_rsaA.jwk, m_rsaB.jwk}), "max-age=3600");
    const QByteArray tokenB = tokenOf(m_rsaB);
    QTRY_COMPARE_WITH_TIMEOUT(tryStream(port(), tokenB).status, 200, 5000);
    QCOMPARE(m_jwks->requests(), 2);
    QCOMPARE(metric(fetches("loaded")), 2.0);
    QCOMPARE(tryStream(port(), tokenOf(m_rsaA)).status, 200);
    QCOMPARE(metric("ssehub_jwks_keys"), 2.0);
}

// The provider replaces the key material under the same kid: streams whose token the old key
// verified end, tokens of the new key are taken.
void TestJwks::sameKidNewKeyMaterial()
{
    m_jwks->serve(keySet({m_rsaA.jwk}));
    QVERIFY(startWithJwks());
    SseClient oldKey;
    oldKey.open(port(), StreamPath, authorization(tokenOf(m_rsaA)));
    QTRY_VERIFY(oldKey.hasSession());
    QJsonObject replaced = m_rsaB.jwk;
    replaced.insert(QStringLiteral("kid"), QStringLiteral("rsa-a"));
    m_jwks->serve(keySet({replaced}));
    QTRY_VERIFY_WITH_TIMEOUT(!oldKey.isConnected(), 5000);
    QCOMPARE(oldKey.events().size(), 1);
    QCOMPARE(oldKey.events().at(0).type, QByteArray("auth-expired"));
    QCOMPARE(oldKey.events().at(0).json().value(QLatin1String("reason")).toString(),
             QStringLiteral("token signature is not valid"));
    QCOMPARE(tryStream(port(), tokenOf(m_rsaA)).status, 401);
    QCOMPARE(tryStream(port(), tokenOf(m_rsaB, {}, "rsa-a")).status, 200);
    QCOMPARE(metric("ssehub_jwks_keys"), 1.0);
}

// An engine stopped while a fetch waits for an answer lets go of it quietly: no crash, no
// failure reported for a fetch it gave up itself.
void TestJwks::shutdownWhileFetching()
{
    m_jwks->setMode(JwksServer::Mode::Hang);
    QVERIFY(startWithJwks({}, 1000, false));
    QTRY_COMPARE(m_jwks->requests(), 1);
    QCOMPARE(readyStatus(), 503);
    QCOMPARE(metric(fetches("network_error")), 0.0);
    QTest::failOnWarning(QRegularExpression(QStringLiteral("JWKS fetch .* failed")));
    m_engine.reset();
    // The server sees the connection go.
    QTRY_VERIFY(m_jwks->openConnections() == 0);
}

// The JWKS URL does not answer at start: the engine runs, is not ready, and refuses tokens
// signed with keys with a message that says why; once the URL answers it becomes ready.
void TestJwks::keySetDownAtStart()
{
    m_jwks->close();
    QVERIFY(startWithJwks({}, 1000, false));
    const HttpResponse notReady = request(port(), "GET", "/readyz");
    QCOMPARE(notReady.status, 503);
    QCOMPARE(notReady.json().value(QLatin1String("status")).toString(),
             QStringLiteral("not ready"));
    QVERIFY2(notReady.json()
                 .value(QLatin1String("reason"))
                 .toString()
                 .contains(QLatin1String("key set")),
             notReady.body.constData());
    // The hub's outage, not the token's fault: 503 (retry), not 401 (a client would drop a
    // good token), and counted apart.
    const StreamAnswer refused = tryStream(port(), tokenOf(m_rsaA));
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.error, QStringLiteral("no key set has been loaded from the JWKS URL yet"));
    const HttpResponse publishRefused
        = request(port(), "POST", "/publish", R"({"topic": "jwks/t", "payload": 1})",
                  "application/json", authorization(tokenOf(m_rsaA)));
    QCOMPARE(publishRefused.status, 503);
    QCOMPARE(publishRefused.header("retry-after"), QByteArray("5"));
    QVERIFY(metric("ssehub_token_verifications_total{result=\"no_key_set\"}") >= 2);
    QTRY_VERIFY_WITH_TIMEOUT(metric(fetches("network_error")) >= 1, 5000);
    QCOMPARE(metric("ssehub_jwks_keys"), 0.0);
    QCOMPARE(metric("ssehub_jwks_loaded_timestamp_seconds"), 0.0);

    // Up, but answering 503 at first.
    QVERIFY(m_jwks->listen(m_jwksPort));
    m_jwks->fail(503);
    QTRY_VERIFY_WITH_TIMEOUT(metric(fetches("http_error")) >= 1, 5000);
    QCOMPARE(readyStatus(), 503);
    m_jwks->serve(keySet({m_rsaA.jwk}));
    QTRY_COMPARE_WITH_TIMEOUT(readyStatus(), 200, 5000);
    QCOMPARE(tryStream(port(), tokenOf(m_rsaA)).status, 200);
    QCOMPARE(metric("ssehub_jwks_keys"), 1.0);
    bool logged = false;
    for (const LogEntry &entry : m_engine->log()->entries())
        logged = logged || entry.reason == QLatin1String("jwks-fetch-failed");
    QVERIFY(logged);
}

// After the first set, a JWKS URL that fails or answers garbage changes nothing: the last good
// set stays in force, and each failure is counted by outcome.
void TestJwks::failuresAndGarbageKeepLastGoodSet()
{
    const QByteArray good = keySet({m_rsaA.jwk});
    m_jwks->serve(good);
    QVERIFY(startWithJwks({}, 250)); // after a failure, fetched again in 250 ms
    QJsonObject privateKey = m_edA.jwk;
    privateKey.insert(QStringLiteral("d"), b64(QByteArray(32, 'd')));
    QJsonObject shortX = m_ecB.jwk;
    shortX.insert(QStringLiteral("x"), b64(QByteArray(31, 'x')));
    QJsonObject shortRsa {{QStringLiteral("kty"), QStringLiteral("RSA")},
                          {QStringLiteral("kid"), QStringLiteral("rsa-b")},
                          {QStringLiteral("n"), b64(QByteArray::fromHex("c3f1"))},
                          {QStringLiteral("e"), QStringLiteral("AQAB")}};
    QJsonObject badBase64 = m_rsaB.jwk;
    badBase64.insert(QStringLiteral("n"), QStringLiteral("not base64url!"));
    const QJsonObject symmetric {{QStringLiteral("kty"), QStringLiteral("oct")},
                                 {QStringLiteral("kid"), QStringLiteral("rsa-b")},
                                 {QStringLiteral("k"), b64("a-secret-a-secret-a-secret-a-secret")}};
    struct Case
    {
        const char *name;
        JwksServer::Mode mode;
        int status;
        QByteArray body;
        const char *outcome;
    };
    const QList<Case> cases {
        {"HTTP 500", JwksServer::Mode::Answer, 500, "{}", "http_error"},
        {"closed without an answer", JwksServer::Mode::Close, 200, {}, "network_error"},
        // A transfer cut short is the network's failure, whatever the status line said.
        {"body cut short", JwksServer::Mode::Truncated, 200, keySet({m_rsaB.jwk}), "network_error"},
        {"not JSON", JwksServer::Mode::Answer, 200, "<html>sign in</html>", "invalid"},
        {"no keys array", JwksServer::Mode::Answer, 200, "{\"keys\":{}}", "invalid"},
        {"empty set", JwksServer::Mode::Answer, 200, "{\"keys\":[]}", "invalid"},
        {"only a symmetric key", JwksServer::Mode::Answer, 200, keySet({symmetric}), "invalid"},
        {"private material", JwksServer::Mode::Answer, 200, keySet({privateKey}), "invalid"},
        {"only an EC key with x too short", JwksServer::Mode::Answer, 200, keySet({shortX}),
         "invalid"},
        {"RSA of 16 bits", JwksServer::Mode::Answer, 200, keySet({shortRsa}), "invalid"},
        {"n not base64url", JwksServer::Mode::Answer, 200, keySet({badBase64}), "invalid"},
    };
    for (const Case &c : cases) {
        const double before = metric(fetches(c.outcome));
        if (c.mode == JwksServer::Mode::Answer && c.status == 200)
            m_jwks->serve(c.body);
        else
            m_jwks->fail(c.status, c.body);
        m_jwks->setMode(c.mode);
        QVERIFY2(waitForFetches(c.outcome, before, 2), c.name);
        // The set in force is still A's: its tokens open streams, B's do not.
        QVERIFY2(tryStream(port(), tokenOf(m_rsaA)).status == 200, c.name);
        QVERIFY2(tryStream(port(), tokenOf(m_rsaB)).status == 401, c.name);
        QCOMPARE(metric("ssehub_jwks_keys"), 1.0);
        QVERIFY2(readyStatus() == 200, c.name);
    }
    QCOMPARE(metric(fetches("loaded")), 1.0);
    QVERIFY(metric(fetches("invalid")) >= 8);
    QVERIFY(metric(fetches("http_error")) >= 1);
    QVERIFY(metric(fetches("network_error")) >= 1);
    // The same set again: unchanged, not loaded anew.
    m_jwks->serve(good);
    QVERIFY(waitForFetches("unchanged", metric(fetches("unchanged")), 1));
    QCOMPARE(metric(fetches("loaded")), 1.0);
    // A key this server cannot use beside good ones is skipped; the good ones serve.
    m_jwks->serve(keySet({m_rsaA.jwk, m_rsaB.jwk, shortX, shortRsa}));
    QVERIFY(waitForFetches("loaded", 1, 1));
    QCOMPARE(metric("ssehub_jwks_keys"), 2.0);
    QCOMPARE(tryStream(port(), tokenOf(m_rsaB)).status, 200);
}

// A key set over the size bound (KeySetLimits::maxBytes, 1 MiB) is refused whether or not its
// length is announced; the set in force stays.
void TestJwks::oversizedKeySetRefused()
{
    m_jwks->serve(keySet({m_rsaA.jwk}));
    QVERIFY(startWithJwks({}, 250));
    // A valid set of B's key, padded past the bound.
    QJsonObject padded {{QStringLiteral("keys"), QJsonArray {m_rsaB.jwk}},
                        {QStringLiteral("padding"), QString(1024 * 1024 + 100, QLatin1Char('p'))}};
    const QByteArray large = QJsonDocument(padded).toJson(QJsonDocument::Compact);
    QVERIFY(large.size() > 1024 * 1024);
    for (const JwksServer::Mode mode : {JwksServer::Mode::Answer, JwksServer::Mode::NoLength}) {
        const double before = metric(fetches("too_large"));
        m_jwks->serve(large);
        m_jwks->setMode(mode);
        QVERIFY(waitForFetches("too_large", before, 2));
        QCOMPARE(tryStream(port(), tokenOf(m_rsaA)).status, 200);
        QCOMPARE(tryStream(port(), tokenOf(m_rsaB)).status, 401);
        QCOMPARE(metric("ssehub_jwks_keys"), 1.0);
    }
    QCOMPARE(metric(fetches("loaded")), 1.0);
    // Under the bound, the same set is taken.
    m_jwks->serve(keySet({m_rsaB.jwk}));
    QTRY_COMPARE_WITH_TIMEOUT(tryStream(port(), tokenOf(m_rsaB)).status, 200, 5000);
}

// 200 tokens with random kids arriving over about two seconds: the provider is asked at most once
// per
// --jwks-refresh-min, and every such token is refused.
void TestJwks::unknownKidFloodIsRateLimited()
{
    m_jwks->serve(keySet({m_rsaA.jwk}), "max-age=3600");
    QElapsedTimer since;
    since.start();
    QVERIFY(startWithJwks());
    QCOMPARE(m_jwks->requests(), 1);
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        const QByteArray kid = QByteArray::number(QRandomGenerator::global()->generate64(), 36);
        const HttpResponse answer
            = request(port(), "GET", StreamPath, {}, {}, authorization(tokenOf(m_rsaA, {}, kid)));
        if (answer.status == 401
            && answer.json()
                   .value(QLatin1String("error"))
                   .toString()
                   .contains(QString::fromLatin1(kid)))
            ++refused;
        QTest::qWait(8); // paced: about 2 s in all, past the first refetch interval
    }
    const qint64 elapsed = since.elapsed();
    QCOMPARE(refused, 200);
    // The initial fetch, then at most one per second of the flood; and the unknown kids did
    // make it look again.
    QVERIFY2(m_jwks->requests() >= 2, QByteArray::number(m_jwks->requests()).constData());
    const QByteArray seen = QByteArray::number(m_jwks->requests()) + " requests in "
        + QByteArray::number(elapsed) + " ms";
    QVERIFY2(m_jwks->requests() <= 1 + elapsed / 1000, seen.constData());
    QTRY_COMPARE(metric(fetches("unchanged")), double(m_jwks->requests() - 1));
    QCOMPARE(metric(verifications("unknown_key")), 200.0);
    QCOMPARE(tryStream(port(), tokenOf(m_rsaA)).status, 200);
}

// --jwt-issuer and --jwt-audience hold for tokens signed with keys.
void TestJwks::issuerAndAudience()
{
    Engine::Config config;
    config.jwtIssuer = QStringLiteral("https://id.example.test/");
    config.jwtAudiences = {QStringLiteral("ssehub"), QStringLiteral("ssehub-eu")};
    QVERIFY(startWithJwks(config));
    const QJsonValue iss(QStringLiteral("https://id.example.test/"));
    const QJsonValue aud(QStringLiteral("ssehub"));

    StreamAnswer answer
        = tryStream(port(),
                    tokenOf(m_rsaA,
                            {{QStringLiteral("iss"), QStringLiteral("https://evil.test/")},
                             {QStringLiteral("aud"), aud}}));
    QCOMPARE(answer.status, 401);
    QCOMPARE(answer.error, QStringLiteral("token issuer (iss) is not the one this server accepts"));
    answer = tryStream(port(), tokenOf(m_rsaA, {{QStringLiteral("aud"), aud}}));
    QCOMPARE(answer.status, 401);
    QVERIFY2(answer.error.contains(QLatin1String("issuer")), qPrintable(answer.error));

    answer = tryStream(port(), tokenOf(m_ecA, {{QStringLiteral("iss"), iss}}));
    QCOMPARE(answer.status, 401);
    QCOMPARE(answer.error, QStringLiteral("token audience (aud) does not name this server"));
    answer = tryStream(
        port(),
        tokenOf(m_ecA,
                {{QStringLiteral("iss"), iss}, {QStringLiteral("aud"), QStringLiteral("other")}}));
    QCOMPARE(answer.status, 401);
    QVERIFY2(answer.error.contains(QLatin1String("audience")), qPrintable(answer.error));
    answer = tryStream(
        port(),
        tokenOf(m_ecA,
                {{QStringLiteral("iss"), iss},
                 {QStringLiteral("aud"), QJsonArray {QStringLiteral("a"), QStringLiteral("b")}}}));
    QCOMPARE(answer.status, 401);

    answer
        = tryStream(port(),
                    tokenOf(m_edA,
                            {{QStringLiteral("iss"), iss},
                             {QStringLiteral("aud"),
                              QJsonArray {QStringLiteral("other"), QStringLiteral("ssehub-eu")}}}));
    QCOMPARE(answer.status, 200);
    answer = tryStream(
        port(), tokenOf(m_rsaA, {{QStringLiteral("iss"), iss}, {QStringLiteral("aud"), aud}}));
    QCOMPARE(answer.status, 200);
}

// GET /metrics (admin, over HTTP): ssehub_token_verifications_total moves by result, one count
// per verification (an admin token remembered by the cache is not verified again).
void TestJwks::verificationMetrics()
{
    QFile acl(m_dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly | QIODevice::Truncate));
    acl.write(R"({"anonymous": null,
                  "roles": {"reader": {"subscribe": ["jwks/#"]}, "admin": {"admin": true}},
                  "clients": {"ops": ["admin"]}})");
    acl.close();
    Engine::Config config;
    config.aclFile = acl.fileName();
    QVERIFY(startWithJwks(config));
    const auto admin
        = authorization(tokenOf(m_rsaA, {{QStringLiteral("sub"), QStringLiteral("ops")}}));
    const auto metrics = [&] {
        const HttpResponse answer = request(port(), "GET", "/metrics", {}, {}, admin);
        return answer.status == 200 ? answer.body : QByteArray();
    };
    const QByteArray first = metrics();
    QVERIFY(!first.isEmpty());
    QVERIFY2(sample(first, verifications("verified")) >= 1, first.constData());
    QCOMPARE(sample(first, fetches("loaded")), 1.0);
    QCOMPARE(sample(first, "ssehub_jwks_keys"), 3.0);
    QVERIFY(sample(first, "ssehub_jwks_loaded_timestamp_seconds") > 1.6e9);
    QCOMPARE(
        request(port(), "GET", "/metrics", {}, {},
                authorization(tokenOf(m_rsaA, {{QStringLiteral("sub"), QStringLiteral("dev")}})))
            .status,
        403);
    const QByteArray before = metrics();

    const QJsonObject reader {{QStringLiteral("roles"), QJsonArray {QStringLiteral("reader")}}};
    for (const Key *key : {&m_rsaA, &m_ecA, &m_edA})
        QCOMPARE(tryStream(port(), tokenOf(*key, reader)).status, 200);
    for (const Key *key : {&m_rsaB, &m_ecB}) {
        Key forger = *key;
        forger.kid = key == &m_rsaB ? m_rsaA.kid : m_ecA.kid; // the set's kid, another key
        QCOMPARE(tryStream(port(), tokenOf(forger, reader)).status, 401);
    }
    QCOMPARE(tryStream(port(), "not.a-token").status, 401);
    const QByteArray after = metrics();
    const auto moved = [&](const char *result) {
        return sample(after, verifications(result)) - sample(before, verifications(result));
    };
    QCOMPARE(moved("verified"), 3.0);
    QCOMPARE(moved("bad_signature"), 2.0);
    QCOMPARE(moved("malformed"), 1.0);
    QCOMPARE(moved("unknown_key"), 0.0);
    QCOMPARE(moved("algorithm"), 0.0);
    // The same figures as the engine's own text.
    QCOMPARE(metric(verifications("bad_signature")), sample(after, verifications("bad_signature")));
}

QTEST_GUILESS_MAIN(TestJwks)
#include "tst_jwks.moc"
