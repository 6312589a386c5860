// The console's tables against a real engine (offscreen): every key column within the default
// window, headers never clipped (English, Chinese, and again at QT_SCALE_FACTOR=2 through a
// second CTest run), the column chooser saved with the window, "n of N shown", tooltips on
// truncated cells, natural sort; the Heartbeat view with real silent peers; the Log view's
// kinds, search, rolling range and what its export says.
#include "consolefixture.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "format.h"
#include "httpclient.h"
#include "hub/hub.h"
#include "models/clientsmodel.h"
#include "models/logmodel.h"
#include "sseclient.h"
#include "views/logview.h"
#include "widgets/tables.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QFileDialog>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolTip>
#include <QTranslator>
#include <QScrollBar>

using namespace ssehub;
using namespace ssehub::test;

namespace {

QTableView *table(MainWindow *window, const char *name)
{
    return window->findChild<QTableView *>(QLatin1String(name));
}

void showTab(MainWindow *window, QWidget *page)
{
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("views"));
    tabs->setCurrentWidget(page);
    QApplication::processEvents();
}

// Every shown column of a table lies within its viewport and is at least as wide as its
// header wants (the header text is not elided); a message names the first that is not.
QString layoutProblem(QTableView *view)
{
    QHeaderView *header = view->horizontalHeader();
    const int width = view->viewport()->width();
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c))
            continue;
        const QString name = view->model()->headerData(c, Qt::Horizontal).toString();
        const int left = header->sectionViewportPosition(c);
        const int size = header->sectionSize(c);
        if (left < 0 || left + size > width)
            return QStringLiteral("%1: column '%2' at %3..%4 is outside the viewport (width %5)")
                .arg(view->objectName(), name)
                .arg(left)
                .arg(left + size)
                .arg(width);
        if (size < header->sectionSizeHint(c))
            return QStringLiteral("%1: column '%2' is %3 wide, its header needs %4")
                .arg(view->objectName(), name)
                .arg(size)
                .arg(header->sectionSizeHint(c));
    }
    return {};
}

QList<QByteArray> someClients(int n)
{
    QList<QByteArray> out;
    for (int i = 0; i < n; ++i)
        out << "device-" + QByteArray::number(i);
    return out;
}

LogEntry logEntry(LogEntry::Kind kind, const QString &client, qint64 time)
{
    LogEntry e;
    e.kind = kind;
    e.clientId = client;
    e.time = time;
    e.connectionId = 7;
    e.remoteAddress = QStringLiteral("127.0.0.1:5000");
    return e;
}

} // namespace

class TestConsoleTables : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { QSettings().clear(); }
    void keyColumnsFitTheDefaultWindow();
    void keyColumnsFitInChinese();
    void stretchColumnsKeepAFloorOnANarrowWindow();
    void columnChooserHidesAndIsRestored();
    void shownCountAndNaturalSort();
    void tooltipOnATruncatedCell();
    void heartbeatResortsOnEverySnapshot();
    void onlyLateFilterWithARealSilentPeer();
    void logKindsSearchAndRollingRange();
    void logRangeRollsWithItsClock();
    void exportDialogSaysWhenFiltered();

private:
    void checkLayout(const QString &shots);
};

void TestConsoleTables::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consoletables"));
}

