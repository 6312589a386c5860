#pragma once

#include "format.h"

#include <QSortFilterProxyModel>

namespace ssehub {

// A sorted, searchable table that shows one node's rows or every node's (the console attached
// to a cluster): the node is read through nodeRole of the source model. Text sorts naturally
// (room2 before room10, naturalCompare); numbers by value.
class NodeFilterModel : public QSortFilterProxyModel
{
public:
    NodeFilterModel(int nodeRole, QObject *parent)
        : QSortFilterProxyModel(parent)
        , m_nodeRole(nodeRole)
    {
    }

    // Empty: every node.
    void setNode(const QString &node)
    {
        if (node == m_node)
            return;
        m_node = node;
        invalidateFilter();
    }
    const QString &node() const { return m_node; }

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const QVariant l = left.data(sortRole()), r = right.data(sortRole());
        if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString)
            return naturalCompare(l.toString(), r.toString()) < 0;
        return QSortFilterProxyModel::lessThan(left, right);
    }
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        if (!m_node.isEmpty()
            && sourceModel()->index(sourceRow, 0, sourceParent).data(m_nodeRole).toString()
                != m_node)
            return false;
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    }

private:
    int m_nodeRole;
    QString m_node;
};

} // namespace ssehub
