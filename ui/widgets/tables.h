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
// Default column widths in average characters (saved widths replace them).
void setColumnWidths(QTableView *view, const QList<int> &chars);

} // namespace ssehub