// The default window with streams in every table: every column within the view, no header
// clipped. SSEHUB_TABLES_SHOTS=dir saves a picture of each view (to look at).
void TestConsoleTables::checkLayout(const QString &shots)
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QCOMPARE(c.window->size(), QSize(1100, 720));
    QList<std::shared_ptr<SseClient>> clients;
    for (const QByteArray &id : someClients(40)) {
        clients << std::make_shared<SseClient>();
        clients.last()->open(
            c.port(), clientPath(id, "sensors/+/temperature"),
            {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120"}});
    }
    QTRY_COMPARE(c.model()->rowCount(), 40);
    QTRY_VERIFY(c.window->logModel()->rowCount() >= 40);
    const char *const names[] = {"connectionsView", "healthView", "logView", "nodesView"};
    for (const char *name : names) {
        QTableView *view = table(c.window.get(), name);
        QVERIFY2(view, name);
        QWidget *page = view;
        while (page->parentWidget() && !page->parentWidget()->inherits("QStackedWidget"))
            page = page->parentWidget();
        showTab(c.window.get(), page);
        QTRY_VERIFY(view->isVisible());
        const QString problem = layoutProblem(view);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        if (!shots.isEmpty())
            c.window->grab().save(
                QDir(shots).filePath(QLatin1String(name) + QStringLiteral(".png")));
    }
    // The key columns by name, as the issue put it: State, Last write, Heartbeat.
    QTableView *connections = table(c.window.get(), "connectionsView");
    for (int column :
         {ConnectionsModel::State, ConnectionsModel::LastWrite, ConnectionsModel::Health}) {
        QVERIFY(!connections->isColumnHidden(column));
        QVERIFY(connections->horizontalHeader()->sectionViewportPosition(column)
                    + connections->horizontalHeader()->sectionSize(column)
                <= connections->viewport()->width());
    }
    // The long text gets what is left.
    QVERIFY(connections->horizontalHeader()->sectionSize(ConnectionsModel::UserAgent)
            > connections->horizontalHeader()->sectionSize(ConnectionsModel::State));
}

void TestConsoleTables::keyColumnsFitTheDefaultWindow()
{
    QString shots = qEnvironmentVariable("SSEHUB_TABLES_SHOTS");
    if (!shots.isEmpty()) {
        shots += QStringLiteral("/en");
        QDir().mkpath(shots);
    }
    checkLayout(shots);
}

void TestConsoleTables::keyColumnsFitInChinese()
{
    QTranslator chinese;
    QVERIFY(chinese.load(QLocale(QStringLiteral("zh_CN")), QStringLiteral("ssehub"),
                         QStringLiteral("_"), QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&chinese);
    QString shots = qEnvironmentVariable("SSEHUB_TABLES_SHOTS");
    if (!shots.isEmpty()) {
        shots += QStringLiteral("/zh_CN");
        QDir().mkpath(shots);
    }
    checkLayout(shots);
    {
        // The headers are Chinese indeed.
        EngineThread engine;
        MainWindow window(&engine, EngineConfig());
        QCOMPARE(window.connectionsModel()
                     ->headerData(ConnectionsModel::Client, Qt::Horizontal)
                     .toString(),
                 QStringLiteral("客户端 ID"));
        QCOMPARE(window.findChild<ShownCount *>(QStringLiteral("connectionsShown"))->text(),
                 QStringLiteral("显示 0 / 0"));
    }
    QCoreApplication::removeTranslator(&chinese);
}

// A narrow window (or a large scale factor): the columns that share the spare width (a client's
// addresses, its subscriptions) keep a readable width and the table scrolls sideways; they are
// not squeezed to "…". Wide again, they stretch to fill the view.
void TestConsoleTables::stretchColumnsKeepAFloorOnANarrowWindow()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QTableView *view = table(c.window.get(), "clientsView");
    QVERIFY(view);
    QWidget *page = view;
    while (page->parentWidget() && !page->parentWidget()->inherits("QStackedWidget"))
        page = page->parentWidget();
    showTab(c.window.get(), page);
    QTRY_VERIFY(view->isVisible());
    QHeaderView *header = view->horizontalHeader();
    const int floor = 12 * view->fontMetrics().averageCharWidth() + 16;
    const int columns[] = {ClientsModel::Addresses, ClientsModel::Subscriptions};

    c.window->resize(560, 600);
    QTRY_COMPARE(header->sectionResizeMode(ClientsModel::Addresses), QHeaderView::Interactive);
    for (int column : columns)
        QVERIFY2(header->sectionSize(column) >= floor,
                 qPrintable(QStringLiteral("column %1 is %2 px, under %3")
                                .arg(column)
                                .arg(header->sectionSize(column))
                                .arg(floor)));
    QTRY_VERIFY(view->horizontalScrollBar()->maximum() > 0);

    c.window->resize(1600, 720);
    QTRY_COMPARE(header->sectionResizeMode(ClientsModel::Addresses), QHeaderView::Stretch);
    int right = 0;
    for (int col = 0; col < header->count(); ++col) {
        if (!header->isSectionHidden(col))
            right = qMax(right, header->sectionViewportPosition(col) + header->sectionSize(col));
    }
    QCOMPARE(right, view->viewport()->width());
}

void TestConsoleTables::columnChooserHidesAndIsRestored()
{
    {
        Console c;
        QVERIFY(c.start(baseConfig()));
        QTableView *view = table(c.window.get(), "connectionsView");
        QVERIFY(!view->isColumnHidden(ConnectionsModel::Bytes));
        // The header's context menu: a checked action per column, the operator unchecks one.
        QHeaderView *header = view->horizontalHeader();
        const QPoint at(header->sectionViewportPosition(ConnectionsModel::Client) + 5, 5);
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, header->mapToGlobal(at));
        QApplication::sendEvent(header->viewport(), &event);
        QMenu *menu = nullptr;
        QTRY_VERIFY((menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())));
        QCOMPARE(menu->objectName(), QStringLiteral("columnMenu"));
        QStringList titles;
        for (QAction *action : menu->actions())
            titles << action->text();
        QVERIFY2(titles.contains(QStringLiteral("Sent")), qPrintable(titles.join(u',')));
        QVERIFY2(!titles.contains(QStringLiteral("Node")), "the node column is the view's");
        auto *bytes
            = menu->findChild<QAction *>(QStringLiteral("column%1").arg(ConnectionsModel::Bytes));
        QVERIFY(bytes && bytes->isChecked());
        bytes->trigger();
        menu->close();
        QVERIFY(view->isColumnHidden(ConnectionsModel::Bytes));
        // The same in the Heartbeat table: a column it hides by default is shown.
        QTableView *health = table(c.window.get(), "healthView");
        QVERIFY(health->isColumnHidden(ConnectionsModel::UserAgent));
        std::unique_ptr<QMenu> healthMenu(columnMenu(health, nullptr));
        healthMenu
            ->findChild<QAction *>(QStringLiteral("column%1").arg(ConnectionsModel::UserAgent))
            ->trigger();
        QVERIFY(!health->isColumnHidden(ConnectionsModel::UserAgent));
        QVERIFY(health->horizontalHeader()->sectionSize(ConnectionsModel::UserAgent) > 0);
        c.window->close(); // drains, then saves the window's state
        QTRY_VERIFY(!c.window->isVisible());
    }
    Console again;
    QVERIFY(again.start(baseConfig()));
    QTableView *view = table(again.window.get(), "connectionsView");
    QVERIFY(view->isColumnHidden(ConnectionsModel::Bytes));
    QVERIFY(!table(again.window.get(), "healthView")->isColumnHidden(ConnectionsModel::UserAgent));
    // Shown again from the chooser, with a usable width; the last shown column cannot go.
    std::unique_ptr<QMenu> menu(columnMenu(view, nullptr));
    auto *bytes
        = menu->findChild<QAction *>(QStringLiteral("column%1").arg(ConnectionsModel::Bytes));
    QVERIFY(!bytes->isChecked());
    bytes->trigger();
    QVERIFY(!view->isColumnHidden(ConnectionsModel::Bytes));
    QVERIFY(view->horizontalHeader()->sectionSize(ConnectionsModel::Bytes)
            >= view->horizontalHeader()->sectionSizeHint(ConnectionsModel::Bytes));
    for (int column = 0; column < ConnectionsModel::ColumnCount; ++column) {
        if (column != ConnectionsModel::Id)
            view->setColumnHidden(column, true);
    }
    menu.reset(columnMenu(view, nullptr));
    QVERIFY(!menu->findChild<QAction *>(QStringLiteral("column%1").arg(ConnectionsModel::Id))
                 ->isEnabled());
}

