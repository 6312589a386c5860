#pragma once

#include "snapshot.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QListWidget;
class QSettings;
class QSortFilterProxyModel;
class QTableView;
QT_END_NAMESPACE

namespace ssehub {

class ConnectionsModel;
class NodeFilterBox;
class NodeFilterModel;

// Heartbeat health: how long each stream has gone without a successful write, what is queued
// for it, and the streams the engine reaped as dead.
class HealthView : public QWidget
{
    Q_OBJECT

public:
    explicit HealthView(ConnectionsModel *model, QWidget *parent = nullptr);

    // After the model took the snapshot: the summary counts its rows.
    void applySnapshot(const ConsoleSnapshot &s);
    // The nodes whose rows are shown: a Node column and a node filter when there are several.
    void setNodes(const QStringList &nodes);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

private:
    ConnectionsModel *m_connections;
    NodeFilterModel *m_sort;
    NodeFilterBox *m_node = nullptr;
    QLabel *m_summary = nullptr;
    QTableView *m_view = nullptr;
    QListWidget *m_reaped = nullptr;
};

} // namespace ssehub
