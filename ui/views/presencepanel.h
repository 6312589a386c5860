#pragma once

#include "historyquery.h"
#include "presence.h"

#include <QElapsedTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QSettings;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;
QT_END_NAMESPACE

namespace ssehub {

class ElidedLabel;
class EngineController;
class PresenceEventsModel;
class PresenceModel;

// The Topics view's presence of the selected topic or filter: who listens on it (GET
// /presence: client, node, streams, since, with the counts; the whole cluster in cluster mode)
// and its recent join and leave events ($SYS/presence/<topic>, read with GET /history after the
// last id seen). Both are asked for every RefreshMs while the panel is shown and a topic is
// selected, never while it is hidden; an answer with an error is shown as that error, not as
// the last good answer.
class PresencePanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int RefreshMs = 2000;
    static constexpr int EntryLimit = 500; // who listens: rows asked for at most
    static constexpr int FirstEventsPage = 50; // join and leave: the newest page first
    static constexpr int GiveUpMs = 10000; // a question never answered is asked again after this

    PresencePanel(EngineController *controller, QWidget *parent = nullptr);

    // The topic or filter shown (empty: none, nothing is asked).
    void setTopic(const QByteArray &topic);
    QByteArray topic() const { return m_topic; }
    // Asks now (only while shown and a topic is selected).
    void refresh();
    // Another server is shown: nothing of the old one stays.
    void clear();

    PresenceModel *model() const { return m_model; }
    PresenceEventsModel *eventsModel() const { return m_events; }

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

Q_SIGNALS:
    // An answer (or its error) is shown: tests wait for these.
    void presenceShown();
    void eventsShown();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    // One kind of question: one in flight at a time, answers to older ones dropped.
    struct Asking
    {
        quint64 request = 0;
        bool inFlight = false;
        QElapsedTimer since;
        bool busy() const { return inFlight && since.isValid() && since.elapsed() < GiveUpMs; }
    };

    // Shows topic (empty: none) with nothing read yet.
    void forget(const QByteArray &topic);
    bool active() const;
    void updateTimer();
    void askPresence();
    void askEvents(bool newest);
    void showPresence(const PresenceAnswer &answer);
    void showEvents(const HistoryPage &page, bool newest);
    void showWhoMessage(const QString &text, bool error);
    void showEventsMessage(const QString &text, bool error);
    void showTopic();

    EngineController *m_controller;
    PresenceModel *m_model;
    PresenceEventsModel *m_events;
    ElidedLabel *m_title = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_note = nullptr;
    QStackedWidget *m_whoStack = nullptr;
    QTableView *m_who = nullptr;
    QLabel *m_whoMessage = nullptr;
    ElidedLabel *m_eventsTitle = nullptr;
    QStackedWidget *m_eventsStack = nullptr;
    QTableView *m_eventsTable = nullptr;
    QLabel *m_eventsMessage = nullptr;
    QSplitter *m_split = nullptr;
    QTimer *m_timer = nullptr;

    QByteArray m_topic;
    Asking m_presenceAsk;
    Asking m_eventsAsk;
    bool m_eventsRead = false; // the newest page was read: later ones follow m_cursor
    quint64 m_cursor = 0; // the newest join or leave id read
};

} // namespace ssehub
