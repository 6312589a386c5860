#include "auth/auth.h"

#include "hub/client.h"

#include <algorithm>

namespace ssehub {

Authenticator::Authenticator(Options options)
    : m_options(std::move(options))
    , m_jwt(m_options.jwtSecret, m_options.leewayMs, m_options.allowTokensWithoutExp)
{
    if (!m_options.publicKeys.isEmpty())
        m_jwt.setKeys(m_options.publicKeys);
    if (m_options.keyRing)
        m_jwt.setKeyRing(m_options.keyRing);
    m_jwt.setIssuer(m_options.issuer);
    m_jwt.setAudiences(m_options.audiences);
    if (m_options.cache.tokenBytes > 0 || m_options.cache.decisionBytes > 0)
        m_cache = std::make_shared<AuthCache>(m_options.cache);
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

QString Authenticator::identify(const Credentials &credentials, qint64 nowMs, Identity *identity,
                                int *status) const
{
    if (status)
        *status = 401;
    *identity = Identity();
    QByteArray token;
    if (!credentials.authorization.isEmpty()) {
        const QByteArray value = credentials.authorization.trimmed();
        if (value.size() < 7 || qstrnicmp(value.constData(), "bearer ", 7) != 0)
            return QStringLiteral("the Authorization header must be 'Bearer <token>'");
        token = value.sliced(7).trimmed();
    } else if (credentials.hasQueryToken) {
        token = credentials.queryToken;
    } else {
        token = cookieValue(credentials.cookieHeader, m_options.cookieName);
    }
    if (!token.isEmpty()) {
        // Only what verified is remembered: a forged or expired token is checked every time
        // and takes no room from good ones.
        if (m_cache && m_cache->findIdentity(token, nowMs, identity))
            return {};
        TokenValidity validity;
        TokenCheck outcome = TokenCheck::Verified;
        const QString problem = m_jwt.verify(token, nowMs, identity, &validity, &outcome);
        if (!problem.isEmpty()) {
            if (status && outcome == TokenCheck::NoKeySet)
                *status = 503;
            return problem;
        }
        for (const QString &role : m_options.acl.rolesOf(identity->clientId))
            identity->roles.insert(role);
        if (m_cache && credentials.remember)
            m_cache->insertIdentity(token, *identity, validity, nowMs);
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

bool Authenticator::hasToken(const Credentials &credentials) const
{
    return !credentials.authorization.isEmpty() || credentials.hasQueryToken
        || !cookieValue(credentials.cookieHeader, m_options.cookieName).isEmpty();
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
        credentials.remember = false; // a stream's token, verified again for a reload
        return identify(credentials, nowMs, identity);
    }
    if (old.hook) {
        // The backend is not asked again: its answer holds until its expiry.
        *identity = old;
        if (old.expiresAtMs && old.expiresAtMs <= nowMs) {
            *identity = Identity();
            return QStringLiteral("the auth hook's allowance expired");
        }
        return {};
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

template<typename Decide>
QString Authenticator::remembered(const QByteArray &key, Decide decide) const
{
    QString decision;
    if (!m_cache->findDecision(key, &decision)) {
        decision = decide();
        m_cache->insertDecision(key, decision);
    }
    return decision;
}

QString Authenticator::checkSubscribe(const Identity &who, const TopicFilter &filter) const
{
    if (!m_options.acl.isEnabled() && !who.hook
        && (!who.authenticated || who.subscribeGrants.isEmpty()))
        return {}; // nothing to evaluate
    if (!m_cache)
        return decideSubscribe(who, filter);
    return remembered(decisionKey('s', who, who.subscribeGrants, filter.text(), filter.isValid(),
                                  m_options.acl.usesClientId()),
                      [&] { return decideSubscribe(who, filter); });
}

QString Authenticator::checkPublish(const Identity &who, const QByteArray &topic) const
{
    if (isSystemTopic(topic))
        return QStringLiteral("topics under $SYS/ are published by the hub only");
    if (!m_options.acl.isEnabled() && !who.hook
        && (!who.authenticated || who.publishGrants.isEmpty()))
        return {};
    if (!m_cache)
        return decidePublish(who, topic);
    return remembered(
        decisionKey('p', who, who.publishGrants, topic, true, m_options.acl.usesClientId()),
        [&] { return decidePublish(who, topic); });
}

AuthCache::Stats Authenticator::cacheStats() const
{
    return m_cache ? m_cache->stats() : AuthCache::Stats();
}

void Authenticator::forgetTokens() const
{
    if (m_cache)
        m_cache->forgetIdentities();
}

QString Authenticator::decideSubscribe(const Identity &who, const TopicFilter &filter) const
{
    if (who.hook)
        return decideHook(
            who, who.subscribeGrants, who.subscribeGrantsBind,
            [&](const TopicFilter &rule) { return filterWithin(filter, rule); },
            [&](const Identity &byRoles) { return m_options.acl.checkSubscribe(byRoles, filter); },
            QStringLiteral("filter '%1' is not within the auth hook's subscribe "
                           "grants")
                .arg(QString::fromUtf8(filter.text())));
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

QString Authenticator::decidePublish(const Identity &who, const QByteArray &topic) const
{
    if (who.hook)
        return decideHook(
            who, who.publishGrants, who.publishGrantsBind,
            [&](const TopicFilter &rule) { return rule.matches(topic); },
            [&](const Identity &byRoles) { return m_options.acl.checkPublish(byRoles, topic); },
            QStringLiteral("the auth hook's answer does not allow publishing to '%1'")
                .arg(QString::fromUtf8(topic)));
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

template<typename Within, typename ByRoles>
QString Authenticator::decideHook(const Identity &who, const QList<TopicFilter> &grants,
                                  bool grantsBind, Within within, ByRoles byRoles,
                                  const QString &outside) const
{
    // The answer's list is the limit; its roles, through the ACL, a further one. The ACL adds
    // nothing to a list (a role's rules do not widen what the hook granted).
    if (grantsBind && std::none_of(grants.cbegin(), grants.cend(), within))
        return outside;
    if (m_options.acl.isEnabled() && !who.roles.isEmpty()) {
        Identity roles = who;
        roles.subscribeGrants.clear();
        roles.publishGrants.clear();
        return byRoles(roles);
    }
    return grantsBind ? QString() : outside;
}

bool Authenticator::seesPresence(const Identity &who, const TopicFilter &filter) const
{
    if (!m_options.acl.isEnabled())
        return !isEnabled();
    return m_options.acl.seesPresence(who, filter);
}

bool Authenticator::isAdmin(const Identity &who) const
{
    if (!m_options.acl.isEnabled())
        return !isEnabled(); // tokens alone grant no admin rights; nothing configured: open
    return m_options.acl.isAdmin(who);
}

} // namespace ssehub
