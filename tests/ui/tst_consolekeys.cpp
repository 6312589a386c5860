// The console's keyboard, context menus, first run, look and language, against a real engine on
// its own thread (offscreen platform) with real SSE clients on 127.0.0.1.
#include "api/publishrequest.h"
#include "api/validation.h"
#include "consolefixture.h"
#include "dialogs/publishdialog.h"
#include "enginetext.h"
#include "httpclient.h"
#include "hub/client.h"
#include "language.h"
#include "models/nodesmodel.h"
#include "models/topicsmodel.h"
#include "proto/topicfilter.h"
#include "sseclient.h"
#include "stream/ssestream.h"
#include "widgets/connectguide.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QTreeView>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// Accepts the next confirmation the console asks for (a modal message box or dialog), if any:
// Disconnect asks before it acts.
class ConfirmationAcceptor : public QObject
{
public:
    ConfirmationAcceptor()
    {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal)
                return;
            if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                for (QAbstractButton *button : box->buttons()) {
                    const auto role = box->buttonRole(button);
                    if (role == QMessageBox::AcceptRole || role == QMessageBox::YesRole) {
                        button->click();
                        ++m_accepted;
                        return;
                    }
                }
            }
            if (auto *dialog = qobject_cast<QDialog *>(modal)) {
                dialog->accept();
                ++m_accepted;
            }
        });
        m_timer.start();
    }
    int accepted() const { return m_accepted; }

private:
    QTimer m_timer;
    int m_accepted = 0;
};

bool hasChinese(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() >= 0x4e00 && c.unicode() <= 0x9fff)
            return true;
    }
    return false;
}

} // namespace

class TestConsoleKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void ctrlDigitSwitchesViewsWhileAFilterHasFocus();
    void ctrlFFocusesTheViewsFilter();
    void publishDialogTabLeavesThePayloadAndCtrlEnterPublishes();
    void deleteDisconnectsTheSelectedStream();
    void contextMenusOfTheRows();
    void firstRunGuideTeachesHowToConnect();
    void demoPageSaysWhenNoBrowserOpened();
    void clusterViewListsThisInstanceEmbedded();
    void firstWindowFitsTheScreen();
    void darkPaletteGivesReadableStateColours();
    void engineTextsAreTranslated();
    void consoleShowsEngineTextsInChinese();
    void qtDialogsSpeakChinese();

private:
    // Shows the window active (window shortcuts need an active window).
    static bool activate(Console &c)
    {
        c.window->activateWindow();
        return QTest::qWaitForWindowActive(c.window.get());
    }
    static QTabWidget *tabs(Console &c)
    {
        return c.window->findChild<QTabWidget *>(QStringLiteral("views"));
    }
    static int tabOf(Console &c, const QString &page)
    {
        return tabs(c)->indexOf(c.window->findChild<QWidget *>(page));
    }
};

void TestConsoleKeys::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consolekeys"));
}

void TestConsoleKeys::init()
{
    QSettings().clear();
}

void TestConsoleKeys::ctrlDigitSwitchesViewsWhileAFilterHasFocus()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QVERIFY(activate(c));
    const int log = tabOf(c, QStringLiteral("logPage"));
    QVERIFY(log > 1);
    tabs(c)->setCurrentIndex(log);
    auto *filter = c.window->findChild<QLineEdit *>(QStringLiteral("logSearch"));
    filter->setFocus();
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClick(filter, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(tabs(c)->currentIndex(), 1);
    QVERIFY(filter->text().isEmpty()); // the line edit did not take the key

    // Every view by its place, as many as there are (at most nine).
    for (int i = 0; i < qMin(9, tabs(c)->count()); ++i) {
        QTest::keyClick(c.window.get(), Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(tabs(c)->currentIndex(), i);
    }
    // A digit past the last view changes nothing.
    if (tabs(c)->count() < 9) {
        QTest::keyClick(c.window.get(), Qt::Key_9, Qt::ControlModifier);
        QCOMPARE(tabs(c)->currentIndex(), qMin(9, tabs(c)->count()) - 1);
    }
}

void TestConsoleKeys::ctrlFFocusesTheViewsFilter()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QVERIFY(activate(c));
    tabs(c)->setCurrentIndex(tabOf(c, QStringLiteral("connectionsPage")));
    auto *table = c.window->findChild<QTableView *>(QStringLiteral("connectionsView"));
    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    QTest::keyClick(table, Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(),
                 c.window->findChild<QLineEdit *>(QStringLiteral("connectionsSearch")));

    tabs(c)->setCurrentIndex(tabOf(c, QStringLiteral("logPage")));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(),
                 c.window->findChild<QLineEdit *>(QStringLiteral("logSearch")));
}

