// The console's Settings: one source of settings with the config file, the environment and the
// command line (as --print-config reports them), values fixed for the run not saved, values
// typed as on the command line, and settings that cannot be used leave the hub serving.
#include "configschema.h"
#include "consolefixture.h"
#include "consolesettings.h"
#include "dialogs/settingsdialog.h"
#include "httpclient.h"
#include "options.h"
#include "sseclient.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>

using namespace ssehub;
using namespace ssehub::test;

namespace {

QLineEdit *field(QWidget *dialog, const char *option)
{
    return dialog->findChild<QLineEdit *>(QStringLiteral("setting:") + QLatin1String(option));
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

bool writeJson(const QString &path, const QJsonObject &object)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(object).toJson()) > 0;
}

// A port nobody listens on now.
quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

// What --print-config writes for an option, as the dialog's field shows it.
QString printedText(const QJsonValue &value)
{
    if (value.isArray()) {
        QStringList items;
        for (const QJsonValue &item : value.toArray())
            items << item.toString();
        return items.join(QStringLiteral(", "));
    }
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

} // namespace

class TestConsoleSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void portInUseKeepsTheHubServing();
    void unusableSettingsRestoreThePreviousOnes();
    void unusableFilesKeepTheDialogOpen();
    void commandLineValuesAreNotSaved();
    void consoleAgreesWithPrintConfig();
    void durationsAndSizesAsOnTheCommandLine();
    void everyEngineOptionIsInTheDialog();
    void errorsAreNeverClipped();
    void legacySettingsMoveToTheConfigFile();

private:
    QTemporaryDir m_dir;
    QString m_file; // the config file of the test
};

void TestConsoleSettings::initTestCase()
{
    QVERIFY(prepareConsoleTest("tst_consolesettings"));
    QVERIFY(m_dir.isValid());
}

void TestConsoleSettings::init()
{
    m_file = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction())
                            + QStringLiteral(".json"));
    QFile::remove(m_file);
    ConsoleSettings::setSource({m_file, {}});
}

// Settings > a port another program holds: the dialog says so and stays open, and the hub keeps
// serving its streams on the port it has.
void TestConsoleSettings::portInUseKeepsTheHubServing()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    Console c;
    QVERIFY(c.start(baseConfig()));
    const quint16 port = c.port();
    SseClient client;
    client.open(port, clientPath("steady", "news"));
    QTRY_COMPARE(c.model()->rowCount(), 1);

    // Through the menu, as an operator does. The dialog is modal: it is driven from a timer
    // that runs inside its event loop.
    const QString wanted = QStringLiteral("127.0.0.1:%1").arg(taken.serverPort());
    QString shown;
    bool stayedOpen = false;
    bool problemVisible = false;
    QTimer driver;
    driver.setInterval(50);
    connect(&driver, &QTimer::timeout, c.window.get(), [&] {
        auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        driver.stop();
        field(dialog, "listen")->setText(wanted);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("settingsApply")),
                          Qt::LeftButton);
        auto *problem = dialog->findChild<QLabel *>(QStringLiteral("settingsProblem"));
        shown = problem->text();
        problemVisible = problem->isVisible();
        stayedOpen = dialog->isVisible();
        dialog->reject();
    });
    driver.start();
    c.window->findChild<QAction *>(QStringLiteral("settingsAction"))->trigger();
    QVERIFY(stayedOpen); // until cancelled, with the reason
    QVERIFY(problemVisible);
    QVERIFY2(shown.contains(wanted) && shown.contains(QLatin1String("in use")), qPrintable(shown));
    QVERIFY(shown.contains(QLatin1String("keeps running")));

    // Nothing restarted: the same stream still gets what is published.
    QVERIFY(c.engine.isRunning());
    QCOMPARE(c.port(), port);
    QCOMPARE(publish(port, "news", "{\"n\":1}").status, 200);
    QTRY_COMPARE(client.messages().size(), 1);
    QVERIFY(client.isConnected());
    QVERIFY(!QFile::exists(m_file)); // nothing saved
}

