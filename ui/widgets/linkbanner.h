#pragma once

#include "link/enginelink.h"

#include <QFrame>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QTimer;
QT_END_NAMESPACE

namespace ssehub {

// The strip above the views that says what the console's link to its server is doing when it
// is not simply live (connecting, lost and reconnecting, refused) with a countdown to the next
// attempt, and that offers to attach to an ssehub found holding the embedded server's port.
class LinkBanner : public QFrame
{
    Q_OBJECT

public:
    explicit LinkBanner(QWidget *parent = nullptr);

    // The link of a server elsewhere: hidden while live.
    void showStatus(const QString &server, const EngineLink::Status &status);
    // The embedded server could not listen because an ssehub answers there.
    void offerAttach(const QUrl &url);
    void clear();
    QString text() const;

Q_SIGNALS:
    void reconnectRequested();
    void connectRequested(); // other credentials or another server
    void attachRequested(const QUrl &url);

private:
    void refresh();

    QLabel *m_text;
    QPushButton *m_reconnect;
    QPushButton *m_connect;
    QPushButton *m_attach;
    QTimer *m_tick;
    QString m_server;
    EngineLink::Status m_status;
    QUrl m_attachUrl;
    bool m_showingStatus = false;
};

} // namespace ssehub
