#include "mainwindow.h"

#include "connectionsmodel.h"
#include "consolesettings.h"
#include "format.h"
#include "logmodel.h"
#include "nodesmodel.h"
#include "observe/logexport.h"
#include "publishdialog.h"
#include "settingsdialog.h"
#include "sparkline.h"
#include "throughputchart.h"
#include "topicsmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace ssehub {

namespace {

// sortable: the header sorts (through the proxy); the log stays in its own (time) order, which
// also spares a sort of every batch of thousands of entries.
QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent,
                      bool sortable = true)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSortingEnabled(sortable);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Fixed row heights: no per-row measuring with thousands of rows.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionsMovable(true);
    return view;
}

// Default column widths in average characters (saved widths replace them).
void setColumnWidths(QTableView *view, const QList<int> &chars)
{
    const int unit = view->fontMetrics().averageCharWidth();
    for (int c = 0; c < chars.size(); ++c)
        view->horizontalHeader()->resizeSection(c, chars[c] * unit + 16);
}

} // namespace

MainWindow::MainWindow(EngineThread *engine, const Engine::Config &config, QWidget *parent)
    : QMainWindow(parent)
    , m_engine(engine)
    , m_config(config)
    , m_connections(new ConnectionsModel(this))
    , m_connectionsFilter(new QSortFilterProxyModel(this))
    , m_healthSort(new QSortFilterProxyModel(this))
    , m_log(new LogModel(50000, this))
    , m_logFilter(new LogFilterModel(this))
    , m_topics(new TopicsModel(this))
    , m_nodes(new NodesModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("ssehub console"));
    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/ssehub/icons/ssehub-%1.png").arg(size), QSize(size, size));
    setWindowIcon(icon);

    m_connectionsFilter->setSourceModel(m_connections);
    m_connectionsFilter->setSortRole(ConnectionsModel::SortRole);
    m_connectionsFilter->setFilterKeyColumn(-1);
    m_connectionsFilter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_healthSort->setSourceModel(m_connections);
    m_healthSort->setSortRole(ConnectionsModel::SortRole);
    // Silence changes on every snapshot for every stream: re-sorting 10,000 rows four times a
    // second would keep the GUI thread busy, so the heartbeat view re-sorts every two seconds.
    m_healthSort->setDynamicSortFilter(false);
    auto *resort = new QTimer(this);
    resort->setInterval(2000);
    connect(resort, &QTimer::timeout, this, [this] {
        if (m_healthView->isVisible())
            m_healthSort->sort(m_healthSort->sortColumn(), m_healthSort->sortOrder());
    });
    resort->start();
    m_logFilter->setSourceModel(m_log);

    buildActions();

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("problemBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setStyleSheet(QStringLiteral(
        "background: #fdecea; color: #b00020; border: 1px solid #b00020; padding: 6px"));
    m_banner->hide();

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("views"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildOverview(), tr("Overview"));
    m_tabs->addTab(buildConnections(), tr("Connections"));
    m_tabs->addTab(buildTopics(), tr("Topics"));
    m_tabs->addTab(buildHealth(), tr("Heartbeat"));
    m_chart = new ThroughputChart(this);
    m_chart->setObjectName(QStringLiteral("chartsView"));
    m_tabs->addTab(m_chart, tr("Charts"));
    m_tabs->addTab(buildLog(), tr("Log"));
    m_tabs->addTab(buildCluster(), tr("Cluster"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_statusUrl = new QLabel(this);
    m_statusUrl->setObjectName(QStringLiteral("listenUrl"));
    m_statusUrl->setTextFormat(Qt::RichText);
    m_statusUrl->setOpenExternalLinks(true);
    m_statusBroker = new QLabel(this);
    m_statusBroker->setObjectName(QStringLiteral("brokerState"));
    m_statusUptime = new QLabel(this);
    m_statusUptime->setObjectName(QStringLiteral("uptime"));
    m_statusConnections = new QLabel(this);
    m_statusConnections->setObjectName(QStringLiteral("connectionCount"));
    statusBar()->addPermanentWidget(m_statusUrl);
    statusBar()->addPermanentWidget(m_statusBroker);
    statusBar()->addPermanentWidget(m_statusUptime);
    statusBar()->addPermanentWidget(m_statusConnections);

    connect(m_engine, &EngineThread::snapshotReady, this, &MainWindow::applySnapshot);
    m_engine->setConsoleAttached(true);

    resize(1100, 720);
    restoreState();
    // Started elsewhere (main) or by startEngine(): show what is already running.
    if (m_engine->isRunning()) {
        m_startProblems = m_engine->startProblems();
        updateBanner();
        m_startStop->setText(tr("Stop server"));
        m_statusUrl->setText(
            QStringLiteral("<a href=\"%1/\">%1</a>").arg(m_engine->listenUrl().toHtmlEscaped()));
    }
}

MainWindow::~MainWindow()
{
    // The engine outlives the window (app/ owns it): stop relaying snapshots to nobody.
    m_engine->setConsoleAttached(false);
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_export = file->addAction(tr("&Export connection log…"));
    m_export->setObjectName(QStringLiteral("exportLogAction"));
    m_export->setShortcut(QKeySequence(tr("Ctrl+E")));
    connect(m_export, &QAction::triggered, this, &MainWindow::exportLogInteractively);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *server = menuBar()->addMenu(tr("&Server"));
    m_startStop = server->addAction(tr("Start server"));
    m_startStop->setObjectName(QStringLiteral("startStopAction"));
    connect(m_startStop, &QAction::triggered, this, [this] {
        if (m_engine->isRunning())
            stopEngine();
        else
            startEngine();
    });
    m_openDemo = server->addAction(tr("Open &demo page in the browser"));
    m_openDemo->setObjectName(QStringLiteral("openDemoAction"));
    connect(m_openDemo, &QAction::triggered, this, [this] {
        if (m_engine->isRunning())
            QDesktopServices::openUrl(QUrl(m_engine->listenUrl() + QLatin1Char('/')));
    });
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
    bar->addAction(m_startStop);
    bar->addAction(m_openDemo);
    bar->addAction(m_publish);
    bar->addAction(m_export);
    bar->addAction(m_settings);
}

// --- Views ----------------------------------------------------------------------------------

QWidget *MainWindow::buildOverview()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("overviewView"));
    auto *grid = new QGridLayout(page);
    const QList<QPair<QString, QString>> figures {
        {QStringLiteral("connections"), tr("Open streams")},
        {QStringLiteral("clients"), tr("Clients")},
        {QStringLiteral("topics"), tr("Topics with events")},
        {QStringLiteral("eventsIn"), tr("Events in per second")},
        {QStringLiteral("eventsOut"), tr("Events out per second")},
        {QStringLiteral("bytesOut"), tr("Bytes out per second")},
        {QStringLiteral("slow"), tr("Slow-consumer closes")},
        {QStringLiteral("authFailures"), tr("Authentication failures")},
    };
    for (qsizetype i = 0; i < figures.size(); ++i) {
        auto *box = new QGroupBox(figures[i].second, page);
        auto *inner = new QVBoxLayout(box);
        Figure f;
        f.value = new QLabel(QStringLiteral("0"), box);
        f.value->setObjectName(QStringLiteral("figure.") + figures[i].first);
        QFont big = f.value->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        f.value->setFont(big);
        f.trend = new Sparkline(box);
        inner->addWidget(f.value);
        inner->addWidget(f.trend);
        grid->addWidget(box, int(i / 4), int(i % 4));
        m_figures.insert(figures[i].first, f);
    }
    grid->setRowStretch(2, 1);
    return page;
}

