// ssehub: wiring only. Parses the command line, starts the engine on its thread, and either opens
// the console or runs headless until SIGINT/SIGTERM.
#include "enginethread.h"
#include "options.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSocketNotifier>

#ifdef SSEHUB_HAVE_UI
#include "consolesettings.h"
#include "language.h"
#include "link/remotetarget.h"
#include "mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QPalette>
#include <QTimer>

#include <algorithm>
#include <vector>
#endif

#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcApp, "ssehub.app")

namespace {

int signalPipe[2] = {-1, -1};
std::function<void()> reloadRequested; // SIGHUP
std::function<void()> quitRequested; // SIGINT/SIGTERM (a second one quits at once)

void onSignal(int signal)
{
    const char byte = signal == SIGHUP ? 'r' : 'q';
    [[maybe_unused]] const ssize_t n = ::write(signalPipe[1], &byte, 1);
}

// Turns SIGINT/SIGTERM into a quit of the event loop and SIGHUP into a reload of the access
// rules (self-pipe: nothing unsafe in the handler).
void installSignalHandlers(QObject *context)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [] {
        char byte = 'q';
        [[maybe_unused]] const ssize_t n = ::read(signalPipe[0], &byte, 1);
        if (byte == 'r') {
            if (reloadRequested)
                reloadRequested();
            return;
        }
        if (quitRequested) {
            auto quit = std::move(quitRequested);
            quitRequested = {};
            quit();
            return;
        }
        QCoreApplication::quit();
    });
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

// Every stream is a descriptor; the soft limit is often 1,024 while the hard limit allows far
// more. Take what the hard limit allows, as servers do.
void raiseDescriptorLimit()
{
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

#ifdef SSEHUB_HAVE_UI
bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "--help") == 0
            || std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--version") == 0
            || std::strcmp(argv[i], "-v") == 0)
            return true;
    }
    return false;
}

bool haveDisplay()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

// --lang X or --lang=X, looked for before the command line is parsed, so that the help text is
// translated too.
QString languageArgument(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            return QString::fromLocal8Bit(argv[i + 1]);
        if (std::strncmp(argv[i], "--lang=", 7) == 0)
            return QString::fromLocal8Bit(argv[i] + 7);
    }
    return {};
}

// The screenshot script's dark pictures (SSEHUB_SCREENSHOT_PALETTE=dark, honoured only with
// SSEHUB_SCREENSHOTS): Fusion with a dark palette, as a dark desktop theme gives the console.
void useDarkPalette()
{
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette dark;
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80), highlight(0x2f, 0x65, 0xca);
    dark.setColor(QPalette::Window, window);
    dark.setColor(QPalette::WindowText, text);
    dark.setColor(QPalette::Base, base);
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
    dark.setColor(QPalette::ToolTipText, text);
    dark.setColor(QPalette::PlaceholderText, disabled);
    dark.setColor(QPalette::Text, text);
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, text);
    dark.setColor(QPalette::BrightText, Qt::white);
    dark.setColor(QPalette::Light, QColor(0x45, 0x45, 0x45));
    dark.setColor(QPalette::Midlight, QColor(0x3c, 0x3c, 0x3c));
    dark.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x30));
    dark.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    dark.setColor(QPalette::Shadow, Qt::black);
    dark.setColor(QPalette::Highlight, highlight);
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    dark.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(QPalette::Disabled, role, disabled);
    QApplication::setPalette(dark);
}

// SSEHUB_UI_PROBE=FILE (tests/bench/console-bench.sh): how late a 10 ms timer on the GUI
// thread fires, i.e. how long the event loop was busy; worst and 99th percentile written at exit.
void installResponsivenessProbe(QObject *context)
{
    const QString path = qEnvironmentVariable("SSEHUB_UI_PROBE");
    if (path.isEmpty())
        return;
    auto *timer = new QTimer(context);
    auto *clock = new QElapsedTimer;
    auto delays = std::make_shared<std::vector<qint64>>();
    clock->start();
    timer->setTimerType(Qt::PreciseTimer);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, context, [clock, delays] {
        const qint64 elapsed = clock->nsecsElapsed();
        clock->restart();
        delays->push_back(qMax<qint64>(0, elapsed - 10'000'000));
    });
    QObject::connect(qApp, &QCoreApplication::aboutToQuit, context, [path, delays, clock] {
        std::vector<qint64> d = *delays;
        delete clock;
        std::sort(d.begin(), d.end());
        QFile out(path);
        if (d.empty() || !out.open(QIODevice::WriteOnly))
            return;
        const auto at = [&d](double q) { return d[std::min(d.size() - 1, size_t(q * d.size()))]; };
        out.write(QStringLiteral("ticks=%1 worst_ms=%2 p99_ms=%3 median_ms=%4\n")
                      .arg(d.size())
                      .arg(d.back() / 1e6, 0, 'f', 2)
                      .arg(at(0.99) / 1e6, 0, 'f', 2)
                      .arg(at(0.5) / 1e6, 0, 'f', 2)
                      .toUtf8());
    });
    timer->start();
}
#endif

