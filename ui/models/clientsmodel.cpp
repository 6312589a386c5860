#include "models/clientsmodel.h"

#include "format.h"

#include <QDateTime>

namespace ssehub {

void ClientsModel::setPage(const ClientPage &page)
{
    bool sameRows = page.clients.size() == m_page.clients.size();
    for (qsizetype i = 0; sameRows && i < page.clients.size(); ++i)
        sameRows = page.clients.at(i).id == m_page.clients.at(i).id;
    if (!sameRows) {
        beginResetModel();
        m_page = page;
        endResetModel();
        return;
    }
    m_page = page;
    if (!m_page.clients.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void ClientsModel::clear()
{
    beginResetModel();
    m_page = ClientPage();
    endResetModel();
}

int ClientsModel::rowOf(const QString &clientId) const
{
    for (qsizetype i = 0; i < m_page.clients.size(); ++i) {
        if (m_page.clients.at(i).id == clientId)
            return int(i);
    }
    return -1;
}

int ClientsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_page.clients.size());
}

int ClientsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ClientsModel::subscriptionsText(const ClientInfo &client)
{
    if (client.pausedCount == 0)
        return formatCount(quint64(client.subscriptionCount));
    return tr("%1 (%2 paused)")
        .arg(formatCount(quint64(client.subscriptionCount)),
             formatCount(quint64(client.pausedCount)));
}

QString ClientsModel::timeText(qint64 ms)
{
    if (!ms)
        return QStringLiteral("-");
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QVariant ClientsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const ClientInfo &c = m_page.clients.at(index.row());
    if (role == IdRole)
        return c.id;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Client:
            return c.id;
        case Presence:
            return c.online() ? tr("online") : tr("offline");
        case Streams:
            return formatCount(quint64(c.streams));
        case Addresses:
            return c.addresses.join(QStringLiteral(", "));
        case Subscriptions:
            return subscriptionsText(c);
        case LastSeen:
            if (c.online())
                return tr("now");
            return c.lastSeenMs ? timeText(c.lastSeenMs)
                                : (role == Qt::ToolTipRole
                                       ? tr("No stream of this client since the server started.")
                                       : QStringLiteral("-"));
        case Acked:
            return c.hasAck ? QString::fromLatin1(c.acked) : QStringLiteral("-");
        case Kind:
            return c.stored ? tr("stored") : tr("anonymous");
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Streams))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ClientsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Client:
        return tr("Client");
    case Presence:
        return tr("State");
    case Streams:
        return tr("Streams");
    case Addresses:
        return tr("Addresses");
    case Subscriptions:
        return tr("Subscriptions");
    case LastSeen:
        return tr("Last seen");
    case Acked:
        return tr("Acked cursor");
    case Kind:
        return tr("Kind");
    }
    return {};
}

} // namespace ssehub