QWidget *MainWindow::buildConnections()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("connectionsPage"));
    auto *layout = new QVBoxLayout(page);
    auto *top = new QHBoxLayout;
    m_connectionsSearch = new QLineEdit(page);
    m_connectionsSearch->setObjectName(QStringLiteral("connectionsSearch"));
    m_connectionsSearch->setPlaceholderText(tr("Filter by client id, address, user agent, topic…"));
    m_connectionsSearch->setClearButtonEnabled(true);
    connect(m_connectionsSearch, &QLineEdit::textChanged, m_connectionsFilter,
            &QSortFilterProxyModel::setFilterFixedString);
    top->addWidget(m_connectionsSearch, 1);
    auto addButton = [&](const QString &text, const QString &name, auto slot) {
        auto *button = new QPushButton(text, page);
        button->setObjectName(name);
        connect(button, &QPushButton::clicked, this, slot);
        top->addWidget(button);
        return button;
    };
    addButton(tr("Disconnect"), QStringLiteral("kickButton"), [this] { kickSelected(); });
    addButton(tr("Pause"), QStringLiteral("pauseButton"), [this] { pauseSelected(true); });
    addButton(tr("Resume"), QStringLiteral("resumeButton"), [this] { pauseSelected(false); });
    addButton(tr("Copy id"), QStringLiteral("copyIdButton"), [this] {
        if (const QString client = selectedClient(); !client.isEmpty())
            QGuiApplication::clipboard()->setText(client);
    });
    layout->addLayout(top);

    m_connectionsView = makeTable(m_connectionsFilter, QStringLiteral("connectionsView"), page);
    m_connectionsView->sortByColumn(ConnectionsModel::Id, Qt::AscendingOrder);
    setColumnWidths(m_connectionsView, {7, 16, 21, 24, 20, 19, 11, 11, 11, 10, 10, 9});
    m_connectionsView->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_connectionsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::selectedChanged);

    auto *detail = new QWidget(page);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detailTitle
        = new QLabel(tr("Select a stream to see its subscriptions and last events."), detail);
    m_detailTitle->setObjectName(QStringLiteral("detailTitle"));
    m_detailSubscriptions = new QTreeWidget(detail);
    m_detailSubscriptions->setObjectName(QStringLiteral("detailSubscriptions"));
    m_detailSubscriptions->setHeaderLabels({tr("Filter"), tr("State"), tr("Expires")});
    m_detailSubscriptions->setRootIsDecorated(false);
    m_detailEvents = new QPlainTextEdit(detail);
    m_detailEvents->setObjectName(QStringLiteral("detailEvents"));
    m_detailEvents->setReadOnly(true);
    auto *detailSplit = new QSplitter(Qt::Horizontal, detail);
    detailSplit->addWidget(m_detailSubscriptions);
    detailSplit->addWidget(m_detailEvents);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(detailSplit, 1);

    m_connectionsSplit = new QSplitter(Qt::Vertical, page);
    m_connectionsSplit->setObjectName(QStringLiteral("connectionsSplit"));
    m_connectionsSplit->addWidget(m_connectionsView);
    m_connectionsSplit->addWidget(detail);
    m_connectionsSplit->setStretchFactor(0, 3);
    m_connectionsSplit->setStretchFactor(1, 1);
    layout->addWidget(m_connectionsSplit, 1);

    m_detailTimer = new QTimer(this);
    m_detailTimer->setInterval(1000);
    connect(m_detailTimer, &QTimer::timeout, this, &MainWindow::refreshDetail);
    return page;
}

