#pragma once

#include "models/keyedtablemodel.h"

#include <QJsonArray>
#include <QJsonObject>

namespace ssehub {

// Cluster mode: every registered instance (the node registry), one row each.
class NodesModel : public KeyedTableModel
{
    Q_OBJECT

public:
    enum Column {
        Id,
        Address,
        Uptime,
        Connections,
        Clients,
        EventsIn,
        EventsOut,
        Broker,
        ColumnCount
    };

    explicit NodesModel(QObject *parent = nullptr);

    void applyNodes(const QJsonArray &nodes, qint64 nowMs);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString id;
        QJsonObject node;
    };
    std::vector<Row> m_rows;
    qint64 m_now = 0;
};

} // namespace ssehub
