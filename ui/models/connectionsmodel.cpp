#include "connectionsmodel.h"

#include "format.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

#include <algorithm>
#include <tuple>

namespace ssehub {

ConnectionsModel::ConnectionsModel(QObject *parent)
    : KeyedTableModel(parent)
{
}

ConnectionsModel::HealthState ConnectionsModel::healthFor(qint64 silentMs, int heartbeatMs)
{
    const qint64 interval = qMax(1, heartbeatMs);
    if (silentMs >= 3 * interval)
        return HealthState::Dead;
    if (silentMs * 2 > 3 * interval)
        return HealthState::Late;
    return HealthState::Healthy;
}

ConnectionsModel::QueueState ConnectionsModel::queueFor(qint64 bytesQueued, qint64 maxQueueBytes)
{
    if (maxQueueBytes <= 0 || bytesQueued <= 0)
        return QueueState::Normal;
    if (bytesQueued * 4 >= maxQueueBytes * 3)
        return QueueState::NearLimit;
    if (bytesQueued * 4 >= maxQueueBytes)
        return QueueState::Filling;
    return QueueState::Normal;
}

ConnectionsModel::QueueState ConnectionsModel::queueState(const StreamRow &row) const
{
    return queueFor(row.bytesQueued, m_maxQueueBytes);
}

QColor ConnectionsModel::amber()
{
    return QColor(0xff, 0xd5, 0x80);
}

QColor ConnectionsModel::red()
{
    return QColor(0xef, 0x9a, 0x9a);
}

qint64 ConnectionsModel::silentMs(const StreamRow &row) const
{
    return qMax<qint64>(0, m_now - row.lastProgressMs);
}

ConnectionsModel::HealthState ConnectionsModel::health(const StreamRow &row) const
{
    return healthFor(silentMs(row), m_heartbeatMs);
}

int ConnectionsModel::count(HealthState state) const
{
    return m_counts[int(state)];
}

void ConnectionsModel::applySnapshot(const ConsoleSnapshot &snapshot)
{
    const bool clockMoved = snapshot.monotonicMs != m_now;
    m_now = snapshot.monotonicMs;
    m_heartbeatMs = snapshot.heartbeatMs;
    const bool limitMoved = snapshot.maxQueueBytes != m_maxQueueBytes;
    m_maxQueueBytes = snapshot.maxQueueBytes;
    mergeRows(
        m_rows, snapshot.connections, [](const StreamRow &r) { return std::tie(r.node, r.id); },
        [](const StreamRow &a, const StreamRow &b) { return a.sameFigures(b); }, Filters,
        State); // the id, client, address, agent and start of a stream never change
    std::fill(std::begin(m_counts), std::end(m_counts), 0);
    for (const StreamRow &row : m_rows)
        ++m_counts[int(health(row))];
    // Silence grows with time alone: one signal for those two columns.
    if (clockMoved && !m_rows.empty())
        Q_EMIT dataChanged(index(0, LastWrite), index(int(m_rows.size()) - 1, Health));
    if (limitMoved && !m_rows.empty())
        Q_EMIT dataChanged(index(0, Queued), index(int(m_rows.size()) - 1, Queued));
}

void ConnectionsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    std::fill(std::begin(m_counts), std::end(m_counts), 0);
    endResetModel();
}

int ConnectionsModel::rowOf(quint64 id, const QString &node) const
{
    const auto it = std::lower_bound(
        m_rows.begin(), m_rows.end(), std::tie(node, id),
        [](const StreamRow &r, const auto &key) { return std::tie(r.node, r.id) < key; });
    return it != m_rows.end() && it->id == id && it->node == node ? int(it - m_rows.begin()) : -1;
}

int ConnectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ConnectionsModel::stateName(StreamRow::State state)
{
    switch (state) {
    case StreamRow::State::Replaying:
        return tr("replaying");
    case StreamRow::State::Live:
        return tr("live");
    case StreamRow::State::Slow:
        return tr("slow");
    case StreamRow::State::Closing:
        return tr("closing");
    }
    return {};
}