void TestConsoleKeys::publishDialogTabLeavesThePayloadAndCtrlEnterPublishes()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient reader;
    reader.open(c.port(), clientPath("reader", "keys/#"));
    QTRY_COMPARE(c.model()->rowCount(), 1);

    bool tabLeft = false;
    bool payloadKept = false;
    QTimer::singleShot(0, this, [&] {
        auto *dialog = qobject_cast<PublishDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowActive(dialog));
        dialog->findChild<QLineEdit *>(QStringLiteral("publishTopic"))
            ->setText(QStringLiteral("keys/ctrl-enter"));
        auto *payload = dialog->findChild<QPlainTextEdit *>(QStringLiteral("publishPayload"));
        payload->setPlainText(QStringLiteral("{\"n\": 7}"));
        payload->setFocus();
        QTRY_VERIFY(payload->hasFocus());
        QTest::keyClick(payload, Qt::Key_Tab);
        tabLeft = !payload->hasFocus();
        payloadKept = payload->toPlainText() == QLatin1String("{\"n\": 7}");
        payload->setFocus();
        QTRY_VERIFY(payload->hasFocus());
        QTest::keyClick(payload, Qt::Key_Return, Qt::ControlModifier);
    });
    QTimer::singleShot(5000, this, [] {
        if (auto *dialog = qobject_cast<PublishDialog *>(QApplication::activeModalWidget()))
            dialog->reject(); // Ctrl+Enter did nothing: do not hang
    });
    c.window->openPublishDialog();
    QVERIFY(tabLeft);
    QVERIFY(payloadKept);
    QTRY_COMPARE(reader.messages().size(), 1);
    QCOMPARE(reader.messages()
                 .first()
                 .json()
                 .value(QLatin1String("payload"))[QLatin1String("n")]
                 .toInt(),
             7);
}

void TestConsoleKeys::deleteDisconnectsTheSelectedStream()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    QVERIFY(activate(c));
    SseClient stay, go;
    stay.open(c.port(), clientPath("stay", "t"));
    go.open(c.port(), clientPath("go", "t"));
    QTRY_COMPARE(c.model()->rowCount(), 2);
    tabs(c)->setCurrentIndex(tabOf(c, QStringLiteral("connectionsPage")));

    // In the filter box Delete edits the text: the selected stream stays.
    QVERIFY(c.select(QStringLiteral("stay")));
    auto *search = c.window->findChild<QLineEdit *>(QStringLiteral("connectionsSearch"));
    search->setFocus();
    QTRY_VERIFY(search->hasFocus());
    QTest::keyClick(search, Qt::Key_Delete);

    // In the table, Delete is Disconnect (with its confirmation, accepted).
    QVERIFY(c.select(QStringLiteral("go")));
    auto *table = c.window->findChild<QTableView *>(QStringLiteral("connectionsView"));
    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    ConfirmationAcceptor confirm;
    QTest::keyClick(table, Qt::Key_Delete);
    QTRY_VERIFY(!go.isConnected());
    QTRY_VERIFY(hasLogEntry(c.window.get(), LogEntry::Kind::Kick, QStringLiteral("go")));
    // A kick of "stay" from the first Delete would have been logged before this one.
    QVERIFY(!hasLogEntry(c.window.get(), LogEntry::Kind::Kick, QStringLiteral("stay")));
    QVERIFY(stay.isConnected());
}

