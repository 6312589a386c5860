#include "connectionlog.h"

#include "logging.h"

#include <QDateTime>

namespace ssehub {

QString LogEntry::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Connect:
        return QStringLiteral("connect");
    case Kind::Disconnect:
        return QStringLiteral("disconnect");
    case Kind::SlowConsumer:
        return QStringLiteral("slow-consumer");
    case Kind::Kick:
        return QStringLiteral("kick");
    case Kind::Subscribe:
        return QStringLiteral("subscribe");
    case Kind::Unsubscribe:
        return QStringLiteral("unsubscribe");
    case Kind::Transition:
        return QStringLiteral("transition");
    case Kind::AuthFailure:
        return QStringLiteral("auth-failure");
    }
    return {};
}

bool LogEntry::kindFromName(QStringView name, Kind *kind)
{
    for (int i = 0; i < KindCount; ++i) {
        if (name == kindName(Kind(i))) {
            *kind = Kind(i);
            return true;
        }
    }
    return false;
}

QJsonObject LogEntry::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("time"),
             QDateTime::fromMSecsSinceEpoch(time, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("kind"), kindName(kind));
    o.insert(QStringLiteral("connection"), QString::number(connectionId));
    o.insert(QStringLiteral("client_id"), clientId);
    o.insert(QStringLiteral("remote"), remoteAddress);
    o.insert(QStringLiteral("user_agent"), userAgent);
    o.insert(QStringLiteral("reason"), reason);
    o.insert(QStringLiteral("detail"), detail);
    return o;
}

ConnectionLog::ConnectionLog(qsizetype capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(qMax<qsizetype>(capacity, 1))
{
}

void ConnectionLog::append(LogEntry entry)
{
    using Kind = LogEntry::Kind;
    if (entry.time == 0)
        entry.time = QDateTime::currentMSecsSinceEpoch();
    // Routine connects and closes go to debug; what an operator may need to act on to info.
    // The line is only formatted when its level is enabled (connect storms are hot paths).
    const bool routine = entry.kind == Kind::Connect || entry.kind == Kind::Subscribe
        || entry.kind == Kind::Unsubscribe || entry.kind == Kind::Transition
        || entry.kind == Kind::AuthFailure // HttpFront logs those itself
        || (entry.kind == Kind::Disconnect
            && (entry.reason == QLatin1String("client-closed")
                || entry.reason == QLatin1String("server-shutdown")));
    if (routine ? lcSse().isDebugEnabled() : lcSse().isInfoEnabled()) {
        const QString line = LogEntry::kindName(entry.kind) + QStringLiteral(" connection ")
            + QString::number(entry.connectionId) + QStringLiteral(" remote ") + entry.remoteAddress
            + (entry.reason.isEmpty() ? QString() : QStringLiteral(" reason=") + entry.reason)
            + (entry.detail.isEmpty() ? QString() : QStringLiteral(" ") + entry.detail);
        if (routine)
            qCDebug(lcSse).noquote() << line;
        else
            qCInfo(lcSse).noquote() << line;
    }
    m_entries.push_back(entry);
    while (qsizetype(m_entries.size()) > m_capacity)
        m_entries.pop_front();
    ++m_total;
    Q_EMIT appended(entry);
}

QList<LogEntry> ConnectionLog::entries() const
{
    return QList<LogEntry>(m_entries.begin(), m_entries.end());
}

QList<LogEntry> ConnectionLog::entriesAfter(quint64 seenTotal) const
{
    const quint64 fresh = m_total > seenTotal ? m_total - seenTotal : 0;
    const auto count = qsizetype(qMin<quint64>(fresh, m_entries.size()));
    return QList<LogEntry>(m_entries.end() - count, m_entries.end());
}

} // namespace ssehub
