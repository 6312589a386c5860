#include "linkbanner.h"

#include "statecolors.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

namespace ssehub {

LinkBanner::LinkBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_reconnect(new QPushButton(tr("Reconnect now"), this))
    , m_connect(new QPushButton(tr("Connect…"), this))
    , m_attach(new QPushButton(tr("Attach to the running server"), this))
    , m_tick(new QTimer(this))
{
    setObjectName(QStringLiteral("linkBanner"));
    m_text->setObjectName(QStringLiteral("linkBannerText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_reconnect->setObjectName(QStringLiteral("reconnectButton"));
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_attach->setObjectName(QStringLiteral("attachButton"));
    setStyleSheet(QStringLiteral("#linkBanner { background: %1; border: 1px solid %2; }"
                                 " #linkBanner QLabel { color: %2; }")
                      .arg(severityBackground(palette(), Severity::Warning).name(),
                           severityText(palette(), Severity::Warning).name()));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_attach);
    layout->addWidget(m_reconnect);
    layout->addWidget(m_connect);
    connect(m_reconnect, &QPushButton::clicked, this, &LinkBanner::reconnectRequested);
    connect(m_connect, &QPushButton::clicked, this, &LinkBanner::connectRequested);
    connect(m_attach, &QPushButton::clicked, this, [this] { Q_EMIT attachRequested(m_attachUrl); });
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &LinkBanner::refresh);
    hide();
}

void LinkBanner::showStatus(const QString &server, const EngineLink::Status &status)
{
    m_server = server;
    m_status = status;
    m_showingStatus = true;
    m_attachUrl.clear();
    refresh();
}

void LinkBanner::offerAttach(const QUrl &url)
{
    m_showingStatus = false;
    m_attachUrl = url;
    refresh();
}

void LinkBanner::clear()
{
    m_showingStatus = false;
    m_attachUrl.clear();
    refresh();
}

QString LinkBanner::text() const
{
    return isHidden() ? QString() : m_text->text();
}

void LinkBanner::refresh()
{
    m_attach->setVisible(!m_attachUrl.isEmpty());
    if (!m_attachUrl.isEmpty()) {
        m_text->setText(tr("An ssehub is already running at %1, on the port the embedded server "
                           "wants. Attach the console to it, or give the embedded server another "
                           "port in Server > Settings.")
                            .arg(m_attachUrl.toString()));
        m_reconnect->hide();
        m_connect->hide();
        m_tick->stop();
        show();
        return;
    }
    if (!m_showingStatus || m_status.state == EngineLink::State::Live) {
        m_tick->stop();
        hide();
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int seconds = m_status.retryAtMs > now ? int((m_status.retryAtMs - now + 999) / 1000) : 0;
    const QString retry = m_status.retryAtMs == 0 ? QString()
        : seconds > 0                             ? tr("reconnecting in %n s", nullptr, seconds)
                                                  : tr("reconnecting now");
    QString text;
    switch (m_status.state) {
    case EngineLink::State::Stale:
        text = tr("Connection to %1 lost at %2 (%3) - showing data from then; %4.")
                   .arg(m_server,
                        QDateTime::fromMSecsSinceEpoch(m_status.lostAtMs)
                            .toString(QStringLiteral("HH:mm:ss")),
                        m_status.message, retry);
        break;
    case EngineLink::State::Refused:
        text = tr("%1 - %2. Connect with other credentials, or wait: the console asks again "
                  "every minute.")
                   .arg(m_status.message, retry);
        break;
    case EngineLink::State::Connecting:
        text = retry.isEmpty() ? m_status.message : tr("%1 - %2.").arg(m_status.message, retry);
        break;
    case EngineLink::State::Live:
        break;
    }
    m_text->setText(text);
    m_reconnect->setVisible(m_status.retryAtMs != 0);
    m_connect->setVisible(m_status.state == EngineLink::State::Refused
                          || m_status.state == EngineLink::State::Connecting);
    if (m_status.retryAtMs != 0)
        m_tick->start();
    else
        m_tick->stop();
    show();
}

} // namespace ssehub
