#pragma once

#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QTableView;
class QWidget;
QT_END_NAMESPACE

namespace ssehub {

// A table as every view of the console shows one: whole rows selected, fixed row heights,
// movable columns. sortable: the header sorts (through the proxy); the log stays in its own
// (time) order, which also spares a sort of every batch of thousands of entries.
QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent,
                      bool sortable = true);
// A table's Node column (the console attached to a cluster): placed first, shown only while
// rows of several nodes are.
void placeNodeColumn(QTableView *view, int column);
void showNodeColumn(QTableView *view, int column, bool shown);
// Default column widths in average characters (saved widths replace them).
void setColumnWidths(QTableView *view, const QList<int> &chars);

} // namespace ssehub
