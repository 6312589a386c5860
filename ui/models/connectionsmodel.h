#pragma once

#include "models/keyedtablemodel.h"
#include "snapshot.h"

#include <QColor>

namespace ssehub {

// The live streams of the newest snapshot, one row each, updated as diffs.
class ConnectionsModel : public KeyedTableModel
{
    Q_OBJECT

public:
    // Filters..State are the columns that change while a stream lives (kept together).
    enum Column {
        Id,
        Client,
        Remote,
        UserAgent,
        Filters,
        ConnectedSince,
        Events,
        Bytes,
        Queued,
        LastWrite,
        Health,
        State,
        Node, // the node it lives on: shown only when the console merges several
        ColumnCount
    };
    // Heartbeat health: a ping (or data) is due every interval; late after 1.5 intervals
    // without one (the engine's timer may add a quarter), dead after three.
    enum class HealthState { Healthy, Late, Dead };
    // What waits in a stream's own queue against --max-queue: filling (amber) from a quarter,
    // near the limit (red) from three quarters; at the limit the engine closes it as
    // slow-consumer. A peer that reads slowly is never dead, so this is how it shows.
    enum class QueueState { Normal, Filling, NearLimit };
    static constexpr int SortRole = Qt::UserRole; // the raw value
    static constexpr int IdRole = Qt::UserRole + 1;
    static constexpr int ClientRole = Qt::UserRole + 2;
    static constexpr int NodeRole = Qt::UserRole + 3; // empty unless nodes are merged

    explicit ConnectionsModel(QObject *parent = nullptr);

    void applySnapshot(const ConsoleSnapshot &snapshot);
    void clear();

    static HealthState healthFor(qint64 silentMs, int heartbeatMs);
    HealthState health(const StreamRow &row) const;
    static QueueState queueFor(qint64 bytesQueued, qint64 maxQueueBytes);
    QueueState queueState(const StreamRow &row) const;
    static QColor amber();
    static QColor red();
    qint64 silentMs(const StreamRow &row) const;
    // Rows by health, for the summary.
    int count(HealthState state) const;
    const StreamRow &rowAt(int row) const { return m_rows[size_t(row)]; }
    // Rows are keyed by (node, id): ids are unique only within a node.
    int rowOf(quint64 id, const QString &node = {}) const;
    // That key as text, for an index of this model or of a proxy over it (selections).
    static QString keyOf(const QModelIndex &index)
    {
        return index.data(NodeRole).toString() + QLatin1Char('\n') + index.data(IdRole).toString();
    }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString stateName(StreamRow::State state);
    // The State column: "paused" for a live stream whose client has every subscription paused.
    static QString stateText(const StreamRow &row);
    static bool isPaused(const StreamRow &row);
    static QString healthName(HealthState state);

private:
    std::vector<StreamRow> m_rows;
    qint64 m_now = 0;
    int m_heartbeatMs = 30000;
    qint64 m_maxQueueBytes = 0;
    int m_counts[3] = {0, 0, 0};
};

} // namespace ssehub
