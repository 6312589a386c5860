#include "presencemodel.h"

#include "format.h"

namespace ssehub {

void PresenceModel::setEntries(const QList<PresenceEntry> &entries)
{
    bool sameRows = entries.size() == m_entries.size();
    for (qsizetype i = 0; sameRows && i < entries.size(); ++i) {
        sameRows = entries.at(i).clientId == m_entries.at(i).clientId
            && entries.at(i).node == m_entries.at(i).node;
    }
    if (!sameRows) {
        beginResetModel();
        m_entries = entries;
        endResetModel();
        return;
    }
    m_entries = entries;
    if (!m_entries.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void PresenceModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int PresenceModel::rowOf(const QString &clientId, const QString &node) const
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        const PresenceEntry &e = m_entries.at(i);
        if (e.clientId == clientId && (node.isEmpty() || e.node == node))
            return int(i);
    }
    return -1;
}

int PresenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int PresenceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PresenceModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const PresenceEntry &e = m_entries.at(index.row());
    if (role == ClientIdRole)
        return e.clientId;
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Client:
            // Left out by the server for credentials without the presence grant.
            return e.clientId.isEmpty() ? tr("(hidden)") : e.clientId;
        case Node:
            return e.node;
        case Streams:
            return formatCount(quint64(qMax(0, e.streams)));
        case Since:
            return e.joinedAtMs > 0 ? formatTime(e.joinedAtMs) : QStringLiteral("-");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        if (index.column() == Since && e.joinedAtMs > 0)
            return formatFullTime(e.joinedAtMs);
        if (index.column() == Client && e.clientId.isEmpty())
            return tr("The server leaves other clients' ids out for credentials without the "
                      "presence grant.");
    } else if (role == Qt::TextAlignmentRole && index.column() == Streams) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant PresenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case Client:
            return tr("Client");
        case Node:
            return tr("Node");
        case Streams:
            return tr("Streams");
        case Since:
            return tr("Since");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case Streams:
            return tr("Its live streams on that node");
        case Since:
            return tr("Since when it has listened there: its first stream, or the subscription's "
                      "last change if later");
        default:
            break;
        }
    }
    return {};
}

} // namespace ssehub
