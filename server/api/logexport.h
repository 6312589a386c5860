#pragma once

#include "logentry.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace ssehub {

// The connection log as files: CSV for spreadsheets and JSON Lines for tools. Both carry the
// same columns: time (ISO 8601, UTC, milliseconds), kind, connection, client_id, remote,
// user_agent, reason, detail, count (how many occurrences a coalesced entry stands for; else 1).
enum class LogFormat { Csv, JsonLines };

// "csv" or "jsonl" (also "ndjson"); false for anything else.
bool logFormatFromName(QStringView name, LogFormat *format);
// By the file's extension: .csv is CSV, anything else JSON Lines.
LogFormat logFormatForPath(const QString &path);

// Writes the export atomically (a temporary file renamed over `path`); false with a message.
bool writeLogExport(const QString &path, const QList<LogEntry> &entries, LogFormat format,
                    QString *error);

} // namespace ssehub
