#include "nodesmodel.h"

#include "enginetext.h"
#include "format.h"
#include "widgets/statecolors.h"

#include <QBrush>
#include <QColor>
#include <QGuiApplication>

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
    m_registered = qsizetype(next.size());
    if (next.size() > size_t(MaxRows))
        next.resize(size_t(MaxRows));
    const bool clockMoved = nowMs / 1000 != m_now / 1000;
    m_now = nowMs;
    mergeRows(
        m_rows, std::move(next), [](const Row &r) { return r.id; },
        [](const Row &a, const Row &b) { return a.node == b.node; });
    if (clockMoved && !m_rows.empty())
        Q_EMIT dataChanged(index(0, Uptime), index(int(m_rows.size()) - 1, Uptime));
}

void NodesModel::applyLinks(const QList<NodeLink> &links)
{
    if (links == m_links)
        return;
    m_links = links;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, Console), index(int(m_rows.size()) - 1, Console));
}

const NodeLink *NodesModel::linkOf(const QString &id) const
{
    const auto it
        = std::lower_bound(m_links.begin(), m_links.end(), id,
                           [](const NodeLink &l, const QString &key) { return l.id < key; });
    return it != m_links.end() && it->id == id ? &*it : nullptr;
}

QString NodesModel::reachName(NodeLink::Reach reach)
{
    switch (reach) {
    case NodeLink::Reach::Live:
        return tr("live");
    case NodeLink::Reach::Connecting:
        return tr("connecting");
    case NodeLink::Reach::Unreachable:
        return tr("unreachable");
    case NodeLink::Reach::Refused:
        return tr("refused");
    case NodeLink::Reach::NotOpened:
        return tr("not opened");
    }
    return {};
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
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    if (index.column() == Console && !m_links.isEmpty()) {
        const NodeLink *link = linkOf(row.id);
        switch (role) {
        case Qt::DisplayRole:
            if (!link)
                return tr("not opened (the console follows at most %1 nodes)")
                    .arg(NodeLink::MaxOpened);
            if (link->reach == NodeLink::Reach::Live)
                return link->attached ? tr("attached, %n stream(s) shown", nullptr, link->streams)
                                      : tr("live, %n stream(s) shown", nullptr, link->streams);
            return link->message.isEmpty()
                ? reachName(link->reach)
                : tr("%1: %2").arg(reachName(link->reach), link->message);
        case Qt::ToolTipRole:
            return link ? link->message : QVariant();
        case Qt::BackgroundRole:
            if (link
                && (link->reach == NodeLink::Reach::Unreachable
                    || link->reach == NodeLink::Reach::Refused))
                return QBrush(severityBackground(QGuiApplication::palette(), Severity::Bad));
            if (!link || link->reach == NodeLink::Reach::NotOpened)
                return QBrush(severityBackground(QGuiApplication::palette(), Severity::Warning));
            return {};
        default:
            return {};
        }
    }
    const QJsonObject &n = row.node;
    if (role == SortRole) {
        switch (index.column()) {
        case Uptime: // by start: the longest up is the largest
            return -n.value(QLatin1String("started_at")).toDouble();
        case Connections:
            return n.value(QLatin1String("connections")).toDouble();
        case Clients:
            return n.value(QLatin1String("clients")).toDouble();
        case EventsIn:
            return n.value(QLatin1String("events_in_per_s")).toDouble();
        case EventsOut:
            return n.value(QLatin1String("events_out_per_s")).toDouble();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
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
        return EngineText::translate(n.value(QLatin1String("broker_state")).toString());
    case Console:
        return {};
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
    case Console:
        return tr("Console link");
    }
    return {};
}

} // namespace ssehub
