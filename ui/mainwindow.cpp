#include "mainwindow.h"

#include "consolesettings.h"
#include "dialogs/publishdialog.h"
#include "dialogs/settingsdialog.h"
#include "enginecontroller.h"
#include "enginetext.h"
#include "format.h"
#include "link/remotelink.h"
#include "logexport.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "models/nodesmodel.h"
#include "models/topicsmodel.h"
#include "views/clientsview.h"
#include "views/clusterview.h"
#include "views/connectionsview.h"
#include "views/healthview.h"
#include "views/historyview.h"
#include "views/logview.h"
#include "views/overviewview.h"
#include "views/topicsview.h"
#include "widgets/confirmation.h"
#include "widgets/connectguide.h"
#include "widgets/linkbanner.h"
#include "widgets/statecolors.h"
#include "widgets/throughputchart.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QEventLoop>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace ssehub {

MainWindow::MainWindow(EngineThread *engine, const EngineConfig &config, QWidget *parent)
    : QMainWindow(parent)
    , m_controller(new EngineController(engine, this))
    , m_config(config)
    , m_connections(new ConnectionsModel(this))
    , m_log(new LogModel(50000, this))
    , m_topics(new TopicsModel(this))
    , m_nodes(new NodesModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("ssehub console"));
    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/ssehub/icons/ssehub-%1.png").arg(size), QSize(size, size));
    setWindowIcon(icon);

    buildActions();

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("problemBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setStyleSheet(severityStyle(palette(), Severity::Bad, true));
    m_banner->hide();
    m_staleMarker = new QLabel(this);
    m_staleMarker->setObjectName(QStringLiteral("staleMarker"));
    m_staleMarker->setWordWrap(true);
    m_staleMarker->setTextFormat(Qt::PlainText);
    m_staleMarker->setStyleSheet(QStringLiteral(
        "background: palette(alternate-base); border: 1px solid palette(mid); padding: 4px"));
    m_staleMarker->hide();
    m_gapTimer = new QTimer(this);
    m_gapTimer->setInterval(1000);
    connect(m_gapTimer, &QTimer::timeout, this,
            [this] { m_chart->update(m_history, QDateTime::currentMSecsSinceEpoch()); });
    m_linkBanner = new LinkBanner(this);
    connect(m_linkBanner, &LinkBanner::reconnectRequested, this, [this] {
        if (RemoteLink *remote = m_controller->remote())
            remote->reconnectNow();
    });
    connect(m_linkBanner, &LinkBanner::connectRequested, this, &MainWindow::openConnectDialog);
    connect(m_linkBanner, &LinkBanner::attachRequested, this, [this](const QUrl &url) {
        RemoteTarget target;
        target.url = url;
        m_askCredentialsOnRefusal = true;
        attach(target);
    });

    m_overview = new OverviewView(this);
    m_connectionsView = new ConnectionsView(m_connections, m_controller, this);
    m_clientsView = new ClientsView(m_controller, this);
    m_topicsView = new TopicsView(m_topics, m_controller, this);
    connect(m_topicsView, &TopicsView::publishRequested, this, &MainWindow::openPublishDialog);
    m_historyView = new HistoryView(m_controller, this);
    m_healthView = new HealthView(m_connections, this);
    m_chart = new ThroughputChart(this);
    m_chart->setObjectName(QStringLiteral("chartsView"));
    m_logView = new LogView(m_log, this);
    connect(m_logView, &LogView::exportRequested, this, &MainWindow::exportLogInteractively);
    m_clusterView = new ClusterView(m_nodes, this);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("views"));
    m_tabs->setDocumentMode(true);
    // The Overview with the first run's guide under its figures; it scrolls rather than make
    // the window wider than a small screen (640 pixels wide at a scale factor of 2).
    auto *overviewPage = new QScrollArea(this);
    overviewPage->setObjectName(QStringLiteral("overviewPage"));
    overviewPage->setWidgetResizable(true);
    overviewPage->setFrameShape(QFrame::NoFrame);
    auto *overviewContent = new QWidget(overviewPage);
    auto *overviewLayout = new QVBoxLayout(overviewContent);
    overviewLayout->setContentsMargins(0, 0, 0, 0);
    m_connectGuide = new ConnectGuide(overviewContent);
    connect(m_connectGuide, &ConnectGuide::demoPageRequested, this, &MainWindow::openDemoPage);
    m_overview->setParent(overviewContent);
    overviewLayout->addWidget(m_overview, 1);
    overviewLayout->addWidget(m_connectGuide);
    overviewPage->setWidget(overviewContent);
    m_tabs->addTab(overviewPage, tr("Overview"));
    m_tabs->addTab(m_connectionsView, tr("Connections"));
    m_tabs->addTab(m_clientsView, tr("Clients"));
    m_tabs->addTab(m_topicsView, tr("Topics"));
    m_tabs->addTab(m_historyView, tr("History"));
    m_tabs->addTab(m_healthView, tr("Heartbeat"));
    m_tabs->addTab(m_chart, tr("Charts"));
    m_tabs->addTab(m_logView, tr("Log"));
    m_tabs->addTab(m_clusterView, tr("Cluster"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_linkBanner);
    layout->addWidget(m_staleMarker);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    buildStatusBar();
    buildShortcuts();

    connect(m_controller, &EngineController::snapshotReady, this, &MainWindow::applySnapshot);
    connect(m_controller, &EngineController::reported, this, &MainWindow::report);
    connect(m_controller, &EngineController::linkChanged, this, [this] {
        m_linkBanner->clear();
        clearViews();
        updateActions();
    });
    connect(m_controller, &EngineController::linkStatusChanged, this, &MainWindow::showLinkStatus);
    connect(m_controller, &EngineController::logGap, m_logView, &LogView::noteGap);
    connect(m_controller, &EngineController::nodeLinksChanged, this, &MainWindow::applyNodeLinks);

    resize(1100, 720);
    restoreState();
    fitToScreen();
    // Started elsewhere (main) or by startEngine(): show what is already running.
    if (m_controller->isRunning())
        m_startProblems = m_controller->startProblems();
    updateBanner();
    updateActions();
    showLinkStatus(m_controller->link()->status());
}

