#pragma once

#include "engine.h"

#include <QSet>
#include <QStringList>

namespace ssehub {

struct AppOptions
{
    Engine::Config engine;
    bool headless = false;
    QString language; // --lang: a locale name such as zh_CN or en; empty: the system's
    // Options given on the command line (their names), which win over the console's settings.
    QSet<QString> explicitOptions;
};

// Parses a duration: "30" or "30s" (seconds), "500ms", "2m". Returns -1 when invalid.
qint64 parseDurationMs(const QString &text);
// Parses a size: "1048576", "512K", "1M" (binary units). Returns -1 when invalid.
qint64 parseSize(const QString &text);

// Fills options from the command line. Returns false with a message for the user; --help and
// --version print and set *exitNow.
bool parseCommandLine(const QStringList &arguments, AppOptions *options, QString *error,
                      bool *exitNow);

} // namespace ssehub
