#pragma once

#include "clientlist.h"

#include <QElapsedTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSplitter;
class QTableView;
class QTimer;
class QTreeWidget;
QT_END_NAMESPACE

namespace ssehub {

class ClientsModel;
class EngineController;

// Every client the engine knows, online or offline, stored or anonymous: a searchable page of
// them (asked for every two seconds while the view is shown, and after each action, not per
// snapshot), and the selected client's subscriptions with the operator's actions on one of
// them (pause, resume, expire, delete; the last two confirmed). The selection follows the
// client id across refreshes.
class ClientsView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int RefreshMs = 2000;
    static constexpr int PageSize = 200;

    ClientsView(EngineController *controller, QWidget *parent = nullptr);

    ClientsModel *model() const { return m_model; }
    // Asks for the current page now (a refresh in flight is followed by one more).
    void refresh();
    // Another server is shown: nothing of the old one stays.
    void clear();
    // The action on the selected subscription (Expire and Delete ask first).
    void act(SubscriptionAction action);
    QString selectedClient() const { return m_selectedId; }
    QByteArray selectedFilter() const;

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

Q_SIGNALS:
    // A page was applied (tests wait for it).
    void refreshed();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void applyPage(const ClientPage &page, const QString &error);
    void selectedChanged();
    void showDetail();
    void updateActions();
    bool confirm(SubscriptionAction action, const QString &clientId, const QByteArray &filter);
    ClientQuery query() const;

    EngineController *m_controller;
    ClientsModel *m_model;
    QLineEdit *m_search = nullptr;
    QComboBox *m_presence = nullptr;
    QLabel *m_count = nullptr;
    QPushButton *m_previous = nullptr;
    QPushButton *m_next = nullptr;
    QTableView *m_view = nullptr;
    QSplitter *m_split = nullptr;
    QLabel *m_detailTitle = nullptr;
    QTreeWidget *m_subscriptions = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_resume = nullptr;
    QAction *m_expire = nullptr;
    QAction *m_delete = nullptr;
    QTimer *m_timer = nullptr;
    QTimer *m_searchDelay = nullptr;
    qsizetype m_offset = 0;
    QString m_selectedId; // kept across refreshes
    bool m_inFlight = false;
    QElapsedTimer m_asked; // when the question in flight was asked
    quint64 m_generation = 0; // of the question in flight
    bool m_again = false;
    bool m_applying = false; // a page is being applied: selection changes are ours
};

} // namespace ssehub