// --log-level as logging rules (QT_LOGGING_RULES, when set, wins) and --log-format json as one
// JSON object per line on stderr.
void configureLogging(const ssehub::AppOptions &options)
{
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES")) {
        const QString level = options.logLevel;
        QString rules = QStringLiteral("ssehub.*.debug=%1\n")
                            .arg(level == QLatin1String("debug") ? QStringLiteral("true")
                                                                 : QStringLiteral("false"));
        if (level == QLatin1String("warning") || level == QLatin1String("error"))
            rules += QStringLiteral("ssehub.*.info=false\n");
        if (level == QLatin1String("error"))
            rules += QStringLiteral("ssehub.*.warning=false\n");
        QLoggingCategory::setFilterRules(rules);
    }
    if (options.logFormat == QLatin1String("json")) {
        qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext &context, const QString &message) {
                const char *level = type == QtDebugMsg ? "debug"
                    : type == QtInfoMsg                ? "info"
                    : type == QtWarningMsg             ? "warning"
                    : type == QtCriticalMsg            ? "error"
                                                       : "fatal";
                const QJsonObject line {
                    {QStringLiteral("time"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                    {QStringLiteral("level"), QLatin1String(level)},
                    {QStringLiteral("category"),
                     QLatin1String(context.category ? context.category : "default")},
                    {QStringLiteral("message"), message}};
                const QByteArray out = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
                fwrite(out.constData(), 1, size_t(out.size()), stderr);
                if (type == QtFatalMsg)
                    abort();
            });
    } else {
        qInstallMessageHandler(nullptr);
    }
}

} // namespace

