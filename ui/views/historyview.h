#pragma once

#include "historyquery.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QSplitter;
class QTableView;
QT_END_NAMESPACE

namespace ssehub {

class EngineController;
class HistoryModel;

// The retained events, browsed a page at a time (GET /history): by topic filter, from and to an
// event id or a time, newest or oldest first; Newer and Older move page by page. A header line
// tells what the history still holds (its oldest id, events and bytes against their bounds).
class HistoryView : public QWidget
{
    Q_OBJECT

public:
    HistoryView(EngineController *controller, QWidget *parent = nullptr);

    HistoryModel *model() const { return m_model; }
    // Reads the first page of what the fields ask for.
    void search();
    void showOlder();
    void showNewer();
    // Forgets the page (another server is shown).
    void clear();

    // What the operator typed in From or To: an event id, or a time (ms since the epoch). False
    // when it is neither.
    struct Bound
    {
        bool isId = false;
        quint64 id = 0;
        qint64 ms = 0;
    };
    static bool parseBound(const QString &text, Bound *out);
    // Why a typed filter cannot be one (empty when it can; empty text means every topic).
    static QString filterProblem(const QString &text);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

protected:
    // The first time the view is shown it reads the newest page of every topic.
    void showEvent(QShowEvent *event) override;

Q_SIGNALS:
    // A page arrived (or a query failed): for tests.
    void pageShown();

private:
    enum class Move { First, Older, Newer };
    // The fields as a query (no paging cursor); false with the state line saying why not.
    bool fieldsQuery(HistoryQuery *query);
    void run(const HistoryQuery &query, Move move);
    void showPage(const HistoryPage &page, Move move, bool newestFirst);
    void showSelected();
    void updateButtons();
    void setState(const QString &text, bool error);

    EngineController *m_controller;
    HistoryModel *m_model;
    QLineEdit *m_filter = nullptr;
    QLineEdit *m_from = nullptr;
    QLineEdit *m_to = nullptr;
    QComboBox *m_order = nullptr;
    QSpinBox *m_pageSize = nullptr;
    QPushButton *m_search = nullptr;
    QPushButton *m_newer = nullptr;
    QPushButton *m_older = nullptr;
    QLabel *m_header = nullptr;
    QLabel *m_state = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_payload = nullptr;
    QSplitter *m_split = nullptr;

    HistoryQuery m_base; // the fields' query of the page shown
    bool m_newestFirst = true; // the page's display order
    bool m_hasOlder = false;
    bool m_hasNewer = false;
    bool m_busy = false;
    bool m_searched = false; // a query was made since the view was created or cleared
    quint64 m_request = 0; // answers to older requests are dropped
};

} // namespace ssehub