void TestConsoleKeys::contextMenusOfTheRows()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    SseClient reader;
    reader.open(c.port(), clientPath("menu-reader", "menu/#"));
    QTRY_COMPARE(c.model()->rowCount(), 1);
    QCOMPARE(publish(c.port(), "menu/a", "{\"v\":1}").status, 200);
    QTRY_COMPARE(reader.messages().size(), 1);

    // Connections: Disconnect, Pause, Resume, Copy id (confirmations, if asked, accepted).
    ConfirmationAcceptor confirm;
    auto *connections = c.window->findChild<QTableView *>(QStringLiteral("connectionsView"));
    QCOMPARE(connections->contextMenuPolicy(), Qt::ActionsContextMenu);
    QStringList texts;
    for (QAction *a : connections->actions())
        texts << a->text();
    for (const char *text : {"Disconnect", "Pause", "Resume", "Copy id"})
        QVERIFY2(texts.contains(QLatin1String(text)), qPrintable(texts.join(u',')));
    QVERIFY(c.select(QStringLiteral("menu-reader")));
    QGuiApplication::clipboard()->clear();
    connections->findChild<QAction *>(QStringLiteral("copyIdButtonAction"))->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("menu-reader"));
    connections->findChild<QAction *>(QStringLiteral("pauseButtonAction"))->trigger();
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("paused")));
    QTRY_VERIFY(
        hasLogEntry(c.window.get(), LogEntry::Kind::Transition, QStringLiteral("menu-reader")));
    QCOMPARE(publish(c.port(), "menu/b", "{\"v\":2}").status, 200);
    connections->findChild<QAction *>(QStringLiteral("resumeButtonAction"))->trigger();
    QTRY_VERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("resumed")));
    QCOMPARE(publish(c.port(), "menu/c", "{\"v\":3}").status, 200);
    QTRY_VERIFY(!reader.messages().isEmpty()
                && reader.messages()
                        .last()
                        .json()
                        .value(QLatin1String("payload"))[QLatin1String("v")]
                        .toInt()
                    == 3);

    // Log: copy the row; show only this client.
    auto *log = c.window->findChild<QTableView *>(QStringLiteral("logView"));
    QCOMPARE(log->contextMenuPolicy(), Qt::ActionsContextMenu);
    QTRY_VERIFY(log->model()->rowCount() > 0);
    int readerRow = -1; // the first row of the client (the engine's start comes before it)
    for (int row = 0; row < log->model()->rowCount() && readerRow < 0; ++row) {
        if (log->model()->index(row, LogModel::Client).data().toString()
            == QLatin1String("menu-reader"))
            readerRow = row;
    }
    QVERIFY(readerRow >= 0);
    log->setCurrentIndex(log->model()->index(readerRow, 0));
    log->findChild<QAction *>(QStringLiteral("logCopyRowAction"))->trigger();
    QVERIFY2(QGuiApplication::clipboard()->text().contains(QLatin1String("menu-reader")),
             qPrintable(QGuiApplication::clipboard()->text()));
    log->findChild<QAction *>(QStringLiteral("logFilterClientAction"))->trigger();
    QCOMPARE(c.window->findChild<QLineEdit *>(QStringLiteral("logSearch"))->text(),
             QStringLiteral("menu-reader"));

    // Topics: publish to the row's topic (the dialog opens with it).
    auto *topics = c.window->findChild<QTreeView *>(QStringLiteral("topicsView"));
    QCOMPARE(topics->contextMenuPolicy(), Qt::ActionsContextMenu);
    QModelIndex topic;
    QTRY_VERIFY([&] {
        const QModelIndexList found = topics->model()->match(
            topics->model()->index(0, 0), TopicsModel::PathRole, QByteArray("menu/c"), 1,
            Qt::MatchExactly | Qt::MatchRecursive);
        topic = found.value(0);
        return topic.isValid();
    }());
    topics->setCurrentIndex(topic);
    QString shownTopic;
    QTimer::singleShot(0, this, [&] {
        auto *dialog = qobject_cast<PublishDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        shownTopic = dialog->findChild<QLineEdit *>(QStringLiteral("publishTopic"))->text();
        dialog->reject();
    });
    topics->findChild<QAction *>(QStringLiteral("topicPublishAction"))->trigger();
    QCOMPARE(shownTopic, QStringLiteral("menu/c"));
}

