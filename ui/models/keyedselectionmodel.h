#pragma once

#include <QItemSelectionModel>
#include <QSet>

#include <functional>

QT_BEGIN_NAMESPACE
class QAbstractItemView;
QT_END_NAMESPACE

namespace ssehub {

// A table's selection kept by key (a stream: node and id), not by row. Qt moves the current
// index to a neighbour when its row goes (a kicked stream, a filter that hides it), so that an
// action on "the current row" would hit another client; here, after rows are removed, re-sorted
// or reset, the selection and the current index are put back on the same keys, or become empty
// when those rows are gone. What the operator selects is what is remembered.
class KeyedSelectionModel : public QItemSelectionModel
{
    Q_OBJECT

public:
    using KeyFn = std::function<QString(const QModelIndex &)>;

    // Replaces the view's selection model (its model must be set); key gives a row's key.
    static KeyedSelectionModel *install(QAbstractItemView *view, KeyFn key);

    KeyedSelectionModel(QAbstractItemModel *model, KeyFn key, QObject *parent = nullptr);

    // The keys of the selected rows (at least the current row's when rows are selected).
    QSet<QString> selectedKeys() const { return m_keys; }
    QString currentKey() const { return m_currentKey; }

private:
    void remember();
    void restore();

    KeyFn m_key;
    QSet<QString> m_keys;
    QString m_currentKey;
    int m_changing = 0; // inside a removal, layout change or reset of the model
    bool m_restoring = false;
};

} // namespace ssehub
