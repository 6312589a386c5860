// Honest state: a stopped server's views say so (figures "-", tables greyed under "stale
// since", a gap in the charts), the Overview shows resources against their real limits and turns
// amber and red, and the engine's alarms reach the console's log - all against a real engine
// with real clients; and the Identity tiles from snapshots.
#include "consolefixture.h"
#include "format.h"
#include "httpclient.h"
#include "observe/processresources.h"
#include "redisserver.h"
#include "sseclient.h"
#include "statecolors.h"
#include "views/overviewview.h"
#include "widgets/throughputchart.h"
#include "widgets/throughputhistory.h"

#include <QApplication>
#include <QDateTime>
#include <QLabel>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTranslator>

#include <sys/resource.h>

using namespace ssehub;
using namespace ssehub::test;

namespace {

QString figure(MainWindow *window, const QString &name)
{
    auto *label = window->findChild<QLabel *>(QStringLiteral("figure.") + name);
    return label ? label->text() : QStringLiteral("(no figure.%1)").arg(name);
}

QString detail(MainWindow *window, const QString &name)
{
    auto *label = window->findChild<QLabel *>(QStringLiteral("detail.") + name);
    return label ? label->text() : QStringLiteral("(no detail.%1)").arg(name);
}

OverviewView::Level level(MainWindow *window, const QString &name)
{
    return window->findChild<OverviewView *>()->level(name);
}

bool hasAlarm(MainWindow *window, const QString &name, const QString &change)
{
    for (int row = 0; row < window->logModel()->rowCount(); ++row) {
        const LogEntry &e = window->logModel()->entryAt(row);
        if (e.kind == LogEntry::Kind::Alarm && e.reason == name
            && e.detail.startsWith(change + QLatin1Char(':')))
            return true;
    }
    return false;
}

// Pictures of the views when SSEHUB_TEST_SHOTS names a directory (to look at them).
void shoot(MainWindow *window, const QString &name)
{
    const QString dir = qEnvironmentVariable("SSEHUB_TEST_SHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("views"));
    for (int i : {0, 4}) {
        tabs->setCurrentIndex(i);
        QApplication::processEvents();
        window->grab().save(QDir(dir).filePath(
            QStringLiteral("%1-%2.png")
                .arg(name, i == 0 ? QLatin1String("overview") : QLatin1String("charts"))));
    }
    tabs->setCurrentIndex(0);
}

} // namespace

class TestConsoleState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stoppedServerIsShownStale();
    void resourcesAgainstTheirLimits();
    void authFailuresRaiseAnAlarm();
    void redisDownRaisesAnAlarm();
    void chartsPanesHoverAndDarkPalette();
    void identityFromASnapshot();
};

void TestConsoleState::initTestCase()
{
    // SSEHUB_TEST_LANG=zh_CN with SSEHUB_TEST_SHOTS: the pictures in Chinese.
    if (const QString lang = qEnvironmentVariable("SSEHUB_TEST_LANG"); !lang.isEmpty()) {
        auto *translator = new QTranslator(this);
        QVERIFY(translator->load(QLocale(lang), QStringLiteral("ssehub"), QStringLiteral("_"),
                                 QStringLiteral(":/i18n")));
        QCoreApplication::installTranslator(translator);
    }
}

