#include "mainwindow.h"

#include <QAction>
#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>

namespace ssehub {

MainWindow::MainWindow(const QString &listenUrl, QWidget *parent)
    : QMainWindow(parent)
    , m_banner(new QLabel(this))
    , m_url(new QLabel(this))
    , m_connections(new QLabel(QStringLiteral("0"), this))
    , m_published(new QLabel(QStringLiteral("0"), this))
    , m_delivered(new QLabel(QStringLiteral("0"), this))
    , m_slow(new QLabel(QStringLiteral("0"), this))
    , m_broker(new QLabel(this))
    , m_nodes(new QLabel(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("ssehub console"));
    setObjectName(QStringLiteral("mainWindow"));
    m_url->setObjectName(QStringLiteral("listenUrl"));
    m_connections->setObjectName(QStringLiteral("connectionCount"));
    m_broker->setObjectName(QStringLiteral("brokerState"));
    m_nodes->setObjectName(QStringLiteral("clusterNodes"));
    m_nodes->setTextFormat(Qt::PlainText);
    m_url->setText(QStringLiteral("<a href=\"%1/\">%1</a>").arg(listenUrl.toHtmlEscaped()));
    m_url->setOpenExternalLinks(true);

    m_banner->setObjectName(QStringLiteral("problemBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setStyleSheet(QStringLiteral(
        "background: #fdecea; color: #b00020; border: 1px solid #b00020; padding: 6px"));
    m_banner->hide();

    auto *central = new QWidget(this);
    auto *form = new QFormLayout(central);
    form->addRow(m_banner);
    form->addRow(tr("Listening on:"), m_url);
    form->addRow(tr("Open streams:"), m_connections);
    form->addRow(tr("Events published:"), m_published);
    form->addRow(tr("Events delivered:"), m_delivered);
    form->addRow(tr("Slow-consumer closes:"), m_slow);
    form->addRow(tr("Broker:"), m_broker);
    form->addRow(tr("Cluster:"), m_nodes);
    setCentralWidget(central);
    QMenu *server = menuBar()->addMenu(tr("&Server"));
    QAction *reload = server->addAction(tr("&Reload access rules"));
    reload->setObjectName(QStringLiteral("reloadAccessAction"));
    reload->setToolTip(tr("Read the ACL and token secret files again; live subscriptions that "
                          "are no longer allowed are removed"));
    connect(reload, &QAction::triggered, this, &MainWindow::reloadAccessRequested);
    statusBar()->addWidget(m_status);
    m_status->setText(tr("Embedded broker · listening on %1").arg(listenUrl));
    resize(640, 360);
}

void MainWindow::showReloadResult(bool ok, const QString &message)
{
    statusBar()->showMessage(ok ? message : tr("Reload failed: %1").arg(message), 15000);
}

void MainWindow::setStartProblems(const QStringList &problems)
{
    m_banner->setText(problems.join(QLatin1Char('\n')));
    m_banner->setVisible(!problems.isEmpty());
}

void MainWindow::applyStats(const EngineStats &stats)
{
    const QLocale locale;
    m_connections->setText(locale.toString(stats.connections));
    m_published->setText(locale.toString(qulonglong(stats.eventsPublished)));
    m_delivered->setText(locale.toString(qulonglong(stats.eventsDelivered)));
    m_slow->setText(locale.toString(qulonglong(stats.slowConsumerCloses)));
    m_status->setText(tr("%1 broker · %2 · %n stream(s)", nullptr, stats.connections)
                          .arg(stats.broker, stats.listenUrl));
    m_broker->setText(stats.brokerReady
                          ? stats.brokerState
                          : tr("%1 - events are refused until it is back").arg(stats.brokerState));
    m_broker->setStyleSheet(
        stats.brokerReady ? QString() : QStringLiteral("color: #b00020; font-weight: bold"));
    if (stats.nodes.isEmpty()) {
        m_nodes->setText(tr("this instance only"));
    } else {
        QStringList lines;
        for (const QJsonValue &value : stats.nodes) {
            const QJsonObject node = value.toObject();
            lines << tr("%1 (%2): %n stream(s)", nullptr,
                        node.value(QLatin1String("connections")).toInt())
                         .arg(node.value(QLatin1String("id")).toString(),
                              node.value(QLatin1String("address")).toString());
        }
        m_nodes->setText(lines.join(QLatin1Char('\n')));
    }
}

} // namespace ssehub