MainWindow::~MainWindow() = default;

LogFilterModel *MainWindow::logFilter() const
{
    return m_logView->filter();
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_connect = file->addAction(tr("&Connect to server…"));
    m_connect->setObjectName(QStringLiteral("connectAction"));
    m_connect->setToolTip(tr("Watch an ssehub that runs elsewhere (a service, another machine)"));
    connect(m_connect, &QAction::triggered, this, &MainWindow::openConnectDialog);
    m_useEmbedded = file->addAction(tr("Use the &embedded server"));
    m_useEmbedded->setObjectName(QStringLiteral("useEmbeddedAction"));
    connect(m_useEmbedded, &QAction::triggered, this, &MainWindow::useEmbedded);
    file->addSeparator();
    m_export = file->addAction(tr("&Export connection log…"));
    m_export->setObjectName(QStringLiteral("exportLogAction"));
    m_export->setShortcut(QKeySequence(tr("Ctrl+E")));
    connect(m_export, &QAction::triggered, this, &MainWindow::exportLogInteractively);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("quitAction"));
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *server = menuBar()->addMenu(tr("&Server"));
    m_startStop = server->addAction(tr("Start server"));
    m_startStop->setObjectName(QStringLiteral("startStopAction"));
    connect(m_startStop, &QAction::triggered, this, [this] {
        if (m_controller->isRunning())
            askStop();
        else
            startEngine();
    });
    m_openDemo = server->addAction(tr("Open &demo page in the browser"));
    m_openDemo->setObjectName(QStringLiteral("openDemoAction"));
    connect(m_openDemo, &QAction::triggered, this, &MainWindow::openDemoPage);
    m_publish = server->addAction(tr("&Publish test event…"));
    m_publish->setObjectName(QStringLiteral("publishAction"));
    connect(m_publish, &QAction::triggered, this, &MainWindow::openPublishDialog);
    server->addSeparator();
    m_reload = server->addAction(tr("&Reload access rules"));
    m_reload->setObjectName(QStringLiteral("reloadAccessAction"));
    m_reload->setToolTip(tr("Read the ACL and token secret files again; live subscriptions that "
                            "are no longer allowed are removed"));
    connect(m_reload, &QAction::triggered, this, &MainWindow::reloadAccess);
    m_settings = server->addAction(tr("&Settings…"));
    m_settings->setObjectName(QStringLiteral("settingsAction"));
    connect(m_settings, &QAction::triggered, this, &MainWindow::openSettings);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    connect(help->addAction(tr("&About ssehub")), &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About ssehub"),
                           tr("ssehub %1\nServer-Sent Events hub with a monitoring console.")
                               .arg(QCoreApplication::applicationVersion()));
    });

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_openDemo);
    bar->addAction(m_publish);
    bar->addAction(m_export);
    bar->addAction(m_settings);
    // Stopping ends every stream: last, apart from the everyday actions.
    bar->addSeparator();
    bar->addAction(m_startStop);
}

