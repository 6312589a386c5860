#pragma once

#include "proto/topicfilter.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace ssehub {

// Who made a request, as far as authorization is concerned.
struct Identity
{
    bool authenticated = false; // by a valid token (or, later, a client certificate)
    QString clientId; // the token's `sub`; empty for anonymous requests
    QSet<QString> roles; // from the token's `roles`, the ACL's `clients` and `anonymous`
    QList<TopicFilter> subscribeGrants; // the token's own `subscribe` filters
    QList<TopicFilter> publishGrants; // the token's own `publish` filters
    qint64 expiresAtMs = 0; // the token's `exp` in ms since the epoch; 0: none
    // What it was verified from, so that a reload can verify it again under the new rules:
    // the token itself (at most 8 KiB), or the certificate's organizational units.
    QByteArray token;
    bool certificate = false;
    QStringList units;
};

// HS256 JSON Web Tokens. Only HS256 is accepted: `alg: none` and every other algorithm are
// refused, the signature is compared in constant time, and `exp`/`nbf` are honoured with a
// leeway for clock skew. Every part must be canonical base64url, the JSON must not repeat a
// key, and a token without `exp` (or with `exp` 0) is refused unless allowNoExpiry.
class JwtVerifier
{
public:
    JwtVerifier() = default;
    JwtVerifier(QByteArray secret, qint64 leewayMs, bool allowNoExpiry = false);

    bool isEnabled() const { return !m_secret.isEmpty(); }
    // Fills *identity from a valid token; otherwise returns what is wrong (for a 401 answer).
    QString verify(const QByteArray &token, qint64 nowMs, Identity *identity) const;

private:
    QByteArray m_secret;
    qint64 m_leewayMs = 30000;
    bool m_allowNoExpiry = false;
};

// Topic access rules (docs/CONFIG.md, "Access control"):
//   {"anonymous": null | "<role>",
//    "roles": {"<role>": {"subscribe": [filters], "publish": [filters], "deny": [filters],
//                         "admin": bool}},
//    "clients": {"<client id>": ["<role>", ...]}}
// A filter may use %c as a whole level for the client id. Deny rules win; a subscription filter
// is allowed only if every topic it can match is allowed by one rule and none is denied. Where
// the client id cannot stand for a level (empty, or with '/', '+', '#'), %c fails closed: an
// allow rule using it is left out, a deny rule using it denies as if %c were '+'.
class Acl
{
public:
    // No ACL: everything is allowed, anonymous requests included.
    Acl() = default;

    // Parses an ACL document; on failure returns an empty Acl and sets *error (naming the key).
    static Acl fromJson(const QByteArray &json, QString *error);
    static Acl fromFile(const QString &path, QString *error);

    bool isEnabled() const { return m_enabled; }
    // The role of requests without credentials; empty: they are refused (401).
    const QString &anonymousRole() const { return m_anonymous; }
    // Roles that the ACL grants to this identity (its `clients` entry).
    QStringList rolesOf(const QString &clientId) const { return m_clients.value(clientId); }
    // Roles granted to a client certificate's organizational unit (`units`).
    QStringList rolesOfUnit(const QString &unit) const { return m_units.value(unit); }

    // Empty when allowed; otherwise why not (for a 403 answer).
    QString checkSubscribe(const Identity &who, const TopicFilter &filter) const;
    QString checkPublish(const Identity &who, const QByteArray &topic) const;
    bool isAdmin(const Identity &who) const;
    QStringList roleNames() const { return m_roles.keys(); }

private:
    struct Role
    {
        QList<QByteArray> subscribe; // filter texts, %c not yet substituted
        QList<QByteArray> publish;
        QList<QByteArray> deny;
        bool admin = false;
    };
    // The rules of the identity's roles with %c replaced. Where the client id is empty or
    // contains '+', '#' or '/', an allow rule using %c is left out and a deny rule gets '+'.
    QList<TopicFilter> rules(const Identity &who, QList<QByteArray> Role::*list) const;

    bool m_enabled = false;
    QString m_anonymous;
    QHash<QString, Role> m_roles;
    QHash<QString, QStringList> m_clients;
    QHash<QString, QStringList> m_units;
};

// What a request presents: the Authorization header, the token cookie, the access_token query
// parameter.
struct Credentials
{
    QByteArray authorization;
    QByteArray cookieHeader;
    QByteArray queryToken;
    bool hasQueryToken = false;
};

// Ties JWT verification and the ACL together for the HTTP front.
class Authenticator
{
public:
    struct Options
    {
        QByteArray jwtSecret; // empty: tokens are not accepted
        qint64 leewayMs = 30000;
        QByteArray cookieName = "ssehub_token";
        Acl acl;
        bool clientCertificates = false; // TLS with client certificates (--tls-client-ca)
        bool allowTokensWithoutExp = false; // --allow-tokens-without-exp
    };

    Authenticator() = default;
    explicit Authenticator(Options options);

    // Whether any authentication or access control is configured.
    bool isEnabled() const
    {
        return m_jwt.isEnabled() || m_options.acl.isEnabled() || m_options.clientCertificates;
    }
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
    const QByteArray &cookieName() const { return m_options.cookieName; }

    // Who is asking. Returns an empty string with *identity filled in, or why the request is
    // refused (always a 401: bad or missing credentials).
    QString identify(const Credentials &credentials, qint64 nowMs, Identity *identity) const;

    QString checkSubscribe(const Identity &who, const TopicFilter &filter) const;
    QString checkPublish(const Identity &who, const QByteArray &topic) const;
    bool isAdmin(const Identity &who) const;

private:
    Options m_options;
    JwtVerifier m_jwt;
};

// The value of one cookie in a Cookie header; null when absent.
QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name);

} // namespace ssehub