void TestConsoleState::stoppedServerIsShownStale()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient client;
    client.open(c.port(), clientPath("kept", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QTRY_COMPARE(figure(c.window.get(), QStringLiteral("connections")), QStringLiteral("1"));
    QTRY_VERIFY(c.window->history().fine().size() >= 2);
    auto *chart = c.window->findChild<ThroughputChart *>(QStringLiteral("chartsView"));
    QCOMPARE(chart->segmentCount(ThroughputChart::Pane::Published), 1);
    auto *tabs = c.window->findChild<QTabWidget *>(QStringLiteral("views"));
    auto *marker = c.window->findChild<QLabel *>(QStringLiteral("staleMarker"));
    QVERIFY(!marker->isVisible());
    QVERIFY(!tabs->property("stale").toBool());

    QSignalSpy stopped(c.window.get(), &MainWindow::engineStopped);
    const QString before = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    c.window->stopEngine();
    QVERIFY(stopped.wait(10000));
    shoot(c.window.get(), QStringLiteral("stopped"));
    // Every figure is "-", the tables are greyed under "stale since" (the drain closed the
    // stream, so the last snapshot before the stop has no row left).
    for (const char *name : {"connections", "clients", "eventsIn", "eventsOut", "bytesOut",
                             "descriptors", "streamLimit", "historyEvents", "queued", "alarms"})
        QCOMPARE(figure(c.window.get(), QLatin1String(name)), QStringLiteral("-"));
    QVERIFY(tabs->property("stale").toBool());
    QVERIFY(marker->isVisible());
    QVERIFY2(marker->text().startsWith(QLatin1String("Stale since ")), qPrintable(marker->text()));
    QVERIFY2(marker->text().contains(QLatin1String("stopped")), qPrintable(marker->text()));
    const QString since = marker->text().section(QLatin1Char(' '), 2, 2).chopped(1);
    QVERIFY2(since >= before, qPrintable(since + QLatin1String(" < ") + before));
    QCOMPARE(c.window->findChild<QLabel *>(QStringLiteral("linkState"))->text(),
             QStringLiteral("stopped"));

    // Started again: live, and the charts show the downtime as a gap, not a line across it.
    const size_t samples = c.window->history().fine().size();
    QVERIFY(c.window->startEngine());
    QTRY_VERIFY(!marker->isVisible());
    QVERIFY(!tabs->property("stale").toBool());
    QTRY_COMPARE(c.model()->rowCount(), 0); // the new server has no streams
    QTRY_VERIFY(c.window->history().fine().size() >= samples + 2);
    QCOMPARE(chart->segmentCount(ThroughputChart::Pane::Published), 2);
    QCOMPARE(chart->segmentCount(ThroughputChart::Pane::Closes), 2);
    QTRY_COMPARE(figure(c.window.get(), QStringLiteral("connections")), QStringLiteral("0"));
    QVERIFY(c.window->history().fine()[samples].gapBefore);
}

void TestConsoleState::resourcesAgainstTheirLimits()
{
    Console c;
    Engine::Config config = baseConfig();
    config.maxConnections = 4;
    QVERIFY(c.start(config));
    // Descriptors: the process's own count and limit.
    rlimit limit {};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    QTRY_VERIFY(figure(c.window.get(), QStringLiteral("descriptors")) != QLatin1String("-"));
    const int shown = QLocale().toInt(figure(c.window.get(), QStringLiteral("descriptors")));
    const int real = ProcessResources::openDescriptors();
    QVERIFY2(shown > 10 && qAbs(shown - real) <= 8,
             qPrintable(QStringLiteral("shown %1, real %2").arg(shown).arg(real)));
    QVERIFY2(detail(c.window.get(), QStringLiteral("descriptors"))
                 .contains(formatCount(quint64(limit.rlim_cur))),
             qPrintable(detail(c.window.get(), QStringLiteral("descriptors"))));
    QCOMPARE(level(c.window.get(), QStringLiteral("descriptors")), OverviewView::Level::Normal);
    // Streams against --max-connections 4: 2 normal, 3 (75%) amber, 4 red with an alarm.
    QList<std::shared_ptr<SseClient>> clients;
    const auto open = [&](const char *name) {
        clients << std::make_shared<SseClient>();
        clients.last()->open(c.port(), clientPath(name, "t"));
    };
    const auto alarmEntries = [&c] {
        int entries = 0;
        for (int row = 0; row < c.window->logModel()->rowCount(); ++row)
            entries += c.window->logModel()->entryAt(row).kind == LogEntry::Kind::Alarm ? 1 : 0;
        return entries;
    };
    open("a");
    open("b");
    QTRY_COMPARE(figure(c.window.get(), QStringLiteral("streamLimit")), QStringLiteral("2"));
    QVERIFY2(detail(c.window.get(), QStringLiteral("streamLimit")).contains(QLatin1String("of 4")),
             qPrintable(detail(c.window.get(), QStringLiteral("streamLimit"))));
    QCOMPARE(level(c.window.get(), QStringLiteral("streamLimit")), OverviewView::Level::Normal);
    open("c");
    QTRY_COMPARE(level(c.window.get(), QStringLiteral("streamLimit")), OverviewView::Level::Amber);
    auto *tile
        = c.window->findChild<QLabel *>(QStringLiteral("figure.streamLimit"))->parentWidget();
    QVERIFY2(tile->toolTip().contains(QLatin1String("Amber from 70%")),
             qPrintable(tile->toolTip()));
    QCOMPARE(alarmEntries(), 0);
    open("d");
    QTRY_COMPARE(level(c.window.get(), QStringLiteral("streamLimit")), OverviewView::Level::Red);
    QTRY_VERIFY(hasAlarm(c.window.get(), QStringLiteral("streams"), QStringLiteral("raised")));
    QTRY_COMPARE(figure(c.window.get(), QStringLiteral("alarms")), QStringLiteral("1"));
    QCOMPARE(level(c.window.get(), QStringLiteral("alarms")), OverviewView::Level::Red);
    // The fifth is refused: a refusal by reason.
    SseClient refused;
    refused.open(c.port(), clientPath("e", "t"));
    QTRY_VERIFY(detail(c.window.get(), QStringLiteral("refusals"))
                    .contains(QLatin1String("stream limit 1")));
    QTRY_COMPARE(level(c.window.get(), QStringLiteral("refusals")), OverviewView::Level::Amber);
    // History against its bounds; queued bytes against what the streams may queue.
    QCOMPARE(publish(c.port(), "t", "{\"n\":1}").status, 200);
    QTRY_COMPARE(figure(c.window.get(), QStringLiteral("historyEvents")), QStringLiteral("1"));
    QVERIFY(detail(c.window.get(), QStringLiteral("historyEvents"))
                .contains(formatCount(quint64(config.historySize))));
    QVERIFY(detail(c.window.get(), QStringLiteral("historyBytes"))
                .contains(formatBytes(quint64(config.historyBytes))));
    const QString queued = figure(c.window.get(), QStringLiteral("queued"));
    QVERIFY2(queued.endsWith(QLatin1String("B")) || queued.endsWith(QLatin1String("bytes")),
             qPrintable(queued)); // a size, in the console's (binary) units
    QTRY_VERIFY(c.window->history().fine().size() >= 3);
    shoot(c.window.get(), QStringLiteral("limits"));
    // Two leave: the alarm clears (once), the tile is normal again.
    clients.removeLast();
    clients.removeLast();
    QTRY_COMPARE(level(c.window.get(), QStringLiteral("streamLimit")), OverviewView::Level::Normal);
    QTRY_VERIFY(hasAlarm(c.window.get(), QStringLiteral("streams"), QStringLiteral("cleared")));
    QTRY_COMPARE(figure(c.window.get(), QStringLiteral("alarms")), QStringLiteral("0"));
    QCOMPARE(alarmEntries(), 2);
}

void TestConsoleState::authFailuresRaiseAnAlarm()
{
    QTemporaryDir dir;
    QFile acl(dir.filePath(QStringLiteral("acl.json")));
    QVERIFY(acl.open(QIODevice::WriteOnly));
    acl.write(R"({"anonymous": "reader", "roles": {"reader": {"subscribe": ["#"]}}})");
    acl.close();
    Console c;
    Engine::Config config = baseConfig();
    config.aclFile = acl.fileName();
    config.alarms.authFailuresPerMinute = 5;
    QVERIFY(c.start(config));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(publish(c.port(), "t", "1").status, 403);
    // Under the threshold: no alarm (the engine looks once a second).
    QTRY_VERIFY(figure(c.window.get(), QStringLiteral("refusals")) == QLatin1String("4"));
    QVERIFY(!hasAlarm(c.window.get(), QStringLiteral("auth-failures"), QStringLiteral("raised")));
    QCOMPARE(publish(c.port(), "t", "1").status, 403);
    QTRY_VERIFY_WITH_TIMEOUT(
        hasAlarm(c.window.get(), QStringLiteral("auth-failures"), QStringLiteral("raised")), 5000);
    QTRY_COMPARE(level(c.window.get(), QStringLiteral("refusals")), OverviewView::Level::Red);
    QTRY_VERIFY(detail(c.window.get(), QStringLiteral("alarms")).contains(QLatin1String("auth")));
    // More failures: still one entry.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(publish(c.port(), "t", "1").status, 403);
    QTRY_VERIFY(figure(c.window.get(), QStringLiteral("refusals")) == QLatin1String("10"));
    int raised = 0;
    for (int row = 0; row < c.window->logModel()->rowCount(); ++row) {
        const LogEntry &e = c.window->logModel()->entryAt(row);
        raised += e.kind == LogEntry::Kind::Alarm ? 1 : 0;
    }
    QCOMPARE(raised, 1);
    // The kind's name is the API's.
    QCOMPARE(LogEntry::kindName(LogEntry::Kind::Alarm), QStringLiteral("alarm"));
}

void TestConsoleState::redisDownRaisesAnAlarm()
{
    RedisServer redis;
    if (!redis.start())
        QSKIP("no redis-server");
    Console c;
    Engine::Config config = baseConfig();
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redis.port());
    config.redisBackoffMaxMs = 100;
    config.redisTimeoutMs = 500;
    QVERIFY(c.start(config));
    QTRY_VERIFY(figure(c.window.get(), QStringLiteral("alarms")) == QLatin1String("0"));
    redis.kill();
    QTRY_VERIFY_WITH_TIMEOUT(
        hasAlarm(c.window.get(), QStringLiteral("redis-down"), QStringLiteral("raised")), 8000);
    QVERIFY(redis.start());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasAlarm(c.window.get(), QStringLiteral("redis-down"), QStringLiteral("cleared")), 10000);
}