// A configuration that the engine cannot start with (applied without the dialog's checks, or
// the port taken in between): the previous one serves again and the banner says why.
void TestConsoleSettings::unusableSettingsRestoreThePreviousOnes()
{
    const quint16 port = freePort();
    QVERIFY(port);
    Console c;
    Engine::Config config = baseConfig();
    config.port = port;
    QVERIFY(c.start(config));
    SseClient before;
    before.open(port, clientPath("before", "news"));
    QTRY_COMPARE(c.model()->rowCount(), 1);

    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    Engine::Config unusable = c.window->config();
    unusable.port = taken.serverPort();
    unusable.heartbeatMs = 4321;
    QSignalSpy started(c.window.get(), &MainWindow::engineStarted);
    QVERIFY(c.window->applyConfig(unusable));
    QTRY_VERIFY_WITH_TIMEOUT(started.size() >= 2, 15000);
    QCOMPARE(started.at(0).first().toBool(), false); // the new settings
    QCOMPARE(started.at(1).first().toBool(), true); // the previous ones, again
    QVERIFY(c.engine.isRunning());
    QCOMPARE(c.port(), port);
    QCOMPARE(c.window->config().port, port);
    QCOMPARE(c.window->config().heartbeatMs, config.heartbeatMs);
    auto *banner = c.window->findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QString::number(taken.serverPort()))
                 && banner->text().contains(QLatin1String("previous settings are running again")),
             qPrintable(banner->text()));

    // The previous port works again.
    SseClient after;
    after.open(port, clientPath("after", "news"));
    QTRY_COMPARE(c.rowFor(QStringLiteral("after")) >= 0, true);
    QCOMPARE(publish(port, "news", "{\"n\":2}").status, 200);
    QTRY_COMPARE(after.messages().size(), 1);
    QVERIFY(!QFile::exists(m_file)); // what could not be used is not saved

    // Settings that work clear the banner and are saved.
    Engine::Config good = c.window->config();
    good.heartbeatMs = 4321;
    started.clear();
    QVERIFY(c.window->applyConfig(good));
    QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty(), 15000);
    QVERIFY(started.first().first().toBool());
    QVERIFY(!banner->isVisible());
    QCOMPARE(readJson(m_file).value(QStringLiteral("heartbeat")).toString(),
             QStringLiteral("4321ms"));
}

// Files the engine reads that cannot be read, a data directory that cannot be written: the
// dialog names them and stays open.
void TestConsoleSettings::unusableFilesKeepTheDialogOpen()
{
    QTemporaryDir dir;
    // A regular file where a directory would have to be: nothing can be made below it, even
    // by root.
    const QString blocked = dir.filePath(QStringLiteral("a-file"));
    QVERIFY(writeJson(blocked, {{QStringLiteral("x"), 1}}));
    SettingsDialog dialog(baseConfig());
    auto *problem = dialog.findChild<QLabel *>(QStringLiteral("settingsProblem"));
    auto apply = [&] {
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("settingsApply")),
                          Qt::LeftButton);
        return dialog.result() == QDialog::Accepted;
    };
    const QString missing = dir.filePath(QStringLiteral("missing.pem"));
    field(&dialog, "tls-cert")->setText(missing);
    field(&dialog, "tls-key")->setText(missing);
    QVERIFY(!apply());
    QCOMPARE(problem->text(), QStringLiteral("--tls-cert: %1 cannot be read.").arg(missing));
    // The tab of the field named is shown.
    QCOMPARE(dialog.findChild<QTabWidget *>(QStringLiteral("settingsPages"))->currentIndex(), 0);
    field(&dialog, "tls-cert")->clear();
    field(&dialog, "tls-key")->clear();
    field(&dialog, "data-dir")->setText(blocked + QStringLiteral("/data"));
    QVERIFY(!apply());
    QVERIFY2(problem->text().startsWith(QLatin1String("--data-dir: ")),
             qPrintable(problem->text()));
    QCOMPARE(dialog.findChild<QTabWidget *>(QStringLiteral("settingsPages"))->currentIndex(), 4);
    field(&dialog, "data-dir")->setText(dir.filePath(QStringLiteral("data")));
    field(&dialog, "log-file")->setText(blocked + QStringLiteral("/ssehub.log"));
    QVERIFY(!apply());
    QVERIFY2(problem->text().startsWith(QLatin1String("--log-file: ")),
             qPrintable(problem->text()));
    field(&dialog, "log-file")->clear();
    // The config file itself cannot be written: said before anything restarts.
    ConsoleSettings::setSource({blocked + QStringLiteral("/ssehub.json"), {}});
    QVERIFY(!apply());
    QVERIFY2(problem->text().startsWith(QLatin1String("The settings cannot be saved")),
             qPrintable(problem->text()));
    ConsoleSettings::setSource({m_file, {}});
    field(&dialog, "subscription-grace")->setText(QStringLiteral("20d"));
    QVERIFY(!apply());
    QVERIFY(problem->text().contains(QLatin1String("grace <= archive-after")));
    field(&dialog, "subscription-grace")->setText(QStringLiteral("1d"));
    QVERIFY(apply());
    QCOMPARE(dialog.config().lifecycle.graceMs, 86400000LL);
}