void TestConsoleTables::shownCountAndNaturalSort()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient ten, two, one, other;
    ten.open(c.port(), clientPath("device-10", "a"));
    two.open(c.port(), clientPath("device-2", "a"));
    one.open(c.port(), clientPath("device-1", "a"));
    other.open(c.port(), clientPath("gateway", "a"));
    QTRY_COMPARE(c.model()->rowCount(), 4);
    QTableView *view = table(c.window.get(), "connectionsView");
    auto *shown = c.window->findChild<QLabel *>(QStringLiteral("connectionsShown"));
    QVERIFY(shown);
    QTRY_COMPARE(shown->text(), QStringLiteral("4 of 4 shown"));
    c.window->findChild<QLineEdit *>(QStringLiteral("connectionsSearch"))
        ->setText(QStringLiteral("device"));
    QCOMPARE(shown->text(), QStringLiteral("3 of 4 shown"));

    // device-2 before device-10, by the header as the operator clicks it.
    view->sortByColumn(ConnectionsModel::Client, Qt::AscendingOrder);
    QStringList order;
    for (int row = 0; row < view->model()->rowCount(); ++row)
        order << view->model()->index(row, ConnectionsModel::Client).data().toString();
    QCOMPARE(order,
             QStringList({QStringLiteral("device-1"), QStringLiteral("device-2"),
                          QStringLiteral("device-10")}));
    // Every sortable table sorts through the natural-order proxy.
    for (const char *name : {"connectionsView", "healthView", "nodesView"}) {
        QTableView *t = table(c.window.get(), name);
        QVERIFY2(t->isSortingEnabled(), name);
        QVERIFY2(qobject_cast<QSortFilterProxyModel *>(t->model()), name);
    }
    QTableView *health = table(c.window.get(), "healthView");
    health->sortByColumn(ConnectionsModel::Client, Qt::DescendingOrder);
    QCOMPARE(health->model()->index(1, ConnectionsModel::Client).data().toString(),
             QStringLiteral("device-10"));
    QCOMPARE(health->model()->index(2, ConnectionsModel::Client).data().toString(),
             QStringLiteral("device-2"));
    QCOMPARE(c.window->findChild<QLabel *>(QStringLiteral("healthShown"))->text(),
             QStringLiteral("4 of 4 shown"));
}

