#include "options.h"

#include "configschema.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUrl>

namespace ssehub {

namespace {

// The parser's options, from the option table (api/configschema.h), in its order.
QList<QCommandLineOption> commandLineOptions()
{
    QList<QCommandLineOption> all;
    for (const ConfigOption &option : configOptions()) {
        const QString name = QLatin1String(option.name);
        const QString help = QCoreApplication::translate("main", option.help);
        all << (option.takesValue()
                    ? QCommandLineOption(name, help, QLatin1String(option.valueName))
                    : QCommandLineOption(name, help));
    }
    return all;
}

// The console's own options (attach to a running ssehub): command line only, so not in the
// option table, which is the engine's and the config file's; docs/CONFIG.md lists them under
// "Attaching the console".
struct ConsoleOption
{
    const char *name;
    const char *valueName;
    const char *help;
    QString ConsoleAttachOptions::*field;
};

const ConsoleOption consoleOptionTable[] = {
    {"connect", "URL",
     QT_TRANSLATE_NOOP("main",
                       "Open the console attached to the ssehub running at URL (http:// or "
                       "https://) instead of starting an engine."),
     &ConsoleAttachOptions::url},
    {"token-file", "FILE",
     QT_TRANSLATE_NOOP("main",
                       "With --connect: an admin token (JWT) for the server, read from FILE."),
     &ConsoleAttachOptions::tokenFile},
    {"ca-file", "FILE",
     QT_TRANSLATE_NOOP("main",
                       "With --connect: a PEM CA certificate that signed the server's certificate "
                       "(added to the system's)."),
     &ConsoleAttachOptions::caFile},
    {"client-cert", "FILE",
     QT_TRANSLATE_NOOP("main",
                       "With --connect: a PEM client certificate, for a server that asks for one "
                       "(with --client-key)."),
     &ConsoleAttachOptions::clientCert},
    {"client-key", "FILE",
     QT_TRANSLATE_NOOP("main", "With --connect: the unencrypted PEM key of --client-cert."),
     &ConsoleAttachOptions::clientKey},
};

QList<QCommandLineOption> consoleOptions()
{
    QList<QCommandLineOption> all;
    for (const ConsoleOption &option : consoleOptionTable)
        all << QCommandLineOption(QLatin1String(option.name),
                                  QCoreApplication::translate("main", option.help),
                                  QLatin1String(option.valueName));
    return all;
}

// Turns the config file and the SSEHUB_* variables into arguments placed before the real ones,
// so that one parser and one set of checks serve all three and the command line wins. Lists
// come whole from the highest layer that has them. origin[name] says where a value came from,
// for messages ("/etc/ssehub/ssehub.json: \"heartbeat\"", "SSEHUB_HEARTBEAT", "--heartbeat").
bool layerSources(const QCommandLineParser &commandLine, const QStringList &arguments,
                  const QProcessEnvironment &environment, QStringList *layered,
                  QHash<QString, QString> *origin, QString *configPath, QString *error)
{
    const QSet<QString> onCommandLine(commandLine.optionNames().cbegin(),
                                      commandLine.optionNames().cend());

    // 1. The file: --config, else the user's default one if it exists.
    QStringList fileArgs;
    QString path = commandLine.value(QStringLiteral("config"));
    if (path.isEmpty() && QFile::exists(defaultConfigFile()))
        path = defaultConfigFile();
    QSet<QString> inFile;
    if (!path.isEmpty()) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QCoreApplication::translate("main", "cannot read the config file %1: %2")
                         .arg(path, file.errorString());
            return false;
        }
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            *error = QCoreApplication::translate("main", "%1 is not a JSON object: %2 (at byte %3)")
                         .arg(path,
                              parseError.error != QJsonParseError::NoError
                                  ? parseError.errorString()
                                  : QCoreApplication::translate("main", "expected { ... }"))
                         .arg(parseError.offset);
            return false;
        }
        const QJsonObject object = doc.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = it.key();
            const ConfigOption *option = findConfigOption(key);
            const QString where = QStringLiteral("%1: \"%2\"").arg(path, key);
            if (!option || option->scope == OptionScope::CommandLine) {
                *error = QCoreApplication::translate("main",
                                                     "%1: unknown key (see docs/CONFIG.md for "
                                                     "the keys; they are the option names)")
                             .arg(where);
                return false;
            }
            const QJsonValue value = it.value();
            auto wrongType = [&](const QString &wanted) {
                *error = QCoreApplication::translate("main", "%1 must be %2").arg(where, wanted);
                return false;
            };
            if (option->type == OptionType::Flag) {
                if (!value.isBool())
                    return wrongType(QCoreApplication::translate("main", "true or false"));
                if (value.toBool())
                    fileArgs << QStringLiteral("--") + key;
            } else if (option->type == OptionType::List) {
                if (!value.isArray())
                    return wrongType(QCoreApplication::translate("main", "an array of strings"));
                for (const QJsonValue &item : value.toArray()) {
                    if (!item.isString())
                        return wrongType(
                            QCoreApplication::translate("main", "an array of strings"));
                    fileArgs << QStringLiteral("--") + key << item.toString();
                }
            } else if (option->type == OptionType::Count) {
                if (!value.isDouble())
                    return wrongType(QCoreApplication::translate("main", "a number"));
                fileArgs << QStringLiteral("--") + key
                         << QString::number(value.toDouble(), 'g', 17);
            } else if (option->type == OptionType::Duration || option->type == OptionType::Size) {
                if (value.isDouble())
                    fileArgs << QStringLiteral("--") + key
                             << QString::number(value.toDouble(), 'g', 17);
                else if (value.isString())
                    fileArgs << QStringLiteral("--") + key << value.toString();
                else
                    return wrongType(
                        option->type == OptionType::Size
                            ? QCoreApplication::translate(
                                "main", "a size (a number of bytes or a string such as \"1M\")")
                            : QCoreApplication::translate(
                                "main", "a duration (seconds or a string such as \"500ms\")"));
            } else {
                if (!value.isString())
                    return wrongType(QCoreApplication::translate("main", "a string"));
                fileArgs << QStringLiteral("--") + key << value.toString();
            }
            inFile.insert(key);
            origin->insert(key, where);
        }
    }
    *configPath = path;

    // 2. The environment.
    QStringList envArgs;
    QSet<QString> inEnvironment;
    for (const ConfigOption &option : configOptions()) {
        const QString name = QLatin1String(option.name);
        const QString variable = option.environmentName();
        if (option.scope == OptionScope::CommandLine || !environment.contains(variable))
            continue;
        const QString text = environment.value(variable);
        if (option.type == OptionType::Flag) {
            const QString lower = text.trimmed().toLower();
            if (lower == QLatin1String("1") || lower == QLatin1String("true")
                || lower == QLatin1String("yes")) {
                envArgs << QStringLiteral("--") + name;
            } else if (!(lower == QLatin1String("0") || lower == QLatin1String("false")
                         || lower == QLatin1String("no") || lower.isEmpty())) {
                *error = QCoreApplication::translate("main", "%1 takes 1 or 0, not '%2'")
                             .arg(variable, text);
                return false;
            }
        } else if (option.type == OptionType::List) {
            for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
                envArgs << QStringLiteral("--") + name << item.trimmed();
        } else {
            envArgs << QStringLiteral("--") + name << text;
        }
        inEnvironment.insert(name);
        origin->insert(name, variable);
    }

    // 3. The command line; lists from a higher layer replace lower ones.
    auto dropLists = [](QStringList args, const QSet<QString> &higher) {
        QStringList kept;
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString name = args[i].mid(2);
            const ConfigOption *option = findConfigOption(name);
            if (option && option->type == OptionType::List && higher.contains(name)) {
                ++i; // and its value
                continue;
            }
            kept << args[i];
        }
        return kept;
    };
    for (const QString &name : onCommandLine)
        origin->insert(name, QStringLiteral("--") + name);
    *layered = QStringList {arguments.value(0)}
        + dropLists(dropLists(fileArgs, inEnvironment), onCommandLine)
        + dropLists(envArgs, onCommandLine) + arguments.mid(1);
    return true;
}

} // namespace

