#pragma once

#include <QSortFilterProxyModel>

namespace ssehub {

// A sorted, searchable table that shows one node's rows or every node's (the console attached
// to a cluster): the node is read through nodeRole of the source model.
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