void MainWindow::buildStatusBar()
{
    m_statusUrl = new QLabel(this);
    m_statusUrl->setObjectName(QStringLiteral("listenUrl"));
    m_statusUrl->setTextFormat(Qt::RichText);
    m_statusUrl->setOpenExternalLinks(true);
    m_statusLink = new QLabel(this);
    m_statusLink->setObjectName(QStringLiteral("linkState"));
    m_statusBroker = new QLabel(this);
    m_statusBroker->setObjectName(QStringLiteral("brokerState"));
    m_statusUptime = new QLabel(this);
    m_statusUptime->setObjectName(QStringLiteral("uptime"));
    m_statusConnections = new QLabel(this);
    m_statusConnections->setObjectName(QStringLiteral("connectionCount"));
    statusBar()->addPermanentWidget(m_statusUrl);
    statusBar()->addPermanentWidget(m_statusLink);
    statusBar()->addPermanentWidget(m_statusBroker);
    statusBar()->addPermanentWidget(m_statusUptime);
    statusBar()->addPermanentWidget(m_statusConnections);
}

// --- Snapshots ------------------------------------------------------------------------------

namespace {

// This instance as a node registry entry (what a cluster's nodes advertise).
QJsonObject thisNode(const ConsoleSnapshot &s, const ThroughputHistory::Sample &now)
{
    return {{QStringLiteral("id"), s.stats.nodeId},
            {QStringLiteral("address"), s.stats.listenUrl},
            {QStringLiteral("started_at"), double(s.stats.startedAt)},
            {QStringLiteral("connections"), s.stats.connections},
            {QStringLiteral("clients"), double(s.clients)},
            {QStringLiteral("events_in_per_s"), now.eventsIn},
            {QStringLiteral("events_out_per_s"), now.eventsOut},
            {QStringLiteral("broker_state"), s.stats.brokerState}};
}

} // namespace

