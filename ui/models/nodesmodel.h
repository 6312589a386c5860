#pragma once

#include "link/enginelink.h"
#include "models/keyedtablemodel.h"

#include <QJsonArray>
#include <QJsonObject>

namespace ssehub {

// Cluster mode: every registered instance (the node registry), one row each, and - attached to
// the cluster - how the console reaches each one.
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
        Console, // how the console reaches it (attached to the cluster)
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole; // numbers by value, text as shown
    // Rows shown at most (by id): a registry is the cluster's to fill, hostile or not.
    static constexpr int MaxRows = 1000;

    explicit NodesModel(QObject *parent = nullptr);

    void applyNodes(const QJsonArray &nodes, qint64 nowMs);
    void applyLinks(const QList<NodeLink> &links);
    // Registered instances, shown or not.
    qsizetype registered() const { return m_registered; }

    static QString reachName(NodeLink::Reach reach);

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
    const NodeLink *linkOf(const QString &id) const;

    std::vector<Row> m_rows;
    qint64 m_now = 0;
    qsizetype m_registered = 0;
    QList<NodeLink> m_links; // by id
};

} // namespace ssehub
