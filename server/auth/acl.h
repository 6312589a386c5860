#pragma once

#include "auth/identity.h"
#include "hub/huberror.h"
#include "proto/topicfilter.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace ssehub {

// Topic access rules (docs/CONFIG.md, "Access control"):
//   {"anonymous": null | "<role>",
//    "roles": {"<role>": {"subscribe": [filters], "publish": [filters], "deny": [filters],
//                         "presence": [filters], "admin": bool}},
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

    // Parses an ACL document. A document with an error is refused (InvalidArgument, naming the
    // key): there is no Acl to fall back on, as an empty one would allow everything.
    static HubResult<Acl> fromJson(const QByteArray &json);
    // The file's ACL; a file that cannot be read is refused too (Unavailable).
    static HubResult<Acl> fromFile(const QString &path);

    bool isEnabled() const { return m_enabled; }
    // The role of requests without credentials; empty: they are refused (401).
    const QString &anonymousRole() const { return m_anonymous; }
    // Roles that the ACL grants to this identity (its `clients` entry).
    QStringList rolesOf(const QString &clientId) const { return m_clients.value(clientId); }
    // Roles granted to a client certificate's organizational unit (`units`).
    QStringList rolesOfUnit(const QString &unit) const { return m_units.value(unit); }

    // Whether a rule uses %c: otherwise a decision depends on the roles and grants alone.
    bool usesClientId() const { return m_perClient; }

    // Empty when allowed; otherwise why not (for a 403 answer).
    QString checkSubscribe(const Identity &who, const TopicFilter &filter) const;
    QString checkPublish(const Identity &who, const QByteArray &topic) const;
    bool isAdmin(const Identity &who) const;
    // Whether GET /presence names the other clients listening on this filter for this identity
    // (admins, and roles whose `presence` rules hold the filter, none of it denied); otherwise
    // only the requester's own entries carry its id.
    bool seesPresence(const Identity &who, const TopicFilter &filter) const;

private:
    struct Rule
    {
        QByteArray text; // as written, %c not yet substituted
        bool perClient = false; // uses %c: made for each client when checked
        TopicFilter fixed; // otherwise: parsed once, when the ACL is read
    };
    struct Role
    {
        QList<Rule> subscribe;
        QList<Rule> publish;
        QList<Rule> deny;
        QList<Rule> presence;
        bool admin = false;
    };
    // The rules of the identity's roles with %c replaced. Where the client id is empty or
    // contains '+', '#' or '/', an allow rule using %c is left out and a deny rule gets '+'.
    QList<TopicFilter> rules(const Identity &who, QList<Rule> Role::*list) const;

    bool m_enabled = false;
    bool m_perClient = false;
    QString m_anonymous;
    QHash<QString, Role> m_roles;
    QHash<QString, QStringList> m_clients;
    QHash<QString, QStringList> m_units;
};

} // namespace ssehub