void TestConsoleState::chartsPanesHoverAndDarkPalette()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QList<std::shared_ptr<SseClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients << std::make_shared<SseClient>();
        clients.last()->open(c.port(), clientPath(QByteArray::number(i), "t"));
    }
    QTRY_COMPARE(c.model()->rowCount(), 20);
    // A few publishes a second, each delivered 20 times: published has its own pane and scale.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 2500) {
        QCOMPARE(publish(c.port(), "t", "1").status, 200);
        QTest::qWait(100);
    }
    QTRY_VERIFY(c.window->history().fine().size() >= 3);
    auto *chart = c.window->findChild<ThroughputChart *>(QStringLiteral("chartsView"));
    const auto &samples = c.window->history().fine();
    const ThroughputHistory::Sample busiest
        = *std::max_element(samples.begin(), samples.end(),
                            [](const auto &a, const auto &b) { return a.eventsIn < b.eventsIn; });
    QVERIFY(busiest.eventsIn > 2);
    const QString hover
        = chart->hoverText(ThroughputChart::Pane::Published, 0, busiest.timeMs + 100);
    QVERIFY2(hover.contains(QLatin1String("published")), qPrintable(hover));
    QVERIFY2(hover.contains(formatRate(busiest.eventsIn)), qPrintable(hover));
    QVERIFY2(
        hover.startsWith(
            QDateTime::fromMSecsSinceEpoch(busiest.timeMs).toString(QStringLiteral("HH:mm:ss"))),
        qPrintable(hover));
    const QString delivered = chart->hoverText(ThroughputChart::Pane::Delivered, 0, busiest.timeMs);
    QVERIFY2(delivered.contains(QLatin1String("delivered")), qPrintable(delivered));
    shoot(c.window.get(), QStringLiteral("light"));
    QVERIFY(!chart->isDark());

    // A dark palette: dark charts.
    const QPalette light = QApplication::palette();
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x30, 0x30, 0x30));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::AlternateBase, QColor(0x38, 0x38, 0x38));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Button, QColor(0x40, 0x40, 0x40));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    QApplication::setPalette(dark);
    QApplication::processEvents();
    shoot(c.window.get(), QStringLiteral("dark"));
    QTRY_VERIFY(chart->isDark());
    QApplication::setPalette(light);
    QTRY_VERIFY(!chart->isDark());
}

