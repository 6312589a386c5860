#pragma once

#include "snapshot.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSplitter;
class QToolButton;
class QTreeView;
QT_END_NAMESPACE

namespace ssehub {

class EngineController;
class PresencePanel;
class TopicsFilterModel;
class TopicsModel;

// Subscribed filters and published topics as a tree; who listens on the selected one with its
// clients' join and leave events (PresencePanel); and the live tail of one topic or filter.
class TopicsView : public QWidget
{
    Q_OBJECT

public:
    TopicsView(TopicsModel *model, EngineController *controller, QWidget *parent = nullptr);

    // What the tail field holds (the publish dialog starts with it when it is a topic).
    QString tailFilterText() const;
    void startTail(const QString &filter);
    void stopTail();
    // Appends the snapshot's tail events (unless paused).
    void applySnapshot(const ConsoleSnapshot &s);

    // Selects a topic or filter of the tree, as a click does (its presence shows); false when
    // the tree has no such node.
    bool selectTopic(const QByteArray &path);
    // Another server is shown: the presence of the old one's topic goes.
    void clear();
    PresencePanel *presencePanel() const { return m_presence; }

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

Q_SIGNALS:
    void publishRequested();

private:
    EngineController *m_controller;
    TopicsModel *m_topics;
    TopicsFilterModel *m_filter;
    QLineEdit *m_search = nullptr;
    QTreeView *m_view = nullptr;
    QSplitter *m_split = nullptr;
    QLineEdit *m_tailFilter = nullptr;
    QPlainTextEdit *m_tail = nullptr;
    QToolButton *m_tailPause = nullptr;
    QLabel *m_tailState = nullptr;
    PresencePanel *m_presence = nullptr;
};

} // namespace ssehub