QWidget *MainWindow::buildTopics()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("topicsPage"));
    auto *layout = new QVBoxLayout(page);
    m_topicsView = new QTreeView(page);
    m_topicsView->setObjectName(QStringLiteral("topicsView"));
    m_topicsView->setModel(m_topics);
    m_topicsView->setUniformRowHeights(true);
    m_topicsView->setAlternatingRowColors(true);
    m_topicsView->header()->setStretchLastSection(true);
    m_topicsView->header()->resizeSection(TopicsModel::Level, 220);
    // New levels open as they appear (a tree of a few hundred nodes stays readable).
    connect(m_topics, &QAbstractItemModel::rowsInserted, m_topicsView,
            [this](const QModelIndex &parent) {
                if (!parent.isValid() || m_topics->rowCount(parent) < 50)
                    m_topicsView->expand(parent);
            });

    auto *actions = new QHBoxLayout;
    auto *publish = new QPushButton(tr("Publish test event…"), page);
    publish->setObjectName(QStringLiteral("topicsPublish"));
    connect(publish, &QPushButton::clicked, this, &MainWindow::openPublishDialog);
    m_tailFilter = new QLineEdit(page);
    m_tailFilter->setObjectName(QStringLiteral("tailFilter"));
    m_tailFilter->setPlaceholderText(tr("Topic or filter to tail, e.g. sensor/+/data"));
    auto *tail = new QPushButton(tr("Tail"), page);
    tail->setObjectName(QStringLiteral("tailStart"));
    connect(tail, &QPushButton::clicked, this, [this] { startTail(m_tailFilter->text()); });
    connect(m_tailFilter, &QLineEdit::returnPressed, this,
            [this] { startTail(m_tailFilter->text()); });
    auto *stop = new QPushButton(tr("Stop"), page);
    connect(stop, &QPushButton::clicked, this, &MainWindow::stopTail);
    actions->addWidget(publish);
    actions->addSpacing(16);
    actions->addWidget(m_tailFilter, 1);
    actions->addWidget(tail);
    actions->addWidget(stop);
    connect(m_topicsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                const QModelIndex first = current.siblingAtColumn(0);
                m_tailFilter->setText(
                    QString::fromUtf8(first.data(TopicsModel::PathRole).toByteArray()));
            });

    auto *tailBox = new QWidget(page);
    auto *tailLayout = new QVBoxLayout(tailBox);
    tailLayout->setContentsMargins(0, 0, 0, 0);
    auto *tailBar = new QHBoxLayout;
    m_tailState = new QLabel(tr("No live tail."), tailBox);
    m_tailState->setObjectName(QStringLiteral("tailState"));
    m_tailPause = new QToolButton(tailBox);
    m_tailPause->setText(tr("Pause"));
    m_tailPause->setCheckable(true);
    m_tailPause->setObjectName(QStringLiteral("tailPause"));
    auto *clear = new QToolButton(tailBox);
    clear->setText(tr("Clear"));
    auto *copy = new QToolButton(tailBox);
    copy->setText(tr("Copy"));
    tailBar->addWidget(m_tailState, 1);
    tailBar->addWidget(m_tailPause);
    tailBar->addWidget(clear);
    tailBar->addWidget(copy);
    m_tail = new QPlainTextEdit(tailBox);
    m_tail->setObjectName(QStringLiteral("tailText"));
    m_tail->setReadOnly(true);
    m_tail->setMaximumBlockCount(2000);
    m_tail->setLineWrapMode(QPlainTextEdit::NoWrap);
    connect(clear, &QToolButton::clicked, m_tail, &QPlainTextEdit::clear);
    connect(copy, &QToolButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_tail->toPlainText()); });
    tailLayout->addLayout(tailBar);
    tailLayout->addWidget(m_tail, 1);

    m_topicsSplit = new QSplitter(Qt::Vertical, page);
    m_topicsSplit->setObjectName(QStringLiteral("topicsSplit"));
    m_topicsSplit->addWidget(m_topicsView);
    m_topicsSplit->addWidget(tailBox);
    m_topicsSplit->setStretchFactor(0, 2);
    m_topicsSplit->setStretchFactor(1, 1);
    layout->addLayout(actions);
    layout->addWidget(m_topicsSplit, 1);
    return page;
}