// Started with --listen and --heartbeat (and SSEHUB_RETRY): the dialog shows them fixed; applying
// another setting writes only that to the config file.
void TestConsoleSettings::commandLineValuesAreNotSaved()
{
    QVERIFY(writeJson(m_file,
                      {{QStringLiteral("history"), 500},
                       {QStringLiteral("data-dir"), QString()},
                       {QStringLiteral("log-level"), QStringLiteral("warning")}}));
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("SSEHUB_RETRY"), QStringLiteral("2s"));
    const QStringList arguments {
        QStringLiteral("ssehub"),   QStringLiteral("--config"),    m_file,
        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--heartbeat"),
        QStringLiteral("7s")};
    AppOptions options;
    QString error;
    bool exitNow = false;
    QVERIFY2(parseCommandLine(arguments, &options, &error, &exitNow, environment),
             qPrintable(error));
    QCOMPARE(options.settingsFile, m_file);
    ConsoleSettings::setSource({options.settingsFile, options.fixedForRun});
    options.engine.statsIntervalMs = 50;
    Console c;
    QVERIFY(c.start(options.engine));

    SettingsDialog dialog(c.window->config());
    QVERIFY(!field(&dialog, "listen")->isEnabled());
    QVERIFY(!field(&dialog, "heartbeat")->isEnabled());
    QCOMPARE(field(&dialog, "heartbeat")->text(), QStringLiteral("7s"));
    QVERIFY(!field(&dialog, "retry")->isEnabled());
    QCOMPARE(field(&dialog, "retry")->text(), QStringLiteral("2s"));
    QVERIFY(field(&dialog, "history")->isEnabled());
    QCOMPARE(field(&dialog, "history")->text(), QStringLiteral("500"));
    const QString note = dialog.findChild<QLabel *>(QStringLiteral("settingsSource"))->text();
    QVERIFY2(note.contains(m_file) && note.contains(QLatin1String("--listen"))
                 && note.contains(QLatin1String("--heartbeat"))
                 && note.contains(QLatin1String("SSEHUB_RETRY")),
             qPrintable(note));
    // Even a changed value in a fixed field would not be taken.
    field(&dialog, "heartbeat")->setText(QStringLiteral("9s"));
    field(&dialog, "history")->setText(QStringLiteral("777"));
    field(&dialog, "max-connections")->setText(QStringLiteral("55"));
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("settingsApply")),
                      Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.config().heartbeatMs, 7000);

    QSignalSpy started(c.window.get(), &MainWindow::engineStarted);
    QVERIFY(c.window->applyConfig(dialog.config()));
    QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty(), 15000);
    QVERIFY(started.first().first().toBool());
    QCOMPARE(c.window->config().maxConnections, 55);

    const QJsonObject stored = readJson(m_file);
    QCOMPARE(stored.value(QStringLiteral("history")).toInteger(), 777);
    QCOMPARE(stored.value(QStringLiteral("max-connections")).toInteger(), 55);
    QCOMPARE(stored.value(QStringLiteral("log-level")).toString(), QStringLiteral("warning"));
    QCOMPARE(stored.value(QStringLiteral("data-dir")).toString(), QString());
    for (const char *key : {"listen", "heartbeat", "retry"})
        QVERIFY2(!stored.contains(QLatin1String(key)), key);
    QCOMPARE(stored.size(), 4);

    // The next start without those options: the file's values, the defaults for the rest.
    AppOptions next;
    QVERIFY(parseCommandLine({QStringLiteral("ssehub"), QStringLiteral("--config"), m_file}, &next,
                             &error, &exitNow, QProcessEnvironment()));
    QCOMPARE(next.engine.historySize, qsizetype(777));
    QCOMPARE(next.engine.heartbeatMs, EngineConfig().heartbeatMs);
    QCOMPARE(next.engine.port, EngineConfig().port);
    QVERIFY(next.fixedForRun.contains(QStringLiteral("config")));
}

