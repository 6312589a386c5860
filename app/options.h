#pragma once

#include "api/engineconfig.h"

#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSet>
#include <QStringList>

namespace ssehub {

struct AppOptions
{
    EngineConfig engine;
    bool headless = false;
    QString language; // --lang: a locale name such as zh_CN or en; empty: the system's
    // Options given on the command line, in the config file or the environment (their names),
    // which win over the console's stored settings.
    QSet<QString> explicitOptions;
    QString configFile; // the file read, if any
    bool printConfig = false;
    QString logFormat = QStringLiteral("text"); // or "json"
    QString logLevel = QStringLiteral("info"); // debug, info, warning, error
};

// The options themselves, their types and checks: the option table (api/configschema.h).
// Fills options from the config file (--config, or ~/.config/ssehub/ssehub.json if it exists),
// then SSEHUB_* environment variables, then the command line; the last wins. Returns false with
// a message that names the option, variable or file and key; --help and --version print and
// set *exitNow.
bool parseCommandLine(const QStringList &arguments, AppOptions *options, QString *error,
                      bool *exitNow,
                      const QProcessEnvironment &environment
                      = QProcessEnvironment::systemEnvironment());
// The effective configuration as JSON (every key, secrets masked): --print-config.
QJsonObject effectiveConfig(const AppOptions &options);

} // namespace ssehub
