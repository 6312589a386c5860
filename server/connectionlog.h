#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <deque>

namespace ssehub {

// What happened to a connection, kept for the console, the export and the operator's log.
struct LogEntry
{
    enum class Kind {
        Connect,
        Disconnect,
        SlowConsumer,
        Kick,
        Subscribe,
        Unsubscribe,
        Transition,
        AuthFailure
    };
    static constexpr int KindCount = int(Kind::AuthFailure) + 1;

    qint64 time = 0; // ms since the epoch
    Kind kind = Kind::Connect;
    quint64 connectionId = 0;
    QString clientId;
    QString remoteAddress;
    QString userAgent;
    QString reason;
    QString detail;

    static QString kindName(Kind kind);
    static bool kindFromName(QStringView name, Kind *kind);
    QJsonObject toJson() const;
};

// A bounded in-memory log: the newest `capacity` entries.
class ConnectionLog : public QObject
{
    Q_OBJECT

public:
    explicit ConnectionLog(qsizetype capacity = 10000, QObject *parent = nullptr);

    void append(LogEntry entry);
    qsizetype size() const { return qsizetype(m_entries.size()); }
    quint64 totalAppended() const { return m_total; }
    QList<LogEntry> entries() const;
    // The entries appended after the first `seenTotal` ones that are still kept (the console
    // asks for what is new since its last snapshot).
    QList<LogEntry> entriesAfter(quint64 seenTotal) const;

Q_SIGNALS:
    void appended(const ssehub::LogEntry &entry);

private:
    std::deque<LogEntry> m_entries;
    qsizetype m_capacity;
    quint64 m_total = 0;
};

} // namespace ssehub
