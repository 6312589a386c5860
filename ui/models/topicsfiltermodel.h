#pragma once

#include "format.h"
#include "models/topicsmodel.h"

#include <QSortFilterProxyModel>

namespace ssehub {

// The topic tree searched and sorted: a node shows when its full path contains the search text
// (case-insensitive), with its ancestors; levels sort naturally (room2 before room10), figures
// by value (TopicsModel::SortRole).
class TopicsFilterModel : public QSortFilterProxyModel
{
public:
    explicit TopicsFilterModel(QObject *parent)
        : QSortFilterProxyModel(parent)
    {
        setSortRole(TopicsModel::SortRole);
        setRecursiveFilteringEnabled(true);
        setFilterCaseSensitivity(Qt::CaseInsensitive);
    }

    void setSearch(const QString &text)
    {
        if (text == m_search)
            return;
        m_search = text;
        invalidateFilter();
    }
    const QString &search() const { return m_search; }

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const QVariant l = left.data(sortRole()), r = right.data(sortRole());
        if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString)
            return naturalCompare(l.toString(), r.toString()) < 0;
        // Blank figures after every value when ascending.
        if (!l.isValid() || !r.isValid())
            return l.isValid() && !r.isValid();
        return QSortFilterProxyModel::lessThan(left, right);
    }
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        if (m_search.isEmpty())
            return true;
        const QString path = QString::fromUtf8(sourceModel()
                                                   ->index(sourceRow, 0, sourceParent)
                                                   .data(TopicsModel::PathRole)
                                                   .toByteArray());
        return path.contains(m_search, Qt::CaseInsensitive);
    }

private:
    QString m_search;
};

} // namespace ssehub
