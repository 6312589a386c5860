#include "nodefilterbox.h"

namespace ssehub {

NodeFilterBox::NodeFilterBox(const QString &name, QWidget *parent)
    : QComboBox(parent)
{
    setObjectName(name);
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setMaximumWidth(320);
    addItem(tr("All nodes"), QString());
    hide();
    connect(this, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT nodeChanged(node()); });
}

void NodeFilterBox::setNodes(const QStringList &nodes)
{
    if (nodes == m_nodes)
        return;
    m_nodes = nodes;
    const QString chosen = node();
    {
        const QSignalBlocker quiet(this);
        while (count() > 1)
            removeItem(count() - 1);
        for (const QString &id : nodes)
            addItem(id, id);
        const int again = chosen.isEmpty() ? 0 : findData(chosen);
        setCurrentIndex(qMax(0, again));
    }
    setVisible(multiple());
    if (node() != chosen)
        Q_EMIT nodeChanged(node());
}

} // namespace ssehub
