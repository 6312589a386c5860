#include "identitystatus.h"

#include <QJsonArray>
#include <QUrl>

namespace ssehub {

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

QJsonObject countsJson(const QMap<QString, quint64> &counts)
{
    QJsonObject o;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        o.insert(it.key(), qint64(it.value()));
    return o;
}

QMap<QString, quint64> countsFromJson(const QJsonValue &v)
{
    QMap<QString, quint64> counts;
    const QJsonObject o = v.toObject();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (counts.size() >= IdentityStatus::MaxCounts)
            break;
        const double d = it.value().toDouble();
        counts.insert(it.key().left(IdentityStatus::MaxNameChars), d > 0 ? quint64(d) : 0);
    }
    return counts;
}

// A wall-clock time in ms, 0 when absent or negative.
qint64 timeOf(const QJsonValue &v)
{
    return qMax<qint64>(0, qint64(v.toDouble()));
}

} // namespace

QStringList IdentityStatus::sources() const
{
    QStringList names;
    if (hs256)
        names << key("hs256");
    if (publicKeyFiles > 0)
        names << key("public_keys");
    if (hasJwks())
        names << key("jwks");
    if (clientCertificates)
        names << key("client_certificates");
    if (hasHook())
        names << key("auth_hook");
    if (acl)
        names << key("acl");
    return names;
}

QJsonObject IdentityStatus::toJson() const
{
    QJsonObject o;
    o.insert(key("sources"), QJsonArray::fromStringList(sources()));
    if (publicKeyFiles > 0)
        o.insert(key("public_key_files"), publicKeyFiles);
    if (hasJwks()) {
        o.insert(key("jwks"),
                 QJsonObject {{key("url"), jwks.url},
                              {key("keys"), jwks.keys},
                              {key("loaded_at"), jwks.loadedAtMs},
                              {key("last_attempt_at"), jwks.lastAttemptAtMs},
                              {key("last_error"), jwks.lastError},
                              {key("next_fetch_in_ms"), jwks.nextFetchInMs},
                              {key("fetches"), countsJson(jwks.fetches)}});
    }
    if (hasHook()) {
        o.insert(key("auth_hook"),
                 QJsonObject {{key("url"), hook.url},
                              {key("last_latency_ms"), hook.lastLatencyMs},
                              {key("last_error"), hook.lastError},
                              {key("cache_entries"), hook.cacheEntries},
                              {key("in_flight"), hook.inFlight},
                              {key("calls"), countsJson(hook.calls)}});
    }
    if (!tokenChecks.isEmpty())
        o.insert(key("token_verifications"), countsJson(tokenChecks));
    return o;
}

IdentityStatus IdentityStatus::fromJson(const QJsonObject &o)
{
    IdentityStatus s;
    const QJsonArray sources = o.value(key("sources")).toArray();
    auto has = [&sources](const char *name) { return sources.contains(key(name)); };
    s.hs256 = has("hs256");
    if (has("public_keys"))
        s.publicKeyFiles = qBound(1, o.value(key("public_key_files")).toInt(1), 1000);
    s.clientCertificates = has("client_certificates");
    s.acl = has("acl");
    // A source named without its object (or the reverse) is shown as the object says.
    if (const QJsonObject j = o.value(key("jwks")).toObject(); !j.isEmpty()) {
        s.jwks.url = j.value(key("url")).toString().left(MaxUrlChars);
        if (s.jwks.url.isEmpty())
            s.jwks.url = QStringLiteral("?");
        s.jwks.keys = qBound(0, j.value(key("keys")).toInt(), 1 << 20);
        s.jwks.loadedAtMs = timeOf(j.value(key("loaded_at")));
        s.jwks.lastAttemptAtMs = timeOf(j.value(key("last_attempt_at")));
        s.jwks.lastError = boundedError(j.value(key("last_error")).toString());
        s.jwks.nextFetchInMs = timeOf(j.value(key("next_fetch_in_ms")));
        s.jwks.fetches = countsFromJson(j.value(key("fetches")));
    }
    if (const QJsonObject h = o.value(key("auth_hook")).toObject(); !h.isEmpty()) {
        s.hook.url = h.value(key("url")).toString().left(MaxUrlChars);
        if (s.hook.url.isEmpty())
            s.hook.url = QStringLiteral("?");
        s.hook.lastLatencyMs
            = qMax<qint64>(-1, qint64(h.value(key("last_latency_ms")).toDouble(-1)));
        s.hook.lastError = boundedError(h.value(key("last_error")).toString());
        s.hook.cacheEntries = qBound(0, h.value(key("cache_entries")).toInt(), 1 << 30);
        s.hook.inFlight = qBound(0, h.value(key("in_flight")).toInt(), 1 << 30);
        s.hook.calls = countsFromJson(h.value(key("calls")));
    }
    s.tokenChecks = countsFromJson(o.value(key("token_verifications")));
    return s;
}

QString IdentityStatus::shownUrl(const QString &url)
{
    const QUrl parsed(url);
    if (!parsed.isValid())
        return url.left(MaxUrlChars);
    return parsed.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment)
        .left(MaxUrlChars);
}

QString IdentityStatus::boundedError(const QString &error)
{
    if (error.size() <= MaxErrorChars)
        return error;
    return error.left(MaxErrorChars - 1) + QChar(0x2026); // …
}

} // namespace ssehub
