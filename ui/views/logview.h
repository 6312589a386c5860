#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSettings;
class QTableView;
class QTimer;
class QPushButton;
QT_END_NAMESPACE

namespace ssehub {

class LogFilterModel;
class LogModel;
class NodeFilterBox;

// The connection log: filters by kinds (several at once), text (client id, address, reason,
// filter, detail) and a rolling age ("last 5 minutes" moves with the clock); follows new
// entries while scrolled to the end.
class LogView : public QWidget
{
    Q_OBJECT

public:
    explicit LogView(LogModel *model, QWidget *parent = nullptr);

    // What the view shows (and an export writes).
    LogFilterModel *filter() const { return m_filter; }
    // What an export of the view writes, for its dialog: "Exporting 120 of 5,000 entries
    // (filtered)" or "Exporting all 5,000 entries".
    QString exportSummary() const;

    // The link came back after the server had dropped log entries this console never got:
    // the view says how many and since when (missed 0: forget it, a new server).
    void noteGap(quint64 missed, qint64 lostAtMs);
    // The nodes whose entries are shown: a Node column and a node filter when there are several.
    void setNodes(const QStringList &nodes);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

Q_SIGNALS:
    void exportRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyKinds();
    void applyRange();

    LogModel *m_model;
    LogFilterModel *m_filter;
    QPushButton *m_kinds = nullptr;
    QMenu *m_kindMenu = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_since = nullptr;
    QTimer *m_rangeTimer = nullptr;
    NodeFilterBox *m_node = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_gap = nullptr;
    quint64 m_gapMissed = 0;
    bool m_follow = true;
};

} // namespace ssehub
