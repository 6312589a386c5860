#include "healthview.h"

#include "format.h"
#include "models/connectionsmodel.h"
#include "models/keyedselectionmodel.h"
#include "models/nodefiltermodel.h"
#include "widgets/nodefilterbox.h"
#include "widgets/tables.h"

#include <QDateTime>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ssehub {

HealthView::HealthView(ConnectionsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_connections(model)
    , m_sort(new NodeFilterModel(ConnectionsModel::NodeRole, this))
{
    setObjectName(QStringLiteral("healthPage"));
    m_sort->setSourceModel(m_connections);
    m_sort->setSortRole(ConnectionsModel::SortRole);
    // Silence changes on every snapshot for every stream: re-sorting 10,000 rows four times a
    // second would keep the GUI thread busy, so the heartbeat view re-sorts every two seconds.
    m_sort->setDynamicSortFilter(false);
    auto *resort = new QTimer(this);
    resort->setInterval(2000);
    connect(resort, &QTimer::timeout, this, [this] {
        if (m_view->isVisible())
            m_sort->sort(m_sort->sortColumn(), m_sort->sortOrder());
    });
    resort->start();

    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("healthSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_node = new NodeFilterBox(QStringLiteral("healthNode"), this);
    connect(m_node, &NodeFilterBox::nodeChanged, m_sort, &NodeFilterModel::setNode);
    auto *top = new QHBoxLayout;
    top->addWidget(m_node);
    top->addWidget(m_summary, 1);
    layout->addLayout(top);
    m_view = makeTable(m_sort, QStringLiteral("healthView"), this);
    // Re-sorted as silences grow: the selection stays on its stream (or goes with it).
    KeyedSelectionModel::install(m_view, &ConnectionsModel::keyOf);
    for (int c = 0; c < ConnectionsModel::ColumnCount; ++c) {
        const bool shown = c == ConnectionsModel::Id || c == ConnectionsModel::Client
            || c == ConnectionsModel::Remote || c == ConnectionsModel::LastWrite
            || c == ConnectionsModel::Health || c == ConnectionsModel::Queued
            || c == ConnectionsModel::State || c == ConnectionsModel::Node;
        m_view->setColumnHidden(c, !shown);
    }
    setColumnWidths(m_view, {7, 16, 21, 24, 20, 19, 11, 11, 11, 10, 10, 9, 14});
    placeNodeColumn(m_view, ConnectionsModel::Node);
    m_view->sortByColumn(ConnectionsModel::LastWrite, Qt::DescendingOrder);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
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
            m_reaped->insertItem(
                0,
                tr("%1  stream %2  %3  %4")
                    .arg(
                        QDateTime::fromMSecsSinceEpoch(e.time).toString(QStringLiteral("HH:mm:ss")),
                        QString::number(e.connectionId), e.clientId, e.remoteAddress));
            while (m_reaped->count() > 200)
                delete m_reaped->takeItem(m_reaped->count() - 1);
        }
    }
    const int healthy = m_connections->count(ConnectionsModel::HealthState::Healthy);
    const int late = m_connections->count(ConnectionsModel::HealthState::Late);
    const int dead = m_connections->count(ConnectionsModel::HealthState::Dead);
    m_summary->setText(
        tr("<b>%1</b> healthy · <span style='color:#b26a00'><b>%2</b> late</span> · "
           "<span style='color:#b00020'><b>%3</b> stalled</span> · %4 reaped as dead since start · "
           "heartbeat every %5")
            .arg(healthy)
            .arg(late)
            .arg(dead)
            .arg(s.stats.deadCloses)
            .arg(formatAgo(s.heartbeatMs)));
}

void HealthView::setNodes(const QStringList &nodes)
{
    m_node->setNodes(nodes);
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
}

void HealthView::restoreState(const QSettings &settings)
{
    m_view->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("healthHeader")).toByteArray());
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
}

void HealthView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("healthHeader"), m_view->horizontalHeader()->saveState());
}

} // namespace ssehub
