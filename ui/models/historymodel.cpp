#include "historymodel.h"

#include <QDateTime>

namespace ssehub {

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HistoryModel::setEvents(const QList<EventRow> &events)
{
    beginResetModel();
    m_events = events;
    endResetModel();
}

const EventRow *HistoryModel::eventAt(int row) const
{
    return row >= 0 && row < m_events.size() ? &m_events.at(row) : nullptr;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    const EventRow *e = eventAt(index.row());
    if (!e || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Id:
            return QString::fromLatin1(e->id);
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e->time).toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case Topic:
            return QString::fromUtf8(e->topic);
        case Type:
            return QString::fromUtf8(e->type);
        case Payload: {
            const QString text = QString::fromUtf8(e->payload.left(PreviewChars * 4));
            return text.size() > PreviewChars ? text.left(PreviewChars) + QChar(0x2026) : text;
        }
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        if (index.column() == Payload) {
            const QString text = QString::fromUtf8(e->payload.left(TooltipChars * 4));
            return text.size() > TooltipChars ? text.left(TooltipChars) + QChar(0x2026) : text;
        }
        if (index.column() == Topic)
            return QString::fromUtf8(e->topic);
        if (index.column() == Time)
            return QDateTime::fromMSecsSinceEpoch(e->time).toString(Qt::ISODateWithMs);
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("Id");
    case Time:
        return tr("Time");
    case Topic:
        return tr("Topic");
    case Type:
        return tr("Type");
    case Payload:
        return tr("Payload");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ssehub
