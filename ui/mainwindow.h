#pragma once

#include "enginethread.h"
#include "link/enginelink.h"
#include "link/remotetarget.h"
#include "snapshot.h"
#include "widgets/throughputhistory.h"

#include <QMainWindow>

#include <functional>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QNetworkAccessManager;
class QTabWidget;
class QTimer;
QT_END_NAMESPACE

namespace ssehub {

class ClientsView;
class ClusterView;
class ConnectGuide;
class ConnectionsModel;
class ConnectionsView;
class EngineController;
class HealthView;
class HistoryView;
class LinkBanner;
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
// objects (ui/ cannot include them). The engine shown is the embedded one (started, stopped
// and configured here) or, attached, one elsewhere (watched and acted on, never configured);
// the title and status bars always say which, and whether its data is live.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(EngineThread *engine, const EngineConfig &config, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts the engine with the current configuration; on failure the banner says why and the
    // console stays open (settings can fix it). cause: who asked and why, for the log's engine
    // entry ("startup" at launch).
    bool startEngine(const QString &cause = QStringLiteral("console action=start"));
    // Drains every stream as SIGTERM does headless (retry hint and `event: shutdown` after the
    // data already queued, bounded by the drain time), then stops; returns at once and
    // engineStopped follows. Quit and window close do the same before the window goes. The
    // Stop server action asks the operator first (naming the open streams); this does not.
    void stopEngine();
    // Closes the window without asking (SIGINT/SIGTERM to the console): drains like Quit.
    void quitWithoutAsking();
    // Problems found at start that the operator must see (e.g. listening on a public address
    // without authentication): shown as a banner above everything else.
    void setStartProblems(const QStringList &problems);
    const EngineConfig &config() const { return m_config; }
    // Applies a new configuration: restarts the engine with it (a running one drains first,
    // closing its streams as "restart"; engineStarted follows) and, once it runs, saves what
    // changed to the config file (ConsoleSettings). A running engine that cannot start with it
    // starts again with the previous configuration and the banner says why. False only when a
    // stopped engine could not start.
    bool applyConfig(const EngineConfig &config);
    // Shows a server elsewhere instead of the embedded one, which is drained and stopped first
    // if it runs. False (the banner says why) when the target's files cannot be read.
    bool attach(const RemoteTarget &target);
    // Back to the embedded server: detaches and starts it.
    void useEmbedded();
    bool isAttached() const;
    // "ssehub console - <server> (<state>)" as the title bar shows it.
    QString serverTitle() const;
    // Writes the log entries the Log view shows (CSV for .csv, JSON Lines otherwise).
    bool exportLog(const QString &path, QString *error);
    // Saves a picture of every view into dir (view name .png, e.g. connections.png); the
    // screenshot script uses it. topic: selected in the Topics view first (its presence shows).
    QStringList saveViewImages(const QString &dir, const QByteArray &topic = {});
    // The views (tabs) and the file name saveViewImages gives each.
    int viewCount() const;
    QString viewName(int index) const;

