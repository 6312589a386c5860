#include "auth/auth.h"

#include "hub/client.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

#include <algorithm>
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

// --- JWT -----------------------------------------------------------------------------------------

JwtVerifier::JwtVerifier(QByteArray secret, qint64 leewayMs, bool allowNoExpiry)
    : m_secret(std::move(secret))
    , m_leewayMs(leewayMs)
    , m_allowNoExpiry(allowNoExpiry)
{
}

QString JwtVerifier::verify(const QByteArray &token, qint64 nowMs, Identity *identity) const
{
    if (!isEnabled())
        return QStringLiteral("tokens are not accepted by this server (no --jwt-secret-file)");
    if (token.size() > 8192)
        return QStringLiteral("token too long");
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return QStringLiteral("malformed token (expected header.payload.signature)");
    QByteArray headerJson, payloadJson, signature;
    if (!base64UrlDecode(parts.at(0), &headerJson) || !base64UrlDecode(parts.at(1), &payloadJson)
        || !base64UrlDecode(parts.at(2), &signature))
        return QStringLiteral("malformed token (not base64url)");
    QJsonParseError parseError;
    const QJsonDocument header = QJsonDocument::fromJson(headerJson, &parseError);
    if (parseError.error != QJsonParseError::NoError || !header.isObject())
        return QStringLiteral("malformed token header");
    if (hasDuplicateKeys(headerJson))
        return QStringLiteral("malformed token header (a key appears twice)");
    const QJsonValue alg = header.object().value(QLatin1String("alg"));
    if (alg.toString() != QLatin1String("HS256"))
        return QStringLiteral("token algorithm '%1' is not accepted (only HS256)")
            .arg(alg.isString() ? alg.toString() : QStringLiteral("?"));
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
    return {};
}

// --- ACL -----------------------------------------------------------------------------------------

Acl Acl::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("not a JSON object (%1)").arg(parseError.errorString());
        return {};
    }
    const QJsonObject root = doc.object();
    Acl acl;
    acl.m_enabled = true;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("anonymous") && it.key() != QLatin1String("roles")
            && it.key() != QLatin1String("clients") && it.key() != QLatin1String("units")) {
            *error = QStringLiteral("unknown key '%1'").arg(it.key());
            return {};
        }
    }
    const QJsonValue anonymous = root.value(QLatin1String("anonymous"));
    if (!anonymous.isUndefined() && !anonymous.isNull() && !anonymous.isString()) {
        *error = QStringLiteral("'anonymous' must be null or a role name");
        return {};
    }
    acl.m_anonymous = anonymous.toString();

    const QJsonObject roles = root.value(QLatin1String("roles")).toObject();
    for (auto it = roles.begin(); it != roles.end(); ++it) {
        if (!it.value().isObject()) {
            *error = QStringLiteral("roles.%1 must be an object").arg(it.key());
            return {};
        }
        const QJsonObject r = it.value().toObject();
        Role role;
        for (auto field = r.begin(); field != r.end(); ++field) {
            const QString key = field.key();
            if (key == QLatin1String("admin")) {
                if (!field.value().isBool()) {
                    *error = QStringLiteral("roles.%1.admin must be true or false").arg(it.key());
                    return {};
                }
                role.admin = field.value().toBool();
                continue;
            }
            QList<QByteArray> *list = key == QLatin1String("subscribe") ? &role.subscribe
                : key == QLatin1String("publish")                       ? &role.publish
                : key == QLatin1String("deny")                          ? &role.deny
                                                                        : nullptr;
            if (!list) {
                *error = QStringLiteral("unknown key roles.%1.%2").arg(it.key(), key);
                return {};
            }
            if (!field.value().isArray()) {
                *error
                    = QStringLiteral("roles.%1.%2 must be an array of filters").arg(it.key(), key);
                return {};
            }
            for (const QJsonValue &v : field.value().toArray()) {
                QString problem;
                // %c is checked as a plain level; it is substituted per request.
                if (!v.isString()
                    || !TopicFilter::parse(v.toString().toUtf8(), &problem).isValid()) {
                    *error = QStringLiteral("roles.%1.%2: %3")
                                 .arg(it.key(), key,
                                      v.isString() ? problem : QStringLiteral("not a string"));
                    return {};
                }
                list->append(v.toString().toUtf8());
            }
        }
        acl.m_roles.insert(it.key(), role);
    }
    if (!acl.m_anonymous.isEmpty() && !acl.m_roles.contains(acl.m_anonymous)) {
        *error = QStringLiteral("'anonymous' names the unknown role '%1'").arg(acl.m_anonymous);
        return {};
    }
    const QJsonObject clients = root.value(QLatin1String("clients")).toObject();
    for (auto it = clients.begin(); it != clients.end(); ++it) {
        QStringList names;
        for (const QJsonValue &v : it.value().toArray()) {
            if (!v.isString() || !acl.m_roles.contains(v.toString())) {
                *error = QStringLiteral("clients.%1 names an unknown role").arg(it.key());
                return {};
            }
            names << v.toString();
        }
        if (!it.value().isArray()) {
            *error = QStringLiteral("clients.%1 must be an array of role names").arg(it.key());
            return {};
        }
        acl.m_clients.insert(it.key(), names);
    }
    const QJsonObject units = root.value(QLatin1String("units")).toObject();
    for (auto it = units.begin(); it != units.end(); ++it) {
        QStringList names;
        for (const QJsonValue &v : it.value().toArray()) {
            if (!v.isString() || !acl.m_roles.contains(v.toString())) {
                *error = QStringLiteral("units.%1 names an unknown role").arg(it.key());
                return {};
            }
            names << v.toString();
        }
        acl.m_units.insert(it.key(), names);
    }
    error->clear();
    return acl;
}

