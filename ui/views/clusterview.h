#pragma once

#include "link/enginelink.h"
#include "snapshot.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QSettings;
class QTableView;
QT_END_NAMESPACE

namespace ssehub {

class NodesModel;

// Cluster mode: the instances registered in Redis, or a note that the mode is off; attached to
// a cluster, how the console reaches each node (its rows are shown only while it is live).
class ClusterView : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterView(NodesModel *model, QWidget *parent = nullptr);

    void applySnapshot(const ConsoleSnapshot &s);
    void applyLinks(const QList<NodeLink> &links);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

private:
    void updateNote();

    NodesModel *m_model;
    QLabel *m_note = nullptr;
    QTableView *m_view = nullptr;
    QList<NodeLink> m_links;
    bool m_clusterMode = false;
};

} // namespace ssehub