void TestConsoleKeys::firstRunGuideTeachesHowToConnect()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    auto *guide = c.window->findChild<ConnectGuide *>(QStringLiteral("connectGuide"));
    QVERIFY(guide);
    tabs(c)->setCurrentIndex(0);
    QTRY_VERIFY(guide->isVisible());
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(c.port());
    QCOMPARE(guide->server(), url);
    auto *line = guide->findChild<QLineEdit *>(QStringLiteral("guideEventSource"));
    QVERIFY(line->text().contains(url + QStringLiteral("/events?topic=")));
    QVERIFY(guide->findChild<QLineEdit *>(QStringLiteral("guideSubscribe"))
                ->text()
                .startsWith(QStringLiteral("curl -N '") + url));
    QVERIFY(guide->findChild<QLabel *>(QStringLiteral("connectGuideIntro"))->text().contains(url));

    // The copied EventSource line works: a real client opens its URL and receives what the
    // copied curl publish line sends.
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(guide->findChild<QPushButton *>(QStringLiteral("guideEventSourceCopy")),
                      Qt::LeftButton);
    const QString copied = QGuiApplication::clipboard()->text();
    const QRegularExpressionMatch source
        = QRegularExpression(QStringLiteral("^new EventSource\\(\"([^\"]+)\"\\)$")).match(copied);
    QVERIFY2(source.hasMatch(), qPrintable(copied));
    const QUrl streamUrl(source.captured(1));
    QCOMPARE(streamUrl.port(), int(c.port()));
    SseClient browser;
    browser.open(c.port(),
                 streamUrl.path(QUrl::FullyEncoded).toUtf8() + '?'
                     + streamUrl.query(QUrl::FullyEncoded).toUtf8());
    QTRY_COMPARE(browser.status(), 200);

    QTest::mouseClick(guide->findChild<QPushButton *>(QStringLiteral("guidePublishCopy")),
                      Qt::LeftButton);
    const QString curl = QGuiApplication::clipboard()->text();
    const QRegularExpressionMatch body
        = QRegularExpression(QStringLiteral("-d '([^']+)' (\\S+)$")).match(curl);
    QVERIFY2(body.hasMatch(), qPrintable(curl));
    QCOMPARE(QUrl(body.captured(2)).path(), QStringLiteral("/publish"));
    const HttpResponse published
        = request(c.port(), "POST", "/publish", body.captured(1).toUtf8(), "application/json");
    QCOMPARE(published.status, 200);
    QTRY_COMPARE(browser.messages().size(), 1);
    QCOMPARE(browser.messages()
                 .first()
                 .json()
                 .value(QLatin1String("payload"))[QLatin1String("n")]
                 .toInt(),
             1);

    // A stream is open: the guide has done its work.
    QTRY_VERIFY(!guide->isVisible());
}

