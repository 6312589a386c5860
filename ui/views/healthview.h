#pragma once

#include "snapshot.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QListWidget;
class QSettings;
class QSortFilterProxyModel;
class QTableView;
QT_END_NAMESPACE

namespace ssehub {

class ConnectionsModel;
class HealthFilterModel;
class NodeFilterBox;

// Heartbeat health: how long each stream has gone without a successful write, what is queued
// for it, and the streams the engine reaped as dead. Sorted and filtered anew on every
// snapshot while shown (silence moves for every stream at once).
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

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // Re-applies the only-late filter and the sort to the health the model has now.
    void refreshOrder();
    void updateSummary();

    ConnectionsModel *m_connections;
    HealthFilterModel *m_sort;
    NodeFilterBox *m_node = nullptr;
    QCheckBox *m_onlyLate = nullptr;
    qint64 m_deadCloses = 0;
    int m_heartbeatMs = 0;
    QLabel *m_summary = nullptr;
    QTableView *m_view = nullptr;
    QListWidget *m_reaped = nullptr;
};

} // namespace ssehub
