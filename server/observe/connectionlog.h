#pragma once

#include "api/logentry.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>

namespace ssehub {

// A bounded in-memory log: the newest entries within a count and a byte bound, each entry's
// fields bounded too. Auth failures are coalesced so that unauthenticated traffic cannot push
// everything else out: the first failure of a source address (port ignored) and reason opens a
// window of `coalesceMs`; repeats within it only count up that entry (`count`). At most
// `maxOpenWindows` windows are open at once; failures beyond them count up one shared entry
// (remote "*"). An entry with an open window is in entries() at once (its count growing) and
// is announced by appended() (the --log-file) when its window closes, with its final count.
class ConnectionLog : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        qsizetype capacity = 10000; // entries
        qint64 maxBytes = 16 * 1024 * 1024; // memory held by the entries
        qint64 coalesceMs = 10000; // 0: no coalescing
        int maxOpenWindows = 32;
    };

    explicit ConnectionLog(qsizetype capacity = 10000, QObject *parent = nullptr);
    explicit ConnectionLog(const Limits &limits, QObject *parent = nullptr);
    ~ConnectionLog() override;

    void append(LogEntry entry);
    // Closes every coalescing window now (before the log file is flushed at shutdown).
    void closeWindows();
    qint64 bytes() const { return m_bytes; }
    qsizetype size() const { return qsizetype(m_entries.size()); }
    quint64 totalAppended() const { return m_total; }
    QList<LogEntry> entries() const;
    // The entries appended after the first `seenTotal` ones that are still kept (the console
    // asks for what is new since its last snapshot).
    QList<LogEntry> entriesAfter(quint64 seenTotal) const;

Q_SIGNALS:
    void appended(const ssehub::LogEntry &entry);

private:
    // One open coalescing window: the entry (kept here for appended() when it closes), where it
    // is in the ring (its number among all appended), and when the window ends.
    struct Window
    {
        LogEntry entry;
        quint64 number = 0;
        qint64 endsAt = 0;
    };

    void push(const LogEntry &entry);
    bool coalesce(LogEntry &entry);
    void closeDue(qint64 now);
    void scheduleClose();

    std::deque<LogEntry> m_entries;
    Limits m_limits;
    qint64 m_bytes = 0;
    quint64 m_total = 0;
    QHash<QString, Window> m_windows; // by source address and reason ("*": the overflow)
    QTimer m_windowTimer;
};

} // namespace ssehub