void MainWindow::applySnapshot(const SnapshotPtr &snapshot)
{
    // A snapshot queued before the embedded engine stopped is not shown after it.
    if (!snapshot || (!m_controller->isAttached() && !m_controller->isRunning()))
        return;
    const ConsoleSnapshot &s = *snapshot;
    m_last = snapshot;

    QStringList merged;
    for (const NodeLink &link : m_controller->link()->nodeLinks()) {
        if (link.reach == NodeLink::Reach::Live)
            merged << link.id;
    }
    if (merged != m_mergedNodes) {
        // Totals summed over other nodes now: a rate from that jump would be invented.
        m_mergedNodes = merged;
        m_history.rebase();
    }
    m_connections->applySnapshot(s);
    m_topics->applySnapshot(s);
    m_log->append(s.log);
    const EngineStats &t = s.stats;
    ThroughputHistory::Totals totals;
    totals.timeMs = s.wallMs;
    totals.eventsIn = t.eventsPublished;
    totals.eventsOut = t.eventsDelivered;
    totals.bytesOut = s.bytesOut;
    totals.connections = t.connections;
    totals.clients = s.clients;
    totals.topics = int(s.topics.size());
    totals.queuedBytes = t.queuedBytes;
    totals.slowCloses = t.slowConsumerCloses;
    totals.deadCloses = t.deadCloses;
    totals.kickCloses = t.kickCloses;
    totals.shutdownCloses = t.shutdownCloses;
    totals.authFailures = t.authFailures;
    totals.connectionLimitRejections = t.connectionLimitRejections;
    totals.rateLimitRejections = t.rateLimitRejections;
    totals.badRequests = t.badRequests + t.bodyTooLarge;
    totals.fdLimitRejections = t.fdLimitRejections;
    if (m_history.add(totals))
        m_chart->update(m_history); // once a second: one replace() per series
    // Not a cluster: the Cluster view lists this instance alone, with its embedded broker.
    m_nodes->applyNodes(s.stats.nodes.isEmpty() ? QJsonArray {thisNode(s, m_history.latest())}
                                                : s.stats.nodes,
                        s.wallMs);

    m_clusterView->applySnapshot(s);
    m_topicsView->applySnapshot(s);
    m_healthView->applySnapshot(s);
    m_overview->applySnapshot(s, m_history);
    m_connectGuide->setServer(m_controller->link()->serverName());
    m_connectGuide->setVisible(s.stats.connections == 0);
    updateStatus(s);
    const bool brokerDown = !s.stats.brokerReady;
    if (brokerDown != m_brokerDown) {
        m_brokerDown = brokerDown;
        updateBanner();
    }
    Q_EMIT snapshotApplied();
}

void MainWindow::applyNodeLinks(const QList<NodeLink> &links)
{
    m_nodes->applyLinks(links);
    m_clusterView->applyLinks(links);
    QStringList shown;
    for (const NodeLink &link : links) {
        if (link.reach != NodeLink::Reach::NotOpened)
            shown << link.id;
    }
    if (shown == m_shownNodes)
        return;
    m_shownNodes = shown;
    m_connectionsView->setNodes(shown);
    m_healthView->setNodes(shown);
    m_logView->setNodes(shown);
}

void MainWindow::updateStatus(const ConsoleSnapshot &s)
{
    m_statusBroker->setText(
        s.stats.brokerReady
            ? tr("Broker: %1").arg(EngineText::translate(s.stats.brokerState))
            : tr("Broker: %1 - events refused").arg(EngineText::translate(s.stats.brokerState)));
    m_statusBroker->setStyleSheet(
        s.stats.brokerReady ? QString() : severityStyle(palette(), Severity::Bad, false, true));
    m_statusUptime->setText(tr("Up %1").arg(formatDuration(s.wallMs - s.stats.startedAt)));
    m_statusConnections->setText(tr("%n stream(s)", nullptr, s.stats.connections));
}

// --- Operator actions -----------------------------------------------------------------------

void MainWindow::report(bool ok, const QString &message)
{
    // A failure stays until the next message; a success goes after ten seconds.
    statusBar()->showMessage(message, ok ? 10000 : 0);
}

void MainWindow::openPublishDialog()
{
    openPublishDialogFor(m_topicsView->tailFilterText());
}

void MainWindow::openPublishDialogFor(const QString &topic)
{
    PublishDialog dialog(this);
    if (!topic.contains(QLatin1Char('+')) && !topic.contains(QLatin1Char('#')))
        dialog.setTopic(topic);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_controller->publish(dialog.request());
}

