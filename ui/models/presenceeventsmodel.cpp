#include "presenceeventsmodel.h"

#include "format.h"
#include "historyquery.h"
#include "widgets/statecolors.h"

#include <QBrush>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace ssehub {

namespace {

// What the hub writes is a few dozen bytes; anything far larger is not one of its events.
constexpr qsizetype MaxPayloadBytes = 4096;
constexpr qsizetype MaxTextChars = 512;

} // namespace

bool PresenceEvent::fromEvent(const EventRow &row, PresenceEvent *out)
{
    if ((row.type != "join" && row.type != "leave") || row.payload.size() > MaxPayloadBytes)
        return false;
    const QJsonObject o = QJsonDocument::fromJson(row.payload).object();
    if (o.isEmpty())
        return false;
    PresenceEvent e;
    if (!parseHistoryId(row.id, &e.id))
        return false;
    e.join = row.type == "join";
    e.clientId = o.value(QLatin1String("client_id")).toString().left(MaxTextChars);
    e.node = o.value(QLatin1String("node")).toString().left(MaxTextChars);
    e.topic = o.value(QLatin1String("topic")).toString().left(MaxTextChars);
    e.streams = o.value(QLatin1String("streams")).toInt();
    const qint64 at = qint64(o.value(QLatin1String("at")).toDouble());
    e.atMs = at > 0 ? at : row.time;
    *out = e;
    return true;
}

void PresenceEventsModel::addNewer(const QList<PresenceEvent> &oldestFirst)
{
    QList<PresenceEvent> fresh;
    const quint64 newest = newestId();
    for (qsizetype i = oldestFirst.size() - 1; i >= 0 && fresh.size() < MaxRows; --i) {
        if (oldestFirst.at(i).id <= newest)
            break; // shown already, as is everything before it
        fresh.append(oldestFirst.at(i)); // newest first
    }
    if (fresh.isEmpty())
        return;
    const qsizetype keep = qMin<qsizetype>(m_events.size(), MaxRows - fresh.size());
    if (keep < m_events.size()) {
        beginRemoveRows({}, int(keep), int(m_events.size() - 1));
        m_events.resize(keep);
        endRemoveRows();
    }
    beginInsertRows({}, 0, int(fresh.size() - 1));
    m_events = fresh + m_events;
    endInsertRows();
}

void PresenceEventsModel::clear()
{
    if (m_events.isEmpty())
        return;
    beginResetModel();
    m_events.clear();
    endResetModel();
}

int PresenceEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int PresenceEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PresenceEventsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const PresenceEvent &e = m_events.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Time:
            return formatTime(e.atMs);
        case Change:
            return e.join ? tr("joined") : tr("left");
        case Client:
            return e.clientId;
        case Node:
            return e.node;
        case Streams:
            return formatCount(quint64(qMax(0, e.streams)));
        case Topic:
            return e.topic;
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole && index.column() == Time) {
        return formatFullTime(e.atMs);
    } else if (role == Qt::ForegroundRole && index.column() == Change && e.join) {
        return QBrush(severityText(QGuiApplication::palette(), Severity::Good));
    } else if (role == Qt::TextAlignmentRole && index.column() == Streams) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant PresenceEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case Time:
            return tr("Time");
        case Change:
            return tr("Event");
        case Client:
            return tr("Client");
        case Node:
            return tr("Node");
        case Streams:
            return tr("Streams");
        case Topic:
            return tr("Topic");
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole && section == Streams) {
        return tr("The client's live streams on that node after the change");
    }
    return {};
}

} // namespace ssehub