QWidget *MainWindow::buildHealth()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("healthPage"));
    auto *layout = new QVBoxLayout(page);
    m_healthSummary = new QLabel(page);
    m_healthSummary->setObjectName(QStringLiteral("healthSummary"));
    m_healthSummary->setTextFormat(Qt::RichText);
    layout->addWidget(m_healthSummary);
    m_healthView = makeTable(m_healthSort, QStringLiteral("healthView"), page);
    for (int c = 0; c < ConnectionsModel::ColumnCount; ++c) {
        const bool shown = c == ConnectionsModel::Id || c == ConnectionsModel::Client
            || c == ConnectionsModel::Remote || c == ConnectionsModel::LastWrite
            || c == ConnectionsModel::Health || c == ConnectionsModel::Queued
            || c == ConnectionsModel::State;
        m_healthView->setColumnHidden(c, !shown);
    }
    setColumnWidths(m_healthView, {7, 16, 21, 24, 20, 19, 11, 11, 11, 10, 10, 9});
    m_healthView->sortByColumn(ConnectionsModel::LastWrite, Qt::DescendingOrder);
    auto *split = new QSplitter(Qt::Horizontal, page);
    split->addWidget(m_healthView);
    auto *reapedBox = new QGroupBox(tr("Reaped by the engine (dead)"), page);
    auto *reapedLayout = new QVBoxLayout(reapedBox);
    m_reaped = new QListWidget(reapedBox);
    m_reaped->setObjectName(QStringLiteral("reapedList"));
    reapedLayout->addWidget(m_reaped);
    split->addWidget(reapedBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    auto *legend = new QLabel(
        tr("A stream is late (amber) after 1.5 heartbeat intervals without a successful write "
           "or ping, and stalled (red) after three: its peer is gone or reads slowly. The "
           "engine closes a stream as dead when its peer stops acknowledging altogether. Bytes "
           "queued turn amber at a quarter of the queue limit and red at three quarters: a "
           "peer that acknowledges but reads slowly is closed as a slow consumer when its queue "
           "passes the limit."),
        page);
    legend->setWordWrap(true);
    layout->addWidget(legend);
    return page;
}

QWidget *MainWindow::buildLog()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("logPage"));
    auto *layout = new QVBoxLayout(page);
    auto *top = new QHBoxLayout;
    m_logKind = new QComboBox(page);
    m_logKind->setObjectName(QStringLiteral("logKind"));
    m_logKind->addItem(tr("All kinds"), -1);
    for (int k = 0; k < LogEntry::KindCount; ++k)
        m_logKind->addItem(LogModel::kindTitle(LogEntry::Kind(k)), k);
    m_logClient = new QLineEdit(page);
    m_logClient->setObjectName(QStringLiteral("logClient"));
    m_logClient->setPlaceholderText(tr("Client id contains…"));
    m_logClient->setClearButtonEnabled(true);
    m_logSince = new QComboBox(page);
    m_logSince->setObjectName(QStringLiteral("logSince"));
    m_logSince->addItem(tr("Any time"), 0);
    m_logSince->addItem(tr("Last 5 minutes"), 5 * 60);
    m_logSince->addItem(tr("Last 15 minutes"), 15 * 60);
    m_logSince->addItem(tr("Last hour"), 3600);
    m_logSince->addItem(tr("Last 24 hours"), 24 * 3600);
    auto *exportButton = new QPushButton(tr("Export…"), page);
    connect(exportButton, &QPushButton::clicked, this, &MainWindow::exportLogInteractively);
    top->addWidget(new QLabel(tr("Kind:"), page));
    top->addWidget(m_logKind);
    top->addWidget(m_logClient, 1);
    top->addWidget(m_logSince);
    top->addWidget(exportButton);
    layout->addLayout(top);
    m_logView = makeTable(m_logFilter, QStringLiteral("logView"), page, false);
    setColumnWidths(m_logView, {23, 13, 7, 16, 21, 18});
    // Follows new entries while scrolled to the end.
    connect(m_logFilter, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar *bar = m_logView->verticalScrollBar();
        m_logFollow = bar->value() >= bar->maximum();
    });
    connect(m_logFilter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_logFollow)
            QTimer::singleShot(0, m_logView, &QTableView::scrollToBottom);
    });
    layout->addWidget(m_logView, 1);
    connect(m_logKind, &QComboBox::currentIndexChanged, this, &MainWindow::applyLogFilter);
    connect(m_logClient, &QLineEdit::textChanged, this, &MainWindow::applyLogFilter);
    connect(m_logSince, &QComboBox::currentIndexChanged, this, &MainWindow::applyLogFilter);
    return page;
}

