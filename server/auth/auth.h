#pragma once

#include "auth/acl.h"
#include "auth/authcache.h"
#include "auth/identity.h"
#include "auth/jwt.h"
#include "proto/topicfilter.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace ssehub {

// What a request presents: the Authorization header, the token cookie, the access_token query
// parameter.
struct Credentials
{
    QByteArray authorization;
    QByteArray cookieHeader;
    QByteArray queryToken;
    bool hasQueryToken = false;
    // Whether a token verified now is remembered for the next request. A stream keeps its
    // identity for its whole life, so stream requests (and a reload's re-verification of
    // them) only look their token up: a storm of devices with a token each would otherwise
    // fill the cache with tokens asked for once and push out the ones asked for every second.
    bool remember = true;
};

// Ties JWT verification and the ACL together for the HTTP front. Verified tokens and ACL
// decisions are remembered in an AuthCache that every copy of this Authenticator shares (and
// that no Authenticator built from other options sees): see authcache.h.
class Authenticator
{
public:
    struct Options
    {
        QByteArray jwtSecret; // empty: HS256 tokens are not accepted
        QList<VerifyKey> publicKeys; // --jwt-public-key-file
        QByteArray issuer; // --jwt-issuer; empty: any
        QList<QByteArray> audiences; // --jwt-audience; empty: any
        // The engine's: the JWKS URL's keys and the verification counts (keyring.h).
        std::shared_ptr<KeyRing> keyRing;
        qint64 leewayMs = 30000;
        QByteArray cookieName = "ssehub_token";
        Acl acl;
        bool clientCertificates = false; // TLS with client certificates (--tls-client-ca)
        bool hook = false; // --auth-hook decides for requests without a token
        bool allowTokensWithoutExp = false; // --allow-tokens-without-exp
        AuthCache::Limits cache; // both byte bounds 0: nothing is remembered
    };

    Authenticator() = default;
    explicit Authenticator(Options options);

    // Whether any authentication or access control is configured.
    bool isEnabled() const
    {
        return m_jwt.isEnabled() || m_options.acl.isEnabled() || m_options.clientCertificates
            || m_options.hook;
    }
    // Whether the request presents a token at all (a header, the query or the cookie).
    bool hasToken(const Credentials &credentials) const;
    // The identity of a verified client certificate: its CN is the client id; roles come from
    // the ACL's `clients` (by CN) and `units` (by OU). Refused (an error message): no CN, more
    // than one CN, or a CN that is not a safe client id (validateAuthenticatedClientId).
    QString identifyCertificate(const QStringList &commonNames, const QStringList &units,
                                qint64 expiresAtMs, Identity *identity) const;
    // What a client is allowed by the ACL alone, without any token's or certificate's own
    // grants (its `clients` roles): what its stored subscriptions are checked against while it
    // has no live stream.
    Identity standing(const QString &clientId) const;
    // Verifies an identity again under these rules (a reload): its token, its certificate's
    // client id and units, or the anonymous role. Returns why it no longer holds, or an empty
    // string with *identity filled in afresh.
    QString reidentify(const Identity &old, qint64 nowMs, Identity *identity) const;
    const Acl &acl() const { return m_options.acl; }
    const JwtVerifier &jwt() const { return m_jwt; }
    const QByteArray &cookieName() const { return m_options.cookieName; }

    // Who is asking. Returns an empty string with *identity filled in, or why the request is
    // refused: *status 401 (bad or missing credentials), or 503 when a token signed with a key
    // cannot be verified because the JWKS URL has not given a key set yet.
    QString identify(const Credentials &credentials, qint64 nowMs, Identity *identity,
                     int *status = nullptr) const;

    QString checkSubscribe(const Identity &who, const TopicFilter &filter) const;
    // Topics under `$SYS/` are the hub's own (presence events, figures): no client publishes
    // there, admins included.
    QString checkPublish(const Identity &who, const QByteArray &topic) const;
    bool isAdmin(const Identity &who) const;
    // Whether GET /presence names other clients on this filter (Acl::seesPresence; open hubs:
    // yes, tokens without an ACL: no).
    bool seesPresence(const Identity &who, const TopicFilter &filter) const;

    // What the cache holds and how often it answered (all zero without a cache).
    AuthCache::Stats cacheStats() const;
    // Forgets the verified tokens it remembers (a key they may have been verified with left
    // the key set).
    void forgetTokens() const;

private:
    QString decideSubscribe(const Identity &who, const TopicFilter &filter) const;
    QString decidePublish(const Identity &who, const QByteArray &topic) const;
    // An identity the auth hook gave: its list (when it binds), then its roles through the ACL.
    template<typename Within, typename ByRoles>
    QString decideHook(const Identity &who, const QList<TopicFilter> &grants, bool grantsBind,
                       Within within, ByRoles byRoles, const QString &outside) const;
    // The cached decision under key, or decide()'s, remembered.
    template<typename Decide> QString remembered(const QByteArray &key, Decide decide) const;

    Options m_options;
    JwtVerifier m_jwt;
    std::shared_ptr<AuthCache> m_cache; // shared by copies; none when default-constructed
};

// The value of one cookie in a Cookie header; null when absent.
QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name);

} // namespace ssehub
