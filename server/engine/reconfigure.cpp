// Engine::reconfigure: SIGHUP's diff, driven by the option table.
#include "api/configschema.h"
#include "core/logcategories.h"
#include "engine/accessfiles.h"
#include "engine/engine.h"
#include "engine/frontlimits.h"
#include "http/httpfront.h"

namespace ssehub {

QString Engine::reconfigure(const Config &next, bool *ok)
{
    // What a running engine can take over is marked reloadable in the option table
    // (api/configschema.cpp): limits, CORS, the retry hint, access rules (files and their
    // contents), drain time, per-topic metrics, the export path. The rest is listed as needing
    // a restart.
    const Config previous = m_config;
    Config applied = m_config;
    QStringList restart;
    for (const ConfigOption &option : configOptions()) {
        if (option.scope != OptionScope::Engine)
            continue;
        const QVariant wanted = option.field.get(next);
        if (wanted == option.field.get(previous))
            continue;
        if (option.reloadable)
            option.field.set(&applied, wanted);
        else if (!(QLatin1String(option.name) == QLatin1String("node-id")
                   && wanted.toString().isEmpty())) // no node id: the running one is kept
            restart << QLatin1String(option.name);
    }

    const bool removesAccessControl
        = !AccessFiles::configured(next) && AccessFiles::configured(previous);
    if (removesAccessControl) {
        // Opening a running server to everyone is not done by a reload.
        restart << QStringLiteral("acl/jwt-secret-file/jwt-public-key-file (removed)");
        applied.aclFile = previous.aclFile;
        applied.jwtSecretFile = previous.jwtSecretFile;
        applied.jwtPublicKeyFiles = previous.jwtPublicKeyFiles;
        applied.allowTokensWithoutExp = previous.allowTokensWithoutExp;
    }
    // The access rules are read from the new files; on an error nothing changes.
    m_config.aclFile = applied.aclFile;
    m_config.jwtSecretFile = applied.jwtSecretFile;
    m_config.jwtPublicKeyFiles = applied.jwtPublicKeyFiles;
    m_config.jwtIssuer = applied.jwtIssuer;
    m_config.jwtAudiences = applied.jwtAudiences;
    m_config.allowTokensWithoutExp = applied.allowTokensWithoutExp;
    bool accessOk = true;
    const bool accessConfigured
        = AccessFiles::configured(m_config) || AccessFiles::configured(previous);
    const QString access
        = accessConfigured ? reloadAccess(&accessOk) : QStringLiteral("none configured");
    if (!accessOk) {
        m_config = previous;
        *ok = false;
        return access;
    }
    m_config = applied;
    if (m_front) {
        HttpFront::Options limits;
        applyLimits(&limits, m_config);
        m_front->setLimits(limits);
    }
    QHash<QByteArray, quint64> counted;
    for (const QByteArray &topic : std::as_const(m_config.metricsTopics))
        counted.insert(topic, m_metricTopics.value(topic));
    m_metricTopics = counted;
    *ok = true;
    QString message = QStringLiteral("configuration reloaded (limits, CORS, retry, drain time, "
                                     "metrics topics, access rules: %1)")
                          .arg(access);
    if (!restart.isEmpty())
        message += QStringLiteral("; these changed but need a restart to apply: %1")
                       .arg(restart.join(QStringLiteral(", ")));
    if (m_front) {
        // The same warnings as at start, for what the reload put in force.
        for (const QString &warning :
             accessWarnings(m_front->authenticator(), m_config.corsOrigins)) {
            qCWarning(lcEngine).noquote() << warning;
            message += QStringLiteral("; warning: ") + warning;
        }
    }
    return message;
}

} // namespace ssehub