QWidget *MainWindow::buildCluster()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("clusterPage"));
    auto *layout = new QVBoxLayout(page);
    m_clusterNote = new QLabel(page);
    m_clusterNote->setObjectName(QStringLiteral("clusterNote"));
    m_clusterNote->setWordWrap(true);
    layout->addWidget(m_clusterNote);
    m_nodesView = makeTable(m_nodes, QStringLiteral("nodesView"), page);
    setColumnWidths(m_nodesView, {24, 28, 14, 10, 10, 10, 10});
    layout->addWidget(m_nodesView, 1);
    return page;
}

// --- Engine ---------------------------------------------------------------------------------

bool MainWindow::startEngine()
{
    QString error;
    if (!m_engine->isRunning() && !m_engine->start(m_config, &error)) {
        m_engineError = tr("The server did not start: %1. Change the settings (Server > "
                           "Settings) and start it again.")
                            .arg(error);
        updateBanner();
        m_startStop->setText(tr("Start server"));
        statusBar()->showMessage(tr("Server stopped"));
        Q_EMIT engineStarted(false);
        return false;
    }
    m_engineError.clear();
    m_startProblems = m_engine->startProblems();
    updateBanner();
    m_startStop->setText(tr("Stop server"));
    m_statusUrl->setText(
        QStringLiteral("<a href=\"%1/\">%1</a>").arg(m_engine->listenUrl().toHtmlEscaped()));
    statusBar()->showMessage(tr("Listening on %1").arg(m_engine->listenUrl()), 5000);
    Q_EMIT engineStarted(true);
    return true;
}

void MainWindow::stopEngine()
{
    drainEngine(CloseReason::Shutdown, [this] {
        statusBar()->showMessage(tr("Server stopped; every stream was closed."));
    });
}

void MainWindow::drainEngine(CloseReason reason, std::function<void()> then)
{
    if (!m_engine->isRunning()) {
        if (then)
            then();
        return;
    }
    if (then)
        m_afterStop.append(std::move(then));
    if (m_engine->isStopping())
        return;
    const int open = m_last ? m_last->stats.connections : 0;
    m_startStop->setEnabled(false);
    m_startStop->setText(tr("Stopping…"));
    statusBar()->showMessage(
        tr("Stopping: %n stream(s) get what is queued for them and a shutdown notice (at most "
           "%1 s)…",
           nullptr, open)
            .arg(QLocale().toString(double(m_config.drainMs) / 1000, 'g', 3)));
    QPointer<MainWindow> self(this);
    m_engine->drainAndStop(reason, QStringLiteral("console"), [self] {
        if (!self)
            return;
        self->showStopped();
        const QList<std::function<void()>> pending = std::exchange(self->m_afterStop, {});
        for (const auto &fn : pending)
            fn();
    });
}

void MainWindow::showStopped()
{
    m_last.reset();
    m_connections->clear();
    m_topics->clear();
    m_nodes->applyNodes({}, QDateTime::currentMSecsSinceEpoch());
    m_startStop->setEnabled(true);
    m_startStop->setText(tr("Start server"));
    m_statusUrl->setText(tr("stopped"));
    m_statusConnections->clear();
    m_statusUptime->clear();
    m_statusBroker->clear();
    Q_EMIT engineStopped();
}

bool MainWindow::applyConfig(const Engine::Config &config)
{
    m_config = config;
    ConsoleSettings::save(config);
    if (!m_engine->isRunning())
        return startEngine();
    const int open = m_last ? m_last->stats.connections : 0;
    drainEngine(CloseReason::Restart, [this, open] {
        if (!startEngine())
            return;
        statusBar()->showMessage(
            tr("Engine restarted with the new settings on %1; %n stream(s) were closed and "
               "reconnect.",
               nullptr, open)
                .arg(m_engine->listenUrl()),
            15000);
    });
    return true;
}

void MainWindow::setStartProblems(const QStringList &problems)
{
    m_startProblems = problems;
    updateBanner();
}

void MainWindow::updateBanner()
{
    QStringList lines;
    if (!m_engineError.isEmpty())
        lines << m_engineError;
    lines << m_startProblems;
    if (m_brokerDown && m_last)
        lines << tr("Redis is unreachable (%1): publishes are refused with 503 and streams wait "
                    "until it is back. Check that redis-server runs at %2.")
                     .arg(m_last->stats.brokerState, m_config.redisUrl);
    m_banner->setText(lines.join(QLatin1Char('\n')));
    m_banner->setVisible(!lines.isEmpty());
}

// --- Snapshots ------------------------------------------------------------------------------