// The dialog shows what `ssehub --print-config` prints for the same file, environment and
// command line: every option of the engine.
void TestConsoleSettings::consoleAgreesWithPrintConfig()
{
    QVERIFY(writeJson(
        m_file,
        {{QStringLiteral("listen"), QStringLiteral("127.0.0.1:0")},
         {QStringLiteral("history"), 1234},
         {QStringLiteral("max-queue"), QStringLiteral("2M")},
         {QStringLiteral("heartbeat"), 15},
         {QStringLiteral("cors-origin"),
          QJsonArray {QStringLiteral("https://a.example"), QStringLiteral("https://b.example")}},
         {QStringLiteral("data-dir"), m_dir.filePath(QStringLiteral("data"))},
         {QStringLiteral("allow-tokens-without-exp"), true},
         {QStringLiteral("node-id"), QStringLiteral("left")}}));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.startsWith(QLatin1String("SSEHUB_")))
            environment.remove(name);
    }
    environment.insert(QStringLiteral("SSEHUB_DRAIN_TIME"), QStringLiteral("9s"));
    environment.insert(QStringLiteral("SSEHUB_ALLOWED_HOST"), QStringLiteral("hub.example,x.y"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("xdg")));
    const QStringList options {QStringLiteral("--config"),       m_file,
                               QStringLiteral("--max-body"),     QStringLiteral("128K"),
                               QStringLiteral("--publish-rate"), QStringLiteral("20")};

    QProcess hub;
    hub.setProcessEnvironment(environment);
    hub.start(QStringLiteral(SSEHUB_BINARY),
              QStringList {QStringLiteral("--print-config")} + options);
    QVERIFY(hub.waitForFinished(20000));
    QCOMPARE(hub.exitCode(), 0);
    const QJsonObject printed = QJsonDocument::fromJson(hub.readAllStandardOutput()).object();
    QVERIFY(!printed.isEmpty());

    AppOptions parsed;
    QString error;
    bool exitNow = false;
    QVERIFY2(parseCommandLine(QStringList {QStringLiteral("ssehub")} + options, &parsed, &error,
                              &exitNow, environment),
             qPrintable(error));
    ConsoleSettings::setSource({parsed.settingsFile, parsed.fixedForRun});
    Console c;
    parsed.engine.statsIntervalMs = 50;
    QVERIFY(c.start(parsed.engine));
    SettingsDialog dialog(c.window->config());
    int compared = 0;
    for (const ConfigOption &option : configOptions()) {
        if (option.scope != OptionScope::Engine)
            continue;
        const QString name = QLatin1String(option.name);
        QVERIFY2(printed.contains(name), option.name);
        const QString shown = option.type == OptionType::Flag
            ? (dialog.findChild<QCheckBox *>(QStringLiteral("setting:") + name)->isChecked()
                   ? QStringLiteral("true")
                   : QStringLiteral("false"))
            : field(&dialog, option.name)->text();
        QCOMPARE(shown, printedText(printed.value(name)));
        ++compared;
    }
    QVERIFY(compared > 35);
    // Spot checks, so that agreement is not on two wrong values.
    QCOMPARE(field(&dialog, "heartbeat")->text(), QStringLiteral("15s"));
    QCOMPARE(field(&dialog, "drain-time")->text(), QStringLiteral("9s"));
    QVERIFY(!field(&dialog, "drain-time")->isEnabled());
    QCOMPARE(field(&dialog, "allowed-host")->text(), QStringLiteral("hub.example, x.y"));
    QCOMPARE(field(&dialog, "max-body")->text(), QStringLiteral("128K"));
    QVERIFY(!field(&dialog, "max-body")->isEnabled());
    QCOMPARE(field(&dialog, "cors-origin")->text(),
             QStringLiteral("https://a.example, https://b.example"));
    QVERIFY(field(&dialog, "cors-origin")->isEnabled());
}

