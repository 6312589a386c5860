#pragma once

#include <QComboBox>
#include <QStringList>

namespace ssehub {

// "All nodes" or one node, for the views of a cluster; hidden while one node (or a single
// engine) is shown.
class NodeFilterBox : public QComboBox
{
    Q_OBJECT

public:
    explicit NodeFilterBox(const QString &name, QWidget *parent = nullptr);

    // The nodes to choose from; the choice stays while its node is listed.
    void setNodes(const QStringList &nodes);
    // Empty: every node.
    QString node() const { return currentData().toString(); }
    bool multiple() const { return m_nodes.size() > 1; }

Q_SIGNALS:
    void nodeChanged(const QString &node);

private:
    QStringList m_nodes;
};

} // namespace ssehub
