#pragma once

#include "engineconfig.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <span>

namespace ssehub {

// How an option's value is written: the same on the command line, in the config file, in
// SSEHUB_* variables and in the console's settings dialog.
enum class OptionType {
    Flag, // no value on the command line; true/false in the file, 1/0 in the environment
    Count, // a whole number
    Duration, // parseDurationMs: "30" (seconds), "30s", "500ms", "2m"
    Size, // parseSize: "1048576", "512K", "1MiB"
    Address, // ADDR:PORT
    Text,
    List, // repeated on the command line, an array in the file, commas in the environment
};

// Who reads an option.
enum class OptionScope {
    Engine, // a field of EngineConfig (OptionBinding)
    App, // app/ itself (window or not, language, its own log)
    CommandLine, // app/, and only on the command line: not in the file or the environment
};

// Where the console's settings dialog shows an option (a tab); None: not in the dialog. The
// field follows from the type: a check box for a flag, a line for the rest (durations, sizes
// and counts typed as on the command line, lists with commas), with Browse for a FILE or DIR.
enum class SettingsPage {
    None,
    Network,
    Streams,
    Limits,
    Access,
    Storage, // data, subscriptions' lifetimes, log files
    Cluster,
};

// An option's value as a QVariant: Flag bool, Count qint64 (double for rates), Duration qint64
// ms, Size qint64 bytes, Address and Text QString, List QStringList. The binding converts it to
// and from the EngineConfig field's own type.
struct OptionBinding
{
    QVariant (*get)(const EngineConfig &config) = nullptr;
    void (*set)(EngineConfig *config, const QVariant &value) = nullptr;
};

// One option (docs/CONFIG.md). The table (configOptions()) drives the command-line parser, the
// config file and environment layers, --print-config, the reload diff
// (Engine::reconfigure), the console's settings dialog and the check of docs/CONFIG.md.
struct ConfigOption
{
    const char *name; // --name, the config-file key; SSEHUB_NAME in the environment
    OptionType type;
    OptionScope scope;
    bool reloadable; // SIGHUP applies a change while running; otherwise it needs a restart
    const char *valueName; // in --help: DURATION, SIZE, N, FILE ...; nullptr for a flag
    const char *help; // QT_TRANSLATE_NOOP("main", ...): translate with context "main"
    // Count, Duration, Size: the accepted range and "%1 takes <takes>, not '%2'" beyond it.
    qint64 min = 0;
    qint64 max = 0;
    const char *takes = nullptr; // QT_TRANSLATE_NOOP("main", ...)
    // A further check of a value (of each item of a list); returns the message, which names
    // `where` (the option, variable or file and key), or an empty string.
    QString (*check)(const QString &where, const QString &text) = nullptr;
    OptionBinding field = {}; // Engine scope only
    // The default as docs/CONFIG.md writes it; nullptr when it is described in words there.
    const char *defaultText = nullptr;
    // The console's settings dialog: the tab and the field's label.
    SettingsPage settingsPage = SettingsPage::None;
    const char *settingsLabel = nullptr; // QT_TRANSLATE_NOOP("ssehub::SettingsDialog", ...)
    bool hasPassword = false; // --print-config masks the password in it

    QString environmentName() const; // SSEHUB_HEARTBEAT for heartbeat
    bool takesValue() const { return type != OptionType::Flag; }
};

// Every option, in the order of --help.
std::span<const ConfigOption> configOptions();
// nullptr for an unknown name.
const ConfigOption *findConfigOption(QStringView name);

// A duration: "30" or "30s" (seconds), "500ms", "2m", "1h", "1d". -1 when invalid.
qint64 parseDurationMs(const QString &text);
// A size: "1048576", "512K", "1M", "1MiB" (binary units). -1 when invalid.
qint64 parseSize(const QString &text);
// A whole number. -1 when invalid.
qint64 parseCount(const QString &text);
// The shortest exact form: 30000 -> "30s", 1500 -> "1500ms"; 65536 -> "64K".
QString durationText(qint64 ms);
QString sizeText(qint64 bytes);

// Parses an option's text (a list: every item) into its value. On an error returns false with
// the message for the user, which names `where`.
bool parseOptionValue(const ConfigOption &option, const QStringList &texts, const QString &where,
                      QVariant *value, QString *error);
// A value as --print-config and the config file write it.
QJsonValue optionJson(const ConfigOption &option, const QVariant &value);
// What no single option can check: grace <= archive-after <= delete-after. Empty when valid.
QString checkOptionCombination(const EngineConfig &config);
// The problem with a Redis URL (redis://[:password@]host[:port][/db]), or empty.
QString redisUrlProblem(const QString &url);

} // namespace ssehub