Acl Acl::fromFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the ACL file %1: %2").arg(path, file.errorString());
        return {};
    }
    Acl acl = fromJson(file.read(1024 * 1024), error);
    if (!error->isEmpty())
        *error = QStringLiteral("ACL file %1: %2").arg(path, *error);
    return acl;
}

QList<TopicFilter> Acl::rules(const Identity &who, QList<QByteArray> Role::*list) const
{
    const QByteArray id = who.clientId.toUtf8();
    const bool idUsable = validateAuthenticatedClientId(id).isEmpty();
    QList<TopicFilter> out;
    for (const QString &name : who.roles) {
        const auto role = m_roles.constFind(name);
        if (role == m_roles.cend())
            continue;
        for (const QByteArray &text : (*role).*list) {
            QList<QByteArray> levels = text.split('/');
            if (levels.contains("%c") && !idUsable) {
                // No id, or one that would act as a wildcard or span levels: an allow rule
                // never matches; a deny rule fails closed and denies for every id.
                if (list != &Role::deny)
                    continue;
                std::replace(levels.begin(), levels.end(), QByteArray("%c"), QByteArray("+"));
            } else {
                std::replace(levels.begin(), levels.end(), QByteArray("%c"), id);
            }
            TopicFilter f = TopicFilter::parse(levels.join('/'));
            if (!f.isValid() && list == &Role::deny) {
                // Too long with this id: the deny rule still holds, for every id.
                levels = text.split('/');
                std::replace(levels.begin(), levels.end(), QByteArray("%c"), QByteArray("+"));
                f = TopicFilter::parse(levels.join('/'));
            }
            if (f.isValid())
                out.append(f);
        }
    }
    return out;
}

QString Acl::checkSubscribe(const Identity &who, const TopicFilter &filter) const
{
    if (!m_enabled)
        return {};
    for (const TopicFilter &deny : rules(who, &Role::deny)) {
        if (filtersIntersect(filter, deny))
            return QStringLiteral("filter '%1' may match topics denied by '%2'")
                .arg(QString::fromUtf8(filter.text()), QString::fromUtf8(deny.text()));
    }
    QList<TopicFilter> allowed = rules(who, &Role::subscribe);
    allowed += who.subscribeGrants;
    for (const TopicFilter &rule : std::as_const(allowed)) {
        if (filterWithin(filter, rule))
            return {};
    }
    return QStringLiteral("filter '%1' is not within what this client may subscribe to")
        .arg(QString::fromUtf8(filter.text()));
}

QString Acl::checkPublish(const Identity &who, const QByteArray &topic) const
{
    if (!m_enabled)
        return {};
    for (const TopicFilter &deny : rules(who, &Role::deny)) {
        if (deny.matches(topic))
            return QStringLiteral("topic '%1' is denied by '%2'")
                .arg(QString::fromUtf8(topic), QString::fromUtf8(deny.text()));
    }
    QList<TopicFilter> allowed = rules(who, &Role::publish);
    allowed += who.publishGrants;
    for (const TopicFilter &rule : std::as_const(allowed)) {
        if (rule.matches(topic))
            return {};
    }
    return QStringLiteral("this client may not publish to '%1'").arg(QString::fromUtf8(topic));
}

bool Acl::isAdmin(const Identity &who) const
{
    if (!m_enabled)
        return true;
    for (const QString &name : who.roles) {
        if (m_roles.value(name).admin)
            return true;
    }
    return false;
}

// --- Authenticator -------------------------------------------------------------------------------

Authenticator::Authenticator(Options options)
    : m_options(std::move(options))
    , m_jwt(m_options.jwtSecret, m_options.leewayMs, m_options.allowTokensWithoutExp)
{
}

QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name)
{
    for (const QByteArray &pair : cookieHeader.split(';')) {
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0 && pair.left(eq).trimmed() == name)
            return pair.mid(eq + 1).trimmed();
    }
    return {};
}

