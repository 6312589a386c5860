#pragma once

#include "engineconfig.h"

#include <QHash>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStringList>

namespace ssehub {

// The console attached to a running ssehub instead of an embedded engine (--connect and its
// credentials). Console only: not in the config file or the environment, not headless.
struct ConsoleAttachOptions
{
    QString url; // --connect: http(s)://host:port
    QString tokenFile;
    QString caFile;
    QString clientCert;
    QString clientKey;
};

struct AppOptions
{
    EngineConfig engine;
    bool headless = false;
    QString language; // --lang: a locale name such as zh_CN or en; empty: the system's
    // Options given on the command line or in the environment: their name and where they came
    // from ("--listen", "SSEHUB_LISTEN"). They hold for this run only: the console shows them
    // as fixed and never writes them to the config file.
    QHash<QString, QString> fixedForRun;
    QString configFile; // the file read, if any
    // The file the console's settings are written to: --config, else the default one (which
    // may not exist yet).
    QString settingsFile;
    bool printConfig = false;
    QString logFormat = QStringLiteral("text"); // or "json"
    QString logLevel = QStringLiteral("info"); // debug, info, warning, error
    ConsoleAttachOptions attach;
};

// Parses a duration: "30" or "30s" (seconds), "500ms", "2m". Returns -1 when invalid.
qint64 parseDurationMs(const QString &text);
// Parses a size: "1048576", "512K", "1M" (binary units). Returns -1 when invalid.
qint64 parseSize(const QString &text);

// Fills options from the command line. Returns false with a message for the user; --help and
// --version print and set *exitNow.
// Fills options from the config file (--config, or ~/.config/ssehub/ssehub.json if it exists),
// then SSEHUB_* environment variables, then the command line; the last wins. Returns false with
// a message that names the option, variable or file and key; --help and --version print and
// set *exitNow.
bool parseCommandLine(const QStringList &arguments, AppOptions *options, QString *error,
                      bool *exitNow,
                      const QProcessEnvironment &environment
                      = QProcessEnvironment::systemEnvironment());
// ~/.config/ssehub/ssehub.json ($XDG_CONFIG_HOME): read when it exists and --config is not given.
QString defaultConfigFile();
// The effective configuration as JSON (every key, secrets masked): --print-config.
QJsonObject effectiveConfig(const AppOptions &options);

} // namespace ssehub