// The Identity tiles from a snapshot: which sources, the key set's size and age or that there is
// none (red), the last fetch's error (amber while a set stays), the hook's last latency and its
// error (red), tokens refused by reason; an open hub says so and shows no other tile.
void TestConsoleState::identityFromASnapshot()
{
    OverviewView view;
    view.resize(1200, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const ThroughputHistory history;
    const auto text = [&view](const char *name) {
        auto *label = view.findChild<QLabel *>(QLatin1String(name));
        return label ? label->text() : QStringLiteral("(no %1)").arg(QLatin1String(name));
    };
    const auto shown = [&view](const char *name) {
        auto *label = view.findChild<QLabel *>(QStringLiteral("figure.") + QLatin1String(name));
        return label && label->parentWidget()->isVisible();
    };

    ConsoleSnapshot s;
    s.wallMs = 1700000000000;
    view.applySnapshot(s, history);
    QCOMPARE(text("figure.identitySources"), QStringLiteral("Open"));
    QVERIFY(text("detail.identitySources").startsWith(QLatin1String("no authentication")));
    QVERIFY(shown("identitySources"));
    QVERIFY(!shown("keySet"));
    QVERIFY(!shown("authHook"));
    QVERIFY(!shown("tokens"));

    // A key set loaded three minutes ago, a hook that answered in 12 ms, tokens refused.
    IdentityStatus &id = s.identity;
    id.jwks.url = QStringLiteral("https://idp.example/certs");
    id.jwks.keys = 3;
    id.jwks.loadedAtMs = s.wallMs - 3 * 60000;
    id.jwks.lastAttemptAtMs = id.jwks.loadedAtMs;
    id.jwks.fetches = {{QStringLiteral("loaded"), 1}};
    id.hook.url = QStringLiteral("http://127.0.0.1:9000/auth");
    id.hook.lastLatencyMs = 12;
    id.hook.calls = {{QStringLiteral("allow"), 120}, {QStringLiteral("deny"), 3}};
    id.acl = true;
    id.tokenChecks = {{QStringLiteral("verified"), 1000},
                      {QStringLiteral("expired"), 7},
                      {QStringLiteral("bad_signature"), 2},
                      {QStringLiteral("malformed"), 0}};
    view.applySnapshot(s, history);
    QCOMPARE(text("figure.identitySources"), QStringLiteral("3"));
    QCOMPARE(text("detail.identitySources"), QStringLiteral("JWKS · auth hook · ACL"));
    QVERIFY2(text("figure.keySet").startsWith(QLatin1String("3 key")),
             qPrintable(text("figure.keySet")));
    QCOMPARE(text("detail.keySet"), QStringLiteral("loaded 3 min ago"));
    QCOMPARE(view.level(QStringLiteral("keySet")), OverviewView::Level::Normal);
    QCOMPARE(text("figure.authHook"), QStringLiteral("12 ms"));
    QVERIFY2(text("detail.authHook")
                 .startsWith(QStringLiteral("last answer in 12 ms\nallowed 120 · denied 3")),
             qPrintable(text("detail.authHook")));
    QCOMPARE(view.level(QStringLiteral("authHook")), OverviewView::Level::Normal);
    QCOMPARE(text("figure.tokens"), formatCount(1000));
    QCOMPARE(text("detail.tokens"), QStringLiteral("refused: expired 7 · bad signature 2"));
    QVERIFY(shown("keySet") && shown("authHook") && shown("tokens"));
    // Left to right without gaps, in the row under the heading.
    auto *keySet = view.findChild<QLabel *>(QStringLiteral("figure.keySet"))->parentWidget();
    auto *hook = view.findChild<QLabel *>(QStringLiteral("figure.authHook"))->parentWidget();
    QTRY_VERIFY(keySet->x() < hook->x());
    QCOMPARE(keySet->y(), hook->y());

    // A fetch failed since: the set stays, amber, the error shown.
    id.jwks.lastError = QStringLiteral("HTTP 503 (200 expected)");
    view.applySnapshot(s, history);
    QCOMPARE(view.level(QStringLiteral("keySet")), OverviewView::Level::Amber);
    QCOMPARE(text("detail.keySet"),
             QStringLiteral("loaded 3 min ago\nlast fetch failed: HTTP 503 (200 expected)"));
    const QColor amber = view.findChild<QLabel *>(QStringLiteral("figure.keySet"))
                             ->palette()
                             .color(QPalette::WindowText);
    QCOMPARE(amber, StateColors::warningText(view.palette()));

    // No key set at all: red. The hook's last call failed: red, with its error.
    id.jwks.loadedAtMs = 0;
    id.jwks.keys = 0;
    id.jwks.lastError = QStringLiteral("Connection refused");
    id.hook.lastError = QStringLiteral("the auth hook did not answer within 2000 ms");
    id.hook.lastLatencyMs = 2001;
    id.tokenChecks[QStringLiteral("no_key_set")] = 4;
    view.applySnapshot(s, history);
    QCOMPARE(text("figure.keySet"), QStringLiteral("No key set yet"));
    QCOMPARE(text("detail.tokens"),
             QStringLiteral("refused: expired 7 · bad signature 2 · no key set to check with 4"));
    QCOMPARE(text("detail.keySet"), QStringLiteral("last fetch failed: Connection refused"));
    QCOMPARE(view.level(QStringLiteral("keySet")), OverviewView::Level::Red);
    QCOMPARE(text("figure.authHook"), formatAgo(2001));
    QVERIFY(
        text("detail.authHook")
            .endsWith(QLatin1String("last error: the auth hook did not answer within 2000 ms")));
    QCOMPARE(view.level(QStringLiteral("authHook")), OverviewView::Level::Red);
    QCOMPARE(view.findChild<QLabel *>(QStringLiteral("figure.authHook"))
                 ->palette()
                 .color(QPalette::WindowText),
             StateColors::alertText(view.palette()));
    // The tile grows with its lines: nothing is cut.
    auto *hookDetail = view.findChild<QLabel *>(QStringLiteral("detail.authHook"));
    QTRY_VERIFY(hookDetail->height() >= hookDetail->heightForWidth(hookDetail->width()));
    if (const QString dir = qEnvironmentVariable("SSEHUB_TEST_SHOTS"); !dir.isEmpty()) {
        QDir().mkpath(dir);
        view.grab().save(QDir(dir).filePath(QStringLiteral("identity-failing.png")));
    }
    // A long error is cut on the tile (the tooltip has it whole).
    id.hook.lastError = QString(2000, QLatin1Char('e'));
    view.applySnapshot(s, history);
    QVERIFY(text("detail.authHook").size() < 400);

    // The sources go (another server): the tiles go with them.
    s.identity = IdentityStatus();
    s.identity.hs256 = true;
    view.applySnapshot(s, history);
    QCOMPARE(text("detail.identitySources"), QStringLiteral("HS256 secret"));
    QVERIFY(!shown("keySet"));
    QVERIFY(!shown("authHook"));
    QVERIFY(!shown("tokens")); // no counts sent
}

QTEST_MAIN(TestConsoleState)
#include "tst_consolestate.moc"
