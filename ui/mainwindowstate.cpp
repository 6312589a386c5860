// The window's own state: its size fitted to the screen, saved and restored views, and
// pictures of every view.
#include "consolesettings.h"
#include "dialogs/publishdialog.h"
#include "dialogs/settingsdialog.h"
#include "enginecontroller.h"
#include "enginetext.h"
#include "format.h"
#include "link/remotelink.h"
#include "logexport.h"
#include "mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/logmodel.h"
#include "models/nodesmodel.h"
#include "models/topicsmodel.h"
#include "views/clientsview.h"
#include "views/clusterview.h"
#include "views/connectionsview.h"
#include "views/healthview.h"
#include "views/historyview.h"
#include "views/logview.h"
#include "views/overviewview.h"
#include "views/presencepanel.h"
#include "views/topicsview.h"
#include "widgets/confirmation.h"
#include "widgets/connectguide.h"
#include "widgets/linkbanner.h"
#include "widgets/statecolors.h"
#include "widgets/throughputchart.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QEventLoop>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace ssehub {

int MainWindow::viewCount() const
{
    return m_tabs->count();
}

QString MainWindow::viewName(int index) const
{
    // From the page's object name: connectionsPage -> connections, chartsView -> charts.
    QString name = m_tabs->widget(index) ? m_tabs->widget(index)->objectName() : QString();
    for (const QLatin1String suffix : {QLatin1String("Page"), QLatin1String("View")}) {
        if (name.endsWith(suffix))
            name.chop(suffix.size());
    }
    if (name == QLatin1String("health"))
        name = QStringLiteral("heartbeat"); // the tab's name
    return name.isEmpty() ? QStringLiteral("view%1").arg(index + 1) : name.toLower();
}

QStringList MainWindow::saveViewImages(const QString &dir, const QByteArray &topic)
{
    QStringList saved;
    const int current = m_tabs->currentIndex();
    for (int i = 0; i < m_tabs->count(); ++i) {
        m_tabs->setCurrentIndex(i);
        QApplication::processEvents();
        if (m_tabs->currentWidget() == m_clientsView) {
            // Its page is asked for when it is shown: the picture waits for it (2 s at most).
            QEventLoop wait;
            QTimer::singleShot(2000, &wait, &QEventLoop::quit);
            connect(m_clientsView, &ClientsView::refreshed, &wait, &QEventLoop::quit);
            wait.exec();
        }
        if (m_tabs->currentWidget() == m_topicsView && m_topicsView->selectTopic(topic)) {
            // Its presence and events are asked for when selected: both answers (2 s at most).
            QEventLoop wait;
            int answers = 0;
            auto answered = [&wait, &answers] {
                if (++answers == 2)
                    wait.quit();
            };
            QTimer::singleShot(2000, &wait, &QEventLoop::quit);
            PresencePanel *panel = m_topicsView->presencePanel();
            connect(panel, &PresencePanel::presenceShown, &wait, answered);
            connect(panel, &PresencePanel::eventsShown, &wait, answered);
            wait.exec();
        }
        // Text set by the answers above is laid out before the picture is taken.
        QApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        const QString path = QDir(dir).filePath(viewName(i) + QStringLiteral(".png"));
        if (grab().save(path))
            saved << path;
    }
    m_tabs->setCurrentIndex(current);
    return saved;
}

// --- State ----------------------------------------------------------------------------------

void MainWindow::restoreState()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    if (settings.contains(QStringLiteral("geometry")))
        restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    QMainWindow::restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("tab"), 0).toInt());
    m_connectionsView->restoreState(settings);
    m_healthView->restoreState(settings);
    m_logView->restoreState(settings);
    m_topicsView->restoreState(settings);
    m_historyView->restoreState(settings);
    m_clusterView->restoreState(settings);
    m_clientsView->restoreState(settings);
}

void MainWindow::fitToScreen()
{
    // The default size and a restored geometry (saved on a larger screen, or at a smaller scale
    // factor) are cut to the screen's free area; the title bar and the frame are not known
    // before the window is shown, so room is left for them.
    const QScreen *screen = this->screen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    // Shown: the window system's frame is known; before, a title bar and borders are guessed.
    const QRect outer = frameGeometry();
    const QRect inner = geometry();
    QMargins frame(inner.left() - outer.left(), inner.top() - outer.top(),
                   outer.right() - inner.right(), outer.bottom() - inner.bottom());
    if (frame.isNull())
        frame = QMargins(8, 40, 8, 8);
    const QRect room = available.marginsRemoved(frame);
    QRect g = geometry();
    g.setSize(g.size().boundedTo(room.size()).expandedTo(minimumSize()));
    if (g.right() > room.right())
        g.moveRight(room.right());
    if (g.bottom() > room.bottom())
        g.moveBottom(room.bottom());
    if (g.left() < room.left())
        g.moveLeft(room.left());
    if (g.top() < room.top())
        g.moveTop(room.top());
    setGeometry(g);
}

void MainWindow::saveState() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), QMainWindow::saveState());
    settings.setValue(QStringLiteral("tab"), m_tabs->currentIndex());
    m_connectionsView->saveState(settings);
    m_healthView->saveState(settings);
    m_logView->saveState(settings);
    m_topicsView->saveState(settings);
    m_historyView->saveState(settings);
    m_clusterView->saveState(settings);
    m_clientsView->saveState(settings);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!std::exchange(m_fittedShown, true))
        fitToScreen(); // again, with the real frame
}

} // namespace ssehub
