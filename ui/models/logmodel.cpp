#include "logmodel.h"

#include "enginetext.h"
#include "format.h"

#include <QDateTime>

namespace ssehub {

LogModel::LogModel(qsizetype capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(qMax<qsizetype>(capacity, 1))
{
}

void LogModel::append(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    const qsizetype fresh = qMin(entries.size(), m_capacity);
    const qsizetype overflow = qsizetype(m_entries.size()) + fresh - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + overflow);
        endRemoveRows();
    }
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(fresh) - 1);
    m_entries.insert(m_entries.end(), entries.end() - fresh, entries.end());
    endInsertRows();
}

void LogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString LogModel::kindTitle(LogEntry::Kind kind)
{
    using Kind = LogEntry::Kind;
    switch (kind) {
    case Kind::Connect:
        return tr("connect");
    case Kind::Disconnect:
        return tr("disconnect");
    case Kind::SlowConsumer:
        return tr("slow consumer");
    case Kind::Kick:
        return tr("kick");
    case Kind::Subscribe:
        return tr("subscribe");
    case Kind::Unsubscribe:
        return tr("unsubscribe");
    case Kind::Transition:
        return tr("lifecycle");
    case Kind::AuthFailure:
        return tr("auth failure");
    case Kind::Broker:
        return tr("broker");
    case Kind::Engine:
        return tr("engine");
    case Kind::Alarm:
        return tr("alarm");
    }
    return {};
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_entries.size()))
        return {};
    const LogEntry &e = m_entries[size_t(index.row())];
    switch (role) {
    case KindRole:
        return int(e.kind);
    case TimeRole:
        return e.time;
    case ClientRole:
        return e.clientId;
    case NodeRole:
        return e.node;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return formatTime(e.time);
        case Kind:
            return LogEntry::kindName(e.kind);
        case Connection:
            return e.connectionId ? QString::number(e.connectionId) : QString();
        case Client:
            return e.clientId;
        case Remote:
            return e.remoteAddress;
        case Reason:
            return EngineText::logReason(e.reason); // exports keep the API's code
        case Detail:
            return e.kind == LogEntry::Kind::Broker ? EngineText::translate(e.detail) : e.detail;
        case Node:
            return e.node;
        }
        break;
    case Qt::ToolTipRole:
        // Long text is shown whole by the table when it does not fit.
        if (index.column() == Time)
            return formatFullTime(e.time);
        if (index.column() == Kind)
            return kindTitle(e.kind);
        if (index.column() == Client && !e.userAgent.isEmpty())
            return tr("%1\nUser agent: %2").arg(e.clientId, e.userAgent);
        break;
    default:
        break;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Kind");
    case Connection:
        return tr("Stream");
    case Client:
        return tr("Client id");
    case Remote:
        return tr("Remote address");
    case Reason:
        return tr("Reason");
    case Detail:
        return tr("Detail");
    case Node:
        return tr("Node");
    }
    return {};
}

void LogFilterModel::setKinds(const QSet<LogEntry::Kind> &kinds)
{
    m_kinds = kinds;
    invalidateFilter();
}

void LogFilterModel::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

void LogFilterModel::setSince(qint64 ms)
{
    m_range = 0;
    m_since = ms;
    invalidateFilter();
}

void LogFilterModel::setRange(qint64 ms)
{
    m_range = qMax<qint64>(0, ms);
    m_since = 0;
    refreshRange();
    invalidateFilter();
}

void LogFilterModel::refreshRange()
{
    if (m_range <= 0)
        return;
    const qint64 now = m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
    const qint64 since = now - m_range;
    if (since <= m_since)
        return;
    m_since = since;
    // The log is in time order: only when the oldest entry shown fell out of the range has
    // anything to go (a re-filter of 50,000 entries is not free).
    if (rowCount() > 0 && index(0, 0).data(LogModel::TimeRole).toLongLong() < m_since)
        invalidateFilter();
}

bool LogFilterModel::isFiltering() const
{
    return !m_kinds.isEmpty() || !m_search.isEmpty() || m_since > 0 || !m_node.isEmpty();
}

void LogFilterModel::setNode(const QString &node)
{
    if (node == m_node)
        return;
    m_node = node;
    invalidateFilter();
}

bool LogFilterModel::accepts(const LogEntry &e) const
{
    if (!m_node.isEmpty() && e.node != m_node)
        return false;
    if (!m_kinds.isEmpty() && !m_kinds.contains(e.kind))
        return false;
    if (m_since > 0 && e.time < m_since)
        return false;
    if (m_search.isEmpty())
        return true;
    for (const QString *field :
         {&e.clientId, &e.remoteAddress, &e.reason, &e.detail, &e.userAgent}) {
        if (field->contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return e.connectionId && QString::number(e.connectionId) == m_search;
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    auto *log = qobject_cast<const LogModel *>(sourceModel());
    if (!log || sourceParent.isValid() || sourceRow >= log->rowCount())
        return false;
    return accepts(log->entryAt(sourceRow));
}

QList<LogEntry> LogFilterModel::visibleEntries() const
{
    auto *log = qobject_cast<const LogModel *>(sourceModel());
    QList<LogEntry> out;
    if (!log)
        return out;
    // In log order whatever the view's sort.
    for (int row = 0; row < log->rowCount(); ++row) {
        if (filterAcceptsRow(row, {}))
            out.append(log->entryAt(row));
    }
    return out;
}

} // namespace ssehub