bool ConnectionsModel::isPaused(const StreamRow &row)
{
    // Live, but its client's subscriptions are all paused: nothing reaches it until resumed.
    return row.state == StreamRow::State::Live && row.pausedFilters > 0 && row.filters.isEmpty();
}

QString ConnectionsModel::stateText(const StreamRow &row)
{
    return isPaused(row) ? tr("paused") : stateName(row.state);
}

QString ConnectionsModel::healthName(HealthState state)
{
    switch (state) {
    case HealthState::Healthy:
        return tr("healthy");
    case HealthState::Late:
        return tr("late");
    case HealthState::Dead:
        // Nothing written for three intervals: the peer is gone or reads slowly; the engine
        // tells them apart (closes as dead or as slow-consumer), the console does not guess.
        return tr("stalled");
    }
    return {};
}

QVariant ConnectionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const StreamRow &row = m_rows[size_t(index.row())];
    if (role == IdRole)
        return row.id;
    if (role == ClientRole)
        return row.clientId;
    if (role == NodeRole)
        return row.node;
    if (role == SortRole) {
        switch (index.column()) {
        case Id:
            return row.id;
        case ConnectedSince:
            return row.connectedAt;
        case Events:
            return row.eventsSent;
        case Bytes:
            return row.bytesSent;
        case Queued:
            return row.bytesQueued;
        case LastWrite:
            return silentMs(row);
        case Health:
            return int(health(row));
        case State:
            return int(row.state) * 2 + (isPaused(row) ? 1 : 0);
        case Node:
            return row.node;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Id:
            return QString::number(row.id);
        case Client:
            return row.clientId;
        case Remote:
            return row.remote;
        case UserAgent:
            return QString::fromUtf8(row.userAgent);
        case Filters:
            if (row.pausedFilters == 0)
                return QString::fromUtf8(row.filters);
            if (row.filters.isEmpty())
                return tr("(%n paused)", nullptr, row.pausedFilters);
            return tr("%1 (+%n paused)", nullptr, row.pausedFilters)
                .arg(QString::fromUtf8(row.filters));
        case ConnectedSince:
            return QDateTime::fromMSecsSinceEpoch(row.connectedAt)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Events:
            return formatCount(row.eventsSent);
        case Bytes:
            return formatBytes(row.bytesSent);
        case Queued:
            return formatBytes(quint64(row.bytesQueued));
        case LastWrite:
            return formatAgo(silentMs(row));
        case Health:
            return healthName(health(row));
        case State:
            return stateText(row);
        case Node:
            return row.node;
        }
    }
    if (role == Qt::BackgroundRole && (index.column() == Health || index.column() == LastWrite)) {
        switch (health(row)) {
        case HealthState::Late:
            return QBrush(amber());
        case HealthState::Dead:
            return QBrush(red());
        case HealthState::Healthy:
            break;
        }
    }
    if (role == Qt::BackgroundRole && index.column() == Queued) {
        switch (queueState(row)) {
        case QueueState::Filling:
            return QBrush(amber());
        case QueueState::NearLimit:
            return QBrush(red());
        case QueueState::Normal:
            break;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State
        && row.state == StreamRow::State::Slow)
        return QBrush(QColor(0xb0, 0x00, 0x20));
    if (role == Qt::TextAlignmentRole
        && (index.column() == Events || index.column() == Bytes || index.column() == Queued))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Stream");
    case Client:
        return tr("Client id");
    case Remote:
        return tr("Remote address");
    case UserAgent:
        return tr("User agent");
    case Filters:
        return tr("Filters");
    case ConnectedSince:
        return tr("Connected since");
    case Events:
        return tr("Events sent");
    case Bytes:
        return tr("Bytes sent");
    case Queued:
        return tr("Bytes queued");
    case LastWrite:
        return tr("Last write");
    case Health:
        return tr("Heartbeat");
    case State:
        return tr("State");
    case Node:
        return tr("Node");
    }
    return {};
}

} // namespace ssehub
