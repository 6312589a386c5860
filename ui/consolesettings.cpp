#include "consolesettings.h"

#include "configschema.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>

namespace ssehub::ConsoleSettings {

namespace {

Source &current()
{
    static Source source;
    return source;
}

// A value as the config file holds it: as --print-config writes it, but a password kept.
QJsonValue fileValue(const ConfigOption &option, const QVariant &value)
{
    if (option.hasPassword)
        return value.toString();
    return optionJson(option, value);
}

// The file's object; an absent file is an empty one.
bool readFile(const QString &path, QJsonObject *object, QString *error)
{
    QFile file(path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("ssehub::ConsoleSettings", "cannot read %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    // The file is the operator's; a huge one is not ours to rewrite.
    if (file.size() > 1024 * 1024) {
        *error = QCoreApplication::translate("ssehub::ConsoleSettings", "%1 is larger than 1 MiB")
                     .arg(path);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QCoreApplication::translate("ssehub::ConsoleSettings", "%1 is not a JSON object")
                     .arg(path);
        return false;
    }
    *object = doc.object();
    return true;
}

bool writeFile(const QString &path, const QJsonObject &object, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QCoreApplication::translate("ssehub::ConsoleSettings", "cannot write %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = QCoreApplication::translate("ssehub::ConsoleSettings", "cannot write %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

void setSource(const Source &source)
{
    current() = source;
}

const Source &source()
{
    return current();
}

QString fileProblem()
{
    const QString path = current().file;
    if (path.isEmpty())
        return {};
    const QFileInfo info(path);
    if (info.exists())
        return info.isWritable() && info.isFile()
            ? QString()
            : QCoreApplication::translate("ssehub::ConsoleSettings", "%1 cannot be written")
                  .arg(path);
    // The first path above it that exists must be a directory that lets the file (and the
    // folders below it) be made.
    QString above = info.absolutePath();
    while (!QFileInfo::exists(above) && above != QFileInfo(above).absolutePath())
        above = QFileInfo(above).absolutePath();
    const QFileInfo existing(above);
    return existing.isDir() && existing.isWritable()
        ? QString()
        : QCoreApplication::translate("ssehub::ConsoleSettings",
                                      "%1 cannot be created (%2 is not a writable directory)")
              .arg(path, above);
}

bool save(const EngineConfig &before, const EngineConfig &after, QString *error)
{
    const Source &source = current();
    if (source.file.isEmpty())
        return true;
    QJsonObject object;
    if (!readFile(source.file, &object, error))
        return false;
    bool changed = false;
    for (const ConfigOption &option : configOptions()) {
        const QString name = QLatin1String(option.name);
        if (option.scope != OptionScope::Engine || source.fixed.contains(name))
            continue;
        const QVariant value = option.field.get(after);
        if (value == option.field.get(before))
            continue;
        object.insert(name, fileValue(option, value));
        changed = true;
    }
    return !changed || writeFile(source.file, object, error);
}

bool migrateLegacy(const QString &file, QString *error)
{
    QSettings settings;
    if (!settings.childGroups().contains(QStringLiteral("engine")))
        return false;
    settings.beginGroup(QStringLiteral("engine"));
    // The keys earlier versions stored, and their options.
    const std::pair<const char *, const char *> keys[] = {
        {"listenAddress", "listen"}, {"heartbeatMs", "heartbeat"},
        {"historySize", "history"},  {"maxQueueBytes", "max-queue"},
        {"redisUrl", "redis"},       {"jwtSecretFile", "jwt-secret-file"},
        {"aclFile", "acl"},
    };
    QJsonObject object;
    if (!readFile(file, &object, error))
        return false;
    bool changed = false;
    for (const auto &[key, name] : keys) {
        const ConfigOption *option = findConfigOption(QString::fromLatin1(name));
        if (!option || !settings.contains(QLatin1String(key))
            || object.contains(QLatin1String(name)))
            continue;
        const QVariant stored = settings.value(QLatin1String(key));
        EngineConfig config;
        if (option->type == OptionType::Address) {
            QHostAddress address;
            const uint port = settings.value(QStringLiteral("port")).toUInt();
            if (!address.setAddress(stored.toString()) || port > 65535)
                continue;
            config.listenAddress = address;
            config.port = quint16(port);
        } else if (option->type == OptionType::Text) {
            option->field.set(&config, stored.toString());
        } else {
            bool ok = false;
            const qint64 value = stored.toLongLong(&ok);
            if (!ok || value < option->min || value > option->max)
                continue;
            option->field.set(&config, value);
        }
        const QVariant value = option->field.get(config);
        if (value == option->field.get(EngineConfig()))
            continue; // the default: nothing to keep
        object.insert(QLatin1String(name), fileValue(*option, value));
        changed = true;
    }
    if (changed && !writeFile(file, object, error))
        return false;
    settings.endGroup();
    settings.remove(QStringLiteral("engine"));
    return changed;
}

} // namespace ssehub::ConsoleSettings