void TestConsoleKeys::demoPageSaysWhenNoBrowserOpened()
{
    // No browser can be found: no xdg-open on the path, no $BROWSER.
    QTemporaryDir empty;
    const QByteArray path = qgetenv("PATH");
    const QByteArray browser = qgetenv("BROWSER");
    qputenv("PATH", empty.path().toUtf8());
    qunsetenv("BROWSER");
    qunsetenv("DEFAULT_BROWSER");
    Console c;
    QVERIFY(c.start(baseConfig()));
    tabs(c)->setCurrentIndex(0);
    auto *button = c.window->findChild<QPushButton *>(QStringLiteral("guideDemoButton"));
    QTRY_VERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    qputenv("PATH", path);
    if (!browser.isEmpty())
        qputenv("BROWSER", browser);
    auto *message = c.window->findChild<QMessageBox *>(QStringLiteral("demoPageMessage"));
    QVERIFY(message);
    QTRY_VERIFY(message->isVisible());
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(c.port());
    QVERIFY2(message->text().contains(url), qPrintable(message->text()));
    QVERIFY(c.window->statusBar()->currentMessage().contains(url));
    message->accept();
}

void TestConsoleKeys::clusterViewListsThisInstanceEmbedded()
{
    Console c;
    QVERIFY(c.start(baseConfig()));
    NodesModel *nodes = c.window->nodesModel();
    QTRY_COMPARE(nodes->rowCount(), 1);
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(c.port());
    QCOMPARE(nodes->index(0, NodesModel::Address).data().toString(), url);
    QVERIFY(!nodes->index(0, NodesModel::Id).data().toString().isEmpty());
    QCOMPARE(nodes->index(0, NodesModel::Broker).data().toString(), QStringLiteral("embedded"));
    SseClient one;
    one.open(c.port(), clientPath("one", "t"));
    QTRY_COMPARE(nodes->index(0, NodesModel::Connections).data().toString(), QStringLiteral("1"));
    auto *view = c.window->findChild<QTableView *>(QStringLiteral("nodesView"));
    QCOMPARE(view->model()->rowCount(), 1);
}

void TestConsoleKeys::firstWindowFitsTheScreen()
{
    // At QT_SCALE_FACTOR=2 on a 1280x1024 screen (tst_consolekeys_2x) the default size is
    // larger than the screen; a geometry saved on a larger screen is too.
    for (const bool restored : {false, true}) {
        QSettings().clear();
        if (restored) {
            QWidget big;
            big.setGeometry(40, 40, 2600, 1900);
            QSettings settings;
            settings.setValue(QStringLiteral("window/geometry"), big.saveGeometry());
        }
        Console c;
        QVERIFY(c.start(baseConfig()));
        const QRect available = c.window->screen()->availableGeometry();
        QString widths;
        for (int i = 0; i < tabs(c)->count(); ++i)
            widths += QStringLiteral(" %1:%2")
                          .arg(tabs(c)->widget(i)->objectName())
                          .arg(tabs(c)->widget(i)->minimumSizeHint().width());
        const QRect frame = c.window->frameGeometry();
        QVERIFY2(
            available.contains(frame),
            qPrintable(QStringLiteral("%1: window %2,%3 %4x%5 on %6x%7 (scale %8)")
                           .arg(restored ? QStringLiteral("restored") : QStringLiteral("default"))
                           .arg(frame.x())
                           .arg(frame.y())
                           .arg(frame.width())
                           .arg(frame.height())
                           .arg(available.width())
                           .arg(available.height())
                           .arg(c.window->devicePixelRatioF())
                       + widths
                       + QStringLiteral(" min %1").arg(c.window->minimumSizeHint().width())));
    }
}

void TestConsoleKeys::darkPaletteGivesReadableStateColours()
{
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    QApplication::setPalette(dark);
    {
        Console c;
        Engine::Config config = baseConfig();
        config.listenAddress = QHostAddress::AnyIPv4; // a start problem: the banner shows
        QVERIFY(c.start(config));
        auto *banner = c.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
        QTRY_VERIFY(banner->isVisible());
        const QImage image = banner->grab().toImage();
        // The banner's background is dark and its text light, as on a dark desktop.
        const QColor background = image.pixelColor(2, image.height() / 2);
        QVERIFY2(background.lightness() < 110, qPrintable(background.name()));
        QVERIFY(!banner->styleSheet().contains(QLatin1String("#fdecea")));
    }
    QApplication::setPalette(light);
}

