#pragma once

#include "engineconfig.h"

#include <QSet>
#include <QString>

namespace ssehub {

// The console's stored engine settings (QSettings, group [engine]): the options of the option
// table (api/configschema.h) that have a settings key. Options given on the command line win
// over stored ones for that run.
namespace ConsoleSettings {

// Applies stored values to config, except those whose option is in fromCommandLine (option
// names such as "listen", "redis"). A stored value out of the option's range is ignored.
void load(EngineConfig *config, const QSet<QString> &fromCommandLine);
void save(const EngineConfig &config);

} // namespace ConsoleSettings

} // namespace ssehub
