#include "options.h"

#include "validation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <type_traits>

namespace ssehub {

qint64 parseDurationMs(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?\\s*$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    const double ms = unit == QLatin1String("ms") ? value
        : unit == QLatin1String("m")              ? value * 60000.0
        : unit == QLatin1String("h")              ? value * 3600000.0
        : unit == QLatin1String("d")              ? value * 86400000.0
                                                  : value * 1000.0;
    if (ms > 3650.0 * 86400 * 1000)
        return -1;
    return qint64(ms);
}

qint64 parseSize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*([KkMmGg]i?[Bb]?)?\\s*$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    bool ok = false;
    qint64 value = match.captured(1).toLongLong(&ok);
    if (!ok)
        return -1;
    const QString unit = match.captured(2).toUpper();
    if (unit.startsWith(QLatin1Char('K')))
        value *= 1024;
    else if (unit.startsWith(QLatin1Char('M')))
        value *= 1024 * 1024;
    else if (unit.startsWith(QLatin1Char('G')))
        value *= 1024LL * 1024 * 1024;
    return value;
}

namespace {

bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    QHostAddress parsed;
    if (host == QLatin1String("localhost"))
        parsed = QHostAddress(QHostAddress::LocalHost);
    else if (host == QLatin1String("*"))
        parsed = QHostAddress(QHostAddress::Any);
    else if (!parsed.setAddress(host))
        return false;
    *address = parsed;
    *port = quint16(value);
    return true;
}

// Options that take a list (repeated on the command line, an array in the file, commas in the
// environment) and those that only make sense on the command line.
const QSet<QString> &listOptions()
{
    static const QSet<QString> names {QStringLiteral("cors-origin"),
                                      QStringLiteral("metrics-topics"),
                                      QStringLiteral("allowed-host")};
    return names;
}

bool commandLineOnly(const QString &name)
{
    return name == QLatin1String("help") || name == QLatin1String("help-all")
        || name == QLatin1String("version") || name == QLatin1String("config")
        || name == QLatin1String("print-config");
}