QString Authenticator::identify(const Credentials &credentials, qint64 nowMs,
                                Identity *identity) const
{
    *identity = Identity();
    QByteArray token;
    if (!credentials.authorization.isEmpty()) {
        const QByteArray value = credentials.authorization.trimmed();
        if (!value.toLower().startsWith("bearer "))
            return QStringLiteral("the Authorization header must be 'Bearer <token>'");
        token = value.mid(7).trimmed();
    } else if (credentials.hasQueryToken) {
        token = credentials.queryToken;
    } else {
        token = cookieValue(credentials.cookieHeader, m_options.cookieName);
    }
    if (!token.isEmpty()) {
        const QString problem = m_jwt.verify(token, nowMs, identity);
        if (!problem.isEmpty())
            return problem;
        for (const QString &role : m_options.acl.rolesOf(identity->clientId))
            identity->roles.insert(role);
        return {};
    }
    if (!isEnabled())
        return {}; // nothing configured: open, as the embedded default
    if (m_options.acl.isEnabled() && !m_options.acl.anonymousRole().isEmpty()) {
        identity->roles.insert(m_options.acl.anonymousRole());
        return {};
    }
    return QStringLiteral("authentication required: a Bearer token (Authorization header, the %1 "
                          "cookie, or access_token)")
        .arg(QString::fromLatin1(m_options.cookieName));
}

QString Authenticator::identifyCertificate(const QStringList &commonNames, const QStringList &units,
                                           qint64 expiresAtMs, Identity *identity) const
{
    *identity = Identity();
    if (commonNames.size() > 1)
        return QStringLiteral("the client certificate has %1 common names; it needs exactly one "
                              "(the client id)")
            .arg(commonNames.size());
    const QString commonName = commonNames.value(0);
    if (const QString problem = validateAuthenticatedClientId(commonName.toUtf8());
        !problem.isEmpty())
        return QStringLiteral("the client certificate needs a common name usable as a client id "
                              "(%1)")
            .arg(problem);
    identity->authenticated = true;
    identity->clientId = commonName;
    identity->expiresAtMs = expiresAtMs;
    identity->certificate = true;
    identity->units = units;
    for (const QString &role : m_options.acl.rolesOf(commonName))
        identity->roles.insert(role);
    for (const QString &unit : units) {
        for (const QString &role : m_options.acl.rolesOfUnit(unit))
            identity->roles.insert(role);
    }
    return {};
}

Identity Authenticator::standing(const QString &clientId) const
{
    Identity who;
    who.authenticated = true;
    who.clientId = clientId;
    for (const QString &role : m_options.acl.rolesOf(clientId))
        who.roles.insert(role);
    return who;
}

QString Authenticator::reidentify(const Identity &old, qint64 nowMs, Identity *identity) const
{
    if (!old.token.isEmpty()) {
        Credentials credentials;
        credentials.authorization = "Bearer " + old.token;
        return identify(credentials, nowMs, identity);
    }
    if (old.certificate)
        return identifyCertificate(QStringList {old.clientId}, old.units, old.expiresAtMs,
                                   identity);
    if (old.authenticated) {
        *identity = Identity(); // nothing to verify it with again: it does not hold
        return QStringLiteral("the credentials cannot be verified again");
    }
    return identify(Credentials(), nowMs, identity); // the anonymous role, if any
}

QString Authenticator::checkSubscribe(const Identity &who, const TopicFilter &filter) const
{
    if (!m_options.acl.isEnabled()) {
        // Tokens without an ACL: a token's own grants, if it has any, limit it.
        if (!who.authenticated || who.subscribeGrants.isEmpty())
            return {};
        for (const TopicFilter &rule : who.subscribeGrants) {
            if (filterWithin(filter, rule))
                return {};
        }
        return QStringLiteral("filter '%1' is not within the token's subscribe grants")
            .arg(QString::fromUtf8(filter.text()));
    }
    return m_options.acl.checkSubscribe(who, filter);
}

QString Authenticator::checkPublish(const Identity &who, const QByteArray &topic) const
{
    if (!m_options.acl.isEnabled()) {
        if (!who.authenticated || who.publishGrants.isEmpty())
            return {};
        for (const TopicFilter &rule : who.publishGrants) {
            if (rule.matches(topic))
                return {};
        }
        return QStringLiteral("the token may not publish to '%1'").arg(QString::fromUtf8(topic));
    }
    return m_options.acl.checkPublish(who, topic);
}

bool Authenticator::isAdmin(const Identity &who) const
{
    if (!m_options.acl.isEnabled())
        return !isEnabled(); // tokens alone grant no admin rights; nothing configured: open
    return m_options.acl.isAdmin(who);
}

} // namespace ssehub
