#include "healthview.h"

#include "format.h"
#include "models/connectionsmodel.h"
#include "models/keyedselectionmodel.h"
#include "models/nodefiltermodel.h"
#include "statecolors.h"
#include "widgets/nodefilterbox.h"
#include "widgets/tables.h"

#include <QCheckBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace ssehub {

// The heartbeat table's rows: a node's or every node's, optionally only the late and stalled.
class HealthFilterModel : public NodeFilterModel
{
public:
    HealthFilterModel(ConnectionsModel *model, QObject *parent)
        : NodeFilterModel(ConnectionsModel::NodeRole, parent)
        , m_model(model)
    {
    }

    void setOnlyTroubled(bool only)
    {
        if (only == m_only)
            return;
        m_only = only;
        invalidateFilter();
    }
    bool onlyTroubled() const { return m_only; }
    void refilter() { invalidateFilter(); }
    // Sorts again unless the rows are still in order (a sort of 10,000 rows costs tens of ms;
    // a look at each neighbour a tenth of that).
    void resort()
    {
        const int column = sortColumn();
        if (column < 0)
            return;
        const bool ascending = sortOrder() == Qt::AscendingOrder;
        QModelIndex previous = mapToSource(index(0, column));
        for (int row = 1; row < rowCount(); ++row) {
            const QModelIndex current = mapToSource(index(row, column));
            if (ascending ? lessThan(current, previous) : lessThan(previous, current)) {
                sort(column, sortOrder());
                return;
            }
            previous = current;
        }
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        if (m_only && sourceRow < m_model->rowCount()
            && m_model->health(m_model->rowAt(sourceRow)) == ConnectionsModel::HealthState::Healthy)
            return false;
        return NodeFilterModel::filterAcceptsRow(sourceRow, sourceParent);
    }

private:
    ConnectionsModel *m_model;
    bool m_only = false;
};