void TestConsoleKeys::engineTextsAreTranslated()
{
    // Every text the engine produces for the console, made by the engine's own code, is known
    // to the console's table and translated into Chinese.
    QStringList texts;
    auto publishProblem = [&](const QJsonObject &body) {
        PublishRequest out;
        texts << parsePublishRequest(body, &out);
    };
    const QJsonValue payload(1);
    publishProblem({{QStringLiteral("payload"), payload}});
    publishProblem({{QStringLiteral("topic"), QString()}, {QStringLiteral("payload"), payload}});
    publishProblem({{QStringLiteral("topic"), QString(300, u'a')}, {QStringLiteral("payload"), 1}});
    publishProblem(
        {{QStringLiteral("topic"), QStringLiteral("a\tb")}, {QStringLiteral("payload"), 1}});
    publishProblem(
        {{QStringLiteral("topic"), QStringLiteral("a/#")}, {QStringLiteral("payload"), 1}});
    publishProblem({{QStringLiteral("topic"), QStringLiteral("a")}});
    publishProblem({{QStringLiteral("topic"), QStringLiteral("a")},
                    {QStringLiteral("type"), 3},
                    {QStringLiteral("payload"), 1}});
    for (const char *type : {"", "a b", "error", "shutdown"})
        publishProblem({{QStringLiteral("topic"), QStringLiteral("a")},
                        {QStringLiteral("type"), QLatin1String(type)},
                        {QStringLiteral("payload"), 1}});
    publishProblem({{QStringLiteral("topic"), QStringLiteral("a")},
                    {QStringLiteral("type"), QString(80, u't')},
                    {QStringLiteral("payload"), 1}});
    texts << validateTopic(QByteArray("a\xff", 2)) << validateClientId({})
          << validateClientId(QByteArray(200, 'c'));
    for (const QByteArray &filter :
         {QByteArray(), QByteArray("a/#/b"), QByteArray("a/b+"), QByteArray(300, 'f')}) {
        QString error;
        TopicFilter::parse(filter, &error);
        texts << error;
    }
    {
        // A start refused because another engine holds the data directory.
        QTemporaryDir dir;
        Engine::Config config = baseConfig();
        config.dataDir = dir.path();
        Engine first(config), second(config);
        QString error;
        QVERIFY2(first.start(&error), qPrintable(error));
        QVERIFY(!second.start(&error));
        texts << error;
    }
    for (int r = 0; r <= int(CloseReason::AuthExpired); ++r)
        QVERIFY2(EngineText::logReason(closeReasonName(CloseReason(r)))
                     != closeReasonName(CloseReason(r)),
                 qPrintable(closeReasonName(CloseReason(r))));
    for (auto state : {Subscription::State::Active, Subscription::State::Paused,
                       Subscription::State::Expired, Subscription::State::Archived})
        texts << Subscription::stateName(state);

    QTranslator chinese;
    QVERIFY(chinese.load(QStringLiteral(":/i18n/ssehub_zh_CN.qm")));
    QCoreApplication::installTranslator(&chinese);
    for (const QString &text : std::as_const(texts)) {
        QVERIFY2(!text.isEmpty(), "a case above did not produce its message");
        const QString shown = text == QLatin1String("active") || text == QLatin1String("paused")
                || text == QLatin1String("expired") || text == QLatin1String("archived")
            ? EngineText::subscriptionState(text)
            : EngineText::translate(text);
        QVERIFY2(EngineText::isKnown(text) || shown != text, qPrintable(text));
        QVERIFY2(hasChinese(shown), qPrintable(text + QStringLiteral(" -> ") + shown));
    }
    for (int r = 0; r <= int(CloseReason::AuthExpired); ++r)
        QVERIFY(hasChinese(EngineText::logReason(closeReasonName(CloseReason(r)))));
    // An argument that is itself an engine text is translated; a quoted name never.
    const QString nested = EngineText::translate(
        QStringLiteral("cannot read the JWT secret file /x: No such file - the previous rules "
                       "stay in force"));
    QVERIFY2(hasChinese(nested) && nested.contains(QLatin1String("/x")), qPrintable(nested));
    QCOMPARE(EngineText::translate(QStringLiteral("no client with id 'paused'"))
                 .count(QLatin1String("'paused'")),
             1);
    // Unknown text passes through.
    QCOMPARE(EngineText::translate(QStringLiteral("something new")),
             QStringLiteral("something new"));
    QCoreApplication::removeTranslator(&chinese);
}