void TestConsoleTables::tooltipOnATruncatedCell()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    const QByteArray agent
        = "Mozilla/5.0 (a user agent far longer than its column: " + QByteArray(150, 'x') + ")";
    SseClient longAgent;
    longAgent.open(c.port(), clientPath("long", "a"), {{"User-Agent", agent}});
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QTableView *view = table(c.window.get(), "connectionsView");
    showTab(c.window.get(), c.window->findChild<QWidget *>(QStringLiteral("connectionsPage")));
    const QModelIndex cell = view->model()->index(0, ConnectionsModel::UserAgent);
    const QModelIndex shortCell = view->model()->index(0, ConnectionsModel::Client);
    QCOMPARE(truncatedText(view, cell), QString::fromLatin1(agent));
    QCOMPARE(truncatedText(view, shortCell), QString());
    // What the operator sees when hovering: the whole text.
    const QPoint pos = view->visualRect(cell).center();
    QHelpEvent help(QEvent::ToolTip, pos, view->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(view->viewport(), &help);
    QTRY_COMPARE(QToolTip::text(), QString::fromLatin1(agent));
    QToolTip::hideText();
    // A time keeps its milliseconds; the full date is in the tooltip.
    const QModelIndex since = view->model()->index(0, ConnectionsModel::ConnectedSince);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d$"))
                 .match(since.data().toString())
                 .hasMatch(),
             qPrintable(since.data().toString()));
    QVERIFY(since.data(Qt::ToolTipRole)
                .toString()
                .startsWith(QDate::currentDate().toString(Qt::ISODate)));
    QCOMPARE(formatTime(QDateTime(QDate(2020, 1, 2), QTime(3, 4, 5, 6)).toMSecsSinceEpoch()),
             QStringLiteral("2020-01-02 03:04:05.006"));
}

