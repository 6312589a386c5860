#include "tables.h"

#include <QHeaderView>
#include <QTableView>

namespace ssehub {

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent,
                      bool sortable)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSortingEnabled(sortable);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Fixed row heights: no per-row measuring with thousands of rows.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionsMovable(true);
    return view;
}

void placeNodeColumn(QTableView *view, int column)
{
    QHeaderView *header = view->horizontalHeader();
    header->moveSection(header->visualIndex(column), 0);
    view->setColumnHidden(column, true);
}

void showNodeColumn(QTableView *view, int column, bool shown)
{
    view->setColumnHidden(column, !shown);
}

void setColumnWidths(QTableView *view, const QList<int> &chars)
{
    const int unit = view->fontMetrics().averageCharWidth();
    for (int c = 0; c < chars.size(); ++c)
        view->horizontalHeader()->resizeSection(c, chars[c] * unit + 16);
}

} // namespace ssehub
