#include "auth/jwt.h"

#include "hub/client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

#include <cmath>

namespace ssehub {

namespace {

bool base64UrlDecode(QByteArrayView text, QByteArray *out)
{
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_';
        if (!ok)
            return false; // padding, '+', '/' and anything else: not base64url as JWT uses it
    }
    const auto options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
    const auto result = QByteArray::fromBase64Encoding(
        text.toByteArray(), options | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return false;
    // Canonical only: unused low bits of the last character must be zero (and no length that
    // cannot occur), so that one token has exactly one spelling.
    if (result.decoded.toBase64(options) != text)
        return false;
    *out = *result;
    return true;
}

// Whether a JSON text (already known to be valid) repeats a key in any object. Keys are
// compared after unescaping ("a" and "\u0061" are the same key).
bool hasDuplicateKeys(const QByteArray &json)
{
    struct Level
    {
        bool object = false;
        bool expectKey = false;
        QSet<QByteArray> keys;
    };
    QList<Level> stack;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (c == '{' || c == '[') {
            stack.append(Level {c == '{', c == '{', {}});
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
        } else if (c == ',') {
            if (!stack.isEmpty() && stack.last().object)
                stack.last().expectKey = true;
        } else if (c == ':') {
            if (!stack.isEmpty())
                stack.last().expectKey = false;
        } else if (c == '"') {
            const qsizetype start = i;
            bool escaped = false;
            for (++i; i < json.size(); ++i) {
                if (json.at(i) == '\\') {
                    ++i; // the escaped character
                    escaped = true;
                } else if (json.at(i) == '"') {
                    break;
                }
            }
            if (stack.isEmpty() || !stack.last().object || !stack.last().expectKey)
                continue;
            QByteArray key = json.mid(start + 1, i - start - 1); // without the quotes
            if (escaped) { // decoded by the JSON parser itself
                const QByteArray quoted = '"' + key + '"';
                key = QJsonDocument::fromJson('[' + quoted + ']').array().at(0).toString().toUtf8();
            }
            if (stack.last().keys.contains(key))
                return true;
            stack.last().keys.insert(key);
        }
    }
    return false;
}

// The base64url of the HS256 headers that JWT libraries write (key order and spacing as they do).
bool isKnownHs256Header(const QByteArray &encoded)
{
    static const QList<QByteArray> known = [] {
        QList<QByteArray> texts;
        const auto options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
        for (const char *json : {R"({"alg":"HS256","typ":"JWT"})", R"({"typ":"JWT","alg":"HS256"})",
                                 R"({"alg":"HS256"})", R"({"alg": "HS256", "typ": "JWT"})",
                                 R"({"typ": "JWT", "alg": "HS256"})"})
            texts.append(QByteArray(json).toBase64(options));
        return texts;
    }();
    return known.contains(encoded);
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

// A numeric date claim in ms; false if present and not a number.
bool dateClaim(const QJsonObject &claims, const char *name, qint64 *ms)
{
    const QJsonValue v = claims.value(QLatin1String(name));
    if (v.isUndefined()) {
        *ms = 0;
        return true;
    }
    if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < 0 || v.toDouble() > 1e13)
        return false;
    *ms = qint64(v.toDouble() * 1000);
    return true;
}

bool filterList(const QJsonValue &value, QList<TopicFilter> *out)
{
    if (value.isUndefined())
        return true;
    if (!value.isArray())
        return false;
    for (const QJsonValue &v : value.toArray()) {
        const TopicFilter f = TopicFilter::parse(v.toString().toUtf8());
        if (!v.isString() || !f.isValid())
            return false;
        out->append(f);
    }
    return true;
}

} // namespace

JwtVerifier::JwtVerifier(QByteArray secret, qint64 leewayMs, bool allowNoExpiry)
    : m_secret(std::move(secret))
    , m_leewayMs(leewayMs)
    , m_allowNoExpiry(allowNoExpiry)
{
}

