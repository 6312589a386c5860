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

// Heartbeat health: how long each stream has gone without a successful write, what is queued
// for it, and the streams the engine reaped as dead.
class HealthView : public QWidget
{
    Q_OBJECT

public:
    explicit HealthView(ConnectionsModel *model, QWidget *parent = nullptr);

    // After the model took the snapshot: the summary counts its rows.
    void applySnapshot(const ConsoleSnapshot &s);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

private:
    ConnectionsModel *m_connections;
    QSortFilterProxyModel *m_sort;
    QLabel *m_summary = nullptr;
    QTableView *m_view = nullptr;
    QListWidget *m_reaped = nullptr;
};

} // namespace ssehub
