#pragma once

#include "engineconfig.h"

#include <QHash>
#include <QString>

namespace ssehub {

// Where the console's engine settings come from and go to: the same JSON config file that
// headless runs and --print-config read (docs/CONFIG.md, "Where settings come from"). app/
// parses the file, SSEHUB_* variables and the command line into the EngineConfig the window
// starts with, and tells this module which file that is and which options the command line
// or the environment fixed for this run: the settings dialog shows those as fixed, and they
// are never written to the file.
namespace ConsoleSettings {

struct Source
{
    // The config file Settings writes to (--config, or ~/.config/ssehub/ssehub.json); empty:
    // nowhere (the settings apply to this run only).
    QString file;
    // Option name -> where its value came from for this run ("--listen", "SSEHUB_HEARTBEAT").
    QHash<QString, QString> fixed;
};

// For this run (app/ sets it before the window opens).
void setSource(const Source &source);
const Source &source();

// Why the config file cannot be written (it, or its directory, is not writable), or empty.
QString fileProblem();

// Writes to the config file the options whose value differs between before and after, except
// those fixed for this run; the file's other keys stay as they are. False with a message when
// the file cannot be read or written.
bool save(const EngineConfig &before, const EngineConfig &after, QString *error);

// Earlier versions kept some of these settings with QSettings (group [engine] of ssehub.conf).
// Moves those that the config file does not have into it (creating it), then forgets the
// group. Returns whether the file changed (then it must be read again); false with a message
// when it could not be written.
bool migrateLegacy(const QString &file, QString *error);

} // namespace ConsoleSettings

} // namespace ssehub
