#include "tables.h"

#include "format.h"

#include <QAbstractProxyModel>
#include <QHash>
#include <QHeaderView>
#include <QHelpEvent>
#include <QMenu>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolTip>

namespace ssehub {

namespace {

const char *const NodeColumnProperty = "ssehubNodeColumn";
const char *const StretchProperty = "ssehubStretchColumns";
const char *const KeeperProperty = "ssehubStretchKeeper";

// Shows what a cell's tooltip role says, or else its full text when the column is too narrow.
class TableDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QString fullText(QStyleOptionViewItem option, const QModelIndex &index) const
    {
        initStyleOption(&option, index);
        if (option.text.isEmpty())
            return {};
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : nullptr;
        if (!style)
            return {};
        const QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &option, widget);
        const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
        const QString shown = option.text.contains(QLatin1Char('\n'))
            ? option.text.section(QLatin1Char('\n'), 0, 0) + QStringLiteral("…")
            : option.text;
        if (shown.size() == option.text.size()
            && option.fontMetrics.horizontalAdvance(shown) <= textRect.width() - 2 * margin)
            return {};
        return option.text;
    }

    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override
    {
        if (event->type() != QEvent::ToolTip || !index.isValid())
            return QStyledItemDelegate::helpEvent(event, view, option, index);
        QString tip = index.data(Qt::ToolTipRole).toString();
        if (tip.isEmpty())
            tip = fullText(option, index);
        if (tip.isEmpty()) {
            QToolTip::hideText();
            return false;
        }
        // Long text in a tooltip: bounded, so that a 2 KiB detail does not fill the screen.
        if (tip.size() > 2000)
            tip = tip.left(2000) + QStringLiteral("…");
        QToolTip::showText(event->globalPos(), tip, view->viewport(), option.rect);
        return true;
    }
};

QList<int> stretchColumns(const QTableView *view)
{
    return view->property(StretchProperty).value<QList<int>>();
}

// Stretch columns share what the viewport leaves, but never below a floor (their fitted width, at
// most twelve characters): on a narrow window (or at a large scale factor) they keep the floor and
// the table scrolls sideways, instead of squeezing an address or a filter list down to "…".
class StretchKeeper : public QObject
{
public:
    explicit StretchKeeper(QTableView *view)
        : QObject(view)
        , m_view(view)
    {
        view->viewport()->installEventFilter(this);
        connect(view->horizontalHeader(), &QHeaderView::sectionResized, this,
                [this](int column) {
                    if (!stretchColumns(m_view).contains(column))
                        update();
                });
    }

    static StretchKeeper *of(QTableView *view)
    {
        // No Q_OBJECT here, so no findChild: the view holds its keeper in a property.
        auto *keeper = static_cast<StretchKeeper *>(view->property(KeeperProperty).value<QObject *>());
        if (!keeper) {
            keeper = new StretchKeeper(view);
            view->setProperty(KeeperProperty, QVariant::fromValue<QObject *>(keeper));
        }
        return keeper;
    }

    void setFitted(int column, int width)
    {
        const int floor = 12 * m_view->fontMetrics().averageCharWidth() + 16;
        m_fitted.insert(column, qMin(width, floor));
    }

    void update()
    {
        QHeaderView *header = m_view->horizontalHeader();
        const QList<int> stretch = stretchColumns(m_view);
        if (stretch.isEmpty() || m_updating)
            return;
        m_updating = true;
        int fixed = 0;
        int wanted = 0;
        for (int c = 0; c < header->count(); ++c) {
            if (header->isSectionHidden(c))
                continue;
            if (stretch.contains(c))
                wanted += m_fitted.value(c, header->sectionSizeHint(c));
            else
                fixed += header->sectionSize(c);
        }
        const bool room = fixed + wanted <= m_view->viewport()->width();
        for (int c : stretch) {
            const auto mode = room ? QHeaderView::Stretch : QHeaderView::Interactive;
            if (header->sectionResizeMode(c) != mode)
                header->setSectionResizeMode(c, mode);
            const int fitted = m_fitted.value(c, header->sectionSizeHint(c));
            if (!room && header->sectionSize(c) < fitted)
                header->resizeSection(c, fitted);
        }
        m_updating = false;
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Resize)
            update();
        return QObject::eventFilter(watched, event);
    }

private:
    QTableView *m_view;
    QHash<int, int> m_fitted;
    bool m_updating = false;
};