    EngineController *controller() const { return m_controller; }
    ConnectionsModel *connectionsModel() const { return m_connections; }
    LogModel *logModel() const { return m_log; }
    LogFilterModel *logFilter() const;
    TopicsModel *topicsModel() const { return m_topics; }
    NodesModel *nodesModel() const { return m_nodes; }
    const ThroughputHistory &history() const { return m_history; }

public Q_SLOTS:
    void applySnapshot(const ssehub::SnapshotPtr &snapshot);
    void openPublishDialog();
    // The publish dialog with a topic filled in (none when it is a filter with wildcards).
    void openPublishDialogFor(const QString &topic);
    // The demo page in the desktop's browser; when none opened, a message with the URL.
    bool openDemoPage();
    // Ctrl+F: the filter box of the view shown.
    void focusViewFilter();
    void openSettings();
    void openConnectDialog();
    void exportLogInteractively();
    void reloadAccess();
    void startTail(const QString &filter);
    void stopTail();
    // Attached to a cluster: which nodes are shown and how each is reached.
    void applyNodeLinks(const QList<ssehub::NodeLink> &links);

Q_SIGNALS:
    void snapshotApplied();
    void engineStarted(bool ok);
    void engineStopped();
    // Another server is shown, or the link to it changed state.
    void linkStatusChanged();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    // Drains and stops (reason Shutdown or Restart; cause for the log), then runs then.
    void drainEngine(EngineThread::DrainReason reason, const QString &cause,
                     std::function<void()> then);
    // Streams of the embedded server the last snapshot showed (what a stop would close).
    int openStreams() const;
    // Stop server, after the operator's confirmation.
    void askStop();
    // Apply and restart: runs apply once the operator confirmed (at once without open streams).
    void askRestart(std::function<void()> apply);
    void showStopped();
    // Forgets what the previous server showed.
    void clearViews();
    void buildActions();
    void updateActions();
    // The link's state in the title, status bar and banner; stale data greyed.
    void showLinkStatus(const EngineLink::Status &status);
    // Data that no longer comes (the embedded server stopped, the link lost): the tables kept
    // but greyed under a "stale since" marker, the overview's figures "-", a gap in the charts.
    void showStale(bool stale, qint64 sinceMs, const QString &why);
    // The embedded server did not start: is the port held by an ssehub one could attach to?
    void probePortHolder();
    // Saves the changes from previous to m_config (the status bar says when it cannot).
    void storeConfig(const EngineConfig &previous);
    void buildStatusBar();
    // Ctrl+1..9 (views), Ctrl+F (filter) and the tables' context menus (mainwindowkeys.cpp).
    void buildShortcuts();
    void updateBanner();
    void updateStatus(const ConsoleSnapshot &s);
    void report(bool ok, const QString &message);
    void restoreState();
    void saveState() const;
    // The window within the screen's available area (default size and restored geometry).
    void fitToScreen();

    EngineController *m_controller;
    EngineConfig m_config;
    QStringList m_startProblems;
    QString m_engineError;
    QString m_lastStartError; // why the last start failed
    bool m_brokerDown = false;
    QList<std::function<void()>> m_afterStop; // run once the draining engine has stopped
    // Quit: the operator confirmed (or a signal asked), the question is open; and who asked.
    bool m_quitConfirmed = false;
    bool m_askingQuit = false;
    QString m_quitCause = QStringLiteral("console action=quit");
    SnapshotPtr m_last;
    ThroughputHistory m_history;
    RemoteTarget m_target; // the last server attached to (its token for this session only)
    bool m_fittedShown = false; // fitted to the screen again once shown
    bool m_askCredentialsOnRefusal = false; // attached from the banner: a 401 opens Connect
    QNetworkAccessManager *m_probeNetwork = nullptr;
    QStringList m_shownNodes; // nodes the views may show rows of (a cluster)
    QStringList m_mergedNodes; // nodes whose figures the last snapshot summed

    ConnectionsModel *m_connections;
    LogModel *m_log;
    TopicsModel *m_topics;
    NodesModel *m_nodes;

    QLabel *m_banner = nullptr;
    QLabel *m_staleMarker = nullptr; // "stale since": the views show data that no longer comes
    QTimer *m_gapTimer = nullptr; // while stale: the charts' time axis moves on (the gap grows)
    qint64 m_stoppedAtMs = 0; // when the embedded server stopped
    LinkBanner *m_linkBanner = nullptr;
    QTabWidget *m_tabs = nullptr;
    QAction *m_startStop = nullptr;
    QAction *m_openDemo = nullptr;
    QAction *m_publish = nullptr;
    QAction *m_export = nullptr;
    QAction *m_settings = nullptr;
    QAction *m_reload = nullptr;
    QAction *m_connect = nullptr;
    QAction *m_useEmbedded = nullptr;

    // Status bar.
    QLabel *m_statusUrl = nullptr;
    QLabel *m_statusLink = nullptr;
    QLabel *m_statusBroker = nullptr;
    QLabel *m_statusUptime = nullptr;
    QLabel *m_statusConnections = nullptr;

    OverviewView *m_overview = nullptr;
    ConnectGuide *m_connectGuide = nullptr;
    ConnectionsView *m_connectionsView = nullptr;
    ClientsView *m_clientsView = nullptr;
    TopicsView *m_topicsView = nullptr;
    HistoryView *m_historyView = nullptr;
    HealthView *m_healthView = nullptr;
    ThroughputChart *m_chart = nullptr;
    LogView *m_logView = nullptr;
    ClusterView *m_clusterView = nullptr;
};

} // namespace ssehub
