#include "consolesettings.h"

#include "configschema.h"

#include <QSettings>

namespace ssehub::ConsoleSettings {

namespace {

// The listen option is stored as two keys: its settings key holds the address, this the port.
const QString PortKey = QStringLiteral("port");

bool isNumber(OptionType type)
{
    return type == OptionType::Count || type == OptionType::Duration || type == OptionType::Size;
}

} // namespace

void load(EngineConfig *config, const QSet<QString> &fromCommandLine)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("engine"));
    for (const ConfigOption &option : configOptions()) {
        if (!option.settingsKey || option.scope != OptionScope::Engine)
            continue;
        const QString key = QLatin1String(option.settingsKey);
        if (fromCommandLine.contains(QLatin1String(option.name)) || !settings.contains(key))
            continue;
        const QVariant stored = settings.value(key);
        if (option.type == OptionType::Address) {
            QHostAddress address;
            if (address.setAddress(stored.toString()))
                config->listenAddress = address;
            const uint port = settings.value(PortKey).toUInt();
            if (port <= 65535)
                config->port = quint16(port);
        } else if (isNumber(option.type)) {
            bool ok = false;
            const qint64 value = stored.toLongLong(&ok);
            if (ok && value >= option.min && value <= option.max)
                option.field.set(config, value);
        } else {
            option.field.set(config, stored.toString());
        }
    }
}

void save(const EngineConfig &config)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("engine"));
    for (const ConfigOption &option : configOptions()) {
        if (!option.settingsKey || option.scope != OptionScope::Engine)
            continue;
        const QString key = QLatin1String(option.settingsKey);
        if (option.type == OptionType::Address) {
            settings.setValue(key, config.listenAddress.toString());
            settings.setValue(PortKey, config.port);
        } else {
            settings.setValue(key, option.field.get(config));
        }
    }
}

} // namespace ssehub::ConsoleSettings
