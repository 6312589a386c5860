#pragma once

#include "engineconfig.h"

#include <QSet>
#include <QString>

namespace ssehub {

// The console's stored engine settings (QSettings): listen address, heartbeat, history size,
// queue limit, Redis URL, token secret and ACL files. Options given on the command line win
// over stored ones for that run.
namespace ConsoleSettings {

// Applies stored values to config, except those whose option is in fromCommandLine (option
// names such as "listen", "redis").
void load(EngineConfig *config, const QSet<QString> &fromCommandLine);
void save(const EngineConfig &config);

} // namespace ConsoleSettings

} // namespace ssehub
