#pragma once

#include "api/logexport.h"
#include "observe/connectionlog.h"

#include <QList>
#include <QSet>

namespace ssehub {

// The connection log's rows for other programs (the formats, the whole export and the export
// file are declared in api/logexport.h, since the console writes exports too): one row per
// LogEntry, and which entries an export holds (LogQuery). The log itself is ConnectionLog
// (connectionlog.h); the file it is written to as it grows is RollingLogFile (rollingfile.h).

// One CSV line (CRLF-terminated, RFC 4180 quoting; a cell with ';' is quoted too). A cell that a
// spreadsheet would read as a formula (=, +, -, @, tab or CR first) gets a leading apostrophe:
// client ids and user agents come from the network. withNode: a last `node` column (an export of
// a console that merged a cluster's nodes; one engine's rows stay as they were).
QByteArray logCsvHeader(bool withNode = false);
QByteArray logCsvRow(const LogEntry &entry, bool withNode = false);
// One JSON object and a newline (with "node" when the entry names one).
QByteArray logJsonLine(const LogEntry &entry);
// The whole export; CSV starts with a UTF-8 byte order mark so that spreadsheets pick UTF-8, and
// has the node column when an entry names its node.
QByteArray exportLog(const QList<LogEntry> &entries, LogFormat format);

// Which entries an export or a view wants; empty fields match everything.
struct LogQuery
{
    QSet<LogEntry::Kind> kinds;
    QString client; // exact client id
    qint64 sinceMs = 0; // ms since the epoch, inclusive
    qint64 untilMs = 0; // exclusive; 0: no end
    qsizetype limit = 0; // the newest `limit` matching entries; 0: all

    bool matches(const LogEntry &entry) const;
    QList<LogEntry> apply(const QList<LogEntry> &entries) const;
};

} // namespace ssehub