void TestConsoleTables::heartbeatResortsOnEverySnapshot()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    auto *page = c.window->findChild<QWidget *>(QStringLiteral("healthPage"));
    showTab(c.window.get(), page);
    QTableView *view = table(c.window.get(), "healthView");
    QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(ConnectionsModel::LastWrite));
    SseClient first, second;
    first.open(c.port(), clientPath("first", "first-topic"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QTRY_VERIFY(first.hasSession());
    second.open(c.port(), clientPath("second", "second-topic"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QTRY_VERIFY(second.hasSession());
    // After every snapshot the rows are in order of silence, the most silent first.
    int snapshots = 0;
    QStringList disorder;
    connect(c.window.get(), &MainWindow::snapshotApplied, this, [&] {
        ++snapshots;
        QAbstractItemModel *m = view->model();
        for (int row = 1; row < m->rowCount(); ++row) {
            const qint64 above = m->index(row - 1, ConnectionsModel::LastWrite)
                                     .data(ConnectionsModel::SortRole)
                                     .toLongLong();
            const qint64 below = m->index(row, ConnectionsModel::LastWrite)
                                     .data(ConnectionsModel::SortRole)
                                     .toLongLong();
            if (above < below)
                disorder << QStringLiteral("%1 < %2").arg(above).arg(below);
        }
    });
    QTRY_COMPARE(view->model()->index(0, ConnectionsModel::Client).data().toString(),
                 QStringLiteral("first"));
    // The first stream gets an event: it is the less silent one now and goes down at the next
    // snapshot, not seconds later.
    QCOMPARE(publish(c.port(), "first-topic", "\"hello\"").status, 200);
    QTRY_VERIFY(!first.events().isEmpty());
    QTRY_COMPARE(view->model()->index(0, ConnectionsModel::Client).data().toString(),
                 QStringLiteral("second"));
    const int seen = snapshots;
    QTRY_VERIFY(snapshots >= seen + 5);
    QVERIFY2(disorder.isEmpty(), qPrintable(disorder.join(u' ')));
}

void TestConsoleTables::onlyLateFilterWithARealSilentPeer()
{
    // As the console test of the heartbeat: the heartbeat is a minute and the test moves the
    // engine's clock across the amber and red thresholds; the silent reader is a real socket
    // that stopped reading, so the kernel takes nothing more for it.
    Console c;
    Engine::Config config = baseConfig();
    const int interval = 60000;
    config.heartbeatMs = interval;
    config.maxQueueBytes = 256LL * 1024 * 1024;
    QVERIFY(c.start(config));
    showTab(c.window.get(), c.window->findChild<QWidget *>(QStringLiteral("healthPage")));
    SseClient silent, healthy;
    silent.open(c.port(), clientPath("silent", "bulk"));
    healthy.open(c.port(), clientPath("healthy", "ping-only"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    QTRY_VERIFY(silent.hasSession());
    QTableView *view = table(c.window.get(), "healthView");
    auto *onlyLate = c.window->findChild<QCheckBox *>(QStringLiteral("healthOnlyLate"));
    auto *shown = c.window->findChild<QLabel *>(QStringLiteral("healthShown"));
    QVERIFY(onlyLate && shown);
    onlyLate->setChecked(true);
    QTRY_COMPARE(shown->text(), QStringLiteral("0 of 2 shown"));

    silent.setReading(false);
    fillQueueOf(c.engine, QStringLiteral("silent"));
    QTRY_VERIFY_WITH_TIMEOUT(c.model()->rowAt(c.rowFor(QStringLiteral("silent"))).bytesQueued > 0,
                             30000);
    QCOMPARE(view->model()->rowCount(), 0);

    const auto shownState = [view] {
        QAbstractItemModel *m = view->model();
        if (m->rowCount() != 1)
            return QStringLiteral("%1 rows").arg(m->rowCount());
        const QModelIndex health = m->index(0, ConnectionsModel::Health);
        return QString(m->index(0, ConnectionsModel::Client).data().toString() + QLatin1Char(' ')
                       + health.data().toString() + QLatin1Char(' ')
                       + health.data(Qt::BackgroundRole).value<QBrush>().color().name());
    };
    // Amber after 1.5 intervals: the silent stream alone is shown...
    Clock::advanceForTesting(interval * 16 / 10);
    QTRY_COMPARE(shownState(), QStringLiteral("silent late ") + ConnectionsModel::amber().name());
    QTRY_COMPARE(shown->text(), QStringLiteral("1 of 2 shown"));
    // ...red after three.
    Clock::advanceForTesting(interval * 15 / 10);
    QTRY_COMPARE(shownState(), QStringLiteral("silent stalled ") + ConnectionsModel::red().name());
    // The healthy one took its heartbeat and is still not shown.
    QTRY_VERIFY(healthy.comments() >= 1);
    QCOMPARE(shown->text(), QStringLiteral("1 of 2 shown"));
    onlyLate->setChecked(false);
    QCOMPARE(shown->text(), QStringLiteral("2 of 2 shown"));

    // The colours come from the palette: on a dark one they are dark, and the text on them is
    // the palette's light text.
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2a));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Window, QColor(0x30, 0x30, 0x30));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    QVERIFY(ConnectionsModel::red().lightness() > 128);
    QApplication::setPalette(dark);
    const int row = c.rowFor(QStringLiteral("silent"));
    const QColor darkRed = c.model()
                               ->index(row, ConnectionsModel::Health)
                               .data(Qt::BackgroundRole)
                               .value<QBrush>()
                               .color();
    if (const QString shots = qEnvironmentVariable("SSEHUB_TABLES_SHOTS"); !shots.isEmpty()) {
        QDir().mkpath(shots);
        QApplication::processEvents();
        c.window->grab().save(QDir(shots).filePath(QStringLiteral("heartbeat-dark.png")));
        QApplication::setPalette(light);
        QApplication::processEvents();
        c.window->grab().save(QDir(shots).filePath(QStringLiteral("heartbeat-light.png")));
    }
    QApplication::setPalette(light);
    QVERIFY2(darkRed.lightness() < 128, qPrintable(darkRed.name()));
    QVERIFY(darkRed.red() > darkRed.green() + 40); // still red
}

void TestConsoleTables::logKindsSearchAndRollingRange()
{
    EngineThread engine; // never started: the log is filled here
    MainWindow window(&engine, EngineConfig());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    LogEntry connect = logEntry(LogEntry::Kind::Connect, QStringLiteral("alpha"), now - 1000);
    LogEntry slow = logEntry(LogEntry::Kind::SlowConsumer, QStringLiteral("beta"), now - 900);
    slow.reason = QStringLiteral("queue-full");
    LogEntry subscribe = logEntry(LogEntry::Kind::Subscribe, QStringLiteral("gamma"), now - 800);
    subscribe.detail = QStringLiteral("alerts/fire/#");
    LogEntry auth = logEntry(LogEntry::Kind::AuthFailure, QString(), now - 700);
    auth.remoteAddress = QStringLiteral("10.9.8.7:4444");
    // Just inside "last 5 minutes" now; out of it in a second and a half.
    LogEntry old = logEntry(LogEntry::Kind::Kick, QStringLiteral("old"), now - 5 * 60000 + 1500);
    window.logModel()->append({old, connect, slow, subscribe, auth});
    LogFilterModel *filter = window.logFilter();
    auto *shown = window.findChild<QLabel *>(QStringLiteral("logShown"));
    QCOMPARE(shown->text(), QStringLiteral("5 of 5 shown"));

    // The kinds by the API's names (GET /log?kind=), in the table and in the kind list.
    QTableView *view = table(&window, "logView");
    QCOMPARE(view->model()->index(2, LogModel::Kind).data().toString(),
             QStringLiteral("slow-consumer"));
    QCOMPARE(view->model()->index(4, LogModel::Kind).data().toString(),
             QStringLiteral("auth-failure"));
    auto *kinds = window.findChild<QPushButton *>(QStringLiteral("logKinds"));
    QCOMPARE(kinds->text(), QStringLiteral("All kinds"));
    QStringList listed;
    for (QAction *action : kinds->menu()->actions()) {
        if (action->isCheckable())
            listed << action->text();
    }
    QStringList apiNames;
    for (int k = 0; k < LogEntry::KindCount; ++k)
        apiNames << LogEntry::kindName(LogEntry::Kind(k));
    QCOMPARE(listed, apiNames);

    // Several kinds at once: the operator unchecks all but two.
    for (QAction *action : kinds->menu()->actions()) {
        if (action->isCheckable() && action->text() != QLatin1String("slow-consumer")
            && action->text() != QLatin1String("auth-failure"))
            action->trigger();
    }
    QCOMPARE(filter->rowCount(), 2);
    QCOMPARE(kinds->text(), QStringLiteral("slow-consumer, auth-failure"));
    QCOMPARE(shown->text(), QStringLiteral("2 of 5 shown"));
    // The last kind shown cannot be unchecked.
    window.findChild<QAction *>(QStringLiteral("logKind-slow-consumer"))->trigger();
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("logKind-auth-failure"))->isEnabled());
    window.findChild<QAction *>(QStringLiteral("logKindAll"))->trigger();
    QCOMPARE(filter->rowCount(), 5);
    QCOMPARE(kinds->text(), QStringLiteral("All kinds"));

    // Search in reason, address, filter (a subscription's detail) and client id.
    auto *search = window.findChild<QLineEdit *>(QStringLiteral("logSearch"));
    const auto found = [&](const QString &text) {
        search->setText(text);
        QStringList clients;
        for (const LogEntry &e : filter->visibleEntries())
            clients << LogEntry::kindName(e.kind);
        return clients.join(u',');
    };
    QCOMPARE(found(QStringLiteral("QUEUE-full")), QStringLiteral("slow-consumer"));
    QCOMPARE(found(QStringLiteral("10.9.8")), QStringLiteral("auth-failure"));
    QCOMPARE(found(QStringLiteral("fire/#")), QStringLiteral("subscribe"));
    QCOMPARE(found(QStringLiteral("alph")), QStringLiteral("connect"));
    search->clear();

    // "Last 5 minutes" moves with the clock: the old entry goes without anything else happening.
    auto *since = window.findChild<QComboBox *>(QStringLiteral("logSince"));
    since->setCurrentIndex(since->findData(5 * 60));
    QCOMPARE(filter->rowCount(), 5);
    QTRY_COMPARE_WITH_TIMEOUT(filter->rowCount(), 4, 5000);
    QCOMPARE(filter->visibleEntries().first().clientId, QStringLiteral("alpha"));
    QCOMPARE(shown->text(), QStringLiteral("4 of 5 shown"));
    // New entries are in range.
    window.logModel()->append({logEntry(LogEntry::Kind::Disconnect, QStringLiteral("late"),
                                        QDateTime::currentMSecsSinceEpoch())});
    QCOMPARE(filter->rowCount(), 5);
    since->setCurrentIndex(0);
    QCOMPARE(filter->rowCount(), 6);
}

