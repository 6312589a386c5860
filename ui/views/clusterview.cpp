#include "clusterview.h"

#include "models/nodesmodel.h"
#include "widgets/tables.h"

#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace ssehub {

ClusterView::ClusterView(NodesModel *model, QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("clusterPage"));
    auto *layout = new QVBoxLayout(this);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("clusterNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    QTableView *nodes = makeTable(model, QStringLiteral("nodesView"), this);
    setColumnWidths(nodes, {24, 28, 14, 10, 10, 10, 10});
    layout->addWidget(nodes, 1);
}

void ClusterView::applySnapshot(const ConsoleSnapshot &s)
{
    m_note->setText(
        s.stats.nodes.isEmpty()
            ? tr("Cluster mode is off: this instance uses the embedded broker. Set a Redis URL "
                 "in Settings (or start with --redis) to share events with other instances.")
            : tr("%n instance(s) registered in Redis.", nullptr, int(s.stats.nodes.size())));
}

} // namespace ssehub
