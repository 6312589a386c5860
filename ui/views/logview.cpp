#include "logview.h"

#include "format.h"
#include "models/logmodel.h"
#include "statecolors.h"
#include "widgets/nodefilterbox.h"
#include "widgets/statecolors.h"
#include "widgets/tables.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ssehub {

LogView::LogView(LogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new LogFilterModel(this))
{
    setObjectName(QStringLiteral("logPage"));
    m_filter->setSourceModel(model);
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;

    // Kinds: several at once, by the names GET /log?kind= takes.
    m_kinds = new QPushButton(this);
    m_kinds->setObjectName(QStringLiteral("logKinds"));
    m_kindMenu = new QMenu(m_kinds);
    m_kindMenu->setObjectName(QStringLiteral("logKindMenu"));
    m_kindMenu->setToolTipsVisible(true);
    QAction *all = m_kindMenu->addAction(tr("All kinds"));
    all->setObjectName(QStringLiteral("logKindAll"));
    connect(all, &QAction::triggered, this, [this] {
        for (QAction *action : m_kindMenu->actions()) {
            if (action->isCheckable())
                action->setChecked(true);
        }
    });
    m_kindMenu->addSeparator();
    for (int k = 0; k < LogEntry::KindCount; ++k) {
        const auto kind = LogEntry::Kind(k);
        QAction *action = m_kindMenu->addAction(LogEntry::kindName(kind));
        action->setObjectName(QStringLiteral("logKind-") + LogEntry::kindName(kind));
        action->setToolTip(LogModel::kindTitle(kind));
        action->setData(k);
        action->setCheckable(true);
        action->setChecked(true);
        connect(action, &QAction::toggled, this, &LogView::applyKinds);
    }
    // A click toggles a kind and leaves the menu open for the next one.
    m_kindMenu->installEventFilter(this);
    m_kinds->setMenu(m_kindMenu);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search client id, address, reason, filter, detail…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter, &LogFilterModel::setSearchText);
    m_since = new QComboBox(this);
    m_since->setObjectName(QStringLiteral("logSince"));
    m_since->addItem(tr("Any time"), 0);
    m_since->addItem(tr("Last 5 minutes"), 5 * 60);
    m_since->addItem(tr("Last 15 minutes"), 15 * 60);
    m_since->addItem(tr("Last hour"), 3600);
    m_since->addItem(tr("Last 24 hours"), 24 * 3600);
    m_rangeTimer = new QTimer(this);
    m_rangeTimer->setInterval(1000);
    connect(m_rangeTimer, &QTimer::timeout, m_filter, &LogFilterModel::refreshRange);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setObjectName(QStringLiteral("logExport"));
    connect(exportButton, &QPushButton::clicked, this, &LogView::exportRequested);
    m_node = new NodeFilterBox(QStringLiteral("logNode"), this);
    connect(m_node, &NodeFilterBox::nodeChanged, m_filter, &LogFilterModel::setNode);
    top->addWidget(m_node);
    top->addWidget(m_kinds);
    top->addWidget(m_search, 1);
    top->addWidget(m_since);
    top->addWidget(exportButton);
    layout->addLayout(top);
    m_gap = new QLabel(this);
    m_gap->setObjectName(QStringLiteral("logGap"));
    m_gap->setWordWrap(true);
    m_gap->setStyleSheet(severityStyle(palette(), Severity::Bad, false));
    m_gap->hide();
    layout->addWidget(m_gap);
    m_view = makeTable(m_filter, QStringLiteral("logView"), this, false);
    fitColumns(m_view, {13, 13, 6, 16, 20, 16, 30, 14}, {LogModel::Detail});
    placeNodeColumn(m_view, LogModel::Node);
    // Follows new entries while scrolled to the end.
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar *bar = m_view->verticalScrollBar();
        m_follow = bar->value() >= bar->maximum();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow)
            QTimer::singleShot(0, m_view, &QTableView::scrollToBottom);
    });
    layout->addWidget(m_view, 1);
    layout->addWidget(new ShownCount(m_filter, QStringLiteral("logShown"), this));
    connect(m_since, &QComboBox::currentIndexChanged, this, &LogView::applyRange);
    applyKinds();
}

bool LogView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_kindMenu && event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        QAction *action = m_kindMenu->actionAt(mouse->position().toPoint());
        if (action && action->isCheckable() && action->isEnabled()) {
            action->trigger();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LogView::applyKinds()
{
    QSet<LogEntry::Kind> kinds;
    QStringList names;
    QList<QAction *> checked;
    for (QAction *action : m_kindMenu->actions()) {
        if (!action->isCheckable())
            continue;
        action->setEnabled(true);
        if (action->isChecked()) {
            kinds.insert(LogEntry::Kind(action->data().toInt()));
            names << action->text();
            checked << action;
        }
    }
    // The last kind shown cannot be unchecked: an empty log that filters everything out helps
    // nobody.
    if (checked.size() == 1)
        checked.first()->setEnabled(false);
    if (kinds.size() == LogEntry::KindCount) {
        kinds.clear(); // every kind, also ones a newer server may log
        m_kinds->setText(tr("All kinds"));
    } else if (names.size() <= 2) {
        m_kinds->setText(names.join(QStringLiteral(", ")));
    } else {
        m_kinds->setText(tr("%n kind(s)", nullptr, int(names.size())));
    }
    m_kinds->setToolTip(tr("Kinds shown: %1").arg(names.join(QStringLiteral(", "))));
    m_filter->setKinds(kinds);
}

void LogView::applyRange()
{
    const int seconds = m_since->currentData().toInt();
    m_filter->setRange(seconds * 1000LL);
    if (seconds > 0)
        m_rangeTimer->start();
    else
        m_rangeTimer->stop();
}

QString LogView::exportSummary() const
{
    const QString all = formatCount(quint64(m_model->rowCount()));
    if (m_filter->isFiltering() && m_filter->rowCount() != m_model->rowCount())
        return tr("Exporting %1 of %2 entries (filtered)")
            .arg(formatCount(quint64(m_filter->rowCount())), all);
    return tr("Exporting all %1 entries").arg(all);
}

void LogView::noteGap(quint64 missed, qint64 lostAtMs)
{
    if (missed == 0) {
        m_gapMissed = 0;
        m_gap->hide();
        return;
    }
    m_gapMissed += missed;
    m_gap->setText(tr("This log is incomplete: %n entry(s) from the outage that began at %1 are "
                      "missing (the server no longer held them when the console reconnected). "
                      "The server's log file or GET /log may still have them.",
                      nullptr, int(qMin<quint64>(m_gapMissed, INT_MAX)))
                       .arg(QDateTime::fromMSecsSinceEpoch(lostAtMs).toString(
                           QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))));
    m_gap->show();
}

void LogView::setNodes(const QStringList &nodes)
{
    m_node->setNodes(nodes);
    showNodeColumn(m_view, LogModel::Node, m_node->multiple());
}

void LogView::restoreState(const QSettings &settings)
{
    restoreColumns(m_view, settings.value(QStringLiteral("logColumns")).toByteArray());
    showNodeColumn(m_view, LogModel::Node, m_node->multiple());
}

void LogView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("logColumns"), saveColumns(m_view));
}

} // namespace ssehub