QString environmentName(const QString &option)
{
    return QStringLiteral("SSEHUB_") + option.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

// Turns the config file and the SSEHUB_* variables into arguments placed before the real ones,
// so that one parser and one set of checks serve all three and the command line wins. Lists
// come whole from the highest layer that has them. origin[name] says where a value came from,
// for messages ("/etc/ssehub/ssehub.json: \"heartbeat\"", "SSEHUB_HEARTBEAT", "--heartbeat").
bool layerSources(const QCommandLineParser &commandLine, const QList<QCommandLineOption> &options,
                  const QStringList &arguments, const QProcessEnvironment &environment,
                  QStringList *layered, QHash<QString, QString> *origin, QString *configPath,
                  QString *error)
{
    QHash<QString, const QCommandLineOption *> byName;
    for (const QCommandLineOption &option : options)
        byName.insert(option.names().first(), &option);
    const QSet<QString> onCommandLine(commandLine.optionNames().cbegin(),
                                      commandLine.optionNames().cend());

    // 1. The file: --config, else the user's default one if it exists.
    QStringList fileArgs;
    QString path = commandLine.value(QStringLiteral("config"));
    if (path.isEmpty()) {
        const QString fallback
            = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
            + QStringLiteral("/ssehub/ssehub.json");
        if (QFile::exists(fallback))
            path = fallback;
    }
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
            const QCommandLineOption *option = byName.value(key);
            const QString where = QStringLiteral("%1: \"%2\"").arg(path, key);
            if (!option || commandLineOnly(key)) {
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
            const QString valueName = option->valueName();
            if (valueName.isEmpty()) {
                if (!value.isBool())
                    return wrongType(QCoreApplication::translate("main", "true or false"));
                if (value.toBool())
                    fileArgs << QStringLiteral("--") + key;
            } else if (listOptions().contains(key)) {
                if (!value.isArray())
                    return wrongType(QCoreApplication::translate("main", "an array of strings"));
                for (const QJsonValue &item : value.toArray()) {
                    if (!item.isString())
                        return wrongType(
                            QCoreApplication::translate("main", "an array of strings"));
                    fileArgs << QStringLiteral("--") + key << item.toString();
                }
            } else if (valueName == QLatin1String("N") || valueName == QLatin1String("COUNT")) {
                if (!value.isDouble())
                    return wrongType(QCoreApplication::translate("main", "a number"));
                fileArgs << QStringLiteral("--") + key
                         << QString::number(value.toDouble(), 'g', 17);
            } else if (valueName == QLatin1String("DURATION")
                       || valueName == QLatin1String("SIZE")) {
                if (value.isDouble())
                    fileArgs << QStringLiteral("--") + key
                             << QString::number(value.toDouble(), 'g', 17);
                else if (value.isString())
                    fileArgs << QStringLiteral("--") + key << value.toString();
                else
                    return wrongType(
                        valueName == QLatin1String("SIZE")
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
    for (const QCommandLineOption &option : options) {
        const QString name = option.names().first();
        const QString variable = environmentName(name);
        if (commandLineOnly(name) || !environment.contains(variable))
            continue;
        const QString text = environment.value(variable);
        if (option.valueName().isEmpty()) {
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
        } else if (listOptions().contains(name)) {
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
            if (listOptions().contains(name) && higher.contains(name)) {
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

bool parseCommandLine(const QStringList &arguments, AppOptions *options, QString *error,
                      bool *exitNow, const QProcessEnvironment &environment)
{
    *exitNow = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Server-Sent Events hub with a desktop monitoring console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(
        QStringLiteral("headless"),
        QCoreApplication::translate("main", "Run the engine without a window."));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QCoreApplication::translate(
            "main",
            "Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one)."),
        QStringLiteral("ADDR:PORT"));
    const QCommandLineOption heartbeat(
        QStringLiteral("heartbeat"),
        QCoreApplication::translate("main",
                                    "Heartbeat interval: a ': ping' comment after this long "
                                    "without output (default 30s; e.g. 15s, 500ms)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption retry(
        QStringLiteral("retry"),
        QCoreApplication::translate(
            "main", "Reconnect delay suggested to clients in the 'retry:' line (default 3000ms)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption history(
        QStringLiteral("history"),
        QCoreApplication::translate("main",
                                    "Number of recent events kept for replay (default 10000)."),
        QStringLiteral("COUNT"));
    const QCommandLineOption historyBytes(
        QStringLiteral("history-bytes"),
        QCoreApplication::translate("main",
                                    "Memory the replay history may hold; the oldest events go "
                                    "first (default 64M; 0 disables replay)."),
        QStringLiteral("SIZE"));
    const QCommandLineOption maxQueue(
        QStringLiteral("max-queue"),
        QCoreApplication::translate(
            "main", "Bytes queued for one slow client before it is disconnected (default 1M)."),
        QStringLiteral("SIZE"));
    const QCommandLineOption maxBody(
        QStringLiteral("max-body"),
        QCoreApplication::translate("main", "Largest request body accepted (default 64K)."),
        QStringLiteral("SIZE"));
    const QCommandLineOption cors(
        QStringLiteral("cors-origin"),
        QCoreApplication::translate(
            "main", "Allow browser requests from this origin (repeatable; '*' for any)."),
        QStringLiteral("ORIGIN"));
    const QCommandLineOption allowedHost(
        QStringLiteral("allowed-host"),
        QCoreApplication::translate("main",
                                    "A host name requests may use besides the listen address and "
                                    "localhost (repeatable; '*' turns the check off)."),
        QStringLiteral("NAME"));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QCoreApplication::translate("main",
                                    "Directory for stored subscriptions and cursors "
                                    "(default: the user's data directory; '' keeps them "
                                    "in memory only)."),
        QStringLiteral("DIR"));
    const QCommandLineOption grace(
        QStringLiteral("subscription-grace"),
        QCoreApplication::translate("main",
                                    "How long after its expiry a subscription can still "
                                    "be renewed (default 7d)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption archiveAfter(
        QStringLiteral("subscription-archive-after"),
        QCoreApplication::translate("main",
                                    "Time after expiry when a subscription is archived "
                                    "(default 15d)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption deleteAfter(
        QStringLiteral("subscription-delete-after"),
        QCoreApplication::translate("main",
                                    "Time after expiry when a subscription is deleted "
                                    "(default 30d)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption redis(
        QStringLiteral("redis"),
        QCoreApplication::translate("main",
                                    "Cluster mode: share events, history and subscriptions "
                                    "with other instances through Redis at "
                                    "redis://[:password@]host[:port][/db]."),
        QStringLiteral("URL"));
    const QCommandLineOption redisPrefix(
        QStringLiteral("redis-prefix"),
        QCoreApplication::translate("main",
                                    "Prefix of every Redis key and channel (default "
                                    "'ssehub:'); instances with the same prefix form one "
                                    "cluster."),
        QStringLiteral("PREFIX"));
    const QCommandLineOption nodeId(
        QStringLiteral("node-id"),
        QCoreApplication::translate("main",
                                    "Name of this instance in the session event and the "
                                    "node registry (default: host name and port)."),
        QStringLiteral("ID"));
    const QCommandLineOption jwtSecretFile(
        QStringLiteral("jwt-secret-file"),
        QCoreApplication::translate("main",
                                    "Accept HS256 tokens signed with the secret in FILE (at "
                                    "least 32 bytes; a trailing newline is ignored)."),
        QStringLiteral("FILE"));
    const QCommandLineOption acl(
        QStringLiteral("acl"),
        QCoreApplication::translate("main",
                                    "Topic access rules and roles (JSON, see docs/CONFIG.md)."),
        QStringLiteral("FILE"));
    const QCommandLineOption jwtCookie(
        QStringLiteral("jwt-cookie"),
        QCoreApplication::translate("main",
                                    "Cookie that may carry the token (default "
                                    "ssehub_token)."),
        QStringLiteral("NAME"));
    const QCommandLineOption jwtLeeway(
        QStringLiteral("jwt-leeway"),
        QCoreApplication::translate("main",
                                    "Clock skew allowed on a token's exp and nbf (default 30s)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption allowTokensWithoutExp(
        QStringLiteral("allow-tokens-without-exp"),
        QCoreApplication::translate("main",
                                    "Accept tokens that never expire (no exp, or exp 0); by "
                                    "default they are refused."));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"),
        QCoreApplication::translate("main", "Serve HTTPS with this certificate chain (PEM)."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(
        QStringLiteral("tls-key"),
        QCoreApplication::translate("main", "The private key of --tls-cert (PEM, unencrypted)."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsClientCa(
        QStringLiteral("tls-client-ca"),
        QCoreApplication::translate("main",
                                    "Require client certificates signed by this CA (PEM); "
                                    "the certificate's CN becomes the client id."),
        QStringLiteral("FILE"));
    const QCommandLineOption maxFilters(
        QStringLiteral("max-filters"),
        QCoreApplication::translate("main",
                                    "Topic filters per stream or subscription request (default "
                                    "64)."),
        QStringLiteral("N"));
    const QCommandLineOption maxClients(
        QStringLiteral("max-clients"),
        QCoreApplication::translate("main",
                                    "Clients the hub knows at once, named or not (default "
                                    "100000; 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption maxSubscriptions(
        QStringLiteral("max-subscriptions"),
        QCoreApplication::translate("main",
                                    "Active subscriptions of all clients together (default "
                                    "1000000; 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption maxTopicLength(
        QStringLiteral("max-topic-length"),
        QCoreApplication::translate("main",
                                    "Longest topic or filter in bytes (default and "
                                    "maximum 256)."),
        QStringLiteral("N"));
    const QCommandLineOption requestTimeout(
        QStringLiteral("request-timeout"),
        QCoreApplication::translate("main",
                                    "Time a client has to send one complete request; slower "
                                    "ones get 408 and are closed (default 15s)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption maxConnections(
        QStringLiteral("max-connections"),
        QCoreApplication::translate("main", "Open streams at most (default 10000; 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption maxPerIp(
        QStringLiteral("max-connections-per-ip"),
        QCoreApplication::translate("main",
                                    "Streams from one address at most (default 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption maxPerClient(
        QStringLiteral("max-streams-per-client"),
        QCoreApplication::translate("main",
                                    "Streams of one client id at most (default 64; 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption publishRate(
        QStringLiteral("publish-rate"),
        QCoreApplication::translate("main",
                                    "Publishes per second per client, or per address for "
                                    "anonymous publishers (default 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption publishBurst(
        QStringLiteral("publish-burst"),
        QCoreApplication::translate("main",
                                    "Publishes allowed in a burst (default: twice the rate)."),
        QStringLiteral("N"));
    const QCommandLineOption lang(
        QStringLiteral("lang"),
        QCoreApplication::translate("main",
                                    "Language of the console (e.g. zh_CN, en; default: the "
                                    "system's)."),
        QStringLiteral("LOCALE"));
    const QCommandLineOption exportLog(
        QStringLiteral("export-log"),
        QCoreApplication::translate("main",
                                    "Write the connection log to FILE when ssehub exits (.csv: "
                                    "CSV, otherwise JSON Lines)."),
        QStringLiteral("FILE"));
    const QCommandLineOption logFile(
        QStringLiteral("log-file"),
        QCoreApplication::translate("main",
                                    "Append the connection log to FILE as JSON Lines, rotated "
                                    "by size."),
        QStringLiteral("FILE"));
    const QCommandLineOption logFileSize(
        QStringLiteral("log-file-size"),
        QCoreApplication::translate("main", "Size at which --log-file is rotated (default 10M)."),
        QStringLiteral("SIZE"));
    const QCommandLineOption logFileKeep(
        QStringLiteral("log-file-keep"),
        QCoreApplication::translate("main", "Rotated log files kept (default 5)."),
        QStringLiteral("N"));
    const QCommandLineOption configFile(
        QStringLiteral("config"),
        QCoreApplication::translate(
            "main",
            "Read settings from this JSON file (default: "
            "~/.config/ssehub/ssehub.json if it exists). Environment "
            "variables SSEHUB_<OPTION> override it, options override both."),
        QStringLiteral("FILE"));
    const QCommandLineOption printConfig(
        QStringLiteral("print-config"),
        QCoreApplication::translate(
            "main", "Print the effective configuration (secrets masked) and exit."));
    const QCommandLineOption logFormat(
        QStringLiteral("log-format"),
        QCoreApplication::translate("main",
                                    "Log lines as 'text' (default) or 'json' (JSON Lines)."),
        QStringLiteral("FORMAT"));
    const QCommandLineOption logLevel(
        QStringLiteral("log-level"),
        QCoreApplication::translate("main",
                                    "Lowest level logged: debug, info (default), warning or "
                                    "error."),
        QStringLiteral("LEVEL"));
    const QCommandLineOption metricsTopics(
        QStringLiteral("metrics-topics"),
        QCoreApplication::translate("main",
                                    "Count events per topic in GET /metrics for these topics "
                                    "(repeatable; default none)."),
        QStringLiteral("TOPIC"));
    const QCommandLineOption drainTime(
        QStringLiteral("drain-time"),
        QCoreApplication::translate("main",
                                    "On shutdown, time given to streams to take what is queued "
                                    "for them before they are closed (default 5s)."),
        QStringLiteral("DURATION"));
    QList<QCommandLineOption> all {lang,
                                   exportLog,
                                   logFile,
                                   logFileSize,
                                   logFileKeep,
                                   configFile,
                                   printConfig,
                                   logFormat,
                                   logLevel,
                                   metricsTopics,
                                   drainTime,
                                   allowedHost,
                                   allowTokensWithoutExp,
                                   historyBytes,
                                   maxClients,
                                   maxSubscriptions};
    all.append(QList<QCommandLineOption> {
        headless,   listen,         heartbeat,      retry,         history,      maxQueue,
        maxBody,    cors,           dataDir,        grace,         archiveAfter, deleteAfter,
        redis,      redisPrefix,    nodeId,         jwtSecretFile, acl,          jwtCookie,
        jwtLeeway,  maxConnections, maxPerIp,       maxPerClient,  publishRate,  publishBurst,
        maxFilters, maxTopicLength, requestTimeout, tlsCert,       tlsKey,       tlsClientCa});
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
    if (!layerSources(first, all, arguments, environment, &layered, &origin, &options->configFile,
                      error))
        return false;
    if (!parser.parse(layered)) {
        *error = parser.errorText();
        return false;
    }
    auto from = [&origin](const QCommandLineOption &option) {
        return origin.value(option.names().first(), QStringLiteral("--") + option.names().first());
    };

    EngineConfig &config = options->engine;
    options->headless = parser.isSet(headless);
    config.allowTokensWithoutExp = parser.isSet(allowTokensWithoutExp);
    for (const QString &name : parser.optionNames())
        options->explicitOptions.insert(name);
    options->printConfig = parser.isSet(printConfig);
    options->logFormat = parser.isSet(logFormat) ? parser.value(logFormat) : QStringLiteral("text");
    if (options->logFormat != QLatin1String("text")
        && options->logFormat != QLatin1String("json")) {
        *error = QCoreApplication::translate("main", "%1 takes text or json, not '%2'")
                     .arg(from(logFormat), options->logFormat);
        return false;
    }
    options->logLevel = parser.isSet(logLevel) ? parser.value(logLevel) : QStringLiteral("info");
    if (!QStringList {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                      QStringLiteral("error")}
             .contains(options->logLevel)) {
        *error = QCoreApplication::translate("main",
                                             "%1 takes debug, info, warning or error, not '%2'")
                     .arg(from(logLevel), options->logLevel);
        return false;
    }
    for (const QString &topic : parser.values(metricsTopics)) {
        if (const QString problem = validateTopic(topic.toUtf8()); !problem.isEmpty()) {
            *error = QStringLiteral("%1: %2").arg(from(metricsTopics), problem);
            return false;
        }
        options->engine.metricsTopics.append(topic.toUtf8());
    }
    options->language = parser.value(lang);
    config.exportLogPath = parser.value(exportLog);
    config.logFile = parser.value(logFile);
    if (parser.isSet(listen)
        && !parseListen(parser.value(listen), &config.listenAddress, &config.port)) {
        *error = QCoreApplication::translate(
                     "main", "%1 takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not '%2'")
                     .arg(from(listen), parser.value(listen));
        return false;
    }
    // Reads one numeric option: parse(text) gives the value or -1; out-of-range values get a
    // message that says what the option takes.
    auto numeric = [&](const QCommandLineOption &option, qint64 (*parse)(const QString &),
                       qint64 min, qint64 max, const QString &takes, auto *target) {
        if (!parser.isSet(option))
            return true;
        const QString text = parser.value(option);
        const qint64 value = parse(text);
        if (value < min || value > max) {
            *error = QCoreApplication::translate("main", "%1 takes %2, not '%3'")
                         .arg(from(option), takes, text);
            return false;
        }
        *target = std::remove_pointer_t<decltype(target)>(value);
        return true;
    };
    auto count = [](const QString &text) -> qint64 {
        bool ok = false;
        const qlonglong value = text.toLongLong(&ok);
        return ok ? value : -1;
    };
    constexpr qint64 day = 24LL * 3600 * 1000;
    const bool valid = numeric(heartbeat, parseDurationMs, 1, day,
                               QCoreApplication::translate(
                                   "main", "a duration of at least 1ms, e.g. 30s or 500ms"),
                               &config.heartbeatMs)
        && numeric(retry, parseDurationMs, 0, day,
                   QCoreApplication::translate("main", "a duration, e.g. 3000ms or 3s"),
                   &config.retryMs)
        && numeric(history, count, 0, 10'000'000,
                   QCoreApplication::translate("main", "a count from 0 to 10000000"),
                   &config.historySize)
        && numeric(historyBytes, parseSize, 0, 1LL << 40,
                   QCoreApplication::translate("main", "a size from 0 to 1024G, e.g. 64M"),
                   &config.historyBytes)
        && numeric(maxQueue, parseSize, 1024, 1LL << 32,
                   QCoreApplication::translate("main", "a size from 1K to 4G, e.g. 1M"),
                   &config.maxQueueBytes)
        && numeric(maxBody, parseSize, 256, 64LL * 1024 * 1024,
                   QCoreApplication::translate("main", "a size from 256 to 64M"),
                   &config.maxBodyBytes);
    config.corsOrigins = parser.values(cors);
    config.allowedHosts = parser.values(allowedHost);
    if (!valid)
        return false;
    const qint64 tenYears = 3650LL * 86400 * 1000;
    const QString durationText = QCoreApplication::translate("main", "a duration, e.g. 7d or 12h");
    const bool lifecycleValid
        = numeric(grace, parseDurationMs, 0, tenYears, durationText, &config.lifecycle.graceMs)
        && numeric(archiveAfter, parseDurationMs, 0, tenYears, durationText,
                   &config.lifecycle.archiveAfterMs)
        && numeric(deleteAfter, parseDurationMs, 0, tenYears, durationText,
                   &config.lifecycle.deleteAfterMs);
    if (valid && lifecycleValid
        && !(config.lifecycle.graceMs <= config.lifecycle.archiveAfterMs
             && config.lifecycle.archiveAfterMs <= config.lifecycle.deleteAfterMs)) {
        *error = QCoreApplication::translate("main",
                                             "the subscription durations must satisfy "
                                             "grace <= archive-after <= delete-after");
        return false;
    }
    config.dataDir = parser.isSet(dataDir)
        ? parser.value(dataDir)
        : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    config.redisUrl = parser.value(redis);
    if (!config.redisUrl.isEmpty()) {
        if (!checkRedisUrl(config.redisUrl, error)) {
            *error = from(redis) + QStringLiteral(": ") + *error;
            return false;
        }
    }
    if (parser.isSet(redisPrefix)) {
        const QByteArray prefix = parser.value(redisPrefix).toUtf8();
        if (prefix.isEmpty() || prefix.size() > 64
            || std::any_of(prefix.cbegin(), prefix.cend(), [](char c) {
                   return uchar(c) <= ' ' || c == '*' || c == '?' || c == '[' || c == ']'
                       || c == '\\';
               })) {
            *error = QCoreApplication::translate(
                         "main",
                         "%1 takes 1 to 64 characters without spaces or glob characters "
                         "(*?[]\\), not '%2'")
                         .arg(from(redisPrefix), parser.value(redisPrefix));
            return false;
        }
        config.redisPrefix = prefix;
    }
    const QString countText
        = QCoreApplication::translate("main", "a count from 0 (no limit) to 1000000");
    if (!numeric(maxConnections, count, 0, 1'000'000, countText, &config.maxConnections)
        || !numeric(maxPerIp, count, 0, 1'000'000, countText, &config.maxConnectionsPerIp)
        || !numeric(maxPerClient, count, 0, 1'000'000, countText, &config.maxStreamsPerClient)
        || !numeric(publishRate, count, 0, 1'000'000, countText, &config.publishRate)
        || !numeric(publishBurst, count, 0, 1'000'000, countText, &config.publishBurst)
        || !numeric(maxClients, count, 0, 1'000'000, countText, &config.lifecycle.maxClients)
        || !numeric(maxSubscriptions, count, 0, 10'000'000,
                    QCoreApplication::translate("main", "a count from 0 to 10000000"),
                    &config.lifecycle.maxSubscriptions)
        || !numeric(maxFilters, count, 1, 1024,
                    QCoreApplication::translate("main", "a count from 1 to 1024"),
                    &config.maxFiltersPerStream)
        || !numeric(maxTopicLength, count, 1, 256,
                    QCoreApplication::translate("main", "a length from 1 to 256"),
                    &config.maxTopicBytes)
        || !numeric(requestTimeout, parseDurationMs, 100, 3600LL * 1000,
                    QCoreApplication::translate("main", "a duration from 100ms to 1h"),
                    &config.requestTimeoutMs))
        return false;
    config.jwtSecretFile = parser.value(jwtSecretFile);
    config.tlsCertFile = parser.value(tlsCert);
    config.tlsKeyFile = parser.value(tlsKey);
    config.tlsClientCaFile = parser.value(tlsClientCa);
    config.aclFile = parser.value(acl);
    if (parser.isSet(jwtCookie)) {
        const QByteArray name = parser.value(jwtCookie).toLatin1();
        if (name.isEmpty() || name.contains(';') || name.contains('=') || name.contains(' ')) {
            *error = QCoreApplication::translate("main", "%1 takes a cookie name, not '%2'")
                         .arg(from(jwtCookie), parser.value(jwtCookie));
            return false;
        }
        config.jwtCookie = name;
    }
    if (!numeric(jwtLeeway, parseDurationMs, 0, 3600LL * 1000,
                 QCoreApplication::translate("main", "a duration up to 1h, e.g. 30s"),
                 &config.jwtLeewayMs))
        return false;
    if (!numeric(drainTime, parseDurationMs, 0, 600LL * 1000,
                 QCoreApplication::translate("main", "a duration up to 10m, e.g. 5s"),
                 &config.drainMs))
        return false;
    if (!numeric(logFileSize, parseSize, 4096, 1LL << 40,
                 QCoreApplication::translate("main", "a size of at least 4K, e.g. 10M"),
                 &config.logFileMaxBytes)
        || !numeric(logFileKeep, count, 1, 1000,
                    QCoreApplication::translate("main", "a count from 1 to 1000"),
                    &config.logFileKeep))
        return false;
    if (parser.isSet(nodeId) && !parser.value(nodeId).isEmpty()) {
        const QString problem = validateClientId(parser.value(nodeId).toUtf8());
        if (!problem.isEmpty()) {
            *error = from(nodeId) + QStringLiteral(": ") + problem;
            return false;
        }
        config.nodeId = parser.value(nodeId);
    }
    return valid && lifecycleValid;
}

namespace {

QString durationText(qint64 ms)
{
    const std::pair<qint64, const char *> units[]
        = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
    for (const auto &[size, unit] : units) {
        if (ms > 0 && ms % size == 0)
            return QString::number(ms / size) + QLatin1String(unit);
    }
    return QString::number(ms) + QStringLiteral("ms");
}

QString sizeText(qint64 bytes)
{
    const std::pair<qint64, const char *> units[]
        = {{1024LL * 1024 * 1024, "G"}, {1024 * 1024, "M"}, {1024, "K"}};
    for (const auto &[size, unit] : units) {
        if (bytes > 0 && bytes % size == 0)
            return QString::number(bytes / size) + QLatin1String(unit);
    }
    return QString::number(bytes);
}

// A Redis URL with its password replaced.
QString maskedUrl(const QString &url)
{
    static const QRegularExpression password(QStringLiteral("^(redis://[^:@/]*:)[^@]*@"));
    QString masked = url;
    masked.replace(password, QStringLiteral("\\1***@"));
    return masked;
}

QJsonArray stringArray(const QStringList &values)
{
    QJsonArray array;
    for (const QString &value : values)
        array.append(value);
    return array;
}

} // namespace

QJsonObject effectiveConfig(const AppOptions &options)
{
    const EngineConfig &c = options.engine;
    const QString host = c.listenAddress == QHostAddress(QHostAddress::Any) ? QStringLiteral("*")
        : c.listenAddress.protocol() == QAbstractSocket::IPv6Protocol
        ? QString(QLatin1Char('[') + c.listenAddress.toString() + QLatin1Char(']'))
        : c.listenAddress.toString();
    QStringList topics;
    for (const QByteArray &topic : c.metricsTopics)
        topics << QString::fromUtf8(topic);
    return QJsonObject {
        {QStringLiteral("headless"), options.headless},
        {QStringLiteral("listen"), QString(host + QLatin1Char(':') + QString::number(c.port))},
        {QStringLiteral("heartbeat"), durationText(c.heartbeatMs)},
        {QStringLiteral("retry"), durationText(c.retryMs)},
        {QStringLiteral("history"), double(c.historySize)},
        {QStringLiteral("history-bytes"), sizeText(c.historyBytes)},
        {QStringLiteral("max-queue"), sizeText(c.maxQueueBytes)},
        {QStringLiteral("max-body"), sizeText(c.maxBodyBytes)},
        {QStringLiteral("cors-origin"), stringArray(c.corsOrigins)},
        {QStringLiteral("allowed-host"), stringArray(c.allowedHosts)},
        {QStringLiteral("data-dir"), c.dataDir},
        {QStringLiteral("subscription-grace"), durationText(c.lifecycle.graceMs)},
        {QStringLiteral("subscription-archive-after"), durationText(c.lifecycle.archiveAfterMs)},
        {QStringLiteral("subscription-delete-after"), durationText(c.lifecycle.deleteAfterMs)},
        {QStringLiteral("redis"), maskedUrl(c.redisUrl)},
        {QStringLiteral("redis-prefix"), QString::fromUtf8(c.redisPrefix)},
        {QStringLiteral("node-id"), c.nodeId},
        {QStringLiteral("jwt-secret-file"), c.jwtSecretFile},
        {QStringLiteral("acl"), c.aclFile},
        {QStringLiteral("jwt-cookie"), QString::fromLatin1(c.jwtCookie)},
        {QStringLiteral("jwt-leeway"), durationText(c.jwtLeewayMs)},
        {QStringLiteral("allow-tokens-without-exp"), c.allowTokensWithoutExp},
        {QStringLiteral("tls-cert"), c.tlsCertFile},
        {QStringLiteral("tls-key"), c.tlsKeyFile},
        {QStringLiteral("tls-client-ca"), c.tlsClientCaFile},
        {QStringLiteral("max-filters"), c.maxFiltersPerStream},
        {QStringLiteral("max-clients"), double(c.lifecycle.maxClients)},
        {QStringLiteral("max-subscriptions"), double(c.lifecycle.maxSubscriptions)},
        {QStringLiteral("max-topic-length"), double(c.maxTopicBytes)},
        {QStringLiteral("request-timeout"), durationText(c.requestTimeoutMs)},
        {QStringLiteral("max-connections"), c.maxConnections},
        {QStringLiteral("max-connections-per-ip"), c.maxConnectionsPerIp},
        {QStringLiteral("max-streams-per-client"), c.maxStreamsPerClient},
        {QStringLiteral("publish-rate"), c.publishRate},
        {QStringLiteral("publish-burst"), c.publishBurst},
        {QStringLiteral("lang"), options.language},
        {QStringLiteral("export-log"), c.exportLogPath},
        {QStringLiteral("log-file"), c.logFile},
        {QStringLiteral("log-file-size"), sizeText(c.logFileMaxBytes)},
        {QStringLiteral("log-file-keep"), c.logFileKeep},
        {QStringLiteral("log-format"), options.logFormat},
        {QStringLiteral("log-level"), options.logLevel},
        {QStringLiteral("metrics-topics"), stringArray(topics)},
        {QStringLiteral("drain-time"), durationText(c.drainMs)},
    };
}

} // namespace ssehub
