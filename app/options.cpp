#include "options.h"

#include "client.h"
#include "redisbroker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
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

} // namespace

bool parseCommandLine(const QStringList &arguments, AppOptions *options, QString *error,
                      bool *exitNow)
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
    parser.addOptions({lang, exportLog, logFile, logFileSize, logFileKeep});
    parser.addOptions(
        {headless,   listen,         heartbeat,      retry,         history,      maxQueue,
         maxBody,    cors,           dataDir,        grace,         archiveAfter, deleteAfter,
         redis,      redisPrefix,    nodeId,         jwtSecretFile, acl,          jwtCookie,
         jwtLeeway,  maxConnections, maxPerIp,       maxPerClient,  publishRate,  publishBurst,
         maxFilters, maxTopicLength, requestTimeout, tlsCert,       tlsKey,       tlsClientCa});

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        fputs(qPrintable(parser.helpText()), stdout);
        *exitNow = true;
        return true;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
               qPrintable(QCoreApplication::applicationVersion()));
        *exitNow = true;
        return true;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QCoreApplication::translate("main", "unexpected argument: %1")
                     .arg(parser.positionalArguments().first());
        return false;
    }

    Engine::Config &config = options->engine;
    options->headless = parser.isSet(headless);
    for (const QString &name : parser.optionNames())
        options->explicitOptions.insert(name);
    options->language = parser.value(lang);
    config.exportLogPath = parser.value(exportLog);
    config.logFile = parser.value(logFile);
    if (parser.isSet(listen)
        && !parseListen(parser.value(listen), &config.listenAddress, &config.port)) {
        *error
            = QCoreApplication::translate(
                  "main", "--listen takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not '%1'")
                  .arg(parser.value(listen));
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
            *error = QCoreApplication::translate("main", "--%1 takes %2, not '%3'")
                         .arg(option.names().first(), takes, text);
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
        && numeric(maxQueue, parseSize, 1024, 1LL << 32,
                   QCoreApplication::translate("main", "a size from 1K to 4G, e.g. 1M"),
                   &config.maxQueueBytes)
        && numeric(maxBody, parseSize, 256, 64LL * 1024 * 1024,
                   QCoreApplication::translate("main", "a size from 256 to 64M"),
                   &config.maxBodyBytes);
    config.corsOrigins = parser.values(cors);
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
        RedisConnection::Options parsed;
        if (!RedisBroker::parseUrl(config.redisUrl, &parsed, error)) {
            *error = QStringLiteral("--redis: ") + *error;
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
                         "--redis-prefix takes 1 to 64 characters without spaces or glob "
                         "characters (*?[]\\), not '%1'")
                         .arg(parser.value(redisPrefix));
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
            *error
                = QCoreApplication::translate("main", "--jwt-cookie takes a cookie name, not '%1'")
                      .arg(parser.value(jwtCookie));
            return false;
        }
        config.jwtCookie = name;
    }
    if (!numeric(jwtLeeway, parseDurationMs, 0, 3600LL * 1000,
                 QCoreApplication::translate("main", "a duration up to 1h, e.g. 30s"),
                 &config.jwtLeewayMs))
        return false;
    if (!numeric(logFileSize, parseSize, 4096, 1LL << 40,
                 QCoreApplication::translate("main", "a size of at least 4K, e.g. 10M"),
                 &config.logFileMaxBytes)
        || !numeric(logFileKeep, count, 1, 1000,
                    QCoreApplication::translate("main", "a count from 1 to 1000"),
                    &config.logFileKeep))
        return false;
    if (parser.isSet(nodeId)) {
        const QString problem = validateClientId(parser.value(nodeId).toUtf8());
        if (!problem.isEmpty()) {
            *error = QStringLiteral("--node-id: ") + problem;
            return false;
        }
        config.nodeId = parser.value(nodeId);
    }
    return valid && lifecycleValid;
}

} // namespace ssehub