void MainWindow::applySnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot || !m_engine->isRunning())
        return;
    const ConsoleSnapshot &s = *snapshot;
    m_last = snapshot;

    m_connections->applySnapshot(s);
    m_topics->applySnapshot(s);
    m_log->append(s.log);
    for (const LogEntry &e : s.log) {
        if (e.kind == LogEntry::Kind::Disconnect && e.reason == QLatin1String("dead")) {
            m_reaped->insertItem(
                0,
                tr("%1  stream %2  %3  %4")
                    .arg(
                        QDateTime::fromMSecsSinceEpoch(e.time).toString(QStringLiteral("HH:mm:ss")),
                        QString::number(e.connectionId), e.clientId, e.remoteAddress));
            while (m_reaped->count() > 200)
                delete m_reaped->takeItem(m_reaped->count() - 1);
        }
    }
    if (m_history.add({s.wallMs, s.stats.eventsPublished, s.stats.eventsDelivered, s.bytesOut,
                       s.stats.connections, s.clients, int(s.topics.size()),
                       s.stats.slowConsumerCloses, s.stats.authFailures}))
        m_chart->update(m_history); // once a second: one replace() per series
    m_nodes->applyNodes(s.stats.nodes, s.wallMs);
    m_clusterNote->setText(
        s.stats.nodes.isEmpty()
            ? tr("Cluster mode is off: this instance uses the embedded broker. Set a Redis URL "
                 "in Settings (or start with --redis) to share events with other instances.")
            : tr("%n instance(s) registered in Redis.", nullptr, int(s.stats.nodes.size())));

    if (!s.tail.isEmpty() && !m_tailPause->isChecked()) {
        QString lines;
        for (const EventPtr &e : s.tail) {
            lines += QDateTime::fromMSecsSinceEpoch(e->timestamp)
                         .toString(QStringLiteral("HH:mm:ss.zzz"))
                + QLatin1Char(' ') + QString::fromUtf8(e->topic)
                + (e->type.isEmpty()
                       ? QString()
                       : QLatin1String(" [") + QString::fromUtf8(e->type) + QLatin1Char(']'))
                + QLatin1Char(' ') + QString::fromUtf8(e->payload.left(2000)) + QLatin1Char('\n');
        }
        lines.chop(1);
        m_tail->appendPlainText(lines);
    }
    if (s.tailDropped > 0 && !m_tailPause->isChecked())
        m_tail->appendPlainText(tr("… %n event(s) not shown (more than the tail keeps per update)",
                                   nullptr, int(s.tailDropped)));

    const int healthy = m_connections->count(ConnectionsModel::HealthState::Healthy);
    const int late = m_connections->count(ConnectionsModel::HealthState::Late);
    const int dead = m_connections->count(ConnectionsModel::HealthState::Dead);
    m_healthSummary->setText(
        tr("<b>%1</b> healthy · <span style='color:#b26a00'><b>%2</b> late</span> · "
           "<span style='color:#b00020'><b>%3</b> stalled</span> · %4 reaped as dead since start · "
           "heartbeat every %5")
            .arg(healthy)
            .arg(late)
            .arg(dead)
            .arg(s.stats.deadCloses)
            .arg(formatAgo(s.heartbeatMs)));

    updateOverview(s);
    updateStatus(s);
    const bool brokerDown = !s.stats.brokerReady;
    if (brokerDown != m_brokerDown) {
        m_brokerDown = brokerDown;
        updateBanner();
    }
    Q_EMIT snapshotApplied();
}

void MainWindow::updateOverview(const ConsoleSnapshot &s)
{
    const ThroughputHistory::Sample now = m_history.latest();
    auto setFigure = [this](const QString &name, const QString &text) {
        m_figures[name].value->setText(text);
    };
    setFigure(QStringLiteral("connections"), formatCount(quint64(s.stats.connections)));
    setFigure(QStringLiteral("clients"), formatCount(quint64(s.clients)));
    setFigure(QStringLiteral("topics"), formatCount(quint64(s.topics.size())));
    setFigure(QStringLiteral("eventsIn"), formatRate(now.eventsIn));
    setFigure(QStringLiteral("eventsOut"), formatRate(now.eventsOut));
    setFigure(QStringLiteral("bytesOut"), formatBytes(quint64(now.bytesOut)) + tr("/s"));
    setFigure(QStringLiteral("slow"), formatCount(s.stats.slowConsumerCloses));
    setFigure(QStringLiteral("authFailures"), formatCount(s.stats.authFailures));
    // Trends: the last minute of samples (rates for the counters).
    using Sample = ThroughputHistory::Sample;
    const std::pair<const char *, double Sample::*> trends[]
        = {{"connections", &Sample::connections}, {"clients", &Sample::clients},
           {"topics", &Sample::topics},           {"eventsIn", &Sample::eventsIn},
           {"eventsOut", &Sample::eventsOut},     {"bytesOut", &Sample::bytesOut},
           {"slow", &Sample::slowCloses},         {"authFailures", &Sample::authFailures}};
    const auto &fine = m_history.fine();
    for (const auto &[name, field] : trends) {
        QList<double> values;
        for (size_t i = fine.size() > 60 ? fine.size() - 60 : 0; i < fine.size(); ++i)
            values << fine[i].*field;
        m_figures[QLatin1String(name)].trend->setValues(values);
    }
}

