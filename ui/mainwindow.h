#pragma once

#include "engine.h"

#include <QMainWindow>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace ssehub {

// The console's main window. This first version shows what the engine is doing; the full
// console (connections, topics, charts, log) builds on the same snapshots.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const QString &listenUrl, QWidget *parent = nullptr);

    // Problems found at start that the operator must see (e.g. listening on a public address
    // without authentication): shown as a banner above everything else.
    void setStartProblems(const QStringList &problems);

public Q_SLOTS:
    void applyStats(const ssehub::EngineStats &stats);
    // What the engine said about a reload of the access rules.
    void showReloadResult(bool ok, const QString &message);

Q_SIGNALS:
    // Server > Reload access rules (the console's SIGHUP).
    void reloadAccessRequested();

private:
    QLabel *m_banner;
    QLabel *m_url;
    QLabel *m_connections;
    QLabel *m_published;
    QLabel *m_delivered;
    QLabel *m_slow;
    QLabel *m_broker;
    QLabel *m_nodes;
    QLabel *m_status;
};

} // namespace ssehub
