#include "logmodel.h"

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
            return QDateTime::fromMSecsSinceEpoch(e.time).toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case Kind:
            return kindTitle(e.kind);
        case Connection:
            return e.connectionId ? QString::number(e.connectionId) : QString();
        case Client:
            return e.clientId;
        case Remote:
            return e.remoteAddress;
        case Reason:
            return e.reason;
        case Detail:
            return e.detail;
        case Node:
            return e.node;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Detail || index.column() == Reason)
            return data(index, Qt::DisplayRole);
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

void LogFilterModel::setClientText(const QString &text)
{
    m_client = text;
    invalidateFilter();
}

void LogFilterModel::setSince(qint64 ms)
{
    m_since = ms;
    invalidateFilter();
}

void LogFilterModel::setNode(const QString &node)
{
    if (node == m_node)
        return;
    m_node = node;
    invalidateFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_node.isEmpty() && index.data(LogModel::NodeRole).toString() != m_node)
        return false;
    if (!m_kinds.isEmpty()
        && !m_kinds.contains(LogEntry::Kind(index.data(LogModel::KindRole).toInt())))
        return false;
    if (!m_client.isEmpty()
        && !index.data(LogModel::ClientRole).toString().contains(m_client, Qt::CaseInsensitive))
        return false;
    return m_since == 0 || index.data(LogModel::TimeRole).toLongLong() >= m_since;
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