// Durations and sizes are typed as on the command line and parsed by the same parser: the
// messages are the command line's.
void TestConsoleSettings::durationsAndSizesAsOnTheCommandLine()
{
    SettingsDialog dialog(baseConfig());
    auto *problem = dialog.findChild<QLabel *>(QStringLiteral("settingsProblem"));
    auto apply = [&] {
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("settingsApply")),
                          Qt::LeftButton);
        return dialog.result() == QDialog::Accepted;
    };
    QCOMPARE(field(&dialog, "heartbeat")->text(), QStringLiteral("30s"));
    QCOMPARE(field(&dialog, "max-queue")->text(), QStringLiteral("1M"));
    QCOMPARE(field(&dialog, "retry")->text(), QStringLiteral("3s"));

    auto commandLineError = [](const QString &option, const QString &value) {
        AppOptions options;
        QString error;
        bool exitNow = false;
        if (parseCommandLine({QStringLiteral("ssehub"), option, value}, &options, &error, &exitNow,
                             QProcessEnvironment()))
            return QString();
        return error;
    };
    field(&dialog, "heartbeat")->setText(QStringLiteral("30 parsecs"));
    QVERIFY(!apply());
    const QString expected
        = commandLineError(QStringLiteral("--heartbeat"), QStringLiteral("30 parsecs"));
    QVERIFY(!expected.isEmpty());
    QCOMPARE(problem->text(), expected);
    QVERIFY(field(&dialog, "heartbeat")->hasFocus()
            || QApplication::focusWidget() == nullptr); // offscreen: no active window
    QCOMPARE(dialog.findChild<QTabWidget *>(QStringLiteral("settingsPages"))->currentIndex(), 1);

    field(&dialog, "heartbeat")->setText(QStringLiteral("30s"));
    field(&dialog, "max-queue")->setText(QStringLiteral("2 furlongs"));
    QVERIFY(!apply());
    QCOMPARE(problem->text(),
             commandLineError(QStringLiteral("--max-queue"), QStringLiteral("2 furlongs")));

    field(&dialog, "heartbeat")->setText(QStringLiteral("500ms"));
    field(&dialog, "max-queue")->setText(QStringLiteral("2M"));
    field(&dialog, "drain-time")->setText(QStringLiteral("1m"));
    field(&dialog, "max-body")->setText(QStringLiteral("1M"));
    field(&dialog, "max-connections")->setText(QStringLiteral("123"));
    field(&dialog, "cors-origin")->setText(QStringLiteral(" https://a.example ,, https://b "));
    QVERIFY(apply());
    QVERIFY(!problem->isVisible());
    const EngineConfig edited = dialog.config();
    QCOMPARE(edited.heartbeatMs, 500);
    QCOMPARE(edited.maxQueueBytes, 2LL * 1024 * 1024);
    QCOMPARE(edited.drainMs, 60000LL);
    QCOMPARE(edited.maxBodyBytes, 1024LL * 1024);
    QCOMPARE(edited.maxConnections, 123);
    QCOMPARE(edited.corsOrigins,
             QStringList({QStringLiteral("https://a.example"), QStringLiteral("https://b")}));
}

// Every option of the engine has a field, on a tab, with the option's help as tooltip.
void TestConsoleSettings::everyEngineOptionIsInTheDialog()
{
    SettingsDialog dialog(baseConfig());
    auto *pages = dialog.findChild<QTabWidget *>(QStringLiteral("settingsPages"));
    QCOMPARE(pages->count(), 6);
    for (const ConfigOption &option : configOptions()) {
        if (option.scope != OptionScope::Engine)
            continue;
        auto *widget
            = dialog.findChild<QWidget *>(QStringLiteral("setting:") + QLatin1String(option.name));
        QVERIFY2(widget, option.name);
        QVERIFY2(widget->toolTip().contains(QCoreApplication::translate("main", option.help)),
                 option.name);
        QVERIFY2(widget->isEnabled(), option.name);
    }
}

