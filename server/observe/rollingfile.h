#pragma once

#include "observe/connectionlog.h"

#include <QFile>
#include <QObject>
#include <QTimer>

namespace ssehub {

// The optional log file (--log-file): the operator's log (ConnectionLog) written as it grows,
// one JSON line per entry (see logformat.h), flushed once a second, renamed to <file>.1 (and
// older ones shifted up to <file>.<keep>) when it reaches maxBytes.
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