void TestConsoleTables::logRangeRollsWithItsClock()
{
    // The filter alone, on a clock the test moves: the range follows it, entries fall out in
    // order, new ones come in, and a fixed start (setSince) stays fixed.
    LogModel log;
    LogFilterModel filter;
    filter.setSourceModel(&log);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    qint64 now = 1'000'000;
    filter.setClock([&now] { return now; });
    log.append({logEntry(LogEntry::Kind::Connect, QStringLiteral("a"), 100'000),
                logEntry(LogEntry::Kind::Connect, QStringLiteral("b"), 500'000),
                logEntry(LogEntry::Kind::Connect, QStringLiteral("c"), 900'000)});
    filter.setRange(600'000);
    QCOMPARE(filter.rowCount(), 2);
    QVERIFY(filter.isFiltering());
    now += 150'000;
    filter.refreshRange();
    QCOMPARE(filter.rowCount(), 1);
    log.append({logEntry(LogEntry::Kind::Disconnect, QStringLiteral("d"), now)});
    QCOMPARE(filter.rowCount(), 2);
    now += 10'000'000;
    filter.refreshRange();
    QCOMPARE(filter.rowCount(), 0);
    filter.setRange(0);
    QCOMPARE(filter.rowCount(), 4);
    QVERIFY(!filter.isFiltering());
    filter.setSince(500'000);
    now += 10'000'000;
    filter.refreshRange();
    QCOMPARE(filter.rowCount(), 3);
}

void TestConsoleTables::exportDialogSaysWhenFiltered()
{
    EngineThread engine;
    MainWindow window(&engine, EngineConfig());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QList<LogEntry> entries;
    for (int i = 0; i < 5000; ++i)
        entries << logEntry(i % 40 == 0 ? LogEntry::Kind::Disconnect : LogEntry::Kind::Connect,
                            QStringLiteral("c%1").arg(i), 1700000000000 + i);
    window.logModel()->append(entries);
    auto *logView = window.findChild<LogView *>();
    QCOMPARE(logView->exportSummary(), QStringLiteral("Exporting all 5,000 entries"));
    window.findChild<QAction *>(QStringLiteral("logKind-connect"))->setChecked(false);
    QCOMPARE(window.logFilter()->rowCount(), 125);
    // The file dialog of File > Export says so.
    QString title;
    QTimer::singleShot(0, this, [&] {
        QTRY_VERIFY(qobject_cast<QFileDialog *>(QApplication::activeModalWidget()));
        auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
        title = dialog->windowTitle();
        dialog->reject();
    });
    window.findChild<QAction *>(QStringLiteral("exportLogAction"))->trigger();
    QVERIFY2(title.contains(QLatin1String("Exporting 125 of 5,000 entries (filtered)")),
             qPrintable(title));
}

QTEST_MAIN(TestConsoleTables)
#include "tst_consoletables.moc"
