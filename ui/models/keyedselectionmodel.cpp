#include "keyedselectionmodel.h"

#include <QAbstractItemView>

namespace ssehub {

KeyedSelectionModel *KeyedSelectionModel::install(QAbstractItemView *view, KeyFn key)
{
    auto *keyed = new KeyedSelectionModel(view->model(), std::move(key), view);
    QItemSelectionModel *old = view->selectionModel();
    view->setSelectionModel(keyed);
    delete old; // the view made it; setSelectionModel leaves it
    return keyed;
}

KeyedSelectionModel::KeyedSelectionModel(QAbstractItemModel *model, KeyFn key, QObject *parent)
    : QItemSelectionModel(nullptr, parent)
    , m_key(std::move(key))
{
    // Connected before the base class connects its own handlers (setModel below), so that the
    // current index it moves to a neighbour while rows go is not taken for the operator's.
    auto begin = [this] { ++m_changing; };
    connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, begin);
    connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, begin);
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, begin);
    setModel(model);
    // After the base class's handlers: the rows are where they end up.
    auto end = [this] {
        if (m_changing > 0 && --m_changing == 0)
            restore();
    };
    connect(model, &QAbstractItemModel::rowsRemoved, this, end);
    connect(model, &QAbstractItemModel::layoutChanged, this, end);
    connect(model, &QAbstractItemModel::modelReset, this, end);
    connect(this, &QItemSelectionModel::selectionChanged, this, &KeyedSelectionModel::remember);
    connect(this, &QItemSelectionModel::currentChanged, this, &KeyedSelectionModel::remember);
}

void KeyedSelectionModel::remember()
{
    if (m_changing > 0 || m_restoring)
        return;
    m_keys.clear();
    for (const QModelIndex &row : selectedRows())
        m_keys.insert(m_key(row));
    const QModelIndex current = currentIndex();
    m_currentKey = current.isValid() ? m_key(current) : QString();
}

void KeyedSelectionModel::restore()
{
    const QAbstractItemModel *source = model();
    QModelIndex current;
    QItemSelection selection;
    QSet<QString> found;
    if (!m_keys.isEmpty() || !m_currentKey.isEmpty()) {
        const int rows = source->rowCount();
        for (int row = 0; row < rows; ++row) {
            const QModelIndex index = source->index(row, 0);
            const QString key = m_key(index);
            if (key == m_currentKey)
                current = index;
            if (m_keys.contains(key)) {
                found.insert(key);
                selection.select(index, source->index(row, source->columnCount() - 1));
            }
        }
    }
    m_keys = found; // a row that went is forgotten: it does not come back selected
    if (!current.isValid())
        m_currentKey.clear();

    QSet<int> want, have;
    for (const QItemSelectionRange &range : std::as_const(selection)) {
        for (int row = range.top(); row <= range.bottom(); ++row)
            want.insert(row);
    }
    for (const QModelIndex &index : selectedRows())
        have.insert(index.row());
    const QModelIndex now = currentIndex();
    const bool currentMoved
        = now.isValid() != current.isValid() || (current.isValid() && now.row() != current.row());
    if (!currentMoved && want == have)
        return;
    m_restoring = true;
    if (currentMoved)
        setCurrentIndex(current, QItemSelectionModel::NoUpdate);
    if (want != have)
        select(selection, QItemSelectionModel::ClearAndSelect);
    m_restoring = false;
}

} // namespace ssehub