void TestConsoleKeys::consoleShowsEngineTextsInChinese()
{
    QTranslator chinese;
    QVERIFY(chinese.load(QStringLiteral(":/i18n/ssehub_zh_CN.qm")));
    QCoreApplication::installTranslator(&chinese);
    {
        // A start error (the port is taken) in the banner.
        QTcpServer holder;
        QVERIFY(holder.listen(QHostAddress::LocalHost, 0));
        Console c;
        Engine::Config config = baseConfig();
        config.port = holder.serverPort();
        QVERIFY(!c.start(config));
        auto *banner = c.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
        QVERIFY2(banner->text().contains(QStringLiteral("无法监听")), qPrintable(banner->text()));
    }
    {
        Console c;
        QVERIFY(c.start(baseConfig()));
        // The broker's state in the status bar; a log reason in the Log view.
        auto *broker = c.window->findChild<QLabel *>(QStringLiteral("brokerState"));
        QTRY_VERIFY2(broker->text().contains(QStringLiteral("内置")), qPrintable(broker->text()));
        SseClient gone;
        gone.open(c.port(), clientPath("gone", "t"));
        QTRY_COMPARE(c.model()->rowCount(), 1);
        gone.close();
        LogModel *log = c.window->logModel();
        QTRY_VERIFY([&] {
            for (int row = 0; row < log->rowCount(); ++row) {
                if (log->entryAt(row).kind == LogEntry::Kind::Disconnect)
                    return log->index(row, LogModel::Reason).data().toString()
                        == QStringLiteral("客户端关闭");
            }
            return false;
        }());
        // An engine answer: reloading access rules where none are configured.
        c.window->reloadAccess();
        QTRY_VERIFY2(hasChinese(c.window->statusBar()->currentMessage()),
                     qPrintable(c.window->statusBar()->currentMessage()));
        QVERIFY(!c.window->statusBar()->currentMessage().contains(QLatin1String("nothing")));
        // Publish validation in the dialog.
        PublishDialog dialog;
        dialog.findChild<QLineEdit *>(QStringLiteral("publishTopic"))
            ->setText(QStringLiteral("a/#"));
        const QString problem
            = dialog.findChild<QLabel *>(QStringLiteral("publishProblem"))->text();
        QVERIFY2(hasChinese(problem), qPrintable(problem));
    }
    QCoreApplication::removeTranslator(&chinese);
}

void TestConsoleKeys::qtDialogsSpeakChinese()
{
    // The console's language with Qt's own translation (qt6-translations-l10n): a message box's
    // standard buttons in Chinese.
    const QList<QTranslator *> installed = installLanguage(QStringLiteral("zh_CN"), this);
    QCOMPARE(installed.size(), 2);
    QMessageBox box(QMessageBox::Question, QStringLiteral("t"), QStringLiteral("t"),
                    QMessageBox::Ok | QMessageBox::Cancel);
    QCOMPARE(box.button(QMessageBox::Cancel)->text(), QStringLiteral("取消"));
    QCOMPARE(QCoreApplication::translate("ssehub::MainWindow", "Overview"), QStringLiteral("概览"));
    for (QTranslator *t : installed)
        QCoreApplication::removeTranslator(t);
    QLocale::setDefault(QLocale::c());
}

QTEST_MAIN(TestConsoleKeys)
#include "tst_consolekeys.moc"