HealthView::HealthView(ConnectionsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_connections(model)
    , m_sort(new HealthFilterModel(model, this))
{
    setObjectName(QStringLiteral("healthPage"));
    m_sort->setSourceModel(m_connections);
    m_sort->setSortRole(ConnectionsModel::SortRole);
    // Silence changes on every snapshot for every stream: rather than a proxy that re-sorts
    // row by row on every dataChanged, the view re-sorts once per snapshot, while shown.
    m_sort->setDynamicSortFilter(false);

    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("healthSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_node = new NodeFilterBox(QStringLiteral("healthNode"), this);
    connect(m_node, &NodeFilterBox::nodeChanged, m_sort, &NodeFilterModel::setNode);
    m_onlyLate = new QCheckBox(tr("Only late or stalled"), this);
    m_onlyLate->setObjectName(QStringLiteral("healthOnlyLate"));
    connect(m_onlyLate, &QCheckBox::toggled, this, [this](bool only) {
        m_sort->setOnlyTroubled(only);
        refreshOrder();
    });
    auto *top = new QHBoxLayout;
    top->addWidget(m_node);
    top->addWidget(m_summary, 1);
    top->addWidget(m_onlyLate);
    layout->addLayout(top);
    m_view = makeTable(m_sort, QStringLiteral("healthView"), this);
    // Re-sorted as silences grow: the selection stays on its stream (or goes with it). Not
    // single selection: that mode makes the view itself select the next row when one goes.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    KeyedSelectionModel::install(m_view, &ConnectionsModel::keyOf);
    for (int c = 0; c < ConnectionsModel::ColumnCount; ++c) {
        const bool shown = c == ConnectionsModel::Id || c == ConnectionsModel::Client
            || c == ConnectionsModel::Remote || c == ConnectionsModel::LastWrite
            || c == ConnectionsModel::Health || c == ConnectionsModel::Queued
            || c == ConnectionsModel::State || c == ConnectionsModel::Node;
        m_view->setColumnHidden(c, !shown);
    }
    fitColumns(m_view, {6, 14, 17, 24, 20, 12, 8, 10, 10, 8, 8, 8, 14},
               {ConnectionsModel::Client, ConnectionsModel::UserAgent, ConnectionsModel::Filters});
    placeNodeColumn(m_view, ConnectionsModel::Node);
    m_view->sortByColumn(ConnectionsModel::LastWrite, Qt::DescendingOrder);
    connect(m_view->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            &HealthView::refreshOrder);
    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_view, 1);
    tableLayout->addWidget(new ShownCount(m_sort, QStringLiteral("healthShown"), tableBox));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(tableBox);
    auto *reapedBox = new QGroupBox(tr("Reaped by the engine (dead)"), this);
    auto *reapedLayout = new QVBoxLayout(reapedBox);
    m_reaped = new QListWidget(reapedBox);
    m_reaped->setObjectName(QStringLiteral("reapedList"));
    reapedLayout->addWidget(m_reaped);
    split->addWidget(reapedBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    auto *legend = new QLabel(
        tr("A stream is late (amber) after 1.5 heartbeat intervals without a successful write "
           "or ping, and stalled (red) after three: its peer is gone or reads slowly. The "
           "engine closes a stream as dead when its peer stops acknowledging altogether. Bytes "
           "queued turn amber at a quarter of the queue limit and red at three quarters: a "
           "peer that acknowledges but reads slowly is closed as a slow consumer when its queue "
           "passes the limit."),
        this);
    legend->setWordWrap(true);
    layout->addWidget(legend);
}

void HealthView::applySnapshot(const ConsoleSnapshot &s)
{
    for (const LogEntry &e : s.log) {
        if (e.kind == LogEntry::Kind::Disconnect && e.reason == QLatin1String("dead")) {
            auto *item
                = new QListWidgetItem(tr("%1  stream %2  %3  %4")
                                          .arg(formatTime(e.time), QString::number(e.connectionId),
                                               e.clientId, e.remoteAddress));
            item->setToolTip(formatFullTime(e.time));
            m_reaped->insertItem(0, item);
            while (m_reaped->count() > 200)
                delete m_reaped->takeItem(m_reaped->count() - 1);
        }
    }
    m_deadCloses = qint64(s.stats.deadCloses);
    m_heartbeatMs = s.heartbeatMs;
    updateSummary();
    refreshOrder();
}

void HealthView::updateSummary()
{
    const int healthy = m_connections->count(ConnectionsModel::HealthState::Healthy);
    const int late = m_connections->count(ConnectionsModel::HealthState::Late);
    const int dead = m_connections->count(ConnectionsModel::HealthState::Dead);
    const QPalette palette = m_summary->palette();
    m_summary->setText(
        tr("<b>%1</b> healthy · <span style='color:%6'><b>%2</b> late</span> · "
           "<span style='color:%7'><b>%3</b> stalled</span> · %4 reaped as dead since start · "
           "heartbeat every %5")
            .arg(healthy)
            .arg(late)
            .arg(dead)
            .arg(m_deadCloses)
            .arg(formatAgo(m_heartbeatMs), StateColors::warningText(palette).name(),
                 StateColors::alertText(palette).name()));
}

void HealthView::refreshOrder()
{
    // Hidden: the next showEvent does it.
    if (!isVisible())
        return;
    if (m_sort->onlyTroubled())
        m_sort->refilter();
    m_sort->resort();
}

void HealthView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshOrder();
}

void HealthView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The summary's colours are the palette's: a dark one gets lighter amber and red.
    if (event->type() == QEvent::PaletteChange)
        updateSummary();
}

void HealthView::setNodes(const QStringList &nodes)
{
    m_node->setNodes(nodes);
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
}

void HealthView::restoreState(const QSettings &settings)
{
    restoreColumns(m_view, settings.value(QStringLiteral("healthColumns")).toByteArray());
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
    m_onlyLate->setChecked(settings.value(QStringLiteral("healthOnlyLate"), false).toBool());
}

void HealthView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("healthColumns"), saveColumns(m_view));
    settings.setValue(QStringLiteral("healthOnlyLate"), m_onlyLate->isChecked());
}

} // namespace ssehub
