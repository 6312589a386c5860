#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLineEdit;
class QSettings;
class QTableView;
QT_END_NAMESPACE

namespace ssehub {

class LogFilterModel;
class LogModel;

// The connection log: filters by kind, client and age; follows new entries while scrolled to
// the end.
class LogView : public QWidget
{
    Q_OBJECT

public:
    explicit LogView(LogModel *model, QWidget *parent = nullptr);

    // What the view shows (and an export writes).
    LogFilterModel *filter() const { return m_filter; }

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
    QTableView *m_view = nullptr;
    bool m_follow = true;
};

} // namespace ssehub