void MainWindow::updateStatus(const ConsoleSnapshot &s)
{
    m_statusBroker->setText(s.stats.brokerReady
                                ? tr("Broker: %1").arg(s.stats.brokerState)
                                : tr("Broker: %1 - events refused").arg(s.stats.brokerState));
    m_statusBroker->setStyleSheet(
        s.stats.brokerReady ? QString() : QStringLiteral("color: #b00020; font-weight: bold"));
    m_statusUptime->setText(tr("Up %1").arg(formatDuration(s.wallMs - s.stats.startedAt)));
    m_statusConnections->setText(tr("%n stream(s)", nullptr, s.stats.connections));
}

// --- Operator actions -----------------------------------------------------------------------

quint64 MainWindow::selectedConnection() const
{
    const QModelIndex current = m_connectionsView->currentIndex();
    return current.isValid() ? current.data(ConnectionsModel::IdRole).toULongLong() : 0;
}

QString MainWindow::selectedClient() const
{
    const QModelIndex current = m_connectionsView->currentIndex();
    return current.isValid() ? current.data(ConnectionsModel::ClientRole).toString() : QString();
}

void MainWindow::report(bool ok, const QString &message)
{
    // A failure stays until the next message; a success goes after ten seconds.
    statusBar()->showMessage(message, ok ? 10000 : 0);
}

void MainWindow::kickSelected()
{
    const quint64 id = selectedConnection();
    if (!id)
        return;
    m_engine->request<bool>([id](Engine *e) { return e->hub() && e->hub()->kick(id); }, this,
                            [this, id](bool kicked) {
                                report(kicked,
                                       kicked ? tr("Stream %1 disconnected.").arg(id)
                                              : tr("Stream %1 had already ended.").arg(id));
                            });
}

void MainWindow::pauseSelected(bool pause)
{
    const QString client = selectedClient();
    if (client.isEmpty())
        return;
    m_engine->request<HubResult<void>>(
        [client, pause](Engine *e) { return e->setClientPaused(client, pause); }, this,
        [this, client, pause](const HubResult<void> &answer) {
            const bool ok = answer.ok();
            report(ok,
                   ok ? (pause ? tr("Subscriptions of %1 paused.").arg(client)
                               : tr("Subscriptions of %1 resumed.").arg(client))
                      : tr("%1: %2").arg(client, answer.failure().message));
        });
}

void MainWindow::selectedChanged()
{
    refreshDetail();
    if (selectedConnection())
        m_detailTimer->start();
    else
        m_detailTimer->stop();
}

void MainWindow::refreshDetail()
{
    const quint64 id = selectedConnection();
    if (!id || !m_engine->isRunning())
        return;
    m_engine->request<StreamDetail>(
        [id](Engine *e) { return e->streamDetail(id); }, this,
        [this](const StreamDetail &d) {
            if (d.id != selectedConnection())
                return;
            if (!d.found) {
                m_detailTitle->setText(tr("Stream %1 has ended.").arg(d.id));
                return;
            }
            m_detailTitle->setText(tr("Stream %1 of client %2").arg(d.id).arg(d.clientId));
            m_detailSubscriptions->clear();
            for (const Subscription &s : d.subscriptions) {
                auto *item = new QTreeWidgetItem(m_detailSubscriptions);
                item->setText(0, QString::fromUtf8(s.filter.text()));
                item->setText(1, Subscription::stateName(s.state));
                item->setText(
                    2,
                    s.expiresAt ? QDateTime::fromMSecsSinceEpoch(s.expiresAt).toString(Qt::ISODate)
                                : tr("never"));
            }
            QStringList lines;
            for (const EventPtr &e : d.recentEvents)
                lines << QStringLiteral("%1  %2  %3  %4")
                             .arg(QString::fromLatin1(e->idText()), QString::fromUtf8(e->topic),
                                  QString::fromUtf8(e->type),
                                  QString::fromUtf8(e->payload.left(300)));
            if (lines.isEmpty())
                lines << tr("No recent events for this stream.");
            m_detailEvents->setPlainText(lines.join(QLatin1Char('\n')));
        });
}

void MainWindow::openPublishDialog()
{
    PublishDialog dialog(this);
    const QString path = m_tailFilter->text();
    if (!path.contains(QLatin1Char('+')) && !path.contains(QLatin1Char('#')))
        dialog.setTopic(path);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const PublishRequest request = dialog.request();
    QPointer<MainWindow> self(this);
    m_engine->post([request, self](Engine *e) {
        e->publish(request, [self](const PublishResult &result) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, result] {
                    if (!self)
                        return;
                    self->report(result.ok(),
                                 result.ok() ? tr("Published event %1 to %n stream(s).", nullptr,
                                                  result->delivered)
                                                   .arg(QString::fromLatin1(
                                                       formatEventId(result->id)))
                                             : tr("Not published: %1")
                                                   .arg(result.failure().message));
                },
                Qt::QueuedConnection);
        });
    });
}

