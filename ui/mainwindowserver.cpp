// MainWindow: which server the console shows and the state of its link - the embedded engine
// (start, stop, drain, settings) or a server elsewhere (attach, connect dialog, stale data),
// and the banners that say so.
#include "consolesettings.h"
#include "dialogs/connectdialog.h"
#include "enginecontroller.h"
#include "enginetext.h"
#include "link/healthprobe.h"
#include "link/recentservers.h"
#include "link/remotelink.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "models/nodesmodel.h"
#include "models/topicsmodel.h"
#include "views/clientsview.h"
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
#include <QDateTime>
#include <QLabel>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

namespace ssehub {

// --- The embedded engine --------------------------------------------------------------------

bool MainWindow::startEngine(const QString &cause)
{
    QString error;
    if (!m_controller->isRunning() && !m_controller->start(m_config, &error, cause)) {
        m_lastStartError = error;
        m_engineError = tr("The server did not start: %1. Change the settings (Server > "
                           "Settings) and start it again.")
                            .arg(EngineText::translate(error));
        updateBanner();
        updateActions();
        statusBar()->showMessage(tr("Server stopped"));
        probePortHolder();
        Q_EMIT engineStarted(false);
        return false;
    }
    m_engineError.clear();
    m_linkBanner->clear();
    m_startProblems = m_controller->startProblems();
    updateBanner();
    updateActions();
    statusBar()->showMessage(tr("Listening on %1").arg(m_controller->listenUrl()), 5000);
    Q_EMIT engineStarted(true);
    return true;
}

void MainWindow::stopEngine()
{
    drainEngine(EngineThread::DrainReason::Shutdown, QStringLiteral("console action=stop"), [this] {
        statusBar()->showMessage(tr("Server stopped; every stream was closed."));
    });
}

int MainWindow::openStreams() const
{
    return m_last && !m_controller->isAttached() && m_controller->isRunning()
        ? m_last->stats.connections
        : 0;
}

void MainWindow::askStop()
{
    const int open = openStreams();
    Confirmation::Request request;
    request.kind = QStringLiteral("stop");
    request.title = tr("Stop server");
    request.question = open > 0 ? tr("Stop the server and close %n open stream(s)?", nullptr, open)
                                : tr("Stop the server? No stream is open.");
    request.detail = tr("Each stream gets what is queued for it, then a shutdown notice with the "
                        "retry time (at most %1 s); new clients are refused until the server is "
                        "started again.")
                         .arg(QLocale().toString(double(m_config.drainMs) / 1000, 'g', 3));
    request.acceptText = tr("Stop server");
    Confirmation::ask(this, request, this, [this](const QString &) {
        if (m_controller->isRunning())
            stopEngine();
    });
}

void MainWindow::askRestart(std::function<void()> apply)
{
    const int open = openStreams();
    if (open == 0) {
        apply();
        return;
    }
    Confirmation::Request request;
    request.kind = QStringLiteral("restart");
    request.title = tr("Apply and restart");
    request.question = tr("Restart the server with the new settings and close %n open stream(s)?",
                          nullptr, open);
    request.detail = tr("Each stream gets what is queued for it, then a shutdown notice with the "
                        "retry time (at most %1 s); its client reconnects to the restarted "
                        "server.")
                         .arg(QLocale().toString(double(m_config.drainMs) / 1000, 'g', 3));
    request.acceptText = tr("Apply and restart");
    Confirmation::ask(
        this, request, this, [apply](const QString &) { apply(); },
        [this] {
            statusBar()->showMessage(
                tr("The new settings were not applied; the server runs on unchanged."), 10000);
        });
}

void MainWindow::drainEngine(EngineThread::DrainReason reason, const QString &cause,
                             std::function<void()> then)
{
    if (!m_controller->isRunning()) {
        if (then)
            then();
        return;
    }
    if (then)
        m_afterStop.append(std::move(then));
    if (m_controller->isStopping())
        return;
    const int open = m_last && !m_controller->isAttached() ? m_last->stats.connections : 0;
    m_startStop->setEnabled(false);
    m_startStop->setText(tr("Stopping…"));
    statusBar()->showMessage(
        tr("Stopping: %n stream(s) get what is queued for them and a shutdown notice (at most "
           "%1 s)…",
           nullptr, open)
            .arg(QLocale().toString(double(m_config.drainMs) / 1000, 'g', 3)));
    QPointer<MainWindow> self(this);
    m_controller->drainAndStop(reason, cause, [self] {
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
    if (!m_controller->isAttached()) {
        // Nothing is live any more: the tables keep the last rows, greyed and marked stale
        // (showLinkStatus), the log and the charts keep what happened.
        m_stoppedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_brokerDown = false; // nothing is published to a stopped server
        updateBanner();
        m_connectGuide->hide();
        m_statusConnections->clear();
        m_statusUptime->clear();
        m_statusBroker->clear();
    }
    updateActions();
    Q_EMIT engineStopped();
}

void MainWindow::clearViews()
{
    m_last.reset();
    m_history.clear();
    m_connections->clear();
    m_topics->clear();
    m_historyView->clear();
    m_topicsView->clear();
    m_clientsView->clear();
    m_log->clear();
    m_logView->noteGap(0, 0);
    m_nodes->applyNodes({}, QDateTime::currentMSecsSinceEpoch());
    m_connectGuide->hide();
    m_statusConnections->clear();
    m_statusUptime->clear();
    m_statusBroker->clear();
    m_brokerDown = false;
    updateBanner();
}

bool MainWindow::applyConfig(const EngineConfig &config)
{
    const EngineConfig previous = m_config;
    m_config = config;
    const QString cause = QStringLiteral("console action=restart");
    if (!m_controller->isRunning()) {
        if (!startEngine(cause))
            return false;
        storeConfig(previous);
        return true;
    }
    const int open = m_last ? m_last->stats.connections : 0;
    drainEngine(EngineThread::DrainReason::Restart, cause, [this, open, previous, cause] {
        if (!startEngine(cause)) {
            // Settings that cannot be used (a port in use, a file that cannot be read): the
            // previous ones serve again, the banner says why, and nothing is saved.
            const QString error = m_lastStartError;
            m_config = previous;
            if (!startEngine(QStringLiteral("console action=rollback")))
                return;
            m_engineError = tr("The new settings were not applied: %1. The previous settings "
                               "are running again on %2.")
                                .arg(error, m_controller->listenUrl());
            updateBanner();
            return;
        }
        storeConfig(previous);
        statusBar()->showMessage(
            tr("Engine restarted with the new settings on %1; %n stream(s) were closed and "
               "reconnect.",
               nullptr, open)
                .arg(m_controller->listenUrl()),
            15000);
    });
    return true;
}

void MainWindow::storeConfig(const EngineConfig &previous)
{
    QString error;
    if (!ConsoleSettings::save(previous, m_config, &error))
        report(false, tr("The settings apply to this run but were not saved: %1").arg(error));
}

void MainWindow::setStartProblems(const QStringList &problems)
{
    m_startProblems = problems;
    updateBanner();
}

void MainWindow::updateBanner()
{
    QStringList lines;
    if (!m_engineError.isEmpty() && !m_controller->isAttached())
        lines << m_engineError;
    if (!m_controller->isAttached()) {
        for (const QString &problem : std::as_const(m_startProblems))
            lines << EngineText::translate(problem);
    }
    if (m_brokerDown && m_last)
        lines << (m_controller->isAttached()
                      ? tr("Redis is unreachable (%1): publishes are refused with 503 and streams "
                           "wait until it is back. Check the server's Redis.")
                            .arg(EngineText::translate(m_last->stats.brokerState))
                      : tr("Redis is unreachable (%1): publishes are refused with 503 and streams "
                           "wait until it is back. Check that redis-server runs at %2.")
                            .arg(EngineText::translate(m_last->stats.brokerState),
                                 m_config.redisUrl));
    m_banner->setText(lines.join(QLatin1Char('\n')));
    m_banner->setVisible(!lines.isEmpty());
}

// --- A server elsewhere ---------------------------------------------------------------------

bool MainWindow::isAttached() const
{
    return m_controller->isAttached();
}

bool MainWindow::attach(const RemoteTarget &target)
{
    RemoteCredentials check;
    if (const QString problem = RemoteCredentials::load(target, &check); !problem.isEmpty()) {
        report(false, tr("Cannot connect to %1: %2").arg(target.displayName(), problem));
        return false;
    }
    m_target = target;
    RecentServers::remember(target);
    // The embedded server lets its streams go first, as Stop server does.
    drainEngine(EngineThread::DrainReason::Shutdown, QStringLiteral("console action=attach"),
                [this, target] {
                    QString error;
                    m_engineError.clear();
                    if (!m_controller->attach(target, &error))
                        report(false,
                               tr("Cannot connect to %1: %2").arg(target.displayName(), error));
                    updateBanner();
                });
    return true;
}

void MainWindow::useEmbedded()
{
    m_askCredentialsOnRefusal = false;
    m_controller->useEmbedded();
    startEngine(QStringLiteral("console action=use-embedded"));
}

void MainWindow::openConnectDialog()
{
    auto *dialog = new ConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_target.url.isEmpty())
        dialog->setTarget(m_target);
    const EngineLink::Status &status = m_controller->link()->status();
    if (m_controller->isAttached() && status.state == EngineLink::State::Refused)
        dialog->setProblem(status.message);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { attach(dialog->target()); });
    dialog->open();
}

QString MainWindow::serverTitle() const
{
    const EngineLink *link = m_controller->link();
    if (!link->isRemote()) {
        return m_controller->isRunning()
            ? tr("ssehub console - embedded server %1").arg(m_controller->listenUrl())
            : tr("ssehub console - embedded server (stopped)");
    }
    switch (link->status().state) {
    case EngineLink::State::Live:
        return tr("ssehub console - %1 (live)").arg(link->serverName());
    case EngineLink::State::Stale:
        return tr("ssehub console - %1 (connection lost, reconnecting)").arg(link->serverName());
    case EngineLink::State::Refused:
        return tr("ssehub console - %1 (refused)").arg(link->serverName());
    case EngineLink::State::Connecting:
        break;
    }
    return tr("ssehub console - %1 (connecting)").arg(link->serverName());
}

void MainWindow::updateActions()
{
    const bool attached = m_controller->isAttached();
    const bool running = m_controller->isRunning();
    const QString why = tr("The console is attached to %1: start, stop and configure it where it "
                           "runs (its configuration file, systemctl). File > Use the embedded "
                           "server goes back.")
                            .arg(m_controller->link()->serverName());
    m_startStop->setEnabled(!attached && !m_controller->isStopping());
    m_startStop->setText(running && !attached ? tr("Stop server") : tr("Start server"));
    m_startStop->setToolTip(attached ? why : QString());
    m_settings->setEnabled(!attached);
    m_settings->setToolTip(attached ? why : tr("The embedded server's settings"));
    m_useEmbedded->setEnabled(attached);
    m_openDemo->setEnabled(attached || running);
    showLinkStatus(m_controller->link()->status());
}

void MainWindow::showLinkStatus(const EngineLink::Status &status)
{
    const EngineLink *link = m_controller->link();
    const QString server = link->serverName();
    setWindowTitle(serverTitle());
    if (!server.isEmpty())
        m_statusUrl->setText(QStringLiteral("<a href=\"%1/\">%1</a>").arg(server.toHtmlEscaped()));
    else
        m_statusUrl->setText(tr("stopped"));

    QString state;
    QString style;
    if (!link->isRemote()) {
        state = m_controller->isRunning() ? tr("embedded") : QString();
    } else {
        switch (status.state) {
        case EngineLink::State::Live:
            state = tr("live");
            style = severityStyle(palette(), Severity::Good, false);
            break;
        case EngineLink::State::Stale:
            state = tr("stale since %1")
                        .arg(QDateTime::fromMSecsSinceEpoch(status.lostAtMs)
                                 .toString(QStringLiteral("HH:mm:ss")));
            style = severityStyle(palette(), Severity::Bad, false, true);
            break;
        case EngineLink::State::Refused:
            state = tr("refused");
            style = severityStyle(palette(), Severity::Bad, false, true);
            break;
        case EngineLink::State::Connecting:
            state = tr("connecting");
            break;
        }
        m_linkBanner->showStatus(server, status);
    }
    m_statusLink->setText(state);
    m_statusLink->setStyleSheet(style);

    // Data that no longer comes: kept, but greyed.
    const bool remoteStale = link->isRemote() && status.state != EngineLink::State::Live;
    const bool stopped = !link->isRemote() && !m_controller->isRunning();
    if (stopped && m_last)
        m_statusLink->setText(tr("stopped"));
    showStale((remoteStale || stopped) && m_last, remoteStale ? status.lostAtMs : m_stoppedAtMs,
              remoteStale ? tr("the connection to the server was lost")
                          : tr("the server is stopped"));

    if (link->isRemote() && status.state == EngineLink::State::Refused
        && std::exchange(m_askCredentialsOnRefusal, false))
        openConnectDialog();
    else if (status.state == EngineLink::State::Live)
        m_askCredentialsOnRefusal = false;
    Q_EMIT linkStatusChanged();
}

void MainWindow::showStale(bool stale, qint64 sinceMs, const QString &why)
{
    if (stale) {
        const QString since = QDateTime::fromMSecsSinceEpoch(
                                  sinceMs > 0 ? sinceMs : QDateTime::currentMSecsSinceEpoch())
                                  .toString(QStringLiteral("HH:mm:ss"));
        m_staleMarker->setText(tr("Stale since %1: %2. The tables show what it last reported; "
                                  "the figures come back when it does.")
                                   .arg(since, why));
    }
    m_staleMarker->setVisible(stale);
    if (stale != m_tabs->property("stale").toBool()) {
        if (stale) {
            m_history.markGap();
            m_overview->showNoData();
            m_gapTimer->start();
        } else {
            m_gapTimer->stop();
        }
        m_tabs->setProperty("stale", stale);
        QPalette grey;
        if (stale) {
            grey = palette();
            for (QPalette::ColorRole role :
                 {QPalette::Text, QPalette::WindowText, QPalette::ButtonText}) {
                grey.setColor(QPalette::Active, role, grey.color(QPalette::Disabled, role));
                grey.setColor(QPalette::Inactive, role, grey.color(QPalette::Disabled, role));
            }
        }
        m_tabs->setPalette(grey);
    }
}

void MainWindow::probePortHolder()
{
    if (m_config.port == 0)
        return;
    QUrl url;
    url.setScheme(m_config.tlsCertFile.isEmpty() ? QStringLiteral("http")
                                                 : QStringLiteral("https"));
    const QHostAddress address = m_config.listenAddress;
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        url.setHost(QStringLiteral("127.0.0.1"));
    else if (address == QHostAddress::AnyIPv6)
        url.setHost(QStringLiteral("::1"));
    else
        url.setHost(address.toString());
    url.setPort(m_config.port);
    if (!m_probeNetwork)
        m_probeNetwork = new QNetworkAccessManager(this);
    probeSsehub(m_probeNetwork, url, this, [this, url](bool isSsehub) {
        if (isSsehub && !m_controller->isAttached() && !m_controller->isRunning())
            m_linkBanner->offerAttach(url);
    });
}

} // namespace ssehub
