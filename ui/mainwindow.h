#pragma once

#include "api/snapshot.h"
#include "engine/enginethread.h"
#include "throughputhistory.h"

#include <QMainWindow>

QT_BEGIN_NAMESPACE
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QTimer;
class QTreeView;
class QTreeWidget;
class QToolButton;
QT_END_NAMESPACE

namespace ssehub {

class ConnectionsModel;
class LogFilterModel;
class LogModel;
class NodesModel;
class Sparkline;
class ThroughputChart;
class TopicsModel;

// The console. It sees the engine only through snapshots (at most four a second) and acts on
// it through queued calls on the EngineThread; nothing here touches engine objects.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(EngineThread *engine, const Engine::Config &config, QWidget *parent = nullptr);
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
    const Engine::Config &config() const { return m_config; }
    // Applies a new configuration: stores it and restarts the engine (a running one drains
    // first, closing its streams as "restart"; engineStarted follows). False only when a stopped
    // engine could not start.
    bool applyConfig(const Engine::Config &config);
    // Writes the log entries the Log view shows (CSV for .csv, JSON Lines otherwise).
    bool exportLog(const QString &path, QString *error);
    // Saves a picture of every view into dir (view name .png); the screenshot script uses it.
    QStringList saveViewImages(const QString &dir);

    ConnectionsModel *connectionsModel() const { return m_connections; }
    LogModel *logModel() const { return m_log; }
    LogFilterModel *logFilter() const { return m_logFilter; }
    TopicsModel *topicsModel() const { return m_topics; }
    NodesModel *nodesModel() const { return m_nodes; }
    const ThroughputHistory &history() const { return m_history; }

public Q_SLOTS:
    void applySnapshot(const ssehub::SnapshotPtr &snapshot);
    void kickSelected();
    void pauseSelected(bool pause);
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
    void drainEngine(CloseReason reason, std::function<void()> then);
    void showStopped();
    QWidget *buildOverview();
    QWidget *buildConnections();
    QWidget *buildTopics();
    QWidget *buildHealth();
    QWidget *buildLog();
    QWidget *buildCluster();
    void buildActions();
    void updateBanner();
    void updateOverview(const ConsoleSnapshot &s);
    void updateStatus(const ConsoleSnapshot &s);
    void selectedChanged();
    void refreshDetail();
    quint64 selectedConnection() const;
    QString selectedClient() const;
    void report(bool ok, const QString &message);
    void restoreState();
    void saveState() const;
    void applyLogFilter();

    EngineThread *m_engine;
    Engine::Config m_config;
    QStringList m_startProblems;
    QString m_engineError;
    bool m_brokerDown = false;
    QList<std::function<void()>> m_afterStop; // run once the draining engine has stopped
    SnapshotPtr m_last;
    ThroughputHistory m_history;

    ConnectionsModel *m_connections;
    QSortFilterProxyModel *m_connectionsFilter;
    QSortFilterProxyModel *m_healthSort;
    LogModel *m_log;
    LogFilterModel *m_logFilter;
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

    // Overview.
    struct Figure
    {
        QLabel *value = nullptr;
        Sparkline *trend = nullptr;
    };
    QHash<QString, Figure> m_figures;

    // Connections.
    QTableView *m_connectionsView = nullptr;
    QLineEdit *m_connectionsSearch = nullptr;
    QSplitter *m_connectionsSplit = nullptr;
    QLabel *m_detailTitle = nullptr;
    QTreeWidget *m_detailSubscriptions = nullptr;
    QPlainTextEdit *m_detailEvents = nullptr;
    QTimer *m_detailTimer = nullptr;

    // Topics.
    QTreeView *m_topicsView = nullptr;
    QSplitter *m_topicsSplit = nullptr;
    QLineEdit *m_tailFilter = nullptr;
    QPlainTextEdit *m_tail = nullptr;
    QToolButton *m_tailPause = nullptr;
    QLabel *m_tailState = nullptr;

    // Heartbeat health.
    QLabel *m_healthSummary = nullptr;
    QTableView *m_healthView = nullptr;
    QListWidget *m_reaped = nullptr;

    ThroughputChart *m_chart = nullptr;

    // Log.
    QComboBox *m_logKind = nullptr;
    QLineEdit *m_logClient = nullptr;
    QComboBox *m_logSince = nullptr;
    QTableView *m_logView = nullptr;
    bool m_logFollow = true;

    // Cluster.
    QLabel *m_clusterNote = nullptr;
    QTableView *m_nodesView = nullptr;
};

} // namespace ssehub
