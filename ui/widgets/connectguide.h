#pragma once

#include <QGroupBox>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
QT_END_NAMESPACE

namespace ssehub {

// First run: a hub without streams shows how a client connects - the endpoint, a browser's
// EventSource line and curl lines to subscribe and publish, each with a copy button, and the
// demo page. Hidden as soon as a stream is open.
class ConnectGuide : public QGroupBox
{
    Q_OBJECT

public:
    explicit ConnectGuide(QWidget *parent = nullptr);

    // The server's base URL (http://host:port); empty: nothing to connect to (hidden).
    void setServer(const QString &url);
    QString server() const { return m_server; }

    // The lines as shown (and copied).
    QString eventSourceLine() const;
    QString subscribeLine() const;
    QString publishLine() const;

Q_SIGNALS:
    void demoPageRequested();

private:
    QLineEdit *addLine(const QString &label, const QString &name);

    QString m_server;
    QLabel *m_intro = nullptr;
    QLineEdit *m_eventSource = nullptr;
    QLineEdit *m_subscribe = nullptr;
    QLineEdit *m_publish = nullptr;
};

} // namespace ssehub
