#include "core/logcategories.h"
#include "engine/engine.h"
#include "engine/frontlimits.h"
#include "http/httpfront.h"

namespace ssehub {

QString Engine::reconfigure(const Config &next, bool *ok)
{
    // What a running engine can take over: limits, CORS, the retry hint, access rules (files
    // and their contents), drain time, per-topic metrics, the export path. The rest is listed
    // as needing a restart.
    QStringList restart;
    auto differs = [&restart](bool changed, const char *key) {
        if (changed)
            restart << QLatin1String(key);
    };
    const Config &c = m_config;
    differs(c.listenAddress != next.listenAddress || c.port != next.port, "listen");
    differs(c.heartbeatMs != next.heartbeatMs, "heartbeat");
    differs(c.historySize != next.historySize, "history");
    differs(c.historyBytes != next.historyBytes, "history-bytes");
    differs(c.maxQueueBytes != next.maxQueueBytes, "max-queue");
    differs(c.dataDir != next.dataDir, "data-dir");
    differs(c.lifecycle.graceMs != next.lifecycle.graceMs
                || c.lifecycle.archiveAfterMs != next.lifecycle.archiveAfterMs
                || c.lifecycle.deleteAfterMs != next.lifecycle.deleteAfterMs,
            "subscription-*");
    differs(c.lifecycle.maxClients != next.lifecycle.maxClients, "max-clients");
    differs(c.lifecycle.maxSubscriptions != next.lifecycle.maxSubscriptions, "max-subscriptions");
    differs(c.redisUrl != next.redisUrl, "redis");
    differs(c.redisPrefix != next.redisPrefix, "redis-prefix");
    differs(!next.nodeId.isEmpty() && c.nodeId != next.nodeId, "node-id");
    differs(c.tlsCertFile != next.tlsCertFile || c.tlsKeyFile != next.tlsKeyFile
                || c.tlsClientCaFile != next.tlsClientCaFile,
            "tls-*");
    differs(c.jwtCookie != next.jwtCookie || c.jwtLeewayMs != next.jwtLeewayMs,
            "jwt-cookie/jwt-leeway");
    differs(c.logFile != next.logFile || c.logFileMaxBytes != next.logFileMaxBytes
                || c.logFileKeep != next.logFileKeep,
            "log-file");

    const Config previous = m_config;
    const bool removesAccessControl = next.aclFile.isEmpty() && next.jwtSecretFile.isEmpty()
        && (!previous.aclFile.isEmpty() || !previous.jwtSecretFile.isEmpty());
    if (removesAccessControl) {
        // Opening a running server to everyone is not done by a reload.
        restart << QStringLiteral("acl/jwt-secret-file (removed)");
    } else {
        m_config.aclFile = next.aclFile;
        m_config.jwtSecretFile = next.jwtSecretFile;
        m_config.allowTokensWithoutExp = next.allowTokensWithoutExp;
    }
    bool accessOk = true;
    const bool accessConfigured = !m_config.aclFile.isEmpty() || !m_config.jwtSecretFile.isEmpty()
        || !previous.aclFile.isEmpty() || !previous.jwtSecretFile.isEmpty();
    const QString access
        = accessConfigured ? reloadAccess(&accessOk) : QStringLiteral("none configured");
    if (!accessOk) {
        m_config.aclFile = previous.aclFile;
        m_config.jwtSecretFile = previous.jwtSecretFile;
        m_config.allowTokensWithoutExp = previous.allowTokensWithoutExp;
        *ok = false;
        return access;
    }
    m_config.maxConnections = next.maxConnections;
    m_config.maxConnectionsPerIp = next.maxConnectionsPerIp;
    m_config.maxStreamsPerClient = next.maxStreamsPerClient;
    m_config.publishRate = next.publishRate;
    m_config.publishBurst = next.publishBurst;
    m_config.retryMs = next.retryMs;
    m_config.maxBodyBytes = next.maxBodyBytes;
    m_config.maxFiltersPerStream = next.maxFiltersPerStream;
    m_config.maxTopicBytes = next.maxTopicBytes;
    m_config.requestTimeoutMs = next.requestTimeoutMs;
    m_config.corsOrigins = next.corsOrigins;
    m_config.allowedHosts = next.allowedHosts;
    m_config.drainMs = next.drainMs;
    m_config.exportLogPath = next.exportLogPath;
    m_config.metricsTopics = next.metricsTopics;
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
