// ssehub: wiring only. Parses the command line, starts the engine on its thread, and either opens
// the console or runs headless until SIGINT/SIGTERM.
#include "engine.h"
#include "options.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QPointer>
#include <QSocketNotifier>

#ifdef SSEHUB_HAVE_UI
#include "mainwindow.h"

#include <QApplication>
#endif

#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int signalPipe[2] = {-1, -1};
std::function<void()> reloadRequested; // SIGHUP

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

} // namespace

int main(int argc, char **argv)
{
    // Qt's glib dispatcher rescans every socket notifier whenever one is toggled, which makes
    // fan-out to thousands of sockets quadratic; the Unix dispatcher does not. Decided for both
    // modes, before any event dispatcher exists.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");

    bool headless = wantsHeadless(argc, argv);
    bool noDisplay = false;
#ifdef SSEHUB_HAVE_UI
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
    headless = true;
    auto app = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication::setApplicationName(QStringLiteral("ssehub"));
    QCoreApplication::setOrganizationName(QStringLiteral("ssehub"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SSEHUB_VERSION));

    ssehub::AppOptions options;
    QString error;
    bool exitNow = false;
    if (!ssehub::parseCommandLine(QCoreApplication::arguments(), &options, &error, &exitNow)) {
        fprintf(stderr, "ssehub: %s\nTry 'ssehub --help'.\n", qPrintable(error));
        return 2;
    }
    if (exitNow)
        return 0;
    if (noDisplay)
        fprintf(stderr,
                "ssehub: no display available (DISPLAY and WAYLAND_DISPLAY are unset); "
                "running headless\n");

    // Per-connection debug lines are for troubleshooting; QT_LOGGING_RULES turns them on.
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("ssehub.*.debug=false"));

    installSignalHandlers(app.get());
    raiseDescriptorLimit();

    ssehub::EngineThread engine;
    if (!engine.start(options.engine, &error)) {
        fprintf(stderr, "ssehub: %s\n", qPrintable(error));
        return 1;
    }
    for (const QString &problem : engine.startProblems())
        fprintf(stderr, "ssehub: warning: %s\n", qPrintable(problem));
    printf("ssehub listening on %s\n", qPrintable(engine.listenUrl()));
    fflush(stdout);
    reloadRequested = [&engine] {
        engine.post([](ssehub::Engine *e) {
            bool ok = false;
            const QString message = e->reloadAccess(&ok);
            fprintf(stderr, "ssehub: %s%s\n", ok ? "" : "reload failed: ", qPrintable(message));
        });
    };

    int code = 0;
#ifdef SSEHUB_HAVE_UI
    if (!headless) {
        ssehub::MainWindow window(engine.listenUrl());
        window.setStartProblems(engine.startProblems());
        QObject::connect(&window, &ssehub::MainWindow::reloadAccessRequested, &window,
                         [&engine, &window] {
                             QPointer<ssehub::MainWindow> target(&window);
                             engine.post([target](ssehub::Engine *e) {
                                 bool ok = false;
                                 const QString message = e->reloadAccess(&ok);
                                 // Back to the GUI thread with the result.
                                 QMetaObject::invokeMethod(
                                     target,
                                     [target, ok, message] {
                                         if (target)
                                             target->showReloadResult(ok, message);
                                     },
                                     Qt::QueuedConnection);
                             });
                         });
        QObject::connect(&engine, &ssehub::EngineThread::statsChanged, &window,
                         &ssehub::MainWindow::applyStats);
        window.show();
        code = app->exec();
        engine.stop();
        return code;
    }
#endif
    code = app->exec();
    reloadRequested = {};
    engine.stop();
    return code;
}