void MainWindow::startTail(const QString &filter)
{
    const QByteArray text = filter.trimmed().toUtf8();
    if (text.isEmpty())
        return;
    m_engine->request<QString>([text](Engine *e) { return e->setTail(text); }, this,
                               [this, filter](const QString &error) {
                                   m_tailState->setText(error.isEmpty()
                                                            ? tr("Tailing %1").arg(filter)
                                                            : tr("Cannot tail: %1").arg(error));
                                   report(error.isEmpty(), m_tailState->text());
                               });
}

void MainWindow::stopTail()
{
    m_engine->post([](Engine *e) { e->setTail({}); });
    m_tailState->setText(tr("No live tail."));
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_config, this);
    if (dialog.exec() == QDialog::Accepted)
        applyConfig(dialog.config());
}

void MainWindow::reloadAccess()
{
    m_engine->request<QPair<bool, QString>>(
        [](Engine *e) {
            bool ok = false;
            const QString message = e->reloadAccess(&ok);
            return qMakePair(ok, message);
        },
        this,
        [this](const QPair<bool, QString> &result) {
            report(result.first,
                   result.first ? result.second : tr("Reload failed: %1").arg(result.second));
        });
}

void MainWindow::applyLogFilter()
{
    QSet<LogEntry::Kind> kinds;
    if (const int kind = m_logKind->currentData().toInt(); kind >= 0)
        kinds.insert(LogEntry::Kind(kind));
    m_logFilter->setKinds(kinds);
    m_logFilter->setClientText(m_logClient->text());
    const int seconds = m_logSince->currentData().toInt();
    m_logFilter->setSince(seconds > 0 ? QDateTime::currentMSecsSinceEpoch() - seconds * 1000LL : 0);
}

bool MainWindow::exportLog(const QString &path, QString *error)
{
    return writeLogExport(path, m_logFilter->visibleEntries(), logFormatForPath(path), error);
}

void MainWindow::exportLogInteractively()
{
    QString selected;
    const QString csv = tr("CSV for spreadsheets (*.csv)");
    const QString jsonl = tr("JSON Lines (*.jsonl)");
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export connection log"),
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
               tr("Exported %n log entry(s) to %1.", nullptr, int(m_logFilter->rowCount()))
                   .arg(QDir::toNativeSeparators(path)));
    else
        QMessageBox::warning(this, tr("Export failed"), error);
}

QStringList MainWindow::saveViewImages(const QString &dir)
{
    QStringList saved;
    const int current = m_tabs->currentIndex();
    const QStringList names {QStringLiteral("overview"), QStringLiteral("connections"),
                             QStringLiteral("topics"),   QStringLiteral("heartbeat"),
                             QStringLiteral("charts"),   QStringLiteral("log"),
                             QStringLiteral("cluster")};
    for (int i = 0; i < m_tabs->count() && i < names.size(); ++i) {
        m_tabs->setCurrentIndex(i);
        QApplication::processEvents();
        const QString path = QDir(dir).filePath(names[i] + QStringLiteral(".png"));
        if (grab().save(path))
            saved << path;
    }
    m_tabs->setCurrentIndex(current);
    return saved;
}

// --- State ----------------------------------------------------------------------------------

void MainWindow::restoreState()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    if (settings.contains(QStringLiteral("geometry")))
        restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    QMainWindow::restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("tab"), 0).toInt());
    m_connectionsView->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("connectionsHeader")).toByteArray());
    m_healthView->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("healthHeader")).toByteArray());
    m_logView->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("logHeader")).toByteArray());
    m_topicsView->header()->restoreState(
        settings.value(QStringLiteral("topicsHeader")).toByteArray());
    if (settings.contains(QStringLiteral("connectionsSplit")))
        m_connectionsSplit->restoreState(
            settings.value(QStringLiteral("connectionsSplit")).toByteArray());
    else
        m_connectionsSplit->setSizes({480, 180});
    if (settings.contains(QStringLiteral("topicsSplit")))
        m_topicsSplit->restoreState(settings.value(QStringLiteral("topicsSplit")).toByteArray());
    else
        m_topicsSplit->setSizes({420, 220});
}

void MainWindow::saveState() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), QMainWindow::saveState());
    settings.setValue(QStringLiteral("tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("connectionsHeader"),
                      m_connectionsView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("healthHeader"),
                      m_healthView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("logHeader"), m_logView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("topicsHeader"), m_topicsView->header()->saveState());
    settings.setValue(QStringLiteral("connectionsSplit"), m_connectionsSplit->saveState());
    settings.setValue(QStringLiteral("topicsSplit"), m_topicsSplit->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_engine->isRunning() && !m_engine->isStopping()) {
        // Quit drains like SIGTERM; the window goes once the streams were let go.
        event->ignore();
        drainEngine(CloseReason::Shutdown, [this] { close(); });
        return;
    }
    if (m_engine->isStopping())
        m_engine->stop(); // asked again while draining: at once
    saveState();
    QMainWindow::closeEvent(event);
}

} // namespace ssehub
