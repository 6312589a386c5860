#include "auth/jwt.h"

#include "auth/jose.h"
#include "hub/client.h"

#include <QStringList>

#include <algorithm>

namespace ssehub {

namespace {

// The base64url of the HS256 headers that JWT libraries write (key order and spacing as they do).
bool isKnownHs256Header(QByteArrayView encoded)
{
    static const QList<QByteArray> known = [] {
        QList<QByteArray> texts;
        for (const char *json : {R"({"alg":"HS256","typ":"JWT"})", R"({"typ":"JWT","alg":"HS256"})",
                                 R"({"alg":"HS256"})", R"({"alg": "HS256", "typ": "JWT"})",
                                 R"({"typ": "JWT", "alg": "HS256"})"})
            texts.append(jose::base64UrlEncode(json));
        return texts;
    }();
    return known.contains(encoded);
}

// Header texts larger than this are refused undecoded (RFC 7515 headers of HS256 and the
// algorithms of keys are under 300 bytes).
constexpr qsizetype MaxEncodedHeaderBytes = 1024;

// Keys one token is tried against, at most (each try is a signature check a forger gets for
// free): the keys of its algorithm without a kid, or those its kid names.
constexpr qsizetype MaxKeysTried = JwtVerifier::MaxKeysTried;

// Text of a token for a message or a log line: printable ASCII, '?' for anything else.
QString printable(const QByteArray &text)
{
    QString out;
    out.reserve(text.size());
    for (const char c : text)
        out += c >= 0x20 && c < 0x7f ? QLatin1Char(c) : QLatin1Char('?');
    return out;
}

// A numeric date claim in ms; false if present and not a number.
bool dateClaim(const jose::Value &claims, QByteArrayView name, qint64 *ms)
{
    const jose::Value *v = claims.member(name);
    if (!v) {
        *ms = 0;
        return true;
    }
    if (!v->isNumber() || v->number < 0 || v->number > 1e13)
        return false;
    *ms = qint64(v->number * 1000);
    // A date within the epoch's first ms is still a date: 0 would read as "none".
    if (*ms == 0 && v->number > 0)
        *ms = 1;
    return true;
}

bool filterList(const jose::Value *value, QList<TopicFilter> *out)
{
    if (!value)
        return true;
    if (!value->isStringArray())
        return false;
    for (const jose::Value &v : value->items) {
        const TopicFilter f = TopicFilter::parse(v.string);
        if (!f.isValid())
            return false;
        out->append(f);
    }
    return true;
}

} // namespace

JwtVerifier::JwtVerifier(QByteArray secret, qint64 leewayMs, bool allowNoExpiry)
    : m_secret(std::move(secret))
    , m_hmac(std::make_shared<const Hmac>(Hmac::Digest::Sha256, m_secret))
    , m_leewayMs(leewayMs)
    , m_allowNoExpiry(allowNoExpiry)
{
}

QString JwtVerifier::verify(const QByteArray &token, qint64 nowMs, Identity *identity,
                            TokenValidity *validity, TokenCheck *outcome) const
{
    TokenCheck result = TokenCheck::Malformed;
    QString problem = check(token, nowMs, identity, validity, &result);
    if (problem.isEmpty())
        result = TokenCheck::Verified;
    if (m_ring)
        m_ring->count(result);
    if (outcome)
        *outcome = result;
    return problem;
}

QString JwtVerifier::check(const QByteArray &token, qint64 nowMs, Identity *identity,
                           TokenValidity *validity, TokenCheck *result) const
{
    if (!isEnabled())
        return QStringLiteral("tokens are not accepted by this server (no --jwt-secret-file or "
                              "key)");
    if (token.size() > 8192)
        return QStringLiteral("token too long");
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (firstDot <= 0 || secondDot <= firstDot + 1 || token.indexOf('.', secondDot + 1) >= 0)
        return QStringLiteral("malformed token (expected header.payload.signature)");
    const QByteArrayView encodedHeader = QByteArrayView(token).first(firstDot);
    QByteArray alg = "HS256";
    QByteArray kid;
    const QByteArrayView signingInput = QByteArrayView(token).first(secondDot);
    QByteArray payloadJson, signature;
    if (!jose::base64UrlDecode(signingInput.sliced(firstDot + 1), &payloadJson)
        || !jose::base64UrlDecode(QByteArrayView(token).sliced(secondDot + 1), &signature))
        return QStringLiteral("malformed token (not base64url)");
    // The headers libraries write are a handful of exact texts: those are known to be good
    // (HS256) without decoding them again for every token; any other is read in full.
    if (!isKnownHs256Header(encodedHeader)) {
        // Read before the signature is checked, so anyone can send one: a header is a few
        // names, and a large one would only make a forger's request cost more.
        if (encodedHeader.size() > MaxEncodedHeaderBytes)
            return QStringLiteral("malformed token header (over %1 bytes)")
                .arg(MaxEncodedHeaderBytes);
        QByteArray headerJson;
        if (!jose::base64UrlDecode(encodedHeader, &headerJson))
            return QStringLiteral("malformed token (not base64url)");
        jose::Value header;
        QString problem;
        if (!jose::parseObject(headerJson, &header, &problem))
            return QStringLiteral("malformed token header (%1)").arg(problem);
        const jose::Value *algValue = header.member("alg");
        if (!algValue || !algValue->isString())
            return QStringLiteral("malformed token header (no alg)");
        alg = algValue->string;
        if (const jose::Value *kidValue = header.member("kid")) {
            if (!kidValue->isString() || kidValue->string.size() > 256)
                return QStringLiteral("malformed token header (kid must be a string of up to "
                                      "256 bytes)");
            kid = kidValue->string;
        }
        // RFC 7515 4.1.11: extensions the token marks critical must be understood; none is.
        if (header.member("crit"))
            return QStringLiteral("token header lists critical extensions (crit) this server "
                                  "does not support");
    }
    *result = TokenCheck::Algorithm;
    if (alg == "HS256" && !m_secret.isEmpty()) {
        if (!m_hmac->verify(signingInput, signature)) {
            *result = TokenCheck::BadSignature;
            return QStringLiteral("token signature is not valid");
        }
    } else if (isKeyAlgorithm(alg) && hasKeys()) {
        if (const QString problem = verifyWithKey(alg, kid, signingInput, signature, result);
            !problem.isEmpty())
            return problem;
    } else {
        return QStringLiteral("token algorithm '%1' is not accepted (%2)")
            .arg(printable(alg.left(40)), acceptedAlgorithms());
    }

    *result = TokenCheck::Malformed;
    jose::Value claims;
    if (QString problem; !jose::parseObject(payloadJson, &claims, &problem))
        return QStringLiteral("malformed token payload (%1)").arg(problem);
    qint64 exp = 0, nbf = 0;
    if (!dateClaim(claims, "exp", &exp) || !dateClaim(claims, "nbf", &nbf))
        return QStringLiteral("token exp/nbf must be numbers (seconds since the epoch)");
    if (exp <= 0 && !m_allowNoExpiry) {
        *result = TokenCheck::Claims;
        return QStringLiteral("token has no expiry (exp); this server accepts only tokens that "
                              "expire (see --allow-tokens-without-exp)");
    }
    *result = TokenCheck::Expired;
    if (exp && nowMs >= exp + m_leewayMs)
        return QStringLiteral("token expired");
    if (nbf && nowMs + m_leewayMs < nbf)
        return QStringLiteral("token not valid yet (nbf)");
    *result = TokenCheck::Claims;
    if (!m_issuer.isEmpty()) {
        const jose::Value *iss = claims.member("iss");
        if (!iss || !iss->isString() || iss->string != m_issuer)
            return QStringLiteral("token issuer (iss) is not the one this server accepts");
    }
    if (!m_audiences.isEmpty()) {
        // RFC 7519 4.1.3: one audience as a string, or several in an array.
        const jose::Value *aud = claims.member("aud");
        bool ours = false;
        if (aud && aud->isString())
            ours = m_audiences.contains(aud->string);
        else if (aud && aud->isStringArray())
            ours
                = std::any_of(aud->items.cbegin(), aud->items.cend(), [this](const jose::Value &v) {
                      return m_audiences.contains(v.string);
                  });
        if (!ours)
            return QStringLiteral("token audience (aud) does not name this server");
    }
    const jose::Value *sub = claims.member("sub");
    if (!sub || !sub->isString())
        return QStringLiteral("token needs a valid sub (the client id)");
    if (const QString problem = validateAuthenticatedClientId(sub->string); !problem.isEmpty())
        return QStringLiteral("token needs a valid sub (the client id): %1").arg(problem);

    Identity who;
    who.authenticated = true;
    who.clientId = QString::fromUtf8(sub->string);
    who.expiresAtMs = exp ? exp + m_leewayMs : 0;
    who.token = token;
    if (const jose::Value *roles = claims.member("roles")) {
        if (!roles->isStringArray())
            return QStringLiteral("token roles must be an array of strings");
        for (const jose::Value &r : roles->items)
            who.roles.insert(QString::fromUtf8(r.string));
    }
    if (!filterList(claims.member("subscribe"), &who.subscribeGrants)
        || !filterList(claims.member("publish"), &who.publishGrants))
        return QStringLiteral("token subscribe/publish must be arrays of valid topic filters");
    *identity = std::move(who);
    if (validity) {
        // The same bounds as the checks above: expired once nowMs >= exp + leeway, not valid
        // yet while nowMs + leeway < nbf.
        *validity = TokenValidity();
        if (exp)
            validity->untilMs = exp + m_leewayMs;
        if (nbf)
            validity->fromMs = nbf - m_leewayMs;
    }
    return {};
}

void JwtVerifier::setKeys(QList<VerifyKey> keys)
{
    m_keys = std::make_shared<const QList<VerifyKey>>(std::move(keys));
}

bool JwtVerifier::hasKeys() const
{
    return (m_keys && !m_keys->isEmpty()) || (m_ring && m_ring->expectsFetched());
}

QString JwtVerifier::acceptedAlgorithms() const
{
    QStringList names;
    if (!m_secret.isEmpty())
        names << QStringLiteral("HS256");
    for (const QByteArray &alg : keyAlgorithms()) {
        const auto verifies = [&alg](const VerifyKey &k) { return k.allows(alg); };
        if ((m_keys && std::any_of(m_keys->cbegin(), m_keys->cend(), verifies))
            || (m_ring && std::any_of(m_ring->fetched().cbegin(), m_ring->fetched().cend(),
                                      verifies)))
            names << QString::fromLatin1(alg);
    }
    if (names.isEmpty())
        return QStringLiteral("no key set loaded yet");
    return names.size() == 1 ? QStringLiteral("only %1").arg(names.first())
                             : QStringLiteral("accepted: %1").arg(names.join(QStringLiteral(", ")));
}

QString JwtVerifier::verifyWithKey(const QByteArray &alg, const QByteArray &kid,
                                   QByteArrayView signingInput, QByteArrayView signature,
                                   TokenCheck *result) const
{
    // The key is chosen by kid; without one, among the few keys of that algorithm. The key
    // files' keys first, then the JWKS URL's.
    // A key without a kid (a key file's) serves tokens with any kid or none.
    QList<const VerifyKey *> candidates;
    bool kidFetched = false;
    const auto collect = [&](const QList<VerifyKey> &keys) {
        for (const VerifyKey &key : keys) {
            if (!key.allows(alg))
                continue;
            if (kid.isEmpty() || key.kid().isEmpty() || key.kid() == kid)
                candidates << &key;
            kidFetched = kidFetched || (!kid.isEmpty() && key.kid() == kid);
        }
    };
    if (m_keys)
        collect(*m_keys);
    const bool fromFiles = !candidates.isEmpty();
    if (m_ring)
        collect(m_ring->fetched());
    // A kid the JWKS does not have: perhaps a key the provider has just added, and the
    // fetcher may look again (at most once per interval, whatever the flood).
    if (!kid.isEmpty() && !kidFetched && m_ring && m_ring->hasFetched() && m_ring->onUnknownKid)
        m_ring->onUnknownKid();
    if (candidates.isEmpty()) {
        *result = TokenCheck::UnknownKey;
        if (m_ring && m_ring->expectsFetched() && !m_ring->hasFetched() && !fromFiles) {
            *result = TokenCheck::NoKeySet;
            return QStringLiteral("no key set has been loaded from the JWKS URL yet");
        }
        if (kid.isEmpty())
            return QStringLiteral("no key of this server verifies %1 tokens")
                .arg(QLatin1String(alg));
        return QStringLiteral("token key '%1' is not known for %2")
            .arg(printable(kid.left(64)), QLatin1String(alg));
    }
    if (candidates.size() > MaxKeysTried) {
        *result = TokenCheck::UnknownKey;
        return kid.isEmpty() ? QStringLiteral("token needs a kid: this server has %1 keys for %2")
                                   .arg(candidates.size())
                                   .arg(QLatin1String(alg))
                             : QStringLiteral("token key '%1' names %2 keys for %3")
                                   .arg(printable(kid.left(64)))
                                   .arg(candidates.size())
                                   .arg(QLatin1String(alg));
    }
    for (const VerifyKey *key : std::as_const(candidates)) {
        if (key->verify(alg, signingInput, signature))
            return {};
    }
    *result = TokenCheck::BadSignature;
    return QStringLiteral("token signature is not valid");
}

} // namespace ssehub
