#include "auth/acl.h"

#include "hub/client.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ssehub {

namespace {

HubFailure invalid(const QString &message)
{
    return {HubError::InvalidArgument, message};
}

// A section that maps names to role lists ("clients", "units"): one parser for both, so that
// they cannot disagree on what they accept.
HubResult<QHash<QString, QStringList>> roleLists(const QJsonObject &root, const QString &section,
                                                 const QStringList &roles)
{
    QHash<QString, QStringList> lists;
    const QJsonValue value = root.value(section);
    if (!value.isUndefined() && !value.isObject())
        return invalid(
            QStringLiteral("'%1' must be an object of names to role lists").arg(section));
    const QJsonObject entries = value.toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (!it.value().isArray())
            return invalid(
                QStringLiteral("%1.%2 must be an array of role names").arg(section, it.key()));
        QStringList names;
        for (const QJsonValue &v : it.value().toArray()) {
            if (!v.isString() || !roles.contains(v.toString()))
                return invalid(
                    QStringLiteral("%1.%2 names an unknown role").arg(section, it.key()));
            names << v.toString();
        }
        lists.insert(it.key(), names);
    }
    return lists;
}

} // namespace

HubResult<Acl> Acl::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return invalid(QStringLiteral("not a JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject root = doc.object();
    Acl acl;
    acl.m_enabled = true;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("anonymous") && it.key() != QLatin1String("roles")
            && it.key() != QLatin1String("clients") && it.key() != QLatin1String("units"))
            return invalid(QStringLiteral("unknown key '%1'").arg(it.key()));
    }
    const QJsonValue anonymous = root.value(QLatin1String("anonymous"));
    if (!anonymous.isUndefined() && !anonymous.isNull() && !anonymous.isString())
        return invalid(QStringLiteral("'anonymous' must be null or a role name"));
    acl.m_anonymous = anonymous.toString();

    const QJsonValue rolesValue = root.value(QLatin1String("roles"));
    if (!rolesValue.isUndefined() && !rolesValue.isObject())
        return invalid(QStringLiteral("'roles' must be an object of role names to roles"));
    const QJsonObject roles = rolesValue.toObject();
    for (auto it = roles.begin(); it != roles.end(); ++it) {
        if (!it.value().isObject())
            return invalid(QStringLiteral("roles.%1 must be an object").arg(it.key()));
        const QJsonObject r = it.value().toObject();
        Role role;
        for (auto field = r.begin(); field != r.end(); ++field) {
            const QString key = field.key();
            if (key == QLatin1String("admin")) {
                if (!field.value().isBool())
                    return invalid(
                        QStringLiteral("roles.%1.admin must be true or false").arg(it.key()));
                role.admin = field.value().toBool();
                continue;
            }
            QList<Rule> *list = key == QLatin1String("subscribe") ? &role.subscribe
                : key == QLatin1String("publish")                 ? &role.publish
                : key == QLatin1String("deny")                    ? &role.deny
                : key == QLatin1String("presence")                ? &role.presence
                                                                  : nullptr;
            if (!list)
                return invalid(QStringLiteral("unknown key roles.%1.%2").arg(it.key(), key));
            if (!field.value().isArray())
                return invalid(
                    QStringLiteral("roles.%1.%2 must be an array of filters").arg(it.key(), key));
            for (const QJsonValue &v : field.value().toArray()) {
                QString problem;
                // %c is checked as a plain level; it is substituted per request.
                if (!v.isString() || !TopicFilter::parse(v.toString().toUtf8(), &problem).isValid())
                    return invalid(
                        QStringLiteral("roles.%1.%2: %3")
                            .arg(it.key(), key,
                                 v.isString() ? problem : QStringLiteral("not a string")));
                Rule rule;
                rule.text = v.toString().toUtf8();
                rule.perClient = rule.text.split('/').contains("%c");
                acl.m_perClient |= rule.perClient;
                if (!rule.perClient)
                    rule.fixed = TopicFilter::parse(rule.text); // parsed once, not per check
                list->append(rule);
            }
        }
        acl.m_roles.insert(it.key(), role);
    }
    if (!acl.m_anonymous.isEmpty() && !acl.m_roles.contains(acl.m_anonymous))
        return invalid(
            QStringLiteral("'anonymous' names the unknown role '%1'").arg(acl.m_anonymous));
    const QStringList roleNames = acl.m_roles.keys();
    HubResult<QHash<QString, QStringList>> clients
        = roleLists(root, QStringLiteral("clients"), roleNames);
    if (!clients.ok())
        return clients.failure();
    acl.m_clients = std::move(clients.value());
    HubResult<QHash<QString, QStringList>> units
        = roleLists(root, QStringLiteral("units"), roleNames);
    if (!units.ok())
        return units.failure();
    acl.m_units = std::move(units.value());
    return acl;
}

HubResult<Acl> Acl::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return HubFailure {
            HubError::Unavailable,
            QStringLiteral("cannot read the ACL file %1: %2").arg(path, file.errorString())};
    HubResult<Acl> acl = fromJson(file.read(1024 * 1024));
    if (!acl.ok())
        return invalid(QStringLiteral("ACL file %1: %2").arg(path, acl.failure().message));
    return acl;
}

QList<TopicFilter> Acl::rules(const Identity &who, QList<Rule> Role::*list) const
{
    QByteArray id;
    bool idUsable = false;
    bool idKnown = false;
    QList<TopicFilter> out;
    for (const QString &name : who.roles) {
        const auto role = m_roles.constFind(name);
        if (role == m_roles.cend())
            continue;
        for (const Rule &rule : (*role).*list) {
            if (!rule.perClient) {
                out.append(rule.fixed);
                continue;
            }
            if (!idKnown) {
                id = who.clientId.toUtf8();
                idUsable = validateAuthenticatedClientId(id).isEmpty();
                idKnown = true;
            }
            const QByteArray &text = rule.text;
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

bool Acl::seesPresence(const Identity &who, const TopicFilter &filter) const
{
    if (!m_enabled)
        return true;
    if (isAdmin(who))
        return true;
    for (const TopicFilter &deny : rules(who, &Role::deny)) {
        if (filtersIntersect(filter, deny))
            return false;
    }
    const QList<TopicFilter> allowed = rules(who, &Role::presence);
    return std::any_of(allowed.cbegin(), allowed.cend(),
                       [&filter](const TopicFilter &rule) { return filterWithin(filter, rule); });
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

} // namespace ssehub