QString defaultConfigFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/ssehub/ssehub.json");
}

bool parseCommandLine(const QStringList &arguments, AppOptions *options, QString *error,
                      bool *exitNow, const QProcessEnvironment &environment)
{
    *exitNow = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Server-Sent Events hub with a desktop monitoring console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QList<QCommandLineOption> all = commandLineOptions() + consoleOptions();
    parser.addOptions(all);

    // The command line alone first: --help, --version and --config.
    QCommandLineParser first;
    first.addHelpOption();
    first.addVersionOption();
    first.addOptions(all);
    if (!first.parse(arguments)) {
        *error = first.errorText();
        return false;
    }
    if (first.isSet(QStringLiteral("help"))) {
        fputs(qPrintable(parser.helpText()), stdout);
        *exitNow = true;
        return true;
    }
    if (first.isSet(QStringLiteral("version"))) {
        printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
               qPrintable(QCoreApplication::applicationVersion()));
        *exitNow = true;
        return true;
    }
    if (!first.positionalArguments().isEmpty()) {
        *error = QCoreApplication::translate("main", "unexpected argument: %1")
                     .arg(first.positionalArguments().first());
        return false;
    }
    // Then the layers: the config file, SSEHUB_* variables, the command line (the last wins).
    QHash<QString, QString> origin;
    QStringList layered;
    if (!layerSources(first, arguments, environment, &layered, &origin, &options->configFile,
                      error))
        return false;
    if (!parser.parse(layered)) {
        *error = parser.errorText();
        return false;
    }
    // One parser and one set of checks per kind of value (api/configschema.h) for every option;
    // messages name where a value came from.
    for (auto it = origin.cbegin(); it != origin.cend(); ++it) {
        if (it.value().startsWith(QLatin1String("--"))
            || it.value().startsWith(QLatin1String("SSEHUB_")))
            options->fixedForRun.insert(it.key(), it.value());
    }
    options->settingsFile = first.isSet(QStringLiteral("config"))
        ? first.value(QStringLiteral("config"))
        : defaultConfigFile();
    QHash<QString, QVariant> appValues;
    for (const ConfigOption &option : configOptions()) {
        const QString name = QLatin1String(option.name);
        if (!parser.isSet(name))
            continue;
        QVariant value;
        const QString where = origin.value(name, QStringLiteral("--") + name);
        if (!parseOptionValue(option, parser.values(name), where, &value, error))
            return false;
        if (option.scope == OptionScope::Engine)
            option.field.set(&options->engine, value);
        else
            appValues.insert(name, value);
    }
    if (const QString problem = checkOptionCombination(options->engine); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    if (!parser.isSet(QStringLiteral("data-dir")))
        options->engine.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    options->headless = appValues.value(QStringLiteral("headless")).toBool();
    options->printConfig = appValues.value(QStringLiteral("print-config")).toBool();
    options->language = appValues.value(QStringLiteral("lang")).toString();
    options->logFormat
        = appValues.value(QStringLiteral("log-format"), QStringLiteral("text")).toString();
    options->logLevel
        = appValues.value(QStringLiteral("log-level"), QStringLiteral("info")).toString();
    for (const ConsoleOption &option : consoleOptionTable) {
        const QString name = QLatin1String(option.name);
        if (!parser.isSet(name))
            continue;
        options->attach.*option.field = parser.value(name);
        if (name != QLatin1String("connect") && !parser.isSet(QStringLiteral("connect"))) {
            *error = QCoreApplication::translate("main",
                                                 "--%1 is for the console attached with "
                                                 "--connect URL")
                         .arg(name);
            return false;
        }
    }
    if (!options->attach.url.isEmpty()) {
        if (options->headless) {
            *error = QCoreApplication::translate("main",
                                                 "--connect opens the console; it cannot "
                                                 "be combined with --headless");
            return false;
        }
        const QString scheme = QUrl(options->attach.url).scheme();
        if (options->attach.url.contains(QLatin1String("://")) && scheme != QLatin1String("http")
            && scheme != QLatin1String("https")) {
            *error = QCoreApplication::translate("main",
                                                 "--connect takes an http:// or "
                                                 "https:// URL, not '%1'")
                         .arg(options->attach.url);
            return false;
        }
        if (options->attach.clientCert.isEmpty() != options->attach.clientKey.isEmpty()) {
            *error = QCoreApplication::translate("main",
                                                 "--client-cert and --client-key go "
                                                 "together");
            return false;
        }
    }
    return true;
}

QJsonObject effectiveConfig(const AppOptions &options)
{
    const QHash<QString, QVariant> appValues {
        {QStringLiteral("headless"), options.headless},
        {QStringLiteral("lang"), options.language},
        {QStringLiteral("log-format"), options.logFormat},
        {QStringLiteral("log-level"), options.logLevel},
    };
    QJsonObject out;
    for (const ConfigOption &option : configOptions()) {
        const QString name = QLatin1String(option.name);
        if (option.scope == OptionScope::Engine)
            out.insert(name, optionJson(option, option.field.get(options.engine)));
        else if (option.scope == OptionScope::App)
            out.insert(name, optionJson(option, appValues.value(name)));
    }
    return out;
}

} // namespace ssehub
