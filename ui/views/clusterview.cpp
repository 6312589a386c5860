#include "clusterview.h"

#include "models/nodefiltermodel.h"
#include "models/nodesmodel.h"
#include "widgets/tables.h"

#include <QLabel>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

namespace ssehub {

ClusterView::ClusterView(NodesModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("clusterPage"));
    auto *layout = new QVBoxLayout(this);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("clusterNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    // Sorted through the console's proxy: node ids naturally (node2 before node10).
    auto *sorted = new NodeFilterModel(-1, this);
    sorted->setSourceModel(model);
    sorted->setSortRole(NodesModel::SortRole);
    m_view = makeTable(sorted, QStringLiteral("nodesView"), this);
    m_view->sortByColumn(NodesModel::Id, Qt::AscendingOrder);
    fitColumns(m_view, {20, 24, 12, 8, 8, 8, 8, 14, 30},
               {NodesModel::Address, NodesModel::Console});
    m_view->setColumnHidden(NodesModel::Console, true);
    layout->addWidget(m_view, 1);
    updateNote();
}

void ClusterView::restoreState(const QSettings &settings)
{
    restoreColumns(m_view, settings.value(QStringLiteral("clusterColumns")).toByteArray());
    m_view->setColumnHidden(NodesModel::Console, m_links.isEmpty());
}

void ClusterView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("clusterColumns"), saveColumns(m_view));
}

void ClusterView::applySnapshot(const ConsoleSnapshot &s)
{
    m_clusterMode = !s.stats.nodes.isEmpty();
    updateNote();
}

void ClusterView::applyLinks(const QList<NodeLink> &links)
{
    m_links = links;
    m_view->setColumnHidden(NodesModel::Console, links.isEmpty());
    updateNote();
}

void ClusterView::updateNote()
{
    if (!m_clusterMode) {
        m_note->setText(
            tr("Cluster mode is off: this instance uses the embedded broker. Set a Redis URL "
               "in Settings (or start with --redis) to share events with other instances."));
        return;
    }
    QString text = tr("%n instance(s) registered in Redis.", nullptr, int(m_model->registered()));
    if (m_model->registered() > NodesModel::MaxRows)
        text += QLatin1Char(' ') + tr("The first %1 by id are listed.").arg(NodesModel::MaxRows);
    if (!m_links.isEmpty()) {
        int live = 0;
        int down = 0;
        for (const NodeLink &link : std::as_const(m_links)) {
            if (link.reach == NodeLink::Reach::Live)
                ++live;
            else if (link.reach != NodeLink::Reach::Connecting)
                ++down;
        }
        text += QLatin1Char(' ')
            + tr("The console reads the feed of each node at the admin URL it advertises: %n "
                 "live",
                 nullptr, live);
        if (down > 0)
            text += tr(", %n not reachable (their streams and log are not shown)", nullptr, down);
        text += QLatin1Char('.');
        if (m_model->registered() > NodeLink::MaxOpened)
            text += QLatin1Char(' ')
                + tr("It follows at most %1 nodes; the others are not shown.")
                      .arg(NodeLink::MaxOpened);
    }
    m_note->setText(text);
}

} // namespace ssehub
