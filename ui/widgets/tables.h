#pragma once

#include <QLabel>
#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QAbstractItemView;
class QMenu;
class QModelIndex;
class QTableView;
class QWidget;
QT_END_NAMESPACE

namespace ssehub {

// A table as every view of the console shows one: whole rows selected, fixed row heights,
// movable columns, a column chooser in the header's context menu and the full text of a
// truncated cell as its tooltip. sortable: the header sorts (through the proxy, which sorts
// text naturally: NodeFilterModel); the log stays in its own (time) order, which also spares a
// sort of every batch of thousands of entries.
QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent,
                      bool sortable = true);
// A table's Node column (the console attached to a cluster): placed first, shown only while
// rows of several nodes are (the view decides; the column chooser leaves it alone).
void placeNodeColumn(QTableView *view, int column);
void showNodeColumn(QTableView *view, int column, bool shown);
// Default column widths: each column as wide as `chars` average characters of content or its
// header, whichever is wider (a header is never clipped); the stretch columns (the long text:
// user agent, filters) share what the viewport has left and grow with the window.
void fitColumns(QTableView *view, const QList<int> &chars, const QList<int> &stretch = {});
// The header's saved state (widths, order, hidden columns). Restoring keeps the stretch
// columns stretching; an empty or foreign state leaves the defaults.
QByteArray saveColumns(const QTableView *view);
void restoreColumns(QTableView *view, const QByteArray &state);
// The column chooser: one checkable action per column (by its header, in the order shown)
// that hides or shows it; the last shown column cannot be hidden. The header's context menu.
QMenu *columnMenu(QTableView *view, QWidget *parent);
// The full text of a cell that does not fit its column (elided on screen); empty if it fits.
QString truncatedText(const QAbstractItemView *view, const QModelIndex &index);

// "120 of 5,000 shown" under a filtered table: the rows a proxy shows of its source's.
class ShownCount : public QLabel
{
    Q_OBJECT

public:
    ShownCount(QAbstractItemModel *shown, const QString &name, QWidget *parent);

private:
    void refresh();

    QAbstractItemModel *m_shown;
    QAbstractItemModel *m_all;
};

} // namespace ssehub