int main(int argc, char **argv)
{
    // Qt's glib dispatcher rescans every socket notifier whenever one is toggled, which makes
    // fan-out to thousands of sockets quadratic; the Unix dispatcher does not. Decided for both
    // modes, before any event dispatcher exists.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");

    bool noDisplay = false;
#ifdef SSEHUB_HAVE_UI
    bool headless = wantsHeadless(argc, argv);
    if (!headless && !haveDisplay()) {
        headless = true;
        noDisplay = true;
    }
    std::unique_ptr<QCoreApplication> app;
    if (headless)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
#else
    auto app = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication::setApplicationName(QStringLiteral("ssehub"));
    QCoreApplication::setOrganizationName(QStringLiteral("ssehub"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SSEHUB_VERSION));

#ifdef SSEHUB_HAVE_UI
    if (!headless)
        ssehub::installLanguage(languageArgument(argc, argv), app.get());
#endif
    ssehub::AppOptions options;
    QString error;
    bool exitNow = false;
    if (!ssehub::parseCommandLine(QCoreApplication::arguments(), &options, &error, &exitNow)) {
        fprintf(stderr, "ssehub: %s\nTry 'ssehub --help'.\n", qPrintable(error));
        return 2;
    }
    if (exitNow)
        return 0;
    if (options.printConfig) {
        // Effective configuration after file, environment and options; secrets masked.
        QJsonObject out = ssehub::effectiveConfig(options);
        fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
        if (!options.configFile.isEmpty())
            fprintf(stderr, "ssehub: read %s\n", qPrintable(options.configFile));
        return 0;
    }
    if (!options.attach.url.isEmpty()) {
#ifdef SSEHUB_HAVE_UI
        if (noDisplay) {
            fprintf(stderr,
                    "ssehub: --connect opens the console, and no display is available "
                    "(DISPLAY and WAYLAND_DISPLAY are unset)\n");
            return 2;
        }
#else
        fprintf(stderr, "ssehub: --connect opens the console, which this build does not have\n");
        return 2;
#endif
    }
    if (noDisplay)
        fprintf(stderr,
                "ssehub: no display available (DISPLAY and WAYLAND_DISPLAY are unset); "
                "running headless\n");

    // Per-connection debug lines are for troubleshooting: --log-level debug or QT_LOGGING_RULES.
    configureLogging(options);

    installSignalHandlers(app.get());
    raiseDescriptorLimit();

    ssehub::EngineThread engine;
#ifdef SSEHUB_HAVE_UI
    if (!headless) {
        // The console: its settings are those of the config file, the environment and the
        // command line, as headless runs and --print-config read them; Settings writes changes
        // to the file, never what the command line or the environment fixed for this run. A
        // server that cannot start (port in use) is reported in the window, where settings can
        // fix it.
        if (!options.fixedForRun.contains(QStringLiteral("config"))) {
            // Settings that earlier versions kept in ssehub.conf move to the config file.
            if (ssehub::ConsoleSettings::migrateLegacy(options.settingsFile, &error)) {
                options = {};
                if (!ssehub::parseCommandLine(QCoreApplication::arguments(), &options, &error,
                                              &exitNow)) {
                    fprintf(stderr, "ssehub: %s\n", qPrintable(error));
                    return 2;
                }
            } else if (!error.isEmpty()) {
                fprintf(stderr, "ssehub: warning: %s\n", qPrintable(error));
                error.clear();
            }
        }
        ssehub::ConsoleSettings::setSource({options.settingsFile, options.fixedForRun});
        const QString shots = qEnvironmentVariable("SSEHUB_SCREENSHOTS");
        if (!shots.isEmpty()
            && qEnvironmentVariable("SSEHUB_SCREENSHOT_PALETTE") == QLatin1String("dark"))
            useDarkPalette();
        ssehub::MainWindow window(&engine, options.engine);
        reloadRequested = [&window] { window.reloadAccess(); };
        // SIGINT/SIGTERM: the window closes as Quit does (without asking), draining first; a
        // second one quits at once.
        quitRequested = [&window] { window.quitWithoutAsking(); };
        if (!options.attach.url.isEmpty()) {
            // Attached: no engine in this process; the window shows the one at the URL.
            ssehub::RemoteTarget target;
            target.url = ssehub::RemoteTarget::parseUrl(options.attach.url, &error);
            target.tokenFile = options.attach.tokenFile;
            target.caFile = options.attach.caFile;
            target.clientCert = options.attach.clientCert;
            target.clientKey = options.attach.clientKey;
            ssehub::RemoteCredentials credentials;
            if (error.isEmpty())
                error = ssehub::RemoteCredentials::load(target, &credentials);
            if (!error.isEmpty()) {
                fprintf(stderr, "ssehub: --connect: %s\n", qPrintable(error));
                return 2;
            }
            window.attach(target);
            printf("ssehub console attached to %s\n", qPrintable(target.displayName()));
        } else if (window.startEngine(QStringLiteral("startup"))) {
            printf("ssehub listening on %s\n", qPrintable(engine.listenUrl()));
        }
        fflush(stdout);
        installResponsivenessProbe(&window);
        window.show();
        if (!shots.isEmpty()) {
            // The screenshot script: a picture of every view once the load has been seen.
            QTimer::singleShot(
                qEnvironmentVariableIntValue("SSEHUB_SCREENSHOT_DELAY_MS") > 0
                    ? qEnvironmentVariableIntValue("SSEHUB_SCREENSHOT_DELAY_MS")
                    : 5000,
                &window, [&window, shots, topic = qgetenv("SSEHUB_SCREENSHOT_TOPIC")] {
                    const QStringList saved = window.saveViewImages(shots, topic);
                    for (const QString &path : saved)
                        printf("saved %s\n", qPrintable(path));
                    fflush(stdout);
                    QCoreApplication::exit(
                        !saved.isEmpty() && saved.size() == window.viewCount() ? 0 : 3);
                });
        }
        const int code = app->exec();
        reloadRequested = {};
        quitRequested = {};
        engine.stop();
        return code;
    }
#endif
    if (!engine.start(options.engine, &error, QStringLiteral("startup"))) {
        fprintf(stderr, "ssehub: %s\n", qPrintable(error));
        return 1;
    }
    for (const QString &problem : engine.startProblems())
        fprintf(stderr, "ssehub: warning: %s\n", qPrintable(problem));
    printf("ssehub listening on %s\n", qPrintable(engine.listenUrl()));
    fflush(stdout);
    // SIGHUP: the configuration is read again (file, environment, options); what can change
    // while running is applied, the rest is named as needing a restart. A broken file changes
    // nothing.
    const QStringList arguments = QCoreApplication::arguments();
    reloadRequested = [&engine, arguments] {
        ssehub::AppOptions next;
        QString problem;
        bool exit = false;
        if (!ssehub::parseCommandLine(arguments, &next, &problem, &exit)) {
            qCWarning(lcApp).noquote()
                << "reload failed:" << problem << "- the running configuration stays; fix it and "
                << "send SIGHUP again";
            return;
        }
        configureLogging(next);
        engine.reconfigure(next.engine, &engine, [](bool ok, const QString &message) {
            if (ok)
                qCInfo(lcApp).noquote() << message;
            else
                qCWarning(lcApp).noquote() << "reload failed:" << message;
        });
    };
    // SIGINT/SIGTERM: a graceful drain, bounded by --drain-time; a second signal quits at once.
    quitRequested = [&engine] {
        qCInfo(lcApp) << "shutting down: draining streams";
        engine.drainAndStop(ssehub::EngineThread::DrainReason::Shutdown, QStringLiteral("signal"),
                            [] { QCoreApplication::quit(); });
    };

    int code = 0;
    code = app->exec();
    reloadRequested = {};
    quitRequested = {};
    engine.stop();
    return code;
}
