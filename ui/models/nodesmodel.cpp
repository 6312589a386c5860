#include "nodesmodel.h"

#include "format.h"

#include <algorithm>

namespace ssehub {

NodesModel::NodesModel(QObject *parent)
    : KeyedTableModel(parent)
{
}

void NodesModel::applyNodes(const QJsonArray &nodes, qint64 nowMs)
{
    std::vector<Row> next;
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        next.push_back({node.value(QLatin1String("id")).toString(), node});
    }
    std::sort(next.begin(), next.end(), [](const Row &a, const Row &b) { return a.id < b.id; });
    next.erase(std::unique(next.begin(), next.end(),
                           [](const Row &a, const Row &b) { return a.id == b.id; }),
               next.end());
    const bool clockMoved = nowMs / 1000 != m_now / 1000;
    m_now = nowMs;
    mergeRows(
        m_rows, std::move(next), [](const Row &r) { return r.id; },
        [](const Row &a, const Row &b) { return a.node == b.node; });
    if (clockMoved && !m_rows.empty())
        Q_EMIT dataChanged(index(0, Uptime), index(int(m_rows.size()) - 1, Uptime));
}

int NodesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || role != Qt::DisplayRole)
        return {};
    const QJsonObject &n = m_rows[size_t(index.row())].node;
    switch (index.column()) {
    case Id:
        return n.value(QLatin1String("id")).toString();
    case Address:
        return n.value(QLatin1String("address")).toString();
    case Uptime: {
        const qint64 started = qint64(n.value(QLatin1String("started_at")).toDouble());
        return started > 0 ? formatDuration(m_now - started) : QString();
    }
    case Connections:
        return formatCount(quint64(n.value(QLatin1String("connections")).toDouble()));
    case Clients:
        return formatCount(quint64(n.value(QLatin1String("clients")).toDouble()));
    case EventsIn:
        return formatRate(n.value(QLatin1String("events_in_per_s")).toDouble());
    case EventsOut:
        return formatRate(n.value(QLatin1String("events_out_per_s")).toDouble());
    case Broker:
        return n.value(QLatin1String("broker_state")).toString();
    }
    return {};
}

QVariant NodesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Instance");
    case Address:
        return tr("Address");
    case Uptime:
        return tr("Uptime");
    case Connections:
        return tr("Streams");
    case Clients:
        return tr("Clients");
    case EventsIn:
        return tr("Events in");
    case EventsOut:
        return tr("Events out");
    case Broker:
        return tr("Broker");
    }
    return {};
}

} // namespace ssehub
