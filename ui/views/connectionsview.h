#pragma once

#include "link/enginelink.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTimer;
class QTreeWidget;
QT_END_NAMESPACE

namespace ssehub {

class ConnectionsModel;
class EngineController;
class NodeFilterBox;
class NodeFilterModel;

// The live streams: a searchable table, the operator's actions on the selected stream or its
// client, and a detail pane (subscriptions, last events) refreshed once a second.
class ConnectionsView : public QWidget
{
    Q_OBJECT

public:
    ConnectionsView(ConnectionsModel *model, EngineController *controller,
                    QWidget *parent = nullptr);

public Q_SLOTS:
    // Disconnects the selected streams (several: a bulk action) after the operator's
    // confirmation (unless waived for the session), which names how many and takes an optional
    // reason the clients read. Nothing selected: nothing happens.
    void disconnectSelected();
    // Pauses or resumes the selected streams' clients; several after a confirmation.
    void pauseSelected(bool pause);

public:
    // The nodes whose rows are shown (attached to a cluster): a Node column and a node filter
    // when there are several.
    void setNodes(const QStringList &nodes);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

private:
    void selectedChanged();
    void refreshDetail();
    StreamRef selectedConnection() const;
    QString selectedClient() const;
    // The selected streams, in the table's order, with their clients.
    struct Selected
    {
        StreamRef stream;
        QString client;
    };
    QList<Selected> selectedStreams() const;
    void updateActions();

    EngineController *m_controller;
    NodeFilterModel *m_filter;
    NodeFilterBox *m_node = nullptr;
    QTableView *m_view = nullptr;
    QPushButton *m_kick = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_resume = nullptr;
    QLineEdit *m_search = nullptr;
    QSplitter *m_split = nullptr;
    QLabel *m_detailTitle = nullptr;
    QTreeWidget *m_detailSubscriptions = nullptr;
    QPlainTextEdit *m_detailEvents = nullptr;
    QTimer *m_detailTimer = nullptr;
};

} // namespace ssehub
