#pragma once

#include "enginethread.h"
#include "snapshot.h"
#include "widgets/throughputhistory.h"

#include <QMainWindow>

#include <functional>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QTabWidget;
QT_END_NAMESPACE

namespace ssehub {

class ClusterView;
class ConnectionsModel;
class ConnectionsView;
class EngineController;
class HealthView;
class LogFilterModel;
class LogModel;
class LogView;
class NodesModel;
class OverviewView;
class ThroughputChart;
class TopicsModel;
class TopicsView;

// The console's shell: the views as tabs, menus and toolbar, the problem banner, the status bar
// and the window's saved state. It sees the engine only through snapshots (at most four a
// second); every request to the engine goes through its EngineController, never to engine
// objects (ui/ cannot include them).
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(EngineThread *engine, const EngineConfig &config, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts the engine with the current configuration; on failure the banner says why and the
    // console stays open (settings can fix it).
    bool startEngine();
    // Drains every stream as SIGTERM does headless (retry hint and `event: shutdown` after the
    // data already queued, bounded by the drain time), then stops; returns at once and
    // engineStopped follows. Quit and window close do the same before the window goes.
    void stopEngine();
    // Problems found at start that the operator must see (e.g. listening on a public address
    // without authentication): shown as a banner above everything else.
    void setStartProblems(const QStringList &problems);
    const EngineConfig &config() const { return m_config; }
    // Applies a new configuration: stores it and restarts the engine (a running one drains
    // first, closing its streams as "restart"; engineStarted follows). False only when a stopped
    // engine could not start.
    bool applyConfig(const EngineConfig &config);
    // Writes the log entries the Log view shows (CSV for .csv, JSON Lines otherwise).
    bool exportLog(const QString &path, QString *error);
    // Saves a picture of every view into dir (view name .png); the screenshot script uses it.
    QStringList saveViewImages(const QString &dir);

    ConnectionsModel *connectionsModel() const { return m_connections; }
    LogModel *logModel() const { return m_log; }
    LogFilterModel *logFilter() const;
    TopicsModel *topicsModel() const { return m_topics; }
    NodesModel *nodesModel() const { return m_nodes; }
    const ThroughputHistory &history() const { return m_history; }

public Q_SLOTS:
    void applySnapshot(const ssehub::SnapshotPtr &snapshot);
    void openPublishDialog();
    void openSettings();
    void exportLogInteractively();
    void reloadAccess();
    void startTail(const QString &filter);
    void stopTail();

Q_SIGNALS:
    void snapshotApplied();
    void engineStarted(bool ok);
    void engineStopped();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // Drains and stops (reason Shutdown or Restart), then runs then.
    void drainEngine(EngineThread::DrainReason reason, std::function<void()> then);
    void showStopped();
    void buildActions();
    void buildStatusBar();
    void updateBanner();
    void updateStatus(const ConsoleSnapshot &s);
    void report(bool ok, const QString &message);
    void restoreState();
    void saveState() const;

    EngineController *m_controller;
    EngineConfig m_config;
    QStringList m_startProblems;
    QString m_engineError;
    bool m_brokerDown = false;
    QList<std::function<void()>> m_afterStop; // run once the draining engine has stopped
    SnapshotPtr m_last;
    ThroughputHistory m_history;

    ConnectionsModel *m_connections;
    LogModel *m_log;
    TopicsModel *m_topics;
    NodesModel *m_nodes;

    QLabel *m_banner = nullptr;
    QTabWidget *m_tabs = nullptr;
    QAction *m_startStop = nullptr;
    QAction *m_openDemo = nullptr;
    QAction *m_publish = nullptr;
    QAction *m_export = nullptr;
    QAction *m_settings = nullptr;
    QAction *m_reload = nullptr;

    // Status bar.
    QLabel *m_statusUrl = nullptr;
    QLabel *m_statusBroker = nullptr;
    QLabel *m_statusUptime = nullptr;
    QLabel *m_statusConnections = nullptr;

    OverviewView *m_overview = nullptr;
    ConnectionsView *m_connectionsView = nullptr;
    TopicsView *m_topicsView = nullptr;
    HealthView *m_healthView = nullptr;
    ThroughputChart *m_chart = nullptr;
    LogView *m_logView = nullptr;
    ClusterView *m_clusterView = nullptr;
};

} // namespace ssehub