void applyStretch(QTableView *view)
{
    QHeaderView *header = view->horizontalHeader();
    const QList<int> stretch = stretchColumns(view);
    header->setStretchLastSection(stretch.isEmpty());
    for (int c = 0; c < header->count(); ++c) {
        if (!stretch.contains(c))
            header->setSectionResizeMode(c, QHeaderView::Interactive);
    }
    if (!stretch.isEmpty())
        StretchKeeper::of(view)->update();
}

} // namespace

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent,
                      bool sortable)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setItemDelegate(new TableDelegate(view));
    view->setSortingEnabled(sortable);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Fixed row heights: no per-row measuring with thousands of rows.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    QHeaderView *header = view->horizontalHeader();
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(header, &QWidget::customContextMenuRequested, view, [view](const QPoint &pos) {
        QMenu *menu = columnMenu(view, view);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(view->horizontalHeader()->mapToGlobal(pos));
    });
    return view;
}

void placeNodeColumn(QTableView *view, int column)
{
    QHeaderView *header = view->horizontalHeader();
    header->moveSection(header->visualIndex(column), 0);
    view->setColumnHidden(column, true);
    view->setProperty(NodeColumnProperty, column);
}

void showNodeColumn(QTableView *view, int column, bool shown)
{
    view->setColumnHidden(column, !shown);
}

void fitColumns(QTableView *view, const QList<int> &chars, const QList<int> &stretch)
{
    QHeaderView *header = view->horizontalHeader();
    const int unit = view->fontMetrics().averageCharWidth();
    view->setProperty(StretchProperty, QVariant::fromValue(stretch));
    for (int c = 0; c < header->count(); ++c) {
        const int content = c < chars.size() ? chars[c] * unit + 16 : header->defaultSectionSize();
        const int width = qMax(content, header->sectionSizeHint(c));
        header->resizeSection(c, width);
        if (stretch.contains(c))
            StretchKeeper::of(view)->setFitted(c, width);
    }
    applyStretch(view);
}

QByteArray saveColumns(const QTableView *view)
{
    return view->horizontalHeader()->saveState();
}

void restoreColumns(QTableView *view, const QByteArray &state)
{
    if (state.isEmpty())
        return;
    view->horizontalHeader()->restoreState(state);
    applyStretch(view);
}

QMenu *columnMenu(QTableView *view, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("columnMenu"));
    QHeaderView *header = view->horizontalHeader();
    const QVariant nodeColumn = view->property(NodeColumnProperty);
    int shown = 0;
    for (int c = 0; c < header->count(); ++c)
        shown += header->isSectionHidden(c) ? 0 : 1;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int column = header->logicalIndex(visual);
        if (nodeColumn.isValid() && nodeColumn.toInt() == column)
            continue;
        const QString title = view->model()->headerData(column, Qt::Horizontal).toString();
        QAction *action = menu->addAction(title);
        action->setObjectName(QStringLiteral("column%1").arg(column));
        action->setData(column);
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(column));
        action->setEnabled(!action->isChecked() || shown > 1);
        QObject::connect(action, &QAction::toggled, view, [view, column](bool checked) {
            view->setColumnHidden(column, !checked);
            if (checked && view->horizontalHeader()->sectionSize(column) == 0)
                view->horizontalHeader()->resizeSection(
                    column, view->horizontalHeader()->sectionSizeHint(column));
        });
    }
    return menu;
}

QString truncatedText(const QAbstractItemView *view, const QModelIndex &index)
{
    auto *delegate = dynamic_cast<const TableDelegate *>(view->itemDelegateForIndex(index));
    if (!delegate || !index.isValid())
        return {};
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    option.widget = view;
    option.font = view->font();
    option.fontMetrics = view->fontMetrics();
    option.rect = view->visualRect(index);
    return delegate->fullText(option, index);
}

ShownCount::ShownCount(QAbstractItemModel *shown, const QString &name, QWidget *parent)
    : QLabel(parent)
    , m_shown(shown)
    , m_all(shown)
{
    setObjectName(name);
    while (auto *proxy = qobject_cast<QAbstractProxyModel *>(m_all)) {
        if (!proxy->sourceModel())
            break;
        m_all = proxy->sourceModel();
    }
    for (QAbstractItemModel *model : {m_shown, m_all}) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &ShownCount::refresh);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ShownCount::refresh);
        connect(model, &QAbstractItemModel::modelReset, this, &ShownCount::refresh);
        connect(model, &QAbstractItemModel::layoutChanged, this, &ShownCount::refresh);
    }
    refresh();
}

void ShownCount::refresh()
{
    setText(tr("%1 of %2 shown")
                .arg(formatCount(quint64(m_shown->rowCount())),
                     formatCount(quint64(m_all->rowCount()))));
}

} // namespace ssehub