QString JwtVerifier::verify(const QByteArray &token, qint64 nowMs, Identity *identity,
                            TokenValidity *validity) const
{
    if (!isEnabled())
        return QStringLiteral("tokens are not accepted by this server (no --jwt-secret-file)");
    if (token.size() > 8192)
        return QStringLiteral("token too long");
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return QStringLiteral("malformed token (expected header.payload.signature)");
    QByteArray headerJson, payloadJson, signature;
    if (!base64UrlDecode(parts.at(1), &payloadJson) || !base64UrlDecode(parts.at(2), &signature))
        return QStringLiteral("malformed token (not base64url)");
    QJsonParseError parseError;
    // The headers libraries write are a handful of exact texts: those are known to be good
    // (HS256) without decoding them again for every token; any other is read in full.
    if (!isKnownHs256Header(parts.at(0))) {
        if (!base64UrlDecode(parts.at(0), &headerJson))
            return QStringLiteral("malformed token (not base64url)");
        const QJsonDocument header = QJsonDocument::fromJson(headerJson, &parseError);
        if (parseError.error != QJsonParseError::NoError || !header.isObject())
            return QStringLiteral("malformed token header");
        if (hasDuplicateKeys(headerJson))
            return QStringLiteral("malformed token header (a key appears twice)");
        const QJsonValue alg = header.object().value(QLatin1String("alg"));
        if (alg.toString() != QLatin1String("HS256"))
            return QStringLiteral("token algorithm '%1' is not accepted (only HS256)")
                .arg(alg.isString() ? alg.toString() : QStringLiteral("?"));
    }
    const QByteArray expected = QMessageAuthenticationCode::hash(
        parts.at(0) + '.' + parts.at(1), m_secret, QCryptographicHash::Sha256);
    if (!constantTimeEquals(signature, expected))
        return QStringLiteral("token signature is not valid");

    const QJsonDocument payload = QJsonDocument::fromJson(payloadJson, &parseError);
    if (parseError.error != QJsonParseError::NoError || !payload.isObject())
        return QStringLiteral("malformed token payload");
    if (hasDuplicateKeys(payloadJson))
        return QStringLiteral("malformed token payload (a claim appears twice)");
    const QJsonObject claims = payload.object();
    qint64 exp = 0, nbf = 0;
    if (!dateClaim(claims, "exp", &exp) || !dateClaim(claims, "nbf", &nbf))
        return QStringLiteral("token exp/nbf must be numbers (seconds since the epoch)");
    if (exp <= 0 && !m_allowNoExpiry)
        return QStringLiteral("token has no expiry (exp); this server accepts only tokens that "
                              "expire (see --allow-tokens-without-exp)");
    if (exp && nowMs >= exp + m_leewayMs)
        return QStringLiteral("token expired");
    if (nbf && nowMs + m_leewayMs < nbf)
        return QStringLiteral("token not valid yet (nbf)");
    const QJsonValue sub = claims.value(QLatin1String("sub"));
    if (!sub.isString())
        return QStringLiteral("token needs a valid sub (the client id)");
    if (const QString problem = validateAuthenticatedClientId(sub.toString().toUtf8());
        !problem.isEmpty())
        return QStringLiteral("token needs a valid sub (the client id): %1").arg(problem);

    Identity who;
    who.authenticated = true;
    who.clientId = sub.toString();
    who.expiresAtMs = exp ? exp + m_leewayMs : 0;
    who.token = token;
    const QJsonValue roles = claims.value(QLatin1String("roles"));
    if (!roles.isUndefined()) {
        if (!roles.isArray())
            return QStringLiteral("token roles must be an array of strings");
        for (const QJsonValue &r : roles.toArray()) {
            if (!r.isString())
                return QStringLiteral("token roles must be an array of strings");
            who.roles.insert(r.toString());
        }
    }
    if (!filterList(claims.value(QLatin1String("subscribe")), &who.subscribeGrants)
        || !filterList(claims.value(QLatin1String("publish")), &who.publishGrants))
        return QStringLiteral("token subscribe/publish must be arrays of valid topic filters");
    *identity = who;
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

} // namespace ssehub
