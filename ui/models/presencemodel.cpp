#include "presencemodel.h"

#include "format.h"

namespace ssehub {

void PresenceModel::setEntries(const QList<PresenceEntry> &entries)
{
    // Both lists are sorted by client id, then node (finishPresence): one walk through them
    // removes who left and inserts who came, so that a selection and the scroll position stay on
    // the rows that remain. Whatever the order, the rows end up as given.
    auto compare = [](const PresenceEntry &a, const PresenceEntry &b) {
        if (const int byId = QString::compare(a.clientId, b.clientId); byId != 0)
            return byId;
        return QString::compare(a.node, b.node);
    };
    qsizetype i = 0;
    qsizetype j = 0;
    while (j < entries.size()) {
        if (i == m_entries.size()) {
            beginInsertRows({}, int(i), int(i + entries.size() - j - 1));
            m_entries.append(entries.mid(j));
            endInsertRows();
            i = m_entries.size();
            break;
        }
        const int order = compare(m_entries.at(i), entries.at(j));
        if (order == 0) {
            m_entries[i++] = entries.at(j++);
        } else if (order < 0) {
            beginRemoveRows({}, int(i), int(i));
            m_entries.removeAt(i);
            endRemoveRows();
        } else {
            beginInsertRows({}, int(i), int(i));
            m_entries.insert(i++, entries.at(j++));
            endInsertRows();
        }
    }
    if (i < m_entries.size()) {
        beginRemoveRows({}, int(i), int(m_entries.size() - 1));
        m_entries.resize(i);
        endRemoveRows();
    }
    // Streams and since of the rows that stayed: one change for them all.
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
