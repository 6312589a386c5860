#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QSettings;
class QTableView;
QT_END_NAMESPACE

namespace ssehub {

class LogFilterModel;
class LogModel;
class NodeFilterBox;

// The connection log: filters by kind, client and age; follows new entries while scrolled to
// the end.
class LogView : public QWidget
{
    Q_OBJECT

public:
    explicit LogView(LogModel *model, QWidget *parent = nullptr);

    // What the view shows (and an export writes).
    LogFilterModel *filter() const { return m_filter; }

    // The link came back after the server had dropped log entries this console never got:
    // the view says how many and since when (missed 0: forget it, a new server).
    void noteGap(quint64 missed, qint64 lostAtMs);
    // The nodes whose entries are shown: a Node column and a node filter when there are several.
    void setNodes(const QStringList &nodes);

    void restoreState(const QSettings &settings);
    void saveState(QSettings &settings) const;

Q_SIGNALS:
    void exportRequested();

private:
    void applyFilter();

    LogFilterModel *m_filter;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_client = nullptr;
    QComboBox *m_since = nullptr;
    NodeFilterBox *m_node = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_gap = nullptr;
    quint64 m_gapMissed = 0;
    bool m_follow = true;
};

} // namespace ssehub
