// MainWindow: the keyboard - Ctrl+1..9 show the views by their place, Ctrl+F goes to the shown
// view's filter box - and the context menus of the tables' rows. The row actions call what the
// views' own buttons do (Disconnect's confirmation included), found by their object names.
#include "mainwindow.h"
#include "models/logmodel.h"
#include "models/topicsmodel.h"

#include <QAbstractItemView>
#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>

namespace ssehub {

namespace {

// An action on a table that presses one of its view's buttons (a disabled or missing button:
// nothing happens).
QAction *buttonAction(QAbstractItemView *table, QWidget *page, const QString &text,
                      const QString &button)
{
    auto *action = new QAction(text, table);
    action->setObjectName(button + QStringLiteral("Action"));
    QObject::connect(action, &QAction::triggered, table, [page, button] {
        QPushButton *b = page ? page->findChild<QPushButton *>(button) : nullptr;
        if (b && b->isEnabled())
            b->click();
    });
    table->addAction(action);
    return action;
}

// The row's cells as shown, separated by tabs (pasted into a spreadsheet: one row).
QString rowText(const QAbstractItemView *table, const QModelIndex &index)
{
    const QAbstractItemModel *model = table->model();
    QStringList cells;
    const auto *view = qobject_cast<const QTableView *>(table);
    for (int column = 0; column < model->columnCount(index.parent()); ++column) {
        if (view && view->isColumnHidden(column))
            continue;
        cells << model->index(index.row(), column, index.parent()).data().toString();
    }
    return cells.join(QLatin1Char('\t'));
}

} // namespace

void MainWindow::buildShortcuts()
{
    // Ctrl+1..9: the views by their place in the tabs, whatever views there are. Window
    // shortcuts, so that they also work while a filter box has focus (line edits do not take
    // Ctrl with a digit).
    QMenu *viewMenu = new QMenu(tr("&View"), this);
    menuBar()->insertMenu(menuBar()->actions().value(1), viewMenu);
    QList<QAction *> showView;
    for (int i = 0; i < 9; ++i) {
        auto *action = new QAction(this);
        action->setObjectName(QStringLiteral("showView%1").arg(i + 1));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, [this, i] {
            if (i < m_tabs->count())
                m_tabs->setCurrentIndex(i);
        });
        addAction(action); // active even when the menu does not list it
        viewMenu->addAction(action);
        showView << action;
    }
    viewMenu->addSeparator();
    auto *find = viewMenu->addAction(tr("&Filter the view"));
    find->setObjectName(QStringLiteral("focusFilterAction"));
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WindowShortcut);
    connect(find, &QAction::triggered, this, &MainWindow::focusViewFilter);
    addAction(find);
    connect(viewMenu, &QMenu::aboutToShow, this, [this, showView] {
        for (int i = 0; i < showView.size(); ++i) {
            showView[i]->setText(i < m_tabs->count() ? m_tabs->tabText(i) : QString());
            showView[i]->setVisible(i < m_tabs->count());
        }
    });

    // Connections: the row's actions; Delete disconnects (through the Disconnect button, so
    // that its confirmation applies). Only while the table has focus: in a filter box Delete
    // deletes text.
    if (auto *table = findChild<QTableView *>(QStringLiteral("connectionsView"))) {
        QWidget *page = table->parentWidget();
        while (page && page->objectName() != QLatin1String("connectionsPage"))
            page = page->parentWidget();
        table->setContextMenuPolicy(Qt::ActionsContextMenu);
        QAction *kick = buttonAction(table, page, tr("Disconnect"), QStringLiteral("kickButton"));
        kick->setShortcut(QKeySequence::Delete);
        kick->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        buttonAction(table, page, tr("Pause"), QStringLiteral("pauseButton"));
        buttonAction(table, page, tr("Resume"), QStringLiteral("resumeButton"));
        buttonAction(table, page, tr("Copy id"), QStringLiteral("copyIdButton"));
    }

    // Log: copy the row, show only this client.
    if (auto *table = findChild<QTableView *>(QStringLiteral("logView"))) {
        table->setContextMenuPolicy(Qt::ActionsContextMenu);
        auto *copy = new QAction(tr("Copy row"), table);
        copy->setObjectName(QStringLiteral("logCopyRowAction"));
        connect(copy, &QAction::triggered, table, [table] {
            if (const QModelIndex current = table->currentIndex(); current.isValid())
                QGuiApplication::clipboard()->setText(rowText(table, current));
        });
        table->addAction(copy);
        auto *byClient = new QAction(tr("Show only this client"), table);
        byClient->setObjectName(QStringLiteral("logFilterClientAction"));
        connect(byClient, &QAction::triggered, table, [this, table] {
            const QModelIndex current = table->currentIndex();
            if (!current.isValid())
                return;
            const QString client = current.siblingAtColumn(LogModel::Client).data().toString();
            auto *box = findChild<QLineEdit *>(QStringLiteral("logSearch"));
            if (box && !client.isEmpty())
                box->setText(client);
        });
        table->addAction(byClient);
    }

    // Topics: publish to the row's topic.
    if (auto *tree = findChild<QTreeView *>(QStringLiteral("topicsView"))) {
        tree->setContextMenuPolicy(Qt::ActionsContextMenu);
        auto *publish = new QAction(tr("Publish to this topic…"), tree);
        publish->setObjectName(QStringLiteral("topicPublishAction"));
        connect(publish, &QAction::triggered, tree, [this, tree] {
            const QModelIndex current = tree->currentIndex();
            if (!current.isValid())
                return;
            openPublishDialogFor(QString::fromUtf8(
                current.siblingAtColumn(0).data(TopicsModel::PathRole).toByteArray()));
        });
        tree->addAction(publish);
    }
}

void MainWindow::focusViewFilter()
{
    QWidget *page = m_tabs->currentWidget();
    if (!page)
        return;
    // The view's own filter: the first line edit that can be typed in (a view's search box
    // comes first in its layout).
    for (QLineEdit *edit : page->findChildren<QLineEdit *>()) {
        if (edit->isVisibleTo(page) && edit->isEnabled() && !edit->isReadOnly()) {
            edit->setFocus(Qt::ShortcutFocusReason);
            edit->selectAll();
            return;
        }
    }
}

} // namespace ssehub