// A long message wraps and the dialog grows: nothing is cut, at any scale factor
// (QT_SCALE_FACTOR=2) and in Chinese (SSEHUB_TEST_LANG=zh_CN).
void TestConsoleSettings::errorsAreNeverClipped()
{
    QTranslator chinese;
    const bool zh = qEnvironmentVariable("SSEHUB_TEST_LANG") == QLatin1String("zh_CN");
    if (zh) {
        QVERIFY(chinese.load(QStringLiteral(":/i18n/ssehub_zh_CN.qm")));
        QCoreApplication::installTranslator(&chinese);
    }
    // Pictures (SSEHUB_GRAB_DIR): the Access page as an application sets it up, light or dark
    // (SSEHUB_GRAB_PALETTE=dark).
    const QString grabDir = qEnvironmentVariable("SSEHUB_GRAB_DIR");
    EngineConfig config = baseConfig();
    if (!grabDir.isEmpty()) {
        config.jwksUrl
            = QStringLiteral("https://login.example.com/realms/shop/protocol/openid-connect/certs");
        config.authHookUrl = QStringLiteral("http://127.0.0.1:9000/sse/auth");
        config.jwtAudiences = {QStringLiteral("ssehub")};
        config.jwtIssuer = QStringLiteral("https://login.example.com/realms/shop");
    }
    SettingsDialog dialog(config);
    if (qEnvironmentVariable("SSEHUB_GRAB_PALETTE") == QLatin1String("dark")) {
        QPalette dark = dialog.palette();
        const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6);
        for (auto role : {QPalette::Window, QPalette::Button})
            dark.setColor(role, window);
        dark.setColor(QPalette::Base, base);
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            dark.setColor(role, text);
        dark.setColor(QPalette::PlaceholderText, QColor(0x80, 0x80, 0x80));
        dialog.setPalette(dark);
    }
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QString path = QStringLiteral("/nonexistent/") + QString(12, QLatin1Char('x')).repeated(8)
        + QStringLiteral("/a/very/long/path/to/the/access/rules/of/this/hub/acl.json");
    field(&dialog, "acl")->setText(path);
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("settingsApply")),
                      Qt::LeftButton);
    auto *problem = dialog.findChild<QLabel *>(QStringLiteral("settingsProblem"));
    QVERIFY(problem->text().contains(path));
    QTRY_VERIFY(problem->isVisible());
    // Wrapped, as tall as its text needs, and inside the dialog.
    QTRY_VERIFY(problem->height() >= problem->heightForWidth(problem->width()));
    const QRect inDialog(problem->mapTo(&dialog, QPoint(0, 0)), problem->size());
    QVERIFY(dialog.rect().contains(inDialog));
    QVERIFY(problem->width() <= dialog.width());
    if (!grabDir.isEmpty()) {
        auto *pages = dialog.findChild<QTabWidget *>(QStringLiteral("settingsPages"));
        for (int i = 0; i < pages->count(); ++i) {
            pages->setCurrentIndex(i);
            QVERIFY(dialog.grab().save(QStringLiteral("%1/settings-%2%3.png")
                                           .arg(grabDir)
                                           .arg(i)
                                           .arg(zh ? QStringLiteral("-zh") : QString())));
        }
    }
    if (zh)
        QCoreApplication::removeTranslator(&chinese);
}

// Earlier versions stored some settings with QSettings: they move into the config file.
void TestConsoleSettings::legacySettingsMoveToTheConfigFile()
{
    {
        QSettings settings;
        settings.beginGroup(QStringLiteral("engine"));
        settings.setValue(QStringLiteral("listenAddress"), QStringLiteral("127.0.0.1"));
        settings.setValue(QStringLiteral("port"), 9123);
        settings.setValue(QStringLiteral("heartbeatMs"), 15000);
        settings.setValue(QStringLiteral("historySize"), 10000); // the default: not copied
        settings.setValue(QStringLiteral("maxQueueBytes"), 2 * 1024 * 1024);
    }
    QVERIFY(writeJson(m_file, {{QStringLiteral("heartbeat"), QStringLiteral("20s")}}));
    QString error;
    QVERIFY(ConsoleSettings::migrateLegacy(m_file, &error));
    QVERIFY(error.isEmpty());
    const QJsonObject stored = readJson(m_file);
    QCOMPARE(stored.value(QStringLiteral("listen")).toString(), QStringLiteral("127.0.0.1:9123"));
    QCOMPARE(stored.value(QStringLiteral("heartbeat")).toString(), QStringLiteral("20s"));
    QCOMPARE(stored.value(QStringLiteral("max-queue")).toString(), QStringLiteral("2M"));
    QVERIFY(!stored.contains(QStringLiteral("history")));
    QVERIFY(!QSettings().childGroups().contains(QStringLiteral("engine")));
    // Once only.
    QVERIFY(!ConsoleSettings::migrateLegacy(m_file, &error));
    QVERIFY(error.isEmpty());
    // And the file parses.
    AppOptions options;
    bool exitNow = false;
    QVERIFY2(parseCommandLine({QStringLiteral("ssehub"), QStringLiteral("--config"), m_file},
                              &options, &error, &exitNow, QProcessEnvironment()),
             qPrintable(error));
    QCOMPARE(options.engine.port, quint16(9123));
}

QTEST_MAIN(TestConsoleSettings)
#include "tst_consolesettings.moc"
