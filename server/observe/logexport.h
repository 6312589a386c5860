#pragma once

#include "api/logexport.h"
#include "observe/connectionlog.h"

#include <QFile>
#include <QList>
#include <QSet>
#include <QTimer>

namespace ssehub {

// One CSV line (CRLF-terminated, RFC 4180 quoting; a cell with ';' is quoted too). A cell that a
// spreadsheet would read as a formula (=, +, -, @, tab or CR first) gets a leading apostrophe:
// client ids and user agents come from the network.
QByteArray logCsvHeader();
QByteArray logCsvRow(const LogEntry &entry);
// One JSON object and a newline.
QByteArray logJsonLine(const LogEntry &entry);
// The whole export; CSV starts with a UTF-8 byte order mark so that spreadsheets pick UTF-8.
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

// The optional log file: JSON Lines appended as entries arrive, flushed once a second, renamed
// to <file>.1 (and older ones shifted up to <file>.<keep>) when it reaches maxBytes.
class RollingLogFile : public QObject
{
    Q_OBJECT

public:
    RollingLogFile(const QString &path, qint64 maxBytes, int keep, QObject *parent = nullptr);
    ~RollingLogFile() override;

    // Opens (appending) or creates the file; false with a message.
    bool open(QString *error);
    void append(const LogEntry &entry);
    void flush();
    QString path() const { return m_file.fileName(); }
    // The last write problem (disk full, removed directory), or empty.
    QString problem() const { return m_problem; }

private:
    void rotate();

    QFile m_file;
    qint64 m_maxBytes;
    int m_keep;
    qint64 m_size = 0;
    QTimer m_flush;
    QString m_problem;
};

} // namespace ssehub
