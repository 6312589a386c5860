#include "consolesettings.h"

#include <QSettings>

namespace ssehub::ConsoleSettings {

void load(EngineConfig *config, const QSet<QString> &fromCommandLine)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("engine"));
    auto wanted = [&](const char *option, const char *key) {
        return !fromCommandLine.contains(QLatin1String(option))
            && settings.contains(QLatin1String(key));
    };
    if (wanted("listen", "listenAddress")) {
        QHostAddress address;
        if (address.setAddress(settings.value(QStringLiteral("listenAddress")).toString()))
            config->listenAddress = address;
        const uint port = settings.value(QStringLiteral("port")).toUInt();
        if (port <= 65535)
            config->port = quint16(port);
    }
    if (wanted("heartbeat", "heartbeatMs")) {
        const int ms = settings.value(QStringLiteral("heartbeatMs")).toInt();
        if (ms > 0)
            config->heartbeatMs = ms;
    }
    if (wanted("history", "historySize")) {
        const qlonglong size = settings.value(QStringLiteral("historySize")).toLongLong();
        if (size >= 0 && size <= 10'000'000)
            config->historySize = size;
    }
    if (wanted("max-queue", "maxQueueBytes")) {
        const qlonglong bytes = settings.value(QStringLiteral("maxQueueBytes")).toLongLong();
        if (bytes >= 1024)
            config->maxQueueBytes = bytes;
    }
    if (wanted("redis", "redisUrl"))
        config->redisUrl = settings.value(QStringLiteral("redisUrl")).toString();
    if (wanted("jwt-secret-file", "jwtSecretFile"))
        config->jwtSecretFile = settings.value(QStringLiteral("jwtSecretFile")).toString();
    if (wanted("acl", "aclFile"))
        config->aclFile = settings.value(QStringLiteral("aclFile")).toString();
}

void save(const EngineConfig &config)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("engine"));
    settings.setValue(QStringLiteral("listenAddress"), config.listenAddress.toString());
    settings.setValue(QStringLiteral("port"), config.port);
    settings.setValue(QStringLiteral("heartbeatMs"), config.heartbeatMs);
    settings.setValue(QStringLiteral("historySize"), qlonglong(config.historySize));
    settings.setValue(QStringLiteral("maxQueueBytes"), qlonglong(config.maxQueueBytes));
    settings.setValue(QStringLiteral("redisUrl"), config.redisUrl);
    settings.setValue(QStringLiteral("jwtSecretFile"), config.jwtSecretFile);
    settings.setValue(QStringLiteral("aclFile"), config.aclFile);
}

} // namespace ssehub::ConsoleSettings