bool MainWindow::openDemoPage()
{
    const QString server = m_controller->link()->serverName();
    if (server.isEmpty())
        return false;
    const QUrl url(server + QLatin1Char('/'));
    if (QDesktopServices::openUrl(url))
        return true;
    // No browser (none installed, no desktop session, a server without a display): the URL to
    // open by hand, selectable.
    auto *box = new QMessageBox(QMessageBox::Information, tr("No browser opened"),
                                tr("No web browser could be opened from here. Open this address "
                                   "in a browser by hand:\n\n%1")
                                    .arg(url.toString()),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("demoPageMessage"));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    report(false, tr("No browser opened; the demo page is at %1").arg(url.toString()));
    return false;
}

void MainWindow::startTail(const QString &filter)
{
    m_topicsView->startTail(filter);
}

void MainWindow::stopTail()
{
    m_topicsView->stopTail();
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_config, this);
    if (dialog.exec() == QDialog::Accepted)
        askRestart([this, config = dialog.config()] { applyConfig(config); });
}

void MainWindow::reloadAccess()
{
    m_controller->reloadAccess();
}

bool MainWindow::exportLog(const QString &path, QString *error)
{
    return writeLogExport(path, logFilter()->visibleEntries(), logFormatForPath(path), error);
}

void MainWindow::exportLogInteractively()
{
    QString selected;
    const QString csv = tr("CSV for spreadsheets (*.csv)");
    const QString jsonl = tr("JSON Lines (*.jsonl)");
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export connection log: %1").arg(m_logView->exportSummary()),
        QDir::home().filePath(
            QStringLiteral("ssehub-log-%1.csv")
                .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")))),
        csv + QStringLiteral(";;") + jsonl, &selected);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += selected == jsonl ? QStringLiteral(".jsonl") : QStringLiteral(".csv");
    QString error;
    if (exportLog(path, &error))
        report(true,
               tr("Exported %n log entry(s) to %1.", nullptr, int(logFilter()->rowCount()))
                   .arg(QDir::toNativeSeparators(path)));
    else
        QMessageBox::warning(this, tr("Export failed"), error);
}

void MainWindow::quitWithoutAsking()
{
    m_quitConfirmed = true;
    m_quitCause = QStringLiteral("signal");
    close();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_controller->isRunning() && !m_controller->isStopping()) {
        // Quit drains like SIGTERM; the window goes once the streams were let go.
        event->ignore();
        if (const int open = openStreams(); open > 0 && !m_quitConfirmed) {
            if (std::exchange(m_askingQuit, true))
                return; // the question is open already
            Confirmation::Request request;
            request.kind = QStringLiteral("quit");
            request.title = tr("Quit");
            request.question = tr("Quit and close %n open stream(s)?", nullptr, open);
            request.detail
                = tr("The embedded server stops with the console. Each stream gets what is "
                     "queued for it, then a shutdown notice with the retry time (at most %1 s); "
                     "its client reconnects once a server listens here again.")
                      .arg(QLocale().toString(double(m_config.drainMs) / 1000, 'g', 3));
            request.acceptText = tr("Quit");
            Confirmation::ask(
                this, request, this,
                [this](const QString &) {
                    m_askingQuit = false;
                    m_quitConfirmed = true;
                    // Queued: a waived question answers at once, inside this closeEvent, where
                    // a nested close() would be ignored.
                    QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection);
                },
                [this] { m_askingQuit = false; });
            return;
        }
        drainEngine(EngineThread::DrainReason::Shutdown, m_quitCause, [this] { close(); });
        return;
    }
    if (m_controller->isStopping())
        m_controller->stopNow(); // asked again while draining: at once
    saveState();
    QMainWindow::closeEvent(event);
}

} // namespace ssehub
